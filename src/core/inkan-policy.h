/* Who may use which seal on what: one pure policy function, the canonical approval statement
 * and its signature, and template matching. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-store.h"
#include "inkan-token.h"

G_BEGIN_DECLS

#define INKAN_POLICY_ERROR (inkan_policy_error_quark ())

/* Each refusal's code; the GError message is the sentence ("Grant 12 for the Finance seal
 * expired on 2026-11-30; ask an administrator to renew it."). */
typedef enum
{
  INKAN_POLICY_ERROR_NOT_ALLOWED,         /* the actor lacks the role the act needs */
  INKAN_POLICY_ERROR_SEAL_SUSPENDED,
  INKAN_POLICY_ERROR_SEAL_RETIRED,
  INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID,
  INKAN_POLICY_ERROR_SEAL_EXPIRED,        /* the seal's window, or its certificate, has ended */
  INKAN_POLICY_ERROR_NO_GRANT,            /* no grant at all for this user and seal */
  INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID,
  INKAN_POLICY_ERROR_GRANT_EXPIRED,
  INKAN_POLICY_ERROR_GRANT_REVOKED,
  INKAN_POLICY_ERROR_GRANT_USED_UP,
  INKAN_POLICY_ERROR_TEMPLATE_MISMATCH,   /* the document matches none of the grant's templates */
  INKAN_POLICY_ERROR_APPROVAL_REQUIRED,   /* the seal needs approval and no request was given */
  INKAN_POLICY_ERROR_REQUEST_MISMATCH,    /* the request is for another seal, requester or
                                           * document (a document changed after approval) */
  INKAN_POLICY_ERROR_REQUEST_STATE,       /* pending, rejected, cancelled or already used */
  INKAN_POLICY_ERROR_APPROVAL_INVALID,    /* an approval that does not verify against the
                                           * approver's registered certificate, or out of order */
} InkanPolicyError;

GQuark inkan_policy_error_quark (void);
/* "NOT_ALLOWED", "SEAL_SUSPENDED", … for the audit trail and JSON. */
const char *inkan_policy_error_code (int code);

typedef struct
{
  const InkanUser *actor;
  const InkanSeal *seal;
  GPtrArray *grants;              /* InkanGrant: every grant of this seal (the function picks) */
  const char *document_sha256;    /* of the file to be signed */
  const char *document_template_sha256; /* inkan_template_digest() of it */
  GPtrArray *templates;           /* InkanTemplate: those the grants name */
  const InkanRequest *request;    /* NULL when none was given */
  GPtrArray *approvals;           /* InkanApproval of that request, in order */
  GPtrArray *approvers;           /* InkanUser: the approvers of those approvals */
  GDateTime *now;
} InkanPolicyInput;

/* May `actor` sign `document` with `seal` now? TRUE with `*grant_id` set to the grant to
 * charge (the live one that ends first), or FALSE with an INKAN_POLICY_ERROR. Pure: reads only
 * its input; verifies every approval's CMS against its approver's registered certificate and
 * its statement against the request, the document and the seal. */
gboolean inkan_policy_check_sign (const InkanPolicyInput *input, gint64 *grant_id, GError **error);

/* Does `actor` hold `role`? FALSE with INKAN_POLICY_ERROR_NOT_ALLOWED and a sentence naming the
 * act (e.g. "create seals") otherwise. */
gboolean inkan_policy_check_role (const InkanUser *actor, InkanRoles role, const char *act,
                                  GError **error);

/* May `actor` decide on `request` now: it is pending and the next step of the seal's chain is
 * one of the actor's roles; `*step` is that step. */
gboolean inkan_policy_check_approver (const InkanUser *actor, const InkanSeal *seal,
                                      const InkanRequest *request, GPtrArray *approvals,
                                      guint *step, GError **error);

/* The canonical statement an approver signs: UTF-8 JSON with keys in a fixed order, no
 * insignificant white space: {"request":12,"document_sha256":"…","seal":"Contract",
 * "decision":"approve","comment":"…","time":"2026-11-25T10:00:00.000Z"}. */
GBytes *inkan_approval_statement (gint64 request_id, const char *document_sha256,
                                  const char *seal_name, InkanDecision decision,
                                  const char *comment, GDateTime *time);
/* The approver's detached CMS over the statement, made by their token. */
GBytes *inkan_approval_sign (InkanSigner *signer, GBytes *statement, GError **error);
/* TRUE when `cms` is a valid signature over `statement` by the certificate `cert_der`. */
gboolean inkan_approval_verify (GBytes *cms, GBytes *statement, GBytes *cert_der,
                                GError **error);

/* SHA-256 (hex) over the document's page contents and page geometry, in page order, whatever
 * its form-field values, annotations or metadata: two documents match a template when this is
 * equal. Errors are INKAN_PDF_ERROR. */
char *inkan_template_digest (const char *pdf_path, guint *n_pages, GError **error);

G_END_DECLS
