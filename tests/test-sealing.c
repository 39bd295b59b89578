/* inkan_sealing_run() as the application calls it: from a worker thread, with a PIN callback or
 * the PIN as text, in a real store with the test token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include "inkan-policy.h"
#include "inkan-sealing.h"
#include "inkan-store.h"

#include <errno.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *db;
  char *doc;
  InkanStore *store;
  InkanAuditContext *ctx;
  GDateTime *now;
  InkanUser *admin;
  InkanUser *clerk;
  InkanUser *auditor;
  InkanSeal *seal;
  InkanGrant *grant;
} Fixture;

static GBytes *
read_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* The certificate of a PEM file, as DER. */
static GBytes *
pem_to_der (const char *path)
{
  g_autofree char *pem = NULL;
  g_autofree guchar *der = NULL;
  const char *begin, *end;
  g_autofree char *body = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
  begin = strstr (pem, "-----BEGIN CERTIFICATE-----");
  g_assert_nonnull (begin);
  begin += strlen ("-----BEGIN CERTIFICATE-----");
  end = strstr (begin, "-----END CERTIFICATE-----");
  g_assert_nonnull (end);
  body = g_strndup (begin, (gsize) (end - begin));
  der = g_base64_decode (body, &len);
  return g_bytes_new (der, len);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) admin_cert = pem_to_der (pki->second_pem);
  g_autoptr (GBytes) clerk_cert = pem_to_der (pki->clerk_pem);
  g_autoptr (InkanSeal) draft = g_new0 (InkanSeal, 1);
  InkanGrant grant = { 0 };
  static guint counter;
  g_autofree char *name = g_strdup_printf ("sealing-%u", counter++);
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autoptr (GBytes) doc = read_bytes (source);

  f->dir = inkan_test_tmp_path (name);
  g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
  f->db = g_build_filename (f->dir, "inkan.db", NULL);
  f->doc = g_build_filename (f->dir, "doc.pdf", NULL);
  g_assert_true (g_file_set_contents (f->doc, g_bytes_get_data (doc, NULL),
                                      (gssize) g_bytes_get_size (doc), NULL));
  f->store = inkan_store_open (f->db, &error);
  g_assert_no_error (error);
  f->ctx = inkan_audit_context_new_local ();
  f->now = g_date_time_new_now_utc ();
  f->admin = inkan_store_add_user (f->store, f->ctx, NULL, "admin", INKAN_ROLE_ADMIN, admin_cert,
                                   f->now, &error);
  g_assert_no_error (error);
  f->clerk = inkan_store_add_user (f->store, f->ctx, f->admin, "clerk", INKAN_ROLE_CLERK,
                                   clerk_cert, f->now, &error);
  g_assert_no_error (error);
  f->auditor = inkan_store_add_user (f->store, f->ctx, f->admin, "auditor", INKAN_ROLE_AUDITOR,
                                     clerk_cert, f->now, &error);
  g_assert_no_error (error);
  draft->name = g_strdup ("Official");
  draft->kind = INKAN_SEAL_OFFICIAL;
  draft->image_png = read_bytes (pki->seal_png);
  draft->cert_der = g_bytes_ref (clerk_cert);
  draft->key_url = g_strdup (pki->clerk_key_url);
  draft->approval_chain = g_ptr_array_new_with_free_func (g_free);
  f->seal = inkan_store_create_seal (f->store, f->ctx, f->admin, draft, f->now, &error);
  g_assert_no_error (error);
  grant.seal_id = f->seal->id;
  grant.user_id = f->clerk->id;
  grant.max_uses = 1;
  f->grant = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->ctx, inkan_audit_context_free);
  g_clear_pointer (&f->now, g_date_time_unref);
  g_clear_pointer (&f->admin, inkan_user_free);
  g_clear_pointer (&f->clerk, inkan_user_free);
  g_clear_pointer (&f->auditor, inkan_user_free);
  g_clear_pointer (&f->seal, inkan_seal_free);
  g_clear_pointer (&f->grant, inkan_grant_free);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->doc);
}

static gint64
grant_uses (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) grants = inkan_store_list_grants (f->store, f->seal->id, &error);

  g_assert_no_error (error);
  return ((InkanGrant *) grants->pdata[0])->uses;
}

/* The last entry of the audit trail with `action`, or NULL. */
static InkanAuditEntry *
last_entry (Fixture *f, const char *action)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = inkan_store_list_audit (f->store, NULL, &error);

  g_assert_no_error (error);
  for (guint i = entries->len; i > 0; i--)
    {
      InkanAuditEntry *e = entries->pdata[i - 1];
      if (g_strcmp0 (e->action, action) == 0)
        return g_ptr_array_steal_index (entries, i - 1);
    }
  return NULL;
}

/* A worker thread running the sealing, as the application's GTask does. */
typedef struct
{
  const InkanSealingOptions *options;
  InkanSealingResult result;
  GError *error;
  gboolean ok;
  GThread *caller;
  gboolean pin_asked_off_caller;
} Job;

static gpointer
job_run (gpointer data)
{
  Job *job = data;

  job->ok = inkan_sealing_run (job->options, &job->result, &job->error);
  return NULL;
}

static void
run_in_thread (Job *job)
{
  GThread *thread;

  job->caller = g_thread_self ();
  thread = g_thread_new ("sealing", job_run, job);
  g_thread_join (thread);
}

static char *
pin_from_callback (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  Job *job = user_data;

  job->pin_asked_off_caller = g_thread_self () != job->caller;
  if (flags & INKAN_PIN_FLAG_RETRY)
    return NULL;
  return g_strdup (inkan_test_pki_get ()->pin);
}

static void
test_seal_in_worker_thread (Fixture *f, gconstpointer data)
{
  g_autofree char *output = g_build_filename (f->dir, "sealed.pdf", NULL);
  g_autofree char *sha = NULL;
  g_autoptr (InkanAuditEntry) entry = NULL;
  InkanSealingOptions options = { 0 };
  Job job = { 0 };

  options.store = f->store;
  options.actor = f->clerk;
  options.seal_name = "Official";
  options.input = f->doc;
  options.output = output;
  options.page = 1;
  options.has_rect = TRUE;
  options.rect = (InkanRect){ 380, 60, 150, 150 };
  options.reason = "Sealed by the worker";
  options.pin_func = pin_from_callback;
  options.pin_data = &job;
  job.options = &options;
  run_in_thread (&job);
  g_assert_no_error (job.error);
  g_assert_true (job.ok);
  g_assert_true (job.pin_asked_off_caller);

  sha = inkan_file_sha256 (f->doc, NULL);
  g_assert_cmpstr (job.result.document_sha256, ==, sha);
  g_assert_cmpint (job.result.grant_id, ==, f->grant->id);
  g_assert_cmpint (job.result.request_id, ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  g_assert_cmpint (grant_uses (f), ==, 1);
  entry = last_entry (f, "sign");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->actor, ==, "clerk");
  g_assert_cmpstr (entry->document_sha256, ==, sha);
  g_assert_nonnull (strstr (entry->objects, "signature:"));
}

static void
test_refusals_and_failures (Fixture *f, gconstpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *output = g_build_filename (f->dir, "sealed.pdf", NULL);
  g_autoptr (InkanAuditEntry) refused = NULL;
  g_autoptr (InkanAuditEntry) failed = NULL;
  g_autoptr (GError) error = NULL;
  InkanSealingOptions options = { 0 };

  options.store = f->store;
  options.seal_name = "Official";
  options.input = f->doc;
  options.output = output;

  /* Not a clerk: refused with the policy's code, recorded, nothing written. */
  options.actor = f->auditor;
  options.pin = "never asked";
  g_assert_false (inkan_sealing_run (&options, NULL, &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (inkan_sealing_reason_code (error), ==, "NOT_ALLOWED");
  g_clear_error (&error);
  refused = last_entry (f, "sign.refused");
  g_assert_nonnull (refused);
  g_assert_true (g_str_has_prefix (refused->details, "NOT_ALLOWED: "));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  /* No such seal. */
  options.actor = f->clerk;
  options.seal_name = "Nonesuch";
  g_assert_false (inkan_sealing_run (&options, NULL, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (inkan_sealing_reason_code (error), ==, "NOT_FOUND");
  g_clear_error (&error);

  /* A wrong PIN given as text is tried once: the token says no, the reserved use is given back
   * with the failure's entry, and no file is left. */
  options.seal_name = "Official";
  options.pin = "000000";
  g_assert_cmpstr (options.pin, !=, pki->pin);
  g_assert_false (inkan_sealing_run (&options, NULL, &error));
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT);
  g_clear_error (&error);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_assert_cmpint (grant_uses (f), ==, 0);
  failed = last_entry (f, "sign.failed");
  g_assert_nonnull (failed);
  g_assert_nonnull (strstr (failed->details, "key could not be opened"));

  /* The right PIN as text: sealed, the one use spent; a second use is refused. */
  options.pin = pki->pin;
  g_assert_true (inkan_sealing_run (&options, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (grant_uses (f), ==, 1);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  g_clear_pointer (&output, g_free);
  output = g_build_filename (f->dir, "sealed-again.pdf", NULL);
  options.output = output;
  g_assert_false (inkan_sealing_run (&options, NULL, &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_GRANT_USED_UP);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
}

/* The disk fills up while the sealed copy of a 20 MB document is written: the kernel's file
 * size limit (4 MiB here, SIGXFSZ ignored) refuses the writes as a full disk would. The
 * sealing fails with the write's error, the reserved use is given back with a "sign.failed"
 * entry, no file is left, the trail still verifies, and once there is room again the same
 * use seals. */
static void
test_disk_full (Fixture *f, gconstpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *big = inkan_test_make_pdf ("pages:200");
  g_autofree char *output = g_build_filename (f->dir, "sealed.pdf", NULL);
  g_autofree char *before = NULL, *after = NULL, *why = NULL;
  g_autoptr (InkanAuditEntry) failed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;
  InkanSealingOptions options = { 0 };
  const char *name;
  gint64 first_bad = -1;
  guint64 n_entries = 0;
  gboolean ok;

  before = inkan_file_sha256 (big, &error);
  g_assert_no_error (error);
  options.store = f->store;
  options.actor = f->clerk;
  options.seal_name = "Official";
  options.input = big;
  options.output = output;
  options.pin = pki->pin;

  inkan_test_limit_file_size (4 * 1024 * 1024);
  ok = inkan_sealing_run (&options, NULL, &error);
  inkan_test_lift_file_size_limit ();

  g_assert_false (ok);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
  g_clear_error (&error);
  listing = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_true (g_str_equal (name, "doc.pdf") || g_str_has_prefix (name, "inkan.db"));
  after = inkan_file_sha256 (big, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (grant_uses (f), ==, 0);
  failed = last_entry (f, "sign.failed");
  g_assert_nonnull (failed);
  g_assert_cmpstr (failed->document_sha256, ==, before);
  g_assert_nonnull (strstr (failed->details, g_strerror (EFBIG)));
  g_assert_true (inkan_store_verify_audit (f->store, &first_bad, &why, &n_entries, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_entries, >, 0);

  g_assert_true (inkan_sealing_run (&options, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (grant_uses (f), ==, 1);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/inkan/sealing/worker-thread", Fixture, NULL, fixture_setup,
              test_seal_in_worker_thread, fixture_teardown);
  g_test_add ("/inkan/sealing/disk-full", Fixture, NULL, fixture_setup, test_disk_full,
              fixture_teardown);
  g_test_add ("/inkan/sealing/refusals-and-failures", Fixture, NULL, fixture_setup,
              test_refusals_and_failures, fixture_teardown);
  return g_test_run ();
}
