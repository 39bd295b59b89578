/* Makes the demo's and the tests' assets: a round seal PNG and sample PDF documents. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 64

#define A4_WIDTH 595.276
#define A4_HEIGHT 841.890
#define MARGIN 72.0

/* 184 × 184 RGB samples are 101 568 bytes: with noise, Flate cannot shrink them, so each page
 * carries about 100 KB and a 1000-page document about 100 MB. */
#define NOISE_SIDE 184

#define SEAL_R 0.816
#define SEAL_G 0.110
#define SEAL_B 0.110

typedef enum
{
  KIND_ONE_PAGE,
  KIND_MANY_PAGES,
  KIND_FORM,
} PdfKind;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

static const char usage_text[] =
  "Usage:\n"
  "  inkan-mkassets seal OUT.png [--size PX]\n"
  "  inkan-mkassets pdf OUT.pdf --kind one-page|many-pages|form [--pages N] [--images]\n"
  "\n"
  "seal   a red round seal with a transparent background (default 600 pixels square)\n"
  "pdf    an A4 sample document; many-pages has 20 pages unless --pages says otherwise;\n"
  "       --images adds an incompressible picture of about 100 KB to every page; form has a\n"
  "       filled text field \"name\" and an empty signature field \"Signature1\"\n";

static int
usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("inkan-mkassets: %s\n\n%s", message, usage_text);
  return EXIT_USAGE;
}

static int
fail (GError *error)
{
  g_printerr ("inkan-mkassets: %s\n", error->message);
  g_error_free (error);
  return EXIT_FAILURE;
}

static mode_t
current_umask (void)
{
  mode_t mask = umask (0);

  umask (mask);
  return mask;
}

/* A temporary file beside the destination, so that the final rename is atomic and a failure
 * never leaves a half-written asset under the requested name. */
static char *
make_temp_beside (const char *out, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (out);
  g_autofree char *base = g_path_get_basename (out);
  g_autofree char *template = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp (template);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create a temporary file in \"%s\": %s. Check that the folder exists "
                   "and is writable.",
                   dir, g_strerror (saved));
      return NULL;
    }
  /* mkstemp makes the file private; an asset is as readable as any file the user creates. */
  fchmod (fd, 0666 & ~current_umask ());
  close (fd);
  return g_steal_pointer (&template);
}

static gboolean
commit_temp (const char *tmp, const char *out, GError **error)
{
  if (g_rename (tmp, out) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot move the new file into place as \"%s\": %s.", out, g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_cairo (cairo_status_t status, const char *what, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cairo failed while %s: %s.", what,
               cairo_status_to_string (status));
  return FALSE;
}

/* ---- seal ---- */

/* Trigonometry goes through cairo's matrices: the helper then needs no libm of its own. */
static void
path_star (cairo_t *cr, double cx, double cy, double outer, double inner)
{
  int i;

  for (i = 0; i < 10; i++)
    {
      cairo_matrix_t m;
      double x = 0, y = -((i % 2 == 0) ? outer : inner);

      cairo_matrix_init_translate (&m, cx, cy);
      cairo_matrix_rotate (&m, i * G_PI / 5);
      cairo_matrix_transform_point (&m, &x, &y);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_close_path (cr);
}

/* Lays the text out on the upper arc, each glyph upright relative to the centre. The font size
 * is chosen so the text spans `span` radians at `radius`, the way engraved seals fill their
 * band whatever the name's length. */
static void
show_text_on_arc (cairo_t *cr, const char *text, double cx, double cy, double radius,
                  double span, double max_size)
{
  g_autofree double *advances = NULL;
  cairo_text_extents_t ext;
  double total = 0.0, spacing, size, angle;
  glong n = g_utf8_strlen (text, -1), i;
  const char *p;

  if (n == 0)
    return;
  advances = g_new0 (double, n);

  cairo_set_font_size (cr, 1.0);
  for (p = text, i = 0; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      char glyph[8] = { 0 };

      memcpy (glyph, p, g_utf8_next_char (p) - p);
      cairo_text_extents (cr, glyph, &ext);
      advances[i] = ext.x_advance;
      total += ext.x_advance;
    }
  /* letter spacing of 0.15 em keeps capitals from touching on the curve */
  spacing = 0.15;
  total += spacing * (n - 1);
  size = MIN (max_size, span * radius / total);
  cairo_set_font_size (cr, size);

  angle = -(total * size / radius) / 2;
  for (p = text, i = 0; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      char glyph[8] = { 0 };
      double half = advances[i] * size / 2;

      memcpy (glyph, p, g_utf8_next_char (p) - p);
      angle += half / radius;
      cairo_save (cr);
      cairo_translate (cr, cx, cy);
      cairo_rotate (cr, angle);
      cairo_translate (cr, 0, -radius);
      cairo_move_to (cr, -half, 0);
      cairo_show_text (cr, glyph);
      cairo_restore (cr);
      angle += (half + spacing * size) / radius;
    }
}

static gboolean
make_seal (const char *out, int size, GError **error)
{
  g_autoptr (cairo_surface_t) surface = NULL;
  g_autoptr (cairo_t) cr = NULL;
  g_autofree char *tmp = NULL;
  cairo_font_options_t *options;
  cairo_text_extents_t ext;
  double s = size, c = size / 2.0;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  if (!check_cairo (cairo_surface_status (surface), "creating the seal image", error))
    return FALSE;
  cr = cairo_create (surface);

  /* Unhinted metrics: glyph positions on the curve then scale smoothly with --size. */
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_GRAY);

  cairo_set_source_rgba (cr, SEAL_R, SEAL_G, SEAL_B, 1.0);

  cairo_set_line_width (cr, 0.05 * s);
  cairo_arc (cr, c, c, 0.455 * s, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.012 * s);
  cairo_arc (cr, c, c, 0.395 * s, 0, 2 * G_PI);
  cairo_stroke (cr);

  path_star (cr, c, c - 0.01 * s, 0.17 * s, 0.17 * s * 0.382);
  cairo_fill (cr);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  show_text_on_arc (cr, "INKAN DEMO ORGANISATION", c, c, 0.3 * s, G_PI * 1.25, 0.075 * s);

  cairo_set_font_size (cr, 0.085 * s);
  cairo_text_extents (cr, "SEAL", &ext);
  cairo_move_to (cr, c - (ext.x_bearing + ext.width / 2), c + 0.29 * s);
  cairo_show_text (cr, "SEAL");

  if (!check_cairo (cairo_status (cr), "drawing the seal", error))
    return FALSE;
  cairo_surface_flush (surface);

  tmp = make_temp_beside (out, error);
  if (tmp == NULL)
    return FALSE;
  if (!check_cairo (cairo_surface_write_to_png (surface, tmp), "writing the PNG file", error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  return commit_temp (tmp, out, error);
}

/* ---- PDF ---- */

static const char *const paragraphs[] = {
  "This agreement is made between the Inkan Demo Organisation, hereinafter the Organisation, "
  "and the counterparty named in the schedule. Both parties agree that the documents exchanged "
  "under this agreement are sealed electronically and that a sealed copy carries the same "
  "weight as a paper copy bearing the Organisation's official seal.",
  "The Organisation keeps each of its seals on a hardware token. A clerk may apply a seal only "
  "within the scope of a grant issued by an administrator, and only after the approvals that "
  "the seal's policy requires have been recorded. Every use of a seal is written to an audit "
  "trail that cannot be edited after the fact.",
  "A recipient verifies a sealed document by checking that the signature covers the whole "
  "file, that the certificate chains to the Organisation's root certificate, and that no "
  "change was made after sealing other than those the signature permits, such as filling in "
  "form fields or adding further signatures.",
  "Payment is due within thirty days of the invoice date. Amounts are stated in euros and "
  "include value added tax where applicable. Late payment bears interest at the statutory "
  "rate from the day after the due date until the day of payment, without further notice.",
  "Either party may terminate this agreement by written notice of three months to the end of "
  "a calendar quarter. Obligations that by their nature survive termination, in particular "
  "confidentiality and the retention of sealed records, remain in force after it ends.",
  "Notices under this agreement are given in writing to the addresses stated in the schedule. "
  "A notice sealed electronically and sent by electronic mail is deemed received on the next "
  "working day after it was sent, unless the sender receives a message that it was not "
  "delivered.",
  "This agreement is governed by the law of the place where the Organisation has its "
  "registered office. The parties will first try to settle any dispute by negotiation in good "
  "faith; failing agreement within sixty days, either party may refer the dispute to the "
  "competent court.",
};

/* Returns the y of the next line. */
static double
show_paragraph (cairo_t *cr, const char *text, double y, double size, double leading)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GString) line = g_string_new (NULL);
  double width = A4_WIDTH - 2 * MARGIN;
  cairo_text_extents_t ext;
  guint i;

  cairo_set_font_size (cr, size);
  for (i = 0; words[i] != NULL; i++)
    {
      gsize before = line->len;

      if (line->len > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      cairo_text_extents (cr, line->str, &ext);
      if (ext.x_advance > width && before > 0)
        {
          g_string_truncate (line, before);
          cairo_move_to (cr, MARGIN, y);
          cairo_show_text (cr, line->str);
          y += leading;
          g_string_assign (line, words[i]);
        }
    }
  if (line->len > 0)
    {
      cairo_move_to (cr, MARGIN, y);
      cairo_show_text (cr, line->str);
      y += leading;
    }
  return y;
}

/* xorshift64*: fast and seeded, so the noise (and the file) is the same on every run. */
static inline guint64
next_random (guint64 *state)
{
  guint64 x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * G_GUINT64_CONSTANT (2685821657736338717);
}

/* A fresh surface per page: cairo emits each distinct surface once, so every page gets its own
 * 100 KB image rather than a reference to the first one. */
static cairo_surface_t *
make_noise (guint page)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, NOISE_SIDE,
                                                         NOISE_SIDE);
  guint64 state = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ ((guint64) page * 0x100000001b3);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int x, y;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  next_random (&state);
  cairo_surface_flush (surface);
  for (y = 0; y < NOISE_SIDE; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);

      for (x = 0; x + 1 < NOISE_SIDE; x += 2)
        {
          guint64 r = next_random (&state);

          row[x] = (guint32) r & 0xffffff;
          row[x + 1] = (guint32) (r >> 32) & 0xffffff;
        }
      if (x < NOISE_SIDE)
        row[x] = (guint32) next_random (&state) & 0xffffff;
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static gboolean
draw_page (cairo_t *cr, guint page, guint pages, const char *title, gboolean images,
           gboolean form_labels, GError **error)
{
  g_autofree char *heading = NULL;
  g_autofree char *footer = NULL;
  cairo_text_extents_t ext;
  double y = MARGIN + 14;
  guint i;

  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 16);
  heading = page == 1 ? g_strdup (title) : g_strdup_printf ("%s (continued)", title);
  cairo_move_to (cr, MARGIN, y);
  cairo_show_text (cr, heading);
  y += 30;

  cairo_select_font_face (cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  for (i = 0; i < 4; i++)
    {
      const char *text = paragraphs[(page - 1 + i) % G_N_ELEMENTS (paragraphs)];
      y = show_paragraph (cr, text, y, 10.5, 14.5) + 8;
    }

  if (images)
    {
      g_autoptr (cairo_surface_t) noise = make_noise (page);
      double side = 170;

      if (!check_cairo (cairo_surface_status (noise), "creating a page image", error))
        return FALSE;
      cairo_save (cr);
      cairo_translate (cr, (A4_WIDTH - side) / 2, y + 6);
      cairo_scale (cr, side / NOISE_SIDE, side / NOISE_SIDE);
      cairo_set_source_surface (cr, noise, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_set_font_size (cr, 9);
      footer = g_strdup_printf ("Figure %u. Measurement noise recorded for page %u.", page, page);
      cairo_text_extents (cr, footer, &ext);
      cairo_move_to (cr, (A4_WIDTH - ext.x_advance) / 2, y + side + 20);
      cairo_show_text (cr, footer);
      g_clear_pointer (&footer, g_free);
    }

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (form_labels)
    {
      /* captions over the widgets add_form() places, in cairo's top-down coordinates */
      cairo_set_font_size (cr, 10);
      cairo_move_to (cr, 72, A4_HEIGHT - 148);
      cairo_show_text (cr, "Full name of the applicant:");
      cairo_move_to (cr, 380, A4_HEIGHT - 216);
      cairo_show_text (cr, "Seal of the Organisation:");
    }
  cairo_set_font_size (cr, 9);
  footer = g_strdup_printf ("Page %u of %u", page, pages);
  cairo_text_extents (cr, footer, &ext);
  cairo_move_to (cr, (A4_WIDTH - ext.x_advance) / 2, A4_HEIGHT - 40);
  cairo_show_text (cr, footer);

  cairo_show_page (cr);
  return check_cairo (cairo_status (cr), "drawing a page", error);
}

static gboolean
write_cairo_pdf (const char *path, const char *title, guint pages, gboolean images,
                 gboolean form_labels, GError **error)
{
  g_autoptr (cairo_surface_t) surface = NULL;
  g_autoptr (cairo_t) cr = NULL;
  guint page;

  surface = cairo_pdf_surface_create (path, A4_WIDTH, A4_HEIGHT);
  if (!check_cairo (cairo_surface_status (surface), "creating the PDF", error))
    return FALSE;
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, "Inkan Demo Organisation");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "inkan-mkassets");
  /* No fixed CREATE_DATE: cairo 1.16 writes a set date without its "D:" prefix. */
  cr = cairo_create (surface);

  for (page = 1; page <= pages; page++)
    if (!draw_page (cr, page, pages, title, images, form_labels, error))
      return FALSE;

  g_clear_pointer (&cr, cairo_destroy);
  cairo_surface_finish (surface);
  return check_cairo (cairo_surface_status (surface), "writing the PDF", error);
}

/* qpdf keeps warnings until asked; a generated sample must have none. */
static gboolean
check_qpdf (qpdf_data q, const char *what, GError **error)
{
  if (qpdf_has_error (q))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "qpdf failed while %s: %s", what,
                   qpdf_get_error_full_text (q, qpdf_get_error (q)));
      return FALSE;
    }
  if (qpdf_more_warnings (q))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "qpdf warned while %s: %s", what,
                   qpdf_get_error_full_text (q, qpdf_next_warning (q)));
      return FALSE;
    }
  return TRUE;
}

static qpdf_oh
new_stream (qpdf_data q, const char *dict, const char *data)
{
  qpdf_oh stream = qpdf_oh_new_stream (q);
  qpdf_oh parsed = qpdf_oh_parse (q, dict);
  qpdf_oh null = qpdf_oh_new_null (q);
  qpdf_oh stream_dict;

  qpdf_oh_replace_stream_data (q, stream, (const unsigned char *) data, strlen (data), null,
                               null);
  stream_dict = qpdf_oh_get_dict (q, stream);
  qpdf_oh_replace_key (q, stream_dict, "/Type", qpdf_oh_get_key (q, parsed, "/Type"));
  qpdf_oh_replace_key (q, stream_dict, "/Subtype", qpdf_oh_get_key (q, parsed, "/Subtype"));
  qpdf_oh_replace_key (q, stream_dict, "/BBox", qpdf_oh_get_key (q, parsed, "/BBox"));
  qpdf_oh_replace_key (q, stream_dict, "/Resources", qpdf_oh_get_key (q, parsed, "/Resources"));
  return stream;
}

/* Adds to page 1 a filled text field "name" and an empty signature field "Signature1", the
 * shapes a signer meets in real forms: one field to leave alone, one to fill. */
static gboolean
add_form (const char *in, const char *out, GError **error)
{
  qpdf_data q = qpdf_init ();
  qpdf_oh root, page, font, dr, acroform, fields, annots, text, text_ap, sig, sig_ap, ap;
  gboolean ok = FALSE;

  /* errors and warnings are collected and reported by check_qpdf, not printed by qpdf */
  qpdf_silence_errors (q);
  qpdf_set_suppress_warnings (q, QPDF_TRUE);
  qpdf_read (q, in, NULL);
  if (!check_qpdf (q, "reading the generated PDF", error))
    goto out;

  root = qpdf_get_root (q);
  page = qpdf_get_page_n (q, 0);
  if (!check_qpdf (q, "finding page 1", error))
    goto out;

  font = qpdf_make_indirect_object (
    q, qpdf_oh_parse (q, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                         "/Encoding /WinAnsiEncoding >>"));
  dr = qpdf_oh_parse (q, "<< /Font << >> >>");
  qpdf_oh_replace_key (q, qpdf_oh_get_key (q, dr, "/Font"), "/Helv", font);

  text_ap = new_stream (q,
                        "<< /Type /XObject /Subtype /Form /BBox [ 0 0 220 22 ] "
                        "/Resources << /Font << >> >> >>",
                        "/Tx BMC\nq\nBT\n/Helv 12 Tf\n0 g\n2 6 Td\n(Jane Doe) Tj\nET\nQ\nEMC\n");
  qpdf_oh_replace_key (
    q, qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_oh_get_dict (q, text_ap), "/Resources"),
                        "/Font"),
    "/Helv", font);
  text_ap = qpdf_make_indirect_object (q, text_ap);
  text = qpdf_oh_parse (q, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /TU (Full name) "
                           "/V (Jane Doe) /DA (/Helv 12 Tf 0 g) /F 4 "
                           "/Rect [ 72 120 292 142 ] /MK << /BC [ 0 0 0 ] >> >>");
  ap = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, ap, "/N", text_ap);
  qpdf_oh_replace_key (q, text, "/AP", ap);
  qpdf_oh_replace_key (q, text, "/P", page);
  text = qpdf_make_indirect_object (q, text);

  /* An empty appearance: a viewer shows nothing until the signer draws the seal there. */
  sig_ap = qpdf_make_indirect_object (
    q, new_stream (q, "<< /Type /XObject /Subtype /Form /BBox [ 0 0 150 150 ] /Resources << >> >>",
                   ""));
  sig = qpdf_oh_parse (q, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 4 "
                          "/Rect [ 380 60 530 210 ] >>");
  ap = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, ap, "/N", sig_ap);
  qpdf_oh_replace_key (q, sig, "/AP", ap);
  qpdf_oh_replace_key (q, sig, "/P", page);
  sig = qpdf_make_indirect_object (q, sig);

  annots = qpdf_oh_new_array (q);
  if (qpdf_oh_has_key (q, page, "/Annots"))
    {
      qpdf_oh old = qpdf_oh_get_key (q, page, "/Annots");
      int i, n = qpdf_oh_get_array_n_items (q, old);

      for (i = 0; i < n; i++)
        qpdf_oh_append_item (q, annots, qpdf_oh_get_array_item (q, old, i));
    }
  qpdf_oh_append_item (q, annots, text);
  qpdf_oh_append_item (q, annots, sig);
  qpdf_oh_replace_key (q, page, "/Annots", annots);

  fields = qpdf_oh_new_array (q);
  qpdf_oh_append_item (q, fields, text);
  qpdf_oh_append_item (q, fields, sig);
  acroform = qpdf_oh_parse (q, "<< /DA (/Helv 0 Tf 0 g) >>");
  qpdf_oh_replace_key (q, acroform, "/Fields", fields);
  qpdf_oh_replace_key (q, acroform, "/DR", dr);
  qpdf_oh_replace_key (q, root, "/AcroForm", qpdf_make_indirect_object (q, acroform));
  if (!check_qpdf (q, "adding the form fields", error))
    goto out;

  qpdf_init_write (q, out);
  if (!check_qpdf (q, "starting to write the form", error))
    goto out;
  qpdf_set_deterministic_ID (q, QPDF_TRUE);
  qpdf_write (q);
  ok = check_qpdf (q, "writing the form", error);

out:
  qpdf_cleanup (&q);
  return ok;
}

static gboolean
make_pdf (const char *out, PdfKind kind, guint pages, gboolean images, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *tmp2 = NULL;
  const char *title;

  switch (kind)
    {
    case KIND_ONE_PAGE:
      title = "Service agreement";
      pages = 1;
      break;
    case KIND_MANY_PAGES:
      title = "Framework agreement";
      break;
    case KIND_FORM:
      title = "Application form";
      pages = 1;
      break;
    default:
      g_assert_not_reached ();
    }

  tmp = make_temp_beside (out, error);
  if (tmp == NULL)
    return FALSE;
  if (!write_cairo_pdf (tmp, title, pages, images, kind == KIND_FORM, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  if (kind == KIND_FORM)
    {
      tmp2 = make_temp_beside (out, error);
      if (tmp2 == NULL || !add_form (tmp, tmp2, error))
        {
          g_unlink (tmp);
          if (tmp2 != NULL)
            g_unlink (tmp2);
          return FALSE;
        }
      g_unlink (tmp);
      return commit_temp (tmp2, out, error);
    }
  return commit_temp (tmp, out, error);
}

static gboolean
parse_uint (const char *text, guint min, guint max, guint *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;
  *out = value;
  return TRUE;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  const char *command, *out;
  int i;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      if (argc >= 2)
        {
          g_print ("%s", usage_text);
          return EXIT_SUCCESS;
        }
      return usage_error ("Say what to make: seal or pdf.");
    }
  command = argv[1];
  if (argc < 3 || argv[2][0] == '-')
    return usage_error ("Give the output file after \"%s\".", command);
  out = argv[2];

  if (g_str_equal (command, "seal"))
    {
      guint size = 600;

      for (i = 3; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--size") && i + 1 < argc)
            {
              if (!parse_uint (argv[++i], 16, 8192, &size))
                return usage_error ("--size wants a number of pixels from 16 to 8192, not \"%s\".",
                                    argv[i]);
            }
          else
            return usage_error ("Unknown or incomplete option \"%s\" for seal.", argv[i]);
        }
      if (!make_seal (out, size, &error))
        return fail (error);
      return EXIT_SUCCESS;
    }

  if (g_str_equal (command, "pdf"))
    {
      const char *kind_name = NULL;
      gboolean images = FALSE, pages_given = FALSE;
      guint pages = 20;
      PdfKind kind;

      for (i = 3; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--kind") && i + 1 < argc)
            kind_name = argv[++i];
          else if (g_str_equal (argv[i], "--pages") && i + 1 < argc)
            {
              if (!parse_uint (argv[++i], 1, 1000000, &pages))
                return usage_error ("--pages wants a number from 1 to 1000000, not \"%s\".",
                                    argv[i]);
              pages_given = TRUE;
            }
          else if (g_str_equal (argv[i], "--images"))
            images = TRUE;
          else
            return usage_error ("Unknown or incomplete option \"%s\" for pdf.", argv[i]);
        }
      if (kind_name == NULL)
        return usage_error ("Say which document to make with --kind.");
      if (g_str_equal (kind_name, "one-page"))
        kind = KIND_ONE_PAGE;
      else if (g_str_equal (kind_name, "many-pages"))
        kind = KIND_MANY_PAGES;
      else if (g_str_equal (kind_name, "form"))
        kind = KIND_FORM;
      else
        return usage_error ("Unknown kind \"%s\": use one-page, many-pages or form.", kind_name);
      if (pages_given && kind != KIND_MANY_PAGES)
        return usage_error ("--pages only applies to --kind many-pages.");

      if (!make_pdf (out, kind, pages, images, &error))
        return fail (error);
      return EXIT_SUCCESS;
    }

  return usage_error ("Unknown command \"%s\": use seal or pdf.", command);
}
