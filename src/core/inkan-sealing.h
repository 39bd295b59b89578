/* Sealing a document under the store's policy: the one path the CLI and the app both take. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-pdf.h"
#include "inkan-store.h"
#include "inkan-token.h"
#include "inkan-tsa.h"

G_BEGIN_DECLS

typedef struct
{
  InkanStore *store;
  const InkanAuditContext *audit; /* where the act happens; NULL: inkan_audit_context_new_local() */
  const InkanUser *actor;         /* the acting user, as the store knows them */
  const char *seal_name;
  const char *input;              /* never modified */
  const char *output;             /* complete and synced, or absent */
  gint64 request_id;              /* 0: no request */
  guint page;                     /* 1-based; 0: the request's page, else 1 */
  gboolean has_rect;              /* FALSE: the request's placement, else the signer's default */
  InkanRect rect;                 /* points from the visible page's lower-left corner */
  const char *field;              /* fill this empty signature field, or name the new one */
  const char *reason;             /* NULL: the request's reason */
  const char *location;
  /* The seal token's PIN: from `pin_func` (called from the thread doing the work), else `pin`
   * (tried once: a refused PIN is not sent again). */
  InkanPinFunc pin_func;
  gpointer pin_data;
  const char *pin;
  GDateTime *now;                 /* the time of the act (millisecond precision); NULL: now */
  gboolean qr;                    /* as InkanSignOptions: a QR code of the verification code */
  gboolean watermark;             /* "Sealed by … on …" across every page */
  gboolean riding;                /* a riding seal across `riding_pages` (NULL: every page) */
  const guint *riding_pages;
  guint n_riding_pages;
  InkanTsa *tsa;                  /* timestamp the seal at this authority (PAdES B-T); NULL: none.
                                   * A TSA that fails is a failure like any other: no output, the
                                   * use given back, "sign.failed" in the audit trail */
  gboolean tsa_optional;          /* ...unless it cannot be reached and this is set: the document
                                   * is then sealed without a timestamp, which the audit trail
                                   * and the result say */
} InkanSealingOptions;

typedef struct
{
  gint64 grant_id;                /* the grant the use was charged to */
  gint64 request_id;              /* 0 when none */
  char document_sha256[65];       /* of the input, lower-case hex */
  char verification_code[16];     /* XXXX-XXXX-XXXX, also in the audit entry's details */
  gboolean timestamped;           /* the seal carries the TSA's timestamp */
} InkanSealingResult;

/* Checks the actor's role, the seal's grants, templates, request and signed approvals (the
 * policy), seals `input` into `output` with the request's evidence embedded, and records the
 * use in the store and the audit trail. Every refusal is recorded ("sign.refused" with the
 * reason code and sentence) and returned as the module's GError: INKAN_POLICY_ERROR (the
 * refusal's code), INKAN_STORE_ERROR, INKAN_PDF_ERROR, INKAN_TOKEN_ERROR, INKAN_EVIDENCE_ERROR.
 * GTK-free and synchronous: run it in a worker thread. `result` may be NULL. */
gboolean inkan_sealing_run (const InkanSealingOptions *options, InkanSealingResult *result,
                            GError **error);

/* What the policy read about one sealing, gathered from the store by inkan_sealing_check. */
typedef struct
{
  GPtrArray *grants;              /* InkanGrant: the seal's */
  GPtrArray *templates;           /* InkanTemplate: all of them when a grant names templates */
  char *template_sha256;          /* the document's template digest, then; else NULL */
  GPtrArray *approvals;           /* InkanApproval: the request's, signed */
  GPtrArray *approvers;           /* InkanUser: who made each approval, in the same order */
  gint64 grant_id;                /* the grant the use would be charged to, when allowed */
} InkanSealingCheck;

void inkan_sealing_check_clear (InkanSealingCheck *check);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InkanSealingCheck, inkan_sealing_check_clear)

/* What inkan_sealing_run asks before sealing `document` (whose SHA-256 is `document_sha256`)
 * with `seal` under `request` (NULL: none), without recording anything: the policy on the
 * seal's grants, templates, request and signed approvals, then the seal's record. Returns FALSE
 * with `error` when the store or the document cannot be read; else TRUE, with `*refusal` set
 * when sealing would be refused, and `check` filled (clear it afterwards). The actor's role is
 * the caller's to check. */
gboolean inkan_sealing_check (InkanStore          *store,
                              const InkanUser     *actor,
                              const InkanSeal     *seal,
                              const InkanRequest  *request,
                              const char          *document,
                              const char          *document_sha256,
                              GDateTime           *now,
                              InkanSealingCheck   *check,
                              GError             **refusal,
                              GError             **error);

/* The reason code the audit trail records for `error`: the policy's ("GRANT_USED_UP", …),
 * "NOT_FOUND" for a missing store object, else "FAILED". */
const char *inkan_sealing_reason_code (const GError *error);

/* The SHA-256 of a file, lower-case hex; INKAN_PDF_ERROR_NOT_FOUND when it cannot be read. */
char *inkan_file_sha256 (const char *path, GError **error);

G_END_DECLS
