/* Tests of the strict PDF reader and of the signature increment, without a token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "inkan-pdf-private.h"
#include "inkan-test-corpus.h"
#include "inkan-test-incr.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-util.h"

#include <stdio.h>
#include <string.h>

/* PDFs hold binary streams: search all the bytes, not up to the first NUL. */
static gboolean
contains (const char *data, gsize len, const char *needle)
{
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
test_open_ordinary (void)
{
  guint i;

  for (i = 0; ordinary[i] != NULL; i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (ordinary[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);

      g_test_message ("%s", ordinary[i]);
      g_assert_no_error (error);
      g_assert_nonnull (pdf);
      g_assert_cmpuint (inkan_pdf_get_n_pages (pdf), >=, 1);
    }
}

static void
test_open_damaged (void)
{
  guint i;

  for (i = 0; damaged[i] != NULL; i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (damaged[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);

      g_test_message ("%s: %s", damaged[i], error != NULL ? error->message : "opened");
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
      g_assert_null (pdf);
      /* The message names the file and says what to do. */
      g_assert_nonnull (strstr (error->message, damaged[i]));
      g_assert_nonnull (strstr (error->message, "intact copy"));
    }
}

static void
test_open_encrypted (void)
{
  guint i;

  for (i = 0; encrypted[i] != NULL; i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (encrypted[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);

      g_test_message ("%s", encrypted[i]);
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED);
      g_assert_null (pdf);
    }
}

static void
test_open_missing (void)
{
  g_autofree char *path = inkan_test_tmp_path ("does-not-exist.pdf");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);

  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND);
  g_assert_null (pdf);
}

static void
test_open_xref_kind (void)
{
  g_autofree char *table = inkan_test_corpus_pdf ("minimal.pdf");
  g_autofree char *stream = inkan_test_corpus_pdf ("minimal-xref.pdf");
  g_autoptr (InkanPdf) a = inkan_pdf_open (table, NULL);
  g_autoptr (InkanPdf) b = inkan_pdf_open (stream, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_false (inkan_pdf_has_xref_stream (a));
  g_assert_true (inkan_pdf_has_xref_stream (b));
}

/* Every object is parsed in a reading that drops it once parsed, and the page tree is read
 * during that walk: a large file opens with every page, also with its objects in object
 * streams, and a broken object late in the file is still found. */
static void
test_open_many_objects (void)
{
  g_autofree char *path = inkan_test_make_pdf ("pages:700");
  g_autofree char *packed = inkan_test_tmp_path ("many-packed.pdf");
  g_autofree char *spoiled = inkan_test_tmp_path ("many-spoiled.pdf");
  g_autofree char *contents = NULL, *needle = NULL, *out = NULL, *err = NULL;
  const char *argv[] = { "qpdf", "--object-streams=generate", path, packed, NULL };
  const char *paths[] = { path, packed };
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) broken = NULL;
  gsize length = 0;
  char *at;
  guint i;

  g_assert_cmpint (inkan_test_run (argv, &out, &err), ==, 0);
  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (paths[i], &error);
      double w = 0, h = 0;

      g_assert_no_error (error);
      g_assert_cmpuint (inkan_pdf_get_n_pages (pdf), ==, 700);
      g_assert_cmpuint (inkan_pdf_has_xref_stream (pdf), ==, i == 1);
      g_assert_true (inkan_pdf_get_page_size (pdf, 700, &w, &h, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (w, >, 0);
      g_assert_cmpfloat (h, >, 0);
    }

  /* An object near the end loses its "obj" keyword: the offsets stay right, it does not
   * parse. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  needle = g_strdup_printf ("\n%u 0 obj", 700 * 3);
  at = memmem (contents, length, needle, strlen (needle));
  g_assert_nonnull (at);
  memcpy (at + strlen (needle) - 3, "xyz", 3);
  g_assert_true (g_file_set_contents (spoiled, contents, (gssize) length, NULL));
  broken = inkan_pdf_open (spoiled, &error);
  g_test_message ("%s", error != NULL ? error->message : "opened");
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
  g_assert_null (broken);
}

/* The page tree is read from the objects the strict walk noted, with qpdf's own rules (its
 * warnings are damage): each fault refused, a sound tree with an intermediate node accepted. */
static void
test_open_page_tree (void)
{
  g_autofree char *base = inkan_test_write_pdf ("tree.pdf", "", FALSE);
  static const struct
  {
    const char *pages;  /* object 2 */
    const char *extra;  /* object 5 */
    gboolean damaged;
    guint n_pages;
  } cases[] = {
    { "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids 3 0 R /Count 1 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [<< /Type /Page >>] /Count 1 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [5 0 R] /Count 1 >>", "<< /Kids [3 0 R] /Count 1 >>", TRUE, 0 },
    { "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
      "<< /Type /Pages /Kids [5 0 R] /Count 1 >>", TRUE, 0 },
    { "<< /Type /Pages /Kids [] /Count 0 >>", NULL, TRUE, 0 },
    { "<< /Type /Pages /Kids [5 0 R 3 0 R] /Count 2 >>",
      "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << >> >>", FALSE, 2 },
    { "<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 2 >>",
      "<< /Type /Page /Parent 6 0 R /Contents 4 0 R /Resources << >> >>", FALSE, 2 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("tree-%u.pdf", i);
      g_autofree char *path = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = NULL;
      InkanTestIncrEntry entries[3] = { { 2, cases[i].pages, FALSE, 0 } };
      guint n = 1;

      if (cases[i].extra != NULL)
        entries[n++] = (InkanTestIncrEntry){ 5, cases[i].extra, FALSE, 0 };
      /* The last case puts page 5 under an intermediate node, object 6. */
      if (i == G_N_ELEMENTS (cases) - 1)
        entries[n++] = (InkanTestIncrEntry){ 6, "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R] "
                                                "/Count 1 >>", FALSE, 0 };
      path = inkan_test_incr_append (base, name, entries, n);
      pdf = inkan_pdf_open (path, &error);
      g_test_message ("%s: %s", cases[i].pages, error != NULL ? error->message : "opened");
      if (cases[i].damaged)
        {
          g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
          g_assert_null (pdf);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (inkan_pdf_get_n_pages (pdf), ==, cases[i].n_pages);
        }
    }
}

/* An entry of a cross-reference stream that points beyond the end of the file makes it
 * damaged, as in a table. An offset of 2^63 or more, which qpdf holds as a negative number,
 * once made the walk give back "mapped pages" up to it, which took the libraries' own pages
 * with them (a crash at the next call into qpdf). The control: the same file with the right
 * offset opens. */
static void
test_open_xref_stream_beyond_end (void)
{
  const guint64 beyond[] = { G_GUINT64_CONSTANT (0x9e00000000000000), 100000 };
  g_autofree char *right = NULL;
  g_autoptr (InkanPdf) control = NULL;
  g_autoptr (GError) error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (beyond); i++)
    {
      g_autofree char *path = inkan_test_write_pdf_xref_entry ("xref-beyond.pdf", beyond[i]);
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);

      g_test_message ("offset %" G_GUINT64_FORMAT ": %s", beyond[i],
                      error != NULL ? error->message : "opened");
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
      g_assert_nonnull (strstr (error->message, "beyond the end of the file"));
      g_assert_null (pdf);
      g_clear_error (&error);
    }

  right = inkan_test_write_pdf_xref_entry ("xref-right.pdf", 0);
  control = inkan_pdf_open (right, &error);
  g_assert_no_error (error);
  g_assert_nonnull (control);
  g_assert_cmpuint (inkan_pdf_get_n_pages (control), ==, 1);
}

/* The strict walk drops each object once parsed, but a number may still be a stream's /Length
 * that a later object needs: a length written before its stream does not make the file damaged. */
static void
test_open_length_before_stream (void)
{
  g_autofree char *base = inkan_test_write_pdf ("length-first.pdf", "", FALSE);
  g_autofree char *path = NULL;
  const InkanTestIncrEntry entries[] = {
    { 5, "12", FALSE, 0 },
    { 6, "<< /Length 5 0 R >>\nstream\nhello, world\nendstream", FALSE, 0 },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) pdf = NULL;

  path = inkan_test_incr_append (base, "length-first-update.pdf", entries, G_N_ELEMENTS (entries));
  pdf = inkan_pdf_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_pdf_get_n_pages (pdf), ==, 1);
}

static void
assert_page_size (const char *entries, double width, double height)
{
  g_autofree char *path = inkan_test_write_pdf ("size.pdf", entries, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);
  double w = 0, h = 0;

  g_assert_no_error (error);
  g_assert_true (inkan_pdf_get_page_size (pdf, 1, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (w, width, 1e-6);
  g_assert_cmpfloat_with_epsilon (h, height, 1e-6);
}

static void
test_page_size (void)
{
  assert_page_size ("", 612, 792);
  assert_page_size ("/MediaBox [0 0 595 842] /Rotate 90", 842, 595);
  assert_page_size ("/MediaBox [0 0 595 842] /Rotate -90", 842, 595);
  assert_page_size ("/MediaBox [0 0 595 842] /Rotate 180", 595, 842);
  assert_page_size ("/MediaBox [0 0 600 800] /CropBox [50 60 450 700]", 400, 640);
  assert_page_size ("/MediaBox [0 0 600 800] /CropBox [-50 60 450 900]", 450, 740);
  assert_page_size ("/MediaBox [0 0 300 400] /UserUnit 2", 600, 800);
}

static void
test_page_range (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("minimal-two-pages.pdf");
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (inkan_pdf_get_n_pages (pdf), ==, 2);
  g_assert_false (inkan_pdf_get_page_size (pdf, 3, NULL, NULL, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE);
  g_clear_error (&error);
  g_assert_false (inkan_pdf_get_page_size (pdf, 0, NULL, NULL, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE);
}

static void
test_visible_to_user (void)
{
  static const struct
  {
    const char *entries;
    InkanRect visible, user;
  } cases[] = {
    { "/MediaBox [0 0 600 800]", { 10, 20, 30, 40 }, { 10, 20, 30, 40 } },
    { "/MediaBox [0 0 600 800] /CropBox [100 50 500 750]", { 10, 20, 30, 40 }, { 110, 70, 30, 40 } },
    /* Rotated 90° clockwise: the visible x axis runs up user space, visible y runs leftwards. */
    { "/MediaBox [0 0 600 800] /Rotate 90", { 10, 20, 30, 40 }, { 540, 10, 40, 30 } },
    { "/MediaBox [0 0 600 800] /Rotate 180", { 10, 20, 30, 40 }, { 560, 740, 30, 40 } },
    { "/MediaBox [0 0 600 800] /Rotate 270", { 10, 20, 30, 40 }, { 20, 760, 40, 30 } },
    { "/MediaBox [0 0 300 400] /UserUnit 2", { 10, 20, 30, 40 }, { 5, 10, 15, 20 } },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = inkan_test_write_pdf ("place.pdf", cases[i].entries, FALSE);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, &error);
      InkanRect user;

      g_assert_no_error (error);
      g_assert_true (_inkan_pdf_visible_to_user (pdf, 1, &cases[i].visible, &user, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (user.x, cases[i].user.x, 1e-6);
      g_assert_cmpfloat_with_epsilon (user.y, cases[i].user.y, 1e-6);
      g_assert_cmpfloat_with_epsilon (user.width, cases[i].user.width, 1e-6);
      g_assert_cmpfloat_with_epsilon (user.height, cases[i].user.height, 1e-6);
    }
}

static void
test_placement_outside (void)
{
  g_autofree char *path = inkan_test_write_pdf ("outside.pdf", "/MediaBox [0 0 600 800]", FALSE);
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (path, NULL);
  static const InkanRect bad[] = {
    { -1, 0, 10, 10 }, { 0, -1, 10, 10 }, { 595, 0, 10, 10 }, { 0, 795, 10, 10 },
    { 0, 0, 0, 10 }, { 0, 0, 10, -5 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      InkanRect user;

      g_assert_false (_inkan_pdf_visible_to_user (pdf, 1, &bad[i], &user, NULL, &error));
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PLACEMENT);
    }
}

/* Writes original + increment with the /Contents hex left as zeros. */
static char *
apply_increment (const char *input, const char *name, const InkanPdfSigParams *params,
                 InkanPdfIncrement **out_inc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (input, &error);
  g_autoptr (InkanPdfIncrement) inc = NULL;
  g_autofree char *original = NULL;
  g_autofree char *path = inkan_test_tmp_path (name);
  g_autoptr (GString) all = NULL;
  gsize len;

  g_assert_no_error (error);
  inc = _inkan_pdf_prepare_signature (pdf, params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (inc);
  g_assert_true (g_file_get_contents (input, &original, &len, NULL));
  all = g_string_new_len (original, (gssize) len);
  g_string_append_len (all, g_bytes_get_data (inc->bytes, NULL),
                       (gssize) g_bytes_get_size (inc->bytes));
  g_assert_true (g_file_set_contents (path, all->str, (gssize) all->len, NULL));
  if (out_inc != NULL)
    *out_inc = g_steal_pointer (&inc);
  return g_steal_pointer (&path);
}

static void
assert_increment_sound (const char *input, const char *output, const InkanPdfIncrement *inc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) before = inkan_pdf_open (input, &error);
  g_autoptr (InkanPdf) after = NULL;
  g_autofree char *a = NULL, *b = NULL;
  gsize alen, blen;
  guint64 r[4];
  const char *br;

  g_assert_no_error (error);
  /* The result reads strictly again, with an xref section of the same kind. */
  after = inkan_pdf_open (output, &error);
  g_assert_no_error (error);
  g_assert_cmpint (inkan_pdf_has_xref_stream (after), ==, inkan_pdf_has_xref_stream (before));
  g_assert_cmpuint (inkan_pdf_get_n_pages (after), ==, inkan_pdf_get_n_pages (before));

  /* The original's bytes are a prefix of the output. */
  g_assert_true (g_file_get_contents (input, &a, &alen, NULL));
  g_assert_true (g_file_get_contents (output, &b, &blen, NULL));
  g_assert_cmpuint (blen, >, alen);
  g_assert_cmpmem (a, alen, b, alen);

  /* /ByteRange covers everything but the /Contents string. */
  br = g_strstr_len (b + alen, (gssize) (blen - alen), "/ByteRange [");
  g_assert_nonnull (br);
  g_assert_cmpint (sscanf (br, "/ByteRange [%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                                " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "]",
                           &r[0], &r[1], &r[2], &r[3]),
                   ==, 4);
  g_assert_cmpuint (r[0], ==, 0);
  g_assert_cmpuint (r[1], ==, alen + inc->gap_start);
  g_assert_cmpuint (r[2], ==, alen + inc->gap_end);
  g_assert_cmpuint (r[2] + r[3], ==, blen);
  g_assert_cmpint (b[r[1]], ==, '<');
  g_assert_cmpint (b[r[2] - 1], ==, '>');

  inkan_test_judge_qpdf_against (input, output);
}

static void
test_increment_invisible (void)
{
  static const char * const inputs[] = { "minimal.pdf", "minimal-xref.pdf", "minimal-hybrid-xref.pdf",
                                          "safedocs/CompactedPDFSyntaxTest.pdf", NULL };
  guint i;

  for (i = 0; inputs[i] != NULL; i++)
    {
      g_autofree char *input = inkan_test_corpus_pdf (inputs[i]);
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      InkanPdfSigParams params = { .time = now, .contents_size = 4096 };
      g_autoptr (InkanPdfIncrement) inc = NULL;
      g_autofree char *output = NULL;

      g_test_message ("%s", inputs[i]);
      output = apply_increment (input, "invisible.pdf", &params, &inc);
      g_assert_cmpstr (inc->field_name, ==, "Signature1");
      assert_increment_sound (input, output, inc);
    }
}

static void
test_increment_generated (void)
{
  gboolean stream;

  for (stream = FALSE; stream <= TRUE; stream++)
    {
      g_autofree char *input = inkan_test_write_pdf ("gen.pdf", "/Rotate 90", stream);
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      InkanPdfSigParams params = { .time = now, .contents_size = 100, .reason = "Approved (final)",
                                   .location = "北京" };
      g_autoptr (InkanPdfIncrement) inc = NULL;
      g_autofree char *output = apply_increment (input, "gen-signed.pdf", &params, &inc);
      g_autofree char *contents = NULL;
      gsize len;

      assert_increment_sound (input, output, inc);
      g_assert_true (g_file_get_contents (output, &contents, &len, NULL));
      /* Non-ASCII text is UTF-16BE with a byte order mark; ASCII is escaped. */
      g_assert_true (contains (contents, len, "/Location <FEFF53174EAC>"));
      g_assert_true (contains (contents, len, "/Reason (Approved \\(final\\))"));
      g_assert_true (contains (contents, len, "/SubFilter /ETSI.CAdES.detached"));
      g_assert_true (contains (contents, len, "/SigFlags 3"));
    }
}

static void
test_field_existing (void)
{
  g_autofree char *input = inkan_test_corpus_pdf ("minimal-two-fields.pdf");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  InkanPdfSigParams params = { .time = now, .contents_size = 512, .field = "Sig2" };
  g_autoptr (InkanPdfIncrement) inc = NULL;
  g_autofree char *output = apply_increment (input, "field.pdf", &params, &inc);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpstr (inc->field_name, ==, "Sig2");
  assert_increment_sound (input, output, inc);
  /* The existing field gets the value; no new field is made. */
  g_assert_true (g_file_get_contents (output, &contents, &len, NULL));
  g_assert_true (contains (contents + len - g_bytes_get_size (inc->bytes),
                           g_bytes_get_size (inc->bytes), "/T (Sig2)"));
  g_assert_false (contains (contents, len, "Signature1"));
}

static void
test_field_refused (void)
{
  static const struct
  {
    const char *file, *field;
  } cases[] = {
    { "minimal-with-simple-form.pdf", "TextField1" },  /* not a signature field */
    { "minimal-signed-twice-both-created.pdf", "Signature2" }, /* already signed */
    { "certified-with-indirect-refs-in-dir.pdf", "New" }, /* DocMDP P=1 */
    { "minimal.pdf", "a.b" },                            /* not a partial name */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = inkan_test_corpus_pdf (cases[i].file);
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanPdf) pdf = inkan_pdf_open (input, &error);
      InkanPdfSigParams params = { .time = now, .contents_size = 512, .field = cases[i].field };
      g_autoptr (InkanPdfIncrement) inc = NULL;

      g_assert_no_error (error);
      inc = _inkan_pdf_prepare_signature (pdf, &params, &error);
      g_test_message ("%s: %s", cases[i].file, error != NULL ? error->message : "accepted");
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD);
      g_assert_null (inc);
    }
}

static void
test_form_tree_loop (void)
{
  g_autofree char *input = inkan_test_corpus_pdf ("form-tree-circular-ref-input.pdf");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanPdf) pdf = inkan_pdf_open (input, &error);
  InkanPdfSigParams params = { .time = now, .contents_size = 512 };
  g_autoptr (InkanPdfIncrement) inc = NULL;

  g_assert_no_error (error);
  inc = _inkan_pdf_prepare_signature (pdf, &params, &error);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
  g_assert_null (inc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/pdf/open/ordinary", test_open_ordinary);
  g_test_add_func ("/inkan/pdf/open/damaged", test_open_damaged);
  g_test_add_func ("/inkan/pdf/open/encrypted", test_open_encrypted);
  g_test_add_func ("/inkan/pdf/open/missing", test_open_missing);
  g_test_add_func ("/inkan/pdf/open/xref-kind", test_open_xref_kind);
  g_test_add_func ("/inkan/pdf/open/many-objects", test_open_many_objects);
  g_test_add_func ("/inkan/pdf/open/page-tree", test_open_page_tree);
  g_test_add_func ("/inkan/pdf/open/length-before-stream", test_open_length_before_stream);
  g_test_add_func ("/inkan/pdf/open/xref-stream-beyond-end", test_open_xref_stream_beyond_end);
  g_test_add_func ("/inkan/pdf/page/size", test_page_size);
  g_test_add_func ("/inkan/pdf/page/range", test_page_range);
  g_test_add_func ("/inkan/pdf/place/visible-to-user", test_visible_to_user);
  g_test_add_func ("/inkan/pdf/place/outside", test_placement_outside);
  g_test_add_func ("/inkan/pdf/increment/invisible", test_increment_invisible);
  g_test_add_func ("/inkan/pdf/increment/generated", test_increment_generated);
  g_test_add_func ("/inkan/pdf/field/existing", test_field_existing);
  g_test_add_func ("/inkan/pdf/field/refused", test_field_refused);
  g_test_add_func ("/inkan/pdf/field/tree-loop", test_form_tree_loop);

  return g_test_run ();
}
