/* The benchmark's floors: read a file once and SHA-256 it; or copy it durably, as sealing must. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* copy_file_range */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#define CHUNK_SIZE (1024 * 1024)

/* gnutls_hash_deinit takes an output buffer; the cleanup only frees. */
static void
hash_free (gnutls_hash_hd_t hd)
{
  gnutls_hash_deinit (hd, NULL);
}
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_hash_hd_t, hash_free, NULL);

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

static gboolean
hash_file (const char *path, guint8 digest[32], guint64 *length, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  __attribute__ ((cleanup (close_fd))) int fd = -1;
  g_auto (gnutls_hash_hd_t) hd = NULL;
  int ret;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Could not open %s: %s. Check the path.", path, g_strerror (saved));
      return FALSE;
    }
  ret = gnutls_hash_init (&hd, GNUTLS_DIG_SHA256);
  if (ret < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "GnuTLS could not start a SHA-256 digest: %s.", gnutls_strerror (ret));
      return FALSE;
    }
  *length = 0;
  for (;;)
    {
      ssize_t n = read (fd, buffer, CHUNK_SIZE);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "Could not read %s: %s.", path, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      ret = gnutls_hash (hd, buffer, (size_t)n);
      if (ret < 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "GnuTLS could not digest %s: %s.",
                       path, gnutls_strerror (ret));
          return FALSE;
        }
      *length += (guint64)n;
    }
  gnutls_hash_output (hd, digest);
  return TRUE;
}

/* Copies `path` to a new file `out` in the kernel, then waits until it is on the disk: what
 * writing a sealed copy costs at least, whatever the signer does. */
static gboolean
copy_durably (const char *path, const char *out_path, guint64 *length, gint64 *copied_us,
              gint64 *synced_us, GError **error)
{
  __attribute__ ((cleanup (close_fd))) int fd = -1;
  __attribute__ ((cleanup (close_fd))) int out = -1;
  g_autofree guint8 *buffer = NULL;
  gint64 start = g_get_monotonic_time ();
  struct stat st;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  out = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || out < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Could not open %s or create %s: %s. Check the paths.", path, out_path,
                   g_strerror (saved));
      return FALSE;
    }
  *length = 0;
  while (*length < (guint64)st.st_size)
    {
      ssize_t n = -1;

      if (buffer == NULL)
        n = copy_file_range (fd, NULL, out, NULL, (size_t)st.st_size - *length, 0);
      if (n < 0 && buffer == NULL && errno != EINTR)
        {
          /* Not between these two files: through a buffer instead. */
          buffer = g_malloc (CHUNK_SIZE);
          continue;
        }
      if (buffer != NULL)
        {
          n = read (fd, buffer, CHUNK_SIZE);
          if (n > 0 && write (out, buffer, (size_t)n) != n)
            n = -1;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "Could not copy %s to %s: %s.", path, out_path, g_strerror (saved));
          return FALSE;
        }
      *length += (guint64)n;
    }
  *copied_us = g_get_monotonic_time () - start;
  if (fdatasync (out) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Could not flush %s to the disk: %s.", out_path, g_strerror (saved));
      return FALSE;
    }
  *synced_us = g_get_monotonic_time () - start - *copied_us;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL;
  guint8 digest[32];
  guint64 length = 0;
  gsize i;

  if (argc == 4 && g_str_equal (argv[1], "--durable-copy"))
    {
      gint64 copied_us = 0, synced_us = 0;

      if (!copy_durably (argv[2], argv[3], &length, &copied_us, &synced_us, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
      printf ("%" G_GUINT64_FORMAT " bytes copied in %" G_GINT64_FORMAT " us and flushed in %"
              G_GINT64_FORMAT " us\n", length, copied_us, synced_us);
      return 0;
    }
  if (argc != 2)
    {
      fprintf (stderr,
               "Usage: %s FILE\n       %s --durable-copy FILE OUT\n"
               "Prints the file's SHA-256 and length; or copies it to OUT and flushes it to the "
               "disk.\n",
               argv[0], argv[0]);
      return 2;
    }
  if (!hash_file (argv[1], digest, &length, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  hex = g_malloc (2 * sizeof digest + 1);
  for (i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  printf ("%s  %" G_GUINT64_FORMAT "\n", hex, length);
  return 0;
}
