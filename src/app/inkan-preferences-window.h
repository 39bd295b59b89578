/* Preferences: the settings a user changes (the timestamp authority for now), bound to GSettings. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INKAN_TYPE_PREFERENCES_WINDOW (inkan_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (InkanPreferencesWindow, inkan_preferences_window, INKAN,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

/* A preferences window over `parent` (may be NULL). Without the installed schema its rows are
 * insensitive and say why. */
InkanPreferencesWindow *inkan_preferences_window_new (GtkWindow *parent);

/* The timestamp authority's URL entry (an AdwEntryRow) and the "sign without a timestamp when
 * it is unreachable" switch, for tests. */
GtkWidget *inkan_preferences_window_get_tsa_entry    (InkanPreferencesWindow *self);
GtkWidget *inkan_preferences_window_get_tsa_optional (InkanPreferencesWindow *self);

G_END_DECLS
