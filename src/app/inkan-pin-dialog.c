/* The PIN dialog: a password entry without echo and the token's own sentence when refused. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "inkan-pin-dialog.h"
#include "inkan-token.h"

struct _InkanPinDialog
{
  AdwMessageDialog parent_instance;

  GtkWidget *entry;
  GtkWidget *error_label;
};

G_DEFINE_FINAL_TYPE (InkanPinDialog, inkan_pin_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
entry_changed (InkanPinDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply",
                                           text != NULL && *text != '\0');
}

static void
entry_activated (InkanPinDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (text != NULL && *text != '\0')
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "apply");
}

static void
inkan_pin_dialog_class_init (InkanPinDialogClass *klass)
{
}

static void
inkan_pin_dialog_init (InkanPinDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  self->entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->entry), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("PIN"), -1);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (entry_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (entry_activated), self);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->error_label), 40);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), self->error_label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "cancel", _("_Cancel"), "apply",
                                    _("_Apply Seal"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  entry_changed (self);
}

InkanPinDialog *
inkan_pin_dialog_new (GtkWindow  *parent,
                      const char *token_label,
                      const char *seal_name)
{
  InkanPinDialog *self;
  g_autofree char *body = NULL;

  self = g_object_new (INKAN_TYPE_PIN_DIALOG, "transient-for", parent, "modal", TRUE,
                       "heading", _("Enter the Token PIN"), NULL);
  if (token_label != NULL && *token_label != '\0')
    /* TRANSLATORS: "The Contract seal's key is on the token “Inkan Demo”. …" */
    body = g_strdup_printf (_("The %s seal’s key is on the token “%s”. Enter its PIN to apply "
                              "the seal."), seal_name, token_label);
  else
    body = g_strdup_printf (_("Enter the PIN of the token that holds the %s seal’s key to apply "
                              "the seal."), seal_name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_window_set_focus (GTK_WINDOW (self), self->entry);
  return self;
}

void
inkan_pin_dialog_set_error (InkanPinDialog *self,
                            const char     *message)
{
  g_return_if_fail (INKAN_IS_PIN_DIALOG (self));

  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  gtk_widget_grab_focus (self->entry);
}

const char *
inkan_pin_dialog_get_error (InkanPinDialog *self)
{
  g_return_val_if_fail (INKAN_IS_PIN_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->error_label)
           ? gtk_label_get_text (GTK_LABEL (self->error_label)) : NULL;
}

char *
inkan_pin_dialog_get_pin (InkanPinDialog *self)
{
  g_return_val_if_fail (INKAN_IS_PIN_DIALOG (self), NULL);
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

GtkEditable *
inkan_pin_dialog_get_entry (InkanPinDialog *self)
{
  g_return_val_if_fail (INKAN_IS_PIN_DIALOG (self), NULL);
  return GTK_EDITABLE (self->entry);
}

static gboolean
destroy_dialog (gpointer dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  return G_SOURCE_REMOVE;
}

void
inkan_pin_dialog_dismiss (InkanPinDialog *self)
{
  g_return_if_fail (INKAN_IS_PIN_DIALOG (self));

  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  g_idle_add_full (G_PRIORITY_HIGH, destroy_dialog, g_object_ref (self), g_object_unref);
}

char *
inkan_pin_dialog_typed_pin (const char   *token_label,
                            InkanPinFlags flags,
                            gpointer      user_data)
{
  /* Sending the same PIN again would only cost the token another try. */
  if (flags & INKAN_PIN_FLAG_RETRY)
    return NULL;
  return g_strdup (user_data);
}

char *
inkan_pin_dialog_token_label_from_url (const char *url)
{
  const char *start, *end;
  g_autofree char *escaped = NULL;

  if (url == NULL || !g_str_has_prefix (url, "pkcs11:"))
    return NULL;
  start = strstr (url, "token=");
  if (start == NULL)
    return NULL;
  start += strlen ("token=");
  end = start + strcspn (start, ";?");
  escaped = g_strndup (start, (gsize) (end - start));
  return g_uri_unescape_string (escaped, NULL);
}
