/* Sealing a PDF: placement, appearance, incremental update, digest, CMS and atomic output. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-pdf.h"
#include "inkan-token.h"
#include "inkan-tsa.h"

G_BEGIN_DECLS

typedef struct
{
  const char *input;
  const char *output;
  InkanSigner *signer;
  InkanSignerOpening *signer_opening; /* instead of signer: a signer still being opened, waited
                                       * for once the document has been read */
  const char *image;        /* PNG; NULL makes an invisible signature */
  guint page;               /* 1-based; 0 means 1 */
  gboolean has_rect;
  InkanRect rect;           /* points from the visible page's lower-left corner */
  const char *field;        /* fill this empty signature field, or name the new one */
  const char *reason;
  const char *location;
  GDateTime *time;          /* the signing time written to /M; NULL means now */
  GBytes *evidence;         /* approval evidence (inkan_evidence_build) embedded in the signed
                             * increment as "inkan-evidence.json", associated with the
                             * signature's widget; NULL: none */
  InkanTsa *tsa;            /* timestamp the signature value there (PAdES B-T); NULL: none.
                             * A TSA that fails leaves no output. */
  GBytes *seal_record;      /* the seal record (inkan-seal-record.h) to carry as the signed
                             * attribute INKAN_SEAL_RECORD_OID; NULL: none */
} InkanSignOptions;

/* Seals options->input into options->output. Either the output is complete and synced, or it
 * does not exist; the input is never modified. */
gboolean inkan_sign_pdf (const InkanSignOptions *options, GError **error);

G_END_DECLS
