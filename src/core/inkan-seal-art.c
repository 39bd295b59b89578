/* Seal artwork: the kinds of seal, and the drawing, done by the drawing module (inkan-draw.so). */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-seal-art.h"
#include "inkan-draw-private.h"
#include "inkan-module-private.h"

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (inkan-seal-art-error-quark, inkan_seal_art_error)

static const char *const kinds[] = {
  [INKAN_SEAL_ART_ROUND] = "round",
  [INKAN_SEAL_ART_OVAL] = "oval",
  [INKAN_SEAL_ART_SQUARE] = "square",
};

gboolean
inkan_seal_art_kind_from_string (const char *text, InkanSealArtKind *kind)
{
  guint i;

  g_return_val_if_fail (kind != NULL, FALSE);
  for (i = 0; text != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (text, kinds[i]) == 0)
      {
        *kind = (InkanSealArtKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
inkan_seal_art_kind_to_string (InkanSealArtKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind];
}

void
inkan_seal_art_layout_free (InkanSealArtLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->glyphs);
  g_free (layout);
}

cairo_surface_t *
inkan_seal_art_render (const InkanSealArtSpec *spec, InkanSealArtLayout **layout, GError **error)
{
  const InkanDrawModule *draw;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail ((guint) spec->kind < G_N_ELEMENTS (kinds), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  draw = _inkan_module_get ("draw", error);
  return draw != NULL ? draw->seal_art (spec, layout, error) : NULL;
}

cairo_surface_t *
inkan_seal_art_import (const char *path, GError **error)
{
  const InkanDrawModule *draw;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  draw = _inkan_module_get ("draw", error);
  return draw != NULL ? draw->seal_scan (path, error) : NULL;
}

void
inkan_seal_art_free (cairo_surface_t *surface)
{
  const InkanDrawModule *draw;

  if (surface == NULL)
    return;
  /* A surface exists only if the module was loaded to make it. */
  draw = _inkan_module_get ("draw", NULL);
  g_return_if_fail (draw != NULL);
  draw->surface_free (surface);
}

GBytes *
inkan_seal_art_to_png (cairo_surface_t *surface, GError **error)
{
  const InkanDrawModule *draw;

  g_return_val_if_fail (surface != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  draw = _inkan_module_get ("draw", error);
  return draw != NULL ? draw->surface_to_png (surface, error) : NULL;
}

gboolean
inkan_seal_art_write_png (cairo_surface_t *surface, const char *path, GError **error)
{
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GError) local = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);
  png = inkan_seal_art_to_png (surface, error);
  if (png == NULL)
    return FALSE;
  data = g_bytes_get_data (png, &len);
  /* g_file_set_contents writes beside the file and renames: whole or nothing. */
  if (!g_file_set_contents (path, data, (gssize) len, &local))
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, INKAN_SEAL_ART_ERROR, INKAN_SEAL_ART_ERROR_WRITE,
                   _("The seal image “%s” could not be written: %s"), display, local->message);
      return FALSE;
    }
  return TRUE;
}
