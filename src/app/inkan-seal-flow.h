/* Applying a placed seal: a save dialog proposing <name>-sealed.pdf beside the original (never
 * the original), the token's PIN, sealing under the policy in a worker thread, then the sealed
 * copy opened and verified. Or, when the seal needs approval, a request with a reason that
 * keeps the placement. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-pin-dialog.h"
#include "inkan-placement.h"
#include "inkan-seal-item.h"
#include "inkan-verify.h"

G_BEGIN_DECLS

typedef enum
{
  INKAN_SEAL_FLOW_IDLE,
  INKAN_SEAL_FLOW_CHOOSING_OUTPUT,  /* the save dialog is up */
  INKAN_SEAL_FLOW_ASKING_PIN,       /* the PIN dialog is up */
  INKAN_SEAL_FLOW_SIGNING,          /* sealing in a worker thread */
  INKAN_SEAL_FLOW_ASKING_REASON,    /* the request dialog is up */
  INKAN_SEAL_FLOW_REQUESTING,       /* the request is being recorded */
  INKAN_SEAL_FLOW_DONE,
  INKAN_SEAL_FLOW_FAILED,
  INKAN_SEAL_FLOW_CANCELLED,
} InkanSealFlowState;

#define INKAN_TYPE_SEAL_FLOW (inkan_seal_flow_get_type ())
G_DECLARE_FINAL_TYPE (InkanSealFlow, inkan_seal_flow, INKAN, SEAL_FLOW, GObject)

/* A flow for `item` placed on `page` (1-based) at `rect` (visible coordinates: points from the
 * page's lower-left corner) of the document at `input`, acting as `user_name` in the store at
 * `store_path`; dialogs and toasts go to `window`. A `rect` of no size leaves the placement to
 * the core (the approved request's, else its default). */
InkanSealFlow     *inkan_seal_flow_new            (GtkWindow       *window,
                                                   const char      *store_path,
                                                   const char      *user_name,
                                                   const char      *input,
                                                   InkanSealItem   *item,
                                                   guint            page,
                                                   const InkanRect *rect);

/* Applies the seal: the save dialog first. */
void               inkan_seal_flow_apply          (InkanSealFlow   *self);
/* A riding seal: the placed seal's width and height above the bottom, cut into slices at the
 * right edge of every page. Set before the PIN is given. */
void               inkan_seal_flow_set_riding     (InkanSealFlow   *self,
                                                   gboolean         riding);
/* What the save dialog proposes: <name>-sealed.pdf beside the original (-sealed-2, -3… when
 * taken). */
GFile             *inkan_seal_flow_get_proposed_output (InkanSealFlow *self);
/* The save dialog's answer (tests call it in its place): refuses the original itself, then
 * asks for the PIN. */
void               inkan_seal_flow_choose_output  (InkanSealFlow   *self,
                                                   GFile           *output);
/* Requests approval: the reason dialog first. */
void               inkan_seal_flow_request        (InkanSealFlow   *self);
/* The reason dialog's answer (tests call it in its place). */
void               inkan_seal_flow_send_request   (InkanSealFlow   *self,
                                                   const char      *reason);

InkanSealFlowState inkan_seal_flow_get_state      (InkanSealFlow   *self);
/* The PIN dialog while it is up, else NULL. */
InkanPinDialog    *inkan_seal_flow_get_pin_dialog (InkanSealFlow   *self);
/* The reason dialog while it is up, else NULL. */
GtkWidget         *inkan_seal_flow_get_reason_dialog (InkanSealFlow *self);
/* The sealed copy (DONE after applying), or NULL. */
GFile             *inkan_seal_flow_get_output     (InkanSealFlow   *self);
/* The sealed copy's verification (DONE after applying), or NULL. */
const InkanReport *inkan_seal_flow_get_report     (InkanSealFlow   *self);
/* The request made (DONE after requesting), or 0. */
gint64             inkan_seal_flow_get_request_id (InkanSealFlow   *self);
/* The sentence of the last failure, or NULL. */
const char        *inkan_seal_flow_get_error      (InkanSealFlow   *self);

/* Signals:
 *   "finished" (void): the flow reached DONE, FAILED or CANCELLED.
 *   "notify::state". */

G_END_DECLS
