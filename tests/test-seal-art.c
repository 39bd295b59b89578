/* Seal artwork: drawn seals against reference images, names on the arc, transparency and red ink,
 * scanned seals cleaned, and inkan-cli's seal draw / import-image. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-image.h"
#include "inkan-seal-art.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

typedef struct
{
  const char *file;
  InkanSealArtSpec spec;
} Reference;

static const Reference references[] = {
  { "round.png", { INKAN_SEAL_ART_ROUND, "北京市某某科技有限公司", "合同专用章", NULL, 0, 0, FALSE } },
  { "round-code.png", { INKAN_SEAL_ART_ROUND, "上海某某实业股份有限公司", "公章", "3101150067890", 40, 0,
                        TRUE } },
  { "oval.png", { INKAN_SEAL_ART_OVAL, "上海某某贸易有限公司", "财务专用章", "3101150067890", 0, 0,
                  FALSE } },
  { "square.png", { INKAN_SEAL_ART_SQUARE, "张三之印", NULL, NULL, 0, 0, FALSE } },
  { "square-latin.png", { INKAN_SEAL_ART_SQUARE, "Li Wei", NULL, NULL, 0, 0, FALSE } },
};

/* The alpha of pixel (x, y), and its colour unpremultiplied. */
static guint8
pixel (cairo_surface_t *surface, int x, int y, guint8 rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (surface)
                                  + (gsize) x * 4);
  guint8 a = p >> 24;

  if (rgb != NULL)
    {
      rgb[0] = a ? (guint8) MIN (255, ((p >> 16) & 0xff) * 255 / a) : 0;
      rgb[1] = a ? (guint8) MIN (255, ((p >> 8) & 0xff) * 255 / a) : 0;
      rgb[2] = a ? (guint8) MIN (255, (p & 0xff) * 255 / a) : 0;
    }
  return a;
}

static cairo_surface_t *
render (const InkanSealArtSpec *spec, InkanSealArtLayout **layout)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = inkan_seal_art_render (spec, layout, &error);

  g_assert_no_error (error);
  g_assert_nonnull (surface);
  cairo_surface_flush (surface);
  return surface;
}

/* Every opaque pixel is the seal's red; the corners are transparent; some ink was drawn. */
static void
assert_red_on_transparent (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int x, y;
  guint64 solid = 0;

  g_assert_cmpint (pixel (surface, 0, 0, NULL), ==, 0);
  g_assert_cmpint (pixel (surface, w - 1, 0, NULL), ==, 0);
  g_assert_cmpint (pixel (surface, 0, h - 1, NULL), ==, 0);
  g_assert_cmpint (pixel (surface, w - 1, h - 1, NULL), ==, 0);
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        guint8 rgb[3];

        if (pixel (surface, x, y, rgb) < 255)
          continue;
        solid++;
        g_assert_cmpint (rgb[0], >=, 180);
        g_assert_cmpint (rgb[1], <=, 40);
        g_assert_cmpint (rgb[2], <=, 60);
      }
  g_assert_cmpuint (solid, >, (guint64) w * h / 50);
}

/* The share of pixels whose alpha differs by more than a quarter, and the mean difference. */
static void
compare (cairo_surface_t *a, cairo_surface_t *b, double *far, double *mean)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  guint64 n_far = 0, sum = 0;
  int x, y;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, h);
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        int d = ABS ((int) pixel (a, x, y, NULL) - (int) pixel (b, x, y, NULL));
        sum += d;
        n_far += d > 64;
      }
  *far = (double) n_far / ((double) w * h);
  *mean = (double) sum / ((double) w * h);
}

static void
test_reference (gconstpointer data)
{
  const Reference *ref = data;
  g_autoptr (cairo_surface_t) drawn = render (&ref->spec, NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seal-art", ref->file, NULL);
  g_autoptr (cairo_surface_t) expected = NULL;
  const char *write_dir = g_getenv ("INKAN_SEAL_ART_WRITE_REFERENCES");
  double far, mean;

  assert_red_on_transparent (drawn);
  if (write_dir != NULL)
    {
      g_autofree char *out = g_build_filename (write_dir, ref->file, NULL);
      g_autoptr (GError) error = NULL;

      g_assert_true (inkan_seal_art_write_png (drawn, out, &error));
      g_assert_no_error (error);
      g_test_message ("wrote %s", out);
    }
  expected = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (expected), ==, CAIRO_STATUS_SUCCESS);
  compare (drawn, expected, &far, &mean);
  g_test_message ("%s: %.4f%% of pixels differ by more than 64, mean difference %.3f", ref->file,
                  far * 100, mean);
  g_assert_cmpfloat (far, <, 0.003);
  g_assert_cmpfloat (mean, <, 1.5);
}

/* The comparison can fail: another seal is far from the reference. */
static void
test_reference_detects_change (void)
{
  InkanSealArtSpec spec = references[0].spec;
  g_autoptr (cairo_surface_t) drawn = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seal-art", "round.png",
                                                 NULL);
  g_autoptr (cairo_surface_t) expected = cairo_image_surface_create_from_png (path);
  double far, mean;

  spec.name = "北京市某某科技有限责任公司";
  drawn = render (&spec, NULL);
  compare (drawn, expected, &far, &mean);
  g_assert_cmpfloat (far, >, 0.003);
}

static void
assert_fits (const InkanSealArtLayout *layout, guint n, gboolean even)
{
  guint i;

  g_assert_cmpuint (layout->n_glyphs, ==, n);
  g_assert_cmpfloat (layout->span_start, <, layout->span_end);
  for (i = 0; i < n; i++)
    {
      const InkanSealArtExtent *g = &layout->glyphs[i];

      g_assert_cmpfloat (g->start, <=, g->end);   /* a space has no ink */
      g_assert_cmpfloat (g->start, >=, layout->span_start);
      g_assert_cmpfloat (g->end, <=, layout->span_end);
      if (i > 0)
        g_assert_cmpfloat (layout->glyphs[i - 1].end, <=, g->start);
    }
  /* Evenly: the steps between neighbours of the same width differ little. */
  if (even && n > 2)
    {
      double lo = G_MAXDOUBLE, hi = 0;

      for (i = 1; i < n; i++)
        {
          double centre_gap = (layout->glyphs[i].start + layout->glyphs[i].end) / 2
                              - (layout->glyphs[i - 1].start + layout->glyphs[i - 1].end) / 2;
          lo = MIN (lo, centre_gap);
          hi = MAX (hi, centre_gap);
        }
      g_assert_cmpfloat (hi - lo, <, 0.25 * hi);
    }
}

static const char *const names[] = {
  "公司",
  "北京某某科技有限公司",
  "中华人民共和国北京市海淀区某某某科学技术研究发展有限责任公司",
  "Inkan Software Ltd",
  "Inkan Digital Seal Software Co Ltd",
};

static void
test_arc_fits (gconstpointer data)
{
  InkanSealArtKind kind = GPOINTER_TO_INT (data);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      InkanSealArtSpec spec = { kind, names[i], kind == INKAN_SEAL_ART_ROUND ? "合同专用章"
                                                                             : "财务专用章",
                                NULL, 0, 300, FALSE };
      g_autoptr (InkanSealArtLayout) layout = NULL;
      g_autoptr (cairo_surface_t) surface = NULL;
      glong n = g_utf8_strlen (names[i], -1);

      if (n > INKAN_SEAL_ART_MAX_NAME)
        continue;
      g_test_message ("%s: %s (%ld characters)", inkan_seal_art_kind_to_string (kind), names[i], n);
      surface = render (&spec, &layout);
      assert_fits (layout, (guint) n, g_utf8_get_char (names[i]) >= 0x3000);
      if (n >= 30)
        g_assert_cmpfloat (layout->condense, <, 1.0);
      if (n <= 10)
        g_assert_cmpfloat (layout->condense, ==, 1.0);
      assert_red_on_transparent (surface);
    }
}

/* A round seal's name stays on the upper arc: within 115° of the top. */
static void
test_arc_span (void)
{
  InkanSealArtSpec spec = { INKAN_SEAL_ART_ROUND, names[2], "合同专用章", NULL, 0, 150, FALSE };
  g_autoptr (InkanSealArtLayout) layout = NULL;
  g_autoptr (cairo_surface_t) surface = render (&spec, &layout);

  g_assert_cmpuint (layout->n_glyphs, ==, 30);
  g_assert_cmpfloat (layout->span_end, <=, 115 * G_PI / 180 + 1e-9);
  g_assert_cmpfloat (layout->glyphs[0].start, <, -100 * G_PI / 180);
  g_assert_cmpfloat (layout->glyphs[29].end, >, 100 * G_PI / 180);
}

static void
test_physical_size (void)
{
  struct { InkanSealArtKind kind; double mm, dpi; int w, h; } cases[] = {
    { INKAN_SEAL_ART_ROUND, 0, 0, 993, 993 },     /* 42 mm at 600 dpi */
    { INKAN_SEAL_ART_ROUND, 40, 1200, 1890, 1890 },
    { INKAN_SEAL_ART_OVAL, 0, 0, 1063, 709 },     /* 45 × 30 mm */
    { INKAN_SEAL_ART_SQUARE, 0, 0, 473, 473 },    /* 20 mm */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      InkanSealArtSpec spec = { cases[i].kind, "某某", NULL, NULL, cases[i].mm, cases[i].dpi,
                                FALSE };
      g_autoptr (cairo_surface_t) surface = render (&spec, NULL);

      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, cases[i].w);
      g_assert_cmpint (cairo_image_surface_get_height (surface), ==, cases[i].h);
    }
}

static void
test_invalid (void)
{
  static const char *const bad_names[] = { "", "   ", "\xff\xfe",
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      InkanSealArtSpec spec = { INKAN_SEAL_ART_ROUND, bad_names[i], NULL, NULL, 0, 0, FALSE };
      g_autoptr (GError) error = NULL;
      cairo_surface_t *surface = inkan_seal_art_render (&spec, NULL, &error);

      g_assert_null (surface);
      g_assert_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID);
    }
  {
    InkanSealArtSpec spec = { INKAN_SEAL_ART_ROUND, "某某", NULL, NULL, 100, 4800, FALSE };
    g_autoptr (GError) error = NULL;

    g_assert_null (inkan_seal_art_render (&spec, NULL, &error));
    g_assert_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID);
  }
}

/* ---- import ------------------------------------------------------------------------------ */

/* A scan as a phone or flatbed makes it: the seal at 80% ink on slightly grey paper, grain,
 * a blue ballpoint line across it, grey specks, saved as JPEG. Returns the path. */
static char *
make_scan (const char *name, gboolean with_seal, guint64 *ink_pixels)
{
  InkanSealArtSpec spec = { INKAN_SEAL_ART_ROUND, "北京市某某科技有限公司", "合同专用章", NULL, 0,
                            300, FALSE };
  g_autoptr (cairo_surface_t) seal = render (&spec, NULL);
  int sw = cairo_image_surface_get_width (seal), w = sw + 200, h = sw + 160, x, y;
  g_autoptr (GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  g_autoptr (GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (page);
  int stride = gdk_pixbuf_get_rowstride (page);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  char *path = inkan_test_tmp_path (name);

  *ink_pixels = 0;
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        double grain = g_rand_double_range (rand, -8, 8);
        double r = 245 + grain, g = 243 + grain, b = 238 + grain;
        int sx = x - 120, sy = y - 60;

        if (with_seal && sx >= 0 && sy >= 0 && sx < sw && sy < sw)
          {
            guint8 rgb[3];
            double a = pixel (seal, sx, sy, rgb) / 255.0 * 0.85;

            r = r * (1 - a) + rgb[0] * 0.9 * a;
            g = g * (1 - a) + rgb[1] * a;
            b = b * (1 - a) + rgb[2] * a;
            *ink_pixels += a > 0.6;
          }
        /* A blue ballpoint stroke and grey specks. */
        if (ABS (y - (x / 3 + 100)) < 4)
          {
            r = 30;
            g = 50;
            b = 170;
          }
        if (g_rand_int_range (rand, 0, 400) == 0)
          r = g = b = g_rand_int_range (rand, 60, 160);
        p[0] = (guint8) CLAMP (r, 0, 255);
        p[1] = (guint8) CLAMP (g, 0, 255);
        p[2] = (guint8) CLAMP (b, 0, 255);
      }
  g_assert_true (gdk_pixbuf_save (page, path, "jpeg", &error, "quality", "85", NULL));
  g_assert_no_error (error);
  return path;
}

static void
test_import_jpeg (void)
{
  guint64 ink_in = 0, ink_out = 0, transparent = 0, blue_left = 0;
  g_autofree char *scan = make_scan ("scan.jpg", TRUE, &ink_in);
  g_autoptr (GError) error = NULL;
  g_autoptr (cairo_surface_t) clean = inkan_seal_art_import (scan, &error);
  int w, h, x, y;

  g_assert_no_error (error);
  g_assert_nonnull (clean);
  w = cairo_image_surface_get_width (clean);
  h = cairo_image_surface_get_height (clean);
  /* Cropped to the seal (300 dpi, 42 mm: 497 px) and a small margin. */
  g_assert_cmpint (w, >=, 480);
  g_assert_cmpint (w, <=, 540);
  g_assert_cmpint (h, >=, 480);
  g_assert_cmpint (h, <=, 540);
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        guint8 rgb[3];
        guint8 a = pixel (clean, x, y, rgb);

        transparent += a == 0;
        if (a > 150)
          {
            ink_out++;
            g_assert_cmpint (rgb[0], >, 150);
            g_assert_cmpint (rgb[0], >, rgb[1] + 100);
            g_assert_cmpint (rgb[0], >, rgb[2] + 80);
          }
      }
  /* The blue stroke at the crop's position is gone: sample its pixels away from the ink. */
  for (x = 0; x < w; x++)
    {
      int px = x + 120 - 6, py = px / 3 + 100 - 60 + 6;   /* roughly, in crop coordinates */
      if (py >= 0 && py < h && pixel (clean, x, py, NULL) > 200)
        blue_left++;
    }
  g_test_message ("ink pixels in %" G_GUINT64_FORMAT ", out %" G_GUINT64_FORMAT
                  ", transparent %" G_GUINT64_FORMAT " of %d", ink_in, ink_out, transparent, w * h);
  g_assert_cmpint (pixel (clean, 0, 0, NULL), ==, 0);
  g_assert_cmpint (pixel (clean, w - 1, 0, NULL), ==, 0);
  g_assert_cmpint (pixel (clean, 0, h - 1, NULL), ==, 0);
  g_assert_cmpint (pixel (clean, w - 1, h - 1, NULL), ==, 0);
  g_assert_cmpuint (transparent, >, (guint64) w * h / 2);
  g_assert_cmpuint (ink_out, >, ink_in * 8 / 10);
  g_assert_cmpuint (ink_out, <, ink_in * 12 / 10);
  g_assert_cmpuint (blue_left, <, (guint64) w / 10);
}

static void
test_import_refusals (void)
{
  guint64 ink = 0;
  g_autofree char *blank = make_scan ("blank.jpg", FALSE, &ink);
  g_autofree char *text = inkan_test_tmp_path ("not-an-image.png");
  g_autofree char *missing = inkan_test_tmp_path ("missing.png");
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL;

  g_assert_true (g_file_set_contents (text, "this is not a picture\n", -1, NULL));
  g_assert_null (inkan_seal_art_import (blank, &e1));
  g_assert_error (e1, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_NO_INK);
  g_assert_null (inkan_seal_art_import (text, &e2));
  g_assert_error (e2, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_UNREADABLE);
  g_assert_null (inkan_seal_art_import (missing, &e3));
  g_assert_error (e3, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_NOT_FOUND);
}

/* ---- inkan-cli ----------------------------------------------------------------------------- */

static int
cli (char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("INKAN_CLI"));
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return inkan_test_run ((const char * const *) argv->pdata, NULL, err);
}

static void
test_cli_draw (void)
{
  g_autofree char *out = inkan_test_tmp_path ("cli-round.png");
  g_autofree char *bad = inkan_test_tmp_path ("cli-bad.png");
  g_autofree char *err = NULL, *err2 = NULL, *err3 = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (cli (NULL, "seal", "draw", "--kind", "round", "--name", "北京市某某科技有限公司",
                        "--purpose", "合同专用章", "-o", out, NULL), ==, 0);
  /* The signing code takes it as any seal image. */
  image = inkan_image_load_png (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 993);
  g_assert_nonnull (image->alpha);

  g_assert_cmpint (cli (&err, "seal", "draw", "--kind", "hexagon", "--name", "某某", "-o", bad,
                        NULL), ==, 64);
  g_assert_nonnull (strstr (err, "--kind"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cli (&err2, "seal", "draw", "--kind", "round", "--name",
                        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "-o", bad,
                        NULL), ==, 64);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cli (&err3, "seal", "draw", "--kind", "square", "--name", "张三", NULL), ==, 64);
}

static void
test_cli_import (void)
{
  guint64 ink = 0;
  g_autofree char *scan = make_scan ("cli-scan.jpg", TRUE, &ink);
  g_autofree char *out = inkan_test_tmp_path ("cli-clean.png");
  g_autofree char *bad = inkan_test_tmp_path ("cli-clean-bad.png");
  g_autofree char *text = inkan_test_tmp_path ("cli-text.jpg");
  g_autofree char *missing = inkan_test_tmp_path ("cli-missing.jpg");
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *err = NULL, *err2 = NULL;
  gsize len_before = 0, len_after = 0;
  g_autoptr (InkanImage) image = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (scan, &before, &len_before, NULL));
  g_assert_cmpint (cli (NULL, "seal", "import-image", scan, "-o", out, NULL), ==, 0);
  g_assert_true (g_file_get_contents (scan, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);
  image = inkan_image_load_png (out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image->alpha);

  g_assert_true (g_file_set_contents (text, "not a jpeg", -1, NULL));
  g_assert_cmpint (cli (&err, "seal", "import-image", text, "-o", bad, NULL), ==, 69);
  g_assert_nonnull (strstr (err, "not a PNG or JPEG"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_cmpint (cli (&err2, "seal", "import-image", missing, "-o", bad, NULL), ==, 66);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

/* A drawn seal registers like any other: `seal create --image` takes it. */
static void
test_cli_create_with_drawn (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *db = inkan_test_store_make ("art-store");
  g_autofree char *png = inkan_test_tmp_path ("store-oval.png");
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cli (NULL, "seal", "draw", "--kind", "oval", "--name", "上海某某贸易有限公司",
                        "--purpose", "财务专用章", "-o", png, NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, &err, "admin", "seal", "create", "Finance",
                                         "--kind", "finance", "--image", png, "--cert",
                                         pki->second_pem, "--key", pki->second_key_url, "--pin-file",
                                         pki->pin_file, NULL),
                   ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, &out, NULL, "admin", "seal", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Finance\tfinance\tactive"));
}

int
main (int argc, char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  for (i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autofree char *name = g_strdup_printf ("/inkan/seal-art/reference/%s", references[i].file);
      g_test_add_data_func (name, &references[i], test_reference);
    }
  g_test_add_func ("/inkan/seal-art/reference/detects-change", test_reference_detects_change);
  g_test_add_data_func ("/inkan/seal-art/arc/round-fits", GINT_TO_POINTER (INKAN_SEAL_ART_ROUND),
                        test_arc_fits);
  g_test_add_data_func ("/inkan/seal-art/arc/oval-fits", GINT_TO_POINTER (INKAN_SEAL_ART_OVAL),
                        test_arc_fits);
  g_test_add_func ("/inkan/seal-art/arc/round-span", test_arc_span);
  g_test_add_func ("/inkan/seal-art/physical-size", test_physical_size);
  g_test_add_func ("/inkan/seal-art/invalid", test_invalid);
  g_test_add_func ("/inkan/seal-art/import/jpeg", test_import_jpeg);
  g_test_add_func ("/inkan/seal-art/import/refusals", test_import_refusals);
  g_test_add_func ("/inkan/seal-art/cli/draw", test_cli_draw);
  g_test_add_func ("/inkan/seal-art/cli/import-image", test_cli_import);
  g_test_add_func ("/inkan/seal-art/cli/create-with-drawn", test_cli_create_with_drawn);
  return g_test_run ();
}
