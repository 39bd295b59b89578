/* An open PDF: the poppler document and its page sizes, loaded off the main thread. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-document.h"

G_DEFINE_QUARK (inkan-document-error-quark, inkan_document_error)

struct _InkanDocument
{
  GObject parent_instance;

  GFile *file;
  char *path;
  char *title;
  PopplerDocument *poppler;
  GMutex lock;
  int n_pages;
  double *sizes; /* width, height per page */
  double max_width;
};

G_DEFINE_FINAL_TYPE (InkanDocument, inkan_document, G_TYPE_OBJECT)

static void
inkan_document_finalize (GObject *object)
{
  InkanDocument *self = INKAN_DOCUMENT (object);

  g_clear_object (&self->poppler);
  g_clear_object (&self->file);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->sizes, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (inkan_document_parent_class)->finalize (object);
}

static void
inkan_document_class_init (InkanDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_document_finalize;
}

static void
inkan_document_init (InkanDocument *self)
{
  g_mutex_init (&self->lock);
}

static char *
display_name (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);

  return base != NULL ? g_filename_display_name (base) : g_file_get_parse_name (file);
}

InkanDocument *
inkan_document_load (GFile        *file,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autoptr (InkanDocument) self = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = display_name (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_NOT_FOUND,
                   _("“%s” could not be opened: %s. Check that the file exists and that you may "
                     "read it."), name, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_NOT_FOUND,
                   _("“%s” is not a file. Choose a PDF document."), name);
      return NULL;
    }

  self = g_object_new (INKAN_TYPE_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  self->title = g_steal_pointer (&name);
  self->poppler = poppler_document_new_from_gfile (file, NULL, cancellable, &local_error);
  if (self->poppler == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_ENCRYPTED,
                     _("“%s” is protected by a password. Inkan does not open encrypted "
                       "documents: ask the sender for an unprotected copy."), self->title);
      else if (local_error != NULL && local_error->domain == G_IO_ERROR)
        g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_NOT_FOUND,
                     _("“%s” could not be read: %s."), self->title, local_error->message);
      else
        g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_DAMAGED,
                     _("“%s” is damaged or is not a PDF document, so it cannot be shown. Ask "
                       "the sender for the file again."), self->title);
      return NULL;
    }

  self->n_pages = poppler_document_get_n_pages (self->poppler);
  if (self->n_pages <= 0)
    {
      g_set_error (error, INKAN_DOCUMENT_ERROR, INKAN_DOCUMENT_ERROR_EMPTY,
                   _("“%s” has no pages, so there is nothing to show. Ask the sender for the "
                     "file again."), self->title);
      return NULL;
    }

  self->sizes = g_new (double, 2 * (gsize) self->n_pages);
  for (int i = 0; i < self->n_pages; i++)
    {
      /* Poppler 22.12 has no autoptr for its types. */
      PopplerPage *page = poppler_document_get_page (self->poppler, i);
      double w = 0, h = 0;

      if (page != NULL)
        {
          poppler_page_get_size (page, &w, &h);
          g_object_unref (page);
        }
      /* A page without a usable box still takes a place in the layout: US Letter. */
      if (!(w >= 1 && w <= 200000) || !(h >= 1 && h <= 200000))
        {
          w = 612;
          h = 792;
        }
      self->sizes[2 * i] = w;
      self->sizes[2 * i + 1] = h;
      self->max_width = MAX (self->max_width, w);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  InkanDocument *document = inkan_document_load (task_data, cancellable, &error);

  if (document == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, document, g_object_unref);
}

void
inkan_document_load_async (GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inkan_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

InkanDocument *
inkan_document_load_finish (GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
inkan_document_get_file (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), NULL);
  return self->file;
}

const char *
inkan_document_get_path (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), NULL);
  return self->path;
}

const char *
inkan_document_get_title (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), NULL);
  return self->title;
}

int
inkan_document_get_n_pages (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), 0);
  return self->n_pages;
}

void
inkan_document_get_page_size (InkanDocument *self,
                              int            page,
                              double        *width,
                              double        *height)
{
  g_return_if_fail (INKAN_IS_DOCUMENT (self));
  g_return_if_fail (page >= 0 && page < self->n_pages);

  if (width != NULL)
    *width = self->sizes[2 * page];
  if (height != NULL)
    *height = self->sizes[2 * page + 1];
}

double
inkan_document_get_max_width (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), 0);
  return self->max_width;
}

PopplerDocument *
inkan_document_get_poppler (InkanDocument *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT (self), NULL);
  return self->poppler;
}

void
inkan_document_lock (InkanDocument *self)
{
  g_mutex_lock (&self->lock);
}

void
inkan_document_unlock (InkanDocument *self)
{
  g_mutex_unlock (&self->lock);
}
