/* The corpus README's lists of inputs (../shared/corpus/README.md), shared by the tests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* Ordinary inputs: sealed, then judged. */
static const char * const G_GNUC_UNUSED ordinary[] = {
  "minimal.pdf", "minimal-two-pages.pdf", "minimal-xref.pdf", "minimal-hybrid-xref.pdf",
  "minimal-hybrid-xref-mswordstyle.pdf", "minimal-hybrid-xref-weirdgen.pdf",
  "uncompressed-objstream-sample.pdf", "safedocs/CompactedPDFSyntaxTest.pdf", "no-mediabox.pdf",
  "minimal-with-field.pdf", "minimal-two-fields.pdf", "minimal-with-simple-form.pdf",
  "fontembed.pdf", "empty-a4.pdf", NULL,
};

/* Refused when opened. form-tree-circular-ref-input.pdf is refused when its form is read (see
 * below); broken-objstream5.pdf hides an illegal stream in an object stream that nothing
 * references, which qpdf reads without a diagnostic; it is sealed and judged in test-sign. */
static const char * const G_GNUC_UNUSED damaged[] = {
  "minimal-badxref.pdf", "minimal-broken-xref-size.pdf", "minimal-startxref-hopeless.pdf",
  "minimal-startxref-hopeless2.pdf", "minimal-startxref-hopeless3.pdf",
  "minimal-startxref-obo1.pdf", "minimal-startxref-obo2.pdf", "minimal-startxref-obo3.pdf",
  "minimal-startxref-obo4.pdf", "minimal-startxref-obo5.pdf", "minimal-startxref-obo6.pdf",
  "minimal-startxref-same-line.pdf", "broken-objstream1.pdf", "broken-objstream2.pdf",
  "broken-objstream3.pdf", "broken-objstream4.pdf", "broken-objstream6.pdf",
  "circular-page-tree.pdf", "minimal-with-nonexistent-refs.pdf", "malformed-xref-space-padded.pdf",
  "minimal-illegal-header.pdf", NULL,
};

static const char * const G_GNUC_UNUSED encrypted[] = {
  "minimal-aes256.pdf", "minimal-aes256-empty-encrypted-string.pdf",
  "minimal-aes256-malformed-oe.pdf", "minimal-aes256-malformed-perms.pdf", "minimal-rc4.pdf",
  "minimal-pubkey-aes256.pdf", "minimal-pubkey-rc4.pdf", "minimal-pubkey-rc4-envelope.pdf",
  "minimal-pubkey-unknown-envelope-alg.pdf", "minimal-two-fields-aes256.pdf",
  "minimal-with-field-rc4.pdf", "pubkey-3des-test.pdf", "pubkey-ecc-test.pdf",
  "pubkey-rc2-test.pdf", "malformed-encrypt-dict1.pdf", "malformed-encrypt-dict2.pdf",
  "minimal-two-fields-pubkey-aes256.pdf", "minimal-two-fields-pubkey-rc4.pdf",
  "minimal-with-field-aes256.pdf", "minimal-with-field-pubkey-aes256.pdf",
  "minimal-with-field-pubkey-rc4.pdf", "signed-encrypted-pubkey-with-catalog-ref.pdf", NULL,
};

/* The README's patterns for damaged, hostile and encrypted inputs: every file they match must be
 * refused when sealed, except broken-objstream5.pdf (see above), which is sealed. */
static const char * const G_GNUC_UNUSED refused_patterns[] = {
  "minimal-badxref.pdf", "minimal-broken-xref-size.pdf", "minimal-startxref-*.pdf",
  "broken-objstream*.pdf", "circular-page-tree.pdf", "form-tree-circular-ref-input.pdf",
  "minimal-with-nonexistent-refs.pdf", "malformed-*.pdf", "minimal-illegal-header.pdf",
  "minimal-aes256*.pdf", "minimal-rc4.pdf", "*pubkey*.pdf", NULL,
};
