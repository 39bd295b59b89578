/* Placeholder until the module lands. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-pdf.h"
