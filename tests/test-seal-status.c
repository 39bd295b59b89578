/* Tests of inkan-seal-status: each seal's availability for a user and a document, in a real
 * store made with inkan-cli, with the test token's keys. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "inkan-pdf.h"
#include "inkan-policy.h"
#include "inkan-seal-status.h"
#include "inkan-sealing.h"
#include "inkan-test-store.h"
#include "inkan-test-util.h"

static const InkanSealStatus *
find (GPtrArray  *list,
      const char *seal)
{
  for (guint i = 0; i < list->len; i++)
    {
      const InkanSealStatus *status = g_ptr_array_index (list, i);

      if (g_strcmp0 (status->seal->name, seal) == 0)
        return status;
    }
  return NULL;
}

static GPtrArray *
list_for (const char *db,
          const char *user_name,
          const char *pdf)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (db, &error);
  g_autoptr (InkanUser) user = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GPtrArray *list;

  g_assert_no_error (error);
  user = inkan_store_get_user (store, user_name, &error);
  g_assert_no_error (error);
  list = inkan_seal_status_list (store, user, pdf, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    {
      const InkanSealStatus *status = g_ptr_array_index (list, i);

      g_test_message ("%s: %s (%s) %s", status->seal->name,
                      inkan_seal_availability_to_string (status->availability),
                      status->reason_code >= 0 ? inkan_policy_error_code (status->reason_code)
                                               : "-",
                      status->reason != NULL ? status->reason : "");
    }
  return list;
}

static void
admin (const char *db,
       ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;
  int status;

  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_assert_cmpuint (argv->len, <=, 14);
  while (argv->len < 14)
    g_ptr_array_add (argv, NULL);
  status = inkan_test_store_cli (db, NULL, NULL, "admin", argv->pdata[0], argv->pdata[1],
                                 argv->pdata[2], argv->pdata[3], argv->pdata[4], argv->pdata[5],
                                 argv->pdata[6], argv->pdata[7], argv->pdata[8], argv->pdata[9],
                                 argv->pdata[10], argv->pdata[11], argv->pdata[12],
                                 argv->pdata[13], NULL);
  g_assert_cmpint (status, ==, 0);
}

static void
create_seal (const char *db,
             const char *name)
{
  InkanTestPki *pki = inkan_test_pki_get ();

  admin (db, "seal", "create", name, "--kind", "finance", "--image", pki->seal_png, "--cert",
         pki->second_cert_url, "--key", pki->second_key_url, "--pin-file", pki->pin_file, NULL);
}

static void
test_states (void)
{
  g_autofree char *db = inkan_test_store_make ("states");
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *other = inkan_test_make_pdf ("form");
  g_autoptr (GPtrArray) list = NULL;
  const InkanSealStatus *s;

  /* More seals, one for each state. */
  create_seal (db, "Suspended");
  admin (db, "grant", "add", "Suspended", "--user", "clerk", NULL);
  admin (db, "seal", "suspend", "Suspended", NULL);
  create_seal (db, "Retired");
  admin (db, "grant", "add", "Retired", "--user", "clerk", NULL);
  admin (db, "seal", "retire", "Retired", NULL);
  create_seal (db, "Ungranted");
  create_seal (db, "Lapsed");
  admin (db, "grant", "add", "Lapsed", "--user", "clerk", "--from", "2020-01-01", "--until",
         "2020-12-31", NULL);
  create_seal (db, "Templated");
  admin (db, "template", "add", "Form", other, NULL);
  admin (db, "grant", "add", "Templated", "--user", "clerk", "--template", "Form", NULL);
  create_seal (db, "ForClerks");
  admin (db, "grant", "add", "ForClerks", "--role", "clerk", NULL);

  list = list_for (db, "clerk", pdf);
  /* Retired seals are not offered at all. */
  g_assert_cmpuint (list->len, ==, 7);
  g_assert_null (find (list, "Retired"));

  s = find (list, "Official");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_USABLE);
  g_assert_cmpint (s->reason_code, ==, -1);
  g_assert_null (s->reason);
  g_assert_cmpint (s->grant_id, >, 0);
  g_assert_null (s->request);
  g_assert_nonnull (s->seal->image_png);

  s = find (list, "ForClerks");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_USABLE);

  s = find (list, "Contract");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NEEDS_APPROVAL);
  g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_APPROVAL_REQUIRED);
  g_assert_nonnull (strstr (s->reason, "needs approval"));
  g_assert_null (s->request);

  s = find (list, "Suspended");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_SUSPENDED);
  g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_SEAL_SUSPENDED);
  g_assert_nonnull (strstr (s->reason, "suspended"));

  s = find (list, "Ungranted");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NOT_GRANTED);
  g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_NO_GRANT);
  g_assert_nonnull (s->reason);

  s = find (list, "Lapsed");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_EXPIRED);
  g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_GRANT_EXPIRED);
  g_assert_nonnull (strstr (s->reason, "2020-12-31"));

  /* The grant is for documents like the Form template: not this one, but that one. */
  s = find (list, "Templated");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NOT_GRANTED);
  g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_TEMPLATE_MISMATCH);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_for (db, "clerk", other);
  g_assert_cmpint (find (list, "Templated")->availability, ==, INKAN_AVAILABILITY_USABLE);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* An auditor uses no seal: the role check's own sentence. */
  list = list_for (db, "auditor", pdf);
  for (guint i = 0; i < list->len; i++)
    {
      s = g_ptr_array_index (list, i);
      g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NOT_GRANTED);
      g_assert_cmpint (s->reason_code, ==, INKAN_POLICY_ERROR_NOT_ALLOWED);
      g_assert_nonnull (strstr (s->reason, "use seals"));
    }
}

/* A request waits, then its approval makes the seal usable under it, at its placement; for
 * another document the request counts for nothing. */
static void
test_requests (void)
{
  g_autofree char *db = inkan_test_store_make ("requests");
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *other = inkan_test_make_pdf ("many-pages");
  g_autoptr (GPtrArray) list = NULL;
  const InkanSealStatus *s;
  gint64 id;

  id = inkan_test_store_request (db, "Contract", pdf, "Supply contract", 1, "380,60,150,150");

  list = list_for (db, "clerk", pdf);
  s = find (list, "Contract");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NEEDS_APPROVAL);
  g_assert_nonnull (s->request);
  g_assert_cmpint (s->request->id, ==, id);
  g_assert_cmpint (s->request->state, ==, INKAN_REQUEST_PENDING);
  g_assert_nonnull (strstr (s->reason, "waiting for approval"));
  g_clear_pointer (&list, g_ptr_array_unref);

  inkan_test_store_approve (db, id);
  list = list_for (db, "clerk", pdf);
  s = find (list, "Contract");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_USABLE);
  g_assert_cmpint (s->grant_id, >, 0);
  g_assert_nonnull (s->request);
  g_assert_cmpint (s->request->id, ==, id);
  g_assert_cmpint (s->request->state, ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpuint (s->request->page, ==, 1);
  g_assert_cmpfloat (s->request->rect[0], ==, 380);
  g_assert_cmpfloat (s->request->rect[1], ==, 60);
  g_assert_cmpfloat (s->request->rect[2], ==, 150);
  g_assert_nonnull (strstr (s->reason, "approved"));
  g_clear_pointer (&list, g_ptr_array_unref);

  list = list_for (db, "clerk", other);
  s = find (list, "Contract");
  g_assert_cmpint (s->availability, ==, INKAN_AVAILABILITY_NEEDS_APPROVAL);
  g_assert_null (s->request);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The manager has no request of their own here, and is no clerk. */
  list = list_for (db, "manager", pdf);
  g_assert_cmpint (find (list, "Contract")->availability, ==, INKAN_AVAILABILITY_NOT_GRANTED);
}

static void
got_list (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *out = g_object_ref (result);
}

static GPtrArray *
list_async (const char *db,
            const char *user,
            const char *pdf,
            GError    **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  inkan_seal_status_list_async (db, user, pdf, NULL, NULL, got_list, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return inkan_seal_status_list_finish (result, error);
}

static void
test_async (void)
{
  g_autofree char *db = inkan_test_store_make ("async");
  g_autofree char *pdf = inkan_test_make_pdf ("one-page");
  g_autofree char *missing = inkan_test_tmp_path ("no-such.pdf");
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *sha = NULL;
  gsize len;

  list = list_async (db, "clerk", pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (find (list, "Official")->availability, ==, INKAN_AVAILABILITY_USABLE);
  g_assert_cmpint (find (list, "Contract")->availability, ==, INKAN_AVAILABILITY_NEEDS_APPROVAL);

  /* Errors: an unknown user, a missing document, a store that is no store. */
  g_assert_null (list_async (db, "nobody", pdf, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (list_async (db, "clerk", missing, &error));
  g_assert_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (list_async (pdf, "clerk", pdf, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN);
  g_clear_error (&error);

  /* The document's digest is that of its bytes. */
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  sha = inkan_file_sha256 (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inkan/seal-status/states", test_states);
  g_test_add_func ("/inkan/seal-status/requests", test_requests);
  g_test_add_func ("/inkan/seal-status/async", test_async);

  return g_test_run ();
}
