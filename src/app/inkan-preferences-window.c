/* Preferences: the settings a user changes (the timestamp authority for now), bound to GSettings. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-preferences-window.h"

#include "inkan-application.h"
#include "inkan-tsa.h"

#include <glib/gi18n.h>

struct _InkanPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;              /* NULL when the schema is not installed */
  AdwPreferencesGroup *time_group;
  AdwEntryRow *tsa_entry;
  AdwActionRow *tsa_optional_row;
  GtkSwitch *tsa_optional;
};

G_DEFINE_FINAL_TYPE (InkanPreferencesWindow, inkan_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* An address the client would refuse is marked as it is typed; the setting keeps what was
 * typed, and sealing says what is wrong with it. */
static void
tsa_changed (InkanPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->tsa_entry));
  g_autofree char *url = g_strstrip (g_strdup (text));
  g_autoptr (InkanTsa) tsa = NULL;
  g_autoptr (GError) error = NULL;

  if (*url != '\0')
    tsa = inkan_tsa_new (url, &error);
  if (*url != '\0' && tsa == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->tsa_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tsa_entry), error->message);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->tsa_entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tsa_entry), NULL);
    }
}

static void
inkan_preferences_window_dispose (GObject *object)
{
  InkanPreferencesWindow *self = INKAN_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), INKAN_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (inkan_preferences_window_parent_class)->dispose (object);
}

static void
inkan_preferences_window_class_init (InkanPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanPreferencesWindow, time_group);
  gtk_widget_class_bind_template_child (widget_class, InkanPreferencesWindow, tsa_entry);
  gtk_widget_class_bind_template_child (widget_class, InkanPreferencesWindow, tsa_optional_row);
  gtk_widget_class_bind_template_child (widget_class, InkanPreferencesWindow, tsa_optional);
  gtk_widget_class_bind_template_callback (widget_class, tsa_changed);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
inkan_preferences_window_init (InkanPreferencesWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INKAN_APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      /* Running from the build tree without GSETTINGS_SCHEMA_DIR: nothing to store them in. */
      adw_preferences_group_set_description (
        self->time_group, _("These settings cannot be kept: Inkan’s settings schema is not "
                            "installed."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->tsa_entry), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->tsa_optional_row), FALSE);
      return;
    }
  self->settings = g_settings_new (INKAN_APPLICATION_ID);
  g_settings_bind (self->settings, "tsa-url", self->tsa_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tsa-optional", self->tsa_optional, "active",
                   G_SETTINGS_BIND_DEFAULT);
  tsa_changed (self);
}

InkanPreferencesWindow *
inkan_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (INKAN_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

GtkWidget *
inkan_preferences_window_get_tsa_entry (InkanPreferencesWindow *self)
{
  g_return_val_if_fail (INKAN_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_WIDGET (self->tsa_entry);
}

GtkWidget *
inkan_preferences_window_get_tsa_optional (InkanPreferencesWindow *self)
{
  g_return_val_if_fail (INKAN_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_WIDGET (self->tsa_optional);
}
