/* Tiny hand-made PDFs for the tests: one blank page with the page entries a test needs. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-pdfgen.h"

#include "inkan-test-util.h"

#include <string.h>

/* The header and objects 1 to 4 (catalog, page tree, page, content), their offsets in
 * offsets[1..4]. */
static GString *
begin_pdf (const char *page_entries, guint64 offsets[6])
{
  GString *pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  const char *media = strstr (page_entries, "/MediaBox") ? "" : " /MediaBox [0 0 612 792]";
  const char *content = "q Q\n";

  offsets[1] = pdf->len;
  g_string_append (pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  offsets[2] = pdf->len;
  g_string_append (pdf, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
  offsets[3] = pdf->len;
  g_string_append_printf (pdf, "3 0 obj\n<< /Type /Page /Parent 2 0 R%s %s /Contents 4 0 R "
                          "/Resources << >> >>\nendobj\n", media, page_entries);
  offsets[4] = pdf->len;
  g_string_append_printf (pdf, "4 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n",
                          strlen (content), content);
  return pdf;
}

char *
inkan_test_write_pdf_xref_entry (const char *name, guint64 own_offset)
{
  guint64 offsets[6];
  g_autoptr (GString) pdf = begin_pdf ("", offsets);
  g_autofree char *path = inkan_test_tmp_path (name);
  g_autoptr (GError) error = NULL;
  guint8 rows[6 * 11] = { 0 };
  guint64 xref_at = pdf->len;
  guint i, b;

  offsets[5] = own_offset != 0 ? own_offset : xref_at;
  rows[9] = 0xff;
  rows[10] = 0xff;
  for (i = 1; i < 6; i++)
    {
      rows[i * 11] = 1;
      for (b = 0; b < 8; b++)
        rows[i * 11 + 1 + b] = (guint8) (offsets[i] >> (8 * (7 - b)));
    }
  g_string_append_printf (pdf, "5 0 obj\n<< /Type /XRef /Size 6 /Root 1 0 R /W [1 8 2] "
                               "/Length %zu >>\nstream\n", sizeof rows);
  g_string_append_len (pdf, (const char *) rows, sizeof rows);
  g_string_append_printf (pdf, "\nendstream\nendobj\nstartxref\n%" G_GUINT64_FORMAT
                               "\n%%%%EOF\n", xref_at);
  g_file_set_contents (path, pdf->str, (gssize) pdf->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

char *
inkan_test_write_pdf (const char *name, const char *page_entries, gboolean xref_stream)
{
  guint64 offsets[6];
  g_autoptr (GString) pdf = begin_pdf (page_entries, offsets);
  g_autofree char *path = inkan_test_tmp_path (name);
  g_autoptr (GError) error = NULL;
  guint64 xref_at;
  guint i;

  xref_at = pdf->len;
  if (xref_stream)
    {
      guint8 rows[6 * 7];

      offsets[5] = xref_at;
      memset (rows, 0, sizeof rows);
      rows[0] = 0;
      rows[5] = 0xff;
      rows[6] = 0xff;
      for (i = 1; i < 6; i++)
        {
          rows[i * 7] = 1;
          rows[i * 7 + 1] = (guint8) (offsets[i] >> 24);
          rows[i * 7 + 2] = (guint8) (offsets[i] >> 16);
          rows[i * 7 + 3] = (guint8) (offsets[i] >> 8);
          rows[i * 7 + 4] = (guint8) offsets[i];
        }
      g_string_append_printf (pdf, "5 0 obj\n<< /Type /XRef /Size 6 /Root 1 0 R /W [1 4 2] "
                              "/Length %zu >>\nstream\n", sizeof rows);
      g_string_append_len (pdf, (const char *) rows, sizeof rows);
      g_string_append (pdf, "\nendstream\nendobj\n");
    }
  else
    {
      g_string_append (pdf, "xref\n0 5\n0000000000 65535 f \n");
      for (i = 1; i < 5; i++)
        g_string_append_printf (pdf, "%010" G_GUINT64_FORMAT " 00000 n \n", offsets[i]);
      g_string_append (pdf, "trailer\n<< /Size 5 /Root 1 0 R >>\n");
    }
  g_string_append_printf (pdf, "startxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n", xref_at);
  g_file_set_contents (path, pdf->str, (gssize) pdf->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* The warnings of qpdf --check, with the file name taken out so two files compare. */
static char *
qpdf_warnings (const char *pdf, int *status)
{
  const char *argv[] = { "qpdf", "--check", pdf, NULL };
  g_autofree char *out = NULL, *err = NULL, *all = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) warnings = g_string_new (NULL);
  guint i;

  *status = inkan_test_run (argv, &out, &err);
  all = g_strconcat (out, "\n", err, NULL);
  lines = g_strsplit (all, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      const char *at = strstr (lines[i], pdf);
      if (!g_str_has_prefix (lines[i], "WARNING") && strstr (lines[i], "rror") == NULL)
        continue;
      if (g_str_has_prefix (lines[i], "No syntax or stream encoding errors"))
        continue;
      if (at != NULL)
        g_string_append_len (warnings, lines[i], at - lines[i]), g_string_append (warnings, at + strlen (pdf));
      else
        g_string_append (warnings, lines[i]);
      g_string_append_c (warnings, '\n');
    }
  return g_string_free (g_steal_pointer (&warnings), FALSE);
}

void
inkan_test_judge_qpdf_against (const char *input, const char *output)
{
  int in_status, out_status;
  g_autofree char *in_warnings = qpdf_warnings (input, &in_status);
  g_autofree char *out_warnings = NULL;

  if (in_status == 0)
    {
      inkan_test_judge_qpdf (output);
      return;
    }
  out_warnings = qpdf_warnings (output, &out_status);
  g_test_message ("qpdf warns about the input already: %s", in_warnings);
  g_assert_cmpint (out_status, ==, in_status);
  g_assert_cmpstr (out_warnings, ==, in_warnings);
}
