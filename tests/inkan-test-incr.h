/* Test-only incremental updates: append objects, free or re-point entries, with a proper xref. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int id;
  const char *text;     /* the object's body ("<< … >>" or a dictionary + stream); NULL: no body */
  gboolean free;        /* list the object as free */
  gint64 offset;        /* with text NULL and free FALSE: point the entry at this byte offset */
} InkanTestIncrEntry;

/* Writes `pdf` plus one update (the objects, an xref table, a trailer with /Root, /Size, /ID and
 * /Prev taken from `pdf`, startxref, %%EOF) to a new temporary file `out_name`; returns its path.
 * Entries are listed in the order given; ids must be ascending. */
char *inkan_test_incr_append (const char *pdf, const char *out_name,
                              const InkanTestIncrEntry *entries, guint n_entries);

char *inkan_test_incr_redefine (const char *pdf, const char *out_name, int id, const char *text);
char *inkan_test_incr_free (const char *pdf, const char *out_name, int id);
char *inkan_test_incr_repoint (const char *pdf, const char *out_name, int id, guint64 offset);

/* The trailer's /Size: the first unused object number. */
int inkan_test_incr_next_id (const char *pdf);

/* The object's dictionary as text, with `key` set to `value` (removed when `value` is NULL). */
char *inkan_test_incr_dict_with (const char *pdf, int id, const char *key, const char *value);

G_END_DECLS
