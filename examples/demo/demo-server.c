/* demo-server.c: the demo's HTTP server, in a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer on 127.0.0.1, on a port the system picks, that serves a
 * generated catalogue:
 *
 *   GET /records      a JSON array of every record (id, name, city, price, stock)
 *   GET /records/ID   one record, with a description: its detail
 *
 * It runs in its own thread, with its own GMainContext, so that the work of
 * serving 16 MB never shows up in the main loop of the application: the
 * stall the demo measures is the client's alone, as it would be against a
 * server on another machine.
 *
 * Every answer carries an ETag and a short freshness lifetime
 * (Cache-Control: max-age=DEMO_SERVER_MAX_AGE), and a request whose
 * If-None-Match names the current ETag is answered 304 Not Modified, with no
 * body: a client that revalidates its stale data gets a few hundred bytes
 * instead of 13 MB. The data never changes, so every revalidation is a 304.
 *
 * It can be made slow (every answer waits), or told to fail the next request
 * with a 500. Both switches, and the counters, are atomics: they are set and
 * read from the application's thread.
 */

#include <string.h>

#include <libsoup/soup.h>

#include "demo-server.h"

struct _DemoServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;

  guint         n_records;
  GBytes       *list_body;
  char         *list_etag;
  char         *url;

  /* Set by the thread once it listens, or failed to. */
  GMutex        mutex;
  GCond         cond;
  gboolean      started;
  GError       *error;

  /* Shared with the application's thread. */
  int           delay_ms;
  int           fail_next;
  int           n_requests;
  int           n_not_modified;
};

static const char *const adjectives[] = {
  "Amber", "Brisk", "Cobalt", "Dapper", "Electric", "Frosted", "Golden", "Hidden",
  "Ivory", "Jolly", "Kindred", "Lunar", "Misty", "Nimble", "Olive", "Polar",
  "Quiet", "Rustic", "Silver", "Tidal", "Urban", "Velvet", "Wild", "Zesty",
};

static const char *const nouns[] = {
  "Kettle", "Lantern", "Notebook", "Teapot", "Backpack", "Compass", "Bicycle",
  "Umbrella", "Headphones", "Camera", "Blanket", "Clock", "Radio", "Mug",
  "Telescope", "Typewriter", "Guitar", "Skateboard", "Planter", "Desk Lamp",
};

static const char *const cities[] = {
  "Amsterdam", "Berlin", "Brno", "Cardiff", "Dublin", "Helsinki", "Lisbon",
  "Ljubljana", "Lyon", "Madrid", "Oslo", "Porto", "Prague", "Riga", "Tallinn",
  "Turin", "Valencia", "Vienna", "Vilnius", "Zurich",
};

/* Records are made from their id alone, so the list and each detail agree
 * without keeping 100,000 of anything. */
static void
append_record (GString  *out,
               guint     id,
               gboolean  detail)
{
  guint32 h = id * 2654435761u;
  const char *adjective = adjectives[h % G_N_ELEMENTS (adjectives)];
  const char *noun = nouns[(h >> 8) % G_N_ELEMENTS (nouns)];
  const char *city = cities[(h >> 16) % G_N_ELEMENTS (cities)];
  guint cents = 199 + (h >> 4) % 49800;
  guint stock = (h >> 12) % 500;

  g_string_append_printf (out,
                          "{\"id\":%u,\"sku\":\"%c%c-%06u\",\"name\":\"%s %s\",\"city\":\"%s\","
                          "\"price\":%u.%02u,\"stock\":%u,\"updated\":\"2024-%02u-%02uT%02u:%02u:00Z\"",
                          id, adjective[0], noun[0], id, adjective, noun, city,
                          cents / 100, cents % 100, stock,
                          1 + (h >> 3) % 12, 1 + (h >> 7) % 28, (h >> 11) % 24, (h >> 17) % 60);
  if (detail)
    g_string_append_printf (out,
                            ",\"description\":\"The %s %s, made in %s. "
                            "%u in stock; ships in %u days.\","
                            "\"tags\":[\"%s\",\"%s\"]",
                            adjective, noun, city, stock, 1 + h % 9, noun, city);
  g_string_append_c (out, '}');
}

static GBytes *
make_list (guint n_records)
{
  GString *out = g_string_sized_new (n_records * 90);

  g_string_append_c (out, '[');
  for (guint id = 1; id <= n_records; id++)
    {
      if (id > 1)
        g_string_append_c (out, ',');
      append_record (out, id, FALSE);
    }
  g_string_append_c (out, ']');

  return g_string_free_to_bytes (out);
}

/* A strong ETag for @body: the same bytes, the same tag. */
static char *
make_etag (GBytes *body)
{
  g_autofree char *sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, body);

  return g_strdup_printf ("\"%.16s\"", sha1);
}

/* Whether the If-None-Match of @msg names @etag: a list of tags, weak or
 * strong (compared weakly, as RFC 9110 asks for If-None-Match), or "*". */
static gboolean
etag_matches (SoupServerMessage *msg,
              const char        *etag)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *if_none_match = soup_message_headers_get_list (headers, "If-None-Match");
  GSList *tags;
  gboolean found = FALSE;

  if (if_none_match == NULL)
    return FALSE;

  /* libsoup splits the list, quoted tags and all. */
  tags = soup_header_parse_list (if_none_match);
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

static gboolean
unpause_cb (gpointer user_data)
{
  soup_server_message_unpause (user_data);

  return G_SOURCE_REMOVE;
}

/* Answers, or waits first when the server is slow. With an @etag, the
 * answer is cacheable for DEMO_SERVER_MAX_AGE seconds, and a 304 with no
 * body when the client already holds that version. */
static void
respond (DemoServer        *self,
         SoupServerMessage *msg,
         guint              status,
         GBytes            *body,
         const char        *etag)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  int delay_ms = g_atomic_int_get (&self->delay_ms);

  if (etag != NULL)
    {
      g_autofree char *cache_control = g_strdup_printf ("max-age=%d", DEMO_SERVER_MAX_AGE);

      soup_message_headers_replace (headers, "ETag", etag);
      soup_message_headers_replace (headers, "Cache-Control", cache_control);
      if (etag_matches (msg, etag))
        {
          g_atomic_int_inc (&self->n_not_modified);
          status = SOUP_STATUS_NOT_MODIFIED;
        }
    }

  soup_server_message_set_status (msg, status, NULL);
  if (status != SOUP_STATUS_NOT_MODIFIED)
    {
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
    }

  if (delay_ms > 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

      soup_server_message_pause (msg);
      g_source_set_callback (source, unpause_cb, g_object_ref (msg), g_object_unref);
      g_source_attach (source, self->context);
    }
}

static gboolean
take_failure (DemoServer        *self,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;

  if (!g_atomic_int_compare_and_exchange (&self->fail_next, TRUE, FALSE))
    return FALSE;

  body = g_bytes_new_static ("{\"error\":\"the database is down\"}", 32);
  respond (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, body, NULL);

  return TRUE;
}

static void
records_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  DemoServer *self = user_data;
  guint64 id = 0;

  g_atomic_int_inc (&self->n_requests);

  if (take_failure (self, msg))
    return;

  if (strcmp (path, "/records") == 0)
    {
      respond (self, msg, SOUP_STATUS_OK, self->list_body, self->list_etag);
      return;
    }

  if (g_str_has_prefix (path, "/records/") &&
      g_ascii_string_to_unsigned (path + strlen ("/records/"), 10, 1, self->n_records, &id, NULL))
    {
      GString *out = g_string_new (NULL);
      g_autoptr(GBytes) body = NULL;
      g_autofree char *etag = NULL;

      append_record (out, id, TRUE);
      body = g_string_free_to_bytes (out);
      etag = make_etag (body);
      respond (self, msg, SOUP_STATUS_OK, body, etag);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gpointer
server_thread (gpointer user_data)
{
  DemoServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  g_main_context_push_thread_default (self->context);

  self->list_body = make_list (self->n_records);
  self->list_etag = make_etag (self->list_body);
  self->server = soup_server_new ("server-header", "cacheit-demo ", NULL);
  soup_server_add_handler (self->server, "/records", records_cb, self, NULL);

  if (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      uris = soup_server_get_uris (self->server);
      self->url = g_strdup_printf ("http://127.0.0.1:%d/records", g_uri_get_port (uris->data));
      g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
    }

  g_mutex_lock (&self->mutex);
  self->error = g_steal_pointer (&error);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (self->url != NULL)
    g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections go. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/* Starts the server and returns once it listens. */
DemoServer *
demo_server_new (guint    n_records,
                 GError **error)
{
  g_autoptr(DemoServer) self = g_new0 (DemoServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->n_records = n_records;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("demo-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

void
demo_server_free (DemoServer *self)
{
  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (self->thread);
    }

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->list_body, g_bytes_unref);
  g_clear_pointer (&self->list_etag, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* The URL of the catalogue: http://127.0.0.1:PORT/records. */
const char *
demo_server_get_url (DemoServer *self)
{
  return self->url;
}

guint
demo_server_get_n_records (DemoServer *self)
{
  return self->n_records;
}

gsize
demo_server_get_list_size (DemoServer *self)
{
  return g_bytes_get_size (self->list_body);
}

/* Every answer from now on waits @delay_ms; 0 for none. */
void
demo_server_set_delay (DemoServer *self,
                       guint       delay_ms)
{
  g_atomic_int_set (&self->delay_ms, (int) delay_ms);
}

/* The next request, whichever it is, is answered 500. */
void
demo_server_set_fail_next (DemoServer *self,
                           gboolean    fail_next)
{
  g_atomic_int_set (&self->fail_next, fail_next ? TRUE : FALSE);
}

gboolean
demo_server_get_fail_next (DemoServer *self)
{
  return g_atomic_int_get (&self->fail_next);
}

/* The requests the server received, all told. */
guint
demo_server_get_n_requests (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_requests);
}

/* The requests answered 304 Not Modified, all told. */
guint
demo_server_get_n_not_modified (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_not_modified);
}
