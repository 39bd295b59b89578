/* Tiny hand-made PDFs for the tests: one blank page with the page entries a test needs. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a one-page PDF to the test temp dir as `name`: a catalog, a page tree and one page
 * whose dictionary gets `page_entries` (e.g. "/MediaBox [0 0 600 800] /Rotate 90"; a MediaBox
 * of 612 × 792 is added when the entries have none) and an empty content stream. With
 * xref_stream the cross-reference section is a stream, else a table. Returns the path. */
char *inkan_test_write_pdf (const char *name, const char *page_entries, gboolean xref_stream);

/* The same page (no extra entries) with a cross-reference stream of /W [1 8 2] whose entry for
 * itself (object 5) holds `own_offset`, or where it is when that is 0. qpdf reads that stream
 * from startxref and never from its entry. */
char *inkan_test_write_pdf_xref_entry (const char *name, guint64 own_offset);

G_END_DECLS

G_BEGIN_DECLS

/* qpdf --check on a sealed output: clean, or (for an input that qpdf already warns about) with
 * exactly the input's warnings and nothing more. */
void inkan_test_judge_qpdf_against (const char *input, const char *output);

G_END_DECLS
