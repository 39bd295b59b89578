/* A placed, not yet applied seal over the page view: mouse and keyboard moves and resizes. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "inkan-seal-overlay.h"

/* How close to a corner (pixels) a drag resizes rather than moves. */
#define HANDLE_SIZE 12.0

struct _InkanSealOverlay
{
  GtkWidget parent_instance;

  InkanPageView *view;          /* the parent */
  GdkTexture *texture;
  int page;
  InkanRect rect;               /* shown coordinates, points */
  double page_width, page_height;
  gboolean locked;

  /* The drag in progress. */
  InkanRect drag_start;
  gboolean drag_resize;
  double anchor_x, anchor_y;    /* the fixed corner while resizing, points */
  double corner_x, corner_y;    /* the dragged corner at the start, points */
};

enum
{
  CHANGED,
  APPLY,
  CANCEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (InkanSealOverlay, inkan_seal_overlay, GTK_TYPE_WIDGET)

static void
update (InkanSealOverlay *self)
{
  inkan_placement_clamp (&self->rect, self->page_width, self->page_height);
  inkan_page_view_move_overlay (self->view, GTK_WIDGET (self), self->page, self->rect.x,
                                self->rect.y, self->rect.width, self->rect.height);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
inkan_seal_overlay_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  InkanSealOverlay *self = INKAN_SEAL_OVERLAY (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA accent = { 0.21, 0.52, 0.89, 1.0 };
  GdkRGBA tint = { 0.21, 0.52, 0.89, 0.08 };
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, w, h);
  GskRoundedRect outline;
  const float widths[4] = { 2, 2, 2, 2 };
  const GdkRGBA colors[4] = { accent, accent, accent, accent };

  gtk_snapshot_append_color (snapshot, &tint, &bounds);
  if (self->texture != NULL)
    gtk_snapshot_append_texture (snapshot, self->texture, &bounds);
  gsk_rounded_rect_init_from_rect (&outline, &bounds, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
  if (!self->locked)
    for (int i = 0; i < 4; i++)
      {
        double x = i % 2 == 0 ? 0 : w - 8, y = i < 2 ? 0 : h - 8;

        gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x, y, 8, 8));
      }
}

static void
inkan_seal_overlay_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = 1;
  *natural = 48;
}

static void
drag_begin (GtkGestureDrag   *gesture,
            double            x,
            double            y,
            InkanSealOverlay *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean left = x < HANDLE_SIZE, right = x > w - HANDLE_SIZE;
  gboolean top = y < HANDLE_SIZE, bottom = y > h - HANDLE_SIZE;

  if (self->locked)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_start = self->rect;
  self->drag_resize = (left || right) && (top || bottom);
  if (self->drag_resize)
    {
      self->corner_x = left ? self->rect.x : self->rect.x + self->rect.width;
      self->corner_y = top ? self->rect.y : self->rect.y + self->rect.height;
      self->anchor_x = left ? self->rect.x + self->rect.width : self->rect.x;
      self->anchor_y = top ? self->rect.y + self->rect.height : self->rect.y;
    }
}

static void
drag_update (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             InkanSealOverlay *self)
{
  double scale = inkan_page_view_get_scale (self->view);

  if (self->locked)
    return;
  self->rect = self->drag_start;
  if (self->drag_resize)
    inkan_placement_resize_to (&self->rect, self->anchor_x, self->anchor_y,
                               self->corner_x + dx / scale, self->corner_y + dy / scale,
                               self->page_width, self->page_height);
  else
    inkan_placement_move (&self->rect, dx / scale, dy / scale, self->page_width,
                          self->page_height);
  update (self);
}

static gboolean
key_pressed (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             InkanSealOverlay      *self)
{
  double step = (state & GDK_ALT_MASK) ? INKAN_PLACEMENT_FINE_STEP : INKAN_PLACEMENT_STEP;
  double dx = 0, dy = 0;

  switch (keyval)
    {
    case GDK_KEY_Escape:
      g_signal_emit (self, signals[CANCEL], 0);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      g_signal_emit (self, signals[APPLY], 0);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -step;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = step;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -step;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = step;
      break;
    default:
      return FALSE;
    }
  if (self->locked)
    return TRUE;
  if (state & GDK_SHIFT_MASK)
    /* Shift+Right or Shift+Up grows, Shift+Left or Shift+Down shrinks. */
    inkan_placement_resize (&self->rect, (dx > 0 || dy < 0) ? step : -step, self->page_width,
                            self->page_height);
  else
    inkan_placement_move (&self->rect, dx, dy, self->page_width, self->page_height);
  update (self);
  return TRUE;
}

static void
inkan_seal_overlay_dispose (GObject *object)
{
  InkanSealOverlay *self = INKAN_SEAL_OVERLAY (object);

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (inkan_seal_overlay_parent_class)->dispose (object);
}

static void
inkan_seal_overlay_class_init (InkanSealOverlayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_seal_overlay_dispose;
  widget_class->snapshot = inkan_seal_overlay_snapshot;
  widget_class->measure = inkan_seal_overlay_measure;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 0);
  signals[CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "inkan-seal-overlay");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
inkan_seal_overlay_init (InkanSealOverlay *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "move");
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Placed seal: arrows move it, Shift+arrows resize it, Enter "
                                    "applies it, Escape cancels."),
                                  -1);
}

InkanSealOverlay *
inkan_seal_overlay_new (InkanPageView   *view,
                        GdkTexture      *texture,
                        int              page,
                        const InkanRect *rect)
{
  InkanSealOverlay *self;
  InkanDocument *document;

  g_return_val_if_fail (INKAN_IS_PAGE_VIEW (view), NULL);
  document = inkan_page_view_get_document (view);
  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (page >= 0 && page < inkan_document_get_n_pages (document), NULL);

  self = g_object_new (INKAN_TYPE_SEAL_OVERLAY, NULL);
  self->view = view;
  self->texture = texture != NULL ? g_object_ref (texture) : NULL;
  self->page = page;
  self->rect = *rect;
  inkan_document_get_page_size (document, page, &self->page_width, &self->page_height);
  inkan_placement_clamp (&self->rect, self->page_width, self->page_height);
  inkan_page_view_add_overlay (view, GTK_WIDGET (self), page, self->rect.x, self->rect.y,
                               self->rect.width, self->rect.height);
  return self;
}

void
inkan_seal_overlay_remove (InkanSealOverlay *self)
{
  g_return_if_fail (INKAN_IS_SEAL_OVERLAY (self));

  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    inkan_page_view_remove_overlay (self->view, GTK_WIDGET (self));
}

int
inkan_seal_overlay_get_page (InkanSealOverlay *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_OVERLAY (self), -1);
  return self->page;
}

void
inkan_seal_overlay_get_rect (InkanSealOverlay *self,
                             InkanRect        *rect)
{
  g_return_if_fail (INKAN_IS_SEAL_OVERLAY (self));
  *rect = self->rect;
}

void
inkan_seal_overlay_get_visible_rect (InkanSealOverlay *self,
                                     InkanRect        *rect)
{
  g_return_if_fail (INKAN_IS_SEAL_OVERLAY (self));
  inkan_placement_shown_to_visible (&self->rect, self->page_height, rect);
}

void
inkan_seal_overlay_set_rect (InkanSealOverlay *self,
                             const InkanRect  *rect)
{
  g_return_if_fail (INKAN_IS_SEAL_OVERLAY (self));
  self->rect = *rect;
  update (self);
}

void
inkan_seal_overlay_set_locked (InkanSealOverlay *self,
                               gboolean          locked)
{
  g_return_if_fail (INKAN_IS_SEAL_OVERLAY (self));
  self->locked = locked;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), locked ? NULL : "move");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
