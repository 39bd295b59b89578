/* Deciding on a seal-use request as an approver, signed with the approver's own token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-approving.h"

#include <glib/gi18n-lib.h>

#include "inkan-policy.h"
#include "inkan-sealing.h"

G_DEFINE_QUARK (inkan-approving-error-quark, inkan_approving_error)

static char *
fixed_pin (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  return g_strdup (user_data);
}

/* Records the refusal in the trail, then hands the error on. */
static InkanApproval *
refuse (const InkanApprovingOptions *o, const InkanAuditContext *ctx, GDateTime *now,
        const char *objects, const char *document_sha256, GError *local, GError **error)
{
  const char *verb = o->decision == INKAN_DECISION_APPROVE ? "approve" : "reject";
  g_autofree char *action = g_strdup_printf ("request.%s.refused", verb);
  const char *code = local->domain == INKAN_APPROVING_ERROR ? "WRONG_KEY"
                                                            : inkan_sealing_reason_code (local);
  g_autofree char *details = g_strdup_printf ("%s: %s", code, local->message);
  g_autoptr (GError) audit_error = NULL;

  if (!inkan_store_audit (o->store, ctx, o->actor, action, objects, document_sha256, details,
                          now, &audit_error))
    g_warning ("The refusal could not be recorded in the audit trail: %s", audit_error->message);
  g_propagate_error (error, local);
  return NULL;
}

/* The trail and the statements are to the millisecond. */
static GDateTime *
now_ms (GDateTime *given)
{
  g_autoptr (GDateTime) utc = given != NULL ? g_date_time_to_utc (given)
                                            : g_date_time_new_now_utc ();
  int us = g_date_time_get_microsecond (utc);

  return g_date_time_add (utc, -(us % 1000));
}

InkanApproval *
inkan_approving_run (const InkanApprovingOptions *o, guint *n_steps, GError **error)
{
  g_autoptr (InkanAuditContext) local_ctx = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  g_autoptr (InkanSigner) signer = NULL;
  g_autoptr (GBytes) token_der = NULL;
  g_autoptr (GBytes) statement = NULL;
  g_autoptr (GBytes) cms = NULL;
  g_autofree char *objects = NULL;
  const InkanAuditContext *ctx = o->audit;
  const char *comment = o->comment != NULL ? o->comment : "";
  InkanApproval approval = { 0 };
  InkanApproval *recorded;
  GError *local = NULL;
  guint step = 0;

  g_return_val_if_fail (o != NULL && o->store != NULL && o->actor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (o->decision == INKAN_DECISION_REJECT && *comment == '\0')
    {
      g_set_error (error, INKAN_APPROVING_ERROR, INKAN_APPROVING_ERROR_NO_COMMENT,
                   _("Say why you reject the request: a rejection needs a comment."));
      return NULL;
    }
  if (ctx == NULL)
    ctx = local_ctx = inkan_audit_context_new_local ();
  now = now_ms (o->now);

  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT, o->request_id);
  request = inkan_store_get_request (o->store, o->request_id, &local);
  if (request == NULL)
    return refuse (o, ctx, now, objects, NULL, local, error);
  g_free (objects);
  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT " seal:%" G_GINT64_FORMAT,
                             o->request_id, request->seal_id);
  seal = inkan_store_get_seal_by_id (o->store, request->seal_id, error);
  if (seal == NULL)
    return NULL;
  approvals = inkan_store_list_approvals (o->store, o->request_id, error);
  if (approvals == NULL)
    return NULL;
  if (!inkan_policy_check_approver (o->actor, seal, request, approvals, &step, &local))
    return refuse (o, ctx, now, objects, request->document_sha256, local, error);

  if (o->signer != NULL)
    signer = g_object_ref (o->signer);
  else if (o->pin_func != NULL)
    signer = inkan_signer_open (o->key_url, NULL, o->pin_func, o->pin_data, error);
  else
    signer = inkan_signer_open (o->key_url, NULL, o->pin != NULL ? fixed_pin : NULL,
                                (gpointer) o->pin, error);
  if (signer == NULL)
    return NULL;
  token_der = inkan_certificate_to_der (inkan_signer_get_certificate (signer), error);
  if (token_der == NULL)
    return NULL;
  /* An approval is worth only what the registered certificate proves: signing with any other
   * key would make a statement that sealing refuses later, so refuse it now. */
  if (o->actor->cert_der == NULL || !g_bytes_equal (token_der, o->actor->cert_der))
    {
      g_set_error (&local, INKAN_APPROVING_ERROR, INKAN_APPROVING_ERROR_WRONG_KEY,
                   _("The key you gave belongs to “%s”, not to the certificate registered for "
                     "%s; use your own key, or ask an administrator to register your "
                     "certificate."), inkan_signer_get_subject (signer), o->actor->name);
      return refuse (o, ctx, now, objects, request->document_sha256, local, error);
    }

  statement = inkan_approval_statement (o->request_id, request->document_sha256, seal->name,
                                        o->decision, comment, now);
  cms = inkan_approval_sign (signer, statement, error);
  if (cms == NULL)
    return NULL;
  approval.request_id = o->request_id;
  approval.approver_id = o->actor->id;
  approval.role = inkan_role_from_string (g_ptr_array_index (seal->approval_chain, step));
  approval.step = step;
  approval.decision = o->decision;
  approval.comment = (char *) comment;
  approval.time = now;
  approval.statement = statement;
  approval.cms = cms;
  recorded = inkan_store_add_approval (o->store, ctx, o->actor, &approval, now, error);
  if (recorded != NULL && n_steps != NULL)
    *n_steps = seal->approval_chain->len;
  return recorded;
}

char *
inkan_approving_find_key (const InkanUser *user, GError **error)
{
  g_autoptr (GPtrArray) certs = NULL;

  g_return_val_if_fail (user != NULL, NULL);

  if (user->cert_der != NULL)
    {
      certs = inkan_token_list_certs (NULL, NULL, NULL, error);
      if (certs == NULL)
        return NULL;
      for (guint i = 0; i < certs->len; i++)
        {
          const InkanTokenCert *cert = certs->pdata[i];
          gnutls_x509_crt_t crt = NULL;
          g_autoptr (GBytes) der = NULL;

          if (cert->key_url == NULL || gnutls_x509_crt_init (&crt) < 0)
            continue;
          if (gnutls_x509_crt_import_url (crt, cert->cert_url, 0) >= 0)
            der = inkan_certificate_to_der (crt, NULL);
          gnutls_x509_crt_deinit (crt);
          if (der != NULL && g_bytes_equal (der, user->cert_der))
            return g_strdup (cert->key_url);
        }
    }
  g_set_error (error, INKAN_APPROVING_ERROR, INKAN_APPROVING_ERROR_NO_KEY,
               _("No token present holds the certificate registered for %s: plug in your token, "
                 "or ask an administrator to register the certificate it holds."), user->name);
  return NULL;
}
