/* The main window's win.* actions: open, recent files, close tab, zoom, sidebar. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-window-private.h"

#include "inkan-application.h"
#include "inkan-seal-editor.h"

#define N_RECENT 10

static InkanPageView *
current_page_view (InkanWindow *self)
{
  InkanDocumentView *view = inkan_window_get_current_view (self);

  if (view == NULL || inkan_document_view_get_document (view) == NULL)
    return NULL;
  return inkan_document_view_get_page_view (view);
}

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               InkanWindow     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);

          inkan_window_open (self, file);
        }
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  InkanWindow *self = INKAN_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) pdf = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  /* GTK 4.8 has no GtkFileDialog. */
  dialog = gtk_file_chooser_native_new (_("Open Document"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_filter_set_name (pdf, _("PDF documents"));
  gtk_file_filter_add_mime_type (pdf, "application/pdf");
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), pdf);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  inkan_window_open (INKAN_WINDOW (widget), file);
}

static void
close_tab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  InkanWindow *self = INKAN_WINDOW (widget);
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  InkanPageView *view = current_page_view (INKAN_WINDOW (widget));

  if (view == NULL)
    return;
  if (g_str_equal (action_name, "win.zoom-in"))
    inkan_page_view_zoom_in (view);
  else if (g_str_equal (action_name, "win.zoom-out"))
    inkan_page_view_zoom_out (view);
  else if (g_str_equal (action_name, "win.zoom-reset"))
    inkan_page_view_set_scale (view, 1.0);
  else if (g_str_equal (action_name, "win.fit-width"))
    inkan_page_view_set_zoom_mode (view, INKAN_ZOOM_MODE_FIT_WIDTH);
  else if (g_str_equal (action_name, "win.fit-page"))
    inkan_page_view_set_zoom_mode (view, INKAN_ZOOM_MODE_FIT_PAGE);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  InkanDocumentView *view = inkan_window_get_current_view (INKAN_WINDOW (widget));

  if (view != NULL)
    inkan_document_view_set_sidebar_visible (view,
                                             !inkan_document_view_get_sidebar_visible (view));
}

static void
requests_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  InkanWindow *self = INKAN_WINDOW (widget);

  _inkan_window_set_requests_shown (self, !self->requests_shown);
}

static void
seal_created (InkanSealEditor *editor,
              const char      *name,
              InkanWindow     *self)
{
  InkanDocumentView *view = inkan_window_get_current_view (self);

  if (view != NULL)
    inkan_seal_palette_reload (inkan_document_view_get_palette (view));
}

/* The seal editor, for administrators: it creates the seal in the registry as the current
 * user (the store refuses anyone else), or exports its PNG. */
static void
new_seal_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  InkanWindow *self = INKAN_WINDOW (widget);
  InkanApplication *app = INKAN_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  InkanSealEditor *editor;

  editor = inkan_seal_editor_new (GTK_WINDOW (self),
                                  app != NULL ? inkan_application_get_store_path (app) : NULL,
                                  app != NULL ? inkan_application_get_user (app) : NULL);
  g_signal_connect_object (editor, "seal-created", G_CALLBACK (seal_created), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

void
_inkan_window_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL, close_tab_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.fit-width", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.fit-page", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL,
                                   toggle_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.requests", NULL, requests_action);
  gtk_widget_class_install_action (widget_class, "win.new-seal", NULL, new_seal_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.requests",
                                       NULL);
}

void
_inkan_window_actions_update (InkanWindow *self)
{
  gboolean has_document = current_page_view (self) != NULL;
  gboolean has_tab = adw_tab_view_get_selected_page (self->tab_view) != NULL;
  const char *document_actions[] = {
    "win.zoom-in", "win.zoom-out", "win.zoom-reset", "win.fit-width", "win.fit-page",
    "win.toggle-sidebar",
  };

  for (guint i = 0; i < G_N_ELEMENTS (document_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), document_actions[i], has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-tab", has_tab);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), has_document);
}

static int
compare_visited (gconstpointer a,
                 gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_visited (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_visited (*(GtkRecentInfo **) b);

  return -g_date_time_compare (ta, tb);
}

/* The ten most recently used PDFs that still exist, newest first. */
void
_inkan_window_update_recent (InkanWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr (GPtrArray) pdfs = g_ptr_array_new ();
  guint n = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (g_strcmp0 (gtk_recent_info_get_mime_type (info), "application/pdf") == 0 &&
          gtk_recent_info_is_local (info) && gtk_recent_info_exists (info))
        g_ptr_array_add (pdfs, info);
    }
  g_ptr_array_sort (pdfs, compare_visited);

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < pdfs->len && n < N_RECENT; i++, n++)
    {
      GtkRecentInfo *info = g_ptr_array_index (pdfs, i);
      g_autoptr (GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info),
                                                    NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}
