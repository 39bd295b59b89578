/* Tests of the CMS checks on real signatures: the corpus, OpenSSL, inkan-cli, and broken ones. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "inkan-test-util.h"

#include "inkan-cms-verify.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>

/* One signature of a PDF, read by hand from its /ByteRange: the /Contents bytes (hex-decoded,
 * padding included) and the two signed ranges. */
typedef struct
{
  GBytes *file;
  GBytes *cms;
  guint64 range[4];
} PdfSig;

static void
pdf_sig_clear (PdfSig *sig)
{
  g_clear_pointer (&sig->file, g_bytes_unref);
  g_clear_pointer (&sig->cms, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PdfSig, pdf_sig_clear)

/* The `index`th (0-based) /ByteRange of the file, in file order. */
static void
pdf_sig_read (const char *path, guint index, PdfSig *sig)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;
  const char *p;
  guint seen = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  sig->file = g_bytes_new_take (contents, len);

  for (p = contents; (p = memmem (p, contents + len - p, "/ByteRange", 10)) != NULL; p++)
    {
      if (seen++ < index)
        continue;
      p += strlen ("/ByteRange");
      while (*p == ' ' || *p == '\n' || *p == '\r')
        p++;
      g_assert_cmpint (*p, ==, '[');
      p++;
      for (guint i = 0; i < 4; i++)
        {
          char *end = NULL;

          sig->range[i] = g_ascii_strtoull (p, &end, 10);
          g_assert_true (end != p);
          p = end;
        }
      g_assert_cmpuint (sig->range[0], ==, 0);
      g_assert_cmpuint (sig->range[2] + sig->range[3], <=, len);
      {
        const char *hex = contents + sig->range[1];
        gsize hex_len = sig->range[2] - sig->range[1];
        GByteArray *der = g_byte_array_new ();

        g_assert_cmpint (hex[0], ==, '<');
        g_assert_cmpint (hex[hex_len - 1], ==, '>');
        for (gsize i = 1; i + 2 < hex_len; i += 2)
          {
            guint8 b = (g_ascii_xdigit_value (hex[i]) << 4) | g_ascii_xdigit_value (hex[i + 1]);

            g_byte_array_append (der, &b, 1);
          }
        sig->cms = g_byte_array_free_to_bytes (der);
      }
      return;
    }
  g_assert_not_reached ();
}

static void
digest_parts (gnutls_digest_algorithm_t alg, const guint8 *a, gsize a_len, const guint8 *b,
              gsize b_len, guint8 *out)
{
  gnutls_hash_hd_t hash = NULL;

  g_assert_cmpint (gnutls_hash_init (&hash, alg), ==, 0);
  g_assert_cmpint (gnutls_hash (hash, a, a_len), ==, 0);
  if (b_len > 0)
    g_assert_cmpint (gnutls_hash (hash, b, b_len), ==, 0);
  gnutls_hash_deinit (hash, out);
}

static void
pdf_sig_digest (const PdfSig *sig, gnutls_digest_algorithm_t alg, guint8 *out)
{
  const guint8 *data = g_bytes_get_data (sig->file, NULL);

  digest_parts (alg, data + sig->range[0], sig->range[1], data + sig->range[2], sig->range[3], out);
}

static char *
signer_cn (InkanCmsSignedData *sd)
{
  gnutls_x509_crt_t signer = inkan_cms_signed_data_get_signer (sd);
  char cn[256];
  size_t size = sizeof cn;

  g_assert_nonnull (signer);
  g_assert_cmpint (
      gnutls_x509_crt_get_dn_by_oid (signer, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size), >=, 0);
  return g_strndup (cn, size);
}

/* Parses and verifies signature `index` of a corpus PDF; returns the verification error. */
static GError *
verify_corpus (const char *name, guint index, char **cn)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_auto (PdfSig) sig = { 0 };
  g_autoptr (InkanCmsSignedData) sd = NULL;
  GError *error = NULL;
  guint8 digest[64];

  pdf_sig_read (path, index, &sig);
  sd = inkan_cms_signed_data_parse (g_bytes_get_data (sig.cms, NULL), g_bytes_get_size (sig.cms),
                                    &error);
  g_assert_no_error (error);
  g_assert_nonnull (sd);
  pdf_sig_digest (&sig, inkan_cms_signed_data_get_digest (sd), digest);
  if (cn != NULL)
    *cn = signer_cn (sd);
  inkan_cms_signed_data_verify (
      sd, digest, gnutls_hash_get_len (inkan_cms_signed_data_get_digest (sd)), &error);
  return error;
}

static void
test_corpus_valid (void)
{
  static const struct
  {
    const char *name;
    guint index;
    const char *cn;
  } cases[] = {
    { "minimal-signed-twice-both-created.pdf", 0, "Lord Testerino" },
    { "minimal-signed-twice-both-created.pdf", 1, "Lord Testerino" },
    { "minimal-signed-twice-second-created.pdf", 0, "Lord Testerino" },
    { "minimal-signed-twice-second-created.pdf", 1, "Lord Testerino" },
    { "sig-no-signed-attrs.pdf", 0, "Lord Testerino" },
    { "sig-with-ski-sid.pdf", 0, "Alice" },
    { "pades-with-old-style-signing-cert-attr.pdf", 0, "Alice" },
    { "pades-with-old-style-signing-cert-attr-issser.pdf", 0, "Alice" },
    { "certified-with-indirect-refs-in-dir.pdf", 0, "Lord Testerino" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *cn = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("%s, signature %u", cases[i].name, cases[i].index);
      error = verify_corpus (cases[i].name, cases[i].index, &cn);
      g_assert_no_error (error);
      g_assert_cmpstr (cn, ==, cases[i].cn);
    }
}

/* pyHanko refuses a detached PDF signature that encloses content ("detached ... encapsulated"):
 * what the signature covers is then that content, not the document. */
static void
test_corpus_econtent (void)
{
  g_autoptr (GError) error = verify_corpus ("pdf-sig-with-econtent.pdf", 0, NULL);

  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH);
  g_assert_nonnull (strstr (error->message, "encloses"));
}

/* pyHanko's coverage fixture has a /Contents of zeros: its coverage is what it tests. */
static void
test_corpus_zero_contents (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("coverage-anomalies/base.pdf");
  g_auto (PdfSig) sig = { 0 };
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) error = NULL;

  pdf_sig_read (path, 0, &sig);
  sd = inkan_cms_signed_data_parse (g_bytes_get_data (sig.cms, NULL), g_bytes_get_size (sig.cms),
                                    &error);
  g_assert_null (sd);
  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "only zeros"));
}

static void
test_corpus_metadata (void)
{
  g_autofree char *path = inkan_test_corpus_pdf ("sig-no-signed-attrs.pdf");
  g_auto (PdfSig) sig = { 0 };
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) error = NULL;
  guint n_certs = 0;

  pdf_sig_read (path, 0, &sig);
  sd = inkan_cms_signed_data_parse (g_bytes_get_data (sig.cms, NULL), g_bytes_get_size (sig.cms),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpint (inkan_cms_signed_data_get_digest (sd), ==, GNUTLS_DIG_SHA256);
  g_assert_cmpstr (inkan_cms_signed_data_get_algorithm_name (sd), ==,
                   "RSA PKCS#1 v1.5 with SHA-256");
  g_assert_null (inkan_cms_signed_data_get_signing_time (sd));
  g_assert_nonnull (inkan_cms_signed_data_get_certificates (sd, &n_certs));
  g_assert_cmpuint (n_certs, ==, 3);
}

/* ---- CMS made by OpenSSL over data, with a PKI made here ------------------------------- */

typedef struct
{
  char *dir;
  char *data; /* data.bin */
  GBytes *content;
} OpensslPki;

static OpensslPki *
openssl_pki (void)
{
  static OpensslPki pki;
  static const char script[]
      = "set -e\n"
        "cat > ext.cnf <<'EOF'\n"
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        "[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        "EOF\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 30 "
        "  -subj '/O=Inkan Test/CN=OpenSSL Test Root' "
        "  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
        "  2>/dev/null\n"
        "leaf () {\n"
        "  openssl req -new -newkey \"$2\" $3 -nodes -keyout $1.key -out $1.csr "
        "    -subj \"/O=Inkan Test/CN=$4\" 2>/dev/null\n"
        "  openssl x509 -req -in $1.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 "
        "    -extfile ext.cnf -extensions leaf -out $1.pem 2>/dev/null\n"
        "}\n"
        "leaf rsa rsa:2048 '' 'RSA Signer'\n"
        "leaf p256 ec '-pkeyopt ec_paramgen_curve:P-256' 'P-256 Signer'\n"
        "leaf p384 ec '-pkeyopt ec_paramgen_curve:P-384' 'P-384 Signer'\n"
        "for days in 30 31; do\n"
        "  openssl x509 -req -in rsa.csr -CA root.pem -CAkey root.key -set_serial 4660 "
        "    -days $days -extfile ext.cnf -extensions leaf -out twin$days.pem 2>/dev/null\n"
        "done\n"
        "head -c 100000 /dev/urandom > data.bin\n";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (pki.dir != NULL)
    return &pki;
  pki.dir = inkan_test_tmp_path ("openssl-pki");
  g_assert_cmpint (g_mkdir_with_parents (pki.dir, 0700), ==, 0);
  {
    const char *argv[] = { "sh", "-c", script, NULL };
    g_autofree char *cwd = g_get_current_dir ();

    g_assert_cmpint (g_chdir (pki.dir), ==, 0);
    if (inkan_test_run (argv, &out, &err) != 0)
      g_error ("making the OpenSSL PKI failed: %s", err);
    g_assert_cmpint (g_chdir (cwd), ==, 0);
  }
  pki.data = g_build_filename (pki.dir, "data.bin", NULL);
  g_assert_true (g_file_get_contents (pki.data, &contents, &len, &error));
  g_assert_no_error (error);
  pki.content = g_bytes_new_take (contents, len);
  return &pki;
}

/* openssl cms -sign with the leaf `key` (rsa, p256, p384, twin30, twin31) and extra options;
 * returns the DER. */
static GBytes *
openssl_cms (const char *key, const char *const *options)
{
  OpensslPki *pki = openssl_pki ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out_path = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  static guint counter;
  char *der = NULL;
  gsize len = 0;

  out_path = g_strdup_printf ("%s/cms-%u.der", pki->dir, counter++);
  g_ptr_array_add (argv, g_strdup ("openssl"));
  g_ptr_array_add (argv, g_strdup ("cms"));
  g_ptr_array_add (argv, g_strdup ("-sign"));
  g_ptr_array_add (argv, g_strdup ("-binary"));
  g_ptr_array_add (argv, g_strdup ("-outform"));
  g_ptr_array_add (argv, g_strdup ("DER"));
  g_ptr_array_add (argv, g_strdup ("-in"));
  g_ptr_array_add (argv, g_strdup (pki->data));
  g_ptr_array_add (argv, g_strdup ("-signer"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.pem", pki->dir, key));
  g_ptr_array_add (argv, g_strdup ("-inkey"));
  /* the twins are certificates for the RSA leaf's key */
  g_ptr_array_add (
      argv, g_strdup_printf ("%s/%s.key", pki->dir, g_str_has_prefix (key, "twin") ? "rsa" : key));
  g_ptr_array_add (argv, g_strdup ("-certfile"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/root.pem", pki->dir));
  g_ptr_array_add (argv, g_strdup ("-out"));
  g_ptr_array_add (argv, g_strdup (out_path));
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (options[i]));
  g_ptr_array_add (argv, NULL);
  if (inkan_test_run ((const char *const *)argv->pdata, NULL, &err) != 0)
    g_error ("openssl cms -sign failed: %s", err);
  g_assert_true (g_file_get_contents (out_path, &der, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (der, len);
}

/* Parses `cms` and verifies it against `content`; returns the first error. */
static GError *
check (GBytes *cms, GBytes *content, InkanCmsSignedData **out)
{
  g_autoptr (InkanCmsSignedData) sd = NULL;
  GError *error = NULL;
  guint8 digest[64];
  gnutls_digest_algorithm_t alg;

  sd = inkan_cms_signed_data_parse (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms), &error);
  if (sd == NULL)
    return error;
  alg = inkan_cms_signed_data_get_digest (sd);
  digest_parts (alg, g_bytes_get_data (content, NULL), g_bytes_get_size (content), NULL, 0, digest);
  inkan_cms_signed_data_verify (sd, digest, gnutls_hash_get_len (alg), &error);
  if (out != NULL)
    *out = g_steal_pointer (&sd);
  return error;
}

static void
test_openssl_shapes (void)
{
  OpensslPki *pki = openssl_pki ();
  static const struct
  {
    const char *key;
    const char *options[7];
    gnutls_digest_algorithm_t digest;
    const char *algorithm;
    const char *cn;
  } cases[] = {
    { "rsa",
      { "-md", "sha256", NULL },
      GNUTLS_DIG_SHA256,
      "RSA PKCS#1 v1.5 with SHA-256",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha384", NULL },
      GNUTLS_DIG_SHA384,
      "RSA PKCS#1 v1.5 with SHA-384",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha512", NULL },
      GNUTLS_DIG_SHA512,
      "RSA PKCS#1 v1.5 with SHA-512",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha256", "-keyopt", "rsa_padding_mode:pss", NULL },
      GNUTLS_DIG_SHA256,
      "RSA-PSS with SHA-256",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha512", "-keyopt", "rsa_padding_mode:pss", NULL },
      GNUTLS_DIG_SHA512,
      "RSA-PSS with SHA-512",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha256", "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:max",
        NULL },
      GNUTLS_DIG_SHA256,
      "RSA-PSS with SHA-256",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha384", "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:20", NULL },
      GNUTLS_DIG_SHA384,
      "RSA-PSS with SHA-384",
      "RSA Signer" },
    { "p256", { "-md", "sha256", NULL }, GNUTLS_DIG_SHA256, "ECDSA with SHA-256", "P-256 Signer" },
    { "p384", { "-md", "sha384", NULL }, GNUTLS_DIG_SHA384, "ECDSA with SHA-384", "P-384 Signer" },
    { "p384", { "-md", "sha512", NULL }, GNUTLS_DIG_SHA512, "ECDSA with SHA-512", "P-384 Signer" },
    { "rsa",
      { "-md", "sha256", "-noattr", NULL },
      GNUTLS_DIG_SHA256,
      "RSA PKCS#1 v1.5 with SHA-256",
      "RSA Signer" },
    { "p256",
      { "-md", "sha256", "-noattr", NULL },
      GNUTLS_DIG_SHA256,
      "ECDSA with SHA-256",
      "P-256 Signer" },
    { "rsa",
      { "-md", "sha256", "-noattr", "-keyopt", "rsa_padding_mode:pss", NULL },
      GNUTLS_DIG_SHA256,
      "RSA-PSS with SHA-256",
      "RSA Signer" },
    { "rsa",
      { "-md", "sha256", "-keyid", NULL },
      GNUTLS_DIG_SHA256,
      "RSA PKCS#1 v1.5 with SHA-256",
      "RSA Signer" },
    { "p384",
      { "-md", "sha384", "-keyid", "-noattr", NULL },
      GNUTLS_DIG_SHA384,
      "ECDSA with SHA-384",
      "P-384 Signer" },
    /* enclosed content equal to the document's bytes proves the same thing */
    { "rsa",
      { "-md", "sha256", "-nodetach", NULL },
      GNUTLS_DIG_SHA256,
      "RSA PKCS#1 v1.5 with SHA-256",
      "RSA Signer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) cms = openssl_cms (cases[i].key, cases[i].options);
      g_autoptr (InkanCmsSignedData) sd = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *cn = NULL;

      g_test_message ("%s %s %s %s", cases[i].key, cases[i].options[1],
                      cases[i].options[2] ? cases[i].options[2] : "",
                      cases[i].options[3] ? cases[i].options[3] : "");
      error = check (cms, pki->content, &sd);
      g_assert_no_error (error);
      g_assert_cmpint (inkan_cms_signed_data_get_digest (sd), ==, cases[i].digest);
      g_assert_cmpstr (inkan_cms_signed_data_get_algorithm_name (sd), ==, cases[i].algorithm);
      cn = signer_cn (sd);
      g_assert_cmpstr (cn, ==, cases[i].cn);
      {
        guint n = 0;

        inkan_cms_signed_data_get_certificates (sd, &n);
        g_assert_cmpuint (n, ==, 2);
      }
      /* OpenSSL adds signingTime unless told -noattr */
      if (g_strv_contains (cases[i].options, "-noattr"))
        g_assert_null (inkan_cms_signed_data_get_signing_time (sd));
      else
        g_assert_nonnull (inkan_cms_signed_data_get_signing_time (sd));
    }
}

static GBytes *
flip (GBytes *bytes, gsize offset)
{
  gsize len;
  guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (bytes), &len);

  g_assert_cmpuint (offset, <, len);
  copy[offset] ^= 0x01;
  return g_bytes_new_take (copy, len);
}

static void
test_openssl_content_changed (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const sha256[] = { "-md", "sha256", NULL };
  const char *const noattr[] = { "-md", "sha256", "-noattr", NULL };
  const char *const ec_noattr[] = { "-md", "sha256", "-noattr", NULL };
  g_autoptr (GBytes) changed = flip (pki->content, 4321);
  g_autoptr (GBytes) cms = openssl_cms ("rsa", sha256);
  g_autoptr (GBytes) cms_noattr = openssl_cms ("rsa", noattr);
  g_autoptr (GBytes) cms_ec_noattr = openssl_cms ("p256", ec_noattr);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autoptr (GError) error3 = NULL;

  error = check (cms, changed, NULL);
  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH);
  /* With no signed attributes there is no messageDigest: the signature itself fails. */
  error2 = check (cms_noattr, changed, NULL);
  g_assert_error (error2, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_SIGNATURE_INVALID);
  error3 = check (cms_ec_noattr, changed, NULL);
  g_assert_error (error3, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_SIGNATURE_INVALID);
}

static void
test_openssl_econtent_other (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const nodetach[] = { "-md", "sha256", "-nodetach", NULL };
  g_autoptr (GBytes) cms = openssl_cms ("rsa", nodetach);
  g_autoptr (GBytes) other = flip (pki->content, 10);
  g_autoptr (GError) error = check (cms, other, NULL);

  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH);
}

/* The signature value ends a SignerInfo with no unsigned attributes, hence the DER. */
static void
test_openssl_signature_changed (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const rsa[] = { "-md", "sha256", NULL };
  const char *const pss[] = { "-md", "sha256", "-keyopt", "rsa_padding_mode:pss", NULL };
  const char *const ec[] = { "-md", "sha384", NULL };
  const char *const *options[] = { rsa, pss, ec };
  const char *keys[] = { "rsa", "rsa", "p384" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GBytes) cms = openssl_cms (keys[i], options[i]);
      g_autoptr (GBytes) broken = flip (cms, g_bytes_get_size (cms) - 10);
      g_autoptr (GError) error = check (broken, pki->content, NULL);

      g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_SIGNATURE_INVALID);
    }
}

static void
test_openssl_no_signer (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const nocerts[] = { "-md", "sha256", "-nocerts", NULL };
  g_autoptr (GBytes) cms = openssl_cms ("rsa", nocerts);
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) error = check (cms, pki->content, &sd);

  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_NO_SIGNER_CERT);
  g_assert_null (inkan_cms_signed_data_get_signer (sd));
}

static void
test_openssl_weak_digest (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const sha1[] = { "-md", "sha1", NULL };
  const char *const md5[] = { "-md", "md5", NULL };
  const char *const sha224[] = { "-md", "sha224", NULL };
  g_autoptr (GBytes) cms_sha1 = openssl_cms ("rsa", sha1);
  g_autoptr (GBytes) cms_md5 = openssl_cms ("rsa", md5);
  g_autoptr (GBytes) cms_sha224 = openssl_cms ("p256", sha224);
  g_autoptr (GError) error = check (cms_sha1, pki->content, NULL);
  g_autoptr (GError) error2 = check (cms_md5, pki->content, NULL);
  g_autoptr (GError) error3 = check (cms_sha224, pki->content, NULL);

  g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "SHA-1"));
  g_assert_error (error2, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error2->message, "MD5"));
  g_assert_error (error3, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_UNSUPPORTED);
}

/* Padding zeros after the structure are the /Contents placeholder's; anything else is not. */
static void
test_padding (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const sha256[] = { "-md", "sha256", NULL };
  g_autoptr (GBytes) cms = openssl_cms ("rsa", sha256);
  gsize len = g_bytes_get_size (cms);
  g_autofree guint8 *padded = g_malloc0 (len + 4000);
  g_autoptr (GBytes) padded_bytes = NULL;
  g_autoptr (GBytes) trailing_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;

  memcpy (padded, g_bytes_get_data (cms, NULL), len);
  padded_bytes = g_bytes_new (padded, len + 4000);
  error = check (padded_bytes, pki->content, NULL);
  g_assert_no_error (error);

  padded[len + 3000] = 'x';
  trailing_bytes = g_bytes_new (padded, len + 4000);
  error2 = check (trailing_bytes, pki->content, NULL);
  g_assert_error (error2, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_FORMAT);
}

/* Every truncation is FORMAT; random bytes are FORMAT; a single-bit change fails, or verifies
 * where no signature covers the bit; never a crash. */
static void
test_hostile (void)
{
  OpensslPki *pki = openssl_pki ();
  const char *const sha256[] = { "-md", "sha256", NULL };
  g_autoptr (GBytes) cms = openssl_cms ("p256", sha256);
  gsize len = g_bytes_get_size (cms);
  const guint8 *data = g_bytes_get_data (cms, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  guint n_verified = 0;

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GBytes) truncated = g_bytes_new (data, cut);
      g_autoptr (GError) error = check (truncated, pki->content, NULL);

      g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_FORMAT);
    }

  for (guint i = 0; i < 200; i++)
    {
      gsize n = g_rand_int_range (rand, 1, 3000);
      g_autofree guint8 *garbage = g_malloc (n);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;

      for (gsize j = 0; j < n; j++)
        garbage[j] = g_rand_int (rand);
      /* the first bytes of a ContentInfo, so the decoder gets past the outer tag */
      if (i % 2 == 0 && n > 4)
        garbage[0] = 0x30, garbage[1] = 0x80;
      bytes = g_bytes_new (garbage, n);
      error = check (bytes, pki->content, NULL);
      g_assert_error (error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_FORMAT);
    }

  for (gsize offset = 0; offset < len; offset++)
    {
      g_autoptr (GBytes) changed = flip (cms, offset);
      g_autoptr (GError) error = check (changed, pki->content, NULL);

      if (error == NULL)
        {
          /* the signature value (an ECDSA P-256 one ends the DER) is never among them */
          g_assert_cmpuint (offset, <, len - 64);
          n_verified++;
        }
      else
        g_assert_true (error->domain == INKAN_CMS_VERIFY_ERROR);
    }
  /* Bytes nothing signs (the root's certificate, parts of the signer's that the path check
   * judges) may change without failing here, but not most. */
  g_assert_cmpuint (n_verified, <, len);
}

static GBytes *
pem_to_der (const char *path)
{
  g_autofree char *pem = NULL;
  g_autoptr (GError) error = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum, der = { NULL, 0 };
  gsize len = 0;
  GBytes *bytes;

  g_assert_true (g_file_get_contents (path, &pem, &len, &error));
  g_assert_no_error (error);
  datum.data = (unsigned char *)pem;
  datum.size = len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  return bytes;
}

/* Two certificates for the same key, issuer and serial number, differing in their validity:
 * signingCertificateV2 (-cades) tells which one signed. Swapping the other one in keeps the
 * signature valid and must still fail. */
static void
test_openssl_signing_certificate (void)
{
  OpensslPki *pki = openssl_pki ();
  g_autofree char *twin30 = g_build_filename (pki->dir, "twin30.pem", NULL);
  g_autofree char *twin31 = g_build_filename (pki->dir, "twin31.pem", NULL);
  g_autoptr (GBytes) der30 = pem_to_der (twin30);
  g_autoptr (GBytes) der31 = pem_to_der (twin31);
  const char *const cades[] = { "-md", "sha256", "-cades", NULL };
  g_autoptr (GBytes) cms = openssl_cms ("twin30", cades);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autoptr (GBytes) swapped = NULL;
  gsize len = 0;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (cms), &len);
  guint8 *at;

  error = check (cms, pki->content, NULL);
  g_assert_no_error (error);

  g_assert_cmpuint (g_bytes_get_size (der30), ==, g_bytes_get_size (der31));
  at = memmem (data, len, g_bytes_get_data (der30, NULL), g_bytes_get_size (der30));
  g_assert_nonnull (at);
  memcpy (at, g_bytes_get_data (der31, NULL), g_bytes_get_size (der31));
  swapped = g_bytes_new_take (data, len);
  error2 = check (swapped, pki->content, NULL);
  g_assert_error (error2, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_SIGNING_CERT_MISMATCH);
}

/* ---- inkan-cli sign, and BER from pdfsig (NSS) ------------------------------------------ */

static void
test_inkan_cli (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cms-verify-cli.pdf");
  const char *cli = g_getenv ("INKAN_CLI");
  g_autofree char *err = NULL;
  g_auto (PdfSig) sig = { 0 };
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cn = NULL;
  guint8 digest[64];

  g_assert_nonnull (cli);
  {
    const char *argv[]
        = { "setsid",           "-w",         cli,           "sign", input, "-o", output, "--key",
            pki->clerk_key_url, "--pin-file", pki->pin_file, NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, &err), ==, 0);
  }
  pdf_sig_read (output, 0, &sig);
  sd = inkan_cms_signed_data_parse (g_bytes_get_data (sig.cms, NULL), g_bytes_get_size (sig.cms),
                                    &error);
  g_assert_no_error (error);
  pdf_sig_digest (&sig, inkan_cms_signed_data_get_digest (sd), digest);
  g_assert_true (inkan_cms_signed_data_verify (sd, digest, 32, &error));
  g_assert_no_error (error);
  cn = signer_cn (sd);
  g_assert_cmpstr (cn, ==, "Li Wei (Clerk)");

  /* a byte of the signed part changed */
  {
    g_autoptr (GError) error2 = NULL;

    digest[0] ^= 1;
    g_assert_false (inkan_cms_signed_data_verify (sd, digest, 32, &error2));
    g_assert_error (error2, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH);
  }
}

/* pdfsig signs through NSS, which writes BER with indefinite lengths. NSS reaches the token
 * through SoftHSM's module added to a fresh database; pdfsig crashes at exit inside SoftHSM's
 * shutdown (NOTES.md), so it is judged by its output file. */
static void
test_pdfsig_ber (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *output = inkan_test_tmp_path ("cms-verify-pdfsig.pdf");
  g_autofree char *db = inkan_test_tmp_path ("cms-verify-nssdb");
  g_autofree char *sqldb = g_strconcat ("sql:", db, NULL);
  g_autofree char *list = NULL;
  g_autofree char *nick = NULL;
  g_auto (PdfSig) sig = { 0 };
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cn = NULL;
  const guint8 *cms;
  guint8 digest[64];

  g_assert_cmpint (g_mkdir_with_parents (db, 0700), ==, 0);
  {
    const char *argv[] = { "certutil", "-N", "-d", sqldb, "--empty-password", NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { "modutil",
                           "-dbdir",
                           sqldb,
                           "-add",
                           "softhsm",
                           "-libfile",
                           "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                           "-force",
                           NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
  }
  {
    const char *argv[] = { "certutil", "-L", "-d", sqldb, "-h", "all", "-f", pki->pin_file, NULL };
    g_auto (GStrv) lines = NULL;

    g_assert_cmpint (inkan_test_run (argv, &list, NULL), ==, 0);
    lines = g_strsplit (list, "\n", -1);
    for (guint i = 0; lines[i] != NULL && nick == NULL; i++)
      {
        char *end = strstr (lines[i], ":clerk ");

        if (end != NULL)
          nick = g_strndup (lines[i], end + strlen (":clerk") - lines[i]);
      }
  }
  g_assert_nonnull (nick);
  {
    const char *argv[]
        = { "pdfsig", "-add-signature", "-nssdir", sqldb, "-nss-pwd", pki->pin, "-kpw",
            pki->pin, "-nick",          nick,      input, output,     NULL };

    inkan_test_run (argv, NULL, NULL);
  }
  g_assert_true (g_file_test (output, G_FILE_TEST_EXISTS));

  pdf_sig_read (output, 0, &sig);
  cms = g_bytes_get_data (sig.cms, NULL);
  /* BER: the ContentInfo SEQUENCE has an indefinite length */
  g_assert_cmphex (cms[0], ==, 0x30);
  g_assert_cmphex (cms[1], ==, 0x80);
  sd = inkan_cms_signed_data_parse (cms, g_bytes_get_size (sig.cms), &error);
  g_assert_no_error (error);
  pdf_sig_digest (&sig, inkan_cms_signed_data_get_digest (sd), digest);
  g_assert_true (inkan_cms_signed_data_verify (
      sd, digest, gnutls_hash_get_len (inkan_cms_signed_data_get_digest (sd)), &error));
  g_assert_no_error (error);
  cn = signer_cn (sd);
  g_assert_cmpstr (cn, ==, "Li Wei (Clerk)");

  /* every cut before the last byte of the structure (its padding is zeros) is FORMAT */
  {
    gsize end = g_bytes_get_size (sig.cms);

    while (end > 0 && cms[end - 1] == 0)
      end--;
    for (gsize cut = 0; cut < end; cut += 3)
      {
        g_autoptr (GError) cut_error = NULL;
        g_autoptr (InkanCmsSignedData) cut_sd = inkan_cms_signed_data_parse (cms, cut, &cut_error);

        g_assert_null (cut_sd);
        g_assert_error (cut_error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_FORMAT);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/cms-verify/corpus/valid", test_corpus_valid);
  g_test_add_func ("/inkan/cms-verify/corpus/econtent-refused", test_corpus_econtent);
  g_test_add_func ("/inkan/cms-verify/corpus/zero-contents", test_corpus_zero_contents);
  g_test_add_func ("/inkan/cms-verify/corpus/metadata", test_corpus_metadata);
  g_test_add_func ("/inkan/cms-verify/openssl/shapes", test_openssl_shapes);
  g_test_add_func ("/inkan/cms-verify/openssl/content-changed", test_openssl_content_changed);
  g_test_add_func ("/inkan/cms-verify/openssl/econtent-other", test_openssl_econtent_other);
  g_test_add_func ("/inkan/cms-verify/openssl/signature-changed", test_openssl_signature_changed);
  g_test_add_func ("/inkan/cms-verify/openssl/no-signer", test_openssl_no_signer);
  g_test_add_func ("/inkan/cms-verify/openssl/signing-certificate",
                   test_openssl_signing_certificate);
  g_test_add_func ("/inkan/cms-verify/openssl/weak-digest", test_openssl_weak_digest);
  g_test_add_func ("/inkan/cms-verify/padding", test_padding);
  g_test_add_func ("/inkan/cms-verify/hostile", test_hostile);
  g_test_add_func ("/inkan/cms-verify/inkan-cli", test_inkan_cli);
  g_test_add_func ("/inkan/cms-verify/pdfsig-ber", test_pdfsig_ber);

  return g_test_run ();
}
