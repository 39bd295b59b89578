/* GUI test helpers: the real application and window under Xvfb, waiting, screenshots. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-application.h"
#include "inkan-validity.h"
#include "inkan-window.h"

G_BEGIN_DECLS

/* The test process's InkanApplication, registered (its startup has run: actions, accels,
 * style). Run GUI tests through tests/inkan-gui-test.sh (Xvfb + dbus-run-session). */
InkanApplication *inkan_test_app_get        (void);
/* A new, presented main window; destroy it with gtk_window_destroy(). */
InkanWindow      *inkan_test_app_new_window (void);

/* One main-loop iteration that never blocks for more than 10 ms. */
void              inkan_test_app_iterate    (void);
/* g_test_run (), then the wait for the validity workers (inkan_validity_wait_for_workers), so
 * that none is still in qpdf when the process ends. */
int               inkan_test_app_run        (void);
/* Runs the main loop until `cond` holds, at most 60 s (a safety net, not a timing assertion),
 * then asserts it. */
#define inkan_test_app_wait_until(cond)                                            \
  G_STMT_START                                                                     \
  {                                                                                \
    gint64 inkan_wait_end_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;        \
    while (!(cond) && g_get_monotonic_time () < inkan_wait_end_)                   \
      inkan_test_app_iterate ();                                                   \
    if (!(cond))                                                                   \
      g_test_message ("gave up waiting for: %s", #cond);                           \
    g_assert_true (cond);                                                          \
  }                                                                                \
  G_STMT_END

/* Waits until `widget`'s frame clock has painted `n` more frames. */
void              inkan_test_app_wait_frames (GtkWidget *widget,
                                              guint      n);
/* Opens `path` in `window` and waits until it is loaded; returns its view. */
InkanDocumentView *inkan_test_app_open       (InkanWindow *window,
                                              const char  *path);
/* Renders `widget` as it is now to $G_TEST_BUILDDIR/screenshots/<name>.png (a test artefact);
 * returns the path. */
char             *inkan_test_app_screenshot (GtkWidget  *widget,
                                             const char *name);

/* The whole X display as it is now (windows over windows: a dialog over its parent), taken by
 * ImageMagick's `import -window root`, to $G_TEST_BUILDDIR/screenshots/<name>.png; returns the
 * path. */
char             *inkan_test_app_screenshot_screen (GtkWidget  *widget,
                                                    const char *name);

G_END_DECLS
