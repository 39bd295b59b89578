/* What inkan-cli.c shares with the workflow commands of inkan-cli-store.c. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan.h"

#include <glib.h>

G_BEGIN_DECLS

/* The global options given before the command. */
typedef struct
{
  const char *db_path;    /* --db PATH; NULL: $XDG_DATA_HOME/inkan/inkan.db */
  const char *as;         /* --as NAME: the acting user; NULL when not given */
} InkanCliGlobals;

/* Prints the error and returns the exit code that its domain and code call for. */
int      _inkan_cli_fail (GError *error);
int      _inkan_cli_usage_error (GOptionContext *context, const char *message);
/* A PIN callback over an optional PIN file (user_data is the file name, or NULL to ask on the
 * terminal). */
char    *_inkan_cli_pin_func (const char *token_label, InkanPinFlags flags, gpointer user_data);
gboolean _inkan_cli_parse_rect (const char *text, InkanRect *rect);
/* "1-3,5,9-12": pages from 1, ascending, each once; NULL when the list is not like that. */
GArray  *_inkan_cli_parse_pages (const char *text);

/* Runs a workflow command (user, seal, template, grant, request, approve, reject, audit);
 * FALSE when argv[0] names none of them. */
gboolean _inkan_cli_store_run (const InkanCliGlobals *globals, int argc, char **argv,
                               int *status);
/* `sign … --seal NAME [--request ID]`: signing under the store's policy. */
int      _inkan_cli_sign_seal (const InkanCliGlobals *globals, int argc, char **argv);

G_END_DECLS
