/* The approval evidence a sealed document carries: its request and signed approvals, as JSON. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "inkan-store.h"
#include "inkan-trust.h"

G_BEGIN_DECLS

#define INKAN_EVIDENCE_ERROR (inkan_evidence_error_quark ())

typedef enum
{
  INKAN_EVIDENCE_ERROR_INVALID,   /* not evidence of the shape below, or too large */
  INKAN_EVIDENCE_ERROR_SIGNATURE, /* an approval's CMS does not verify over its statement with
                                   * the approver's certificate */
  INKAN_EVIDENCE_ERROR_MISMATCH,  /* a statement that says something else than the record, or
                                   * a request for another document than the one sealed */
} InkanEvidenceError;

GQuark inkan_evidence_error_quark (void);

/* The embedded file's name, and the most this module reads (the parser refuses more). */
#define INKAN_EVIDENCE_FILE_NAME "inkan-evidence.json"
#define INKAN_EVIDENCE_MAX_SIZE (16 * 1024 * 1024)

/* The evidence document, UTF-8 JSON with keys in this order and no insignificant white space:
 * {"request":{"id":12,"seal":"…","document_sha256":"…","document_name":"…","reason":"…",
 *   "requester":"…","created":"2026-11-25T09:00:00.000Z"},
 *  "approvals":[{"approver":"…","role":"approver","step":0,"decision":"approve","comment":"…",
 *   "time":"…","statement":"<base64>","cms":"<base64>","certificate":"<base64 DER>"}]}
 * Optional texts are null when absent. The reader ignores keys it does not know. */

typedef struct
{
  gint64 id;
  char *seal;                     /* the seal's name */
  char *document_sha256;          /* lower-case hex: the document as it was before sealing */
  char *document_name;            /* or NULL */
  char *reason;                   /* or NULL */
  char *requester;                /* the requester's name, or NULL */
  GDateTime *created;             /* or NULL */
} InkanEvidenceRequest;

typedef struct
{
  char *approver;                 /* the approver's registered name */
  char *role;                     /* "approver", … */
  guint step;
  char *decision;                 /* "approve" or "reject" */
  char *comment;                  /* or NULL */
  GDateTime *time;                /* UTC, millisecond precision */
  GBytes *statement;              /* the canonical statement the approver signed */
  GBytes *cms;                    /* the approver's detached CMS over it */
  GBytes *certificate;            /* the approver's registered certificate (DER) */
} InkanEvidenceApproval;

typedef struct
{
  InkanEvidenceRequest request;
  GPtrArray *approvals;           /* InkanEvidenceApproval, in chain order */
} InkanEvidence;

void inkan_evidence_free (InkanEvidence *evidence);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanEvidence, inkan_evidence_free)

/* The evidence of `request` for `seal`, asked by `requester` (NULL when unknown), with its
 * `approvals` (InkanApproval, in order) made by `approvers` (InkanUser, any order, matched by
 * id; each must carry its certificate). */
GBytes *inkan_evidence_build (const InkanRequest *request,
                              const InkanSeal    *seal,
                              const InkanUser    *requester,
                              GPtrArray          *approvals,
                              GPtrArray          *approvers,
                              GError            **error);

/* Reads evidence made by inkan_evidence_build (or by anyone: the input is hostile). */
InkanEvidence *inkan_evidence_parse (GBytes *json, GError **error);

/* What the verifier says of one approval. */
typedef struct
{
  char *approver;                 /* the certificate's common name, else the recorded name */
  char *role;
  char *decision;
  GDateTime *time;                /* or NULL */
  gboolean valid;                 /* the CMS verifies over the statement with the approver's
                                   * certificate, and the statement is this request's, for the
                                   * document sealed, saying what the record says */
  gboolean trusted;               /* the approver's certificate leads to a trust anchor and
                                   * was valid at the approval's time */
  char *problem;                  /* why not valid, a sentence; NULL when valid */
} InkanApprovalReport;

void inkan_approval_report_free (InkanApprovalReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanApprovalReport, inkan_approval_report_free)

/* Checks `approval` against `evidence`'s request: its CMS over its statement with its
 * certificate, the statement's fields, and (when `sealed_sha256` is not NULL) that the request
 * is for the document with that SHA-256. FALSE with an INKAN_EVIDENCE_ERROR sentence when not. */
gboolean inkan_evidence_check_approval (const InkanEvidence         *evidence,
                                        const InkanEvidenceApproval *approval,
                                        const char                  *sealed_sha256,
                                        GError                     **error);

/* inkan_evidence_check_approval as a report; `trust` (NULL: none) decides `trusted`. */
InkanApprovalReport *inkan_evidence_report_approval (const InkanEvidence         *evidence,
                                                     const InkanEvidenceApproval *approval,
                                                     const char                  *sealed_sha256,
                                                     InkanTrust                  *trust);

G_END_DECLS
