/* Trust anchors and certificate paths for verification, checked at a given time. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-trust.h"
#include "inkan-token.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (inkan - trust - error - quark, inkan_trust_error)

/* Longer paths than this are not built: real PKIs stay far below, and a loop of cross-signed
 * certificates in a hostile CMS must end. */
#define MAX_PATH_LENGTH 16

struct _InkanTrust
{
  gnutls_x509_trust_list_t list;
  guint n_anchors;
  /* Signatures on certificates already checked: the signer of a document that holds several
   * of its signatures is checked once. */
  GMutex lock;
  GHashTable *verified;     /* GBytes (see pair_key) */
};

static void
inkan_datum_clear (gnutls_datum_t *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, inkan_datum_clear)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

InkanTrust *
inkan_trust_new (void)
{
  InkanTrust *self = g_new0 (InkanTrust, 1);
  int rc = gnutls_x509_trust_list_init (&self->list, 0);

  if (rc < 0)
    g_error ("Cannot create a GnuTLS trust list: %s", gnutls_strerror (rc));
  g_mutex_init (&self->lock);
  self->verified = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify) g_bytes_unref, NULL);
  return self;
}

void
inkan_trust_free (InkanTrust *self)
{
  if (self == NULL)
    return;
  gnutls_x509_trust_list_deinit (self->list, 1);
  g_hash_table_unref (self->verified);
  g_mutex_clear (&self->lock);
  g_free (self);
}

gboolean
inkan_trust_add_file (InkanTrust *self, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n_crts = 0;
  gnutls_datum_t datum;
  gsize size = 0;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &size, &local_error))
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_NOT_FOUND,
                   _("The trusted certificate file cannot be read: %s. Check the path given."),
                   local_error->message);
      return FALSE;
    }
  if (size > G_MAXUINT)
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_INVALID,
                   _("The file “%s” is too large to be a certificate file."), path);
      return FALSE;
    }
  datum.data = (unsigned char *)contents;
  datum.size = size;
  rc = gnutls_x509_crt_list_import2 (&crts, &n_crts, &datum, GNUTLS_X509_FMT_PEM, 0);
  if (rc < 0 || n_crts == 0)
    {
      if (crts != NULL)
        {
          for (unsigned int i = 0; i < n_crts; i++)
            gnutls_x509_crt_deinit (crts[i]);
          gnutls_free (crts);
          crts = NULL;
        }
      n_crts = 0;
      rc = gnutls_x509_crt_list_import2 (&crts, &n_crts, &datum, GNUTLS_X509_FMT_DER, 0);
    }
  if (rc < 0 || n_crts == 0)
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_INVALID,
                   _("The file “%s” holds no certificate Inkan can read (%s). Give a PEM or DER "
                   "certificate file."),
                   path, rc < 0 ? gnutls_strerror (rc) : _("it is empty"));
      return FALSE;
    }

  /* The list takes the certificates over, and frees them with itself. */
  rc = gnutls_x509_trust_list_add_cas (self->list, crts, n_crts, 0);
  gnutls_free (crts);
  if (rc < 0)
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_FAILED,
                   _("The certificates of “%s” cannot be trusted: %s."), path, gnutls_strerror (rc));
      return FALSE;
    }
  self->n_anchors += n_crts;
  return TRUE;
}

gboolean
inkan_trust_add_system (InkanTrust *self, GError **error)
{
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rc = gnutls_x509_trust_list_add_system_trust (self->list, 0, 0);
  if (rc < 0)
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_FAILED,
                   _("The certificates this computer trusts cannot be loaded: %s. Check that the "
                   "package ca-certificates (or p11-kit's trust module) is installed."),
                   gnutls_strerror (rc));
      return FALSE;
    }
  if (rc == 0)
    {
      g_set_error (error, INKAN_TRUST_ERROR, INKAN_TRUST_ERROR_INVALID,
                   _("This computer trusts no certificate authority. Install the package "
                   "ca-certificates, or give the signer's root certificate with --trust."));
      return FALSE;
    }
  self->n_anchors += rc;
  return TRUE;
}

void
inkan_path_result_clear (InkanPathResult *result)
{
  g_clear_pointer (&result->chain, g_ptr_array_unref);
  g_clear_pointer (&result->detail, g_free);
  result->status = INKAN_PATH_OK;
}

static char *
format_time (time_t t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);

  if (dt == NULL)
    return g_strdup (_("an unreadable date"));
  return g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
}

/* What names the pair in `verified`: the length of the certificate's DER, the certificate's
 * DER, the issuer's DER. NULL when either cannot be exported. */
static GBytes *
pair_key (gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer)
{
  g_auto (gnutls_datum_t) dc = { NULL, 0 };
  g_auto (gnutls_datum_t) di = { NULL, 0 };
  GByteArray *key;
  guint32 len;

  if (gnutls_x509_crt_export2 (cert, GNUTLS_X509_FMT_DER, &dc) < 0
      || gnutls_x509_crt_export2 (issuer, GNUTLS_X509_FMT_DER, &di) < 0)
    return NULL;
  len = GUINT32_TO_BE (dc.size);
  key = g_byte_array_sized_new (sizeof len + dc.size + di.size);
  g_byte_array_append (key, (const guint8 *) &len, sizeof len);
  g_byte_array_append (key, dc.data, dc.size);
  g_byte_array_append (key, di.data, di.size);
  return g_byte_array_free_to_bytes (key);
}

/* Only the signature: CA flags, key usage and times are checked here with the time asked for,
 * not GnuTLS's idea of now. A signature found good is remembered. */
static gboolean
signed_by (InkanTrust *self, gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer)
{
  g_autoptr (GBytes) key = pair_key (cert, issuer);
  unsigned int status = 0;
  gboolean known;
  int rc;

  if (key != NULL)
    {
      g_mutex_lock (&self->lock);
      known = g_hash_table_contains (self->verified, key);
      g_mutex_unlock (&self->lock);
      if (known)
        return TRUE;
    }
  rc = gnutls_x509_crt_verify (
      cert, &issuer, 1,
      GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS
          | GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1,
      &status);
  if (rc < 0 || status != 0)
    return FALSE;
  if (key != NULL)
    {
      g_mutex_lock (&self->lock);
      g_hash_table_add (self->verified, g_steal_pointer (&key));
      g_mutex_unlock (&self->lock);
    }
  return TRUE;
}

static gboolean
self_issued (gnutls_x509_crt_t cert)
{
  return gnutls_x509_crt_check_issuer (cert, cert) != 0;
}

/* Records a problem; the worst one (the highest status) is what the result says. */
static void G_GNUC_PRINTF (3, 4)
    problem (InkanPathResult *result, InkanPathStatus status, const char *format, ...)
{
  va_list args;

  if (status <= result->status)
    return;
  result->status = status;
  g_free (result->detail);
  va_start (args, format);
  result->detail = g_strdup_vprintf (format, args);
  va_end (args);
}

/* Looks for the issuer of `cert` among the anchors. Returns a copy, or NULL. With `mismatch`,
 * says that an anchor of the right name exists but did not sign `cert`. */
static gnutls_x509_crt_t
anchor_issuer (InkanTrust *self, gnutls_x509_crt_t cert, gboolean *mismatch)
{
  gnutls_x509_crt_t issuer = NULL;

  if (gnutls_x509_trust_list_get_issuer (self->list, cert, &issuer, GNUTLS_TL_GET_COPY) < 0
      || issuer == NULL)
    return NULL;
  if (!signed_by (self, cert, issuer))
    {
      *mismatch = TRUE;
      gnutls_x509_crt_deinit (issuer);
      return NULL;
    }
  return issuer;
}

/* Whether an anchor has the subject name of `cert`, whatever its key. */
static gboolean
anchor_named_like (InkanTrust *self, gnutls_x509_crt_t cert)
{
  g_auto (gnutls_datum_t) dn = { NULL, 0 };
  gnutls_x509_crt_t anchor = NULL;

  if (gnutls_x509_crt_get_raw_dn (cert, &dn) < 0
      || gnutls_x509_trust_list_get_issuer_by_dn (self->list, &dn, &anchor, GNUTLS_TL_GET_COPY) < 0
      || anchor == NULL)
    return FALSE;
  gnutls_x509_crt_deinit (anchor);
  return TRUE;
}

static gboolean
in_chain (GPtrArray *chain, gnutls_x509_crt_t cert)
{
  for (guint i = 0; i < chain->len; i++)
    {
      if (gnutls_x509_crt_equals (chain->pdata[i], cert))
        return TRUE;
    }
  return FALSE;
}

/* Builds the chain as far as it goes; returns whether an anchor ended it. */
static gboolean
build_chain (InkanTrust *self, gnutls_x509_crt_t signer, gnutls_x509_crt_t const *intermediates,
             guint n_intermediates, InkanPathResult *result)
{
  gnutls_x509_crt_t cur = inkan_certificate_copy (signer, NULL);

  if (cur == NULL)
    {
      problem (result, INKAN_PATH_INVALID,
               _("The signer's certificate cannot be read. Ask the "
               "signer to sign again."));
      return FALSE;
    }
  g_ptr_array_add (result->chain, cur);

  while (result->chain->len <= MAX_PATH_LENGTH)
    {
      gboolean anchor_mismatch = FALSE;
      gnutls_x509_crt_t anchor = anchor_issuer (self, cur, &anchor_mismatch);
      gnutls_x509_crt_t next = NULL;
      gboolean name_match = FALSE;

      if (anchor != NULL)
        {
          /* A root that the CMS carries and the computer trusts is not listed twice. */
          if (gnutls_x509_crt_equals (anchor, cur))
            gnutls_x509_crt_deinit (anchor);
          else
            g_ptr_array_add (result->chain, anchor);
          return TRUE;
        }

      for (guint i = 0; i < n_intermediates && next == NULL; i++)
        {
          gnutls_x509_crt_t candidate = intermediates[i];

          if (candidate == NULL || !gnutls_x509_crt_check_issuer (cur, candidate)
              || in_chain (result->chain, candidate))
            continue;
          name_match = TRUE;
          if (signed_by (self, cur, candidate))
            next = candidate;
        }

      if (next == NULL)
        {
          g_autofree char *name = inkan_certificate_name (cur, "(unnamed)");
          g_autofree char *issuer = inkan_certificate_issuer_name (cur, "(unnamed)");

          if (self_issued (cur) && result->chain->len == 1)
            problem (result, INKAN_PATH_NO_CHAIN,
                     _("The signer's certificate “%s” is signed by itself and not trusted on "
                     "this computer: import it only if the signer gave it to you in person."),
                     name);
          else if (self_issued (cur))
            problem (result, INKAN_PATH_NO_CHAIN,
                     anchor_mismatch || anchor_named_like (self, cur)
                         ? _("The signer's organisation root “%s” is not the one of "
                           "that name trusted on this computer: someone may be "
                           "impersonating it. Do not trust this signature unless "
                           "the organisation confirms its root.")
                         : _("The signer's organisation root “%s” is not trusted on "
                           "this computer: import it if you know it."),
                     name);
          else if (name_match || anchor_mismatch)
            problem (result, INKAN_PATH_INVALID,
                     _("The certificate “%s” is not validly signed by “%s”, the authority it "
                     "names: it may be forged. Do not trust this signature."),
                     name, issuer);
          else
            problem (result, INKAN_PATH_NO_CHAIN,
                     _("The certificate “%s” was issued by “%s”, which is neither in the "
                     "signature nor trusted on this computer: import the certificate of “%s” "
                     "if you know it, or ask the signer for it."),
                     name, issuer, issuer);
          return FALSE;
        }

      cur = inkan_certificate_copy (next, NULL);
      if (cur == NULL)
        {
          problem (result, INKAN_PATH_INVALID,
                   _("A certificate of the signature cannot be read. "
                   "Ask the signer to sign again."));
          return FALSE;
        }
      g_ptr_array_add (result->chain, cur);
    }

  problem (result, INKAN_PATH_NO_CHAIN,
           _("The signer's certificates form a path longer than %d "
           "certificates without reaching a trusted authority: import the signer's "
           "organisation root if you know it."),
           MAX_PATH_LENGTH);
  return FALSE;
}

static void
check_validity (gnutls_x509_crt_t cert, gint64 at, InkanPathResult *result)
{
  g_autofree char *name = inkan_certificate_name (cert, "(unnamed)");
  g_autofree char *when = format_time ((time_t)at);
  time_t activation = gnutls_x509_crt_get_activation_time (cert);
  time_t expiration = gnutls_x509_crt_get_expiration_time (cert);

  if (activation == (time_t)-1 || expiration == (time_t)-1)
    {
      problem (result, INKAN_PATH_INVALID,
               _("The validity period of the certificate “%s” cannot "
               "be read. Do not trust this signature."),
               name);
      return;
    }
  if ((gint64)expiration < at)
    {
      g_autofree char *end = format_time (expiration);

      problem (result, INKAN_PATH_EXPIRED,
               _("The certificate “%s” expired on %s, before the time the signature is checked "
               "for (%s): nothing proves the signature was made while it was valid. Ask the "
               "signer for a signature with a timestamp, or for a new signature."),
               name, end, when);
    }
  else if ((gint64)activation > at)
    {
      g_autofree char *start = format_time (activation);

      problem (result, INKAN_PATH_NOT_YET_VALID,
               _("The certificate “%s” only became valid on %s, after the time the signature is "
               "checked for (%s). Check the signing time, or ask the signer for a new "
               "signature."),
               name, start, when);
    }
}

/* CA basic constraints, path length and keyCertSign of the issuer at `index` (>= 1). */
static void
check_issuer_constraints (GPtrArray *chain, guint index, gboolean is_anchor,
                          InkanPathResult *result)
{
  gnutls_x509_crt_t cert = chain->pdata[index];
  g_autofree char *name = inkan_certificate_name (cert, "(unnamed)");
  g_autofree char *below = inkan_certificate_name (chain->pdata[index - 1], "(unnamed)");
  unsigned int critical = 0;
  unsigned int ca = 0;
  int path_len = -1;
  unsigned int usage = 0;
  guint n_intermediates_below = 0;
  int rc;

  rc = gnutls_x509_crt_get_basic_constraints (cert, &critical, &ca, &path_len);
  /* A trust anchor that predates extensions (X.509 v1) is trusted as it is; any other issuer
   * must say it is a CA. */
  if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE && is_anchor
      && gnutls_x509_crt_get_version (cert) < 3)
    return;
  if (rc < 0 || !ca)
    {
      problem (result, INKAN_PATH_INVALID,
               _("The certificate “%s” issued “%s” but is not a certificate authority: the path "
               "is not valid. Do not trust this signature; tell the signer's organisation."),
               name, below);
      return;
    }

  for (guint i = 1; i < index; i++)
    {
      if (!self_issued (chain->pdata[i]))
        n_intermediates_below++;
    }
  if (rc >= 0 && path_len >= 0 && n_intermediates_below > (guint)path_len)
    problem (result, INKAN_PATH_INVALID,
             _("The authority “%s” allows at most %d intermediate authorities below it, but the "
             "path has %u: the path is not valid. Do not trust this signature; tell the "
             "signer's organisation."),
             name, path_len, n_intermediates_below);

  if (gnutls_x509_crt_get_key_usage (cert, &usage, &critical) >= 0
      && (usage & GNUTLS_KEY_KEY_CERT_SIGN) == 0)
    problem (result, INKAN_PATH_INVALID,
             _("The key usage of the authority “%s” does not allow it to issue certificates, "
             "yet it issued “%s”: the path is not valid. Do not trust this signature."),
             name, below);
}

void
inkan_trust_check_path (InkanTrust *self, gnutls_x509_crt_t signer,
                        gnutls_x509_crt_t const *intermediates, guint n_intermediates,
                        GDateTime *at, InkanPathResult *result)
{
  gboolean anchored;
  gint64 when;
  unsigned int usage = 0;
  unsigned int critical = 0;
  int rc;

  g_return_if_fail (self != NULL);
  g_return_if_fail (signer != NULL);
  g_return_if_fail (intermediates != NULL || n_intermediates == 0);
  g_return_if_fail (at != NULL);
  g_return_if_fail (result != NULL);

  result->status = INKAN_PATH_OK;
  result->detail = NULL;
  result->chain = g_ptr_array_new_with_free_func ((GDestroyNotify)gnutls_x509_crt_deinit);
  when = g_date_time_to_unix (at);

  anchored = build_chain (self, signer, intermediates, n_intermediates, result);

  for (guint i = 1; i < result->chain->len; i++)
    check_issuer_constraints (result->chain, i, anchored && i == result->chain->len - 1, result);

  rc = gnutls_x509_crt_get_key_usage (result->chain->pdata[0], &usage, &critical);
  if (rc >= 0 && (usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)) == 0)
    {
      g_autofree char *name = inkan_certificate_name (result->chain->pdata[0], "(unnamed)");

      problem (result, INKAN_PATH_KEY_USAGE,
               _("The certificate “%s” is not meant for signing documents: its key usage allows "
               "neither digital signatures nor non-repudiation. Ask the signer to sign with a "
               "signing certificate."),
               name);
    }

  for (guint i = 0; i < result->chain->len; i++)
    check_validity (result->chain->pdata[i], when, result);
}
