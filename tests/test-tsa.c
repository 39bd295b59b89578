/* Trusted time: the RFC 3161 client against a TSA the test runs, B-T signatures, the verifier. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-cms-verify.h"
#include "inkan-test-attack.h"
#include "inkan-test-store.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-tsa.h"
#include "inkan-sealing.h"
#include "inkan-store.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>

static const char data[] = "The signature value a TSA is asked to timestamp.";

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
  g_autoptr (InkanSigner) signer = inkan_test_open_signer (pki->clerk_key_url, NULL);
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


/* ---- B-T signatures in PDF files --------------------------------------------------------- */

/* The CMS of the last signature of `pdf`, as the bytes of its /Contents (zero padding kept). */
static GBytes *
last_cms (const char *pdf)
{
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (pdf, FALSE, NULL);
  InkanTestSigLocation loc;
  const guint8 *bytes;
  GByteArray *der = g_byte_array_new ();
  gsize i;

  g_assert_nonnull (mapped);
  bytes = (const guint8 *) g_mapped_file_get_contents (mapped);
  inkan_test_sig_locate (bytes, g_mapped_file_get_length (mapped), &loc);
  for (i = loc.contents_pos + 1; i + 1 < loc.contents_end - 1; i += 2)
    {
      guint8 b = (g_ascii_xdigit_value (bytes[i]) << 4) | g_ascii_xdigit_value (bytes[i + 1]);

      g_byte_array_append (der, &b, 1);
    }
  return g_byte_array_free_to_bytes (der);
}

/* A short-lived certificate for the clerk's token key: valid from an hour ago for two hours. */
static const char *
short_lived_pem (void)
{
  static char *pem;

  if (pem == NULL)
    {
      InkanTestPki *pki = inkan_test_pki_get ();
      g_autofree char *root_dir = g_path_get_dirname (pki->root_pem);
      g_autofree char *root_key = g_build_filename (root_dir, "root-key.pem", NULL);
      g_autofree char *pub = inkan_test_tmp_path ("short-lived.pub");
      g_autofree char *tmpl = inkan_test_tmp_path ("short-lived.tmpl");
      g_autofree char *pub_pem = NULL;
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GDateTime) from = g_date_time_add_hours (now, -1);
      g_autoptr (GDateTime) until = g_date_time_add_hours (now, 1);
      g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M:%S UTC");
      g_autofree char *until_text = g_date_time_format (until, "%Y-%m-%d %H:%M:%S UTC");
      g_autofree char *template = NULL;

      pem = inkan_test_tmp_path ("short-lived.pem");
      {
        const char *argv[] = { "openssl", "x509", "-in", pki->clerk_pem, "-pubkey", "-noout",
                               NULL };
        g_assert_cmpint (inkan_test_run (argv, &pub_pem, NULL), ==, 0);
        g_assert_true (g_file_set_contents (pub, pub_pem, -1, NULL));
      }
      template = g_strdup_printf ("cn = \"Short Lived (Clerk)\"\n"
                                  "organization = \"Inkan Demo Organisation\"\n"
                                  "country = CN\n"
                                  "serial = 0x7101\n"
                                  "signing_key\n"
                                  "non_repudiation\n"
                                  "activation_date = \"%s\"\n"
                                  "expiration_date = \"%s\"\n",
                                  from_text, until_text);
      g_assert_true (g_file_set_contents (tmpl, template, -1, NULL));
      {
        const char *argv[] = { "certtool", "--generate-certificate", "--load-pubkey", pub,
                               "--load-ca-privkey", root_key, "--load-ca-certificate",
                               pki->root_pem, "--template", tmpl, "--hash=SHA256", "--no-text",
                               "--outfile", pem, NULL };
        g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
      }
    }
  return pem;
}

/* Seals a one-page sample into `name` with the clerk's key (and `cert` when not NULL), asking
 * `server` for the timestamp when not NULL. */
static char *
seal (const char *name, const char *cert, InkanTestTsa *server, GError **error)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = inkan_test_open_signer (pki->clerk_key_url, cert);
  g_autoptr (InkanTsa) tsa = NULL;
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  char *output = inkan_test_tmp_path (name);
  InkanSignOptions options = { 0 };

  if (server != NULL)
    tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  options.input = input;
  options.output = output;
  options.signer = signer;
  options.reason = "Trusted time";
  options.tsa = tsa;
  if (!inkan_sign_pdf (&options, error))
    {
      g_free (output);
      return NULL;
    }
  return output;
}

static InkanReport *
verify_at (const char *pdf, GDateTime *now)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
  options.trust = trust;
  options.now = now;
  report = inkan_verify_file (pdf, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  return report;
}

static gboolean
has_finding (const InkanSignatureReport *sig, const char *code)
{
  for (guint i = 0; i < sig->findings->len; i++)
    {
      const InkanFinding *f = g_ptr_array_index (sig->findings, i);

      g_test_message ("finding %s: %s", f->code, f->message);
      if (g_str_equal (f->code, code))
        return TRUE;
    }
  return FALSE;
}

static void
test_pdf_timestamped (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) before = g_date_time_new_now_utc ();
  g_autofree char *pdf = seal ("timestamped.pdf", NULL, server, &error);
  g_autoptr (GDateTime) after = g_date_time_new_now_utc ();
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (InkanCmsSignedData) cms = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *json = NULL;
  g_autofree char *sig_path = NULL, *token_path = NULL, *out = NULL, *err = NULL;
  const InkanSignatureReport *sig;
  GBytes *value, *token;

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  /* the probe that sized /Contents, then the timestamp itself */
  g_assert_cmpuint (inkan_test_tsa_get_requests (server), ==, 2);
  inkan_test_tsa_stop (server);

  /* The judges of every sealed file still accept it with the unsigned attribute. */
  g_assert_cmpuint (inkan_test_judge_pdfsig (pdf), ==, 1);
  inkan_test_judge_qpdf (pdf);
  inkan_test_judge_openssl (pdf, 0);

  /* openssl ts -verify: the token extracted from the file is over the signature value. */
  contents = last_cms (pdf);
  cms = inkan_cms_signed_data_parse (g_bytes_get_data (contents, NULL),
                                     g_bytes_get_size (contents), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_cms_signed_data_get_timestamp_tokens (cms)->len, ==, 1);
  value = inkan_cms_signed_data_get_signature_value (cms);
  token = g_ptr_array_index (inkan_cms_signed_data_get_timestamp_tokens (cms), 0);
  sig_path = inkan_test_tsa_write_tmp ("pdf-signature.bin", g_bytes_get_data (value, NULL),
                                       g_bytes_get_size (value));
  token_path = inkan_test_tsa_write_tmp ("pdf-token.der", g_bytes_get_data (token, NULL),
                                         g_bytes_get_size (token));
  {
    const char *argv[] = { "openssl", "ts", "-verify", "-data", sig_path, "-in", token_path,
                           "-token_in", "-CAfile", pki->root_pem, "-untrusted",
                           inkan_test_tsa_cert_pem (), NULL };
    int status = inkan_test_run (argv, &out, &err);

    g_test_message ("openssl ts: %s %s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "Verification: OK"));
  }

  /* Inkan's verifier: valid, with the TSA and its time. */
  report = verify_at (pdf, NULL);
  sig = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (sig->timestamp);
  g_assert_true (sig->timestamp->valid);
  g_assert_cmpstr (sig->timestamp->tsa, ==, "Inkan Test TSA");
  g_assert_cmpint (g_date_time_compare (sig->timestamp->time, after), <=, 0);
  g_assert_cmpint (g_date_time_difference (before, sig->timestamp->time), <, 2 * G_TIME_SPAN_SECOND);
  json = inkan_report_to_json (report);
  g_test_message ("%s", json);
  g_assert_nonnull (strstr (json, "\"timestamp\":{\"time\":\""));
  g_assert_nonnull (strstr (json, "\"tsa\":\"Inkan Test TSA\",\"valid\":true}"));
  {
    g_autoptr (GDateTime) utc = g_date_time_to_utc (sig->timestamp->time);
    g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
    g_autofree char *text = g_strdup_printf ("\"time\":\"%s.%03dZ\"", seconds,
                                             g_date_time_get_microsecond (utc) / 1000);

    g_assert_nonnull (strstr (json, text));
  }
}

/* The TSA fails after the signer's probe: no output, nothing left beside it. */
static void
test_pdf_tsa_fails (void)
{
  static const struct
  {
    InkanTestTsaMode probe, later;
    int code;
  } cases[] = {
    { INKAN_TEST_TSA_GARBAGE, INKAN_TEST_TSA_GARBAGE, INKAN_TSA_ERROR_MALFORMED },
    { INKAN_TEST_TSA_HTTP_ERROR, INKAN_TEST_TSA_HTTP_ERROR, INKAN_TSA_ERROR_HTTP },
    { INKAN_TEST_TSA_OK, INKAN_TEST_TSA_WRONG_NONCE, INKAN_TSA_ERROR_MISMATCH },
    { INKAN_TEST_TSA_OK, INKAN_TEST_TSA_WRONG_IMPRINT, INKAN_TSA_ERROR_MISMATCH },
    { INKAN_TEST_TSA_OK, INKAN_TEST_TSA_NO_EKU, INKAN_TSA_ERROR_CERTIFICATE },
    { INKAN_TEST_TSA_OK, INKAN_TEST_TSA_REJECT, INKAN_TSA_ERROR_REJECTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      InkanTestTsa *server = inkan_test_tsa_start (cases[i].probe);
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("tsa-fails-%u.pdf", i);
      g_autofree char *path = inkan_test_tmp_path (name);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *pdf = NULL;
      g_autoptr (GDir) d = NULL;
      const char *entry;

      inkan_test_tsa_set_later_mode (server, 1, cases[i].later);
      pdf = seal (name, NULL, server, &error);
      g_assert_null (pdf);
      g_test_message ("case %u: %s", i, error->message);
      g_assert_error (error, INKAN_TSA_ERROR, cases[i].code);
      g_assert_cmpuint (inkan_test_tsa_get_requests (server), ==,
                        cases[i].probe == cases[i].later ? 1 : 2);
      inkan_test_tsa_stop (server);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      d = g_dir_open (dir, 0, NULL);
      while ((entry = g_dir_read_name (d)) != NULL)
        g_assert_false (g_str_has_prefix (entry, ".tsa-fails-"));
    }
}

/* A certificate expired since signing: the timestamp proves it was valid when it was used. */
static void
test_pdf_expired_since (void)
{
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (GError) error = NULL;
  g_autofree char *stamped = seal ("short-lived-bt.pdf", short_lived_pem (), server, &error);
  g_autofree char *plain = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 2);
  g_autoptr (InkanReport) stamped_now = NULL;
  g_autoptr (InkanReport) plain_now = NULL;
  g_autoptr (InkanReport) stamped_later = NULL;
  g_autoptr (InkanReport) plain_later = NULL;
  const InkanSignatureReport *sig;

  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  plain = seal ("short-lived-bb.pdf", short_lived_pem (), NULL, &error);
  g_assert_no_error (error);

  /* While the certificate is valid, both pass. */
  stamped_now = verify_at (stamped, NULL);
  plain_now = verify_at (plain, NULL);
  g_assert_cmpint (stamped_now->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpint (plain_now->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  /* Two days later it has expired. */
  stamped_later = verify_at (stamped, later);
  sig = g_ptr_array_index (stamped_later->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_null (sig->subindication);
  g_assert_true (sig->timestamp->valid);
  g_assert_true (has_finding (sig, "CERTIFICATE_EXPIRED_AFTER_TIMESTAMP"));

  plain_later = verify_at (plain, later);
  sig = g_ptr_array_index (plain_later->signatures, 0);
  g_assert_null (sig->timestamp);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (sig->subindication, ==, "OUT_OF_BOUNDS_NO_POE");
}

/* The timestamp's time changed in the file (/Contents is outside the signed ranges): the token no
 * longer verifies, and the signature is judged as if it had none. */
static void
test_pdf_timestamp_forged (void)
{
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (GError) error = NULL;
  g_autofree char *stamped = seal ("forged-source.pdf", short_lived_pem (), server, &error);
  g_autofree char *forged = inkan_test_tmp_path ("forged-time.pdf");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 2);
  g_autoptr (InkanReport) at_now = NULL;
  g_autoptr (InkanReport) at_later = NULL;
  g_autofree char *bytes = NULL;
  const InkanSignatureReport *sig;
  InkanTestSigLocation loc;
  gsize len, i, hits = 0;

  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  g_assert_true (g_file_get_contents (stamped, &bytes, &len, NULL));
  inkan_test_sig_locate ((const guint8 *) bytes, len, &loc);
  /* genTime is GeneralizedTime (tag 0x18, "20…Z"): in hex, 18 13 or 18 12 … then "32 30". Move
   * its decade one on: 0x32 '2' 0x30 '0' 0x32 '2' 0x36 '6' → the third digit '2' to '3'. */
  for (i = loc.contents_pos + 1; i + 12 < loc.contents_end; i += 2)
    if (g_ascii_strncasecmp (bytes + i, "18", 2) == 0
        && (g_ascii_strncasecmp (bytes + i + 2, "11", 2) == 0
            || g_ascii_strncasecmp (bytes + i + 2, "12", 2) == 0
            || g_ascii_strncasecmp (bytes + i + 2, "13", 2) == 0
            || g_ascii_strncasecmp (bytes + i + 2, "15", 2) == 0)
        && g_ascii_strncasecmp (bytes + i + 4, "32303236", 8) == 0)
      {
        bytes[i + 9] = '3';
        hits++;
      }
  g_assert_cmpuint (hits, >=, 1);
  g_assert_true (g_file_set_contents (forged, bytes, (gssize) len, NULL));

  at_now = verify_at (forged, NULL);
  sig = g_ptr_array_index (at_now->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (sig->timestamp);
  g_assert_false (sig->timestamp->valid);
  g_assert_true (has_finding (sig, "TIMESTAMP_INVALID"));

  at_later = verify_at (forged, later);
  sig = g_ptr_array_index (at_later->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (sig->subindication, ==, "OUT_OF_BOUNDS_NO_POE");
}

/* ---- inkan-cli ------------------------------------------------------------------------------ */

static int
cli (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) g_getenv ("INKAN_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return inkan_test_run ((const char *const *) argv->pdata, out, err);
}

static void
test_cli (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cli-timestamped.pdf");
  g_autofree char *refused = inkan_test_tmp_path ("cli-refused.pdf");
  g_autofree char *down = inkan_test_tsa_down_url ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 2);
  g_autofree char *later_text = g_date_time_format_iso8601 (later);
  int status;

  {
    const char *args[] = { "sign", input, "-o", output, "--key", pki->clerk_key_url, "--cert",
                           short_lived_pem (), "--pin-file", pki->pin_file, "--tsa",
                           inkan_test_tsa_get_url (server), NULL };
    status = cli (args, NULL, &err);
    g_test_message ("sign --tsa: %d %s", status, err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&err, g_free);
  }
  inkan_test_tsa_stop (server);
  {
    const char *args[] = { "verify", "--trust", pki->root_pem, output, NULL };
    status = cli (args, &out, NULL);
    g_test_message ("%s", out);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "      Timestamp: "));
    g_assert_nonnull (strstr (out, " UTC by Inkan Test TSA (valid)"));
    g_clear_pointer (&out, g_free);
  }
  {
    /* after the short-lived certificate has expired: still valid, with the TSA's time */
    const char *args[] = { "verify", "--json", "--trust", pki->root_pem, "--time", later_text,
                           output, NULL };
    status = cli (args, &out, NULL);
    g_test_message ("%s", out);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "\"indication\":\"TOTAL_PASSED\""));
    g_assert_nonnull (strstr (out, "\"tsa\":\"Inkan Test TSA\",\"valid\":true}"));
    g_clear_pointer (&out, g_free);
  }

  /* A TSA that is down: its own exit code, a sentence, no output. */
  {
    const char *args[] = { "sign", input, "-o", refused, "--key", pki->clerk_key_url,
                           "--pin-file", pki->pin_file, "--tsa", down, NULL };
    status = cli (args, NULL, &err);
    g_test_message ("TSA down: %d %s", status, err);
    g_assert_cmpint (status, ==, 96);
    g_assert_nonnull (strstr (err, "cannot be reached"));
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
  }
  /* Not a URL: a usage error. */
  {
    const char *args[] = { "sign", input, "-o", refused, "--key", pki->clerk_key_url,
                           "--pin-file", pki->pin_file, "--tsa", "ftp://tsa.example.com/", NULL };
    status = cli (args, NULL, &err);
    g_assert_cmpint (status, ==, 64);
    g_assert_nonnull (strstr (err, "is not the address of a timestamp authority"));
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  }
}

/* ---- pyHanko's PAdES B-LTA files (../shared/corpus) ------------------------------------------ */

static InkanReport *
verify_corpus_at (const char *path, const char *at)
{
  g_autofree char *root = inkan_test_corpus ("pyhanko/pki/testing-ca/root/root.cert.pem");
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, root, &error));
  options.trust = trust;
  options.now = now;
  report = inkan_verify_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* Timestamps made by pyHanko's test TSA: the signature timestamp proves Alice's certificate was
 * valid when she signed, and the document timestamp verifies over its byte ranges. */
static void
test_corpus_lta (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("pades-lta-dss-indirect-arrs-test.pdf");
  g_autoptr (InkanReport) report = verify_corpus_at (path, "2029-06-01T00:00:00Z");
  g_autofree char *json = inkan_report_to_json (report);
  const InkanSignatureReport *sig, *doc;

  g_test_message ("%s", json);
  g_assert_cmpuint (report->signatures->len, ==, 2);
  sig = g_ptr_array_index (report->signatures, 0);
  doc = g_ptr_array_index (report->signatures, 1);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (sig->timestamp);
  g_assert_true (sig->timestamp->valid);
  g_assert_cmpstr (sig->timestamp->tsa, ==, "Time Stamping Authority");
  g_assert_true (has_finding (sig, "CERTIFICATE_EXPIRED_AFTER_TIMESTAMP"));
  /* pyHanko's DSS: an OCSP response from a responder the CA delegated */
  g_assert_true (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));

  g_assert_cmpstr (doc->subfilter, ==, "ETSI.RFC3161");
  g_assert_cmpint (doc->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (doc->timestamp);
  g_assert_true (doc->timestamp->valid);
  g_assert_cmpstr (doc->signer_name, ==, "Time Stamping Authority");
  g_assert_nonnull (strstr (json, "\"time\":\"2020-11-01T00:00:00.000Z\""));
}

/* The document timestamp's genTime changed in its /Contents: its signature no longer verifies. */
static void
test_corpus_document_timestamp_forged (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("pades-lta-dss-indirect-arrs-test.pdf");
  g_autofree char *forged = inkan_test_tmp_path ("lta-forged.pdf");
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *bytes = NULL;
  const InkanSignatureReport *doc;
  InkanTestSigLocation loc;
  gsize len, i, hits = 0;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  inkan_test_sig_locate ((const guint8 *) bytes, len, &loc);
  /* genTime "20201101000000Z": 18 0f 3230323031313031… → the year's last digit to 1 */
  for (i = loc.contents_pos + 1; i + 16 < loc.contents_end; i += 2)
    if (g_ascii_strncasecmp (bytes + i, "180f3230323031313031", 20) == 0)
      {
        bytes[i + 11] = '1';
        hits++;
      }
  g_assert_cmpuint (hits, ==, 1);
  g_assert_true (g_file_set_contents (forged, bytes, (gssize) len, NULL));

  report = verify_corpus_at (forged, "2029-06-01T00:00:00Z");
  doc = g_ptr_array_index (report->signatures, report->signatures->len - 1);
  g_assert_cmpstr (doc->subfilter, ==, "ETSI.RFC3161");
  g_assert_cmpint (doc->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (doc->subindication, ==, "SIG_CRYPTO_FAILURE");
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
}

/* The uses charged to the seal's grants so far. */
static gint64
seal_uses (InkanStore *store, const char *seal_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = inkan_store_get_seal (store, seal_name, &error);
  g_autoptr (GPtrArray) grants = NULL;
  gint64 uses = 0;

  g_assert_no_error (error);
  grants = inkan_store_list_grants (store, seal->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < grants->len; i++)
    uses += ((const InkanGrant *) grants->pdata[i])->uses;
  return uses;
}

/* The last audit entry, which must be `action`. */
static InkanAuditEntry *
last_audit (InkanStore *store, const char *action)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = inkan_store_list_audit (store, NULL, &error);
  InkanAuditEntry *last;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  last = g_ptr_array_steal_index (entries, entries->len - 1);
  g_test_message ("audit: %s %s", last->action, last->details);
  g_assert_cmpstr (last->action, ==, action);
  return last;
}

/* `sign --seal --tsa`: the store-driven seal is timestamped; a TSA that is down is a clear
 * error, no output, no use counted, and a "sign.failed" in the audit trail. */
static void
test_cli_seal (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *db = inkan_test_store_make ("tsa-seal-store");
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *sealed = inkan_test_tmp_path ("tsa-seal.pdf");
  g_autofree char *refused = inkan_test_tmp_path ("tsa-seal-refused.pdf");
  g_autofree char *down = inkan_test_tsa_down_url ();
  g_autofree char *err = NULL;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (InkanAuditEntry) entry = NULL;
  g_autoptr (GError) error = NULL;
  const InkanSignatureReport *sig;
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  gint64 uses;
  int status;

  status = inkan_test_store_cli (db, NULL, &err, "clerk", "sign", doc, "-o", sealed, "--seal",
                                 "Official", "--pin-file", pki->pin_file, "--tsa",
                                 inkan_test_tsa_get_url (server), NULL);
  g_test_message ("sign --seal --tsa: %d %s", status, err);
  g_assert_cmpint (status, ==, 0);
  inkan_test_tsa_stop (server);
  report = verify_at (sealed, NULL);
  sig = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (sig->timestamp);
  g_assert_true (sig->timestamp->valid);
  g_assert_cmpstr (sig->timestamp->tsa, ==, "Inkan Test TSA");

  store = inkan_store_open (db, &error);
  g_assert_no_error (error);
  entry = last_audit (store, "sign");
  g_assert_nonnull (strstr (entry->details, "timestamped by"));
  g_clear_pointer (&entry, inkan_audit_entry_free);
  uses = seal_uses (store, "Official");
  g_clear_object (&store);

  g_clear_pointer (&err, g_free);
  status = inkan_test_store_cli (db, NULL, &err, "clerk", "sign", doc, "-o", refused, "--seal",
                                 "Official", "--pin-file", pki->pin_file, "--tsa", down, NULL);
  g_test_message ("sign --seal --tsa DOWN: %d %s", status, err);
  g_assert_cmpint (status, ==, 96);
  g_assert_nonnull (strstr (err, "cannot be reached"));
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  store = inkan_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seal_uses (store, "Official"), ==, uses);
  entry = last_audit (store, "sign.failed");
  g_assert_nonnull (strstr (entry->details, "cannot be reached"));
}

/* The app's choice: with tsa_optional, a TSA that cannot be reached gives a seal without a
 * timestamp, which the result and the audit trail say. */
static void
test_sealing_optional (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *db = inkan_test_store_make ("tsa-optional-store");
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *sealed = inkan_test_tmp_path ("tsa-optional.pdf");
  g_autofree char *down = inkan_test_tsa_down_url ();
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) clerk = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (InkanAuditEntry) entry = NULL;
  g_autoptr (GError) error = NULL;
  InkanSealingOptions options = { 0 };
  InkanSealingResult result = { 0 };
  const InkanSignatureReport *sig;

  store = inkan_store_open (db, &error);
  g_assert_no_error (error);
  clerk = inkan_store_get_user (store, "clerk", &error);
  g_assert_no_error (error);
  tsa = inkan_tsa_new (down, &error);
  g_assert_no_error (error);
  options.store = store;
  options.actor = clerk;
  options.seal_name = "Official";
  options.input = doc;
  options.output = sealed;
  options.pin = pki->pin;
  options.tsa = tsa;
  options.tsa_optional = TRUE;
  g_assert_true (inkan_sealing_run (&options, &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.timestamped);
  entry = last_audit (store, "sign");
  g_assert_nonnull (strstr (entry->details, "without a timestamp"));
  report = verify_at (sealed, NULL);
  sig = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_null (sig->timestamp);
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
  g_test_add_func ("/inkan/tsa/pdf/timestamped", test_pdf_timestamped);
  g_test_add_func ("/inkan/tsa/pdf/tsa-fails", test_pdf_tsa_fails);
  g_test_add_func ("/inkan/tsa/pdf/expired-since-signing", test_pdf_expired_since);
  g_test_add_func ("/inkan/tsa/pdf/timestamp-forged", test_pdf_timestamp_forged);
  g_test_add_func ("/inkan/tsa/cli/sign-and-verify", test_cli);
  g_test_add_func ("/inkan/tsa/cli/sign-seal", test_cli_seal);
  g_test_add_func ("/inkan/tsa/sealing/optional", test_sealing_optional);
  g_test_add_func ("/inkan/tsa/corpus/pades-lta", test_corpus_lta);
  g_test_add_func ("/inkan/tsa/corpus/document-timestamp-forged",
                   test_corpus_document_timestamp_forged);

  return g_test_run ();
}
