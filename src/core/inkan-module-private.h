/* Internal to libinkan: the parts of the core that need large libraries, loaded when first used. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-module.h"

G_BEGIN_DECLS

/* HTTP (libsoup) and drawing (cairo, pango, libqrencode, libjpeg) are in modules of their own,
 * inkan-http.so and inkan-draw.so, so that a process that only seals or verifies does not map
 * the forty libraries they pull in (about 10 ms at every start).
 *
 * Returns the table a module's `inkan_<name>_module ()` gives, loading the module the first
 * time; the module stays loaded. The directory is $INKAN_MODULEDIR when set, the build tree's
 * when the program runs from the build tree, the installed one otherwise. A module that cannot
 * be loaded is an INKAN_MODULE_ERROR_MISSING. */
gconstpointer _inkan_module_get (const char *name, GError **error);

/* The module's version of the tables below: a module from another build is refused. */
#define INKAN_MODULE_ABI 1

G_END_DECLS
