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
void        inkan_image_free (InkanImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanImage, inkan_image_free)

G_END_DECLS
