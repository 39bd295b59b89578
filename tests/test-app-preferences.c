/* GUI tests of Preferences under Xvfb: the timestamp authority setting, and a seal applied through
 * the app against the test's TSA, judged by the core verifier. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "inkan-document-view.h"
#include "inkan-preferences-window.h"
#include "inkan-seal-flow.h"
#include "inkan-test-app.h"
#include "inkan-test-store.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-trust.h"
#include "inkan-verify.h"

static char *store_path;

static InkanPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (INKAN_IS_PREFERENCES_WINDOW (window))
        return INKAN_PREFERENCES_WINDOW (window);
    }
  return NULL;
}

/* app.preferences (Ctrl+,) opens the window; the entry and the switch write the settings. */
static void
test_window (void)
{
  InkanApplication *app = inkan_test_app_get ();
  InkanWindow *window = inkan_test_app_new_window ();
  g_autoptr (GSettings) settings = g_settings_new ("org.inkan.Inkan");
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                 "app.preferences");
  InkanPreferencesWindow *prefs;
  GtkWidget *entry, *optional;
  g_autofree char *url = NULL, *shot = NULL;

  g_assert_true (g_strv_contains ((const char *const *) accels, "<Control>comma"));
  g_assert_null (find_preferences ());
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (prefs)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (prefs)) == GTK_WINDOW (window));

  entry = inkan_preferences_window_get_tsa_entry (prefs);
  optional = inkan_preferences_window_get_tsa_optional (prefs);
  g_assert_true (gtk_widget_get_sensitive (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  /* Off unless asked for: a TSA that is down stops sealing. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (optional)));

  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://tsa.example");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "http://tsa.example/tsr");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  url = g_settings_get_string (settings, "tsa-url");
  g_assert_cmpstr (url, ==, "http://tsa.example/tsr");
  gtk_switch_set_active (GTK_SWITCH (optional), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "tsa-optional"));
  inkan_test_app_wait_frames (GTK_WIDGET (prefs), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (prefs), "preferences");
  g_test_message ("screenshot: %s", shot);

  gtk_switch_set_active (GTK_SWITCH (optional), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "tsa-optional"));
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "tsa-url");
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
}

/* A copy of a sample in its own folder, so that the sealed copy lands beside it. */
static char *
sample_copy (const char *name)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *contents = NULL;
  g_autofree char *relative = g_strdup_printf ("docs-%s/%s.pdf", name, name);
  char *path = inkan_test_tmp_path (relative);
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  return path;
}

/* Seals a copy of the sample with the Official seal through the app's flow, as the clerk; returns
 * the flow once it is over. */
static InkanSealFlow *
seal_through_app (InkanWindow *window, const char *name)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *path = sample_copy (name);
  InkanDocumentView *view = inkan_test_app_open (window, path);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  const InkanRect rect = { 380, 60, 150, 150 };
  g_autoptr (GFile) proposed = NULL;
  InkanSealItem *item;
  InkanSealFlow *flow;
  InkanPinDialog *dialog;

  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && (inkan_seal_palette_get_n_items (palette) > 0
                                 || inkan_seal_palette_get_message (palette) != NULL));
  item = inkan_seal_palette_find_item (palette, "Official");
  g_assert_nonnull (item);
  flow = inkan_seal_flow_new (GTK_WINDOW (window), store_path, "clerk", path, item, 1, &rect);
  inkan_seal_flow_apply (flow);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_CHOOSING_OUTPUT);
  proposed = inkan_seal_flow_get_proposed_output (flow);
  inkan_seal_flow_choose_output (flow, proposed);
  dialog = inkan_seal_flow_get_pin_dialog (flow);
  g_assert_nonnull (dialog);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), pki->pin);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  inkan_test_app_wait_until (inkan_seal_flow_get_state (flow) != INKAN_SEAL_FLOW_SIGNING);
  g_test_message ("flow ended in %d: %s", inkan_seal_flow_get_state (flow),
                  inkan_seal_flow_get_error (flow) != NULL ? inkan_seal_flow_get_error (flow)
                                                           : "no error");
  return flow;
}

static InkanReport *
verify (GFile *file)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  InkanVerifyOptions options = { 0 };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, NULL));
  options.trust = trust;
  report = inkan_verify_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  return report;
}

/* The TSA of the settings timestamps the app's seal; down, sealing stops (no output) unless the
 * switch says to seal without a timestamp. */
static void
test_seal_timestamped (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("org.inkan.Inkan");
  InkanWindow *window = inkan_test_app_new_window ();
  InkanTestTsa *server = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autofree char *down = inkan_test_tsa_down_url ();
  g_autoptr (InkanSealFlow) stamped = NULL;
  g_autoptr (InkanSealFlow) refused = NULL;
  g_autoptr (InkanSealFlow) plain = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (InkanReport) plain_report = NULL;
  g_autofree char *refused_path = NULL;
  const InkanSignatureReport *sig;

  g_settings_set_string (settings, "tsa-url", inkan_test_tsa_get_url (server));
  stamped = seal_through_app (window, "prefs-stamped");
  g_assert_cmpint (inkan_seal_flow_get_state (stamped), ==, INKAN_SEAL_FLOW_DONE);
  g_assert_nonnull (strstr (inkan_window_get_last_toast (window), "is valid"));
  g_assert_cmpuint (inkan_test_tsa_get_requests (server), >=, 1);
  report = verify (inkan_seal_flow_get_output (stamped));
  sig = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_nonnull (sig->timestamp);
  g_assert_true (sig->timestamp->valid);
  g_assert_cmpstr (sig->timestamp->tsa, ==, "Inkan Test TSA");
  inkan_test_tsa_stop (server);

  g_settings_set_string (settings, "tsa-url", down);
  refused = seal_through_app (window, "prefs-refused");
  g_assert_cmpint (inkan_seal_flow_get_state (refused), ==, INKAN_SEAL_FLOW_FAILED);
  g_assert_nonnull (strstr (inkan_seal_flow_get_error (refused), "cannot be reached"));
  refused_path = inkan_test_tmp_path ("docs-prefs-refused/prefs-refused-sealed.pdf");
  g_assert_false (g_file_test (refused_path, G_FILE_TEST_EXISTS));

  g_settings_set_boolean (settings, "tsa-optional", TRUE);
  plain = seal_through_app (window, "prefs-plain");
  g_assert_cmpint (inkan_seal_flow_get_state (plain), ==, INKAN_SEAL_FLOW_DONE);
  g_assert_nonnull (strstr (inkan_window_get_last_toast (window), "without a timestamp"));
  plain_report = verify (inkan_seal_flow_get_output (plain));
  sig = g_ptr_array_index (plain_report->signatures, 0);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_null (sig->timestamp);

  g_settings_reset (settings, "tsa-url");
  g_settings_reset (settings, "tsa-optional");
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
}

int
main (int argc, char *argv[])
{
  InkanTestPki *pki;
  g_autofree char *schemas = NULL;

  g_test_init (&argc, &argv, NULL);

  /* The schema compiled in the build tree, so that the settings exist (memory backend). */
  schemas = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
  pki = inkan_test_pki_get ();
  store_path = inkan_test_store_make ("app-preferences");
  g_setenv ("INKAN_DB", store_path, TRUE);
  g_setenv ("INKAN_USER", "clerk", TRUE);
  g_setenv ("INKAN_TRUST", pki->root_pem, TRUE);
  g_unsetenv ("INKAN_NOW");

  gtk_init ();
  adw_init ();

  g_test_add_func ("/inkan/app/preferences/window", test_window);
  g_test_add_func ("/inkan/app/preferences/seal-timestamped", test_seal_timestamped);

  return inkan_test_app_run ();
}
