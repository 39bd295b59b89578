/* Tests of the CMS encoder, judged by OpenSSL, with software keys and certificates made here. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include "inkan-cms.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>
#include <time.h>

#define OID_SIGNING_CERTIFICATE_V2 "1.2.840.113549.1.9.16.2.47"
#define OID_SIGNING_TIME           "1.2.840.113549.1.9.5"

typedef enum
{
  KEY_RSA2048,
  KEY_RSA3072,
  KEY_P256,
  KEY_P384,
  N_KEYS
} KeyKind;

static const char *const key_names[N_KEYS] = { "RSA 2048", "RSA 3072", "ECDSA P-256",
                                                "ECDSA P-384" };

/* The PKI of this process: a root CA (RSA), an intermediate CA (ECDSA P-384) under it, and for
 * each kind of key a leaf under the root and a leaf under the intermediate. */
typedef struct
{
  char *dir;
  char *root_pem;
  char *content;          /* data.bin */
  char *modified_content; /* data.bin with one byte changed */
  guint8 digest[INKAN_CMS_DIGEST_LEN];
  gnutls_privkey_t root_key, inter_key;
  gnutls_x509_crt_t root, inter;
  gnutls_privkey_t keys[N_KEYS];
  gnutls_x509_crt_t direct_leaves[N_KEYS]; /* issued by the root */
  gnutls_x509_crt_t inter_leaves[N_KEYS];  /* issued by the intermediate */
} Pki;

static Pki pki;
static guint serial_counter = 1;

static gnutls_privkey_t
make_key (gnutls_pk_algorithm_t pk, unsigned int bits)
{
  gnutls_privkey_t key = NULL;
  int rc;

  rc = gnutls_privkey_init (&key);
  g_assert_cmpint (rc, ==, 0);
  rc = gnutls_privkey_generate2 (key, pk, bits, 0, NULL, 0);
  g_assert_cmpstr (rc < 0 ? gnutls_strerror (rc) : NULL, ==, NULL);
  return key;
}

static gnutls_privkey_t
make_key_kind (KeyKind kind)
{
  switch (kind)
    {
    case KEY_RSA2048:
      return make_key (GNUTLS_PK_RSA, 2048);
    case KEY_RSA3072:
      return make_key (GNUTLS_PK_RSA, 3072);
    case KEY_P256:
      return make_key (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
    case KEY_P384:
      return make_key (GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP384R1));
    default:
      g_assert_not_reached ();
    }
}

/* A certificate for `key`, self-signed when issuer is NULL. Its serial number has the top bit
 * of its first significant octet set, so a sign octet precedes it; with `negative` that octet is
 * left out, as some careless CAs do, and the serial reads as a negative number. */
static gnutls_x509_crt_t
make_cert_full (gnutls_privkey_t key, const char *cn, gboolean ca, gnutls_x509_crt_t issuer,
                gnutls_privkey_t issuer_key, gboolean negative)
{
  g_autofree char *dn = g_strdup_printf ("CN=%s,O=Inkan Test", cn);
  gnutls_x509_crt_t crt = NULL;
  gnutls_pubkey_t pubkey = NULL;
  guint8 serial[10] = { 0x00, 0x9c, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e, 0 };
  time_t now = time (NULL);
  int rc;

  serial[9] = serial_counter++;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&pubkey), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_privkey (pubkey, key, 0, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_pubkey (crt, pubkey), ==, 0);
  gnutls_pubkey_deinit (pubkey);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial + (negative ? 1 : 0),
                                               sizeof serial - (negative ? 1 : 0)),
                   ==, 0);
  rc = gnutls_x509_crt_set_dn (crt, dn, NULL);
  g_assert_cmpstr (rc < 0 ? gnutls_strerror (rc) : NULL, ==, NULL);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 86400 * 30), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, ca, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN
                                                               | GNUTLS_KEY_CRL_SIGN
                                                          : GNUTLS_KEY_DIGITAL_SIGNATURE
                                                               | GNUTLS_KEY_NON_REPUDIATION),
                   ==, 0);
  {
    guint8 id[64];
    size_t id_size = sizeof id;

    g_assert_cmpint (gnutls_x509_crt_get_key_id (crt, 0, id, &id_size), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, id, id_size), ==, 0);
    if (issuer != NULL)
      {
        id_size = sizeof id;
        g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuer, id, &id_size, NULL), ==, 0);
        g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_size), ==, 0);
      }
  }
  rc = gnutls_x509_crt_privkey_sign (crt, issuer ? issuer : crt, issuer ? issuer_key : key,
                                     GNUTLS_DIG_SHA256, 0);
  g_assert_cmpstr (rc < 0 ? gnutls_strerror (rc) : NULL, ==, NULL);
  return crt;
}

static gnutls_x509_crt_t
make_cert (gnutls_privkey_t key, const char *cn, gboolean ca, gnutls_x509_crt_t issuer,
           gnutls_privkey_t issuer_key)
{
  return make_cert_full (key, cn, ca, issuer, issuer_key, FALSE);
}

static GBytes *
cert_der (gnutls_x509_crt_t crt)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

static char *
cert_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

/* Upper-case hex, as openssl asn1parse prints octet strings. */
static char *
hex_upper (const guint8 *data, gsize size)
{
  char *hex = g_malloc (2 * size + 1);

  hex[0] = '\0';
  for (gsize i = 0; i < size; i++)
    g_snprintf (hex + 2 * i, 3, "%02X", data[i]);
  return hex;
}

static char *
sha256_hex (GBytes *bytes)
{
  guint8 hash[32];

  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes), hash), ==, 0);
  return hex_upper (hash, sizeof hash);
}

static void
pki_setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *root_text = NULL;
  g_autofree guint8 *content = NULL;
  const gsize content_size = 100000;

  pki.dir = g_dir_make_tmp ("inkan-test-cms-XXXXXX", &error);
  g_assert_no_error (error);

  pki.root_key = make_key (GNUTLS_PK_RSA, 2048);
  pki.root = make_cert (pki.root_key, "Inkan Test Root", TRUE, NULL, NULL);
  pki.inter_key = make_key_kind (KEY_P384);
  pki.inter = make_cert (pki.inter_key, "Inkan Test Intermediate", TRUE, pki.root, pki.root_key);
  for (guint k = 0; k < N_KEYS; k++)
    {
      g_autofree char *cn = g_strdup_printf ("Inkan Test Seal (%s)", key_names[k]);
      g_autofree char *inter_cn = g_strdup_printf ("Inkan Test Seal (%s via intermediate)",
                                                  key_names[k]);

      pki.keys[k] = make_key_kind (k);
      pki.direct_leaves[k] = make_cert (pki.keys[k], cn, FALSE, pki.root, pki.root_key);
      pki.inter_leaves[k] = make_cert (pki.keys[k], inter_cn, FALSE, pki.inter, pki.inter_key);
    }

  pki.root_pem = g_build_filename (pki.dir, "root.pem", NULL);
  root_text = cert_pem (pki.root);
  g_file_set_contents (pki.root_pem, root_text, -1, &error);
  g_assert_no_error (error);

  content = g_malloc (content_size);
  for (gsize i = 0; i < content_size; i++)
    content[i] = (guint8) (i * 31 + i / 251);
  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA256, content, content_size, pki.digest), ==,
                   0);
  pki.content = g_build_filename (pki.dir, "data.bin", NULL);
  g_file_set_contents (pki.content, (const char *) content, content_size, &error);
  g_assert_no_error (error);
  content[content_size / 2] ^= 0x01;
  pki.modified_content = g_build_filename (pki.dir, "data-modified.bin", NULL);
  g_file_set_contents (pki.modified_content, (const char *) content, content_size, &error);
  g_assert_no_error (error);
}

static void
pki_teardown (void)
{
  g_autoptr (GDir) dir = g_dir_open (pki.dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (pki.dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (pki.dir), ==, 0);

  for (guint k = 0; k < N_KEYS; k++)
    {
      gnutls_x509_crt_deinit (pki.direct_leaves[k]);
      gnutls_x509_crt_deinit (pki.inter_leaves[k]);
      gnutls_privkey_deinit (pki.keys[k]);
    }
  gnutls_x509_crt_deinit (pki.inter);
  gnutls_x509_crt_deinit (pki.root);
  gnutls_privkey_deinit (pki.inter_key);
  gnutls_privkey_deinit (pki.root_key);
  g_free (pki.modified_content);
  g_free (pki.content);
  g_free (pki.root_pem);
  g_free (pki.dir);
}

/* The chain of `n` certificates for key `k`: the leaf alone, the leaf under the root and the
 * root, or the leaf under the intermediate, the intermediate and the root. */
static guint
chain_for (KeyKind k, guint n, gnutls_x509_crt_t chain[3])
{
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 3);
  if (n == 3)
    {
      chain[0] = pki.inter_leaves[k];
      chain[1] = pki.inter;
      chain[2] = pki.root;
    }
  else
    {
      chain[0] = pki.direct_leaves[k];
      chain[1] = pki.root;
    }
  return n;
}

/* Signs the test content with key `k` and chain, checks the size bound and writes the DER to a
 * file in the test directory; returns its path. */
static char *
sign_to_file (KeyKind k, gnutls_x509_crt_t *chain, guint n_chain, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cms = NULL;
  char *path = g_build_filename (pki.dir, name, NULL);
  gsize max = inkan_cms_max_size (pki.keys[k], chain, n_chain);

  cms = inkan_cms_sign_detached (pki.keys[k], chain, n_chain, pki.digest, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cms);
  g_assert_cmpuint (g_bytes_get_size (cms), <=, max);
  g_file_set_contents (path, g_bytes_get_data (cms, NULL), g_bytes_get_size (cms), &error);
  g_assert_no_error (error);
  return path;
}

/* Runs argv (found in PATH) and returns its exit status; output in *out and *err. */
static int
run (const char *const *argv, char **out, char **err)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) status_error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, &status_error))
    return 0;
  if (g_error_matches (status_error, G_SPAWN_EXIT_ERROR, status_error->code))
    return status_error->code;
  return -1;
}

/* openssl cms -verify of `sig` over `content`, trusting only the test root. */
static int
openssl_verify (const char *sig, const char *content, const char *certs_out, char **err)
{
  const char *argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
                         "-content", content, "-CAfile", pki.root_pem, "-purpose", "any",
                         "-out", "/dev/null", certs_out ? "-certsout" : NULL, certs_out, NULL };
  g_autofree char *out = NULL;

  return run (argv, &out, err);
}

static void
assert_openssl_verifies (KeyKind k, guint n_chain)
{
  gnutls_x509_crt_t chain[3];
  g_autofree char *name = g_strdup_printf ("verify-%u-%u.der", k, n_chain);
  g_autofree char *sig = NULL;
  g_autofree char *err = NULL;
  int status;

  chain_for (k, n_chain, chain);
  sig = sign_to_file (k, chain, n_chain, name);
  status = openssl_verify (sig, pki.content, NULL, &err);
  g_test_message ("openssl (%s, %u certificates): %s", key_names[k], n_chain, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "Verification successful"));
  g_assert_cmpint (g_unlink (sig), ==, 0);
}

static void
test_rsa_verifies (void)
{
  assert_openssl_verifies (KEY_RSA2048, 2);
  assert_openssl_verifies (KEY_RSA3072, 2);
}

static void
test_ecdsa_verifies (void)
{
  assert_openssl_verifies (KEY_P256, 2);
  assert_openssl_verifies (KEY_P384, 2);
}

static void
test_leaf_only_verifies (void)
{
  assert_openssl_verifies (KEY_RSA2048, 1);
  assert_openssl_verifies (KEY_P256, 1);
}

static void
test_intermediate_verifies (void)
{
  for (guint k = 0; k < N_KEYS; k++)
    assert_openssl_verifies (k, 3);
}

/* issuerAndSerialNumber names the certificate as it is encoded, even when a careless CA left
 * out the sign octet and the serial reads as negative. */
static void
test_negative_serial_verifies (void)
{
  gnutls_x509_crt_t cert = make_cert_full (pki.keys[KEY_RSA2048], "Inkan Test Careless Serial",
                                           FALSE, pki.root, pki.root_key, TRUE);
  gnutls_x509_crt_t chain[] = { cert, pki.root };
  guint8 serial[32];
  size_t serial_size = sizeof serial;
  g_autofree char *sig = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (gnutls_x509_crt_get_serial (cert, serial, &serial_size), ==, 0);
  g_assert_cmphex (serial[0] & 0x80, ==, 0x80);
  sig = sign_to_file (KEY_RSA2048, chain, G_N_ELEMENTS (chain), "negative-serial.der");
  g_assert_cmpint (openssl_verify (sig, pki.content, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Verification successful"));
  g_assert_cmpint (g_unlink (sig), ==, 0);
  gnutls_x509_crt_deinit (cert);
}

static void
test_modified_content_fails (void)
{
  for (guint k = 0; k < N_KEYS; k++)
    {
      gnutls_x509_crt_t chain[3];
      g_autofree char *sig = NULL;
      g_autofree char *err = NULL;
      int status;

      chain_for (k, 2, chain);
      sig = sign_to_file (k, chain, 2, "modified.der");
      status = openssl_verify (sig, pki.modified_content, NULL, &err);
      g_test_message ("openssl (%s, modified content): %s", key_names[k], err);
      g_assert_cmpint (status, !=, 0);
      g_assert_null (strstr (err, "Verification successful"));
      g_assert_nonnull (strstr (err, "Verification failure"));
      g_assert_cmpint (g_unlink (sig), ==, 0);
    }
}

/* The line index of the first line at or after `from` that contains `needle`, or -1. */
static int
find_line (char **lines, int from, const char *needle)
{
  for (int i = from; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return i;
  return -1;
}

/* Asserts that some line contains needles[0] and the lines right after it needles[1], .... */
static void
assert_lines_follow (char **lines, const char *const *needles)
{
  int at = find_line (lines, 0, needles[0]);

  g_assert_cmpint (at, >=, 0);
  for (guint i = 1; needles[i] != NULL; i++)
    {
      g_assert_nonnull (lines[at + i]);
      g_assert_nonnull (strstr (lines[at + i], needles[i]));
    }
}

static void
assert_pades_attributes (KeyKind k, const char *algorithm, const char *parameter)
{
  gnutls_x509_crt_t chain[3];
  g_autofree char *sig = NULL;
  g_autofree char *print = NULL;
  g_autofree char *parse = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GBytes) leaf = NULL;
  g_autofree char *leaf_hash = NULL;
  g_autofree char *digest_hex = NULL;
  g_auto (GStrv) print_lines = NULL;
  g_auto (GStrv) lines = NULL;
  int oid_line, hash_line, digest_line;

  chain_for (k, 2, chain);
  sig = sign_to_file (k, chain, 2, "attributes.der");

  {
    const char *argv[] = { "openssl", "cms", "-cmsout", "-print", "-noout", "-inform", "DER",
                           "-in", sig, NULL };

    g_assert_cmpint (run (argv, &print, &err), ==, 0);
  }
  g_test_message ("%s", print);
  g_assert_nonnull (strstr (print, "contentType (1.2.840.113549.1.9.3)"));
  g_assert_nonnull (strstr (print, "messageDigest (1.2.840.113549.1.9.4)"));
  g_assert_nonnull (strstr (print, "(" OID_SIGNING_CERTIFICATE_V2 ")"));
  g_assert_null (strstr (print, OID_SIGNING_TIME));
  g_assert_null (strstr (print, "signingTime"));
  print_lines = g_strsplit (print, "\n", -1);
  assert_lines_follow (print_lines,
                       (const char *const[]) { "signatureAlgorithm:", algorithm, parameter, NULL });
  assert_lines_follow (print_lines, (const char *const[]) { "unsignedAttrs:", "<ABSENT>", NULL });

  /* In the parse, the first octet string after the signingCertificateV2 OID is the certHash;
   * no OBJECT before it means hashAlgorithm is left out (DEFAULT sha256). */
  {
    const char *argv[] = { "openssl", "asn1parse", "-inform", "DER", "-in", sig, NULL };

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (argv, &parse, &err), ==, 0);
  }
  lines = g_strsplit (parse, "\n", -1);
  leaf = cert_der (chain[0]);
  leaf_hash = sha256_hex (leaf);
  digest_hex = hex_upper (pki.digest, sizeof pki.digest);

  oid_line = find_line (lines, 0, ":id-smime-aa-signingCertificateV2");
  g_assert_cmpint (oid_line, >=, 0);
  hash_line = find_line (lines, oid_line, "[HEX DUMP]:");
  g_assert_cmpint (hash_line, >, oid_line);
  g_assert_nonnull (strstr (lines[hash_line], leaf_hash));
  for (int i = oid_line + 1; i < hash_line; i++)
    g_assert_null (strstr (lines[i], "OBJECT"));

  digest_line = find_line (lines, find_line (lines, 0, ":messageDigest"), "[HEX DUMP]:");
  g_assert_cmpint (digest_line, >=, 0);
  g_assert_nonnull (strstr (lines[digest_line], digest_hex));
  g_assert_cmpint (g_unlink (sig), ==, 0);
}

static void
test_attributes_rsa (void)
{
  assert_pades_attributes (KEY_RSA2048, "algorithm: rsaEncryption (1.2.840.113549.1.1.1)",
                           "parameter: NULL");
}

static void
test_attributes_ecdsa (void)
{
  assert_pades_attributes (KEY_P256, "algorithm: ecdsa-with-SHA256 (1.2.840.10045.4.3.2)",
                           "parameter: <ABSENT>");
}

static void
test_whole_chain (void)
{
  gnutls_x509_crt_t chain[3];
  g_autofree char *sig = NULL;
  g_autofree char *certs_path = g_build_filename (pki.dir, "certs.pem", NULL);
  g_autofree char *certs = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  guint count = 0;

  chain_for (KEY_P256, 3, chain);
  sig = sign_to_file (KEY_P256, chain, 3, "chain.der");
  g_assert_cmpint (openssl_verify (sig, pki.content, certs_path, &err), ==, 0);
  g_file_get_contents (certs_path, &certs, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *pem = cert_pem (chain[i]);

      g_assert_nonnull (strstr (certs, pem));
    }
  for (const char *p = certs; (p = strstr (p, "-----BEGIN CERTIFICATE-----")) != NULL; p++)
    count++;
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpint (g_unlink (certs_path), ==, 0);
  g_assert_cmpint (g_unlink (sig), ==, 0);
}

/* Every signature fits in inkan_cms_max_size, which wastes no more than a few dozen bytes:
 * the /Contents placeholder is twice the bound in hex. ECDSA signatures vary in length, so each
 * case signs several times. */
static void
test_max_size (void)
{
  for (guint k = 0; k < N_KEYS; k++)
    for (guint n = 1; n <= 3; n++)
      {
        gnutls_x509_crt_t chain[3];
        gsize max, smallest = G_MAXSIZE, largest = 0;

        chain_for (k, n, chain);
        max = inkan_cms_max_size (pki.keys[k], chain, n);
        for (guint round = 0; round < 8; round++)
          {
            g_autoptr (GError) error = NULL;
            g_autoptr (GBytes) cms = inkan_cms_sign_detached (pki.keys[k], chain, n, pki.digest,
                                                              &error);

            g_assert_no_error (error);
            smallest = MIN (smallest, g_bytes_get_size (cms));
            largest = MAX (largest, g_bytes_get_size (cms));
          }
        g_test_message ("%s, %u certificates: %" G_GSIZE_FORMAT "..%" G_GSIZE_FORMAT
                        " bytes, bound %" G_GSIZE_FORMAT, key_names[k], n, smallest, largest,
                        max);
        g_assert_cmpuint (largest, <=, max);
        g_assert_cmpuint (max - smallest, <=, 64);
      }
}

static void
assert_unsupported (gnutls_pk_algorithm_t pk, unsigned int bits)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cms = NULL;
  gnutls_privkey_t key = make_key (pk, bits);
  gnutls_x509_crt_t cert = make_cert (key, "Inkan Test Unsupported", FALSE, pki.root,
                                      pki.root_key);
  gnutls_x509_crt_t chain[] = { cert, pki.root };

  cms = inkan_cms_sign_detached (key, chain, G_N_ELEMENTS (chain), pki.digest, &error);
  g_assert_error (error, INKAN_CMS_ERROR, INKAN_CMS_ERROR_UNSUPPORTED);
  g_assert_null (cms);
  g_assert_nonnull (strstr (error->message, gnutls_pk_algorithm_get_name (pk)));
  /* Sizing still answers: the caller sizes before it signs. */
  g_assert_cmpuint (inkan_cms_max_size (key, chain, G_N_ELEMENTS (chain)), >, 0);
  gnutls_x509_crt_deinit (cert);
  gnutls_privkey_deinit (key);
}

static void
test_unsupported_ed25519 (void)
{
  assert_unsupported (GNUTLS_PK_EDDSA_ED25519, 256);
}

static void
test_unsupported_rsa_pss (void)
{
  assert_unsupported (GNUTLS_PK_RSA_PSS, 2048);
}

/* A key that is not the certificate's would give a signature no one can verify. */
static void
test_wrong_certificate (void)
{
  const struct
  {
    KeyKind key, cert;
  } cases[] = { { KEY_RSA2048, KEY_RSA3072 }, { KEY_P256, KEY_P384 }, { KEY_P256, KEY_RSA2048 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) cms = NULL;
      gnutls_x509_crt_t chain[] = { pki.direct_leaves[cases[i].cert], pki.root };

      cms = inkan_cms_sign_detached (pki.keys[cases[i].key], chain, G_N_ELEMENTS (chain),
                                     pki.digest, &error);
      g_assert_error (error, INKAN_CMS_ERROR, INKAN_CMS_ERROR_SIGN_FAILED);
      g_assert_null (cms);
      g_assert_nonnull (strstr (error->message, "certificate"));
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pki_setup ();

  g_test_add_func ("/inkan/cms/sign/rsa-verifies", test_rsa_verifies);
  g_test_add_func ("/inkan/cms/sign/ecdsa-verifies", test_ecdsa_verifies);
  g_test_add_func ("/inkan/cms/sign/leaf-only-verifies", test_leaf_only_verifies);
  g_test_add_func ("/inkan/cms/sign/intermediate-verifies", test_intermediate_verifies);
  g_test_add_func ("/inkan/cms/sign/negative-serial-verifies", test_negative_serial_verifies);
  g_test_add_func ("/inkan/cms/sign/modified-content-fails", test_modified_content_fails);
  g_test_add_func ("/inkan/cms/sign/wrong-certificate-fails", test_wrong_certificate);
  g_test_add_func ("/inkan/cms/sign/unsupported-ed25519", test_unsupported_ed25519);
  g_test_add_func ("/inkan/cms/sign/unsupported-rsa-pss", test_unsupported_rsa_pss);
  g_test_add_func ("/inkan/cms/attributes/pades-baseline-rsa", test_attributes_rsa);
  g_test_add_func ("/inkan/cms/attributes/pades-baseline-ecdsa", test_attributes_ecdsa);
  g_test_add_func ("/inkan/cms/certificates/whole-chain", test_whole_chain);
  g_test_add_func ("/inkan/cms/max-size/bounds", test_max_size);

  status = g_test_run ();
  pki_teardown ();
  return status;
}
