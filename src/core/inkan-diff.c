/* Modification analysis: what one revision changed after the previous one, judged by roles. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-diff.h"
#include "inkan-pdf.h"
#include "inkan-qpdf-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* A document whose object graph needs more steps than this to walk is refused, not guessed. */
#define MAX_VISITS (4u * 1024 * 1024)
#define MAX_DEPTH 64

/* What an object is in a revision's object graph; an object may be several things at once,
 * and a change must be allowed for every one of them. */
typedef enum
{
  R_CATALOG = 1 << 0,
  R_PAGE_TREE = 1 << 1,
  R_PAGE = 1 << 2,
  R_ANNOTS = 1 << 3,        /* an indirect /Annots array */
  R_CONTENT = 1 << 4,       /* page contents, resources, fonts, images, anything a page draws */
  R_ANNOT = 1 << 5,         /* an annotation other than a widget */
  R_ANNOT_MISC = 1 << 6,    /* what an annotation holds: appearance, actions, borders */
  R_WIDGET = 1 << 7,        /* a widget of a field not signed */
  R_WIDGET_AP = 1 << 8,
  R_ACROFORM = 1 << 9,
  R_FIELDS = 1 << 10,       /* an indirect /Fields or /Kids array of fields not signed */
  R_FIELD = 1 << 11,        /* a field other than a signature field */
  R_FIELD_VALUE = 1 << 12,
  R_FIELD_MISC = 1 << 13,   /* what such a field holds besides its value: actions, options */
  R_SIG_FIELD = 1 << 14,    /* an empty signature field */
  R_SIGNED = 1 << 15,       /* a signed field and all it holds: value, widgets, appearances */
  R_DSS = 1 << 16,
  R_INFO = 1 << 17,
  R_METADATA = 1 << 18,
  R_EXTENSIONS = 1 << 19,
  R_DR = 1 << 20,
  R_OTHER = 1 << 21,        /* reached some way no rule knows */
} Role;

typedef struct
{
  int id;
  gboolean is_sig;
  gboolean is_signed;
  gboolean doc_timestamp;
  gboolean visible;
  guint page;               /* of its first widget, 1-based; 0 when unknown */
  int value_id;             /* the object /V refers to, 0 when direct or absent */
  char *name;
} FieldInfo;

typedef struct
{
  int id;
  gboolean is_widget;
  gboolean visible;
  guint page;
  int field;                /* widgets: the field's id, 0 when it belongs to no field */
  char *subtype;
} AnnotInfo;

/* What the walk follows out of a container: a reference (id > 0, with its generation), a direct
 * container (id < 0: node -id - 1) or a direct container with nothing to follow (id 0). */
typedef struct
{
  int id;
  int gen;
} Edge;

/* A container's edges: edges[start, start + len). */
typedef struct
{
  guint start;
  guint len;
} Node;

/* An object read from qpdf: its edges (node -1 when none), for the roles it gains later. */
typedef struct
{
  int gen;
  int node;
} Record;

typedef struct
{
  int target;               /* as Edge.id */
  int gen;
  guint role;
  int owner;                /* the field whose appearance this is, 0 when none */
} Pending;

/* Signature dictionaries as qpdf wrote them without their /Contents (kilobytes of hexadecimal
 * that qpdf's tokenizer reads a character at a time), kept by the differ for all its graphs: a
 * revision whose cross-reference entry for the object is still the one it was read through
 * gets this stand-in in its walk's reading (see graph_build). */
typedef struct
{
  GMutex lock;
  GHashTable *dicts;        /* object number → LightDict */
} LightCache;

typedef struct
{
  int gen;
  InkanXrefEntry where;     /* the entry in force where the object was read */
  char *text;
} LightDict;

typedef struct
{
  qpdf_data q;              /* the reading walked; NULL once the graph is built */
  InkanRevisions *revisions;
  int root_id;
  GHashTable *roles;        /* id → Role mask, also for references to missing objects */
  GHashTable *structural;   /* ids the structural walk placed: the generic walk stops there */
  GHashTable *fields;       /* id → FieldInfo */
  GHashTable *widget_field; /* widget id → field id */
  GHashTable *annots;       /* id → AnnotInfo */
  GHashTable *owners;       /* appearance object id → field id */
  GArray *pages;            /* page ids in order */
  GArray *pending;          /* Pending, a queue from pending_head */
  guint pending_head;
  guint visits;
  guint ticks;              /* objects read, for giving back the file's pages */
  /* The walk's own copy of the object graph, freed once the graph is built: each object is
   * read from qpdf once and then dropped from the reading (replaced by a small stand-in), so
   * the reading does not hold the whole document; a role the object gains later follows its
   * recorded edges. */
  gboolean drop;
  GHashTable *keep;         /* ids never dropped: object streams */
  GArray *edges;            /* Edge */
  GArray *nodes;            /* Node */
  GArray *records;          /* Record */
  GHashTable *recorded;     /* id → index in records + 1 */
  GArray *scratch;          /* Edge, a stack while a container's edges are collected */
  GHashTable *dropped;      /* id → generation + 1, dropped while the structure is walked */
  GArray *busy;             /* ids the structural walk is inside: not dropped yet */
  GArray *later;            /* Edge: the form's objects, dropped once the pages are walked */
  gboolean placing;         /* the structural walk is under way: `dropped` is kept */
  gboolean redo;            /* a dropped object was needed again: walk again without dropping */
  gboolean unreadable;      /* qpdf's text of a container could not be read back */
  LightCache *light;        /* or NULL */
  guint rev;                /* the revision walked */
} Graph;

typedef struct
{
  InkanRevisions *revisions;
  guint rev;
  Graph *old_graph, *new_graph;
  InkanDiff *diff;
  GHashTable *seen_findings;
} Judge;

/* ---- public small things ----------------------------------------------------------------- */

const char *
inkan_modification_level_to_string (InkanModificationLevel level)
{
  static const char * const names[] = { "NONE", "LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS",
                                        "OTHER" };

  g_return_val_if_fail ((guint) level < G_N_ELEMENTS (names), NULL);
  return names[level];
}

InkanFinding *
inkan_finding_new (const char *code, const char *message)
{
  InkanFinding *finding = g_new0 (InkanFinding, 1);

  finding->code = g_strdup (code);
  finding->message = g_strdup (message);
  return finding;
}

void
inkan_finding_free (InkanFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->code);
  g_free (finding->message);
  g_free (finding);
}

void
inkan_diff_free (InkanDiff *diff)
{
  if (diff == NULL)
    return;
  g_clear_pointer (&diff->findings, g_ptr_array_unref);
  g_free (diff);
}

/* ---- qpdf access that never warns -------------------------------------------------------- */

static qpdf_oh
dict_get (qpdf_data q, qpdf_oh oh, const char *key)
{
  if (!qpdf_oh_is_dictionary (q, oh))
    return qpdf_oh_new_null (q);
  return qpdf_oh_get_key (q, oh, key);
}

static gboolean
dict_has (qpdf_data q, qpdf_oh oh, const char *key)
{
  return qpdf_oh_is_dictionary (q, oh) && qpdf_oh_has_key (q, oh, key);
}

/* qpdf has one key iterator per document: collect, then look. */
static GPtrArray *
dict_keys (qpdf_data q, qpdf_oh dict)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  if (!qpdf_oh_is_dictionary (q, dict))
    return keys;
  qpdf_oh_begin_dict_key_iter (q, dict);
  while (qpdf_oh_dict_more_keys (q))
    g_ptr_array_add (keys, g_strdup (qpdf_oh_dict_next_key (q)));
  return keys;
}

static gboolean
name_is (qpdf_data q, qpdf_oh dict, const char *key, const char *name)
{
  qpdf_oh v = dict_get (q, dict, key);
  gboolean is = qpdf_oh_is_name_and_equals (q, v, name);

  qpdf_oh_release (q, v);
  return is;
}

static int
object_id (qpdf_data q, qpdf_oh oh)
{
  /* A direct object's number is 0. */
  return qpdf_oh_get_object_id (q, oh);
}

/* An object's value at one level: dictionary entries and array items as qpdf writes them, so
 * that references stay references and two revisions compare object by object. */
static char *
value_text (qpdf_data q, qpdf_oh oh, gboolean with_stream_data)
{
  GString *s = g_string_new (NULL);
  qpdf_oh dict = 0;
  int type = qpdf_oh_get_type_code (q, oh);

  switch (type)
    {
    case ot_stream:
      dict = qpdf_oh_get_dict (q, oh);
      G_GNUC_FALLTHROUGH;
    case ot_dictionary:
      {
        qpdf_oh d = dict != 0 ? dict : oh;
        g_autoptr (GPtrArray) keys = dict_keys (q, d);
        guint i;

        g_string_append (s, type == ot_stream ? "stream<<" : "<<");
        for (i = 0; i < keys->len; i++)
          {
            qpdf_oh v = qpdf_oh_get_key (q, d, keys->pdata[i]);

            g_string_append_printf (s, "%s %s ", (char *) keys->pdata[i],
                                    qpdf_oh_unparse_binary (q, v));
            qpdf_oh_release (q, v);
          }
        g_string_append (s, ">>");
        if (dict != 0)
          qpdf_oh_release (q, dict);
        if (type == ot_stream && with_stream_data)
          {
            unsigned char *buf = NULL;
            size_t len = 0;

            if (qpdf_oh_get_stream_data (q, oh, qpdf_dl_none, NULL, &buf, &len) == QPDF_SUCCESS
                && buf != NULL)
              {
                g_string_append (s, "data:");
                g_string_append_len (s, (const char *) buf, (gssize) len);
              }
            free (buf);
          }
        break;
      }
    case ot_array:
      {
        int i, n = qpdf_oh_get_array_n_items (q, oh);

        g_string_append_c (s, '[');
        for (i = 0; i < n; i++)
          {
            qpdf_oh v = qpdf_oh_get_array_item (q, oh, i);

            g_string_append_printf (s, "%s ", qpdf_oh_unparse_binary (q, v));
            qpdf_oh_release (q, v);
          }
        g_string_append_c (s, ']');
        break;
      }
    case ot_integer:
      g_string_append_printf (s, "%lld", qpdf_oh_get_int_value (q, oh));
      break;
    case ot_real:
      g_string_append_printf (s, "real %s", qpdf_oh_get_real_value (q, oh));
      break;
    case ot_name:
      g_string_append_printf (s, "name %s", qpdf_oh_get_name (q, oh));
      break;
    case ot_boolean:
      g_string_append (s, qpdf_oh_get_bool_value (q, oh) ? "true" : "false");
      break;
    case ot_string:
      {
        size_t len = 0;
        const char *v = qpdf_oh_get_binary_string_value (q, oh, &len);

        g_string_append (s, "string ");
        g_string_append_len (s, v, (gssize) len);
        break;
      }
    default:
      g_string_append_printf (s, "type %d", type);
      break;
    }
  return g_string_free (s, FALSE);
}

static char *
entry_text (qpdf_data q, qpdf_oh dict, const char *key)
{
  qpdf_oh v;
  char *text;

  if (!dict_has (q, dict, key))
    return NULL;
  v = qpdf_oh_get_key (q, dict, key);
  text = g_strdup (qpdf_oh_unparse_binary (q, v));
  qpdf_oh_release (q, v);
  return text;
}

/* The keys whose values differ between two dictionaries of two documents. */
static GPtrArray *
changed_keys (qpdf_data qa, qpdf_oh a, qpdf_data qb, qpdf_oh b)
{
  g_autoptr (GPtrArray) ka = dict_keys (qa, a);
  g_autoptr (GPtrArray) kb = dict_keys (qb, b);
  g_autoptr (GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  guint i;

  for (i = 0; i < ka->len; i++)
    g_hash_table_add (all, ka->pdata[i]);
  for (i = 0; i < kb->len; i++)
    g_hash_table_add (all, kb->pdata[i]);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *va = entry_text (qa, a, key);
      g_autofree char *vb = entry_text (qb, b, key);

      if (g_strcmp0 (va, vb) != 0)
        g_ptr_array_add (changed, g_strdup (key));
    }
  return changed;
}

static char *
text_value (qpdf_data q, qpdf_oh dict, const char *key)
{
  qpdf_oh v = dict_get (q, dict, key);
  char *text = NULL;

  if (qpdf_oh_is_string (q, v))
    text = g_strdup (qpdf_oh_get_utf8_value (q, v));
  qpdf_oh_release (q, v);
  return text;
}

/* ---- the role walk ----------------------------------------------------------------------- */

static void
field_info_free (gpointer data)
{
  FieldInfo *f = data;

  g_free (f->name);
  g_free (f);
}

static void
annot_info_free (gpointer data)
{
  AnnotInfo *a = data;

  g_free (a->subtype);
  g_free (a);
}

static Graph *
graph_new (InkanRevisions *revisions, guint rev, LightCache *light, qpdf_data q,
           GHashTable *keep)
{
  Graph *g = g_new0 (Graph, 1);

  g->q = q;
  g->revisions = revisions;
  g->rev = rev;
  g->light = light;
  g->roles = g_hash_table_new (NULL, NULL);
  g->structural = g_hash_table_new (NULL, NULL);
  g->fields = g_hash_table_new_full (NULL, NULL, NULL, field_info_free);
  g->widget_field = g_hash_table_new (NULL, NULL);
  g->annots = g_hash_table_new_full (NULL, NULL, NULL, annot_info_free);
  g->owners = g_hash_table_new (NULL, NULL);
  g->pages = g_array_new (FALSE, FALSE, sizeof (int));
  g->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g->drop = keep != NULL;
  g->keep = keep != NULL ? g_hash_table_ref (keep) : NULL;
  g->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g->nodes = g_array_new (FALSE, FALSE, sizeof (Node));
  g->records = g_array_new (FALSE, FALSE, sizeof (Record));
  g->recorded = g_hash_table_new (NULL, NULL);
  g->scratch = g_array_new (FALSE, FALSE, sizeof (Edge));
  g->dropped = g_hash_table_new (NULL, NULL);
  g->busy = g_array_new (FALSE, FALSE, sizeof (int));
  g->later = g_array_new (FALSE, FALSE, sizeof (Edge));
  return g;
}

/* What only the walk needs. */
static void
graph_walk_done (Graph *g)
{
  g_clear_pointer (&g->pending, g_array_unref);
  g_clear_pointer (&g->keep, g_hash_table_unref);
  g_clear_pointer (&g->edges, g_array_unref);
  g_clear_pointer (&g->nodes, g_array_unref);
  g_clear_pointer (&g->records, g_array_unref);
  g_clear_pointer (&g->recorded, g_hash_table_unref);
  g_clear_pointer (&g->scratch, g_array_unref);
  g_clear_pointer (&g->dropped, g_hash_table_unref);
  g_clear_pointer (&g->busy, g_array_unref);
  g_clear_pointer (&g->later, g_array_unref);
}

static void
graph_free (Graph *g)
{
  if (g == NULL)
    return;
  graph_walk_done (g);
  g_hash_table_unref (g->roles);
  g_hash_table_unref (g->structural);
  g_hash_table_unref (g->fields);
  g_hash_table_unref (g->widget_field);
  g_hash_table_unref (g->annots);
  g_hash_table_unref (g->owners);
  g_array_unref (g->pages);
  g_free (g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Graph, graph_free)

static guint
roles_of (Graph *g, int id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (g->roles, GINT_TO_POINTER (id)));
}

/* Adds `role` to object `id`; FALSE when it had it already. */
static gboolean
add_role (Graph *g, int id, guint role)
{
  guint mask = roles_of (g, id);

  if (id <= 0 || (mask & role) == role)
    return FALSE;
  g_hash_table_insert (g->roles, GINT_TO_POINTER (id), GUINT_TO_POINTER (mask | role));
  return TRUE;
}

/* The walk reads every object of a revision: the mapped file's pages go behind it, or each
 * object read would keep the pages around it resident (the kernel maps 64 KiB per fault). */
static void
graph_tick (Graph *g)
{
  if (++g->ticks % 64 == 0)
    inkan_revisions_release_pages (g->revisions);
}

/* ---- the walk's copy of the graph, and dropping what qpdf has read ------------------------- */

static gboolean
is_container (int type)
{
  return type == ot_dictionary || type == ot_array || type == ot_stream;
}

/* ---- containers read from qpdf's text of them ---------------------------------------------- */

/* A call through qpdf's C API costs about a thousand instructions (its handle table, the
 * trapping of errors, the collection of warnings), and listing a container took a few calls an
 * entry: that was most of a walk. A container is read instead from the text qpdf writes of it,
 * in one call. That text is qpdf's own, regular syntax: a dictionary's entries in the order of
 * its keys (the order qpdf lists them in) and without those whose value is null, as qpdf lists
 * them; names as / and characters that are neither white space nor delimiters; strings as
 * <hexadecimal> or (…) with their parentheses escaped; an indirect object as "NUM GEN R".
 * Only references and containers are taken from it; numbers, strings, names and keywords are
 * passed over. */

static gboolean
scan_delimiter (char c)
{
  return c == '\0' || strchr (" \t\n\r\f()<>[]{}/%", c) != NULL;
}

static const char *
scan_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
    p++;
  return p;
}

/* The end of a run of regular characters (a name's, a number's, a keyword's). */
static const char *
scan_token_end (const char *p)
{
  while (!scan_delimiter (*p))
    p++;
  return p;
}

/* A non-negative integer that fits an int at `p`, in `*value`: its end, or NULL. */
static const char *
scan_int (const char *p, int *value)
{
  gint64 v = 0;

  if (!g_ascii_isdigit (*p))
    return NULL;
  for (; g_ascii_isdigit (*p); p++)
    {
      v = v * 10 + (*p - '0');
      if (v > G_MAXINT)
        return NULL;
    }
  if (!scan_delimiter (*p))
    return NULL;
  *value = (int) v;
  return p;
}

/* A literal string at `p` ("("): its end. */
static const char *
scan_string_end (const char *p)
{
  guint nesting = 0;

  for (; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '(')
        nesting++;
      else if (*p == ')' && --nesting == 0)
        return p + 1;
    }
  return NULL;
}

/* Past the opening of a dictionary ("<<") or an array ("[") at `p` (after white space); NULL
 * when the text does not open so. */
static const char *
scan_open (const char *p, gboolean array)
{
  p = scan_space (p);
  if (array ? p[0] != '[' : (p[0] != '<' || p[1] != '<'))
    return NULL;
  return p + (array ? 1 : 2);
}

/* Whether `p` closes a dictionary (">>") or an array ("]"). */
static gboolean
scan_closes (const char *p, gboolean array)
{
  return array ? p[0] == ']' : p[0] == '>' && p[1] == '>';
}

/* Steps over a dictionary's key at `p` (which ends at `*key_end`): where its value starts, or
 * NULL when `p` holds no key. */
static const char *
scan_key (const char *p, const char **key_end)
{
  if (*p != '/')
    return NULL;
  *key_end = scan_token_end (p + 1);
  return scan_space (*key_end);
}

static const char *scan_container (Graph *g, const char *p, gboolean array, guint depth,
                                   int *node);

/* Reads the value at `p`, appending to the scratch stack the edge collect_edge would: a
 * reference, or a direct container (its node, or 0). Its end, or NULL when the text is not
 * qpdf's. With `g` NULL, only finds its end. */
static const char *
scan_value (Graph *g, const char *p, guint depth)
{
  Edge e = { 0, 0 };
  const char *q;

  if ((q = scan_open (p, p[0] == '[')) != NULL)
    {
      guint nodes = g != NULL ? g->nodes->len : 0, edges = g != NULL ? g->edges->len : 0;
      int node = -1;

      q = scan_container (g, q, p[0] == '[', depth + 1, &node);
      if (q == NULL || g == NULL)
        return q;
      /* Bounded as collect_edge bounds it: what lies deeper is followed no further. */
      if (depth >= 1024)
        {
          g_array_set_size (g->nodes, nodes);
          g_array_set_size (g->edges, edges);
          node = -1;
        }
      e.id = node >= 0 ? -node - 1 : 0;
      g_array_append_val (g->scratch, e);
      return q;
    }
  if (p[0] == '<')
    return (q = strchr (p, '>')) != NULL ? q + 1 : NULL;
  if (p[0] == '(')
    return scan_string_end (p);
  if (p[0] == '/')
    return scan_token_end (p + 1);
  if ((q = scan_int (p, &e.id)) != NULL)
    {
      const char *r = scan_int (scan_space (q), &e.gen);

      if (r != NULL && *(r = scan_space (r)) == 'R' && scan_delimiter (r[1]))
        {
          if (e.id <= 0)
            return NULL;
          if (g != NULL)
            g_array_append_val (g->scratch, e);
          return r + 1;
        }
    }
  /* A number or a keyword. */
  q = scan_token_end (p);
  return q != p ? q : NULL;
}

/* Reads the entries of the container whose opening ("<<" or "[") ends at `p`, recording them as
 * a node (`*node`, -1 when it holds no reference and no container; with `g` NULL, nothing is
 * recorded). Its end, or NULL. */
static const char *
scan_container (Graph *g, const char *p, gboolean array, guint depth, int *node)
{
  guint base = g != NULL ? g->scratch->len : 0, len;
  Node n;

  for (;;)
    {
      const char *key_end;

      p = scan_space (p);
      if (scan_closes (p, array))
        break;
      if ((!array && (p = scan_key (p, &key_end)) == NULL)
          || (p = scan_value (g, p, depth)) == NULL)
        return NULL;
    }
  *node = -1;
  if (g == NULL)
    return p + (array ? 1 : 2);
  len = g->scratch->len - base;
  if (len > 0)
    {
      n.start = g->edges->len;
      n.len = len;
      g_array_append_vals (g->edges, &g_array_index (g->scratch, Edge, base), len);
      g_array_set_size (g->scratch, base);
      g_array_append_val (g->nodes, n);
      *node = (int) g->nodes->len - 1;
    }
  return p + (array ? 1 : 2);
}

/* Records what container `oh` (of `type`) holds, in the order the walk follows it: a
 * dictionary's (or a stream dictionary's) entries in qpdf's key order, an array's items.
 * Returns its node, -1 when it holds no reference and no container. */
static int
record_node (Graph *g, qpdf_oh oh, int type, guint depth)
{
  qpdf_data q = g->q;
  qpdf_oh dict;
  const char *text;
  guint base = g->scratch->len;
  int node = -1;

  if (!is_container (type))
    return -1;
  /* The text is qpdf's until the next call to it. */
  dict = type == ot_stream ? qpdf_oh_get_dict (q, oh) : oh;
  text = scan_open (qpdf_oh_unparse_resolved (q, dict), type == ot_array);
  if (text == NULL || scan_container (g, text, type == ot_array, depth, &node) == NULL)
    {
      g_array_set_size (g->scratch, base);
      g->unreadable = TRUE;
      node = -1;
    }
  if (type == ot_stream)
    qpdf_oh_release (q, dict);
  return node;
}

/* Takes ownership of `oh`; scalars lead nowhere and are not kept. */
static void
collect_edge (Graph *g, qpdf_oh oh, guint depth)
{
  qpdf_data q = g->q;
  Edge e = { 0, 0 };
  int type;

  if ((e.id = object_id (q, oh)) > 0)
    e.gen = qpdf_oh_get_generation (q, oh);
  else if (is_container (type = qpdf_oh_get_type_code (q, oh)))
    {
      /* qpdf's parser bounds the nesting of direct objects; this bounds the recursion in any
       * case (what lies deeper is followed no further). */
      int node = depth < 1024 ? record_node (g, oh, type, depth + 1) : -1;

      e.id = node >= 0 ? -node - 1 : 0;
    }
  else
    {
      qpdf_oh_release (q, oh);
      return;
    }
  qpdf_oh_release (q, oh);
  g_array_append_val (g->scratch, e);
}

/* Drops object (id, gen) (of `type`) from the walk's reading (see _inkan_qpdf_forget), noting
 * it while objects are being placed. */
static void
drop_object (Graph *g, int id, int gen, int type)
{
  _inkan_qpdf_forget (g->q, id, gen, type);
  if (g->placing)
    g_hash_table_insert (g->dropped, GINT_TO_POINTER (id), GINT_TO_POINTER (gen + 1));
}

static const Record *
record_of (Graph *g, int id)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (g->recorded, GINT_TO_POINTER (id)));

  return index > 0 ? &g_array_index (g->records, Record, index - 1) : NULL;
}

/* Stacks the objects that node `node` refers to and that are still to be read. */
static void
stack_refs (Graph *g, int node, GArray *stack)
{
  Node n = g_array_index (g->nodes, Node, node);
  guint i;

  for (i = 0; i < n.len; i++)
    {
      Edge e = g_array_index (g->edges, Edge, n.start + i);

      if (e.id < 0)
        stack_refs (g, -e.id - 1, stack);
      else if (e.id > 0 && record_of (g, e.id) == NULL
               && !g_hash_table_contains (g->structural, GINT_TO_POINTER (e.id)))
        g_array_append_val (stack, e);
    }
}

/* Reads object (id, gen) and what it leads to that the structural walk has not placed, depth
 * first, recording each object's edges and dropping it from the reading at once. Depth first:
 * qpdf parses the objects a dictionary refers to when it lists its keys, and the breadth-first
 * role walk would otherwise hold a whole level of the graph parsed before it comes to it. */
static void
prefetch (Graph *g, int id, int gen)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Edge));
  Edge first = { id, gen };

  g_array_append_val (stack, first);
  while (stack->len > 0)
    {
      Edge e = g_array_index (stack, Edge, stack->len - 1);
      Record r = { e.gen, -1 };
      qpdf_oh oh;
      int type;

      g_array_set_size (stack, stack->len - 1);
      if (record_of (g, e.id) != NULL
          || g_hash_table_contains (g->structural, GINT_TO_POINTER (e.id)))
        continue;
      graph_tick (g);
      oh = qpdf_get_object_by_id (g->q, e.id, e.gen);
      type = qpdf_oh_get_type_code (g->q, oh);
      if (is_container (type))
        r.node = record_node (g, oh, type, 0);
      qpdf_oh_release (g->q, oh);
      g_array_append_val (g->records, r);
      g_hash_table_insert (g->recorded, GINT_TO_POINTER (e.id),
                           GUINT_TO_POINTER (g->records->len));
      /* Kept: scalars (a stream's /Length is read with the stream), object streams (until
       * their objects are read). */
      if (g->drop && is_container (type)
          && !g_hash_table_contains (g->keep, GINT_TO_POINTER (e.id)))
        drop_object (g, e.id, e.gen, type);
      if (r.node >= 0)
        stack_refs (g, r.node, stack);
    }
}

/* The edges of object (id, gen): -1 when it holds nothing to follow. */
static int
object_node (Graph *g, int id, int gen)
{
  const Record *r = record_of (g, id);
  qpdf_oh oh;
  int node = -1, type;

  if (r == NULL)
    {
      prefetch (g, id, gen);
      r = record_of (g, id);
    }
  if (r != NULL && r->gen == gen)
    return r->node;
  /* Another generation of a number already read (a broken reference): read each time. */
  oh = qpdf_get_object_by_id (g->q, id, gen);
  type = qpdf_oh_get_type_code (g->q, oh);
  if (is_container (type))
    node = record_node (g, oh, type, 0);
  qpdf_oh_release (g->q, oh);
  return node;
}

/* Structural objects are dropped once walked, unless a walk that encloses them is still on
 * them; the document catalog is read last and object streams are kept. */
static void
busy_push (Graph *g, int id)
{
  g_array_append_val (g->busy, id);
}

static void
busy_pop (Graph *g)
{
  g_array_set_size (g->busy, g->busy->len - 1);
}

static void
drop_structural (Graph *g, int id, int gen)
{
  guint i;

  if (!g->drop || id <= 0 || id == g->root_id
      || g_hash_table_contains (g->keep, GINT_TO_POINTER (id)))
    return;
  for (i = 0; i < g->busy->len; i++)
    if (g_array_index (g->busy, int, i) == id)
      return;
  /* What the structural walk places is a dictionary or an array: never a number to keep. */
  drop_object (g, id, gen, ot_dictionary);
}

static void
drop_oh (Graph *g, qpdf_oh oh)
{
  int id;

  if (g->drop && (id = object_id (g->q, oh)) > 0)
    drop_structural (g, id, qpdf_oh_get_generation (g->q, oh));
}

/* Was `oh` dropped? A walk that would read it again is done again without dropping. */
static gboolean
gone (Graph *g, qpdf_oh oh)
{
  gpointer gen;
  int id;

  return g_hash_table_size (g->dropped) > 0 && (id = object_id (g->q, oh)) > 0
         && g_hash_table_lookup_extended (g->dropped, GINT_TO_POINTER (id), NULL, &gen)
         && GPOINTER_TO_INT (gen) == qpdf_oh_get_generation (g->q, oh) + 1;
}

static void
push_edge (Graph *g, const Edge *e, guint role, int owner)
{
  Pending p = { e->id, e->gen, role, owner };

  g_array_append_val (g->pending, p);
}

/* Takes ownership of `oh`. */
static void
push_owned (Graph *g, qpdf_oh oh, guint role, int owner)
{
  guint base = g->scratch->len;

  collect_edge (g, oh, 0);
  if (g->scratch->len > base)
    {
      push_edge (g, &g_array_index (g->scratch, Edge, base), role, owner);
      g_array_set_size (g->scratch, base);
    }
}

static void
push (Graph *g, qpdf_oh oh, guint role)
{
  push_owned (g, oh, role, 0);
}

static gboolean
key_in (const char * const *keys, const char *key, gsize len)
{
  for (; keys != NULL && *keys != NULL; keys++)
    if (strlen (*keys) == len && memcmp (*keys, key, len) == 0)
      return TRUE;
  return FALSE;
}

/* Pushes every entry of dictionary `dict` except those in `skip` (NULL-terminated), read from
 * qpdf's text of it. */
static void
push_entries (Graph *g, qpdf_oh dict, guint role, const char * const *skip, int owner)
{
  const char *p;

  if (!qpdf_oh_is_dictionary (g->q, dict))
    return;
  for (p = scan_open (qpdf_oh_unparse_resolved (g->q, dict), FALSE); p != NULL;)
    {
      guint base = g->scratch->len, nodes = g->nodes->len, edges = g->edges->len;
      const char *key = p = scan_space (p), *key_end;
      gboolean skipped;

      if (scan_closes (p, FALSE))
        return;
      if ((p = scan_key (p, &key_end)) == NULL)
        break;
      skipped = key_in (skip, key, (gsize) (key_end - key));
      if ((p = scan_value (g, p, 0)) == NULL)
        break;
      if (g->scratch->len > base && !skipped)
        push_edge (g, &g_array_index (g->scratch, Edge, base), role, owner);
      g_array_set_size (g->scratch, base);
      /* A skipped entry leaves nothing behind. */
      if (skipped)
        {
          g_array_set_size (g->nodes, nodes);
          g_array_set_size (g->edges, edges);
        }
    }
  g->unreadable = TRUE;
}

/* ---- signature dictionaries without their /Contents --------------------------------------- */

static void
light_dict_free (gpointer data)
{
  LightDict *d = data;

  g_free (d->text);
  g_free (d);
}

static gboolean
same_entry (const InkanXrefEntry *a, const InkanXrefEntry *b)
{
  return a != NULL && b != NULL && a->type == b->type && a->offset == b->offset
         && (a->type == INKAN_XREF_COMPRESSED ? a->index == b->index : a->gen == b->gen);
}

static LightCache *
light_cache_new (void)
{
  LightCache *light = g_new0 (LightCache, 1);

  g_mutex_init (&light->lock);
  light->dicts = g_hash_table_new_full (NULL, NULL, NULL, light_dict_free);
  return light;
}

static void
light_cache_free (LightCache *light)
{
  if (light == NULL)
    return;
  g_hash_table_unref (light->dicts);
  g_mutex_clear (&light->lock);
  g_free (light);
}

/* The cross-reference entry of object `id` in force at the end of revision `rev`. */
static gboolean
entry_in_force (InkanRevisions *revisions, guint rev, int id, InkanXrefEntry *out)
{
  guint r, i, n;

  for (r = rev + 1; r-- > 0;)
    {
      const InkanXrefEntry *e = inkan_revisions_get_entries (revisions, r, &n);

      for (i = 0; i < n; i++)
        if (e[i].id == id)
          {
            *out = e[i];
            return TRUE;
          }
    }
  return FALSE;
}

/* Whether the value at `p` holds a reference, at any depth. */
static gboolean
holds_reference (const char *p)
{
  Graph probe = { 0 };
  gboolean found = FALSE;
  guint i;

  probe.scratch = g_array_new (FALSE, FALSE, sizeof (Edge));
  probe.nodes = g_array_new (FALSE, FALSE, sizeof (Node));
  probe.edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  found = scan_value (&probe, p, 0) == NULL;
  for (i = 0; i < probe.scratch->len; i++)
    found |= g_array_index (probe.scratch, Edge, i).id > 0;
  for (i = 0; i < probe.edges->len; i++)
    found |= g_array_index (probe.edges, Edge, i).id > 0;
  g_array_unref (probe.scratch);
  g_array_unref (probe.nodes);
  g_array_unref (probe.edges);
  return found;
}

/* qpdf's text of a dictionary, `text`, without its /Contents entry; NULL when it cannot be
 * read back, or when what remains refers to other objects (qpdf's C API parses text only
 * without references). */
static char *
without_contents (const char *text)
{
  static const char * const contents[] = { "/Contents", NULL };
  g_autoptr (GString) out = g_string_new ("<<");
  const char *p;

  for (p = scan_open (text, FALSE); p != NULL;)
    {
      const char *key = p = scan_space (p), *key_end, *end;

      if (scan_closes (p, FALSE))
        {
          g_string_append (out, " >>");
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if ((p = scan_key (p, &key_end)) == NULL || (end = scan_value (NULL, p, 0)) == NULL)
        return NULL;
      if (!key_in (contents, key, (gsize) (key_end - key)))
        {
          if (holds_reference (p))
            return NULL;
          g_string_append_c (out, ' ');
          g_string_append_len (out, key, end - key);
        }
      p = end;
    }
  return NULL;
}

/* Keeps signature dictionary `v` (object `id`), read in `g`'s reading, for later walks. Only
 * one written whole in the file (not in an object stream) is kept: its entry says all. */
static void
light_note (Graph *g, qpdf_oh v, int id)
{
  LightCache *light = g->light;
  LightDict *d;
  InkanXrefEntry where;
  int gen = qpdf_oh_get_generation (g->q, v);
  gboolean known;
  char *text;

  if (light == NULL || !entry_in_force (g->revisions, g->rev, id, &where)
      || where.type != INKAN_XREF_OFFSET || where.gen != gen)
    return;
  g_mutex_lock (&light->lock);
  d = g_hash_table_lookup (light->dicts, GINT_TO_POINTER (id));
  known = d != NULL && d->gen == gen && same_entry (&d->where, &where);
  g_mutex_unlock (&light->lock);
  if (known || (text = without_contents (qpdf_oh_unparse_resolved (g->q, v))) == NULL)
    return;
  d = g_new0 (LightDict, 1);
  d->gen = gen;
  d->where = where;
  d->text = text;
  g_mutex_lock (&light->lock);
  g_hash_table_replace (light->dicts, GINT_TO_POINTER (id), d);
  g_mutex_unlock (&light->lock);
}

/* Gives reading `q` of revision `rev` the kept signature dictionaries that it defines through
 * the same entries, in place of the objects themselves: the walk then never parses their
 * /Contents, which leads nowhere. */
static void
light_apply (LightCache *light, InkanRevisions *revisions, guint rev, qpdf_data q)
{
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GArray) ids = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  if (light == NULL)
    return;
  texts = g_ptr_array_new_with_free_func (g_free);
  /* Object number and generation, two ints a dictionary. */
  ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_mutex_lock (&light->lock);
  g_hash_table_iter_init (&iter, light->dicts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const LightDict *d = value;
      InkanXrefEntry where;
      int og[2] = { GPOINTER_TO_INT (key), d->gen };

      if (entry_in_force (revisions, rev, og[0], &where) && same_entry (&where, &d->where))
        {
          g_array_append_vals (ids, og, 2);
          g_ptr_array_add (texts, g_strdup (d->text));
        }
    }
  g_mutex_unlock (&light->lock);
  for (i = 0; i < texts->len; i++)
    {
      const int *og = &g_array_index (ids, int, 2 * i);
      qpdf_oh stub = qpdf_oh_parse (q, texts->pdata[i]);

      /* What qpdf cannot parse is left to the walk (and its error to nobody). */
      if (qpdf_has_error (q))
        (void) qpdf_get_error (q);
      else if (qpdf_oh_is_dictionary (q, stub))
        qpdf_replace_object (q, og[0], og[1], stub);
      qpdf_oh_release (q, stub);
    }
}

/* Everything reachable from the pending objects gets their role, except objects the structural
 * walk placed (pages, annotations, fields, the catalog): a back-reference such as /P or an
 * outline's destination does not make a page something else. Stream data is never read. An
 * object is read from qpdf on its first visit; a role it gains later follows its recorded
 * edges. */
static gboolean
walk_pending (Graph *g)
{
  while (g->pending_head < g->pending->len)
    {
      Pending p = g_array_index (g->pending, Pending, g->pending_head++);
      int node;
      guint i;

      if (++g->visits > MAX_VISITS)
        return FALSE;
      graph_tick (g);
      if (p.target > 0)
        {
          if (g_hash_table_contains (g->structural, GINT_TO_POINTER (p.target))
              || !add_role (g, p.target, p.role))
            continue;
          if (p.owner > 0 && !g_hash_table_contains (g->owners, GINT_TO_POINTER (p.target)))
            g_hash_table_insert (g->owners, GINT_TO_POINTER (p.target),
                                 GINT_TO_POINTER (p.owner));
          node = object_node (g, p.target, p.gen);
        }
      else
        node = -p.target - 1;
      if (node < 0)
        continue;
      for (i = 0; i < g_array_index (g->nodes, Node, node).len; i++)
        {
          Edge e = g_array_index (g->edges, Edge, g_array_index (g->nodes, Node, node).start + i);

          push_edge (g, &e, p.role, p.owner);
        }
      /* The queue's consumed head is given back now and then. */
      if (g->pending_head >= 4096 && g->pending_head * 2 >= g->pending->len)
        {
          g_array_remove_range (g->pending, 0, g->pending_head);
          g->pending_head = 0;
        }
    }
  return TRUE;
}

static const char * const field_keys[] = {
  "/FT", "/Parent", "/Kids", "/T", "/TU", "/TM", "/Ff", "/V", "/DV", "/AA", "/Opt", "/TI", "/I",
  "/Lock", "/SV", "/DA", "/Q", "/DS", "/RV", "/MaxLen", NULL
};

/* Visible: a non-empty rectangle, an appearance, and not hidden. */
static gboolean
widget_visible (Graph *g, qpdf_oh annot)
{
  qpdf_data q = g->q;
  qpdf_oh rect = dict_get (q, annot, "/Rect");
  qpdf_oh f = dict_get (q, annot, "/F");
  double v[4] = { 0 };
  gboolean visible = FALSE;
  int i;

  if (gone (g, rect))
    g->redo = TRUE;
  if (qpdf_oh_is_array (q, rect) && qpdf_oh_get_array_n_items (q, rect) == 4)
    {
      for (i = 0; i < 4; i++)
        {
          qpdf_oh item = qpdf_oh_get_array_item (q, rect, i);

          if (qpdf_oh_is_number (q, item))
            v[i] = qpdf_oh_get_numeric_value (q, item);
          qpdf_oh_release (q, item);
        }
      visible = fabs ((v[2] - v[0]) * (v[3] - v[1])) > 0.0 && dict_has (q, annot, "/AP");
    }
  if (qpdf_oh_is_integer (q, f) && (qpdf_oh_get_int_value (q, f) & (2 | 32)) != 0)
    visible = FALSE;
  qpdf_oh_release (q, rect);
  qpdf_oh_release (q, f);
  return visible;
}

static void walk_annotation (Graph *g, qpdf_oh annot, guint page, guint depth);

/* The form's objects may be read again as the pages' annotations: they are dropped once the
 * pages are walked. */
static void
drop_later (Graph *g, qpdf_oh oh)
{
  Edge e;

  if (!g->drop || (e.id = object_id (g->q, oh)) <= 0)
    return;
  e.gen = qpdf_oh_get_generation (g->q, oh);
  g_array_append_val (g->later, e);
}

static void
walk_field (Graph *g, qpdf_oh field, const char *inherited_ft, const char *parent_name,
            guint depth)
{
  qpdf_data q = g->q;
  int id = object_id (q, field);
  qpdf_oh ft_oh, v, kids;
  g_autofree char *ft = NULL;
  g_autofree char *partial = NULL;
  FieldInfo *info;
  guint role, i;

  if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary (q, field)
      || (id > 0 && g_hash_table_contains (g->structural, GINT_TO_POINTER (id))))
    return;
  if (id > 0)
    g_hash_table_add (g->structural, GINT_TO_POINTER (id));
  drop_later (g, field);

  ft_oh = dict_get (q, field, "/FT");
  ft = g_strdup (qpdf_oh_is_name (q, ft_oh) ? qpdf_oh_get_name (q, ft_oh) : inherited_ft);
  qpdf_oh_release (q, ft_oh);
  partial = text_value (q, field, "/T");

  info = g_new0 (FieldInfo, 1);
  info->id = id;
  info->is_sig = g_strcmp0 (ft, "/Sig") == 0;
  info->name = parent_name != NULL && partial != NULL
                 ? g_strdup_printf ("%s.%s", parent_name, partial)
                 : g_strdup (partial != NULL ? partial : parent_name);
  v = dict_get (q, field, "/V");
  info->value_id = object_id (q, v);
  if (info->is_sig && qpdf_oh_is_dictionary (q, v))
    {
      info->is_signed = TRUE;
      info->doc_timestamp = name_is (q, v, "/Type", "/DocTimeStamp")
                            || name_is (q, v, "/SubFilter", "/ETSI.RFC3161");
      if (info->value_id > 0)
        light_note (g, v, info->value_id);
    }
  role = info->is_sig ? (info->is_signed ? R_SIGNED : R_SIG_FIELD) : R_FIELD;
  add_role (g, id, role);
  if (id > 0)
    g_hash_table_insert (g->fields, GINT_TO_POINTER (id), info);

  /* The value: a signature dictionary (its /Reference points at the catalog, where the
   * generic walk stops) or a field value. */
  if (!qpdf_oh_is_null (q, v))
    push (g, v, info->is_sig ? (info->is_signed ? R_SIGNED : R_FIELD_MISC) : R_FIELD_VALUE);
  else
    qpdf_oh_release (q, v);
  {
    static const char * const skip[] = { "/V", "/Kids", "/Parent", NULL };
    g_autoptr (GPtrArray) keys = dict_keys (q, field);
    gboolean merged = name_is (q, field, "/Subtype", "/Widget");

    for (i = 0; i < keys->len; i++)
      {
        const char *key = keys->pdata[i];

        if (g_strv_contains (skip, key) || (merged && !g_strv_contains (field_keys, key)))
          continue;
        push (g, qpdf_oh_get_key (q, field, key), info->is_signed ? R_SIGNED : R_FIELD_MISC);
      }
    if (merged && id > 0)
      g_hash_table_insert (g->widget_field, GINT_TO_POINTER (id), GINT_TO_POINTER (id));
  }

  kids = dict_get (q, field, "/Kids");
  if (qpdf_oh_is_array (q, kids))
    {
      int n = qpdf_oh_get_array_n_items (q, kids), k;

      if (object_id (q, kids) > 0)
        {
          g_hash_table_add (g->structural, GINT_TO_POINTER (object_id (q, kids)));
          add_role (g, object_id (q, kids), info->is_signed ? R_SIGNED : R_FIELDS);
          drop_later (g, kids);
        }
      for (k = 0; k < n; k++)
        {
          qpdf_oh kid = qpdf_oh_get_array_item (q, kids, k);
          int kid_id = object_id (q, kid);

          if (dict_has (q, kid, "/T") || dict_has (q, kid, "/Kids"))
            walk_field (g, kid, ft, info->name, depth + 1);
          else if (kid_id > 0)
            g_hash_table_insert (g->widget_field, GINT_TO_POINTER (kid_id), GINT_TO_POINTER (id));
          qpdf_oh_release (q, kid);
        }
    }
  qpdf_oh_release (q, kids);
}

static void
walk_annotation (Graph *g, qpdf_oh annot, guint page, guint depth)
{
  qpdf_data q = g->q;
  int id = object_id (q, annot);
  g_autoptr (GPtrArray) keys = NULL;
  AnnotInfo *info;
  FieldInfo *field = NULL;
  qpdf_oh subtype;
  guint role, ap_role, i;

  /* An annotation already walked would only be looked up: anything else dropped is read again. */
  if (depth <= 2 && gone (g, annot) && !g_hash_table_contains (g->annots, GINT_TO_POINTER (id)))
    g->redo = TRUE;
  if (!qpdf_oh_is_dictionary (q, annot) || depth > 2)
    return;
  if (id > 0)
    {
      info = g_hash_table_lookup (g->annots, GINT_TO_POINTER (id));
      if (info != NULL)
        {
          if (info->page == 0)
            info->page = page;
          return;
        }
      g_hash_table_add (g->structural, GINT_TO_POINTER (id));
    }

  info = g_new0 (AnnotInfo, 1);
  info->id = id;
  info->page = page;
  subtype = dict_get (q, annot, "/Subtype");
  info->subtype = g_strdup (qpdf_oh_is_name (q, subtype) ? qpdf_oh_get_name (q, subtype) + 1
                                                         : "unknown");
  qpdf_oh_release (q, subtype);
  info->is_widget = g_strcmp0 (info->subtype, "Widget") == 0;
  info->visible = widget_visible (g, annot);
  if (info->is_widget && id > 0)
    {
      info->field = GPOINTER_TO_INT (g_hash_table_lookup (g->widget_field, GINT_TO_POINTER (id)));
      field = g_hash_table_lookup (g->fields, GINT_TO_POINTER (info->field));
    }
  if (field != NULL)
    {
      field->visible |= info->visible;
      if (field->page == 0)
        field->page = page;
    }
  if (id > 0)
    g_hash_table_insert (g->annots, GINT_TO_POINTER (id), info);

  if (field != NULL && field->is_signed)
    role = ap_role = R_SIGNED;
  else if (info->is_widget)
    role = R_WIDGET, ap_role = R_WIDGET_AP;
  else
    role = R_ANNOT, ap_role = R_ANNOT_MISC;
  add_role (g, id, role);

  busy_push (g, id);
  keys = dict_keys (q, annot);
  for (i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];

      if (strcmp (key, "/P") == 0 || strcmp (key, "/Parent") == 0 || strcmp (key, "/IRT") == 0
          || (field != NULL && field->id == id && g_strv_contains (field_keys, key)))
        continue;
      if (strcmp (key, "/Popup") == 0)
        {
          qpdf_oh popup = qpdf_oh_get_key (q, annot, key);

          walk_annotation (g, popup, page, depth + 1);
          qpdf_oh_release (q, popup);
          continue;
        }
      if (strcmp (key, "/AP") == 0)
        push_owned (g, qpdf_oh_get_key (q, annot, key), ap_role, field != NULL ? field->id : 0);
      else
        push (g, qpdf_oh_get_key (q, annot, key), role == R_SIGNED ? R_SIGNED : R_ANNOT_MISC);
    }
  busy_pop (g);
  drop_oh (g, annot);
}

/* Prefetches what `dict`'s entry `key` leads to (see prefetch). */
static void
prefetch_entry (Graph *g, qpdf_oh dict, const char *key)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Edge));
  guint base = g->scratch->len, i;

  collect_edge (g, dict_get (g->q, dict, key), 0);
  if (g->scratch->len > base)
    {
      Edge e = g_array_index (g->scratch, Edge, base);

      g_array_set_size (g->scratch, base);
      if (e.id > 0)
        g_array_append_val (stack, e);
      else if (e.id < 0)
        stack_refs (g, -e.id - 1, stack);
    }
  for (i = 0; i < stack->len; i++)
    {
      Edge e = g_array_index (stack, Edge, i);

      if (record_of (g, e.id) == NULL
          && !g_hash_table_contains (g->structural, GINT_TO_POINTER (e.id)))
        prefetch (g, e.id, e.gen);
    }
}

static void
walk_page (Graph *g, qpdf_oh page)
{
  static const char * const skip[] = { "/Annots", "/Parent", NULL };
  qpdf_data q = g->q;
  int id = object_id (q, page);
  guint number = g->pages->len + 1;
  qpdf_oh annots;

  graph_tick (g);
  g_array_append_val (g->pages, id);
  add_role (g, id, R_PAGE);
  annots = dict_get (q, page, "/Annots");
  if (gone (g, annots))
    g->redo = TRUE;
  if (qpdf_oh_is_array (q, annots))
    {
      int n = qpdf_oh_get_array_n_items (q, annots), k;

      if (object_id (q, annots) > 0)
        {
          g_hash_table_add (g->structural, GINT_TO_POINTER (object_id (q, annots)));
          add_role (g, object_id (q, annots), R_ANNOTS);
        }
      busy_push (g, object_id (q, annots));
      for (k = 0; k < n; k++)
        {
          qpdf_oh annot = qpdf_oh_get_array_item (q, annots, k);

          walk_annotation (g, annot, number, 0);
          qpdf_oh_release (q, annot);
        }
      busy_pop (g);
      drop_oh (g, annots);
    }
  qpdf_oh_release (q, annots);
  push_entries (g, page, R_CONTENT, skip, 0);
  /* Listing the page's keys parsed its contents and resources: they are read now, not when the
   * role walk comes to them after every other page. */
  if (g->drop)
    {
      prefetch_entry (g, page, "/Contents");
      prefetch_entry (g, page, "/Resources");
    }
}

static void
walk_page_tree (Graph *g, qpdf_oh node, guint depth)
{
  static const char * const skip[] = { "/Kids", "/Parent", NULL };
  qpdf_data q = g->q;
  int id = object_id (q, node);
  qpdf_oh kids;

  /* A node dropped once placed is passed over here as it would be anyway; one dropped by a
   * prefetch was not placed. */
  if (depth <= MAX_DEPTH && gone (g, node)
      && !g_hash_table_contains (g->structural, GINT_TO_POINTER (id)))
    g->redo = TRUE;
  if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary (q, node)
      || (id > 0 && g_hash_table_contains (g->structural, GINT_TO_POINTER (id))))
    return;
  if (id > 0)
    g_hash_table_add (g->structural, GINT_TO_POINTER (id));
  busy_push (g, id);
  if (!dict_has (q, node, "/Kids") && !name_is (q, node, "/Type", "/Pages"))
    {
      walk_page (g, node);
      busy_pop (g);
      drop_oh (g, node);
      return;
    }
  add_role (g, id, R_PAGE_TREE);
  kids = dict_get (q, node, "/Kids");
  /* Read again, a kids array could place pages that were too deep the first time. */
  if (gone (g, kids))
    g->redo = TRUE;
  if (qpdf_oh_is_array (q, kids))
    {
      int n = qpdf_oh_get_array_n_items (q, kids), k;

      if (object_id (q, kids) > 0)
        {
          g_hash_table_add (g->structural, GINT_TO_POINTER (object_id (q, kids)));
          add_role (g, object_id (q, kids), R_PAGE_TREE);
        }
      busy_push (g, object_id (q, kids));
      for (k = 0; k < n; k++)
        {
          qpdf_oh kid = qpdf_oh_get_array_item (q, kids, k);

          walk_page_tree (g, kid, depth + 1);
          qpdf_oh_release (q, kid);
        }
      busy_pop (g);
      drop_oh (g, kids);
    }
  qpdf_oh_release (q, kids);
  push_entries (g, node, R_CONTENT, skip, 0);
  busy_pop (g);
  drop_oh (g, node);
}

static void
walk_acroform (Graph *g, qpdf_oh acroform)
{
  qpdf_data q = g->q;
  int id = object_id (q, acroform);
  g_autoptr (GPtrArray) keys = dict_keys (q, acroform);
  qpdf_oh fields;
  guint i;

  if (id > 0)
    {
      g_hash_table_add (g->structural, GINT_TO_POINTER (id));
      add_role (g, id, R_ACROFORM);
    }
  drop_later (g, acroform);
  fields = dict_get (q, acroform, "/Fields");
  if (qpdf_oh_is_array (q, fields))
    {
      int n = qpdf_oh_get_array_n_items (q, fields), k;

      if (object_id (q, fields) > 0)
        {
          g_hash_table_add (g->structural, GINT_TO_POINTER (object_id (q, fields)));
          add_role (g, object_id (q, fields), R_FIELDS);
          drop_later (g, fields);
        }
      for (k = 0; k < n; k++)
        {
          qpdf_oh field = qpdf_oh_get_array_item (q, fields, k);

          walk_field (g, field, NULL, NULL, 0);
          qpdf_oh_release (q, field);
        }
    }
  qpdf_oh_release (q, fields);
  for (i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];

      if (strcmp (key, "/Fields") != 0)
        push (g, qpdf_oh_get_key (q, acroform, key), strcmp (key, "/DR") == 0 ? R_DR : R_OTHER);
    }
}

static gboolean
set_damaged (InkanRevisions *revisions, GError **error, const char *detail)
{
  g_set_error (error, INKAN_PDF_ERROR, INKAN_PDF_ERROR_DAMAGED,
               _("“%s” is damaged or is not a valid PDF document (%s). Ask the sender for an "
                 "intact copy: a document that needs repair to be read cannot be trusted."),
               inkan_revisions_get_display (revisions), detail);
  return FALSE;
}

/* qpdf reports broken objects met during the walk through its error slot and warnings. */
static gboolean
check_qpdf (InkanRevisions *revisions, qpdf_data q, GError **error)
{
  if (qpdf_has_error (q))
    {
      qpdf_error e = qpdf_get_error (q);
      g_autofree char *text = g_strdup (qpdf_get_error_full_text (q, e));

      return set_damaged (revisions, error, text);
    }
  while (qpdf_more_warnings (q))
    {
      qpdf_error w = qpdf_next_warning (q);
      g_autofree char *text = g_strdup (qpdf_get_error_full_text (q, w));

      if (_inkan_qpdf_warning_is_harmless (text))
        continue;
      return set_damaged (revisions, error, text);
    }
  return TRUE;
}

/* With `keep`, each object is dropped from `q` once read, except those in `keep`; `*redo` then
 * says that the walk needed a dropped object again and must be done again without dropping. */
static Graph *
graph_walk (InkanRevisions *revisions, guint rev, LightCache *light, qpdf_data q,
            GHashTable *keep, gboolean *redo, GError **error)
{
  g_autoptr (Graph) g = graph_new (revisions, rev, light, q, keep);
  qpdf_oh trailer = qpdf_get_trailer (q);
  qpdf_oh root = dict_get (q, trailer, "/Root");
  qpdf_oh info = dict_get (q, trailer, "/Info");
  g_autoptr (GPtrArray) keys = NULL;
  qpdf_oh acroform, pages;
  guint i;

  *redo = FALSE;
  g->placing = TRUE;
  g->root_id = object_id (q, root);
  if (g->root_id <= 0 || !qpdf_oh_is_dictionary (q, root))
    {
      qpdf_oh_release (q, trailer);
      qpdf_oh_release (q, root);
      qpdf_oh_release (q, info);
      set_damaged (revisions, error, _("the trailer has no document catalog"));
      return NULL;
    }
  g_hash_table_add (g->structural, GINT_TO_POINTER (g->root_id));
  add_role (g, g->root_id, R_CATALOG);
  push (g, info, R_INFO);
  {
    static const char * const skip[] = { "/Root", "/Info", "/Prev", "/XRefStm", "/Size", "/ID",
                                         NULL };

    /* Whatever else the trailer references is used in a way no rule knows. */
    push_entries (g, trailer, R_OTHER, skip, 0);
  }

  /* Fields first, so that the pages know which widgets are signed. */
  acroform = dict_get (q, root, "/AcroForm");
  if (qpdf_oh_is_dictionary (q, acroform))
    walk_acroform (g, acroform);
  qpdf_oh_release (q, acroform);
  pages = dict_get (q, root, "/Pages");
  walk_page_tree (g, pages, 0);
  qpdf_oh_release (q, pages);
  for (i = 0; i < g->later->len; i++)
    {
      const Edge *e = &g_array_index (g->later, Edge, i);

      drop_structural (g, e->id, e->gen);
    }
  g->placing = FALSE;

  keys = dict_keys (q, root);
  for (i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];
      guint role = R_OTHER;

      if (strcmp (key, "/AcroForm") == 0 || strcmp (key, "/Pages") == 0)
        continue;
      if (strcmp (key, "/DSS") == 0)
        role = R_DSS;
      else if (strcmp (key, "/Metadata") == 0)
        role = R_METADATA;
      else if (strcmp (key, "/Extensions") == 0)
        role = R_EXTENSIONS;
      push (g, qpdf_oh_get_key (q, root, key), role);
    }
  qpdf_oh_release (q, root);
  qpdf_oh_release (q, trailer);

  if (!walk_pending (g))
    {
      *redo = g->redo;
      set_damaged (revisions, error, _("too many objects to examine"));
      return NULL;
    }
  *redo = g->redo;
  if (!check_qpdf (revisions, q, error))
    return NULL;
  if (g->unreadable)
    {
      set_damaged (revisions, error, _("qpdf's text of an object could not be read back"));
      return NULL;
    }
  graph_walk_done (g);
  g->q = NULL;
  return g_steal_pointer (&g);
}

/* Object streams of the file as it was at the end of revision `rev`: they must stay in a
 * reading until their objects are read. */
static GHashTable *
object_streams (InkanRevisions *revisions, guint rev)
{
  GHashTable *streams = g_hash_table_new (NULL, NULL);
  guint r, i, n;

  for (r = 0; r <= rev; r++)
    {
      const InkanXrefEntry *e = inkan_revisions_get_entries (revisions, r, &n);

      for (i = 0; i < n; i++)
        if (e[i].type == INKAN_XREF_COMPRESSED)
          g_hash_table_add (streams, GINT_TO_POINTER ((int) e[i].offset));
    }
  return streams;
}

/* The graph of revision `rev`, walked in a reading of its own that is closed afterwards: the
 * graph keeps object numbers and roles, not qpdf's objects, so the kept reading caches only the
 * objects that the judging then compares. During the walk each object is dropped from the
 * reading once read, so that the walk's memory does not grow with the document; in the rare
 * document whose structure makes the walk read a dropped object again, it is walked again
 * without dropping. */
static Graph *
graph_build (InkanRevisions *revisions, LightCache *light, guint rev, GError **error)
{
  g_autoptr (GHashTable) keep = object_streams (revisions, rev);
  gboolean redo = FALSE;
  qpdf_data q = inkan_revisions_open_qpdf (revisions, rev, error);
  Graph *g;

  if (q == NULL)
    return NULL;
  light_apply (light, revisions, rev, q);
  {
    g_autoptr (GError) local = NULL;

    g = graph_walk (revisions, rev, light, q, keep, &redo, &local);
    if (local != NULL && !redo)
      g_propagate_error (error, g_steal_pointer (&local));
  }
  qpdf_cleanup (&q);
  if (redo)
    {
      g_clear_pointer (&g, graph_free);
      q = inkan_revisions_open_qpdf (revisions, rev, error);
      if (q == NULL)
        return NULL;
      light_apply (light, revisions, rev, q);
      g = graph_walk (revisions, rev, light, q, NULL, &redo, error);
      qpdf_cleanup (&q);
    }
  inkan_revisions_release_pages (revisions);
  return g;
}

/* ---- judging ----------------------------------------------------------------------------- */

static void
add_finding (Judge *j, InkanModificationLevel level, const char *code, const char *message)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", code, message);

  if (level > j->diff->level)
    j->diff->level = level;
  if (level == INKAN_MODIFICATION_NONE || g_hash_table_contains (j->seen_findings, key))
    return;
  g_hash_table_add (j->seen_findings, g_steal_pointer (&key));
  g_ptr_array_add (j->diff->findings, inkan_finding_new (code, message));
}

static const char *
field_label (FieldInfo *f)
{
  return f != NULL && f->name != NULL ? f->name : "(unnamed)";
}

static guint
page_of (Graph *g, int id)
{
  guint i;

  for (i = 0; i < g->pages->len; i++)
    if (g_array_index (g->pages, int, i) == id)
      return i + 1;
  return 0;
}

static void
report_signed_change (Judge *j, int id)
{
  GHashTableIter iter;
  gpointer value;
  const char *name = NULL;
  g_autofree char *message = NULL;

  /* Name the signed field the object belongs to when it is the field or its widget. */
  g_hash_table_iter_init (&iter, j->old_graph->fields);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FieldInfo *f = value;

      if (f->is_signed
          && (f->id == id
              || GPOINTER_TO_INT (g_hash_table_lookup (j->old_graph->widget_field,
                                                       GINT_TO_POINTER (id))) == f->id))
        name = field_label (f);
    }
  if (name != NULL)
    message = g_strdup_printf (_("The signature field “%s”, already signed, was changed afterwards "
                                 "(its value, widget or appearance): what you see may not be "
                                 "what was signed. Do not rely on this document; ask the sender "
                                 "for the original."),
                               name);
  else
    message = g_strdup_printf (_("Part of a signature already made (object %d: its signature "
                                 "dictionary, widget or appearance) was changed afterwards. Do "
                                 "not rely on this document; ask the sender for the original."),
                               id);
  add_finding (j, INKAN_MODIFICATION_OTHER, "SIGNED_FIELD_CHANGED", message);
}

static void
report_other (Judge *j, const char *code, int id, const char *what)
{
  g_autofree char *message =
    g_strdup_printf (_("%s was changed after the signature (object %d), and no signing, form "
                       "filling or annotation rule explains it: the document you see may not be "
                       "the one that was signed. Ask the sender for the original."),
                     what, id);

  add_finding (j, INKAN_MODIFICATION_OTHER, code, message);
}

/* /Perms may appear with the certification signature it names, in the same revision. */
static gboolean
certifies_new_signature (Judge *j, qpdf_data qn, qpdf_oh catalog)
{
  qpdf_oh perms = dict_get (qn, catalog, "/Perms");
  qpdf_oh docmdp = dict_get (qn, perms, "/DocMDP");
  int sig = object_id (qn, docmdp);
  GHashTableIter iter;
  gpointer value;
  gboolean found = FALSE;

  qpdf_oh_release (qn, perms);
  qpdf_oh_release (qn, docmdp);
  g_hash_table_iter_init (&iter, j->new_graph->fields);
  while (sig > 0 && g_hash_table_iter_next (&iter, NULL, &value))
    {
      FieldInfo *f = value;
      FieldInfo *before = g_hash_table_lookup (j->old_graph->fields, GINT_TO_POINTER (f->id));

      if (f->value_id == sig && (before == NULL || !before->is_signed))
        found = TRUE;
    }
  return found;
}

/* Signing or filling a field may lock its widget (and make it printable); hiding or showing
 * it is an annotation change. */
static gboolean
only_lock_flags (qpdf_data qo, qpdf_oh old, qpdf_data qn, qpdf_oh new)
{
  qpdf_oh a = dict_get (qo, old, "/F"), b = dict_get (qn, new, "/F");
  long long fa = qpdf_oh_is_integer (qo, a) ? qpdf_oh_get_int_value (qo, a) : 0;
  long long fb = qpdf_oh_is_integer (qn, b) ? qpdf_oh_get_int_value (qn, b) : 0;

  qpdf_oh_release (qo, a);
  qpdf_oh_release (qn, b);
  return ((fa ^ fb) & ~(long long) (4 | 128 | 256)) == 0;
}

/* One role's verdict on a changed object; OTHER findings are written by the caller when the
 * object is also used in an allowed way (a re-used object). */
static InkanModificationLevel
judge_role (Judge *j, guint role, int id, qpdf_data qo, qpdf_oh old, qpdf_data qn, qpdf_oh new,
            const char **code, char **message)
{
  g_autoptr (GPtrArray) keys = NULL;
  InkanModificationLevel level = INKAN_MODIFICATION_NONE;
  FieldInfo *field = g_hash_table_lookup (j->old_graph->fields, GINT_TO_POINTER (id));
  guint i;

  *code = NULL;
  *message = NULL;
  switch (role)
    {
    case R_CATALOG:
      keys = changed_keys (qo, old, qn, new);
      for (i = 0; i < keys->len; i++)
        {
          const char *key = keys->pdata[i];

          if (strcmp (key, "/DSS") == 0)
            {
              *code = dict_has (qo, old, "/DSS") ? "DSS_UPDATED" : "DSS_ADDED";
              level = MAX (level, INKAN_MODIFICATION_LTA_UPDATES);
            }
          else if (strcmp (key, "/Extensions") == 0 || strcmp (key, "/Metadata") == 0
                   || strcmp (key, "/Version") == 0)
            ;
          else if (strcmp (key, "/AcroForm") == 0 && !dict_has (qo, old, "/AcroForm"))
            ;
          else if (strcmp (key, "/Perms") == 0 && !dict_has (qo, old, "/Perms")
                   && certifies_new_signature (j, qn, new))
            ;
          else if (strcmp (key, "/AcroForm") == 0)
            {
              qpdf_oh a = qpdf_oh_get_key (qo, old, key), b = qpdf_oh_get_key (qn, new, key);

              /* A direct form dictionary changes with the catalog; judge its entries. */
              if (!qpdf_oh_is_indirect (qo, a) && !qpdf_oh_is_indirect (qn, b))
                level = MAX (level, judge_role (j, R_ACROFORM, id, qo, a, qn, b, code, message));
              else
                {
                  *code = "CATALOG_CHANGED";
                  *message = g_strdup (_("The document's form was replaced after the signature"));
                  level = INKAN_MODIFICATION_OTHER;
                }
              qpdf_oh_release (qo, a);
              qpdf_oh_release (qn, b);
            }
          else
            {
              *code = "CATALOG_CHANGED";
              g_free (*message);
              *message = g_strdup_printf (_("The document catalog's %s entry"), key + 1);
              return INKAN_MODIFICATION_OTHER;
            }
        }
      return level;

    case R_ACROFORM:
      keys = changed_keys (qo, old, qn, new);
      for (i = 0; i < keys->len; i++)
        {
          const char *key = keys->pdata[i];

          if (strcmp (key, "/Fields") == 0 || strcmp (key, "/SigFlags") == 0
              || strcmp (key, "/DR") == 0)
            ;
          else if (strcmp (key, "/DA") == 0 || strcmp (key, "/NeedAppearances") == 0)
            level = MAX (level, INKAN_MODIFICATION_FORM_FILLING);
          else
            {
              *code = "ACROFORM_CHANGED";
              *message = g_strdup_printf (_("The form's %s entry"), key + 1);
              return INKAN_MODIFICATION_OTHER;
            }
        }
      return level;

    case R_PAGE:
      keys = changed_keys (qo, old, qn, new);
      for (i = 0; i < keys->len; i++)
        if (strcmp (keys->pdata[i], "/Annots") != 0)
          {
            *code = "PAGE_CONTENT_CHANGED";
            *message = g_strdup_printf (_("Page %u"), page_of (j->old_graph, id));
            return INKAN_MODIFICATION_OTHER;
          }
      return INKAN_MODIFICATION_NONE;

    case R_ANNOTS:
    case R_FIELDS:
    case R_INFO:
    case R_METADATA:
    case R_EXTENSIONS:
    case R_DR:
      /* Added and removed annotations and fields are judged from the two graphs. */
      return INKAN_MODIFICATION_NONE;

    case R_DSS:
      *code = "DSS_UPDATED";
      return INKAN_MODIFICATION_LTA_UPDATES;

    case R_ANNOT:
    case R_ANNOT_MISC:
      {
        AnnotInfo *a = g_hash_table_lookup (j->old_graph->annots, GINT_TO_POINTER (id));

        *code = "ANNOTATION_CHANGED";
        *message = a != NULL ? g_strdup_printf (_("A %s annotation on page %u was changed after "
                                                  "the signature. It is not covered by the "
                                                  "signature: check what it shows."),
                                                a->subtype, a->page)
                             : g_strdup (_("An annotation was changed after the signature. It "
                                           "is not covered by the signature: check what it "
                                           "shows."));
        return INKAN_MODIFICATION_ANNOTATIONS;
      }

    case R_WIDGET:
      keys = changed_keys (qo, old, qn, new);
      for (i = 0; i < keys->len; i++)
        {
          const char *key = keys->pdata[i];

          if (g_strv_contains (field_keys, key))
            continue;
          if (strcmp (key, "/AP") == 0 || strcmp (key, "/AS") == 0
              || (strcmp (key, "/F") == 0 && only_lock_flags (qo, old, qn, new)))
            level = MAX (level, INKAN_MODIFICATION_FORM_FILLING);
          else
            level = MAX (level, INKAN_MODIFICATION_ANNOTATIONS);
        }
      if (level == INKAN_MODIFICATION_ANNOTATIONS)
        *code = "ANNOTATION_CHANGED";
      else if (level == INKAN_MODIFICATION_FORM_FILLING)
        *code = "FORM_FIELD_FILLED";
      return level;

    case R_WIDGET_AP:
    case R_FIELD_VALUE:
      *code = "FORM_FIELD_FILLED";
      return INKAN_MODIFICATION_FORM_FILLING;

    case R_FIELD:
    case R_SIG_FIELD:
      keys = changed_keys (qo, old, qn, new);
      for (i = 0; i < keys->len; i++)
        {
          const char *key = keys->pdata[i];

          if (!g_strv_contains (field_keys, key) && name_is (qo, old, "/Subtype", "/Widget"))
            continue;
          if (role == R_FIELD && strcmp (key, "/V") == 0)
            {
              *code = "FORM_FIELD_FILLED";
              level = MAX (level, INKAN_MODIFICATION_FORM_FILLING);
            }
          else if (role == R_SIG_FIELD && strcmp (key, "/V") == 0)
            {
              qpdf_oh v = dict_get (qn, new, "/V");
              gboolean ts = name_is (qn, v, "/Type", "/DocTimeStamp")
                            || name_is (qn, v, "/SubFilter", "/ETSI.RFC3161");

              qpdf_oh_release (qn, v);
              *code = ts ? "TIMESTAMP_ADDED" : "SIGNATURE_ADDED";
              level = MAX (level, ts ? INKAN_MODIFICATION_LTA_UPDATES
                                     : INKAN_MODIFICATION_FORM_FILLING);
            }
          else if (role == R_SIG_FIELD && (strcmp (key, "/Lock") == 0 || strcmp (key, "/SV") == 0))
            level = MAX (level, INKAN_MODIFICATION_FORM_FILLING);
          else if (strcmp (key, "/Kids") == 0)
            ;
          else
            {
              *code = "FORM_FIELD_CHANGED";
              *message = g_strdup_printf (_("The form field “%s” (its %s entry)"),
                                          field_label (field), key + 1);
              return INKAN_MODIFICATION_OTHER;
            }
        }
      return level;

    case R_SIGNED:
      *code = "SIGNED_FIELD_CHANGED";
      return INKAN_MODIFICATION_OTHER;

    case R_PAGE_TREE:
      *code = "PAGE_TREE_CHANGED";
      *message = g_strdup (_("The page tree"));
      return INKAN_MODIFICATION_OTHER;

    case R_CONTENT:
      *code = "PAGE_CONTENT_CHANGED";
      *message = g_strdup (_("Content drawn on a page (its contents, resources, fonts or images)"));
      return INKAN_MODIFICATION_OTHER;

    case R_FIELD_MISC:
      *code = "FORM_FIELD_CHANGED";
      *message = g_strdup (_("Part of a form field other than its value"));
      return INKAN_MODIFICATION_OTHER;

    default:
      *code = "OBJECT_CHANGED";
      *message = g_strdup (_("Part of the document that no signature rule covers"));
      return INKAN_MODIFICATION_OTHER;
    }
}

static void
report_allowed (Judge *j, const char *code, int id)
{
  FieldInfo *f = g_hash_table_lookup (j->old_graph->fields, GINT_TO_POINTER (id));
  int field_id = GPOINTER_TO_INT (g_hash_table_lookup (j->old_graph->widget_field,
                                                       GINT_TO_POINTER (id)));
  g_autofree char *message = NULL;

  if (field_id == 0)
    field_id = GPOINTER_TO_INT (g_hash_table_lookup (j->old_graph->owners, GINT_TO_POINTER (id)));
  if (f == NULL && field_id > 0)
    f = g_hash_table_lookup (j->old_graph->fields, GINT_TO_POINTER (field_id));
  if (g_strcmp0 (code, "FORM_FIELD_FILLED") == 0 && f != NULL && f->is_sig)
    {
      FieldInfo *now = g_hash_table_lookup (j->new_graph->fields, GINT_TO_POINTER (f->id));

      /* Signing an empty field draws its appearance: one finding for both. */
      if (now != NULL && now->is_signed)
        {
          if (INKAN_MODIFICATION_FORM_FILLING > j->diff->level)
            j->diff->level = INKAN_MODIFICATION_FORM_FILLING;
          return;
        }
      message = g_strdup_printf (_("The appearance of the empty signature field “%s” was "
                                   "changed after the signature. Check that it shows what you "
                                   "expect."),
                                 field_label (f));
      add_finding (j, INKAN_MODIFICATION_FORM_FILLING, "SIGNATURE_FIELD_CHANGED", message);
    }
  else if (g_strcmp0 (code, "FORM_FIELD_FILLED") == 0)
    {
      message = f != NULL
                  ? g_strdup_printf (_("The form field “%s” was filled in or changed after the "
                                       "signature. Its value is not covered by the signature: "
                                       "check that it is what you expect."),
                                     field_label (f))
                  : g_strdup (_("A form field was filled in or changed after the signature. Its "
                                "value is not covered by the signature: check that it is what "
                                "you expect."));
      add_finding (j, INKAN_MODIFICATION_FORM_FILLING, code, message);
    }
  else if (g_strcmp0 (code, "SIGNATURE_ADDED") == 0)
    {
      message = g_strdup_printf (_("The signature field “%s” was signed after this signature. "
                                   "This is allowed: check that signature too."),
                                 field_label (f));
      add_finding (j, INKAN_MODIFICATION_FORM_FILLING, code, message);
    }
  else if (g_strcmp0 (code, "TIMESTAMP_ADDED") == 0)
    add_finding (j, INKAN_MODIFICATION_LTA_UPDATES, code,
                 _("A document timestamp was added after the signature. This is normal for "
                   "long-term validation; nothing to do."));
  else if (g_strcmp0 (code, "ANNOTATION_CHANGED") == 0)
    {
      message = f != NULL
                  ? g_strdup_printf (_("The widget of the form field “%s” was changed after the "
                                       "signature (its position, flags or actions). Check that "
                                       "the form shows what you expect."),
                                     field_label (f))
                  : g_strdup (_("An annotation was changed after the signature. It is not "
                                "covered by the signature: check what it shows."));
      add_finding (j, INKAN_MODIFICATION_ANNOTATIONS, code, message);
    }
  else if (g_strcmp0 (code, "DSS_ADDED") == 0 || g_strcmp0 (code, "DSS_UPDATED") == 0)
    add_finding (j, INKAN_MODIFICATION_LTA_UPDATES, code,
                 _("Validation data (certificates and revocation information) was added after "
                   "the signature. This is normal for long-term validation; nothing to do."));
}

/* Roles whose objects no later revision may touch. */
#define FORBIDDEN_ROLES (R_OTHER | R_CONTENT | R_FIELD_MISC | R_SIGNED | R_PAGE_TREE)

/* An allowed change that re-wires an entry away from an object the document also uses where
 * no change is allowed: the signed revision showed that object in two roles, which is how
 * shadow attacks prepare what a later update swaps. */
static gboolean
rewires_shared_object (Judge *j, int id, qpdf_data qo, qpdf_oh old, qpdf_data qn, qpdf_oh new)
{
  g_autoptr (GPtrArray) keys = NULL;
  guint i;

  if (!qpdf_oh_is_dictionary (qo, old) || !qpdf_oh_is_dictionary (qn, new))
    return FALSE;
  keys = changed_keys (qo, old, qn, new);
  for (i = 0; i < keys->len; i++)
    {
      qpdf_oh v = dict_get (qo, old, keys->pdata[i]);
      int ref = object_id (qo, v);

      qpdf_oh_release (qo, v);
      if (ref > 0 && ref != id && (roles_of (j->old_graph, ref) & FORBIDDEN_ROLES) != 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("An update after the signature re-wired object %d away from "
                               "object %d, which the signed document also uses where no change "
                               "is allowed. This is how an update can change what a signed "
                               "document shows. Do not rely on it; ask the sender for the "
                               "original."),
                             id, ref);
          add_finding (j, INKAN_MODIFICATION_OTHER, "OBJECT_REUSED", message);
          return TRUE;
        }
    }
  return FALSE;
}

static void
judge_changed (Judge *j, int id, qpdf_data qo, qpdf_oh old, qpdf_data qn, qpdf_oh new)
{
  guint mask = roles_of (j->old_graph, id), bit, n_roles = 0;
  InkanModificationLevel worst = INKAN_MODIFICATION_NONE;
  gboolean allowed_somewhere = FALSE;
  const char *worst_code = NULL;
  g_autofree char *worst_message = NULL;
  g_autoptr (GPtrArray) allowed_codes = g_ptr_array_new ();

  /* Not reachable before: nothing that was shown changes; whatever refers to it now is a
   * changed object of its own. */
  if (mask == 0)
    return;
  if (mask & R_SIGNED)
    {
      report_signed_change (j, id);
      return;
    }
  for (bit = 1; bit != 0 && bit <= mask; bit <<= 1)
    {
      const char *code;
      g_autofree char *message = NULL;
      InkanModificationLevel level;

      if (!(mask & bit))
        continue;
      n_roles++;
      level = judge_role (j, bit, id, qo, old, qn, new, &code, &message);
      if (level == INKAN_MODIFICATION_OTHER)
        {
          if (worst_code == NULL)
            {
              worst_code = code;
              worst_message = g_steal_pointer (&message);
            }
        }
      else
        {
          allowed_somewhere = TRUE;
          if (message != NULL && level > INKAN_MODIFICATION_NONE)
            add_finding (j, level, code, message);
          else if (code != NULL)
            g_ptr_array_add (allowed_codes, (gpointer) code);
          else if (level > INKAN_MODIFICATION_NONE)
            add_finding (j, level, "FORM_SETTINGS_CHANGED",
                         _("The form's settings (default appearance or regeneration of field "
                           "appearances) were changed after the signature. Check that the "
                           "fields show what you expect."));
        }
      worst = MAX (worst, level);
    }

  if (worst < INKAN_MODIFICATION_OTHER && rewires_shared_object (j, id, qo, old, qn, new))
    return;
  if (worst == INKAN_MODIFICATION_OTHER && allowed_somewhere && n_roles > 1)
    {
      g_autofree char *where = g_strdup (worst_message != NULL ? worst_message : worst_code);
      g_autofree char *message = NULL;

      /* The role names open sentences elsewhere; here one goes inside a sentence. */
      if (where[0] != '\0' && g_ascii_isupper (where[0]) && !g_ascii_isupper (where[1]))
        where[0] = g_ascii_tolower (where[0]);
      message =
        g_strdup_printf (_("An update after the signature changed object %d, which the "
                           "document uses in two places: once where a change is allowed, and "
                           "once where it is not (%s). This is how an update can change what a "
                           "signed document shows. Do not rely on it; ask the sender for the "
                           "original."),
                         id, where);
      add_finding (j, INKAN_MODIFICATION_OTHER, "OBJECT_REUSED", message);
    }
  else if (worst == INKAN_MODIFICATION_OTHER)
    {
      if (g_strcmp0 (worst_code, "PAGE_CONTENT_CHANGED") == 0
          && g_str_has_prefix (worst_message, "Page "))
        {
          g_autofree char *message =
            g_strdup_printf (_("%s's content was changed after the signature: the document you "
                               "see is not the one that was signed. Ask the sender for the "
                               "original."),
                             worst_message);
          add_finding (j, INKAN_MODIFICATION_OTHER, worst_code, message);
        }
      else
        report_other (j, worst_code, id, worst_message != NULL ? worst_message : "Part of the "
                                                                                 "document");
    }
  else
    {
      guint i;

      for (i = 0; i < allowed_codes->len; i++)
        report_allowed (j, allowed_codes->pdata[i], id);
      if (worst > j->diff->level)
        j->diff->level = worst;
    }
}

/* New and removed fields and annotations, from the two graphs. */
static void
judge_structure (Judge *j)
{
  Graph *o = j->old_graph, *n = j->new_graph;
  GHashTableIter iter;
  gpointer key, value;

  if (o->root_id != n->root_id)
    report_other (j, "CATALOG_CHANGED", n->root_id, _("The document catalog"));
  /* An empty GArray's data may be NULL, which memcmp may not be given even for 0 bytes. */
  if (o->pages->len != n->pages->len
      || (o->pages->len > 0
          && memcmp (o->pages->data, n->pages->data, o->pages->len * sizeof (int)) != 0))
    add_finding (j, INKAN_MODIFICATION_OTHER, "PAGE_TREE_CHANGED",
                 _("Pages were added, removed or reordered after the signature: the document "
                   "you see is not the one that was signed. Ask the sender for the original."));

  g_hash_table_iter_init (&iter, n->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FieldInfo *f = value;
      g_autofree char *message = NULL;

      if (g_hash_table_contains (o->fields, key))
        continue;
      if (f->is_sig && f->is_signed && f->doc_timestamp)
        add_finding (j, f->visible ? INKAN_MODIFICATION_ANNOTATIONS
                                   : INKAN_MODIFICATION_LTA_UPDATES,
                     "TIMESTAMP_ADDED",
                     _("A document timestamp was added after the signature. This is normal for "
                       "long-term validation; nothing to do."));
      else if (f->is_sig && f->visible)
        {
          message = g_strdup_printf (f->is_signed
                                       ? _("A visible signature (field “%s”) was added on page "
                                           "%u after this signature. It is not covered by this "
                                           "signature: check that signature too.")
                                       : _("An empty signature field “%s” was added on page %u "
                                           "after the signature. Nothing to do unless you did "
                                           "not expect further signatures."),
                                     field_label (f), f->page);
          add_finding (j, INKAN_MODIFICATION_ANNOTATIONS,
                       f->is_signed ? "SIGNATURE_ADDED" : "SIGNATURE_FIELD_ADDED", message);
        }
      else if (f->is_sig)
        {
          message = g_strdup_printf (f->is_signed
                                       ? _("An invisible signature (field “%s”) was added after "
                                           "this signature. This is allowed: check that "
                                           "signature too.")
                                       : _("An empty invisible signature field “%s” was added "
                                           "after the signature. Nothing to do unless you did "
                                           "not expect further signatures."),
                                     field_label (f));
          add_finding (j, INKAN_MODIFICATION_FORM_FILLING,
                       f->is_signed ? "SIGNATURE_ADDED" : "SIGNATURE_FIELD_ADDED", message);
        }
      else
        {
          message = g_strdup_printf (_("A new form field “%s” was added after the signature, "
                                       "which filling in a form does not do. Ask the sender "
                                       "for the original."),
                                     field_label (f));
          add_finding (j, INKAN_MODIFICATION_OTHER, "FORM_FIELD_ADDED", message);
        }
    }
  g_hash_table_iter_init (&iter, o->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FieldInfo *f = value;
      g_autofree char *message = NULL;

      if (g_hash_table_contains (n->fields, key))
        continue;
      message = g_strdup_printf (f->is_signed
                                   ? _("The signature field “%s”, already signed, was removed "
                                       "from the form after the signature. Do not rely on this "
                                       "document; ask the sender for the original.")
                                   : _("The form field “%s” was removed after the signature. "
                                       "Ask the sender for the original."),
                                 field_label (f));
      add_finding (j, INKAN_MODIFICATION_OTHER,
                   f->is_signed ? "SIGNED_FIELD_CHANGED" : "FIELD_REMOVED", message);
    }

  g_hash_table_iter_init (&iter, n->annots);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AnnotInfo *a = value;
      g_autofree char *message = NULL;

      if (g_hash_table_contains (o->annots, key))
        continue;
      /* A new field's widget is judged with its field. */
      if (a->is_widget && a->field > 0
          && !g_hash_table_contains (o->fields, GINT_TO_POINTER (a->field)))
        continue;
      message = g_strdup_printf (_("A %s annotation was added on page %u after the signature. "
                                   "It is not covered by the signature: check what it shows "
                                   "before relying on it."),
                                 a->subtype, a->page);
      add_finding (j, INKAN_MODIFICATION_ANNOTATIONS, "ANNOTATION_ADDED", message);
    }
  g_hash_table_iter_init (&iter, o->annots);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AnnotInfo *a = value;
      FieldInfo *f = g_hash_table_lookup (o->fields, GINT_TO_POINTER (a->field));
      g_autofree char *message = NULL;
      AnnotInfo *now = g_hash_table_lookup (n->annots, key);

      if (now != NULL && now->page != 0)
        continue;
      if (a->page == 0 && now != NULL)
        continue;
      if (f != NULL && f->is_signed)
        {
          message = g_strdup_printf (_("The widget of the signature field “%s”, already signed, "
                                       "was removed from its page after the signature. Do not "
                                       "rely on this document; ask the sender for the original."),
                                     field_label (f));
          add_finding (j, INKAN_MODIFICATION_OTHER, "SIGNED_FIELD_CHANGED", message);
          continue;
        }
      message = g_strdup_printf (_("A %s annotation was removed from page %u after the "
                                   "signature. Check with the sender that nothing important "
                                   "was taken away."),
                                 a->subtype, a->page);
      add_finding (j, INKAN_MODIFICATION_ANNOTATIONS, "ANNOTATION_REMOVED", message);
    }
}

/* The trailer holds the catalog, the document information and the cross-reference
 * bookkeeping; anything else it gains is not something a signer writes. */
static void
judge_trailer (Judge *j, qpdf_data qo, qpdf_data qn)
{
  static const char * const allowed[] = {
    "/Size", "/Prev", "/Root", "/Info", "/ID", "/XRefStm", "/Type", "/W", "/Index", "/Length",
    "/Filter", "/DecodeParms", "/DL", NULL
  };
  qpdf_oh a = qpdf_get_trailer (qo), b = qpdf_get_trailer (qn);
  g_autoptr (GPtrArray) keys = changed_keys (qo, a, qn, b);
  guint i;

  for (i = 0; i < keys->len; i++)
    if (!g_strv_contains (allowed, keys->pdata[i]))
      {
        g_autofree char *message =
          g_strdup_printf (_("The file trailer gained or changed its %s entry after the "
                             "signature, which no signer writes: it can make readers show "
                             "something else. Ask the sender for the original."),
                           (char *) keys->pdata[i] + 1);
        add_finding (j, INKAN_MODIFICATION_OTHER, "TRAILER_CHANGED", message);
      }
  qpdf_oh_release (qo, a);
  qpdf_oh_release (qn, b);
}

/* A revision's graph as the builder ahead has it (see inkan_differ_build_ahead). */
typedef enum
{
  AHEAD_TODO,
  AHEAD_BUILDING,           /* by either thread */
  AHEAD_UNWANTED,           /* being built, no longer needed: thrown away once built */
  AHEAD_DONE,               /* graph or error waiting to be taken */
  AHEAD_TAKEN               /* or never to be built ahead */
} AheadState;

typedef struct
{
  AheadState state;
  Graph *graph;
  GError *error;
} Ahead;

/* How many graphs may wait, built and not yet taken: each holds the roles of a revision's
 * objects, so that they wait by the tens for a small document, by twos for a large one. */
#define AHEAD_OBJECTS 65536
#define AHEAD_MIN_WAITING 2

/* What one comparison leaves for the next: the later revision's graph, and the entries in
 * force before a revision; and the graphs built ahead on a thread of their own. */
struct _InkanDiffer
{
  InkanRevisions *revisions;
  Graph *graph;             /* of revision graph_rev, or NULL */
  guint graph_rev;
  GHashTable *merged;       /* id → InkanXrefEntry in force before revision merged_rev */
  guint merged_rev;
  LightCache *light;        /* for all the graphs this differ builds */

  GThread *builder;         /* NULL when nothing is built ahead */
  GMutex lock;              /* guards what follows */
  GCond changed;            /* a graph built or taken, or the builder told to stop */
  Ahead *ahead;             /* by revision */
  guint ahead_from;         /* the first revision built ahead */
  guint ahead_next;         /* the next revision a builder looks at */
  guint waiting;            /* AHEAD_DONE graphs */
  guint max_waiting;
  gboolean stop;
};

/* Brings the cross-reference entries in force up to just before `rev`: later sections win. */
static GHashTable *
merged_entries (InkanDiffer *d, guint rev)
{
  guint r, i, n;

  if (d->merged == NULL || d->merged_rev > rev)
    {
      g_clear_pointer (&d->merged, g_hash_table_unref);
      d->merged = g_hash_table_new (NULL, NULL);
      d->merged_rev = 0;
    }
  for (r = d->merged_rev; r < rev; r++)
    {
      const InkanXrefEntry *e = inkan_revisions_get_entries (d->revisions, r, &n);

      for (i = 0; i < n; i++)
        g_hash_table_insert (d->merged, GINT_TO_POINTER (e[i].id), (gpointer) &e[i]);
    }
  d->merged_rev = rev;
  return d->merged;
}

static void
report_repointed (Judge *j, int id)
{
  g_autofree char *message =
    g_strdup_printf (_("An update after the signature points object %d at bytes written "
                       "before it, a known way to swap content unnoticed. Do not rely on this "
                       "document; ask the sender for the original."),
                     id);

  add_finding (j, INKAN_MODIFICATION_OTHER, "XREF_REPOINTED", message);
}

static gboolean
exists (qpdf_data q, qpdf_oh oh)
{
  int type = qpdf_oh_get_type_code (q, oh);

  return type != ot_null && type != ot_uninitialized && type != ot_reserved;
}

InkanDiffer *
inkan_differ_new (InkanRevisions *revisions)
{
  InkanDiffer *self;

  g_return_val_if_fail (revisions != NULL, NULL);
  self = g_new0 (InkanDiffer, 1);
  self->revisions = revisions;
  self->light = light_cache_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  return self;
}

void
inkan_differ_free (InkanDiffer *self)
{
  guint n, rev;

  if (self == NULL)
    return;
  if (self->builder != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stop = TRUE;
      g_cond_broadcast (&self->changed);
      g_mutex_unlock (&self->lock);
      g_thread_join (self->builder);
      n = inkan_revisions_get_n (self->revisions);
      for (rev = 0; rev < n; rev++)
        {
          g_clear_pointer (&self->ahead[rev].graph, graph_free);
          g_clear_error (&self->ahead[rev].error);
        }
      g_free (self->ahead);
    }
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  g_clear_pointer (&self->graph, graph_free);
  g_clear_pointer (&self->merged, g_hash_table_unref);
  light_cache_free (self->light);
  g_free (self);
}

/* Builds the graph of `rev` (claimed, AHEAD_BUILDING) with the lock released, and leaves it to
 * be taken, unless it is no longer wanted. */
static void
build_claimed (InkanDiffer *self, guint rev)
{
  GError *error = NULL;
  Graph *g;

  g_mutex_unlock (&self->lock);
  g = graph_build (self->revisions, self->light, rev, &error);
  g_mutex_lock (&self->lock);
  if (self->ahead[rev].state == AHEAD_UNWANTED)
    {
      g_clear_pointer (&g, graph_free);
      g_clear_error (&error);
      self->ahead[rev].state = AHEAD_TAKEN;
    }
  else
    {
      self->ahead[rev].graph = g;
      self->ahead[rev].error = error;
      self->ahead[rev].state = AHEAD_DONE;
      self->waiting++;
    }
  g_cond_broadcast (&self->changed);
}

#define NO_REVISION G_MAXUINT

/* The next revision to build ahead, claimed; NO_REVISION when there is none. */
static guint
claim_next (InkanDiffer *self)
{
  guint n = inkan_revisions_get_n (self->revisions);

  while (self->ahead_next < n && self->ahead[self->ahead_next].state != AHEAD_TODO)
    self->ahead_next++;
  if (self->ahead_next >= n)
    return NO_REVISION;
  self->ahead[self->ahead_next].state = AHEAD_BUILDING;
  return self->ahead_next++;
}

static gpointer
builder_thread (gpointer data)
{
  InkanDiffer *self = data;
  guint rev;

  g_mutex_lock (&self->lock);
  while (!self->stop)
    {
      if (self->waiting >= self->max_waiting)
        {
          g_cond_wait (&self->changed, &self->lock);
          continue;
        }
      rev = claim_next (self);
      if (rev == NO_REVISION)
        break;
      build_claimed (self, rev);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

void
inkan_differ_build_ahead (InkanDiffer *self, guint from)
{
  guint n, rev, objects;

  g_return_if_fail (self != NULL);
  n = inkan_revisions_get_n (self->revisions);
  if (self->ahead == NULL)
    {
      if (from + 1 >= n)
        return;
      self->ahead = g_new0 (Ahead, n);
      for (rev = 0; rev < from; rev++)
        self->ahead[rev].state = AHEAD_TAKEN;
      objects = MAX (inkan_revisions_count_entries (self->revisions), 1);
      self->max_waiting = MAX (AHEAD_MIN_WAITING, AHEAD_OBJECTS / objects);
      self->ahead_from = self->ahead_next = from;
      self->builder = g_thread_new ("inkan-graphs", builder_thread, self);
      return;
    }
  /* Later than before: what comes before is not built ahead, or thrown away. */
  g_mutex_lock (&self->lock);
  for (rev = self->ahead_from; rev < MIN (from, n); rev++)
    {
      Ahead *a = &self->ahead[rev];

      if (a->state == AHEAD_DONE)
        {
          g_clear_pointer (&a->graph, graph_free);
          g_clear_error (&a->error);
          self->waiting--;
        }
      a->state = a->state == AHEAD_BUILDING ? AHEAD_UNWANTED : AHEAD_TAKEN;
    }
  self->ahead_from = MAX (self->ahead_from, from);
  self->ahead_next = MAX (self->ahead_next, self->ahead_from);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

/* The graph of revision `rev`: built ahead, or built now. While a builder is on it, this
 * thread builds the next one rather than wait idle. */
static Graph *
take_graph (InkanDiffer *self, guint rev, GError **error)
{
  Graph *g = NULL;

  if (self->ahead == NULL)
    return graph_build (self->revisions, self->light, rev, error);
  g_mutex_lock (&self->lock);
  for (;;)
    {
      Ahead *a = &self->ahead[rev];
      guint other;

      if (a->state == AHEAD_DONE)
        {
          g = g_steal_pointer (&a->graph);
          if (a->error != NULL)
            g_propagate_error (error, g_steal_pointer (&a->error));
          a->state = AHEAD_TAKEN;
          self->waiting--;
          g_cond_broadcast (&self->changed);
          break;
        }
      if (a->state == AHEAD_TODO || a->state == AHEAD_TAKEN)
        {
          /* Not come to, before the revisions built ahead, or taken already (a comparison out
           * of order): built here. */
          a->state = AHEAD_TAKEN;
          g_mutex_unlock (&self->lock);
          return graph_build (self->revisions, self->light, rev, error);
        }
      /* Being built: wanted after all. */
      a->state = AHEAD_BUILDING;
      if (self->waiting < self->max_waiting && (other = claim_next (self)) != NO_REVISION)
        build_claimed (self, other);
      else
        g_cond_wait (&self->changed, &self->lock);
    }
  g_mutex_unlock (&self->lock);
  return g;
}

InkanDiff *
inkan_diff_revision (InkanRevisions *revisions, guint rev, GError **error)
{
  g_autoptr (InkanDiffer) differ = NULL;

  g_return_val_if_fail (revisions != NULL, NULL);
  g_return_val_if_fail (rev >= 1 && rev < inkan_revisions_get_n (revisions), NULL);
  differ = inkan_differ_new (revisions);
  return inkan_differ_diff (differ, rev, error);
}

InkanDiff *
inkan_differ_diff (InkanDiffer *self, guint rev, GError **error)
{
  InkanRevisions *revisions;
  g_autoptr (InkanDiff) diff = NULL;
  g_autoptr (Graph) old_graph = NULL;
  g_autoptr (Graph) new_graph = NULL;
  GHashTable *merged;
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (GHashTable) section_ids = NULL;
  qpdf_data qo, qn;
  const InkanXrefEntry *entries;
  gsize old_end;
  guint n, i;
  Judge j = { 0 };

  g_return_val_if_fail (self != NULL, NULL);
  revisions = self->revisions;
  g_return_val_if_fail (rev >= 1 && rev < inkan_revisions_get_n (revisions), NULL);

  qo = inkan_revisions_get_qpdf (revisions, rev - 1, error);
  if (qo == NULL)
    return NULL;
  qn = inkan_revisions_get_qpdf (revisions, rev, error);
  if (qn == NULL)
    return NULL;
  /* The previous comparison's later graph is this one's earlier graph. */
  if (self->graph != NULL && self->graph_rev == rev - 1)
    old_graph = g_steal_pointer (&self->graph);
  else
    old_graph = take_graph (self, rev - 1, error);
  g_clear_pointer (&self->graph, graph_free);
  if (old_graph == NULL)
    return NULL;
  new_graph = take_graph (self, rev, error);
  if (new_graph == NULL)
    return NULL;

  diff = g_new0 (InkanDiff, 1);
  diff->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) inkan_finding_free);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  j.revisions = revisions;
  j.rev = rev;
  j.old_graph = old_graph;
  j.new_graph = new_graph;
  j.diff = diff;
  j.seen_findings = seen;

  merged = merged_entries (self, rev);
  inkan_revisions_get_end (revisions, rev - 1, &old_end);
  entries = inkan_revisions_get_entries (revisions, rev, &n);
  section_ids = g_hash_table_new (NULL, NULL);
  for (i = 0; i < n; i++)
    if (entries[i].type == INKAN_XREF_OFFSET && entries[i].offset >= old_end)
      g_hash_table_add (section_ids, GINT_TO_POINTER (entries[i].id));

  for (i = 0; i < n; i++)
    {
      const InkanXrefEntry *e = &entries[i];
      const InkanXrefEntry *before = g_hash_table_lookup (merged, GINT_TO_POINTER (e->id));
      qpdf_oh old, new;

      if (e->id <= 0)
        continue;
      /* Listing an object again where it already was changes nothing. */
      if (same_entry (e, before))
        continue;
      if ((e->type == INKAN_XREF_OFFSET && e->offset < old_end)
          || (e->type == INKAN_XREF_COMPRESSED
              && !g_hash_table_contains (section_ids, GINT_TO_POINTER ((int) e->offset))))
        {
          report_repointed (&j, e->id);
          continue;
        }

      old = qpdf_get_object_by_id (qo, e->id,
                                   before != NULL && before->type != INKAN_XREF_COMPRESSED
                                     ? before->gen : 0);
      if (!exists (qo, old))
        {
          qpdf_oh_release (qo, old);
          continue;
        }
      if (e->type == INKAN_XREF_FREE)
        {
          guint still = roles_of (new_graph, e->id);

          if (still != 0 || roles_of (old_graph, e->id) != 0)
            {
              g_autofree char *message =
                g_strdup_printf (_("An update after the signature deleted object %d, which the "
                                   "signed document uses. Deleting what was signed can hide or "
                                   "replace content. Do not rely on this document; ask the "
                                   "sender for the original."),
                                 e->id);
              /* Removing an annotation or a value is judged with what referred to it; what
               * is still referred to, or had a role no rule allows to lose, is not. */
              if (still != 0 || (roles_of (old_graph, e->id)
                                 & ~(guint) (R_ANNOT | R_ANNOT_MISC | R_WIDGET | R_WIDGET_AP
                                             | R_FIELD_VALUE | R_DSS | R_INFO | R_ANNOTS))
                                  != 0)
                add_finding (&j, INKAN_MODIFICATION_OTHER, "OBJECT_FREED", message);
            }
          qpdf_oh_release (qo, old);
          continue;
        }

      new = qpdf_get_object_by_id (qn, e->id, e->type == INKAN_XREF_COMPRESSED ? 0 : e->gen);
      {
        g_autofree char *a = value_text (qo, old, TRUE);
        g_autofree char *b = value_text (qn, new, TRUE);

        if (strcmp (a, b) != 0)
          judge_changed (&j, e->id, qo, old, qn, new);
      }
      qpdf_oh_release (qo, old);
      qpdf_oh_release (qn, new);
    }

  judge_trailer (&j, qo, qn);
  judge_structure (&j);
  if (!check_qpdf (revisions, qo, error) || !check_qpdf (revisions, qn, error))
    return NULL;
  self->graph = g_steal_pointer (&new_graph);
  self->graph_rev = rev;
  return g_steal_pointer (&diff);
}
