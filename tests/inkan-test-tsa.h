/* Test fixture: an RFC 3161 timestamp authority on 127.0.0.1, answering with `openssl ts -reply`. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the authority answers. */
typedef enum
{
  INKAN_TEST_TSA_OK,            /* openssl ts -reply's answer to the request as it came */
  INKAN_TEST_TSA_GARBAGE,       /* HTTP 200 with bytes that are no timestamp response */
  INKAN_TEST_TSA_HTTP_ERROR,    /* HTTP 500 */
  INKAN_TEST_TSA_WRONG_NONCE,   /* a genuine answer to the request with another nonce */
  INKAN_TEST_TSA_WRONG_IMPRINT, /* a genuine answer to the request with another imprint */
  INKAN_TEST_TSA_NO_EKU,        /* the token re-signed by a certificate of the same root that
                                 * lacks the timeStamping extended key usage */
  INKAN_TEST_TSA_REJECT,        /* PKIStatus rejection (the request's digest made unacceptable) */
} InkanTestTsaMode;

typedef struct _InkanTestTsa InkanTestTsa;

/* Starts an HTTP server on 127.0.0.1 (a free port) in its own thread. The TSA's key and
 * certificate, issued by the test PKI's root, are made once per process. */
InkanTestTsa *inkan_test_tsa_start (InkanTestTsaMode mode);
/* Stops the server (the port is closed when this returns) and frees it. */
void inkan_test_tsa_stop (InkanTestTsa *tsa);

const char *inkan_test_tsa_get_url (InkanTestTsa *tsa);
void inkan_test_tsa_set_mode (InkanTestTsa *tsa, InkanTestTsaMode mode);
/* Answers the requests after the first `after` ones (the signer's probe, say) in `mode`. */
void inkan_test_tsa_set_later_mode (InkanTestTsa *tsa, guint after, InkanTestTsaMode mode);
/* Serves `bytes` to GET requests for `path` ("/root.crl"), whatever the mode. */
void inkan_test_tsa_serve_file (InkanTestTsa *tsa, const char *path, GBytes *bytes);
/* "http://127.0.0.1:PORT", for URLs of served files. */
char *inkan_test_tsa_get_base_url (InkanTestTsa *tsa);
/* How many requests the server has answered. */
guint inkan_test_tsa_get_requests (InkanTestTsa *tsa);

/* Makes the TSA's certificate name this OCSP responder (authorityInfoAccess); to be called
 * before anything else of this fixture, since the certificate is made once per process. */
void inkan_test_tsa_set_ocsp_url (const char *url);

/* The TSA's certificate (PEM), issued by the test root with the critical timeStamping usage. */
const char *inkan_test_tsa_cert_pem (void);
/* A URL on 127.0.0.1 where nothing listens (a server was started there and stopped). */
char *inkan_test_tsa_down_url (void);

/* Writes `data` to a new file in the test's temporary directory and returns its path. */
char *inkan_test_tsa_write_tmp (const char *name, const guint8 *data, gsize len);

G_END_DECLS
