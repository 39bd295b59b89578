/* Page rendering in worker threads, and the textures kept within a memory bound (LRU by bytes). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <epoxy/gl.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inkan-renderer.h"

/* A fit-width page on a 1100-pixel-wide window is about 6 MB: room for the visible pages, the
 * prefetched ones and the thumbnails many times over, and for two pages at the largest size.
 * The GL renderer keeps its own copy of each texture drawn, so RSS grows by up to twice this. */
#define DEFAULT_BUDGET (96 * 1024 * 1024)
/* Pages on screen render in their own pool at normal priority, the rest in a niced one. */
#define N_THREADS 2
#define N_BACKGROUND_THREADS 1

struct _InkanRenderJob
{
  gatomicrefcount ref_count;
  int cancelled;            /* atomic */
  guint64 seq;
  InkanRenderPriority priority;
  InkanRenderer *renderer;
  InkanDocument *document;
  int page;
  int width, height;
  gboolean is_region;
  cairo_rectangle_int_t region; /* for a detail; the whole page otherwise */
  InkanRenderDone done;
  gpointer user_data;
  GdkTexture *texture;      /* the result, set by the worker */
};

typedef struct
{
  InkanDocument *document;  /* not a reference: entries go when the document goes */
  int page;
  int width;
  GdkTexture *texture;
  gsize bytes;
  GList link;               /* in the LRU queue, most recent at the head */
} CacheEntry;

typedef struct
{
  InkanDocument *document;
  int page;
} CacheKey;

struct _InkanRenderer
{
  GObject parent_instance;

  GThreadPool *pool;
  GThreadPool *background_pool;
  GHashTable *entries;      /* CacheKey → GPtrArray of CacheEntry */
  GHashTable *documents;    /* InkanDocument → number of cache entries (weak-referenced) */
  GQueue lru;
  gsize bytes;
  gsize budget;
  guint64 seq;
};

G_DEFINE_FINAL_TYPE (InkanRenderer, inkan_renderer, G_TYPE_OBJECT)

static guint
cache_key_hash (gconstpointer p)
{
  const CacheKey *key = p;

  return g_direct_hash (key->document) ^ (guint) key->page * 2654435761u;
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheKey *ka = a, *kb = b;

  return ka->document == kb->document && ka->page == kb->page;
}

static void
cache_entry_free (CacheEntry *entry)
{
  g_clear_object (&entry->texture);
  g_free (entry);
}

static InkanRenderJob *
render_job_ref (InkanRenderJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

/* Jobs are only ever released on the main thread: the worker hands its reference back through
 * an idle, so documents and textures are finalized there. */
static void
render_job_unref (InkanRenderJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_clear_object (&job->texture);
  g_clear_object (&job->document);
  g_clear_object (&job->renderer);
  g_free (job);
}

static void document_gone (gpointer data, GObject *where_the_object_was);

/* `document_alive` is FALSE from the document's weak notify, when its reference is gone. */
static void
remove_entry (InkanRenderer *self,
              CacheEntry    *entry,
              gboolean       document_alive)
{
  CacheKey key = { entry->document, entry->page };
  GPtrArray *list = g_hash_table_lookup (self->entries, &key);

  g_queue_unlink (&self->lru, &entry->link);
  self->bytes -= entry->bytes;
  if (document_alive)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->documents, entry->document));

      if (count <= 1)
        {
          g_object_weak_unref (G_OBJECT (entry->document), document_gone, self);
          g_hash_table_remove (self->documents, entry->document);
        }
      else
        g_hash_table_insert (self->documents, entry->document, GUINT_TO_POINTER (count - 1));
    }
  /* The array's free function frees the entry. */
  g_ptr_array_remove (list, entry);
  if (list->len == 0)
    g_hash_table_remove (self->entries, &key);
}

static void
document_gone (gpointer  data,
               GObject  *where_the_object_was)
{
  InkanRenderer *self = data;
  GList *l = self->lru.head;

  while (l != NULL)
    {
      CacheEntry *entry = l->data;

      l = l->next;
      if ((GObject *) entry->document == where_the_object_was)
        remove_entry (self, entry, FALSE);
    }
  g_hash_table_remove (self->documents, where_the_object_was);
}

static void
evict (InkanRenderer *self)
{
  while (self->bytes > self->budget && self->lru.tail != NULL)
    remove_entry (self, self->lru.tail->data, TRUE);
}

static void
insert_entry (InkanRenderer *self,
              InkanDocument *document,
              int            page,
              int            width,
              GdkTexture    *texture)
{
  CacheKey key = { document, page };
  GPtrArray *list = g_hash_table_lookup (self->entries, &key);
  CacheEntry *entry;
  guint count;

  if (list == NULL)
    {
      CacheKey *owned = g_new (CacheKey, 1);

      *owned = key;
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) cache_entry_free);
      g_hash_table_insert (self->entries, owned, list);
    }
  for (guint i = 0; i < list->len; i++)
    {
      entry = g_ptr_array_index (list, i);
      if (entry->width == width)
        {
          g_set_object (&entry->texture, texture);
          g_queue_unlink (&self->lru, &entry->link);
          g_queue_push_head_link (&self->lru, &entry->link);
          return;
        }
    }

  entry = g_new0 (CacheEntry, 1);
  entry->document = document;
  entry->page = page;
  entry->width = width;
  entry->texture = g_object_ref (texture);
  entry->bytes = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  entry->link.data = entry;
  g_ptr_array_add (list, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->bytes += entry->bytes;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->documents, document));
  if (count == 0)
    g_object_weak_ref (G_OBJECT (document), document_gone, self);
  g_hash_table_insert (self->documents, document, GUINT_TO_POINTER (count + 1));

  evict (self);
}

static gboolean
deliver (gpointer data)
{
  InkanRenderJob *job = data;

  if (job->texture != NULL && job->is_region)
    {
      if (!g_atomic_int_get (&job->cancelled) && job->done != NULL)
        job->done (job->page, job->texture, job->user_data);
    }
  else if (job->texture != NULL)
    {
      /* Kept even when cancelled: a neighbour view or a later scroll may want it. */
      insert_entry (job->renderer, job->document, job->page, job->width, job->texture);
      if (!g_atomic_int_get (&job->cancelled) && job->done != NULL)
        job->done (job->page, job->texture, job->user_data);
    }
  render_job_unref (job);
  return G_SOURCE_REMOVE;
}

static void
free_pixels (gpointer data)
{
  cairo_surface_destroy (data);
}

static GQuark
surface_quark (void)
{
  return g_quark_from_static_string ("inkan-renderer-surface");
}

/* Renders the part `region` of the page drawn width × height pixels. */
static GdkTexture *
render_page (InkanDocument               *document,
             int                          page_index,
             int                          width,
             int                          height,
             const cairo_rectangle_int_t *region)
{
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;
  GBytes *bytes;
  GdkTexture *texture;
  double page_width, page_height;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, region->width, region->height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  inkan_document_get_page_size (document, page_index, &page_width, &page_height);
  inkan_document_lock (document);
  page = poppler_document_get_page (inkan_document_get_poppler (document), page_index);
  if (page != NULL)
    {
      cairo_translate (cr, -region->x, -region->y);
      cairo_scale (cr, width / page_width, height / page_height);
      poppler_page_render (page, cr);
    }
  g_clear_object (&page);
  inkan_document_unlock (document);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                        * region->height,
                                      free_pixels, surface);
  /* Cairo's ARGB32 in native endianness is GDK_MEMORY_DEFAULT. */
  texture = gdk_memory_texture_new (region->width, region->height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  g_bytes_unref (bytes);
  /* The same pixels as a cairo surface, for GTK's cairo renderer (inkan_renderer_append). */
  g_object_set_qdata_full (G_OBJECT (texture), surface_quark (), cairo_surface_reference (surface),
                           (GDestroyNotify) cairo_surface_destroy);
  return texture;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  InkanRenderJob *job = data;

  if (!g_atomic_int_get (&job->cancelled))
    job->texture = render_page (job->document, job->page, job->width, job->height, &job->region);
  g_idle_add_full (G_PRIORITY_DEFAULT, deliver, job, NULL);
}

static void
background_worker (gpointer data,
                   gpointer user_data)
{
  static GPrivate niced;

#ifdef SYS_gettid
  /* Prefetches and thumbnails yield to the main thread and to the pages on screen when the
   * processors are busy: on Linux a thread has its own nice value (raised once; lowering it
   * again would need privileges). */
  if (g_private_get (&niced) == NULL)
    {
      setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
      g_private_set (&niced, GINT_TO_POINTER (1));
    }
#endif
  worker (data, user_data);
}

static int
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const InkanRenderJob *ja = a, *jb = b;

  if (ja->priority != jb->priority)
    return ja->priority < jb->priority ? -1 : 1;
  /* The newest request first: after a fast scroll the pages now on screen come before those
   * that were passed over. */
  return ja->seq > jb->seq ? -1 : ja->seq < jb->seq ? 1 : 0;
}

static void
inkan_renderer_finalize (GObject *object)
{
  InkanRenderer *self = INKAN_RENDERER (object);

  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_thread_pool_free (self->background_pool, TRUE, TRUE);
  while (self->lru.head != NULL)
    {
      remove_entry (self, self->lru.head->data, TRUE);
    }
  g_hash_table_destroy (self->entries);
  g_hash_table_destroy (self->documents);

  G_OBJECT_CLASS (inkan_renderer_parent_class)->finalize (object);
}

static void
inkan_renderer_class_init (InkanRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_renderer_finalize;
}

static void
inkan_renderer_init (InkanRenderer *self)
{
  self->budget = DEFAULT_BUDGET;
  self->entries = g_hash_table_new_full (cache_key_hash, cache_key_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->documents = g_hash_table_new (NULL, NULL);
  self->pool = g_thread_pool_new (worker, self, N_THREADS, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, compare_jobs, NULL);
  self->background_pool = g_thread_pool_new (background_worker, self, N_BACKGROUND_THREADS, FALSE,
                                             NULL);
  g_thread_pool_set_sort_function (self->background_pool, compare_jobs, NULL);
}

InkanRenderer *
inkan_renderer_get_default (void)
{
  static InkanRenderer *renderer;

  if (renderer == NULL)
    renderer = g_object_new (INKAN_TYPE_RENDERER, NULL);
  return renderer;
}

static CacheEntry *
find (InkanRenderer *self,
      InkanDocument *document,
      int            page,
      int            width)
{
  CacheKey key = { document, page };
  GPtrArray *list = g_hash_table_lookup (self->entries, &key);
  CacheEntry *best = NULL;

  if (list == NULL)
    return NULL;
  for (guint i = 0; i < list->len; i++)
    {
      CacheEntry *entry = g_ptr_array_index (list, i);

      if (width > 0 && entry->width == width)
        return entry;
      if (width <= 0 && (best == NULL || entry->width > best->width))
        best = entry;
    }
  return best;
}

GdkTexture *
inkan_renderer_lookup (InkanRenderer *self,
                       InkanDocument *document,
                       int            page,
                       int            width)
{
  CacheEntry *entry;

  g_return_val_if_fail (INKAN_IS_RENDERER (self), NULL);

  entry = find (self, document, page, width);
  if (entry == NULL)
    return NULL;
  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return entry->texture;
}

GdkTexture *
inkan_renderer_lookup_any (InkanRenderer *self,
                           InkanDocument *document,
                           int            page)
{
  CacheEntry *entry;

  g_return_val_if_fail (INKAN_IS_RENDERER (self), NULL);

  entry = find (self, document, page, 0);
  return entry != NULL ? entry->texture : NULL;
}

void
inkan_renderer_clamp_size (int *width,
                           int *height)
{
  *width = CLAMP (*width, 1, 32768);
  *height = CLAMP (*height, 1, 32768);
  if ((double) *width * *height > INKAN_RENDERER_MAX_PIXELS)
    {
      double shrink = sqrt (INKAN_RENDERER_MAX_PIXELS / ((double) *width * *height));

      *width = MAX (1, (int) (*width * shrink));
      *height = MAX (1, (int) (*height * shrink));
    }
}

static InkanRenderJob *
queue_job (InkanRenderer               *self,
           InkanDocument               *document,
           int                          page,
           int                          width,
           int                          height,
           const cairo_rectangle_int_t *region,
           InkanRenderPriority          priority,
           InkanRenderDone              done,
           gpointer                     user_data)
{
  InkanRenderJob *job = g_new0 (InkanRenderJob, 1);

  g_atomic_ref_count_init (&job->ref_count);
  job->seq = ++self->seq;
  job->priority = priority;
  job->renderer = g_object_ref (self);
  job->document = g_object_ref (document);
  job->page = page;
  job->width = width;
  job->height = height;
  job->is_region = region != NULL;
  job->region = region != NULL ? *region : (cairo_rectangle_int_t) { 0, 0, width, height };
  job->done = done;
  job->user_data = user_data;
  g_thread_pool_push (priority == INKAN_RENDER_PRIORITY_VISIBLE ? self->pool
                                                               : self->background_pool,
                      render_job_ref (job), NULL);
  return job;
}

InkanRenderJob *
inkan_renderer_render (InkanRenderer       *self,
                       InkanDocument       *document,
                       int                  page,
                       int                  width,
                       int                  height,
                       InkanRenderPriority  priority,
                       InkanRenderDone      done,
                       gpointer             user_data)
{
  g_return_val_if_fail (INKAN_IS_RENDERER (self), NULL);
  g_return_val_if_fail (INKAN_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (page >= 0 && page < inkan_document_get_n_pages (document), NULL);

  inkan_renderer_clamp_size (&width, &height);
  return queue_job (self, document, page, width, height, NULL, priority, done, user_data);
}

InkanRenderJob *
inkan_renderer_render_region (InkanRenderer               *self,
                              InkanDocument               *document,
                              int                          page,
                              int                          width,
                              int                          height,
                              const cairo_rectangle_int_t *region,
                              InkanRenderPriority          priority,
                              InkanRenderDone              done,
                              gpointer                     user_data)
{
  g_return_val_if_fail (INKAN_IS_RENDERER (self), NULL);
  g_return_val_if_fail (INKAN_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (page >= 0 && page < inkan_document_get_n_pages (document), NULL);
  g_return_val_if_fail (region != NULL && region->width > 0 && region->height > 0, NULL);
  g_return_val_if_fail ((double) region->width * region->height <= INKAN_RENDERER_MAX_PIXELS,
                        NULL);

  return queue_job (self, document, page, width, height, region, priority, done, user_data);
}

void
inkan_render_job_cancel (InkanRenderJob *job)
{
  if (job == NULL)
    return;
  g_atomic_int_set (&job->cancelled, TRUE);
  render_job_unref (job);
}

int
inkan_render_job_get_width (InkanRenderJob *job)
{
  return job->width;
}

void
inkan_renderer_set_budget (InkanRenderer *self,
                           gsize          bytes)
{
  g_return_if_fail (INKAN_IS_RENDERER (self));
  self->budget = bytes;
  evict (self);
}

gsize
inkan_renderer_get_budget (InkanRenderer *self)
{
  g_return_val_if_fail (INKAN_IS_RENDERER (self), 0);
  return self->budget;
}

gsize
inkan_renderer_get_cached_bytes (InkanRenderer *self)
{
  g_return_val_if_fail (INKAN_IS_RENDERER (self), 0);
  return self->bytes;
}

void
inkan_renderer_append (GtkWidget             *widget,
                       GtkSnapshot           *snapshot,
                       GdkTexture            *texture,
                       const graphene_rect_t *bounds)
{
  GtkNative *native = gtk_widget_get_native (widget);
  cairo_surface_t *surface = g_object_get_qdata (G_OBJECT (texture), surface_quark ());
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *cr;

  /* GTK 4.8's cairo renderer draws a texture node by converting every pixel of the texture to
   * floating point and back, on every frame (gdk_memory_convert): 20 ms a frame for two pages.
   * A cairo node paints the surface the pixels are already in. The GL renderer keeps the
   * texture node: it uploads a texture once, where a cairo node would be uploaded every frame. */
  if (surface == NULL || native == NULL
      || !GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native)))
    {
      gtk_snapshot_append_texture (snapshot, texture, bounds);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, bounds);
  /* As GSK's texture node: the texture stretched over the bounds, its edges padded. */
  pattern = cairo_pattern_create_for_surface (surface);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_matrix_init_scale (&matrix, gdk_texture_get_width (texture) / bounds->size.width,
                           gdk_texture_get_height (texture) / bounds->size.height);
  cairo_matrix_translate (&matrix, -bounds->origin.x, -bounds->origin.y);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_set_source (cr, pattern);
  cairo_pattern_destroy (pattern);
  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width,
                   bounds->size.height);
  cairo_fill (cr);
  cairo_destroy (cr);
}

/* Whether the display's OpenGL draws on the processor (Mesa's llvmpipe and softpipe). */
static gboolean
gl_is_software (GdkDisplay *display)
{
  g_autoptr (GdkGLContext) context = NULL;
  const char *name;
  gboolean software;

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;
  gdk_gl_context_make_current (context);
  name = (const char *) glGetString (GL_RENDERER);
  software = name != NULL
             && (strstr (name, "llvmpipe") != NULL || strstr (name, "softpipe") != NULL
                 || strstr (name, "Software Rasterizer") != NULL);
  gdk_gl_context_clear_current ();
  return software;
}

void
inkan_renderer_choose_gsk_renderer (GdkDisplay *display)
{
  g_return_if_fail (GDK_IS_DISPLAY (display));

  /* The user's choice stands. */
  if (g_getenv ("GSK_RENDERER") != NULL)
    return;
  /* On software OpenGL, GTK's GL renderer redraws the window through Mesa's rasterizer on
   * every frame: about 50 ms of processor time a frame while scrolling (measured by bench/app
   * under Xvfb), where the cairo renderer takes 5 ms; it also keeps a second copy of every
   * page texture and starts with ~115 MB more resident. GSK's renderer for a window is chosen
   * when it is realized: the display's "gsk-renderer" comes first. */
  if (gl_is_software (display))
    g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");
}
