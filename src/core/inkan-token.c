/* PKCS#11 tokens found through p11-kit's module registry, and the signing keys on them. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-token.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

/* clang-format off */
G_DEFINE_QUARK (inkan-token-error-quark, inkan_token_error)
/* clang-format on */

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_privkey_t, gnutls_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs11_privkey_t, gnutls_pkcs11_privkey_deinit, NULL)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (P11KitUri, p11_kit_uri_free)

/* A user who mistypes may try again, but a PIN callback that keeps answering must not be able to
 * walk the token into its lockout: after this many refused PINs the login stops. */
#define MAX_REFUSED_PINS 3

/* Longest certificate chain followed; real chains are three or four long. */
#define MAX_CHAIN 10

/* ---------------------------------------------------------------------------------------------
 * GnuTLS and PKCS#11 plumbing
 */

/* What one login asked, answered and was told; lives as long as the object that may log in. */
typedef struct
{
  InkanPinFunc func;
  gpointer data;
  char *token_label; /* as GnuTLS last reported it */
  char *last_pin;    /* the PIN last handed to the token, to refuse sending it twice */
  guint calls;       /* times func was called */
  guint refused;     /* PINs the token refused */
  InkanPinFlags last_flags;
  gboolean cancelled; /* func returned NULL */
  gboolean repeated;  /* func returned the PIN the token had just refused */
  gboolean too_long;
} PinContext;

static void
pin_context_clear_pin (PinContext *ctx)
{
  g_clear_pointer (&ctx->last_pin, inkan_pin_free);
}

static void
pin_context_free (PinContext *ctx)
{
  if (ctx == NULL)
    return;
  pin_context_clear_pin (ctx);
  g_free (ctx->token_label);
  g_free (ctx);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PinContext, pin_context_free)

static PinContext *
pin_context_new (InkanPinFunc func, gpointer data)
{
  PinContext *ctx = g_new0 (PinContext, 1);

  ctx->func = func;
  ctx->data = data;
  return ctx;
}

static int
pin_context_ask (PinContext *ctx, const char *token_label, unsigned gnutls_flags, char *pin_out,
                 size_t pin_max)
{
  InkanPinFlags flags = INKAN_PIN_FLAG_NONE;
  char *pin;
  size_t len;

  if (gnutls_flags & GNUTLS_PIN_WRONG)
    {
      flags |= INKAN_PIN_FLAG_RETRY;
      ctx->refused++;
    }
  if (gnutls_flags & GNUTLS_PIN_COUNT_LOW)
    flags |= INKAN_PIN_FLAG_COUNT_LOW;
  if (gnutls_flags & GNUTLS_PIN_FINAL_TRY)
    flags |= INKAN_PIN_FLAG_FINAL_TRY;
  ctx->last_flags = flags;

  if (token_label != NULL && g_strcmp0 (ctx->token_label, token_label) != 0)
    {
      g_free (ctx->token_label);
      ctx->token_label = g_strdup (token_label);
    }

  if (ctx->func == NULL || ctx->refused >= MAX_REFUSED_PINS)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  if (!(flags & INKAN_PIN_FLAG_RETRY))
    pin_context_clear_pin (ctx);

  ctx->calls++;
  pin = ctx->func (token_label != NULL ? token_label : "", flags, ctx->data);
  if (pin == NULL)
    {
      /* Declining to try again after a refused PIN is not cancelling: the PIN was wrong. */
      if (!(flags & INKAN_PIN_FLAG_RETRY))
        ctx->cancelled = TRUE;
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  /* A PIN file answers the same every time; sending it again would only cost another try. */
  if (ctx->last_pin != NULL && strcmp (pin, ctx->last_pin) == 0)
    {
      ctx->repeated = TRUE;
      inkan_pin_free (pin);
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  len = strlen (pin);
  if (len >= pin_max)
    {
      ctx->too_long = TRUE;
      inkan_pin_free (pin);
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  memcpy (pin_out, pin, len + 1);
  pin_context_clear_pin (ctx);
  ctx->last_pin = pin;
  return 0;
}

/* Per-object callback (keys keep it for as long as they live). */
static int
object_pin_cb (void *userdata, int attempt, const char *token_url, const char *token_label,
               unsigned flags, char *pin, size_t pin_max)
{
  return pin_context_ask (userdata, token_label, flags, pin, pin_max);
}

/* GnuTLS has no per-call PIN callback for listing objects, only a global one: it answers from
 * the context the calling thread installed, so concurrent callers do not see each other's. */
static GPrivate current_pin_context;

static int
global_pin_cb (void *userdata, int attempt, const char *token_url, const char *token_label,
               unsigned flags, char *pin, size_t pin_max)
{
  PinContext *ctx = g_private_get (&current_pin_context);

  if (ctx == NULL)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  return pin_context_ask (ctx, token_label, flags, pin, pin_max);
}

static void
ensure_initialized (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      /* GnuTLS loads every module p11-kit registers on first use (GNUTLS_PKCS11_FLAG_AUTO). */
      gnutls_pkcs11_set_pin_function (global_pin_cb, NULL);
      g_once_init_leave (&once, 1);
    }
}

/* URLs may carry pin-value (RFC 7512): never show that part. */
static char *
url_for_message (const char *url)
{
  const char *query = strchr (url, '?');

  return query != NULL ? g_strndup (url, query - url) : g_strdup (url);
}

static gboolean
is_pkcs11_url (const char *url)
{
  return url != NULL && g_ascii_strncasecmp (url, "pkcs11:", 7) == 0;
}

static gboolean
check_pkcs11_url (const char *url, const char *what, GError **error)
{
  g_autoptr (P11KitUri) uri = NULL;
  int ret;

  if (!is_pkcs11_url (url))
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                   _("“%s” is not a pkcs11: URL. Give the %s as a URL such as "
                   "pkcs11:token=…;object=…, as “inkan-cli token certs” lists them."),
                   url != NULL ? url : "", what);
      return FALSE;
    }
  uri = p11_kit_uri_new ();
  ret = p11_kit_uri_parse (url, P11_KIT_URI_FOR_ANY, uri);
  if (ret != P11_KIT_URI_OK)
    {
      g_autofree char *shown = url_for_message (url);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                   _("The %s URL “%s” cannot be read: %s. Check how it was copied."), what, shown,
                   p11_kit_uri_message (ret));
      return FALSE;
    }
  return TRUE;
}

/* The part of an object's URL that names its token. */
static char *
token_part_of_url (const char *url)
{
  g_autoptr (P11KitUri) uri = p11_kit_uri_new ();
  char *out = NULL;

  if (p11_kit_uri_parse (url, P11_KIT_URI_FOR_ANY, uri) != P11_KIT_URI_OK)
    return NULL;
  if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_TOKEN, &out) != P11_KIT_URI_OK)
    return NULL;
  return out;
}

/* The URL of the object of `klass` with the same token and CKA_ID as `url`; NULL when `url`
 * has no id. */
static char *
sibling_url (const char *url, CK_OBJECT_CLASS klass)
{
  g_autoptr (P11KitUri) uri = p11_kit_uri_new ();
  CK_ATTRIBUTE class_attr = { CKA_CLASS, &klass, sizeof klass };
  char *out = NULL;

  if (p11_kit_uri_parse (url, P11_KIT_URI_FOR_ANY, uri) != P11_KIT_URI_OK)
    return NULL;
  if (p11_kit_uri_get_attribute (uri, CKA_ID) == NULL)
    return NULL;
  /* Key pairs and their certificates share an id, not necessarily a label. */
  p11_kit_uri_clear_attribute (uri, CKA_LABEL);
  p11_kit_uri_set_attribute (uri, &class_attr);
  if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &out) != P11_KIT_URI_OK)
    return NULL;
  return out;
}

/* Turns a failed login or key operation into the GError a user can act on. */
static void
set_pin_or_gnutls_error (GError **error, int ret, PinContext *ctx, const char *what)
{
  const char *label = ctx != NULL && ctx->token_label != NULL ? ctx->token_label : "";

  if (ret == GNUTLS_E_PKCS11_PIN_LOCKED)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_LOCKED,
                   _("The token “%s” is locked after too many wrong PINs. Ask its administrator "
                   "to unlock it with the security officer PIN."),
                   label);
    }
  else if (ctx != NULL && ctx->cancelled)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_CANCELLED,
                   _("No PIN was given for the token “%s”, so %s was not opened."), label, what);
    }
  else if (ctx != NULL && ctx->too_long)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT,
                   _("The PIN given for the token “%s” is longer than any PIN a token accepts. "
                   "Check the PIN and try again."),
                   label);
    }
  else if (ret == GNUTLS_E_PKCS11_PIN_ERROR && ctx != NULL && ctx->refused == 0 && ctx->calls == 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_CANCELLED,
                   _("The token “%s” needs a PIN to open %s, and none was given. Give the PIN "
                   "and try again."),
                   label, what);
    }
  else if (ret == GNUTLS_E_PKCS11_PIN_ERROR)
    {
      const char *left = "";

      if (ctx != NULL && (ctx->last_flags & INKAN_PIN_FLAG_FINAL_TRY))
        left = _(" Only one try is left before the token locks.");
      else if (ctx != NULL && (ctx->last_flags & INKAN_PIN_FLAG_COUNT_LOW))
        left = _(" Only a few tries are left before the token locks.");
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT,
                   _("The token “%s” refused the PIN.%s Check the PIN and try again."), label, left);
    }
  else if (ret == GNUTLS_E_PKCS11_PIN_EXPIRED)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                   _("The PIN of the token “%s” has expired. Change it with the token's own "
                   "tools, then try again."),
                   label);
    }
  else if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE
           || ret == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                   _("Could not find %s (%s). Check that the token is plugged in and the URL "
                   "is right."),
                   what, gnutls_strerror (ret));
    }
  else
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED, _("Could not use %s: %s."),
                   what, gnutls_strerror (ret));
    }
}

/* Token flags say a lock before any PIN is spent on it. */
static gboolean
check_not_locked (const char *object_url, GError **error)
{
  g_autofree char *token_url = token_part_of_url (object_url);
  unsigned flags = 0;

  /* A URL that names no token matches the first one; only a named token is checked. */
  if (token_url == NULL || strcmp (token_url, "pkcs11:") == 0)
    return TRUE;
  if (gnutls_pkcs11_token_get_flags (token_url, &flags) < 0)
    return TRUE;
  if (flags & GNUTLS_PKCS11_TOKEN_USER_PIN_LOCKED)
    {
      char label[256] = "";
      size_t size = sizeof label;

      if (gnutls_pkcs11_token_get_info (token_url, GNUTLS_PKCS11_TOKEN_LABEL, label, &size) < 0)
        label[0] = '\0';
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_LOCKED,
                   _("The token “%s” is locked after too many wrong PINs. Ask its administrator "
                   "to unlock it with the security officer PIN."),
                   label);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Certificates
 */

static char *
datum_to_string (gnutls_datum_t *d)
{
  char *s = g_strndup ((const char *)d->data, d->size);

  gnutls_free (d->data);
  d->data = NULL;
  d->size = 0;
  return s;
}

static char *
crt_subject (gnutls_x509_crt_t crt)
{
  gnutls_datum_t d = { NULL, 0 };

  if (gnutls_x509_crt_get_dn3 (crt, &d, 0) < 0)
    return g_strdup ("");
  return datum_to_string (&d);
}

static char *
crt_issuer (gnutls_x509_crt_t crt)
{
  gnutls_datum_t d = { NULL, 0 };

  if (gnutls_x509_crt_get_issuer_dn3 (crt, &d, 0) < 0)
    return g_strdup ("");
  return datum_to_string (&d);
}

/* No keyUsage extension allows every usage. */
static gboolean
crt_can_sign (gnutls_x509_crt_t crt)
{
  unsigned int usage = 0;
  int ret = gnutls_x509_crt_get_key_usage (crt, &usage, NULL);

  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return TRUE;
  return ret >= 0 && (usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)) != 0;
}

static char *
crt_key_type (gnutls_x509_crt_t crt)
{
  unsigned bits = 0;
  int pk = gnutls_x509_crt_get_pk_algorithm (crt, &bits);

  switch (pk)
    {
    case GNUTLS_PK_RSA:
      return g_strdup_printf ("RSA %u", bits);
    case GNUTLS_PK_RSA_PSS:
      return g_strdup_printf ("RSA-PSS %u", bits);
    case GNUTLS_PK_DSA:
      return g_strdup_printf ("DSA %u", bits);
    case GNUTLS_PK_ECDSA:
      {
        gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;

        if (gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, NULL, NULL) < 0)
          return g_strdup ("ECDSA");
        switch (curve)
          {
          case GNUTLS_ECC_CURVE_SECP256R1:
            return g_strdup ("ECDSA P-256");
          case GNUTLS_ECC_CURVE_SECP384R1:
            return g_strdup ("ECDSA P-384");
          case GNUTLS_ECC_CURVE_SECP521R1:
            return g_strdup ("ECDSA P-521");
          default:
            return g_strdup_printf ("ECDSA %s", gnutls_ecc_curve_get_name (curve));
          }
      }
    case GNUTLS_PK_EDDSA_ED25519:
      return g_strdup ("Ed25519");
    case GNUTLS_PK_EDDSA_ED448:
      return g_strdup ("Ed448");
    default:
      return g_strdup (pk >= 0 ? gnutls_pk_get_name (pk) : "unknown");
    }
}

static GDateTime *
date_from_time (time_t t)
{
  if (t == (time_t)-1)
    return NULL;
  return g_date_time_new_from_unix_utc (t);
}

gnutls_x509_crt_t
inkan_certificate_copy (gnutls_x509_crt_t crt, GError **error)
{
  g_auto (gnutls_x509_crt_t) copy = NULL;
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (ret >= 0)
    ret = gnutls_x509_crt_init (&copy);
  if (ret >= 0)
    ret = gnutls_x509_crt_import (copy, &der, GNUTLS_X509_FMT_DER);
  gnutls_free (der.data);
  if (ret < 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                   _("Could not copy a certificate: %s."), gnutls_strerror (ret));
      return NULL;
    }
  return g_steal_pointer (&copy);
}

static void
crt_array_free (GPtrArray *array)
{
  g_ptr_array_free (array, TRUE);
}

static GPtrArray *
crt_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)gnutls_x509_crt_deinit);
}

/* Every certificate on the token(s) `url` names. */
static GPtrArray *
token_certificates (const char *url, GError **error)
{
  g_autoptr (GPtrArray) out = crt_array_new ();
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n_objs = 0;
  int ret;

  ret = gnutls_pkcs11_obj_list_import_url4 (&objs, &n_objs, url, GNUTLS_PKCS11_OBJ_FLAG_CRT);
  if (ret < 0)
    {
      g_autofree char *shown = url_for_message (url);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                   _("Could not list the certificates on %s: %s."), shown, gnutls_strerror (ret));
      return NULL;
    }
  for (unsigned i = 0; i < n_objs; i++)
    {
      gnutls_x509_crt_t crt = NULL;

      if (gnutls_x509_crt_init (&crt) >= 0 && gnutls_x509_crt_import_pkcs11 (crt, objs[i]) >= 0)
        g_ptr_array_add (out, g_steal_pointer (&crt));
      /* A token may hold certificates GnuTLS cannot parse; they just cannot be chain links. */
      g_clear_pointer (&crt, gnutls_x509_crt_deinit);
      gnutls_pkcs11_obj_deinit (objs[i]);
    }
  gnutls_free (objs);
  return g_steal_pointer (&out);
}

/* ---------------------------------------------------------------------------------------------
 * Token list
 */

void
inkan_pin_free (char *pin)
{
  if (pin == NULL)
    return;
  explicit_bzero (pin, strlen (pin));
  g_free (pin);
}

void
inkan_token_info_free (InkanTokenInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->label);
  g_free (info->manufacturer);
  g_free (info->model);
  g_free (info->serial);
  g_free (info->url);
  g_free (info);
}

static char *
token_info_string (const char *url, gnutls_pkcs11_token_info_t what)
{
  char buf[256];
  size_t size = sizeof buf;

  if (gnutls_pkcs11_token_get_info (url, what, buf, &size) < 0)
    return g_strdup ("");
  buf[MIN (size, sizeof buf - 1)] = '\0';
  return g_strdup (buf);
}

GPtrArray *
inkan_token_list (GError **error)
{
  g_autoptr (GPtrArray) tokens
      = g_ptr_array_new_with_free_func ((GDestroyNotify)inkan_token_info_free);

  ensure_initialized ();
  for (unsigned seq = 0;; seq++)
    {
      g_autoptr (InkanTokenInfo) info = NULL;
      char *url = NULL;
      unsigned flags = 0;
      int ret;

      ret = gnutls_pkcs11_token_get_url (seq, GNUTLS_PKCS11_URL_GENERIC, &url);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        {
          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                       _("Could not list the PKCS#11 tokens: %s."), gnutls_strerror (ret));
          return NULL;
        }
      info = g_new0 (InkanTokenInfo, 1);
      info->url = g_strdup (url);
      gnutls_free (url);
      info->label = token_info_string (info->url, GNUTLS_PKCS11_TOKEN_LABEL);
      info->manufacturer = token_info_string (info->url, GNUTLS_PKCS11_TOKEN_MANUFACTURER);
      info->model = token_info_string (info->url, GNUTLS_PKCS11_TOKEN_MODEL);
      info->serial = token_info_string (info->url, GNUTLS_PKCS11_TOKEN_SERIAL);
      if (gnutls_pkcs11_token_get_flags (info->url, &flags) >= 0)
        info->login_required = (flags & GNUTLS_PKCS11_TOKEN_LOGIN_REQUIRED) != 0;
      g_ptr_array_add (tokens, g_steal_pointer (&info));
    }
  return g_steal_pointer (&tokens);
}

/* ---------------------------------------------------------------------------------------------
 * Certificates on tokens
 */

void
inkan_token_cert_free (InkanTokenCert *cert)
{
  if (cert == NULL)
    return;
  g_free (cert->label);
  g_free (cert->subject);
  g_free (cert->issuer);
  g_clear_pointer (&cert->not_before, g_date_time_unref);
  g_clear_pointer (&cert->not_after, g_date_time_unref);
  g_free (cert->key_type);
  g_free (cert->cert_url);
  g_free (cert->key_url);
  g_free (cert);
}

static char *
obj_id_key (gnutls_pkcs11_obj_t obj, const char *obj_url)
{
  g_autofree char *token = token_part_of_url (obj_url);
  guint8 id[256];
  size_t size = sizeof id;
  g_autoptr (GString) key = NULL;

  if (token == NULL || gnutls_pkcs11_obj_get_info (obj, GNUTLS_PKCS11_OBJ_ID, id, &size) < 0
      || size == 0)
    return NULL;
  key = g_string_new (token);
  g_string_append_c (key, '#');
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (key, "%02x", id[i]);
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* Adds token+id → private key URL for the key objects of one kind. */
static gboolean
collect_key_urls (GHashTable *keys, const char *url, unsigned flags, PinContext *ctx,
                  GError **error)
{
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n_objs = 0;
  int ret;

  g_private_set (&current_pin_context, ctx);
  ret = gnutls_pkcs11_obj_list_import_url4 (&objs, &n_objs, url, flags);
  g_private_set (&current_pin_context, NULL);
  if (ret < 0)
    {
      set_pin_or_gnutls_error (error, ret, ctx, _("the token's keys"));
      return FALSE;
    }
  for (unsigned i = 0; i < n_objs; i++)
    {
      char *obj_url = NULL;

      if (gnutls_pkcs11_obj_export_url (objs[i], GNUTLS_PKCS11_URL_GENERIC, &obj_url) >= 0)
        {
          g_autofree char *id_key = obj_id_key (objs[i], obj_url);
          char *key_url = NULL;

          if (flags & GNUTLS_PKCS11_OBJ_FLAG_PRIVKEY)
            key_url = g_strdup (obj_url);
          else
            key_url = sibling_url (obj_url, CKO_PRIVATE_KEY);
          if (id_key != NULL && key_url != NULL)
            g_hash_table_replace (keys, g_steal_pointer (&id_key), g_steal_pointer (&key_url));
          g_free (key_url);
          gnutls_free (obj_url);
        }
      gnutls_pkcs11_obj_deinit (objs[i]);
    }
  gnutls_free (objs);
  return TRUE;
}

GPtrArray *
inkan_token_list_certs (const char *token_url, InkanPinFunc pin_func, gpointer pin_data,
                        GError **error)
{
  g_autoptr (GPtrArray) certs
      = g_ptr_array_new_with_free_func ((GDestroyNotify)inkan_token_cert_free);
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (PinContext) ctx = NULL;
  const char *url = token_url != NULL ? token_url : "pkcs11:";
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n_objs = 0;
  int ret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_initialized ();
  if (!check_pkcs11_url (url, "token", error))
    return NULL;
  if (token_url != NULL)
    {
      unsigned flags = 0;

      if (gnutls_pkcs11_token_get_flags (token_url, &flags) < 0)
        {
          g_autofree char *shown = url_for_message (token_url);

          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                       _("No token matches %s. Check that it is plugged in; “inkan-cli token "
                       "list” shows the tokens present."),
                       shown);
          return NULL;
        }
    }

  /* Public keys first, then private keys that need no login, then (with a PIN) the rest:
   * later finds replace earlier ones, so a key URL names a private key seen when possible. */
  if (!collect_key_urls (keys, url, GNUTLS_PKCS11_OBJ_FLAG_PUBKEY, NULL, error)
      || !collect_key_urls (keys, url, GNUTLS_PKCS11_OBJ_FLAG_PRIVKEY, NULL, error))
    return NULL;
  if (pin_func != NULL)
    {
      ctx = pin_context_new (pin_func, pin_data);
      if (!collect_key_urls (
              keys, url, GNUTLS_PKCS11_OBJ_FLAG_PRIVKEY | GNUTLS_PKCS11_OBJ_FLAG_LOGIN, ctx, error))
        return NULL;
    }

  ret = gnutls_pkcs11_obj_list_import_url4 (&objs, &n_objs, url, GNUTLS_PKCS11_OBJ_FLAG_CRT);
  if (ret < 0)
    {
      g_autofree char *shown = url_for_message (url);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                   _("Could not list the certificates on %s: %s."), shown, gnutls_strerror (ret));
      return NULL;
    }
  for (unsigned i = 0; i < n_objs; i++)
    {
      g_auto (gnutls_x509_crt_t) crt = NULL;
      g_autoptr (InkanTokenCert) cert = NULL;
      char *obj_url = NULL;
      char label[256] = "";
      size_t size = sizeof label;

      if (gnutls_x509_crt_init (&crt) < 0 || gnutls_x509_crt_import_pkcs11 (crt, objs[i]) < 0
          || gnutls_pkcs11_obj_export_url (objs[i], GNUTLS_PKCS11_URL_GENERIC, &obj_url) < 0)
        {
          /* One unreadable object should not hide the usable certificates beside it. */
          gnutls_pkcs11_obj_deinit (objs[i]);
          continue;
        }
      cert = g_new0 (InkanTokenCert, 1);
      cert->cert_url = g_strdup (obj_url);
      gnutls_free (obj_url);
      if (gnutls_pkcs11_obj_get_info (objs[i], GNUTLS_PKCS11_OBJ_LABEL, label, &size) < 0)
        label[0] = '\0';
      cert->label = g_strdup (label);
      cert->subject = crt_subject (crt);
      cert->issuer = crt_issuer (crt);
      cert->not_before = date_from_time (gnutls_x509_crt_get_activation_time (crt));
      cert->not_after = date_from_time (gnutls_x509_crt_get_expiration_time (crt));
      cert->key_type = crt_key_type (crt);
      cert->is_ca = gnutls_x509_crt_get_ca_status (crt, NULL) > 0;
      cert->can_sign = crt_can_sign (crt);
      {
        g_autofree char *id_key = obj_id_key (objs[i], cert->cert_url);

        if (id_key != NULL)
          cert->key_url = g_strdup (g_hash_table_lookup (keys, id_key));
      }
      g_ptr_array_add (certs, g_steal_pointer (&cert));
      gnutls_pkcs11_obj_deinit (objs[i]);
    }
  gnutls_free (objs);
  return g_steal_pointer (&certs);
}

/* ---------------------------------------------------------------------------------------------
 * Signer
 */

struct _InkanSigner
{
  GObject parent_instance;

  gnutls_privkey_t key;
  GPtrArray *chain; /* gnutls_x509_crt_t, [0] the signer's */
  char *subject;
  PinContext *pin; /* the key's PIN callback data: GnuTLS holds it until the key goes */
};

G_DEFINE_FINAL_TYPE (InkanSigner, inkan_signer, G_TYPE_OBJECT)

static void
inkan_signer_finalize (GObject *object)
{
  InkanSigner *self = INKAN_SIGNER (object);

  g_clear_pointer (&self->key, gnutls_privkey_deinit);
  g_clear_pointer (&self->chain, crt_array_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->pin, pin_context_free);
  G_OBJECT_CLASS (inkan_signer_parent_class)->finalize (object);
}

static void
inkan_signer_class_init (InkanSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inkan_signer_finalize;
}

static void
inkan_signer_init (InkanSigner *self)
{
  self->chain = crt_array_new ();
}

/* A signature made now with the key, to be checked against candidate certificates. Making it
 * also forces the login, so a wrong PIN shows when the key is opened, not at the first seal. */
typedef struct
{
  gnutls_sign_algorithm_t algo;
  gnutls_datum_t data;
  gnutls_datum_t sig;
  guint8 nonce[32];
} KeyProof;

static void
key_proof_clear (KeyProof *proof)
{
  gnutls_free (proof->sig.data);
  proof->sig.data = NULL;
}

static int
key_proof_make (gnutls_privkey_t key, KeyProof *proof)
{
  unsigned bits = 0;
  int pk = gnutls_privkey_get_pk_algorithm (key, &bits);

  if (pk < 0)
    return pk;
  proof->algo = gnutls_pk_to_sign (pk, GNUTLS_DIG_SHA256);
  if (pk == GNUTLS_PK_EDDSA_ED25519)
    proof->algo = GNUTLS_SIGN_EDDSA_ED25519;
  else if (pk == GNUTLS_PK_EDDSA_ED448)
    proof->algo = GNUTLS_SIGN_EDDSA_ED448;
  if (proof->algo == GNUTLS_SIGN_UNKNOWN)
    return GNUTLS_E_UNKNOWN_PK_ALGORITHM;
  gnutls_rnd (GNUTLS_RND_NONCE, proof->nonce, sizeof proof->nonce);
  proof->data.data = proof->nonce;
  proof->data.size = sizeof proof->nonce;
  return gnutls_privkey_sign_data2 (key, proof->algo, 0, &proof->data, &proof->sig);
}

static gboolean
key_proof_matches (KeyProof *proof, gnutls_x509_crt_t crt)
{
  g_auto (gnutls_pubkey_t) pub = NULL;

  if (gnutls_pubkey_init (&pub) < 0 || gnutls_pubkey_import_x509 (pub, crt, 0) < 0)
    return FALSE;
  return gnutls_pubkey_verify_data2 (pub, proof->algo, 0, &proof->data, &proof->sig) >= 0;
}

static void
set_mismatch_error (GError **error, gnutls_x509_crt_t crt, const char *where)
{
  g_autofree char *subject = crt_subject (crt);

  g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
               _("The certificate “%s” (%s) does not belong to the key: its public key does not "
               "verify the key's signatures. Give the certificate issued for this key."),
               subject, where);
}

/* Completes chain (holding [0]) from pool by issuer names, preferring an issuer whose
 * signature verifies, and stops at a self-signed certificate. */
static gboolean
complete_chain (GPtrArray *chain, GPtrArray *pool, GError **error)
{
  while (chain->len < MAX_CHAIN)
    {
      gnutls_x509_crt_t last = g_ptr_array_index (chain, chain->len - 1);
      gnutls_x509_crt_t found = NULL;
      gboolean verified = FALSE;

      if (gnutls_x509_crt_check_issuer (last, last))
        break;
      for (guint i = 0; i < pool->len && !verified; i++)
        {
          gnutls_x509_crt_t cand = g_ptr_array_index (pool, i);
          gboolean in_chain = FALSE;
          unsigned status = 0;

          if (!gnutls_x509_crt_check_issuer (last, cand))
            continue;
          for (guint j = 0; j < chain->len && !in_chain; j++)
            in_chain = gnutls_x509_crt_equals (cand, g_ptr_array_index (chain, j));
          if (in_chain)
            continue;
          if (gnutls_x509_crt_verify (last, &cand, 1,
                                      GNUTLS_VERIFY_DISABLE_TIME_CHECKS
                                          | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                      &status)
                  >= 0
              && !(status & GNUTLS_CERT_SIGNATURE_FAILURE))
            {
              found = cand;
              verified = TRUE;
            }
          else if (found == NULL)
            found = cand;
        }
      if (found == NULL)
        break;
      {
        gnutls_x509_crt_t copy = inkan_certificate_copy (found, error);

        if (copy == NULL)
          return FALSE;
        g_ptr_array_add (chain, copy);
      }
    }
  return TRUE;
}

/* Reads a PEM or DER file of one or more certificates. */
static GPtrArray *
load_certificate_file (const char *path, GError **error)
{
  g_autoptr (GPtrArray) out = crt_array_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gnutls_datum_t data;
  gnutls_x509_crt_t *list = NULL;
  unsigned n_list = 0;
  int ret;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                   _("The certificate “%s” is neither a pkcs11: URL nor a readable file: %s"), path,
                   local_error->message);
      return NULL;
    }
  if (length > G_MAXUINT)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                   _("The certificate file “%s” is far too large to hold certificates."), path);
      return NULL;
    }
  data.data = (unsigned char *)contents;
  data.size = length;
  ret = gnutls_x509_crt_list_import2 (&list, &n_list, &data, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0)
    ret = gnutls_x509_crt_list_import2 (&list, &n_list, &data, GNUTLS_X509_FMT_DER, 0);
  if (ret < 0 || n_list == 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                   _("The file “%s” holds no certificate that can be read (%s). Give a PEM or "
                   "DER X.509 certificate."),
                   path, gnutls_strerror (ret < 0 ? ret : 0));
      return NULL;
    }
  for (unsigned i = 0; i < n_list; i++)
    g_ptr_array_add (out, list[i]);
  gnutls_free (list);
  return g_steal_pointer (&out);
}

GBytes *
inkan_certificate_to_der (gnutls_x509_crt_t crt, GError **error)
{
  gnutls_datum_t der = { NULL, 0 };
  int ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  GBytes *bytes;

  if (ret < 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                   _("The certificate could not be encoded: %s."), gnutls_strerror (ret));
      return NULL;
    }
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

gboolean
inkan_certificate_is (gnutls_x509_crt_t crt, GBytes *der)
{
  g_autoptr (GBytes) mine = NULL;

  if (crt == NULL || der == NULL)
    return FALSE;
  mine = inkan_certificate_to_der (crt, NULL);
  return mine != NULL && g_bytes_equal (mine, der);
}

static char *
name_of (gnutls_x509_crt_t crt, gboolean issuer, const char *unnamed)
{
  char cn[256];
  size_t size = sizeof cn;
  gnutls_datum_t dn = { NULL, 0 };
  char *name;
  int rc;

  rc = issuer ? gnutls_x509_crt_get_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
                                                      &size)
              : gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size);
  if (rc >= 0)
    return g_utf8_make_valid (cn, (gssize) size);
  rc = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) : gnutls_x509_crt_get_dn3 (crt, &dn, 0);
  if (rc < 0)
    return g_strdup (unnamed);
  name = g_utf8_make_valid ((const char *) dn.data, (gssize) dn.size);
  gnutls_free (dn.data);
  return name;
}

char *
inkan_certificate_name (gnutls_x509_crt_t crt, const char *unnamed)
{
  g_return_val_if_fail (crt != NULL, NULL);
  return name_of (crt, FALSE, unnamed);
}

char *
inkan_certificate_issuer_name (gnutls_x509_crt_t crt, const char *unnamed)
{
  g_return_val_if_fail (crt != NULL, NULL);
  return name_of (crt, TRUE, unnamed);
}

static gnutls_x509_crt_t
import_certificate_url (const char *url, GError **error)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  int ret;

  ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_import_url (crt, url, 0);
  if (ret < 0)
    {
      g_autofree char *shown = url_for_message (url);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                   _("No certificate was found at %s (%s). Check the URL; “inkan-cli token certs” "
                   "lists the certificates on a token."),
                   shown, gnutls_strerror (ret));
      return NULL;
    }
  return g_steal_pointer (&crt);
}

/* The certificate of a token key: the one with the key's CKA_ID on the same token. */
static gnutls_x509_crt_t
certificate_for_key (const char *full_key_url, GError **error)
{
  g_autofree char *cert_url = sibling_url (full_key_url, CKO_CERTIFICATE);
  g_autofree char *shown = url_for_message (full_key_url);
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n_objs = 0;
  gnutls_x509_crt_t crt = NULL;
  int ret;

  if (cert_url == NULL)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                   _("The key %s has no id to find its certificate by. Give the certificate "
                   "explicitly (a pkcs11: URL or a PEM file)."),
                   shown);
      return NULL;
    }
  ret = gnutls_pkcs11_obj_list_import_url4 (&objs, &n_objs, cert_url, GNUTLS_PKCS11_OBJ_FLAG_CRT);
  if (ret >= 0 && n_objs > 0)
    {
      ret = gnutls_x509_crt_init (&crt);
      if (ret >= 0)
        ret = gnutls_x509_crt_import_pkcs11 (crt, objs[0]);
      if (ret < 0)
        g_clear_pointer (&crt, gnutls_x509_crt_deinit);
    }
  for (unsigned i = 0; i < n_objs; i++)
    gnutls_pkcs11_obj_deinit (objs[i]);
  gnutls_free (objs);
  if (crt == NULL)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                   _("No certificate with the id of the key %s is on its token%s%s. Give the "
                   "certificate explicitly (a pkcs11: URL or a PEM file)."),
                   shown, ret < 0 ? ": " : "", ret < 0 ? gnutls_strerror (ret) : "");
      return NULL;
    }
  return crt;
}

/* Opens the key with a login done now, and returns its full URL (token and id included). */
static gnutls_privkey_t
open_token_key (const char *key_url, PinContext *ctx, char **full_url, GError **error)
{
  g_auto (gnutls_pkcs11_privkey_t) p11key = NULL;
  g_auto (gnutls_privkey_t) key = NULL;
  g_autofree char *shown = url_for_message (key_url);
  gnutls_pkcs11_obj_t obj = NULL;
  char *url = NULL;
  int ret;

  ret = gnutls_pkcs11_privkey_init (&p11key);
  if (ret < 0)
    {
      set_pin_or_gnutls_error (error, ret, NULL, "the key");
      return NULL;
    }
  gnutls_pkcs11_privkey_set_pin_function (p11key, object_pin_cb, ctx);
  ret = gnutls_pkcs11_privkey_import_url (p11key, key_url, GNUTLS_PKCS11_OBJ_FLAG_LOGIN);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE
      || ret == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                   _("No private key was found at %s. Check that the token is plugged in and "
                   "the URL is right; “inkan-cli token certs” lists the keys."),
                   shown);
      return NULL;
    }
  if (ret < 0)
    {
      g_autofree char *what = g_strdup_printf (_("the key %s"), shown);

      set_pin_or_gnutls_error (error, ret, ctx, what);
      return NULL;
    }
  /* The key keeps its session, so the token stays logged in and the key's object can be read
   * for what the URL may not say (token, id) without asking for the PIN again. */
  ret = gnutls_pkcs11_obj_init (&obj);
  if (ret >= 0)
    {
      gnutls_pkcs11_obj_set_pin_function (obj, object_pin_cb, ctx);
      ret = gnutls_pkcs11_obj_import_url (obj, key_url, GNUTLS_PKCS11_OBJ_FLAG_LOGIN);
    }
  if (ret >= 0)
    ret = gnutls_pkcs11_obj_export_url (obj, GNUTLS_PKCS11_URL_GENERIC, &url);
  if (obj != NULL)
    gnutls_pkcs11_obj_deinit (obj);
  if (ret < 0)
    {
      g_autofree char *what = g_strdup_printf (_("the key %s"), shown);

      set_pin_or_gnutls_error (error, ret, ctx, what);
      return NULL;
    }
  *full_url = g_strdup (url);
  gnutls_free (url);

  ret = gnutls_privkey_init (&key);
  if (ret >= 0)
    ret = gnutls_privkey_import_pkcs11 (key, p11key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
  if (ret < 0)
    {
      g_clear_pointer (full_url, g_free);
      set_pin_or_gnutls_error (error, ret, NULL, "the key");
      return NULL;
    }
  p11key = NULL; /* now owned by key */
  return g_steal_pointer (&key);
}

InkanSigner *
inkan_signer_open (const char *key_url, const char *cert_ref, InkanPinFunc pin_func,
                   gpointer pin_data, GError **error)
{
  g_autoptr (InkanSigner) self = NULL;
  g_autoptr (GPtrArray) pool = crt_array_new ();
  g_autofree char *full_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *shown = NULL;
  g_auto (gnutls_x509_crt_t) crt = NULL;
  KeyProof proof = { 0 };
  int ret;

  g_return_val_if_fail (key_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_initialized ();
  if (!check_pkcs11_url (key_url, "key", error))
    return NULL;
  if (!check_not_locked (key_url, error))
    return NULL;

  self = g_object_new (INKAN_TYPE_SIGNER, NULL);
  self->pin = pin_context_new (pin_func, pin_data);
  self->key = open_token_key (key_url, self->pin, &full_url, error);
  if (self->key == NULL)
    return NULL;

  ret = key_proof_make (self->key, &proof);
  if (ret < 0)
    {
      g_autofree char *what = NULL;

      shown = url_for_message (key_url);
      what = g_strdup_printf (_("the key %s to sign"), shown);
      set_pin_or_gnutls_error (error, ret, self->pin, what);
      key_proof_clear (&proof);
      return NULL;
    }
  /* The login is done. The caller's PIN callback data need not outlive this call, so a later
   * prompt (a key that wants the PIN for every signature) fails instead of reaching it. */
  self->pin->func = NULL;
  self->pin->data = NULL;
  pin_context_clear_pin (self->pin);

  if (cert_ref == NULL)
    {
      crt = certificate_for_key (full_url, error);
      if (crt == NULL)
        {
          key_proof_clear (&proof);
          return NULL;
        }
      if (!key_proof_matches (&proof, crt))
        {
          set_mismatch_error (error, crt, _("on the token with the key's id"));
          key_proof_clear (&proof);
          return NULL;
        }
    }
  else if (is_pkcs11_url (cert_ref))
    {
      crt = import_certificate_url (cert_ref, error);
      if (crt == NULL)
        {
          key_proof_clear (&proof);
          return NULL;
        }
      if (!key_proof_matches (&proof, crt))
        {
          g_autofree char *where = url_for_message (cert_ref);

          set_mismatch_error (error, crt, where);
          key_proof_clear (&proof);
          return NULL;
        }
    }
  else
    {
      g_autoptr (GPtrArray) file_certs = load_certificate_file (cert_ref, error);

      if (file_certs == NULL)
        {
          key_proof_clear (&proof);
          return NULL;
        }
      /* The file's certificate for this key may come anywhere in it; the others are chain. */
      for (guint i = 0; i < file_certs->len; i++)
        {
          gnutls_x509_crt_t c = g_ptr_array_index (file_certs, i);

          if (crt == NULL && key_proof_matches (&proof, c))
            crt = g_ptr_array_steal_index (file_certs, i--);
        }
      if (crt == NULL)
        {
          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                       _("No certificate in “%s” belongs to the key: none of their public keys "
                       "verifies the key's signatures. Give the certificate issued for this "
                       "key."),
                       cert_ref);
          key_proof_clear (&proof);
          return NULL;
        }
      while (file_certs->len > 0)
        g_ptr_array_add (pool, g_ptr_array_steal_index (file_certs, 0));
    }
  key_proof_clear (&proof);

  token_url = token_part_of_url (full_url);
  if (token_url != NULL)
    {
      g_autoptr (GPtrArray) on_token = token_certificates (token_url, error);

      if (on_token == NULL)
        return NULL;
      while (on_token->len > 0)
        g_ptr_array_add (pool, g_ptr_array_steal_index (on_token, 0));
    }

  self->subject = crt_subject (crt);
  g_ptr_array_add (self->chain, g_steal_pointer (&crt));
  if (!complete_chain (self->chain, pool, error))
    return NULL;
  return g_steal_pointer (&self);
}

struct _InkanSignerOpening
{
  char *key_url;
  char *cert_ref;
  InkanPinFunc pin_func;
  gpointer pin_data;
  GThread *thread;          /* until joined */
  InkanSigner *signer;      /* the result, once joined */
  GError *error;
};

static gpointer
opening_thread (gpointer data)
{
  InkanSignerOpening *opening = data;

  opening->signer = inkan_signer_open (opening->key_url, opening->cert_ref, opening->pin_func,
                                       opening->pin_data, &opening->error);
  return NULL;
}

InkanSignerOpening *
inkan_signer_opening_start (const char *key_url, const char *cert_ref, InkanPinFunc pin_func,
                            gpointer pin_data)
{
  InkanSignerOpening *opening;

  g_return_val_if_fail (key_url != NULL, NULL);

  opening = g_new0 (InkanSignerOpening, 1);
  opening->key_url = g_strdup (key_url);
  opening->cert_ref = g_strdup (cert_ref);
  opening->pin_func = pin_func;
  opening->pin_data = pin_data;
  opening->thread = g_thread_new ("inkan-signer", opening_thread, opening);
  return opening;
}

static void
opening_join (InkanSignerOpening *opening)
{
  if (opening->thread != NULL)
    {
      g_thread_join (g_steal_pointer (&opening->thread));
      /* The caller's PIN data may go once the wait has returned. */
      opening->pin_func = NULL;
      opening->pin_data = NULL;
    }
}

InkanSigner *
inkan_signer_opening_wait (InkanSignerOpening *opening, GError **error)
{
  g_return_val_if_fail (opening != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  opening_join (opening);
  if (opening->signer == NULL)
    {
      if (opening->error != NULL)
        g_propagate_error (error, g_error_copy (opening->error));
      else
        g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED,
                     _("The signing key could not be opened."));
      return NULL;
    }
  return g_object_ref (opening->signer);
}

void
inkan_signer_opening_free (InkanSignerOpening *opening)
{
  if (opening == NULL)
    return;
  opening_join (opening);
  g_clear_object (&opening->signer);
  g_clear_error (&opening->error);
  g_free (opening->key_url);
  g_free (opening->cert_ref);
  g_free (opening);
}

InkanSigner *
inkan_signer_new (gnutls_privkey_t key, gnutls_x509_crt_t *chain, guint n_chain, GError **error)
{
  g_autoptr (InkanSigner) self = NULL;
  KeyProof proof = { 0 };
  int ret;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (chain != NULL && n_chain > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (INKAN_TYPE_SIGNER, NULL);
  self->key = key;
  for (guint i = 0; i < n_chain; i++)
    {
      gnutls_x509_crt_t copy = inkan_certificate_copy (chain[i], error);

      if (copy == NULL)
        return NULL;
      g_ptr_array_add (self->chain, copy);
    }
  self->subject = crt_subject (chain[0]);

  ret = key_proof_make (key, &proof);
  if (ret < 0)
    {
      set_pin_or_gnutls_error (error, ret, NULL, _("the key to sign"));
      key_proof_clear (&proof);
      return NULL;
    }
  if (!key_proof_matches (&proof, chain[0]))
    {
      set_mismatch_error (error, chain[0], _("the first of the chain"));
      key_proof_clear (&proof);
      return NULL;
    }
  key_proof_clear (&proof);
  return g_steal_pointer (&self);
}

gnutls_privkey_t
inkan_signer_get_privkey (InkanSigner *self)
{
  g_return_val_if_fail (INKAN_IS_SIGNER (self), NULL);
  return self->key;
}

gnutls_x509_crt_t
inkan_signer_get_certificate (InkanSigner *self)
{
  g_return_val_if_fail (INKAN_IS_SIGNER (self), NULL);
  return g_ptr_array_index (self->chain, 0);
}

gnutls_x509_crt_t *
inkan_signer_get_chain (InkanSigner *self, guint *n_chain)
{
  g_return_val_if_fail (INKAN_IS_SIGNER (self), NULL);
  if (n_chain != NULL)
    *n_chain = self->chain->len;
  return (gnutls_x509_crt_t *)self->chain->pdata;
}

const char *
inkan_signer_get_subject (InkanSigner *self)
{
  g_return_val_if_fail (INKAN_IS_SIGNER (self), NULL);
  return self->subject;
}

static char *
format_date (time_t t)
{
  g_autoptr (GDateTime) dt = date_from_time (t);

  if (dt == NULL)
    return g_strdup (_("an unreadable date"));
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
}

gboolean
inkan_signer_check_usable (InkanSigner *self, GDateTime *when, GError **error)
{
  gnutls_x509_crt_t crt;
  g_autoptr (GDateTime) now = NULL;
  gint64 at;
  time_t not_before, not_after;
  unsigned usage = 0;
  int ret;

  g_return_val_if_fail (INKAN_IS_SIGNER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (when == NULL)
    when = now = g_date_time_new_now_utc ();
  at = g_date_time_to_unix (when);
  crt = g_ptr_array_index (self->chain, 0);

  not_before = gnutls_x509_crt_get_activation_time (crt);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  if (not_before == (time_t)-1 || not_after == (time_t)-1)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                   _("The validity dates of the certificate “%s” cannot be read, so it cannot "
                   "be used to seal. Ask for a new certificate."),
                   self->subject);
      return FALSE;
    }
  if (at < (gint64)not_before)
    {
      g_autofree char *date = format_date (not_before);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                   _("The certificate “%s” is not yet valid: it becomes valid on %s. Wait until "
                   "then or check the computer's clock."),
                   self->subject, date);
      return FALSE;
    }
  if (at > (gint64)not_after)
    {
      g_autofree char *date = format_date (not_after);

      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                   _("The certificate “%s” expired on %s and can no longer seal. Ask for a new "
                   "certificate."),
                   self->subject, date);
      return FALSE;
    }

  ret = gnutls_x509_crt_get_key_usage (crt, &usage, NULL);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return TRUE; /* no keyUsage extension: every usage is allowed */
  if (ret < 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                   _("The key usage of the certificate “%s” cannot be read (%s), so it cannot be "
                   "used to seal. Ask for a new certificate."),
                   self->subject, gnutls_strerror (ret));
      return FALSE;
    }
  if (!(usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)))
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_CERT_UNUSABLE,
                   _("The certificate “%s” is not meant for signatures: its key usage allows "
                   "neither digital signatures nor non-repudiation. Ask for a signing "
                   "certificate."),
                   self->subject);
      return FALSE;
    }
  return TRUE;
}
