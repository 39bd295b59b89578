/* Sealing a PDF: placement, appearance, incremental update, digest, CMS and atomic output. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-sign.h"

#include "inkan-cms.h"
#include "inkan-image.h"
#include "inkan-pdf-private.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large enough to keep the disk busy, small enough to stay far under the memory budget. */
#define COPY_CHUNK (1024 * 1024)

typedef struct
{
  char *path;        /* the destination */
  char *tmp_path;    /* the temporary file beside it, until renamed */
  char *display;
  int fd;
} Output;

static void
output_clear (Output *out)
{
  if (out->fd >= 0)
    close (out->fd);
  if (out->tmp_path != NULL)
    g_unlink (out->tmp_path);
  g_free (out->path);
  g_free (out->tmp_path);
  g_free (out->display);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Output, output_clear)

static gboolean
set_write_error (Output *out, int saved_errno, GError **error)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE,
                 _("There is not enough disk space to write “%s”: free some space and seal "
                   "again."),
                 out->display);
  else
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE, _("Cannot write “%s”: %s."),
                 out->display, g_strerror (saved_errno));
  return FALSE;
}

/* Refuses to overwrite the input, by name or through another path to the same file. */
static gboolean
check_distinct (const char *input, const char *output, GError **error)
{
  struct stat a, b;

  if (g_strcmp0 (input, output) == 0
      || (g_stat (input, &a) == 0 && g_stat (output, &b) == 0 && a.st_dev == b.st_dev
          && a.st_ino == b.st_ino))
    {
      g_autofree char *display = g_filename_display_name (output);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE,
                   _("The sealed copy cannot replace the original “%s”: choose another output "
                     "file."),
                   display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
output_open (Output *out, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  mode_t mask;

  out->path = g_strdup (path);
  out->display = g_filename_display_name (path);
  out->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  out->fd = g_mkstemp_full (out->tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (out->fd < 0)
    {
      int saved = errno;
      g_clear_pointer (&out->tmp_path, g_free);
      return set_write_error (out, saved, error);
    }
  /* mkstemp's 0600 suits secrets, not documents: give the file the usual mode. */
  mask = umask (0);
  umask (mask);
  if (fchmod (out->fd, 0666 & ~mask) != 0)
    return set_write_error (out, errno, error);
  return TRUE;
}

static gboolean
write_at (Output *out, const void *data, gsize len, guint64 offset, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = pwrite (out->fd, p, len, (off_t) offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return set_write_error (out, errno, error);
      p += n;
      len -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}

/* Makes the output durable, then gives it its name: a crash leaves either nothing or all. */
static gboolean
output_commit (Output *out, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (out->path);
  int dir_fd;

  if (fsync (out->fd) != 0)
    return set_write_error (out, errno, error);
  if (close (out->fd) != 0)
    {
      out->fd = -1;
      return set_write_error (out, errno, error);
    }
  out->fd = -1;
  if (g_rename (out->tmp_path, out->path) != 0)
    return set_write_error (out, errno, error);
  g_clear_pointer (&out->tmp_path, g_free);
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  return TRUE;
}

static gboolean
set_changed_error (const char *input, GError **error)
{
  g_autofree char *display = g_filename_display_name (input);

  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
               _("“%s” changed while it was being sealed: seal it again once it is complete."),
               display);
  return FALSE;
}

/* Copies the original into the output while hashing it: one read of the file, no copy of it in
 * memory. The input must still be the file that was parsed. */
static gboolean
copy_and_hash (const char *input, guint64 expected_size, Output *out, gnutls_hash_hd_t hash,
               GError **error)
{
  g_autofree guint8 *buf = g_malloc (COPY_CHUNK);
  g_autofree char *display = g_filename_display_name (input);
  guint64 total = 0;
  struct stat st;
  int fd;

  fd = g_open (input, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND, _("Cannot open “%s”: %s."),
                   display, g_strerror (saved));
      return FALSE;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  if (fstat (fd, &st) != 0 || (guint64) st.st_size != expected_size)
    goto changed;
  for (;;)
    {
      ssize_t n = read (fd, buf, COPY_CHUNK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, _("Cannot read “%s”: %s."),
                       display, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      total += (guint64) n;
      if (total > expected_size)
        goto changed;
      gnutls_hash (hash, buf, (size_t) n);
      if (!write_at (out, buf, (gsize) n, total - (guint64) n, error))
        {
          close (fd);
          return FALSE;
        }
    }
  close (fd);
  if (total != expected_size)
    goto changed_closed;
  return TRUE;

changed:
  close (fd);
changed_closed:
  return set_changed_error (input, error);
}

typedef struct
{
  const char *input;
  guint64 size;
  Output *out;
  gnutls_hash_hd_t hash;
  gboolean ok;
  GError *error;
} CopyJob;

static gpointer
copy_thread (gpointer data)
{
  CopyJob *job = data;

  job->ok = copy_and_hash (job->input, job->size, job->out, job->hash, &job->error);
  return NULL;
}

/* Reads and checks the document and prepares the increment. */
static InkanPdfIncrement *
prepare (const InkanSignOptions *options, GDateTime *time, guint64 *size, GError **error)
{
  g_autoptr (InkanPdf) pdf = NULL;
  g_autoptr (InkanImage) image = NULL;
  InkanPdfSigParams params = { 0 };
  gnutls_x509_crt_t *chain;
  guint n_chain;

  pdf = inkan_pdf_open (options->input, error);
  if (pdf == NULL)
    return NULL;
  if (options->image != NULL)
    {
      image = inkan_image_load_png (options->image, error);
      if (image == NULL)
        return NULL;
    }
  chain = inkan_signer_get_chain (options->signer, &n_chain);
  params.page = options->page;
  params.has_rect = options->has_rect;
  params.rect = options->rect;
  params.image = image;
  params.field = options->field;
  params.reason = options->reason;
  params.location = options->location;
  params.time = time;
  params.contents_size = inkan_cms_max_size (inkan_signer_get_privkey (options->signer),
                                             (gnutls_x509_crt_t const *) chain, n_chain);
  *size = inkan_pdf_get_size (pdf);
  return _inkan_pdf_prepare_signature (pdf, &params, error);
}

gboolean
inkan_sign_pdf (const InkanSignOptions *options, GError **error)
{
  g_autoptr (InkanPdfIncrement) inc = NULL;
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GBytes) cms = NULL;
  g_auto (Output) out = { NULL, NULL, NULL, -1 };
  g_autofree char *hex = NULL;
  g_autoptr (GError) prepare_error = NULL;
  CopyJob job = { 0 };
  GThread *copier;
  GStatBuf st;
  gnutls_x509_crt_t *chain;
  guint8 digest[INKAN_CMS_DIGEST_LEN];
  const guint8 *inc_data, *cms_data;
  gsize inc_len, cms_len, i;
  guint64 size = 0;
  guint n_chain;
  int rc;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (options->input != NULL && options->output != NULL, FALSE);
  g_return_val_if_fail (INKAN_IS_SIGNER (options->signer), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  time = options->time != NULL ? g_date_time_ref (options->time) : g_date_time_new_now_local ();
  if (!check_distinct (options->input, options->output, error)
      || !inkan_signer_check_usable (options->signer, time, error))
    return FALSE;
  if (g_stat (options->input, &st) != 0 || !S_ISREG (st.st_mode))
    {
      /* Let the reader say what is wrong with the input. */
      inc = prepare (options, time, &size, error);
      g_return_val_if_fail (inc == NULL, FALSE);
      return FALSE;
    }

  if (!output_open (&out, options->output, error))
    return FALSE;
  rc = gnutls_hash_init (&job.hash, GNUTLS_DIG_SHA256);
  if (rc < 0)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, _("Cannot compute a digest: %s"),
                   gnutls_strerror (rc));
      return FALSE;
    }

  /* Copying and hashing the original needs nothing from the parse: the two run side by side,
   * and a large document costs about one read of it. */
  job.input = options->input;
  job.size = (guint64) st.st_size;
  job.out = &out;
  copier = g_thread_new ("inkan-copy", copy_thread, &job);
  inc = prepare (options, time, &size, &prepare_error);
  g_thread_join (copier);

  if (inc == NULL || !job.ok || size != job.size)
    {
      gnutls_hash_deinit (job.hash, NULL);
      if (inc == NULL)
        g_propagate_error (error, g_steal_pointer (&prepare_error));
      else if (!job.ok)
        g_propagate_error (error, g_steal_pointer (&job.error));
      else
        set_changed_error (options->input, error);
      g_clear_error (&job.error);
      return FALSE;
    }

  inc_data = g_bytes_get_data (inc->bytes, &inc_len);
  if (!write_at (&out, inc_data, inc_len, size, error))
    {
      gnutls_hash_deinit (job.hash, NULL);
      return FALSE;
    }
  gnutls_hash (job.hash, inc_data, inc->gap_start);
  gnutls_hash (job.hash, inc_data + inc->gap_end, inc_len - inc->gap_end);
  gnutls_hash_deinit (job.hash, digest);

  chain = inkan_signer_get_chain (options->signer, &n_chain);
  cms = inkan_cms_sign_detached (inkan_signer_get_privkey (options->signer),
                                 (gnutls_x509_crt_t const *) chain, n_chain, digest, error);
  if (cms == NULL)
    return FALSE;
  cms_data = g_bytes_get_data (cms, &cms_len);
  if (cms_len * 2 > inc->gap_end - inc->gap_start - 2)
    {
      g_critical ("CMS of %" G_GSIZE_FORMAT " bytes exceeds its reserved space", cms_len);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("The signature is larger than the space reserved for it."));
      return FALSE;
    }
  hex = g_malloc (cms_len * 2);
  for (i = 0; i < cms_len; i++)
    {
      static const char digits[] = "0123456789ABCDEF";
      hex[2 * i] = digits[cms_data[i] >> 4];
      hex[2 * i + 1] = digits[cms_data[i] & 0xf];
    }
  if (!write_at (&out, hex, cms_len * 2, size + inc->gap_start + 1, error))
    return FALSE;
  return output_commit (&out, error);
}
