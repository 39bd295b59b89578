/* Tests of the token module against a SoftHSM2 token holding the test PKI. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>

#include "inkan-test-util.h"
#include "inkan-token.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)

/* ---------------------------------------------------------------------------------------------
 * Helpers
 */

/* A PIN callback that answers from a script and records what it was asked. */
typedef struct
{
  const char *answers[8]; /* NULL answer: cancel; the last answer repeats */
  guint n_answers;
  guint calls;
  InkanPinFlags flags[16];
  char *labels[16];
} PinScript;

static void
pin_script_clear (PinScript *script)
{
  for (guint i = 0; i < G_N_ELEMENTS (script->labels); i++)
    g_clear_pointer (&script->labels[i], g_free);
}

static char *
scripted_pin (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  PinScript *script = user_data;
  guint i = MIN (script->calls, script->n_answers - 1);

  if (script->calls < G_N_ELEMENTS (script->flags))
    {
      script->flags[script->calls] = flags;
      script->labels[script->calls] = g_strdup (token_label);
    }
  script->calls++;
  return g_strdup (script->answers[i]);
}

/* A callback that never answers the same twice, as a user mistyping over and over would. */
static char *
always_new_wrong_pin (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return g_strdup_printf ("9%u8%u7", *calls, *calls);
}

static gnutls_x509_crt_t
load_pem (const char *path)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t data = { NULL, 0 };

  g_assert_cmpint (gnutls_load_file (path, &data), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_PEM), ==, 0);
  gnutls_free (data.data);
  return crt;
}

static char *
subject_of (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *out;

  g_assert_cmpint (gnutls_x509_crt_get_dn3 (crt, &dn, 0), ==, 0);
  out = g_strndup ((const char *)dn.data, dn.size);
  gnutls_free (dn.data);
  return out;
}

static char *
pem_subject (const char *path)
{
  g_auto (gnutls_x509_crt_t) crt = load_pem (path);

  return subject_of (crt);
}

/* A temporary file holding `data`; the caller unlinks it. */
static char *
write_tmp_file (const char *tmpl, const char *data, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp (tmpl, &path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
  return path;
}

/* The token's label as GnuTLS resolves the fixture's token URL. */
static char *
test_token_label (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  char label[256];
  size_t size = sizeof label;

  g_assert_cmpint (
      gnutls_pkcs11_token_get_info (pki->token_url, GNUTLS_PKCS11_TOKEN_LABEL, label, &size), ==,
      0);
  return g_strdup (label);
}

/* Signs with the signer's key and verifies with its certificate's public key. */
static void
assert_signer_signs (InkanSigner *signer)
{
  g_auto (gnutls_pubkey_t) pub = NULL;
  gnutls_datum_t data = { (unsigned char *)"Inkan seals this.", 17 };
  gnutls_datum_t sig = { NULL, 0 };
  gnutls_sign_algorithm_t algo;
  unsigned bits = 0;
  int pk;

  pk = gnutls_privkey_get_pk_algorithm (inkan_signer_get_privkey (signer), &bits);
  algo = gnutls_pk_to_sign (pk, GNUTLS_DIG_SHA256);
  g_assert_cmpint (algo, !=, GNUTLS_SIGN_UNKNOWN);
  g_assert_cmpint (
      gnutls_privkey_sign_data2 (inkan_signer_get_privkey (signer), algo, 0, &data, &sig), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&pub), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_x509 (pub, inkan_signer_get_certificate (signer), 0), ==,
                   0);
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, algo, 0, &data, &sig), >=, 0);
  /* and a tampered message does not verify */
  data.data = (unsigned char *)"Inkan seals that.";
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, algo, 0, &data, &sig), <, 0);
  gnutls_free (sig.data);
}

/* chain[0] is the certificate in `pem`, and the chain ends at the test root. */
static void
assert_signer_chain (InkanSigner *signer, const char *pem)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_auto (gnutls_x509_crt_t) expected = load_pem (pem);
  g_auto (gnutls_x509_crt_t) root = load_pem (pki->root_pem);
  g_autofree char *subject = subject_of (expected);
  gnutls_x509_crt_t *chain;
  guint n_chain = 0;

  chain = inkan_signer_get_chain (signer, &n_chain);
  g_assert_cmpuint (n_chain, ==, 2);
  g_assert_true (gnutls_x509_crt_equals (chain[0], expected));
  g_assert_true (chain[0] == inkan_signer_get_certificate (signer));
  g_assert_true (gnutls_x509_crt_equals (chain[1], root));
  g_assert_true (gnutls_x509_crt_check_issuer (chain[0], chain[1]));
  g_assert_cmpstr (inkan_signer_get_subject (signer), ==, subject);
}

static InkanSigner *
open_with_pin (const char *key_url, const char *cert_ref)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (key_url, cert_ref, scripted_pin, &script, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signer);
  g_assert_cmpuint (script.calls, ==, 1);
  g_assert_cmpint (script.flags[0] & INKAN_PIN_FLAG_RETRY, ==, 0);
  pin_script_clear (&script);
  return signer;
}

/* ---------------------------------------------------------------------------------------------
 * Token list
 */

static void
test_list_has_test_token (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autofree char *label = test_token_label ();
  InkanTokenInfo *found = NULL;

  tokens = inkan_token_list (&error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  for (guint i = 0; i < tokens->len; i++)
    {
      InkanTokenInfo *info = g_ptr_array_index (tokens, i);

      g_assert_nonnull (info->url);
      g_assert_true (g_str_has_prefix (info->url, "pkcs11:"));
      if (g_strcmp0 (info->label, label) == 0)
        found = info;
    }
  g_assert_nonnull (found);
  g_assert_cmpstr (found->manufacturer, ==, "SoftHSM project");
  g_assert_cmpstr (found->model, ==, "SoftHSM v2");
  g_assert_cmpuint (strlen (found->serial), >, 0);
  g_assert_true (found->login_required);
  /* The listed URL names the same token as the fixture's. */
  {
    char serial[64];
    size_t size = sizeof serial;

    g_assert_cmpint (
        gnutls_pkcs11_token_get_info (pki->token_url, GNUTLS_PKCS11_TOKEN_SERIAL, serial, &size),
        ==, 0);
    g_assert_cmpstr (found->serial, ==, serial);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Certificates on the token
 */

typedef struct
{
  const char *name;
  const char *key_type;
  gboolean has_key;
  gboolean is_ca;
} ExpectedCert;

static const ExpectedCert expected_certs[] = {
  { "clerk", "RSA 2048", TRUE, FALSE },     { "manager", "RSA 2048", TRUE, FALSE },
  { "second", "ECDSA P-256", TRUE, FALSE }, { "expired", "RSA 2048", TRUE, FALSE },
  { "nousage", "RSA 2048", TRUE, FALSE },   { "root", "RSA 2048", FALSE, TRUE },
};

static const char *
expected_pem (const ExpectedCert *e)
{
  InkanTestPki *pki = inkan_test_pki_get ();

  if (strcmp (e->name, "clerk") == 0)
    return pki->clerk_pem;
  if (strcmp (e->name, "manager") == 0)
    return pki->manager_pem;
  if (strcmp (e->name, "second") == 0)
    return pki->second_pem;
  if (strcmp (e->name, "expired") == 0)
    return pki->expired_pem;
  if (strcmp (e->name, "nousage") == 0)
    return pki->nousage_pem;
  return pki->root_pem;
}

static InkanTokenCert *
find_cert (GPtrArray *certs, const char *subject)
{
  InkanTokenCert *found = NULL;

  for (guint i = 0; i < certs->len; i++)
    {
      InkanTokenCert *cert = g_ptr_array_index (certs, i);

      if (g_strcmp0 (cert->subject, subject) == 0)
        {
          g_assert_null (found);
          found = cert;
        }
    }
  g_assert_nonnull (found);
  return found;
}

static void
assert_cert_list (GPtrArray *certs)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *root_subject = pem_subject (pki->root_pem);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_assert_cmpuint (certs->len, ==, G_N_ELEMENTS (expected_certs));
  for (guint i = 0; i < G_N_ELEMENTS (expected_certs); i++)
    {
      const ExpectedCert *e = &expected_certs[i];
      g_auto (gnutls_x509_crt_t) pem = load_pem (expected_pem (e));
      g_auto (gnutls_x509_crt_t) on_token = NULL;
      g_autofree char *subject = subject_of (pem);
      InkanTokenCert *cert = find_cert (certs, subject);

      g_test_message ("%s: %s, key %s", e->name, cert->subject, cert->key_url);
      g_assert_true (g_str_has_prefix (cert->subject, "CN="));
      g_assert_cmpstr (cert->issuer, ==, root_subject);
      g_assert_cmpstr (cert->key_type, ==, e->key_type);
      g_assert_cmpint (cert->is_ca, ==, e->is_ca);
      g_assert_nonnull (cert->not_before);
      g_assert_nonnull (cert->not_after);
      g_assert_cmpint (g_date_time_compare (cert->not_before, cert->not_after), <, 0);
      g_assert_cmpint (g_date_time_to_unix (cert->not_after), ==,
                       (gint64)gnutls_x509_crt_get_expiration_time (pem));
      if (strcmp (e->name, "expired") == 0)
        g_assert_cmpint (g_date_time_compare (cert->not_after, now), <, 0);
      else
        g_assert_cmpint (g_date_time_compare (cert->not_after, now), >, 0);
      g_assert_cmpstr (cert->label, ==, e->name);

      /* The certificate URL names exactly this certificate. */
      g_assert_true (g_str_has_prefix (cert->cert_url, "pkcs11:"));
      g_assert_cmpint (gnutls_x509_crt_init (&on_token), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_import_url (on_token, cert->cert_url, 0), ==, 0);
      g_assert_true (gnutls_x509_crt_equals (on_token, pem));

      if (e->has_key)
        {
          g_assert_nonnull (cert->key_url);
          g_assert_true (g_str_has_prefix (cert->key_url, "pkcs11:"));
          g_assert_nonnull (strstr (cert->key_url, "type=private"));
        }
      else
        g_assert_null (cert->key_url);
    }
}

static void
test_certs_without_pin (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;

  certs = inkan_token_list_certs (pki->token_url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (certs);
  assert_cert_list (certs);

  /* The key URL found without a PIN opens the key that goes with the certificate. */
  {
    g_autofree char *subject = pem_subject (pki->second_pem);
    InkanTokenCert *cert = find_cert (certs, subject);
    g_autoptr (InkanSigner) signer = open_with_pin (cert->key_url, NULL);

    assert_signer_chain (signer, pki->second_pem);
  }
}

static void
test_certs_with_pin (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;
  g_autofree char *label = test_token_label ();

  certs = inkan_token_list_certs (pki->token_url, scripted_pin, &script, &error);
  g_assert_no_error (error);
  g_assert_nonnull (certs);
  g_assert_cmpuint (script.calls, ==, 1);
  g_assert_cmpstr (script.labels[0], ==, label);
  assert_cert_list (certs);

  /* After the login the private keys themselves are seen: their URLs carry their labels. */
  for (guint i = 0; i < certs->len; i++)
    {
      InkanTokenCert *cert = g_ptr_array_index (certs, i);
      g_autofree char *object = g_strdup_printf (";object=%s;", cert->label);

      if (cert->key_url != NULL)
        g_assert_nonnull (strstr (cert->key_url, object));
    }
  pin_script_clear (&script);
}

static void
test_certs_wrong_pin (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { "000000000" }, 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;

  certs = inkan_token_list_certs (pki->token_url, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT);
  g_assert_null (certs);
  g_assert_cmpuint (script.calls, ==, 2);
  g_assert_null (strstr (error->message, "000000000"));
  g_assert_null (strstr (error->message, pki->pin));
  pin_script_clear (&script);
}

static void
test_certs_bad_token (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) certs = NULL;

  certs = inkan_token_list_certs ("https://token.example/", NULL, NULL, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL);
  g_assert_null (certs);
  g_clear_error (&error);

  certs = inkan_token_list_certs ("pkcs11:token=No%20Such%20Token;serial=0000", NULL, NULL, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND);
  g_assert_null (certs);
}

/* ---------------------------------------------------------------------------------------------
 * Signers over token keys
 */

static void
test_signer_rsa (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->clerk_key_url, NULL);
  g_autoptr (GError) error = NULL;
  unsigned bits = 0;

  g_assert_cmpint (gnutls_privkey_get_pk_algorithm (inkan_signer_get_privkey (signer), &bits), ==,
                   GNUTLS_PK_RSA);
  g_assert_cmpuint (bits, ==, 2048);
  assert_signer_chain (signer, pki->clerk_pem);
  assert_signer_signs (signer);
  g_assert_true (inkan_signer_check_usable (signer, NULL, &error));
  g_assert_no_error (error);
}

static void
test_signer_ecdsa (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->second_key_url, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (gnutls_privkey_get_pk_algorithm (inkan_signer_get_privkey (signer), NULL), ==,
                   GNUTLS_PK_ECDSA);
  assert_signer_chain (signer, pki->second_pem);
  assert_signer_signs (signer);
  g_assert_true (inkan_signer_check_usable (signer, NULL, &error));
  g_assert_no_error (error);
}

static void
test_signer_cert_pem_file (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->manager_key_url, pki->manager_pem);

  assert_signer_chain (signer, pki->manager_pem);
  assert_signer_signs (signer);
}

static void
test_signer_cert_url (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->manager_key_url, pki->manager_cert_url);

  assert_signer_chain (signer, pki->manager_pem);
  assert_signer_signs (signer);
}

/* A bundle with the root first and the signer's certificate last: the signer's is found by its
 * key wherever it is, and the root from the file completes the chain. */
static void
test_signer_cert_bundle (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *bundle = NULL;
  g_autofree char *root = NULL;
  g_autofree char *clerk = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = NULL;

  g_assert_true (g_file_get_contents (pki->root_pem, &root, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pki->clerk_pem, &clerk, NULL, &error));
  g_assert_no_error (error);
  contents = g_strconcat (root, "\n", clerk, NULL);
  bundle = write_tmp_file ("inkan-token-bundle-XXXXXX.pem", contents, -1);

  signer = open_with_pin (pki->clerk_key_url, bundle);
  assert_signer_chain (signer, pki->clerk_pem);
  g_unlink (bundle);
}

static void
test_signer_cert_der_file (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *path = NULL;
  g_auto (gnutls_x509_crt_t) crt = load_pem (pki->second_pem);
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = NULL;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  path = write_tmp_file ("inkan-token-XXXXXX.der", (const char *)der.data, der.size);
  gnutls_free (der.data);

  signer = open_with_pin (pki->second_key_url, path);
  assert_signer_chain (signer, pki->second_pem);
  g_unlink (path);
}

static void
test_signer_cert_mismatch (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (pki->clerk_key_url, pki->manager_pem, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_assert_null (signer);
  g_clear_error (&error);

  signer
      = inkan_signer_open (pki->clerk_key_url, pki->second_cert_url, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_assert_null (signer);
  pin_script_clear (&script);
}

static void
test_signer_cert_unreadable (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  g_autofree char *garbage = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *missing_cert_url = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (pki->clerk_key_url, "/nonexistent/clerk.pem", scripted_pin, &script,
                              &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL);
  g_assert_null (signer);
  g_clear_error (&error);

  garbage = write_tmp_file ("inkan-token-garbage-XXXXXX.pem",
                            "-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
                            "-----END CERTIFICATE-----\n",
                            -1);
  signer = inkan_signer_open (pki->clerk_key_url, garbage, scripted_pin, &script, &error);
  g_unlink (garbage);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL);
  g_assert_null (signer);
  g_clear_error (&error);

  missing_cert_url = g_strconcat (pki->token_url, ";id=%7e;type=cert", NULL);
  signer = inkan_signer_open (pki->clerk_key_url, missing_cert_url, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND);
  g_assert_null (signer);
  pin_script_clear (&script);
}

/* A PIN file answers the same wrong PIN every time: one try is spent, not a loop. */
static void
test_signer_wrong_pin (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *wrong = "424242424";
  PinScript script = { { wrong }, 1 };
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (pki->clerk_key_url, NULL, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT);
  g_assert_null (signer);
  g_test_message ("wrong PIN: %s (asked %u times)", error->message, script.calls);
  g_assert_null (strstr (error->message, wrong));
  g_assert_null (strstr (error->message, pki->pin));
  /* Asked again after the refusal, told so, then stopped because the answer did not change. */
  g_assert_cmpuint (script.calls, ==, 2);
  g_assert_cmpint (script.flags[0] & INKAN_PIN_FLAG_RETRY, ==, 0);
  g_assert_cmpint (script.flags[1] & INKAN_PIN_FLAG_RETRY, ==, INKAN_PIN_FLAG_RETRY);
  /* SoftHSM raises CKF_USER_PIN_COUNT_LOW after a refused PIN; it never reports a final try
   * nor locks. */
  g_assert_cmpint (script.flags[1] & INKAN_PIN_FLAG_COUNT_LOW, ==, INKAN_PIN_FLAG_COUNT_LOW);
  g_assert_nonnull (strstr (error->message, "few tries"));
  pin_script_clear (&script);

  /* The token still opens with the right PIN, and that clears the low count. */
  {
    g_autoptr (InkanSigner) good = open_with_pin (pki->clerk_key_url, NULL);
    unsigned flags = 0;

    assert_signer_signs (good);
    g_assert_cmpint (gnutls_pkcs11_token_get_flags (pki->token_url, &flags), ==, 0);
    g_assert_cmpint (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_COUNT_LOW, ==, 0);
  }
}

/* A user who keeps mistyping is stopped after a few PINs, before a token could lock. */
static void
test_signer_wrong_pin_bounded (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;
  guint calls = 0;
  InkanSigner *signer;

  signer = inkan_signer_open (pki->second_key_url, NULL, always_new_wrong_pin, &calls, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT);
  g_assert_null (signer);
  g_assert_cmpuint (calls, ==, 3);
  g_clear_error (&error);

  /* and then the right PIN still works */
  signer = open_with_pin (pki->second_key_url, NULL);
  g_clear_object (&signer);
}

/* A user who mistypes once and then gets it right is let in on the retry. */
static void
test_signer_pin_retry_succeeds (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { "13579135", pki->pin }, 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = NULL;

  signer = inkan_signer_open (pki->manager_key_url, NULL, scripted_pin, &script, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signer);
  g_assert_cmpuint (script.calls, ==, 2);
  g_assert_cmpint (script.flags[1] & INKAN_PIN_FLAG_RETRY, ==, INKAN_PIN_FLAG_RETRY);
  assert_signer_signs (signer);
  pin_script_clear (&script);
}

static void
test_signer_pin_cancelled (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { NULL }, 1 };
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (pki->clerk_key_url, NULL, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_CANCELLED);
  g_assert_null (signer);
  g_assert_cmpuint (script.calls, ==, 1);
  g_clear_error (&error);

  /* No callback at all: nobody can give the PIN. */
  signer = inkan_signer_open (pki->clerk_key_url, NULL, NULL, NULL, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_CANCELLED);
  g_assert_null (signer);
  pin_script_clear (&script);
}

static void
test_signer_not_found (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  g_autofree char *missing = g_strconcat (pki->token_url, ";id=%7f;type=private", NULL);
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open (missing, NULL, scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND);
  g_assert_null (signer);
  g_clear_error (&error);

  signer = inkan_signer_open ("pkcs11:token=No%20Such%20Token;id=%01;type=private", NULL,
                              scripted_pin, &script, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND);
  g_assert_null (signer);
  pin_script_clear (&script);
}

static void
test_signer_bad_url (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  PinScript script = { { pki->pin }, 1 };
  const char *bad[] = {
    "/home/clerk/key.pem",
    "https://token.example/key",
    "",
    "pkcs11:id=%zz;type=private",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      InkanSigner *signer = inkan_signer_open (bad[i], NULL, scripted_pin, &script, &error);

      g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL);
      g_assert_null (signer);
    }
  g_assert_cmpuint (script.calls, ==, 0);
  pin_script_clear (&script);
}

/* The message never echoes a PIN the URL carries (RFC 7512 pin-value). */
static void
test_signer_url_pin_not_shown (void)
{
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  signer = inkan_signer_open ("pkcs11:token=No%20Such%20Token;id=%01?pin-value=31415926", NULL,
                              NULL, NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (signer);
  g_assert_null (strstr (error->message, "31415926"));
}

static GDateTime *
utc (int year, int month, int day)
{
  return g_date_time_new_utc (year, month, day, 12, 0, 0);
}

static void
test_signer_expired (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->expired_key_url, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) in_2020 = utc (2020, 6, 1);
  g_autoptr (GDateTime) in_2019 = utc (2019, 6, 1);

  assert_signer_chain (signer, pki->expired_pem);
  g_assert_false (inkan_signer_check_usable (signer, now, &error));
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_test_message ("expired: %s", error->message);
  g_assert_nonnull (strstr (error->message, "expired"));
  g_assert_nonnull (strstr (error->message, "2021-01-01"));
  g_clear_error (&error);

  g_assert_true (inkan_signer_check_usable (signer, in_2020, &error));
  g_assert_no_error (error);

  g_assert_false (inkan_signer_check_usable (signer, in_2019, &error));
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_assert_nonnull (strstr (error->message, "not yet valid"));
  g_assert_nonnull (strstr (error->message, "2020-01-01"));
}

static void
test_signer_nousage (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanSigner) signer = open_with_pin (pki->nousage_key_url, NULL);
  g_autoptr (GError) error = NULL;

  assert_signer_chain (signer, pki->nousage_pem);
  g_assert_false (inkan_signer_check_usable (signer, NULL, &error));
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_test_message ("nousage: %s", error->message);
  g_assert_nonnull (strstr (error->message, "key usage"));
}

/* The app opens and uses keys in GTask threads. */
static gpointer
open_and_sign_thread (gpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  InkanSigner *signer = open_with_pin (pki->second_key_url, NULL);

  assert_signer_signs (signer);
  return signer;
}

static void
test_signer_worker_thread (void)
{
  GThread *thread = g_thread_new ("inkan-test-token", open_and_sign_thread, NULL);
  g_autoptr (InkanSigner) signer = g_thread_join (thread);
  InkanTestPki *pki = inkan_test_pki_get ();

  /* made in one thread, used in another */
  assert_signer_signs (signer);
  assert_signer_chain (signer, pki->second_pem);
}

/* ---------------------------------------------------------------------------------------------
 * Signers over software keys
 */

static void
make_self_signed (gnutls_x509_privkey_t *key_out, gnutls_x509_crt_t *crt_out, const char *cn,
                  gnutls_pk_algorithm_t pk, unsigned bits)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  guint8 serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  time_t now = time (NULL);

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, pk, bits, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (
      gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 86400), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  *key_out = key;
  *crt_out = crt;
}

static gnutls_privkey_t
to_privkey (gnutls_x509_privkey_t x509_key)
{
  gnutls_privkey_t key = NULL;

  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (key, x509_key, GNUTLS_PRIVKEY_IMPORT_COPY), ==, 0);
  return key;
}

static void
test_signer_new_software (void)
{
  g_auto (gnutls_x509_privkey_t) x509_key = NULL;
  g_auto (gnutls_x509_crt_t) crt = NULL;
  g_autoptr (InkanSigner) signer = NULL;
  g_autoptr (GError) error = NULL;
  gnutls_x509_crt_t *chain;
  guint n_chain = 0;

  make_self_signed (&x509_key, &crt, "Software Signer", GNUTLS_PK_ECDSA,
                    GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  signer = inkan_signer_new (to_privkey (x509_key), &crt, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signer);
  g_assert_cmpstr (inkan_signer_get_subject (signer), ==, "CN=Software Signer");
  chain = inkan_signer_get_chain (signer, &n_chain);
  g_assert_cmpuint (n_chain, ==, 1);
  /* a copy: the caller's certificate may go */
  g_assert_true (chain[0] != crt);
  g_assert_true (gnutls_x509_crt_equals (chain[0], crt));
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  assert_signer_signs (signer);
  g_assert_true (inkan_signer_check_usable (signer, NULL, &error));
  g_assert_no_error (error);
}

static void
test_signer_new_mismatch (void)
{
  g_auto (gnutls_x509_privkey_t) key_a = NULL;
  g_auto (gnutls_x509_privkey_t) key_b = NULL;
  g_auto (gnutls_x509_crt_t) crt_a = NULL;
  g_auto (gnutls_x509_crt_t) crt_b = NULL;
  g_autoptr (GError) error = NULL;
  InkanSigner *signer;

  make_self_signed (&key_a, &crt_a, "Signer A", GNUTLS_PK_ECDSA,
                    GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  make_self_signed (&key_b, &crt_b, "Signer B", GNUTLS_PK_ECDSA,
                    GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1));
  signer = inkan_signer_new (to_privkey (key_a), &crt_b, 1, &error);
  g_assert_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE);
  g_assert_null (signer);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Made before any test so that SOFTHSM2_CONF is set before GnuTLS loads the module. */
  inkan_test_pki_get ();

  g_test_add_func ("/inkan/token/list/has-test-token", test_list_has_test_token);
  g_test_add_func ("/inkan/token/certs/without-pin", test_certs_without_pin);
  g_test_add_func ("/inkan/token/certs/with-pin", test_certs_with_pin);
  g_test_add_func ("/inkan/token/certs/wrong-pin", test_certs_wrong_pin);
  g_test_add_func ("/inkan/token/certs/bad-token", test_certs_bad_token);
  g_test_add_func ("/inkan/token/signer/rsa", test_signer_rsa);
  g_test_add_func ("/inkan/token/signer/ecdsa", test_signer_ecdsa);
  g_test_add_func ("/inkan/token/signer/cert-pem-file", test_signer_cert_pem_file);
  g_test_add_func ("/inkan/token/signer/cert-url", test_signer_cert_url);
  g_test_add_func ("/inkan/token/signer/cert-bundle", test_signer_cert_bundle);
  g_test_add_func ("/inkan/token/signer/cert-der-file", test_signer_cert_der_file);
  g_test_add_func ("/inkan/token/signer/cert-mismatch", test_signer_cert_mismatch);
  g_test_add_func ("/inkan/token/signer/cert-unreadable", test_signer_cert_unreadable);
  g_test_add_func ("/inkan/token/signer/wrong-pin", test_signer_wrong_pin);
  g_test_add_func ("/inkan/token/signer/wrong-pin-bounded", test_signer_wrong_pin_bounded);
  g_test_add_func ("/inkan/token/signer/pin-retry-succeeds", test_signer_pin_retry_succeeds);
  g_test_add_func ("/inkan/token/signer/pin-cancelled", test_signer_pin_cancelled);
  g_test_add_func ("/inkan/token/signer/not-found", test_signer_not_found);
  g_test_add_func ("/inkan/token/signer/bad-url", test_signer_bad_url);
  g_test_add_func ("/inkan/token/signer/url-pin-not-shown", test_signer_url_pin_not_shown);
  g_test_add_func ("/inkan/token/signer/expired", test_signer_expired);
  g_test_add_func ("/inkan/token/signer/nousage", test_signer_nousage);
  g_test_add_func ("/inkan/token/signer/worker-thread", test_signer_worker_thread);
  g_test_add_func ("/inkan/token/signer/new-software", test_signer_new_software);
  g_test_add_func ("/inkan/token/signer/new-mismatch", test_signer_new_mismatch);

  return g_test_run ();
}
