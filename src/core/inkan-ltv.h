/* Long-term validation data (PAdES B-LT): certificates, OCSP responses and CRLs in the /DSS. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "inkan-trust.h"
#include "inkan-tsa.h"

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

/* Copies `input` to `output` with a document timestamp (PAdES B-LTA): one more incremental
 * update with an invisible signature field whose /DocTimeStamp value holds `tsa`'s RFC 3161
 * token over the whole file (its byte ranges), checked as inkan_tsa_timestamp does. Either the
 * output is complete and synced, or it does not exist. TSA failures are INKAN_TSA_ERROR. */
gboolean inkan_document_timestamp (const char *input,
                                   const char *output,
                                   InkanTsa   *tsa,
                                   GError    **error);

G_END_DECLS
