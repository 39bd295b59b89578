/* Sealing a PDF: placement, appearance, incremental update, digest, CMS and atomic output. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-sign.h"
#include "inkan-output-private.h"
#include "inkan-seal-record.h"

#include "inkan-cms.h"
#include "inkan-cms-verify.h"
#include "inkan-evidence.h"
#include "inkan-image.h"
#include "inkan-pdf-private.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large enough to keep the disk busy, small enough to stay far under the memory budget. */
#define COPY_CHUNK (1024 * 1024)
/* The file's last "%%EOF" is in its last 1024 bytes (ISO 32000): the hash is copied there. */
#define SNAP_BEFORE_END 1024

/* Refuses to overwrite the input, by name or through another path to the same file. */
static gboolean
check_distinct (const char *input, const char *output, GError **error)
{
  if (!_inkan_output_check_distinct (input, output))
    {
      g_autofree char *display = g_filename_display_name (output);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_WRITE,
                   _("The sealed copy cannot replace the original “%s”: choose another output "
                     "file."),
                   display);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_changed_error (const char *input, GError **error)
{
  g_autofree char *display = g_filename_display_name (input);

  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
               _("“%s” changed while it was being sealed: seal it again once it is complete."),
               display);
  return FALSE;
}

/* The original goes into the output and through the digest on two threads beside the parser.
 * The copier moves it in the kernel (copy_file_range: no pass through user memory, a clone
 * where the file system can), starts its write-back chunk by chunk, and makes it durable with
 * fdatasync while the rest of the work goes on: the final fsync then only waits for the
 * increment. The hasher follows the copier through the output's own pages, so the digest covers
 * exactly the bytes the output holds, whatever happens to the input meanwhile. */
typedef struct
{
  const char *input;
  GStatBuf st;             /* the input as it was before the parse */
  InkanOutput *out;

  GMutex lock;
  GCond progress;
  guint64 copied;          /* bytes of the original in the output so far */
  gboolean copy_over;      /* the copier stopped, done or failed */
  gboolean copy_failed;
  GError *copy_error;
  gint cancelled;          /* atomic: the seal will not be made, stop copying */
  gboolean abandoned;      /* the copier stopped for that: its error says nothing new */

  gnutls_hash_hd_t hash;
  gboolean hash_ok;
  GError *hash_error;
  /* The hash as it was at `snap_at`, near the end: the verification code covers the original
   * up to its last "%%EOF", which the parse finds while the hasher runs. */
  guint64 snap_at;
  gnutls_hash_hd_t snap;
} Pipeline;

static void
pipeline_advance (Pipeline *pl, guint64 copied, gboolean over, gboolean failed)
{
  g_mutex_lock (&pl->lock);
  pl->copied = copied;
  pl->copy_over = over;
  pl->copy_failed = failed;
  g_cond_signal (&pl->progress);
  g_mutex_unlock (&pl->lock);
}

/* Tells the hasher how far the copy is; FALSE once the seal will not be made. */
static gboolean
copy_progress (guint64 copied, gpointer data)
{
  Pipeline *pl = data;

  pipeline_advance (pl, copied, FALSE, FALSE);
  return !g_atomic_int_get (&pl->cancelled);
}

/* The copy, made durable with fdatasync while the rest of the work goes on: the final fsync
 * then only waits for the increment. */
static gboolean
copy_original (Pipeline *pl, GError **error)
{
  switch (_inkan_output_copy (pl->out, pl->input, &pl->st, copy_progress, pl, error))
    {
    case INKAN_OUTPUT_COPY_DONE:
      break;
    case INKAN_OUTPUT_COPY_CHANGED:
      return set_changed_error (pl->input, error);
    case INKAN_OUTPUT_COPY_STOPPED:
      pl->abandoned = TRUE;
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED, _("Sealing was abandoned."));
      return FALSE;
    case INKAN_OUTPUT_COPY_FAILED:
    default:
      return FALSE;
    }
  pipeline_advance (pl, (guint64) pl->st.st_size, TRUE, FALSE);
  if (fdatasync (pl->out->fd) != 0)
    return _inkan_output_set_error (pl->out, errno, error);
  return TRUE;
}

static gpointer
copy_thread (gpointer data)
{
  Pipeline *pl = data;
  gboolean ok = copy_original (pl, &pl->copy_error);

  g_mutex_lock (&pl->lock);
  if (!ok)
    pl->copy_failed = TRUE;
  pl->copy_over = TRUE;
  g_cond_signal (&pl->progress);
  g_mutex_unlock (&pl->lock);
  return GINT_TO_POINTER (ok);
}

/* Hashes the original from the output, as far as the copier got. FALSE when the copier
 * failed (its error says why) or the output cannot be read back. */
static gboolean
hash_copied (Pipeline *pl, GError **error)
{
  g_autofree guint8 *buf = g_malloc (COPY_CHUNK);
  guint64 size = (guint64) pl->st.st_size, hashed = 0;

  while (hashed < size)
    {
      guint64 available;
      gboolean over, failed;

      g_mutex_lock (&pl->lock);
      while (pl->copied == hashed && !pl->copy_over)
        g_cond_wait (&pl->progress, &pl->lock);
      available = pl->copied;
      over = pl->copy_over;
      failed = pl->copy_failed;
      g_mutex_unlock (&pl->lock);
      if (failed || (over && available == hashed))
        return FALSE;

      while (hashed < available)
        {
          guint64 want = MIN (COPY_CHUNK, available - hashed);

          if (hashed == pl->snap_at && pl->snap == NULL)
            pl->snap = gnutls_hash_copy (pl->hash);
          if (hashed < pl->snap_at)
            want = MIN (want, pl->snap_at - hashed);
          if (!_inkan_output_hash (pl->out, hashed, hashed + want, pl->hash, buf, COPY_CHUNK,
                                   error))
            return FALSE;
          hashed += want;
        }
    }
  return TRUE;
}

static gpointer
hash_thread (gpointer data)
{
  Pipeline *pl = data;

  pl->hash_ok = hash_copied (pl, &pl->hash_error);
  return NULL;
}

/* The signer, given or still being opened, waited for only when it is needed, with its
 * certificate checked for the signing time once. Every caller gets the same outcome. */
typedef struct
{
  const InkanSignOptions *options;
  GDateTime *time;
  InkanSigner *signer;      /* a reference, once waited for */
  GError *usable_error;     /* why its certificate may not seal */
  gboolean checked;
} SignerSlot;

static void
signer_slot_clear (SignerSlot *slot)
{
  g_clear_object (&slot->signer);
  g_clear_error (&slot->usable_error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignerSlot, signer_slot_clear)

static gboolean
signer_wait (SignerSlot *slot, gboolean check_usable, GError **error)
{
  /* The opening keeps its outcome: asking it again gives the same signer or error. */
  if (slot->signer == NULL)
    slot->signer = slot->options->signer != NULL
                     ? g_object_ref (slot->options->signer)
                     : inkan_signer_opening_wait (slot->options->signer_opening, error);
  if (slot->signer == NULL)
    return FALSE;
  if (check_usable && !slot->checked)
    {
      slot->checked = TRUE;
      inkan_signer_check_usable (slot->signer, slot->time, &slot->usable_error);
    }
  if (check_usable && slot->usable_error != NULL)
    {
      g_propagate_error (error, g_error_copy (slot->usable_error));
      return FALSE;
    }
  return TRUE;
}

/* A failure found before the signer was needed is reported as it was when the signer was opened
 * first: a signer that cannot be used says so before anything about the document. Takes
 * `local`. */
static gboolean
fail_after_signer (SignerSlot *slot, gboolean check_usable, GError *local, GError **error)
{
  if (!signer_wait (slot, check_usable, error))
    {
      g_error_free (local);
      return FALSE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

/* The seal image, decoded and compressed on a thread of its own while the document is parsed
 * (about 20 ms for a 600 × 600 seal, which would otherwise follow the parse). */
typedef struct
{
  const char *path;
  GThread *thread;          /* until joined */
  InkanImage *image;
  GError *error;
} ImageLoad;

static gpointer
image_thread (gpointer data)
{
  ImageLoad *load = data;

  load->image = inkan_image_load_png (load->path, &load->error);
  return NULL;
}

static void
image_load_start (ImageLoad *load, const char *path)
{
  load->path = path;
  if (path != NULL)
    load->thread = g_thread_new ("inkan-image", image_thread, load);
}

/* The image, or NULL with its error; each is handed over once. */
static InkanImage *
image_load_finish (ImageLoad *load, GError **error)
{
  if (load->thread != NULL)
    g_thread_join (g_steal_pointer (&load->thread));
  if (load->error != NULL)
    g_propagate_error (error, g_steal_pointer (&load->error));
  return g_steal_pointer (&load->image);
}

static void
image_load_clear (ImageLoad *load)
{
  if (load->thread != NULL)
    g_thread_join (g_steal_pointer (&load->thread));
  g_clear_pointer (&load->image, inkan_image_free);
  g_clear_error (&load->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ImageLoad, image_load_clear)

/* Reads and checks the document, and takes the seal image `load` was started on when one was
 * asked for: a document that cannot be sealed is reported before an image that cannot be used. */
static InkanPdf *
read_document (const InkanSignOptions *options, ImageLoad *load, InkanImage **image,
               GError **error)
{
  g_autoptr (InkanPdf) pdf = NULL;

  pdf = inkan_pdf_open (options->input, error);
  if (pdf == NULL)
    return NULL;
  if (options->image != NULL)
    {
      *image = image_load_finish (load, error);
      if (*image == NULL)
        return NULL;
    }
  return g_steal_pointer (&pdf);
}

/* "Sealed by <signer's name> on <date>" */
static char *
watermark_text (InkanSigner *signer, GDateTime *time)
{
  gnutls_x509_crt_t *chain;
  guint n_chain;
  char name[256];
  size_t len = sizeof name;
  g_autofree char *date = g_date_time_format (time, "%Y-%m-%d");

  chain = inkan_signer_get_chain (signer, &n_chain);
  if (n_chain == 0
      || gnutls_x509_crt_get_dn_by_oid (chain[0], GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &len)
           < 0)
    g_strlcpy (name, _("an unknown signer"), sizeof name);
  return g_strdup_printf (_("Sealed by %s on %s"), name, date);
}

/* The signed attribute that carries the seal record, when there is one. */
static const char *
seal_record_oid (const InkanSignOptions *options)
{
  return options->seal_record != NULL ? INKAN_SEAL_RECORD_OID : NULL;
}

/* Places the seal and prepares the increment, with room for the signer's CMS. */
static InkanPdfIncrement *
prepare_increment (const InkanSignOptions *options, InkanPdf *pdf, const InkanImage *image,
                   InkanSigner *signer, GDateTime *time, gsize reserve, const char *code,
                   GError **error)
{
  InkanPdfSigParams params = { 0 };
  g_autofree char *qr = code != NULL && options->qr ? g_strdup_printf ("inkan:verify?code=%s", code)
                                                    : NULL;
  g_autofree char *watermark = options->watermark ? watermark_text (signer, time) : NULL;
  gnutls_x509_crt_t *chain;
  guint n_chain;

  chain = inkan_signer_get_chain (signer, &n_chain);
  params.page = options->page;
  params.has_rect = options->has_rect;
  params.rect = options->rect;
  params.image = image;
  params.field = options->field;
  params.reason = options->reason;
  params.location = options->location;
  params.time = time;
  params.evidence = options->evidence;
  params.code = code;
  params.qr = qr;
  params.watermark = watermark;
  params.riding = options->riding;
  params.riding_pages = options->riding_pages;
  params.n_riding_pages = options->n_riding_pages;
  params.contents_size = inkan_cms_max_size_with (inkan_signer_get_privkey (signer),
                                                  (gnutls_x509_crt_t const *) chain, n_chain,
                                                  seal_record_oid (options), options->seal_record)
                         + reserve;
  return _inkan_pdf_prepare_signature (pdf, &params, error);
}

/* B-T: the TSA's token over the signature value, as an unsigned attribute of the CMS. */
static gboolean
timestamp_cms (InkanTsa *tsa, GBytes **cms, GError **error)
{
  g_autoptr (InkanCmsSignedData) parsed = NULL;
  g_autoptr (InkanTimestamp) ts = NULL;
  GBytes *value, *stamped;

  parsed = inkan_cms_signed_data_parse (g_bytes_get_data (*cms, NULL), g_bytes_get_size (*cms),
                                        error);
  if (parsed == NULL)
    return FALSE;
  value = inkan_cms_signed_data_get_signature_value (parsed);
  ts = inkan_tsa_timestamp (tsa, g_bytes_get_data (value, NULL), g_bytes_get_size (value), NULL,
                            error);
  if (ts == NULL)
    return FALSE;
  stamped = inkan_cms_add_timestamp (*cms, inkan_timestamp_get_token (ts), error);
  if (stamped == NULL)
    return FALSE;
  g_bytes_unref (*cms);
  *cms = stamped;
  return TRUE;
}

/* qpdf's teardown of a parsed document (its object cache, ~15 ms at 1000 pages) runs beside the
 * signature and the final sync instead of before them. */
static gpointer
teardown_thread (gpointer data)
{
  g_object_unref (data);
  return NULL;
}

/* The approvals are for the document as it was approved: the original's digest (the hash so
 * far, before the increment) must be the request's. */
static gboolean
check_evidence_document (Pipeline *pl, const InkanEvidence *evidence, GError **error)
{
  gnutls_hash_hd_t copy = gnutls_hash_copy (pl->hash);
  guint8 digest[INKAN_CMS_DIGEST_LEN];
  char hex[2 * INKAN_CMS_DIGEST_LEN + 1];
  gsize i;

  if (copy == NULL)
    {
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("Cannot compute a digest of the document."));
      return FALSE;
    }
  gnutls_hash_deinit (copy, digest);
  for (i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  if (g_ascii_strcasecmp (hex, evidence->request.document_sha256) != 0)
    {
      g_autofree char *display = g_filename_display_name (pl->input);

      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("“%s” is not the document approved in request %" PRId64 " (it "
                     "changed after approval): ask for approval of this version."),
                   display, evidence->request.id);
      return FALSE;
    }
  return TRUE;
}

char *
inkan_verification_code (const guint8 *cert_der, gsize cert_len,
                         const guint8 document_sha256[32], const char *signing_time)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static const guint8 label[] = "INKAN-VC1"; /* with its NUL */
  g_autoptr (GChecksum) outer = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 cert_digest[32], v[32];
  gsize len = sizeof cert_digest;
  GString *code = g_string_new (NULL);
  guint i;

  g_return_val_if_fail (cert_der != NULL && document_sha256 != NULL && signing_time != NULL,
                        NULL);
  gnutls_hash_fast (GNUTLS_DIG_SHA256, cert_der, cert_len, cert_digest);
  g_checksum_update (outer, label, sizeof label);
  g_checksum_update (outer, cert_digest, sizeof cert_digest);
  g_checksum_update (outer, document_sha256, 32);
  g_checksum_update (outer, (const guint8 *) signing_time, (gssize) strlen (signing_time));
  len = sizeof v;
  g_checksum_get_digest (outer, v, &len);
  for (i = 0; i < INKAN_VERIFICATION_CODE_CHARS; i++)
    {
      guint bit = i * 5, byte = bit / 8, shift = bit % 8;
      guint word = ((guint) v[byte] << 8) | v[byte + 1];

      if (i > 0 && i % 4 == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, alphabet[(word >> (11 - shift)) & 0x1f]);
    }
  return g_string_free (code, FALSE);
}

char *
inkan_verification_code_normalize (const char *text)
{
  g_autoptr (GString) plain = g_string_new (NULL);
  GString *code;
  const char *p;
  guint i;

  g_return_val_if_fail (text != NULL, NULL);
  for (p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      c = c == '0' ? 'O' : c == '1' ? 'I' : c == '8' ? 'B' : c;
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
        return NULL;
      g_string_append_c (plain, c);
    }
  if (plain->len != INKAN_VERIFICATION_CODE_CHARS)
    return NULL;
  code = g_string_new (NULL);
  for (i = 0; i < plain->len; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, plain->str[i]);
    }
  return g_string_free (code, FALSE);
}

/* The sealing's verification code, once the hasher is through the original. */
static char *
sealing_code (Pipeline *pl, InkanPdf *pdf, InkanSigner *signer, GDateTime *time, GError **error)
{
  g_autofree char *m = _inkan_pdf_format_date (time);
  guint8 tail[SNAP_BEFORE_END];
  guint64 end = _inkan_pdf_get_revision_end (pdf);
  gnutls_x509_crt_t *chain;
  gnutls_datum_t der = { NULL, 0 };
  gnutls_hash_hd_t copy;
  guint8 digest[32];
  guint n_chain;
  char *code;

  chain = inkan_signer_get_chain (signer, &n_chain);
  copy = pl->snap != NULL && end >= pl->snap_at ? gnutls_hash_copy (pl->snap) : NULL;
  if (copy == NULL || n_chain == 0
      || gnutls_x509_crt_export2 (chain[0], GNUTLS_X509_FMT_DER, &der) < 0)
    {
      if (copy != NULL)
        gnutls_hash_deinit (copy, NULL);
      g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("Cannot compute the seal’s verification code."));
      return NULL;
    }
  if (!_inkan_output_hash (pl->out, pl->snap_at, end, copy, tail, sizeof tail, error))
    {
      gnutls_hash_deinit (copy, NULL);
      gnutls_free (der.data);
      return NULL;
    }
  gnutls_hash_deinit (copy, digest);
  code = inkan_verification_code (der.data, der.size, digest, m);
  gnutls_free (der.data);
  return code;
}

/* Stops the copier early when the seal cannot be made anyway. */
static void
pipeline_cancel (Pipeline *pl)
{
  g_atomic_int_set (&pl->cancelled, 1);
}

gboolean
inkan_sign_pdf (const InkanSignOptions *options, GError **error)
{
  g_autoptr (InkanPdfIncrement) inc = NULL;
  g_autoptr (InkanPdf) pdf = NULL;
  g_autoptr (InkanImage) image = NULL;
  g_autoptr (GDateTime) time = NULL;
  g_autoptr (GBytes) cms = NULL;
  g_auto (InkanOutput) out = INKAN_OUTPUT_INIT;
  g_auto (SignerSlot) slot = { 0 };
  g_auto (ImageLoad) load = { 0 };
  g_autofree char *hex = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GError) signer_error = NULL;
  g_autoptr (InkanEvidence) evidence = NULL;
  g_autofree char *code = NULL;
  Pipeline pl = { 0 };
  GThread *copier = NULL, *hasher = NULL, *teardown = NULL;
  gboolean copy_ok = FALSE, document_failed, ok = FALSE;
  gnutls_x509_crt_t *chain;
  guint8 digest[INKAN_CMS_DIGEST_LEN];
  const guint8 *inc_data = NULL, *cms_data;
  gsize inc_len = 0, cms_len, i;
  guint64 size = 0;
  gsize reserve = 0;
  guint n_chain;
  int rc;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (options->input != NULL && options->output != NULL, FALSE);
  g_return_val_if_fail (INKAN_IS_SIGNER (options->signer) || options->signer_opening != NULL,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  time = options->time != NULL ? g_date_time_ref (options->time) : g_date_time_new_now_local ();
  slot.options = options;
  slot.time = time;
  if (!check_distinct (options->input, options->output, &local_error))
    return fail_after_signer (&slot, FALSE, g_steal_pointer (&local_error), error);
  /* A signer at hand is checked at once; one being opened when the document has been read. */
  if (options->signer != NULL && !signer_wait (&slot, TRUE, error))
    return FALSE;
  /* Evidence that the verifier could not read would only confuse the recipient. */
  if (options->evidence != NULL)
    {
      evidence = inkan_evidence_parse (options->evidence, &local_error);
      if (evidence == NULL)
        return fail_after_signer (&slot, TRUE, g_steal_pointer (&local_error), error);
    }
  if (g_stat (options->input, &pl.st) != 0 || !S_ISREG (pl.st.st_mode))
    {
      /* Let the reader say what is wrong with the input. */
      pdf = inkan_pdf_open (options->input, &local_error);
      g_return_val_if_fail (pdf == NULL, FALSE);
      return fail_after_signer (&slot, TRUE, g_steal_pointer (&local_error), error);
    }

  /* The TSA is asked before the output exists: one that is down stops the seal before anything
   * is written, and its answer tells how much room its tokens need in /Contents. */
  if (options->tsa != NULL)
    {
      gsize probe = inkan_tsa_probe_size (options->tsa, NULL, &local_error);

      if (probe == 0)
        return fail_after_signer (&slot, TRUE, g_steal_pointer (&local_error), error);
      reserve = inkan_cms_timestamp_overhead (probe);
    }
  if (!_inkan_output_open (&out, options->output, &local_error))
    return fail_after_signer (&slot, TRUE, g_steal_pointer (&local_error), error);
  rc = gnutls_hash_init (&pl.hash, GNUTLS_DIG_SHA256);
  if (rc < 0)
    {
      g_set_error (&local_error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("Cannot compute a digest: %s"), gnutls_strerror (rc));
      return fail_after_signer (&slot, TRUE, g_steal_pointer (&local_error), error);
    }

  /* Copying and hashing the original need nothing from the parse: the three run side by side
   * (and the signer's opening beside them), and the copy is durable by the time the signature
   * is made. */
  pl.input = options->input;
  pl.out = &out;
  pl.snap_at = (guint64) pl.st.st_size > SNAP_BEFORE_END ? (guint64) pl.st.st_size - SNAP_BEFORE_END
                                                         : 0;
  g_mutex_init (&pl.lock);
  g_cond_init (&pl.progress);
  copier = g_thread_new ("inkan-copy", copy_thread, &pl);
  hasher = g_thread_new ("inkan-hash", hash_thread, &pl);
  image_load_start (&load, options->image);
  pdf = read_document (options, &load, &image, &local_error);
  /* The increment reserves room for the signer's chain: the signer is needed from here on. */
  if (!signer_wait (&slot, TRUE, &signer_error))
    pipeline_cancel (&pl);
  else if (pdf != NULL)
    {
      size = inkan_pdf_get_size (pdf);
      /* The code printed in the appearance covers the original's digest: the hasher is waited
       * for here rather than after the increment is written. */
      g_thread_join (g_steal_pointer (&hasher));
      if (size != (guint64) pl.st.st_size)
        set_changed_error (options->input, &local_error);
      else if (pl.hash_ok)
        code = sealing_code (&pl, pdf, slot.signer, time, &local_error);
      if (code != NULL)
        inc = prepare_increment (options, pdf, image, slot.signer, time, reserve, code,
                                 &local_error);
    }
  document_failed = local_error != NULL;
  if (signer_error == NULL && local_error == NULL && inc != NULL)
    {
      inc_data = g_bytes_get_data (inc->bytes, &inc_len);
      _inkan_output_write_at (&out, inc_data, inc_len, size, &local_error);
    }
  if (signer_error != NULL || local_error != NULL)
    pipeline_cancel (&pl);
  if (pdf != NULL)
    teardown = g_thread_new ("inkan-teardown", teardown_thread, g_steal_pointer (&pdf));
  if (hasher != NULL)
    g_thread_join (g_steal_pointer (&hasher));
  if (signer_error != NULL || local_error != NULL || !pl.hash_ok || inc == NULL)
    goto finish;
  if (evidence != NULL && !check_evidence_document (&pl, evidence, &local_error))
    goto finish;

  gnutls_hash (pl.hash, inc_data, inc->gap_start);
  gnutls_hash (pl.hash, inc_data + inc->gap_end, inc_len - inc->gap_end);
  gnutls_hash_deinit (g_steal_pointer (&pl.hash), digest);

  chain = inkan_signer_get_chain (slot.signer, &n_chain);
  cms = inkan_cms_sign_detached_with (inkan_signer_get_privkey (slot.signer),
                                      (gnutls_x509_crt_t const *) chain, n_chain, digest,
                                      seal_record_oid (options), options->seal_record,
                                      &local_error);
  if (cms == NULL || (options->tsa != NULL && !timestamp_cms (options->tsa, &cms, &local_error)))
    goto finish;
  cms_data = g_bytes_get_data (cms, &cms_len);
  if (cms_len * 2 > inc->gap_end - inc->gap_start - 2)
    {
      g_critical ("CMS of %" G_GSIZE_FORMAT " bytes exceeds its reserved space", cms_len);
      g_set_error (&local_error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_FAILED,
                   _("The signature is larger than the space reserved for it."));
      goto finish;
    }
  hex = g_malloc (cms_len * 2);
  for (i = 0; i < cms_len; i++)
    {
      static const char digits[] = "0123456789ABCDEF";
      hex[2 * i] = digits[cms_data[i] >> 4];
      hex[2 * i + 1] = digits[cms_data[i] & 0xf];
    }
  if (!_inkan_output_write_at (&out, hex, cms_len * 2, size + inc->gap_start + 1, &local_error))
    goto finish;
  ok = TRUE;

finish:
  if (!ok)
    pipeline_cancel (&pl);
  copy_ok = GPOINTER_TO_INT (g_thread_join (copier));
  if (pl.hash != NULL)
    gnutls_hash_deinit (pl.hash, NULL);
  if (pl.snap != NULL)
    gnutls_hash_deinit (pl.snap, NULL);
  g_mutex_clear (&pl.lock);
  g_cond_clear (&pl.progress);
  /* A signer that cannot seal says so first, as when it was opened before the document was
   * read; then what went wrong with the document, then what stopped the copy. */
  if (signer_error != NULL)
    g_propagate_error (error, g_steal_pointer (&signer_error));
  else if (document_failed)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!copy_ok && pl.copy_error != NULL && !pl.abandoned)
    g_propagate_error (error, g_steal_pointer (&pl.copy_error));
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!pl.hash_ok)
    g_propagate_error (error, g_steal_pointer (&pl.hash_error));
  g_clear_error (&pl.copy_error);
  g_clear_error (&pl.hash_error);
  if (ok && copy_ok)
    ok = _inkan_output_commit (&out, error);
  else
    ok = FALSE;
  if (ok && options->verification_code != NULL)
    *options->verification_code = g_steal_pointer (&code);
  /* The sealed copy is in place (or gone) before the teardown is waited for. */
  if (teardown != NULL)
    g_thread_join (teardown);
  return ok;
}
