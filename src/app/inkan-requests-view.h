/* The Requests view: "My requests" with their state and the approval chain's progress, "To
 * approve" with a badge count for approvers, a request's detail, and the approver's decision
 * signed with their token (one PIN for several requests). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "inkan-pin-dialog.h"
#include "inkan-seal-flow.h"
#include "inkan-store.h"

G_BEGIN_DECLS

#define INKAN_TYPE_REQUESTS_VIEW (inkan_requests_view_get_type ())
G_DECLARE_FINAL_TYPE (InkanRequestsView, inkan_requests_view, INKAN, REQUESTS_VIEW, AdwBin)

typedef enum
{
  INKAN_REQUESTS_IDLE,
  INKAN_REQUESTS_LOADING,         /* reading the store in a worker */
  INKAN_REQUESTS_FINDING_KEY,     /* looking for the approver's key on the tokens */
  INKAN_REQUESTS_ASKING_PIN,
  INKAN_REQUESTS_SIGNING,         /* signing and recording the decisions in a worker */
  INKAN_REQUESTS_SEALING,         /* sealing under an approved request: finding its document,
                                   * then the seal flow (save dialog, PIN, sealing) */
} InkanRequestsState;

GtkWidget          *inkan_requests_view_new               (void);

/* Reads the store (the application's store path and current user) in a GTask thread. */
void                inkan_requests_view_reload            (InkanRequestsView *self);
InkanRequestsState  inkan_requests_view_get_state         (InkanRequestsView *self);
/* Pending requests whose next step is one of the current user's roles (the badge). */
guint               inkan_requests_view_get_n_to_approve  (InkanRequestsView *self);
guint               inkan_requests_view_get_n_mine        (InkanRequestsView *self);
AdwViewStack       *inkan_requests_view_get_stack         (InkanRequestsView *self);
/* The row of request `id` in "My requests" (mine) or "To approve", or NULL. An AdwActionRow. */
AdwActionRow       *inkan_requests_view_find_row          (InkanRequestsView *self,
                                                           gboolean           mine,
                                                           gint64             id);
/* Ticks (or unticks) request `id` in "To approve" for "Approve Selected". */
void                inkan_requests_view_set_selected      (InkanRequestsView *self,
                                                           gint64             id,
                                                           gboolean           selected);

/* Shows request `id`'s detail; 0 shows none. */
void                inkan_requests_view_show_request      (InkanRequestsView *self,
                                                           gint64             id);
gint64              inkan_requests_view_get_shown_request (InkanRequestsView *self);
/* The detail's text, one line per fact (requester, seal, reason, document, grant, approvals):
 * what the panel says, for tests. */
char               *inkan_requests_view_get_detail_text   (InkanRequestsView *self);
GtkEditable        *inkan_requests_view_get_comment_entry (InkanRequestsView *self);

/* Starts deciding: the shown request (approve or reject with the comment entry's text), or the
 * ticked ones (approve). The key is found, the PIN asked, the decisions signed in a worker. */
void                inkan_requests_view_decide_shown      (InkanRequestsView *self,
                                                           InkanDecision      decision);
void                inkan_requests_view_approve_selected  (InkanRequestsView *self);
InkanPinDialog     *inkan_requests_view_get_pin_dialog    (InkanRequestsView *self);
/* The last outcome said to the user (also a toast), or NULL. */
const char         *inkan_requests_view_get_message       (InkanRequestsView *self);

/* Opens the shown request's document in a tab, with the proposed placement outlined. The file
 * is looked for among the open tabs and recent files by its SHA-256, else asked for. */
void                inkan_requests_view_open_document     (InkanRequestsView *self);

/* Seals the shown request, approved and the current user's own, in one step: its document is
 * found as for opening (else asked for), the core's policy is asked first (a refusal is said
 * with its sentence, before any PIN), then the seal flow runs with the request's placement:
 * the save dialog proposing <name>-sealed.pdf, the PIN, sealing in a worker, the sealed copy
 * opened. The request is then used. */
void                inkan_requests_view_seal_shown        (InkanRequestsView *self);
/* TRUE when the shown request can be sealed from here (its "Seal…" button is shown). */
gboolean            inkan_requests_view_can_seal_shown    (InkanRequestsView *self);
GtkButton          *inkan_requests_view_get_seal_button   (InkanRequestsView *self);
/* Why sealing the shown request was last refused, as said under its detail, or NULL. */
const char         *inkan_requests_view_get_seal_refusal  (InkanRequestsView *self);
/* The seal flow of the last "Seal…" (kept until the next one), or NULL. */
InkanSealFlow      *inkan_requests_view_get_seal_flow     (InkanRequestsView *self);
/* The file chooser's answer when the request's document was not found (tests call it in its
 * place): the file is hashed and, when it is the request's, opened or sealed; NULL: dismissed,
 * nothing stays pending. */
void                inkan_requests_view_choose_document   (InkanRequestsView *self,
                                                           GFile             *file);
/* TRUE while the file chooser asks for the request's document. */
gboolean            inkan_requests_view_is_asking_document (InkanRequestsView *self);

/* Properties: "state", "n-to-approve" (notify when they change). */

G_END_DECLS
