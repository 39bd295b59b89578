/* Where a seal goes on a page: its default size, keeping it inside the page, keyboard moves and
 * resizes, and the conversions between the page as shown and PDF user space. Pure maths. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "inkan-pdf.h"

G_BEGIN_DECLS

/* A page's boxes as the file has them, in default user space. */
typedef struct
{
  InkanRect media_box;
  InkanRect crop_box;       /* already intersected with the media box (the media box if none) */
  int rotate;               /* 0, 90, 180 or 270, clockwise as displayed */
  double user_unit;         /* points per user space unit, 1 unless /UserUnit says otherwise */
} InkanPageGeometry;

/* Three ways to say where a rectangle is on a page, all in points:
 *  - "shown": the page as a viewer shows it (crop box, /Rotate applied), origin at its top-left
 *    corner, y down: what the page view and poppler use;
 *  - "visible": the same page, origin at its lower-left corner, y up: what inkan-cli's --rect,
 *    InkanSignOptions.rect and a request's placement use;
 *  - "user": the page's default user space, as the widget's /Rect is written. */

/* The visible page's width and height. */
void     inkan_page_geometry_visible_size (const InkanPageGeometry *geometry,
                                           double                  *width,
                                           double                  *height);

/* Shown ⇄ visible: the y flip over a page `page_height` points high. Its own inverse. */
void     inkan_placement_shown_to_visible (const InkanRect *shown,
                                           double           page_height,
                                           InkanRect       *visible);
#define  inkan_placement_visible_to_shown inkan_placement_shown_to_visible

/* Visible ⇄ user space, undoing the crop box's offset, /Rotate and /UserUnit. */
void     inkan_placement_visible_to_user  (const InkanPageGeometry *geometry,
                                           const InkanRect         *visible,
                                           InkanRect               *user);
void     inkan_placement_user_to_visible  (const InkanPageGeometry *geometry,
                                           const InkanRect         *user,
                                           InkanRect               *visible);

/* Seal sizes, in points. A seal starts 4 cm across its longer side (the size of a paper seal),
 * smaller on a small page (at most 40 % of the page's shorter side); it can be resized from
 * 1 cm up to the whole page. */
#define INKAN_PLACEMENT_DEFAULT_SIZE (40.0 / 25.4 * 72.0)
#define INKAN_PLACEMENT_MIN_SIZE     (10.0 / 25.4 * 72.0)
/* Keyboard steps: arrows move by STEP points (FINE_STEP with Alt); Shift+arrows resize by
 * STEP points on the longer side. */
#define INKAN_PLACEMENT_STEP         10.0
#define INKAN_PLACEMENT_FINE_STEP    1.0

/* The seal's default width and height for an image of image_width × image_height pixels (its
 * aspect ratio kept) on a page page_width × page_height points. FALSE when a size is not
 * positive. */
gboolean inkan_placement_default_size     (double  image_width,
                                           double  image_height,
                                           double  page_width,
                                           double  page_height,
                                           double *width,
                                           double *height);

/* A `width` × `height` rectangle centred on (cx, cy), then kept inside the page. Works in shown
 * or visible coordinates alike. */
void     inkan_placement_centre_on        (double     cx,
                                           double     cy,
                                           double     width,
                                           double     height,
                                           double     page_width,
                                           double     page_height,
                                           InkanRect *rect);

/* Keeps `rect` inside the page: first scaled down around its centre (aspect ratio kept) if it
 * is larger than the page, then moved in. Non-finite values become a default-sized seal at the
 * page's centre. */
void     inkan_placement_clamp            (InkanRect *rect,
                                           double     page_width,
                                           double     page_height);

/* Moves by (dx, dy), then keeps it inside the page. */
void     inkan_placement_move             (InkanRect *rect,
                                           double     dx,
                                           double     dy,
                                           double     page_width,
                                           double     page_height);

/* Grows (delta > 0) or shrinks the longer side by `delta` points around the centre, the
 * aspect ratio kept, between INKAN_PLACEMENT_MIN_SIZE and the page; then keeps it inside. */
void     inkan_placement_resize           (InkanRect *rect,
                                           double     delta,
                                           double     page_width,
                                           double     page_height);

/* Resizes so that the corner opposite (anchor_x, anchor_y) follows the pointer at (px, py):
 * the aspect ratio kept, the anchor corner fixed, not below the minimum nor past the page. */
void     inkan_placement_resize_to        (InkanRect *rect,
                                           double     anchor_x,
                                           double     anchor_y,
                                           double     px,
                                           double     py,
                                           double     page_width,
                                           double     page_height);

G_END_DECLS
