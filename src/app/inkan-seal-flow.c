/* Applying a placed seal (save dialog, PIN, sealing in a worker, the sealed copy verified and
 * opened) or requesting approval for it with its placement. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>

#include "inkan-seal-flow.h"
#include "inkan-sealing.h"
#include "inkan-application.h"
#include "inkan-policy.h"
#include "inkan-token.h"
#include "inkan-trust.h"
#include "inkan-window.h"

struct _InkanSealFlow
{
  GObject parent_instance;

  GtkWindow *window;
  char *store_path;
  char *user_name;
  char *input;
  InkanSealItem *item;
  guint page;
  InkanRect rect;
  GCancellable *cancellable;

  InkanSealFlowState state;
  GtkNativeDialog *save_dialog;
  InkanPinDialog *pin_dialog;
  GtkWidget *reason_dialog;
  GFile *output;
  InkanReport *report;
  gint64 request_id;
  char *error;
  gboolean riding;
  gboolean tsa_asked;           /* Preferences name a timestamp authority */
};

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanSealFlow, inkan_seal_flow, G_TYPE_OBJECT)

static void
toast (InkanSealFlow *self,
       const char    *message)
{
  if (INKAN_IS_WINDOW (self->window))
    inkan_window_show_toast (INKAN_WINDOW (self->window), message);
}

static void
set_state (InkanSealFlow      *self,
           InkanSealFlowState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (state == INKAN_SEAL_FLOW_DONE || state == INKAN_SEAL_FLOW_FAILED
      || state == INKAN_SEAL_FLOW_CANCELLED)
    g_signal_emit (self, signals[FINISHED], 0);
}

static void
fail (InkanSealFlow *self,
      const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  toast (self, message);
  set_state (self, INKAN_SEAL_FLOW_FAILED);
}

/* ---- the save dialog ------------------------------------------------------------------- */

void
inkan_seal_flow_set_riding (InkanSealFlow *self,
                            gboolean       riding)
{
  g_return_if_fail (INKAN_IS_SEAL_FLOW (self));

  self->riding = riding;
}

GFile *
inkan_seal_flow_get_proposed_output (InkanSealFlow *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  char *dot;

  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);

  dir = g_path_get_dirname (self->input);
  base = g_path_get_basename (self->input);
  dot = strrchr (base, '.');
  if (dot != NULL && g_ascii_strcasecmp (dot, ".pdf") == 0)
    *dot = '\0';
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-sealed.pdf", base)
                                     : g_strdup_printf ("%s-sealed-%u.pdf", base, n);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_file_new_for_path (path);
    }
  return NULL;
}

static void
save_response (GtkNativeDialog *dialog,
               int              response,
               InkanSealFlow   *self)
{
  g_autoptr (GFile) file = NULL;

  if (dialog != self->save_dialog)
    return;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->save_dialog);
  if (file == NULL)
    {
      set_state (self, INKAN_SEAL_FLOW_CANCELLED);
      return;
    }
  inkan_seal_flow_choose_output (self, file);
}

void
inkan_seal_flow_apply (InkanSealFlow *self)
{
  g_autoptr (GFile) proposed = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *dialog;

  g_return_if_fail (INKAN_IS_SEAL_FLOW (self));
  g_return_if_fail (self->state == INKAN_SEAL_FLOW_IDLE);

  proposed = inkan_seal_flow_get_proposed_output (self);
  set_state (self, INKAN_SEAL_FLOW_CHOOSING_OUTPUT);
  dialog = gtk_file_chooser_native_new (_("Save the Sealed Copy"), self->window,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Seal"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (proposed != NULL)
    {
      folder = g_file_get_parent (proposed);
      name = g_file_get_basename (proposed);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
    }
  self->save_dialog = GTK_NATIVE_DIALOG (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response), self);
  gtk_native_dialog_show (self->save_dialog);
}

/* ---- the PIN and the sealing ---------------------------------------------------------- */

static void ask_pin (InkanSealFlow *self,
                     const char    *error);

typedef struct
{
  char *store_path;
  char *user_name;
  char *seal_name;
  char *input;
  char *output;
  gint64 request_id;
  guint page;
  gboolean has_rect;
  InkanRect rect;
  gboolean riding;
  char *pin;
  GStrv anchors;
  gboolean system_trust;
  char *tsa_url;            /* the settings' timestamp authority, or NULL */
  gboolean tsa_optional;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data->seal_name);
  g_free (data->input);
  g_free (data->output);
  g_clear_pointer (&data->pin, inkan_pin_free);
  g_strfreev (data->anchors);
  g_free (data->tsa_url);
  g_free (data);
}

/* The anchors the sealed copy is verified against: INKAN_TRUST (files separated by ':'), and
 * the settings' when the schema is installed. */
static void
gather_trust (SignData *data)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const char *env = g_getenv ("INKAN_TRUST");
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (env != NULL && *env != '\0')
    {
      g_auto (GStrv) files = g_strsplit (env, ":", -1);

      for (guint i = 0; files[i] != NULL; i++)
        if (*files[i] != '\0')
          g_strv_builder_add (builder, files[i]);
    }
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INKAN_APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new (INKAN_APPLICATION_ID);
      g_auto (GStrv) anchors = g_settings_get_strv (settings, "trust-anchors");

      g_autofree char *tsa_url = g_settings_get_string (settings, "tsa-url");

      g_strv_builder_addv (builder, (const char **) anchors);
      data->system_trust = g_settings_get_boolean (settings, "use-system-trust");
      /* The timestamp authority of Preferences, read with the rest of the settings. */
      g_strstrip (tsa_url);
      if (*tsa_url != '\0')
        data->tsa_url = g_steal_pointer (&tsa_url);
      data->tsa_optional = g_settings_get_boolean (settings, "tsa-optional");
    }
  data->anchors = g_strv_builder_end (builder);
}

static void
sign_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SignData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (InkanTrust) trust = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  InkanSealingOptions options = { 0 };
  InkanVerifyOptions verify = { 0 };
  InkanReport *report;
  GError *error = NULL;

  store = inkan_store_open (data->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  actor = inkan_store_get_user (store, data->user_name, &error);
  if (actor == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  options.store = store;
  options.actor = actor;
  options.seal_name = data->seal_name;
  options.input = data->input;
  options.output = data->output;
  options.request_id = data->request_id;
  options.page = data->page;
  options.has_rect = data->has_rect;
  options.rect = data->rect;
  options.riding = data->riding;
  /* Tried once: a refused PIN comes back as PIN_INCORRECT with the token's sentence. */
  options.pin = data->pin;
  if (data->tsa_url != NULL)
    {
      tsa = inkan_tsa_new (data->tsa_url, &error);
      if (tsa == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      options.tsa = tsa;
      options.tsa_optional = data->tsa_optional;
    }
  if (!inkan_sealing_run (&options, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The sealed copy, judged by the verifier as a recipient would. */
  trust = inkan_trust_new ();
  for (guint i = 0; data->anchors[i] != NULL; i++)
    {
      g_autoptr (GError) local = NULL;

      if (!inkan_trust_add_file (trust, data->anchors[i], &local))
        g_debug ("Trust anchor %s skipped: %s", data->anchors[i], local->message);
    }
  if (data->system_trust)
    {
      g_autoptr (GError) local = NULL;

      if (!inkan_trust_add_system (trust, &local))
        g_debug ("The system's trust store is not used: %s", local->message);
    }
  verify.trust = trust;
  report = inkan_verify_file (data->output, &verify, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) inkan_report_free);
}

static void
sealed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (InkanSealFlow) self = user_data;
  g_autoptr (GError) error = NULL;
  InkanReport *report = g_task_propagate_pointer (G_TASK (result), &error);
  const InkanSignatureReport *last;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, INKAN_SEAL_FLOW_CANCELLED);
      return;
    }
  if (report == NULL)
    {
      /* A refused PIN is asked again, with the token's sentence; the rest ends the flow. */
      if (g_error_matches (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT))
        {
          ask_pin (self, error->message);
          return;
        }
      fail (self, error->message);
      return;
    }

  self->report = report;
  name = g_file_get_basename (self->output);
  last = report->signatures->len > 0
           ? g_ptr_array_index (report->signatures, report->signatures->len - 1) : NULL;
  if (last != NULL && last->indication == INKAN_INDICATION_TOTAL_PASSED && self->tsa_asked
      && last->timestamp == NULL)
    /* The TSA was down and Preferences allow sealing without it. */
    message = g_strdup_printf (_("Sealed into %s without a timestamp: the timestamp authority "
                                 "could not be reached."),
                               name);
  else if (last != NULL && last->indication == INKAN_INDICATION_TOTAL_PASSED)
    /* TRANSLATORS: "Sealed into contract-sealed.pdf: the seal of Li Wei is valid." */
    message = g_strdup_printf (_("Sealed into %s: the seal of %s is valid."), name,
                               last->signer_name != NULL ? last->signer_name : "?");
  else
    message = g_strdup_printf (_("Sealed into %s, but its seal could not be confirmed on this "
                                 "computer (%s): check the trusted roots."),
                               name,
                               last != NULL && last->subindication != NULL
                                 ? last->subindication
                                 : inkan_indication_to_string (report->indication));
  toast (self, message);
  if (INKAN_IS_WINDOW (self->window))
    inkan_window_open (INKAN_WINDOW (self->window), self->output);
  set_state (self, INKAN_SEAL_FLOW_DONE);
}

static void
pin_response (InkanPinDialog *dialog,
              const char     *response,
              InkanSealFlow  *self)
{
  const InkanSealStatus *status = inkan_seal_item_get_status (self->item);
  g_autoptr (GTask) task = NULL;
  SignData *data;

  if (dialog != self->pin_dialog)
    return;
  self->pin_dialog = NULL;
  inkan_pin_dialog_dismiss (dialog);
  if (g_strcmp0 (response, "apply") != 0)
    {
      g_clear_object (&self->output);
      set_state (self, INKAN_SEAL_FLOW_CANCELLED);
      return;
    }

  data = g_new0 (SignData, 1);
  data->store_path = g_strdup (self->store_path);
  data->user_name = g_strdup (self->user_name);
  data->seal_name = g_strdup (status->seal->name);
  data->input = g_strdup (self->input);
  data->output = g_file_get_path (self->output);
  data->pin = inkan_pin_dialog_get_pin (dialog);
  /* Under an approved request the seal goes where the request placed it. */
  if (status->request != NULL && status->request->state == INKAN_REQUEST_APPROVED)
    data->request_id = status->request->id;
  if (data->request_id == 0 || status->request->page == 0)
    {
      data->page = self->page;
      /* A rectangle of no size leaves the placement to the core's default. */
      data->has_rect = self->rect.width > 0 && self->rect.height > 0;
      data->rect = self->rect;
    }
  data->riding = self->riding;
  gather_trust (data);
  self->tsa_asked = data->tsa_url != NULL;

  set_state (self, INKAN_SEAL_FLOW_SIGNING);
  task = g_task_new (NULL, self->cancellable, sealed, g_object_ref (self));
  g_task_set_source_tag (task, pin_response);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  g_task_run_in_thread (task, sign_thread);
}

static void
ask_pin (InkanSealFlow *self,
         const char    *error)
{
  const InkanSealStatus *status = inkan_seal_item_get_status (self->item);
  g_autofree char *label = inkan_pin_dialog_token_label_from_url (status->seal->key_url);

  self->pin_dialog = inkan_pin_dialog_new (self->window, label, status->seal->name);
  if (error != NULL)
    inkan_pin_dialog_set_error (self->pin_dialog, error);
  g_signal_connect (self->pin_dialog, "response", G_CALLBACK (pin_response), self);
  set_state (self, INKAN_SEAL_FLOW_ASKING_PIN);
  gtk_window_present (GTK_WINDOW (self->pin_dialog));
}

static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

void
inkan_seal_flow_choose_output (InkanSealFlow *self,
                               GFile         *output)
{
  g_autofree char *path = NULL;

  g_return_if_fail (INKAN_IS_SEAL_FLOW (self));
  g_return_if_fail (G_IS_FILE (output));

  if (self->save_dialog != NULL)
    {
      GtkNativeDialog *dialog = g_steal_pointer (&self->save_dialog);

      gtk_native_dialog_destroy (dialog);
      g_object_unref (dialog);
    }
  path = g_file_get_path (output);
  if (path == NULL)
    {
      fail (self, _("The sealed copy can only be saved to a local folder: choose one on this "
                    "computer."));
      return;
    }
  if (same_file (path, self->input))
    {
      fail (self, _("The original document is never overwritten: save the sealed copy under "
                    "another name."));
      return;
    }
  g_set_object (&self->output, output);
  ask_pin (self, NULL);
}

/* ---- requesting approval --------------------------------------------------------------- */

typedef struct
{
  char *store_path;
  char *user_name;
  char *seal_name;
  char *input;
  char *reason;
  guint page;
  InkanRect rect;
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data->seal_name);
  g_free (data->input);
  g_free (data->reason);
  g_free (data);
}

static void
request_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RequestData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanRequest) made = NULL;
  g_autoptr (InkanAuditContext) audit = inkan_audit_context_new_local ();
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *name = NULL;
  InkanRequest request = { 0 };
  GError *error = NULL;

  if ((now = inkan_clock_now (&error)) == NULL
      || (store = inkan_store_open (data->store_path, &error)) == NULL
      || (actor = inkan_store_get_user (store, data->user_name, &error)) == NULL
      || (seal = inkan_store_get_seal (store, data->seal_name, &error)) == NULL
      || (sha = inkan_file_sha256 (data->input, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!inkan_policy_check_role (actor, INKAN_ROLE_CLERK, "request seals", &error))
    {
      inkan_store_audit (store, audit, actor, "request.create.refused", NULL, sha,
                         error->message, now, NULL);
      g_task_return_error (task, error);
      return;
    }
  name = g_path_get_basename (data->input);
  request.seal_id = seal->id;
  request.requester_id = actor->id;
  request.document_sha256 = sha;
  request.document_name = name;
  request.reason = data->reason;
  request.page = data->page;
  request.rect[0] = data->rect.x;
  request.rect[1] = data->rect.y;
  request.rect[2] = data->rect.width;
  request.rect[3] = data->rect.height;
  made = inkan_store_create_request (store, audit, actor, &request, now, &error);
  if (made == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, made->id);
}

static void
requested (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (InkanSealFlow) self = user_data;
  g_autoptr (GError) error = NULL;
  gssize id = g_task_propagate_int (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, INKAN_SEAL_FLOW_CANCELLED);
      return;
    }
  if (error != NULL)
    {
      fail (self, error->message);
      return;
    }
  self->request_id = id;
  message = g_strdup_printf (_("Request %" PRId64 " for the %s seal was sent for "
                               "approval; the seal will go where you placed it."),
                             self->request_id, inkan_seal_item_get_name (self->item));
  toast (self, message);
  set_state (self, INKAN_SEAL_FLOW_DONE);
}

void
inkan_seal_flow_send_request (InkanSealFlow *self,
                              const char    *reason)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  RequestData *data;

  g_return_if_fail (INKAN_IS_SEAL_FLOW (self));

  if (self->reason_dialog != NULL)
    {
      GtkWidget *dialog = g_steal_pointer (&self->reason_dialog);

      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  if (*trimmed == '\0')
    {
      fail (self, _("A request needs a reason the approvers can read: say why the document "
                    "should be sealed."));
      return;
    }
  data = g_new0 (RequestData, 1);
  data->store_path = g_strdup (self->store_path);
  data->user_name = g_strdup (self->user_name);
  data->seal_name = g_strdup (inkan_seal_item_get_name (self->item));
  data->input = g_strdup (self->input);
  data->reason = g_strdup (trimmed);
  data->page = self->page;
  data->rect = self->rect;
  set_state (self, INKAN_SEAL_FLOW_REQUESTING);
  task = g_task_new (NULL, self->cancellable, requested, g_object_ref (self));
  g_task_set_source_tag (task, inkan_seal_flow_send_request);
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);
  g_task_run_in_thread (task, request_thread);
}

static void
reason_response (AdwMessageDialog *dialog,
                 const char       *response,
                 InkanSealFlow    *self)
{
  GtkEditable *entry;

  if (GTK_WIDGET (dialog) != self->reason_dialog)
    return;
  if (g_strcmp0 (response, "request") != 0)
    {
      self->reason_dialog = NULL;
      set_state (self, INKAN_SEAL_FLOW_CANCELLED);
      return;
    }
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  /* The dialog closes itself after this handler. */
  self->reason_dialog = NULL;
  inkan_seal_flow_send_request (self, gtk_editable_get_text (entry));
}

static void
reason_changed (GtkEditable      *entry,
                AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "request", *text != '\0');
}

void
inkan_seal_flow_request (InkanSealFlow *self)
{
  GtkWidget *dialog, *entry;
  g_autofree char *body = NULL;

  g_return_if_fail (INKAN_IS_SEAL_FLOW (self));
  g_return_if_fail (self->state == INKAN_SEAL_FLOW_IDLE);

  body = g_strdup_printf (_("The %s seal needs approval before it is used. Say why this document "
                            "should be sealed; the seal will go where you placed it once "
                            "approved."),
                          inkan_seal_item_get_name (self->item));
  dialog = adw_message_dialog_new (self->window, _("Request Approval"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "request", _("_Send Request"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "request",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "request", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (reason_response), self);
  self->reason_dialog = dialog;
  set_state (self, INKAN_SEAL_FLOW_ASKING_REASON);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the object ------------------------------------------------------------------------ */

InkanSealFlowState
inkan_seal_flow_get_state (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), INKAN_SEAL_FLOW_IDLE);
  return self->state;
}

InkanPinDialog *
inkan_seal_flow_get_pin_dialog (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);
  return self->pin_dialog;
}

GtkWidget *
inkan_seal_flow_get_reason_dialog (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);
  return self->reason_dialog;
}

GFile *
inkan_seal_flow_get_output (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);
  return self->state == INKAN_SEAL_FLOW_DONE ? self->output : NULL;
}

const InkanReport *
inkan_seal_flow_get_report (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);
  return self->report;
}

gint64
inkan_seal_flow_get_request_id (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), 0);
  return self->request_id;
}

const char *
inkan_seal_flow_get_error (InkanSealFlow *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_FLOW (self), NULL);
  return self->error;
}

static void
inkan_seal_flow_dispose (GObject *object)
{
  InkanSealFlow *self = INKAN_SEAL_FLOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->save_dialog != NULL)
    gtk_native_dialog_destroy (self->save_dialog);
  g_clear_object (&self->save_dialog);
  if (self->pin_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->pin_dialog)));
  if (self->reason_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->reason_dialog)));
  g_clear_object (&self->window);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (inkan_seal_flow_parent_class)->dispose (object);
}

static void
inkan_seal_flow_finalize (GObject *object)
{
  InkanSealFlow *self = INKAN_SEAL_FLOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->output);
  g_clear_pointer (&self->report, inkan_report_free);
  g_free (self->store_path);
  g_free (self->user_name);
  g_free (self->input);
  g_free (self->error);

  G_OBJECT_CLASS (inkan_seal_flow_parent_class)->finalize (object);
}

static void
inkan_seal_flow_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, INKAN_SEAL_FLOW (object)->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_seal_flow_class_init (InkanSealFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inkan_seal_flow_dispose;
  object_class->finalize = inkan_seal_flow_finalize;
  object_class->get_property = inkan_seal_flow_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, INKAN_SEAL_FLOW_IDLE, INKAN_SEAL_FLOW_CANCELLED,
                      INKAN_SEAL_FLOW_IDLE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
inkan_seal_flow_init (InkanSealFlow *self)
{
  self->cancellable = g_cancellable_new ();
}

InkanSealFlow *
inkan_seal_flow_new (GtkWindow       *window,
                     const char      *store_path,
                     const char      *user_name,
                     const char      *input,
                     InkanSealItem   *item,
                     guint            page,
                     const InkanRect *rect)
{
  InkanSealFlow *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (store_path != NULL && user_name != NULL && input != NULL, NULL);
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (item), NULL);
  g_return_val_if_fail (page >= 1 && rect != NULL, NULL);

  self = g_object_new (INKAN_TYPE_SEAL_FLOW, NULL);
  self->window = g_object_ref (window);
  self->store_path = g_strdup (store_path);
  self->user_name = g_strdup (user_name);
  self->input = g_strdup (input);
  self->item = g_object_ref (item);
  self->page = page;
  self->rect = *rect;
  return self;
}
