/* The verifier's seal binding check: is the seal a signature shows the one its maker bound? */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <qpdf/qpdf-c.h>

#include "inkan-cms-verify.h"
#include "inkan-trust.h"

G_BEGIN_DECLS

/* What the verifier says about a signature's seal record. */
typedef struct
{
  char *seal_id;        /* the record's UUID, or NULL when the record cannot be read */
  char *name;           /* the seal's name, or NULL when the record cannot be read */
  char *kind;           /* "official", … or NULL */
  char *maker;          /* the maker's certificate's common name when the maker's signature
                         * verifies, else the maker name the record claims, or NULL */
  GDateTime *not_before; /* the record's window, NULL when unbounded or unreadable */
  GDateTime *not_after;
  gboolean bound;       /* every check below passed */
  char *reason;         /* why the seal is not bound (a sentence), NULL when bound */
} InkanSealReport;

void inkan_seal_report_free (InkanSealReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSealReport, inkan_seal_report_free)

/* The seal report of a signature whose CMS is `cms`, or NULL when it carries no seal record
 * (a plain signature). Checks, in order: the record reads; the maker's signature over it; the
 * maker's certificate leads to an anchor of `trust` at `when`; the signer's certificate is the
 * one the record binds; `when` (the sealing time: proven by a timestamp, else claimed) is inside
 * the record's window; and an image XObject drawn by the widget's normal appearance (`widget` in
 * `q`, the document as the recipient sees it now), directly or through nested forms, has the
 * record's canonical picture digest. `cms_ok` FALSE (the signature itself does not verify)
 * makes the seal not bound whatever the rest. */
InkanSealReport *_inkan_seal_binding_check (InkanCmsSignedData *cms,
                                            gboolean            cms_ok,
                                            InkanTrust         *trust,
                                            GDateTime          *when,
                                            qpdf_data           q,
                                            qpdf_oh             widget);

G_END_DECLS
