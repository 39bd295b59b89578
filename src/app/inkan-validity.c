/* What the verifier says of an open document: run in a worker thread, and put in plain words. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

#include "inkan-pdf-private.h"
#include "inkan-placement.h"
#include "inkan-revisions.h"
#include "inkan-validity.h"


/* Workers still running when the process exits would tear qpdf down while its libraries' own
 * destructors run. An atexit handler is not enough: qpdf's function-local statics (the
 * "destroyed" value every QPDF's teardown uses) register their destructors when first used,
 * inside a worker, after the handler, so they are torn down before it runs (an ASan SEGV in
 * qpdf_cleanup at the end of app-preferences). The program waits before returning from main
 * (inkan_validity_wait_for_workers); the handler stays for any other way out. */
static GMutex workers_lock;
static GCond workers_done;
static guint workers_running;

void
inkan_validity_wait_for_workers (void)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_mutex_lock (&workers_lock);
  while (workers_running > 0)
    if (!g_cond_wait_until (&workers_done, &workers_lock, deadline))
      break;
  g_mutex_unlock (&workers_lock);
}

static void worker_done (void);

static void
counted_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_data (G_OBJECT (task), "inkan-worker");

  func (task, source_object, task_data, cancellable);
  worker_done ();
}

static void
run_worker (GTask *task, GTaskThreadFunc func)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      atexit (inkan_validity_wait_for_workers);
      g_once_init_leave (&registered, 1);
    }
  g_mutex_lock (&workers_lock);
  workers_running++;
  g_mutex_unlock (&workers_lock);
  g_object_set_data (G_OBJECT (task), "inkan-worker", (gpointer) func);
  g_task_run_in_thread (task, counted_thread);
}

static void
worker_done (void)
{
  g_mutex_lock (&workers_lock);
  workers_running--;
  g_cond_broadcast (&workers_done);
  g_mutex_unlock (&workers_lock);
}

static InkanTrust *
load_trust (GError **error)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  const char *env = g_getenv ("INKAN_TRUST");

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.inkan.Inkan", TRUE);
  if (schema != NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new ("org.inkan.Inkan");
      g_auto (GStrv) anchors = g_settings_get_strv (settings, "trust-anchors");

      for (guint i = 0; anchors[i] != NULL; i++)
        if (!inkan_trust_add_file (trust, anchors[i], error))
          return NULL;
      if (g_settings_get_boolean (settings, "use-system-trust")
          && !inkan_trust_add_system (trust, error))
        return NULL;
    }
  if (env != NULL && *env != '\0')
    {
      g_auto (GStrv) files = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; files[i] != NULL; i++)
        if (*files[i] != '\0' && !inkan_trust_add_file (trust, files[i], error))
          return NULL;
    }
  return g_steal_pointer (&trust);
}

void
inkan_validity_result_free (InkanValidityResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->report, inkan_report_free);
  g_clear_pointer (&result->shown, g_array_unref);
  g_free (result);
}

/* Where each seal is as the page view shows its page. A file the verifier could read but whose
 * pages cannot be read strictly just gets no outlines. */
static GArray *
shown_rects (const char *path, const InkanReport *report)
{
  guint n = report->signatures != NULL ? report->signatures->len : 0;
  GArray *shown = g_array_sized_new (FALSE, TRUE, sizeof (InkanRect), n);
  g_autoptr (InkanPdf) pdf = NULL;

  g_array_set_size (shown, n);
  for (guint i = 0; i < n; i++)
    {
      const InkanSignatureReport *signature = g_ptr_array_index (report->signatures, i);
      InkanPageGeometry geometry;
      InkanRect user = { MIN (signature->rect[0], signature->rect[2]),
                         MIN (signature->rect[1], signature->rect[3]),
                         fabs (signature->rect[2] - signature->rect[0]),
                         fabs (signature->rect[3] - signature->rect[1]) };
      InkanRect visible;
      double width, height;

      if (signature->page == 0 || user.width <= 0 || user.height <= 0)
        continue;
      if (pdf == NULL && (pdf = inkan_pdf_open (path, NULL)) == NULL)
        break;
      if (!_inkan_pdf_get_page_geometry (pdf, signature->page, &geometry, NULL))
        continue;
      inkan_placement_user_to_visible (&geometry, &user, &visible);
      inkan_page_geometry_visible_size (&geometry, &width, &height);
      inkan_placement_visible_to_shown (&visible, height, &g_array_index (shown, InkanRect, i));
    }
  return shown;
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTrust) trust = NULL;
  g_autofree char *path = g_file_get_path (file);
  InkanVerifyOptions options = { 0 };
  InkanValidityResult *result;
  InkanReport *report;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only documents on this computer can be checked."));
      return;
    }
  trust = load_trust (&error);
  if (trust == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  options.trust = trust;
  report = inkan_verify_file (path, &options, &error);
  if (report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = g_new0 (InkanValidityResult, 1);
  result->report = report;
  result->shown = shown_rects (path, report);
  g_task_return_pointer (task, result, (GDestroyNotify) inkan_validity_result_free);
}

void
inkan_validity_verify_async (GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inkan_validity_verify_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  run_worker (task, verify_thread);
}

InkanValidityResult *
inkan_validity_verify_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GFile *file;
  guint revision;
  char *signer;
} ExtractData;

static void
extract_data_free (ExtractData *data)
{
  g_clear_object (&data->file);
  g_free (data->signer);
  g_free (data);
}

/* The file as it was at the end of revision `revision` (1-based): a view of the mapped file,
 * which it keeps open. */
static GBytes *
signed_version_bytes (GFile *file, guint revision, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  InkanRevisions *revisions;
  const guint8 *bytes;
  gsize size, end;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only documents on this computer can be checked."));
      return NULL;
    }
  revisions = inkan_revisions_open (path, error);
  if (revisions == NULL)
    return NULL;
  if (revision == 0 || revision > inkan_revisions_get_n (revisions))
    {
      inkan_revisions_free (revisions);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The document changed since it was opened; open it again."));
      return NULL;
    }
  inkan_revisions_get_end (revisions, revision - 1, &end);
  bytes = inkan_revisions_get_data (revisions, &size);
  return g_bytes_new_with_free_func (bytes, MIN (end, size),
                                     (GDestroyNotify) inkan_revisions_free, revisions);
}

static void
extract_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExtractData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_file_get_path (data->file);
  g_autoptr (GBytes) version = signed_version_bytes (data->file, data->revision, &error);
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  char *dot;

  if (version == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  base = g_path_get_basename (path);
  if ((dot = strrchr (base, '.')) != NULL && g_ascii_strcasecmp (dot, ".pdf") == 0)
    *dot = '\0';
  /* Translators: the file name of a document as it was signed: "contract (as signed by Li Wei)" */
  name = g_strdup_printf (_("%s (as signed by %s).pdf"), base, data->signer);
  g_strdelimit (name, "/\\", '-');
  dir = g_build_filename (g_get_user_cache_dir (), "inkan", "signed-versions", NULL);
  out = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (out, g_bytes_get_data (version, NULL),
                                    (gssize) g_bytes_get_size (version),
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      if (error == NULL)
        g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _("Cannot write the signed version in “%s”: %s"), dir, g_strerror (errno));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_file_new_for_path (out), g_object_unref);
}

void
inkan_validity_extract_signed_async (GFile               *file,
                                     guint                revision,
                                     const char          *signer,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ExtractData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ExtractData, 1);
  data->file = g_object_ref (file);
  data->revision = revision;
  data->signer = g_strdup (signer);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inkan_validity_extract_signed_async);
  g_task_set_task_data (task, data, (GDestroyNotify) extract_data_free);
  run_worker (task, extract_thread);
}

GFile *
inkan_validity_extract_signed_finish (GAsyncResult *result,
                                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* poppler-glib 22.12 declares no cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

void
inkan_visual_diff_free (InkanVisualDiff *diff)
{
  if (diff == NULL)
    return;
  g_clear_pointer (&diff->areas, g_array_unref);
  g_free (diff);
}

/* Pages are compared at 36 dpi in cells of CELL × CELL pixels (8 points); a cell differs when
 * one of its pixels differs by more than THRESHOLD in a channel (antialiasing noise stays
 * below). */
#define COMPARE_SCALE 0.5
#define CELL 4
#define THRESHOLD 48

static cairo_surface_t *
render_page (PopplerPage *page, int width, int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, COMPARE_SCALE, COMPARE_SCALE);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static gboolean
cell_differs (cairo_surface_t *a, cairo_surface_t *b, int cx, int cy, int width, int height)
{
  const guint8 *da = cairo_image_surface_get_data (a);
  const guint8 *db = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (a);

  for (int y = cy * CELL; y < MIN ((cy + 1) * CELL, height); y++)
    for (int x = cx * CELL; x < MIN ((cx + 1) * CELL, width); x++)
      for (int c = 0; c < 3; c++)
        if (ABS ((int) da[y * stride + x * 4 + c] - (int) db[y * stride + x * 4 + c]) > THRESHOLD)
          return TRUE;
  return FALSE;
}

/* Groups the differing cells of one page into connected areas, each reported by its bounds. */
static void
add_areas (GArray *areas, int page, guint8 *cells, int cols, int rows)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));

  for (int start = 0; start < cols * rows; start++)
    {
      int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;
      InkanVisualChange change = { page, { 0 } };
      double unit = CELL / COMPARE_SCALE;

      if (cells[start] != 1)
        continue;
      cells[start] = 2;
      g_array_append_val (stack, start);
      while (stack->len > 0)
        {
          int i = g_array_index (stack, int, stack->len - 1);
          int cx = i % cols, cy = i / cols;

          g_array_set_size (stack, stack->len - 1);
          x0 = MIN (x0, cx), y0 = MIN (y0, cy), x1 = MAX (x1, cx), y1 = MAX (y1, cy);
          /* Neighbours within two cells join: nearby changes make one area. */
          for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++)
              {
                int nx = cx + dx, ny = cy + dy;

                if (nx >= 0 && ny >= 0 && nx < cols && ny < rows && cells[ny * cols + nx] == 1)
                  {
                    int j = ny * cols + nx;

                    cells[j] = 2;
                    g_array_append_val (stack, j);
                  }
              }
        }
      change.rect = (InkanRect) { x0 * unit, y0 * unit, (x1 - x0 + 1) * unit,
                                  (y1 - y0 + 1) * unit };
      g_array_append_val (areas, change);
    }
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExtractData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) signed_bytes = signed_version_bytes (data->file, data->revision, &error);
  g_autoptr (PopplerDocument) then = NULL;
  g_autoptr (PopplerDocument) now = NULL;
  g_autoptr (InkanVisualDiff) diff = g_new0 (InkanVisualDiff, 1);
  int n_then, n_now;

  diff->areas = g_array_new (FALSE, FALSE, sizeof (InkanVisualChange));
  if (signed_bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  then = poppler_document_new_from_bytes (signed_bytes, NULL, &error);
  if (then != NULL)
    {
      g_autofree char *uri = g_file_get_uri (data->file);

      now = poppler_document_new_from_file (uri, NULL, &error);
    }
  if (then == NULL || now == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  n_then = poppler_document_get_n_pages (then);
  n_now = poppler_document_get_n_pages (now);
  diff->pages_added = n_now > n_then ? (guint) (n_now - n_then) : 0;
  diff->pages_removed = n_then > n_now ? (guint) (n_then - n_now) : 0;
  for (int i = 0; i < MIN (n_then, n_now); i++)
    {
      g_autoptr (PopplerPage) page_then = poppler_document_get_page (then, i);
      g_autoptr (PopplerPage) page_now = poppler_document_get_page (now, i);
      double w_then, h_then, w_now, h_now;
      int width, height, cols, rows;
      g_autofree guint8 *cells = NULL;
      cairo_surface_t *a, *b;

      if (g_task_return_error_if_cancelled (task))
        return;
      poppler_page_get_size (page_then, &w_then, &h_then);
      poppler_page_get_size (page_now, &w_now, &h_now);
      diff->pages_compared++;
      if (fabs (w_then - w_now) > 0.5 || fabs (h_then - h_now) > 0.5)
        {
          InkanVisualChange change = { i, { 0, 0, w_now, h_now } };

          g_array_append_val (diff->areas, change);
          continue;
        }
      width = MAX (1, (int) ceil (w_now * COMPARE_SCALE));
      height = MAX (1, (int) ceil (h_now * COMPARE_SCALE));
      a = render_page (page_then, width, height);
      b = render_page (page_now, width, height);
      cols = (width + CELL - 1) / CELL;
      rows = (height + CELL - 1) / CELL;
      cells = g_new0 (guint8, (gsize) cols * rows);
      for (int cy = 0; cy < rows; cy++)
        for (int cx = 0; cx < cols; cx++)
          cells[cy * cols + cx] = cell_differs (a, b, cx, cy, width, height) ? 1 : 0;
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
      add_areas (diff->areas, i, cells, cols, rows);
    }
  g_task_return_pointer (task, g_steal_pointer (&diff), (GDestroyNotify) inkan_visual_diff_free);
}

void
inkan_validity_compare_async (GFile               *file,
                              guint                revision,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ExtractData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ExtractData, 1);
  data->file = g_object_ref (file);
  data->revision = revision;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inkan_validity_compare_async);
  g_task_set_task_data (task, data, (GDestroyNotify) extract_data_free);
  run_worker (task, compare_thread);
}

InkanVisualDiff *
inkan_validity_compare_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
inkan_validity_state_icon_name (InkanValidityState state)
{
  static const char *const icons[] = {
    [INKAN_VALIDITY_NONE] = "content-loading-symbolic",
    [INKAN_VALIDITY_VALID] = "emblem-ok-symbolic",
    [INKAN_VALIDITY_UNSURE] = "dialog-warning-symbolic",
    [INKAN_VALIDITY_INVALID] = "dialog-error-symbolic",
  };

  return state < G_N_ELEMENTS (icons) ? icons[state] : icons[INKAN_VALIDITY_INVALID];
}

InkanValidityState
inkan_validity_signature_state (const InkanSignatureReport *signature)
{
  switch (signature->indication)
    {
    case INKAN_INDICATION_TOTAL_PASSED:
      return INKAN_VALIDITY_VALID;
    case INKAN_INDICATION_INDETERMINATE:
      return INKAN_VALIDITY_UNSURE;
    case INKAN_INDICATION_TOTAL_FAILED:
    case INKAN_INDICATION_NO_SIGNATURE:
    default:
      return INKAN_VALIDITY_INVALID;
    }
}

const char *
inkan_validity_signer_words (const InkanSignatureReport *signature)
{
  if (signature->signer_name != NULL && *signature->signer_name != '\0')
    return signature->signer_name;
  if (signature->signer != NULL && *signature->signer != '\0')
    return signature->signer;
  return _("Unknown signer");
}

const char *
inkan_validity_verdict_words (const InkanSignatureReport *signature)
{
  switch (signature->indication)
    {
    case INKAN_INDICATION_TOTAL_PASSED:
      return _("Valid");
    case INKAN_INDICATION_INDETERMINATE:
      return _("Not confirmed");
    case INKAN_INDICATION_TOTAL_FAILED:
    case INKAN_INDICATION_NO_SIGNATURE:
    default:
      return _("Invalid");
    }
}

const char *
inkan_validity_coverage_words (InkanCoverage coverage)
{
  switch (coverage)
    {
    case INKAN_COVERAGE_ENTIRE_FILE:
      return _("The whole document as it is now");
    case INKAN_COVERAGE_ENTIRE_REVISION:
      return _("The whole document as it was when signed; it was added to later");
    case INKAN_COVERAGE_PARTIAL:
      return _("Only part of the document");
    case INKAN_COVERAGE_UNCLEAR:
    default:
      return _("Unclear: the signed range does not match the document’s structure");
    }
}

const char *
inkan_validity_changes_words (InkanModificationLevel level)
{
  switch (level)
    {
    case INKAN_MODIFICATION_NONE:
      return _("None");
    case INKAN_MODIFICATION_LTA_UPDATES:
      return _("Only validation data and timestamps were added");
    case INKAN_MODIFICATION_FORM_FILLING:
      return _("Form fields were filled in or signed");
    case INKAN_MODIFICATION_ANNOTATIONS:
      return _("Comments or annotations were added or changed");
    case INKAN_MODIFICATION_OTHER:
    default:
      return _("The document was changed in a way its signature does not allow");
    }
}

static const InkanFinding *
first_finding (const InkanReport *report, const InkanSignatureReport *signature)
{
  if (signature != NULL && signature->findings != NULL && signature->findings->len > 0)
    return g_ptr_array_index (signature->findings, 0);
  if (report->findings != NULL && report->findings->len > 0)
    return g_ptr_array_index (report->findings, 0);
  return NULL;
}

InkanValidityState
inkan_validity_summarize (const InkanReport *report,
                          char             **title,
                          char             **detail)
{
  const InkanSignatureReport *worst = NULL;
  const InkanSignatureReport *last = NULL;
  const InkanFinding *finding;
  InkanValidityState state = INKAN_VALIDITY_VALID;
  gboolean changed = FALSE;
  guint n;

  g_return_val_if_fail (report != NULL, INKAN_VALIDITY_NONE);

  n = report->signatures != NULL ? report->signatures->len : 0;
  if (n == 0)
    {
      *title = g_strdup (_("Not signed"));
      *detail = g_strdup (_("This document carries no seal or signature."));
      return INKAN_VALIDITY_NONE;
    }

  for (guint i = 0; i < n; i++)
    {
      const InkanSignatureReport *signature = g_ptr_array_index (report->signatures, i);
      InkanValidityState s = inkan_validity_signature_state (signature);

      if (worst == NULL || s > state)
        {
          worst = signature;
          state = s;
        }
      if (signature->modification_level != INKAN_MODIFICATION_NONE)
        changed = TRUE;
    }
  last = g_ptr_array_index (report->signatures, n - 1);
  /* A file-level problem (trailing bytes, repair needed) can make the file worse than any of its
   * signatures. */
  if (report->indication == INKAN_INDICATION_TOTAL_FAILED)
    state = INKAN_VALIDITY_INVALID;
  else if (report->indication == INKAN_INDICATION_INDETERMINATE && state < INKAN_VALIDITY_UNSURE)
    state = INKAN_VALIDITY_UNSURE;
  finding = first_finding (report, state == INKAN_VALIDITY_VALID ? NULL : worst);

  switch (state)
    {
    case INKAN_VALIDITY_VALID:
      *title = g_strdup (changed ? _("Signed; later changes are allowed")
                                 : _("Signed and unchanged"));
      if (n == 1)
        *detail = g_strdup_printf (_("Sealed by %s. The document is exactly as it was signed%s."),
                                   inkan_validity_signer_words (last),
                                   changed ? _(", apart from changes the signer allowed") : "");
      else
        *detail = g_strdup_printf (ngettext ("Sealed by %s and %u other signer; every signature "
                                             "is valid.",
                                             "Sealed by %s and %u other signers; every signature "
                                             "is valid.", n - 1),
                                   inkan_validity_signer_words (last), n - 1);
      break;
    case INKAN_VALIDITY_UNSURE:
      *title = g_strdup (_("Signature not confirmed"));
      *detail = g_strdup_printf (_("Signed by %s, but Inkan cannot confirm it. %s"),
                                 inkan_validity_signer_words (worst),
                                 finding != NULL ? finding->message
                                                 : _("Check the signature details before "
                                                     "relying on this document."));
      break;
    case INKAN_VALIDITY_INVALID:
    case INKAN_VALIDITY_NONE:
    default:
      *title = g_strdup (worst->modification_level == INKAN_MODIFICATION_OTHER
                           ? _("Changed after signing")
                           : _("Invalid signature"));
      *detail = g_strdup_printf (_("Do not rely on this document. %s"),
                                 finding != NULL ? finding->message
                                                 : _("A signature does not match the document."));
      break;
    }
  return state;
}
