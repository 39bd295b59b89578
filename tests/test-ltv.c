/* PAdES B-LT: validation data from an OCSP responder the test runs, then verified offline. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-output-private.h"
#include "inkan-test-attack.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-tsa.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static guint16 ocsp_port;

/* A certificate for the token key of `key_pem`'s certificate, naming the test's responder. */
static char *
issue_with (const char *name, const char *key_pem, const char *cn, const char *serial,
            const char *status_line)
{
  g_autofree char *root_key_path = inkan_test_root_key ();
  g_autofree char *pub_name = g_strconcat (name, ".pub", NULL);
  g_autofree char *tmpl_name = g_strconcat (name, ".tmpl", NULL);
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *pub = inkan_test_tmp_path (pub_name);
  g_autofree char *tmpl = inkan_test_tmp_path (tmpl_name);
  g_autofree char *pub_pem = NULL;
  g_autofree char *template = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) from = g_date_time_add_hours (now, -1);
  g_autoptr (GDateTime) until = g_date_time_add_days (now, 365);
  g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M:%S UTC");
  g_autofree char *until_text = g_date_time_format (until, "%Y-%m-%d %H:%M:%S UTC");
  char *pem = inkan_test_tmp_path (pem_name);

  {
    const char *argv[] = { "openssl", "x509", "-in", key_pem, "-pubkey", "-noout", NULL };
    g_assert_cmpint (inkan_test_run (argv, &pub_pem, NULL), ==, 0);
    g_assert_true (g_file_set_contents (pub, pub_pem, -1, NULL));
  }
  template = g_strdup_printf ("cn = \"%s\"\n"
                              "organization = \"Inkan Demo Organisation\"\n"
                              "country = CN\n"
                              "serial = %s\n"
                              "signing_key\n"
                              "non_repudiation\n"
                              "%s\n"
                              "activation_date = \"%s\"\n"
                              "expiration_date = \"%s\"\n",
                              cn, serial, status_line, from_text, until_text);
  g_assert_true (g_file_set_contents (tmpl, template, -1, NULL));
  {
    const char *argv[] = { "certtool", "--generate-certificate", "--load-pubkey", pub,
                           "--load-ca-privkey", root_key_path, "--load-ca-certificate",
                           inkan_test_pki_get ()->root_pem, "--template", tmpl, "--hash=SHA256",
                           "--no-text", "--outfile", pem, NULL };
    g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
  }
  return pem;
}

static char *
issue (const char *name, const char *key_pem, const char *cn, const char *serial)
{
  g_autofree char *line = g_strdup_printf ("ocsp_uri = \"http://127.0.0.1:%u/\"", ocsp_port);

  return issue_with (name, key_pem, cn, serial, line);
}

typedef struct
{
  char *good;       /* the clerk's key, status good */
  char *revoked;    /* the manager's key, revoked half an hour ago */
  char *index;      /* openssl ca's index of both */
} OcspPki;

static OcspPki *
ocsp_pki (void)
{
  static OcspPki *pki;

  if (pki == NULL)
    {
      InkanTestPki *test = inkan_test_pki_get ();
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GDateTime) revoked_at = g_date_time_add_minutes (now, -30);
      g_autoptr (GDateTime) expiry = g_date_time_add_days (now, 365);
      g_autofree char *rev = g_date_time_format (revoked_at, "%y%m%d%H%M%SZ");
      g_autofree char *exp = g_date_time_format (expiry, "%y%m%d%H%M%SZ");
      g_autofree char *index = NULL;
      g_autofree char *attr = NULL;

      ocsp_port = inkan_test_free_port ();
      pki = g_new0 (OcspPki, 1);
      pki->good = issue ("ocsp-good", test->clerk_pem, "OCSP Good (Clerk)", "0x7201");
      pki->revoked = issue ("ocsp-revoked", test->manager_pem, "OCSP Revoked (Manager)",
                            "0x7202");
      pki->index = inkan_test_tmp_path ("ocsp-index.txt");
      index = g_strdup_printf ("V\t%s\t\t7201\tunknown\t/CN=OCSP Good (Clerk)\n"
                               "R\t%s\t%s\t7202\tunknown\t/CN=OCSP Revoked (Manager)\n",
                               exp, exp, rev);
      g_assert_true (g_file_set_contents (pki->index, index, -1, NULL));
      attr = g_strconcat (pki->index, ".attr", NULL);
      g_assert_true (g_file_set_contents (attr, "unique_subject = no\n", -1, NULL));
    }
  return pki;
}

/* `openssl ocsp` answering for the root on the port the certificates name, until stopped. */
static GPid
responder_start (void)
{
  g_autofree char *key = inkan_test_root_key ();

  return inkan_test_ocsp_start (ocsp_port, ocsp_pki ()->index, inkan_test_pki_get ()->root_pem,
                                key);
}

/* A one-page sample sealed with `cert` (for its token key), timestamped when `timestamped`. */
static char *
seal_document (const char *kind, const char *name, const char *key_url, const char *cert,
               gboolean timestamped)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = inkan_signer_open (key_url, cert, inkan_test_pin, pki, &error);
  g_autoptr (InkanTsa) tsa = NULL;
  g_autofree char *input = inkan_test_make_pdf (kind);
  InkanTestTsa *server = NULL;
  InkanSignOptions options = { 0 };
  char *output = inkan_test_tmp_path (name);

  g_assert_no_error (error);
  if (timestamped)
    {
      server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
      tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
    }
  options.input = input;
  options.output = output;
  options.signer = signer;
  options.tsa = tsa;
  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  return output;
}

/* A one-page document sealed by `key_url` (`cert` beside it), with a timestamp or not. */
static char *
seal (const char *name, const char *key_url, const char *cert, gboolean timestamped)
{
  return seal_document ("one-page", name, key_url, cert, timestamped);
}

static gboolean
ltv (const char *input, const char *output, GError **error)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  InkanLtvOptions options = { 0 };

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, NULL));
  options.input = input;
  options.output = output;
  options.trust = trust;
  return inkan_ltv_add (&options, error);
}

static InkanReport *
verify (const char *pdf)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, NULL));
  options.trust = trust;
  report = inkan_verify_file (pdf, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->signatures->len, >=, 1);
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

/* The increment holds binary streams: no string functions. */
static gboolean
contains (const char *data, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static char *
sha256_of (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

static void
test_good_offline (void)
{
  OcspPki *pki = ocsp_pki ();
  g_autofree char *signed_pdf = seal ("blt-good-in.pdf", inkan_test_pki_get ()->clerk_key_url,
                                      pki->good, TRUE);
  g_autofree char *out = inkan_test_tmp_path ("blt-good.pdf");
  g_autofree char *before = sha256_of (signed_pdf);
  g_autofree char *in_data = NULL, *out_data = NULL, *pdfsig_out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *after = NULL;
  const InkanSignatureReport *sig;
  gsize in_len = 0, out_len = 0;
  GPid responder = responder_start ();

  ltv (signed_pdf, out, &error);
  g_assert_no_error (error);
  inkan_test_ocsp_stop (responder);

  /* An incremental update: the signed file is a prefix of the output, and unchanged. */
  after = sha256_of (signed_pdf);
  g_assert_cmpstr (before, ==, after);
  g_assert_true (g_file_get_contents (signed_pdf, &in_data, &in_len, NULL));
  g_assert_true (g_file_get_contents (out, &out_data, &out_len, NULL));
  g_assert_cmpuint (out_len, >, in_len);
  g_assert_true (memcmp (in_data, out_data, in_len) == 0);
  g_assert_true (contains (out_data + in_len, out_len - in_len, "/VRI"));
  g_assert_true (contains (out_data + in_len, out_len - in_len, "/OCSPs"));
  g_assert_true (contains (out_data + in_len, out_len - in_len, "/DSS"));
  inkan_test_judge_qpdf (out);
  {
    /* The signature stays valid for pdfsig. Its certificate check is not asked for: NSS does
     * not read the DSS, and for a certificate that names an OCSP responder it reports "Unknown
     * issue" once the responder is gone, with -no-ocsp too (the same before the DSS is added). */
    const char *argv[] = { "pdfsig", "-no-ocsp", "-nssdir", inkan_test_pki_get ()->nssdb, out,
                           NULL };

    inkan_test_run (argv, &pdfsig_out, NULL);
    g_test_message ("pdfsig: %s", pdfsig_out);
    g_assert_nonnull (strstr (pdfsig_out, "Signature is Valid"));
    g_assert_null (strstr (pdfsig_out, "Signature is Invalid"));
  }

  /* The responder is gone: the verifier uses the embedded response. */
  report = verify (out);
  sig = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpint (sig->modification_level, ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_true (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));
  g_assert_true (sig->timestamp != NULL && sig->timestamp->valid);
}

static void
test_revoked (void)
{
  OcspPki *pki = ocsp_pki ();
  g_autofree char *stamped = seal ("blt-revoked-bt.pdf", inkan_test_pki_get ()->manager_key_url,
                                   pki->revoked, TRUE);
  g_autofree char *plain = seal ("blt-revoked-bb.pdf", inkan_test_pki_get ()->manager_key_url,
                                 pki->revoked, FALSE);
  g_autofree char *stamped_out = inkan_test_tmp_path ("blt-revoked-bt-ltv.pdf");
  g_autofree char *plain_out = inkan_test_tmp_path ("blt-revoked-bb-ltv.pdf");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanReport) stamped_report = NULL;
  g_autoptr (InkanReport) plain_report = NULL;
  g_autoptr (InkanReport) before = NULL;
  const InkanSignatureReport *sig;
  GPid responder = responder_start ();

  g_assert_true (ltv (stamped, stamped_out, &error));
  g_assert_no_error (error);
  g_assert_true (ltv (plain, plain_out, &error));
  g_assert_no_error (error);
  inkan_test_ocsp_stop (responder);

  /* Without validation data nothing tells that the certificate was revoked. */
  before = verify (stamped);
  g_assert_cmpint (before->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  /* Revoked half an hour before the timestamp: the signature fails. */
  stamped_report = verify (stamped_out);
  sig = g_ptr_array_index (stamped_report->signatures, 0);
  g_assert_true (has_finding (sig, "CERTIFICATE_REVOKED"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (sig->subindication, ==, "REVOKED");

  /* Without a timestamp, nothing proves when it was signed. */
  plain_report = verify (plain_out);
  sig = g_ptr_array_index (plain_report->signatures, 0);
  g_assert_true (has_finding (sig, "CERTIFICATE_REVOKED"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (sig->subindication, ==, "REVOKED_NO_POE");
}

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

/* The responder down: a clear error, its own exit code, no output; then up: the CLI works. */
static void
test_cli (void)
{
  OcspPki *pki = ocsp_pki ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *signed_pdf = seal ("blt-cli-in.pdf", test->clerk_key_url, pki->good, TRUE);
  g_autofree char *out = inkan_test_tmp_path ("blt-cli.pdf");
  g_autofree char *unsigned_pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *err = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  GPid responder;
  int status;

  g_assert_false (ltv (signed_pdf, out, &error));
  g_assert_error (error, INKAN_LTV_ERROR, INKAN_LTV_ERROR_FETCH);
  g_test_message ("%s", error->message);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  {
    const char *args[] = { "ltv", signed_pdf, "-o", out, "--trust", test->root_pem, NULL };
    status = cli (args, NULL, &err);
    g_test_message ("ltv, responder down: %d %s", status, err);
    g_assert_cmpint (status, ==, 97);
    g_assert_nonnull (strstr (err, "cannot be reached"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "ltv", unsigned_pdf, "-o", out, NULL };
    status = cli (args, NULL, &err);
    g_assert_cmpint (status, ==, 3);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
  }

  responder = responder_start ();
  {
    const char *args[] = { "ltv", signed_pdf, "-o", out, "--trust", test->root_pem, NULL };
    status = cli (args, NULL, &err);
    g_test_message ("ltv: %d %s", status, err);
    g_assert_cmpint (status, ==, 0);
  }
  inkan_test_ocsp_stop (responder);
  {
    const char *args[] = { "verify", "--trust", test->root_pem, out, NULL };
    status = cli (args, &text, NULL);
    g_test_message ("%s", text);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (text, "was not revoked"));
    g_assert_nonnull (strstr (text, "only validation data was added"));
  }
}

/* Certificates that name a CRL distribution point instead of a responder: the CRL, made by
 * `openssl ca -gencrl` from an index where 7204 was revoked half an hour ago, is served by the
 * test's HTTP server. */
static void
test_crl (void)
{
  InkanTestPki *test = inkan_test_pki_get ();
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autofree char *base = inkan_test_tsa_get_base_url (server);
  g_autofree char *line = g_strdup_printf ("crl_dist_points = \"%s/root.crl\"", base);
  g_autofree char *good = issue_with ("crl-good", test->second_pem, "CRL Good (Second)", "0x7203",
                                      line);
  g_autofree char *revoked = issue_with ("crl-revoked", test->second_pem,
                                         "CRL Revoked (Second)", "0x7204", line);
  g_autofree char *index = inkan_test_tmp_path ("crl-index.txt");
  g_autofree char *attr = g_strconcat (index, ".attr", NULL);
  g_autofree char *number = inkan_test_tmp_path ("crl-number");
  g_autofree char *config = inkan_test_tmp_path ("crl-ca.cnf");
  g_autofree char *crl = inkan_test_tmp_path ("root.crl");
  g_autofree char *key = inkan_test_root_key ();
  g_autofree char *text = NULL, *crl_pem = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) revoked_at = g_date_time_add_minutes (now, -30);
  g_autoptr (GDateTime) expiry = g_date_time_add_days (now, 365);
  g_autofree char *rev = g_date_time_format (revoked_at, "%y%m%d%H%M%SZ");
  g_autofree char *exp = g_date_time_format (expiry, "%y%m%d%H%M%SZ");
  g_autoptr (GBytes) crl_bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize crl_len = 0;

  text = g_strdup_printf ("V\t%s\t\t7203\tunknown\t/CN=CRL Good (Second)\n"
                          "R\t%s\t%s\t7204\tunknown\t/CN=CRL Revoked (Second)\n",
                          exp, exp, rev);
  g_assert_true (g_file_set_contents (index, text, -1, NULL));
  g_assert_true (g_file_set_contents (attr, "unique_subject = no\n", -1, NULL));
  g_assert_true (g_file_set_contents (number, "01\n", -1, NULL));
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("[ca]\ndefault_ca = ca\n[ca]\ndatabase = %s\ncrlnumber = %s\n"
                          "default_md = sha256\ndefault_crl_days = 30\n",
                          index, number);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  {
    const char *argv[] = { "openssl", "ca", "-gencrl", "-config", config, "-keyfile", key,
                           "-cert", test->root_pem, "-out", crl, NULL };
    g_autofree char *err = NULL;
    int status = inkan_test_run (argv, NULL, &err);

    g_test_message ("openssl ca -gencrl: %s", err);
    g_assert_cmpint (status, ==, 0);
  }
  g_assert_true (g_file_get_contents (crl, &crl_pem, &crl_len, NULL));
  crl_bytes = g_bytes_new (crl_pem, crl_len);
  inkan_test_tsa_serve_file (server, "/root.crl", crl_bytes);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("blt-crl-%u.pdf", i);
      g_autofree char *in = seal (name, test->second_key_url, i == 0 ? good : revoked, TRUE);
      g_autofree char *out_name = g_strdup_printf ("blt-crl-%u-ltv.pdf", i);
      g_autofree char *out = inkan_test_tmp_path (out_name);
      g_autoptr (InkanReport) report = NULL;
      const InkanSignatureReport *sig;

      ltv (in, out, &error);
      g_assert_no_error (error);
      report = verify (out);
      sig = g_ptr_array_index (report->signatures, 0);
      if (i == 0)
        {
          g_assert_true (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));
          g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
        }
      else
        {
          g_assert_true (has_finding (sig, "CERTIFICATE_REVOKED"));
          g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
          g_assert_cmpstr (sig->subindication, ==, "REVOKED");
        }
    }
  inkan_test_tsa_stop (server);
}

/* B-LTA: a document timestamp over the B-LT file, judged by openssl ts -verify over the ranges. */
static void
test_document_timestamp (void)
{
  OcspPki *pki = ocsp_pki ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *signed_pdf = seal ("blta-in.pdf", test->clerk_key_url, pki->good, TRUE);
  g_autofree char *blt = inkan_test_tmp_path ("blta-lt.pdf");
  g_autofree char *blta = inkan_test_tmp_path ("blta.pdf");
  g_autofree char *refused = inkan_test_tmp_path ("blta-refused.pdf");
  g_autofree char *down = inkan_test_tsa_down_url ();
  g_autofree char *data = NULL, *ranges_path = NULL, *token_path = NULL, *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  g_autoptr (GByteArray) ranges = g_byte_array_new ();
  g_autoptr (GByteArray) token = g_byte_array_new ();
  InkanTestTsa *server;
  InkanTestSigLocation loc;
  const InkanSignatureReport *sig, *doc;
  GPid responder = responder_start ();
  gsize len = 0;
  int status;

  ltv (signed_pdf, blt, &error);
  g_assert_no_error (error);
  inkan_test_ocsp_stop (responder);

  server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  inkan_document_timestamp (blt, blta, tsa, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "timestamp", blt, "-o", refused, "--tsa", down, NULL };
    status = cli (args, NULL, &err);
    g_test_message ("timestamp, TSA down: %d %s", status, err);
    g_assert_cmpint (status, ==, 96);
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
  }
  inkan_test_tsa_stop (server);
  inkan_test_judge_qpdf (blta);

  report = verify (blta);
  g_assert_cmpuint (report->signatures->len, ==, 2);
  sig = g_ptr_array_index (report->signatures, 0);
  doc = g_ptr_array_index (report->signatures, 1);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpint (sig->modification_level, ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_true (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));
  g_assert_cmpstr (doc->subfilter, ==, "ETSI.RFC3161");
  g_assert_cmpint (doc->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_true (doc->timestamp != NULL && doc->timestamp->valid);
  g_assert_cmpstr (doc->signer_name, ==, "Inkan Test TSA");

  /* openssl: the token in /Contents is over the bytes the ranges cover. */
  g_assert_true (g_file_get_contents (blta, &data, &len, NULL));
  inkan_test_sig_locate ((const guint8 *) data, len, &loc);
  g_byte_array_append (ranges, (const guint8 *) data + loc.range[0], loc.range[1]);
  g_byte_array_append (ranges, (const guint8 *) data + loc.range[2], loc.range[3]);
  for (gsize i = loc.contents_pos + 1; i + 1 < loc.contents_end - 1; i += 2)
    {
      guint8 b = (g_ascii_xdigit_value (data[i]) << 4) | g_ascii_xdigit_value (data[i + 1]);
      g_byte_array_append (token, &b, 1);
    }
  while (token->len > 0 && token->data[token->len - 1] == 0)
    g_byte_array_set_size (token, token->len - 1);
  ranges_path = inkan_test_tsa_write_tmp ("blta-ranges.bin", ranges->data, ranges->len);
  token_path = inkan_test_tsa_write_tmp ("blta-token.der", token->data, token->len);
  {
    const char *argv[] = { "openssl", "ts", "-verify", "-data", ranges_path, "-in", token_path,
                           "-token_in", "-CAfile", test->root_pem, "-untrusted",
                           inkan_test_tsa_cert_pem (), NULL };
    status = inkan_test_run (argv, &out, NULL);
    g_test_message ("openssl ts: %s", out);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "Verification: OK"));
  }
}

/* Runs `ltv` or, with `tsa`, a document timestamp of `input` into `output` with files limited
 * to `limit` bytes (0: no limit), as a full disk would stop the writes. */
static gboolean
add_limited (const char *input, const char *output, InkanTsa *tsa, guint64 limit, GError **error)
{
  gboolean ok;

  if (limit != 0)
    inkan_test_limit_file_size (limit);
  ok = tsa != NULL ? inkan_document_timestamp (input, output, tsa, error)
                   : ltv (input, output, error);
  if (limit != 0)
    inkan_test_lift_file_size_limit ();
  return ok;
}

/* `ltv` and `timestamp` write as sealing does: the original is copied into an unnamed file in
 * the destination's directory (or, `data` TRUE, a named one, as where unnamed files cannot be
 * made) and the whole put in place once durable. Their output's directory then holds the
 * output alone; a write that the disk refuses (a 4 KB limit on file sizes, which the 1-page
 * document's copy passes) leaves it as it was, the input unchanged. */
static void
test_output_files (gconstpointer data)
{
  gboolean named = GPOINTER_TO_INT (data);
  OcspPki *pki = ocsp_pki ();
  g_autofree char *signed_pdf = seal ("files-in.pdf", inkan_test_pki_get ()->clerk_key_url,
                                      pki->good, FALSE);
  g_autofree char *dir = inkan_test_tmp_path (named ? "ltv-files-named" : "ltv-files");
  g_autofree char *blt = g_build_filename (dir, "blt.pdf", NULL);
  g_autofree char *blta = g_build_filename (dir, "blta.pdf", NULL);
  g_autofree char *refused = g_build_filename (dir, "refused.pdf", NULL);
  g_autofree char *before = sha256_of (signed_pdf);
  g_autofree char *blt_before = NULL, *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  InkanTestTsa *server;
  GPid responder;
  GStatBuf st;

  g_assert_cmpint (g_stat (signed_pdf, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 4096);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  _inkan_output_set_named (named);

  responder = responder_start ();
  g_assert_false (add_limited (signed_pdf, refused, NULL, 4096, &error));
  g_test_message ("ltv, 4 KB files: %s", error->message);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  inkan_test_assert_dir_holds (dir, NULL);
  g_assert_true (add_limited (signed_pdf, blt, NULL, 0, &error));
  g_assert_no_error (error);
  inkan_test_ocsp_stop (responder);
  inkan_test_assert_dir_holds (dir, "blt.pdf");
  after = sha256_of (signed_pdf);
  g_assert_cmpstr (after, ==, before);

  server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  blt_before = sha256_of (blt);
  g_assert_false (add_limited (blt, refused, tsa, 4096, &error));
  g_test_message ("timestamp, 4 KB files: %s", error->message);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  inkan_test_assert_dir_holds (dir, "blt.pdf");
  g_assert_true (add_limited (blt, blta, tsa, 0, &error));
  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  g_clear_pointer (&after, g_free);
  after = sha256_of (blt);
  g_assert_cmpstr (after, ==, blt_before);
  g_assert_cmpint (g_unlink (blt), ==, 0);
  inkan_test_assert_dir_holds (dir, "blta.pdf");
  inkan_test_judge_qpdf (blta);
  _inkan_output_set_named (FALSE);
}

/* Runs inkan-cli with `args` under bench/inkan-bench-run; returns its exit status, and its peak
 * resident set in KB. The stopwatch is a small process: a child forked from this test would
 * count the test's own resident set in its ru_maxrss. In a sanitizer build the child's
 * AddressSanitizer keeps no quarantine, which would hold every freed block, so that the
 * resident set is what is held rather than all that was ever allocated (other builds ignore
 * the variable). */
static int
cli_peak_rss (const char *const *args, long *max_rss)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = g_get_environ ();
  g_auto (GStrv) figures = NULL;
  g_autofree char *result = NULL, *text = NULL;
  int status;

  result = inkan_test_tmp_path ("peak-rss.txt");
  env = inkan_test_environ_add_asan_option (env, "quarantine_size_mb=0");
  g_ptr_array_add (argv, (gpointer) g_getenv ("INKAN_BENCH_RUN"));
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, result);
  g_ptr_array_add (argv, (gpointer) "--");
  g_ptr_array_add (argv, (gpointer) g_getenv ("INKAN_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* "WALL_US USER_US SYS_US MAXRSS_KB STATUS" */
  g_assert_true (g_file_get_contents (result, &text, NULL, NULL));
  figures = g_strsplit (g_strstrip (text), " ", -1);
  g_assert_cmpuint (g_strv_length (figures), ==, 5);
  *max_rss = (long) g_ascii_strtoll (figures[3], NULL, 10);
  return (int) g_ascii_strtoll (figures[4], NULL, 10);
}

/* Memory does not follow the document: adding validation data to, or timestamping, a 200-page
 * document of about 20 MB takes less than 8 MB more than a one-page one (it took twice the
 * document when the file was read into memory and written from there). */
static void
test_memory (void)
{
  OcspPki *pki = ocsp_pki ();
  const char *kinds[] = { "one-page", "pages:200" };
  g_autofree char *url = NULL;
  InkanTestTsa *server;
  long rss[2][2];
  GPid responder;
  guint i;

  server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  url = g_strdup (inkan_test_tsa_get_url (server));
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("memory-%u.pdf", i);
      g_autofree char *signed_pdf = seal_document (kinds[i], name,
                                                   inkan_test_pki_get ()->clerk_key_url,
                                                   pki->good, FALSE);
      g_autofree char *blt_name = g_strdup_printf ("memory-%u-blt.pdf", i);
      g_autofree char *blta_name = g_strdup_printf ("memory-%u-blta.pdf", i);
      g_autofree char *blt = inkan_test_tmp_path (blt_name);
      g_autofree char *blta = inkan_test_tmp_path (blta_name);
      const char *ltv_args[] = { "ltv", signed_pdf, "-o", blt, "--trust",
                                 inkan_test_pki_get ()->root_pem, NULL };
      const char *ts_args[] = { "timestamp", blt, "-o", blta, "--tsa", url, NULL };
      GStatBuf st;

      responder = responder_start ();
      g_assert_cmpint (cli_peak_rss (ltv_args, &rss[i][0]), ==, 0);
      inkan_test_ocsp_stop (responder);
      g_assert_cmpint (cli_peak_rss (ts_args, &rss[i][1]), ==, 0);
      g_assert_cmpint (g_stat (blta, &st), ==, 0);
      g_test_message ("%s, %" G_GINT64_FORMAT " bytes: ltv %ld KB, timestamp %ld KB", kinds[i],
                      (gint64) st.st_size, rss[i][0], rss[i][1]);
      if (i == 1)
        g_assert_cmpint (st.st_size, >, 16 * 1024 * 1024);
    }
  inkan_test_tsa_stop (server);
  g_assert_cmpint (rss[1][0] - rss[0][0], <, 8 * 1024);
  g_assert_cmpint (rss[1][1] - rss[0][1], <, 8 * 1024);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/ltv/good-then-offline", test_good_offline);
  g_test_add_func ("/inkan/ltv/revoked", test_revoked);
  g_test_add_func ("/inkan/ltv/cli", test_cli);
  g_test_add_func ("/inkan/ltv/crl", test_crl);
  g_test_add_func ("/inkan/ltv/document-timestamp", test_document_timestamp);
  g_test_add_data_func ("/inkan/ltv/output/files/unnamed", GINT_TO_POINTER (FALSE),
                        test_output_files);
  g_test_add_data_func ("/inkan/ltv/output/files/named", GINT_TO_POINTER (TRUE),
                        test_output_files);
  g_test_add_func ("/inkan/ltv/output/memory", test_memory);

  return g_test_run ();
}
