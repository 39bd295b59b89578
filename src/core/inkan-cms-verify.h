/* Reading and checking a CMS SignedData found in a PDF signature (BER accepted). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define INKAN_CMS_VERIFY_ERROR (inkan_cms_verify_error_quark ())

/* Each maps to an ETSI EN 319 102-1 sub-indication in the verifier. */
typedef enum
{
  INKAN_CMS_VERIFY_ERROR_FORMAT,            /* not a SignedData we can read: FORMAT_FAILURE */
  INKAN_CMS_VERIFY_ERROR_UNSUPPORTED,       /* digest or signature algorithm we do not accept:
                                             * CRYPTO_CONSTRAINTS_FAILURE */
  INKAN_CMS_VERIFY_ERROR_NO_SIGNER_CERT,    /* the signer's certificate is not in the CMS:
                                             * NO_SIGNING_CERTIFICATE_FOUND */
  INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH,     /* messageDigest differs: HASH_FAILURE */
  INKAN_CMS_VERIFY_ERROR_SIGNATURE_INVALID, /* signature over the signed attributes (or the
                                             * content digest) fails: SIG_CRYPTO_FAILURE */
  INKAN_CMS_VERIFY_ERROR_SIGNING_CERT_MISMATCH, /* signingCertificate(V2) names another
                                                 * certificate: FORMAT_FAILURE */
} InkanCmsVerifyError;

GQuark inkan_cms_verify_error_quark (void);

typedef struct _InkanCmsSignedData InkanCmsSignedData;

/* Parses a ContentInfo holding a SignedData with exactly one SignerInfo. BER (indefinite
 * lengths) is accepted and trailing zero bytes (the /Contents padding) are ignored; anything else
 * after the structure is FORMAT. The signer is found among the certificates by
 * issuerAndSerialNumber or subjectKeyIdentifier. */
InkanCmsSignedData *inkan_cms_signed_data_parse (const guint8 *data, gsize len, GError **error);
void inkan_cms_signed_data_free (InkanCmsSignedData *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanCmsSignedData, inkan_cms_signed_data_free)

/* The SignerInfo's digest algorithm: SHA-256, SHA-384 or SHA-512 (anything else failed to
 * parse with UNSUPPORTED). The caller digests the signed byte ranges with it. */
gnutls_digest_algorithm_t inkan_cms_signed_data_get_digest (InkanCmsSignedData *self);
/* The signer's certificate, or NULL when the CMS does not carry it. Owned by `self`. */
gnutls_x509_crt_t inkan_cms_signed_data_get_signer (InkanCmsSignedData *self);
/* Every certificate in the CMS's certificates field, the signer's included. Owned by `self`. */
gnutls_x509_crt_t const *inkan_cms_signed_data_get_certificates (InkanCmsSignedData *self,
                                                                guint              *n_certs);
/* The signingTime signed attribute, if any (a claim, not a proof). */
GDateTime *inkan_cms_signed_data_get_signing_time (InkanCmsSignedData *self);
/* "RSA PKCS#1 v1.5 with SHA-256", "ECDSA with SHA-384", … for people. */
const char *inkan_cms_signed_data_get_algorithm_name (InkanCmsSignedData *self);

/* The SignerInfo's signature value (what an RFC 3161 signature timestamp is over). Owned. */
GBytes *inkan_cms_signed_data_get_signature_value (InkanCmsSignedData *self);
/* The encapsulated content (eContent) and its type (eContentType), or NULL when the SignedData
 * is detached (the type is still set). Owned by `self`. */
GBytes *inkan_cms_signed_data_get_content (InkanCmsSignedData *self, const char **content_type);
/* The id-aa-timeStampToken unsigned attribute values (GBytes, each a ContentInfo as encoded), in
 * the order the SignerInfo gives them; empty when there is none. Owned by `self`. */
GPtrArray *inkan_cms_signed_data_get_timestamp_tokens (InkanCmsSignedData *self);
/* Whether signingCertificate(V2) names the signer's certificate (checked by verify). */
gboolean inkan_cms_signed_data_has_signing_certificate (InkanCmsSignedData *self);

/* The single value (as DER) of the signed attribute `oid`, one the parser does not read itself
 * (the seal record, for instance); NULL when it is absent, given twice or not with exactly one
 * value; `*present` (may be NULL) tells absent from unusable. Owned by `self`. */
GBytes *inkan_cms_signed_data_get_signed_attribute (InkanCmsSignedData *self, const char *oid,
                                                    gboolean *present);

/* Checks that the content whose digest (by get_digest's algorithm) is `digest` is what was
 * signed: messageDigest equals it (or, with no signed attributes, the signature is over it
 * directly; with an encapsulated content, that content's digest is compared as well), the
 * signature verifies with the signer's certificate (RSA PKCS#1 v1.5, RSA-PSS, ECDSA), and
 * signingCertificateV2 or signingCertificate, when present, names that certificate. */
gboolean inkan_cms_signed_data_verify (InkanCmsSignedData *self,
                                       const guint8       *digest,
                                       gsize               digest_len,
                                       GError            **error);

G_END_DECLS
