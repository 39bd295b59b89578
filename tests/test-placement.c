/* Tests of inkan-placement: seal sizes, clamping, keyboard steps, shown/visible/user space. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "inkan-pdf-private.h"
#include "inkan-placement.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-util.h"

#define A4_W 595.276
#define A4_H 841.89

static void
assert_rect (const InkanRect *r,
             double           x,
             double           y,
             double           w,
             double           h)
{
  g_assert_cmpfloat_with_epsilon (r->x, x, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->y, y, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->width, w, 1e-6);
  g_assert_cmpfloat_with_epsilon (r->height, h, 1e-6);
}

static void
assert_inside (const InkanRect *r,
               double           pw,
               double           ph)
{
  g_assert_cmpfloat (r->x, >=, -1e-9);
  g_assert_cmpfloat (r->y, >=, -1e-9);
  g_assert_cmpfloat (r->x + r->width, <=, pw + 1e-9);
  g_assert_cmpfloat (r->y + r->height, <=, ph + 1e-9);
  g_assert_cmpfloat (r->width, >, 0);
  g_assert_cmpfloat (r->height, >, 0);
}

static void
test_default_size (void)
{
  double w, h;

  /* A round seal on A4: 4 cm across. */
  g_assert_true (inkan_placement_default_size (512, 512, A4_W, A4_H, &w, &h));
  g_assert_cmpfloat_with_epsilon (w, 40 / 25.4 * 72, 1e-9);
  g_assert_cmpfloat_with_epsilon (h, w, 1e-9);

  /* The image's aspect ratio is kept, the longer side is the default size. */
  g_assert_true (inkan_placement_default_size (600, 300, A4_W, A4_H, &w, &h));
  g_assert_cmpfloat_with_epsilon (w, INKAN_PLACEMENT_DEFAULT_SIZE, 1e-9);
  g_assert_cmpfloat_with_epsilon (h, INKAN_PLACEMENT_DEFAULT_SIZE / 2, 1e-9);
  g_assert_true (inkan_placement_default_size (100, 400, A4_W, A4_H, &w, &h));
  g_assert_cmpfloat_with_epsilon (h, INKAN_PLACEMENT_DEFAULT_SIZE, 1e-9);
  g_assert_cmpfloat_with_epsilon (w, INKAN_PLACEMENT_DEFAULT_SIZE / 4, 1e-9);

  /* A small page (a label, 200 × 100 pt): at most 40 % of its shorter side. */
  g_assert_true (inkan_placement_default_size (512, 512, 200, 100, &w, &h));
  g_assert_cmpfloat_with_epsilon (w, 40, 1e-9);
  g_assert_cmpfloat_with_epsilon (h, 40, 1e-9);

  /* Nonsense in, no size out. */
  g_assert_false (inkan_placement_default_size (0, 512, A4_W, A4_H, &w, &h));
  g_assert_false (inkan_placement_default_size (512, 512, -1, A4_H, &w, &h));
  g_assert_false (inkan_placement_default_size (NAN, 512, A4_W, A4_H, &w, &h));
  g_assert_false (inkan_placement_default_size (512, INFINITY, A4_W, A4_H, &w, &h));
}

static void
test_centre_and_clamp (void)
{
  InkanRect r;

  /* Centred where it is dropped. */
  inkan_placement_centre_on (300, 400, 100, 50, A4_W, A4_H, &r);
  assert_rect (&r, 250, 375, 100, 50);

  /* Dropped near a corner: pushed inside, size kept. */
  inkan_placement_centre_on (5, 5, 100, 50, A4_W, A4_H, &r);
  assert_rect (&r, 0, 0, 100, 50);
  inkan_placement_centre_on (A4_W, A4_H + 100, 100, 50, A4_W, A4_H, &r);
  assert_rect (&r, A4_W - 100, A4_H - 50, 100, 50);

  /* Larger than the page: scaled down about its centre with its aspect ratio, then moved in. */
  r = (InkanRect){ -100, -100, 1000, 500 };
  inkan_placement_clamp (&r, 400, 300);
  g_assert_cmpfloat_with_epsilon (r.width / r.height, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width, 400, 1e-9);
  assert_inside (&r, 400, 300);

  /* Non-finite or empty: a default seal at the page's centre. */
  r = (InkanRect){ NAN, 0, 10, 10 };
  inkan_placement_clamp (&r, A4_W, A4_H);
  assert_inside (&r, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.x + r.width / 2, A4_W / 2, 1e-9);
  r = (InkanRect){ 10, 10, 0, 10 };
  inkan_placement_clamp (&r, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.width, INKAN_PLACEMENT_DEFAULT_SIZE, 1e-9);
}

static void
test_keyboard_steps (void)
{
  InkanRect r = { 100, 100, 100, 50 };
  double before;

  /* Arrows move by the step and stop at the page's edges. */
  inkan_placement_move (&r, INKAN_PLACEMENT_STEP, 0, A4_W, A4_H);
  assert_rect (&r, 110, 100, 100, 50);
  inkan_placement_move (&r, 0, -INKAN_PLACEMENT_FINE_STEP, A4_W, A4_H);
  assert_rect (&r, 110, 99, 100, 50);
  for (int i = 0; i < 100; i++)
    inkan_placement_move (&r, -INKAN_PLACEMENT_STEP, -INKAN_PLACEMENT_STEP, A4_W, A4_H);
  assert_rect (&r, 0, 0, 100, 50);
  inkan_placement_move (&r, NAN, 5, A4_W, A4_H);
  assert_rect (&r, 0, 5, 100, 50);

  /* Shift+arrows resize the longer side about the centre, the aspect ratio kept. */
  r = (InkanRect){ 200, 200, 100, 50 };
  inkan_placement_resize (&r, INKAN_PLACEMENT_STEP, A4_W, A4_H);
  assert_rect (&r, 195, 197.5, 110, 55);
  inkan_placement_resize (&r, -2 * INKAN_PLACEMENT_STEP, A4_W, A4_H);
  assert_rect (&r, 205, 202.5, 90, 45);

  /* Not below the minimum, not past the page. */
  for (int i = 0; i < 100; i++)
    inkan_placement_resize (&r, -INKAN_PLACEMENT_STEP, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.width, INKAN_PLACEMENT_MIN_SIZE, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width / r.height, 2.0, 1e-9);
  for (int i = 0; i < 200; i++)
    inkan_placement_resize (&r, INKAN_PLACEMENT_STEP, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.width, A4_W, 1e-6);
  g_assert_cmpfloat_with_epsilon (r.width / r.height, 2.0, 1e-9);
  assert_inside (&r, A4_W, A4_H);
  before = r.width;
  inkan_placement_resize (&r, INFINITY, A4_W, A4_H);
  g_assert_cmpfloat (r.width, ==, before);
}

static void
test_resize_with_pointer (void)
{
  InkanRect r = { 100, 100, 100, 50 };

  /* Dragging the lower-right handle (shown coordinates, y down): the top-left corner stays. */
  inkan_placement_resize_to (&r, 100, 100, 300, 130, A4_W, A4_H);
  assert_rect (&r, 100, 100, 200, 100);
  /* The side that moved farther decides, the aspect ratio is kept. */
  inkan_placement_resize_to (&r, 100, 100, 150, 300, A4_W, A4_H);
  assert_rect (&r, 100, 100, 400, 200);

  /* Dragging the top-left handle: the lower-right corner (anchor) stays. */
  r = (InkanRect){ 100, 100, 100, 50 };
  inkan_placement_resize_to (&r, 200, 150, 180, 140, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.x + r.width, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.y + r.height, 150, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width, INKAN_PLACEMENT_MIN_SIZE, 1e-9);

  /* Past the page's edge: stops there. */
  r = (InkanRect){ 400, 700, 100, 50 };
  inkan_placement_resize_to (&r, 400, 700, 5000, 5000, A4_W, A4_H);
  assert_inside (&r, A4_W, A4_H);
  g_assert_cmpfloat_with_epsilon (r.x, 400, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width / r.height, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width, A4_W - 400, 1e-6);
}

/* The flip between the shown page (y down) and the visible page (y up). */
static void
test_shown_to_visible (void)
{
  InkanRect shown = { 10, 20, 100, 50 }, visible, back;

  inkan_placement_shown_to_visible (&shown, 800, &visible);
  assert_rect (&visible, 10, 800 - 20 - 50, 100, 50);
  inkan_placement_visible_to_shown (&visible, 800, &back);
  assert_rect (&back, 10, 20, 100, 50);
}

/* Visible → user space agrees with the signer's own mapping (inkan-pdf.c) on real files with a
 * crop box offset, every rotation, inherited entries and /UserUnit; and user → visible is its
 * inverse. */
static void
test_user_space (void)
{
  static const struct
  {
    const char *entries;
    double vw, vh;
  } pages[] = {
    { "/MediaBox [0 0 600 800]", 600, 800 },
    { "/MediaBox [0 0 600 800] /Rotate 90", 800, 600 },
    { "/MediaBox [0 0 600 800] /Rotate 180", 600, 800 },
    { "/MediaBox [0 0 600 800] /Rotate 270", 800, 600 },
    { "/MediaBox [0 0 600 800] /Rotate -90", 800, 600 },
    { "/MediaBox [0 0 600 800] /CropBox [50 70 550 770]", 500, 700 },
    { "/MediaBox [0 0 600 800] /CropBox [50 70 550 770] /Rotate 90", 700, 500 },
    { "/MediaBox [0 0 600 800] /CropBox [50 70 550 770] /Rotate 180", 500, 700 },
    { "/MediaBox [0 0 600 800] /CropBox [50 70 550 770] /Rotate 270", 700, 500 },
    { "/MediaBox [-100 -50 500 750] /CropBox [-200 0 400 900] /Rotate 90", 750, 500 },
    { "/MediaBox [0 0 300 400] /UserUnit 2 /Rotate 270", 800, 600 },
  };
  const InkanRect visible = { 30, 40, 120, 60 };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("geometry-%u.pdf", i);
      g_autofree char *path = inkan_test_write_pdf (name, pages[i].entries, i % 2 == 1);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);
      InkanPageGeometry geometry;
      InkanRect mine, theirs, back;
      double vw, vh;
      int rotate;

      g_test_message ("page: %s", pages[i].entries);
      g_assert_no_error (error);
      g_assert_true (_inkan_pdf_get_page_geometry (pdf, 1, &geometry, &error));
      g_assert_no_error (error);
      inkan_page_geometry_visible_size (&geometry, &vw, &vh);
      g_assert_cmpfloat_with_epsilon (vw, pages[i].vw, 1e-9);
      g_assert_cmpfloat_with_epsilon (vh, pages[i].vh, 1e-9);

      inkan_placement_visible_to_user (&geometry, &visible, &mine);
      g_assert_true (_inkan_pdf_visible_to_user (pdf, 1, &visible, &theirs, &rotate, &error));
      g_assert_no_error (error);
      g_assert_cmpint (rotate, ==, geometry.rotate);
      assert_rect (&mine, theirs.x, theirs.y, theirs.width, theirs.height);
      /* The seal lands inside the crop box. */
      g_assert_cmpfloat (mine.x, >=, geometry.crop_box.x - 1e-9);
      g_assert_cmpfloat (mine.y, >=, geometry.crop_box.y - 1e-9);
      g_assert_cmpfloat (mine.x + mine.width, <=,
                         geometry.crop_box.x + geometry.crop_box.width + 1e-9);
      g_assert_cmpfloat (mine.y + mine.height, <=,
                         geometry.crop_box.y + geometry.crop_box.height + 1e-9);

      inkan_placement_user_to_visible (&geometry, &mine, &back);
      assert_rect (&back, visible.x, visible.y, visible.width, visible.height);
    }

  /* The accessor's own checks: the media box, and no page 2. */
  {
    g_autofree char *path = inkan_test_write_pdf ("geometry-boxes.pdf",
                                                  "/MediaBox [-100 -50 500 750] "
                                                  "/CropBox [-200 0 400 900] /Rotate 450",
                                                  FALSE);
    g_autoptr (GError) error = NULL;
    g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);
    InkanPageGeometry geometry;

    g_assert_no_error (error);
    g_assert_true (_inkan_pdf_get_page_geometry (pdf, 1, &geometry, &error));
    assert_rect (&geometry.media_box, -100, -50, 600, 800);
    assert_rect (&geometry.crop_box, -100, 0, 500, 750);
    g_assert_cmpint (geometry.rotate, ==, 90);
    g_assert_cmpfloat (geometry.user_unit, ==, 1.0);
    g_assert_false (_inkan_pdf_get_page_geometry (pdf, 2, &geometry, &error));
    g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/placement/default-size", test_default_size);
  g_test_add_func ("/inkan/placement/centre-and-clamp", test_centre_and_clamp);
  g_test_add_func ("/inkan/placement/keyboard-steps", test_keyboard_steps);
  g_test_add_func ("/inkan/placement/resize-with-pointer", test_resize_with_pointer);
  g_test_add_func ("/inkan/placement/shown-to-visible", test_shown_to_visible);
  g_test_add_func ("/inkan/placement/user-space", test_user_space);

  return g_test_run ();
}
