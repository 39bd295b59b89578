/* One page drawn small in the sidebar, rendered by the shared renderer at thumbnail scale. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "inkan-renderer.h"
#include "inkan-thumbnail.h"

struct _InkanThumbnail
{
  GtkWidget parent_instance;

  InkanDocument *document;
  int page;
  InkanRenderJob *job;
};

G_DEFINE_FINAL_TYPE (InkanThumbnail, inkan_thumbnail, GTK_TYPE_WIDGET)

static void
texture_size (InkanThumbnail *self,
              int            *width,
              int            *height)
{
  int factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double w, h;

  inkan_document_get_page_size (self->document, self->page, &w, &h);
  *width = INKAN_THUMBNAIL_WIDTH * factor;
  *height = (int) ceil (INKAN_THUMBNAIL_WIDTH * factor * h / w);
  inkan_renderer_clamp_size (width, height);
}

static double
display_height (InkanThumbnail *self)
{
  double w, h;

  if (self->document == NULL)
    return INKAN_THUMBNAIL_WIDTH * 1.294;
  inkan_document_get_page_size (self->document, self->page, &w, &h);
  /* A very tall page is cut at three widths so the list stays usable. */
  return MIN (INKAN_THUMBNAIL_WIDTH * h / w, 3.0 * INKAN_THUMBNAIL_WIDTH);
}

static void
render_done (int         page,
             GdkTexture *texture,
             gpointer    user_data)
{
  InkanThumbnail *self = user_data;

  g_clear_pointer (&self->job, inkan_render_job_cancel);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
inkan_thumbnail_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  InkanThumbnail *self = INKAN_THUMBNAIL (widget);
  InkanRenderer *renderer = inkan_renderer_get_default ();
  GdkRGBA white = { 1, 1, 1, 1 };
  GdkRGBA shadow = { 0, 0, 0, 0.3 };
  graphene_rect_t rect;
  GskRoundedRect outline;
  GdkTexture *texture;
  int width, height;

  if (self->document == NULL)
    return;

  graphene_rect_init (&rect, 0, 0, INKAN_THUMBNAIL_WIDTH, display_height (self));
  gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
  gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 1, 0, 3);
  gtk_snapshot_append_color (snapshot, &white, &rect);

  texture_size (self, &width, &height);
  texture = inkan_renderer_lookup (renderer, self->document, self->page, width);
  if (texture == NULL)
    texture = inkan_renderer_lookup_any (renderer, self->document, self->page);
  if (texture != NULL)
    {
      double w, h;

      /* The texture keeps the page's aspect; a tall page's is cut at the bottom. */
      inkan_document_get_page_size (self->document, self->page, &w, &h);
      gtk_snapshot_push_clip (snapshot, &rect);
      inkan_renderer_append (widget, snapshot, texture,
                             &GRAPHENE_RECT_INIT (0, 0, INKAN_THUMBNAIL_WIDTH,
                                                  INKAN_THUMBNAIL_WIDTH * h / w));
      gtk_snapshot_pop (snapshot);
    }
  if ((texture == NULL || gdk_texture_get_width (texture) != width) && self->job == NULL)
    self->job = inkan_renderer_render (renderer, self->document, self->page, width, height,
                                       INKAN_RENDER_PRIORITY_THUMBNAIL, render_done, self);
}

static void
inkan_thumbnail_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  InkanThumbnail *self = INKAN_THUMBNAIL (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = INKAN_THUMBNAIL_WIDTH;
  else
    *minimum = *natural = (int) ceil (display_height (self));
}

void
inkan_thumbnail_set_page (InkanThumbnail *self,
                          InkanDocument  *document,
                          int             page)
{
  g_return_if_fail (INKAN_IS_THUMBNAIL (self));

  g_clear_pointer (&self->job, inkan_render_job_cancel);
  g_set_object (&self->document, document);
  self->page = document != NULL ? CLAMP (page, 0, inkan_document_get_n_pages (document) - 1) : 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
inkan_thumbnail_get_page (InkanThumbnail *self)
{
  g_return_val_if_fail (INKAN_IS_THUMBNAIL (self), 0);
  return self->page;
}

static void
inkan_thumbnail_unmap (GtkWidget *widget)
{
  InkanThumbnail *self = INKAN_THUMBNAIL (widget);

  /* Scrolled out of the list: no need to render it any more. */
  g_clear_pointer (&self->job, inkan_render_job_cancel);
  GTK_WIDGET_CLASS (inkan_thumbnail_parent_class)->unmap (widget);
}

static void
inkan_thumbnail_dispose (GObject *object)
{
  InkanThumbnail *self = INKAN_THUMBNAIL (object);

  g_clear_pointer (&self->job, inkan_render_job_cancel);
  g_clear_object (&self->document);
  G_OBJECT_CLASS (inkan_thumbnail_parent_class)->dispose (object);
}

static void
inkan_thumbnail_class_init (InkanThumbnailClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = inkan_thumbnail_dispose;
  widget_class->measure = inkan_thumbnail_measure;
  widget_class->snapshot = inkan_thumbnail_snapshot;
  widget_class->unmap = inkan_thumbnail_unmap;
  gtk_widget_class_set_css_name (widget_class, "inkan-thumbnail");
}

static void
inkan_thumbnail_init (InkanThumbnail *self)
{
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
inkan_thumbnail_new (void)
{
  return g_object_new (INKAN_TYPE_THUMBNAIL, NULL);
}
