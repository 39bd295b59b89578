/* Attack and control files built from a signed PDF, for the verifier's tests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-attack.h"
#include "inkan-test-certify.h"
#include "inkan-test-util.h"

#include <string.h>

/* A red box over the page, where the signed words were. */
static const char replacing_content[]
    = "q 1 0 0 rg 40 250 520 300 re f Q\n"
      "BT 0 g /Helv 28 Tf 60 390 Td (" INKAN_TEST_ATTACK_TEXT ") Tj ET\n";

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_nonnull (path);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
write_file (const char *path, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, (const char *)data, len, &error);
  g_assert_no_error (error);
}

static gsize
find_last_before (const guint8 *data, gsize before, const char *needle)
{
  gsize n = strlen (needle), i;

  for (i = before >= n ? before - n + 1 : 0; i > 0; i--)
    if (memcmp (data + i - 1, needle, n) == 0)
      return i - 1;
  return G_MAXSIZE;
}

static gboolean
parse_uint (const guint8 *data, gsize len, gsize *pos, guint64 *value)
{
  gboolean digits = FALSE;

  *value = 0;
  while (*pos < len && g_ascii_isspace (data[*pos]))
    (*pos)++;
  while (*pos < len && g_ascii_isdigit (data[*pos]) && *value < G_MAXUINT64 / 10 - 10)
    {
      *value = *value * 10 + (data[(*pos)++] - '0');
      digits = TRUE;
    }
  return digits;
}

void
inkan_test_sig_locate (const guint8 *data, gsize len, InkanTestSigLocation *loc)
{
  gsize pos, obj, p;
  guint64 value;
  guint i;

  memset (loc, 0, sizeof *loc);
  pos = find_last_before (data, len, "/ByteRange");
  g_assert_cmpuint (pos, !=, G_MAXSIZE);
  p = pos + strlen ("/ByteRange");
  while (p < len && g_ascii_isspace (data[p]))
    p++;
  g_assert_cmpuint (p, <, len);
  g_assert_cmpint (data[p], ==, '[');
  loc->byte_range_pos = p++;
  for (i = 0; i < 4; i++)
    {
      g_assert_true (parse_uint (data, len, &p, &value));
      loc->range[i] = value;
    }
  while (p < len && g_ascii_isspace (data[p]))
    p++;
  g_assert_cmpuint (p, <, len);
  g_assert_cmpint (data[p], ==, ']');
  loc->byte_range_end = p + 1;

  loc->contents_pos = loc->range[1];
  loc->contents_end = loc->range[2];
  g_assert_cmpuint (loc->contents_end, <=, len);
  g_assert_cmpuint (loc->contents_pos + 2, <=, loc->contents_end);
  g_assert_cmpint (data[loc->contents_pos], ==, '<');
  g_assert_cmpint (data[loc->contents_end - 1], ==, '>');

  /* "N G obj" before the dictionary: walk back over the generation to the number. */
  obj = find_last_before (data, pos, " obj");
  g_assert_cmpuint (obj, !=, G_MAXSIZE);
  p = obj;
  while (p > 0 && g_ascii_isdigit (data[p - 1]))
    p--;
  g_assert_cmpuint (p, <, obj);
  while (p > 0 && data[p - 1] == ' ')
    p--;
  obj = p;
  while (p > 0 && g_ascii_isdigit (data[p - 1]))
    p--;
  g_assert_cmpuint (p, <, obj);
  g_assert_true (parse_uint (data, len, &p, &value));
  loc->id = (int)value;
  g_assert_cmpint (loc->id, >, 0);
}

static void
locate_in (GBytes *bytes, InkanTestSigLocation *loc)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  inkan_test_sig_locate (data, len, loc);
}

void
inkan_test_cli_sign (const char *in, const char *out, gboolean visible, const char *rect)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *cli = g_getenv ("INKAN_CLI");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status;

  g_assert_nonnull (cli);
  /* setsid: no controlling terminal, so a missing PIN cannot be asked for. */
  g_ptr_array_add (argv, (gpointer) "setsid");
  g_ptr_array_add (argv, (gpointer) "-w");
  g_ptr_array_add (argv, (gpointer)cli);
  g_ptr_array_add (argv, (gpointer) "sign");
  g_ptr_array_add (argv, (gpointer)in);
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, (gpointer)out);
  g_ptr_array_add (argv, (gpointer) "--key");
  g_ptr_array_add (argv, pki->clerk_key_url);
  g_ptr_array_add (argv, (gpointer) "--pin-file");
  g_ptr_array_add (argv, pki->pin_file);
  g_ptr_array_add (argv, (gpointer) "--reason");
  g_ptr_array_add (argv, (gpointer) "Approved");
  if (visible)
    {
      g_ptr_array_add (argv, (gpointer) "--image");
      g_ptr_array_add (argv, pki->seal_png);
      g_ptr_array_add (argv, (gpointer) "--page");
      g_ptr_array_add (argv, (gpointer) "1");
      g_ptr_array_add (argv, (gpointer) "--rect");
      g_ptr_array_add (argv, (gpointer)(rect != NULL ? rect : "380,60,150,150"));
    }
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char *const *)argv->pdata, NULL, &err);
  if (status != 0)
    g_test_message ("inkan-cli sign failed (%d): %s", status, err);
  g_assert_cmpint (status, ==, 0);
}

/* ---- in place ---- */

static guint8 *
copy_of (GBytes *bytes, gsize *len)
{
  const guint8 *data = g_bytes_get_data (bytes, len);

  return g_memdup2 (data, *len);
}

void
inkan_test_attack_contents_zeroed (const char *signed_pdf, const char *out)
{
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  InkanTestSigLocation loc;
  g_autofree guint8 *data = NULL;
  gsize len;

  locate_in (bytes, &loc);
  data = copy_of (bytes, &len);
  memset (data + loc.contents_pos + 1, '0', loc.contents_end - loc.contents_pos - 2);
  write_file (out, data, len);
}

void
inkan_test_attack_content_flipped (const char *signed_pdf, const char *out)
{
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  InkanTestSigLocation loc;
  g_autofree guint8 *data = NULL;
  gsize len;

  locate_in (bytes, &loc);
  data = copy_of (bytes, &len);
  /* The header's minor version digit: the file stays a valid PDF, only its digest changes. */
  g_assert_cmpuint (len, >, 8);
  g_assert_true (memcmp (data, "%PDF-1.", 7) == 0);
  g_assert_cmpuint (loc.range[1], >, 7);
  data[7] = data[7] == '7' ? '6' : '7';
  write_file (out, data, len);
}

void
inkan_test_attack_byte_range_in_place (const char *signed_pdf, const char *value, const char *out)
{
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  InkanTestSigLocation loc;
  g_autofree guint8 *data = NULL;
  gsize len, width;

  g_assert_nonnull (value);
  locate_in (bytes, &loc);
  data = copy_of (bytes, &len);
  width = loc.byte_range_end - loc.byte_range_pos;
  g_assert_cmpuint (strlen (value), <=, width);
  memset (data + loc.byte_range_pos, ' ', width);
  memcpy (data + loc.byte_range_pos, value, strlen (value));
  write_file (out, data, len);
}

void
inkan_test_attack_gap_stuffed (const char *signed_pdf, const char *out)
{
  static const char stuffing[] = " /InkanStuffed (tokens hidden in the signature gap)";
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  InkanTestSigLocation loc;
  g_autofree guint8 *data = NULL;
  gsize len, hex_end, p;

  locate_in (bytes, &loc);
  data = copy_of (bytes, &len);

  /* The CMS ends where the zero padding starts (hex pairs): keep it, end the string there. */
  hex_end = loc.contents_end - 1;
  while (hex_end > loc.contents_pos + 2 && data[hex_end - 1] == '0' && data[hex_end - 2] == '0')
    hex_end -= 2;
  /* keep one zero pair in case the CMS itself ends in 00 (BER end-of-contents) */
  hex_end += 4;
  p = hex_end;
  g_assert_cmpuint (p + 1 + strlen (stuffing), <, loc.contents_end);
  data[p++] = '>';
  memcpy (data + p, stuffing, strlen (stuffing));
  p += strlen (stuffing);
  /* The rest of the gap, up to and including the old '>', becomes white space. */
  memset (data + p, ' ', loc.contents_end - p);
  write_file (out, data, len);
}

/* ---- appended updates ---- */

static int
page_content_id (InkanTestUpdate *u)
{
  qpdf_data q = inkan_test_update_get_qpdf (u);
  qpdf_oh page = qpdf_get_object_by_id (q, inkan_test_update_page_id (u, 1), 0);
  qpdf_oh contents = qpdf_oh_get_key (q, page, "/Contents");
  int id;

  if (qpdf_oh_is_array (q, contents))
    contents = qpdf_oh_get_array_item (q, contents, 0);
  id = qpdf_oh_get_object_id (q, contents);
  g_assert_cmpint (id, >, 0);
  g_assert_true (qpdf_oh_is_stream (q, contents));
  return id;
}

static void
redefine_sig_dict (const char *signed_pdf, const char *const *drop, const char *extra,
                   const char *out)
{
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);
  g_autofree char *text = NULL;
  InkanTestSigLocation loc;

  locate_in (bytes, &loc);
  text = inkan_test_update_dict_text (u, loc.id, drop, extra);
  inkan_test_update_add_object (u, loc.id, 0, text);
  inkan_test_update_write (u, TRUE, out);
}

void
inkan_test_attack_byte_range_update (const char *signed_pdf, const char *value, const char *out)
{
  static const char *const drop[] = { "/ByteRange", NULL };
  g_autofree char *extra = g_strdup_printf ("/ByteRange %s", value);

  redefine_sig_dict (signed_pdf, drop, extra, out);
}

void
inkan_test_attack_contents_missing (const char *signed_pdf, const char *out)
{
  static const char *const drop[] = { "/Contents", NULL };

  redefine_sig_dict (signed_pdf, drop, NULL, out);
}

void
inkan_test_attack_sig_dict_changed (const char *signed_pdf, const char *out)
{
  static const char *const drop[] = { "/Reason", "/M", NULL };

  redefine_sig_dict (signed_pdf, drop, "/Reason (Rejected: do not pay) /M (D:20000101000000Z)",
                     out);
}

void
inkan_test_attack_page_replaced (const char *signed_pdf, gboolean with_xref, const char *out)
{
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);
  int id = page_content_id (u);

  inkan_test_update_add_stream (u, id, 0, NULL, replacing_content, strlen (replacing_content));
  inkan_test_update_write (u, with_xref, out);
}

void
inkan_test_attack_object_freed (const char *signed_pdf, const char *out)
{
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);

  inkan_test_update_free_object (u, page_content_id (u), 1);
  inkan_test_update_write (u, TRUE, out);
}

void
inkan_test_attack_freetext (const char *signed_pdf, const char *out)
{
  static const char appearance[]
      = "q 1 0 0 rg BT /Helv 14 Tf 4 8 Td (" INKAN_TEST_ATTACK_TEXT ") Tj ET Q";
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);
  int annot = inkan_test_update_new_id (u);
  int ap = inkan_test_update_new_id (u);
  g_autofree char *text = g_strdup_printf (
      "<< /Type /Annot /Subtype /FreeText /Rect [72 700 372 730] /F 4 /P %d 0 R "
      "/Contents (" INKAN_TEST_ATTACK_TEXT ") /DA (/Helv 14 Tf 1 0 0 rg) /AP << /N %d 0 R >> >>",
      inkan_test_update_page_id (u, 1), ap);

  inkan_test_update_add_object (u, annot, 0, text);
  inkan_test_update_add_stream (
      u, ap, 0,
      "/Type /XObject /Subtype /Form /BBox [0 0 300 30] /Resources << /Font << /Helv << /Type "
      "/Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>",
      appearance, strlen (appearance));
  inkan_test_update_add_annot (u, 1, annot);
  inkan_test_update_write (u, TRUE, out);
}

void
inkan_test_control_form_filled (const char *signed_pdf, const char *field, const char *value,
                                const char *out)
{
  static const char *const drop[] = { "/V", "/AP", NULL };
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);
  qpdf_data q = inkan_test_update_get_qpdf (u);
  qpdf_oh fields
      = qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_root (q), "/AcroForm"), "/Fields");
  qpdf_oh found = 0, old_ap;
  g_autofree char *resources = NULL;
  g_autofree char *bbox = NULL;
  g_autofree char *dict = NULL;
  g_autofree char *stream = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *text = NULL;
  int i, n, ap;

  g_assert_true (qpdf_oh_is_array (q, fields));
  n = qpdf_oh_get_array_n_items (q, fields);
  for (i = 0; i < n && found == 0; i++)
    {
      qpdf_oh f = qpdf_oh_get_array_item (q, fields, i);

      if (g_strcmp0 (qpdf_oh_get_utf8_value (q, qpdf_oh_get_key (q, f, "/T")), field) == 0)
        found = f;
    }
  g_assert_cmpuint (found, !=, 0);
  g_assert_true (qpdf_oh_is_name_and_equals (q, qpdf_oh_get_key (q, found, "/FT"), "/Tx"));
  /* a field merged with its widget, as the form sample and the corpus have them */
  g_assert_false (qpdf_oh_has_key (q, found, "/Kids"));
  g_assert_true (qpdf_oh_is_indirect (q, found));

  old_ap = qpdf_oh_get_key (q, qpdf_oh_get_key (q, found, "/AP"), "/N");
  if (qpdf_oh_is_stream (q, old_ap))
    {
      qpdf_oh old_dict = qpdf_oh_get_dict (q, old_ap);

      resources = g_strdup (qpdf_oh_unparse (q, qpdf_oh_get_key (q, old_dict, "/Resources")));
      bbox = g_strdup (qpdf_oh_unparse (q, qpdf_oh_get_key (q, old_dict, "/BBox")));
    }
  else
    {
      qpdf_oh rect = qpdf_oh_get_key (q, found, "/Rect");

      resources = g_strdup ("<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont "
                            "/Helvetica /Encoding /WinAnsiEncoding >> >> >>");
      bbox = g_strdup_printf (
          "[0 0 %g %g]",
          qpdf_oh_get_numeric_value (q, qpdf_oh_get_array_item (q, rect, 2))
              - qpdf_oh_get_numeric_value (q, qpdf_oh_get_array_item (q, rect, 0)),
          qpdf_oh_get_numeric_value (q, qpdf_oh_get_array_item (q, rect, 3))
              - qpdf_oh_get_numeric_value (q, qpdf_oh_get_array_item (q, rect, 1)));
    }
  if (g_str_equal (resources, "null"))
    {
      g_free (resources);
      resources = g_strdup ("<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont "
                            "/Helvetica /Encoding /WinAnsiEncoding >> >> >>");
    }

  ap = inkan_test_update_new_id (u);
  dict = g_strdup_printf ("/Type /XObject /Subtype /Form /BBox %s /Resources %s", bbox, resources);
  stream
      = g_strdup_printf ("/Tx BMC\nq\nBT\n/Helv 12 Tf\n0 g\n2 6 Td\n(%s) Tj\nET\nQ\nEMC\n", value);
  inkan_test_update_add_stream (u, ap, 0, dict, stream, strlen (stream));
  extra = g_strdup_printf ("/V (%s) /AP << /N %d 0 R >>", value, ap);
  text = inkan_test_update_dict_text (u, qpdf_oh_get_object_id (q, found), drop, extra);
  inkan_test_update_add_object (u, qpdf_oh_get_object_id (q, found), 0, text);
  inkan_test_update_write (u, TRUE, out);
}

/* ---- shadow: hide and replace ---- */

static char *
shadow_header (int id)
{
  return g_strdup_printf ("%d 0 obj\n<< /InkanShadow true /Length ", id);
}

void
inkan_test_attack_shadow_prepare (const char *unsigned_pdf, const char *out)
{
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (unsigned_pdf);
  int content = page_content_id (u);
  int carrier = inkan_test_update_new_id (u);
  g_autofree char *header = shadow_header (content);
  g_autofree char *hidden = g_strdup_printf ("%s%" G_GSIZE_FORMAT " >>\nstream\n%s\nendstream\n"
                                             "endobj\n",
                                             header, strlen (replacing_content), replacing_content);

  /* Nothing refers to the carrier: a viewer never shows it, a signer signs it along. */
  inkan_test_update_add_stream (u, carrier, 0, NULL, hidden, strlen (hidden));
  inkan_test_update_write (u, TRUE, out);
}

void
inkan_test_attack_shadow_repoint (const char *signed_pdf, const char *out)
{
  g_autoptr (InkanTestUpdate) u = inkan_test_update_new (signed_pdf);
  GByteArray *data = inkan_test_update_get_data (u);
  int content = page_content_id (u);
  g_autofree char *header = shadow_header (content);
  gsize n = strlen (header), i, offset = G_MAXSIZE;

  for (i = 0; i + n <= data->len; i++)
    if (memcmp (data->data + i, header, n) == 0)
      {
        offset = i;
        break;
      }
  if (offset == G_MAXSIZE)
    g_test_message ("%s holds no hidden body: was it made by shadow_prepare?", signed_pdf);
  g_assert_cmpuint (offset, !=, G_MAXSIZE);
  inkan_test_update_point (u, content, 0, offset);
  inkan_test_update_write (u, TRUE, out);
}

void
inkan_test_attack_truncated (const char *signed_pdf, const char *out)
{
  g_autoptr (GBytes) bytes = read_file (signed_pdf);
  InkanTestSigLocation loc;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  locate_in (bytes, &loc);
  g_assert_cmpuint (loc.range[2] + loc.range[3], ==, len);
  write_file (out, data, loc.range[2] + loc.range[3] / 2);
}
