/* The seal editor: an administrator draws a seal (or imports a scanned one), sees it live, and
 * creates it in the seal registry, bound by a seal record signed with their own token, or
 * exports its PNG. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-seal-editor.h"

#include <glib/gi18n.h>
#include <gnutls/x509.h>

#include "inkan-approving.h"
#include "inkan-pin-dialog.h"
#include "inkan-policy.h"
#include "inkan-seal-art.h"
#include "inkan-seal-record.h"
#include "inkan-seal-status.h"
#include "inkan-store.h"
#include "inkan-token.h"

/* The preview is drawn at a screen's resolution; the registry gets 600 dpi. */
#define PREVIEW_DPI 150
#define REGISTRY_DPI 600

struct _InkanSealEditor
{
  AdwWindow parent_instance;

  char *store_path;
  char *user_name;
  GCancellable *cancellable;

  GtkDropDown *kind;
  GtkEditable *name;
  GtkEditable *purpose;
  GtkEditable *code;
  GtkEditable *registry_name;
  GtkDropDown *registry_kind;
  GtkDropDown *certificate;
  GtkPicture *picture;
  GtkLabel *status;
  GtkWidget *create_button;

  GPtrArray *certs;               /* InkanTokenCert with a key, in the certificate list's order */
  cairo_surface_t *imported;      /* a cleaned scan, shown instead of the drawing; or NULL */
  guint preview_serial;
  struct CreateData_ *pending;    /* the seal being created, from Create until its outcome */
  InkanPinDialog *pin_dialog;
  gboolean pin_refused;           /* the token refused the PIN typed last */
};

G_DEFINE_FINAL_TYPE (InkanSealEditor, inkan_seal_editor, ADW_TYPE_WINDOW)

enum
{
  SEAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_status (InkanSealEditor *self, const char *text)
{
  gtk_label_set_text (self->status, text != NULL ? text : "");
}

static InkanSealArtKind
art_kind (InkanSealEditor *self)
{
  static const InkanSealArtKind kinds[] = { INKAN_SEAL_ART_ROUND, INKAN_SEAL_ART_ROUND,
                                            INKAN_SEAL_ART_OVAL, INKAN_SEAL_ART_SQUARE };
  guint i = gtk_drop_down_get_selected (self->kind);

  return kinds[MIN (i, G_N_ELEMENTS (kinds) - 1)];
}

/* The drawing as the fields describe it, or NULL and why. */
static cairo_surface_t *
draw (InkanSealEditor *self, double dpi, GError **error)
{
  InkanSealArtSpec spec = { 0 };

  spec.kind = art_kind (self);
  spec.name = gtk_editable_get_text (self->name);
  spec.purpose = gtk_editable_get_text (self->purpose);
  spec.code = gtk_editable_get_text (self->code);
  spec.inner_ring = gtk_drop_down_get_selected (self->kind) == 1;
  spec.dpi = dpi;
  return inkan_seal_art_render (&spec, NULL, error);
}

static GdkTexture *
texture_for (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr (GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  /* cairo's ARGB32 is native-endian premultiplied, which is GDK_MEMORY_DEFAULT. */
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

static gboolean
can_create (InkanSealEditor *self)
{
  return self->store_path != NULL && self->user_name != NULL && self->certs != NULL
         && self->certs->len > 0 && self->pending == NULL
         && *gtk_editable_get_text (self->registry_name) != '\0';
}

/* The name in the registry is not drawn: it decides only whether Create can be clicked. */
static void
update_create_button (InkanSealEditor *self)
{
  gtk_widget_set_sensitive (self->create_button, can_create (self));
}

static void
update_preview (InkanSealEditor *self)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = NULL;

  if (self->imported != NULL)
    surface = cairo_surface_reference (self->imported);
  else if (*gtk_editable_get_text (self->name) == '\0')
    {
      gtk_picture_set_paintable (self->picture, NULL);
      set_status (self, _("Type the organisation's or the person's name."));
    }
  else
    surface = draw (self, PREVIEW_DPI, &error);

  if (surface != NULL)
    {
      g_autoptr (GdkTexture) texture = texture_for (surface);

      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
      cairo_surface_destroy (surface);
      set_status (self, NULL);
    }
  else if (error != NULL)
    set_status (self, error->message);
  self->preview_serial++;
  update_create_button (self);
}

static void
drawing_changed (InkanSealEditor *self)
{
  /* Editing the drawing leaves the scan behind. */
  g_clear_pointer (&self->imported, cairo_surface_destroy);
  update_preview (self);
}

static void
kind_changed (InkanSealEditor *self)
{
  /* The registry's kind that usually goes with the shape: official, finance, personal. */
  static const guint registry_kinds[] = { INKAN_SEAL_OFFICIAL, INKAN_SEAL_OFFICIAL,
                                          INKAN_SEAL_FINANCE, INKAN_SEAL_PERSONAL };
  guint i = gtk_drop_down_get_selected (self->kind);

  gtk_drop_down_set_selected (self->registry_kind,
                              registry_kinds[MIN (i, G_N_ELEMENTS (registry_kinds) - 1)]);
  drawing_changed (self);
}

/* ---- certificates ---------------------------------------------------------------------------- */

static void
list_certs_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *certs = inkan_token_list_certs (NULL, NULL, NULL, &error);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GPtrArray *usable;

  if (certs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  usable = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_token_cert_free);
  for (guint i = 0; i < certs->len; i++)
    {
      InkanTokenCert *cert = certs->pdata[i];

      /* An expired certificate, or one not meant for signatures, would make a seal that every
       * sealing refuses. */
      if (cert->key_url != NULL && !cert->is_ca && cert->can_sign
          && (cert->not_after == NULL || g_date_time_compare (now, cert->not_after) < 0))
        g_ptr_array_add (usable, g_ptr_array_steal_index (certs, i--));
    }
  g_ptr_array_unref (certs);
  g_task_return_pointer (task, usable, (GDestroyNotify) g_ptr_array_unref);
}

static void
certs_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *certs = g_task_propagate_pointer (G_TASK (result), &error);
  InkanSealEditor *self;
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  if (certs == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = INKAN_SEAL_EDITOR (source);
  if (certs == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_clear_pointer (&self->certs, g_ptr_array_unref);
  self->certs = certs;
  for (guint i = 0; i < certs->len; i++)
    {
      InkanTokenCert *cert = certs->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s — %s", cert->label, cert->key_type);

      gtk_string_list_append (labels, label);
    }
  if (certs->len == 0)
    gtk_string_list_append (labels, _("No certificate with a key on the tokens"));
  gtk_drop_down_set_model (self->certificate, G_LIST_MODEL (labels));
  update_create_button (self);
}

/* ---- creating the seal ----------------------------------------------------------------------- */

/* Creating is one outcome: the seal goes into the registry together with its seal record,
 * signed by the administrator's own key, or nothing is written. A PIN dialog dismissed, no token
 * holding the administrator's registered certificate, or a key that is not theirs leaves the
 * registry as it was and the editor as it is, to try again: a seal created unbound would take
 * the name, seal documents that recipients cannot tell from a forged picture, and need a second
 * step (seal rebind) that is easily forgotten. A refused PIN is asked again with the token's
 * sentence (the tries left), as when applying a seal or approving a request. */

typedef struct CreateData_
{
  char *store_path;
  char *user_name;
  char *name;
  InkanSealKind kind;
  GBytes *png;
  char *cert_url;
  char *key_url;
  char *maker_key_url;            /* the administrator's own key, which signs the record: found
                                   * before the PIN is asked, used once it is typed */
  char *pin;                      /* typed in the PIN dialog, for the creating worker */
} CreateData;

static void
create_data_clear (CreateData *d)
{
  g_free (d->store_path);
  g_free (d->user_name);
  g_free (d->name);
  g_clear_pointer (&d->png, g_bytes_unref);
  g_free (d->cert_url);
  g_free (d->key_url);
  g_free (d->maker_key_url);
  g_clear_pointer (&d->pin, inkan_pin_free);
}

static CreateData *
create_data_ref (CreateData *d)
{
  return g_atomic_rc_box_acquire (d);
}

static void
create_data_unref (CreateData *d)
{
  g_atomic_rc_box_release_full (d, (GDestroyNotify) create_data_clear);
}

static GBytes *
cert_der (const char *url, GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  GBytes *bytes = NULL;
  int ret;

  if ((ret = gnutls_x509_crt_init (&crt)) >= 0 && (ret = gnutls_x509_crt_import_url (crt, url, 0)) >= 0)
    bytes = inkan_certificate_to_der (crt, error);
  else
    g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                 _("The certificate could not be read from its token: %s."),
                 gnutls_strerror (ret));
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  return bytes;
}

/* The store and the acting user, who must be an administrator (as `inkan-cli --as USER seal
 * create` wants). */
static gboolean
open_as_admin (CreateData *d, InkanStore **store, InkanUser **actor, GError **error)
{
  *store = inkan_store_open (d->store_path, error);
  if (*store == NULL)
    return FALSE;
  *actor = inkan_store_get_user (*store, d->user_name, error);
  return *actor != NULL
         && inkan_policy_check_role (*actor, INKAN_ROLE_ADMIN, _("create seals"), error);
}

/* Before the PIN is asked: the user may create seals, the name is free, and a present token
 * holds the key of the administrator's registered certificate. Returns that key's URL. */
static void
prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CreateData *d = data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (InkanSeal) existing = NULL;
  GError *error = NULL;
  char *key_url;

  if (!open_as_admin (d, &store, &actor, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  existing = inkan_store_get_seal (store, d->name, NULL);
  if (existing != NULL)
    {
      g_task_return_new_error (task, INKAN_STORE_ERROR, INKAN_STORE_ERROR_EXISTS,
                               _("A seal named “%s” is already in the registry; choose another "
                                 "name."), d->name);
      return;
    }
  key_url = inkan_approving_find_key (actor, &error);
  if (key_url == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key_url, g_free);
}

/* The seal record signed with the administrator's key (found again by their registered
 * certificate, opened with the PIN typed), then the seal and its record in one store write. */
static void
create_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CreateData *d = data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (InkanAuditContext) audit = NULL;
  g_autoptr (GBytes) der = NULL;
  g_autoptr (GBytes) record = NULL;
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) now_ms = NULL;
  g_autoptr (InkanSeal) created = NULL;
  InkanSeal seal = { 0 };
  GError *error = NULL;

  now_ms = inkan_clock_now (&error);
  if (now_ms == NULL || !open_as_admin (d, &store, &actor, &error))
    goto fail;
  der = cert_der (d->cert_url, &error);
  if (der == NULL)
    goto fail;
  seal.name = d->name;
  seal.kind = d->kind;
  seal.image_png = d->png;
  seal.cert_der = der;
  seal.key_url = d->key_url;
  seal.approval_chain = chain;
  record = inkan_seal_record_make_as (&seal, actor, d->maker_key_url, inkan_pin_dialog_typed_pin,
                                      d->pin, now_ms, &error);
  g_clear_pointer (&d->pin, inkan_pin_free);
  if (record == NULL)
    goto fail;
  seal.record = record;
  audit = inkan_audit_context_new_local ();
  created = inkan_store_create_seal (store, audit, actor, &seal, now_ms, &error);
  if (created == NULL)
    goto fail;
  g_task_return_pointer (task, g_strdup (actor->name), g_free);
  return;
fail:
  g_task_return_error (task, error);
}

static void ask_pin (InkanSealEditor *self, const char *error);

static void
finish (InkanSealEditor *self, const char *message)
{
  g_clear_pointer (&self->pending, create_data_unref);
  set_status (self, message);
  update_create_button (self);
}

static void
not_created (InkanSealEditor *self, const char *why)
{
  /* TRANSLATORS: "The seal “Contract” was not created: <the reason>." */
  g_autofree char *message = g_strdup_printf (_("The seal “%s” was not created: %s"),
                                              self->pending->name, why);

  finish (self, message);
}

static void
created (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (InkanSealEditor) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *maker = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *name = NULL;
  g_autofree char *done = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->pending == NULL)
    return;
  if (maker == NULL)
    {
      /* Nothing was written: a refused PIN is asked again, the rest ends here. */
      if (g_error_matches (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT))
        ask_pin (self, error->message);
      else
        not_created (self, error->message);
      return;
    }
  name = g_strdup (self->pending->name);
  /* TRANSLATORS: "The seal “Contract” is in the registry, bound to its picture and certificate
   * by a seal record signed by admin." */
  done = g_strdup_printf (_("The seal “%s” is in the registry, bound to its picture and "
                            "certificate by a seal record signed by %s."),
                          name, maker);
  finish (self, done);
  g_signal_emit (self, signals[SEAL_CREATED], 0, name);
}

static void
pin_response (InkanPinDialog *dialog, const char *response, InkanSealEditor *self)
{
  g_autoptr (GTask) task = NULL;

  if (dialog != self->pin_dialog)
    return;
  self->pin_dialog = NULL;
  inkan_pin_dialog_dismiss (dialog);
  if (g_strcmp0 (response, "apply") != 0)
    {
      not_created (self, self->pin_refused
                           ? _("your token refused the PIN and no other was given, so the seal "
                               "record could not be signed. Nothing was written to the "
                               "registry; click Create Seal to try again.")
                           : _("no PIN was given for your token, so the seal record could not be "
                               "signed. Nothing was written to the registry; click Create Seal "
                               "to try again."));
      return;
    }
  self->pending->pin = inkan_pin_dialog_get_pin (dialog);
  set_status (self, _("Signing the seal record and creating the seal…"));
  task = g_task_new (NULL, self->cancellable, created, g_object_ref (self));
  g_task_set_task_data (task, create_data_ref (self->pending), (GDestroyNotify) create_data_unref);
  g_task_run_in_thread (task, create_thread);
}

static void
ask_pin (InkanSealEditor *self, const char *error)
{
  g_autofree char *label = inkan_pin_dialog_token_label_from_url (self->pending->maker_key_url);
  g_autofree char *body = NULL;

  self->pin_dialog = inkan_pin_dialog_new (GTK_WINDOW (self), label, self->pending->name);
  /* TRANSLATORS: "Your own key, which signs the seal record of “Contract”, is on the token
   * “Inkan Test”. …" */
  body = g_strdup_printf (_("Your own key, which signs the seal record of “%s”, is on the token "
                            "“%s”. Enter its PIN to create the seal bound to its picture and "
                            "certificate."),
                          self->pending->name, label != NULL ? label : "?");
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self->pin_dialog), body);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self->pin_dialog), "apply",
                                         _("_Create and Bind"));
  if (error != NULL)
    inkan_pin_dialog_set_error (self->pin_dialog, error);
  self->pin_refused = error != NULL;
  g_signal_connect (self->pin_dialog, "response", G_CALLBACK (pin_response), self);
  set_status (self, _("Waiting for your token’s PIN…"));
  gtk_window_present (GTK_WINDOW (self->pin_dialog));
}

static void
prepared (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (InkanSealEditor) self = data;
  g_autoptr (GError) error = NULL;
  char *key_url = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->pending == NULL)
    {
      g_free (key_url);
      return;
    }
  if (key_url == NULL)
    {
      not_created (self, error->message);
      return;
    }
  g_free (self->pending->maker_key_url);
  self->pending->maker_key_url = key_url;
  ask_pin (self, NULL);
}

static GBytes *
current_png (InkanSealEditor *self, GError **error)
{
  cairo_surface_t *surface;
  GBytes *png;

  surface = self->imported != NULL ? cairo_surface_reference (self->imported)
                                   : draw (self, REGISTRY_DPI, error);
  if (surface == NULL)
    return NULL;
  png = inkan_seal_art_to_png (surface, error);
  cairo_surface_destroy (surface);
  return png;
}

static void
create_clicked (InkanSealEditor *self)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  CreateData *d;
  guint cert = gtk_drop_down_get_selected (self->certificate);
  InkanTokenCert *tc;
  g_autoptr (GBytes) png = NULL;

  if (!can_create (self) || cert >= self->certs->len)
    return;
  tc = self->certs->pdata[cert];
  png = current_png (self, &error);
  if (png == NULL)
    {
      set_status (self, error->message);
      return;
    }
  d = g_atomic_rc_box_new0 (CreateData);
  d->png = g_steal_pointer (&png);
  d->store_path = g_strdup (self->store_path);
  d->user_name = g_strdup (self->user_name);
  d->name = g_strdup (gtk_editable_get_text (self->registry_name));
  d->kind = gtk_drop_down_get_selected (self->registry_kind);
  d->cert_url = g_strdup (tc->cert_url);
  d->key_url = g_strdup (tc->key_url);
  g_clear_pointer (&self->pending, create_data_unref);
  self->pending = d;
  gtk_widget_set_sensitive (self->create_button, FALSE);
  set_status (self, _("Looking for your token…"));
  task = g_task_new (NULL, self->cancellable, prepared, g_object_ref (self));
  g_task_set_task_data (task, create_data_ref (d), (GDestroyNotify) create_data_unref);
  g_task_run_in_thread (task, prepare_thread);
}

/* ---- import and export ----------------------------------------------------------------------- */

gboolean
inkan_seal_editor_import (InkanSealEditor *self, const char *path, GError **error)
{
  cairo_surface_t *surface;

  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), FALSE);
  surface = inkan_seal_art_import (path, error);
  if (surface == NULL)
    return FALSE;
  g_clear_pointer (&self->imported, cairo_surface_destroy);
  self->imported = surface;
  update_preview (self);
  return TRUE;
}

gboolean
inkan_seal_editor_export (InkanSealEditor *self, const char *path, GError **error)
{
  g_autoptr (GBytes) png = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), FALSE);
  png = current_png (self, error);
  if (png == NULL)
    return FALSE;
  data = g_bytes_get_data (png, &len);
  return g_file_set_contents (path, data, (gssize) len, error);
}

static void
import_response (GtkNativeDialog *dialog, int response, InkanSealEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !inkan_seal_editor_import (self, path, &error))
        set_status (self, error->message);
    }
  g_object_unref (dialog);
}

static void
import_clicked (InkanSealEditor *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) images = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Import Scanned Seal"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (images, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), images);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_response (GtkNativeDialog *dialog, int response, InkanSealEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (path != NULL && !inkan_seal_editor_export (self, path, &error))
        set_status (self, error->message);
      else if (path != NULL)
        {
          g_autofree char *done = g_strdup_printf (_("Saved %s."), path);
          set_status (self, done);
        }
    }
  g_object_unref (dialog);
}

static void
export_clicked (InkanSealEditor *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export Seal Image"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "seal.png");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- the window ------------------------------------------------------------------------------ */

static GtkEditable *
add_entry (GtkGrid *grid, int row, const char *label, const char *placeholder)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_halign (title, GTK_ALIGN_END);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_grid_attach (grid, title, 0, row, 1, 1);
  gtk_grid_attach (grid, entry, 1, row, 1, 1);
  return GTK_EDITABLE (entry);
}

static GtkDropDown *
add_dropdown (GtkGrid *grid, int row, const char *label, const char *const *items)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (items);

  gtk_widget_set_halign (title, GTK_ALIGN_END);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), dropdown);
  gtk_grid_attach (grid, title, 0, row, 1, 1);
  gtk_grid_attach (grid, dropdown, 1, row, 1, 1);
  return GTK_DROP_DOWN (dropdown);
}

static void
inkan_seal_editor_init (InkanSealEditor *self)
{
  const char *shapes[] = { _("Round — official seal"), _("Round with inner ring"),
                           _("Oval — finance seal"), _("Square — personal name seal"), NULL };
  const char *registry_kinds[] = { _("Official"), _("Contract"), _("Finance"),
                                   _("Legal representative"), _("Personal"), NULL };
  const char *no_certs[] = { _("Looking for certificates on the tokens…"), NULL };
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *form = gtk_grid_new ();
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *import_button = gtk_button_new_with_mnemonic (_("_Import Scanned Seal…"));
  GtkWidget *export_button = gtk_button_new_with_mnemonic (_("E_xport PNG…"));
  GtkGrid *grid = GTK_GRID (form);

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("New Seal"));
  gtk_window_set_default_size (GTK_WINDOW (self), 760, 480);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);

  self->create_button = gtk_button_new_with_mnemonic (_("_Create Seal"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_widget_set_sensitive (self->create_button, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->create_button);
  gtk_box_append (GTK_BOX (content), header);

  gtk_grid_set_row_spacing (grid, 8);
  gtk_grid_set_column_spacing (grid, 12);
  self->kind = add_dropdown (grid, 0, _("_Shape"), shapes);
  self->name = add_entry (grid, 1, _("_Name"), _("e.g. 北京市某某科技有限公司"));
  self->purpose = add_entry (grid, 2, _("_Purpose"), _("e.g. 合同专用章"));
  self->code = add_entry (grid, 3, _("Registration _number"), _("optional"));
  self->registry_name = add_entry (grid, 4, _("Name in the _registry"), _("e.g. Contract"));
  self->registry_kind = add_dropdown (grid, 5, _("_Kind"), registry_kinds);
  self->certificate = add_dropdown (grid, 6, _("C_ertificate"), no_certs);
  gtk_box_append (GTK_BOX (buttons), import_button);
  gtk_box_append (GTK_BOX (buttons), export_button);
  gtk_grid_attach (grid, buttons, 1, 7, 1, 1);
  gtk_widget_set_hexpand (form, TRUE);

  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->picture), 280, 280);
  gtk_widget_add_css_class (frame, "view");
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->picture));
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_max_width_chars (self->status, 36);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (side), frame);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->status));

  gtk_box_append (GTK_BOX (body), form);
  gtk_box_append (GTK_BOX (body), side);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_widget_set_margin_top (body, 18);
  gtk_widget_set_margin_bottom (body, 18);
  gtk_box_append (GTK_BOX (content), body);
  adw_window_set_content (ADW_WINDOW (self), content);

  g_signal_connect_swapped (self->kind, "notify::selected", G_CALLBACK (kind_changed), self);
  g_signal_connect_swapped (self->name, "changed", G_CALLBACK (drawing_changed), self);
  g_signal_connect_swapped (self->purpose, "changed", G_CALLBACK (drawing_changed), self);
  g_signal_connect_swapped (self->code, "changed", G_CALLBACK (drawing_changed), self);
  g_signal_connect_swapped (self->registry_name, "changed", G_CALLBACK (update_create_button),
                            self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked), self);
  g_signal_connect_swapped (import_button, "clicked", G_CALLBACK (import_clicked), self);
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked), self);
  gtk_editable_set_text (self->purpose, "合同专用章");
  update_preview (self);
}

static void
inkan_seal_editor_dispose (GObject *object)
{
  InkanSealEditor *self = INKAN_SEAL_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->pin_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->pin_dialog)));
  g_clear_pointer (&self->pending, create_data_unref);
  G_OBJECT_CLASS (inkan_seal_editor_parent_class)->dispose (object);
}

static void
inkan_seal_editor_finalize (GObject *object)
{
  InkanSealEditor *self = INKAN_SEAL_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->certs, g_ptr_array_unref);
  g_clear_pointer (&self->imported, cairo_surface_destroy);
  g_free (self->store_path);
  g_free (self->user_name);
  G_OBJECT_CLASS (inkan_seal_editor_parent_class)->finalize (object);
}

static void
inkan_seal_editor_class_init (InkanSealEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = inkan_seal_editor_dispose;
  object_class->finalize = inkan_seal_editor_finalize;
  signals[SEAL_CREATED] = g_signal_new ("seal-created", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_STRING);
}

InkanSealEditor *
inkan_seal_editor_new (GtkWindow *parent, const char *store_path, const char *user_name)
{
  InkanSealEditor *self = g_object_new (INKAN_TYPE_SEAL_EDITOR, NULL);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  self->store_path = g_strdup (store_path);
  self->user_name = g_strdup (user_name);
  if (store_path != NULL && user_name != NULL)
    {
      g_autoptr (GTask) task = g_task_new (self, self->cancellable, certs_listed, NULL);

      g_task_run_in_thread (task, list_certs_thread);
    }
  else
    {
      const char *none[] = { _("No seal registry or user: export the PNG instead"), NULL };
      g_autoptr (GtkStringList) list = gtk_string_list_new (none);

      gtk_drop_down_set_model (self->certificate, G_LIST_MODEL (list));
    }
  return self;
}

GtkEditable *
inkan_seal_editor_get_name_entry (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return self->name;
}

GdkPaintable *
inkan_seal_editor_get_preview (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return gtk_picture_get_paintable (self->picture);
}

guint
inkan_seal_editor_get_preview_serial (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), 0);
  return self->preview_serial;
}

const char *
inkan_seal_editor_get_status (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return gtk_label_get_text (self->status);
}

GtkEditable *
inkan_seal_editor_get_registry_name_entry (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return self->registry_name;
}

GtkWidget *
inkan_seal_editor_get_create_button (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return self->create_button;
}

InkanPinDialog *
inkan_seal_editor_get_pin_dialog (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return self->pin_dialog;
}

gboolean
inkan_seal_editor_is_creating (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), FALSE);
  return self->pending != NULL;
}

GtkDropDown *
inkan_seal_editor_get_certificate_dropdown (InkanSealEditor *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_EDITOR (self), NULL);
  return self->certificate;
}
