/* The drawing module's seal artwork: round, oval and square seals drawn with cairo and pango,
 * and scanned seals cleaned to red ink on a transparent background. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-seal-art.h"
#include "inkan-draw-private.h"
#include "inkan-image.h"

#include <glib/gi18n-lib.h>
#include <stdio.h> /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <setjmp.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

/* Seal images are decoded by inkan-image.c, which refuses anything larger on a side. */
#define MAX_PIXELS 4096
/* A scan larger than this is a poster, not a seal; refused before it is decoded. */
#define MAX_SCAN_SIDE 12000
#define MM_PER_INCH 25.4
/* Official seals are set in a Song (serif) face; Noto's carries Latin as well. */
#define SEAL_FONT "Noto Serif CJK SC"

/* The size of a seal of this kind when the spec gives none, in millimetres. */
static double
default_mm (InkanSealArtKind kind)
{
  switch (kind)
    {
    case INKAN_SEAL_ART_OVAL:
      return 45.0;
    case INKAN_SEAL_ART_SQUARE:
      return 20.0;
    case INKAN_SEAL_ART_ROUND:
    default:
      return 42.0;
    }
}

/* ---- text -------------------------------------------------------------------------------- */

/* One character of a text, measured in millimetres at font size 1 mm. */
typedef struct
{
  PangoLayout *layout;
  double advance;                     /* logical width */
  double ink_x, ink_y, ink_w, ink_h;  /* ink rectangle from the logical origin */
  double baseline;                    /* from the logical top */
} Glyph;

typedef struct
{
  PangoContext *context;
  PangoFontDescription *font;
  double cap_ascent;   /* ink above the baseline of a full CJK character, per mm of size */
  double cap_descent;  /* ink below it */
} Typesetter;

static void
typesetter_clear (Typesetter *t)
{
  g_clear_object (&t->context);
  g_clear_pointer (&t->font, pango_font_description_free);
}

static void
glyph_measure (Glyph *g)
{
  PangoRectangle ink, logical;

  pango_layout_get_extents (g->layout, &ink, &logical);
  g->advance = (double) logical.width / PANGO_SCALE;
  g->ink_x = (double) (ink.x - logical.x) / PANGO_SCALE;
  g->ink_y = (double) (ink.y - logical.y) / PANGO_SCALE;
  g->ink_w = (double) ink.width / PANGO_SCALE;
  g->ink_h = (double) ink.height / PANGO_SCALE;
  g->baseline = (double) pango_layout_get_baseline (g->layout) / PANGO_SCALE;
}

/* Layouts at a 1 mm font: the caller scales cairo by the font size it wants. */
static void
glyph_init (Glyph *g, Typesetter *t, const char *text, gssize len)
{
  g->layout = pango_layout_new (t->context);
  pango_layout_set_font_description (g->layout, t->font);
  pango_layout_set_text (g->layout, text, (int) len);
  glyph_measure (g);
}

static void
glyph_clear (Glyph *g)
{
  g_clear_object (&g->layout);
}

static void
typesetter_init (Typesetter *t)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  Glyph reference = { 0 };

  /* Hinting would snap outlines to a pixel grid that rotation and scaling make meaningless. */
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  t->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_font_options (t->context, options);
  pango_cairo_context_set_resolution (t->context, 72.0);
  pango_context_set_round_glyph_positions (t->context, FALSE);
  cairo_font_options_destroy (options);

  t->font = pango_font_description_from_string (SEAL_FONT " Bold");
  pango_font_description_set_absolute_size (t->font, 1.0 * PANGO_SCALE);

  glyph_init (&reference, t, "国", -1);
  t->cap_ascent = reference.baseline - reference.ink_y;
  t->cap_descent = reference.ink_y + reference.ink_h - reference.baseline;
  if (t->cap_ascent <= 0.1)
    {
      /* No CJK font: Latin capitals' proportions, so that the layout still holds. */
      t->cap_ascent = 0.72;
      t->cap_descent = 0.0;
    }
  glyph_clear (&reference);
}

/* Fills the layout with its logical origin at (x, y) of the current user space. */
static void
layout_fill (cairo_t *cr, PangoLayout *layout, double x, double y)
{
  cairo_new_path (cr);
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_fill (cr);
}

/* The text split into characters, each measured. */
static GArray *
glyphs_new (Typesetter *t, const char *text)
{
  GArray *glyphs = g_array_new (FALSE, TRUE, sizeof (Glyph));
  const char *p;

  g_array_set_clear_func (glyphs, (GDestroyNotify) glyph_clear);
  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      Glyph g = { 0 };

      glyph_init (&g, t, p, g_utf8_next_char (p) - p);
      g_array_append_val (glyphs, g);
    }
  return glyphs;
}

/* Draws a glyph whose baseline midpoint is the origin, at font size `size` (mm), condensed
 * horizontally by `condense`. */
static void
glyph_draw (cairo_t *cr, Typesetter *t, const Glyph *g, double size, double condense)
{
  cairo_save (cr);
  cairo_scale (cr, size * condense, size);
  layout_fill (cr, g->layout, -g->advance / 2, -g->baseline);
  cairo_restore (cr);
}

/* Draws a line of text horizontally, its ink centred on x = cx and its baseline at y, condensed
 * to fit `max_width`. */
static void
draw_line (cairo_t *cr, Typesetter *t, const char *text, double cx, double baseline,
           double size, double max_width)
{
  Glyph g = { 0 };
  double width, condense = 1.0;

  glyph_init (&g, t, text, -1);
  width = g.ink_w * size;
  if (width > max_width && width > 0)
    condense = max_width / width;
  cairo_save (cr);
  cairo_translate (cr, cx - (g.ink_x + g.ink_w / 2 - g.advance / 2) * size * condense, baseline);
  glyph_draw (cr, t, &g, size, condense);
  cairo_restore (cr);
  glyph_clear (&g);
}

/* ---- text along an elliptic arc ------------------------------------------------------------ */

/* An ellipse centred on the origin, x = a sin t, y = ∓b cos t (t = 0 at the top, or at the bottom
 * when `lower`), with its arc length tabulated from t = 0. */
#define ARC_STEPS 2048

typedef struct
{
  double a, b;
  gboolean lower;
  double length[ARC_STEPS + 1]; /* arc length from t = 0 to t = i·π/ARC_STEPS */
} Arc;

static void
arc_init (Arc *arc, double a, double b, gboolean lower)
{
  double step = G_PI / ARC_STEPS;
  guint i;

  arc->a = a;
  arc->b = b;
  arc->lower = lower;
  arc->length[0] = 0;
  for (i = 1; i <= ARC_STEPS; i++)
    {
      double t = (i - 0.5) * step;
      arc->length[i] = arc->length[i - 1] + step * hypot (a * cos (t), b * sin (t));
    }
}

static double
arc_length_at (const Arc *arc, double t)
{
  double at = fabs (t) / (G_PI / ARC_STEPS);
  guint i = (guint) MIN (floor (at), ARC_STEPS - 1);
  double s = arc->length[i] + (at - i) * (arc->length[i + 1] - arc->length[i]);

  return t < 0 ? -s : s;
}

static double
arc_angle_at (const Arc *arc, double s)
{
  double as = fabs (s);
  guint lo = 0, hi = ARC_STEPS;
  double t;

  if (as >= arc->length[ARC_STEPS])
    return s < 0 ? -G_PI : G_PI;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (arc->length[mid] <= as)
        lo = mid;
      else
        hi = mid;
    }
  t = (lo + (as - arc->length[lo]) / (arc->length[hi] - arc->length[lo])) * (G_PI / ARC_STEPS);
  return s < 0 ? -t : t;
}

/* The point at arc length s and the direction a glyph's top points to there: outward on the
 * upper arc, inward on the lower one (so that both read left to right, upright). */
static void
arc_frame (const Arc *arc, double s, double *x, double *y, double *rotation)
{
  double t = arc_angle_at (arc, s);
  double px = arc->a * sin (t);
  double py = arc->lower ? arc->b * cos (t) : -arc->b * cos (t);
  double nx = px / (arc->a * arc->a), ny = py / (arc->b * arc->b);
  double ux = arc->lower ? -nx : nx, uy = arc->lower ? -ny : ny;

  *x = px;
  *y = py;
  /* rotate(φ) takes (0, −1), a glyph's up, to (sin φ, −cos φ). */
  *rotation = atan2 (ux, -uy);
}

/* The arc length, on the upper arc, of the point of the ellipse nearest to (x, y): where a
 * point of a glyph falls along the arc. */
static double
arc_position_of (const Arc *arc, double x, double y)
{
  double best_t = 0, best_d = G_MAXDOUBLE, lo, hi, step;
  guint i, round;

  lo = -G_PI;
  hi = G_PI;
  for (round = 0; round < 4; round++)
    {
      step = (hi - lo) / 64;
      for (i = 0; i <= 64; i++)
        {
          double t = lo + i * step;
          double d = hypot (x - arc->a * sin (t), y + arc->b * cos (t));
          if (d < best_d)
            {
              best_d = d;
              best_t = t;
            }
        }
      lo = best_t - step;
      hi = best_t + step;
    }
  return arc_length_at (arc, best_t);
}

/* How much longer the arc is at the baseline than `depth` below it where it bends most. */
static double
upper_ratio (const Arc *arc, double depth)
{
  double bend = MIN (arc->a, arc->b) * MIN (arc->a, arc->b) / MAX (arc->a, arc->b);

  return bend / MAX (bend - depth, 0.1 * bend);
}

/* Lays the characters of `text` out along an elliptic arc inside ±half_angle of it, evenly:
 * short texts at their natural width with generous spacing, long ones in a face up to 40%
 * smaller and then condensed. On the upper arc the glyphs' tops touch the ellipse (a, b) and
 * point outward; on the lower arc their baselines lie on it and their tops point to the centre,
 * where the arc is shorter (hence the wider spacing there). Returns the baseline's horizontal
 * semi-axis. */
static double
draw_arc_text (cairo_t *cr, Typesetter *t, const char *text, double a, double b,
               gboolean lower, double half_angle, double size, InkanSealArtLayout *out)
{
  g_autoptr (GArray) glyphs = glyphs_new (t, text);
  g_autofree Arc *arc = g_new (Arc, 1);
  double natural = 0, advances = 0, span, condense = 1.0, used, gap, s, half_span, ratio = 1.0;
  double height = size * t->cap_ascent;
  guint i;

  for (i = 0; i < glyphs->len; i++)
    advances += g_array_index (glyphs, Glyph, i).advance;
  if (lower)
    {
      arc_init (arc, a, b, TRUE);
      ratio = MIN (a, b) / MAX (MIN (a, b) - height, 0.1);
    }
  else
    {
      /* Below the baseline a glyph's descent is nearer the centre, where the arc is shorter. */
      arc_init (arc, a - height, b - height, FALSE);
      ratio = upper_ratio (arc, size * t->cap_descent);
    }
  half_span = arc_length_at (arc, half_angle);
  natural = advances * size * ratio;

  /* Gaps take 25% of the arc at most and 10% at least; beyond that the face shrinks, its top
   * staying on the ellipse, and then condenses. */
  if (natural > 0.9 * 2 * half_span)
    {
      double shrink = MAX (0.6, 0.9 * 2 * half_span / natural);

      size *= shrink;
      height = size * t->cap_ascent;
      if (lower)
        ratio = MIN (a, b) / MAX (MIN (a, b) - height, 0.1);
      else
        {
          arc_init (arc, a - height, b - height, FALSE);
          ratio = upper_ratio (arc, size * t->cap_descent);
        }
      half_span = arc_length_at (arc, half_angle);
      natural = advances * size * ratio;
      if (natural > 0.9 * 2 * half_span)
        condense = 0.9 * 2 * half_span / natural;
    }
  used = natural * condense;
  span = MIN (2 * half_span, used / 0.75);
  gap = glyphs->len > 0 ? (span - used) / glyphs->len : 0;

  if (out != NULL)
    {
      out->condense = condense;
      out->n_glyphs = glyphs->len;
      out->glyphs = g_new0 (InkanSealArtExtent, glyphs->len);
    }
  s = -span / 2 + gap / 2;
  for (i = 0; i < glyphs->len; i++)
    {
      const Glyph *g = &g_array_index (glyphs, Glyph, i);
      double width = g->advance * size * condense * ratio;
      double x, y, rotation;

      arc_frame (arc, s + width / 2, &x, &y, &rotation);
      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_rotate (cr, rotation);
      glyph_draw (cr, t, g, size, condense);
      if (out != NULL)
        {
          /* The ink's corners, back in seal coordinates, and where they fall on the arc. */
          double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
          guint c;

          for (c = 0; c < 4; c++)
            {
              double lx = ((c & 1 ? g->ink_x + g->ink_w : g->ink_x) - g->advance / 2) * size
                          * condense;
              double ly = ((c & 2 ? g->ink_y + g->ink_h : g->ink_y) - g->baseline) * size;
              double px = x + lx * cos (rotation) - ly * sin (rotation);
              double py = y + lx * sin (rotation) + ly * cos (rotation);
              double pos = arc_position_of (arc, px, py);

              lo = MIN (lo, pos);
              hi = MAX (hi, pos);
            }
          if (g->ink_w <= 0)
            lo = hi = arc_position_of (arc, x, y);
          out->glyphs[i].start = lo;
          out->glyphs[i].end = hi;
        }
      cairo_restore (cr);
      s += width + gap;
    }
  if (out != NULL)
    {
      out->span_start = -half_span;
      out->span_end = half_span;
    }
  return arc->a;
}

/* ---- shapes ------------------------------------------------------------------------------ */

static void
draw_star (cairo_t *cr, double cx, double cy, double radius)
{
  guint i;

  for (i = 0; i < 10; i++)
    {
      double r = i % 2 == 0 ? radius : radius * 0.382;
      double angle = i * G_PI / 5;
      double x = cx + r * sin (angle), y = cy - r * cos (angle);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
stroke_ellipse (cairo_t *cr, double a, double b, double width)
{
  cairo_save (cr);
  cairo_scale (cr, a, b);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

/* Official seal, after the 42 mm practice scaled to the size: border 1.2 mm, name 6.2 mm high
 * over up to 230° of the upper arc (210° when the number takes the lower one), star 14 mm
 * across, purpose 4.4 mm high below it, kept clear of the name's ends. */
static void
draw_round (cairo_t *cr, Typesetter *t, const InkanSealArtSpec *spec, double size_mm,
            InkanSealArtLayout *layout)
{
  double s = size_mm / 42.0, r = size_mm / 2;
  double border = 1.2 * s, text_top = r - border - (spec->inner_ring ? 1.6 : 0.9) * s;
  double name_h = 6.2 * s, name_size = name_h / t->cap_ascent;
  double baseline_r;
  double half_span = (has_text (spec->code) ? 105 : 115) * G_PI / 180;
  double purpose_h = 4.4 * s, purpose_size = purpose_h / t->cap_ascent;
  double purpose_base = (has_text (spec->code) ? 0.56 : 0.62) * r;
  double name_end = 0;
  guint i;

  stroke_ellipse (cr, r - border / 2, r - border / 2, border);
  if (spec->inner_ring)
    stroke_ellipse (cr, r - border - 0.7 * s, r - border - 0.7 * s, 0.25 * s);

  baseline_r = draw_arc_text (cr, t, spec->name, text_top, text_top, FALSE, half_span, name_size,
                              layout);
  /* Angles for round seals. */
  layout->span_start /= baseline_r;
  layout->span_end /= baseline_r;
  for (i = 0; i < layout->n_glyphs; i++)
    {
      layout->glyphs[i].start /= baseline_r;
      layout->glyphs[i].end /= baseline_r;
      name_end = MAX (name_end, MAX (-layout->glyphs[i].start, layout->glyphs[i].end));
    }

  draw_star (cr, 0, 0, 7.0 * s);

  if (has_text (spec->purpose))
    {
      /* Its upper corners stay 6° below the name's ends, and inside the text band. */
      double top = purpose_base - purpose_h;
      double clear = top * tan (CLAMP (G_PI - name_end - 6 * G_PI / 180, 0.2, 1.5));
      double limit = has_text (spec->code) ? text_top - 3.0 * s : text_top;
      double inside = sqrt (MAX (0, limit * limit - purpose_base * purpose_base)) * 0.85;

      draw_line (cr, t, spec->purpose, 0, purpose_base, purpose_size, 2 * MIN (clear, inside));
    }
  if (has_text (spec->code))
    {
      double code_h = 2.0 * s, code_r = text_top - t->cap_descent * code_h / t->cap_ascent;
      draw_arc_text (cr, t, spec->code, code_r, code_r, TRUE, 55 * G_PI / 180,
                     code_h / t->cap_ascent, NULL);
    }
}

/* Finance seal, 45 × 30 mm scaled: the name on the upper arc of the ellipse, the purpose across
 * the middle, the number below it. */
static void
draw_oval (cairo_t *cr, Typesetter *t, const InkanSealArtSpec *spec, double width_mm,
           InkanSealArtLayout *layout)
{
  double s = width_mm / 45.0, a = width_mm / 2, b = width_mm / 3;
  double border = 1.0 * s, inset = border + (spec->inner_ring ? 1.4 : 0.8) * s;
  double name_h = 4.4 * s, name_size = name_h / t->cap_ascent;
  double purpose_h = 4.0 * s, code_h = 2.4 * s;
  double purpose_base = (has_text (spec->code) ? 0.30 : 0.42) * b;
  double inner_a = a - inset, inner_b = b - inset;

  stroke_ellipse (cr, a - border / 2, b - border / 2, border);
  if (spec->inner_ring)
    stroke_ellipse (cr, a - border - 0.6 * s, b - border - 0.6 * s, 0.22 * s);

  draw_arc_text (cr, t, spec->name, inner_a, inner_b, FALSE, 100 * G_PI / 180, name_size, layout);

  if (has_text (spec->purpose))
    {
      double half = inner_a * sqrt (MAX (0, 1 - pow (purpose_base / inner_b, 2)));
      draw_line (cr, t, spec->purpose, 0, purpose_base, purpose_h / t->cap_ascent,
                 2 * half * 0.8);
    }
  if (has_text (spec->code))
    {
      double base = 0.70 * b;
      double half = inner_a * sqrt (MAX (0, 1 - pow (base / inner_b, 2)));
      draw_line (cr, t, spec->code, 0, base, code_h / t->cap_ascent, 2 * half * 0.85);
    }
}

static gboolean
is_cjk (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);

  return script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA
         || script == G_UNICODE_SCRIPT_KATAKANA || script == G_UNICODE_SCRIPT_HANGUL;
}

/* A glyph's ink stretched to fill a cell, not more than 2.2 times taller than wide or the other
 * way round, centred in it. */
static void
fill_cell (cairo_t *cr, Typesetter *t, const Glyph *g, double x, double y, double w, double h)
{
  double sx, sy;

  if (g->ink_w <= 0 || g->ink_h <= 0)
    return;
  sx = w / g->ink_w;
  sy = h / g->ink_h;
  sy = MIN (sy, 2.2 * sx);
  sx = MIN (sx, 2.2 * sy);
  cairo_save (cr);
  cairo_translate (cr, x + w / 2, y + h / 2);
  cairo_scale (cr, sx, sy);
  layout_fill (cr, g->layout, -(g->ink_x + g->ink_w / 2), -(g->ink_y + g->ink_h / 2));
  cairo_restore (cr);
}

/* Personal name seal: up to four CJK characters in columns read from the right (a three-
 * character name gives its first character the whole right column), anything else in one or
 * two lines filling the square. */
static void
draw_square (cairo_t *cr, Typesetter *t, const InkanSealArtSpec *spec, double side)
{
  double border = 0.07 * side, inset = border + 0.07 * side;
  double inner = side - 2 * inset, pad = 0.03 * side;
  double origin = -side / 2 + inset;
  g_autoptr (GArray) glyphs = glyphs_new (t, spec->name);
  glong n = g_utf8_strlen (spec->name, -1);
  gboolean grid = n <= 4;
  const char *p;

  /* A stone's corners wear round. */
  {
    double h = side / 2 - 0.01 * side - border / 2, radius = 0.06 * side;

    cairo_new_path (cr);
    cairo_arc (cr, h - radius, -h + radius, radius, -G_PI / 2, 0);
    cairo_arc (cr, h - radius, h - radius, radius, 0, G_PI / 2);
    cairo_arc (cr, -h + radius, h - radius, radius, G_PI / 2, G_PI);
    cairo_arc (cr, -h + radius, -h + radius, radius, G_PI, 3 * G_PI / 2);
    cairo_close_path (cr);
    cairo_set_line_width (cr, border);
    cairo_stroke (cr);
  }

  for (p = spec->name; *p != '\0' && grid; p = g_utf8_next_char (p))
    grid = is_cjk (g_utf8_get_char (p));

  if (grid)
    {
      double half = inner / 2;
      /* Cells as (column from the right, top, rows taken), in reading order. */
      static const double cells[5][4][3] = {
        { { 0 } },
        { { 0, 0, 2 } },
        { { 0, 0, 2 }, { 1, 0, 2 } },
        { { 0, 0, 2 }, { 1, 0, 1 }, { 1, 1, 1 } },
        { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } },
      };
      glong i;

      for (i = 0; i < n; i++)
        {
          const double *c = cells[n][i];
          double w = n == 1 ? inner : half;
          double x = n == 1 ? origin : origin + inner - (c[0] + 1) * half;
          double y = origin + c[1] * half;

          fill_cell (cr, t, &g_array_index (glyphs, Glyph, i), x + pad, y + pad, w - 2 * pad,
                     c[2] * half - 2 * pad);
        }
    }
  else
    {
      /* Split at the space nearest the middle, when there is one. */
      g_autofree char *first = NULL;
      const char *second = NULL;
      const char *mid = spec->name + strlen (spec->name) / 2, *best = NULL;

      for (p = spec->name; *p != '\0'; p++)
        if (*p == ' ' && (best == NULL || ABS (p - mid) < ABS (best - mid)))
          best = p;
      if (best != NULL)
        {
          first = g_strndup (spec->name, best - spec->name);
          second = best + 1;
        }
      else
        first = g_strdup (spec->name);

      {
        Glyph lines[2] = { { 0 } };
        guint n_lines = second != NULL ? 2 : 1, i;
        double line_h = inner / n_lines;

        glyph_init (&lines[0], t, first, -1);
        if (second != NULL)
          glyph_init (&lines[1], t, second, -1);
        for (i = 0; i < n_lines; i++)
          {
            /* Fill the width, at most as tall as the line allows. */
            double sy = MIN ((line_h - 2 * pad) / t->cap_ascent, (inner - 2 * pad));
            double sx = (inner - 2 * pad) / MAX (lines[i].ink_w, 1e-6);
            double cy = origin + (i + 0.5) * line_h;
            double by = cy + sy * t->cap_ascent / 2;

            sx = MIN (sx, 1.6 * sy);
            sy = MIN (sy, 1.6 * sx);
            cairo_save (cr);
            cairo_translate (cr, 0, by);
            cairo_scale (cr, sx, sy);
            layout_fill (cr, lines[i].layout, -(lines[i].ink_x + lines[i].ink_w / 2),
                         -lines[i].baseline);
            cairo_restore (cr);
            glyph_clear (&lines[i]);
          }
      }
    }
}

cairo_surface_t *
_inkan_draw_seal_art (const InkanSealArtSpec *spec, InkanSealArtLayout **layout, GError **error)
{
  g_autoptr (cairo_surface_t) surface = NULL;
  g_autoptr (cairo_t) cr = NULL;
  g_autoptr (InkanSealArtLayout) out = NULL;
  Typesetter t = { 0 };
  double size_mm, width_mm, height_mm, dpi, scale;
  int width_px, height_px;
  glong n_name;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail ((guint) spec->kind <= INKAN_SEAL_ART_SQUARE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (spec->name == NULL || !g_utf8_validate (spec->name, -1, NULL)
      || (spec->purpose != NULL && !g_utf8_validate (spec->purpose, -1, NULL))
      || (spec->code != NULL && !g_utf8_validate (spec->code, -1, NULL)))
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("The seal's text is not valid UTF-8."));
      return NULL;
    }
  {
    g_autofree char *stripped = g_strstrip (g_strdup (spec->name));
    n_name = g_utf8_strlen (stripped, -1);
  }
  if (n_name < 1 || g_utf8_strlen (spec->name, -1) > INKAN_SEAL_ART_MAX_NAME)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("A seal's name must have 1 to %d characters; this one has %ld."),
                   INKAN_SEAL_ART_MAX_NAME, g_utf8_strlen (spec->name, -1));
      return NULL;
    }
  if ((spec->purpose != NULL && g_utf8_strlen (spec->purpose, -1) > 20)
      || (spec->code != NULL && g_utf8_strlen (spec->code, -1) > 30))
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("A seal's purpose may have up to 20 characters and its number up to 30."));
      return NULL;
    }
  size_mm = spec->size_mm > 0 ? spec->size_mm : default_mm (spec->kind);
  dpi = spec->dpi > 0 ? spec->dpi : 600;
  width_mm = size_mm;
  height_mm = spec->kind == INKAN_SEAL_ART_OVAL ? size_mm * 2 / 3 : size_mm;
  if (!(size_mm >= 5 && size_mm <= 100) || !(dpi >= 72 && dpi <= 4800))
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("A seal is drawn 5 to 100 mm across at 72 to 4800 dpi."));
      return NULL;
    }
  scale = dpi / MM_PER_INCH;
  width_px = (int) ceil (width_mm * scale);
  height_px = (int) ceil (height_mm * scale);
  if (width_px > MAX_PIXELS || height_px > MAX_PIXELS)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("%.0f mm at %.0f dpi is %d pixels across; seal images have at most %d. "
                     "Use a lower --dpi."),
                   width_mm, dpi, width_px, MAX_PIXELS);
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width_px, height_px);
  cr = cairo_create (surface);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("The seal could not be drawn: %s."), cairo_status_to_string (cairo_status (cr)));
      return NULL;
    }
  /* Millimetres from the seal's centre. */
  cairo_scale (cr, width_px / width_mm, height_px / height_mm);
  cairo_translate (cr, width_mm / 2, height_mm / 2);
  cairo_set_source_rgb (cr, INKAN_SEAL_ART_RED_R / 255.0, INKAN_SEAL_ART_RED_G / 255.0,
                        INKAN_SEAL_ART_RED_B / 255.0);

  out = g_new0 (InkanSealArtLayout, 1);
  out->condense = 1.0;
  typesetter_init (&t);
  switch (spec->kind)
    {
    case INKAN_SEAL_ART_ROUND:
      draw_round (cr, &t, spec, size_mm, out);
      break;
    case INKAN_SEAL_ART_OVAL:
      draw_oval (cr, &t, spec, size_mm, out);
      break;
    case INKAN_SEAL_ART_SQUARE:
      draw_square (cr, &t, spec, size_mm);
      break;
    default:
      g_assert_not_reached ();
    }
  typesetter_clear (&t);
  cairo_surface_flush (surface);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_INVALID,
                   _("The seal could not be drawn: %s."), cairo_status_to_string (cairo_status (cr)));
      return NULL;
    }
  if (layout != NULL)
    *layout = g_steal_pointer (&out);
  return g_steal_pointer (&surface);
}

/* ---- scanned seals ----------------------------------------------------------------------- */

/* Redness: how much red stands above the other two channels. Paper, grey noise and pencil are
 * near 0, blue and black ink below it; a red ink's edge against white paper is a linear blend,
 * so redness over the solid ink's redness is the ink's coverage, its alpha. */
static int
redness (const guint8 *p)
{
  return (int) p[0] - MAX (p[1], p[2]);
}

#define NOISE_FLOOR 24

/* A scan decoded to 8-bit RGB or RGBA rows. */
typedef struct
{
  guint8 *pixels;
  int width, height, stride, channels;
} Scan;

static void
scan_clear (Scan *scan)
{
  g_clear_pointer (&scan->pixels, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scan, scan_clear)

typedef struct
{
  struct jpeg_error_mgr base;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegErrors;

static void
jpeg_fail (j_common_ptr info)
{
  JpegErrors *errors = (JpegErrors *) info->err;

  info->err->format_message (info, errors->message);
  longjmp (errors->jump, 1);
}

/* libjpeg's RGB decoding; FALSE with `why` set on a damaged file. `scan->pixels` is the
 * caller's to free whatever the outcome. */
static gboolean
read_jpeg (FILE *file, Scan *scan, char **why)
{
  struct jpeg_decompress_struct info;
  JpegErrors errors;

  info.err = jpeg_std_error (&errors.base);
  errors.base.error_exit = jpeg_fail;
  if (setjmp (errors.jump))
    {
      *why = g_strdup (errors.message);
      jpeg_destroy_decompress (&info);
      return FALSE;
    }
  jpeg_create_decompress (&info);
  jpeg_stdio_src (&info, file);
  jpeg_read_header (&info, TRUE);
  info.out_color_space = JCS_RGB;
  if (info.image_width > MAX_SCAN_SIDE || info.image_height > MAX_SCAN_SIDE)
    {
      scan->width = (int) info.image_width;
      scan->height = (int) info.image_height;
      jpeg_destroy_decompress (&info);
      return TRUE;
    }
  jpeg_start_decompress (&info);
  scan->width = (int) info.output_width;
  scan->height = (int) info.output_height;
  scan->channels = 3;
  scan->stride = scan->width * 3;
  scan->pixels = g_malloc ((gsize) scan->stride * scan->height);
  while (info.output_scanline < info.output_height)
    {
      JSAMPROW row = scan->pixels + (gsize) info.output_scanline * scan->stride;

      jpeg_read_scanlines (&info, &row, 1);
    }
  jpeg_finish_decompress (&info);
  jpeg_destroy_decompress (&info);
  return TRUE;
}

/* libpng's straight RGBA (inkan-image), its size checked before anything is decoded: an
 * oversized scan is left for read_scan to refuse. */
static gboolean
read_png (const char *path, Scan *scan, char **why)
{
  guint width, height;

  scan->pixels = inkan_image_read_png_rgba (path, NULL, MAX_SCAN_SIDE, &width, &height, why);
  scan->width = (int) MIN (width, (guint) G_MAXINT);
  scan->height = (int) MIN (height, (guint) G_MAXINT);
  if (scan->pixels == NULL && *why == NULL && (width == 0 || height == 0))
    *why = g_strdup (_("the image has no pixels"));
  if (scan->pixels == NULL)
    return *why == NULL;
  scan->channels = 4;
  scan->stride = scan->width * 4;
  return TRUE;
}

/* Reads a PNG or JPEG scan, told apart by their signatures. */
static gboolean
read_scan (const char *path, const char *display, Scan *scan, GError **error)
{
  static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G' };
  FILE *file = fopen (path, "rbe");
  guint8 magic[4] = { 0 };
  g_autofree char *why = NULL;
  gboolean ok;

  if (file == NULL || fread (magic, 1, sizeof magic, file) != sizeof magic
      || (memcmp (magic, png_magic, 4) != 0 && (magic[0] != 0xff || magic[1] != 0xd8)))
    {
      if (file != NULL)
        fclose (file);
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_UNREADABLE,
                   _("“%s” is not a PNG or JPEG image."), display);
      return FALSE;
    }
  if (magic[0] == 0xff)
    {
      rewind (file);
      ok = read_jpeg (file, scan, &why);
      fclose (file);
    }
  else
    {
      fclose (file);
      ok = read_png (path, scan, &why);
    }
  if (!ok)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_UNREADABLE,
                   _("The scanned seal “%s” cannot be read: %s"), display, why);
      return FALSE;
    }
  if (scan->width > MAX_SCAN_SIDE || scan->height > MAX_SCAN_SIDE)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_UNREADABLE,
                   _("The scan “%s” is %d × %d pixels; scan the seal alone, at most %d pixels on "
                     "a side."),
                   display, scan->width, scan->height, MAX_SCAN_SIDE);
      return FALSE;
    }
  return TRUE;
}

cairo_surface_t *
_inkan_draw_seal_scan (const char *path, GError **error)
{
  g_auto (Scan) scan = { NULL };
  g_autoptr (cairo_surface_t) surface = NULL;
  g_autofree char *display = NULL;
  guint64 histogram[256] = { 0 }, n_red = 0, seen = 0, sum[3] = { 0 }, n_solid = 0;
  int width, height, stride, channels, x, y, full = 0, out_stride;
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1, margin, cw, ch;
  const guint8 *pixels;
  guint8 *data;
  double scale = 1.0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_NOT_FOUND,
                   _("The scanned seal “%s” does not exist."), display);
      return NULL;
    }
  if (!read_scan (path, display, &scan, error))
    return NULL;
  width = scan.width;
  height = scan.height;
  stride = scan.stride;
  channels = scan.channels;
  pixels = scan.pixels;

  /* The solid ink's redness: a high percentile of the clearly red pixels, so that a few
   * saturated specks do not set it. */
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        int r = redness (p);

        if (channels == 4 && p[3] < 128)
          continue;
        if (r > 2 * NOISE_FLOOR)
          {
            histogram[r]++;
            n_red++;
          }
      }
  if (n_red < 16)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_NO_INK,
                   _("No red ink was found in “%s”; scan a red seal on white paper."), display);
      return NULL;
    }
  for (full = 255; full > 0; full--)
    {
      seen += histogram[full];
      if (seen * 10 >= n_red)
        break;
    }
  full = MAX (full, 3 * NOISE_FLOOR);

  /* The ink's colour and where it lies. */
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        int r = redness (p);

        if (channels == 4 && p[3] < 128)
          continue;
        if (r >= full * 3 / 4)
          {
            sum[0] += p[0];
            sum[1] += p[1];
            sum[2] += p[2];
            n_solid++;
          }
        if (r >= (full + NOISE_FLOOR) / 2)
          {
            x0 = MIN (x0, x);
            x1 = MAX (x1, x);
            y0 = MIN (y0, y);
            y1 = MAX (y1, y);
          }
      }
  if (n_solid == 0 || x1 < 0)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_NO_INK,
                   _("No red ink was found in “%s”; scan a red seal on white paper."), display);
      return NULL;
    }
  margin = MAX (2, MAX (x1 - x0, y1 - y0) / 50);
  x0 = MAX (0, x0 - margin);
  y0 = MAX (0, y0 - margin);
  x1 = MIN (width - 1, x1 + margin);
  y1 = MIN (height - 1, y1 + margin);
  cw = x1 - x0 + 1;
  ch = y1 - y0 + 1;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, cw, ch);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_UNREADABLE,
                   _("The scanned seal “%s” is too large to process."), display);
      return NULL;
    }
  data = cairo_image_surface_get_data (surface);
  out_stride = cairo_image_surface_get_stride (surface);
  {
    double ink[3] = { (double) sum[0] / n_solid, (double) sum[1] / n_solid,
                      (double) sum[2] / n_solid };

    for (y = 0; y < ch; y++)
      {
        guint32 *row = (guint32 *) (data + (gsize) y * out_stride);

        for (x = 0; x < cw; x++)
          {
            const guint8 *p = pixels + (gsize) (y + y0) * stride + (gsize) (x + x0) * channels;
            double alpha = (double) (redness (p) - NOISE_FLOOR) / (full - NOISE_FLOOR);

            if (channels == 4)
              alpha *= p[3] / 255.0;
            alpha = CLAMP (alpha, 0.0, 1.0);
            /* Premultiplied, native-endian ARGB. */
            row[x] = (guint32) lround (alpha * 255) << 24
                     | (guint32) lround (ink[0] * alpha) << 16
                     | (guint32) lround (ink[1] * alpha) << 8
                     | (guint32) lround (ink[2] * alpha);
          }
      }
  }
  cairo_surface_mark_dirty (surface);

  if (cw > MAX_PIXELS || ch > MAX_PIXELS)
    {
      g_autoptr (cairo_surface_t) smaller = NULL;
      g_autoptr (cairo_t) cr = NULL;

      scale = (double) MAX_PIXELS / MAX (cw, ch);
      smaller = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                            MAX (1, (int) floor (cw * scale)),
                                            MAX (1, (int) floor (ch * scale)));
      cr = cairo_create (smaller);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_surface_flush (smaller);
      g_clear_pointer (&surface, cairo_surface_destroy);
      surface = g_steal_pointer (&smaller);
    }
  return g_steal_pointer (&surface);
}

/* ---- output ------------------------------------------------------------------------------ */

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
_inkan_draw_surface_to_png (cairo_surface_t *surface, GError **error)
{
  g_autoptr (GByteArray) png = g_byte_array_new ();
  cairo_status_t status;

  g_return_val_if_fail (surface != NULL, NULL);
  status = cairo_surface_write_to_png_stream (surface, append_bytes, png);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_WRITE,
                   _("The seal could not be encoded as PNG: %s."), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
