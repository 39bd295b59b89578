/* The drawing module's audit report: the evidence bundle as a PDF, drawn with cairo and pango. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-audit-export.h"
#include "inkan-draw-private.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <pango/pangocairo.h>
#include <string.h>

/* ---- the PDF report ------------------------------------------------------------------------ */

/* A4 portrait, in points. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 50.0
#define BODY_W (PAGE_W - 2 * MARGIN)

/* Names, reasons and comments are often Chinese: a CJK face that also covers Latin first, and
 * fontconfig's fallback for anything it lacks. */
#define REPORT_FONT "Noto Sans CJK SC, Noto Sans CJK, Sans"

typedef struct
{
  cairo_surface_t *surface;
  cairo_t *cr;
  /* A font map of the report's own, not the thread's default: its fonts and their cairo
   * caches go with the report, rather than living as long as the thread. */
  PangoFontMap *font_map;
  PangoContext *context;
  PangoLayout *layout;            /* for the body; the footer has its own */
  double y;
  guint page;
  /* libinkan's, for the trail's times and the people's roles */
  InkanDrawTimeFunc format_time;
  InkanDrawRoleFunc role_name;
} Report;

static cairo_status_t
write_to_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The report's text context: unhinted metrics, so that text measures the same on every page
 * and in every viewer, and Han characters in their Simplified Chinese forms. */
static void
report_context_init (Report *r)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  r->font_map = pango_cairo_font_map_new ();
  r->context = pango_font_map_create_context (r->font_map);
  pango_cairo_update_context (r->cr, r->context);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (r->context, options);
  cairo_font_options_destroy (options);
  pango_context_set_language (r->context, pango_language_from_string ("zh-cn"));
}

static PangoLayout *
report_layout_new (Report *r)
{
  PangoLayout *layout = pango_layout_new (r->context);

  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

static void
layout_set_font (PangoLayout *layout, double size, gboolean bold)
{
  PangoFontDescription *desc = pango_font_description_from_string (REPORT_FONT);

  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
}

static void
report_footer (Report *r)
{
  g_autofree char *text = g_strdup_printf (_("Inkan audit report, page %u"), r->page);
  PangoLayout *layout = report_layout_new (r);

  cairo_save (r->cr);
  layout_set_font (layout, 8, FALSE);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (r->cr, 0.4, 0.4, 0.4);
  cairo_move_to (r->cr, MARGIN, PAGE_H - MARGIN / 2 - 8);
  pango_cairo_show_layout (r->cr, layout);
  cairo_restore (r->cr);
  g_object_unref (layout);
}

/* Starts a new page when fewer than `height` points are left. */
static void
report_need (Report *r, double height)
{
  if (r->y + height <= PAGE_H - MARGIN)
    return;
  report_footer (r);
  cairo_show_page (r->cr);
  r->page++;
  r->y = MARGIN;
}

/* Shows `text` wrapped to `width` points from `x`, at word boundaries where it can and inside
 * a word (a hash) where it must, breaking pages between lines. */
static void
report_text (Report *r, double x, double width, double size, gboolean bold, const char *text)
{
  PangoLayoutIter *iter;

  layout_set_font (r->layout, size, bold);
  pango_layout_set_width (r->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_text (r->layout, text != NULL ? text : "", -1);
  iter = pango_layout_get_iter (r->layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double ascent, height;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      ascent = (double) (pango_layout_iter_get_baseline (iter) - logical.y) / PANGO_SCALE;
      height = MAX ((double) logical.height / PANGO_SCALE, size * 1.2);
      report_need (r, height);
      cairo_move_to (r->cr, x, r->y + ascent);
      pango_cairo_show_layout_line (r->cr, line);
      r->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
report_heading (Report *r, const char *text)
{
  r->y += 10;
  report_need (r, 60);
  cairo_set_source_rgb (r->cr, 0.55, 0.05, 0.05);
  report_text (r, MARGIN, BODY_W, 13, TRUE, text);
  cairo_set_line_width (r->cr, 0.5);
  cairo_move_to (r->cr, MARGIN, r->y + 1);
  cairo_line_to (r->cr, MARGIN + BODY_W, r->y + 1);
  cairo_stroke (r->cr);
  cairo_set_source_rgb (r->cr, 0, 0, 0);
  r->y += 6;
}

static char *
roles_text (Report *r, InkanRoles roles)
{
  GString *out = g_string_new (NULL);
  guint bit;

  for (bit = 0; bit < 4; bit++)
    if (roles & (1u << bit))
      {
        if (out->len > 0)
          g_string_append (out, ", ");
        g_string_append (out, r->role_name ((InkanRoles) (1u << bit)));
      }
  return g_string_free (out, FALSE);
}

static const InkanUser *
find_user (GPtrArray *users, const char *name)
{
  guint i;

  for (i = 0; users != NULL && name != NULL && i < users->len; i++)
    {
      const InkanUser *u = users->pdata[i];
      if (g_strcmp0 (u->name, name) == 0)
        return u;
    }
  return NULL;
}

static void
report_people (Report *r, const InkanAuditExport *bundle)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint i, n = 0;

  report_heading (r, _("People"));
  for (i = 0; bundle->entries != NULL && i < bundle->entries->len; i++)
    {
      const InkanAuditEntry *e = bundle->entries->pdata[i];
      const char *name = e->actor != NULL ? e->actor : _("(the system)");
      const InkanUser *user;
      g_autofree char *line = NULL;
      g_autofree char *roles = NULL;

      if (g_hash_table_contains (seen, name))
        continue;
      g_hash_table_add (seen, (gpointer) name);
      user = find_user (bundle->users, e->actor);
      roles = user != NULL ? roles_text (r, user->roles) : NULL;
      line = g_strdup_printf ("%s%s%s%s", name, roles != NULL ? " (" : "",
                              roles != NULL ? roles : "", roles != NULL ? ")" : "");
      report_text (r, MARGIN, BODY_W, 10, TRUE, line);
      if (e->actor_cert_sha256 != NULL)
        {
          g_autofree char *fp = g_strdup_printf (_("certificate SHA-256 %s"), e->actor_cert_sha256);
          report_text (r, MARGIN + 12, BODY_W - 12, 8, FALSE, fp);
        }
      n++;
    }
  if (n == 0)
    report_text (r, MARGIN, BODY_W, 10, FALSE, _("No one acted on this subject."));
}

static void
report_documents (Report *r, const InkanAuditExport *bundle)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  guint i;

  report_heading (r, _("Documents"));
  for (i = 0; bundle->entries != NULL && i < bundle->entries->len; i++)
    {
      const InkanAuditEntry *e = bundle->entries->pdata[i];
      guint n;

      if (e->document_sha256 == NULL)
        continue;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, e->document_sha256));
      if (n == 0)
        g_ptr_array_add (order, e->document_sha256);
      g_hash_table_insert (counts, e->document_sha256, GUINT_TO_POINTER (n + 1));
    }
  for (i = 0; i < order->len; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, order->pdata[i]));
      g_autofree char *line = g_strdup_printf (ngettext ("SHA-256 %s: %u entry",
                                                         "SHA-256 %s: %u entries", n),
                                               (char *) order->pdata[i], n);
      report_text (r, MARGIN, BODY_W, 9, FALSE, line);
    }
  if (order->len == 0)
    report_text (r, MARGIN, BODY_W, 10, FALSE, _("No entry names a document."));
}

static void
report_timeline (Report *r, const InkanAuditExport *bundle)
{
  guint i;

  report_heading (r, _("Timeline"));
  for (i = 0; bundle->entries != NULL && i < bundle->entries->len; i++)
    {
      const InkanAuditEntry *e = bundle->entries->pdata[i];
      g_autofree char *when = r->format_time (e->time);
      g_autofree char *head = g_strdup_printf ("#%" G_GINT64_FORMAT "  %s  %s  %s", e->seq,
                                               when != NULL ? when : "?",
                                               e->actor != NULL ? e->actor : _("(the system)"),
                                               e->action != NULL ? e->action : "?");
      g_autofree char *where = g_strdup_printf (_("on %s (%s); %s"), e->host != NULL ? e->host : "?",
                                                e->ips != NULL ? e->ips : _("no address"),
                                                e->device != NULL ? e->device : _("unknown device"));
      g_autofree char *hash = g_strdup_printf (_("entry hash %s"), e->entry_hash != NULL
                                                                ? e->entry_hash : "?");

      report_need (r, 50);
      report_text (r, MARGIN, BODY_W, 9.5, TRUE, head);
      if (e->objects != NULL && *e->objects != '\0')
        report_text (r, MARGIN + 12, BODY_W - 12, 9, FALSE, e->objects);
      if (e->document_sha256 != NULL)
        {
          g_autofree char *doc = g_strdup_printf (_("document SHA-256 %s"), e->document_sha256);
          report_text (r, MARGIN + 12, BODY_W - 12, 8, FALSE, doc);
        }
      if (e->details != NULL)
        report_text (r, MARGIN + 12, BODY_W - 12, 9, FALSE, e->details);
      cairo_set_source_rgb (r->cr, 0.4, 0.4, 0.4);
      report_text (r, MARGIN + 12, BODY_W - 12, 7.5, FALSE, where);
      report_text (r, MARGIN + 12, BODY_W - 12, 7.5, FALSE, hash);
      cairo_set_source_rgb (r->cr, 0, 0, 0);
      r->y += 4;
    }
  if (bundle->entries == NULL || bundle->entries->len == 0)
    report_text (r, MARGIN, BODY_W, 10, FALSE, _("The audit trail has no entry on this subject."));
}

static char *
verification_sentence (const InkanAuditExport *bundle)
{
  if (bundle->chain_intact)
    return g_strdup_printf (ngettext ("The audit trail is intact: its %" PRIu64 " entry hashes "
                                      "correctly.",
                                      "The audit trail is intact: its %" PRIu64 " entries each "
                                      "hash correctly and link to the one before.",
                                      bundle->n_entries), bundle->n_entries);
  return g_strdup_printf (_("The audit trail is BROKEN at entry %" PRId64 ": %s Entries "
                          "from there on cannot be relied upon."), bundle->first_bad,
                          bundle->why != NULL ? bundle->why : "");
}

GBytes *
_inkan_draw_audit_report (const InkanAuditExport *bundle, InkanDrawTimeFunc format_time,
                          InkanDrawRoleFunc role_name, GError **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  g_autofree char *generated = format_time (bundle->now);
  g_autofree char *title = g_strdup_printf (_("Audit report: %s"), bundle->subject);
  g_autofree char *verdict = verification_sentence (bundle);
  g_autofree char *intro = NULL;
  Report r = { 0 };
  cairo_status_t status;

  r.surface = cairo_pdf_surface_create_for_stream (write_to_bytes, bytes, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (r.surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (r.surface, CAIRO_PDF_METADATA_CREATOR, "Inkan");
  r.cr = cairo_create (r.surface);
  report_context_init (&r);
  r.layout = report_layout_new (&r);
  r.page = 1;
  r.y = MARGIN;
  r.format_time = format_time;
  r.role_name = role_name;

  cairo_set_source_rgb (r.cr, 0, 0, 0);
  report_text (&r, MARGIN, BODY_W, 18, TRUE, _("Inkan audit report"));
  report_text (&r, MARGIN, BODY_W, 12, FALSE, bundle->subject);
  intro = g_strdup_printf (ngettext ("Generated %s from the audit trail: %u entry on this subject.",
                                     "Generated %s from the audit trail: %u entries on this "
                                     "subject.",
                                     bundle->entries != NULL ? bundle->entries->len : 0),
                           generated != NULL ? generated : "?",
                           bundle->entries != NULL ? bundle->entries->len : 0);
  report_text (&r, MARGIN, BODY_W, 9, FALSE, intro);

  report_heading (&r, _("Verification"));
  if (bundle->chain_intact)
    cairo_set_source_rgb (r.cr, 0.0, 0.4, 0.0);
  else
    cairo_set_source_rgb (r.cr, 0.7, 0.0, 0.0);
  report_text (&r, MARGIN, BODY_W, 11, TRUE, verdict);
  cairo_set_source_rgb (r.cr, 0, 0, 0);

  report_people (&r, bundle);
  report_documents (&r, bundle);
  report_timeline (&r, bundle);
  report_footer (&r);

  g_object_unref (r.layout);
  g_object_unref (r.context);
  g_object_unref (r.font_map);
  cairo_destroy (r.cr);
  cairo_surface_finish (r.surface);
  status = cairo_surface_status (r.surface);
  cairo_surface_destroy (r.surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INKAN_AUDIT_EXPORT_ERROR, INKAN_AUDIT_EXPORT_ERROR_FAILED,
                   _("The audit report could not be drawn: %s."), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
