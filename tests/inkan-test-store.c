/* A real seal store for tests, made with inkan-cli. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "inkan-test-store.h"
#include "inkan-test-util.h"

int
inkan_test_store_cli (const char *db,
                      char      **out,
                      char      **err,
                      const char *as,
                      ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *local_err = NULL;
  const char *cli = g_getenv ("INKAN_CLI");
  const char *arg;
  va_list ap;
  int status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, g_strdup ("env"));
  g_ptr_array_add (argv, g_strdup ("-u"));
  g_ptr_array_add (argv, g_strdup ("INKAN_NOW"));
  /* setsid: no controlling terminal, so that a missing PIN cannot be typed. */
  g_ptr_array_add (argv, g_strdup ("setsid"));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup (cli));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (db));
  if (as != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--as"));
      g_ptr_array_add (argv, g_strdup (as));
    }
  va_start (ap, as);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = inkan_test_run ((const char * const *) argv->pdata, out,
                           err != NULL ? err : &local_err);
  if (status != 0)
    g_test_message ("inkan-cli exit %d; stderr: %s", status, err != NULL ? *err : local_err);
  return status;
}

char *
inkan_test_store_make (const char *name)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *folder = g_strdup_printf ("%s/inkan.db", name);
  char *db = inkan_test_tmp_path (folder);
  g_autofree char *dir = g_path_get_dirname (db);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, NULL, "user", "add", "admin", "--role",
                                         "admin", "--cert", pki->second_pem, NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "user", "add", "clerk", "--role",
                                         "clerk", "--cert", pki->clerk_pem, NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "user", "add", "manager",
                                         "--role", "approver", "--cert", pki->manager_cert_url,
                                         NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "user", "add", "auditor",
                                         "--role", "auditor", "--cert", pki->nousage_pem, NULL),
                   ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "seal", "create", "Official",
                                         "--kind", "official", "--image", pki->seal_png, "--cert",
                                         pki->second_cert_url, "--key", pki->second_key_url,
                                         "--approval", "none", "--pin-file", pki->pin_file, NULL),
                   ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "seal", "create", "Contract",
                                         "--kind", "contract", "--image", pki->seal_png, "--cert",
                                         pki->second_cert_url, "--key", pki->second_key_url,
                                         "--approval", "approver", "--pin-file", pki->pin_file,
                                         NULL),
                   ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "grant", "add", "Official",
                                         "--user", "clerk", NULL), ==, 0);
  g_assert_cmpint (inkan_test_store_cli (db, NULL, NULL, "admin", "grant", "add", "Contract",
                                         "--user", "clerk", NULL), ==, 0);
  return db;
}

gint64
inkan_test_store_request (const char *db,
                          const char *seal,
                          const char *pdf,
                          const char *reason,
                          guint       page,
                          const char *rect)
{
  g_autofree char *out = NULL;
  g_autofree char *page_text = g_strdup_printf ("%u", page);
  guint64 id = 0;
  int status;

  if (page > 0 && rect != NULL)
    status = inkan_test_store_cli (db, &out, NULL, "clerk", "request", "create", seal, pdf,
                                   "--reason", reason, "--page", page_text, "--rect", rect, NULL);
  else
    status = inkan_test_store_cli (db, &out, NULL, "clerk", "request", "create", seal, pdf,
                                   "--reason", reason, NULL);
  g_assert_cmpint (status, ==, 0);
  g_strchomp (out);
  g_assert_true (g_ascii_string_to_unsigned (out, 10, 1, G_MAXINT64, &id, NULL));
  return (gint64) id;
}

void
inkan_test_store_approve (const char *db,
                          gint64      id)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *out = NULL;

  g_assert_cmpint (inkan_test_store_cli (db, &out, NULL, "manager", "approve", text, "--key",
                                         pki->manager_key_url, "--pin-file", pki->pin_file,
                                         "--comment", "Checked.", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "approved"));
}
