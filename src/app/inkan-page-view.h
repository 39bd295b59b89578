/* The continuous page view: every page of a document stacked vertically, zoomable, scrollable. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-document.h"

G_BEGIN_DECLS

typedef enum
{
  INKAN_ZOOM_MODE_FREE,       /* the scale set by zoom in/out, pinch, Ctrl+scroll */
  INKAN_ZOOM_MODE_FIT_WIDTH,  /* the widest page fills the viewport's width */
  INKAN_ZOOM_MODE_FIT_PAGE,   /* the current page fits entirely in the viewport */
} InkanZoomMode;

GType inkan_zoom_mode_get_type (void);
#define INKAN_TYPE_ZOOM_MODE (inkan_zoom_mode_get_type ())

#define INKAN_PAGE_VIEW_MIN_SCALE 0.1
#define INKAN_PAGE_VIEW_MAX_SCALE 8.0

#define INKAN_TYPE_PAGE_VIEW (inkan_page_view_get_type ())
G_DECLARE_FINAL_TYPE (InkanPageView, inkan_page_view, INKAN, PAGE_VIEW, GtkWidget)

/* An InkanPageView implements GtkScrollable: put it in a GtkScrolledWindow. Its own allocation
 * is the visible viewport, and "view coordinates" below are relative to that allocation. */
GtkWidget     *inkan_page_view_new          (void);

void           inkan_page_view_set_document (InkanPageView *self,
                                             InkanDocument *document);
InkanDocument *inkan_page_view_get_document (InkanPageView *self);

/* View pixels per PDF point (1.0 = 100 %, 72 points per inch at 72 dpi). */
double         inkan_page_view_get_scale    (InkanPageView *self);
/* Sets the scale and switches to INKAN_ZOOM_MODE_FREE. */
void           inkan_page_view_set_scale    (InkanPageView *self,
                                             double         scale);
InkanZoomMode  inkan_page_view_get_zoom_mode (InkanPageView *self);
void           inkan_page_view_set_zoom_mode (InkanPageView *self,
                                              InkanZoomMode  mode);
void           inkan_page_view_zoom_in      (InkanPageView *self);
void           inkan_page_view_zoom_out     (InkanPageView *self);

/* The page at the middle of the viewport (0-based), and scrolling a page's top into view. */
int            inkan_page_view_get_current_page (InkanPageView *self);
void           inkan_page_view_scroll_to_page   (InkanPageView *self,
                                                 int            page);

/* View coordinates (pixels) → the page under them (0-based) and the point on it, in PDF points
 * with the origin at the top-left corner of the page as poppler shows it (/CropBox and /Rotate
 * applied, y down). FALSE when (x, y) is on no page (margins, gaps); *page is then the nearest
 * page and the point is clamped to it. */
gboolean       inkan_page_view_view_to_page (InkanPageView *self,
                                             double         x,
                                             double         y,
                                             int           *page,
                                             double        *page_x,
                                             double        *page_y);
/* The inverse: a point on a page (points, top-left origin, y down) → view coordinates. */
void           inkan_page_view_page_to_view (InkanPageView *self,
                                             int            page,
                                             double         page_x,
                                             double         page_y,
                                             double        *x,
                                             double        *y);
/* A page's rectangle in view coordinates. */
void           inkan_page_view_get_page_rect (InkanPageView  *self,
                                              int             page,
                                              graphene_rect_t *rect);

/* The overlay layer: `child` becomes a child of the view, allocated over the rectangle
 * (x, y, width, height) of `page`, in points with the top-left origin, and moved and scaled
 * with the pages on every zoom and scroll; drawn above the pages and clipped to the viewport.
 * A width or height <= 0 leaves the child at its natural size, anchored at (x, y). */
void           inkan_page_view_add_overlay    (InkanPageView *self,
                                               GtkWidget     *child,
                                               int            page,
                                               double         x,
                                               double         y,
                                               double         width,
                                               double         height);
void           inkan_page_view_move_overlay   (InkanPageView *self,
                                               GtkWidget     *child,
                                               int            page,
                                               double         x,
                                               double         y,
                                               double         width,
                                               double         height);
void           inkan_page_view_remove_overlay (InkanPageView *self,
                                               GtkWidget     *child);

/* TRUE when the page's texture at the current scale is in the cache (it is drawn, not its
 * placeholder). For tests and bench/app. */
gboolean       inkan_page_view_is_page_rendered (InkanPageView *self,
                                                 int            page);
/* TRUE when the page is drawn at the screen's full resolution: rendered, and at a zoom where
 * its whole texture is smaller than the page, with a detail covering the part on screen. */
gboolean       inkan_page_view_is_page_sharp    (InkanPageView *self,
                                                 int            page);
/* How many pages the last frame drew from a finished render, how many as placeholders, and how
 * long the view's snapshot took (µs of main-loop work, not counting GTK's rendering). */
void           inkan_page_view_get_draw_stats   (InkanPageView *self,
                                                 guint         *textures,
                                                 guint         *placeholders,
                                                 gint64        *snapshot_us);

/* Signals:
 *   "layout-changed" (void): the scale, the scroll position or the viewport size changed; any
 *                             view coordinates computed before are stale. Emitted at once for
 *                             zoom and scroll calls, and from an idle just after the size
 *                             allocation when the viewport's size changed the layout (overlay
 *                             children are already in place by then).
 *   "page-changed"   (void): the current page changed.
 *   "notify::scale". */

G_END_DECLS
