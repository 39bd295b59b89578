/* The application: org.inkan.Inkan, its app.* actions, opening files given on the command line. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-application.h"
#include "inkan-window.h"

struct _InkanApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (InkanApplication, inkan_application, ADW_TYPE_APPLICATION)

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

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "new-window", .activate = new_window_action },
  { .name = "about", .activate = about_action },
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
    { "win.open", { "<Control>o", NULL } },
    { "win.close-tab", { "<Control>w", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
    { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
    { "win.zoom-reset", { "<Control>0", "<Control>KP_0", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  G_APPLICATION_CLASS (inkan_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action,
                                           accels[i].accels);
}

static void
inkan_application_class_init (InkanApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = inkan_application_activate;
  app_class->open = inkan_application_open;
  app_class->startup = inkan_application_startup;
}

static void
inkan_application_init (InkanApplication *self)
{
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
