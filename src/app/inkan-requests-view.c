/* The Requests view: the current user's requests and those waiting on them, a request's detail,
 * and approving or rejecting with the approver's own token. */
/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "inkan-requests-view.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "inkan-application.h"
#include "inkan-approving.h"
#include "inkan-placement.h"
#include "inkan-policy.h"
#include "inkan-seal-item.h"
#include "inkan-seal-status.h"
#include "inkan-sealing.h"
#include "inkan-window.h"

/* What the view shows of one request, gathered in the worker. */
typedef struct
{
  InkanRequest *request;
  char *seal_name;
  char *requester;
  char *grant;                    /* a sentence on the grant the request relies on */
  GPtrArray *approvals;           /* char *: one line per earlier decision */
  guint n_steps;                  /* the seal's chain length */
  guint n_approved;
} Entry;

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->request, inkan_request_free);
  g_free (entry->seal_name);
  g_free (entry->requester);
  g_free (entry->grant);
  g_clear_pointer (&entry->approvals, g_ptr_array_unref);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Entry, entry_free)

typedef struct
{
  GPtrArray *mine;                /* Entry */
  GPtrArray *to_approve;          /* Entry */
} Lists;

static void
lists_free (Lists *lists)
{
  g_clear_pointer (&lists->mine, g_ptr_array_unref);
  g_clear_pointer (&lists->to_approve, g_ptr_array_unref);
  g_free (lists);
}

struct _InkanRequestsView
{
  AdwBin parent_instance;

  GCancellable *cancellable;
  InkanRequestsState state;
  Lists *lists;
  guint load_serial;              /* the latest reload's; an older one's lists are stale */
  gint64 shown;
  GHashTable *ticked;             /* gint64 * request ids ticked in "To approve" */
  GArray *deciding;               /* gint64: the requests of the decision under way */
  InkanDecision decision;
  char *comment;
  char *key_url;
  char *message;
  InkanPinDialog *pin_dialog;
  GtkFileChooserNative *chooser;
  InkanSealFlow *flow;            /* the last "Seal…" */
  gint64 sealing;                 /* the request it seals under */
  gint64 refused;                 /* the request whose sealing was last refused (the label) */
  gboolean switched;              /* the queue was shown once by itself */

  /* Template children. */
  AdwViewStack *stack;
  AdwViewStackPage *approve_page;
  GtkListBox *mine_list;
  GtkListBox *approve_list;
  GtkButton *approve_selected_button;
  GtkSpinner *spinner;
  GtkStack *detail_stack;
  GtkLabel *detail_title;
  GtkListBox *facts_list;
  GtkListBox *approvals_list;
  GtkWidget *decision_box;
  GtkEntry *comment_entry;
  GtkButton *seal_button;
  GtkLabel *seal_refusal_label;
};

G_DEFINE_FINAL_TYPE (InkanRequestsView, inkan_requests_view, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_N_TO_APPROVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Spinning while a worker runs; not while a dialog waits for the user. */
static void
update_spinner (InkanRequestsView *self)
{
  InkanRequestsState state = self->state;
  gboolean sealing = state == INKAN_REQUESTS_SEALING
                     && (self->flow == NULL
                           ? self->chooser == NULL
                           : inkan_seal_flow_get_state (self->flow) == INKAN_SEAL_FLOW_SIGNING);

  gtk_spinner_set_spinning (self->spinner, state == INKAN_REQUESTS_LOADING
                                             || state == INKAN_REQUESTS_FINDING_KEY
                                             || state == INKAN_REQUESTS_SIGNING || sealing);
}

static void
set_state (InkanRequestsView *self,
           InkanRequestsState state)
{
  if (self->state == state)
    return;
  self->state = state;
  update_spinner (self);
  gtk_widget_set_sensitive (self->decision_box, state == INKAN_REQUESTS_IDLE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seal_button), state == INKAN_REQUESTS_IDLE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The outcome, kept for tests (and said elsewhere). */
static void
remember (InkanRequestsView *self,
          const char        *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
}

/* Why sealing under request `id` was refused, kept under its detail (a toast cuts long
 * sentences); `message` NULL clears it. */
static void
show_refusal (InkanRequestsView *self,
              gint64             id,
              const char        *message)
{
  self->refused = message != NULL ? id : 0;
  gtk_label_set_text (self->seal_refusal_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->seal_refusal_label),
                          message != NULL && self->shown == id);
}

/* The outcome said: kept for tests, shown as a toast in the window. */
static void
say (InkanRequestsView *self,
     const char        *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  remember (self, message);
  if (INKAN_IS_WINDOW (root))
    inkan_window_show_toast (INKAN_WINDOW (root), message);
}

static const char *
current_user (void)
{
  GApplication *app = g_application_get_default ();

  return INKAN_IS_APPLICATION (app) ? inkan_application_get_user (INKAN_APPLICATION (app))
                                    : NULL;
}

static const char *
store_path (void)
{
  GApplication *app = g_application_get_default ();

  return INKAN_IS_APPLICATION (app)
           ? inkan_application_get_store_path (INKAN_APPLICATION (app)) : NULL;
}

/* ---- loading ------------------------------------------------------------------------------ */

typedef struct
{
  char *store_path;
  char *user_name;
  guint serial;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data);
}

static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* What the lists are made of, read from the store in one query each, whatever the number of
 * requests. */
typedef struct
{
  GPtrArray *users;               /* InkanUser */
  GPtrArray *seals;               /* InkanSeal */
  GPtrArray *grants;              /* InkanGrant, every seal's */
  GPtrArray *approvals;           /* InkanApproval, every request's, by request then step */
  GHashTable *user_by_id;         /* gint64 * → InkanUser *, borrowed */
  GHashTable *seal_by_id;         /* gint64 * → InkanSeal *, borrowed */
  GHashTable *approvals_by_request; /* gint64 * → GPtrArray of borrowed InkanApproval */
} Registry;

static void
registry_clear (Registry *registry)
{
  g_clear_pointer (&registry->user_by_id, g_hash_table_unref);
  g_clear_pointer (&registry->seal_by_id, g_hash_table_unref);
  g_clear_pointer (&registry->approvals_by_request, g_hash_table_unref);
  g_clear_pointer (&registry->users, g_ptr_array_unref);
  g_clear_pointer (&registry->seals, g_ptr_array_unref);
  g_clear_pointer (&registry->grants, g_ptr_array_unref);
  g_clear_pointer (&registry->approvals, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Registry, registry_clear)

static gboolean
registry_read (Registry   *registry,
               InkanStore *store,
               GError    **error)
{
  if ((registry->users = inkan_store_list_users (store, error)) == NULL
      || (registry->seals = inkan_store_list_seals (store, error)) == NULL
      || (registry->grants = inkan_store_list_grants (store, 0, error)) == NULL
      || (registry->approvals = inkan_store_list_approvals (store, 0, error)) == NULL)
    return FALSE;
  registry->user_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < registry->users->len; i++)
    {
      InkanUser *user = registry->users->pdata[i];

      g_hash_table_insert (registry->user_by_id, &user->id, user);
    }
  registry->seal_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < registry->seals->len; i++)
    {
      InkanSeal *seal = registry->seals->pdata[i];

      g_hash_table_insert (registry->seal_by_id, &seal->id, seal);
    }
  registry->approvals_by_request = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                          (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < registry->approvals->len; i++)
    {
      InkanApproval *approval = registry->approvals->pdata[i];
      GPtrArray *steps = g_hash_table_lookup (registry->approvals_by_request,
                                              &approval->request_id);

      if (steps == NULL)
        {
          steps = g_ptr_array_new ();
          g_hash_table_insert (registry->approvals_by_request, &approval->request_id, steps);
        }
      g_ptr_array_add (steps, approval);
    }
  return TRUE;
}

/* The grant the requester's use would be charged to: a live one for them or their role. */
static char *
describe_grant (const Registry     *registry,
                const InkanRequest *request,
                const InkanUser    *requester)
{
  for (guint i = 0; i < registry->grants->len; i++)
    {
      const InkanGrant *g = registry->grants->pdata[i];
      g_autoptr (GString) text = NULL;

      if (g->seal_id != request->seal_id || g->revoked || requester == NULL
          || !(g->user_id == requester->id || (g->role & requester->roles) != 0))
        continue;
      text = g_string_new (NULL);
      if (g->user_id != 0)
        /* TRANSLATORS: "Grant 3, to clerk" */
        g_string_printf (text, _("Grant %" PRId64 ", to %s"), g->id, requester->name);
      else
        g_string_printf (text, _("Grant %" PRId64 ", to the role %s"), g->id,
                         inkan_role_to_string (g->role & requester->roles));
      if (g->until != NULL)
        {
          g_autofree char *until = format_time (g->until);

          g_string_append_printf (text, _(", until %s"), until);
        }
      if (g->max_uses > 0)
        g_string_append_printf (text, _(", %" PRId64 " of %" PRId64 " uses made"),
                                g->uses, g->max_uses);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  return g_strdup (_("No grant covers the requester now: sealing will be refused."));
}

static Entry *
make_entry (const Registry *registry,
            InkanRequest   *request,
            GError        **error)
{
  g_autoptr (Entry) entry = g_new0 (Entry, 1);
  const InkanSeal *seal = g_hash_table_lookup (registry->seal_by_id, &request->seal_id);
  const InkanUser *requester = g_hash_table_lookup (registry->user_by_id, &request->requester_id);
  GPtrArray *approvals = g_hash_table_lookup (registry->approvals_by_request, &request->id);

  entry->request = request;
  entry->approvals = g_ptr_array_new_with_free_func (g_free);
  if (seal == NULL)
    {
      g_set_error (error, INKAN_STORE_ERROR, INKAN_STORE_ERROR_NOT_FOUND,
                   _("Request %" PRId64 " names a seal the registry does not have."),
                   request->id);
      return NULL;
    }
  entry->seal_name = g_strdup (seal->name);
  entry->n_steps = seal->approval_chain->len;
  entry->requester = g_strdup (requester != NULL ? requester->name : "?");
  entry->grant = describe_grant (registry, request, requester);
  for (guint i = 0; approvals != NULL && i < approvals->len; i++)
    {
      const InkanApproval *a = approvals->pdata[i];
      const InkanUser *approver = g_hash_table_lookup (registry->user_by_id, &a->approver_id);
      g_autofree char *when = format_time (a->time);
      const char *who = approver != NULL ? approver->name : "?";

      if (a->decision == INKAN_DECISION_APPROVE)
        entry->n_approved++;
      g_ptr_array_add (entry->approvals,
                       a->decision == INKAN_DECISION_APPROVE
                         /* TRANSLATORS: "Approved by manager (approver), 2026-12-06 10:00: ok" */
                         ? g_strdup_printf (_("Approved by %s (%s), %s%s%s"), who,
                                            inkan_role_to_string (a->role), when,
                                            *a->comment != '\0' ? ": " : "", a->comment)
                         : g_strdup_printf (_("Rejected by %s (%s), %s%s%s"), who,
                                            inkan_role_to_string (a->role), when,
                                            *a->comment != '\0' ? ": " : "", a->comment));
    }
  return g_steal_pointer (&entry);
}

static GPtrArray *
make_entries (const Registry *registry,
              GPtrArray      *requests,
              gint64          requester_id,
              GError        **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  for (guint i = 0; i < requests->len; i++)
    {
      InkanRequest *request = requests->pdata[i];
      Entry *entry;

      if (requester_id != 0 && request->requester_id != requester_id)
        continue;
      requests->pdata[i] = NULL;
      entry = make_entry (registry, request, error);
      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, entry);
    }
  return g_steal_pointer (&entries);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) user = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) waiting = NULL;
  g_auto (Registry) registry = { 0 };
  Lists *lists;
  GError *error = NULL;

  store = inkan_store_open (data->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  user = inkan_store_get_user (store, data->user_name, &error);
  if (user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  all = inkan_store_list_requests (store, -1, NULL, &error);
  if (all != NULL)
    g_ptr_array_set_free_func (all, (GDestroyNotify) inkan_request_free);
  waiting = all != NULL ? inkan_store_list_requests (store, INKAN_REQUEST_PENDING, user, &error)
                        : NULL;
  if (waiting != NULL)
    g_ptr_array_set_free_func (waiting, (GDestroyNotify) inkan_request_free);
  if (waiting == NULL || !registry_read (&registry, store, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  lists = g_new0 (Lists, 1);
  lists->mine = make_entries (&registry, all, user->id, &error);
  if (lists->mine != NULL)
    lists->to_approve = make_entries (&registry, waiting, 0, &error);
  if (lists->to_approve == NULL)
    {
      lists_free (lists);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lists, (GDestroyNotify) lists_free);
}

static char *
progress_text (const Entry *entry)
{
  const char *state = inkan_request_state_to_string (entry->request->state);

  if (entry->n_steps == 0)
    /* TRANSLATORS: "pending · no approval needed" */
    return g_strdup_printf (_("%s · no approval needed"), state);
  /* TRANSLATORS: "pending · approved 1 of 2" */
  return g_strdup_printf (_("%s · approved %u of %u"), state, entry->n_approved, entry->n_steps);
}

static void
ticked_toggled (GtkCheckButton    *check,
                InkanRequestsView *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check), "request-id"));

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->ticked, g_memdup2 (&id, sizeof id));
  else
    g_hash_table_remove (self->ticked, &id);
  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_selected_button),
                            g_hash_table_size (self->ticked) > 0);
}

static GtkWidget *
make_row (InkanRequestsView *self,
          const Entry       *entry,
          gboolean           tickable)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *progress = progress_text (entry);
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: a request's row: "#12 Contract — supply.pdf" */
  title = g_strdup_printf (_("#%" PRId64 " %s — %s"), entry->request->id,
                           entry->seal_name,
                           entry->request->document_name != NULL ? entry->request->document_name
                                                                 : "?");
  subtitle = g_strdup_printf ("%s · %s · %s", progress, entry->requester,
                              entry->request->reason != NULL ? entry->request->reason : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "request-id", GSIZE_TO_POINTER (entry->request->id));
  if (tickable)
    {
      GtkWidget *check = gtk_check_button_new ();

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (check, _("Select for Approve Selected"));
      g_object_set_data (G_OBJECT (check), "request-id", GSIZE_TO_POINTER (entry->request->id));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_hash_table_contains (self->ticked, &entry->request->id));
      g_signal_connect (check, "toggled", G_CALLBACK (ticked_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      g_object_set_data (G_OBJECT (row), "check", check);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
make_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
fill_lists (InkanRequestsView *self)
{
  g_autoptr (GHashTable) still = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  clear_list (self->mine_list);
  clear_list (self->approve_list);
  /* Ticks survive a reload only for requests still waiting. */
  for (guint i = 0; i < self->lists->to_approve->len; i++)
    {
      const Entry *e = self->lists->to_approve->pdata[i];

      if (g_hash_table_contains (self->ticked, &e->request->id))
        g_hash_table_add (still, g_memdup2 (&e->request->id, sizeof (gint64)));
    }
  g_hash_table_remove_all (self->ticked);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, still);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_hash_table_add (self->ticked, g_memdup2 (key, sizeof (gint64)));
  }
  for (guint i = 0; i < self->lists->mine->len; i++)
    gtk_list_box_append (self->mine_list, make_row (self, self->lists->mine->pdata[i], FALSE));
  for (guint i = 0; i < self->lists->to_approve->len; i++)
    gtk_list_box_append (self->approve_list,
                         make_row (self, self->lists->to_approve->pdata[i], TRUE));

  gtk_list_box_set_placeholder (self->mine_list,
                                make_placeholder (_("No requests. Those you make for a seal "
                                                    "that needs approval appear here with "
                                                    "their progress.")));
  gtk_list_box_set_placeholder (self->approve_list,
                                make_placeholder (_("Nothing to approve. Requests waiting on "
                                                    "your role appear here.")));
  /* An approver with nothing of their own opens on their queue. */
  if (!self->switched && self->lists->mine->len == 0 && self->lists->to_approve->len > 0)
    {
      adw_view_stack_set_visible_child_name (self->stack, "to-approve");
      self->switched = TRUE;
    }

  adw_view_stack_page_set_badge_number (self->approve_page, self->lists->to_approve->len);
  adw_view_stack_page_set_needs_attention (self->approve_page,
                                           self->lists->to_approve->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_selected_button),
                            g_hash_table_size (self->ticked) > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TO_APPROVE]);
}

static void show_detail (InkanRequestsView *self);
static gboolean can_seal (const Entry *e);

static void
loaded (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr (InkanRequestsView) self = user_data;
  g_autoptr (GError) error = NULL;
  const LoadData *data = g_task_get_task_data (G_TASK (result));
  Lists *lists = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A reload asked while this one ran read the store later: its lists, and its end of the
   * loading, are the ones that count (this one may miss a request added meanwhile). */
  if (data->serial != self->load_serial)
    {
      g_clear_pointer (&lists, lists_free);
      return;
    }
  set_state (self, INKAN_REQUESTS_IDLE);
  if (lists == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The requests could not be read: %s"),
                                                  error->message);

      /* Said when the view is on screen; a window opening on another store stays quiet. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        say (self, message);
      else
        g_debug ("%s", message);
      return;
    }
  g_clear_pointer (&self->lists, lists_free);
  self->lists = lists;
  fill_lists (self);
  show_detail (self);
}

void
inkan_requests_view_reload (InkanRequestsView *self)
{
  g_autoptr (GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  if (self->state != INKAN_REQUESTS_IDLE && self->state != INKAN_REQUESTS_LOADING)
    return;
  if (store_path () == NULL || current_user () == NULL)
    {
      g_clear_pointer (&self->lists, lists_free);
      self->lists = g_new0 (Lists, 1);
      self->lists->mine = g_ptr_array_new ();
      self->lists->to_approve = g_ptr_array_new ();
      fill_lists (self);
      show_detail (self);
      return;
    }
  data = g_new0 (LoadData, 1);
  data->store_path = g_strdup (store_path ());
  data->user_name = g_strdup (current_user ());
  data->serial = ++self->load_serial;
  set_state (self, INKAN_REQUESTS_LOADING);
  task = g_task_new (NULL, self->cancellable, loaded, g_object_ref (self));
  g_task_set_source_tag (task, inkan_requests_view_reload);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/* ---- the detail ------------------------------------------------------------------------------ */

static const Entry *
find_entry (InkanRequestsView *self,
            gint64             id,
            gboolean          *waiting)
{
  if (self->lists == NULL || id == 0)
    return NULL;
  for (guint i = 0; i < self->lists->to_approve->len; i++)
    {
      const Entry *e = self->lists->to_approve->pdata[i];

      if (e->request->id == id)
        {
          if (waiting != NULL)
            *waiting = TRUE;
          return e;
        }
    }
  for (guint i = 0; i < self->lists->mine->len; i++)
    {
      const Entry *e = self->lists->mine->pdata[i];

      if (e->request->id == id)
        {
          if (waiting != NULL)
            *waiting = FALSE;
          return e;
        }
    }
  return NULL;
}

static void
add_fact (GtkListBox *list,
          const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_list_box_append (list, row);
}

static void
show_detail (InkanRequestsView *self)
{
  gboolean waiting = FALSE;
  const Entry *e = find_entry (self, self->shown, &waiting);
  g_autofree char *title = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *document = NULL;

  clear_list (self->facts_list);
  clear_list (self->approvals_list);
  if (e == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  /* TRANSLATORS: the detail's title: "Request 12: the Contract seal" */
  title = g_strdup_printf (_("Request %" PRId64 ": the %s seal"), e->request->id,
                           e->seal_name);
  gtk_label_set_text (self->detail_title, title);
  progress = progress_text (e);
  document = g_strdup_printf ("%s\nSHA-256 %s",
                              e->request->document_name != NULL ? e->request->document_name : "?",
                              e->request->document_sha256);
  add_fact (self->facts_list, _("State"), progress);
  add_fact (self->facts_list, _("Requester"), e->requester);
  add_fact (self->facts_list, _("Seal"), e->seal_name);
  add_fact (self->facts_list, _("Reason"), e->request->reason != NULL ? e->request->reason : "");
  add_fact (self->facts_list, _("Document"), document);
  add_fact (self->facts_list, _("Grant"), e->grant);
  if (e->request->page > 0)
    {
      g_autofree char *placement = NULL;

      /* TRANSLATORS: "Page 1, at 100 × 200 pt, 80 × 80 pt" */
      placement = g_strdup_printf (_("Page %u, at %.0f × %.0f pt, %.0f × %.0f pt"),
                                   e->request->page, e->request->rect[0], e->request->rect[1],
                                   e->request->rect[2], e->request->rect[3]);
      add_fact (self->facts_list, _("Proposed placement"), placement);
    }
  for (guint i = 0; i < e->approvals->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->approvals->pdata[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_append (self->approvals_list, row);
    }
  if (e->approvals->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No decision yet"));
      gtk_list_box_append (self->approvals_list, row);
    }
  gtk_widget_set_visible (self->decision_box, waiting);
  gtk_widget_set_visible (GTK_WIDGET (self->seal_button), !waiting && can_seal (e));
  gtk_widget_set_visible (GTK_WIDGET (self->seal_refusal_label),
                          self->refused == e->request->id && can_seal (e));
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

void
inkan_requests_view_show_request (InkanRequestsView *self,
                                  gint64             id)
{
  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  if (self->shown != id)
    gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  self->shown = id;
  show_detail (self);
}

static void
row_activated (InkanRequestsView *self,
               GtkListBoxRow     *row)
{
  inkan_requests_view_show_request (
    self, (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "request-id")));
}

static void
reload_clicked (InkanRequestsView *self)
{
  inkan_requests_view_reload (self);
}

char *
inkan_requests_view_get_detail_text (InkanRequestsView *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->detail_stack), "detail") != 0)
    return g_string_free (text, FALSE);
  g_string_append_printf (text, "%s\n", gtk_label_get_text (self->detail_title));
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->facts_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_string_append_printf (text, "%s: %s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->approvals_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_string_append_printf (text, "%s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_string_free (text, FALSE);
}

/* ---- deciding -------------------------------------------------------------------------------- */

typedef struct
{
  char *store_path;
  char *user_name;
  char *key_url;
  char *pin;
  char *comment;
  InkanDecision decision;
  GArray *ids;
} DecideData;

static void
decide_data_free (DecideData *data)
{
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data->key_url);
  g_clear_pointer (&data->pin, inkan_pin_free);
  g_free (data->comment);
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data);
}

typedef struct
{
  guint n_done;
  GString *failures;              /* "Request 12: why." lines */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_string_free (outcome->failures, TRUE);
  g_free (outcome);
}

static void
find_key_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DecideData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  GError *error = NULL;
  char *key_url;

  store = inkan_store_open (data->store_path, &error);
  if (store != NULL)
    actor = inkan_store_get_user (store, data->user_name, &error);
  key_url = actor != NULL ? inkan_approving_find_key (actor, &error) : NULL;
  if (key_url == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key_url, g_free);
}

static void
decide_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecideData *data = task_data;
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (InkanSigner) signer = NULL;
  g_autoptr (InkanAuditContext) audit = inkan_audit_context_new_local ();
  Outcome *outcome;
  GError *error = NULL;

  store = inkan_store_open (data->store_path, &error);
  if (store != NULL)
    actor = inkan_store_get_user (store, data->user_name, &error);
  /* One login for every request of the batch: the PIN is typed once. */
  if (actor != NULL)
    signer = inkan_signer_open (data->key_url, NULL, inkan_pin_dialog_typed_pin, data->pin,
                                &error);
  if (signer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  outcome = g_new0 (Outcome, 1);
  outcome->failures = g_string_new (NULL);
  for (guint i = 0; i < data->ids->len; i++)
    {
      InkanApprovingOptions options = { 0 };
      g_autoptr (InkanApproval) approval = NULL;
      g_autoptr (GError) local = NULL;

      options.store = store;
      options.audit = audit;
      options.actor = actor;
      options.request_id = g_array_index (data->ids, gint64, i);
      options.decision = data->decision;
      options.comment = data->comment;
      options.signer = signer;
      approval = inkan_approving_run (&options, NULL, &local);
      if (approval != NULL)
        outcome->n_done++;
      else
        g_string_append_printf (outcome->failures, _("Request %" PRId64 ": %s\n"),
                                options.request_id, local->message);
    }
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

static void ask_pin (InkanRequestsView *self,
                     const char        *error);

static void
decided (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (InkanRequestsView) self = user_data;
  g_autoptr (GError) error = NULL;
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_state (self, INKAN_REQUESTS_IDLE);
  if (outcome == NULL)
    {
      /* A refused PIN is asked again, with the token's sentence; the rest ends here. */
      if (g_error_matches (error, INKAN_TOKEN_ERROR, INKAN_TOKEN_ERROR_PIN_INCORRECT))
        {
          ask_pin (self, error->message);
          return;
        }
      say (self, error->message);
      return;
    }
  if (outcome->failures->len > 0)
    g_string_truncate (outcome->failures, outcome->failures->len - 1);
  if (outcome->failures->len > 0)
    message = outcome->n_done > 0
                ? g_strdup_printf (_("%u decided; not decided: %s"), outcome->n_done,
                                   outcome->failures->str)
                : g_strdup_printf (_("Nothing was decided. %s"), outcome->failures->str);
  else if (self->decision == INKAN_DECISION_REJECT)
    message = g_strdup (_("The request was rejected; your signed reason is recorded."));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request approved with your "
                                            "signature.", "%u requests approved with your "
                                            "signature.", outcome->n_done), outcome->n_done);
  outcome_free (outcome);
  say (self, message);
  for (guint i = 0; i < self->deciding->len; i++)
    g_hash_table_remove (self->ticked, &g_array_index (self->deciding, gint64, i));
  gtk_editable_set_text (GTK_EDITABLE (self->comment_entry), "");
  inkan_requests_view_reload (self);
}

static void
pin_response (InkanPinDialog    *dialog,
              const char        *response,
              InkanRequestsView *self)
{
  g_autoptr (GTask) task = NULL;
  DecideData *data;

  if (dialog != self->pin_dialog)
    return;
  self->pin_dialog = NULL;
  inkan_pin_dialog_dismiss (dialog);
  if (g_strcmp0 (response, "apply") != 0)
    {
      /* Cancelled, Escape or the close button: the decision under way is dropped whole; the
       * comment typed and the ticks stay for another try. */
      g_clear_pointer (&self->deciding, g_array_unref);
      self->deciding = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_clear_pointer (&self->comment, g_free);
      g_clear_pointer (&self->key_url, g_free);
      set_state (self, INKAN_REQUESTS_IDLE);
      return;
    }
  data = g_new0 (DecideData, 1);
  data->store_path = g_strdup (store_path ());
  data->user_name = g_strdup (current_user ());
  data->key_url = g_strdup (self->key_url);
  data->pin = inkan_pin_dialog_get_pin (dialog);
  data->comment = g_strdup (self->comment);
  data->decision = self->decision;
  data->ids = g_array_ref (self->deciding);
  set_state (self, INKAN_REQUESTS_SIGNING);
  task = g_task_new (NULL, self->cancellable, decided, g_object_ref (self));
  g_task_set_source_tag (task, pin_response);
  g_task_set_task_data (task, data, (GDestroyNotify) decide_data_free);
  g_task_run_in_thread (task, decide_thread);
}

static void
ask_pin (InkanRequestsView *self,
         const char        *error)
{
  g_autofree char *label = inkan_pin_dialog_token_label_from_url (self->key_url);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *body = NULL;
  guint n = self->deciding->len;

  self->pin_dialog = inkan_pin_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                           label, "");
  if (self->decision == INKAN_DECISION_REJECT)
    body = g_strdup_printf (_("Your key is on the token “%s”. Enter its PIN to sign your "
                              "rejection."), label != NULL ? label : "?");
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Your key is on the token “%2$s”. Enter its PIN to sign "
                                         "your approval of %1$u request.",
                                         "Your key is on the token “%2$s”. Enter its PIN to sign "
                                         "your approval of %1$u requests.", n),
                            n, label != NULL ? label : "?");
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self->pin_dialog), body);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self->pin_dialog), "apply",
                                         self->decision == INKAN_DECISION_REJECT ? _("_Reject")
                                                                                 : _("_Approve"));
  if (error != NULL)
    inkan_pin_dialog_set_error (self->pin_dialog, error);
  g_signal_connect (self->pin_dialog, "response", G_CALLBACK (pin_response), self);
  set_state (self, INKAN_REQUESTS_ASKING_PIN);
  gtk_window_present (GTK_WINDOW (self->pin_dialog));
}

static void
key_found (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (InkanRequestsView) self = user_data;
  g_autoptr (GError) error = NULL;
  char *key_url = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (key_url == NULL)
    {
      set_state (self, INKAN_REQUESTS_IDLE);
      say (self, error->message);
      return;
    }
  g_free (self->key_url);
  self->key_url = key_url;
  ask_pin (self, NULL);
}

static void
start_deciding (InkanRequestsView *self,
                InkanDecision      decision,
                const char        *comment,
                GArray            *ids)
{
  g_autoptr (GTask) task = NULL;
  DecideData *data;

  if (self->state != INKAN_REQUESTS_IDLE || ids->len == 0 || store_path () == NULL
      || current_user () == NULL)
    return;
  if (decision == INKAN_DECISION_REJECT && (comment == NULL || *comment == '\0'))
    {
      say (self, _("Say why you reject the request in the comment: a rejection needs one."));
      return;
    }
  g_clear_pointer (&self->deciding, g_array_unref);
  self->deciding = g_array_ref (ids);
  self->decision = decision;
  g_free (self->comment);
  self->comment = g_strdup (comment != NULL ? comment : "");

  data = g_new0 (DecideData, 1);
  data->store_path = g_strdup (store_path ());
  data->user_name = g_strdup (current_user ());
  set_state (self, INKAN_REQUESTS_FINDING_KEY);
  task = g_task_new (NULL, self->cancellable, key_found, g_object_ref (self));
  g_task_set_source_tag (task, start_deciding);
  g_task_set_task_data (task, data, (GDestroyNotify) decide_data_free);
  g_task_run_in_thread (task, find_key_thread);
}

void
inkan_requests_view_decide_shown (InkanRequestsView *self,
                                  InkanDecision      decision)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean waiting = FALSE;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  if (find_entry (self, self->shown, &waiting) == NULL || !waiting)
    return;
  g_array_append_val (ids, self->shown);
  start_deciding (self, decision, gtk_editable_get_text (GTK_EDITABLE (self->comment_entry)),
                  ids);
}

void
inkan_requests_view_approve_selected (InkanRequestsView *self)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  /* In the list's order, oldest last as shown. */
  for (guint i = 0; self->lists != NULL && i < self->lists->to_approve->len; i++)
    {
      const Entry *e = self->lists->to_approve->pdata[i];

      if (g_hash_table_contains (self->ticked, &e->request->id))
        g_array_append_val (ids, e->request->id);
    }
  start_deciding (self, INKAN_DECISION_APPROVE, "", ids);
}

static void
approve_clicked (InkanRequestsView *self)
{
  inkan_requests_view_decide_shown (self, INKAN_DECISION_APPROVE);
}

static void
reject_clicked (InkanRequestsView *self)
{
  inkan_requests_view_decide_shown (self, INKAN_DECISION_REJECT);
}

static void
approve_selected_clicked (InkanRequestsView *self)
{
  inkan_requests_view_approve_selected (self);
}

/* ---- finding the document, to open it or to seal it ------------------------------------------ */

typedef enum
{
  FIND_TO_OPEN,
  FIND_TO_SEAL,
} FindPurpose;

typedef struct
{
  FindPurpose purpose;
  gint64 request_id;
  GPtrArray *candidates;          /* char *: paths to try */
  char *sha256;
  gboolean asked;                 /* the one candidate is the file the user chose */
  char *store_path;               /* FIND_TO_SEAL: where the policy is asked, and for whom */
  char *user_name;
} FindData;

static void
find_data_free (FindData *data)
{
  g_ptr_array_unref (data->candidates);
  g_free (data->sha256);
  g_free (data->store_path);
  g_free (data->user_name);
  g_free (data);
}

/* What the search found: the document, and when sealing, the policy's answer for it. */
typedef struct
{
  char *path;                     /* NULL: none of the candidates is the request's document */
  InkanSeal *seal;
  InkanRequest *request;
  gint64 grant_id;
  GError *refusal;                /* the core's sentence when sealing would be refused */
} Found;

static void
found_free (Found *found)
{
  g_free (found->path);
  g_clear_pointer (&found->seal, inkan_seal_free);
  g_clear_pointer (&found->request, inkan_request_free);
  g_clear_error (&found->refusal);
  g_free (found);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Found, found_free)

/* The core's policy on sealing `found->path` (whose SHA-256 is `sha`, or NULL: not known yet)
 * under the request now, asked before the save dialog and the PIN: inkan_sealing_check, which
 * inkan_sealing_run() asks again, and enforces, when the seal is applied. FALSE only when the
 * store or the file cannot be read. */
static gboolean
ask_policy (const FindData *data,
            Found          *found,
            const char     *sha,
            GError        **error)
{
  g_autoptr (InkanStore) store = NULL;
  g_autoptr (InkanUser) actor = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_auto (InkanSealingCheck) check = { 0 };
  g_autofree char *hashed = NULL;

  if (sha == NULL && (sha = hashed = inkan_file_sha256 (found->path, error)) == NULL)
    return FALSE;
  if ((now = inkan_clock_now (error)) == NULL
      || (store = inkan_store_open (data->store_path, error)) == NULL
      || (actor = inkan_store_get_user (store, data->user_name, error)) == NULL
      || (found->request = inkan_store_get_request (store, data->request_id, error)) == NULL
      || (found->seal = inkan_store_get_seal_by_id (store, found->request->seal_id, error))
           == NULL)
    return FALSE;
  if (!inkan_policy_check_role (actor, INKAN_ROLE_CLERK, _("use seals"), &found->refusal))
    return TRUE;
  if (!inkan_sealing_check (store, actor, found->seal, found->request, found->path, sha, now,
                            &check, &found->refusal, error))
    return FALSE;
  found->grant_id = check.grant_id;
  return TRUE;
}

static void
find_document_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  FindData *data = task_data;
  g_autoptr (Found) found = g_new0 (Found, 1);
  gboolean matched = FALSE;
  GError *error = NULL;

  for (guint i = 0; i < data->candidates->len && found->path == NULL; i++)
    {
      g_autofree char *sha = inkan_file_sha256 (data->candidates->pdata[i], NULL);

      if (sha != NULL && g_str_equal (sha, data->sha256))
        {
          found->path = g_strdup (data->candidates->pdata[i]);
          matched = TRUE;
        }
    }
  /* A file chosen to be sealed is judged by the policy even when it differs: the core says why
   * it cannot be sealed under the request. */
  if (found->path == NULL && data->asked && data->purpose == FIND_TO_SEAL
      && data->candidates->len == 1)
    found->path = g_strdup (data->candidates->pdata[0]);
  /* A matching file's digest is the request's: it is not computed again. */
  if (found->path != NULL && data->purpose == FIND_TO_SEAL
      && !ask_policy (data, found, matched ? data->sha256 : NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) found_free);
}


static void
draw_placement (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  static const double dash[] = { 6.0, 4.0 };

  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.12);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_set_line_width (cr, 2.0);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_rectangle (cr, 1, 1, MAX (width - 2, 0), MAX (height - 2, 0));
  cairo_stroke (cr);
}

typedef struct
{
  GFile *file;
  guint page;                     /* 1-based */
  double rect[4];                 /* visible coordinates, points */
  char *seal_name;
} Placement;

static void
placement_free (Placement *placement)
{
  g_object_unref (placement->file);
  g_free (placement->seal_name);
  g_free (placement);
}

/* The proposed placement outlined on the page: visible coordinates flipped to the page view's
 * top-left origin. */
static gboolean
outline_placement (InkanDocumentView *view,
                   const Placement   *placement)
{
  InkanDocument *document = inkan_document_view_get_document (view);
  InkanPageView *page_view = inkan_document_view_get_page_view (view);
  InkanRect visible, shown;
  GtkWidget *area;
  g_autofree char *tooltip = NULL;
  double width, height;

  if (document == NULL || !g_file_equal (inkan_document_view_get_file (view), placement->file)
      || placement->page == 0 || placement->page > (guint) inkan_document_get_n_pages (document))
    return FALSE;
  inkan_document_get_page_size (document, (int) placement->page - 1, &width, &height);
  visible.x = placement->rect[0];
  visible.y = placement->rect[1];
  visible.width = placement->rect[2];
  visible.height = placement->rect[3];
  inkan_placement_visible_to_shown (&visible, height, &shown);

  area = g_object_get_data (G_OBJECT (page_view), "inkan-request-placement");
  if (area != NULL)
    inkan_page_view_remove_overlay (page_view, area);
  area = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_placement, NULL, NULL);
  gtk_widget_set_can_target (area, FALSE);
  /* TRANSLATORS: tooltip of the outline: "Where the Contract seal is to go" */
  tooltip = g_strdup_printf (_("Where the %s seal is to go"), placement->seal_name);
  gtk_widget_set_tooltip_text (area, tooltip);
  inkan_page_view_add_overlay (page_view, area, (int) placement->page - 1, shown.x, shown.y,
                               shown.width, shown.height);
  g_object_set_data (G_OBJECT (page_view), "inkan-request-placement", area);
  /* The whole page, so that the outline is seen where it sits. */
  inkan_page_view_set_zoom_mode (page_view, INKAN_ZOOM_MODE_FIT_PAGE);
  inkan_page_view_scroll_to_page (page_view, (int) placement->page - 1);
  return TRUE;
}

static void
document_opened (InkanWindow       *window,
                 InkanDocumentView *view,
                 Placement         *placement)
{
  if (outline_placement (view, placement))
    g_signal_handlers_disconnect_by_data (window, placement);
}

static void
open_found (InkanRequestsView *self,
            const char        *path,
            const Entry       *e)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  InkanWindow *window;
  InkanDocumentView *current;
  Placement *placement;

  if (!INKAN_IS_WINDOW (root))
    return;
  window = INKAN_WINDOW (root);
  placement = g_new0 (Placement, 1);
  placement->file = g_file_new_for_path (path);
  placement->page = e->request->page;
  memcpy (placement->rect, e->request->rect, sizeof placement->rect);
  placement->seal_name = g_strdup (e->seal_name);
  inkan_window_open (window, placement->file);
  current = inkan_window_get_current_view (window);
  if (placement->page == 0 || (current != NULL && outline_placement (current, placement)))
    {
      placement_free (placement);
      return;
    }
  g_signal_connect_data (window, "document-opened", G_CALLBACK (document_opened), placement,
                         (GClosureNotify) (void (*) (void)) placement_free, 0);
}

static void find_document (InkanRequestsView *self,
                           FindPurpose        purpose,
                           gint64             request_id,
                           GPtrArray         *candidates,
                           gboolean           asked);

static void
chooser_response (GtkNativeDialog   *chooser,
                  int                response,
                  InkanRequestsView *self)
{
  g_autoptr (GFile) file = NULL;

  if (GTK_FILE_CHOOSER_NATIVE (chooser) != self->chooser)
    return;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  inkan_requests_view_choose_document (self, file);
}

void
inkan_requests_view_choose_document (InkanRequestsView *self,
                                     GFile             *file)
{
  g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  FindPurpose purpose;
  gint64 id;
  char *path;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (self->chooser == NULL)
    return;
  purpose = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self->chooser), "purpose"));
  id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (self->chooser), "request-id"));
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    {
      /* Dismissed, or a file that is not on this computer: nothing stays pending. */
      if (purpose == FIND_TO_SEAL)
        set_state (self, INKAN_REQUESTS_IDLE);
      if (file != NULL)
        say (self, _("Only a file on this computer can be used: choose a local copy of the "
                     "document."));
      return;
    }
  update_spinner (self);
  g_ptr_array_add (candidates, path);
  find_document (self, purpose, id, candidates, TRUE);
}

gboolean
inkan_requests_view_is_asking_document (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), FALSE);
  return self->chooser != NULL;
}

static void
ask_document (InkanRequestsView *self,
              FindPurpose        purpose,
              gint64             request_id,
              const char        *document_name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *title = NULL;

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  /* TRANSLATORS: the file chooser's title: "Find supply.pdf" */
  title = g_strdup_printf (_("Find %s"), document_name);
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                           : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);
  g_object_set_data (G_OBJECT (self->chooser), "purpose", GINT_TO_POINTER (purpose));
  g_object_set_data (G_OBJECT (self->chooser), "request-id", GSIZE_TO_POINTER (request_id));
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
  update_spinner (self);
}

static void start_flow (InkanRequestsView *self,
                        Found             *found);

static void
document_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (InkanRequestsView) self = user_data;
  FindData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (Found) found = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean sealing = data->purpose == FIND_TO_SEAL;
  const Entry *e = find_entry (self, data->request_id, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (found == NULL)
    {
      set_state (self, INKAN_REQUESTS_IDLE);
      show_refusal (self, data->request_id, error->message);
      say (self, error->message);
      return;
    }
  if (found->path == NULL && data->asked)
    {
      if (sealing)
        set_state (self, INKAN_REQUESTS_IDLE);
      say (self, _("That file is not the request’s document: its SHA-256 differs. Choose the "
                   "file the requester sent."));
      return;
    }
  if (found->path == NULL)
    {
      if (e != NULL && e->request->document_name != NULL)
        ask_document (self, data->purpose, data->request_id, e->request->document_name);
      else if (sealing)
        set_state (self, INKAN_REQUESTS_IDLE);
      return;
    }
  if (!sealing)
    {
      if (e != NULL)
        open_found (self, found->path, e);
      return;
    }
  if (found->refusal != NULL)
    {
      set_state (self, INKAN_REQUESTS_IDLE);
      show_refusal (self, data->request_id, found->refusal->message);
      say (self, found->refusal->message);
      return;
    }
  start_flow (self, found);
}

static void
find_document (InkanRequestsView *self,
               FindPurpose        purpose,
               gint64             request_id,
               GPtrArray         *candidates,
               gboolean           asked)
{
  const Entry *e = find_entry (self, request_id, NULL);
  g_autoptr (GTask) task = NULL;
  FindData *data;

  if (e == NULL)
    {
      if (purpose == FIND_TO_SEAL)
        set_state (self, INKAN_REQUESTS_IDLE);
      return;
    }
  data = g_new0 (FindData, 1);
  data->purpose = purpose;
  data->request_id = request_id;
  data->candidates = g_ptr_array_ref (candidates);
  data->sha256 = g_strdup (e->request->document_sha256);
  data->asked = asked;
  data->store_path = g_strdup (store_path ());
  data->user_name = g_strdup (current_user ());
  task = g_task_new (NULL, self->cancellable, document_found, g_object_ref (self));
  g_task_set_source_tag (task, find_document);
  g_task_set_task_data (task, data, (GDestroyNotify) find_data_free);
  g_task_run_in_thread (task, find_document_thread);
}

/* Where the request's document may be: the open tabs first, then the recent files of the same
 * name (hashed in the worker). */
static GPtrArray *
gather_candidates (InkanRequestsView *self,
                   const Entry       *e)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_free);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GList *items;

  if (INKAN_IS_WINDOW (root))
    {
      AdwTabView *tabs = inkan_window_get_tab_view (INKAN_WINDOW (root));

      for (int i = 0; i < adw_tab_view_get_n_pages (tabs); i++)
        {
          GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (tabs, i));
          g_autofree char *base = NULL;
          char *path;

          if (!INKAN_IS_DOCUMENT_VIEW (child))
            continue;
          path = g_file_get_path (inkan_document_view_get_file (INKAN_DOCUMENT_VIEW (child)));
          base = path != NULL ? g_path_get_basename (path) : NULL;
          if (base != NULL && g_str_equal (base, e->request->document_name))
            g_ptr_array_add (candidates, path);
          else
            g_free (path);
        }
    }
  items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  for (GList *l = items; l != NULL; l = l->next)
    {
      const char *uri = gtk_recent_info_get_uri (l->data);
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
      g_autofree char *base = path != NULL ? g_path_get_basename (path) : NULL;

      /* An open document is a recent file too: hash it once. */
      if (base != NULL && g_str_equal (base, e->request->document_name)
          && !g_ptr_array_find_with_equal_func (candidates, path, g_str_equal, NULL))
        g_ptr_array_add (candidates, g_steal_pointer (&path));
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return candidates;
}

void
inkan_requests_view_open_document (InkanRequestsView *self)
{
  const Entry *e;
  g_autoptr (GPtrArray) candidates = NULL;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  e = find_entry (self, self->shown, NULL);
  /* While sealing, the file chooser may be the sealing's. */
  if (e == NULL || e->request->document_name == NULL || self->state == INKAN_REQUESTS_SEALING)
    return;
  candidates = gather_candidates (self, e);
  find_document (self, FIND_TO_OPEN, e->request->id, candidates, FALSE);
}

static void
open_clicked (InkanRequestsView *self)
{
  inkan_requests_view_open_document (self);
}

/* ---- sealing under an approved request ------------------------------------------------------- */

static gboolean
can_seal (const Entry *e)
{
  return e != NULL && e->request->state == INKAN_REQUEST_APPROVED
         && e->request->document_name != NULL && current_user () != NULL
         && g_strcmp0 (e->requester, current_user ()) == 0;
}

static void
clear_flow (InkanRequestsView *self)
{
  if (self->flow == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->flow, self);
  g_clear_object (&self->flow);
}

static void
flow_changed (InkanRequestsView *self)
{
  InkanSealFlowState state = inkan_seal_flow_get_state (self->flow);
  gint64 id = self->sealing;

  update_spinner (self);
  if (state == INKAN_SEAL_FLOW_DONE)
    {
      g_autofree char *name = g_file_get_basename (inkan_seal_flow_get_output (self->flow));
      g_autofree char *message = NULL;

      /* The flow said the outcome in a toast and opened the sealed copy. */
      /* TRANSLATORS: "Request 12 is used: its document was sealed into supply-sealed.pdf." */
      message = g_strdup_printf (_("Request %" PRId64 " is used: its document was "
                                   "sealed into %s."), id, name);
      remember (self, message);
    }
  else if (state == INKAN_SEAL_FLOW_FAILED)
    {
      remember (self, inkan_seal_flow_get_error (self->flow));
      show_refusal (self, id, inkan_seal_flow_get_error (self->flow));
    }
  else if (state != INKAN_SEAL_FLOW_CANCELLED)
    return;
  set_state (self, INKAN_REQUESTS_IDLE);
  inkan_requests_view_reload (self);
}

static void
start_flow (InkanRequestsView *self,
            Found             *found)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (InkanSealItem) item = NULL;
  InkanSealStatus *status;
  InkanRect rect = { 0 };
  guint page;

  if (!GTK_IS_WINDOW (root) || store_path () == NULL || current_user () == NULL)
    {
      set_state (self, INKAN_REQUESTS_IDLE);
      return;
    }
  /* The request's placement; with none proposed, a rectangle of no size: the core's default. */
  page = MAX (found->request->page, 1);
  if (found->request->page > 0)
    {
      rect.x = found->request->rect[0];
      rect.y = found->request->rect[1];
      rect.width = found->request->rect[2];
      rect.height = found->request->rect[3];
    }
  /* The seal as the palette lists it for this document: usable under the approved request, so
   * the flow seals under it. */
  status = g_new0 (InkanSealStatus, 1);
  status->seal = g_steal_pointer (&found->seal);
  status->availability = INKAN_AVAILABILITY_USABLE;
  status->reason_code = -1;
  status->grant_id = found->grant_id;
  status->request = g_steal_pointer (&found->request);
  item = inkan_seal_item_new (status);

  clear_flow (self);
  self->sealing = status->request->id;
  self->flow = inkan_seal_flow_new (GTK_WINDOW (root), store_path (), current_user (),
                                    found->path, item, page, &rect);
  g_signal_connect_swapped (self->flow, "notify::state", G_CALLBACK (flow_changed), self);
  inkan_seal_flow_apply (self->flow);
}

void
inkan_requests_view_seal_shown (InkanRequestsView *self)
{
  const Entry *e;
  g_autoptr (GPtrArray) candidates = NULL;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  e = find_entry (self, self->shown, NULL);
  if (!can_seal (e) || self->state != INKAN_REQUESTS_IDLE || store_path () == NULL)
    return;
  clear_flow (self);
  show_refusal (self, 0, NULL);
  set_state (self, INKAN_REQUESTS_SEALING);
  candidates = gather_candidates (self, e);
  find_document (self, FIND_TO_SEAL, e->request->id, candidates, FALSE);
}

gboolean
inkan_requests_view_can_seal_shown (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), FALSE);
  return can_seal (find_entry (self, self->shown, NULL));
}

GtkButton *
inkan_requests_view_get_seal_button (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return self->seal_button;
}

const char *
inkan_requests_view_get_seal_refusal (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->seal_refusal_label))
           ? gtk_label_get_text (self->seal_refusal_label) : NULL;
}

InkanSealFlow *
inkan_requests_view_get_seal_flow (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return self->flow;
}

static void
seal_clicked (InkanRequestsView *self)
{
  inkan_requests_view_seal_shown (self);
}

/* ---- the object ------------------------------------------------------------------------------ */

static void
inkan_requests_view_dispose (GObject *object)
{
  InkanRequestsView *self = INKAN_REQUESTS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->pin_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->pin_dialog)));
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* A sealing under way stops here: its dialogs go, its worker's outcome is dropped. */
  if (self->flow != NULL)
    g_object_run_dispose (G_OBJECT (self->flow));
  clear_flow (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), INKAN_TYPE_REQUESTS_VIEW);

  G_OBJECT_CLASS (inkan_requests_view_parent_class)->dispose (object);
}

static void
inkan_requests_view_finalize (GObject *object)
{
  InkanRequestsView *self = INKAN_REQUESTS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->lists, lists_free);
  g_clear_pointer (&self->ticked, g_hash_table_unref);
  g_clear_pointer (&self->deciding, g_array_unref);
  g_free (self->comment);
  g_free (self->key_url);
  g_free (self->message);

  G_OBJECT_CLASS (inkan_requests_view_parent_class)->finalize (object);
}

static void
inkan_requests_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  InkanRequestsView *self = INKAN_REQUESTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_TO_APPROVE:
      g_value_set_uint (value, inkan_requests_view_get_n_to_approve (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inkan_requests_view_class_init (InkanRequestsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inkan_requests_view_dispose;
  object_class->finalize = inkan_requests_view_finalize;
  object_class->get_property = inkan_requests_view_get_property;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, INKAN_REQUESTS_IDLE,
                                             INKAN_REQUESTS_SEALING, INKAN_REQUESTS_IDLE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_TO_APPROVE] = g_param_spec_uint ("n-to-approve", NULL, NULL, 0, G_MAXUINT,
                                                     0, G_PARAM_READABLE
                                                          | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inkan/Inkan/ui/inkan-requests-view.ui");
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, stack);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, approve_page);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, mine_list);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, approve_list);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, approve_selected_button);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, detail_title);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, facts_list);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, approvals_list);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, decision_box);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, comment_entry);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, seal_button);
  gtk_widget_class_bind_template_child (widget_class, InkanRequestsView, seal_refusal_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, reload_clicked);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked);
  gtk_widget_class_bind_template_callback (widget_class, reject_clicked);
  gtk_widget_class_bind_template_callback (widget_class, approve_selected_clicked);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, seal_clicked);
}

static void
inkan_requests_view_init (InkanRequestsView *self)
{
  self->cancellable = g_cancellable_new ();
  self->ticked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->deciding = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
inkan_requests_view_new (void)
{
  return g_object_new (INKAN_TYPE_REQUESTS_VIEW, NULL);
}

InkanRequestsState
inkan_requests_view_get_state (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), INKAN_REQUESTS_IDLE);
  return self->state;
}

guint
inkan_requests_view_get_n_to_approve (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), 0);
  return self->lists != NULL ? self->lists->to_approve->len : 0;
}

guint
inkan_requests_view_get_n_mine (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), 0);
  return self->lists != NULL ? self->lists->mine->len : 0;
}

AdwViewStack *
inkan_requests_view_get_stack (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return self->stack;
}

AdwActionRow *
inkan_requests_view_find_row (InkanRequestsView *self,
                              gboolean           mine,
                              gint64             id)
{
  GtkListBox *list;

  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);

  list = mine ? self->mine_list : self->approve_list;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row)
        && (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "request-id")) == id)
      return ADW_ACTION_ROW (row);
  return NULL;
}

void
inkan_requests_view_set_selected (InkanRequestsView *self,
                                  gint64             id,
                                  gboolean           selected)
{
  AdwActionRow *row;
  GtkWidget *check;

  g_return_if_fail (INKAN_IS_REQUESTS_VIEW (self));

  row = inkan_requests_view_find_row (self, FALSE, id);
  check = row != NULL ? g_object_get_data (G_OBJECT (row), "check") : NULL;
  if (check != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), selected);
}

gint64
inkan_requests_view_get_shown_request (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), 0);
  return find_entry (self, self->shown, NULL) != NULL ? self->shown : 0;
}

GtkEditable *
inkan_requests_view_get_comment_entry (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return GTK_EDITABLE (self->comment_entry);
}

InkanPinDialog *
inkan_requests_view_get_pin_dialog (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return self->pin_dialog;
}

const char *
inkan_requests_view_get_message (InkanRequestsView *self)
{
  g_return_val_if_fail (INKAN_IS_REQUESTS_VIEW (self), NULL);
  return self->message;
}
