/* The continuous page view: every page of a document stacked vertically, zoomable, scrollable. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "inkan-page-view.h"
#include "inkan-renderer.h"

/* In view pixels, whatever the scale. */
#define MARGIN 16.0
#define GAP 12.0
#define ZOOM_STEP 1.2
/* Pages rendered ahead of the viewport, below and above it. */
#define PREFETCH_AFTER 2
#define PREFETCH_BEFORE 1
/* Above the scale at which a whole page fits in INKAN_RENDERER_MAX_PIXELS, the whole-page
 * texture is drawn magnified and a detail, the visible part of the page at full resolution,
 * is drawn over it. The detail reaches this far beyond the viewport (view pixels), so a small
 * scroll needs no new one, and its edges snap to this grid (device pixels). */
#define DETAIL_MARGIN 160
#define DETAIL_GRID 64

/* The sharp part of one page on screen at a high zoom. */
typedef struct
{
  InkanPageView *view;
  int page;
  GdkTexture *texture;          /* the last finished detail, or NULL */
  int width;                    /* the whole page's width in device pixels it was made for */
  cairo_rectangle_int_t region; /* what it shows, in those pixels */
  InkanRenderJob *job;          /* the next detail on its way, or NULL */
  int job_width;
  cairo_rectangle_int_t job_region;
} Detail;

typedef struct
{
  GtkWidget *widget;
  int page;
  double x, y, width, height;
} OverlayChild;

struct _InkanPageView
{
  GtkWidget parent_instance;

  InkanDocument *document;
  double *tops;               /* n_pages + 1 prefix sums of page heights, in points */
  int n_pages;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint hscroll_policy : 1;
  guint vscroll_policy : 1;
  guint in_allocate : 1;

  double scale;
  InkanZoomMode zoom_mode;
  int current_page;

  GHashTable *jobs;           /* page → InkanRenderJob, the renders this view waits for */
  GHashTable *details;        /* page → Detail, for the pages on screen at a high zoom */
  GPtrArray *overlays;        /* OverlayChild */

  double gesture_start_scale;
  double pointer_x, pointer_y;
  gboolean pointer_inside;

  guint drawn_textures;
  guint drawn_placeholders;
  gint64 snapshot_time;

  /* Signals raised during size allocation, emitted from an idle right after it: a handler that
   * changes another widget's size there would leave it unallocated for the frame. */
  guint pending_layout_changed : 1;
  guint pending_page_changed : 1;
  guint pending_scale_notify : 1;
  guint pending_id;
};

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_SCALE,
  PROP_ZOOM_MODE,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  LAYOUT_CHANGED,
  PAGE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (InkanPageView, inkan_page_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

GType
inkan_zoom_mode_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { INKAN_ZOOM_MODE_FREE, "INKAN_ZOOM_MODE_FREE", "free" },
        { INKAN_ZOOM_MODE_FIT_WIDTH, "INKAN_ZOOM_MODE_FIT_WIDTH", "fit-width" },
        { INKAN_ZOOM_MODE_FIT_PAGE, "INKAN_ZOOM_MODE_FIT_PAGE", "fit-page" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("InkanZoomMode", values));
    }
  return type;
}

/* Layout, in content coordinates (pixels from the top-left of the whole scrolled area). */

static double
page_top (InkanPageView *self,
          int            page)
{
  return MARGIN + self->scale * self->tops[page] + GAP * page;
}

static double
content_height (InkanPageView *self)
{
  if (self->n_pages == 0)
    return 0;
  return 2 * MARGIN + self->scale * self->tops[self->n_pages] + GAP * (self->n_pages - 1);
}

static double
content_width (InkanPageView *self)
{
  if (self->document == NULL)
    return 0;
  return 2 * MARGIN + self->scale * inkan_document_get_max_width (self->document);
}

static void
page_size (InkanPageView *self,
           int            page,
           double        *width,
           double        *height)
{
  inkan_document_get_page_size (self->document, page, width, height);
}

static double
page_left (InkanPageView *self,
           int            page)
{
  double w, area = MAX (content_width (self), gtk_widget_get_width (GTK_WIDGET (self)));

  page_size (self, page, &w, NULL);
  return MAX (MARGIN, (area - w * self->scale) / 2);
}

/* The last page whose top is at or above content y. */
static int
page_at_y (InkanPageView *self,
           double         y)
{
  int lo = 0, hi = self->n_pages - 1;

  while (lo < hi)
    {
      int mid = lo + (hi - lo + 1) / 2;

      if (page_top (self, mid) <= y)
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

static double
hvalue (InkanPageView *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0;
}

static double
vvalue (InkanPageView *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

static void
page_rect_view (InkanPageView   *self,
                int              page,
                graphene_rect_t *rect)
{
  double w, h;

  page_size (self, page, &w, &h);
  graphene_rect_init (rect, page_left (self, page) - hvalue (self),
                      page_top (self, page) - vvalue (self), w * self->scale, h * self->scale);
}

gboolean
inkan_page_view_view_to_page (InkanPageView *self,
                              double         x,
                              double         y,
                              int           *page,
                              double        *page_x,
                              double        *page_y)
{
  graphene_rect_t rect;
  double px, py, w, h;
  gboolean inside;
  int p;

  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), FALSE);

  if (self->n_pages == 0)
    {
      if (page != NULL)
        *page = -1;
      return FALSE;
    }

  p = page_at_y (self, y + vvalue (self));
  /* In the gap below page p, the nearer of p and p + 1. */
  page_rect_view (self, p, &rect);
  if (y > rect.origin.y + rect.size.height && p + 1 < self->n_pages)
    {
      graphene_rect_t next;

      page_rect_view (self, p + 1, &next);
      if (next.origin.y - y < y - (rect.origin.y + rect.size.height))
        {
          p++;
          rect = next;
        }
    }
  page_size (self, p, &w, &h);
  px = (x - rect.origin.x) / self->scale;
  py = (y - rect.origin.y) / self->scale;
  inside = px >= 0 && py >= 0 && px <= w && py <= h;
  if (page != NULL)
    *page = p;
  if (page_x != NULL)
    *page_x = CLAMP (px, 0, w);
  if (page_y != NULL)
    *page_y = CLAMP (py, 0, h);
  return inside;
}

void
inkan_page_view_page_to_view (InkanPageView *self,
                              int            page,
                              double         page_x,
                              double         page_y,
                              double        *x,
                              double        *y)
{
  graphene_rect_t rect;

  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  g_return_if_fail (page >= 0 && page < self->n_pages);

  page_rect_view (self, page, &rect);
  if (x != NULL)
    *x = rect.origin.x + page_x * self->scale;
  if (y != NULL)
    *y = rect.origin.y + page_y * self->scale;
}

void
inkan_page_view_get_page_rect (InkanPageView   *self,
                               int              page,
                               graphene_rect_t *rect)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  g_return_if_fail (page >= 0 && page < self->n_pages);

  page_rect_view (self, page, rect);
}

double
inkan_page_view_get_scale (InkanPageView *self)
{
  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), 1.0);
  return self->scale;
}

InkanZoomMode
inkan_page_view_get_zoom_mode (InkanPageView *self)
{
  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), INKAN_ZOOM_MODE_FREE);
  return self->zoom_mode;
}

int
inkan_page_view_get_current_page (InkanPageView *self)
{
  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), 0);
  return self->current_page;
}

InkanDocument *
inkan_page_view_get_document (InkanPageView *self)
{
  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), NULL);
  return self->document;
}

/* Signals. */

static gboolean
emit_pending (gpointer data)
{
  InkanPageView *self = data;

  self->pending_id = 0;
  g_object_ref (self);
  if (self->pending_scale_notify)
    {
      self->pending_scale_notify = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
    }
  if (self->pending_page_changed)
    {
      self->pending_page_changed = FALSE;
      g_signal_emit (self, signals[PAGE_CHANGED], 0);
    }
  if (self->pending_layout_changed)
    {
      self->pending_layout_changed = FALSE;
      g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_pending (InkanPageView *self)
{
  if (self->pending_id == 0)
    self->pending_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, emit_pending, self, NULL);
}

static void
emit_layout_changed (InkanPageView *self)
{
  if (self->in_allocate)
    {
      self->pending_layout_changed = TRUE;
      schedule_pending (self);
    }
  else
    g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

static void
emit_page_changed (InkanPageView *self)
{
  if (self->in_allocate)
    {
      self->pending_page_changed = TRUE;
      schedule_pending (self);
    }
  else
    g_signal_emit (self, signals[PAGE_CHANGED], 0);
}

static void
notify_scale (InkanPageView *self)
{
  if (self->in_allocate)
    {
      self->pending_scale_notify = TRUE;
      schedule_pending (self);
    }
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

/* Adjustments and the current page. */

static void
update_current_page (InkanPageView *self)
{
  int page = 0;

  if (self->n_pages > 0)
    page = page_at_y (self, vvalue (self) + gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  if (page != self->current_page)
    {
      self->current_page = page;
      emit_page_changed (self);
    }
}

static void
configure_adjustments (InkanPageView *self,
                       double         hval,
                       double         vval)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double upper_w = MAX (content_width (self), width);
  double upper_h = MAX (content_height (self), height);

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, CLAMP (hval, 0, upper_w - width), 0, upper_w,
                              width * 0.1, width * 0.9, width);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment, CLAMP (vval, 0, upper_h - height), 0, upper_h,
                              MAX (40, height * 0.1), height * 0.9, height);
}

static double
fit_scale (InkanPageView *self,
           InkanZoomMode  mode)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double scale, w, h;

  if (self->document == NULL || width <= 2 * MARGIN || height <= 2 * MARGIN)
    return self->scale;
  scale = (width - 2 * MARGIN) / inkan_document_get_max_width (self->document);
  if (mode == INKAN_ZOOM_MODE_FIT_PAGE)
    {
      page_size (self, self->current_page, &w, &h);
      scale = MIN ((width - 2 * MARGIN) / w, (height - 2 * MARGIN) / h);
    }
  return CLAMP (scale, INKAN_PAGE_VIEW_MIN_SCALE, INKAN_PAGE_VIEW_MAX_SCALE);
}

/* Changes the scale keeping the document point under the view point (ax, ay) where it is. */
static void
set_scale_at (InkanPageView *self,
              double         scale,
              double         ax,
              double         ay)
{
  double px = 0, py = 0, nx, ny;
  int page = 0;

  scale = CLAMP (scale, INKAN_PAGE_VIEW_MIN_SCALE, INKAN_PAGE_VIEW_MAX_SCALE);
  if (fabs (scale - self->scale) < 1e-9)
    return;

  if (self->n_pages > 0)
    {
      /* Unclamped: a point in a margin stays in the margin. */
      graphene_rect_t rect;

      inkan_page_view_view_to_page (self, ax, ay, &page, NULL, NULL);
      page_rect_view (self, page, &rect);
      px = (ax - rect.origin.x) / self->scale;
      py = (ay - rect.origin.y) / self->scale;
    }
  self->scale = scale;
  if (self->n_pages > 0)
    {
      double w;

      page_size (self, page, &w, NULL);
      /* The page's content position after the change, then the scroll that puts it at a. */
      {
        double area = MAX (content_width (self), gtk_widget_get_width (GTK_WIDGET (self)));

        nx = MAX (MARGIN, (area - w * scale) / 2) + px * scale;
      }
      ny = page_top (self, page) + py * scale;
      configure_adjustments (self, nx - ax, ny - ay);
    }
  notify_scale (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  emit_layout_changed (self);
}

void
inkan_page_view_set_scale (InkanPageView *self,
                           double         scale)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  inkan_page_view_set_zoom_mode (self, INKAN_ZOOM_MODE_FREE);
  set_scale_at (self, scale, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
inkan_page_view_set_zoom_mode (InkanPageView *self,
                               InkanZoomMode  mode)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  if (self->zoom_mode == mode)
    return;
  self->zoom_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
  if (mode != INKAN_ZOOM_MODE_FREE)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
zoom_by (InkanPageView *self,
         double         factor,
         double         ax,
         double         ay)
{
  inkan_page_view_set_zoom_mode (self, INKAN_ZOOM_MODE_FREE);
  set_scale_at (self, self->scale * factor, ax, ay);
}

void
inkan_page_view_zoom_in (InkanPageView *self)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  zoom_by (self, ZOOM_STEP, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
inkan_page_view_zoom_out (InkanPageView *self)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  zoom_by (self, 1 / ZOOM_STEP, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
inkan_page_view_scroll_to_page (InkanPageView *self,
                                int            page)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  if (self->n_pages == 0 || self->vadjustment == NULL)
    return;
  page = CLAMP (page, 0, self->n_pages - 1);
  gtk_adjustment_set_value (self->vadjustment, page_top (self, page) - MARGIN / 2);
}

/* Rendering. */

static void
release_job (gpointer data)
{
  inkan_render_job_cancel (data);
}

static void
render_done (int         page,
             GdkTexture *texture,
             gpointer    user_data)
{
  InkanPageView *self = user_data;

  g_hash_table_remove (self->jobs, GINT_TO_POINTER (page));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The page's size in device pixels at the current scale. */
static void
full_size (InkanPageView *self,
           int            page,
           int           *width,
           int           *height)
{
  int factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double w, h;

  page_size (self, page, &w, &h);
  *width = MAX (1, (int) ceil (w * self->scale * factor));
  *height = MAX (1, (int) ceil (h * self->scale * factor));
}

/* The size of the page's whole texture: its full size, or less at a high zoom. */
static void
texture_size (InkanPageView *self,
              int            page,
              int           *width,
              int           *height)
{
  full_size (self, page, width, height);
  inkan_renderer_clamp_size (width, height);
}

/* Asks for the page at the current scale unless it is cached or on its way. */
static void
want_page (InkanPageView      *self,
           int                 page,
           InkanRenderPriority priority)
{
  InkanRenderer *renderer = inkan_renderer_get_default ();
  InkanRenderJob *job;
  int width, height;

  texture_size (self, page, &width, &height);
  /* Prefetching large pages would push the visible ones out of the cache. */
  if (priority != INKAN_RENDER_PRIORITY_VISIBLE &&
      (gsize) width * height * 4 > inkan_renderer_get_budget (renderer) / 8)
    return;
  if (inkan_renderer_lookup (renderer, self->document, page, width) != NULL)
    return;
  job = g_hash_table_lookup (self->jobs, GINT_TO_POINTER (page));
  if (job != NULL && inkan_render_job_get_width (job) == width)
    return;
  job = inkan_renderer_render (renderer, self->document, page, width, height, priority,
                               render_done, self);
  g_hash_table_insert (self->jobs, GINT_TO_POINTER (page), job);
}

/* Cancels the renders of pages that went out of [first, last]. */
static void
drop_unwanted_jobs (InkanPageView *self,
                    int            first,
                    int            last)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int page = GPOINTER_TO_INT (key);

      if (page < first || page > last)
        g_hash_table_iter_remove (&iter);
    }
}

/* Details: the visible part of a page at full resolution, when its whole texture is smaller. */

static void
detail_free (gpointer data)
{
  Detail *detail = data;

  g_clear_pointer (&detail->job, inkan_render_job_cancel);
  g_clear_object (&detail->texture);
  g_free (detail);
}

static gboolean
region_contains (const cairo_rectangle_int_t *outer,
                 const cairo_rectangle_int_t *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y
         && inner->x + inner->width <= outer->x + outer->width
         && inner->y + inner->height <= outer->y + outer->height;
}

/* The part of the page on screen, in device pixels of the page drawn at full size; FALSE when
 * the page's whole texture has its full size (no detail is needed) or nothing of it shows. */
static gboolean
visible_region (InkanPageView         *self,
                int                    page,
                const graphene_rect_t *rect,
                cairo_rectangle_int_t *visible)
{
  int factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int full_width, full_height, width, height;
  double x0, y0, x1, y1;

  full_size (self, page, &full_width, &full_height);
  width = full_width;
  height = full_height;
  inkan_renderer_clamp_size (&width, &height);
  if (width == full_width && height == full_height)
    return FALSE;

  x0 = MAX (0, -rect->origin.x);
  y0 = MAX (0, -rect->origin.y);
  x1 = MIN (rect->size.width, gtk_widget_get_width (GTK_WIDGET (self)) - rect->origin.x);
  y1 = MIN (rect->size.height, gtk_widget_get_height (GTK_WIDGET (self)) - rect->origin.y);
  if (x1 <= x0 || y1 <= y0)
    return FALSE;
  visible->x = CLAMP ((int) floor (x0 * factor), 0, full_width - 1);
  visible->y = CLAMP ((int) floor (y0 * factor), 0, full_height - 1);
  visible->width = MIN ((int) ceil (x1 * factor), full_width) - visible->x;
  visible->height = MIN ((int) ceil (y1 * factor), full_height) - visible->y;
  return visible->width > 0 && visible->height > 0;
}

/* The region to render for `visible`: a margin around it, snapped to the grid, inside the
 * page, within the renderer's largest texture (without the margin if need be). */
static gboolean
detail_region (InkanPageView               *self,
               int                          page,
               const cairo_rectangle_int_t *visible,
               cairo_rectangle_int_t       *region)
{
  int margin = DETAIL_MARGIN * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int full_width, full_height;

  full_size (self, page, &full_width, &full_height);
  for (int attempt = 0; attempt < 2; attempt++, margin = 0)
    {
      int x0 = MAX (0, (visible->x - margin) / DETAIL_GRID * DETAIL_GRID);
      int y0 = MAX (0, (visible->y - margin) / DETAIL_GRID * DETAIL_GRID);
      int x1 = visible->x + visible->width + margin;
      int y1 = visible->y + visible->height + margin;

      x1 = MIN (full_width, (x1 + DETAIL_GRID - 1) / DETAIL_GRID * DETAIL_GRID);
      y1 = MIN (full_height, (y1 + DETAIL_GRID - 1) / DETAIL_GRID * DETAIL_GRID);
      *region = (cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 };
      if ((double) region->width * region->height <= INKAN_RENDERER_MAX_PIXELS)
        return TRUE;
    }
  return FALSE;
}

static void
detail_done (int         page,
             GdkTexture *texture,
             gpointer    user_data)
{
  Detail *detail = user_data;

  g_set_object (&detail->texture, texture);
  detail->width = detail->job_width;
  detail->region = detail->job_region;
  g_clear_pointer (&detail->job, inkan_render_job_cancel);
  gtk_widget_queue_draw (GTK_WIDGET (detail->view));
}

/* The detail of `page` to draw over its whole texture, asking for a new one when the one
 * there is not at this scale or does not cover what is on screen. */
static Detail *
want_detail (InkanPageView         *self,
             int                    page,
             const graphene_rect_t *rect)
{
  cairo_rectangle_int_t visible, region;
  int width, height;
  Detail *detail;

  if (!visible_region (self, page, rect, &visible))
    {
      g_hash_table_remove (self->details, GINT_TO_POINTER (page));
      return NULL;
    }
  full_size (self, page, &width, &height);
  detail = g_hash_table_lookup (self->details, GINT_TO_POINTER (page));
  if (detail == NULL)
    {
      detail = g_new0 (Detail, 1);
      detail->view = self;
      detail->page = page;
      g_hash_table_insert (self->details, GINT_TO_POINTER (page), detail);
    }
  if (detail->texture != NULL && detail->width == width
      && region_contains (&detail->region, &visible))
    return detail;
  if (detail->job != NULL && detail->job_width == width
      && region_contains (&detail->job_region, &visible))
    return detail;
  if (!detail_region (self, page, &visible, &region))
    return detail;
  g_clear_pointer (&detail->job, inkan_render_job_cancel);
  detail->job_width = width;
  detail->job_region = region;
  detail->job = inkan_renderer_render_region (inkan_renderer_get_default (), self->document,
                                              page, width, height, &region,
                                              INKAN_RENDER_PRIORITY_VISIBLE, detail_done, detail);
  return detail;
}

/* Draws the part of the detail that is at this scale, over the page's rectangle. */
static void
append_detail (InkanPageView         *self,
               GtkSnapshot           *snapshot,
               Detail                *detail,
               const graphene_rect_t *rect)
{
  int factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width, height;

  full_size (self, detail->page, &width, &height);
  if (detail->texture == NULL || detail->width != width)
    return;
  /* On whole device pixels, so the detail's pixels are the screen's. */
  inkan_renderer_append (GTK_WIDGET (self), snapshot, detail->texture,
                         &GRAPHENE_RECT_INIT (
                           round (rect->origin.x * factor + detail->region.x) / factor,
                           round (rect->origin.y * factor + detail->region.y) / factor,
                           (double) detail->region.width / factor,
                           (double) detail->region.height / factor));
}

/* Forgets the details of pages out of [first, last]. */
static void
drop_unwanted_details (InkanPageView *self,
                       int            first,
                       int            last)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->details);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int page = GPOINTER_TO_INT (key);

      if (page < first || page > last)
        g_hash_table_iter_remove (&iter);
    }
}

static void
inkan_page_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  InkanPageView *self = INKAN_PAGE_VIEW (widget);
  InkanRenderer *renderer = inkan_renderer_get_default ();
  double height = gtk_widget_get_height (widget);
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA shadow = { 0, 0, 0, 0.25 };
  int first, last;

  gint64 start = g_get_monotonic_time ();

  self->drawn_textures = 0;
  self->drawn_placeholders = 0;
  if (self->n_pages == 0)
    return;

  first = page_at_y (self, vvalue (self));
  last = page_at_y (self, vvalue (self) + height);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                         height));
  for (int page = first; page <= last; page++)
    {
      graphene_rect_t rect;
      GskRoundedRect outline;
      GdkTexture *texture;
      Detail *detail;
      int width, tex_height;

      page_rect_view (self, page, &rect);
      if (rect.origin.y > height || rect.origin.y + rect.size.height < 0)
        continue;
      gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
      gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 1, 0, 4);

      texture_size (self, page, &width, &tex_height);
      texture = inkan_renderer_lookup (renderer, self->document, page, width);
      if (texture != NULL)
        {
          inkan_renderer_append (widget, snapshot, texture, &rect);
          self->drawn_textures++;
        }
      else
        {
          /* The placeholder: white paper, or the page at another scale while it renders. */
          gtk_snapshot_append_color (snapshot, &white, &rect);
          texture = inkan_renderer_lookup_any (renderer, self->document, page);
          if (texture != NULL)
            inkan_renderer_append (widget, snapshot, texture, &rect);
          self->drawn_placeholders++;
          want_page (self, page, INKAN_RENDER_PRIORITY_VISIBLE);
        }
      detail = want_detail (self, page, &rect);
      if (detail != NULL)
        append_detail (self, snapshot, detail, &rect);
    }
  drop_unwanted_details (self, first, last);

  for (int page = last + 1; page <= MIN (last + PREFETCH_AFTER, self->n_pages - 1); page++)
    want_page (self, page, INKAN_RENDER_PRIORITY_NEXT);
  for (int page = MAX (0, first - PREFETCH_BEFORE); page < first; page++)
    want_page (self, page, INKAN_RENDER_PRIORITY_NEXT);
  drop_unwanted_jobs (self, first - PREFETCH_BEFORE, last + PREFETCH_AFTER);

  for (guint i = 0; i < self->overlays->len; i++)
    {
      OverlayChild *child = g_ptr_array_index (self->overlays, i);

      gtk_widget_snapshot_child (widget, child->widget, snapshot);
    }
  gtk_snapshot_pop (snapshot);
  self->snapshot_time = g_get_monotonic_time () - start;
}

gboolean
inkan_page_view_is_page_rendered (InkanPageView *self,
                                  int            page)
{
  int width, height;

  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), FALSE);
  g_return_val_if_fail (page >= 0 && page < self->n_pages, FALSE);

  texture_size (self, page, &width, &height);
  return inkan_renderer_lookup (inkan_renderer_get_default (), self->document, page, width)
         != NULL;
}

gboolean
inkan_page_view_is_page_sharp (InkanPageView *self,
                               int            page)
{
  cairo_rectangle_int_t visible;
  graphene_rect_t rect;
  Detail *detail;
  int width, height;

  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (self), FALSE);
  g_return_val_if_fail (page >= 0 && page < self->n_pages, FALSE);

  if (!inkan_page_view_is_page_rendered (self, page))
    return FALSE;
  page_rect_view (self, page, &rect);
  if (!visible_region (self, page, &rect, &visible))
    return TRUE;
  full_size (self, page, &width, &height);
  detail = g_hash_table_lookup (self->details, GINT_TO_POINTER (page));
  return detail != NULL && detail->texture != NULL && detail->width == width
         && region_contains (&detail->region, &visible);
}

void
inkan_page_view_get_draw_stats (InkanPageView *self,
                                guint         *textures,
                                guint         *placeholders,
                                gint64        *snapshot_us)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  if (snapshot_us != NULL)
    *snapshot_us = self->snapshot_time;
  if (textures != NULL)
    *textures = self->drawn_textures;
  if (placeholders != NULL)
    *placeholders = self->drawn_placeholders;
}

/* Overlay children. */

static OverlayChild *
find_overlay (InkanPageView *self,
              GtkWidget     *widget)
{
  for (guint i = 0; i < self->overlays->len; i++)
    {
      OverlayChild *child = g_ptr_array_index (self->overlays, i);

      if (child->widget == widget)
        return child;
    }
  return NULL;
}

void
inkan_page_view_add_overlay (InkanPageView *self,
                             GtkWidget     *widget,
                             int            page,
                             double         x,
                             double         y,
                             double         width,
                             double         height)
{
  OverlayChild *child;

  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (gtk_widget_get_parent (widget) == NULL);

  child = g_new0 (OverlayChild, 1);
  child->widget = widget;
  g_ptr_array_add (self->overlays, child);
  gtk_widget_set_parent (widget, GTK_WIDGET (self));
  inkan_page_view_move_overlay (self, widget, page, x, y, width, height);
}

void
inkan_page_view_move_overlay (InkanPageView *self,
                              GtkWidget     *widget,
                              int            page,
                              double         x,
                              double         y,
                              double         width,
                              double         height)
{
  OverlayChild *child;

  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  child = find_overlay (self, widget);
  g_return_if_fail (child != NULL);
  child->page = page;
  child->x = x;
  child->y = y;
  child->width = width;
  child->height = height;
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
inkan_page_view_remove_overlay (InkanPageView *self,
                                GtkWidget     *widget)
{
  OverlayChild *child;

  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));

  child = find_overlay (self, widget);
  g_return_if_fail (child != NULL);
  gtk_widget_unparent (widget);
  g_ptr_array_remove (self->overlays, child);
}

static void
allocate_overlays (InkanPageView *self)
{
  for (guint i = 0; i < self->overlays->len; i++)
    {
      OverlayChild *child = g_ptr_array_index (self->overlays, i);
      GtkRequisition min, nat;
      GtkAllocation alloc;
      double x, y;

      gtk_widget_get_preferred_size (child->widget, &min, &nat);
      if (child->page < 0 || child->page >= self->n_pages)
        {
          gtk_widget_set_child_visible (child->widget, FALSE);
          continue;
        }
      gtk_widget_set_child_visible (child->widget, TRUE);
      inkan_page_view_page_to_view (self, child->page, child->x, child->y, &x, &y);
      alloc.x = (int) floor (x);
      alloc.y = (int) floor (y);
      alloc.width = child->width > 0 ? (int) round (child->width * self->scale) : nat.width;
      alloc.height = child->height > 0 ? (int) round (child->height * self->scale) : nat.height;
      alloc.width = MAX (alloc.width, min.width);
      alloc.height = MAX (alloc.height, min.height);
      gtk_widget_size_allocate (child->widget, &alloc, -1);
    }
}

/* Size and allocation. */

static void
inkan_page_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  InkanPageView *self = INKAN_PAGE_VIEW (widget);

  /* A scrollable: the scrolled window gives it the viewport. */
  *minimum = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = self->document != NULL ? (int) ceil (content_width (self)) : 0;
  else
    *natural = self->document != NULL ? (int) MIN (ceil (content_height (self)), 1000) : 0;
}

static void
inkan_page_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  InkanPageView *self = INKAN_PAGE_VIEW (widget);

  self->in_allocate = TRUE;
  if (self->zoom_mode != INKAN_ZOOM_MODE_FREE && self->document != NULL)
    set_scale_at (self, fit_scale (self, self->zoom_mode), 0, 0);
  configure_adjustments (self, hvalue (self), vvalue (self));
  update_current_page (self);
  allocate_overlays (self);
  emit_layout_changed (self);
  self->in_allocate = FALSE;
}

static void
adjustment_value_changed (InkanPageView *self)
{
  if (self->in_allocate)
    return;
  update_current_page (self);
  if (self->overlays->len > 0)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[LAYOUT_CHANGED], 0);
}

static void
set_adjustment (InkanPageView  *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed),
                            self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
inkan_page_view_set_document (InkanPageView *self,
                              InkanDocument *document)
{
  g_return_if_fail (INKAN_IS_PAGE_VIEW (self));
  g_return_if_fail (document == NULL || INKAN_IS_DOCUMENT (document));

  if (self->document == document)
    return;
  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->details);
  g_set_object (&self->document, document);
  g_clear_pointer (&self->tops, g_free);
  self->n_pages = 0;
  self->current_page = 0;
  if (document != NULL)
    {
      self->n_pages = inkan_document_get_n_pages (document);
      self->tops = g_new (double, self->n_pages + 1);
      self->tops[0] = 0;
      for (int i = 0; i < self->n_pages; i++)
        {
          double h;

          page_size (self, i, NULL, &h);
          self->tops[i + 1] = self->tops[i] + h;
        }
    }
  configure_adjustments (self, 0, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/* Input: pinch and Ctrl+scroll zoom around the fingers or the pointer. */

static void
zoom_begin (GtkGesture       *gesture,
            GdkEventSequence *sequence,
            InkanPageView    *self)
{
  self->gesture_start_scale = self->scale;
}

static void
zoom_scale_changed (GtkGestureZoom *gesture,
                    double          factor,
                    InkanPageView  *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  inkan_page_view_set_zoom_mode (self, INKAN_ZOOM_MODE_FREE);
  set_scale_at (self, self->gesture_start_scale * factor, x, y);
}

static gboolean
scroll (GtkEventControllerScroll *controller,
        double                    dx,
        double                    dy,
        InkanPageView            *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double x = self->pointer_x, y = self->pointer_y;

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  if (!self->pointer_inside)
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  zoom_by (self, pow (ZOOM_STEP, -CLAMP (dy, -5, 5)), x, y);
  return TRUE;
}

static void
pointer_motion (GtkEventControllerMotion *controller,
                double                    x,
                double                    y,
                InkanPageView            *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
}

static void
pointer_leave (GtkEventControllerMotion *controller,
               InkanPageView            *self)
{
  self->pointer_inside = FALSE;
}

/* GObject. */

static void
inkan_page_view_dispose (GObject *object)
{
  InkanPageView *self = INKAN_PAGE_VIEW (object);

  while (self->overlays->len > 0)
    {
      OverlayChild *child = g_ptr_array_index (self->overlays, self->overlays->len - 1);

      inkan_page_view_remove_overlay (self, child->widget);
    }
  g_hash_table_remove_all (self->jobs);
  g_hash_table_remove_all (self->details);
  g_clear_handle_id (&self->pending_id, g_source_remove);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (inkan_page_view_parent_class)->dispose (object);
}

static void
inkan_page_view_finalize (GObject *object)
{
  InkanPageView *self = INKAN_PAGE_VIEW (object);

  g_clear_pointer (&self->tops, g_free);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->details, g_hash_table_unref);
  g_clear_pointer (&self->overlays, g_ptr_array_unref);

  G_OBJECT_CLASS (inkan_page_view_parent_class)->finalize (object);
}

static void
inkan_page_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  InkanPageView *self = INKAN_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_ZOOM_MODE:
      g_value_set_enum (value, self->zoom_mode);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_page_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  InkanPageView *self = INKAN_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      inkan_page_view_set_document (self, g_value_get_object (value));
      break;
    case PROP_SCALE:
      inkan_page_view_set_scale (self, g_value_get_double (value));
      break;
    case PROP_ZOOM_MODE:
      inkan_page_view_set_zoom_mode (self, g_value_get_enum (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_page_view_class_init (InkanPageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_page_view_dispose;
  object_class->finalize = inkan_page_view_finalize;
  object_class->get_property = inkan_page_view_get_property;
  object_class->set_property = inkan_page_view_set_property;

  widget_class->measure = inkan_page_view_measure;
  widget_class->size_allocate = inkan_page_view_size_allocate;
  widget_class->snapshot = inkan_page_view_snapshot;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, INKAN_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, INKAN_PAGE_VIEW_MIN_SCALE,
                         INKAN_PAGE_VIEW_MAX_SCALE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM_MODE] =
    g_param_spec_enum ("zoom-mode", NULL, NULL, INKAN_TYPE_ZOOM_MODE, INKAN_ZOOM_MODE_FIT_WIDTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  signals[LAYOUT_CHANGED] = g_signal_new ("layout-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[PAGE_CHANGED] = g_signal_new ("page-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "inkan-page-view");
}

static void
inkan_page_view_init (InkanPageView *self)
{
  GtkEventController *controller;

  self->scale = 1.0;
  self->zoom_mode = INKAN_ZOOM_MODE_FIT_WIDTH;
  self->jobs = g_hash_table_new_full (NULL, NULL, NULL, release_job);
  self->details = g_hash_table_new_full (NULL, NULL, NULL, detail_free);
  self->overlays = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_zoom_new ());
  g_signal_connect (controller, "begin", G_CALLBACK (zoom_begin), self);
  g_signal_connect (controller, "scale-changed", G_CALLBACK (zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (pointer_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (pointer_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (pointer_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
inkan_page_view_new (void)
{
  return g_object_new (INKAN_TYPE_PAGE_VIEW, NULL);
}
