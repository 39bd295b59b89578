/* Internal to libinkan: a certificate's revocation status fetched from its OCSP responder or CRL. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* Seconds per request when the caller gives none. */
#define INKAN_REVOCATION_DEFAULT_TIMEOUT 30

/* The first http(s) URL of the certificate's OCSP responders (AIA), or NULL. */
char *_inkan_revocation_ocsp_url (gnutls_x509_crt_t cert);
/* The first http(s) URL among the certificate's CRL distribution points, or NULL. */
char *_inkan_revocation_crl_url (gnutls_x509_crt_t cert);

/* An OCSP response (DER) about `cert` from the responder at `url`, checked: successful, this
 * request's nonce, about this certificate, signed by `issuer` or a responder it delegated.
 * Failures are INKAN_LTV_ERROR_FETCH: "The revocation status of “NAME” cannot be proven: …". */
GBytes *_inkan_revocation_fetch_ocsp (gnutls_x509_crt_t cert,
                                      gnutls_x509_crt_t issuer,
                                      const char       *url,
                                      guint             timeout,
                                      GError          **error);

/* A CRL (DER; a PEM answer is turned into DER) from `url`, signed by `issuer`. Failures as
 * above; `cert` names the certificate in the message. */
GBytes *_inkan_revocation_fetch_crl (gnutls_x509_crt_t cert,
                                     gnutls_x509_crt_t issuer,
                                     const char       *url,
                                     guint             timeout,
                                     GError          **error);

G_END_DECLS
