/* libinkan: everything of Inkan that is not a widget. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-cms.h"
#include "inkan-image.h"
#include "inkan-ltv.h"
#include "inkan-module.h"
#include "inkan-pdf.h"
#include "inkan-sign.h"
#include "inkan-token.h"
#include "inkan-verify.h"
