/* Internal to libinkan: qpdf's parse of every object a PDF lists, reading the file by pread. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An object that a cross-reference section lists as in use. */
typedef struct
{
  guint64 offset; /* where it starts in the file; for a compressed one, its stream's number */
  guint64 id;
  int gen;
  gboolean compressed; /* in an object stream */
} InkanListedObject;

/* What a dictionary that may belong to the page tree is. */
enum
{
  INKAN_QPDF_NODE_OTHER,
  INKAN_QPDF_NODE_PAGE,
  INKAN_QPDF_NODE_PAGES
};

/* A dictionary typed /Page or /Pages, or with /Kids: `kids` holds the object number and
 * generation of each of its kids in turn (0 0 for a direct one), `n_kids` is -1 when /Kids is
 * not an array. */
typedef void (*InkanQpdfNodeFunc) (int id, int gen, int kind, gboolean has_kids, const int *kids,
                                   int n_kids, gpointer data);

typedef enum
{
  INKAN_QPDF_WALK_OK,
  INKAN_QPDF_WALK_DAMAGED,         /* qpdf failed or had to guess: `text` is what it said */
  INKAN_QPDF_WALK_BEYOND_SIZE,     /* object `id` is listed beyond the trailer's /Size */
  INKAN_QPDF_WALK_MISSING,         /* compressed object `id` is missing from its object stream */
  INKAN_QPDF_WALK_REFERENCE_BEYOND /* a reference names object `id`, beyond /Size */
} InkanQpdfWalkStatus;

typedef struct
{
  InkanQpdfWalkStatus status;
  guint64 id;
  char *text; /* g_free */
} InkanQpdfWalkResult;

/* What to walk and what to make of it. */
typedef struct
{
  const InkanListedObject *objects; /* in any order: the walk reads them in file order */
  guint n_objects;
  int trailer_size;                 /* > 0: an object or a reference beyond it is damage */
  InkanQpdfNodeFunc note;           /* NULL: no notes */
  gpointer data;                    /* for `note` */
  /* NULL, or TRUE for a qpdf warning that is no damage (beside an empty object read as null,
   * which never is). */
  gboolean (*tolerate) (const char *warning);
} InkanQpdfWalk;

/* Parses every object of `walk` in a reading of its own of the first `size` bytes of `fd`
 * (read by pread), or of `data` when `fd` is -1, calling walk->note for each dictionary that
 * may belong to the page tree. On failure `result` says why. */
gboolean _inkan_qpdf_walk (int fd, const guint8 *data, guint64 size, const char *name,
                           const InkanQpdfWalk *walk, InkanQpdfWalkResult *result);

G_END_DECLS
