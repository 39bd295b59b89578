/* Shared test fixtures: corpus paths, a per-process temporary directory, sample PDFs, judges. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* ---- paths ---- */

char *
inkan_test_corpus (const char *relative)
{
  const char *root = g_getenv ("INKAN_CORPUS_DIR");
  char *path;

  g_assert_nonnull (relative);
  if (root == NULL)
    g_test_message ("INKAN_CORPUS_DIR is not set: run the tests with meson test.");
  g_assert_nonnull (root);
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_test_message ("The corpus file %s is missing: is ../shared/corpus beside the checkout?",
                    path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  return path;
}

static char *tmp_dir;

static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      if (dir != NULL)
        {
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);
              remove_tree (child);
            }
          g_dir_close (dir);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
remove_tmp_dir (void)
{
  /* INKAN_TEST_KEEP=1 leaves the files for a post-mortem of a failed run. */
  if (tmp_dir == NULL)
    return;
  if (g_strcmp0 (g_getenv ("INKAN_TEST_KEEP"), "1") == 0)
    g_printerr ("# kept the test files in %s\n", tmp_dir);
  else
    remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

static struct sigaction previous_abort_action;

/* A failed g_assert_* aborts, and atexit handlers do not run on abort: without this, every
 * failing test would leave its directory (samples of up to 100 MB) in /tmp. The assertion has
 * already run to completion, so the heap is in a usable state here. */
static void
remove_tmp_dir_on_abort (int signum)
{
  remove_tmp_dir ();
  sigaction (SIGABRT, &previous_abort_action, NULL);
  raise (signum);
}

static const char *
get_tmp_dir (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_autoptr (GError) error = NULL;
      struct sigaction action = { 0 };

      tmp_dir = g_dir_make_tmp ("inkan-test-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmp_dir);
      action.sa_handler = remove_tmp_dir_on_abort;
      sigemptyset (&action.sa_mask);
      sigaction (SIGABRT, &action, &previous_abort_action);
      g_once_init_leave (&once, 1);
    }
  return tmp_dir;
}

char *
inkan_test_tmp_path (const char *name)
{
  g_assert_nonnull (name);
  return g_build_filename (get_tmp_dir (), name, NULL);
}

void
inkan_test_assert_dir_holds (const char *dir, const char *only)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = g_dir_open (dir, 0, &error);

  g_assert_no_error (error);
  if (only != NULL)
    g_assert_cmpstr (g_dir_read_name (listing), ==, only);
  g_assert_null (g_dir_read_name (listing));
}

/* A file name no earlier call in this process has used, for judges' scratch files. */
static char *
unique_tmp_path (const char *stem, const char *suffix)
{
  static gint counter = 0;
  g_autofree char *name = g_strdup_printf ("%s-%d%s", stem, g_atomic_int_add (&counter, 1),
                                           suffix);

  return inkan_test_tmp_path (name);
}

static const char *
find_bytes (const char *haystack, gsize len, const char *needle)
{
  gsize n = strlen (needle);
  const char *end = haystack + len, *p = haystack;

  while (p != NULL && (gsize) (end - p) >= n)
    {
      p = memchr (p, needle[0], end - p - n + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, n) == 0)
        return p;
      p++;
    }
  return NULL;
}

/* ---- processes ---- */

int
inkan_test_run (const char *const *argv, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *joined = NULL;
  /* A child's stdout must never reach ours: it is the TAP stream meson parses. */
  GSpawnFlags flags = G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0);
  int status = 0;

  g_assert_nonnull (argv);
  g_assert_nonnull (argv[0]);
  if (out != NULL)
    *out = NULL;
  if (err != NULL)
    *err = NULL;

  joined = g_strjoinv (" ", (char **) argv);
  g_test_message ("running: %s", joined);
  g_spawn_sync (NULL, (char **) argv, NULL, flags, NULL, NULL, out, err, &status, &error);
  if (error != NULL)
    g_test_message ("could not start %s: %s", argv[0], error->message);
  g_assert_no_error (error);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

/* ---- sample documents ---- */

char *
inkan_test_make_pdf (const char *kind)
{
  static GMutex lock;
  static GHashTable *made;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *mkassets = g_getenv ("INKAN_MKASSETS");
  const char *cached;
  int status;

  g_assert_nonnull (kind);
  if (made == NULL)
    made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  cached = g_hash_table_lookup (made, kind);
  if (cached != NULL)
    return g_strdup (cached);

  if (mkassets == NULL)
    g_test_message ("INKAN_MKASSETS is not set: run the tests with meson test.");
  g_assert_nonnull (mkassets);

  name = g_strdup_printf ("sample-%s.pdf", kind);
  g_strdelimit (name, ":/", '-');
  path = inkan_test_tmp_path (name);

  g_ptr_array_add (argv, g_strdup (mkassets));
  g_ptr_array_add (argv, g_strdup ("pdf"));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, g_strdup ("--kind"));
  if (g_str_has_prefix (kind, "pages:"))
    {
      guint64 pages = 0;

      if (!g_ascii_string_to_unsigned (kind + 6, 10, 1, 1000000, &pages, NULL))
        g_test_message ("inkan_test_make_pdf: \"%s\" is not pages:N with N from 1", kind);
      g_assert_cmpuint (pages, >=, 1);
      g_ptr_array_add (argv, g_strdup ("many-pages"));
      g_ptr_array_add (argv, g_strdup ("--pages"));
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GUINT64_FORMAT, pages));
      g_ptr_array_add (argv, g_strdup ("--images"));
    }
  else
    {
      if (!g_str_equal (kind, "one-page") && !g_str_equal (kind, "many-pages")
          && !g_str_equal (kind, "form"))
        g_test_message ("inkan_test_make_pdf: unknown kind \"%s\"", kind);
      g_assert_true (g_str_equal (kind, "one-page") || g_str_equal (kind, "many-pages")
                     || g_str_equal (kind, "form"));
      g_ptr_array_add (argv, g_strdup (kind));
    }
  g_ptr_array_add (argv, NULL);

  status = inkan_test_run ((const char *const *) argv->pdata, &out, &err);
  if (status != 0)
    g_test_message ("inkan-mkassets failed (%d): %s", status, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_hash_table_insert (made, g_strdup (kind), g_strdup (path));
  return g_steal_pointer (&path);
}

/* ---- judges ---- */

static void
show_output (const char *judge, const char *out, const char *err)
{
  g_test_message ("%s said:\n%s%s%s", judge, out != NULL ? out : "",
                  err != NULL && *err != '\0' ? "\n--- stderr ---\n" : "",
                  err != NULL ? err : "");
}

guint
inkan_test_judge_pdfsig (const char *pdf)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *argv[] = { "pdfsig", "-nssdir", pki->nssdb, pdf, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) blocks = NULL;
  guint count = 0, whole = 0, i;
  int status;

  g_assert_nonnull (pdf);
  status = inkan_test_run (argv, &out, &err);
  show_output ("pdfsig", out, err);
  g_assert_cmpint (status, ==, 0);

  /* The report is a header, then one "Signature #N:" block per signature field; empty fields
   * say so and are not signatures. Exactly one signature, the latest, covers the whole file. */
  blocks = g_strsplit (out, "\nSignature #", -1);
  for (i = 1; blocks[i] != NULL; i++)
    {
      const char *block = blocks[i];

      if (strstr (block, "The signature form field is not signed.") != NULL)
        continue;
      count++;
      if (strstr (block, "- Signature Validation: Signature is Valid.") == NULL)
        g_test_message ("pdfsig: signature #%u is not valid", count);
      g_assert_nonnull (strstr (block, "- Signature Validation: Signature is Valid."));
      if (strstr (block, "- Certificate Validation: Certificate is Trusted.") == NULL)
        g_test_message ("pdfsig: the certificate of signature #%u is not trusted", count);
      g_assert_nonnull (strstr (block, "- Certificate Validation: Certificate is Trusted."));
      if (strstr (block, "- Total document signed") != NULL)
        whole++;
    }
  if (whole != 1)
    g_test_message ("pdfsig: %u signatures cover the whole file, expected exactly one", whole);
  g_assert_cmpuint (whole, ==, 1);
  if (count == 0)
    g_test_message ("pdfsig found no signature in %s", pdf);
  g_assert_cmpuint (count, >, 0);
  return count;
}

void
inkan_test_judge_qpdf (const char *pdf)
{
  const char *argv[] = { "qpdf", "--check", pdf, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *all = NULL;
  g_autofree char *folded = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GString) rest = g_string_new (NULL);
  guint i;
  int status;

  g_assert_nonnull (pdf);
  status = inkan_test_run (argv, &out, &err);
  show_output ("qpdf --check", out, err);
  g_assert_cmpint (status, ==, 0);

  /* qpdf's all-clear sentence itself says "errors": drop it before looking for complaints. */
  all = g_strconcat (out, "\n", err, NULL);
  lines = g_strsplit (all, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "No syntax or stream encoding errors found")
          || g_str_equal (lines[i], "errors that qpdf cannot detect"))
        continue;
      g_string_append (rest, lines[i]);
      g_string_append_c (rest, '\n');
    }
  folded = g_ascii_strdown (rest->str, -1);
  g_assert_null (strstr (folded, "warning"));
  g_assert_null (strstr (folded, "error"));
  g_assert_nonnull (strstr (out, "No syntax or stream encoding errors found"));
}

/* Length of the BER element at data[0..len): definite lengths as DER has them, and the
 * indefinite lengths NSS writes (children up to an end-of-contents 00 00). 0 when malformed. */
static gsize
ber_element_length (const guint8 *data, gsize len, guint depth)
{
  gsize pos = 1, content;
  guint8 first;

  if (len < 2 || depth > 64)
    return 0;
  if ((data[0] & 0x1f) == 0x1f)
    {
      while (pos < len && (data[pos] & 0x80) != 0)
        pos++;
      pos++;
    }
  if (pos >= len)
    return 0;
  first = data[pos++];
  if (first == 0x80)
    {
      /* indefinite: only constructed elements may use it */
      if ((data[0] & 0x20) == 0)
        return 0;
      while (pos + 2 <= len)
        {
          gsize child;

          if (data[pos] == 0 && data[pos + 1] == 0)
            return pos + 2;
          child = ber_element_length (data + pos, len - pos, depth + 1);
          if (child == 0)
            return 0;
          pos += child;
        }
      return 0;
    }
  if (first < 0x80)
    content = first;
  else
    {
      guint n = first & 0x7f, k;

      if (n > sizeof (gsize) - 1 || pos + n > len)
        return 0;
      content = 0;
      for (k = 0; k < n; k++)
        content = (content << 8) | data[pos++];
    }
  if (content > len - pos)
    return 0;
  return pos + content;
}

static gboolean
parse_byte_range (const char *p, const char *end, guint64 range[4])
{
  guint i;

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || *p != '[')
    return FALSE;
  p++;
  for (i = 0; i < 4; i++)
    {
      guint64 value = 0;
      gboolean digits = FALSE;

      while (p < end && g_ascii_isspace (*p))
        p++;
      while (p < end && g_ascii_isdigit (*p))
        {
          if (value > G_MAXUINT64 / 10 - 1)
            return FALSE;
          value = value * 10 + (*p - '0');
          digits = TRUE;
          p++;
        }
      if (!digits)
        return FALSE;
      range[i] = value;
    }
  while (p < end && g_ascii_isspace (*p))
    p++;
  return p < end && *p == ']';
}

static void
write_or_die (const char *path, const guint8 *data, gsize len, const guint8 *data2, gsize len2)
{
  FILE *f = g_fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  if (len2 > 0)
    g_assert_cmpuint (fwrite (data2, 1, len2, f), ==, len2);
  g_assert_cmpint (fclose (f), ==, 0);
}

void
inkan_test_judge_openssl (const char *pdf, guint index)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autofree guint8 *der = NULL;
  g_autofree char *der_path = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *bytes, *end, *p;
  guint64 range[4] = { 0 };
  gsize size, hex_len, der_len = 0, element, i;
  guint seen = 0;
  gboolean found = FALSE;
  int status;

  g_assert_nonnull (pdf);
  mapped = g_mapped_file_new (pdf, FALSE, &error);
  g_assert_no_error (error);
  bytes = g_mapped_file_get_contents (mapped);
  size = g_mapped_file_get_length (mapped);
  end = bytes + size;

  /* The signer writes each signature dictionary once, so the n-th /ByteRange in the file is the
   * n-th signature. Good enough for a judge of our own output; not for a verifier. */
  for (p = bytes; p != NULL && p < end;)
    {
      p = find_bytes (p, end - p, "/ByteRange");
      if (p == NULL)
        break;
      p += 10;
      if (!parse_byte_range (p, end, range))
        continue;
      if (seen++ == index)
        {
          found = TRUE;
          break;
        }
    }
  if (!found)
    g_test_message ("%s has %u /ByteRange arrays; signature %u was asked for", pdf, seen, index);
  g_assert_true (found);
  g_test_message ("signature %u: /ByteRange [%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                  " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "]",
                  index, range[0], range[1], range[2], range[3]);

  /* The gap between the ranges is, by definition, the /Contents hex string. */
  g_assert_cmpuint (range[0], ==, 0);
  g_assert_cmpuint (range[1] + 2, <=, range[2]);
  g_assert_cmpuint (range[2], <=, size);
  g_assert_cmpuint (range[3], <=, size - range[2]);
  g_assert_cmpint (bytes[range[1]], ==, '<');
  g_assert_cmpint (bytes[range[2] - 1], ==, '>');

  hex_len = range[2] - range[1] - 2;
  g_assert_cmpuint (hex_len % 2, ==, 0);
  der = g_malloc (hex_len / 2 + 1);
  for (i = 0; i < hex_len; i += 2)
    {
      int hi = g_ascii_xdigit_value (bytes[range[1] + 1 + i]);
      int lo = g_ascii_xdigit_value (bytes[range[1] + 1 + i + 1]);

      if (hi < 0 || lo < 0)
        g_test_message ("/Contents has a non-hex character at offset %" G_GSIZE_FORMAT,
                        (gsize) range[1] + 1 + i);
      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      der[der_len++] = (hi << 4) | lo;
    }
  /* Strip the zero padding after the CMS blob: its own length says where it ends. */
  element = ber_element_length (der, der_len, 0);
  if (element == 0)
    g_test_message ("/Contents of signature %u does not start with a well-formed BER element",
                    index);
  g_assert_cmpuint (element, >, 0);

  der_path = unique_tmp_path ("judge-openssl", ".der");
  data_path = unique_tmp_path ("judge-openssl", ".bin");
  write_or_die (der_path, der, element, NULL, 0);
  write_or_die (data_path, (const guint8 *) bytes, range[1], (const guint8 *) bytes + range[2],
                range[3]);

  {
    const char *argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                           "-in", der_path, "-content", data_path, "-CAfile", pki->root_pem,
                           "-purpose", "any", "-out", "/dev/null", NULL };

    status = inkan_test_run (argv, &out, &err);
  }
  show_output ("openssl cms -verify", out, err);
  g_assert_cmpint (status, ==, 0);

  g_unlink (der_path);
  g_unlink (data_path);
}

/* ---- rendering ---- */

/* Reads one whitespace-separated header number of a PPM, skipping # comments. */
static gboolean
ppm_number (const guint8 *data, gsize len, gsize *pos, guint *value)
{
  guint64 v = 0;
  gboolean digits = FALSE;

  while (*pos < len)
    {
      if (data[*pos] == '#')
        {
          while (*pos < len && data[*pos] != '\n')
            (*pos)++;
        }
      else if (g_ascii_isspace (data[*pos]))
        (*pos)++;
      else
        break;
    }
  while (*pos < len && g_ascii_isdigit (data[*pos]))
    {
      v = v * 10 + (data[*pos] - '0');
      if (v > G_MAXUINT32)
        return FALSE;
      digits = TRUE;
      (*pos)++;
    }
  *value = v;
  return digits;
}

guint8 *
inkan_test_render_page (const char *pdf, guint page, guint dpi, guint *width, guint *height)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = unique_tmp_path ("render", "");
  g_autofree char *ppm = g_strconcat (root, ".ppm", NULL);
  g_autofree char *page_text = g_strdup_printf ("%u", page);
  g_autofree char *dpi_text = g_strdup_printf ("%u", dpi);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree guint8 *data = NULL;
  const char *argv[] = { "pdftoppm", "-r", dpi_text, "-f", page_text, "-l", page_text,
                         "-cropbox", "-singlefile", pdf, root, NULL };
  gsize len = 0, pos = 2;
  guint w = 0, h = 0, maxval = 0;
  int status;

  g_assert_nonnull (pdf);
  g_assert_cmpuint (page, >=, 1);
  g_assert_cmpuint (dpi, >=, 1);
  status = inkan_test_run (argv, &out, &err);
  if (status != 0)
    show_output ("pdftoppm", out, err);
  g_assert_cmpint (status, ==, 0);

  g_file_get_contents (ppm, (char **) &data, &len, &error);
  g_assert_no_error (error);
  g_unlink (ppm);

  g_assert_cmpuint (len, >=, 2);
  g_assert_true (data[0] == 'P' && data[1] == '6');
  g_assert_true (ppm_number (data, len, &pos, &w));
  g_assert_true (ppm_number (data, len, &pos, &h));
  g_assert_true (ppm_number (data, len, &pos, &maxval));
  g_assert_cmpuint (maxval, ==, 255);
  g_assert_cmpuint (w, >, 0);
  g_assert_cmpuint (h, >, 0);
  /* exactly one whitespace byte separates the header from the samples */
  pos++;
  g_assert_cmpuint (len - pos, ==, (gsize) w * h * 3);

  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
  return g_memdup2 (data + pos, (gsize) w * h * 3);
}

char *
inkan_test_corpus_pdf (const char *name)
{
  g_autofree char *relative = g_build_filename ("pyhanko", "pdf", name, NULL);

  return inkan_test_corpus (relative);
}

static gboolean
is_seal_red (const guint8 *p)
{
  return p[0] > 150 && p[1] < 110 && p[2] < 110;
}

void
inkan_test_count_red_at_right_edge (const char *pdf, guint page, guint strip, guint *in_strip,
                                    guint *elsewhere)
{
  g_autofree guint8 *rgb = NULL;
  guint width, height, x, y;

  rgb = inkan_test_render_page (pdf, page, 144, &width, &height);
  *in_strip = *elsewhere = 0;
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      if (is_seal_red (rgb + 3 * ((gsize) y * width + x)))
        {
          if (x + strip >= width)
            (*in_strip)++;
          else
            (*elsewhere)++;
        }
}

char *
inkan_test_pin (const char *label, InkanPinFlags flags, gpointer pki)
{
  return (flags & INKAN_PIN_FLAG_RETRY) ? NULL : g_strdup (((InkanTestPki *) pki)->pin);
}

InkanSigner *
inkan_test_open_signer (const char *key_url, const char *cert)
{
  g_autoptr (GError) error = NULL;
  InkanSigner *signer =
    inkan_signer_open (key_url, cert, inkan_test_pin, inkan_test_pki_get (), &error);

  g_assert_no_error (error);
  g_assert_nonnull (signer);
  return signer;
}

guint16
inkan_test_free_port (void)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

char *
inkan_test_root_key (void)
{
  g_autofree char *dir = g_path_get_dirname (inkan_test_pki_get ()->root_pem);

  return g_build_filename (dir, "root-key.pem", NULL);
}

/* The responders' stderr pipes, open for as long as the test runs so that they never block. */
static GPtrArray *ocsp_channels;

/* The responder dies with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GPid
inkan_test_ocsp_start (guint16 port, const char *index, const char *ca, const char *key)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr (GError) error = NULL;
  GIOChannel *channel;
  const char *argv[] = { "openssl", "ocsp", "-index", index, "-port", port_text, "-rsigner", ca,
                         "-rkey", key, "-CA", ca, "-nmin", "60", NULL };
  GPid pid = 0;
  int err_fd = -1;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                               | G_SPAWN_STDOUT_TO_DEV_NULL,
                                           die_with_parent, NULL, &pid, NULL, NULL, &err_fd,
                                           &error));
  g_assert_no_error (error);
  /* Ready once it says so (a probing connection would make it spin). */
  channel = g_io_channel_unix_new (err_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  for (;;)
    {
      g_autofree char *line = NULL;
      GIOStatus status = g_io_channel_read_line (channel, &line, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (status, ==, G_IO_STATUS_NORMAL);
      g_test_message ("openssl ocsp: %s", g_strchomp (line));
      if (strstr (line, "waiting for OCSP client connections") != NULL)
        break;
    }
  if (ocsp_channels == NULL)
    ocsp_channels = g_ptr_array_new ();
  g_ptr_array_add (ocsp_channels, channel);
  return pid;
}

void
inkan_test_ocsp_stop (GPid pid)
{
  int status = 0;

  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
}

char **
inkan_test_environ_add_asan_option (char **env, const char *option)
{
  const char *now = g_environ_getenv (env, "ASAN_OPTIONS");
  g_autofree char *options = g_strconcat (now != NULL ? now : "", ":", option, NULL);

  return g_environ_setenv (env, "ASAN_OPTIONS", options, TRUE);
}

static struct rlimit file_size_saved;
static void (*file_size_handler) (int);

void
inkan_test_limit_file_size (guint64 limit)
{
  struct rlimit limited;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &file_size_saved), ==, 0);
  limited = file_size_saved;
  limited.rlim_cur = (rlim_t) limit;
  file_size_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
}

void
inkan_test_lift_file_size_limit (void)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &file_size_saved), ==, 0);
  signal (SIGXFSZ, file_size_handler);
}
