/* The application: org.inkan.Inkan, its app.* actions, opening files given on the command line. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-application.h"
#include "inkan-preferences-window.h"
#include "inkan-renderer.h"
#include "inkan-store.h"
#include "inkan-window.h"

struct _InkanApplication
{
  AdwApplication parent_instance;

  char *store_path;
  char *user;
  gboolean user_asked;
  GtkWidget *user_dialog;
};

enum
{
  PROP_0,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (InkanApplication, inkan_application, ADW_TYPE_APPLICATION)

static char *
find_store_path (void)
{
  const char *env = g_getenv ("INKAN_DB");
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autofree char *fallback = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* Uninstalled runs and tests have no schema: then the default place. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INKAN_APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new (INKAN_APPLICATION_ID);
      g_autofree char *path = g_settings_get_string (settings, "store-path");

      if (path != NULL && *path != '\0')
        return g_steal_pointer (&path);
    }
  fallback = g_build_filename (g_get_user_data_dir (), "inkan", "inkan.db", NULL);
  if (g_file_test (fallback, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&fallback);
  return NULL;
}

const char *
inkan_application_get_store_path (InkanApplication *self)
{
  g_return_val_if_fail (INKAN_IS_APPLICATION (self), NULL);
  return self->store_path;
}

const char *
inkan_application_get_user (InkanApplication *self)
{
  g_return_val_if_fail (INKAN_IS_APPLICATION (self), NULL);
  return self->user;
}

void
inkan_application_set_user (InkanApplication *self,
                            const char       *name)
{
  g_return_if_fail (INKAN_IS_APPLICATION (self));

  if (g_strcmp0 (self->user, name) == 0)
    return;
  g_free (self->user);
  self->user = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

/* The user chooser: the store's users, listed in a worker thread, one button each. */

static void
users_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr (InkanStore) store = NULL;
  GPtrArray *users;
  GError *error = NULL;

  store = inkan_store_open (task_data, &error);
  users = store != NULL ? inkan_store_list_users (store, &error) : NULL;
  if (users == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, users, (GDestroyNotify) g_ptr_array_unref);
}

static void
user_chosen (AdwMessageDialog *dialog,
             const char       *response,
             InkanApplication *self)
{
  if (self->user_dialog == GTK_WIDGET (dialog))
    self->user_dialog = NULL;
  if (g_strcmp0 (response, "cancel") != 0)
    inkan_application_set_user (self, response);
}

static void
users_listed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (InkanApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) users = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  if (users == NULL)
    {
      if (INKAN_IS_WINDOW (window))
        inkan_window_show_toast (INKAN_WINDOW (window), error->message);
      return;
    }
  if (users->len == 0 || window == NULL || self->user_dialog != NULL)
    return;
  dialog = adw_message_dialog_new (window, _("Who Is Using Inkan?"),
                                   _("Choose your name in the seal registry. Your token proves "
                                     "it when you apply a seal."));
  for (guint i = 0; i < users->len; i++)
    {
      const InkanUser *user = g_ptr_array_index (users, i);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), user->name, user->name);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Not Now"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (user_chosen), self);
  self->user_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
choose_user (InkanApplication *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->store_path == NULL)
    return;
  task = g_task_new (NULL, NULL, users_listed, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (self->store_path), g_free);
  g_task_run_in_thread (task, users_thread);
}

static void
choose_user_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  choose_user (INKAN_APPLICATION (user_data));
}

/* At start, once: the chooser when no user was named. */
static void
ask_user_once (InkanApplication *self)
{
  if (self->user_asked || self->user != NULL)
    return;
  self->user_asked = TRUE;
  choose_user (self);
}

static InkanWindow *
active_window (InkanApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (INKAN_IS_WINDOW (window))
    return INKAN_WINDOW (window);
  return inkan_window_new (self);
}

static void
inkan_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (active_window (INKAN_APPLICATION (application))));
  ask_user_once (INKAN_APPLICATION (application));
}

static void
inkan_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  InkanWindow *window = active_window (INKAN_APPLICATION (application));

  for (int i = 0; i < n_files; i++)
    inkan_window_open (window, files[i]);
  gtk_window_present (GTK_WINDOW (window));
  ask_user_once (INKAN_APPLICATION (application));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing each window cancels its work; the application ends with the last one. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (inkan_window_new (INKAN_APPLICATION (user_data))));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = user_data;
  const char *developers[] = { "The Inkan developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", _("Inkan"),
                         "application-icon", INKAN_APPLICATION_ID,
                         "comments", _("Electronic seals for PDF documents"),
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (inkan_preferences_window_new (parent)));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "new-window", .activate = new_window_action },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "choose-user", .activate = choose_user_action },
};

static void
inkan_application_startup (GApplication *application)
{
  static const struct
  {
    const char *action;
    const char *accels[4];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.close-tab", { "<Control>w", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (inkan_application_parent_class)->startup (application);

  inkan_renderer_choose_gsk_renderer (gdk_display_get_default ());
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);
}

static void
inkan_application_finalize (GObject *object)
{
  InkanApplication *self = INKAN_APPLICATION (object);

  g_free (self->store_path);
  g_free (self->user);

  G_OBJECT_CLASS (inkan_application_parent_class)->finalize (object);
}

static void
inkan_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_USER:
      g_value_set_string (value, INKAN_APPLICATION (object)->user);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_application_class_init (InkanApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = inkan_application_finalize;
  object_class->get_property = inkan_application_get_property;
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->activate = inkan_application_activate;
  app_class->open = inkan_application_open;
  app_class->startup = inkan_application_startup;
}

static void
inkan_application_init (InkanApplication *self)
{
  const char *user = g_getenv ("INKAN_USER");

  self->store_path = find_store_path ();
  self->user = user != NULL && *user != '\0' ? g_strdup (user) : NULL;
}

InkanApplication *
inkan_application_new (void)
{
  return g_object_new (INKAN_TYPE_APPLICATION,
                       "application-id", INKAN_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/inkan/Inkan",
                       NULL);
}
