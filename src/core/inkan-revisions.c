/* The revisions of a PDF file: its cross-reference sections, where each ends, qpdf per prefix. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include "inkan-revisions.h"
#include "inkan-pdf.h"
#include "inkan-qpdf-private.h"
#include "inkan-qpdf-walk-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file with more sections than this is not a document anyone signed update by update. */
#define MAX_SECTIONS 4096
/* How many "startxref" keywords from the end are tried before giving up on a broken tail. */
#define MAX_STARTXREF_TRIES 16
/* Bounds for one cross-reference stream: /W widths and the entries it may declare. */
#define MAX_FIELD_WIDTH 8
#define MAX_XREF_ENTRIES (8u * 1024 * 1024)

typedef struct
{
  guint64 offset;           /* where the section starts */
  gsize end;                /* just after the "%%EOF" that follows it */
  gsize end_eol;
  GArray *entries;          /* InkanXrefEntry */
} Section;

typedef struct
{
  gsize end;
  gsize end_eol;
  GArray *entries;          /* InkanXrefEntry, in the order the sections list them */
  qpdf_data qpdf;
  GError *qpdf_error;       /* a failed strict read, kept so that it is reported every time */
} Revision;

struct _InkanRevisions
{
  GBytes *bytes;            /* in-memory data, or NULL for a mapped file */
  void *map;
  int fd;                   /* the mapped file, open for reading by pread; -1 for bytes */
  const guint8 *data;
  gsize size;
  char *display;
  qpdf_data scratch;        /* parses section dictionaries and decodes cross-reference streams */
  GArray *revisions;        /* Revision */
  gsize trailing;
};

/* ---- errors ------------------------------------------------------------------------------ */

static void release_mapped_pages (InkanRevisions *self);

static gboolean
set_damaged (InkanRevisions *self, GError **error, const char *detail)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
               _("“%s” is damaged or is not a valid PDF document (%s). Ask the sender for an "
                 "intact copy: a document that needs repair to be read cannot be trusted."),
               self->display, detail);
  return FALSE;
}

static void
revision_clear (gpointer data)
{
  Revision *r = data;

  g_clear_pointer (&r->entries, g_array_unref);
  if (r->qpdf != NULL)
    qpdf_cleanup (&r->qpdf);
  g_clear_error (&r->qpdf_error);
}

/* ---- the syntax of the file tail --------------------------------------------------------- */

static gboolean
is_eol (guint8 c)
{
  return c == '\r' || c == '\n';
}

static gboolean
is_space (guint8 c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static gboolean
is_delimiter (guint8 c)
{
  return is_space (c) || c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']'
         || c == '{' || c == '}' || c == '/' || c == '%';
}

static void
skip_space (const guint8 *data, gsize size, gsize *p)
{
  while (*p < size)
    {
      if (data[*p] == '%')
        {
          while (*p < size && !is_eol (data[*p]))
            (*p)++;
        }
      else if (is_space (data[*p]))
        (*p)++;
      else
        break;
    }
}

static gboolean
parse_uint (const guint8 *data, gsize size, gsize *p, guint64 *value)
{
  gsize start = *p;
  guint64 v = 0;

  while (*p < size && g_ascii_isdigit (data[*p]) && *p - start < 19)
    v = v * 10 + (guint64) (data[(*p)++] - '0');
  if (*p == start || (*p < size && g_ascii_isdigit (data[*p])))
    return FALSE;
  *value = v;
  return TRUE;
}

static gboolean
has_keyword (const guint8 *data, gsize size, gsize p, const char *keyword)
{
  gsize len = strlen (keyword);

  return p + len <= size && memcmp (data + p, keyword, len) == 0
         && (p + len == size || is_delimiter (data[p + len]));
}

static const guint8 *
find_forward (const guint8 *data, gsize size, gsize from, const char *needle)
{
  if (from >= size)
    return NULL;
  return memmem (data + from, size - from, needle, strlen (needle));
}

/* Finds the end of the dictionary that starts at `p` ("<<"), skipping strings and comments so
 * that a ">>" inside them is not taken for the end. */
static gboolean
find_dict_end (const guint8 *data, gsize size, gsize p, gsize *end)
{
  int depth = 0;

  while (p < size)
    {
      guint8 c = data[p];

      if (c == '%')
        {
          while (p < size && !is_eol (data[p]))
            p++;
        }
      else if (c == '(')
        {
          int nest = 0;

          for (; p < size; p++)
            {
              if (data[p] == '\\')
                p++;
              else if (data[p] == '(')
                nest++;
              else if (data[p] == ')' && --nest == 0)
                break;
            }
          p++;
        }
      else if (c == '<' && p + 1 < size && data[p + 1] == '<')
        {
          depth++;
          p += 2;
        }
      else if (c == '<')
        {
          while (p < size && data[p] != '>')
            p++;
          p++;
        }
      else if (c == '>' && p + 1 < size && data[p + 1] == '>')
        {
          p += 2;
          if (--depth == 0)
            {
              *end = p;
              return TRUE;
            }
          if (depth < 0)
            return FALSE;
        }
      else
        p++;
    }
  return FALSE;
}

/* Skips one object at *p: a literal, a name, a string, an array or a dictionary. */
static gboolean
skip_object (const guint8 *d, gsize size, gsize *p, guint depth)
{
  gsize end;

  skip_space (d, size, p);
  if (*p >= size || depth > 32)
    return FALSE;
  switch (d[*p])
    {
    case '(':
    case '<':
      if (d[*p] == '<' && *p + 1 < size && d[*p + 1] != '<')
        {
          const guint8 *close = memchr (d + *p, '>', size - *p);

          if (close == NULL)
            return FALSE;
          *p = (gsize) (close - d) + 1;
          return TRUE;
        }
      if (d[*p] == '(')
        {
          int nest = 0;

          for (; *p < size; (*p)++)
            {
              if (d[*p] == '\\')
                (*p)++;
              else if (d[*p] == '(')
                nest++;
              else if (d[*p] == ')' && --nest == 0)
                break;
            }
          if (*p >= size)
            return FALSE;
          (*p)++;
          return TRUE;
        }
      if (!find_dict_end (d, size, *p, &end))
        return FALSE;
      *p = end;
      return TRUE;
    case '[':
      (*p)++;
      for (;;)
        {
          skip_space (d, size, p);
          if (*p >= size)
            return FALSE;
          if (d[*p] == ']')
            {
              (*p)++;
              return TRUE;
            }
          if (!skip_object (d, size, p, depth + 1))
            return FALSE;
        }
    case '/':
      (*p)++;
      while (*p < size && !is_delimiter (d[*p]))
        (*p)++;
      return TRUE;
    case ')':
    case '>':
    case ']':
    case '{':
    case '}':
      return FALSE;
    default:
      while (*p < size && !is_delimiter (d[*p]))
        (*p)++;
      return TRUE;
    }
}

/* "N G R" at p (after white space)? */
static gboolean
is_reference (const guint8 *d, gsize size, gsize p, gsize *end)
{
  guint64 n;

  skip_space (d, size, &p);
  if (!parse_uint (d, size, &p, &n))
    return FALSE;
  skip_space (d, size, &p);
  if (!parse_uint (d, size, &p, &n))
    return FALSE;
  skip_space (d, size, &p);
  if (!has_keyword (d, size, p, "R"))
    return FALSE;
  *end = p + 1;
  return TRUE;
}

/* Reads the dictionary text at [start, end) (the trailer or a stream dictionary) into a qpdf
 * dictionary. qpdf parses each value; references, which qpdf cannot parse without the document
 * and which the cross-reference machinery never needs, become null. */
static qpdf_oh
parse_dict (InkanRevisions *self, gsize start, gsize end)
{
  qpdf_data q = self->scratch;
  const guint8 *d = self->data;
  qpdf_oh dict = qpdf_oh_new_dictionary (q);
  gsize p = start + 2;

  for (;;)
    {
      g_autofree char *key = NULL;
      g_autofree char *text = NULL;
      gsize key_start, value_start, value_end;
      qpdf_oh key_oh, value;

      skip_space (d, end, &p);
      if (p + 2 <= end && d[p] == '>' && d[p + 1] == '>')
        return dict;
      if (p >= end || d[p] != '/')
        return 0;
      key_start = p;
      if (!skip_object (d, end, &p, 0))
        return 0;
      key = g_strndup ((const char *) d + key_start, p - key_start);
      skip_space (d, end, &p);
      value_start = p;
      if (is_reference (d, end, p, &value_end))
        {
          p = value_end;
          continue;
        }
      if (!skip_object (d, end, &p, 0))
        return 0;
      text = g_strndup ((const char *) d + value_start, p - value_start);
      /* g_strndup stops at a NUL byte: such a value is not one the sections need. */
      if (strlen (text) != p - value_start)
        continue;
      /* qpdf resolves #xx escapes in the key as every reader does. */
      key_oh = qpdf_oh_parse (q, key);
      value = qpdf_oh_parse (q, text);
      if (qpdf_has_error (q) || qpdf_more_warnings (q) || !qpdf_oh_is_name (q, key_oh))
        {
          while (qpdf_more_warnings (q))
            qpdf_next_warning (q);
          qpdf_get_error (q);
          continue;
        }
      qpdf_oh_replace_key (q, dict, qpdf_oh_get_name (q, key_oh), value);
    }
}

static gboolean
dict_get_uint (qpdf_data q, qpdf_oh dict, const char *key, guint64 *value)
{
  qpdf_oh v;

  if (!qpdf_oh_has_key (q, dict, key))
    return FALSE;
  v = qpdf_oh_get_key (q, dict, key);
  if (!qpdf_oh_is_integer (q, v) || qpdf_oh_get_int_value (q, v) < 0)
    return FALSE;
  *value = (guint64) qpdf_oh_get_int_value (q, v);
  return TRUE;
}

/* Sets the section's end: just after the first "%%EOF" from `from`, and after its end-of-line. */
static gboolean
find_eof (InkanRevisions *self, gsize from, Section *section)
{
  const guint8 *eof = find_forward (self->data, self->size, from, "%%EOF");
  gsize end;

  if (eof == NULL)
    return FALSE;
  end = (gsize) (eof - self->data) + 5;
  section->end = end;
  if (end < self->size && self->data[end] == '\r')
    end++;
  if (end < self->size && self->data[end] == '\n')
    end++;
  section->end_eol = end;
  return TRUE;
}

/* ---- cross-reference tables -------------------------------------------------------------- */

/* A table as ISO 32000 7.5.4 writes it: subsection headers, 20-byte entries, then the trailer.
 * Its trailer's /Prev and /XRefStm are returned (G_MAXUINT64 when absent). */
static gboolean
parse_table (InkanRevisions *self, Section *section, guint64 *prev, guint64 *xrefstm)
{
  const guint8 *d = self->data;
  gsize size = self->size, p = (gsize) section->offset + 4, dict_end;
  qpdf_oh trailer;
  gboolean ok;

  skip_space (d, size, &p);
  for (;;)
    {
      guint64 start, count, i;

      if (has_keyword (d, size, p, "trailer"))
        break;
      if (!parse_uint (d, size, &p, &start) || p >= size || d[p] != ' ')
        return FALSE;
      p++;
      if (!parse_uint (d, size, &p, &count))
        return FALSE;
      while (p < size && (d[p] == ' ' || d[p] == '\t'))
        p++;
      if (p >= size || !is_eol (d[p]))
        return FALSE;
      while (p < size && is_eol (d[p]))
        p++;
      if (count > (size - p) / 20 || start > G_MAXINT || count > (guint64) G_MAXINT - start)
        return FALSE;
      for (i = 0; i < count; i++, p += 20)
        {
          InkanXrefEntry e = { 0 };
          gsize q = p;
          guint64 off, gen;

          if (!parse_uint (d, p + 10, &q, &off) || q != p + 10 || d[p + 10] != ' ')
            return FALSE;
          q = p + 11;
          if (!parse_uint (d, p + 16, &q, &gen) || q != p + 16 || d[p + 16] != ' ')
            return FALSE;
          if ((d[p + 17] != 'n' && d[p + 17] != 'f')
              || !((d[p + 18] == ' ' && is_eol (d[p + 19]))
                   || (d[p + 18] == '\r' && d[p + 19] == '\n')))
            return FALSE;
          e.id = (int) (start + i);
          e.gen = (int) gen;
          e.type = d[p + 17] == 'n' ? INKAN_XREF_OFFSET : INKAN_XREF_FREE;
          e.offset = off;
          g_array_append_val (section->entries, e);
        }
    }

  p += 7;
  skip_space (d, size, &p);
  if (p + 2 > size || d[p] != '<' || d[p + 1] != '<' || !find_dict_end (d, size, p, &dict_end))
    return FALSE;
  trailer = parse_dict (self, p, dict_end);
  if (trailer == 0)
    return FALSE;
  if (!dict_get_uint (self->scratch, trailer, "/Prev", prev))
    *prev = G_MAXUINT64;
  if (!dict_get_uint (self->scratch, trailer, "/XRefStm", xrefstm))
    *xrefstm = G_MAXUINT64;
  ok = find_eof (self, dict_end, section);
  qpdf_oh_release_all (self->scratch);
  return ok;
}

/* ---- cross-reference streams ------------------------------------------------------------- */

static guint64
read_field (const guint8 *row, guint width)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < width; i++)
    v = (v << 8) | row[i];
  return v;
}

/* Reads /W, /Index and the rows of a decoded cross-reference stream. */
static gboolean
read_stream_entries (InkanRevisions *self, qpdf_oh dict, const guint8 *buf, gsize len,
                     GArray *entries)
{
  qpdf_data q = self->scratch;
  qpdf_oh w = qpdf_oh_get_key (q, dict, "/W"), index;
  guint widths[3], row_len = 0, i, n_index;
  guint64 size, rows = 0;
  gsize pos = 0;

  if (!qpdf_oh_is_array (q, w) || qpdf_oh_get_array_n_items (q, w) != 3)
    return FALSE;
  for (i = 0; i < 3; i++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, w, (int) i);

      if (!qpdf_oh_is_integer (q, item) || qpdf_oh_get_int_value (q, item) < 0
          || qpdf_oh_get_int_value (q, item) > MAX_FIELD_WIDTH)
        return FALSE;
      widths[i] = (guint) qpdf_oh_get_int_value (q, item);
      row_len += widths[i];
    }
  if (row_len == 0 || widths[1] == 0 || !dict_get_uint (q, dict, "/Size", &size))
    return FALSE;

  index = qpdf_oh_get_key (q, dict, "/Index");
  if (qpdf_oh_is_null (q, index))
    {
      index = qpdf_oh_new_array (q);
      qpdf_oh_append_item (q, index, qpdf_oh_new_integer (q, 0));
      qpdf_oh_append_item (q, index, qpdf_oh_new_integer (q, (long long) MIN (size, G_MAXINT)));
    }
  if (!qpdf_oh_is_array (q, index) || qpdf_oh_get_array_n_items (q, index) % 2 != 0)
    return FALSE;
  n_index = (guint) qpdf_oh_get_array_n_items (q, index);
  for (i = 0; i < n_index; i += 2)
    {
      qpdf_oh first = qpdf_oh_get_array_item (q, index, (int) i);
      qpdf_oh count = qpdf_oh_get_array_item (q, index, (int) i + 1);
      long long f, c, j;

      if (!qpdf_oh_is_integer (q, first) || !qpdf_oh_is_integer (q, count))
        return FALSE;
      f = qpdf_oh_get_int_value (q, first);
      c = qpdf_oh_get_int_value (q, count);
      if (f < 0 || c < 0 || f > G_MAXINT || c > G_MAXINT - f)
        return FALSE;
      rows += (guint64) c;
      if (rows > MAX_XREF_ENTRIES || rows * row_len > len)
        return FALSE;
      for (j = 0; j < c; j++, pos += row_len)
        {
          const guint8 *row = buf + pos;
          guint64 type = widths[0] == 0 ? 1 : read_field (row, widths[0]);
          guint64 f2 = read_field (row + widths[0], widths[1]);
          guint64 f3 = read_field (row + widths[0] + widths[1], widths[2]);
          InkanXrefEntry e = { 0 };

          e.id = (int) (f + j);
          switch (type)
            {
            case 0:
              e.type = INKAN_XREF_FREE;
              e.offset = f2;
              e.gen = (int) MIN (f3, 65535);
              break;
            case 1:
              e.type = INKAN_XREF_OFFSET;
              e.offset = f2;
              e.gen = (int) MIN (f3, 65535);
              break;
            case 2:
              e.type = INKAN_XREF_COMPRESSED;
              e.offset = f2;
              e.index = (guint) MIN (f3, G_MAXUINT);
              break;
            default:
              /* ISO 32000 7.5.8.3: other types are references to the null object. */
              continue;
            }
          g_array_append_val (entries, e);
        }
    }
  return TRUE;
}

/* A stream section: "N G obj << … >> stream … endstream". Its dictionary's entries are direct
 * (ISO 32000 7.5.8.2), so the section is read by itself, whatever the rest of the file holds;
 * qpdf decodes the data (filters and predictors) in a scratch document. */
static gboolean
parse_stream (InkanRevisions *self, Section *section, guint64 *prev)
{
  qpdf_data q = self->scratch;
  const guint8 *d = self->data;
  gsize size = self->size, p = (gsize) section->offset, dict_end;
  guint64 num, gen, length;
  qpdf_oh dict, stream;
  unsigned char *buf = NULL;
  size_t len = 0;
  QPDF_BOOL filtered = QPDF_FALSE;
  gboolean ok = FALSE;

  if (!parse_uint (d, size, &p, &num) || p >= size || !is_space (d[p]))
    return FALSE;
  skip_space (d, size, &p);
  if (!parse_uint (d, size, &p, &gen) || p >= size || !is_space (d[p]))
    return FALSE;
  skip_space (d, size, &p);
  if (!has_keyword (d, size, p, "obj"))
    return FALSE;
  p += 3;
  skip_space (d, size, &p);
  if (p + 2 > size || d[p] != '<' || d[p + 1] != '<' || !find_dict_end (d, size, p, &dict_end))
    return FALSE;
  dict = parse_dict (self, p, dict_end);
  if (dict == 0)
    goto out;
  p = dict_end;
  skip_space (d, size, &p);
  if (!has_keyword (d, size, p, "stream"))
    goto out;
  p += 6;
  if (p < size && d[p] == '\r')
    p++;
  if (p < size && d[p] == '\n')
    p++;
  if (!qpdf_oh_is_name_and_equals (q, qpdf_oh_get_key (q, dict, "/Type"), "/XRef")
      || !dict_get_uint (q, dict, "/Length", &length) || length > size - p)
    goto out;
  if (!dict_get_uint (q, dict, "/Prev", prev))
    *prev = G_MAXUINT64;

  stream = qpdf_oh_new_stream (q);
  qpdf_oh_replace_stream_data (q, stream, d + p, (size_t) length,
                               qpdf_oh_get_key (q, dict, "/Filter"),
                               qpdf_oh_get_key (q, dict, "/DecodeParms"));
  if (qpdf_oh_get_stream_data (q, stream, qpdf_dl_generalized, &filtered, &buf, &len)
        != QPDF_SUCCESS
      || qpdf_has_error (q)
      || (!filtered && qpdf_oh_has_key (q, dict, "/Filter")))
    goto out;
  ok = read_stream_entries (self, dict, buf, len, section->entries)
       && find_eof (self, p + (gsize) length, section);

out:
  free (buf);
  while (qpdf_more_warnings (q))
    qpdf_next_warning (q);
  qpdf_get_error (q);
  qpdf_oh_release_all (q);
  return ok;
}

/* ---- discovery --------------------------------------------------------------------------- */

static gboolean
parse_section (InkanRevisions *self, Section *section, guint64 *prev)
{
  guint64 xrefstm = G_MAXUINT64;

  if (section->offset >= self->size)
    return FALSE;
  if (has_keyword (self->data, self->size, (gsize) section->offset, "xref"))
    {
      g_autoptr (GArray) stm_entries = NULL;
      Section stm = { 0 };
      guint64 ignored;
      guint i, j, n_table;

      if (!parse_table (self, section, prev, &xrefstm))
        return FALSE;
      if (xrefstm == G_MAXUINT64)
        return TRUE;

      /* A hybrid file: the stream lists the objects that readers of PDF 1.4 do not see; the
       * table's entries take precedence except where the table says the object is free. */
      stm_entries = stm.entries = g_array_new (FALSE, FALSE, sizeof (InkanXrefEntry));
      stm.offset = xrefstm;
      if (xrefstm >= self->size || !parse_stream (self, &stm, &ignored))
        return FALSE;
      n_table = section->entries->len;
      for (i = 0; i < stm_entries->len; i++)
        {
          InkanXrefEntry *s = &g_array_index (stm_entries, InkanXrefEntry, i);
          gboolean listed = FALSE;

          for (j = 0; j < n_table && !listed; j++)
            {
              InkanXrefEntry *t = &g_array_index (section->entries, InkanXrefEntry, j);

              if (t->id == s->id)
                {
                  listed = TRUE;
                  if (t->type == INKAN_XREF_FREE && s->type != INKAN_XREF_FREE)
                    *t = *s;
                }
            }
          if (!listed)
            g_array_append_val (section->entries, *s);
        }
      return TRUE;
    }
  return parse_stream (self, section, prev);
}

/* "startxref N %%EOF" at `p` (just after the keyword): the offset of the last section. */
static gboolean
parse_startxref (InkanRevisions *self, gsize p, guint64 *offset)
{
  /* Not skip_space: "%%EOF" looks like a comment. */
  while (p < self->size && is_space (self->data[p]))
    p++;
  if (!parse_uint (self->data, self->size, &p, offset))
    return FALSE;
  while (p < self->size && is_space (self->data[p]))
    p++;
  return p + 5 <= self->size && memcmp (self->data + p, "%%EOF", 5) == 0;
}

static void
section_clear (gpointer data)
{
  Section *s = data;

  g_clear_pointer (&s->entries, g_array_unref);
}

/* Follows /Prev from the section at `offset`; returns the sections found (maybe none). */
static GArray *
follow_chain (InkanRevisions *self, guint64 offset)
{
  GArray *sections = g_array_new (FALSE, TRUE, sizeof (Section));
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint64 *keys = g_new (guint64, MAX_SECTIONS);

  g_array_set_clear_func (sections, section_clear);
  while (offset != G_MAXUINT64 && sections->len < MAX_SECTIONS
         && !g_hash_table_contains (seen, &offset))
    {
      Section s = { 0 };
      guint64 prev = G_MAXUINT64;

      s.offset = offset;
      s.entries = g_array_new (FALSE, FALSE, sizeof (InkanXrefEntry));
      keys[sections->len] = offset;
      g_hash_table_add (seen, &keys[sections->len]);
      if (!parse_section (self, &s, &prev))
        {
          g_array_unref (s.entries);
          break;
        }
      g_array_append_val (sections, s);
      offset = prev;
    }
  g_hash_table_remove_all (seen);
  g_free (keys);
  return sections;
}

static gboolean
discover (InkanRevisions *self, GError **error)
{
  g_autoptr (GArray) sections = NULL;
  gsize search_end = self->size, last_end, i;
  guint tries;

  /* The last startxref that leads to a readable section wins: whatever follows it is an update
   * that no reader can find, so it belongs to no revision. */
  for (tries = 0; tries < MAX_STARTXREF_TRIES; tries++)
    {
      const guint8 *hit = NULL;
      guint64 offset;
      gsize p;

      for (p = search_end; p >= 9; p--)
        if (self->data[p - 9] == 's' && memcmp (self->data + p - 9, "startxref", 9) == 0)
          {
            hit = self->data + p - 9;
            break;
          }
      if (hit == NULL)
        break;
      search_end = (gsize) (hit - self->data);
      if (!parse_startxref (self, search_end + 9, &offset))
        continue;
      g_clear_pointer (&sections, g_array_unref);
      sections = follow_chain (self, offset);
      if (sections->len > 0)
        break;
    }
  if (sections == NULL || sections->len == 0)
    return set_damaged (self, error, _("no readable cross-reference section"));

  /* Oldest first, in the order /Prev gives rather than file order: a linearized file's
   * first-page section sits at the start of the file but updates the main section at its end,
   * so both make one revision, ending where the later-placed of them ends. */
  for (i = sections->len; i-- > 0;)
    {
      Section *s = &g_array_index (sections, Section, i);
      Revision *last = self->revisions->len > 0
                         ? &g_array_index (self->revisions, Revision, self->revisions->len - 1)
                         : NULL;

      /* Two sections before one "%%EOF" make one update, and so does a section placed before
       * the end of the revision it updates. */
      if (last != NULL && s->end <= last->end)
        {
          g_array_append_vals (last->entries, s->entries->data, s->entries->len);
          continue;
        }
      {
        Revision r = { 0 };

        r.end = s->end;
        r.end_eol = s->end_eol;
        r.entries = g_array_ref (s->entries);
        g_array_append_val (self->revisions, r);
      }
    }

  last_end = g_array_index (self->revisions, Revision, self->revisions->len - 1).end_eol;
  for (i = self->size; i > last_end && is_space (self->data[i - 1]); i--)
    ;
  self->trailing = i - last_end;
  return TRUE;
}

/* ---- public ------------------------------------------------------------------------------ */

static InkanRevisions *
revisions_new (const char *display)
{
  InkanRevisions *self = g_new0 (InkanRevisions, 1);

  self->fd = -1;
  self->display = g_strdup (display);
  self->revisions = g_array_new (FALSE, TRUE, sizeof (Revision));
  g_array_set_clear_func (self->revisions, revision_clear);
  self->scratch = qpdf_init ();
  qpdf_silence_errors (self->scratch);
  qpdf_set_suppress_warnings (self->scratch, QPDF_TRUE);
  qpdf_empty_pdf (self->scratch);
  return self;
}

static InkanRevisions *
revisions_init (InkanRevisions *self, GError **error)
{
  g_autoptr (InkanRevisions) owned = self;

  if (self->size < 16)
    {
      set_damaged (self, error, _("file too short"));
      return NULL;
    }
  if (!discover (self, error))
    return NULL;
  return g_steal_pointer (&owned);
}

InkanRevisions *
inkan_revisions_new_from_bytes (GBytes *bytes, const char *display, GError **error)
{
  InkanRevisions *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  self = revisions_new (display != NULL ? display : "document");
  self->bytes = g_bytes_ref (bytes);
  self->data = g_bytes_get_data (bytes, &self->size);
  return revisions_init (self, error);
}

InkanRevisions *
inkan_revisions_open (const char *path, GError **error)
{
  g_autofree char *display = NULL;
  InkanRevisions *self;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  display = g_filename_display_basename (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                   _("Cannot open “%s”: %s. Check the file name and that you may read it."),
                   display, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > G_MAXSIZE)
    {
      close (fd);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                   _("“%s” is not a regular file. Choose the PDF document itself."), display);
      return NULL;
    }
  self = revisions_new (display);
  self->size = (gsize) st.st_size;
  if (self->size > 0)
    {
      self->map = mmap (NULL, self->size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (self->map == MAP_FAILED)
        {
          int saved = errno;

          self->map = NULL;
          close (fd);
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                       _("Cannot read “%s”: %s. Check that the file is readable."), display,
                       g_strerror (saved));
          inkan_revisions_free (self);
          return NULL;
        }
      self->data = self->map;
    }
  self->fd = fd;
  return revisions_init (self, error);
}

void
inkan_revisions_free (InkanRevisions *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->revisions, g_array_unref);
  if (self->scratch != NULL)
    qpdf_cleanup (&self->scratch);
  if (self->map != NULL)
    munmap (self->map, self->size);
  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->display);
  g_free (self);
}

int
inkan_revisions_get_fd (InkanRevisions *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->fd;
}

const guint8 *
inkan_revisions_get_data (InkanRevisions *self, gsize *size)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (size != NULL)
    *size = self->size;
  return self->data;
}

const char *
inkan_revisions_get_display (InkanRevisions *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->display;
}

guint
inkan_revisions_get_n (InkanRevisions *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->revisions->len;
}

gsize
inkan_revisions_get_end (InkanRevisions *self, guint rev, gsize *eof_end_with_eol)
{
  Revision *r;

  g_return_val_if_fail (self != NULL && rev < self->revisions->len, 0);
  r = &g_array_index (self->revisions, Revision, rev);
  if (eof_end_with_eol != NULL)
    *eof_end_with_eol = r->end_eol;
  return r->end;
}

gsize
inkan_revisions_get_trailing (InkanRevisions *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->trailing;
}

const InkanXrefEntry *
inkan_revisions_get_entries (InkanRevisions *self, guint rev, guint *n_entries)
{
  Revision *r;

  g_return_val_if_fail (self != NULL && rev < self->revisions->len, NULL);
  r = &g_array_index (self->revisions, Revision, rev);
  if (n_entries != NULL)
    *n_entries = r->entries->len;
  return (const InkanXrefEntry *) (gpointer) r->entries->data;
}

guint
inkan_revisions_count_entries (InkanRevisions *self)
{
  guint rev, total = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (rev = 0; rev < self->revisions->len; rev++)
    total += g_array_index (self->revisions, Revision, rev).entries->len;
  return total;
}

/* ---- strict reading of one revision ------------------------------------------------------ */

/* A trailer /Size larger than one plus the highest object number leaves unused numbers, which
 * signers routinely do (numbers reserved, then not written); a smaller one hides objects. */
static gboolean
is_size_too_large (const char *warning)
{
  const char *p = strstr (warning, "reported number of objects (");
  long long reported, highest;

  if (p == NULL
      || sscanf (p, "reported number of objects (%lld) is not one plus the highest object "
                    "number (%lld)", &reported, &highest) != 2)
    return FALSE;
  return reported > highest + 1;
}

static gboolean
check_qpdf (InkanRevisions *self, qpdf_data q, GError **error)
{
  if (qpdf_has_error (q))
    {
      qpdf_error e = qpdf_get_error (q);
      g_autofree char *text = g_strdup (qpdf_get_error_full_text (q, e));

      return set_damaged (self, error, text);
    }
  while (qpdf_more_warnings (q))
    {
      qpdf_error w = qpdf_next_warning (q);
      g_autofree char *text = g_strdup (qpdf_get_error_full_text (q, w));

      if (_inkan_qpdf_warning_is_harmless (text) || is_size_too_large (text))
        continue;
      return set_damaged (self, error, text);
    }
  return TRUE;
}

static gboolean
set_encrypted (InkanRevisions *self, GError **error)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED,
               _("“%s” is encrypted. Inkan checks only unencrypted documents: ask the sender for "
                 "an unprotected copy."),
               self->display);
  return FALSE;
}

/* qpdf's strict reading (recovery off) of the prefix that ends with revision `r`. */
static gboolean
open_reading (InkanRevisions *self, Revision *r, qpdf_data *out, GError **error)
{
  qpdf_data q;

  *out = q = qpdf_init ();
  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  qpdf_set_attempt_recovery (q, QPDF_FALSE);
  if (qpdf_read_memory (q, self->display, (const char *) self->data, r->end, NULL) & QPDF_ERRORS)
    {
      qpdf_error e = qpdf_get_error (q);
      const char *text = qpdf_get_error_full_text (q, e);

      if (qpdf_get_error_code (q, e) == qpdf_e_password || strstr (text, "encrypt") != NULL)
        return set_encrypted (self, error);
      return set_damaged (self, error, text);
    }
  if (qpdf_is_encrypted (q))
    return set_encrypted (self, error);
  return check_qpdf (self, q, error);
}

/* Parses the revision's own entries in its kept reading. */
static gboolean
check_entries (InkanRevisions *self, Revision *r, GError **error)
{
  qpdf_data q = r->qpdf;
  guint i;

  for (i = 0; i < r->entries->len; i++)
    {
      const InkanXrefEntry *e = &g_array_index (r->entries, InkanXrefEntry, i);
      int gen = e->type == INKAN_XREF_COMPRESSED ? 0 : e->gen;
      qpdf_oh oh;

      if (e->type == INKAN_XREF_FREE || e->id <= 0)
        continue;
      oh = qpdf_get_object_by_id (q, e->id, gen);
      /* Asking the type makes qpdf parse the object. qpdf reads an object missing from its
       * object stream as null, which no writer means. */
      if (qpdf_oh_get_type_code (q, oh) == ot_null && e->type == INKAN_XREF_COMPRESSED)
        {
          g_autofree char *detail =
            g_strdup_printf (_("object %d is missing from its object stream"), e->id);
          return set_damaged (self, error, detail);
        }
      qpdf_oh_release (q, oh);
      if (!check_qpdf (self, q, error))
        return FALSE;
    }
  release_mapped_pages (self);
  return TRUE;
}

/* qpdf keeps every object it has parsed until the reading is closed: a large revision is
 * checked by the walk of inkan-qpdf-walk.cc, in a reading of its own that drops each object
 * once parsed (over a file, reading it by pread rather than through the mapping: a first touch
 * of mapped pages costs a page fault every 64 KB, and a large revision's objects spread over
 * most of them), and the reading kept for the analysis caches only what the analysis touches.
 * Memory then stays bounded whatever the number of objects; a small revision is checked in
 * place. */
#define CHECK_IN_PLACE 500

static gboolean
walk_entries (InkanRevisions *self, Revision *r, GError **error)
{
  g_autoptr (GArray) listed = g_array_new (FALSE, FALSE, sizeof (InkanListedObject));
  InkanQpdfWalk walk = { NULL, 0, 0, NULL, NULL, is_size_too_large };
  InkanQpdfWalkResult result;
  g_autofree char *detail = NULL;
  guint i;

  for (i = 0; i < r->entries->len; i++)
    {
      const InkanXrefEntry *e = &g_array_index (r->entries, InkanXrefEntry, i);
      InkanListedObject o = { e->offset, (guint64) e->id, e->gen, FALSE };

      if (e->type == INKAN_XREF_FREE || e->id <= 0)
        continue;
      if (e->type == INKAN_XREF_COMPRESSED)
        o.gen = 0, o.compressed = TRUE;
      g_array_append_val (listed, o);
    }
  walk.objects = (const InkanListedObject *) (const void *) listed->data;
  walk.n_objects = listed->len;
  if (_inkan_qpdf_walk (self->fd, self->data, r->end, self->display, &walk, &result))
    return TRUE;
  if (result.status == INKAN_QPDF_WALK_MISSING)
    detail = g_strdup_printf (_("object %d is missing from its object stream"), (int) result.id);
  else
    detail = g_strdup (result.text != NULL ? result.text : "");
  g_free (result.text);
  return set_damaged (self, error, detail);
}

static gboolean
read_revision (InkanRevisions *self, Revision *r, GError **error)
{
  if (!open_reading (self, r, &r->qpdf, error))
    return FALSE;
  if (r->entries->len <= CHECK_IN_PLACE)
    return check_entries (self, r, error);
  return walk_entries (self, r, error);
}

/* The pages of the file that qpdf has read stay resident in a mapping until the kernel needs
 * them: dropping them keeps the resident set of a large file bounded (they are read again from
 * the page cache if wanted). Memory that is not a file mapping is left alone. */
static void
release_mapped_pages (InkanRevisions *self)
{
  /* Each call flushes the TLB, which costs more than a small file's pages: below
   * INKAN_REVISIONS_KEEP_RESIDENT bytes the whole file may stay, so the resident set is bounded
   * by that whatever the size of the file. */
  if (self->map != NULL && self->size > INKAN_REVISIONS_KEEP_RESIDENT)
    madvise (self->map, self->size, MADV_DONTNEED);
}

qpdf_data
inkan_revisions_get_qpdf (InkanRevisions *self, guint rev, GError **error)
{
  Revision *r;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (rev < self->revisions->len, NULL);
  r = &g_array_index (self->revisions, Revision, rev);
  if (r->qpdf == NULL && r->qpdf_error == NULL)
    {
      if (!read_revision (self, r, &r->qpdf_error))
        {
          if (r->qpdf != NULL)
            qpdf_cleanup (&r->qpdf);
        }
    }
  if (r->qpdf_error != NULL)
    {
      g_propagate_error (error, g_error_copy (r->qpdf_error));
      return NULL;
    }
  return r->qpdf;
}

qpdf_data
inkan_revisions_open_qpdf (InkanRevisions *self, guint rev, GError **error)
{
  qpdf_data q = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (rev < self->revisions->len, NULL);
  if (!open_reading (self, &g_array_index (self->revisions, Revision, rev), &q, error))
    {
      qpdf_cleanup (&q);
      return NULL;
    }
  return q;
}

void
inkan_revisions_release_pages (InkanRevisions *self)
{
  g_return_if_fail (self != NULL);
  release_mapped_pages (self);
}
