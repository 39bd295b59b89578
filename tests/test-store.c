/* Tests of the workflow store: round trips, state rules, the audit chain under tampering with the
 * sqlite3 shell, concurrent writers, migrations, a full disk and a busy database. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"

#include "inkan-store-private.h"

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char png_magic[] = "\x89PNG\r\n\x1a\n";

/* ---- helpers ---- */

/* A self-signed ECDSA certificate made here: the store only stores and digests it. */
static GBytes *
make_cert (const char *cn)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der = { NULL, 0 };
  guint8 serial[8];
  GBytes *bytes;
  time_t now = time (NULL);

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                                 0),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), ==, 0);
  serial[0] &= 0x7f;
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                                  strlen (cn)),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 86400), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return bytes;
}

static char *
new_store_path (void)
{
  static gint counter;
  g_autofree char *name = g_strdup_printf ("store-%d/inkan.db", g_atomic_int_add (&counter, 1));

  return inkan_test_tmp_path (name);
}

static GDateTime *
at (const char *iso)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *time = g_date_time_new_from_iso8601 (iso, utc);

  g_assert_nonnull (time);
  return time;
}

static char *
sha256_of (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static GBytes *
fake_png (gsize size)
{
  guint8 *data = g_malloc0 (size);

  memcpy (data, png_magic, 8);
  for (gsize i = 8; i < size; i++)
    data[i] = g_test_rand_int_range (0, 256);
  return g_bytes_new_take (data, size);
}

/* Runs SQL through the sqlite3 shell, as someone with the file would; asserts it succeeded. */
static void
shell (const char *path, const char *sql)
{
  const char *argv[] = { "sqlite3", "-bail", path, sql, NULL };
  g_autofree char *err = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  int status;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  status = inkan_test_run (argv, NULL, &err);

  if (status != 0)
    g_test_message ("sqlite3 said: %s", err);
  g_assert_cmpint (status, ==, 0);
}

static gint64
shell_int (const char *path, const char *sql)
{
  const char *argv[] = { "sqlite3", path, sql, NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (inkan_test_run (argv, &out, NULL), ==, 0);
  return g_ascii_strtoll (out, NULL, 10);
}

static gint64
db_int (InkanStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_inkan_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
assert_chain_ok (InkanStore *store, guint64 expected_entries)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;
  gint64 first_bad = -1;
  guint64 n = 0;
  gboolean ok = inkan_store_verify_audit (store, &first_bad, &why, &n, &error);

  g_assert_no_error (error);
  if (!ok)
    g_test_message ("broken chain: %s", why);
  g_assert_true (ok);
  g_assert_cmpint (first_bad, ==, 0);
  g_assert_null (why);
  if (expected_entries > 0)
    g_assert_cmpuint (n, ==, expected_entries);
}

/* ---- the fixture: a store with an admin, a clerk, an approver and a manager ---- */

typedef struct
{
  char *path;
  InkanStore *store;
  InkanAuditContext *ctx;
  GDateTime *now;
  InkanUser *admin;
  InkanUser *clerk;
  InkanUser *approver;
  InkanUser *manager;
} Fixture;

static InkanUser *
add_user (Fixture *f, const InkanUser *actor, const char *name, InkanRoles roles)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cert = make_cert (name);
  InkanUser *user = inkan_store_add_user (f->store, f->ctx, actor, name, roles, cert, f->now,
                                          &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
  return user;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->path = new_store_path ();
  f->store = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  f->ctx = inkan_audit_context_new_local ();
  f->now = at ("2026-11-25T10:00:00.123456Z");
  f->admin = add_user (f, NULL, "admin", INKAN_ROLE_ADMIN);
  f->clerk = add_user (f, f->admin, "clerk", INKAN_ROLE_CLERK);
  f->approver = add_user (f, f->admin, "approver", INKAN_ROLE_APPROVER);
  f->manager = add_user (f, f->admin, "manager", INKAN_ROLE_APPROVER | INKAN_ROLE_ADMIN);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->ctx, inkan_audit_context_free);
  g_clear_pointer (&f->now, g_date_time_unref);
  g_clear_pointer (&f->admin, inkan_user_free);
  g_clear_pointer (&f->clerk, inkan_user_free);
  g_clear_pointer (&f->approver, inkan_user_free);
  g_clear_pointer (&f->manager, inkan_user_free);
  g_clear_pointer (&f->path, g_free);
}

/* A seal "name" with the given chain ("approver", "admin", …; NULL-terminated). */
static InkanSeal *
create_seal (Fixture *f, const char *name, const char *const *chain)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = g_new0 (InkanSeal, 1);
  InkanSeal *saved;

  seal->name = g_strdup (name);
  seal->kind = INKAN_SEAL_CONTRACT;
  seal->image_png = fake_png (64);
  seal->cert_der = make_cert (name);
  seal->key_url = g_strdup ("pkcs11:token=Inkan;object=seal;type=private");
  seal->approval_chain = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    g_ptr_array_add (seal->approval_chain, g_strdup (chain[i]));
  saved = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  return saved;
}

static InkanGrant *
add_grant (Fixture *f, gint64 seal_id, gint64 user_id, InkanRoles role, gint64 max_uses)
{
  g_autoptr (GError) error = NULL;
  InkanGrant grant = { 0 };
  InkanGrant *saved;

  grant.seal_id = seal_id;
  grant.user_id = user_id;
  grant.role = role;
  grant.max_uses = max_uses;
  saved = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  return saved;
}

static InkanRequest *
create_request (Fixture *f, gint64 seal_id, const char *document)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *digest = sha256_of (document);
  InkanRequest request = { 0 };
  InkanRequest *saved;

  request.seal_id = seal_id;
  request.document_sha256 = digest;
  request.document_name = (char *)document;
  request.reason = (char *)"Contract with ACME";
  request.page = 1;
  request.rect[0] = 380;
  request.rect[1] = 60;
  request.rect[2] = 150;
  request.rect[3] = 150;
  saved = inkan_store_create_request (f->store, f->ctx, f->clerk, &request, f->now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  return saved;
}

static InkanApproval *
decide (Fixture *f, const InkanUser *who, gint64 request_id, InkanRoles role, guint step,
        InkanDecision decision, GError **error)
{
  g_autoptr (GBytes) statement = g_bytes_new_static ("{\"request\":1}", 13);
  g_autoptr (GBytes) cms = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
  InkanApproval approval = { 0 };

  approval.request_id = request_id;
  approval.approver_id = who->id;
  approval.role = role;
  approval.step = step;
  approval.decision = decision;
  approval.comment = (char *)"Fine by me";
  approval.time = f->now;
  approval.statement = statement;
  approval.cms = cms;
  return inkan_store_add_approval (f->store, f->ctx, who, &approval, f->now, error);
}

static gint64
count_actions (Fixture *f, const char *action)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = inkan_store_list_audit (f->store, NULL, &error);
  gint64 n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((InkanAuditEntry *)entries->pdata[i])->action, action) == 0)
      n++;
  return n;
}

/* ---- opening ---- */

/* POSIX locks this process holds on the file `path` (from /proc/locks). */
static guint
own_locks_on (const char *path)
{
  g_autofree char *locks = NULL;
  g_auto (GStrv) lines = NULL;
  struct stat st;
  guint n = 0;
  g_autofree char *needle = NULL;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (g_file_get_contents ("/proc/locks", &locks, NULL, NULL));
  /* "1: POSIX  ADVISORY  READ 1234 08:01:5678 1073741826 1073742335" */
  needle = g_strdup_printf (" %d %02x:%02x:%lu ", (int) getpid (), major (st.st_dev),
                            minor (st.st_dev), (unsigned long) st.st_ino);
  lines = g_strsplit (locks, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "POSIX") != NULL && strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* Opening the store a second time in the same process must not drop the locks the first
 * connection holds (closing any descriptor of a file drops all of the process's POSIX locks on
 * it): the app keeps several connections to one store. */
static void
test_open_keeps_other_connections_locks (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) first = inkan_store_open (path, &error);
  g_autoptr (InkanStore) second = NULL;
  sqlite3_stmt *stmt = NULL;
  guint before;

  g_assert_no_error (error);
  /* A read transaction holds its locks until it ends. */
  g_assert_cmpint (sqlite3_exec (_inkan_store_get_db (first), "BEGIN", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (_inkan_store_get_db (first), "SELECT count(*) FROM users",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  before = own_locks_on (path);
  g_assert_cmpuint (before, >, 0);

  second = inkan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own_locks_on (path), >=, before);

  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (_inkan_store_get_db (first), "COMMIT", NULL, NULL, NULL), ==,
                   SQLITE_OK);
}

static void
test_open_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = inkan_store_open (path, &error);
  sqlite3_stmt *stmt = NULL;
  struct stat st;

  g_assert_no_error (error);
  g_assert_cmpstr (inkan_store_get_path (store), ==, path);
  g_assert_true (inkan_store_is_empty (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, (gint64) _inkan_store_n_migrations);
  g_assert_cmpint (db_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (db_int (store, "PRAGMA application_id"), ==, 0x494E4B4E);
  g_assert_cmpint (sqlite3_prepare_v2 (_inkan_store_get_db (store), "PRAGMA journal_mode", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  /* The store names people: only its owner may read it. */
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_chain_ok (store, 0);
}

static void
test_open_refuses (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *garbage = new_store_path ();
  g_autofree char *foreign = new_store_path ();
  g_autofree char *newer = new_store_path ();
  g_autofree char *dir = NULL;
  InkanStore *store;

  /* Not a database at all. */
  dir = g_path_get_dirname (garbage);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (garbage, "This is a letter, not a database.\n"
                                               "It has to be long enough for SQLite to read a "
                                               "header from it, so it goes on a bit more.\n",
                                      -1, NULL));
  store = inkan_store_open (garbage, &error);
  g_assert_null (store);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Someone else's database is not migrated into a store. */
  shell (foreign, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread');");
  store = inkan_store_open (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN);
  g_clear_error (&error);
  g_assert_cmpint (shell_int (foreign, "SELECT count (*) FROM sqlite_schema"), ==, 1);

  /* A store from a newer Inkan, made by hand. */
  store = inkan_store_open (newer, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  shell (newer, "PRAGMA user_version = 99;");
  store = inkan_store_open (newer, &error);
  g_assert_null (store);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_clear_error (&error);
  g_assert_cmpint (shell_int (newer, "PRAGMA user_version"), ==, 99);
}

/* ---- migrations ---- */

static void
test_migration_from_version_0 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = NULL;

  /* A hand-made version-0 file: a valid database with nothing in it. */
  shell (path, "CREATE TABLE t (x); DROP TABLE t; PRAGMA user_version = 0;");
  g_assert_cmpint (shell_int (path, "PRAGMA user_version"), ==, 0);
  store = inkan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, (gint64) _inkan_store_n_migrations);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM sqlite_schema WHERE name = 'audit'"), ==,
                   1);
  g_assert_true (inkan_store_is_empty (store, &error));
  g_assert_no_error (error);
}

static const char migration_2[] = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                                  "ALTER TABLE users ADD COLUMN email TEXT;"
                                  "UPDATE users SET email = name || '@example.org';";

/* The real migrations followed by `extra` ones (NULL-terminated): a newer program's list. */
static const char **
migrations_plus (guint *n, ...)
{
  const char **list = g_new0 (const char *, _inkan_store_n_migrations + 8);
  const char *step;
  va_list ap;

  for (*n = 0; *n < _inkan_store_n_migrations; (*n)++)
    list[*n] = _inkan_store_migrations[*n];
  va_start (ap, n);
  while ((step = va_arg (ap, const char *)) != NULL)
    list[(*n)++] = step;
  va_end (ap);
  return list;
}

static void
test_migration_forward (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (GDateTime) now = at ("2026-01-02T03:04:05.006Z");
  g_autoptr (GBytes) cert = make_cert ("admin");
  g_autoptr (InkanUser) admin = NULL;
  g_autoptr (InkanUser) again = NULL;
  const gint64 current = _inkan_store_n_migrations;
  guint n_broken, n_next, n_after;
  g_autofree const char **broken =
    migrations_plus (&n_broken, "CREATE TABLE half (x); THIS IS NOT SQL;", NULL);
  g_autofree const char **next = migrations_plus (&n_next, migration_2, NULL);
  g_autofree const char **after =
    migrations_plus (&n_after, migration_2, "INSERT INTO notes (text) VALUES ('three');", NULL);
  g_autofree char *failed_step = g_strdup_printf ("schema version %" G_GINT64_FORMAT,
                                                  current + 1);

  store = inkan_store_open (path, &error);
  g_assert_no_error (error);
  admin = inkan_store_add_user (store, NULL, NULL, "admin", INKAN_ROLE_ADMIN, cert, now, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* A migration that fails half-way leaves the store as it was: one transaction each. */
  store = _inkan_store_open_full (path, broken, n_broken, &error);
  g_assert_null (store);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, failed_step));
  g_clear_error (&error);
  g_assert_cmpint (shell_int (path, "PRAGMA user_version"), ==, current);
  g_assert_cmpint (shell_int (path, "SELECT count (*) FROM sqlite_schema WHERE name = 'half'"), ==,
                   0);

  /* The store opens in a program that knows one version more, then two. */
  store = _inkan_store_open_full (path, next, n_next, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, current + 1);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM users WHERE email = 'admin@example.org'"),
                   ==, 1);
  again = inkan_store_get_user (store, "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->id, ==, admin->id);
  g_clear_object (&store);

  store = _inkan_store_open_full (path, after, n_after, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, current + 2);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM notes"), ==, 1);
  assert_chain_ok (store, 1);
  g_clear_object (&store);

  /* And this program, which knows only the current version, refuses it. */
  store = inkan_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_SCHEMA);
  g_test_message ("%s", error->message);
}

/* Several steps in one open: version 0 (a fresh file) to two past the current one. */
static void
test_migration_several_steps (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = NULL;
  guint n = 0;
  g_autofree const char **after =
    migrations_plus (&n, migration_2, "INSERT INTO notes (text) VALUES ('three');", NULL);

  store = _inkan_store_open_full (path, after, n, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, (gint64) n);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM notes"), ==, 1);
}

/* A store made by the first version, with a used request in it, gains the signatures table
 * (version 2) and keeps everything it held; the request is still used once. */
static void
test_migration_version_1_to_2 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (GDateTime) now = at ("2026-01-02T03:04:05.006Z");
  g_autoptr (GBytes) cert = make_cert ("admin");
  g_autoptr (InkanUser) admin = NULL;

  store = _inkan_store_open_full (path, _inkan_store_migrations, 1, &error);
  g_assert_no_error (error);
  admin = inkan_store_add_user (store, NULL, NULL, "admin", INKAN_ROLE_ADMIN, cert, now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM sqlite_schema WHERE name = 'signatures'"),
                   ==, 0);
  g_clear_object (&store);
  shell (path, "INSERT INTO seals (name, kind, cert_der, key_url, created) VALUES"
               " ('Old', 'official', x'30', 'pkcs11:object=old', '2026-01-02T03:04:05.006Z');"
               "INSERT INTO grants (seal_id, user_id, max_uses, uses, created) VALUES"
               " (1, 1, 1, 1, '2026-01-02T03:04:05.006Z');"
               "INSERT INTO requests (seal_id, requester_id, document_sha256, state, created,"
               " page, rect_x, rect_y, rect_width, rect_height) VALUES (1, 1, '"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'used',"
               " '2026-01-02T03:04:05.006Z', 2, 1, 2, 3, 4);");

  store = inkan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (store, "PRAGMA user_version"), ==, (gint64) _inkan_store_n_migrations);
  g_assert_cmpint (db_int (store, "SELECT count (*) FROM signatures"), ==, 0);
  g_assert_cmpint (db_int (store, "SELECT page FROM requests WHERE id = 1"), ==, 2);
  g_assert_cmpint (db_int (store, "SELECT uses FROM grants WHERE id = 1"), ==, 1);
  assert_chain_ok (store, 1);
}

/* ---- users ---- */

static void
test_users (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) cert = make_cert ("someone");
  g_autoptr (GBytes) not_cert = g_bytes_new_static ("not a certificate", 17);
  g_autoptr (InkanUser) by_name = NULL;
  g_autoptr (InkanUser) by_id = NULL;
  g_autoptr (GPtrArray) users = NULL;
  g_autofree char *digest = NULL;
  InkanUser *user;

  g_assert_false (inkan_store_is_empty (f->store, &error));
  g_assert_no_error (error);

  by_name = inkan_store_get_user (f->store, "manager", &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_name->id, ==, f->manager->id);
  g_assert_cmpint (by_name->roles, ==, INKAN_ROLE_APPROVER | INKAN_ROLE_ADMIN);
  g_assert_true (g_bytes_equal (by_name->cert_der, f->manager->cert_der));
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, by_name->cert_der);
  g_assert_cmpstr (by_name->cert_sha256, ==, digest);
  /* Times keep milliseconds, and only them. */
  g_assert_cmpint (g_date_time_get_microsecond (by_name->created), ==, 123000);
  by_id = inkan_store_get_user_by_id (f->store, f->clerk->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id->name, ==, "clerk");
  users = inkan_store_list_users (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 4);
  g_assert_cmpstr (((InkanUser *)users->pdata[0])->name, ==, "admin");

  user = inkan_store_get_user (f->store, "nobody", &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“nobody”"));
  g_clear_error (&error);

  user = inkan_store_add_user (f->store, f->ctx, f->admin, "clerk", INKAN_ROLE_CLERK, cert,
                               f->now, &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  /* Only the first user may be added without an acting user. */
  user = inkan_store_add_user (f->store, f->ctx, NULL, "intruder", INKAN_ROLE_ADMIN, cert,
                               f->now, &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  user = inkan_store_add_user (f->store, f->ctx, f->admin, "", INKAN_ROLE_CLERK, cert, f->now,
                               &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  user = inkan_store_add_user (f->store, f->ctx, f->admin, "noroles", 0, cert, f->now, &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  user = inkan_store_add_user (f->store, f->ctx, f->admin, "badcert", INKAN_ROLE_CLERK, not_cert,
                               f->now, &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Role names both ways. */
  g_assert_cmpstr (inkan_role_to_string (INKAN_ROLE_AUDITOR), ==, "auditor");
  g_assert_cmpint (inkan_role_from_string ("approver"), ==, INKAN_ROLE_APPROVER);
  g_assert_cmpint (inkan_role_from_string ("boss"), ==, 0);
  /* Refusals wrote nothing: 4 users, 4 entries. */
  assert_chain_ok (f->store, 4);
  g_assert_cmpint (count_actions (f, "user.add"), ==, 4);
}

static void
test_first_user_must_be_admin (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_store_path ();
  g_autoptr (InkanStore) store = inkan_store_open (path, &error);
  g_autoptr (GDateTime) now = at ("2026-01-02T03:04:05Z");
  g_autoptr (GBytes) cert = make_cert ("clerk");
  InkanUser *user;

  g_assert_no_error (error);
  user = inkan_store_add_user (store, NULL, NULL, "clerk", INKAN_ROLE_CLERK, cert, now, &error);
  g_assert_null (user);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_assert_true (inkan_store_is_empty (store, NULL));
}

/* ---- seals ---- */

static void
test_seals (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *const chain[] = { "approver", "admin", NULL };
  g_autoptr (InkanSeal) seal = g_new0 (InkanSeal, 1);
  g_autoptr (InkanSeal) saved = NULL;
  g_autoptr (InkanSeal) got = NULL;
  g_autoptr (GPtrArray) seals = NULL;
  g_autofree char *from = NULL;
  InkanSeal *bad;
  InkanSealKind kind;

  seal->name = g_strdup ("Finance");
  seal->kind = INKAN_SEAL_FINANCE;
  seal->image_png = fake_png (300);
  seal->cert_der = make_cert ("Finance");
  seal->key_url = g_strdup ("pkcs11:token=Inkan;object=finance;type=private");
  seal->valid_from = at ("2026-01-01T00:00:00Z");
  seal->valid_until = at ("2026-12-31T23:59:59.999Z");
  seal->approval_chain = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; chain[i]; i++)
    g_ptr_array_add (seal->approval_chain, g_strdup (chain[i]));
  saved = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (saved->state, ==, INKAN_SEAL_ACTIVE);
  g_assert_cmpint (saved->kind, ==, INKAN_SEAL_FINANCE);

  got = inkan_store_get_seal (f->store, "Finance", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, saved->id);
  g_assert_true (g_bytes_equal (got->image_png, seal->image_png));
  g_assert_true (g_bytes_equal (got->cert_der, seal->cert_der));
  g_assert_cmpstr (got->key_url, ==, seal->key_url);
  g_assert_true (g_date_time_equal (got->valid_from, seal->valid_from));
  g_assert_true (g_date_time_equal (got->valid_until, seal->valid_until));
  g_assert_cmpuint (got->approval_chain->len, ==, 2);
  g_assert_cmpstr (got->approval_chain->pdata[0], ==, "approver");
  g_assert_cmpstr (got->approval_chain->pdata[1], ==, "admin");
  from = g_date_time_format_iso8601 (got->created);
  g_assert_cmpstr (from, ==, "2026-11-25T10:00:00.123000Z");
  g_clear_pointer (&got, inkan_seal_free);
  got = inkan_store_get_seal_by_id (f->store, saved->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Finance");

  g_clear_pointer (&saved, inkan_seal_free);
  saved = create_seal (f, "Personal", NULL);
  g_assert_cmpuint (saved->approval_chain->len, ==, 0);
  seals = inkan_store_list_seals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seals->len, ==, 2);
  g_assert_cmpuint (((InkanSeal *)seals->pdata[0])->approval_chain->len, ==, 2);

  /* Refusals. */
  bad = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_free (seal->name);
  seal->name = g_strdup ("Other");
  g_ptr_array_add (seal->approval_chain, g_strdup ("boss"));
  bad = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“boss”"));
  g_clear_error (&error);
  g_ptr_array_set_size (seal->approval_chain, 2);
  g_date_time_unref (seal->valid_from);
  seal->valid_from = at ("2027-01-01T00:00:00Z");
  bad = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&seal->valid_from, g_date_time_unref);
  g_bytes_unref (seal->image_png);
  seal->image_png = g_bytes_new_static ("GIF89a..", 8);
  bad = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&seal->image_png, g_bytes_unref);
  g_free (seal->key_url);
  seal->key_url = g_strdup ("/home/me/key.pem");
  bad = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (inkan_seal_kind_from_string ("legal", &kind));
  g_assert_cmpint (kind, ==, INKAN_SEAL_LEGAL);
  g_assert_false (inkan_seal_kind_from_string ("secret", &kind));
  g_assert_cmpint (count_actions (f, "seal.create"), ==, 2);
  assert_chain_ok (f->store, 6);
}

static void
test_seal_transitions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Official", NULL);
  g_autoptr (InkanSeal) got = NULL;
  InkanStore *s = f->store;

  g_assert_true (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official",
                                             INKAN_SEAL_SUSPENDED, f->now, &error));
  g_assert_no_error (error);
  g_assert_false (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official",
                                              INKAN_SEAL_SUSPENDED, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_true (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official", INKAN_SEAL_ACTIVE,
                                             f->now, &error));
  g_assert_no_error (error);
  g_assert_true (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official", INKAN_SEAL_RETIRED,
                                             f->now, &error));
  g_assert_no_error (error);
  got = inkan_store_get_seal (s, "Official", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_SEAL_RETIRED);
  /* Retired is final. */
  g_assert_false (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official", INKAN_SEAL_ACTIVE,
                                              f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "final"));
  g_clear_error (&error);
  g_assert_false (inkan_store_set_seal_state (s, f->ctx, f->admin, "Official",
                                              INKAN_SEAL_SUSPENDED, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (inkan_store_set_seal_state (s, f->ctx, f->admin, "Missing", INKAN_SEAL_RETIRED,
                                              f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (count_actions (f, "seal.suspend"), ==, 1);
  g_assert_cmpint (count_actions (f, "seal.resume"), ==, 1);
  g_assert_cmpint (count_actions (f, "seal.retire"), ==, 1);
  assert_chain_ok (s, 8);
}

/* ---- templates and grants ---- */

static void
test_templates_and_grants (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Contract", NULL);
  g_autofree char *digest = sha256_of ("template pages");
  g_autofree char *upper = g_ascii_strup (digest, -1);
  g_autoptr (InkanTemplate) template_ = NULL;
  g_autoptr (InkanTemplate) got = NULL;
  g_autoptr (GPtrArray) templates = NULL;
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (InkanGrant) by_role = NULL;
  g_autoptr (InkanGrant) saved = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  InkanGrant grant = { 0 };
  InkanTemplate *bad;
  InkanGrant *bad_grant;
  gint64 missing = 999;

  template_ = inkan_store_add_template (f->store, f->ctx, f->admin, "NDA", upper, 3, f->now,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (template_->content_sha256, ==, digest);
  g_assert_cmpuint (template_->n_pages, ==, 3);
  got = inkan_store_get_template (f->store, "NDA", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, template_->id);
  templates = inkan_store_list_templates (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (templates->len, ==, 1);
  bad = inkan_store_add_template (f->store, f->ctx, f->admin, "NDA", digest, 3, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  bad = inkan_store_add_template (f->store, f->ctx, f->admin, "Short", "abc", 3, f->now, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  grant.seal_id = seal->id;
  grant.user_id = f->clerk->id;
  grant.from = at ("2026-11-01T00:00:00Z");
  grant.until = at ("2026-11-30T23:59:59Z");
  grant.max_uses = 5;
  grant.template_ids = ids;
  g_array_append_val (ids, template_->id);
  saved = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (saved->seal_id, ==, seal->id);
  g_assert_cmpint (saved->user_id, ==, f->clerk->id);
  g_assert_cmpint (saved->role, ==, 0);
  g_assert_cmpint (saved->max_uses, ==, 5);
  g_assert_cmpint (saved->uses, ==, 0);
  g_assert_false (saved->revoked);
  g_assert_true (g_date_time_equal (saved->from, grant.from));
  g_assert_true (g_date_time_equal (saved->until, grant.until));
  g_assert_cmpuint (saved->template_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (saved->template_ids, gint64, 0), ==, template_->id);
  by_role = add_grant (f, seal->id, 0, INKAN_ROLE_CLERK, 0);
  g_assert_cmpint (by_role->role, ==, INKAN_ROLE_CLERK);
  g_assert_cmpuint (by_role->template_ids->len, ==, 0);

  grants = inkan_store_list_grants (f->store, seal->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 2);
  g_assert_cmpuint (((InkanGrant *)grants->pdata[0])->template_ids->len, ==, 1);
  g_clear_pointer (&grants, g_ptr_array_unref);
  grants = inkan_store_list_grants (f->store, seal->id + 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 0);

  /* Refusals: both a user and a role, an unknown template, an unknown seal, until < from. */
  grant.role = INKAN_ROLE_CLERK;
  bad_grant = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_null (bad_grant);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  grant.role = 0;
  g_array_append_val (ids, missing);
  bad_grant = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_null (bad_grant);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_array_set_size (ids, 1);
  grant.seal_id = 999;
  bad_grant = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_null (bad_grant);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  grant.seal_id = seal->id;
  g_date_time_unref (grant.from);
  grant.from = at ("2026-12-01T00:00:00Z");
  bad_grant = inkan_store_add_grant (f->store, f->ctx, f->admin, &grant, f->now, &error);
  g_assert_null (bad_grant);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_date_time_unref (grant.from);
  g_date_time_unref (grant.until);

  /* Revocation, once. */
  g_assert_true (inkan_store_revoke_grant (f->store, f->ctx, f->admin, saved->id, f->now,
                                           &error));
  g_assert_no_error (error);
  g_assert_false (inkan_store_revoke_grant (f->store, f->ctx, f->admin, saved->id, f->now,
                                            &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (inkan_store_revoke_grant (f->store, f->ctx, f->admin, 999, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  grants = inkan_store_list_grants (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_true (((InkanGrant *)grants->pdata[0])->revoked);
  g_assert_false (((InkanGrant *)grants->pdata[1])->revoked);

  g_assert_cmpint (count_actions (f, "template.add"), ==, 1);
  g_assert_cmpint (count_actions (f, "grant.add"), ==, 2);
  g_assert_cmpint (count_actions (f, "grant.revoke"), ==, 1);
  assert_chain_ok (f->store, 9);
}

/* ---- requests and approvals ---- */

static void
test_request_chain (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *const chain[] = { "approver", "admin", NULL };
  g_autoptr (InkanSeal) seal = create_seal (f, "Contract", chain);
  g_autoptr (InkanGrant) grant = add_grant (f, seal->id, f->clerk->id, 0, 0);
  g_autoptr (InkanRequest) request = create_request (f, seal->id, "contract.pdf");
  g_autoptr (InkanRequest) got = NULL;
  g_autoptr (GPtrArray) queue = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  g_autoptr (InkanApproval) first = NULL;
  g_autoptr (InkanApproval) second = NULL;
  InkanApproval *bad;

  g_assert_cmpint (request->state, ==, INKAN_REQUEST_PENDING);
  g_assert_cmpint (request->requester_id, ==, f->clerk->id);
  g_assert_cmpstr (request->document_name, ==, "contract.pdf");
  g_assert_cmpuint (request->page, ==, 1);
  g_assert_cmpfloat (request->rect[2], ==, 150);

  /* The approver sees it first, the admin not yet. */
  queue = inkan_store_list_requests (f->store, -1, f->approver, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);
  queue = inkan_store_list_requests (f->store, -1, f->admin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_clear_pointer (&queue, g_ptr_array_unref);

  /* Out of order, or in the wrong role. */
  bad = decide (f, f->manager, request->id, INKAN_ROLE_ADMIN, 1, INKAN_DECISION_APPROVE, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  bad = decide (f, f->manager, request->id, INKAN_ROLE_ADMIN, 0, INKAN_DECISION_APPROVE, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A record of a use before approval is refused. */
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                                request->id, request->document_sha256, NULL,
                                                f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  first = decide (f, f->approver, request->id, INKAN_ROLE_APPROVER, 0, INKAN_DECISION_APPROVE,
                  &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->approver_id, ==, f->approver->id);
  g_assert_cmpstr (first->comment, ==, "Fine by me");
  got = inkan_store_get_request (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_REQUEST_PENDING);
  g_clear_pointer (&got, inkan_request_free);
  queue = inkan_store_list_requests (f->store, INKAN_REQUEST_PENDING, f->manager, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);
  queue = inkan_store_list_requests (f->store, -1, f->approver, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 0);
  g_clear_pointer (&queue, g_ptr_array_unref);

  second = decide (f, f->manager, request->id, INKAN_ROLE_ADMIN, 1, INKAN_DECISION_APPROVE,
                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->step, ==, 1);
  got = inkan_store_get_request (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_REQUEST_APPROVED);
  g_clear_pointer (&got, inkan_request_free);
  approvals = inkan_store_list_approvals (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (approvals->len, ==, 2);
  g_assert_cmpint (((InkanApproval *)approvals->pdata[1])->role, ==, INKAN_ROLE_ADMIN);
  g_assert_true (g_bytes_equal (((InkanApproval *)approvals->pdata[0])->cms, first->cms));
  /* Complete: no more decisions. */
  bad = decide (f, f->manager, request->id, INKAN_ROLE_ADMIN, 2, INKAN_DECISION_APPROVE, &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  /* The signature uses the request; a used request cannot be cancelled nor used again. */
  g_assert_true (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                               request->id, request->document_sha256, NULL,
                                               f->now, &error));
  g_assert_no_error (error);
  got = inkan_store_get_request (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_REQUEST_USED);
  g_clear_pointer (&got, inkan_request_free);
  g_assert_false (inkan_store_cancel_request (f->store, f->ctx, f->clerk, request->id, f->now,
                                              &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                                request->id, request->document_sha256, NULL,
                                                f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  queue = inkan_store_list_requests (f->store, INKAN_REQUEST_USED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_clear_pointer (&queue, g_ptr_array_unref);

  g_assert_cmpint (count_actions (f, "request.create"), ==, 1);
  g_assert_cmpint (count_actions (f, "request.approve"), ==, 2);
  g_assert_cmpint (count_actions (f, "sign"), ==, 1);
  assert_chain_ok (f->store, 4 + 2 + 1 + 2 + 1);
}

/* The placement a requester proposes comes back from the store as given; a placement that
 * could not be used is refused before anything is written. */
static void
test_request_placement (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Contract", NULL);
  g_autofree char *digest = sha256_of ("placed.pdf");
  const double bad[][4] = {
    { NAN, 20, 30, 40 }, { 10, INFINITY, 30, 40 }, { 10, 20, -1, 40 }, { 10, 20, 30, 0 },
  };
  g_autoptr (InkanRequest) placed = NULL;
  g_autoptr (InkanRequest) unplaced = NULL;
  g_autoptr (InkanRequest) got = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  InkanRequest request = { 0 };
  gint64 entries = db_int (f->store, "SELECT count (*) FROM audit");

  request.seal_id = seal->id;
  request.document_sha256 = digest;
  request.document_name = (char *)"placed.pdf";
  request.reason = (char *)"Placed";
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (InkanRequest) refused = NULL;

      request.page = 1;
      memcpy (request.rect, bad[i], sizeof request.rect);
      refused = inkan_store_create_request (f->store, f->ctx, f->clerk, &request, f->now, &error);
      g_assert_null (refused);
      g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM requests"), ==, 0);
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM audit"), ==, entries);

  request.page = 3;
  memcpy (request.rect, (double[4]){ 10.5, 20.25, 30, 40 }, sizeof request.rect);
  placed = inkan_store_create_request (f->store, f->ctx, f->clerk, &request, f->now, &error);
  g_assert_no_error (error);
  request.page = 0;
  memset (request.rect, 0, sizeof request.rect);
  unplaced = inkan_store_create_request (f->store, f->ctx, f->clerk, &request, f->now, &error);
  g_assert_no_error (error);

  got = inkan_store_get_request (f->store, placed->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->page, ==, 3);
  g_assert_cmpfloat (got->rect[0], ==, 10.5);
  g_assert_cmpfloat (got->rect[1], ==, 20.25);
  g_assert_cmpfloat (got->rect[2], ==, 30);
  g_assert_cmpfloat (got->rect[3], ==, 40);
  listed = inkan_store_list_requests (f->store, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  for (guint i = 0; i < listed->len; i++)
    {
      const InkanRequest *r = listed->pdata[i];

      g_assert_cmpuint (r->page, ==, r->id == placed->id ? 3 : 0);
      g_assert_cmpfloat (r->rect[3], ==, r->id == placed->id ? 40 : 0);
    }
}

static void
test_request_reject_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *const chain[] = { "approver", NULL };
  g_autoptr (InkanSeal) seal = create_seal (f, "Legal", chain);
  g_autoptr (InkanSeal) free_seal = create_seal (f, "Stamp", NULL);
  g_autoptr (InkanRequest) rejected = create_request (f, seal->id, "a.pdf");
  g_autoptr (InkanRequest) cancelled = create_request (f, seal->id, "b.pdf");
  g_autoptr (InkanRequest) no_chain = create_request (f, free_seal->id, "c.pdf");
  g_autoptr (InkanRequest) got = NULL;
  g_autoptr (InkanApproval) no = NULL;
  g_autoptr (GPtrArray) all = NULL;
  InkanApproval *bad;
  InkanRequest request = { 0 };
  InkanRequest *bad_request;

  no = decide (f, f->approver, rejected->id, INKAN_ROLE_APPROVER, 0, INKAN_DECISION_REJECT,
               &error);
  g_assert_no_error (error);
  g_assert_cmpint (no->decision, ==, INKAN_DECISION_REJECT);
  got = inkan_store_get_request (f->store, rejected->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_REQUEST_REJECTED);
  g_clear_pointer (&got, inkan_request_free);
  /* A rejection ends it. */
  bad = decide (f, f->manager, rejected->id, INKAN_ROLE_APPROVER, 1, INKAN_DECISION_APPROVE,
                &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (inkan_store_cancel_request (f->store, f->ctx, f->clerk, rejected->id, f->now,
                                              &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_true (inkan_store_cancel_request (f->store, f->ctx, f->clerk, cancelled->id, f->now,
                                             &error));
  g_assert_no_error (error);
  got = inkan_store_get_request (f->store, cancelled->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, INKAN_REQUEST_CANCELLED);
  g_clear_pointer (&got, inkan_request_free);
  g_assert_false (inkan_store_cancel_request (f->store, f->ctx, f->clerk, cancelled->id, f->now,
                                              &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  bad = decide (f, f->approver, cancelled->id, INKAN_ROLE_APPROVER, 0, INKAN_DECISION_APPROVE,
                &error);
  g_assert_null (bad);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  /* A seal without a chain needs nobody's decision. */
  g_assert_cmpint (no_chain->state, ==, INKAN_REQUEST_APPROVED);

  all = inkan_store_list_requests (f->store, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  /* Newest first. */
  g_assert_cmpint (((InkanRequest *)all->pdata[0])->id, ==, no_chain->id);

  request.seal_id = seal->id;
  request.document_sha256 = (char *)"not a digest";
  bad_request = inkan_store_create_request (f->store, f->ctx, f->clerk, &request, f->now, &error);
  g_assert_null (bad_request);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (inkan_store_get_request (f->store, 999, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (count_actions (f, "request.reject"), ==, 1);
  g_assert_cmpint (count_actions (f, "request.cancel"), ==, 1);
  assert_chain_ok (f->store, 4 + 2 + 3 + 1 + 1);
}

/* ---- signatures and grant uses ---- */

static void
test_record_signature (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Official", NULL);
  g_autoptr (InkanSeal) other = create_seal (f, "Other", NULL);
  g_autoptr (InkanGrant) grant = add_grant (f, seal->id, f->clerk->id, 0, 2);
  g_autoptr (InkanGrant) other_grant = add_grant (f, other->id, 0, INKAN_ROLE_CLERK, 0);
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *doc = sha256_of ("document");
  InkanAuditEntry *last;

  for (int i = 0; i < 2; i++)
    {
      g_assert_true (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id,
                                                   grant->id, 0, doc, NULL, f->now, &error));
      g_assert_no_error (error);
    }
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                                0, doc, NULL, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "no uses left"));
  g_clear_error (&error);
  /* A grant of another seal. */
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id,
                                                other_grant->id, 0, doc, NULL, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* A revoked grant. */
  g_assert_true (inkan_store_revoke_grant (f->store, f->ctx, f->admin, other_grant->id, f->now,
                                           &error));
  g_assert_no_error (error);
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, other->id,
                                                other_grant->id, 0, doc, NULL, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  grants = inkan_store_list_grants (f->store, seal->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((InkanGrant *)grants->pdata[0])->uses, ==, 2);

  entries = inkan_store_list_audit (f->store, NULL, &error);
  g_assert_no_error (error);
  last = entries->pdata[entries->len - 2];
  g_assert_cmpstr (last->action, ==, "sign");
  g_assert_cmpstr (last->actor, ==, "clerk");
  g_assert_cmpstr (last->actor_cert_sha256, ==, f->clerk->cert_sha256);
  g_assert_cmpstr (last->document_sha256, ==, doc);
  g_assert_nonnull (strstr (last->details, "use 2 of 2"));
  g_assert_cmpint (count_actions (f, "sign"), ==, 2);
  assert_chain_ok (f->store, 4 + 4 + 2 + 1);
}

/* ---- the audit trail ---- */

static void
test_audit_entries (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) later = at ("2026-11-26T08:30:00.987Z");
  g_autoptr (GDateTime) since = at ("2026-11-26T00:00:00Z");
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) recent = NULL;
  g_autofree char *doc = sha256_of ("refused document");
  g_autofree char *upper = g_ascii_strup (doc, -1);
  g_autofree char *time = NULL;
  InkanUser ghost = { 0 };
  InkanAuditEntry *entry;

  g_assert_true (inkan_store_audit (f->store, f->ctx, f->clerk, "sign.refused", "seal:1", upper,
                                    "Grant 12 for the Finance seal expired on 2026-11-30; ask an "
                                    "administrator to renew it.",
                                    later, &error));
  g_assert_no_error (error);
  g_assert_true (inkan_store_audit (f->store, NULL, NULL, "system.note", NULL, NULL, NULL, later,
                                    &error));
  g_assert_no_error (error);
  /* Refused: no action, a bad digest, an actor the store does not know. */
  g_assert_false (inkan_store_audit (f->store, f->ctx, f->clerk, "", NULL, NULL, NULL, later,
                                     &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (inkan_store_audit (f->store, f->ctx, f->clerk, "x", NULL, "12ab", NULL, later,
                                     &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  ghost.id = 999;
  ghost.name = (char *)"ghost";
  g_assert_false (inkan_store_audit (f->store, f->ctx, &ghost, "x", NULL, NULL, NULL, later,
                                     &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  all = inkan_store_list_audit (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 6);
  for (guint i = 0; i < all->len; i++)
    {
      entry = all->pdata[i];
      g_assert_cmpint (entry->seq, ==, i + 1);
      g_assert_cmpuint (strlen (entry->entry_hash), ==, 64);
      g_assert_cmpstr (entry->prev_hash, ==,
                       i == 0 ? "0000000000000000000000000000000000000000000000000000000000000000"
                              : ((InkanAuditEntry *)all->pdata[i - 1])->entry_hash);
    }
  entry = all->pdata[0];
  g_assert_cmpstr (entry->action, ==, "user.add");
  g_assert_null (entry->actor);
  g_assert_cmpstr (entry->objects, ==, "user:1");
  g_assert_cmpstr (entry->host, ==, f->ctx->host);
  g_assert_cmpstr (entry->ips, ==, f->ctx->ips);
  g_assert_cmpstr (entry->device, ==, f->ctx->device);
  entry = all->pdata[4];
  g_assert_cmpstr (entry->actor, ==, "clerk");
  g_assert_cmpstr (entry->actor_cert_sha256, ==, f->clerk->cert_sha256);
  g_assert_cmpstr (entry->document_sha256, ==, doc);
  g_assert_nonnull (strstr (entry->details, "renew it"));
  time = g_date_time_format_iso8601 (entry->time);
  g_assert_cmpstr (time, ==, "2026-11-26T08:30:00.987000Z");
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM audit WHERE seq = 5 AND"
                                     " time = '2026-11-26T08:30:00.987Z'"),
                   ==, 1);
  entry = all->pdata[5];
  g_assert_null (entry->actor);
  g_assert_null (entry->host);

  recent = inkan_store_list_audit (f->store, since, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, 2);
  assert_chain_ok (f->store, 6);
}

static void
test_audit_context (void)
{
  g_autoptr (InkanAuditContext) ctx = inkan_audit_context_new_local ();
  g_autofree char *machine_id = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *expected = NULL;
  struct utsname uts;

  g_assert_cmpstr (ctx->host, ==, g_get_host_name ());
  g_assert_cmpint (uname (&uts), ==, 0);
  g_assert_nonnull (strstr (ctx->device, uts.machine));
  if (ctx->ips != NULL)
    {
      g_auto (GStrv) ips = g_strsplit (ctx->ips, ",", -1);
      for (guint i = 0; ips[i]; i++)
        {
          g_assert_cmpstr (ips[i], !=, "127.0.0.1");
          g_assert_cmpstr (ips[i], !=, "::1");
          g_assert_true (g_hostname_is_ip_address (ips[i]));
        }
    }
  g_test_message ("host %s, ips %s, device %s", ctx->host, ctx->ips, ctx->device);
  g_assert_true (g_file_get_contents ("/etc/machine-id", &machine_id, NULL, NULL));
  g_strstrip (machine_id);
  digest = sha256_of (machine_id);
  expected = g_strdup_printf ("machine-id sha256:%s", digest);
  g_assert_nonnull (strstr (ctx->device, expected));
  /* Never the raw id. */
  g_assert_null (strstr (ctx->device, machine_id));
}

static void
test_audit_triggers (Fixture *f, gconstpointer data)
{
  sqlite3 *db = _inkan_store_get_db (f->store);
  static const char *const attempts[] = {
    "UPDATE audit SET details = 'nothing happened' WHERE seq = 2",
    "DELETE FROM audit WHERE seq = 4",
    "DELETE FROM audit",
    "INSERT OR REPLACE INTO audit (seq, time, action, prev_hash, entry_hash)"
    " VALUES (2, '2026-01-01T00:00:00.000Z', 'forged', 'x', 'y')",
    "INSERT INTO audit (seq, time, action, prev_hash, entry_hash)"
    " VALUES (5, '2026-01-01T00:00:00.000Z', 'forged', 'x', 'y')",
  };

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      int rc = sqlite3_exec (db, attempts[i], NULL, NULL, NULL);

      g_test_message ("%s: %s", attempts[i], sqlite3_errmsg (db));
      g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
      g_assert_cmpint (sqlite3_extended_errcode (db), ==, SQLITE_CONSTRAINT_TRIGGER);
      g_assert_nonnull (strstr (sqlite3_errmsg (db), "audit trail"));
    }
  assert_chain_ok (f->store, 4);
}

/* Tampering with the sqlite3 shell, triggers dropped first as anyone with the file can. */
typedef struct
{
  const char *name;
  const char *sql;
  gint64 first_bad;
} Tamper;

static const Tamper tampers[] = {
  { "update", "UPDATE audit SET details = 'User “admin” added with no roles.' WHERE seq = 3", 3 },
  { "update-time", "UPDATE audit SET time = '2026-11-25T10:00:00.124Z' WHERE seq = 5", 5 },
  { "delete", "DELETE FROM audit WHERE seq = 4", 4 },
  { "delete-last", "DELETE FROM audit WHERE seq = (SELECT max (seq) FROM audit)", 8 },
  /* Entries from 5 on move up by one to make room for a forged fifth. */
  { "insert",
    "UPDATE audit SET seq = seq + 1000 WHERE seq >= 5;"
    "UPDATE audit SET seq = seq - 999 WHERE seq >= 1005;"
    "INSERT INTO audit (seq, time, actor, action, objects, details, prev_hash, entry_hash)"
    " SELECT 5, '2026-11-25T10:00:00.123Z', 'admin', 'grant.add', 'grant:9 seal:1 user:2',"
    " 'Grant 9 gives seal “Contract” to user “clerk”.', entry_hash, lower (hex (randomblob (32)))"
    " FROM audit WHERE seq = 4",
    5 },
  { "append",
    "INSERT INTO audit (seq, time, actor, action, objects, details, prev_hash, entry_hash)"
    " SELECT seq + 1, '2026-11-25T10:00:00.123Z', 'admin', 'sign', 'seal:1 grant:1', 'Forged.',"
    " entry_hash, lower (hex (randomblob (32))) FROM audit ORDER BY seq DESC LIMIT 1",
    9 },
  { "swap",
    "UPDATE audit SET seq = 1000000 WHERE seq = 6;"
    "UPDATE audit SET seq = 6 WHERE seq = 7;"
    "UPDATE audit SET seq = 7 WHERE seq = 1000000;",
    6 },
  /* The contents of two entries swapped, seq kept: the hash covers seq. */
  { "swap-contents",
    "CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (6, 7);"
    "UPDATE audit SET (time, actor, actor_cert_sha256, action, objects, document_sha256, details,"
    " host, ips, device, prev_hash, entry_hash) = (SELECT time, actor, actor_cert_sha256, action,"
    " objects, document_sha256, details, host, ips, device, prev_hash, entry_hash FROM temp.a"
    " WHERE temp.a.seq = 13 - audit.seq) WHERE seq IN (6, 7);",
    6 },
};

static void
test_audit_tamper (gconstpointer data)
{
  const Tamper *tamper = data;
  g_autoptr (GError) error = NULL;
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *why = NULL;
  g_autofree char *doc = sha256_of ("tampered");
  gint64 first_bad = 0;
  guint64 n = 0;

  fixture_setup (f, NULL);
  seal = create_seal (f, "Contract", NULL);
  grant = add_grant (f, seal->id, f->clerk->id, 0, 0);
  g_assert_true (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                               0, doc, NULL, f->now, &error));
  g_assert_no_error (error);
  g_assert_true (inkan_store_audit (f->store, f->ctx, f->clerk, "sign.refused", NULL, NULL,
                                    "Refused.", f->now, &error));
  g_assert_no_error (error);
  assert_chain_ok (f->store, 8);
  g_clear_object (&f->store);

  sql = g_strdup_printf ("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                         " DROP TRIGGER audit_append_only; %s",
                         tamper->sql);
  shell (f->path, sql);

  f->store = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (inkan_store_verify_audit (f->store, &first_bad, &why, &n, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %s", tamper->name, why);
  g_assert_cmpint (first_bad, ==, tamper->first_bad);
  /* The sentence names the entry. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail ", tamper->first_bad);
  g_assert_true (g_str_has_prefix (why, sql));

  /* The store goes on recording, and the damage stays visible. */
  g_assert_true (inkan_store_audit (f->store, f->ctx, f->admin, "audit.verify", NULL, NULL,
                                    "The trail is broken.", f->now, &error));
  g_assert_no_error (error);
  g_clear_pointer (&why, g_free);
  g_assert_false (inkan_store_verify_audit (f->store, &first_bad, &why, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_bad, ==, tamper->first_bad);
  fixture_teardown (f, NULL);
}

/* ---- two-phase signatures ---- */

static gint64
grant_uses (Fixture *f, gint64 grant_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT uses FROM grants WHERE id = %" G_GINT64_FORMAT,
                                          grant_id);
  return db_int (f->store, sql);
}

static InkanRequestState
request_state (InkanStore *store, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanRequest) request = inkan_store_get_request (store, id, &error);

  g_assert_no_error (error);
  return request->state;
}

static void
test_signature_two_phase (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Lease", NULL);
  g_autoptr (InkanGrant) grant = add_grant (f, seal->id, f->clerk->id, 0, 1);
  g_autoptr (InkanRequest) request = create_request (f, seal->id, "lease.pdf");
  g_autoptr (InkanRequest) other = create_request (f, seal->id, "other.pdf");
  g_autoptr (InkanStore) second = NULL;
  g_autofree char *sha = sha256_of ("lease.pdf");
  g_autofree char *other_sha = sha256_of ("other.pdf");
  g_autofree char *output = inkan_test_tmp_path ("lease-sealed.pdf");
  guint completed = 99, rolled_back = 99;
  gint64 id, id2;

  /* An empty chain: the requests are approved at once. */
  g_assert_cmpint (request->state, ==, INKAN_REQUEST_APPROVED);
  id = inkan_store_reserve_signature (f->store, f->clerk, seal->id, grant->id, request->id, sha,
                                      9, output, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* Reserved: the use counts, the request is held but not yet used. */
  g_assert_cmpint (grant_uses (f, grant->id), ==, 1);
  g_assert_cmpint (request_state (f->store, request->id), ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (inkan_store_reserve_signature (f->store, f->clerk, seal->id, grant->id,
                                                  request->id, sha, 9, output, f->now, &error),
                   ==, 0);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (inkan_store_record_signature (f->store, f->ctx, f->clerk, seal->id, grant->id,
                                                request->id, sha, NULL, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  /* The grant's one use is taken by the reservation. */
  g_assert_cmpint (inkan_store_reserve_signature (f->store, f->clerk, seal->id, grant->id,
                                                  other->id, other_sha, 9, output, f->now,
                                                  &error), ==, 0);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "no uses left"));
  g_clear_error (&error);

  /* Another connection, even in this process, leaves a live reservation alone. */
  second = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (inkan_store_recover_signatures (second, f->ctx, f->now, &completed,
                                                 &rolled_back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (completed, ==, 0);
  g_assert_cmpuint (rolled_back, ==, 0);
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM signatures WHERE state = 'signing'"),
                   ==, 1);
  /* Only the store that reserved it finishes it. */
  g_assert_false (inkan_store_complete_signature (second, f->ctx, f->clerk, id, NULL, f->now,
                                                  &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  /* Sealing failed: the use is given back with the failure's entry, in one transaction. */
  g_assert_true (inkan_store_release_signature (f->store, f->ctx, f->clerk, id, "sign.failed",
                                                "The token was removed.", f->now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (grant_uses (f, grant->id), ==, 0);
  g_assert_cmpint (request_state (f->store, request->id), ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (count_actions (f, "sign.failed"), ==, 1);
  g_assert_cmpint (count_actions (f, "sign"), ==, 0);
  g_assert_false (inkan_store_release_signature (f->store, f->ctx, f->clerk, id, "sign.failed",
                                                 NULL, f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);

  /* Again, to the end: the request used, the "sign" entry naming the signature. */
  id2 = inkan_store_reserve_signature (f->store, f->clerk, seal->id, grant->id, request->id, sha,
                                       9, output, f->now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id2, >, id);
  g_assert_true (inkan_store_complete_signature (f->store, f->ctx, f->clerk, id2, NULL, f->now,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpint (grant_uses (f, grant->id), ==, 1);
  g_assert_cmpint (request_state (f->store, request->id), ==, INKAN_REQUEST_USED);
  g_assert_cmpint (count_actions (f, "sign"), ==, 1);
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM signatures WHERE state = 'done'"), ==,
                   1);
  g_assert_false (inkan_store_complete_signature (f->store, f->ctx, f->clerk, id2, NULL, f->now,
                                                  &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE);
  g_clear_error (&error);
  /* Seeds, users, seal, grant, two requests, the failure, the signature. */
  assert_chain_ok (f->store, 4 + 1 + 1 + 2 + 1 + 1);
}

/* What a process killed in the middle leaves behind. */
typedef enum
{
  DIED_BEFORE_WRITING,            /* no output */
  DIED_AFTER_RENAME,              /* the sealed copy in place */
  DIED_WITH_OTHER_FILE,           /* a file at the output that is no sealed copy of it */
  DIED_OVER_OLD_COPY,             /* an older sealed copy at the output, not yet replaced */
} Death;

/* In a child: its own connection, a reservation, maybe an output, then kill -9 once the
 * parent closes `go` (so that no child's opening recovers another's reservation first). */
static void G_GNUC_NORETURN
die_while_signing (const char *path, gint64 seal_id, gint64 grant_id, gint64 request_id,
                   const char *document, const char *output, Death death, int ready, int go)
{
  char byte = 0;

  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (path, &error);
  g_autoptr (InkanUser) clerk = NULL;
  g_autoptr (GDateTime) now = at ("2026-11-25T12:00:00Z");
  g_autofree char *sha = sha256_of (document);
  g_autofree char *sealed = g_strconcat (document, "\n% the signed increment\n", NULL);

  if (store == NULL || (clerk = inkan_store_get_user (store, "clerk", &error)) == NULL)
    _exit (10);
  if (inkan_store_reserve_signature (store, clerk, seal_id, grant_id, request_id, sha,
                                     strlen (document), output, now, &error) == 0)
    _exit (11);
  if (death == DIED_AFTER_RENAME && !g_file_set_contents (output, sealed, -1, NULL))
    _exit (12);
  if (death == DIED_WITH_OTHER_FILE && !g_file_set_contents (output, "%PDF-1.7 another\n", -1,
                                                             NULL))
    _exit (12);
  if (write (ready, "r", 1) != 1)
    _exit (13);
  while (read (go, &byte, 1) > 0)
    ;
  raise (SIGKILL);
  _exit (14);
}

static void
test_signature_recovery (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Lease", NULL);
  g_autoptr (InkanGrant) grant = add_grant (f, seal->id, f->clerk->id, 0, 4);
  const char *documents[] = { "%PDF-1.7 lease one", "%PDF-1.7 lease two", "%PDF-1.7 lease three",
                              "%PDF-1.7 lease four" };
  const Death deaths[] = { DIED_BEFORE_WRITING, DIED_AFTER_RENAME, DIED_WITH_OTHER_FILE,
                           DIED_OVER_OLD_COPY };
  InkanRequest *requests[4];
  char *outputs[4];
  guint completed = 0, rolled_back = 0;
  int ready[2], go[2];
  pid_t pids[4];

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("lease-%u-sealed.pdf", i);

      requests[i] = create_request (f, seal->id, documents[i]);
      outputs[i] = inkan_test_tmp_path (name);
    }
  /* Sealed before, into the same file name: the copy a new sealing would have replaced. */
  {
    g_autofree char *old_copy = g_strconcat (documents[3], "\n% an earlier increment\n", NULL);
    g_assert_true (g_file_set_contents (outputs[3], old_copy, -1, NULL));
  }
  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);
  /* No connection may cross a fork. */
  g_clear_object (&f->store);
  for (guint i = 0; i < 4; i++)
    {
      char byte = 0;

      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          /* The parent's abort handler would remove the shared temporary directory. */
          signal (SIGABRT, SIG_DFL);
          close (ready[0]);
          close (go[1]);
          die_while_signing (f->path, seal->id, grant->id, requests[i]->id, documents[i],
                             outputs[i], deaths[i], ready[1], go[0]);
        }
      /* One at a time: each child's opening of the store sees the others alive. */
      g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
    }
  close (go[1]);
  for (guint i = 0; i < 4; i++)
    {
      int status = 0;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
    }
  close (ready[0]);
  close (ready[1]);
  close (go[0]);
  /* What the dead left, seen by the shell (which runs no recovery): four uses reserved. */
  g_assert_cmpint (shell_int (f->path, "SELECT count (*) FROM signatures WHERE state = 'signing'"),
                   ==, 4);
  g_assert_cmpint (shell_int (f->path, "SELECT uses FROM grants"), ==, 4);

  /* The next opening resolves them. */
  f->store = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM signatures WHERE state = 'signing'"),
                   ==, 0);
  g_assert_cmpint (request_state (f->store, requests[0]->id), ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (request_state (f->store, requests[1]->id), ==, INKAN_REQUEST_USED);
  g_assert_cmpint (request_state (f->store, requests[2]->id), ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (request_state (f->store, requests[3]->id), ==, INKAN_REQUEST_APPROVED);
  g_assert_cmpint (grant_uses (f, grant->id), ==, 1);
  g_assert_cmpint (count_actions (f, "sign"), ==, 1);
  g_assert_cmpint (count_actions (f, "sign.rolled-back"), ==, 3);
  /* Files that are no new sealed copy of the document are left as they were found. */
  g_assert_true (g_file_test (outputs[2], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (outputs[3], G_FILE_TEST_EXISTS));
  assert_chain_ok (f->store, 4 + 1 + 1 + 4 + 4);
  /* Nothing is left to do. */
  g_assert_true (inkan_store_recover_signatures (f->store, f->ctx, f->now, &completed,
                                                 &rolled_back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (completed + rolled_back, ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      inkan_request_free (requests[i]);
      g_free (outputs[i]);
    }
}

/* ---- concurrent writers ---- */

#define N_WRITERS 3
#define ENTRIES_PER_WRITER 200
#define SIGNS_PER_WRITER 100
#define REQUESTS_PER_WRITER 50
#define MAX_USES 150
#define N_THREADS 2
#define ENTRIES_PER_THREAD 100
#define REQUESTS_PER_THREAD 25

/* One writer's acts: `n` audit entries, a request every fourth, and (`sign`) an attempt to use
 * the grant every second. FALSE on the first failure, which `what` names. */
static gboolean
write_acts (InkanStore *store, const char *who, int index, int n, gint64 seal_id,
            gint64 grant_id, gboolean sign, int *uses, const char **what, GError **out_error)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanAuditContext) ctx = inkan_audit_context_new_local ();
  g_autoptr (InkanUser) clerk = inkan_store_get_user (store, "clerk", &error);
  g_autoptr (GDateTime) start = at ("2026-11-25T12:00:00Z");
  g_autofree char *doc = sha256_of ("concurrent");

  if (clerk == NULL)
    {
      *what = "clerk";
      g_propagate_error (out_error, g_steal_pointer (&error));
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr (GDateTime) now = g_date_time_add (start, (gint64) (index * 1000 + i) * 1000);
      g_autofree char *details = g_strdup_printf ("%s %d, entry %d.", who, index, i);

      if (!inkan_store_audit (store, ctx, clerk, "test.write", NULL, NULL, details, now, &error))
        {
          *what = "audit";
          g_propagate_error (out_error, g_steal_pointer (&error));
          return FALSE;
        }
      if (i % 4 == 0)
        {
          g_autofree char *name = g_strdup_printf ("%s-%d-%d.pdf", who, index, i);
          g_autofree char *digest = sha256_of (name);
          g_autoptr (InkanRequest) created = NULL;
          InkanRequest request = { 0 };

          request.seal_id = seal_id;
          request.document_sha256 = digest;
          request.document_name = name;
          request.reason = details;
          created = inkan_store_create_request (store, ctx, clerk, &request, now, &error);
          if (created == NULL)
            {
              *what = "request";
              g_propagate_error (out_error, g_steal_pointer (&error));
              return FALSE;
            }
        }
      if (sign && i % 2 == 0)
        {
          if (inkan_store_record_signature (store, ctx, clerk, seal_id, grant_id, 0, doc, NULL,
                                            now, &error))
            (*uses)++;
          else if (g_error_matches (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_STATE))
            g_clear_error (&error);
          else
            {
              *what = "sign";
              g_propagate_error (out_error, g_steal_pointer (&error));
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* In a child process (the CLI, say): its own connection, 200 audit entries, 50 requests and
 * 100 attempts to use the grant. The exit status says what went wrong, if anything. */
static int
writer (const char *path, gint64 seal_id, gint64 grant_id, int index)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanStore) store = inkan_store_open (path, &error);
  const char *what = NULL;
  int uses = 0;

  if (store == NULL)
    return 10;
  if (!write_acts (store, "process", index, ENTRIES_PER_WRITER, seal_id, grant_id, TRUE, &uses,
                   &what, &error))
    {
      /* The parent sees only the status: say why here. */
      g_printerr ("writer %d: %s failed: %s\n", index, what, error != NULL ? error->message : "?");
      return g_str_equal (what, "clerk") ? 11 : g_str_equal (what, "sign") ? 13 : 12;
    }
  g_test_message ("writer %d made %d signatures", index, uses);
  return 0;
}

/* Threads sharing one store, as the app's workers do. */
typedef struct
{
  InkanStore *store;
  gint64 seal_id;
  int index;
  const char *failed;
} ThreadWriter;

static gpointer
thread_writer (gpointer data)
{
  ThreadWriter *w = data;

  g_autoptr (GError) error = NULL;

  if (!write_acts (w->store, "thread", w->index, ENTRIES_PER_THREAD, w->seal_id, 0, FALSE, NULL,
                   &w->failed, &error))
    g_test_message ("thread %d: %s failed: %s", w->index, w->failed,
                    error != NULL ? error->message : "?");
  return NULL;
}

static void
test_concurrent_writers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (InkanSeal) seal = create_seal (f, "Shared", NULL);
  g_autoptr (InkanGrant) grant = add_grant (f, seal->id, f->clerk->id, 0, MAX_USES);
  g_autoptr (GPtrArray) grants = NULL;
  ThreadWriter workers[N_THREADS];
  GThread *threads[N_THREADS];
  pid_t pids[N_WRITERS];
  gint64 n_requests = N_WRITERS * REQUESTS_PER_WRITER + N_THREADS * REQUESTS_PER_THREAD;

  /* No connection may cross a fork. */
  g_clear_object (&f->store);
  for (int i = 0; i < N_WRITERS; i++)
    {
      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          /* The parent's abort handler would remove the shared temporary directory. */
          signal (SIGABRT, SIG_DFL);
          _exit (writer (f->path, seal->id, grant->id, i));
        }
    }
  /* Meanwhile, the "app": one connection, several threads. */
  f->store = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  for (int i = 0; i < N_THREADS; i++)
    {
      workers[i] = (ThreadWriter){ f->store, seal->id, i, NULL };
      threads[i] = g_thread_new ("writer", thread_writer, &workers[i]);
    }
  for (int i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_null (workers[i].failed);
    }
  for (int i = 0; i < N_WRITERS; i++)
    {
      int status = 0;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  g_clear_object (&f->store);
  f->store = inkan_store_open (f->path, &error);
  g_assert_no_error (error);
  grants = inkan_store_list_grants (f->store, seal->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((InkanGrant *)grants->pdata[0])->uses, ==, MAX_USES);
  g_assert_cmpint (count_actions (f, "sign"), ==, MAX_USES);
  g_assert_cmpint (count_actions (f, "test.write"), ==,
                   N_WRITERS * ENTRIES_PER_WRITER + N_THREADS * ENTRIES_PER_THREAD);
  /* Every request, each with its entry, and no two alike. */
  g_assert_cmpint (count_actions (f, "request.create"), ==, n_requests);
  g_assert_cmpint (db_int (f->store, "SELECT count (DISTINCT document_name) FROM requests"), ==,
                   n_requests);
  g_assert_cmpint (db_int (f->store, "SELECT count (*) FROM signatures"), ==, MAX_USES);
  assert_chain_ok (f->store, 4 + 2 + N_WRITERS * ENTRIES_PER_WRITER
                               + N_THREADS * ENTRIES_PER_THREAD + n_requests + MAX_USES);
}

/* ---- a full disk and a busy database ---- */

static void
test_full_disk (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db = _inkan_store_get_db (f->store);
  g_autoptr (InkanSeal) seal = g_new0 (InkanSeal, 1);
  g_autoptr (InkanSeal) saved = NULL;
  g_autoptr (GPtrArray) seals = NULL;
  g_autofree char *limit = NULL;
  gint64 pages = db_int (f->store, "PRAGMA page_count");

  seal->name = g_strdup ("Huge");
  seal->kind = INKAN_SEAL_OFFICIAL;
  seal->image_png = fake_png (256 * 1024);
  seal->cert_der = make_cert ("Huge");
  seal->key_url = g_strdup ("pkcs11:object=huge");

  /* SQLite answers SQLITE_FULL once the file would grow past max_page_count, as on a full
   * disk. */
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_cmpint (sqlite3_exec (db, limit, NULL, NULL, NULL), ==, SQLITE_OK);
  saved = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_null (saved);
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);
  /* Nothing of it: no seal, no audit entry, and the store still works. */
  seals = inkan_store_list_seals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seals->len, ==, 0);
  assert_chain_ok (f->store, 4);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  saved = inkan_store_create_seal (f->store, f->ctx, f->admin, seal, f->now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  assert_chain_ok (f->store, 5);
}

static void
test_busy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  _inkan_store_set_busy_timeout (f->store, 100);
  g_assert_false (inkan_store_audit (f->store, f->ctx, f->admin, "test.busy", NULL, NULL, NULL,
                                     f->now, &error));
  g_assert_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_BUSY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_true (inkan_store_audit (f->store, f->ctx, f->admin, "test.busy", NULL, NULL, NULL,
                                    f->now, &error));
  g_assert_no_error (error);
  assert_chain_ok (f->store, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/inkan/store/open/new", test_open_new);
  g_test_add_func ("/inkan/store/open/refuses-other-files", test_open_refuses);
  g_test_add_func ("/inkan/store/open/keeps-other-connections-locks",
                   test_open_keeps_other_connections_locks);
  g_test_add_func ("/inkan/store/migration/from-version-0", test_migration_from_version_0);
  g_test_add_func ("/inkan/store/migration/forward-and-newer-refused", test_migration_forward);
  g_test_add_func ("/inkan/store/migration/several-steps", test_migration_several_steps);
  g_test_add_func ("/inkan/store/migration/version-1-to-2", test_migration_version_1_to_2);
  FIXTURE_TEST ("/inkan/store/users/round-trip", test_users);
  g_test_add_func ("/inkan/store/users/first-is-admin", test_first_user_must_be_admin);
  FIXTURE_TEST ("/inkan/store/seals/round-trip", test_seals);
  FIXTURE_TEST ("/inkan/store/seals/transitions", test_seal_transitions);
  FIXTURE_TEST ("/inkan/store/grants/templates-grants-revoke", test_templates_and_grants);
  FIXTURE_TEST ("/inkan/store/requests/approval-chain-in-order", test_request_chain);
  FIXTURE_TEST ("/inkan/store/requests/reject-and-cancel", test_request_reject_cancel);
  FIXTURE_TEST ("/inkan/store/requests/placement", test_request_placement);
  FIXTURE_TEST ("/inkan/store/sign/uses-and-refusals", test_record_signature);
  FIXTURE_TEST ("/inkan/store/audit/entries", test_audit_entries);
  g_test_add_func ("/inkan/store/audit/local-context", test_audit_context);
  FIXTURE_TEST ("/inkan/store/audit/triggers-refuse", test_audit_triggers);
  for (guint i = 0; i < G_N_ELEMENTS (tampers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/inkan/store/audit/tamper/%s", tampers[i].name);
      g_test_add_data_func (path, &tampers[i], test_audit_tamper);
    }
  FIXTURE_TEST ("/inkan/store/signatures/two-phase", test_signature_two_phase);
  FIXTURE_TEST ("/inkan/store/signatures/recovery-after-kill", test_signature_recovery);
  FIXTURE_TEST ("/inkan/store/concurrent-writers", test_concurrent_writers);
  FIXTURE_TEST ("/inkan/store/full-disk", test_full_disk);
  FIXTURE_TEST ("/inkan/store/busy", test_busy);
  return g_test_run ();
}
