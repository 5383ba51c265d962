/* cacheit-gate.h: what a client's requests wait for before they go: a
 * token, the end of a host's rate limit, a free place among the host's
 * requests.
 *
 * A gate belongs to a session (a client's): every flight on that session
 * (cacheit-flight.c), a fetch's or a write's, takes a ticket before it
 * sends, and tells the gate each answer, which may send it again. The
 * owner (cacheit-client.c) is known only by its hooks: the gate asks it for
 * a token, and tells it of a refused one and of rate limits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _CacheitGate       CacheitGate;
typedef struct _CacheitGateTicket CacheitGateTicket;

typedef struct
{
  /* Whether the owner has an authenticator: without one, requests go as
   * they are. */
  gboolean (* has_authenticator) (gpointer owner);
  /* Asks for a token (after a 401 of the last one: @refresh), which the
   * owner gives with _cacheit_gate_give_token(), at once or later. */
  void     (* ask_token)         (gpointer owner,
                                  gboolean refresh);
  /* A refresh failed, or the server refused a new token. */
  void     (* unauthorized)      (gpointer      owner,
                                  const GError *error);
  /* _cacheit_gate_dup_paused_until() changed. */
  void     (* rate_limit_changed) (gpointer owner);
} CacheitGateHooks;

/* The longest pause a waiting request sits out; a longer rate limit fails
 * the host's requests with CACHEIT_ERROR_RATE_LIMITED until it ends. */
#define CACHEIT_GATE_MAX_WAIT_MS (5 * 60 * 1000)

/* The owner's side. The hooks run in @context, never under the gate's lock. */
CacheitGate *_cacheit_gate_new             (GMainContext           *context,
                                            const CacheitGateHooks *hooks,
                                            gpointer                owner);
CacheitGate *_cacheit_gate_ref             (CacheitGate            *self);
void         _cacheit_gate_unref           (CacheitGate            *self);
/* The owner is gone: no more hooks; waiting requests go on as they can. */
void         _cacheit_gate_disown          (CacheitGate            *self);

/* Puts @self on @session (NULL: takes it off the one it is on). */
void         _cacheit_gate_attach          (CacheitGate            *self,
                                            SoupSession            *session);
/* Where tokens go: requests to the scheme, host and port of @uri. */
void         _cacheit_gate_set_origin      (CacheitGate            *self,
                                            GUri                   *uri);
/* The most requests in flight to one host (0: no limit). */
void         _cacheit_gate_set_max_per_host (CacheitGate           *self,
                                             guint                  max);
/* The answer to ask_token: a token, or an error (both NULL: the owner has
 * no token to give, and the requests waiting for one go without). */
void         _cacheit_gate_give_token      (CacheitGate            *self,
                                            const char             *token,
                                            const GError           *error);
/* Sign-out: the token is forgotten, the next request asks again. */
void         _cacheit_gate_forget_token    (CacheitGate            *self);
/* When the last rate limit in force ends, or NULL. */
GDateTime   *_cacheit_gate_dup_paused_until (CacheitGate           *self);

/* The flights' side. */

/* The gate of @session, or NULL (a session of no client). */
CacheitGate *_cacheit_gate_of_session      (SoupSession            *session);

/* @error NULL: @message may go now (with the token on it). Else it must
 * not, and never will: @error is the flight's, owned by the callee. */
typedef void (* CacheitGateReadyFunc) (GError   *error,
                                       gpointer  user_data);

/* Takes a ticket for @message, to be sent in @context: @ready runs once,
 * in @context, when it may go (perhaps at once, from here), or with an
 * error when it may not or @cancellable is cancelled first. */
CacheitGateTicket *_cacheit_gate_enter     (CacheitGate            *self,
                                            SoupMessage            *message,
                                            GMainContext           *context,
                                            GCancellable           *cancellable,
                                            CacheitGateReadyFunc    ready,
                                            gpointer                user_data);
/* The headers of the answer to the ticket's message are in: TRUE when the
 * message goes again (a 401 of the token it carried, a rate limit short
 * enough to wait for), once its body is closed: the caller then calls
 * _cacheit_gate_wait(). Its place among the host's requests is free. */
gboolean     _cacheit_gate_answered        (CacheitGateTicket      *ticket);
/* Waits again, first in line: @ready (given to _cacheit_gate_enter())
 * runs once more. */
void         _cacheit_gate_wait            (CacheitGateTicket      *ticket);
/* The exchange is over (or dropped): its place is free, @ready never runs
 * again. */
void         _cacheit_gate_ticket_free     (CacheitGateTicket      *ticket);

G_END_DECLS
