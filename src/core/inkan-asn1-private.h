/* The built-in ASN.1 module (inkan-cms.asn: CMS, RFC 3161), parsed once for every module. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libtasn1.h>

/* The definitions tree, or NULL (after a g_critical) when the module does not load. */
asn1_node _inkan_asn1_definitions (void);

void _inkan_asn1_node_free (asn1_node_st *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (asn1_node_st, _inkan_asn1_node_free)

/* The value of `name` (for an ANY or a SET OF element, its whole encoding; an empty value is
 * empty bytes), or NULL with libtasn1's code in `*rc`. */
GBytes *_inkan_asn1_read_bytes (asn1_node node, const char *name, int *rc);
