/* Revisions of a PDF file: sections found through startxref and /Prev, their ends and entries. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "inkan-pdf.h"
#include "inkan-revisions.h"
#include "inkan-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static InkanRevisions *
open_corpus (const char *name)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_autoptr (GError) error = NULL;
  InkanRevisions *revisions = inkan_revisions_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (revisions);
  return revisions;
}

/* Asserts the revision count and every end ("%%EOF" + 5), each followed by one "\n". */
static void
assert_ends (InkanRevisions *revisions, const gsize *ends, guint n)
{
  guint i;

  g_assert_cmpuint (inkan_revisions_get_n (revisions), ==, n);
  for (i = 0; i < n; i++)
    {
      gsize eol = 0;
      gsize end = inkan_revisions_get_end (revisions, i, &eol);
      gsize size;
      const guint8 *data = inkan_revisions_get_data (revisions, &size);

      g_assert_cmpuint (end, ==, ends[i]);
      g_assert_cmpuint (eol, ==, end + 1);
      g_assert_cmpmem (data + end - 5, 5, "%%EOF", 5);
    }
}

static void
assert_all_readable (InkanRevisions *revisions, guint from)
{
  guint i;

  for (i = from; i < inkan_revisions_get_n (revisions); i++)
    {
      g_autoptr (GError) error = NULL;
      qpdf_data q = inkan_revisions_get_qpdf (revisions, i, &error);

      g_assert_no_error (error);
      g_assert_nonnull (q);
      /* Opened once, then kept. */
      g_assert_true (inkan_revisions_get_qpdf (revisions, i, NULL) == q);
    }
}

/* Every object an OFFSET entry points to starts with "id gen obj" there. */
static void
assert_offsets_point_to_objects (InkanRevisions *revisions, guint rev)
{
  gsize size;
  const guint8 *data = inkan_revisions_get_data (revisions, &size);
  guint n, i, seen = 0;
  const InkanXrefEntry *e = inkan_revisions_get_entries (revisions, rev, &n);

  for (i = 0; i < n; i++)
    {
      g_autofree char *header = NULL;

      if (e[i].type != INKAN_XREF_OFFSET)
        continue;
      header = g_strdup_printf ("%d %d obj", e[i].id, e[i].gen);
      g_assert_cmpuint (e[i].offset + strlen (header), <=, size);
      g_assert_cmpmem (data + e[i].offset, strlen (header), header, strlen (header));
      seen++;
    }
  g_assert_cmpuint (seen, >, 0);
}

static void
test_minimal (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal.pdf");
  static const gsize ends[] = { 738 };
  const InkanXrefEntry *e;
  guint n;

  assert_ends (revisions, ends, 1);
  g_assert_cmpuint (inkan_revisions_get_trailing (revisions), ==, 0);
  e = inkan_revisions_get_entries (revisions, 0, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (e[0].id, ==, 0);
  g_assert_cmpint (e[0].type, ==, INKAN_XREF_FREE);
  g_assert_cmpint (e[0].gen, ==, 65535);
  g_assert_cmpint (e[4].id, ==, 4);
  g_assert_cmpint (e[4].type, ==, INKAN_XREF_OFFSET);
  assert_offsets_point_to_objects (revisions, 0);
  assert_all_readable (revisions, 0);
  g_assert_cmpstr (inkan_revisions_get_display (revisions), ==, "minimal.pdf");
}

static void
test_xref_stream (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-xref.pdf");
  static const gsize ends[] = { 706 };
  guint n;

  assert_ends (revisions, ends, 1);
  inkan_revisions_get_entries (revisions, 0, &n);
  g_assert_cmpuint (n, ==, 7);
  assert_offsets_point_to_objects (revisions, 0);
  assert_all_readable (revisions, 0);
}

static void
test_object_streams (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("uncompressed-objstream-sample.pdf");
  const InkanXrefEntry *e;
  guint n, i, compressed = 0;

  g_assert_cmpuint (inkan_revisions_get_n (revisions), ==, 1);
  e = inkan_revisions_get_entries (revisions, 0, &n);
  for (i = 0; i < n; i++)
    if (e[i].type == INKAN_XREF_COMPRESSED)
      {
        /* The object stream that holds it is listed by the same section. */
        guint j;
        gboolean found = FALSE;

        for (j = 0; j < n; j++)
          found |= e[j].id == (int) e[i].offset && e[j].type == INKAN_XREF_OFFSET;
        g_assert_true (found);
        compressed++;
      }
  g_assert_cmpuint (compressed, ==, 4);
  assert_all_readable (revisions, 0);
}

static void
test_hybrid (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-hybrid-xref.pdf");
  static const gsize ends[] = { 912, 1088 };
  const InkanXrefEntry *e;
  guint n;

  assert_ends (revisions, ends, 2);
  /* The update's table is empty; its /XRefStm stream (inside the first revision's bytes)
   * lists object 6, which the first table marks free. */
  e = inkan_revisions_get_entries (revisions, 0, &n);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpint (e[6].type, ==, INKAN_XREF_FREE);
  e = inkan_revisions_get_entries (revisions, 1, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (e[0].id, ==, 6);
  g_assert_cmpint (e[0].type, ==, INKAN_XREF_OFFSET);
  g_assert_cmpuint (e[0].offset, ==, 478);
  assert_all_readable (revisions, 0);
}

static void
test_signed_twice (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-signed-twice-no-sig-type.pdf");
  static const gsize ends[] = { 738, 10756, 20791 };

  assert_ends (revisions, ends, 3);
  assert_offsets_point_to_objects (revisions, 2);
  assert_all_readable (revisions, 0);
}

/* A linearized file has two sections, the first-page one first in the file but newer in the
 * /Prev chain: together they make the first revision, which ends where the main section does
 * (the first-page section's prefix is no document by itself). */
static void
test_linearized (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-signed-twice-both-created.pdf");
  static const gsize ends[] = { 83058, 107980 };
  const InkanXrefEntry *e;
  guint n, i, compressed = 0;

  assert_ends (revisions, ends, 2);
  assert_all_readable (revisions, 0);
  /* The updates are cross-reference streams with compressed objects. */
  e = inkan_revisions_get_entries (revisions, 1, &n);
  for (i = 0; i < n; i++)
    compressed += e[i].type == INKAN_XREF_COMPRESSED;
  g_assert_cmpuint (compressed, >, 0);
}

static void
test_pades_lta (void)
{
  g_autoptr (InkanRevisions) one = open_corpus ("pades-lta-dss-indirect-arrs-test.pdf");
  g_autoptr (InkanRevisions) two = open_corpus ("pades-lta-dss-indirect-arrs-test-2.pdf");
  static const gsize ends_one[] = { 738, 1392, 25852, 46211, 46883 };
  static const gsize ends_two[] = { 738, 1392, 25852, 46211, 46883, 70224, 72471 };

  assert_ends (one, ends_one, G_N_ELEMENTS (ends_one));
  assert_ends (two, ends_two, G_N_ELEMENTS (ends_two));
  assert_all_readable (one, 0);
  assert_all_readable (two, 0);
}

/* tail-uncovered.pdf: its second revision is a proper one (an /Info update); what the
 * signature leaves out is the end of the first revision, so its signed range ends at no
 * revision end. */
static void
test_tail_uncovered (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("coverage-anomalies/tail-uncovered.pdf");
  static const gsize ends[] = { 7194, 7485 };
  const gsize signed_end = 6692 + 400;
  guint i;

  assert_ends (revisions, ends, 2);
  g_assert_cmpuint (inkan_revisions_get_trailing (revisions), ==, 0);
  for (i = 0; i < 2; i++)
    {
      gsize eol, end = inkan_revisions_get_end (revisions, i, &eol);

      g_assert_cmpuint (end, !=, signed_end);
      g_assert_cmpuint (eol, !=, signed_end);
    }
  assert_all_readable (revisions, 0);
}

/* A revision with more objects than are checked in place (500) is checked in a throwaway
 * reading that drops each object once parsed (from a file, reading it by pread): a broken
 * object late in it is still found, from bytes and from a file, and a clean file still reads,
 * also with its objects in object streams. */
static void
test_many_objects (void)
{
  g_autofree char *path = inkan_test_make_pdf ("pages:700");
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanRevisions) clean = NULL;
  g_autoptr (InkanRevisions) broken = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *needle = NULL;
  guint n = 0;
  char *last;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  clean = inkan_revisions_open (path, &error);
  g_assert_no_error (error);
  inkan_revisions_get_entries (clean, 0, &n);
  g_assert_cmpuint (n, >, 2 * 1500);
  g_assert_nonnull (inkan_revisions_get_qpdf (clean, 0, &error));
  g_assert_no_error (error);
  {
    g_autofree char *packed = inkan_test_tmp_path ("many-packed.pdf");
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[] = { "qpdf", "--object-streams=generate", path, packed, NULL };
    g_autoptr (InkanRevisions) compressed = NULL;
    guint n_packed = 0, i, in_streams = 0;
    const InkanXrefEntry *entries;

    g_assert_cmpint (inkan_test_run (argv, &out, &err), ==, 0);
    compressed = inkan_revisions_open (packed, &error);
    g_assert_no_error (error);
    entries = inkan_revisions_get_entries (compressed, 0, &n_packed);
    for (i = 0; i < n_packed; i++)
      in_streams += entries[i].type == INKAN_XREF_COMPRESSED;
    g_assert_cmpuint (in_streams, >, 500);
    g_assert_nonnull (inkan_revisions_get_qpdf (compressed, 0, &error));
    g_assert_no_error (error);
  }

  /* The "obj" keyword of an object of the last batch spoiled in place (not the catalog, which
   * qpdf reads at once): offsets stay right, the object does not parse. */
  needle = g_strdup_printf ("\n%u 0 obj", n - 300);
  last = memmem (contents, length, needle, strlen (needle));
  g_assert_nonnull (last);
  memcpy (last + strlen (needle) - 3, "xyz", 3);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  broken = inkan_revisions_new_from_bytes (bytes, "broken.pdf", &error);
  g_assert_no_error (error);
  g_assert_null (inkan_revisions_get_qpdf (broken, 0, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The same from a file, which is checked by pread rather than through the mapping. */
  {
    g_autofree char *broken_path = inkan_test_tmp_path ("many-broken.pdf");
    g_autoptr (InkanRevisions) from_file = NULL;

    g_assert_true (g_file_set_contents (broken_path, g_bytes_get_data (bytes, NULL),
                                        (gssize) length, NULL));
    from_file = inkan_revisions_open (broken_path, &error);
    g_assert_no_error (error);
    g_assert_null (inkan_revisions_get_qpdf (from_file, 0, &error));
    g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
    g_test_message ("%s", error->message);
  }
}

static GBytes *
corpus_bytes (const char *name, const char *append)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  GString *s;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  s = g_string_new_len (data, (gssize) len);
  g_free (data);
  g_string_append (s, append);
  return g_string_free_to_bytes (s);
}

/* Bytes after the last "%%EOF" that no startxref finds belong to no revision. */
static void
test_trailing (void)
{
  g_autoptr (GBytes) junk = corpus_bytes ("minimal.pdf", "\n\n3 0 obj\n(x)\nendobj\n  \n");
  g_autoptr (GBytes) spaces = corpus_bytes ("minimal.pdf", "\r\n \n\n");
  /* An update whose startxref points at nothing: the reader falls back on the real one. */
  g_autoptr (GBytes) broken =
    corpus_bytes ("minimal.pdf", "3 0 obj\n(x)\nendobj\nstartxref\n99999\n%%EOF\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanRevisions) a = inkan_revisions_new_from_bytes (junk, "junk.pdf", &error);
  g_autoptr (InkanRevisions) b = NULL, c = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (inkan_revisions_get_n (a), ==, 1);
  g_assert_cmpuint (inkan_revisions_get_trailing (a), ==, strlen ("\n\n3 0 obj\n(x)\nendobj"));
  assert_all_readable (a, 0);

  b = inkan_revisions_new_from_bytes (spaces, "spaces.pdf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_revisions_get_trailing (b), ==, 0);

  c = inkan_revisions_new_from_bytes (broken, "broken.pdf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_revisions_get_n (c), ==, 1);
  g_assert_cmpuint (inkan_revisions_get_end (c, 0, NULL), ==, 738);
  g_assert_cmpuint (inkan_revisions_get_trailing (c), ==, g_bytes_get_size (broken) - 739 - 1);
}

static void
test_damaged (void)
{
  static const char * const hopeless[] = {
    "minimal-badxref.pdf", "minimal-startxref-hopeless.pdf", "minimal-startxref-hopeless2.pdf",
    "minimal-startxref-hopeless3.pdf", "minimal-startxref-obo1.pdf",
  };
  static const char * const unreadable[] = {
    "broken-objstream1.pdf", "broken-objstream4.pdf", "minimal-broken-xref-size.pdf",
    "minimal-illegal-header.pdf", "leaky-graphics-state-doc.pdf",
  };
  g_autoptr (GBytes) tiny = g_bytes_new_static ("%PDF-1.7\n%%EOF\n", 15);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (hopeless); i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (hopeless[i]);
      g_autoptr (GError) error = NULL;

      g_assert_null (inkan_revisions_open (path, &error));
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
      g_assert_nonnull (strstr (error->message, "Ask the sender"));
    }
  for (i = 0; i < G_N_ELEMENTS (unreadable); i++)
    {
      g_autoptr (InkanRevisions) revisions = open_corpus (unreadable[i]);
      g_autoptr (GError) error = NULL, again = NULL;
      guint last = inkan_revisions_get_n (revisions) - 1;

      g_assert_null (inkan_revisions_get_qpdf (revisions, last, &error));
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
      /* The failure is kept, not retried into a different answer. */
      g_assert_null (inkan_revisions_get_qpdf (revisions, last, &again));
      g_assert_cmpstr (again->message, ==, error->message);
    }

  g_assert_null (inkan_revisions_new_from_bytes (tiny, "tiny.pdf", &e1));
  g_assert_error (e1, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
  g_assert_null (inkan_revisions_new_from_bytes (empty, "empty.pdf", &e2));
  g_assert_error (e2, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
  g_assert_null (inkan_revisions_open ("/nonexistent/inkan.pdf", &e3));
  g_assert_error (e3, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND);
}

static void
test_encrypted (void)
{
  g_autoptr (InkanRevisions) revisions = open_corpus ("minimal-rc4.pdf");
  g_autoptr (GError) error = NULL;

  g_assert_null (inkan_revisions_get_qpdf (revisions, 0, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED);
}

/* Every truncation of a signed file either fails cleanly or finds fewer revisions. */
static void
test_truncated (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("minimal-signed-twice-no-sig-type.pdf");
  g_autofree char *data = NULL;
  gsize len, cut;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  for (cut = 0; cut < len; cut += 97)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (data, cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (InkanRevisions) revisions = inkan_revisions_new_from_bytes (bytes, "cut", &error);

      if (revisions == NULL)
        {
          g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
          continue;
        }
      g_assert_cmpuint (inkan_revisions_get_n (revisions), <, 3);
      g_assert_cmpuint (inkan_revisions_get_end (revisions, inkan_revisions_get_n (revisions) - 1,
                                                 NULL), <=, cut);
    }
}

static void
test_signed_by_inkan (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("revisions-signed.pdf");
  const char *argv[] = { "setsid", "-w", g_getenv ("INKAN_CLI"), "sign", input, "-o", output,
                         "--key", pki->clerk_key_url, "--pin-file", pki->pin_file, NULL };
  g_autoptr (InkanRevisions) revisions = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  GStatBuf st;
  gsize eol;

  g_assert_nonnull (argv[2]);
  g_assert_cmpint (inkan_test_run (argv, NULL, &err), ==, 0);
  g_assert_cmpint (g_stat (input, &st), ==, 0);
  revisions = inkan_revisions_open (output, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inkan_revisions_get_n (revisions), ==, 2);
  inkan_revisions_get_end (revisions, 0, &eol);
  g_assert_cmpuint (eol, ==, (gsize) st.st_size);
  g_assert_cmpuint (inkan_revisions_get_trailing (revisions), ==, 0);
  assert_offsets_point_to_objects (revisions, 1);
  assert_all_readable (revisions, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inkan/revisions/minimal", test_minimal);
  g_test_add_func ("/inkan/revisions/xref-stream", test_xref_stream);
  g_test_add_func ("/inkan/revisions/object-streams", test_object_streams);
  g_test_add_func ("/inkan/revisions/hybrid", test_hybrid);
  g_test_add_func ("/inkan/revisions/signed-twice", test_signed_twice);
  g_test_add_func ("/inkan/revisions/linearized", test_linearized);
  g_test_add_func ("/inkan/revisions/pades-lta", test_pades_lta);
  g_test_add_func ("/inkan/revisions/tail-uncovered", test_tail_uncovered);
  g_test_add_func ("/inkan/revisions/trailing", test_trailing);
  g_test_add_func ("/inkan/revisions/damaged", test_damaged);
  g_test_add_func ("/inkan/revisions/encrypted", test_encrypted);
  g_test_add_func ("/inkan/revisions/truncated", test_truncated);
  g_test_add_func ("/inkan/revisions/signed-by-inkan", test_signed_by_inkan);
  g_test_add_func ("/inkan/revisions/many-objects", test_many_objects);
  return g_test_run ();
}
