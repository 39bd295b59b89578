/* Sealing internals shared with the tests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For tests: TRUE makes the sealed copy be written under a temporary name from the start, as
 * on a file system that cannot make unnamed files (FAT, SMB, NFS); FALSE, the default, tries
 * an unnamed file first. */
void _inkan_sign_set_named_output (gboolean named);

G_END_DECLS
