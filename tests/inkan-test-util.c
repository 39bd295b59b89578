/* Placeholder until the fixtures land. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-util.h"
