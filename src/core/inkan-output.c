/* A new document written beside its destination and put in place whole, durable first. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* copy_file_range, sync_file_range, O_TMPFILE */
#define _GNU_SOURCE
#include "config.h"

#include "inkan-output-private.h"

#include "inkan-pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A copy that cannot be made in the kernel goes through a buffer this large. */
#define COPY_CHUNK (1024 * 1024)
/* Copied in the kernel, and handed to write-back, this much at a time. */
#define KERNEL_CHUNK (8 * 1024 * 1024)

void
_inkan_output_clear (InkanOutput *out)
{
  if (out->fd >= 0)
    close (out->fd);
  out->fd = -1;
  if (out->tmp_path != NULL)
    g_unlink (out->tmp_path);
  g_clear_pointer (&out->path, g_free);
  g_clear_pointer (&out->tmp_path, g_free);
  g_clear_pointer (&out->display, g_free);
}

gboolean
_inkan_output_set_error (InkanOutput *out, int saved_errno, GError **error)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE,
                 _("There is not enough disk space to write “%s”: free some space and try "
                   "again."),
                 out->display);
  else
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE, _("Cannot write “%s”: %s."),
                 out->display, g_strerror (saved_errno));
  return FALSE;
}

gboolean
_inkan_output_check_distinct (const char *input, const char *output)
{
  GStatBuf a, b;

  return !(g_strcmp0 (input, output) == 0
           || (g_stat (input, &a) == 0 && g_stat (output, &b) == 0 && a.st_dev == b.st_dev
               && a.st_ino == b.st_ino));
}

static gint named_output; /* atomic */

void
_inkan_output_set_named (gboolean named)
{
  g_atomic_int_set (&named_output, named);
}

gboolean
_inkan_output_open (InkanOutput *out, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  guint tries;

  out->path = g_strdup (path);
  out->display = g_filename_display_name (path);
#ifdef O_TMPFILE
  /* The mode is the usual one for a new file (0666 less the umask). Naming it takes /proc
   * (output_name). */
  out->fd = g_atomic_int_get (&named_output) || !g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR)
              ? -1
              : g_open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
  if (out->fd >= 0)
    return TRUE;
  /* Not on this file system (EOPNOTSUPP), or an error the named file will meet and report too. */
#endif
  /* A name of its own rather than mkstemp's: mkstemp makes the file 0600, and changing that
   * takes fchmod, which some mounts refuse (CIFS), and the umask, which is the process's. */
  for (tries = 0; tries < 100; tries++)
    {
      g_autofree char *name =
        g_strdup_printf ("%s/.%s.%08" G_GINT32_MODIFIER "x", dir, base, g_random_int ());

      out->fd = g_open (name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (out->fd >= 0)
        {
          out->tmp_path = g_steal_pointer (&name);
          return TRUE;
        }
      if (errno != EEXIST)
        return _inkan_output_set_error (out, errno, error);
    }
  return _inkan_output_set_error (out, EEXIST, error);
}

/* Gives the unnamed output a temporary name beside the destination. */
static gboolean
output_name (InkanOutput *out, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (out->path);
  g_autofree char *base = g_path_get_basename (out->path);
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", out->fd);
  guint tries;

  for (tries = 0; tries < 100; tries++)
    {
      g_autofree char *name =
        g_strdup_printf ("%s/.%s.%08" G_GINT32_MODIFIER "x", dir, base, g_random_int ());

      /* Through /proc, as AT_EMPTY_PATH would need a privilege. */
      if (linkat (AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
        {
          out->tmp_path = g_steal_pointer (&name);
          return TRUE;
        }
      if (errno != EEXIST)
        return _inkan_output_set_error (out, errno, error);
    }
  return _inkan_output_set_error (out, EEXIST, error);
}

gboolean
_inkan_output_write_at (InkanOutput *out, const void *data, gsize len, guint64 offset,
                        GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = pwrite (out->fd, p, len, (off_t) offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return _inkan_output_set_error (out, errno, error);
      p += n;
      len -= (gsize) n;
      offset += (guint64) n;
    }
  return TRUE;
}

gboolean
_inkan_output_commit (InkanOutput *out, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (out->path);
  int dir_fd;

  if (fsync (out->fd) != 0)
    return _inkan_output_set_error (out, errno, error);
  if (out->tmp_path == NULL && !output_name (out, error))
    return FALSE;
  if (close (out->fd) != 0)
    {
      out->fd = -1;
      return _inkan_output_set_error (out, errno, error);
    }
  out->fd = -1;
  if (g_rename (out->tmp_path, out->path) != 0)
    return _inkan_output_set_error (out, errno, error);
  g_clear_pointer (&out->tmp_path, g_free);
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  return TRUE;
}

/* ---- reading back ------------------------------------------------------------------------ */

int
_inkan_hash_fd_range (int fd, guint64 from, guint64 to, gnutls_hash_hd_t hash, guint8 *buf,
                      gsize len)
{
  while (from < to)
    {
      ssize_t n = pread (fd, buf, (size_t) MIN (len, to - from), (off_t) from);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      if (n == 0)
        return -1;
      gnutls_hash (hash, buf, (size_t) n);
      from += (guint64) n;
    }
  return 0;
}

gboolean
_inkan_output_hash (InkanOutput *out, guint64 from, guint64 to, gnutls_hash_hd_t hash,
                    guint8 *buf, gsize len, GError **error)
{
  int failed = _inkan_hash_fd_range (out->fd, from, to, hash, buf, len);

  if (failed == 0)
    return TRUE;
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE, _("Cannot read back “%s”: %s."),
               out->display,
               failed > 0 ? g_strerror (failed) : _("it is shorter than was written"));
  return FALSE;
}

/* ---- copying the original ---------------------------------------------------------------- */

static InkanOutputCopy
read_failed (const char *input, int saved_errno, GError **error)
{
  g_autofree char *display = g_filename_display_name (input);

  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, _("Cannot read “%s”: %s."),
               display, g_strerror (saved_errno));
  return INKAN_OUTPUT_COPY_FAILED;
}

/* The file was not written between two looks: a writer moves the modification time, and one
 * that puts it back (touch -r) still moves the change time. */
static gboolean
same_times (const struct stat *a, const struct stat *b)
{
  return a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
         && a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Copies what copy_file_range would not, through a buffer. */
static InkanOutputCopy
copy_by_buffer (InkanOutput *out, const char *input, int fd, guint64 size, guint64 *total,
                InkanOutputProgress progress, gpointer data, GError **error)
{
  g_autofree guint8 *buf = g_malloc (COPY_CHUNK);

  while (*total < size)
    {
      ssize_t n = pread (fd, buf, (size_t) MIN (COPY_CHUNK, size - *total), (off_t) *total);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return read_failed (input, errno, error);
      if (n == 0)
        return INKAN_OUTPUT_COPY_CHANGED;
      if (!_inkan_output_write_at (out, buf, (gsize) n, *total, error))
        return INKAN_OUTPUT_COPY_FAILED;
      *total += (guint64) n;
      if (progress != NULL && !progress (*total, data))
        return INKAN_OUTPUT_COPY_STOPPED;
    }
  return INKAN_OUTPUT_COPY_DONE;
}

static InkanOutputCopy
copy_opened (InkanOutput *out, const char *input, int fd, const GStatBuf *st,
             InkanOutputProgress progress, gpointer data, GError **error)
{
  guint64 size = (guint64) st->st_size, total = 0;
  InkanOutputCopy result = INKAN_OUTPUT_COPY_DONE;
  struct stat before, after;

  if (fstat (fd, &before) != 0 || before.st_dev != st->st_dev || before.st_ino != st->st_ino
      || (guint64) before.st_size != size || !same_times (&before, st))
    return INKAN_OUTPUT_COPY_CHANGED;
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  while (total < size)
    {
      loff_t from = (loff_t) total, to = (loff_t) total;
      ssize_t n = copy_file_range (fd, &from, out->fd, &to,
                                   (size_t) MIN (KERNEL_CHUNK, size - total), 0);
      if (n < 0 && errno == EINTR)
        continue;
      /* Not between these two files (another file system, no support, a seccomp filter or a
       * CIFS mount that says EPERM), or nothing copied at all: the buffer does it, and its
       * reads tell whether the file got shorter. */
      if (total == 0
          && (n == 0
              || (n < 0
                  && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL
                      || errno == EBADF || errno == EPERM || errno == ETXTBSY))))
        break;
      if (n < 0)
        {
          _inkan_output_set_error (out, errno, error);
          return INKAN_OUTPUT_COPY_FAILED;
        }
      if (n == 0)
        return INKAN_OUTPUT_COPY_CHANGED;
      /* Starts the write-back now rather than at the final fsync. */
      sync_file_range (out->fd, (off64_t) total, n, SYNC_FILE_RANGE_WRITE);
      total += (guint64) n;
      if (progress != NULL && !progress (total, data))
        return INKAN_OUTPUT_COPY_STOPPED;
    }
  /* Left before anything was copied. */
  if (total < size)
    result = copy_by_buffer (out, input, fd, size, &total, progress, data, error);
  if (result != INKAN_OUTPUT_COPY_DONE)
    return result;
  if (fstat (fd, &after) != 0 || (guint64) after.st_size != size || !same_times (&after, &before))
    return INKAN_OUTPUT_COPY_CHANGED;
  return INKAN_OUTPUT_COPY_DONE;
}

InkanOutputCopy
_inkan_output_copy (InkanOutput *out, const char *input, const GStatBuf *st,
                    InkanOutputProgress progress, gpointer data, GError **error)
{
  InkanOutputCopy result;
  int fd;

  fd = g_open (input, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      g_autofree char *display = g_filename_display_name (input);
      int saved = errno;

      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND, _("Cannot open “%s”: %s."),
                   display, g_strerror (saved));
      return INKAN_OUTPUT_COPY_FAILED;
    }
  result = copy_opened (out, input, fd, st, progress, data, error);
  close (fd);
  return result;
}
