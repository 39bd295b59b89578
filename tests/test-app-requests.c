/* GUI tests of approving: the real window under Xvfb, a real store and SoftHSM token made by
 * the test; requests made by the clerk with inkan-cli, decided by the manager in the Requests
 * view with their own token's PIN, then judged in the store and by `inkan-cli audit verify`;
 * the clerk then seals from the approved request, judged by pdfsig, qpdf and the verifier. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "inkan-requests-view.h"
#include "inkan-sealing.h"
#include "inkan-store.h"
#include "inkan-trust.h"
#include "inkan-validity-banner.h"
#include "inkan-verify.h"
#include "inkan-test-app.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"

static char *store_path;

typedef struct
{
  InkanWindow *window;
  InkanRequestsView *view;
  guint n_pin_asked;              /* times the view went to ASKING_PIN */
} Fixture;

static void
state_changed (InkanRequestsView *view,
               GParamSpec        *pspec,
               Fixture           *fixture)
{
  if (inkan_requests_view_get_state (view) == INKAN_REQUESTS_ASKING_PIN)
    fixture->n_pin_asked++;
}

/* The window's Requests view, found in its widget tree. */
static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
wait_idle (InkanRequestsView *view)
{
  inkan_test_app_wait_until (inkan_requests_view_get_state (view) == INKAN_REQUESTS_IDLE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = inkan_test_app_new_window ();
  fixture->view = INKAN_REQUESTS_VIEW (find_type (GTK_WIDGET (fixture->window),
                                                  INKAN_TYPE_REQUESTS_VIEW));
  g_assert_nonnull (fixture->view);
  g_signal_connect (fixture->view, "notify::state", G_CALLBACK (state_changed), fixture);
  /* Ctrl+R's action shows the view (and reloads it). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.requests",
                                             NULL));
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
  wait_idle (fixture->view);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->view, fixture);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
}

static char *
sample_copy (const char *name)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *contents = NULL;
  g_autofree char *relative = g_strdup_printf ("docs-%s/%s", name, name);
  char *path = inkan_test_tmp_path (relative);
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  /* Every document differs, as real ones do. */
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  {
    g_autoptr (GFile) file = g_file_new_for_path (path);
    g_autoptr (GFileOutputStream) out = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, NULL);
    g_autofree char *tail = g_strdup_printf ("%% %s\n", name);

    g_assert_nonnull (out);
    g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), tail, strlen (tail), NULL,
                                              NULL, NULL));
  }
  return path;
}

/* A sealable document (nothing after its %%EOF) of `kind` (see inkan_test_make_pdf()), copied
 * to a folder of its own under `name`. */
static char *
sealable_copy (const char *name,
               const char *kind)
{
  g_autofree char *source = inkan_test_make_pdf (kind);
  g_autofree char *contents = NULL;
  g_autofree char *relative = g_strdup_printf ("docs-%s/%s", name, name);
  char *path = inkan_test_tmp_path (relative);
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  return path;
}

static InkanRequest *
get_request (gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (store_path, &error);
  InkanRequest *request;

  g_assert_no_error (error);
  request = inkan_store_get_request (store, id, &error);
  g_assert_no_error (error);
  return request;
}

static GPtrArray *
get_approvals (gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (store_path, &error);
  GPtrArray *approvals;

  g_assert_no_error (error);
  approvals = inkan_store_list_approvals (store, id, &error);
  g_assert_no_error (error);
  return approvals;
}

/* The pending requests the manager's role is next for, as the store says. */
static guint
n_waiting_on_manager (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (store_path, &error);
  g_autoptr (InkanUser) manager = NULL;
  g_autoptr (GPtrArray) waiting = NULL;

  g_assert_no_error (error);
  manager = inkan_store_get_user (store, "manager", &error);
  g_assert_no_error (error);
  waiting = inkan_store_list_requests (store, INKAN_REQUEST_PENDING, manager, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (waiting, (GDestroyNotify) inkan_request_free);
  return waiting->len;
}

static void
assert_audit_verifies (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = inkan_test_store_cli (store_path, &out, &err, "auditor", "audit", "verify", NULL);

  g_test_message ("audit verify: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);
}

static void
reload (Fixture *fixture)
{
  inkan_requests_view_reload (fixture->view);
  wait_idle (fixture->view);
}

/* The PIN dialog the view asked with; `pin` typed and the dialog answered. */
static void
enter_pin (Fixture    *fixture,
           const char *pin,
           const char *shot)
{
  InkanPinDialog *dialog;

  inkan_test_app_wait_until (inkan_requests_view_get_state (fixture->view)
                             == INKAN_REQUESTS_ASKING_PIN);
  dialog = inkan_requests_view_get_pin_dialog (fixture->view);
  g_assert_nonnull (dialog);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (GTK_IS_PASSWORD_ENTRY (inkan_pin_dialog_get_entry (dialog)));
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), pin);
  if (shot != NULL)
    {
      g_autofree char *path = inkan_test_app_screenshot (GTK_WIDGET (dialog), shot);
    }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_SIGNING);
}

static void
test_badge (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *a = sample_copy ("badge-a.pdf");
  g_autofree char *b = sample_copy ("badge-b.pdf");
  g_autofree char *shot = NULL;
  AdwViewStack *stack = inkan_requests_view_get_stack (fixture->view);
  AdwViewStackPage *page = adw_view_stack_get_page (stack,
                                                    adw_view_stack_get_child_by_name (stack,
                                                                                      "to-approve"));
  guint before = inkan_requests_view_get_n_to_approve (fixture->view);
  AdwActionRow *row;
  gint64 id_a, id_b;

  g_assert_cmpuint (before, ==, n_waiting_on_manager ());
  id_a = inkan_test_store_request (store_path, "Contract", a, "Lease renewal", 0, NULL);
  id_b = inkan_test_store_request (store_path, "Contract", b, "Supply contract", 0, NULL);
  /* Official needs no approval: never in the manager's queue. */
  reload (fixture);
  g_assert_cmpuint (inkan_requests_view_get_n_to_approve (fixture->view), ==, before + 2);
  g_assert_cmpuint (inkan_requests_view_get_n_to_approve (fixture->view), ==,
                    n_waiting_on_manager ());
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, before + 2);
  g_assert_true (adw_view_stack_page_get_needs_attention (page));
  /* The manager made no request. */
  g_assert_cmpuint (inkan_requests_view_get_n_mine (fixture->view), ==, 0);

  row = inkan_requests_view_find_row (fixture->view, FALSE, id_a);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                            "badge-a.pdf"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "pending · approved 0 of 1"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Lease renewal"));
  g_assert_nonnull (inkan_requests_view_find_row (fixture->view, FALSE, id_b));

  adw_view_stack_set_visible_child_name (stack, "to-approve");
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-to-approve");

  /* The clerk sees the same requests as theirs, with the chain's progress, and none to
   * approve. */
  inkan_application_set_user (inkan_test_app_get (), "clerk");
  wait_idle (fixture->view);
  reload (fixture);
  g_assert_cmpuint (inkan_requests_view_get_n_to_approve (fixture->view), ==, 0);
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, 0);
  row = inkan_requests_view_find_row (fixture->view, TRUE, id_b);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "pending · approved 0 of 1"));
  adw_view_stack_set_visible_child_name (stack, "mine");
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  g_free (shot);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-mine");
  inkan_application_set_user (inkan_test_app_get (), "manager");
  wait_idle (fixture->view);
  reload (fixture);
}

static gboolean
is_recent (const char *uri)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  gboolean found = FALSE;

  for (GList *l = items; l != NULL; l = l->next)
    found = found || g_str_equal (gtk_recent_info_get_uri (l->data), uri);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return found;
}

static void
test_approve (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *pdf = sample_copy ("approve.pdf");
  g_autofree char *sha = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *shot = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  InkanDocumentView *doc;
  InkanPageView *page_view;
  GtkWidget *outline;
  AdwActionRow *row;
  guint before;
  gint64 id;

  id = inkan_test_store_request (store_path, "Contract", pdf, "Office lease", 1, "100,120,90,90");
  request = get_request (id);
  sha = g_strdup (request->document_sha256);
  reload (fixture);
  before = inkan_requests_view_get_n_to_approve (fixture->view);

  /* The detail says who, what, why, which document and which grant. */
  inkan_requests_view_show_request (fixture->view, id);
  g_assert_cmpint (inkan_requests_view_get_shown_request (fixture->view), ==, id);
  detail = inkan_requests_view_get_detail_text (fixture->view);
  g_test_message ("detail:\n%s", detail);
  g_assert_nonnull (strstr (detail, "Requester: clerk"));
  g_assert_nonnull (strstr (detail, "Seal: Contract"));
  g_assert_nonnull (strstr (detail, "Reason: Office lease"));
  g_assert_nonnull (strstr (detail, "approve.pdf"));
  g_assert_nonnull (strstr (detail, sha));
  g_assert_nonnull (strstr (detail, "Grant: Grant "));
  g_assert_nonnull (strstr (detail, ", to clerk"));
  g_assert_nonnull (strstr (detail, "No decision yet"));
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-detail");

  /* Open document: found among the recent files by its SHA-256, opened in a tab with the
   * proposed placement outlined. */
  {
    g_autofree char *uri = g_filename_to_uri (pdf, NULL, NULL);

    /* Added asynchronously (the type is queried first). */
    g_assert_true (gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri));
    inkan_test_app_wait_until (is_recent (uri));
  }
  inkan_requests_view_open_document (fixture->view);
  inkan_test_app_wait_until (inkan_window_get_current_view (fixture->window) != NULL
                             && inkan_document_view_get_document (
                                  inkan_window_get_current_view (fixture->window)) != NULL);
  doc = inkan_window_get_current_view (fixture->window);
  {
    g_autofree char *opened = g_file_get_path (inkan_document_view_get_file (doc));

    g_assert_cmpstr (opened, ==, pdf);
  }
  page_view = inkan_document_view_get_page_view (doc);
  inkan_test_app_wait_until (g_object_get_data (G_OBJECT (page_view), "inkan-request-placement")
                             != NULL);
  outline = g_object_get_data (G_OBJECT (page_view), "inkan-request-placement");
  g_assert_true (gtk_widget_get_parent (outline) == GTK_WIDGET (page_view));
  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (page_view, 0));
  inkan_test_app_wait_until (gtk_widget_get_mapped (outline));
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 2);
  /* The whole page shown; 90 points at the page view's scale. */
  g_assert_cmpint (inkan_page_view_get_zoom_mode (page_view), ==, INKAN_ZOOM_MODE_FIT_PAGE);
  g_assert_cmpint (gtk_widget_get_width (outline), >, 0);
  g_assert_cmpfloat (fabs (gtk_widget_get_width (outline)
                           - 90 * inkan_page_view_get_scale (page_view)), <=, 2);
  g_free (shot);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-placement");

  /* Back to the requests; approve with the PIN. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.requests", NULL));
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
  wait_idle (fixture->view);
  inkan_requests_view_show_request (fixture->view, id);
  gtk_editable_set_text (inkan_requests_view_get_comment_entry (fixture->view), "Lease checked.");
  fixture->n_pin_asked = 0;
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_APPROVE);
  enter_pin (fixture, inkan_test_pki_get ()->pin, "requests-pin");
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  g_assert_cmpuint (fixture->n_pin_asked, ==, 1);
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view), "1 request approved"));

  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  approvals = get_approvals (id);
  g_assert_cmpuint (approvals->len, ==, 1);
  g_assert_cmpint (((InkanApproval *) approvals->pdata[0])->decision, ==, INKAN_DECISION_APPROVE);
  g_assert_cmpstr (((InkanApproval *) approvals->pdata[0])->comment, ==, "Lease checked.");
  assert_audit_verifies ();

  /* It left the queue; the clerk's row says approved 1 of 1. */
  g_assert_cmpuint (inkan_requests_view_get_n_to_approve (fixture->view), ==, before - 1);
  g_assert_null (inkan_requests_view_find_row (fixture->view, FALSE, id));
  inkan_application_set_user (inkan_test_app_get (), "clerk");
  wait_idle (fixture->view);
  reload (fixture);
  row = inkan_requests_view_find_row (fixture->view, TRUE, id);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "approved · approved 1 of 1"));
  inkan_requests_view_show_request (fixture->view, id);
  g_free (detail);
  detail = inkan_requests_view_get_detail_text (fixture->view);
  g_assert_nonnull (strstr (detail, "Approved by manager (approver)"));
  g_assert_nonnull (strstr (detail, "Lease checked."));
  inkan_application_set_user (inkan_test_app_get (), "manager");
  wait_idle (fixture->view);
  reload (fixture);
}

static void
test_reject (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *pdf = sample_copy ("reject.pdf");
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  g_autofree char *shot = NULL;
  gint64 id;

  id = inkan_test_store_request (store_path, "Contract", pdf, "Unknown supplier", 0, NULL);
  reload (fixture);
  inkan_requests_view_show_request (fixture->view, id);

  /* No comment: said, and nothing asked. */
  fixture->n_pin_asked = 0;
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_REJECT);
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_IDLE);
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view),
                            "rejection needs one"));
  g_assert_cmpuint (fixture->n_pin_asked, ==, 0);

  gtk_editable_set_text (inkan_requests_view_get_comment_entry (fixture->view),
                         "The supplier is not on our list.");
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-reject");
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_REJECT);
  enter_pin (fixture, inkan_test_pki_get ()->pin, NULL);
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view), "rejected"));

  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_REJECTED);
  approvals = get_approvals (id);
  g_assert_cmpuint (approvals->len, ==, 1);
  g_assert_cmpint (((InkanApproval *) approvals->pdata[0])->decision, ==, INKAN_DECISION_REJECT);
  g_assert_cmpstr (((InkanApproval *) approvals->pdata[0])->comment, ==,
                   "The supplier is not on our list.");
  g_assert_null (inkan_requests_view_find_row (fixture->view, FALSE, id));
  assert_audit_verifies ();
}

static void
test_batch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *a = sample_copy ("batch-a.pdf");
  g_autofree char *b = sample_copy ("batch-c.pdf");
  g_autofree char *c = sample_copy ("batch-b.pdf");
  g_autoptr (InkanRequest) ra = NULL;
  g_autoptr (InkanRequest) rb = NULL;
  g_autoptr (InkanRequest) rc = NULL;
  g_autofree char *shot = NULL;
  gint64 id_a, id_b, id_c;

  id_a = inkan_test_store_request (store_path, "Contract", a, "Batch one", 0, NULL);
  id_b = inkan_test_store_request (store_path, "Contract", b, "Batch two", 0, NULL);
  id_c = inkan_test_store_request (store_path, "Contract", c, "Not this one", 0, NULL);
  reload (fixture);
  adw_view_stack_set_visible_child_name (inkan_requests_view_get_stack (fixture->view),
                                         "to-approve");
  inkan_requests_view_set_selected (fixture->view, id_a, TRUE);
  inkan_requests_view_set_selected (fixture->view, id_b, TRUE);
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-batch");

  fixture->n_pin_asked = 0;
  inkan_requests_view_approve_selected (fixture->view);
  enter_pin (fixture, inkan_test_pki_get ()->pin, "requests-batch-pin");
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  /* One PIN entry for both. */
  g_assert_cmpuint (fixture->n_pin_asked, ==, 1);
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view),
                            "2 requests approved"));
  ra = get_request (id_a);
  rb = get_request (id_b);
  rc = get_request (id_c);
  g_assert_cmpint (ra->state, ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (rb->state, ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (rc->state, ==, INKAN_REQUEST_PENDING);
  g_assert_null (inkan_requests_view_find_row (fixture->view, FALSE, id_a));
  g_assert_null (inkan_requests_view_find_row (fixture->view, FALSE, id_b));
  g_assert_nonnull (inkan_requests_view_find_row (fixture->view, FALSE, id_c));
  assert_audit_verifies ();
}

static void
test_wrong_pin (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *pdf = sample_copy ("wrong-pin.pdf");
  g_autoptr (InkanRequest) request = NULL;
  g_autofree char *shot = NULL;
  InkanPinDialog *dialog;
  gint64 id;

  id = inkan_test_store_request (store_path, "Contract", pdf, "Wrong PIN first", 0, NULL);
  reload (fixture);
  inkan_requests_view_show_request (fixture->view, id);
  fixture->n_pin_asked = 0;
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_APPROVE);
  enter_pin (fixture, "000000", NULL);

  /* Asked again, with the token's sentence; nothing recorded. */
  inkan_test_app_wait_until (inkan_requests_view_get_state (fixture->view)
                             != INKAN_REQUESTS_SIGNING);
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_ASKING_PIN);
  g_assert_cmpuint (fixture->n_pin_asked, ==, 2);
  dialog = inkan_requests_view_get_pin_dialog (fixture->view);
  g_assert_nonnull (dialog);
  g_test_message ("after a wrong PIN: %s", inkan_pin_dialog_get_error (dialog));
  g_assert_nonnull (inkan_pin_dialog_get_error (dialog));
  g_assert_nonnull (strstr (inkan_pin_dialog_get_error (dialog), "refused the PIN"));
  g_assert_cmpstr (gtk_editable_get_text (inkan_pin_dialog_get_entry (dialog)), ==, "");
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  shot = inkan_test_app_screenshot (GTK_WIDGET (dialog), "requests-wrong-pin");
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_PENDING);

  /* Cancelled: still pending, the view idle. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_IDLE);
  g_assert_null (inkan_requests_view_get_pin_dialog (fixture->view));
  inkan_test_app_wait_until (!gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_PENDING);
  assert_audit_verifies ();
}

/* The PIN dialog closed (Escape, the close button) rather than answered: nothing is left
 * pending; the next decision asks again and goes through. */
static void
test_pin_dismissed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *pdf = sample_copy ("dismissed.pdf");
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  InkanPinDialog *dialog;
  gint64 id;

  id = inkan_test_store_request (store_path, "Contract", pdf, "Dismissed first", 0, NULL);
  reload (fixture);
  inkan_requests_view_show_request (fixture->view, id);
  gtk_editable_set_text (inkan_requests_view_get_comment_entry (fixture->view), "Second look.");
  fixture->n_pin_asked = 0;
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_APPROVE);
  inkan_test_app_wait_until (inkan_requests_view_get_state (fixture->view)
                             == INKAN_REQUESTS_ASKING_PIN);
  dialog = inkan_requests_view_get_pin_dialog (fixture->view);
  g_assert_nonnull (dialog);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), "123");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_IDLE);
  g_assert_null (inkan_requests_view_get_pin_dialog (fixture->view));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  for (int i = 0; i < 5; i++)
    inkan_test_app_iterate ();
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_PENDING);
  /* The comment typed stays for the next try. */
  g_assert_cmpstr (gtk_editable_get_text (inkan_requests_view_get_comment_entry (fixture->view)),
                   ==, "Second look.");

  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_APPROVE);
  enter_pin (fixture, inkan_test_pki_get ()->pin, NULL);
  wait_idle (fixture->view);
  g_assert_cmpuint (fixture->n_pin_asked, ==, 2);
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view), "1 request approved"));
  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  approvals = get_approvals (id);
  g_assert_cmpuint (approvals->len, ==, 1);
  g_assert_cmpstr (((InkanApproval *) approvals->pdata[0])->comment, ==, "Second look.");
  assert_audit_verifies ();
}

/* Acting as `name` in the same window: the view reads the store again for them. */
static void
as_user (Fixture    *fixture,
         const char *name)
{
  inkan_application_set_user (inkan_test_app_get (), name);
  wait_idle (fixture->view);
  reload (fixture);
}

static void
add_recent (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  /* Added asynchronously (the type is queried first). */
  g_assert_true (gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri));
  inkan_test_app_wait_until (is_recent (uri));
}

/* Clicks "Seal…" on the shown request and answers the save dialog with what it proposes;
 * returns the flow, asking for the PIN. */
static InkanSealFlow *
start_sealing (Fixture    *fixture,
               const char *expected_output)
{
  GtkButton *button = inkan_requests_view_get_seal_button (fixture->view);
  InkanSealFlow *flow = NULL;
  g_autoptr (GFile) proposed = NULL;
  g_autofree char *path = NULL;

  g_assert_true (inkan_requests_view_can_seal_shown (fixture->view));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_SEALING);
  inkan_test_app_wait_until ((flow = inkan_requests_view_get_seal_flow (fixture->view)) != NULL
                             && inkan_seal_flow_get_state (flow)
                                  == INKAN_SEAL_FLOW_CHOOSING_OUTPUT);
  /* The save dialog proposes <name>-sealed.pdf beside the original; answered in its place. */
  proposed = inkan_seal_flow_get_proposed_output (flow);
  path = g_file_get_path (proposed);
  g_assert_cmpstr (path, ==, expected_output);
  inkan_seal_flow_choose_output (flow, proposed);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_ASKING_PIN);
  g_assert_nonnull (inkan_seal_flow_get_pin_dialog (flow));
  return flow;
}

static void
answer_seal_pin (InkanSealFlow *flow,
                 const char    *pin,
                 const char    *response,
                 const char    *shot)
{
  InkanPinDialog *dialog = inkan_seal_flow_get_pin_dialog (flow);

  g_assert_nonnull (dialog);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), pin);
  if (shot != NULL)
    {
      g_autofree char *path = inkan_test_app_screenshot (GTK_WIDGET (dialog), shot);
    }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
}

/* The approval flow end to end: the clerk's request in the manager's queue, approved with the
 * manager's token; then the clerk seals from the request in the Requests view, at the
 * request's placement, and the sealed copy opens with its seal shown valid. */
static void
test_seal_from_request (Fixture       *fixture,
                        gconstpointer  data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *pdf = sealable_copy ("supply.pdf", "pages:2");
  g_autofree char *dir = g_path_get_dirname (pdf);
  g_autofree char *output = g_build_filename (dir, "supply-sealed.pdf", NULL);
  g_autofree char *sha_after = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *detail = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  const InkanSignatureReport *signature;
  InkanValidityBanner *banner;
  InkanDocumentView *doc = NULL;
  InkanSealFlow *flow;
  AdwActionRow *row;
  gint64 id;

  /* The clerk asks for the Contract seal, placed by them on page 1. */
  id = inkan_test_store_request (store_path, "Contract", pdf, "Supply contract", 1,
                                 "120,140,100,100");
  /* It is in the manager's queue; they approve it with their own token. */
  reload (fixture);
  g_assert_nonnull (inkan_requests_view_find_row (fixture->view, FALSE, id));
  inkan_requests_view_show_request (fixture->view, id);
  g_assert_false (inkan_requests_view_can_seal_shown (fixture->view));
  g_assert_false (gtk_widget_get_visible (
    GTK_WIDGET (inkan_requests_view_get_seal_button (fixture->view))));
  gtk_editable_set_text (inkan_requests_view_get_comment_entry (fixture->view), "Prices checked.");
  inkan_requests_view_decide_shown (fixture->view, INKAN_DECISION_APPROVE);
  enter_pin (fixture, pki->pin, NULL);
  wait_idle (fixture->view);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  g_assert_null (inkan_requests_view_find_row (fixture->view, FALSE, id));

  /* The clerk: the approved request offers "Seal…". */
  as_user (fixture, "clerk");
  adw_view_stack_set_visible_child_name (inkan_requests_view_get_stack (fixture->view), "mine");
  row = inkan_requests_view_find_row (fixture->view, TRUE, id);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "approved · approved 1 of 1"));
  inkan_requests_view_show_request (fixture->view, id);
  detail = inkan_requests_view_get_detail_text (fixture->view);
  g_assert_nonnull (strstr (detail, "Proposed placement: Page 1, at 120 × 140 pt, 100 × 100 pt"));
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-seal");

  /* The document is found among the recent files by its SHA-256. */
  add_recent (pdf);
  flow = start_sealing (fixture, output);
  answer_seal_pin (flow, pki->pin, "apply", "requests-seal-pin");
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_DONE);
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view), "is used"));
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view),
                            "supply-sealed.pdf"));

  /* The sealed copy opens, its seal shown valid. */
  inkan_test_app_wait_until ((doc = inkan_window_get_current_view (fixture->window)) != NULL
                             && g_str_has_suffix (g_file_peek_path (
                                                    inkan_document_view_get_file (doc)),
                                                  "supply-sealed.pdf")
                             && inkan_document_view_get_report (doc) != NULL
                             && !inkan_document_view_get_verifying (doc));
  banner = inkan_document_view_get_validity_banner (doc);
  g_assert_cmpint (inkan_validity_banner_get_state (banner), ==, INKAN_VALIDITY_VALID);
  g_assert_cmpstr (inkan_validity_banner_get_title (banner), ==, "Signed and unchanged");
  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (
    inkan_document_view_get_page_view (doc), 0));
  inkan_test_app_wait_frames (GTK_WIDGET (doc), 2);
  g_free (shot);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-sealed");

  /* pdfsig and qpdf judge the copy; the core's reader finds the seal where the request put
   * it: /Rect [120 140 220 240] on page 1. */
  inkan_test_judge_qpdf (output);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
  g_assert_no_error (error);
  options.trust = trust;
  report = inkan_verify_file (output, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  signature = report->signatures->pdata[0];
  g_test_message ("widget: page %u, /Rect [%g %g %g %g]", signature->page, signature->rect[0],
                  signature->rect[1], signature->rect[2], signature->rect[3]);
  g_assert_cmpuint (signature->page, ==, 1);
  g_assert_cmpfloat (fabs (signature->rect[0] - 120), <, 0.01);
  /* 140, less the verification code's strip under the seal (0.16 of its 100 points). */
  g_assert_cmpfloat (fabs (signature->rect[1] - 124), <, 0.01);
  g_assert_cmpfloat (fabs (signature->rect[2] - 220), <, 0.01);
  g_assert_cmpfloat (fabs (signature->rect[3] - 240), <, 0.01);
  /* The approval travels inside the sealed copy. */
  g_assert_cmpuint (signature->approvals->len, ==, 1);

  /* The store: the request is used, the original untouched, the audit trail whole. */
  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_USED);
  sha_after = inkan_file_sha256 (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha_after, ==, request->document_sha256);
  assert_audit_verifies ();
  row = inkan_requests_view_find_row (fixture->view, TRUE, id);
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "used"));
  inkan_requests_view_show_request (fixture->view, id);
  g_assert_false (inkan_requests_view_can_seal_shown (fixture->view));
  as_user (fixture, "manager");
}

/* Refusals come as the core's sentences, before any PIN when the policy refuses; a refused
 * PIN is asked again; cancelling leaves nothing pending and nothing written. */
static void
test_seal_refusals (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *pdf = sealable_copy ("refused.pdf", "pages:3");
  g_autofree char *dir = g_path_get_dirname (pdf);
  g_autofree char *output = g_build_filename (dir, "refused-sealed.pdf", NULL);
  g_autofree char *changed = inkan_test_tmp_path ("docs-changed/refused.pdf");
  g_autofree char *changed_dir = g_path_get_dirname (changed);
  g_autofree char *contents = NULL;
  g_autofree char *shot = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (GFile) changed_file = NULL;
  InkanPinDialog *dialog;
  InkanSealFlow *flow;
  gsize len = 0;
  gint64 id;

  id = inkan_test_store_request (store_path, "Contract", pdf, "Refusals", 1, "80,90,100,100");
  inkan_test_store_approve (store_path, id);
  as_user (fixture, "clerk");
  adw_view_stack_set_visible_child_name (inkan_requests_view_get_stack (fixture->view), "mine");
  inkan_requests_view_show_request (fixture->view, id);

  /* The document is nowhere to be found: it is asked for. A changed copy is refused with the
   * core's sentence, before the save dialog and the PIN. */
  g_assert_cmpint (g_mkdir_with_parents (changed_dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (changed, contents, (gssize) len, NULL));
  {
    g_autoptr (GFile) file = g_file_new_for_path (changed);
    g_autoptr (GFileOutputStream) out = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, NULL);

    g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), "% changed\n", 10, NULL,
                                              NULL, NULL));
  }
  fixture->n_pin_asked = 0;
  g_signal_emit_by_name (inkan_requests_view_get_seal_button (fixture->view), "clicked");
  inkan_test_app_wait_until (inkan_requests_view_is_asking_document (fixture->view));
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_SEALING);
  changed_file = g_file_new_for_path (changed);
  inkan_requests_view_choose_document (fixture->view, changed_file);
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view),
                            "is not the one request"));
  g_assert_false (inkan_requests_view_is_asking_document (fixture->view));
  g_assert_null (inkan_requests_view_get_seal_flow (fixture->view));
  /* Said in full under the request, too. */
  g_assert_true (g_str_has_prefix (inkan_requests_view_get_seal_refusal (fixture->view),
                                   "The document is not the one request"));
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "requests-seal-changed");

  /* Asked again and dismissed: nothing pending. */
  g_signal_emit_by_name (inkan_requests_view_get_seal_button (fixture->view), "clicked");
  inkan_test_app_wait_until (inkan_requests_view_is_asking_document (fixture->view));
  inkan_requests_view_choose_document (fixture->view, NULL);
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_IDLE);
  g_assert_false (inkan_requests_view_is_asking_document (fixture->view));
  g_assert_null (inkan_requests_view_get_seal_flow (fixture->view));

  /* Found among the recent files now. A wrong PIN is asked again with the token's sentence;
   * cancelled, the request stays approved and nothing is written. */
  add_recent (pdf);
  flow = start_sealing (fixture, output);
  answer_seal_pin (flow, "000000", "apply", NULL);
  inkan_test_app_wait_until (inkan_seal_flow_get_state (flow) != INKAN_SEAL_FLOW_SIGNING);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_ASKING_PIN);
  g_assert_cmpint (inkan_requests_view_get_state (fixture->view), ==, INKAN_REQUESTS_SEALING);
  dialog = inkan_seal_flow_get_pin_dialog (flow);
  g_assert_nonnull (dialog);
  g_test_message ("after a wrong PIN: %s", inkan_pin_dialog_get_error (dialog));
  g_assert_nonnull (strstr (inkan_pin_dialog_get_error (dialog), "refused the PIN"));
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_free (shot);
  shot = inkan_test_app_screenshot (GTK_WIDGET (dialog), "requests-seal-wrong-pin");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_CANCELLED);
  g_assert_null (inkan_seal_flow_get_pin_dialog (flow));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  wait_idle (fixture->view);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  assert_audit_verifies ();
  /* Still to be sealed. */
  inkan_requests_view_show_request (fixture->view, id);
  g_assert_true (inkan_requests_view_can_seal_shown (fixture->view));
  g_assert_null (inkan_requests_view_get_seal_refusal (fixture->view));

  /* The clerk's grant ended (the live one revoked, one that ended in 2020 left): refused with
   * the policy's sentence, before the save dialog and the PIN. A live grant again after. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (InkanStore) store = inkan_store_open (store_path, &error);
    g_autoptr (InkanSeal) seal = NULL;
    g_autoptr (GPtrArray) grants = NULL;

    g_assert_no_error (error);
    seal = inkan_store_get_seal (store, "Contract", &error);
    g_assert_no_error (error);
    grants = inkan_store_list_grants (store, seal->id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < grants->len; i++)
      {
        const InkanGrant *g = grants->pdata[i];
        g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, g->id);

        if (!g->revoked)
          g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "grant",
                                                 "revoke", text, NULL), ==, 0);
      }
  }
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "grant", "add",
                                         "Contract", "--user", "clerk", "--from", "2020-01-01",
                                         "--until", "2020-12-31", NULL), ==, 0);
  g_signal_emit_by_name (inkan_requests_view_get_seal_button (fixture->view), "clicked");
  wait_idle (fixture->view);
  g_test_message ("said: %s", inkan_requests_view_get_message (fixture->view));
  g_assert_nonnull (strstr (inkan_requests_view_get_message (fixture->view),
                            "for the Contract seal expired on 2020-12-31"));
  g_assert_cmpstr (inkan_requests_view_get_seal_refusal (fixture->view), ==,
                   inkan_requests_view_get_message (fixture->view));
  g_assert_null (inkan_requests_view_get_seal_flow (fixture->view));
  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "grant", "add",
                                         "Contract", "--user", "clerk", NULL), ==, 0);
  as_user (fixture, "manager");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The token, the store and the user, before the application reads them. */
  inkan_test_pki_get ();
  store_path = inkan_test_store_make ("app-requests");
  g_setenv ("INKAN_DB", store_path, TRUE);
  g_setenv ("INKAN_USER", "manager", TRUE);
  /* The sealed copies are verified against the test root, as a recipient would. */
  g_setenv ("INKAN_TRUST", inkan_test_pki_get ()->root_pem, TRUE);
  g_unsetenv ("INKAN_NOW");

  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/inkan/app/requests/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("badge", test_badge);
  ADD ("approve-with-pin", test_approve);
  ADD ("reject-with-comment", test_reject);
  ADD ("batch-one-pin", test_batch);
  ADD ("wrong-pin", test_wrong_pin);
  ADD ("pin-dismissed", test_pin_dismissed);
  ADD ("seal-from-request", test_seal_from_request);
  ADD ("seal-refusals", test_seal_refusals);
#undef ADD

  return inkan_test_app_run ();
}
