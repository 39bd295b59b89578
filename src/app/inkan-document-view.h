/* A document in a tab: the page view with its thumbnail sidebar, and a spinner while it loads. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-document.h"
#include "inkan-page-view.h"
#include "inkan-signature-list.h"
#include "inkan-validity-banner.h"
#include "inkan-seal-flow.h"
#include "inkan-seal-overlay.h"
#include "inkan-seal-palette.h"

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
/* What "What changed" found (NULL before it was asked or after the marks were taken away), and
 * how many marks it put on the pages. */
const InkanVisualDiff *inkan_document_view_get_changes        (InkanDocumentView *self);
guint                inkan_document_view_get_n_change_marks    (InkanDocumentView *self);
/* Stamping. The palette lists the seals for the current user and this document. */
InkanSealPalette *inkan_document_view_get_palette      (InkanDocumentView *self);
/* Places `item` on `page` (0-based) centred on (x, y) (points, shown coordinates), or where its
 * approved request placed it; replaces a seal placed before. FALSE when it cannot be placed. A
 * drop from the palette lands here; so does the keyboard path (the page's centre). */
gboolean          inkan_document_view_place_seal       (InkanDocumentView *self,
                                                        InkanSealItem     *item,
                                                        int                page,
                                                        double             x,
                                                        double             y);
/* The seal placed and not applied yet, or NULL. */
InkanSealOverlay *inkan_document_view_get_placed_seal  (InkanDocumentView *self);
InkanSealItem    *inkan_document_view_get_placed_item  (InkanDocumentView *self);
/* The seal bar's "Riding Seal" toggle, read when the seal is applied. */
GtkCheckButton   *inkan_document_view_get_riding_check (InkanDocumentView *self);
/* What the seal bar says about the placed seal ("" when nothing is placed). */
const char       *inkan_document_view_get_seal_bar_text (InkanDocumentView *self);
void              inkan_document_view_cancel_placement (InkanDocumentView *self);
/* "Apply Seal" (save dialog, PIN, sealing) or, for a seal that needs approval, "Request
 * Approval"; returns the flow started (owned by the view), or NULL when nothing is placed. */
InkanSealFlow    *inkan_document_view_apply_placement  (InkanDocumentView *self);
InkanSealFlow    *inkan_document_view_get_seal_flow    (InkanDocumentView *self);

G_END_DECLS
