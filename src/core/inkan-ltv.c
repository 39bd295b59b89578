/* Long-term validation data (PAdES B-LT): OCSP responses and CRLs fetched for the /DSS. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-ltv.h"

#include "inkan-cms-verify.h"
#include "inkan-output-private.h"
#include "inkan-pdf-private.h"
#include "inkan-revocation-private.h"
#include "inkan-token.h"
#include "inkan-tsa.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <string.h>
#include <sys/stat.h>

G_DEFINE_QUARK (inkan-ltv-error-quark, inkan_ltv_error)


static void
inkan_datum_clear (gnutls_datum_t *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, inkan_datum_clear)

typedef struct
{
  const InkanLtvOptions *options;
  InkanTrust *trust;
  GPtrArray *certs;         /* GBytes DER */
  GHashTable *cert_index;   /* DER (GBytes) → index + 1 */
  GPtrArray *ocsps;         /* GBytes DER */
  GPtrArray *crls;          /* GBytes DER */
  GHashTable *status_index; /* certificate DER → GINT (ocsp index + 1) or -(crl index + 1) */
  GHashTable *crl_by_url;   /* URL → crl index + 1 */
  GPtrArray *vri;           /* InkanPdfVri */
} Collector;

static void
vri_free (gpointer data)
{
  InkanPdfVri *vri = data;

  g_free (vri->key);
  g_array_unref (vri->certs);
  g_array_unref (vri->ocsps);
  g_array_unref (vri->crls);
  g_free (vri);
}

static void
collector_clear (Collector *c)
{
  g_clear_pointer (&c->certs, g_ptr_array_unref);
  g_clear_pointer (&c->cert_index, g_hash_table_unref);
  g_clear_pointer (&c->ocsps, g_ptr_array_unref);
  g_clear_pointer (&c->crls, g_ptr_array_unref);
  g_clear_pointer (&c->status_index, g_hash_table_unref);
  g_clear_pointer (&c->crl_by_url, g_hash_table_unref);
  g_clear_pointer (&c->vri, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Collector, collector_clear)

static guint
add_cert (Collector *c, GBytes *der)
{
  gpointer index = g_hash_table_lookup (c->cert_index, der);

  if (index != NULL)
    return GPOINTER_TO_UINT (index) - 1;
  g_ptr_array_add (c->certs, g_bytes_ref (der));
  g_hash_table_insert (c->cert_index, g_bytes_ref (der), GUINT_TO_POINTER (c->certs->len));
  return c->certs->len - 1;
}

/* A fetch failed: nothing is written, which the message says. */
static gboolean
fetch_failed (GError **error)
{
  if (error != NULL && *error != NULL)
    {
      char *message = g_strconcat ((*error)->message, " ",
                                   _("Try again later; nothing was written."), NULL);

      g_free ((*error)->message);
      (*error)->message = message;
    }
  return FALSE;
}

/* The OCSP response (else the CRL) for `cert`, fetched once per certificate (once per URL for
 * CRLs), recorded in the VRI entry. Certificates that name neither get nothing. */
static gboolean
add_status (Collector *c, gnutls_x509_crt_t cert, GBytes *der, gnutls_x509_crt_t issuer,
            InkanPdfVri *vri, GError **error)
{
  gpointer known = g_hash_table_lookup (c->status_index, der);
  g_autofree char *ocsp = NULL;
  g_autofree char *crl = NULL;
  int index;

  if (known == NULL)
    {
      ocsp = _inkan_revocation_ocsp_url (cert);
      crl = ocsp == NULL ? _inkan_revocation_crl_url (cert) : NULL;
      if (ocsp != NULL)
        {
          GBytes *answer = _inkan_revocation_fetch_ocsp (cert, issuer, ocsp, c->options->timeout,
                                                         error);

          if (answer == NULL)
            return fetch_failed (error);
          g_ptr_array_add (c->ocsps, answer);
          index = (int) c->ocsps->len;
        }
      else if (crl != NULL)
        {
          gpointer by_url = g_hash_table_lookup (c->crl_by_url, crl);

          if (by_url == NULL)
            {
              GBytes *answer = _inkan_revocation_fetch_crl (cert, issuer, crl,
                                                            c->options->timeout, error);

              if (answer == NULL)
                return fetch_failed (error);
              g_ptr_array_add (c->crls, answer);
              by_url = GUINT_TO_POINTER (c->crls->len);
              g_hash_table_insert (c->crl_by_url, g_strdup (crl), by_url);
            }
          index = -(int) GPOINTER_TO_UINT (by_url);
        }
      else
        return TRUE;
      g_hash_table_insert (c->status_index, g_bytes_ref (der), GINT_TO_POINTER (index));
    }
  else
    index = GPOINTER_TO_INT (known);

  if (index > 0)
    {
      guint i = (guint) index - 1;
      g_array_append_val (vri->ocsps, i);
    }
  else
    {
      guint i = (guint) -index - 1;
      g_array_append_val (vri->crls, i);
    }
  return TRUE;
}

/* The path of `subject` through `pool` (to an anchor when there is one) into the DSS, and the
 * status of each certificate below its issuer. */
static gboolean
add_path (Collector *c, gnutls_x509_crt_t subject, gnutls_x509_crt_t const *pool, guint n_pool,
          GDateTime *now, InkanPdfVri *vri, GError **error)
{
  g_auto (InkanPathResult) path = { 0 };

  inkan_trust_check_path (c->trust, subject, pool, n_pool, now, &path);
  for (guint i = 0; i < path.chain->len; i++)
    {
      gnutls_x509_crt_t cert = g_ptr_array_index (path.chain, i);
      g_autoptr (GBytes) der = inkan_certificate_to_der (cert, NULL);
      guint index;

      if (der == NULL)
        continue;
      index = add_cert (c, der);
      g_array_append_val (vri->certs, index);
      if (i + 1 < path.chain->len && gnutls_x509_crt_check_issuer (cert, cert) == 0
          && !add_status (c, cert, der, g_ptr_array_index (path.chain, i + 1), vri, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_signature (Collector *c, GBytes *contents, GDateTime *now, GError **error)
{
  g_autoptr (InkanCmsSignedData) cms = NULL;
  g_autoptr (GPtrArray) pool = g_ptr_array_new ();
  g_autoptr (GPtrArray) stamps = g_ptr_array_new_with_free_func (
      (GDestroyNotify) inkan_timestamp_free);
  gnutls_x509_crt_t const *certs;
  guint n_certs = 0;
  guint8 sha1[20];
  GPtrArray *tokens;
  InkanPdfVri *vri;
  GString *key;

  /* A signature Inkan cannot read gets no validation data; the verifier says what is wrong. */
  cms = inkan_cms_signed_data_parse (g_bytes_get_data (contents, NULL),
                                     g_bytes_get_size (contents), NULL);
  if (cms == NULL || inkan_cms_signed_data_get_signer (cms) == NULL)
    return TRUE;

  vri = g_new0 (InkanPdfVri, 1);
  vri->certs = g_array_new (FALSE, FALSE, sizeof (guint));
  vri->ocsps = g_array_new (FALSE, FALSE, sizeof (guint));
  vri->crls = g_array_new (FALSE, FALSE, sizeof (guint));
  gnutls_hash_fast (GNUTLS_DIG_SHA1, g_bytes_get_data (contents, NULL),
                    g_bytes_get_size (contents), sha1);
  key = g_string_new (NULL);
  for (guint i = 0; i < sizeof sha1; i++)
    g_string_append_printf (key, "%02X", sha1[i]);
  vri->key = g_string_free (key, FALSE);
  g_ptr_array_add (c->vri, vri);

  certs = inkan_cms_signed_data_get_certificates (cms, &n_certs);
  for (guint i = 0; i < n_certs; i++)
    g_ptr_array_add (pool, certs[i]);
  tokens = inkan_cms_signed_data_get_timestamp_tokens (cms);
  for (guint i = 0; i < tokens->len; i++)
    {
      GBytes *token = g_ptr_array_index (tokens, i);
      InkanTimestamp *ts = inkan_timestamp_parse (g_bytes_get_data (token, NULL),
                                                  g_bytes_get_size (token), NULL);
      gnutls_x509_crt_t const *ts_certs;
      guint n_ts = 0;

      if (ts == NULL || inkan_timestamp_get_signer (ts) == NULL)
        {
          g_clear_pointer (&ts, inkan_timestamp_free);
          continue;
        }
      g_ptr_array_add (stamps, ts);
      ts_certs = inkan_timestamp_get_certificates (ts, &n_ts);
      for (guint j = 0; j < n_ts; j++)
        g_ptr_array_add (pool, ts_certs[j]);
    }

  if (!add_path (c, inkan_cms_signed_data_get_signer (cms),
                 (gnutls_x509_crt_t const *) pool->pdata, pool->len, now, vri, error))
    return FALSE;
  for (guint i = 0; i < stamps->len; i++)
    if (!add_path (c, inkan_timestamp_get_signer (stamps->pdata[i]),
                   (gnutls_x509_crt_t const *) pool->pdata, pool->len, now, vri, error))
      return FALSE;
  return TRUE;
}

static gboolean
check_distinct (const char *input, const char *output, GError **error)
{
  if (!_inkan_output_check_distinct (input, output))
    {
      g_autofree char *display = g_filename_display_name (output);

      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE,
                   _("The copy with validation data cannot replace the original “%s”: choose "
                     "another output file."),
                   display);
      return FALSE;
    }
  return TRUE;
}

typedef enum
{
  ADDING_LTV,
  TIMESTAMPING
} Purpose;

static gboolean
set_changed (const char *input, Purpose purpose, GError **error)
{
  g_autofree char *display = g_filename_display_name (input);

  if (purpose == ADDING_LTV)
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                 _("“%s” changed while validation data was being added: try again once it is "
                   "complete."),
                 display);
  else
    g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                 _("“%s” changed while it was being timestamped: try again once it is "
                   "complete."),
                 display);
  return FALSE;
}

/* Opens `out` for `output` and copies `input` into it: the file `st` describes (taken before
 * the parse, which read `size` bytes), copied in the kernel rather than read into memory. The
 * increment then goes after it, and _inkan_output_commit puts the whole in place. */
static gboolean
copy_original (InkanOutput *out, const char *output, const char *input, const GStatBuf *st,
               guint64 size, Purpose purpose, GError **error)
{
  if ((guint64) st->st_size != size)
    return set_changed (input, purpose, error);
  if (!_inkan_output_open (out, output, error))
    return FALSE;
  switch (_inkan_output_copy (out, input, st, NULL, NULL, error))
    {
    case INKAN_OUTPUT_COPY_DONE:
      return TRUE;
    case INKAN_OUTPUT_COPY_CHANGED:
    case INKAN_OUTPUT_COPY_STOPPED:
      return set_changed (input, purpose, error);
    case INKAN_OUTPUT_COPY_FAILED:
    default:
      return FALSE;
    }
}

gboolean
inkan_ltv_add (const InkanLtvOptions *options, GError **error)
{
  g_autoptr (InkanPdf) pdf = NULL;
  g_autoptr (GPtrArray) contents = NULL;
  g_autoptr (InkanTrust) empty = NULL;
  g_autoptr (GBytes) increment = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *display = NULL;
  g_auto (InkanOutput) out = INKAN_OUTPUT_INIT;
  g_auto (Collector) c = { 0 };
  InkanPdfDss dss;
  GStatBuf st;
  gboolean stated;
  gsize inc_len;
  const guint8 *inc_data;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (options->input != NULL && options->output != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_distinct (options->input, options->output, error))
    return FALSE;
  /* The copy checks that it copies the file parsed, as it was before the parse. */
  stated = g_stat (options->input, &st) == 0;
  pdf = inkan_pdf_open (options->input, error);
  if (pdf == NULL)
    return FALSE;
  if (!stated)
    return set_changed (options->input, ADDING_LTV, error);
  contents = _inkan_pdf_get_signature_contents (pdf, error);
  if (contents == NULL)
    return FALSE;
  display = g_filename_display_name (options->input);
  if (contents->len == 0)
    {
      g_set_error (error, INKAN_LTV_ERROR, INKAN_LTV_ERROR_NO_SIGNATURE,
                   _("“%s” has no signature, so there is nothing to keep verifiable."), display);
      return FALSE;
    }

  c.options = options;
  c.trust = options->trust != NULL ? options->trust : (empty = inkan_trust_new ());
  c.certs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c.cert_index = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                        (GDestroyNotify) g_bytes_unref, NULL);
  c.ocsps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c.crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c.status_index = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify) g_bytes_unref, NULL);
  c.crl_by_url = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c.vri = g_ptr_array_new_with_free_func (vri_free);
  for (guint i = 0; i < contents->len; i++)
    if (!add_signature (&c, contents->pdata[i], now, error))
      return FALSE;

  dss = (InkanPdfDss) { c.certs, c.ocsps, c.crls, c.vri };
  increment = _inkan_pdf_prepare_dss (pdf, &dss, error);
  if (increment == NULL)
    return FALSE;

  /* The increment's offsets are for the file as it was read. */
  inc_data = g_bytes_get_data (increment, &inc_len);
  return copy_original (&out, options->output, options->input, &st, inkan_pdf_get_size (pdf),
                        ADDING_LTV, error)
         && _inkan_output_write_at (&out, inc_data, inc_len, inkan_pdf_get_size (pdf), error)
         && _inkan_output_commit (&out, error);
}

/* ---- document timestamps (PAdES B-LTA) ----------------------------------------------------- */

/* The original is read back this much at a time to be hashed. */
#define HASH_STEP (256 * 1024)

gboolean
inkan_document_timestamp (const char *input, const char *output, InkanTsa *tsa, GError **error)
{
  static const char digits[] = "0123456789ABCDEF";
  g_autoptr (InkanPdf) pdf = NULL;
  g_autoptr (InkanPdfIncrement) inc = NULL;
  g_autoptr (InkanTimestamp) ts = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree guint8 *patched = NULL, *buf = NULL;
  g_auto (InkanOutput) out = INKAN_OUTPUT_INIT;
  InkanPdfSigParams params = { 0 };
  gnutls_hash_hd_t hash;
  guint8 digest[32];
  const guint8 *inc_data, *token;
  gsize inc_len, token_len, probe;
  guint64 size;
  GStatBuf st;
  gboolean stated;
  int rc;

  g_return_val_if_fail (input != NULL && output != NULL, FALSE);
  g_return_val_if_fail (tsa != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_distinct (input, output, error))
    return FALSE;
  stated = g_stat (input, &st) == 0;
  pdf = inkan_pdf_open (input, error);
  if (pdf == NULL)
    return FALSE;
  if (!stated)
    return set_changed (input, TIMESTAMPING, error);
  probe = inkan_tsa_probe_size (tsa, NULL, error);
  if (probe == 0)
    return FALSE;
  params.page = 1;
  params.time = now;
  params.contents_size = probe;
  params.doc_timestamp = TRUE;
  inc = _inkan_pdf_prepare_signature (pdf, &params, error);
  size = inkan_pdf_get_size (pdf);
  if (inc == NULL
      || !copy_original (&out, output, input, &st, size, TIMESTAMPING, error))
    return FALSE;

  inc_data = g_bytes_get_data (inc->bytes, &inc_len);
  rc = gnutls_hash_init (&hash, GNUTLS_DIG_SHA256);
  if (rc < 0)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("Cannot compute a digest: %s"), gnutls_strerror (rc));
      return FALSE;
    }
  /* The original as the output holds it, read back in steps so that memory does not follow
   * the document. */
  buf = g_malloc (HASH_STEP);
  if (!_inkan_output_hash (&out, 0, size, hash, buf, HASH_STEP, error))
    {
      gnutls_hash_deinit (hash, NULL);
      return FALSE;
    }
  gnutls_hash (hash, inc_data, inc->gap_start);
  gnutls_hash (hash, inc_data + inc->gap_end, inc_len - inc->gap_end);
  gnutls_hash_deinit (hash, digest);

  ts = inkan_tsa_timestamp_digest (tsa, digest, NULL, error);
  if (ts == NULL)
    return FALSE;
  token = g_bytes_get_data (inkan_timestamp_get_token (ts), &token_len);
  if (token_len * 2 > inc->gap_end - inc->gap_start - 2)
    {
      g_set_error (error, INKAN_TSA_ERROR, INKAN_TSA_ERROR_MALFORMED,
                   _("The timestamp authority %s sent a timestamp larger than the space its "
                     "first answer asked for. Try again."),
                   inkan_tsa_get_url (tsa));
      return FALSE;
    }

  patched = g_memdup2 (inc_data, inc_len);
  for (gsize i = 0; i < token_len; i++)
    {
      patched[inc->gap_start + 1 + 2 * i] = digits[token[i] >> 4];
      patched[inc->gap_start + 2 + 2 * i] = digits[token[i] & 0xf];
    }
  return _inkan_output_write_at (&out, patched, inc_len, size, error)
         && _inkan_output_commit (&out, error);
}
