/* What each seal of the store means for one user and one document now: usable, needs approval,
 * expired, suspended or not granted, with the policy's own sentence. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "inkan-store.h"

G_BEGIN_DECLS

typedef enum
{
  INKAN_AVAILABILITY_USABLE,          /* the user may apply it to this document now */
  INKAN_AVAILABILITY_NEEDS_APPROVAL,  /* granted, but the seal's approvers must approve a request first */
  INKAN_AVAILABILITY_EXPIRED,         /* the seal, its certificate or the grant has ended (or is used up) */
  INKAN_AVAILABILITY_SUSPENDED,       /* suspended or retired */
  INKAN_AVAILABILITY_NOT_GRANTED,     /* no live grant for this user and document, or not a clerk */
} InkanSealAvailability;

/* "usable", "needs-approval", "expired", "suspended", "not-granted". */
const char *inkan_seal_availability_to_string (InkanSealAvailability availability);

typedef struct
{
  InkanSeal *seal;
  InkanSealAvailability availability;
  int reason_code;            /* the InkanPolicyError that decided, or -1 when usable */
  char *reason;               /* the policy's sentence; NULL when usable without a request */
  gint64 grant_id;            /* the grant a signature would be charged to (usable only) */
  /* The user's request for this seal and document, if any: an approved one makes the seal
   * usable (signing goes under it, at its placement); a pending one is waited for. */
  InkanRequest *request;
} InkanSealStatus;

void inkan_seal_status_free (InkanSealStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSealStatus, inkan_seal_status_free)

/* The status of every seal in `store` (retired ones left out) for `user` and the document at
 * `document_path` (its SHA-256 and, when a grant names templates, its template digest are
 * computed here: call it off the main thread), as of `now`. Built on inkan_policy_check_sign()
 * and inkan_policy_check_role(); an array of InkanSealStatus in the store's seal order. */
GPtrArray *inkan_seal_status_list (InkanStore      *store,
                                   const InkanUser *user,
                                   const char      *document_path,
                                   GDateTime       *now,
                                   GError         **error);

/* The same in a GTask thread, with its own connection to the store at `store_path`; `now` NULL
 * means the clock (INKAN_NOW when set, as inkan-cli). */
void       inkan_seal_status_list_async  (const char          *store_path,
                                          const char          *user_name,
                                          const char          *document_path,
                                          GDateTime           *now,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray *inkan_seal_status_list_finish (GAsyncResult        *result,
                                          GError             **error);

/* INKAN_NOW (RFC 3339) when set and valid, else the real time; UTC, to the millisecond. */
GDateTime *inkan_clock_now (GError **error);

G_END_DECLS
