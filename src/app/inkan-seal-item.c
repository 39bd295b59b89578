/* A seal as the palette lists it, with its availability and its image as a texture. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inkan-seal-item.h"

struct _InkanSealItem
{
  GObject parent_instance;

  InkanSealStatus *status;
  GdkTexture *texture;
};

G_DEFINE_FINAL_TYPE (InkanSealItem, inkan_seal_item, G_TYPE_OBJECT)

static void
inkan_seal_item_finalize (GObject *object)
{
  InkanSealItem *self = INKAN_SEAL_ITEM (object);

  g_clear_pointer (&self->status, inkan_seal_status_free);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (inkan_seal_item_parent_class)->finalize (object);
}

static void
inkan_seal_item_class_init (InkanSealItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_seal_item_finalize;
}

static void
inkan_seal_item_init (InkanSealItem *self)
{
}

InkanSealItem *
inkan_seal_item_new (InkanSealStatus *status)
{
  InkanSealItem *self;

  g_return_val_if_fail (status != NULL && status->seal != NULL, NULL);

  self = g_object_new (INKAN_TYPE_SEAL_ITEM, NULL);
  self->status = status;
  if (status->seal->image_png != NULL)
    {
      g_autoptr (GError) error = NULL;

      self->texture = gdk_texture_new_from_bytes (status->seal->image_png, &error);
      if (self->texture == NULL)
        g_debug ("The image of the %s seal cannot be shown: %s", status->seal->name,
                 error->message);
    }
  return self;
}

const InkanSealStatus *
inkan_seal_item_get_status (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), NULL);
  return self->status;
}

const char *
inkan_seal_item_get_name (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), NULL);
  return self->status->seal->name;
}

InkanSealAvailability
inkan_seal_item_get_availability (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), INKAN_AVAILABILITY_NOT_GRANTED);
  return self->status->availability;
}

GdkTexture *
inkan_seal_item_get_texture (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), NULL);
  return self->texture;
}

const char *
inkan_seal_item_get_state_label (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), NULL);

  switch (self->status->availability)
    {
    case INKAN_AVAILABILITY_USABLE:
      return self->status->request != NULL ? _("Approved") : _("Ready to use");
    case INKAN_AVAILABILITY_NEEDS_APPROVAL:
      return self->status->request != NULL ? _("Waiting for approval") : _("Needs approval");
    case INKAN_AVAILABILITY_EXPIRED:
      return _("Expired");
    case INKAN_AVAILABILITY_SUSPENDED:
      return _("Suspended");
    case INKAN_AVAILABILITY_NOT_GRANTED:
    default:
      return _("Not granted");
    }
}

const char *
inkan_seal_item_get_reason (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), NULL);
  return self->status->reason;
}

gboolean
inkan_seal_item_is_bound (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), FALSE);
  return self->status->seal->record != NULL;
}

gboolean
inkan_seal_item_can_place (InkanSealItem *self)
{
  g_return_val_if_fail (INKAN_IS_SEAL_ITEM (self), FALSE);

  return self->status->availability == INKAN_AVAILABILITY_USABLE
         || (self->status->availability == INKAN_AVAILABILITY_NEEDS_APPROVAL
             && self->status->request == NULL);
}
