/* Internal to libinkan: the drawing module (inkan-draw.so: cairo, pango, libqrencode, libjpeg). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-audit-export.h"
#include "inkan-seal-art.h"

G_BEGIN_DECLS

/* A glyph outline's pieces, in the layout's coordinates (y down). */
typedef enum
{
  INKAN_DRAW_MOVE,
  INKAN_DRAW_LINE,
  INKAN_DRAW_CURVE,   /* two control points, then the end point */
  INKAN_DRAW_CLOSE,
} InkanDrawOp;

typedef struct
{
  InkanDrawOp op;
  double p[6];        /* x, y pairs: one for a move or a line, three for a curve, none to close */
} InkanDrawPathPart;

typedef struct
{
  double x, y, width, height;
} InkanDrawBox;

typedef char       *(*InkanDrawTimeFunc) (GDateTime *time);
typedef const char *(*InkanDrawRoleFunc) (InkanRoles role);

/* The module's table, given by inkan_draw_module (INKAN_MODULE_ABI). */
typedef struct
{
  /* inkan_seal_art_render, inkan_seal_art_import, inkan_seal_art_to_png, and the surfaces' free */
  cairo_surface_t *(*seal_art) (const InkanSealArtSpec *spec, InkanSealArtLayout **layout,
                                GError **error);
  cairo_surface_t *(*seal_scan) (const char *path, GError **error);
  GBytes *(*surface_to_png) (cairo_surface_t *surface, GError **error);
  void (*surface_free) (cairo_surface_t *surface);
  /* The audit bundle's report as PDF bytes; libinkan gives how times and roles are written. */
  GBytes *(*audit_report) (const InkanAuditExport *bundle, InkanDrawTimeFunc format_time,
                           InkanDrawRoleFunc role_name, GError **error);
  /* `text` in the system's bold sans-serif at `size` points, as outlines (InkanDrawPathPart),
   * with its ink and logical extents. */
  GArray *(*text_outline) (const char *text, double size, InkanDrawBox *ink,
                           InkanDrawBox *logical);
  /* A QR code (error correction M) of `text`: width × width bytes, 1 for a dark module, row by
   * row from the top; NULL when it cannot be encoded. */
  guint8 *(*qr_encode) (const char *text, int *width);
} InkanDrawModule;

/* Inside the module. */
cairo_surface_t *_inkan_draw_seal_art (const InkanSealArtSpec *spec, InkanSealArtLayout **layout,
                                       GError **error);
cairo_surface_t *_inkan_draw_seal_scan (const char *path, GError **error);
GBytes *_inkan_draw_surface_to_png (cairo_surface_t *surface, GError **error);
GBytes *_inkan_draw_audit_report (const InkanAuditExport *bundle, InkanDrawTimeFunc format_time,
                                  InkanDrawRoleFunc role_name, GError **error);

G_END_DECLS
