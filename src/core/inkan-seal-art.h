/* Seal artwork: round, oval and square seals drawn with cairo and pango, and scanned seals
 * cleaned to red ink on a transparent background. The drawing is done by the drawing module,
 * loaded on first use; this header needs cairo's types only. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define INKAN_SEAL_ART_ERROR (inkan_seal_art_error_quark ())

typedef enum
{
  INKAN_SEAL_ART_ERROR_INVALID,     /* the seal's text or size cannot be drawn */
  INKAN_SEAL_ART_ERROR_NOT_FOUND,   /* the scanned image does not exist */
  INKAN_SEAL_ART_ERROR_UNREADABLE,  /* the scanned image is not a PNG or JPEG we can read */
  INKAN_SEAL_ART_ERROR_NO_INK,      /* the scanned image holds no red ink */
  INKAN_SEAL_ART_ERROR_WRITE,       /* the PNG could not be written */
} InkanSealArtError;

GQuark inkan_seal_art_error_quark (void);

typedef enum
{
  INKAN_SEAL_ART_ROUND,   /* official seal: name on the upper arc, star, purpose below */
  INKAN_SEAL_ART_OVAL,    /* finance seal: name on the upper arc of an ellipse, purpose inside */
  INKAN_SEAL_ART_SQUARE,  /* personal name seal: 2–4 characters in a grid, or a Latin name */
} InkanSealArtKind;

gboolean    inkan_seal_art_kind_from_string (const char *text, InkanSealArtKind *kind);
const char *inkan_seal_art_kind_to_string (InkanSealArtKind kind);

/* The longest name the arc takes; longer ones are refused rather than drawn illegibly. */
#define INKAN_SEAL_ART_MAX_NAME 30
/* The seal's red, #d0021b. */
#define INKAN_SEAL_ART_RED_R 0xd0
#define INKAN_SEAL_ART_RED_G 0x02
#define INKAN_SEAL_ART_RED_B 0x1b

typedef struct
{
  InkanSealArtKind kind;
  const char *name;        /* organisation or person; 1–30 characters */
  const char *purpose;     /* e.g. 合同专用章; NULL or "" for none */
  const char *code;        /* a registration number along the lower edge; NULL or "" for none */
  double size_mm;          /* diameter, oval width or square side; 0 for the kind's default */
  double dpi;              /* 0 for 600 */
  gboolean inner_ring;     /* round and oval: a thin ring inside the border */
} InkanSealArtSpec;

/* Where one character of the name landed along its arc. Round seals: angles in radians from
 * the top, clockwise, of the character's ink at its innermost (widest-angle) points. Oval seals:
 * arc length in millimetres along the text's baseline ellipse from its top. */
typedef struct
{
  double start;
  double end;
} InkanSealArtExtent;

typedef struct
{
  double span_start;          /* the part of the arc the name may use, same units */
  double span_end;
  double condense;            /* horizontal scale applied to the glyphs, 1 when not condensed */
  guint n_glyphs;
  InkanSealArtExtent *glyphs; /* n_glyphs entries, in reading order */
} InkanSealArtLayout;

void inkan_seal_art_layout_free (InkanSealArtLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSealArtLayout, inkan_seal_art_layout_free)

/* The seal in red on a transparent ARGB32 surface of the physical size at spec->dpi; the name's
 * layout along the arc when `layout` is not NULL (square seals give an empty layout). */
cairo_surface_t *inkan_seal_art_render (const InkanSealArtSpec *spec,
                                        InkanSealArtLayout **layout,
                                        GError **error);

/* A scanned seal (PNG or JPEG): white paper, grey noise and other inks become transparent,
 * red ink is kept with antialiased edges. */
cairo_surface_t *inkan_seal_art_import (const char *path, GError **error);

/* Frees a surface made by the two functions above, for callers that do not link cairo. */
void inkan_seal_art_free (cairo_surface_t *surface);

/* The surface as PNG bytes, and written to `path` whole or not at all. */
GBytes  *inkan_seal_art_to_png (cairo_surface_t *surface, GError **error);
gboolean inkan_seal_art_write_png (cairo_surface_t *surface, const char *path, GError **error);

G_END_DECLS
