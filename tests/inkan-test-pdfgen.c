/* Tiny hand-made PDFs for the tests: one blank page with the page entries a test needs. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-pdfgen.h"

#include "inkan-test-util.h"

#include <string.h>

char *
inkan_test_write_pdf (const char *name, const char *page_entries, gboolean xref_stream)
{
  g_autoptr (GString) pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autofree char *path = inkan_test_tmp_path (name);
  g_autoptr (GError) error = NULL;
  const char *media = strstr (page_entries, "/MediaBox") ? "" : " /MediaBox [0 0 612 792]";
  const char *content = "q Q\n";
  guint64 offsets[6];
  guint64 xref_at;
  guint i;

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
