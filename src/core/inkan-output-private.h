/* Internal to libinkan: a new document written beside its destination and put in place whole. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>

G_BEGIN_DECLS

/* The copy is written into a file without a name in the destination's directory (O_TMPFILE):
 * a process stopped by a signal, a crash or a power cut leaves nothing behind. It gets a
 * temporary name beside the destination once complete and durable, then the destination's by
 * a rename. Where the file system cannot make unnamed files, the temporary name is there from
 * the start, and removed on failure. */
typedef struct
{
  char *path;     /* the destination */
  char *tmp_path; /* the temporary name beside it, while it has one */
  char *display;
  int fd;
} InkanOutput;

#define INKAN_OUTPUT_INIT { NULL, NULL, NULL, -1 }

void _inkan_output_clear (InkanOutput *out);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InkanOutput, _inkan_output_clear)

gboolean _inkan_output_open (InkanOutput *out, const char *path, GError **error);
gboolean _inkan_output_write_at (InkanOutput *out, const void *data, gsize len, guint64 offset,
                                 GError **error);
/* Makes the output durable, then gives it its name: a crash leaves either nothing or all. */
gboolean _inkan_output_commit (InkanOutput *out, GError **error);
/* A write error on `out` as users read it: a full disk says so. Returns FALSE. */
gboolean _inkan_output_set_error (InkanOutput *out, int saved_errno, GError **error);

/* Digests bytes [from, to) of `fd`, read by pread into `buf` (`len` bytes) rather than through a
 * mapping (whose first touch costs a page fault every 64 KB here). 0, the errno of a failed
 * read, or -1 when the file ends before `to`. */
int _inkan_hash_fd_range (int fd, guint64 from, guint64 to, gnutls_hash_hd_t hash, guint8 *buf,
                          gsize len);
/* The same over what `out` holds, with the error a user reads. */
gboolean _inkan_output_hash (InkanOutput *out, guint64 from, guint64 to, gnutls_hash_hd_t hash,
                             guint8 *buf, gsize len, GError **error);

/* Refuses an output that would replace `input`, by name or through another path to the same
 * file. */
gboolean _inkan_output_check_distinct (const char *input, const char *output);

typedef enum
{
  INKAN_OUTPUT_COPY_DONE,
  INKAN_OUTPUT_COPY_FAILED,  /* `error` says why */
  INKAN_OUTPUT_COPY_CHANGED, /* the input is not, or no longer, the file `st` describes */
  INKAN_OUTPUT_COPY_STOPPED  /* the progress function asked to stop */
} InkanOutputCopy;

/* Told how many bytes are in the output so far; FALSE stops the copy. */
typedef gboolean (*InkanOutputProgress) (guint64 copied, gpointer data);

/* Copies `input`, which `st` describes (taken before it was read), to the start of `out`: in the
 * kernel where it can (copy_file_range: no pass through user memory, a clone where the file
 * system can), its write-back started chunk by chunk. A writer that came and went meanwhile
 * shows in the input's modification and change times. */
InkanOutputCopy _inkan_output_copy (InkanOutput *out, const char *input, const GStatBuf *st,
                                    InkanOutputProgress progress, gpointer data, GError **error);

/* For tests: TRUE makes outputs be written under a temporary name from the start, as on a file
 * system that cannot make unnamed files (FAT, SMB, NFS); FALSE, the default, tries an unnamed
 * file first. */
void _inkan_output_set_named (gboolean named);

G_END_DECLS
