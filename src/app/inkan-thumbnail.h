/* One page drawn small in the sidebar, rendered by the shared renderer at thumbnail scale. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-document.h"

G_BEGIN_DECLS

#define INKAN_THUMBNAIL_WIDTH 120

#define INKAN_TYPE_THUMBNAIL (inkan_thumbnail_get_type ())
G_DECLARE_FINAL_TYPE (InkanThumbnail, inkan_thumbnail, INKAN, THUMBNAIL, GtkWidget)

GtkWidget *inkan_thumbnail_new      (void);
/* Shows `page` (0-based) of `document`, or nothing with NULL; renders it when first drawn. */
void       inkan_thumbnail_set_page (InkanThumbnail *self,
                                     InkanDocument  *document,
                                     int             page);
int        inkan_thumbnail_get_page (InkanThumbnail *self);

G_END_DECLS
