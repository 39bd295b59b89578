/* Attack and control files built from a signed PDF, for the verifier's tests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the last signature of a file sits: found by its last /ByteRange (a signer writes each
 * signature dictionary once; good enough for files the tests made, not for a verifier). */
typedef struct
{
  int id;                   /* the signature dictionary's object number */
  gsize byte_range_pos;     /* offset of the '[' after /ByteRange */
  gsize byte_range_end;     /* offset just after its ']' */
  gsize contents_pos;       /* offset of the '<' of /Contents */
  gsize contents_end;       /* offset just after its '>' */
  guint64 range[4];
} InkanTestSigLocation;

/* Reads `pdf` and locates its last signature; asserts there is one. */
void inkan_test_sig_locate (const guint8 *data, gsize len, InkanTestSigLocation *loc);

/* Signs `in` with inkan-cli and the demo PKI's clerk key (visible seal on page 1 when
 * `visible`), writing `out`; asserts inkan-cli succeeded. */
void inkan_test_cli_sign (const char *in, const char *out, gboolean visible, const char *rect);

/* In place (same length, nothing else moves):
 *  contents_zeroed: every hex digit of the last /Contents is '0';
 *  content_flipped: one signed byte changed (the header's version digit), so the file is still
 *    a good PDF whose digest differs;
 *  byte_range_in_place: the last /ByteRange array replaced by `value` ("null", "[0 0 0 0]"),
 *    padded with spaces;
 *  gap_stuffed: the /Contents hex string shrunk to the CMS's own length, and the rest of the gap
 *    filled with an extra dictionary entry; the ranges and the bytes they hash are unchanged. */
void inkan_test_attack_contents_zeroed (const char *signed_pdf, const char *out);
void inkan_test_attack_content_flipped (const char *signed_pdf, const char *out);
void inkan_test_attack_byte_range_in_place (const char *signed_pdf, const char *value,
                                            const char *out);
void inkan_test_attack_gap_stuffed (const char *signed_pdf, const char *out);

/* Appended updates (xref table, trailer /Prev):
 *  byte_range_update: the signature dictionary redefined with /ByteRange `value`;
 *  contents_missing: the signature dictionary redefined without /Contents;
 *  sig_dict_changed: the signature dictionary redefined with another /Reason and /M;
 *  page_replaced: page 1's content stream redefined (a red box and other words); with
 *    `with_xref` FALSE the same object is appended with no xref section or trailer;
 *  object_freed: an xref-only update freeing page 1's content stream;
 *  freetext: a FreeText annotation added to page 1 (also the control for ANNOTATIONS);
 *  form_filled: the text field `field` given value `value` and a new appearance. */
void inkan_test_attack_byte_range_update (const char *signed_pdf, const char *value,
                                          const char *out);
void inkan_test_attack_contents_missing (const char *signed_pdf, const char *out);
void inkan_test_attack_sig_dict_changed (const char *signed_pdf, const char *out);
void inkan_test_attack_page_replaced (const char *signed_pdf, gboolean with_xref,
                                      const char *out);
void inkan_test_attack_object_freed (const char *signed_pdf, const char *out);
void inkan_test_attack_freetext (const char *signed_pdf, const char *out);
void inkan_test_control_form_filled (const char *signed_pdf, const char *field, const char *value,
                                     const char *out);

/* The shadow attack "hide and replace" in two steps around the signature:
 *  shadow_prepare: before signing, an update adds an unreferenced stream whose data hides an
 *    object with page 1's content stream's number and other content;
 *  shadow_repoint: after signing, an update made of an xref section alone re-points that number
 *    to the hidden body's offset. */
void inkan_test_attack_shadow_prepare (const char *unsigned_pdf, const char *out);
void inkan_test_attack_shadow_repoint (const char *signed_pdf, const char *out);

/* The signed file cut inside its last signed range. */
void inkan_test_attack_truncated (const char *signed_pdf, const char *out);

/* The words the replacing page content, the hidden shadow body and the FreeText show. */
#define INKAN_TEST_ATTACK_TEXT "PAY 1,000,000 TO MALLORY"

G_END_DECLS
