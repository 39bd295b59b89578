/* The seal workflow end to end through inkan-cli: users, seals, grants, requests, signed
 * approvals, signing under the policy, refusals and the audit trail, in a real store. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

/* The scenario's state, shared by the tests below, which run in order. */
static struct
{
  char *db;
  char *today;            /* YYYY-MM-DD, UTC */
  char *until;            /* today + 5 days: the clerk's temporary grants end that day */
  char *after_until;      /* an RFC 3339 time the day after */
  char *doc1, *doc2, *doc3, *doc4, *doc5, *doc6, *doc7, *doc8;
  char *signed1;
  char *request1;
  gboolean full_stacks;   /* for audit export under AddressSanitizer, see wf() */
} sc;

static const char *
cli (void)
{
  const char *path = g_getenv ("INKAN_CLI");

  g_assert_nonnull (path);
  return path;
}

/* Runs `inkan-cli --db DB [--as AS] ARGS…` with INKAN_NOW set to `now` when not NULL, and
 * returns its exit status; stdout and stderr go to `out` and `err` when not NULL. */
static int
wf (char **out, char **err, const char *now, const char *as, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *local_err = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, g_strdup ("env"));
  if (now != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("INKAN_NOW=%s", now));
  else
    g_ptr_array_add (argv, g_strdup ("-u"));
  if (now == NULL)
    g_ptr_array_add (argv, g_strdup ("INKAN_NOW"));
  /* Audit reports embed a CJK font, in whose subsetting cairo 1.16 loses two arrays: lsan.supp
   * names cairo_surface_finish, which LeakSanitizer sees only with full stacks. */
  if (sc.full_stacks)
    g_ptr_array_add (argv, g_strdup_printf ("ASAN_OPTIONS=%s:fast_unwind_on_malloc=0",
                                            g_getenv ("ASAN_OPTIONS") != NULL
                                              ? g_getenv ("ASAN_OPTIONS") : ""));
  /* setsid: no controlling terminal, so that a missing PIN cannot be typed. */
  g_ptr_array_add (argv, g_strdup ("setsid"));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup (cli ()));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (sc.db));
  if (as != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--as"));
      g_ptr_array_add (argv, g_strdup (as));
    }
  va_start (ap, as);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char * const *) argv->pdata, out,
                           err != NULL ? err : &local_err);
  g_test_message ("exit %d; stderr: %s", status, err != NULL ? *err : local_err);
  return status;
}

/* Runs the sqlite3 shell on the store; returns its exit status. */
static int
sql (const char *statements, char **out)
{
  const char *argv[] = { "sqlite3", "-batch", sc.db, statements, NULL };
  g_autofree char *err = NULL;
  int status = inkan_test_run (argv, out, &err);

  g_test_message ("sqlite3: %s -> %d %s", statements, status, err);
  return status;
}

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static char *
copy_doc (const char *kind, const char *name)
{
  g_autofree char *source = inkan_test_make_pdf (kind);
  g_autofree char *contents = NULL;
  char *path = inkan_test_tmp_path (name);
  gsize len = 0;

  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  return path;
}

/* The request id printed alone on stdout. */
static char *
create_request (const char *seal, const char *doc, const char *reason)
{
  g_autofree char *out = NULL;
  guint64 id = 0;

  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "request", "create", seal, doc, "--reason",
                       reason, NULL), ==, 0);
  g_strchomp (out);
  g_assert_true (g_ascii_string_to_unsigned (out, 10, 1, G_MAXINT64, &id, NULL));
  return g_steal_pointer (&out);
}

static void
approve_as_manager (const char *request)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *out = NULL;

  g_assert_cmpint (wf (&out, NULL, NULL, "manager", "approve", request, "--key",
                       pki->manager_key_url, "--pin-file", pki->pin_file, "--comment",
                       "Checked against the signed offer.", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "approved"));
}

static int
sign_contract (const char *doc, const char *out_pdf, const char *request, const char *now,
               char **err)
{
  InkanTestPki *pki = inkan_test_pki_get ();

  return wf (NULL, err, now, "clerk", "sign", doc, "-o", out_pdf, "--seal", "Contract",
             "--request", request, "--pin-file", pki->pin_file, "--page", "1", "--rect",
             "380,60,150,150", NULL);
}

/* Does `audit list` (as the auditor) hold a line with every one of the strings? */
static gboolean
audit_has (const char *a, const char *b, const char *c)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint i;

  g_assert_cmpint (wf (&out, NULL, NULL, "auditor", "audit", "list", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], a) != NULL && (b == NULL || strstr (lines[i], b) != NULL)
        && (c == NULL || strstr (lines[i], c) != NULL))
      return TRUE;
  return FALSE;
}

/* ---- the scenario ---------------------------------------------------------------------------- */

static void
test_setup (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) until = g_date_time_add_days (now, 5);
  g_autoptr (GDateTime) after = g_date_time_add_days (now, 6);
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL;

  sc.db = inkan_test_tmp_path ("workflow.db");
  sc.today = g_date_time_format (now, "%Y-%m-%d");
  sc.until = g_date_time_format (until, "%Y-%m-%d");
  sc.after_until = g_date_time_format (after, "%Y-%m-%dT12:00:00Z");
  sc.doc1 = copy_doc ("one-page", "contract-1.pdf");
  sc.doc2 = copy_doc ("form", "contract-2.pdf");
  sc.doc3 = copy_doc ("pages:2", "contract-3.pdf");
  sc.doc4 = copy_doc ("pages:3", "contract-4.pdf");
  sc.doc5 = copy_doc ("many-pages", "contract-5.pdf");
  sc.doc6 = copy_doc ("pages:4", "contract-6.pdf");
  sc.doc7 = copy_doc ("pages:2", "contract-7.pdf");
  sc.doc8 = copy_doc ("pages:3", "lease-8.pdf");

  /* On an empty store the first user needs no --as, and must be an administrator. */
  g_assert_cmpint (wf (NULL, &err, NULL, NULL, "user", "add", "admin", "--role", "clerk",
                       "--cert", pki->second_pem, NULL), ==, 64);
  g_assert_nonnull (strstr (err, "administrator"));
  g_assert_cmpint (wf (NULL, NULL, NULL, NULL, "user", "add", "admin", "--role", "admin",
                       "--cert", pki->second_pem, NULL), ==, 0);
  /* After that, only an administrator adds users. */
  g_assert_cmpint (wf (NULL, &err2, NULL, NULL, "user", "add", "clerk", "--role", "clerk",
                       "--cert", pki->clerk_pem, NULL), ==, 64);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "user", "add", "clerk", "--role", "clerk",
                       "--cert", pki->clerk_pem, NULL), ==, 0);
  /* The manager's certificate read from the token, without a PIN. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "user", "add", "manager", "--role", "approver",
                       "--role", "clerk", "--cert", pki->manager_cert_url, NULL), ==, 0);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "user", "add", "auditor", "--role", "auditor",
                       "--cert", pki->nousage_pem, NULL), ==, 0);
  /* A second approver, whose name a forger may borrow. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "user", "add", "deputy", "--role", "approver",
                       "--cert", pki->expired_pem, NULL), ==, 0);
  g_assert_cmpint (wf (&out, NULL, NULL, "auditor", "user", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "manager\tapprover,clerk\tcert-sha256:"));
  g_assert_nonnull (strstr (out, "admin\tadmin\t"));

  /* A contract seal that needs the approver's approval, and an official one that does not. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "seal", "create", "Contract", "--kind",
                       "contract", "--image", pki->seal_png, "--cert", pki->second_cert_url,
                       "--key", pki->second_key_url, "--approval", "approver", "--pin-file",
                       pki->pin_file, NULL), ==, 0);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "seal", "create", "Official", "--kind",
                       "official", "--image", pki->seal_png, "--cert", pki->clerk_pem, "--key",
                       pki->clerk_key_url, "--approval", "none", "--pin-file", pki->pin_file,
                       NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "seal", "show", "Contract", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "approval: approver\n"));
  g_assert_nonnull (strstr (out, "state: active\n"));

  /* The clerk's temporary grants: one use of the contract seal, and the official seal until
   * the same day. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "grant", "add", "Contract", "--user", "clerk",
                       "--uses", "1", "--until", sc.until, NULL), ==, 0);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "grant", "add", "Official", "--user", "clerk",
                       "--until", sc.until, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (wf (&out, NULL, NULL, "admin", "grant", "list", "Contract", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "user:clerk"));
  g_assert_nonnull (strstr (out, "uses:0/1"));
}

static void
test_request_approve_sign (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *queue = NULL, *out = NULL, *shown = NULL, *verified = NULL;
  g_autofree char *sha = sha256_of (sc.doc1);

  sc.signed1 = inkan_test_tmp_path ("contract-1-sealed.pdf");
  sc.request1 = create_request ("Contract", sc.doc1, "Supply contract with Huaxin");

  /* Waiting in the manager's queue; signing before the approval is refused. */
  g_assert_cmpint (wf (&queue, NULL, NULL, "manager", "request", "list", "--to-approve", NULL),
                   ==, 0);
  g_assert_true (g_str_has_prefix (queue, sc.request1));
  g_assert_nonnull (strstr (queue, sha));
  g_assert_cmpint (sign_contract (sc.doc1, sc.signed1, sc.request1, NULL, NULL), ==, 92);
  g_assert_false (g_file_test (sc.signed1, G_FILE_TEST_EXISTS));

  approve_as_manager (sc.request1);
  g_assert_cmpint (wf (&shown, NULL, NULL, "clerk", "request", "show", sc.request1, NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "state: approved\n"));
  g_assert_nonnull (strstr (shown, "step 1: approved by manager as approver"));

  g_assert_cmpint (sign_contract (sc.doc1, sc.signed1, sc.request1, NULL, NULL), ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (sc.signed1), ==, 1);
  inkan_test_judge_qpdf (sc.signed1);
  {
    const char *argv[] = { cli (), "verify", "--trust", pki->root_pem, sc.signed1, NULL };
    g_assert_cmpint (inkan_test_run (argv, &verified, NULL), ==, 0);
    g_assert_nonnull (strstr (verified, "VALID"));
  }
  {
    /* The manager's approval travels in the sealed file and verifies offline. */
    const char *argv[] = { cli (), "verify", "--json", "--trust", pki->root_pem, sc.signed1,
                           NULL };
    g_autofree char *json = NULL;

    g_assert_cmpint (inkan_test_run (argv, &json, NULL), ==, 0);
    g_test_message ("%s", json);
    g_assert_nonnull (strstr (json, "\"approvals\":[{"));
    g_assert_nonnull (strstr (json, "\"role\":\"approver\""));
    g_assert_nonnull (strstr (json, "\"decision\":\"approve\""));
    g_assert_nonnull (strstr (json, "\"valid\":true"));
    g_assert_null (strstr (json, "\"valid\":false"));
  }
  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "request", "show", sc.request1, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "state: used\n"));
  g_assert_true (audit_has ("\tclerk\tsign\t", sha, NULL));
}

static void
test_grant_used_up (void)
{
  g_autofree char *request = create_request ("Contract", sc.doc2, "Second contract");
  g_autofree char *output = inkan_test_tmp_path ("contract-2-sealed.pdf");
  g_autofree char *err = NULL;
  g_autofree char *list = NULL;

  approve_as_manager (request);
  g_assert_cmpint (sign_contract (sc.doc2, output, request, NULL, &err), ==, 88);
  g_assert_nonnull (strstr (err, "ask an administrator"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_assert_true (audit_has ("sign.refused", "GRANT_USED_UP", NULL));
  g_assert_cmpint (wf (&list, NULL, NULL, "admin", "grant", "list", "Contract", NULL), ==, 0);
  g_assert_nonnull (strstr (list, "uses:1/1"));
}

static void
test_grant_expired (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *inside = inkan_test_tmp_path ("official-inside.pdf");
  g_autofree char *after = inkan_test_tmp_path ("official-after.pdf");
  g_autofree char *err = NULL;

  /* The official seal needs no approval: the grant alone decides, and its window. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "clerk", "sign", sc.doc3, "-o", inside, "--seal",
                       "Official", "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (inside), ==, 1);
  g_assert_cmpint (wf (NULL, &err, sc.after_until, "clerk", "sign", sc.doc3, "-o", after,
                       "--seal", "Official", "--pin-file", pki->pin_file, NULL), ==, 86);
  g_assert_nonnull (strstr (err, sc.until));
  g_assert_false (g_file_test (after, G_FILE_TEST_EXISTS));
  g_assert_true (audit_has ("sign.refused", "GRANT_EXPIRED", NULL));
}

static void
test_template (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *matching = inkan_test_tmp_path ("finance-matching.pdf");
  g_autofree char *other = inkan_test_tmp_path ("finance-other.pdf");
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "template", "add", "Invoice", sc.doc3, NULL),
                   ==, 0);
  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "template", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Invoice\t2 pages\tcontent-sha256:"));
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "seal", "create", "Finance", "--kind",
                       "finance", "--image", pki->seal_png, "--cert", pki->clerk_pem, "--key",
                       pki->clerk_key_url, "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "grant", "add", "Finance", "--role", "clerk",
                       "--template", "Invoice", NULL), ==, 0);
  /* Only documents of the template's pages. */
  g_assert_cmpint (wf (NULL, &err, NULL, "clerk", "sign", sc.doc1, "-o", other, "--seal",
                       "Finance", "--pin-file", pki->pin_file, NULL), ==, 89);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (audit_has ("sign.refused", "TEMPLATE_MISMATCH", NULL));
  g_assert_cmpint (wf (NULL, NULL, NULL, "clerk", "sign", sc.doc3, "-o", matching, "--seal",
                       "Finance", "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (matching), ==, 1);
}

static void
test_edited_document (void)
{
  g_autofree char *request = NULL;
  g_autofree char *edited = inkan_test_tmp_path ("contract-3-edited.pdf");
  g_autofree char *output = inkan_test_tmp_path ("contract-3-sealed.pdf");
  g_autofree char *contents = NULL;
  g_autofree char *err = NULL;
  gsize len = 0;

  /* A longer grant, so that only the document can be the reason. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "grant", "add", "Contract", "--user", "clerk",
                       "--from", sc.today, NULL), ==, 0);
  request = create_request ("Contract", sc.doc3, "Third contract");
  approve_as_manager (request);
  /* The approved document, changed afterwards: one more line appended. */
  g_assert_true (g_file_get_contents (sc.doc3, &contents, &len, NULL));
  {
    g_autofree char *changed = g_strconcat (contents, "% amount changed after approval\n", NULL);
    g_assert_true (g_file_set_contents (edited, changed, -1, NULL));
  }
  g_assert_cmpint (sign_contract (edited, output, request, NULL, &err), ==, 91);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_assert_true (audit_has ("sign.refused", "REQUEST_MISMATCH", NULL));
  /* The document as approved still signs. */
  g_assert_cmpint (sign_contract (sc.doc3, output, request, NULL, NULL), ==, 0);
}

/* The widget annotations of `pdf`, as qpdf sees them: one line per widget, "PAGE X0 Y0 X1 Y1"
 * (the page from 1, found through the page's /Annots). */
static char *
widgets_of (const char *pdf)
{
  const char *argv[] = {
    "sh", "-c",
    "qpdf --json=2 --json-key=pages --json-key=qpdf \"$1\" | jq -r '"
    ". as $d | .pages | to_entries[] | .key as $i | .value.object as $page"
    " | $d.qpdf[1][\"obj:\" + $page].value[\"/Annots\"] // [] | .[]"
    " | $d.qpdf[1][\"obj:\" + .].value | select(.[\"/Subtype\"] == \"/Widget\")"
    " | [$i + 1] + .[\"/Rect\"] | map(tostring) | join(\" \")'",
    "sh", pdf, NULL
  };
  char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (inkan_test_run (argv, &out, &err), ==, 0);
  g_test_message ("widgets of %s: %s%s", pdf, out, err);
  return out;
}

static void
test_request_placement (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *output = inkan_test_tmp_path ("contract-7-sealed.pdf");
  g_autofree char *moved = inkan_test_tmp_path ("contract-7-moved.pdf");
  g_autofree char *out = NULL, *shown = NULL, *err = NULL, *widgets = NULL, *widgets2 = NULL;
  g_autofree char *listed = NULL;
  guint64 id = 0;

  /* A page alone is no placement; a rectangle of no size neither. */
  g_assert_cmpint (wf (NULL, &err, NULL, "clerk", "request", "create", "Contract", sc.doc7,
                       "--reason", "Seventh contract", "--page", "2", NULL), ==, 64);
  g_assert_nonnull (strstr (err, "--rect"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (wf (NULL, &err, NULL, "clerk", "request", "create", "Contract", sc.doc7,
                       "--reason", "Seventh contract", "--page", "2", "--rect", "100,200,0,90",
                       NULL), ==, 79);

  /* The clerk proposes where the seal goes; the request keeps it. */
  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "request", "create", "Contract", sc.doc7,
                       "--reason", "Seventh contract", "--page", "2", "--rect",
                       "100,200,120,90.5", NULL), ==, 0);
  g_strchomp (out);
  g_assert_true (g_ascii_string_to_unsigned (out, 10, 1, G_MAXINT64, &id, NULL));
  g_assert_cmpint (wf (&shown, NULL, NULL, "manager", "request", "show", out, NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "placement: page 2 at 100,200,120,90.5\n"));
  {
    /* In the store itself, not only in what the CLI prints. */
    g_autofree char *query = g_strdup_printf ("SELECT page, rect_x, rect_y, rect_width, "
                                              "rect_height FROM requests WHERE id = %s;", out);
    g_assert_cmpint (sql (query, &listed), ==, 0);
    g_assert_cmpstr (listed, ==, "2|100.0|200.0|120.0|90.5\n");
  }
  approve_as_manager (out);

  /* Signed under the request without --page and --rect: the seal goes where it was asked. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "clerk", "sign", sc.doc7, "-o", output, "--seal",
                       "Contract", "--request", out, "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  widgets = widgets_of (output);
  /* The square seal, fitted and centred in the 120 × 90.5 rectangle asked for, with the
   * verification code's strip (0.16 of its height) under it. */
  g_assert_cmpstr (widgets, ==, "2 114.75 185.52 205.25 290.5\n");

  /* Given on the command line, the placement wins over the request's (a second request for
   * the same document, since the first is used). */
  {
    g_autofree char *second = create_request ("Contract", sc.doc7, "Seventh contract, again");

    approve_as_manager (second);
    g_assert_cmpint (wf (NULL, NULL, NULL, "clerk", "sign", sc.doc7, "-o", moved, "--seal",
                         "Contract", "--request", second, "--pin-file", pki->pin_file, "--page",
                         "1", "--rect", "10,20,100,100", NULL), ==, 0);
  }
  widgets2 = widgets_of (moved);
  /* The code's strip under the seal: 16 points. */
  g_assert_cmpstr (widgets2, ==, "1 10 4 110 120\n");
}

/* `inkan-cli --as clerk sign DOC -o OUT --seal Lease --request ID` with INKAN_TEST_CRASH_AT set:
 * the process dies at that point as under kill -9. Returns TRUE when it did. */
static gboolean
sign_lease_crashing (const char *point, const char *doc, const char *out_pdf,
                     const char *request)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *crash = g_strdup_printf ("INKAN_TEST_CRASH_AT=%s", point);
  const char *argv[] = { "env", "-u", "INKAN_NOW", crash, cli (), "--db", sc.db, "--as", "clerk",
                         "sign", doc, "-o", out_pdf, "--seal", "Lease", "--request", request,
                         "--pin-file", pki->pin_file, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("crash at %s: status 0x%x; stderr: %s", point, (unsigned) status, err);
  return WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL;
}

/* One value from the store, read with the sqlite3 shell (which runs no recovery). */
#define sql_value(format, request) sql_value_take (g_strdup_printf (format, request))

static char *
sql_value_take (char *query_)
{
  g_autofree char *query = query_;
  char *out = NULL;

  g_assert_cmpint (sql (query, &out), ==, 0);
  return g_strchomp (out);
}

static void
assert_audit_intact (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (wf (&out, NULL, NULL, "auditor", "audit", "verify", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "intact"));
}

static void
test_crash_while_signing (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *output = inkan_test_tmp_path ("lease-8-sealed.pdf");
  g_autofree char *again = inkan_test_tmp_path ("lease-8-again.pdf");
  g_autofree char *request = NULL, *second = NULL, *shown = NULL, *grants = NULL;
  g_autofree char *state = NULL, *uses = NULL, *signing = NULL, *json = NULL, *err = NULL;
  g_autofree char *objects = NULL;

  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "seal", "create", "Lease", "--kind",
                       "contract", "--image", pki->seal_png, "--cert", pki->second_cert_url,
                       "--key", pki->second_key_url, "--approval", "approver", "--pin-file",
                       pki->pin_file, NULL), ==, 0);
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "grant", "add", "Lease", "--user", "clerk",
                       "--uses", "1", NULL), ==, 0);
  request = create_request ("Lease", sc.doc8, "Office lease");
  approve_as_manager (request);
  objects = g_strdup_printf ("request:%s", request);

  /* Killed before the reservation: nothing happened. */
  g_assert_true (sign_lease_crashing ("before-reserve", sc.doc8, output, request));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  signing = sql_value ("SELECT count (*) FROM signatures WHERE request_id = %s;", request);
  g_assert_cmpstr (signing, ==, "0");
  g_clear_pointer (&signing, g_free);

  /* Killed once the use is reserved, before a byte of the sealed copy is written: the
   * reservation is left behind, counting against the grant... */
  g_assert_true (sign_lease_crashing ("after-reserve", sc.doc8, output, request));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  signing = sql_value ("SELECT state FROM signatures WHERE request_id = %s;", request);
  g_assert_cmpstr (signing, ==, "signing");
  uses = sql_value ("SELECT uses FROM grants WHERE id = (SELECT grant_id FROM signatures "
                    "WHERE request_id = %s);", request);
  g_assert_cmpstr (uses, ==, "1");
  /* ...until the store is next opened, by any command: rolled back, the use given back, the
   * request approved and usable, the trail telling so and intact. */
  g_assert_cmpint (wf (&shown, NULL, NULL, "clerk", "request", "show", request, NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "state: approved\n"));
  g_clear_pointer (&signing, g_free);
  signing = sql_value ("SELECT state FROM signatures WHERE request_id = %s;", request);
  g_assert_cmpstr (signing, ==, "rolled-back");
  g_assert_cmpint (wf (&grants, NULL, NULL, "admin", "grant", "list", "Lease", NULL), ==, 0);
  g_assert_nonnull (strstr (grants, "uses:0/1"));
  g_assert_true (audit_has ("sign.rolled-back", objects, "interrupted"));
  assert_audit_intact ();

  /* Killed after the sealed copy was renamed into place, before it was recorded: the next
   * opening finds the copy and records the signature. */
  g_assert_true (sign_lease_crashing ("after-rename", sc.doc8, output, request));
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));
  g_clear_pointer (&shown, g_free);
  g_assert_cmpint (wf (&shown, NULL, NULL, "clerk", "request", "show", request, NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "state: used\n"));
  g_clear_pointer (&signing, g_free);
  signing = sql_value ("SELECT group_concat (state) FROM signatures WHERE request_id = %s;",
                       request);
  g_assert_cmpstr (signing, ==, "rolled-back,done");
  g_clear_pointer (&grants, g_free);
  g_assert_cmpint (wf (&grants, NULL, NULL, "admin", "grant", "list", "Lease", NULL), ==, 0);
  g_assert_nonnull (strstr (grants, "uses:1/1"));
  g_assert_true (audit_has ("\tsign\t", objects, "ended before it was recorded"));
  assert_audit_intact ();
  /* The copy is the real thing, approval included. */
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  {
    const char *argv[] = { cli (), "verify", "--json", "--trust", pki->root_pem, output, NULL };

    g_assert_cmpint (inkan_test_run (argv, &json, NULL), ==, 0);
    g_assert_nonnull (strstr (json, "\"decision\":\"approve\""));
    g_assert_null (strstr (json, "\"valid\":false"));
  }

  /* The use count holds: the grant's one use is spent. */
  second = create_request ("Lease", sc.doc8, "Office lease, again");
  approve_as_manager (second);
  g_assert_cmpint (wf (NULL, &err, NULL, "clerk", "sign", sc.doc8, "-o", again, "--seal", "Lease",
                       "--request", second, "--pin-file", pki->pin_file, NULL), ==, 88);
  g_assert_false (g_file_test (again, G_FILE_TEST_EXISTS));
  assert_audit_intact ();
  state = sql_value ("SELECT count (*) FROM signatures WHERE state = 'signing' AND 0 < %s;",
                     request);
  g_assert_cmpstr (state, ==, "0");
}

/* Several inkan-cli processes at once, as a clerk's script and the app would: four create ten
 * requests each while an auditor verifies the trail over and over. No entry is lost, no id is
 * given twice, and the trail stays intact. */
static void
test_concurrent_processes (void)
{
  g_autofree char *dir = inkan_test_tmp_path ("concurrent");
  g_autofree char *err = NULL, *list = NULL, *trail = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *argv[] = {
    "sh", "-c",
    "cli=$1 db=$2 doc=$3 dir=$4\n"
    "for w in 1 2 3 4; do\n"
    "  (for i in 1 2 3 4 5 6 7 8 9 10; do\n"
    "     \"$cli\" --db \"$db\" --as clerk request create Contract \"$doc\""
    " --reason \"Batch $w-$i\" || exit 1\n"
    "   done > \"$dir/ids-$w\") &\n"
    "done\n"
    "(for i in 1 2 3 4 5 6 7 8 9 10; do\n"
    "   \"$cli\" --db \"$db\" --as auditor audit verify > /dev/null || exit 2\n"
    " done) &\n"
    "status=0\n"
    "for job in $(jobs -p); do wait \"$job\" || status=1; done\n"
    "exit $status\n",
    "sh", cli (), sc.db, sc.doc1, dir, NULL
  };
  guint batch_entries = 0;
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (inkan_test_run (argv, NULL, &err), ==, 0);
  for (guint w = 1; w <= 4; w++)
    {
      g_autofree char *name = g_strdup_printf ("ids-%u", w);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      g_auto (GStrv) got = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      got = g_strsplit (g_strchomp (contents), "\n", -1);
      g_assert_cmpuint (g_strv_length (got), ==, 10);
      for (guint i = 0; got[i] != NULL; i++)
        g_assert_true (g_hash_table_add (ids, g_strdup (got[i])));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 40);

  /* Each in the store and in the trail, which verifies. */
  g_assert_cmpint (wf (&list, NULL, NULL, "clerk", "request", "list", "--state", "pending",
                       NULL), ==, 0);
  {
    GHashTableIter iter;
    gpointer id;

    g_hash_table_iter_init (&iter, ids);
    while (g_hash_table_iter_next (&iter, &id, NULL))
      {
        g_autofree char *line = g_strdup_printf ("\n%s\tpending\tseal:Contract", (char *) id);
        g_autofree char *first = g_strdup_printf ("%s\tpending\tseal:Contract", (char *) id);

        g_assert_true (strstr (list, line) != NULL || g_str_has_prefix (list, first));
      }
  }
  g_assert_cmpint (wf (&trail, NULL, NULL, "auditor", "audit", "list", NULL), ==, 0);
  lines = g_strsplit (trail, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\trequest.create\t") != NULL && strstr (lines[i], "Batch ") != NULL)
      batch_entries++;
  g_assert_cmpuint (batch_entries, ==, 40);
  assert_audit_intact ();
}

static void
test_forged_approval (void)
{
  g_autofree char *r4 = create_request ("Contract", sc.doc4, "Fourth contract");
  g_autofree char *r5 = create_request ("Contract", sc.doc5, "Fifth contract");
  g_autofree char *r6 = create_request ("Contract", sc.doc6, "Sixth contract");
  g_autofree char *out6 = inkan_test_tmp_path ("contract-6-sealed.pdf");
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *out4 = inkan_test_tmp_path ("contract-4-sealed.pdf");
  g_autofree char *out5 = inkan_test_tmp_path ("contract-5-sealed.pdf");
  g_autofree char *copy = NULL, *swap = NULL, *flip = NULL;
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL;

  /* INSERT: a genuine approval of request 1 copied onto request 4, which nobody approved. */
  copy = g_strdup_printf (
    "INSERT INTO approvals (request_id, approver_id, role, step, decision, comment, time, "
    "statement, cms) SELECT %s, approver_id, role, step, decision, comment, time, statement, cms "
    "FROM approvals WHERE request_id = %s; "
    "UPDATE requests SET state = 'approved', next_role = NULL WHERE id = %s;",
    r4, sc.request1, r4);
  g_assert_cmpint (sql (copy, NULL), ==, 0);
  g_assert_cmpint (sign_contract (sc.doc4, out4, r4, NULL, &err), ==, 93);
  g_assert_false (g_file_test (out4, G_FILE_TEST_EXISTS));

  /* UPDATE: the manager rejects request 5; the row is edited into an approval. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "manager", "reject", r5, "--key", pki->manager_key_url,
                       "--pin-file", pki->pin_file, "--comment", "The penalty clause is missing.",
                       NULL), ==, 0);
  flip = g_strdup_printf ("UPDATE approvals SET decision = 'approve', comment = '' "
                          "WHERE request_id = %s; "
                          "UPDATE requests SET state = 'approved', next_role = NULL WHERE id = %s;",
                          r5, r5);
  g_assert_cmpint (sql (flip, NULL), ==, 0);
  g_assert_cmpint (sign_contract (sc.doc5, out5, r5, NULL, &err2), ==, 93);
  g_assert_false (g_file_test (out5, G_FILE_TEST_EXISTS));

  /* UPDATE: a genuine approval credited to another approver than its signer. */
  approve_as_manager (r6);
  swap = g_strdup_printf ("UPDATE approvals SET approver_id = (SELECT id FROM users WHERE name = "
                          "'deputy') WHERE request_id = %s;", r6);
  g_assert_cmpint (sql (swap, NULL), ==, 0);
  g_assert_cmpint (sign_contract (sc.doc6, out6, r6, NULL, &err3), ==, 93);
  g_assert_false (g_file_test (out6, G_FILE_TEST_EXISTS));
  g_assert_true (audit_has ("sign.refused", "APPROVAL_INVALID", NULL));
}

static void
test_roles (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *r = create_request ("Contract", sc.doc4, "Roles");
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL, *err4 = NULL, *err5 = NULL;
  g_autofree char *out = NULL;

  /* Auditors read, and change nothing. */
  g_assert_cmpint (wf (NULL, &err, NULL, "auditor", "seal", "create", "Legal", "--kind",
                       "legal", "--image", pki->seal_png, "--cert", pki->clerk_pem, "--key",
                       pki->clerk_key_url, NULL), ==, 77);
  g_assert_nonnull (strstr (err, "create seals"));
  g_assert_true (audit_has ("auditor", "seal.create.refused", "NOT_ALLOWED"));
  g_assert_cmpint (wf (&out, NULL, NULL, "clerk", "seal", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "Legal"));
  /* A clerk cannot approve, not even with a valid key: neither another's request (the manager
   * is a clerk too) nor their own. */
  {
    g_autofree char *theirs = NULL;
    g_assert_cmpint (wf (&theirs, NULL, NULL, "manager", "request", "create", "Contract",
                         sc.doc2, "--reason", "The manager's own", NULL), ==, 0);
    g_strchomp (theirs);
    g_assert_cmpint (wf (NULL, &err2, NULL, "clerk", "approve", theirs, "--key",
                         pki->clerk_key_url, "--pin-file", pki->pin_file, NULL), ==, 77);
    g_assert_nonnull (strstr (err2, "approver"));
  }
  g_assert_true (audit_has ("clerk", "request.approve.refused", "NOT_ALLOWED"));
  g_clear_pointer (&err2, g_free);
  g_assert_cmpint (wf (NULL, &err2, NULL, "clerk", "approve", r, "--key", pki->clerk_key_url,
                       "--pin-file", pki->pin_file, NULL), ==, 77);
  /* An approver signing with someone else's key. */
  g_assert_cmpint (wf (NULL, &err3, NULL, "manager", "approve", r, "--key", pki->clerk_key_url,
                       "--pin-file", pki->pin_file, NULL), ==, 95);
  /* Clerks do not read the audit trail; unknown users are turned away. */
  g_assert_cmpint (wf (NULL, &err4, NULL, "clerk", "audit", "list", NULL), ==, 77);
  g_assert_cmpint (wf (NULL, &err5, NULL, "mallory", "seal", "list", NULL), ==, 77);
  g_assert_nonnull (strstr (err5, "mallory"));
  /* Suspended seals are refused. */
  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "seal", "suspend", "Official", NULL), ==, 0);
  {
    g_autofree char *output = inkan_test_tmp_path ("official-suspended.pdf");
    g_assert_cmpint (wf (NULL, NULL, NULL, "clerk", "sign", sc.doc1, "-o", output, "--seal",
                         "Official", "--pin-file", pki->pin_file, NULL), ==, 80);
  }
}

static void
test_audit_export (void)
{
  g_autofree char *dir = inkan_test_tmp_path ("bundle-1");
  g_autofree char *json_path = g_build_filename (dir, "audit.json", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "audit-report.pdf", NULL);
  g_autofree char *sha = sha256_of (sc.doc1);
  g_autofree char *json = NULL, *text = NULL, *out = NULL;

  g_assert_cmpint (wf (&out, NULL, NULL, "auditor", "audit", "verify", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "intact"));
  sc.full_stacks = TRUE;
  g_assert_cmpint (wf (NULL, NULL, NULL, "auditor", "audit", "export", "--request", sc.request1,
                       "-o", dir, NULL), ==, 0);
  sc.full_stacks = FALSE;
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"intact\":true"));
  g_assert_nonnull (strstr (json, sha));
  g_assert_nonnull (strstr (json, "\"actor\":\"manager\""));
  g_assert_nonnull (strstr (json, "\"entry_hash\":\""));
  inkan_test_judge_qpdf (pdf_path);
  {
    const char *argv[] = { "pdftotext", "-layout", pdf_path, "-", NULL };
    g_assert_cmpint (inkan_test_run (argv, &text, NULL), ==, 0);
  }
  g_assert_nonnull (strstr (text, "Inkan audit report"));
  g_assert_nonnull (strstr (text, "intact"));
  g_assert_nonnull (strstr (text, "manager"));
  g_assert_nonnull (strstr (text, "clerk"));
  g_assert_nonnull (strstr (text, "Timeline"));
  /* The hash may be cut across lines; its head is enough to find it. */
  {
    g_autofree char *head = g_strndup (sha, 32);
    g_assert_nonnull (strstr (text, head));
  }
}

/* The report speaks the users' language: a clerk named in Chinese, a reason in Chinese, drawn
 * with real glyphs (pdftotext reads them back) rather than boxes. */
static void
test_audit_export_chinese (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *dir = inkan_test_tmp_path ("bundle-zh");
  g_autofree char *pdf_path = g_build_filename (dir, "audit-report.pdf", NULL);
  g_autofree char *json_path = g_build_filename (dir, "audit.json", NULL);
  g_autofree char *id = NULL, *text = NULL, *json = NULL, *fonts = NULL;

  g_assert_cmpint (wf (NULL, NULL, NULL, "admin", "user", "add", "王芳", "--role", "clerk",
                       "--cert", pki->clerk_pem, NULL), ==, 0);
  g_assert_cmpint (wf (&id, NULL, NULL, "王芳", "request", "create", "Contract", sc.doc2,
                       "--reason", "华信公司采购合同（第二批）", NULL), ==, 0);
  g_strchomp (id);
  sc.full_stacks = TRUE;
  g_assert_cmpint (wf (NULL, NULL, NULL, "auditor", "audit", "export", "--request", id, "-o", dir,
                       NULL), ==, 0);
  sc.full_stacks = FALSE;
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"actor\":\"王芳\""));
  inkan_test_judge_qpdf (pdf_path);
  {
    const char *argv[] = { "pdftotext", pdf_path, "-", NULL };
    g_assert_cmpint (inkan_test_run (argv, &text, NULL), ==, 0);
  }
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "王芳"));
  g_assert_nonnull (strstr (text, "华信公司采购合同（第二批）"));
  g_assert_nonnull (strstr (text, "Inkan audit report"));
  {
    /* The glyphs come from a CJK font embedded in the report. */
    const char *argv[] = { "pdffonts", pdf_path, NULL };
    g_assert_cmpint (inkan_test_run (argv, &fonts, NULL), ==, 0);
  }
  g_test_message ("%s", fonts);
  g_assert_nonnull (strstr (fonts, "CJK"));
}

static void
test_audit_tamper (void)
{
  g_autofree char *drop = NULL, *out = NULL, *out2 = NULL, *err = NULL;
  g_autofree char *bundle = inkan_test_tmp_path ("bundle-broken");
  g_autofree char *json_path = g_build_filename (bundle, "audit.json", NULL);
  g_autofree char *json = NULL;

  /* The triggers refuse the shell's edit... */
  g_assert_cmpint (sql ("UPDATE audit SET details = 'nothing happened' WHERE seq = 5;", NULL),
                   !=, 0);
  /* ...but anyone holding the file can drop them first: the hash chain still tells. */
  g_assert_cmpint (sql ("SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master "
                        "WHERE type = 'trigger' AND tbl_name = 'audit';", &drop), ==, 0);
  g_assert_nonnull (strstr (drop, "DROP TRIGGER"));
  {
    g_autofree char *edit = g_strconcat (drop, "UPDATE audit SET details = 'nothing happened' "
                                         "WHERE seq = 5;", NULL);
    g_assert_cmpint (sql (edit, NULL), ==, 0);
  }
  g_assert_cmpint (wf (&out, &err, NULL, "auditor", "audit", "verify", NULL), ==, 94);
  g_assert_nonnull (strstr (out, "entry 5"));
  /* The bundle says so too. */
  sc.full_stacks = TRUE;
  g_assert_cmpint (wf (&out2, NULL, NULL, "auditor", "audit", "export", "--request",
                       sc.request1, "-o", bundle, NULL), ==, 94);
  sc.full_stacks = FALSE;
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"intact\":false,"));
  g_assert_nonnull (strstr (json, "\"first_bad\":5,"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/workflow/setup", test_setup);
  g_test_add_func ("/inkan/workflow/request-approve-sign", test_request_approve_sign);
  g_test_add_func ("/inkan/workflow/grant-used-up", test_grant_used_up);
  g_test_add_func ("/inkan/workflow/grant-expired", test_grant_expired);
  g_test_add_func ("/inkan/workflow/template", test_template);
  g_test_add_func ("/inkan/workflow/edited-document", test_edited_document);
  g_test_add_func ("/inkan/workflow/request-placement", test_request_placement);
  g_test_add_func ("/inkan/workflow/crash-while-signing", test_crash_while_signing);
  g_test_add_func ("/inkan/workflow/concurrent-processes", test_concurrent_processes);
  g_test_add_func ("/inkan/workflow/forged-approval", test_forged_approval);
  g_test_add_func ("/inkan/workflow/roles", test_roles);
  g_test_add_func ("/inkan/workflow/audit-export", test_audit_export);
  g_test_add_func ("/inkan/workflow/audit-export-chinese", test_audit_export_chinese);
  g_test_add_func ("/inkan/workflow/audit-tamper", test_audit_tamper);
  return g_test_run ();
}
