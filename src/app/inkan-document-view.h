/* A document in a tab: the page view with its thumbnail sidebar, and a spinner while it loads. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-document.h"
#include "inkan-page-view.h"
#include "inkan-signature-list.h"
#include "inkan-validity-banner.h"

G_BEGIN_DECLS

#define INKAN_TYPE_DOCUMENT_VIEW (inkan_document_view_get_type ())
G_DECLARE_FINAL_TYPE (InkanDocumentView, inkan_document_view, INKAN, DOCUMENT_VIEW, GtkWidget)

/* A view of `file`, loading (a spinner) until inkan_document_view_set_document(). */
GtkWidget     *inkan_document_view_new          (GFile             *file);
GFile         *inkan_document_view_get_file     (InkanDocumentView *self);
void           inkan_document_view_set_document (InkanDocumentView *self,
                                                 InkanDocument     *document);
InkanDocument *inkan_document_view_get_document (InkanDocumentView *self);
InkanPageView *inkan_document_view_get_page_view (InkanDocumentView *self);
const char    *inkan_document_view_get_title    (InkanDocumentView *self);
gboolean       inkan_document_view_get_loading  (InkanDocumentView *self);

gboolean       inkan_document_view_get_sidebar_visible (InkanDocumentView *self);
void           inkan_document_view_set_sidebar_visible (InkanDocumentView *self,
                                                        gboolean           visible);

/* The verifier's report on the document (NULL until it is done, or when it failed), whether it
 * is still running ("verifying" property), and the widgets showing it. */
const InkanReport   *inkan_document_view_get_report            (InkanDocumentView *self);
gboolean             inkan_document_view_get_verifying         (InkanDocumentView *self);
InkanValidityBanner *inkan_document_view_get_validity_banner   (InkanDocumentView *self);
InkanSignatureList  *inkan_document_view_get_signature_list    (InkanDocumentView *self);
gboolean             inkan_document_view_get_signatures_visible (InkanDocumentView *self);
/* The outline drawn around the seal of the signature last shown on its page, or NULL. */
GtkWidget           *inkan_document_view_get_signature_outline (InkanDocumentView *self);

G_END_DECLS
