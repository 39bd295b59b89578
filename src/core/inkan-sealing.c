/* Sealing a document under the store's policy: role, grants, request, approvals, evidence, the
 * signature itself, and its record in the store and the audit trail. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-sealing.h"

#include "inkan-evidence.h"
#include "inkan-policy.h"
#include "inkan-seal-record.h"
#include "inkan-sign.h"

#include <errno.h>
#include <signal.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static char *
hash_file (const char *path, guint64 *size, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (1 << 16);
  FILE *f;
  size_t n;

  g_return_val_if_fail (path != NULL, NULL);

  f = fopen (path, "rbe");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                   _("The document %s cannot be opened: %s. Check the path."), path,
                   g_strerror (saved));
      return NULL;
    }
  *size = 0;
  while ((n = fread (buf, 1, 1 << 16, f)) > 0)
    {
      g_checksum_update (sum, buf, (gssize) n);
      *size += n;
    }
  if (ferror (f))
    {
      fclose (f);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_NOT_FOUND,
                   _("The document %s could not be read to the end. Check the disk and try "
                     "again."), path);
      return NULL;
    }
  fclose (f);
  return g_strdup (g_checksum_get_string (sum));
}

char *
inkan_file_sha256 (const char *path, GError **error)
{
  guint64 size = 0;

  return hash_file (path, &size, error);
}

const char *
inkan_sealing_reason_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, "FAILED");

  if (error->domain == INKAN_POLICY_ERROR)
    return inkan_policy_error_code (error->code);
  if (error->domain == INKAN_STORE_ERROR && error->code == INKAN_STORE_ERROR_NOT_FOUND)
    return "NOT_FOUND";
  if (error->domain == INKAN_SEAL_RECORD_ERROR)
    switch (error->code)
      {
      case INKAN_SEAL_RECORD_ERROR_EXPIRED:
        return "SEAL_RECORD_EXPIRED";
      case INKAN_SEAL_RECORD_ERROR_NOT_YET_VALID:
        return "SEAL_RECORD_NOT_YET_VALID";
      default:
        return "SEAL_RECORD_INVALID";
      }
  return "FAILED";
}

/* A bound seal is used only with a record that still holds: signed by its maker's registered
 * certificate, for the seal's own picture and certificate, and in force now. A seal without a
 * record (made before records were) is used as before, and its sealings carry none. */
static gboolean
check_seal_record (InkanStore *store, const InkanSeal *seal, GDateTime *now, GError **error)
{
  g_autoptr (InkanSealRecord) record = inkan_seal_record_parse (seal->record, error);
  g_autoptr (InkanUser) maker = NULL;

  if (record == NULL)
    {
      g_prefix_error (error, _("The record of seal “%s” is damaged; ask an administrator to "
                               "rebind it. "), seal->name);
      return FALSE;
    }
  maker = inkan_store_get_user (store, record->maker, NULL);
  if (maker == NULL || maker->cert_der == NULL)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_WRONG_MAKER,
                   _("The maker of seal “%s”, %s, is no longer in the store; ask an "
                     "administrator to rebind the seal."), seal->name, record->maker);
      return FALSE;
    }
  if (!inkan_seal_record_check_for_seal (seal->record, seal, maker->cert_der, now, error))
    {
      if (g_error_matches (*error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_EXPIRED)
          || g_error_matches (*error, INKAN_SEAL_RECORD_ERROR,
                              INKAN_SEAL_RECORD_ERROR_NOT_YET_VALID))
        {
          g_autofree char *why = g_strdup ((*error)->message);

          g_free ((*error)->message);
          (*error)->message = g_strdup_printf (_("Sealing was refused: %s Its seal record, "
                                                 "signed by its maker, says so whatever the "
                                                 "store says; ask an administrator for another "
                                                 "seal."), why);
        }
      return FALSE;
    }
  return TRUE;
}

/* The run's state, so that refusals and failures are recorded the same way everywhere. */
typedef struct
{
  const InkanSealingOptions *o;
  const InkanAuditContext *audit;
  GDateTime *now;
  char *objects;                  /* "seal:3 request:12", what the act is about */
  char *sha;                      /* of the input */
  guint64 size;                   /* of the input */
  gint64 reservation;             /* the signature's reservation, 0 before it is made */
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->now, g_date_time_unref);
  g_clear_pointer (&run->objects, g_free);
  g_clear_pointer (&run->sha, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Records a refusal ("sign.refused", its reason code, then the sentence) and keeps the error.
 * Should the trail refuse the entry, the error says so too. */
static gboolean
refuse (Run *run, GError **error, GError *refusal)
{
  g_autofree char *details = g_strdup_printf ("%s: %s", inkan_sealing_reason_code (refusal),
                                              refusal->message);
  g_autoptr (GError) audit_error = NULL;

  if (!inkan_store_audit (run->o->store, run->audit, run->o->actor, "sign.refused", run->objects,
                          run->sha, details, run->now, &audit_error))
    g_prefix_error (&refusal, _("The refusal below could not be recorded in the audit trail "
                                "(%s): "), audit_error->message);
  g_propagate_error (error, refusal);
  return FALSE;
}

/* Records a failure after the policy allowed the act ("sign.failed" and why), giving the
 * reserved use back in the same transaction. Should the store refuse that, the reservation is
 * left to recovery, which rolls it back since no sealed copy exists. */
static gboolean
fail (Run *run, GError **error, GError *failure, const char *what)
{
  g_autofree char *why = what != NULL ? g_strdup_printf ("%s: %s", what, failure->message)
                                      : g_strdup (failure->message);

  if (run->reservation != 0)
    inkan_store_release_signature (run->o->store, run->audit, run->o->actor, run->reservation,
                                   "sign.failed", why, run->now, NULL);
  else
    inkan_store_audit (run->o->store, run->audit, run->o->actor, "sign.failed", run->objects,
                       run->sha, why, run->now, NULL);
  g_propagate_error (error, failure);
  return FALSE;
}

static gboolean
grants_name_templates (GPtrArray *grants)
{
  for (guint i = 0; i < grants->len; i++)
    {
      const InkanGrant *g = grants->pdata[i];
      if (g->template_ids != NULL && g->template_ids->len > 0)
        return TRUE;
    }
  return FALSE;
}

/* The seal's image and certificate go to the signer as files, in a private directory. */
static void
remove_workdir (char *dir)
{
  const char *names[] = { "seal.png", "seal-cert.der" };

  if (dir == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
  g_free (dir);
}

typedef char WorkDir;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WorkDir, remove_workdir)

/* A PIN given as text answers the same every time, as a PIN file does; the token layer never
 * sends a refused PIN twice. */
static char *
fixed_pin (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  return g_strdup (user_data);
}

/* INKAN_TEST_CRASH_AT=POINT: the process dies there as under kill -9 (no exit handlers, no
 * flush, the store left as it is), so that tests can check what a crash leaves behind. Read
 * at each point, from the environment only. */
static void
crash_point (const char *point)
{
  const char *at = g_getenv ("INKAN_TEST_CRASH_AT");

  if (at != NULL && strcmp (at, point) == 0)
    raise (SIGKILL);
}

void
inkan_sealing_check_clear (InkanSealingCheck *check)
{
  g_clear_pointer (&check->grants, g_ptr_array_unref);
  g_clear_pointer (&check->templates, g_ptr_array_unref);
  g_clear_pointer (&check->template_sha256, g_free);
  g_clear_pointer (&check->approvals, g_ptr_array_unref);
  g_clear_pointer (&check->approvers, g_ptr_array_unref);
}

gboolean
inkan_sealing_check (InkanStore *store, const InkanUser *actor, const InkanSeal *seal,
                     const InkanRequest *request, const char *document,
                     const char *document_sha256, GDateTime *now, InkanSealingCheck *check,
                     GError **refusal, GError **error)
{
  InkanPolicyInput input = { 0 };

  g_return_val_if_fail (INKAN_IS_STORE (store), FALSE);
  g_return_val_if_fail (actor != NULL && seal != NULL && check != NULL, FALSE);

  /* Everything the policy reads, gathered from the store. */
  check->grants = inkan_store_list_grants (store, seal->id, error);
  if (check->grants == NULL)
    return FALSE;
  check->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_template_free);
  if (grants_name_templates (check->grants))
    {
      g_autoptr (GPtrArray) all = inkan_store_list_templates (store, error);

      if (all == NULL)
        return FALSE;
      g_ptr_array_set_free_func (all, NULL);
      g_ptr_array_extend_and_steal (check->templates, g_steal_pointer (&all));
      check->template_sha256 = inkan_template_digest (document, NULL, error);
      if (check->template_sha256 == NULL)
        return FALSE;
    }
  check->approvers = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_user_free);
  if (request != NULL)
    {
      check->approvals = inkan_store_list_approvals (store, request->id, error);
      if (check->approvals == NULL)
        return FALSE;
      for (guint i = 0; i < check->approvals->len; i++)
        {
          const InkanApproval *a = check->approvals->pdata[i];
          InkanUser *u = inkan_store_get_user_by_id (store, a->approver_id, error);

          if (u == NULL)
            return FALSE;
          g_ptr_array_add (check->approvers, u);
        }
    }
  else
    check->approvals = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_approval_free);

  input.actor = actor;
  input.seal = seal;
  input.grants = check->grants;
  input.document_sha256 = document_sha256;
  input.document_template_sha256 = check->template_sha256;
  input.templates = check->templates;
  input.request = request;
  input.approvals = check->approvals;
  input.approvers = check->approvers;
  input.now = now;
  if (inkan_policy_check_sign (&input, &check->grant_id, refusal) && seal->record != NULL)
    check_seal_record (store, seal, now, refusal);
  return TRUE;
}

static GDateTime *
now_ms (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add (now, -(GTimeSpan) (g_date_time_get_microsecond (now) % 1000));
}

gboolean
inkan_sealing_run (const InkanSealingOptions *o, InkanSealingResult *result, GError **error)
{
  g_auto (Run) run = { 0 };
  g_autoptr (InkanAuditContext) local_audit = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanRequest) request = NULL;
  g_auto (InkanSealingCheck) check = { 0 };
  g_autoptr (InkanSigner) signer = NULL;
  g_autoptr (GBytes) evidence = NULL;
  g_autoptr (WorkDir) workdir = NULL;
  g_autofree char *image_path = NULL, *cert_path = NULL;
  g_autofree char *details = NULL, *code = NULL;
  g_autofree char *untimestamped = NULL;
  InkanSignOptions options = { 0 };
  GError *local = NULL;
  gint64 grant_id = 0;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (INKAN_IS_STORE (o->store), FALSE);
  g_return_val_if_fail (o->actor != NULL, FALSE);
  g_return_val_if_fail (o->seal_name != NULL && o->input != NULL && o->output != NULL, FALSE);
  g_return_val_if_fail (o->request_id >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  run.o = o;
  run.audit = o->audit;
  if (run.audit == NULL)
    run.audit = local_audit = inkan_audit_context_new_local ();
  run.now = o->now != NULL ? g_date_time_ref (o->now) : now_ms ();

  run.sha = hash_file (o->input, &run.size, error);
  if (run.sha == NULL)
    return FALSE;
  run.objects = o->request_id > 0
                  ? g_strdup_printf ("seal:%s request:%" G_GINT64_FORMAT, o->seal_name,
                                     o->request_id)
                  : g_strdup_printf ("seal:%s", o->seal_name);
  if (!inkan_policy_check_role (o->actor, INKAN_ROLE_CLERK, _("use seals"), &local))
    return refuse (&run, error, local);
  seal = inkan_store_get_seal (o->store, o->seal_name, &local);
  if (seal == NULL)
    return refuse (&run, error, local);
  g_free (run.objects);
  run.objects = o->request_id > 0
                  ? g_strdup_printf ("seal:%" G_GINT64_FORMAT " request:%" G_GINT64_FORMAT,
                                     seal->id, o->request_id)
                  : g_strdup_printf ("seal:%" G_GINT64_FORMAT, seal->id);

  if (o->request_id > 0)
    {
      request = inkan_store_get_request (o->store, o->request_id, &local);
      if (request == NULL)
        return refuse (&run, error, local);
    }
  if (!inkan_sealing_check (o->store, o->actor, seal, request, o->input, run.sha, run.now, &check,
                            &local, error))
    return FALSE;
  if (local != NULL)
    return refuse (&run, error, local);
  grant_id = check.grant_id;

  /* The use is reserved before anything is written: it counts against the grant, and the
   * request is held, until the sealed copy is in place (then recorded) or sealing failed (then
   * given back). A crash in between is resolved when the store is next opened. */
  crash_point ("before-reserve");
  run.reservation = inkan_store_reserve_signature (o->store, o->actor, seal->id, grant_id,
                                                   o->request_id, run.sha, run.size, o->output,
                                                   run.now, &local);
  if (run.reservation == 0)
    return refuse (&run, error, local);
  crash_point ("after-reserve");

  /* The signer checks that the token's key is the registered certificate's. */
  workdir = g_dir_make_tmp ("inkan-sign-XXXXXX", &local);
  if (workdir == NULL)
    return fail (&run, error, local, NULL);
  image_path = g_build_filename (workdir, "seal.png", NULL);
  cert_path = g_build_filename (workdir, "seal-cert.der", NULL);
  if (!g_file_set_contents (image_path, g_bytes_get_data (seal->image_png, NULL),
                            (gssize) g_bytes_get_size (seal->image_png), &local)
      || !g_file_set_contents (cert_path, g_bytes_get_data (seal->cert_der, NULL),
                               (gssize) g_bytes_get_size (seal->cert_der), &local))
    return fail (&run, error, local, NULL);
  if (o->pin_func != NULL)
    signer = inkan_signer_open (seal->key_url, cert_path, o->pin_func, o->pin_data, &local);
  else
    signer = inkan_signer_open (seal->key_url, cert_path, o->pin != NULL ? fixed_pin : NULL,
                                (gpointer) o->pin, &local);
  if (signer == NULL)
    return fail (&run, error, local, _("The seal's key could not be opened"));

  /* The request and its signed approvals travel inside the sealed increment, so that a
   * recipient can check offline who approved. */
  if (request != NULL)
    {
      g_autoptr (InkanUser) requester = inkan_store_get_user_by_id (o->store,
                                                                   request->requester_id, NULL);

      evidence = inkan_evidence_build (request, seal, requester, check.approvals,
                                       check.approvers, &local);
      if (evidence == NULL)
        return fail (&run, error, local, NULL);
    }

  options.input = o->input;
  options.output = o->output;
  options.signer = signer;
  options.image = image_path;
  options.field = o->field;
  options.location = o->location;
  options.time = run.now;
  options.evidence = evidence;
  options.seal_record = seal->record;
  options.reason = o->reason != NULL ? o->reason : request != NULL ? request->reason : NULL;
  if (o->has_rect)
    {
      options.has_rect = TRUE;
      options.rect = o->rect;
      options.page = o->page;
    }
  else if (request != NULL && request->page > 0)
    {
      options.has_rect = TRUE;
      options.page = o->page > 0 ? o->page : request->page;
      options.rect = (InkanRect){ request->rect[0], request->rect[1], request->rect[2],
                                  request->rect[3] };
    }
  else
    options.page = o->page;
  options.tsa = o->tsa;
  options.qr = o->qr;
  options.watermark = o->watermark;
  options.riding = o->riding;
  options.riding_pages = o->riding_pages;
  options.n_riding_pages = o->n_riding_pages;
  options.verification_code = &code;
  if (o->riding)
    options.page = 0;
  if (!inkan_sign_pdf (&options, &local))
    {
      if (!(o->tsa_optional && g_error_matches (local, INKAN_TSA_ERROR,
                                                INKAN_TSA_ERROR_UNREACHABLE)))
        return fail (&run, error, local, _("Sealing failed"));
      /* Asked for: a seal without a timestamp rather than none. */
      untimestamped = g_strdup (local->message);
      g_clear_error (&local);
      options.tsa = NULL;
      if (!inkan_sign_pdf (&options, &local))
        return fail (&run, error, local, _("Sealing failed"));
    }
  g_clear_pointer (&workdir, remove_workdir);
  crash_point ("after-rename");

  /* The sealed file is complete and synced: only now is the signature recorded and the
   * request used. Should that fail, the file goes, so that a sealed copy never exists without
   * its record. */
  if (options.tsa != NULL)
    details = g_strdup_printf ("%s was sealed with the %s seal under grant %" G_GINT64_FORMAT
                               " into %s, timestamped by %s; verification code %s.", o->input,
                               seal->name, grant_id, o->output, inkan_tsa_get_url (options.tsa),
                               code);
  else if (untimestamped != NULL)
    details = g_strdup_printf ("%s was sealed with the %s seal under grant %" G_GINT64_FORMAT
                               " into %s without a timestamp, as asked for when the timestamp "
                               "authority cannot be reached (%s); verification code %s.", o->input,
                               seal->name, grant_id, o->output, untimestamped, code);
  else
    details = g_strdup_printf ("%s was sealed with the %s seal under grant %" G_GINT64_FORMAT
                               " into %s; verification code %s.", o->input, seal->name, grant_id,
                               o->output, code);
  if (!inkan_store_complete_signature (o->store, run.audit, o->actor, run.reservation, details,
                                       run.now, &local))
    {
      g_unlink (o->output);
      g_prefix_error (&local, _("The sealed copy was removed because its signature could not be "
                                "recorded: "));
      return fail (&run, error, local, NULL);
    }
  crash_point ("after-complete");
  if (result != NULL)
    {
      result->grant_id = grant_id;
      result->request_id = o->request_id;
      result->timestamped = options.tsa != NULL;
      g_strlcpy (result->document_sha256, run.sha, sizeof result->document_sha256);
      g_strlcpy (result->verification_code, code, sizeof result->verification_code);
    }
  return TRUE;
}
