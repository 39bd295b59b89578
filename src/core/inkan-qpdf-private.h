/* Internal to libinkan: what qpdf's warnings mean to us, and dropping what a throwaway qpdf
 * reading has parsed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <qpdf/qpdf-c.h>
#include <string.h>

/* Whether qpdf's warning `text` is no damage: "N 0 obj endobj" is read as null by every reader,
 * odd but harmless. Any other warning means qpdf had to guess. */
static inline int
_inkan_qpdf_warning_is_harmless (const char *text)
{
  return strstr (text, "empty object treated as null") != NULL;
}

/* qpdf keeps every object it has parsed until its reading closes. Replacing object (id, gen)
 * by a small stand-in frees what was parsed of it. The stand-in is an integer, not null: qpdf
 * leaves out of a dictionary's keys those whose value is null, so a reference to a dropped
 * object still shows. Numbers stay as they are: a stream parsed later may take its /Length
 * from one. `type` is the object's type code as qpdf_oh_get_type_code gave it: every caller has
 * asked already (each call to qpdf costs about a thousand instructions). */
static inline void
_inkan_qpdf_forget (qpdf_data q, int id, int gen, int type)
{
  qpdf_oh stub;

  if (type == ot_integer || type == ot_real)
    return;
  stub = qpdf_oh_new_integer (q, 0);
  qpdf_replace_object (q, id, gen, stub);
  qpdf_oh_release (q, stub);
}
