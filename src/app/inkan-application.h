/* The application: org.inkan.Inkan, its app.* actions, opening files given on the command line. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INKAN_APPLICATION_ID "org.inkan.Inkan"

#define INKAN_TYPE_APPLICATION (inkan_application_get_type ())
G_DECLARE_FINAL_TYPE (InkanApplication, inkan_application, INKAN, APPLICATION, AdwApplication)

InkanApplication *inkan_application_new (void);

/* The seal registry: INKAN_DB when set, else the settings' store-path, else
 * $XDG_DATA_HOME/inkan/inkan.db when it exists; NULL when there is none. */
const char       *inkan_application_get_store_path (InkanApplication *self);
/* The current user's name in the store: INKAN_USER when set, else chosen at start from the
 * store's users (app.choose-user); NULL until chosen. "notify::user" when it changes. */
const char       *inkan_application_get_user       (InkanApplication *self);
void              inkan_application_set_user       (InkanApplication *self,
                                                    const char       *name);

G_END_DECLS
