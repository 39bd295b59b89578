/* The drawing module (inkan-draw.so): its table, glyph outlines for watermarks, QR codes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-draw-private.h"
#include "inkan-module-private.h"

#include <gmodule.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

/* The module's own copies of what it uses of libinkan, which it does not link: the error quarks
 * (the same names, so the same quarks) and the layout's free. */
G_DEFINE_QUARK (inkan-seal-art-error-quark, inkan_seal_art_error)
G_DEFINE_QUARK (inkan-audit-export-error-quark, inkan_audit_export_error)

void
inkan_seal_art_layout_free (InkanSealArtLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->glyphs);
  g_free (layout);
}

static void
surface_free (cairo_surface_t *surface)
{
  cairo_surface_destroy (surface);
}

static void
box_from_pango (InkanDrawBox *box, const PangoRectangle *r)
{
  box->x = (double) r->x / PANGO_SCALE;
  box->y = (double) r->y / PANGO_SCALE;
  box->width = (double) r->width / PANGO_SCALE;
  box->height = (double) r->height / PANGO_SCALE;
}

static GArray *
text_outline (const char *text, double size, InkanDrawBox *ink, InkanDrawBox *logical)
{
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold");
  GArray *parts = g_array_new (FALSE, TRUE, sizeof (InkanDrawPathPart));
  PangoRectangle ink_rect, logical_rect;
  cairo_path_t *path;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, &ink_rect, &logical_rect);
  box_from_pango (ink, &ink_rect);
  box_from_pango (logical, &logical_rect);
  cairo_move_to (cr, 0, 0);
  pango_cairo_layout_path (cr, layout);
  path = cairo_copy_path (cr);
  for (int i = 0; i < path->num_data; i += path->data[i].header.length)
    {
      const cairo_path_data_t *d = &path->data[i];
      InkanDrawPathPart part = { 0 };
      int points;

      switch (d->header.type)
        {
        case CAIRO_PATH_MOVE_TO:
          part.op = INKAN_DRAW_MOVE;
          points = 1;
          break;
        case CAIRO_PATH_LINE_TO:
          part.op = INKAN_DRAW_LINE;
          points = 1;
          break;
        case CAIRO_PATH_CURVE_TO:
          part.op = INKAN_DRAW_CURVE;
          points = 3;
          break;
        case CAIRO_PATH_CLOSE_PATH:
        default:
          part.op = INKAN_DRAW_CLOSE;
          points = 0;
          break;
        }
      for (int j = 0; j < points; j++)
        {
          part.p[2 * j] = d[j + 1].point.x;
          part.p[2 * j + 1] = d[j + 1].point.y;
        }
      g_array_append_val (parts, part);
    }
  cairo_path_destroy (path);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return parts;
}

static guint8 *
qr_encode (const char *text, int *width)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  guint8 *modules;
  int n;

  if (qr == NULL)
    return NULL;
  n = qr->width;
  modules = g_malloc ((gsize) n * n);
  for (int i = 0; i < n * n; i++)
    modules[i] = qr->data[i] & 1;
  QRcode_free (qr);
  *width = n;
  return modules;
}

static const InkanDrawModule module = {
  _inkan_draw_seal_art,
  _inkan_draw_seal_scan,
  _inkan_draw_surface_to_png,
  surface_free,
  _inkan_draw_audit_report,
  text_outline,
  qr_encode,
};

G_MODULE_EXPORT gconstpointer inkan_draw_module (guint abi);

G_MODULE_EXPORT gconstpointer
inkan_draw_module (guint abi)
{
  return abi == INKAN_MODULE_ABI ? &module : NULL;
}
