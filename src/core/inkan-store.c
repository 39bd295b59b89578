/* The workflow store: opening and migrating the SQLite file, and every table but the audit. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
/* F_OFD_SETLK: the reservation locks of two-phase signatures. */
#define _GNU_SOURCE
#include "config.h"

#include "inkan-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (inkan - store - error - quark, inkan_store_error)

/* PRAGMA application_id of an Inkan store ("INKN"): tells our file from any other SQLite
 * database, which the store must not "migrate" into one. */
#define INKAN_APPLICATION_ID 0x494E4B4E

/* How long a writer waits for the others. SQLite's busy handler is not fair: under load (every
 * commit is fsynced) one waiter can lose the lock again and again, and 5 s were seen to run out
 * with three processes and two threads writing at once on a loaded machine. A user would rather
 * wait than be refused. */
#define BUSY_TIMEOUT_MS 30000

#define SHA256_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/* Times are text in one fixed format so that they compare as text; the shell cannot store a
 * time the readers would take for "no bound". */
#define TIME_GLOB "'[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]" \
                  ".[0-9][0-9][0-9]Z'"
#define TIME_CHECK(col) "CHECK (" col " IS NULL OR " col " GLOB " TIME_GLOB ")"
#define HEX64_CHECK(col) "CHECK (length (" col ") = 64 AND " col " NOT GLOB '*[^0-9a-f]*')"
#define ROLE_CHECK(col) "CHECK (" col " IN (1, 2, 4, 8))"

/* Version 1: the schema of DESIGN.md. Roles are InkanRoles bits (a user's a mask, a chain
 * step's or a grant's a single bit); states and kinds are their names, readable in the shell.
 * requests.next_role is the chain role whose decision a pending request awaits (NULL
 * otherwise): the approvers' queue is one index range instead of a count per request. */
static const char migration_1[] =
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE CHECK (length (name) > 0),"
  "  roles INTEGER NOT NULL CHECK (roles > 0 AND roles < 16),"
  "  cert_der BLOB NOT NULL CHECK (length (cert_der) > 0),"
  "  cert_sha256 TEXT NOT NULL " HEX64_CHECK ("cert_sha256") ","
  "  created TEXT NOT NULL " TIME_CHECK ("created")
  ");"
  "CREATE TABLE seals ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE CHECK (length (name) > 0),"
  "  kind TEXT NOT NULL CHECK (kind IN ('official', 'contract', 'finance', 'legal', 'personal')),"
  "  image_png BLOB,"
  "  cert_der BLOB NOT NULL CHECK (length (cert_der) > 0),"
  "  key_url TEXT NOT NULL CHECK (key_url GLOB 'pkcs11:*'),"
  "  valid_from TEXT " TIME_CHECK ("valid_from") ","
  "  valid_until TEXT " TIME_CHECK ("valid_until") ","
  "  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended', 'retired')),"
  "  created TEXT NOT NULL " TIME_CHECK ("created") ","
  "  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)"
  ");"
  "CREATE TABLE seal_chain ("
  "  seal_id INTEGER NOT NULL REFERENCES seals (id),"
  "  step INTEGER NOT NULL CHECK (step >= 0),"
  "  role INTEGER NOT NULL " ROLE_CHECK ("role") ","
  "  PRIMARY KEY (seal_id, step)"
  ") WITHOUT ROWID;"
  "CREATE TABLE templates ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE CHECK (length (name) > 0),"
  "  content_sha256 TEXT NOT NULL " HEX64_CHECK ("content_sha256") ","
  "  n_pages INTEGER NOT NULL CHECK (n_pages > 0),"
  "  created TEXT NOT NULL " TIME_CHECK ("created")
  ");"
  "CREATE TABLE grants ("
  "  id INTEGER PRIMARY KEY,"
  "  seal_id INTEGER NOT NULL REFERENCES seals (id),"
  "  user_id INTEGER REFERENCES users (id),"
  "  role INTEGER " ROLE_CHECK ("role") ","
  "  valid_from TEXT " TIME_CHECK ("valid_from") ","
  "  valid_until TEXT " TIME_CHECK ("valid_until") ","
  "  max_uses INTEGER NOT NULL DEFAULT 0 CHECK (max_uses >= 0),"
  "  uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses = 0 OR uses <= max_uses)),"
  "  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
  "  created TEXT NOT NULL " TIME_CHECK ("created") ","
  "  CHECK ((user_id IS NULL) <> (role IS NULL)),"
  "  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)"
  ");"
  "CREATE INDEX grants_by_seal ON grants (seal_id);"
  "CREATE TABLE grant_templates ("
  "  grant_id INTEGER NOT NULL REFERENCES grants (id),"
  "  template_id INTEGER NOT NULL REFERENCES templates (id),"
  "  PRIMARY KEY (grant_id, template_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE requests ("
  "  id INTEGER PRIMARY KEY,"
  "  seal_id INTEGER NOT NULL REFERENCES seals (id),"
  "  requester_id INTEGER NOT NULL REFERENCES users (id),"
  "  document_sha256 TEXT NOT NULL " HEX64_CHECK ("document_sha256") ","
  "  document_name TEXT,"
  "  reason TEXT,"
  "  state TEXT NOT NULL"
  "    CHECK (state IN ('pending', 'approved', 'rejected', 'cancelled', 'used')),"
  "  next_role INTEGER " ROLE_CHECK ("next_role") ","
  "  created TEXT NOT NULL " TIME_CHECK ("created") ","
  "  page INTEGER NOT NULL DEFAULT 0 CHECK (page >= 0),"
  "  rect_x REAL NOT NULL DEFAULT 0,"
  "  rect_y REAL NOT NULL DEFAULT 0,"
  "  rect_width REAL NOT NULL DEFAULT 0,"
  "  rect_height REAL NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX requests_by_state ON requests (state, id);"
  "CREATE INDEX requests_queue ON requests (next_role, id) WHERE state = 'pending';"
  "CREATE TABLE approvals ("
  "  id INTEGER PRIMARY KEY,"
  "  request_id INTEGER NOT NULL REFERENCES requests (id),"
  "  approver_id INTEGER NOT NULL REFERENCES users (id),"
  "  role INTEGER NOT NULL " ROLE_CHECK ("role") ","
  "  step INTEGER NOT NULL CHECK (step >= 0),"
  "  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),"
  "  comment TEXT,"
  "  time TEXT NOT NULL " TIME_CHECK ("time") ","
  "  statement BLOB NOT NULL CHECK (length (statement) > 0),"
  "  cms BLOB NOT NULL CHECK (length (cms) > 0),"
  "  UNIQUE (request_id, step)"
  ");"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT CHECK (seq > 0),"
  "  time TEXT NOT NULL " TIME_CHECK ("time") ","
  "  actor TEXT,"
  "  actor_cert_sha256 TEXT,"
  "  action TEXT NOT NULL CHECK (length (action) > 0),"
  "  objects TEXT,"
  "  document_sha256 TEXT,"
  "  details TEXT,"
  "  host TEXT,"
  "  ips TEXT,"
  "  device TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  entry_hash TEXT NOT NULL"
  ");"
  "CREATE INDEX audit_by_time ON audit (time);"
  /* Append-only where SQLite itself can say so. The insert trigger also stops INSERT OR
   * REPLACE, whose implicit delete fires no DELETE trigger. Anyone with the file can drop
   * these: the hash chain is what catches that. AUTOINCREMENT keeps the highest seq ever used
   * in sqlite_sequence, so that deleting the newest entries leaves a trace too. */
  "CREATE TRIGGER audit_append_only BEFORE INSERT ON audit"
  "  WHEN NEW.seq IS NULL OR NEW.seq <= (SELECT coalesce (max (seq), 0) FROM audit)"
  "    OR NEW.prev_hash IS NOT coalesce ((SELECT entry_hash FROM audit ORDER BY seq DESC LIMIT 1),"
  "                                      '" SHA256_ZERO "')"
  "  BEGIN SELECT RAISE (ABORT, 'The audit trail only takes entries appended to its end.'); END;"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'The audit trail is append-only: its entries cannot be changed.');"
  "  END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'The audit trail is append-only: its entries cannot be deleted.');"
  "  END;";

/* Version 2: every signature has a row, written in two phases so that a crash in the middle
 * of sealing leaves the store consistent. A 'signing' row is a reservation: it already counts
 * against the grant's uses and holds the request, while the sealed file is being written to
 * `output` (absolute); it becomes 'done' with the file in place, or 'rolled-back' with the use
 * given back. `document_size` lets recovery tell the sealed copy of this document (it begins
 * with the document's bytes) from any other file, and `output_before` (device, inode, size
 * and modification time of what was at `output` when the use was reserved) from an older copy
 * that the new one was to replace: sealing renames a new file into place. */
static const char migration_2[] =
  "CREATE TABLE signatures ("
  "  id INTEGER PRIMARY KEY,"
  "  seal_id INTEGER NOT NULL REFERENCES seals (id),"
  "  grant_id INTEGER NOT NULL REFERENCES grants (id),"
  "  request_id INTEGER REFERENCES requests (id),"
  "  actor_id INTEGER NOT NULL REFERENCES users (id),"
  "  document_sha256 TEXT NOT NULL " HEX64_CHECK ("document_sha256") ","
  "  document_size INTEGER CHECK (document_size > 0),"
  "  output TEXT CHECK (output GLOB '/*'),"
  "  output_before TEXT,"
  "  state TEXT NOT NULL CHECK (state IN ('signing', 'done', 'rolled-back')),"
  "  started TEXT NOT NULL " TIME_CHECK ("started") ","
  "  finished TEXT " TIME_CHECK ("finished") ","
  "  CHECK (state <> 'signing' OR (document_size IS NOT NULL AND output IS NOT NULL))"
  ");"
  /* A request is used by one signature, in flight or made. */
  "CREATE UNIQUE INDEX signatures_request_once ON signatures (request_id)"
  "  WHERE request_id IS NOT NULL AND state <> 'rolled-back';"
  "CREATE INDEX signatures_in_flight ON signatures (id) WHERE state = 'signing';";

/* Version 3: the seal record (inkan-seal-record.h). Seals made before it have none: they stay
 * usable, and report "not bound" until an administrator rebinds them. */
static const char migration_3[] =
  "ALTER TABLE seals ADD COLUMN record BLOB CHECK (record IS NULL OR length (record) > 0);";

const char *const _inkan_store_migrations[] = {
  migration_1,
  migration_2,
  migration_3,
};
const guint _inkan_store_n_migrations = G_N_ELEMENTS (_inkan_store_migrations);

G_DEFINE_FINAL_TYPE (InkanStore, inkan_store, G_TYPE_OBJECT)

static void
inkan_store_finalize (GObject *object)
{
  InkanStore *self = INKAN_STORE (object);

  /* Reservations still open are left to recovery: dropping their locks says so. */
  if (self->reservations != NULL)
    {
      GHashTableIter iter;
      gpointer fd;

      g_hash_table_iter_init (&iter, self->reservations);
      while (g_hash_table_iter_next (&iter, NULL, &fd))
        close (GPOINTER_TO_INT (fd));
      g_hash_table_unref (self->reservations);
    }
  sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (inkan_store_parent_class)->finalize (object);
}

static void
inkan_store_class_init (InkanStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_store_finalize;
}

static void
inkan_store_init (InkanStore *self)
{
  g_mutex_init (&self->lock);
}

/* ---- names of the enums (the public ones are in inkan-store-model.c) ---- */

static const char *const role_names[] = { "admin", "approver", "clerk", "auditor" };
static const char *const seal_state_names[] = { "active", "suspended", "retired" };

static gboolean
seal_state_from_string (const char *name, InkanSealState *state)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (seal_state_names); i++)
    if (strcmp (name, seal_state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

/* "admin, clerk" */
static char *
roles_to_string (InkanRoles roles)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (roles & (1u << i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", role_names[i]);
  return g_string_free (s, FALSE);
}

static gboolean
is_single_role (gint64 role)
{
  return role == INKAN_ROLE_ADMIN || role == INKAN_ROLE_APPROVER || role == INKAN_ROLE_CLERK
         || role == INKAN_ROLE_AUDITOR;
}

/* ---- the model's destructors ---- */

/* ---- helpers ---- */

gboolean
_inkan_store_sqlite_error (InkanStore *self, int rc, const char *doing, GError **error)
{
  const char *message = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db)
                                                         : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_FULL,
                   _("The store could not %s because the disk is full (SQLite: %s); nothing was "
                   "changed. Free some space and try again."),
                   doing, message);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_BUSY,
                   _("The store could not %s because another program kept it busy for too long "
                   "(SQLite: %s); nothing was changed. Try again in a moment."),
                   doing, message);
      break;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_EXISTS,
                     _("The store could not %s because the name or number is already taken "
                     "(SQLite: %s); choose another one."),
                     doing, message);
      else
        g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
                     _("The store could not %s because the data breaks one of its rules "
                     "(SQLite: %s); check the values given."),
                     doing, message);
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The store could not %s: the database file cannot be used (SQLite: %s). "
                   "Check the file and its permissions."),
                   doing, message);
      break;
    default:
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_FAILED,
                   _("The store could not %s (SQLite: %s)."), doing, message);
      break;
    }
  return FALSE;
}

sqlite3_stmt *
_inkan_store_prepare (InkanStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _inkan_store_sqlite_error (self, rc, _("prepare a query"), error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

static gboolean
exec (InkanStore *self, const char *sql, const char *doing, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || _inkan_store_sqlite_error (self, rc, doing, error);
}

/* Runs a statement that returns no row. */
static gboolean
step_done (InkanStore *self, sqlite3_stmt *stmt, const char *doing, GError **error)
{
  int rc = sqlite3_step (stmt);

  return rc == SQLITE_DONE || _inkan_store_sqlite_error (self, rc, doing, error);
}

/* A single integer from a query that returns one row. */
static gboolean
query_int (InkanStore *self, const char *sql, gint64 arg, gint64 *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _inkan_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _inkan_store_sqlite_error (self, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
                                      _("read the database"), error);
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
_inkan_store_begin (InkanStore *self, GError **error)
{
  /* IMMEDIATE takes the write lock now, waiting through the busy timeout: a deferred
   * transaction that reads first and writes later can fail at once with BUSY, and a check made
   * before the lock (uses left on a grant) could be stale by the write. */
  return exec (self, "BEGIN IMMEDIATE", _("start a transaction"), error);
}

gboolean
_inkan_store_commit (InkanStore *self, const char *doing, GError **error)
{
  return exec (self, "COMMIT", doing, error);
}

void
_inkan_store_rollback (InkanStore *self)
{
  /* After SQLITE_FULL and a few other errors SQLite has already rolled back. */
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
_inkan_store_format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", g_date_time_get_year (utc),
                          g_date_time_get_month (utc), g_date_time_get_day_of_month (utc),
                          g_date_time_get_hour (utc), g_date_time_get_minute (utc),
                          g_date_time_get_second (utc), g_date_time_get_microsecond (utc) / 1000);
}

GDateTime *
_inkan_store_parse_time (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (text, utc);
}

char *
_inkan_store_sha256_hex (const void *data, gsize size)
{
  guint8 digest[32];
  char *hex = g_malloc (65);
  int rc = gnutls_hash_fast (GNUTLS_DIG_SHA256, data, size, digest);

  if (rc < 0)
    g_error ("GnuTLS cannot compute SHA-256: %s", gnutls_strerror (rc));
  for (guint i = 0; i < 32; i++)
    {
      hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
    }
  hex[64] = '\0';
  return hex;
}

void
_inkan_store_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
_inkan_store_bind_time (sqlite3_stmt *stmt, int index, GDateTime *time)
{
  g_autofree char *text = _inkan_store_format_time (time);

  _inkan_store_bind_text (stmt, index, text);
}

static void
bind_bytes (sqlite3_stmt *stmt, int index, GBytes *bytes)
{
  gsize size = 0;
  const void *data;

  if (bytes == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  sqlite3_bind_blob64 (stmt, index, size ? data : "", size, SQLITE_TRANSIENT);
}

static void
bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

char *
_inkan_store_column_text (sqlite3_stmt *stmt, int index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *)sqlite3_column_text (stmt, index));
}

static GBytes *
column_bytes (sqlite3_stmt *stmt, int index)
{
  const void *data;

  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  data = sqlite3_column_blob (stmt, index);
  return g_bytes_new (data, sqlite3_column_bytes (stmt, index));
}

/* A time column; `*ok` turns FALSE on text that is no time (an edit made outside Inkan), which
 * must not read as "no bound". */
static GDateTime *
column_time (sqlite3_stmt *stmt, int index, gboolean *ok)
{
  GDateTime *time;

  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;
  time = _inkan_store_parse_time ((const char *)sqlite3_column_text (stmt, index));
  if (time == NULL)
    *ok = FALSE;
  return time;
}

static gpointer
malformed (const char *what, gint64 id, GError **error)
{
  g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
               _("The store holds malformed data for %s %" PRId64
               ", which may have been edited outside Inkan; check the audit trail and restore "
               "the store from a backup."),
               what, id);
  return NULL;
}

static gboolean
not_found (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
not_found (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND, message);
  return FALSE;
}

static gboolean
invalid (GError **error, InkanStoreError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError **error, InkanStoreError code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, INKAN_STORE_ERROR, code, message);
  return FALSE;
}

/* invalid() for functions that return a pointer. */
static gpointer
refuse (GError **error, InkanStoreError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gpointer
refuse (GError **error, InkanStoreError code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, INKAN_STORE_ERROR, code, message);
  return NULL;
}

static gpointer
sqlite_error_null (InkanStore *self, int rc, const char *doing, GError **error)
{
  _inkan_store_sqlite_error (self, rc, doing, error);
  return NULL;
}

static gboolean
check_name (const char *name, const char *what, GError **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("A %s needs a name in UTF-8 text; give one."), what);
  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return invalid (error, INKAN_STORE_ERROR_INVALID,
                      _("The %s name “%s” contains control characters; give a plain name."), what,
                      name);
  return TRUE;
}

/* Lower-case hex of a SHA-256, accepting either case. NULL when `text` is not one. */
static char *
normalize_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return NULL;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return NULL;
  return g_ascii_strdown (text, -1);
}

static gboolean
check_window (GDateTime *from, GDateTime *until, const char *what, GError **error)
{
  g_autofree char *from_text = _inkan_store_format_time (from);
  g_autofree char *until_text = _inkan_store_format_time (until);

  if (from != NULL && until != NULL && g_strcmp0 (from_text, until_text) > 0)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("The %s would start (%s) after it ends (%s); give a start before the end."),
                    what, from_text, until_text);
  return TRUE;
}

static gboolean
check_certificate (GBytes *der, const char *what, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size = 0;
  int rc;

  if (der == NULL || g_bytes_get_size (der) == 0)
    return invalid (error, INKAN_STORE_ERROR_INVALID, _("The %s needs a certificate; give one."),
                    what);
  datum.data = (unsigned char *)g_bytes_get_data (der, &size);
  if (size > G_MAXUINT)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("The certificate given for the %s is too large to be one."), what);
  datum.size = size;
  rc = gnutls_x509_crt_init (&crt);
  if (rc >= 0)
    rc = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  gnutls_x509_crt_deinit (crt);
  if (rc < 0)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("The certificate given for the %s is not a DER X.509 certificate "
                    "(GnuTLS: %s); give the certificate file itself."),
                    what, gnutls_strerror (rc));
  return TRUE;
}

static gboolean
check_actor (const InkanUser *actor, GError **error)
{
  if (actor == NULL)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("This change needs an acting user; name who is acting."));
  return TRUE;
}

/* ---- opening ---- */

static InkanStore *
open_error (InkanStore *self, const char *path, int rc, GError **error)
{
  const char *message = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    _inkan_store_sqlite_error (self, rc, _("open"), error);
  else
    g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                 _("The store “%s” cannot be opened (SQLite: %s); check that it is an Inkan "
                 "store and that you may read and write it."),
                 path, message);
  return NULL;
}

/* The file's (application_id, user_version, number of schema objects). */
static int
read_header (InkanStore *self, gint64 *app_id, gint64 *version, gint64 *n_objects)
{
  static const char sql[] = "SELECT (SELECT application_id FROM pragma_application_id),"
                            " (SELECT user_version FROM pragma_user_version),"
                            " (SELECT count (*) FROM sqlite_schema)";
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return rc;
  *app_id = sqlite3_column_int64 (stmt, 0);
  *version = sqlite3_column_int64 (stmt, 1);
  *n_objects = sqlite3_column_int64 (stmt, 2);
  return SQLITE_OK;
}

static gboolean
schema_too_new (const char *path, gint64 version, guint known, GError **error)
{
  return invalid (error, INKAN_STORE_ERROR_SCHEMA,
                  _("The store “%s” was written by a newer Inkan (schema version %" PRId64
                  "; this one knows up to version %u); open it with that Inkan or a newer one."),
                  path, version, known);
}

/* Each migration in its own transaction, re-reading the version under the write lock: two
 * processes opening an old store at once migrate it once. */
static gboolean
migrate (InkanStore *self, const char *const *migrations, guint n_migrations, GError **error)
{
  for (guint target = 1; target <= n_migrations; target++)
    {
      g_autofree char *doing = g_strdup_printf (_("bring the store up to schema version %u"),
                                                target);
      g_autofree char *set = NULL;
      gint64 app_id = 0, version = 0, n_objects = 0;
      int rc;

      if (!_inkan_store_begin (self, error))
        return FALSE;
      rc = read_header (self, &app_id, &version, &n_objects);
      if (rc != SQLITE_OK)
        {
          _inkan_store_sqlite_error (self, rc, doing, error);
          _inkan_store_rollback (self);
          return FALSE;
        }
      if (version > (gint64) n_migrations)
        {
          _inkan_store_rollback (self);
          return schema_too_new (self->path, version, n_migrations, error);
        }
      if (version >= target)
        {
          _inkan_store_rollback (self);
          continue;
        }
      set = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %u;",
                             INKAN_APPLICATION_ID, target);
      if (!exec (self, migrations[target - 1], doing, error) || !exec (self, set, doing, error)
          || !_inkan_store_commit (self, doing, error))
        {
          _inkan_store_rollback (self);
          return FALSE;
        }
    }
  return TRUE;
}

InkanStore *
_inkan_store_open_full (const char *path, const char *const *migrations, guint n_migrations,
                        GError **error)
{
  g_autoptr (InkanStore) self = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 app_id = 0, version = 0, n_objects = 0;
  int fd, rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The folder “%s” for the store cannot be created: %s. Check the path given."),
                   dir, g_strerror (saved));
      return NULL;
    }
  /* The store names people and documents: readable by its owner only. SQLite gives the -wal
   * and -shm files the database file's permissions. Only a new file is created (and closed)
   * here: closing any descriptor of a file drops every POSIX lock this process holds on it, so
   * opening and closing an existing store would pull the locks from under the process's other
   * SQLite connections to it (the app has several). */
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno == EEXIST)
    fd = -2;
  else if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The store “%s” cannot be opened: %s. Check the path and its permissions."),
                   path, g_strerror (saved));
      return NULL;
    }
  if (fd >= 0)
    close (fd);

  self = g_object_new (INKAN_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                        NULL);
  if (rc != SQLITE_OK)
    return open_error (self, path, rc, error);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  /* No writable_schema and the like through this connection. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

  rc = read_header (self, &app_id, &version, &n_objects);
  if (rc != SQLITE_OK)
    return open_error (self, path, rc, error);
  if (app_id != INKAN_APPLICATION_ID && (app_id != 0 || version != 0 || n_objects != 0))
    {
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The file “%s” is a database but not an Inkan store; give the path of an "
                   "Inkan store, or of a new file."),
                   path);
      return NULL;
    }
  if (version > (gint64) n_migrations)
    {
      schema_too_new (path, version, n_migrations, error);
      return NULL;
    }

  /* WAL lets readers (the app) go on while another process writes; FULL makes each commit
   * durable, which a record of signatures needs. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return open_error (self, path, rc, error);
  if (g_ascii_strcasecmp ((const char *)sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The store “%s” cannot use write-ahead logging (journal mode “%s”); put it "
                   "on a local file system."),
                   path, (const char *)sqlite3_column_text (stmt, 0));
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", _("open"), error))
    return NULL;

  if (version < (gint64) n_migrations && !migrate (self, migrations, n_migrations, error))
    return NULL;
  /* Signatures whose process died in the middle are resolved by whoever opens the store next.
   * Only the real schema has them; should recovery fail (the store busy), the next opening
   * tries again, and meanwhile the reservation only holds a use. */
  if (migrations == _inkan_store_migrations && n_migrations == _inkan_store_n_migrations)
    {
      g_autoptr (InkanAuditContext) ctx = inkan_audit_context_new_local ();
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GError) recovery_error = NULL;

      if (!inkan_store_recover_signatures (self, ctx, now, NULL, NULL, &recovery_error))
        g_debug ("Interrupted signatures were not recovered: %s", recovery_error->message);
    }
  return g_steal_pointer (&self);
}

InkanStore *
inkan_store_open (const char *path, GError **error)
{
  return _inkan_store_open_full (path, _inkan_store_migrations, _inkan_store_n_migrations, error);
}

const char *
inkan_store_get_path (InkanStore *self)
{
  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  return self->path;
}

sqlite3 *
_inkan_store_get_db (InkanStore *self)
{
  return self->db;
}

void
_inkan_store_set_busy_timeout (InkanStore *self, int milliseconds)
{
  sqlite3_busy_timeout (self->db, milliseconds);
}

/* ---- users ---- */

#define USER_COLUMNS "id, name, roles, cert_der, cert_sha256, created"

static InkanUser *
user_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanUser) user = g_new0 (InkanUser, 1);
  gboolean ok = TRUE;

  user->id = sqlite3_column_int64 (stmt, 0);
  user->name = _inkan_store_column_text (stmt, 1);
  user->roles = sqlite3_column_int64 (stmt, 2);
  user->cert_der = column_bytes (stmt, 3);
  user->cert_sha256 = _inkan_store_column_text (stmt, 4);
  user->created = column_time (stmt, 5, &ok);
  if (!ok || user->name == NULL || user->cert_der == NULL || user->cert_sha256 == NULL
      || user->created == NULL)
    return malformed (_("user"), user->id, error);
  return g_steal_pointer (&user);
}

/* One row of `sql` bound to an id or a name, read with `from_row`; NOT_FOUND says `missing`. */
static gpointer
get_one (InkanStore *self, const char *sql, gint64 id, const char *name,
         gpointer (*from_row) (sqlite3_stmt *, GError **), GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _inkan_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND, "");
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _inkan_store_sqlite_error (self, rc, _("read the database"), error);
      return NULL;
    }
  return from_row (stmt, error);
}

/* Replaces the placeholder NOT_FOUND message get_one() left in *error with a sentence. */
static void
name_missing (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
name_missing (GError **error, const char *format, ...)
{
  va_list args;

  if (error == NULL || *error == NULL
      || !g_error_matches (*error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND))
    return;
  va_start (args, format);
  g_free ((*error)->message);
  (*error)->message = g_strdup_vprintf (format, args);
  va_end (args);
}

static InkanUser *
user_by_id (InkanStore *self, gint64 id, GError **error)
{
  InkanUser *user = get_one (self, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", id, NULL,
                             (gpointer)user_from_row, error);

  name_missing (error,
                _("There is no user %" PRId64 " in the store; list the users to find "
                "the right one."),
                id);
  return user;
}

static InkanUser *
user_by_name (InkanStore *self, const char *name, GError **error)
{
  InkanUser *user = get_one (self, "SELECT " USER_COLUMNS " FROM users WHERE name = ?", 0, name,
                             (gpointer)user_from_row, error);

  name_missing (error,
                _("There is no user named “%s” in the store; list the users to find the right "
                "name."),
                name);
  return user;
}

gboolean
_inkan_store_reload_actor (InkanStore *self, const InkanUser *actor, InkanUser **out,
                           GError **error)
{
  g_autoptr (GError) local_error = NULL;

  *out = NULL;
  if (actor == NULL)
    return TRUE;
  *out = user_by_id (self, actor->id, &local_error);
  if (*out != NULL)
    return TRUE;
  if (g_error_matches (local_error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND))
    return not_found (error,
                      _("The acting user “%s” is not registered in this store; act as a "
                      "registered user."),
                      actor->name ? actor->name : "(unnamed)");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
name_taken (InkanStore *self, const char *table, const char *name, gboolean *taken,
            GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE name = ?", table);
  g_autoptr (sqlite3_stmt) stmt = _inkan_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _inkan_store_sqlite_error (self, rc, _("read the database"), error);
  *taken = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
inkan_store_is_empty (InkanStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  gint64 n = 0;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  locker = g_mutex_locker_new (&self->lock);
  if (!query_int (self, "SELECT count (*) FROM users", 0, &n, error))
    return FALSE;
  return n == 0;
}

InkanUser *
inkan_store_add_user (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                      const char *name, InkanRoles roles, GBytes *cert_der, GDateTime *now,
                      GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *cert_sha256 = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  g_autofree char *role_text = NULL;
  gboolean taken = FALSE;
  gint64 n_users = 0, id;
  gsize size = 0;
  const void *der;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, _("user"), error) || !check_certificate (cert_der, _("user"), error))
    return NULL;
  if (roles == 0 || (roles & ~(guint) 15) != 0)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("User “%s” needs at least one role among admin, approver, clerk and "
                    "auditor; give one."),
                    name);
  der = g_bytes_get_data (cert_der, &size);
  cert_sha256 = _inkan_store_sha256_hex (der, size);
  role_text = roles_to_string (roles);

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !query_int (self, "SELECT count (*) FROM users", 0, &n_users, error)
      || !name_taken (self, "users", name, &taken, error))
    goto fail;
  /* Checked under the write lock: two processes cannot both add "the first admin". */
  if (actor == NULL && n_users > 0)
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("The store already has users, so adding “%s” needs an acting administrator; "
               "act as one."),
               name);
      goto fail;
    }
  if (actor == NULL && !(roles & INKAN_ROLE_ADMIN))
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("The first user of a store must be an administrator, and “%s” would not be; "
               "give the admin role."),
               name);
      goto fail;
    }
  if (taken)
    {
      invalid (error, INKAN_STORE_ERROR_EXISTS,
               _("A user named “%s” already exists; choose another name."), name);
      goto fail;
    }
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO users (name, roles, cert_der, cert_sha256, created)"
                               " VALUES (?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, roles);
  bind_bytes (stmt, 3, cert_der);
  sqlite3_bind_text (stmt, 4, cert_sha256, -1, SQLITE_TRANSIENT);
  _inkan_store_bind_time (stmt, 5, now);
  if (!step_done (self, stmt, _("save the new user"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  objects = g_strdup_printf ("user:%" G_GINT64_FORMAT, id);
  details = g_strdup_printf ("User “%s” added with the roles %s and the certificate sha256:%s.",
                             name, role_text, cert_sha256);
  if (!_inkan_store_append_audit (self, ctx, actor_row, "user.add", objects, NULL, details, now,
                                  error)
      || !_inkan_store_commit (self, _("save the new user"), error))
    goto fail;
  return user_by_id (self, id, error);

fail:
  _inkan_store_rollback (self);
  return NULL;
}

InkanUser *
inkan_store_get_user (InkanStore *self, const char *name, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  locker = g_mutex_locker_new (&self->lock);
  return user_by_name (self, name, error);
}

InkanUser *
inkan_store_get_user_by_id (InkanStore *self, gint64 id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  return user_by_id (self, id, error);
}

/* Every row of `sql` (with an optional integer parameter) read with `from_row`. */
static GPtrArray *
list_all (InkanStore *self, const char *sql, gint64 arg, gpointer (*from_row) (sqlite3_stmt *,
                                                                                  GError **),
          GDestroyNotify free_func, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = _inkan_store_prepare (self, sql, error);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = from_row (stmt, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  if (rc != SQLITE_DONE)
    return sqlite_error_null (self, rc, _("read the database"), error);
  return g_steal_pointer (&items);
}

GPtrArray *
inkan_store_list_users (InkanStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  return list_all (self, "SELECT " USER_COLUMNS " FROM users ORDER BY id", 0,
                   (gpointer)user_from_row, (GDestroyNotify)inkan_user_free, error);
}

/* ---- seals ---- */

#define SEAL_COLUMNS \
  "id, name, kind, image_png, cert_der, key_url, valid_from, valid_until, state, created, record"

static InkanSeal *
seal_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanSeal) seal = g_new0 (InkanSeal, 1);
  const char *kind = (const char *)sqlite3_column_text (stmt, 2);
  const char *state = (const char *)sqlite3_column_text (stmt, 8);
  gboolean ok = TRUE;

  seal->id = sqlite3_column_int64 (stmt, 0);
  seal->name = _inkan_store_column_text (stmt, 1);
  seal->image_png = column_bytes (stmt, 3);
  seal->cert_der = column_bytes (stmt, 4);
  seal->key_url = _inkan_store_column_text (stmt, 5);
  seal->valid_from = column_time (stmt, 6, &ok);
  seal->valid_until = column_time (stmt, 7, &ok);
  seal->created = column_time (stmt, 9, &ok);
  seal->record = column_bytes (stmt, 10);
  seal->approval_chain = g_ptr_array_new_with_free_func (g_free);
  if (!ok || seal->name == NULL || seal->cert_der == NULL || seal->key_url == NULL
      || seal->created == NULL || !inkan_seal_kind_from_string (kind, &seal->kind)
      || !seal_state_from_string (state, &seal->state))
    return malformed (_("seal"), seal->id, error);
  return g_steal_pointer (&seal);
}

/* The seal's approval chain as roles, in order. */
static GArray *
load_chain (InkanStore *self, gint64 seal_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (InkanRoles));
  int rc;

  stmt = _inkan_store_prepare (self, "SELECT role FROM seal_chain WHERE seal_id = ? ORDER BY step",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, seal_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      InkanRoles role = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (chain, role);
    }
  if (rc != SQLITE_DONE)
    return sqlite_error_null (self, rc, _("read the database"), error);
  return g_steal_pointer (&chain);
}

static InkanSeal *
seal_complete (InkanStore *self, InkanSeal *seal_, GError **error)
{
  g_autoptr (InkanSeal) seal = seal_;
  g_autoptr (GArray) chain = NULL;

  if (seal == NULL)
    return NULL;
  chain = load_chain (self, seal->id, error);
  if (chain == NULL)
    return NULL;
  for (guint i = 0; i < chain->len; i++)
    {
      const char *role = inkan_role_to_string (g_array_index (chain, InkanRoles, i));
      if (role == NULL)
        return malformed (_("seal"), seal->id, error);
      g_ptr_array_add (seal->approval_chain, g_strdup (role));
    }
  return g_steal_pointer (&seal);
}

static InkanSeal *
seal_by (InkanStore *self, gint64 id, const char *name, GError **error)
{
  InkanSeal *seal;

  if (name != NULL)
    seal = get_one (self, "SELECT " SEAL_COLUMNS " FROM seals WHERE name = ?", 0, name,
                    (gpointer)seal_from_row, error);
  else
    seal = get_one (self, "SELECT " SEAL_COLUMNS " FROM seals WHERE id = ?", id, NULL,
                    (gpointer)seal_from_row, error);
  if (name != NULL)
    name_missing (error,
                  _("There is no seal named “%s” in the store; list the seals to find the right "
                  "name."),
                  name);
  else
    name_missing (error,
                  _("There is no seal %" PRId64 " in the store; list the seals to find "
                  "the right one."),
                  id);
  if (seal == NULL)
    return NULL;
  return seal_complete (self, seal, error);
}

static char *
chain_to_string (GPtrArray *chain)
{
  g_autoptr (GString) s = g_string_new (NULL);

  if (chain == NULL || chain->len == 0)
    return g_strdup ("none");
  for (guint i = 0; i < chain->len; i++)
    g_string_append_printf (s, "%s%s", i ? " then " : "", (const char *)chain->pdata[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

InkanSeal *
inkan_store_create_seal (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                         const InkanSeal *seal, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (InkanRoles));
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  g_autofree char *chain_text = NULL;
  gboolean taken = FALSE;
  gint64 id;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (seal != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_actor (actor, error) || !check_name (seal->name, _("seal"), error))
    return NULL;
  if (inkan_seal_kind_to_string (seal->kind) == NULL)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("Seal “%s” has an unknown kind; give official, contract, finance, legal "
                    "or personal."),
                    seal->name);
  if (!check_certificate (seal->cert_der, _("seal"), error)
      || !check_window (seal->valid_from, seal->valid_until, _("seal's validity"), error))
    return NULL;
  if (seal->key_url == NULL || !g_str_has_prefix (seal->key_url, "pkcs11:"))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("Seal “%s” needs the pkcs11: URL of its private key; give one."),
                    seal->name);
  if (seal->image_png != NULL
      && (g_bytes_get_size (seal->image_png) < 8
          || memcmp (g_bytes_get_data (seal->image_png, NULL), "\x89PNG\r\n\x1a\n", 8) != 0))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("The image of seal “%s” is not a PNG file; give a PNG image."),
                    seal->name);
  for (guint i = 0; seal->approval_chain != NULL && i < seal->approval_chain->len; i++)
    {
      const char *name = seal->approval_chain->pdata[i];
      InkanRoles role = inkan_role_from_string (name);
      if (role == 0)
        return refuse (error, INKAN_STORE_ERROR_INVALID,
                        _("“%s” in the approval chain of seal “%s” is not a role; name admin, "
                        "approver, clerk or auditor."),
                        name ? name : "", seal->name);
      g_array_append_val (chain, role);
    }
  chain_text = chain_to_string (seal->approval_chain);

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !name_taken (self, "seals", seal->name, &taken, error))
    goto fail;
  if (taken)
    {
      invalid (error, INKAN_STORE_ERROR_EXISTS,
               _("A seal named “%s” already exists; choose another name."), seal->name);
      goto fail;
    }
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO seals (name, kind, image_png, cert_der, key_url,"
                               " valid_from, valid_until, state, created, record)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, seal->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, inkan_seal_kind_to_string (seal->kind), -1, SQLITE_STATIC);
  bind_bytes (stmt, 3, seal->image_png);
  bind_bytes (stmt, 4, seal->cert_der);
  sqlite3_bind_text (stmt, 5, seal->key_url, -1, SQLITE_TRANSIENT);
  _inkan_store_bind_time (stmt, 6, seal->valid_from);
  _inkan_store_bind_time (stmt, 7, seal->valid_until);
  _inkan_store_bind_time (stmt, 8, now);
  bind_bytes (stmt, 9, seal->record);
  if (!step_done (self, stmt, _("save the new seal"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO seal_chain (seal_id, step, role) VALUES (?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < chain->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, i);
      sqlite3_bind_int64 (stmt, 3, g_array_index (chain, InkanRoles, i));
      if (!step_done (self, stmt, _("save the seal's approval chain"), error))
        goto fail;
    }
  objects = g_strdup_printf ("seal:%" G_GINT64_FORMAT, id);
  details = g_strdup_printf ("Seal “%s” (%s) created with the key %s; approval: %s; %s.",
                             seal->name, inkan_seal_kind_to_string (seal->kind), seal->key_url,
                             chain_text, seal->record != NULL ? "bound by its record"
                                                              : "not bound (no record)");
  if (!_inkan_store_append_audit (self, ctx, actor_row, "seal.create", objects, NULL, details,
                                  now, error)
      || !_inkan_store_commit (self, _("save the new seal"), error))
    goto fail;
  return seal_by (self, id, NULL, error);

fail:
  _inkan_store_rollback (self);
  return NULL;
}

/* In a transaction: the acting user's row and the seal `name`, which is not retired (that is
 * final), before a change to it. */
static InkanSeal *
seal_for_change (InkanStore *self, const InkanUser *actor, const char *name,
                 InkanUser **actor_row, GError **error)
{
  g_autoptr (InkanSeal) seal = NULL;

  if (!_inkan_store_reload_actor (self, actor, actor_row, error))
    return NULL;
  seal = seal_by (self, 0, name, error);
  if (seal == NULL)
    return NULL;
  if (seal->state == INKAN_SEAL_RETIRED)
    {
      invalid (error, INKAN_STORE_ERROR_STATE,
               _("Seal “%s” is retired, which is final; create a new seal instead."), name);
      return NULL;
    }
  return g_steal_pointer (&seal);
}

gboolean
inkan_store_set_seal_record (InkanStore *self, const InkanAuditContext *ctx,
                             const InkanUser *actor, const char *name, GBytes *record,
                             GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && record != NULL && now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_actor (actor, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  seal = seal_for_change (self, actor, name, &actor_row, error);
  if (seal == NULL)
    goto fail;
  stmt = _inkan_store_prepare (self, "UPDATE seals SET record = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  bind_bytes (stmt, 1, record);
  sqlite3_bind_int64 (stmt, 2, seal->id);
  if (!step_done (self, stmt, _("save the seal's record"), error))
    goto fail;
  objects = g_strdup_printf ("seal:%" G_GINT64_FORMAT, seal->id);
  details = g_strdup_printf ("Seal “%s” %s by a new record signed by %s.", name,
                             seal->record != NULL ? "rebound" : "bound", actor_row->name);
  if (!_inkan_store_append_audit (self, ctx, actor_row, "seal.rebind", objects, NULL, details,
                                  now, error)
      || !_inkan_store_commit (self, _("save the seal's record"), error))
    goto fail;
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

InkanSeal *
inkan_store_get_seal (InkanStore *self, const char *name, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  locker = g_mutex_locker_new (&self->lock);
  return seal_by (self, 0, name, error);
}

InkanSeal *
inkan_store_get_seal_by_id (InkanStore *self, gint64 id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  return seal_by (self, id, NULL, error);
}

GPtrArray *
inkan_store_list_seals (InkanStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) seals = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  seals = list_all (self, "SELECT " SEAL_COLUMNS " FROM seals ORDER BY id", 0,
                    (gpointer)seal_from_row, (GDestroyNotify)inkan_seal_free, error);
  if (seals == NULL)
    return NULL;
  for (guint i = 0; i < seals->len; i++)
    {
      InkanSeal *seal = seals->pdata[i];
      seals->pdata[i] = NULL;
      seals->pdata[i] = seal_complete (self, seal, error);
      if (seals->pdata[i] == NULL)
        return NULL;
    }
  return g_steal_pointer (&seals);
}

gboolean
inkan_store_set_seal_state (InkanStore *self, const InkanAuditContext *ctx,
                            const InkanUser *actor, const char *name, InkanSealState state,
                            GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  const char *action;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (state)
    {
    case INKAN_SEAL_ACTIVE:
      action = "seal.resume";
      break;
    case INKAN_SEAL_SUSPENDED:
      action = "seal.suspend";
      break;
    case INKAN_SEAL_RETIRED:
      action = "seal.retire";
      break;
    default:
      return invalid (error, INKAN_STORE_ERROR_INVALID,
                      _("A seal can only be made active, suspended or retired."));
    }
  if (!check_actor (actor, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  seal = seal_for_change (self, actor, name, &actor_row, error);
  if (seal == NULL)
    goto fail;
  if (seal->state == state)
    {
      invalid (error, INKAN_STORE_ERROR_STATE, _("Seal “%s” is already %s; nothing was changed."),
               name, inkan_seal_state_to_string (state));
      goto fail;
    }
  stmt = _inkan_store_prepare (self, "UPDATE seals SET state = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, inkan_seal_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seal->id);
  if (!step_done (self, stmt, _("change the seal's state"), error))
    goto fail;
  objects = g_strdup_printf ("seal:%" G_GINT64_FORMAT, seal->id);
  details = g_strdup_printf ("Seal “%s” is now %s (it was %s).", name,
                             inkan_seal_state_to_string (state),
                             inkan_seal_state_to_string (seal->state));
  if (!_inkan_store_append_audit (self, ctx, actor_row, action, objects, NULL, details, now,
                                  error)
      || !_inkan_store_commit (self, _("change the seal's state"), error))
    goto fail;
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

/* ---- templates ---- */

#define TEMPLATE_COLUMNS "id, name, content_sha256, n_pages"

static InkanTemplate *
template_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanTemplate) template_ = g_new0 (InkanTemplate, 1);
  gint64 n_pages = sqlite3_column_int64 (stmt, 3);

  template_->id = sqlite3_column_int64 (stmt, 0);
  template_->name = _inkan_store_column_text (stmt, 1);
  template_->content_sha256 = _inkan_store_column_text (stmt, 2);
  if (template_->name == NULL || template_->content_sha256 == NULL || n_pages <= 0
      || n_pages > G_MAXUINT)
    return malformed (_("template"), template_->id, error);
  template_->n_pages = n_pages;
  return g_steal_pointer (&template_);
}

static InkanTemplate *
template_by_id (InkanStore *self, gint64 id, GError **error)
{
  InkanTemplate *template_ = get_one (self,
                                      "SELECT " TEMPLATE_COLUMNS " FROM templates WHERE id = ?",
                                      id, NULL, (gpointer)template_from_row, error);

  name_missing (error,
                _("There is no template %" PRId64 " in the store; list the templates "
                "to find the right one."),
                id);
  return template_;
}

InkanTemplate *
inkan_store_add_template (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                          const char *name, const char *content_sha256, guint n_pages,
                          GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  gboolean taken = FALSE;
  gint64 id;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_actor (actor, error) || !check_name (name, _("template"), error))
    return NULL;
  digest = normalize_sha256 (content_sha256);
  if (digest == NULL)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("Template “%s” needs its content digest as 64 hexadecimal digits; compute "
                    "it from the template document."),
                    name);
  if (n_pages == 0)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("Template “%s” has no pages; register a document with at least one."),
                    name);

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !name_taken (self, "templates", name, &taken, error))
    goto fail;
  if (taken)
    {
      invalid (error, INKAN_STORE_ERROR_EXISTS,
               _("A template named “%s” already exists; choose another name."), name);
      goto fail;
    }
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO templates (name, content_sha256, n_pages, created)"
                               " VALUES (?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, n_pages);
  _inkan_store_bind_time (stmt, 4, now);
  if (!step_done (self, stmt, _("save the new template"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  objects = g_strdup_printf ("template:%" G_GINT64_FORMAT, id);
  details = g_strdup_printf ("Template “%s” registered: %u page%s, content sha256:%s.", name,
                             n_pages, n_pages == 1 ? "" : "s", digest);
  if (!_inkan_store_append_audit (self, ctx, actor_row, "template.add", objects, NULL, details,
                                  now, error)
      || !_inkan_store_commit (self, _("save the new template"), error))
    goto fail;
  return template_by_id (self, id, error);

fail:
  _inkan_store_rollback (self);
  return NULL;
}

GPtrArray *
inkan_store_list_templates (InkanStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  return list_all (self, "SELECT " TEMPLATE_COLUMNS " FROM templates ORDER BY id", 0,
                   (gpointer)template_from_row, (GDestroyNotify)inkan_template_free, error);
}

InkanTemplate *
inkan_store_get_template (InkanStore *self, const char *name, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  InkanTemplate *template_;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  locker = g_mutex_locker_new (&self->lock);
  template_ = get_one (self, "SELECT " TEMPLATE_COLUMNS " FROM templates WHERE name = ?", 0, name,
                       (gpointer)template_from_row, error);
  name_missing (error,
                _("There is no template named “%s” in the store; list the templates to find the "
                "right name."),
                name);
  return template_;
}

/* ---- grants ---- */

#define GRANT_COLUMNS \
  "id, seal_id, user_id, role, valid_from, valid_until, max_uses, uses, revoked"

static InkanGrant *
grant_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanGrant) grant = g_new0 (InkanGrant, 1);
  gboolean ok = TRUE;

  grant->id = sqlite3_column_int64 (stmt, 0);
  grant->seal_id = sqlite3_column_int64 (stmt, 1);
  grant->user_id = sqlite3_column_int64 (stmt, 2);
  grant->role = sqlite3_column_int64 (stmt, 3);
  grant->from = column_time (stmt, 4, &ok);
  grant->until = column_time (stmt, 5, &ok);
  grant->max_uses = sqlite3_column_int64 (stmt, 6);
  grant->uses = sqlite3_column_int64 (stmt, 7);
  grant->revoked = sqlite3_column_int64 (stmt, 8) != 0;
  grant->template_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!ok || (grant->user_id == 0) == (grant->role == 0) || grant->max_uses < 0
      || grant->uses < 0)
    return malformed (_("grant"), grant->id, error);
  return g_steal_pointer (&grant);
}

static gboolean
grant_load_templates (InkanStore *self, InkanGrant *grant, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = _inkan_store_prepare (self,
                               "SELECT template_id FROM grant_templates WHERE grant_id = ?"
                               " ORDER BY template_id",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, grant->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (grant->template_ids, id);
    }
  return rc == SQLITE_DONE || _inkan_store_sqlite_error (self, rc, _("read the database"), error);
}

static InkanGrant *
grant_by_id (InkanStore *self, gint64 id, GError **error)
{
  g_autoptr (InkanGrant) grant = get_one (self,
                                          "SELECT " GRANT_COLUMNS " FROM grants WHERE id = ?",
                                          id, NULL, (gpointer)grant_from_row, error);

  name_missing (error,
                _("There is no grant %" PRId64 " in the store; list the grants to find "
                "the right one."),
                id);
  if (grant == NULL)
    return NULL;
  if (!grant_load_templates (self, grant, error))
    return NULL;
  return g_steal_pointer (&grant);
}

static char *
grant_describe (const InkanGrant *grant, const char *seal_name, const char *user_name)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *from = _inkan_store_format_time (grant->from);
  g_autofree char *until = _inkan_store_format_time (grant->until);

  g_string_append_printf (s, "Grant %" G_GINT64_FORMAT " gives seal “%s” to ", grant->id,
                          seal_name);
  if (user_name != NULL)
    g_string_append_printf (s, "user “%s”", user_name);
  else
    g_string_append_printf (s, "the %s role", inkan_role_to_string (grant->role));
  g_string_append_printf (s, " from %s until %s", from ? from : "any time",
                          until ? until : "revoked");
  if (grant->max_uses > 0)
    g_string_append_printf (s, ", for at most %" G_GINT64_FORMAT " use%s", grant->max_uses,
                            grant->max_uses == 1 ? "" : "s");
  if (grant->template_ids != NULL && grant->template_ids->len > 0)
    {
      g_string_append (s, ", on templates");
      for (guint i = 0; i < grant->template_ids->len; i++)
        g_string_append_printf (s, "%s %" G_GINT64_FORMAT, i ? "," : "",
                                g_array_index (grant->template_ids, gint64, i));
    }
  g_string_append_c (s, '.');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

InkanGrant *
inkan_store_add_grant (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                       const InkanGrant *grant, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanUser) user = NULL;
  g_autoptr (InkanGrant) saved = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  gint64 id;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (grant != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_actor (actor, error))
    return NULL;
  if ((grant->user_id == 0) == (grant->role == 0))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A grant goes either to one user or to one role; name exactly one of them."));
  if (grant->role != 0 && !is_single_role (grant->role))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A grant goes to a single role among admin, approver, clerk and auditor; "
                    "name one."));
  if (grant->max_uses < 0)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A grant's number of uses cannot be negative; give a positive number, or "
                    "none for no limit."));
  if (!check_window (grant->from, grant->until, _("grant"), error))
    return NULL;

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error))
    goto fail;
  seal = seal_by (self, grant->seal_id, NULL, error);
  if (seal == NULL)
    goto fail;
  if (grant->user_id != 0 && (user = user_by_id (self, grant->user_id, error)) == NULL)
    goto fail;
  for (guint i = 0; grant->template_ids != NULL && i < grant->template_ids->len; i++)
    {
      g_autoptr (InkanTemplate) template_ = template_by_id (
          self, g_array_index (grant->template_ids, gint64, i), error);
      if (template_ == NULL)
        goto fail;
    }
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO grants (seal_id, user_id, role, valid_from,"
                               " valid_until, max_uses, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, grant->seal_id);
  bind_id_or_null (stmt, 2, grant->user_id);
  bind_id_or_null (stmt, 3, grant->role);
  _inkan_store_bind_time (stmt, 4, grant->from);
  _inkan_store_bind_time (stmt, 5, grant->until);
  sqlite3_bind_int64 (stmt, 6, grant->max_uses);
  _inkan_store_bind_time (stmt, 7, now);
  if (!step_done (self, stmt, _("save the new grant"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = _inkan_store_prepare (self,
                               "INSERT OR IGNORE INTO grant_templates (grant_id, template_id)"
                               " VALUES (?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; grant->template_ids != NULL && i < grant->template_ids->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (grant->template_ids, gint64, i));
      if (!step_done (self, stmt, _("save the grant's templates"), error))
        goto fail;
    }
  saved = grant_by_id (self, id, error);
  if (saved == NULL)
    goto fail;
  objects = grant->user_id != 0
                ? g_strdup_printf ("grant:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT
                                   " user:%" G_GINT64_FORMAT,
                                   id, seal->id, grant->user_id)
                : g_strdup_printf ("grant:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT
                                   " role:%s",
                                   id, seal->id, inkan_role_to_string (grant->role));
  details = grant_describe (saved, seal->name, user ? user->name : NULL);
  if (!_inkan_store_append_audit (self, ctx, actor_row, "grant.add", objects, NULL, details, now,
                                  error)
      || !_inkan_store_commit (self, _("save the new grant"), error))
    goto fail;
  return g_steal_pointer (&saved);

fail:
  _inkan_store_rollback (self);
  return NULL;
}

GPtrArray *
inkan_store_list_grants (InkanStore *self, gint64 seal_id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) grants = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  /* One snapshot for the grants and their templates. */
  if (!exec (self, "BEGIN", _("read the grants"), error))
    return NULL;
  if (seal_id != 0)
    grants = list_all (self, "SELECT " GRANT_COLUMNS " FROM grants WHERE seal_id = ? ORDER BY id",
                       seal_id, (gpointer)grant_from_row, (GDestroyNotify)inkan_grant_free,
                       error);
  else
    grants = list_all (self, "SELECT " GRANT_COLUMNS " FROM grants ORDER BY id", 0,
                       (gpointer)grant_from_row, (GDestroyNotify)inkan_grant_free, error);
  for (guint i = 0; grants != NULL && i < grants->len; i++)
    if (!grant_load_templates (self, grants->pdata[i], error))
      g_clear_pointer (&grants, g_ptr_array_unref);
  _inkan_store_rollback (self);
  return g_steal_pointer (&grants);
}

gboolean
inkan_store_revoke_grant (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                          gint64 grant_id, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_actor (actor, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error))
    goto fail;
  grant = grant_by_id (self, grant_id, error);
  if (grant == NULL || (seal = seal_by (self, grant->seal_id, NULL, error)) == NULL)
    goto fail;
  if (grant->revoked)
    {
      invalid (error, INKAN_STORE_ERROR_STATE,
               _("Grant %" PRId64 " is already revoked; nothing was changed."), grant_id);
      goto fail;
    }
  stmt = _inkan_store_prepare (self, "UPDATE grants SET revoked = 1 WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, grant_id);
  if (!step_done (self, stmt, _("revoke the grant"), error))
    goto fail;
  objects = g_strdup_printf ("grant:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT, grant_id,
                             seal->id);
  details = g_strdup_printf ("Grant %" G_GINT64_FORMAT " for seal “%s” revoked after %"
                             G_GINT64_FORMAT " use%s.",
                             grant_id, seal->name, grant->uses, grant->uses == 1 ? "" : "s");
  if (!_inkan_store_append_audit (self, ctx, actor_row, "grant.revoke", objects, NULL, details,
                                  now, error)
      || !_inkan_store_commit (self, _("revoke the grant"), error))
    goto fail;
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

/* ---- requests ---- */

#define REQUEST_COLUMNS                                                                   \
  "id, seal_id, requester_id, document_sha256, document_name, reason, state, created, page," \
  " rect_x, rect_y, rect_width, rect_height"

static InkanRequest *
request_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanRequest) request = g_new0 (InkanRequest, 1);
  gint64 page = sqlite3_column_int64 (stmt, 8);
  gboolean ok = TRUE;

  request->id = sqlite3_column_int64 (stmt, 0);
  request->seal_id = sqlite3_column_int64 (stmt, 1);
  request->requester_id = sqlite3_column_int64 (stmt, 2);
  request->document_sha256 = _inkan_store_column_text (stmt, 3);
  request->document_name = _inkan_store_column_text (stmt, 4);
  request->reason = _inkan_store_column_text (stmt, 5);
  request->created = column_time (stmt, 7, &ok);
  for (guint i = 0; i < 4; i++)
    request->rect[i] = sqlite3_column_double (stmt, 9 + i);
  if (!ok || request->document_sha256 == NULL || request->created == NULL || page < 0
      || page > G_MAXUINT
      || !inkan_request_state_from_string ((const char *)sqlite3_column_text (stmt, 6),
                                           &request->state))
    return malformed (_("request"), request->id, error);
  request->page = page;
  return g_steal_pointer (&request);
}

static InkanRequest *
request_by_id (InkanStore *self, gint64 id, GError **error)
{
  InkanRequest *request = get_one (self, "SELECT " REQUEST_COLUMNS " FROM requests WHERE id = ?",
                                   id, NULL, (gpointer)request_from_row, error);

  name_missing (error,
                _("There is no request %" PRId64 " in the store; list the requests to "
                "find the right one."),
                id);
  return request;
}

static gboolean
set_request_state (InkanStore *self, gint64 id, InkanRequestState state, InkanRoles next_role,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _inkan_store_prepare (self, "UPDATE requests SET state = ?, next_role = ? WHERE id = ?",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, inkan_request_state_to_string (state), -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 2, next_role);
  sqlite3_bind_int64 (stmt, 3, id);
  return step_done (self, stmt, _("change the request's state"), error);
}

InkanRequest *
inkan_store_create_request (InkanStore *self, const InkanAuditContext *ctx,
                            const InkanUser *actor, const InkanRequest *request, GDateTime *now,
                            GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanUser) requester = NULL;
  g_autoptr (GArray) chain = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  InkanRequestState state;
  gint64 requester_id, id;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_actor (actor, error))
    return NULL;
  requester_id = request->requester_id != 0 ? request->requester_id : actor->id;
  digest = normalize_sha256 (request->document_sha256);
  if (digest == NULL)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A request needs the document's SHA-256 as 64 hexadecimal digits; compute "
                    "it from the document."));
  if ((request->document_name != NULL && !g_utf8_validate (request->document_name, -1, NULL))
      || (request->reason != NULL && !g_utf8_validate (request->reason, -1, NULL)))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A request's document name and reason must be UTF-8 text; give them as "
                    "such."));
  for (guint i = 0; i < 4; i++)
    if (!isfinite (request->rect[i]) || (i >= 2 && request->rect[i] < 0))
      return refuse (error, INKAN_STORE_ERROR_INVALID,
                      _("A request's placement needs finite coordinates and a size that is not "
                      "negative; give X,Y,W,H in points."));
  if (request->page > 0 && (request->rect[2] <= 0 || request->rect[3] <= 0))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A request's placement needs a width and a height above zero; give X,Y,W,H "
                    "in points."));

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error))
    goto fail;
  seal = seal_by (self, request->seal_id, NULL, error);
  if (seal == NULL || (requester = user_by_id (self, requester_id, error)) == NULL
      || (chain = load_chain (self, seal->id, error)) == NULL)
    goto fail;
  /* A seal whose chain is empty needs nobody's decision: its request is complete at once. */
  state = chain->len == 0 ? INKAN_REQUEST_APPROVED : INKAN_REQUEST_PENDING;
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO requests (seal_id, requester_id, document_sha256,"
                               " document_name, reason, state, next_role, created, page, rect_x,"
                               " rect_y, rect_width, rect_height)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seal->id);
  sqlite3_bind_int64 (stmt, 2, requester_id);
  sqlite3_bind_text (stmt, 3, digest, -1, SQLITE_TRANSIENT);
  _inkan_store_bind_text (stmt, 4, request->document_name);
  _inkan_store_bind_text (stmt, 5, request->reason);
  sqlite3_bind_text (stmt, 6, inkan_request_state_to_string (state), -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 7, chain->len ? g_array_index (chain, InkanRoles, 0) : 0);
  _inkan_store_bind_time (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, request->page);
  for (guint i = 0; i < 4; i++)
    sqlite3_bind_double (stmt, 10 + i, request->rect[i]);
  if (!step_done (self, stmt, _("save the new request"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT, id,
                             seal->id);
  details = g_strdup_printf ("User “%s” asks to use seal “%s” on “%s”: %s%s", requester->name,
                             seal->name, request->document_name ? request->document_name : "",
                             request->reason ? request->reason : "no reason given",
                             state == INKAN_REQUEST_APPROVED
                                 ? " (the seal needs no approval)."
                                 : ".");
  if (!_inkan_store_append_audit (self, ctx, actor_row, "request.create", objects, digest,
                                  details, now, error)
      || !_inkan_store_commit (self, _("save the new request"), error))
    goto fail;
  return request_by_id (self, id, error);

fail:
  _inkan_store_rollback (self);
  return NULL;
}

InkanRequest *
inkan_store_get_request (InkanStore *self, gint64 id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  return request_by_id (self, id, error);
}

GPtrArray *
inkan_store_list_requests (InkanStore *self, int state, const InkanUser *to_approve_by,
                           GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func (
      (GDestroyNotify)inkan_request_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  if (state >= 0 && inkan_request_state_to_string (state) == NULL)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("There is no request state %d; give pending, approved, rejected, cancelled "
                    "or used."),
                    state);
  if (to_approve_by != NULL && state >= 0 && state != INKAN_REQUEST_PENDING)
    return g_steal_pointer (&requests);

  locker = g_mutex_locker_new (&self->lock);
  if (to_approve_by != NULL)
    {
      /* The partial index requests_queue holds exactly the pending requests by next role. */
      stmt = _inkan_store_prepare (self,
                                   "SELECT " REQUEST_COLUMNS " FROM requests INDEXED BY"
                                   " requests_queue WHERE state = 'pending'"
                                   " AND next_role IN (?, ?, ?, ?) ORDER BY id DESC",
                                   error);
      if (stmt == NULL)
        return NULL;
      for (guint i = 0; i < 4; i++)
        sqlite3_bind_int64 (stmt, 1 + i, to_approve_by->roles & (1u << i));
    }
  else
    {
      stmt = _inkan_store_prepare (self,
                                   "SELECT " REQUEST_COLUMNS " FROM requests"
                                   " WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC",
                                   error);
      if (stmt == NULL)
        return NULL;
      if (state >= 0)
        sqlite3_bind_text (stmt, 1, inkan_request_state_to_string (state), -1, SQLITE_STATIC);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      InkanRequest *request = request_from_row (stmt, error);
      if (request == NULL)
        return NULL;
      g_ptr_array_add (requests, request);
    }
  if (rc != SQLITE_DONE)
    return sqlite_error_null (self, rc, _("read the requests"), error);
  return g_steal_pointer (&requests);
}

gboolean
inkan_store_cancel_request (InkanStore *self, const InkanAuditContext *ctx,
                            const InkanUser *actor, gint64 id, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_actor (actor, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || (request = request_by_id (self, id, error)) == NULL)
    goto fail;
  if (request->state != INKAN_REQUEST_PENDING && request->state != INKAN_REQUEST_APPROVED)
    {
      invalid (error, INKAN_STORE_ERROR_STATE,
               _("Request %" PRId64 " is %s, so it can no longer be cancelled."), id,
               inkan_request_state_to_string (request->state));
      goto fail;
    }
  if (!set_request_state (self, id, INKAN_REQUEST_CANCELLED, 0, error))
    goto fail;
  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT, id,
                             request->seal_id);
  details = g_strdup_printf ("Request %" G_GINT64_FORMAT " cancelled (it was %s).", id,
                             inkan_request_state_to_string (request->state));
  if (!_inkan_store_append_audit (self, ctx, actor_row, "request.cancel", objects,
                                  request->document_sha256, details, now, error)
      || !_inkan_store_commit (self, _("cancel the request"), error))
    goto fail;
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

/* ---- approvals ---- */

#define APPROVAL_COLUMNS \
  "id, request_id, approver_id, role, step, decision, comment, time, statement, cms"

static InkanApproval *
approval_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (InkanApproval) approval = g_new0 (InkanApproval, 1);
  const char *decision = (const char *)sqlite3_column_text (stmt, 5);
  gint64 step = sqlite3_column_int64 (stmt, 4);
  gboolean ok = TRUE;

  approval->id = sqlite3_column_int64 (stmt, 0);
  approval->request_id = sqlite3_column_int64 (stmt, 1);
  approval->approver_id = sqlite3_column_int64 (stmt, 2);
  approval->role = sqlite3_column_int64 (stmt, 3);
  approval->comment = _inkan_store_column_text (stmt, 6);
  approval->time = column_time (stmt, 7, &ok);
  approval->statement = column_bytes (stmt, 8);
  approval->cms = column_bytes (stmt, 9);
  if (g_strcmp0 (decision, "approve") == 0)
    approval->decision = INKAN_DECISION_APPROVE;
  else if (g_strcmp0 (decision, "reject") == 0)
    approval->decision = INKAN_DECISION_REJECT;
  else
    ok = FALSE;
  if (!ok || approval->time == NULL || approval->statement == NULL || approval->cms == NULL
      || step < 0 || step > G_MAXUINT)
    return malformed (_("approval"), approval->id, error);
  approval->step = step;
  return g_steal_pointer (&approval);
}

InkanApproval *
inkan_store_add_approval (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                          const InkanApproval *approval, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (InkanUser) approver = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (GArray) chain = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *details = NULL;
  InkanRequestState next_state = INKAN_REQUEST_PENDING;
  InkanRoles next_role = 0;
  gint64 n_done = 0, approver_id, id;
  gboolean approve;
  InkanApproval *saved;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  g_return_val_if_fail (approval != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_actor (actor, error))
    return NULL;
  approve = approval->decision == INKAN_DECISION_APPROVE;
  if (!approve && approval->decision != INKAN_DECISION_REJECT)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A decision on a request is either an approval or a rejection."));
  if (approval->statement == NULL || g_bytes_get_size (approval->statement) == 0
      || approval->cms == NULL || g_bytes_get_size (approval->cms) == 0)
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A decision needs the signed statement and the approver's signature over "
                    "it; sign the statement first."));
  if (approval->comment != NULL && !g_utf8_validate (approval->comment, -1, NULL))
    return refuse (error, INKAN_STORE_ERROR_INVALID,
                    _("A decision's comment must be UTF-8 text; give it as such."));
  approver_id = approval->approver_id != 0 ? approval->approver_id : actor->id;

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return NULL;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || (request = request_by_id (self, approval->request_id, error)) == NULL
      || (approver = user_by_id (self, approver_id, error)) == NULL
      || (seal = seal_by (self, request->seal_id, NULL, error)) == NULL
      || (chain = load_chain (self, seal->id, error)) == NULL
      || !query_int (self, "SELECT count (*) FROM approvals WHERE request_id = ?", request->id,
                     &n_done, error))
    goto fail;
  if (request->state != INKAN_REQUEST_PENDING)
    {
      invalid (error, INKAN_STORE_ERROR_STATE,
               _("Request %" PRId64 " is %s, not pending; it takes no more decisions."),
               request->id, inkan_request_state_to_string (request->state));
      goto fail;
    }
  /* The chain is walked in order: a decision fills exactly the next step, in its role. */
  if (n_done >= chain->len)
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("Request %" PRId64 " already has every decision seal “%s” asks for."),
               request->id, seal->name);
      goto fail;
    }
  if ((gint64) approval->step != n_done)
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("Request %" PRId64 " awaits step %" PRId64 " of its approval "
               "chain, not step %u; decide on the next step only."),
               request->id, n_done + 1, approval->step + 1);
      goto fail;
    }
  if (approval->role != g_array_index (chain, InkanRoles, n_done))
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("Step %" PRId64 " of the approval chain of seal “%s” is for the %s "
               "role, not %s."),
               n_done + 1, seal->name,
               inkan_role_to_string (g_array_index (chain, InkanRoles, n_done)),
               inkan_role_to_string (approval->role) ? inkan_role_to_string (approval->role)
                                                     : "that one");
      goto fail;
    }
  stmt = _inkan_store_prepare (self,
                               "INSERT INTO approvals (request_id, approver_id, role, step,"
                               " decision, comment, time, statement, cms)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, request->id);
  sqlite3_bind_int64 (stmt, 2, approver_id);
  sqlite3_bind_int64 (stmt, 3, approval->role);
  sqlite3_bind_int64 (stmt, 4, approval->step);
  sqlite3_bind_text (stmt, 5, approve ? "approve" : "reject", -1, SQLITE_STATIC);
  _inkan_store_bind_text (stmt, 6, approval->comment);
  _inkan_store_bind_time (stmt, 7, approval->time != NULL ? approval->time : now);
  bind_bytes (stmt, 8, approval->statement);
  bind_bytes (stmt, 9, approval->cms);
  if (!step_done (self, stmt, _("save the decision"), error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  if (!approve)
    next_state = INKAN_REQUEST_REJECTED;
  else if (n_done + 1 == chain->len)
    next_state = INKAN_REQUEST_APPROVED;
  else
    next_role = g_array_index (chain, InkanRoles, n_done + 1);
  if (!set_request_state (self, request->id, next_state, next_role, error))
    goto fail;
  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT
                             " approval:%" G_GINT64_FORMAT,
                             request->id, seal->id, id);
  details = g_strdup_printf ("User “%s” %s request %" G_GINT64_FORMAT " as %s (step %"
                             G_GINT64_FORMAT " of %u)%s%s%s",
                             approver->name, approve ? "approved" : "rejected", request->id,
                             inkan_role_to_string (approval->role), n_done + 1, chain->len,
                             approval->comment ? ": “" : ".",
                             approval->comment ? approval->comment : "",
                             approval->comment ? "”." : "");
  if (!_inkan_store_append_audit (self, ctx, actor_row,
                                  approve ? "request.approve" : "request.reject", objects,
                                  request->document_sha256, details, now, error)
      || !_inkan_store_commit (self, _("save the decision"), error))
    goto fail;
  saved = get_one (self, "SELECT " APPROVAL_COLUMNS " FROM approvals WHERE id = ?", id, NULL,
                   (gpointer)approval_from_row, error);
  return saved;

fail:
  _inkan_store_rollback (self);
  return NULL;
}

GPtrArray *
inkan_store_list_approvals (InkanStore *self, gint64 request_id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  if (request_id == 0)
    return list_all (self,
                     "SELECT " APPROVAL_COLUMNS " FROM approvals ORDER BY request_id, step", 0,
                     (gpointer)approval_from_row, (GDestroyNotify)inkan_approval_free, error);
  return list_all (self,
                   "SELECT " APPROVAL_COLUMNS " FROM approvals WHERE request_id = ?"
                   " ORDER BY step",
                   request_id, (gpointer)approval_from_row, (GDestroyNotify)inkan_approval_free,
                   error);
}

/* ---- signatures ---- */

/* May a signature be charged to `grant_id` (and use `request_id`) now? Read under the write
 * lock, so that two processes cannot both take the last use of a grant, nor both use one
 * request: what can have changed since the caller's policy check is checked again here. */
static gboolean
check_use (InkanStore *self, gint64 seal_id, gint64 grant_id, gint64 request_id,
           const char *digest, GDateTime *now, InkanSeal **seal_out, InkanGrant **grant_out,
           GError **error)
{
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autoptr (InkanRequest) request = NULL;
  gint64 in_flight = 0;

  if ((seal = seal_by (self, seal_id, NULL, error)) == NULL
      || (grant = grant_by_id (self, grant_id, error)) == NULL)
    return FALSE;
  if (grant->seal_id != seal->id)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("Grant %" PRId64 " is not for seal “%s”; sign under one of its "
                    "grants."), grant_id, seal->name);
  if (seal->state != INKAN_SEAL_ACTIVE)
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Seal “%s” was %s a moment ago; it cannot be used now."), seal->name,
                    seal_state_names[seal->state]);
  if (grant->revoked)
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Grant %" PRId64 " for seal “%s” has been revoked; ask an "
                    "administrator for a new grant."), grant_id, seal->name);
  if ((grant->from != NULL && g_date_time_compare (now, grant->from) < 0)
      || (grant->until != NULL && g_date_time_compare (now, grant->until) > 0))
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Grant %" PRId64 " for seal “%s” is not in force now; ask an "
                    "administrator to renew it."), grant_id, seal->name);
  if (grant->max_uses > 0 && grant->uses >= grant->max_uses)
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Grant %" PRId64 " for seal “%s” has no uses left (%" PRId64
                    " of %" PRId64 " made); ask an administrator for a new grant."),
                    grant_id, seal->name, grant->uses, grant->max_uses);
  if (request_id != 0)
    {
      request = request_by_id (self, request_id, error);
      if (request == NULL)
        return FALSE;
      if (request->seal_id != seal->id || strcmp (request->document_sha256, digest) != 0)
        return invalid (error, INKAN_STORE_ERROR_INVALID,
                        _("Request %" PRId64 " is for another seal or another document; "
                        "sign the document the request names, with its seal."), request_id);
      if (request->state != INKAN_REQUEST_APPROVED)
        return invalid (error, INKAN_STORE_ERROR_STATE,
                        _("Request %" PRId64 " is %s, not approved; it cannot be used for "
                        "a signature."), request_id,
                        inkan_request_state_to_string (request->state));
      if (!query_int (self, "SELECT count (*) FROM signatures WHERE request_id = ?"
                      " AND state = 'signing'", request_id, &in_flight, error))
        return FALSE;
      if (in_flight > 0)
        return invalid (error, INKAN_STORE_ERROR_STATE,
                        _("Request %" PRId64 " is being sealed right now by another "
                        "process; wait for it to finish."), request_id);
    }
  *seal_out = g_steal_pointer (&seal);
  *grant_out = g_steal_pointer (&grant);
  return TRUE;
}

static gboolean
add_use (InkanStore *self, gint64 grant_id, int delta, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _inkan_store_prepare (self, "UPDATE grants SET uses = max (uses + ?, 0) WHERE id = ?",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, delta);
  sqlite3_bind_int64 (stmt, 2, grant_id);
  return step_done (self, stmt, _("count the grant's use"), error);
}

static char *
signature_objects (gint64 seal_id, gint64 grant_id, gint64 request_id, gint64 signature_id)
{
  GString *out = g_string_new (NULL);

  g_string_printf (out, "seal:%" G_GINT64_FORMAT " grant:%" G_GINT64_FORMAT, seal_id, grant_id);
  if (request_id != 0)
    g_string_append_printf (out, " request:%" G_GINT64_FORMAT, request_id);
  if (signature_id != 0)
    g_string_append_printf (out, " signature:%" G_GINT64_FORMAT, signature_id);
  return g_string_free (out, FALSE);
}

/* "Seal “Contract” used under grant 3 (use 1 of 1)." */
static char *
use_details (const InkanSeal *seal, const InkanGrant *grant, gint64 use)
{
  if (grant->max_uses > 0)
    return g_strdup_printf ("Seal “%s” used under grant %" G_GINT64_FORMAT " (use %" G_GINT64_FORMAT
                            " of %" G_GINT64_FORMAT ").",
                            seal->name, grant->id, use, grant->max_uses);
  return g_strdup_printf ("Seal “%s” used under grant %" G_GINT64_FORMAT " (use %" G_GINT64_FORMAT
                          ").", seal->name, grant->id, use);
}

static gint64
insert_signature (InkanStore *self, const char *state, gint64 seal_id, gint64 grant_id,
                  gint64 request_id, gint64 actor_id, const char *digest, guint64 size,
                  const char *output, const char *output_before, GDateTime *now,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _inkan_store_prepare (self,
                               "INSERT INTO signatures (seal_id, grant_id, request_id, actor_id,"
                               " document_sha256, document_size, output, state, started,"
                               " finished, output_before)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, seal_id);
  sqlite3_bind_int64 (stmt, 2, grant_id);
  bind_id_or_null (stmt, 3, request_id);
  sqlite3_bind_int64 (stmt, 4, actor_id);
  _inkan_store_bind_text (stmt, 5, digest);
  if (size > 0)
    sqlite3_bind_int64 (stmt, 6, (gint64) size);
  _inkan_store_bind_text (stmt, 7, output);
  _inkan_store_bind_text (stmt, 8, state);
  _inkan_store_bind_time (stmt, 9, now);
  if (strcmp (state, "done") == 0)
    _inkan_store_bind_time (stmt, 10, now);
  _inkan_store_bind_text (stmt, 11, output_before);
  if (!step_done (self, stmt, _("record the signature"), error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
inkan_store_record_signature (InkanStore *self, const InkanAuditContext *ctx,
                              const InkanUser *actor, gint64 seal_id, gint64 grant_id,
                              gint64 request_id, const char *document_sha256,
                              const char *details, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *default_details = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_actor (actor, error))
    return FALSE;
  digest = normalize_sha256 (document_sha256);
  if (digest == NULL)
    return invalid (error, INKAN_STORE_ERROR_INVALID,
                    _("A signature's record needs the sealed document's SHA-256 as 64 "
                    "hexadecimal digits."));

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !check_use (self, seal_id, grant_id, request_id, digest, now, &seal, &grant, error))
    goto fail;
  if ((request_id != 0 && !set_request_state (self, request_id, INKAN_REQUEST_USED, 0, error))
      || !add_use (self, grant_id, 1, error)
      || insert_signature (self, "done", seal_id, grant_id, request_id, actor_row->id, digest, 0,
                           NULL, NULL, now, error) == 0)
    goto fail;
  objects = signature_objects (seal->id, grant_id, request_id, 0);
  if (details == NULL)
    details = default_details = use_details (seal, grant, grant->uses + 1);
  if (!_inkan_store_append_audit (self, ctx, actor_row, "sign", objects, digest, details, now,
                                  error)
      || !_inkan_store_commit (self, _("record the signature"), error))
    goto fail;
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

/* ---- two-phase signatures: reservations, their locks, and recovery ---- */

/* What is at `path` now, to tell it from what a rename puts there later; NULL when nothing. */
static char *
file_identity (const struct stat *st)
{
  return g_strdup_printf ("%ju:%ju:%jd:%jd.%09ld", (uintmax_t) st->st_dev, (uintmax_t) st->st_ino,
                          (intmax_t) st->st_size, (intmax_t) st->st_mtim.tv_sec,
                          (long) st->st_mtim.tv_nsec);
}

static char *
path_identity (const char *path)
{
  struct stat st;

  if (g_lstat (path, &st) != 0)
    return NULL;
  return file_identity (&st);
}

/* A reservation's owner holds an exclusive open-file-description lock on byte `id` of
 * "<store>-signing" for as long as it lives; the kernel drops it when the process dies, however
 * it dies. Recovery takes the same lock without waiting: when it gets it, nobody is sealing
 * under that reservation any more. */
static char *
lock_path (InkanStore *self)
{
  return g_strconcat (self->path, "-signing", NULL);
}

/* -1 when another open file description holds the lock (errno EAGAIN) or on error. */
static int
lock_reservation (InkanStore *self, gint64 id, GError **error)
{
  g_autofree char *path = lock_path (self);
  struct flock fl = { 0 };
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_OPEN,
                   _("The lock file “%s” of the store cannot be opened: %s. Check the folder's "
                   "permissions."), path, g_strerror (saved));
      return -1;
    }
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = (off_t) id;
  fl.l_len = 1;
  if (fcntl (fd, F_OFD_SETLK, &fl) == 0)
    return fd;
  saved = errno;
  close (fd);
  errno = saved;
  if (saved != EAGAIN && saved != EACCES)
    g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_FAILED,
                 _("The reservation of signature %" PRId64 " cannot be locked in “%s”: "
                 "%s."), id, path, g_strerror (saved));
  return -1;
}

static void
unlock_reservation (InkanStore *self, gint64 id)
{
  gpointer key, fd;

  if (self->reservations != NULL
      && g_hash_table_steal_extended (self->reservations, &id, &key, &fd))
    {
      close (GPOINTER_TO_INT (fd));
      g_free (key);
    }
}

typedef struct
{
  gint64 id;
  gint64 seal_id;
  gint64 grant_id;
  gint64 request_id;
  gint64 actor_id;
  char *document_sha256;
  gint64 document_size;
  char *output;
  char *state;
  char *output_before;
} Reservation;

static void
reservation_free (Reservation *r)
{
  if (r == NULL)
    return;
  g_free (r->document_sha256);
  g_free (r->output);
  g_free (r->state);
  g_free (r->output_before);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reservation, reservation_free)

#define RESERVATION_COLUMNS \
  "id, seal_id, grant_id, coalesce (request_id, 0), actor_id, document_sha256," \
  " coalesce (document_size, 0), output, state, output_before"

static Reservation *
reservation_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (Reservation) r = g_new0 (Reservation, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->seal_id = sqlite3_column_int64 (stmt, 1);
  r->grant_id = sqlite3_column_int64 (stmt, 2);
  r->request_id = sqlite3_column_int64 (stmt, 3);
  r->actor_id = sqlite3_column_int64 (stmt, 4);
  r->document_sha256 = _inkan_store_column_text (stmt, 5);
  r->document_size = sqlite3_column_int64 (stmt, 6);
  r->output = _inkan_store_column_text (stmt, 7);
  r->state = _inkan_store_column_text (stmt, 8);
  r->output_before = _inkan_store_column_text (stmt, 9);
  if (r->document_sha256 == NULL || r->state == NULL)
    return malformed (_("signature"), r->id, error);
  return g_steal_pointer (&r);
}

static Reservation *
reservation_by_id (InkanStore *self, gint64 id, GError **error)
{
  Reservation *r = get_one (self, "SELECT " RESERVATION_COLUMNS " FROM signatures WHERE id = ?",
                            id, NULL, (gpointer)reservation_from_row, error);

  name_missing (error,
                _("There is no signature %" PRId64 " in the store."), id);
  if (r != NULL && strcmp (r->state, "signing") != 0)
    {
      invalid (error, INKAN_STORE_ERROR_STATE,
               _("Signature %" PRId64 " is %s, no longer in progress."), id, r->state);
      g_clear_pointer (&r, reservation_free);
    }
  return r;
}

static gboolean
set_signature_state (InkanStore *self, gint64 id, const char *state, GDateTime *now,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _inkan_store_prepare (self, "UPDATE signatures SET state = ?, finished = ? WHERE id = ?"
                               " AND state = 'signing'", error);
  if (stmt == NULL)
    return FALSE;
  _inkan_store_bind_text (stmt, 1, state);
  _inkan_store_bind_time (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!step_done (self, stmt, _("finish the signature's record"), error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Signature %" PRId64 " is no longer in progress."), id);
  return TRUE;
}

gint64
inkan_store_reserve_signature (InkanStore *self, const InkanUser *actor, gint64 seal_id,
                               gint64 grant_id, gint64 request_id, const char *document_sha256,
                               guint64 document_size, const char *output, GDateTime *now,
                               GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *before = NULL;
  gint64 id = 0;
  int fd = -1;

  g_return_val_if_fail (INKAN_IS_STORE (self), 0);
  g_return_val_if_fail (output != NULL && now != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!check_actor (actor, error))
    return 0;
  digest = normalize_sha256 (document_sha256);
  if (digest == NULL || document_size == 0 || document_size > G_MAXINT64)
    {
      invalid (error, INKAN_STORE_ERROR_INVALID,
               _("A signature's reservation needs the document's SHA-256 as 64 hexadecimal "
               "digits and its size."));
      return 0;
    }
  absolute = g_canonicalize_filename (output, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return 0;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !check_use (self, seal_id, grant_id, request_id, digest, now, &seal, &grant, error)
      || !add_use (self, grant_id, 1, error))
    goto fail;
  before = path_identity (absolute);
  id = insert_signature (self, "signing", seal_id, grant_id, request_id, actor_row->id, digest,
                         document_size, absolute, before, now, error);
  if (id == 0)
    goto fail;
  /* Locked before anyone can see the row: recovery never takes a live reservation for a dead
   * one. */
  fd = lock_reservation (self, id, error);
  if (fd < 0)
    {
      if (error != NULL && *error == NULL)
        invalid (error, INKAN_STORE_ERROR_FAILED,
                 _("Signature %" PRId64 " is locked by another process."), id);
      goto fail;
    }
  if (!_inkan_store_commit (self, _("reserve the signature"), error))
    goto fail;
  if (self->reservations == NULL)
    self->reservations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_insert (self->reservations, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (fd));
  return id;

fail:
  if (fd >= 0)
    close (fd);
  _inkan_store_rollback (self);
  return 0;
}

/* Completes reservation `r`: done, the request used, the "sign" entry. In the caller's
 * transaction. */
static gboolean
complete_locked (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor_row,
                 const Reservation *r, const char *details, GDateTime *now, GError **error)
{
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanGrant) grant = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *default_details = NULL;

  if ((seal = seal_by (self, r->seal_id, NULL, error)) == NULL
      || (grant = grant_by_id (self, r->grant_id, error)) == NULL
      || !set_signature_state (self, r->id, "done", now, error)
      || (r->request_id != 0
          && !set_request_state (self, r->request_id, INKAN_REQUEST_USED, 0, error)))
    return FALSE;
  objects = signature_objects (r->seal_id, r->grant_id, r->request_id, r->id);
  if (details == NULL)
    details = default_details = use_details (seal, grant, grant->uses);
  return _inkan_store_append_audit (self, ctx, actor_row, "sign", objects, r->document_sha256,
                                    details, now, error);
}

/* Rolls reservation `r` back: the use given back, the request free again, `action`'s entry. */
static gboolean
release_locked (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor_row,
                const Reservation *r, const char *action, const char *details, GDateTime *now,
                GError **error)
{
  g_autofree char *objects = signature_objects (r->seal_id, r->grant_id, r->request_id, r->id);

  return set_signature_state (self, r->id, "rolled-back", now, error)
         && add_use (self, r->grant_id, -1, error)
         && _inkan_store_append_audit (self, ctx, actor_row, action, objects,
                                       r->document_sha256, details, now, error);
}

static gboolean
finish_reservation (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                    gint64 id, gboolean complete, const char *action, const char *details,
                    GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autoptr (Reservation) r = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_actor (actor, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->lock);
  if (self->reservations == NULL || !g_hash_table_contains (self->reservations, &id))
    return invalid (error, INKAN_STORE_ERROR_STATE,
                    _("Signature %" PRId64 " was not reserved through this store."), id);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || (r = reservation_by_id (self, id, error)) == NULL)
    goto fail;
  if (complete ? !complete_locked (self, ctx, actor_row, r, details, now, error)
               : !release_locked (self, ctx, actor_row, r, action, details, now, error))
    goto fail;
  if (!_inkan_store_commit (self, complete ? _("record the signature")
                                           : _("give the signature's use back"), error))
    goto fail;
  unlock_reservation (self, id);
  return TRUE;

fail:
  _inkan_store_rollback (self);
  return FALSE;
}

gboolean
inkan_store_complete_signature (InkanStore *self, const InkanAuditContext *ctx,
                                const InkanUser *actor, gint64 reservation, const char *details,
                                GDateTime *now, GError **error)
{
  return finish_reservation (self, ctx, actor, reservation, TRUE, NULL, details, now, error);
}

gboolean
inkan_store_release_signature (InkanStore *self, const InkanAuditContext *ctx,
                               const InkanUser *actor, gint64 reservation, const char *action,
                               const char *details, GDateTime *now, GError **error)
{
  g_return_val_if_fail (action != NULL, FALSE);
  return finish_reservation (self, ctx, actor, reservation, FALSE, action, details, now, error);
}

/* Is `path` the sealed copy of the document: not what was there at the reservation
 * (`before`), longer than the document, and beginning with its bytes (sealing only appends)? */
static gboolean
is_sealed_copy (const char *path, const char *before, const char *document_sha256,
                gint64 document_size)
{
  g_autofree char *identity = NULL;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (1 << 16);
  struct stat st;
  gint64 left = document_size;
  gboolean ok;
  int fd;

  if (path == NULL || document_size <= 0)
    return FALSE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size <= document_size
      || (before != NULL && strcmp (before, identity = file_identity (&st)) == 0))
    {
      close (fd);
      return FALSE;
    }
  while (left > 0)
    {
      ssize_t n = read (fd, buf, (size_t) MIN (left, 1 << 16));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_checksum_update (sum, buf, n);
      left -= n;
    }
  close (fd);
  ok = left == 0 && strcmp (g_checksum_get_string (sum), document_sha256) == 0;
  return ok;
}

gboolean
inkan_store_recover_signatures (InkanStore *self, const InkanAuditContext *ctx, GDateTime *now,
                                guint *n_completed, guint *n_rolled_back, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) in_flight = NULL;
  g_autoptr (GArray) locks = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 count = 0;
  guint completed = 0, rolled_back = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  /* The common case, nothing in flight, costs one read and takes no write lock. */
  if (!query_int (self, "SELECT count (*) FROM signatures WHERE state = 'signing'", 0, &count,
                  error))
    return FALSE;
  if (count > 0)
    {
      if (!_inkan_store_begin (self, error))
        return FALSE;
      in_flight = list_all (self, "SELECT " RESERVATION_COLUMNS " FROM signatures"
                            " WHERE state = 'signing' ORDER BY id", 0,
                            (gpointer)reservation_from_row, (GDestroyNotify)reservation_free,
                            error);
      if (in_flight == NULL)
        goto out;
      for (guint i = 0; i < in_flight->len; i++)
        {
          const Reservation *r = in_flight->pdata[i];
          g_autoptr (InkanUser) owner = NULL;
          g_autofree char *details = NULL;
          GError *lock_error = NULL;
          int fd;

          /* Ours, or held by a process that is still sealing. */
          if (self->reservations != NULL && g_hash_table_contains (self->reservations, &r->id))
            continue;
          fd = lock_reservation (self, r->id, &lock_error);
          if (fd < 0)
            {
              if (lock_error != NULL)
                {
                  g_propagate_error (error, lock_error);
                  goto out;
                }
              continue;
            }
          g_array_append_val (locks, fd);
          owner = user_by_id (self, r->actor_id, NULL);
          if (is_sealed_copy (r->output, r->output_before, r->document_sha256,
                              r->document_size))
            {
              details = g_strdup_printf ("The sealing into %s by %s ended before it was "
                                         "recorded; the sealed copy is in place, so signature %"
                                         G_GINT64_FORMAT " is recorded now.",
                                         r->output, owner != NULL ? owner->name : "?", r->id);
              if (!complete_locked (self, ctx, owner, r, details, now, error))
                goto out;
              completed++;
            }
          else
            {
              details = g_strdup_printf ("The sealing into %s by %s was interrupted before the "
                                         "sealed copy was in place; signature %" G_GINT64_FORMAT
                                         " is rolled back and the use of grant %" G_GINT64_FORMAT
                                         " given back%s.",
                                         r->output, owner != NULL ? owner->name : "?", r->id,
                                         r->grant_id,
                                         r->request_id != 0 ? "; its request can be used again"
                                                            : "");
              if (!release_locked (self, ctx, NULL, r, "sign.rolled-back", details, now, error))
                goto out;
              rolled_back++;
            }
        }
      if (!_inkan_store_commit (self, _("recover interrupted signatures"), error))
        goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    _inkan_store_rollback (self);
  for (guint i = 0; i < locks->len; i++)
    close (g_array_index (locks, int, i));
  if (ok && n_completed != NULL)
    *n_completed = completed;
  if (ok && n_rolled_back != NULL)
    *n_rolled_back = rolled_back;
  return ok;
}
