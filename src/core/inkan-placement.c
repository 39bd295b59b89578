/* Where a seal goes on a page: default size, clamping, keyboard steps, coordinate conversions. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "inkan-placement.h"

static gboolean
rotated_sideways (const InkanPageGeometry *geometry)
{
  return geometry->rotate == 90 || geometry->rotate == 270;
}

static double
unit_of (const InkanPageGeometry *geometry)
{
  return isfinite (geometry->user_unit) && geometry->user_unit > 0 ? geometry->user_unit : 1.0;
}

void
inkan_page_geometry_visible_size (const InkanPageGeometry *geometry,
                                  double                  *width,
                                  double                  *height)
{
  double unit = unit_of (geometry);
  double w = geometry->crop_box.width * unit;
  double h = geometry->crop_box.height * unit;

  g_return_if_fail (geometry != NULL);

  if (width != NULL)
    *width = rotated_sideways (geometry) ? h : w;
  if (height != NULL)
    *height = rotated_sideways (geometry) ? w : h;
}

void
inkan_placement_shown_to_visible (const InkanRect *shown,
                                  double           page_height,
                                  InkanRect       *visible)
{
  InkanRect r = *shown;

  r.y = page_height - shown->y - shown->height;
  *visible = r;
}

void
inkan_placement_visible_to_user (const InkanPageGeometry *geometry,
                                 const InkanRect         *visible,
                                 InkanRect               *user)
{
  double unit = unit_of (geometry);
  double x = visible->x / unit, y = visible->y / unit;
  double w = visible->width / unit, h = visible->height / unit;
  double x0 = geometry->crop_box.x, y0 = geometry->crop_box.y;
  double x1 = x0 + geometry->crop_box.width, y1 = y0 + geometry->crop_box.height;

  /* The visible page's lower-left corner is the crop box corner that /Rotate brings there. */
  switch (geometry->rotate)
    {
    case 90:
      *user = (InkanRect){ x1 - y - h, y0 + x, h, w };
      break;
    case 180:
      *user = (InkanRect){ x1 - x - w, y1 - y - h, w, h };
      break;
    case 270:
      *user = (InkanRect){ x0 + y, y1 - x - w, h, w };
      break;
    default:
      *user = (InkanRect){ x0 + x, y0 + y, w, h };
      break;
    }
}

void
inkan_placement_user_to_visible (const InkanPageGeometry *geometry,
                                 const InkanRect         *user,
                                 InkanRect               *visible)
{
  double unit = unit_of (geometry);
  double x0 = geometry->crop_box.x, y0 = geometry->crop_box.y;
  double x1 = x0 + geometry->crop_box.width, y1 = y0 + geometry->crop_box.height;
  InkanRect v;

  switch (geometry->rotate)
    {
    case 90:
      v = (InkanRect){ user->y - y0, x1 - user->x - user->width, user->height, user->width };
      break;
    case 180:
      v = (InkanRect){ x1 - user->x - user->width, y1 - user->y - user->height, user->width,
                       user->height };
      break;
    case 270:
      v = (InkanRect){ y1 - user->y - user->height, user->x - x0, user->height, user->width };
      break;
    default:
      v = (InkanRect){ user->x - x0, user->y - y0, user->width, user->height };
      break;
    }
  *visible = (InkanRect){ v.x * unit, v.y * unit, v.width * unit, v.height * unit };
}

gboolean
inkan_placement_default_size (double  image_width,
                              double  image_height,
                              double  page_width,
                              double  page_height,
                              double *width,
                              double *height)
{
  double longer;

  if (!(image_width > 0 && image_height > 0 && page_width > 0 && page_height > 0)
      || !isfinite (image_width) || !isfinite (image_height) || !isfinite (page_width)
      || !isfinite (page_height))
    return FALSE;

  longer = MIN (INKAN_PLACEMENT_DEFAULT_SIZE, 0.4 * MIN (page_width, page_height));
  if (image_width >= image_height)
    {
      *width = longer;
      *height = longer * image_height / image_width;
    }
  else
    {
      *height = longer;
      *width = longer * image_width / image_height;
    }
  return TRUE;
}

static void
scale_about_centre (InkanRect *rect,
                    double     factor)
{
  double cx = rect->x + rect->width / 2, cy = rect->y + rect->height / 2;

  rect->width *= factor;
  rect->height *= factor;
  rect->x = cx - rect->width / 2;
  rect->y = cy - rect->height / 2;
}

void
inkan_placement_clamp (InkanRect *rect,
                       double     page_width,
                       double     page_height)
{
  g_return_if_fail (rect != NULL);
  g_return_if_fail (page_width > 0 && page_height > 0);

  if (!isfinite (rect->x) || !isfinite (rect->y) || !isfinite (rect->width)
      || !isfinite (rect->height) || rect->width <= 0 || rect->height <= 0)
    {
      double size = MIN (INKAN_PLACEMENT_DEFAULT_SIZE, 0.4 * MIN (page_width, page_height));

      *rect = (InkanRect){ (page_width - size) / 2, (page_height - size) / 2, size, size };
      return;
    }
  if (rect->width > page_width || rect->height > page_height)
    scale_about_centre (rect, MIN (page_width / rect->width, page_height / rect->height));
  rect->x = CLAMP (rect->x, 0, page_width - rect->width);
  rect->y = CLAMP (rect->y, 0, page_height - rect->height);
}

void
inkan_placement_centre_on (double     cx,
                           double     cy,
                           double     width,
                           double     height,
                           double     page_width,
                           double     page_height,
                           InkanRect *rect)
{
  *rect = (InkanRect){ cx - width / 2, cy - height / 2, width, height };
  inkan_placement_clamp (rect, page_width, page_height);
}

void
inkan_placement_move (InkanRect *rect,
                      double     dx,
                      double     dy,
                      double     page_width,
                      double     page_height)
{
  g_return_if_fail (rect != NULL);

  if (isfinite (dx))
    rect->x += dx;
  if (isfinite (dy))
    rect->y += dy;
  inkan_placement_clamp (rect, page_width, page_height);
}

/* The longest the rectangle's longer side can be with its aspect ratio on this page. */
static double
max_longer_side (const InkanRect *rect,
                 double           page_width,
                 double           page_height)
{
  return MAX (rect->width, rect->height)
         * MIN (page_width / rect->width, page_height / rect->height);
}

void
inkan_placement_resize (InkanRect *rect,
                        double     delta,
                        double     page_width,
                        double     page_height)
{
  double longer, wanted, limit;

  g_return_if_fail (rect != NULL);

  inkan_placement_clamp (rect, page_width, page_height);
  if (!isfinite (delta))
    return;
  longer = MAX (rect->width, rect->height);
  limit = max_longer_side (rect, page_width, page_height);
  wanted = CLAMP (longer + delta, MIN (INKAN_PLACEMENT_MIN_SIZE, limit), limit);
  scale_about_centre (rect, wanted / longer);
  inkan_placement_clamp (rect, page_width, page_height);
}

void
inkan_placement_resize_to (InkanRect *rect,
                           double     anchor_x,
                           double     anchor_y,
                           double     px,
                           double     py,
                           double     page_width,
                           double     page_height)
{
  double aspect, sx, sy, w, h, max_w, max_h, min_w;

  g_return_if_fail (rect != NULL);

  inkan_placement_clamp (rect, page_width, page_height);
  if (!isfinite (px) || !isfinite (py) || !isfinite (anchor_x) || !isfinite (anchor_y))
    return;
  anchor_x = CLAMP (anchor_x, 0, page_width);
  anchor_y = CLAMP (anchor_y, 0, page_height);
  aspect = rect->width / rect->height;
  /* The rectangle grows from the anchor towards the side it is on now. */
  sx = anchor_x <= rect->x + rect->width / 2 ? 1 : -1;
  sy = anchor_y <= rect->y + rect->height / 2 ? 1 : -1;

  w = MAX (0, sx * (px - anchor_x));
  h = MAX (0, sy * (py - anchor_y));
  /* The pointer drags the corner; the side that moved farther decides the size. */
  w = MAX (w, h * aspect);
  max_w = sx > 0 ? page_width - anchor_x : anchor_x;
  max_h = sy > 0 ? page_height - anchor_y : anchor_y;
  max_w = MIN (max_w, max_h * aspect);
  min_w = aspect >= 1 ? INKAN_PLACEMENT_MIN_SIZE : INKAN_PLACEMENT_MIN_SIZE * aspect;
  w = CLAMP (w, MIN (min_w, max_w), max_w);
  h = w / aspect;
  if (!(w > 0 && h > 0))
    return;
  rect->x = sx > 0 ? anchor_x : anchor_x - w;
  rect->y = sy > 0 ? anchor_y : anchor_y - h;
  rect->width = w;
  rect->height = h;
  inkan_placement_clamp (rect, page_width, page_height);
}
