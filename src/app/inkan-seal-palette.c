/* The seal palette: seals with their images and state; drag sources and keyboard activation. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "inkan-seal-palette.h"

#define ITEM_KEY "inkan-seal-item"

struct _InkanSealPalette
{
  GtkWidget parent_instance;

  char *store_path;
  char *user_name;
  char *document_path;
  GCancellable *cancellable;
  GPtrArray *items;           /* InkanSealItem */
  char *message;
  gboolean loading;

  GtkLabel *subtitle;
  GtkStack *stack;
  GtkListBox *list;
  AdwStatusPage *message_page;
};

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

enum
{
  SEAL_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanSealPalette, inkan_seal_palette, GTK_TYPE_WIDGET)

static void
set_loading (InkanSealPalette *self,
             gboolean          loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
show_message (InkanSealPalette *self,
              const char       *title,
              const char       *description)
{
  g_free (self->message);
  self->message = g_strdup (description != NULL ? description : title);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static GdkContentProvider *
drag_prepare (GtkDragSource *source,
              double         x,
              double         y,
              GtkWidget     *row)
{
  InkanSealItem *item = g_object_get_data (G_OBJECT (row), ITEM_KEY);

  if (item == NULL || !inkan_seal_item_can_place (item))
    return NULL;
  return gdk_content_provider_new_typed (INKAN_TYPE_SEAL_ITEM, item);
}

static void
drag_begin (GtkDragSource *source,
            GdkDrag       *drag,
            GtkWidget     *row)
{
  InkanSealItem *item = g_object_get_data (G_OBJECT (row), ITEM_KEY);
  GdkTexture *texture = item != NULL ? inkan_seal_item_get_texture (item) : NULL;

  if (texture != NULL)
    gtk_drag_source_set_icon (source, GDK_PAINTABLE (texture), 32, 32);
}

static GtkWidget *
make_row (InkanSealItem *item)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *name = gtk_label_new (inkan_seal_item_get_name (item));
  GtkWidget *state = gtk_label_new (inkan_seal_item_get_state_label (item));
  const char *reason = inkan_seal_item_get_reason (item);
  gboolean placeable = inkan_seal_item_can_place (item);
  g_autofree char *accessible = NULL, *unbound_note = NULL, *tooltip = NULL;
  GtkWidget *unbound = NULL;

  gtk_widget_add_css_class (row, "inkan-seal-row");
  gtk_widget_add_css_class (row, inkan_seal_availability_to_string (
                                   inkan_seal_item_get_availability (item)));
  gtk_picture_set_paintable (GTK_PICTURE (picture),
                             GDK_PAINTABLE (inkan_seal_item_get_texture (item)));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, 48, 48);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (state), 0);
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_add_css_class (state, "inkan-seal-state");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), state);
  if (!inkan_seal_item_is_bound (item))
    {
      unbound = gtk_label_new (_("Not bound"));
      gtk_label_set_xalign (GTK_LABEL (unbound), 0);
      gtk_widget_add_css_class (unbound, "caption");
      gtk_widget_add_css_class (unbound, "warning");
      gtk_widget_add_css_class (unbound, "inkan-seal-unbound");
      gtk_box_append (GTK_BOX (labels), unbound);
      /* TRANSLATORS: %s is the seal's name. */
      unbound_note = g_strdup_printf (_("The seal “%s” has no seal record: its sealings cannot be "
                                        "told from one with a swapped picture. Ask an "
                                        "administrator to bind it (inkan-cli seal rebind)."),
                                      inkan_seal_item_get_name (item));
    }
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  if (!placeable)
    gtk_widget_add_css_class (box, "dim-label");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), placeable);
  tooltip = g_strjoin ("\n", reason != NULL ? reason
                                             : _("Drag it onto a page, or press Enter to place "
                                                 "it on the current page."),
                       unbound_note, NULL);
  gtk_widget_set_tooltip_text (row, tooltip);
  accessible = g_strdup_printf ("%s: %s. %s%s%s", inkan_seal_item_get_name (item),
                                inkan_seal_item_get_state_label (item),
                                reason != NULL ? reason : "", unbound_note != NULL ? " " : "",
                                unbound_note != NULL ? unbound_note : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_object_set_data_full (G_OBJECT (row), ITEM_KEY, g_object_ref (item), g_object_unref);

  if (placeable)
    {
      GtkDragSource *source = gtk_drag_source_new ();

      gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
      g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare), row);
      g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
    }
  return row;
}

static void
clear_list (InkanSealPalette *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->items, 0);
}

static void
statuses_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (InkanSealPalette) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) statuses = inkan_seal_status_list_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (statuses == NULL)
    {
      show_message (self, _("Seals Unavailable"), error->message);
      return;
    }
  clear_list (self);
  g_ptr_array_set_free_func (statuses, NULL);
  for (guint i = 0; i < statuses->len; i++)
    {
      InkanSealItem *item = inkan_seal_item_new (g_ptr_array_index (statuses, i));

      g_ptr_array_add (self->items, item);
      gtk_list_box_append (self->list, make_row (item));
    }
  if (statuses->len == 0)
    {
      show_message (self, _("No Seals"),
                    _("The seal registry has no seals yet; an administrator creates them."));
      return;
    }
  g_clear_pointer (&self->message, g_free);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

void
inkan_seal_palette_reload (InkanSealPalette *self)
{
  g_autofree char *subtitle = NULL;

  g_return_if_fail (INKAN_IS_SEAL_PALETTE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_list (self);

  if (self->store_path == NULL)
    {
      gtk_label_set_text (self->subtitle, "");
      set_loading (self, FALSE);
      show_message (self, _("No Seal Registry"),
                    _("No seal registry is set up: set INKAN_DB, or the store path in the "
                      "settings."));
      return;
    }
  if (self->user_name == NULL)
    {
      gtk_label_set_text (self->subtitle, "");
      set_loading (self, FALSE);
      show_message (self, _("No User Chosen"),
                    _("Choose who you are with Change User… in the main menu to see your seals."));
      return;
    }
  /* TRANSLATORS: under the palette's title: the current user. */
  subtitle = g_strdup_printf (_("As %s"), self->user_name);
  gtk_label_set_text (self->subtitle, subtitle);
  if (self->document_path == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  inkan_seal_status_list_async (self->store_path, self->user_name, self->document_path, NULL,
                                self->cancellable, statuses_loaded, g_object_ref (self));
}

void
inkan_seal_palette_load (InkanSealPalette *self,
                         const char       *store_path,
                         const char       *user_name,
                         const char       *document_path)
{
  g_return_if_fail (INKAN_IS_SEAL_PALETTE (self));

  g_free (self->store_path);
  self->store_path = g_strdup (store_path);
  g_free (self->user_name);
  self->user_name = g_strdup (user_name);
  g_free (self->document_path);
  self->document_path = g_strdup (document_path);
  inkan_seal_palette_reload (self);
}

gboolean
inkan_seal_palette_get_loading (InkanSealPalette *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), FALSE);
  return self->loading;
}

const char *
inkan_seal_palette_get_message (InkanSealPalette *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), NULL);
  return self->message;
}

guint
inkan_seal_palette_get_n_items (InkanSealPalette *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), 0);
  return self->items->len;
}

InkanSealItem *
inkan_seal_palette_get_item (InkanSealPalette *self,
                             guint             index)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_ptr_array_index (self->items, index);
}

InkanSealItem *
inkan_seal_palette_find_item (InkanSealPalette *self,
                              const char       *name)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (inkan_seal_item_get_name (g_ptr_array_index (self->items, i)), name) == 0)
      return g_ptr_array_index (self->items, i);
  return NULL;
}

GtkWidget *
inkan_seal_palette_get_row (InkanSealPalette *self,
                            InkanSealItem    *item)
{
  g_return_val_if_fail (INKAN_IS_SEAL_PALETTE (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), ITEM_KEY) == item)
      return row;
  return NULL;
}

static void
row_activated (GtkListBox       *list,
               GtkListBoxRow    *row,
               InkanSealPalette *self)
{
  InkanSealItem *item = g_object_get_data (G_OBJECT (row), ITEM_KEY);

  if (item != NULL && inkan_seal_item_can_place (item))
    g_signal_emit (self, signals[SEAL_ACTIVATED], 0, item);
}

static void
inkan_seal_palette_dispose (GObject *object)
{
  InkanSealPalette *self = INKAN_SEAL_PALETTE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), INKAN_TYPE_SEAL_PALETTE);
  /* The template's top box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (inkan_seal_palette_parent_class)->dispose (object);
}

static void
inkan_seal_palette_finalize (GObject *object)
{
  InkanSealPalette *self = INKAN_SEAL_PALETTE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self->store_path);
  g_free (self->user_name);
  g_free (self->document_path);
  g_free (self->message);

  G_OBJECT_CLASS (inkan_seal_palette_parent_class)->finalize (object);
}

static void
inkan_seal_palette_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, INKAN_SEAL_PALETTE (object)->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_seal_palette_class_init (InkanSealPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_seal_palette_dispose;
  object_class->finalize = inkan_seal_palette_finalize;
  object_class->get_property = inkan_seal_palette_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SEAL_ACTIVATED] = g_signal_new ("seal-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, INKAN_TYPE_SEAL_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-seal-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanSealPalette, subtitle);
  gtk_widget_class_bind_template_child (widget_class, InkanSealPalette, stack);
  gtk_widget_class_bind_template_child (widget_class, InkanSealPalette, list);
  gtk_widget_class_bind_template_child_full (widget_class, "message", FALSE,
                                             G_STRUCT_OFFSET (InkanSealPalette, message_page));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkan-seal-palette");
}

static void
inkan_seal_palette_init (InkanSealPalette *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated), self);
}

GtkWidget *
inkan_seal_palette_new (void)
{
  return g_object_new (INKAN_TYPE_SEAL_PALETTE, NULL);
}
