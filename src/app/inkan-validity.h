/* What the verifier says of an open document: run in a worker thread, and put in plain words. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "inkan-pdf.h"
#include "inkan-verify.h"

G_BEGIN_DECLS

/* The banner's colour: what a reader must make of the document at a glance. */
typedef enum
{
  INKAN_VALIDITY_NONE,      /* not signed: no banner */
  INKAN_VALIDITY_VALID,     /* green: signed, unchanged or changed only as the signers allow */
  INKAN_VALIDITY_UNSURE,    /* yellow: the identity cannot be confirmed, or indeterminate */
  INKAN_VALIDITY_INVALID,   /* red: a signature is invalid or the document was changed */
} InkanValidityState;

/* What the worker found: the report, and where each signature's seal is on its page as the page
 * view shows it (points, crop box and /Rotate applied, top-left origin; width 0 when the
 * signature has no visible widget or its page cannot be read). */
typedef struct
{
  InkanReport *report;
  GArray *shown;            /* InkanRect per signature, in the report's order */
} InkanValidityResult;

void inkan_validity_result_free (InkanValidityResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanValidityResult, inkan_validity_result_free)

/* Waits (up to a minute) for the verifications and comparisons still running in threads: call
 * it before returning from main, so that none of them is in qpdf while qpdf is torn down. */
void inkan_validity_wait_for_workers (void);

/* Verifies `file` in a GTask thread against the trust anchors of the settings (keys
 * "trust-anchors" and "use-system-trust" of org.inkan.Inkan, when the schema is installed) and of
 * INKAN_TRUST (PEM or DER files separated by ':'). */
void         inkan_validity_verify_async  (GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
InkanValidityResult *inkan_validity_verify_finish (GAsyncResult  *result,
                                                   GError       **error);

/* Writes the document exactly as it was when the signature on revision `revision` (1-based, as
 * in InkanSignatureReport) was made: the file's bytes up to that revision's end, to a new file
 * in the user's cache directory named after `file` and `signer`. In a GTask thread. */
void   inkan_validity_extract_signed_async  (GFile               *file,
                                             guint                revision,
                                             const char          *signer,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GFile *inkan_validity_extract_signed_finish (GAsyncResult        *result,
                                             GError             **error);

/* What looks different between the document as a signature left it and as it is now: areas of
 * the pages compared (0-based page, rectangle in shown points), and pages added or removed. */
typedef struct
{
  int page;
  InkanRect rect;
} InkanVisualChange;

typedef struct
{
  GArray *areas;            /* InkanVisualChange */
  guint pages_compared;
  guint pages_added;        /* pages the current document has beyond the signed one's */
  guint pages_removed;
} InkanVisualDiff;

void inkan_visual_diff_free (InkanVisualDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanVisualDiff, inkan_visual_diff_free)

/* Renders every page of both versions (the signed one: `file` up to revision `revision`'s end)
 * at a low resolution in a GTask thread and compares them pixel by pixel. */
void             inkan_validity_compare_async  (GFile               *file,
                                                guint                revision,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
InkanVisualDiff *inkan_validity_compare_finish (GAsyncResult        *result,
                                                GError             **error);

/* The banner for `report`: its state, a title ("Signed and unchanged") and a sentence saying
 * who signed and what to do. */
InkanValidityState inkan_validity_summarize (const InkanReport *report,
                                             char             **title,
                                             char             **detail);

/* The symbolic icon showing a state, the same in the banner and the sidebar. */
const char *inkan_validity_state_icon_name (InkanValidityState state);

/* One signature's verdict as a state and in words. */
InkanValidityState inkan_validity_signature_state (const InkanSignatureReport *signature);
const char *inkan_validity_verdict_words   (const InkanSignatureReport *signature);
const char *inkan_validity_coverage_words  (InkanCoverage coverage);
const char *inkan_validity_changes_words   (InkanModificationLevel level);
/* The signer's name as people say it: the common name, else the subject, else "Unknown". */
const char *inkan_validity_signer_words    (const InkanSignatureReport *signature);

G_END_DECLS
