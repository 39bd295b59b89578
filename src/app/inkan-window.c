/* The main window: documents in tabs, opened from a dialog, a drop, the command line, recents. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "inkan-window-private.h"

enum
{
  DOCUMENT_OPENED,
  OPEN_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanWindow, inkan_window, ADW_TYPE_APPLICATION_WINDOW)

void
inkan_window_show_toast (InkanWindow *self,
                         const char  *message)
{
  AdwToast *toast;

  g_return_if_fail (INKAN_IS_WINDOW (self));

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  /* The newest outcome first: a seal applied says so at once, not after an older toast. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
inkan_window_get_last_toast (InkanWindow *self)
{
  g_return_val_if_fail (INKAN_IS_WINDOW (self), NULL);
  return self->last_toast;
}

GCancellable *
inkan_window_get_cancellable (InkanWindow *self)
{
  g_return_val_if_fail (INKAN_IS_WINDOW (self), NULL);
  return self->cancellable;
}

AdwTabView *
inkan_window_get_tab_view (InkanWindow *self)
{
  g_return_val_if_fail (INKAN_IS_WINDOW (self), NULL);
  return self->tab_view;
}

InkanDocumentView *
inkan_window_get_current_view (InkanWindow *self)
{
  AdwTabPage *page;

  g_return_val_if_fail (INKAN_IS_WINDOW (self), NULL);

  page = adw_tab_view_get_selected_page (self->tab_view);
  return page != NULL ? INKAN_DOCUMENT_VIEW (adw_tab_page_get_child (page)) : NULL;
}

/* The header: the document's title, "Page 3 of 12", the zoom level. */
static void
update_header (InkanWindow *self)
{
  InkanDocumentView *view = inkan_window_get_current_view (self);
  InkanDocument *document = view != NULL ? inkan_document_view_get_document (view) : NULL;

  if (view == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Inkan"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_menu_button_set_label (self->zoom_button, "100%");
    }
  else if (document == NULL)
    {
      adw_window_title_set_title (self->window_title, inkan_document_view_get_title (view));
      adw_window_title_set_subtitle (self->window_title, _("Opening…"));
    }
  else
    {
      InkanPageView *page_view = inkan_document_view_get_page_view (view);
      g_autofree char *subtitle = NULL;
      g_autofree char *zoom = NULL;

      /* TRANSLATORS: the window's subtitle, "Page 3 of 12". */
      subtitle = g_strdup_printf (_("Page %d of %d"),
                                  inkan_page_view_get_current_page (page_view) + 1,
                                  inkan_document_get_n_pages (document));
      zoom = g_strdup_printf ("%d%%",
                              (int) round (inkan_page_view_get_scale (page_view) * 100));
      adw_window_title_set_title (self->window_title, inkan_document_view_get_title (view));
      adw_window_title_set_subtitle (self->window_title, subtitle);
      gtk_menu_button_set_label (self->zoom_button, zoom);
    }
  gtk_stack_set_visible_child_name (self->stack,
                                    self->requests_shown ? "requests"
                                    : adw_tab_view_get_n_pages (self->tab_view) > 0 ? "documents"
                                                                                    : "empty");
  gtk_toggle_button_set_active (self->requests_button, self->requests_shown);
  _inkan_window_actions_update (self);
}

static void
unbind_view (InkanWindow *self)
{
  if (self->bound_view == NULL)
    return;
  g_signal_handler_disconnect (inkan_document_view_get_page_view (self->bound_view),
                               self->bound_handlers[0]);
  g_signal_handler_disconnect (inkan_document_view_get_page_view (self->bound_view),
                               self->bound_handlers[1]);
  g_signal_handler_disconnect (self->bound_view, self->bound_handlers[2]);
  g_clear_object (&self->bound_view);
}

static void
selected_page_changed (InkanWindow *self)
{
  InkanDocumentView *view = inkan_window_get_current_view (self);

  unbind_view (self);
  if (view != NULL)
    {
      InkanPageView *page_view = inkan_document_view_get_page_view (view);

      self->bound_view = g_object_ref (view);
      self->bound_handlers[0] = g_signal_connect_swapped (page_view, "page-changed",
                                                          G_CALLBACK (update_header), self);
      self->bound_handlers[1] = g_signal_connect_swapped (page_view, "notify::scale",
                                                          G_CALLBACK (update_header), self);
      self->bound_handlers[2] = g_signal_connect_swapped (view, "notify",
                                                          G_CALLBACK (update_header), self);
      gtk_widget_grab_focus (GTK_WIDGET (page_view));
    }
  update_header (self);
}

static AdwTabPage *
find_tab (InkanWindow *self,
          GFile       *file)
{
  int n = adw_tab_view_get_n_pages (self->tab_view);

  for (int i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      InkanDocumentView *view = INKAN_DOCUMENT_VIEW (adw_tab_page_get_child (page));

      if (g_file_equal (inkan_document_view_get_file (view), file))
        return page;
    }
  return NULL;
}

typedef struct
{
  InkanWindow *window;
  AdwTabPage *page;
  GFile *file;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->window);
  g_clear_object (&data->page);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static void
document_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (OpenData) data = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanDocument) document = inkan_document_load_finish (result, &error);
  InkanWindow *self = data->window;
  InkanDocumentView *view;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The tab was closed while the document loaded. */
  if (adw_tab_view_get_page_position (self->tab_view, data->page) < 0)
    return;

  view = INKAN_DOCUMENT_VIEW (adw_tab_page_get_child (data->page));
  if (document == NULL)
    {
      adw_tab_view_close_page (self->tab_view, data->page);
      inkan_window_show_toast (self, error->message);
      g_signal_emit (self, signals[OPEN_FAILED], 0, data->file, error);
      return;
    }

  inkan_document_view_set_document (view, document);
  {
    g_autofree char *uri = g_file_get_uri (data->file);
    GtkRecentData recent = {
      .display_name = (char *) inkan_document_get_title (document),
      .mime_type = (char *) "application/pdf",
      .app_name = (char *) "Inkan",
      .app_exec = (char *) "inkan %u",
    };

    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &recent);
  }
  update_header (self);
  g_signal_emit (self, signals[DOCUMENT_OPENED], 0, view);
}

void
inkan_window_open (InkanWindow *self,
                   GFile       *file)
{
  AdwTabPage *page;
  GtkWidget *view;
  OpenData *data;

  g_return_if_fail (INKAN_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* A document opened is a document shown, also from the Requests view. */
  _inkan_window_set_requests_shown (self, FALSE);
  page = find_tab (self, file);
  if (page != NULL)
    {
      adw_tab_view_set_selected_page (self->tab_view, page);
      return;
    }

  view = inkan_document_view_new (file);
  page = adw_tab_view_append (self->tab_view, view);
  g_object_bind_property (view, "title", page, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (view, "title", page, "tooltip", G_BINDING_SYNC_CREATE);
  g_object_bind_property (view, "loading", page, "loading", G_BINDING_SYNC_CREATE);
  adw_tab_view_set_selected_page (self->tab_view, page);

  data = g_new0 (OpenData, 1);
  data->window = g_object_ref (self);
  data->page = g_object_ref (page);
  data->file = g_object_ref (file);
  inkan_document_load_async (file, self->cancellable, document_loaded, data);
}

static void
requests_count_changed (InkanWindow *self)
{
  guint n = inkan_requests_view_get_n_to_approve (self->requests_view);
  g_autofree char *label = NULL;

  if (n == 0)
    {
      adw_button_content_set_label (self->requests_content, _("Requests"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->requests_button), "suggested-action");
      return;
    }
  /* TRANSLATORS: the header button when requests wait on the user: "Requests · 2" */
  label = g_strdup_printf (_("Requests · %u"), n);
  adw_button_content_set_label (self->requests_content, label);
  gtk_widget_add_css_class (GTK_WIDGET (self->requests_button), "suggested-action");
}

static gboolean
drop (GtkDropTarget *target,
      const GValue  *value,
      double         x,
      double         y,
      InkanWindow   *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      for (GSList *l = files; l != NULL; l = l->next)
        inkan_window_open (self, l->data);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      inkan_window_open (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

static void
recent_changed (InkanWindow *self)
{
  _inkan_window_update_recent (self);
}

static gboolean
inkan_window_close_request (GtkWindow *window)
{
  InkanWindow *self = INKAN_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (inkan_window_parent_class)->close_request (window);
}

static void
inkan_window_dispose (GObject *object)
{
  InkanWindow *self = INKAN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  unbind_view (self);
  g_signal_handlers_disconnect_by_func (gtk_recent_manager_get_default (), recent_changed, self);
  /* The Requests view may still notify its count (a reload finishing) once the template has
   * cleared self->requests_view. */
  if (self->requests_view != NULL)
    g_signal_handlers_disconnect_by_func (self->requests_view, requests_count_changed, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), INKAN_TYPE_WINDOW);

  G_OBJECT_CLASS (inkan_window_parent_class)->dispose (object);
}

static void
inkan_window_finalize (GObject *object)
{
  InkanWindow *self = INKAN_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->recent_menu);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (inkan_window_parent_class)->finalize (object);
}

static void
inkan_window_class_init (InkanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_window_dispose;
  object_class->finalize = inkan_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = inkan_window_close_request;

  signals[DOCUMENT_OPENED] = g_signal_new ("document-opened", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, INKAN_TYPE_DOCUMENT_VIEW);
  signals[OPEN_FAILED] = g_signal_new ("open-failed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_ERROR);

  g_type_ensure (INKAN_TYPE_DOCUMENT_VIEW);
  g_type_ensure (INKAN_TYPE_REQUESTS_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, requests_button);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, requests_content);
  gtk_widget_class_bind_template_child (widget_class, InkanWindow, requests_view);
  gtk_widget_class_bind_template_callback (widget_class, selected_page_changed);

  _inkan_window_actions_class_init (widget_class);
}

static void
inkan_window_init (InkanWindow *self)
{
  GtkDropTarget *target;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GMenuModel *menu;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect (target, "drop", G_CALLBACK (drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  /* The primary menu's "Open Recent" section follows the recent files. */
  self->recent_menu = g_menu_new ();
  menu = gtk_menu_button_get_menu_model (self->primary_menu_button);
  if (G_IS_MENU (menu))
    g_menu_insert_submenu (G_MENU (menu), 1, _("Open _Recent"), G_MENU_MODEL (self->recent_menu));
  g_signal_connect_swapped (gtk_recent_manager_get_default (), "changed",
                            G_CALLBACK (recent_changed), self);
  _inkan_window_update_recent (self);

  /* The header's Requests button carries the count waiting on the current user. */
  g_signal_connect_swapped (self->requests_view, "notify::n-to-approve",
                            G_CALLBACK (requests_count_changed), self);
  if (INKAN_IS_APPLICATION (g_application_get_default ()))
    g_signal_connect_object (g_application_get_default (), "notify::user",
                             G_CALLBACK (inkan_requests_view_reload), self->requests_view,
                             G_CONNECT_SWAPPED);
  inkan_requests_view_reload (self->requests_view);

  update_header (self);
}

void
_inkan_window_set_requests_shown (InkanWindow *self,
                                  gboolean     shown)
{
  if (self->requests_shown == shown)
    return;
  self->requests_shown = shown;
  if (shown)
    inkan_requests_view_reload (self->requests_view);
  update_header (self);
}

InkanWindow *
inkan_window_new (InkanApplication *application)
{
  return g_object_new (INKAN_TYPE_WINDOW, "application", application, NULL);
}
