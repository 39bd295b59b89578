/* The banner across a signed document: green, yellow or red, what it means and what to do. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-validity.h"

G_BEGIN_DECLS

#define INKAN_TYPE_VALIDITY_BANNER (inkan_validity_banner_get_type ())
G_DECLARE_FINAL_TYPE (InkanValidityBanner, inkan_validity_banner, INKAN, VALIDITY_BANNER, GtkWidget)

GtkWidget         *inkan_validity_banner_new        (void);
/* Shows the verdict on `report` (hidden when it has no signature). */
void               inkan_validity_banner_set_report (InkanValidityBanner *self,
                                                     const InkanReport   *report);
/* Shows that the signatures could not be checked at all. */
void               inkan_validity_banner_set_error  (InkanValidityBanner *self,
                                                     const GError        *error);
/* Shows "Checking signatures…" while the verifier runs. */
void               inkan_validity_banner_set_busy   (InkanValidityBanner *self);
InkanValidityState inkan_validity_banner_get_state  (InkanValidityBanner *self);
const char        *inkan_validity_banner_get_title  (InkanValidityBanner *self);
const char        *inkan_validity_banner_get_detail (InkanValidityBanner *self);

/* Signals:
 *   "details" (void): the user asked to see the signatures. */

G_END_DECLS
