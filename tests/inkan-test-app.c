/* GUI test helpers: the real application and window under Xvfb, waiting, screenshots. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "inkan-test-app.h"

InkanApplication *
inkan_test_app_get (void)
{
  static InkanApplication *application;

  if (application == NULL)
    {
      g_autoptr (GError) error = NULL;

      application = inkan_application_new ();
      /* Registering runs startup; a fresh session bus per test run keeps it the primary. */
      g_application_register (G_APPLICATION (application), NULL, &error);
      g_assert_no_error (error);
      g_assert_false (g_application_get_is_remote (G_APPLICATION (application)));
      /* Windows keep the application alive; the test process ends it. */
      g_application_hold (G_APPLICATION (application));
    }
  return application;
}

static gboolean
wake (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

int
inkan_test_app_run (void)
{
  int status = g_test_run ();

  inkan_validity_wait_for_workers ();
  return status;
}

void
inkan_test_app_iterate (void)
{
  gboolean woken = FALSE;
  guint id = g_timeout_add (10, wake, &woken);

  g_main_context_iteration (NULL, TRUE);
  if (!woken)
    g_source_remove (id);
}

InkanWindow *
inkan_test_app_new_window (void)
{
  InkanWindow *window = inkan_window_new (inkan_test_app_get ());

  gtk_window_present (GTK_WINDOW (window));
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));
  inkan_test_app_wait_frames (GTK_WIDGET (window), 2);
  return window;
}

static void
count_frame (GdkFrameClock *clock,
             guint         *count)
{
  (*count)++;
}

void
inkan_test_app_wait_frames (GtkWidget *widget,
                            guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint count = 0;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame), &count);
  /* A frame is only painted when something asks for one. */
  while (count < n && g_get_monotonic_time () < end)
    {
      gtk_widget_queue_draw (widget);
      inkan_test_app_iterate ();
    }
  g_signal_handler_disconnect (clock, id);
  g_assert_cmpuint (count, >=, n);
}

static void
document_opened (InkanWindow       *window,
                 InkanDocumentView *view,
                 InkanDocumentView **out)
{
  *out = view;
}

InkanDocumentView *
inkan_test_app_open (InkanWindow *window,
                     const char  *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  InkanDocumentView *view = NULL;
  gulong id = g_signal_connect (window, "document-opened", G_CALLBACK (document_opened), &view);

  inkan_window_open (window, file);
  inkan_test_app_wait_until (view != NULL);
  g_signal_handler_disconnect (window, id);
  return view;
}

/* The widget's render node as it would be drawn now, or NULL when it has none yet. */
static GskRenderNode *
snapshot_widget (GtkWidget *widget,
                 int        width,
                 int        height)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

/* build/tests/screenshots/NAME.png, its folder made. */
static char *
screenshot_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL
                                             ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_build_filename (dir, file, NULL);
}

char *
inkan_test_app_screenshot (GtkWidget  *widget,
                           const char *name)
{
  char *path = screenshot_path (name);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = 0, height = 0;
  GStatBuf st;

  /* A widget has no render node before it has been drawn once since its last change: under
   * load the frame that draws it may not have come yet. Wait for drawn frames, not time. */
  for (guint attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      inkan_test_app_wait_frames (widget, 1);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      if (width > 0 && height > 0)
        node = snapshot_widget (widget, width, height);
    }
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  g_test_message ("screenshot: %s", path);
  return path;
}

char *
inkan_test_app_screenshot_screen (GtkWidget  *widget,
                                  const char *name)
{
  char *path = screenshot_path (name);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autofree char *err = NULL;
  int status = -1;
  GStatBuf st;

  /* What is on screen is what the X server has been sent: let the last frames reach it. */
  inkan_test_app_wait_frames (widget, 2);
  gdk_display_sync (gtk_widget_get_display (widget));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                                 | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status,
                               NULL));
  if (status != 0)
    g_test_message ("import: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  g_test_message ("screenshot of the screen: %s", path);
  return path;
}
