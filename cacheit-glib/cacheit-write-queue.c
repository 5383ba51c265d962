/* cacheit-write-queue.c: the writes of a resource, sent one at a time.
 *
 * A write (a save, a create, a destroy) shows its change at once, then waits
 * its turn: the writes of one resource go to the server one at a time, in
 * the order they were made, so that the server applies them in that order.
 * Each attempt is one request in a flight of its own: the flight sends it
 * and reads the answer, and write_flight_cb() decides. A write that fails
 * rolls its change back; one the server accepted commits the answer. While
 * any write waits, the resource applies no fetch response: the epoch moves
 * on whenever a write is queued or ends, and a fetch answered at another
 * epoch asks again (see fetch_outdated() in cacheit-resource.c).
 *
 * A write is never sent again without its body: see write_restarted_cb().
 *
 * Each answer that says no error (below 400) may mean the server applied the
 * write: it invalidates its URL, and the same-origin URLs of its Location
 * and Content-Location, for every resource of the process and on disk
 * (RFC 9111, 4.4; write_invalidates()). The writer's own data is then
 * spared by the resource (_cacheit_freshness_wrote(), docs/freshness.md).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cacheit-write-queue.h"
#include "cacheit-decode.h"
#include "cacheit-dispatch.h"
#include "cacheit-error.h"
#include "cacheit-error-private.h"
#include "cacheit-flight.h"
#include "cacheit-http.h"
#include "cacheit-invalidation.h"
#include "cacheit-resource-snapshot.h"

typedef struct
{
  CacheitWriteQueue     *queue;
  const CacheitWriteOps *ops;
  gpointer               data;
  GTask                 *task;
  GSource               *cancel_source;
  char                  *root_pointer;
  char                  *error_message_pointer;
  GApplication          *application;   /* Held until it is answered. */
  GList                  link;          /* In CacheitWriteQueue.writes. */
  /* What every attempt sends whole: the method and the body (NULL for none). */
  char                  *method;
  GBytes                *body;
  /* The current attempt: its message, and the flight that sends it. */
  SoupMessage           *message;
  CacheitFlight         *flight;
  guint                  subscription;
  /* The attempts' cancellable: the caller's cancels it, and so does a
   * restart of libsoup's that the library refuses (write_restarted_cb()). */
  GCancellable          *cancellable;
  gulong                 cancelled_id;
  guint                  n_redirects;   /* 307s and 308s followed. */
  guint                  sent : 1;
  guint                  resent : 1;    /* This attempt was sent again whole. */
  guint                  lost : 1;      /* Its connection was lost, and it was not sent again. */
} Write;

static void write_send_next (CacheitWriteQueue *self);
static void write_send      (Write             *write,
                             GUri              *uri);

void
_cacheit_write_queue_init (CacheitWriteQueue            *self,
                           CacheitResource              *owner,
                           const CacheitWriteQueueHooks *hooks,
                           GMainContext                 *context)
{
  self->owner = owner;
  self->hooks = hooks;
  self->context = context;
  g_queue_init (&self->writes);
  self->n_item_writes = 0;
  self->epoch = 0;
}

gboolean
_cacheit_write_queue_busy (CacheitWriteQueue *self)
{
  return !g_queue_is_empty (&self->writes) || self->n_item_writes > 0;
}

gboolean
_cacheit_write_queue_has_own (CacheitWriteQueue *self)
{
  return !g_queue_is_empty (&self->writes);
}

guint
_cacheit_write_queue_get_epoch (CacheitWriteQueue *self)
{
  return self->epoch;
}

void
_cacheit_write_queue_foreach (CacheitWriteQueue *self,
                              GFunc              func,
                              gpointer           user_data)
{
  for (GList *l = self->writes.head; l != NULL; l = l->next)
    func (((Write *) l->data)->data, user_data);
}

/* The resource @write is made for: see CacheitWriteQueueHooks. */
static CacheitResource *
write_target (Write *write)
{
  return (CacheitResource *) g_task_get_source_object (write->task);
}

static void
changed (CacheitWriteQueue *self,
         gboolean           was_saving)
{
  /* A fetch answered across a write is not applied. */
  self->epoch++;
  self->hooks->changed (self->owner, was_saving);
}

/* The caller's cancellable is no longer watched: the write left the queue,
 * or it is in flight and its request hears of a cancellation itself. */
static void
write_stop_watching (Write *write)
{
  if (write->cancel_source == NULL)
    return;

  g_source_destroy (write->cancel_source);
  g_clear_pointer (&write->cancel_source, g_source_unref);
}

static void
write_detach (Write *write)
{
  _cacheit_flight_leave (&write->flight, &write->subscription);
  if (write->message != NULL)
    g_signal_handlers_disconnect_by_data (write->message, write);
  g_clear_object (&write->message);
}

/* Ends @write, which must be in the queue: with @error its change is rolled
 * back, else @result (nullable) is what its caller gets. */
static void
write_finish (Write   *write,
              GError  *error,
              GObject *result)
{
  CacheitWriteQueue *self = write->queue;
  /* The write's reference: the owner, which embeds the queue, lives on
   * until the next write is sent. */
  G_GNUC_UNUSED g_autoptr(CacheitResource) owner = self->owner;
  g_autoptr(GTask) task = g_steal_pointer (&write->task);
  GApplication *application;
  gboolean was_in_flight = write->sent;

  g_queue_unlink (&self->writes, &write->link);
  write_stop_watching (write);

  if (error != NULL)
    write->ops->rollback (self->owner, write->data);

  changed (self, TRUE);

  /* Before the caller hears of it: :saving of an item is FALSE by then. */
  if (write->ops->data_free != NULL)
    write->ops->data_free (write->data);
  write_detach (write);
  g_free (write->method);
  g_free (write->root_pointer);
  g_free (write->error_message_pointer);
  g_clear_pointer (&write->body, g_bytes_unref);
  if (write->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), write->cancelled_id);
  g_clear_object (&write->cancellable);
  /* Released once the caller heard of it. */
  application = g_steal_pointer (&write->application);
  g_free (write);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (result != NULL)
    g_task_return_pointer (task, result, g_object_unref);
  else
    g_task_return_boolean (task, TRUE);

  _cacheit_application_release (&application);

  if (was_in_flight)
    write_send_next (self);
}

/* RFC 9111, 4.4: the answer to @write's current attempt did not say it
 * failed (or its DELETE sent again found what it deleted gone): its URL,
 * and the same-origin URLs of its Location and Content-Location, are
 * invalidated for every resource of the process (cacheit-invalidation.h),
 * and their snapshots on disk expire. */
static void
write_invalidates (Write *write)
{
  g_auto(GStrv) keys = _cacheit_invalidation_mark_answer (write->message);

  _cacheit_resource_snapshot_expire (write_target (write), write->queue->context,
                                     (const char *const *) keys);
}

/* Errors of the worker side name no URL: this gives them the write's. */
static GError *
wrap_error (GError     *error,
            const char *safe_url)
{
  GError *wrapped;

  if (error->domain != CACHEIT_ERROR)
    return error;

  wrapped = _cacheit_error_new_for_url (error->code, safe_url, error->message);
  g_error_free (error);

  return wrapped;
}

/* The server answered @write with @body (NULL, with @error, when it could not
 * be read). */
static void
write_answered (Write  *write,
                GBytes *body,
                GError *error)
{
  CacheitWriteQueue *self = write->queue;
  CacheitResource *owner = self->owner;
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (write->message));
  g_autofree char *safe_url = _cacheit_uri_to_safe_string (url);
  g_autoptr(JsonNode) answer = NULL;
  guint status = soup_message_get_status (write->message);
  GObject *created = NULL;
  gsize length = 0;
  const char *data;

  self->hooks->answered (owner, write_target (write), write->message);

  /* A DELETE the library sent again after its connection was lost (see
   * write_restarted_cb()) finds nothing to delete when the first one was
   * applied: what it asked for is done. */
  if (write->resent && g_strcmp0 (write->method, SOUP_METHOD_DELETE) == 0 &&
      (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE))
    {
      g_clear_error (&error);
      write_invalidates (write);
      write_finish (write, NULL, write->ops->commit (owner, write->data, NULL));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_clear_error (&error);
      /* A 303 (not followed: it would turn the write into a GET) is the
       * indirect answer to a request the server handled (RFC 9110, 15.4.4):
       * it may have applied it. */
      if (status == SOUP_STATUS_SEE_OTHER)
        self->hooks->invalidate (owner);
      write_finish (write, _cacheit_http_error_for_answer (safe_url, status,
                                                           soup_message_get_reason_phrase (write->message),
                                                           body, write->error_message_pointer),
                    NULL);
      return;
    }

  /* The answer: the object the server made of it, if it sent one. */
  data = body != NULL ? g_bytes_get_data (body, &length) : NULL;
  if (length > 0 && status != SOUP_STATUS_NO_CONTENT)
    {
      answer = _cacheit_decode_node (data, length, write->root_pointer, CACHEIT_SHAPE_OBJECT, &error);
      if (answer == NULL && write->root_pointer != NULL && *write->root_pointer != '\0')
        {
          g_clear_error (&error);
          answer = _cacheit_decode_node (data, length, NULL, CACHEIT_SHAPE_OBJECT, &error);
        }
    }

  /* The server took a create, but its answer, which would give the new
   * item its id, cannot be read: no item is made of it (it could not be
   * saved, destroyed or found), and the next fetch brings the server's. */
  if (error != NULL && write->ops->needs_answer != NULL &&
      write->ops->needs_answer (owner, write->data))
    {
      self->hooks->invalidate (owner);
      write_finish (write, wrap_error (error, safe_url), NULL);
      return;
    }

  created = write->ops->commit (owner, write->data, answer != NULL ? json_node_get_object (answer) : NULL);

  if (error != NULL)
    {
      /* The server took the change, but its answer could not be read or is
       * not an object: the change stays, and the data is revalidated on the
       * next fetch. */
      g_clear_object (&created);
      self->hooks->invalidate (owner);
      write_finish (write, wrap_error (error, safe_url), NULL);
      return;
    }

  write_finish (write, NULL, created);
}

/* The current attempt's flight is done: a transport error, or an answer. */
static void
write_flight_cb (CacheitFlight *flight,
                 gpointer       user_data)
{
  Write *write = user_data;
  const GError *flight_error = _cacheit_flight_get_error (flight);
  GBytes *body = _cacheit_flight_get_body (flight);
  guint status = soup_message_get_status (write->message);
  GError *error = NULL;

  /* The flight is done with us: nothing to unsubscribe from. */
  write->subscription = 0;

  /* A body is read only after a success: an error before is the request's. */
  if (flight_error != NULL && !SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      /* A restart the library refused: its own cancellable stopped it,
       * but what happened is that the connection was lost. */
      if (write->lost && !g_cancellable_is_cancelled (g_task_get_cancellable (write->task)))
        {
          g_autofree char *url = g_uri_to_string_partial (soup_message_get_uri (write->message),
                                                          G_URI_HIDE_PASSWORD);
          g_autofree char *safe_url = _cacheit_uri_to_safe_string (url);

          /* Translators: %s is a URL. */
          error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                               _("The connection to %s was lost before it answered"), safe_url);
        }
      else
        error = g_error_copy (flight_error);
      write->queue->hooks->invalidate (write->queue->owner);
      write_finish (write, error, NULL);
      return;
    }

  /* An answer (one followed below included) that is no error may mean the
   * server applied the write. */
  if (_cacheit_invalidation_status_invalidates (status))
    write_invalidates (write);

  /* A 307 or 308 asks for the same request at another URL: sent again,
   * whole, up to a few times; after that the answer is a failure. */
  if (_cacheit_http_status_resends (status) && write->n_redirects < CACHEIT_HTTP_MAX_WRITE_REDIRECTS)
    {
      g_autoptr(GUri) uri = _cacheit_http_redirect_uri (write->message, &error);

      if (uri == NULL)
        {
          write_finish (write, error, NULL);
          return;
        }

      write->n_redirects++;
      write_send (write, uri);
      return;
    }

  write_answered (write, body, flight_error != NULL ? g_error_copy (flight_error) : NULL);
}

/* libsoup 3.2.3 (and its main branch as of this writing) sends a request
 * again by itself when the connection it reused was closed before any byte
 * of the answer came (request_is_restartable() in
 * libsoup/http1/soup-client-message-io-http1.c, for the methods of
 * SOUP_METHOD_IS_IDEMPOTENT(): PUT and DELETE among writes; the same for
 * HTTP/2), and emits SoupMessage::restarted. soup_message_restarted()
 * (soup-message.c) drops the request body first, and
 * soup_session_send_queue_item() (soup-session.c) then sends a PUT or POST
 * without one as Content-Length: 0: a PUT whose connection was lost after
 * the server applied it is applied again, empty (json-server made the
 * object {"id": 1}). A restart for authentication (401, 407) drops the
 * body too. So every restart of a write comes here, and the library
 * decides: a write the server refused (an answer came) goes again whole;
 * one whose connection was lost goes again whole, once, on a new
 * connection, only if it is idempotent (RFC 9110, 9.2.2); otherwise the
 * restart is stopped through the write's own cancellable (libsoup checks
 * it before it connects or writes anything) and the write fails as lost.
 * Tested by /cacheit/save/lost/... in tests/test-save.c and by
 * tests/integration/test-json-server-save.py behind a proxy. */
static void
write_restarted_cb (SoupMessage *message,
                    Write       *write)
{
  /* Connected before the session's own handler, which clears the answer:
   * a status of 0 means no answer came. */
  if (soup_message_get_status (message) == SOUP_STATUS_NONE)
    {
      if (write->resent || !_cacheit_http_method_idempotent (write->method))
        {
          write->lost = TRUE;
          g_cancellable_cancel (write->cancellable);
          return;
        }

      write->resent = TRUE;
      soup_message_add_flags (message, SOUP_MESSAGE_NEW_CONNECTION);
    }

  if (write->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", write->body);
}

static void
chain_cancelled_cb (GCancellable *cancellable,
                    GCancellable *chained)
{
  g_cancellable_cancel (chained);
}

/* Makes one attempt of @write: a new message to @uri, sent whole, in a
 * flight of its own. */
static void
write_send (Write *write,
            GUri  *uri)
{
  CacheitWriteQueue *self = write->queue;
  SoupMessageHeaders *headers;
  SoupSession *session;
  guint64 max_size = G_MAXUINT64;
  const char *error_message_pointer = NULL;

  write_detach (write);
  write->resent = FALSE;

  write->message = soup_message_new_from_uri (write->method, uri);
  /* libsoup would follow a 301, 302 or 303 as a GET, without the body, and
   * no 307 or 308 of a write: the library follows 307 and 308 itself
   * (write_flight_cb()), and the others are answers. */
  soup_message_add_flags (write->message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (write->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (write->body != NULL)
    soup_message_set_request_body_from_bytes (write->message, "application/json", write->body);

  /* Before the session connects its own. */
  g_signal_connect (write->message, "restarted", G_CALLBACK (write_restarted_cb), write);

  /* As for a fetch: a handler may add headers (Authorization), on each
   * request, a redirected one too. */
  session = self->hooks->request (write_target (write), write->message, &max_size, &error_message_pointer);
  g_free (write->error_message_pointer);
  write->error_message_pointer = g_strdup (error_message_pointer);

  write->flight = _cacheit_flight_new_alone (self->context, session, write->message, max_size,
                                             write->cancellable);
  _cacheit_flight_set_request_body (write->flight, write->body);
  write->subscription = _cacheit_flight_subscribe (write->flight, write_flight_cb, write, NULL);
  _cacheit_flight_start (write->flight);
}

/* Sends the first write in the queue, if it is not in flight yet. */
static void
write_send_next (CacheitWriteQueue *self)
{
  Write *write = g_queue_peek_head (&self->writes);
  GCancellable *cancellable;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  if (write == NULL || write->sent)
    return;

  write->sent = TRUE;
  write_stop_watching (write);

  /* write_finish() sends the next one. */
  if (!write->ops->prepare (self->owner, write->data, &write->method, &url, &write->body, &error))
    {
      write_finish (write, error, NULL);
      return;
    }

  uri = _cacheit_http_check_url (url, &error);
  if (uri == NULL)
    {
      write_finish (write, error, NULL);
      return;
    }

  write->cancellable = g_cancellable_new ();
  cancellable = g_task_get_cancellable (write->task);
  if (cancellable != NULL)
    write->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (chain_cancelled_cb),
                                                 g_object_ref (write->cancellable), g_object_unref);

  write_send (write, uri);
}

static gboolean
write_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  Write *write = user_data;
  GError *error = NULL;

  /* One in flight ends through its request, which the cancellable aborts. */
  if (write->sent)
    return G_SOURCE_REMOVE;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  write_finish (write, error, NULL);

  return G_SOURCE_REMOVE;
}

void
_cacheit_write_queue_push (CacheitWriteQueue     *self,
                           const CacheitWriteOps *ops,
                           gpointer               data,
                           const char            *root_pointer,
                           GTask                 *task)
{
  Write *write = g_new0 (Write, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean was_saving = _cacheit_write_queue_busy (self);

  /* A write keeps its owner alive until it is answered. */
  g_object_ref (self->owner);
  write->queue = self;
  write->ops = ops;
  write->data = data;
  write->task = g_object_ref (task);
  write->root_pointer = g_strdup (root_pointer);
  write->application = _cacheit_application_hold (self->context);
  write->link.data = write;

  if (cancellable != NULL)
    {
      write->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (write->cancel_source, "[cacheit] write cancelled");
      g_source_set_callback (write->cancel_source, G_SOURCE_FUNC (write_cancelled_cb), write, NULL);
      g_source_attach (write->cancel_source, self->context);
    }

  g_queue_push_tail_link (&self->writes, &write->link);
  changed (self, was_saving);
  write_send_next (self);
}

void
_cacheit_write_queue_item_write (CacheitWriteQueue *self,
                                 gboolean           started)
{
  gboolean was_saving = _cacheit_write_queue_busy (self);

  if (started)
    self->n_item_writes++;
  else
    {
      g_return_if_fail (self->n_item_writes > 0);
      self->n_item_writes--;
    }

  /* The owner's fetches wait for these writes as for its own. */
  changed (self, was_saving);
}
