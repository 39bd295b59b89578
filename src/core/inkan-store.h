/* The workflow store: users, seals, templates, grants, requests, approvals and the audit trail,
 * in one SQLite file. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define INKAN_STORE_ERROR (inkan_store_error_quark ())

typedef enum
{
  INKAN_STORE_ERROR_FAILED,
  INKAN_STORE_ERROR_OPEN,         /* the file cannot be opened, or is no Inkan store */
  INKAN_STORE_ERROR_SCHEMA,       /* written by a newer Inkan: this one does not know its schema */
  INKAN_STORE_ERROR_NOT_FOUND,    /* no such user, seal, template, grant or request */
  INKAN_STORE_ERROR_EXISTS,       /* the name is taken */
  INKAN_STORE_ERROR_INVALID,      /* an argument the store refuses (empty name, from > until, …) */
  INKAN_STORE_ERROR_STATE,        /* not allowed in the object's state (cancel a used request) */
  INKAN_STORE_ERROR_BUSY,         /* another process held the database past the busy timeout */
  INKAN_STORE_ERROR_FULL,         /* the disk is full */
} InkanStoreError;

GQuark inkan_store_error_quark (void);

/* ---- the model: plain data, owned by the caller, freed with the matching _free ---------- */

typedef enum
{
  INKAN_ROLE_ADMIN = 1 << 0,      /* manages users, seals, templates and grants */
  INKAN_ROLE_APPROVER = 1 << 1,
  INKAN_ROLE_CLERK = 1 << 2,      /* uses seals */
  INKAN_ROLE_AUDITOR = 1 << 3,    /* reads the audit trail, changes nothing */
} InkanRoles;

/* "admin", "approver", "clerk", "auditor"; parse returns 0 for an unknown name. */
const char *inkan_role_to_string (InkanRoles role);
InkanRoles  inkan_role_from_string (const char *name);

typedef struct
{
  gint64 id;
  char *name;
  InkanRoles roles;
  GBytes *cert_der;               /* the user's certificate: it proves their approvals */
  char *cert_sha256;              /* lower-case hex of the DER's SHA-256 */
  GDateTime *created;
} InkanUser;

typedef enum
{
  INKAN_SEAL_OFFICIAL,
  INKAN_SEAL_CONTRACT,
  INKAN_SEAL_FINANCE,
  INKAN_SEAL_LEGAL,
  INKAN_SEAL_PERSONAL,
} InkanSealKind;

typedef enum
{
  INKAN_SEAL_ACTIVE,
  INKAN_SEAL_SUSPENDED,
  INKAN_SEAL_RETIRED,             /* final */
} InkanSealState;

const char   *inkan_seal_kind_to_string (InkanSealKind kind);   /* "official", … */
gboolean      inkan_seal_kind_from_string (const char *name, InkanSealKind *kind);
const char   *inkan_seal_state_to_string (InkanSealState state); /* "active", … */

typedef struct
{
  gint64 id;
  char *name;
  InkanSealKind kind;
  GBytes *image_png;
  GBytes *cert_der;
  char *key_url;                  /* pkcs11: URL of the private key */
  GDateTime *valid_from;          /* NULL: no bound */
  GDateTime *valid_until;         /* NULL: no bound */
  GPtrArray *approval_chain;      /* char *: role names in order ("approver"); empty: none */
  InkanSealState state;
  GDateTime *created;
  GBytes *record;                 /* the seal record signed by its maker (inkan-seal-record.h),
                                   * or NULL: the seal is not bound (made before records were) */
} InkanSeal;

typedef struct
{
  gint64 id;
  char *name;
  char *content_sha256;           /* inkan_template_digest() of the registered PDF */
  guint n_pages;
} InkanTemplate;

typedef struct
{
  gint64 id;
  gint64 seal_id;
  gint64 user_id;                 /* 0 when the grant is to a role */
  InkanRoles role;                /* 0 when the grant is to a user */
  GDateTime *from;                /* NULL: no bound */
  GDateTime *until;               /* NULL: no bound */
  gint64 max_uses;                /* 0: unlimited */
  gint64 uses;                    /* signatures made under this grant */
  GArray *template_ids;           /* gint64; empty: any document */
  gboolean revoked;
} InkanGrant;

typedef enum
{
  INKAN_REQUEST_PENDING,
  INKAN_REQUEST_APPROVED,
  INKAN_REQUEST_REJECTED,
  INKAN_REQUEST_CANCELLED,
  INKAN_REQUEST_USED,
} InkanRequestState;

const char *inkan_request_state_to_string (InkanRequestState state);  /* "pending", … */
gboolean    inkan_request_state_from_string (const char *name, InkanRequestState *state);

typedef struct
{
  gint64 id;
  gint64 seal_id;
  gint64 requester_id;
  char *document_sha256;          /* lower-case hex */
  char *document_name;
  char *reason;
  InkanRequestState state;
  GDateTime *created;
  guint page;                     /* proposed placement: 0 when none */
  double rect[4];                 /* x, y, width, height in points */
} InkanRequest;

typedef enum
{
  INKAN_DECISION_APPROVE,
  INKAN_DECISION_REJECT,
} InkanDecision;

typedef struct
{
  gint64 id;
  gint64 request_id;
  gint64 approver_id;
  InkanRoles role;                /* the chain role this approval fills */
  guint step;                     /* 0-based position in the seal's chain */
  InkanDecision decision;
  char *comment;
  GDateTime *time;
  GBytes *statement;              /* the canonical statement that was signed */
  GBytes *cms;                    /* the approver's detached CMS over it */
} InkanApproval;

void inkan_user_free (InkanUser *user);
void inkan_seal_free (InkanSeal *seal);
void inkan_template_free (InkanTemplate *template_);
void inkan_grant_free (InkanGrant *grant);
void inkan_request_free (InkanRequest *request);
void inkan_approval_free (InkanApproval *approval);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanUser, inkan_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSeal, inkan_seal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTemplate, inkan_template_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanGrant, inkan_grant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanRequest, inkan_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanApproval, inkan_approval_free)

/* ---- the audit trail --------------------------------------------------------------------- */

/* Where an act happened; filled by the caller (inkan_audit_context_new_local() gathers it). */
typedef struct
{
  char *host;                     /* host name */
  char *ips;                      /* the machine's IP addresses, comma-separated */
  char *device;                   /* "Debian GNU/Linux 12; x86_64; machine-id sha256:…" */
} InkanAuditContext;

InkanAuditContext *inkan_audit_context_new_local (void);
void               inkan_audit_context_free (InkanAuditContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanAuditContext, inkan_audit_context_free)

typedef struct
{
  gint64 seq;                     /* 1, 2, 3, … without gaps */
  GDateTime *time;                /* UTC, millisecond precision */
  char *actor;                    /* user name, or NULL for the system */
  char *actor_cert_sha256;
  char *action;                   /* "seal.create", "request.approve", "sign", "sign.refused", … */
  char *objects;                  /* "seal:3 request:12", what the act was about */
  char *document_sha256;          /* or NULL */
  char *details;                  /* a sentence: what happened, or the refusal's reason */
  char *host;
  char *ips;
  char *device;
  char *prev_hash;                /* hex; the previous entry's entry_hash, 64 zeros for the first */
  char *entry_hash;               /* hex SHA-256 over prev_hash and the canonical entry */
} InkanAuditEntry;

void inkan_audit_entry_free (InkanAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanAuditEntry, inkan_audit_entry_free)

/* ---- the store ----------------------------------------------------------------------------- */

#define INKAN_TYPE_STORE (inkan_store_get_type ())
G_DECLARE_FINAL_TYPE (InkanStore, inkan_store, INKAN, STORE, GObject)

/* Opens or creates the store at `path` (WAL, foreign keys, a busy timeout), migrating an older
 * schema forward in one transaction. */
InkanStore *inkan_store_open (const char *path, GError **error);
const char *inkan_store_get_path (InkanStore *self);

/* Every change below runs in one transaction together with its audit entry, or not at all.
 * `actor` is the acting user (NULL only for the first admin on an empty store); `now` is the
 * time of the act (the caller's clock, so that tests can set it). */

gboolean   inkan_store_is_empty (InkanStore *self, GError **error);   /* no user yet */
InkanUser *inkan_store_add_user (InkanStore *self, const InkanAuditContext *ctx,
                                 const InkanUser *actor, const char *name, InkanRoles roles,
                                 GBytes *cert_der, GDateTime *now, GError **error);
InkanUser *inkan_store_get_user (InkanStore *self, const char *name, GError **error);
InkanUser *inkan_store_get_user_by_id (InkanStore *self, gint64 id, GError **error);
GPtrArray *inkan_store_list_users (InkanStore *self, GError **error);        /* InkanUser */

/* `seal` carries everything but id, state and created. */
InkanSeal *inkan_store_create_seal (InkanStore *self, const InkanAuditContext *ctx,
                                    const InkanUser *actor, const InkanSeal *seal, GDateTime *now,
                                    GError **error);
InkanSeal *inkan_store_get_seal (InkanStore *self, const char *name, GError **error);
InkanSeal *inkan_store_get_seal_by_id (InkanStore *self, gint64 id, GError **error);
GPtrArray *inkan_store_list_seals (InkanStore *self, GError **error);        /* InkanSeal */
/* active ⇄ suspended; any → retired (final). */
gboolean   inkan_store_set_seal_state (InkanStore *self, const InkanAuditContext *ctx,
                                       const InkanUser *actor, const char *name,
                                       InkanSealState state, GDateTime *now, GError **error);

/* Stores `record` (inkan_seal_record_make) as the seal's record, replacing any: "seal.rebind" in
 * the trail. The caller has checked the actor's role and made the record with their key. */
gboolean   inkan_store_set_seal_record (InkanStore *self, const InkanAuditContext *ctx,
                                        const InkanUser *actor, const char *name,
                                        GBytes *record, GDateTime *now, GError **error);

InkanTemplate *inkan_store_add_template (InkanStore *self, const InkanAuditContext *ctx,
                                         const InkanUser *actor, const char *name,
                                         const char *content_sha256, guint n_pages,
                                         GDateTime *now, GError **error);
GPtrArray     *inkan_store_list_templates (InkanStore *self, GError **error); /* InkanTemplate */
InkanTemplate *inkan_store_get_template (InkanStore *self, const char *name, GError **error);

/* `grant` carries everything but id, uses and revoked. */
InkanGrant *inkan_store_add_grant (InkanStore *self, const InkanAuditContext *ctx,
                                   const InkanUser *actor, const InkanGrant *grant,
                                   GDateTime *now, GError **error);
GPtrArray  *inkan_store_list_grants (InkanStore *self, gint64 seal_id /* 0: all */,
                                     GError **error);                        /* InkanGrant */
gboolean    inkan_store_revoke_grant (InkanStore *self, const InkanAuditContext *ctx,
                                      const InkanUser *actor, gint64 grant_id, GDateTime *now,
                                      GError **error);

InkanRequest *inkan_store_create_request (InkanStore *self, const InkanAuditContext *ctx,
                                          const InkanUser *actor, const InkanRequest *request,
                                          GDateTime *now, GError **error);
InkanRequest *inkan_store_get_request (InkanStore *self, gint64 id, GError **error);
/* `state` < 0: any; `to_approve_by` not NULL: pending requests whose next chain step is one of
 * that user's roles. Newest first. */
GPtrArray    *inkan_store_list_requests (InkanStore *self, int state,
                                         const InkanUser *to_approve_by, GError **error);
gboolean      inkan_store_cancel_request (InkanStore *self, const InkanAuditContext *ctx,
                                          const InkanUser *actor, gint64 id, GDateTime *now,
                                          GError **error);
/* Records a decision (its statement and CMS made and checked by the caller): an approval moves
 * the request to APPROVED when it completes the chain, a rejection to REJECTED. */
InkanApproval *inkan_store_add_approval (InkanStore *self, const InkanAuditContext *ctx,
                                         const InkanUser *actor, const InkanApproval *approval,
                                         GDateTime *now, GError **error);
/* In step order; `request_id` 0: every request's, by request then step (one query for a list). */
GPtrArray     *inkan_store_list_approvals (InkanStore *self, gint64 request_id,
                                           GError **error);                  /* InkanApproval */

/* A signature made under `grant_id` (and `request_id`, 0 when none): the grant's use count and
 * the request's USED state change with the audit entry, in one transaction. Call it only once
 * the sealed file is durably written. */
gboolean inkan_store_record_signature (InkanStore *self, const InkanAuditContext *ctx,
                                       const InkanUser *actor, gint64 seal_id, gint64 grant_id,
                                       gint64 request_id, const char *document_sha256,
                                       const char *details, GDateTime *now, GError **error);

/* The same in two phases, so that a crash in the middle of sealing leaves the store
 * consistent: the request is either used (and the sealed file exists) or not.
 *
 * inkan_store_reserve_signature(), right after the policy allowed the act, re-checks under
 * the write lock what may have changed since (seal state, grant revoked, window and uses,
 * request state) and reserves the use: it counts against the grant's uses and no other
 * signature can use the request. It returns the reservation's id (0 with an error). The
 * caller then writes the sealed file to `output` atomically and calls
 * inkan_store_complete_signature() (the "sign" entry, the request USED), or, when sealing
 * failed, inkan_store_release_signature() (the use given back, an entry of `action`, e.g.
 * "sign.failed"). `document_size` is the size of the document being sealed.
 *
 * While its process lives, a reservation is locked (an open-file-description lock on
 * "<store>-signing"). One whose process died is resolved when the store is next opened, or
 * by inkan_store_recover_signatures(): completed when `output` exists and is a sealed copy of
 * the document (longer, and beginning with its bytes), rolled back otherwise
 * ("sign.rolled-back"), each in one transaction with its audit entry. */
gint64   inkan_store_reserve_signature (InkanStore *self, const InkanUser *actor, gint64 seal_id,
                                        gint64 grant_id, gint64 request_id,
                                        const char *document_sha256, guint64 document_size,
                                        const char *output, GDateTime *now, GError **error);
gboolean inkan_store_complete_signature (InkanStore *self, const InkanAuditContext *ctx,
                                         const InkanUser *actor, gint64 reservation,
                                         const char *details, GDateTime *now, GError **error);
gboolean inkan_store_release_signature (InkanStore *self, const InkanAuditContext *ctx,
                                        const InkanUser *actor, gint64 reservation,
                                        const char *action, const char *details,
                                        GDateTime *now, GError **error);
gboolean inkan_store_recover_signatures (InkanStore *self, const InkanAuditContext *ctx,
                                         GDateTime *now, guint *n_completed,
                                         guint *n_rolled_back, GError **error);

/* An act refused or otherwise worth recording that changes nothing else (a refusal's reason
 * code and sentence go in `action` and `details`). */
gboolean inkan_store_audit (InkanStore *self, const InkanAuditContext *ctx, const InkanUser *actor,
                            const char *action, const char *objects, const char *document_sha256,
                            const char *details, GDateTime *now, GError **error);

GPtrArray *inkan_store_list_audit (InkanStore *self, GDateTime *since /* NULL: all */,
                                   GError **error);                          /* InkanAuditEntry */
/* Walks the chain: TRUE when every entry's hash is right and links to the one before, with no
 * gap in `seq`; otherwise FALSE with `*first_bad` set to the first broken entry's seq (or the
 * missing one) and `*why` to a sentence. */
gboolean inkan_store_verify_audit (InkanStore *self, gint64 *first_bad, char **why,
                                   guint64 *n_entries, GError **error);

G_END_DECLS
