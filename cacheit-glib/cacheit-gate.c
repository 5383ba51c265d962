/* cacheit-gate.c: what a client's requests wait for before they go.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One line of waiting tickets per gate, in the order they came (a request
 * sent again after a 401 or a rate limit goes first). gate_pump() lets go
 * every ticket that may go now, in that order, and leaves the others in
 * place:
 *
 * - one that wants a token waits while there is none; the first such makes
 *   the gate ask its owner, once, for every request waiting meanwhile (one
 *   refresh for every 401 of the same token);
 * - one whose host is paused by a rate limit waits for its end, unless it
 *   is further away than CACHEIT_GATE_MAX_WAIT_MS: it then fails at once;
 * - one whose host has max-per-host requests in flight waits for one of
 *   them to end.
 *
 * Tickets come from any thread (each flight runs in the main context of its
 * resource), so the state is under a lock, and each ticket's callback runs
 * in its own context; the owner's hooks and the timer of rate limits run in
 * the gate's context. Nothing runs under the lock but the gate's own code.
 *
 * A token lives in memory only: on a request's Authorization header, never
 * in a log line, a file or an error message.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cacheit-gate.h"
#include "cacheit-error.h"
#include "cacheit-http.h"

/* How many times one request is sent again after a rate limit. */
#define MAX_RATE_RESENDS 3
/* The pause of a 429 that says for how long: 1 s, doubled at each resend. */
#define FALLBACK_PAUSE_MS 1000

typedef struct
{
  guint   active;             /* Requests in flight. */
  gint64  paused_until;       /* Real time, µs; 0: not paused. */
} Host;

struct _CacheitGate
{
  gatomicrefcount          ref_count;
  GMutex                   lock;
  GMainContext            *context;
  const CacheitGateHooks  *hooks;      /* NULL once disowned. */
  gpointer                 owner;
  GWeakRef                 session;

  char                    *origin;     /* Where tokens go. */
  guint                    max_per_host;

  char                    *token;      /* NULL: none yet, or refused. */
  guint                    generation; /* Of the token, counting each. */
  guint                    refused_generation;
  gboolean                 asking;
  gboolean                 refresh;    /* The last token was refused. */
  GError                  *refusal;    /* Why no token followed it. */

  GHashTable              *hosts;      /* origin → Host */
  GQueue                   waiting;    /* CacheitGateTicket, by link */
  GSource                 *timer;
  gint64                   timer_at;
};

struct _CacheitGateTicket
{
  CacheitGate          *gate;
  SoupMessage          *message;
  char                 *host;
  GMainContext         *context;
  GCancellable         *cancellable;
  GSource              *cancel_source;
  CacheitGateReadyFunc  ready;
  gpointer              user_data;
  GList                 link;        /* In gate->waiting while waiting. */
  GError               *error;       /* Why it may not go, on its way. */

  guint                 waiting : 1;
  guint                 holding : 1; /* Counted in its host's active. */
  guint                 wants_token : 1;
  guint                 auth_resent : 1;
  guint                 rate_resends;
  char                 *token;       /* The one it carried. */
  guint                 generation;
};

static GQuark
gate_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("cacheit-gate");
  return quark;
}

/* scheme://host:port, the port always written. */
static char *
origin_of (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  int port = g_uri_get_port (uri);

  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;

  return g_strdup_printf ("%s://%s:%d", scheme, g_uri_get_host (uri), port);
}

static Host *
host_get (CacheitGate *self,
          const char  *name)
{
  Host *host = g_hash_table_lookup (self->hosts, name);

  if (host == NULL)
    {
      host = g_new0 (Host, 1);
      g_hash_table_insert (self->hosts, g_strdup (name), host);
    }
  return host;
}

CacheitGate *
_cacheit_gate_new (GMainContext           *context,
                   const CacheitGateHooks *hooks,
                   gpointer                owner)
{
  CacheitGate *self = g_new0 (CacheitGate, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref (context);
  self->hooks = hooks;
  self->owner = owner;
  g_weak_ref_init (&self->session, NULL);
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->waiting);

  return self;
}

CacheitGate *
_cacheit_gate_ref (CacheitGate *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_cacheit_gate_unref (CacheitGate *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  /* Every ticket holds a reference: none is left. */
  g_assert (g_queue_is_empty (&self->waiting));
  if (self->timer != NULL)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  g_weak_ref_clear (&self->session);
  g_clear_pointer (&self->hosts, g_hash_table_unref);
  g_clear_pointer (&self->token, g_free);
  g_clear_error (&self->refusal);
  g_free (self->origin);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* The owner's hooks, in the gate's context */

typedef enum { HOOK_ASK, HOOK_UNAUTHORIZED, HOOK_RATE_LIMIT } Hook;

typedef struct
{
  CacheitGate *gate;
  Hook         hook;
  gboolean     refresh;
  GError      *error;
} HookCall;

static gboolean
hook_cb (gpointer user_data)
{
  HookCall *call = user_data;
  CacheitGate *self = call->gate;
  const CacheitGateHooks *hooks;
  gpointer owner;

  /* The owner disowns the gate in its own context, this one. */
  g_mutex_lock (&self->lock);
  hooks = self->hooks;
  owner = self->owner;
  g_mutex_unlock (&self->lock);

  if (hooks != NULL)
    switch (call->hook)
      {
      case HOOK_ASK:
        hooks->ask_token (owner, call->refresh);
        break;
      case HOOK_UNAUTHORIZED:
        hooks->unauthorized (owner, call->error);
        break;
      case HOOK_RATE_LIMIT:
        hooks->rate_limit_changed (owner);
        break;
      default:
        g_assert_not_reached ();
      }
  else if (call->hook == HOOK_ASK)
    _cacheit_gate_give_token (self, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static void
hook_call_free (gpointer data)
{
  HookCall *call = data;

  _cacheit_gate_unref (call->gate);
  g_clear_error (&call->error);
  g_free (call);
}

static void
call_hook (CacheitGate  *self,
           Hook          hook,
           gboolean      refresh,
           const GError *error)
{
  HookCall *call = g_new0 (HookCall, 1);

  call->gate = _cacheit_gate_ref (self);
  call->hook = hook;
  call->refresh = refresh;
  call->error = error != NULL ? g_error_copy (error) : NULL;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, hook_cb, call, hook_call_free);
}

/* The tickets' callbacks, in their contexts */

typedef struct
{
  CacheitGateReadyFunc  ready;
  gpointer              user_data;
  GError               *error;
} ReadyCall;

static gboolean
ready_cb (gpointer user_data)
{
  ReadyCall *call = user_data;

  call->ready (g_steal_pointer (&call->error), call->user_data);
  return G_SOURCE_REMOVE;
}

static void
ready_call_free (gpointer data)
{
  ReadyCall *call = data;

  g_clear_error (&call->error);
  g_free (call);
}

/* @ticket is out of the line: its callback runs, with @error or not. */
static void
ticket_go (CacheitGateTicket *ticket,
           GError            *error)
{
  ReadyCall *call = g_new0 (ReadyCall, 1);

  if (ticket->cancel_source != NULL)
    g_source_destroy (ticket->cancel_source);
  g_clear_pointer (&ticket->cancel_source, g_source_unref);

  call->ready = ticket->ready;
  call->user_data = ticket->user_data;
  call->error = error;
  g_main_context_invoke_full (ticket->context, G_PRIORITY_DEFAULT, ready_cb, call, ready_call_free);
}

/* The line */

static gboolean timer_cb (gpointer user_data);

/* Under the lock: the timer fires at the next end of a rate limit. */
static void
schedule_timer (CacheitGate *self,
                gint64       now)
{
  GHashTableIter iter;
  Host *host;
  gint64 next = 0;

  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &host))
    if (host->paused_until > now && (next == 0 || host->paused_until < next))
      next = host->paused_until;

  if (self->timer != NULL && self->timer_at == next)
    return;
  if (self->timer != NULL)
    g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  self->timer_at = next;
  if (next == 0)
    return;

  /* Rounded up: the limit is over when it fires. */
  self->timer = g_timeout_source_new ((guint) MIN ((next - now + 999) / 1000, G_MAXUINT));
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_static_name (self->timer, "[cacheit] a rate limit ends");
  g_source_attach (self->timer, self->context);
}

static GError *
rate_limited_error (const char *host,
                    gint64      until)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (until / G_USEC_PER_SEC);
  g_autofree char *time = g_date_time_format (when, "%X");

  return g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_RATE_LIMITED,
                      _("%s limits the rate of requests: none is sent until %s"), host, time);
}

/* Lets go, in order, every waiting ticket that may go now. */
static void
gate_pump (CacheitGate *self)
{
  g_autoptr(GPtrArray) going = g_ptr_array_new ();
  gint64 now = g_get_real_time ();
  gboolean ask = FALSE;
  gboolean refresh = FALSE;
  GList *l, *next;

  g_mutex_lock (&self->lock);
  for (l = self->waiting.head; l != NULL; l = next)
    {
      CacheitGateTicket *ticket = l->data;
      Host *host;

      next = l->next;

      host = host_get (self, ticket->host);
      if (ticket->wants_token && self->token == NULL && self->refusal != NULL &&
          ticket->generation == self->generation)
        {
          /* Its 401 came after the refresh of its token failed: that one
           * answer is for every request refused with that token. */
          ticket->error = g_error_copy (self->refusal);
        }
      else if (ticket->wants_token && self->token == NULL)
        {
          if (!self->asking)
            {
              self->asking = ask = TRUE;
              refresh = self->refresh;
            }
          continue;
        }
      else if (host->paused_until > now)
        {
          if (host->paused_until - now <= (gint64) CACHEIT_GATE_MAX_WAIT_MS * 1000)
            continue;
          ticket->error = rate_limited_error (ticket->host, host->paused_until);
        }
      else if (self->max_per_host > 0 && host->active >= self->max_per_host)
        continue;
      else
        {
          host->active++;
          ticket->holding = TRUE;
          g_clear_pointer (&ticket->token, g_free);
          if (ticket->wants_token)
            {
              g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

              soup_message_headers_replace (soup_message_get_request_headers (ticket->message),
                                            "Authorization", value);
              ticket->token = g_strdup (self->token);
              ticket->generation = self->generation;
            }
        }

      g_queue_unlink (&self->waiting, l);
      ticket->waiting = FALSE;
      g_ptr_array_add (going, ticket);
    }
  schedule_timer (self, now);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < going->len; i++)
    {
      CacheitGateTicket *ticket = g_ptr_array_index (going, i);

      ticket_go (ticket, g_steal_pointer (&ticket->error));
    }

  if (ask)
    call_hook (self, HOOK_ASK, refresh, NULL);
}

static gboolean
timer_cb (gpointer user_data)
{
  CacheitGate *self = user_data;

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->timer, g_source_unref);
  self->timer_at = 0;
  g_mutex_unlock (&self->lock);

  gate_pump (self);
  call_hook (self, HOOK_RATE_LIMIT, FALSE, NULL);

  return G_SOURCE_REMOVE;
}

/* The owner's side */

void
_cacheit_gate_disown (CacheitGate *self)
{
  g_mutex_lock (&self->lock);
  self->hooks = NULL;
  self->owner = NULL;
  g_mutex_unlock (&self->lock);

  /* A request waiting for a token would wait for ever. */
  _cacheit_gate_give_token (self, NULL, NULL);
  _cacheit_gate_attach (self, NULL);
}

void
_cacheit_gate_attach (CacheitGate *self,
                      SoupSession *session)
{
  g_autoptr(SoupSession) old = g_weak_ref_get (&self->session);

  if (old == session)
    return;

  if (old != NULL && g_object_get_qdata (G_OBJECT (old), gate_quark ()) == self)
    g_object_set_qdata (G_OBJECT (old), gate_quark (), NULL);
  g_weak_ref_set (&self->session, session);
  if (session != NULL)
    g_object_set_qdata_full (G_OBJECT (session), gate_quark (), _cacheit_gate_ref (self),
                             (GDestroyNotify) _cacheit_gate_unref);
}

void
_cacheit_gate_set_origin (CacheitGate *self,
                          GUri        *uri)
{
  g_autofree char *origin = uri != NULL ? origin_of (uri) : NULL;

  g_mutex_lock (&self->lock);
  g_free (self->origin);
  self->origin = g_steal_pointer (&origin);
  g_mutex_unlock (&self->lock);
}

void
_cacheit_gate_set_max_per_host (CacheitGate *self,
                                guint        max)
{
  g_mutex_lock (&self->lock);
  self->max_per_host = max;
  g_mutex_unlock (&self->lock);

  gate_pump (self);
}

void
_cacheit_gate_give_token (CacheitGate  *self,
                          const char   *token,
                          const GError *error)
{
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();
  g_autoptr(GError) refused = NULL;

  g_mutex_lock (&self->lock);
  self->asking = FALSE;
  if (token != NULL)
    {
      g_free (self->token);
      self->token = g_strdup (token);
      self->generation++;
      self->refresh = FALSE;
      g_clear_error (&self->refusal);
    }
  else
    {
      if (error != NULL)
        {
          refused = g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED,
                                 _("Could not get a token: %s"), error->message);
          g_clear_error (&self->refusal);
          self->refusal = g_error_copy (refused);
        }

      /* No token to give: those waiting for one fail, or go without. */
      for (GList *l = self->waiting.head, *next; l != NULL; l = next)
        {
          CacheitGateTicket *ticket = l->data;

          next = l->next;
          if (!ticket->wants_token)
            continue;
          ticket->wants_token = FALSE;
          if (refused == NULL)
            continue;
          g_queue_unlink (&self->waiting, l);
          ticket->waiting = FALSE;
          ticket->error = g_error_copy (refused);
          g_ptr_array_add (failed, ticket);
        }
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < failed->len; i++)
    {
      CacheitGateTicket *ticket = g_ptr_array_index (failed, i);

      ticket_go (ticket, g_steal_pointer (&ticket->error));
    }
  if (refused != NULL)
    call_hook (self, HOOK_UNAUTHORIZED, FALSE, refused);

  gate_pump (self);
}

void
_cacheit_gate_forget_token (CacheitGate *self)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->token, g_free);
  g_clear_error (&self->refusal);
  self->generation++;
  self->refresh = FALSE;
  g_mutex_unlock (&self->lock);
}

GDateTime *
_cacheit_gate_dup_paused_until (CacheitGate *self)
{
  gint64 now = g_get_real_time ();
  gint64 until = 0;
  GHashTableIter iter;
  Host *host;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &host))
    if (host->paused_until > now)
      until = MAX (until, host->paused_until);
  g_mutex_unlock (&self->lock);

  if (until == 0)
    return NULL;

  return g_date_time_new_from_unix_local (until / G_USEC_PER_SEC);
}

/* The flights' side */

CacheitGate *
_cacheit_gate_of_session (SoupSession *session)
{
  return g_object_get_qdata (G_OBJECT (session), gate_quark ());
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  CacheitGateTicket *ticket = user_data;
  CacheitGate *self = ticket->gate;
  gboolean was_waiting;

  g_mutex_lock (&self->lock);
  was_waiting = ticket->waiting;
  if (was_waiting)
    {
      g_queue_unlink (&self->waiting, &ticket->link);
      ticket->waiting = FALSE;
    }
  g_mutex_unlock (&self->lock);

  if (was_waiting)
    ticket_go (ticket, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            _("Operation was cancelled")));

  return G_SOURCE_REMOVE;
}

/* Into the line: last, or (sent again) first. */
static void
ticket_wait (CacheitGateTicket *ticket,
             gboolean           first)
{
  CacheitGate *self = ticket->gate;

  if (ticket->cancellable != NULL && ticket->cancel_source == NULL)
    {
      ticket->cancel_source = g_cancellable_source_new (ticket->cancellable);
      g_source_set_callback (ticket->cancel_source, G_SOURCE_FUNC (cancelled_cb), ticket, NULL);
      g_source_set_static_name (ticket->cancel_source, "[cacheit] a waiting request is cancelled");
      g_source_attach (ticket->cancel_source, ticket->context);
    }

  g_mutex_lock (&self->lock);
  g_assert (!ticket->waiting);
  ticket->waiting = TRUE;
  if (first)
    g_queue_push_head_link (&self->waiting, &ticket->link);
  else
    g_queue_push_tail_link (&self->waiting, &ticket->link);
  g_mutex_unlock (&self->lock);

  gate_pump (self);
}

CacheitGateTicket *
_cacheit_gate_enter (CacheitGate          *self,
                     SoupMessage          *message,
                     GMainContext         *context,
                     GCancellable         *cancellable,
                     CacheitGateReadyFunc  ready,
                     gpointer              user_data)
{
  CacheitGateTicket *ticket = g_new0 (CacheitGateTicket, 1);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  const CacheitGateHooks *hooks;
  gpointer owner;

  ticket->gate = _cacheit_gate_ref (self);
  ticket->message = g_object_ref (message);
  ticket->host = origin_of (soup_message_get_uri (message));
  ticket->context = g_main_context_ref (context);
  ticket->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  ticket->ready = ready;
  ticket->user_data = user_data;
  ticket->link.data = ticket;
  /* It carried no token yet. */
  ticket->generation = G_MAXUINT;

  g_mutex_lock (&self->lock);
  hooks = self->hooks;
  owner = self->owner;
  /* Tokens go to the client's own origin only, and never over what the
   * application put on the request itself. */
  ticket->wants_token = self->origin != NULL && g_str_equal (self->origin, ticket->host) &&
                        soup_message_headers_get_one (headers, "Authorization") == NULL;
  g_mutex_unlock (&self->lock);

  if (ticket->wants_token)
    ticket->wants_token = hooks != NULL && hooks->has_authenticator (owner);

  ticket_wait (ticket, FALSE);

  return ticket;
}

void
_cacheit_gate_wait (CacheitGateTicket *ticket)
{
  ticket_wait (ticket, TRUE);
}

/* Under the lock. */
static void
ticket_release (CacheitGateTicket *ticket)
{
  if (!ticket->holding)
    return;

  host_get (ticket->gate, ticket->host)->active--;
  ticket->holding = FALSE;
}

gboolean
_cacheit_gate_answered (CacheitGateTicket *ticket)
{
  CacheitGate *self = ticket->gate;
  SoupMessage *message = ticket->message;
  guint status = soup_message_get_status (message);
  g_autoptr(GError) refused = NULL;
  gboolean again = FALSE;
  gboolean limited = FALSE;

  g_mutex_lock (&self->lock);
  ticket_release (ticket);

  if (status == SOUP_STATUS_UNAUTHORIZED && ticket->token != NULL)
    {
      if (!ticket->auth_resent)
        {
          /* The token it carried is refused: the first such 401 drops it,
           * and the next ticket asks for a new one, for all. */
          ticket->auth_resent = TRUE;
          again = TRUE;
          if (g_strcmp0 (self->token, ticket->token) == 0)
            {
              g_clear_pointer (&self->token, g_free);
              self->refresh = TRUE;
            }
        }
      else if (self->refused_generation != ticket->generation)
        {
          /* Refused again, with a new token: told once per token. */
          self->refused_generation = ticket->generation;
          refused = g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED,
                                 _("%s refused the new token"), ticket->host);
        }
    }
  else
    {
      gint64 pause = _cacheit_http_rate_limit_ms (status, soup_message_get_response_headers (message), NULL,
                                                  (gint64) FALLBACK_PAUSE_MS << MIN (ticket->rate_resends, 6));

      if (pause >= 0)
        {
          Host *host = host_get (self, ticket->host);

          host->paused_until = MAX (host->paused_until, g_get_real_time () + pause * 1000);
          limited = TRUE;
          if (pause <= CACHEIT_GATE_MAX_WAIT_MS && ticket->rate_resends < MAX_RATE_RESENDS)
            {
              ticket->rate_resends++;
              again = TRUE;
            }
        }
    }
  g_mutex_unlock (&self->lock);

  if (refused != NULL)
    call_hook (self, HOOK_UNAUTHORIZED, FALSE, refused);
  if (limited)
    call_hook (self, HOOK_RATE_LIMIT, FALSE, NULL);
  gate_pump (self);

  return again;
}

void
_cacheit_gate_ticket_free (CacheitGateTicket *ticket)
{
  CacheitGate *self = ticket->gate;
  gboolean freed;

  g_mutex_lock (&self->lock);
  if (ticket->waiting)
    g_queue_unlink (&self->waiting, &ticket->link);
  ticket->waiting = FALSE;
  freed = ticket->holding;
  ticket_release (ticket);
  g_mutex_unlock (&self->lock);

  if (ticket->cancel_source != NULL)
    g_source_destroy (ticket->cancel_source);
  g_clear_pointer (&ticket->cancel_source, g_source_unref);

  if (freed)
    gate_pump (self);

  g_clear_error (&ticket->error);
  g_clear_pointer (&ticket->token, g_free);
  g_clear_object (&ticket->cancellable);
  g_main_context_unref (ticket->context);
  g_free (ticket->host);
  g_object_unref (ticket->message);
  _cacheit_gate_unref (self);
  g_free (ticket);
}
