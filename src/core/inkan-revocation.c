/* Revocation status over HTTP: OCSP requests (GnuTLS) and CRLs fetched through the HTTP module, checked. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-revocation-private.h"

#include "inkan-http-private.h"
#include "inkan-ltv.h"
#include "inkan-token.h"

#include <glib/gi18n-lib.h>
#include <gnutls/ocsp.h>
#include <string.h>

/* OCSP responses and CRLs of a signing PKI; a larger answer is not one. */
#define MAX_ANSWER_SIZE (16 * 1024 * 1024)

static void
inkan_datum_clear (gnutls_datum_t *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, inkan_datum_clear)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_ocsp_req_t, gnutls_ocsp_req_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_ocsp_resp_t, gnutls_ocsp_resp_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crl_t, gnutls_x509_crl_deinit, NULL)

static gboolean G_GNUC_PRINTF (3, 4)
fetch_error (GError **error, gnutls_x509_crt_t cert, const char *format, ...)
{
  g_autofree char *name = inkan_certificate_name (cert, _("an unnamed certificate"));
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, INKAN_LTV_ERROR, INKAN_LTV_ERROR_FETCH,
               _("The revocation status of “%s” cannot be proven: %s."),
               name, what);
  return FALSE;
}

char *
_inkan_revocation_ocsp_url (gnutls_x509_crt_t cert)
{
  for (unsigned int seq = 0;; seq++)
    {
      g_auto (gnutls_datum_t) uri = { NULL, 0 };
      int rc = gnutls_x509_crt_get_authority_info_access (cert, seq, GNUTLS_IA_OCSP_URI, &uri,
                                                          NULL);

      if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return NULL;
      if (rc < 0)
        continue;
      if (uri.size > 7 && (g_ascii_strncasecmp ((const char *) uri.data, "http://", 7) == 0
                           || g_ascii_strncasecmp ((const char *) uri.data, "https://", 8) == 0))
        return g_strndup ((const char *) uri.data, uri.size);
    }
}

char *
_inkan_revocation_crl_url (gnutls_x509_crt_t cert)
{
  for (unsigned int seq = 0;; seq++)
    {
      char buf[1024];
      size_t size = sizeof buf - 1;
      unsigned int reasons = 0;
      int rc = gnutls_x509_crt_get_crl_dist_points (cert, seq, buf, &size, &reasons, NULL);

      if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return NULL;
      if (rc != GNUTLS_SAN_URI)
        continue;
      buf[MIN (size, sizeof buf - 1)] = '\0';
      if (g_str_has_prefix (buf, "http://") || g_str_has_prefix (buf, "https://"))
        return g_strdup (buf);
    }
}

static GBytes *
fetch (gnutls_x509_crt_t cert, const char *who, const char *url, const char *content_type,
       GBytes *body, guint timeout, GError **error)
{
  const InkanHttpErrors codes = { INKAN_LTV_ERROR, INKAN_LTV_ERROR_FETCH, INKAN_LTV_ERROR_FETCH,
                                  INKAN_LTV_ERROR_FETCH, MAX_ANSWER_SIZE };
  g_autoptr (GUri) uri = g_uri_parse (url, INKAN_HTTP_URI_FLAGS, NULL);

  if (uri == NULL)
    {
      fetch_error (error, cert, _("its address “%s” is not a URL"), url);
      return NULL;
    }
  return _inkan_http_fetch (&codes, who, uri, url, content_type, body,
                            timeout > 0 ? timeout : INKAN_REVOCATION_DEFAULT_TIMEOUT, NULL, error);
}

GBytes *
_inkan_revocation_fetch_ocsp (gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, const char *url,
                              guint timeout, GError **error)
{
  g_auto (gnutls_ocsp_req_t) req = NULL;
  g_auto (gnutls_ocsp_resp_t) resp = NULL;
  g_auto (gnutls_datum_t) req_der = { NULL, 0 };
  g_auto (gnutls_datum_t) req_nonce = { NULL, 0 };
  g_auto (gnutls_datum_t) resp_nonce = { NULL, 0 };
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  gnutls_datum_t datum;
  unsigned int verify = 0;
  int rc;

  rc = gnutls_ocsp_req_init (&req);
  if (rc >= 0)
    rc = gnutls_ocsp_req_add_cert (req, GNUTLS_DIG_SHA1, issuer, cert);
  if (rc >= 0)
    rc = gnutls_ocsp_req_randomize_nonce (req);
  if (rc >= 0)
    rc = gnutls_ocsp_req_get_nonce (req, NULL, &req_nonce);
  if (rc >= 0)
    rc = gnutls_ocsp_req_export (req, &req_der);
  if (rc < 0)
    {
      fetch_error (error, cert, _("the OCSP request cannot be made (%s)"), gnutls_strerror (rc));
      return NULL;
    }
  body = g_bytes_new (req_der.data, req_der.size);
  answer = fetch (cert, _("The OCSP responder"), url, "application/ocsp-request", body, timeout,
                  error);
  if (answer == NULL)
    return NULL;

  datum.data = (unsigned char *) g_bytes_get_data (answer, NULL);
  datum.size = g_bytes_get_size (answer);
  rc = gnutls_ocsp_resp_init (&resp);
  if (rc >= 0)
    rc = gnutls_ocsp_resp_import (resp, &datum);
  if (rc < 0)
    {
      fetch_error (error, cert, _("the OCSP responder %s did not answer with an OCSP response (%s)"),
                   url, gnutls_strerror (rc));
      return NULL;
    }
  rc = gnutls_ocsp_resp_get_status (resp);
  if (rc != GNUTLS_OCSP_RESP_SUCCESSFUL)
    {
      fetch_error (error, cert, _("the OCSP responder %s refused to answer (status %d)"), url, rc);
      return NULL;
    }
  if (gnutls_ocsp_resp_get_nonce (resp, NULL, &resp_nonce) < 0 || resp_nonce.size != req_nonce.size
      || memcmp (resp_nonce.data, req_nonce.data, req_nonce.size) != 0)
    {
      fetch_error (error, cert, _("the OCSP responder %s answered another request"), url);
      return NULL;
    }
  if (gnutls_ocsp_resp_check_crt (resp, 0, cert) < 0)
    {
      fetch_error (error, cert, _("the OCSP responder %s answered about another certificate"),
                   url);
      return NULL;
    }
  rc = gnutls_ocsp_resp_verify_direct (resp, issuer, &verify, 0);
  if (rc < 0 || verify != 0)
    {
      fetch_error (error, cert, _("the answer of the OCSP responder %s is not signed by the "
                                  "certificate's issuer"),
                   url);
      return NULL;
    }
  return g_steal_pointer (&answer);
}

GBytes *
_inkan_revocation_fetch_crl (gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, const char *url,
                             guint timeout, GError **error)
{
  g_auto (gnutls_x509_crl_t) crl = NULL;
  g_auto (gnutls_datum_t) der = { NULL, 0 };
  g_autoptr (GBytes) answer = NULL;
  gnutls_datum_t datum;
  unsigned int verify = 0;
  int rc;

  answer = fetch (cert, _("The CRL server"), url, NULL, NULL, timeout, error);
  if (answer == NULL)
    return NULL;
  datum.data = (unsigned char *) g_bytes_get_data (answer, NULL);
  datum.size = g_bytes_get_size (answer);
  rc = gnutls_x509_crl_init (&crl);
  if (rc >= 0)
    {
      rc = gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER);
      if (rc < 0)
        rc = gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_PEM);
    }
  if (rc >= 0)
    rc = gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &der);
  if (rc < 0)
    {
      fetch_error (error, cert, _("%s is not a certificate revocation list (%s)"), url,
                   gnutls_strerror (rc));
      return NULL;
    }
  rc = gnutls_x509_crl_verify (crl, &issuer, 1, 0, &verify);
  if (rc < 0 || verify != 0)
    {
      fetch_error (error, cert, _("the revocation list %s is not signed by the certificate's "
                                  "issuer"),
                   url);
      return NULL;
    }
  return g_bytes_new (der.data, der.size);
}
