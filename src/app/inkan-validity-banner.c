/* The banner across a signed document: green, yellow or red, what it means and what to do. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-validity-banner.h"

struct _InkanValidityBanner
{
  GtkWidget parent_instance;

  InkanValidityState state;
  GtkRevealer *revealer;
  GtkBox *box;
  GtkImage *icon;
  GtkLabel *title;
  GtkLabel *detail;
  GtkButton *details_button;
  GtkSpinner *spinner;
};

enum
{
  SIGNAL_DETAILS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanValidityBanner, inkan_validity_banner, GTK_TYPE_WIDGET)

static const char *const state_classes[] = { "none", "valid", "unsure", "invalid" };

static void
show (InkanValidityBanner *self,
      InkanValidityState   state,
      const char          *title,
      const char          *detail,
      gboolean             busy)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->box), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->box), state_classes[state]);
  self->state = state;
  gtk_image_set_from_icon_name (self->icon, inkan_validity_state_icon_name (state));
  gtk_widget_set_visible (GTK_WIDGET (self->icon), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_label (self->title, title);
  gtk_label_set_label (self->detail, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), detail != NULL && *detail != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->details_button), !busy && state != INKAN_VALIDITY_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

void
inkan_validity_banner_set_busy (InkanValidityBanner *self)
{
  g_return_if_fail (INKAN_IS_VALIDITY_BANNER (self));

  show (self, INKAN_VALIDITY_NONE, _("Checking signatures…"), NULL, TRUE);
  /* Only documents with signatures get a banner: reveal it once the verifier says so. */
  gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

void
inkan_validity_banner_set_report (InkanValidityBanner *self,
                                  const InkanReport   *report)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  InkanValidityState state;

  g_return_if_fail (INKAN_IS_VALIDITY_BANNER (self));
  g_return_if_fail (report != NULL);

  state = inkan_validity_summarize (report, &title, &detail);
  show (self, state, title, detail, FALSE);
  gtk_revealer_set_reveal_child (self->revealer, state != INKAN_VALIDITY_NONE);
}

void
inkan_validity_banner_set_error (InkanValidityBanner *self,
                                 const GError        *error)
{
  g_autofree char *detail = NULL;

  g_return_if_fail (INKAN_IS_VALIDITY_BANNER (self));
  g_return_if_fail (error != NULL);

  detail = g_strdup_printf (_("Do not rely on its signatures. %s"), error->message);
  show (self, INKAN_VALIDITY_UNSURE, _("The signatures could not be checked"), detail, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->details_button), FALSE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

InkanValidityState
inkan_validity_banner_get_state (InkanValidityBanner *self)
{
  g_return_val_if_fail (INKAN_IS_VALIDITY_BANNER (self), INKAN_VALIDITY_NONE);

  return gtk_revealer_get_reveal_child (self->revealer) ? self->state : INKAN_VALIDITY_NONE;
}

const char *
inkan_validity_banner_get_title (InkanValidityBanner *self)
{
  g_return_val_if_fail (INKAN_IS_VALIDITY_BANNER (self), NULL);

  return gtk_label_get_label (self->title);
}

const char *
inkan_validity_banner_get_detail (InkanValidityBanner *self)
{
  g_return_val_if_fail (INKAN_IS_VALIDITY_BANNER (self), NULL);

  return gtk_label_get_label (self->detail);
}

static void
details_clicked (InkanValidityBanner *self)
{
  g_signal_emit (self, signals[SIGNAL_DETAILS], 0);
}

static void
inkan_validity_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), INKAN_TYPE_VALIDITY_BANNER);

  G_OBJECT_CLASS (inkan_validity_banner_parent_class)->dispose (object);
}

static void
inkan_validity_banner_class_init (InkanValidityBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_validity_banner_dispose;

  signals[SIGNAL_DETAILS] =
    g_signal_new ("details", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-validity-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, box);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, title);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, detail);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, details_button);
  gtk_widget_class_bind_template_child (widget_class, InkanValidityBanner, spinner);
  gtk_widget_class_bind_template_callback (widget_class, details_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkan-validity-banner");
}

static void
inkan_validity_banner_init (InkanValidityBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
inkan_validity_banner_new (void)
{
  return g_object_new (INKAN_TYPE_VALIDITY_BANNER, NULL);
}
