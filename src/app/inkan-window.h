/* The main window: documents in tabs, opened from a dialog, a drop, the command line, recents. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "inkan-application.h"
#include "inkan-document-view.h"

G_BEGIN_DECLS

#define INKAN_TYPE_WINDOW (inkan_window_get_type ())
G_DECLARE_FINAL_TYPE (InkanWindow, inkan_window, INKAN, WINDOW, AdwApplicationWindow)

InkanWindow       *inkan_window_new              (InkanApplication *application);

/* Opens `file` in a new tab (or selects the tab that has it already) and loads it in a worker
 * thread; a document that cannot be opened closes its tab and shows a toast. */
void               inkan_window_open             (InkanWindow *self,
                                                  GFile       *file);
/* The selected tab's view, or NULL when no document is open. */
InkanDocumentView *inkan_window_get_current_view (InkanWindow *self);
AdwTabView        *inkan_window_get_tab_view     (InkanWindow *self);

/* Shows `message` (a full sentence) as a toast. */
void               inkan_window_show_toast       (InkanWindow *self,
                                                  const char  *message);
/* The text of the last toast shown, or NULL: for tests. */
const char        *inkan_window_get_last_toast   (InkanWindow *self);
/* Cancelled when the window closes: for the window's worker-thread tasks. */
GCancellable      *inkan_window_get_cancellable  (InkanWindow *self);

/* Signals:
 *   "document-opened" (InkanDocumentView *view): a document finished loading in `view`.
 *   "open-failed"     (GFile *file, GError *error): it could not be opened (after the toast). */

G_END_DECLS
