/* Asks for a token's PIN before a seal is applied: no echo, and a refused PIN said plainly with
 * the token's word on the tries left. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "inkan-token.h"

G_BEGIN_DECLS

#define INKAN_TYPE_PIN_DIALOG (inkan_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (InkanPinDialog, inkan_pin_dialog, INKAN, PIN_DIALOG, AdwMessageDialog)

/* A modal dialog over `parent` for the token `token_label` holding `seal_name`'s key. Its
 * responses are "cancel" and "apply". */
InkanPinDialog *inkan_pin_dialog_new       (GtkWindow      *parent,
                                            const char     *token_label,
                                            const char     *seal_name);
/* Shows why the last PIN was not accepted (the token's sentence) and clears the entry. */
void            inkan_pin_dialog_set_error (InkanPinDialog *self,
                                            const char     *message);
const char     *inkan_pin_dialog_get_error (InkanPinDialog *self);
/* The PIN typed: a copy to free with inkan_pin_free(). */
char           *inkan_pin_dialog_get_pin   (InkanPinDialog *self);
GtkEditable    *inkan_pin_dialog_get_entry (InkanPinDialog *self);

/* Takes the dialog away once it has answered, whoever answered it (a button closes it, a call
 * does not): hidden now, destroyed after the response's emission has ended. A refused PIN is
 * asked in a new dialog. */
void            inkan_pin_dialog_dismiss   (InkanPinDialog *self);

/* An InkanPinFunc for a worker that uses a PIN typed in the dialog before it started
 * (`user_data`, a string): given once; a retry after the token refused it gets none, so the
 * worker fails with INKAN_TOKEN_ERROR_PIN_INCORRECT and the token's sentence (tries left
 * included), and the caller asks again in a new dialog. */
char           *inkan_pin_dialog_typed_pin (const char     *token_label,
                                            InkanPinFlags   flags,
                                            gpointer        user_data);

/* The token's label from a pkcs11: URL's token= attribute, or NULL. */
char           *inkan_pin_dialog_token_label_from_url (const char *url);

G_END_DECLS
