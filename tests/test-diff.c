/* Modification analysis: corpus verdicts, and updates the test appends to a file Inkan signed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-diff.h"
#include "inkan-pdf.h"
#include "inkan-test-incr.h"
#include "inkan-test-util.h"

#include <string.h>

static InkanDiff *
diff_last (const char *path, GError **error)
{
  g_autoptr (InkanRevisions) revisions = inkan_revisions_open (path, error);

  if (revisions == NULL)
    return NULL;
  g_assert_cmpuint (inkan_revisions_get_n (revisions), >=, 2);
  return inkan_diff_revision (revisions, inkan_revisions_get_n (revisions) - 1, error);
}

static InkanModificationLevel
level_of (InkanRevisions *revisions, guint rev)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanDiff) diff = inkan_diff_revision (revisions, rev, &error);

  g_assert_no_error (error);
  g_assert_nonnull (diff);
  /* Every level above NONE is explained by at least one finding, each one a full sentence. */
  if (diff->level > INKAN_MODIFICATION_NONE)
    g_assert_cmpuint (diff->findings->len, >, 0);
  for (guint i = 0; i < diff->findings->len; i++)
    {
      InkanFinding *f = diff->findings->pdata[i];

      g_test_message ("rev %u: %s: %s", rev, f->code, f->message);
      g_assert_true (g_str_has_suffix (f->message, "."));
    }
  return diff->level;
}

static gboolean
has_code (InkanDiff *diff, const char *code)
{
  for (guint i = 0; i < diff->findings->len; i++)
    if (strcmp (((InkanFinding *) diff->findings->pdata[i])->code, code) == 0)
      return TRUE;
  return FALSE;
}

static InkanRevisions *
open_corpus (const char *name)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_autoptr (GError) error = NULL;
  InkanRevisions *revisions = inkan_revisions_open (path, &error);

  g_assert_no_error (error);
  return revisions;
}

static InkanModificationLevel
corpus_last_level (const char *name)
{
  g_autoptr (InkanRevisions) revisions = open_corpus (name);

  return level_of (revisions, inkan_revisions_get_n (revisions) - 1);
}

static void
test_level_names (void)
{
  g_assert_cmpstr (inkan_modification_level_to_string (INKAN_MODIFICATION_NONE), ==, "NONE");
  g_assert_cmpstr (inkan_modification_level_to_string (INKAN_MODIFICATION_LTA_UPDATES), ==,
                   "LTA_UPDATES");
  g_assert_cmpstr (inkan_modification_level_to_string (INKAN_MODIFICATION_FORM_FILLING), ==,
                   "FORM_FILLING");
  g_assert_cmpstr (inkan_modification_level_to_string (INKAN_MODIFICATION_ANNOTATIONS), ==,
                   "ANNOTATIONS");
  g_assert_cmpstr (inkan_modification_level_to_string (INKAN_MODIFICATION_OTHER), ==, "OTHER");
}

static void
test_corpus_sneaky (void)
{
  static const char * const sneaky[] = {
    "form-update-ap-indirect-sneaky-trailer.pdf",
    "form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf",
    "form-update-override-appearance-stream-ap-indirect-sneaky.pdf",
    "form-update-override-appearance-stream-sneaky.pdf",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sneaky); i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (sneaky[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanDiff) diff = diff_last (path, &error);

      g_assert_no_error (error);
      g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
      g_assert_true (has_code (diff, "OBJECT_REUSED"));
    }
}

static void
test_corpus_form_filling (void)
{
  static const char * const legit[] = {
    "form-update-no-override-appearance-stream-ap-indirect.pdf",
    "form-update-override-appearance-stream-ap-indirect.pdf",
    "form-update-override-appearance-stream.pdf",
    "form-update-original-ap-type-wrong.pdf",
  };

  for (guint i = 0; i < G_N_ELEMENTS (legit); i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (legit[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanDiff) diff = diff_last (path, &error);

      g_assert_no_error (error);
      g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_FORM_FILLING);
      g_assert_true (has_code (diff, "SIGNATURE_ADDED"));
    }
}

static void
test_corpus_lta (void)
{
  g_autoptr (InkanRevisions) one = open_corpus ("pades-lta-dss-indirect-arrs-test.pdf");
  g_autoptr (InkanRevisions) two = open_corpus ("pades-lta-dss-indirect-arrs-test-2.pdf");

  /* Revision 2 holds the signature; then a document timestamp with DSS, then more DSS. */
  g_assert_cmpint (level_of (one, 2), ==, INKAN_MODIFICATION_FORM_FILLING);
  g_assert_cmpint (level_of (one, 3), ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_cmpint (level_of (one, 4), ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_cmpint (level_of (two, 3), ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_cmpint (level_of (two, 4), ==, INKAN_MODIFICATION_LTA_UPDATES);
  g_assert_cmpint (level_of (two, 5), ==, INKAN_MODIFICATION_FORM_FILLING);
  g_assert_cmpint (level_of (two, 6), ==, INKAN_MODIFICATION_LTA_UPDATES);
}

static void
test_corpus_signed_twice (void)
{
  static const char * const twice[] = {
    "minimal-signed-twice-both-created.pdf",
    "minimal-signed-twice-no-sig-type.pdf",
    "minimal-signed-twice-second-created.pdf",
    "minimal-two-fields-signed-twice.pdf",
  };

  for (guint i = 0; i < G_N_ELEMENTS (twice); i++)
    {
      InkanModificationLevel level = corpus_last_level (twice[i]);

      g_assert_cmpint (level, >, INKAN_MODIFICATION_NONE);
      g_assert_cmpint (level, <, INKAN_MODIFICATION_OTHER);
    }
  /* The signature /Info update of tail-uncovered.pdf and its siblings changes nothing shown. */
  g_assert_cmpint (corpus_last_level ("coverage-anomalies/base.pdf"), ==,
                   INKAN_MODIFICATION_NONE);
}

/* A linearized file's two first sections make one revision, readable as a document: the
 * signature's update after it is judged like any other. */
static void
test_corpus_linearized (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-signed-twice-both-created.pdf");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanDiff) diff = NULL;

  g_assert_cmpuint (inkan_revisions_get_n (revisions), ==, 2);
  diff = inkan_diff_revision (revisions, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (diff);
  g_assert_cmpint (diff->level, >, INKAN_MODIFICATION_NONE);
  g_assert_cmpint (diff->level, <, INKAN_MODIFICATION_OTHER);
}

/* ---- updates appended to a file inkan-cli signed ---------------------------------------- */

typedef struct
{
  char *signed_pdf;
  int page_id;
  int contents_id;
  int sig_id;               /* the signature dictionary */
  guint64 page_offset_before; /* where the page was before the signature redefined it */
} Signed;

static int
run_sign (const char *input, const char *output, const char *key, gboolean visible)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  /* Without the image, the arguments end early: an invisible signature. */
  const char *argv[] = { "setsid", "-w", g_getenv ("INKAN_CLI"), "sign", input, "-o", output,
                         "--key", key, "--pin-file", pki->pin_file,
                         visible ? "--image" : NULL, pki->seal_png, "--page", "1", "--rect",
                         "380,60,150,150", NULL };
  g_autofree char *err = NULL;
  int status;

  g_assert_nonnull (argv[2]);
  status = inkan_test_run (argv, NULL, &err);
  if (status != 0)
    g_test_message ("inkan-cli: %s", err);
  return status;
}

static Signed *
signed_file (void)
{
  static Signed s;
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = NULL;
  g_autoptr (InkanRevisions) revisions = NULL;
  g_autoptr (GError) error = NULL;
  qpdf_data q;
  qpdf_oh page, fields, field;
  const InkanXrefEntry *e;
  guint n, i;

  if (s.signed_pdf != NULL)
    return &s;
  input = inkan_test_make_pdf ("one-page");
  s.signed_pdf = inkan_test_tmp_path ("diff-signed.pdf");
  g_assert_cmpint (run_sign (input, s.signed_pdf, pki->clerk_key_url, TRUE), ==, 0);

  revisions = inkan_revisions_open (s.signed_pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_revisions_get_n (revisions), ==, 2);
  q = inkan_revisions_get_qpdf (revisions, 1, &error);
  g_assert_no_error (error);
  page = qpdf_get_page_n (q, 0);
  s.page_id = qpdf_oh_get_object_id (q, page);
  s.contents_id = qpdf_oh_get_object_id (q, qpdf_oh_get_key (q, page, "/Contents"));
  fields = qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_root (q), "/AcroForm"), "/Fields");
  field = qpdf_oh_get_array_item (q, fields, qpdf_oh_get_array_n_items (q, fields) - 1);
  s.sig_id = qpdf_oh_get_object_id (q, qpdf_oh_get_key (q, field, "/V"));
  g_assert_cmpint (s.page_id, >, 0);
  g_assert_cmpint (s.contents_id, >, 0);
  g_assert_cmpint (s.sig_id, >, 0);
  e = inkan_revisions_get_entries (revisions, 0, &n);
  for (i = 0; i < n; i++)
    if (e[i].id == s.page_id)
      s.page_offset_before = e[i].offset;
  g_assert_cmpuint (s.page_offset_before, >, 0);
  return &s;
}

static InkanDiff *
diff_update (const char *path)
{
  g_autoptr (GError) error = NULL;
  InkanDiff *diff = diff_last (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (diff);
  for (guint i = 0; i < diff->findings->len; i++)
    g_test_message ("%s: %s", ((InkanFinding *) diff->findings->pdata[i])->code,
                    ((InkanFinding *) diff->findings->pdata[i])->message);
  return diff;
}

static void
test_inkan_signature (void)
{
  Signed *s = signed_file ();
  g_autoptr (InkanDiff) diff = diff_update (s->signed_pdf);

  /* A visible signature is an annotation as well as a signature. */
  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_ANNOTATIONS);
  g_assert_true (has_code (diff, "SIGNATURE_ADDED"));
}

static void
test_unchanged (void)
{
  Signed *s = signed_file ();
  g_autofree char *page = inkan_test_incr_dict_with (s->signed_pdf, s->page_id, "/Dummy", NULL);
  g_autofree char *same = inkan_test_incr_redefine (s->signed_pdf, "diff-same.pdf", s->page_id,
                                                    page);
  g_autoptr (InkanDiff) diff = diff_update (same);

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_NONE);
  g_assert_cmpuint (diff->findings->len, ==, 0);
}

static void
test_page_content_replaced (void)
{
  Signed *s = signed_file ();
  const char *content = "BT /F1 24 Tf 72 700 Td (Pay 1,000,000) Tj ET";
  g_autofree char *text = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream",
                                           strlen (content) + 1, content);
  g_autofree char *path = NULL;
  g_autoptr (InkanDiff) diff = NULL;

  path = inkan_test_incr_redefine (s->signed_pdf, "diff-content.pdf", s->contents_id, text);
  diff = diff_update (path);
  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (diff, "PAGE_CONTENT_CHANGED"));
}

static void
test_sig_dict_changed (void)
{
  Signed *s = signed_file ();
  g_autofree char *sig = inkan_test_incr_dict_with (s->signed_pdf, s->sig_id, "/Reason",
                                                    "(Rejected)");
  g_autofree char *path = inkan_test_incr_redefine (s->signed_pdf, "diff-reason.pdf", s->sig_id,
                                                    sig);
  g_autoptr (InkanDiff) diff = diff_update (path);

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (diff, "SIGNED_FIELD_CHANGED"));
}

/* The walk of a later revision takes a signature dictionary it has met before as it was
 * written, /Contents aside, only while the revision still defines it through the same entry: a
 * dictionary written anew, here with a reference to a new object, is walked anew, and that
 * object changed afterwards is a change to the signature. */
static void
test_sig_dict_redefined_walked_anew (void)
{
  Signed *s = signed_file ();
  int note = inkan_test_incr_next_id (s->signed_pdf);
  g_autofree char *ref = g_strdup_printf ("%d 0 R", note);
  g_autofree char *sig = inkan_test_incr_dict_with (s->signed_pdf, s->sig_id, "/Extra", ref);
  const InkanTestIncrEntry both[] = {
    { s->sig_id, sig, FALSE, 0 },
    { note, "<< /Note (first) >>", FALSE, 0 },
  };
  g_autofree char *second = inkan_test_incr_append (s->signed_pdf, "diff-sig-extra.pdf", both, 2);
  g_autofree char *third =
    inkan_test_incr_redefine (second, "diff-sig-extra-note.pdf", note, "<< /Note (second) >>");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanRevisions) revisions = inkan_revisions_open (third, &error);
  g_autoptr (InkanDiffer) differ = NULL;
  g_autoptr (InkanDiff) redefined = NULL;
  g_autoptr (InkanDiff) note_changed = NULL;
  guint n;

  g_assert_no_error (error);
  n = inkan_revisions_get_n (revisions);
  differ = inkan_differ_new (revisions);
  /* The signature's revision, then the one that writes the dictionary anew, then the last. */
  redefined = inkan_differ_diff (differ, n - 2, &error);
  g_assert_no_error (error);
  g_assert_true (has_code (redefined, "SIGNED_FIELD_CHANGED"));
  note_changed = inkan_differ_diff (differ, n - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (note_changed->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (note_changed, "SIGNED_FIELD_CHANGED"));
}

static void
test_freetext_added (void)
{
  Signed *s = signed_file ();
  int id = inkan_test_incr_next_id (s->signed_pdf);
  g_autofree char *annot = g_strdup_printf ("<< /Type /Annot /Subtype /FreeText /Rect [ 72 600 "
                                            "300 640 ] /Contents (Approved for payment) /DA "
                                            "(/Helv 12 Tf 0 g) /P %d 0 R >>",
                                            s->page_id);
  g_autofree char *page = NULL;
  g_autofree char *annots = NULL;
  g_autofree char *path = NULL;
  g_autoptr (InkanDiff) diff = NULL;
  char *old_annots;

  /* The page's /Annots with the new annotation at the end. */
  page = inkan_test_incr_dict_with (s->signed_pdf, s->page_id, "/Dummy", NULL);
  old_annots = strstr (page, "/Annots [");
  g_assert_nonnull (old_annots);
  annots = g_strndup (old_annots + 8, (gsize) (strchr (old_annots, ']') - old_annots - 8));
  g_free (page);
  {
    g_autofree char *value = g_strdup_printf ("%s %d 0 R ]", annots, id);
    InkanTestIncrEntry entries[2] = { { 0 } };

    page = inkan_test_incr_dict_with (s->signed_pdf, s->page_id, "/Annots", value);
    entries[0] = (InkanTestIncrEntry) { s->page_id, page, FALSE, 0 };
    entries[1] = (InkanTestIncrEntry) { id, annot, FALSE, 0 };
    path = inkan_test_incr_append (s->signed_pdf, "diff-freetext.pdf", entries, 2);
  }
  diff = diff_update (path);
  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_ANNOTATIONS);
  g_assert_true (has_code (diff, "ANNOTATION_ADDED"));
  g_assert_nonnull (strstr (((InkanFinding *) diff->findings->pdata[0])->message, "FreeText"));
}

static void
test_object_freed (void)
{
  Signed *s = signed_file ();
  g_autofree char *path = inkan_test_incr_free (s->signed_pdf, "diff-freed.pdf", s->contents_id);
  g_autoptr (InkanDiff) diff = diff_update (path);

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (diff, "OBJECT_FREED"));
}

/* The page as it was before the signature added its widget: the bytes are still there. */
static void
test_repointed (void)
{
  Signed *s = signed_file ();
  g_autofree char *path = inkan_test_incr_repoint (s->signed_pdf, "diff-repointed.pdf",
                                                   s->page_id, s->page_offset_before);
  g_autoptr (InkanDiff) diff = diff_update (path);

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (diff, "XREF_REPOINTED"));
}

static void
test_second_signature (void)
{
  Signed *s = signed_file ();
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *twice = inkan_test_tmp_path ("diff-twice.pdf");
  g_autofree char *invisible = inkan_test_tmp_path ("diff-twice-invisible.pdf");
  g_autoptr (InkanDiff) diff = NULL;
  g_autoptr (InkanDiff) diff2 = NULL;

  g_assert_cmpint (run_sign (s->signed_pdf, twice, pki->second_key_url, TRUE), ==, 0);
  diff = diff_update (twice);
  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_ANNOTATIONS);
  g_assert_true (has_code (diff, "SIGNATURE_ADDED"));

  g_assert_cmpint (run_sign (s->signed_pdf, invisible, pki->manager_key_url, FALSE), ==, 0);
  diff2 = diff_update (invisible);
  g_assert_cmpint (diff2->level, ==, INKAN_MODIFICATION_FORM_FILLING);
  g_assert_true (has_code (diff2, "SIGNATURE_ADDED"));
}

/* An update that lands a broken object is damage, not a verdict. */
static void
test_damaged_update (void)
{
  Signed *s = signed_file ();
  g_autofree char *path =
    inkan_test_incr_redefine (s->signed_pdf, "diff-broken.pdf", s->contents_id,
                              "<< /Length 999 >>\nstream\nx\nendstream");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanDiff) diff = diff_last (path, &error);

  g_assert_null (diff);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
}

/* ---- the walk drops what it has read from its reading ------------------------------------- */

/* Writes objects 1 … n (1 the catalog) as a PDF with an xref table; returns its path. */
static char *
write_objects (const char *name, const char * const *objects, guint n)
{
  g_autoptr (GString) pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autofree guint64 *offsets = g_new (guint64, n);
  g_autoptr (GError) error = NULL;
  char *path = inkan_test_tmp_path (name);
  gsize xref;
  guint i;

  for (i = 0; i < n; i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f\r\n", n + 1);
  for (i = 0; i < n; i++)
    g_string_append_printf (pdf, "%010" G_GUINT64_FORMAT " 00000 n\r\n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          n + 1, xref);
  g_file_set_contents (path, pdf->str, (gssize) pdf->len, &error);
  g_assert_no_error (error);
  return path;
}

/* Two pages sharing a font; page 1 also has a FreeText note whose appearance uses the font, and
 * its resources hold a second font with a key that refers to page 2 (`font_to_page`). */
static char *
two_pages (const char *name, gboolean font_to_page)
{
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [ 3 0 R 4 0 R ] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 612 792 ] /Contents 5 0 R /Resources << "
    "/Font << /F1 7 0 R /F2 10 0 R >> >> /Annots [ 8 0 R ] >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 612 792 ] /Contents 6 0 R /Resources << "
    "/Font << /F1 7 0 R >> >> >>",
    "<< /Length 32 >>\nstream\nBT /F1 12 Tf 72 700 Td (1) Tj ET\nendstream",
    "<< /Length 32 >>\nstream\nBT /F1 12 Tf 72 700 Td (2) Tj ET\nendstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Type /Annot /Subtype /FreeText /Rect [ 72 600 300 640 ] /Contents (Note) /DA "
    "(/F1 12 Tf 0 g) /AP << /N 9 0 R >> /P 3 0 R >>",
    "<< /Type /XObject /Subtype /Form /BBox [ 0 0 228 40 ] /Resources << /Font << /F1 7 0 R >> "
    ">> /Length 30 >>\nstream\nBT /F1 12 Tf 2 20 Td (N) Tj ET\nendstream",
    font_to_page ? "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Dummy 4 0 R >>"
                 : "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
  };

  return write_objects (name, objects, G_N_ELEMENTS (objects));
}

/* The font is read, and dropped from the walk's reading, with page 1's resources; the note's
 * appearance comes to it later, and the font must still gain that second role. */
static void
test_dropped_object_second_role (void)
{
  g_autofree char *base = two_pages ("drop-role.pdf", FALSE);
  g_autofree char *path =
    inkan_test_incr_redefine (base, "drop-role-font.pdf", 7,
                              "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>");
  g_autoptr (InkanDiff) diff = diff_update (path);

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (diff, "OBJECT_REUSED"));
  g_assert_false (has_code (diff, "PAGE_CONTENT_CHANGED"));
}

/* Reading page 1's resources reaches page 2 before the page tree does: the walk must still
 * place page 2 as a page (it walks again without dropping), not as something page 1 draws. */
static void
test_dropped_page_placed (void)
{
  g_autofree char *base = two_pages ("drop-page.pdf", TRUE);
  g_autofree char *page = inkan_test_incr_dict_with (base, 4, "/Rotate", "90");
  g_autofree char *path = inkan_test_incr_redefine (base, "drop-page-rotated.pdf", 4, page);
  g_autoptr (InkanDiff) diff = diff_update (path);
  const InkanFinding *f;

  g_assert_cmpint (diff->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_cmpuint (diff->findings->len, ==, 1);
  f = diff->findings->pdata[0];
  g_assert_cmpstr (f->code, ==, "PAGE_CONTENT_CHANGED");
  g_assert_true (g_str_has_prefix (f->message, "Page 2's content was changed"));
}

/* The walk reads a container's references from qpdf's text of it: one nested in an array in a
 * dictionary in the page's resources is followed, while "6 0 R" inside a string (after an
 * escaped parenthesis) and a name holding a parenthesis are passed over, as is a key whose
 * object is missing. */
static void
test_references_in_text (void)
{
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 612 792 ] /Contents 4 0 R /Resources << "
    "/Font << /F1 5 0 R >> /Properties << /P0 [ (a\\) 6 0 R \\\\) <28> /N#28x 12.5 true "
    "[ << /Deep 7 0 R /Gone 99 0 R >> ] ] >> >> >>",
    "<< /Length 32 >>\nstream\nBT /F1 12 Tf 72 700 Td (1) Tj ET\nendstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Note (mentioned in a string only) >>",
    "<< /Note (reached through the page's resources) >>",
  };
  g_autofree char *base = write_objects ("text-refs.pdf", objects, G_N_ELEMENTS (objects));
  g_autofree char *string_only =
    inkan_test_incr_redefine (base, "text-refs-6.pdf", 6, "<< /Note (changed) >>");
  g_autofree char *nested =
    inkan_test_incr_redefine (base, "text-refs-7.pdf", 7, "<< /Note (changed) >>");
  g_autoptr (InkanDiff) unused = diff_update (string_only);
  g_autoptr (InkanDiff) drawn = diff_update (nested);

  g_assert_cmpint (unused->level, ==, INKAN_MODIFICATION_NONE);
  g_assert_cmpuint (unused->findings->len, ==, 0);
  g_assert_cmpint (drawn->level, ==, INKAN_MODIFICATION_OTHER);
  g_assert_true (has_code (drawn, "PAGE_CONTENT_CHANGED"));
}

static void
assert_same_diff (const InkanDiff *a, const GError *ea, const InkanDiff *b, const GError *eb)
{
  guint i;

  g_assert_true ((a == NULL) == (b == NULL));
  if (a == NULL)
    {
      g_assert_nonnull (ea);
      g_assert_nonnull (eb);
      g_assert_cmpstr (ea->message, ==, eb->message);
      return;
    }
  g_assert_cmpint (a->level, ==, b->level);
  g_assert_cmpuint (a->findings->len, ==, b->findings->len);
  for (i = 0; i < a->findings->len; i++)
    {
      const InkanFinding *fa = a->findings->pdata[i], *fb = b->findings->pdata[i];

      g_assert_cmpstr (fa->code, ==, fb->code);
      g_assert_cmpstr (fa->message, ==, fb->message);
    }
}

/* The differ walks each revision's graph once and reuses it for the next comparison: the
 * results are those of comparing each revision on its own, in increasing order (the reuse) and
 * in decreasing order (no reuse), for every file of the corpus with updates. So are they with the
 * graphs built ahead on a thread: in increasing order, in decreasing order (graphs taken out of
 * order, or built again), with the building narrowed to later revisions while under way (those
 * before built when asked), and when the differ is freed while the thread is still at work. */
static void
test_differ_same_results (void)
{
  g_autofree char *dir = inkan_test_corpus_pdf ("");
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint files = 0, compared = 0, reused = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (InkanRevisions) revisions = NULL;
      g_autoptr (InkanDiffer) up = NULL;
      g_autoptr (InkanDiffer) down = NULL;
      g_autoptr (InkanDiffer) ahead_up = NULL;
      g_autoptr (InkanDiffer) ahead_down = NULL;
      g_autoptr (InkanDiffer) abandoned = NULL;
      g_autoptr (InkanDiffer) narrowed = NULL;
      guint n, rev;

      if (!g_str_has_suffix (name, ".pdf"))
        continue;
      revisions = inkan_revisions_open (path, NULL);
      if (revisions == NULL || inkan_revisions_get_n (revisions) < 2)
        continue;
      n = inkan_revisions_get_n (revisions);
      files++;
      up = inkan_differ_new (revisions);
      ahead_up = inkan_differ_new (revisions);
      inkan_differ_build_ahead (ahead_up, 0);
      narrowed = inkan_differ_new (revisions);
      inkan_differ_build_ahead (narrowed, 0);
      inkan_differ_build_ahead (narrowed, n / 2);
      for (rev = 1; rev < n; rev++)
        {
          g_autoptr (GError) e1 = NULL;
          g_autoptr (GError) e2 = NULL;
          g_autoptr (GError) e3 = NULL;
          g_autoptr (InkanDiff) one = inkan_diff_revision (revisions, rev, &e1);
          g_autoptr (InkanDiff) row = inkan_differ_diff (up, rev, &e2);
          g_autoptr (GError) e4 = NULL;
          g_autoptr (InkanDiff) built_ahead = inkan_differ_diff (ahead_up, rev, &e3);
          g_autoptr (InkanDiff) after_narrowing = inkan_differ_diff (narrowed, rev, &e4);

          assert_same_diff (one, e1, row, e2);
          assert_same_diff (one, e1, built_ahead, e3);
          assert_same_diff (one, e1, after_narrowing, e4);
          compared++;
          if (rev >= 2 && row != NULL)
            reused++;
        }
      down = inkan_differ_new (revisions);
      ahead_down = inkan_differ_new (revisions);
      inkan_differ_build_ahead (ahead_down, 1);
      for (rev = n - 1; rev >= 1; rev--)
        {
          g_autoptr (GError) e1 = NULL;
          g_autoptr (GError) e2 = NULL;
          g_autoptr (GError) e3 = NULL;
          g_autoptr (InkanDiff) one = inkan_diff_revision (revisions, rev, &e1);
          g_autoptr (InkanDiff) row = inkan_differ_diff (down, rev, &e2);
          g_autoptr (InkanDiff) built_ahead = inkan_differ_diff (ahead_down, rev, &e3);

          assert_same_diff (one, e1, row, e2);
          assert_same_diff (one, e1, built_ahead, e3);
        }
      abandoned = inkan_differ_new (revisions);
      inkan_differ_build_ahead (abandoned, 0);
    }
  g_test_message ("%u files, %u comparisons, %u with a reused graph", files, compared, reused);
  g_assert_cmpuint (files, >=, 10);
  g_assert_cmpuint (reused, >=, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inkan/diff/level-names", test_level_names);
  g_test_add_func ("/inkan/diff/differ/same-results", test_differ_same_results);
  g_test_add_func ("/inkan/diff/corpus/sneaky", test_corpus_sneaky);
  g_test_add_func ("/inkan/diff/corpus/form-filling", test_corpus_form_filling);
  g_test_add_func ("/inkan/diff/corpus/lta", test_corpus_lta);
  g_test_add_func ("/inkan/diff/corpus/signed-twice", test_corpus_signed_twice);
  g_test_add_func ("/inkan/diff/corpus/linearized", test_corpus_linearized);
  g_test_add_func ("/inkan/diff/inkan/signature", test_inkan_signature);
  g_test_add_func ("/inkan/diff/inkan/unchanged", test_unchanged);
  g_test_add_func ("/inkan/diff/inkan/page-content-replaced", test_page_content_replaced);
  g_test_add_func ("/inkan/diff/inkan/sig-dict-changed", test_sig_dict_changed);
  g_test_add_func ("/inkan/diff/inkan/sig-dict-redefined-walked-anew",
                   test_sig_dict_redefined_walked_anew);
  g_test_add_func ("/inkan/diff/inkan/freetext-added", test_freetext_added);
  g_test_add_func ("/inkan/diff/inkan/object-freed", test_object_freed);
  g_test_add_func ("/inkan/diff/inkan/repointed", test_repointed);
  g_test_add_func ("/inkan/diff/inkan/second-signature", test_second_signature);
  g_test_add_func ("/inkan/diff/inkan/damaged-update", test_damaged_update);
  g_test_add_func ("/inkan/diff/walk/dropped-object-second-role", test_dropped_object_second_role);
  g_test_add_func ("/inkan/diff/walk/dropped-page-placed", test_dropped_page_placed);
  g_test_add_func ("/inkan/diff/walk/references-in-text", test_references_in_text);
  return g_test_run ();
}
