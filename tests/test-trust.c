/* Tests of trust anchors and certificate paths, on a PKI made here with OpenSSL and the corpus. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "inkan-test-util.h"

#include "inkan-cms-verify.h"
#include "inkan-trust.h"

#include <glib/gstdio.h>
#include <string.h>

static const char pki_script[]
    = "set -e\n"
      "cat > ext.cnf <<'EOF'\n"
      "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
      "[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
      "[ke]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n"
      "[noku]\nbasicConstraints=CA:FALSE\n"
      "[noaki]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
      "subjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n"
      "[nonca]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,"
      "keyCertSign\n"
      "EOF\n"
      "root () {\n"
      "  openssl req -x509 -newkey rsa:2048 -nodes -keyout $1.key -out $1.pem -days 30 "
      "    -subj \"/O=Inkan Test/CN=$2\" -addext \"basicConstraints=critical,CA:TRUE$3\" "
      "    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null\n"
      "}\n"
      "cert () {\n"
      "  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $1.key "
      "    -out $1.csr -subj \"/O=Inkan Test/CN=$4\" 2>/dev/null\n"
      "  openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 30 "
      "    -extfile ext.cnf -extensions $3 -out $1.pem 2>/dev/null\n"
      "}\n"
      "root root 'Trust Test Root' ''\n"
      "root other 'Other Root' ''\n"
      "root root0 'Pathlen Zero Root' ',pathlen:0'\n"
      "root fake 'Trust Test Intermediate' ''\n"
      "cert inter root ca 'Trust Test Intermediate'\n"
      "cert leaf inter leaf 'Signer Leaf'\n"
      "cert ke inter ke 'Encipherment Only'\n"
      "cert noku inter noku 'No Key Usage'\n"
      "cert nonca root nonca 'Not A CA'\n"
      "cert leaf2 nonca leaf 'Under Not A CA'\n"
      "cert inter0 root0 ca 'Under Pathlen Zero'\n"
      "cert leaf3 inter0 leaf 'Too Deep'\n"
      "cert stranger other leaf 'Stranger'\n"
      "cert forged fake noaki 'Forged Leaf'\n"
      "openssl x509 -in root.pem -outform DER -out root.der\n"
      "printf 'not a certificate' > garbage.pem\n";

static const char *
pki_dir (void)
{
  static char *dir;
  g_autofree char *err = NULL;
  g_autofree char *cwd = NULL;
  const char *argv[] = { "sh", "-c", pki_script, NULL };

  if (dir != NULL)
    return dir;
  dir = inkan_test_tmp_path ("trust-pki");
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  cwd = g_get_current_dir ();
  g_assert_cmpint (g_chdir (dir), ==, 0);
  if (inkan_test_run (argv, NULL, &err) != 0)
    g_error ("making the test PKI failed: %s", err);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  return dir;
}

static char *
pki_file (const char *name)
{
  return g_build_filename (pki_dir (), name, NULL);
}

static gnutls_x509_crt_t
load (const char *name)
{
  g_autofree char *path
      = strchr (name, '/') ? g_strdup (name) : g_strdup_printf ("%s/%s.pem", pki_dir (), name);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  datum.data = (unsigned char *)contents;
  datum.size = len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  return crt;
}

static InkanTrust *
trust_with (const char *anchor)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = strchr (anchor, '/') ? g_strdup (anchor) : pki_file (anchor);

  g_assert_true (inkan_trust_add_file (trust, path, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&trust);
}

static char *
cn_of (gnutls_x509_crt_t crt)
{
  char cn[256];
  size_t size = sizeof cn;

  g_assert_cmpint (
      gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size), >=, 0);
  return g_strndup (cn, size);
}

/* Checks the path of the leaf `name` through the named intermediates, `days` from now. */
static void
check (InkanTrust *trust, const char *name, const char *const *others, int days,
       InkanPathResult *result)
{
  gnutls_x509_crt_t signer = load (name);
  gnutls_x509_crt_t crts[8];
  guint n = 0;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_days (now, days);

  for (; others != NULL && others[n] != NULL; n++)
    crts[n] = load (others[n]);
  inkan_trust_check_path (trust, signer, crts, n, at, result);
  if (result->detail != NULL)
    g_test_message ("%s: %s", name, result->detail);
  for (guint i = 0; i < n; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_x509_crt_deinit (signer);
}

static void
test_ok_any_order (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "stranger", "other", "root", "ke", "inter", NULL };
  g_auto (InkanPathResult) result = { 0 };
  g_autofree char *cn0 = NULL;
  g_autofree char *cn1 = NULL;
  g_autofree char *cn2 = NULL;

  check (trust, "leaf", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_OK);
  g_assert_null (result.detail);
  g_assert_cmpuint (result.chain->len, ==, 3);
  cn0 = cn_of (result.chain->pdata[0]);
  cn1 = cn_of (result.chain->pdata[1]);
  cn2 = cn_of (result.chain->pdata[2]);
  g_assert_cmpstr (cn0, ==, "Signer Leaf");
  g_assert_cmpstr (cn1, ==, "Trust Test Intermediate");
  g_assert_cmpstr (cn2, ==, "Trust Test Root");
}

/* The CMS need not carry the root: the anchor ends the path. No key usage at all is fine. */
static void
test_ok_without_root_in_cms (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.der");
  const char *const others[] = { "inter", NULL };
  g_auto (InkanPathResult) result = { 0 };
  g_auto (InkanPathResult) result2 = { 0 };

  check (trust, "leaf", others, 1, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_OK);
  g_assert_cmpuint (result.chain->len, ==, 3);
  check (trust, "noku", others, 0, &result2);
  g_assert_cmpint (result2.status, ==, INKAN_PATH_OK);
}

static void
test_untrusted_root (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("other.pem");
  const char *const others[] = { "inter", "root", NULL };
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "leaf", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_NO_CHAIN);
  g_assert_cmpuint (result.chain->len, ==, 3);
  g_assert_nonnull (strstr (result.detail, "“Trust Test Root” is not trusted on this computer"));
  g_assert_nonnull (strstr (result.detail, "import it if you know it"));
}

static void
test_missing_intermediate (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "leaf", NULL, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_NO_CHAIN);
  g_assert_cmpuint (result.chain->len, ==, 1);
  g_assert_nonnull (strstr (result.detail, "“Trust Test Intermediate”"));
}

static void
test_expired_and_not_yet_valid (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "inter", NULL };
  g_auto (InkanPathResult) result = { 0 };
  g_auto (InkanPathResult) result2 = { 0 };

  check (trust, "leaf", others, 60, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_EXPIRED);
  g_assert_nonnull (strstr (result.detail, "expired on"));
  check (trust, "leaf", others, -10, &result2);
  g_assert_cmpint (result2.status, ==, INKAN_PATH_NOT_YET_VALID);
  g_assert_nonnull (strstr (result2.detail, "only became valid"));
}

static void
test_key_usage (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "inter", NULL };
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "ke", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_KEY_USAGE);
  g_assert_nonnull (strstr (result.detail, "“Encipherment Only”"));
}

static void
test_non_ca_intermediate (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "nonca", NULL };
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "leaf2", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_INVALID);
  g_assert_nonnull (strstr (result.detail, "“Not A CA”"));
  g_assert_nonnull (strstr (result.detail, "not a certificate authority"));
}

static void
test_path_length (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root0.pem");
  const char *const others[] = { "inter0", NULL };
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "leaf3", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_INVALID);
  g_assert_nonnull (strstr (result.detail, "at most 0 intermediate"));
}

/* A leaf naming the intermediate as its issuer (no key identifier tells them apart) but signed
 * by another key. */
static void
test_forged_issuer (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "inter", NULL };
  g_auto (InkanPathResult) result = { 0 };

  check (trust, "forged", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_INVALID);
  g_assert_nonnull (strstr (result.detail, "not validly signed"));
}

/* A trust object remembers the certificate signatures it found good: checked again, the same
 * path is good again, and a certificate with the same issuer name but not signed by that issuer
 * is still refused, before and after. */
static void
test_remembered_signatures (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("root.pem");
  const char *const others[] = { "inter", NULL };
  guint round;

  for (round = 0; round < 2; round++)
    {
      g_auto (InkanPathResult) good = { 0 };
      g_auto (InkanPathResult) forged = { 0 };

      check (trust, "leaf", others, 0, &good);
      g_assert_cmpint (good.status, ==, INKAN_PATH_OK);
      g_assert_cmpuint (good.chain->len, ==, 3);
      check (trust, "forged", others, 0, &forged);
      g_assert_cmpint (forged.status, ==, INKAN_PATH_INVALID);
      g_assert_nonnull (strstr (forged.detail, "not validly signed"));
    }
}

/* A self-signed root with the trusted root's name but another key is not that root. */
static void
test_lookalike_root (void)
{
  g_autoptr (InkanTrust) trust = trust_with ("inter.pem");
  const char *const others[] = { "fake", NULL };
  g_auto (InkanPathResult) result = { 0 };

  /* "fake" is self-signed and named like the trusted intermediate */
  check (trust, "forged", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_NO_CHAIN);
  g_assert_nonnull (strstr (result.detail, "not the one of that name"));
}

static void
test_trust_files (void)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autofree char *garbage = pki_file ("garbage.pem");
  g_autofree char *missing = pki_file ("missing.pem");
  g_autofree char *chain = inkan_test_corpus ("pyhanko/pki/testing-ca/ca-chain.cert.pem");

  g_assert_false (inkan_trust_add_file (trust, missing, &error));
  g_assert_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_NOT_FOUND);
  g_assert_false (inkan_trust_add_file (trust, garbage, &error2));
  g_assert_error (error2, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_INVALID);
  g_assert_nonnull (strstr (error2->message, "garbage.pem"));
  /* several certificates in one PEM file */
  g_assert_true (inkan_trust_add_file (trust, chain, NULL));
}

static void
test_system_trust (void)
{
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  const char *const others[] = { "inter", "root", NULL };
  g_auto (InkanPathResult) result = { 0 };

  g_assert_true (inkan_trust_add_system (trust, &error));
  g_assert_no_error (error);
  check (trust, "leaf", others, 0, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_NO_CHAIN);
}

/* ---- pyHanko's signed files, with its test root --------------------------------------- */

/* The CMS of the first signature of a corpus PDF, read from its /ByteRange gap. */
static InkanCmsSignedData *
corpus_cms (const char *name)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) der = g_byte_array_new ();
  InkanCmsSignedData *sd;
  guint64 range[4];
  const char *p;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  p = memmem (contents, len, "/ByteRange", 10);
  g_assert_nonnull (p);
  p = strchr (p, '[');
  g_assert_nonnull (p);
  p++;
  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      range[i] = g_ascii_strtoull (p, &end, 10);
      p = end;
    }
  g_assert_cmpuint (range[2], <=, len);
  for (guint64 i = range[1] + 1; i + 2 < range[2]; i += 2)
    {
      guint8 b = (g_ascii_xdigit_value (contents[i]) << 4) | g_ascii_xdigit_value (contents[i + 1]);

      g_byte_array_append (der, &b, 1);
    }
  sd = inkan_cms_signed_data_parse (der->data, der->len, &error);
  g_assert_no_error (error);
  return sd;
}

static void
corpus_path (InkanTrust *trust, const char *name, GDateTime *at, InkanPathResult *result)
{
  g_autoptr (InkanCmsSignedData) sd = corpus_cms (name);
  guint n = 0;
  gnutls_x509_crt_t const *certs = inkan_cms_signed_data_get_certificates (sd, &n);

  inkan_trust_check_path (trust, inkan_cms_signed_data_get_signer (sd), certs, n, at, result);
  if (result->detail != NULL)
    g_test_message ("%s: %s", name, result->detail);
}

static void
test_corpus_alice (void)
{
  g_autofree char *root = inkan_test_corpus ("pyhanko/pki/testing-ca/root/root.cert.pem");
  g_autoptr (InkanTrust) trust = trust_with (root);
  g_autoptr (InkanTrust) untrusted = trust_with ("root.pem");
  g_autoptr (GDateTime) in_validity = g_date_time_new_utc (2021, 6, 1, 12, 0, 0);
  g_autoptr (GDateTime) after = g_date_time_new_utc (2023, 1, 1, 0, 0, 0);
  g_auto (InkanPathResult) result = { 0 };
  g_auto (InkanPathResult) result2 = { 0 };
  g_auto (InkanPathResult) result3 = { 0 };
  g_autofree char *top = NULL;

  corpus_path (trust, "sig-with-ski-sid.pdf", in_validity, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_OK);
  g_assert_cmpuint (result.chain->len, ==, 3);
  top = cn_of (result.chain->pdata[2]);
  g_assert_cmpstr (top, ==, "Root CA");

  corpus_path (trust, "pades-with-old-style-signing-cert-attr.pdf", after, &result2);
  g_assert_cmpint (result2.status, ==, INKAN_PATH_EXPIRED);
  g_assert_nonnull (strstr (result2.detail, "“Alice” expired on 2022-01-01"));

  corpus_path (untrusted, "sig-with-ski-sid.pdf", in_validity, &result3);
  g_assert_cmpint (result3.status, ==, INKAN_PATH_NO_CHAIN);
  g_assert_nonnull (strstr (result3.detail, "“Root CA” is not trusted on this computer"));
}

/* Lord Testerino of minimal-signed-twice-*.pdf is a self-signed identity. */
static void
test_corpus_self_signed (void)
{
  g_autofree char *root = inkan_test_corpus ("pyhanko/pki/testing-ca/root/root.cert.pem");
  g_autoptr (InkanTrust) trust = trust_with (root);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_auto (InkanPathResult) result = { 0 };

  corpus_path (trust, "minimal-signed-twice-both-created.pdf", now, &result);
  g_assert_cmpint (result.status, ==, INKAN_PATH_NO_CHAIN);
  g_assert_cmpuint (result.chain->len, ==, 1);
  g_assert_nonnull (strstr (result.detail, "“Lord Testerino” is signed by itself"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/trust/path/ok-any-order", test_ok_any_order);
  g_test_add_func ("/inkan/trust/path/ok-without-root-in-cms", test_ok_without_root_in_cms);
  g_test_add_func ("/inkan/trust/path/untrusted-root", test_untrusted_root);
  g_test_add_func ("/inkan/trust/path/missing-intermediate", test_missing_intermediate);
  g_test_add_func ("/inkan/trust/path/expired-and-not-yet-valid", test_expired_and_not_yet_valid);
  g_test_add_func ("/inkan/trust/path/key-usage", test_key_usage);
  g_test_add_func ("/inkan/trust/path/non-ca-intermediate", test_non_ca_intermediate);
  g_test_add_func ("/inkan/trust/path/path-length", test_path_length);
  g_test_add_func ("/inkan/trust/path/forged-issuer", test_forged_issuer);
  g_test_add_func ("/inkan/trust/path/lookalike-root", test_lookalike_root);
  g_test_add_func ("/inkan/trust/path/remembered-signatures", test_remembered_signatures);
  g_test_add_func ("/inkan/trust/anchors/files", test_trust_files);
  g_test_add_func ("/inkan/trust/anchors/system", test_system_trust);
  g_test_add_func ("/inkan/trust/corpus/alice", test_corpus_alice);
  g_test_add_func ("/inkan/trust/corpus/self-signed", test_corpus_self_signed);

  return g_test_run ();
}
