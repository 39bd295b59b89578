/* The approval evidence a sealed document carries: its request and signed approvals, as JSON. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-evidence.h"

#include "inkan-cms-verify.h"
#include "inkan-policy.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <inttypes.h>
#include <string.h>

/* Why JSON, written and read here: the recipient of a sealed file should be able to read the
 * evidence with any tool (pdfdetach, a text editor), so the format is plain JSON; the approval
 * statements are JSON already. json-glib is not a dependency and GVariant's text format cannot
 * hold JSON's mixed-type objects, so this file has a small emitter with a fixed key order and a
 * strict parser for exactly what the evidence and the statements need: objects, arrays, strings,
 * integers, true, false and null; no fractions, no duplicate keys, no NUL in strings, bounded
 * depth, size and node count, so that hostile input costs little and fails cleanly. */

G_DEFINE_QUARK (inkan-evidence-error-quark, inkan_evidence_error)

#define MAX_DEPTH 16
#define MAX_NODES 200000

/* ---- the tree ------------------------------------------------------------------------------ */

typedef enum
{
  J_NULL,
  J_BOOL,
  J_INT,
  J_STRING,
  J_ARRAY,
  J_OBJECT,
} JType;

typedef struct
{
  JType type;
  gboolean boolean;
  gint64 integer;
  char *string;         /* J_STRING: valid UTF-8 without NUL */
  GPtrArray *items;     /* J_ARRAY, J_OBJECT: JNode */
  GPtrArray *keys;      /* J_OBJECT: char *, parallel to items */
} JNode;

static void
jnode_free (gpointer data)
{
  JNode *node = data;

  if (node == NULL)
    return;
  g_free (node->string);
  g_clear_pointer (&node->items, g_ptr_array_unref);
  g_clear_pointer (&node->keys, g_ptr_array_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JNode, jnode_free)

static const JNode *
jobject_get (const JNode *object, const char *key)
{
  guint i;

  if (object == NULL || object->type != J_OBJECT)
    return NULL;
  for (i = 0; i < object->keys->len; i++)
    if (strcmp (object->keys->pdata[i], key) == 0)
      return object->items->pdata[i];
  return NULL;
}

/* ---- the parser ---------------------------------------------------------------------------- */

typedef struct
{
  const char *start, *p, *end;
  guint nodes;
  const char *what;     /* "evidence", "statement": for messages */
} Parser;

static gboolean
parse_failed (Parser *ps, GError **error, const char *why)
{
  g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID,
               _("The approval %s is not valid JSON of the expected shape (%s at byte %zu)."),
               ps->what, why, (gsize) (ps->p - ps->start));
  return FALSE;
}

static void
skip_ws (Parser *ps)
{
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int
hex4 (const char *p)
{
  int v = 0, i;

  for (i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (p[i]))
        return -1;
      v = v * 16 + g_ascii_xdigit_value (p[i]);
    }
  return v;
}

static char *
parse_string (Parser *ps, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);

  ps->p++; /* the opening quote */
  while (ps->p < ps->end && *ps->p != '"')
    {
      guchar c = (guchar) *ps->p;

      if (c < 0x20)
        {
          parse_failed (ps, error, _("a control character in a string"));
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          ps->p++;
          continue;
        }
      if (ps->end - ps->p < 2)
        break;
      ps->p++;
      switch (*ps->p)
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, *ps->p);
          ps->p++;
          break;
        case 'b': g_string_append_c (out, '\b'); ps->p++; break;
        case 'f': g_string_append_c (out, '\f'); ps->p++; break;
        case 'n': g_string_append_c (out, '\n'); ps->p++; break;
        case 'r': g_string_append_c (out, '\r'); ps->p++; break;
        case 't': g_string_append_c (out, '\t'); ps->p++; break;
        case 'u':
          {
            int hi, lo;
            gunichar ch;

            if (ps->end - ps->p < 5 || (hi = hex4 (ps->p + 1)) < 0)
              {
                parse_failed (ps, error, "a bad \\u escape");
                return NULL;
              }
            ps->p += 5;
            ch = (gunichar) hi;
            if (hi >= 0xd800 && hi < 0xdc00)
              {
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u'
                    || (lo = hex4 (ps->p + 2)) < 0xdc00 || lo >= 0xe000)
                  {
                    parse_failed (ps, error, "a lone surrogate");
                    return NULL;
                  }
                ps->p += 6;
                ch = 0x10000 + (((gunichar) hi - 0xd800) << 10) + ((gunichar) lo - 0xdc00);
              }
            else if (hi >= 0xdc00 && hi < 0xe000)
              {
                parse_failed (ps, error, "a lone surrogate");
                return NULL;
              }
            if (ch == 0)
              {
                parse_failed (ps, error, "a NUL character");
                return NULL;
              }
            g_string_append_unichar (out, ch);
            break;
          }
        default:
          parse_failed (ps, error, "a bad escape");
          return NULL;
        }
    }
  if (ps->p >= ps->end)
    {
      parse_failed (ps, error, _("an unterminated string"));
      return NULL;
    }
  ps->p++; /* the closing quote */
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      parse_failed (ps, error, _("a string that is not UTF-8"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
parse_integer (Parser *ps, gint64 *value, GError **error)
{
  const char *start = ps->p;
  char buf[24];
  gsize len;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
    return parse_failed (ps, error, "a bad number");
  if (*ps->p == '0' && ps->p + 1 < ps->end && g_ascii_isdigit (ps->p[1]))
    return parse_failed (ps, error, _("a number with a leading zero"));
  while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
    ps->p++;
  if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'))
    return parse_failed (ps, error, _("a number that is not a whole number"));
  len = (gsize) (ps->p - start);
  if (len >= sizeof buf)
    return parse_failed (ps, error, _("a number out of range"));
  memcpy (buf, start, len);
  buf[len] = '\0';
  if (!g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, value, NULL))
    return parse_failed (ps, error, _("a number out of range"));
  return TRUE;
}

static gboolean
parse_literal (Parser *ps, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (ps->end - ps->p) < n || memcmp (ps->p, word, n) != 0)
    return FALSE;
  ps->p += n;
  return TRUE;
}

static JNode *
parse_value (Parser *ps, guint depth, GError **error)
{
  g_autoptr (JNode) node = NULL;

  skip_ws (ps);
  if (ps->p >= ps->end)
    {
      parse_failed (ps, error, _("an unexpected end"));
      return NULL;
    }
  if (++ps->nodes > MAX_NODES || depth > MAX_DEPTH)
    {
      parse_failed (ps, error, _("too many or too deeply nested values"));
      return NULL;
    }
  node = g_new0 (JNode, 1);
  switch (*ps->p)
    {
    case '{':
    case '[':
      {
        gboolean object = *ps->p == '{';
        char close = object ? '}' : ']';

        node->type = object ? J_OBJECT : J_ARRAY;
        node->items = g_ptr_array_new_with_free_func (jnode_free);
        if (object)
          node->keys = g_ptr_array_new_with_free_func (g_free);
        ps->p++;
        skip_ws (ps);
        if (ps->p < ps->end && *ps->p == close)
          {
            ps->p++;
            break;
          }
        for (;;)
          {
            JNode *item;

            skip_ws (ps);
            if (object)
              {
                char *key;

                if (ps->p >= ps->end || *ps->p != '"')
                  {
                    parse_failed (ps, error, "a missing key");
                    return NULL;
                  }
                key = parse_string (ps, error);
                if (key == NULL)
                  return NULL;
                if (jobject_get (node, key) != NULL)
                  {
                    g_free (key);
                    parse_failed (ps, error, _("a key given twice"));
                    return NULL;
                  }
                g_ptr_array_add (node->keys, key);
                skip_ws (ps);
                if (ps->p >= ps->end || *ps->p != ':')
                  {
                    g_ptr_array_set_size (node->keys, node->keys->len - 1);
                    parse_failed (ps, error, "a missing colon");
                    return NULL;
                  }
                ps->p++;
              }
            item = parse_value (ps, depth + 1, error);
            if (item == NULL)
              {
                if (object)
                  g_ptr_array_set_size (node->keys, node->keys->len - 1);
                return NULL;
              }
            g_ptr_array_add (node->items, item);
            skip_ws (ps);
            if (ps->p < ps->end && *ps->p == ',')
              {
                ps->p++;
                continue;
              }
            if (ps->p < ps->end && *ps->p == close)
              {
                ps->p++;
                break;
              }
            parse_failed (ps, error, _("a missing comma or bracket"));
            return NULL;
          }
        break;
      }
    case '"':
      node->type = J_STRING;
      node->string = parse_string (ps, error);
      if (node->string == NULL)
        return NULL;
      break;
    case 't':
    case 'f':
      node->type = J_BOOL;
      node->boolean = *ps->p == 't';
      if (!parse_literal (ps, node->boolean ? "true" : "false"))
        {
          parse_failed (ps, error, _("an unknown word"));
          return NULL;
        }
      break;
    case 'n':
      node->type = J_NULL;
      if (!parse_literal (ps, "null"))
        {
          parse_failed (ps, error, _("an unknown word"));
          return NULL;
        }
      break;
    default:
      node->type = J_INT;
      if (!parse_integer (ps, &node->integer, error))
        return NULL;
      break;
    }
  return g_steal_pointer (&node);
}

static JNode *
parse_document (const char *data, gsize len, const char *what, GError **error)
{
  Parser ps = { data, data, data + len, 0, what };
  g_autoptr (JNode) root = NULL;

  if (len > INKAN_EVIDENCE_MAX_SIZE)
    {
      g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID,
                   _("The approval %s is larger than Inkan reads (%zu bytes)."),
                   what, len);
      return NULL;
    }
  root = parse_value (&ps, 0, error);
  if (root == NULL)
    return NULL;
  skip_ws (&ps);
  if (ps.p != ps.end)
    {
      parse_failed (&ps, error, _("bytes after the end"));
      return NULL;
    }
  if (root->type != J_OBJECT)
    {
      parse_failed (&ps, error, _("not an object"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* ---- the emitter ----------------------------------------------------------------------------- */

static void
emit_string (GString *out, const char *text)
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

/* UTC with milliseconds, as the approval statements write it. */
static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *base = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

static void
emit_time (GString *out, GDateTime *time)
{
  g_autofree char *text = format_time (time);

  emit_string (out, text);
}

static void
emit_base64 (GString *out, GBytes *bytes)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  const guchar *data;

  if (bytes == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  text = g_base64_encode (data, len);
  emit_string (out, text);
}

static gboolean
valid_text (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

GBytes *
inkan_evidence_build (const InkanRequest *request, const InkanSeal *seal,
                      const InkanUser *requester, GPtrArray *approvals, GPtrArray *approvers,
                      GError **error)
{
  g_autoptr (GString) out = g_string_new ("{\"request\":{");
  guint i, k;

  g_return_val_if_fail (request != NULL && seal != NULL, NULL);
  g_return_val_if_fail (approvals != NULL && approvers != NULL, NULL);

  if (!valid_text (seal->name) || !valid_text (request->document_sha256)
      || !valid_text (request->document_name) || !valid_text (request->reason)
      || (requester != NULL && !valid_text (requester->name)))
    {
      g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID,
                   _("Request %" PRId64 " holds text that is not UTF-8, so its "
                     "evidence cannot be written; correct the request and approve it again."),
                   request->id);
      return NULL;
    }
  g_string_append_printf (out, "\"id\":%" G_GINT64_FORMAT ",\"seal\":", request->id);
  emit_string (out, seal->name);
  g_string_append (out, ",\"document_sha256\":");
  emit_string (out, request->document_sha256);
  g_string_append (out, ",\"document_name\":");
  emit_string (out, request->document_name);
  g_string_append (out, ",\"reason\":");
  emit_string (out, request->reason);
  g_string_append (out, ",\"requester\":");
  emit_string (out, requester != NULL ? requester->name : NULL);
  g_string_append (out, ",\"created\":");
  emit_time (out, request->created);
  g_string_append (out, "},\"approvals\":[");

  for (i = 0; i < approvals->len; i++)
    {
      const InkanApproval *a = approvals->pdata[i];
      const InkanUser *user = NULL;

      for (k = 0; k < approvers->len && user == NULL; k++)
        if (((const InkanUser *) approvers->pdata[k])->id == a->approver_id)
          user = approvers->pdata[k];
      if (user == NULL || user->cert_der == NULL || a->statement == NULL || a->cms == NULL
          || a->time == NULL || !valid_text (user->name) || !valid_text (a->comment))
        {
          g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID,
                       _("Approval %" PRId64 " of request %" PRId64 " lacks its "
                         "approver, certificate, statement or signature, so the evidence cannot "
                         "be written; ask the approver to decide again."),
                       a->id, request->id);
          return NULL;
        }
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"approver\":");
      emit_string (out, user->name);
      g_string_append (out, ",\"role\":");
      emit_string (out, inkan_role_to_string (a->role));
      g_string_append_printf (out, ",\"step\":%u,\"decision\":", a->step);
      emit_string (out, a->decision == INKAN_DECISION_APPROVE ? "approve" : "reject");
      g_string_append (out, ",\"comment\":");
      emit_string (out, a->comment);
      g_string_append (out, ",\"time\":");
      emit_time (out, a->time);
      g_string_append (out, ",\"statement\":");
      emit_base64 (out, a->statement);
      g_string_append (out, ",\"cms\":");
      emit_base64 (out, a->cms);
      g_string_append (out, ",\"certificate\":");
      emit_base64 (out, user->cert_der);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}\n");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* ---- reading the evidence ------------------------------------------------------------------ */

static void
evidence_approval_free (gpointer data)
{
  InkanEvidenceApproval *a = data;

  g_free (a->approver);
  g_free (a->role);
  g_free (a->decision);
  g_free (a->comment);
  g_clear_pointer (&a->time, g_date_time_unref);
  g_clear_pointer (&a->statement, g_bytes_unref);
  g_clear_pointer (&a->cms, g_bytes_unref);
  g_clear_pointer (&a->certificate, g_bytes_unref);
  g_free (a);
}

void
inkan_evidence_free (InkanEvidence *evidence)
{
  if (evidence == NULL)
    return;
  g_free (evidence->request.seal);
  g_free (evidence->request.document_sha256);
  g_free (evidence->request.document_name);
  g_free (evidence->request.reason);
  g_free (evidence->request.requester);
  g_clear_pointer (&evidence->request.created, g_date_time_unref);
  g_clear_pointer (&evidence->approvals, g_ptr_array_unref);
  g_free (evidence);
}

static gboolean
shape_error (GError **error, const char *where, const char *key)
{
  g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_INVALID,
               _("The approval evidence lacks a valid “%s” in its %s."), key, where);
  return FALSE;
}

/* A text member: present as a string, or (when `optional`) absent or null. */
static gboolean
get_text (const JNode *object, const char *key, gboolean optional, char **out,
          const char *where, GError **error)
{
  const JNode *v = jobject_get (object, key);

  *out = NULL;
  if (v != NULL && v->type == J_STRING)
    {
      *out = g_strdup (v->string);
      return TRUE;
    }
  if (optional && (v == NULL || v->type == J_NULL))
    return TRUE;
  return shape_error (error, where, key);
}

static GDateTime *
parse_time (const char *text)
{
  if (text == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

static gboolean
get_time (const JNode *object, const char *key, gboolean optional, GDateTime **out,
          const char *where, GError **error)
{
  g_autofree char *text = NULL;

  *out = NULL;
  if (!get_text (object, key, optional, &text, where, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  *out = parse_time (text);
  if (*out == NULL)
    return shape_error (error, where, key);
  return TRUE;
}

/* Strict base64: the alphabet, padding only at the end, a multiple of four characters. */
static gboolean
get_base64 (const JNode *object, const char *key, GBytes **out, const char *where,
            GError **error)
{
  const JNode *v = jobject_get (object, key);
  gsize len, i, pad = 0, n = 0;
  guchar *data;

  *out = NULL;
  if (v == NULL || v->type != J_STRING)
    return shape_error (error, where, key);
  len = strlen (v->string);
  if (len == 0 || len % 4 != 0)
    return shape_error (error, where, key);
  for (i = 0; i < len; i++)
    {
      char c = v->string[i];

      if (c == '=' && i >= len - 2)
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return shape_error (error, where, key);
    }
  data = g_base64_decode (v->string, &n);
  *out = g_bytes_new_take (data, n);
  return TRUE;
}

InkanEvidence *
inkan_evidence_parse (GBytes *json, GError **error)
{
  g_autoptr (InkanEvidence) evidence = g_new0 (InkanEvidence, 1);
  g_autoptr (JNode) root = NULL;
  const JNode *request, *approvals, *id;
  const char *data;
  gsize len = 0;
  guint i;

  g_return_val_if_fail (json != NULL, NULL);

  evidence->approvals = g_ptr_array_new_with_free_func (evidence_approval_free);
  data = g_bytes_get_data (json, &len);
  root = parse_document (data != NULL ? data : "", len, "evidence", error);
  if (root == NULL)
    return NULL;

  request = jobject_get (root, "request");
  if (request == NULL || request->type != J_OBJECT)
    {
      shape_error (error, "document", "request");
      return NULL;
    }
  id = jobject_get (request, "id");
  if (id == NULL || id->type != J_INT)
    {
      shape_error (error, "request", "id");
      return NULL;
    }
  evidence->request.id = id->integer;
  if (!get_text (request, "seal", FALSE, &evidence->request.seal, "request", error)
      || !get_text (request, "document_sha256", FALSE, &evidence->request.document_sha256,
                    "request", error)
      || !get_text (request, "document_name", TRUE, &evidence->request.document_name, "request",
                    error)
      || !get_text (request, "reason", TRUE, &evidence->request.reason, "request", error)
      || !get_text (request, "requester", TRUE, &evidence->request.requester, "request", error)
      || !get_time (request, "created", TRUE, &evidence->request.created, "request", error))
    return NULL;

  approvals = jobject_get (root, "approvals");
  if (approvals == NULL || approvals->type != J_ARRAY)
    {
      shape_error (error, "document", "approvals");
      return NULL;
    }
  for (i = 0; i < approvals->items->len; i++)
    {
      const JNode *item = approvals->items->pdata[i];
      const JNode *step = jobject_get (item, "step");
      InkanEvidenceApproval *a;

      if (item->type != J_OBJECT)
        {
          shape_error (error, "approvals", "approval");
          return NULL;
        }
      a = g_new0 (InkanEvidenceApproval, 1);
      g_ptr_array_add (evidence->approvals, a);
      if (step != NULL && (step->type != J_INT || step->integer < 0 || step->integer > G_MAXUINT))
        {
          shape_error (error, "approval", "step");
          return NULL;
        }
      a->step = step != NULL ? (guint) step->integer : i;
      if (!get_text (item, "approver", FALSE, &a->approver, "approval", error)
          || !get_text (item, "role", TRUE, &a->role, "approval", error)
          || !get_text (item, "decision", FALSE, &a->decision, "approval", error)
          || !get_text (item, "comment", TRUE, &a->comment, "approval", error)
          || !get_time (item, "time", FALSE, &a->time, "approval", error)
          || !get_base64 (item, "statement", &a->statement, "approval", error)
          || !get_base64 (item, "cms", &a->cms, "approval", error)
          || !get_base64 (item, "certificate", &a->certificate, "approval", error))
        return NULL;
    }
  return g_steal_pointer (&evidence);
}

/* ---- checking an approval ------------------------------------------------------------------ */

void
inkan_approval_report_free (InkanApprovalReport *report)
{
  if (report == NULL)
    return;
  g_free (report->approver);
  g_free (report->role);
  g_free (report->decision);
  g_clear_pointer (&report->time, g_date_time_unref);
  g_free (report->problem);
  g_free (report);
}

static gboolean
same_time (GDateTime *a, GDateTime *b)
{
  /* Statements keep milliseconds. */
  return a != NULL && b != NULL && g_date_time_difference (a, b) / 1000 == 0;
}

static gboolean
mismatch (GError **error, const char *approver, const char *what)
{
  g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_MISMATCH,
               _("The statement %s signed does not match the recorded approval (its %s "
                 "differs): the record was altered after approval. Do not rely on this "
                 "approval."),
               approver, what);
  return FALSE;
}

/* The statement's fields against the record: every field the statement holds is signed, so each
 * must be what the evidence says. */
static gboolean
check_statement (const InkanEvidence *evidence, const InkanEvidenceApproval *approval,
                 GError **error)
{
  g_autoptr (JNode) statement = NULL;
  g_autoptr (GDateTime) time = NULL;
  const JNode *request, *v;
  const char *data;
  gsize len = 0;

  data = g_bytes_get_data (approval->statement, &len);
  statement = parse_document (data != NULL ? data : "", len, "statement", error);
  if (statement == NULL)
    return FALSE;
  request = jobject_get (statement, "request");
  if (request == NULL || request->type != J_INT || request->integer != evidence->request.id)
    return mismatch (error, approval->approver, "request");
  v = jobject_get (statement, "document_sha256");
  if (v == NULL || v->type != J_STRING
      || g_ascii_strcasecmp (v->string, evidence->request.document_sha256) != 0)
    return mismatch (error, approval->approver, "document");
  v = jobject_get (statement, "seal");
  if (v == NULL || v->type != J_STRING || g_strcmp0 (v->string, evidence->request.seal) != 0)
    return mismatch (error, approval->approver, "seal");
  v = jobject_get (statement, "decision");
  if (v == NULL || v->type != J_STRING || g_strcmp0 (v->string, approval->decision) != 0)
    return mismatch (error, approval->approver, "decision");
  v = jobject_get (statement, "comment");
  if (v != NULL && v->type != J_STRING && v->type != J_NULL)
    return mismatch (error, approval->approver, "comment");
  if (g_strcmp0 (v != NULL && v->type == J_STRING && v->string[0] != '\0' ? v->string : NULL,
                 approval->comment != NULL && approval->comment[0] != '\0' ? approval->comment
                                                                           : NULL)
      != 0)
    return mismatch (error, approval->approver, "comment");
  v = jobject_get (statement, "time");
  time = v != NULL && v->type == J_STRING ? parse_time (v->string) : NULL;
  if (!same_time (time, approval->time))
    return mismatch (error, approval->approver, "time");
  return TRUE;
}

static gboolean
import_certificate (GBytes *der, gnutls_x509_crt_t *crt)
{
  gnutls_datum_t datum;
  gsize len = 0;

  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  if (gnutls_x509_crt_init (crt) < 0)
    return FALSE;
  if (len == 0 || len > G_MAXUINT || gnutls_x509_crt_import (*crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (*crt);
      *crt = NULL;
      return FALSE;
    }
  return TRUE;
}

/* The CMS over the statement with the registered certificate, by the policy's own rule. */
static gboolean
check_signature (const InkanEvidenceApproval *approval, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (inkan_approval_verify (approval->cms, approval->statement, approval->certificate, &local))
    return TRUE;
  g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_SIGNATURE,
               _("The approval recorded for %s is not valid. %s Do not rely on it."),
               approval->approver, local->message);
  return FALSE;
}

static gboolean
check_approval (const InkanEvidence *evidence, const InkanEvidenceApproval *approval,
                const char *sealed_sha256, GError **error)
{
  if (!check_signature (approval, error) || !check_statement (evidence, approval, error))
    return FALSE;
  if (sealed_sha256 != NULL
      && g_ascii_strcasecmp (sealed_sha256, evidence->request.document_sha256) != 0)
    {
      g_set_error (error, INKAN_EVIDENCE_ERROR, INKAN_EVIDENCE_ERROR_MISMATCH,
                   _("%s approved request %" PRId64 " for another version of the "
                     "document than the one that was sealed. Do not rely on this approval; ask "
                     "the sender which version was approved."),
                   approval->approver, evidence->request.id);
      return FALSE;
    }
  return TRUE;
}

gboolean
inkan_evidence_check_approval (const InkanEvidence *evidence,
                               const InkanEvidenceApproval *approval, const char *sealed_sha256,
                               GError **error)
{
  g_return_val_if_fail (evidence != NULL && approval != NULL, FALSE);

  return check_approval (evidence, approval, sealed_sha256, error);
}

static char *
common_name (GBytes *der)
{
  gnutls_x509_crt_t crt = NULL;
  char buf[1024];
  size_t len = sizeof buf;
  char *name = NULL;

  if (!import_certificate (der, &crt))
    return NULL;
  if (gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len) >= 0)
    name = g_utf8_make_valid (buf, (gssize) len);
  gnutls_x509_crt_deinit (crt);
  return name;
}

InkanApprovalReport *
inkan_evidence_report_approval (const InkanEvidence *evidence,
                                const InkanEvidenceApproval *approval, const char *sealed_sha256,
                                InkanTrust *trust)
{
  g_autoptr (InkanApprovalReport) report = g_new0 (InkanApprovalReport, 1);
  g_autoptr (InkanCmsSignedData) cms = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (evidence != NULL && approval != NULL, NULL);

  report->approver = common_name (approval->certificate);
  if (report->approver == NULL)
    report->approver = g_strdup (approval->approver);
  report->role = g_strdup (approval->role);
  report->decision = g_strdup (approval->decision);
  report->time = approval->time != NULL ? g_date_time_ref (approval->time) : NULL;
  report->valid = check_approval (evidence, approval, sealed_sha256, &error);
  if (!report->valid)
    report->problem = g_strdup (error->message);
  /* Trust is asked only of a signature that holds: its signer is then the registered
   * certificate, and the CMS carries the rest of the chain. */
  if (report->valid && trust != NULL)
    cms = inkan_cms_signed_data_parse (g_bytes_get_data (approval->cms, NULL),
                                       g_bytes_get_size (approval->cms), NULL);
  if (cms != NULL && inkan_cms_signed_data_get_signer (cms) != NULL)
    {
      g_auto (InkanPathResult) path = { 0 };
      guint n_certs = 0;
      gnutls_x509_crt_t const *certs = inkan_cms_signed_data_get_certificates (cms, &n_certs);

      inkan_trust_check_path (trust, inkan_cms_signed_data_get_signer (cms), certs, n_certs,
                              approval->time, &path);
      report->trusted = path.status == INKAN_PATH_OK;
    }
  return g_steal_pointer (&report);
}
