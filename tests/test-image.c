/* Tests of seal images: PNG decoding into Flate-compressed colour and soft-mask planes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include "inkan-image.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <png.h>
#include <string.h>
#include <zlib.h>

#define SEAL_SIZE 600

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

/* The demo seal from inkan-mkassets, made once per process. */
static const char *
seal_png (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *p = inkan_test_tmp_path ("seal.png");
      g_autofree char *err = NULL;
      const char *mkassets = g_getenv ("INKAN_MKASSETS");
      const char *argv[] = { mkassets, "seal", p, "--size", G_STRINGIFY (SEAL_SIZE), NULL };
      int status;

      g_assert_nonnull (mkassets);
      status = inkan_test_run (argv, NULL, &err);
      if (status != 0)
        g_test_message ("inkan-mkassets seal failed: %s", err);
      g_assert_cmpint (status, ==, 0);
      path = g_steal_pointer (&p);
    }
  return path;
}

/* Inflates a plane and asserts it holds exactly `expected` bytes, no more, no fewer. */
static guint8 *
inflate_plane (GBytes *plane, gsize expected)
{
  gsize compressed_len = 0;
  const guint8 *compressed = g_bytes_get_data (plane, &compressed_len);
  /* one spare byte: a plane longer than expected must not fit silently */
  uLongf len = expected + 1;
  guint8 *out = g_malloc (len);

  g_assert_cmpint (uncompress (out, &len, compressed, compressed_len), ==, Z_OK);
  g_assert_cmpuint (len, ==, expected);
  return out;
}

static void
write_bytes (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
write_surface_png (cairo_surface_t *surface, const char *path)
{
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

static void
assert_invalid (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = inkan_image_load_png (path, &error);

  g_assert_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID);
  g_assert_null (image);
  g_test_message ("as expected: %s", error->message);
}

static void
append_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 len)
{
  guint8 be[4] = { len >> 24, len >> 16, len >> 8, len };
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  crc = crc32 (crc, data, len);
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  be[0] = crc >> 24;
  be[1] = crc >> 16;
  be[2] = crc >> 8;
  be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* A well-formed PNG header that claims width × height RGBA pixels, then `idat` as image data:
 * what a hostile file looks like before any pixel is decoded. */
static GByteArray *
png_claiming (guint32 width, guint32 height, const guint8 *idat, gsize idat_len)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13] = { width >> 24, width >> 16, width >> 8, width,
                      height >> 24, height >> 16, height >> 8, height,
                      8, 6, 0, 0, 0 };
  GByteArray *png = g_byte_array_new ();

  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat, idat_len);
  append_chunk (png, "IEND", NULL, 0);
  return png;
}

static void
test_seal_loads (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = inkan_image_load_png (seal_png (), &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (image->width, ==, SEAL_SIZE);
  g_assert_cmpuint (image->height, ==, SEAL_SIZE);
  g_assert_nonnull (image->rgb);
  g_assert_nonnull (image->alpha);
  /* Flate did its job on a mostly transparent picture */
  g_assert_cmpuint (g_bytes_get_size (image->rgb), <, SEAL_SIZE * SEAL_SIZE * 3 / 4);
}

static void
test_seal_planes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = inkan_image_load_png (seal_png (), &error);
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *alpha = NULL;
  guint w, h, ring_x, ring_y, partial = 0, i;
  gsize ring;

  g_assert_no_error (error);
  w = image->width;
  h = image->height;
  rgb = inflate_plane (image->rgb, (gsize) w * h * 3);
  alpha = inflate_plane (image->alpha, (gsize) w * h);

  /* the corners lie outside the round seal */
  g_assert_cmpuint (alpha[0], ==, 0);
  g_assert_cmpuint (alpha[w - 1], ==, 0);
  g_assert_cmpuint (alpha[(gsize) (h - 1) * w], ==, 0);
  g_assert_cmpuint (alpha[(gsize) h * w - 1], ==, 0);

  /* the middle of the outer ring, straight above the centre (mkassets: radius 0.455, width
   * 0.05 of the size) is solid seal red */
  ring_x = w / 2;
  ring_y = h / 2 - (guint) (0.455 * h);
  ring = (gsize) ring_y * w + ring_x;
  g_assert_cmpuint (alpha[ring], ==, 255);
  g_assert_cmpuint (rgb[ring * 3], >, 160);
  g_assert_cmpuint (rgb[ring * 3], >, 3 * rgb[ring * 3 + 1]);
  g_assert_cmpuint (rgb[ring * 3], >, 3 * rgb[ring * 3 + 2]);

  /* Antialiased edges are partly transparent; their colour must be the straight seal red, not
   * cairo's premultiplied (darkened) value, or the PDF soft mask would darken the edges twice. */
  for (i = 0; i < w * h; i++)
    {
      if (alpha[i] < 64 || alpha[i] > 192)
        continue;
      partial++;
      g_assert_cmpint (ABS ((int) rgb[i * 3] - 208), <=, 12);
      g_assert_cmpint (ABS ((int) rgb[i * 3 + 1] - 28), <=, 12);
      g_assert_cmpint (ABS ((int) rgb[i * 3 + 2] - 28), <=, 12);
    }
  g_assert_cmpuint (partial, >, 100);
}

static void
test_opaque_rgb24 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autoptr (cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 64, 48);
  g_autoptr (cairo_t) cr = cairo_create (surface);
  g_autofree char *path = inkan_test_tmp_path ("opaque.png");
  g_autofree guint8 *rgb = NULL;
  guint i;

  cairo_set_source_rgb (cr, 0.2, 0.4, 0.6);
  cairo_paint (cr);
  write_surface_png (surface, path);

  image = inkan_image_load_png (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 64);
  g_assert_cmpuint (image->height, ==, 48);
  g_assert_null (image->alpha);
  rgb = inflate_plane (image->rgb, 64 * 48 * 3);
  for (i = 0; i < 64 * 48; i++)
    {
      g_assert_cmpuint (rgb[i * 3], ==, 51);
      g_assert_cmpuint (rgb[i * 3 + 1], ==, 102);
      g_assert_cmpuint (rgb[i * 3 + 2], ==, 153);
    }
}

/* An RGBA file whose pixels are all opaque needs no soft mask either. */
static void
test_opaque_argb32 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autoptr (cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
  g_autoptr (cairo_t) cr = cairo_create (surface);
  g_autofree char *path = inkan_test_tmp_path ("opaque-rgba.png");

  cairo_set_source_rgba (cr, 1, 0, 0, 1);
  cairo_paint (cr);
  write_surface_png (surface, path);

  image = inkan_image_load_png (path, &error);
  g_assert_no_error (error);
  g_assert_null (image->alpha);
  g_assert_nonnull (image->rgb);
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autofree char *path = inkan_test_tmp_path ("no-such-seal.png");
  g_autofree char *dir = g_path_get_dirname (path);

  image = inkan_image_load_png (path, &error);
  g_assert_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_NOT_FOUND);
  g_assert_null (image);
  g_clear_error (&error);

  /* a folder is not an image either */
  image = inkan_image_load_png (dir, &error);
  g_assert_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_NOT_FOUND);
  g_assert_null (image);
}

static void
test_not_png (void)
{
  g_autofree char *pdf = inkan_test_corpus ("pyhanko/pdf/minimal.pdf");
  g_autofree char *noise = inkan_test_tmp_path ("noise.png");
  g_autofree char *empty = inkan_test_tmp_path ("empty.png");
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240101);
  guint8 bytes[4096];
  guint i;

  for (i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);
  write_bytes (noise, bytes, sizeof bytes);
  write_bytes (empty, "", 0);

  assert_invalid (pdf);
  assert_invalid (noise);
  assert_invalid (empty);
}

static void
test_truncated (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = inkan_test_tmp_path ("truncated.png");
  gsize len = 0, cuts[5], i;

  g_file_get_contents (seal_png (), &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 1000);

  /* inside the signature, inside IHDR, just after it, in the middle of IDAT, before the end */
  cuts[0] = 4;
  cuts[1] = 20;
  cuts[2] = 40;
  cuts[3] = len / 2;
  cuts[4] = len - 100;
  for (i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes", cuts[i], len);
      write_bytes (path, contents, cuts[i]);
      assert_invalid (path);
    }
}

static void
test_corrupt_data (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *path = inkan_test_tmp_path ("corrupt.png");
  gsize len = 0, i;

  g_file_get_contents (seal_png (), &contents, &len, &error);
  g_assert_no_error (error);
  /* scribble over the compressed pixels: the chunk CRC and zlib catch it */
  for (i = len / 3; i < len / 3 + 64; i++)
    contents[i] ^= 0x5a;
  write_bytes (path, contents, len);
  assert_invalid (path);
}

static void
test_size_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autofree char *path = inkan_test_tmp_path ("limit.png");
  g_autoptr (cairo_surface_t) wide = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 4097, 1);
  g_autoptr (cairo_surface_t) tall = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 4097);
  g_autoptr (cairo_surface_t) edge = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 4096, 2);

  write_surface_png (wide, path);
  assert_invalid (path);
  write_surface_png (tall, path);
  assert_invalid (path);

  /* the limit itself is allowed */
  write_surface_png (edge, path);
  image = inkan_image_load_png (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 4096);
  g_assert_cmpuint (image->height, ==, 2);
}

/* Headers that claim enormous pictures must be refused from the header, before anything the
 * size of the claim is allocated or inflated: the error names the claimed size even though the
 * image data behind it is a few bytes. */
static void
test_size_claims (void)
{
  g_autofree char *path = inkan_test_tmp_path ("claims.png");
  static const guint32 sides[][2] = {
    { 0, 10 }, { 10, 0 }, { 20000, 20000 }, { 999999, 999999 }, { 0x7fffffff, 1 },
  };
  /* zlib stream of one zero byte: far too little data for any of the claims */
  static const guint8 tiny[] = { 0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autoptr (GByteArray) png = png_claiming (sides[i][0], sides[i][1], tiny, sizeof tiny);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanImage) image = NULL;
      g_autofree char *claimed = g_strdup_printf ("%u", MAX (sides[i][0], sides[i][1]));

      write_bytes (path, png->data, png->len);
      image = inkan_image_load_png (path, &error);
      g_assert_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID);
      g_assert_null (image);
      g_test_message ("claims %u x %u: %s", sides[i][0], sides[i][1], error->message);
      g_assert_nonnull (strstr (error->message, claimed));
    }
}

/* A real, valid 4100 × 4100 picture of zeros: 67 MB decoded, 65 KB on disk. */
static void
test_size_bomb (void)
{
  g_autofree char *path = inkan_test_tmp_path ("bomb.png");
  g_autoptr (GByteArray) idat = g_byte_array_new ();
  g_autoptr (GByteArray) png = NULL;
  g_autofree guint8 *row = g_malloc0 (1 + 4100 * 4);
  guint8 out[65536];
  z_stream z = { 0 };
  guint y;
  int ret;

  g_assert_cmpint (deflateInit (&z, 9), ==, Z_OK);
  for (y = 0; y < 4100; y++)
    {
      z.next_in = row;
      z.avail_in = 1 + 4100 * 4;
      do
        {
          z.next_out = out;
          z.avail_out = sizeof out;
          ret = deflate (&z, y + 1 == 4100 ? Z_FINISH : Z_NO_FLUSH);
          g_assert_cmpint (ret, !=, Z_STREAM_ERROR);
          g_byte_array_append (idat, out, sizeof out - z.avail_out);
        }
      while (z.avail_out == 0);
    }
  g_assert_cmpint (ret, ==, Z_STREAM_END);
  deflateEnd (&z);

  png = png_claiming (4100, 4100, idat->data, idat->len);
  write_bytes (path, png->data, png->len);
  assert_invalid (path);
}

/* Straight colour survives exactly, also where the seal is nearly transparent: a decoder that
 * premultiplies (cairo) loses it there (208 at alpha 8 would come back as 223). */
static void
test_straight_colour_exact (void)
{
  static const guint8 pixels[] = {
    208, 28, 28, 0,    208, 28, 28, 8,    208, 28, 28, 128,  208, 28, 28, 255,
    10, 200, 90, 3,    10, 200, 90, 77,   255, 255, 255, 1,  0, 0, 0, 254,
  };
  g_autofree char *path = inkan_test_tmp_path ("straight.png");
  png_image png = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *alpha = NULL;
  guint i;

  png.version = PNG_IMAGE_VERSION;
  png.width = 4;
  png.height = 2;
  png.format = PNG_FORMAT_RGBA;
  g_assert_true (png_image_write_to_file (&png, path, 0, pixels, 0, NULL));
  png_image_free (&png);

  image = inkan_image_load_png (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 4);
  g_assert_cmpuint (image->height, ==, 2);
  g_assert_nonnull (image->alpha);
  rgb = inflate_plane (image->rgb, 8 * 3);
  alpha = inflate_plane (image->alpha, 8);
  for (i = 0; i < 8; i++)
    {
      g_assert_cmpuint (alpha[i], ==, pixels[i * 4 + 3]);
      /* A fully transparent pixel's colour is whatever the file says: nothing shows it. */
      if (pixels[i * 4 + 3] == 0)
        continue;
      g_assert_cmpmem (rgb + i * 3, 3, pixels + i * 4, 3);
    }
}

/* ---- the cache of prepared planes ------------------------------------------------------ */

static GBytes *
plane_of (guint8 value, gsize len)
{
  g_autofree guint8 *raw = g_malloc (len);
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  memset (raw, value, len);
  g_assert_cmpint (compress (out, &out_len, raw, len), ==, Z_OK);
  return g_bytes_new_take (out, out_len);
}

static void
put32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (a, b, 4);
}

/* A cache entry as inkan-image.c lays it out: "INKANIMG", version 1, width, height, the planes'
 * lengths (little-endian), the SHA-256 of the planes, the planes. */
static GBytes *
cache_entry (guint width, guint height, GBytes *rgb, GBytes *alpha)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_byte_array_append (a, (const guint8 *) "INKANIMG", 8);
  put32 (a, 1);
  put32 (a, width);
  put32 (a, height);
  put32 (a, (guint32) g_bytes_get_size (rgb));
  put32 (a, (guint32) g_bytes_get_size (alpha));
  g_checksum_update (sum, g_bytes_get_data (rgb, NULL), (gssize) g_bytes_get_size (rgb));
  g_checksum_update (sum, g_bytes_get_data (alpha, NULL), (gssize) g_bytes_get_size (alpha));
  g_checksum_get_digest (sum, digest, &len);
  g_byte_array_append (a, digest, sizeof digest);
  g_byte_array_append (a, g_bytes_get_data (rgb, NULL), (guint) g_bytes_get_size (rgb));
  g_byte_array_append (a, g_bytes_get_data (alpha, NULL), (guint) g_bytes_get_size (alpha));
  return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

static InkanImage *
load_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  InkanImage *image = inkan_image_load_png (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

/* A seal's planes are kept under the SHA-256 of the PNG, taken back from there while the entry
 * checks out, and made again (the same bytes) when it does not; a cache that cannot be written
 * changes nothing but the time. */
static void
test_cache (void)
{
  g_autoptr (cairo_surface_t) surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 40, 30);
  g_autoptr (cairo_t) cr = cairo_create (surface);
  g_autofree char *path = inkan_test_tmp_path ("cached.png");
  g_autofree char *png = NULL;
  g_autofree char *name = NULL, *dir = NULL, *entry = NULL, *kept = NULL, *again = NULL;
  g_autoptr (GBytes) red = NULL, mask = NULL, planted = NULL;
  g_autoptr (InkanImage) first = NULL, blocked = NULL, taken = NULL, remade = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0, kept_len = 0, again_len = 0;
  guint8 *bytes;

  cairo_set_source_rgba (cr, 0.8, 0.1, 0.1, 0.5);
  cairo_arc (cr, 20, 15, 12, 0, 2 * G_PI);
  cairo_fill (cr);
  write_surface_png (surface, path);
  g_assert_true (g_file_get_contents (path, &png, &len, &error));
  g_assert_no_error (error);
  name = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) png, len);
  dir = g_build_filename (g_get_user_cache_dir (), "inkan", "seal-images", NULL);
  entry = g_build_filename (dir, name, NULL);

  /* The cache's place taken by a file: the image loads, nothing is kept. */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  {
    g_autofree char *parent = g_path_get_dirname (dir);
    g_autofree char *aside = g_strconcat (dir, ".aside", NULL);
    gboolean existed = g_file_test (dir, G_FILE_TEST_IS_DIR);

    g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
    if (existed)
      g_assert_cmpint (g_rename (dir, aside), ==, 0);
    write_bytes (dir, "not a directory", 15);
    blocked = load_ok (path);
    g_assert_true (g_file_test (dir, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint (g_unlink (dir), ==, 0);
    if (existed)
      g_assert_cmpint (g_rename (aside, dir), ==, 0);
  }

  /* First use: the entry is written. */
  first = load_ok (path);
  g_assert_true (g_bytes_equal (first->rgb, blocked->rgb));
  g_assert_true (g_bytes_equal (first->alpha, blocked->alpha));
  g_assert_true (g_file_get_contents (entry, &kept, &kept_len, NULL));

  /* An entry that checks out is what is used: a planted one with planes of its own proves it. */
  red = plane_of (0x80, 40 * 30 * 3);
  mask = plane_of (0xff, 40 * 30);
  planted = cache_entry (40, 30, red, mask);
  write_bytes (entry, g_bytes_get_data (planted, NULL), g_bytes_get_size (planted));
  taken = load_ok (path);
  g_assert_true (g_bytes_equal (taken->rgb, red));
  g_assert_true (g_bytes_equal (taken->alpha, mask));

  /* One changed byte in a plane: the image is decoded again and the entry made again. */
  bytes = g_memdup2 (g_bytes_get_data (planted, NULL), g_bytes_get_size (planted));
  bytes[g_bytes_get_size (planted) - 3] ^= 0x01;
  write_bytes (entry, bytes, g_bytes_get_size (planted));
  g_free (bytes);
  remade = load_ok (path);
  g_assert_true (g_bytes_equal (remade->rgb, first->rgb));
  g_assert_true (g_bytes_equal (remade->alpha, first->alpha));
  g_assert_true (g_file_get_contents (entry, &again, &again_len, NULL));
  g_assert_cmpmem (again, again_len, kept, kept_len);

  /* An entry for another size, or cut short, is not used either. */
  {
    g_autoptr (GBytes) other = cache_entry (30, 40, red, mask);
    g_autoptr (InkanImage) a = NULL, b = NULL;

    write_bytes (entry, g_bytes_get_data (other, NULL), g_bytes_get_size (other));
    a = load_ok (path);
    g_assert_true (g_bytes_equal (a->rgb, first->rgb));
    write_bytes (entry, kept, kept_len - 1);
    b = load_ok (path);
    g_assert_true (g_bytes_equal (b->alpha, first->alpha));
  }
}

int
main (int argc, char **argv)
{
  g_autofree char *cache = NULL;

  g_test_init (&argc, &argv, NULL);
  /* The prepared planes go to a cache of this run's own. */
  cache = inkan_test_tmp_path ("xdg-cache");
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  g_test_add_func ("/inkan/image/seal/loads-with-size-and-alpha", test_seal_loads);
  g_test_add_func ("/inkan/image/seal/planes-inflate-to-straight-colour", test_seal_planes);
  g_test_add_func ("/inkan/image/straight-colour-exact", test_straight_colour_exact);
  g_test_add_func ("/inkan/image/opaque/rgb-has-no-soft-mask", test_opaque_rgb24);
  g_test_add_func ("/inkan/image/opaque/rgba-all-opaque-has-no-soft-mask", test_opaque_argb32);
  g_test_add_func ("/inkan/image/error/missing-file-is-not-found", test_missing);
  g_test_add_func ("/inkan/image/error/not-png-is-invalid", test_not_png);
  g_test_add_func ("/inkan/image/error/truncated-png-is-invalid", test_truncated);
  g_test_add_func ("/inkan/image/error/corrupt-png-is-invalid", test_corrupt_data);
  g_test_add_func ("/inkan/image/error/over-size-limit-is-invalid", test_size_limit);
  g_test_add_func ("/inkan/image/error/huge-claims-refused-from-the-header", test_size_claims);
  g_test_add_func ("/inkan/image/error/decompression-bomb-is-invalid", test_size_bomb);
  g_test_add_func ("/inkan/image/cache/planes-kept-checked-and-remade", test_cache);

  return g_test_run ();
}
