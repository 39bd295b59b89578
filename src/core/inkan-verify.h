/* The verifier: every signature of every revision, checked and explained in a report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include "inkan-diff.h"
#include "inkan-evidence.h"
#include "inkan-seal-binding.h"
#include "inkan-trust.h"

G_BEGIN_DECLS

/* Ordered from best to worst, so that a file's indication is its worst signature's. */
typedef enum
{
  INKAN_INDICATION_TOTAL_PASSED,
  INKAN_INDICATION_INDETERMINATE,
  INKAN_INDICATION_TOTAL_FAILED,
  INKAN_INDICATION_NO_SIGNATURE,  /* only for a whole file */
} InkanIndication;

typedef enum
{
  INKAN_COVERAGE_ENTIRE_FILE,
  INKAN_COVERAGE_ENTIRE_REVISION,
  INKAN_COVERAGE_PARTIAL,
  INKAN_COVERAGE_UNCLEAR,
} InkanCoverage;

const char *inkan_indication_to_string (InkanIndication indication);
const char *inkan_coverage_to_string (InkanCoverage coverage);

/* A signature timestamp (RFC 3161 token over the signature value) as the verifier found it. */
typedef struct
{
  GDateTime *time;                  /* genTime, UTC, to the TSA's precision (milliseconds) */
  char *tsa;                        /* the TSA's name (its certificate's common name) */
  gboolean valid;                   /* the token verifies over the signature value and its TSA
                                     * leads to a trust anchor: its time is a proof */
} InkanTimestampReport;

/* What is known of a certificate's revocation. */
typedef enum
{
  INKAN_REVOCATION_GOOD,            /* not revoked, as its issuer's OCSP responder or CRL says */
  INKAN_REVOCATION_REVOKED,
  INKAN_REVOCATION_UNKNOWN,         /* no revocation data in the file, none fetched */
} InkanRevocationStatus;

/* Where a certificate's revocation status came from. */
typedef enum
{
  INKAN_REVOCATION_SOURCE_NONE,     /* nowhere: not checked */
  INKAN_REVOCATION_SOURCE_EMBEDDED, /* the file's document security store (/DSS) */
  INKAN_REVOCATION_SOURCE_ONLINE,   /* fetched from its OCSP responder or CRL distribution point */
} InkanRevocationSource;

const char *inkan_revocation_status_to_string (InkanRevocationStatus status);
const char *inkan_revocation_source_to_string (InkanRevocationSource source);

/* One certificate of a signature's path (or of its timestamp's) whose revocation was asked. */
typedef struct
{
  char *certificate;                /* its common name, else its DN */
  char *role;                       /* "signer", "ca", "tsa" or "tsa-ca" */
  InkanRevocationStatus status;
  InkanRevocationSource source;
  GDateTime *revoked_at;            /* when REVOKED, else NULL */
  char *problem;                    /* why it is UNKNOWN when it was asked online, else NULL */
} InkanRevocationReport;

typedef struct
{
  char *field;                      /* the field's full name */
  char *signer;                     /* the signer's subject DN (RFC 4514), or NULL */
  char *signer_name;                /* its common name, or NULL */
  char *organisation;               /* its organisation, or NULL */
  InkanIndication indication;
  char *subindication;              /* ETSI name, or NULL */
  InkanCoverage coverage;
  InkanModificationLevel modification_level;
  GDateTime *signing_time;          /* claimed (/M, else signingTime), or NULL */
  InkanTimestampReport *timestamp;  /* the first signature timestamp, or NULL when none */
  guint revision;                   /* 1-based: the revision this signature signs */
  guint docmdp;                     /* certification signature's P (1–3), 0 for approval */
  char *subfilter;
  char *algorithm;                  /* "RSA PKCS#1 v1.5 with SHA-256", or NULL */
  char *reason;
  char *location;
  guint page;                       /* 1-based page of the widget, 0 when invisible or none */
  double rect[4];                   /* the widget's /Rect in default user space */
  GPtrArray *chain;                 /* gnutls_x509_crt_t (owned): signer first */
  GPtrArray *findings;              /* InkanFinding */
  InkanEvidence *evidence;          /* the approval evidence embedded with the signature (as it
                                     * was signed), or NULL */
  GPtrArray *approvals;             /* InkanApprovalReport per approval of the evidence, in
                                     * order; empty when none */
  char *verification_code;          /* XXXX-XXXX-XXXX recomputed from the signer's certificate,
                                     * the document before the signature and /M (README,
                                     * "Verification code"), or NULL when it cannot be */
  guint riding_pages;               /* a riding seal's number of slices (widgets on distinct
                                     * pages), 0 for an ordinary signature */
  GPtrArray *revocation;            /* InkanRevocationReport per certificate below its issuer:
                                     * the signer's path, then the timestamp authority's */
  InkanSealReport *seal;            /* the seal record the signature carries, checked; NULL for
                                     * a plain signature (no record) */
} InkanSignatureReport;

typedef struct
{
  char *file;
  InkanIndication indication;
  guint n_revisions;
  GPtrArray *signatures;            /* InkanSignatureReport, in revision order */
  GPtrArray *findings;              /* InkanFinding about the file as a whole */
} InkanReport;

void inkan_report_free (InkanReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanReport, inkan_report_free)

typedef struct
{
  InkanTrust *trust;                /* anchors; NULL trusts nothing */
  GDateTime *now;                   /* the validation time; NULL means now */
  gboolean online;                  /* fetch the revocation status the file does not hold from
                                     * the certificates' OCSP responders and CRL distribution
                                     * points; FALSE: nothing goes to the network */
  guint timeout;                    /* seconds per request when online; 0 means 30 */
} InkanVerifyOptions;

/* Verifies every signature of `path`. Fails only when the file cannot be opened
 * (INKAN_PDF_ERROR_NOT_FOUND) or is no readable PDF at all (INKAN_PDF_ERROR_DAMAGED,
 * INKAN_PDF_ERROR_ENCRYPTED); everything else is in the report. */
InkanReport *inkan_verify_file (const char               *path,
                                const InkanVerifyOptions *options,
                                GError                  **error);
/* The same over bytes in memory (fuzzing, tests). */
InkanReport *inkan_verify_bytes (GBytes                   *bytes,
                                 const char               *display,
                                 const InkanVerifyOptions *options,
                                 GError                  **error);

/* The signature of `report` whose verification code is `code` (any spelling that
 * inkan_verification_code_normalize accepts), or NULL. */
const InkanSignatureReport *inkan_report_find_code (const InkanReport *report, const char *code);

/* The JSON object of DESIGN.md's contract, one line, no trailing newline. */
char *inkan_report_to_json (const InkanReport *report);

G_END_DECLS
