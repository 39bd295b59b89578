/* The store's audit trail: where an act happened, the hash chain, its append and its check. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-store-private.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/utsname.h>

/* ---- the context ---- */

static char *
local_ips (void)
{
  struct ifaddrs *list = NULL;
  g_autoptr (GPtrArray) ips = g_ptr_array_new_with_free_func (g_free);

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      char text[INET6_ADDRSTRLEN] = "";
      const void *addr;
      int family;

      if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_LOOPBACK))
        continue;
      family = ifa->ifa_addr->sa_family;
      if (family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr;
      else if (family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr;
      else
        continue;
      if (inet_ntop (family, addr, text, sizeof text) == NULL)
        continue;
      if (!g_ptr_array_find_with_equal_func (ips, text, g_str_equal, NULL))
        g_ptr_array_add (ips, g_strdup (text));
    }
  freeifaddrs (list);
  if (ips->len == 0)
    return NULL;
  g_ptr_array_add (ips, NULL);
  return g_strjoinv (",", (char **)ips->pdata);
}

/* The machine id names this installation for good: only its digest goes in the trail, so the
 * trail can tell machines apart without handing out the id itself. */
static char *
machine_id_sha256 (void)
{
  static const char *const paths[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (paths[i], &contents, NULL, NULL))
        {
          g_strstrip (contents);
          if (*contents != '\0')
            return _inkan_store_sha256_hex (contents, strlen (contents));
        }
    }
  return NULL;
}

InkanAuditContext *
inkan_audit_context_new_local (void)
{
  InkanAuditContext *ctx = g_new0 (InkanAuditContext, 1);
  g_autofree char *os = g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);
  g_autofree char *machine_id = machine_id_sha256 ();
  struct utsname uts;

  ctx->host = g_strdup (g_get_host_name ());
  ctx->ips = local_ips ();
  if (uname (&uts) != 0)
    g_strlcpy (uts.machine, "unknown architecture", sizeof uts.machine);
  ctx->device = g_strdup_printf ("%s; %s; machine-id %s%s", os ? os : "unknown system",
                                 uts.machine, machine_id ? "sha256:" : "unknown",
                                 machine_id ? machine_id : "");
  return ctx;
}

/* ---- the chain ---- */

/* An entry's hashed fields as stored, text exactly as in the database. */
typedef struct
{
  gint64 seq;
  const char *fields[10]; /* time, actor, actor_cert_sha256, action, objects, document_sha256,
                           * details, host, ips, device; NULL for SQL NULL */
  gsize lengths[10];
} CanonicalEntry;

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The canonical encoding, version 1 (changing it means a new tag and a migration):
 *
 *   entry_hash = lower-case hex of SHA-256 (prev_hash || canonical)
 *   prev_hash  = the 64 ASCII hex characters of the previous entry's entry_hash, as stored;
 *                64 '0' characters for seq 1
 *   canonical  = "inkan-audit-1" 0x00, then 11 fields in this order: seq, time, actor,
 *                actor_cert_sha256, action, objects, document_sha256, details, host, ips,
 *                device; each field is 0x00 when NULL, else 0x01, its length in bytes as a
 *                4-byte big-endian unsigned integer, and its UTF-8 bytes. seq is written in
 *                decimal ASCII, time as 'YYYY-MM-DDTHH:MM:SS.mmmZ' (UTC).
 *
 * Length prefixes make the encoding injective (no field can spill into the next), seq inside
 * the hash makes a reordering visible even when the rows' contents are swapped whole, and the
 * previous hash makes a deletion or insertion visible at the next entry. */
static void
canonical_hash (const char *prev_hash, const CanonicalEntry *entry, char out[65])
{
  g_autoptr (GByteArray) bytes = g_byte_array_sized_new (512);
  char seq[32];
  gsize seq_length = g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, entry->seq);
  g_autofree char *hex = NULL;

  g_byte_array_append (bytes, (const guint8 *)prev_hash, strlen (prev_hash));
  g_byte_array_append (bytes, (const guint8 *)"inkan-audit-1", sizeof "inkan-audit-1");
  for (int i = -1; i < 10; i++)
    {
      const char *field = i < 0 ? seq : entry->fields[i];
      gsize length = i < 0 ? seq_length : entry->lengths[i];
      guint8 header[5] = { 1, length >> 24, length >> 16, length >> 8, length };

      if (field == NULL)
        {
          g_byte_array_append (bytes, header, 1);
          bytes->data[bytes->len - 1] = 0;
          continue;
        }
      g_byte_array_append (bytes, header, 5);
      g_byte_array_append (bytes, (const guint8 *)field, length);
    }
  hex = _inkan_store_sha256_hex (bytes->data, bytes->len);
  memcpy (out, hex, 65);
}

static void
canonical_set (CanonicalEntry *entry, int index, const char *text)
{
  entry->fields[index] = text;
  entry->lengths[index] = text ? strlen (text) : 0;
}

static gboolean
check_text (const char *text, const char *what, GError **error)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
                   _("The %s of an audit entry must be UTF-8 text; give it as such."), what);
      return FALSE;
    }
  return TRUE;
}

gboolean
_inkan_store_append_audit (InkanStore *self, const InkanAuditContext *ctx,
                           const InkanUser *actor, const char *action, const char *objects,
                           const char *document_sha256, const char *details, GDateTime *now,
                           GError **error)
{
  g_autoptr (sqlite3_stmt) last = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autofree char *time = _inkan_store_format_time (now);
  g_autofree char *prev_hash = NULL;
  CanonicalEntry entry = { 0 };
  char entry_hash[65];
  int rc;

  if (action == NULL || *action == '\0')
    {
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
                   _("An audit entry needs an action; name what happened."));
      return FALSE;
    }
  if (!check_text (action, _("action"), error) || !check_text (objects, _("objects"), error)
      || !check_text (details, _("details"), error)
      || (ctx != NULL
          && (!check_text (ctx->host, _("host name"), error)
              || !check_text (ctx->ips, _("address list"), error)
              || !check_text (ctx->device, _("device"), error))))
    return FALSE;

  /* After the newest entries were deleted, the next seq still follows the highest ever used:
   * the gap stays visible instead of being filled by the next act. */
  last = _inkan_store_prepare (self,
                               "SELECT max (coalesce ((SELECT max (seq) FROM audit), 0),"
                               "            coalesce ((SELECT seq FROM sqlite_sequence"
                               "                       WHERE name = 'audit'), 0)),"
                               " (SELECT entry_hash FROM audit ORDER BY seq DESC LIMIT 1)",
                               error);
  if (last == NULL)
    return FALSE;
  rc = sqlite3_step (last);
  if (rc != SQLITE_ROW)
    return _inkan_store_sqlite_error (self, rc, _("read the audit trail"), error);
  entry.seq = sqlite3_column_int64 (last, 0) + 1;
  prev_hash = _inkan_store_column_text (last, 1);
  if (prev_hash == NULL)
    prev_hash = g_strdup (ZERO_HASH);

  canonical_set (&entry, 0, time);
  canonical_set (&entry, 1, actor ? actor->name : NULL);
  canonical_set (&entry, 2, actor ? actor->cert_sha256 : NULL);
  canonical_set (&entry, 3, action);
  canonical_set (&entry, 4, objects);
  canonical_set (&entry, 5, document_sha256);
  canonical_set (&entry, 6, details);
  canonical_set (&entry, 7, ctx ? ctx->host : NULL);
  canonical_set (&entry, 8, ctx ? ctx->ips : NULL);
  canonical_set (&entry, 9, ctx ? ctx->device : NULL);
  canonical_hash (prev_hash, &entry, entry_hash);

  insert = _inkan_store_prepare (self,
                                 "INSERT INTO audit (seq, time, actor, actor_cert_sha256, action,"
                                 " objects, document_sha256, details, host, ips, device,"
                                 " prev_hash, entry_hash)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_int64 (insert, 1, entry.seq);
  for (int i = 0; i < 10; i++)
    _inkan_store_bind_text (insert, 2 + i, entry.fields[i]);
  sqlite3_bind_text (insert, 12, prev_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 13, entry_hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (insert);
  if (rc != SQLITE_DONE)
    return _inkan_store_sqlite_error (self, rc, _("write the audit entry"), error);
  return TRUE;
}

gboolean
inkan_store_audit (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                   const char *action, const char *objects, const char *document_sha256,
                   const char *details, GDateTime *now, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (InkanUser) actor_row = NULL;
  g_autofree char *digest = NULL;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (document_sha256 != NULL)
    {
      gboolean hex = strlen (document_sha256) == 64;
      for (const char *p = document_sha256; hex && *p; p++)
        hex = g_ascii_isxdigit (*p);
      if (!hex)
        {
          g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
                       _("An audit entry names its document by SHA-256, as 64 hexadecimal "
                       "digits; give the digest."));
          return FALSE;
        }
      digest = g_ascii_strdown (document_sha256, -1);
    }

  locker = g_mutex_locker_new (&self->lock);
  if (!_inkan_store_begin (self, error))
    return FALSE;
  if (!_inkan_store_reload_actor (self, actor, &actor_row, error)
      || !_inkan_store_append_audit (self, ctx, actor_row, action, objects, digest, details, now,
                                     error)
      || !_inkan_store_commit (self, _("write the audit entry"), error))
    {
      _inkan_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

#define AUDIT_COLUMNS                                                                       \
  "seq, time, actor, actor_cert_sha256, action, objects, document_sha256, details, host, ips," \
  " device, prev_hash, entry_hash"

GPtrArray *
inkan_store_list_audit (InkanStore *self, GDateTime *since, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (
      (GDestroyNotify)inkan_audit_entry_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (INKAN_IS_STORE (self), NULL);
  locker = g_mutex_locker_new (&self->lock);
  stmt = _inkan_store_prepare (self,
                               "SELECT " AUDIT_COLUMNS " FROM audit"
                               " WHERE ?1 IS NULL OR time >= ?1 ORDER BY seq",
                               error);
  if (stmt == NULL)
    return NULL;
  _inkan_store_bind_time (stmt, 1, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (InkanAuditEntry) entry = g_new0 (InkanAuditEntry, 1);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->time = _inkan_store_parse_time ((const char *)sqlite3_column_text (stmt, 1));
      if (entry->time == NULL)
        {
          g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_INVALID,
                       _("Audit entry %" PRId64 " has a malformed time, so it was edited "
                       "outside Inkan; verify the audit trail."),
                       entry->seq);
          return NULL;
        }
      entry->actor = _inkan_store_column_text (stmt, 2);
      entry->actor_cert_sha256 = _inkan_store_column_text (stmt, 3);
      entry->action = _inkan_store_column_text (stmt, 4);
      entry->objects = _inkan_store_column_text (stmt, 5);
      entry->document_sha256 = _inkan_store_column_text (stmt, 6);
      entry->details = _inkan_store_column_text (stmt, 7);
      entry->host = _inkan_store_column_text (stmt, 8);
      entry->ips = _inkan_store_column_text (stmt, 9);
      entry->device = _inkan_store_column_text (stmt, 10);
      entry->prev_hash = _inkan_store_column_text (stmt, 11);
      entry->entry_hash = _inkan_store_column_text (stmt, 12);
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }
  if (rc != SQLITE_DONE)
    {
      _inkan_store_sqlite_error (self, rc, _("read the audit trail"), error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/* The highest seq the table ever had, which SQLite keeps in sqlite_sequence (AUTOINCREMENT)
 * even when the last rows are deleted: -1 when it has none. */
static gboolean
highest_seq_ever (InkanStore *self, gint64 *seq, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = _inkan_store_prepare (self, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _inkan_store_sqlite_error (self, rc, _("read the audit trail"), error);
  *seq = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  return TRUE;
}

static gboolean
verify_rows (InkanStore *self, gint64 *first_bad, char **why, guint64 *n_entries,
             GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char prev_hash[65] = ZERO_HASH;
  gint64 expected = 1, highest = -1;
  gboolean broken = FALSE;
  int rc;

  stmt = _inkan_store_prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CanonicalEntry entry = { 0 };
      const char *stored_prev, *stored_hash;
      char hash[65];

      (*n_entries)++;
      if (broken)
        continue;
      entry.seq = sqlite3_column_int64 (stmt, 0);
      for (int i = 0; i < 10; i++)
        {
          /* Text as stored, whatever its type: an edit that stores a number or a blob must
           * still be hashed as the bytes it is. */
          entry.fields[i] = (const char *)sqlite3_column_text (stmt, 1 + i);
          entry.lengths[i] = sqlite3_column_bytes (stmt, 1 + i);
        }
      stored_prev = (const char *)sqlite3_column_text (stmt, 11);
      stored_hash = (const char *)sqlite3_column_text (stmt, 12);
      broken = TRUE;
      if (entry.seq > expected)
        {
          *first_bad = expected;
          *why = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail is missing: "
                                  "entry %" G_GINT64_FORMAT " comes after entry %"
                                  G_GINT64_FORMAT ". Entries were deleted outside Inkan; "
                                  "restore the store from a backup and find out who did it.",
                                  expected, entry.seq, expected - 1);
        }
      else if (entry.seq < expected)
        {
          *first_bad = entry.seq;
          *why = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail should not "
                                  "exist: the trail starts at entry 1. It was inserted outside "
                                  "Inkan; restore the store from a backup and find out who "
                                  "did it.",
                                  entry.seq);
        }
      else if (g_strcmp0 (stored_prev, prev_hash) != 0)
        {
          *first_bad = entry.seq;
          *why = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail does not "
                                  "follow the entry before it: entries were inserted, deleted "
                                  "or reordered outside Inkan. Restore the store from a backup "
                                  "and find out who did it.",
                                  entry.seq);
        }
      else
        {
          canonical_hash (prev_hash, &entry, hash);
          if (g_strcmp0 (stored_hash, hash) != 0)
            {
              *first_bad = entry.seq;
              *why = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail was "
                                      "changed after it was written: its contents do not match "
                                      "its hash. Restore the store from a backup and find out "
                                      "who did it.",
                                      entry.seq);
            }
          else
            {
              broken = FALSE;
              memcpy (prev_hash, hash, sizeof hash);
              expected++;
            }
        }
    }
  if (rc != SQLITE_DONE)
    return _inkan_store_sqlite_error (self, rc, _("read the audit trail"), error);
  if (!broken && !highest_seq_ever (self, &highest, error))
    return FALSE;
  /* Deleting the newest entries leaves a chain that is whole but shorter than it was. */
  if (!broken && highest >= expected)
    {
      *first_bad = expected;
      *why = g_strdup_printf ("Entry %" G_GINT64_FORMAT " of the audit trail is missing: the "
                              "trail ends at entry %" G_GINT64_FORMAT " but once reached entry %"
                              G_GINT64_FORMAT ". Entries were deleted outside Inkan; restore "
                              "the store from a backup and find out who did it.",
                              expected, expected - 1, highest);
      broken = TRUE;
    }
  return !broken;
}

gboolean
inkan_store_verify_audit (InkanStore *self, gint64 *first_bad, char **why, guint64 *n_entries,
                          GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *local_why = NULL;
  gint64 local_first_bad = 0;
  guint64 local_n = 0;
  gboolean ok;

  g_return_val_if_fail (INKAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  /* One read snapshot: a writer appending meanwhile must not look like a broken link. */
  if (sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return _inkan_store_sqlite_error (self, sqlite3_errcode (self->db), _("read the audit trail"),
                                      error);
  ok = verify_rows (self, &local_first_bad, &local_why, &local_n, &local_error);
  _inkan_store_rollback (self);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (first_bad != NULL)
    *first_bad = ok ? 0 : local_first_bad;
  if (why != NULL)
    *why = g_steal_pointer (&local_why);
  if (n_entries != NULL)
    *n_entries = local_n;
  return ok;
}
