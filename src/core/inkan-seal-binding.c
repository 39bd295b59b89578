/* The verifier's seal binding check: the record's maker, certificate, window and picture. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-seal-binding.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "inkan-seal-record.h"

/* Nested forms followed from the widget's appearance, and image XObjects looked at in all. */
#define MAX_FORM_DEPTH 4
#define MAX_IMAGES 64
/* A seal picture larger than this is not one Inkan made (600 dpi over 20 cm is 4724 pixels). */
#define MAX_IMAGE_SIDE 10000

void
inkan_seal_report_free (InkanSealReport *report)
{
  if (report == NULL)
    return;
  g_free (report->seal_id);
  g_free (report->name);
  g_free (report->kind);
  g_free (report->maker);
  g_free (report->reason);
  g_clear_pointer (&report->not_before, g_date_time_unref);
  g_clear_pointer (&report->not_after, g_date_time_unref);
  g_free (report);
}

static qpdf_oh
get_key (qpdf_data q, qpdf_oh dict, const char *key)
{
  if (qpdf_oh_is_stream (q, dict))
    dict = qpdf_oh_get_dict (q, dict);
  if (!qpdf_oh_is_dictionary (q, dict) || !qpdf_oh_has_key (q, dict, key))
    return qpdf_oh_new_null (q);
  return qpdf_oh_get_key (q, dict, key);
}

static gboolean
get_int (qpdf_data q, qpdf_oh dict, const char *key, long long *value)
{
  qpdf_oh item = get_key (q, dict, key);

  if (!qpdf_oh_is_integer (q, item))
    return FALSE;
  *value = qpdf_oh_get_int_value (q, item);
  return TRUE;
}

static gboolean
is_name (qpdf_data q, qpdf_oh dict, const char *key, const char *name)
{
  return qpdf_oh_is_name_and_equals (q, get_key (q, dict, key), name);
}

/* The decoded samples of an 8-bit image stream of `width` × `height` × `components`, or NULL
 * when it is of another kind (a /Decode array, another depth or colour space) or does not
 * decode to exactly that many bytes. */
static guint8 *
image_samples (qpdf_data q, qpdf_oh image, long long width, long long height, int components,
               const char *colour_space, gsize *len)
{
  unsigned char *buf = NULL;
  size_t size = 0;
  long long w = 0, h = 0, bpc = 0;
  QPDF_BOOL filtered = QPDF_FALSE;
  guint8 *copy;

  if (!qpdf_oh_is_stream (q, image) || !is_name (q, image, "/Subtype", "/Image")
      || !get_int (q, image, "/Width", &w) || !get_int (q, image, "/Height", &h)
      || !get_int (q, image, "/BitsPerComponent", &bpc) || w != width || h != height || bpc != 8
      || !is_name (q, image, "/ColorSpace", colour_space)
      || !qpdf_oh_is_null (q, get_key (q, image, "/Decode")))
    return NULL;
  if (qpdf_oh_get_stream_data (q, image, qpdf_dl_generalized, &filtered, &buf, &size)
        != QPDF_SUCCESS
      || !filtered || size != (size_t) (width * height * components))
    {
      if (qpdf_has_error (q))
        (void) qpdf_get_error (q);
      free (buf);
      return NULL;
    }
  copy = g_memdup2 (buf, size);
  free (buf);
  *len = size;
  return copy;
}

/* Whether the image XObject `image` has the canonical digest `expected`. */
static gboolean
image_matches (qpdf_data q, qpdf_oh image, const guint8 *expected)
{
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *alpha = NULL;
  gsize rgb_len = 0, alpha_len = 0;
  long long width = 0, height = 0;
  guint8 digest[INKAN_SEAL_IMAGE_DIGEST_LEN];
  qpdf_oh smask;

  if (!get_int (q, image, "/Width", &width) || !get_int (q, image, "/Height", &height)
      || width < 1 || height < 1 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
    return FALSE;
  rgb = image_samples (q, image, width, height, 3, "/DeviceRGB", &rgb_len);
  if (rgb == NULL)
    return FALSE;
  smask = get_key (q, image, "/SMask");
  if (!qpdf_oh_is_null (q, smask))
    {
      alpha = image_samples (q, smask, width, height, 1, "/DeviceGray", &alpha_len);
      if (alpha == NULL)
        return FALSE;
    }
  return inkan_seal_image_digest ((guint) width, (guint) height, rgb, rgb_len, alpha, alpha_len,
                                  digest, NULL)
         && memcmp (digest, expected, sizeof digest) == 0;
}

/* Looks through the XObjects of the form `form` (and of the forms it uses) for the picture. */
static gboolean
form_has_image (qpdf_data q, qpdf_oh form, const guint8 *expected, guint depth, guint *n_images)
{
  qpdf_oh xobjects = get_key (q, get_key (q, form, "/Resources"), "/XObject");
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (depth > MAX_FORM_DEPTH || !qpdf_oh_is_dictionary (q, xobjects))
    return FALSE;
  /* qpdf iterates over one dictionary at a time: take the names first. */
  qpdf_oh_begin_dict_key_iter (q, xobjects);
  while (qpdf_oh_dict_more_keys (q) && names->len < MAX_IMAGES)
    g_ptr_array_add (names, g_strdup (qpdf_oh_dict_next_key (q)));
  for (guint i = 0; i < names->len; i++)
    {
      qpdf_oh xobject = qpdf_oh_get_key (q, xobjects, names->pdata[i]);

      if (!qpdf_oh_is_stream (q, xobject))
        continue;
      if (is_name (q, xobject, "/Subtype", "/Form"))
        {
          if (form_has_image (q, xobject, expected, depth + 1, n_images))
            return TRUE;
        }
      else if (is_name (q, xobject, "/Subtype", "/Image") && (*n_images)++ < MAX_IMAGES
               && image_matches (q, xobject, expected))
        return TRUE;
    }
  return FALSE;
}

static gboolean
appearance_has_image (qpdf_data q, qpdf_oh widget, const guint8 *expected)
{
  qpdf_oh normal = get_key (q, get_key (q, widget, "/AP"), "/N");
  gboolean found;
  guint n_images = 0;

  /* A widget with appearance states (/N a dictionary) is a check box, not a seal. */
  if (!qpdf_oh_is_stream (q, normal))
    return FALSE;
  found = form_has_image (q, normal, expected, 0, &n_images);
  if (qpdf_has_error (q))
    (void) qpdf_get_error (q);
  return found;
}

static char *
common_name (gnutls_x509_crt_t crt)
{
  char buf[256];
  size_t size = sizeof buf;

  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size) < 0)
    return NULL;
  return g_utf8_make_valid (buf, -1);
}

static gboolean
signer_is_bound (gnutls_x509_crt_t signer, const InkanSealRecord *record)
{
  gnutls_datum_t der = { NULL, 0 };
  guint8 digest[32];
  gboolean same;

  if (signer == NULL || gnutls_x509_crt_export2 (signer, GNUTLS_X509_FMT_DER, &der) < 0)
    return FALSE;
  same = gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, digest) >= 0
         && memcmp (digest, record->cert_digest, sizeof digest) == 0;
  gnutls_free (der.data);
  return same;
}

static InkanSealReport *
not_bound (InkanSealReport *report, char *reason)
{
  report->bound = FALSE;
  report->reason = reason;
  return report;
}

InkanSealReport *
_inkan_seal_binding_check (InkanCmsSignedData *cms, gboolean cms_ok, InkanTrust *trust,
                           GDateTime *when, qpdf_data q, qpdf_oh widget)
{
  g_autoptr (InkanSealReport) report = NULL;
  g_autoptr (InkanSealRecord) record = NULL;
  g_autoptr (GPtrArray) certs = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (InkanPathResult) path = { 0 };
  gnutls_x509_crt_t maker = NULL;
  GBytes *der;
  gboolean present = FALSE;

  g_return_val_if_fail (cms != NULL && trust != NULL, NULL);

  der = inkan_cms_signed_data_get_signed_attribute (cms, INKAN_SEAL_RECORD_OID, &present);
  if (!present)
    return NULL;
  report = g_new0 (InkanSealReport, 1);
  if (der == NULL)
    return not_bound (g_steal_pointer (&report),
                      g_strdup (_("The signature carries its seal record more than once, or "
                                  "not as one value.")));
  record = inkan_seal_record_parse (der, &error);
  if (record == NULL)
    return not_bound (g_steal_pointer (&report), g_strdup (error->message));
  report->seal_id = g_strdup (record->seal_id);
  report->name = g_strdup (record->name);
  report->kind = g_strdup (record->kind);
  report->maker = g_strdup (record->maker);
  report->not_before = record->not_before != NULL ? g_date_time_ref (record->not_before) : NULL;
  report->not_after = record->not_after != NULL ? g_date_time_ref (record->not_after) : NULL;

  if (!cms_ok)
    return not_bound (g_steal_pointer (&report),
                      g_strdup (_("The signature that carries the seal does not verify.")));
  if (!inkan_seal_record_check_signature (record, &maker, &certs, &error))
    return not_bound (g_steal_pointer (&report), g_strdup (error->message));
  {
    g_autofree char *cn = common_name (maker);

    if (cn != NULL)
      {
        g_free (report->maker);
        report->maker = g_steal_pointer (&cn);
      }
  }
  if (when == NULL)
    {
      gnutls_x509_crt_deinit (maker);
      return not_bound (g_steal_pointer (&report),
                        g_strdup (_("The signature gives no sealing time to check the seal's "
                                    "validity against.")));
    }
  inkan_trust_check_path (trust, maker, (gnutls_x509_crt_t const *) certs->pdata, certs->len,
                          when, &path);
  gnutls_x509_crt_deinit (maker);
  if (path.status != INKAN_PATH_OK)
    return not_bound (g_steal_pointer (&report),
                      g_strdup_printf (_("The seal's maker (%s) is not trusted: %s"),
                                       report->maker,
                                       path.detail != NULL
                                         ? path.detail
                                         : _("their certificate does not lead to a trusted "
                                             "authority.")));
  if (!signer_is_bound (inkan_cms_signed_data_get_signer (cms), record))
    return not_bound (g_steal_pointer (&report),
                      g_strdup_printf (_("The seal “%s” is bound to another certificate than the "
                                         "one that signed."), record->name));
  if (!inkan_seal_record_check_time (record, when, &error))
    return not_bound (g_steal_pointer (&report),
                      g_strdup_printf (_("%s The document was sealed outside the seal's "
                                         "validity."), error->message));
  if (q == NULL || !appearance_has_image (q, widget, record->image_digest))
    return not_bound (g_steal_pointer (&report),
                      g_strdup_printf (_("The picture shown for this signature is not the "
                                         "picture of the seal “%s”: it was replaced, or the "
                                         "signature shows none."), record->name));
  report->bound = TRUE;
  return g_steal_pointer (&report);
}
