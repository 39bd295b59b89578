/* The verifier: every signature of every revision, checked and explained in a report. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-verify.h"

#include "inkan-cms-verify.h"
#include "inkan-pdf.h"
#include "inkan-output-private.h"
#include "inkan-revisions.h"
#include "inkan-sign.h"
#include "inkan-revocation-private.h"
#include "inkan-tsa.h"

#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/ocsp.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

const char *
inkan_indication_to_string (InkanIndication indication)
{
  static const char * const names[] = { "TOTAL_PASSED", "INDETERMINATE", "TOTAL_FAILED",
                                        "NO_SIGNATURE" };

  g_return_val_if_fail ((guint) indication < G_N_ELEMENTS (names), NULL);
  return names[indication];
}

const char *
inkan_coverage_to_string (InkanCoverage coverage)
{
  static const char * const names[] = { "ENTIRE_FILE", "ENTIRE_REVISION", "PARTIAL", "UNCLEAR" };

  g_return_val_if_fail ((guint) coverage < G_N_ELEMENTS (names), NULL);
  return names[coverage];
}

static void
signature_report_free (gpointer data)
{
  InkanSignatureReport *sig = data;

  g_free (sig->field);
  g_free (sig->signer);
  g_free (sig->signer_name);
  g_free (sig->organisation);
  g_free (sig->subindication);
  g_clear_pointer (&sig->signing_time, g_date_time_unref);
  if (sig->timestamp != NULL)
    {
      g_clear_pointer (&sig->timestamp->time, g_date_time_unref);
      g_free (sig->timestamp->tsa);
      g_free (sig->timestamp);
    }
  g_free (sig->subfilter);
  g_free (sig->algorithm);
  g_free (sig->reason);
  g_free (sig->location);
  g_clear_pointer (&sig->chain, g_ptr_array_unref);
  g_clear_pointer (&sig->findings, g_ptr_array_unref);
  g_clear_pointer (&sig->evidence, inkan_evidence_free);
  g_clear_pointer (&sig->approvals, g_ptr_array_unref);
  g_free (sig->verification_code);
  g_clear_pointer (&sig->revocation, g_ptr_array_unref);
  g_clear_pointer (&sig->seal, inkan_seal_report_free);
  g_free (sig);
}

void
inkan_report_free (InkanReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file);
  g_clear_pointer (&report->signatures, g_ptr_array_unref);
  g_clear_pointer (&report->findings, g_ptr_array_unref);
  g_free (report);
}

/* ---- findings and verdicts ----------------------------------------------------------------- */

static void
add_finding (GPtrArray *findings, const char *code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
add_finding (GPtrArray *findings, const char *code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (findings, inkan_finding_new (code, message));
}

/* Keeps the worst verdict: a failure is never softened by a later, milder finding. */
static void
set_verdict (InkanSignatureReport *sig, InkanIndication indication, const char *subindication)
{
  if (indication < sig->indication)
    return;
  if (indication == sig->indication && sig->subindication != NULL)
    return;
  sig->indication = indication;
  g_free (sig->subindication);
  sig->subindication = g_strdup (subindication);
}

/* ---- reading the PDF ----------------------------------------------------------------------- */

static qpdf_oh
dict_get (qpdf_data q, qpdf_oh dict, const char *key)
{
  if (!qpdf_oh_is_dictionary (q, dict) || !qpdf_oh_has_key (q, dict, key))
    return qpdf_oh_new_null (q);
  return qpdf_oh_get_key (q, dict, key);
}

static char *
dict_get_text (qpdf_data q, qpdf_oh dict, const char *key)
{
  qpdf_oh value = dict_get (q, dict, key);

  if (!qpdf_oh_is_string (q, value))
    return NULL;
  return g_utf8_make_valid (qpdf_oh_get_utf8_value (q, value), -1);
}

static char *
dict_get_name (qpdf_data q, qpdf_oh dict, const char *key)
{
  qpdf_oh value = dict_get (q, dict, key);

  if (!qpdf_oh_is_name (q, value))
    return NULL;
  return g_strdup (qpdf_oh_get_name (q, value));
}

/* A PDF date, D:YYYYMMDDHHmmSSOHH'mm' with everything after the year optional. */
static GDateTime *
parse_pdf_date (const char *text)
{
  int field[6] = { 0, 1, 1, 0, 0, 0 };
  static const int width[6] = { 4, 2, 2, 2, 2, 2 };
  g_autoptr (GTimeZone) zone = NULL;
  const char *p = text;
  guint i;

  if (p == NULL)
    return NULL;
  if (g_str_has_prefix (p, "D:"))
    p += 2;
  for (i = 0; i < G_N_ELEMENTS (field); i++)
    {
      int v = 0, k;

      if (!g_ascii_isdigit (*p))
        {
          if (i == 0)
            return NULL;
          break;
        }
      for (k = 0; k < width[i]; k++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return NULL;
          v = v * 10 + (*p - '0');
        }
      field[i] = v;
    }
  if (*p == '+' || *p == '-')
    {
      int hours = 0, minutes = 0;
      char sign = *p++;

      if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
        {
          hours = (p[0] - '0') * 10 + (p[1] - '0');
          p += 2;
          if (*p == '\'')
            p++;
          if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
            minutes = (p[0] - '0') * 10 + (p[1] - '0');
        }
      zone = g_time_zone_new_offset ((sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60));
    }
  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  return g_date_time_new (zone, field[0], field[1], field[2], field[3], field[4], field[5]);
}

/* ---- the signatures of a revision ------------------------------------------------------------ */

typedef struct
{
  char *field;
  int sig_id;               /* the signature dictionary's object, 0 when direct */
  qpdf_oh field_oh;         /* the field, in the first revision's reading */
  guint first_rev;          /* the first revision where this signature appears */
} FoundSig;

/* The widget that shows a signature field: the field itself when it is one (merged), else its
 * first kid; null when it has none. */
static qpdf_oh
first_widget (qpdf_data q, qpdf_oh field)
{
  qpdf_oh kids;

  if (qpdf_oh_is_name_and_equals (q, dict_get (q, field, "/Subtype"), "/Widget"))
    return field;
  kids = dict_get (q, field, "/Kids");
  if (qpdf_oh_is_array (q, kids) && qpdf_oh_get_array_n_items (q, kids) > 0)
    return qpdf_oh_get_array_item (q, kids, 0);
  return qpdf_oh_new_null (q);
}

static void
found_sig_free (gpointer data)
{
  FoundSig *found = data;

  g_free (found->field);
  g_free (found);
}

/* A terminal field's /Kids are its widgets (a riding seal's slices): annotations with no name
 * of their own. */
static gboolean
kids_are_widgets (qpdf_data q, qpdf_oh kids)
{
  int n = qpdf_oh_get_array_n_items (q, kids), i;

  for (i = 0; i < n; i++)
    {
      qpdf_oh kid = qpdf_oh_get_array_item (q, kids, i);

      if (!qpdf_oh_is_name_and_equals (q, dict_get (q, kid, "/Subtype"), "/Widget")
          || qpdf_oh_has_key (q, kid, "/T"))
        return FALSE;
    }
  return n > 0;
}

static gboolean
same_sig (const FoundSig *a, const FoundSig *b)
{
  return g_strcmp0 (a->field, b->field) == 0 && a->sig_id == b->sig_id;
}

/* Whether field `name` with the signature dictionary that is object `sig_id` is among the
 * signatures of earlier revisions, `known`. */
static gboolean
is_known (GPtrArray *known, const char *name, int sig_id)
{
  FoundSig probe = { (char *) (name != NULL ? name : ""), sig_id, 0, 0 };
  guint i;

  for (i = 0; i < known->len; i++)
    if (same_sig (g_ptr_array_index (known, i), &probe))
      return TRUE;
  return FALSE;
}

/* Adds to `out` the signed signature fields of revision `rev` (reading `q`) that are not in
 * `known`: a signature dictionary already known is not parsed again. */
static void
collect_sig_fields (qpdf_data q, qpdf_oh fields, const char *prefix, gboolean inherited_sig,
                    guint depth, guint rev, GPtrArray *known, GPtrArray *out)
{
  int n, i;

  if (depth > 32 || !qpdf_oh_is_array (q, fields))
    return;
  n = qpdf_oh_get_array_n_items (q, fields);
  for (i = 0; i < n && i < 100000; i++)
    {
      qpdf_oh field = qpdf_oh_get_array_item (q, fields, i);
      g_autofree char *partial = NULL;
      g_autofree char *name = NULL;
      g_autofree char *ft = NULL;
      gboolean is_sig;
      qpdf_oh value;

      if (!qpdf_oh_is_dictionary (q, field))
        continue;
      partial = dict_get_text (q, field, "/T");
      if (partial != NULL)
        name = prefix != NULL ? g_strdup_printf ("%s.%s", prefix, partial) : g_strdup (partial);
      else
        name = g_strdup (prefix);
      ft = dict_get_name (q, field, "/FT");
      is_sig = ft != NULL ? g_str_equal (ft, "/Sig") : inherited_sig;
      if (qpdf_oh_has_key (q, field, "/Kids")
          && qpdf_oh_is_array (q, dict_get (q, field, "/Kids"))
          && !qpdf_oh_is_name_and_equals (q, dict_get (q, field, "/Subtype"), "/Widget")
          && !kids_are_widgets (q, dict_get (q, field, "/Kids")))
        {
          collect_sig_fields (q, dict_get (q, field, "/Kids"), name, is_sig, depth + 1, rev,
                              known, out);
          continue;
        }
      /* Not dict_get: asking whether the key is there would parse the value. */
      value = qpdf_oh_get_key (q, field, "/V");
      if (!is_sig
          || (qpdf_oh_is_indirect (q, value)
              && is_known (known, name, qpdf_oh_get_object_id (q, value)))
          || !qpdf_oh_is_dictionary (q, value))
        continue;
      {
        FoundSig *found = g_new0 (FoundSig, 1);

        found->field = g_strdup (name != NULL ? name : "");
        found->sig_id = qpdf_oh_is_indirect (q, value) ? qpdf_oh_get_object_id (q, value) : 0;
        found->field_oh = field;
        found->first_rev = rev;
        g_ptr_array_add (out, found);
      }
    }
}

/* ---- checks of one signature ---------------------------------------------------------------- */

typedef struct
{
  InkanRevisions *revisions;
  const InkanVerifyOptions *options;
  GDateTime *now;
  guint8 *buffer;           /* HASH_STEP bytes for hash_range, once needed */
  InkanDiffer *differ;      /* each revision's object graph walked once for all the diffs */
  GPtrArray *diffs;         /* InkanDiff per revision (index rev), NULL until computed */
  GPtrArray *diff_errors;   /* GError per revision, or NULL */
  gboolean *diffed;
  GPtrArray *dss_ocsps;     /* gnutls_ocsp_resp_t of the last revision's /DSS, NULL until read */
  GPtrArray *dss_crls;      /* gnutls_x509_crl_t */
  GPtrArray *online_ocsps;  /* gnutls_ocsp_resp_t fetched during this verification */
  GPtrArray *online_crls;   /* gnutls_x509_crl_t */
  GHashTable *failed_urls;  /* responder URL → the message of its failure */
} Verifier;

/* The document is read this much at a time to be hashed. */
#define HASH_STEP (256 * 1024)

static gboolean
is_hex (guint8 c)
{
  return g_ascii_isxdigit (c);
}

/* Digests [from, to) of the document. A file is read by pread into a reused buffer rather than
 * through its mapping: a first touch of mapped pages costs a page fault every 64 KB, dear under
 * a hypervisor (hashing a 103 MB file through the mapping took 60 ms more CPU than by pread
 * here), and the resident set does not grow with the file. FALSE when the file cannot be read
 * that far (shortened, or a read error), where touching the mapping would kill the process.
 * Bytes in memory are hashed where they are. */
static gboolean
hash_range (Verifier *v, gnutls_hash_hd_t hash, const guint8 *data, gsize from, gsize to)
{
  int fd = inkan_revisions_get_fd (v->revisions);

  if (fd < 0)
    {
      gnutls_hash (hash, data + from, to - from);
      return TRUE;
    }
  if (v->buffer == NULL)
    v->buffer = g_malloc (HASH_STEP);
  return _inkan_hash_fd_range (fd, from, to, hash, v->buffer, HASH_STEP) == 0;
}


/* /ByteRange and /Contents: four integers starting at 0, in order, inside the file, leaving out
 * exactly this dictionary's /Contents hex string; the signed part ends at a revision's end.
 * Returns FALSE (coverage UNCLEAR, a failure recorded) when the ranges cannot be trusted. */
static gboolean
check_byte_range (Verifier *v, qpdf_data q, qpdf_oh sigdict, InkanSignatureReport *sig,
                  guint64 range[4], guint *signed_rev)
{
  gsize size, end, trailing = inkan_revisions_get_trailing (v->revisions);
  const guint8 *data = inkan_revisions_get_data (v->revisions, &size);
  qpdf_oh br = dict_get (q, sigdict, "/ByteRange");
  qpdf_oh contents = dict_get (q, sigdict, "/Contents");
  guint n_revs = inkan_revisions_get_n (v->revisions);
  const char *value;
  size_t value_len = 0;
  gsize gap_start, gap_end, i;
  guint rev;
  int k;

  sig->coverage = INKAN_COVERAGE_UNCLEAR;
  if (!qpdf_oh_is_array (q, br) || qpdf_oh_get_array_n_items (q, br) != 4)
    {
      add_finding (sig->findings, "BYTE_RANGE_MALFORMED",
                   _("The signature does not say which bytes it covers (its /ByteRange is "
                     "missing or malformed), so it proves nothing about this document. Do not "
                     "rely on it; ask the sender for a properly signed copy."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
      return FALSE;
    }
  for (k = 0; k < 4; k++)
    {
      qpdf_oh item = qpdf_oh_get_array_item (q, br, k);

      if (!qpdf_oh_is_integer (q, item) || qpdf_oh_get_int_value (q, item) < 0)
        {
          add_finding (sig->findings, "BYTE_RANGE_MALFORMED",
                       _("The byte ranges of the signature are not four non-negative whole "
                         "numbers, so it proves nothing about this document. Do not rely on it; "
                         "ask the sender for a properly signed copy."));
          set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
          return FALSE;
        }
      range[k] = (guint64) qpdf_oh_get_int_value (q, item);
    }
  if (range[0] != 0 || range[1] == 0 || range[2] <= range[1] || range[2] > size
      || range[3] > size - range[2])
    {
      add_finding (sig->findings, "BYTE_RANGE_INVALID",
                   _("The byte ranges of the signature do not start at the beginning of the "
                     "file, overlap, or reach beyond its end: the signature does not cover this "
                     "document as it should. Do not rely on it."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
      return FALSE;
    }

  /* The gap must hold exactly the hex string that /Contents has, and nothing else: anything
   * else there is unsigned content a reader would see. */
  gap_start = (gsize) range[1];
  gap_end = (gsize) range[2];
  if (qpdf_oh_is_string (q, contents))
    value = qpdf_oh_get_binary_string_value (q, contents, &value_len);
  else
    value = NULL;
  if (value == NULL || gap_end - gap_start != 2 * value_len + 2 || data[gap_start] != '<'
      || data[gap_end - 1] != '>')
    {
      add_finding (sig->findings, "BYTE_RANGE_GAP",
                   _("The part of the file the signature leaves out is not just the signature "
                     "value: unsigned content may be hidden there. Do not rely on this "
                     "signature."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
      return FALSE;
    }
  for (i = 0; i < value_len; i++)
    {
      guint8 hi = data[gap_start + 1 + 2 * i], lo = data[gap_start + 2 + 2 * i];

      if (!is_hex (hi) || !is_hex (lo)
          || (guint8) ((g_ascii_xdigit_value (hi) << 4) | g_ascii_xdigit_value (lo))
             != (guint8) value[i])
        {
          add_finding (sig->findings, "BYTE_RANGE_GAP",
                       _("The part of the file the signature leaves out is not this signature's "
                         "value: the ranges were moved. Do not rely on this signature."));
          set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
          return FALSE;
        }
    }
  /* The bytes just before the gap must be the key of this dictionary's entry. */
  {
    gsize p = gap_start;

    while (p > 0 && strchr (" \t\r\n\f", data[p - 1]) != NULL && gap_start - p < 16)
      p--;
    if (p < 9 || memcmp (data + p - 9, "/Contents", 9) != 0)
      {
        add_finding (sig->findings, "BYTE_RANGE_GAP",
                     _("The part of the file the signature leaves out is not where the "
                       "signature's value is written. Do not rely on this signature."));
        set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
        return FALSE;
      }
  }

  end = (gsize) (range[2] + range[3]);
  for (rev = 0; rev < n_revs; rev++)
    {
      gsize with_eol = 0;
      gsize rev_end = inkan_revisions_get_end (v->revisions, rev, &with_eol);

      if (end == rev_end || end == with_eol)
        break;
    }
  if (rev == n_revs)
    {
      sig->coverage = INKAN_COVERAGE_PARTIAL;
      add_finding (sig->findings, "COVERAGE_PARTIAL",
                   _("The signature ends in the middle of the file rather than at the end of a "
                     "saved version: what follows it is unsigned and may change what you see. "
                     "Do not rely on this signature."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
      *signed_rev = n_revs;
      return TRUE;
    }
  *signed_rev = rev;
  if (trailing > 0)
    {
      sig->coverage = INKAN_COVERAGE_PARTIAL;
      add_finding (sig->findings, "COVERAGE_TRAILING_BYTES",
                   _("Bytes were added after the last properly saved version of the file: a "
                     "program that repairs files could show them. Do not rely on this "
                     "signature; ask the sender for a clean copy."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
    }
  else if (rev + 1 == n_revs)
    sig->coverage = INKAN_COVERAGE_ENTIRE_FILE;
  else
    sig->coverage = INKAN_COVERAGE_ENTIRE_REVISION;
  return TRUE;
}

static void
cms_error_verdict (InkanSignatureReport *sig, const GError *error)
{
  static const struct
  {
    int code;
    InkanIndication indication;
    const char *subindication;
    const char *finding;
  } map[] = {
    { INKAN_CMS_VERIFY_ERROR_FORMAT, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE",
      "CMS_MALFORMED" },
    { INKAN_CMS_VERIFY_ERROR_UNSUPPORTED, INKAN_INDICATION_INDETERMINATE,
      "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "CMS_UNSUPPORTED" },
    { INKAN_CMS_VERIFY_ERROR_NO_SIGNER_CERT, INKAN_INDICATION_INDETERMINATE,
      "NO_SIGNING_CERTIFICATE_FOUND", "SIGNER_CERTIFICATE_MISSING" },
    { INKAN_CMS_VERIFY_ERROR_HASH_MISMATCH, INKAN_INDICATION_TOTAL_FAILED, "HASH_FAILURE",
      "DOCUMENT_CHANGED" },
    { INKAN_CMS_VERIFY_ERROR_SIGNATURE_INVALID, INKAN_INDICATION_TOTAL_FAILED,
      "SIG_CRYPTO_FAILURE", "SIGNATURE_INVALID" },
    { INKAN_CMS_VERIFY_ERROR_SIGNING_CERT_MISMATCH, INKAN_INDICATION_TOTAL_FAILED,
      "FORMAT_FAILURE", "SIGNING_CERTIFICATE_MISMATCH" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (map); i++)
    if (error->domain == INKAN_CMS_VERIFY_ERROR && error->code == map[i].code)
      {
        add_finding (sig->findings, map[i].finding, "%s", error->message);
        set_verdict (sig, map[i].indication, map[i].subindication);
        return;
      }
  add_finding (sig->findings, "CMS_MALFORMED", "%s", error->message);
  set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
}

static char *
crt_dn_part (gnutls_x509_crt_t crt, const char *oid)
{
  char buf[1024];
  size_t len = sizeof buf;

  if (gnutls_x509_crt_get_dn_by_oid (crt, oid, 0, 0, buf, &len) < 0)
    return NULL;
  return g_utf8_make_valid (buf, (gssize) len);
}

static void
describe_signer (InkanSignatureReport *sig, gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0)
    {
      sig->signer = g_utf8_make_valid ((const char *) dn.data, (gssize) dn.size);
      gnutls_free (dn.data);
    }
  sig->signer_name = crt_dn_part (crt, GNUTLS_OID_X520_COMMON_NAME);
  sig->organisation = crt_dn_part (crt, GNUTLS_OID_X520_ORGANIZATION_NAME);
}

static void
path_verdict (InkanSignatureReport *sig, const InkanPathResult *path, gboolean at_signing)
{
  switch (path->status)
    {
    case INKAN_PATH_OK:
      return;
    case INKAN_PATH_NO_CHAIN:
      add_finding (sig->findings, "CERTIFICATE_NOT_TRUSTED", "%s",
                   path->detail != NULL ? path->detail
                   : _("The signer's certificate does not lead to an organisation trusted on "
                       "this computer: import the organisation's root certificate if you know "
                       "it."));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND");
      return;
    case INKAN_PATH_EXPIRED:
    case INKAN_PATH_NOT_YET_VALID:
      /* The trust module's sentence names the certificate and the dates; ours says why that
       * matters here. */
      if (at_signing)
        add_finding (sig->findings, "CERTIFICATE_OUTSIDE_VALIDITY",
                     _("%s%sThe signature claims a time at which the certificate was not "
                       "valid."),
                     path->detail != NULL ? path->detail : "", path->detail != NULL ? " " : "");
      else
        add_finding (sig->findings, "CERTIFICATE_EXPIRED_NO_TIMESTAMP", "%s",
                     path->detail != NULL ? path->detail
                     : _("The signer's certificate is not valid now, and no trusted timestamp "
                         "proves that the signature was made while it was. Ask the sender for "
                         "a timestamped signature."));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE");
      return;
    case INKAN_PATH_KEY_USAGE:
      add_finding (sig->findings, "CERTIFICATE_KEY_USAGE", "%s",
                   path->detail != NULL ? path->detail
                   : _("The signer's certificate is not meant for signatures. Ask the sender "
                       "to sign with a signing certificate."));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "SIG_CONSTRAINTS_FAILURE");
      return;
    case INKAN_PATH_INVALID:
    default:
      add_finding (sig->findings, "CERTIFICATE_CHAIN_INVALID", "%s",
                   path->detail != NULL ? path->detail
                   : _("The signer's certificate chain is broken. Do not rely on this "
                       "signature."));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE");
      return;
    }
}

/* ---- revocation: the document security store, else (online) the certificates' responders --- */

static void
ocsp_resp_free (gpointer resp)
{
  gnutls_ocsp_resp_deinit (resp);
}

static void
crl_free (gpointer crl)
{
  gnutls_x509_crl_deinit (crl);
}

static gnutls_ocsp_resp_t
ocsp_import (const guint8 *data, gsize len)
{
  gnutls_ocsp_resp_t resp = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };

  if (len > G_MAXUINT || gnutls_ocsp_resp_init (&resp) < 0)
    return NULL;
  if (gnutls_ocsp_resp_import (resp, &datum) < 0)
    g_clear_pointer (&resp, gnutls_ocsp_resp_deinit);
  return resp;
}

static gnutls_x509_crl_t
crl_import (const guint8 *data, gsize len)
{
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };

  if (len > G_MAXUINT || gnutls_x509_crl_init (&crl) < 0)
    return NULL;
  if (gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER) < 0)
    g_clear_pointer (&crl, gnutls_x509_crl_deinit);
  return crl;
}

/* The streams of /DSS's `key` array in the last revision, decoded. */
static void
read_dss_array (qpdf_data q, qpdf_oh dss, const char *key, gboolean ocsp, GPtrArray *out)
{
  qpdf_oh array = dict_get (q, dss, key);
  int n = qpdf_oh_is_array (q, array) ? qpdf_oh_get_array_n_items (q, array) : 0;

  for (int i = 0; i < n && i < 10000; i++)
    {
      qpdf_oh stream = qpdf_oh_get_array_item (q, array, i);
      unsigned char *buf = NULL;
      size_t len = 0;
      gpointer item;

      if (!qpdf_oh_is_stream (q, stream)
          || qpdf_oh_get_stream_data (q, stream, qpdf_dl_generalized, NULL, &buf, &len)
                 != QPDF_SUCCESS
          || buf == NULL || len == 0)
        {
          free (buf);
          if (qpdf_has_error (q))
            qpdf_get_error (q);
          continue;
        }
      item = ocsp ? (gpointer) ocsp_import (buf, len) : (gpointer) crl_import (buf, len);
      if (item != NULL)
        g_ptr_array_add (out, item);
      free (buf);
    }
}

static void
load_dss (Verifier *v)
{
  g_autoptr (GError) error = NULL;
  guint n = inkan_revisions_get_n (v->revisions);
  qpdf_data q;

  if (v->dss_ocsps != NULL)
    return;
  v->dss_ocsps = g_ptr_array_new_with_free_func (ocsp_resp_free);
  v->dss_crls = g_ptr_array_new_with_free_func (crl_free);
  v->online_ocsps = g_ptr_array_new_with_free_func (ocsp_resp_free);
  v->online_crls = g_ptr_array_new_with_free_func (crl_free);
  v->failed_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  q = n > 0 ? inkan_revisions_get_qpdf (v->revisions, n - 1, &error) : NULL;
  if (q != NULL)
    {
      qpdf_oh dss = dict_get (q, qpdf_get_root (q), "/DSS");

      read_dss_array (q, dss, "/OCSPs", TRUE, v->dss_ocsps);
      read_dss_array (q, dss, "/CRLs", FALSE, v->dss_crls);
    }
}

/* The status of `cert` in `ocsps` (a response signed by `issuer` or its delegate), else in
 * `crls` (a CRL signed by `issuer`). FALSE when they say nothing about it. */
static gboolean
status_in (GPtrArray *ocsps, GPtrArray *crls, gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer,
           gboolean *revoked, gint64 *revoked_at, char **source)
{
  guint8 serial[128];
  size_t serial_len = sizeof serial;

  for (guint i = 0; i < ocsps->len; i++)
    {
      gnutls_ocsp_resp_t resp = g_ptr_array_index (ocsps, i);
      unsigned int verify = 0;

      if (gnutls_ocsp_resp_get_status (resp) != GNUTLS_OCSP_RESP_SUCCESSFUL
          || gnutls_ocsp_resp_verify_direct (resp, issuer, &verify, 0) < 0 || verify != 0)
        continue;
      for (unsigned int k = 0; k < 64; k++)
        {
          unsigned int status = 0;
          time_t when = (time_t) -1, produced;
          g_autoptr (GDateTime) at = NULL;

          if (gnutls_ocsp_resp_check_crt (resp, k, cert) < 0)
            {
              if (gnutls_ocsp_resp_get_single (resp, k, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                               NULL, NULL)
                  < 0)
                break;
              continue;
            }
          if (gnutls_ocsp_resp_get_single (resp, k, NULL, NULL, NULL, NULL, &status, NULL, NULL,
                                           &when, NULL)
                  < 0
              || status == GNUTLS_OCSP_CERT_UNKNOWN)
            break;
          produced = gnutls_ocsp_resp_get_produced (resp);
          at = g_date_time_new_from_unix_utc ((gint64) produced);
          *revoked = status == GNUTLS_OCSP_CERT_REVOKED;
          *revoked_at = (gint64) when;
          /* Translators: strftime format; the result is put into sentences. */
          *source = at != NULL ? g_date_time_format (at, _("an OCSP response of %Y-%m-%d %H:%M UTC"))
                               : g_strdup (_("an OCSP response"));
          return TRUE;
        }
    }

  if (gnutls_x509_crt_get_serial (cert, serial, &serial_len) < 0)
    return FALSE;
  for (guint i = 0; i < crls->len; i++)
    {
      gnutls_x509_crl_t crl = g_ptr_array_index (crls, i);
      unsigned int verify = 0;
      int n;

      if (!gnutls_x509_crl_check_issuer (crl, issuer)
          || gnutls_x509_crl_verify (crl, &issuer, 1, 0, &verify) < 0 || verify != 0)
        continue;
      n = gnutls_x509_crl_get_crt_count (crl);
      *revoked = FALSE;
      for (int k = 0; k < n; k++)
        {
          guint8 entry[128];
          size_t entry_len = sizeof entry;
          time_t when = (time_t) -1;

          if (gnutls_x509_crl_get_crt_serial (crl, (unsigned) k, entry, &entry_len, &when) >= 0
              && entry_len == serial_len && memcmp (entry, serial, serial_len) == 0)
            {
              *revoked = TRUE;
              *revoked_at = (gint64) when;
              break;
            }
        }
      *source = g_strdup (_("a revocation list"));
      return TRUE;
    }
  return FALSE;
}

/* Asks `cert`'s OCSP responder, else its CRL distribution point, once per URL for a whole
 * verification: the answer joins the online data, a failure is remembered as `*problem`.
 * Returns the URL asked, NULL when the certificate names none. */
static char *
fetch_status (Verifier *v, gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, char **problem)
{
  g_autofree char *ocsp = _inkan_revocation_ocsp_url (cert);
  g_autofree char *crl = ocsp == NULL ? _inkan_revocation_crl_url (cert) : NULL;
  char *url = g_strdup (ocsp != NULL ? ocsp : crl);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) answer = NULL;
  const char *failed;
  gsize len = 0;
  const guint8 *data;

  if (url == NULL)
    return NULL;
  failed = g_hash_table_lookup (v->failed_urls, url);
  if (failed != NULL)
    {
      *problem = g_strdup (failed);
      return url;
    }
  if (ocsp != NULL)
    answer = _inkan_revocation_fetch_ocsp (cert, issuer, ocsp, v->options->timeout, &error);
  else
    answer = _inkan_revocation_fetch_crl (cert, issuer, crl, v->options->timeout, &error);
  if (answer == NULL)
    {
      *problem = g_strdup (error->message);
      g_hash_table_insert (v->failed_urls, g_strdup (url), g_strdup (error->message));
      return url;
    }
  data = g_bytes_get_data (answer, &len);
  if (ocsp != NULL)
    {
      gnutls_ocsp_resp_t resp = ocsp_import (data, len);

      if (resp != NULL)
        g_ptr_array_add (v->online_ocsps, resp);
    }
  else
    {
      gnutls_x509_crl_t parsed = crl_import (data, len);

      if (parsed != NULL)
        g_ptr_array_add (v->online_crls, parsed);
    }
  return url;
}

static void
revocation_report_free (gpointer data)
{
  InkanRevocationReport *r = data;

  g_free (r->certificate);
  g_free (r->role);
  g_clear_pointer (&r->revoked_at, g_date_time_unref);
  g_free (r->problem);
  g_free (r);
}

const char *
inkan_revocation_status_to_string (InkanRevocationStatus status)
{
  static const char * const names[] = { "good", "revoked", "unknown" };

  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (names), "unknown");
  return names[status];
}

const char *
inkan_revocation_source_to_string (InkanRevocationSource source)
{
  static const char * const names[] = { "none", "embedded", "online" };

  g_return_val_if_fail ((guint) source < G_N_ELEMENTS (names), "none");
  return names[source];
}

/* What is known of `cert`'s revocation below `issuer`: the file's /DSS first, then what was
 * fetched for an earlier signature, then (online) its responder. Recorded in the signature's
 * report, with a finding for a certificate that is good, unknown online, or could have been
 * asked online; a revocation is left to the caller, who knows what it means, with `*how` saying
 * where it was found. */
static InkanRevocationReport *
certificate_status (Verifier *v, InkanSignatureReport *sig, gnutls_x509_crt_t cert,
                    gnutls_x509_crt_t issuer, const char *role, char **how)
{
  InkanRevocationReport *r = g_new0 (InkanRevocationReport, 1);
  g_autofree char *source = NULL;
  gboolean revoked = FALSE;
  gint64 revoked_at = 0;

  load_dss (v);
  r->certificate = inkan_certificate_name (cert, _("an unnamed certificate"));
  r->role = g_strdup (role);
  r->status = INKAN_REVOCATION_UNKNOWN;
  g_ptr_array_add (sig->revocation, r);
  if (status_in (v->dss_ocsps, v->dss_crls, cert, issuer, &revoked, &revoked_at, &source))
    r->source = INKAN_REVOCATION_SOURCE_EMBEDDED;
  else if (v->options->online)
    {
      if (status_in (v->online_ocsps, v->online_crls, cert, issuer, &revoked, &revoked_at,
                     &source))
        r->source = INKAN_REVOCATION_SOURCE_ONLINE;
      else
        {
          g_autofree char *url = fetch_status (v, cert, issuer, &r->problem);

          if (r->problem == NULL
              && status_in (v->online_ocsps, v->online_crls, cert, issuer, &revoked,
                            &revoked_at, &source))
            r->source = INKAN_REVOCATION_SOURCE_ONLINE;
          else if (r->problem == NULL && url != NULL)
            r->problem = g_strdup_printf (_("The revocation status of “%s” cannot be proven: "
                                            "%s does not know the certificate."),
                                          r->certificate, url);
        }
    }

  if (r->source == INKAN_REVOCATION_SOURCE_NONE)
    {
      g_autofree char *ocsp = _inkan_revocation_ocsp_url (cert);
      g_autofree char *crl = _inkan_revocation_crl_url (cert);

      if (r->problem != NULL)
        {
          /* Asked for and not obtained: nothing proves the certificate was not revoked. */
          add_finding (sig->findings, "REVOCATION_UNKNOWN",
                       _("Whether the certificate of “%s” was revoked is unknown: %s Check again "
                         "once its responder can be reached."),
                       r->certificate, r->problem);
          set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "TRY_LATER");
        }
      else if (v->options->online && ocsp == NULL && crl == NULL)
        add_finding (sig->findings, "REVOCATION_UNAVAILABLE",
                     _("The certificate of “%s” names no OCSP responder or revocation list, and "
                       "the file holds no revocation data for it: whether it was revoked cannot "
                       "be checked."),
                     r->certificate);
      else if (ocsp != NULL || crl != NULL)
        add_finding (sig->findings, "REVOCATION_NOT_CHECKED",
                     _("The revocation of the certificate of “%s” was not checked: the file "
                       "holds no revocation data for it, and it was not asked online. Verify "
                       "online to ask %s."),
                     r->certificate, ocsp != NULL ? ocsp : crl);
      return r;
    }

  if (!revoked)
    {
      r->status = INKAN_REVOCATION_GOOD;
      if (r->source == INKAN_REVOCATION_SOURCE_EMBEDDED)
        add_finding (sig->findings, "CERTIFICATE_NOT_REVOKED",
                     _("The validation data in the file (%s) shows that the certificate of “%s” "
                       "was not revoked."),
                     source, r->certificate);
      else
        add_finding (sig->findings, "CERTIFICATE_NOT_REVOKED",
                     _("Asked online, %s shows that the certificate of “%s” was not revoked."),
                     source, r->certificate);
      return r;
    }
  r->status = INKAN_REVOCATION_REVOKED;
  r->revoked_at = g_date_time_new_from_unix_utc (revoked_at);
  *how = g_strdup_printf (r->source == INKAN_REVOCATION_SOURCE_EMBEDDED ? _("%s in the file")
                                                                         : _("%s fetched online"),
                          source);
  return r;
}

/* What is done with a revoked certificate of a path: `when` is its revocation time as text, `how`
 * how the status was learnt. FALSE stops the walk. */
typedef gboolean (*RevokedFunc) (InkanSignatureReport *sig, InkanRevocationReport *r,
                                 const char *when, const char *how, gpointer data);

/* Asks the revocation status of every certificate of `chain` below its anchor (the anchor is not
 * asked), the first as `role` and the others as `issuer_role`, and hands each revoked one to
 * `revoked`. */
static void
walk_revocation (Verifier *v, InkanSignatureReport *sig, GPtrArray *chain, const char *role,
                 const char *issuer_role, RevokedFunc revoked, gpointer data)
{
  for (guint i = 0; chain != NULL && i + 1 < chain->len; i++)
    {
      gnutls_x509_crt_t cert = g_ptr_array_index (chain, i);
      InkanRevocationReport *r;
      g_autofree char *when = NULL;
      g_autofree char *how = NULL;

      if (gnutls_x509_crt_check_issuer (cert, cert) != 0)
        break;
      r = certificate_status (v, sig, cert, g_ptr_array_index (chain, i + 1),
                              i == 0 ? role : issuer_role, &how);
      if (r->status != INKAN_REVOCATION_REVOKED)
        continue;
      when = r->revoked_at != NULL ? g_date_time_format (r->revoked_at, "%Y-%m-%d %H:%M:%S UTC")
                                   : g_strdup (_("an unknown time"));
      if (!revoked (sig, r, when, how, data))
        break;
    }
}

/* The signer's path: revoked before the proven time `data` (or with no proven time at all) fails
 * or is indeterminate; revoked after the timestamp, the signature stays valid. */
static gboolean
signer_revoked (InkanSignatureReport *sig, InkanRevocationReport *r, const char *when,
                const char *how, gpointer data)
{
  GDateTime *proven = data;

  if (proven != NULL && r->revoked_at != NULL && g_date_time_compare (r->revoked_at, proven) > 0)
    add_finding (sig->findings, "CERTIFICATE_REVOKED_AFTER_TIMESTAMP",
                 _("The certificate of “%s” was revoked on %s (%s), after the timestamp "
                   "proves the signature was made: the signature stays valid."),
                 r->certificate, when, how);
  else if (proven != NULL)
    {
      add_finding (sig->findings, "CERTIFICATE_REVOKED",
                   _("The certificate of “%s” was revoked on %s (%s), before the signature "
                     "was made. Do not rely on this signature."),
                   r->certificate, when, how);
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "REVOKED");
    }
  else
    {
      add_finding (sig->findings, "CERTIFICATE_REVOKED",
                   _("The certificate of “%s” was revoked on %s (%s), and no timestamp "
                     "proves that the signature was made before. Do not rely on this "
                     "signature."),
                   r->certificate, when, how);
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "REVOKED_NO_POE");
    }
  return TRUE;
}

static void
check_revocation (Verifier *v, InkanSignatureReport *sig, GDateTime *proven)
{
  walk_revocation (v, sig, sig->chain, "signer", "ca", signer_revoked, proven);
}

/* The timestamp authority's path: a certificate revoked at or before the time the token gives
 * makes the token prove nothing; revoked later, the token stays good. */
typedef struct
{
  GDateTime *time;
  gboolean usable;
} TsaRevocation;

static gboolean
tsa_revoked (InkanSignatureReport *sig, InkanRevocationReport *r, const char *when,
             const char *how, gpointer data)
{
  TsaRevocation *t = data;

  if (r->revoked_at != NULL && t->time != NULL && g_date_time_compare (r->revoked_at, t->time) > 0)
    add_finding (sig->findings, "TIMESTAMP_REVOKED_AFTER",
                 _("The certificate of the timestamp authority “%s” was revoked on %s (%s), "
                   "after the time it gave: the timestamp stays valid."),
                 r->certificate, when, how);
  else
    {
      add_finding (sig->findings, "TIMESTAMP_REVOKED",
                   _("The certificate of the timestamp authority “%s” was revoked on %s "
                     "(%s), before the time it gave: the timestamp proves nothing. The "
                     "signature is checked as if it had no timestamp."),
                   r->certificate, when, how);
      t->usable = FALSE;
    }
  return TRUE;
}

/* FALSE when the token proves nothing. */
static gboolean
check_tsa_revocation (Verifier *v, InkanSignatureReport *sig, GPtrArray *chain, GDateTime *time)
{
  TsaRevocation t = { time, TRUE };

  walk_revocation (v, sig, chain, "tsa", "tsa-ca", tsa_revoked, &t);
  return t.usable;
}

/* A document timestamp: nothing later proves when it existed, so its TSA revoked at any time
 * leaves it without proof. */
static gboolean
doc_tsa_revoked (InkanSignatureReport *sig, InkanRevocationReport *r, const char *when,
                 const char *how, gpointer data)
{
  add_finding (sig->findings, "TIMESTAMP_REVOKED",
               _("The certificate of the timestamp authority “%s” was revoked on %s (%s): "
                 "nothing proves that this document timestamp was made before."),
               r->certificate, when, how);
  set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "REVOKED_NO_POE");
  sig->timestamp->valid = FALSE;
  return FALSE;
}

/* A claimed signing time this much after the proven one is not clock skew. */
#define TIMESTAMP_SKEW (5 * 60 * G_TIME_SPAN_SECOND)

static char *
format_ms (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S");

  return g_strdup_printf ("%s.%03d UTC", seconds, g_date_time_get_microsecond (utc) / 1000);
}

/* The signature timestamp (the first, as PAdES B-T has one): its time when the token verifies
 * over the signature value and its TSA leads to an anchor now, else NULL with a finding; an
 * unusable timestamp is ignored (EN 319 102-1 5.5), and the signature is judged without it. */
static GDateTime *
check_timestamp (Verifier *v, InkanCmsSignedData *cms, InkanSignatureReport *sig)
{
  GPtrArray *tokens = inkan_cms_signed_data_get_timestamp_tokens (cms);
  g_autoptr (InkanTimestamp) ts = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (InkanPathResult) path = { 0 };
  gnutls_x509_crt_t const *certs;
  guint n_certs = 0;
  GBytes *token, *value;

  if (tokens->len == 0)
    return NULL;
  token = g_ptr_array_index (tokens, 0);
  sig->timestamp = g_new0 (InkanTimestampReport, 1);
  ts = inkan_timestamp_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token), &error);
  if (ts == NULL)
    {
      add_finding (sig->findings, "TIMESTAMP_INVALID",
                   _("%s The signature is checked as if it had no timestamp."), error->message);
      return NULL;
    }
  sig->timestamp->time = g_date_time_ref (inkan_timestamp_get_time (ts));
  sig->timestamp->tsa = g_strdup (inkan_timestamp_get_tsa_name (ts));
  value = inkan_cms_signed_data_get_signature_value (cms);
  if (!inkan_timestamp_verify (ts, g_bytes_get_data (value, NULL), g_bytes_get_size (value),
                               &error))
    {
      add_finding (sig->findings, "TIMESTAMP_INVALID",
                   _("%s The signature is checked as if it had no timestamp."), error->message);
      return NULL;
    }
  certs = inkan_timestamp_get_certificates (ts, &n_certs);
  inkan_trust_check_path (v->options->trust, inkan_timestamp_get_signer (ts), certs, n_certs,
                          v->now, &path);
  if (path.status != INKAN_PATH_OK)
    {
      add_finding (sig->findings, "TIMESTAMP_NOT_TRUSTED",
                   _("The timestamp authority “%s” cannot be trusted: %s The signature is "
                     "checked as if it had no timestamp."),
                   sig->timestamp->tsa, path.detail != NULL ? path.detail : "");
      return NULL;
    }
  if (!check_tsa_revocation (v, sig, path.chain, sig->timestamp->time))
    return NULL;
  sig->timestamp->valid = TRUE;
  return g_date_time_ref (sig->timestamp->time);
}

/* The signer's path judged at the time the timestamp proves. */
static void
proven_path_verdict (Verifier *v, InkanSignatureReport *sig, gnutls_x509_crt_t signer,
                     gnutls_x509_crt_t const *certs, guint n_certs, GDateTime *proven,
                     InkanPathStatus now_status)
{
  g_auto (InkanPathResult) then_path = { 0 };
  g_autofree char *when = format_ms (proven);

  inkan_trust_check_path (v->options->trust, signer, certs, n_certs, proven, &then_path);
  if (then_path.status == INKAN_PATH_EXPIRED || then_path.status == INKAN_PATH_NOT_YET_VALID)
    {
      add_finding (sig->findings, "CERTIFICATE_OUTSIDE_VALIDITY",
                   _("%s%sThe timestamp proves that the signature was made on %s, when the "
                     "certificate was not valid. Do not rely on this signature."),
                   then_path.detail != NULL ? then_path.detail : "",
                   then_path.detail != NULL ? " " : "", when);
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE");
      return;
    }
  path_verdict (sig, &then_path, FALSE);
  if (then_path.status == INKAN_PATH_OK && now_status == INKAN_PATH_EXPIRED)
    add_finding (sig->findings, "CERTIFICATE_EXPIRED_AFTER_TIMESTAMP",
                 _("The signer's certificate has expired since, but the timestamp proves that "
                   "the signature was made on %s, while it was valid."),
                 when);
  if (sig->signing_time != NULL
      && g_date_time_difference (sig->signing_time, proven) > TIMESTAMP_SKEW)
    {
      g_autofree char *claimed = format_ms (sig->signing_time);

      add_finding (sig->findings, "SIGNING_TIME_AFTER_TIMESTAMP",
                   _("The signature claims to be made on %s, after its timestamp (%s): the "
                     "claimed time is wrong. Ask the signer about it."),
                   claimed, when);
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "TIMESTAMP_ORDER_FAILURE");
    }
}

/* The seal record the signature carries, if any, against the widget's appearance as the
 * document shows it now (its last revision): a picture swapped in a later update is caught. A
 * seal that is not bound makes the signature INDETERMINATE (SIG_CONSTRAINTS_FAILURE): what the
 * recipient sees is not what the seal's maker bound, whatever the signature over the bytes. */
static void
check_seal (Verifier *v, qpdf_data q, const FoundSig *found, InkanCmsSignedData *cms,
            gboolean cms_ok, GDateTime *proven, InkanSignatureReport *sig)
{
  qpdf_oh widget = first_widget (q, found->field_oh);
  qpdf_data last = NULL;
  guint n = inkan_revisions_get_n (v->revisions);

  if (qpdf_oh_is_null (q, widget))
    widget = found->field_oh;

  if (qpdf_oh_is_indirect (q, widget) && found->first_rev + 1 < n)
    {
      int id = qpdf_oh_get_object_id (q, widget), gen = qpdf_oh_get_generation (q, widget);

      last = inkan_revisions_get_qpdf (v->revisions, n - 1, NULL);
      if (last != NULL)
        widget = qpdf_get_object_by_id (last, id, gen);
    }
  if (last == NULL)
    last = q;
  sig->seal = _inkan_seal_binding_check (cms, cms_ok, v->options->trust,
                                         proven != NULL ? proven : sig->signing_time, last,
                                         widget);
  if (qpdf_has_error (q))
    (void) qpdf_get_error (q);
  if (last != q && qpdf_has_error (last))
    (void) qpdf_get_error (last);
  if (sig->seal == NULL || sig->seal->bound)
    return;
  add_finding (sig->findings, "SEAL_NOT_BOUND",
               _("The seal shown is not bound to this signature: %s Do not take the picture as "
                 "the seal; ask the sender for a newly sealed copy."),
               sig->seal->reason);
  set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "SIG_CONSTRAINTS_FAILURE");
}

/* Digests the two byte ranges a signature covers into `digest` (`hash` is then finished). When
 * the signed bytes cannot be read, gives `sig` its verdict and returns FALSE. */
static gboolean
hash_byte_ranges (Verifier *v, gnutls_hash_hd_t hash, const guint8 *data,
                  const guint64 range[4], guint8 *digest, InkanSignatureReport *sig)
{
  if (hash_range (v, hash, data, (gsize) range[0], (gsize) (range[0] + range[1]))
      && hash_range (v, hash, data, (gsize) range[2], (gsize) (range[2] + range[3])))
    {
      gnutls_hash_deinit (hash, digest);
      return TRUE;
    }
  gnutls_hash_deinit (hash, NULL);
  add_finding (sig->findings, "DOCUMENT_UNREADABLE",
               _("The document could not be read to its end while it was being checked: it may "
                 "have been changed or shortened meanwhile. Check it again."));
  set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "SIGNED_DATA_NOT_FOUND");
  return FALSE;
}

static void
check_cms (Verifier *v, qpdf_data q, const FoundSig *found, qpdf_oh sigdict,
           const guint64 range[4], InkanSignatureReport *sig)
{
  g_autoptr (GDateTime) proven = NULL;
  gboolean cms_ok;
  g_autoptr (InkanCmsSignedData) cms = NULL;
  g_autoptr (GError) error = NULL;
  qpdf_oh contents = dict_get (q, sigdict, "/Contents");
  const guint8 *data = inkan_revisions_get_data (v->revisions, NULL);
  guint8 digest[64];
  gnutls_hash_hd_t hash;
  gnutls_digest_algorithm_t algorithm;
  gnutls_x509_crt_t signer;
  gnutls_x509_crt_t const *certs;
  guint n_certs = 0, i;
  const char *value;
  size_t len = 0;

  value = qpdf_oh_get_binary_string_value (q, contents, &len);
  cms = inkan_cms_signed_data_parse ((const guint8 *) value, len, &error);
  if (cms == NULL)
    {
      cms_error_verdict (sig, error);
      return;
    }
  sig->algorithm = g_strdup (inkan_cms_signed_data_get_algorithm_name (cms));
  if (sig->signing_time == NULL && inkan_cms_signed_data_get_signing_time (cms) != NULL)
    sig->signing_time = g_date_time_ref (inkan_cms_signed_data_get_signing_time (cms));
  signer = inkan_cms_signed_data_get_signer (cms);
  if (signer != NULL)
    describe_signer (sig, signer);

  algorithm = inkan_cms_signed_data_get_digest (cms);
  if (gnutls_hash_init (&hash, algorithm) < 0)
    {
      add_finding (sig->findings, "CMS_UNSUPPORTED",
                   _("The signature uses a digest this computer cannot compute."));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE");
      return;
    }
  if (!hash_byte_ranges (v, hash, data, range, digest, sig))
    return;
  cms_ok = inkan_cms_signed_data_verify (cms, digest, gnutls_hash_get_len (algorithm), &error);
  if (!cms_ok)
    {
      cms_error_verdict (sig, error);
      if (signer == NULL)
        return;
    }

  if (signer == NULL)
    return;
  /* A timestamp over a signature that does not verify proves nothing worth saying. */
  if (cms_ok)
    proven = check_timestamp (v, cms, sig);
  certs = inkan_cms_signed_data_get_certificates (cms, &n_certs);
  {
    g_auto (InkanPathResult) now_path = { 0 };

    inkan_trust_check_path (v->options->trust, signer, certs, n_certs, v->now, &now_path);
    sig->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
    for (i = 0; now_path.chain != NULL && i < now_path.chain->len; i++)
      {
        gnutls_x509_crt_t copy = NULL;
        gnutls_datum_t der = { NULL, 0 };

        if (gnutls_x509_crt_export2 (g_ptr_array_index (now_path.chain, i), GNUTLS_X509_FMT_DER,
                                     &der) >= 0
            && gnutls_x509_crt_init (&copy) >= 0)
          {
            if (gnutls_x509_crt_import (copy, &der, GNUTLS_X509_FMT_DER) >= 0)
              g_ptr_array_add (sig->chain, copy);
            else
              gnutls_x509_crt_deinit (copy);
          }
        gnutls_free (der.data);
      }
    /* Without a timestamp the claimed time proves nothing: the certificate must be valid now,
     * and at the claimed time too (a signature claiming a time outside the validity is wrong
     * either way). */
    /* A proven time replaces the claimed one, and lets a certificate expired since pass. */
    if (proven != NULL
        && (now_path.status == INKAN_PATH_OK || now_path.status == INKAN_PATH_EXPIRED))
      proven_path_verdict (v, sig, signer, certs, n_certs, proven, now_path.status);
    else if (now_path.status == INKAN_PATH_OK && sig->signing_time != NULL)
      {
        g_auto (InkanPathResult) then_path = { 0 };

        inkan_trust_check_path (v->options->trust, signer, certs, n_certs, sig->signing_time,
                                &then_path);
        path_verdict (sig, &then_path, TRUE);
      }
    else
      path_verdict (sig, &now_path, FALSE);
  }
  check_revocation (v, sig, proven);
  check_seal (v, q, found, cms, cms_ok, proven, sig);
}

/* A document timestamp (PAdES B-LTA, /SubFilter /ETSI.RFC3161): its /Contents is an RFC 3161
 * token whose imprint is the digest of the byte ranges; its TSA must lead to an anchor now. */
static void
check_document_timestamp (Verifier *v, qpdf_data q, qpdf_oh sigdict, const guint64 range[4],
                          InkanSignatureReport *sig)
{
  static const struct
  {
    int code;
    InkanIndication indication;
    const char *subindication;
    const char *finding;
  } map[] = {
    { INKAN_TSA_ERROR_MALFORMED, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE",
      "TIMESTAMP_MALFORMED" },
    { INKAN_TSA_ERROR_MISMATCH, INKAN_INDICATION_TOTAL_FAILED, "HASH_FAILURE",
      "DOCUMENT_CHANGED" },
    { INKAN_TSA_ERROR_SIGNATURE, INKAN_INDICATION_TOTAL_FAILED, "SIG_CRYPTO_FAILURE",
      "SIGNATURE_INVALID" },
    { INKAN_TSA_ERROR_CERTIFICATE, INKAN_INDICATION_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
      "TIMESTAMP_CERTIFICATE" },
  };
  g_autoptr (InkanTimestamp) ts = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (InkanPathResult) path = { 0 };
  qpdf_oh contents = dict_get (q, sigdict, "/Contents");
  const guint8 *data = inkan_revisions_get_data (v->revisions, NULL);
  gnutls_x509_crt_t const *certs;
  gnutls_digest_algorithm_t algorithm;
  gnutls_hash_hd_t hash;
  guint8 digest[64];
  const char *value;
  size_t len = 0;
  guint n_certs = 0, i;

  value = qpdf_oh_get_binary_string_value (q, contents, &len);
  ts = inkan_timestamp_parse ((const guint8 *) value, len, &error);
  if (ts != NULL)
    {
      sig->timestamp = g_new0 (InkanTimestampReport, 1);
      sig->timestamp->time = g_date_time_ref (inkan_timestamp_get_time (ts));
      sig->timestamp->tsa = g_strdup (inkan_timestamp_get_tsa_name (ts));
      /* The time of a document timestamp is what it proves, not a claim. */
      g_clear_pointer (&sig->signing_time, g_date_time_unref);
      sig->signing_time = g_date_time_ref (inkan_timestamp_get_time (ts));
      if (inkan_timestamp_get_signer (ts) != NULL)
        describe_signer (sig, inkan_timestamp_get_signer (ts));
      algorithm = inkan_timestamp_get_imprint_algorithm (ts);
      if (gnutls_hash_init (&hash, algorithm) < 0)
        {
          add_finding (sig->findings, "CMS_UNSUPPORTED",
                       _("The timestamp uses a digest this computer cannot compute."));
          set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE");
          return;
        }
      if (!hash_byte_ranges (v, hash, data, range, digest, sig))
        return;
      inkan_timestamp_verify_digest (ts, digest, gnutls_hash_get_len (algorithm), &error);
    }
  if (error != NULL)
    {
      for (i = 0; i < G_N_ELEMENTS (map); i++)
        if (error->domain == INKAN_TSA_ERROR && error->code == map[i].code)
          break;
      if (i == G_N_ELEMENTS (map))
        i = 0;
      add_finding (sig->findings, map[i].finding, "%s", error->message);
      set_verdict (sig, map[i].indication, map[i].subindication);
      return;
    }

  certs = inkan_timestamp_get_certificates (ts, &n_certs);
  inkan_trust_check_path (v->options->trust, inkan_timestamp_get_signer (ts), certs, n_certs,
                          v->now, &path);
  path_verdict (sig, &path, FALSE);
  sig->timestamp->valid = path.status == INKAN_PATH_OK;
  if (sig->timestamp->valid)
    walk_revocation (v, sig, path.chain, "tsa", "tsa-ca", doc_tsa_revoked, NULL);
  sig->algorithm = g_strdup_printf (
      "RFC 3161 timestamp, %s imprint",
      gnutls_digest_get_name (inkan_timestamp_get_imprint_algorithm (ts)));
}

static void
error_free0 (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

static const InkanDiff *
get_diff (Verifier *v, guint rev, const GError **error)
{
  if (!v->diffed[rev])
    {
      GError *local = NULL;

      g_ptr_array_index (v->diffs, rev) = inkan_differ_diff (v->differ, rev, &local);
      g_ptr_array_index (v->diff_errors, rev) = local;
      v->diffed[rev] = TRUE;
    }
  *error = g_ptr_array_index (v->diff_errors, rev);
  return g_ptr_array_index (v->diffs, rev);
}

static void
check_later_revisions (Verifier *v, guint signed_rev, InkanSignatureReport *sig)
{
  guint n_revs = inkan_revisions_get_n (v->revisions), rev;
  InkanModificationLevel allowed = INKAN_MODIFICATION_ANNOTATIONS;

  sig->modification_level = INKAN_MODIFICATION_NONE;
  for (rev = signed_rev + 1; rev < n_revs; rev++)
    {
      const GError *error = NULL;
      const InkanDiff *diff = get_diff (v, rev, &error);
      guint i;

      if (diff == NULL)
        {
          sig->modification_level = INKAN_MODIFICATION_OTHER;
          add_finding (sig->findings, "REVISION_UNREADABLE",
                       _("A version of the document saved after this signature cannot be read "
                         "without repair (%s): nobody can tell what it shows. Do not rely on "
                         "this document; ask the sender for a clean copy."),
                       error != NULL ? error->message : "");
          set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
          return;
        }
      if (diff->level > sig->modification_level)
        sig->modification_level = diff->level;
      for (i = 0; i < diff->findings->len; i++)
        {
          const InkanFinding *f = g_ptr_array_index (diff->findings, i);

          g_ptr_array_add (sig->findings, inkan_finding_new (f->code, f->message));
        }
    }

  if (sig->docmdp == 1)
    allowed = INKAN_MODIFICATION_LTA_UPDATES;
  else if (sig->docmdp == 2)
    allowed = INKAN_MODIFICATION_FORM_FILLING;
  if (sig->modification_level == INKAN_MODIFICATION_OTHER)
    {
      add_finding (sig->findings, "MODIFIED_AFTER_SIGNING",
                   _("The document was changed after it was signed in a way no signature "
                     "allows: what you see is not what was signed. Do not rely on this "
                     "document; ask the sender for the signed original."));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "DISALLOWED_MODIFICATION");
    }
  else if (sig->modification_level > allowed)
    {
      static const char * const what[] = {
        NULL, N_("adding long-term validation data"), N_("filling in forms and signing"),
        N_("filling in forms, signing and annotating"),
      };

      add_finding (sig->findings, "DOCMDP_VIOLATION",
                   _("The author certified this document allowing only %s, but it was changed "
                     "beyond that afterwards. Do not rely on this document; ask the author for "
                     "the certified original."),
                   _(what[allowed]));
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "DISALLOWED_MODIFICATION");
    }
}

/* The certification (DocMDP) level of a signature dictionary, 0 for an approval signature. */
static guint
docmdp_level (qpdf_data q, qpdf_oh sigdict)
{
  qpdf_oh refs = dict_get (q, sigdict, "/Reference");
  int n, i;

  if (!qpdf_oh_is_array (q, refs))
    return 0;
  n = qpdf_oh_get_array_n_items (q, refs);
  for (i = 0; i < n && i < 64; i++)
    {
      qpdf_oh ref = qpdf_oh_get_array_item (q, refs, i);
      qpdf_oh params, p;

      if (!qpdf_oh_is_name_and_equals (q, dict_get (q, ref, "/TransformMethod"), "/DocMDP"))
        continue;
      params = dict_get (q, ref, "/TransformParams");
      p = dict_get (q, params, "/P");
      if (qpdf_oh_is_integer (q, p) && qpdf_oh_get_int_value (q, p) >= 1
          && qpdf_oh_get_int_value (q, p) <= 3)
        return (guint) qpdf_oh_get_int_value (q, p);
      return 2;
    }
  return 0;
}

static void
locate_widget (qpdf_data q, const FoundSig *found, InkanSignatureReport *sig)
{
  qpdf_oh field = found->field_oh;
  qpdf_oh widget, rect, page;
  int k, n, p, page_id, widget_id, index = -1;

  if (!qpdf_oh_is_dictionary (q, field))
    return;
  widget = first_widget (q, field);
  if (qpdf_oh_is_null (q, widget))
    return;
  rect = dict_get (q, widget, "/Rect");
  if (qpdf_oh_is_array (q, rect) && qpdf_oh_get_array_n_items (q, rect) == 4)
    for (k = 0; k < 4; k++)
      {
        qpdf_oh item = qpdf_oh_get_array_item (q, rect, k);

        sig->rect[k] = qpdf_oh_is_number (q, item) ? qpdf_oh_get_numeric_value (q, item) : 0;
      }
  if (sig->rect[2] - sig->rect[0] == 0 || sig->rect[3] - sig->rect[1] == 0)
    return;
  /* qpdf_find_page_by_oh would rewrite qpdf's page tree (inherited attributes pushed down),
   * which the modification analysis then sees as a change: compare object numbers instead. */
  page = dict_get (q, widget, "/P");
  page_id = qpdf_oh_is_indirect (q, page) ? qpdf_oh_get_object_id (q, page) : 0;
  widget_id = qpdf_oh_is_indirect (q, widget) ? qpdf_oh_get_object_id (q, widget) : 0;
  n = qpdf_get_num_pages (q);
  for (p = 0; p < n && index < 0 && (page_id != 0 || widget_id != 0); p++)
    {
      qpdf_oh candidate = qpdf_get_page_n (q, (size_t) p);
      qpdf_oh annots;
      int m, a;

      if (page_id != 0 && qpdf_oh_get_object_id (q, candidate) == page_id)
        {
          index = p;
          break;
        }
      if (widget_id == 0)
        continue;
      annots = dict_get (q, candidate, "/Annots");
      m = qpdf_oh_is_array (q, annots) ? qpdf_oh_get_array_n_items (q, annots) : 0;
      for (a = 0; a < m; a++)
        if (qpdf_oh_get_object_id (q, qpdf_oh_get_array_item (q, annots, a)) == widget_id)
          {
            index = p;
            break;
          }
    }
  if (qpdf_has_error (q))
    (void) qpdf_get_error (q);
  sig->page = index >= 0 ? (guint) index + 1 : 0;
}

/* ---- the approval evidence ----------------------------------------------------------------- */

/* A Flate stream's data, refused beyond `cap` bytes so that a small stream cannot expand into
 * an exhausted memory. */
static GBytes *
inflate_capped (const guint8 *data, gsize len, gsize cap)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  z_stream zs = { 0 };
  guint8 buf[16384];
  int rc;

  if (len > G_MAXUINT || inflateInit (&zs) != Z_OK)
    return NULL;
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) len;
  do
    {
      zs.next_out = buf;
      zs.avail_out = sizeof buf;
      rc = inflate (&zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, buf, (guint) (sizeof buf - zs.avail_out));
    }
  while (rc != Z_STREAM_END && out->len <= cap && (zs.avail_in > 0 || zs.avail_out == 0));
  inflateEnd (&zs);
  if (rc != Z_STREAM_END || out->len > cap)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The evidence file among the associated files (/AF) of `holder`: NULL when there is none,
 * else its data, or NULL with `*problem` set when it cannot be read. */
static GBytes *
evidence_in (qpdf_data q, qpdf_oh holder, char **problem)
{
  qpdf_oh af = dict_get (q, holder, "/AF");
  int n, i;

  if (!qpdf_oh_is_array (q, af))
    return NULL;
  n = qpdf_oh_get_array_n_items (q, af);
  for (i = 0; i < n && i < 64; i++)
    {
      qpdf_oh spec = qpdf_oh_get_array_item (q, af, i);
      g_autofree char *name = dict_get_text (q, spec, "/UF");
      qpdf_oh ef, stream, dict, filter, length;
      unsigned char *buf = NULL;
      size_t len = 0;
      GBytes *data = NULL;

      if (name == NULL)
        name = dict_get_text (q, spec, "/F");
      if (g_strcmp0 (name, INKAN_EVIDENCE_FILE_NAME) != 0)
        continue;
      ef = dict_get (q, spec, "/EF");
      stream = dict_get (q, ef, "/F");
      if (!qpdf_oh_is_stream (q, stream))
        stream = dict_get (q, ef, "/UF");
      if (!qpdf_oh_is_stream (q, stream))
        {
          *problem = g_strdup (_("The approval evidence attached to this signature has no "
                                 "content."));
          return NULL;
        }
      dict = qpdf_oh_get_dict (q, stream);
      filter = dict_get (q, dict, "/Filter");
      if (qpdf_oh_is_array (q, filter) && qpdf_oh_get_array_n_items (q, filter) == 1)
        filter = qpdf_oh_get_array_item (q, filter, 0);
      length = dict_get (q, dict, "/Length");
      if (!qpdf_oh_is_integer (q, length) || qpdf_oh_get_int_value (q, length) < 0
          || qpdf_oh_get_int_value (q, length) > INKAN_EVIDENCE_MAX_SIZE
          || (!qpdf_oh_is_null (q, filter)
              && !qpdf_oh_is_name_and_equals (q, filter, "/FlateDecode"))
          || qpdf_oh_get_stream_data (q, stream, qpdf_dl_none, NULL, &buf, &len) != QPDF_SUCCESS
          || qpdf_has_error (q))
        {
          if (qpdf_has_error (q))
            (void) qpdf_get_error (q);
          free (buf);
          *problem = g_strdup (_("The approval evidence attached to this signature is too "
                                 "large, or stored in a way Inkan does not read."));
          return NULL;
        }
      if (qpdf_oh_is_null (q, filter))
        data = g_bytes_new (buf, len);
      else
        data = inflate_capped (buf, len, INKAN_EVIDENCE_MAX_SIZE);
      free (buf);
      if (data == NULL)
        *problem = g_strdup (_("The approval evidence attached to this signature is damaged or "
                               "too large."));
      return data;
    }
  return NULL;
}

/* SHA-256 (hex) of the document as it was before the revision `signed_rev` was appended: the
 * bytes up to the previous revision's "%%EOF", with as much of the white space after it as
 * makes `expected`; without a match, the digest up to "%%EOF". NULL for a first revision. */
static char *
original_sha256 (Verifier *v, guint signed_rev, const char *expected)
{
  gsize size, end, p;
  const guint8 *data = inkan_revisions_get_data (v->revisions, &size);
  gnutls_hash_hd_t hash;
  char *first = NULL;

  if (signed_rev == 0 || gnutls_hash_init (&hash, GNUTLS_DIG_SHA256) < 0)
    return NULL;
  end = inkan_revisions_get_end (v->revisions, signed_rev - 1, NULL);
  if (!hash_range (v, hash, data, 0, end))
    {
      gnutls_hash_deinit (hash, NULL);
      return NULL;
    }
  for (p = end; p <= size && p - end <= 64; p++)
    {
      gnutls_hash_hd_t copy = gnutls_hash_copy (hash);
      guint8 digest[32];
      char hex[65];
      guint i;

      if (copy == NULL)
        break;
      gnutls_hash_deinit (copy, digest);
      for (i = 0; i < sizeof digest; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
      if (first == NULL)
        first = g_strdup (hex);
      if (expected != NULL && g_ascii_strcasecmp (hex, expected) == 0)
        {
          g_free (first);
          first = g_strdup (hex);
          break;
        }
      if (p == size || strchr (" \t\r\n\f", data[p]) == NULL || data[p] == '\0')
        break;
      gnutls_hash (hash, data + p, 1);
    }
  gnutls_hash_deinit (hash, NULL);
  return first;
}

/* Reads the evidence the signature's widget (or field) carries in the signed revision, and
 * checks each approval in it. */
static void
check_evidence (Verifier *v, qpdf_data q, const FoundSig *found, guint signed_rev,
                InkanSignatureReport *sig)
{
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *sealed = NULL;
  qpdf_oh field = found->field_oh, widget = first_widget (q, field);
  guint i;

  if (qpdf_oh_is_null (q, widget))
    widget = field;
  data = evidence_in (q, widget, &problem);
  if (data == NULL && problem == NULL && widget != field)
    data = evidence_in (q, field, &problem);
  if (qpdf_has_error (q))
    (void) qpdf_get_error (q);
  if (data == NULL && problem == NULL)
    return;
  if (data != NULL)
    sig->evidence = inkan_evidence_parse (data, &error);
  if (sig->evidence == NULL)
    {
      add_finding (sig->findings, "EVIDENCE_UNREADABLE",
                   _("%s The approvals it should prove cannot be shown: ask the sender who "
                     "approved this seal."),
                   problem != NULL ? problem : error->message);
      return;
    }
  sealed = original_sha256 (v, signed_rev, sig->evidence->request.document_sha256);
  for (i = 0; i < sig->evidence->approvals->len; i++)
    {
      InkanApprovalReport *report =
        inkan_evidence_report_approval (sig->evidence, sig->evidence->approvals->pdata[i],
                                        sealed != NULL ? sealed : "", v->options->trust);

      if (!report->valid)
        add_finding (sig->findings, "APPROVAL_INVALID", "%s", report->problem);
      g_ptr_array_add (sig->approvals, report);
    }
}

/* The verification code of the signature signing revision `signed_rev` (0-based, after the
 * first): over the bytes up to the previous revision's "%%EOF", as inkan_sign_pdf computes it. */
static char *
signature_code (Verifier *v, guint signed_rev, gnutls_x509_crt_t signer, const char *m)
{
  gsize size, end;
  const guint8 *data = inkan_revisions_get_data (v->revisions, &size);
  gnutls_hash_hd_t hash;
  gnutls_datum_t der = { NULL, 0 };
  guint8 digest[32];
  char *code;

  if (signed_rev == 0 || m == NULL || gnutls_hash_init (&hash, GNUTLS_DIG_SHA256) < 0)
    return NULL;
  end = inkan_revisions_get_end (v->revisions, signed_rev - 1, NULL);
  if (!hash_range (v, hash, data, 0, end))
    {
      gnutls_hash_deinit (hash, NULL);
      return NULL;
    }
  gnutls_hash_deinit (hash, digest);
  if (gnutls_x509_crt_export2 (signer, GNUTLS_X509_FMT_DER, &der) < 0)
    return NULL;
  code = inkan_verification_code (der.data, der.size, digest, m);
  gnutls_free (der.data);
  return code;
}

const InkanSignatureReport *
inkan_report_find_code (const InkanReport *report, const char *code)
{
  g_autofree char *wanted = NULL;
  guint i;

  g_return_val_if_fail (report != NULL && code != NULL, NULL);
  wanted = inkan_verification_code_normalize (code);
  for (i = 0; wanted != NULL && i < report->signatures->len; i++)
    {
      const InkanSignatureReport *sig = g_ptr_array_index (report->signatures, i);

      if (g_strcmp0 (sig->verification_code, wanted) == 0)
        return sig;
    }
  return NULL;
}

/* A page of a riding seal as it was sealed: its place in the page tree, its object, and a
 * digest of what it draws. */
typedef struct
{
  int index;
  int id;
  char *content_sha256;
} RidingPage;

static char *
page_content_sha256 (qpdf_data q, qpdf_oh page)
{
  unsigned char *buf = NULL;
  size_t len = 0;
  char *digest;

  if (qpdf_oh_get_page_content_data (q, page, &buf, &len) != QPDF_SUCCESS)
    {
      if (qpdf_has_error (q))
        (void) qpdf_get_error (q);
      free (buf);
      return g_strdup ("");
    }
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buf != NULL ? buf : (guint8 *) "", len);
  free (buf);
  return digest;
}

/* A riding seal (its widgets, two or more, on distinct pages) holds those pages together: a
 * page of its set added, removed, moved or redrawn after sealing breaks the join, even where
 * the change alone would be one that signatures allow. */
static void
check_riding (Verifier *v, const FoundSig *found, InkanSignatureReport *sig)
{
  guint n_revs = inkan_revisions_get_n (v->revisions);
  qpdf_data first = inkan_revisions_get_qpdf (v->revisions, found->first_rev, NULL);
  qpdf_data last;
  qpdf_oh kids;
  g_autoptr (GArray) pages = g_array_new (FALSE, TRUE, sizeof (RidingPage));
  g_autoptr (GString) problems = g_string_new (NULL);
  int n_first, n_last, k, n_kids;
  guint i;

  if (first == NULL || !qpdf_oh_is_dictionary (first, found->field_oh)
      || qpdf_oh_is_name_and_equals (first, dict_get (first, found->field_oh, "/Subtype"),
                                     "/Widget"))
    return;
  kids = dict_get (first, found->field_oh, "/Kids");
  n_kids = qpdf_oh_is_array (first, kids) ? qpdf_oh_get_array_n_items (first, kids) : 0;
  n_first = qpdf_get_num_pages (first);
  for (k = 0; k < n_kids && k < 100000; k++)
    {
      qpdf_oh p = dict_get (first, qpdf_oh_get_array_item (first, kids, k), "/P");
      int id = qpdf_oh_is_indirect (first, p) ? qpdf_oh_get_object_id (first, p) : 0;
      RidingPage rp = { -1, id, NULL };
      int j;

      for (j = 0; j < n_first && id != 0; j++)
        if (qpdf_oh_get_object_id (first, qpdf_get_page_n (first, (size_t) j)) == id)
          {
            rp.index = j;
            break;
          }
      for (i = 0; i < pages->len; i++)
        if (g_array_index (pages, RidingPage, i).id == id)
          id = 0;
      if (id == 0 || rp.index < 0)
        continue;
      rp.content_sha256 = page_content_sha256 (first, qpdf_get_page_n (first, (size_t) rp.index));
      g_array_append_val (pages, rp);
    }
  if (qpdf_has_error (first))
    (void) qpdf_get_error (first);
  if (pages->len < 2)
    {
      for (i = 0; i < pages->len; i++)
        g_free (g_array_index (pages, RidingPage, i).content_sha256);
      return;
    }
  sig->riding_pages = pages->len;

  last = inkan_revisions_get_qpdf (v->revisions, n_revs - 1, NULL);
  if (last != NULL && n_revs - 1 > found->first_rev)
    {
      n_last = qpdf_get_num_pages (last);
      if (n_last != n_first)
        g_string_append_printf (problems, _("the document had %d pages and now has %d"), n_first,
                                n_last);
      for (i = 0; i < pages->len; i++)
        {
          RidingPage *rp = &g_array_index (pages, RidingPage, i);
          qpdf_oh now;
          g_autofree char *digest = NULL;

          if (rp->index >= n_last)
            continue;
          now = qpdf_get_page_n (last, (size_t) rp->index);
          if (qpdf_oh_get_object_id (last, now) == rp->id)
            digest = page_content_sha256 (last, now);
          if (digest != NULL && g_strcmp0 (digest, rp->content_sha256) == 0)
            continue;
          if (problems->len > 0)
            g_string_append (problems, "; ");
          g_string_append_printf (problems,
                                  digest == NULL ? _("another page was put in place of page %d")
                                                 : _("page %d was redrawn"),
                                  rp->index + 1);
        }
      if (qpdf_has_error (last))
        (void) qpdf_get_error (last);
    }
  for (i = 0; i < pages->len; i++)
    g_free (g_array_index (pages, RidingPage, i).content_sha256);
  if (problems->len > 0)
    {
      add_finding (sig->findings, "RIDING_SEAL_PAGES_CHANGED",
                   _("This riding seal was stamped across %u pages, but the pages were changed "
                     "after sealing (%s): the slices no longer join up as sealed. Do not rely "
                     "on this document; ask the sender for the sealed original."),
                   sig->riding_pages, problems->str);
      set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "DISALLOWED_MODIFICATION");
    }
}

/* Everything but the later revisions, which `*later_from` says to compare from (the revision
 * signed), or G_MAXUINT when there is nothing to compare. */
static InkanSignatureReport *
check_signature (Verifier *v, const FoundSig *found, guint *later_from)
{
  InkanSignatureReport *sig = g_new0 (InkanSignatureReport, 1);
  g_autoptr (GError) error = NULL;
  qpdf_data q = inkan_revisions_get_qpdf (v->revisions, found->first_rev, &error);
  qpdf_oh field, sigdict;
  g_autofree char *type = NULL;
  g_autofree char *m = NULL;
  guint64 range[4] = { 0 };
  guint signed_rev = 0;

  sig->field = g_strdup (found->field);
  sig->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_finding_free);
  sig->approvals = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_approval_report_free);
  sig->revocation = g_ptr_array_new_with_free_func (revocation_report_free);
  sig->indication = INKAN_INDICATION_TOTAL_PASSED;
  sig->coverage = INKAN_COVERAGE_UNCLEAR;
  sig->revision = found->first_rev + 1;
  *later_from = G_MAXUINT;
  g_return_val_if_fail (q != NULL, sig);

  field = found->field_oh;
  sigdict = dict_get (q, field, "/V");
  sig->subfilter = dict_get_name (q, sigdict, "/SubFilter");
  if (sig->subfilter != NULL && sig->subfilter[0] == '/')
    memmove (sig->subfilter, sig->subfilter + 1, strlen (sig->subfilter));
  sig->reason = dict_get_text (q, sigdict, "/Reason");
  sig->location = dict_get_text (q, sigdict, "/Location");
  m = dict_get_text (q, sigdict, "/M");
  sig->signing_time = parse_pdf_date (m);
  sig->docmdp = docmdp_level (q, sigdict);
  type = dict_get_name (q, sigdict, "/Type");
  locate_widget (q, found, sig);

  if (!check_byte_range (v, q, sigdict, sig, range, &signed_rev))
    return sig;
  if (signed_rev < inkan_revisions_get_n (v->revisions))
    sig->revision = signed_rev + 1;

  if (g_strcmp0 (type, "/DocTimeStamp") == 0
      || g_strcmp0 (sig->subfilter, "ETSI.RFC3161") == 0)
    check_document_timestamp (v, q, sigdict, range, sig);
  else if (g_strcmp0 (sig->subfilter, "adbe.pkcs7.detached") != 0
           && g_strcmp0 (sig->subfilter, "ETSI.CAdES.detached") != 0)
    {
      add_finding (sig->findings, "SUBFILTER_UNSUPPORTED",
                   _("The signature is of a kind (%s) that Inkan does not check. Ask the sender "
                     "for a PAdES signature."),
                   sig->subfilter != NULL ? sig->subfilter : _("none given"));
      set_verdict (sig, INKAN_INDICATION_INDETERMINATE, "FORMAT_FAILURE");
    }
  else
    {
      check_cms (v, q, found, sigdict, range, sig);
      if (sig->chain != NULL && sig->chain->len > 0)
        sig->verification_code = signature_code (v, signed_rev, g_ptr_array_index (sig->chain, 0),
                                                 m);
    }
  check_evidence (v, q, found, signed_rev, sig);
  check_riding (v, found, sig);

  if (signed_rev < inkan_revisions_get_n (v->revisions))
    *later_from = signed_rev;
  return sig;
}

/* ---- the whole file ------------------------------------------------------------------------ */

/* A document whose revisions list no more objects than this has graphs walked in a few
 * milliseconds each (some 15 µs an object). */
#define SMALL_DOCUMENT_OBJECTS 512

static InkanReport *
verify (InkanRevisions *revisions, const InkanVerifyOptions *options, GError **error)
{
  g_autoptr (InkanReport) report = g_new0 (InkanReport, 1);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (found_sig_free);
  g_autoptr (InkanTrust) empty_trust = NULL;
  InkanVerifyOptions defaults = { 0 };
  Verifier v = { 0 };
  guint n_revs = inkan_revisions_get_n (revisions), rev, i;
  guint readable = 0;
  g_autoptr (GError) first_error = NULL;
  g_autofree guint *later_from = NULL;
  g_autoptr (InkanDiffer) differ = inkan_differ_new (revisions);

  if (options == NULL)
    options = &defaults;
  if (options->trust == NULL)
    {
      defaults = *options;
      defaults.trust = empty_trust = inkan_trust_new ();
      options = &defaults;
    }
  report->file = g_strdup (inkan_revisions_get_display (revisions));
  report->n_revisions = n_revs;
  report->signatures = g_ptr_array_new_with_free_func (signature_report_free);
  report->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_finding_free);

  /* The graphs that comparisons of later revisions need are built on a thread of their own
   * while the revisions are read and the signatures checked. With three revisions or more, a
   * signature is likely to have revisions after it: in a small document, where a wrong guess
   * costs little, the building starts now, from the first revision a signature can cover
   * alone, and is narrowed once the signatures are found. */
  if (n_revs >= 3 && inkan_revisions_count_entries (revisions) <= SMALL_DOCUMENT_OBJECTS)
    inkan_differ_build_ahead (differ, 1);

  for (rev = 0; rev < n_revs; rev++)
    {
      g_autoptr (GError) local = NULL;
      qpdf_data q = inkan_revisions_get_qpdf (revisions, rev, &local);
      g_autoptr (GPtrArray) here = g_ptr_array_new_with_free_func (found_sig_free);
      qpdf_oh acroform;

      if (q == NULL)
        {
          if (first_error == NULL)
            first_error = g_steal_pointer (&local);
          continue;
        }
      readable++;
      acroform = dict_get (q, qpdf_get_root (q), "/AcroForm");
      collect_sig_fields (q, dict_get (q, acroform, "/Fields"), NULL, FALSE, 0, rev, found, here);
      if (qpdf_has_error (q))
        (void) qpdf_get_error (q);
      while (here->len > 0)
        {
          FoundSig *candidate = g_ptr_array_steal_index (here, 0);

          if (is_known (found, candidate->field, candidate->sig_id))
            found_sig_free (candidate);
          else
            g_ptr_array_add (found, candidate);
        }
    }
  if (readable == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return NULL;
    }
  if (first_error != NULL)
    add_finding (report->findings, "REVISION_UNREADABLE",
                 _("Part of this file cannot be read without repair (%s). Programs that repair "
                   "files may show something else than what was signed."),
                 first_error->message);
  if (inkan_revisions_get_trailing (revisions) > 0)
    add_finding (report->findings, "TRAILING_BYTES",
                 _("The file ends with %zu bytes that belong to no saved "
                   "version of the document. Ask the sender for a clean copy."),
                 inkan_revisions_get_trailing (revisions));

  v.revisions = revisions;
  v.options = options;
  v.now = options->now != NULL ? g_date_time_ref (options->now) : g_date_time_new_now_utc ();
  v.differ = differ;
  v.diffs = g_ptr_array_new_full (n_revs, (GDestroyNotify) inkan_diff_free);
  v.diff_errors = g_ptr_array_new_full (n_revs, error_free0);
  g_ptr_array_set_size (v.diffs, n_revs);
  g_ptr_array_set_size (v.diff_errors, n_revs);
  v.diffed = g_new0 (gboolean, n_revs);

  {
    guint from = n_revs;

    for (i = 0; i < found->len; i++)
      from = MIN (from, ((const FoundSig *) g_ptr_array_index (found, i))->first_rev);
    inkan_differ_build_ahead (differ, from);
  }
  later_from = g_new (guint, MAX (found->len, 1));
  for (i = 0; i < found->len; i++)
    g_ptr_array_add (report->signatures,
                     check_signature (&v, g_ptr_array_index (found, i), &later_from[i]));

  report->indication = INKAN_INDICATION_TOTAL_PASSED;
  for (i = 0; i < found->len; i++)
    {
      InkanSignatureReport *sig = g_ptr_array_index (report->signatures, i);

      if (later_from[i] != G_MAXUINT)
        check_later_revisions (&v, later_from[i], sig);
      /* A file that needs repair somewhere is never a pass. */
      if (first_error != NULL && sig->indication == INKAN_INDICATION_TOTAL_PASSED)
        {
          add_finding (sig->findings, "REVISION_UNREADABLE",
                       _("Part of this file cannot be read without repair, so this signature "
                         "cannot be confirmed. Ask the sender for a clean copy."));
          set_verdict (sig, INKAN_INDICATION_TOTAL_FAILED, "FORMAT_FAILURE");
        }
      report->indication = MAX (report->indication, sig->indication);
    }
  if (found->len == 0)
    report->indication = INKAN_INDICATION_NO_SIGNATURE;

  g_date_time_unref (v.now);
  g_ptr_array_unref (v.diffs);
  g_ptr_array_unref (v.diff_errors);
  g_free (v.diffed);
  g_free (v.buffer);
  g_clear_pointer (&v.dss_ocsps, g_ptr_array_unref);
  g_clear_pointer (&v.dss_crls, g_ptr_array_unref);
  g_clear_pointer (&v.online_ocsps, g_ptr_array_unref);
  g_clear_pointer (&v.online_crls, g_ptr_array_unref);
  g_clear_pointer (&v.failed_urls, g_hash_table_unref);
  return g_steal_pointer (&report);
}

InkanReport *
inkan_verify_bytes (GBytes *bytes, const char *display, const InkanVerifyOptions *options,
                    GError **error)
{
  g_autoptr (InkanRevisions) revisions = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  revisions = inkan_revisions_new_from_bytes (bytes, display != NULL ? display : "", error);
  if (revisions == NULL)
    return NULL;
  return verify (revisions, options, error);
}

InkanReport *
inkan_verify_file (const char *path, const InkanVerifyOptions *options, GError **error)
{
  g_autoptr (InkanRevisions) revisions = NULL;
  InkanReport *report;

  g_return_val_if_fail (path != NULL, NULL);
  revisions = inkan_revisions_open (path, error);
  if (revisions == NULL)
    return NULL;
  report = verify (revisions, options, error);
  if (report != NULL)
    {
      /* The path as the caller gave it, so that several reports can be told apart. */
      g_free (report->file);
      report->file = g_filename_display_name (path);
    }
  return report;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void
json_string (GString *out, const char *text)
{
  const char *p;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
json_time (GString *out, GDateTime *time)
{
  g_autofree char *text = NULL;

  if (time == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  text = g_date_time_format_iso8601 (time);
  json_string (out, text);
}

static void
json_findings (GString *out, GPtrArray *findings)
{
  guint i;

  g_string_append_c (out, '[');
  for (i = 0; i < findings->len; i++)
    {
      const InkanFinding *f = g_ptr_array_index (findings, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"code\":");
      json_string (out, f->code);
      g_string_append (out, ",\"message\":");
      json_string (out, f->message);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

/* "revocation": one object per certificate asked, saying where its status came from. */
static void
json_revocation (GString *out, GPtrArray *revocation)
{
  g_string_append (out, ",\"revocation\":[");
  for (guint i = 0; revocation != NULL && i < revocation->len; i++)
    {
      const InkanRevocationReport *r = g_ptr_array_index (revocation, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"certificate\":");
      json_string (out, r->certificate);
      g_string_append (out, ",\"role\":");
      json_string (out, r->role);
      g_string_append (out, ",\"status\":");
      json_string (out, inkan_revocation_status_to_string (r->status));
      g_string_append (out, ",\"source\":");
      json_string (out, inkan_revocation_source_to_string (r->source));
      g_string_append (out, ",\"revoked_at\":");
      json_time (out, r->revoked_at);
      g_string_append (out, ",\"problem\":");
      json_string (out, r->problem);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

/* "request": the evidence's request or null; "approvals": one object per approval. */
static void
json_evidence (GString *out, const InkanSignatureReport *sig)
{
  const InkanEvidence *evidence = sig->evidence;
  guint i;

  g_string_append (out, ",\"request\":");
  if (evidence == NULL)
    g_string_append (out, "null");
  else
    {
      g_string_append_printf (out, "{\"id\":%" G_GINT64_FORMAT ",\"seal\":",
                              evidence->request.id);
      json_string (out, evidence->request.seal);
      g_string_append (out, ",\"document_sha256\":");
      json_string (out, evidence->request.document_sha256);
      g_string_append (out, ",\"document_name\":");
      json_string (out, evidence->request.document_name);
      g_string_append (out, ",\"reason\":");
      json_string (out, evidence->request.reason);
      g_string_append (out, ",\"requester\":");
      json_string (out, evidence->request.requester);
      g_string_append_c (out, '}');
    }
  g_string_append (out, ",\"approvals\":[");
  for (i = 0; sig->approvals != NULL && i < sig->approvals->len; i++)
    {
      const InkanApprovalReport *a = g_ptr_array_index (sig->approvals, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"approver\":");
      json_string (out, a->approver);
      g_string_append (out, ",\"role\":");
      json_string (out, a->role);
      g_string_append (out, ",\"decision\":");
      json_string (out, a->decision);
      g_string_append (out, ",\"time\":");
      json_time (out, a->time);
      g_string_append_printf (out, ",\"valid\":%s,\"trusted\":%s,\"problem\":",
                              a->valid ? "true" : "false", a->trusted ? "true" : "false");
      json_string (out, a->problem);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

/* "seal": the seal record's checked binding, or null for a plain signature. */
static void
json_seal (GString *out, const InkanSignatureReport *sig)
{
  g_string_append (out, ",\"seal\":");
  if (sig->seal == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append (out, "{\"name\":");
  json_string (out, sig->seal->name);
  g_string_append (out, ",\"kind\":");
  json_string (out, sig->seal->kind);
  g_string_append (out, ",\"maker\":");
  json_string (out, sig->seal->maker);
  g_string_append (out, ",\"id\":");
  json_string (out, sig->seal->seal_id);
  g_string_append (out, ",\"not_before\":");
  json_time (out, sig->seal->not_before);
  g_string_append (out, ",\"not_after\":");
  json_time (out, sig->seal->not_after);
  g_string_append_printf (out, ",\"bound\":%s,\"reason\":", sig->seal->bound ? "true" : "false");
  json_string (out, sig->seal->reason);
  g_string_append_c (out, '}');
}

char *
inkan_report_to_json (const InkanReport *report)
{
  GString *out = g_string_new ("{\"file\":");
  guint i;

  g_return_val_if_fail (report != NULL, NULL);
  json_string (out, report->file);
  g_string_append (out, ",\"indication\":");
  json_string (out, inkan_indication_to_string (report->indication));
  g_string_append_printf (out, ",\"revisions\":%u,\"signatures\":[", report->n_revisions);
  for (i = 0; i < report->signatures->len; i++)
    {
      const InkanSignatureReport *sig = g_ptr_array_index (report->signatures, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"field\":");
      json_string (out, sig->field);
      g_string_append (out, ",\"signer\":");
      json_string (out, sig->signer);
      g_string_append (out, ",\"indication\":");
      json_string (out, inkan_indication_to_string (sig->indication));
      g_string_append (out, ",\"subindication\":");
      json_string (out, sig->subindication);
      g_string_append (out, ",\"coverage\":");
      json_string (out, inkan_coverage_to_string (sig->coverage));
      g_string_append (out, ",\"modification_level\":");
      json_string (out, inkan_modification_level_to_string (sig->modification_level));
      g_string_append (out, ",\"signing_time\":");
      json_time (out, sig->signing_time);
      g_string_append (out, ",\"timestamp\":");
      if (sig->timestamp == NULL)
        g_string_append (out, "null");
      else
        {
          g_string_append (out, "{\"time\":");
          if (sig->timestamp->time != NULL)
            {
              g_autoptr (GDateTime) utc = g_date_time_to_utc (sig->timestamp->time);
              g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
              g_autofree char *text = g_strdup_printf (
                  "%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);

              json_string (out, text);
            }
          else
            g_string_append (out, "null");
          g_string_append (out, ",\"tsa\":");
          json_string (out, sig->timestamp->tsa);
          g_string_append_printf (out, ",\"valid\":%s}",
                                  sig->timestamp->valid ? "true" : "false");
        }
      g_string_append_printf (out, ",\"revision\":%u,\"certification\":", sig->revision);
      if (sig->docmdp > 0)
        g_string_append_printf (out, "%u", sig->docmdp);
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"subfilter\":");
      json_string (out, sig->subfilter);
      g_string_append (out, ",\"algorithm\":");
      json_string (out, sig->algorithm);
      g_string_append (out, ",\"reason\":");
      json_string (out, sig->reason);
      g_string_append (out, ",\"location\":");
      json_string (out, sig->location);
      g_string_append (out, ",\"verification_code\":");
      json_string (out, sig->verification_code);
      if (sig->riding_pages > 0)
        g_string_append_printf (out, ",\"riding_pages\":%u", sig->riding_pages);
      g_string_append_printf (out, ",\"page\":%u,\"findings\":", sig->page);
      json_findings (out, sig->findings);
      json_revocation (out, sig->revocation);
      json_evidence (out, sig);
      json_seal (out, sig);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"findings\":");
  json_findings (out, report->findings);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
