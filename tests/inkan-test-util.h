/* Shared test fixtures: a SoftHSM2 token and PKI made by the test itself, corpus paths, judges. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "inkan-token.h"

G_BEGIN_DECLS

/* What build-aux/inkan-demo-pki.sh made in a fresh directory. All strings owned by the struct. */
typedef struct
{
  char *dir;              /* the temporary directory that holds everything below */
  char *softhsm2_conf;    /* also exported as SOFTHSM2_CONF for the whole test process */
  char *pin;              /* the user PIN */
  char *pin_file;
  char *token_url;        /* pkcs11:token=Inkan%20Test… */
  char *root_pem;         /* the organisation root CA certificate */
  char *nssdb;            /* "sql:DIR": an NSS database that trusts only root_pem */
  /* keys and certificates on the token, as pkcs11: URLs, and the certificates as PEM files */
  char *clerk_key_url, *clerk_cert_url, *clerk_pem;        /* RSA 2048 */
  char *manager_key_url, *manager_cert_url, *manager_pem;  /* RSA 2048 */
  char *second_key_url, *second_cert_url, *second_pem;     /* ECDSA P-256 */
  char *expired_key_url, *expired_pem;                     /* RSA, validity ended in the past */
  char *nousage_key_url, *nousage_pem;                     /* RSA, keyUsage keyEncipherment only */
  char *seal_png;         /* red round seal, RGBA with transparency */
} InkanTestPki;

/* Makes the PKI under a new temporary directory (once per process; later calls return the same
 * one) and sets SOFTHSM2_CONF. Aborts the test on failure. Removed at exit. */
InkanTestPki *inkan_test_pki_get (void);

/* ../shared/corpus/<relative> from the source tree; asserts it exists. */
char *inkan_test_corpus (const char *relative);

/* ../shared/corpus/pyhanko/pdf/<name>: the corpus's PDF inputs. */
char *inkan_test_corpus_pdf (const char *name);

/* A path in a fresh per-process temporary directory, removed at exit. */
char *inkan_test_tmp_path (const char *name);

/* Asserts that directory `dir` holds nothing but `only` (NULL: nothing at all), hidden files
 * included: what a seal leaves beside its output. */
void inkan_test_assert_dir_holds (const char *dir, const char *only);

/* Files this process writes can no longer grow past `limit` bytes, and going past is an error
 * (EFBIG) for the write rather than a signal: the writes stop as on a full disk.
 * inkan_test_lift_file_size_limit gives the limit and the signal back as they were. */
void inkan_test_limit_file_size (guint64 limit);
void inkan_test_lift_file_size_limit (void);

/* `env` with `option` ("name=value") added to ASAN_OPTIONS, for a child of a sanitizer build
 * (other builds ignore the variable). Takes `env` and returns the new array, as
 * g_environ_setenv does. */
char **inkan_test_environ_add_asan_option (char **env, const char *option);

/* Generates a sample PDF with build-aux's inkan-mkassets: kind is "one-page", "many-pages",
 * "form" or "pages:N" (N pages of text and images). Returns its path in the temp dir. */
char *inkan_test_make_pdf (const char *kind);

/* Runs argv, returns its exit status (-1 if killed by a signal); stdout and stderr are returned
 * when the pointers are not NULL. */
int inkan_test_run (const char * const *argv, char **out, char **err);

/* External judges, each asserting on its own verdict:
 *  pdfsig with the test NSS db: every signature "Signature is Valid", "Total document signed"
 *    for exactly one, "Certificate is Trusted"; empty fields are skipped; returns the number of
 *    signatures seen;
 *  qpdf --check: exit 0 and no warning;
 *  openssl cms -verify of signature `index` (0-based) over its byte ranges with the test root. */
guint inkan_test_judge_pdfsig (const char *pdf);
void  inkan_test_judge_qpdf (const char *pdf);
void  inkan_test_judge_openssl (const char *pdf, guint index);

/* Renders page (1-based), its crop box as displayed, with pdftoppm at `dpi`; returns RGB pixels
 * (width*height*3). */
guint8 *inkan_test_render_page (const char *pdf, guint page, guint dpi, guint *width,
                                guint *height);

/* Renders `page` (1-based) of `pdf` at 144 dpi and counts the seal-red pixels in the strip of
 * `strip` pixels at the right edge (where a riding seal's slice goes), and anywhere else. */
void inkan_test_count_red_at_right_edge (const char *pdf, guint page, guint strip,
                                         guint *in_strip, guint *elsewhere);

/* An InkanPinFunc that gives the test PKI's PIN (`pki`, an InkanTestPki) once, and nothing on a
 * retry (a refused PIN is not sent again). */
char *inkan_test_pin (const char *label, InkanPinFlags flags, gpointer pki);

/* The key at `key_url` of the test token (with `cert`, or NULL: the certificate beside it),
 * opened with the test PIN; asserts that it opens. */
InkanSigner *inkan_test_open_signer (const char *key_url, const char *cert);

/* A TCP port on the loopback address that nobody listens on now. */
guint16 inkan_test_free_port (void);

/* The test PKI's root CA private key (PEM), for tests that issue certificates or responses. */
char *inkan_test_root_key (void);

/* `openssl ocsp` answering for `ca` (key `key`, index file `index`) on `port`, ready when it
 * returns; it dies with the test. OpenSSL 3.0's -port takes a number only: it listens on every
 * interface. */
GPid inkan_test_ocsp_start (guint16 port, const char *index, const char *ca, const char *key);
void inkan_test_ocsp_stop (GPid pid);

G_END_DECLS
