/* Trusted time: the RFC 3161 client against a TSA the test runs, B-T signatures, the verifier. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-cms-verify.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-tsa.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>

static const char data[] = "The signature value a TSA is asked to timestamp.";

static char *
test_pin (const char *label, InkanPinFlags flags, gpointer user_data)
{
  InkanTestPki *pki = user_data;

  return (flags & INKAN_PIN_FLAG_RETRY) ? NULL : g_strdup (pki->pin);
}

static InkanSigner *
open_signer (const char *key_url, const char *cert)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  InkanSigner *signer = inkan_signer_open (key_url, cert, test_pin, pki, &error);

  g_assert_no_error (error);
  g_assert_nonnull (signer);
  return signer;
}

/* The test TSA's answer to `data` through the client, or the client's error. */
static InkanTimestamp *
ask (InkanTestTsaMode mode, GError **error)
{
  InkanTestTsa *server = inkan_test_tsa_start (mode);
  g_autoptr (InkanTsa) tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  InkanTimestamp *ts;

  g_assert_nonnull (tsa);
  ts = inkan_tsa_timestamp (tsa, (const guint8 *) data, sizeof data - 1, NULL, error);
  g_assert_cmpuint (inkan_test_tsa_get_requests (server), ==, 1);
  inkan_test_tsa_stop (server);
  return ts;
}

/* The fraction of a second in `openssl ts -reply -token_in -text`'s "Time stamp:" line, in
 * microseconds (0 when it prints none). */
static gint64
openssl_fraction (const char *token_path)
{
  const char *argv[] = { "openssl", "ts", "-reply", "-token_in", "-in", token_path, "-text",
                         NULL };
  g_autofree char *out = NULL;
  const char *line, *p;
  gint64 micros = 0, scale = 100000;

  g_assert_cmpint (inkan_test_run (argv, &out, NULL), ==, 0);
  line = strstr (out, "Time stamp: ");
  g_assert_nonnull (line);
  g_test_message ("openssl: %.*s", (int) strcspn (line, "\n"), line);
  /* "Time stamp: Dec  6 00:12:34.567 2026 GMT" */
  p = strchr (line, ':');
  p = strchr (p + 1, ':');
  p = strchr (p + 1, ':');
  g_assert_nonnull (p);
  p += 3;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, scale /= 10)
      micros += (*p - '0') * scale;
  return micros;
}

static void
test_client_granted (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTimestamp) ts = ask (INKAN_TEST_TSA_OK, &error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *token_path = NULL;
  GBytes *token;
  GTimeSpan age;

  g_assert_no_error (error);
  g_assert_nonnull (ts);
  g_assert_cmpstr (inkan_timestamp_get_tsa_name (ts), ==, "Inkan Test TSA");
  g_assert_nonnull (inkan_timestamp_get_signer (ts));
  g_assert_nonnull (inkan_timestamp_get_serial (ts));
  age = g_date_time_difference (now, inkan_timestamp_get_time (ts));
  g_assert_cmpint (age, >=, 0);
  g_assert_cmpint (age, <, 10 * 60 * G_TIME_SPAN_SECOND);

  /* genTime to the millisecond, as openssl reads the same token. */
  token = inkan_timestamp_get_token (ts);
  token_path = inkan_test_tsa_write_tmp ("granted.token", g_bytes_get_data (token, NULL),
                                         g_bytes_get_size (token));
  g_assert_cmpint (g_date_time_get_microsecond (inkan_timestamp_get_time (ts)), ==,
                   openssl_fraction (token_path));

  /* The token is over `data` and nothing else. */
  g_assert_true (inkan_timestamp_verify (ts, (const guint8 *) data, sizeof data - 1, &error));
  g_assert_no_error (error);
  g_assert_false (inkan_timestamp_verify (ts, (const guint8 *) data, sizeof data - 2, &error));
  g_assert_error (error, INKAN_TSA_ERROR, INKAN_TSA_ERROR_MISMATCH);
}

static void
test_client_down (void)
{
  g_autofree char *url = inkan_test_tsa_down_url ();
  g_autoptr (InkanTsa) tsa = inkan_tsa_new (url, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTimestamp) ts = NULL;

  ts = inkan_tsa_timestamp (tsa, (const guint8 *) data, sizeof data - 1, NULL, &error);
  g_assert_null (ts);
  g_assert_error (error, INKAN_TSA_ERROR, INKAN_TSA_ERROR_UNREACHABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, url));
  g_clear_error (&error);
  g_assert_cmpuint (inkan_tsa_probe_size (tsa, NULL, &error), ==, 0);
  g_assert_error (error, INKAN_TSA_ERROR, INKAN_TSA_ERROR_UNREACHABLE);
}

static void
test_client_bad_url (void)
{
  static const char *const urls[] = { "", "tsa.example.com", "ftp://tsa.example.com/",
                                      "file:///etc/passwd", "http://", NULL };
  guint i;

  for (i = 0; urls[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanTsa) tsa = inkan_tsa_new (urls[i], &error);

      g_test_message ("%s: %s", urls[i], error != NULL ? error->message : "accepted");
      g_assert_null (tsa);
      g_assert_error (error, INKAN_TSA_ERROR, INKAN_TSA_ERROR_BAD_URL);
    }
}

static void
check_refused (InkanTestTsaMode mode, int code, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTimestamp) ts = ask (mode, &error);

  g_assert_null (ts);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, INKAN_TSA_ERROR, code);
  if (words != NULL)
    g_assert_nonnull (strstr (error->message, words));
}

static void
test_client_garbage (void)
{
  check_refused (INKAN_TEST_TSA_GARBAGE, INKAN_TSA_ERROR_MALFORMED, "did not answer with a timestamp");
}

static void
test_client_http_error (void)
{
  check_refused (INKAN_TEST_TSA_HTTP_ERROR, INKAN_TSA_ERROR_HTTP, "HTTP 500");
}

static void
test_client_wrong_nonce (void)
{
  check_refused (INKAN_TEST_TSA_WRONG_NONCE, INKAN_TSA_ERROR_MISMATCH, "nonce");
}

static void
test_client_wrong_imprint (void)
{
  check_refused (INKAN_TEST_TSA_WRONG_IMPRINT, INKAN_TSA_ERROR_MISMATCH, "other data");
}

static void
test_client_no_eku (void)
{
  check_refused (INKAN_TEST_TSA_NO_EKU, INKAN_TSA_ERROR_CERTIFICATE, "not issued for timestamping");
}

static void
test_client_rejected (void)
{
  check_refused (INKAN_TEST_TSA_REJECT, INKAN_TSA_ERROR_REJECTED, "rejected");
}

static void
test_client_probe (void)
{
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (InkanTsa) tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  g_autoptr (InkanTimestamp) ts = NULL;
  g_autoptr (GError) error = NULL;
  gsize reserve;

  reserve = inkan_tsa_probe_size (tsa, NULL, &error);
  g_assert_no_error (error);
  ts = inkan_tsa_timestamp (tsa, (const guint8 *) data, sizeof data - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reserve, >=, g_bytes_get_size (inkan_timestamp_get_token (ts)));
  g_assert_cmpuint (reserve, <, g_bytes_get_size (inkan_timestamp_get_token (ts)) + 1024);
  g_assert_cmpuint (inkan_test_tsa_get_requests (server), ==, 2);
  inkan_test_tsa_stop (server);
}

/* ---- B-T at the CMS level ------------------------------------------------------------------ */

static void
test_cms_add_timestamp (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_signer (pki->clerk_key_url, NULL);
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (InkanTsa) tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cms = NULL;
  g_autoptr (GBytes) stamped = NULL;
  g_autoptr (InkanCmsSignedData) before = NULL;
  g_autoptr (InkanCmsSignedData) after = NULL;
  g_autoptr (InkanTimestamp) ts = NULL;
  g_autoptr (InkanTimestamp) embedded = NULL;
  g_autofree char *content_path = NULL, *cms_path = NULL, *sig_path = NULL, *token_path = NULL;
  g_autofree char *out = NULL, *err = NULL;
  gnutls_x509_crt_t *chain;
  GBytes *sig, *token;
  guint8 digest[32];
  guint n_chain;
  gsize max;

  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, sizeof data - 1, digest), ==, 0);
  chain = inkan_signer_get_chain (signer, &n_chain);
  cms = inkan_cms_sign_detached (inkan_signer_get_privkey (signer),
                                 (gnutls_x509_crt_t const *) chain, n_chain, digest, &error);
  g_assert_no_error (error);
  before = inkan_cms_signed_data_parse (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms),
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_cms_signed_data_get_timestamp_tokens (before)->len, ==, 0);
  sig = inkan_cms_signed_data_get_signature_value (before);
  ts = inkan_tsa_timestamp (tsa, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig), NULL,
                            &error);
  g_assert_no_error (error);
  inkan_test_tsa_stop (server);

  stamped = inkan_cms_add_timestamp (cms, inkan_timestamp_get_token (ts), &error);
  g_assert_no_error (error);
  max = inkan_cms_max_size (inkan_signer_get_privkey (signer), (gnutls_x509_crt_t const *) chain,
                            n_chain)
        + inkan_cms_timestamp_overhead (g_bytes_get_size (inkan_timestamp_get_token (ts)));
  g_assert_cmpuint (g_bytes_get_size (stamped), <=, max);

  /* The signature still verifies, and carries the token over its own value. */
  after = inkan_cms_signed_data_parse (g_bytes_get_data (stamped, NULL),
                                       g_bytes_get_size (stamped), &error);
  g_assert_no_error (error);
  g_assert_true (inkan_cms_signed_data_verify (after, digest, sizeof digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (sig, inkan_cms_signed_data_get_signature_value (after)));
  g_assert_cmpuint (inkan_cms_signed_data_get_timestamp_tokens (after)->len, ==, 1);
  token = g_ptr_array_index (inkan_cms_signed_data_get_timestamp_tokens (after), 0);
  g_assert_true (g_bytes_equal (token, inkan_timestamp_get_token (ts)));
  embedded = inkan_timestamp_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token),
                                    &error);
  g_assert_no_error (error);
  g_assert_true (inkan_timestamp_verify (embedded, g_bytes_get_data (sig, NULL),
                                         g_bytes_get_size (sig), &error));
  g_assert_no_error (error);

  /* A second timestamp is refused: the signature is no longer just made. */
  g_assert_null (inkan_cms_add_timestamp (stamped, token, &error));
  g_assert_error (error, INKAN_CMS_ERROR, INKAN_CMS_ERROR_FAILED);
  g_clear_error (&error);

  /* The judges: openssl cms over the content, openssl ts over the signature value. */
  content_path = inkan_test_tsa_write_tmp ("cms-content.bin", (const guint8 *) data,
                                           sizeof data - 1);
  cms_path = inkan_test_tsa_write_tmp ("cms-stamped.der", g_bytes_get_data (stamped, NULL),
                                       g_bytes_get_size (stamped));
  sig_path = inkan_test_tsa_write_tmp ("cms-signature.bin", g_bytes_get_data (sig, NULL),
                                       g_bytes_get_size (sig));
  token_path = inkan_test_tsa_write_tmp ("cms-token.der", g_bytes_get_data (token, NULL),
                                         g_bytes_get_size (token));
  {
    const char *argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                           cms_path, "-content", content_path, "-CAfile", pki->root_pem,
                           "-purpose", "any", "-out", "/dev/null", NULL };
    int status = inkan_test_run (argv, &out, &err);

    g_test_message ("openssl cms: %s", err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "openssl", "ts", "-verify", "-data", sig_path, "-in", token_path,
                           "-token_in", "-CAfile", pki->root_pem, "-untrusted",
                           inkan_test_tsa_cert_pem (), NULL };
    int status = inkan_test_run (argv, &out, &err);

    g_test_message ("openssl ts: %s %s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "Verification: OK"));
  }
  {
    /* and refuses it over other data, so the judgement above means something */
    const char *argv[] = { "openssl", "ts", "-verify", "-data", content_path, "-in", token_path,
                           "-token_in", "-CAfile", pki->root_pem, "-untrusted",
                           inkan_test_tsa_cert_pem (), NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, NULL), !=, 0);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/tsa/client/granted", test_client_granted);
  g_test_add_func ("/inkan/tsa/client/down", test_client_down);
  g_test_add_func ("/inkan/tsa/client/bad-url", test_client_bad_url);
  g_test_add_func ("/inkan/tsa/client/garbage", test_client_garbage);
  g_test_add_func ("/inkan/tsa/client/http-error", test_client_http_error);
  g_test_add_func ("/inkan/tsa/client/wrong-nonce", test_client_wrong_nonce);
  g_test_add_func ("/inkan/tsa/client/wrong-imprint", test_client_wrong_imprint);
  g_test_add_func ("/inkan/tsa/client/no-timestamping-usage", test_client_no_eku);
  g_test_add_func ("/inkan/tsa/client/rejected", test_client_rejected);
  g_test_add_func ("/inkan/tsa/client/probe-size", test_client_probe);
  g_test_add_func ("/inkan/tsa/cms/add-timestamp", test_cms_add_timestamp);

  return g_test_run ();
}
