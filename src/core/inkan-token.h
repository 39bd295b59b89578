/* PKCS#11 tokens found through p11-kit's module registry, and the signing keys on them. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define INKAN_TOKEN_ERROR (inkan_token_error_quark ())

typedef enum
{
  INKAN_TOKEN_ERROR_FAILED,          /* any other token or GnuTLS failure */
  INKAN_TOKEN_ERROR_NOT_FOUND,       /* no token, key or certificate at that URL */
  INKAN_TOKEN_ERROR_PIN_INCORRECT,   /* the token refused the PIN */
  INKAN_TOKEN_ERROR_PIN_LOCKED,      /* the token is locked after too many wrong PINs */
  INKAN_TOKEN_ERROR_PIN_CANCELLED,   /* no PIN was given (empty file, end of input, dialog closed) */
  INKAN_TOKEN_ERROR_BAD_URL,         /* not a pkcs11: URL, or not a readable certificate file */
  INKAN_TOKEN_ERROR_CERT_UNUSABLE,   /* certificate expired, not yet valid, or without signing usage */
} InkanTokenError;

GQuark inkan_token_error_quark (void);

/* Why the PIN is asked for again: the previous one was refused, and what the token says about
 * the tries left. */
typedef enum
{
  INKAN_PIN_FLAG_NONE = 0,
  INKAN_PIN_FLAG_RETRY = 1 << 0,      /* the previous PIN was wrong */
  INKAN_PIN_FLAG_COUNT_LOW = 1 << 1,  /* the token says few tries are left */
  INKAN_PIN_FLAG_FINAL_TRY = 1 << 2,  /* the token says one try is left before it locks */
} InkanPinFlags;

/* Returns a newly allocated PIN (freed with inkan_pin_free), or NULL to cancel.
 * Called from the thread doing the token work. */
typedef char *(*InkanPinFunc) (const char   *token_label,
                               InkanPinFlags flags,
                               gpointer      user_data);

/* Wipes the PIN from memory before freeing it. */
void inkan_pin_free (char *pin);

typedef struct
{
  char *label;
  char *manufacturer;
  char *model;
  char *serial;
  char *url;              /* pkcs11: URL of the token */
  gboolean login_required;
} InkanTokenInfo;

void inkan_token_info_free (InkanTokenInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTokenInfo, inkan_token_info_free)

/* Every token present in every module that p11-kit registers. An array of InkanTokenInfo. */
GPtrArray *inkan_token_list (GError **error);

typedef struct
{
  char *label;
  char *subject;          /* RFC 4514 DN */
  char *issuer;
  GDateTime *not_before;
  GDateTime *not_after;
  char *key_type;         /* "RSA 2048", "ECDSA P-256", … */
  char *cert_url;         /* pkcs11: URL of the certificate */
  char *key_url;          /* pkcs11: URL of the matching private key, or NULL if none */
  gboolean is_ca;
  gboolean can_sign;      /* its key usage allows digitalSignature or nonRepudiation (or is absent) */
} InkanTokenCert;

void inkan_token_cert_free (InkanTokenCert *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanTokenCert, inkan_token_cert_free)

/* The certificates on one token (token_url) or on all tokens (NULL). Reading certificates needs
 * no PIN; key URLs are found by CKA_ID among the public or private objects visible without one,
 * and when pin_func is given, after logging in. An array of InkanTokenCert. */
GPtrArray *inkan_token_list_certs (const char   *token_url,
                                   InkanPinFunc  pin_func,
                                   gpointer      pin_data,
                                   GError      **error);

#define INKAN_TYPE_SIGNER (inkan_signer_get_type ())
G_DECLARE_FINAL_TYPE (InkanSigner, inkan_signer, INKAN, SIGNER, GObject)

/* Opens the private key at key_url (logging in with a PIN from pin_func) and its certificate:
 * cert_ref is a pkcs11: URL or a PEM/DER file; NULL looks for the certificate with the key's
 * CKA_ID on the same token. The chain is completed from the token's other certificates (and
 * from a PEM file's further certificates). */
InkanSigner *inkan_signer_open (const char   *key_url,
                                const char   *cert_ref,
                                InkanPinFunc  pin_func,
                                gpointer      pin_data,
                                GError      **error);

/* A signer opened on a thread of its own: loading the token's modules, logging in and the test
 * signature take tens of milliseconds that the caller spends reading the document meanwhile.
 * The arguments are those of inkan_signer_open; the strings are copied, pin_data must live until
 * inkan_signer_opening_wait has returned (pin_func is called on the opening's thread). */
typedef struct _InkanSignerOpening InkanSignerOpening;

InkanSignerOpening *inkan_signer_opening_start (const char   *key_url,
                                                const char   *cert_ref,
                                                InkanPinFunc  pin_func,
                                                gpointer      pin_data);
/* Waits for the opening to end and returns inkan_signer_open's result: a new reference to the
 * signer, or NULL and its error. Every call gives the same result. */
InkanSigner *inkan_signer_opening_wait (InkanSignerOpening *opening, GError **error);
/* Waits for the opening to end (its signer is then released) and frees it. */
void inkan_signer_opening_free (InkanSignerOpening *opening);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkanSignerOpening, inkan_signer_opening_free)

/* A signer over a key and chain the caller already holds (software keys in unit tests, for
 * instance). Takes ownership of key; copies the certificates. chain[0] is the signer's. */
InkanSigner *inkan_signer_new (gnutls_privkey_t   key,
                               gnutls_x509_crt_t *chain,
                               guint              n_chain,
                               GError           **error);

gnutls_privkey_t   inkan_signer_get_privkey (InkanSigner *self);

/* The certificate's DER encoding; NULL (and `error` set when given) if it cannot be encoded. */
GBytes            *inkan_certificate_to_der (gnutls_x509_crt_t crt, GError **error);
/* Whether `crt` (NULL: no) is the certificate whose DER encoding is `der` (NULL: none). */
gboolean           inkan_certificate_is (gnutls_x509_crt_t crt, GBytes *der);
/* A copy of `crt` of the caller's own (through its DER encoding). */
gnutls_x509_crt_t  inkan_certificate_copy (gnutls_x509_crt_t crt, GError **error);
/* The certificate's subject (or issuer) for people: its common name, else its whole DN, as valid
 * UTF-8; `unnamed` when it has neither. */
char              *inkan_certificate_name (gnutls_x509_crt_t crt, const char *unnamed);
char              *inkan_certificate_issuer_name (gnutls_x509_crt_t crt, const char *unnamed);
gnutls_x509_crt_t  inkan_signer_get_certificate (InkanSigner *self);
/* chain[0] is the signer's certificate, then its issuers as far as known. */
gnutls_x509_crt_t *inkan_signer_get_chain (InkanSigner *self, guint *n_chain);
/* RFC 4514 subject DN of the signer's certificate. */
const char        *inkan_signer_get_subject (InkanSigner *self);

/* Fails with INKAN_TOKEN_ERROR_CERT_UNUSABLE when the certificate is not valid at `when` or its
 * key usage allows neither digitalSignature nor nonRepudiation. */
gboolean inkan_signer_check_usable (InkanSigner *self,
                                    GDateTime   *when,
                                    GError     **error);

G_END_DECLS
