/* The policy case by case, approvals signed with the test token, and template digests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/x509.h>

#include "inkan-test-incr.h"
#include "inkan-test-util.h"

#include "inkan-pdf.h"
#include "inkan-policy.h"

/* ---- helpers ---- */

static InkanSigner *manager_signer, *second_signer, *clerk_signer;

static char *
pin_from_file (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  const char *path = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (flags & INKAN_PIN_FLAG_RETRY)
    return NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return g_strdup (g_strstrip (text));
}

static InkanSigner *
open_signer (InkanSigner **cached, const char *key_url)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GError) error = NULL;

  if (*cached == NULL)
    {
      *cached = inkan_signer_open (key_url, NULL, pin_from_file, pki->pin_file, &error);
      g_assert_no_error (error);
      g_assert_nonnull (*cached);
    }
  return *cached;
}

static InkanSigner *
manager (void)
{
  return open_signer (&manager_signer, inkan_test_pki_get ()->manager_key_url);
}

static InkanSigner *
second (void)
{
  return open_signer (&second_signer, inkan_test_pki_get ()->second_key_url);
}

static InkanSigner *
clerk (void)
{
  return open_signer (&clerk_signer, inkan_test_pki_get ()->clerk_key_url);
}

static GBytes *
der_of_pem (const char *pem_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t in, out = { NULL, 0 };
  GBytes *der;

  g_file_get_contents (pem_path, &pem, &len, &error);
  g_assert_no_error (error);
  in.data = (unsigned char *) pem;
  in.size = len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  return der;
}

static GBytes *
der_of_signer (InkanSigner *signer)
{
  gnutls_datum_t out = { NULL, 0 };
  GBytes *der;

  g_assert_cmpint (gnutls_x509_crt_export2 (inkan_signer_get_certificate (signer),
                                            GNUTLS_X509_FMT_DER, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return der;
}

static InkanUser *
make_user (gint64 id, const char *name, InkanRoles roles, GBytes *cert)
{
  InkanUser *user = g_new0 (InkanUser, 1);

  user->id = id;
  user->name = g_strdup (name);
  user->roles = roles;
  user->cert_der = cert;
  user->created = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  return user;
}

static GDateTime *
days_from (GDateTime *now, int days)
{
  return g_date_time_add_days (now, days);
}

#define DOC_SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define OTHER_SHA "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define TEMPLATE_SHA "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

typedef struct
{
  GDateTime *now;
  InkanUser *admin, *clerk, *manager, *second;
  InkanSeal *seal;
  GPtrArray *grants;      /* InkanGrant */
  GPtrArray *templates;   /* InkanTemplate */
  InkanRequest *request;
  GPtrArray *approvals;   /* InkanApproval */
  GPtrArray *approvers;   /* InkanUser, borrowed */
  InkanPolicyInput input;
} Fixture;

static InkanGrant *
add_grant (Fixture *f, gint64 id, gint64 user_id, InkanRoles role, int from_days, int until_days)
{
  InkanGrant *grant = g_new0 (InkanGrant, 1);

  grant->id = id;
  grant->seal_id = f->seal->id;
  grant->user_id = user_id;
  grant->role = role;
  grant->from = from_days != G_MININT ? days_from (f->now, from_days) : NULL;
  grant->until = until_days != G_MAXINT ? days_from (f->now, until_days) : NULL;
  grant->template_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_ptr_array_add (f->grants, grant);
  return grant;
}

static void
set_chain (Fixture *f, const char *const *roles)
{
  g_ptr_array_set_size (f->seal->approval_chain, 0);
  for (guint i = 0; roles[i] != NULL; i++)
    g_ptr_array_add (f->seal->approval_chain, g_strdup (roles[i]));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autoptr (GDateTime) real_now = g_date_time_new_now_utc ();

  (void) data;
  /* Whole seconds, like the store's times once read back. */
  f->now = g_date_time_new_from_unix_utc (g_date_time_to_unix (real_now));
  f->admin = make_user (1, "root", INKAN_ROLE_ADMIN, NULL);
  f->clerk = make_user (2, "liwei", INKAN_ROLE_CLERK, der_of_pem (pki->clerk_pem));
  f->manager = make_user (3, "wangfang", INKAN_ROLE_APPROVER, der_of_pem (pki->manager_pem));
  f->second = make_user (4, "zhangmin", INKAN_ROLE_APPROVER, der_of_pem (pki->second_pem));

  f->seal = g_new0 (InkanSeal, 1);
  f->seal->id = 7;
  f->seal->name = g_strdup ("Contract");
  f->seal->kind = INKAN_SEAL_CONTRACT;
  f->seal->cert_der = der_of_pem (pki->second_pem);
  f->seal->key_url = g_strdup (pki->second_key_url);
  f->seal->approval_chain = g_ptr_array_new_with_free_func (g_free);
  f->seal->state = INKAN_SEAL_ACTIVE;
  f->seal->created = g_date_time_ref (f->now);

  f->grants = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_grant_free);
  f->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_template_free);
  f->approvals = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_approval_free);
  f->approvers = g_ptr_array_new ();

  f->request = g_new0 (InkanRequest, 1);
  f->request->id = 12;
  f->request->seal_id = f->seal->id;
  f->request->requester_id = f->clerk->id;
  f->request->document_sha256 = g_strdup (DOC_SHA);
  f->request->document_name = g_strdup ("contract.pdf");
  f->request->reason = g_strdup ("Supplier contract");
  f->request->state = INKAN_REQUEST_APPROVED;
  f->request->created = days_from (f->now, -1);

  f->input.actor = f->clerk;
  f->input.seal = f->seal;
  f->input.grants = f->grants;
  f->input.document_sha256 = DOC_SHA;
  f->input.document_template_sha256 = TEMPLATE_SHA;
  f->input.templates = f->templates;
  f->input.request = NULL;
  f->input.approvals = f->approvals;
  f->input.approvers = f->approvers;
  f->input.now = f->now;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  g_ptr_array_unref (f->approvers);
  g_ptr_array_unref (f->approvals);
  g_ptr_array_unref (f->templates);
  g_ptr_array_unref (f->grants);
  inkan_request_free (f->request);
  inkan_seal_free (f->seal);
  inkan_user_free (f->admin);
  inkan_user_free (f->clerk);
  inkan_user_free (f->manager);
  inkan_user_free (f->second);
  g_date_time_unref (f->now);
}

/* An approval of the fixture's request at `step`, signed by `signer` and recorded as made by
 * `approver`. */
static InkanApproval *
add_approval (Fixture *f, guint step, InkanUser *approver, InkanSigner *signer,
              InkanDecision decision, const char *comment)
{
  InkanApproval *a = g_new0 (InkanApproval, 1);
  g_autoptr (GError) error = NULL;

  a->id = 100 + step;
  a->request_id = f->request->id;
  a->approver_id = approver->id;
  a->role = inkan_role_from_string (g_ptr_array_index (f->seal->approval_chain, step));
  a->step = step;
  a->decision = decision;
  a->comment = g_strdup (comment);
  a->time = g_date_time_add_minutes (f->now, -30 + (int) step);
  a->statement = inkan_approval_statement (f->request->id, f->request->document_sha256,
                                           f->seal->name, decision, comment, a->time);
  a->cms = inkan_approval_sign (signer, a->statement, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a->cms);
  g_ptr_array_add (f->approvals, a);
  g_ptr_array_add (f->approvers, approver);
  return a;
}

/* A seal with a two-step chain, a grant to the clerk and a request approved by the manager then
 * the second approver: allowed as it stands; each test breaks one thing. */
static void
set_up_approved (Fixture *f)
{
  static const char *const chain[] = { "approver", "approver", NULL };

  set_chain (f, chain);
  add_grant (f, 5, f->clerk->id, 0, -10, 10);
  f->input.request = f->request;
  add_approval (f, 0, f->manager, manager (), INKAN_DECISION_APPROVE, "Checked the prices.");
  add_approval (f, 1, f->second, second (), INKAN_DECISION_APPROVE, "同意。");
}

static void
assert_refused (Fixture *f, int code, const char *const *words)
{
  g_autoptr (GError) error = NULL;
  gint64 grant_id = -1;

  g_assert_false (inkan_policy_check_sign (&f->input, &grant_id, &error));
  g_assert_error (error, INKAN_POLICY_ERROR, code);
  g_assert_cmpint (grant_id, ==, -1);
  g_test_message ("%s: %s", inkan_policy_error_code (code), error->message);
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      {
        g_test_message ("\"%s\" is not in the message", words[i]);
        g_test_fail ();
      }
  /* A sentence: a capital first, a full stop last. */
  g_assert_true (g_ascii_isupper (error->message[0]));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
assert_allowed (Fixture *f, gint64 expected_grant)
{
  g_autoptr (GError) error = NULL;
  gint64 grant_id = -1;

  g_assert_true (inkan_policy_check_sign (&f->input, &grant_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (grant_id, ==, expected_grant);
}

#define WORDS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* ---- the seal ---- */

static void
test_seal_active (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  assert_allowed (f, 5);
}

static void
test_seal_suspended (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  f->seal->state = INKAN_SEAL_SUSPENDED;
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_SUSPENDED, WORDS ("Contract", "resume"));
}

static void
test_seal_retired (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  f->seal->state = INKAN_SEAL_RETIRED;
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_RETIRED, WORDS ("Contract", "retired"));
}

static void
test_seal_window_not_yet (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  f->seal->valid_from = g_date_time_new_utc (2099, 3, 1, 0, 0, 0);
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID, WORDS ("Contract", "2099-03-01"));
}

static void
test_seal_window_expired (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  f->seal->valid_from = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  f->seal->valid_until = g_date_time_add_seconds (f->now, -1);
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_EXPIRED, WORDS ("Contract", "expired"));

  /* The window's end is the first instant it no longer holds. */
  g_date_time_unref (f->seal->valid_until);
  f->seal->valid_until = g_date_time_ref (f->now);
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_EXPIRED, NULL);
  g_date_time_unref (f->seal->valid_until);
  f->seal->valid_until = g_date_time_add_seconds (f->now, 1);
  assert_allowed (f, 5);
}

static void
test_seal_cert_expired (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  g_bytes_unref (f->seal->cert_der);
  f->seal->cert_der = der_of_pem (inkan_test_pki_get ()->expired_pem);
  /* The demo's expired certificate ended on 2021-01-01. */
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_EXPIRED,
                  WORDS ("certificate", "Contract", "2021-01-01", "renew"));
}

static void
test_seal_cert_not_yet_valid (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) past = g_date_time_new_utc (2019, 6, 1, 12, 0, 0);

  add_grant (f, 5, f->clerk->id, 0, G_MININT, G_MAXINT);
  /* The test certificates start a day before the token was made. */
  f->input.now = past;
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID, WORDS ("certificate", "Contract"));
}

static void
test_seal_cert_unreadable (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  g_bytes_unref (f->seal->cert_der);
  f->seal->cert_der = g_bytes_new_static ("\x30\x03\x02\x01", 4);
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_EXPIRED, WORDS ("cannot be read", "Contract"));
  g_clear_pointer (&f->seal->cert_der, g_bytes_unref);
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_EXPIRED, WORDS ("no certificate", "Contract"));
}

/* ---- grants ---- */

static void
test_grant_none (Fixture *f, gconstpointer data)
{
  InkanGrant *other_seal;

  assert_refused (f, INKAN_POLICY_ERROR_NO_GRANT, WORDS ("liwei", "Contract"));
  /* Grants to someone else, to a role the clerk lacks, for another seal: still none. */
  add_grant (f, 5, f->manager->id, 0, -1, 1);
  add_grant (f, 6, 0, INKAN_ROLE_APPROVER, -1, 1);
  other_seal = add_grant (f, 8, f->clerk->id, 0, -1, 1);
  other_seal->seal_id = 99;
  assert_refused (f, INKAN_POLICY_ERROR_NO_GRANT, WORDS ("liwei", "Contract"));
}

static void
test_grant_to_role (Fixture *f, gconstpointer data)
{
  add_grant (f, 9, 0, INKAN_ROLE_CLERK, G_MININT, G_MAXINT);
  assert_allowed (f, 9);
}

static void
test_grant_not_yet_valid (Fixture *f, gconstpointer data)
{
  InkanGrant *grant = add_grant (f, 12, f->clerk->id, 0, 0, 30);

  g_date_time_unref (grant->from);
  grant->from = g_date_time_new_utc (2099, 12, 1, 0, 0, 0);
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID,
                  WORDS ("Grant 12", "Contract", "2099-12-01"));
}

static void
test_grant_expires_by_itself (Fixture *f, gconstpointer data)
{
  InkanGrant *grant = add_grant (f, 12, f->clerk->id, 0, G_MININT, G_MAXINT);
  /* Relative to the real clock: the test certificates are made today, so a fixed date
   * would fall before their validity one day and the check would fail for that reason. */
  g_autoptr (GDateTime) in_two_days = days_from (f->now, 2);
  g_autoptr (GDateTime) until = g_date_time_new_utc (g_date_time_get_year (in_two_days),
                                                     g_date_time_get_month (in_two_days),
                                                     g_date_time_get_day_of_month (in_two_days),
                                                     0, 0, 0);
  g_autoptr (GDateTime) before = g_date_time_add_seconds (until, -1);
  g_autofree char *day = g_date_time_format (until, "%Y-%m-%d");
  g_autofree char *sentence = g_strdup_printf ("Grant 12 for the Contract seal expired on %s; "
                                               "ask an administrator to renew it.", day);

  grant->until = g_date_time_ref (until);
  f->input.now = before;
  assert_allowed (f, 12);
  /* Nobody acts: the same grant, a second later, is refused. */
  f->input.now = until;
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_EXPIRED, WORDS (sentence));
}

static void
test_grant_revoked (Fixture *f, gconstpointer data)
{
  InkanGrant *grant = add_grant (f, 12, f->clerk->id, 0, -1, 1);

  grant->revoked = TRUE;
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_REVOKED, WORDS ("Grant 12", "revoked"));
}

static void
test_grant_used_up (Fixture *f, gconstpointer data)
{
  InkanGrant *grant = add_grant (f, 12, f->clerk->id, 0, -1, 1);

  grant->max_uses = 1;
  grant->uses = 0;
  assert_allowed (f, 12);
  grant->uses = 1;
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_USED_UP, WORDS ("Grant 12", "1 of 1"));
  /* No bound: any number of uses. */
  grant->max_uses = 0;
  grant->uses = 1000;
  assert_allowed (f, 12);
}

static void
test_grant_template (Fixture *f, gconstpointer data)
{
  InkanGrant *grant = add_grant (f, 12, f->clerk->id, 0, -1, 1);
  InkanTemplate *po = g_new0 (InkanTemplate, 1), *nda = g_new0 (InkanTemplate, 1);
  gint64 ids[] = { 21, 22 };

  po->id = 21;
  po->name = g_strdup ("Purchase order");
  po->content_sha256 = g_strdup (OTHER_SHA);
  nda->id = 22;
  nda->name = g_strdup ("NDA");
  nda->content_sha256 = g_strdup (TEMPLATE_SHA);
  g_ptr_array_add (f->templates, po);
  g_ptr_array_add (f->templates, nda);
  g_array_append_vals (grant->template_ids, ids, 2);

  /* The document's pages are the NDA's. */
  assert_allowed (f, 12);
  /* Upper-case hex is the same digest. */
  g_free (nda->content_sha256);
  nda->content_sha256 = g_ascii_strup (TEMPLATE_SHA, -1);
  assert_allowed (f, 12);

  f->input.document_template_sha256 = DOC_SHA;
  assert_refused (f, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH,
                  WORDS ("grant 12", "Contract", "Purchase order, NDA"));
  f->input.document_template_sha256 = NULL;
  assert_refused (f, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH, NULL);
  /* A grant naming a template the input does not carry matches nothing. */
  f->input.document_template_sha256 = TEMPLATE_SHA;
  g_array_set_size (grant->template_ids, 0);
  ids[0] = 23;
  g_array_append_vals (grant->template_ids, ids, 1);
  assert_refused (f, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH, WORDS ("template 23"));
}

static void
test_grant_pick_ends_first (Fixture *f, gconstpointer data)
{
  add_grant (f, 30, f->clerk->id, 0, -5, G_MAXINT);   /* no end */
  add_grant (f, 31, 0, INKAN_ROLE_CLERK, -5, 20);
  add_grant (f, 32, f->clerk->id, 0, -5, 3);          /* ends first */
  add_grant (f, 33, f->clerk->id, 0, -5, 1)->revoked = TRUE;
  add_grant (f, 34, f->clerk->id, 0, -5, -1);         /* ended */
  add_grant (f, 35, f->clerk->id, 0, 1, 2);           /* not yet */
  assert_allowed (f, 32);
  g_ptr_array_remove_index (f->grants, 2);
  assert_allowed (f, 31);
  g_ptr_array_remove_index (f->grants, 1);
  assert_allowed (f, 30);
}

static void
test_grant_most_relevant_reason (Fixture *f, gconstpointer data)
{
  InkanGrant *used;

  add_grant (f, 40, f->clerk->id, 0, -5, 1)->revoked = TRUE;
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_REVOKED, WORDS ("Grant 40"));
  add_grant (f, 41, f->clerk->id, 0, -9, -8);
  add_grant (f, 42, f->clerk->id, 0, -5, -2);         /* ended last */
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_EXPIRED, WORDS ("Grant 42"));
  add_grant (f, 43, f->clerk->id, 0, 8, 9);
  add_grant (f, 44, 0, INKAN_ROLE_CLERK, 2, 9);        /* starts first */
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID, WORDS ("Grant 44"));
  used = add_grant (f, 45, f->clerk->id, 0, -1, 1);
  used->max_uses = 3;
  used->uses = 3;
  assert_refused (f, INKAN_POLICY_ERROR_GRANT_USED_UP, WORDS ("Grant 45", "3 of 3"));
  g_array_append_val (add_grant (f, 46, f->clerk->id, 0, -1, 1)->template_ids,
                      (gint64) { 77 });
  assert_refused (f, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH, WORDS ("grant 46"));
  /* The order of the input does not change the verdict. */
  for (guint i = 0; i < f->grants->len / 2; i++)
    {
      gpointer swap = f->grants->pdata[i];

      f->grants->pdata[i] = f->grants->pdata[f->grants->len - 1 - i];
      f->grants->pdata[f->grants->len - 1 - i] = swap;
    }
  assert_refused (f, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH, WORDS ("grant 46"));
}

/* ---- requests and approvals ---- */

static void
test_approval_not_needed (Fixture *f, gconstpointer data)
{
  add_grant (f, 5, f->clerk->id, 0, -1, 1);
  assert_allowed (f, 5);
  /* A request given anyway must still be this signer's, for this seal and document. */
  f->input.request = f->request;
  f->request->state = INKAN_REQUEST_PENDING;
  assert_allowed (f, 5);
  f->input.document_sha256 = OTHER_SHA;
  assert_refused (f, INKAN_POLICY_ERROR_REQUEST_MISMATCH, NULL);
  f->input.document_sha256 = DOC_SHA;
  f->request->state = INKAN_REQUEST_USED;
  assert_refused (f, INKAN_POLICY_ERROR_REQUEST_STATE, NULL);
}

static void
test_approval_chain_valid (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  assert_allowed (f, 5);
}

static void
test_approval_required (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  f->input.request = NULL;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_REQUIRED, WORDS ("Contract", "request"));
}

static void
test_request_mismatch (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  f->request->seal_id = 8;
  assert_refused (f, INKAN_POLICY_ERROR_REQUEST_MISMATCH, WORDS ("Request 12", "another seal"));
  f->request->seal_id = f->seal->id;

  f->input.actor = f->admin;
  add_grant (f, 6, f->admin->id, 0, -1, 1);
  assert_refused (f, INKAN_POLICY_ERROR_REQUEST_MISMATCH, WORDS ("Request 12", "another user"));
  f->input.actor = f->clerk;
  assert_allowed (f, 5);
}

static void
test_request_document_changed (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  f->input.document_sha256 = OTHER_SHA;
  assert_refused (f, INKAN_POLICY_ERROR_REQUEST_MISMATCH,
                  WORDS ("request 12", "changed", "approved"));
  /* Upper-case hex of the same file is the same document. */
  f->input.document_sha256 = g_intern_string ("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822C"
                                              "D15D6C15B0F00A08");
  assert_allowed (f, 5);
}

static void
test_request_state (Fixture *f, gconstpointer data)
{
  static const struct
  {
    InkanRequestState state;
    const char *word;
  } cases[] = {
    { INKAN_REQUEST_PENDING, "waiting" },
    { INKAN_REQUEST_REJECTED, "rejected" },
    { INKAN_REQUEST_CANCELLED, "cancelled" },
    { INKAN_REQUEST_USED, "already been used" },
  };

  set_up_approved (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      f->request->state = cases[i].state;
      assert_refused (f, INKAN_POLICY_ERROR_REQUEST_STATE, WORDS ("Request 12", cases[i].word));
    }
}

static void
test_approval_incomplete (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  g_ptr_array_remove_index (f->approvals, 1);
  g_ptr_array_remove_index (f->approvers, 1);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("1 of the 2"));
  g_ptr_array_set_size (f->approvals, 0);
  g_ptr_array_set_size (f->approvers, 0);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("0 of the 2"));
}

static void
test_approval_inserted (Fixture *f, gconstpointer data)
{
  InkanApproval *extra;

  set_up_approved (f);
  /* A third row, well signed by the manager, where the chain has two steps. */
  g_ptr_array_add (f->seal->approval_chain, g_strdup ("approver"));
  extra = add_approval (f, 2, f->manager, manager (), INKAN_DECISION_APPROVE, "");
  g_ptr_array_remove_index (f->seal->approval_chain, 2);
  g_assert_nonnull (extra);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("3 approvals", "needs 2"));
}

static void
test_approval_out_of_order (Fixture *f, gconstpointer data)
{
  InkanApproval *a0, *a1;

  set_up_approved (f);
  a0 = g_ptr_array_index (f->approvals, 0);
  a1 = g_ptr_array_index (f->approvals, 1);
  f->approvals->pdata[0] = a1;
  f->approvals->pdata[1] = a0;
  f->approvers->pdata[0] = f->second;
  f->approvers->pdata[1] = f->manager;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("Approval 1", "step 2"));
}

static void
test_approval_wrong_role (Fixture *f, gconstpointer data)
{
  static const char *const chain[] = { "approver", "admin", NULL };

  set_up_approved (f);
  /* The chain asks for an administrator at step 2; the row says approver. */
  set_chain (f, chain);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("Approval 2", "admin"));
  /* The row claims the admin role its approver does not hold. */
  ((InkanApproval *) g_ptr_array_index (f->approvals, 1))->role = INKAN_ROLE_ADMIN;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                  WORDS ("Approval 2", "zhangmin", "does not hold the admin role"));
  /* An approver whose role was taken away since. */
  set_chain (f, (const char *const[]) { "approver", "approver", NULL });
  ((InkanApproval *) g_ptr_array_index (f->approvals, 1))->role = INKAN_ROLE_APPROVER;
  f->second->roles = INKAN_ROLE_CLERK;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("zhangmin", "approver role"));
}

static void
test_approval_rejection_row (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  g_ptr_array_remove_index (f->approvals, 1);
  g_ptr_array_remove_index (f->approvers, 1);
  /* Properly signed, but a rejection: it can never count as an approval. */
  add_approval (f, 1, f->second, second (), INKAN_DECISION_REJECT, "Wrong supplier.");
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("Approval 2", "not an approval"));
}

static void
test_approval_self (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  /* The requester approves their own request (their registered certificate signing). */
  f->clerk->roles |= INKAN_ROLE_APPROVER;
  g_ptr_array_remove_index (f->approvals, 1);
  g_ptr_array_remove_index (f->approvers, 1);
  add_approval (f, 1, f->clerk, clerk (), INKAN_DECISION_APPROVE, "");
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("liwei", "own request"));
}

static void
test_approval_same_person_twice (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  g_ptr_array_remove_index (f->approvals, 1);
  g_ptr_array_remove_index (f->approvers, 1);
  add_approval (f, 1, f->manager, manager (), INKAN_DECISION_APPROVE, "Again.");
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("wangfang", "already approved"));
}

static void
test_approval_row_edited (Fixture *f, gconstpointer data)
{
  InkanApproval *a;

  set_up_approved (f);
  a = g_ptr_array_index (f->approvals, 0);

  /* The comment column edited: the signed statement no longer says what the row says. */
  g_free (a->comment);
  a->comment = g_strdup ("Checked the prices!");
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                  WORDS ("Approval 1", "wangfang", "changed"));
  g_free (a->comment);
  a->comment = g_strdup ("Checked the prices.");
  assert_allowed (f, 5);

  /* The time moved by a millisecond. */
  {
    GDateTime *moved = g_date_time_add (a->time, 1000);

    g_date_time_unref (a->time);
    a->time = moved;
    assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("changed"));
  }
}

static void
test_approval_request_reused (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  /* The approvals of request 12 copied onto request 13 for another document. */
  f->request->id = 13;
  for (guint i = 0; i < f->approvals->len; i++)
    ((InkanApproval *) g_ptr_array_index (f->approvals, i))->request_id = 13;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("changed"));
  /* And the request's document edited along with the file to sign. */
  f->request->id = 12;
  for (guint i = 0; i < f->approvals->len; i++)
    ((InkanApproval *) g_ptr_array_index (f->approvals, i))->request_id = 12;
  g_free (f->request->document_sha256);
  f->request->document_sha256 = g_strdup (OTHER_SHA);
  f->input.document_sha256 = OTHER_SHA;
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("changed"));
}

static void
test_approval_statement_forged (Fixture *f, gconstpointer data)
{
  InkanApproval *a;

  set_up_approved (f);
  a = g_ptr_array_index (f->approvals, 0);
  /* Row and statement edited together (the comment), the old CMS kept. */
  g_free (a->comment);
  a->comment = g_strdup ("Approved without reading.");
  g_bytes_unref (a->statement);
  a->statement = inkan_approval_statement (f->request->id, f->request->document_sha256,
                                           f->seal->name, a->decision, a->comment, a->time);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                  WORDS ("Approval 1", "wangfang's registered certificate"));
}

static void
test_approval_signed_by_other_user (Fixture *f, gconstpointer data)
{
  InkanApproval *a;
  g_autoptr (GError) error = NULL;

  set_up_approved (f);
  a = g_ptr_array_index (f->approvals, 0);
  /* The clerk signs a statement in the manager's name with the clerk's own token. */
  g_bytes_unref (a->cms);
  a->cms = inkan_approval_sign (clerk (), a->statement, &error);
  g_assert_no_error (error);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                  WORDS ("Approval 1", "wangfang", "another certificate"));
}

static void
test_approval_cert_swapped (Fixture *f, gconstpointer data)
{
  set_up_approved (f);
  /* The manager's registered certificate replaced by the clerk's in the users table. */
  g_bytes_unref (f->manager->cert_der);
  f->manager->cert_der = der_of_pem (inkan_test_pki_get ()->clerk_pem);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("Approval 1", "wangfang"));
  g_clear_pointer (&f->manager->cert_der, g_bytes_unref);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("no registered certificate"));
}

static void
test_approval_garbage_cms (Fixture *f, gconstpointer data)
{
  InkanApproval *a;

  set_up_approved (f);
  a = g_ptr_array_index (f->approvals, 1);
  g_bytes_unref (a->cms);
  a->cms = g_bytes_new_static ("\x30\x80\x00\x00", 4);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("Approval 2", "zhangmin"));
  g_clear_pointer (&a->cms, g_bytes_unref);
  assert_refused (f, INKAN_POLICY_ERROR_APPROVAL_INVALID, WORDS ("incomplete"));
}

static void
test_check_order (Fixture *f, gconstpointer data)
{
  /* Seal first, then grants, then approvals: a retired seal is what the user hears about. */
  set_up_approved (f);
  f->input.request = NULL;
  g_ptr_array_set_size (f->grants, 0);
  assert_refused (f, INKAN_POLICY_ERROR_NO_GRANT, NULL);
  f->seal->state = INKAN_SEAL_RETIRED;
  assert_refused (f, INKAN_POLICY_ERROR_SEAL_RETIRED, NULL);
}

/* ---- roles and approvers ---- */

static void
test_check_role (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (inkan_policy_check_role (f->admin, INKAN_ROLE_ADMIN, "create seals", &error));
  g_assert_no_error (error);
  g_assert_false (inkan_policy_check_role (f->clerk, INKAN_ROLE_ADMIN, "create seals", &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "liwei may not create seals"));
  g_assert_nonnull (strstr (error->message, "admin role"));
  g_clear_error (&error);
  /* The admin manages but does not audit: the powers are kept apart. */
  g_assert_false (inkan_policy_check_role (f->admin, INKAN_ROLE_AUDITOR, "read the audit trail",
                                           &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (inkan_policy_check_role (NULL, INKAN_ROLE_CLERK, "make requests", &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED);
}

static void
assert_approver_refused (Fixture *f, const InkanUser *actor, int code, const char *word)
{
  g_autoptr (GError) error = NULL;
  guint step = 99;

  g_assert_false (inkan_policy_check_approver (actor, f->seal, f->request, f->approvals, &step,
                                               &error));
  g_assert_error (error, INKAN_POLICY_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, word));
  g_assert_cmpuint (step, ==, 99);
}

static void
test_check_approver (Fixture *f, gconstpointer data)
{
  static const char *const chain[] = { "approver", "admin", NULL };
  g_autoptr (GError) error = NULL;
  guint step = 99;

  set_chain (f, chain);
  f->request->state = INKAN_REQUEST_PENDING;

  g_assert_true (inkan_policy_check_approver (f->manager, f->seal, f->request, f->approvals,
                                              &step, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (step, ==, 0);
  assert_approver_refused (f, f->admin, INKAN_POLICY_ERROR_NOT_ALLOWED, "approver role");
  /* The requester may not decide, whatever roles they hold. */
  f->clerk->roles |= INKAN_ROLE_APPROVER;
  assert_approver_refused (f, f->clerk, INKAN_POLICY_ERROR_NOT_ALLOWED, "may not decide");

  add_approval (f, 0, f->manager, manager (), INKAN_DECISION_APPROVE, "");
  g_assert_true (inkan_policy_check_approver (f->admin, f->seal, f->request, f->approvals, &step,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (step, ==, 1);
  assert_approver_refused (f, f->second, INKAN_POLICY_ERROR_NOT_ALLOWED, "admin role");
  /* Whoever decided one step does not decide the next, even holding both roles. */
  f->manager->roles |= INKAN_ROLE_ADMIN;
  assert_approver_refused (f, f->manager, INKAN_POLICY_ERROR_NOT_ALLOWED, "already decided");

  f->request->state = INKAN_REQUEST_APPROVED;
  assert_approver_refused (f, f->admin, INKAN_POLICY_ERROR_REQUEST_STATE, "approved");
  f->request->state = INKAN_REQUEST_PENDING;
  f->request->seal_id = 8;
  assert_approver_refused (f, f->admin, INKAN_POLICY_ERROR_REQUEST_MISMATCH, "another seal");
  f->request->seal_id = f->seal->id;
  set_chain (f, (const char *const[]) { "approver", NULL });
  assert_approver_refused (f, f->second, INKAN_POLICY_ERROR_REQUEST_STATE, "every approval");
  set_chain (f, (const char *const[]) { NULL });
  assert_approver_refused (f, f->second, INKAN_POLICY_ERROR_NOT_ALLOWED, "needs no approval");
}

/* ---- statements and their signatures ---- */

static void
test_statement_canonical (void)
{
  g_autoptr (GDateTime) time = g_date_time_new_utc (2026, 11, 25, 10, 0, 0.0);
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  g_autoptr (GDateTime) local = g_date_time_new (tz, 2026, 11, 25, 18, 0, 0.1234567);
  g_autoptr (GBytes) plain = NULL, escaped = NULL, shifted = NULL, null_comment = NULL;
  const char *expected_plain
      = "{\"request\":12,\"document_sha256\":\"" DOC_SHA "\",\"seal\":\"Contract\","
        "\"decision\":\"approve\",\"comment\":\"OK\",\"time\":\"2026-11-25T10:00:00.000Z\"}";
  const char *expected_escaped
      = "{\"request\":9007199254740993,\"document_sha256\":\"" DOC_SHA "\","
        "\"seal\":\"合同专用章 \\\"A\\\"\",\"decision\":\"reject\","
        "\"comment\":\"line\\nnext\\ttab \\\\ \\u0001 é/\",\"time\":\"2026-11-25T10:00:00.123Z\"}";

  plain = inkan_approval_statement (12, DOC_SHA, "Contract", INKAN_DECISION_APPROVE, "OK", time);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), expected_plain,
                   strlen (expected_plain));

  /* Upper-case hex, a zone east of UTC, microseconds cut to milliseconds. */
  escaped = inkan_approval_statement (G_GINT64_CONSTANT (9007199254740993),
                                      "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B"
                                      "2B0B822CD15D6C15B0F00A08", "合同专用章 \"A\"",
                                      INKAN_DECISION_REJECT, "line\nnext\ttab \\ \x01 é/", local);
  g_assert_cmpmem (g_bytes_get_data (escaped, NULL), g_bytes_get_size (escaped), expected_escaped,
                   strlen (expected_escaped));
  g_assert_true (g_utf8_validate (g_bytes_get_data (escaped, NULL), g_bytes_get_size (escaped),
                                  NULL));

  shifted = inkan_approval_statement (12, DOC_SHA, "Contract", INKAN_DECISION_APPROVE, "OK",
                                      local);
  g_assert_false (g_bytes_equal (plain, shifted));
  null_comment = inkan_approval_statement (12, DOC_SHA, "Contract", INKAN_DECISION_APPROVE, NULL,
                                           time);
  g_assert_nonnull (strstr (g_bytes_get_data (null_comment, NULL), "\"comment\":\"\","));
}

static void
test_statement_sign_verify (void)
{
  g_autoptr (GDateTime) time = g_date_time_new_utc (2026, 11, 25, 10, 0, 0.0);
  g_autoptr (GBytes) statement = NULL, other = NULL, cms = NULL, ecdsa_cms = NULL;
  g_autoptr (GBytes) manager_cert = der_of_signer (manager ());
  g_autoptr (GBytes) second_cert = der_of_signer (second ());
  g_autoptr (GError) error = NULL;

  statement = inkan_approval_statement (12, DOC_SHA, "Contract", INKAN_DECISION_APPROVE, "OK",
                                        time);
  cms = inkan_approval_sign (manager (), statement, &error);
  g_assert_no_error (error);
  g_assert_true (inkan_approval_verify (cms, statement, manager_cert, &error));
  g_assert_no_error (error);

  /* ECDSA keys sign approvals as well. */
  ecdsa_cms = inkan_approval_sign (second (), statement, &error);
  g_assert_no_error (error);
  g_assert_true (inkan_approval_verify (ecdsa_cms, statement, second_cert, &error));
  g_assert_no_error (error);

  /* Another statement. */
  other = inkan_approval_statement (12, DOC_SHA, "Contract", INKAN_DECISION_APPROVE, "OK!", time);
  g_assert_false (inkan_approval_verify (cms, other, manager_cert, &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID);
  g_clear_error (&error);
  /* A valid signature, but by someone else than the certificate given. */
  g_assert_false (inkan_approval_verify (cms, statement, second_cert, &error));
  g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID);
  g_assert_nonnull (strstr (error->message, "another certificate"));
  g_clear_error (&error);
  /* A truncated CMS. */
  {
    g_autoptr (GBytes) cut = g_bytes_new_from_bytes (cms, 0, g_bytes_get_size (cms) / 2);

    g_assert_false (inkan_approval_verify (cut, statement, manager_cert, &error));
    g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID);
    g_clear_error (&error);
  }
  /* Every single flipped byte is refused, never accepted, never a crash. */
  for (gsize i = 0; i < g_bytes_get_size (cms); i += 7)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
      g_autoptr (GBytes) flipped = NULL;
      gboolean ok;

      copy[i] ^= 0x01;
      flipped = g_bytes_new (copy, g_bytes_get_size (cms));
      ok = inkan_approval_verify (flipped, statement, manager_cert, &error);
      /* Some bytes do not matter (an unused bit of an encoding); none of those may forge. */
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID);
      g_clear_error (&error);
    }
}

static void
test_error_codes (void)
{
  g_assert_cmpstr (inkan_policy_error_code (INKAN_POLICY_ERROR_NOT_ALLOWED), ==, "NOT_ALLOWED");
  g_assert_cmpstr (inkan_policy_error_code (INKAN_POLICY_ERROR_GRANT_EXPIRED), ==,
                   "GRANT_EXPIRED");
  g_assert_cmpstr (inkan_policy_error_code (INKAN_POLICY_ERROR_APPROVAL_INVALID), ==,
                   "APPROVAL_INVALID");
  g_assert_cmpstr (inkan_policy_error_code (-1), ==, "UNKNOWN");
  g_assert_cmpstr (inkan_policy_error_code (999), ==, "UNKNOWN");
}

/* ---- template digests ---- */

static char *
digest_of (const char *path, guint *n_pages)
{
  g_autoptr (GError) error = NULL;
  char *digest = inkan_template_digest (path, n_pages, &error);

  g_assert_no_error (error);
  g_assert_nonnull (digest);
  g_assert_cmpuint (strlen (digest), ==, 64);
  return digest;
}

/* The form sample's objects, as inkan-mkassets writes them; checked, not assumed. */
#define FORM_INFO 2
#define FORM_NAME_FIELD 6
#define FORM_PAGE 8
#define FORM_CONTENTS 11

static void
test_template_form_filled (void)
{
  g_autofree char *form = inkan_test_make_pdf ("form");
  g_autofree char *field = inkan_test_incr_dict_with (form, FORM_NAME_FIELD, "/V", NULL);
  g_autofree char *page = inkan_test_incr_dict_with (form, FORM_PAGE, "/Type", "/Page");
  g_autofree char *original = NULL, *filled_digest = NULL;
  g_autofree char *filled = NULL, *filled_field = NULL, *ap_field = NULL, *info = NULL;
  int ap = inkan_test_incr_next_id (form);
  g_autofree char *ap_text = NULL;
  guint n_pages = 0;

  /* qpdf writes strings in hex: "name". */
  g_assert_nonnull (strstr (field, "/T <6e616d65>"));
  g_assert_nonnull (strstr (page, "/Contents 11 0 R"));

  original = digest_of (form, &n_pages);
  g_assert_cmpuint (n_pages, ==, 1);

  /* Another name typed in, with its appearance, and the /Info changed, as a form filler would
   * save it. */
  {
    g_autofree char *ap_ref = g_strdup_printf ("/AP << /N %d 0 R >>", ap);
    g_autoptr (GString) text = NULL;

    filled_field = inkan_test_incr_dict_with (form, FORM_NAME_FIELD, "/V", "(Zhang San)");
    text = g_string_new (filled_field);
    g_assert_cmpuint (g_string_replace (text, "/AP << /N 9 0 R >>", ap_ref, 1), ==, 1);
    ap_field = g_string_free (g_steal_pointer (&text), FALSE);
  }
  info = inkan_test_incr_dict_with (form, FORM_INFO, "/Title", "(Filled application form)");
  ap_text = g_strdup ("<< /BBox [ 0 0 220 22 ] /Resources << /Font << /Helv 5 0 R >> >> "
                      "/Subtype /Form /Type /XObject /Length 41 >>\nstream\n"
                      "BT /Helv 12 Tf 2 6 Td (Zhang San) Tj ET\n\nendstream");
  {
    InkanTestIncrEntry entries[] = {
      { FORM_INFO, info, FALSE, 0 },
      { FORM_NAME_FIELD, ap_field, FALSE, 0 },
      { ap, ap_text, FALSE, 0 },
    };

    filled = inkan_test_incr_append (form, "policy-form-filled.pdf", entries,
                                     G_N_ELEMENTS (entries));
  }
  filled_digest = digest_of (filled, NULL);
  g_assert_cmpstr (filled_digest, ==, original);
}

static void
test_template_content_changed (void)
{
  g_autofree char *form = inkan_test_make_pdf ("form");
  g_autofree char *original = digest_of (form, NULL);
  g_autofree char *changed = NULL, *changed_digest = NULL;
  g_autofree char *rotated = NULL, *rotated_digest = NULL;
  g_autofree char *cropped = NULL, *cropped_digest = NULL;
  g_autofree char *page = NULL;

  changed = inkan_test_incr_redefine (form, "policy-form-content.pdf", FORM_CONTENTS,
                                      "<< /Length 40 >>\nstream\n"
                                      "BT /f-0-0 24 Tf 72 700 Td (Void) Tj ET\n\nendstream");
  changed_digest = digest_of (changed, NULL);
  g_assert_cmpstr (changed_digest, !=, original);

  page = inkan_test_incr_dict_with (form, FORM_PAGE, "/Rotate", "90");
  rotated = inkan_test_incr_redefine (form, "policy-form-rotated.pdf", FORM_PAGE, page);
  rotated_digest = digest_of (rotated, NULL);
  g_assert_cmpstr (rotated_digest, !=, original);

  g_free (page);
  page = inkan_test_incr_dict_with (form, FORM_PAGE, "/CropBox", "[ 0 0 300 300 ]");
  cropped = inkan_test_incr_redefine (form, "policy-form-cropped.pdf", FORM_PAGE, page);
  cropped_digest = digest_of (cropped, NULL);
  g_assert_cmpstr (cropped_digest, !=, original);

  /* A crop box spelled out equal to the media box is the same page. */
  g_free (page);
  g_free (cropped);
  g_free (cropped_digest);
  page = inkan_test_incr_dict_with (form, FORM_PAGE, "/CropBox", "[ 0 0 595.276 841.89 ]");
  cropped = inkan_test_incr_redefine (form, "policy-form-full-crop.pdf", FORM_PAGE, page);
  cropped_digest = digest_of (cropped, NULL);
  g_assert_cmpstr (cropped_digest, ==, original);
}

#define FORM_RESOURCES 12
#define FORM_FONT 13

static void
test_template_resources (void)
{
  g_autofree char *form = inkan_test_make_pdf ("form");
  g_autofree char *original = digest_of (form, NULL);
  g_autofree char *font = inkan_test_incr_dict_with (form, FORM_FONT, "/BaseFont", "/Courier");
  g_autofree char *resources = inkan_test_incr_dict_with (form, FORM_RESOURCES, "/Type", NULL);
  g_autofree char *page = NULL, *other_font = NULL, *other_digest = NULL;
  g_autofree char *inlined = NULL, *inlined_digest = NULL;

  /* Another font under the same name draws other glyphs: another page. */
  other_font = inkan_test_incr_redefine (form, "policy-form-font.pdf", FORM_FONT, font);
  other_digest = digest_of (other_font, NULL);
  g_assert_cmpstr (other_digest, !=, original);

  /* The same resources written in the page instead of an object of their own: the same page. */
  g_assert_nonnull (strstr (resources, "/Font"));
  page = inkan_test_incr_dict_with (form, FORM_PAGE, "/Resources", resources);
  inlined = inkan_test_incr_redefine (form, "policy-form-inline-resources.pdf", FORM_PAGE, page);
  inlined_digest = digest_of (inlined, NULL);
  g_assert_cmpstr (inlined_digest, ==, original);
}

static void
test_template_corpus (void)
{
  g_autofree char *one = inkan_test_corpus_pdf ("minimal.pdf");
  g_autofree char *two = inkan_test_corpus_pdf ("minimal-two-pages.pdf");
  g_autofree char *d1 = NULL, *d2 = NULL, *d1_again = NULL;
  g_autofree char *page = NULL, *spelled = NULL, *spelled_digest = NULL;
  g_autofree char *taller = NULL, *taller_digest = NULL;
  guint n1 = 0, n2 = 0;

  d1 = digest_of (one, &n1);
  d2 = digest_of (two, &n2);
  g_assert_cmpuint (n1, ==, 1);
  g_assert_cmpuint (n2, ==, 2);
  g_assert_cmpstr (d1, !=, d2);
  d1_again = digest_of (one, NULL);
  g_assert_cmpstr (d1, ==, d1_again);

  /* minimal.pdf's page inherits its media box from the page tree (object 2): the same box
   * written on the page (object 3) is the same page, another box is not. */
  page = inkan_test_incr_dict_with (one, 3, "/Type", "/Page");
  g_assert_null (strstr (page, "/MediaBox"));
  g_free (page);
  page = inkan_test_incr_dict_with (one, 3, "/MediaBox", "[ 0 0 300.0 144 ]");
  spelled = inkan_test_incr_redefine (one, "policy-minimal-mediabox.pdf", 3, page);
  spelled_digest = digest_of (spelled, NULL);
  g_assert_cmpstr (spelled_digest, ==, d1);
  g_free (page);
  page = inkan_test_incr_dict_with (one, 3, "/MediaBox", "[ 0 0 300 200 ]");
  taller = inkan_test_incr_redefine (one, "policy-minimal-taller.pdf", 3, page);
  taller_digest = digest_of (taller, NULL);
  g_assert_cmpstr (taller_digest, !=, d1);
}

static void
test_template_refused (void)
{
  static const char *const bad[] = { "minimal-badxref.pdf", "minimal-aes256.pdf",
                                     "circular-page-tree.pdf" };
  g_autoptr (GError) error = NULL;
  char *digest;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = inkan_test_corpus_pdf (bad[i]);

      digest = inkan_template_digest (path, NULL, &error);
      g_assert_null (digest);
      g_assert_nonnull (error);
      g_assert_true (error->domain == INKAN_PDF_ERROR);
      g_test_message ("%s: %s", bad[i], error->message);
      g_clear_error (&error);
    }
  digest = inkan_template_digest ("/nonexistent/template.pdf", NULL, &error);
  g_assert_null (digest);
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND);
}

/* ---- main ---- */

#define ADD(path, func) \
  g_test_add ("/inkan/policy/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  ADD ("seal/active", test_seal_active);
  ADD ("seal/suspended", test_seal_suspended);
  ADD ("seal/retired", test_seal_retired);
  ADD ("seal/window-not-yet", test_seal_window_not_yet);
  ADD ("seal/window-expired", test_seal_window_expired);
  ADD ("seal/certificate-expired", test_seal_cert_expired);
  ADD ("seal/certificate-not-yet-valid", test_seal_cert_not_yet_valid);
  ADD ("seal/certificate-unreadable", test_seal_cert_unreadable);
  ADD ("grant/none", test_grant_none);
  ADD ("grant/to-role", test_grant_to_role);
  ADD ("grant/not-yet-valid", test_grant_not_yet_valid);
  ADD ("grant/expires-by-itself", test_grant_expires_by_itself);
  ADD ("grant/revoked", test_grant_revoked);
  ADD ("grant/used-up", test_grant_used_up);
  ADD ("grant/template", test_grant_template);
  ADD ("grant/pick-ends-first", test_grant_pick_ends_first);
  ADD ("grant/most-relevant-reason", test_grant_most_relevant_reason);
  ADD ("request/not-needed", test_approval_not_needed);
  ADD ("request/required", test_approval_required);
  ADD ("request/mismatch", test_request_mismatch);
  ADD ("request/document-changed", test_request_document_changed);
  ADD ("request/state", test_request_state);
  ADD ("approval/chain-valid", test_approval_chain_valid);
  ADD ("approval/incomplete", test_approval_incomplete);
  ADD ("approval/inserted", test_approval_inserted);
  ADD ("approval/out-of-order", test_approval_out_of_order);
  ADD ("approval/wrong-role", test_approval_wrong_role);
  ADD ("approval/rejection-row", test_approval_rejection_row);
  ADD ("approval/self", test_approval_self);
  ADD ("approval/same-person-twice", test_approval_same_person_twice);
  ADD ("approval/row-edited", test_approval_row_edited);
  ADD ("approval/request-reused", test_approval_request_reused);
  ADD ("approval/statement-forged", test_approval_statement_forged);
  ADD ("approval/signed-by-other-user", test_approval_signed_by_other_user);
  ADD ("approval/certificate-swapped", test_approval_cert_swapped);
  ADD ("approval/garbage-cms", test_approval_garbage_cms);
  ADD ("check-order", test_check_order);
  ADD ("role", test_check_role);
  ADD ("approver", test_check_approver);
  g_test_add_func ("/inkan/policy/statement/canonical", test_statement_canonical);
  g_test_add_func ("/inkan/policy/statement/sign-verify", test_statement_sign_verify);
  g_test_add_func ("/inkan/policy/error-codes", test_error_codes);
  g_test_add_func ("/inkan/policy/template/form-filled", test_template_form_filled);
  g_test_add_func ("/inkan/policy/template/content-changed", test_template_content_changed);
  g_test_add_func ("/inkan/policy/template/resources", test_template_resources);
  g_test_add_func ("/inkan/policy/template/corpus", test_template_corpus);
  g_test_add_func ("/inkan/policy/template/refused", test_template_refused);

  status = g_test_run ();
  g_clear_object (&manager_signer);
  g_clear_object (&second_signer);
  g_clear_object (&clerk_signer);
  return status;
}
