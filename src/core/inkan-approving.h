/* Deciding on a seal-use request as an approver: the decision signed with the approver's own
 * token, checked against the registered certificate and recorded, the one path the CLI and the
 * app both take. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-store.h"
#include "inkan-token.h"

G_BEGIN_DECLS

#define INKAN_APPROVING_ERROR (inkan_approving_error_quark ())

typedef enum
{
  INKAN_APPROVING_ERROR_WRONG_KEY,   /* the key is not the one registered for the approver */
  INKAN_APPROVING_ERROR_NO_KEY,      /* no token holds the approver's registered certificate */
  INKAN_APPROVING_ERROR_NO_COMMENT,  /* a rejection says why */
} InkanApprovingError;

GQuark inkan_approving_error_quark (void);

typedef struct
{
  InkanStore *store;
  const InkanAuditContext *audit; /* NULL: inkan_audit_context_new_local() */
  const InkanUser *actor;         /* the approver, as the store knows them */
  gint64 request_id;
  InkanDecision decision;
  const char *comment;            /* NULL: none; required for a rejection */
  /* The approver's key: `signer` when already open, else opened from `key_url` with a PIN from
   * `pin_func`, else `pin` (tried once). */
  InkanSigner *signer;
  const char *key_url;
  InkanPinFunc pin_func;
  gpointer pin_data;
  const char *pin;
  GDateTime *now;                 /* the time of the act (millisecond precision); NULL: now */
} InkanApprovingOptions;

/* Checks that the actor may decide on the request now (pending, next step of the seal's chain
 * is one of their roles), opens their key, refuses a key that is not their registered
 * certificate's, signs the canonical statement and records the decision. Refusals (policy, not
 * found, wrong key) are recorded in the audit trail as "request.approve.refused" or
 * "request.reject.refused". Returns the recorded approval; `*n_steps` (may be NULL) is the
 * length of the seal's chain. Errors: INKAN_POLICY_ERROR, INKAN_STORE_ERROR, INKAN_TOKEN_ERROR,
 * INKAN_APPROVING_ERROR. Synchronous: run it in a worker thread. */
InkanApproval *inkan_approving_run (const InkanApprovingOptions *options, guint *n_steps,
                                    GError **error);

/* The pkcs11: URL of the private key whose certificate on a present token is `user`'s registered
 * one (read without a PIN), or NULL with INKAN_APPROVING_ERROR_NO_KEY. */
char *inkan_approving_find_key (const InkanUser *user, GError **error);

G_END_DECLS
