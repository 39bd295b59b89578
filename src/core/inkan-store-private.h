/* What inkan-store.c and inkan-store-audit.c share, and the hooks tests use. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-store.h"

#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _InkanStore
{
  GObject parent_instance;
  sqlite3 *db;
  char *path;
  /* One connection serves every thread: a transaction must not interleave with another's. */
  GMutex lock;
  /* Signatures reserved through this store and not finished: gint64 id → fd holding the
   * reservation's lock. */
  GHashTable *reservations;
};

/* ---- opening and migrations (inkan-store.c) ---- */

/* migrations[v - 1] takes the schema from version v - 1 to v; the store is at n_migrations
 * after opening. Tests pass their own list to exercise the runner on newer versions. */
InkanStore *_inkan_store_open_full (const char *path, const char *const *migrations,
                                    guint n_migrations, GError **error);
extern const char *const _inkan_store_migrations[];
extern const guint _inkan_store_n_migrations;

/* For tests: the connection itself (to simulate a full disk with max_page_count), and a
 * shorter busy timeout than the default 5 s. */
sqlite3 *_inkan_store_get_db (InkanStore *self);
void     _inkan_store_set_busy_timeout (InkanStore *self, int milliseconds);

/* ---- helpers shared by both files ---- */

/* Sets `error` from SQLite's state after `rc` while `doing` ("save the seal"): FULL, BUSY,
 * EXISTS, INVALID, OPEN or FAILED, with SQLite's own message kept. Returns FALSE. */
gboolean _inkan_store_sqlite_error (InkanStore *self, int rc, const char *doing,
                                    GError **error);
sqlite3_stmt *_inkan_store_prepare (InkanStore *self, const char *sql, GError **error);

/* 'YYYY-MM-DDTHH:MM:SS.mmmZ', UTC, milliseconds truncated: compares as text in time order. */
char      *_inkan_store_format_time (GDateTime *time);
GDateTime *_inkan_store_parse_time (const char *text);
char      *_inkan_store_sha256_hex (const void *data, gsize size);

void _inkan_store_bind_text (sqlite3_stmt *stmt, int index, const char *text);
void _inkan_store_bind_time (sqlite3_stmt *stmt, int index, GDateTime *time);
char *_inkan_store_column_text (sqlite3_stmt *stmt, int index);

/* ---- the audit trail (inkan-store-audit.c) ---- */

/* Appends one entry inside the caller's transaction. `actor` must already be the registered
 * user (re-read inside the transaction), or NULL for the system. */
gboolean _inkan_store_append_audit (InkanStore *self, const InkanAuditContext *ctx,
                                    const InkanUser *actor, const char *action,
                                    const char *objects, const char *document_sha256,
                                    const char *details, GDateTime *now, GError **error);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK on the store's connection (the lock must be held). */
gboolean _inkan_store_begin (InkanStore *self, GError **error);
gboolean _inkan_store_commit (InkanStore *self, const char *doing, GError **error);
void     _inkan_store_rollback (InkanStore *self);

/* The registered user behind `actor` (by id), read inside the transaction, so that the audit
 * names the user and certificate the store knows rather than what the caller claims. NULL with
 * NOT_FOUND when it is gone; `*out` NULL when `actor` is NULL. */
gboolean _inkan_store_reload_actor (InkanStore *self, const InkanUser *actor, InkanUser **out,
                                    GError **error);

G_END_DECLS
