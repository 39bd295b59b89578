/* The seal record: encoding with libtasn1, the maker's CMS through GnuTLS and the token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-seal-record.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <libtasn1.h>
#include <string.h>
#include <unistd.h>

#include "inkan-approving.h"
#include "inkan-asn1-private.h"
#include "inkan-cms.h"
#include "inkan-cms-verify.h"
#include "inkan-image.h"
#include "inkan-token.h"

G_DEFINE_QUARK (inkan-seal-record-error-quark, inkan_seal_record_error)

#define RECORD_VERSION 1
#define IMAGE_TAG "inkan-seal-image-v1"
/* A record is a few kilobytes (the maker's chain); anything much larger is not one. */
#define RECORD_MAX_SIZE (256 * 1024)


/* ---- the picture ----------------------------------------------------------------------------- */

gboolean
inkan_seal_image_digest (guint width, guint height, const guint8 *rgb, gsize rgb_len,
                         const guint8 *alpha, gsize alpha_len,
                         guint8 digest[INKAN_SEAL_IMAGE_DIGEST_LEN], GError **error)
{
  gnutls_hash_hd_t hash;
  guint8 header[8];
  gsize pixels = (gsize) width * height;

  if (width == 0 || height == 0 || rgb == NULL || rgb_len != pixels * 3
      || (alpha != NULL && alpha_len != pixels))
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_INVALID,
                   _("The seal picture's samples do not match its size."));
      return FALSE;
    }
  if (gnutls_hash_init (&hash, GNUTLS_DIG_SHA256) < 0)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_FAILED,
                   _("The seal picture could not be digested."));
      return FALSE;
    }
  header[0] = width >> 24, header[1] = width >> 16, header[2] = width >> 8, header[3] = width;
  header[4] = height >> 24, header[5] = height >> 16, header[6] = height >> 8, header[7] = height;
  gnutls_hash (hash, IMAGE_TAG, sizeof IMAGE_TAG); /* with its NUL */
  gnutls_hash (hash, header, sizeof header);
  gnutls_hash (hash, rgb, rgb_len);
  if (alpha != NULL)
    gnutls_hash (hash, alpha, alpha_len);
  else
    {
      guint8 opaque[4096];

      memset (opaque, 0xff, sizeof opaque);
      for (gsize done = 0; done < pixels; done += MIN (sizeof opaque, pixels - done))
        gnutls_hash (hash, opaque, MIN (sizeof opaque, pixels - done));
    }
  gnutls_hash_deinit (hash, digest);
  return TRUE;
}

gboolean
inkan_seal_image_digest_png (GBytes *png, guint8 digest[INKAN_SEAL_IMAGE_DIGEST_LEN],
                             GError **error)
{
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *alpha = NULL;
  g_autofree char *why = NULL;
  guint width, height;
  gsize n;

  g_return_val_if_fail (png != NULL, FALSE);

  /* Read as sealing reads it (inkan_image_load_png), straight from memory. */
  pixels = inkan_image_read_png_rgba (NULL, png, G_MAXUINT16, &width, &height, &why);
  if (pixels == NULL)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_FAILED,
                   _("The seal picture could not be read back (%s)."),
                   why != NULL ? why : _("it has no pixels or is too large"));
      return FALSE;
    }
  n = (gsize) width * height;
  inkan_image_split_rgba (pixels, n, &alpha);
  return inkan_seal_image_digest (width, height, pixels, n * 3, alpha, alpha != NULL ? n : 0,
                                  digest, error);
}

/* ---- encoding -------------------------------------------------------------------------------- */

static gboolean
asn1_failed (GError **error, const char *what, int rc)
{
  g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_FAILED,
               _("The seal record could not be encoded (%s: %s). This is a defect in Inkan; "
                 "please report it."), what, asn1_strerror (rc));
  return FALSE;
}

static gboolean
put (asn1_node node, const char *name, const void *value, int len, GError **error)
{
  int rc = asn1_write_value (node, name, value, len);

  return rc == ASN1_SUCCESS || asn1_failed (error, name, rc);
}

static asn1_node
element_new (const char *type, GError **error)
{
  asn1_node definitions = _inkan_asn1_definitions ();
  asn1_node element = NULL;
  int rc;

  if (definitions == NULL)
    rc = ASN1_GENERIC_ERROR;
  else
    rc = asn1_create_element (definitions, type, &element);
  if (rc != ASN1_SUCCESS)
    {
      asn1_failed (error, type, rc);
      return NULL;
    }
  return element;
}

static GBytes *
der_of (asn1_node node, GError **error)
{
  char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  g_autofree guint8 *der = NULL;
  int len = 0;
  int rc = asn1_der_coding (node, "", NULL, &len, message);

  if (rc == ASN1_MEM_ERROR && len > 0)
    {
      der = g_malloc (len);
      rc = asn1_der_coding (node, "", der, &len, message);
    }
  if (rc != ASN1_SUCCESS)
    {
      asn1_failed (error, message, rc);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&der), len);
}

static char *
generalized_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y%m%d%H%M%SZ");
}

static gboolean
put_time (asn1_node node, const char *name, GDateTime *time, GError **error)
{
  g_autofree char *text = NULL;

  if (time == NULL)
    return put (node, name, NULL, 0, error);
  text = generalized_time (time);
  return put (node, name, text, (int) strlen (text), error);
}

static gboolean
sha256 (const void *data, gsize len, guint8 out[32], GError **error)
{
  int rc = gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, out);

  if (rc < 0)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_FAILED,
                   _("The seal record could not be digested: %s."), gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

GBytes *
inkan_seal_record_make (const InkanSeal *seal, InkanSigner *maker, const char *maker_name,
                        GDateTime *now, GError **error)
{
  g_autoptr (asn1_node_st) info = NULL;
  g_autoptr (asn1_node_st) record = NULL;
  g_autoptr (GBytes) info_der = NULL;
  g_autoptr (GBytes) cms = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  guint8 image_digest[INKAN_SEAL_IMAGE_DIGEST_LEN];
  guint8 cert_digest[32];
  guint8 info_digest[32];
  const char *kind;
  gnutls_x509_crt_t *chain;
  guint n_chain = 0;

  g_return_val_if_fail (seal != NULL && seal->name != NULL, NULL);
  g_return_val_if_fail (INKAN_IS_SIGNER (maker), NULL);
  g_return_val_if_fail (maker_name != NULL && now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kind = inkan_seal_kind_to_string (seal->kind);
  if (seal->image_png == NULL || seal->cert_der == NULL || kind == NULL)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_INVALID,
                   _("Seal “%s” has no picture or no certificate to bind; give both."),
                   seal->name);
      return NULL;
    }
  if (!inkan_seal_image_digest_png (seal->image_png, image_digest, error)
      || !sha256 (g_bytes_get_data (seal->cert_der, NULL), g_bytes_get_size (seal->cert_der),
                  cert_digest, error))
    return NULL;

  info = element_new ("InkanCMS.InkanSealInfo", error);
  if (info == NULL || !put (info, "version", "1", 0, error)
      || !put (info, "sealId", uuid, (int) strlen (uuid), error)
      || !put (info, "name", seal->name, (int) strlen (seal->name), error)
      || !put (info, "kind", kind, (int) strlen (kind), error)
      || !put (info, "imageDigest", image_digest, sizeof image_digest, error)
      || !put (info, "certDigest", cert_digest, sizeof cert_digest, error)
      || !put_time (info, "notBefore", seal->valid_from, error)
      || !put_time (info, "notAfter", seal->valid_until, error)
      || !put (info, "maker", maker_name, (int) strlen (maker_name), error)
      || !put_time (info, "made", now, error))
    return NULL;
  info_der = der_of (info, error);
  if (info_der == NULL
      || !sha256 (g_bytes_get_data (info_der, NULL), g_bytes_get_size (info_der), info_digest,
                  error))
    return NULL;

  chain = inkan_signer_get_chain (maker, &n_chain);
  cms = inkan_cms_sign_detached (inkan_signer_get_privkey (maker),
                                 (gnutls_x509_crt_t const *) chain, n_chain, info_digest, error);
  if (cms == NULL)
    return NULL;

  record = element_new ("InkanCMS.InkanSealRecord", error);
  if (record == NULL
      || !put (record, "sealInfo", g_bytes_get_data (info_der, NULL),
               (int) g_bytes_get_size (info_der), error)
      || !put (record, "makerSignature", g_bytes_get_data (cms, NULL),
               (int) g_bytes_get_size (cms), error))
    return NULL;
  return der_of (record, error);
}

GBytes *
inkan_seal_record_make_as (const InkanSeal *seal, const InkanUser *maker, const char *key_url,
                           InkanPinFunc pin_func, gpointer pin_data, GDateTime *now,
                           GError **error)
{
  g_autofree char *found = NULL;
  g_autoptr (InkanSigner) signer = NULL;

  g_return_val_if_fail (seal != NULL && maker != NULL && now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (key_url == NULL)
    {
      found = inkan_approving_find_key (maker, error);
      if (found == NULL)
        return NULL;
      key_url = found;
    }
  signer = inkan_signer_open (key_url, NULL, pin_func, pin_data, error);
  if (signer == NULL)
    return NULL;
  /* The record is worth what the maker's registered certificate proves. */
  if (!inkan_certificate_is (inkan_signer_get_certificate (signer), maker->cert_der))
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_WRONG_MAKER,
                   _("The key you gave belongs to “%s”, not to the certificate registered for "
                     "%s; make the seal record with your own key."),
                   inkan_signer_get_subject (signer), maker->name);
      return NULL;
    }
  return inkan_seal_record_make (seal, signer, maker->name, now, error);
}

/* ---- decoding -------------------------------------------------------------------------------- */

void
inkan_seal_record_free (InkanSealRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->seal_id);
  g_free (record->name);
  g_free (record->kind);
  g_free (record->maker);
  g_clear_pointer (&record->not_before, g_date_time_unref);
  g_clear_pointer (&record->not_after, g_date_time_unref);
  g_clear_pointer (&record->made, g_date_time_unref);
  g_clear_pointer (&record->info, g_bytes_unref);
  g_clear_pointer (&record->maker_cms, g_bytes_unref);
  g_free (record);
}

static gboolean
unreadable (GError **error, const char *what)
{
  g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_INVALID,
               _("The seal record cannot be read (%s)."), what);
  return FALSE;
}

static asn1_node
decode (const char *type, GBytes *der, GError **error)
{
  g_autoptr (asn1_node_st) node = element_new (type, error);
  char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  gsize size;
  const void *data = g_bytes_get_data (der, &size);
  int len = (int) MIN (size, (gsize) RECORD_MAX_SIZE);

  if (node == NULL)
    return NULL;
  if (size > RECORD_MAX_SIZE || asn1_der_decoding2 (&node, data, &len, 0, message) != ASN1_SUCCESS
      || (gsize) len != size)
    {
      unreadable (error, type);
      return NULL;
    }
  return g_steal_pointer (&node);
}

static GBytes *
get (asn1_node node, const char *name)
{
  int rc;

  return _inkan_asn1_read_bytes (node, name, &rc);
}

static char *
get_text (asn1_node node, const char *name)
{
  g_autoptr (GBytes) value = get (node, name);
  gsize size;
  const char *data;

  if (value == NULL)
    return NULL;
  data = g_bytes_get_data (value, &size);
  if (!g_utf8_validate_len (data, size, NULL) || memchr (data, 0, size) != NULL)
    return NULL;
  return g_strndup (data, size);
}

static GDateTime *
get_time (asn1_node node, const char *name, gboolean *ok)
{
  g_autoptr (GBytes) value = NULL;
  g_autofree char *text = NULL;
  gsize size;
  const char *data;
  int f[6];

  if (asn1_find_node (node, name) == NULL)
    return NULL;
  value = get (node, name);
  if (value == NULL)
    return NULL; /* absent OPTIONAL */
  /* libtasn1 gives times back as C strings, their NUL counted in the length. */
  data = g_bytes_get_data (value, &size);
  if (size > 0 && data[size - 1] == '\0')
    size--;
  text = g_strndup (data, size);
  if (strlen (text) != 15 || text[14] != 'Z'
      || sscanf (text, "%4d%2d%2d%2d%2d%2d", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5]) != 6)
    {
      *ok = FALSE;
      return NULL;
    }
  {
    GDateTime *time = g_date_time_new_utc (f[0], f[1], f[2], f[3], f[4], f[5]);

    if (time == NULL)
      *ok = FALSE;
    return time;
  }
}

static gboolean
get_digest (asn1_node node, const char *name, guint8 out[32])
{
  g_autoptr (GBytes) value = get (node, name);

  if (value == NULL || g_bytes_get_size (value) != 32)
    return FALSE;
  memcpy (out, g_bytes_get_data (value, NULL), 32);
  return TRUE;
}

InkanSealRecord *
inkan_seal_record_parse (GBytes *der, GError **error)
{
  g_autoptr (asn1_node_st) record = NULL;
  g_autoptr (asn1_node_st) info = NULL;
  g_autoptr (InkanSealRecord) r = g_new0 (InkanSealRecord, 1);
  char version[8] = "";
  int len = sizeof version;
  gboolean ok = TRUE;
  long v = 0;

  g_return_val_if_fail (der != NULL, NULL);

  record = decode ("InkanCMS.InkanSealRecord", der, error);
  if (record == NULL)
    return NULL;
  r->info = get (record, "sealInfo");
  r->maker_cms = get (record, "makerSignature");
  if (r->info == NULL || r->maker_cms == NULL)
    {
      unreadable (error, "sealInfo, makerSignature");
      return NULL;
    }
  info = decode ("InkanCMS.InkanSealInfo", r->info, error);
  if (info == NULL)
    return NULL;
  if (asn1_read_value (info, "version", version, &len) != ASN1_SUCCESS || len < 1 || len > 4)
    {
      unreadable (error, "version");
      return NULL;
    }
  for (int i = 0; i < len; i++)
    v = (v << 8) | (guint8) version[i];
  if (v != RECORD_VERSION)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_INVALID,
                   _("The seal record is of version %ld, which this Inkan does not read; "
                     "update Inkan."), v);
      return NULL;
    }
  r->version = (guint) v;
  r->seal_id = get_text (info, "sealId");
  r->name = get_text (info, "name");
  r->kind = get_text (info, "kind");
  r->maker = get_text (info, "maker");
  r->not_before = get_time (info, "notBefore", &ok);
  r->not_after = get_time (info, "notAfter", &ok);
  r->made = get_time (info, "made", &ok);
  if (r->seal_id == NULL || r->name == NULL || r->kind == NULL || r->maker == NULL
      || r->made == NULL || !ok || !get_digest (info, "imageDigest", r->image_digest)
      || !get_digest (info, "certDigest", r->cert_digest))
    {
      unreadable (error, "a field of sealInfo");
      return NULL;
    }
  return g_steal_pointer (&r);
}

/* ---- checking -------------------------------------------------------------------------------- */

gboolean
inkan_seal_record_check_signature (const InkanSealRecord *record, gnutls_x509_crt_t *maker,
                                   GPtrArray **certs, GError **error)
{
  g_autoptr (InkanCmsSignedData) sd = NULL;
  g_autoptr (GError) local = NULL;
  gnutls_digest_algorithm_t alg;
  gnutls_x509_crt_t const *all;
  guint8 digest[64];
  guint n = 0;

  g_return_val_if_fail (record != NULL, FALSE);

  sd = inkan_cms_signed_data_parse (g_bytes_get_data (record->maker_cms, NULL),
                                    g_bytes_get_size (record->maker_cms), &local);
  if (sd != NULL)
    {
      alg = inkan_cms_signed_data_get_digest (sd);
      if (gnutls_hash_get_len (alg) > sizeof digest
          || gnutls_hash_fast (alg, g_bytes_get_data (record->info, NULL),
                               g_bytes_get_size (record->info), digest) < 0)
        g_set_error (&local, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_SIGNATURE,
                     _("unsupported digest"));
      else
        inkan_cms_signed_data_verify (sd, digest, gnutls_hash_get_len (alg), &local);
    }
  if (local == NULL && inkan_cms_signed_data_get_signer (sd) == NULL)
    g_set_error (&local, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_SIGNATURE,
                 _("no maker certificate"));
  if (local != NULL)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_SIGNATURE,
                   _("The seal maker's signature over the seal record does not verify (%s): "
                     "the record was altered or forged."), local->message);
      return FALSE;
    }
  if (maker != NULL)
    *maker = inkan_certificate_copy (inkan_cms_signed_data_get_signer (sd), NULL);
  if (certs != NULL)
    {
      *certs = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
      all = inkan_cms_signed_data_get_certificates (sd, &n);
      for (guint i = 0; i < n; i++)
        {
          gnutls_x509_crt_t copy = inkan_certificate_copy (all[i], NULL);

          if (copy != NULL)
            g_ptr_array_add (*certs, copy);
        }
    }
  return TRUE;
}

static char *
format_utc (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
}

gboolean
inkan_seal_record_check_time (const InkanSealRecord *record, GDateTime *when, GError **error)
{
  g_return_val_if_fail (record != NULL && when != NULL, FALSE);

  if (record->not_before != NULL && g_date_time_compare (when, record->not_before) < 0)
    {
      g_autofree char *from = format_utc (record->not_before);

      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_NOT_YET_VALID,
                   _("The seal “%s” may be used only from %s."), record->name, from);
      return FALSE;
    }
  if (record->not_after != NULL && g_date_time_compare (when, record->not_after) >= 0)
    {
      g_autofree char *until = format_utc (record->not_after);

      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_EXPIRED,
                   _("The seal “%s” expired on %s."), record->name, until);
      return FALSE;
    }
  return TRUE;
}

gboolean
inkan_seal_record_check_for_seal (GBytes *der, const InkanSeal *seal, GBytes *maker_cert_der,
                                  GDateTime *now, GError **error)
{
  g_autoptr (InkanSealRecord) record = NULL;
  gnutls_x509_crt_t maker = NULL;
  guint8 image_digest[INKAN_SEAL_IMAGE_DIGEST_LEN];
  guint8 cert_digest[32];
  gboolean same_maker = TRUE;

  g_return_val_if_fail (der != NULL && seal != NULL && now != NULL, FALSE);

  record = inkan_seal_record_parse (der, error);
  if (record == NULL || !inkan_seal_record_check_signature (record, &maker, NULL, error))
    return FALSE;
  if (maker_cert_der != NULL)
    same_maker = inkan_certificate_is (maker, maker_cert_der);
  g_clear_pointer (&maker, gnutls_x509_crt_deinit);
  if (!same_maker)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_WRONG_MAKER,
                   _("The record of seal “%s” is not signed with the certificate registered for "
                     "its maker %s; ask an administrator to rebind the seal."),
                   seal->name, record->maker);
      return FALSE;
    }
  if (seal->image_png == NULL || seal->cert_der == NULL
      || !inkan_seal_image_digest_png (seal->image_png, image_digest, error)
      || !sha256 (g_bytes_get_data (seal->cert_der, NULL), g_bytes_get_size (seal->cert_der),
                  cert_digest, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_MISMATCH,
                     _("Seal “%s” has no picture or no certificate to check its record with."),
                     seal->name);
      return FALSE;
    }
  if (memcmp (image_digest, record->image_digest, sizeof image_digest) != 0
      || memcmp (cert_digest, record->cert_digest, sizeof cert_digest) != 0
      || g_strcmp0 (record->name, seal->name) != 0)
    {
      g_set_error (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_MISMATCH,
                   _("The record of seal “%s” binds another picture, certificate or name than "
                     "the seal has now; ask an administrator to rebind the seal."),
                   seal->name);
      return FALSE;
    }
  return inkan_seal_record_check_time (record, now, error);
}
