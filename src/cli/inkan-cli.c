/* inkan-cli: a thin command line over libinkan for scripts, batch work and tests. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-cli-private.h"
#include "inkan.h"
#include "inkan-seal-art.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Exit codes, documented in the README; sysexits.h values where one fits. */
enum
{
  EXIT_OK = 0,
  EXIT_OTHER = 1,
  EXIT_USAGE = 64,
  EXIT_DAMAGED = 65,
  EXIT_NO_INPUT = 66,
  EXIT_ENCRYPTED = 67,
  EXIT_PLACEMENT = 68,
  EXIT_IMAGE = 69,
  EXIT_KEY_NOT_FOUND = 70,
  EXIT_PIN = 71,
  EXIT_CERT_UNUSABLE = 72,
  EXIT_WRITE = 73,
  EXIT_TOKEN_FAILED = 74,
  EXIT_TSA = 96, /* after the workflow's 75–95 */
  EXIT_REVOCATION_FETCH = 97,
  EXIT_INSTALL = 99, /* a part of Inkan (the HTTP or drawing module) is missing */
};

static int
exit_code_for (const GError *error)
{
  if (error->domain == INKAN_PDF_ERROR)
    switch (error->code)
      {
      case INKAN_PDF_ERROR_NOT_FOUND:
        return EXIT_NO_INPUT;
      case INKAN_PDF_ERROR_DAMAGED:
        return EXIT_DAMAGED;
      case INKAN_PDF_ERROR_ENCRYPTED:
        return EXIT_ENCRYPTED;
      case INKAN_PDF_ERROR_PAGE_RANGE:
      case INKAN_PDF_ERROR_PLACEMENT:
      case INKAN_PDF_ERROR_FIELD:
        return EXIT_PLACEMENT;
      case INKAN_PDF_ERROR_WRITE:
        return EXIT_WRITE;
      default:
        return EXIT_OTHER;
      }
  if (error->domain == INKAN_IMAGE_ERROR)
    return EXIT_IMAGE;
  if (error->domain == INKAN_SEAL_ART_ERROR)
    switch (error->code)
      {
      case INKAN_SEAL_ART_ERROR_INVALID:
        return EXIT_USAGE;
      case INKAN_SEAL_ART_ERROR_NOT_FOUND:
        return EXIT_NO_INPUT;
      case INKAN_SEAL_ART_ERROR_UNREADABLE:
      case INKAN_SEAL_ART_ERROR_NO_INK:
        return EXIT_IMAGE;
      case INKAN_SEAL_ART_ERROR_WRITE:
        return EXIT_WRITE;
      default:
        return EXIT_OTHER;
      }
  if (error->domain == INKAN_TOKEN_ERROR)
    switch (error->code)
      {
      case INKAN_TOKEN_ERROR_NOT_FOUND:
      case INKAN_TOKEN_ERROR_BAD_URL:
        return EXIT_KEY_NOT_FOUND;
      case INKAN_TOKEN_ERROR_PIN_INCORRECT:
      case INKAN_TOKEN_ERROR_PIN_LOCKED:
      case INKAN_TOKEN_ERROR_PIN_CANCELLED:
        return EXIT_PIN;
      case INKAN_TOKEN_ERROR_CERT_UNUSABLE:
        return EXIT_CERT_UNUSABLE;
      default:
        return EXIT_TOKEN_FAILED;
      }
  if (error->domain == INKAN_CMS_ERROR)
    return EXIT_TOKEN_FAILED;
  if (error->domain == INKAN_TSA_ERROR)
    return EXIT_TSA;
  if (error->domain == INKAN_LTV_ERROR)
    return error->code == INKAN_LTV_ERROR_FETCH ? EXIT_REVOCATION_FETCH : 3;
  if (error->domain == INKAN_MODULE_ERROR)
    return EXIT_INSTALL;
  return EXIT_OTHER;
}

static int
fail (GError *error)
{
  int code = exit_code_for (error);

  g_printerr ("inkan-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

static int
usage_error (GOptionContext *context, const char *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("inkan-cli: %s\n\n%s", message, help);
  return EXIT_USAGE;
}

/* ---- PIN entry ---------------------------------------------------------------------------- */

typedef struct
{
  const char *pin_file;
} PinSource;

static char *
read_pin_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  while (len > 0 && (contents[len - 1] == '\n' || contents[len - 1] == '\r'))
    contents[--len] = '\0';
  if (len == 0 || strlen (contents) != len)
    {
      memset (contents, 0, len);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* The terminal as it was before the PIN prompt turned its echo off, for a signal that stops
 * inkan-cli while the prompt waits: the handler gives the terminal back before the process
 * ends, as the signal would have ended it. */
static volatile sig_atomic_t prompt_fd = -1;
static struct termios prompt_saved;

static void
restore_terminal_and_stop (int sig)
{
  int fd = prompt_fd;

  if (fd >= 0)
    {
      tcsetattr (fd, TCSAFLUSH, &prompt_saved);
      if (write (fd, "\n", 1) < 0)
        {
          /* Nothing more to do for a terminal that has gone. */
        }
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Reads a line from the controlling terminal with echo off. Ctrl-C, a kill or the terminal
 * closing while it waits leave the terminal echoing again. */
static char *
read_pin_terminal (const char *label)
{
  static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction act, old[G_N_ELEMENTS (stops)];
  gboolean caught[G_N_ELEMENTS (stops)];
  struct termios saved, quiet;
  char buf[256];
  char *pin = NULL;
  FILE *tty;
  gsize len;
  guint i;

  tty = fopen ("/dev/tty", "r+e");
  if (tty == NULL)
    return NULL;
  if (tcgetattr (fileno (tty), &saved) != 0)
    {
      fclose (tty);
      return NULL;
    }
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  prompt_saved = saved;
  prompt_fd = fileno (tty);
  memset (&act, 0, sizeof act);
  act.sa_handler = restore_terminal_and_stop;
  sigemptyset (&act.sa_mask);
  for (i = 0; i < G_N_ELEMENTS (stops); i++)
    {
      /* A signal ignored by whoever started us (nohup) stays ignored. */
      caught[i] = sigaction (stops[i], NULL, &old[i]) == 0 && old[i].sa_handler != SIG_IGN
                  && sigaction (stops[i], &act, NULL) == 0;
    }
  fprintf (tty, _("PIN for token “%s”: "), label);
  fflush (tty);
  tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
  if (fgets (buf, sizeof buf, tty) != NULL)
    {
      len = strlen (buf);
      while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
      if (len > 0)
        pin = g_strdup (buf);
    }
  tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  prompt_fd = -1;
  for (i = 0; i < G_N_ELEMENTS (stops); i++)
    {
      if (caught[i])
        sigaction (stops[i], &old[i], NULL);
    }
  fclose (tty);
  explicit_bzero (buf, sizeof buf);
  return pin;
}

/* One attempt only: a PIN from a file would be wrong again, and retrying a typed PIN blindly
 * spends the token's tries. The token module turns NULL on a retry into a wrong-PIN error. */
static char *
pin_func (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  PinSource *source = user_data;

  if (flags & INKAN_PIN_FLAG_RETRY)
    return NULL;
  if (source->pin_file != NULL)
    return read_pin_file (source->pin_file);
  return read_pin_terminal (token_label);
}

/* ---- token ------------------------------------------------------------------------------ */

static int
cmd_token_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the PKCS#11 tokens"));
  g_autoptr (GPtrArray) tokens = NULL;
  GError *error = NULL;
  guint i;

  g_option_context_set_summary (context, _("Lists every token of every module that p11-kit "
                                           "registers."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc > 1)
    return usage_error (context, _("token list takes no arguments."));

  tokens = inkan_token_list (&error);
  if (tokens == NULL)
    return fail (error);
  if (tokens->len == 0)
    g_print (_("No token found. Insert your token, or check that its PKCS#11 module is registered "
               "with p11-kit.\n"));
  for (i = 0; i < tokens->len; i++)
    {
      InkanTokenInfo *t = tokens->pdata[i];
      g_print ("%s\n", t->label);
      g_print ("  %s: %s\n", _("manufacturer"), t->manufacturer);
      g_print ("  %s: %s\n", _("model"), t->model);
      g_print ("  %s: %s\n", _("serial"), t->serial);
      g_print ("  %s: %s\n", _("url"), t->url);
      g_print ("  %s: %s\n", _("login required"), t->login_required ? _("yes") : _("no"));
    }
  return EXIT_OK;
}

static char *
format_date (GDateTime *time)
{
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

static int
cmd_token_certs (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_("— list the certificates on tokens"));
  g_autoptr (GPtrArray) certs = NULL;
  g_autofree char *token = NULL;
  g_autofree char *pin_file = NULL;
  gboolean login = FALSE;
  PinSource source = { NULL };
  GError *error = NULL;
  guint i;
  GOptionEntry entries[] = {
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("Only this token"), N_("PKCS11_URL") },
    { "login", 0, 0, G_OPTION_ARG_NONE, &login,
      N_("Log in to find private keys that are hidden without a PIN"), NULL },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file, N_("Read the PIN from this file"),
      N_("FILE") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc > 1)
    return usage_error (context, _("token certs takes no arguments."));

  source.pin_file = pin_file;
  if (token != NULL)
    certs = inkan_token_list_certs (token, login || pin_file != NULL ? pin_func : NULL, &source,
                                    &error);
  else
    {
      /* p11-kit's trust module exposes the system's CA store as a token: hundreds of
       * certificates nobody signs with. Signing tokens only, unless one is named. */
      g_autoptr (GPtrArray) tokens = inkan_token_list (&error);
      guint t;

      if (tokens == NULL)
        return fail (error);
      certs = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_token_cert_free);
      for (t = 0; t < tokens->len; t++)
        {
          InkanTokenInfo *info = tokens->pdata[t];
          g_autoptr (GPtrArray) some = NULL;

          if (g_strcmp0 (info->model, "p11-kit-trust") == 0)
            continue;
          some = inkan_token_list_certs (info->url, login || pin_file != NULL ? pin_func : NULL,
                                         &source, &error);
          if (some == NULL)
            return fail (error);
          g_ptr_array_set_free_func (some, NULL);
          g_ptr_array_extend_and_steal (certs, g_steal_pointer (&some));
        }
    }
  if (certs == NULL)
    return fail (error);
  if (certs->len == 0)
    g_print (_("No certificate found.\n"));
  for (i = 0; i < certs->len; i++)
    {
      InkanTokenCert *c = certs->pdata[i];
      g_autofree char *from = format_date (c->not_before);
      g_autofree char *until = format_date (c->not_after);

      g_print ("%s\n", c->label != NULL ? c->label : "");
      g_print ("  %s: %s\n", _("subject"), c->subject);
      g_print ("  %s: %s\n", _("issuer"), c->issuer);
      g_print ("  %s: %s … %s\n", _("valid"), from, until);
      g_print ("  %s: %s%s\n", _("key type"), c->key_type, c->is_ca ? _(" (certification authority)") : "");
      g_print ("  %s: %s\n", _("certificate"), c->cert_url);
      g_print ("  %s: %s\n", _("private key"), c->key_url != NULL ? c->key_url : _("(none found)"));
    }
  return EXIT_OK;
}

/* ---- sign ------------------------------------------------------------------------------- */

static gboolean
parse_rect (const char *text, InkanRect *rect)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  double v[4];
  guint i;

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (i = 0; i < 4; i++)
    {
      char *end = NULL;
      g_strstrip (parts[i]);
      v[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }
  *rect = (InkanRect){ v[0], v[1], v[2], v[3] };
  return TRUE;
}

static GArray *
parse_pages (const char *text)
{
  g_autoptr (GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    {
      g_auto (GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", 2);
      guint64 from, to, p;

      if (ends[0] == NULL
          || !g_ascii_string_to_unsigned (g_strstrip (ends[0]), 10, 1, G_MAXUINT, &from, NULL))
        return NULL;
      to = from;
      if (ends[1] != NULL
          && !g_ascii_string_to_unsigned (g_strstrip (ends[1]), 10, 1, G_MAXUINT, &to, NULL))
        return NULL;
      if (to < from || to - from > 100000)
        return NULL;
      for (p = from; p <= to; p++)
        {
          guint page = (guint) p;

          if (pages->len > 0 && page <= g_array_index (pages, guint, pages->len - 1))
            return NULL;
          g_array_append_val (pages, page);
        }
    }
  return pages->len > 0 ? g_steal_pointer (&pages) : NULL;
}

/* The helpers above, for the workflow commands of inkan-cli-store.c. */
GArray *
_inkan_cli_parse_pages (const char *text)
{
  return parse_pages (text);
}

int
_inkan_cli_fail (GError *error)
{
  return fail (error);
}

int
_inkan_cli_usage_error (GOptionContext *context, const char *message)
{
  return usage_error (context, message);
}

char *
_inkan_cli_pin_func (const char *token_label, InkanPinFlags flags, gpointer user_data)
{
  PinSource source = { user_data };

  return pin_func (token_label, flags, &source);
}

gboolean
_inkan_cli_parse_rect (const char *text, InkanRect *rect)
{
  return parse_rect (text, rect);
}

static int
cmd_sign (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("IN.pdf -o OUT.pdf --key PKCS11_URL — seal a PDF document"));
  g_autoptr (InkanSignerOpening) opening = NULL;
  g_autofree char *output = NULL, *key = NULL, *cert = NULL, *pin_file = NULL, *image = NULL;
  g_autofree char *rect = NULL, *field = NULL, *reason = NULL, *location = NULL;
  g_autofree char *tsa_url = NULL, *pages_text = NULL, *vcode = NULL;
  g_autoptr (InkanTsa) tsa = NULL;
  g_autoptr (GArray) pages = NULL;
  gboolean qr = FALSE, watermark = FALSE, riding = FALSE;
  int page = 0;
  InkanSignOptions options = { 0 };
  PinSource source = { NULL };
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the sealed copy here"),
      N_("OUT.pdf") },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, N_("The private key on the token"),
      N_("PKCS11_URL") },
    { "cert", 0, 0, G_OPTION_ARG_STRING, &cert,
      N_("The signer's certificate (default: the one beside the key)"), N_("PKCS11_URL|FILE") },
    { "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
      N_("Read the PIN from this file (default: ask on the terminal)"), N_("FILE") },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image,
      N_("The seal image, a PNG (default: an invisible signature)"), N_("PNG") },
    { "page", 0, 0, G_OPTION_ARG_INT, &page, N_("Page of the seal, from 1 (default 1)"), N_("N") },
    { "rect", 0, 0, G_OPTION_ARG_STRING, &rect,
      N_("Where the seal goes, in points from the page's lower-left corner"), N_("X,Y,W,H") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field,
      N_("Fill this empty signature field, or name the new one"), N_("NAME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the document is sealed"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Where it is sealed"), N_("TEXT") },
    { "tsa", 0, 0, G_OPTION_ARG_STRING, &tsa_url,
      N_("Timestamp the signature at this RFC 3161 authority (PAdES B-T)"), N_("URL") },
    { "qr", 0, 0, G_OPTION_ARG_NONE, &qr,
      N_("Draw a QR code of the verification code beside the seal"), NULL },
    { "watermark", 0, 0, G_OPTION_ARG_NONE, &watermark,
      N_("Write “Sealed by … on …” faintly across every page"), NULL },
    { "riding", 0, 0, G_OPTION_ARG_NONE, &riding,
      N_("A riding seal: one slice of the seal at the right edge of every page (--rect gives "
         "the whole seal's width and its height from the bottom)"), NULL },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &pages_text,
      N_("The riding seal's pages (default: all)"), N_("LIST") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Appends a signature made by the token's key to a copy of the "
                                  "document, as an incremental update, and prints the sealing's "
                                  "verification code."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc != 2)
    return usage_error (context, _("Give exactly one input document."));
  if (output == NULL)
    return usage_error (context, _("Give the output file with -o OUT.pdf."));
  if (key == NULL)
    return usage_error (context, _("Give the signing key with --key PKCS11_URL."));
  if (page < 0)
    return usage_error (context, _("Pages count from 1."));
  if (rect != NULL && !parse_rect (rect, &options.rect))
    return usage_error (context, _("--rect wants four numbers: X,Y,WIDTH,HEIGHT in points."));
  if (pages_text != NULL && !riding)
    return usage_error (context, _("--pages is for a riding seal: add --riding."));
  if (pages_text != NULL && (pages = parse_pages (pages_text)) == NULL)
    return usage_error (context, _("--pages wants pages from 1 in ascending order, like "
                                   "1-3,5,8-10."));
  if (riding && image == NULL)
    return usage_error (context, _("A riding seal needs the seal's image: add --image PNG."));
  if (riding && page != 0)
    return usage_error (context, _("A riding seal goes on several pages: use --pages, not "
                                   "--page."));

  if (tsa_url != NULL && (tsa = inkan_tsa_new (tsa_url, &error)) == NULL)
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }

  source.pin_file = pin_file;
  /* The token is opened (modules, log-in, a test signature) while the document is read;
   * inkan_sign_pdf waits for it, and reports its errors before any about the document. */
  opening = inkan_signer_opening_start (key, cert, pin_func, &source);

  options.input = argv[1];
  options.output = output;
  options.signer_opening = opening;
  options.image = image;
  options.page = (guint) page;
  options.has_rect = rect != NULL;
  options.field = field;
  options.reason = reason;
  options.location = location;
  options.tsa = tsa;
  options.qr = qr;
  options.watermark = watermark;
  options.riding = riding;
  if (pages != NULL)
    {
      options.riding_pages = (const guint *) (gpointer) pages->data;
      options.n_riding_pages = pages->len;
    }
  options.verification_code = &vcode;
  if (!inkan_sign_pdf (&options, &error))
    return fail (error);
  g_print (_("Verification code: %s\n"), vcode);
  return EXIT_OK;
}

/* ---- ltv ------------------------------------------------------------------------------- */

static int
cmd_ltv (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("FILE.pdf -o OUT.pdf — add long-term validation data (PAdES B-LT)"));
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_auto (GStrv) trust_files = NULL;
  g_autofree char *output = NULL;
  int timeout = 0;
  InkanLtvOptions options = { 0 };
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the copy here"), N_("OUT.pdf") },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust_files,
      N_("CA certificates that complete the signers' paths (repeatable)"), N_("CA.pem") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Seconds to wait for each responder (default 30)"), N_("S") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Appends, as an incremental update, a document security store "
                                  "with the certificates, OCSP responses and CRLs that keep the "
                                  "signatures verifiable after the responders are gone.\n"
                                  "Exit status: 0 done, 3 no signature, 97 a responder failed."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc != 2)
    return usage_error (context, _("Give exactly one signed document."));
  if (output == NULL)
    return usage_error (context, _("Give the output file with -o OUT.pdf."));
  if (timeout < 0)
    return usage_error (context, _("--timeout wants a number of seconds."));
  for (guint i = 0; trust_files != NULL && trust_files[i] != NULL; i++)
    if (!inkan_trust_add_file (trust, trust_files[i], &error))
      {
        g_printerr ("inkan-cli: %s\n", error->message);
        g_error_free (error);
        return EXIT_NO_INPUT;
      }
  options.input = argv[1];
  options.output = output;
  options.trust = trust;
  options.timeout = (guint) timeout;
  if (!inkan_ltv_add (&options, &error))
    return fail (error);
  return EXIT_OK;
}

static int
cmd_timestamp (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("FILE.pdf -o OUT.pdf --tsa URL — add a document timestamp (PAdES B-LTA)"));
  g_autoptr (InkanTsa) tsa = NULL;
  g_autofree char *output = NULL, *tsa_url = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the copy here"), N_("OUT.pdf") },
    { "tsa", 0, 0, G_OPTION_ARG_STRING, &tsa_url, N_("The RFC 3161 timestamp authority"),
      N_("URL") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Appends, as an incremental update, a timestamp over the whole "
                                  "document (after ltv, for long-term archiving).\n"
                                  "Exit status: 0 done, 96 the timestamp authority failed."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc != 2)
    return usage_error (context, _("Give exactly one document."));
  if (output == NULL)
    return usage_error (context, _("Give the output file with -o OUT.pdf."));
  if (tsa_url == NULL)
    return usage_error (context, _("Give the timestamp authority with --tsa URL."));
  tsa = inkan_tsa_new (tsa_url, &error);
  if (tsa == NULL)
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (!inkan_document_timestamp (argv[1], output, tsa, &error))
    return fail (error);
  return EXIT_OK;
}

/* ---- verify ------------------------------------------------------------------------------ */

/* `verify` exit codes (DESIGN.md): the worst file decides. */
enum
{
  VERIFY_PASSED = 0,
  VERIFY_FAILED = 1,
  VERIFY_INDETERMINATE = 2,
  VERIFY_NO_SIGNATURE = 3,
  VERIFY_CODE_UNKNOWN = 4,  /* --code: the code belongs to no signature of the file */
};

static int
verify_severity (int code)
{
  switch (code)
    {
    case VERIFY_PASSED:
      return 0;
    case VERIFY_NO_SIGNATURE:
      return 1;
    case VERIFY_INDETERMINATE:
      return 2;
    case VERIFY_FAILED:
      return 3;
    case EXIT_DAMAGED:
      return 4;
    default:
      return 5;
    }
}

static const char *
verdict_word (InkanIndication indication)
{
  switch (indication)
    {
    case INKAN_INDICATION_TOTAL_PASSED:
      return _("VALID");
    case INKAN_INDICATION_TOTAL_FAILED:
      return _("INVALID");
    case INKAN_INDICATION_INDETERMINATE:
      return _("NOT CONFIRMED");
    case INKAN_INDICATION_NO_SIGNATURE:
    default:
      return _("NOT SIGNED");
    }
}

static const char *
coverage_words (InkanCoverage coverage)
{
  switch (coverage)
    {
    case INKAN_COVERAGE_ENTIRE_FILE:
      return _("covers the whole file");
    case INKAN_COVERAGE_ENTIRE_REVISION:
      return _("covers the version it signed; later versions were added");
    case INKAN_COVERAGE_PARTIAL:
      return _("covers only part of the file");
    case INKAN_COVERAGE_UNCLEAR:
    default:
      return _("does not say clearly what it covers");
    }
}

static const char *
modification_words (InkanModificationLevel level)
{
  switch (level)
    {
    case INKAN_MODIFICATION_NONE:
      return _("no changes since");
    case INKAN_MODIFICATION_LTA_UPDATES:
      return _("since then only validation data was added");
    case INKAN_MODIFICATION_FORM_FILLING:
      return _("since then forms were filled in or signed");
    case INKAN_MODIFICATION_ANNOTATIONS:
      return _("since then annotations or signatures were added");
    case INKAN_MODIFICATION_OTHER:
    default:
      return _("changed since in a way signatures do not allow");
    }
}

static const char *
revocation_status_words (InkanRevocationStatus status)
{
  switch (status)
    {
    case INKAN_REVOCATION_GOOD:
      return _("not revoked");
    case INKAN_REVOCATION_REVOKED:
      return _("REVOKED");
    case INKAN_REVOCATION_UNKNOWN:
    default:
      return _("unknown");
    }
}

static const char *
revocation_source_words (InkanRevocationSource source)
{
  switch (source)
    {
    case INKAN_REVOCATION_SOURCE_EMBEDDED:
      return _("validation data embedded in the file");
    case INKAN_REVOCATION_SOURCE_ONLINE:
      return _("fetched online");
    case INKAN_REVOCATION_SOURCE_NONE:
    default:
      return _("not checked");
    }
}

/* The seal record's binding, one line: "Seal: Contract (contract), made by Admin: bound". */
static void
print_seal (const InkanSealReport *seal)
{
  if (seal == NULL)
    return;
  if (seal->bound)
    g_print (_("      Seal: %s (%s), made by %s: bound to this signature\n"), seal->name,
             seal->kind, seal->maker);
  else
    g_print (_("      Seal: %s (%s), made by %s: NOT BOUND\n"),
             seal->name != NULL ? seal->name : _("unreadable"),
             seal->kind != NULL ? seal->kind : "?", seal->maker != NULL ? seal->maker : "?");
}

static void
print_report (const InkanReport *report)
{
  guint i, j;

  g_print ("%s: %s", report->file, verdict_word (report->indication));
  if (report->signatures->len > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, " (%u signature)", " (%u signatures)",
                          report->signatures->len),
             report->signatures->len);
  g_print ("\n");
  for (i = 0; i < report->findings->len; i++)
    {
      const InkanFinding *f = g_ptr_array_index (report->findings, i);
      g_print ("  ! %s\n", f->message);
    }
  for (i = 0; i < report->signatures->len; i++)
    {
      const InkanSignatureReport *sig = g_ptr_array_index (report->signatures, i);
      g_autoptr (GDateTime) utc = sig->signing_time != NULL
                                  ? g_date_time_to_utc (sig->signing_time) : NULL;
      g_autofree char *when = utc != NULL ? g_date_time_format (utc, _("%Y-%m-%d %H:%M:%S UTC"))
                                          : g_strdup (_("an unknown time"));

      g_print ("  %s  %s: %s %s%s%s%s, %s (%s)\n", verdict_word (sig->indication), sig->field,
               sig->docmdp > 0 ? _("certified by") : _("signed by"),
               sig->signer_name != NULL ? sig->signer_name
               : sig->signer != NULL    ? sig->signer
                                        : _("an unknown signer"),
               sig->organisation != NULL ? " (" : "",
               sig->organisation != NULL ? sig->organisation : "",
               sig->organisation != NULL ? ")" : "", when,
               sig->subindication != NULL ? sig->subindication
                                          : inkan_indication_to_string (sig->indication));
      g_print ("      %s; %s.\n", coverage_words (sig->coverage),
               modification_words (sig->modification_level));
      if (sig->verification_code != NULL)
        g_print (_("      Verification code: %s\n"), sig->verification_code);
      if (sig->riding_pages > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "      A riding seal across %u page.\n",
                              "      A riding seal across %u pages.\n", sig->riding_pages),
                 sig->riding_pages);
      if (sig->timestamp != NULL && sig->timestamp->time != NULL)
        {
          g_autoptr (GDateTime) ts = g_date_time_to_utc (sig->timestamp->time);
          g_autofree char *stamp = g_date_time_format (ts, "%Y-%m-%d %H:%M:%S");

          g_print (_("      Timestamp: %s.%03d UTC by %s (%s)\n"), stamp,
                   g_date_time_get_microsecond (ts) / 1000, sig->timestamp->tsa,
                   sig->timestamp->valid ? _("valid") : _("NOT VALID"));
        }
      else if (sig->timestamp != NULL)
        g_print (_("      Timestamp: unreadable (NOT VALID)\n"));
      for (j = 0; sig->revocation != NULL && j < sig->revocation->len; j++)
        {
          const InkanRevocationReport *r = g_ptr_array_index (sig->revocation, j);

          g_print (_("      Revocation of %s: %s (%s)\n"), r->certificate,
                   revocation_status_words (r->status), revocation_source_words (r->source));
        }
      print_seal (sig->seal);
      if (sig->evidence != NULL)
        g_print (_("      Request %" PRId64 " for the %s seal%s%s:\n"),
                 sig->evidence->request.id, sig->evidence->request.seal,
                 sig->evidence->request.requester != NULL ? _(", asked by ") : "",
                 sig->evidence->request.requester != NULL ? sig->evidence->request.requester : "");
      for (j = 0; j < sig->approvals->len; j++)
        {
          const InkanApprovalReport *a = g_ptr_array_index (sig->approvals, j);
          g_autoptr (GDateTime) at = a->time != NULL ? g_date_time_to_utc (a->time) : NULL;
          g_autofree char *stamp = at != NULL ? g_date_time_format (at, _("%Y-%m-%d %H:%M:%S UTC"))
                                              : g_strdup (_("an unknown time"));

          g_print ("      %s %s %s (%s), %s: %s%s\n", a->valid ? "+" : "!",
                   g_strcmp0 (a->decision, "approve") == 0 ? _("approved by") : _("rejected by"),
                   a->approver, a->role != NULL ? a->role : _("no role"), stamp,
                   a->valid ? _("signature valid") : _("NOT VALID"),
                   a->valid ? (a->trusted ? _(", certificate trusted")
                                          : _(", certificate not trusted here"))
                            : "");
        }
      for (j = 0; j < sig->findings->len; j++)
        {
          const InkanFinding *f = g_ptr_array_index (sig->findings, j);
          g_print ("      - %s\n", f->message);
        }
    }
}

/* `verify --code`: the code belongs to a signature of the file (its verdict decides) or to
 * none (VERIFY_CODE_UNKNOWN). */
static int
check_code (const InkanReport *report, const char *code, gboolean say)
{
  g_autofree char *normal = inkan_verification_code_normalize (code);
  const InkanSignatureReport *sig = inkan_report_find_code (report, code);

  if (sig == NULL)
    {
      if (say)
        g_print (_("%s: the verification code %s belongs to no signature of this document. "
                   "Check the code, or ask the sender which document it was given for.\n"),
                 report->file, normal);
      return VERIFY_CODE_UNKNOWN;
    }
  if (say)
    g_print (_("%s: the verification code %s belongs to the signature “%s” by %s: %s\n"),
             report->file, normal, sig->field,
             sig->signer_name != NULL ? sig->signer_name
             : sig->signer != NULL    ? sig->signer
                                      : _("an unknown signer"),
             verdict_word (sig->indication));
  switch (sig->indication)
    {
    case INKAN_INDICATION_TOTAL_PASSED:
      return VERIFY_PASSED;
    case INKAN_INDICATION_INDETERMINATE:
      return VERIFY_INDETERMINATE;
    default:
      return VERIFY_FAILED;
    }
}

static int
cmd_verify (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("FILE.pdf… — check the signatures of PDF documents"));
  g_auto (GStrv) trust_files = NULL;
  g_autofree char *at = NULL, *code_text = NULL;
  gboolean system_trust = FALSE, json = FALSE, online = FALSE;
  int timeout = 0;
  g_autoptr (InkanTrust) trust = inkan_trust_new ();
  g_autoptr (GDateTime) now = NULL;
  InkanVerifyOptions options = { 0 };
  GError *error = NULL;
  int worst = VERIFY_PASSED, code_status = -1;
  guint i;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust_files,
      N_("Trust the CA certificates of this PEM or DER file (repeatable)"), N_("CA.pem") },
    { "system-trust", 0, 0, G_OPTION_ARG_NONE, &system_trust,
      N_("Trust the system's certificate authorities too"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per file"), NULL },
    { "time", 0, 0, G_OPTION_ARG_STRING, &at,
      N_("Validate as of this time instead of now (RFC 3339)"), N_("TIME") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code_text,
      N_("Confirm that this verification code belongs to a valid signature of the file"),
      N_("CODE") },
    { "online", 0, 0, G_OPTION_ARG_NONE, &online,
      N_("Ask the certificates' OCSP responders and CRL servers for the revocation status the "
         "file does not hold"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("With --online, seconds to wait for each responder (default 30)"), N_("S") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Checks every signature of every revision: integrity, "
                                  "certificate, and what changed after signing.\n"
                                  "Exit status: 0 all valid, 1 a signature is invalid, 2 not "
                                  "confirmed, 3 no signature, 65 unreadable PDF, 66 no file.\n"
                                  "With --code: 0 the code belongs to a valid signature of the "
                                  "file, 1 or 2 to a signature that is invalid or not confirmed, "
                                  "4 to no signature of the file."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int code = usage_error (context, error->message);
      g_error_free (error);
      return code;
    }
  if (argc < 2)
    return usage_error (context, _("Give at least one PDF document."));
  if (code_text != NULL && argc != 2)
    return usage_error (context, _("--code checks one document: give exactly one."));
  if (code_text != NULL)
    {
      g_autofree char *normal = inkan_verification_code_normalize (code_text);

      if (normal == NULL)
        return usage_error (context, _("A verification code has 12 letters and digits, like "
                                       "ABCD-EFGH-JK23."));
    }
  if (timeout < 0)
    return usage_error (context, _("--timeout wants a number of seconds."));
  if (at != NULL)
    {
      now = g_date_time_new_from_iso8601 (at, NULL);
      if (now == NULL)
        return usage_error (context, _("--time wants an RFC 3339 time, like "
                                       "2026-01-31T12:00:00Z."));
    }
  for (i = 0; trust_files != NULL && trust_files[i] != NULL; i++)
    if (!inkan_trust_add_file (trust, trust_files[i], &error))
      {
        g_printerr ("inkan-cli: %s\n", error->message);
        g_error_free (error);
        return EXIT_NO_INPUT;
      }
  if (system_trust && !inkan_trust_add_system (trust, &error))
    return fail (error);
  options.trust = trust;
  options.now = now;
  options.online = online;
  options.timeout = (guint) timeout;

  for (i = 1; i < (guint) argc; i++)
    {
      g_autoptr (InkanReport) report = inkan_verify_file (argv[i], &options, &error);
      int code;

      if (report == NULL)
        {
          code = error->domain == INKAN_PDF_ERROR && error->code == INKAN_PDF_ERROR_NOT_FOUND
                 ? EXIT_NO_INPUT : EXIT_DAMAGED;
          if (json)
            {
              g_autofree char *file = g_strescape (argv[i], NULL);
              g_autofree char *message = g_strescape (error->message, NULL);
              g_print ("{\"file\":\"%s\",\"indication\":null,\"error\":\"%s\",\"signatures\":[]}\n",
                       file, message);
            }
          g_printerr ("inkan-cli: %s\n", error->message);
          g_clear_error (&error);
        }
      else
        {
          switch (report->indication)
            {
            case INKAN_INDICATION_TOTAL_PASSED:
              code = VERIFY_PASSED;
              break;
            case INKAN_INDICATION_TOTAL_FAILED:
              code = VERIFY_FAILED;
              break;
            case INKAN_INDICATION_INDETERMINATE:
              code = VERIFY_INDETERMINATE;
              break;
            case INKAN_INDICATION_NO_SIGNATURE:
            default:
              code = VERIFY_NO_SIGNATURE;
              break;
            }
          if (json)
            {
              g_autofree char *text = inkan_report_to_json (report);
              g_print ("%s\n", text);
            }
          else if (code_text == NULL)
            print_report (report);
          if (code_text != NULL)
            code_status = check_code (report, code_text, !json);
        }
      if (verify_severity (code) > verify_severity (worst))
        worst = code;
    }
  return code_status >= 0 ? code_status : worst;
}

/* ---- main ------------------------------------------------------------------------------- */

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s",
           _("Usage:\n"
             "  inkan-cli token list\n"
             "  inkan-cli token certs [--token URL] [--login] [--pin-file F]\n"
             "  inkan-cli sign IN.pdf -o OUT.pdf --key PKCS11_URL [--cert PKCS11_URL|FILE]\n"
             "            [--pin-file F] [--image PNG] [--page N] [--rect X,Y,W,H]\n"
             "            [--field NAME] [--reason TEXT] [--location TEXT] [--tsa URL]\n"
             "            [--qr] [--watermark] [--riding [--pages LIST]]\n"
             "  inkan-cli verify FILE.pdf... [--trust CA.pem]... [--system-trust] [--json]\n"
             "            [--time RFC3339] [--online [--timeout S]] [--code CODE]\n"
             "  inkan-cli ltv FILE.pdf -o OUT.pdf [--trust CA.pem]... [--timeout S]\n"
             "  inkan-cli timestamp FILE.pdf -o OUT.pdf --tsa URL\n"
             "  inkan-cli seal draw --kind round|oval|square --name TEXT [--purpose TEXT]\n"
             "            [--code TEXT] [--size-mm N] [--dpi N] -o OUT.png\n"
             "  inkan-cli seal import-image IN.png|IN.jpg -o OUT.png\n"
             "  inkan-cli [--db PATH] [--as NAME] user|seal|template|grant|request|approve|\n"
             "            reject|audit …   (the workflow store; see README and each --help)\n"
             "  inkan-cli [--db PATH] --as NAME sign IN.pdf -o OUT.pdf --seal NAME\n"
             "            [--request ID] [--pin-file F] [--page N --rect X,Y,W,H] [--tsa URL]\n"
             "            [--qr] [--watermark] [--riding [--pages LIST]]\n"
             "  inkan-cli --version\n"
             "\n"
             "Each command has --help. Pages count from 1; rectangles are in PDF points from the\n"
             "page's lower-left corner as it is displayed.\n"));
}

int
main (int argc, char **argv)
{
  InkanCliGlobals globals = { NULL, NULL };
  int status = EXIT_OK;
  int i;

  setlocale (LC_ALL, "");
  /* INKAN_LOCALEDIR: the build tree's po/ when running uninstalled (the tests do). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("INKAN_LOCALEDIR") != NULL
                                     ? g_getenv ("INKAN_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("inkan-cli %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  g_set_prgname ("inkan-cli");
  /* Global options come before the command. */
  while (argc >= 3 && (g_str_equal (argv[1], "--db") || g_str_equal (argv[1], "--as")))
    {
      if (g_str_equal (argv[1], "--db"))
        globals.db_path = argv[2];
      else
        globals.as = argv[2];
      argc -= 2;
      argv += 2;
    }
  if (argc < 2 || g_str_has_prefix (argv[1], "--"))
    {
      g_printerr ("inkan-cli: %s\n\n", _("Give a command after the global options."));
      print_usage (stderr);
      return EXIT_USAGE;
    }
  /* Each command's --help names it: "Usage: inkan-cli seal create [OPTION…] …". */
  {
    static const char *const with_sub[] = { "token", "user", "seal", "template", "grant",
                                            "request", "audit", NULL };
    g_autofree char *prgname = NULL;

    if (argc >= 3 && g_strv_contains (with_sub, argv[1]) && argv[2][0] != '-')
      prgname = g_strdup_printf ("inkan-cli %s %s", argv[1], argv[2]);
    else
      prgname = g_strdup_printf ("inkan-cli %s", argv[1]);
    g_set_prgname (prgname);
  }
  if (g_str_equal (argv[1], "sign"))
    {
      gboolean help = FALSE;

      for (i = 2; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--seal") || g_str_has_prefix (argv[i], "--seal="))
            return _inkan_cli_sign_seal (&globals, argc - 1, argv + 1);
          help |= g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h");
        }
      /* Acting as a store user, sign means sealing with a registered seal. */
      if (help && globals.as != NULL)
        return _inkan_cli_sign_seal (&globals, argc - 1, argv + 1);
      return cmd_sign (argc - 1, argv + 1);
    }
  if (_inkan_cli_store_run (&globals, argc - 1, argv + 1, &status))
    return status;
  if (g_str_equal (argv[1], "verify"))
    return cmd_verify (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "ltv"))
    return cmd_ltv (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "timestamp"))
    return cmd_timestamp (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "token") && argc >= 3 && g_str_equal (argv[2], "list"))
    return cmd_token_list (argc - 2, argv + 2);
  if (g_str_equal (argv[1], "token") && argc >= 3 && g_str_equal (argv[2], "certs"))
    return cmd_token_certs (argc - 2, argv + 2);

  g_printerr ("inkan-cli: %s\n\n", _("Unknown command."));
  print_usage (stderr);
  return EXIT_USAGE;
}
