/* Reading a PNG as straight 8-bit RGBA with libpng: seal images (libinkan) and scanned seals
 * (the drawing module, which compiles this file too). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-image.h"

#include <png.h>

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
