/* GUI tests of the seal editor: the real window under Xvfb; a name typed into it redraws the
 * preview, the seal is created in a real store with a key on a SoftHSM token made by the test,
 * and the PNG it exports is a seal image the signing code accepts. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

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
} Fixture;

static void
on_created (InkanSealEditor *editor, const char *name, Fixture *fixture)
{
  g_assert_cmpstr (name, ==, "Drawn Contract");
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

static void
test_create_and_export (Fixture *fixture, gconstpointer data)
{
  GtkWidget *create = inkan_seal_editor_get_create_button (fixture->editor);
  g_autofree char *png = inkan_test_tmp_path ("editor-export.png");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;

  type (inkan_seal_editor_get_name_entry (fixture->editor), "上海某某贸易有限公司");
  /* Creating waits for a name in the registry and the token's certificates. */
  g_assert_false (gtk_widget_get_sensitive (create));
  type (inkan_seal_editor_get_registry_name_entry (fixture->editor), "Drawn Contract");
  inkan_test_app_wait_until (gtk_widget_get_sensitive (create));

  g_assert_true (inkan_seal_editor_export (fixture->editor, png, &error));
  g_assert_no_error (error);
  image = inkan_image_load_png (png, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 993);

  g_signal_emit_by_name (create, "clicked");
  inkan_test_app_wait_until (fixture->created == 1);
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor), "Drawn Contract"));
  /* It has no seal record yet, and the editor says how to make one. */
  g_assert_nonnull (strstr (inkan_seal_editor_get_status (fixture->editor),
                            "seal rebind Drawn Contract"));
  g_assert_cmpint (inkan_test_store_cli (fixture->store, &out, NULL, "admin", "seal", "list",
                                         NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Drawn Contract\tofficial\tactive"));
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The token, the store and the user, before the application reads them. */
  inkan_test_pki_get ();
  store_path = inkan_test_store_make ("app-seal-editor");
  g_setenv ("INKAN_DB", store_path, TRUE);
  g_setenv ("INKAN_USER", "admin", TRUE);
  g_unsetenv ("INKAN_NOW");

  gtk_init ();
  g_test_add ("/inkan/app/seal-editor/preview", Fixture, NULL, fixture_set_up, test_preview,
              fixture_tear_down);
  g_test_add ("/inkan/app/seal-editor/create-and-export", Fixture, NULL, fixture_set_up,
              test_create_and_export, fixture_tear_down);
  g_test_add_func ("/inkan/app/seal-editor/clerk-refused", test_clerk_refused);
  return g_test_run ();
}
