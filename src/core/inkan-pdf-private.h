/* Internal to libinkan: the signature increment that inkan-pdf.c prepares for inkan-sign.c. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inkan-image.h"
#include "inkan-pdf.h"
#include "inkan-placement.h"

G_BEGIN_DECLS

typedef struct
{
  guint page;               /* 1-based; 0 means 1 */
  gboolean has_rect;
  InkanRect rect;           /* points from the visible page's lower-left corner */
  const InkanImage *image;  /* NULL: invisible signature (unless the field has a visible widget) */
  const char *field;        /* existing empty signature field to fill, or the new field's name */
  const char *reason;
  const char *location;
  GDateTime *time;          /* written to /M */
  gsize contents_size;      /* bytes reserved for the CMS; /Contents holds twice as many hex digits */
  GBytes *evidence;         /* approval evidence (JSON) to embed as an associated file of the
                             * signature's widget, or NULL */
  gboolean doc_timestamp;   /* a document timestamp (/Type /DocTimeStamp, /SubFilter
                             * /ETSI.RFC3161, no /M, /Reason or /Location) */
  const char *code;         /* the verification code, printed small under the seal; NULL: none */
  const char *qr;           /* text encoded in a QR code beside the seal; NULL: none */
  const char *watermark;    /* faint diagonal text across every page, as a /Watermark
                             * annotation of each page (page contents stay as they are); NULL:
                             * none */
  gboolean riding;          /* a riding seal: the image cut into one vertical slice per page of
                             * `riding_pages`, each slice a widget (/Kids) of the one field, at
                             * the right edge of its page */
  const guint *riding_pages;  /* 1-based, ascending; NULL: every page */
  guint n_riding_pages;
} InkanPdfSigParams;

/* The bytes to append to the original file. Everything is final except the hex digits of
 * /Contents, the `gap` that the byte ranges leave out: bytes[gap_start] is '<' and
 * bytes[gap_end - 1] is '>'. The /ByteRange already holds the final offsets. */
typedef struct
{
  GBytes *bytes;
  gsize gap_start;
  gsize gap_end;
  InkanRect widget_rect;    /* where the widget landed, in default user space */
  guint page;               /* 1-based page of the widget (the first, for a riding seal) */
  char *field_name;
  guint n_widgets;          /* widgets of the field: 1, or the riding seal's slices */
} InkanPdfIncrement;

void _inkan_pdf_increment_free (InkanPdfIncrement *increment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanPdfIncrement, _inkan_pdf_increment_free)

InkanPdfIncrement *_inkan_pdf_prepare_signature (InkanPdf                *self,
                                                 const InkanPdfSigParams *params,
                                                 GError                 **error);

/* The signing time as /M writes it, without the parentheses: "D:YYYYMMDDHHmmSS" then "Z" or
 * the offset as "+HH'mm'". The verification code covers these exact characters. */
char *_inkan_pdf_format_date (GDateTime *time);

/* Where the last revision of the file ends: just after its final "%%EOF" (white space after it
 * excluded). The verification code covers the document's bytes up to here. */
guint64 _inkan_pdf_get_revision_end (InkanPdf *self);

/* Maps a rectangle in points of the visible page (rotated as displayed, from the crop box's
 * lower-left corner) into default user space. */
gboolean _inkan_pdf_visible_to_user (InkanPdf        *self,
                                     guint            page,
                                     const InkanRect *visible,
                                     InkanRect       *user,
                                     int             *rotate,
                                     GError         **error);

/* The page's media box, crop box (∩ media box), /Rotate and /UserUnit as the signer reads them
 * (inherited entries included), for inkan-placement's conversions. */
gboolean _inkan_pdf_get_page_geometry (InkanPdf          *self,
                                       guint              page,
                                       InkanPageGeometry *geometry,
                                       GError           **error);

/* The /Contents of every signed signature field (approval, certification and document
 * timestamp), as stored (the CMS and its zero padding). */
GPtrArray *_inkan_pdf_get_signature_contents (InkanPdf *self, GError **error);

/* One /VRI entry: indices into the InkanPdfDss arrays. */
typedef struct
{
  char *key;                /* uppercase hex SHA-1 of the signature's /Contents */
  GArray *certs;            /* guint */
  GArray *ocsps;            /* guint */
  GArray *crls;             /* guint */
} InkanPdfVri;

typedef struct
{
  GPtrArray *certs;         /* GBytes: DER certificates */
  GPtrArray *ocsps;         /* GBytes: DER OCSPResponse */
  GPtrArray *crls;          /* GBytes: DER CertificateList */
  GPtrArray *vri;           /* InkanPdfVri */
} InkanPdfDss;

/* The increment that adds `dss` to the document security store (/DSS in the catalog; an
 * existing one is kept and extended), with a cross-reference section of the file's kind. */
GBytes *_inkan_pdf_prepare_dss (InkanPdf *self, const InkanPdfDss *dss, GError **error);

G_END_DECLS
