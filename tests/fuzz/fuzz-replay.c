/* Replays fuzz seeds and crash files through the fuzz target, one TAP test each, in any build. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fuzz-verify.h"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Usage: fuzz-verify-replay [GTEST-OPTIONS] [DIR|FILE]...
 * A directory is walked recursively for *.pdf files and for the artifacts libFuzzer writes
 * (crash-*, timeout-*, oom-*, leak-*, slow-unit-*); a file is replayed whatever its name.
 * INKAN_FUZZ_TIMEOUT (seconds, default 60) turns an input that runs longer into a failure. */

typedef struct
{
  char *path;
  char *hang_message; /* formatted beforehand: the alarm handler may only write(2) */
} Seed;

static const char *volatile current_hang_message;

static void
on_alarm (int signum)
{
  const char *message = current_hang_message;

  if (message != NULL)
    {
      ssize_t written = write (STDERR_FILENO, message, strlen (message));

      (void)written;
    }
  abort ();
}

static gboolean
is_seed_name (const char *name)
{
  static const char *const prefixes[] = { "crash-", "timeout-", "oom-", "leak-", "slow-unit-" };
  g_autofree char *lower = g_ascii_strdown (name, -1);
  guint i;

  if (g_str_has_suffix (lower, ".pdf"))
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  return FALSE;
}

static void
collect (const char *path, GPtrArray *found)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (found, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect (child, found);
      else if (is_seed_name (name) && g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, g_steal_pointer (&child));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static guint timeout_seconds = 60;

static void
test_replay (gconstpointer data)
{
  const Seed *seed = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (seed->path, FALSE, &error);
  const uint8_t *contents;
  size_t length;

  g_test_message ("replaying %s", seed->path);
  g_assert_no_error (error);
  contents = (const uint8_t *)g_mapped_file_get_contents (file);
  length = g_mapped_file_get_length (file);
  /* libFuzzer hands the target a heap copy of exactly `length` bytes; so do we, so that
   * AddressSanitizer sees a read past the end here as it would there. */
  {
    g_autofree uint8_t *copy = g_memdup2 (contents, length);

    current_hang_message = seed->hang_message;
    alarm (timeout_seconds);
    g_assert_cmpint (LLVMFuzzerTestOneInput (copy, length), ==, 0);
    alarm (0);
    current_hang_message = NULL;
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) seeds = g_ptr_array_new ();
  const char *timeout = g_getenv ("INKAN_FUZZ_TIMEOUT");
  struct sigaction action = { 0 };
  int i, status;
  guint k;

  g_test_init (&argc, &argv, NULL);
  if (timeout != NULL && atoi (timeout) > 0)
    timeout_seconds = atoi (timeout);
  action.sa_handler = on_alarm;
  sigemptyset (&action.sa_mask);
  sigaction (SIGALRM, &action, NULL);

  for (i = 1; i < argc; i++)
    {
      if (!g_file_test (argv[i], G_FILE_TEST_EXISTS))
        {
          g_printerr ("%s does not exist: give existing seed files or directories.\n", argv[i]);
          return 1;
        }
      collect (argv[i], paths);
    }
  g_ptr_array_sort (paths, compare_paths);

  for (k = 0; k < paths->len; k++)
    {
      Seed *seed = g_new0 (Seed, 1);
      g_autofree char *test_path = NULL;

      seed->path = g_ptr_array_index (paths, k);
      seed->hang_message = g_strdup_printf ("%s ran for more than %u s: a hang in the "
                                            "verifier. Replay it alone to see where.\n",
                                            seed->path, timeout_seconds);
      /* The test name keeps the seed's place (index) and file name, readable in TAP output. */
      {
        g_autofree char *base = g_path_get_basename (seed->path);

        test_path = g_strdup_printf ("/inkan/fuzz/replay/%04u-%s", k, base);
      }
      g_test_add_data_func (test_path, seed, test_replay);
      g_ptr_array_add (seeds, seed);
    }
  if (paths->len == 0)
    {
      g_printerr ("No seed to replay: give the corpus directory, the crashes directory or "
                  "files.\n");
      return 1;
    }

  status = g_test_run ();
  for (k = 0; k < seeds->len; k++)
    {
      Seed *seed = g_ptr_array_index (seeds, k);

      g_free (seed->hang_message);
      g_free (seed);
    }
  return status;
}
