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
  gboolean qr;              /* a QR code of the verification code beside the seal */
  gboolean watermark;       /* "Sealed by <signer> on <date>", faint, across every page */
  gboolean riding;          /* a riding seal (骑缝章): the image cut into one slice per page,
                             * at the right edge of every page of `riding_pages` */
  const guint *riding_pages;  /* 1-based, ascending; NULL: every page */
  guint n_riding_pages;
  char **verification_code; /* out, may be NULL: the sealing's code (free it), set on success */
  GBytes *seal_record;      /* the seal record (inkan-seal-record.h) to carry as the signed
                             * attribute INKAN_SEAL_RECORD_OID; NULL: none */
} InkanSignOptions;

/* The verification code's length without its hyphens: 12 characters of RFC 4648 base32,
 * 60 bits, shown as XXXX-XXXX-XXXX. */
#define INKAN_VERIFICATION_CODE_CHARS 12

/* The verification code of a sealing (README, "Verification code"): SHA-256 over
 * "INKAN-VC1\0", SHA-256 of the signer's DER certificate, SHA-256 of the document as it was
 * before the seal (up to its last "%%EOF") and the characters of /M; its first 60 bits in
 * base32, grouped by four. */
char *inkan_verification_code (const guint8 *cert_der, gsize cert_len,
                               const guint8 document_sha256[32], const char *signing_time);

/* `text` as a code to compare: upper case, hyphens and spaces dropped, 0/1/8 read as O/I/B.
 * NULL when it is no code. */
char *inkan_verification_code_normalize (const char *text);

/* Seals options->input into options->output. Either the output is complete and synced, or it
 * does not exist; the input is never modified. */
gboolean inkan_sign_pdf (const InkanSignOptions *options, GError **error);

G_END_DECLS
