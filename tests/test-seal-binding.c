/* Seal binding end to end: seal records made by the administrator's token, carried by every
 * sealing, checked by the verifier (maker, certificate, window, picture), in a real store. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE 1
#include "config.h"

#include "inkan-test-util.h"
#include "inkan-test-incr.h"
#include "inkan-test-store.h"

#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <qpdf/qpdf-c.h>
#include <string.h>

#include "inkan-seal-record.h"
#include "inkan-sign.h"
#include "inkan-store.h"
#include "inkan-verify.h"

static char *db;              /* the store, made once: admin, clerk, seal "Bound" */

static const char *
cli (void)
{
  const char *path = g_getenv ("INKAN_CLI");

  g_assert_nonnull (path);
  return path;
}

static void
make_store (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *err = NULL;

  if (db != NULL)
    return;
  db = inkan_test_store_make ("seal-binding");
  g_assert_cmpint (inkan_test_store_cli (db, NULL, &err, "admin", "seal", "create", "Bound",
                                         "--kind", "contract", "--image", pki->seal_png, "--cert",
                                         pki->second_cert_url, "--key", pki->second_key_url,
                                         "--approval", "none", "--pin-file", pki->pin_file, NULL),
                   ==, 0);
  g_assert_null (strstr (err, "not bound"));
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "grant", "add", "Bound",
                                         "--user", "clerk", NULL), ==, 0);
}

/* Seals `doc` into `out` as the clerk with the seal `seal`; returns the exit status. */
static int
seal_as_clerk (const char *seal, const char *doc, const char *out, char **err)
{
  InkanTestPki *pki = inkan_test_pki_get ();

  return inkan_test_store_cli (db, NULL, err, "clerk", "sign", doc, "-o", out, "--seal", seal,
                               "--pin-file", pki->pin_file, "--page", "1", "--rect",
                               "380,60,150,150", NULL);
}

static char *
verify_json (const char *pdf, int *status)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  const char *argv[] = { cli (), "verify", "--json", "--trust", pki->root_pem, pdf, NULL };
  char *json = NULL;

  *status = inkan_test_run (argv, &json, NULL);
  g_test_message ("%s", json);
  return json;
}

static InkanReport *
verify_report (const char *pdf)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GError) error = NULL;
  InkanVerifyOptions options = { trust, NULL };
  InkanReport *report;

  g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
  g_assert_no_error (error);
  report = inkan_verify_file (pdf, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  return report;
}

static gboolean
has_finding (const InkanSignatureReport *sig, const char *code)
{
  for (guint i = 0; i < sig->findings->len; i++)
    if (g_str_equal (((InkanFinding *) sig->findings->pdata[i])->code, code))
      return TRUE;
  return FALSE;
}

/* ---- bound ---------------------------------------------------------------------------------- */

static char *sealed_bound; /* the normal sealing, reused by the swap test */

/* A seal is never created without its record: with no PIN to be had (no --pin-file, no
 * terminal) `seal create` fails with the token's exit code and a sentence that says how, and
 * the registry has no such seal; the audit trail still verifies. */
static void
test_create_needs_pin (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *err = NULL, *out = NULL;

  make_store ();
  g_assert_cmpint (inkan_test_store_cli (db, NULL, &err, "admin", "seal", "create", "NoPin",
                                         "--kind", "official", "--image", pki->seal_png, "--cert",
                                         pki->second_cert_url, "--key", pki->second_key_url, NULL),
                   ==, 71);
  g_assert_nonnull (strstr (err, "“NoPin” was not created"));
  g_assert_nonnull (strstr (err, "--pin-file"));
  g_assert_cmpint (inkan_test_store_cli (db, &out, NULL, "admin", "seal", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "NoPin"));
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "auditor", "audit", "verify", NULL), ==, 0);
}

static void
test_bound (void)
{
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *json = NULL, *shown = NULL;
  g_autoptr (InkanReport) report = NULL;
  const InkanSignatureReport *sig;
  int status = -1;

  make_store ();
  g_assert_cmpint (inkan_test_store_cli (db, &shown, NULL, "admin", "seal", "show", "Bound", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (shown, "binding: bound (record "));
  g_assert_nonnull (strstr (shown, "made by admin"));

  sealed_bound = inkan_test_tmp_path ("bound-sealed.pdf");
  g_assert_cmpint (seal_as_clerk ("Bound", doc, sealed_bound, NULL), ==, 0);

  /* The record is a signed attribute: peers still see a valid PAdES signature. */
  g_assert_cmpuint (inkan_test_judge_pdfsig (sealed_bound), ==, 1);
  inkan_test_judge_openssl (sealed_bound, 0);
  inkan_test_judge_qpdf (sealed_bound);

  json = verify_json (sealed_bound, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (json, "\"seal\":{\"name\":\"Bound\",\"kind\":\"contract\",\"maker\":"));
  g_assert_nonnull (strstr (json, "\"bound\":true,\"reason\":null}"));
  g_assert_null (strstr (json, "SEAL_NOT_BOUND"));

  report = verify_report (sealed_bound);
  sig = report->signatures->pdata[0];
  g_assert_nonnull (sig->seal);
  g_assert_true (sig->seal->bound);
  g_assert_cmpstr (sig->seal->name, ==, "Bound");
  g_assert_cmpstr (sig->seal->kind, ==, "contract");
  g_assert_nonnull (sig->seal->maker);
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  {
    /* A later signature leaves the seal's appearance alone: the first seal stays bound. */
    InkanTestPki *pki = inkan_test_pki_get ();
    g_autofree char *twice = inkan_test_tmp_path ("bound-then-signed.pdf");
    g_autoptr (InkanReport) later = NULL;
    const char *argv[] = { cli (), "sign", sealed_bound, "-o", twice, "--key",
                           pki->clerk_key_url, "--pin-file", pki->pin_file, NULL };
    InkanSignatureReport *first;

    g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
    {
      g_autoptr (InkanTrust) trust = inkan_trust_new ();
      g_autoptr (GError) error = NULL;
      InkanVerifyOptions options = { trust, NULL };

      g_assert_true (inkan_trust_add_file (trust, pki->root_pem, &error));
      later = inkan_verify_file (twice, &options, &error);
      g_assert_no_error (error);
    }
    g_assert_cmpuint (later->signatures->len, ==, 2);
    first = later->signatures->pdata[0];
    g_assert_nonnull (first->seal);
    g_assert_true (first->seal->bound);
    g_assert_null (((InkanSignatureReport *) later->signatures->pdata[1])->seal);
  }
}

/* A plain signature (no seal record) has no seal section and is not affected. */
static void
test_plain_signature (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *out = inkan_test_tmp_path ("plain-sealed.pdf");
  g_autofree char *json = NULL;
  g_autoptr (InkanReport) report = NULL;
  const char *argv[] = { cli (), "sign", doc, "-o", out, "--key", pki->second_key_url,
                         "--pin-file", pki->pin_file, "--image", pki->seal_png, NULL };
  int status = -1;

  g_assert_cmpint (inkan_test_run (argv, NULL, NULL), ==, 0);
  json = verify_json (out, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (json, "\"seal\":null"));
  report = verify_report (out);
  g_assert_null (((InkanSignatureReport *) report->signatures->pdata[0])->seal);
}

/* ---- the picture swapped in a later update --------------------------------------------------- */

/* The object number of the signature widget's normal appearance. */
static int
appearance_id (const char *pdf)
{
  qpdf_data q = qpdf_init ();
  qpdf_oh fields, field, ap, normal;
  int id;

  g_assert_cmpint (qpdf_read (q, pdf, NULL) & QPDF_ERRORS, ==, 0);
  fields = qpdf_oh_get_key (q, qpdf_oh_get_key (q, qpdf_get_root (q), "/AcroForm"), "/Fields");
  g_assert_true (qpdf_oh_is_array (q, fields));
  field = qpdf_oh_get_array_item (q, fields, qpdf_oh_get_array_n_items (q, fields) - 1);
  ap = qpdf_oh_get_key (q, field, "/AP");
  normal = qpdf_oh_get_key (q, ap, "/N");
  g_assert_true (qpdf_oh_is_stream (q, normal));
  id = qpdf_oh_get_object_id (q, normal);
  qpdf_cleanup (&q);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_swapped_picture (void)
{
  g_autofree char *swapped = NULL, *json = NULL;
  g_autoptr (InkanReport) report = NULL;
  const InkanSignatureReport *sig;
  int form, image, status = -1;

  g_assert_nonnull (sealed_bound);
  form = appearance_id (sealed_bound);
  image = inkan_test_incr_next_id (sealed_bound);
  {
    /* Another picture, 2 × 2 opaque, and the appearance re-pointed to draw it. */
    g_autofree char *image_text = g_strdup_printf (
      "<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB"
      " /BitsPerComponent 8 /Length 12 >>\nstream\n"
      "\xee\x11\x11\xee\x11\x11\xee\x11\x11\xee\x11\x11\nendstream");
    g_autofree char *form_text = g_strdup_printf (
      "<< /Type /XObject /Subtype /Form /BBox [0 0 150 150]"
      " /Resources << /XObject << /Im0 %d 0 R >> >> /Length 30 >>\nstream\n"
      "q 150 0 0 150 0 0 cm /Im0 Do Q\nendstream", image);
    InkanTestIncrEntry entries[2] = { { form, form_text, FALSE, 0 },
                                      { image, image_text, FALSE, 0 } };

    g_assert_cmpint (form, <, image);
    swapped = inkan_test_incr_append (sealed_bound, "bound-swapped.pdf", entries, 2);
  }

  /* The rewritten appearance is also a disallowed change: TOTAL_FAILED, exit 1. */
  json = verify_json (swapped, &status);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (json, "\"bound\":false"));
  g_assert_nonnull (strstr (json, "SEAL_NOT_BOUND"));

  report = verify_report (swapped);
  sig = report->signatures->pdata[0];
  g_assert_nonnull (sig->seal);
  g_assert_false (sig->seal->bound);
  g_assert_cmpstr (sig->seal->name, ==, "Bound");
  g_assert_nonnull (strstr (sig->seal->reason, "picture"));
  g_assert_true (has_finding (sig, "SEAL_NOT_BOUND"));
  g_assert_cmpint (sig->indication, >=, INKAN_INDICATION_INDETERMINATE);
  /* The modification analysis sees the rewritten appearance as well. */
  g_assert_cmpint (sig->modification_level, ==, INKAN_MODIFICATION_OTHER);
}

/* ---- records made in the test: another maker, an expired window -------------------------- */

/* A maker whose certificate comes from a root of its own, not the organisation's. */
static InkanSigner *
rogue_maker (void)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_privkey_t priv = NULL;
  InkanSigner *signer;
  time_t now = time (NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), >=, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                                 0), >=, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), >=, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, "\x01\x02", 2);
  gnutls_x509_crt_set_activation_time (crt, now - 86400);
  gnutls_x509_crt_set_expiration_time (crt, now + 86400 * 365);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "Rogue Seal Maker",
                                 strlen ("Rogue Seal Maker"));
  gnutls_x509_crt_set_key (crt, key);
  gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
  gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), >=, 0);
  g_assert_cmpint (gnutls_privkey_init (&priv), >=, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (priv, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE),
                   >=, 0);
  signer = inkan_signer_new (priv, &crt, 1, &error);
  g_assert_no_error (error);
  gnutls_x509_crt_deinit (crt);
  return signer;
}

/* Seals a fresh document with the seal's key, carrying `record`; returns the output path. */
static char *
seal_with_record (GBytes *record, const char *name)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autoptr (InkanSigner) signer = inkan_test_open_signer (inkan_test_pki_get ()->second_key_url, NULL);
  g_autoptr (GError) error = NULL;
  InkanSignOptions options = { 0 };
  char *out = inkan_test_tmp_path (name);

  options.input = doc;
  options.output = out;
  options.signer = signer;
  options.image = pki->seal_png;
  options.page = 1;
  options.seal_record = record;
  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  return out;
}

/* The "Bound" seal as the store holds it. */
static InkanSeal *
store_seal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (db, &error);
  InkanSeal *seal;

  g_assert_no_error (error);
  seal = inkan_store_get_seal (store, "Bound", &error);
  g_assert_no_error (error);
  return seal;
}

static void
test_untrusted_maker (void)
{
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanSigner) rogue = rogue_maker ();
  g_autoptr (GBytes) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *out = NULL, *json = NULL;
  const InkanSignatureReport *sig;
  int status = -1;

  make_store ();
  seal = store_seal ();
  record = inkan_seal_record_make (seal, rogue, "rogue", now, &error);
  g_assert_no_error (error);
  out = seal_with_record (record, "rogue-maker.pdf");

  /* The signature itself is fine for the peers; only the binding is not. */
  g_assert_cmpuint (inkan_test_judge_pdfsig (out), ==, 1);
  json = verify_json (out, &status);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (json, "\"maker\":\"Rogue Seal Maker\""));
  g_assert_nonnull (strstr (json, "\"bound\":false"));
  report = verify_report (out);
  sig = report->signatures->pdata[0];
  g_assert_false (sig->seal->bound);
  g_assert_nonnull (strstr (sig->seal->reason, "not trusted"));
  g_assert_true (has_finding (sig, "SEAL_NOT_BOUND"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
}

/* A record whose window ended before the sealing: the verifier says so. */
static void
test_expired_record_flagged (void)
{
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanSigner) maker = inkan_test_open_signer (inkan_test_pki_get ()->second_key_url, NULL);
  g_autoptr (GBytes) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (InkanReport) report = NULL;
  g_autofree char *out = NULL;
  const InkanSignatureReport *sig;

  make_store ();
  seal = store_seal ();
  seal->valid_from = g_date_time_add_days (now, -30);
  seal->valid_until = g_date_time_add_days (now, -1);
  record = inkan_seal_record_make (seal, maker, "admin", now, &error);
  g_assert_no_error (error);
  out = seal_with_record (record, "expired-record.pdf");
  report = verify_report (out);
  sig = report->signatures->pdata[0];
  g_assert_false (sig->seal->bound);
  g_assert_nonnull (strstr (sig->seal->reason, "expired"));
  g_assert_nonnull (sig->seal->not_after);
  g_assert_true (has_finding (sig, "SEAL_NOT_BOUND"));
}

/* A seal whose record has expired is refused by the core at sealing, even when the store's own
 * window was edited to let it through. */
static void
test_expired_record_refused (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *doc = inkan_test_make_pdf ("one-page");
  g_autofree char *out = inkan_test_tmp_path ("expired-refused.pdf");
  g_autofree char *err = NULL, *sql_err = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) before = g_date_time_add_days (now, -2);
  g_autoptr (GDateTime) ended = g_date_time_add_days (now, -1);
  g_autofree char *from = g_date_time_format (before, "%Y-%m-%d");
  g_autofree char *until = g_date_time_format (ended, "%Y-%m-%d");
  int status;

  make_store ();
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "seal", "create", "Short",
                                         "--kind", "finance", "--image", pki->seal_png, "--cert",
                                         pki->second_cert_url, "--key", pki->second_key_url,
                                         "--valid-from", from, "--valid-until", until,
                                         "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "grant", "add", "Short",
                                         "--user", "clerk", NULL), ==, 0);
  /* The policy refuses the expired seal first. */
  g_assert_cmpint (seal_as_clerk ("Short", doc, out, NULL), !=, 0);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  {
    /* Someone edits the store to lift the window: the record still holds it. */
    const char *argv[] = { "sqlite3", "-batch", db,
                           "UPDATE seals SET valid_from = NULL, valid_until = NULL"
                           " WHERE name = 'Short';", NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, &sql_err), ==, 0);
  }
  status = seal_as_clerk ("Short", doc, out, &err);
  g_assert_cmpint (status, ==, 98);
  g_assert_nonnull (strstr (err, "expired"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* A record that is no record (well-formed DER of another shape) is reported, never trusted. */
static void
test_unreadable_record (void)
{
  g_autoptr (GBytes) junk = g_bytes_new_static ("\x30\x03\x02\x01\x07", 5);
  g_autofree char *out = NULL;
  g_autoptr (InkanReport) report = NULL;
  const InkanSignatureReport *sig;

  out = seal_with_record (junk, "unreadable-record.pdf");
  report = verify_report (out);
  sig = report->signatures->pdata[0];
  g_assert_nonnull (sig->seal);
  g_assert_false (sig->seal->bound);
  g_assert_null (sig->seal->name);
  g_assert_nonnull (strstr (sig->seal->reason, "cannot be read"));
  g_assert_true (has_finding (sig, "SEAL_NOT_BOUND"));
  g_assert_cmpint (sig->indication, ==, INKAN_INDICATION_INDETERMINATE);
}

/* ---- migration ------------------------------------------------------------------------------ */

/* A store of schema version 2 (seals without records) opens as version 3: its seals are still
 * used, report "not bound", and bind with seal rebind. */
static void
test_migration (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *old_db = NULL, *shown = NULL, *doc = NULL, *out1 = NULL, *out2 = NULL;
  g_autofree char *json1 = NULL, *json2 = NULL, *version = NULL, *err = NULL, *rebound = NULL;
  int status = -1;

  old_db = inkan_test_store_make ("seal-binding-v2");
  {
    /* Back to version 2: the record column goes, as it was before this version. */
    const char *argv[] = { "sqlite3", "-batch", old_db,
                           "ALTER TABLE seals DROP COLUMN record; PRAGMA user_version = 2;",
                           NULL };

    g_assert_cmpint (inkan_test_run (argv, NULL, &err), ==, 0);
  }
  g_assert_cmpint (inkan_test_store_cli (old_db, &shown, NULL, "admin", "seal", "show",
                                         "Official", NULL), ==, 0);
  g_assert_nonnull (strstr (shown, "binding: not bound (no seal record"));
  {
    const char *argv[] = { "sqlite3", "-batch", old_db, "PRAGMA user_version;", NULL };

    g_assert_cmpint (inkan_test_run (argv, &version, NULL), ==, 0);
    g_assert_cmpstr (g_strstrip (version), ==, "3");
  }

  /* Still usable: the sealing carries no record, and verifies as a plain signature. */
  doc = inkan_test_make_pdf ("one-page");
  out1 = inkan_test_tmp_path ("migrated-unbound.pdf");
  g_assert_cmpint (inkan_test_store_cli (old_db, NULL, NULL, "clerk", "sign", doc, "-o", out1,
                                         "--seal", "Official", "--pin-file", pki->pin_file, NULL),
                   ==, 0);
  json1 = verify_json (out1, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (json1, "\"seal\":null"));

  /* Rebinding needs the administrator's role and token. */
  g_assert_cmpint (inkan_test_store_cli (old_db, NULL, NULL, "clerk", "seal", "rebind",
                                         "Official", "--pin-file", pki->pin_file, NULL), ==, 77);
  g_assert_cmpint (inkan_test_store_cli (old_db, &rebound, NULL, "admin", "seal", "rebind",
                                         "Official", "--pin-file", pki->pin_file, NULL), ==, 0);
  g_assert_nonnull (strstr (rebound, "bound"));
  out2 = inkan_test_tmp_path ("migrated-bound.pdf");
  g_assert_cmpint (inkan_test_store_cli (old_db, NULL, NULL, "clerk", "sign", doc, "-o", out2,
                                         "--seal", "Official", "--pin-file", pki->pin_file, NULL),
                   ==, 0);
  json2 = verify_json (out2, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (json2, "\"name\":\"Official\",\"kind\":\"official\""));
  g_assert_nonnull (strstr (json2, "\"bound\":true"));
}

/* ---- the record itself ----------------------------------------------------------------------- */

static void
test_record_round_trip (void)
{
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanSigner) maker = inkan_test_open_signer (inkan_test_pki_get ()->second_key_url, NULL);
  g_autoptr (GBytes) record = NULL;
  g_autoptr (InkanSealRecord) parsed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GBytes) other_png = NULL;
  guint8 *tampered;
  gsize size;

  make_store ();
  seal = store_seal ();
  record = inkan_seal_record_make (seal, maker, "admin", now, &error);
  g_assert_no_error (error);
  parsed = inkan_seal_record_parse (record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->name, ==, "Bound");
  g_assert_cmpstr (parsed->kind, ==, "contract");
  g_assert_cmpstr (parsed->maker, ==, "admin");
  g_assert_cmpuint (strlen (parsed->seal_id), ==, 36);
  g_assert_true (inkan_seal_record_check_signature (parsed, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (inkan_seal_record_check_for_seal (record, seal, NULL, now, &error));
  g_assert_no_error (error);

  /* A record for another picture (here, bytes that are no picture at all) does not serve the
   * seal. */
  other_png = g_steal_pointer (&seal->image_png);
  seal->image_png = g_bytes_ref (seal->cert_der);
  g_assert_false (inkan_seal_record_check_for_seal (record, seal, NULL, now, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_bytes_unref (seal->image_png);
  seal->image_png = g_steal_pointer (&other_png);

  /* One byte changed in the signed part breaks the maker's signature. */
  size = g_bytes_get_size (parsed->info);
  tampered = g_memdup2 (g_bytes_get_data (parsed->info, NULL), size);
  {
    g_autoptr (GBytes) info = NULL;
    guint8 *name = memmem (tampered, size, "Bound", 5);

    g_assert_nonnull (name);
    name[0] = 'R';
    info = g_bytes_new_take (tampered, size);
    g_bytes_unref (parsed->info);
    parsed->info = g_steal_pointer (&info);
  }
  g_assert_false (inkan_seal_record_check_signature (parsed, NULL, NULL, &error));
  g_assert_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_SIGNATURE);
  g_clear_error (&error);

  /* Garbage is refused with a sentence, not a crash. */
  {
    g_autoptr (GBytes) junk = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
    g_autoptr (InkanSealRecord) none = inkan_seal_record_parse (junk, &error);

    g_assert_null (none);
    g_assert_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_INVALID);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  inkan_test_pki_get ();
  g_test_add_func ("/inkan/seal-binding/record/round-trip", test_record_round_trip);
  g_test_add_func ("/inkan/seal-binding/bound", test_bound);
  g_test_add_func ("/inkan/seal-binding/create-needs-pin", test_create_needs_pin);
  g_test_add_func ("/inkan/seal-binding/plain-signature", test_plain_signature);
  g_test_add_func ("/inkan/seal-binding/swapped-picture", test_swapped_picture);
  g_test_add_func ("/inkan/seal-binding/untrusted-maker", test_untrusted_maker);
  g_test_add_func ("/inkan/seal-binding/expired-record-flagged", test_expired_record_flagged);
  g_test_add_func ("/inkan/seal-binding/expired-record-refused", test_expired_record_refused);
  g_test_add_func ("/inkan/seal-binding/unreadable-record", test_unreadable_record);
  g_test_add_func ("/inkan/seal-binding/migration-v2", test_migration);
  status = g_test_run ();
  g_free (sealed_bound);
  g_free (db);
  return status;
}
