/* The seal palette: the store's seals with their images and state for the current user and the
 * open document; a seal is dragged from it onto a page, or activated to place it by keyboard. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-seal-item.h"

G_BEGIN_DECLS

#define INKAN_TYPE_SEAL_PALETTE (inkan_seal_palette_get_type ())
G_DECLARE_FINAL_TYPE (InkanSealPalette, inkan_seal_palette, INKAN, SEAL_PALETTE, GtkWidget)

GtkWidget     *inkan_seal_palette_new        (void);

/* Lists the seals of the store at `store_path` for `user_name` and the document at
 * `document_path`, computed in a worker thread (a spinner meanwhile). With no store or no user
 * the palette says so. */
void           inkan_seal_palette_load       (InkanSealPalette *self,
                                              const char       *store_path,
                                              const char       *user_name,
                                              const char       *document_path);
/* Loads again with the same arguments (after a seal was applied or requested). */
void           inkan_seal_palette_reload     (InkanSealPalette *self);
gboolean       inkan_seal_palette_get_loading (InkanSealPalette *self);
/* The message shown instead of the list (no store, no user, an error), or NULL. */
const char    *inkan_seal_palette_get_message (InkanSealPalette *self);

guint          inkan_seal_palette_get_n_items (InkanSealPalette *self);
InkanSealItem *inkan_seal_palette_get_item    (InkanSealPalette *self,
                                               guint             index);
InkanSealItem *inkan_seal_palette_find_item   (InkanSealPalette *self,
                                               const char       *name);
/* The row showing `item` (tests drag from it and read it). */
GtkWidget     *inkan_seal_palette_get_row     (InkanSealPalette *self,
                                               InkanSealItem    *item);

/* Signals:
 *   "seal-activated" (InkanSealItem *item): the user chose a placeable seal by keyboard or
 *                                           click, to place it on the current page.
 *   "notify::loading". */

G_END_DECLS
