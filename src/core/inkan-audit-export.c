/* The audit evidence bundle: the entries as JSON and a human-readable PDF report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-audit-export.h"
#include "inkan-draw-private.h"
#include "inkan-module-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (inkan-audit-export-error-quark, inkan_audit_export_error)

/* ---- JSON ---------------------------------------------------------------------------------- */

static void
json_string (GString *out, const char *text)
{
  const char *p;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

/* RFC 3339 in UTC to the millisecond, the precision of the trail. */
static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *base = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

static void
json_time (GString *out, GDateTime *time)
{
  g_autofree char *text = format_time (time);

  json_string (out, text);
}

char *
inkan_audit_export_to_json (const InkanAuditExport *bundle)
{
  GString *out = g_string_new (NULL);
  guint i;

  g_return_val_if_fail (bundle != NULL, NULL);

  g_string_append (out, "{\"subject\":");
  json_string (out, bundle->subject);
  g_string_append (out, ",\"generated\":");
  json_time (out, bundle->now);
  g_string_append_printf (out, ",\"verification\":{\"intact\":%s,\"entries\":%" G_GUINT64_FORMAT,
                          bundle->chain_intact ? "true" : "false", bundle->n_entries);
  if (bundle->chain_intact)
    g_string_append (out, ",\"first_bad\":null,\"why\":null}");
  else
    {
      g_string_append_printf (out, ",\"first_bad\":%" G_GINT64_FORMAT ",\"why\":",
                              bundle->first_bad);
      json_string (out, bundle->why);
      g_string_append_c (out, '}');
    }
  g_string_append (out, ",\"entries\":[");
  for (i = 0; bundle->entries != NULL && i < bundle->entries->len; i++)
    {
      const InkanAuditEntry *e = bundle->entries->pdata[i];

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "\n{\"seq\":%" G_GINT64_FORMAT ",\"time\":", e->seq);
      json_time (out, e->time);
      g_string_append (out, ",\"actor\":");
      json_string (out, e->actor);
      g_string_append (out, ",\"actor_cert_sha256\":");
      json_string (out, e->actor_cert_sha256);
      g_string_append (out, ",\"action\":");
      json_string (out, e->action);
      g_string_append (out, ",\"objects\":");
      json_string (out, e->objects);
      g_string_append (out, ",\"document_sha256\":");
      json_string (out, e->document_sha256);
      g_string_append (out, ",\"details\":");
      json_string (out, e->details);
      g_string_append (out, ",\"host\":");
      json_string (out, e->host);
      g_string_append (out, ",\"ips\":");
      json_string (out, e->ips);
      g_string_append (out, ",\"device\":");
      json_string (out, e->device);
      g_string_append (out, ",\"prev_hash\":");
      json_string (out, e->prev_hash);
      g_string_append (out, ",\"entry_hash\":");
      json_string (out, e->entry_hash);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
  return g_string_free (out, FALSE);
}

/* ---- files --------------------------------------------------------------------------------- */

static gboolean
write_file (const char *dir, const char *name, const void *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local))
    {
      g_set_error (error, INKAN_AUDIT_EXPORT_ERROR, INKAN_AUDIT_EXPORT_ERROR_WRITE,
                   _("The evidence bundle could not be written: %s. Check that the directory is "
                   "writable and the disk has room."), local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
inkan_audit_export_write (const InkanAuditExport *bundle, const char *dir, GError **error)
{
  g_autofree char *json = NULL;
  g_autoptr (GBytes) pdf = NULL;
  const InkanDrawModule *draw;
  gsize pdf_len = 0;
  const void *pdf_data;

  g_return_val_if_fail (bundle != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Both are made before either is written: a report that cannot be drawn leaves nothing. */
  json = inkan_audit_export_to_json (bundle);
  draw = _inkan_module_get ("draw", error);
  if (draw == NULL)
    return FALSE;
  pdf = draw->audit_report (bundle, format_time, inkan_role_to_string, error);
  if (pdf == NULL)
    return FALSE;
  pdf_data = g_bytes_get_data (pdf, &pdf_len);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_AUDIT_EXPORT_ERROR, INKAN_AUDIT_EXPORT_ERROR_WRITE,
                   _("The directory %s could not be created: %s. Choose another with -o."), dir,
                   g_strerror (saved));
      return FALSE;
    }
  return write_file (dir, "audit.json", json, strlen (json), error)
         && write_file (dir, "audit-report.pdf", pdf_data, pdf_len, error);
}
