/* The verifier against peers' signatures, the corpus's verdicts and the attacks the tests build. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-attack.h"
#include "inkan-test-certify.h"
#include "inkan-test-util.h"

#include "inkan-pdf.h"
#include "inkan-verify.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- helpers ---- */

static const char *
cli (void)
{
  const char *path = g_getenv ("INKAN_CLI");

  g_assert_nonnull (path);
  return path;
}

static char *
alice_root (void)
{
  return inkan_test_corpus ("pyhanko/pki/testing-ca/root/root.cert.pem");
}

/* Verifies `path` trusting the files in `trust` (NULL-terminated, may be NULL) at `at` (ISO 8601,
 * NULL: now). */
static InkanReport *
verify_at (const char *path, const char *const *trust, const char *at)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTrust) anchors = inkan_trust_new ();
  g_autoptr (GDateTime) now = NULL;
  InkanVerifyOptions options = { anchors, NULL };
  InkanReport *report;
  guint i;

  for (i = 0; trust != NULL && trust[i] != NULL; i++)
    {
      inkan_trust_add_file (anchors, trust[i], &error);
      g_assert_no_error (error);
    }
  if (at != NULL)
    {
      now = g_date_time_new_from_iso8601 (at, NULL);
      g_assert_nonnull (now);
      options.now = now;
    }
  report = inkan_verify_file (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_nonnull (report->signatures);
  g_assert_nonnull (report->findings);
  return report;
}

static InkanReport *
verify (const char *path, const char *trust)
{
  const char *anchors[] = { trust, NULL };

  return verify_at (path, anchors, NULL);
}

static InkanSignatureReport *
signature (const InkanReport *report, guint index)
{
  g_assert_cmpuint (report->signatures->len, >, index);
  return report->signatures->pdata[index];
}

static void
log_report (const InkanReport *report)
{
  g_autofree char *json = inkan_report_to_json (report);

  g_test_message ("report: %s", json);
}

static void
assert_indication (InkanIndication got, InkanIndication expected)
{
  g_assert_cmpstr (inkan_indication_to_string (got), ==, inkan_indication_to_string (expected));
}

static void
assert_level (InkanModificationLevel got, InkanModificationLevel expected)
{
  g_assert_cmpstr (inkan_modification_level_to_string (got), ==, inkan_modification_level_to_string (expected));
}

/* Every signature of the file is TOTAL_PASSED, and so is the file. */
static void
assert_all_passed (const InkanReport *report, guint n_signatures)
{
  guint i;

  log_report (report);
  g_assert_cmpuint (report->signatures->len, ==, n_signatures);
  for (i = 0; i < report->signatures->len; i++)
    {
      InkanSignatureReport *sig = signature (report, i);

      assert_indication (sig->indication, INKAN_INDICATION_TOTAL_PASSED);
      g_assert_null (sig->subindication);
      g_assert_cmpuint (sig->coverage, !=, INKAN_COVERAGE_PARTIAL);
      g_assert_cmpuint (sig->coverage, !=, INKAN_COVERAGE_UNCLEAR);
      g_assert_cmpuint (sig->modification_level, !=, INKAN_MODIFICATION_OTHER);
    }
  assert_indication (report->indication, INKAN_INDICATION_TOTAL_PASSED);
}

static void
assert_no_chain (const InkanReport *report)
{
  log_report (report);
  g_assert_cmpuint (report->signatures->len, >=, 1);
  assert_indication (signature (report, 0)->indication, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpstr (signature (report, 0)->subindication, ==, "NO_CERTIFICATE_CHAIN_FOUND");
  assert_indication (report->indication, INKAN_INDICATION_INDETERMINATE);
}

/* Runs inkan-cli with the arguments (NULL-terminated); returns its exit status. */
static int
run_cli (char **out, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer)cli ());
  va_start (ap, out);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char *const *)argv->pdata, out, &err);
  g_test_message ("inkan-cli exited %d; stderr: %s", status, err);
  return status;
}

/* Asserts jq's -e filter holds on `json`. */
static void
assert_jq (const char *json, const char *filter)
{
  g_autofree char *path = inkan_test_tmp_path ("verify.json");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "jq", "-e", filter, path, NULL };
  int status;

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  status = inkan_test_run (argv, &out, &err);
  if (status != 0)
    g_test_message ("jq '%s' on %s: %s %s", filter, json, out, err);
  g_assert_cmpint (status, ==, 0);
}

/* Runs qpdf --check: 0 clean, 3 opened with warnings, 2 errors. */
static int
qpdf_check (const char *pdf)
{
  const char *argv[] = { "qpdf", "--check", pdf, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = inkan_test_run (argv, &out, &err);

  g_test_message ("qpdf --check (%d): %s %s", status, out, err);
  return status;
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;
  const char *p = haystack;

  while ((p = strstr (p, needle)) != NULL)
    {
      n++;
      p += strlen (needle);
    }
  return n;
}

/* ---- signed inputs, made once per process ---- */

static const char *
cached (const char *name, void (*make) (const char *out))
{
  static GHashTable *made;
  char *path;

  if (made == NULL)
    made = g_hash_table_new (g_str_hash, g_str_equal);
  path = g_hash_table_lookup (made, name);
  if (path == NULL)
    {
      path = inkan_test_tmp_path (name);
      make (path);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      /* kept for the whole process, like the files themselves */
      g_hash_table_insert (made, (gpointer)name, path);
    }
  return path;
}

static void
make_signed (const char *out)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");

  inkan_test_cli_sign (input, out, TRUE, NULL);
}

static const char *
signed_one (void)
{
  return cached ("inkan-signed.pdf", make_signed);
}

static void
make_signed_form (const char *out)
{
  g_autofree char *input = inkan_test_make_pdf ("form");

  inkan_test_cli_sign (input, out, TRUE, "380,400,150,150");
}

static const char *
signed_form (void)
{
  return cached ("inkan-signed-form.pdf", make_signed_form);
}

static void
make_certified (const char *out, guint p)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  InkanTestCertifyOptions options = { .docmdp = p, .cades = TRUE };

  inkan_test_certify (input, out, &options);
}

static void
make_certified_1 (const char *out)
{
  make_certified (out, 1);
}
static void
make_certified_2 (const char *out)
{
  make_certified (out, 2);
}
static void
make_certified_3 (const char *out)
{
  make_certified (out, 3);
}

static const char *
certified (guint p)
{
  switch (p)
    {
    case 1:
      return cached ("certified-p1.pdf", make_certified_1);
    case 2:
      return cached ("certified-p2.pdf", make_certified_2);
    default:
      g_assert_cmpuint (p, ==, 3);
      return cached ("certified-p3.pdf", make_certified_3);
    }
}

static void
make_shadow_signed (const char *out)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *prepared = inkan_test_tmp_path ("shadow-prepared.pdf");

  inkan_test_attack_shadow_prepare (input, prepared);
  inkan_test_cli_sign (prepared, out, TRUE, NULL);
}

static const char *
shadow_signed (void)
{
  return cached ("shadow-signed.pdf", make_shadow_signed);
}

/* ---- attacks and controls ---- */

static void
b_copy (const char *out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_file_get_contents (signed_one (), &data, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (out, data, len, &error);
  g_assert_no_error (error);
}
static void
b_second (const char *out)
{
  inkan_test_cli_sign (signed_one (), out, TRUE, "60,60,150,150");
}
static void
b_form (const char *out)
{
  inkan_test_control_form_filled (signed_form (), "name", "Li Lei", out);
}
static void
b_annot (const char *out)
{
  inkan_test_attack_freetext (signed_one (), out);
}
static void
b_p3_annot (const char *out)
{
  inkan_test_attack_freetext (certified (3), out);
}
static void
b_zeroed (const char *out)
{
  inkan_test_attack_contents_zeroed (signed_one (), out);
}
static void
b_flipped (const char *out)
{
  inkan_test_attack_content_flipped (signed_one (), out);
}
static void
b_br_null (const char *out)
{
  inkan_test_attack_byte_range_in_place (signed_one (), "null", out);
}
static void
b_br_zero (const char *out)
{
  inkan_test_attack_byte_range_in_place (signed_one (), "[0 0 0 0]", out);
}
static void
b_br_null_upd (const char *out)
{
  inkan_test_attack_byte_range_update (signed_one (), "null", out);
}
static void
b_br_zero_upd (const char *out)
{
  inkan_test_attack_byte_range_update (signed_one (), "[0 0 0 0]", out);
}
static void
b_missing (const char *out)
{
  inkan_test_attack_contents_missing (signed_one (), out);
}
static void
b_stuffed (const char *out)
{
  inkan_test_attack_gap_stuffed (signed_one (), out);
}
static void
b_page (const char *out)
{
  inkan_test_attack_page_replaced (signed_one (), TRUE, out);
}
static void
b_noxref (const char *out)
{
  inkan_test_attack_page_replaced (signed_one (), FALSE, out);
}
static void
b_shadow (const char *out)
{
  inkan_test_attack_shadow_repoint (shadow_signed (), out);
}
static void
b_freed (const char *out)
{
  inkan_test_attack_object_freed (signed_one (), out);
}
static void
b_sigdict (const char *out)
{
  inkan_test_attack_sig_dict_changed (signed_one (), out);
}
static void
b_p1_sig (const char *out)
{
  InkanTestCertifyOptions options = { .visible = TRUE, .field = "Late" };

  /* inkan-cli refuses to sign a P1 document; an attacker's tool does not */
  inkan_test_certify (certified (1), out, &options);
}
static void
b_p2_sig (const char *out)
{
  inkan_test_cli_sign (certified (2), out, TRUE, NULL);
}
static void
b_p1_annot (const char *out)
{
  inkan_test_attack_freetext (certified (1), out);
}
static void
b_p2_annot (const char *out)
{
  inkan_test_attack_freetext (certified (2), out);
}
static void
b_truncated (const char *out)
{
  inkan_test_attack_truncated (signed_one (), out);
}

typedef enum
{
  QPDF_IS_CLEAN = 0, /* qpdf --check: no error, no warning */
  QPDF_HAS_ERRORS = 2,
  QPDF_HAS_WARNINGS = 3,
} QpdfView;

typedef enum
{
  EXPECT_PASS,    /* TOTAL_PASSED: a control */
  EXPECT_FAIL,    /* TOTAL_FAILED, as the contract makes clear */
  EXPECT_NO_PASS, /* anything but TOTAL_PASSED (or refused as unreadable) */
} Expect;

typedef struct
{
  const char *name;
  void (*build) (const char *out);
  const char *trust; /* "demo" or "openssl" */
  QpdfView qpdf;
  guint pdfsig_valid; /* how many "Signature is Valid." pdfsig still prints */
  gboolean red_page;  /* page 1 shows the attacker's red box */
  Expect expect;
  guint sig;                 /* the signature the verdict is about */
  const char *subindication; /* NULL: not asserted */
  int level;                 /* InkanModificationLevel, or -1: not asserted */
  guint n_signatures;
} Case;

static const Case cases[] = {
  /* controls */
  { "control/copy", b_copy, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_PASS, 0, NULL,
    INKAN_MODIFICATION_NONE, 1 },
  { "control/second-signature", b_second, "demo", QPDF_IS_CLEAN, 2, FALSE, EXPECT_PASS, 0, NULL, -1,
    2 },
  { "control/form-filled", b_form, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_PASS, 0, NULL,
    INKAN_MODIFICATION_FORM_FILLING, 1 },
  { "control/annotation", b_annot, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_PASS, 0, NULL,
    INKAN_MODIFICATION_ANNOTATIONS, 1 },
  { "control/p3-annotation", b_p3_annot, "openssl", QPDF_IS_CLEAN, 1, FALSE, EXPECT_PASS, 0, NULL,
    INKAN_MODIFICATION_ANNOTATIONS, 1 },
  /* universal signature forgery */
  { "attack/contents-zeroed", b_zeroed, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  { "attack/content-flipped", b_flipped, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0,
    "HASH_FAILURE", -1, 1 },
  { "attack/byterange-null", b_br_null, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  { "attack/byterange-zero", b_br_zero, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  { "attack/byterange-null-update", b_br_null_upd, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0,
    NULL, -1, 1 },
  { "attack/byterange-zero-update", b_br_zero_upd, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0,
    NULL, -1, 1 },
  { "attack/contents-missing", b_missing, "demo", QPDF_IS_CLEAN, 0, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  /* signature wrapping */
  { "attack/gap-stuffed", b_stuffed, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_NO_PASS, 0, NULL, -1,
    1 },
  /* incremental saving */
  { "attack/page-replaced", b_page, "demo", QPDF_IS_CLEAN, 1, TRUE, EXPECT_FAIL, 0, NULL,
    INKAN_MODIFICATION_OTHER, 1 },
  { "attack/appended-no-xref", b_noxref, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_NO_PASS, 0, NULL,
    -1, 1 },
  /* shadow attacks */
  { "attack/xref-repoint", b_shadow, "demo", QPDF_IS_CLEAN, 1, TRUE, EXPECT_FAIL, 0, NULL,
    INKAN_MODIFICATION_OTHER, 1 },
  { "attack/object-freed", b_freed, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_FAIL, 0, NULL,
    INKAN_MODIFICATION_OTHER, 1 },
  { "attack/sig-dict-changed", b_sigdict, "demo", QPDF_IS_CLEAN, 1, FALSE, EXPECT_FAIL, 0, NULL,
    INKAN_MODIFICATION_OTHER, 1 },
  /* certification attacks */
  { "attack/p1-new-signature", b_p1_sig, "openssl", QPDF_IS_CLEAN, 2, FALSE, EXPECT_FAIL, 0, NULL,
    -1, 2 },
  { "attack/p2-new-visible-signature", b_p2_sig, "demo", QPDF_IS_CLEAN, 2, FALSE, EXPECT_FAIL, 0,
    NULL, -1, 2 },
  { "attack/p1-freetext", b_p1_annot, "openssl", QPDF_IS_CLEAN, 1, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  { "attack/p2-freetext", b_p2_annot, "openssl", QPDF_IS_CLEAN, 1, FALSE, EXPECT_FAIL, 0, NULL, -1,
    1 },
  { "attack/truncated", b_truncated, "demo", QPDF_HAS_WARNINGS, 0, FALSE, EXPECT_NO_PASS, 0, NULL,
    -1, 1 },
};

static const char *
case_nssdb (const Case *c)
{
  if (g_str_equal (c->trust, "openssl"))
    return inkan_test_openssl_pki_get ()->nssdb;
  return inkan_test_pki_get ()->nssdb;
}

static char *
case_path (const Case *c)
{
  g_autofree char *name = g_strdup_printf ("%s.pdf", c->name);

  g_strdelimit (name, "/", '-');
  return inkan_test_tmp_path (name);
}

static char *
case_file (const Case *c)
{
  char *path = case_path (c);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    c->build (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return path;
}

static gboolean
page_is_red (const char *pdf)
{
  guint w = 0, h = 0;
  g_autofree guint8 *rgb = inkan_test_render_page (pdf, 1, 20, &w, &h);
  const guint8 *px = rgb + ((gsize)(h / 2) * w + w / 2) * 3;

  g_test_message ("centre pixel: %u %u %u", px[0], px[1], px[2]);
  return px[0] > 200 && px[1] < 60 && px[2] < 60;
}

/* The builder made the file it says: qpdf's and pdfsig's view of it, and what page 1 shows. */
static void
test_build (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *path = case_path (c);
  g_autofree char *said = NULL;

  g_unlink (path);
  c->build (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (qpdf_check (path), ==, c->qpdf);
  said = inkan_test_pdfsig_output (path, case_nssdb (c));
  /* Many attacks still read "Signature is Valid." to pdfsig: that is why Inkan verifies. */
  g_assert_cmpuint (count (said, "- Signature Validation: Signature is Valid."), ==,
                    c->pdfsig_valid);
  g_assert_cmpint (page_is_red (path), ==, c->red_page);
}

static void
test_verdict (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *path = case_file (c);
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTrust) anchors = inkan_trust_new ();
  InkanVerifyOptions options = { anchors, NULL };
  g_autoptr (InkanReport) report = NULL;
  InkanSignatureReport *sig;

  /* Both roots: a certification by the openssl PKI and a later Inkan signature must both be
   * trusted for a verdict that is about the changes alone. */
  inkan_trust_add_file (anchors, inkan_test_pki_get ()->root_pem, &error);
  g_assert_no_error (error);
  inkan_trust_add_file (anchors, inkan_test_openssl_pki_get ()->root_pem, &error);
  g_assert_no_error (error);
  report = inkan_verify_file (path, &options, &error);
  if (c->expect == EXPECT_NO_PASS && report == NULL)
    {
      /* refusing an unreadable file is not passing it */
      g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (report);
  log_report (report);

  if (c->expect == EXPECT_PASS)
    {
      assert_all_passed (report, c->n_signatures);
      if (c->level >= 0)
        assert_level (signature (report, c->sig)->modification_level, c->level);
      return;
    }
  g_assert_cmpuint (report->indication, !=, INKAN_INDICATION_TOTAL_PASSED);
  if (c->expect == EXPECT_NO_PASS)
    {
      if (report->signatures->len > c->sig)
        assert_indication (signature (report, c->sig)->indication, report->indication);
      return;
    }
  assert_indication (report->indication, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpuint (report->signatures->len, ==, c->n_signatures);
  sig = signature (report, c->sig);
  assert_indication (sig->indication, INKAN_INDICATION_TOTAL_FAILED);
  if (c->subindication != NULL)
    g_assert_cmpstr (sig->subindication, ==, c->subindication);
  if (c->level >= 0)
    assert_level (sig->modification_level, c->level);
  g_assert_cmpuint (sig->findings->len, >, 0);
}

/* ---- peers' signatures ---- */

static void
test_inkan_signed (void)
{
  g_autoptr (InkanReport) passed = verify (signed_one (), inkan_test_pki_get ()->root_pem);
  g_autoptr (InkanReport) untrusted = verify (signed_one (), NULL);
  g_autoptr (InkanReport) wrong = verify (signed_one (), inkan_test_openssl_pki_get ()->root_pem);
  InkanSignatureReport *sig;

  assert_all_passed (passed, 1);
  sig = signature (passed, 0);
  g_assert_cmpuint (sig->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
  assert_level (sig->modification_level, INKAN_MODIFICATION_NONE);
  g_assert_cmpstr (sig->signer_name, ==, "Li Wei (Clerk)");
  g_assert_cmpstr (sig->subfilter, ==, "ETSI.CAdES.detached");
  g_assert_cmpstr (sig->reason, ==, "Approved");
  g_assert_cmpuint (sig->page, ==, 1);
  g_assert_cmpuint (sig->revision, ==, 2);
  g_assert_cmpuint (sig->docmdp, ==, 0);
  g_assert_nonnull (sig->signing_time);
  g_assert_cmpuint (sig->chain->len, ==, 2);
  g_assert_cmpuint (passed->n_revisions, ==, 2);
  assert_no_chain (untrusted);
  assert_no_chain (wrong);
}

static void
check_openssl_signed (const InkanTestCertifyOptions *options, const char *name)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *path = inkan_test_tmp_path (name);
  InkanTestOpensslPki *pki = inkan_test_openssl_pki_get ();
  g_autoptr (InkanReport) passed = NULL;
  g_autoptr (InkanReport) untrusted = NULL;
  g_autofree char *said = NULL;

  inkan_test_certify (input, path, options);
  said = inkan_test_pdfsig_output (path, pki->nssdb);
  g_assert_nonnull (strstr (said, "- Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (said, "- Certificate Validation: Certificate is Trusted."));
  g_assert_nonnull (strstr (said, "- Total document signed"));

  passed = verify (path, pki->root_pem);
  assert_all_passed (passed, 1);
  g_assert_cmpuint (signature (passed, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
  g_assert_cmpstr (signature (passed, 0)->signer_name, ==, "OpenSSL Test Signer");
  g_assert_cmpuint (signature (passed, 0)->docmdp, ==, options->docmdp);
  untrusted = verify (path, inkan_test_pki_get ()->root_pem);
  assert_no_chain (untrusted);
}

static void
test_openssl_signed (void)
{
  InkanTestCertifyOptions cades = { .cades = TRUE, .visible = TRUE };
  InkanTestCertifyOptions pkcs7 = { .subfilter = "adbe.pkcs7.detached" };
  InkanTestCertifyOptions noattr = { .subfilter = "adbe.pkcs7.detached", .no_attrs = TRUE };
  InkanTestCertifyOptions certify = { .docmdp = 2, .cades = TRUE };

  check_openssl_signed (&cades, "openssl-cades.pdf");
  check_openssl_signed (&pkcs7, "openssl-pkcs7.pdf");
  check_openssl_signed (&noattr, "openssl-noattr.pdf");
  check_openssl_signed (&certify, "openssl-certified.pdf");
}

/* The signer itself, judged before anything relies on it. */
static void
test_certify_judged (void)
{
  g_autofree char *input = inkan_test_make_pdf ("form");
  g_autofree char *path = inkan_test_tmp_path ("openssl-form.pdf");
  g_autofree char *second = inkan_test_tmp_path ("openssl-form-twice.pdf");
  InkanTestOpensslPki *pki = inkan_test_openssl_pki_get ();
  InkanTestCertifyOptions first = { .cades = TRUE, .visible = TRUE, .docmdp = 2 };
  InkanTestCertifyOptions again = { .subfilter = "adbe.pkcs7.detached" };
  g_autofree char *said = NULL;
  g_autofree char *said2 = NULL;

  inkan_test_certify (input, path, &first);
  inkan_test_judge_qpdf (path);
  said = inkan_test_pdfsig_output (path, pki->nssdb);
  g_assert_cmpuint (count (said, "- Signature Validation: Signature is Valid."), ==, 1);
  g_assert_cmpuint (count (said, "- Certificate Validation: Certificate is Trusted."), ==, 1);
  g_assert_nonnull (strstr (said, "- Total document signed"));
  g_assert_nonnull (strstr (said, "- Signature Type: ETSI.CAdES.detached"));

  inkan_test_certify (path, second, &again);
  inkan_test_judge_qpdf (second);
  said2 = inkan_test_pdfsig_output (second, pki->nssdb);
  g_assert_cmpuint (count (said2, "- Signature Validation: Signature is Valid."), ==, 2);
  g_assert_cmpuint (count (said2, "- Total document signed"), ==, 1);
  g_assert_nonnull (strstr (said2, "- Signature Type: adbe.pkcs7.detached"));
}

static void
test_pdfsig_signed (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autofree char *alone = inkan_test_tmp_path ("pdfsig-signed.pdf");
  g_autofree char *after = inkan_test_tmp_path ("pdfsig-after-inkan.pdf");
  InkanTestOpensslPki *pki = inkan_test_openssl_pki_get ();
  const char *both[] = { pki->root_pem, inkan_test_pki_get ()->root_pem, NULL };
  g_autofree char *said = NULL;
  g_autofree char *said2 = NULL;
  g_autoptr (InkanReport) passed = NULL;
  g_autoptr (InkanReport) untrusted = NULL;
  g_autoptr (InkanReport) twice = NULL;

  inkan_test_pdfsig_sign (input, alone, "PdfsigSignature");
  said = inkan_test_pdfsig_output (alone, pki->nssdb);
  g_assert_nonnull (strstr (said, "- Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (said, "- Signature Type: adbe.pkcs7.detached"));
  /* a peer's signature after Inkan's: both stand */
  inkan_test_pdfsig_sign (signed_one (), after, "PdfsigSecond");
  said2 = inkan_test_pdfsig_output (after, pki->nssdb);
  g_assert_cmpuint (count (said2, "- Signature Validation: Signature is Valid."), ==, 2);
  passed = verify (alone, pki->root_pem);
  assert_all_passed (passed, 1);
  g_assert_cmpuint (signature (passed, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
  g_assert_cmpstr (signature (passed, 0)->signer_name, ==, "OpenSSL Test Signer");
  g_assert_cmpstr (signature (passed, 0)->subfilter, ==, "adbe.pkcs7.detached");
  untrusted = verify (alone, NULL);
  assert_no_chain (untrusted);

  twice = verify_at (after, both, NULL);
  assert_all_passed (twice, 2);
  g_assert_cmpstr (signature (twice, 0)->signer_name, ==, "Li Wei (Clerk)");
  g_assert_cmpstr (signature (twice, 1)->signer_name, ==, "OpenSSL Test Signer");
}

/* ---- the corpus's verdicts ---- */

static InkanReport *
verify_corpus (const char *name, const char *at, gboolean with_root)
{
  g_autofree char *path = inkan_test_corpus_pdf (name);
  g_autofree char *root = alice_root ();
  const char *trust[] = { root, NULL };

  return verify_at (path, with_root ? trust : NULL, at);
}

static void
test_corpus_coverage (void)
{
  static const char *const unclear[]
      = { "coverage-anomalies/one-byterange.pdf", "coverage-anomalies/signature-gap-too-big.pdf",
          "coverage-anomalies/weird-byterange.pdf" };
  g_autoptr (InkanReport) base = verify_corpus ("coverage-anomalies/base.pdf", NULL, FALSE);
  g_autoptr (InkanReport) tail
      = verify_corpus ("coverage-anomalies/tail-uncovered.pdf", "2021-12-01T00:00:00Z", TRUE);
  guint i;

  /* Despite the README, base.pdf's /Contents is all zeros (pdfsig: "Unknown Validation
   * Failure") and an /Info-only update follows the signed revision: a well-formed /ByteRange
   * over revision 1, and no CMS to check. */
  log_report (base);
  g_assert_cmpuint (base->signatures->len, ==, 1);
  g_assert_cmpuint (base->n_revisions, ==, 2);
  g_assert_cmpuint (signature (base, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_REVISION);
  g_assert_cmpuint (signature (base, 0)->revision, ==, 1);
  assert_indication (signature (base, 0)->indication, INKAN_INDICATION_TOTAL_FAILED);
  assert_indication (base->indication, INKAN_INDICATION_TOTAL_FAILED);

  log_report (tail);
  g_assert_cmpuint (tail->signatures->len, ==, 1);
  g_assert_cmpuint (signature (tail, 0)->coverage, !=, INKAN_COVERAGE_ENTIRE_FILE);
  g_assert_cmpuint (signature (tail, 0)->coverage, !=, INKAN_COVERAGE_ENTIRE_REVISION);
  g_assert_cmpuint (tail->indication, !=, INKAN_INDICATION_TOTAL_PASSED);

  for (i = 0; i < G_N_ELEMENTS (unclear); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (unclear[i], "2021-12-01T00:00:00Z", TRUE);

      log_report (report);
      g_assert_cmpuint (report->signatures->len, ==, 1);
      g_assert_cmpstr (inkan_coverage_to_string (signature (report, 0)->coverage), ==, "UNCLEAR");
      g_assert_cmpuint (report->indication, !=, INKAN_INDICATION_TOTAL_PASSED);
    }
}

static void
test_corpus_form_updates (void)
{
  static const char *const sneaky[] = {
    "form-update-ap-indirect-sneaky-trailer.pdf",
    "form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf",
    "form-update-override-appearance-stream-ap-indirect-sneaky.pdf",
    "form-update-override-appearance-stream-sneaky.pdf",
  };
  static const char *const legitimate[] = {
    "form-update-override-appearance-stream.pdf",
    "form-update-override-appearance-stream-ap-indirect.pdf",
    "form-update-original-ap-type-wrong.pdf",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sneaky); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (sneaky[i], NULL, TRUE);

      log_report (report);
      g_assert_cmpuint (report->signatures->len, ==, 2);
      assert_level (signature (report, 0)->modification_level, INKAN_MODIFICATION_OTHER);
      assert_indication (signature (report, 0)->indication, INKAN_INDICATION_TOTAL_FAILED);
      assert_indication (report->indication, INKAN_INDICATION_TOTAL_FAILED);
    }
  for (i = 0; i < G_N_ELEMENTS (legitimate); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (legitimate[i], NULL, TRUE);

      log_report (report);
      g_assert_cmpuint (report->signatures->len, ==, 2);
      assert_level (signature (report, 0)->modification_level, INKAN_MODIFICATION_FORM_FILLING);
      /* signed by an Alice whose certificate had expired in January 2022: not a pass, not a
       * fail either */
      assert_indication (signature (report, 0)->indication, INKAN_INDICATION_INDETERMINATE);
      assert_indication (signature (report, 1)->indication, INKAN_INDICATION_INDETERMINATE);
    }
}

static void
test_corpus_lta (void)
{
  static const char *const files[]
      = { "pades-lta-dss-indirect-arrs-test.pdf", "pades-lta-dss-indirect-arrs-test-2.pdf" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (files[i], "2021-12-01T00:00:00Z", TRUE);

      InkanSignatureReport *last = NULL;
      guint k;

      log_report (report);
      g_assert_cmpuint (report->signatures->len, >=, 2);
      /* test-2 adds a second signature before the DSS and timestamp: the first signature sees
       * that signature (FORM_FILLING); the last ordinary one sees only LTA updates. */
      for (k = 0; k < report->signatures->len; k++)
        {
          InkanSignatureReport *sig = signature (report, k);

          g_assert_cmpuint (sig->modification_level, <, INKAN_MODIFICATION_ANNOTATIONS);
          g_assert_cmpuint (sig->indication, !=, INKAN_INDICATION_TOTAL_FAILED);
          if (g_strcmp0 (sig->subfilter, "ETSI.RFC3161") != 0)
            last = sig;
        }
      g_assert_nonnull (last);
      assert_level (last->modification_level, INKAN_MODIFICATION_LTA_UPDATES);
      assert_indication (last->indication, INKAN_INDICATION_TOTAL_PASSED);
    }
}

static void
test_corpus_signed_twice (void)
{
  static const char *const files[]
      = { "minimal-signed-twice-both-created.pdf", "minimal-signed-twice-no-sig-type.pdf",
          "minimal-signed-twice-second-created.pdf", "minimal-two-fields-signed-twice.pdf" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (files[i], NULL, FALSE);
      guint k;

      log_report (report);
      g_assert_cmpuint (report->signatures->len, ==, 2);
      for (k = 0; k < 2; k++)
        {
          InkanSignatureReport *sig = signature (report, k);

          /* intact, merely untrusted here (and Alice's certificate has expired since) */
          assert_indication (sig->indication, INKAN_INDICATION_INDETERMINATE);
          g_assert_true (g_strcmp0 (sig->subindication, "NO_CERTIFICATE_CHAIN_FOUND") == 0
                         || g_strcmp0 (sig->subindication, "OUT_OF_BOUNDS_NO_POE") == 0);
          g_assert_cmpuint (sig->modification_level, !=, INKAN_MODIFICATION_OTHER);
        }
      g_assert_cmpuint (signature (report, 0)->revision, <, signature (report, 1)->revision);
      g_assert_cmpuint (signature (report, 1)->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
      g_assert_cmpuint (signature (report, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_REVISION);
    }
}

static void
test_corpus_certified (void)
{
  g_autoptr (InkanReport) report
      = verify_corpus ("certified-with-indirect-refs-in-dir.pdf", NULL, FALSE);

  log_report (report);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  g_assert_cmpuint (signature (report, 0)->docmdp, >=, 1);
  g_assert_cmpuint (signature (report, 0)->docmdp, <=, 3);
  assert_indication (signature (report, 0)->indication, INKAN_INDICATION_INDETERMINATE);
}

static void
test_corpus_unusual_cms (void)
{
  static const char *const files[]
      = { "sig-no-signed-attrs.pdf", "sig-with-ski-sid.pdf" };
  g_autoptr (InkanReport) econtent = verify_corpus ("pdf-sig-with-econtent.pdf", NULL, FALSE);
  guint i;

  /* A signature that encloses content of its own signs that content, not the document's
   * bytes: pyHanko's validator rejects this file too (test_sign_reject_econtent_if_detached),
   * whatever the corpus README's grouping suggests. */
  log_report (econtent);
  g_assert_cmpuint (econtent->signatures->len, ==, 1);
  assert_indication (signature (econtent, 0)->indication, INKAN_INDICATION_TOTAL_FAILED);
  g_assert_cmpstr (signature (econtent, 0)->subindication, ==, "HASH_FAILURE");

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (InkanReport) report = verify_corpus (files[i], NULL, FALSE);

      log_report (report);
      g_assert_cmpuint (report->signatures->len, ==, 1);
      /* legal shapes: the integrity holds, only trust is missing */
      assert_indication (signature (report, 0)->indication, INKAN_INDICATION_INDETERMINATE);
      g_assert_cmpuint (signature (report, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
    }
}

/* Alice's certificate expired in January 2022: before then (and with pyHanko's root) her
 * signatures pass; today, with no timestamp to prove them older, they are indeterminate. */
static void
test_corpus_alice (void)
{
  static const char *const files[]
      = { "pades-with-old-style-signing-cert-attr-issser.pdf",
          "pades-with-old-style-signing-cert-attr.pdf", "sig-with-ski-sid.pdf" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (InkanReport) then = verify_corpus (files[i], "2021-12-01T00:00:00Z", TRUE);
      g_autoptr (InkanReport) today = verify_corpus (files[i], NULL, TRUE);
      guint k;

      assert_all_passed (then, then->signatures->len);
      g_assert_cmpuint (then->signatures->len, >=, 1);
      g_assert_cmpstr (signature (then, 0)->signer_name, ==, "Alice");
      log_report (today);
      for (k = 0; k < today->signatures->len; k++)
        {
          assert_indication (signature (today, k)->indication, INKAN_INDICATION_INDETERMINATE);
          g_assert_cmpstr (signature (today, k)->subindication, ==, "OUT_OF_BOUNDS_NO_POE");
        }
      assert_indication (today->indication, INKAN_INDICATION_INDETERMINATE);
    }
}

static void
test_unsigned (void)
{
  g_autofree char *input = inkan_test_make_pdf ("one-page");
  g_autoptr (InkanReport) report = verify (input, NULL);

  g_assert_cmpuint (report->signatures->len, ==, 0);
  assert_indication (report->indication, INKAN_INDICATION_NO_SIGNATURE);
}

/* ---- the command line ---- */

static void
test_cli_exit_codes (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *unsigned_pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *damaged = inkan_test_corpus_pdf ("minimal-badxref.pdf");
  g_autofree char *missing = inkan_test_tmp_path ("no-such-file.pdf");
  g_autofree char *attack = case_file (&cases[5]); /* contents zeroed */
  const char *good = signed_one ();

  g_assert_cmpstr (cases[5].name, ==, "attack/contents-zeroed");
  g_assert_cmpint (run_cli (NULL, "verify", good, "--trust", pki->root_pem, NULL), ==, 0);
  g_assert_cmpint (run_cli (NULL, "verify", attack, "--trust", pki->root_pem, NULL), ==, 1);
  g_assert_cmpint (run_cli (NULL, "verify", good, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, "verify", unsigned_pdf, NULL), ==, 3);
  g_assert_cmpint (run_cli (NULL, "verify", NULL), ==, 64);
  g_assert_cmpint (run_cli (NULL, "verify", good, "--no-such-option", NULL), ==, 64);
  g_assert_cmpint (run_cli (NULL, "verify", damaged, NULL), ==, 65);
  g_assert_cmpint (run_cli (NULL, "verify", missing, NULL), ==, 66);
  /* several files: the worst verdict decides */
  g_assert_cmpint (run_cli (NULL, "verify", good, attack, "--trust", pki->root_pem, NULL), ==, 1);
  g_assert_cmpint (run_cli (NULL, "verify", good, unsigned_pdf, "--trust", pki->root_pem, NULL), !=,
                   0);
}

static void
test_cli_json (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *page = case_file (&cases[13]); /* page replaced */
  g_autofree char *human = NULL;

  g_assert_cmpstr (cases[13].name, ==, "attack/page-replaced");
  g_assert_cmpint (
      run_cli (&out, "verify", "--json", signed_one (), "--trust", pki->root_pem, NULL), ==, 0);
  assert_jq (out, ".indication == \"TOTAL_PASSED\"");
  assert_jq (out, ".file | endswith(\"inkan-signed.pdf\")");
  assert_jq (out, ".signatures | length == 1");
  assert_jq (out, ".signatures[0] | .indication == \"TOTAL_PASSED\" and .subindication == null"
                  " and .coverage == \"ENTIRE_FILE\" and .modification_level == \"NONE\""
                  " and .revision == 2 and .timestamp == null"
                  " and (.signer | test(\"Li Wei\")) and (.field | length > 0)"
                  " and (.signing_time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T\"))"
                  " and (.findings | type == \"array\")");

  g_assert_cmpint (run_cli (&out2, "verify", "--json", page, "--trust", pki->root_pem, NULL), ==,
                   1);
  assert_jq (out2, ".indication == \"TOTAL_FAILED\"");
  assert_jq (out2, ".signatures[0].modification_level == \"OTHER\"");
  assert_jq (out2, ".signatures[0].findings | length > 0 and all(.code | length > 0)"
                   " and all(.message | length > 0)");

  g_assert_cmpint (run_cli (&out3, "verify", "--json", signed_one (), NULL), ==, 2);
  assert_jq (out3, ".indication == \"INDETERMINATE\"");
  assert_jq (out3, ".signatures[0].subindication == \"NO_CERTIFICATE_CHAIN_FOUND\"");

  /* the human report names the signer and says what is wrong */
  g_assert_cmpint (run_cli (&human, "verify", page, "--trust", pki->root_pem, NULL), ==, 1);
  g_assert_nonnull (strstr (human, "Li Wei"));
}

/* The report on a mapped file, whose pages the verifier gives back as it hashes and walks, is
 * the report on the same bytes in memory. */
static void
assert_same_as_in_memory (const char *path, const InkanReport *report, const char *trust)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanTrust) anchors = inkan_trust_new ();
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (InkanReport) in_memory = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *a = NULL, *b = NULL;
  InkanVerifyOptions options = { anchors, NULL };

  g_assert_no_error (error);
  inkan_trust_add_file (anchors, trust, &error);
  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  in_memory = inkan_verify_bytes (bytes, display, &options, &error);
  g_assert_no_error (error);
  a = inkan_report_to_json (report);
  b = inkan_report_to_json (in_memory);
  g_assert_cmpstr (a, ==, b);
}

/* A document of more objects than one checking batch and larger than the memory the verifier
 * keeps, signed twice: both signatures pass, the first with the second signature's update
 * explained; the same file with page 1 replaced by a later update fails them. */
static void
test_large_revisions (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *input = inkan_test_make_pdf ("pages:300");
  g_autofree char *once = inkan_test_tmp_path ("large-once.pdf");
  g_autofree char *twice = inkan_test_tmp_path ("large-twice.pdf");
  g_autofree char *replaced = inkan_test_tmp_path ("large-replaced.pdf");
  g_autoptr (InkanReport) good = NULL;
  g_autoptr (InkanReport) bad = NULL;
  GStatBuf st;
  guint i;

  inkan_test_cli_sign (input, once, TRUE, NULL);
  inkan_test_cli_sign (once, twice, TRUE, "60,60,150,150");
  g_assert_cmpint (g_stat (twice, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 24 * 1024 * 1024);

  good = verify (twice, pki->root_pem);
  assert_all_passed (good, 2);
  g_assert_cmpuint (good->n_revisions, ==, 3);
  assert_level (signature (good, 0)->modification_level, INKAN_MODIFICATION_ANNOTATIONS);
  g_assert_cmpuint (signature (good, 0)->coverage, ==, INKAN_COVERAGE_ENTIRE_REVISION);
  g_assert_cmpuint (signature (good, 1)->coverage, ==, INKAN_COVERAGE_ENTIRE_FILE);
  assert_same_as_in_memory (twice, good, pki->root_pem);

  inkan_test_attack_page_replaced (twice, TRUE, replaced);
  bad = verify (replaced, pki->root_pem);
  log_report (bad);
  assert_indication (bad->indication, INKAN_INDICATION_TOTAL_FAILED);
  for (i = 0; i < bad->signatures->len; i++)
    {
      assert_indication (signature (bad, i)->indication, INKAN_INDICATION_TOTAL_FAILED);
      assert_level (signature (bad, i)->modification_level, INKAN_MODIFICATION_OTHER);
    }
  assert_same_as_in_memory (replaced, bad, pki->root_pem);
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  /* the builders and the test-side signer, judged by qpdf, pdfsig and pdftoppm */
  g_test_add_func ("/inkan/verify/certify/judged", test_certify_judged);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/inkan/verify/build/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_build);
    }

  /* the verifier's verdicts */
  g_test_add_func ("/inkan/verify/peer/inkan", test_inkan_signed);
  g_test_add_func ("/inkan/verify/peer/openssl", test_openssl_signed);
  g_test_add_func ("/inkan/verify/peer/pdfsig", test_pdfsig_signed);
  g_test_add_func ("/inkan/verify/unsigned", test_unsigned);
  g_test_add_func ("/inkan/verify/large/revisions", test_large_revisions);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/inkan/verify/verdict/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_verdict);
    }
  g_test_add_func ("/inkan/verify/corpus/coverage", test_corpus_coverage);
  g_test_add_func ("/inkan/verify/corpus/form-updates", test_corpus_form_updates);
  g_test_add_func ("/inkan/verify/corpus/lta", test_corpus_lta);
  g_test_add_func ("/inkan/verify/corpus/signed-twice", test_corpus_signed_twice);
  g_test_add_func ("/inkan/verify/corpus/certified", test_corpus_certified);
  g_test_add_func ("/inkan/verify/corpus/unusual-cms", test_corpus_unusual_cms);
  g_test_add_func ("/inkan/verify/corpus/alice", test_corpus_alice);
  g_test_add_func ("/inkan/verify/cli/exit-codes", test_cli_exit_codes);
  g_test_add_func ("/inkan/verify/cli/json", test_cli_json);

  return g_test_run ();
}
