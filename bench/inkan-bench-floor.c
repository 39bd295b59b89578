/* The benchmark's floor: read a file once in 1 MiB chunks and SHA-256 it, as signing must. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <fcntl.h>
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

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL;
  guint8 digest[32];
  guint64 length = 0;
  gsize i;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: %s FILE\nPrints the file's SHA-256 and length.\n", argv[0]);
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
