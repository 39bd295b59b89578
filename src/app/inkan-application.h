/* The application: org.inkan.Inkan, its app.* actions, opening files given on the command line. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INKAN_APPLICATION_ID "org.inkan.Inkan"

#define INKAN_TYPE_APPLICATION (inkan_application_get_type ())
G_DECLARE_FINAL_TYPE (InkanApplication, inkan_application, INKAN, APPLICATION, AdwApplication)

InkanApplication *inkan_application_new (void);

G_END_DECLS
