/* The workflow store at scale: fills a store with requests and audit entries through the C API,
 * then times the approver's queue and the audit chain walk against the floor of hashing. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-store-private.h"
#include "inkan-store.h"

#include <glib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 50000

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1e6;
}

static void
die (const char *what, GError *error)
{
  fprintf (stderr, "inkan-bench-store: %s: %s\n", what, error != NULL ? error->message : "?");
  exit (1);
}

/* A throw-away self-signed certificate: the store only keeps it and its fingerprint. */
static GBytes *
make_cert (const char *cn)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t der = { NULL, 0 };
  unsigned char serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  time_t now = time (NULL);
  GBytes *out;

  if (gnutls_x509_privkey_init (&key) < 0
      || gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                       GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0) < 0
      || gnutls_x509_crt_init (&crt) < 0)
    die ("make a certificate", NULL);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (crt, now - 86400);
  gnutls_x509_crt_set_expiration_time (crt, now + 2 * 365 * 86400);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned) strlen (cn));
  gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                        (unsigned) strlen (cn));
  gnutls_x509_crt_set_key (crt, key);
  if (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0
      || gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der) < 0)
    die ("sign a certificate", NULL);
  out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return out;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanAuditContext) ctx = inkan_audit_context_new_local ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (InkanUser) admin = NULL, clerk = NULL, approver = NULL, auditor = NULL;
  g_autoptr (InkanSeal) seal = NULL;
  g_autoptr (GBytes) cert_admin = NULL, cert_clerk = NULL, cert_approver = NULL;
  g_autoptr (GBytes) cert_auditor = NULL;
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *why = NULL;
  InkanSeal draft = { 0 };
  GError *error = NULL;
  gint64 n_requests, n_audit, keep_every, i, start, first_bad = 0;
  guint64 n_checked = 0, bytes = 0, audit_now = 0;
  double t, queue_ms[21], verify_s, floor_s;
  guint queue_len = 0;
  const char *path;

  if (argc != 5)
    {
      fprintf (stderr, "Usage: inkan-bench-store DB N_REQUESTS N_AUDIT KEEP_EVERY\n"
                       "  KEEP_EVERY: one request in that many stays pending; the others are "
                       "cancelled.\n");
      return 2;
    }
  path = argv[1];
  n_requests = g_ascii_strtoll (argv[2], NULL, 10);
  n_audit = g_ascii_strtoll (argv[3], NULL, 10);
  keep_every = MAX (1, g_ascii_strtoll (argv[4], NULL, 10));

  store = inkan_store_open (path, &error);
  if (store == NULL)
    die ("open the store", error);
  /* The figures are about reading; filling need not wait for the disk at each commit. */
  sqlite3_exec (_inkan_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);

  cert_admin = make_cert ("Bench Admin");
  cert_clerk = make_cert ("Bench Clerk");
  cert_approver = make_cert ("Bench Approver");
  cert_auditor = make_cert ("Bench Auditor");
  admin = inkan_store_add_user (store, ctx, NULL, "admin", INKAN_ROLE_ADMIN, cert_admin, now,
                                &error);
  if (admin == NULL)
    die ("add the administrator", error);
  clerk = inkan_store_add_user (store, ctx, admin, "clerk", INKAN_ROLE_CLERK, cert_clerk, now,
                                &error);
  approver = clerk != NULL ? inkan_store_add_user (store, ctx, admin, "approver",
                                                   INKAN_ROLE_APPROVER, cert_approver, now,
                                                   &error)
                           : NULL;
  auditor = approver != NULL ? inkan_store_add_user (store, ctx, admin, "auditor",
                                                     INKAN_ROLE_AUDITOR, cert_auditor, now,
                                                     &error)
                             : NULL;
  if (auditor == NULL)
    die ("add the users", error);
  g_ptr_array_add (chain, (gpointer) "approver");
  draft.name = (char *) "Contract";
  draft.kind = INKAN_SEAL_CONTRACT;
  draft.cert_der = cert_admin;
  draft.key_url = (char *) "pkcs11:token=Bench;id=%01;type=private";
  draft.approval_chain = chain;
  seal = inkan_store_create_seal (store, ctx, admin, &draft, now, &error);
  if (seal == NULL)
    die ("create the seal", error);

  /* Requests through the public API: one transaction each, as the CLI makes them. */
  start = g_get_monotonic_time ();
  for (i = 0; i < n_requests; i++)
    {
      g_autoptr (InkanRequest) made = NULL;
      g_autofree char *name = g_strdup_printf ("contract-%06" G_GINT64_FORMAT ".pdf", i);
      g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
      InkanRequest r = { 0 };

      r.seal_id = seal->id;
      r.requester_id = clerk->id;
      r.document_sha256 = sha;
      r.document_name = name;
      r.reason = (char *) "Supply contract";
      made = inkan_store_create_request (store, ctx, clerk, &r, now, &error);
      if (made == NULL)
        die ("create a request", error);
      if (i % keep_every != 0 && !inkan_store_cancel_request (store, ctx, clerk, made->id, now,
                                                              &error))
        die ("cancel a request", error);
    }
  t = seconds_since (start);
  printf ("requests: %" G_GINT64_FORMAT " made (%" G_GINT64_FORMAT " left pending) in %.1f s, "
          "%.0f requests/s with their cancellations\n", n_requests,
          (n_requests + keep_every - 1) / keep_every, t, n_requests / t);

  /* The rest of the audit entries in big transactions, through the store's own append. */
  if (!inkan_store_verify_audit (store, &first_bad, &why, &audit_now, &error))
    die ("count the audit entries", error);
  start = g_get_monotonic_time ();
  for (i = (gint64) audit_now; i < n_audit;)
    {
      gint64 end = MIN (n_audit, i + BATCH);

      /* The store's own writers hold its lock around their transactions; so does this one. */
      g_mutex_lock (&store->lock);
      if (!_inkan_store_begin (store, &error))
        die ("begin", error);
      for (; i < end; i++)
        {
          g_autofree char *objects = g_strdup_printf ("seal:%" G_GINT64_FORMAT " request:%"
                                                      G_GINT64_FORMAT, seal->id,
                                                      1 + i % MAX (n_requests, 1));
          g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, objects, -1);

          if (!_inkan_store_append_audit (store, ctx, clerk, "sign.refused", objects, sha,
                                          "GRANT_USED_UP: Grant 12 for the Contract seal has "
                                          "been used its 1 time; ask an administrator for "
                                          "another.", now, &error))
            die ("append an audit entry", error);
        }
      if (!_inkan_store_commit (store, "add the audit entries", &error))
        die ("commit", error);
      g_mutex_unlock (&store->lock);
    }
  t = seconds_since (start);
  printf ("audit: %" G_GINT64_FORMAT " entries in all, %" G_GINT64_FORMAT " appended in %.1f s "
          "(batches of %d)\n", MAX (n_audit, (gint64) audit_now),
          n_audit - (gint64) MIN ((guint64) n_audit, audit_now), t, BATCH);

  /* The approver's queue: best and median of 21, after one warm-up. */
  {
    g_autoptr (GPtrArray) warm = inkan_store_list_requests (store, INKAN_REQUEST_PENDING,
                                                            approver, &error);
    if (warm == NULL)
      die ("list the queue", error);
    queue_len = warm->len;
  }
  for (i = 0; i < 21; i++)
    {
      g_autoptr (GPtrArray) queue = NULL;

      start = g_get_monotonic_time ();
      queue = inkan_store_list_requests (store, INKAN_REQUEST_PENDING, approver, &error);
      queue_ms[i] = seconds_since (start) * 1000;
      if (queue == NULL)
        die ("list the queue", error);
    }
  qsort (queue_ms, 21, sizeof (double), compare_double);
  printf ("queue: %u pending requests for the approver among %" G_GINT64_FORMAT ": best %.2f ms, "
          "median %.2f ms (target < 20 ms)\n", queue_len, n_requests, queue_ms[0], queue_ms[10]);

  /* The chain walk, then the floor: one SHA-256 per entry over its fields and the previous
   * hash, the bytes the walk must hash at the least. */
  start = g_get_monotonic_time ();
  if (!inkan_store_verify_audit (store, &first_bad, &why, &n_checked, &error))
    die ("verify the audit trail", error);
  verify_s = seconds_since (start);
  entries = inkan_store_list_audit (store, NULL, &error);
  if (entries == NULL)
    die ("read the audit trail", error);
  {
    g_autoptr (GPtrArray) canon = g_ptr_array_new_with_free_func (g_free);
    guint8 digest[32];

    for (i = 0; i < (gint64) entries->len; i++)
      {
        const InkanAuditEntry *e = entries->pdata[i];
        g_autofree char *time = _inkan_store_format_time (e->time);
        char *text = g_strdup_printf ("%s%" G_GINT64_FORMAT "\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n"
                                      "%s\n%s\n", e->prev_hash, e->seq, time,
                                      e->actor ? e->actor : "",
                                      e->actor_cert_sha256 ? e->actor_cert_sha256 : "",
                                      e->action, e->objects ? e->objects : "",
                                      e->document_sha256 ? e->document_sha256 : "",
                                      e->details ? e->details : "", e->host ? e->host : "",
                                      e->ips ? e->ips : "", e->device ? e->device : "");
        bytes += strlen (text);
        g_ptr_array_add (canon, text);
      }
    start = g_get_monotonic_time ();
    for (i = 0; i < (gint64) canon->len; i++)
      gnutls_hash_fast (GNUTLS_DIG_SHA256, canon->pdata[i], strlen (canon->pdata[i]), digest);
    floor_s = seconds_since (start);
  }
  printf ("audit verify: %" G_GUINT64_FORMAT " entries in %.2f s = %.0f entries/s "
          "(%.1f MB of entries)\n", n_checked, verify_s, n_checked / verify_s, bytes / 1e6);
  printf ("hash floor: the same %" G_GUINT64_FORMAT " entries' bytes hashed one SHA-256 each in "
          "%.3f s = %.0f entries/s; audit verify runs at %.0f%% of the floor\n",
          (guint64) entries->len, floor_s, entries->len / floor_s,
          100.0 * (n_checked / verify_s) / (entries->len / floor_s));
  return 0;
}
