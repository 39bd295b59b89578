/* Test fixture: a SoftHSM2 token and organisation PKI made by build-aux/inkan-demo-pki.sh. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include <stdlib.h>
#include <string.h>

static char *pki_tmp_dir;

static void
pki_remove_tmp_dir (void)
{
  const char *argv[] = { "rm", "-rf", "--", pki_tmp_dir, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (pki_tmp_dir == NULL)
    return;
  /* Best effort: a leftover directory in /tmp must not turn a passing test into a failure. */
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    g_printerr ("# Could not remove %s: %s\n", pki_tmp_dir, error->message);
  g_clear_pointer (&pki_tmp_dir, g_free);
}

/* Aborts the test, leaving no temporary directory behind (atexit handlers do not run on abort). */
#define pki_die(...)                                                                               \
  G_STMT_START                                                                                     \
  {                                                                                                \
    pki_remove_tmp_dir ();                                                                         \
    g_error (__VA_ARGS__);                                                                         \
  }                                                                                                \
  G_STMT_END

/* Runs argv and aborts the test with the program's own output when it fails. */
static void
pki_run (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cmdline = g_strjoinv (" ", (char **)argv);
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    pki_die ("Could not start %s: %s", cmdline, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    pki_die ("%s failed (%s).\nstdout:\n%s\nstderr:\n%s", cmdline, error->message, out, err);
}

static const char *
pki_require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    pki_die ("%s is not set; run the tests with `meson test`, which sets it.", name);
  return value;
}

/* Reads the KEY='VALUE' lines the script writes into a table of unquoted values. */
static GHashTable *
pki_parse_env (const char *path)
{
  g_autoptr (GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    pki_die ("Could not read the demo PKI's environment file: %s", error->message);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      char *value;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (eq == NULL)
        pki_die ("%s: line %u is not KEY='VALUE': %s", path, i + 1, lines[i]);
      value = g_shell_unquote (eq + 1, &error);
      if (value == NULL)
        pki_die ("%s: line %u has a badly quoted value: %s", path, i + 1, error->message);
      g_hash_table_replace (table, g_strndup (lines[i], eq - lines[i]), value);
    }
  return g_steal_pointer (&table);
}

static char *
pki_take (GHashTable *env, const char *key, const char *path)
{
  char *value = g_strdup (g_hash_table_lookup (env, key));

  if (value == NULL)
    pki_die ("%s has no %s; is build-aux/inkan-demo-pki.sh up to date?", path, key);
  return value;
}

static InkanTestPki *
pki_make (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) env = NULL;
  g_autofree char *pki_dir = NULL;
  g_autofree char *env_path = NULL;
  InkanTestPki *pki;
  const char *script = pki_require_env ("INKAN_DEMO_PKI");
  const char *mkassets = pki_require_env ("INKAN_MKASSETS");

  pki_tmp_dir = g_dir_make_tmp ("inkan-test-pki-XXXXXX", &error);
  if (pki_tmp_dir == NULL)
    pki_die ("Could not create a temporary directory: %s", error->message);
  atexit (pki_remove_tmp_dir);

  pki_dir = g_build_filename (pki_tmp_dir, "pki", NULL);
  {
    const char *argv[] = { script, "--label", "Inkan Test", pki_dir, NULL };
    pki_run (argv);
  }

  env_path = g_build_filename (pki_dir, "env", NULL);
  env = pki_parse_env (env_path);

  pki = g_new0 (InkanTestPki, 1);
  pki->dir = g_strdup (pki_tmp_dir);
  pki->softhsm2_conf = pki_take (env, "SOFTHSM2_CONF", env_path);
  pki->pin = pki_take (env, "INKAN_PIN", env_path);
  pki->pin_file = pki_take (env, "INKAN_PIN_FILE", env_path);
  pki->token_url = pki_take (env, "INKAN_TOKEN_URL", env_path);
  pki->root_pem = pki_take (env, "INKAN_ROOT_PEM", env_path);
  pki->nssdb = pki_take (env, "INKAN_NSSDB", env_path);
  pki->clerk_key_url = pki_take (env, "INKAN_CLERK_KEY_URL", env_path);
  pki->clerk_cert_url = pki_take (env, "INKAN_CLERK_CERT_URL", env_path);
  pki->clerk_pem = pki_take (env, "INKAN_CLERK_PEM", env_path);
  pki->manager_key_url = pki_take (env, "INKAN_MANAGER_KEY_URL", env_path);
  pki->manager_cert_url = pki_take (env, "INKAN_MANAGER_CERT_URL", env_path);
  pki->manager_pem = pki_take (env, "INKAN_MANAGER_PEM", env_path);
  pki->second_key_url = pki_take (env, "INKAN_SECOND_KEY_URL", env_path);
  pki->second_cert_url = pki_take (env, "INKAN_SECOND_CERT_URL", env_path);
  pki->second_pem = pki_take (env, "INKAN_SECOND_PEM", env_path);
  pki->expired_key_url = pki_take (env, "INKAN_EXPIRED_KEY_URL", env_path);
  pki->expired_pem = pki_take (env, "INKAN_EXPIRED_PEM", env_path);
  pki->nousage_key_url = pki_take (env, "INKAN_NOUSAGE_KEY_URL", env_path);
  pki->nousage_pem = pki_take (env, "INKAN_NOUSAGE_PEM", env_path);

  /* Set before anything in this process loads SoftHSM through p11-kit, and inherited by the
   * programs the tests run. */
  g_setenv ("SOFTHSM2_CONF", pki->softhsm2_conf, TRUE);

  pki->seal_png = g_build_filename (pki_tmp_dir, "seal.png", NULL);
  {
    const char *argv[] = { mkassets, "seal", pki->seal_png, NULL };
    pki_run (argv);
  }

  return pki;
}

InkanTestPki *
inkan_test_pki_get (void)
{
  static InkanTestPki *pki;

  if (g_once_init_enter (&pki))
    g_once_init_leave (&pki, pki_make ());
  return pki;
}
