/* The seal record: a seal's name, kind, picture, bound certificate and validity, signed by its
 * maker (GB/T 38540 SESeal in spirit), made when the seal is created, carried in every sealing. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/x509.h>

#include "inkan-store.h"
#include "inkan-token.h"
#include "inkan-trust.h"

G_BEGIN_DECLS

/* The private signed attribute that carries the seal record in a sealing's CMS. PLACEHOLDER:
 * 1.3.6.1.4.1.99999 is not an IANA Private Enterprise Number registered to Inkan; the arc must be
 * replaced by Inkan's own (arc .1 = CMS attributes, .1.1 = seal record) once one is registered.
 * Verifiers that do not know it ignore it, as CMS wants for unknown signed attributes. */
#define INKAN_SEAL_RECORD_OID "1.3.6.1.4.1.99999.1.1"

#define INKAN_SEAL_RECORD_ERROR (inkan_seal_record_error_quark ())

typedef enum
{
  INKAN_SEAL_RECORD_ERROR_FAILED,        /* encoding, hashing or the maker's token failed */
  INKAN_SEAL_RECORD_ERROR_INVALID,       /* not a seal record Inkan can read */
  INKAN_SEAL_RECORD_ERROR_SIGNATURE,     /* the maker's signature does not verify */
  INKAN_SEAL_RECORD_ERROR_MISMATCH,      /* the record is for another picture or certificate */
  INKAN_SEAL_RECORD_ERROR_NOT_YET_VALID, /* before the record's notBefore */
  INKAN_SEAL_RECORD_ERROR_EXPIRED,       /* at or after the record's notAfter */
  INKAN_SEAL_RECORD_ERROR_WRONG_MAKER,   /* the maker's key is not their registered one */
} InkanSealRecordError;

GQuark inkan_seal_record_error_quark (void);

#define INKAN_SEAL_IMAGE_DIGEST_LEN 32

/* The canonical picture digest, what a record binds and what the verifier recomputes from the
 * image XObject a widget's appearance draws (the PDF keeps decoded samples, not the PNG):
 *   SHA-256 ( "inkan-seal-image-v1" NUL || width (uint32 big-endian) || height (uint32 BE)
 *             || the 8-bit DeviceRGB samples, width × height × 3, rows top to bottom
 *             || the 8-bit DeviceGray soft-mask samples, width × height (255 for every pixel
 *                when the image has no /SMask) )
 * `alpha` NULL means opaque. Fails only when the lengths do not match the size. */
gboolean inkan_seal_image_digest (guint         width,
                                  guint         height,
                                  const guint8 *rgb,
                                  gsize         rgb_len,
                                  const guint8 *alpha,
                                  gsize         alpha_len,
                                  guint8        digest[INKAN_SEAL_IMAGE_DIGEST_LEN],
                                  GError      **error);

/* The canonical digest of a PNG as sealing embeds it (inkan_image_load_png's planes). Errors
 * are INKAN_IMAGE_ERROR. */
gboolean inkan_seal_image_digest_png (GBytes  *png,
                                      guint8   digest[INKAN_SEAL_IMAGE_DIGEST_LEN],
                                      GError **error);

typedef struct
{
  guint version;
  char *seal_id;
  char *name;
  char *kind;
  guint8 image_digest[INKAN_SEAL_IMAGE_DIGEST_LEN];
  guint8 cert_digest[32];         /* SHA-256 of the bound certificate's DER */
  GDateTime *not_before;          /* NULL: no bound */
  GDateTime *not_after;           /* NULL: no bound */
  char *maker;
  GDateTime *made;
  GBytes *info;                   /* the DER the maker signed */
  GBytes *maker_cms;              /* the maker's detached CMS over SHA-256 (info) */
} InkanSealRecord;

void inkan_seal_record_free (InkanSealRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSealRecord, inkan_seal_record_free)

/* Makes the DER record of `seal` (its name, kind, image_png, cert_der and validity window),
 * signed by `maker` (the administrator's own key) and naming `maker_name`, made at `now`. The
 * seal needs an image. */
GBytes *inkan_seal_record_make (const InkanSeal *seal,
                                InkanSigner     *maker,
                                const char      *maker_name,
                                GDateTime       *now,
                                GError         **error);

/* inkan_seal_record_make with the key of `maker` (an administrator, as the store knows them):
 * `key_url`, or when NULL the key whose certificate on a present token is the maker's registered
 * one, opened with a PIN from `pin_func`. A key that is not the registered certificate's is
 * refused (INKAN_SEAL_RECORD_ERROR_WRONG_MAKER); no key found is INKAN_APPROVING_ERROR_NO_KEY;
 * token errors are INKAN_TOKEN_ERROR. */
GBytes *inkan_seal_record_make_as (const InkanSeal *seal,
                                   const InkanUser *maker,
                                   const char      *key_url,
                                   InkanPinFunc     pin_func,
                                   gpointer         pin_data,
                                   GDateTime       *now,
                                   GError         **error);

/* Reads a record (DER, nothing after it). Checks nothing but its form. */
InkanSealRecord *inkan_seal_record_parse (GBytes *der, GError **error);

/* Checks the maker's signature over the record. On success `*maker` (may be NULL) is a copy of
 * the maker's certificate and `*certs` (may be NULL) the certificates the CMS carries, for a
 * path to an anchor (an array of gnutls_x509_crt_t, freed with the array). */
gboolean inkan_seal_record_check_signature (const InkanSealRecord *record,
                                            gnutls_x509_crt_t    *maker,
                                            GPtrArray           **certs,
                                            GError              **error);

/* Whether `when` is inside the record's window: NOT_YET_VALID or EXPIRED otherwise. */
gboolean inkan_seal_record_check_time (const InkanSealRecord *record,
                                       GDateTime             *when,
                                       GError               **error);

/* What sealing checks before it uses a seal's record: it reads, the maker's signature verifies
 * and the maker's certificate is `maker_cert_der` (the maker's registered one; NULL skips that),
 * it binds the seal's own picture and certificate, and `now` is inside its window. */
gboolean inkan_seal_record_check_for_seal (GBytes          *der,
                                           const InkanSeal *seal,
                                           GBytes          *maker_cert_der,
                                           GDateTime       *now,
                                           GError         **error);

G_END_DECLS
