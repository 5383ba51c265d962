/* cacheit-fixture-server.c: a real HTTP server for applications' tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-fixture-server.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/**
 * CacheitFixtureServer:
 *
 * A real HTTP server on 127.0.0.1 for the tests of an application, in a
 * thread of its own.
 *
 * It serves a directory of JSON files as a REST API, and the JSON a test
 * gives it with [method@FixtureServer.set_json], so an application's test
 * can point its [class@Cacheit.Collection]s and [class@Cacheit.Model]s at it
 * and assert what they asked for: how many requests each path received,
 * with which headers. Switches flipped at run time make it slow, fail the
 * next requests with a status, drop the connection in the middle of a body,
 * or stop answering `304 Not Modified`.
 *
 * The server listens on a port the system picks, and runs in a thread with
 * its own [struct@GLib.MainContext]: the main loop of the test stays the
 * application's, and a blocking call such as
 * [method@Cacheit.Resource.fetch] works against it. Every method may be
 * called from any thread; property notifications are emitted in the
 * calling thread.
 *
 * It is shipped in a library of its own, `libcacheit-testing-1`
 * (pkg-config `cacheit-testing-1`, header `<cacheit-testing.h>`, GIR
 * namespace `CacheitTesting-1.0`): link it into your tests only.
 *
 * ```c
 * g_autoptr(GError) error = NULL;
 * g_autoptr(CacheitFixtureServer) server = cacheit_fixture_server_new (TEST_DATA_DIR, &error);
 * g_autofree char *url = cacheit_fixture_server_url_for (server, "/posts");
 * g_autoptr(CacheitCollection) posts = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
 *
 * cacheit_resource_fetch (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_NONE, NULL, &error);
 * g_assert_no_error (error);
 * g_assert_cmpuint (cacheit_fixture_server_get_request_count (server, "/posts"), ==, 1);
 * ```
 *
 * ## Routes
 *
 * A `GET` for a path is answered, in this order:
 *
 * 1. with the JSON set for that path by [method@FixtureServer.set_json];
 * 2. with the file of that path plus `.json` in [property@FixtureServer:directory]
 *    (`/posts` from `posts.json`, `/posts/7` from `posts/7.json`);
 * 3. for a path `PARENT/ID`, with the element whose `id` member is `ID` (a
 *    string, or a number in its decimal form) of the array that `PARENT`
 *    answers by 1 or 2 (`/posts/7` from `{"id": 7}` in `posts.json`);
 * 4. with `404 Not Found` and a JSON object as body.
 *
 * Files are read when a request arrives: a test may change them as it goes.
 * Other methods than `GET` and `HEAD` are answered `405 Method Not Allowed`.
 *
 * ## Caching headers
 *
 * Each `200` has a strong `ETag` made from a hash of its body, and a request
 * whose `If-None-Match` names it (with the weak comparison, in a list, or
 * `*`) is answered `304 Not Modified` with no body, unless
 * [property@FixtureServer:not-modified] is `FALSE`. Both carry
 * [property@FixtureServer:cache-control] as `Cache-Control`, when it is set.
 *
 * ## Stopping
 *
 * [method@FixtureServer.stop], or dropping the last reference, stops the
 * server and joins its thread. libsoup 3.2's server leaks the connections
 * that are still open when it stops: call [method@Soup.Session.abort] on the
 * sessions that talked to it first (the default one is
 * [func@Cacheit.get_default_session]) when your tests run under valgrind.
 *
 * Since: 1.0
 */

struct _CacheitFixtureServer
{
  GObject       parent_instance;

  /* Set once, before the thread starts or after it stopped. */
  char         *directory;
  char         *url;
  guint         port;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;

  /* Only the server thread touches these. */
  SoupServer   *server;
  GPtrArray    *delays;       /* GSource: paused answers waiting for the latency. */

  /* Everything below is guarded by lock. */
  GMutex        lock;
  GCond         cond;
  gboolean      started;
  GError       *start_error;
  char         *cache_control;
  gboolean      not_modified;
  guint         latency;
  guint         fail_remaining;
  guint         fail_status;
  guint         drop_remaining;
  GHashTable   *routes;       /* path → GBytes: JSON from set_json() */
  GHashTable   *stats;        /* path → PathStats */
  guint         n_requests;
};

typedef struct
{
  guint               n_requests;
  guint               n_not_modified;
  SoupMessageHeaders *last_headers;   /* A copy: the message's own are not ours. */
} PathStats;

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_URL,
  PROP_PORT,
  PROP_CACHE_CONTROL,
  PROP_NOT_MODIFIED,
  PROP_LATENCY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void cacheit_fixture_server_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CacheitFixtureServer, cacheit_fixture_server, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      cacheit_fixture_server_initable_iface_init))

/* What the server thread decided for one request, under the lock. */
typedef enum {
  ANSWER_NORMAL,
  ANSWER_FAIL,
  ANSWER_DROP,
} AnswerKind;

static void
path_stats_free (PathStats *stats)
{
  g_clear_pointer (&stats->last_headers, soup_message_headers_unref);
  g_free (stats);
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* Called with the lock held. */
static PathStats *
stats_get (CacheitFixtureServer *self,
           const char           *path)
{
  PathStats *stats = g_hash_table_lookup (self->stats, path);

  if (stats == NULL)
    {
      stats = g_new0 (PathStats, 1);
      g_hash_table_insert (self->stats, g_strdup (path), stats);
    }

  return stats;
}

/* Whether @path is one a route may have: absolute, with no empty, "." or
 * ".." segment, so that a file route never leaves the directory. */
static gboolean
path_is_valid (const char *path)
{
  g_auto(GStrv) segments = NULL;

  if (path == NULL || path[0] != '/' || path[1] == '\0')
    return FALSE;

  segments = g_strsplit (path + 1, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    if (segments[i][0] == '\0' || strcmp (segments[i], ".") == 0 ||
        strcmp (segments[i], "..") == 0 || strchr (segments[i], '\\') != NULL)
      return FALSE;

  return TRUE;
}

/* The JSON that @path answers by itself: set from code, or a file. */
static GBytes *
lookup_exact (CacheitFixtureServer *self,
              const char           *path)
{
  GBytes *bytes;
  g_autofree char *relative = NULL;
  g_autofree char *filename = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_mutex_lock (&self->lock);
  bytes = g_hash_table_lookup (self->routes, path);
  if (bytes != NULL)
    g_bytes_ref (bytes);
  g_mutex_unlock (&self->lock);

  if (bytes != NULL)
    return bytes;

  if (self->directory == NULL)
    return NULL;

  relative = g_strconcat (path + 1, ".json", NULL);
  filename = g_build_filename (self->directory, relative, NULL);
  if (!g_file_get_contents (filename, &contents, &length, NULL))
    return NULL;

  return g_bytes_new_take (contents, length);
}

/* Whether the "id" member of @element is @id: a string, or an integer in
 * its decimal form. */
static gboolean
element_has_id (JsonNode   *element,
                const char *id)
{
  JsonObject *object;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    return FALSE;

  object = json_node_get_object (element);
  member = json_object_get_member (object, "id");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member))
    return FALSE;

  switch (json_node_get_value_type (member))
    {
    case G_TYPE_STRING:
      return g_strcmp0 (json_node_get_string (member), id) == 0;
    case G_TYPE_INT64:
      {
        char text[G_ASCII_DTOSTR_BUF_SIZE];

        g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, json_node_get_int (member));
        return strcmp (text, id) == 0;
      }
    default:
      return FALSE;
    }
}

/* The element with @id of the array that @parent answers. */
static GBytes *
lookup_item (CacheitFixtureServer *self,
             const char           *parent,
             const char           *id)
{
  g_autoptr(GBytes) bytes = lookup_exact (self, parent);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonArray *array;
  gsize length;
  const char *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (element_has_id (element, id))
        {
          char *text = json_to_string (element, FALSE);

          return g_bytes_new_take (text, strlen (text));
        }
    }

  return NULL;
}

/* What @path answers (see "Routes" in the class documentation), or NULL. */
static GBytes *
resolve (CacheitFixtureServer *self,
         const char           *path)
{
  g_autofree char *trimmed = g_strdup (path);
  gsize length = strlen (trimmed);
  GBytes *bytes;
  char *slash;

  /* "/posts/" is "/posts". */
  while (length > 1 && trimmed[length - 1] == '/')
    trimmed[--length] = '\0';

  if (!path_is_valid (trimmed))
    return NULL;

  bytes = lookup_exact (self, trimmed);
  if (bytes != NULL)
    return bytes;

  slash = strrchr (trimmed, '/');
  if (slash == trimmed)
    return NULL;

  *slash = '\0';
  return lookup_item (self, trimmed, slash + 1);
}

/* A strong entity tag for @body: the same bytes, the same tag. */
static char *
make_etag (GBytes *body)
{
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);

  return g_strdup_printf ("\"%.32s\"", digest);
}

/* Whether an If-None-Match @list (split by libsoup, quoted tags and all)
 * names @etag, with the weak comparison of RFC 9110, 8.8.3.2; "*" matches
 * any. */
static gboolean
etag_list_matches (const char *list,
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

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   GBytes            *body)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (body, &length);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
}

/* A JSON object naming what went wrong. */
static GBytes *
make_error_body (guint       status,
                 const char *path)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_object_set_string_member (object, "error", soup_status_get_phrase (status));
  json_object_set_int_member (object, "status", status);
  json_object_set_string_member (object, "path", path);
  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

/* Announces all of @body in Content-Length, puts only its first half in the
 * response, and steals and closes the connection once that half is written:
 * the client sees the connection end in the middle of the body. */
static void
drop_wrote_body_data_cb (SoupServerMessage *msg,
                         guint              chunk_size,
                         gpointer           user_data)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
prepare_drop (SoupServerMessage *msg,
              GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize length;
  gconstpointer data = g_bytes_get_data (body, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length / 2);
  soup_message_headers_set_content_length (headers, (goffset) length);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (drop_wrote_body_data_cb), NULL);
}

static gboolean
delay_done_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  CacheitFixtureServer *self = g_object_get_data (G_OBJECT (msg), "cacheit-fixture-server");

  g_ptr_array_remove_fast (self->delays, g_main_current_source ());
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
delay (CacheitFixtureServer *self,
       SoupServerMessage    *msg,
       guint                 latency)
{
  GSource *source = g_timeout_source_new (latency);

  g_object_set_data (G_OBJECT (msg), "cacheit-fixture-server", self);
  soup_server_message_pause (msg);
  g_source_set_callback (source, delay_done_cb, g_object_ref (msg), g_object_unref);
  g_source_set_static_name (source, "[cacheit-testing] latency");
  g_source_attach (source, self->context);
  /* The array owns the source, so that stop() can drop what still waits. */
  g_ptr_array_add (self->delays, source);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CacheitFixtureServer *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *if_none_match;
  g_autofree char *cache_control = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GBytes) body = NULL;
  AnswerKind kind = ANSWER_NORMAL;
  PathStats *stats;
  gboolean not_modified;
  guint fail_status = 0;
  guint latency;

  /* Count the request, and take the switches as they are now. */
  g_mutex_lock (&self->lock);
  self->n_requests++;
  stats = stats_get (self, path);
  stats->n_requests++;
  g_clear_pointer (&stats->last_headers, soup_message_headers_unref);
  stats->last_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (request_headers, copy_header_cb, stats->last_headers);
  if (self->fail_remaining > 0)
    {
      self->fail_remaining--;
      fail_status = self->fail_status;
      kind = ANSWER_FAIL;
    }
  else if (self->drop_remaining > 0)
    {
      self->drop_remaining--;
      kind = ANSWER_DROP;
    }
  cache_control = g_strdup (self->cache_control);
  not_modified = self->not_modified;
  latency = self->latency;
  g_mutex_unlock (&self->lock);

  if (latency > 0)
    delay (self, msg, latency);

  if (kind == ANSWER_FAIL)
    {
      body = make_error_body (fail_status, path);
      set_json_response (msg, fail_status, body);
      return;
    }

  if (strcmp (method, SOUP_METHOD_GET) != 0 && strcmp (method, SOUP_METHOD_HEAD) != 0)
    {
      body = make_error_body (SOUP_STATUS_METHOD_NOT_ALLOWED, path);
      soup_message_headers_replace (response_headers, "Allow", "GET, HEAD");
      set_json_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, body);
      return;
    }

  body = resolve (self, path);
  if (body == NULL)
    {
      body = make_error_body (SOUP_STATUS_NOT_FOUND, path);
      set_json_response (msg, SOUP_STATUS_NOT_FOUND, body);
      return;
    }

  etag = make_etag (body);
  soup_message_headers_replace (response_headers, "ETag", etag);
  if (cache_control != NULL)
    soup_message_headers_replace (response_headers, "Cache-Control", cache_control);

  if (kind == ANSWER_DROP)
    {
      prepare_drop (msg, body);
      return;
    }

  if_none_match = soup_message_headers_get_list (request_headers, "If-None-Match");
  if (not_modified && if_none_match != NULL && etag_list_matches (if_none_match, etag))
    {
      g_mutex_lock (&self->lock);
      stats_get (self, path)->n_not_modified++;
      g_mutex_unlock (&self->lock);
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  set_json_response (msg, SOUP_STATUS_OK, body);
}

/* The port of the first listener: what soup_server_get_uris() tells, without
 * the address it leaks in libsoup 3.2. */
static guint
listening_port (SoupServer *server)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) address = NULL;
  guint port = 0;

  if (listeners != NULL)
    address = g_socket_get_local_address (listeners->data, NULL);
  if (address != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  g_slist_free (listeners);

  return port;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer user_data)
{
  CacheitFixtureServer *self = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "cacheit-fixture-server ", NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  listening = soup_server_listen (self->server, address, 0, &error);
  if (listening)
    {
      self->port = listening_port (self->server);
      self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
    }

  g_mutex_lock (&self->lock);
  self->start_error = g_steal_pointer (&error);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (listening)
    g_main_loop_run (self->loop);

  /* Answers still waiting for their latency are abandoned. */
  for (guint i = 0; i < self->delays->len; i++)
    g_source_destroy (g_ptr_array_index (self->delays, i));
  g_ptr_array_set_size (self->delays, 0);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections go. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static gboolean
cacheit_fixture_server_initable_init (GInitable     *initable,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  CacheitFixtureServer *self = CACHEIT_FIXTURE_SERVER (initable);

  if (self->thread != NULL || self->url != NULL)
    return TRUE;

  if (self->directory != NULL && !g_file_test (self->directory, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "No directory “%s” to serve", self->directory);
      return FALSE;
    }

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("cacheit-fixture-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      return FALSE;
    }

  return TRUE;
}

static void
cacheit_fixture_server_initable_iface_init (GInitableIface *iface)
{
  iface->init = cacheit_fixture_server_initable_init;
}

static void
cacheit_fixture_server_dispose (GObject *object)
{
  CacheitFixtureServer *self = CACHEIT_FIXTURE_SERVER (object);

  cacheit_fixture_server_stop (self);

  G_OBJECT_CLASS (cacheit_fixture_server_parent_class)->dispose (object);
}

static void
cacheit_fixture_server_finalize (GObject *object)
{
  CacheitFixtureServer *self = CACHEIT_FIXTURE_SERVER (object);

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->delays, g_ptr_array_unref);
  g_clear_pointer (&self->routes, g_hash_table_unref);
  g_clear_pointer (&self->stats, g_hash_table_unref);
  g_clear_error (&self->start_error);
  g_free (self->directory);
  g_free (self->url);
  g_free (self->cache_control);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (cacheit_fixture_server_parent_class)->finalize (object);
}

static void
cacheit_fixture_server_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CacheitFixtureServer *self = CACHEIT_FIXTURE_SERVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_CACHE_CONTROL:
      g_value_take_string (value, cacheit_fixture_server_dup_cache_control (self));
      break;

    case PROP_NOT_MODIFIED:
      g_value_set_boolean (value, cacheit_fixture_server_get_not_modified (self));
      break;

    case PROP_LATENCY:
      g_value_set_uint (value, cacheit_fixture_server_get_latency (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_fixture_server_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CacheitFixtureServer *self = CACHEIT_FIXTURE_SERVER (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    case PROP_CACHE_CONTROL:
      cacheit_fixture_server_set_cache_control (self, g_value_get_string (value));
      break;

    case PROP_NOT_MODIFIED:
      cacheit_fixture_server_set_not_modified (self, g_value_get_boolean (value));
      break;

    case PROP_LATENCY:
      cacheit_fixture_server_set_latency (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_fixture_server_class_init (CacheitFixtureServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cacheit_fixture_server_dispose;
  object_class->finalize = cacheit_fixture_server_finalize;
  object_class->get_property = cacheit_fixture_server_get_property;
  object_class->set_property = cacheit_fixture_server_set_property;

  /**
   * CacheitFixtureServer:directory: (getter get_directory)
   *
   * The directory of JSON files the server answers from, or `NULL` to
   * answer only what [method@FixtureServer.set_json] gives it.
   *
   * Since: 1.0
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitFixtureServer:url: (getter get_url)
   *
   * The URL of the server, `http://127.0.0.1:PORT`, with no path.
   *
   * Since: 1.0
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitFixtureServer:port: (getter get_port)
   *
   * The port the server listens on, picked by the system.
   *
   * Since: 1.0
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitFixtureServer:cache-control:
   *
   * The `Cache-Control` header of each `200` and `304`, such as
   * `max-age=60`, or `NULL` to send none.
   *
   * Since: 1.0
   */
  properties[PROP_CACHE_CONTROL] =
    g_param_spec_string ("cache-control", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitFixtureServer:not-modified: (getter get_not_modified) (setter set_not_modified)
   *
   * Whether a request whose `If-None-Match` names the current `ETag` is
   * answered `304 Not Modified`; when `FALSE`, it gets the whole body again.
   *
   * Since: 1.0
   */
  properties[PROP_NOT_MODIFIED] =
    g_param_spec_boolean ("not-modified", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * CacheitFixtureServer:latency: (getter get_latency) (setter set_latency)
   *
   * How long, in milliseconds, each answer waits before it is sent; 0 for
   * no wait.
   *
   * Since: 1.0
   */
  properties[PROP_LATENCY] =
    g_param_spec_uint ("latency", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cacheit_fixture_server_init (CacheitFixtureServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->not_modified = TRUE;
  self->delays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_bytes_unref);
  self->stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) path_stats_free);
}

/**
 * cacheit_fixture_server_new:
 * @directory: (type filename) (nullable): the directory of JSON files to
 *   serve, or `NULL`
 * @error: return location for an error
 *
 * Starts a server on 127.0.0.1, on a port the system picks, in a thread of
 * its own, that answers from @directory and from
 * [method@FixtureServer.set_json].
 *
 * It returns once the server listens.
 *
 * Returns: (transfer full): the new server, or `NULL` with @error set if
 *   @directory is not a directory or the server could not listen
 *
 * Since: 1.0
 */
CacheitFixtureServer *
cacheit_fixture_server_new (const char  *directory,
                            GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CACHEIT_TYPE_FIXTURE_SERVER, NULL, error,
                         "directory", directory,
                         NULL);
}

/**
 * cacheit_fixture_server_get_directory: (get-property directory)
 * @self: a fixture server
 *
 * Gets the directory of JSON files @self answers from.
 *
 * Returns: (type filename) (nullable): the directory, or `NULL`
 *
 * Since: 1.0
 */
const char *
cacheit_fixture_server_get_directory (CacheitFixtureServer *self)
{
  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), NULL);

  return self->directory;
}

/**
 * cacheit_fixture_server_get_url: (get-property url)
 * @self: a fixture server
 *
 * Gets the URL of @self, `http://127.0.0.1:PORT`, with no path.
 *
 * It stays valid after [method@FixtureServer.stop], for as long as @self.
 *
 * Returns: (nullable): the URL, or `NULL` if @self was never started
 *
 * Since: 1.0
 */
const char *
cacheit_fixture_server_get_url (CacheitFixtureServer *self)
{
  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), NULL);

  return self->url;
}

/**
 * cacheit_fixture_server_get_port: (get-property port)
 * @self: a fixture server
 *
 * Gets the port @self listens on.
 *
 * Returns: the port, or 0 if @self was never started
 *
 * Since: 1.0
 */
guint
cacheit_fixture_server_get_port (CacheitFixtureServer *self)
{
  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), 0);

  return self->port;
}

/**
 * cacheit_fixture_server_url_for:
 * @self: a fixture server
 * @path: an absolute path, such as `/posts/7`
 *
 * Makes the URL of @path on @self: `http://127.0.0.1:PORT/posts/7`.
 *
 * Returns: (transfer full): the URL
 *
 * Since: 1.0
 */
char *
cacheit_fixture_server_url_for (CacheitFixtureServer *self,
                                const char           *path)
{
  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), NULL);
  g_return_val_if_fail (self->url != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (self->url, path, NULL);
}

/**
 * cacheit_fixture_server_dup_cache_control: (get-property cache-control)
 * @self: a fixture server
 *
 * Gets the `Cache-Control` header @self sends.
 *
 * Returns: (transfer full) (nullable): the header, or `NULL` if none is sent
 *
 * Since: 1.0
 */
char *
cacheit_fixture_server_dup_cache_control (CacheitFixtureServer *self)
{
  char *cache_control;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), NULL);

  g_mutex_lock (&self->lock);
  cache_control = g_strdup (self->cache_control);
  g_mutex_unlock (&self->lock);

  return cache_control;
}

/**
 * cacheit_fixture_server_set_cache_control: (set-property cache-control)
 * @self: a fixture server
 * @cache_control: (nullable): a `Cache-Control` header, such as
 *   `max-age=60`, or `NULL` to send none
 *
 * Sets the `Cache-Control` header of the answers @self sends from now on.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_set_cache_control (CacheitFixtureServer *self,
                                          const char           *cache_control)
{
  gboolean changed = FALSE;

  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  g_mutex_lock (&self->lock);
  if (g_strcmp0 (self->cache_control, cache_control) != 0)
    {
      g_free (self->cache_control);
      self->cache_control = g_strdup (cache_control);
      changed = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_CONTROL]);
}

/**
 * cacheit_fixture_server_get_not_modified: (get-property not-modified)
 * @self: a fixture server
 *
 * Gets whether @self answers `304 Not Modified` to a request that names
 * the current `ETag`.
 *
 * Returns: whether @self answers `304 Not Modified`
 *
 * Since: 1.0
 */
gboolean
cacheit_fixture_server_get_not_modified (CacheitFixtureServer *self)
{
  gboolean not_modified;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), FALSE);

  g_mutex_lock (&self->lock);
  not_modified = self->not_modified;
  g_mutex_unlock (&self->lock);

  return not_modified;
}

/**
 * cacheit_fixture_server_set_not_modified: (set-property not-modified)
 * @self: a fixture server
 * @not_modified: whether to answer `304 Not Modified`
 *
 * Sets whether @self answers `304 Not Modified` to a request whose
 * `If-None-Match` names the current `ETag`; when `FALSE`, such a request
 * gets the whole body again.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_set_not_modified (CacheitFixtureServer *self,
                                         gboolean              not_modified)
{
  gboolean changed;

  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  not_modified = !!not_modified;
  g_mutex_lock (&self->lock);
  changed = self->not_modified != not_modified;
  self->not_modified = not_modified;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_MODIFIED]);
}

/**
 * cacheit_fixture_server_get_latency: (get-property latency)
 * @self: a fixture server
 *
 * Gets how long each answer of @self waits.
 *
 * Returns: the wait, in milliseconds
 *
 * Since: 1.0
 */
guint
cacheit_fixture_server_get_latency (CacheitFixtureServer *self)
{
  guint latency;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  latency = self->latency;
  g_mutex_unlock (&self->lock);

  return latency;
}

/**
 * cacheit_fixture_server_set_latency: (set-property latency)
 * @self: a fixture server
 * @latency: the wait, in milliseconds, or 0
 *
 * Makes each answer to a request that arrives from now on wait @latency
 * milliseconds before it is sent, in the server's thread: the test's main
 * loop keeps running meanwhile.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_set_latency (CacheitFixtureServer *self,
                                    guint                 latency)
{
  gboolean changed;

  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  g_mutex_lock (&self->lock);
  changed = self->latency != latency;
  self->latency = latency;
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY]);
}

/**
 * cacheit_fixture_server_set_json:
 * @self: a fixture server
 * @path: an absolute path, such as `/posts`
 * @json: a JSON document
 * @error: return location for an error
 *
 * Makes @self answer @path with @json, in place of a file of
 * [property@FixtureServer:directory] or of what an earlier call set.
 *
 * When @json is an array of objects with an `id` member, `PATH/ID` answers
 * each of them, as for a file (see "Routes" in [class@FixtureServer]).
 *
 * Returns: `TRUE`, or `FALSE` with @error set if @json is not valid JSON
 *
 * Since: 1.0
 */
gboolean
cacheit_fixture_server_set_json (CacheitFixtureServer  *self,
                                 const char            *path,
                                 const char            *json,
                                 GError               **error)
{
  g_autoptr(JsonParser) parser = NULL;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), FALSE);
  g_return_val_if_fail (path_is_valid (path), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->routes, g_strdup (path), g_bytes_new (json, strlen (json)));
  g_mutex_unlock (&self->lock);

  return TRUE;
}

/**
 * cacheit_fixture_server_remove_json:
 * @self: a fixture server
 * @path: an absolute path, such as `/posts`
 *
 * Forgets what [method@FixtureServer.set_json] set for @path: it answers
 * from [property@FixtureServer:directory] again, or `404 Not Found`.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_remove_json (CacheitFixtureServer *self,
                                    const char           *path)
{
  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));
  g_return_if_fail (path != NULL);

  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->routes, path);
  g_mutex_unlock (&self->lock);
}

/**
 * cacheit_fixture_server_fail_next:
 * @self: a fixture server
 * @n_requests: how many requests to fail, or 0 to fail none
 * @status: the HTTP status of the failures, from 400 to 599
 *
 * Answers the next @n_requests requests, whatever their path, with @status
 * and a small JSON object as body, then answers normally again.
 *
 * This replaces any failure still pending from an earlier call. Failures
 * come before the drops of [method@FixtureServer.drop_next].
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_fail_next (CacheitFixtureServer *self,
                                  guint                 n_requests,
                                  guint                 status)
{
  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));
  g_return_if_fail (status >= 400 && status <= 599);

  g_mutex_lock (&self->lock);
  self->fail_remaining = n_requests;
  self->fail_status = status;
  g_mutex_unlock (&self->lock);
}

/**
 * cacheit_fixture_server_drop_next:
 * @self: a fixture server
 * @n_requests: how many requests to drop, or 0 to drop none
 *
 * Answers the next @n_requests requests that would get a `200` with a
 * `Content-Length` for the whole body, sends half of the body, and closes
 * the connection: the client sees the connection end in the middle of the
 * body, as when a network goes away.
 *
 * This replaces any drop still pending from an earlier call. A request that
 * would not get a `200` (a `404`, say) uses up a drop too, and is answered
 * as usual.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_drop_next (CacheitFixtureServer *self,
                                  guint                 n_requests)
{
  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  g_mutex_lock (&self->lock);
  self->drop_remaining = n_requests;
  g_mutex_unlock (&self->lock);
}

/**
 * cacheit_fixture_server_get_request_count:
 * @self: a fixture server
 * @path: (nullable): a path, such as `/posts`, or `NULL` for every path
 *
 * Gets how many requests for @path arrived, whatever their answer, since
 * @self started or [method@FixtureServer.reset_counts] was called.
 *
 * A request is counted when it arrives, before any latency.
 *
 * Returns: the number of requests for @path, or for all paths
 *
 * Since: 1.0
 */
guint
cacheit_fixture_server_get_request_count (CacheitFixtureServer *self,
                                          const char           *path)
{
  PathStats *stats;
  guint count;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  if (path == NULL)
    count = self->n_requests;
  else
    count = (stats = g_hash_table_lookup (self->stats, path)) != NULL ? stats->n_requests : 0;
  g_mutex_unlock (&self->lock);

  return count;
}

/**
 * cacheit_fixture_server_get_not_modified_count:
 * @self: a fixture server
 * @path: (nullable): a path, such as `/posts`, or `NULL` for every path
 *
 * Gets how many requests for @path were answered `304 Not Modified` since
 * @self started or [method@FixtureServer.reset_counts] was called.
 *
 * Returns: the number of `304` answers for @path, or for all paths
 *
 * Since: 1.0
 */
guint
cacheit_fixture_server_get_not_modified_count (CacheitFixtureServer *self,
                                               const char           *path)
{
  guint count = 0;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), 0);

  g_mutex_lock (&self->lock);
  if (path == NULL)
    {
      GHashTableIter iter;
      PathStats *stats;

      g_hash_table_iter_init (&iter, self->stats);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &stats))
        count += stats->n_not_modified;
    }
  else
    {
      PathStats *stats = g_hash_table_lookup (self->stats, path);

      count = stats != NULL ? stats->n_not_modified : 0;
    }
  g_mutex_unlock (&self->lock);

  return count;
}

/**
 * cacheit_fixture_server_get_last_request_header:
 * @self: a fixture server
 * @path: a path, such as `/posts`
 * @name: a header name, such as `Authorization`, in any case
 *
 * Gets a header of the last request for @path, to check what an
 * application sent. Headers that appear more than once are joined with
 * commas.
 *
 * Returns: (transfer full) (nullable): the value, or `NULL` if no request
 *   for @path arrived or it had no such header
 *
 * Since: 1.0
 */
char *
cacheit_fixture_server_get_last_request_header (CacheitFixtureServer *self,
                                                const char           *path,
                                                const char           *name)
{
  PathStats *stats;
  char *value = NULL;

  g_return_val_if_fail (CACHEIT_IS_FIXTURE_SERVER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&self->lock);
  stats = g_hash_table_lookup (self->stats, path);
  if (stats != NULL && stats->last_headers != NULL)
    value = g_strdup (soup_message_headers_get_list (stats->last_headers, name));
  g_mutex_unlock (&self->lock);

  return value;
}

/**
 * cacheit_fixture_server_reset_counts:
 * @self: a fixture server
 *
 * Sets every count of @self back to 0 and forgets the last requests'
 * headers. Routes and switches are kept.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_reset_counts (CacheitFixtureServer *self)
{
  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->stats);
  self->n_requests = 0;
  g_mutex_unlock (&self->lock);
}

/**
 * cacheit_fixture_server_stop:
 * @self: a fixture server
 *
 * Stops @self: it closes its connections and its port, and its thread is
 * joined before this returns. Counts and headers stay readable.
 *
 * Dropping the last reference stops @self too; calling this again does
 * nothing.
 *
 * Since: 1.0
 */
void
cacheit_fixture_server_stop (CacheitFixtureServer *self)
{
  g_autoptr(GSource) source = NULL;

  g_return_if_fail (CACHEIT_IS_FIXTURE_SERVER (self));

  if (self->thread == NULL)
    return;

  /* A source rather than g_main_loop_quit() here: the loop may not run yet. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_cb, g_main_loop_ref (self->loop),
                         (GDestroyNotify) g_main_loop_unref);
  g_source_set_static_name (source, "[cacheit-testing] stop");
  g_source_attach (source, self->context);
  g_thread_join (g_steal_pointer (&self->thread));
}
