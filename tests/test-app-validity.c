/* GUI tests of the validity banner and the signatures sidebar: the real window under Xvfb opens
 * sealed, tampered, untrusted and unsigned documents, and shows what a recipient must know. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "inkan-document-view.h"
#include "inkan-seal-record.h"
#include "inkan-sign.h"
#include "inkan-test-app.h"
#include "inkan-test-attack.h"
#include "inkan-test-tsa.h"
#include "inkan-test-util.h"
#include "inkan-validity.h"

typedef struct
{
  InkanWindow *window;
  InkanTestPki *pki;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->pki = inkan_test_pki_get ();
  fixture->window = inkan_test_app_new_window ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  for (int i = 0; i < 20; i++)
    inkan_test_app_iterate ();
  g_unsetenv ("INKAN_TRUST");
}

/* Signs a fresh one-page sample with the test token's clerk key, the seal at (380, 80) 140 × 140
 * points from the page's lower-left corner. */
static char *
sealed_sample (void)
{
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  char *sealed = inkan_test_tmp_path ("sealed.pdf");

  if (!g_file_test (sealed, G_FILE_TEST_EXISTS))
    inkan_test_cli_sign (pdf, sealed, TRUE, "380,80,140,140");
  return sealed;
}

/* Opens `path` and waits for its verification to end. */
static InkanDocumentView *
open_verified (Fixture    *fixture,
               const char *path)
{
  InkanDocumentView *view = inkan_test_app_open (fixture->window, path);

  inkan_test_app_wait_until (!inkan_document_view_get_verifying (view));
  inkan_test_app_wait_frames (GTK_WIDGET (view), 2);
  return view;
}

static gboolean
details_contain (InkanSignatureList *list,
                 guint               index,
                 const char         *line)
{
  GStrv details = inkan_signature_list_get_details (list, index);

  g_assert_nonnull (details);
  for (guint i = 0; details[i] != NULL; i++)
    if (g_str_has_prefix (details[i], line))
      return TRUE;
  g_test_message ("no detail line starts with “%s”", line);
  return FALSE;
}

static void
test_sealed (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  InkanDocumentView *view;
  InkanValidityBanner *banner;
  InkanSignatureList *list;
  const InkanReport *report;
  const InkanSignatureReport *signature;
  AdwExpanderRow *row;
  g_autofree char *shot = NULL;

  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, sealed);
  banner = inkan_document_view_get_validity_banner (view);
  list = inkan_document_view_get_signature_list (view);
  report = inkan_document_view_get_report (view);

  g_assert_nonnull (report);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  signature = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (signature->indication, ==, INKAN_INDICATION_TOTAL_PASSED);

  /* Green, saying who sealed it. */
  g_assert_cmpint (inkan_validity_banner_get_state (banner), ==, INKAN_VALIDITY_VALID);
  g_assert_cmpstr (inkan_validity_banner_get_title (banner), ==, "Signed and unchanged");
  g_assert_nonnull (strstr (inkan_validity_banner_get_detail (banner), signature->signer_name));

  /* The sidebar is open on its one row: the signer, their organisation and the verdict. */
  g_assert_true (inkan_document_view_get_signatures_visible (view));
  g_assert_cmpuint (inkan_signature_list_get_n_rows (list), ==, 1);
  row = inkan_signature_list_get_row (list, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   signature->signer_name);
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (row), signature->organisation));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (row), "Valid"));
  g_assert_true (details_contain (list, 0, "Verdict: Valid"));
  g_assert_true (details_contain (list, 0, "Covers: The whole document as it is now"));
  g_assert_true (details_contain (list, 0, "Changes after signing: None"));
  g_assert_true (details_contain (list, 0, "Signed: "));
  /* The verification code, shown and checked as a reader would type it. */
  g_assert_nonnull (signature->verification_code);
  {
    g_autofree char *line = g_strdup_printf ("Verification code: %s",
                                             signature->verification_code);
    g_autofree char *typed = g_ascii_strdown (signature->verification_code, -1);

    g_assert_true (details_contain (list, 0, line));
    g_assert_cmpint (inkan_signature_list_check_code (list, typed), ==, 0);
    g_assert_cmpint (inkan_signature_list_check_code (list, "AAAA-BBBB-CCCC"), ==, -1);
    g_assert_cmpint (inkan_signature_list_check_code (list, "not a code"), ==, -1);
    g_assert_cmpint (inkan_signature_list_check_code (list, signature->verification_code), ==, 0);
  }

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-sealed");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

/* "Show on page" scrolls to the seal and outlines exactly its rectangle. */
static void
test_show_on_page (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  InkanDocumentView *view;
  InkanPageView *page_view;
  GtkWidget *outline;
  graphene_rect_t bounds;
  double width, height, x, y, scale;
  g_autofree char *shot = NULL;

  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, sealed);
  page_view = inkan_document_view_get_page_view (view);
  g_assert_null (inkan_document_view_get_signature_outline (view));

  g_signal_emit_by_name (inkan_document_view_get_signature_list (view), "show-signature", 0);
  outline = inkan_document_view_get_signature_outline (view);
  g_assert_nonnull (outline);
  inkan_test_app_wait_frames (GTK_WIDGET (view), 3);

  /* The seal was asked at (380, 80) 140 × 140 from the lower-left corner: as the view shows the
   * page (top-left origin) that is (380, height − 220). */
  inkan_document_get_page_size (inkan_document_view_get_document (view), 0, &width, &height);
  inkan_page_view_page_to_view (page_view, 0, 380, height - 220, &x, &y);
  scale = inkan_page_view_get_scale (page_view);
  g_assert_true (gtk_widget_compute_bounds (outline, GTK_WIDGET (page_view), &bounds));
  g_assert_cmpfloat_with_epsilon (bounds.origin.x, x, 2.0);
  g_assert_cmpfloat_with_epsilon (bounds.origin.y, y, 2.0);
  g_assert_cmpfloat_with_epsilon (bounds.size.width, 140 * scale, 2.0);
  /* The seal's widget has the verification code's strip (0.16 of the seal) under it. */
  g_assert_cmpfloat_with_epsilon (bounds.size.height, 140 * 1.16 * scale, 2.0);
  /* And it is on screen: the view scrolled to it. */
  g_assert_cmpfloat (y + 140 * 1.16 * scale, <=,
                     gtk_widget_get_height (GTK_WIDGET (page_view)) + 2.0);
  g_assert_cmpfloat (y, >=, -2.0);

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-show-on-page");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

static void
test_tampered (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  g_autofree char *tampered = inkan_test_tmp_path ("tampered.pdf");
  InkanDocumentView *view;
  InkanValidityBanner *banner;
  InkanSignatureList *list;
  g_autofree char *shot = NULL;

  inkan_test_attack_page_replaced (sealed, TRUE, tampered);
  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, tampered);
  banner = inkan_document_view_get_validity_banner (view);
  list = inkan_document_view_get_signature_list (view);

  g_assert_cmpint (inkan_validity_banner_get_state (banner), ==, INKAN_VALIDITY_INVALID);
  g_assert_cmpstr (inkan_validity_banner_get_title (banner), ==, "Changed after signing");
  g_assert_true (g_str_has_prefix (inkan_validity_banner_get_detail (banner),
                                   "Do not rely on this document."));
  g_assert_cmpuint (inkan_signature_list_get_n_rows (list), ==, 1);
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (inkan_signature_list_get_row (list, 0)),
                            "Invalid"));
  g_assert_true (details_contain (list, 0, "Verdict: Invalid"));
  g_assert_true (details_contain (list, 0, "Changes after signing: The document was changed"));
  g_assert_true (details_contain (list, 0, "Finding: "));

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-tampered");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

static void
test_untrusted (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  InkanDocumentView *view;
  InkanValidityBanner *banner;
  InkanSignatureList *list;
  const InkanSignatureReport *signature;
  const InkanFinding *finding;
  g_autofree char *shot = NULL;

  /* No anchor at all: the organisation's root is unknown here. */
  g_unsetenv ("INKAN_TRUST");
  view = open_verified (fixture, sealed);
  banner = inkan_document_view_get_validity_banner (view);
  list = inkan_document_view_get_signature_list (view);
  signature = g_ptr_array_index (inkan_document_view_get_report (view)->signatures, 0);
  g_assert_cmpint (signature->indication, ==, INKAN_INDICATION_INDETERMINATE);
  g_assert_cmpuint (signature->findings->len, >, 0);
  finding = g_ptr_array_index (signature->findings, 0);

  g_assert_cmpint (inkan_validity_banner_get_state (banner), ==, INKAN_VALIDITY_UNSURE);
  g_assert_cmpstr (inkan_validity_banner_get_title (banner), ==, "Signature not confirmed");
  /* The banner says what to do: the verifier's own sentence. */
  g_assert_nonnull (strstr (inkan_validity_banner_get_detail (banner), finding->message));
  g_assert_true (details_contain (list, 0, "Verdict: Not confirmed"));

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-untrusted");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

static void
test_unsigned (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  InkanDocumentView *view;
  g_autofree char *shot = NULL;

  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, pdf);
  g_assert_nonnull (inkan_document_view_get_report (view));
  g_assert_cmpuint (inkan_document_view_get_report (view)->signatures->len, ==, 0);
  /* No banner and no sidebar for an unsigned document: nothing to warn about. */
  g_assert_cmpint (inkan_validity_banner_get_state (inkan_document_view_get_validity_banner (view)),
                   ==, INKAN_VALIDITY_NONE);
  g_assert_false (inkan_document_view_get_signatures_visible (view));
  g_assert_cmpuint (inkan_signature_list_get_n_rows (inkan_document_view_get_signature_list (view)),
                    ==, 0);

  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-unsigned");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

/* "Signed version" opens, in a new tab, the document exactly as the first of two signatures
 * signed it: a prefix of the file, whose one signature covers all of it. */
static void
test_signed_version (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  g_autofree char *twice = inkan_test_tmp_path ("sealed-twice.pdf");
  g_autofree char *original = NULL;
  g_autofree char *version = NULL;
  g_autofree char *version_path = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *shot = NULL;
  gsize original_len, version_len;
  InkanDocumentView *view, *opened;
  const InkanReport *report;
  const InkanSignatureReport *first;
  AdwTabView *tabs = inkan_window_get_tab_view (fixture->window);

  inkan_test_cli_sign (sealed, twice, FALSE, NULL);
  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, twice);
  report = inkan_document_view_get_report (view);
  g_assert_cmpuint (report->signatures->len, ==, 2);
  first = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (first->coverage, ==, INKAN_COVERAGE_ENTIRE_REVISION);
  g_assert_cmpint (inkan_validity_banner_get_state (inkan_document_view_get_validity_banner (view)),
                   ==, INKAN_VALIDITY_VALID);

  g_signal_emit_by_name (inkan_document_view_get_signature_list (view), "show-signed-version", 0);
  inkan_test_app_wait_until (adw_tab_view_get_n_pages (tabs) == 2);
  opened = inkan_window_get_current_view (fixture->window);
  g_assert_true (opened != view);
  inkan_test_app_wait_until (!inkan_document_view_get_loading (opened)
                             && !inkan_document_view_get_verifying (opened));
  version_path = g_file_get_path (inkan_document_view_get_file (opened));
  basename = g_path_get_basename (version_path);
  g_assert_nonnull (strstr (basename, "(as signed by"));

  /* Byte for byte the file as the first signature left it. */
  g_assert_true (g_file_get_contents (twice, &original, &original_len, NULL));
  g_assert_true (g_file_get_contents (version_path, &version, &version_len, NULL));
  g_assert_cmpuint (version_len, <, original_len);
  g_assert_cmpmem (version, version_len, original, version_len);
  /* …in which that signature is the only one, covering the whole file, valid. */
  report = inkan_document_view_get_report (opened);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  g_assert_cmpint (((InkanSignatureReport *) g_ptr_array_index (report->signatures, 0))->coverage,
                   ==, INKAN_COVERAGE_ENTIRE_FILE);
  g_assert_cmpint (inkan_validity_banner_get_state (inkan_document_view_get_validity_banner (opened)),
                   ==, INKAN_VALIDITY_VALID);

  inkan_test_app_wait_frames (GTK_WIDGET (opened), 2);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-signed-version");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
  g_unlink (version_path);
}

/* "What changed" after a content change: the replaced page is marked where it differs; after a
 * second, invisible signature: nothing looks different. Asked again, the marks go away. */
static void
test_what_changed (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *sealed = sealed_sample ();
  g_autofree char *tampered = inkan_test_tmp_path ("tampered-changes.pdf");
  g_autofree char *twice = inkan_test_tmp_path ("sealed-twice-changes.pdf");
  InkanSignatureList *list;
  InkanDocumentView *view;
  const InkanVisualDiff *changes;
  g_autofree char *shot = NULL;

  inkan_test_attack_page_replaced (sealed, TRUE, tampered);
  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, tampered);
  list = inkan_document_view_get_signature_list (view);
  g_assert_null (inkan_document_view_get_changes (view));
  g_signal_emit_by_name (list, "show-changes", 0);
  inkan_test_app_wait_until (inkan_document_view_get_changes (view) != NULL);
  changes = inkan_document_view_get_changes (view);
  g_assert_cmpuint (changes->pages_compared, ==, 1);
  g_assert_cmpuint (changes->pages_added + changes->pages_removed, ==, 0);
  g_assert_cmpuint (changes->areas->len, >, 0);
  g_assert_cmpint (g_array_index (changes->areas, InkanVisualChange, 0).page, ==, 0);
  g_assert_cmpuint (inkan_document_view_get_n_change_marks (view), ==, changes->areas->len);
  g_assert_nonnull (strstr (inkan_window_get_last_toast (fixture->window), "marked in red"));
  inkan_test_app_wait_frames (GTK_WIDGET (view), 3);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-what-changed");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));

  g_signal_emit_by_name (list, "show-changes", 0);
  g_assert_null (inkan_document_view_get_changes (view));
  g_assert_cmpuint (inkan_document_view_get_n_change_marks (view), ==, 0);

  inkan_test_cli_sign (sealed, twice, FALSE, NULL);
  view = open_verified (fixture, twice);
  g_signal_emit_by_name (inkan_document_view_get_signature_list (view), "show-changes", 0);
  inkan_test_app_wait_until (inkan_document_view_get_changes (view) != NULL);
  changes = inkan_document_view_get_changes (view);
  g_assert_cmpuint (changes->pages_compared, ==, 1);
  g_assert_cmpuint (changes->areas->len, ==, 0);
  g_assert_cmpstr (inkan_window_get_last_toast (fixture->window), ==,
                   "Nothing looks different on the pages since the signature.");
}

/* A seal timestamped by a TSA: the sidebar says its time is proven, and by whom. */
static void
test_timestamped (Fixture       *fixture,
                  gconstpointer  data)
{
  InkanTestTsa *tsa = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *stamped = inkan_test_tmp_path ("timestamped.pdf");
  g_autofree char *err = NULL;
  const char *argv[] = { g_getenv ("INKAN_CLI"), "sign", pdf, "-o", stamped, "--key",
                         fixture->pki->clerk_key_url, "--pin-file", fixture->pki->pin_file,
                         "--tsa", inkan_test_tsa_get_url (tsa), NULL };
  InkanDocumentView *view;
  const InkanSignatureReport *signature;
  g_autofree char *expected = NULL;

  g_assert_cmpint (inkan_test_run (argv, NULL, &err), ==, 0);
  inkan_test_tsa_stop (tsa);
  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, stamped);
  signature = g_ptr_array_index (inkan_document_view_get_report (view)->signatures, 0);
  g_assert_nonnull (signature->timestamp);
  g_assert_true (signature->timestamp->valid);
  expected = g_strdup_printf ("proven by the timestamp of %s", signature->timestamp->tsa);
  g_assert_true (details_contain (inkan_document_view_get_signature_list (view), 0, "Signed: "));
  {
    GStrv details = inkan_signature_list_get_details (inkan_document_view_get_signature_list (view), 0);
    gboolean found = FALSE;

    for (guint i = 0; details[i] != NULL; i++)
      found |= g_str_has_prefix (details[i], "Signed: ") && strstr (details[i], expected) != NULL;
    g_assert_true (found);
  }
  g_assert_cmpint (inkan_validity_banner_get_state (inkan_document_view_get_validity_banner (view)),
                   ==, INKAN_VALIDITY_VALID);
}

/* The words for every verdict, coverage and change level exist and differ: a reader can tell
 * them apart. */
static void
test_words (void)
{
  const char *coverage[4], *changes[5];

  for (int i = 0; i < 4; i++)
    coverage[i] = inkan_validity_coverage_words ((InkanCoverage) i);
  for (int i = 0; i < 5; i++)
    changes[i] = inkan_validity_changes_words ((InkanModificationLevel) i);
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      g_assert_cmpstr (coverage[i], !=, coverage[j]);
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++)
      g_assert_cmpstr (changes[i], !=, changes[j]);
}

/* A sample sealed with the test token's ECDSA key and the test seal picture, carrying a seal
 * record made by the same key (its certificate leads to the test root) for the window
 * [from, until) in days from now. */
static char *
sealed_with_record (Fixture *fixture, const char *name, int from, int until)
{
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *png = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSigner) signer = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GBytes) record = NULL;
  gnutls_datum_t der = { NULL, 0 };
  InkanSeal seal = { 0 };
  InkanSignOptions options = { 0 };
  gsize len = 0;
  char *out = inkan_test_tmp_path (name);

  signer = inkan_test_open_signer (fixture->pki->second_key_url, NULL);
  g_assert_true (g_file_get_contents (fixture->pki->seal_png, &png, &len, &error));
  g_assert_cmpint (gnutls_x509_crt_export2 (inkan_signer_get_certificate (signer),
                                            GNUTLS_X509_FMT_DER, &der), >=, 0);
  seal.name = (char *) "Contract";
  seal.kind = INKAN_SEAL_CONTRACT;
  seal.image_png = g_bytes_new_take (g_steal_pointer (&png), len);
  seal.cert_der = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  seal.valid_from = g_date_time_add_days (now, from);
  seal.valid_until = g_date_time_add_days (now, until);
  record = inkan_seal_record_make (&seal, signer, "admin", now, &error);
  g_assert_no_error (error);
  g_bytes_unref (seal.image_png);
  g_bytes_unref (seal.cert_der);
  g_date_time_unref (seal.valid_from);
  g_date_time_unref (seal.valid_until);

  options.input = pdf;
  options.output = out;
  options.signer = signer;
  options.image = fixture->pki->seal_png;
  options.page = 1;
  options.has_rect = TRUE;
  options.rect = (InkanRect) { 380, 80, 140, 140 };
  options.seal_record = record;
  g_assert_true (inkan_sign_pdf (&options, &error));
  g_assert_no_error (error);
  return out;
}

/* The seal record's name, kind and maker in the sidebar; "Seal not bound" when it does not hold
 * (here: the seal's window ended before the sealing). */
static void
test_seal_binding (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *bound = sealed_with_record (fixture, "seal-bound.pdf", -1, 30);
  g_autofree char *expired = sealed_with_record (fixture, "seal-expired.pdf", -30, -1);
  g_autofree char *shot = NULL;
  InkanDocumentView *view;
  InkanSignatureList *list;

  g_setenv ("INKAN_TRUST", fixture->pki->root_pem, TRUE);
  view = open_verified (fixture, bound);
  list = inkan_document_view_get_signature_list (view);
  g_assert_cmpuint (inkan_signature_list_get_n_rows (list), ==, 1);
  g_assert_true (details_contain (list, 0, "Verdict: Valid"));
  g_assert_true (details_contain (list, 0, "Seal: Contract (contract), made by Zhang Min"));
  g_assert_false (details_contain (list, 0, "Seal not bound"));

  view = open_verified (fixture, expired);
  list = inkan_document_view_get_signature_list (view);
  g_assert_true (details_contain (list, 0, "Seal: Contract (contract), made by Zhang Min"));
  g_assert_true (details_contain (list, 0, "Seal not bound: The seal “Contract” expired on"));
  g_assert_false (details_contain (list, 0, "Verdict: Valid"));
  adw_expander_row_set_expanded (inkan_signature_list_get_row (list, 0), TRUE);
  inkan_test_app_wait_frames (GTK_WIDGET (view), 3);
  shot = inkan_test_app_screenshot (GTK_WIDGET (fixture->window), "validity-seal-not-bound");
  g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/inkan/app/validity/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("sealed", test_sealed);
  ADD ("show-on-page", test_show_on_page);
  ADD ("tampered", test_tampered);
  ADD ("untrusted", test_untrusted);
  ADD ("unsigned", test_unsigned);
  ADD ("signed-version", test_signed_version);
  ADD ("timestamped", test_timestamped);
  ADD ("what-changed", test_what_changed);
  ADD ("seal-binding", test_seal_binding);
#undef ADD
  g_test_add_func ("/inkan/app/validity/words", test_words);

  return inkan_test_app_run ();
}
