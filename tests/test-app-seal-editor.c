/* GUI tests of the seal editor: the real window under Xvfb; a name typed into it redraws the
 * preview, the seal is created in a real store with a key on a SoftHSM token made by the test,
 * bound by a seal record signed with the administrator's key after their PIN is typed into the
 * real PIN dialog (a wrong PIN or a dismissed dialog creates nothing), and the PNG it exports is
 * a seal image the signing code accepts. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "inkan-document-view.h"
#include "inkan-image.h"
#include "inkan-seal-editor.h"
#include "inkan-test-app.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"

static char *store_path;

typedef struct
{
  InkanWindow *window;
  InkanSealEditor *editor;
  const char *store;
  guint created;
  char *created_name;
} Fixture;

static void
on_created (InkanSealEditor *editor, const char *name, Fixture *fixture)
{
  g_free (fixture->created_name);
  fixture->created_name = g_strdup (name);
  fixture->created++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->store = store_path;
  fixture->window = inkan_test_app_new_window ();
  fixture->editor = inkan_seal_editor_new (GTK_WINDOW (fixture->window), fixture->store, "admin");
  g_signal_connect (fixture->editor, "seal-created", G_CALLBACK (on_created), fixture);
  gtk_window_present (GTK_WINDOW (fixture->editor));
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->editor), 2);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->editor));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_free (fixture->created_name);
}

/* Types `text` a character at a time, as a keyboard would. */
static void
type (GtkEditable *entry, const char *text)
{
  const char *p;

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = -1;

      gtk_editable_insert_text (entry, p, (int) (g_utf8_next_char (p) - p), &position);
      gtk_editable_set_position (entry, -1);
      inkan_test_app_iterate ();
    }
}

/* The colour and alpha at the texture's (x, y), straight. */
static void
texel (GdkTexture *texture, int x, int y, guint8 out[4])
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) w * h * 4);
  const guint8 *p;

  gdk_texture_download (texture, data, (gsize) w * 4);
  p = data + ((gsize) y * w + x) * 4;
  /* GDK_MEMORY_DEFAULT: B, G, R, A premultiplied on little-endian machines. */
  out[3] = p[3];
  out[0] = p[3] ? (guint8) MIN (255, p[2] * 255 / p[3]) : 0;
  out[1] = p[3] ? (guint8) MIN (255, p[1] * 255 / p[3]) : 0;
  out[2] = p[3] ? (guint8) MIN (255, p[0] * 255 / p[3]) : 0;
}

static void
test_preview (Fixture *fixture, gconstpointer data)
{
  GtkEditable *name = inkan_seal_editor_get_name_entry (fixture->editor);
  guint before = inkan_seal_editor_get_preview_serial (fixture->editor);
  GdkPaintable *preview;
  guint8 centre[4], corner[4];
  g_autofree char *shot = NULL;

  /* Nothing to draw before a name is given. */
  g_assert_null (inkan_seal_editor_get_preview (fixture->editor));
  type (name, "北京市某某科技有限公司");
  g_assert_cmpuint (inkan_seal_editor_get_preview_serial (fixture->editor), >=, before + 11);
  preview = inkan_seal_editor_get_preview (fixture->editor);
  g_assert_true (GDK_IS_TEXTURE (preview));
  /* 42 mm at the preview's 150 dpi. */
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (preview)), ==, 249);
  /* The star's red in the centre, transparency in the corner. */
  texel (GDK_TEXTURE (preview), 124, 124, centre);
  texel (GDK_TEXTURE (preview), 0, 0, corner);
  g_assert_cmpint (centre[3], ==, 255);
  g_assert_cmpint (centre[0], >=, 180);
  g_assert_cmpint (centre[1], <=, 40);
  g_assert_cmpint (corner[3], ==, 0);

  inkan_test_app_wait_frames (GTK_WIDGET (fixture->editor), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->editor), "seal-editor");
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));

  /* Another name, another picture. */
  gtk_editable_set_text (name, "");
  g_assert_null (inkan_seal_editor_get_preview (fixture->editor));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor), "name"));
}

/* Chooses the seal's certificate by its label: the tokens list them in no set order. */
static void
select_certificate (InkanSealEditor *editor, const char *prefix)
{
  GtkDropDown *dropdown = inkan_seal_editor_get_certificate_dropdown (editor);
  GListModel *model = gtk_drop_down_get_model (dropdown);
  guint n = g_list_model_get_n_items (model), chosen = GTK_INVALID_LIST_POSITION;

  /* The test token's signing certificates with a key (clerk, manager, second) are offered;
   * the expired one and the one without signing key usage are not. */
  for (guint i = 0; i < n; i++)
    {
      const char *label = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      g_test_message ("certificate %u: %s", i, label);
      g_assert_false (g_str_has_prefix (label, "expired"));
      g_assert_false (g_str_has_prefix (label, "nousage"));
      if (g_str_has_prefix (label, prefix))
        chosen = i;
    }
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (chosen, !=, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (dropdown, chosen);
}

/* A name for the registry typed, then Create clicked; returns once the PIN dialog is up. */
static InkanPinDialog *
click_create (Fixture *fixture, const char *drawn, const char *registry)
{
  GtkWidget *create = inkan_seal_editor_get_create_button (fixture->editor);
  InkanPinDialog *dialog = NULL;

  type (inkan_seal_editor_get_name_entry (fixture->editor), drawn);
  /* Creating waits for a name in the registry and the token's certificates. */
  g_assert_false (gtk_widget_get_sensitive (create));
  type (inkan_seal_editor_get_registry_name_entry (fixture->editor), registry);
  inkan_test_app_wait_until (gtk_widget_get_sensitive (create));
  select_certificate (fixture->editor, "second — ");
  g_signal_emit_by_name (create, "clicked");
  g_assert_true (inkan_seal_editor_is_creating (fixture->editor));
  g_assert_false (gtk_widget_get_sensitive (create));
  inkan_test_app_wait_until ((dialog = inkan_seal_editor_get_pin_dialog (fixture->editor)) != NULL
                             && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  /* No echo, over the editor. */
  g_assert_true (GTK_IS_PASSWORD_ENTRY (inkan_pin_dialog_get_entry (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog))
                 == GTK_WINDOW (fixture->editor));
  return dialog;
}

/* `pin` typed into the dialog and answered with "apply". */
static void
enter_pin (InkanPinDialog *dialog, const char *pin)
{
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), pin);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
}

static gboolean
seal_listed (const char *store, const char *name)
{
  g_autofree char *out = NULL;
  g_autofree char *line = g_strdup_printf ("%s\t", name);

  g_assert_cmpint (inkan_test_store_cli (store, &out, NULL, "admin", "seal", "list", NULL), ==, 0);
  return strstr (out, line) != NULL;
}

/* The auditor's `inkan-cli audit verify`: the trail's hash chain still holds. */
static void
assert_audit_verifies (const char *store)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = inkan_test_store_cli (store, &out, &err, "auditor", "audit", "verify", NULL);

  g_test_message ("audit verify: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);
}

static void
test_create_and_export (Fixture *fixture, gconstpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *png = inkan_test_tmp_path ("editor-export.png");
  g_autofree char *out = NULL, *shown = NULL, *shot = NULL, *json = NULL;
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *sealed = inkan_test_tmp_path ("editor-sealed.pdf");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  InkanPinDialog *dialog;
  int status = -1;

  dialog = click_create (fixture, "上海某某贸易有限公司", "Drawn Contract");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Drawn Contract"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "Inkan Test"));
  /* Nothing is in the registry while the PIN is asked. */
  g_assert_false (seal_listed (fixture->store, "Drawn Contract"));
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot (GTK_WIDGET (dialog), "seal-editor-pin-dialog");
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot_screen (GTK_WIDGET (dialog), "seal-editor-pin-over-editor");

  /* The export needs no store. */
  g_assert_true (inkan_seal_editor_export (fixture->editor, png, &error));
  g_assert_no_error (error);
  image = inkan_image_load_png (png, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 993);

  enter_pin (dialog, pki->pin);
  inkan_test_app_wait_until (fixture->created == 1);
  g_assert_cmpstr (fixture->created_name, ==, "Drawn Contract");
  g_assert_false (inkan_seal_editor_is_creating (fixture->editor));
  g_test_message ("status: %s", inkan_seal_editor_get_status (fixture->editor));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor),
                            "“Drawn Contract” is in the registry, bound"));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor), "signed by admin."));
  g_assert_null (strstr (inkan_seal_editor_get_status (fixture->editor), "rebind"));
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->editor), "seal-editor-created");

  g_assert_cmpint (inkan_test_store_cli (fixture->store, &out, NULL, "admin", "seal", "list",
                                         NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Drawn Contract\tofficial\tactive"));
  /* The core's word on the binding: a record made by the administrator. */
  g_assert_cmpint (inkan_test_store_cli (fixture->store, &shown, NULL, "admin", "seal", "show",
                                         "Drawn Contract", NULL), ==, 0);
  g_test_message ("%s", shown);
  g_assert_nonnull (strstr (shown, "binding: bound (record "));
  g_assert_nonnull (strstr (shown, "made by admin"));
  assert_audit_verifies (fixture->store);

  /* A document sealed with it carries the record, and the verifier finds the seal bound. */
  g_assert_cmpint (inkan_test_store_cli (fixture->store, NULL, NULL, "admin", "grant", "add",
                                         "Drawn Contract", "--user", "clerk", NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (fixture->store, NULL, NULL, "clerk", "sign", doc, "-o",
                                         sealed, "--seal", "Drawn Contract", "--pin-file",
                                         pki->pin_file, NULL), ==, 0);
  {
    const char *argv[] = { g_getenv ("INKAN_CLI"), "verify", "--json", "--trust", pki->root_pem,
                           sealed, NULL };

    g_assert_nonnull (argv[0]);
    status = inkan_test_run (argv, &json, NULL);
  }
  g_test_message ("%s", json);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (json, "\"seal\":{\"name\":\"Drawn Contract\",\"kind\":\"official\","
                                  "\"maker\":"));
  g_assert_nonnull (strstr (json, "\"bound\":true,\"reason\":null}"));
  g_assert_null (strstr (json, "SEAL_NOT_BOUND"));

  /* Where the application shows a seal's binding: the sealed document's signature details. */
  {
    InkanDocumentView *view;
    InkanSignatureList *list;
    GStrv details; /* the list's own */
    gboolean seal_line = FALSE;

    g_setenv ("INKAN_TRUST", pki->root_pem, TRUE);
    view = inkan_test_app_open (fixture->window, sealed);
    inkan_test_app_wait_until (!inkan_document_view_get_verifying (view));
    list = inkan_document_view_get_signature_list (view);
    g_assert_cmpuint (inkan_signature_list_get_n_rows (list), ==, 1);
    details = inkan_signature_list_get_details (list, 0);
    for (guint i = 0; details[i] != NULL; i++)
      {
        g_test_message ("detail: %s", details[i]);
        seal_line |= g_str_equal (details[i], "Seal: Drawn Contract (official), made by Zhang Min (Second Signatory)");
        g_assert_false (g_str_has_prefix (details[i], "Seal not bound"));
      }
    g_assert_true (seal_line);
    g_unsetenv ("INKAN_TRUST");
  }
}

/* A wrong PIN: the token's sentence in a new dialog, nothing written; dismissing it then leaves
 * the registry as it was, and the editor says so. */
static void
test_wrong_pin (Fixture *fixture, gconstpointer data)
{
  InkanPinDialog *dialog = click_create (fixture, "广州某某有限公司", "Wrong PIN Seal");
  InkanPinDialog *again = NULL;
  g_autofree char *shot = NULL;

  enter_pin (dialog, "000000");
  inkan_test_app_wait_until ((again = inkan_seal_editor_get_pin_dialog (fixture->editor)) != NULL
                             && inkan_pin_dialog_get_error (again) != NULL
                             && gtk_widget_get_mapped (GTK_WIDGET (again)));
  g_test_message ("after a wrong PIN: %s", inkan_pin_dialog_get_error (again));
  g_assert_nonnull (inkan_pin_dialog_get_error (again));
  g_assert_nonnull (strstr (inkan_pin_dialog_get_error (again), "refused the PIN"));
  g_assert_cmpstr (gtk_editable_get_text (inkan_pin_dialog_get_entry (again)), ==, "");
  g_assert_true (inkan_seal_editor_is_creating (fixture->editor));
  g_assert_false (seal_listed (fixture->store, "Wrong PIN Seal"));
  shot = inkan_test_app_screenshot (GTK_WIDGET (again), "seal-editor-wrong-pin");

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (again), "cancel");
  inkan_test_app_wait_until (!inkan_seal_editor_is_creating (fixture->editor));
  g_test_message ("status: %s", inkan_seal_editor_get_status (fixture->editor));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor),
                            "“Wrong PIN Seal” was not created: your token refused the PIN"));
  g_assert_cmpuint (fixture->created, ==, 0);
  g_assert_false (seal_listed (fixture->store, "Wrong PIN Seal"));
  g_assert_true (gtk_widget_get_sensitive (inkan_seal_editor_get_create_button (fixture->editor)));
  assert_audit_verifies (fixture->store);
}

/* The PIN dialog dismissed: nothing is created, the editor keeps the seal for another try, and
 * the next Create with the PIN makes it, bound. */
static void
test_dismissed (Fixture *fixture, gconstpointer data)
{
  InkanPinDialog *dialog = click_create (fixture, "深圳某某有限公司", "Dismissed Seal");
  g_autofree char *shown = NULL;

  /* Escape or the close button: the dialog's close response. */
  gtk_window_close (GTK_WINDOW (dialog));
  inkan_test_app_wait_until (!inkan_seal_editor_is_creating (fixture->editor));
  g_test_message ("status: %s", inkan_seal_editor_get_status (fixture->editor));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor),
                            "“Dismissed Seal” was not created: no PIN was given"));
  g_assert_null (inkan_seal_editor_get_pin_dialog (fixture->editor));
  g_assert_cmpuint (fixture->created, ==, 0);
  g_assert_false (seal_listed (fixture->store, "Dismissed Seal"));
  assert_audit_verifies (fixture->store);

  /* Tried again, with the PIN. */
  g_signal_emit_by_name (inkan_seal_editor_get_create_button (fixture->editor), "clicked");
  inkan_test_app_wait_until ((dialog = inkan_seal_editor_get_pin_dialog (fixture->editor)) != NULL
                             && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  enter_pin (dialog, inkan_test_pki_get ()->pin);
  inkan_test_app_wait_until (fixture->created == 1);
  g_assert_cmpint (inkan_test_store_cli (fixture->store, &shown, NULL, "admin", "seal", "show",
                                         "Dismissed Seal", NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "binding: bound (record "));
  assert_audit_verifies (fixture->store);
}

/* A clerk cannot create seals: the store says so and nothing is created. */
static void
test_clerk_refused (void)
{
  const char *store = store_path;
  InkanWindow *window = inkan_test_app_new_window ();
  InkanSealEditor *editor = inkan_seal_editor_new (GTK_WINDOW (window), store, "clerk");
  GtkWidget *create = inkan_seal_editor_get_create_button (editor);
  g_autofree char *out = NULL;

  gtk_window_present (GTK_WINDOW (editor));
  type (inkan_seal_editor_get_name_entry (editor), "某某");
  type (inkan_seal_editor_get_registry_name_entry (editor), "Sneaky");
  inkan_test_app_wait_until (gtk_widget_get_sensitive (create));
  g_signal_emit_by_name (create, "clicked");
  inkan_test_app_wait_until (gtk_widget_get_sensitive (create));
  g_test_message ("status: %s", inkan_seal_editor_get_status (editor));
  g_assert_null (strstr (inkan_seal_editor_get_status (editor), "is in the registry"));
  g_assert_cmpint (inkan_test_store_cli (store, &out, NULL, "admin", "seal", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "Sneaky"));
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An administrator whose registered certificate is on no present token: no PIN is asked,
 * nothing is created, and the editor says to plug the token in. */
static void
test_no_token (void)
{
  const char *store = store_path;
  InkanWindow *window = inkan_test_app_new_window ();
  InkanSealEditor *editor = inkan_seal_editor_new (GTK_WINDOW (window), store, "admin2");
  GtkWidget *create = inkan_seal_editor_get_create_button (editor);

  gtk_window_present (GTK_WINDOW (editor));
  type (inkan_seal_editor_get_name_entry (editor), "某某");
  type (inkan_seal_editor_get_registry_name_entry (editor), "Tokenless");
  inkan_test_app_wait_until (gtk_widget_get_sensitive (create));
  g_signal_emit_by_name (create, "clicked");
  inkan_test_app_wait_until (!inkan_seal_editor_is_creating (editor));
  g_test_message ("status: %s", inkan_seal_editor_get_status (editor));
  g_assert_null (inkan_seal_editor_get_pin_dialog (editor));
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (editor),
                            "“Tokenless” was not created: No token present holds the certificate "
                            "registered for admin2"));
  g_assert_false (seal_listed (store, "Tokenless"));
  assert_audit_verifies (store);
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The token, the store and the user, before the application reads them. */
  inkan_test_pki_get ();
  store_path = inkan_test_store_make ("app-seal-editor");
  /* A second administrator whose certificate (the test root's) has no key on any token. */
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "user", "add", "admin2",
                                         "--role", "admin", "--cert", inkan_test_pki_get ()->root_pem,
                                         NULL), ==, 0);
  g_setenv ("INKAN_DB", store_path, TRUE);
  g_setenv ("INKAN_USER", "admin", TRUE);
  g_unsetenv ("INKAN_NOW");

  gtk_init ();
  g_test_add ("/inkan/app/seal-editor/preview", Fixture, NULL, fixture_set_up, test_preview,
              fixture_tear_down);
  g_test_add ("/inkan/app/seal-editor/create-and-export", Fixture, NULL, fixture_set_up,
              test_create_and_export, fixture_tear_down);
  g_test_add ("/inkan/app/seal-editor/wrong-pin", Fixture, NULL, fixture_set_up, test_wrong_pin,
              fixture_tear_down);
  g_test_add ("/inkan/app/seal-editor/dismissed", Fixture, NULL, fixture_set_up, test_dismissed,
              fixture_tear_down);
  g_test_add_func ("/inkan/app/seal-editor/clerk-refused", test_clerk_refused);
  g_test_add_func ("/inkan/app/seal-editor/no-token", test_no_token);
  return inkan_test_app_run ();
}
