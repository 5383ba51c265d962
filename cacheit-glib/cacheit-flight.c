/* cacheit-flight.c: one HTTP request and its body, shared by the fetches of
 * every resource that asked for the same thing at the same time.
 *
 * A flight sends its message, reads the body (unless the answer is not a
 * success, or a 304) and tells each subscriber the outcome, in the main
 * context it was created in. Flights that may be shared are kept in a table
 * by key while they are in the air; a flight nobody listens to any more is
 * cancelled and leaves the table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-flight.h"
#include "cacheit-error.h"
#include "cacheit-gate.h"
#include "cacheit-reader.h"

/* The most of an error answer's body read: enough for any message. */
#define ERROR_BODY_MAX_SIZE (64 * 1024)

typedef struct
{
  guint              id;
  CacheitFlightFunc  func;
  gpointer           user_data;
  GDestroyNotify     destroy;
} Subscriber;

struct _CacheitFlight
{
  gatomicrefcount  ref_count;
  char            *key;          /* NULL: not shared. */
  GMainContext    *context;
  SoupSession     *session;
  SoupMessage     *message;
  GCancellable    *cancellable;
  guint64          max_size;
  GArray          *subscribers;  /* Subscriber */
  guint            next_id;

  CacheitGateTicket *ticket;     /* On a client's session. */
  GBytes          *request_body; /* Set again when sent again. */

  guint            done : 1;
  GError          *error;
  GBytes          *body;

  GMutex           decodes_lock;
  GHashTable      *decodes;      /* key → CacheitSharedDecode */
};

struct _CacheitSharedDecode
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GCond            cond;
  enum { DECODE_IDLE, DECODE_RUNNING, DECODE_DONE } state;
  gpointer         result;
  GDestroyNotify   result_free;
  GError          *error;
};

G_LOCK_DEFINE_STATIC (flights);
static GHashTable *flights;      /* key → CacheitFlight, not owned */

static void
flight_unregister (CacheitFlight *self)
{
  if (self->key == NULL)
    return;

  G_LOCK (flights);
  if (flights != NULL && g_hash_table_lookup (flights, self->key) == self)
    g_hash_table_remove (flights, self->key);
  G_UNLOCK (flights);
}

CacheitFlight *
_cacheit_flight_ref (CacheitFlight *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_cacheit_flight_unref (CacheitFlight *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_assert (self->subscribers->len == 0);
  flight_unregister (self);
  g_free (self->key);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->message);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ticket, _cacheit_gate_ticket_free);
  g_clear_pointer (&self->request_body, g_bytes_unref);
  g_clear_pointer (&self->subscribers, g_array_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->decodes, g_hash_table_unref);
  g_mutex_clear (&self->decodes_lock);
  g_free (self);
}

CacheitSharedDecode *
_cacheit_shared_decode_ref (CacheitSharedDecode *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_cacheit_shared_decode_unref (CacheitSharedDecode *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->result != NULL)
    self->result_free (self->result);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

CacheitSharedDecode *
_cacheit_flight_get_shared_decode (CacheitFlight *self,
                                   const char    *key)
{
  CacheitSharedDecode *decode;

  g_mutex_lock (&self->decodes_lock);
  if (self->decodes == NULL)
    self->decodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) _cacheit_shared_decode_unref);
  decode = g_hash_table_lookup (self->decodes, key);
  if (decode == NULL)
    {
      decode = g_new0 (CacheitSharedDecode, 1);
      g_atomic_ref_count_init (&decode->ref_count);
      g_mutex_init (&decode->lock);
      g_cond_init (&decode->cond);
      g_hash_table_insert (self->decodes, g_strdup (key), decode);
    }
  _cacheit_shared_decode_ref (decode);
  g_mutex_unlock (&self->decodes_lock);

  return decode;
}

gpointer
_cacheit_shared_decode_get (CacheitSharedDecode     *self,
                            CacheitSharedDecodeFunc  func,
                            gpointer                 user_data,
                            gpointer               (*ref) (gpointer),
                            GDestroyNotify           unref,
                            GError                 **error)
{
  gboolean run;

  g_mutex_lock (&self->lock);
  run = self->state == DECODE_IDLE;
  if (run)
    self->state = DECODE_RUNNING;
  g_mutex_unlock (&self->lock);

  if (run)
    {
      GError *local_error = NULL;
      gpointer result = func (user_data, &local_error);

      g_mutex_lock (&self->lock);
      self->result = result;
      self->result_free = unref;
      self->error = local_error;
      self->state = DECODE_DONE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  else
    {
      /* The thread running it is already at work: waiting cannot deadlock. */
      g_mutex_lock (&self->lock);
      while (self->state != DECODE_DONE)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
    }

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return NULL;
    }

  return ref (self->result);
}

char *
_cacheit_flight_key (GMainContext *context,
                     SoupSession  *session,
                     SoupMessage  *message,
                     guint64       max_size)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  g_autofree char *uri = g_uri_to_string (soup_message_get_uri (message));
  const char *etag = soup_message_headers_get_one (headers, "If-None-Match");
  const char *since = soup_message_headers_get_one (headers, "If-Modified-Since");

  return g_strdup_printf ("%p %p %" G_GUINT64_FORMAT "\n%s\n%s\n%s",
                          (gpointer) context, (gpointer) session, max_size,
                          etag != NULL ? etag : "", since != NULL ? since : "", uri);
}

CacheitFlight *
_cacheit_flight_lookup (const char *key)
{
  CacheitFlight *flight = NULL;

  G_LOCK (flights);
  if (flights != NULL)
    flight = g_hash_table_lookup (flights, key);
  if (flight != NULL)
    _cacheit_flight_ref (flight);
  G_UNLOCK (flights);

  return flight;
}

CacheitFlight *
_cacheit_flight_new (GMainContext *context,
                     SoupSession  *session,
                     SoupMessage  *message,
                     guint64       max_size,
                     const char   *key)
{
  CacheitFlight *self = g_new0 (CacheitFlight, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->context = g_main_context_ref (context);
  self->session = g_object_ref (session);
  self->message = g_object_ref (message);
  self->cancellable = g_cancellable_new ();
  self->max_size = max_size;
  self->subscribers = g_array_new (FALSE, FALSE, sizeof (Subscriber));
  self->next_id = 1;
  g_mutex_init (&self->decodes_lock);

  if (key != NULL)
    {
      self->key = g_strdup (key);
      G_LOCK (flights);
      if (flights == NULL)
        flights = g_hash_table_new (g_str_hash, g_str_equal);
      /* The newest flight for a key is the one to join. */
      g_hash_table_replace (flights, self->key, self);
      G_UNLOCK (flights);
    }

  return self;
}

CacheitFlight *
_cacheit_flight_new_alone (GMainContext *context,
                           SoupSession  *session,
                           SoupMessage  *message,
                           guint64       max_size,
                           GCancellable *cancellable)
{
  CacheitFlight *self = _cacheit_flight_new (context, session, message, max_size, NULL);

  g_set_object (&self->cancellable, cancellable);

  return self;
}

guint
_cacheit_flight_subscribe (CacheitFlight     *self,
                           CacheitFlightFunc  func,
                           gpointer           user_data,
                           GDestroyNotify     destroy)
{
  Subscriber subscriber = { self->next_id++, func, user_data, destroy };

  g_assert (!self->done);
  g_array_append_val (self->subscribers, subscriber);

  return subscriber.id;
}

static void
flight_unsubscribe (CacheitFlight *self,
                    guint          id)
{
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber subscriber = g_array_index (self->subscribers, Subscriber, i);

      if (subscriber.id != id)
        continue;

      g_array_remove_index (self->subscribers, i);

      /* Nobody wants it any more: stop it, and let nobody join it. */
      if (self->subscribers->len == 0 && !self->done)
        {
          flight_unregister (self);
          g_cancellable_cancel (self->cancellable);
        }

      if (subscriber.destroy != NULL)
        subscriber.destroy (subscriber.user_data);
      return;
    }
}

void
_cacheit_flight_leave (CacheitFlight **flight,
                       guint          *subscription)
{
  if (*subscription != 0)
    {
      guint id = *subscription;

      *subscription = 0;
      flight_unsubscribe (*flight, id);
    }
  g_clear_pointer (flight, _cacheit_flight_unref);
}

SoupMessage *
_cacheit_flight_get_message (CacheitFlight *self)
{
  return self->message;
}

const GError *
_cacheit_flight_get_error (CacheitFlight *self)
{
  return self->error;
}

GBytes *
_cacheit_flight_get_body (CacheitFlight *self)
{
  return self->body;
}

/* Ends the flight: every subscriber hears of it once, in subscription order. */
static void
flight_done (CacheitFlight *self,
             GError        *error,
             GBytes        *body)
{
  g_autoptr(GArray) subscribers = NULL;

  g_assert (!self->done);

  flight_unregister (self);
  self->done = TRUE;
  self->error = error;
  self->body = body;
  /* Its place among the host's requests is free. */
  g_clear_pointer (&self->ticket, _cacheit_gate_ticket_free);

  /* Subscribers may unsubscribe from, or start, other flights. */
  subscribers = g_steal_pointer (&self->subscribers);
  self->subscribers = g_array_new (FALSE, FALSE, sizeof (Subscriber));

  for (guint i = 0; i < subscribers->len; i++)
    {
      Subscriber *subscriber = &g_array_index (subscribers, Subscriber, i);

      subscriber->func (self, subscriber->user_data);
      if (subscriber->destroy != NULL)
        subscriber->destroy (subscriber->user_data);
    }

  /* Each subscriber that wanted the body took a reference to it, and to
   * the shared decoding it joined: the last one drops them in a worker
   * thread, not here. */
  g_clear_pointer (&self->body, g_bytes_unref);
  g_mutex_lock (&self->decodes_lock);
  g_clear_pointer (&self->decodes, g_hash_table_unref);
  g_mutex_unlock (&self->decodes_lock);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CacheitFlight) self = user_data;
  GError *error = NULL;
  GBytes *body;

  body = _cacheit_read_body_finish (G_INPUT_STREAM (object), result, &error);

  if (self->subscribers->len == 0)
    {
      g_clear_error (&error);
      g_clear_pointer (&body, g_bytes_unref);
      return;
    }

  flight_done (self, error, body);
}

/* The body of an error answer, read for the server's message: what could
 * not be read (too large, cut off) is no body, never another error. */
static void
error_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CacheitFlight) self = user_data;
  GBytes *body;

  body = _cacheit_read_body_finish (G_INPUT_STREAM (object), result, NULL);

  if (self->subscribers->len == 0)
    {
      g_clear_pointer (&body, g_bytes_unref);
      return;
    }

  flight_done (self, NULL, body);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CacheitFlight) self = user_data;

  g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);

  if (self->subscribers->len > 0)
    flight_done (self, NULL, NULL);
}

static gint64
content_length_hint (SoupMessage *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return -1;

  return soup_message_headers_get_content_length (headers);
}

static gboolean
body_is_compressed (SoupMessage *message)
{
  const char *coding = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                     "Content-Encoding");

  return coding != NULL && g_ascii_strcasecmp (coding, "identity") != 0;
}

static void resend_closed_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CacheitFlight) self = user_data;
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;
  guint status;
  gint64 hint;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  if (self->subscribers->len == 0)
    {
      g_clear_error (&error);
      return;
    }

  if (stream == NULL)
    {
      flight_done (self, error, NULL);
      return;
    }

  /* A client's gate may send it again: a 401 of the token it carried, a
   * rate limit. What the server said then is not read, and libsoup lets go
   * of the message once the body is closed. */
  if (self->ticket != NULL && _cacheit_gate_answered (self->ticket))
    {
      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, self->cancellable,
                                  resend_closed_cb, _cacheit_flight_ref (self));
      return;
    }

  /* A success has a body to decode, an error one that may say why
   * (GitHub's {"message": …}), read up to ERROR_BODY_MAX_SIZE; the rest is
   * told by status, once the body is closed without blocking (a stream
   * dropped unclosed would close itself, and wait for the body, on the
   * main thread). */
  status = soup_message_get_status (self->message);
  if (status >= 400 && status < 600)
    {
      hint = content_length_hint (self->message);
      _cacheit_read_body_async (stream, hint, MIN (self->max_size, ERROR_BODY_MAX_SIZE),
                                G_PRIORITY_DEFAULT, self->cancellable, error_read_cb,
                                _cacheit_flight_ref (self));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, self->cancellable,
                                  closed_cb, _cacheit_flight_ref (self));
      return;
    }

  hint = content_length_hint (self->message);
  if (hint >= 0 && (guint64) hint > self->max_size && !body_is_compressed (self->message))
    {
      /* Known to be too large: fail without reading a byte of it. */
      flight_done (self, g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE, ""), NULL);
      return;
    }

  _cacheit_read_body_async (stream, hint, self->max_size, G_PRIORITY_DEFAULT,
                            self->cancellable, read_cb, _cacheit_flight_ref (self));
}

static void
flight_send (CacheitFlight *self)
{
  g_main_context_push_thread_default (self->context);
  soup_session_send_async (self->session, self->message, G_PRIORITY_DEFAULT,
                           self->cancellable, send_cb, _cacheit_flight_ref (self));
  g_main_context_pop_thread_default (self->context);
}

/* The gate lets the message go, or says why it may not. */
static void
gate_ready_cb (GError   *error,
               gpointer  user_data)
{
  g_autoptr(CacheitFlight) self = user_data;

  if (self->subscribers->len == 0)
    {
      g_clear_error (&error);
      return;
    }

  if (error != NULL)
    {
      flight_done (self, error, NULL);
      return;
    }

  flight_send (self);
}

static void
resend_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CacheitFlight) self = user_data;

  g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);

  if (self->subscribers->len == 0)
    return;

  /* The body was read from its stream: a new stream of the same bytes. */
  if (self->request_body != NULL)
    soup_message_set_request_body_from_bytes (self->message, NULL, self->request_body);

  _cacheit_flight_ref (self);
  _cacheit_gate_wait (self->ticket);
}

void
_cacheit_flight_set_request_body (CacheitFlight *self,
                                  GBytes        *body)
{
  g_clear_pointer (&self->request_body, g_bytes_unref);
  self->request_body = body != NULL ? g_bytes_ref (body) : NULL;
}

void
_cacheit_flight_start (CacheitFlight *self)
{
  CacheitGate *gate = _cacheit_gate_of_session (self->session);

  if (gate == NULL)
    {
      flight_send (self);
      return;
    }

  /* gate_ready_cb() takes the reference of each wait (see resend_closed_cb()). */
  _cacheit_flight_ref (self);
  self->ticket = _cacheit_gate_enter (gate, self->message, self->context, self->cancellable,
                                      gate_ready_cb, self);
}
