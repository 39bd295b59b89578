/* 10,000 mutants of signed files through the verifier: no crash, no hang, no pass for a forgery. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"
#include "inkan-verify.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The default seed of the generator; INKAN_MUTATION_SEED overrides it to explore further. */
#define DEFAULT_SEED 20251125u
/* Mutants in all, shared out over the seeds by their weights. INKAN_MUTATIONS overrides. */
#define DEFAULT_MUTATIONS 10000
/* A mutant that runs longer than this (seconds) is a hang. INKAN_MUTATION_TIMEOUT overrides. */
#define DEFAULT_TIMEOUT 30

typedef enum
{
  MUTATE_FLIP,
  MUTATE_TRUNCATE,
  MUTATE_INSERT,
  MUTATE_DELETE,
  MUTATE_DUPLICATE_TAIL,
  MUTATE_BYTERANGE,
  MUTATE_CONTENTS,
  N_MUTATIONS,
} Mutation;

static const char *const mutation_names[] = {
  "byte flips",
  "truncation",
  "inserted range",
  "deleted range",
  "duplicated %%EOF tail",
  "/ByteRange number",
  "/Contents digit",
};

/* A /ByteRange array of the seed: its four numbers, and where each is written. */
typedef struct
{
  gint64 value[4];
  gsize start[4], end[4];
  gboolean sane; /* four non-negative numbers whose ranges lie inside the file */
} ByteRange;

/* A /Contents hex string of the seed: the digits between < and >. */
typedef struct
{
  gsize start, end;
} HexString;

typedef struct
{
  const char *name;
  char *path;          /* NULL until the test makes or finds it */
  guint weight;        /* share of the mutants */
  gboolean inkan_root; /* anchored at the demo root, else at pyHanko's test root */
} Seed;

static Seed seeds[] = {
  { "inkan-signed", NULL, 25, TRUE },
  { "inkan-signed-twice", NULL, 25, TRUE },
  { "coverage-anomalies/base.pdf", NULL, 10, FALSE },
  { "minimal-signed-twice-no-sig-type.pdf", NULL, 10, FALSE },
  { "certified-with-indirect-refs-in-dir.pdf", NULL, 10, FALSE },
  { "form-update-override-appearance-stream.pdf", NULL, 10, FALSE },
  { "pades-lta-dss-indirect-arrs-test.pdf", NULL, 10, FALSE },
};

static guint32 base_seed = DEFAULT_SEED;
static guint total_mutations = DEFAULT_MUTATIONS;
static guint timeout_seconds = DEFAULT_TIMEOUT;

/* ---- saving the mutant that killed the process ---- */

/* What the signal handler writes: only what it may touch without allocating. */
static const guint8 *volatile crash_data;
static volatile gsize crash_length;
static char crash_path[4096];
static char crash_message[4096 + 256];
static struct sigaction previous_actions[NSIG];

static void
on_fatal_signal (int signum)
{
  if (crash_data != NULL)
    {
      int fd = open (crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ssize_t written;

      if (fd >= 0)
        {
          written = write (fd, (const void *)crash_data, crash_length);
          close (fd);
        }
      written = write (STDERR_FILENO, crash_message, strlen (crash_message));
      (void)written;
      crash_data = NULL;
    }
  /* SIGALRM is a hang: end it as a crash. Else the previous handler (the test utilities'
   * temporary directory clean-up, then the default) gets the signal back. */
  if (signum == SIGALRM)
    abort ();
  sigaction (signum, &previous_actions[signum], NULL);
  raise (signum);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void
install_crash_handlers (void)
{
  /* AddressSanitizer reports a SIGSEGV itself and then aborts: the SIGABRT saves the mutant. */
#ifdef UNDER_ASAN
  static const int signals[] = { SIGABRT, SIGALRM };
#else
  static const int signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGALRM };
#endif
  static gboolean installed;
  struct sigaction action = { 0 };
  guint i;

  if (installed)
    return;
  installed = TRUE;
  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, &previous_actions[signals[i]]);
}

/* ---- the seeds ---- */

static guint
env_uint (const char *name, guint fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &parsed, NULL))
    return fallback;
  return (guint)parsed;
}

static void
sign_with_cli (const char *in, const char *out, const char *key_url, const char *image)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  /* Without an image the list ends before --image: an invisible signature. */
  const char *argv[] = { g_getenv ("INKAN_CLI"),
                         "sign",
                         in,
                         "-o",
                         out,
                         "--key",
                         key_url,
                         "--pin-file",
                         pki->pin_file,
                         image != NULL ? "--image" : NULL,
                         image,
                         "--page",
                         "1",
                         "--rect",
                         "20,20,60,60",
                         NULL };
  g_autofree char *err = NULL;
  int status;

  g_assert_nonnull (argv[0]);
  status = inkan_test_run (argv, NULL, &err);
  if (status != 0)
    g_test_message ("inkan-cli sign said: %s", err);
  g_assert_cmpint (status, ==, 0);
}

/* The Inkan seeds start from the corpus's smallest document, and the seal image is small: the
 * verifier's cost per mutant grows with the file, and 10,000 mutants must stay quick under
 * AddressSanitizer. */
static void
make_inkan_seeds (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *plain = inkan_test_corpus_pdf ("minimal.pdf");
  g_autofree char *seal = inkan_test_tmp_path ("mutation-seal.png");
  const char *mkassets = g_getenv ("INKAN_MKASSETS");
  const char *argv[] = { mkassets, "seal", seal, "--size", "64", NULL };

  g_assert_nonnull (mkassets);
  g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
  seeds[0].path = inkan_test_tmp_path ("mutation-seed-signed.pdf");
  sign_with_cli (plain, seeds[0].path, pki->clerk_key_url, NULL);
  /* A visible countersignature with the ECDSA key: three revisions, two algorithms, a widget
   * with an appearance stream and an image. */
  seeds[1].path = inkan_test_tmp_path ("mutation-seed-signed-twice.pdf");
  sign_with_cli (seeds[0].path, seeds[1].path, pki->second_key_url, seal);
}

static const char *
seed_path (Seed *seed)
{
  if (seed->path != NULL)
    return seed->path;
  if (seed->inkan_root)
    make_inkan_seeds ();
  else
    seed->path = inkan_test_corpus_pdf (seed->name);
  return seed->path;
}

static const guint8 *
find (const guint8 *data, gsize length, gsize from, const char *needle)
{
  gsize n = strlen (needle);
  const guint8 *p = data + from, *end = data + length;

  while (from <= length && (gsize)(end - p) >= n)
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

static const guint8 *
find_last (const guint8 *data, gsize length, const char *needle)
{
  gsize n = strlen (needle);
  gsize i;

  for (i = length >= n ? length - n + 1 : 0; i > 0; i--)
    if (memcmp (data + i - 1, needle, n) == 0)
      return data + i - 1;
  return NULL;
}

static gsize
skip_space (const guint8 *data, gsize length, gsize i)
{
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  return i;
}

/* Every "/ByteRange [a b c d]" of the file; anything else after /ByteRange is skipped. */
static GArray *
find_byte_ranges (const guint8 *data, gsize length)
{
  GArray *ranges = g_array_new (FALSE, TRUE, sizeof (ByteRange));
  const guint8 *hit;
  gsize from = 0;

  while ((hit = find (data, length, from, "/ByteRange")) != NULL)
    {
      ByteRange range = { { 0 } };
      gsize i = skip_space (data, length, hit - data + strlen ("/ByteRange"));
      guint k;

      from = hit - data + 1;
      if (i >= length || data[i] != '[')
        continue;
      i++;
      for (k = 0; k < 4; k++)
        {
          gsize start = i = skip_space (data, length, i);

          while (i < length && (g_ascii_isdigit (data[i]) || data[i] == '-'))
            i++;
          if (i == start || i - start > 18)
            break;
          {
            g_autofree char *number = g_strndup ((const char *)data + start, i - start);

            range.value[k] = g_ascii_strtoll (number, NULL, 10);
          }
          range.start[k] = start;
          range.end[k] = i;
        }
      if (k < 4)
        continue;
      range.sane = TRUE;
      for (k = 0; k < 4; k++)
        range.sane = range.sane && range.value[k] >= 0 && range.value[k] <= (gint64)length;
      range.sane = range.sane && range.value[0] + range.value[1] <= range.value[2]
                   && range.value[2] + range.value[3] <= (gint64)length;
      g_array_append_val (ranges, range);
    }
  return ranges;
}

/* Every "/Contents <hex>" of the file. */
static GArray *
find_hex_strings (const guint8 *data, gsize length)
{
  GArray *strings = g_array_new (FALSE, TRUE, sizeof (HexString));
  const guint8 *hit;
  gsize from = 0;

  while ((hit = find (data, length, from, "/Contents")) != NULL)
    {
      HexString hex;
      gsize i = skip_space (data, length, hit - data + strlen ("/Contents"));

      from = hit - data + 1;
      if (i >= length || data[i] != '<' || (i + 1 < length && data[i + 1] == '<'))
        continue;
      hex.start = ++i;
      while (i < length && g_ascii_isxdigit (data[i]))
        i++;
      hex.end = i;
      if (hex.end > hex.start)
        g_array_append_val (strings, hex);
    }
  return strings;
}

/* ---- mutations ---- */

static const char *const tokens[] = {
  "obj",
  "endobj",
  "<<",
  ">>",
  " R ",
  "[",
  "]",
  "(",
  ")",
  "<",
  ">",
  "/",
  "stream\n",
  "\nendstream",
  "xref\n",
  "trailer",
  "startxref\n",
  "%%EOF\n",
  "/ByteRange",
  "/Contents",
  "/Prev ",
  "/Size ",
  "/Type /Sig",
  "/Annots",
  "/AcroForm",
  "/Fields",
  "/Kids",
  "/Parent",
  "0 0 obj",
  "1 0 R",
  "9999999999",
  "-1",
  "0",
  "2147483648",
  "0000000000 65535 f \n",
  "0000000017 00000 n \n",
  "0 1\n",
  "/Filter /FlateDecode",
  "/Length 0",
  "/Length 99999",
  "null",
  "true",
  "1.5",
  "1e308",
  "\\",
  "%",
  "\r\n",
  "\n",
};

/* GByteArray has no insertion of its own; it is a GArray of guint8 underneath. */
static void
insert_bytes (GByteArray *buf, guint at, const guint8 *data, gsize n)
{
  g_array_insert_vals ((GArray *)buf, at, data, n);
}

static guint
random_below (GRand *rand, guint bound)
{
  return bound == 0 ? 0 : (guint)g_rand_int_range (rand, 0, (gint32)MIN (bound, G_MAXINT32));
}

/* Small lengths far more often than large ones, as small edits are the tricky ones. */
static gsize
random_length (GRand *rand, gsize limit)
{
  gsize length = (gsize)1 << random_below (rand, 12);

  length = 1 + random_below (rand, (guint)length);
  return MIN (length, MAX (limit, (gsize)1));
}

static void
flip (GByteArray *buf, GRand *rand)
{
  guint n = 1 + random_below (rand, 4), i;

  for (i = 0; i < n && buf->len > 0; i++)
    {
      guint at = random_below (rand, buf->len);
      guint8 mask
          = g_rand_boolean (rand) ? 1u << random_below (rand, 8) : 1 + random_below (rand, 255);

      buf->data[at] ^= mask;
    }
}

static void
insert (GByteArray *buf, GRand *rand)
{
  guint at = random_below (rand, buf->len + 1);
  guint choice = random_below (rand, 3);

  if (choice == 0)
    {
      const char *token = tokens[random_below (rand, G_N_ELEMENTS (tokens))];

      insert_bytes (buf, at, (const guint8 *)token, strlen (token));
    }
  else if (choice == 1 && buf->len > 0)
    {
      /* A piece of the file itself: objects, xref lines and dictionaries moved about. */
      guint from = random_below (rand, buf->len);
      gsize n = random_length (rand, buf->len - from);
      g_autofree guint8 *copy = g_memdup2 (buf->data + from, n);

      insert_bytes (buf, at, copy, n);
    }
  else
    {
      gsize n = random_length (rand, 256), i;
      g_autofree guint8 *noise = g_malloc (n);

      for (i = 0; i < n; i++)
        noise[i] = (guint8)g_rand_int (rand);
      insert_bytes (buf, at, noise, n);
    }
}

static void delete (GByteArray *buf, GRand *rand)
{
  guint at;

  if (buf->len == 0)
    return;
  at = random_below (rand, buf->len);
  g_byte_array_remove_range (buf, at, random_length (rand, buf->len - at));
}

/* The last revision's tail appended again: "%%EOF" alone, "startxref … %%EOF",
 * "trailer … %%EOF", or the whole last update, as broken and naive incremental saves do. */
static void
duplicate_tail (GByteArray *buf, GRand *rand)
{
  static const char *const starts[] = { "%%EOF", "startxref", "trailer", "xref" };
  const char *start = starts[random_below (rand, G_N_ELEMENTS (starts))];
  const guint8 *eof = find_last (buf->data, buf->len, "%%EOF");
  const guint8 *from;
  gsize n;
  guint copies = 1 + random_below (rand, 3), i;
  g_autofree guint8 *tail = NULL;

  if (eof == NULL)
    return;
  if (random_below (rand, 5) == 0)
    {
      /* The whole last update: from the end of the previous %%EOF. */
      const guint8 *previous = find_last (buf->data, eof - buf->data, "%%EOF");

      from = previous != NULL ? previous + strlen ("%%EOF") : buf->data;
    }
  else
    {
      from = find_last (buf->data, eof - buf->data + strlen ("%%EOF"), start);
      if (from == NULL)
        from = eof;
    }
  n = buf->len - (from - buf->data);
  tail = g_memdup2 (from, n);
  for (i = 0; i < copies; i++)
    {
      if (g_rand_boolean (rand))
        g_byte_array_append (buf, (const guint8 *)"\n", 1);
      g_byte_array_append (buf, tail, n);
    }
}

/* One number of a /ByteRange replaced: off by a little or a lot, negative, huge, or another
 * of its numbers; written in the same width when it fits, so that no other offset moves. */
static void
byterange (GByteArray *buf, GRand *rand, const GArray *ranges)
{
  const ByteRange *range;
  guint k;
  gint64 old, value;
  gsize width;
  g_autofree char *text = NULL;

  if (ranges->len == 0)
    {
      flip (buf, rand);
      return;
    }
  range = &g_array_index (ranges, ByteRange, random_below (rand, ranges->len));
  k = random_below (rand, 4);
  old = range->value[k];
  switch (random_below (rand, 8))
    {
    case 0:
      value = 0;
      break;
    case 1:
      value = -1 - random_below (rand, 1000);
      break;
    case 2:
      value = old + 1 + random_below (rand, 16);
      break;
    case 3:
      value = old - 1 - random_below (rand, 16);
      break;
    case 4:
      value = (gint64)buf->len + random_below (rand, 3) - 1;
      break;
    case 5:
      value = range->value[random_below (rand, 4)];
      break;
    case 6:
      value = G_GINT64_CONSTANT (1) << (31 + random_below (rand, 32));
      break;
    default:
      value = g_rand_int_range (rand, 0, (gint32)MAX (buf->len, 1u));
      break;
    }
  /* A second mutation on top may have moved or cut the array: then this edits other bytes. */
  if (range->end[k] > buf->len)
    {
      flip (buf, rand);
      return;
    }
  width = range->end[k] - range->start[k];
  text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  if (strlen (text) < width && g_rand_boolean (rand))
    {
      g_autofree char *padded = NULL;

      /* Zero-padded when the original was (pyHanko writes 00000690), else space-padded. */
      if (buf->data[range->start[k]] == '0' && width > 1 && value >= 0)
        padded = g_strdup_printf ("%0*" G_GINT64_FORMAT, (int)width, value);
      else
        padded = g_strdup_printf ("%-*s", (int)width, text);
      g_free (text);
      text = g_steal_pointer (&padded);
    }
  g_byte_array_remove_range (buf, range->start[k], width);
  insert_bytes (buf, range->start[k], (const guint8 *)text, strlen (text));
}

/* Hex digits of a /Contents changed: a CMS blob damaged in its DER structure, not its text. */
static void
contents (GByteArray *buf, GRand *rand, const GArray *strings)
{
  static const char digits[] = "0123456789ABCDEFabcdef";
  const HexString *hex;
  guint n = 1 + random_below (rand, 4), i;
  gsize span;

  if (strings->len == 0)
    {
      flip (buf, rand);
      return;
    }
  hex = &g_array_index (strings, HexString, random_below (rand, strings->len));
  span = hex->end - hex->start;
  for (i = 0; i < n; i++)
    {
      /* The DER header and the first certificates sit at the front: aim there mostly. */
      gsize at = hex->start
                 + (g_rand_boolean (rand) ? random_below (rand, MIN (span, 512))
                                          : random_below (rand, span));

      if (at < buf->len)
        buf->data[at] = digits[random_below (rand, sizeof digits - 1)];
    }
}

static Mutation
mutate (GByteArray *buf, GRand *rand, const GArray *ranges, const GArray *strings)
{
  Mutation kind = random_below (rand, N_MUTATIONS);

  switch (kind)
    {
    case MUTATE_FLIP:
      flip (buf, rand);
      break;
    case MUTATE_TRUNCATE:
      g_byte_array_set_size (buf, random_below (rand, buf->len));
      break;
    case MUTATE_INSERT:
      insert (buf, rand);
      break;
    case MUTATE_DELETE:
      delete (buf, rand);
      break;
    case MUTATE_DUPLICATE_TAIL:
      duplicate_tail (buf, rand);
      break;
    case MUTATE_BYTERANGE:
      byterange (buf, rand, ranges);
      break;
    case MUTATE_CONTENTS:
      contents (buf, rand, strings);
      break;
    default:
      g_assert_not_reached ();
    }
  return kind;
}

/* Whether the mutant no longer holds, at the same offsets, every byte that one of the seed's
 * signatures signed: then that signature cannot be intact, and the file cannot pass. */
static gboolean
changed_signed_bytes (const guint8 *seed, const GArray *ranges, const guint8 *mutant, gsize length)
{
  guint i, k;

  for (i = 0; i < ranges->len; i++)
    {
      const ByteRange *range = &g_array_index (ranges, ByteRange, i);

      if (!range->sane)
        continue;
      for (k = 0; k < 4; k += 2)
        {
          gsize start = range->value[k], n = range->value[k + 1];

          if (start + n > length || memcmp (seed + start, mutant + start, n) != 0)
            return TRUE;
        }
    }
  return FALSE;
}

/* ---- the test ---- */

static InkanTrust *
make_trust (const Seed *seed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root = NULL;
  InkanTrust *trust;

  root = seed->inkan_root ? g_strdup (inkan_test_pki_get ()->root_pem)
                          : inkan_test_corpus ("pyhanko/pki/testing-ca/root/root.cert.pem");
  trust = inkan_trust_new ();
  inkan_trust_add_file (trust, root, &error);
  g_assert_no_error (error);
  return trust;
}

static void
free_trust (InkanTrust *trust)
{
  inkan_trust_free (trust);
}

static guint
mutations_for (const Seed *seed)
{
  guint total_weight = 0, i;

  for (i = 0; i < G_N_ELEMENTS (seeds); i++)
    total_weight += seeds[i].weight;
  return total_mutations * seed->weight / total_weight;
}

static void
test_mutations (gconstpointer data)
{
  Seed *seed = (Seed *)data;
  guint index = seed - seeds;
  guint32 rand_seed = base_seed + index;
  guint n = mutations_for (seed);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *original = NULL;
  gsize length;
  g_autoptr (GArray) ranges = NULL;
  g_autoptr (GArray) strings = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (rand_seed);
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autofree char *basename = NULL;
  InkanVerifyOptions options = { NULL, NULL };
  guint by_kind[N_MUTATIONS] = { 0 }, reports = 0, errors = 0, changed = 0, i, sane = 0;
  guint indications[INKAN_INDICATION_NO_SIGNATURE + 1] = { 0 };
  gint64 t0, t1;

  g_assert_true (g_file_get_contents (seed_path (seed), (char **)&original, &length, &error));
  g_assert_no_error (error);
  ranges = find_byte_ranges (original, length);
  strings = find_hex_strings (original, length);
  for (i = 0; i < ranges->len; i++)
    sane += g_array_index (ranges, ByteRange, i).sane;
  /* Each seed is a signed file whose signatures the change check can follow. */
  g_assert_cmpuint (sane, >=, 1);
  g_assert_cmpuint (strings->len, >=, 1);
  options.trust = make_trust (seed);
  basename = g_path_get_basename (seed->name);
  g_test_message ("%s: %" G_GSIZE_FORMAT " bytes, %u signature(s), %u mutants from seed %u "
                  "(INKAN_MUTATION_SEED=%u), trust anchor: %s",
                  seed->name, length, sane, n, rand_seed, base_seed,
                  seed->inkan_root ? "the demo root" : "pyHanko's test root");

  install_crash_handlers ();
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) verify_error = NULL;
      g_autoptr (InkanReport) report = NULL;
      g_autofree char *json = NULL;
      guint8 *mutant;
      Mutation kind;
      gboolean signed_changed;

      g_byte_array_set_size (buf, 0);
      g_byte_array_append (buf, original, length);
      kind = mutate (buf, rand, ranges, strings);
      /* One more on top now and then: real damage rarely comes alone. */
      if (random_below (rand, 5) == 0)
        mutate (buf, rand, ranges, strings);
      by_kind[kind]++;
      signed_changed = changed_signed_bytes (original, ranges, buf->data, buf->len);
      changed += signed_changed;

      /* An exact-size heap copy, so that AddressSanitizer catches a read one byte too far. */
      mutant = g_memdup2 (buf->data, buf->len);
      bytes = g_bytes_new_take (mutant, buf->len);
      g_snprintf (crash_path, sizeof crash_path, "%s/verify-mutant-%s-%u-%u.pdf",
                  g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                  basename, rand_seed, i);
      g_snprintf (crash_message, sizeof crash_message,
                  "\nThe verifier crashed or hung on mutant %u (%s) of %s, seed %u: it is saved "
                  "as %s. Replay it with fuzz-verify-replay.\n",
                  i, mutation_names[kind], seed->name, rand_seed, crash_path);
      crash_length = buf->len;
      crash_data = mutant;
      alarm (timeout_seconds);

      report = inkan_verify_bytes (bytes, basename, &options, &verify_error);

      alarm (0);
      crash_data = NULL;
      /* Exactly one of a report and an error. */
      if ((report == NULL) == (verify_error == NULL))
        g_test_message ("mutant %u (%s): report %p, error %s", i, mutation_names[kind],
                        (void *)report, verify_error != NULL ? verify_error->message : "none");
      g_assert_true ((report == NULL) != (verify_error == NULL));
      if (report == NULL)
        {
          g_assert_nonnull (verify_error->message);
          errors++;
          continue;
        }
      reports++;
      g_assert_cmpint (report->indication, >=, INKAN_INDICATION_TOTAL_PASSED);
      g_assert_cmpint (report->indication, <=, INKAN_INDICATION_NO_SIGNATURE);
      indications[report->indication]++;
      json = inkan_report_to_json (report);
      g_assert_nonnull (json);
      if (signed_changed && report->indication == INKAN_INDICATION_TOTAL_PASSED)
        g_test_message ("mutant %u (%s) of %s changed signed bytes and passed; saved as %s", i,
                        mutation_names[kind], seed->name, crash_path);
      if (signed_changed && report->indication == INKAN_INDICATION_TOTAL_PASSED)
        g_assert_true (g_file_set_contents (crash_path, (const char *)mutant, buf->len, NULL));
      g_assert_false (signed_changed && report->indication == INKAN_INDICATION_TOTAL_PASSED);
    }
  t1 = g_get_monotonic_time ();
  free_trust (options.trust);

  g_test_message ("%s: %u mutants in %.2f s (%.2f ms each): %u reports (%u passed, %u "
                  "indeterminate, %u failed, %u no signature), %u errors; %u changed signed bytes",
                  seed->name, n, (t1 - t0) / 1e6, n > 0 ? (t1 - t0) / 1e3 / n : 0.0, reports,
                  indications[INKAN_INDICATION_TOTAL_PASSED],
                  indications[INKAN_INDICATION_INDETERMINATE],
                  indications[INKAN_INDICATION_TOTAL_FAILED],
                  indications[INKAN_INDICATION_NO_SIGNATURE], errors, changed);
  for (i = 0; i < N_MUTATIONS; i++)
    g_test_message ("  %s: %u", mutation_names[i], by_kind[i]);
  g_assert_cmpuint (reports + errors, ==, n);
  /* Every kind of mutation was tried, and most mutants touched signed bytes: the forgery
   * assertion above was put to work, not skipped. */
  for (i = 0; i < N_MUTATIONS; i++)
    g_assert_cmpuint (by_kind[i], >, 0);
  g_assert_cmpuint (changed, >, n / 2);
}

int
main (int argc, char **argv)
{
  guint i;

  g_test_init (&argc, &argv, NULL);
  base_seed = env_uint ("INKAN_MUTATION_SEED", DEFAULT_SEED);
  total_mutations = env_uint ("INKAN_MUTATIONS", DEFAULT_MUTATIONS);
  timeout_seconds = MAX (env_uint ("INKAN_MUTATION_TIMEOUT", DEFAULT_TIMEOUT), 1);
  g_print ("# mutation seed %u (set INKAN_MUTATION_SEED to change it), %u mutants\n", base_seed,
           total_mutations);

  for (i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_strdup_printf ("/inkan/verify-mutations/%s", seeds[i].name);

      g_test_add_data_func (path, &seeds[i], test_mutations);
    }
  return g_test_run ();
}
