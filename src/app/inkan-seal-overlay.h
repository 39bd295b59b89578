/* A seal placed on a page but not applied yet: drawn over the page view, moved and resized with
 * the mouse (drag it, or drag a corner) and the keyboard (arrows, Shift+arrows, Alt for fine
 * steps); Enter applies, Escape cancels. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-page-view.h"
#include "inkan-placement.h"

G_BEGIN_DECLS

#define INKAN_TYPE_SEAL_OVERLAY (inkan_seal_overlay_get_type ())
G_DECLARE_FINAL_TYPE (InkanSealOverlay, inkan_seal_overlay, INKAN, SEAL_OVERLAY, GtkWidget)

/* A seal showing `texture`, added to `view`'s overlay layer on `page` (0-based) at `rect`
 * (points, shown coordinates: the page's top-left origin, y down), kept inside the page. */
InkanSealOverlay *inkan_seal_overlay_new       (InkanPageView   *view,
                                                GdkTexture      *texture,
                                                int              page,
                                                const InkanRect *rect);
/* Takes it off the page view. */
void              inkan_seal_overlay_remove    (InkanSealOverlay *self);

int               inkan_seal_overlay_get_page  (InkanSealOverlay *self);
/* Shown coordinates (top-left origin, y down), points. */
void              inkan_seal_overlay_get_rect  (InkanSealOverlay *self,
                                                InkanRect        *rect);
/* Visible coordinates (lower-left origin, y up), as signing and requests take them. */
void              inkan_seal_overlay_get_visible_rect (InkanSealOverlay *self,
                                                       InkanRect        *rect);
void              inkan_seal_overlay_set_rect  (InkanSealOverlay *self,
                                                const InkanRect  *rect);
/* A locked seal (the place an approved request fixed) cannot be moved or resized. */
void              inkan_seal_overlay_set_locked (InkanSealOverlay *self,
                                                 gboolean          locked);

/* Signals:
 *   "changed" (void): the rectangle changed (moved, resized).
 *   "apply"   (void): Enter was pressed on it.
 *   "cancel"  (void): Escape was pressed on it. */

G_END_DECLS
