/* Seal images: a PNG decoded into the colour and alpha planes of a PDF image XObject. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-image.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <png.h>
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

static GBytes *
deflate_plane (const guint8 *data, gsize len, GError **error)
{
  uLongf out_len = compressBound (len);
  g_autofree guint8 *out = g_malloc (out_len);

  if (compress2 (out, &out_len, data, len, Z_DEFAULT_COMPRESSION) != Z_OK)
    {
      g_set_error (error, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_FAILED,
                   _("The seal image could not be compressed."));
      return NULL;
    }
  return g_bytes_new_take (g_realloc (g_steal_pointer (&out), out_len), out_len);
}

static void
png_image_clear (png_image *png)
{
  png_image_free (png);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (png_image, png_image_clear)

guint8 *
inkan_image_read_png_rgba (const char *path, GBytes *png, guint max_side, guint *width,
                           guint *height, char **why)
{
  g_auto (png_image) image = { 0 };
  g_autofree guint8 *pixels = NULL;
  gboolean begun;

  *width = *height = 0;
  *why = NULL;
  image.version = PNG_IMAGE_VERSION;
  begun = path != NULL ? png_image_begin_read_from_file (&image, path)
                       : png_image_begin_read_from_memory (&image, g_bytes_get_data (png, NULL),
                                                           g_bytes_get_size (png));
  if (!begun)
    {
      *why = g_strdup (image.message);
      return NULL;
    }
  *width = image.width;
  *height = image.height;
  if (image.width == 0 || image.height == 0 || image.width > max_side || image.height > max_side)
    return NULL;
  image.format = PNG_FORMAT_RGBA;
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, NULL, pixels, 0, NULL))
    {
      *why = g_strdup (image.message);
      return NULL;
    }
  return g_steal_pointer (&pixels);
}

void
inkan_image_split_rgba (const guint8 *rgba, gsize n_pixels, guint8 **rgb, guint8 **alpha)
{
  gboolean opaque = TRUE;
  gsize i;

  *rgb = g_malloc (n_pixels * 3);
  *alpha = g_malloc (n_pixels);
  for (i = 0; i < n_pixels; i++)
    {
      memcpy (*rgb + i * 3, rgba + i * 4, 3);
      (*alpha)[i] = rgba[i * 4 + 3];
      opaque &= (*alpha)[i] == 0xff;
    }
  if (opaque)
    g_clear_pointer (alpha, g_free);
}

InkanImage *
inkan_image_load_png (const char *path, GError **error)
{
  g_autoptr (InkanImage) image = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *alpha = NULL;
  g_autofree char *display = NULL;
  g_autofree char *why = NULL;
  guint width, height;
  gsize n;

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

  /* Straight RGBA: the colour of a half-transparent edge is the file's own. */
  pixels = inkan_image_read_png_rgba (path, NULL, MAX_SIDE, &width, &height, &why);
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
  inkan_image_split_rgba (pixels, n, &rgb, &alpha);
  image->rgb = deflate_plane (rgb, n * 3, error);
  if (image->rgb == NULL)
    return NULL;
  if (alpha != NULL)
    {
      image->alpha = deflate_plane (alpha, n, error);
      if (image->alpha == NULL)
        return NULL;
    }

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
