/* For tests, preloaded: copy_file_range refused with EPERM, as a seccomp filter or a CIFS mount
 * refuses it. Each call appends a byte to $INKAN_TEST_COPY_RANGE_CALLS, so that a test sees it
 * was asked. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t
copy_file_range (int fd_in, off64_t *off_in, int fd_out, off64_t *off_out, size_t len,
                 unsigned int flags)
{
  const char *calls = getenv ("INKAN_TEST_COPY_RANGE_CALLS");

  (void) fd_in, (void) off_in, (void) fd_out, (void) off_out, (void) len, (void) flags;
  if (calls != NULL)
    {
      int fd = open (calls, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      if (fd >= 0)
        {
          (void) !write (fd, "x", 1);
          close (fd);
        }
    }
  errno = EPERM;
  return -1;
}
