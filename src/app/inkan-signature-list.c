/* The signatures sidebar: per signature who signed, when, the verdict, what it covers, what
 * changed after it, the approvals sealed with it, and its certificate chain on demand. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gnutls/x509.h>

#include "inkan-signature-list.h"
#include "inkan-sign.h"
#include "inkan-validity.h"

struct _InkanSignatureList
{
  GtkWidget parent_instance;

  GtkListBox *list;
  GtkLabel *empty;
  GtkEntry *code_entry;
  GtkLabel *code_result;
  GPtrArray *rows;          /* AdwExpanderRow, in the report's order */
  GPtrArray *details;       /* GStrv per row */
  GPtrArray *codes;         /* the verification code per row (or NULL) */
  GPtrArray *verdicts;      /* "Li Wei (Clerk): valid" per row, for the code check */
};

enum
{
  SIGNAL_SHOW_SIGNATURE,
  SIGNAL_SHOW_CERTIFICATES,
  SIGNAL_SHOW_SIGNED_VERSION,
  SIGNAL_SHOW_CHANGES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanSignatureList, inkan_signature_list, GTK_TYPE_WIDGET)

static GtkWidget *
add_detail (AdwExpanderRow *row,
            GPtrArray      *details,
            const char     *title,
            const char     *subtitle)
{
  GtkWidget *line = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (line), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (line), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (line), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (line), 0);
  gtk_widget_add_css_class (line, "property");
  adw_expander_row_add_row (row, line);
  g_ptr_array_add (details, g_strdup_printf ("%s: %s", title, subtitle));
  return line;
}

/* The seal the signature carries a record of: its name, kind and maker, and in warning style
 * when the verifier found it not bound (another picture shown, an untrusted maker…). */
static void
add_seal (AdwExpanderRow             *row,
          GPtrArray                  *details,
          const InkanSignatureReport *signature)
{
  const InkanSealReport *seal = signature->seal;
  g_autofree char *what = NULL;
  GtkWidget *line;

  if (seal == NULL)
    return;
  /* Translators: "Contract seal (contract), made by Li Hua" */
  what = g_strdup_printf (_("%s (%s), made by %s"),
                          seal->name != NULL ? seal->name : _("unreadable seal record"),
                          seal->kind != NULL ? seal->kind : "?",
                          seal->maker != NULL ? seal->maker : _("an unknown maker"));
  add_detail (row, details, _("Seal"), what);
  if (seal->bound)
    return;
  line = add_detail (row, details, _("Seal not bound"),
                     seal->reason != NULL ? seal->reason : _("the seal record does not hold"));
  gtk_widget_add_css_class (line, "warning");
}

static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z");
}

/* A timestamp's time to the millisecond, in local time. */
static char *
format_time_ms (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);
  g_autofree char *seconds = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
  g_autofree char *zone = g_date_time_format (local, "%Z");

  return g_strdup_printf ("%s.%03d %s", seconds, g_date_time_get_microsecond (local) / 1000, zone);
}

/* Every button of a row emits its own signal with the row's index. */
static void
button_clicked (GtkButton          *button,
                InkanSignatureList *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "inkan-index"));
  guint signal = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "inkan-signal"));

  g_signal_emit (self, signals[signal], 0, index);
}

static GtkWidget *
add_button (InkanSignatureList *self,
            GtkWidget          *buttons,
            const char         *mnemonic,
            const char         *tooltip,
            guint               signal,
            guint               index)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "inkan-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "inkan-signal", GUINT_TO_POINTER (signal));
  g_signal_connect (button, "clicked", G_CALLBACK (button_clicked), self);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), button);
  return button;
}

static GtkWidget *
signature_row (InkanSignatureList         *self,
               const InkanSignatureReport *signature,
               guint                       index,
               GPtrArray                  *details)
{
  static const char *const classes[] = { "dim-label", "success", "warning", "error" };
  InkanValidityState state = inkan_validity_signature_state (signature);
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *icon = gtk_image_new_from_icon_name (inkan_validity_state_icon_name (state));
  GtkWidget *buttons = gtk_flow_box_new ();
  GtkWidget *button;
  GtkWidget *line;
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), inkan_validity_signer_words (signature));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (signature->organisation != NULL)
    subtitle = g_strdup_printf ("%s · %s", signature->organisation,
                                inkan_validity_verdict_words (signature));
  else
    subtitle = g_strdup (inkan_validity_verdict_words (signature));
  adw_expander_row_set_subtitle (row, subtitle);
  gtk_widget_add_css_class (icon, classes[state]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  inkan_validity_verdict_words (signature), -1);
  adw_expander_row_add_prefix (row, icon);

  add_detail (row, details, _("Verdict"), inkan_validity_verdict_words (signature));
  if (signature->timestamp != NULL && signature->timestamp->time != NULL)
    {
      g_autofree char *when = format_time_ms (signature->timestamp->time);
      g_autofree char *proven = NULL;

      if (signature->timestamp->valid)
        /* Translators: "2026-12-05 10:00:00.123 CST, proven by the timestamp of Inkan TSA" */
        proven = g_strdup_printf (_("%s, proven by the timestamp of %s"), when,
                                  signature->timestamp->tsa != NULL ? signature->timestamp->tsa
                                                                    : _("an unnamed authority"));
      else
        proven = g_strdup_printf (_("%s, by a timestamp that cannot be confirmed (%s)"), when,
                                  signature->timestamp->tsa != NULL ? signature->timestamp->tsa
                                                                    : _("an unnamed authority"));
      add_detail (row, details, _("Signed"), proven);
    }
  else if (signature->signing_time != NULL)
    {
      g_autofree char *when = format_time (signature->signing_time);
      g_autofree char *claimed = g_strdup_printf (_("%s, as the signer’s computer said; no "
                                                    "timestamp proves it"), when);

      add_detail (row, details, _("Signed"), claimed);
    }
  else
    add_detail (row, details, _("Signed"), _("The signature does not say when"));
  if (signature->verification_code != NULL)
    add_detail (row, details, _("Verification code"), signature->verification_code);
  if (signature->riding_pages > 0)
    {
      g_autofree char *riding = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "A riding seal across %u page",
                     "A riding seal across %u pages", signature->riding_pages),
        signature->riding_pages);

      add_detail (row, details, _("Seal"), riding);
    }
  add_detail (row, details, _("Covers"), inkan_validity_coverage_words (signature->coverage));
  add_detail (row, details, _("Changes after signing"),
              inkan_validity_changes_words (signature->modification_level));
  if (signature->reason != NULL && *signature->reason != '\0')
    add_detail (row, details, _("Reason"), signature->reason);
  add_seal (row, details, signature);
  for (guint i = 0; signature->findings != NULL && i < signature->findings->len; i++)
    {
      const InkanFinding *finding = g_ptr_array_index (signature->findings, i);

      add_detail (row, details, _("Finding"), finding->message);
    }
  for (guint i = 0; signature->approvals != NULL && i < signature->approvals->len; i++)
    {
      const InkanApprovalReport *approval = g_ptr_array_index (signature->approvals, i);
      g_autofree char *when = approval->time != NULL ? format_time (approval->time) : NULL;
      g_autofree char *text = NULL;

      /* Translators: "Manager Wang (approver): approve, 2026-12-05 10:00:00 CST — valid" */
      text = g_strdup_printf (_("%s (%s): %s, %s — %s"), approval->approver,
                              approval->role != NULL ? approval->role : "?",
                              approval->decision != NULL ? approval->decision : "?",
                              when != NULL ? when : _("time unknown"),
                              !approval->valid ? (approval->problem != NULL ? approval->problem
                                                                            : _("invalid"))
                              : approval->trusted ? _("valid")
                                                  : _("valid, but the approver’s certificate is "
                                                      "not trusted here"));
      add_detail (row, details, _("Approval"), text);
    }

  line = adw_action_row_new ();
  /* Two buttons a line at most: the sidebar stays narrow. */
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), TRUE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_widget_set_hexpand (buttons, TRUE);
  gtk_widget_set_margin_top (buttons, 6);
  gtk_widget_set_margin_bottom (buttons, 6);
  if (signature->page > 0)
    add_button (self, buttons, _("Show on _Page"), NULL, SIGNAL_SHOW_SIGNATURE, index);
  /* Only a signature that later revisions were added to has an earlier version to show. */
  if (signature->coverage == INKAN_COVERAGE_ENTIRE_REVISION)
    {
      add_button (self, buttons, _("Signed _Version"),
                  _("Open the document exactly as it was when this signature was made"),
                  SIGNAL_SHOW_SIGNED_VERSION, index);
      add_button (self, buttons, _("What C_hanged"),
                  _("Mark on the pages what looks different since this signature was made"),
                  SIGNAL_SHOW_CHANGES, index);
    }
  button = add_button (self, buttons, _("_Certificates"), NULL, SIGNAL_SHOW_CERTIFICATES, index);
  gtk_widget_set_sensitive (button, signature->chain != NULL && signature->chain->len > 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (line), buttons);
  for (GtkWidget *child = gtk_widget_get_first_child (buttons); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (line), FALSE);
  adw_expander_row_add_row (row, line);

  return GTK_WIDGET (row);
}

static void
clear (InkanSignatureList *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->list, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_ptr_array_set_size (self->details, 0);
  g_ptr_array_set_size (self->codes, 0);
  g_ptr_array_set_size (self->verdicts, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->code_result), FALSE);
}

int
inkan_signature_list_check_code (InkanSignatureList *self,
                                 const char         *code)
{
  g_autofree char *normal = NULL;
  g_autofree char *text = NULL;
  int found = -1;

  g_return_val_if_fail (INKAN_IS_SIGNATURE_LIST (self), -1);
  g_return_val_if_fail (code != NULL, -1);

  normal = inkan_verification_code_normalize (code);
  for (guint i = 0; normal != NULL && i < self->codes->len && found < 0; i++)
    if (g_strcmp0 (g_ptr_array_index (self->codes, i), normal) == 0)
      found = (int) i;
  gtk_widget_remove_css_class (GTK_WIDGET (self->code_result), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->code_result), "error");
  if (normal == NULL)
    text = g_strdup (_("A verification code has 12 letters and digits, like ABCD-EFGH-JK23."));
  else if (found < 0)
    text = g_strdup_printf (_("%s belongs to no signature of this document."), normal);
  else
    {
      /* Translators: "ABCD-EFGH-JK23 belongs to the signature of Li Wei (Clerk): valid" */
      text = g_strdup_printf (_("%s belongs to the signature of %s"), normal,
                              (const char *) g_ptr_array_index (self->verdicts, found));
      adw_expander_row_set_expanded (g_ptr_array_index (self->rows, found), TRUE);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->code_result), found >= 0 ? "success" : "error");
  gtk_label_set_text (self->code_result, text);
  gtk_widget_set_visible (GTK_WIDGET (self->code_result), TRUE);
  return found;
}

static void
code_entry_activate (InkanSignatureList *self)
{
  inkan_signature_list_check_code (self, gtk_editable_get_text (GTK_EDITABLE (self->code_entry)));
}

void
inkan_signature_list_set_report (InkanSignatureList *self,
                                 const InkanReport  *report)
{
  guint n;

  g_return_if_fail (INKAN_IS_SIGNATURE_LIST (self));

  clear (self);
  n = report != NULL && report->signatures != NULL ? report->signatures->len : 0;
  for (guint i = 0; i < n; i++)
    {
      const InkanSignatureReport *signature = g_ptr_array_index (report->signatures, i);
      g_autoptr (GPtrArray) details = g_ptr_array_new_null_terminated (8, g_free, TRUE);
      GtkWidget *row;

      row = signature_row (self, signature, i, details);
      g_ptr_array_add (self->rows, row);
      g_ptr_array_add (self->codes, g_strdup (signature->verification_code));
      g_ptr_array_add (self->verdicts,
                       g_strdup_printf ("%s: %s", inkan_validity_signer_words (signature),
                                        inkan_validity_verdict_words (signature)));
      g_ptr_array_add (self->details, g_ptr_array_steal (details, NULL));
      /* Newest first: the last seal is what a reader looks for. */
      gtk_list_box_prepend (self->list, row);
    }
  if (n == 1)
    adw_expander_row_set_expanded (g_ptr_array_index (self->rows, 0), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->empty), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->code_entry), n > 0);
}

guint
inkan_signature_list_get_n_rows (InkanSignatureList *self)
{
  g_return_val_if_fail (INKAN_IS_SIGNATURE_LIST (self), 0);

  return self->rows->len;
}

AdwExpanderRow *
inkan_signature_list_get_row (InkanSignatureList *self,
                              guint               index)
{
  g_return_val_if_fail (INKAN_IS_SIGNATURE_LIST (self), NULL);

  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

GStrv
inkan_signature_list_get_details (InkanSignatureList *self,
                                  guint               index)
{
  g_return_val_if_fail (INKAN_IS_SIGNATURE_LIST (self), NULL);

  return index < self->details->len ? g_ptr_array_index (self->details, index) : NULL;
}

static void
inkan_signature_list_dispose (GObject *object)
{
  InkanSignatureList *self = INKAN_SIGNATURE_LIST (object);

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), INKAN_TYPE_SIGNATURE_LIST);
  /* GTK 4.8 unparents only the template's bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->details, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_ptr_array_unref);
  g_clear_pointer (&self->verdicts, g_ptr_array_unref);

  G_OBJECT_CLASS (inkan_signature_list_parent_class)->dispose (object);
}

static void
inkan_signature_list_class_init (InkanSignatureListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_signature_list_dispose;

  signals[SIGNAL_SHOW_SIGNATURE] =
    g_signal_new ("show-signature", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_SHOW_CERTIFICATES] =
    g_signal_new ("show-certificates", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  signals[SIGNAL_SHOW_SIGNED_VERSION] =
    g_signal_new ("show-signed-version", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  signals[SIGNAL_SHOW_CHANGES] =
    g_signal_new ("show-changes", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-signature-list.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanSignatureList, list);
  gtk_widget_class_bind_template_child (widget_class, InkanSignatureList, empty);
  gtk_widget_class_bind_template_child (widget_class, InkanSignatureList, code_entry);
  gtk_widget_class_bind_template_child (widget_class, InkanSignatureList, code_result);
  gtk_widget_class_bind_template_callback (widget_class, code_entry_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkan-signature-list");
}

static void
inkan_signature_list_init (InkanSignatureList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->details = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->codes = g_ptr_array_new_with_free_func (g_free);
  self->verdicts = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->code_entry), FALSE);
}

GtkWidget *
inkan_signature_list_new (void)
{
  return g_object_new (INKAN_TYPE_SIGNATURE_LIST, NULL);
}
