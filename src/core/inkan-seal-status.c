/* Each seal's availability for one user and document, decided by the policy function. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "inkan-pdf.h"
#include "inkan-policy.h"
#include "inkan-seal-status.h"
#include "inkan-sealing.h"

const char *
inkan_seal_availability_to_string (InkanSealAvailability availability)
{
  switch (availability)
    {
    case INKAN_AVAILABILITY_USABLE:
      return "usable";
    case INKAN_AVAILABILITY_NEEDS_APPROVAL:
      return "needs-approval";
    case INKAN_AVAILABILITY_EXPIRED:
      return "expired";
    case INKAN_AVAILABILITY_SUSPENDED:
      return "suspended";
    case INKAN_AVAILABILITY_NOT_GRANTED:
    default:
      return "not-granted";
    }
}

void
inkan_seal_status_free (InkanSealStatus *status)
{
  if (status == NULL)
    return;
  g_clear_pointer (&status->seal, inkan_seal_free);
  g_clear_pointer (&status->request, inkan_request_free);
  g_free (status->reason);
  g_free (status);
}

static GDateTime *
truncate_to_ms (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_add (utc, -(GTimeSpan) (g_date_time_get_microsecond (utc) % 1000));
}

GDateTime *
inkan_clock_now (GError **error)
{
  const char *env = g_getenv ("INKAN_NOW");
  g_autoptr (GTimeZone) utc = NULL;
  g_autoptr (GDateTime) time = NULL;

  if (env == NULL || *env == '\0')
    time = g_date_time_new_now_utc ();
  else
    {
      utc = g_time_zone_new_utc ();
      time = g_date_time_new_from_iso8601 (env, utc);
      if (time == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("INKAN_NOW is set to “%s”, which is not an RFC 3339 time; set it like "
                         "2026-11-30T10:00:00Z or unset it."), env);
          return NULL;
        }
    }
  return truncate_to_ms (time);
}

static InkanSealAvailability
availability_of (int code)
{
  switch (code)
    {
    case INKAN_POLICY_ERROR_APPROVAL_REQUIRED:
      return INKAN_AVAILABILITY_NEEDS_APPROVAL;
    case INKAN_POLICY_ERROR_SEAL_EXPIRED:
    case INKAN_POLICY_ERROR_GRANT_EXPIRED:
    case INKAN_POLICY_ERROR_GRANT_USED_UP:
      return INKAN_AVAILABILITY_EXPIRED;
    case INKAN_POLICY_ERROR_SEAL_SUSPENDED:
    case INKAN_POLICY_ERROR_SEAL_RETIRED:
      return INKAN_AVAILABILITY_SUSPENDED;
    default:
      return INKAN_AVAILABILITY_NOT_GRANTED;
    }
}

static gboolean
grants_name_templates (GPtrArray *grants)
{
  for (guint i = 0; i < grants->len; i++)
    {
      const InkanGrant *grant = g_ptr_array_index (grants, i);

      if (grant->template_ids != NULL && grant->template_ids->len > 0)
        return TRUE;
    }
  return FALSE;
}

/* Everything about one document the policy reads, computed once for all seals. */
typedef struct
{
  const char *path;
  char *sha256;
  char *template_sha256;    /* computed when a grant first needs it */
  GError *template_error;
  GPtrArray *templates;
  GPtrArray *requests;      /* the user's requests for this document, newest first */
} DocumentFacts;

static void
document_facts_clear (DocumentFacts *facts)
{
  g_free (facts->sha256);
  g_free (facts->template_sha256);
  g_clear_error (&facts->template_error);
  g_clear_pointer (&facts->templates, g_ptr_array_unref);
  g_clear_pointer (&facts->requests, g_ptr_array_unref);
}

/* The policy's answer for `seal` with `request` (NULL: none), into `status`. TRUE when the
 * store could be read (the answer may still be a refusal). */
static gboolean
ask_policy (InkanStore      *store,
            const InkanUser *user,
            const InkanSeal *seal,
            GPtrArray       *grants,
            DocumentFacts   *facts,
            const InkanRequest *request,
            GDateTime       *now,
            gint64          *grant_id,
            GError         **refusal,
            GError         **error)
{
  g_autoptr (GPtrArray) approvals = NULL;
  g_autoptr (GPtrArray) approvers = g_ptr_array_new_with_free_func (
    (GDestroyNotify) inkan_user_free);
  InkanPolicyInput input = { 0 };

  if (request != NULL)
    {
      approvals = inkan_store_list_approvals (store, request->id, error);
      if (approvals == NULL)
        return FALSE;
      for (guint i = 0; i < approvals->len; i++)
        {
          const InkanApproval *approval = g_ptr_array_index (approvals, i);
          InkanUser *approver = inkan_store_get_user_by_id (store, approval->approver_id, error);

          if (approver == NULL)
            return FALSE;
          g_ptr_array_add (approvers, approver);
        }
    }
  else
    approvals = g_ptr_array_new ();

  input.actor = user;
  input.seal = seal;
  input.grants = grants;
  input.document_sha256 = facts->sha256;
  input.document_template_sha256 = facts->template_sha256;
  input.templates = facts->templates;
  input.request = request;
  input.approvals = approvals;
  input.approvers = approvers;
  input.now = now;
  inkan_policy_check_sign (&input, grant_id, refusal);
  return TRUE;
}

static InkanSealStatus *
seal_status (InkanStore      *store,
             const InkanUser *user,
             InkanSeal       *seal,
             DocumentFacts   *facts,
             GDateTime       *now,
             GError         **error)
{
  g_autoptr (InkanSealStatus) status = g_new0 (InkanSealStatus, 1);
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (GError) refusal = NULL;
  gint64 grant_id = 0;

  status->seal = seal;
  status->reason_code = -1;

  if (!inkan_policy_check_role (user, INKAN_ROLE_CLERK, "use seals", &refusal))
    {
      status->availability = INKAN_AVAILABILITY_NOT_GRANTED;
      status->reason_code = refusal->code;
      status->reason = g_strdup (refusal->message);
      return g_steal_pointer (&status);
    }

  grants = inkan_store_list_grants (store, seal->id, error);
  if (grants == NULL)
    return NULL;
  if (grants_name_templates (grants) && facts->template_sha256 == NULL
      && facts->template_error == NULL)
    {
      g_autoptr (GPtrArray) all = inkan_store_list_templates (store, error);

      if (all == NULL)
        return NULL;
      g_clear_pointer (&facts->templates, g_ptr_array_unref);
      facts->templates = g_steal_pointer (&all);
      facts->template_sha256 = inkan_template_digest (facts->path, NULL, &facts->template_error);
    }
  if (grants_name_templates (grants) && facts->template_error != NULL)
    {
      /* A document whose pages cannot be read matches no template: say why. */
      status->availability = INKAN_AVAILABILITY_NOT_GRANTED;
      status->reason_code = INKAN_POLICY_ERROR_TEMPLATE_MISMATCH;
      status->reason = g_strdup (facts->template_error->message);
      return g_steal_pointer (&status);
    }

  if (!ask_policy (store, user, seal, grants, facts, NULL, now, &grant_id, &refusal, error))
    return NULL;
  if (refusal == NULL)
    {
      status->availability = INKAN_AVAILABILITY_USABLE;
      status->grant_id = grant_id;
      return g_steal_pointer (&status);
    }
  status->availability = availability_of (refusal->code);
  status->reason_code = refusal->code;
  status->reason = g_strdup (refusal->message);
  if (refusal->code != INKAN_POLICY_ERROR_APPROVAL_REQUIRED)
    return g_steal_pointer (&status);

  /* Needs approval: the user's own request for this seal and document decides, newest first.
   * An approved one that the policy accepts makes the seal usable under it; a pending one is
   * being waited for. */
  for (guint i = 0; i < facts->requests->len; i++)
    {
      InkanRequest *request = g_ptr_array_index (facts->requests, i);
      g_autoptr (GError) with_request = NULL;

      if (request->seal_id != seal->id)
        continue;
      if (request->state == INKAN_REQUEST_APPROVED)
        {
          if (!ask_policy (store, user, seal, grants, facts, request, now, &grant_id,
                           &with_request, error))
            return NULL;
          g_clear_pointer (&status->request, inkan_request_free);
          status->request = g_ptr_array_steal_index (facts->requests, i);
          g_clear_pointer (&status->reason, g_free);
          if (with_request == NULL)
            {
              status->availability = INKAN_AVAILABILITY_USABLE;
              status->reason_code = -1;
              status->grant_id = grant_id;
              status->reason = g_strdup_printf (
                _("Request %" PRId64 " was approved: the seal goes where it was "
                  "placed in the request."), request->id);
            }
          else
            {
              status->availability = availability_of (with_request->code);
              status->reason_code = with_request->code;
              status->reason = g_strdup (with_request->message);
            }
          return g_steal_pointer (&status);
        }
      if (request->state == INKAN_REQUEST_PENDING)
        {
          status->request = g_ptr_array_steal_index (facts->requests, i);
          g_clear_pointer (&status->reason, g_free);
          status->reason = g_strdup_printf (
            _("Request %" PRId64 " for this document is waiting for approval."),
            status->request->id);
          return g_steal_pointer (&status);
        }
    }
  return g_steal_pointer (&status);
}

GPtrArray *
inkan_seal_status_list (InkanStore      *store,
                        const InkanUser *user,
                        const char      *document_path,
                        GDateTime       *now,
                        GError         **error)
{
  g_autoptr (GPtrArray) seals = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GPtrArray) result = g_ptr_array_new_with_free_func (
    (GDestroyNotify) inkan_seal_status_free);
  DocumentFacts facts = { .path = document_path };
  gboolean ok = TRUE;

  g_return_val_if_fail (INKAN_IS_STORE (store), NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (document_path != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  seals = inkan_store_list_seals (store, error);
  if (seals == NULL)
    return NULL;
  facts.sha256 = inkan_file_sha256 (document_path, error);
  if (facts.sha256 == NULL)
    return NULL;
  requests = inkan_store_list_requests (store, -1, NULL, error);
  if (requests == NULL)
    {
      document_facts_clear (&facts);
      return NULL;
    }
  facts.requests = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_request_free);
  for (guint i = 0; i < requests->len; i++)
    {
      InkanRequest *request = g_ptr_array_index (requests, i);

      if (request->requester_id == user->id
          && g_strcmp0 (request->document_sha256, facts.sha256) == 0)
        g_ptr_array_add (facts.requests, g_ptr_array_steal_index (requests, i--));
    }

  for (guint i = 0; ok && i < seals->len; i++)
    {
      InkanSeal *seal = g_ptr_array_index (seals, i);
      InkanSealStatus *status;

      if (seal->state == INKAN_SEAL_RETIRED)
        continue;
      status = seal_status (store, user, g_ptr_array_steal_index (seals, i--), &facts, now,
                            error);
      if (status == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (result, status);
    }
  document_facts_clear (&facts);
  return ok ? g_steal_pointer (&result) : NULL;
}

typedef struct
{
  char *store_path;
  char *user_name;
  char *document_path;
  GDateTime *now;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data->document_path);
  g_clear_pointer (&data->now, g_date_time_unref);
  g_free (data);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ListData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) user = NULL;
  g_autoptr (GDateTime) now = NULL;
  GPtrArray *result;
  GError *error = NULL;

  now = data->now != NULL ? g_date_time_ref (data->now) : inkan_clock_now (&error);
  if (now == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  store = inkan_store_open (data->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  user = inkan_store_get_user (store, data->user_name, &error);
  if (user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  result = inkan_seal_status_list (store, user, data->document_path, now, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
inkan_seal_status_list_async (const char          *store_path,
                              const char          *user_name,
                              const char          *document_path,
                              GDateTime           *now,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ListData *data;

  g_return_if_fail (store_path != NULL);
  g_return_if_fail (user_name != NULL);
  g_return_if_fail (document_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, inkan_seal_status_list_async);
  g_task_set_return_on_cancel (task, TRUE);
  data = g_new0 (ListData, 1);
  data->store_path = g_strdup (store_path);
  data->user_name = g_strdup (user_name);
  data->document_path = g_strdup (document_path);
  data->now = now != NULL ? g_date_time_ref (now) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
inkan_seal_status_list_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
