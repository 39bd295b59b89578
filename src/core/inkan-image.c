/* Seal images: a PNG decoded into the colour and alpha planes of a PDF image XObject. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-image.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

G_DEFINE_QUARK (inkan-image-error-quark, inkan_image_error)

/* Beyond this the image is not a seal but a poster, and would bloat every signed document. */
#define MAX_SIDE 4096

static gboolean
check_size (const char *display, guint32 width, guint32 height, GError **error)
{
  if (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE)
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID,
                   _("The seal image “%s” is %u × %u pixels; a seal image must be between 1 and "
                     "%u pixels on each side."),
                   display, width, height, MAX_SIDE);
      return FALSE;
    }
  return TRUE;
}

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* A decoder allocates and inflates whatever size the header claims, so a few bytes claiming
 * 60000 × 60000 pixels (or a small file that inflates to gigabytes) would exhaust memory: the
 * signature and IHDR are checked first, from the file itself. */
static gboolean
check_png_header (const char *path, const char *display, GError **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 header[24];
  gsize n;
  FILE *file = g_fopen (path, "rb");

  if (file == NULL)
    {
      int saved = errno;
      g_set_error (error, INKAN_IMAGE_ERROR,
                   saved == ENOENT ? INKAN_IMAGE_ERROR_NOT_FOUND : INKAN_IMAGE_ERROR_FAILED,
                   _("The seal image “%s” cannot be opened: %s."), display, g_strerror (saved));
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);

  /* IHDR must come first: length 13, then the type, then width and height, big-endian. */
  if (n < sizeof header || memcmp (header, signature, sizeof signature) != 0
      || memcmp (header + 12, "IHDR", 4) != 0)
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID,
                   _("The seal image “%s” is not a PNG file: choose a PNG image."), display);
      return FALSE;
    }
  return check_size (display, read_be32 (header + 16), read_be32 (header + 20), error);
}

/* Compresses one plane with `z`, a deflate stream that serves both planes of an image: its
 * state (a quarter of a megabyte) is then made, and its pages first touched, once. */
static GBytes *
deflate_plane (z_stream *z, const guint8 *data, gsize len, GError **error)
{
  uLong bound = deflateBound (z, len);
  g_autofree guint8 *out = g_malloc (bound);
  gsize out_len;

  z->next_in = (Bytef *) data;
  z->avail_in = (uInt) len;
  z->next_out = out;
  z->avail_out = (uInt) bound;
  if (len > G_MAXUINT || bound > G_MAXUINT || deflate (z, Z_FINISH) != Z_STREAM_END)
    {
      deflateReset (z);
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_FAILED,
                   _("The seal image could not be compressed."));
      return NULL;
    }
  out_len = (gsize) z->total_out;
  deflateReset (z);
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), out_len), out_len);
}

void
inkan_image_split_rgba (guint8 *rgba, gsize n_pixels, guint8 **alpha)
{
  gboolean opaque = TRUE;
  gsize i;

  *alpha = g_malloc (n_pixels);
  /* Pixel i's colour goes to 3 i, never after where its own bytes were read. */
  for (i = 0; i < n_pixels; i++)
    {
      guint8 a = rgba[i * 4 + 3];

      rgba[i * 3] = rgba[i * 4];
      rgba[i * 3 + 1] = rgba[i * 4 + 1];
      rgba[i * 3 + 2] = rgba[i * 4 + 2];
      (*alpha)[i] = a;
      opaque &= a == 0xff;
    }
  if (opaque)
    g_clear_pointer (alpha, g_free);
}

/* ---- the planes of seal images already prepared --------------------------------------- */

/* Decoding a seal and compressing its planes is most of what a visible seal costs beyond an
 * invisible one (~20 ms for a 600 × 600 seal), and a clerk seals with the same few images all
 * day: the planes are kept in $XDG_CACHE_HOME/inkan/seal-images, under the SHA-256 of the PNG's
 * bytes. An entry is "INKANIMG", then little-endian 32-bit version, width, height and the two
 * planes' lengths, the SHA-256 of the planes, and the planes. One that does not check out is
 * made again; one that cannot be written is not kept. The sealed document is the same either
 * way, byte for byte. */
#define CACHE_MAGIC "INKANIMG"
#define CACHE_VERSION 1u
#define CACHE_HEADER (8 + 5 * 4 + 32)

static char *
cache_path (GBytes *png)
{
  g_autofree char *name = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);

  return g_build_filename (g_get_user_cache_dir (), "inkan", "seal-images", name, NULL);
}

static void
planes_digest (GBytes *rgb, GBytes *alpha, guint8 digest[32])
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (sum, g_bytes_get_data (rgb, NULL), (gssize) g_bytes_get_size (rgb));
  if (alpha != NULL)
    g_checksum_update (sum, g_bytes_get_data (alpha, NULL), (gssize) g_bytes_get_size (alpha));
  g_checksum_get_digest (sum, digest, &len);
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static void
put_le32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

/* The entry for a PNG of `width` × `height`, or NULL. */
static InkanImage *
cache_load (const char *path, guint32 width, guint32 height)
{
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) entry = NULL;
  g_autoptr (InkanImage) image = NULL;
  const guint8 *d;
  gsize size = 0;
  guint32 rgb_len, alpha_len;
  guint8 digest[32];

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return NULL;
  d = (const guint8 *) contents;
  entry = g_bytes_new_take (g_steal_pointer (&contents), size);
  if (size < CACHE_HEADER || memcmp (d, CACHE_MAGIC, 8) != 0
      || read_le32 (d + 8) != CACHE_VERSION || read_le32 (d + 12) != width
      || read_le32 (d + 16) != height)
    return NULL;
  rgb_len = read_le32 (d + 20);
  alpha_len = read_le32 (d + 24);
  if (rgb_len == 0 || (guint64) CACHE_HEADER + rgb_len + alpha_len != size)
    return NULL;
  image = g_new0 (InkanImage, 1);
  image->width = width;
  image->height = height;
  /* The planes are slices of the entry as read. */
  image->rgb = g_bytes_new_from_bytes (entry, CACHE_HEADER, rgb_len);
  if (alpha_len > 0)
    image->alpha = g_bytes_new_from_bytes (entry, CACHE_HEADER + rgb_len, alpha_len);
  planes_digest (image->rgb, image->alpha, digest);
  if (memcmp (digest, d + 28, 32) != 0)
    return NULL;
  return g_steal_pointer (&image);
}

static void
cache_store (const char *path, const InkanImage *image)
{
  g_autofree char *dir = g_path_get_dirname (path);
  gsize rgb_len = g_bytes_get_size (image->rgb);
  gsize alpha_len = image->alpha != NULL ? g_bytes_get_size (image->alpha) : 0;
  g_autofree guint8 *d = g_malloc (CACHE_HEADER + rgb_len + alpha_len);

  memcpy (d, CACHE_MAGIC, 8);
  put_le32 (d + 8, CACHE_VERSION);
  put_le32 (d + 12, image->width);
  put_le32 (d + 16, image->height);
  put_le32 (d + 20, (guint32) rgb_len);
  put_le32 (d + 24, (guint32) alpha_len);
  planes_digest (image->rgb, image->alpha, d + 28);
  memcpy (d + CACHE_HEADER, g_bytes_get_data (image->rgb, NULL), rgb_len);
  if (alpha_len > 0)
    memcpy (d + CACHE_HEADER + rgb_len, g_bytes_get_data (image->alpha, NULL), alpha_len);
  /* Best effort: a cache that cannot be written costs the next seal its 20 ms, nothing more. */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents_full (path, (const char *) d, (gssize) (CACHE_HEADER + rgb_len + alpha_len),
                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
}

InkanImage *
inkan_image_load_png (const char *path, GError **error)
{
  g_autoptr (InkanImage) image = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *alpha = NULL;
  g_autofree char *display = NULL;
  g_autofree char *why = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *entry = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GError) local = NULL;
  z_stream z = { 0 };
  guint width, height;
  gsize n, len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_NOT_FOUND,
                   _("The seal image “%s” does not exist: check the path."), display);
      return NULL;
    }

  if (!check_png_header (path, display, error))
    return NULL;

  /* The bytes hashed are the bytes decoded. */
  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_FAILED,
                   _("The seal image “%s” cannot be read: %s"), display, local->message);
      return NULL;
    }
  png = g_bytes_new_take (g_steal_pointer (&contents), len);
  entry = cache_path (png);
  if (len >= 24)
    {
      const guint8 *head = g_bytes_get_data (png, NULL);

      image = cache_load (entry, read_be32 (head + 16), read_be32 (head + 20));
      if (image != NULL)
        return g_steal_pointer (&image);
    }

  /* Straight RGBA: the colour of a half-transparent edge is the file's own. */
  pixels = inkan_image_read_png_rgba (NULL, png, MAX_SIDE, &width, &height, &why);
  if (pixels == NULL && why == NULL)
    {
      check_size (display, width, height, error);
      return NULL;
    }
  if (pixels == NULL)
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID,
                   _("The seal image “%s” is not a readable PNG file (%s): choose a PNG image."),
                   display, why);
      return NULL;
    }

  image = g_new0 (InkanImage, 1);
  image->width = width;
  image->height = height;
  n = (gsize) width * height;
  inkan_image_split_rgba (pixels, n, &alpha);
  if (deflateInit (&z, Z_DEFAULT_COMPRESSION) != Z_OK)
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_FAILED,
                   _("The seal image could not be compressed."));
      return NULL;
    }
  image->rgb = deflate_plane (&z, pixels, n * 3, error);
  if (image->rgb != NULL && alpha != NULL)
    image->alpha = deflate_plane (&z, alpha, n, error);
  deflateEnd (&z);
  if (image->rgb == NULL || (alpha != NULL && image->alpha == NULL))
    return NULL;
  cache_store (entry, image);
  return g_steal_pointer (&image);
}

void
inkan_image_free (InkanImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->rgb, g_bytes_unref);
  g_clear_pointer (&image->alpha, g_bytes_unref);
  g_free (image);
}
