/* Verification codes (printed under the seal, recomputed by the verifier, checked by
 * `verify --code`, kept in the audit trail) and the watermark, judged by pdfsig, qpdf, openssl,
 * pdftotext and pdftoppm. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-test-incr.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static InkanSigner *
clerk (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    {
      InkanTestPki *pki = inkan_test_pki_get ();
      g_autoptr (GError) error = NULL;

      signer = inkan_signer_open (pki->clerk_key_url, NULL, inkan_test_pin, pki, &error);
      g_assert_no_error (error);
    }
  return signer;
}

static gboolean
is_code (const char *code)
{
  return code != NULL
         && g_regex_match_simple ("^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$", code, 0, 0);
}

static char *
seal (const char *input, const char *name, gboolean qr, gboolean watermark, GDateTime *time,
      char **code)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  char *output = inkan_test_tmp_path (name);
  InkanSignOptions options = {
    .input = input, .output = output, .signer = clerk (), .image = pki->seal_png, .page = 1,
    .has_rect = TRUE, .rect = { 380, 60, 160, 160 }, .qr = qr, .watermark = watermark,
    .time = time, .verification_code = code,
  };

  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  g_assert_true (is_code (*code));
  return output;
}

/* -raw: in the content streams' order, so that diagonal text comes out in one piece. */
static char *
pdftotext (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-raw", pdf, "-", NULL };
  char *out = NULL;

  g_assert_cmpint (inkan_test_run (argv, &out, NULL), ==, 0);
  return out;
}

static int
cli_verify (const char *pdf, const char *code, char **out)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *argv[] = { g_getenv ("INKAN_CLI"), "verify", "--trust", pki->root_pem, "--code",
                         code, pdf, NULL };

  return inkan_test_run (argv, out, NULL);
}

/* The code is under the seal as text, the verifier finds the same one, and `verify --code`
 * confirms it (in any spelling) and refuses another one with its own exit status. */
static void
test_round_trip (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_write_pdf ("round-trip.pdf", "/MediaBox [0 0 595 842]",
                                                 FALSE);
  g_autofree char *code = NULL;
  g_autofree char *output = seal (input, "round-trip-sealed.pdf", TRUE, FALSE, NULL, &code);
  g_autofree char *text = pdftotext (output);
  g_autofree char *json = NULL;
  g_autofree char *expect = g_strdup_printf ("\"verification_code\":\"%s\"", code);
  g_autofree char *lower = g_ascii_strdown (code, -1);
  g_autofree char *wrong = g_strdup (code);
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const char *json_argv[] = { g_getenv ("INKAN_CLI"), "verify", "--json", "--trust",
                              pki->root_pem, output, NULL };
  InkanVerifyOptions options = { .trust = trust };
  char *plain;
  char *out = NULL;

  g_test_message ("code %s; pdftotext: %s", code, text);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);
  g_assert_nonnull (strstr (text, code));

  g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
  report = inkan_verify_file (output, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpstr (((InkanSignatureReport *) report->signatures->pdata[0])->verification_code, ==,
                   code);
  g_assert_nonnull (inkan_report_find_code (report, code));

  g_assert_cmpint (inkan_test_run (json_argv, &json, NULL), ==, 0);
  g_assert_nonnull (strstr (json, expect));

  g_assert_cmpint (cli_verify (output, code, &out), ==, 0);
  g_assert_nonnull (strstr (out, code));
  g_clear_pointer (&out, g_free);
  /* Typed without hyphens, in lower case: the same code. */
  plain = lower;
  for (char *p = lower; *p != '\0'; p++)
    if (*p != '-')
      *plain++ = *p;
  *plain = '\0';
  g_assert_cmpint (cli_verify (output, lower, NULL), ==, 0);
  /* One character off: no signature of the file has it. */
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  g_assert_cmpint (cli_verify (output, wrong, &out), ==, 4);
  g_test_message ("%s", out);
  g_clear_pointer (&out, g_free);
  /* Not a code at all: a usage error. */
  g_assert_cmpint (cli_verify (output, "hello", NULL), ==, 64);
}

/* The code binds the signature: the same document sealed at another time, or another document
 * at the same time, gets another code; a changed document keeps the code but the signature no
 * longer verifies, and `verify --code` says so with the signature's verdict. */
static void
test_binding (void)
{
  g_autofree char *a = inkan_test_write_pdf ("bind-a.pdf", "/MediaBox [0 0 595 842]", FALSE);
  g_autofree char *b = inkan_test_write_pdf ("bind-b.pdf", "/MediaBox [0 0 600 800]", FALSE);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  /* Within the certificates' validity, which starts when the test PKI is made. */
  g_autoptr (GDateTime) t1 = g_date_time_new_utc (g_date_time_get_year (now),
                                                  g_date_time_get_month (now),
                                                  g_date_time_get_day_of_month (now),
                                                  g_date_time_get_hour (now),
                                                  g_date_time_get_minute (now), 0);
  g_autoptr (GDateTime) t2 = g_date_time_add_seconds (t1, 1);
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
  g_autofree char *s1 = seal (a, "bind-a1.pdf", FALSE, FALSE, t1, &c1);
  g_autofree char *s2 = seal (a, "bind-a2.pdf", FALSE, FALSE, t2, &c2);
  g_autofree char *s3 = seal (b, "bind-b1.pdf", FALSE, FALSE, t1, &c3);
  g_autofree char *s4 = seal (a, "bind-a3.pdf", FALSE, FALSE, t1, &c4);
  g_autofree char *tampered = NULL, *catalog = NULL;

  g_assert_cmpstr (c1, !=, c2);
  g_assert_cmpstr (c1, !=, c3);
  /* Deterministic: the same signer, document and time give the same code. */
  g_assert_cmpstr (c1, ==, c4);
  /* A code of another sealing is not this file's. */
  g_assert_cmpint (cli_verify (s1, c2, NULL), ==, 4);
  g_assert_cmpint (cli_verify (s1, c1, NULL), ==, 0);

  /* The catalog rewritten after sealing: the code is still the signature's, which fails. */
  catalog = inkan_test_incr_dict_with (s1, 1, "/Lang", "(en)");
  tampered = inkan_test_incr_redefine (s1, "bind-tampered.pdf", 1, catalog);
  g_assert_cmpint (cli_verify (tampered, c1, NULL), ==, 1);
}

/* How many of the watermark annotations in `pdf` say `text` in their /Contents (the increment
 * writes its objects uncompressed, a PDF text string in UTF-16BE hex when not ASCII). */
static guint
count_watermarks (const char *pdf, const char *text)
{
  g_autofree char *data = NULL;
  g_autofree gunichar2 *utf16 = NULL;
  g_autoptr (GString) needle = g_string_new (NULL);
  glong n = 0;
  gsize len = 0;
  guint count = 0;

  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  /* Binary streams hold NUL bytes, where string searches would stop. */
  for (gsize i = 0; i < len; i++)
    if (data[i] == '\0')
      data[i] = ' ';
  utf16 = g_utf8_to_utf16 (text, -1, NULL, &n, NULL);
  g_assert_nonnull (utf16);
  g_string_append (needle, "/Contents <FEFF");
  for (glong i = 0; i < n; i++)
    g_string_append_printf (needle, "%04X", utf16[i]);
  for (const char *p = data; (p = g_strstr_len (p, len - (gsize) (p - data), "/Watermark"));
       p++)
    {
      const char *end = g_strstr_len (p, len - (gsize) (p - data), ">>");

      g_assert_nonnull (end);
      /* ASCII text is written as a literal string. */
      if (g_strstr_len (p, end - p, needle->str) != NULL)
        count++;
      else
        {
          g_autoptr (GString) literal = g_string_new ("/Contents (");

          for (const char *t = text; *t != '\0'; t++)
            {
              if (*t == '(' || *t == ')' || *t == '\\')
                g_string_append_c (literal, '\\');
              g_string_append_c (literal, *t);
            }
          g_string_append_c (literal, ')');

          if (g_strstr_len (p, end - p, literal->str) != NULL)
            count++;
        }
    }
  return count;
}

/* How many pixels of page `page` are the watermark's faint grey and not the page's own. */
static guint
faint_pixels (const char *pdf, guint page)
{
  guint width, height, count = 0;
  g_autofree guint8 *rgb = inkan_test_render_page (pdf, page, 36, &width, &height);

  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      const guint8 *px = rgb + 3 * i;

      if (px[0] >= 195 && px[0] <= 235 && abs (px[0] - px[1]) < 6 && abs (px[0] - px[2]) < 6)
        count++;
    }
  return count;
}

/* The watermark crosses every page, in the signed increment: its glyphs are drawn as outlines
 * (the signer's name in any script, no font to embed), its text is each annotation's
 * /Contents; pdfsig and the verifier accept the file. */
static void
test_watermark (void)
{
  g_autofree char *input = inkan_test_make_pdf ("many-pages");
  g_autoptr (GDateTime) time = g_date_time_new_utc (2026, 12, 6, 9, 30, 0);
  g_autofree char *code = NULL;
  g_autofree char *output = seal (input, "watermark-sealed.pdf", FALSE, TRUE, time, &code);
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (output, NULL);
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (InkanReport) report = NULL;
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { .trust = trust };
  guint n;

  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);
  g_assert_nonnull (pdf);
  n = inkan_pdf_get_n_pages (pdf);
  g_assert_cmpuint (n, >, 1);
  g_assert_cmpuint (count_watermarks (output, "Sealed by Li Wei (Clerk) on 2026-12-06"), ==, n);
  g_assert_cmpuint (count_watermarks (input, "Sealed by Li Wei (Clerk) on 2026-12-06"), ==, 0);
  for (guint i = 1; i <= n; i++)
    {
      guint before = faint_pixels (input, i), after = faint_pixels (output, i);

      g_test_message ("page %u: %u faint pixels before, %u after", i, before, after);
      g_assert_cmpuint (after, >, before + 1000);
    }

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, &error));
  report = inkan_verify_file (output, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpint (((InkanSignatureReport *) report->signatures->pdata[0])->modification_level,
                   ==, INKAN_MODIFICATION_NONE);
}

/* In Chinese the watermark says 由 … 于 … 签章, drawn (not question marks) and in /Contents. */
static void
test_watermark_chinese (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("watermark-zh.pdf");
  g_autofree char *locale_dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po",
                                                  NULL);
  g_autofree char *out = NULL, *err = NULL, *expected = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  const char *argv[] = { g_getenv ("INKAN_CLI"), "sign", input, "-o", output,
                         "--key", pki->clerk_key_url, "--pin-file", pki->pin_file,
                         "--image", pki->seal_png, "--watermark", NULL };
  int status;

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("INKAN_LOCALEDIR", locale_dir, TRUE);
  status = inkan_test_run (argv, &out, &err);
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("INKAN_LOCALEDIR");
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);

  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  expected = g_strdup_printf ("由 Li Wei (Clerk) 于 %s 签章", today);
  g_assert_cmpuint (count_watermarks (output, expected), ==, 1);
  g_assert_cmpuint (faint_pixels (output, 1), >, faint_pixels (input, 1) + 1000);
}

/* Sealing under the store's policy prints the code and records it in the audit trail. */
static void
test_audit (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *db = inkan_test_store_make ("vcode-store");
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("audit-sealed.pdf");
  g_autofree char *out = NULL, *err = NULL, *audit = NULL, *code = NULL;
  const char *line;
  int status;

  status = inkan_test_store_cli (db, &out, &err, "clerk", "sign", input, "-o", output, "--seal",
                                 "Official", "--pin-file", pki->pin_file, "--watermark", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  line = strstr (out, "Verification code: ");
  g_assert_nonnull (line);
  code = g_strndup (line + strlen ("Verification code: "), 14);
  g_assert_true (is_code (code));
  g_assert_cmpint (cli_verify (output, code, NULL), ==, 0);

  status = inkan_test_store_cli (db, &audit, NULL, "auditor", "audit", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_test_message ("%s", audit);
  g_assert_nonnull (strstr (audit, code));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inkan/vcode/round-trip", test_round_trip);
  g_test_add_func ("/inkan/vcode/binding", test_binding);
  g_test_add_func ("/inkan/vcode/watermark", test_watermark);
  g_test_add_func ("/inkan/vcode/watermark-chinese", test_watermark_chinese);
  g_test_add_func ("/inkan/vcode/audit", test_audit);
  return g_test_run ();
}
