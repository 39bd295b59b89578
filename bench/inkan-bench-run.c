/* The benchmarks' stopwatch: runs a command and prints its wall, user and system time and peak RSS. */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* wait4 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

/* /usr/bin/time prints times to 10 ms, which is the size of the differences the benchmarks look
 * for; wait4 gives the child's rusage to the microsecond.
 *
 * Usage: inkan-bench-run -o FILE [-i IN] [-O OUT] -- COMMAND [ARG...]
 * writes "WALL_US USER_US SYS_US MAXRSS_KB STATUS" to FILE, STATUS being the exit status or
 * 128 + the signal; stdin comes from IN (default /dev/null), stdout and stderr go to OUT
 * (default /dev/null). Exits 0 when the figures were written, whatever the command did. */

static gint64
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
tv_us (const struct timeval *tv)
{
  return (gint64) tv->tv_sec * G_USEC_PER_SEC + tv->tv_usec;
}

int
main (int argc, char **argv)
{
  const char *result = NULL, *in = "/dev/null", *out = "/dev/null";
  struct rusage usage;
  gint64 t0, t1;
  int opt, status = 0, code;
  pid_t pid;
  FILE *f;

  while ((opt = getopt (argc, argv, "+o:i:O:")) != -1)
    switch (opt)
      {
      case 'o':
        result = optarg;
        break;
      case 'i':
        in = optarg;
        break;
      case 'O':
        out = optarg;
        break;
      default:
        fprintf (stderr, "Usage: %s -o FILE [-i IN] [-O OUT] -- COMMAND [ARG...]\n", argv[0]);
        return 2;
      }
  if (result == NULL || optind >= argc)
    {
      fprintf (stderr, "Usage: %s -o FILE [-i IN] [-O OUT] -- COMMAND [ARG...]\n", argv[0]);
      return 2;
    }

  t0 = now_us ();
  pid = fork ();
  if (pid < 0)
    {
      fprintf (stderr, "inkan-bench-run: cannot fork: %s\n", g_strerror (errno));
      return 1;
    }
  if (pid == 0)
    {
      int fd_in = open (in, O_RDONLY | O_CLOEXEC);
      int fd_out = open (out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

      if (fd_in < 0 || fd_out < 0 || dup2 (fd_in, 0) < 0 || dup2 (fd_out, 1) < 0
          || dup2 (fd_out, 2) < 0)
        _exit (127);
      execvp (argv[optind], argv + optind);
      dprintf (2, "inkan-bench-run: cannot run %s: %s\n", argv[optind], g_strerror (errno));
      _exit (127);
    }
  while (wait4 (pid, &status, 0, &usage) < 0)
    if (errno != EINTR)
      {
        fprintf (stderr, "inkan-bench-run: wait4: %s\n", g_strerror (errno));
        return 1;
      }
  t1 = now_us ();

  code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  f = fopen (result, "we");
  if (f == NULL)
    {
      fprintf (stderr, "inkan-bench-run: cannot write %s: %s\n", result, g_strerror (errno));
      return 1;
    }
  fprintf (f, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %ld %d\n", t1 - t0,
           tv_us (&usage.ru_utime), tv_us (&usage.ru_stime), usage.ru_maxrss, code);
  return fclose (f) == 0 ? 0 : 1;
}
