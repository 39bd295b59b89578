/* The seal editor: an administrator draws a seal (or imports a scanned one), sees it live, and
 * creates it in the seal registry, bound by a seal record signed with their own token, or
 * exports its PNG. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "inkan-pin-dialog.h"

G_BEGIN_DECLS

#define INKAN_TYPE_SEAL_EDITOR (inkan_seal_editor_get_type ())
G_DECLARE_FINAL_TYPE (InkanSealEditor, inkan_seal_editor, INKAN, SEAL_EDITOR, AdwWindow)

/* A new editor over the store at `store_path` acting as `user_name` (either may be NULL: then
 * the seal can only be exported). */
InkanSealEditor *inkan_seal_editor_new (GtkWindow  *parent,
                                        const char *store_path,
                                        const char *user_name);

/* What tests drive and read. */
GtkEditable  *inkan_seal_editor_get_name_entry (InkanSealEditor *self);
GdkPaintable *inkan_seal_editor_get_preview    (InkanSealEditor *self);
GtkEditable  *inkan_seal_editor_get_registry_name_entry (InkanSealEditor *self);
GtkWidget    *inkan_seal_editor_get_create_button (InkanSealEditor *self);
/* The seal's certificate: "LABEL — KEY TYPE" for each one with a key on a present token. */
GtkDropDown  *inkan_seal_editor_get_certificate_dropdown (InkanSealEditor *self);
/* Counts the previews drawn so far. */
guint         inkan_seal_editor_get_preview_serial (InkanSealEditor *self);
/* The seal as it is now, at 600 dpi (or the imported scan), as PNG. */
gboolean      inkan_seal_editor_export (InkanSealEditor *self,
                                        const char      *path,
                                        GError         **error);
gboolean      inkan_seal_editor_import (InkanSealEditor *self,
                                        const char      *path,
                                        GError         **error);
/* The line under the preview: what went wrong, or what was done. */
const char   *inkan_seal_editor_get_status (InkanSealEditor *self);

/* The dialog asking the administrator's PIN while Create waits for it, or NULL. */
InkanPinDialog *inkan_seal_editor_get_pin_dialog (InkanSealEditor *self);
/* From Create until the outcome (created, or not, and why, in the status). */
gboolean      inkan_seal_editor_is_creating (InkanSealEditor *self);

/* Signals:
 *   "seal-created" (const char *name): the seal is in the registry, bound by its seal record
 *   signed by the administrator. */

G_END_DECLS
