/* libFuzzer target: any bytes through the verifier's entry point and its JSON report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fuzz-verify.h"

#include "inkan-verify.h"

/* A fixed validation time, so that a crash found today replays the same way next year. */
static GDateTime *
validation_time (void)
{
  static GDateTime *now;

  if (now == NULL)
    now = g_date_time_new_utc (2025, 1, 1, 12, 0, 0);
  return now;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  InkanVerifyOptions options = { .trust = NULL, .now = validation_time () };
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *json = NULL;

  report = inkan_verify_bytes (bytes, "fuzz.pdf", &options, &error);
  /* The contract: a report, or an error saying why there is none; never both, never neither. */
  g_assert_true ((report == NULL) != (error == NULL));
  if (report == NULL)
    {
      g_assert_nonnull (error->message);
      return 0;
    }
  json = inkan_report_to_json (report);
  g_assert_nonnull (json);
  g_assert_true (json[0] == '{');
  return 0;
}
