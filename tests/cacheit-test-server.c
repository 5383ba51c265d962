/* cacheit-test-server.c: a real HTTP server on 127.0.0.1 for the C tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

#include <cacheit.h>

#include <string.h>

typedef struct
{
  guint       status;
  char       *content_type;
  char       *content_encoding;
  gboolean    chunked;
  GBytes     *body;
  char       *raw;
  gboolean    hold;
  GPtrArray  *held;        /* HeldMessage: paused, with the answer of the time. */
  char       *method;      /* In a HeldMessage's answer: the request's method. */
  guint       count;
  SoupMessageHeaders *last_headers;
  /* Issue 7: caching headers, validators and queued answers. */
  SoupMessageHeaders *extra_headers;   /* Added to every answer (304 too). */
  char       *etag;                    /* Sent as ETag; If-None-Match → 304. */
  char       *last_modified;           /* Sent as Last-Modified; If-Modified-Since → 304. */
  GQueue      queued;                  /* Route: answers for the next requests. */
  guint       n_not_modified;          /* 304s sent. */
  guint       n_conditional;           /* Requests with If-None-Match or If-Modified-Since. */
  /* Issue 8: writes. */
  GHashTable *method_answers;          /* METHOD → Route: answers of that method. */
  GHashTable *method_queued;           /* METHOD → GQueue of Route: queued for that method. */
  GHashTable *method_counts;           /* METHOD → count (GUINT_TO_POINTER). */
  GHashTable *hold_methods;            /* METHODs held, when not all are. */
  char       *last_method;             /* Of the last request. */
  char       *last_body;               /* Of the last request, NUL-terminated. */
  char       *last_content_type;       /* Its media type, without parameters. */
  /* Issue 14: connections dropped before the answer. */
  GHashTable *drop_methods;            /* METHOD → requests still to drop. */
  CacheitTestServer *server;           /* For the log; NULL in answers. */
} Route;

struct _CacheitTestServer
{
  SoupServer       *server;
  GSocketService   *raw_service;   /* Threaded: its handler blocks. */
  GMutex            lock;          /* Guards routes: the raw handler runs in a thread. */
  guint16           port;
  guint16           raw_port;
  GHashTable       *routes;   /* path → Route */
  GString          *arrivals; /* "PATH " per request to the SoupServer, in order. */
  GString          *log;      /* "METHOD PATH " per arrival, "METHOD PATH=STATUS " per answer. */
};

/* A held request keeps the answer its route had when it arrived. */
typedef struct
{
  SoupServerMessage *msg;
  Route             *answer;
} HeldMessage;

static void
route_free (Route *route);

static void
held_message_free (HeldMessage *held)
{
  g_clear_object (&held->msg);
  g_clear_pointer (&held->answer, route_free);
  g_free (held);
}

static void
route_free (Route *route)
{
  g_free (route->content_type);
  g_free (route->content_encoding);
  g_clear_pointer (&route->body, g_bytes_unref);
  g_free (route->raw);
  g_free (route->method);
  g_clear_pointer (&route->held, g_ptr_array_unref);
  g_clear_pointer (&route->last_headers, soup_message_headers_unref);
  g_clear_pointer (&route->extra_headers, soup_message_headers_unref);
  g_free (route->etag);
  g_free (route->last_modified);
  g_queue_clear_full (&route->queued, (GDestroyNotify) route_free);
  g_clear_pointer (&route->method_answers, g_hash_table_unref);
  g_clear_pointer (&route->method_queued, g_hash_table_unref);
  g_clear_pointer (&route->method_counts, g_hash_table_unref);
  g_clear_pointer (&route->hold_methods, g_hash_table_unref);
  g_clear_pointer (&route->drop_methods, g_hash_table_unref);
  g_free (route->last_method);
  g_free (route->last_body);
  g_free (route->last_content_type);
  g_free (route);
}

static void
route_queue_free (GQueue *queue)
{
  g_queue_free_full (queue, (GDestroyNotify) route_free);
}

static void
append_header_cb (const char *name,
                  const char *value,
                  gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static void
replace_header_cb (const char *name,
                   const char *value,
                   gpointer    user_data)
{
  soup_message_headers_replace (user_data, name, value);
}

/* A copy of what @route answers now, for a held request. */
static Route *
route_copy_answer (Route *route)
{
  Route *answer = g_new0 (Route, 1);

  answer->status = route->status;
  answer->content_type = g_strdup (route->content_type);
  answer->content_encoding = g_strdup (route->content_encoding);
  answer->chunked = route->chunked;
  answer->body = route->body != NULL ? g_bytes_ref (route->body) : NULL;
  answer->etag = g_strdup (route->etag);
  answer->last_modified = g_strdup (route->last_modified);
  if (route->extra_headers != NULL)
    {
      answer->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      soup_message_headers_foreach (route->extra_headers, append_header_cb, answer->extra_headers);
    }

  return answer;
}

gboolean
cacheit_test_etag_matches (const char *list,
                           const char *etag)
{
  GSList *tags = soup_header_parse_list (list);
  gboolean found = FALSE;

  if (g_str_has_prefix (etag, "W/"))
    etag += 2;

  for (GSList *l = tags; l != NULL && !found; l = l->next)
    {
      const char *tag = l->data;

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      found = strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0;
    }
  soup_header_free_list (tags);

  return found;
}

/* Whether @answer (a 2xx with validators) may be a 304 for @request. */
static gboolean
not_modified (Route              *answer,
              SoupMessageHeaders *request)
{
  const char *if_none_match = soup_message_headers_get_one (request, "If-None-Match");
  const char *if_modified_since = soup_message_headers_get_one (request, "If-Modified-Since");

  if (!SOUP_STATUS_IS_SUCCESSFUL (answer->status))
    return FALSE;

  /* If-None-Match, when sent, decides alone (RFC 9110, 13.2.2). */
  if (if_none_match != NULL)
    return answer->etag != NULL && cacheit_test_etag_matches (if_none_match, answer->etag);

  if (if_modified_since != NULL && answer->last_modified != NULL)
    {
      g_autoptr(GDateTime) since = soup_date_time_new_from_http_string (if_modified_since);
      g_autoptr(GDateTime) modified = soup_date_time_new_from_http_string (answer->last_modified);

      return since != NULL && modified != NULL && g_date_time_compare (modified, since) <= 0;
    }

  return FALSE;
}

static Route *
route_get (CacheitTestServer *server,
           const char        *path)
{
  Route *route;

  g_mutex_lock (&server->lock);
  route = g_hash_table_lookup (server->routes, path);

  if (route == NULL)
    {
      route = g_new0 (Route, 1);
      route->status = SOUP_STATUS_NOT_FOUND;
      route->body = g_bytes_new_static ("{\"error\": \"not found\"}", 22);
      route->content_type = g_strdup ("application/json");
      route->held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_message_free);
      route->method_answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) route_free);
      route->method_queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) route_queue_free);
      route->method_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      route->server = server;
      g_hash_table_insert (server->routes, g_strdup (path), route);
    }
  g_mutex_unlock (&server->lock);

  return route;
}

static void
log_answer (Route             *route,
            SoupServerMessage *msg)
{
  if (route->server != NULL)
    g_string_append_printf (route->server->log, "%s %s=%u ",
                            soup_server_message_get_method (msg),
                            g_uri_get_path (soup_server_message_get_uri (msg)),
                            soup_server_message_get_status (msg));
}

/* Answers @msg with @answer; @route counts the 304s. */
static void
respond (Route             *route,
         Route             *answer,
         SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize length;
  gconstpointer data = answer->body != NULL ? g_bytes_get_data (answer->body, &length) : NULL;

  if (answer->body == NULL)
    length = 0;

  if (answer->extra_headers != NULL)
    soup_message_headers_foreach (answer->extra_headers, replace_header_cb, headers);
  if (answer->etag != NULL)
    soup_message_headers_replace (headers, "ETag", answer->etag);
  if (answer->last_modified != NULL)
    soup_message_headers_replace (headers, "Last-Modified", answer->last_modified);

  if (not_modified (answer, soup_server_message_get_request_headers (msg)))
    {
      route->n_not_modified++;
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      log_answer (route, msg);
      return;
    }

  soup_server_message_set_status (msg, answer->status, NULL);
  log_answer (route, msg);
  /* An answer without a body (set_for_method with a NULL body): a 204. */
  if (answer->body == NULL)
    return;
  if (answer->content_encoding != NULL)
    soup_message_headers_replace (headers, "Content-Encoding", answer->content_encoding);
  if (answer->chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_COPY, data, length);
  /* A chunked body is sent as it grows: say it is whole. */
  if (answer->chunked)
    soup_message_body_complete (soup_server_message_get_response_body (msg));
}

/* Closes the connection of @user_data (a paused SoupServerMessage) with no
 * answer. */
static gboolean
drop_cb (gpointer user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static const char *
route_path (CacheitTestServer *server,
            const char        *path,
            const char        *path_and_query)
{
  gboolean with_query;

  g_mutex_lock (&server->lock);
  with_query = path_and_query != NULL && g_hash_table_contains (server->routes, path_and_query);
  g_mutex_unlock (&server->lock);

  return with_query ? path_and_query : path;
}

static void
handler_cb (SoupServer        *soup_server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CacheitTestServer *server = user_data;
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *path_and_query = raw_query != NULL ? g_strconcat (path, "?", raw_query, NULL) : NULL;
  /* A route set for the path with this very query (as sent, encoded)
   * answers it; else the path's. */
  Route *route = route_get (server, route_path (server, path, path_and_query));

  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  Route *queued;

  const char *method = soup_server_message_get_method (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) body_bytes = soup_message_body_flatten (request_body);
  GQueue *method_queue = g_hash_table_lookup (route->method_queued, method);
  Route *method_answer = g_hash_table_lookup (route->method_answers, method);
  Route *answer;

  route->count++;
  g_clear_pointer (&route->last_headers, soup_message_headers_unref);
  route->last_headers = soup_message_headers_ref (request_headers);
  if (soup_message_headers_get_one (request_headers, "If-None-Match") != NULL ||
      soup_message_headers_get_one (request_headers, "If-Modified-Since") != NULL)
    route->n_conditional++;
  g_string_append_printf (server->arrivals, "%s ", path);
  g_string_append_printf (server->log, "%s %s ", method, path);

  g_hash_table_insert (route->method_counts, g_strdup (method),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (route->method_counts, method)) + 1));
  g_free (route->last_method);
  route->last_method = g_strdup (method);
  g_free (route->last_body);
  route->last_body = g_bytes_get_size (body_bytes) > 0
                     ? g_strndup (g_bytes_get_data (body_bytes, NULL), g_bytes_get_size (body_bytes))
                     : g_strdup ("");
  g_free (route->last_content_type);
  route->last_content_type = g_strdup (soup_message_headers_get_content_type (request_headers, NULL));

  /* An answer queued or set for this method comes first; then the route's
   * own, as before issue 8. */
  queued = method_queue != NULL ? g_queue_pop_head (method_queue) : NULL;
  if (queued == NULL && method_answer == NULL)
    queued = g_queue_pop_head (&route->queued);
  answer = method_answer != NULL ? method_answer : route;

  if (route->drop_methods != NULL &&
      GPOINTER_TO_UINT (g_hash_table_lookup (route->drop_methods, method)) > 0)
    {
      g_hash_table_insert (route->drop_methods, g_strdup (method),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (route->drop_methods, method)) - 1));
      g_clear_pointer (&queued, route_free);
      g_string_append_printf (server->log, "%s %s=dropped ", method, path);
      /* Not from inside the handler: libsoup still holds the message. */
      soup_server_message_pause (msg);
      g_idle_add_full (G_PRIORITY_DEFAULT, drop_cb, g_object_ref (msg), NULL);
      return;
    }

  if (route->hold ||
      (route->hold_methods != NULL && g_hash_table_contains (route->hold_methods, method)))
    {
      HeldMessage *held = g_new0 (HeldMessage, 1);

      held->msg = g_object_ref (msg);
      held->answer = queued != NULL ? queued : route_copy_answer (answer);
      held->answer->method = g_strdup (method);
      g_ptr_array_add (route->held, held);
      soup_server_message_pause (msg);
      return;
    }

  if (queued != NULL)
    {
      respond (route, queued, msg);
      route_free (queued);
      return;
    }

  respond (route, answer, msg);
}

/* The raw listener, in a thread of its own: reads the request head, writes
 * the route's raw bytes, closes. */
static gboolean
raw_run_cb (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source_object,
            gpointer                user_data)
{
  CacheitTestServer *server = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) head = g_string_new (NULL);
  g_auto(GStrv) words = NULL;
  char c;
  g_autofree char *raw = NULL;
  Route *route;

  while (strstr (head->str, "\r\n\r\n") == NULL &&
         g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
    g_string_append_c (head, c);

  words = g_strsplit (head->str, " ", 3);
  route = route_get (server, g_strv_length (words) >= 2 ? words[1] : "/");
  g_mutex_lock (&server->lock);
  route->count++;
  raw = g_strdup (route->raw);
  g_mutex_unlock (&server->lock);

  if (raw != NULL)
    g_output_stream_write_all (out, raw, strlen (raw), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return TRUE;
}

/* The ports the servers of this process listened on. A URL is never that
 * of an earlier test: the library keeps process-wide state by URL (what
 * writes invalidated, cacheit-invalidation.c), which a server on a port the
 * system gave out again would inherit. */
G_LOCK_DEFINE_STATIC (ports);
static guint8 ports_used[65536 / 8];

static gboolean
port_take (guint16 port)
{
  gboolean taken;

  G_LOCK (ports);
  taken = (ports_used[port / 8] & (1 << (port % 8))) == 0;
  ports_used[port / 8] |= 1 << (port % 8);
  G_UNLOCK (ports);

  return taken;
}

/* A SoupServer on @address, port chosen by the system, on a port no server
 * of this process had; its port in @port. */
static SoupServer *
soup_server_new_on_new_port (GSocketAddress *address,
                             guint16        *port)
{
  g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      SoupServer *soup_server = soup_server_new (NULL, NULL);
      g_autoptr(GError) error = NULL;
      GSList *uris;

      soup_server_listen (soup_server, address, 0, &error);
      g_assert_no_error (error);
      uris = soup_server_get_uris (soup_server);
      *port = (guint16) g_uri_get_port (uris->data);
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
      if (port_take (*port))
        return soup_server;

      /* Kept listening until a new port is found, so as not to get it back. */
      g_ptr_array_add (refused, soup_server);
      g_assert_cmpuint (refused->len, <, 1000);
    }
}

CacheitTestServer *
cacheit_test_server_new (void)
{
  CacheitTestServer *server = g_new0 (CacheitTestServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) route_free);
  server->arrivals = g_string_new (NULL);
  server->log = g_string_new (NULL);

  server->server = soup_server_new_on_new_port (address, &server->port);
  soup_server_add_handler (server->server, NULL, handler_cb, server, NULL);

  g_mutex_init (&server->lock);
  server->raw_service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->raw_service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  server->raw_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  /* Not given to a SoupServer of a later test. */
  port_take (server->raw_port);
  g_signal_connect (server->raw_service, "run", G_CALLBACK (raw_run_cb), server);
  g_socket_service_start (server->raw_service);

  return server;
}

void
cacheit_test_server_free (CacheitTestServer *server)
{
  GHashTableIter iter;
  Route *route;

  /* Answer whatever is still held, so no client waits on a dead server. */
  g_hash_table_iter_init (&iter, server->routes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &route))
    for (guint i = 0; i < route->held->len; i++)
      {
        HeldMessage *held = g_ptr_array_index (route->held, i);

        respond (route, held->answer, held->msg);
        soup_server_message_unpause (held->msg);
      }

  /* Close the clients' idle keep-alive connections first, and let the server
   * see them close: libsoup's server leaks the connections it still has open
   * when it is disconnected. */
  soup_session_abort (cacheit_get_default_session ());
  cacheit_test_drain ();

  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_socket_service_stop (server->raw_service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->raw_service));
  g_clear_object (&server->raw_service);
  g_hash_table_unref (server->routes);
  g_string_free (server->arrivals, TRUE);
  g_string_free (server->log, TRUE);
  g_mutex_clear (&server->lock);
  g_free (server);
}

char *
cacheit_test_server_url (CacheitTestServer *server,
                         const char        *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

char *
cacheit_test_server_raw_url (CacheitTestServer *server,
                             const char        *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->raw_port, path);
}

void
cacheit_test_server_set_bytes (CacheitTestServer *server,
                               const char        *path,
                               guint              status,
                               const char        *content_type,
                               const char        *content_encoding,
                               gboolean           chunked,
                               GBytes            *body)
{
  Route *route = route_get (server, path);

  route->status = status;
  g_free (route->content_type);
  route->content_type = g_strdup (content_type);
  g_free (route->content_encoding);
  route->content_encoding = g_strdup (content_encoding);
  route->chunked = chunked;
  g_clear_pointer (&route->body, g_bytes_unref);
  route->body = g_bytes_ref (body);
}

void
cacheit_test_server_set (CacheitTestServer *server,
                         const char        *path,
                         guint              status,
                         const char        *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  cacheit_test_server_set_bytes (server, path, status, "application/json", NULL, FALSE, bytes);
}

void
cacheit_test_server_set_raw (CacheitTestServer *server,
                             const char        *path,
                             const char        *response)
{
  Route *route = route_get (server, path);

  g_mutex_lock (&server->lock);
  g_free (route->raw);
  route->raw = g_strdup (response);
  g_mutex_unlock (&server->lock);
}

void
cacheit_test_server_hold (CacheitTestServer *server,
                          const char        *path)
{
  route_get (server, path)->hold = TRUE;
}

guint
cacheit_test_server_release (CacheitTestServer *server,
                             const char        *path)
{
  Route *route = route_get (server, path);
  guint n = route->held->len;

  route->hold = FALSE;
  g_clear_pointer (&route->hold_methods, g_hash_table_unref);
  for (guint i = 0; i < n; i++)
    {
      HeldMessage *held = g_ptr_array_index (route->held, i);

      respond (route, held->answer, held->msg);
      soup_server_message_unpause (held->msg);
    }
  g_ptr_array_set_size (route->held, 0);

  return n;
}

void
cacheit_test_server_wait_held (CacheitTestServer *server,
                               const char        *path,
                               guint              n)
{
  Route *route = route_get (server, path);

  cacheit_test_wait_until (route->held->len >= n);
}

guint
cacheit_test_server_count (CacheitTestServer *server,
                           const char        *path)
{
  Route *route = route_get (server, path);
  guint count;

  g_mutex_lock (&server->lock);
  count = route->count;
  g_mutex_unlock (&server->lock);

  return count;
}

const char *
cacheit_test_server_last_header (CacheitTestServer *server,
                                 const char        *path,
                                 const char        *name)
{
  Route *route = route_get (server, path);

  if (route->last_headers == NULL)
    return NULL;

  return soup_message_headers_get_one (route->last_headers, name);
}

void
cacheit_test_server_set_header (CacheitTestServer *server,
                                const char        *path,
                                const char        *name,
                                const char        *value)
{
  Route *route = route_get (server, path);

  if (route->extra_headers == NULL)
    route->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (value != NULL)
    soup_message_headers_replace (route->extra_headers, name, value);
  else
    soup_message_headers_remove (route->extra_headers, name);
}

void
cacheit_test_server_set_etag (CacheitTestServer *server,
                              const char        *path,
                              const char        *etag)
{
  Route *route = route_get (server, path);

  g_free (route->etag);
  route->etag = g_strdup (etag);
}

void
cacheit_test_server_set_last_modified (CacheitTestServer *server,
                                       const char        *path,
                                       const char        *http_date)
{
  Route *route = route_get (server, path);

  g_free (route->last_modified);
  route->last_modified = g_strdup (http_date);
}

void
cacheit_test_server_push (CacheitTestServer *server,
                          const char        *path,
                          guint              status,
                          const char        *retry_after)
{
  Route *route = route_get (server, path);
  Route *answer = g_new0 (Route, 1);
  static const char body[] = "{\"error\": \"queued\"}";

  answer->status = status;
  answer->content_type = g_strdup ("application/json");
  answer->body = g_bytes_new_static (body, sizeof body - 1);
  if (retry_after != NULL)
    {
      answer->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      soup_message_headers_replace (answer->extra_headers, "Retry-After", retry_after);
    }
  g_queue_push_tail (&route->queued, answer);
}

guint
cacheit_test_server_count_not_modified (CacheitTestServer *server,
                                        const char        *path)
{
  return route_get (server, path)->n_not_modified;
}

guint
cacheit_test_server_count_conditional (CacheitTestServer *server,
                                       const char        *path)
{
  return route_get (server, path)->n_conditional;
}

const char *
cacheit_test_server_arrivals (CacheitTestServer *server)
{
  return server->arrivals->str;
}

void
cacheit_test_server_wait_arrivals (CacheitTestServer *server)
{
  g_autofree char *url = cacheit_test_server_url (server, "/wait-arrivals");
  SoupSession *session = soup_session_new ();

  cacheit_test_drain ();
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      CacheitTestCompletion done = { 0 };

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                        cacheit_test_completion_cb, &done);
      cacheit_test_wait_until (done.done);
      body = soup_session_send_and_read_finish (session, done.result, &error);
      g_assert_no_error (error);
      cacheit_test_completion_clear (&done);
    }
  soup_session_abort (session);
  cacheit_test_drain ();
  g_object_unref (session);
  cacheit_test_drain ();
}

void
cacheit_test_drain (void)
{
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE))
    ;
}

GBytes *
cacheit_test_gzip (const void *data,
                   gsize       length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

void
cacheit_test_completion_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  CacheitTestCompletion *completion = user_data;

  completion->n_calls++;
  completion->done = TRUE;
  g_clear_object (&completion->result);
  completion->result = g_object_ref (result);
  g_clear_pointer (&completion->context, g_main_context_unref);
  completion->context = g_main_context_ref_thread_default ();
}

void
cacheit_test_completion_clear (CacheitTestCompletion *completion)
{
  g_clear_object (&completion->result);
  g_clear_pointer (&completion->context, g_main_context_unref);
  completion->done = FALSE;
  completion->n_calls = 0;
}

/* Issue 8: writes. */

static Route *
answer_new (guint       status,
            const char *body)
{
  Route *answer = g_new0 (Route, 1);

  answer->status = status;
  answer->content_type = g_strdup ("application/json");
  if (body != NULL)
    answer->body = g_bytes_new (body, strlen (body));

  return answer;
}

void
cacheit_test_server_set_for_method (CacheitTestServer *server,
                                    const char        *method,
                                    const char        *path,
                                    guint              status,
                                    const char        *body)
{
  Route *route = route_get (server, path);

  g_hash_table_replace (route->method_answers, g_strdup (method), answer_new (status, body));
}

void
cacheit_test_server_set_bytes_for_method (CacheitTestServer *server,
                                          const char        *method,
                                          const char        *path,
                                          guint              status,
                                          const char        *content_type,
                                          GBytes            *body)
{
  Route *route = route_get (server, path);
  Route *answer = answer_new (status, NULL);

  g_free (answer->content_type);
  answer->content_type = g_strdup (content_type);
  answer->body = g_bytes_ref (body);
  g_hash_table_replace (route->method_answers, g_strdup (method), answer);
}

void
cacheit_test_server_push_for_method (CacheitTestServer *server,
                                     const char        *method,
                                     const char        *path,
                                     guint              status,
                                     const char        *body)
{
  Route *route = route_get (server, path);
  GQueue *queue = g_hash_table_lookup (route->method_queued, method);

  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (route->method_queued, g_strdup (method), queue);
    }
  g_queue_push_tail (queue, answer_new (status, body));
}

void
cacheit_test_server_hold_for_method (CacheitTestServer *server,
                                     const char        *method,
                                     const char        *path)
{
  Route *route = route_get (server, path);

  if (route->hold_methods == NULL)
    route->hold_methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (route->hold_methods, g_strdup (method));
}

guint
cacheit_test_server_release_for_method (CacheitTestServer *server,
                                        const char        *method,
                                        const char        *path)
{
  Route *route = route_get (server, path);
  g_autoptr(GPtrArray) released = g_ptr_array_new_with_free_func ((GDestroyNotify) held_message_free);

  if (route->hold_methods != NULL)
    g_hash_table_remove (route->hold_methods, method);

  for (guint i = 0; i < route->held->len;)
    {
      HeldMessage *held = g_ptr_array_index (route->held, i);

      if (g_strcmp0 (held->answer->method, method) == 0)
        g_ptr_array_add (released, g_ptr_array_steal_index (route->held, i));
      else
        i++;
    }

  for (guint i = 0; i < released->len; i++)
    {
      HeldMessage *held = g_ptr_array_index (released, i);

      respond (route, held->answer, held->msg);
      soup_server_message_unpause (held->msg);
    }

  return released->len;
}

void
cacheit_test_server_redirect_for_method (CacheitTestServer *server,
                                         const char        *method,
                                         const char        *path,
                                         guint              status,
                                         const char        *location)
{
  Route *route = route_get (server, path);
  Route *answer = answer_new (status, "{}");

  answer->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_replace (answer->extra_headers, "Location", location);
  g_hash_table_replace (route->method_answers, g_strdup (method), answer);
}

void
cacheit_test_server_set_header_for_method (CacheitTestServer *server,
                                           const char        *method,
                                           const char        *path,
                                           const char        *name,
                                           const char        *value)
{
  Route *route = route_get (server, path);
  Route *answer = g_hash_table_lookup (route->method_answers, method);

  g_assert_nonnull (answer);
  if (answer->extra_headers == NULL)
    answer->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_replace (answer->extra_headers, name, value);
}

void
cacheit_test_server_drop_for_method (CacheitTestServer *server,
                                     const char        *method,
                                     const char        *path,
                                     guint              n)
{
  Route *route = route_get (server, path);

  if (route->drop_methods == NULL)
    route->drop_methods = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (route->drop_methods, g_strdup (method), GUINT_TO_POINTER (n));
}

guint
cacheit_test_server_count_method (CacheitTestServer *server,
                                  const char        *method,
                                  const char        *path)
{
  Route *route = route_get (server, path);

  return GPOINTER_TO_UINT (g_hash_table_lookup (route->method_counts, method));
}

const char *
cacheit_test_server_last_method (CacheitTestServer *server,
                                 const char        *path)
{
  return route_get (server, path)->last_method;
}

const char *
cacheit_test_server_last_body (CacheitTestServer *server,
                               const char        *path)
{
  return route_get (server, path)->last_body;
}

const char *
cacheit_test_server_last_content_type (CacheitTestServer *server,
                                       const char        *path)
{
  return route_get (server, path)->last_content_type;
}

const char *
cacheit_test_server_log (CacheitTestServer *server)
{
  return server->log->str;
}

void
cacheit_test_server_stop (CacheitTestServer *server)
{
  /* As in free: close the clients' keep-alive connections first. */
  soup_session_abort (cacheit_get_default_session ());
  cacheit_test_drain ();
  soup_server_disconnect (server->server);
  cacheit_test_drain ();
}
