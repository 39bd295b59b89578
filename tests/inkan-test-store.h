/* A real seal store for tests, made with inkan-cli: users, seals, grants, requests, approvals. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs `inkan-cli --db DB [--as AS] ARGS… NULL` (without a terminal, INKAN_NOW unset) and
 * returns its exit status; stdout and stderr in `out` and `err` when not NULL. */
int   inkan_test_store_cli (const char *db,
                            char      **out,
                            char      **err,
                            const char *as,
                            ...) G_GNUC_NULL_TERMINATED;

/* A new store in the test temp dir (name: its folder) with the test PKI's users admin,
 * clerk (clerk), manager (approver) and auditor, and two seals with the test seal image and
 * the ECDSA key: "Official" (no approval) and "Contract" (the approver's approval), both
 * granted to the clerk. Returns the database's path. */
char *inkan_test_store_make (const char *name);

/* `as` (clerk) requests `seal` for `pdf` with `reason` (and `page`/`rect` "X,Y,W,H" when not
 * 0/NULL); returns the request's id. */
gint64 inkan_test_store_request (const char *db,
                                 const char *seal,
                                 const char *pdf,
                                 const char *reason,
                                 guint       page,
                                 const char *rect);
/* The manager approves request `id` with their own key. */
void   inkan_test_store_approve (const char *db,
                                 gint64      id);

G_END_DECLS
