/* The audit evidence bundle: the entries as JSON and a human-readable PDF report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-store.h"

G_BEGIN_DECLS

#define INKAN_AUDIT_EXPORT_ERROR (inkan_audit_export_error_quark ())

typedef enum
{
  INKAN_AUDIT_EXPORT_ERROR_FAILED,
  INKAN_AUDIT_EXPORT_ERROR_WRITE,   /* the directory or a file in it cannot be written */
} InkanAuditExportError;

GQuark inkan_audit_export_error_quark (void);

typedef struct
{
  const char *subject;        /* what the bundle is about: "request 12", "document 3f…" */
  GPtrArray *entries;         /* InkanAuditEntry: the entries about the subject, in order */
  GPtrArray *users;           /* InkanUser: the people, for names, roles and fingerprints; or
                               * NULL */
  /* The result of inkan_store_verify_audit() over the whole trail. */
  gboolean chain_intact;
  gint64 first_bad;           /* when not intact */
  const char *why;            /* when not intact */
  guint64 n_entries;          /* entries in the whole trail */
  GDateTime *now;             /* when the bundle is made */
} InkanAuditExport;

/* The bundle as JSON: {"subject", "generated", "verification": {"intact", "entries",
 * "first_bad", "why"}, "entries": [{"seq", "time", "actor", "actor_cert_sha256", "action",
 * "objects", "document_sha256", "details", "host", "ips", "device", "prev_hash",
 * "entry_hash"}]}. */
char *inkan_audit_export_to_json (const InkanAuditExport *bundle);

/* Writes DIR/audit.json and DIR/audit-report.pdf (timeline, people, document hashes and the
 * verification result), creating DIR when needed. Each file is written atomically. */
gboolean inkan_audit_export_write (const InkanAuditExport *bundle, const char *dir,
                                   GError **error);

G_END_DECLS
