/* Riding seals (骑缝章): one seal cut into slices across the right edge of the pages, one
 * signature; rendered, judged by pdfsig, qpdf and openssl, and re-verified after page changes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-test-incr.h"
#include "inkan-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* Object numbers of the generated documents: 1 catalog, 2 page tree, then page i (from 0) is
 * 3 + 2i and its content stream 4 + 2i. */
#define PAGE_ID(i) (3 + 2 * (i))
#define CONTENT_ID(i) (4 + 2 * (i))

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

/* The page's extra entries: most pages plain A4, a few turned or cropped, as real files are. */
static const char *
page_entries (guint i)
{
  switch (i)
    {
    case 2:
      return " /Rotate 90";
    case 3:
      return " /CropBox [30 40 565 802]";
    case 6:
      return " /Rotate 270";
    default:
      return "";
    }
}

/* An n-page A4 document with black text on every page. */
static char *
write_pages_pdf (const char *name, guint n)
{
  g_autoptr (GString) pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autoptr (GArray) offsets = g_array_new (FALSE, TRUE, sizeof (gsize));
  g_autoptr (GString) kids = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  char *path = inkan_test_tmp_path (name);
  gsize xref, zero = 0;
  guint i, n_objects = 2 + 2 * n;

  g_array_set_size (offsets, n_objects + 1);
  g_array_index (offsets, gsize, 1) = pdf->len;
  g_string_append (pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  for (i = 0; i < n; i++)
    g_string_append_printf (kids, "%s%d 0 R", i > 0 ? " " : "", PAGE_ID (i));
  g_array_index (offsets, gsize, 2) = pdf->len;
  g_string_append_printf (pdf, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %u >>\nendobj\n",
                          kids->str, n);
  for (i = 0; i < n; i++)
    {
      g_autofree char *content = g_strdup_printf (
        "BT /F1 24 Tf 72 700 Td (Page %u of the contract) Tj ET", i + 1);

      g_array_index (offsets, gsize, PAGE_ID (i)) = pdf->len;
      g_string_append_printf (pdf,
                              "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]%s "
                              "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                              "/BaseFont /Helvetica >> >> >> /Contents %d 0 R >>\nendobj\n",
                              PAGE_ID (i), page_entries (i), CONTENT_ID (i));
      g_array_index (offsets, gsize, CONTENT_ID (i)) = pdf->len;
      g_string_append_printf (pdf, "%d 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
                              CONTENT_ID (i), strlen (content), content);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f\r\n", n_objects + 1);
  for (i = 1; i <= n_objects; i++)
    g_string_append_printf (pdf, "%010zu 00000 n\r\n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf,
                          "trailer\n<< /Size %u /Root 1 0 R /ID [<0123456789ABCDEF0123456789ABCDEF>"
                          " <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n%zu\n%%%%EOF\n",
                          n_objects + 1, xref);
  (void) zero;
  g_file_set_contents (path, pdf->str, (gssize) pdf->len, &error);
  g_assert_no_error (error);
  return path;
}

static InkanTrust *
test_trust (void)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (inkan_trust_add_file (trust, inkan_test_pki_get ()->root_pem, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&trust);
}

static InkanReport *
verify (const char *path)
{
  g_autoptr (InkanTrust) trust = test_trust ();
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { .trust = trust };
  InkanReport *report = inkan_verify_file (path, &options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gboolean
has_finding (const InkanSignatureReport *sig, const char *code)
{
  guint i;

  for (i = 0; i < sig->findings->len; i++)
    if (g_str_equal (((InkanFinding *) sig->findings->pdata[i])->code, code))
      return TRUE;
  return FALSE;
}

static char *
seal_riding (const char *input, const char *name, const guint *pages, guint n_pages)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  char *output = inkan_test_tmp_path (name);
  InkanSignOptions options = {
    .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
    .reason = "Contract pages joined", .riding = TRUE, .riding_pages = pages,
    .n_riding_pages = n_pages, .verification_code = &code,
  };

  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  g_assert_nonnull (code);
  g_assert_cmpuint (strlen (code), ==, 14);
  return output;
}

/* Twenty pages, one seal: every page shows its slice at its right edge, the three judges and
 * Inkan's verifier accept the one signature. */
static void
test_twenty_pages (void)
{
  g_autofree char *input = write_pages_pdf ("twenty.pdf", 20);
  g_autofree char *output = seal_riding (input, "twenty-sealed.pdf", NULL, 0);
  g_autoptr (InkanReport) report = NULL;
  const InkanSignatureReport *sig;
  /* 4 cm across 20 slices: 5.7 pt each, 11 pixels at 144 dpi, and a pixel of anti-aliasing. */
  guint strip = 13, page;

  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);

  for (page = 1; page <= 20; page++)
    {
      guint in_strip, elsewhere;

      inkan_test_count_red_at_right_edge (output, page, strip, &in_strip, &elsewhere);
      g_test_message ("page %u: %u red pixels at the edge, %u elsewhere", page, in_strip,
                      elsewhere);
      g_assert_cmpuint (in_strip, >, 40);
      g_assert_cmpuint (elsewhere, ==, 0);
    }

  report = verify (output);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  sig = report->signatures->pdata[0];
  g_assert_cmpuint (sig->riding_pages, ==, 20);
  g_assert_cmpuint (sig->page, ==, 1);
  g_assert_nonnull (sig->verification_code);
  g_assert_false (has_finding (sig, "RIDING_SEAL_PAGES_CHANGED"));
}

/* Only the pages asked for carry a slice; the others stay clean. */
static void
test_chosen_pages (void)
{
  static const guint pages[] = { 2, 3, 4, 5 };
  g_autofree char *input = write_pages_pdf ("eight.pdf", 8);
  g_autofree char *output = seal_riding (input, "eight-sealed.pdf", pages, G_N_ELEMENTS (pages));
  g_autoptr (InkanReport) report = NULL;
  guint page;

  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  for (page = 1; page <= 8; page++)
    {
      guint in_strip, elsewhere;

      /* 4 cm in 4 slices: 28 pt, 57 pixels. */
      inkan_test_count_red_at_right_edge (output, page, 60, &in_strip, &elsewhere);
      g_test_message ("page %u: %u red pixels at the edge, %u elsewhere", page, in_strip,
                      elsewhere);
      g_assert_cmpuint (elsewhere, ==, 0);
      if (page >= 2 && page <= 5)
        g_assert_cmpuint (in_strip, >, 200);
      else
        g_assert_cmpuint (in_strip, ==, 0);
    }
  report = verify (output);
  g_assert_cmpint (report->indication, ==, INKAN_INDICATION_TOTAL_PASSED);
  g_assert_cmpuint (((InkanSignatureReport *) report->signatures->pdata[0])->riding_pages, ==, 4);
}

/* A page replaced (redrawn, or its object swapped for another) or removed after sealing: the
 * verifier says the riding seal's pages changed. */
static void
test_pages_changed (void)
{
  g_autofree char *input = write_pages_pdf ("changed.pdf", 20);
  g_autofree char *sealed = seal_riding (input, "changed-sealed.pdf", NULL, 0);
  g_autofree char *page5 = NULL, *kids = NULL, *pages_dict = NULL;
  g_autoptr (GString) fewer = g_string_new (NULL);
  int next = inkan_test_incr_next_id (sealed);
  const char *text = "BT /F1 24 Tf 72 700 Td (Page 5 with new terms) Tj ET";
  g_autofree char *stream = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream",
                                             strlen (text), text);
  char *outputs[3];
  guint i;

  /* 1: page 5 redrawn: its dictionary points at new content. */
  {
    g_autofree char *ref = g_strdup_printf ("%d 0 R", next);
    InkanTestIncrEntry entries[2];

    page5 = inkan_test_incr_dict_with (sealed, PAGE_ID (4), "/Contents", ref);
    entries[0] = (InkanTestIncrEntry){ PAGE_ID (4), page5, FALSE, 0 };
    entries[1] = (InkanTestIncrEntry){ next, stream, FALSE, 0 };
    outputs[0] = inkan_test_incr_append (sealed, "changed-redrawn.pdf", entries, 2);
  }
  /* 2: page 5's place in the tree taken by a new page object. */
  {
    g_autofree char *page = g_strdup_printf ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                                             "/Contents %d 0 R >>", next + 1);
    InkanTestIncrEntry entries[3];

    for (i = 0; i < 20; i++)
      g_string_append_printf (fewer, "%s%d 0 R", i > 0 ? " " : "",
                              i == 4 ? next : (int) PAGE_ID (i));
    kids = g_strdup_printf ("<< /Type /Pages /Kids [%s] /Count 20 >>", fewer->str);
    entries[0] = (InkanTestIncrEntry){ 2, kids, FALSE, 0 };
    entries[1] = (InkanTestIncrEntry){ next, page, FALSE, 0 };
    entries[2] = (InkanTestIncrEntry){ next + 1, stream, FALSE, 0 };
    outputs[1] = inkan_test_incr_append (sealed, "changed-swapped.pdf", entries, 3);
  }
  /* 3: the last page removed. */
  g_string_truncate (fewer, 0);
  for (i = 0; i < 19; i++)
    g_string_append_printf (fewer, "%s%d 0 R", i > 0 ? " " : "", PAGE_ID (i));
  pages_dict = g_strdup_printf ("<< /Type /Pages /Kids [%s] /Count 19 >>", fewer->str);
  outputs[2] = inkan_test_incr_redefine (sealed, "changed-removed.pdf", 2, pages_dict);

  for (i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autoptr (InkanReport) report = verify (outputs[i]);
      const InkanSignatureReport *sig = report->signatures->pdata[0];
      guint j;

      for (j = 0; j < sig->findings->len; j++)
        g_test_message ("%s: %s", outputs[i], ((InkanFinding *) sig->findings->pdata[j])->message);
      g_assert_true (has_finding (sig, "RIDING_SEAL_PAGES_CHANGED"));
      g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_FAILED);
      g_free (outputs[i]);
    }

  /* The check can fail the other way too: an unrelated later change (a new page tree entry
   * that keeps every sealed page) is not a riding-seal finding. The sealed file itself is
   * clean. */
  {
    g_autoptr (InkanReport) clean = verify (sealed);

    g_assert_false (has_finding (clean->signatures->pdata[0], "RIDING_SEAL_PAGES_CHANGED"));
  }
}

/* A riding seal needs pages and an image; refused input leaves no output. */
static void
test_refused (void)
{
  static const guint one[] = { 3 };
  static const guint unordered[] = { 3, 2 };
  g_autofree char *input = write_pages_pdf ("refused.pdf", 4);
  g_autofree char *output = inkan_test_tmp_path ("refused-sealed.pdf");
  InkanTestPki *pki = inkan_test_pki_get ();
  const struct
  {
    const guint *pages;
    guint n;
    const char *image;
    int code;
  } cases[] = {
    { one, 1, pki->seal_png, INKAN_PDF_ERROR_PAGE_RANGE },
    { unordered, 2, pki->seal_png, INKAN_PDF_ERROR_PAGE_RANGE },
    { NULL, 0, NULL, INKAN_PDF_ERROR_FIELD },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      InkanSignOptions options = {
        .input = input, .output = output, .signer = clerk (), .image = cases[i].image,
        .riding = TRUE, .riding_pages = cases[i].pages, .n_riding_pages = cases[i].n,
      };

      g_assert_false (inkan_sign_pdf (&options, &error));
      g_assert_error (error, INKAN_PDF_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inkan/riding/twenty-pages", test_twenty_pages);
  g_test_add_func ("/inkan/riding/chosen-pages", test_chosen_pages);
  g_test_add_func ("/inkan/riding/pages-changed", test_pages_changed);
  g_test_add_func ("/inkan/riding/refused", test_refused);
  return g_test_run ();
}
