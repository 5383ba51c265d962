/* bench-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-common.h"

#include <string.h>

struct _BenchServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint16       port;
  GMutex        lock;
  GCond         ready;
  GHashTable   *bodies;   /* path → GBytes */
  GHashTable   *counts;   /* path → count */
  GHashTable   *etags;    /* path → ETag */
  GHashTable   *not_modified;  /* path → count of 304 answers */
  GHashTable   *latencies;     /* path → ms an answer is held */
  GHashTable   *headers;       /* path → (name → value) of 200 answers */
};

/* Whether an If-None-Match header names @etag, with the weak comparison
 * RFC 9110 asks of If-None-Match. */
static gboolean
etag_matches (const char *if_none_match,
              const char *etag)
{
  GSList *candidates;
  gboolean found = FALSE;

  if (if_none_match == NULL || etag == NULL)
    return FALSE;
  if (g_str_has_prefix (etag, "W/"))
    etag += 2;

  /* libsoup splits the list, quoted tags and all. */
  candidates = soup_header_parse_list (if_none_match);
  for (GSList *l = candidates; l != NULL && !found; l = l->next)
    {
      const char *candidate = l->data;

      if (g_str_has_prefix (candidate, "W/"))
        candidate += 2;
      found = g_str_equal (candidate, "*") || g_str_equal (candidate, etag);
    }
  soup_header_free_list (candidates);

  return found;
}

/* Sends an answer that was held for its latency. */
static gboolean
unpause_cb (gpointer user_data)
{
  soup_server_message_unpause (user_data);
  return G_SOURCE_REMOVE;
}

/* Holds the answer to @msg for @latency_ms, in the server's thread, without
 * blocking it. */
static void
delay_answer (SoupServerMessage *msg,
              guint              latency_ms)
{
  GSource *source;

  if (latency_ms == 0)
    return;

  soup_server_message_pause (msg);
  source = g_timeout_source_new (latency_ms);
  g_source_set_callback (source, unpause_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
handler_cb (SoupServer        *soup_server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BenchServer *server = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *if_none_match;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GHashTable) headers = NULL;
  gboolean not_modified;
  guint latency_ms;

  if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "If-None-Match");

  g_mutex_lock (&server->lock);
  body = g_hash_table_lookup (server->bodies, path);
  if (body != NULL)
    g_bytes_ref (body);
  etag = g_strdup (g_hash_table_lookup (server->etags, path));
  latency_ms = GPOINTER_TO_UINT (g_hash_table_lookup (server->latencies, path));
  headers = g_hash_table_lookup (server->headers, path);
  if (headers != NULL)
    g_hash_table_ref (headers);
  not_modified = body != NULL && etag_matches (if_none_match, etag);
  g_hash_table_insert (server->counts, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, path)) + 1));
  if (not_modified)
    g_hash_table_insert (server->not_modified, g_strdup (path),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (server->not_modified, path)) + 1));
  g_mutex_unlock (&server->lock);

  delay_answer (msg, latency_ms);

  if (body == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  if (etag != NULL)
    soup_message_headers_replace (response_headers, "ETag", etag);

  if (not_modified)
    {
      soup_server_message_set_status (msg, 304, NULL);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
  if (headers != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      /* Its values change under the lock. */
      g_mutex_lock (&server->lock);
      g_hash_table_iter_init (&iter, headers);
      while (g_hash_table_iter_next (&iter, &name, &value))
        soup_message_headers_replace (response_headers, name, value);
      g_mutex_unlock (&server->lock);
    }
  soup_message_headers_set_content_type (response_headers, "application/json", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static gpointer
server_thread (gpointer user_data)
{
  BenchServer *server = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handler_cb, server, NULL);
  if (!soup_server_listen (server->server, address, 0, &error))
    g_error ("listen: %s", error->message);
  uris = soup_server_get_uris (server->server);
  g_mutex_lock (&server->lock);
  server->port = (guint16) g_uri_get_port (uris->data);
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (server->loop);

  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_main_context_pop_thread_default (server->context);

  return NULL;
}

BenchServer *
bench_server_new (void)
{
  BenchServer *server = g_new0 (BenchServer, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->ready);
  server->bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  server->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->etags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->not_modified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->latencies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);

  g_mutex_lock (&server->lock);
  server->thread = g_thread_new ("bench-server", server_thread, server);
  while (server->port == 0)
    g_cond_wait (&server->ready, &server->lock);
  g_mutex_unlock (&server->lock);

  return server;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
bench_server_free (BenchServer *server)
{
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_hash_table_unref (server->bodies);
  g_hash_table_unref (server->counts);
  g_hash_table_unref (server->etags);
  g_hash_table_unref (server->not_modified);
  g_hash_table_unref (server->latencies);
  g_hash_table_unref (server->headers);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->ready);
  g_free (server);
}

char *
bench_server_url (BenchServer *server,
                  const char  *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

void
bench_server_set (BenchServer *server,
                  const char  *path,
                  GBytes      *body)
{
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->bodies, g_strdup (path), g_bytes_ref (body));
  g_mutex_unlock (&server->lock);
}

guint
bench_server_count (BenchServer *server,
                    const char  *path)
{
  guint count;

  g_mutex_lock (&server->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, path));
  g_mutex_unlock (&server->lock);

  return count;
}

void
bench_server_set_etag (BenchServer *server,
                       const char  *path,
                       const char  *etag)
{
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->etags, g_strdup (path), g_strdup (etag));
  g_mutex_unlock (&server->lock);
}

guint
bench_server_count_not_modified (BenchServer *server,
                                 const char  *path)
{
  guint count;

  g_mutex_lock (&server->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (server->not_modified, path));
  g_mutex_unlock (&server->lock);

  return count;
}

void
bench_server_set_latency (BenchServer *server,
                          const char  *path,
                          guint        latency_ms)
{
  g_mutex_lock (&server->lock);
  g_hash_table_insert (server->latencies, g_strdup (path), GUINT_TO_POINTER (latency_ms));
  g_mutex_unlock (&server->lock);
}

void
bench_server_set_header (BenchServer *server,
                         const char  *path,
                         const char  *name,
                         const char  *value)
{
  GHashTable *headers;

  g_mutex_lock (&server->lock);
  headers = g_hash_table_lookup (server->headers, path);
  if (headers == NULL)
    {
      headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (server->headers, g_strdup (path), headers);
    }
  g_hash_table_insert (headers, g_strdup (name), g_strdup (value));
  g_mutex_unlock (&server->lock);
}

GBytes *
bench_make_items (guint n,
                  guint first_id,
                  guint change_every)
{
  GString *s = g_string_sized_new ((gsize) n * 160 + 2);

  g_string_append_c (s, '[');
  for (guint i = 0; i < n; i++)
    {
      guint id = first_id + i;
      gboolean changed = change_every > 0 && i % change_every == 0;

      g_string_append_printf (s,
                              "%s{\"id\":%u,\"name\":\"Record number %u\",\"email\":\"user%u@example.org\","
                              "\"score\":%u.%u,\"active\":%s,\"tags\":[\"alpha\",\"beta\"],"
                              "\"city\":\"%s\",\"updated\":\"2026-11-%02uT10:00:00Z\"}",
                              i > 0 ? "," : "", id, id, id, id % 1000, id % 10,
                              (id % 3) ? "true" : "false",
                              changed ? "Changed City" : "Springfield",
                              1 + id % 28);
    }
  g_string_append_c (s, ']');

  return g_string_free_to_bytes (s);
}

struct _BenchStall
{
  GSource *source;
  gint64   last;
  gint64   longest;
  gint64   longest_end;
};

static gboolean
tick_cb (gpointer user_data)
{
  BenchStall *stall = user_data;
  gint64 now = g_get_monotonic_time ();

  if (now - stall->last > stall->longest)
    {
      stall->longest = now - stall->last;
      stall->longest_end = now;
    }
  stall->last = now;

  return G_SOURCE_CONTINUE;
}

BenchStall *
bench_stall_start (void)
{
  BenchStall *stall = g_new0 (BenchStall, 1);

  stall->source = g_timeout_source_new (1);
  g_source_set_callback (stall->source, tick_cb, stall, NULL);
  g_source_attach (stall->source, g_main_context_get_thread_default ());
  stall->last = g_get_monotonic_time ();

  return stall;
}

double
bench_stall_stop (BenchStall *stall)
{
  double ended_at;

  return bench_stall_stop_at (stall, &ended_at);
}

double
bench_stall_stop_at (BenchStall *stall,
                     double     *ended_at)
{
  double longest;

  tick_cb (stall);
  longest = stall->longest / 1000.0;
  *ended_at = stall->longest_end / 1000.0;
  g_source_destroy (stall->source);
  g_source_unref (stall->source);
  g_free (stall);

  return longest;
}

void
bench_wait (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
}

double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
bench_compare_doubles (gconstpointer a,
                       gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* BenchRecord: one GValue per property, enough for a benchmark. */

typedef struct
{
  CacheitModel parent_instance;
  GValue       values[9];
} BenchRecord;

typedef struct
{
  CacheitModelClass parent_class;
} BenchRecordClass;

G_DEFINE_TYPE (BenchRecord, bench_record, CACHEIT_TYPE_MODEL)

static void
bench_record_finalize (GObject *object)
{
  BenchRecord *self = (BenchRecord *) object;

  for (guint i = 1; i < G_N_ELEMENTS (self->values); i++)
    if (G_IS_VALUE (&self->values[i]))
      g_value_unset (&self->values[i]);

  G_OBJECT_CLASS (bench_record_parent_class)->finalize (object);
}

static void
bench_record_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  BenchRecord *self = (BenchRecord *) object;

  if (G_IS_VALUE (&self->values[prop_id]))
    g_value_copy (&self->values[prop_id], value);
  else
    g_param_value_set_default (pspec, value);
}

static void
bench_record_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  BenchRecord *self = (BenchRecord *) object;

  if (!G_IS_VALUE (&self->values[prop_id]))
    g_value_init (&self->values[prop_id], pspec->value_type);
  g_value_copy (value, &self->values[prop_id]);
}

static void
bench_record_class_init (BenchRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  guint id = 1;

  object_class->finalize = bench_record_finalize;
  object_class->get_property = bench_record_get_property;
  object_class->set_property = bench_record_set_property;

  g_object_class_install_property (object_class, id++, g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_string ("name", NULL, NULL, NULL, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_string ("email", NULL, NULL, NULL, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_double ("score", NULL, NULL, 0, G_MAXDOUBLE, 0, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_boolean ("active", NULL, NULL, FALSE, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_string ("city", NULL, NULL, NULL, flags));
  g_object_class_install_property (object_class, id++, g_param_spec_boxed ("updated", NULL, NULL, G_TYPE_DATE_TIME, flags));
}

static void
bench_record_init (BenchRecord *self)
{
}
