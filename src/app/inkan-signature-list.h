/* The signatures sidebar: per signature who signed, when, the verdict, what it covers, what
 * changed after it, the approvals sealed with it, and its certificate chain on demand. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "inkan-verify.h"

G_BEGIN_DECLS

#define INKAN_TYPE_SIGNATURE_LIST (inkan_signature_list_get_type ())
G_DECLARE_FINAL_TYPE (InkanSignatureList, inkan_signature_list, INKAN, SIGNATURE_LIST, GtkWidget)

GtkWidget *inkan_signature_list_new        (void);
/* Rows for `report`'s signatures, newest first; the list keeps its own reference to nothing in
 * `report` once this returns (it copies what it shows). */
void       inkan_signature_list_set_report (InkanSignatureList *self,
                                            const InkanReport  *report);
guint      inkan_signature_list_get_n_rows (InkanSignatureList *self);
/* The row of the signature at `index` in the report's order (the expander row), or NULL. */
AdwExpanderRow *inkan_signature_list_get_row (InkanSignatureList *self,
                                              guint               index);
/* The texts of the row's detail lines, "Title: subtitle", for tests and accessibility checks. */
/* Checks a typed verification code against the report's signatures: shows the outcome under
 * the entry and expands the signature it belongs to. Returns that signature's index, or -1. */
int        inkan_signature_list_check_code (InkanSignatureList *self,
                                            const char         *code);

GStrv      inkan_signature_list_get_details (InkanSignatureList *self,
                                             guint               index);

/* Signals:
 *   "show-signature" (guint index): the user asked to see signature `index`'s seal on its page.
 *   "show-certificates" (guint index): the user asked for signature `index`'s chain.
 *   "show-signed-version" (guint index): the user asked to see the document as signature
 *                     `index` signed it (offered when later revisions were added).
 *   "show-changes" (guint index): the user asked what looks different since signature `index`. */

G_END_DECLS
