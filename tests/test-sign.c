/* End-to-end sealing with keys on a SoftHSM2 token, judged by pdfsig, qpdf and openssl. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan.h"
#include "inkan-output-private.h"
#include "inkan-test-corpus.h"
#include "inkan-test-pdfgen.h"
#include "inkan-test-util.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

static InkanSigner *
clerk (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    signer = inkan_test_open_signer (inkan_test_pki_get ()->clerk_key_url, NULL);
  return signer;
}

static InkanSigner *
second (void)
{
  static InkanSigner *signer;

  if (signer == NULL)
    signer = inkan_test_open_signer (inkan_test_pki_get ()->second_key_url, NULL);
  return signer;
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* Files whose name starts with '.' and the output's name: what a failed sign may have left. */
static guint
count_leftovers (const char *dir, const char *output_name)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, ".") || g_str_equal (name, output_name))
      n++;
  return n;
}

static void
sign_ok (InkanSignOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = file_sha256 (options->input);
  g_autofree char *after = NULL;

  g_assert_true (inkan_sign_pdf (options, &error));
  g_assert_no_error (error);
  after = file_sha256 (options->input);
  g_assert_cmpstr (before, ==, after);
}

static void
assert_prefix (const char *input, const char *output)
{
  g_autofree char *a = NULL, *b = NULL;
  gsize alen, blen;

  g_assert_true (g_file_get_contents (input, &a, &alen, NULL));
  g_assert_true (g_file_get_contents (output, &b, &blen, NULL));
  g_assert_cmpuint (blen, >, alen);
  g_assert_cmpmem (a, alen, b, alen);
}

static void
judge_all (const char *input, const char *output, guint n_signatures)
{
  guint i;

  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, n_signatures);
  inkan_test_judge_qpdf_against (input, output);
  for (i = 0; i < n_signatures; i++)
    inkan_test_judge_openssl (output, i);
}

/* Every ordinary input of the corpus, sealed visibly on its first page. */
static void
test_corpus_ordinary (void)
{
  static const char * const inputs[] = {
    "minimal.pdf", "minimal-two-pages.pdf", "minimal-xref.pdf", "minimal-hybrid-xref.pdf",
    "minimal-hybrid-xref-mswordstyle.pdf", "minimal-hybrid-xref-weirdgen.pdf",
    "uncompressed-objstream-sample.pdf", "safedocs/CompactedPDFSyntaxTest.pdf", "no-mediabox.pdf",
    "minimal-with-field.pdf", "minimal-two-fields.pdf", "minimal-with-simple-form.pdf",
    "fontembed.pdf", "empty-a4.pdf", "broken-objstream5.pdf", NULL,
  };
  InkanTestPki *pki = inkan_test_pki_get ();
  guint i;

  for (i = 0; inputs[i] != NULL; i++)
    {
      g_autofree char *input = inkan_test_corpus_pdf (inputs[i]);
      g_autofree char *name = g_strdup_printf ("ordinary-%u.pdf", i);
      g_autofree char *output = inkan_test_tmp_path (name);
      g_autoptr (InkanPdf) in = inkan_pdf_open (input, NULL);
      g_autoptr (InkanPdf) out = NULL;
      InkanSignOptions options = {
        .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
        .has_rect = TRUE, .rect = { 36, 36, 72, 72 }, .reason = "Approved", .location = "Beijing",
      };

      g_test_message ("sealing %s", inputs[i]);
      sign_ok (&options);
      assert_prefix (input, output);
      judge_all (input, output, 1);
      out = inkan_pdf_open (output, NULL);
      g_assert_nonnull (out);
      g_assert_cmpint (inkan_pdf_has_xref_stream (out), ==, inkan_pdf_has_xref_stream (in));
    }
}

static void
test_samples (void)
{
  static const struct
  {
    const char *kind;
    guint page;
    const char *field;
    gboolean rect;
  } cases[] = {
    { "one-page", 1, NULL, TRUE },
    { "many-pages", 3, NULL, TRUE },
    { "form", 0, "Signature1", FALSE },  /* the form's own empty signature field */
    { "pages:200", 150, NULL, TRUE },
  };
  InkanTestPki *pki = inkan_test_pki_get ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = inkan_test_make_pdf (cases[i].kind);
      g_autofree char *name = g_strdup_printf ("sample-%u.pdf", i);
      g_autofree char *output = inkan_test_tmp_path (name);
      InkanSignOptions options = {
        .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
        .page = cases[i].page, .has_rect = cases[i].rect, .rect = { 400, 60, 140, 140 },
        .field = cases[i].field,
      };

      g_test_message ("sealing %s", cases[i].kind);
      sign_ok (&options);
      assert_prefix (input, output);
      judge_all (input, output, 1);
    }
}

static gboolean
is_white (const guint8 *p)
{
  return p[0] > 235 && p[1] > 235 && p[2] > 235;
}

static gboolean
is_red (const guint8 *p)
{
  return p[0] > 150 && p[1] < 100 && p[2] < 100;
}

/* Renders the page at 72 dpi and checks that the seal's red lies inside the fitted square
 * centred in `area` (visible-page points) and nothing but white lies outside it. Returns the
 * square's red mask (side × side), to compare the seal's orientation between pages. */
static GByteArray *
assert_seal_drawn (const char *pdf, double page_height, const InkanRect *area, guint *mask_side)
{
  g_autofree guint8 *rgb = NULL;
  guint width, height, x, y, red_inside = 0, inside = 0, dirty_outside = 0;
  double side = MIN (area->width, area->height);
  double x0 = area->x + (area->width - side) / 2, y0 = area->y + (area->height - side) / 2;
  /* From PDF's lower-left origin to the raster's upper-left one. */
  double top = page_height - (y0 + side), left = x0;
  GByteArray *mask = g_byte_array_new ();

  rgb = inkan_test_render_page (pdf, 1, 72, &width, &height);
  g_assert_cmpfloat (fabs ((double) height - page_height), <=, 1.0);
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        const guint8 *p = rgb + 3 * ((gsize) y * width + x);
        gboolean in = x >= left + 1 && x + 1 <= left + side - 1 && y >= top + 1
                      && y + 1 <= top + side - 1;
        /* The verification code is printed in a strip under the seal, 0.16 of its side. */
        gboolean near = x + 2 >= left && x <= left + side + 2 && y + 2 >= top
                        && y <= top + side * 1.16 + 2;

        if (in)
          {
            inside++;
            red_inside += is_red (p);
          }
        else if (!near && !is_white (p))
          dirty_outside++;
      }
  *mask_side = (guint) side - 4;
  for (y = 0; y < *mask_side; y++)
    for (x = 0; x < *mask_side; x++)
      {
        guint px = (guint) (left + 2) + x, py = (guint) (top + 2) + y;
        guint8 red = px < width && py < height && is_red (rgb + 3 * ((gsize) py * width + px));
        g_byte_array_append (mask, &red, 1);
      }
  g_test_message ("%s: %u of %u pixels red inside, %u not white outside", pdf, red_inside, inside,
                  dirty_outside);
  g_assert_cmpuint (inside, >, 0);
  /* The seal's ring, star and text cover a good part of its square. */
  g_assert_cmpuint (red_inside * 10, >, inside);
  g_assert_cmpuint (dirty_outside, ==, 0);
  return mask;
}

/* The fraction of pixels whose redness differs between two masks of the same size. */
static double
mask_difference (GByteArray *a, GByteArray *b)
{
  guint i, differ = 0;

  g_assert_cmpuint (a->len, ==, b->len);
  for (i = 0; i < a->len; i++)
    differ += a->data[i] != b->data[i];
  return (double) differ / a->len;
}

static void
test_visible_pixels (void)
{
  /* `like` names the earlier case whose seal must look the same: pages shown upright whatever
   * their /Rotate, so a turned seal differs from the unrotated page's. */
  static const struct
  {
    const char *entries;
    double vheight;
    InkanRect rect;
    int like;
  } cases[] = {
    { "/MediaBox [0 0 600 800]", 800, { 50, 60, 150, 150 }, -1 },
    { "/MediaBox [0 0 600 800] /Rotate 90", 600, { 50, 60, 150, 150 }, 0 },
    { "/MediaBox [0 0 600 800] /Rotate 180", 800, { 380, 500, 150, 150 }, 0 },
    { "/MediaBox [0 0 600 800] /Rotate 270", 600, { 500, 300, 150, 150 }, 0 },
    { "/MediaBox [0 0 600 800] /CropBox [100 50 500 750]", 700, { 20, 30, 120, 120 }, -1 },
    { "/MediaBox [0 0 600 800] /CropBox [100 50 500 750] /Rotate 90", 400, { 20, 30, 120, 120 }, 4 },
    /* A wide rectangle: the seal keeps its aspect ratio and sits in the middle. */
    { "/MediaBox [0 0 600 800]", 800, { 100, 100, 300, 100 }, -1 },
  };
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GPtrArray) masks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GByteArray *turned = NULL;
  guint i, side;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("blank-%u.pdf", i);
      g_autofree char *oname = g_strdup_printf ("blank-%u-sealed.pdf", i);
      g_autofree char *input = inkan_test_write_pdf (name, cases[i].entries, i % 2 == 1);
      g_autofree char *output = inkan_test_tmp_path (oname);
      InkanSignOptions options = {
        .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
        .page = 1, .has_rect = TRUE, .rect = cases[i].rect,
      };
      GByteArray *mask;

      g_test_message ("page %s, rect %g,%g,%g,%g", cases[i].entries, cases[i].rect.x,
                      cases[i].rect.y, cases[i].rect.width, cases[i].rect.height);
      sign_ok (&options);
      judge_all (input, output, 1);
      mask = assert_seal_drawn (output, cases[i].vheight, &cases[i].rect, &side);
      g_ptr_array_add (masks, mask);
      if (cases[i].like >= 0)
        {
          double d = mask_difference (mask, masks->pdata[cases[i].like]);
          g_test_message ("differs from case %d in %.2f%% of pixels", cases[i].like, 100 * d);
          g_assert_cmpfloat (d, <, 0.02);
        }
    }

  /* The comparison can fail: the upright seal turned by 180° differs a lot from itself. */
  turned = g_byte_array_new ();
  side = (guint) sqrt (((GByteArray *) masks->pdata[0])->len);
  for (i = 0; i < side * side; i++)
    g_byte_array_append (turned, &((GByteArray *) masks->pdata[0])->data[side * side - 1 - i], 1);
  g_assert_cmpfloat (mask_difference (turned, masks->pdata[0]), >, 0.05);
  g_byte_array_unref (turned);
}

static void
test_twice (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *once = inkan_test_tmp_path ("once.pdf");
  g_autofree char *twice = inkan_test_tmp_path ("twice.pdf");
  InkanSignOptions first = {
    .input = input, .output = once, .signer = clerk (), .image = pki->seal_png,
    .has_rect = TRUE, .rect = { 380, 60, 150, 150 }, .reason = "Checked",
  };
  InkanSignOptions then = {
    .input = once, .output = twice, .signer = second (), .reason = "Approved",
  };

  sign_ok (&first);
  sign_ok (&then);
  assert_prefix (once, twice);
  judge_all (once, twice, 2);
}

static void
test_xref_stream_kept (void)
{
  g_autofree char *input = inkan_test_corpus_pdf ("minimal-xref.pdf");
  g_autofree char *output = inkan_test_tmp_path ("xref-stream.pdf");
  g_autoptr (InkanPdf) out = NULL;
  InkanSignOptions options = { .input = input, .output = output, .signer = second () };

  sign_ok (&options);
  out = inkan_pdf_open (output, NULL);
  g_assert_nonnull (out);
  g_assert_true (inkan_pdf_has_xref_stream (out));
  judge_all (input, output, 1);
}

/* The increment holds the seal image, the certificates and little else. */
static void
test_increment_size (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("size.pdf");
  g_autoptr (InkanImage) image = inkan_image_load_png (pki->seal_png, NULL);
  InkanSignOptions options = {
    .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
    .has_rect = TRUE, .rect = { 380, 60, 150, 150 },
  };
  gnutls_x509_crt_t *chain;
  guint n_chain, i;
  gsize chain_size = 0, image_size;
  GStatBuf a, b;

  g_assert_nonnull (image);
  chain = inkan_signer_get_chain (clerk (), &n_chain);
  for (i = 0; i < n_chain; i++)
    {
      gnutls_datum_t der = { NULL, 0 };
      g_assert_cmpint (gnutls_x509_crt_export2 (chain[i], GNUTLS_X509_FMT_DER, &der), ==, 0);
      chain_size += der.size;
      gnutls_free (der.data);
    }
  image_size = g_bytes_get_size (image->rgb) + (image->alpha ? g_bytes_get_size (image->alpha) : 0);
  sign_ok (&options);
  g_assert_cmpint (g_stat (input, &a), ==, 0);
  g_assert_cmpint (g_stat (output, &b), ==, 0);
  g_test_message ("increment %" G_GINT64_FORMAT " bytes: image %" G_GSIZE_FORMAT
                  ", chain %" G_GSIZE_FORMAT,
                  (gint64) (b.st_size - a.st_size), image_size, chain_size);
  g_assert_cmpint (b.st_size - a.st_size, <=, (gint64) (image_size + chain_size + 16 * 1024));
}

static void
assert_refused (InkanSignOptions *options, GQuark domain, int code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (options->output);
  g_autofree char *base = g_path_get_basename (options->output);
  g_autofree char *before = file_sha256 (options->input);
  g_autofree char *after = NULL;
  guint leftovers_before = count_leftovers (dir, base);

  g_assert_false (inkan_sign_pdf (options, &error));
  g_test_message ("%s: %s", options->input, error != NULL ? error->message : "");
  g_assert_error (error, domain, code);
  g_assert_cmpuint (strlen (error->message), >, 20);
  g_assert_false (g_file_test (options->output, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_leftovers (dir, base), ==, leftovers_before);
  after = file_sha256 (options->input);
  g_assert_cmpstr (before, ==, after);
}

static void
test_refused_inputs (void)
{
  static const struct
  {
    const char *file;
    int code;
  } cases[] = {
    { "minimal-aes256.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "minimal-rc4.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "minimal-pubkey-aes256.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "minimal-with-field-rc4.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "pubkey-ecc-test.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "malformed-encrypt-dict1.pdf", INKAN_PDF_ERROR_ENCRYPTED },
    { "minimal-badxref.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-broken-xref-size.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-startxref-hopeless.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-startxref-obo3.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-startxref-same-line.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "broken-objstream1.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "broken-objstream4.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "circular-page-tree.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "form-tree-circular-ref-input.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-with-nonexistent-refs.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "malformed-xref-space-padded.pdf", INKAN_PDF_ERROR_DAMAGED },
    { "minimal-illegal-header.pdf", INKAN_PDF_ERROR_DAMAGED },
  };
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *output = inkan_test_tmp_path ("refused.pdf");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = inkan_test_corpus_pdf (cases[i].file);
      InkanSignOptions options = {
        .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
        .has_rect = TRUE, .rect = { 10, 10, 50, 50 },
      };
      assert_refused (&options, INKAN_PDF_ERROR, cases[i].code);
    }
}

/* The sealed copy is written without a name until it is complete (O_TMPFILE), or, where the
 * file system cannot make unnamed files, under a temporary name from the start. Either way a
 * seal leaves the output alone in its directory, with the usual mode of a new file (0666 less
 * the umask), and a refused one leaves nothing. */
static void
test_output_files (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *badxref = inkan_test_corpus_pdf ("minimal-badxref.pdf");
  mode_t mask = umask (022);
  guint named;

  umask (mask);
  for (named = 0; named <= 1; named++)
    {
      g_autofree char *name = g_strdup_printf ("output-files-%u", named);
      g_autofree char *dir = inkan_test_tmp_path (name);
      g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
      g_autofree char *refused = g_build_filename (dir, "refused.pdf", NULL);
      g_autoptr (GError) error = NULL;
      InkanSignOptions options = { .input = input, .output = output, .signer = clerk () };
      InkanSignOptions bad = { .input = badxref, .output = refused, .signer = clerk () };
      GStatBuf st;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      _inkan_output_set_named (named);
      sign_ok (&options);
      g_assert_false (inkan_sign_pdf (&bad, &error));
      _inkan_output_set_named (FALSE);
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);

      g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
      g_assert_cmpint (g_stat (output, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
      inkan_test_assert_dir_holds (dir, "sealed.pdf");
    }
}

/* Every damaged, hostile and encrypted file of the corpus, by the README's own patterns. */
static void
test_refused_corpus (void)
{
  g_autofree char *dir = inkan_test_corpus_pdf ("");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *output = inkan_test_tmp_path ("refused-corpus.pdf");
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *name;
  guint n = 0, i;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *input = NULL;
      g_autoptr (GError) error = NULL;
      gboolean match = FALSE;
      InkanSignOptions options = {
        .output = output, .signer = clerk (), .image = pki->seal_png,
        .has_rect = TRUE, .rect = { 10, 10, 50, 50 },
      };

      for (i = 0; refused_patterns[i] != NULL; i++)
        match = match || g_pattern_match_simple (refused_patterns[i], name);
      if (!match || g_str_equal (name, "broken-objstream5.pdf"))
        continue;
      input = g_build_filename (dir, name, NULL);
      options.input = input;
      g_assert_false (inkan_sign_pdf (&options, &error));
      g_test_message ("%s: %s", name, error->message);
      g_assert_true (g_error_matches (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED)
                     || g_error_matches (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
      n++;
    }
  /* 21 damaged or hostile and 22 encrypted files, give or take the corpus. */
  g_assert_cmpuint (n, >=, 40);
}

static void
test_refused_options (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("refused-options.pdf");
  g_autofree char *missing_png = inkan_test_tmp_path ("no-such-seal.png");
  g_autofree char *missing_pdf = inkan_test_tmp_path ("no-such-input.pdf");
  g_autofree char *bad_dir = inkan_test_tmp_path ("no-such-dir/out.pdf");
  InkanSignOptions options = {
    .input = input, .output = output, .signer = clerk (), .image = pki->seal_png,
    .has_rect = TRUE, .rect = { 10, 10, 50, 50 },
  };
  g_autoptr (GError) error = NULL;

  options.page = 99;
  assert_refused (&options, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE);
  options.page = 1;
  options.rect = (InkanRect){ 580, 10, 50, 50 };
  assert_refused (&options, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PLACEMENT);
  options.rect = (InkanRect){ 10, 10, 50, 50 };
  options.image = missing_png;
  assert_refused (&options, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_NOT_FOUND);
  options.image = input; /* a PDF is no PNG */
  assert_refused (&options, INKAN_IMAGE_ERROR, INKAN_IMAGE_ERROR_INVALID);
  options.image = pki->seal_png;

  /* The output may not be the input. */
  options.output = input;
  {
    g_autofree char *before = file_sha256 (input);
    g_autofree char *after = NULL;
    g_assert_false (inkan_sign_pdf (&options, &error));
    g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE);
    g_clear_error (&error);
    after = file_sha256 (input);
    g_assert_cmpstr (before, ==, after);
  }

  options.output = bad_dir;
  g_assert_false (inkan_sign_pdf (&options, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE);
  g_clear_error (&error);

  options.output = output;
  options.input = missing_pdf;
  g_assert_false (inkan_sign_pdf (&options, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
}

static void
test_refused_certificates (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *keys[] = { pki->expired_key_url, pki->nousage_key_url };
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("refused-cert.pdf");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanSigner) signer = inkan_signer_open (keys[i], NULL, inkan_test_pin, pki, &error);
      InkanSignOptions options = { .input = input, .output = output };

      /* Opening may already refuse it; sealing must. */
      if (signer == NULL)
        {
          g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
          continue;
        }
      options.signer = signer;
      assert_refused (&options, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
    }
}

/* The PIN callback of a signer opened on its own thread: counts its calls and the threads. */
typedef struct
{
  const char *pin;
  guint calls;
  GThread *thread;
} LazyPin;

static char *
lazy_pin (const char *label, InkanPinFlags flags, gpointer data)
{
  LazyPin *lp = data;

  lp->calls++;
  lp->thread = g_thread_self ();
  /* The same answer again, as a PIN file gives: the token code does not send it twice. */
  return g_strdup (lp->pin);
}

/* The signer opened while the document is read: a seal as good as with a signer opened first,
 * and the PIN asked on the opening's thread. */
static void
test_lazy_signer_ok (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:200");
  g_autofree char *output = inkan_test_tmp_path ("lazy-signed.pdf");
  LazyPin lp = { pki->pin, 0, NULL };
  g_autoptr (InkanSignerOpening) opening =
    inkan_signer_opening_start (pki->second_key_url, NULL, lazy_pin, &lp);
  InkanSignOptions options = {
    .input = input, .output = output, .signer_opening = opening, .image = pki->seal_png,
    .page = 2, .has_rect = TRUE, .rect = { 300, 40, 120, 120 }, .reason = "Lazy",
  };

  sign_ok (&options);
  /* Asked at most once (not at all when an earlier test left the token logged in), and never
   * on the caller's thread. */
  g_assert_cmpuint (lp.calls, <=, 1);
  g_assert_true (lp.thread != g_thread_self ());
  assert_prefix (input, output);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);

  /* The opening's result stays with it: waiting again gives the same signer. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (InkanSigner) a = inkan_signer_opening_wait (opening, &error);
    g_autoptr (InkanSigner) b = inkan_signer_opening_wait (opening, &error);

    g_assert_no_error (error);
    g_assert_nonnull (a);
    g_assert_true (a == b);
    g_assert_cmpuint (lp.calls, <=, 1);
  }
}

/* A signer that fails to open while the document is already being copied: its own error, no
 * output, no temporary file, the input untouched; and it says so before anything about the
 * document or the output, as when the signer was opened first. In a process of its own: the
 * token must not be logged in yet for a wrong PIN to be refused. */
static void
lazy_signer_refused (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:200");
  g_autofree char *damaged_pdf = inkan_test_corpus_pdf ("minimal-badxref.pdf");
  g_autofree char *encrypted_pdf = inkan_test_corpus_pdf ("minimal-aes256.pdf");
  g_autofree char *output = inkan_test_tmp_path ("lazy-refused.pdf");
  g_autofree char *no_key = g_strdup_printf ("%s;object=nobody;type=private", pki->token_url);
  struct
  {
    const char *key;
    const char *pin;
    const char *input;
    const char *output;
    GQuark domain;
    int code;
  } cases[] = {
    { pki->clerk_key_url, "97531864", input, output, INKAN_TOKEN_ERROR,
      INKAN_TOKEN_ERROR_PIN_INCORRECT },
    { pki->clerk_key_url, "97531864", damaged_pdf, output, INKAN_TOKEN_ERROR,
      INKAN_TOKEN_ERROR_PIN_INCORRECT },
    { pki->clerk_key_url, "97531864", input, input, INKAN_TOKEN_ERROR,
      INKAN_TOKEN_ERROR_PIN_INCORRECT },
    { no_key, pki->pin, encrypted_pdf, output, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND },
    { pki->expired_key_url, pki->pin, input, output, INKAN_TOKEN_ERROR,
      INKAN_TOKEN_ERROR_CERT_UNUSABLE },
    { pki->expired_key_url, pki->pin, damaged_pdf, output, INKAN_TOKEN_ERROR,
      INKAN_TOKEN_ERROR_CERT_UNUSABLE },
    /* A usable signer leaves the word to the document and the output. */
    { pki->clerk_key_url, pki->pin, damaged_pdf, output, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED },
    { pki->clerk_key_url, pki->pin, encrypted_pdf, output, INKAN_PDF_ERROR,
      INKAN_PDF_ERROR_ENCRYPTED },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LazyPin lp = { cases[i].pin, 0, NULL };
      g_autoptr (InkanSignerOpening) opening =
        inkan_signer_opening_start (cases[i].key, NULL, lazy_pin, &lp);
      InkanSignOptions options = {
        .input = cases[i].input, .output = cases[i].output, .signer_opening = opening,
        .image = pki->seal_png, .has_rect = TRUE, .rect = { 10, 10, 50, 50 },
      };

      g_test_message ("case %u", i);
      if (cases[i].output == cases[i].input)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *before = file_sha256 (input);
          g_autofree char *after = NULL;

          g_assert_false (inkan_sign_pdf (&options, &error));
          g_assert_error (error, cases[i].domain, cases[i].code);
          after = file_sha256 (input);
          g_assert_cmpstr (before, ==, after);
        }
      else
        assert_refused (&options, cases[i].domain, cases[i].code);
      /* A refused PIN is not sent again. */
      g_assert_cmpuint (lp.calls, <=, 2);
    }
}

static void
test_lazy_signer_refused (void)
{
  if (g_test_subprocess ())
    {
      lazy_signer_refused ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/sign/corpus/ordinary", test_corpus_ordinary);
  g_test_add_func ("/inkan/sign/samples", test_samples);
  g_test_add_func ("/inkan/sign/visible/pixels", test_visible_pixels);
  g_test_add_func ("/inkan/sign/twice/rsa-then-ecdsa", test_twice);
  g_test_add_func ("/inkan/sign/increment/xref-stream-kept", test_xref_stream_kept);
  g_test_add_func ("/inkan/sign/increment/size", test_increment_size);
  g_test_add_func ("/inkan/sign/output/files", test_output_files);
  g_test_add_func ("/inkan/sign/refused/inputs", test_refused_inputs);
  g_test_add_func ("/inkan/sign/refused/corpus", test_refused_corpus);
  g_test_add_func ("/inkan/sign/refused/options", test_refused_options);
  g_test_add_func ("/inkan/sign/refused/certificates", test_refused_certificates);
  g_test_add_func ("/inkan/sign/lazy-signer/ok", test_lazy_signer_ok);
  g_test_add_func ("/inkan/sign/lazy-signer/refused", test_lazy_signer_refused);

  return g_test_run ();
}
