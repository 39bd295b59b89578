/* Test-only incremental updates: append objects, free or re-point entries, with a proper xref. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-incr.h"
#include "inkan-test-util.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

static qpdf_data
open_qpdf (const char *pdf)
{
  qpdf_data q = qpdf_init ();

  qpdf_silence_errors (q);
  g_assert_cmpint (qpdf_read (q, pdf, NULL) & QPDF_ERRORS, ==, 0);
  return q;
}

/* The offset the file's last startxref gives. */
static guint64
last_startxref (const char *data, gsize len)
{
  gsize i;

  /* Backwards, byte by byte: the file holds binary streams with NUL bytes. */
  for (i = len; i >= 9; i--)
    if (memcmp (data + i - 9, "startxref", 9) == 0)
      return g_ascii_strtoull (data + i, NULL, 10);
  g_assert_not_reached ();
  return 0;
}

int
inkan_test_incr_next_id (const char *pdf)
{
  qpdf_data q = open_qpdf (pdf);
  qpdf_oh size = qpdf_oh_get_key (q, qpdf_get_trailer (q), "/Size");
  int n = (int) qpdf_oh_get_int_value (q, size);

  qpdf_cleanup (&q);
  return n;
}

char *
inkan_test_incr_append (const char *pdf, const char *out_name, const InkanTestIncrEntry *entries,
                        guint n_entries)
{
  g_autofree char *data = NULL;
  g_autofree char *out = inkan_test_tmp_path (out_name);
  g_autofree char *root = NULL, *id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) offsets = g_array_new (FALSE, TRUE, sizeof (guint64));
  GString *s;
  qpdf_data q;
  qpdf_oh trailer;
  gsize len;
  int size;
  guint i;
  guint64 prev, xref;

  g_assert_true (g_file_get_contents (pdf, &data, &len, &error));
  g_assert_no_error (error);
  q = open_qpdf (pdf);
  trailer = qpdf_get_trailer (q);
  root = g_strdup (qpdf_oh_unparse (q, qpdf_oh_get_key (q, trailer, "/Root")));
  if (qpdf_oh_has_key (q, trailer, "/ID"))
    id = g_strdup (qpdf_oh_unparse (q, qpdf_oh_get_key (q, trailer, "/ID")));
  size = (int) qpdf_oh_get_int_value (q, qpdf_oh_get_key (q, trailer, "/Size"));
  qpdf_cleanup (&q);
  prev = last_startxref (data, len);

  s = g_string_new_len (data, (gssize) len);
  if (len > 0 && data[len - 1] != '\n')
    g_string_append_c (s, '\n');
  for (i = 0; i < n_entries; i++)
    {
      guint64 at = (guint64) entries[i].offset;

      if (entries[i].text != NULL)
        {
          at = s->len;
          g_string_append_printf (s, "%d 0 obj\n%s\nendobj\n", entries[i].id, entries[i].text);
        }
      g_array_append_val (offsets, at);
      size = MAX (size, entries[i].id + 1);
    }
  xref = s->len;
  g_string_append (s, "xref\n0 1\n0000000000 65535 f \n");
  for (i = 0; i < n_entries; i++)
    {
      g_string_append_printf (s, "%d 1\n", entries[i].id);
      if (entries[i].free)
        g_string_append (s, "0000000000 00001 f \n");
      else
        g_string_append_printf (s, "%010" G_GUINT64_FORMAT " 00000 n \n",
                                g_array_index (offsets, guint64, i));
    }
  g_string_append_printf (s, "trailer\n<< /Root %s /Size %d /Prev %" G_GUINT64_FORMAT "%s%s >>\n"
                             "startxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n",
                          root, size, prev, id != NULL ? " /ID " : "", id != NULL ? id : "", xref);
  g_assert_true (g_file_set_contents (out, s->str, (gssize) s->len, &error));
  g_assert_no_error (error);
  g_string_free (s, TRUE);
  return g_steal_pointer (&out);
}

char *
inkan_test_incr_redefine (const char *pdf, const char *out_name, int id, const char *text)
{
  InkanTestIncrEntry e = { id, text, FALSE, 0 };

  return inkan_test_incr_append (pdf, out_name, &e, 1);
}

char *
inkan_test_incr_free (const char *pdf, const char *out_name, int id)
{
  InkanTestIncrEntry e = { id, NULL, TRUE, 0 };

  return inkan_test_incr_append (pdf, out_name, &e, 1);
}

char *
inkan_test_incr_repoint (const char *pdf, const char *out_name, int id, guint64 offset)
{
  InkanTestIncrEntry e = { id, NULL, FALSE, (gint64) offset };

  return inkan_test_incr_append (pdf, out_name, &e, 1);
}

char *
inkan_test_incr_dict_with (const char *pdf, int id, const char *key, const char *value)
{
  qpdf_data q = open_qpdf (pdf);
  qpdf_oh oh = qpdf_get_object_by_id (q, id, 0);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new ("<<");
  guint i;

  g_assert_true (qpdf_oh_is_dictionary (q, oh));
  qpdf_oh_begin_dict_key_iter (q, oh);
  while (qpdf_oh_dict_more_keys (q))
    g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (q)));
  for (i = 0; i < keys->len; i++)
    if (strcmp (keys->pdata[i], key) != 0)
      g_string_append_printf (s, " %s %s", (char *) keys->pdata[i],
                              qpdf_oh_unparse_binary (q, qpdf_oh_get_key (q, oh, keys->pdata[i])));
  if (value != NULL)
    g_string_append_printf (s, " %s %s", key, value);
  g_string_append (s, " >>");
  qpdf_cleanup (&q);
  return g_string_free (s, FALSE);
}
