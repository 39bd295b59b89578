/* inkan-cli as scripts use it: commands, output, exit codes, and the PIN kept out of messages. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posix_openpt, grantpt, unlockpt, ptsname */
#define _GNU_SOURCE
#include "inkan-test-util.h"

#include "inkan-sealing.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *
cli (void)
{
  const char *path = g_getenv ("INKAN_CLI");

  g_assert_nonnull (path);
  return path;
}

/* Runs inkan-cli with the arguments (NULL-terminated) and returns its exit status. */
static int
run_cli (char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;
  int status;

  /* setsid: no controlling terminal, as in CI, so a missing PIN cannot be typed. */
  g_ptr_array_add (argv, (gpointer) "setsid");
  g_ptr_array_add (argv, (gpointer) "-w");
  g_ptr_array_add (argv, (gpointer) cli ());
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char * const *) argv->pdata, out, err);
  if (err != NULL && *err != NULL)
    g_test_message ("stderr: %s", *err);
  return status;
}

static void
test_usage (void)
{
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL, *err3 = NULL, *out4 = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "inkan-cli sign IN.pdf -o OUT.pdf --key PKCS11_URL"));
  g_assert_cmpint (run_cli (NULL, &err, NULL), ==, 64);
  g_assert_cmpint (run_cli (NULL, &err2, "frobnicate", NULL), ==, 64);
  g_assert_nonnull (strstr (err2, "Unknown command"));
  g_assert_cmpint (run_cli (NULL, &err3, "sign", "in.pdf", NULL), ==, 64);
  g_assert_nonnull (strstr (err3, "-o OUT.pdf"));
  g_assert_cmpint (run_cli (&out4, NULL, "--version", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out4, "inkan-cli "));
}

static void
test_token_list (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "token", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Inkan Test\n"));
  g_assert_nonnull (strstr (out, "  url: pkcs11:"));
  g_assert_nonnull (strstr (out, "  login required: yes"));
  g_assert_nonnull (strstr (out, "  serial: "));
  g_assert_nonnull (strstr (out, "  manufacturer: "));
  g_assert_nonnull (pki);
}

static void
test_token_certs (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *out = NULL;
  g_autofree char *key_line = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "token", "certs", "--token", pki->token_url, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "RSA 2048"));
  g_assert_nonnull (strstr (out, "ECDSA P-256"));
  g_assert_nonnull (strstr (out, "  subject: "));
  g_assert_nonnull (strstr (out, "  issuer: "));
  g_assert_nonnull (strstr (out, "  valid: "));
  g_assert_nonnull (strstr (out, "  certificate: pkcs11:"));
  g_assert_nonnull (strstr (out, "  private key: pkcs11:"));
}

/* Without --token: the signing tokens' certificates, not the system's CA store that p11-kit
 * also shows as a token. */
static void
test_token_certs_all (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (&out, NULL, "token", "certs", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Li Wei (Clerk)"));
  g_assert_null (strstr (out, "System%20Trust"));
}

static void
test_sign (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cli-signed.pdf");

  g_assert_cmpint (run_cli (NULL, NULL, "sign", input, "-o", output, "--key", pki->clerk_key_url,
                            "--pin-file", pki->pin_file, "--image", pki->seal_png, "--page", "1",
                            "--rect", "380,60,150,150", "--reason", "Approved", "--location",
                            "Beijing", NULL),
                   ==, 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);
}

static void
assert_pin_absent (const char *text, const char *wrong)
{
  InkanTestPki *pki = inkan_test_pki_get ();

  g_assert_null (strstr (text, pki->pin));
  if (wrong != NULL)
    g_assert_null (strstr (text, wrong));
}

static void
test_sign_pin_errors (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cli-pin.pdf");
  g_autofree char *wrong_file = inkan_test_tmp_path ("wrong-pin");
  g_autofree char *empty_file = inkan_test_tmp_path ("empty-pin");
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL, *err3 = NULL;
  const char *wrong = "97531864";

  g_assert_true (g_file_set_contents (wrong_file, wrong, -1, NULL));
  g_assert_true (g_file_set_contents (empty_file, "", 0, NULL));

  g_assert_cmpint (run_cli (&out, &err, "sign", input, "-o", output, "--key", pki->clerk_key_url,
                            "--pin-file", wrong_file, NULL),
                   ==, 71);
  /* Said as what it is: a refused PIN, not a missing one. */
  g_assert_nonnull (strstr (err, "refused the PIN"));
  assert_pin_absent (err, wrong);
  assert_pin_absent (out, wrong);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run_cli (NULL, &err2, "sign", input, "-o", output, "--key", pki->clerk_key_url,
                            "--pin-file", empty_file, NULL),
                   ==, 71);
  assert_pin_absent (err2, NULL);
  /* No PIN file and no terminal to type it on. */
  g_assert_cmpint (run_cli (NULL, &err3, "sign", input, "-o", output, "--key", pki->clerk_key_url,
                            NULL),
                   ==, 71);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
}

static void
test_sign_exit_codes (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cli-codes.pdf");
  g_autofree char *encrypted = inkan_test_corpus_pdf ("minimal-aes256.pdf");
  g_autofree char *damaged = inkan_test_corpus_pdf ("minimal-badxref.pdf");
  g_autofree char *missing = inkan_test_tmp_path ("missing.pdf");
  g_autofree char *missing_png = inkan_test_tmp_path ("missing.png");
  g_autofree char *no_key = g_strdup_printf ("%s;object=nobody;type=private", pki->token_url);
  struct
  {
    int code;
    const char *args[8];
  } cases[] = {
    { 67, { encrypted, NULL } },
    { 65, { damaged, NULL } },
    { 66, { missing, NULL } },
    { 68, { input, "--page", "7", NULL } },
    { 68, { input, "--image", pki->seal_png, "--rect", "500,700,200,200", NULL } },
    { 64, { input, "--image", pki->seal_png, "--rect", "1,2,3", NULL } },
    { 69, { input, "--image", missing_png, NULL } },
    { 73, { input, "-o", input, NULL } },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) argv = g_ptr_array_new ();
      g_autofree char *err = NULL;
      guint k;
      int status;
      const char *base[] = { "setsid", "-w", cli (), "sign", "-o", output, "--key",
                             pki->clerk_key_url, "--pin-file", pki->pin_file };

      for (k = 0; k < G_N_ELEMENTS (base); k++)
        g_ptr_array_add (argv, (gpointer) base[k]);
      for (k = 0; cases[i].args[k] != NULL; k++)
        g_ptr_array_add (argv, (gpointer) cases[i].args[k]);
      g_ptr_array_add (argv, NULL);
      status = inkan_test_run ((const char * const *) argv->pdata, NULL, &err);
      g_test_message ("case %u: exit %d: %s", i, status, err);
      g_assert_cmpint (status, ==, cases[i].code);
      g_assert_true (g_str_has_prefix (err, "inkan-cli: "));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }

  {
    g_autofree char *err = NULL, *err2 = NULL;
    g_assert_cmpint (run_cli (NULL, &err, "sign", input, "-o", output, "--key", no_key,
                              "--pin-file", pki->pin_file, NULL),
                     ==, 70);
    g_assert_cmpint (run_cli (NULL, &err2, "sign", input, "-o", output, "--key",
                              pki->expired_key_url, "--pin-file", pki->pin_file, NULL),
                     ==, 72);
    g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  }
}

/* In the child: a session of its own whose controlling terminal is the pseudo-terminal
 * `data` names, as when someone runs inkan-cli in a terminal window. */
static void
attach_terminal (gpointer data)
{
  int fd;

  setsid ();
  fd = open (data, O_RDWR);
  if (fd >= 0)
    ioctl (fd, TIOCSCTTY, 0);
}

/* Reads what the terminal shows until `wanted` appears in `*shown` (NULL: until the other
 * side closes), for 60 s at most. */
static void
terminal_read (int master, GString *shown, const char *wanted)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (wanted == NULL || strstr (shown->str, wanted) == NULL)
    {
      struct pollfd p = { master, POLLIN, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char buf[256];
      ssize_t n;

      g_assert_cmpint (left, >, 0);
      if (poll (&p, 1, (int) left) <= 0)
        continue;
      n = read (master, buf, sizeof buf);
      if (n <= 0)
        {
          /* EIO: the last process holding the terminal has gone. */
          g_assert_null (wanted);
          return;
        }
      g_string_append_len (shown, buf, n);
    }
}

/* Starts `argv` in a session of its own on a new pseudo-terminal; returns the terminal's
 * side the test reads and types on. */
static int
spawn_on_terminal (const char *const *argv, GPid *pid)
{
  g_autoptr (GError) error = NULL;
  int master;
  char *slave;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = ptsname (master);
  g_assert_nonnull (slave);
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                attach_terminal, slave, pid, &error));
  g_assert_no_error (error);
  return master;
}

/* Whether the terminal echoes what is typed. */
static gboolean
terminal_echoes (int master)
{
  struct termios mode;

  g_assert_cmpint (tcgetattr (master, &mode), ==, 0);
  return (mode.c_lflag & ECHO) != 0;
}

/* Waits for the PIN prompt, then until echo is off (typed earlier, a PIN would be discarded
 * by the switch), 60 s at most. */
static void
wait_pin_prompt (int master, GString *shown)
{
  gint64 deadline;

  terminal_read (master, shown, "PIN for token “Inkan Test”: ");
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (terminal_echoes (master))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* Without --pin-file the PIN is typed at the terminal: asked for by the token's name, with
 * echo off while it is typed (the terminal never shows it), and it seals. */
static void
test_sign_pin_typed (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("typed-pin.pdf");
  g_autofree char *typed = g_strdup_printf ("%s\n", pki->pin);
  g_autoptr (GString) shown = g_string_new (NULL);
  const char *argv[] = { cli (), "sign", input, "-o", output, "--key", pki->clerk_key_url, NULL };
  GPid pid;
  int master, status = 0;

  master = spawn_on_terminal (argv, &pid);
  wait_pin_prompt (master, shown);
  g_assert_cmpint (write (master, typed, strlen (typed)), ==, (gssize) strlen (typed));
  terminal_read (master, shown, NULL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (master);

  g_test_message ("the terminal showed: %s", shown->str);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_null (strstr (shown->str, pki->pin));
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
}

/* Waits (60 s at most) until process `pid` holds a file in `dir` open. */
static void
wait_file_open_in (GPid pid, const char *dir)
{
  g_autofree char *fds = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autofree char *prefix = g_strconcat (dir, "/", NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (GDir) listing = g_dir_open (fds, 0, NULL);
      const char *name;

      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *link = g_build_filename (fds, name, NULL);
          g_autofree char *target = g_file_read_link (link, NULL);

          if (target != NULL && g_str_has_prefix (target, prefix))
            {
              g_test_message ("pid %d writes %s", (int) pid, target);
              return;
            }
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* A new directory in which files can be made without a name (O_TMPFILE), as Inkan writes its
 * sealed copies: under the test's own directory, or in /dev/shm (tmpfs) where the test's file
 * system cannot (overlayfs before Linux 6.6, for one). */
static char *
unnamed_files_dir (const char *name)
{
  g_autofree char *dir = inkan_test_tmp_path (name);
  int fd;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_test_message ("%s cannot hold unnamed files (%s): /dev/shm instead", dir,
                      g_strerror (errno));
      g_rmdir (dir);
      g_free (dir);
      dir = g_mkdtemp (g_strdup ("/dev/shm/inkan-test-XXXXXX"));
      g_assert_nonnull (dir);
      fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    }
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  return g_steal_pointer (&dir);
}

/* Stopped while it waits for the PIN, with the copy of a 20 MB document under way or done:
 * by Ctrl-C (SIGINT), a kill (SIGTERM), the terminal closing (SIGHUP) or kill -9, inkan-cli
 * leaves nothing in the destination's directory (on a file system that can make unnamed
 * files), and but for kill -9 gives the terminal its echo back. The test keeps the terminal
 * open itself, so its settings outlive the process. */
static void
test_sign_interrupted (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:200");
  const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGKILL };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autofree char *name = g_strdup_printf ("interrupted-%d", signals[i]);
      g_autofree char *dir = unnamed_files_dir (name);
      g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
      g_autoptr (GString) shown = g_string_new (NULL);
      const char *argv[] = { cli (), "sign", input, "-o", output, "--key", pki->clerk_key_url,
                             NULL };
      GPid pid;
      int master, slave, status = 0;

      master = spawn_on_terminal (argv, &pid);
      slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
      g_assert_cmpint (slave, >=, 0);
      wait_pin_prompt (master, shown);
      wait_file_open_in (pid, dir);
      g_assert_cmpint (kill (pid, signals[i]), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);

      g_test_message ("signal %d: wait status %d", signals[i], status);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, signals[i]);
      if (signals[i] != SIGKILL)
        g_assert_true (terminal_echoes (master));
      inkan_test_assert_dir_holds (dir, NULL);
      g_assert_cmpint (g_rmdir (dir), ==, 0);
      close (slave);
      close (master);
    }
}

/* In the child, before inkan-cli starts: files cannot grow past 4 MiB, and going past is an
 * error (EFBIG) for the write rather than a signal that kills the process. */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit;

  signal (SIGXFSZ, SIG_IGN);
  if (getrlimit (RLIMIT_FSIZE, &limit) == 0)
    {
      limit.rlim_cur = 4 * 1024 * 1024;
      setrlimit (RLIMIT_FSIZE, &limit);
    }
}

/* The disk fills up while the sealed copy is written: the kernel's file size limit stops the
 * writes at 4 MiB, part-way through copying a 20 MB document, as a full disk would. The seal
 * is refused with the write's exit code and the reason, nothing is left in the output's
 * directory (not even the temporary file), and the input is unchanged. */
static void
test_sign_write_refused (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:200");
  g_autofree char *dir = inkan_test_tmp_path ("write-refused");
  g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
  g_autofree char *before = NULL, *after = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "setsid", "-w", cli (), "sign", input, "-o", output,
                         "--key", pki->clerk_key_url, "--pin-file", pki->pin_file, NULL };
  struct stat st;
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_stat (input, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 4 * 1024 * 1024);
  before = inkan_file_sha256 (input, &error);
  g_assert_no_error (error);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                limit_file_size, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 73);
  g_assert_true (g_str_has_prefix (err, "inkan-cli: "));
  g_assert_nonnull (strstr (err, "sealed.pdf"));
  g_assert_nonnull (strstr (err, g_strerror (EFBIG)));

  inkan_test_assert_dir_holds (dir, NULL);
  after = inkan_file_sha256 (input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, before);
}

/* Where copy_file_range is refused (EPERM from a seccomp filter or a CIFS mount; here a
 * preloaded stand-in that counts its calls), the original is copied through a buffer and the
 * seal is as good: the input a prefix of the output, pdfsig, qpdf and openssl satisfied. */
static void
test_sign_kernel_copy_refused (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:200");
  g_autofree char *dir = inkan_test_tmp_path ("copy-refused");
  g_autofree char *output = g_build_filename (dir, "sealed.pdf", NULL);
  g_autofree char *calls = inkan_test_tmp_path ("copy-range-calls");
  g_autofree char *in_data = NULL, *out_data = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = g_get_environ ();
  const char *argv[] = { "setsid", "-w", cli (), "sign", input, "-o", output,
                         "--key", pki->clerk_key_url, "--pin-file", pki->pin_file, NULL };
  gsize in_len = 0, out_len = 0;
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  env = g_environ_setenv (env, "LD_PRELOAD", g_getenv ("INKAN_TEST_PRELOAD_COPY_RANGE"), TRUE);
  env = g_environ_setenv (env, "INKAN_TEST_COPY_RANGE_CALLS", calls, TRUE);
  /* In the sanitizer build the preloaded module comes before the sanitizer's runtime. */
  env = inkan_test_environ_add_asan_option (env, "verify_asan_link_order=0");
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_test (calls, G_FILE_TEST_EXISTS));

  inkan_test_assert_dir_holds (dir, "sealed.pdf");
  g_assert_true (g_file_get_contents (input, &in_data, &in_len, NULL));
  g_assert_true (g_file_get_contents (output, &out_data, &out_len, NULL));
  g_assert_cmpuint (out_len, >, in_len);
  g_assert_true (memcmp (in_data, out_data, in_len) == 0);
  g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
  inkan_test_judge_qpdf (output);
  inkan_test_judge_openssl (output, 0);
}

/* The CLI opens the token while it reads the document: a refused PIN, a missing key or an
 * unusable certificate still has its exit code and leaves nothing behind, even when the
 * document is large enough to be half copied by then, and it is reported before what is wrong
 * with the document. */
static void
test_sign_lazy_signer (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *big = inkan_test_make_pdf ("pages:200");
  g_autofree char *damaged = inkan_test_corpus_pdf ("minimal-badxref.pdf");
  g_autofree char *output = inkan_test_tmp_path ("lazy/out.pdf");
  g_autofree char *dir = g_path_get_dirname (output);
  g_autofree char *wrong_file = inkan_test_tmp_path ("lazy-wrong-pin");
  g_autofree char *no_key = g_strdup_printf ("%s;object=nobody;type=private", pki->token_url);
  struct
  {
    int code;
    const char *input;
    const char *key;
    const char *pin_file;
  } cases[] = {
    { 71, big, pki->clerk_key_url, wrong_file },
    { 71, damaged, pki->clerk_key_url, wrong_file },
    { 70, big, no_key, pki->pin_file },
    { 70, damaged, no_key, pki->pin_file },
    { 72, big, pki->expired_key_url, pki->pin_file },
    { 72, damaged, pki->expired_key_url, pki->pin_file },
    { 65, damaged, pki->clerk_key_url, pki->pin_file },
    { 0, big, pki->clerk_key_url, pki->pin_file },
  };
  guint i;

  g_assert_true (g_file_set_contents (wrong_file, "97531864", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status;

      status = run_cli (NULL, &err, "sign", cases[i].input, "-o", output, "--key", cases[i].key,
                        "--pin-file", cases[i].pin_file, NULL);
      g_test_message ("case %u: exit %d: %s", i, status, err);
      g_assert_cmpint (status, ==, cases[i].code);
      if (cases[i].code != 0)
        {
          g_assert_true (g_str_has_prefix (err, "inkan-cli: "));
          /* No output and no temporary file beside it. */
          inkan_test_assert_dir_holds (dir, NULL);
        }
      else
        {
          inkan_test_assert_dir_holds (dir, "out.pdf");
          g_assert_cmpuint (inkan_test_judge_pdfsig (output), ==, 1);
          inkan_test_judge_qpdf (output);
        }
    }
}

/* Sealing and verifying need neither libsoup nor cairo: with no modules at all they still work,
 * and what needs a module says that a part of Inkan is missing, with its own exit code. */
static void
test_modules_missing (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cli-no-modules.pdf");
  g_autofree char *marked = inkan_test_tmp_path ("cli-no-modules-qr.pdf");
  g_autofree char *png = inkan_test_tmp_path ("cli-no-modules.png");
  g_autofree char *empty = inkan_test_tmp_path ("no-modules");
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL;

  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  g_setenv ("INKAN_MODULEDIR", empty, TRUE);
  g_assert_cmpint (run_cli (NULL, NULL, "sign", input, "-o", output, "--key", pki->clerk_key_url,
                            "--pin-file", pki->pin_file, "--image", pki->seal_png, "--page", "1",
                            "--rect", "380,60,150,150", NULL),
                   ==, 0);
  g_assert_cmpint (run_cli (&out, NULL, "verify", output, "--trust", pki->root_pem, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "VALID"));

  g_assert_cmpint (run_cli (NULL, &err, "sign", input, "-o", marked, "--key", pki->clerk_key_url,
                            "--pin-file", pki->pin_file, "--image", pki->seal_png, "--page", "1",
                            "--rect", "380,60,150,150", "--qr", NULL),
                   ==, 99);
  g_assert_nonnull (strstr (err, "A part of Inkan is missing"));
  g_assert_nonnull (strstr (err, "inkan-draw.so"));
  g_assert_false (g_file_test (marked, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run_cli (NULL, &err2, "seal", "draw", "--kind", "round", "--name", "Inkan",
                            "-o", png, NULL),
                   ==, 99);
  g_assert_nonnull (strstr (err2, "reinstall Inkan"));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_unsetenv ("INKAN_MODULEDIR");

  /* The build tree's modules are found without the variable. */
  g_assert_cmpint (run_cli (NULL, NULL, "seal", "draw", "--kind", "round", "--name", "Inkan", "-o",
                            png, NULL),
                   ==, 0);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/cli/usage", test_usage);
  g_test_add_func ("/inkan/cli/token/list", test_token_list);
  g_test_add_func ("/inkan/cli/token/certs", test_token_certs);
  g_test_add_func ("/inkan/cli/token/certs-all", test_token_certs_all);
  g_test_add_func ("/inkan/cli/sign/ok", test_sign);
  g_test_add_func ("/inkan/cli/sign/pin-errors", test_sign_pin_errors);
  g_test_add_func ("/inkan/cli/sign/exit-codes", test_sign_exit_codes);
  g_test_add_func ("/inkan/cli/sign/lazy-signer", test_sign_lazy_signer);
  g_test_add_func ("/inkan/cli/sign/write-refused", test_sign_write_refused);
  g_test_add_func ("/inkan/cli/sign/kernel-copy-refused", test_sign_kernel_copy_refused);
  g_test_add_func ("/inkan/cli/sign/pin-typed", test_sign_pin_typed);
  g_test_add_func ("/inkan/cli/sign/interrupted", test_sign_interrupted);
  g_test_add_func ("/inkan/cli/modules/missing", test_modules_missing);

  return g_test_run ();
}
