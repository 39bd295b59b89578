/* A seal as the palette lists it: the store's seal, its availability for the user and the open
 * document, and its image as a texture. What a drag from the palette carries. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inkan-seal-status.h"

G_BEGIN_DECLS

#define INKAN_TYPE_SEAL_ITEM (inkan_seal_item_get_type ())
G_DECLARE_FINAL_TYPE (InkanSealItem, inkan_seal_item, INKAN, SEAL_ITEM, GObject)

/* Takes `status`. The texture is decoded from the seal's PNG (NULL when it cannot be). */
InkanSealItem         *inkan_seal_item_new          (InkanSealStatus *status);
const InkanSealStatus *inkan_seal_item_get_status   (InkanSealItem   *self);
const char            *inkan_seal_item_get_name     (InkanSealItem   *self);
InkanSealAvailability  inkan_seal_item_get_availability (InkanSealItem *self);
GdkTexture            *inkan_seal_item_get_texture  (InkanSealItem   *self);
/* A short label for the state ("Ready", "Needs approval", …) and the policy's sentence. */
const char            *inkan_seal_item_get_state_label (InkanSealItem *self);
const char            *inkan_seal_item_get_reason   (InkanSealItem   *self);
/* TRUE when it can be placed on the page: usable, or needing approval with no request pending
 * (the placement then goes with the request). */
gboolean               inkan_seal_item_can_place    (InkanSealItem   *self);
/* Whether the seal has its seal record (made by its maker); without one its sealings carry none
 * (a seal migrated from a store of version 2, until an administrator rebinds it). */
gboolean               inkan_seal_item_is_bound     (InkanSealItem   *self);

G_END_DECLS
