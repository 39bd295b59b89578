/* inkan-cli's workflow commands: users, seals, templates, grants, requests, approvals, signing
 * under the policy, and the audit trail. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-cli-private.h"

#include "inkan-approving.h"
#include "inkan-audit-export.h"
#include "inkan-policy.h"
#include "inkan-seal-art.h"
#include "inkan-seal-record.h"
#include "inkan-sealing.h"
#include "inkan-store.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gnutls/x509.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

/* Exit codes of the workflow commands, documented in the README; those of inkan-cli.c (64 usage,
 * 66 no input, 69 image, 70–74 token) keep their meaning here. */
enum
{
  WF_EXIT_OK = 0,
  WF_EXIT_OTHER = 1,
  WF_EXIT_USAGE = 64,
  WF_EXIT_NO_INPUT = 66,
  WF_EXIT_STORE_BUSY = 75,        /* another process held the store past the busy timeout */
  WF_EXIT_STORE = 76,             /* the store cannot be opened, is too new, or the disk is full */
  WF_EXIT_NOT_ALLOWED = 77,       /* the acting user lacks the role, or is unknown */
  WF_EXIT_NOT_FOUND = 78,         /* no such user, seal, template, grant or request */
  WF_EXIT_CONFLICT = 79,          /* name taken, value refused, or not allowed in that state */
  WF_EXIT_POLICY_BASE = 79,       /* + the policy's code: 80 seal suspended … 93 bad approval */
  WF_EXIT_AUDIT_BROKEN = 94,      /* audit verify found a broken entry */
  WF_EXIT_WRONG_KEY = 95,         /* the approver's key is not the one registered for them */
  WF_EXIT_SEAL_RECORD = 98,       /* the seal's record refuses the use: expired, not yet valid,
                                   * damaged, or not the seal's picture or certificate (96 and 97
                                   * are inkan-cli.c's TSA and revocation fetch) */
};

#define WF_ERROR (wf_error_quark ())
static G_DEFINE_QUARK (inkan-cli-workflow-error-quark, wf_error)

/* The CLI's own refusal, beside the policy's and the core's. */
enum
{
  WF_ERROR_UNKNOWN_USER,
};

static int
wf_exit_code (const GError *error)
{
  if (error->domain == INKAN_POLICY_ERROR)
    return error->code == INKAN_POLICY_ERROR_NOT_ALLOWED ? WF_EXIT_NOT_ALLOWED
                                                          : WF_EXIT_POLICY_BASE + error->code;
  if (error->domain == WF_ERROR)
    return WF_EXIT_NOT_ALLOWED;
  if (g_error_matches (error, INKAN_APPROVING_ERROR, INKAN_APPROVING_ERROR_WRONG_KEY)
      || g_error_matches (error, INKAN_SEAL_RECORD_ERROR, INKAN_SEAL_RECORD_ERROR_WRONG_MAKER))
    return WF_EXIT_WRONG_KEY;
  if (error->domain == INKAN_SEAL_RECORD_ERROR)
    return WF_EXIT_SEAL_RECORD;
  if (error->domain == INKAN_STORE_ERROR)
    switch (error->code)
      {
      case INKAN_STORE_ERROR_BUSY:
        return WF_EXIT_STORE_BUSY;
      case INKAN_STORE_ERROR_NOT_FOUND:
        return WF_EXIT_NOT_FOUND;
      case INKAN_STORE_ERROR_EXISTS:
      case INKAN_STORE_ERROR_INVALID:
      case INKAN_STORE_ERROR_STATE:
        return WF_EXIT_CONFLICT;
      default:
        return WF_EXIT_STORE;
      }
  if (error->domain == INKAN_AUDIT_EXPORT_ERROR)
    return WF_EXIT_OTHER;
  return -1;
}

static const char *
wf_reason_code (const GError *error)
{
  if (error->domain == WF_ERROR)
    return "UNKNOWN_USER";
  return inkan_sealing_reason_code (error);
}

static int
wf_fail (GError *error)
{
  int code = wf_exit_code (error);

  if (code < 0)
    return _inkan_cli_fail (error);
  g_printerr ("inkan-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

/* Parses the options; on failure prints the usage and sets *status. */
static gboolean
parse_options (GOptionContext *context, int *argc, char ***argv, int *status)
{
  g_autoptr (GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  *status = _inkan_cli_usage_error (context, error->message);
  return FALSE;
}

/* ---- times ----------------------------------------------------------------------------------- */

/* The trail and the approval statements are to the millisecond: so is the clock. */
static GDateTime *
truncate_to_ms (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_add (utc, -(GTimeSpan) (g_date_time_get_microsecond (utc) % 1000));
}

/* RFC 3339, or YYYY-MM-DD: the start of that day in UTC, or its last millisecond when
 * `end_of_day` (a grant "until 2026-11-30" holds through that day). */
static GDateTime *
parse_time (const char *text, gboolean end_of_day)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) parsed = NULL;
  int y, m, d;
  char tail;

  if (strlen (text) == 10 && sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3)
    {
      g_autoptr (GDateTime) day = g_date_time_new_utc (y, m, d, 0, 0, 0);

      if (day == NULL)
        return NULL;
      if (!end_of_day)
        return g_steal_pointer (&day);
      return g_date_time_add (day, G_TIME_SPAN_DAY - G_TIME_SPAN_MILLISECOND);
    }
  parsed = g_date_time_new_from_iso8601 (text, utc);
  if (parsed == NULL)
    return NULL;
  return truncate_to_ms (parsed);
}

static gboolean
parse_time_option (GOptionContext *context, const char *option, const char *text,
                   gboolean end_of_day, GDateTime **out, int *status)
{
  g_autofree char *message = NULL;

  if (text == NULL)
    return TRUE;
  *out = parse_time (text, end_of_day);
  if (*out != NULL)
    return TRUE;
  message = g_strdup_printf (_("%s wants a date (2026-11-30) or an RFC 3339 time "
                               "(2026-11-30T17:00:00+08:00), not “%s”."), option, text);
  *status = _inkan_cli_usage_error (context, message);
  return FALSE;
}

/* INKAN_NOW (RFC 3339) when set, so that tests can set the clock; else the real time. */
static GDateTime *
clock_now (GError **error)
{
  const char *env = g_getenv ("INKAN_NOW");
  g_autoptr (GDateTime) real = NULL;
  GDateTime *now;

  if (env == NULL || *env == '\0')
    {
      real = g_date_time_new_now_utc ();
      return truncate_to_ms (real);
    }
  now = parse_time (env, FALSE);
  if (now == NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("INKAN_NOW is set to “%s”, which is not an RFC 3339 time; set it like "
                   "2026-11-30T10:00:00Z or unset it."), env);
  return now;
}

static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *base = NULL;

  if (time == NULL)
    return g_strdup ("-");
  utc = g_date_time_to_utc (time);
  base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

static gboolean
parse_id (const char *text, gint64 *id)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

/* ---- the session: store, clock, acting user ------------------------------------------------ */

typedef struct
{
  InkanStore *store;
  InkanAuditContext *audit;
  InkanUser *actor;               /* NULL when --as was not given */
  GDateTime *now;
} Session;

static void
session_clear (Session *s)
{
  g_clear_object (&s->store);
  g_clear_pointer (&s->audit, inkan_audit_context_free);
  g_clear_pointer (&s->actor, inkan_user_free);
  g_clear_pointer (&s->now, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_clear)

static char *
default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "inkan", "inkan.db", NULL);
}

/* Opens the store and resolves --as. `need_actor`: the command needs a known acting user. */
static gboolean
session_open (Session *s, const InkanCliGlobals *globals, gboolean need_actor, int *status)
{
  g_autofree char *fallback = NULL;
  g_autofree char *dir = NULL;
  const char *path = globals->db_path;
  GError *error = NULL;

  s->now = clock_now (&error);
  if (s->now == NULL)
    {
      g_printerr ("inkan-cli: %s\n", error->message);
      g_error_free (error);
      *status = WF_EXIT_USAGE;
      return FALSE;
    }
  if (path == NULL)
    path = fallback = default_db_path ();
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_printerr (_("inkan-cli: The folder %s for the store cannot be created: %s. Give another "
                    "store with --db PATH.\n"), dir, g_strerror (saved));
      *status = WF_EXIT_STORE;
      return FALSE;
    }
  s->store = inkan_store_open (path, &error);
  if (s->store == NULL)
    {
      *status = wf_fail (error);
      return FALSE;
    }
  s->audit = inkan_audit_context_new_local ();
  if (globals->as != NULL)
    {
      s->actor = inkan_store_get_user (s->store, globals->as, &error);
      if (s->actor == NULL)
        {
          if (g_error_matches (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND))
            {
              g_autofree char *details = g_strdup_printf (
                "UNKNOWN_USER: Someone acting as “%s”, who is not a user of the store, was "
                "turned away.", globals->as);

              g_clear_error (&error);
              /* Worth recording: someone tried a name the store does not know. */
              inkan_store_audit (s->store, s->audit, NULL, "login.refused", NULL, NULL, details,
                                 s->now, NULL);
              g_set_error (&error, WF_ERROR, WF_ERROR_UNKNOWN_USER,
                           _("There is no user named “%s” in the store; check the name with "
                             "“inkan-cli --as NAME user list” or ask an administrator to add "
                             "you."), globals->as);
            }
          *status = wf_fail (error);
          return FALSE;
        }
    }
  else if (need_actor)
    {
      g_printerr (_("inkan-cli: Say who is acting with --as NAME before the command, for "
                    "instance “inkan-cli --as alice seal list”.\n"));
      *status = WF_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

/* Records a refusal in the trail ("<action>.refused", the reason code, then the sentence), prints
 * it and returns its exit code. Takes the error. */
static int
refuse (Session *s, const char *action, const char *objects, const char *document_sha256,
        GError *error)
{
  g_autofree char *refused = g_strdup_printf ("%s.refused", action);
  g_autofree char *details = g_strdup_printf ("%s: %s", wf_reason_code (error), error->message);
  g_autoptr (GError) audit_error = NULL;

  if (!inkan_store_audit (s->store, s->audit, s->actor, refused, objects, document_sha256,
                          details, s->now, &audit_error))
    g_printerr (_("inkan-cli: The refusal below could not be recorded in the audit trail: %s\n"),
                audit_error->message);
  return wf_fail (error);
}

static gboolean
require_role (Session *s, InkanRoles role, const char *act, const char *action,
              const char *objects, int *status)
{
  GError *error = NULL;

  if (inkan_policy_check_role (s->actor, role, act, &error))
    return TRUE;
  *status = refuse (s, action, objects, NULL, error);
  return FALSE;
}

/* ---- certificates and documents ------------------------------------------------------------ */

/* --cert FILE|PKCS11_URL: a PEM or DER file, or a certificate read from a token (no login). */
static GBytes *
load_cert (const char *ref, GError **error)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  int ret;

  ret = gnutls_x509_crt_init (&crt);
  if (ret < 0)
    {
      g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_FAILED, "%s",
                   gnutls_strerror (ret));
      return NULL;
    }
  if (g_str_has_prefix (ref, "pkcs11:"))
    {
      ret = gnutls_x509_crt_import_url (crt, ref, 0);
      if (ret < 0)
        {
          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_NOT_FOUND,
                       _("No certificate was found at that pkcs11: URL (%s). “inkan-cli token "
                         "certs” lists the certificates on your tokens."), gnutls_strerror (ret));
          return NULL;
        }
    }
  else
    {
      g_autofree char *contents = NULL;
      g_autoptr (GError) local = NULL;
      gnutls_datum_t data;
      gsize len = 0;

      if (!g_file_get_contents (ref, &contents, &len, &local))
        {
          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                       _("The certificate %s cannot be read: %s. Give a PEM or DER file or a "
                         "pkcs11: URL."), ref, local->message);
          return NULL;
        }
      data.data = (unsigned char *) contents;
      data.size = (unsigned) MIN (len, G_MAXUINT);
      ret = gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        ret = gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_DER);
      if (ret < 0)
        {
          g_set_error (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_BAD_URL,
                       _("The file %s holds no readable X.509 certificate (%s). Give a PEM or DER "
                         "certificate."), ref, gnutls_strerror (ret));
          return NULL;
        }
    }
  return inkan_certificate_to_der (crt, error);
}

static char *
cert_summary (GBytes *der)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t data, dn = { NULL, 0 };
  g_autoptr (GDateTime) until = NULL;
  g_autofree char *until_text = NULL;
  char *out;

  if (der == NULL || gnutls_x509_crt_init (&crt) < 0)
    return g_strdup ("?");
  data.data = (unsigned char *) g_bytes_get_data (der, NULL);
  data.size = (unsigned) g_bytes_get_size (der);
  if (gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_DER) < 0
      || gnutls_x509_crt_get_dn3 (crt, &dn, 0) < 0)
    return g_strdup (_("(unreadable certificate)"));
  until = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (crt));
  until_text = format_time (until);
  out = g_strdup_printf (_("%s, valid until %s"), (char *) dn.data, until_text);
  gnutls_free (dn.data);
  return out;
}

/* The file's SHA-256, streamed. */
static char *
roles_text (InkanRoles roles)
{
  GString *out = g_string_new (NULL);
  guint bit;

  for (bit = 0; bit < 4; bit++)
    if (roles & (1u << bit))
      {
        if (out->len > 0)
          g_string_append_c (out, ',');
        g_string_append (out, inkan_role_to_string ((InkanRoles) (1u << bit)));
      }
  return g_string_free (out, FALSE);
}

static char *
chain_text (GPtrArray *chain)
{
  GString *out;
  guint i;

  if (chain == NULL || chain->len == 0)
    return g_strdup ("none");
  out = g_string_new (NULL);
  for (i = 0; i < chain->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", (char *) chain->pdata[i]);
  return g_string_free (out, FALSE);
}

/* ---- user ------------------------------------------------------------------------------------ */

static int
cmd_user_add (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("NAME --role ROLE… --cert FILE|PKCS11_URL — add a user"));
  g_auto (GStrv) roles = NULL;
  g_autofree char *cert = NULL;
  g_auto (Session) s = { 0 };
  g_autoptr (GBytes) der = NULL;
  g_autoptr (InkanUser) user = NULL;
  g_autofree char *objects = NULL;
  InkanRoles mask = 0;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  gboolean empty;
  guint i;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING_ARRAY, &roles,
      N_("clerk, approver, admin or auditor (repeatable)"), N_("ROLE") },
    { "cert", 0, 0, G_OPTION_ARG_STRING, &cert,
      N_("The user's certificate: it proves their approvals"), N_("FILE|PKCS11_URL") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the new user's name."));
  if (roles == NULL)
    return _inkan_cli_usage_error (context, _("Give at least one --role."));
  for (i = 0; roles[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (roles[i], ",", -1);
      guint j;

      for (j = 0; parts[j] != NULL; j++)
        {
          InkanRoles role = inkan_role_from_string (g_strstrip (parts[j]));

          if (role == 0)
            return _inkan_cli_usage_error (context, _("A role is clerk, approver, admin or "
                                                      "auditor."));
          mask |= role;
        }
    }
  if (cert == NULL)
    return _inkan_cli_usage_error (context, _("Give the user's certificate with --cert."));

  if (!session_open (&s, globals, FALSE, &status))
    return status;
  empty = inkan_store_is_empty (s.store, &error);
  if (error != NULL)
    return wf_fail (error);
  objects = g_strdup_printf ("user:%s", argv[1]);
  if (empty)
    {
      if (!(mask & INKAN_ROLE_ADMIN))
        {
          g_printerr (_("inkan-cli: The store has no user yet: the first one must be an "
                        "administrator. Add --role admin.\n"));
          return WF_EXIT_USAGE;
        }
    }
  else if (s.actor == NULL)
    {
      g_printerr (_("inkan-cli: The store has users already: say which administrator adds this "
                    "one with --as NAME before the command.\n"));
      return WF_EXIT_USAGE;
    }
  else if (!require_role (&s, INKAN_ROLE_ADMIN, _("add users"), "user.add", objects, &status))
    return status;

  der = load_cert (cert, &error);
  if (der == NULL)
    return _inkan_cli_fail (error);
  user = inkan_store_add_user (s.store, s.audit, s.actor, argv[1], mask, der, s.now, &error);
  if (user == NULL)
    return wf_fail (error);
  return WF_EXIT_OK;
}

static int
cmd_user_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the users"));
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) users = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("user list takes no arguments."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  users = inkan_store_list_users (s.store, &error);
  if (users == NULL)
    return wf_fail (error);
  for (i = 0; i < users->len; i++)
    {
      const InkanUser *u = users->pdata[i];
      g_autofree char *roles = roles_text (u->roles);

      g_print ("%s\t%s\tcert-sha256:%s\n", u->name, roles, u->cert_sha256);
    }
  return WF_EXIT_OK;
}

/* ---- seal ------------------------------------------------------------------------------------ */

/* The seal record signed by the acting administrator's own key. A seal is never created
 * without one: unbound, it would take the name and seal documents whose picture recipients
 * cannot tell from a forged one (the seal editor refuses likewise). With no PIN to be had (no
 * --pin-file, no terminal) the token's refusal says so. */
static gboolean
make_record (Session *s, const InkanSeal *seal, const char *maker_key, const char *pin_file,
             GBytes **record, GError **error)
{
  *record = inkan_seal_record_make_as (seal, s->actor, maker_key, _inkan_cli_pin_func,
                                       (gpointer) pin_file, s->now, error);
  if (*record == NULL && g_error_matches (*error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_CANCELLED))
    g_prefix_error (error, _("The seal “%s” was not created: its seal record is signed with your "
                             "own token, and no PIN was given (use --pin-file, or run in a "
                             "terminal). "),
                    seal->name);
  return *record != NULL;
}

static int
cmd_seal_create (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (
    _("NAME --kind KIND --image PNG --cert FILE|PKCS11_URL --key PKCS11_URL — register a seal"));
  g_autofree char *kind = NULL, *image = NULL, *cert = NULL, *key = NULL;
  g_autofree char *from = NULL, *until = NULL, *approval = NULL;
  g_autofree char *maker_key = NULL, *pin_file = NULL;
  g_autofree char *png = NULL;
  g_autofree char *objects = NULL;
  gsize png_len = 0;
  g_auto (Session) s = { 0 };
  g_autoptr (GBytes) der = NULL;
  g_autoptr (InkanSeal) created = NULL;
  g_autoptr (InkanImage) decoded = NULL;
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  InkanSeal seal = { 0 };
  InkanSealKind seal_kind;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("official, contract, finance, legal or personal"), N_("KIND") },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image, N_("The seal's image"), N_("PNG") },
    { "cert", 0, 0, G_OPTION_ARG_STRING, &cert, N_("The seal's certificate"),
      N_("FILE|PKCS11_URL") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("The seal's private key on its token"),
      N_("PKCS11_URL") },
    { "valid-from", 0, 0, G_OPTION_ARG_STRING, &from, N_("First day of use"), N_("T") },
    { "valid-until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Last day of use"), N_("T") },
    { "approval", 0, 0, G_OPTION_ARG_STRING, &approval,
      N_("none, or the ordered chain of approver roles"), N_("none|ROLE[,ROLE…]") },
    { "maker-key", 0, 0, G_OPTION_ARG_STRING, &maker_key,
      N_("Your own key, which signs the seal record (default: the one on a present token whose "
         "certificate is registered for you)"), N_("PKCS11_URL") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
      N_("Read your token's PIN from this file (default: ask on the terminal)"), N_("FILE") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the seal's name."));
  if (maker_key != NULL && !g_str_has_prefix (maker_key, "pkcs11:"))
    return _inkan_cli_usage_error (context, _("--maker-key wants the pkcs11: URL of your own "
                                              "private key; “inkan-cli token certs” shows it."));
  if (kind == NULL || !inkan_seal_kind_from_string (kind, &seal_kind))
    return _inkan_cli_usage_error (context, _("Give --kind official, contract, finance, legal or "
                                              "personal."));
  if (image == NULL || cert == NULL || key == NULL)
    return _inkan_cli_usage_error (context, _("Give the seal's --image, --cert and --key."));
  if (!g_str_has_prefix (key, "pkcs11:"))
    return _inkan_cli_usage_error (context, _("--key wants the pkcs11: URL of the seal's private "
                                              "key; “inkan-cli token certs” shows it."));
  if (!parse_time_option (context, "--valid-from", from, FALSE, &seal.valid_from, &status)
      || !parse_time_option (context, "--valid-until", until, TRUE, &seal.valid_until, &status))
    goto out;
  if (approval != NULL && !g_str_equal (approval, "none"))
    {
      g_auto (GStrv) parts = g_strsplit (approval, ",", -1);
      guint i;

      for (i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (inkan_role_from_string (parts[i]) == 0)
            {
              status = _inkan_cli_usage_error (context, _("--approval wants none, or role names "
                                                          "(approver, admin, clerk, auditor) "
                                                          "separated by commas."));
              goto out;
            }
          g_ptr_array_add (chain, g_strdup (parts[i]));
        }
    }

  if (!session_open (&s, globals, TRUE, &status))
    goto out;
  objects = g_strdup_printf ("seal:%s", argv[1]);
  if (!require_role (&s, INKAN_ROLE_ADMIN, _("create seals"), "seal.create", objects, &status))
    goto out;
  decoded = inkan_image_load_png (image, &error);
  if (decoded == NULL || !g_file_get_contents (image, &png, &png_len, &error))
    {
      status = _inkan_cli_fail (error);
      goto out;
    }
  der = load_cert (cert, &error);
  if (der == NULL)
    {
      status = _inkan_cli_fail (error);
      goto out;
    }
  seal.name = argv[1];
  seal.kind = seal_kind;
  seal.image_png = g_bytes_new_take (g_steal_pointer (&png), png_len);
  seal.cert_der = der;
  seal.key_url = key;
  seal.approval_chain = chain;
  if (!make_record (&s, &seal, maker_key, pin_file, &seal.record, &error))
    {
      g_bytes_unref (seal.image_png);
      status = wf_fail (error);
      goto out;
    }
  created = inkan_store_create_seal (s.store, s.audit, s.actor, &seal, s.now, &error);
  g_bytes_unref (seal.image_png);
  g_clear_pointer (&seal.record, g_bytes_unref);
  if (created == NULL)
    status = wf_fail (error);
out:
  g_clear_pointer (&seal.valid_from, g_date_time_unref);
  g_clear_pointer (&seal.valid_until, g_date_time_unref);
  return status;
}

/* ---- seal artwork ---------------------------------------------------------------------------- */

static int
cmd_seal_draw (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (
    _("--kind round|oval|square --name TEXT -o OUT.png — draw a seal image"));
  g_autofree char *kind = NULL, *name = NULL, *purpose = NULL, *code = NULL, *output = NULL;
  cairo_surface_t *surface;
  double size_mm = 0, dpi = 0;
  gboolean inner_ring = FALSE;
  InkanSealArtSpec spec = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("round (official, contract), oval (finance) or square (personal name)"), N_("KIND") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The organisation or person, 1 to 30 characters"), N_("TEXT") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose,
      N_("The seal's purpose, e.g. 合同专用章 (round and oval)"), N_("TEXT") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code,
      N_("A registration number along the lower edge (round and oval)"), N_("TEXT") },
    { "inner-ring", 0, 0, G_OPTION_ARG_NONE, &inner_ring,
      N_("A thin ring inside the border (round and oval)"), NULL },
    { "size-mm", 0, 0, G_OPTION_ARG_DOUBLE, &size_mm,
      N_("Diameter, oval width or side (default 42, 45, 20)"), N_("N") },
    { "dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, N_("Resolution (default 600)"), N_("N") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PNG to write"), N_("OUT.png") },
    { NULL },
  };

  g_option_context_set_summary (context,
    _("Draws a seal in red on a transparent background, for “seal create --image”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("seal draw takes options only."));
  if (kind == NULL || !inkan_seal_art_kind_from_string (kind, &spec.kind))
    return _inkan_cli_usage_error (context, _("Give --kind round, oval or square."));
  if (name == NULL || output == NULL)
    return _inkan_cli_usage_error (context, _("Give the seal's --name and the -o file."));
  spec.name = name;
  spec.purpose = purpose;
  spec.code = code;
  spec.size_mm = size_mm;
  spec.dpi = dpi;
  spec.inner_ring = inner_ring;
  surface = inkan_seal_art_render (&spec, NULL, &error);
  if (surface == NULL)
    return _inkan_cli_fail (error);
  if (!inkan_seal_art_write_png (surface, output, &error))
    status = _inkan_cli_fail (error);
  inkan_seal_art_free (surface);
  return status;
}

static int
cmd_seal_import_image (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (
    _("IN.png|IN.jpg -o OUT.png — clean a scanned seal"));
  g_autofree char *output = NULL;
  cairo_surface_t *surface;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PNG to write"), N_("OUT.png") },
    { NULL },
  };

  g_option_context_set_summary (context,
    _("Keeps the red ink of a scanned seal and makes the paper, grey noise and other inks "
      "transparent; the result is cropped to the seal."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || output == NULL)
    return _inkan_cli_usage_error (context, _("Give the scanned image and the -o file."));
  surface = inkan_seal_art_import (argv[1], &error);
  if (surface == NULL)
    return _inkan_cli_fail (error);
  if (!inkan_seal_art_write_png (surface, output, &error))
    status = _inkan_cli_fail (error);
  inkan_seal_art_free (surface);
  return status;
}

/* seal rebind NAME: a new record for a seal that has none (made before records were) or whose
 * record no longer holds (a new picture, certificate or maker). */
static int
cmd_seal_rebind (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (
    _("NAME — sign a new seal record for a seal with your own key"));
  g_autofree char *maker_key = NULL, *pin_file = NULL, *objects = NULL;
  g_auto (Session) s = { 0 };
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (GBytes) record = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "maker-key", 0, 0, G_OPTION_ARG_STRING, &maker_key,
      N_("Your own key, which signs the seal record (default: the one on a present token whose "
         "certificate is registered for you)"), N_("PKCS11_URL") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
      N_("Read your token's PIN from this file (default: ask on the terminal)"), N_("FILE") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the seal's name."));
  if (maker_key != NULL && !g_str_has_prefix (maker_key, "pkcs11:"))
    return _inkan_cli_usage_error (context, _("--maker-key wants the pkcs11: URL of your own "
                                              "private key; “inkan-cli token certs” shows it."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("seal:%s", argv[1]);
  if (!require_role (&s, INKAN_ROLE_ADMIN, _("bind seals"), "seal.rebind", objects, &status))
    return status;
  seal = inkan_store_get_seal (s.store, argv[1], &error);
  if (seal == NULL)
    return wf_fail (error);
  record = inkan_seal_record_make_as (seal, s.actor, maker_key, _inkan_cli_pin_func,
                                      (gpointer) pin_file, s.now, &error);
  if (record == NULL
      || !inkan_store_set_seal_record (s.store, s.audit, s.actor, seal->name, record, s.now,
                                       &error))
    return wf_fail (error);
  g_print (_("Seal “%s” is bound by a new record signed by %s.\n"), seal->name, s.actor->name);
  return WF_EXIT_OK;
}

/* "bound (record …, made by …)" or "not bound …" for seal show. */
static char *
binding_text (const InkanSeal *seal)
{
  g_autoptr (InkanSealRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *made = NULL;

  if (seal->record == NULL)
    return g_strdup_printf (_("not bound (no seal record: run “inkan-cli seal rebind %s”)"),
                            seal->name);
  record = inkan_seal_record_parse (seal->record, &error);
  if (record == NULL)
    return g_strdup_printf (_("not bound (the seal record is damaged: rebind the seal; %s)"),
                            error->message);
  made = format_time (record->made);
  return g_strdup_printf (_("bound (record %s, made by %s on %s)"), record->seal_id,
                          record->maker, made);
}

static void
print_seal_line (const InkanSeal *seal)
{
  g_autofree char *chain = chain_text (seal->approval_chain);

  g_print ("%s\t%s\t%s\tapproval:%s\n", seal->name, inkan_seal_kind_to_string (seal->kind),
           inkan_seal_state_to_string (seal->state), chain);
}

static int
cmd_seal_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the seals"));
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) seals = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("seal list takes no arguments."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  seals = inkan_store_list_seals (s.store, &error);
  if (seals == NULL)
    return wf_fail (error);
  for (i = 0; i < seals->len; i++)
    print_seal_line (seals->pdata[i]);
  return WF_EXIT_OK;
}

static int
cmd_seal_show (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("NAME — show a seal"));
  g_auto (Session) s = { 0 };
  g_autoptr (InkanSeal) seal = NULL;
  g_autofree char *chain = NULL, *from = NULL, *until = NULL, *created = NULL, *cert = NULL;
  g_autofree char *fingerprint = NULL, *binding = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the seal's name."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  seal = inkan_store_get_seal (s.store, argv[1], &error);
  if (seal == NULL)
    return wf_fail (error);
  chain = chain_text (seal->approval_chain);
  from = format_time (seal->valid_from);
  until = format_time (seal->valid_until);
  created = format_time (seal->created);
  cert = cert_summary (seal->cert_der);
  fingerprint = seal->cert_der != NULL
                ? g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, seal->cert_der)
                : g_strdup ("-");
  binding = binding_text (seal);
  g_print ("name: %s\nkind: %s\nstate: %s\nvalid from: %s\nvalid until: %s\napproval: %s\n"
           "key: %s\ncertificate: %s\ncertificate sha256: %s\ncreated: %s\nbinding: %s\n",
           seal->name, inkan_seal_kind_to_string (seal->kind),
           inkan_seal_state_to_string (seal->state), from, until, chain, seal->key_url, cert,
           fingerprint, created, binding);
  return WF_EXIT_OK;
}

static int
cmd_seal_state (const InkanCliGlobals *globals, int argc, char **argv, InkanSealState state)
{
  static const char *const verbs[] = { "resume", "suspend", "retire" };
  const char *const shown[] = { _("resume"), _("suspend"), _("retire") };
  g_autofree char *summary = g_strdup_printf (_("NAME — %s a seal"), shown[state]);
  g_autoptr (GOptionContext) context = g_option_context_new (summary);
  g_auto (Session) s = { 0 };
  g_autofree char *objects = NULL, *action = NULL, *act = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the seal's name."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("seal:%s", argv[1]);
  action = g_strdup_printf ("seal.%s", verbs[state]);
  act = g_strdup_printf (_("%s seals"), shown[state]);
  if (!require_role (&s, INKAN_ROLE_ADMIN, act, action, objects, &status))
    return status;
  if (!inkan_store_set_seal_state (s.store, s.audit, s.actor, argv[1], state, s.now, &error))
    return wf_fail (error);
  return WF_EXIT_OK;
}

/* ---- template -------------------------------------------------------------------------------- */

static int
cmd_template_add (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("NAME FILE.pdf — register a document type"));
  g_auto (Session) s = { 0 };
  g_autoptr (InkanTemplate) template_ = NULL;
  g_autofree char *digest = NULL, *objects = NULL;
  guint n_pages = 0;
  GError *error = NULL;
  int status = WF_EXIT_OK;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return _inkan_cli_usage_error (context, _("Give the template's name and its PDF."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("template:%s", argv[1]);
  if (!require_role (&s, INKAN_ROLE_ADMIN, _("add templates"), "template.add", objects, &status))
    return status;
  digest = inkan_template_digest (argv[2], &n_pages, &error);
  if (digest == NULL)
    return _inkan_cli_fail (error);
  template_ = inkan_store_add_template (s.store, s.audit, s.actor, argv[1], digest, n_pages,
                                       s.now, &error);
  if (template_ == NULL)
    return wf_fail (error);
  return WF_EXIT_OK;
}

static int
cmd_template_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the templates"));
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) templates = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("template list takes no arguments."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  templates = inkan_store_list_templates (s.store, &error);
  if (templates == NULL)
    return wf_fail (error);
  for (i = 0; i < templates->len; i++)
    {
      const InkanTemplate *t = templates->pdata[i];
      g_print ("%s\t%u pages\tcontent-sha256:%s\n", t->name, t->n_pages, t->content_sha256);
    }
  return WF_EXIT_OK;
}

/* ---- grant ----------------------------------------------------------------------------------- */

static int
cmd_grant_add (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("SEAL (--user NAME | --role ROLE) — let someone use a seal"));
  g_autofree char *user_name = NULL, *role = NULL, *from = NULL, *until = NULL;
  g_autofree char *objects = NULL;
  g_auto (GStrv) templates = NULL;
  gint64 uses = 0;
  g_auto (Session) s = { 0 };
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanUser) user = NULL;
  g_autoptr (InkanGrant) created = NULL;
  g_autoptr (GArray) template_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  InkanGrant grant = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user_name, N_("To this user"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("To everyone with this role"), N_("ROLE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("First day (default: now)"), N_("T") },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, N_("Last day: it expires by itself"),
      N_("T") },
    { "uses", 0, 0, G_OPTION_ARG_INT64, &uses, N_("At most this many signatures"), N_("N") },
    { "template", 0, 0, G_OPTION_ARG_STRING_ARRAY, &templates,
      N_("Only on documents of this template (repeatable)"), N_("NAME") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give the seal's name."));
  if ((user_name == NULL) == (role == NULL))
    return _inkan_cli_usage_error (context, _("Give either --user NAME or --role ROLE."));
  if (role != NULL && inkan_role_from_string (role) == 0)
    return _inkan_cli_usage_error (context, _("A role is clerk, approver, admin or auditor."));
  if (uses < 0)
    return _inkan_cli_usage_error (context, _("--uses counts signatures: 1 or more."));
  if (!parse_time_option (context, "--from", from, FALSE, &grant.from, &status)
      || !parse_time_option (context, "--until", until, TRUE, &grant.until, &status))
    goto out;

  if (!session_open (&s, globals, TRUE, &status))
    goto out;
  objects = g_strdup_printf ("seal:%s", argv[1]);
  if (!require_role (&s, INKAN_ROLE_ADMIN, _("grant seals"), "grant.add", objects, &status))
    goto out;
  seal = inkan_store_get_seal (s.store, argv[1], &error);
  if (seal == NULL)
    {
      status = wf_fail (error);
      goto out;
    }
  if (user_name != NULL)
    {
      user = inkan_store_get_user (s.store, user_name, &error);
      if (user == NULL)
        {
          status = wf_fail (error);
          goto out;
        }
    }
  for (i = 0; templates != NULL && templates[i] != NULL; i++)
    {
      g_autoptr (InkanTemplate) t = inkan_store_get_template (s.store, templates[i], &error);

      if (t == NULL)
        {
          status = wf_fail (error);
          goto out;
        }
      g_array_append_val (template_ids, t->id);
    }
  grant.seal_id = seal->id;
  grant.user_id = user != NULL ? user->id : 0;
  grant.role = role != NULL ? inkan_role_from_string (role) : 0;
  grant.max_uses = uses;
  grant.template_ids = template_ids;
  created = inkan_store_add_grant (s.store, s.audit, s.actor, &grant, s.now, &error);
  if (created == NULL)
    status = wf_fail (error);
  else
    g_print ("%" G_GINT64_FORMAT "\n", created->id);
out:
  g_clear_pointer (&grant.from, g_date_time_unref);
  g_clear_pointer (&grant.until, g_date_time_unref);
  return status;
}

static int
cmd_grant_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("[SEAL] — list the grants"));
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i, j;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc > 2)
    return _inkan_cli_usage_error (context, _("Give at most one seal."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  if (argc == 2)
    {
      seal = inkan_store_get_seal (s.store, argv[1], &error);
      if (seal == NULL)
        return wf_fail (error);
    }
  grants = inkan_store_list_grants (s.store, seal != NULL ? seal->id : 0, &error);
  if (grants == NULL)
    return wf_fail (error);
  for (i = 0; i < grants->len; i++)
    {
      const InkanGrant *g = grants->pdata[i];
      g_autoptr (InkanSeal) gs = inkan_store_get_seal_by_id (s.store, g->seal_id, NULL);
      g_autoptr (InkanUser) gu = g->user_id != 0
                                 ? inkan_store_get_user_by_id (s.store, g->user_id, NULL) : NULL;
      g_autofree char *from = format_time (g->from);
      g_autofree char *until = format_time (g->until);
      g_autofree char *uses = g->max_uses > 0
                              ? g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                 g->uses, g->max_uses)
                              : g_strdup_printf ("%" G_GINT64_FORMAT "/unlimited", g->uses);
      GString *tpl = g_string_new (NULL);

      for (j = 0; g->template_ids != NULL && j < g->template_ids->len; j++)
        g_string_append_printf (tpl, "%s%" G_GINT64_FORMAT, j > 0 ? "," : "",
                                g_array_index (g->template_ids, gint64, j));
      g_print ("%" G_GINT64_FORMAT "\tseal:%s\t%s:%s\tfrom:%s\tuntil:%s\tuses:%s\ttemplates:%s%s\n",
               g->id, gs != NULL ? gs->name : "?", gu != NULL ? "user" : "role",
               gu != NULL ? gu->name : inkan_role_to_string (g->role), from, until, uses,
               tpl->len > 0 ? tpl->str : "any", g->revoked ? "\trevoked" : "");
      g_string_free (tpl, TRUE);
    }
  return WF_EXIT_OK;
}

static int
cmd_grant_revoke (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("ID — revoke a grant"));
  g_auto (Session) s = { 0 };
  g_autofree char *objects = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  gint64 id;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return _inkan_cli_usage_error (context, _("Give the grant's number (grant list shows it)."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("grant:%" G_GINT64_FORMAT, id);
  if (!require_role (&s, INKAN_ROLE_ADMIN, _("revoke grants"), "grant.revoke", objects, &status))
    return status;
  if (!inkan_store_revoke_grant (s.store, s.audit, s.actor, id, s.now, &error))
    return wf_fail (error);
  return WF_EXIT_OK;
}

/* ---- request --------------------------------------------------------------------------------- */

static int
cmd_request_create (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("SEAL FILE.pdf --reason TEXT — ask to use a seal on a document"));
  g_autofree char *reason = NULL, *rect = NULL, *objects = NULL, *sha = NULL, *name = NULL;
  int page = 0;
  g_auto (Session) s = { 0 };
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanRequest) created = NULL;
  InkanRequest request = { 0 };
  InkanRect r = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the seal is needed"), N_("TEXT") },
    { "page", 0, 0, G_OPTION_ARG_INT, &page, N_("Proposed page of the seal, from 1"), N_("N") },
    { "rect", 0, 0, G_OPTION_ARG_STRING, &rect, N_("Proposed place, in points"),
      N_("X,Y,W,H") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return _inkan_cli_usage_error (context, _("Give the seal's name and the document."));
  if (reason == NULL || *reason == '\0')
    return _inkan_cli_usage_error (context, _("Say why with --reason TEXT."));
  if (page < 0 || (rect != NULL && !_inkan_cli_parse_rect (rect, &r)))
    return _inkan_cli_usage_error (context, _("--page counts from 1 and --rect wants X,Y,W,H in "
                                              "points."));
  /* A page without a place on it is no placement: say so rather than drop it. */
  if (page > 0 && rect == NULL)
    return _inkan_cli_usage_error (context, _("--page goes with --rect X,Y,W,H: say where on "
                                              "the page the seal goes."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("seal:%s", argv[1]);
  sha = inkan_file_sha256 (argv[2], &error);
  if (sha == NULL)
    return _inkan_cli_fail (error);
  if (!require_role (&s, INKAN_ROLE_CLERK, _("request seals"), "request.create", objects,
                     &status))
    return status;
  seal = inkan_store_get_seal (s.store, argv[1], &error);
  if (seal == NULL)
    return refuse (&s, "request.create", objects, sha, error);
  name = g_path_get_basename (argv[2]);
  request.seal_id = seal->id;
  request.requester_id = s.actor->id;
  request.document_sha256 = sha;
  request.document_name = name;
  request.reason = reason;
  request.page = rect != NULL ? (guint) MAX (page, 1) : 0;
  request.rect[0] = r.x;
  request.rect[1] = r.y;
  request.rect[2] = r.width;
  request.rect[3] = r.height;
  created = inkan_store_create_request (s.store, s.audit, s.actor, &request, s.now, &error);
  if (created == NULL)
    return wf_fail (error);
  g_print ("%" G_GINT64_FORMAT "\n", created->id);
  return WF_EXIT_OK;
}

/* Names by id, looked up once per listing: a queue of a thousand requests names a few seals
 * and people. */
typedef struct
{
  InkanStore *store;
  GHashTable *seals;              /* gint64 id → char *name */
  GHashTable *users;
} NameCache;

static void
name_cache_init (NameCache *cache, InkanStore *store)
{
  cache->store = store;
  cache->seals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  cache->users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
name_cache_clear (NameCache *cache)
{
  g_clear_pointer (&cache->seals, g_hash_table_unref);
  g_clear_pointer (&cache->users, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NameCache, name_cache_clear)

static const char *
name_cache_lookup (NameCache *cache, gboolean seal, gint64 id)
{
  GHashTable *table = seal ? cache->seals : cache->users;
  char *name = g_hash_table_lookup (table, &id);

  if (name == NULL)
    {
      if (seal)
        {
          g_autoptr (InkanSeal) s = inkan_store_get_seal_by_id (cache->store, id, NULL);
          name = g_strdup (s != NULL ? s->name : "?");
        }
      else
        {
          g_autoptr (InkanUser) u = inkan_store_get_user_by_id (cache->store, id, NULL);
          name = g_strdup (u != NULL ? u->name : "?");
        }
      g_hash_table_insert (table, g_memdup2 (&id, sizeof id), name);
    }
  return name;
}

static void
print_request_line (NameCache *names, const InkanRequest *r)
{
  g_autofree char *created = format_time (r->created);

  g_print ("%" G_GINT64_FORMAT "\t%s\tseal:%s\tby:%s\t%s\tsha256:%s\t%s\t%s\n", r->id,
           inkan_request_state_to_string (r->state), name_cache_lookup (names, TRUE, r->seal_id),
           name_cache_lookup (names, FALSE, r->requester_id),
           r->document_name != NULL ? r->document_name : "-", r->document_sha256, created,
           r->reason != NULL ? r->reason : "");
}

static int
cmd_request_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list requests, newest first"));
  g_autofree char *state_name = NULL;
  gboolean to_approve = FALSE;
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) requests = NULL;
  g_auto (NameCache) names = { 0 };
  InkanRequestState state = INKAN_REQUEST_PENDING;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_name,
      N_("pending, approved, rejected, cancelled or used"), N_("STATE") },
    { "to-approve", 0, 0, G_OPTION_ARG_NONE, &to_approve,
      N_("Only those waiting for your decision"), NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("request list takes no arguments."));
  if (state_name != NULL && !inkan_request_state_from_string (state_name, &state))
    return _inkan_cli_usage_error (context, _("A state is pending, approved, rejected, cancelled "
                                              "or used."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  requests = inkan_store_list_requests (s.store, state_name != NULL ? (int) state : -1,
                                        to_approve ? s.actor : NULL, &error);
  if (requests == NULL)
    return wf_fail (error);
  name_cache_init (&names, s.store);
  for (i = 0; i < requests->len; i++)
    print_request_line (&names, requests->pdata[i]);
  return WF_EXIT_OK;
}

static int
cmd_request_show (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("ID — show a request"));
  g_auto (Session) s = { 0 };
  g_autoptr (InkanRequest) r = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (InkanUser) who = NULL;
  g_autoptr (GPtrArray) approvals = NULL;
  g_autofree char *created = NULL, *chain = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  gint64 id;
  guint i;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return _inkan_cli_usage_error (context, _("Give the request's number."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  r = inkan_store_get_request (s.store, id, &error);
  if (r == NULL)
    return wf_fail (error);
  seal = inkan_store_get_seal_by_id (s.store, r->seal_id, NULL);
  who = inkan_store_get_user_by_id (s.store, r->requester_id, NULL);
  approvals = inkan_store_list_approvals (s.store, id, &error);
  if (approvals == NULL)
    return wf_fail (error);
  created = format_time (r->created);
  chain = chain_text (seal != NULL ? seal->approval_chain : NULL);
  g_print ("request: %" G_GINT64_FORMAT "\nstate: %s\nseal: %s\napproval chain: %s\n"
           "requester: %s\ndocument: %s\ndocument sha256: %s\nreason: %s\ncreated: %s\n",
           r->id, inkan_request_state_to_string (r->state), seal != NULL ? seal->name : "?",
           chain, who != NULL ? who->name : "?", r->document_name, r->document_sha256, r->reason,
           created);
  if (r->page > 0)
    g_print ("placement: page %u at %g,%g,%g,%g\n", r->page, r->rect[0], r->rect[1], r->rect[2],
             r->rect[3]);
  for (i = 0; i < approvals->len; i++)
    {
      const InkanApproval *a = approvals->pdata[i];
      g_autoptr (InkanUser) approver = inkan_store_get_user_by_id (s.store, a->approver_id, NULL);
      g_autofree char *when = format_time (a->time);

      g_print ("step %u: %s by %s as %s at %s%s%s\n", a->step + 1,
               a->decision == INKAN_DECISION_APPROVE ? "approved" : "rejected",
               approver != NULL ? approver->name : "?", inkan_role_to_string (a->role), when,
               a->comment != NULL && *a->comment != '\0' ? ": " : "",
               a->comment != NULL ? a->comment : "");
    }
  return WF_EXIT_OK;
}

static int
cmd_request_cancel (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("ID — cancel a request"));
  g_auto (Session) s = { 0 };
  g_autoptr (InkanRequest) r = NULL;
  g_autofree char *objects = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  gint64 id;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return _inkan_cli_usage_error (context, _("Give the request's number."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  objects = g_strdup_printf ("request:%" G_GINT64_FORMAT, id);
  r = inkan_store_get_request (s.store, id, &error);
  if (r == NULL)
    return wf_fail (error);
  /* The requester withdraws their own request; an administrator may withdraw any. */
  if (r->requester_id != s.actor->id
      && !require_role (&s, INKAN_ROLE_ADMIN, _("cancel other people's requests"),
                        "request.cancel", objects, &status))
    return status;
  if (!inkan_store_cancel_request (s.store, s.audit, s.actor, id, s.now, &error))
    return wf_fail (error);
  return WF_EXIT_OK;
}

/* ---- approve / reject ------------------------------------------------------------------------ */

static int
cmd_decide (const InkanCliGlobals *globals, int argc, char **argv, InkanDecision decision)
{
  const char *verb = decision == INKAN_DECISION_APPROVE ? _("approve") : _("reject");
  g_autofree char *summary = g_strdup_printf (_("ID --key PKCS11_URL — %s a request with your "
                                                "own signature"), verb);
  g_autoptr (GOptionContext) context = g_option_context_new (summary);
  g_autofree char *key = NULL, *pin_file = NULL, *comment = NULL;
  g_auto (Session) s = { 0 };
  g_autoptr (InkanApproval) recorded = NULL;
  InkanApprovingOptions options = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  gint64 id;
  guint n_steps = 0;
  GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("Your private key on your token"),
      N_("PKCS11_URL") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
      N_("Read the PIN from this file (default: ask on the terminal)"), N_("FILE") },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("What you say about it"), N_("TEXT") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2 || !parse_id (argv[1], &id))
    return _inkan_cli_usage_error (context, _("Give the request's number."));
  if (key == NULL)
    return _inkan_cli_usage_error (context, _("Give your key with --key PKCS11_URL: your "
                                              "decision is signed with it."));
  if (decision == INKAN_DECISION_REJECT && (comment == NULL || *comment == '\0'))
    return _inkan_cli_usage_error (context, _("Say why you reject it with --comment TEXT."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  options.store = s.store;
  options.audit = s.audit;
  options.actor = s.actor;
  options.request_id = id;
  options.decision = decision;
  options.comment = comment;
  options.key_url = key;
  options.pin_func = _inkan_cli_pin_func;
  options.pin_data = pin_file;
  options.now = s.now;
  recorded = inkan_approving_run (&options, &n_steps, &error);
  if (recorded == NULL)
    return wf_fail (error);
  if (decision == INKAN_DECISION_APPROVE)
    g_print (_("Request %" PRId64 " approved (step %u of %u).\n"), id,
             recorded->step + 1, n_steps);
  else
    g_print (_("Request %" PRId64 " rejected.\n"), id);
  return WF_EXIT_OK;
}

/* ---- sign under the policy ------------------------------------------------------------------- */

int
_inkan_cli_sign_seal (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("IN.pdf -o OUT.pdf --seal NAME — seal a document under the policy"));
  g_autofree char *output = NULL, *seal_name = NULL, *pin_file = NULL, *rect = NULL;
  g_autofree char *field = NULL, *reason = NULL, *location = NULL, *tsa_url = NULL;
  g_autofree char *pages_text = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  g_autoptr (GArray) pages = NULL;
  gboolean qr = FALSE, watermark = FALSE, riding = FALSE;
  gint64 request_id = 0;
  int page = 0;
  g_auto (Session) s = { 0 };
  InkanSealingOptions options = { 0 };
  InkanSealingResult result = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the sealed copy here"),
      N_("OUT.pdf") },
    { "seal", 0, 0, G_OPTION_ARG_STRING, &seal_name, N_("The registered seal to use"),
      N_("NAME") },
    { "request", 0, 0, G_OPTION_ARG_INT64, &request_id,
      N_("The approved request for this document"), N_("ID") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
      N_("Read the seal token's PIN from this file (default: ask on the terminal)"),
      N_("FILE") },
    { "page", 0, 0, G_OPTION_ARG_INT, &page,
      N_("Page of the seal, from 1 (default: the request's, else 1)"), N_("N") },
    { "rect", 0, 0, G_OPTION_ARG_STRING, &rect,
      N_("Where the seal goes, in points (default: the request's)"), N_("X,Y,W,H") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field,
      N_("Fill this empty signature field, or name the new one"), N_("NAME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why the document is sealed (default: the request's reason)"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Where it is sealed"), N_("TEXT") },
    { "qr", 0, 0, G_OPTION_ARG_NONE, &qr,
      N_("Draw a QR code of the verification code beside the seal"), NULL },
    { "watermark", 0, 0, G_OPTION_ARG_NONE, &watermark,
      N_("Write “Sealed by … on …” faintly across every page"), NULL },
    { "riding", 0, 0, G_OPTION_ARG_NONE, &riding,
      N_("A riding seal: one slice of the seal at the right edge of every page"), NULL },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &pages_text,
      N_("The riding seal's pages (default: all)"), N_("LIST") },
    { "tsa", 0, 0, G_OPTION_ARG_STRING, &tsa_url,
      N_("Timestamp the seal at this RFC 3161 authority (PAdES B-T)"), N_("URL") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Seals a copy of the document with a registered seal, when "
                                  "your grant and the seal's approvals allow it; every attempt "
                                  "is recorded in the audit trail."));
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return _inkan_cli_usage_error (context, _("Give exactly one input document."));
  if (output == NULL)
    return _inkan_cli_usage_error (context, _("Give the output file with -o OUT.pdf."));
  if (seal_name == NULL)
    return _inkan_cli_usage_error (context, _("Give the seal with --seal NAME."));
  if (request_id < 0 || page < 0)
    return _inkan_cli_usage_error (context, _("Requests and pages count from 1."));
  if (rect != NULL && !_inkan_cli_parse_rect (rect, &options.rect))
    return _inkan_cli_usage_error (context, _("--rect wants four numbers: X,Y,WIDTH,HEIGHT in "
                                              "points."));
  if (pages_text != NULL && !riding)
    return _inkan_cli_usage_error (context, _("--pages is for a riding seal: add --riding."));
  if (pages_text != NULL && (pages = _inkan_cli_parse_pages (pages_text)) == NULL)
    return _inkan_cli_usage_error (context, _("--pages wants pages from 1 in ascending order, "
                                              "like 1-3,5,8-10."));
  if (riding && page != 0)
    return _inkan_cli_usage_error (context, _("A riding seal goes on several pages: use "
                                              "--pages, not --page."));
  if (tsa_url != NULL && (tsa = inkan_tsa_new (tsa_url, &error)) == NULL)
    {
      status = _inkan_cli_usage_error (context, error->message);
      g_error_free (error);
      return status;
    }
  if (!session_open (&s, globals, TRUE, &status))
    return status;

  options.store = s.store;
  options.audit = s.audit;
  options.actor = s.actor;
  options.seal_name = seal_name;
  options.input = argv[1];
  options.output = output;
  options.request_id = request_id;
  options.page = (guint) page;
  options.has_rect = rect != NULL;
  options.field = field;
  options.reason = reason;
  options.location = location;
  options.pin_func = _inkan_cli_pin_func;
  options.pin_data = pin_file;
  options.now = s.now;
  options.tsa = tsa;
  options.qr = qr;
  options.watermark = watermark;
  options.riding = riding;
  if (pages != NULL)
    {
      options.riding_pages = (const guint *) (gpointer) pages->data;
      options.n_riding_pages = pages->len;
    }
  if (!inkan_sealing_run (&options, &result, &error))
    return wf_fail (error);
  g_print (_("Verification code: %s\n"), result.verification_code);
  return WF_EXIT_OK;
}

/* ---- audit ----------------------------------------------------------------------------------- */

static int
cmd_audit_list (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the audit trail"));
  g_autofree char *since_text = NULL;
  g_autoptr (GDateTime) since = NULL;
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) entries = NULL;
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;
  GOptionEntry options[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text, N_("Only entries from this time on"),
      N_("T") },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("audit list takes no arguments."));
  if (!parse_time_option (context, "--since", since_text, FALSE, &since, &status))
    return status;
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  if (!require_role (&s, INKAN_ROLE_AUDITOR, _("read the audit trail"), "audit.list", NULL,
                     &status))
    return status;
  entries = inkan_store_list_audit (s.store, since, &error);
  if (entries == NULL)
    return wf_fail (error);
  for (i = 0; i < entries->len; i++)
    {
      const InkanAuditEntry *e = entries->pdata[i];
      g_autofree char *when = format_time (e->time);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%s\t%s\n", e->seq, when,
               e->actor != NULL ? e->actor : "-", e->action, e->objects != NULL ? e->objects : "-",
               e->document_sha256 != NULL ? e->document_sha256 : "-",
               e->details != NULL ? e->details : "");
    }
  return WF_EXIT_OK;
}

static int
cmd_audit_verify (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— check that no audit entry was edited, removed or inserted"));
  g_auto (Session) s = { 0 };
  g_autofree char *why = NULL;
  gint64 first_bad = 0;
  guint64 n = 0;
  GError *error = NULL;
  int status = WF_EXIT_OK;

  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("audit verify takes no arguments."));
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  if (!require_role (&s, INKAN_ROLE_AUDITOR, _("verify the audit trail"), "audit.verify", NULL,
                     &status))
    return status;
  if (inkan_store_verify_audit (s.store, &first_bad, &why, &n, &error))
    {
      g_print (_("The audit trail is intact: %" PRIu64 " entries, each linked to the "
                 "one before.\n"), n);
      return WF_EXIT_OK;
    }
  if (error != NULL)
    return wf_fail (error);
  g_print (_("The audit trail is broken at entry %" PRId64 ": %s\n"), first_bad,
           why != NULL ? why : "");
  return WF_EXIT_AUDIT_BROKEN;
}

/* Does `objects` ("seal:3 request:12") name `token` ("request:12")? */
static gboolean
objects_name (const char *objects, const char *token)
{
  g_auto (GStrv) parts = NULL;
  guint i;

  if (objects == NULL)
    return FALSE;
  parts = g_strsplit (objects, " ", -1);
  for (i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], token))
      return TRUE;
  return FALSE;
}

static int
cmd_audit_export (const InkanCliGlobals *globals, int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("(--request ID | --document SHA256) -o DIR — write an evidence "
                            "bundle"));
  g_autofree char *document = NULL, *dir = NULL, *subject = NULL, *why = NULL;
  g_autofree char *request_token = NULL;
  gint64 request_id = 0, first_bad = 0;
  guint64 n = 0;
  gboolean intact;
  g_auto (Session) s = { 0 };
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) picked = g_ptr_array_new ();
  g_autoptr (GPtrArray) users = NULL;
  g_autoptr (GHashTable) request_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                 NULL);
  InkanAuditExport bundle = { 0 };
  GError *error = NULL;
  int status = WF_EXIT_OK;
  guint i;
  GOptionEntry entries[] = {
    { "request", 0, 0, G_OPTION_ARG_INT64, &request_id, N_("Everything about this request"),
      N_("ID") },
    { "document", 0, 0, G_OPTION_ARG_STRING, &document,
      N_("Everything about the document with this SHA-256"), N_("SHA256") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &dir, N_("Write the bundle into this directory"),
      N_("DIR") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return _inkan_cli_usage_error (context, _("audit export takes no arguments."));
  if ((request_id > 0) == (document != NULL))
    return _inkan_cli_usage_error (context, _("Give either --request ID or --document SHA256."));
  if (dir == NULL)
    return _inkan_cli_usage_error (context, _("Give the bundle's directory with -o DIR."));
  if (document != NULL)
    {
      if (strlen (document) != 64 || strspn (document, "0123456789abcdefABCDEF") != 64)
        return _inkan_cli_usage_error (context, _("--document wants the 64 hexadecimal digits "
                                                  "of a SHA-256."));
      {
        char *lower = g_ascii_strdown (document, -1);
        g_free (document);
        document = lower;
      }
    }
  if (!session_open (&s, globals, TRUE, &status))
    return status;
  if (!require_role (&s, INKAN_ROLE_AUDITOR, _("export the audit trail"), "audit.export", NULL,
                     &status))
    return status;

  if (request_id > 0)
    {
      g_autoptr (InkanRequest) r = inkan_store_get_request (s.store, request_id, &error);

      if (r == NULL)
        return wf_fail (error);
      document = g_strdup (r->document_sha256);
      g_hash_table_add (request_tokens, g_strdup_printf ("request:%" G_GINT64_FORMAT, r->id));
      subject = g_strdup_printf ("request %" G_GINT64_FORMAT " (%s, SHA-256 %s)", r->id,
                                 r->document_name, r->document_sha256);
    }
  else
    {
      /* Every request ever made for the document belongs to its story. */
      g_autoptr (GPtrArray) requests = inkan_store_list_requests (s.store, -1, NULL, &error);

      if (requests == NULL)
        return wf_fail (error);
      for (i = 0; i < requests->len; i++)
        {
          const InkanRequest *r = requests->pdata[i];
          if (g_str_equal (r->document_sha256, document))
            g_hash_table_add (request_tokens,
                              g_strdup_printf ("request:%" G_GINT64_FORMAT, r->id));
        }
      subject = g_strdup_printf ("document SHA-256 %s", document);
    }

  all = inkan_store_list_audit (s.store, NULL, &error);
  if (all == NULL)
    return wf_fail (error);
  for (i = 0; i < all->len; i++)
    {
      const InkanAuditEntry *e = all->pdata[i];
      gboolean about = g_strcmp0 (e->document_sha256, document) == 0;
      GHashTableIter iter;
      gpointer token;

      g_hash_table_iter_init (&iter, request_tokens);
      while (!about && g_hash_table_iter_next (&iter, &token, NULL))
        about = objects_name (e->objects, token);
      if (about)
        g_ptr_array_add (picked, all->pdata[i]);
    }
  intact = inkan_store_verify_audit (s.store, &first_bad, &why, &n, &error);
  if (!intact && error != NULL)
    return wf_fail (error);
  users = inkan_store_list_users (s.store, &error);
  if (users == NULL)
    return wf_fail (error);

  bundle.subject = subject;
  bundle.entries = picked;
  bundle.users = users;
  bundle.chain_intact = intact;
  bundle.first_bad = first_bad;
  bundle.why = why;
  bundle.n_entries = n;
  bundle.now = s.now;
  if (!inkan_audit_export_write (&bundle, dir, &error))
    return wf_fail (error);
  g_print (_("Wrote %u entries to %s/audit.json and %s/audit-report.pdf.\n"), picked->len, dir,
           dir);
  if (!intact)
    {
      g_printerr (_("inkan-cli: The audit trail is broken at entry %" PRId64 ": %s The "
                    "bundle says so.\n"), first_bad, why != NULL ? why : "");
      return WF_EXIT_AUDIT_BROKEN;
    }
  return WF_EXIT_OK;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

gboolean
_inkan_cli_store_run (const InkanCliGlobals *globals, int argc, char **argv, int *status)
{
  const char *cmd = argv[0];
  const char *sub = argc >= 2 ? argv[1] : "";

#define SUB(c, s, call)                                       \
  if (g_str_equal (cmd, c) && g_str_equal (sub, s))           \
    {                                                         \
      *status = call;                                         \
      return TRUE;                                            \
    }
  SUB ("user", "add", cmd_user_add (globals, argc - 1, argv + 1));
  SUB ("user", "list", cmd_user_list (globals, argc - 1, argv + 1));
  SUB ("seal", "create", cmd_seal_create (globals, argc - 1, argv + 1));
  SUB ("seal", "list", cmd_seal_list (globals, argc - 1, argv + 1));
  SUB ("seal", "draw", cmd_seal_draw (argc - 1, argv + 1));
  SUB ("seal", "import-image", cmd_seal_import_image (argc - 1, argv + 1));
  SUB ("seal", "show", cmd_seal_show (globals, argc - 1, argv + 1));
  SUB ("seal", "rebind", cmd_seal_rebind (globals, argc - 1, argv + 1));
  SUB ("seal", "suspend", cmd_seal_state (globals, argc - 1, argv + 1, INKAN_SEAL_SUSPENDED));
  SUB ("seal", "resume", cmd_seal_state (globals, argc - 1, argv + 1, INKAN_SEAL_ACTIVE));
  SUB ("seal", "retire", cmd_seal_state (globals, argc - 1, argv + 1, INKAN_SEAL_RETIRED));
  SUB ("template", "add", cmd_template_add (globals, argc - 1, argv + 1));
  SUB ("template", "list", cmd_template_list (globals, argc - 1, argv + 1));
  SUB ("grant", "add", cmd_grant_add (globals, argc - 1, argv + 1));
  SUB ("grant", "list", cmd_grant_list (globals, argc - 1, argv + 1));
  SUB ("grant", "revoke", cmd_grant_revoke (globals, argc - 1, argv + 1));
  SUB ("request", "create", cmd_request_create (globals, argc - 1, argv + 1));
  SUB ("request", "list", cmd_request_list (globals, argc - 1, argv + 1));
  SUB ("request", "show", cmd_request_show (globals, argc - 1, argv + 1));
  SUB ("request", "cancel", cmd_request_cancel (globals, argc - 1, argv + 1));
  SUB ("audit", "list", cmd_audit_list (globals, argc - 1, argv + 1));
  SUB ("audit", "verify", cmd_audit_verify (globals, argc - 1, argv + 1));
  SUB ("audit", "export", cmd_audit_export (globals, argc - 1, argv + 1));
#undef SUB
  if (g_str_equal (cmd, "approve"))
    {
      *status = cmd_decide (globals, argc, argv, INKAN_DECISION_APPROVE);
      return TRUE;
    }
  if (g_str_equal (cmd, "reject"))
    {
      *status = cmd_decide (globals, argc, argv, INKAN_DECISION_REJECT);
      return TRUE;
    }
  if (g_str_equal (cmd, "user") || g_str_equal (cmd, "seal") || g_str_equal (cmd, "template")
      || g_str_equal (cmd, "grant") || g_str_equal (cmd, "request") || g_str_equal (cmd, "audit"))
    {
      g_printerr (_("inkan-cli: “%s %s” is not a command. The %s commands are listed in the "
                    "README and by “inkan-cli --help”.\n"), cmd, sub, cmd);
      *status = WF_EXIT_USAGE;
      return TRUE;
    }
  return FALSE;
}
