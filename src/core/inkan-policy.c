/* Who may use which seal on what: the pure policy, approval statements and their signatures. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <qpdf/qpdf-c.h>

#include "inkan-cms-verify.h"
#include "inkan-cms.h"
#include "inkan-pdf.h"
#include "inkan-policy.h"
#include "inkan-revisions.h"

G_DEFINE_QUARK (inkan-policy-error-quark, inkan_policy_error)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

static const char *const error_codes[] = {
  [INKAN_POLICY_ERROR_NOT_ALLOWED] = "NOT_ALLOWED",
  [INKAN_POLICY_ERROR_SEAL_SUSPENDED] = "SEAL_SUSPENDED",
  [INKAN_POLICY_ERROR_SEAL_RETIRED] = "SEAL_RETIRED",
  [INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID] = "SEAL_NOT_YET_VALID",
  [INKAN_POLICY_ERROR_SEAL_EXPIRED] = "SEAL_EXPIRED",
  [INKAN_POLICY_ERROR_NO_GRANT] = "NO_GRANT",
  [INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID] = "GRANT_NOT_YET_VALID",
  [INKAN_POLICY_ERROR_GRANT_EXPIRED] = "GRANT_EXPIRED",
  [INKAN_POLICY_ERROR_GRANT_REVOKED] = "GRANT_REVOKED",
  [INKAN_POLICY_ERROR_GRANT_USED_UP] = "GRANT_USED_UP",
  [INKAN_POLICY_ERROR_TEMPLATE_MISMATCH] = "TEMPLATE_MISMATCH",
  [INKAN_POLICY_ERROR_APPROVAL_REQUIRED] = "APPROVAL_REQUIRED",
  [INKAN_POLICY_ERROR_REQUEST_MISMATCH] = "REQUEST_MISMATCH",
  [INKAN_POLICY_ERROR_REQUEST_STATE] = "REQUEST_STATE",
  [INKAN_POLICY_ERROR_APPROVAL_INVALID] = "APPROVAL_INVALID",
};

const char *
inkan_policy_error_code (int code)
{
  if (code < 0 || (gsize) code >= G_N_ELEMENTS (error_codes) || error_codes[code] == NULL)
    return "UNKNOWN";
  return error_codes[code];
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* A day alone when the bound is a midnight in UTC (what "--until 2026-11-30" gives), else the
 * minute as well: people read these in messages. */
static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  if (g_date_time_get_hour (utc) == 0 && g_date_time_get_minute (utc) == 0
      && g_date_time_get_second (utc) == 0 && g_date_time_get_microsecond (utc) == 0)
    return g_date_time_format (utc, "%Y-%m-%d");
  return g_date_time_format (utc, "%Y-%m-%d %H:%M UTC");
}

static const char *
seal_name (const InkanSeal *seal)
{
  return seal->name != NULL ? seal->name : "unnamed";
}

static const char *
user_name (const InkanUser *user)
{
  return user != NULL && user->name != NULL ? user->name : "unknown";
}

static const char *
role_name (InkanRoles role)
{
  const char *name = inkan_role_to_string (role);

  return name != NULL ? name : "unknown";
}

static gboolean
hex_equal (const char *a, const char *b)
{
  return a != NULL && b != NULL && *a != '\0' && g_ascii_strcasecmp (a, b) == 0;
}

/* The role a chain step names, 0 when the chain holds a name no Inkan role has. */
static InkanRoles
chain_role (const InkanSeal *seal, guint step)
{
  return inkan_role_from_string (g_ptr_array_index (seal->approval_chain, step));
}

static guint
chain_length (const InkanSeal *seal)
{
  return seal->approval_chain != NULL ? seal->approval_chain->len : 0;
}

/* ---- the seal itself -------------------------------------------------------------------- */

static gboolean
check_seal_certificate (const InkanSeal *seal, GDateTime *now, GError **error)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t datum;
  time_t not_before, not_after;
  gint64 t = g_date_time_to_unix (now);
  int rc;

  if (seal->cert_der == NULL || g_bytes_get_size (seal->cert_der) == 0)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_EXPIRED,
                   _("The %s seal has no certificate; ask an administrator to register the seal "
                   "again with its certificate."), seal_name (seal));
      return FALSE;
    }
  datum.data = (unsigned char *) g_bytes_get_data (seal->cert_der, NULL);
  datum.size = g_bytes_get_size (seal->cert_der);
  if ((rc = gnutls_x509_crt_init (&crt)) < 0
      || (rc = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)) < 0)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_EXPIRED,
                   _("The certificate of the %s seal cannot be read (%s); ask an administrator to "
                   "register the seal again with its certificate."), seal_name (seal),
                   gnutls_strerror (rc));
      return FALSE;
    }
  not_before = gnutls_x509_crt_get_activation_time (crt);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  if (not_before != (time_t) -1 && t < (gint64) not_before)
    {
      g_autoptr (GDateTime) from = g_date_time_new_from_unix_utc (not_before);
      g_autofree char *when = format_time (from);

      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID,
                   _("The certificate of the %s seal is valid only from %s; seal the document "
                   "then, or check the computer's clock."), seal_name (seal), when);
      return FALSE;
    }
  if (not_after != (time_t) -1 && t > (gint64) not_after)
    {
      g_autoptr (GDateTime) until = g_date_time_new_from_unix_utc (not_after);
      g_autofree char *when = format_time (until);

      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_EXPIRED,
                   _("The certificate of the %s seal expired on %s; ask an administrator to renew "
                   "the seal's certificate."), seal_name (seal), when);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_seal (const InkanSeal *seal, GDateTime *now, GError **error)
{
  if (seal->state == INKAN_SEAL_RETIRED)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_RETIRED,
                   _("The %s seal is retired and can no longer be used; use another seal."),
                   seal_name (seal));
      return FALSE;
    }
  if (seal->state != INKAN_SEAL_ACTIVE)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_SUSPENDED,
                   _("The %s seal is suspended; ask an administrator to resume it."),
                   seal_name (seal));
      return FALSE;
    }
  if (seal->valid_from != NULL && g_date_time_compare (now, seal->valid_from) < 0)
    {
      g_autofree char *when = format_time (seal->valid_from);

      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_NOT_YET_VALID,
                   _("The %s seal may be used only from %s; seal the document then."),
                   seal_name (seal), when);
      return FALSE;
    }
  if (seal->valid_until != NULL && g_date_time_compare (now, seal->valid_until) >= 0)
    {
      g_autofree char *when = format_time (seal->valid_until);

      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_SEAL_EXPIRED,
                   _("The %s seal expired on %s; ask an administrator for another seal or to "
                   "extend this one."), seal_name (seal), when);
      return FALSE;
    }
  return check_seal_certificate (seal, now, error);
}

/* ---- grants ----------------------------------------------------------------------------- */

static gboolean
grant_applies (const InkanGrant *grant, const InkanSeal *seal, const InkanUser *actor)
{
  if (grant->seal_id != seal->id)
    return FALSE;
  if (grant->user_id != 0)
    return grant->user_id == actor->id;
  return grant->role != 0 && (actor->roles & grant->role) == grant->role;
}

static const InkanTemplate *
find_template (GPtrArray *templates, gint64 id)
{
  for (guint i = 0; templates != NULL && i < templates->len; i++)
    {
      const InkanTemplate *t = g_ptr_array_index (templates, i);

      if (t->id == id)
        return t;
    }
  return NULL;
}

static gboolean
grant_matches_template (const InkanGrant *grant, const InkanPolicyInput *input)
{
  if (grant->template_ids == NULL || grant->template_ids->len == 0)
    return TRUE;
  for (guint i = 0; i < grant->template_ids->len; i++)
    {
      const InkanTemplate *t
          = find_template (input->templates, g_array_index (grant->template_ids, gint64, i));

      if (t != NULL && hex_equal (t->content_sha256, input->document_template_sha256))
        return TRUE;
    }
  return FALSE;
}

/* Why a grant cannot be used now, or -1 when it can. The order is that of the facts an
 * administrator would fix first: a revoked grant stays revoked whatever its dates. */
static int
grant_status (const InkanGrant *grant, const InkanPolicyInput *input)
{
  if (grant->revoked)
    return INKAN_POLICY_ERROR_GRANT_REVOKED;
  if (grant->until != NULL && g_date_time_compare (input->now, grant->until) >= 0)
    return INKAN_POLICY_ERROR_GRANT_EXPIRED;
  if (grant->from != NULL && g_date_time_compare (input->now, grant->from) < 0)
    return INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID;
  if (grant->max_uses > 0 && grant->uses >= grant->max_uses)
    return INKAN_POLICY_ERROR_GRANT_USED_UP;
  if (!grant_matches_template (grant, input))
    return INKAN_POLICY_ERROR_TEMPLATE_MISMATCH;
  return -1;
}

/* When no grant is live, the refusal speaks of the grant closest to being usable: one the
 * document is wrong for, then one used up, one that starts later, one that ended, and last one
 * an administrator withdrew on purpose. */
static int
status_relevance (int status)
{
  switch (status)
    {
    case INKAN_POLICY_ERROR_TEMPLATE_MISMATCH:
      return 4;
    case INKAN_POLICY_ERROR_GRANT_USED_UP:
      return 3;
    case INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID:
      return 2;
    case INKAN_POLICY_ERROR_GRANT_EXPIRED:
      return 1;
    default:
      return 0;
    }
}

/* Between two grants refused for the same reason: the one starting soonest, the one that ended
 * last, else the lower id, so that the message does not depend on the order of the input. */
static gboolean
more_relevant (const InkanGrant *a, int status_a, const InkanGrant *b, int status_b)
{
  if (status_relevance (status_a) != status_relevance (status_b))
    return status_relevance (status_a) > status_relevance (status_b);
  if (status_a == INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID)
    {
      int c = g_date_time_compare (a->from, b->from);

      if (c != 0)
        return c < 0;
    }
  else if (status_a == INKAN_POLICY_ERROR_GRANT_EXPIRED)
    {
      int c = g_date_time_compare (a->until, b->until);

      if (c != 0)
        return c > 0;
    }
  return a->id < b->id;
}

/* The live grant that ends first is charged, so that the ones lasting longer stay for later. */
static gboolean
ends_before (const InkanGrant *a, const InkanGrant *b)
{
  if (a->until != NULL && b->until == NULL)
    return TRUE;
  if (a->until != NULL && b->until != NULL)
    {
      int c = g_date_time_compare (a->until, b->until);

      if (c != 0)
        return c < 0;
    }
  else if (a->until == NULL && b->until != NULL)
    return FALSE;
  return a->id < b->id;
}

static char *
template_names (const InkanGrant *grant, GPtrArray *templates)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < grant->template_ids->len; i++)
    {
      gint64 id = g_array_index (grant->template_ids, gint64, i);
      const InkanTemplate *t = find_template (templates, id);

      if (names->len > 0)
        g_string_append (names, ", ");
      if (t != NULL && t->name != NULL)
        g_string_append (names, t->name);
      else
        g_string_append_printf (names, "template %" G_GINT64_FORMAT, id);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
set_grant_error (const InkanGrant *grant, int status, const InkanPolicyInput *input,
                 GError **error)
{
  const char *seal = seal_name (input->seal);

  switch (status)
    {
    case INKAN_POLICY_ERROR_GRANT_REVOKED:
      g_set_error (error, INKAN_POLICY_ERROR, status,
                   _("Grant %" PRId64 " for the %s seal was revoked; ask an administrator "
                   "for a new grant."), grant->id, seal);
      break;
    case INKAN_POLICY_ERROR_GRANT_EXPIRED:
      {
        g_autofree char *when = format_time (grant->until);

        g_set_error (error, INKAN_POLICY_ERROR, status,
                     _("Grant %" PRId64 " for the %s seal expired on %s; ask an "
                     "administrator to renew it."), grant->id, seal, when);
      }
      break;
    case INKAN_POLICY_ERROR_GRANT_NOT_YET_VALID:
      {
        g_autofree char *when = format_time (grant->from);

        g_set_error (error, INKAN_POLICY_ERROR, status,
                     _("Grant %" PRId64 " for the %s seal starts on %s; seal the document "
                     "then, or ask an administrator for a grant that starts earlier."), grant->id,
                     seal, when);
      }
      break;
    case INKAN_POLICY_ERROR_GRANT_USED_UP:
      g_set_error (error, INKAN_POLICY_ERROR, status,
                   _("Grant %" PRId64 " for the %s seal has been used %" PRId64
                   " of %" PRId64 " times and has no use left; ask an administrator for "
                   "a new grant."), grant->id, seal, grant->uses, grant->max_uses);
      break;
    case INKAN_POLICY_ERROR_TEMPLATE_MISMATCH:
      {
        g_autofree char *names = template_names (grant, input->templates);

        g_set_error (error, INKAN_POLICY_ERROR, status,
                     _("The document's pages do not match the template%s that grant %"
                     PRId64 " for the %s seal allows (%s); seal a document made from "
                     "one of them, or ask an administrator to add its template to the grant."),
                     grant->template_ids->len > 1 ? "s" : "", grant->id, seal, names);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
pick_grant (const InkanPolicyInput *input, gint64 *grant_id, GError **error)
{
  const InkanGrant *live = NULL, *refused = NULL;
  int refused_status = -1;

  for (guint i = 0; input->grants != NULL && i < input->grants->len; i++)
    {
      const InkanGrant *grant = g_ptr_array_index (input->grants, i);
      int status;

      if (!grant_applies (grant, input->seal, input->actor))
        continue;
      status = grant_status (grant, input);
      if (status < 0)
        {
          if (live == NULL || ends_before (grant, live))
            live = grant;
        }
      else if (refused == NULL || more_relevant (grant, status, refused, refused_status))
        {
          refused = grant;
          refused_status = status;
        }
    }
  if (live != NULL)
    {
      *grant_id = live->id;
      return TRUE;
    }
  if (refused != NULL)
    {
      set_grant_error (refused, refused_status, input, error);
      return FALSE;
    }
  g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NO_GRANT,
               _("User %s has no grant for the %s seal; ask an administrator for one."),
               user_name (input->actor), seal_name (input->seal));
  return FALSE;
}

/* ---- requests and approvals ------------------------------------------------------------- */

static gboolean
check_request_state (const InkanRequest *request, const InkanSeal *seal, gboolean pending_ok,
                     GError **error)
{
  const char *what;

  switch (request->state)
    {
    case INKAN_REQUEST_APPROVED:
      return TRUE;
    case INKAN_REQUEST_PENDING:
      if (pending_ok)
        return TRUE;
      what = _("is still waiting for approval; seal the document once it is approved");
      break;
    case INKAN_REQUEST_REJECTED:
      what = _("was rejected; make a new request if the document still needs the seal");
      break;
    case INKAN_REQUEST_CANCELLED:
      what = _("was cancelled; make a new request if the document still needs the seal");
      break;
    case INKAN_REQUEST_USED:
      what = _("has already been used to seal the document; make a new request to seal it again");
      break;
    default:
      what = _("is in an unknown state; ask an administrator to look at it");
      break;
    }
  g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_STATE,
               _("Request %" PRId64 " for the %s seal %s."), request->id, seal_name (seal),
               what);
  return FALSE;
}

static gboolean
check_request_matches (const InkanPolicyInput *input, GError **error)
{
  const InkanRequest *request = input->request;
  const char *seal = seal_name (input->seal);

  if (request->seal_id != input->seal->id)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_MISMATCH,
                   _("Request %" PRId64 " is for another seal than the %s seal; give the "
                   "request made for this seal."), request->id, seal);
      return FALSE;
    }
  if (request->requester_id != input->actor->id)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_MISMATCH,
                   _("Request %" PRId64 " for the %s seal was made by another user than "
                   "%s; only its requester may use it."), request->id, seal,
                   user_name (input->actor));
      return FALSE;
    }
  if (!hex_equal (request->document_sha256, input->document_sha256))
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_MISMATCH,
                   _("The document is not the one request %" PRId64 " for the %s seal was "
                   "made for (it may have changed since); seal the document that was approved, "
                   "or make a new request for this one."), request->id, seal);
      return FALSE;
    }
  return TRUE;
}

/* "Approval 2 of request 12 " + what is wrong, and what to do unless `format` says it. */
static gboolean
approval_invalid (GError **error, const InkanRequest *request, guint step, const char *format,
                  ...) G_GNUC_PRINTF (4, 5);

static gboolean
approval_invalid (GError **error, const InkanRequest *request, guint step, const char *format,
                  ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
               _("Approval %u of request %" PRId64 " %s%s"), step + 1, request->id, detail,
               g_str_has_suffix (detail, ".") ? ""
               : _("; the approvals cannot be trusted: make a new request and ask an administrator "
                 "to look at the store."));
  return FALSE;
}

static gboolean
check_approvals (const InkanPolicyInput *input, GError **error)
{
  const InkanRequest *request = input->request;
  const InkanSeal *seal = input->seal;
  guint n_chain = chain_length (seal);
  guint n_approvals = input->approvals != NULL ? input->approvals->len : 0;
  guint n_approvers = input->approvers != NULL ? input->approvers->len : 0;

  if (n_approvals < n_chain)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                   _("Request %" PRId64 " for the %s seal has %u of the %u approvals its "
                   "seal needs although it is marked approved; the approvals cannot be trusted: "
                   "make a new request and ask an administrator to look at the store."),
                   request->id, seal_name (seal), n_approvals, n_chain);
      return FALSE;
    }
  if (n_approvals > n_chain)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                   _("Request %" PRId64 " for the %s seal has %u approvals where its seal "
                   "needs %u; the approvals cannot be trusted: make a new request and ask an "
                   "administrator to look at the store."), request->id, seal_name (seal),
                   n_approvals, n_chain);
      return FALSE;
    }
  if (n_approvers != n_approvals)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                   _("The approvers of request %" PRId64 " are not all known; ask an "
                   "administrator to look at the store."), request->id);
      return FALSE;
    }

  for (guint i = 0; i < n_chain; i++)
    {
      const InkanApproval *a = g_ptr_array_index (input->approvals, i);
      const InkanUser *approver = g_ptr_array_index (input->approvers, i);
      InkanRoles role = chain_role (seal, i);
      g_autoptr (GBytes) statement = NULL;
      g_autoptr (GError) local_error = NULL;

      if (a->request_id != request->id)
        return approval_invalid (error, request, i, _("belongs to another request"));
      if (a->step != i)
        return approval_invalid (error, request, i, _("is recorded as step %u of the chain"),
                                 a->step + 1);
      if (role == 0 || a->role != role)
        return approval_invalid (error, request, i, _("is not for the %s role the seal's chain "
                                 "names at that step"), (const char *) g_ptr_array_index (
                                     seal->approval_chain, i));
      if (a->decision != INKAN_DECISION_APPROVE)
        return approval_invalid (error, request, i, _("is not an approval"));
      if (approver == NULL || approver->id != a->approver_id)
        return approval_invalid (error, request, i, _("names an approver who is not known"));
      if ((approver->roles & role) != role)
        return approval_invalid (error, request, i, _("was made by %s, who does not hold the %s "
                                 "role"), user_name (approver), role_name (role));
      if (approver->id == request->requester_id)
        return approval_invalid (error, request, i, _("was made by %s, who made the request "
                                 "(no one approves their own request)"), user_name (approver));
      for (guint j = 0; j < i; j++)
        if (((const InkanUser *) g_ptr_array_index (input->approvers, j))->id == approver->id)
          return approval_invalid (error, request, i, _("was made by %s, who already approved "
                                   "step %u (each step needs another person)"),
                                   user_name (approver), j + 1);
      if (a->time == NULL || a->statement == NULL || a->cms == NULL)
        return approval_invalid (error, request, i, _("by %s is incomplete"),
                                 user_name (approver));

      statement = inkan_approval_statement (request->id, request->document_sha256, seal->name,
                                            a->decision, a->comment, a->time);
      if (!g_bytes_equal (statement, a->statement))
        return approval_invalid (error, request, i, _("by %s does not say what its record says "
                                 "(its request, document, seal, decision, comment or time was "
                                 "changed)"), user_name (approver));
      if (approver->cert_der == NULL)
        return approval_invalid (error, request, i, _("was made by %s, who has no registered "
                                 "certificate to check it with"), user_name (approver));
      if (!inkan_approval_verify (a->cms, a->statement, approver->cert_der, &local_error))
        {
          /* The check's own sentence follows, for whoever investigates. */
          return approval_invalid (error, request, i, _("is not signed by %s's registered "
                                   "certificate; the approvals cannot be trusted: make a new "
                                   "request and ask an administrator to look at the store. %s"),
                                   user_name (approver), local_error->message);
        }
    }
  return TRUE;
}

static gboolean
check_approval_chain (const InkanPolicyInput *input, GError **error)
{
  gboolean needs_approval = chain_length (input->seal) > 0;

  if (input->request == NULL)
    {
      if (!needs_approval)
        return TRUE;
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_REQUIRED,
                   _("The %s seal needs approval before it is used; make a request for this "
                   "document and seal it once the request is approved."),
                   seal_name (input->seal));
      return FALSE;
    }
  /* A request given for a seal that needs none still has to be this one's, so that marking it
   * used does not consume someone else's. */
  if (!check_request_matches (input, error)
      || !check_request_state (input->request, input->seal, !needs_approval, error))
    return FALSE;
  if (!needs_approval)
    return TRUE;
  return check_approvals (input, error);
}

gboolean
inkan_policy_check_sign (const InkanPolicyInput *input, gint64 *grant_id, GError **error)
{
  gint64 id = 0;

  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (input->seal != NULL, FALSE);
  g_return_val_if_fail (input->now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (input->actor == NULL)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("No user is named to use the %s seal; say who you are (--as NAME)."),
                   seal_name (input->seal));
      return FALSE;
    }
  if (!check_seal (input->seal, input->now, error)
      || !pick_grant (input, &id, error)
      || !check_approval_chain (input, error))
    return FALSE;
  if (grant_id != NULL)
    *grant_id = id;
  return TRUE;
}

gboolean
inkan_policy_check_role (const InkanUser *actor, InkanRoles role, const char *act, GError **error)
{
  g_return_val_if_fail (role != 0, FALSE);
  g_return_val_if_fail (act != NULL, FALSE);

  if (actor == NULL)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("No user is named to %s; say who you are (--as NAME)."), act);
      return FALSE;
    }
  if ((actor->roles & role) != role)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("User %s may not %s: that needs the %s role; ask an administrator if you should "
                   "have it."), user_name (actor), act, role_name (role));
      return FALSE;
    }
  return TRUE;
}

gboolean
inkan_policy_check_approver (const InkanUser *actor, const InkanSeal *seal,
                             const InkanRequest *request, GPtrArray *approvals, guint *step,
                             GError **error)
{
  guint n_chain, next = 0;
  InkanRoles role;

  g_return_val_if_fail (seal != NULL, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  if (actor == NULL)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("No user is named to decide on request %" PRId64 "; say who you are "
                   "(--as NAME)."), request->id);
      return FALSE;
    }
  if (request->seal_id != seal->id)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_MISMATCH,
                   _("Request %" PRId64 " is for another seal than the %s seal."),
                   request->id, seal_name (seal));
      return FALSE;
    }
  if (request->state != INKAN_REQUEST_PENDING)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_STATE,
                   _("Request %" PRId64 " for the %s seal is %s, not waiting for a "
                   "decision; there is nothing to approve or reject."), request->id,
                   seal_name (seal), inkan_request_state_to_string (request->state) != NULL
                   ? inkan_request_state_to_string (request->state) : _("in an unknown state"));
      return FALSE;
    }
  n_chain = chain_length (seal);
  if (n_chain == 0)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("The %s seal needs no approval, so request %" PRId64 " has nothing "
                   "to approve; its requester may seal the document."), seal_name (seal),
                   request->id);
      return FALSE;
    }
  /* The powers are kept apart: whoever asks for a seal does not also decide. */
  if (actor->id == request->requester_id)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("User %s made request %" PRId64 " and may not decide on it; another "
                   "approver has to."), user_name (actor), request->id);
      return FALSE;
    }
  for (guint i = 0; approvals != NULL && i < approvals->len; i++)
    {
      const InkanApproval *a = g_ptr_array_index (approvals, i);

      if (a->decision == INKAN_DECISION_APPROVE)
        next++;
      if (a->approver_id == actor->id)
        {
          g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                       _("User %s already decided on request %" PRId64 " (step %u); the "
                       "next step needs another person."), user_name (actor), request->id,
                       a->step + 1);
          return FALSE;
        }
    }
  if (next >= n_chain)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_REQUEST_STATE,
                   _("Request %" PRId64 " for the %s seal already has every approval its "
                   "chain needs; there is nothing left to approve."), request->id,
                   seal_name (seal));
      return FALSE;
    }
  role = chain_role (seal, next);
  if (role == 0 || (actor->roles & role) != role)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_NOT_ALLOWED,
                   _("Step %u of the %s seal's approval chain needs the %s role, which %s does not "
                   "hold; ask someone who holds it to decide on request %" PRId64 "."),
                   next + 1, seal_name (seal),
                   (const char *) g_ptr_array_index (seal->approval_chain, next),
                   user_name (actor), request->id);
      return FALSE;
    }
  if (step != NULL)
    *step = next;
  return TRUE;
}

/* ---- the approval statement and its signature -------------------------------------------- */

static void
append_json_string (GString *out, const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

GBytes *
inkan_approval_statement (gint64 request_id, const char *document_sha256, const char *seal_name,
                          InkanDecision decision, const char *comment, GDateTime *time)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *sha_lower = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  sha_lower = g_ascii_strdown (document_sha256 != NULL ? document_sha256 : "", -1);

  g_string_append_printf (out, "{\"request\":%" G_GINT64_FORMAT ",\"document_sha256\":",
                          request_id);
  append_json_string (out, sha_lower);
  g_string_append (out, ",\"seal\":");
  append_json_string (out, seal_name);
  g_string_append (out, ",\"decision\":");
  append_json_string (out, decision == INKAN_DECISION_APPROVE ? "approve" : "reject");
  g_string_append (out, ",\"comment\":");
  append_json_string (out, comment);
  g_string_append_printf (out, ",\"time\":\"%s.%03dZ\"}", stamp,
                          g_date_time_get_microsecond (utc) / 1000);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
inkan_approval_sign (InkanSigner *signer, GBytes *statement, GError **error)
{
  guint8 digest[INKAN_CMS_DIGEST_LEN];
  gnutls_x509_crt_t *chain;
  guint n_chain = 0;
  int rc;

  g_return_val_if_fail (INKAN_IS_SIGNER (signer), NULL);
  g_return_val_if_fail (statement != NULL, NULL);

  rc = gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (statement, NULL),
                         g_bytes_get_size (statement), digest);
  if (rc < 0)
    {
      g_set_error (error, INKAN_CMS_ERROR, INKAN_CMS_ERROR_FAILED,
                   _("The approval statement could not be digested: %s."), gnutls_strerror (rc));
      return NULL;
    }
  chain = inkan_signer_get_chain (signer, &n_chain);
  return inkan_cms_sign_detached (inkan_signer_get_privkey (signer),
                                  (gnutls_x509_crt_t const *) chain, n_chain, digest, error);
}

gboolean
inkan_approval_verify (GBytes *cms, GBytes *statement, GBytes *cert_der, GError **error)
{
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) local_error = NULL;
  gnutls_x509_crt_t signer;
  guint8 digest[64];
  gnutls_digest_algorithm_t alg;
  int rc;

  g_return_val_if_fail (statement != NULL, FALSE);

  if (cms == NULL || cert_der == NULL)
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                   _("The approval has no signature or no certificate to check it with; the "
                   "approval cannot be trusted."));
      return FALSE;
    }
  sd = inkan_cms_signed_data_parse (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms),
                                    &local_error);
  if (sd == NULL)
    goto invalid;
  alg = inkan_cms_signed_data_get_digest (sd);
  if (gnutls_hash_get_len (alg) > sizeof digest
      || (rc = gnutls_hash_fast (alg, g_bytes_get_data (statement, NULL),
                                 g_bytes_get_size (statement), digest)) < 0)
    {
      g_set_error (&local_error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_UNSUPPORTED,
                   _("The statement could not be digested."));
      goto invalid;
    }
  if (!inkan_cms_signed_data_verify (sd, digest, gnutls_hash_get_len (alg), &local_error))
    goto invalid;
  signer = inkan_cms_signed_data_get_signer (sd);
  if (signer == NULL)
    {
      g_set_error (&local_error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_NO_SIGNER_CERT,
                   _("The signature does not carry its signer's certificate."));
      goto invalid;
    }
  if (!inkan_certificate_is (signer, cert_der))
    {
      g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                   _("The approval is signed with another certificate than the approver's "
                   "registered one; the approval cannot be trusted."));
      return FALSE;
    }
  return TRUE;

invalid:
  /* The CMS module speaks of documents; say what it means for a statement. */
  if (g_error_matches (local_error, INKAN_CMS_VERIFY_ERROR, INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH))
    g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                 _("The approval's signature was made over another statement: its request, "
                 "document, seal, decision, comment or time was changed since it was signed."));
  else
    g_set_error (error, INKAN_POLICY_ERROR, INKAN_POLICY_ERROR_APPROVAL_INVALID,
                 _("The approval's signature does not verify: %s"), local_error->message);
  return FALSE;
}

/* ---- templates ---------------------------------------------------------------------------- */

static qpdf_oh
inherited_key (qpdf_data q, qpdf_oh page, const char *key)
{
  qpdf_oh node = page;

  /* The page tree was read and checked by qpdf; the bound only guards a /Parent loop. */
  for (guint depth = 0; depth < 64 && qpdf_oh_is_dictionary (q, node); depth++)
    {
      if (qpdf_oh_has_key (q, node, key))
        return qpdf_oh_get_key (q, node, key);
      node = qpdf_oh_get_key (q, node, "/Parent");
    }
  return qpdf_oh_new_null (q);
}

/* A box as four numbers in a fixed form, normalised (lower-left first), so that writing the
 * same box another way does not change the digest; "none" when absent or not a box. */
static void
append_box (GString *out, qpdf_data q, qpdf_oh box)
{
  double v[4];

  if (!qpdf_oh_is_array (q, box) || qpdf_oh_get_array_n_items (q, box) != 4)
    {
      g_string_append (out, "none");
      return;
    }
  for (int i = 0; i < 4; i++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, box, i);

      if (!qpdf_oh_is_number (q, item))
        {
          g_string_append (out, "none");
          return;
        }
      v[i] = qpdf_oh_get_numeric_value (q, item);
    }
  g_string_append_printf (out, "%.4f %.4f %.4f %.4f", MIN (v[0], v[2]), MIN (v[1], v[3]),
                          MAX (v[0], v[2]), MAX (v[1], v[3]));
}

/* A page's look depends on its resources too (the images, fonts and form XObjects its content
 * draws): they go in as a canonical form of their values, independent of object numbers, of
 * how numbers or strings are written, of stream compression and of which objects are shared:
 * each indirect object stands for the SHA-256 of its own canonical form, computed once. */
typedef struct
{
  qpdf_data q;
  GChecksum *checksum;
  GHashTable *done;           /* object id → hex digest of its canonical form, "" while open */
} Canon;

static void
canon_text (Canon *c, const char *text)
{
  g_checksum_update (c->checksum, (const guchar *) text, strlen (text));
}

static void
canon_bytes (Canon *c, const guchar *data, gsize len)
{
  g_autofree char *head = g_strdup_printf ("%" G_GSIZE_FORMAT ":", len);

  canon_text (c, head);
  if (len > 0)
    g_checksum_update (c->checksum, data, len);
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean canon_value (Canon *c, qpdf_oh oh, guint depth);

static gboolean
canon_dict (Canon *c, qpdf_oh dict, gboolean skip_filters, guint depth)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  /* qpdf's key iterator is one per handle: gather the keys before going down. */
  qpdf_oh_begin_dict_key_iter (c->q, dict);
  while (qpdf_oh_dict_more_keys (c->q))
    g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (c->q)));
  g_ptr_array_sort (keys, compare_keys);
  canon_text (c, "<<");
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key, "/Length")
          || (skip_filters && (g_str_equal (key, "/Filter") || g_str_equal (key, "/DecodeParms"))))
        continue;
      canon_bytes (c, (const guchar *) key, strlen (key));
      if (!canon_value (c, qpdf_oh_get_key (c->q, dict, key), depth + 1))
        return FALSE;
    }
  canon_text (c, ">>");
  return TRUE;
}

static gboolean
canon_composite (Canon *c, qpdf_oh oh, guint depth)
{
  qpdf_data q = c->q;

  switch (qpdf_oh_get_type_code (q, oh))
    {
    case ot_array:
      {
        int n = qpdf_oh_get_array_n_items (q, oh);

        canon_text (c, "[");
        for (int i = 0; i < n; i++)
          if (!canon_value (c, qpdf_oh_get_array_item (q, oh, i), depth + 1))
            return FALSE;
        canon_text (c, "]");
        return TRUE;
      }
    case ot_dictionary:
      return canon_dict (c, oh, FALSE, depth);
    case ot_stream:
      {
        unsigned char *data = NULL;
        size_t len = 0;
        QPDF_BOOL filtered = QPDF_FALSE;
        gboolean ok;

        /* A stream that decodes only with warnings is damaged: refused, not half-read. */
        if (qpdf_oh_get_stream_data (q, oh, qpdf_dl_generalized, &filtered, &data, &len)
            & (QPDF_ERRORS | QPDF_WARNINGS))
          {
            free (data);
            return FALSE;
          }
        canon_text (c, "S");
        /* A stream decoded is compared by its bytes; one kept encoded (a JPEG) keeps its
         * filter, which is part of what its bytes mean. */
        ok = canon_dict (c, qpdf_oh_get_dict (q, oh), filtered, depth);
        if (ok)
          canon_bytes (c, data, len);
        free (data);
        return ok;
      }
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Scalars are written as they are; arrays, dictionaries and streams as the digest of their
 * canonical form, whether direct or indirect, so that a file that moves a value into an object
 * of its own (or back) is the same. */
static gboolean
canon_value (Canon *c, qpdf_oh oh, guint depth)
{
  qpdf_data q = c->q;
  enum qpdf_object_type_e type = qpdf_oh_get_type_code (q, oh);

  /* Nesting this deep is no resource a page needs; the bound also keeps the stack small. */
  if (depth > 64)
    return FALSE;
  switch (type)
    {
    case ot_boolean:
      canon_text (c, qpdf_oh_get_bool_value (q, oh) ? "T" : "F");
      return TRUE;
    case ot_integer:
    case ot_real:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        canon_text (c, "#");
        canon_text (c, g_ascii_formatd (number, sizeof number, "%.6f",
                                        qpdf_oh_get_numeric_value (q, oh)));
        return TRUE;
      }
    case ot_name:
      canon_text (c, "/");
      canon_bytes (c, (const guchar *) qpdf_oh_get_name (q, oh),
                   strlen (qpdf_oh_get_name (q, oh)));
      return TRUE;
    case ot_string:
      {
        size_t len = 0;
        const char *value = qpdf_oh_get_binary_string_value (q, oh, &len);

        canon_text (c, "(");
        canon_bytes (c, (const guchar *) value, len);
        return TRUE;
      }
    case ot_array:
    case ot_dictionary:
    case ot_stream:
      {
        gboolean indirect = qpdf_oh_is_indirect (q, oh);
        int id = indirect ? qpdf_oh_get_object_id (q, oh) : 0;
        const char *cached = indirect ? g_hash_table_lookup (c->done, GINT_TO_POINTER (id)) : NULL;
        g_autoptr (GChecksum) own = NULL;
        Canon sub = { q, NULL, c->done };

        if (cached != NULL)
          {
            /* "" while the object is being written: a loop (a form XObject among its own
             * resources), written as such. */
            canon_text (c, *cached != '\0' ? "&" : "&loop");
            canon_text (c, cached);
            return TRUE;
          }
        if (indirect)
          g_hash_table_insert (c->done, GINT_TO_POINTER (id), g_strdup (""));
        own = g_checksum_new (G_CHECKSUM_SHA256);
        sub.checksum = own;
        if (!canon_composite (&sub, oh, depth))
          return FALSE;
        if (indirect)
          g_hash_table_insert (c->done, GINT_TO_POINTER (id),
                               g_strdup (g_checksum_get_string (own)));
        canon_text (c, "&");
        canon_text (c, g_checksum_get_string (own));
        return TRUE;
      }
    default:
      canon_text (c, "N");
      return TRUE;
    }
}

static gboolean
qpdf_failed (qpdf_data q, const char *display, GError **error)
{
  if (qpdf_has_error (q) || qpdf_more_warnings (q))
    {
      qpdf_error e = qpdf_has_error (q) ? qpdf_get_error (q) : qpdf_next_warning (q);

      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
                   _("The page contents of %s cannot be read (%s); the file is damaged: ask for "
                   "an undamaged copy."), display, qpdf_get_error_full_text (q, e));
      return TRUE;
    }
  return FALSE;
}

char *
inkan_template_digest (const char *pdf_path, guint *n_pages, GError **error)
{
  g_autoptr (InkanPdf) pdf = NULL;
  g_autoptr (InkanRevisions) revisions = NULL;
  g_autoptr (GChecksum) checksum = NULL;
  g_autoptr (GString) geometry = g_string_new (NULL);
  g_autoptr (GHashTable) done = NULL;
  g_autofree char *display = NULL;
  Canon canon;
  qpdf_data q;
  int count;

  g_return_val_if_fail (pdf_path != NULL, NULL);

  /* inkan_pdf_open refuses what needs repair or is encrypted, with the messages users know;
   * the last revision's qpdf handle then gives the pages. */
  pdf = inkan_pdf_open (pdf_path, error);
  if (pdf == NULL)
    return NULL;
  revisions = inkan_revisions_open (pdf_path, error);
  if (revisions == NULL)
    return NULL;
  q = inkan_revisions_get_qpdf (revisions, inkan_revisions_get_n (revisions) - 1, error);
  if (q == NULL)
    return NULL;
  display = g_filename_display_basename (pdf_path);

  count = qpdf_get_num_pages (q);
  if (count < 0 || qpdf_failed (q, display, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
                     _("The pages of %s cannot be found; the file is damaged: ask for an "
                     "undamaged copy."), display);
      return NULL;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  done = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  canon.q = q;
  canon.checksum = checksum;
  canon.done = done;
  g_string_printf (geometry, "inkan-template-digest 1\npages %d\n", count);
  g_checksum_update (checksum, (const guchar *) geometry->str, geometry->len);
  for (int i = 0; i < count; i++)
    {
      qpdf_oh page = qpdf_get_page_n (q, (size_t) i);
      qpdf_oh media = inherited_key (q, page, "/MediaBox");
      qpdf_oh crop = inherited_key (q, page, "/CropBox");
      qpdf_oh rotate = inherited_key (q, page, "/Rotate");
      qpdf_oh unit = qpdf_oh_get_key (q, page, "/UserUnit");
      unsigned char *content = NULL;
      size_t content_len = 0;
      int degrees = 0;

      /* The crop box defaults to the media box: a file that spells it out is the same page. */
      if (qpdf_oh_is_null (q, crop))
        crop = media;
      if (qpdf_oh_is_integer (q, rotate))
        degrees = ((qpdf_oh_get_int_value_as_int (q, rotate) % 360) + 360) % 360;

      g_string_printf (geometry, "page %d\nmedia ", i + 1);
      append_box (geometry, q, media);
      g_string_append (geometry, "\ncrop ");
      append_box (geometry, q, crop);
      g_string_append_printf (geometry, "\nrotate %d\nunit %.4f\n", degrees,
                              qpdf_oh_is_number (q, unit) ? qpdf_oh_get_numeric_value (q, unit)
                                                          : 1.0);

      qpdf_oh_get_page_content_data (q, page, &content, &content_len);
      if (qpdf_failed (q, display, error))
        {
          free (content);
          return NULL;
        }
      g_string_append_printf (geometry, "contents %" G_GSIZE_FORMAT "\n", (gsize) content_len);
      g_checksum_update (checksum, (const guchar *) geometry->str, geometry->len);
      if (content_len > 0)
        g_checksum_update (checksum, content, content_len);
      free (content);

      g_checksum_update (checksum, (const guchar *) "\nresources ", 11);
      if (!canon_value (&canon, inherited_key (q, page, "/Resources"), 0))
        {
          if (!qpdf_failed (q, display, error))
            g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
                         _("The resources of page %d of %s cannot be read; the file is damaged: "
                         "ask for an undamaged copy."), i + 1, display);
          return NULL;
        }
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }

  if (n_pages != NULL)
    *n_pages = (guint) count;
  return g_strdup (g_checksum_get_string (checksum));
}
