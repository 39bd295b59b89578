/* Revocation when verifying: the signer, an intermediate CA and the TSA, from the file's /DSS or
 * (verify --online) from OCSP responders the test runs on 127.0.0.1, and with them stopped. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-tsa.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* The root's responder (the intermediate CA, the TSA) and the intermediate's (the signers). */
static guint16 root_port, inter_port;

typedef struct
{
  char *inter;          /* the intermediate CA's certificate */
  char *inter_key;
  char *good;           /* the clerk's key under the intermediate, then the intermediate */
  char *revoked;        /* the manager's key, revoked half an hour ago, then the intermediate */
  char *root_index;     /* intermediate and TSA good */
  char *root_index_ca_revoked;
  char *root_index_tsa_revoked;
  char *inter_index;
} Pki;

static void
write_text (const char *path, const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* certtool: a certificate from `template` for the public key of `pubkey_from` (a certificate)
 * or of `privkey` (a key file), issued by `ca` with `ca_key`. */
static char *
certify (const char *name, const char *pubkey_from, const char *privkey, const char *ca,
         const char *ca_key, const char *lines)
{
  g_autofree char *tmpl_name = g_strconcat (name, ".tmpl", NULL);
  g_autofree char *pub_name = g_strconcat (name, ".pub", NULL);
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *tmpl = inkan_test_tmp_path (tmpl_name);
  g_autofree char *pub = inkan_test_tmp_path (pub_name);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) from = g_date_time_add_hours (now, -2);
  g_autoptr (GDateTime) until = g_date_time_add_days (now, 365);
  g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M:%S UTC");
  g_autofree char *until_text = g_date_time_format (until, "%Y-%m-%d %H:%M:%S UTC");
  g_autofree char *template = NULL;
  char *pem = inkan_test_tmp_path (pem_name);

  if (pubkey_from != NULL)
    {
      g_autofree char *pub_pem = NULL;
      const char *argv[] = { "openssl", "x509", "-in", pubkey_from, "-pubkey", "-noout", NULL };

      g_assert_cmpint (inkan_test_run (argv, &pub_pem, NULL), ==, 0);
      write_text (pub, pub_pem);
    }
  else
    {
      const char *argv[] = { "openssl", "pkey", "-in", privkey, "-pubout", "-out", pub, NULL };

      g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
    }
  template = g_strdup_printf ("organization = \"Inkan Demo Organisation\"\n"
                              "country = CN\n"
                              "activation_date = \"%s\"\n"
                              "expiration_date = \"%s\"\n"
                              "%s",
                              from_text, until_text, lines);
  write_text (tmpl, template);
  {
    const char *argv[] = { "certtool", "--generate-certificate", "--load-pubkey", pub,
                           "--load-ca-privkey", ca_key, "--load-ca-certificate", ca,
                           "--template", tmpl, "--hash=SHA256", "--no-text", "--outfile", pem,
                           NULL };
    g_autofree char *err = NULL;
    int status = inkan_test_run (argv, NULL, &err);

    g_test_message ("certtool %s: %s", name, err);
    g_assert_cmpint (status, ==, 0);
  }
  return pem;
}

static char *
concat_files (const char *name, const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL, *both = NULL;
  char *path = inkan_test_tmp_path (name);

  g_assert_true (g_file_get_contents (a, &x, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &y, NULL, NULL));
  both = g_strconcat (x, y, NULL);
  write_text (path, both);
  return path;
}

static char *
index_file (const char *name, const char *contents)
{
  g_autofree char *attr = NULL;
  char *path = inkan_test_tmp_path (name);

  write_text (path, contents);
  attr = g_strconcat (path, ".attr", NULL);
  write_text (attr, "unique_subject = no\n");
  return path;
}

static Pki *
pki_get (void)
{
  static Pki *pki;

  if (pki == NULL)
    {
      InkanTestPki *test = inkan_test_pki_get ();
      g_autofree char *rkey = inkan_test_root_key ();
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GDateTime) revoked_at = g_date_time_add_minutes (now, -30);
      g_autoptr (GDateTime) expiry = g_date_time_add_days (now, 365);
      g_autofree char *rev = g_date_time_format (revoked_at, "%y%m%d%H%M%SZ");
      g_autofree char *exp = g_date_time_format (expiry, "%y%m%d%H%M%SZ");
      g_autofree char *lines = NULL, *text = NULL, *good_leaf = NULL, *revoked_leaf = NULL;

      pki = g_new0 (Pki, 1);
      pki->inter_key = inkan_test_tmp_path ("inter-key.pem");
      {
        const char *argv[] = { "certtool", "--generate-privkey", "--key-type", "rsa", "--bits",
                               "2048", "--no-text", "--outfile", pki->inter_key, NULL };
        g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
      }
      lines = g_strdup_printf ("cn = \"Inkan Test Intermediate CA\"\nserial = 0x7301\nca\n"
                               "cert_signing_key\ncrl_signing_key\n"
                               "ocsp_uri = \"http://127.0.0.1:%u/\"\n",
                               root_port);
      pki->inter = certify ("inter", NULL, pki->inter_key, test->root_pem, rkey, lines);
      g_clear_pointer (&lines, g_free);

      lines = g_strdup_printf ("cn = \"Revocation Good (Clerk)\"\nserial = 0x7311\n"
                               "signing_key\nnon_repudiation\n"
                               "ocsp_uri = \"http://127.0.0.1:%u/\"\n",
                               inter_port);
      good_leaf = certify ("rev-good", test->clerk_pem, NULL, pki->inter, pki->inter_key, lines);
      g_clear_pointer (&lines, g_free);
      lines = g_strdup_printf ("cn = \"Revocation Revoked (Manager)\"\nserial = 0x7312\n"
                               "signing_key\nnon_repudiation\n"
                               "ocsp_uri = \"http://127.0.0.1:%u/\"\n",
                               inter_port);
      revoked_leaf = certify ("rev-revoked", test->manager_pem, NULL, pki->inter, pki->inter_key,
                              lines);
      pki->good = concat_files ("rev-good-chain.pem", good_leaf, pki->inter);
      pki->revoked = concat_files ("rev-revoked-chain.pem", revoked_leaf, pki->inter);

      text = g_strdup_printf ("V\t%s\t\t7301\tunknown\t/CN=Inkan Test Intermediate CA\n"
                              "V\t%s\t\t7001\tunknown\t/CN=Inkan Test TSA\n",
                              exp, exp);
      pki->root_index = index_file ("root-index.txt", text);
      g_clear_pointer (&text, g_free);
      text = g_strdup_printf ("R\t%s\t%s\t7301\tunknown\t/CN=Inkan Test Intermediate CA\n"
                              "V\t%s\t\t7001\tunknown\t/CN=Inkan Test TSA\n",
                              exp, rev, exp);
      pki->root_index_ca_revoked = index_file ("root-index-ca-revoked.txt", text);
      g_clear_pointer (&text, g_free);
      text = g_strdup_printf ("V\t%s\t\t7301\tunknown\t/CN=Inkan Test Intermediate CA\n"
                              "R\t%s\t%s\t7001\tunknown\t/CN=Inkan Test TSA\n",
                              exp, exp, rev);
      pki->root_index_tsa_revoked = index_file ("root-index-tsa-revoked.txt", text);
      g_clear_pointer (&text, g_free);
      text = g_strdup_printf ("V\t%s\t\t7311\tunknown\t/CN=Revocation Good (Clerk)\n"
                              "R\t%s\t%s\t7312\tunknown\t/CN=Revocation Revoked (Manager)\n",
                              exp, exp, rev);
      pki->inter_index = index_file ("inter-index.txt", text);
    }
  return pki;
}

/* ---- responders ---------------------------------------------------------------------------- */

typedef struct
{
  GPid root;
  GPid inter;
} Responders;

static Responders
responders_start (const char *root_index)
{
  Pki *pki = pki_get ();
  g_autofree char *rkey = inkan_test_root_key ();
  Responders r;

  r.root = inkan_test_ocsp_start (root_port, root_index, inkan_test_pki_get ()->root_pem, rkey);
  r.inter = inkan_test_ocsp_start (inter_port, pki->inter_index, pki->inter, pki->inter_key);
  return r;
}

static void
responders_stop (Responders r)
{
  inkan_test_ocsp_stop (r.root);
  inkan_test_ocsp_stop (r.inter);
}

/* ---- signing and verifying ----------------------------------------------------------------- */

/* A one-page sample sealed with the chain file `chain` (the token key of its first
 * certificate), timestamped. */
static char *
seal (const char *name, const char *key_url, const char *chain)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = inkan_signer_open (key_url, chain, inkan_test_pin, pki, &error);
  g_autoptr (InkanTsa) tsa = NULL;
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  InkanSignOptions options = { 0 };
  char *output = inkan_test_tmp_path (name);

  g_assert_no_error (error);
  tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  options.input = input;
  options.output = output;
  options.signer = signer;
  options.tsa = tsa;
  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  return output;
}

static InkanReport *
verify (const char *pdf, gboolean online)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, NULL));
  options.trust = trust;
  options.online = online;
  options.timeout = 10;
  report = inkan_verify_file (pdf, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  return report;
}

static gboolean
has_finding (const InkanSignatureReport *sig, const char *code)
{
  gboolean found = FALSE;

  for (guint i = 0; i < sig->findings->len; i++)
    {
      const InkanFinding *f = g_ptr_array_index (sig->findings, i);

      g_test_message ("finding %s: %s", f->code, f->message);
      found = found || g_str_equal (f->code, code);
    }
  return found;
}

/* The revocation entry of `role` (asserted to be there). */
static const InkanRevocationReport *
entry (const InkanSignatureReport *sig, const char *role)
{
  for (guint i = 0; i < sig->revocation->len; i++)
    {
      const InkanRevocationReport *r = g_ptr_array_index (sig->revocation, i);

      if (g_str_equal (r->role, role))
        return r;
    }
  g_assert_not_reached ();
  return NULL;
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

/* ---- tests --------------------------------------------------------------------------------- */

/* No /DSS: offline, revocation is not checked and says so; online, every certificate is good. */
static void
test_online_good (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-good.pdf", test->clerk_key_url, pki->good);
  g_autoptr (InkanReport) offline = NULL;
  g_autoptr (InkanReport) online = NULL;
  g_autofree char *text = NULL, *json = NULL;
  const InkanSignatureReport *sig;
  Responders r;
  int status;

  offline = verify (pdf, FALSE);
  sig = g_ptr_array_index (offline->signatures, 0);
  g_assert_true (has_finding (sig, "REVOCATION_NOT_CHECKED"));
  g_assert_false (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));
  g_assert_cmpint (entry (sig, "signer")->status, ==, INKAN_REVOCATION_UNKNOWN);
  g_assert_cmpint (entry (sig, "signer")->source, ==, INKAN_REVOCATION_SOURCE_NONE);
  g_assert_cmpint (entry (sig, "ca")->source, ==, INKAN_REVOCATION_SOURCE_NONE);
  g_assert_cmpint (entry (sig, "tsa")->source, ==, INKAN_REVOCATION_SOURCE_NONE);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  r = responders_start (pki->root_index);
  online = verify (pdf, TRUE);
  sig = g_ptr_array_index (online->signatures, 0);
  g_assert_true (has_finding (sig, "CERTIFICATE_NOT_REVOKED"));
  g_assert_false (has_finding (sig, "REVOCATION_NOT_CHECKED"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpuint (sig->revocation->len, ==, 3);
  for (guint i = 0; i < sig->revocation->len; i++)
    {
      const InkanRevocationReport *e = g_ptr_array_index (sig->revocation, i);

      g_test_message ("%s (%s): %s, %s", e->certificate, e->role,
                      inkan_revocation_status_to_string (e->status),
                      inkan_revocation_source_to_string (e->source));
      g_assert_cmpint (e->status, ==, INKAN_REVOCATION_GOOD);
      g_assert_cmpint (e->source, ==, INKAN_REVOCATION_SOURCE_ONLINE);
    }
  g_assert_cmpstr (entry (sig, "ca")->certificate, ==, "Inkan Test Intermediate CA");
  g_assert_true (sig->timestamp != NULL && sig->timestamp->valid);

  {
    const char *args[] = { "verify", "--online", "--json", "--trust", test->root_pem, pdf, NULL };
    status = cli (args, &json, NULL);
    g_test_message ("%s", json);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (json, "\"role\":\"ca\",\"status\":\"good\",\"source\":\"online\""));
  }
  responders_stop (r);
  {
    const char *args[] = { "verify", "--trust", test->root_pem, pdf, NULL };
    status = cli (args, &text, NULL);
    g_test_message ("%s", text);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (text, "Revocation of Inkan Test Intermediate CA: unknown (not "
                                    "checked)"));
    g_assert_nonnull (strstr (text, "was not checked"));
  }
}

/* The signer's certificate revoked half an hour before the timestamp: online, REVOKED. */
static void
test_online_signer_revoked (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-revoked.pdf", test->manager_key_url, pki->revoked);
  g_autoptr (InkanReport) offline = NULL;
  g_autoptr (InkanReport) online = NULL;
  const InkanSignatureReport *sig;
  Responders r;
  int status;

  offline = verify (pdf, FALSE);
  g_assert_cmpint (offline->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  r = responders_start (pki->root_index);
  online = verify (pdf, TRUE);
  sig = g_ptr_array_index (online->signatures, 0);
  g_assert_true (has_finding (sig, "CERTIFICATE_REVOKED"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (sig->subindication, ==, "REVOKED");
  g_assert_cmpint (entry (sig, "signer")->status, ==, INKAN_REVOCATION_REVOKED);
  g_assert_cmpint (entry (sig, "signer")->source, ==, INKAN_REVOCATION_SOURCE_ONLINE);
  g_assert_nonnull (entry (sig, "signer")->revoked_at);
  g_assert_cmpint (entry (sig, "ca")->status, ==, INKAN_REVOCATION_GOOD);
  {
    const char *args[] = { "verify", "--online", "--trust", test->root_pem, pdf, NULL };
    g_autofree char *text = NULL;

    status = cli (args, &text, NULL);
    g_test_message ("%s", text);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (text, "REVOKED (fetched online)"));
  }
  responders_stop (r);
}

/* The intermediate CA revoked: the signature fails, online and from the /DSS offline. */
static void
test_intermediate_revoked (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-ca.pdf", test->clerk_key_url, pki->good);
  g_autofree char *blt = inkan_test_tmp_path ("rev-ca-ltv.pdf");
  g_autoptr (InkanReport) online = NULL;
  g_autoptr (InkanReport) offline = NULL;
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  InkanLtvOptions ltv = { 0 };
  const InkanSignatureReport *sig;
  Responders r = responders_start (pki->root_index_ca_revoked);

  online = verify (pdf, TRUE);
  sig = g_ptr_array_index (online->signatures, 0);
  g_assert_true (has_finding (sig, "CERTIFICATE_REVOKED"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (sig->subindication, ==, "REVOKED");
  g_assert_cmpint (entry (sig, "signer")->status, ==, INKAN_REVOCATION_GOOD);
  g_assert_cmpint (entry (sig, "ca")->status, ==, INKAN_REVOCATION_REVOKED);

  g_assert_true (inkan_trust_add_file (trust, test->root_pem, NULL));
  ltv.input = pdf;
  ltv.output = blt;
  ltv.trust = trust;
  g_assert_true (inkan_ltv_add (&ltv, &error));
  g_assert_no_error (error);
  responders_stop (r);

  offline = verify (blt, FALSE);
  sig = g_ptr_array_index (offline->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (sig->subindication, ==, "REVOKED");
  g_assert_cmpint (entry (sig, "ca")->status, ==, INKAN_REVOCATION_REVOKED);
  g_assert_cmpint (entry (sig, "ca")->source, ==, INKAN_REVOCATION_SOURCE_EMBEDDED);
  g_assert_cmpint (entry (sig, "signer")->source, ==, INKAN_REVOCATION_SOURCE_EMBEDDED);
  g_assert_cmpint (entry (sig, "tsa")->source, ==, INKAN_REVOCATION_SOURCE_EMBEDDED);
}

/* The TSA's certificate revoked before the time it gave: the timestamp proves nothing, the
 * signature is judged without it. */
static void
test_tsa_revoked (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-tsa.pdf", test->clerk_key_url, pki->good);
  g_autoptr (InkanReport) online = NULL;
  const InkanSignatureReport *sig;
  Responders r = responders_start (pki->root_index_tsa_revoked);

  online = verify (pdf, TRUE);
  responders_stop (r);
  sig = g_ptr_array_index (online->signatures, 0);
  g_assert_true (has_finding (sig, "TIMESTAMP_REVOKED"));
  g_assert_cmpint (entry (sig, "tsa")->status, ==, INKAN_REVOCATION_REVOKED);
  g_assert_nonnull (sig->timestamp);
  g_assert_false (sig->timestamp->valid);
  g_assert_cmpint (entry (sig, "signer")->status, ==, INKAN_REVOCATION_GOOD);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
}

/* A document timestamp (B-LTA) whose TSA was revoked: nothing proves when it was made. */
static void
test_document_timestamp_tsa_revoked (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-doc-in.pdf", test->clerk_key_url, pki->good);
  g_autofree char *lta = inkan_test_tmp_path ("rev-doc-lta.pdf");
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autoptr (InkanTsa) tsa = inkan_tsa_new (inkan_test_tsa_get_url (server), NULL);
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) good = NULL;
  g_autoptr (InkanReport) revoked = NULL;
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  const InkanSignatureReport *doc;
  Responders r;

  g_assert_true (inkan_document_timestamp (pdf, lta, tsa, &error));
  g_assert_no_error (error);
  inkan_test_tsa_stop (server);
  g_assert_true (inkan_trust_add_file (trust, test->root_pem, NULL));
  options.trust = trust;
  options.online = TRUE;

  r = responders_start (pki->root_index);
  good = inkan_verify_file (lta, &options, &error);
  g_assert_no_error (error);
  responders_stop (r);
  g_assert_cmpuint (good->signatures->len, ==, 2);
  doc = g_ptr_array_index (good->signatures, 1);
  g_assert_cmpstr (doc->subfilter, ==, "ETSI.RFC3161");
  g_assert_cmpint (doc->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpint (entry (doc, "tsa")->status, ==, INKAN_REVOCATION_GOOD);

  r = responders_start (pki->root_index_tsa_revoked);
  revoked = inkan_verify_file (lta, &options, &error);
  g_assert_no_error (error);
  responders_stop (r);
  doc = g_ptr_array_index (revoked->signatures, 1);
  g_assert_true (has_finding (doc, "TIMESTAMP_REVOKED"));
  g_assert_cmpint (doc->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (doc->subindication, ==, "REVOKED_NO_POE");
  g_assert_false (doc->timestamp->valid);
}

/* The responders gone and --online asked: a clear INDETERMINATE, at once, not a hang. */
static void
test_responders_down (void)
{
  Pki *pki = pki_get ();
  InkanTestPki *test = inkan_test_pki_get ();
  g_autofree char *pdf = seal ("rev-down.pdf", test->clerk_key_url, pki->good);
  g_autoptr (InkanReport) online = NULL;
  g_autofree char *text = NULL;
  const InkanSignatureReport *sig;
  int status;

  online = verify (pdf, TRUE);
  sig = g_ptr_array_index (online->signatures, 0);
  g_assert_true (has_finding (sig, "REVOCATION_UNKNOWN"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (sig->subindication, ==, "TRY_LATER");
  g_assert_cmpint (entry (sig, "signer")->status, ==, INKAN_REVOCATION_UNKNOWN);
  g_assert_nonnull (entry (sig, "signer")->problem);
  g_assert_nonnull (strstr (entry (sig, "signer")->problem, "cannot be reached"));
  {
    const char *args[] = { "verify", "--online", "--timeout", "5", "--trust", test->root_pem,
                           pdf, NULL };

    status = cli (args, &text, NULL);
    g_test_message ("%s", text);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (text, "TRY_LATER"));
    g_assert_nonnull (strstr (text, "cannot be reached"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  root_port = inkan_test_free_port ();
  inter_port = inkan_test_free_port ();
  while (inter_port == root_port)
    inter_port = inkan_test_free_port ();
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", root_port);
    inkan_test_tsa_set_ocsp_url (url);
  }

  g_test_add_func ("/inkan/revocation/online-good", test_online_good);
  g_test_add_func ("/inkan/revocation/online-signer-revoked", test_online_signer_revoked);
  g_test_add_func ("/inkan/revocation/intermediate-revoked", test_intermediate_revoked);
  g_test_add_func ("/inkan/revocation/tsa-revoked", test_tsa_revoked);
  g_test_add_func ("/inkan/revocation/document-timestamp-tsa-revoked",
                   test_document_timestamp_tsa_revoked);
  g_test_add_func ("/inkan/revocation/responders-down", test_responders_down);

  return g_test_run ();
}
