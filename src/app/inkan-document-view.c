/* A document in a tab: the page view with its thumbnail sidebar, and a spinner while it loads. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <inttypes.h>
#include <math.h>
#include <glib/gi18n.h>

#include "inkan-certificate-window.h"
#include "inkan-application.h"
#include "inkan-document-view.h"
#include "inkan-signature-list.h"
#include "inkan-thumbnail.h"
#include "inkan-validity-banner.h"
#include "inkan-window.h"

struct _InkanDocumentView
{
  GtkWidget parent_instance;

  GFile *file;
  InkanDocument *document;
  char *title;

  GtkStack *stack;
  AdwFlap *flap;
  GtkListView *thumbnails;
  GtkScrolledWindow *scroller;
  InkanPageView *page_view;
  GtkSingleSelection *selection;

  InkanValidityBanner *banner;
  GtkRevealer *signatures_revealer;
  InkanSignatureList *signature_list;
  GCancellable *cancellable;
  InkanValidityResult *result;
  GtkWidget *outline;       /* the outline around the signature last shown, or NULL */
  GPtrArray *change_marks;  /* the widgets marking what changed since a signature */
  InkanVisualDiff *changes; /* what they mark, or NULL */
  gboolean verifying;
  InkanSealPalette *palette;
  GtkRevealer *seal_bar_revealer;
  GtkSpinner *seal_spinner;
  GtkLabel *seal_label;
  GtkButton *apply_button;
  GtkCheckButton *riding_check;
  GtkButton *cancel_button;

  /* Stamping. */
  InkanSealItem *placed_item;
  InkanSealOverlay *placed;
  InkanSealFlow *flow;
  GApplication *application;    /* watched for the current user */
  gulong user_handler;
};

enum
{
  PROP_0,
  PROP_FILE,
  PROP_DOCUMENT,
  PROP_TITLE,
  PROP_LOADING,
  PROP_SIDEBAR_VISIBLE,
  PROP_VERIFYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (InkanDocumentView, inkan_document_view, GTK_TYPE_WIDGET)

static void
thumbnail_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "inkan-thumbnail-row");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), inkan_thumbnail_new ());
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
thumbnail_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                InkanDocumentView        *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *thumbnail = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (thumbnail);
  GtkStringObject *string = gtk_list_item_get_item (item);
  int page = (int) gtk_list_item_get_position (item);

  inkan_thumbnail_set_page (INKAN_THUMBNAIL (thumbnail), self->document, page);
  gtk_label_set_text (GTK_LABEL (label), gtk_string_object_get_string (string));
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_string_object_get_string (string), -1);
}

static void
thumbnail_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  inkan_thumbnail_set_page (INKAN_THUMBNAIL (gtk_widget_get_first_child (box)), NULL, 0);
}

static void
thumbnail_activate (GtkListView       *list,
                    guint              position,
                    InkanDocumentView *self)
{
  inkan_page_view_scroll_to_page (self->page_view, (int) position);
}

static void
page_changed (InkanPageView     *page_view,
              InkanDocumentView *self)
{
  int page = inkan_page_view_get_current_page (page_view);

  if (self->selection != NULL &&
      gtk_single_selection_get_selected (self->selection) != (guint) page)
    {
      gtk_single_selection_set_selected (self->selection, (guint) page);
      /* GTK 4.8 has no gtk_list_view_scroll_to(); the list's own action does it. */
      gtk_widget_activate_action (GTK_WIDGET (self->thumbnails), "list.scroll-to-item", "u",
                                  (guint) page);
    }
}

static void
verified (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (InkanDocumentView) self = user_data;
  g_autoptr (GError) error = NULL;
  InkanValidityResult *found = inkan_validity_verify_finish (result, &error);
  const InkanReport *report = found != NULL ? found->report : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->result, inkan_validity_result_free);
  self->result = found;
  if (report != NULL)
    {
      inkan_validity_banner_set_report (self->banner, report);
      inkan_signature_list_set_report (self->signature_list, report);
      gtk_revealer_set_reveal_child (self->signatures_revealer,
                                     report->signatures != NULL && report->signatures->len > 0);
    }
  else
    inkan_validity_banner_set_error (self->banner, error);
  self->verifying = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFYING]);
}

/* Every document is checked as it opens, in a worker thread: it is readable meanwhile. */
static void
start_verification (InkanDocumentView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->verifying = TRUE;
  inkan_validity_banner_set_busy (self->banner);
  inkan_validity_verify_async (self->file, self->cancellable, verified, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFYING]);
}

static void
banner_details (InkanDocumentView *self)
{
  gtk_revealer_set_reveal_child (self->signatures_revealer,
                                 !gtk_revealer_get_reveal_child (self->signatures_revealer));
}

static void
show_signature (InkanDocumentView *self,
                guint              index)
{
  const InkanSignatureReport *signature;
  InkanRect shown;
  int page;

  if (self->document == NULL || self->result == NULL
      || index >= self->result->report->signatures->len)
    return;
  signature = g_ptr_array_index (self->result->report->signatures, index);
  page = (int) signature->page - 1;
  if (page < 0 || page >= inkan_document_get_n_pages (self->document))
    return;
  inkan_page_view_scroll_to_page (self->page_view, page);
  shown = g_array_index (self->result->shown, InkanRect, index);
  if (shown.width <= 0 || shown.height <= 0)
    return;
  /* The page's top is in view; bring the seal to the middle of the viewport instead. */
  {
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->page_view));
    double x, top, bottom;

    inkan_page_view_page_to_view (self->page_view, page, shown.x, shown.y, &x, &top);
    inkan_page_view_page_to_view (self->page_view, page, shown.x, shown.y + shown.height, &x,
                                  &bottom);
    if (vadjustment != NULL)
      gtk_adjustment_set_value (vadjustment,
                                gtk_adjustment_get_value (vadjustment)
                                + (top + bottom) / 2
                                - gtk_widget_get_height (GTK_WIDGET (self->page_view)) / 2.0);
  }
  if (self->outline == NULL)
    {
      self->outline = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      gtk_widget_add_css_class (self->outline, "inkan-signature-outline");
      gtk_widget_set_can_target (self->outline, FALSE);
      inkan_page_view_add_overlay (self->page_view, self->outline, page, shown.x, shown.y,
                                   shown.width, shown.height);
    }
  else
    inkan_page_view_move_overlay (self->page_view, self->outline, page, shown.x, shown.y,
                                  shown.width, shown.height);
}

static void
show_certificates (InkanDocumentView *self,
                   guint              index)
{
  const InkanSignatureReport *signature;
  GtkWindow *window;

  if (self->result == NULL || index >= self->result->report->signatures->len)
    return;
  signature = g_ptr_array_index (self->result->report->signatures, index);
  window = inkan_certificate_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         inkan_validity_signer_words (signature),
                                         signature->chain);
  gtk_window_present (window);
}

static void
signed_version_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (InkanDocumentView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = inkan_validity_extract_signed_finish (result, &error);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !INKAN_IS_WINDOW (root))
    return;
  if (file == NULL)
    {
      inkan_window_show_toast (INKAN_WINDOW (root), error->message);
      return;
    }
  inkan_window_open (INKAN_WINDOW (root), file);
}

static void
clear_changes (InkanDocumentView *self)
{
  for (guint i = 0; self->change_marks != NULL && i < self->change_marks->len; i++)
    inkan_page_view_remove_overlay (self->page_view, g_ptr_array_index (self->change_marks, i));
  if (self->change_marks != NULL)
    g_ptr_array_set_size (self->change_marks, 0);
  g_clear_pointer (&self->changes, inkan_visual_diff_free);
}

static void
changes_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (InkanDocumentView) self = user_data;
  g_autoptr (GError) error = NULL;
  InkanVisualDiff *diff = inkan_validity_compare_finish (result, &error);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *message = NULL;
  GHashTable *pages;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->document == NULL)
    {
      inkan_visual_diff_free (diff);
      return;
    }
  clear_changes (self);
  if (diff == NULL)
    {
      if (INKAN_IS_WINDOW (root))
        inkan_window_show_toast (INKAN_WINDOW (root), error->message);
      return;
    }
  self->changes = diff;
  pages = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < diff->areas->len; i++)
    {
      const InkanVisualChange *change = &g_array_index (diff->areas, InkanVisualChange, i);
      GtkWidget *mark = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      gtk_widget_add_css_class (mark, "inkan-change-mark");
      gtk_widget_set_can_target (mark, FALSE);
      gtk_widget_set_tooltip_text (mark, _("This area looks different since the signature"));
      inkan_page_view_add_overlay (self->page_view, mark, change->page, change->rect.x,
                                   change->rect.y, change->rect.width, change->rect.height);
      g_ptr_array_add (self->change_marks, mark);
      g_hash_table_add (pages, GINT_TO_POINTER (change->page + 1));
    }
  if (diff->areas->len > 0)
    {
      const InkanVisualChange *first = &g_array_index (diff->areas, InkanVisualChange, 0);

      inkan_page_view_scroll_to_page (self->page_view, first->page);
      message = g_strdup_printf (ngettext ("%u area looks different since the signature, on %u "
                                           "page: it is marked in red.",
                                           "%u areas look different since the signature, on %u "
                                           "page(s): they are marked in red.",
                                           diff->areas->len),
                                 diff->areas->len, g_hash_table_size (pages));
    }
  else
    message = g_strdup (_("Nothing looks different on the pages since the signature."));
  if (diff->pages_added > 0 || diff->pages_removed > 0)
    {
      char *more = g_strdup_printf (_("%s Pages added: %u; removed: %u."), message,
                                    diff->pages_added, diff->pages_removed);

      g_free (message);
      message = more;
    }
  g_hash_table_unref (pages);
  if (INKAN_IS_WINDOW (root))
    inkan_window_show_toast (INKAN_WINDOW (root), message);
}

/* "What changed": marks on the pages what looks different since the signature, compared in a
 * worker; asked again, it takes the marks away. */
static void
show_changes (InkanDocumentView *self,
              guint              index)
{
  const InkanSignatureReport *signature;

  if (self->changes != NULL)
    {
      clear_changes (self);
      return;
    }
  if (self->result == NULL || index >= self->result->report->signatures->len)
    return;
  signature = g_ptr_array_index (self->result->report->signatures, index);
  inkan_validity_compare_async (self->file, signature->revision, self->cancellable, changes_ready,
                                g_object_ref (self));
}

const InkanVisualDiff *
inkan_document_view_get_changes (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  return self->changes;
}

guint
inkan_document_view_get_n_change_marks (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), 0);

  return self->change_marks->len;
}

static void
show_signed_version (InkanDocumentView *self,
                     guint              index)
{
  const InkanSignatureReport *signature;

  if (self->result == NULL || index >= self->result->report->signatures->len)
    return;
  signature = g_ptr_array_index (self->result->report->signatures, index);
  inkan_validity_extract_signed_async (self->file, signature->revision,
                                       inkan_validity_signer_words (signature), self->cancellable,
                                       signed_version_ready, g_object_ref (self));
}

/* ---- stamping ---------------------------------------------------------------------------- */

static void
load_palette (InkanDocumentView *self)
{
  InkanApplication *application = INKAN_IS_APPLICATION (self->application)
                                    ? INKAN_APPLICATION (self->application) : NULL;

  gboolean has_store = application != NULL
                      && inkan_application_get_store_path (application) != NULL;
  GtkWidget *separator = gtk_widget_get_prev_sibling (GTK_WIDGET (self->palette));

  /* A recipient without a seal registry reads and checks documents: no palette for them. */
  gtk_widget_set_visible (GTK_WIDGET (self->palette), has_store);
  if (separator != NULL)
    gtk_widget_set_visible (separator, has_store);
  if (self->document == NULL)
    return;
  inkan_seal_palette_load (self->palette,
                           application != NULL ? inkan_application_get_store_path (application)
                                               : NULL,
                           application != NULL ? inkan_application_get_user (application) : NULL,
                           inkan_document_get_path (self->document));
}

static gboolean
flow_busy (InkanDocumentView *self)
{
  InkanSealFlowState state = self->flow != NULL ? inkan_seal_flow_get_state (self->flow)
                                                : INKAN_SEAL_FLOW_IDLE;

  return state != INKAN_SEAL_FLOW_IDLE && state != INKAN_SEAL_FLOW_DONE
         && state != INKAN_SEAL_FLOW_FAILED && state != INKAN_SEAL_FLOW_CANCELLED;
}

static gboolean
placed_needs_request (InkanDocumentView *self)
{
  return self->placed_item != NULL
         && inkan_seal_item_get_availability (self->placed_item)
              == INKAN_AVAILABILITY_NEEDS_APPROVAL;
}

/* The bar under the pages: what to do with the placed seal, or the sealing's progress. */
static void
update_seal_bar (InkanDocumentView *self)
{
  InkanSealFlowState state = self->flow != NULL ? inkan_seal_flow_get_state (self->flow)
                                                : INKAN_SEAL_FLOW_IDLE;
  gboolean busy = flow_busy (self);
  gboolean working = state == INKAN_SEAL_FLOW_SIGNING || state == INKAN_SEAL_FLOW_REQUESTING;
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->seal_bar_revealer, self->placed != NULL || working);
  gtk_widget_set_visible (GTK_WIDGET (self->seal_spinner), working);
  gtk_spinner_set_spinning (self->seal_spinner, working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), self->placed != NULL && !busy);
  /* A request asks for the seal where it was placed: no riding seal under one. */
  gtk_widget_set_visible (GTK_WIDGET (self->riding_check), !placed_needs_request (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), self->placed != NULL && !busy);
  gtk_button_set_label (self->apply_button, placed_needs_request (self)
                                              ? _("_Request Approval…") : _("_Apply Seal"));
  if (state == INKAN_SEAL_FLOW_SIGNING)
    text = g_strdup (_("Sealing… the token is signing the document."));
  else if (state == INKAN_SEAL_FLOW_REQUESTING)
    text = g_strdup (_("Sending the request…"));
  else if (self->placed_item != NULL)
    {
      const InkanSealStatus *status = inkan_seal_item_get_status (self->placed_item);

      if (status->request != NULL && status->request->page > 0)
        text = g_strdup_printf (_("The %s seal goes where request %" PRId64 " placed "
                                  "it. Enter applies it, Escape cancels."),
                                status->seal->name, status->request->id);
      /* The placement gives a riding seal its size and height only: say where it goes. */
      else if (gtk_check_button_get_active (self->riding_check)
               && gtk_widget_get_visible (GTK_WIDGET (self->riding_check)))
        text = g_strdup_printf (_("The %s seal goes in slices along the right edge of every "
                                  "page, at the placed seal’s size and height. Enter applies, "
                                  "Escape cancels."),
                                status->seal->name);
      else
        text = g_strdup_printf (_("Place the %s seal: drag it or use the arrows; Shift+arrows "
                                  "resize. Enter applies, Escape cancels."),
                                status->seal->name);
    }
  gtk_label_set_text (self->seal_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->seal_label), text);
}

static void
riding_toggled (InkanDocumentView *self)
{
  update_seal_bar (self);
}

/* Takes the placed seal off the page. */
static void
drop_placed (InkanDocumentView *self)
{
  if (self->placed != NULL)
    inkan_seal_overlay_remove (self->placed);
  g_clear_object (&self->placed);
}

void
inkan_document_view_cancel_placement (InkanDocumentView *self)
{
  g_return_if_fail (INKAN_IS_DOCUMENT_VIEW (self));

  if (flow_busy (self))
    return;
  drop_placed (self);
  g_clear_object (&self->placed_item);
  update_seal_bar (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
}

static void
flow_changed (InkanDocumentView *self)
{
  InkanSealFlowState state = inkan_seal_flow_get_state (self->flow);

  if (state == INKAN_SEAL_FLOW_DONE)
    {
      /* Applied or requested: the seal is on its way; the palette shows the new state. */
      drop_placed (self);
      g_clear_object (&self->placed_item);
      inkan_seal_palette_reload (self->palette);
    }
  else if (state == INKAN_SEAL_FLOW_FAILED || state == INKAN_SEAL_FLOW_CANCELLED)
    {
      /* The placement stays for another try. */
      if (self->placed != NULL && gtk_widget_get_mapped (GTK_WIDGET (self->placed)))
        gtk_widget_grab_focus (GTK_WIDGET (self->placed));
    }
  update_seal_bar (self);
}

static void
clear_flow (InkanDocumentView *self)
{
  if (self->flow == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->flow, flow_changed, self);
  g_clear_object (&self->flow);
}

InkanSealFlow *
inkan_document_view_apply_placement (InkanDocumentView *self)
{
  InkanApplication *application;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  InkanRect rect;

  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  if (self->placed == NULL || flow_busy (self) || !GTK_IS_WINDOW (root)
      || !INKAN_IS_APPLICATION (self->application))
    return NULL;
  application = INKAN_APPLICATION (self->application);
  if (inkan_application_get_store_path (application) == NULL
      || inkan_application_get_user (application) == NULL)
    return NULL;

  clear_flow (self);
  inkan_seal_overlay_get_visible_rect (self->placed, &rect);
  self->flow = inkan_seal_flow_new (GTK_WINDOW (root),
                                    inkan_application_get_store_path (application),
                                    inkan_application_get_user (application),
                                    inkan_document_get_path (self->document), self->placed_item,
                                    (guint) inkan_seal_overlay_get_page (self->placed) + 1, &rect);
  g_signal_connect_swapped (self->flow, "notify::state", G_CALLBACK (flow_changed), self);
  if (placed_needs_request (self))
    inkan_seal_flow_request (self->flow);
  else
    {
      inkan_seal_flow_set_riding (self->flow, gtk_check_button_get_active (self->riding_check));
      inkan_seal_flow_apply (self->flow);
    }
  update_seal_bar (self);
  return self->flow;
}

InkanSealFlow *
inkan_document_view_get_seal_flow (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->flow;
}

static void
apply_clicked (InkanDocumentView *self)
{
  inkan_document_view_apply_placement (self);
}

static void
cancel_clicked (InkanDocumentView *self)
{
  inkan_document_view_cancel_placement (self);
}

gboolean
inkan_document_view_place_seal (InkanDocumentView *self,
                                InkanSealItem     *item,
                                int                page,
                                double             x,
                                double             y)
{
  const InkanSealStatus *status;
  GdkTexture *texture;
  double page_w, page_h, w, h;
  InkanRect rect;

  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), FALSE);
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (item), FALSE);

  if (self->document == NULL || flow_busy (self) || !inkan_seal_item_can_place (item)
      || page < 0 || page >= inkan_document_get_n_pages (self->document))
    return FALSE;

  status = inkan_seal_item_get_status (item);
  texture = inkan_seal_item_get_texture (item);
  inkan_document_get_page_size (self->document, page, &page_w, &page_h);
  if (status->request != NULL && status->request->page > 0
      && (int) status->request->page <= inkan_document_get_n_pages (self->document))
    {
      /* An approved request fixed the place: show it there. */
      InkanRect visible = { status->request->rect[0], status->request->rect[1],
                            status->request->rect[2], status->request->rect[3] };

      page = (int) status->request->page - 1;
      inkan_document_get_page_size (self->document, page, &page_w, &page_h);
      inkan_placement_visible_to_shown (&visible, page_h, &rect);
    }
  else
    {
      if (texture == NULL
          || !inkan_placement_default_size (gdk_texture_get_width (texture),
                                            gdk_texture_get_height (texture), page_w, page_h, &w,
                                            &h))
        inkan_placement_default_size (1, 1, page_w, page_h, &w, &h);
      inkan_placement_centre_on (x, y, w, h, page_w, page_h, &rect);
    }

  drop_placed (self);
  clear_flow (self);
  g_set_object (&self->placed_item, item);
  self->placed = g_object_ref_sink (inkan_seal_overlay_new (self->page_view, texture, page,
                                                            &rect));
  inkan_seal_overlay_set_locked (self->placed, status->request != NULL
                                                 && status->request->page > 0);
  g_signal_connect_swapped (self->placed, "apply", G_CALLBACK (apply_clicked), self);
  g_signal_connect_swapped (self->placed, "cancel", G_CALLBACK (cancel_clicked), self);
  update_seal_bar (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->placed));
  return TRUE;
}

InkanSealOverlay *
inkan_document_view_get_placed_seal (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->placed;
}

const char *
inkan_document_view_get_seal_bar_text (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return gtk_label_get_text (self->seal_label);
}

GtkCheckButton *
inkan_document_view_get_riding_check (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->riding_check;
}

InkanSealItem *
inkan_document_view_get_placed_item (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->placed_item;
}

InkanSealPalette *
inkan_document_view_get_palette (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->palette;
}

/* The keyboard path: a seal chosen in the palette goes to the current page's centre. */
static void
seal_activated (InkanDocumentView *self,
                InkanSealItem     *item)
{
  int page;
  double w, h;

  if (self->document == NULL)
    return;
  page = inkan_page_view_get_current_page (self->page_view);
  inkan_document_get_page_size (self->document, page, &w, &h);
  inkan_document_view_place_seal (self, item, page, w / 2, h / 2);
}

static gboolean
seal_dropped (GtkDropTarget     *target,
              const GValue      *value,
              double             x,
              double             y,
              InkanDocumentView *self)
{
  InkanSealItem *item;
  double px, py;
  int page;

  if (!G_VALUE_HOLDS (value, INKAN_TYPE_SEAL_ITEM) || self->document == NULL)
    return FALSE;
  item = g_value_get_object (value);
  if (item == NULL
      || !inkan_page_view_view_to_page (self->page_view, x, y, &page, &px, &py))
    return FALSE;
  return inkan_document_view_place_seal (self, item, page, px, py);
}

static void
user_changed (InkanDocumentView *self)
{
  inkan_document_view_cancel_placement (self);
  load_palette (self);
}

static void
watch_application (InkanDocumentView *self)
{
  GApplication *application = g_application_get_default ();

  if (self->application != NULL || !INKAN_IS_APPLICATION (application))
    return;
  self->application = g_object_ref (application);
  self->user_handler = g_signal_connect_swapped (application, "notify::user",
                                                 G_CALLBACK (user_changed), self);
}

void
inkan_document_view_set_document (InkanDocumentView *self,
                                  InkanDocument     *document)
{
  g_autoptr (GtkStringList) pages = NULL;
  GtkListItemFactory *factory;

  g_return_if_fail (INKAN_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (INKAN_IS_DOCUMENT (document));
  g_return_if_fail (self->document == NULL);

  self->document = g_object_ref (document);
  g_free (self->title);
  self->title = g_strdup (inkan_document_get_title (document));

  inkan_page_view_set_document (self->page_view, document);

  pages = gtk_string_list_new (NULL);
  for (int i = 0; i < inkan_document_get_n_pages (document); i++)
    {
      char label[16];

      g_snprintf (label, sizeof label, "%d", i + 1);
      gtk_string_list_append (pages, label);
    }
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&pages)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (thumbnail_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (thumbnail_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (thumbnail_unbind), self);
  gtk_list_view_set_factory (self->thumbnails, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->thumbnails, GTK_SELECTION_MODEL (self->selection));

  gtk_stack_set_visible_child_name (self->stack, "document");
  start_verification (self);
  watch_application (self);
  load_palette (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

GFile *
inkan_document_view_get_file (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->file;
}

InkanDocument *
inkan_document_view_get_document (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->document;
}

InkanPageView *
inkan_document_view_get_page_view (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->page_view;
}

const char *
inkan_document_view_get_title (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);
  return self->title;
}

gboolean
inkan_document_view_get_loading (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), FALSE);
  return self->document == NULL;
}

gboolean
inkan_document_view_get_sidebar_visible (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), FALSE);
  return adw_flap_get_reveal_flap (self->flap);
}

void
inkan_document_view_set_sidebar_visible (InkanDocumentView *self,
                                         gboolean           visible)
{
  g_return_if_fail (INKAN_IS_DOCUMENT_VIEW (self));
  adw_flap_set_reveal_flap (self->flap, visible);
}

const InkanReport *
inkan_document_view_get_report (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  return self->result != NULL ? self->result->report : NULL;
}

gboolean
inkan_document_view_get_verifying (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), FALSE);

  return self->verifying;
}

InkanValidityBanner *
inkan_document_view_get_validity_banner (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  return self->banner;
}

InkanSignatureList *
inkan_document_view_get_signature_list (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  return self->signature_list;
}

gboolean
inkan_document_view_get_signatures_visible (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->signatures_revealer);
}

GtkWidget *
inkan_document_view_get_signature_outline (InkanDocumentView *self)
{
  g_return_val_if_fail (INKAN_IS_DOCUMENT_VIEW (self), NULL);

  return self->outline;
}

static void
inkan_document_view_dispose (GObject *object)
{
  InkanDocumentView *self = INKAN_DOCUMENT_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->result, inkan_validity_result_free);
  g_clear_pointer (&self->changes, inkan_visual_diff_free);
  g_clear_pointer (&self->change_marks, g_ptr_array_unref);
  self->outline = NULL;
  if (self->thumbnails != NULL)
    gtk_list_view_set_model (self->thumbnails, NULL);
  clear_flow (self);
  drop_placed (self);
  g_clear_object (&self->placed_item);
  if (self->application != NULL)
    g_clear_signal_handler (&self->user_handler, self->application);
  g_clear_object (&self->application);
  gtk_widget_dispose_template (GTK_WIDGET (self), INKAN_TYPE_DOCUMENT_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->document);
  g_clear_object (&self->file);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (inkan_document_view_parent_class)->dispose (object);
}

static void
inkan_document_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  InkanDocumentView *self = INKAN_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->document == NULL);
      break;
    case PROP_SIDEBAR_VISIBLE:
      g_value_set_boolean (value, inkan_document_view_get_sidebar_visible (self));
      break;
    case PROP_VERIFYING:
      g_value_set_boolean (value, self->verifying);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_document_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  InkanDocumentView *self = INKAN_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      if (self->file != NULL)
        {
          g_autofree char *base = g_file_get_basename (self->file);

          g_free (self->title);
          self->title = base != NULL ? g_filename_display_name (base) : g_strdup ("");
        }
      break;
    case PROP_SIDEBAR_VISIBLE:
      inkan_document_view_set_sidebar_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_document_view_class_init (InkanDocumentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_document_view_dispose;
  object_class->get_property = inkan_document_view_get_property;
  object_class->set_property = inkan_document_view_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, INKAN_TYPE_DOCUMENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, TRUE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIDEBAR_VISIBLE] =
    g_param_spec_boolean ("sidebar-visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFYING] =
    g_param_spec_boolean ("verifying", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (INKAN_TYPE_PAGE_VIEW);
  g_type_ensure (INKAN_TYPE_VALIDITY_BANNER);
  g_type_ensure (INKAN_TYPE_SIGNATURE_LIST);
  g_type_ensure (INKAN_TYPE_SEAL_PALETTE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-document-view.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, stack);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, flap);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, thumbnails);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, scroller);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, page_view);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, banner);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, signatures_revealer);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, signature_list);
  gtk_widget_class_bind_template_callback (widget_class, banner_details);
  gtk_widget_class_bind_template_callback (widget_class, show_signature);
  gtk_widget_class_bind_template_callback (widget_class, show_certificates);
  gtk_widget_class_bind_template_callback (widget_class, show_signed_version);
  gtk_widget_class_bind_template_callback (widget_class, show_changes);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, palette);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, seal_bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, seal_spinner);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, seal_label);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, apply_button);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, riding_check);
  gtk_widget_class_bind_template_child (widget_class, InkanDocumentView, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked);
  gtk_widget_class_bind_template_callback (widget_class, riding_toggled);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, seal_activated);
  gtk_widget_class_bind_template_callback (widget_class, thumbnail_activate);
  gtk_widget_class_bind_template_callback (widget_class, page_changed);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inkan-document-view");
}

static void
reveal_flap_changed (InkanDocumentView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDEBAR_VISIBLE]);
}

static void
inkan_document_view_init (InkanDocumentView *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->change_marks = g_ptr_array_new ();
  /* Seals dragged from the palette land on the page under the pointer. */
  target = gtk_drop_target_new (INKAN_TYPE_SEAL_ITEM, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (seal_dropped), self);
  gtk_widget_add_controller (GTK_WIDGET (self->page_view), GTK_EVENT_CONTROLLER (target));
  g_signal_connect_swapped (self->flap, "notify::reveal-flap", G_CALLBACK (reveal_flap_changed),
                            self);
}

GtkWidget *
inkan_document_view_new (GFile *file)
{
  return g_object_new (INKAN_TYPE_DOCUMENT_VIEW, "file", file, NULL);
}
