/* test-fixture-server.c: CacheitFixtureServer against libsoup, and the
 * library's resources against it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cacheit-testing.h>

#include <string.h>

/* A safety net, never a timing: what has not happened by then fails. */
#define SAFETY_TIMEOUT_SECONDS 20

typedef struct
{
  CacheitFixtureServer *server;
  SoupSession          *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_test_build_filename (G_TEST_DIST, "data", NULL);

  fixture->server = cacheit_fixture_server_new (directory, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->server);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Close the keep-alive connections before the server stops: libsoup 3.2's
   * server leaks the ones still open. */
  soup_session_abort (fixture->session);
  g_assert_finalize_object (g_steal_pointer (&fixture->session));
  g_assert_finalize_object (g_steal_pointer (&fixture->server));
}

/* GET @path, blocking; @if_none_match is sent when not NULL. Returns the
 * message; the body is in *@body. */
static SoupMessage *
get (Fixture     *fixture,
     const char  *path,
     const char  *if_none_match,
     GBytes     **body,
     GError     **error)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, path);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "If-None-Match", if_none_match);
  *body = soup_session_send_and_read (fixture->session, msg, NULL, error);

  return msg;
}

/* GET @path, which must answer @status; returns the body as a string. */
static char *
get_text (Fixture    *fixture,
          const char *path,
          guint       status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = get (fixture, path, NULL, &body, &error);
  gsize length;
  const char *data;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
  data = g_bytes_get_data (body, &length);

  return g_strndup (data, length);
}

/* Parses @text and returns the string member @name of its object. */
static char *
json_member (const char *text,
             const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  object = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (object, name))
    return NULL;
  if (json_node_get_value_type (json_object_get_member (object, name)) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (object, name));

  return g_strdup (json_object_get_string_member (object, name));
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default main context until *@flag is TRUE. */
static void
wait_for (gboolean *flag)
{
  gboolean timed_out = FALSE;
  GSource *source = g_timeout_source_new_seconds (SAFETY_TIMEOUT_SECONDS);

  g_source_set_callback (source, timeout_cb, &timed_out, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  while (!*flag && !timed_out)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  g_assert_false (timed_out);
}

static void
test_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitFixtureServer) server = cacheit_fixture_server_new (NULL, &error);
  g_autoptr(CacheitFixtureServer) missing = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *url = NULL;
  g_autofree char *property_url = NULL;
  char *directory = NULL;
  guint port = 0;

  g_test_summary ("The server listens on 127.0.0.1, on a port the system picked, "
                  "before new() returns; a missing directory is an error.");

  g_assert_no_error (error);
  g_assert_true (CACHEIT_IS_FIXTURE_SERVER (server));
  g_assert_true (G_IS_INITABLE (server));
  g_assert_cmpuint (cacheit_fixture_server_get_port (server), >, 0);
  expected = g_strdup_printf ("http://127.0.0.1:%u", cacheit_fixture_server_get_port (server));
  g_assert_cmpstr (cacheit_fixture_server_get_url (server), ==, expected);
  url = cacheit_fixture_server_url_for (server, "/posts/7");
  g_assert_true (g_str_has_prefix (url, expected));
  g_assert_cmpstr (url + strlen (expected), ==, "/posts/7");
  g_assert_null (cacheit_fixture_server_get_directory (server));

  g_object_get (server, "url", &property_url, "port", &port, "directory", &directory, NULL);
  g_assert_cmpstr (property_url, ==, expected);
  g_assert_cmpuint (port, ==, cacheit_fixture_server_get_port (server));
  g_assert_null (directory);

  missing = cacheit_fixture_server_new ("/nonexistent/cacheit-testing", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (missing);

  g_assert_finalize_object (g_steal_pointer (&server));
}

static void
test_routes_files (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *file_path = g_test_build_filename (G_TEST_DIST, "data", "posts.json", NULL);
  g_autofree char *file = NULL;
  g_autofree char *list = NULL;
  g_autofree char *item = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *body = NULL;
  g_autofree char *user = NULL;
  g_autofree char *name = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *path = NULL;
  g_autofree char *slash = NULL;

  g_test_summary ("A directory is a REST API: /posts from posts.json, /posts/7 from "
                  "the element with id 7, /posts/42 from posts/42.json, 404 otherwise.");

  g_assert_true (g_file_get_contents (file_path, &file, NULL, NULL));
  list = get_text (fixture, "/posts", SOUP_STATUS_OK);
  g_assert_cmpstr (list, ==, file);

  item = get_text (fixture, "/posts/7", SOUP_STATUS_OK);
  title = json_member (item, "title");
  g_assert_cmpstr (title, ==, "Seven");

  detail = get_text (fixture, "/posts/42", SOUP_STATUS_OK);
  body = json_member (detail, "body");
  g_assert_cmpstr (body, ==, "Served from posts/42.json.");

  /* A string id. */
  user = get_text (fixture, "/users/grace", SOUP_STATUS_OK);
  name = json_member (user, "name");
  g_assert_cmpstr (name, ==, "Grace Hopper");

  slash = get_text (fixture, "/posts/", SOUP_STATUS_OK);
  g_assert_cmpstr (slash, ==, file);

  missing = get_text (fixture, "/posts/99", SOUP_STATUS_NOT_FOUND);
  error = json_member (missing, "error");
  status = json_member (missing, "status");
  path = json_member (missing, "path");
  g_assert_cmpstr (error, ==, "Not Found");
  g_assert_cmpstr (status, ==, "404");
  g_assert_cmpstr (path, ==, "/posts/99");

  g_free (get_text (fixture, "/nothing", SOUP_STATUS_NOT_FOUND));
  g_free (get_text (fixture, "/", SOUP_STATUS_NOT_FOUND));
  /* An element of something that is not an array. */
  g_free (get_text (fixture, "/profile/1", SOUP_STATUS_NOT_FOUND));
  /* Never out of the directory: libsoup refuses an encoded "..". */
  {
    g_autoptr(GError) request_error = NULL;
    g_autoptr(GBytes) refused_body = NULL;
    g_autoptr(SoupMessage) refused = get (fixture, "/posts/..%2Fprofile", NULL, &refused_body,
                                          &request_error);

    g_assert_no_error (request_error);
    g_assert_cmpuint (soup_message_get_status (refused), ==, SOUP_STATUS_BAD_REQUEST);
  }
}

static void
test_routes_code (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *item = NULL;
  g_autofree char *name = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *file_profile = NULL;
  g_autofree char *file_path = g_test_build_filename (G_TEST_DIST, "data", "profile.json", NULL);
  g_autofree char *file = NULL;
  g_autoptr(CacheitFixtureServer) bare = NULL;
  static const char things[] = "[{\"id\": 1, \"name\": \"one\"}, {\"id\": \"b\", \"name\": \"bee\"}]";

  g_test_summary ("Routes set from code answer as files do, replace them, and go away.");

  g_assert_true (cacheit_fixture_server_set_json (fixture->server, "/things", things, &error));
  g_assert_no_error (error);
  list = get_text (fixture, "/things", SOUP_STATUS_OK);
  g_assert_cmpstr (list, ==, things);
  item = get_text (fixture, "/things/b", SOUP_STATUS_OK);
  name = json_member (item, "name");
  g_assert_cmpstr (name, ==, "bee");

  /* A replaced route answers its new JSON. */
  g_assert_true (cacheit_fixture_server_set_json (fixture->server, "/things", "[]", &error));
  replaced = get_text (fixture, "/things", SOUP_STATUS_OK);
  g_assert_cmpstr (replaced, ==, "[]");
  g_free (get_text (fixture, "/things/b", SOUP_STATUS_NOT_FOUND));

  /* Invalid JSON is refused, and the route kept. */
  g_assert_false (cacheit_fixture_server_set_json (fixture->server, "/things", "[1,", &error));
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  g_clear_error (&error);
  g_free (get_text (fixture, "/things", SOUP_STATUS_OK));

  /* A route from code hides a file until it is removed. */
  g_assert_true (g_file_get_contents (file_path, &file, NULL, NULL));
  g_assert_true (cacheit_fixture_server_set_json (fixture->server, "/profile", "{\"name\": \"code\"}", &error));
  profile = get_text (fixture, "/profile", SOUP_STATUS_OK);
  g_assert_cmpstr (profile, ==, "{\"name\": \"code\"}");
  cacheit_fixture_server_remove_json (fixture->server, "/profile");
  file_profile = get_text (fixture, "/profile", SOUP_STATUS_OK);
  g_assert_cmpstr (file_profile, ==, file);
  cacheit_fixture_server_remove_json (fixture->server, "/things");
  g_free (get_text (fixture, "/things", SOUP_STATUS_NOT_FOUND));

  /* Without a directory, only code answers. */
  bare = cacheit_fixture_server_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cacheit_fixture_server_set_json (bare, "/a/b", "{\"c\": 1}", &error));
  {
    g_autofree char *url = cacheit_fixture_server_url_for (bare, "/a/b");
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
    g_autoptr(GBytes) body = soup_session_send_and_read (fixture->session, msg, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
    g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "{\"c\": 1}", 8);
  }
  soup_session_abort (fixture->session);
  g_assert_finalize_object (g_steal_pointer (&bare));
}

static void
test_method (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, "/posts");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(SoupMessage) head = soup_message_new (SOUP_METHOD_HEAD, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_autoptr(GBytes) head_body = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                   ==, "GET, HEAD");

  head_body = soup_session_send_and_read (fixture->session, head, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (head), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (head_body), ==, 0);
  g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (head), "ETag"));
}

static guint
status_with (Fixture    *fixture,
             const char *path,
             const char *if_none_match)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = get (fixture, path, if_none_match, &body, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (msg) == SOUP_STATUS_NOT_MODIFIED)
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);

  return soup_message_get_status (msg);
}

static void
test_etag (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) item_body = NULL;
  g_autoptr(SoupMessage) msg = get (fixture, "/posts", NULL, &body, &error);
  g_autoptr(SoupMessage) item = get (fixture, "/posts/1", NULL, &item_body, &error);
  g_autoptr(SoupMessage) not_modified = NULL;
  g_autoptr(GBytes) not_modified_body = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *weak = NULL;
  g_autofree char *list = NULL;
  g_autofree char *changed = NULL;
  const char *item_etag;

  g_test_summary ("Strong ETags, the weak comparison of If-None-Match, lists, *, "
                  "and not-modified turning 304s off.");

  g_assert_no_error (error);
  etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag"));
  item_etag = soup_message_headers_get_one (soup_message_get_response_headers (item), "ETag");
  g_assert_nonnull (etag);
  g_assert_true (etag[0] == '"' && etag[strlen (etag) - 1] == '"');
  g_assert_cmpstr (item_etag, !=, etag);

  not_modified = get (fixture, "/posts", etag, &not_modified_body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (not_modified), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (not_modified), "ETag"),
                   ==, etag);
  g_assert_cmpuint (g_bytes_get_size (not_modified_body), ==, 0);

  weak = g_strconcat ("W/", etag, NULL);
  list = g_strdup_printf ("\"other\", W/\"another\" ,%s", etag);
  g_assert_cmpuint (status_with (fixture, "/posts", weak), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpuint (status_with (fixture, "/posts", list), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpuint (status_with (fixture, "/posts", "*"), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpuint (status_with (fixture, "/posts", "\"other\""), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (status_with (fixture, "/posts", item_etag), ==, SOUP_STATUS_OK);
  /* A 404 is never a 304. */
  g_assert_cmpuint (status_with (fixture, "/nothing", "*"), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpuint (cacheit_fixture_server_get_not_modified_count (fixture->server, "/posts"), ==, 4);
  g_assert_cmpuint (cacheit_fixture_server_get_not_modified_count (fixture->server, NULL), ==, 4);
  g_assert_cmpuint (cacheit_fixture_server_get_not_modified_count (fixture->server, "/posts/1"), ==, 0);

  /* Turned off: the whole body again. */
  cacheit_fixture_server_set_not_modified (fixture->server, FALSE);
  g_assert_false (cacheit_fixture_server_get_not_modified (fixture->server));
  g_assert_cmpuint (status_with (fixture, "/posts", etag), ==, SOUP_STATUS_OK);
  g_object_set (fixture->server, "not-modified", TRUE, NULL);
  g_assert_cmpuint (status_with (fixture, "/posts", etag), ==, SOUP_STATUS_NOT_MODIFIED);

  /* New data, a new tag. */
  g_assert_true (cacheit_fixture_server_set_json (fixture->server, "/posts", "[]", &error));
  g_assert_cmpuint (status_with (fixture, "/posts", etag), ==, SOUP_STATUS_OK);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *n_notifies = user_data;

  (*n_notifies)++;
}

static void
test_cache_control (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) body2 = NULL;
  g_autoptr(GBytes) body3 = NULL;
  g_autoptr(SoupMessage) none = get (fixture, "/posts", NULL, &body, &error);
  g_autoptr(SoupMessage) max_age = NULL;
  g_autoptr(SoupMessage) not_modified = NULL;
  g_autofree char *cache_control = NULL;
  g_autofree char *property = NULL;
  guint n_notifies = 0;
  const char *etag;

  g_test_summary ("Cache-Control comes from a property, on 200s and 304s; NULL sends none.");

  g_assert_no_error (error);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (none), "Cache-Control"));
  g_assert_null (cacheit_fixture_server_dup_cache_control (fixture->server));

  g_signal_connect (fixture->server, "notify::cache-control", G_CALLBACK (notify_cb), &n_notifies);
  cacheit_fixture_server_set_cache_control (fixture->server, "max-age=60");
  cacheit_fixture_server_set_cache_control (fixture->server, "max-age=60");
  g_assert_cmpuint (n_notifies, ==, 1);
  cache_control = cacheit_fixture_server_dup_cache_control (fixture->server);
  g_assert_cmpstr (cache_control, ==, "max-age=60");
  g_object_get (fixture->server, "cache-control", &property, NULL);
  g_assert_cmpstr (property, ==, "max-age=60");

  max_age = get (fixture, "/posts", NULL, &body2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (max_age), "Cache-Control"),
                   ==, "max-age=60");
  etag = soup_message_headers_get_one (soup_message_get_response_headers (max_age), "ETag");
  not_modified = get (fixture, "/posts", etag, &body3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (not_modified), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (not_modified), "Cache-Control"),
                   ==, "max-age=60");

  g_object_set (fixture->server, "cache-control", NULL, NULL);
  g_assert_cmpuint (n_notifies, ==, 2);
  g_clear_object (&max_age);
  g_clear_pointer (&body2, g_bytes_unref);
  max_age = get (fixture, "/posts", NULL, &body2, &error);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (max_age), "Cache-Control"));
}

typedef struct
{
  gboolean     done;
  GBytes      *body;
  GError      *error;
  gint64       finished;
} Reply;

static void
send_and_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Reply *reply = user_data;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &reply->error);
  reply->finished = g_get_monotonic_time ();
  reply->done = TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  guint *n_ticks = user_data;

  (*n_ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
test_latency (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, "/posts");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  Reply reply = { 0, };
  guint n_ticks = 0;
  guint n_notifies = 0;
  guint tick_id;
  gint64 start;

  g_test_summary ("Latency delays each answer in the server's thread: the test's main "
                  "loop keeps running meanwhile.");

  g_signal_connect (fixture->server, "notify::latency", G_CALLBACK (notify_cb), &n_notifies);
  cacheit_fixture_server_set_latency (fixture->server, 300);
  cacheit_fixture_server_set_latency (fixture->server, 300);
  g_assert_cmpuint (n_notifies, ==, 1);
  g_assert_cmpuint (cacheit_fixture_server_get_latency (fixture->server), ==, 300);

  tick_id = g_timeout_add (10, tick_cb, &n_ticks);
  start = g_get_monotonic_time ();
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    send_and_read_cb, &reply);
  wait_for (&reply.done);
  g_source_remove (tick_id);

  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpint (reply.finished - start, >=, 300 * G_TIME_SPAN_MILLISECOND);
  /* The main loop ran while the server waited. */
  g_assert_cmpuint (n_ticks, >, 1);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 1);
  g_bytes_unref (reply.body);

  g_object_set (fixture->server, "latency", 0, NULL);
  g_assert_cmpuint (n_notifies, ==, 2);
}

static void
test_fail_next (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *first = NULL;
  g_autofree char *status = NULL;
  g_autofree char *error = NULL;

  g_test_summary ("fail_next() answers the next N requests, of any path, with a status.");

  cacheit_fixture_server_fail_next (fixture->server, 2, SOUP_STATUS_SERVICE_UNAVAILABLE);
  first = get_text (fixture, "/posts", SOUP_STATUS_SERVICE_UNAVAILABLE);
  status = json_member (first, "status");
  error = json_member (first, "error");
  g_assert_cmpstr (status, ==, "503");
  g_assert_cmpstr (error, ==, "Service Unavailable");
  g_free (get_text (fixture, "/posts/1", SOUP_STATUS_SERVICE_UNAVAILABLE));
  g_free (get_text (fixture, "/posts", SOUP_STATUS_OK));

  /* A later call replaces the earlier one; 0 fails none. */
  cacheit_fixture_server_fail_next (fixture->server, 5, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_free (get_text (fixture, "/posts", SOUP_STATUS_INTERNAL_SERVER_ERROR));
  cacheit_fixture_server_fail_next (fixture->server, 0, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_free (get_text (fixture, "/posts", SOUP_STATUS_OK));

  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 4);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, NULL), ==, 5);
}

static void
test_drop (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *after = NULL;

  g_test_summary ("drop_next() announces the whole body, sends half of it and closes "
                  "the connection; the next request is answered.");

  cacheit_fixture_server_drop_next (fixture->server, 1);
  msg = get (fixture, "/posts", NULL, &body, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_null (body);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);

  after = get_text (fixture, "/posts", SOUP_STATUS_OK);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 2);

  /* Failures come first, and use up their own count. */
  cacheit_fixture_server_fail_next (fixture->server, 1, SOUP_STATUS_BAD_GATEWAY);
  cacheit_fixture_server_drop_next (fixture->server, 1);
  g_free (get_text (fixture, "/posts", SOUP_STATUS_BAD_GATEWAY));
  g_clear_object (&msg);
  g_clear_error (&error);
  msg = get (fixture, "/posts/7", NULL, &body, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_free (get_text (fixture, "/posts/7", SOUP_STATUS_OK));
}

static void
test_counts (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, "/posts");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *repeated = NULL;
  g_autofree char *absent = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *after_reset = NULL;

  g_test_summary ("Requests are counted per path and all told; the last request's "
                  "headers are kept per path; reset_counts() forgets both.");

  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 0);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, NULL), ==, 0);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer t0k3n");
  soup_message_headers_append (soup_message_get_request_headers (msg), "X-Tag", "a");
  soup_message_headers_append (soup_message_get_request_headers (msg), "X-Tag", "b");
  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_free (get_text (fixture, "/posts/1", SOUP_STATUS_OK));
  g_free (get_text (fixture, "/posts/1", SOUP_STATUS_OK));
  g_free (get_text (fixture, "/nothing", SOUP_STATUS_NOT_FOUND));

  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 1);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts/1"), ==, 2);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/nothing"), ==, 1);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/never"), ==, 0);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, NULL), ==, 4);

  authorization = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts", "Authorization");
  lower = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts", "authorization");
  repeated = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts", "X-Tag");
  absent = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts/1", "Authorization");
  unknown = cacheit_fixture_server_get_last_request_header (fixture->server, "/never", "Host");
  g_assert_cmpstr (authorization, ==, "Bearer t0k3n");
  g_assert_cmpstr (lower, ==, "Bearer t0k3n");
  g_assert_cmpstr (repeated, ==, "a, b");
  g_assert_null (absent);
  g_assert_null (unknown);

  cacheit_fixture_server_reset_counts (fixture->server);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts/1"), ==, 0);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, NULL), ==, 0);
  after_reset = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts", "Authorization");
  g_assert_null (after_reset);
}

typedef struct
{
  CacheitFixtureServer *server;
  guint                 n_requests;
} CountingThread;

static gpointer
count_thread (gpointer user_data)
{
  CountingThread *counting = user_data;
  g_autoptr(SoupSession) session = soup_session_new ();

  for (guint i = 0; i < counting->n_requests; i++)
    {
      g_autofree char *url = cacheit_fixture_server_url_for (counting->server, "/posts/2");
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      /* Switches flipped from this thread while the others run. */
      cacheit_fixture_server_set_latency (counting->server, i % 2);
      g_free (cacheit_fixture_server_get_last_request_header (counting->server, "/posts/2", "Host"));
    }
  soup_session_abort (session);

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  user_data)
{
  CountingThread counting = { fixture->server, 20 };
  GThread *threads[4];

  g_test_summary ("Counts, headers and switches may be used from any thread.");

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("counting", count_thread, &counting);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts/2"),
                    ==, G_N_ELEMENTS (threads) * counting.n_requests);
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *url = g_strdup (cacheit_fixture_server_get_url (fixture->server));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  g_test_summary ("stop() joins the thread and closes the port; it may be called again, "
                  "and counts stay readable.");

  g_free (get_text (fixture, "/posts", SOUP_STATUS_OK));
  soup_session_abort (fixture->session);
  cacheit_fixture_server_stop (fixture->server);
  cacheit_fixture_server_stop (fixture->server);
  g_assert_cmpstr (cacheit_fixture_server_get_url (fixture->server), ==, url);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 1);

  msg = get (fixture, "/posts", NULL, &body, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* The library's resources against the fixture server. */

typedef struct
{
  guint         n_done;
  gboolean      all_done;
  GAsyncResult *results[3];
} Fetches;

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetches *fetches = user_data;

  fetches->results[fetches->n_done++] = g_object_ref (result);
  fetches->all_done = fetches->n_done == G_N_ELEMENTS (fetches->results);
}

static void
test_cacheit_collection (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, "/posts");
  g_autoptr(CacheitCollection) posts = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) seven = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *if_none_match = NULL;
  Fetches fetches = { 0, };

  g_test_summary ("A CacheitCollection pointed at the fixture server: one request for "
                  "three fetches; a failure keeps the data; a reload costs a 304.");

  cacheit_resource_set_session (CACHEIT_RESOURCE (posts), fixture->session);
  cacheit_resource_set_retry_limit (CACHEIT_RESOURCE (posts), 0);

  /* Three widgets ask for the list: one request. */
  for (guint i = 0; i < G_N_ELEMENTS (fetches.results); i++)
    cacheit_resource_fetch_async (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_NONE, NULL,
                                  fetch_cb, &fetches);
  wait_for (&fetches.all_done);
  for (guint i = 0; i < G_N_ELEMENTS (fetches.results); i++)
    {
      g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (posts), fetches.results[i], &error));
      g_assert_no_error (error);
      g_clear_object (&fetches.results[i]);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (posts)), ==, 3);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 1);

  /* Fresh data in hand: no request at all. */
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 1);

  /* A failure loses nothing. */
  cacheit_fixture_server_fail_next (fixture->server, 1, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (posts)), ==, 500);
  g_assert_nonnull (cacheit_resource_get_last_error (CACHEIT_RESOURCE (posts)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (posts)), ==, 3);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 2);

  /* A dropped connection too. */
  cacheit_fixture_server_drop_next (fixture->server, 1);
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (posts)), ==, 3);

  /* A reload names the ETag: 304, the data kept. */
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (posts), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (posts)), ==, SOUP_STATUS_NOT_MODIFIED);
  g_assert_cmpuint (cacheit_fixture_server_get_not_modified_count (fixture->server, "/posts"), ==, 1);
  if_none_match = cacheit_fixture_server_get_last_request_header (fixture->server, "/posts", "If-None-Match");
  g_assert_nonnull (if_none_match);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (posts)), ==, 3);
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts"), ==, 4);

  /* An item fetches its own detail from /posts/7, once. */
  seven = cacheit_collection_get_by_id (posts, "7");
  g_assert_nonnull (seven);
  cacheit_resource_set_session (CACHEIT_RESOURCE (seven), fixture->session);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (seven), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (seven), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (seven, "title"), ==, "Seven");
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/posts/7"), ==, 1);

  g_clear_object (&seven);
  g_assert_finalize_object (g_steal_pointer (&posts));
}

static void
test_cacheit_retry (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *url = cacheit_fixture_server_url_for (fixture->server, "/profile");
  g_autoptr(CacheitModel) profile = cacheit_model_new (url);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A transient failure is retried by the resource: the fixture server "
                  "counts both attempts.");

  cacheit_resource_set_session (CACHEIT_RESOURCE (profile), fixture->session);
  cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (profile), 1);
  cacheit_fixture_server_fail_next (fixture->server, 1, SOUP_STATUS_SERVICE_UNAVAILABLE);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (profile), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (profile, "name"), ==, "Ada Lovelace");
  g_assert_cmpuint (cacheit_fixture_server_get_request_count (fixture->server, "/profile"), ==, 2);

  g_assert_finalize_object (g_steal_pointer (&profile));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/cacheit-testing/fixture-server/" path, Fixture, NULL, \
              fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/cacheit-testing/fixture-server/start", test_start);
  ADD ("routes/files", test_routes_files);
  ADD ("routes/code", test_routes_code);
  ADD ("routes/method", test_method);
  ADD ("etag", test_etag);
  ADD ("cache-control", test_cache_control);
  ADD ("latency", test_latency);
  ADD ("fail-next", test_fail_next);
  ADD ("drop", test_drop);
  ADD ("counts", test_counts);
  ADD ("threads", test_threads);
  ADD ("stop", test_stop);
  ADD ("cacheit/collection", test_cacheit_collection);
  ADD ("cacheit/retry", test_cacheit_retry);

#undef ADD

  return g_test_run ();
}
