/* Approval evidence: the JSON document, sealing it into the signed increment, and verifying it. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "inkan-test-incr.h"
#include "inkan-test-util.h"

#include "inkan-cms.h"
#include "inkan-evidence.h"
#include "inkan-policy.h"
#include "inkan-sign.h"
#include "inkan-verify.h"

#include <gnutls/crypto.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

/* The signers live as long as the process: opening a token key costs a login. */
static InkanSigner *
clerk (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    signer = inkan_test_open_signer (inkan_test_pki_get ()->clerk_key_url, NULL);
  return signer;
}

static InkanSigner *
manager (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    signer = inkan_test_open_signer (inkan_test_pki_get ()->manager_key_url, NULL);
  return signer;
}

static InkanSigner *
second (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    signer = inkan_test_open_signer (inkan_test_pki_get ()->second_key_url, NULL);
  return signer;
}

static GBytes *
certificate_der (InkanSigner *signer)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_crt_export2 (inkan_signer_get_certificate (signer),
                                            GNUTLS_X509_FMT_DER, &der), >=, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* Now, to the millisecond, as statements keep it. */
static GDateTime *
now_ms (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add (now, -(g_date_time_get_microsecond (now) % 1000));
}

/* The statement and its signature as the policy makes them. */
static GBytes *
statement (gint64 request, const char *sha256, const char *seal, InkanDecision decision,
           const char *comment, GDateTime *time)
{
  return inkan_approval_statement (request, sha256, seal, decision, comment, time);
}

static GBytes *
sign_statement (InkanSigner *signer, GBytes *text)
{
  g_autoptr (GError) error = NULL;
  GBytes *cms = inkan_approval_sign (signer, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cms);
  return cms;
}

/* The model structs, filled by hand: the store is not what is tested here. */
typedef struct
{
  InkanRequest request;
  InkanSeal seal;
  InkanUser requester;
  GPtrArray *approvals;     /* InkanApproval */
  GPtrArray *approvers;     /* InkanUser */
} Case;

static void
approval_free (gpointer data)
{
  InkanApproval *a = data;

  g_free (a->comment);
  g_clear_pointer (&a->time, g_date_time_unref);
  g_clear_pointer (&a->statement, g_bytes_unref);
  g_clear_pointer (&a->cms, g_bytes_unref);
  g_free (a);
}

static void
user_free (gpointer data)
{
  InkanUser *u = data;

  g_free (u->name);
  g_clear_pointer (&u->cert_der, g_bytes_unref);
  g_free (u);
}

static void
case_clear (Case *c)
{
  g_free (c->request.document_sha256);
  g_free (c->request.document_name);
  g_free (c->request.reason);
  g_clear_pointer (&c->request.created, g_date_time_unref);
  g_free (c->seal.name);
  g_free (c->requester.name);
  g_clear_pointer (&c->approvals, g_ptr_array_unref);
  g_clear_pointer (&c->approvers, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Case, case_clear)

static void
case_init (Case *c, const char *input, gint64 request_id)
{
  memset (c, 0, sizeof *c);
  c->request.id = request_id;
  c->request.seal_id = 3;
  c->request.requester_id = 7;
  c->request.document_sha256 = input != NULL ? file_sha256 (input) : g_strnfill (64, 'a');
  c->request.document_name = g_strdup ("Contract “Nord” 2026.pdf");
  c->request.reason = g_strdup ("Supply contract, \"Nord\" line\nsecond line");
  c->request.created = now_ms ();
  c->seal.id = 3;
  c->seal.name = g_strdup ("Contract");
  c->requester.id = 7;
  c->requester.name = g_strdup ("clerk1");
  c->approvals = g_ptr_array_new_with_free_func (approval_free);
  c->approvers = g_ptr_array_new_with_free_func (user_free);
}

/* An approval by `signer` (registered as `name` with `registered`'s certificate). The statement
 * says `signed_decision`; the record says `decision` (they differ only to make a forgery). */
static void
case_add (Case *c, InkanSigner *signer, InkanSigner *registered, const char *name,
          InkanRoles role, InkanDecision decision, InkanDecision signed_decision,
          const char *comment)
{
  InkanApproval *a = g_new0 (InkanApproval, 1);
  InkanUser *u = g_new0 (InkanUser, 1);

  u->id = 100 + c->approvers->len;
  u->name = g_strdup (name);
  u->roles = role;
  u->cert_der = certificate_der (registered);
  a->id = 50 + c->approvals->len;
  a->request_id = c->request.id;
  a->approver_id = u->id;
  a->role = role;
  a->step = c->approvals->len;
  a->decision = decision;
  a->comment = g_strdup (comment);
  a->time = now_ms ();
  a->statement = statement (c->request.id, c->request.document_sha256, c->seal.name,
                            signed_decision, comment, a->time);
  a->cms = sign_statement (signer, a->statement);
  g_ptr_array_add (c->approvals, a);
  g_ptr_array_add (c->approvers, u);
}

static GBytes *
case_build (Case *c)
{
  g_autoptr (GError) error = NULL;
  GBytes *json = inkan_evidence_build (&c->request, &c->seal, &c->requester, c->approvals,
                                       c->approvers, &error);

  g_assert_no_error (error);
  g_assert_nonnull (json);
  return json;
}

static void
seal_by (InkanSigner *signer, const char *input, const char *output, GBytes *evidence)
{
  g_autoptr (GError) error = NULL;
  InkanSignOptions options = {
    .input = input, .output = output, .signer = signer, .image = inkan_test_pki_get ()->seal_png,
    .page = 1, .has_rect = TRUE, .rect = { 380, 40, 120, 120 }, .reason = "Approved contract",
    .evidence = evidence,
  };

  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
}

static void
seal (const char *input, const char *output, GBytes *evidence)
{
  seal_by (clerk (), input, output, evidence);
}

static InkanReport *
verify (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  InkanVerifyOptions options = { trust, NULL };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, &error));
  g_assert_no_error (error);
  report = inkan_verify_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  {
    g_autofree char *json = inkan_report_to_json (report);
    g_test_message ("report: %s", json);
  }
  return report;
}

static InkanSignatureReport *
signature (InkanReport *report, guint i)
{
  g_assert_cmpuint (report->signatures->len, >, i);
  return report->signatures->pdata[i];
}

static InkanApprovalReport *
approval (InkanSignatureReport *sig, guint i)
{
  g_assert_nonnull (sig->approvals);
  g_assert_cmpuint (sig->approvals->len, >, i);
  return sig->approvals->pdata[i];
}

static gboolean
has_finding (InkanSignatureReport *sig, const char *code)
{
  guint i;

  for (i = 0; i < sig->findings->len; i++)
    if (g_str_equal (((InkanFinding *) sig->findings->pdata[i])->code, code))
      return TRUE;
  return FALSE;
}

static void
assert_passed (InkanSignatureReport *sig)
{
  g_assert_cmpstr (inkan_indication_to_string (sig->indication), ==, "TOTAL_PASSED");
  g_assert_cmpint (sig->modification_level, !=, INKAN_MODIFICATION_OTHER);
}

/* ---- the document ---- */

static void
test_json_round_trip (void)
{
  g_auto (Case) c;
  g_autoptr (GBytes) json = NULL;
  g_autoptr (InkanEvidence) evidence = NULL;
  g_autoptr (GError) error = NULL;
  InkanEvidenceApproval *a;
  InkanApproval *original;

  case_init (&c, NULL, 12);
  case_add (&c, manager (), manager (), "Manager Mei", INKAN_ROLE_APPROVER,
            INKAN_DECISION_APPROVE, INKAN_DECISION_APPROVE,
            "Fine by me: \"go\" \\ ahead\n— 梅");
  json = case_build (&c);
  g_test_message ("evidence: %.*s", (int) g_bytes_get_size (json),
                  (const char *) g_bytes_get_data (json, NULL));
  g_assert_true (g_utf8_validate (g_bytes_get_data (json, NULL), g_bytes_get_size (json), NULL));

  evidence = inkan_evidence_parse (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (evidence);
  g_assert_cmpint (evidence->request.id, ==, 12);
  g_assert_cmpstr (evidence->request.seal, ==, "Contract");
  g_assert_cmpstr (evidence->request.document_sha256, ==, c.request.document_sha256);
  g_assert_cmpstr (evidence->request.document_name, ==, c.request.document_name);
  g_assert_cmpstr (evidence->request.reason, ==, c.request.reason);
  g_assert_cmpstr (evidence->request.requester, ==, "clerk1");
  g_assert_true (g_date_time_equal (evidence->request.created, c.request.created));
  g_assert_cmpuint (evidence->approvals->len, ==, 1);
  a = evidence->approvals->pdata[0];
  original = c.approvals->pdata[0];
  g_assert_cmpstr (a->approver, ==, "Manager Mei");
  g_assert_cmpstr (a->role, ==, "approver");
  g_assert_cmpuint (a->step, ==, 0);
  g_assert_cmpstr (a->decision, ==, "approve");
  g_assert_cmpstr (a->comment, ==, original->comment);
  g_assert_true (g_date_time_equal (a->time, original->time));
  g_assert_true (g_bytes_equal (a->statement, original->statement));
  g_assert_true (g_bytes_equal (a->cms, original->cms));
  g_assert_true (g_bytes_equal (a->certificate,
                                ((InkanUser *) c.approvers->pdata[0])->cert_der));

  /* The approval checks out against its own request, and not against another document. */
  inkan_evidence_check_approval (evidence, a, c.request.document_sha256, &error);
  g_assert_no_error (error);
  g_assert_false (inkan_evidence_check_approval (evidence, a, "00", &error));
  g_assert_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_MISMATCH);
}

static void
test_json_build_refuses_incomplete (void)
{
  g_auto (Case) c;
  g_autoptr (GError) error = NULL;
  InkanApproval *a;

  case_init (&c, NULL, 5);
  case_add (&c, manager (), manager (), "Manager", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  a = c.approvals->pdata[0];
  a->approver_id = 999; /* no such approver among those given */
  g_assert_null (inkan_evidence_build (&c.request, &c.seal, &c.requester, c.approvals,
                                       c.approvers, &error));
  g_assert_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID);
}

static void
test_json_hostile (void)
{
  static const char *const bad[] = {
    "",
    "   ",
    "[]",
    "{",
    "{\"request\":",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[]} x",
    "{\"request\":{\"id\":1,\"id\":2,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1.5,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1e3,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":012,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":99999999999999999999,\"seal\":\"S\",\"document_sha256\":\"ab\"},"
    "\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\\u0000x\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"\\ud800\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"\\udc00\\ud800\",\"document_sha256\":\"ab\"},"
    "\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"\\x\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"\xff\xfe\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"a\tb\",\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":7,\"document_sha256\":\"ab\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\"},\"approvals\":[]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"}}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":{}}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[1]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[{"
    "\"approver\":\"m\",\"decision\":\"approve\",\"time\":\"2026-01-01T00:00:00Z\","
    "\"statement\":\"e30=\",\"cms\":\"A*==\",\"certificate\":\"AAAA\"}]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[{"
    "\"approver\":\"m\",\"decision\":\"approve\",\"time\":\"2026-01-01T00:00:00Z\","
    "\"statement\":\"e30\",\"cms\":\"AAAA\",\"certificate\":\"AAAA\"}]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[{"
    "\"approver\":\"m\",\"decision\":\"approve\",\"time\":\"yesterday\","
    "\"statement\":\"e30=\",\"cms\":\"AAAA\",\"certificate\":\"AAAA\"}]}",
    "{\"request\":{\"id\":1,\"seal\":\"S\",\"document_sha256\":\"ab\"},\"approvals\":[{"
    "\"approver\":\"m\",\"step\":-1,\"decision\":\"approve\",\"time\":\"2026-01-01T00:00:00Z\","
    "\"statement\":\"e30=\",\"cms\":\"AAAA\",\"certificate\":\"AAAA\"}]}",
    "{\"request\":tru}",
    "{\"request\":nul}",
    "{\"a\" 1}",
    "{\"a\":1,}",
    "{1:2}",
  };
  g_autoptr (GString) deep = g_string_new ("{\"a\":");
  g_autoptr (GString) wide = g_string_new ("{\"a\":[");
  guint i;

  for (i = 0; i < 5000; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < 300000; i++)
    g_string_append (wide, "0,");
  g_string_append (wide, "0]}");

  for (i = 0; i < G_N_ELEMENTS (bad) + 2; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (InkanEvidence) evidence = NULL;

      if (i < G_N_ELEMENTS (bad))
        bytes = g_bytes_new_static (bad[i], strlen (bad[i]));
      else
        {
          GString *s = i == G_N_ELEMENTS (bad) ? deep : wide;
          bytes = g_bytes_new (s->str, s->len);
        }
      evidence = inkan_evidence_parse (bytes, &error);
      g_assert_null (evidence);
      g_assert_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }

  /* Every prefix of a good document is refused without a crash. */
  {
    g_auto (Case) c;
    g_autoptr (GBytes) json = NULL;
    const char *text;
    gsize len, n;

    case_init (&c, NULL, 1);
    case_add (&c, manager (), manager (), "M", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
              INKAN_DECISION_APPROVE, "");
    json = case_build (&c);
    text = g_bytes_get_data (json, &len);
    for (n = 0; n + 1 < len; n++)
      {
        g_autoptr (GBytes) prefix = g_bytes_new (text, n);
        g_autoptr (GError) error = NULL;
        g_autoptr (InkanEvidence) evidence = inkan_evidence_parse (prefix, &error);

        g_assert_null (evidence);
        g_assert_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID);
      }
  }
}

/* ---- sealed and verified ---- */

static void
test_seal_approvals_valid (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-sealed.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *report_json = NULL;
  InkanSignatureReport *sig;
  InkanApprovalReport *a;
  g_auto (Case) c;

  case_init (&c, input, 21);
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "Checked the prices.");
  case_add (&c, second (), second (), "sato", INKAN_ROLE_ADMIN, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "");
  json = case_build (&c);
  seal (input, output, json);

  report = verify (output);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  sig = signature (report, 0);
  assert_passed (sig);
  g_assert_nonnull (sig->evidence);
  g_assert_cmpint (sig->evidence->request.id, ==, 21);
  g_assert_cmpuint (sig->approvals->len, ==, 2);
  a = approval (sig, 0);
  g_assert_true (a->valid);
  g_assert_null (a->problem);
  g_assert_true (a->trusted);
  g_assert_cmpstr (a->role, ==, "approver");
  g_assert_cmpstr (a->decision, ==, "approve");
  g_assert_nonnull (a->time);
  /* The name comes from the certificate, not from the record. */
  g_assert_cmpstr (a->approver, !=, "mei");
  g_assert_nonnull (a->approver);
  a = approval (sig, 1);
  g_assert_true (a->valid);
  g_assert_cmpstr (a->role, ==, "admin");
  g_assert_false (has_finding (sig, "APPROVAL_INVALID"));

  report_json = inkan_report_to_json (report);
  g_assert_nonnull (strstr (report_json, "\"approvals\":[{\"approver\":"));
  g_assert_nonnull (
    strstr (report_json, "\"role\":\"approver\",\"decision\":\"approve\",\"time\":"));
  g_assert_nonnull (strstr (report_json, "\"valid\":true"));
  g_assert_null (strstr (report_json, "\"valid\":false"));

  inkan_test_judge_qpdf (output);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_openssl (output, 0);
}

/* What peers show: pdfdetach and qpdf list only the document's /EmbeddedFiles name tree (and
 * pdfdetach also file attachment annotations), so neither lists an associated file of a widget;
 * qpdf --check still reads it, and the file stream is there for those who look at /AF. */
static void
test_seal_peers_see (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-peers.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (Case) c;
  int status;

  case_init (&c, input, 22);
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  json = case_build (&c);
  seal (input, output, json);

  {
    const char *argv[] = { "pdfdetach", "-list", output, NULL };

    status = inkan_test_run (argv, &out, &err);
    g_test_message ("pdfdetach -list: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_null (strstr (out, INKAN_EVIDENCE_FILE_NAME));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { "qpdf", "--list-attachments", output, NULL };

    status = inkan_test_run (argv, &out, &err);
    g_test_message ("qpdf --list-attachments: %d\n%s%s", status, out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_null (strstr (out, INKAN_EVIDENCE_FILE_NAME));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* The widget's /AF, as qpdf's JSON shows the objects. */
    const char *argv[] = { "qpdf", "--json=2", "--json-key=qpdf", output, NULL };

    status = inkan_test_run (argv, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "\"/AF\""));
    g_assert_nonnull (strstr (out, "\"/AFRelationship\": \"/Supplement\""));
    g_assert_nonnull (strstr (out, "\"/Type\": \"/EmbeddedFile\""));
  }
}

/* A second seal, with its own evidence, on the sealed document: the first signature still
 * passes, the catalog untouched, and each signature shows its own approvals. */
static void
test_seal_twice (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *once = inkan_test_tmp_path ("evidence-once.pdf");
  g_autofree char *twice = inkan_test_tmp_path ("evidence-twice.pdf");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) again = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_auto (Case) c1;
  g_auto (Case) c2;

  case_init (&c1, input, 31);
  case_add (&c1, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "first");
  first = case_build (&c1);
  seal (input, once, first);

  case_init (&c2, once, 32);
  case_add (&c2, second (), second (), "sato", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "second");
  again = case_build (&c2);
  /* Another signer: pdfsig (NSS) reports "Unknown issue with Certificate" for a second
   * signature by the certificate of the first, evidence or not. */
  seal_by (second (), once, twice, again);

  report = verify (twice);
  g_assert_cmpuint (report->signatures->len, ==, 2);
  assert_passed (signature (report, 0));
  assert_passed (signature (report, 1));
  g_assert_cmpint (signature (report, 0)->modification_level, <=,
                   INKAN_MODIFICATION_ANNOTATIONS);
  g_assert_cmpstr (inkan_indication_to_string (report->indication), ==, "TOTAL_PASSED");
  g_assert_cmpint (signature (report, 0)->evidence->request.id, ==, 31);
  g_assert_cmpint (signature (report, 1)->evidence->request.id, ==, 32);
  g_assert_true (approval (signature (report, 0), 0)->valid);
  g_assert_true (approval (signature (report, 1), 0)->valid);
  g_assert_cmpuint (signature (report, 0)->approvals->len, ==, 1);
  g_assert_cmpuint (signature (report, 1)->approvals->len, ==, 1);
  inkan_test_judge_qpdf (twice);
  g_assert_cmpuint (inkan_test_judge_pdfsig (twice), ==, 2);
}

/* The object number of the embedded evidence file in a sealed file. */
static int
evidence_object (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  const char *hit, *p;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  /* The file holds binary streams: search bytes, not strings. */
  hit = memmem (data, len, "/Type /EmbeddedFile", 19);
  g_assert_nonnull (hit);
  for (p = hit; p > data && memcmp (p, " 0 obj", 6) != 0; p--)
    ;
  g_assert_true (p > data);
  while (p > data && g_ascii_isdigit (p[-1]))
    p--;
  return atoi (p);
}

static void
test_seal_tampered_evidence (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-orig.pdf");
  g_autofree char *tampered = NULL;
  g_autofree char *body = NULL;
  g_autoptr (GBytes) json = NULL;
  g_autoptr (GBytes) forged = NULL;
  g_autoptr (InkanReport) report = NULL;
  InkanApproval *a;
  g_auto (Case) c;
  gsize len = 0;

  case_init (&c, input, 41);
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  json = case_build (&c);
  seal (input, output, json);

  /* A later revision swaps in evidence naming another approver. */
  a = c.approvals->pdata[0];
  g_free (((InkanUser *) c.approvers->pdata[0])->name);
  ((InkanUser *) c.approvers->pdata[0])->name = g_strdup ("the-director");
  g_free (a->comment);
  a->comment = g_strdup ("approved by the director");
  forged = case_build (&c);
  g_bytes_get_data (forged, &len);
  body = g_strdup_printf ("<< /Type /EmbeddedFile /Subtype /application#2Fjson /Length %"
                          G_GSIZE_FORMAT " >>\nstream\n%.*s\nendstream",
                          len, (int) len, (const char *) g_bytes_get_data (forged, NULL));
  tampered = inkan_test_incr_redefine (output, "evidence-tampered.pdf", evidence_object (output),
                                       body);

  report = verify (tampered);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  g_assert_cmpstr (inkan_indication_to_string (signature (report, 0)->indication), !=,
                   "TOTAL_PASSED");
  g_assert_cmpint (signature (report, 0)->modification_level, ==, INKAN_MODIFICATION_OTHER);
  /* What was signed is what the report shows. */
  g_assert_cmpstr (signature (report, 0)->evidence->approvals->len > 0
                     ? ((InkanEvidenceApproval *)
                          signature (report, 0)->evidence->approvals->pdata[0])->approver
                     : NULL, ==, "mei");
}

static void
test_seal_forged_approval (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-forged.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *report_json = NULL;
  InkanSignatureReport *sig;
  InkanApproval *a;
  g_auto (Case) c;

  case_init (&c, input, 51);
  /* 0: good. 1: the statement signed says reject, the record says approve (CMS over the
   * signed statement, record's statement swapped below). 2: signed by another key than the
   * registered certificate's. 3: statement and CMS of another request. */
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "good");
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_REJECT, "no");
  a = c.approvals->pdata[1];
  g_bytes_unref (a->statement);
  a->statement = statement (c.request.id, c.request.document_sha256, c.seal.name,
                            INKAN_DECISION_APPROVE, "no", a->time);
  case_add (&c, second (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "wrong key");
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "other request");
  a = c.approvals->pdata[3];
  g_bytes_unref (a->statement);
  g_bytes_unref (a->cms);
  a->statement = statement (c.request.id + 1, c.request.document_sha256, c.seal.name,
                            INKAN_DECISION_APPROVE, "other request", a->time);
  a->cms = sign_statement (manager (), a->statement);
  json = case_build (&c);
  seal (input, output, json);

  report = verify (output);
  sig = signature (report, 0);
  /* The seal itself is sound; the approvals it carries are judged one by one. */
  assert_passed (sig);
  g_assert_cmpuint (sig->approvals->len, ==, 4);
  g_assert_true (approval (sig, 0)->valid);
  g_assert_false (approval (sig, 1)->valid);
  g_assert_nonnull (approval (sig, 1)->problem);
  g_assert_false (approval (sig, 2)->valid);
  g_assert_false (approval (sig, 3)->valid);
  g_assert_true (has_finding (sig, "APPROVAL_INVALID"));
  report_json = inkan_report_to_json (report);
  g_assert_nonnull (strstr (report_json, "\"valid\":false"));
}

static void
test_seal_refuses_other_document (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-other.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autoptr (GBytes) junk = g_bytes_new_static ("{\"request\":1}", 13);
  g_autoptr (GError) error = NULL;
  g_auto (Case) c;
  InkanSignOptions options = { .input = input, .output = output, .signer = clerk () };

  case_init (&c, NULL, 61); /* a request for some other document */
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  json = case_build (&c);
  options.evidence = json;
  g_assert_false (inkan_sign_pdf (&options, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "request 61"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  options.evidence = junk;
  g_assert_false (inkan_sign_pdf (&options, &error));
  g_assert_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
}

/* The form's own empty signature field gets the evidence on its widget. */
static void
test_seal_existing_field (void)
{
  g_autofree char *input = inkan_test_make_pdf ("form");
  g_autofree char *output = inkan_test_tmp_path ("evidence-form.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Case) c;
  InkanSignOptions options = {
    .input = input, .output = output, .signer = clerk (),
    .image = inkan_test_pki_get ()->seal_png, .field = "Signature1",
  };

  case_init (&c, input, 71);
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  json = case_build (&c);
  options.evidence = json;
  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);

  report = verify (output);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  assert_passed (signature (report, 0));
  g_assert_cmpuint (signature (report, 0)->approvals->len, ==, 1);
  g_assert_true (approval (signature (report, 0), 0)->valid);
  inkan_test_judge_qpdf (output);
}

static void
test_seal_without_evidence (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-none.pdf");
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *report_json = NULL;

  seal (input, output, NULL);
  report = verify (output);
  assert_passed (signature (report, 0));
  g_assert_null (signature (report, 0)->evidence);
  g_assert_cmpuint (signature (report, 0)->approvals->len, ==, 0);
  report_json = inkan_report_to_json (report);
  g_assert_nonnull (strstr (report_json, "\"request\":null,\"approvals\":[]"));
}

static void
test_cli_shows_approvals (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("evidence-cli.pdf");
  g_autoptr (GBytes) json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (Case) c;
  const char *cli = g_getenv ("INKAN_CLI");
  int status;

  g_assert_nonnull (cli);
  case_init (&c, input, 81);
  case_add (&c, manager (), manager (), "mei", INKAN_ROLE_APPROVER, INKAN_DECISION_APPROVE,
            INKAN_DECISION_APPROVE, "ok");
  json = case_build (&c);
  seal (input, output, json);
  {
    const char *argv[] = { cli, "verify", "--json", "--trust", inkan_test_pki_get ()->root_pem,
                           output, NULL };

    status = inkan_test_run (argv, &out, &err);
    g_test_message ("%s%s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "\"approvals\":[{\"approver\":"));
    g_assert_nonnull (strstr (out, "\"valid\":true"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { cli, "verify", "--trust", inkan_test_pki_get ()->root_pem, output,
                           NULL };

    status = inkan_test_run (argv, &out, &err);
    g_test_message ("%s%s", out, err);
    g_assert_cmpint (status, ==, 0);
    g_assert_nonnull (strstr (out, "Request 81 for the Contract seal, asked by clerk1"));
    g_assert_nonnull (strstr (out, "approved by"));
    g_assert_nonnull (strstr (out, "signature valid, certificate trusted"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/evidence/json/round-trip", test_json_round_trip);
  g_test_add_func ("/inkan/evidence/json/build-refuses-incomplete",
                   test_json_build_refuses_incomplete);
  g_test_add_func ("/inkan/evidence/json/hostile-input-refused", test_json_hostile);
  g_test_add_func ("/inkan/evidence/seal/approvals-listed-and-valid", test_seal_approvals_valid);
  g_test_add_func ("/inkan/evidence/seal/what-peers-list", test_seal_peers_see);
  g_test_add_func ("/inkan/evidence/seal/second-seal-keeps-first", test_seal_twice);
  g_test_add_func ("/inkan/evidence/seal/tampered-evidence-fails", test_seal_tampered_evidence);
  g_test_add_func ("/inkan/evidence/seal/forged-approvals-invalid", test_seal_forged_approval);
  g_test_add_func ("/inkan/evidence/seal/refuses-other-document",
                   test_seal_refuses_other_document);
  g_test_add_func ("/inkan/evidence/seal/existing-field", test_seal_existing_field);
  g_test_add_func ("/inkan/evidence/seal/none-means-empty", test_seal_without_evidence);
  g_test_add_func ("/inkan/evidence/cli/verify-shows-approvals", test_cli_shows_approvals);
  return g_test_run ();
}
