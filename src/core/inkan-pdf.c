/* Strict reading of a PDF with qpdf, and the incremental update that carries a signature. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-pdf-private.h"
#include "inkan-qpdf-private.h"
#include "inkan-qpdf-walk-private.h"

#include "inkan-draw-private.h"
#include "inkan-evidence.h"
#include "inkan-module-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <qpdf/qpdfjob-c.h>
#include <qpdf/qpdflogger-c.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

G_DEFINE_QUARK (inkan-pdf-error-quark, inkan_pdf_error)

/* The file tail holds startxref; ISO 32000 puts it in the last 1024 bytes. */
#define TAIL_SIZE 1024
/* A last cross-reference table larger than this is not a document we seal. */
#define MAX_XREF_TABLE (64u * 1024 * 1024)
/* Inherited page attributes are looked up this many /Parent levels up at most. */
#define MAX_TREE_DEPTH 64
/* Width reserved for the three patched /ByteRange integers and their separators. */
#define BYTE_RANGE_WIDTH 64

struct _InkanPdf
{
  GObject parent_instance;

  char *path;
  char *display;
  guint64 size;
  qpdf_data qpdf;
  void *map;              /* the file, mapped for qpdf to read */
  GArray *pages;          /* PageRef: the page tree's leaves in order */
  gboolean xref_stream;
  gboolean ends_with_eol;
  guint64 eof_end;        /* just after the last "%%EOF" */
  guint64 startxref;
  int trailer_size;
  char *root_ref;
  char *info_ref;
  char *id_array;
};

G_DEFINE_FINAL_TYPE (InkanPdf, inkan_pdf, G_TYPE_OBJECT)

static void
inkan_pdf_finalize (GObject *object)
{
  InkanPdf *self = INKAN_PDF (object);

  if (self->qpdf != NULL)
    qpdf_cleanup (&self->qpdf);
  g_clear_pointer (&self->pages, g_array_unref);
  if (self->map != NULL)
    munmap (self->map, self->size);
  g_free (self->path);
  g_free (self->display);
  g_free (self->root_ref);
  g_free (self->info_ref);
  g_free (self->id_array);

  G_OBJECT_CLASS (inkan_pdf_parent_class)->finalize (object);
}

static void
inkan_pdf_class_init (InkanPdfClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_pdf_finalize;
}

static void
inkan_pdf_init (InkanPdf *self)
{
}

/* ---- errors ------------------------------------------------------------------------------ */

static gboolean
set_damaged (InkanPdf *self, GError **error, const char *detail)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
               _("“%s” is damaged or is not a valid PDF document (%s). Ask the sender for an intact "
                 "copy; Inkan does not seal documents that need repair to be read."),
               self->display, detail);
  return FALSE;
}

/* qpdf reports a failed object access through its error slot; a warning means it had to guess. */
static gboolean
check_reading (InkanPdf *self, qpdf_data q, GError **error)
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

      if (_inkan_qpdf_warning_is_harmless (text))
        continue;
      return set_damaged (self, error, text);
    }
  return TRUE;
}

static gboolean
check_qpdf (InkanPdf *self, GError **error)
{
  return check_reading (self, self->qpdf, error);
}

/* ---- qpdf access that never warns ------------------------------------------------------ */

/* qpdf warns (and we treat warnings as damage) when a key is asked of something that is not a
 * dictionary; absent optional entries are normal, so ask only dictionaries. */
static qpdf_oh
dict_get (qpdf_data q, qpdf_oh oh, const char *key)
{
  if (!qpdf_oh_is_dictionary (q, oh))
    return qpdf_oh_new_null (q);
  return qpdf_oh_get_key (q, oh, key);
}

static gboolean
dict_has (qpdf_data q, qpdf_oh oh, const char *key)
{
  return qpdf_oh_is_dictionary (q, oh) && qpdf_oh_has_key (q, oh, key);
}

/* The kept reading (self->qpdf) reads the mapped file through memory, which spares it the
 * hundreds of thousands of seek and read calls qpdf makes on a file; it looks at a few objects
 * only (the walk over all of them reads by pread: inkan-qpdf-walk.cc). The pages it touched are
 * given back now and then, so that the process does not hold a large document in memory: they
 * are clean file pages and come back from the page cache if qpdf looks again. */
static void
release_mapped_pages (InkanPdf *self)
{
  if (self->map != NULL)
    madvise (self->map, self->size, MADV_DONTNEED);
}

/* ---- the file tail ----------------------------------------------------------------------- */

static gboolean
is_eol (char c)
{
  return c == '\r' || c == '\n';
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0';
}

static gboolean
read_at (int fd, guint64 offset, guint8 *buf, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, buf + done, len - done, (off_t) (offset + done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Skips blanks, then one or more end-of-line markers, which must be there. */
static gboolean
skip_line_end (const char **p, const char *end)
{
  while (*p < end && (**p == ' ' || **p == '\t'))
    (*p)++;
  if (*p >= end || !is_eol (**p))
    return FALSE;
  while (*p < end && is_eol (**p))
    (*p)++;
  return TRUE;
}

/* Parses an unsigned decimal of at most 19 digits at *p, advancing it. */
static gboolean
parse_uint (const char **p, const char *end, guint64 *value)
{
  const char *start = *p;
  guint64 v = 0;

  while (*p < end && g_ascii_isdigit (**p) && *p - start < 19)
    v = v * 10 + (guint64) (*(*p)++ - '0');
  if (*p == start || (*p < end && g_ascii_isdigit (**p)))
    return FALSE;
  *value = v;
  return TRUE;
}

/* Parses one cross-reference table section as ISO 32000 7.5.4 writes it: subsection headers
 * and 20-byte entries, up to the trailer keyword, where *trailer is left. `buf` holds the file
 * from the "xref" keyword to its end. qpdf with recovery off still accepts some malformed tables
 * by reparsing; a signer must not build on a guess. The in-use entries go to `listed` when it is
 * given. */
static gboolean
parse_xref_table (InkanPdf *self, const char *buf, const char *end, guint64 *first_object,
                  GArray *listed, const char **trailer, GError **error)
{
  const char *p = buf + 4;
  gboolean first = TRUE;

  if (!skip_line_end (&p, end))
    return set_damaged (self, error, _("malformed cross-reference table header"));

  for (;;)
    {
      guint64 start, count, i;

      if (end - p >= 7 && memcmp (p, "trailer", 7) == 0)
        break;
      if (!parse_uint (&p, end, &start) || p >= end || *p != ' ')
        return set_damaged (self, error, _("malformed cross-reference subsection"));
      p++;
      if (!parse_uint (&p, end, &count))
        return set_damaged (self, error, _("malformed cross-reference subsection"));
      if (!skip_line_end (&p, end))
        return set_damaged (self, error, _("malformed cross-reference subsection"));
      if (first)
        *first_object = start;
      first = FALSE;
      if (count > (guint64) (end - p) / 20)
        return set_damaged (self, error, _("truncated cross-reference table"));
      for (i = 0; i < count; i++, p += 20)
        {
          const char *e = p;
          guint64 off, gen;

          if (!parse_uint (&e, p + 10, &off) || e != p + 10 || p[10] != ' ')
            return set_damaged (self, error, _("malformed cross-reference entry"));
          e = p + 11;
          if (!parse_uint (&e, p + 16, &gen) || e != p + 16 || p[16] != ' ')
            return set_damaged (self, error, _("malformed cross-reference entry"));
          if ((p[17] != 'n' && p[17] != 'f')
              || !((p[18] == ' ' && is_eol (p[19])) || (p[18] == '\r' && p[19] == '\n')))
            return set_damaged (self, error, _("malformed cross-reference entry"));
          if (p[17] == 'n' && off >= self->size)
            return set_damaged (self, error, _("cross-reference entry beyond the end of the file"));
          /* Object 0 heads the free list; qpdf ignores an entry for it whatever it says. */
          if (p[17] == 'n' && listed != NULL && start + i != 0)
            {
              InkanListedObject o = { off, start + i, (int) gen, FALSE };
              g_array_append_val (listed, o);
            }
        }
    }
  if (first)
    return set_damaged (self, error, _("empty cross-reference table"));
  if (trailer != NULL)
    *trailer = p;
  return TRUE;
}

static gboolean
check_xref_table (InkanPdf *self, int fd, guint64 offset, guint64 *first_object, GError **error)
{
  g_autofree char *buf = NULL;
  guint64 len = self->size - offset;

  if (len > MAX_XREF_TABLE)
    return set_damaged (self, error, _("cross-reference table too large"));
  if (self->map != NULL)
    {
      const char *map = self->map;
      return parse_xref_table (self, map + offset, map + self->size, first_object, NULL, NULL,
                               error);
    }
  buf = g_malloc (len);
  if (!read_at (fd, offset, (guint8 *) buf, len))
    return set_damaged (self, error, _("cannot read the cross-reference table"));
  return parse_xref_table (self, buf, buf + len, first_object, NULL, NULL, error);
}

/* Finds the last cross-reference section from the file tail, refusing anything but a clean
 * "startxref / offset / %%EOF" ending followed by white space only. */
static gboolean
parse_tail (InkanPdf *self, int fd, guint64 *first_object, GError **error)
{
  guint8 tail[TAIL_SIZE + 1];
  guint8 head[64];
  gsize len = (gsize) MIN (self->size, TAIL_SIZE);
  const char *t = (const char *) tail, *p, *end, *found = NULL;
  guint64 offset;

  if (self->size < 32 || !read_at (fd, self->size - len, tail, len))
    return set_damaged (self, error, _("file too short"));
  tail[len] = '\0';
  self->ends_with_eol = is_eol (t[len - 1]);
  for (p = t; p + 9 <= t + len; p++)
    if (memcmp (p, "startxref", 9) == 0)
      found = p;
  if (found == NULL)
    return set_damaged (self, error, _("no startxref at the end of the file"));

  p = found + 9;
  end = t + len;
  if (!skip_line_end (&p, end))
    return set_damaged (self, error, _("malformed startxref"));
  if (!parse_uint (&p, end, &offset))
    return set_damaged (self, error, _("malformed startxref"));
  if (!skip_line_end (&p, end))
    return set_damaged (self, error, _("malformed startxref"));
  if (end - p < 5 || memcmp (p, "%%EOF", 5) != 0)
    return set_damaged (self, error, _("no %%EOF marker after startxref"));
  self->eof_end = self->size - len + (guint64) (p - t) + 5;
  for (p += 5; p < end; p++)
    if (!is_space (*p) || *p == '\0')
      return set_damaged (self, error, _("data after the last %%EOF marker"));

  if (offset + 8 > self->size || !read_at (fd, offset, head, MIN (sizeof head, self->size - offset)))
    return set_damaged (self, error, _("startxref points outside the file"));
  self->startxref = offset;
  if (memcmp (head, "xref", 4) == 0)
    {
      self->xref_stream = FALSE;
      return check_xref_table (self, fd, offset, first_object, error);
    }
  else
    {
      const char *h = (const char *) head, *hend = h + MIN (sizeof head, self->size - offset);
      guint64 num, gen;

      self->xref_stream = TRUE;
      if (!parse_uint (&h, hend, &num) || h >= hend || !is_space (*h))
        return set_damaged (self, error, _("startxref does not point to a cross-reference section"));
      while (h < hend && is_space (*h))
        h++;
      if (!parse_uint (&h, hend, &gen) || h >= hend || !is_space (*h))
        return set_damaged (self, error, _("startxref does not point to a cross-reference section"));
      while (h < hend && is_space (*h))
        h++;
      if (hend - h < 3 || memcmp (h, "obj", 3) != 0)
        return set_damaged (self, error, _("startxref does not point to a cross-reference section"));
      *first_object = 0;
    }
  return TRUE;
}

/* ---- walking every reachable object ------------------------------------------------------ */

static GPtrArray *
dict_keys (qpdf_data q, qpdf_oh dict)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  qpdf_oh_begin_dict_key_iter (q, dict);
  while (qpdf_oh_dict_more_keys (q))
    g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (q)));
  return keys;
}

static int
collect_log (char const *data, size_t len, void *user_data)
{
  g_string_append_len (user_data, data, (gssize) len);
  return 0;
}

/* qpdf's own listing of the cross-reference entries it will use, through `qpdf --show-xref`.
 * It reads the file a second time, by small reads and seeks: the fallback for the sections that
 * list_tables leaves to qpdf. */
static gboolean
list_with_qpdfjob (InkanPdf *self, GArray *listed, GError **error)
{
  const char *argv[] = { "qpdf", "--show-xref", self->path, NULL };
  g_autoptr (GString) listing = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  qpdfjob_handle job = qpdfjob_init ();
  qpdflogger_handle logger = qpdflogger_create ();
  int rc = 1;
  guint i;

  qpdflogger_set_info (logger, qpdf_log_dest_custom, collect_log, listing);
  qpdflogger_set_warn (logger, qpdf_log_dest_discard, NULL, NULL);
  qpdflogger_set_error (logger, qpdf_log_dest_discard, NULL, NULL);
  qpdfjob_set_logger (job, logger);
  if (qpdfjob_initialize_from_argv (job, argv) == 0)
    rc = qpdfjob_run (job);
  qpdfjob_cleanup (&job);
  qpdflogger_cleanup (&logger);
  if (rc != 0)
    return set_damaged (self, error, _("unreadable cross-reference sections"));

  g_array_set_size (listed, 0);
  lines = g_strsplit (listing->str, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      int id, gen, n = 0;
      InkanListedObject o = { 0 };

      if (sscanf (lines[i], "%d/%d: %n", &id, &gen, &n) != 2 || n == 0)
        continue;
      if (id <= 0)
        {
          g_autofree char *detail = g_strdup_printf (_("object %d, beyond the declared size"), id);
          return set_damaged (self, error, detail);
        }
      o.id = (guint64) id;
      o.gen = gen;
      o.compressed = g_str_has_prefix (lines[i] + n, "compressed;");
      if (sscanf (lines[i] + n, o.compressed ? "compressed; stream = %" G_GUINT64_FORMAT
                                             : "uncompressed; offset = %" G_GUINT64_FORMAT,
                  &o.offset)
          != 1)
        o.offset = G_MAXUINT64;
      /* As for a table's entry (parse_xref_table); qpdf prints a negative offset as such, which
       * reads here as beyond the end too. */
      if (!o.compressed && o.offset >= self->size)
        return set_damaged (self, error, _("cross-reference entry beyond the end of the file"));
      g_array_append_val (listed, o);
    }
  return TRUE;
}

/* ---- trailers of older tables ------------------------------------------------------------ */

static gboolean
is_delimiter (char c)
{
  return strchr ("()<>[]{}/%", c) != NULL;
}

/* Skips white space and comments. */
static void
skip_blanks (const char **p, const char *end)
{
  while (*p < end)
    {
      if (is_space (**p))
        (*p)++;
      else if (**p == '%')
        while (*p < end && !is_eol (**p))
          (*p)++;
      else
        break;
    }
}

/* Skips one object of a trailer dictionary (ISO 32000 7.3): numbers, references, names,
 * strings, booleans, null, and arrays and dictionaries of them. Sets *integer for a plain
 * integer. FALSE for anything else, which leaves the section to qpdf. */
static gboolean
skip_object (const char **p, const char *end, int depth, gint64 *integer, gboolean *is_integer)
{
  const char *q;

  *is_integer = FALSE;
  skip_blanks (p, end);
  if (*p >= end || depth > 8)
    return FALSE;
  if (end - *p >= 2 && memcmp (*p, "<<", 2) == 0)
    {
      gint64 v;
      gboolean i;

      for (*p += 2;;)
        {
          skip_blanks (p, end);
          if (end - *p >= 2 && memcmp (*p, ">>", 2) == 0)
            {
              *p += 2;
              return TRUE;
            }
          if (*p >= end || **p != '/' || !skip_object (p, end, depth + 1, &v, &i)
              || !skip_object (p, end, depth + 1, &v, &i))
            return FALSE;
        }
    }
  switch (**p)
    {
    case '[':
      for ((*p)++;;)
        {
          gint64 v;
          gboolean i;

          skip_blanks (p, end);
          if (*p < end && **p == ']')
            {
              (*p)++;
              return TRUE;
            }
          if (!skip_object (p, end, depth + 1, &v, &i))
            return FALSE;
        }
    case '(':
      {
        int nesting = 0;

        for ((*p)++; *p < end; (*p)++)
          {
            if (**p == '\\')
              (*p)++;
            else if (**p == '(')
              nesting++;
            else if (**p == ')' && nesting-- == 0)
              {
                (*p)++;
                return TRUE;
              }
          }
        return FALSE;
      }
    case '<':
      for ((*p)++; *p < end && (g_ascii_isxdigit (**p) || is_space (**p)); (*p)++)
        ;
      if (*p >= end || **p != '>')
        return FALSE;
      (*p)++;
      return TRUE;
    case '/':
      for ((*p)++; *p < end && !is_space (**p) && !is_delimiter (**p); (*p)++)
        ;
      return TRUE;
    default:
      break;
    }
  q = *p;
  while (q < end && !is_space (*q) && !is_delimiter (*q))
    q++;
  if (q == *p)
    return FALSE;
  if ((q - *p == 4 && (memcmp (*p, "true", 4) == 0 || memcmp (*p, "null", 4) == 0))
      || (q - *p == 5 && memcmp (*p, "false", 5) == 0))
    {
      *p = q;
      return TRUE;
    }
  if (g_ascii_isdigit (**p))
    {
      guint64 v, gen;
      const char *r = *p;

      if (parse_uint (&r, q, &v) && r == q && v <= G_MAXINT64)
        {
          /* "N G R" is a reference, not an integer. */
          const char *s = q;

          *p = q;
          *integer = (gint64) v;
          *is_integer = TRUE;
          skip_blanks (&s, end);
          if (parse_uint (&s, end, &gen) && s < end && is_space (*s))
            {
              skip_blanks (&s, end);
              if (s < end && *s == 'R' && (s + 1 == end || is_space (s[1]) || is_delimiter (s[1])))
                {
                  *p = s + 1;
                  *is_integer = FALSE;
                }
            }
          return TRUE;
        }
    }
  /* Any other number: a sign, a decimal point and digits. */
  for (; *p < q; (*p)++)
    if (!g_ascii_isdigit (**p) && **p != '.' && **p != '-' && **p != '+')
      return FALSE;
  return TRUE;
}

/* Reads /Prev from the trailer dictionary after a table, which must be followed by startxref.
 * FALSE when qpdf should judge the section itself: an unusual trailer, or a hybrid file whose
 * /XRefStm points into a cross-reference stream. */
static gboolean
trailer_prev (InkanPdf *self, const char *trailer, guint64 *prev, gboolean *has_prev)
{
  const char *end = (const char *) self->map + self->size;
  const char *p = trailer + 7;

  *has_prev = FALSE;
  skip_blanks (&p, end);
  if (end - p < 2 || memcmp (p, "<<", 2) != 0)
    return FALSE;
  for (p += 2;;)
    {
      const char *key;
      gint64 value;
      gboolean is_integer;
      gsize key_len;

      skip_blanks (&p, end);
      if (end - p >= 2 && memcmp (p, ">>", 2) == 0)
        break;
      key = p;
      if (p >= end || *p != '/' || !skip_object (&p, end, 1, &value, &is_integer))
        return FALSE;
      key_len = (gsize) (p - key);
      /* A key spelt with #xx escapes could be /Prev or /XRefStm in disguise. */
      if (memchr (key, '#', key_len) != NULL)
        return FALSE;
      if (!skip_object (&p, end, 1, &value, &is_integer))
        return FALSE;
      if (key_len == 8 && memcmp (key, "/XRefStm", 8) == 0)
        return FALSE;
      if (key_len == 5 && memcmp (key, "/Prev", 5) == 0)
        {
          if (*has_prev || !is_integer || value < 0 || (guint64) value >= self->size)
            return FALSE;
          *has_prev = TRUE;
          *prev = (guint64) value;
        }
    }
  p += 2;
  skip_blanks (&p, end);
  return end - p >= 9 && memcmp (p, "startxref", 9) == 0;
}

/* Lists the in-use entries of every cross-reference section, newest first along /Prev, when
 * all of them are tables: text, parsed here from the mapped file in a millisecond, where qpdf's
 * listing would read the file again by small reads. Returns FALSE, with nothing listed, to leave
 * the listing to qpdf: a cross-reference stream, a hybrid file, an older table written loosely,
 * a /Prev loop. Listing more than qpdf uses (an entry a newer section frees) only checks more. */
static gboolean
list_tables (InkanPdf *self, GArray *listed)
{
  const char *map = self->map, *trailer;
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 offset = self->startxref, first_object, prev = 0;
  gboolean has_prev = TRUE;
  guint i;

  if (map == NULL || self->xref_stream)
    return FALSE;
  while (has_prev)
    {
      if (seen->len >= 4096 || offset + 4 > self->size || memcmp (map + offset, "xref", 4) != 0)
        goto leave_to_qpdf;
      for (i = 0; i < seen->len; i++)
        if (g_array_index (seen, guint64, i) == offset)
          goto leave_to_qpdf;
      g_array_append_val (seen, offset);
      if (!parse_xref_table (self, map + offset, map + self->size, &first_object, listed, &trailer,
                             NULL)
          || !trailer_prev (self, trailer, &prev, &has_prev))
        goto leave_to_qpdf;
      offset = prev;
    }
  return TRUE;

leave_to_qpdf:
  g_array_set_size (listed, 0);
  return FALSE;
}

/* A strict reading of the file (recovery off, warnings kept for check_reading) in `*out`;
 * returns qpdf's status. */
static QPDF_ERROR_CODE
open_reading (InkanPdf *self, qpdf_data *out)
{
  qpdf_data q = *out = qpdf_init ();

  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  qpdf_set_attempt_recovery (q, QPDF_FALSE);
  return self->map != NULL ? qpdf_read_memory (q, self->display, self->map, self->size, NULL)
                           : qpdf_read (q, self->path, NULL);
}

/* ---- the page tree ------------------------------------------------------------------ */

/* An object of the page tree as the file-order walk met it: qpdf's own page list would keep
 * every page dictionary parsed, so the tree is checked, and its leaves listed, from these. */
typedef struct
{
  int gen;
  guint8 type;            /* INKAN_QPDF_NODE_* */
  gboolean has_kids;      /* a /Kids entry, whatever its value */
  GArray *kids;           /* PageRef; NULL when /Kids is not an array */
} TreeNode;

typedef struct
{
  int id;                 /* 0: a direct object */
  int gen;
} PageRef;

static void
tree_node_free (gpointer data)
{
  TreeNode *node = data;

  g_clear_pointer (&node->kids, g_array_unref);
  g_free (node);
}

/* Notes a dictionary of the walk that may belong to the page tree (InkanQpdfNodeFunc). */
static void
tree_note (int id, int gen, int kind, gboolean has_kids, const int *kids, int n_kids,
           gpointer data)
{
  GHashTable *nodes = data;
  TreeNode *node = g_new0 (TreeNode, 1);
  int i;

  node->gen = gen;
  node->type = (guint8) kind;
  node->has_kids = has_kids;
  if (n_kids >= 0)
    {
      node->kids = g_array_sized_new (FALSE, FALSE, sizeof (PageRef), (guint) n_kids);
      for (i = 0; i < n_kids; i++)
        {
          PageRef ref = { kids[2 * i], kids[2 * i + 1] };

          g_array_append_val (node->kids, ref);
        }
    }
  g_hash_table_replace (nodes, GINT_TO_POINTER (id), node);
}

/* Lists the leaves of the page tree under `root` in order, refusing what qpdf's reading of
 * the tree (recovery off) would warn about or fail on: a loop, an intermediate node not typed
 * /Pages or whose /Kids is no array, a page met twice, a direct page, a kid that is no page. */
static gboolean
tree_list_pages (InkanPdf *self, GHashTable *nodes, PageRef root, GError **error)
{
  g_autoptr (GHashTable) visited = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint64));
  TreeNode *node = g_hash_table_lookup (nodes, GINT_TO_POINTER (root.id));
  GArray *pages = g_array_new (FALSE, FALSE, sizeof (PageRef));

  g_clear_pointer (&self->pages, g_array_unref);
  self->pages = pages;
  if (root.id <= 0 || node == NULL || node->gen != root.gen || !node->has_kids)
    return set_damaged (self, error, _("unreadable page tree"));
  g_hash_table_add (visited, GINT_TO_POINTER (root.id));
  /* Each frame: the node's object number (high half) and the next kid to take (low half). */
  {
    guint64 frame = (guint64) root.id << 32;
    g_array_append_val (stack, frame);
  }
  while (stack->len > 0)
    {
      guint64 *top = &g_array_index (stack, guint64, stack->len - 1);
      TreeNode *cur = g_hash_table_lookup (nodes, GINT_TO_POINTER ((int) (*top >> 32)));
      guint next = (guint) (*top & G_MAXUINT32);
      PageRef kid;
      TreeNode *child;

      if (cur->type != INKAN_QPDF_NODE_PAGES || cur->kids == NULL)
        return set_damaged (self, error, _("unreadable page tree"));
      if (next >= cur->kids->len)
        {
          g_array_set_size (stack, stack->len - 1);
          continue;
        }
      *top += 1;
      kid = g_array_index (cur->kids, PageRef, next);
      child = kid.id > 0 ? g_hash_table_lookup (nodes, GINT_TO_POINTER (kid.id)) : NULL;
      if (child == NULL || child->gen != kid.gen)
        return set_damaged (self, error, _("unreadable page tree"));
      if (!g_hash_table_add (visited, GINT_TO_POINTER (kid.id)))
        return set_damaged (self, error, _("a page tree that refers to a page or node twice"));
      if (child->has_kids)
        {
          guint64 frame = (guint64) kid.id << 32;

          if (stack->len > 4096)
            return set_damaged (self, error, _("unreadable page tree"));
          g_array_append_val (stack, frame);
        }
      else if (child->type != INKAN_QPDF_NODE_PAGE)
        return set_damaged (self, error, _("unreadable page tree"));
      else
        g_array_append_val (pages, kid);
    }
  return TRUE;
}

/* The page at `index` (from 0) in the kept reading. */
static qpdf_oh
page_object (InkanPdf *self, guint index)
{
  const PageRef *ref = &g_array_index (self->pages, PageRef, index);

  return qpdf_get_object_by_id (self->qpdf, ref->id, ref->gen);
}

/* The index (from 0) of the page that is object `id` `gen`, or -1. */
static int
page_index (InkanPdf *self, int id, int gen)
{
  guint i;

  for (i = 0; i < self->pages->len; i++)
    {
      const PageRef *ref = &g_array_index (self->pages, PageRef, i);

      if (ref->id == id && ref->gen == gen)
        return (int) i;
    }
  return -1;
}

/* Parses every object the cross-reference sections list, so that a broken object anywhere is
 * found now rather than by a reader of the signed file, in file order (the walk sorts them), so
 * that the file is read once, front to back. qpdf hides dictionary entries whose value is null,
 * so an object missing from its object stream would be invisible otherwise: every compressed
 * object listed must exist. The walk has a reading of its own, which drops each object once parsed
 * (inkan-qpdf-walk.cc); the page tree's objects are noted in `nodes` on the way (tree_note). */
static gboolean
check_xref_entries (InkanPdf *self, int fd, GHashTable *nodes, GError **error)
{
  g_autoptr (GArray) listed = g_array_new (FALSE, FALSE, sizeof (InkanListedObject));
  InkanQpdfWalk walk = { NULL, 0, 0, tree_note, nodes, NULL };
  InkanQpdfWalkResult result;
  g_autofree char *detail = NULL;

  if (!list_tables (self, listed) && !list_with_qpdfjob (self, listed, error))
    return FALSE;
  walk.objects = (const InkanListedObject *) (const void *) listed->data;
  walk.n_objects = listed->len;
  walk.trailer_size = self->trailer_size;
  if (_inkan_qpdf_walk (fd, NULL, self->size, self->display, &walk, &result))
    return TRUE;

  switch (result.status)
    {
    case INKAN_QPDF_WALK_BEYOND_SIZE:
      detail = g_strdup_printf (_("object %" PRIu64 ", beyond the declared size"), result.id);
      break;
    case INKAN_QPDF_WALK_MISSING:
      detail = g_strdup_printf (_("object %" PRIu64 " is missing from its object stream"),
                                result.id);
      break;
    case INKAN_QPDF_WALK_REFERENCE_BEYOND:
      detail = g_strdup_printf (_("a reference to object %d, beyond the declared size"),
                                (int) result.id);
      break;
    case INKAN_QPDF_WALK_DAMAGED:
    case INKAN_QPDF_WALK_OK:
    default:
      detail = g_strdup (result.text != NULL ? result.text : "");
      break;
    }
  g_free (result.text);
  return set_damaged (self, error, detail);
}

/* ---- opening ----------------------------------------------------------------------------- */

/* Reads the open file `fd`, mapped in self->map where it could be. */
static gboolean
read_opened (InkanPdf *self, int fd, GError **error)
{
  qpdf_data q;
  qpdf_oh trailer, root, size, info, id, pages;
  g_autoptr (GHashTable) nodes = NULL;
  QPDF_ERROR_CODE status;
  guint64 first_object = 0;

  if (!parse_tail (self, fd, &first_object, error))
    return FALSE;

  status = open_reading (self, &self->qpdf);
  q = self->qpdf;
  if (status & QPDF_ERRORS)
    {
      qpdf_error e = qpdf_get_error (q);
      const char *text = qpdf_get_error_full_text (q, e);

      if (qpdf_get_error_code (q, e) == qpdf_e_password || strstr (text, "encrypt") != NULL)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED,
                       _("“%s” is encrypted. Inkan seals only unencrypted documents: ask the "
                         "sender for an unprotected copy."),
                       self->display);
          return FALSE;
        }
      return set_damaged (self, error, text);
    }
  if (qpdf_is_encrypted (q))
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_ENCRYPTED,
                   _("“%s” is encrypted. Inkan seals only unencrypted documents: ask the sender "
                     "for an unprotected copy."),
                   self->display);
      return FALSE;
    }
  if (!check_qpdf (self, error))
    return FALSE;

  trailer = qpdf_get_trailer (q);
  size = dict_get (q, trailer, "/Size");
  if (!qpdf_oh_is_integer (q, size) || qpdf_oh_get_int_value (q, size) <= 0
      || qpdf_oh_get_int_value (q, size) > G_MAXINT / 2)
    return set_damaged (self, error, _("the trailer has no valid /Size"));
  self->trailer_size = (int) qpdf_oh_get_int_value (q, size);
  root = dict_get (q, trailer, "/Root");
  if (!qpdf_oh_is_indirect (q, root) || !qpdf_oh_is_dictionary (q, root))
    return set_damaged (self, error, _("the trailer has no document catalog"));
  self->root_ref = g_strdup (qpdf_oh_unparse (q, root));
  info = dict_get (q, trailer, "/Info");
  if (qpdf_oh_is_indirect (q, info))
    self->info_ref = g_strdup (qpdf_oh_unparse (q, info));
  id = dict_get (q, trailer, "/ID");
  if (qpdf_oh_is_array (q, id))
    self->id_array = g_strdup (qpdf_oh_unparse (q, id));
  if (!self->xref_stream && first_object != 0 && !dict_has (q, trailer, "/Prev"))
    return set_damaged (self, error, _("the only cross-reference table does not start at object 0"));

  nodes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, tree_node_free);
  if (!check_xref_entries (self, fd, nodes, error))
    return FALSE;

  pages = dict_get (q, root, "/Pages");
  if (!qpdf_oh_is_indirect (q, pages))
    return set_damaged (self, error, _("unreadable page tree"));
  if (!tree_list_pages (self, nodes,
                        (PageRef){ qpdf_oh_get_object_id (q, pages),
                                   qpdf_oh_get_generation (q, pages) },
                        error))
    return FALSE;
  if (self->pages->len == 0)
    return set_damaged (self, error, _("the document has no pages"));

  qpdf_oh_release_all (q);
  release_mapped_pages (self);
  return check_qpdf (self, error);
}

static gboolean
read_strictly (InkanPdf *self, GError **error)
{
  struct stat st;
  gboolean ok;
  int fd;

  fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_PDF_ERROR,
                   INKAN_PDF_ERROR_NOT_FOUND,
                   _("Cannot open “%s”: %s."), self->display, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                   _("“%s” is not a regular file."), self->display);
      return FALSE;
    }
  self->size = (guint64) st.st_size;
  if (self->size > 0 && self->size <= G_MAXSIZE)
    {
      self->map = mmap (NULL, (gsize) self->size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (self->map == MAP_FAILED)
        self->map = NULL;
      else
        madvise (self->map, (gsize) self->size, MADV_RANDOM);
    }
  ok = read_opened (self, fd, error);
  close (fd);
  return ok;
}

InkanPdf *
inkan_pdf_open (const char *path, GError **error)
{
  g_autoptr (InkanPdf) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (INKAN_TYPE_PDF, NULL);
  self->path = g_strdup (path);
  self->display = g_filename_display_name (path);
  if (!read_strictly (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
inkan_pdf_get_path (InkanPdf *self)
{
  g_return_val_if_fail (INKAN_IS_PDF (self), NULL);
  return self->path;
}

guint64
inkan_pdf_get_size (InkanPdf *self)
{
  g_return_val_if_fail (INKAN_IS_PDF (self), 0);
  return self->size;
}

guint
inkan_pdf_get_n_pages (InkanPdf *self)
{
  g_return_val_if_fail (INKAN_IS_PDF (self), 0);
  return self->pages->len;
}

guint64
_inkan_pdf_get_revision_end (InkanPdf *self)
{
  g_return_val_if_fail (INKAN_IS_PDF (self), 0);
  return self->eof_end;
}

gboolean
inkan_pdf_has_xref_stream (InkanPdf *self)
{
  g_return_val_if_fail (INKAN_IS_PDF (self), FALSE);
  return self->xref_stream;
}

/* ---- page geometry ----------------------------------------------------------------------- */

typedef struct
{
  int id, gen;
  double box[4];   /* crop box ∩ media box, default user space, x0 y0 x1 y1 */
  int rotate;      /* 0, 90, 180 or 270 */
  double unit;     /* points per user unit */
} PageGeometry;

static qpdf_oh
inherited_key (qpdf_data q, qpdf_oh page, const char *key)
{
  qpdf_oh node = page;
  int depth;

  for (depth = 0; depth < MAX_TREE_DEPTH && qpdf_oh_is_dictionary (q, node); depth++)
    {
      if (dict_has (q, node, key))
        return dict_get (q, node, key);
      node = dict_get (q, node, "/Parent");
    }
  return qpdf_oh_new_null (q);
}

static gboolean
read_box (qpdf_data q, qpdf_oh array, double box[4])
{
  double v[4];
  int i;

  if (!qpdf_oh_is_array (q, array) || qpdf_oh_get_array_n_items (q, array) != 4)
    return FALSE;
  for (i = 0; i < 4; i++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, array, i);
      if (!qpdf_oh_is_number (q, item))
        return FALSE;
      v[i] = qpdf_oh_get_numeric_value (q, item);
      if (!isfinite (v[i]))
        return FALSE;
    }
  box[0] = MIN (v[0], v[2]);
  box[1] = MIN (v[1], v[3]);
  box[2] = MAX (v[0], v[2]);
  box[3] = MAX (v[1], v[3]);
  return TRUE;
}

static gboolean
page_geometry (InkanPdf *self, guint page, PageGeometry *geo, GError **error)
{
  qpdf_data q = self->qpdf;
  qpdf_oh oh, rotate, unit;
  double media[4] = { 0, 0, 612, 792 }, crop[4];

  if (page < 1 || page > self->pages->len)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE,
                   ngettext ("There is no page %u: “%s” has %u page.",
                             "There is no page %u: “%s” has %u pages.", self->pages->len),
                   page, self->display, self->pages->len);
      return FALSE;
    }
  oh = page_object (self, page - 1);
  geo->id = qpdf_oh_get_object_id (q, oh);
  geo->gen = qpdf_oh_get_generation (q, oh);
  /* A missing /MediaBox is an error in the file; readers fall back to US Letter, so do we. */
  read_box (q, inherited_key (q, oh, "/MediaBox"), media);
  if (!read_box (q, inherited_key (q, oh, "/CropBox"), crop))
    memcpy (crop, media, sizeof crop);
  geo->box[0] = MAX (crop[0], media[0]);
  geo->box[1] = MAX (crop[1], media[1]);
  geo->box[2] = MIN (crop[2], media[2]);
  geo->box[3] = MIN (crop[3], media[3]);
  if (geo->box[2] <= geo->box[0] || geo->box[3] <= geo->box[1])
    memcpy (geo->box, media, sizeof geo->box);

  rotate = inherited_key (q, oh, "/Rotate");
  geo->rotate = qpdf_oh_is_integer (q, rotate) ? (int) (qpdf_oh_get_int_value (q, rotate) % 360) : 0;
  if (geo->rotate < 0)
    geo->rotate += 360;
  if (geo->rotate % 90 != 0)
    geo->rotate = 0;

  unit = dict_get (q, oh, "/UserUnit");
  geo->unit = qpdf_oh_is_number (q, unit) ? qpdf_oh_get_numeric_value (q, unit) : 1.0;
  if (!isfinite (geo->unit) || geo->unit <= 0)
    geo->unit = 1.0;
  return check_qpdf (self, error);
}

static void
visible_size (const PageGeometry *geo, double *width, double *height)
{
  double w = (geo->box[2] - geo->box[0]) * geo->unit;
  double h = (geo->box[3] - geo->box[1]) * geo->unit;

  if (geo->rotate == 90 || geo->rotate == 270)
    {
      double t = w;
      w = h;
      h = t;
    }
  *width = w;
  *height = h;
}

gboolean
inkan_pdf_get_page_size (InkanPdf *self, guint page, double *width, double *height,
                         GError **error)
{
  PageGeometry geo;
  gboolean ok;
  double w, h;

  g_return_val_if_fail (INKAN_IS_PDF (self), FALSE);

  ok = page_geometry (self, page, &geo, error);
  qpdf_oh_release_all (self->qpdf);
  if (!ok)
    return FALSE;
  visible_size (&geo, &w, &h);
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
  return TRUE;
}

static void
visible_to_user (const PageGeometry *geo, const InkanRect *v, InkanRect *u)
{
  double x = v->x / geo->unit, y = v->y / geo->unit;
  double w = v->width / geo->unit, h = v->height / geo->unit;
  const double *b = geo->box;

  switch (geo->rotate)
    {
    case 90:
      *u = (InkanRect){ b[2] - y - h, b[1] + x, h, w };
      break;
    case 180:
      *u = (InkanRect){ b[2] - x - w, b[3] - y - h, w, h };
      break;
    case 270:
      *u = (InkanRect){ b[0] + y, b[3] - x - w, h, w };
      break;
    default:
      *u = (InkanRect){ b[0] + x, b[1] + y, w, h };
      break;
    }
}

static gboolean
check_placement (InkanPdf *self, const PageGeometry *geo, guint page, const InkanRect *r,
                 GError **error)
{
  const double eps = 1e-6;
  double vw, vh;

  visible_size (geo, &vw, &vh);
  if (!isfinite (r->x) || !isfinite (r->y) || !isfinite (r->width) || !isfinite (r->height)
      || r->width <= 0 || r->height <= 0 || r->x < -eps || r->y < -eps
      || r->x + r->width > vw + eps || r->y + r->height > vh + eps)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PLACEMENT,
                   _("The seal’s rectangle %g,%g,%g,%g is not inside page %u, which measures "
                     "%g × %g points: choose a place on the page."),
                   r->x, r->y, r->width, r->height, page, vw, vh);
      return FALSE;
    }
  return TRUE;
}

gboolean
_inkan_pdf_visible_to_user (InkanPdf *self, guint page, const InkanRect *visible, InkanRect *user,
                            int *rotate, GError **error)
{
  PageGeometry geo;
  gboolean ok;

  ok = page_geometry (self, page, &geo, error) && check_placement (self, &geo, page, visible, error);
  qpdf_oh_release_all (self->qpdf);
  if (!ok)
    return FALSE;
  visible_to_user (&geo, visible, user);
  if (rotate != NULL)
    *rotate = geo.rotate;
  return TRUE;
}

gboolean
_inkan_pdf_get_page_geometry (InkanPdf *self, guint page, InkanPageGeometry *geometry,
                              GError **error)
{
  PageGeometry geo;
  double media[4] = { 0, 0, 612, 792 };
  gboolean ok;

  g_return_val_if_fail (INKAN_IS_PDF (self), FALSE);

  ok = page_geometry (self, page, &geo, error);
  if (ok)
    read_box (self->qpdf, inherited_key (self->qpdf, page_object (self, page - 1), "/MediaBox"),
              media);
  qpdf_oh_release_all (self->qpdf);
  if (!ok)
    return FALSE;
  geometry->media_box = (InkanRect){ media[0], media[1], media[2] - media[0], media[3] - media[1] };
  geometry->crop_box = (InkanRect){ geo.box[0], geo.box[1], geo.box[2] - geo.box[0],
                                    geo.box[3] - geo.box[1] };
  geometry->rotate = geo.rotate;
  geometry->user_unit = geo.unit;
  return TRUE;
}

/* ---- writing PDF syntax ------------------------------------------------------------------ */

static void
append_name (GString *out, const char *name)
{
  const guchar *p = (const guchar *) name;

  g_string_append_c (out, '/');
  if (*p == '/')
    p++;
  for (; *p != '\0'; p++)
    {
      if (*p < 0x21 || *p > 0x7e || strchr ("()<>[]{}/%#", *p) != NULL)
        g_string_append_printf (out, "#%02X", *p);
      else
        g_string_append_c (out, (char) *p);
    }
}

/* A text string: PDFDocEncoding-compatible ASCII as a literal, anything else UTF-16BE. */
static void
append_text_string (GString *out, const char *utf8)
{
  const char *p;
  gboolean ascii = TRUE;

  for (p = utf8; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || (guchar) *p < 0x20)
      ascii = FALSE;
  if (ascii)
    {
      g_string_append_c (out, '(');
      for (p = utf8; *p != '\0'; p++)
        {
          if (*p == '(' || *p == ')' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, ')');
    }
  else
    {
      g_autofree gunichar2 *utf16 = NULL;
      glong i, n = 0;

      utf16 = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);
      g_string_append (out, "<FEFF");
      for (i = 0; utf16 != NULL && i < n; i++)
        g_string_append_printf (out, "%04X", utf16[i]);
      g_string_append_c (out, '>');
    }
}

static void
append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (v) < 1e-9)
    v = 0;
  g_ascii_formatd (buf, sizeof buf, "%.4f", v);
  /* Trailing zeros are legal but waste bytes. */
  if (strchr (buf, '.') != NULL)
    {
      char *e = buf + strlen (buf) - 1;
      while (*e == '0')
        *e-- = '\0';
      if (*e == '.')
        *e = '\0';
    }
  g_string_append (out, buf);
}

char *
_inkan_pdf_format_date (GDateTime *time)
{
  g_autofree char *base = g_date_time_format (time, "%Y%m%d%H%M%S");
  GTimeSpan offset = g_date_time_get_utc_offset (time) / G_TIME_SPAN_MINUTE;

  if (offset == 0)
    return g_strdup_printf ("D:%sZ", base);
  return g_strdup_printf ("D:%s%c%02d'%02d'", base, offset < 0 ? '-' : '+',
                          (int) (ABS (offset) / 60), (int) (ABS (offset) % 60));
}

static void
append_date (GString *out, GDateTime *time)
{
  g_autofree char *text = _inkan_pdf_format_date (time);

  g_string_append_printf (out, "(%s)", text);
}

/* Appends the entries of a dictionary except those named in `skip` (NULL-terminated), as they
 * are in the file: indirect values stay references. */
static void
append_dict_entries (qpdf_data q, qpdf_oh dict, GString *out, const char * const *skip)
{
  g_autoptr (GPtrArray) keys = dict_keys (q, dict);
  guint i;

  for (i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];
      qpdf_oh value;

      if (skip != NULL && g_strv_contains (skip, key))
        continue;
      value = dict_get (q, dict, key);
      g_string_append_c (out, ' ');
      append_name (out, key);
      g_string_append_c (out, ' ');
      g_string_append (out, qpdf_oh_unparse (q, value));
      qpdf_oh_release (q, value);
    }
}

/* Appends "[items… extra]" for an array handle (or "[extra]" when it is not an array). */
static void
append_array_plus (qpdf_data q, qpdf_oh array, GString *out, const char *extra)
{
  int i, n = qpdf_oh_is_array (q, array) ? qpdf_oh_get_array_n_items (q, array) : 0;

  g_string_append_c (out, '[');
  for (i = 0; i < n; i++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, array, i);
      g_string_append (out, qpdf_oh_unparse (q, item));
      g_string_append_c (out, ' ');
      qpdf_oh_release (q, item);
    }
  g_string_append (out, extra);
  g_string_append_c (out, ']');
}

/* ---- the increment ----------------------------------------------------------------------- */

typedef struct
{
  int id, gen;
  guint64 offset;
} XrefEntry;

typedef struct
{
  InkanPdf *pdf;
  GString *out;         /* the increment */
  GArray *xref;         /* XrefEntry */
  GHashTable *written;  /* object ids already in the increment */
  int next_id;
} Builder;

static gboolean
begin_object (Builder *b, int id, int gen, GError **error)
{
  XrefEntry e = { id, gen, b->pdf->size + b->out->len };

  if (!g_hash_table_add (b->written, GINT_TO_POINTER (id)))
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("“%s” uses object %d in two roles that both need updating; Inkan cannot seal "
                     "it safely."),
                   b->pdf->display, id);
      return FALSE;
    }
  g_array_append_val (b->xref, e);
  g_string_append_printf (b->out, "%d %d obj\n", id, gen);
  return TRUE;
}

static void
end_object (Builder *b)
{
  g_string_append (b->out, "\nendobj\n");
}

static void
append_stream (Builder *b, const char *dict_entries, const guint8 *data, gsize len)
{
  g_string_append_printf (b->out, "<<%s /Length %" G_GSIZE_FORMAT " >>\nstream\n", dict_entries,
                          len);
  g_string_append_len (b->out, (const char *) data, (gssize) len);
  g_string_append (b->out, "\nendstream");
}

typedef struct
{
  char *name;       /* fully qualified */
  int id, gen;      /* the terminal field */
  gboolean is_sig;
  gboolean has_value;
  int widget_id, widget_gen;
} FieldInfo;

static void
field_info_free (gpointer data)
{
  FieldInfo *f = data;
  g_free (f->name);
  g_free (f);
}

/* Collects the terminal fields of the AcroForm tree with their qualified names; a field tree
 * that loops is damage. */
static gboolean
collect_fields (InkanPdf *self, qpdf_oh array, const char *prefix, const char *inherited_ft,
                GHashTable *seen, GPtrArray *fields, int depth, GError **error)
{
  qpdf_data q = self->qpdf;
  int i, n;

  if (!qpdf_oh_is_array (q, array))
    return TRUE;
  if (depth > MAX_TREE_DEPTH)
    return set_damaged (self, error, _("the form field tree is too deep"));
  n = qpdf_oh_get_array_n_items (q, array);
  for (i = 0; i < n; i++)
    {
      qpdf_oh f = qpdf_oh_get_array_item (q, array, i);
      qpdf_oh t, kids, ft;
      g_autofree char *name = NULL;
      g_autofree char *own_ft = NULL;
      gboolean has_field_kids = FALSE;
      int k, nk;

      if (!qpdf_oh_is_dictionary (q, f))
        continue;
      if (qpdf_oh_is_indirect (q, f)
          && !g_hash_table_add (seen, GINT_TO_POINTER (qpdf_oh_get_object_id (q, f))))
        return set_damaged (self, error, _("the form field tree loops"));
      t = dict_get (q, f, "/T");
      if (qpdf_oh_is_string (q, t))
        {
          const char *partial = qpdf_oh_get_utf8_value (q, t);
          name = prefix[0] != '\0' ? g_strdup_printf ("%s.%s", prefix, partial) : g_strdup (partial);
        }
      else
        name = g_strdup (prefix);
      ft = dict_get (q, f, "/FT");
      own_ft = g_strdup (qpdf_oh_is_name (q, ft) ? qpdf_oh_get_name (q, ft) : inherited_ft);

      kids = dict_get (q, f, "/Kids");
      nk = qpdf_oh_is_array (q, kids) ? qpdf_oh_get_array_n_items (q, kids) : 0;
      for (k = 0; k < nk; k++)
        {
          qpdf_oh kid = qpdf_oh_get_array_item (q, kids, k);
          if (dict_has (q, kid, "/T"))
            has_field_kids = TRUE;
        }
      if (has_field_kids)
        {
          if (!collect_fields (self, kids, name, own_ft, seen, fields, depth + 1, error))
            return FALSE;
        }
      else if (qpdf_oh_is_indirect (q, f))
        {
          FieldInfo *info = g_new0 (FieldInfo, 1);
          qpdf_oh v = dict_get (q, f, "/V");

          info->name = g_steal_pointer (&name);
          info->id = qpdf_oh_get_object_id (q, f);
          info->gen = qpdf_oh_get_generation (q, f);
          info->is_sig = g_strcmp0 (own_ft, "/Sig") == 0;
          info->has_value = !qpdf_oh_is_null (q, v);
          if (nk > 0)
            {
              qpdf_oh w = qpdf_oh_get_array_item (q, kids, 0);
              info->widget_id = qpdf_oh_get_object_id (q, w);
              info->widget_gen = qpdf_oh_get_generation (q, w);
            }
          else
            {
              info->widget_id = info->id;
              info->widget_gen = info->gen;
            }
          g_ptr_array_add (fields, info);
        }
    }
  return TRUE;
}

static FieldInfo *
find_field (GPtrArray *fields, const char *name)
{
  guint i;

  for (i = 0; i < fields->len; i++)
    {
      FieldInfo *f = fields->pdata[i];
      if (g_strcmp0 (f->name, name) == 0)
        return f;
    }
  return NULL;
}

/* A certification signature that allows no changes (DocMDP P=1) forbids any further signature. */
static gboolean
check_docmdp (InkanPdf *self, qpdf_oh root, GError **error)
{
  qpdf_data q = self->qpdf;
  qpdf_oh perms = dict_get (q, root, "/Perms");
  qpdf_oh sig = dict_get (q, perms, "/DocMDP");
  qpdf_oh refs = dict_get (q, sig, "/Reference");
  int i, n = qpdf_oh_is_array (q, refs) ? qpdf_oh_get_array_n_items (q, refs) : 0;

  for (i = 0; i < n; i++)
    {
      qpdf_oh ref = qpdf_oh_get_array_item (q, refs, i);
      qpdf_oh params = dict_get (q, ref, "/TransformParams");
      qpdf_oh p = dict_get (q, params, "/P");

      if (qpdf_oh_is_name_and_equals (q, dict_get (q, ref, "/TransformMethod"), "/DocMDP")
          && qpdf_oh_is_integer (q, p) && qpdf_oh_get_int_value (q, p) == 1)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                       _("“%s” is certified by its author with no changes allowed, so it cannot "
                         "receive another seal."),
                       self->display);
          return FALSE;
        }
    }
  return TRUE;
}

/* Appends "/Annots […]" handling for the page: returns the text for the page's /Annots entry
 * (NULL when the page itself need not change because its /Annots array is indirect). */
static gboolean
add_widget_to_page (Builder *b, int page_id, int page_gen, const char *widget_ref, GError **error)
{
  qpdf_data q = b->pdf->qpdf;
  qpdf_oh page = qpdf_get_object_by_id (q, page_id, page_gen);
  qpdf_oh annots = dict_get (q, page, "/Annots");
  static const char * const skip[] = { "/Annots", NULL };

  if (qpdf_oh_is_indirect (q, annots) && qpdf_oh_is_array (q, annots))
    {
      if (!begin_object (b, qpdf_oh_get_object_id (q, annots), qpdf_oh_get_generation (q, annots),
                         error))
        return FALSE;
      append_array_plus (q, annots, b->out, widget_ref);
      end_object (b);
      return TRUE;
    }
  if (!begin_object (b, page_id, page_gen, error))
    return FALSE;
  g_string_append (b->out, "<<");
  append_dict_entries (q, page, b->out, skip);
  g_string_append (b->out, " /Annots ");
  append_array_plus (q, annots, b->out, widget_ref);
  g_string_append (b->out, " >>");
  end_object (b);
  return TRUE;
}

/* Rewrites /AcroForm so that it lists the new field (when widget_ref is not NULL) and has
 * SigFlags 3 (SignaturesExist, AppendOnly). */
static gboolean
update_acroform (Builder *b, qpdf_oh root, const char *widget_ref, GError **error)
{
  qpdf_data q = b->pdf->qpdf;
  qpdf_oh acro = dict_get (q, root, "/AcroForm");
  qpdf_oh fields = dict_get (q, acro, "/Fields");
  qpdf_oh flags = dict_get (q, acro, "/SigFlags");
  static const char * const skip_acro[] = { "/Fields", "/SigFlags", NULL };
  static const char * const skip_root[] = { "/AcroForm", NULL };
  g_autoptr (GString) acro_text = g_string_new ("<<");
  gint64 sig_flags = qpdf_oh_is_integer (q, flags) ? qpdf_oh_get_int_value (q, flags) : 0;

  if (!qpdf_oh_is_dictionary (q, acro))
    {
      int id = b->next_id++;
      if (!begin_object (b, id, 0, error))
        return FALSE;
      g_string_append_printf (b->out, "<< /Fields [%s] /SigFlags 3 >>", widget_ref);
      end_object (b);
      if (!begin_object (b, qpdf_oh_get_object_id (q, root), qpdf_oh_get_generation (q, root),
                         error))
        return FALSE;
      g_string_append (b->out, "<<");
      append_dict_entries (q, root, b->out, skip_root);
      g_string_append_printf (b->out, " /AcroForm %d 0 R >>", id);
      end_object (b);
      return TRUE;
    }

  if (widget_ref == NULL && (sig_flags & 3) == 3)
    return TRUE;

  append_dict_entries (q, acro, acro_text, skip_acro);
  g_string_append (acro_text, " /Fields ");
  if (widget_ref != NULL && qpdf_oh_is_indirect (q, fields) && qpdf_oh_is_array (q, fields))
    {
      if (!begin_object (b, qpdf_oh_get_object_id (q, fields), qpdf_oh_get_generation (q, fields),
                         error))
        return FALSE;
      append_array_plus (q, fields, b->out, widget_ref);
      end_object (b);
      g_string_append (acro_text, qpdf_oh_unparse (q, fields));
    }
  else if (widget_ref != NULL)
    append_array_plus (q, fields, acro_text, widget_ref);
  else
    g_string_append (acro_text, qpdf_oh_is_array (q, fields) ? qpdf_oh_unparse (q, fields) : "[]");
  g_string_append_printf (acro_text, " /SigFlags %" G_GINT64_FORMAT " >>", sig_flags | 3);

  if (qpdf_oh_is_indirect (q, acro))
    {
      if (!begin_object (b, qpdf_oh_get_object_id (q, acro), qpdf_oh_get_generation (q, acro),
                         error))
        return FALSE;
      g_string_append (b->out, acro_text->str);
      end_object (b);
      return TRUE;
    }
  if (!begin_object (b, qpdf_oh_get_object_id (q, root), qpdf_oh_get_generation (q, root), error))
    return FALSE;
  g_string_append (b->out, "<<");
  append_dict_entries (q, root, b->out, skip_root);
  g_string_append_printf (b->out, " /AcroForm %s >>", acro_text->str);
  end_object (b);
  return TRUE;
}

static void append_rect (GString *out, const InkanRect *r);

/* The seal image and its soft mask, once, for every form that draws it. */
static gboolean
write_image (Builder *b, const InkanImage *image, int *img_id, GError **error)
{
  int mask_id = image->alpha != NULL ? b->next_id++ : 0;
  g_autoptr (GString) entries = g_string_new (NULL);
  gsize len;
  const guint8 *data;

  *img_id = b->next_id++;
  if (mask_id != 0)
    {
      if (!begin_object (b, mask_id, 0, error))
        return FALSE;
      g_string_printf (entries,
                       " /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace /DeviceGray"
                       " /BitsPerComponent 8 /Filter /FlateDecode",
                       image->width, image->height);
      data = g_bytes_get_data (image->alpha, &len);
      append_stream (b, entries->str, data, len);
      end_object (b);
    }

  if (!begin_object (b, *img_id, 0, error))
    return FALSE;
  g_string_printf (entries,
                   " /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace /DeviceRGB"
                   " /BitsPerComponent 8 /Filter /FlateDecode",
                   image->width, image->height);
  if (mask_id != 0)
    g_string_append_printf (entries, " /SMask %d 0 R", mask_id);
  data = g_bytes_get_data (image->rgb, &len);
  append_stream (b, entries->str, data, len);
  end_object (b);
  return TRUE;
}

/* A form XObject of w × h points, drawn upright on a page displayed with `rotate`; returns its
 * object id. */
static gboolean
write_form (Builder *b, double w, double h, int rotate, const char *resources,
            const GString *content, int *form_id, GError **error)
{
  g_autoptr (GString) entries = g_string_new (" /Type /XObject /Subtype /Form /BBox [0 0 ");

  *form_id = b->next_id++;
  if (!begin_object (b, *form_id, 0, error))
    return FALSE;
  append_number (entries, w);
  g_string_append_c (entries, ' ');
  append_number (entries, h);
  g_string_append (entries, "] /Matrix [");
  switch (rotate)
    {
    case 90:
      g_string_append (entries, "0 1 -1 0 ");
      append_number (entries, h);
      g_string_append (entries, " 0");
      break;
    case 180:
      g_string_append (entries, "-1 0 0 -1 ");
      append_number (entries, w);
      g_string_append_c (entries, ' ');
      append_number (entries, h);
      break;
    case 270:
      g_string_append (entries, "0 -1 1 0 0 ");
      append_number (entries, w);
      break;
    default:
      g_string_append (entries, "1 0 0 1 0 0");
      break;
    }
  g_string_append_printf (entries, "] /Resources << %s >>", resources);
  append_stream (b, entries->str, (const guint8 *) content->str, content->len);
  end_object (b);
  return TRUE;
}

/* Below the seal, a strip this high (as a share of the image's height) holds the code. */
#define CODE_STRIP 0.16
/* Beside the seal, the QR code's side (as a share of the image's height). */
#define QR_SIDE 0.5

/* The size of what the appearance draws, in image pixels: the seal, the code under it, the QR
 * code beside it. The widget is fitted to this. */
static void
appearance_size (const InkanPdfSigParams *params, double *width, double *height)
{
  const InkanImage *image = params->image;

  *width = image->width + (params->qr != NULL ? image->height * QR_SIDE : 0);
  *height = image->height * (1 + (params->code != NULL ? CODE_STRIP : 0));
}

/* "x y w h re" */
static void
append_re (GString *out, double x, double y, double w, double h)
{
  append_number (out, x);
  g_string_append_c (out, ' ');
  append_number (out, y);
  g_string_append_c (out, ' ');
  append_number (out, w);
  g_string_append_c (out, ' ');
  append_number (out, h);
  g_string_append (out, " re\n");
}

/* A QR code of `text` as filled squares, its lower-left corner at x, y, `side` points across
 * (quiet zone included), encoded by the drawing module. */
static gboolean
append_qr (GString *out, const char *text, double x, double y, double side, GError **error)
{
  const InkanDrawModule *draw = _inkan_module_get ("draw", error);
  g_autofree guint8 *modules = NULL;
  double module;
  int i, j, n = 0;

  if (draw == NULL)
    return FALSE;
  modules = draw->qr_encode (text, &n);
  if (modules == NULL)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("The QR code cannot be drawn: seal without --qr."));
      return FALSE;
    }
  module = side / (n + 4);
  g_string_append (out, "q 1 g ");
  append_re (out, x, y, side, side);
  g_string_append (out, "f 0 g\n");
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      if (modules[i * n + j])
        append_re (out, x + (j + 2) * module, y + side - (i + 3) * module, module, module);
  g_string_append (out, "f Q\n");
  return TRUE;
}

/* The appearance of a seal of w × h points: the image, with the verification code under it and
 * the QR code beside it when asked for. */
static gboolean
write_appearance (Builder *b, const InkanPdfSigParams *params, double w, double h, int rotate,
                  int *form_id, GError **error)
{
  const InkanImage *image = params->image;
  g_autoptr (GString) content = g_string_new ("q ");
  g_autoptr (GString) resources = g_string_new (NULL);
  double cw, ch, scale, iw, ih, strip;
  int img_id;

  if (!write_image (b, image, &img_id, error))
    return FALSE;
  appearance_size (params, &cw, &ch);
  scale = MIN (w / cw, h / ch);
  iw = image->width * scale;
  ih = image->height * scale;
  strip = params->code != NULL ? image->height * CODE_STRIP * scale : 0;

  append_number (content, iw);
  g_string_append (content, " 0 0 ");
  append_number (content, ih);
  g_string_append (content, " 0 ");
  append_number (content, strip);
  g_string_append (content, " cm /Im0 Do Q\n");
  g_string_printf (resources, "/XObject << /Im0 %d 0 R >>", img_id);

  if (params->qr != NULL)
    {
      double side = image->height * QR_SIDE * scale;

      if (!append_qr (content, params->qr, iw, strip + (ih - side) / 2, side, error))
        return FALSE;
    }
  if (params->code != NULL)
    {
      /* Courier: every character is 0.6 em wide, so the code is centred without metrics. */
      double size = MIN (strip * 0.7, w / (strlen (params->code) * 0.6) * 0.9);
      double x = (w - strlen (params->code) * 0.6 * size) / 2;

      g_string_append (content, "q 0.3 g BT /F1 ");
      append_number (content, size);
      g_string_append (content, " Tf ");
      append_number (content, x);
      g_string_append_c (content, ' ');
      append_number (content, (strip - size * 0.6) / 2);
      g_string_append_printf (content, " Td (%s) Tj ET Q\n", params->code);
      g_string_append (resources, " /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont "
                                  "/Courier /Encoding /WinAnsiEncoding >> >>");
    }
  return write_form (b, w, h, rotate, resources->str, content, form_id, error);
}

/* One slice of a riding seal: the image, `slices` slices wide, shifted so that slice `index`
 * (from the left) fills the form of w × h points. The form's bounding box clips the rest. */
static gboolean
write_slice (Builder *b, int img_id, guint index, guint slices, double w, double h, int rotate,
             int *form_id, GError **error)
{
  g_autoptr (GString) content = g_string_new ("q ");
  g_autofree char *resources = g_strdup_printf ("/XObject << /Im0 %d 0 R >>", img_id);

  append_number (content, w * slices);
  g_string_append (content, " 0 0 ");
  append_number (content, h);
  g_string_append_c (content, ' ');
  append_number (content, -(w * index));
  g_string_append (content, " 0 cm /Im0 Do Q");
  return write_form (b, w, h, rotate, resources, content, form_id, error);
}

/* The watermark's text is laid out at this size (points), then scaled to each page. */
#define WATERMARK_LAYOUT_SIZE 100.0

/* The watermark's text as glyph outlines, once for every page: a form XObject of PDF path
 * operators laid out by pango in the system's sans-serif (Noto CJK for Chinese), so any name in
 * any script shows with no font to embed. The form draws in the layout's coordinates (y down,
 * WATERMARK_LAYOUT_SIZE-point type) with the current fill colour; `width` × `height` is the
 * layout's logical size. */
static gboolean
write_watermark_text (Builder *b, const char *text, int *form_id, double *width, double *height,
                      GError **error)
{
  const InkanDrawModule *draw = _inkan_module_get ("draw", error);
  g_autoptr (GString) content = g_string_new (NULL);
  g_autoptr (GString) entries = g_string_new (" /Type /XObject /Subtype /Form /BBox [");
  g_autoptr (GArray) parts = NULL;
  InkanDrawBox ink, logical;
  static const char *const ops[] = {
    [INKAN_DRAW_MOVE] = "m\n",
    [INKAN_DRAW_LINE] = "l\n",
    [INKAN_DRAW_CURVE] = "c\n",
    [INKAN_DRAW_CLOSE] = "h\n",
  };

  if (draw == NULL)
    return FALSE;
  parts = draw->text_outline (text, WATERMARK_LAYOUT_SIZE, &ink, &logical);
  *width = logical.width;
  *height = logical.height;
  for (guint i = 0; i < parts->len; i++)
    {
      const InkanDrawPathPart *part = &g_array_index (parts, InkanDrawPathPart, i);
      int points = part->op == INKAN_DRAW_CURVE ? 3 : part->op == INKAN_DRAW_CLOSE ? 0 : 1;

      for (int j = 0; j < points; j++)
        {
          append_number (content, part->p[2 * j]);
          g_string_append_c (content, ' ');
          append_number (content, part->p[2 * j + 1]);
          g_string_append_c (content, ' ');
        }
      g_string_append (content, ops[part->op]);
    }
  g_string_append (content, "f");

  /* The box holds the glyphs' ink as well as the logical extents. */
  append_number (entries, MIN (ink.x, logical.x) - 1);
  g_string_append_c (entries, ' ');
  append_number (entries, MIN (ink.y, logical.y) - 1);
  g_string_append_c (entries, ' ');
  append_number (entries, MAX (ink.x + ink.width, logical.x + logical.width) + 1);
  g_string_append_c (entries, ' ');
  append_number (entries, MAX (ink.y + ink.height, logical.y + logical.height) + 1);
  g_string_append (entries, "] /Resources << >>");
  *form_id = b->next_id++;
  if (!begin_object (b, *form_id, 0, error))
    return FALSE;
  append_stream (b, entries->str, (const guint8 *) content->str, content->len);
  end_object (b);
  return TRUE;
}

/* The watermark of one page: a /Watermark annotation over the visible page whose appearance
 * draws the text form `text_id` (`width` × `height`) faintly along the diagonal, centred; the
 * annotation's /Contents is the text itself, for search and screen readers. Returns the
 * annotation's object id. */
static gboolean
write_watermark (Builder *b, const PageGeometry *geo, const char *text, int text_id,
                 double width, double height, int *annot_id, GError **error)
{
  g_autoptr (GString) content = g_string_new ("q /GS0 gs 0.55 g ");
  g_autofree char *resources = NULL;
  InkanRect all, user;
  double vw, vh, diagonal, scale, angle, c, s;
  int form_id;

  visible_size (geo, &vw, &vh);
  diagonal = sqrt (vw * vw + vh * vh);
  /* Three fifths of the diagonal: longer, its ends would leave the page by the corners. */
  scale = MIN (72 / WATERMARK_LAYOUT_SIZE, diagonal * 0.6 / MAX (width, 1));
  angle = atan2 (vh, vw);
  c = cos (angle);
  s = sin (angle);
  /* Rotated about the page's centre, scaled and turned y up, the layout's centre on it. */
  append_number (content, c);
  g_string_append_c (content, ' ');
  append_number (content, s);
  g_string_append_c (content, ' ');
  append_number (content, -s);
  g_string_append_c (content, ' ');
  append_number (content, c);
  g_string_append_c (content, ' ');
  append_number (content, vw / 2);
  g_string_append_c (content, ' ');
  append_number (content, vh / 2);
  g_string_append (content, " cm ");
  append_number (content, scale);
  g_string_append (content, " 0 0 ");
  append_number (content, -scale);
  g_string_append (content, " 0 0 cm 1 0 0 1 ");
  append_number (content, -width / 2);
  g_string_append_c (content, ' ');
  append_number (content, -height / 2);
  g_string_append (content, " cm /T Do Q");
  resources = g_strdup_printf ("/XObject << /T %d 0 R >> /ExtGState << /GS0 << /Type /ExtGState "
                               "/ca 0.3 /CA 0.3 >> >>",
                               text_id);
  if (!write_form (b, vw, vh, geo->rotate, resources, content, &form_id, error))
    return FALSE;

  all = (InkanRect){ 0, 0, vw, vh };
  visible_to_user (geo, &all, &user);
  *annot_id = b->next_id++;
  if (!begin_object (b, *annot_id, 0, error))
    return FALSE;
  g_string_append_printf (b->out, "<< /Type /Annot /Subtype /Watermark /F 196 /P %d %d R /Rect ",
                          geo->id, geo->gen);
  append_rect (b->out, &user);
  g_string_append (b->out, " /Contents ");
  append_text_string (b->out, text);
  g_string_append_printf (b->out, " /AP << /N %d 0 R >> >>", form_id);
  end_object (b);
  return TRUE;
}

/* The approval evidence as an embedded file (PDF 2.0 associated file) of the signature's
 * widget. Not in the catalog's /Names tree: changing the catalog after an earlier signature is a
 * modification no rule allows, while new objects that only the new widget refers to are part of
 * the new signature (and covered by it). Returns the file specification's object number. */
static gboolean
write_evidence (Builder *b, GBytes *evidence, int *spec_id, GError **error)
{
  g_autofree char *md5 = NULL;
  g_autoptr (GString) entries = g_string_new (NULL);
  int file_id = b->next_id++;
  const guint8 *data;
  gsize len = 0, i;

  *spec_id = b->next_id++;
  data = g_bytes_get_data (evidence, &len);
  md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, data != NULL ? data : (const guint8 *) "",
                                     len);
  if (!begin_object (b, file_id, 0, error))
    return FALSE;
  g_string_printf (entries,
                   " /Type /EmbeddedFile /Subtype /application#2Fjson /Params << /Size %"
                   G_GSIZE_FORMAT " /CheckSum <",
                   len);
  for (i = 0; md5[i] != '\0'; i++)
    g_string_append_c (entries, g_ascii_toupper (md5[i]));
  g_string_append (entries, "> >>");
  append_stream (b, entries->str, data, len);
  end_object (b);

  if (!begin_object (b, *spec_id, 0, error))
    return FALSE;
  g_string_append_printf (b->out,
                          "<< /Type /Filespec /F (%s) /UF (%s) /Desc (Approval evidence: the "
                          "request and the approvers' signed decisions) /AFRelationship "
                          "/Supplement /EF << /F %d 0 R /UF %d 0 R >> >>",
                          INKAN_EVIDENCE_FILE_NAME, INKAN_EVIDENCE_FILE_NAME, file_id, file_id);
  end_object (b);
  return TRUE;
}

static int
compare_xref (gconstpointer a, gconstpointer b)
{
  const XrefEntry *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

static void
append_trailer_entries (InkanPdf *self, GString *out, int size)
{
  g_string_append_printf (out, " /Size %d /Root %s", size, self->root_ref);
  if (self->info_ref != NULL)
    g_string_append_printf (out, " /Info %s", self->info_ref);
  if (self->id_array != NULL)
    g_string_append_printf (out, " /ID %s", self->id_array);
  g_string_append_printf (out, " /Prev %" G_GUINT64_FORMAT, self->startxref);
}

/* The cross-reference section of the increment, of the same kind as the file's last one. */
static void
write_xref (Builder *b)
{
  InkanPdf *self = b->pdf;
  guint64 xref_offset;
  guint i, j;

  if (self->xref_stream)
    {
      XrefEntry e = { b->next_id++, 0, self->size + b->out->len };
      g_autoptr (GString) index = g_string_new (NULL);
      g_autoptr (GByteArray) rows = g_byte_array_new ();
      g_autoptr (GString) entries = g_string_new (NULL);
      guint width = e.offset > G_MAXUINT32 ? 8 : 4;

      g_array_append_val (b->xref, e);
      g_array_sort (b->xref, compare_xref);
      for (i = 0; i < b->xref->len; i = j)
        {
          for (j = i + 1; j < b->xref->len
                          && g_array_index (b->xref, XrefEntry, j).id
                               == g_array_index (b->xref, XrefEntry, j - 1).id + 1;
               j++)
            ;
          g_string_append_printf (index, "%s%d %u", i == 0 ? "" : " ",
                                  g_array_index (b->xref, XrefEntry, i).id, j - i);
        }
      for (i = 0; i < b->xref->len; i++)
        {
          XrefEntry *x = &g_array_index (b->xref, XrefEntry, i);
          guint8 row[11];
          guint k;

          row[0] = 1;
          for (k = 0; k < width; k++)
            row[1 + k] = (guint8) (x->offset >> (8 * (width - 1 - k)));
          row[1 + width] = (guint8) (x->gen >> 8);
          row[2 + width] = (guint8) x->gen;
          g_byte_array_append (rows, row, 3 + width);
        }
      g_string_append_printf (b->out, "%d 0 obj\n", e.id);
      g_string_append (entries, " /Type /XRef");
      append_trailer_entries (self, entries, b->next_id);
      g_string_append_printf (entries, " /W [1 %u 2] /Index [%s]", width, index->str);
      append_stream (b, entries->str, rows->data, rows->len);
      end_object (b);
      xref_offset = e.offset;
    }
  else
    {
      xref_offset = self->size + b->out->len;
      g_array_sort (b->xref, compare_xref);
      g_string_append (b->out, "xref\n");
      for (i = 0; i < b->xref->len; i = j)
        {
          for (j = i + 1; j < b->xref->len
                          && g_array_index (b->xref, XrefEntry, j).id
                               == g_array_index (b->xref, XrefEntry, j - 1).id + 1;
               j++)
            ;
          g_string_append_printf (b->out, "%d %u\n", g_array_index (b->xref, XrefEntry, i).id,
                                  j - i);
          for (; i < j; i++)
            {
              XrefEntry *x = &g_array_index (b->xref, XrefEntry, i);
              g_string_append_printf (b->out, "%010" G_GUINT64_FORMAT " %05d n\r\n", x->offset,
                                      x->gen);
            }
        }
      g_string_append (b->out, "trailer\n<<");
      append_trailer_entries (self, b->out, b->next_id);
      g_string_append (b->out, " >>\n");
    }
  g_string_append_printf (b->out, "startxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n", xref_offset);
}

void
_inkan_pdf_increment_free (InkanPdfIncrement *increment)
{
  if (increment == NULL)
    return;
  g_clear_pointer (&increment->bytes, g_bytes_unref);
  g_free (increment->field_name);
  g_free (increment);
}

static char *
unused_field_name (GPtrArray *fields)
{
  guint n;

  for (n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("Signature%u", n);
      if (find_field (fields, name) == NULL)
        return g_steal_pointer (&name);
    }
}

/* Where an existing field's widget is: its page (from /P, else by searching the pages' /Annots)
 * and its rectangle. */
static gboolean
locate_widget (InkanPdf *self, const FieldInfo *field, guint *page, InkanRect *rect, GError **error)
{
  qpdf_data q = self->qpdf;
  qpdf_oh widget = qpdf_get_object_by_id (q, field->widget_id, field->widget_gen);
  qpdf_oh p = dict_get (q, widget, "/P");
  double box[4] = { 0, 0, 0, 0 };
  int index = -1;
  guint i;

  read_box (q, dict_get (q, widget, "/Rect"), box);
  *rect = (InkanRect){ box[0], box[1], box[2] - box[0], box[3] - box[1] };
  if (qpdf_oh_is_indirect (q, p))
    index = page_index (self, qpdf_oh_get_object_id (q, p), qpdf_oh_get_generation (q, p));
  for (i = 0; index < 0 && i < self->pages->len; i++)
    {
      qpdf_oh annots = dict_get (q, page_object (self, i), "/Annots");
      int k, n = qpdf_oh_is_array (q, annots) ? qpdf_oh_get_array_n_items (q, annots) : 0;

      for (k = 0; k < n; k++)
        if (qpdf_oh_get_object_id (q, qpdf_oh_get_array_item (q, annots, k)) == field->widget_id)
          index = (int) i;
    }
  if (qpdf_has_error (q))
    return check_qpdf (self, error);
  if (index < 0)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                   _("The signature field “%s” is on no page of “%s”."), field->name,
                   self->display);
      return FALSE;
    }
  *page = (guint) index + 1;
  return TRUE;
}

static void
fit_image (const InkanPdfSigParams *params, const InkanRect *area, InkanRect *fitted)
{
  double cw, ch, scale, w, h;

  appearance_size (params, &cw, &ch);
  scale = MIN (area->width / cw, area->height / ch);
  w = cw * scale;
  h = ch * scale;

  *fitted = (InkanRect){ area->x + (area->width - w) / 2, area->y + (area->height - h) / 2, w, h };
}

/* A new seal: the image fills its place as it would alone, the code's strip goes under it and
 * the QR code beside it, moved back onto the page where they would leave it. */
static void
place_with_extras (const InkanPdfSigParams *params, const PageGeometry *geo,
                   const InkanRect *area, InkanRect *placed)
{
  const InkanImage *image = params->image;
  double scale = MIN (area->width / image->width, area->height / image->height);
  double iw = image->width * scale, ih = image->height * scale, cw, ch, vw, vh;

  appearance_size (params, &cw, &ch);
  *placed = (InkanRect){ area->x + (area->width - iw) / 2, area->y + (area->height - ih) / 2,
                         cw * scale, ch * scale };
  placed->y -= placed->height - ih;
  visible_size (geo, &vw, &vh);
  if (placed->x + placed->width > vw)
    placed->x = MAX (0, vw - placed->width);
  if (placed->y < 0)
    placed->y = 0;
  if (placed->width > vw || placed->height > vh)
    fit_image (params, area, placed);
}

static void
append_rect (GString *out, const InkanRect *r)
{
  g_string_append_c (out, '[');
  append_number (out, r->x);
  g_string_append_c (out, ' ');
  append_number (out, r->y);
  g_string_append_c (out, ' ');
  append_number (out, r->x + r->width);
  g_string_append_c (out, ' ');
  append_number (out, r->y + r->height);
  g_string_append_c (out, ']');
}

/* Annotations to add to one page's /Annots, written once per page at the end. */
typedef struct
{
  int id, gen;
  GString *refs;
} PageAnnots;

static void
page_annots_clear (gpointer data)
{
  PageAnnots *pa = data;

  g_string_free (pa->refs, TRUE);
}

static void
page_annots_add (GArray *pages, int id, int gen, int annot_id)
{
  PageAnnots *pa = NULL;
  guint i;

  for (i = 0; i < pages->len && pa == NULL; i++)
    if (g_array_index (pages, PageAnnots, i).id == id
        && g_array_index (pages, PageAnnots, i).gen == gen)
      pa = &g_array_index (pages, PageAnnots, i);
  if (pa == NULL)
    {
      PageAnnots fresh = { id, gen, g_string_new (NULL) };

      g_array_append_val (pages, fresh);
      pa = &g_array_index (pages, PageAnnots, pages->len - 1);
    }
  g_string_append_printf (pa->refs, "%s%d 0 R", pa->refs->len > 0 ? " " : "", annot_id);
}

/* A riding seal's default width across all its slices: 4 cm, like a paper seal. */
#define RIDING_DEFAULT_WIDTH (40.0 / 25.4 * 72.0)

/* The riding seal: the field `field_id` with one widget per page, each drawing its slice of the
 * image flush with the right edge of the page's visible area. */
static gboolean
write_riding (Builder *b, const InkanPdfSigParams *params, int sig_id, int field_id,
              const char *field_name, const char *af, GArray *pages, InkanPdfIncrement *inc,
              GError **error)
{
  InkanPdf *self = b->pdf;
  const InkanImage *image = params->image;
  g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GString) kids = g_string_new (NULL);
  double width, height, slice;
  int img_id;
  guint i;

  if (params->riding_pages != NULL)
    g_array_append_vals (list, params->riding_pages, params->n_riding_pages);
  else
    for (i = 1; i <= self->pages->len; i++)
      g_array_append_val (list, i);
  if (list->len < 2)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE,
                   _("A riding seal joins at least two pages, and “%s” has only the one chosen: "
                     "choose more pages or use an ordinary seal."),
                   self->display);
      return FALSE;
    }
  width = params->has_rect ? params->rect.width : RIDING_DEFAULT_WIDTH;
  height = width * image->height / image->width;
  slice = width / list->len;

  if (!write_image (b, image, &img_id, error))
    return FALSE;
  for (i = 0; i < list->len; i++)
    {
      guint page = g_array_index (list, guint, i);
      PageGeometry geo;
      InkanRect area, user;
      double vw, vh;
      int form_id, widget_id;

      if (i > 0 && page <= g_array_index (list, guint, i - 1))
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PAGE_RANGE,
                       _("The pages of a riding seal are listed in order, each once: page %u "
                         "comes too late."),
                       page);
          return FALSE;
        }
      if (!page_geometry (self, page, &geo, error))
        return FALSE;
      visible_size (&geo, &vw, &vh);
      area = (InkanRect){ vw - slice, params->has_rect ? params->rect.y : (vh - height) / 2,
                          slice, height };
      if (!check_placement (self, &geo, page, &area, error))
        return FALSE;
      visible_to_user (&geo, &area, &user);
      if (!write_slice (b, img_id, i, list->len, slice, height, geo.rotate, &form_id, error))
        return FALSE;
      widget_id = b->next_id++;
      if (!begin_object (b, widget_id, 0, error))
        return FALSE;
      /* No /Parent: poppler before 24 takes a kid with /Parent for a field of its own (with no
       * value, so "not signed") rather than a widget of this one; readers reach the widgets
       * from the field's /Kids. */
      g_string_append_printf (b->out,
                              "<< /Type /Annot /Subtype /Widget /F 132 /P %d %d R /Rect ", geo.id,
                              geo.gen);
      append_rect (b->out, &user);
      g_string_append_printf (b->out, " /AP << /N %d 0 R >> >>", form_id);
      end_object (b);
      page_annots_add (pages, geo.id, geo.gen, widget_id);
      g_string_append_printf (kids, "%s%d 0 R", i > 0 ? " " : "", widget_id);
      if (i == 0)
        {
          inc->page = page;
          inc->widget_rect = user;
        }
    }
  inc->n_widgets = list->len;

  /* The field itself carries no /Rect: its widgets do. */
  if (!begin_object (b, field_id, 0, error))
    return FALSE;
  g_string_append (b->out, "<< /FT /Sig /T ");
  append_text_string (b->out, field_name);
  g_string_append_printf (b->out, " /V %d 0 R /Kids [%s]", sig_id, kids->str);
  if (af != NULL)
    g_string_append_printf (b->out, " /AF [%s]", af);
  g_string_append (b->out, " >>");
  end_object (b);
  return TRUE;
}

InkanPdfIncrement *
_inkan_pdf_prepare_signature (InkanPdf *self, const InkanPdfSigParams *params, GError **error)
{
  qpdf_data q;
  qpdf_oh root;
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (field_info_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GHashTable) written = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) xref = g_array_new (FALSE, FALSE, sizeof (XrefEntry));
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (InkanPdfIncrement) inc = g_new0 (InkanPdfIncrement, 1);
  g_autofree char *widget_ref = NULL;
  g_autofree char *af = NULL;
  g_autoptr (GArray) pages = g_array_new (FALSE, FALSE, sizeof (PageAnnots));
  FieldInfo *existing = NULL;
  Builder b = { self, out, xref, written, 0 };
  PageGeometry geo;
  InkanRect user = { 0, 0, 0, 0 };
  gboolean visible = FALSE;
  guint page = params->page == 0 ? 1 : params->page;
  int sig_id, widget_id, form_id = 0;
  gsize byte_range_at, gap_start, gap_end, hex_len;
  guint64 total, after;
  char range[BYTE_RANGE_WIDTH + 1];

  g_return_val_if_fail (INKAN_IS_PDF (self), NULL);
  g_return_val_if_fail (params->contents_size > 0, NULL);

  g_array_set_clear_func (pages, page_annots_clear);
  q = self->qpdf;
  b.next_id = self->trailer_size;
  inc->n_widgets = 1;
  root = qpdf_get_root (q);
  if (!check_docmdp (self, root, error)
      || !collect_fields (self, dict_get (q, dict_get (q, root, "/AcroForm"), "/Fields"),
                          "", NULL, seen, fields, 0, error))
    return NULL;

  if (params->field != NULL)
    {
      if (params->field[0] == '\0' || strchr (params->field, '.') != NULL)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                       _("“%s” is not a usable field name: give a name without dots."),
                       params->field);
          return NULL;
        }
      existing = find_field (fields, params->field);
    }
  if (params->riding && (existing != NULL || params->image == NULL))
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                   existing != NULL ? _("A riding seal makes its own field across the pages: "
                                        "give a new field name or none.")
                                    : _("A riding seal needs the seal’s image: add an image."));
      return NULL;
    }
  if (params->riding)
    {
      inc->field_name = params->field != NULL ? g_strdup (params->field)
                                              : unused_field_name (fields);
      widget_id = 0;
    }
  else if (existing != NULL)
    {
      if (!existing->is_sig || existing->has_value)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                       existing->is_sig ? _("The signature field “%s” is already signed: choose "
                                            "another field or a new name.")
                                        : _("The field “%s” is not a signature field: choose "
                                            "another name."),
                       existing->name);
          return NULL;
        }
      if (params->has_rect)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FIELD,
                       _("The signature field “%s” already has its place on the page: leave out "
                         "the page and rectangle."),
                       existing->name);
          return NULL;
        }
      if (!locate_widget (self, existing, &page, &user, error)
          || !page_geometry (self, page, &geo, error))
        return NULL;
      visible = user.width > 0 && user.height > 0;
      if (params->image != NULL && !visible)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PLACEMENT,
                       _("The signature field “%s” is invisible, so it cannot show a seal image: "
                         "sign without an image or use a new field."),
                       existing->name);
          return NULL;
        }
      visible = visible && params->image != NULL;
      if (visible)
        {
          /* Fit the image into the widget as the page shows it. */
          InkanRect shown = user, fitted;
          if (geo.rotate == 90 || geo.rotate == 270)
            shown = (InkanRect){ user.x, user.y, user.height, user.width };
          fit_image (params, &shown, &fitted);
          if (geo.rotate == 90 || geo.rotate == 270)
            fitted = (InkanRect){ user.x + (user.width - fitted.height) / 2,
                                  user.y + (user.height - fitted.width) / 2, fitted.height,
                                  fitted.width };
          user = fitted;
        }
      inc->field_name = g_strdup (existing->name);
      widget_id = existing->widget_id;
    }
  else
    {
      if (!page_geometry (self, page, &geo, error))
        return NULL;
      if (params->has_rect && params->image == NULL)
        {
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_PLACEMENT,
                       _("A place for the seal was given but no seal image: add an image or "
                         "leave out the rectangle."));
          return NULL;
        }
      if (params->image != NULL)
        {
          InkanRect area, fitted;
          double vw, vh;

          if (params->has_rect)
            area = params->rect;
          else
            {
              /* No place given: the lower right corner, as a hand stamp would go. */
              double side;
              visible_size (&geo, &vw, &vh);
              side = MIN (144, MIN (vw, vh) / 3);
              area = (InkanRect){ vw - side - MIN (36, vw / 10), MIN (36, vh / 10), side, side };
            }
          if (!check_placement (self, &geo, page, &area, error))
            return NULL;
          place_with_extras (params, &geo, &area, &fitted);
          visible_to_user (&geo, &fitted, &user);
          visible = TRUE;
        }
      inc->field_name = params->field != NULL ? g_strdup (params->field) : unused_field_name (fields);
      widget_id = 0;
    }
  inc->page = page;
  inc->widget_rect = user;

  if (!self->ends_with_eol)
    g_string_append_c (out, '\n');

  /* The signature dictionary. */
  sig_id = b.next_id++;
  if (widget_id == 0)
    widget_id = b.next_id++;
  widget_ref = g_strdup_printf ("%d 0 R", widget_id);
  if (!begin_object (&b, sig_id, 0, error))
    return NULL;
  if (params->doc_timestamp)
    g_string_append (out, "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161");
  else
    {
      g_string_append (out,
                       "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ");
      append_date (out, params->time);
    }
  if (!params->doc_timestamp && params->reason != NULL && params->reason[0] != '\0')
    {
      g_string_append (out, " /Reason ");
      append_text_string (out, params->reason);
    }
  if (!params->doc_timestamp && params->location != NULL && params->location[0] != '\0')
    {
      g_string_append (out, " /Location ");
      append_text_string (out, params->location);
    }
  g_string_append (out, " /ByteRange [");
  byte_range_at = out->len;
  g_string_append_printf (out, "%*s] /Contents ", BYTE_RANGE_WIDTH, "");
  gap_start = out->len;
  hex_len = params->contents_size * 2;
  g_string_append_c (out, '<');
  g_string_set_size (out, out->len + hex_len);
  memset (out->str + gap_start + 1, '0', hex_len);
  g_string_append_c (out, '>');
  gap_end = out->len;
  g_string_append (out, " >>");
  end_object (&b);

  if (params->evidence != NULL)
    {
      int spec_id;

      if (!write_evidence (&b, params->evidence, &spec_id, error))
        return NULL;
      af = g_strdup_printf ("%d 0 R", spec_id);
    }

  if (params->riding)
    {
      if (!write_riding (&b, params, sig_id, widget_id, inc->field_name, af, pages, inc, error)
          || !update_acroform (&b, root, widget_ref, error))
        return NULL;
    }
  else if (visible)
    {
      double w = user.width, h = user.height;
      if (geo.rotate == 90 || geo.rotate == 270)
        {
          w = user.height;
          h = user.width;
        }
      if (!write_appearance (&b, params, w, h, geo.rotate, &form_id, error))
        return NULL;
    }


  if (params->riding)
    ;
  else if (existing != NULL)
    {
      static const char * const skip_field[] = { "/V", NULL };
      static const char * const skip_widget[] = { "/V", "/AP", NULL };
      static const char * const skip_field_af[] = { "/V", "/AF", NULL };
      static const char * const skip_widget_af[] = { "/V", "/AP", "/AF", NULL };
      qpdf_oh field = qpdf_get_object_by_id (q, existing->id, existing->gen);
      gboolean merged = existing->widget_id == existing->id;

      if (!begin_object (&b, existing->id, existing->gen, error))
        return NULL;
      g_string_append (out, "<<");
      if (merged && af != NULL)
        append_dict_entries (q, field, out, visible ? skip_widget_af : skip_field_af);
      else
        append_dict_entries (q, field, out, merged && visible ? skip_widget : skip_field);
      g_string_append_printf (out, " /V %d 0 R", sig_id);
      if (merged && visible)
        g_string_append_printf (out, " /AP << /N %d 0 R >>", form_id);
      if (merged && af != NULL)
        {
          qpdf_oh old_af = dict_get (q, field, "/AF");

          /* The field's own associated files stay; the evidence joins them. */
          g_string_append (out, " /AF ");
          append_array_plus (q, old_af, out, af);
          qpdf_oh_release (q, old_af);
        }
      g_string_append (out, " >>");
      end_object (&b);
      if (!merged && (visible || af != NULL))
        {
          static const char * const skip_ap[] = { "/AP", NULL };
          static const char * const skip_af[] = { "/AF", NULL };
          static const char * const skip_ap_af[] = { "/AP", "/AF", NULL };
          qpdf_oh widget = qpdf_get_object_by_id (q, existing->widget_id, existing->widget_gen);

          if (!begin_object (&b, existing->widget_id, existing->widget_gen, error))
            return NULL;
          g_string_append (out, "<<");
          append_dict_entries (q, widget, out,
                               visible ? (af != NULL ? skip_ap_af : skip_ap) : skip_af);
          if (visible)
            g_string_append_printf (out, " /AP << /N %d 0 R >>", form_id);
          if (af != NULL)
            {
              qpdf_oh old_af = dict_get (q, widget, "/AF");

              g_string_append (out, " /AF ");
              append_array_plus (q, old_af, out, af);
              qpdf_oh_release (q, old_af);
            }
          g_string_append (out, " >>");
          end_object (&b);
        }
      if (!update_acroform (&b, root, NULL, error))
        return NULL;
    }
  else
    {
      if (!begin_object (&b, widget_id, 0, error))
        return NULL;
      g_string_append (out, "<< /Type /Annot /Subtype /Widget /FT /Sig /T ");
      append_text_string (out, inc->field_name);
      g_string_append_printf (out, " /V %d 0 R /F 132 /P %d %d R /Rect ", sig_id, geo.id, geo.gen);
      if (visible)
        {
          append_rect (out, &user);
          g_string_append_printf (out, " /AP << /N %d 0 R >>", form_id);
        }
      else
        g_string_append (out, "[0 0 0 0]");
      if (af != NULL)
        g_string_append_printf (out, " /AF [%s]", af);
      g_string_append (out, " >>");
      end_object (&b);
      page_annots_add (pages, geo.id, geo.gen, widget_id);
      if (!update_acroform (&b, root, widget_ref, error))
        return NULL;
    }
  if (params->watermark != NULL)
    {
      double text_width, text_height;
      int text_id;

      if (!write_watermark_text (&b, params->watermark, &text_id, &text_width, &text_height,
                                 error))
        return NULL;
      for (guint i = 1; i <= self->pages->len; i++)
        {
          PageGeometry page_geo;
          int annot_id;

          if (!page_geometry (self, i, &page_geo, error)
              || !write_watermark (&b, &page_geo, params->watermark, text_id, text_width,
                                   text_height, &annot_id, error))
            return NULL;
          page_annots_add (pages, page_geo.id, page_geo.gen, annot_id);
        }
    }
  for (guint i = 0; i < pages->len; i++)
    {
      PageAnnots *pa = &g_array_index (pages, PageAnnots, i);

      if (!add_widget_to_page (&b, pa->id, pa->gen, pa->refs->str, error))
        return NULL;
    }
  qpdf_oh_release_all (q);
  if (!check_qpdf (self, error))
    return NULL;

  write_xref (&b);

  /* Now every offset is known: fill in /ByteRange, padded to its reserved width. */
  total = self->size + out->len;
  after = self->size + gap_end;
  g_snprintf (range, sizeof range, "0 %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
              self->size + gap_start, after, total - after);
  memset (out->str + byte_range_at, ' ', BYTE_RANGE_WIDTH);
  memcpy (out->str + byte_range_at, range, strlen (range));

  inc->gap_start = gap_start;
  inc->gap_end = gap_end;
  inc->bytes = g_string_free_to_bytes (g_steal_pointer (&out));
  return g_steal_pointer (&inc);
}

/* ---- long-term validation data (PAdES B-LT) ------------------------------------------------- */

GPtrArray *
_inkan_pdf_get_signature_contents (InkanPdf *self, GError **error)
{
  qpdf_data q;
  qpdf_oh root;
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (field_info_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint i;

  g_return_val_if_fail (INKAN_IS_PDF (self), NULL);

  q = self->qpdf;
  root = qpdf_get_root (q);
  if (!collect_fields (self, dict_get (q, dict_get (q, root, "/AcroForm"), "/Fields"), "", NULL,
                       seen, fields, 0, error))
    return NULL;
  for (i = 0; i < fields->len; i++)
    {
      FieldInfo *f = fields->pdata[i];
      qpdf_oh field, value, string;
      const char *data;
      size_t len = 0;

      if (!f->is_sig || !f->has_value)
        continue;
      field = qpdf_get_object_by_id (q, f->id, f->gen);
      value = dict_get (q, field, "/V");
      string = dict_get (q, value, "/Contents");
      if (!qpdf_oh_is_string (q, string))
        continue;
      data = qpdf_oh_get_binary_string_value (q, string, &len);
      g_ptr_array_add (contents, g_bytes_new (data, len));
    }
  return g_steal_pointer (&contents);
}

/* "[old items… new refs]" or nothing when both are empty. */
static void
append_dss_array (qpdf_data q, qpdf_oh old_dss, const char *key, GString *out, GString *refs)
{
  qpdf_oh old = dict_get (q, old_dss, key);

  if (refs->len == 0 && !(qpdf_oh_is_array (q, old) && qpdf_oh_get_array_n_items (q, old) > 0))
    return;
  g_string_append_printf (out, " %s ", key);
  append_array_plus (q, old, out, refs->str);
}

static void
write_dss_streams (Builder *b, GPtrArray *items, GArray *ids, GString *refs, GError **error)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (items->pdata[i], &len);
      int id = b->next_id++;

      begin_object (b, id, 0, error);
      append_stream (b, "", data, len);
      end_object (b);
      g_array_append_val (ids, id);
      g_string_append_printf (refs, "%s%d 0 R", refs->len > 0 ? " " : "", id);
    }
}

static void
append_vri_refs (GString *out, const char *key, GArray *ids, GArray *indices)
{
  if (indices == NULL || indices->len == 0)
    return;
  g_string_append_printf (out, " %s [", key);
  for (guint i = 0; i < indices->len; i++)
    g_string_append_printf (out, "%s%d 0 R", i > 0 ? " " : "",
                            g_array_index (ids, int, g_array_index (indices, guint, i)));
  g_string_append_c (out, ']');
}

GBytes *
_inkan_pdf_prepare_dss (InkanPdf *self, const InkanPdfDss *dss, GError **error)
{
  static const char *const skip_dss[] = { "/Certs", "/OCSPs", "/CRLs", "/VRI", NULL };
  static const char *const skip_root[] = { "/DSS", NULL };
  g_autoptr (GHashTable) written = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) xref = g_array_new (FALSE, FALSE, sizeof (XrefEntry));
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) cert_ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) ocsp_ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) crl_ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GString) cert_refs = g_string_new (NULL);
  g_autoptr (GString) ocsp_refs = g_string_new (NULL);
  g_autoptr (GString) crl_refs = g_string_new (NULL);
  g_autoptr (GPtrArray) new_keys = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;
  Builder b = { self, out, xref, written, 0 };
  qpdf_data q;
  qpdf_oh root, old_dss, old_vri;
  int vri_id, dss_id;
  guint i;

  g_return_val_if_fail (INKAN_IS_PDF (self), NULL);
  g_return_val_if_fail (dss != NULL, NULL);

  q = self->qpdf;
  b.next_id = self->trailer_size;
  root = qpdf_get_root (q);
  old_dss = dict_get (q, root, "/DSS");
  old_vri = dict_get (q, old_dss, "/VRI");
  if (!self->ends_with_eol)
    g_string_append_c (out, '\n');

  write_dss_streams (&b, dss->certs, cert_ids, cert_refs, &local_error);
  write_dss_streams (&b, dss->ocsps, ocsp_ids, ocsp_refs, &local_error);
  write_dss_streams (&b, dss->crls, crl_ids, crl_refs, &local_error);

  vri_id = b.next_id++;
  begin_object (&b, vri_id, 0, &local_error);
  g_string_append (out, "<<");
  for (i = 0; dss->vri != NULL && i < dss->vri->len; i++)
    g_ptr_array_add (new_keys, g_strconcat ("/", ((InkanPdfVri *) dss->vri->pdata[i])->key, NULL));
  g_ptr_array_add (new_keys, NULL);
  if (qpdf_oh_is_dictionary (q, old_vri))
    append_dict_entries (q, old_vri, out, (const char *const *) new_keys->pdata);
  for (i = 0; dss->vri != NULL && i < dss->vri->len; i++)
    {
      InkanPdfVri *vri = dss->vri->pdata[i];

      g_string_append_printf (out, " /%s <<", vri->key);
      append_vri_refs (out, "/Cert", cert_ids, vri->certs);
      append_vri_refs (out, "/OCSP", ocsp_ids, vri->ocsps);
      append_vri_refs (out, "/CRL", crl_ids, vri->crls);
      g_string_append (out, " >>");
    }
  g_string_append (out, " >>");
  end_object (&b);

  dss_id = b.next_id++;
  begin_object (&b, dss_id, 0, &local_error);
  g_string_append (out, "<<");
  if (qpdf_oh_is_dictionary (q, old_dss))
    append_dict_entries (q, old_dss, out, skip_dss);
  append_dss_array (q, old_dss, "/Certs", out, cert_refs);
  append_dss_array (q, old_dss, "/OCSPs", out, ocsp_refs);
  append_dss_array (q, old_dss, "/CRLs", out, crl_refs);
  g_string_append_printf (out, " /VRI %d 0 R >>", vri_id);
  end_object (&b);

  begin_object (&b, qpdf_oh_get_object_id (q, root), qpdf_oh_get_generation (q, root),
                &local_error);
  g_string_append (out, "<<");
  append_dict_entries (q, root, out, skip_root);
  g_string_append_printf (out, " /DSS %d 0 R >>", dss_id);
  end_object (&b);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!check_qpdf (self, error))
    return NULL;

  write_xref (&b);
  return g_bytes_new (out->str, out->len);
}
