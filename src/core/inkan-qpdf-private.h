/* Internal to libinkan: dropping what a throwaway qpdf reading has parsed. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <qpdf/qpdf-c.h>

/* qpdf keeps every object it has parsed until its reading closes. Replacing object (id, gen)
 * by a small stand-in frees what was parsed of it. The stand-in is an integer, not null: qpdf
 * leaves out of a dictionary's keys those whose value is null, so a reference to a dropped
 * object still shows. Numbers stay as they are: a stream parsed later may take its /Length
 * from one. */
static inline void
_inkan_qpdf_forget (qpdf_data q, int id, int gen)
{
  qpdf_oh oh = qpdf_get_object_by_id (q, id, gen);
  qpdf_oh stub;

  if (qpdf_oh_is_number (q, oh))
    {
      qpdf_oh_release (q, oh);
      return;
    }
  qpdf_oh_release (q, oh);
  stub = qpdf_oh_new_integer (q, 0);
  qpdf_replace_object (q, id, gen, stub);
  qpdf_oh_release (q, stub);
}
