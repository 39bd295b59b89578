/* RFC 3161 trusted time: a client for a timestamp authority over HTTP, and the check of a token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define INKAN_TSA_ERROR (inkan_tsa_error_quark ())

typedef enum
{
  INKAN_TSA_ERROR_FAILED,       /* anything else (no memory for a digest, a defect) */
  INKAN_TSA_ERROR_BAD_URL,      /* not an http:// or https:// URL */
  INKAN_TSA_ERROR_UNREACHABLE,  /* no answer: the TSA is down, its name unknown, a timeout */
  INKAN_TSA_ERROR_HTTP,         /* an HTTP status other than 200 */
  INKAN_TSA_ERROR_REJECTED,     /* the TSA refused the request (PKIStatus other than granted) */
  INKAN_TSA_ERROR_MALFORMED,    /* the answer or the token is not one Inkan can read */
  INKAN_TSA_ERROR_MISMATCH,     /* the token is for other data, or answers another request (nonce) */
  INKAN_TSA_ERROR_SIGNATURE,    /* the token's signature does not verify */
  INKAN_TSA_ERROR_CERTIFICATE,  /* the TSA's certificate is missing, not for timestamping only
                                 * (critical extended key usage id-kp-timeStamping), or was not
                                 * valid at the time it gave */
} InkanTsaError;

GQuark inkan_tsa_error_quark (void);

/* ---- a timestamp token ------------------------------------------------------------------- */

typedef struct _InkanTimestamp InkanTimestamp;

/* Reads a TimeStampToken: a CMS SignedData (BER accepted) whose content is a TSTInfo. Nothing
 * is checked yet but the structure. */
InkanTimestamp *inkan_timestamp_parse (const guint8 *token, gsize len, GError **error);
void inkan_timestamp_free (InkanTimestamp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTimestamp, inkan_timestamp_free)

/* Checks the token on its own and against `data`, what it claims to timestamp (for a signature
 * timestamp, the signature value): the message imprint is the digest of `data` (SHA-256, 384
 * or 512), the CMS signature over the TSTInfo verifies with the TSA's certificate carried in
 * the token, that certificate is named by the signingCertificate attribute, has the critical
 * extended key usage id-kp-timeStamping and nothing else, and was valid at genTime. Whether
 * the TSA is trusted is the caller's question (inkan_trust_check_path with get_signer). */
gboolean inkan_timestamp_verify (InkanTimestamp *self,
                                 const guint8   *data,
                                 gsize           len,
                                 GError        **error);

/* The digest algorithm of the token's message imprint (SHA-256, 384 or 512). */
gnutls_digest_algorithm_t inkan_timestamp_get_imprint_algorithm (InkanTimestamp *self);
/* inkan_timestamp_verify with the imprint already computed by the caller (a document timestamp
 * over byte ranges too large to hold), by get_imprint_algorithm. */
gboolean inkan_timestamp_verify_digest (InkanTimestamp *self,
                                        const guint8   *imprint,
                                        gsize           imprint_len,
                                        GError        **error);

/* genTime, in UTC, to the precision the TSA gave (milliseconds and finer are kept). */
GDateTime *inkan_timestamp_get_time (InkanTimestamp *self);
/* The TSA's name for people: its certificate's common name (else its DN), or the TSTInfo's
 * tsa field when the certificate is missing. */
const char *inkan_timestamp_get_tsa_name (InkanTimestamp *self);
/* The TSA's certificate, or NULL when the token does not carry it. Owned by `self`. */
gnutls_x509_crt_t inkan_timestamp_get_signer (InkanTimestamp *self);
/* Every certificate the token carries. Owned by `self`. */
gnutls_x509_crt_t const *inkan_timestamp_get_certificates (InkanTimestamp *self, guint *n_certs);
/* The token as it was given (DER or BER). */
GBytes *inkan_timestamp_get_token (InkanTimestamp *self);
/* The TSTInfo's serial number, as hexadecimal digits. */
const char *inkan_timestamp_get_serial (InkanTimestamp *self);

/* ---- the client --------------------------------------------------------------------------- */

typedef struct _InkanTsa InkanTsa;

/* A client of the TSA at `url` (http or https). Nothing is sent yet. Each call below makes its
 * own HTTP session, so an InkanTsa may be used from any one thread at a time. */
InkanTsa *inkan_tsa_new (const char *url, GError **error);
void inkan_tsa_free (InkanTsa *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTsa, inkan_tsa_free)

const char *inkan_tsa_get_url (InkanTsa *self);
/* Seconds to wait for the connection and for the answer; 30 by default. */
void inkan_tsa_set_timeout (InkanTsa *self, guint seconds);

/* Asks for a timestamp over `data` and checks the answer before returning it: HTTP 200, a
 * TimeStampResp with status granted (or granted with modifications), a token whose nonce is
 * this request's, whose imprint is SHA-256 of `data`, and which passes inkan_timestamp_verify.
 * The request carries a random 64-bit nonce and certReq, so the token carries the TSA's
 * certificate. */
InkanTimestamp *inkan_tsa_timestamp (InkanTsa      *self,
                                     const guint8  *data,
                                     gsize          len,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* The same for data whose SHA-256 digest (32 bytes) the caller has computed (a document
 * timestamp over byte ranges). */
InkanTimestamp *inkan_tsa_timestamp_digest (InkanTsa      *self,
                                            const guint8  *digest,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The room a token from this TSA needs in a signature: one request over fixed bytes (so a TSA
 * that is down is found before anything else is done) and the size of its token, plus slack
 * for serial numbers, nonces and signatures a few bytes longer next time. */
gsize inkan_tsa_probe_size (InkanTsa      *self,
                            GCancellable  *cancellable,
                            GError       **error);

G_END_DECLS
