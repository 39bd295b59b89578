/* Test fixture: an RFC 3161 timestamp authority on 127.0.0.1, answering with `openssl ts -reply`. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "inkan-test-tsa.h"

#include "inkan-test-util.h"

#include <libsoup/soup.h>
#include <libtasn1.h>
#include <string.h>

/* libinkan's ASN.1 module (inkan-cms.asn): the test reads and rewrites requests with it. */
extern const asn1_static_node inkan_asn1_tab[];

#define OID_SHA1 "1.3.14.3.2.26"
#define OID_TSTINFO "1.2.840.113549.1.9.16.1.4"

typedef struct
{
  char *dir;
  char *config;       /* openssl ts -reply's configuration */
  char *cert;         /* the TSA's certificate, with the critical timeStamping usage */
  char *noeku_cert;   /* same root, no extended key usage */
  char *noeku_key;
} TsaPki;

struct _InkanTestTsa
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GMutex lock;
  GCond ready;
  gboolean started;
  char *url;
  InkanTestTsaMode mode;   /* under lock */
  guint requests;          /* under lock */
  guint later_after;       /* under lock: from this many requests on, later_mode; 0: never */
  InkanTestTsaMode later_mode;
  guint serial;            /* per-request file names, server thread only */
  GHashTable *files;       /* under lock: path → GBytes served to GET */
};

/* Runs argv, failing the test with its output when it does not exit 0. */
static void
run_or_fail (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = inkan_test_run (argv, &out, &err);

  if (status != 0)
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
      g_test_message ("%s exited with %d\nstdout: %s\nstderr: %s", cmd, status, out, err);
    }
  g_assert_cmpint (status, ==, 0);
}

static void
write_text (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* The OCSP responder the TSA's certificate names, or NULL (set before the certificate is made). */
static char *tsa_ocsp_url;

void
inkan_test_tsa_set_ocsp_url (const char *url)
{
  g_free (tsa_ocsp_url);
  tsa_ocsp_url = g_strdup (url);
}

static TsaPki *
tsa_pki_make (void)
{
  InkanTestPki *pki = inkan_test_pki_get ();
  g_autofree char *root_dir = g_path_get_dirname (pki->root_pem);
  g_autofree char *root_key = g_build_filename (root_dir, "root-key.pem", NULL);
  g_autofree char *ext = NULL;
  g_autofree char *key = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *config = NULL;
  g_autofree char *noeku_csr = NULL;
  g_autofree char *ext_text = NULL;
  g_autoptr (GError) error = NULL;
  TsaPki *tsa = g_new0 (TsaPki, 1);

  tsa->dir = inkan_test_tmp_path ("tsa");
  g_assert_cmpint (g_mkdir_with_parents (tsa->dir, 0700), ==, 0);
  ext = g_build_filename (tsa->dir, "ext.cnf", NULL);
  key = g_build_filename (tsa->dir, "tsa-key.pem", NULL);
  csr = g_build_filename (tsa->dir, "tsa.csr", NULL);
  serial = g_build_filename (tsa->dir, "serial", NULL);
  tsa->cert = g_build_filename (tsa->dir, "tsa.pem", NULL);
  tsa->config = g_build_filename (tsa->dir, "tsa.cnf", NULL);
  tsa->noeku_key = g_build_filename (tsa->dir, "noeku-key.pem", NULL);
  tsa->noeku_cert = g_build_filename (tsa->dir, "noeku.pem", NULL);
  noeku_csr = g_build_filename (tsa->dir, "noeku.csr", NULL);

  ext_text = g_strdup_printf ("[tsa]\n"
                              "basicConstraints = critical, CA:FALSE\n"
                              "keyUsage = critical, digitalSignature, nonRepudiation\n"
                              "extendedKeyUsage = critical, timeStamping\n"
                              "subjectKeyIdentifier = hash\n"
                              "authorityKeyIdentifier = keyid\n"
                              "%s%s%s"
                              "[noeku]\n"
                   "basicConstraints = critical, CA:FALSE\n"
                   "keyUsage = critical, digitalSignature, nonRepudiation\n"
                              "subjectKeyIdentifier = hash\n"
                              "authorityKeyIdentifier = keyid\n",
                              tsa_ocsp_url != NULL ? "authorityInfoAccess = OCSP;URI:" : "",
                              tsa_ocsp_url != NULL ? tsa_ocsp_url : "",
                              tsa_ocsp_url != NULL ? "\n" : "");
  write_text (ext, ext_text);
  {
    /* ECDSA: its signatures vary in length, which the space reserved for tokens must absorb. */
    const char *argv[] = { "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj",
                           "/CN=Inkan Test TSA/O=Inkan Demo Organisation/C=CN", "-out", csr,
                           NULL };
    run_or_fail (argv);
  }
  {
    const char *argv[] = { "openssl", "x509", "-req", "-in", csr, "-CA", pki->root_pem,
                           "-CAkey", root_key, "-set_serial", "0x7001", "-days", "3650",
                           "-sha256", "-extfile", ext, "-extensions", "tsa", "-out", tsa->cert,
                           NULL };
    run_or_fail (argv);
  }
  {
    const char *argv[] = { "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                           tsa->noeku_key, "-subj",
                           "/CN=Inkan Test Not A TSA/O=Inkan Demo Organisation/C=CN", "-out",
                           noeku_csr, NULL };
    run_or_fail (argv);
  }
  {
    const char *argv[] = { "openssl", "x509", "-req", "-in", noeku_csr, "-CA", pki->root_pem,
                           "-CAkey", root_key, "-set_serial", "0x7002", "-days", "3650",
                           "-sha256", "-extfile", ext, "-extensions", "noeku", "-out",
                           tsa->noeku_cert, NULL };
    run_or_fail (argv);
  }
  write_text (serial, "01\n");
  /* Milliseconds in genTime (clock_precision_digits), signingCertificateV2, the TSA's name. */
  config = g_strdup_printf ("[tsa]\n"
                            "default_tsa = tsa_config\n"
                            "[tsa_config]\n"
                            "serial = %s\n"
                            "crypto_device = builtin\n"
                            "signer_cert = %s\n"
                            "signer_key = %s\n"
                            "signer_digest = sha256\n"
                            "default_policy = 1.2.3.4.1\n"
                            "digests = sha256, sha384, sha512\n"
                            "accuracy = secs:1\n"
                            "clock_precision_digits = 3\n"
                            "ordering = no\n"
                            "tsa_name = yes\n"
                            "ess_cert_id_chain = no\n"
                            "ess_cert_id_alg = sha256\n",
                            serial, tsa->cert, key);
  write_text (tsa->config, config);
  return tsa;
}

static TsaPki *
tsa_pki_get (void)
{
  static TsaPki *tsa;

  if (g_once_init_enter (&tsa))
    g_once_init_leave (&tsa, tsa_pki_make ());
  return tsa;
}

const char *
inkan_test_tsa_cert_pem (void)
{
  return tsa_pki_get ()->cert;
}

char *
inkan_test_tsa_write_tmp (const char *name, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  char *path = inkan_test_tmp_path (name);

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- answers ------------------------------------------------------------------------------ */

static asn1_node
asn1_definitions (void)
{
  static asn1_node definitions;

  if (g_once_init_enter (&definitions))
    {
      asn1_node defs = NULL;
      char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";

      g_assert_cmpint (asn1_array2tree (inkan_asn1_tab, &defs, message), ==, ASN1_SUCCESS);
      g_once_init_leave (&definitions, defs);
    }
  return definitions;
}

static GBytes *
der_of (asn1_node node)
{
  char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  int len = 0;
  guint8 *der;

  g_assert_cmpint (asn1_der_coding (node, "", NULL, &len, message), ==, ASN1_MEM_ERROR);
  der = g_malloc (len);
  g_assert_cmpint (asn1_der_coding (node, "", der, &len, message), ==, ASN1_SUCCESS);
  return g_bytes_new_take (der, len);
}

/* The request with its nonce, imprint or digest algorithm changed, for the false answers. */
static GBytes *
rewrite_request (GBytes *request, InkanTestTsaMode mode)
{
  asn1_node req = NULL;
  char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  const char *field = mode == INKAN_TEST_TSA_WRONG_NONCE ? "nonce" : "messageImprint.hashedMessage";
  guint8 value[128];
  int len = (int) g_bytes_get_size (request);
  GBytes *out;

  g_assert_cmpint (asn1_create_element (asn1_definitions (), "InkanCMS.TimeStampReq", &req), ==,
                   ASN1_SUCCESS);
  g_assert_cmpint (asn1_der_decoding2 (&req, g_bytes_get_data (request, NULL), &len, 0, message),
                   ==, ASN1_SUCCESS);
  if (mode == INKAN_TEST_TSA_REJECT)
    g_assert_cmpint (asn1_write_value (req, "messageImprint.hashAlgorithm.algorithm", OID_SHA1, 1),
                     ==, ASN1_SUCCESS);
  else
    {
      len = sizeof value;
      g_assert_cmpint (asn1_read_value (req, field, value, &len), ==, ASN1_SUCCESS);
      g_assert_cmpint (len, >, 1);
      value[len - 1] ^= 0x01;
      g_assert_cmpint (asn1_write_value (req, field, value, len), ==, ASN1_SUCCESS);
    }
  out = der_of (req);
  asn1_delete_structure (&req);
  return out;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* A TimeStampResp that grants `token` (status 0). */
static GBytes *
granted_response (GBytes *token)
{
  asn1_node resp = NULL;
  GBytes *out;

  g_assert_cmpint (asn1_create_element (asn1_definitions (), "InkanCMS.TimeStampResp", &resp), ==,
                   ASN1_SUCCESS);
  g_assert_cmpint (asn1_write_value (resp, "status.status", "0", 0), ==, ASN1_SUCCESS);
  g_assert_cmpint (asn1_write_value (resp, "status.statusString", NULL, 0), ==, ASN1_SUCCESS);
  g_assert_cmpint (asn1_write_value (resp, "status.failInfo", NULL, 0), ==, ASN1_SUCCESS);
  g_assert_cmpint (asn1_write_value (resp, "timeStampToken", g_bytes_get_data (token, NULL),
                                     (int) g_bytes_get_size (token)),
                   ==, ASN1_SUCCESS);
  out = der_of (resp);
  asn1_delete_structure (&resp);
  return out;
}

/* openssl ts -reply's answer to `request`; with NO_EKU its token re-signed by the certificate
 * without the timeStamping usage (openssl ts refuses to sign with such a certificate). */
static GBytes *
openssl_reply (InkanTestTsa *self, GBytes *request, InkanTestTsaMode mode)
{
  TsaPki *pki = tsa_pki_get ();
  guint n = ++self->serial;
  g_autofree char *base = g_strdup_printf ("tsa-%p-%u", (void *) self, n);
  g_autofree char *req_name = g_strconcat (base, ".tsq", NULL);
  g_autofree char *req_path = inkan_test_tsa_write_tmp (req_name, g_bytes_get_data (request, NULL),
                                                        g_bytes_get_size (request));
  g_autofree char *resp_path = g_strconcat (req_path, ".tsr", NULL);
  g_autofree char *token_path = g_strconcat (req_path, ".token", NULL);
  g_autofree char *tst_path = g_strconcat (req_path, ".tst", NULL);
  g_autofree char *resigned_path = g_strconcat (req_path, ".resigned", NULL);

  {
    const char *argv[] = { "openssl", "ts", "-reply", "-config", pki->config, "-queryfile",
                           req_path, "-out", resp_path, NULL };
    run_or_fail (argv);
  }
  if (mode != INKAN_TEST_TSA_NO_EKU)
    return read_file (resp_path);

  {
    const char *argv[] = { "openssl", "ts", "-reply", "-in", resp_path, "-token_out", "-out",
                           token_path, NULL };
    run_or_fail (argv);
  }
  {
    const char *argv[] = { "openssl", "cms", "-verify", "-noverify", "-inform", "DER", "-in",
                           token_path, "-binary", "-out", tst_path, NULL };
    run_or_fail (argv);
  }
  {
    const char *argv[] = { "openssl", "cms", "-sign", "-binary", "-nodetach", "-cades", "-md",
                           "sha256", "-nosmimecap", "-econtent_type", OID_TSTINFO, "-in",
                           tst_path, "-signer", pki->noeku_cert, "-inkey", pki->noeku_key,
                           "-outform", "DER", "-out", resigned_path, NULL };
    run_or_fail (argv);
  }
  {
    g_autoptr (GBytes) token = read_file (resigned_path);
    return granted_response (token);
  }
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
  InkanTestTsa *self = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) request = soup_message_body_flatten (body);
  g_autoptr (GBytes) answer = NULL;
  InkanTestTsaMode mode;
  GBytes *file;

  g_mutex_lock (&self->lock);
  file = g_hash_table_lookup (self->files, path);
  if (file != NULL && g_strcmp0 (soup_server_message_get_method (msg), "GET") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/pkix-crl", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (file, NULL), g_bytes_get_size (file));
      g_mutex_unlock (&self->lock);
      return;
    }
  mode = self->later_after > 0 && self->requests >= self->later_after ? self->later_mode
                                                                       : self->mode;
  self->requests++;
  g_mutex_unlock (&self->lock);

  switch (mode)
    {
    case INKAN_TEST_TSA_HTTP_ERROR:
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    case INKAN_TEST_TSA_GARBAGE:
      {
        static const char garbage[] = "<html><body>Not a timestamp</body></html>";

        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/timestamp-reply", SOUP_MEMORY_STATIC,
                                          garbage, sizeof garbage - 1);
        return;
      }
    case INKAN_TEST_TSA_WRONG_NONCE:
    case INKAN_TEST_TSA_WRONG_IMPRINT:
    case INKAN_TEST_TSA_REJECT:
      {
        g_autoptr (GBytes) rewritten = rewrite_request (request, mode);
        answer = openssl_reply (self, rewritten, mode);
        break;
      }
    case INKAN_TEST_TSA_OK:
    case INKAN_TEST_TSA_NO_EKU:
    default:
      answer = openssl_reply (self, request, mode);
      break;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/timestamp-reply", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static gpointer
serve (gpointer data)
{
  InkanTestTsa *self = data;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("server-header", "inkan-test-tsa", NULL);
  soup_server_add_handler (server, NULL, handle, self, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);

  g_mutex_lock (&self->lock);
  {
    g_autofree char *base = g_uri_to_string (uris->data);
    self->url = g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", "tsr", NULL);
  }
  self->started = TRUE;
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);
  soup_server_disconnect (server);
  g_clear_object (&server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

InkanTestTsa *
inkan_test_tsa_start (InkanTestTsaMode mode)
{
  InkanTestTsa *self = g_new0 (InkanTestTsa, 1);

  tsa_pki_get ();
  self->mode = mode;
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->thread = g_thread_new ("inkan-test-tsa", serve, self);
  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  g_test_message ("test TSA listening at %s", self->url);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
inkan_test_tsa_stop (InkanTestTsa *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_hash_table_unref (self->files);
  g_free (self->url);
  g_free (self);
}

void
inkan_test_tsa_serve_file (InkanTestTsa *self, const char *path, GBytes *bytes)
{
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->files, g_strdup (path), g_bytes_ref (bytes));
  g_mutex_unlock (&self->lock);
}

char *
inkan_test_tsa_get_base_url (InkanTestTsa *self)
{
  const char *end = strrchr (self->url, '/');

  return g_strndup (self->url, end - self->url);
}

const char *
inkan_test_tsa_get_url (InkanTestTsa *self)
{
  return self->url;
}

void
inkan_test_tsa_set_mode (InkanTestTsa *self, InkanTestTsaMode mode)
{
  g_mutex_lock (&self->lock);
  self->mode = mode;
  g_mutex_unlock (&self->lock);
}

void
inkan_test_tsa_set_later_mode (InkanTestTsa *self, guint after, InkanTestTsaMode mode)
{
  g_mutex_lock (&self->lock);
  self->later_after = after;
  self->later_mode = mode;
  g_mutex_unlock (&self->lock);
}

guint
inkan_test_tsa_get_requests (InkanTestTsa *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->requests;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
inkan_test_tsa_down_url (void)
{
  InkanTestTsa *tsa = inkan_test_tsa_start (INKAN_TEST_TSA_OK);
  char *url = g_strdup (inkan_test_tsa_get_url (tsa));

  inkan_test_tsa_stop (tsa);
  return url;
}
