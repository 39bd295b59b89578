/* Long-term validation data (PAdES B-LT): certificates, OCSP responses and CRLs in the /DSS. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "inkan-trust.h"

G_BEGIN_DECLS

#define INKAN_LTV_ERROR (inkan_ltv_error_quark ())

typedef enum
{
  INKAN_LTV_ERROR_FAILED,        /* anything else */
  INKAN_LTV_ERROR_NO_SIGNATURE,  /* the document has no signature to keep valid */
  INKAN_LTV_ERROR_FETCH,         /* an OCSP responder or CRL server is down, refuses, or answers
                                  * with something that does not prove the status */
} InkanLtvError;

GQuark inkan_ltv_error_quark (void);

typedef struct
{
  const char *input;
  const char *output;
  InkanTrust *trust;             /* anchors, for issuers the signatures do not carry; NULL: none */
  guint timeout;                 /* seconds per request; 0 means 30 */
} InkanLtvOptions;

/* Copies options->input to options->output with one more incremental update: a /DSS holding,
 * for every signature and its timestamps, the certificates of their paths and, for each
 * certificate that names one, an OCSP response from its responder (AIA), else a CRL from its
 * distribution point, each checked against its issuer; and a /VRI entry per signature. Either the
 * output is complete and synced, or it does not exist; the input is never modified. */
gboolean inkan_ltv_add (const InkanLtvOptions *options, GError **error);

G_END_DECLS
