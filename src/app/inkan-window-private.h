/* The main window's fields and internal functions, shared by its files. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-requests-view.h"
#include "inkan-window.h"

G_BEGIN_DECLS

struct _InkanWindow
{
  AdwApplicationWindow parent_instance;

  GCancellable *cancellable;
  char *last_toast;
  GMenu *recent_menu;
  InkanDocumentView *bound_view;   /* the view whose signals update the header */
  gulong bound_handlers[3];
  gboolean requests_shown;         /* the Requests view instead of the documents */

  /* Template children. */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack *stack;
  AdwTabView *tab_view;
  AdwTabBar *tab_bar;
  GtkMenuButton *zoom_button;
  GtkMenuButton *primary_menu_button;
  GtkToggleButton *requests_button;
  AdwButtonContent *requests_content;
  InkanRequestsView *requests_view;
};

void _inkan_window_actions_class_init (GtkWidgetClass *widget_class);
void _inkan_window_actions_update     (InkanWindow    *self);
void _inkan_window_update_recent      (InkanWindow    *self);
void _inkan_window_set_requests_shown (InkanWindow    *self,
                                       gboolean        shown);

G_END_DECLS
