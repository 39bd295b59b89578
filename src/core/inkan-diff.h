/* Modification analysis: what a later revision changed after a signed one, and whether a rule
 * explains it. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-revisions.h"

G_BEGIN_DECLS

/* Ordered: a higher level allows everything a lower one does. */
typedef enum
{
  INKAN_MODIFICATION_NONE,
  INKAN_MODIFICATION_LTA_UPDATES,   /* /DSS data, document timestamps */
  INKAN_MODIFICATION_FORM_FILLING,  /* values of non-signature fields; filling empty signature
                                     * fields; new invisible signature fields */
  INKAN_MODIFICATION_ANNOTATIONS,   /* new, changed or removed annotations; new visible
                                     * signature fields */
  INKAN_MODIFICATION_OTHER,         /* anything no rule explains: fails the signature */
} InkanModificationLevel;

const char *inkan_modification_level_to_string (InkanModificationLevel level); /* "NONE", … */

/* A finding of the verifier: a stable code ("PAGE_CONTENT_CHANGED") and a sentence a clerk
 * understands, saying what happened and what to do. */
typedef struct
{
  char *code;
  char *message;
} InkanFinding;

InkanFinding *inkan_finding_new (const char *code, const char *message);
void          inkan_finding_free (InkanFinding *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanFinding, inkan_finding_free)

typedef struct
{
  InkanModificationLevel level;
  GPtrArray *findings;      /* InkanFinding: the changes that raised the level above NONE */
} InkanDiff;

void inkan_diff_free (InkanDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanDiff, inkan_diff_free)

/* Compares revision `rev` with revision `rev - 1` (0-based, `rev` ≥ 1) object by object: every
 * object the later revision redefines, frees or re-points is explained by a rule or makes the
 * level OTHER. A field signed in `rev - 1` (or earlier) must not change at all, nor its widget or
 * its appearance. Fails (INKAN_PDF_ERROR_DAMAGED) when either revision cannot be read strictly. */
InkanDiff *inkan_diff_revision (InkanRevisions *revisions, guint rev, GError **error);

/* The same comparisons for revisions in a row, each revision's object graph walked once: the
 * graph of `rev` serves as the later one of its own comparison and as the earlier one of
 * `rev + 1`'s, and the cross-reference entries in force are merged once, revision by revision.
 * Revisions are best asked in increasing order; any order gives the same results. */
typedef struct _InkanDiffer InkanDiffer;

InkanDiffer *inkan_differ_new (InkanRevisions *revisions);
InkanDiff   *inkan_differ_diff (InkanDiffer *self, guint rev, GError **error);
void         inkan_differ_free (InkanDiffer *self);

/* Starts building, on a thread of its own, the object graphs of revisions `from` and later,
 * which comparisons of the revisions after `from` need: the caller does other work meanwhile,
 * and inkan_differ_diff takes them (or builds what the thread has not come to, and helps it
 * while it waits). A few graphs wait at most. Nothing is built when no revision follows
 * `from`. Called again with a later `from` (the first guess was early), the graphs before it
 * are no longer built ahead. Until the differ is freed, that thread reads `revisions` through
 * readings of its own; those of inkan_revisions_get_qpdf stay the caller's. */
void         inkan_differ_build_ahead (InkanDiffer *self, guint from);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanDiffer, inkan_differ_free)

G_END_DECLS
