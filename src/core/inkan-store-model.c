/* The store's model structs: their free functions and the names of their enumerations. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-store.h"

/* Kept apart from inkan-store.c so that the policy, the CLI and the tests can use the plain data
 * without the SQLite code. */

static const struct
{
  InkanRoles role;
  const char *name;
} role_names[] = {
  { INKAN_ROLE_ADMIN, "admin" },
  { INKAN_ROLE_APPROVER, "approver" },
  { INKAN_ROLE_CLERK, "clerk" },
  { INKAN_ROLE_AUDITOR, "auditor" },
};

const char *
inkan_role_to_string (InkanRoles role)
{
  for (gsize i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (role_names[i].role == role)
      return role_names[i].name;
  return NULL;
}

InkanRoles
inkan_role_from_string (const char *name)
{
  if (name == NULL)
    return 0;
  for (gsize i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (role_names[i].name, name))
      return role_names[i].role;
  return 0;
}

static const char *const seal_kind_names[] = {
  [INKAN_SEAL_OFFICIAL] = "official",
  [INKAN_SEAL_CONTRACT] = "contract",
  [INKAN_SEAL_FINANCE] = "finance",
  [INKAN_SEAL_LEGAL] = "legal",
  [INKAN_SEAL_PERSONAL] = "personal",
};

const char *
inkan_seal_kind_to_string (InkanSealKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (seal_kind_names))
    return NULL;
  return seal_kind_names[kind];
}

gboolean
inkan_seal_kind_from_string (const char *name, InkanSealKind *kind)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (seal_kind_names); i++)
    if (g_str_equal (seal_kind_names[i], name))
      {
        if (kind != NULL)
          *kind = (InkanSealKind) i;
        return TRUE;
      }
  return FALSE;
}

static const char *const seal_state_names[] = {
  [INKAN_SEAL_ACTIVE] = "active",
  [INKAN_SEAL_SUSPENDED] = "suspended",
  [INKAN_SEAL_RETIRED] = "retired",
};

const char *
inkan_seal_state_to_string (InkanSealState state)
{
  if ((guint) state >= G_N_ELEMENTS (seal_state_names))
    return NULL;
  return seal_state_names[state];
}

static const char *const request_state_names[] = {
  [INKAN_REQUEST_PENDING] = "pending",
  [INKAN_REQUEST_APPROVED] = "approved",
  [INKAN_REQUEST_REJECTED] = "rejected",
  [INKAN_REQUEST_CANCELLED] = "cancelled",
  [INKAN_REQUEST_USED] = "used",
};

const char *
inkan_request_state_to_string (InkanRequestState state)
{
  if ((guint) state >= G_N_ELEMENTS (request_state_names))
    return NULL;
  return request_state_names[state];
}

gboolean
inkan_request_state_from_string (const char *name, InkanRequestState *state)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (request_state_names); i++)
    if (g_str_equal (request_state_names[i], name))
      {
        if (state != NULL)
          *state = (InkanRequestState) i;
        return TRUE;
      }
  return FALSE;
}

void
inkan_user_free (InkanUser *user)
{
  if (user == NULL)
    return;
  g_free (user->name);
  g_clear_pointer (&user->cert_der, g_bytes_unref);
  g_free (user->cert_sha256);
  g_clear_pointer (&user->created, g_date_time_unref);
  g_free (user);
}

void
inkan_seal_free (InkanSeal *seal)
{
  if (seal == NULL)
    return;
  g_free (seal->name);
  g_clear_pointer (&seal->image_png, g_bytes_unref);
  g_clear_pointer (&seal->cert_der, g_bytes_unref);
  g_free (seal->key_url);
  g_clear_pointer (&seal->valid_from, g_date_time_unref);
  g_clear_pointer (&seal->valid_until, g_date_time_unref);
  /* The array owns its role names (made with g_ptr_array_new_with_free_func (g_free)). */
  g_clear_pointer (&seal->approval_chain, g_ptr_array_unref);
  g_clear_pointer (&seal->created, g_date_time_unref);
  g_clear_pointer (&seal->record, g_bytes_unref);
  g_free (seal);
}

void
inkan_template_free (InkanTemplate *template_)
{
  if (template_ == NULL)
    return;
  g_free (template_->name);
  g_free (template_->content_sha256);
  g_free (template_);
}

void
inkan_grant_free (InkanGrant *grant)
{
  if (grant == NULL)
    return;
  g_clear_pointer (&grant->from, g_date_time_unref);
  g_clear_pointer (&grant->until, g_date_time_unref);
  g_clear_pointer (&grant->template_ids, g_array_unref);
  g_free (grant);
}

void
inkan_request_free (InkanRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->document_sha256);
  g_free (request->document_name);
  g_free (request->reason);
  g_clear_pointer (&request->created, g_date_time_unref);
  g_free (request);
}

void
inkan_approval_free (InkanApproval *approval)
{
  if (approval == NULL)
    return;
  g_free (approval->comment);
  g_clear_pointer (&approval->time, g_date_time_unref);
  g_clear_pointer (&approval->statement, g_bytes_unref);
  g_clear_pointer (&approval->cms, g_bytes_unref);
  g_free (approval);
}

void
inkan_audit_context_free (InkanAuditContext *context)
{
  if (context == NULL)
    return;
  g_free (context->host);
  g_free (context->ips);
  g_free (context->device);
  g_free (context);
}

void
inkan_audit_entry_free (InkanAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->time, g_date_time_unref);
  g_free (entry->actor);
  g_free (entry->actor_cert_sha256);
  g_free (entry->action);
  g_free (entry->objects);
  g_free (entry->document_sha256);
  g_free (entry->details);
  g_free (entry->host);
  g_free (entry->ips);
  g_free (entry->device);
  g_free (entry->prev_hash);
  g_free (entry->entry_hash);
  g_free (entry);
}
