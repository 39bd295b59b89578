/* Strict reading of a PDF with qpdf, and the incremental update that carries a signature. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define INKAN_PDF_ERROR (inkan_pdf_error_quark ())

typedef enum
{
  INKAN_PDF_ERROR_FAILED,
  INKAN_PDF_ERROR_NOT_FOUND,      /* the file does not exist or cannot be opened */
  INKAN_PDF_ERROR_DAMAGED,        /* not a PDF, or one that needs repair to be read */
  INKAN_PDF_ERROR_ENCRYPTED,      /* encrypted documents are not sealed */
  INKAN_PDF_ERROR_PAGE_RANGE,     /* no such page */
  INKAN_PDF_ERROR_PLACEMENT,      /* the rectangle is not inside the page */
  INKAN_PDF_ERROR_FIELD,          /* the named field is not an empty signature field */
  INKAN_PDF_ERROR_WRITE,          /* the output could not be written */
} InkanPdfError;

GQuark inkan_pdf_error_quark (void);

typedef struct
{
  double x, y, width, height;
} InkanRect;

#define INKAN_TYPE_PDF (inkan_pdf_get_type ())
G_DECLARE_FINAL_TYPE (InkanPdf, inkan_pdf, INKAN, PDF, GObject)

/* Reads `path` strictly: no recovery, no warnings tolerated, no encryption. */
InkanPdf *inkan_pdf_open (const char *path, GError **error);

const char *inkan_pdf_get_path (InkanPdf *self);
guint64     inkan_pdf_get_size (InkanPdf *self);
guint       inkan_pdf_get_n_pages (InkanPdf *self);
/* TRUE when the last cross-reference section is a stream, FALSE for a table. */
gboolean    inkan_pdf_has_xref_stream (InkanPdf *self);

/* The visible page (its crop box, rotated as displayed) as width × height in points. */
gboolean inkan_pdf_get_page_size (InkanPdf *self,
                                  guint     page,
                                  double   *width,
                                  double   *height,
                                  GError  **error);

G_END_DECLS
