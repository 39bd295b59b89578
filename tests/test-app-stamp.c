/* GUI tests of stamping: the real window under Xvfb, a real store and SoftHSM token made by the
 * test; a seal dropped at known widget coordinates, applied with the token's PIN, saved, then
 * judged by the core verifier, pdfsig, qpdf and the rendered page's pixels. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <math.h>
#include <string.h>

#include "inkan-document-view.h"
#include "inkan-sealing.h"
#include "inkan-test-app.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"
#include "inkan-trust.h"
#include "inkan-verify.h"

/* Rendering resolution of the pixel checks: one pixel per point. */
#define DPI 72

static char *store_path;

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
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
}

/* A copy of a sample in its own folder, so that the sealed copy lands beside it. */
static char *
sample_copy (const char *source,
             const char *name)
{
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

static char *
sha256_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static InkanDocumentView *
open_and_wait (Fixture    *fixture,
               const char *path)
{
  InkanDocumentView *view = inkan_test_app_open (fixture->window, path);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);

  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (
    page_view, inkan_page_view_get_current_page (page_view)));
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && (inkan_seal_palette_get_n_items (palette) > 0
                                 || inkan_seal_palette_get_message (palette) != NULL));
  g_assert_null (inkan_seal_palette_get_message (palette));
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);
  return view;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  return NULL;
}

/* The drag from the palette's row and the drop on the page view at (x, y) (the page view's own
 * coordinates), through the same controllers a pointer drives: the row's drag source gives the
 * content, the page view's drop target receives it. */
static gboolean
drag_and_drop (InkanDocumentView *view,
               const char        *seal,
               double             x,
               double             y)
{
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  InkanSealItem *item = inkan_seal_palette_find_item (palette, seal);
  GtkWidget *row;
  GtkEventController *source, *target;
  g_autoptr (GdkContentProvider) content = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  gboolean dropped = FALSE;

  g_assert_nonnull (item);
  row = inkan_seal_palette_get_row (palette, item);
  g_assert_nonnull (row);
  source = find_controller (row, GTK_TYPE_DRAG_SOURCE);
  g_assert_nonnull (source);
  g_signal_emit_by_name (source, "prepare", 10.0, 10.0, &content);
  g_assert_nonnull (content);
  g_value_init (&value, INKAN_TYPE_SEAL_ITEM);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  g_assert_true (g_value_get_object (&value) == item);

  target = find_controller (GTK_WIDGET (inkan_document_view_get_page_view (view)),
                            GTK_TYPE_DROP_TARGET);
  g_assert_nonnull (target);
  g_signal_emit_by_name (target, "drop", &value, x, y, &dropped);
  return dropped;
}

static void
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  GtkEventController *keys = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  g_assert_true (handled);
}

static InkanSealFlow *
apply_with_pin (Fixture           *fixture,
                InkanDocumentView *view,
                const char        *pin,
                const char        *shot)
{
  InkanSealFlow *flow = inkan_document_view_apply_placement (view);
  g_autoptr (GFile) proposed = NULL;
  InkanPinDialog *dialog;

  g_assert_nonnull (flow);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_CHOOSING_OUTPUT);
  proposed = inkan_seal_flow_get_proposed_output (flow);
  inkan_seal_flow_choose_output (flow, proposed);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_ASKING_PIN);
  dialog = inkan_seal_flow_get_pin_dialog (flow);
  g_assert_nonnull (dialog);
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  /* No echo. */
  g_assert_true (GTK_IS_PASSWORD_ENTRY (inkan_pin_dialog_get_entry (dialog)));
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), pin);
  if (shot != NULL)
    {
      g_autofree char *path = inkan_test_app_screenshot (GTK_WIDGET (dialog), shot);
    }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_SIGNING);
  return flow;
}

static gboolean
is_red (const guint8 *p)
{
  return p[0] > 150 && p[1] < 100 && p[2] < 100;
}

/* Renders page `page` (1-based) of `pdf` as shown and checks that the red seal pixels are inside
 * `shown` (points, top-left origin) and nowhere else, and that they are centred on (cx, cy). */
static void
assert_seal_pixels (const char      *pdf,
                    guint            page,
                    const InkanRect *shown,
                    double           cx,
                    double           cy)
{
  guint width = 0, height = 0, red = 0, outside = 0;
  g_autofree guint8 *rgb = inkan_test_render_page (pdf, page, DPI, &width, &height);
  guint x0 = G_MAXUINT, y0 = G_MAXUINT, x1 = 0, y1 = 0;
  const double slack = 2.0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        if (!is_red (rgb + 3 * ((gsize) y * width + x)))
          continue;
        red++;
        x0 = MIN (x0, x);
        y0 = MIN (y0, y);
        x1 = MAX (x1, x + 1);
        y1 = MAX (y1, y + 1);
        if (x + 1 < shown->x - slack || x > shown->x + shown->width + slack
            || y + 1 < shown->y - slack || y > shown->y + shown->height + slack)
          outside++;
      }
  g_test_message ("red pixels: %u, box %u,%u–%u,%u; seal %.1f,%.1f %.1f×%.1f; centre %.1f,%.1f",
                  red, x0, y0, x1, y1, shown->x, shown->y, shown->width, shown->height, cx, cy);
  g_assert_cmpuint (red, >, 200);
  g_assert_cmpuint (outside, ==, 0);
  g_assert_cmpfloat (fabs ((x0 + x1) / 2.0 - cx), <=, 3.0);
  g_assert_cmpfloat (fabs ((y0 + y1) / 2.0 - cy), <=, 3.0);
}

/* The sealed copy: the core verifier says TOTAL_PASSED with the test root; qpdf and pdfsig
 * agree. */
static void
assert_sealed (InkanSealFlow *flow,
               const char    *original,
               const char    *original_sha)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  GFile *output = inkan_seal_flow_get_output (flow);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *dir = g_path_get_dirname (original);
  g_autofree char *base = g_path_get_basename (original);
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *after = sha256_of (original);
  const InkanReport *flow_report = inkan_seal_flow_get_report (flow);
  InkanVerifyOptions options = { 0 };

  g_assert_nonnull (output);
  path = g_file_get_path (output);
  /* <name>-sealed.pdf beside the original, which is untouched. */
  *strrchr (base, '.') = '\0';
  expected = g_strdup_printf ("%s/%s-sealed.pdf", dir, base);
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (after, ==, original_sha);

  g_assert_nonnull (flow_report);
  g_assert_cmpint (flow_report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
  options.trust = trust;
  report = inkan_verify_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  inkan_test_judge_qpdf (path);
  g_assert_cmpuint (inkan_test_judge_pdfsig (path), ==, 1);
}

/* The request as the store has it now, through a connection of its own that is closed at once:
 * the app's workers and inkan-cli open the store meanwhile. */
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

static void
wait_flow (InkanSealFlow      *flow,
           InkanSealFlowState  state)
{
  inkan_test_app_wait_until (inkan_seal_flow_get_state (flow) != INKAN_SEAL_FLOW_SIGNING
                             && inkan_seal_flow_get_state (flow) != INKAN_SEAL_FLOW_REQUESTING);
  if (inkan_seal_flow_get_state (flow) != state)
    g_test_message ("flow ended in %d: %s", inkan_seal_flow_get_state (flow),
                    inkan_seal_flow_get_error (flow));
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, state);
}

/* The new tab with the sealed copy, rendered. */
static void
wait_sealed_tab (Fixture    *fixture,
                 GFile      *output,
                 const char *shot)
{
  InkanDocumentView *view;
  InkanPageView *page_view;
  g_autofree char *path = NULL;

  inkan_test_app_wait_until (
    (view = inkan_window_get_current_view (fixture->window)) != NULL
    && g_file_equal (inkan_document_view_get_file (view), output)
    && inkan_document_view_get_document (view) != NULL);
  page_view = inkan_document_view_get_page_view (view);
  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (
    page_view, inkan_page_view_get_current_page (page_view)));
  g_assert_nonnull (strstr (inkan_window_get_last_toast (fixture->window), "is valid"));
  if (shot != NULL)
    path = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), shot);
}

static void
test_empty_window (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window),
                                                     "stamp-empty-window");

  g_assert_null (inkan_window_get_current_view (fixture->window));
  g_assert_cmpstr (inkan_application_get_store_path (inkan_test_app_get ()), ==, store_path);
  g_assert_cmpstr (inkan_application_get_user (inkan_test_app_get ()), ==, "clerk");
}

/* The main path: drop, adjust with the keys, apply with the PIN, save, verify, pixels. */
static void
test_drop_apply (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "contract.pdf");
  g_autofree char *sha = sha256_of (pdf);
  g_autofree char *shot = NULL;
  g_autofree char *out_path = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  graphene_rect_t page_rect, bounds;
  InkanRect rect, moved;
  double x, y, px, py, scale = inkan_page_view_get_scale (page_view);
  int page;

  /* The palette: the clerk may use Official now; Contract needs approval. */
  g_assert_cmpuint (inkan_seal_palette_get_n_items (palette), ==, 2);
  g_assert_cmpint (inkan_seal_item_get_availability (
                     inkan_seal_palette_find_item (palette, "Official")),
                   ==, INKAN_AVAILABILITY_USABLE);
  g_assert_cmpint (inkan_seal_item_get_availability (
                     inkan_seal_palette_find_item (palette, "Contract")),
                   ==, INKAN_AVAILABILITY_NEEDS_APPROVAL);
  g_assert_nonnull (inkan_seal_item_get_texture (inkan_seal_palette_find_item (palette,
                                                                               "Official")));
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-document-open");

  /* The drop at known view coordinates on the first page. */
  inkan_page_view_get_page_rect (page_view, 0, &page_rect);
  x = page_rect.origin.x + page_rect.size.width * 0.6;
  y = MIN (page_rect.origin.y + page_rect.size.height * 0.3,
           gtk_widget_get_height (GTK_WIDGET (page_view)) * 0.6);
  g_assert_true (drag_and_drop (view, "Official", x, y));
  g_assert_true (inkan_page_view_view_to_page (page_view, x, y, &page, &px, &py));
  g_assert_cmpint (page, ==, 0);
  g_assert_cmpfloat_with_epsilon (px, (x - page_rect.origin.x) / scale, 1e-6);

  /* It appears where it was dropped, at the image's aspect (a round seal) and 4 cm across. */
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  inkan_seal_overlay_get_rect (overlay, &rect);
  g_assert_cmpint (inkan_seal_overlay_get_page (overlay), ==, 0);
  g_assert_cmpfloat_with_epsilon (rect.x + rect.width / 2, px, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.y + rect.height / 2, py, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.width, INKAN_PLACEMENT_DEFAULT_SIZE, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.height, rect.width, 1e-6);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (overlay)));
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (overlay), GTK_WIDGET (page_view),
                                            &bounds));
  g_assert_cmpfloat (fabs (bounds.origin.x + bounds.size.width / 2 - x), <=, 1.5);
  g_assert_cmpfloat (fabs (bounds.origin.y + bounds.size.height / 2 - y), <=, 1.5);

  /* The keys: Right moves by a step, Shift+Up grows, Shift+Down shrinks, Left moves back. */
  press_key (GTK_WIDGET (overlay), GDK_KEY_Right, 0);
  inkan_seal_overlay_get_rect (overlay, &moved);
  g_assert_cmpfloat_with_epsilon (moved.x, rect.x + INKAN_PLACEMENT_STEP, 1e-6);
  press_key (GTK_WIDGET (overlay), GDK_KEY_Up, GDK_SHIFT_MASK);
  inkan_seal_overlay_get_rect (overlay, &moved);
  g_assert_cmpfloat_with_epsilon (moved.width, rect.width + INKAN_PLACEMENT_STEP, 1e-6);
  press_key (GTK_WIDGET (overlay), GDK_KEY_Down, GDK_SHIFT_MASK);
  press_key (GTK_WIDGET (overlay), GDK_KEY_Left, 0);
  inkan_seal_overlay_get_rect (overlay, &moved);
  g_assert_cmpfloat_with_epsilon (moved.x, rect.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.width, rect.width, 1e-6);
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 2);
  g_clear_pointer (&shot, g_free);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-seal-placed");

  /* Apply: the proposed name, the PIN, the worker, the sealed copy opened. */
  flow = apply_with_pin (fixture, view, inkan_test_pki_get ()->pin, "stamp-pin-dialog");
  g_object_ref (flow);
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  g_assert_null (inkan_document_view_get_placed_seal (view));
  assert_sealed (flow, pdf, sha);
  out_path = g_file_get_path (inkan_seal_flow_get_output (flow));
  wait_sealed_tab (fixture, inkan_seal_flow_get_output (flow), "stamp-sealed-document");
  assert_seal_pixels (out_path, 1, &rect, px, py);
  g_object_unref (flow);

  /* The grant's use was recorded: the palette of the original shows it again, still usable. */
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette));
  g_assert_cmpint (inkan_seal_item_get_availability (
                     inkan_seal_palette_find_item (palette, "Official")),
                   ==, INKAN_AVAILABILITY_USABLE);
}

/* A page with /Rotate 90 and a crop box offset, shown at 150 %. */
static void
test_rotated_zoomed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *source = inkan_test_write_pdf ("rotated-source.pdf",
                                                  "/MediaBox [0 0 600 800] "
                                                  "/CropBox [20 30 580 780] /Rotate 90",
                                                  FALSE);
  g_autofree char *pdf = sample_copy (source, "rotated.pdf");
  g_autofree char *sha = sha256_of (pdf);
  g_autofree char *out_path = NULL;
  g_autofree char *shot = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  graphene_rect_t page_rect;
  InkanRect rect;
  double x, y, px, py, w, h;
  int page;

  inkan_document_get_page_size (inkan_document_view_get_document (view), 0, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 750, 1e-6);
  g_assert_cmpfloat_with_epsilon (h, 560, 1e-6);
  inkan_page_view_set_scale (page_view, 1.5);
  inkan_test_app_wait_until (inkan_page_view_is_page_rendered (page_view, 0));
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);

  inkan_page_view_get_page_rect (page_view, 0, &page_rect);
  x = MAX (page_rect.origin.x, 0) + 200;
  y = MAX (page_rect.origin.y, 0) + 150;
  g_assert_true (drag_and_drop (view, "Official", x, y));
  g_assert_true (inkan_page_view_view_to_page (page_view, x, y, &page, &px, &py));
  g_assert_cmpfloat_with_epsilon (px, (x - page_rect.origin.x) / 1.5, 1e-6);
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  inkan_seal_overlay_get_rect (overlay, &rect);
  g_assert_cmpfloat_with_epsilon (rect.x + rect.width / 2, px, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.y + rect.height / 2, py, 1e-6);
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-rotated-placed");

  flow = g_object_ref (apply_with_pin (fixture, view, inkan_test_pki_get ()->pin, NULL));
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  assert_sealed (flow, pdf, sha);
  out_path = g_file_get_path (inkan_seal_flow_get_output (flow));
  wait_sealed_tab (fixture, inkan_seal_flow_get_output (flow), "stamp-rotated-sealed");
  assert_seal_pixels (out_path, 1, &rect, px, py);
  g_object_unref (flow);
}

/* Cancel at the PIN keeps the placement; a wrong PIN is said plainly and asked again with
 * nothing written; the right one then seals. */
static void
test_wrong_pin (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "wrong-pin.pdf");
  g_autofree char *sha = sha256_of (pdf);
  g_autofree char *shot = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanSealFlow *flow;
  g_autoptr (GFile) output = NULL;
  g_autofree char *out_path = NULL;
  InkanPinDialog *dialog;

  g_assert_true (drag_and_drop (view, "Official", 200, 200));

  /* Cancelled at the PIN. */
  flow = inkan_document_view_apply_placement (view);
  g_assert_nonnull (flow);
  output = inkan_seal_flow_get_proposed_output (flow);
  out_path = g_file_get_path (output);
  inkan_seal_flow_choose_output (flow, output);
  dialog = inkan_seal_flow_get_pin_dialog (flow);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_CANCELLED);
  g_assert_nonnull (inkan_document_view_get_placed_seal (view));
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));

  /* A wrong PIN. */
  flow = g_object_ref (apply_with_pin (fixture, view, "000000", NULL));
  inkan_test_app_wait_until (inkan_seal_flow_get_state (flow) != INKAN_SEAL_FLOW_SIGNING);
  g_test_message ("after a wrong PIN: %s", inkan_seal_flow_get_error (flow));
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_ASKING_PIN);
  dialog = inkan_seal_flow_get_pin_dialog (flow);
  g_assert_nonnull (dialog);
  g_assert_nonnull (inkan_pin_dialog_get_error (dialog));
  g_assert_nonnull (strstr (inkan_pin_dialog_get_error (dialog), "refused the PIN"));
  g_assert_cmpstr (gtk_editable_get_text (inkan_pin_dialog_get_entry (dialog)), ==, "");
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  shot = inkan_test_app_screenshot (GTK_WIDGET (dialog), "stamp-wrong-pin");

  /* The right one, in the same dialog. */
  gtk_editable_set_text (inkan_pin_dialog_get_entry (dialog), inkan_test_pki_get ()->pin);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  assert_sealed (flow, pdf, sha);
  g_object_unref (flow);
}

/* Only the keyboard: pick a seal in the palette with Enter, move it, Escape cancels; again,
 * Enter applies. The original is never the output. */
static void
test_keyboard_only (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("many-pages");
  g_autofree char *pdf = sample_copy (source, "keyboard.pdf");
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  GtkWidget *row = inkan_seal_palette_get_row (palette,
                                               inkan_seal_palette_find_item (palette, "Official"));
  g_autoptr (GFile) original = g_file_new_for_path (pdf);
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  InkanRect rect;
  double w, h;

  /* Page 2 is current. */
  inkan_page_view_scroll_to_page (page_view, 1);
  inkan_test_app_wait_until (inkan_page_view_get_current_page (page_view) == 1);

  gtk_widget_grab_focus (row);
  g_assert_true (gtk_widget_activate (row));
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  g_assert_cmpint (inkan_seal_overlay_get_page (overlay), ==, 1);
  inkan_document_get_page_size (inkan_document_view_get_document (view), 1, &w, &h);
  inkan_seal_overlay_get_rect (overlay, &rect);
  g_assert_cmpfloat_with_epsilon (rect.x + rect.width / 2, w / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (rect.y + rect.height / 2, h / 2, 1e-6);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (overlay)));

  /* Fine steps with Alt; the page's edge stops it. */
  press_key (GTK_WIDGET (overlay), GDK_KEY_Down, GDK_ALT_MASK);
  inkan_seal_overlay_get_rect (overlay, &rect);
  g_assert_cmpfloat_with_epsilon (rect.y + rect.height / 2, h / 2 + 1, 1e-6);
  for (int i = 0; i < 100; i++)
    press_key (GTK_WIDGET (overlay), GDK_KEY_Left, 0);
  inkan_seal_overlay_get_rect (overlay, &rect);
  g_assert_cmpfloat (rect.x, ==, 0);

  press_key (GTK_WIDGET (overlay), GDK_KEY_Escape, 0);
  g_assert_null (inkan_document_view_get_placed_seal (view));

  g_assert_true (gtk_widget_activate (row));
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  press_key (GTK_WIDGET (overlay), GDK_KEY_Return, 0);
  flow = inkan_document_view_get_seal_flow (view);
  g_assert_nonnull (flow);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_CHOOSING_OUTPUT);

  /* Choosing the original itself is refused, with a sentence; the seal stays placed. */
  inkan_seal_flow_choose_output (flow, original);
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_FAILED);
  g_assert_nonnull (strstr (inkan_window_get_last_toast (fixture->window), "never overwritten"));
  g_assert_nonnull (inkan_document_view_get_placed_seal (view));
}

/* Request approval with a reason: the placement goes with the request; once the manager
 * approves, the seal lands exactly there. */
static void
test_request_approval (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "supply.pdf");
  g_autofree char *sha = sha256_of (pdf);
  g_autofree char *out_path = NULL;
  g_autofree char *shot = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  g_autoptr (InkanRequest) request = NULL;
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  InkanSealItem *contract;
  InkanRect visible, shown, again;
  gint64 id;

  g_assert_true (drag_and_drop (view, "Contract", 150, 180));
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  inkan_seal_overlay_get_visible_rect (overlay, &visible);
  inkan_seal_overlay_get_rect (overlay, &shown);

  flow = g_object_ref (inkan_document_view_apply_placement (view));
  g_assert_cmpint (inkan_seal_flow_get_state (flow), ==, INKAN_SEAL_FLOW_ASKING_REASON);
  g_assert_nonnull (inkan_seal_flow_get_reason_dialog (flow));
  inkan_test_app_wait_until (gtk_widget_get_mapped (inkan_seal_flow_get_reason_dialog (flow)));
  shot = inkan_test_app_screenshot (inkan_seal_flow_get_reason_dialog (flow),
                                    "stamp-request-dialog");
  inkan_seal_flow_send_request (flow, "Supply contract with Acme");
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  id = inkan_seal_flow_get_request_id (flow);
  g_assert_cmpint (id, >, 0);
  g_object_unref (flow);
  g_assert_null (inkan_document_view_get_placed_seal (view));

  /* The store has the request with the placement, in visible coordinates. */
  request = get_request (id);
  g_assert_cmpstr (request->document_sha256, ==, sha);
  g_assert_cmpstr (request->reason, ==, "Supply contract with Acme");
  g_assert_cmpuint (request->page, ==, 1);
  g_assert_cmpfloat_with_epsilon (request->rect[0], visible.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (request->rect[1], visible.y, 1e-6);
  g_assert_cmpfloat_with_epsilon (request->rect[2], visible.width, 1e-6);
  g_assert_cmpfloat_with_epsilon (request->rect[3], visible.height, 1e-6);

  /* The palette says it waits. */
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && inkan_seal_palette_find_item (palette, "Contract") != NULL);
  contract = inkan_seal_palette_find_item (palette, "Contract");
  g_assert_cmpint (inkan_seal_item_get_availability (contract), ==,
                   INKAN_AVAILABILITY_NEEDS_APPROVAL);
  g_assert_false (inkan_seal_item_can_place (contract));

  /* The manager approves; the clerk's palette shows it ready. Dropped anywhere, it goes where
   * the request placed it, and is sealed there under the request. */
  inkan_test_store_approve (store_path, id);
  inkan_seal_palette_reload (palette);
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && inkan_seal_palette_find_item (palette, "Contract") != NULL);
  contract = inkan_seal_palette_find_item (palette, "Contract");
  g_assert_cmpint (inkan_seal_item_get_availability (contract), ==, INKAN_AVAILABILITY_USABLE);
  g_assert_true (drag_and_drop (view, "Contract", 400, 300));
  overlay = inkan_document_view_get_placed_seal (view);
  inkan_seal_overlay_get_rect (overlay, &again);
  g_assert_cmpfloat_with_epsilon (again.x, shown.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (again.y, shown.y, 1e-6);
  /* Locked: the keys do not move it. */
  press_key (GTK_WIDGET (overlay), GDK_KEY_Right, 0);
  inkan_seal_overlay_get_rect (overlay, &again);
  g_assert_cmpfloat_with_epsilon (again.x, shown.x, 1e-6);
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);

  flow = g_object_ref (apply_with_pin (fixture, view, inkan_test_pki_get ()->pin, NULL));
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  assert_sealed (flow, pdf, sha);
  out_path = g_file_get_path (inkan_seal_flow_get_output (flow));
  wait_sealed_tab (fixture, inkan_seal_flow_get_output (flow), "stamp-approved-sealed");
  assert_seal_pixels (out_path, 1, &shown, shown.x + shown.width / 2,
                      shown.y + shown.height / 2);
  g_object_unref (flow);

  /* The request is used. */
  g_clear_pointer (&request, inkan_request_free);
  request = get_request (id);
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_USED);
}

/* The pointer's drag as the overlay's drag gesture reports it: (x, y) where it starts in the
 * overlay, then an offset of (dx, dy) pixels. */
static void
drag_overlay (InkanSealOverlay *overlay,
              double            x,
              double            y,
              double            dx,
              double            dy)
{
  GtkEventController *drag = find_controller (GTK_WIDGET (overlay), GTK_TYPE_GESTURE_DRAG);

  g_assert_nonnull (drag);
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", dx / 2, dy / 2);
  g_signal_emit_by_name (drag, "drag-update", dx, dy);
  g_signal_emit_by_name (drag, "drag-end", dx, dy);
}

/* The mouse moves and resizes the placed seal; a drop off the pages does nothing; a refusal
 * from the core (the seal suspended after the palette was shown) is its sentence in a toast. */
static void
test_mouse_and_refusal (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "mouse.pdf");
  g_autofree char *out_path = NULL;
  g_autoptr (GFile) proposed = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  double scale = inkan_page_view_get_scale (page_view);
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  graphene_rect_t page_rect;
  InkanRect rect, moved;

  /* Off the page, in the margin left of it: no seal. */
  inkan_page_view_get_page_rect (page_view, 0, &page_rect);
  g_assert_cmpfloat (page_rect.origin.x, >, 4);
  g_assert_false (drag_and_drop (view, "Official", page_rect.origin.x / 2, 200));
  g_assert_null (inkan_document_view_get_placed_seal (view));

  g_assert_true (drag_and_drop (view, "Official", 300, 250));
  overlay = inkan_document_view_get_placed_seal (view);
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);
  inkan_seal_overlay_get_rect (overlay, &rect);

  /* Dragged from its middle: moved by the offset, in points. */
  drag_overlay (overlay, gtk_widget_get_width (GTK_WIDGET (overlay)) / 2.0,
                gtk_widget_get_height (GTK_WIDGET (overlay)) / 2.0, 60, -30);
  inkan_seal_overlay_get_rect (overlay, &moved);
  g_assert_cmpfloat_with_epsilon (moved.x, rect.x + 60 / scale, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.y, rect.y - 30 / scale, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.width, rect.width, 1e-6);
  rect = moved;

  /* Dragged by its lower-right corner: the top-left corner stays, the aspect ratio too. */
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 1);
  drag_overlay (overlay, gtk_widget_get_width (GTK_WIDGET (overlay)) - 2.0,
                gtk_widget_get_height (GTK_WIDGET (overlay)) - 2.0, 40, 10);
  inkan_seal_overlay_get_rect (overlay, &moved);
  g_assert_cmpfloat_with_epsilon (moved.x, rect.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.y, rect.y, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.width, rect.width + 40 / scale, 1e-6);
  g_assert_cmpfloat_with_epsilon (moved.height, moved.width, 1e-6);

  /* An administrator suspends the seal meanwhile: the core refuses, the toast says why, no file
   * is written, the seal stays placed for another try. */
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "seal", "suspend",
                                         "Official", NULL), ==, 0);
  flow = g_object_ref (apply_with_pin (fixture, view, inkan_test_pki_get ()->pin, NULL));
  proposed = inkan_seal_flow_get_proposed_output (flow);
  out_path = g_file_get_path (proposed);
  wait_flow (flow, INKAN_SEAL_FLOW_FAILED);
  g_assert_nonnull (strstr (inkan_seal_flow_get_error (flow), "suspended"));
  g_assert_cmpstr (inkan_window_get_last_toast (fixture->window), ==,
                   inkan_seal_flow_get_error (flow));
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (inkan_document_view_get_placed_seal (view));
  g_object_unref (flow);
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "seal", "resume",
                                         "Official", NULL), ==, 0);
}

static GtkWidget *
find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window)
          && g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)),
                        "Who Is Using Inkan?") == 0)
        return GTK_WIDGET (window);
    }
  return NULL;
}

/* The seal bar's Riding Seal toggle: ticked with a seal placed on a four-page document, the seal
 * goes in slices at the right edge of every page, one signature the judges accept. */
static void
test_riding (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("pages:4");
  g_autofree char *pdf = sample_copy (source, "riding.pdf");
  g_autofree char *sha = sha256_of (pdf);
  g_autofree char *shot = NULL;
  g_autofree char *out_path = NULL;
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  GtkCheckButton *riding = inkan_document_view_get_riding_check (view);
  InkanSealOverlay *overlay;
  InkanSealFlow *flow;
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { 0 };
  const InkanSignatureReport *sig;
  graphene_rect_t page_rect;
  InkanRect rect;
  int n_pages = inkan_document_get_n_pages (inkan_document_view_get_document (view));
  guint strip;

  g_assert_cmpint (n_pages, ==, 4);
  g_assert_false (gtk_check_button_get_active (riding));
  inkan_page_view_get_page_rect (page_view, 0, &page_rect);
  g_assert_true (drag_and_drop (view, "Official", page_rect.origin.x + page_rect.size.width * 0.5,
                                MIN (page_rect.origin.y + page_rect.size.height * 0.3,
                                     gtk_widget_get_height (GTK_WIDGET (page_view)) * 0.6)));
  overlay = inkan_document_view_get_placed_seal (view);
  g_assert_nonnull (overlay);
  inkan_seal_overlay_get_rect (overlay, &rect);
  /* The toggle is in the seal bar once a seal is placed, and ticks as a click would. */
  inkan_test_app_wait_until (gtk_widget_get_mapped (GTK_WIDGET (riding)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (riding)));
  g_assert_null (strstr (inkan_document_view_get_seal_bar_text (view), "right edge"));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (riding)));
  g_assert_true (gtk_check_button_get_active (riding));
  /* The seal bar says where a riding seal goes: the placement gives only its size and height. */
  g_assert_nonnull (strstr (inkan_document_view_get_seal_bar_text (view), "right edge"));
  inkan_test_app_wait_frames (GTK_WIDGET (page_view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-riding-ticked");

  flow = g_object_ref (apply_with_pin (fixture, view, inkan_test_pki_get ()->pin, NULL));
  wait_flow (flow, INKAN_SEAL_FLOW_DONE);
  /* The core verifier (TOTAL_PASSED), qpdf --check and pdfsig ("Signature is Valid"). */
  assert_sealed (flow, pdf, sha);
  out_path = g_file_get_path (inkan_seal_flow_get_output (flow));
  g_object_unref (flow);

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, &error));
  g_assert_no_error (error);
  options.trust = trust;
  report = inkan_verify_file (out_path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  sig = report->signatures->pdata[0];
  g_assert_cmpuint (sig->riding_pages, ==, (guint) n_pages);

  /* Every page shows its slice at the right edge and no red anywhere else the original had
   * none: the placed seal's own spot stays clean. Slices are the seal's width over the pages,
   * at 144 dpi, and a few pixels of anti-aliasing. */
  strip = (guint) ceil (rect.width / n_pages * 2.0) + 3;
  for (int page = 1; page <= n_pages; page++)
    {
      guint in_strip, elsewhere, before_strip, before_elsewhere;

      inkan_test_count_red_at_right_edge (pdf, (guint) page, strip, &before_strip,
                                          &before_elsewhere);
      inkan_test_count_red_at_right_edge (out_path, (guint) page, strip, &in_strip, &elsewhere);
      g_test_message ("page %d: %u red pixels at the edge (%u before), %u elsewhere (%u before)",
                      page, in_strip, before_strip, elsewhere, before_elsewhere);
      g_assert_cmpuint (before_strip, ==, 0);
      g_assert_cmpuint (in_strip, >, 200);
      g_assert_cmpuint (elsewhere, ==, before_elsewhere);
    }
}

/* Another user: the palette follows, with the policy's sentence; back to the clerk through the
 * user chooser. */
static void
test_user_change (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "users.pdf");
  g_autofree char *shot = NULL;
  InkanApplication *application = inkan_test_app_get ();
  InkanDocumentView *view = open_and_wait (fixture, pdf);
  InkanSealPalette *palette = inkan_document_view_get_palette (view);
  InkanSealItem *official;

  g_assert_true (drag_and_drop (view, "Official", 200, 200));
  inkan_application_set_user (application, "auditor");
  /* A placement made as someone else does not survive the change. */
  g_assert_null (inkan_document_view_get_placed_seal (view));
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && inkan_seal_palette_get_n_items (palette) == 2);
  official = inkan_seal_palette_find_item (palette, "Official");
  g_assert_cmpint (inkan_seal_item_get_availability (official), ==,
                   INKAN_AVAILABILITY_NOT_GRANTED);
  g_assert_false (inkan_seal_item_can_place (official));
  g_assert_nonnull (strstr (inkan_seal_item_get_reason (official), "needs the clerk role"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (inkan_seal_palette_get_row (palette, official)),
                   ==, inkan_seal_item_get_reason (official));
  g_assert_false (inkan_document_view_place_seal (view, official, 0, 100, 100));
  inkan_test_app_wait_frames (GTK_WIDGET (view), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-auditor-palette");

  /* The chooser (what the app shows at start without INKAN_USER): the registry's users. */
  {
    GtkWidget *chooser = NULL;
    g_autofree char *chooser_shot = NULL;

    g_action_group_activate_action (G_ACTION_GROUP (application), "choose-user", NULL);
    inkan_test_app_wait_until ((chooser = find_chooser ()) != NULL
                               && gtk_widget_get_mapped (chooser));
    g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (chooser), "clerk"));
    g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (chooser), "manager"));
    g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (chooser), "admin"));
    chooser_shot = inkan_test_app_screenshot (chooser, "stamp-user-chooser");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (chooser), "clerk");
  }
  g_assert_cmpstr (inkan_application_get_user (application), ==, "clerk");
  inkan_test_app_wait_until (!inkan_seal_palette_get_loading (palette)
                             && inkan_seal_palette_get_n_items (palette) == 2
                             && inkan_seal_item_get_availability (
                                  inkan_seal_palette_find_item (palette, "Official"))
                                  == INKAN_AVAILABILITY_USABLE);
}

static gboolean
has_mapped_child_with_class (GtkWidget *widget, const char *css_class)
{
  GtkWidget *child;

  if (gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    return TRUE;
  for (child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_mapped_child_with_class (child, css_class))
      return TRUE;
  return FALSE;
}

/* A seal with no seal record (as one migrated from a store of version 2 stays until rebound):
 * its palette row says "Not bound" and its tooltip says what that means and what to do; a bound
 * seal's row says nothing of the kind. Runs last: it adds a seal to the shared store. */
static void
test_unbound_seal (Fixture       *fixture,
                   gconstpointer  data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *source = inkan_test_make_pdf ("one-page");
  g_autofree char *pdf = sample_copy (source, "unbound.pdf");
  g_autofree char *shot = NULL, *pem = NULL, *png = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (store_path, &error);
  g_autoptr (InkanUser) admin = NULL;
  g_autoptr (InkanAuditContext) audit = inkan_audit_context_new_local ();
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (InkanSeal) created = NULL;
  InkanSeal seal = { 0 };
  gnutls_datum_t in, der = { NULL, 0 };
  gsize pem_len = 0, png_len = 0;
  InkanDocumentView *view;
  InkanSealPalette *palette;
  InkanSealItem *legacy, *official;
  GtkWidget *row;

  g_assert_no_error (error);
  admin = inkan_store_get_user (store, "admin", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pki->second_pem, &pem, &pem_len, NULL));
  in = (gnutls_datum_t){ (unsigned char *) pem, (unsigned int) pem_len };
  g_assert_cmpint (gnutls_pem_base64_decode2 ("CERTIFICATE", &in, &der), ==, 0);
  g_assert_true (g_file_get_contents (pki->seal_png, &png, &png_len, NULL));
  g_assert_true (inkan_seal_kind_from_string ("official", &seal.kind));
  seal.name = "Legacy";
  seal.image_png = g_bytes_new_take (g_steal_pointer (&png), png_len);
  seal.cert_der = g_bytes_new (der.data, der.size);
  seal.key_url = pki->second_key_url;
  seal.approval_chain = chain;
  gnutls_free (der.data);
  created = inkan_store_create_seal (store, audit, admin, &seal, now, &error);
  g_bytes_unref (seal.image_png);
  g_bytes_unref (seal.cert_der);
  g_assert_no_error (error);
  g_assert_null (created->record);
  g_assert_cmpint (inkan_test_store_cli (store_path, NULL, NULL, "admin", "grant", "add",
                                         "Legacy", "--user", "clerk", NULL), ==, 0);

  view = open_and_wait (fixture, pdf);
  palette = inkan_document_view_get_palette (view);
  legacy = inkan_seal_palette_find_item (palette, "Legacy");
  official = inkan_seal_palette_find_item (palette, "Official");
  g_assert_nonnull (legacy);
  g_assert_false (inkan_seal_item_is_bound (legacy));
  g_assert_true (inkan_seal_item_is_bound (official));
  row = inkan_seal_palette_get_row (palette, legacy);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "no seal record"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "seal rebind"));
  inkan_test_app_wait_until (gtk_widget_get_mapped (row));
  g_assert_true (has_mapped_child_with_class (row, "inkan-seal-unbound"));
  g_assert_false (has_mapped_child_with_class (inkan_seal_palette_get_row (palette, official),
                                               "inkan-seal-unbound"));
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "stamp-unbound-seal");
}

int
main (int   argc,
      char *argv[])
{
  InkanTestPki *pki;

  g_test_init (&argc, &argv, NULL);

  /* The token, the store and the user, before the application reads them. */
  pki = inkan_test_pki_get ();
  store_path = inkan_test_store_make ("app-stamp");
  g_setenv ("INKAN_DB", store_path, TRUE);
  g_setenv ("INKAN_USER", "clerk", TRUE);
  g_setenv ("INKAN_TRUST", pki->root_pem, TRUE);
  g_unsetenv ("INKAN_NOW");

  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/inkan/app/stamp/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("empty-window", test_empty_window);
  ADD ("drop-apply-save", test_drop_apply);
  ADD ("rotated-zoomed", test_rotated_zoomed);
  ADD ("wrong-pin", test_wrong_pin);
  ADD ("keyboard-only", test_keyboard_only);
  ADD ("request-approval", test_request_approval);
  ADD ("user-change", test_user_change);
  ADD ("riding-seal", test_riding);
  ADD ("mouse-and-refusal", test_mouse_and_refusal);
  ADD ("unbound-seal", test_unbound_seal);
#undef ADD

  return inkan_test_app_run ();
}
