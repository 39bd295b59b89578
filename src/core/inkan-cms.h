/* CMS SignedData for PAdES baseline signatures, built with libtasn1 around a precomputed digest. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define INKAN_CMS_ERROR (inkan_cms_error_quark ())

typedef enum
{
  INKAN_CMS_ERROR_FAILED,         /* encoding failed */
  INKAN_CMS_ERROR_SIGN_FAILED,    /* the key refused or failed to sign */
  INKAN_CMS_ERROR_UNSUPPORTED,    /* key algorithm not supported */
} InkanCmsError;

GQuark inkan_cms_error_quark (void);

#define INKAN_CMS_DIGEST_LEN 32 /* SHA-256 */

/* A detached CMS SignedData (DER) over content whose SHA-256 is `digest`, as PAdES baseline B-B
 * wants it (ETSI.CAdES.detached): signed attributes contentType (id-data), messageDigest and
 * signingCertificateV2, no signingTime; the certificates of `chain` (chain[0] is the signer's);
 * RSA PKCS#1 v1.5 or ECDSA with SHA-256, signed by `key`. */
GBytes *inkan_cms_sign_detached (gnutls_privkey_t         key,
                                 gnutls_x509_crt_t const *chain,
                                 guint                    n_chain,
                                 const guint8            *digest,
                                 GError                 **error);

/* An upper bound of the DER size of what inkan_cms_sign_detached returns for this key and
 * chain, so that the /Contents placeholder can be sized before the digest is known. */
gsize inkan_cms_max_size (gnutls_privkey_t         key,
                          gnutls_x509_crt_t const *chain,
                          guint                    n_chain);

/* inkan_cms_sign_detached with one more signed attribute, `extra_oid` with the single value
 * `extra_value` (DER); NULL for either adds none. Sealing carries the seal record this way. */
GBytes *inkan_cms_sign_detached_with (gnutls_privkey_t         key,
                                      gnutls_x509_crt_t const *chain,
                                      guint                    n_chain,
                                      const guint8            *digest,
                                      const char              *extra_oid,
                                      GBytes                  *extra_value,
                                      GError                 **error);

/* inkan_cms_max_size for inkan_cms_sign_detached_with. */
gsize inkan_cms_max_size_with (gnutls_privkey_t         key,
                               gnutls_x509_crt_t const *chain,
                               guint                    n_chain,
                               const char              *extra_oid,
                               GBytes                  *extra_value);

/* The CMS made by inkan_cms_sign_detached with `token`, an RFC 3161 TimeStampToken over its
 * signature value, added as the unsigned attribute id-aa-timeStampToken (PAdES baseline B-T).
 * The signed part is unchanged; the result is DER. */
GBytes *inkan_cms_add_timestamp (GBytes  *cms,
                                 GBytes  *token,
                                 GError **error);

/* How much inkan_cms_add_timestamp adds, at most, for a token of `token_size` bytes. */
gsize inkan_cms_timestamp_overhead (gsize token_size);

G_END_DECLS
