/* The core's modules: the error when one of them cannot be loaded. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define INKAN_MODULE_ERROR (inkan_module_error_quark ())

typedef enum
{
  INKAN_MODULE_ERROR_MISSING,   /* a module (HTTP, drawing) is missing, damaged or of another version */
} InkanModuleError;

GQuark inkan_module_error_quark (void);

G_END_DECLS
