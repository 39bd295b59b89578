/* Test-side PDF signing with openssl and qpdf only (no Inkan code), and incremental updates. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <qpdf/qpdf-c.h>

G_BEGIN_DECLS

/* A small PKI made by openssl in a temporary directory (once per process), independent of the
 * demo PKI so that a verifier given the wrong root can be told apart from one given the right. */
typedef struct
{
  char *dir;
  char *root_pem;         /* "Inkan OpenSSL Test Root": pass it to the verifier as --trust */
  char *root_key;
  char *signer_pem;       /* RSA 2048, digitalSignature + nonRepudiation, valid for two years */
  char *signer_key;
  char *nssdb;            /* "sql:DIR": trusts only root_pem and holds the signer's key as
                           * "signer", for pdfsig -add-signature and pdfsig verification */
} InkanTestOpensslPki;

InkanTestOpensslPki *inkan_test_openssl_pki_get (void);

/* ---- incremental updates written as text (xref table, trailer /Prev) ---- */

typedef struct _InkanTestUpdate InkanTestUpdate;

/* Reads `path` (bytes and, through qpdf, its objects) to append an update to it. */
InkanTestUpdate *inkan_test_update_new (const char *path);
void             inkan_test_update_free (InkanTestUpdate *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTestUpdate, inkan_test_update_free)

/* qpdf's view of the original file: read objects from it; changing them changes nothing that
 * is written, but the text the helpers below unparse. */
qpdf_data  inkan_test_update_get_qpdf (InkanTestUpdate *u);
GByteArray *inkan_test_update_get_data (InkanTestUpdate *u);  /* the file, and what was appended */
int        inkan_test_update_new_id (InkanTestUpdate *u);      /* a fresh object number */
/* Object id of page `page` (1-based). */
int        inkan_test_update_page_id (InkanTestUpdate *u, guint page);
/* Appends "id gen obj\n<text>\nendobj\n" and lists it in the xref section. */
void       inkan_test_update_add_object (InkanTestUpdate *u, int id, int gen, const char *text);
/* Appends a stream object whose dictionary is `dict_entries` plus /Length. */
void       inkan_test_update_add_stream (InkanTestUpdate *u, int id, int gen,
                                         const char *dict_entries, const char *data, gsize len);
/* Lists a free entry for `id` with generation `next_gen`, no object written. */
void       inkan_test_update_free_object (InkanTestUpdate *u, int id, int next_gen);
/* Lists `id` at `offset`, no object written: the xref entry alone re-points the object. */
void       inkan_test_update_point (InkanTestUpdate *u, int id, int gen, gsize offset);
/* Adds the annotation `annot_id` to page `page`'s /Annots (rewriting the page or its array). */
void       inkan_test_update_add_annot (InkanTestUpdate *u, guint page, int annot_id);
/* The unparsed dictionary of object `id` (for a stream, its dictionary), without the keys in
 * `drop` (NULL-terminated, may be NULL), with `extra` ("/Key value …", may be NULL) added. */
char      *inkan_test_update_dict_text (InkanTestUpdate *u, int id, const char * const *drop,
                                        const char *extra);
/* Writes the xref table, the trailer (/Size, /Root, /Info, /ID, /Prev) and startxref when
 * `with_xref`, else nothing more: the objects alone. Then writes the whole file to `out`. */
void       inkan_test_update_write (InkanTestUpdate *u, gboolean with_xref, const char *out);
/* Like write, without writing a file: the bytes are in get_data. */
void       inkan_test_update_finish (InkanTestUpdate *u, gboolean with_xref);

/* ---- a signer assembled from openssl cms ---- */

typedef struct
{
  const char *subfilter;  /* "ETSI.CAdES.detached" (when NULL) or "adbe.pkcs7.detached" */
  guint docmdp;           /* 0: an approval signature; 1–3: a certification with that /P */
  gboolean visible;       /* a widget with a simple appearance on `page`, else invisible */
  guint page;             /* 1-based; 0 means 1 */
  const char *field;      /* the field's name; NULL: "OpensslSignatureN" */
  gboolean no_attrs;      /* openssl cms -noattr: a signature over the content digest */
  gboolean cades;         /* openssl cms -cades: a signingCertificateV2 attribute */
  const char *key_pem;    /* NULL: the openssl PKI's signer */
  const char *cert_pem;
} InkanTestCertifyOptions;

/* Appends a signature to `in` (unsigned or signed) and writes `out`. options may be NULL. */
void inkan_test_certify (const char *in, const char *out, const InkanTestCertifyOptions *options);

/* pdfsig -add-signature with the openssl PKI's signer in its NSS database: adbe.pkcs7.detached
 * (poppler 22.12 cannot add ETSI.CAdES.detached signatures). */
void inkan_test_pdfsig_sign (const char *in, const char *out, const char *field);

/* Runs pdfsig on `pdf` with `nssdb` ("sql:DIR"), asserts it ran (finding signatures or saying
 * there are none), returns what it printed. */
char *inkan_test_pdfsig_output (const char *pdf, const char *nssdb);

G_END_DECLS
