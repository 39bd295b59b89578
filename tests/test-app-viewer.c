/* GUI tests of the document viewer: the real window under Xvfb opens, shows and zooms PDFs. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "inkan-page-view.h"
#include "inkan-renderer.h"
#include "inkan-test-app.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-util.h"

typedef struct
{
  InkanWindow *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = inkan_test_app_new_window ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Let the closed window's renders come back and be released. */
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
}

static int
n_tabs (Fixture *fixture)
{
  return adw_tab_view_get_n_pages (inkan_window_get_tab_view (fixture->window));
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0 &&
      gtk_widget_is_drawable (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* win.* actions live in the widget's private action muxer: what a user sees of their enabled
 * state is the sensitivity of the header bar button bound to them. */
static gboolean
action_enabled (Fixture    *fixture,
                const char *name)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (fixture->window), name);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL));
}

static InkanPageView *
current_page_view (Fixture *fixture)
{
  InkanDocumentView *view = inkan_window_get_current_view (fixture->window);

  g_assert_nonnull (view);
  return inkan_document_view_get_page_view (view);
}

/* Waits until page `page` of the current view is drawn from a finished render. */
static void
wait_rendered (Fixture *fixture,
               int      page)
{
  InkanPageView *view = current_page_view (fixture);
  guint textures = 0;

  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (view, page));
  inkan_test_app_wait_frames (GTK_WIDGET (view), 1);
  inkan_page_view_get_draw_stats (view, &textures, NULL, NULL);
  g_assert_cmpuint (textures, >, 0);
}

static void
test_empty_window (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *shot = NULL;

  g_assert_cmpint (n_tabs (fixture), ==, 0);
  g_assert_null (inkan_window_get_current_view (fixture->window));
  g_assert_false (action_enabled (fixture, "win.zoom-in"));
  g_assert_false (action_enabled (fixture, "win.toggle-sidebar"));
  g_assert_true (action_enabled (fixture, "win.open"));
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-empty-window");
}

static void
test_open_document (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *pdf = inkan_test_make_pdf ("many-pages");
  g_autofree char *shot = NULL;
  g_autofree char *uri = NULL;
  InkanDocumentView *view = inkan_test_app_open (fixture->window, pdf);
  InkanDocument *document = inkan_document_view_get_document (view);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  g_autoptr (GFile) file = g_file_new_for_path (pdf);

  g_assert_cmpint (n_tabs (fixture), ==, 1);
  g_assert_true (inkan_window_get_current_view (fixture->window) == view);
  g_assert_cmpint (inkan_document_get_n_pages (document), ==, 20);
  g_assert_cmpstr (inkan_document_get_path (document), ==, pdf);
  g_assert_cmpstr (inkan_document_view_get_title (view), ==, "sample-many-pages.pdf");
  g_assert_true (inkan_page_view_get_document (page_view) == document);
  g_assert_true (poppler_document_get_n_pages (inkan_document_get_poppler (document)) == 20);
  g_assert_true (action_enabled (fixture, "win.zoom-in"));
  g_assert_true (action_enabled (fixture, "win.toggle-sidebar"));

  /* The first page is rendered and drawn, then its neighbour below (prefetched). */
  wait_rendered (fixture, 0);
  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (page_view, 1));
  g_assert_cmpuint (inkan_renderer_get_cached_bytes (inkan_renderer_get_default ()), <=,
                    inkan_renderer_get_budget (inkan_renderer_get_default ()));
  g_assert_cmpint (inkan_page_view_get_current_page (page_view), ==, 0);

  /* The file is in the recent files. */
  uri = g_file_get_uri (file);
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-document-open");

  /* Scrolling to the last page renders it. */
  inkan_page_view_scroll_to_page (page_view, 19);
  inkan_test_app_wait_until (inkan_page_view_get_current_page (page_view) >= 18);
  wait_rendered (fixture, 19);
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-last-page");
}

static void
test_tabs (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *one = inkan_test_make_pdf ("one-page");
  g_autofree char *many = inkan_test_make_pdf ("many-pages");
  g_autofree char *shot = NULL;
  g_autoptr (GFile) one_file = g_file_new_for_path (one);
  InkanDocumentView *first = inkan_test_app_open (fixture->window, one);
  InkanDocumentView *second = inkan_test_app_open (fixture->window, many);

  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_true (inkan_window_get_current_view (fixture->window) == second);
  wait_rendered (fixture, 0);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-two-tabs");

  /* Opening a document that is open already selects its tab. */
  inkan_window_open (fixture->window, one_file);
  g_assert_cmpint (n_tabs (fixture), ==, 2);
  g_assert_true (inkan_window_get_current_view (fixture->window) == first);

  activate (fixture, "win.close-tab");
  inkan_test_app_wait_until (n_tabs (fixture) == 1);
  g_assert_true (inkan_window_get_current_view (fixture->window) == second);
  activate (fixture, "win.close-tab");
  inkan_test_app_wait_until (n_tabs (fixture) == 0);
  g_assert_false (action_enabled (fixture, "win.zoom-in"));
}

static void
test_zoom (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *pdf = inkan_test_make_pdf ("many-pages");
  g_autofree char *shot = NULL;
  InkanPageView *view;
  graphene_rect_t rect;
  double fit, w, h;

  inkan_test_app_open (fixture->window, pdf);
  view = current_page_view (fixture);
  wait_rendered (fixture, 0);

  /* Fit width: the A4 page fills the viewport's width less the margins. */
  g_assert_cmpint (inkan_page_view_get_zoom_mode (view), ==, INKAN_ZOOM_MODE_FIT_WIDTH);
  fit = inkan_page_view_get_scale (view);
  g_assert_cmpfloat_with_epsilon (fit, (gtk_widget_get_width (GTK_WIDGET (view)) - 32) / 595.276,
                                  1e-3);

  activate (fixture, "win.zoom-in");
  g_assert_cmpfloat_with_epsilon (inkan_page_view_get_scale (view), fit * 1.2, 1e-9);
  g_assert_cmpint (inkan_page_view_get_zoom_mode (view), ==, INKAN_ZOOM_MODE_FREE);
  activate (fixture, "win.zoom-out");
  activate (fixture, "win.zoom-out");
  g_assert_cmpfloat_with_epsilon (inkan_page_view_get_scale (view), fit / 1.2, 1e-9);

  activate (fixture, "win.zoom-reset");
  g_assert_cmpfloat_with_epsilon (inkan_page_view_get_scale (view), 1.0, 1e-9);
  wait_rendered (fixture, 0);
  inkan_page_view_get_page_rect (view, 0, &rect);
  g_assert_cmpfloat_with_epsilon (rect.size.width, 595.276, 1e-3);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-zoom-100");

  /* Fit page: the whole page is inside the viewport. */
  activate (fixture, "win.fit-page");
  inkan_test_app_wait_until (inkan_page_view_get_zoom_mode (view) == INKAN_ZOOM_MODE_FIT_PAGE
                             && inkan_page_view_get_scale (view) < fit);
  inkan_test_app_wait_frames (GTK_WIDGET (view), 1);
  inkan_document_get_page_size (inkan_page_view_get_document (view), 0, &w, &h);
  g_assert_cmpfloat (h * inkan_page_view_get_scale (view), <=,
                     gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_cmpfloat (w * inkan_page_view_get_scale (view), <=,
                     gtk_widget_get_width (GTK_WIDGET (view)));
  wait_rendered (fixture, 0);
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-fit-page");

  activate (fixture, "win.fit-width");
  inkan_test_app_wait_until (fabs (inkan_page_view_get_scale (view) - fit) < 1e-6);

  /* Zoom is clamped. */
  for (int i = 0; i < 30; i++)
    inkan_page_view_zoom_in (view);
  g_assert_cmpfloat (inkan_page_view_get_scale (view), ==, INKAN_PAGE_VIEW_MAX_SCALE);
  for (int i = 0; i < 40; i++)
    inkan_page_view_zoom_out (view);
  g_assert_cmpfloat (inkan_page_view_get_scale (view), ==, INKAN_PAGE_VIEW_MIN_SCALE);
}

static void
layout_changed (InkanPageView *view,
                guint         *count)
{
  (*count)++;
}

/* Grey level (0–255) of the pixel at (x, y) of a native-endian ARGB32 buffer. */
static double
grey_at (const guchar *data,
         gsize         stride,
         int           x,
         int           y)
{
  guint32 pixel = *(const guint32 *) (data + (gsize) y * stride + (gsize) x * 4);

  return 0.299 * ((pixel >> 16) & 0xff) + 0.587 * ((pixel >> 8) & 0xff) + 0.114 * (pixel & 0xff);
}

/* At the largest zoom a whole page is more pixels than the renderer makes: the part on screen
 * must still be drawn at full resolution (a detail over the magnified page), not blurred. The
 * view's pixels are compared with poppler's rendering of the same area at the same scale. */
static void
test_high_zoom (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *shot = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  PopplerPage *page;
  InkanPageView *view;
  GtkAdjustment *hadj, *vadj;
  graphene_rect_t rect;
  cairo_surface_t *surface;
  cairo_t *cr;
  double x, y, sum = 0, worst = 0;
  guint inked = 0;
  int width, height;

  inkan_test_app_open (fixture->window, pdf);
  view = current_page_view (fixture);
  wait_rendered (fixture, 0);

  /* The title, "Service agreement", at 800 % in the view's top-left corner. */
  inkan_page_view_set_scale (view, INKAN_PAGE_VIEW_MAX_SCALE);
  hadj = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  inkan_page_view_page_to_view (view, 0, 64, 60, &x, &y);
  gtk_adjustment_set_value (hadj, round (gtk_adjustment_get_value (hadj) + x));
  gtk_adjustment_set_value (vadj, round (gtk_adjustment_get_value (vadj) + y));
  inkan_test_app_wait_until (inkan_page_view_is_page_sharp (view, 0));
  shot = inkan_test_app_screenshot (GTK_WIDGET (view), "viewer-zoom-800");

  texture = gdk_texture_new_from_filename (shot, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  inkan_page_view_get_page_rect (view, 0, &rect);
  cairo_translate (cr, rect.origin.x, rect.origin.y);
  cairo_scale (cr, INKAN_PAGE_VIEW_MAX_SCALE, INKAN_PAGE_VIEW_MAX_SCALE);
  page = poppler_document_get_page (
    inkan_document_get_poppler (inkan_page_view_get_document (view)), 0);
  poppler_page_render (page, cr);
  g_object_unref (page);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Over the pixels where either image has ink: the glyphs' edges match, within a pixel's
   * rounding of the page's size. A page magnified 1.9 × differs by tens of grey levels. */
  for (int py = 0; py < height; py++)
    for (int px = 0; px < width; px++)
      {
        double a = grey_at (pixels, (gsize) width * 4, px, py);
        double b = grey_at (cairo_image_surface_get_data (surface),
                            cairo_image_surface_get_stride (surface), px, py);

        if (a > 250 && b > 250)
          continue;
        inked++;
        sum += fabs (a - b);
        worst = MAX (worst, fabs (a - b));
      }
  cairo_surface_destroy (surface);
  g_test_message ("high zoom: %u inked pixels, mean difference %.2f, worst %.0f grey levels",
                  inked, sum / MAX (inked, 1), worst);
  /* The title's glyphs fill a good part of the view. */
  g_assert_cmpuint (inked, >, (guint) (width * height / 50));
  g_assert_cmpfloat (sum / inked, <, 8.0);
}

/* The stamp helper's contract: view ↔ page coordinates and the overlay layer. */
static void
test_coordinates (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *rotated = inkan_test_write_pdf ("rotated-90.pdf",
                                                   "/MediaBox [0 0 600 800] /Rotate 90", FALSE);
  g_autofree char *shot = NULL;
  InkanPageView *view;
  g_autoptr (GtkWidget) marker = g_object_ref_sink (gtk_label_new ("marker"));
  graphene_rect_t rect, bounds;
  const double scales[] = { 0.5, 1.0, 1.7, 3.0 };
  guint changes = 0;
  double w, h, x, y, px, py;
  int page;

  inkan_test_app_open (fixture->window, rotated);
  view = current_page_view (fixture);
  wait_rendered (fixture, 0);

  /* Poppler shows a /Rotate 90 page of 600 × 800 as 800 wide, 600 high. */
  inkan_document_get_page_size (inkan_page_view_get_document (view), 0, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 800, 1e-6);
  g_assert_cmpfloat_with_epsilon (h, 600, 1e-6);

  g_signal_connect (view, "layout-changed", G_CALLBACK (layout_changed), &changes);
  gtk_widget_add_css_class (marker, "inkan-test-marker");
  inkan_page_view_add_overlay (view, marker, 0, 100, 50, 200, 100);

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      guint before = changes;

      inkan_page_view_set_scale (view, scales[i]);
      g_assert_cmpfloat (inkan_page_view_get_scale (view), ==, scales[i]);
      g_assert_cmpuint (changes, >, before);
      inkan_test_app_wait_frames (GTK_WIDGET (view), 1);

      /* The round trip, inside the page. */
      inkan_page_view_page_to_view (view, 0, 123.5, 456.25, &x, &y);
      g_assert_true (inkan_page_view_view_to_page (view, x, y, &page, &px, &py));
      g_assert_cmpint (page, ==, 0);
      g_assert_cmpfloat_with_epsilon (px, 123.5, 1e-9);
      g_assert_cmpfloat_with_epsilon (py, 456.25, 1e-9);

      /* The page's top-left corner is its rectangle's origin; one point is `scale` pixels. */
      inkan_page_view_get_page_rect (view, 0, &rect);
      inkan_page_view_page_to_view (view, 0, 0, 0, &x, &y);
      g_assert_cmpfloat_with_epsilon (x, rect.origin.x, 1e-9);
      g_assert_cmpfloat_with_epsilon (y, rect.origin.y, 1e-9);
      g_assert_cmpfloat_with_epsilon (rect.size.width, 800 * scales[i], 1e-6);

      /* Off the page: FALSE, clamped to the nearest point of it. */
      g_assert_false (inkan_page_view_view_to_page (view, rect.origin.x - 5, rect.origin.y + 10,
                                                    &page, &px, &py));
      g_assert_cmpfloat (px, ==, 0);

      /* The overlay child sits on its page rectangle. */
      g_assert_true (gtk_widget_compute_bounds (marker, GTK_WIDGET (view), &bounds));
      g_assert_cmpfloat (fabs (bounds.origin.x - (rect.origin.x + 100 * scales[i])), <=, 1);
      g_assert_cmpfloat (fabs (bounds.origin.y - (rect.origin.y + 50 * scales[i])), <=, 1);
      g_assert_cmpfloat (fabs (bounds.size.width - 200 * scales[i]), <=, 1);
      g_assert_cmpfloat (fabs (bounds.size.height - 100 * scales[i]), <=, 1);
    }

  /* Scrolling moves the page and the overlay with it, and says so. */
  {
    GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
    guint before = changes;
    graphene_rect_t moved;

    inkan_page_view_get_page_rect (view, 0, &rect);
    gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) + 40);
    g_assert_cmpuint (changes, >, before);
    inkan_page_view_get_page_rect (view, 0, &moved);
    g_assert_cmpfloat_with_epsilon (moved.origin.y, rect.origin.y - 40, 1e-9);
    inkan_test_app_wait_frames (GTK_WIDGET (view), 1);
    g_assert_true (gtk_widget_compute_bounds (marker, GTK_WIDGET (view), &bounds));
    g_assert_cmpfloat (fabs (bounds.origin.y - (moved.origin.y + 50 * 3.0)), <=, 1);
  }

  /* Shown at 100 %, the overlay child half-transparent red over the rotated page. */
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_data (css, ".inkan-test-marker { background: rgba(208, 28, 28, 0.5); }",
                                     -1);
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    inkan_page_view_set_scale (view, 0.75);
    wait_rendered (fixture, 0);
    shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-rotated-overlay");
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                   GTK_STYLE_PROVIDER (css));
  }
  inkan_page_view_remove_overlay (view, marker);
  g_assert_null (gtk_widget_get_parent (marker));
}

static void
open_failed (InkanWindow *window,
             GFile       *file,
             GError      *error,
             GError     **out)
{
  g_clear_error (out);
  *out = g_error_copy (error);
}

static void
expect_refusal (Fixture    *fixture,
                const char *path,
                int         code,
                const char *words)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  gulong id = g_signal_connect (fixture->window, "open-failed", G_CALLBACK (open_failed), &error);
  g_autofree char *base = g_path_get_basename (path);
  const char *toast;

  inkan_window_open (fixture->window, file);
  inkan_test_app_wait_until (error != NULL);
  g_signal_handler_disconnect (fixture->window, id);
  g_assert_error (error, INKAN_DOCUMENT_ERROR, code);
  inkan_test_app_wait_until (n_tabs (fixture) == 0);
  toast = inkan_window_get_last_toast (fixture->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (toast, ==, error->message);
  g_assert_nonnull (strstr (toast, base));
  g_assert_nonnull (strstr (toast, words));
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *garbage = inkan_test_tmp_path ("garbage.pdf");
  g_autofree char *truncated = inkan_test_tmp_path ("truncated.pdf");
  g_autofree char *encrypted = inkan_test_tmp_path ("encrypted.pdf");
  g_autofree char *missing = inkan_test_tmp_path ("missing.pdf");
  g_autofree char *sample = inkan_test_make_pdf ("one-page");
  g_autofree char *contents = NULL;
  g_autofree char *shot = NULL;
  gsize length;
  const char *qpdf[] = { "qpdf", "--encrypt", "user", "owner", "256", "--", sample, encrypted,
                         NULL };

  g_assert_true (g_file_set_contents (garbage, "This is not a PDF at all.\n", -1, NULL));
  g_assert_true (g_file_get_contents (sample, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, 40, NULL));
  g_assert_cmpint (inkan_test_run (qpdf, NULL, NULL), ==, 0);

  expect_refusal (fixture, garbage, INKAN_DOCUMENT_ERROR_DAMAGED, "damaged");
  inkan_test_app_wait_frames (GTK_WIDGET (fixture->window), 3);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "viewer-damaged-toast");
  expect_refusal (fixture, truncated, INKAN_DOCUMENT_ERROR_DAMAGED, "damaged");
  expect_refusal (fixture, encrypted, INKAN_DOCUMENT_ERROR_ENCRYPTED, "password");
  expect_refusal (fixture, missing, INKAN_DOCUMENT_ERROR_NOT_FOUND, "could not be opened");

  /* The window still works after refusals. */
  inkan_test_app_open (fixture->window, sample);
  g_assert_cmpint (n_tabs (fixture), ==, 1);
  wait_rendered (fixture, 0);
}

/* The three other ways in: the command line (GApplication::open), a drop, the recent menu. */
static void
test_open_paths (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *one = inkan_test_make_pdf ("one-page");
  g_autofree char *many = inkan_test_make_pdf ("many-pages");
  g_autofree char *form = inkan_test_make_pdf ("form");
  g_autoptr (GFile) one_file = g_file_new_for_path (one);
  g_autoptr (GFile) many_file = g_file_new_for_path (many);
  g_autoptr (GFile) form_file = g_file_new_for_path (form);
  g_autofree char *form_uri = g_file_get_uri (form_file);
  GtkDropTarget *target = NULL;
  g_autoptr (GListModel) controllers = NULL;
  GValue value = G_VALUE_INIT;
  GSList *files = NULL;
  gboolean dropped = FALSE;

  gtk_window_present (GTK_WINDOW (fixture->window));
  inkan_test_app_wait_until (gtk_window_is_active (GTK_WINDOW (fixture->window)) ||
                             gtk_application_get_active_window (
                               GTK_APPLICATION (inkan_test_app_get ())) ==
                               GTK_WINDOW (fixture->window));
  {
    GFile *argv_files[] = { one_file };

    /* What `inkan FILE.pdf` does once the command line is parsed. */
    g_application_open (G_APPLICATION (inkan_test_app_get ()), argv_files, 1, "");
  }
  inkan_test_app_wait_until (n_tabs (fixture) == 1 &&
                             inkan_document_view_get_document (
                               inkan_window_get_current_view (fixture->window)) != NULL);

  /* A file list dropped on the window, through the window's own drop target. */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  files = g_slist_append (files, many_file);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  g_slist_free (files);
  g_assert_true (dropped);
  inkan_test_app_wait_until (n_tabs (fixture) == 2 &&
                             inkan_document_view_get_document (
                               inkan_window_get_current_view (fixture->window)) != NULL);

  /* The recent menu's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-recent",
                                             "s", form_uri));
  inkan_test_app_wait_until (n_tabs (fixture) == 3 &&
                             inkan_document_view_get_document (
                               inkan_window_get_current_view (fixture->window)) != NULL);
  g_assert_cmpstr (inkan_document_view_get_title (inkan_window_get_current_view (fixture->window)),
                   ==, "sample-form.pdf");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/inkan/app/viewer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("empty-window", test_empty_window);
  ADD ("open-document", test_open_document);
  ADD ("tabs", test_tabs);
  ADD ("zoom", test_zoom);
  ADD ("high-zoom", test_high_zoom);
  ADD ("coordinates-and-overlay", test_coordinates);
  ADD ("refusals", test_refusals);
  ADD ("open-paths", test_open_paths);
#undef ADD

  return inkan_test_app_run ();
}
