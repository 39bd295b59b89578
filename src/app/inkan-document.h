/* An open PDF: the poppler document and its page sizes, loaded off the main thread. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <poppler.h>

G_BEGIN_DECLS

#define INKAN_DOCUMENT_ERROR (inkan_document_error_quark ())

typedef enum
{
  INKAN_DOCUMENT_ERROR_FAILED,
  INKAN_DOCUMENT_ERROR_NOT_FOUND,   /* the file does not exist or cannot be read */
  INKAN_DOCUMENT_ERROR_DAMAGED,     /* not a PDF, or one poppler cannot read */
  INKAN_DOCUMENT_ERROR_ENCRYPTED,   /* protected by a password */
  INKAN_DOCUMENT_ERROR_EMPTY,       /* a PDF without pages */
} InkanDocumentError;

GQuark inkan_document_error_quark (void);

#define INKAN_TYPE_DOCUMENT (inkan_document_get_type ())
G_DECLARE_FINAL_TYPE (InkanDocument, inkan_document, INKAN, DOCUMENT, GObject)

/* Opens `file` and reads every page's size in a GTask thread. */
void           inkan_document_load_async  (GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
InkanDocument *inkan_document_load_finish (GAsyncResult        *result,
                                           GError             **error);
/* The same, blocking: for tests and tools, never on the main loop of the app. */
InkanDocument *inkan_document_load        (GFile               *file,
                                           GCancellable        *cancellable,
                                           GError             **error);

GFile           *inkan_document_get_file    (InkanDocument *self);
const char      *inkan_document_get_path    (InkanDocument *self);
/* The file's display name, for a tab title. */
const char      *inkan_document_get_title   (InkanDocument *self);
int              inkan_document_get_n_pages (InkanDocument *self);
/* The page's size in points as poppler shows it: /CropBox, /Rotate applied (0-based index). */
void             inkan_document_get_page_size (InkanDocument *self,
                                               int            page,
                                               double        *width,
                                               double        *height);
/* The widest page, in points. */
double           inkan_document_get_max_width    (InkanDocument *self);

/* The poppler document. Render threads use it under inkan_document_lock(): whoever calls
 * poppler on it (renders, reads annotations) must hold the lock too, and never on the main
 * thread for long. */
PopplerDocument *inkan_document_get_poppler (InkanDocument *self);
void             inkan_document_lock        (InkanDocument *self);
void             inkan_document_unlock      (InkanDocument *self);

G_END_DECLS
