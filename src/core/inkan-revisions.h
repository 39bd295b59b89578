/* The revisions of a PDF file: where each update ends, what its cross-reference section says. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <qpdf/qpdf-c.h>

G_BEGIN_DECLS

/* Errors are INKAN_PDF_ERROR (inkan-pdf.h): NOT_FOUND, DAMAGED, ENCRYPTED. */

typedef enum
{
  INKAN_XREF_FREE,
  INKAN_XREF_OFFSET,        /* an object at a byte offset */
  INKAN_XREF_COMPRESSED,    /* an object inside an object stream */
} InkanXrefType;

typedef struct
{
  int id;
  int gen;
  InkanXrefType type;
  guint64 offset;           /* OFFSET: byte offset; COMPRESSED: the object stream's number */
  guint index;              /* COMPRESSED: index inside the object stream */
} InkanXrefEntry;

typedef struct _InkanRevisions InkanRevisions;

/* Maps `path` (read-only) and finds its revisions: every cross-reference section reachable from
 * the last startxref through /Prev (and /XRefStm), in file order, each ending right after the
 * "%%EOF" line that follows it. Fails with DAMAGED only when not even one revision can be found. */
InkanRevisions *inkan_revisions_open (const char *path, GError **error);
/* The same over bytes in memory (kept referenced), for tests and fuzzing. */
InkanRevisions *inkan_revisions_new_from_bytes (GBytes *bytes, const char *display, GError **error);
void inkan_revisions_free (InkanRevisions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanRevisions, inkan_revisions_free)

const guint8 *inkan_revisions_get_data (InkanRevisions *self, gsize *size);
/* The file the data maps, open for reading (the same bytes, by pread); -1 over bytes. */
int           inkan_revisions_get_fd (InkanRevisions *self);
const char   *inkan_revisions_get_display (InkanRevisions *self);
guint         inkan_revisions_get_n (InkanRevisions *self);           /* at least 1 */
/* Offset just after revision `rev`'s "%%EOF" (0-based `rev`); also `*eof_end_with_eol` when
 * not NULL: the same offset plus the end-of-line that follows "%%EOF", if any. */
gsize         inkan_revisions_get_end (InkanRevisions *self, guint rev, gsize *eof_end_with_eol);
/* Bytes after the last revision's end that are not white space: they belong to no revision. */
gsize         inkan_revisions_get_trailing (InkanRevisions *self);
/* The entries that revision `rev`'s own cross-reference section(s) list (not the merged table). */
const InkanXrefEntry *inkan_revisions_get_entries (InkanRevisions *self, guint rev, guint *n_entries);
/* The entries of all revisions' sections together: no revision has more objects. */
guint         inkan_revisions_count_entries (InkanRevisions *self);

/* qpdf's strict reading (recovery off) of the file as it was at the end of revision `rev`,
 * opened once and kept. Every object the revision's own section lists is parsed; a warning or
 * error is DAMAGED, encryption is ENCRYPTED (with qpdf's message kept). The handle is owned by
 * `self`; do not release it with qpdf_cleanup. */
qpdf_data inkan_revisions_get_qpdf (InkanRevisions *self, guint rev, GError **error);

/* Another strict reading of revision `rev`, the caller's own (release it with qpdf_cleanup), for
 * a walk over many objects: qpdf keeps every object it parses until the reading is closed, so
 * such a walk in the kept reading would hold the whole document in memory for as long as
 * `self` lives. Its objects are not checked again: call inkan_revisions_get_qpdf first. */
qpdf_data inkan_revisions_open_qpdf (InkanRevisions *self, guint rev, GError **error);

/* A mapped file up to this size may stay resident as a whole; beyond it, pages are given back. */
#define INKAN_REVISIONS_KEEP_RESIDENT (4 * 1024 * 1024)

/* Gives back the pages of a mapped file that qpdf has read: they are clean and come back from
 * the page cache if read again. Walks over many objects call it now and then, so that the
 * resident set does not grow with the file. */
void inkan_revisions_release_pages (InkanRevisions *self);

G_END_DECLS
