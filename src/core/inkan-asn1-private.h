/* The built-in ASN.1 module (inkan-cms.asn: CMS, RFC 3161), parsed once for every module. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libtasn1.h>

/* The definitions tree, or NULL (after a g_critical) when the module does not load. */
asn1_node _inkan_asn1_definitions (void);
