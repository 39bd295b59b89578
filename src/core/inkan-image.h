/* Seal images: a PNG decoded into the colour and alpha planes of a PDF image XObject. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define INKAN_IMAGE_ERROR (inkan_image_error_quark ())

typedef enum
{
  INKAN_IMAGE_ERROR_FAILED,
  INKAN_IMAGE_ERROR_NOT_FOUND,
  INKAN_IMAGE_ERROR_INVALID,
} InkanImageError;

GQuark inkan_image_error_quark (void);

typedef struct
{
  guint width;
  guint height;
  GBytes *rgb;        /* Flate-compressed 8-bit DeviceRGB samples */
  GBytes *alpha;      /* Flate-compressed 8-bit DeviceGray soft mask, NULL when opaque */
} InkanImage;

InkanImage *inkan_image_load_png (const char *path, GError **error);

/* Reads a PNG (the file at `path`, or else the bytes `png`) as straight (not premultiplied)
 * 8-bit RGBA rows, whatever its colour type and depth. Its size (`*width`, `*height`) is known
 * before anything is decoded: with a side of 0 or over `max_side` it returns NULL and no
 * `*why`, for the caller to say so its own way. Undecodable: NULL and `*why`, libpng's words. */
guint8     *inkan_image_read_png_rgba (const char *path, GBytes *png, guint max_side,
                                       guint *width, guint *height, char **why);

/* Splits `n_pixels` RGBA pixels into their colour plane, written over the first three quarters
 * of `rgba` (fresh memory costs a page fault every 4 KB), and their alpha plane in `*alpha`, NULL
 * when every pixel is opaque. */
void        inkan_image_split_rgba (guint8 *rgba, gsize n_pixels, guint8 **alpha);
void        inkan_image_free (InkanImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanImage, inkan_image_free)

G_END_DECLS
