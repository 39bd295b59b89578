/* Page rendering in worker threads, and the textures kept within a memory bound (LRU by bytes). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-document.h"

G_BEGIN_DECLS

#define INKAN_TYPE_RENDERER (inkan_renderer_get_type ())
G_DECLARE_FINAL_TYPE (InkanRenderer, inkan_renderer, INKAN, RENDERER, GObject)

typedef struct _InkanRenderJob InkanRenderJob;

/* Called on the main thread when a page is rendered; the texture is in the cache by then. */
typedef void (*InkanRenderDone) (int         page,
                                 GdkTexture *texture,
                                 gpointer    user_data);

typedef enum
{
  INKAN_RENDER_PRIORITY_VISIBLE,   /* on screen now */
  INKAN_RENDER_PRIORITY_NEXT,      /* about to be */
  INKAN_RENDER_PRIORITY_THUMBNAIL,
} InkanRenderPriority;

/* The application's renderer: one cache and one thread pool for every view. Main thread only. */
InkanRenderer  *inkan_renderer_get_default (void);

/* The texture of `page` rendered `width` pixels wide, or NULL (transfer none). */
GdkTexture     *inkan_renderer_lookup      (InkanRenderer *self,
                                            InkanDocument *document,
                                            int            page,
                                            int            width);
/* The widest texture of `page` in the cache at any size, for a placeholder (transfer none). */
GdkTexture     *inkan_renderer_lookup_any  (InkanRenderer *self,
                                            InkanDocument *document,
                                            int            page);
/* Queues the rendering of `page` at width × height pixels in a worker thread; `done` is called
 * on the main thread unless the job is cancelled first. The caller owns the returned job and
 * gives it back with inkan_render_job_cancel() (also after `done` was called). */
InkanRenderJob *inkan_renderer_render      (InkanRenderer       *self,
                                            InkanDocument       *document,
                                            int                  page,
                                            int                  width,
                                            int                  height,
                                            InkanRenderPriority  priority,
                                            InkanRenderDone      done,
                                            gpointer             user_data);
/* Queues the rendering of the part `region` (in pixels) of `page` as if the whole page were
 * width × height pixels: the detail drawn over a page whose whole texture had to be clamped
 * (inkan_renderer_clamp_size) at a high zoom. `region` must be at most
 * INKAN_RENDERER_MAX_PIXELS. Details are not cached: the caller keeps the texture `done` gives. */
InkanRenderJob *inkan_renderer_render_region (InkanRenderer               *self,
                                              InkanDocument               *document,
                                              int                          page,
                                              int                          width,
                                              int                          height,
                                              const cairo_rectangle_int_t *region,
                                              InkanRenderPriority          priority,
                                              InkanRenderDone              done,
                                              gpointer                     user_data);
void            inkan_render_job_cancel    (InkanRenderJob *job);
int             inkan_render_job_get_width (InkanRenderJob *job);

/* The memory bound of the cache, in bytes of texture data. */
void            inkan_renderer_set_budget  (InkanRenderer *self,
                                            gsize          bytes);
gsize           inkan_renderer_get_budget  (InkanRenderer *self);
gsize           inkan_renderer_get_cached_bytes (InkanRenderer *self);

/* Draws a texture this renderer made over `bounds`, the fastest way for `widget`'s GSK renderer. */
void            inkan_renderer_append      (GtkWidget             *widget,
                                            GtkSnapshot           *snapshot,
                                            GdkTexture            *texture,
                                            const graphene_rect_t *bounds);

/* Makes windows on `display` use GSK's cairo renderer when OpenGL is software (and GSK_RENDERER
 * is not set). Call before the first window is realized. */
void            inkan_renderer_choose_gsk_renderer (GdkDisplay *display);

/* The largest texture the renderer makes, in pixels: larger requests are scaled down to it
 * (and drawn magnified). Callers clamp a size before looking it up. */
#define INKAN_RENDERER_MAX_PIXELS (3000 * 3000)
void            inkan_renderer_clamp_size  (int *width,
                                            int *height);

G_END_DECLS
