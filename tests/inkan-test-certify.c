/* Test-side PDF signing with openssl and qpdf only (no Inkan code), and incremental updates. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-certify.h"
#include "inkan-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- the openssl PKI ---- */

static void
run_ok (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = inkan_test_run (argv, &out, &err);

  if (status != 0)
    g_test_message ("%s failed (%d):\n%s\n%s", argv[0], status, out, err);
  g_assert_cmpint (status, ==, 0);
}

static InkanTestOpensslPki *
openssl_pki_make (void)
{
  InkanTestOpensslPki *pki = g_new0 (InkanTestOpensslPki, 1);
  g_autofree char *csr = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *nssdir = NULL;
  g_autoptr (GError) error = NULL;

  pki->dir = inkan_test_tmp_path ("openssl-pki");
  g_assert_cmpint (g_mkdir_with_parents (pki->dir, 0700), ==, 0);
  pki->root_pem = g_build_filename (pki->dir, "root.pem", NULL);
  pki->root_key = g_build_filename (pki->dir, "root-key.pem", NULL);
  pki->signer_pem = g_build_filename (pki->dir, "signer.pem", NULL);
  pki->signer_key = g_build_filename (pki->dir, "signer-key.pem", NULL);
  csr = g_build_filename (pki->dir, "signer.csr", NULL);
  ext = g_build_filename (pki->dir, "signer.ext", NULL);
  p12 = g_build_filename (pki->dir, "signer.p12", NULL);
  nssdir = g_build_filename (pki->dir, "nssdb", NULL);
  pki->nssdb = g_strconcat ("sql:", nssdir, NULL);

  {
    const char *argv[] = { "openssl",
                           "req",
                           "-x509",
                           "-newkey",
                           "rsa:2048",
                           "-nodes",
                           "-keyout",
                           pki->root_key,
                           "-out",
                           pki->root_pem,
                           "-days",
                           "3650",
                           "-sha256",
                           "-subj",
                           "/C=CN/O=Inkan Test/CN=Inkan OpenSSL Test Root",
                           "-addext",
                           "basicConstraints=critical,CA:TRUE",
                           "-addext",
                           "keyUsage=critical,keyCertSign,cRLSign",
                           NULL };
    run_ok (argv);
  }
  {
    const char *argv[]
        = { "openssl",  "req",    "-new",    "-newkey",
            "rsa:2048", "-nodes", "-keyout", pki->signer_key,
            "-out",     csr,      "-subj",   "/C=CN/O=Inkan Test/CN=OpenSSL Test Signer",
            NULL };
    run_ok (argv);
  }
  g_file_set_contents (ext,
                       "basicConstraints=critical,CA:FALSE\n"
                       "keyUsage=critical,digitalSignature,nonRepudiation\n"
                       "subjectKeyIdentifier=hash\n"
                       "authorityKeyIdentifier=keyid\n",
                       -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "openssl", "x509",        "-req",          "-in",         csr,
                           "-CA",     pki->root_pem, "-CAkey",        pki->root_key, "-set_serial",
                           "4242",    "-days",       "730",           "-sha256",     "-extfile",
                           ext,       "-out",        pki->signer_pem, NULL };
    run_ok (argv);
  }
  {
    const char *argv[]
        = { "openssl", "pkcs12", "-export",  "-inkey", pki->signer_key, "-in", pki->signer_pem,
            "-name",   "signer", "-passout", "pass:",  "-out",          p12,   NULL };
    run_ok (argv);
  }
  g_assert_cmpint (g_mkdir_with_parents (nssdir, 0700), ==, 0);
  {
    const char *argv[] = { "certutil", "-N", "-d", pki->nssdb, "--empty-password", NULL };
    run_ok (argv);
  }
  {
    const char *argv[]
        = { "certutil", "-A",     "-d", pki->nssdb,    "-n", "Inkan OpenSSL Test Root",
            "-t",       "CT,C,C", "-i", pki->root_pem, NULL };
    run_ok (argv);
  }
  {
    const char *argv[] = { "pk12util", "-i", p12, "-d", pki->nssdb, "-W", "", "-K", "", NULL };
    run_ok (argv);
  }
  return pki;
}

InkanTestOpensslPki *
inkan_test_openssl_pki_get (void)
{
  static gsize once = 0;
  static InkanTestOpensslPki *pki;

  if (g_once_init_enter (&once))
    {
      pki = openssl_pki_make ();
      g_once_init_leave (&once, 1);
    }
  return pki;
}

/* ---- incremental updates ---- */

typedef struct
{
  int id;
  int gen;
  gboolean is_free;
  gsize offset;
} Entry;

struct _InkanTestUpdate
{
  GByteArray *data;
  qpdf_data q;
  int next_id;
  GArray *entries;
  gsize prev_xref;
  char *trailer_keys;
  gboolean finished;
};

static gsize
find_last (const guint8 *data, gsize len, const char *needle)
{
  gsize n = strlen (needle), i;

  for (i = len >= n ? len - n + 1 : 0; i > 0; i--)
    if (memcmp (data + i - 1, needle, n) == 0)
      return i - 1;
  return G_MAXSIZE;
}

InkanTestUpdate *
inkan_test_update_new (const char *path)
{
  g_autoptr (GError) error = NULL;
  InkanTestUpdate *u = g_new0 (InkanTestUpdate, 1);
  g_autoptr (GString) keys = g_string_new (NULL);
  static const char *const copied[] = { "/Root", "/Info", "/ID" };
  char *contents = NULL;
  gsize len = 0, pos;
  qpdf_oh trailer;
  guint i;

  g_assert_nonnull (path);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  u->data = g_byte_array_new_take ((guint8 *)contents, len);
  u->entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  u->q = qpdf_init ();
  qpdf_silence_errors (u->q);
  qpdf_set_suppress_warnings (u->q, QPDF_TRUE);
  qpdf_read (u->q, path, NULL);
  if (qpdf_has_error (u->q))
    g_test_message ("qpdf cannot read %s: %s", path,
                    qpdf_get_error_full_text (u->q, qpdf_get_error (u->q)));
  g_assert_false (qpdf_has_error (u->q));

  trailer = qpdf_get_trailer (u->q);
  u->next_id = qpdf_oh_get_int_value_as_int (u->q, qpdf_oh_get_key (u->q, trailer, "/Size"));
  g_assert_cmpint (u->next_id, >, 0);
  for (i = 0; i < G_N_ELEMENTS (copied); i++)
    if (qpdf_oh_has_key (u->q, trailer, copied[i]))
      g_string_append_printf (keys, " %s %s", copied[i],
                              qpdf_oh_unparse (u->q, qpdf_oh_get_key (u->q, trailer, copied[i])));
  u->trailer_keys = g_string_free (g_steal_pointer (&keys), FALSE);

  pos = find_last (u->data->data, u->data->len, "startxref");
  g_assert_cmpuint (pos, !=, G_MAXSIZE);
  pos += 9;
  while (pos < u->data->len && g_ascii_isspace (u->data->data[pos]))
    pos++;
  g_assert_true (pos < u->data->len && g_ascii_isdigit (u->data->data[pos]));
  for (; pos < u->data->len && g_ascii_isdigit (u->data->data[pos]); pos++)
    u->prev_xref = u->prev_xref * 10 + (u->data->data[pos] - '0');

  /* An update starts on a line of its own. */
  if (u->data->len > 0 && u->data->data[u->data->len - 1] != '\n'
      && u->data->data[u->data->len - 1] != '\r')
    g_byte_array_append (u->data, (const guint8 *)"\n", 1);
  return u;
}

void
inkan_test_update_free (InkanTestUpdate *u)
{
  if (u == NULL)
    return;
  qpdf_cleanup (&u->q);
  g_byte_array_unref (u->data);
  g_array_unref (u->entries);
  g_free (u->trailer_keys);
  g_free (u);
}

qpdf_data
inkan_test_update_get_qpdf (InkanTestUpdate *u)
{
  return u->q;
}

GByteArray *
inkan_test_update_get_data (InkanTestUpdate *u)
{
  return u->data;
}

int
inkan_test_update_new_id (InkanTestUpdate *u)
{
  return u->next_id++;
}

int
inkan_test_update_page_id (InkanTestUpdate *u, guint page)
{
  qpdf_oh oh;
  int id;

  g_assert_cmpuint (page, >=, 1);
  g_assert_cmpint ((int)page, <=, qpdf_get_num_pages (u->q));
  oh = qpdf_get_page_n (u->q, page - 1);
  id = qpdf_oh_get_object_id (u->q, oh);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
set_entry (InkanTestUpdate *u, int id, int gen, gboolean is_free, gsize offset)
{
  Entry e = { id, gen, is_free, offset };
  guint i;

  g_assert_false (u->finished);
  if (id >= u->next_id)
    u->next_id = id + 1;
  for (i = 0; i < u->entries->len; i++)
    if (g_array_index (u->entries, Entry, i).id == id)
      {
        g_array_index (u->entries, Entry, i) = e;
        return;
      }
  g_array_append_val (u->entries, e);
}

static void
append_text (InkanTestUpdate *u, const char *text)
{
  g_byte_array_append (u->data, (const guint8 *)text, strlen (text));
}

void
inkan_test_update_add_object (InkanTestUpdate *u, int id, int gen, const char *text)
{
  g_autofree char *obj = g_strdup_printf ("%d %d obj\n%s\nendobj\n", id, gen, text);

  set_entry (u, id, gen, FALSE, u->data->len);
  append_text (u, obj);
}

void
inkan_test_update_add_stream (InkanTestUpdate *u, int id, int gen, const char *dict_entries,
                              const char *data, gsize len)
{
  g_autofree char *head
      = g_strdup_printf ("%d %d obj\n<< %s /Length %" G_GSIZE_FORMAT " >>\nstream\n", id, gen,
                         dict_entries != NULL ? dict_entries : "", len);

  set_entry (u, id, gen, FALSE, u->data->len);
  append_text (u, head);
  g_byte_array_append (u->data, (const guint8 *)data, len);
  append_text (u, "\nendstream\nendobj\n");
}

void
inkan_test_update_free_object (InkanTestUpdate *u, int id, int next_gen)
{
  set_entry (u, id, next_gen, TRUE, 0);
}

void
inkan_test_update_point (InkanTestUpdate *u, int id, int gen, gsize offset)
{
  set_entry (u, id, gen, FALSE, offset);
}

static char *
dict_text_oh (qpdf_data q, qpdf_oh oh, const char *const *drop, const char *extra)
{
  g_autoptr (GString) text = g_string_new ("<<");
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  guint i;

  if (qpdf_oh_is_stream (q, oh))
    oh = qpdf_oh_get_dict (q, oh);
  if (qpdf_oh_is_dictionary (q, oh))
    {
      /* The key iterator is per qpdf handle: collect the keys before unparsing anything. */
      qpdf_oh_begin_dict_key_iter (q, oh);
      while (qpdf_oh_dict_more_keys (q))
        g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (q)));
    }
  for (i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];

      if (drop != NULL && g_strv_contains (drop, key))
        continue;
      g_string_append_printf (text, " %s %s", key,
                              qpdf_oh_unparse (q, qpdf_oh_get_key (q, oh, key)));
    }
  if (extra != NULL)
    g_string_append_printf (text, " %s", extra);
  g_string_append (text, " >>");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
inkan_test_update_dict_text (InkanTestUpdate *u, int id, const char *const *drop, const char *extra)
{
  qpdf_oh oh = qpdf_get_object_by_id (u->q, id, 0);

  g_assert_true (qpdf_oh_is_dictionary (u->q, oh) || qpdf_oh_is_stream (u->q, oh));
  return dict_text_oh (u->q, oh, drop, extra);
}

/* "[a b c new]": the items of an array (or nothing) and one more reference. */
static char *
array_with (qpdf_data q, qpdf_oh array, int id)
{
  g_autoptr (GString) text = g_string_new ("[");
  int i, n = qpdf_oh_is_array (q, array) ? qpdf_oh_get_array_n_items (q, array) : 0;

  for (i = 0; i < n; i++)
    g_string_append_printf (text, "%s ", qpdf_oh_unparse (q, qpdf_oh_get_array_item (q, array, i)));
  g_string_append_printf (text, "%d 0 R]", id);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
inkan_test_update_add_annot (InkanTestUpdate *u, guint page, int annot_id)
{
  static const char *const drop[] = { "/Annots", NULL };
  int page_id = inkan_test_update_page_id (u, page);
  qpdf_oh page_oh = qpdf_get_object_by_id (u->q, page_id, 0);
  qpdf_oh annots = qpdf_oh_get_key (u->q, page_oh, "/Annots");
  g_autofree char *items = array_with (u->q, annots, annot_id);

  if (qpdf_oh_is_indirect (u->q, annots) && qpdf_oh_is_array (u->q, annots))
    inkan_test_update_add_object (u, qpdf_oh_get_object_id (u->q, annots),
                                  qpdf_oh_get_generation (u->q, annots), items);
  else
    {
      g_autofree char *extra = g_strdup_printf ("/Annots %s", items);
      g_autofree char *text = inkan_test_update_dict_text (u, page_id, drop, extra);

      inkan_test_update_add_object (u, page_id, 0, text);
    }
}

static gint
entry_compare (gconstpointer a, gconstpointer b)
{
  return ((const Entry *)a)->id - ((const Entry *)b)->id;
}

void
inkan_test_update_finish (InkanTestUpdate *u, gboolean with_xref)
{
  g_autoptr (GString) xref = g_string_new ("xref\n");
  gsize xref_offset = u->data->len;
  guint i, j, k;

  g_assert_false (u->finished);
  u->finished = TRUE;
  if (!with_xref)
    return;

  g_array_sort (u->entries, entry_compare);
  for (i = 0; i < u->entries->len; i = j)
    {
      /* one subsection per run of consecutive object numbers */
      for (j = i + 1; j < u->entries->len
                      && g_array_index (u->entries, Entry, j).id
                             == g_array_index (u->entries, Entry, j - 1).id + 1;
           j++)
        ;
      g_string_append_printf (xref, "%d %u\n", g_array_index (u->entries, Entry, i).id, j - i);
      for (k = i; k < j; k++)
        {
          Entry *e = &g_array_index (u->entries, Entry, k);

          g_string_append_printf (xref, "%010" G_GSIZE_FORMAT " %05d %c \n",
                                  e->is_free ? 0 : e->offset, e->gen, e->is_free ? 'f' : 'n');
        }
    }
  g_string_append_printf (xref,
                          "trailer\n<< /Size %d%s /Prev %" G_GSIZE_FORMAT
                          " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          u->next_id, u->trailer_keys, u->prev_xref, xref_offset);
  append_text (u, xref->str);
}

static void
write_bytes (const char *path, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, (const char *)data, len, &error);
  g_assert_no_error (error);
}

void
inkan_test_update_write (InkanTestUpdate *u, gboolean with_xref, const char *out)
{
  inkan_test_update_finish (u, with_xref);
  write_bytes (out, u->data->data, u->data->len);
}

/* ---- the signer ---- */

/* 8 KiB of CMS: a signer certificate and signed attributes need about 2 KiB. */
#define CONTENTS_BYTES 8192
#define BYTE_RANGE_WIDTH 40

static char *
unique_path (const char *stem, const char *suffix)
{
  static gint counter = 0;
  g_autofree char *name = g_strdup_printf ("%s-%d%s", stem, g_atomic_int_add (&counter, 1), suffix);

  return inkan_test_tmp_path (name);
}

static gsize
find_from (const GByteArray *data, gsize from, const char *needle)
{
  gsize n = strlen (needle), i;

  for (i = from; i + n <= data->len; i++)
    if (memcmp (data->data + i, needle, n) == 0)
      return i;
  return G_MAXSIZE;
}

/* Rewrites the catalog's form (and /Perms for a certification) to list the new field. */
static void
add_field (InkanTestUpdate *u, int widget_id, int sig_id, guint docmdp)
{
  static const char *const form_drop[] = { "/Fields", "/SigFlags", NULL };
  static const char *const root_drop[] = { "/AcroForm", "/Perms", NULL };
  static const char *const root_drop_form[] = { "/AcroForm", NULL };
  qpdf_data q = u->q;
  qpdf_oh root = qpdf_get_root (q);
  qpdf_oh form = qpdf_oh_get_key (q, root, "/AcroForm");
  qpdf_oh fields = qpdf_oh_get_key (q, form, "/Fields");
  int root_id = qpdf_oh_get_object_id (q, root);
  g_autofree char *field_list = array_with (q, fields, widget_id);
  g_autofree char *form_extra = NULL;
  g_autofree char *root_extra = NULL;
  g_autofree char *form_text = NULL;
  gboolean form_indirect = qpdf_oh_is_indirect (q, form) && qpdf_oh_is_dictionary (q, form);

  if (qpdf_oh_is_indirect (q, fields) && qpdf_oh_is_array (q, fields))
    {
      /* An indirect /Fields array is rewritten where it is. */
      inkan_test_update_add_object (u, qpdf_oh_get_object_id (q, fields),
                                    qpdf_oh_get_generation (q, fields), field_list);
      g_free (field_list);
      field_list = g_strdup (qpdf_oh_unparse (q, fields));
    }
  form_extra = g_strdup_printf ("/Fields %s /SigFlags 3", field_list);
  form_text = dict_text_oh (q, form, form_drop, form_extra);

  if (form_indirect)
    inkan_test_update_add_object (u, qpdf_oh_get_object_id (q, form),
                                  qpdf_oh_get_generation (q, form), form_text);
  if (!form_indirect || docmdp > 0)
    {
      g_autofree char *text = NULL;

      root_extra
          = g_strdup_printf ("/AcroForm %s", form_indirect ? qpdf_oh_unparse (q, form) : form_text);
      if (docmdp > 0)
        {
          char *with_perms = g_strdup_printf ("%s /Perms << /DocMDP %d 0 R >>", root_extra, sig_id);

          g_free (root_extra);
          root_extra = with_perms;
        }
      text = dict_text_oh (q, root, docmdp > 0 ? root_drop : root_drop_form, root_extra);
      inkan_test_update_add_object (u, root_id, qpdf_oh_get_generation (q, root), text);
    }
}

void
inkan_test_certify (const char *in, const char *out, const InkanTestCertifyOptions *options)
{
  static gint field_counter = 0;
  InkanTestOpensslPki *pki = inkan_test_openssl_pki_get ();
  InkanTestCertifyOptions defaults = { 0 };
  g_autoptr (InkanTestUpdate) u = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GString) zeros = g_string_sized_new (2 * CONTENTS_BYTES);
  g_autoptr (GError) error = NULL;
  g_autofree char *mdate = g_date_time_format (now, "D:%Y%m%d%H%M%SZ");
  g_autofree char *field = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *sig_text = NULL;
  g_autofree char *widget_text = NULL;
  g_autofree char *ap_entry = NULL;
  g_autofree char *byte_range = NULL;
  g_autofree char *data_path = unique_path ("certify", ".bin");
  g_autofree char *der_path = unique_path ("certify", ".der");
  g_autofree guint8 *der = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *subfilter;
  GByteArray *data;
  int sig_id, widget_id, ap_id = 0;
  guint page;
  gsize sig_offset, br_pos, contents_pos, contents_end, der_len = 0, i;

  if (options == NULL)
    options = &defaults;
  g_assert_cmpuint (options->docmdp, <=, 3);
  subfilter = options->subfilter != NULL ? options->subfilter : "ETSI.CAdES.detached";
  page = options->page != 0 ? options->page : 1;
  field = options->field != NULL
              ? g_strdup (options->field)
              : g_strdup_printf ("OpensslSignature%d", g_atomic_int_add (&field_counter, 1));

  u = inkan_test_update_new (in);
  sig_id = inkan_test_update_new_id (u);
  widget_id = inkan_test_update_new_id (u);
  if (options->visible)
    ap_id = inkan_test_update_new_id (u);

  for (i = 0; i < 2 * CONTENTS_BYTES; i++)
    g_string_append_c (zeros, '0');
  if (options->docmdp > 0)
    reference = g_strdup_printf ("/Reference [<< /Type /SigRef /TransformMethod /DocMDP "
                                 "/TransformParams << /Type /TransformParams /P %u /V /1.2 >> >>]",
                                 options->docmdp);
  sig_text = g_strdup_printf ("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /%s /M (%s) "
                              "/Reason (Signed by the test suite with openssl) %s\n"
                              "/ByteRange %-*s\n/Contents <%s> >>",
                              subfilter, mdate, reference != NULL ? reference : "",
                              BYTE_RANGE_WIDTH, "[0 0 0 0]", zeros->str);
  sig_offset = u->data->len;
  inkan_test_update_add_object (u, sig_id, 0, sig_text);

  ap_entry = options->visible ? g_strdup_printf (" /AP << /N %d 0 R >>", ap_id) : g_strdup ("");
  widget_text = g_strdup_printf (
      "<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /V %d 0 R /F 132 /P %d 0 R "
      "/Rect [%s]%s >>",
      field, sig_id, inkan_test_update_page_id (u, page),
      options->visible ? "40 40 190 90" : "0 0 0 0", ap_entry);
  inkan_test_update_add_object (u, widget_id, 0, widget_text);
  if (options->visible)
    {
      static const char appearance[]
          = "q 0.8 0.1 0.1 RG 2 w 1 1 148 48 re S Q\n"
            "BT 0.8 0.1 0.1 rg /F1 10 Tf 8 20 Td (Signed with openssl) Tj ET";

      inkan_test_update_add_stream (
          u, ap_id, 0,
          "/Type /XObject /Subtype /Form /BBox [0 0 150 50] /Resources << /Font << /F1 << "
          "/Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>",
          appearance, strlen (appearance));
    }
  inkan_test_update_add_annot (u, page, widget_id);
  add_field (u, widget_id, sig_id, options->docmdp);
  inkan_test_update_finish (u, TRUE);
  data = u->data;

  /* The ranges: everything but the /Contents hex string, delimiters included in the gap. */
  br_pos = find_from (data, sig_offset, "/ByteRange ");
  contents_pos = find_from (data, sig_offset, "/Contents <");
  g_assert_cmpuint (br_pos, !=, G_MAXSIZE);
  g_assert_cmpuint (contents_pos, !=, G_MAXSIZE);
  br_pos += strlen ("/ByteRange ");
  contents_pos += strlen ("/Contents ");
  contents_end = contents_pos + 2 * CONTENTS_BYTES + 2;
  g_assert_cmpint (data->data[contents_end - 1], ==, '>');
  byte_range = g_strdup_printf ("[0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                                contents_pos, contents_end, data->len - contents_end);
  g_assert_cmpuint (strlen (byte_range), <=, BYTE_RANGE_WIDTH);
  memset (data->data + br_pos, ' ', BYTE_RANGE_WIDTH);
  memcpy (data->data + br_pos, byte_range, strlen (byte_range));

  {
    FILE *f = g_fopen (data_path, "wb");

    g_assert_nonnull (f);
    g_assert_cmpuint (fwrite (data->data, 1, contents_pos, f), ==, contents_pos);
    g_assert_cmpuint (fwrite (data->data + contents_end, 1, data->len - contents_end, f), ==,
                      data->len - contents_end);
    g_assert_cmpint (fclose (f), ==, 0);
  }

  g_ptr_array_add (argv, (gpointer) "openssl");
  g_ptr_array_add (argv, (gpointer) "cms");
  g_ptr_array_add (argv, (gpointer) "-sign");
  g_ptr_array_add (argv, (gpointer) "-binary");
  g_ptr_array_add (argv, (gpointer) "-outform");
  g_ptr_array_add (argv, (gpointer) "DER");
  g_ptr_array_add (argv, (gpointer) "-nosmimecap");
  g_ptr_array_add (argv, (gpointer) "-md");
  g_ptr_array_add (argv, (gpointer) "sha256");
  if (options->no_attrs)
    g_ptr_array_add (argv, (gpointer) "-noattr");
  if (options->cades)
    g_ptr_array_add (argv, (gpointer) "-cades");
  g_ptr_array_add (argv, (gpointer) "-signer");
  g_ptr_array_add (argv,
                   (gpointer)(options->cert_pem != NULL ? options->cert_pem : pki->signer_pem));
  g_ptr_array_add (argv, (gpointer) "-inkey");
  g_ptr_array_add (argv, (gpointer)(options->key_pem != NULL ? options->key_pem : pki->signer_key));
  g_ptr_array_add (argv, (gpointer) "-in");
  g_ptr_array_add (argv, data_path);
  g_ptr_array_add (argv, (gpointer) "-out");
  g_ptr_array_add (argv, der_path);
  g_ptr_array_add (argv, NULL);
  run_ok ((const char *const *)argv->pdata);

  g_file_get_contents (der_path, (char **)&der, &der_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (der_len, >, 0);
  g_assert_cmpuint (der_len, <=, CONTENTS_BYTES);
  for (i = 0; i < der_len; i++)
    {
      static const char hex[] = "0123456789ABCDEF";

      data->data[contents_pos + 1 + 2 * i] = hex[der[i] >> 4];
      data->data[contents_pos + 1 + 2 * i + 1] = hex[der[i] & 0xf];
    }
  g_unlink (data_path);
  g_unlink (der_path);
  write_bytes (out, data->data, data->len);
}

void
inkan_test_pdfsig_sign (const char *in, const char *out, const char *field)
{
  InkanTestOpensslPki *pki = inkan_test_openssl_pki_get ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *stdout_text = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) "pdfsig");
  g_ptr_array_add (argv, (gpointer) "-nssdir");
  g_ptr_array_add (argv, pki->nssdb);
  g_ptr_array_add (argv, (gpointer) "-add-signature");
  g_ptr_array_add (argv, (gpointer) "-nick");
  g_ptr_array_add (argv, (gpointer) "signer");
  g_ptr_array_add (argv, (gpointer) "-new-signature-field-name");
  g_ptr_array_add (argv, (gpointer)field);
  g_ptr_array_add (argv, (gpointer) "-reason");
  g_ptr_array_add (argv, (gpointer) "Signed by the test suite with pdfsig");
  g_ptr_array_add (argv, (gpointer)in);
  g_ptr_array_add (argv, (gpointer)out);
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char *const *)argv->pdata, &stdout_text, &err);
  if (status != 0)
    g_test_message ("pdfsig -add-signature failed (%d):\n%s\n%s", status, stdout_text, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
}

char *
inkan_test_pdfsig_output (const char *pdf, const char *nssdb)
{
  const char *argv[] = { "pdfsig", "-nssdir", nssdb, pdf, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = inkan_test_run (argv, &out, &err);
  g_test_message ("pdfsig said (%d):\n%s\n%s", status, out, err);
  /* 2: it ran and found no signature, which some attacks achieve */
  if (status == 2)
    g_assert_nonnull (strstr (out, "does not contain any signatures"));
  else
    g_assert_cmpint (status, ==, 0);
  return g_steal_pointer (&out);
}
