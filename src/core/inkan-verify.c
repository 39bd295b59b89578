/* The verifier: every signature of every revision, checked and explained in a report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A placeholder that keeps the contract linkable while the verifier is built. */
#include "config.h"

#include "inkan-verify.h"
#include "inkan-pdf.h"

const char *
inkan_indication_to_string (InkanIndication indication)
{
  static const char * const names[] = { "TOTAL_PASSED", "INDETERMINATE", "TOTAL_FAILED",
                                        "NO_SIGNATURE" };

  g_return_val_if_fail ((guint) indication < G_N_ELEMENTS (names), NULL);
  return names[indication];
}

const char *
inkan_coverage_to_string (InkanCoverage coverage)
{
  static const char * const names[] = { "ENTIRE_FILE", "ENTIRE_REVISION", "PARTIAL", "UNCLEAR" };

  g_return_val_if_fail ((guint) coverage < G_N_ELEMENTS (names), NULL);
  return names[coverage];
}

void
inkan_report_free (InkanReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file);
  g_clear_pointer (&report->signatures, g_ptr_array_unref);
  g_clear_pointer (&report->findings, g_ptr_array_unref);
  g_free (report);
}

InkanReport *
inkan_verify_bytes (GBytes *bytes, const char *display, const InkanVerifyOptions *options,
                    GError **error)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, "The verifier is not built yet.");
  return NULL;
}

InkanReport *
inkan_verify_file (const char *path, const InkanVerifyOptions *options, GError **error)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, "The verifier is not built yet.");
  return NULL;
}

char *
inkan_report_to_json (const InkanReport *report)
{
  return g_strdup ("{}");
}
