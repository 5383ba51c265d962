/* test-invalidation.c: writes invalidate (RFC 9111, 4.4) — a PUT, POST,
 * PATCH or DELETE the library sent, answered with a status below 400,
 * invalidates its URL and the same-origin URLs of its Location and
 * Content-Location, for every resource of the process (other models and
 * collections of the URL, in any thread) and for the snapshots on disk; the
 * writer's own committed data stays fresh; a failed write invalidates
 * nothing. The table itself (cacheit-invalidation.c) is tested without HTTP.
 * Against a real HTTP server on 127.0.0.1 (tests/cacheit-test-server.c) and
 * real files.
 *
 * No assertion here is about how long something took. Where a test checks
 * that a request was NOT sent, it first makes two round trips of its own to
 * the server (cacheit_test_server_wait_arrivals()). Snapshot I/O runs in one
 * thread, in order: wait_snapshot_io() fetches a resource of another URL in
 * the same directory, whose snapshot load is queued behind the writes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-invalidation.h"
#include "cacheit-store.h"
#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

#define R(obj) CACHEIT_RESOURCE (obj)
#define M(obj) CACHEIT_MODEL (obj)

#define NOTE1 "{\"id\": 1, \"title\": \"a\"}"
#define NOTES "[{\"id\": 1, \"name\": \"one\"}, {\"id\": 2, \"name\": \"two\"}]"

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
  char              *dir;        /* A snapshot directory of the test's own. */
  guint              n_io_waits;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cacheit_test_server_new ();
  fixture->dir = g_dir_make_tmp ("cacheit-invalidation-XXXXXX", &error);
  g_assert_no_error (error);
}

static void wait_snapshot_io (Fixture *fixture);

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  wait_snapshot_io (fixture);
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
url_of (Fixture    *fixture,
        const char *path)
{
  return cacheit_test_server_url (fixture->server, path);
}

static guint
n_get (Fixture    *fixture,
       const char *path)
{
  return cacheit_test_server_count_method (fixture->server, "GET", path);
}

/* @path answers 200 with @body and @etag (nullable), fresh for an hour. */
static void
serve_fresh (Fixture    *fixture,
             const char *path,
             const char *body,
             const char *etag)
{
  cacheit_test_server_set (fixture->server, path, 200, body);
  cacheit_test_server_set_etag (fixture->server, path, etag);
  cacheit_test_server_set_header (fixture->server, path, "Cache-Control", "max-age=3600");
}

/* A model of @path, as an application makes one, fetched (a request, not
 * its snapshot): fresh. */
static CacheitModel *
model_fetched (Fixture    *fixture,
               const char *path)
{
  g_autofree char *url = url_of (fixture, path);
  CacheitModel *model = cacheit_model_new (url);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_false (cacheit_resource_get_stale (R (model)));
  return model;
}

static CacheitCollection *
rows_fetched (Fixture    *fixture,
              const char *path)
{
  g_autofree char *url = url_of (fixture, path);
  CacheitCollection *rows = cacheit_collection_new (TEST_TYPE_ROW, url);

  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_RELOAD);
  g_assert_false (cacheit_resource_get_stale (R (rows)));
  return rows;
}

/* A model of @path in the fixture's directory, which keeps every answer. */
static CacheitModel *
model_in_dir (Fixture    *fixture,
              const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return g_object_new (CACHEIT_TYPE_MODEL,
                       "url", url,
                       "snapshot-directory", fixture->dir,
                       "snapshot-policy", CACHEIT_SNAPSHOT_ALL,
                       NULL);
}

/* A plain fetch of @resource makes no request: it completes from memory,
 * fresh. @n is how many GETs of @path the server had. */
static void
assert_fresh_fetch (Fixture    *fixture,
                    gpointer    resource,
                    const char *path,
                    guint       n)
{
  cacheit_test_fetch_ok (resource, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (resource)));
  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_false (cacheit_resource_get_fetching (R (resource)));
  g_assert_cmpuint (n_get (fixture, path), ==, n);
}

/* A plain fetch of @resource completes from memory at once, stale, and
 * revalidates in the background: the server gets its GET number @n of
 * @path. */
static void
assert_revalidating_fetch (Fixture    *fixture,
                           gpointer    resource,
                           const char *path,
                           guint       n)
{
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  /* The request is held: the fetch completes without it. */
  cacheit_test_server_hold (fixture->server, path);
  cacheit_resource_fetch_async (R (resource), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  g_assert_true (cacheit_resource_fetch_finish (R (resource), done.result, &error));
  g_assert_no_error (error);
  g_assert_true (cacheit_resource_get_stale (R (resource)));
  g_assert_true (cacheit_resource_get_fetching (R (resource)));
  cacheit_test_completion_clear (&done);

  cacheit_test_server_wait_held (fixture->server, path, 1);
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, path), ==, 1);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (resource)));
  cacheit_test_drain ();
  g_assert_cmpuint (n_get (fixture, path), ==, n);
}

/* The first plain fetch of @resource completes from its snapshot (origin
 * DISK), stale or not as @stale says, then revalidates it in the
 * background: the server gets its GET number @n of @path. */
static void
assert_fetch_from_disk (Fixture    *fixture,
                        gpointer    resource,
                        const char *path,
                        gboolean    stale,
                        guint       n)
{
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  /* The revalidation is held: what shows first is the snapshot. */
  cacheit_test_server_hold (fixture->server, path);
  cacheit_resource_fetch_async (R (resource), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  g_assert_true (cacheit_resource_fetch_finish (R (resource), done.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_resource_get_origin (R (resource)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpint (cacheit_resource_get_stale (R (resource)), ==, stale);
  cacheit_test_completion_clear (&done);

  cacheit_test_server_wait_held (fixture->server, path, 1);
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, path), ==, 1);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (resource)));
  cacheit_test_drain ();
  g_assert_cmpuint (n_get (fixture, path), ==, n);
  g_assert_cmpint (cacheit_resource_get_origin (R (resource)), ==, CACHEIT_ORIGIN_NETWORK);
}

/* Waits for the snapshot writes asked so far: fetches a model of a URL
 * nobody else uses, in the fixture's directory; its load is queued behind
 * them. The server answers it 404, so it writes nothing itself. */
static void
wait_snapshot_io (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/snapshot-io-%u", fixture->n_io_waits++);
  g_autofree char *url = url_of (fixture, path);
  CacheitModel *model = g_object_new (CACHEIT_TYPE_MODEL,
                                      "url", url,
                                      "retry-limit", 0,
                                      "snapshot-directory", fixture->dir,
                                      NULL);
  g_autoptr(GError) error = NULL;

  cacheit_test_server_set (fixture->server, path, 404, "{}");
  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* The snapshot of @path in the fixture's directory, read by the test. */
static CacheitSnapshot *
snapshot_load (Fixture    *fixture,
               const char *path)
{
  g_autofree char *url = url_of (fixture, path);
  g_autoptr(CacheitStore) store = _cacheit_store_new (fixture->dir, G_MAXUINT64);
  g_autoptr(GError) error = NULL;
  CacheitSnapshot *snapshot = _cacheit_store_load (store, url, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  return snapshot;
}

/* Writes */

static JsonObject *
object_new (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_node_dup_object (node);
}

static gboolean
save (CacheitModel  *model,
      const char    *changes,
      GError       **error)
{
  g_autoptr(JsonObject) object = object_new (changes);
  CacheitTestCompletion done = { 0 };
  gboolean ok;

  cacheit_model_save_async (model, object, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  ok = cacheit_model_save_finish (model, done.result, error);
  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();

  return ok;
}

static void
save_ok (CacheitModel *model,
         const char   *changes)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (save (model, changes, &error));
  g_assert_no_error (error);
}

static void
destroy_ok (CacheitModel *model)
{
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  cacheit_model_destroy_async (model, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  g_assert_true (cacheit_model_destroy_finish (model, done.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();
}

static CacheitModel *
create (CacheitCollection  *collection,
        const char         *attributes,
        GError            **error)
{
  g_autoptr(JsonObject) object = object_new (attributes);
  CacheitTestCompletion done = { 0 };
  CacheitModel *created;

  cacheit_collection_create_async (collection, object, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  created = cacheit_collection_create_finish (collection, done.result, error);
  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();

  return created;
}

static void
finalize_all (gpointer first,
              ...)
{
  va_list args;

  cacheit_test_drain ();
  va_start (args, first);
  for (gpointer object = first; object != NULL; object = va_arg (args, gpointer))
    g_assert_finalize_object (object);
  va_end (args);
}

/* The table, without HTTP */

static void
assert_keys (const char *request,
             const char *location,
             const char *content_location,
             const char *expected)
{
  g_autoptr(GUri) uri = g_uri_parse (request, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_auto(GStrv) keys = NULL;
  g_autofree char *got = NULL;

  g_assert_nonnull (uri);
  if (location != NULL)
    soup_message_headers_replace (headers, "Location", location);
  if (content_location != NULL)
    soup_message_headers_replace (headers, "Content-Location", content_location);

  keys = _cacheit_invalidation_keys (uri, headers);
  got = g_strjoinv (" ", keys);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_keys (void)
{
  g_test_summary ("RFC 9111, 4.4: the URLs a write's answer invalidates are its own, and "
                  "its Location and Content-Location resolved against it when of the same "
                  "origin (scheme, host, port; a default port is the same as none), each "
                  "once, as snapshot keys (no user information, no fragment)");

  assert_keys ("http://u:p@127.0.0.1:8080/notes#top", NULL, NULL, "http://127.0.0.1:8080/notes");
  assert_keys ("http://127.0.0.1:8080/notes", "/notes/9", "http://127.0.0.1:8080/notes/9",
               "http://127.0.0.1:8080/notes http://127.0.0.1:8080/notes/9");
  assert_keys ("http://127.0.0.1:8080/notes/", "9?x=1", "./9#f",
               "http://127.0.0.1:8080/notes/ http://127.0.0.1:8080/notes/9?x=1 "
               "http://127.0.0.1:8080/notes/9");
  assert_keys ("http://127.0.0.1:8080/notes/1", "/notes/1", "/notes/1", "http://127.0.0.1:8080/notes/1");
  /* Another port, scheme or host is another origin. */
  assert_keys ("http://127.0.0.1:8080/notes", "http://127.0.0.1:8081/notes/9",
               "https://127.0.0.1:8080/notes/9", "http://127.0.0.1:8080/notes");
  assert_keys ("http://127.0.0.1:8080/notes", "//localhost:8080/notes/9", "mailto:a@b",
               "http://127.0.0.1:8080/notes");
  /* The origin is compared without case; the key keeps the host as written
   * (it is the snapshot key, _cacheit_http_snapshot_key()). */
  assert_keys ("http://example.com/a", "http://EXAMPLE.com:80/b", "HTTP://example.com/c",
               "http://example.com/a http://EXAMPLE.com/b http://example.com/c");
  assert_keys ("https://example.com/a", "https://example.com:443/b", "http://example.com/c",
               "https://example.com/a https://example.com/b");
}

static void
test_table (void)
{
  const char *key = "http://table.test/key";
  const char *other = "http://table.test/other";
  guint serial = _cacheit_invalidation_get_serial ();
  gint64 first, second, own = 0;

  g_test_summary ("The table tells whether a key was invalidated after a time, and the "
                  "writer of the last mark whether an earlier one came after its data");

  g_assert_true (_cacheit_invalidation_status_invalidates (200));
  g_assert_true (_cacheit_invalidation_status_invalidates (204));
  g_assert_true (_cacheit_invalidation_status_invalidates (303));
  g_assert_false (_cacheit_invalidation_status_invalidates (400));
  g_assert_false (_cacheit_invalidation_status_invalidates (500));
  g_assert_false (_cacheit_invalidation_status_invalidates (101));

  /* Unmarked: nothing since any time, and no own mark. */
  g_assert_false (_cacheit_invalidation_since (key, g_get_real_time ()));
  g_assert_true (_cacheit_invalidation_since_own (key, g_get_real_time (), &own));
  g_assert_cmpint (own, ==, 0);

  first = _cacheit_invalidation_mark (key);
  g_assert_cmpuint (_cacheit_invalidation_get_serial (), !=, serial);
  g_assert_true (_cacheit_invalidation_since (key, first - 1));
  g_assert_false (_cacheit_invalidation_since (key, first));
  g_assert_false (_cacheit_invalidation_since (other, first - 1));
  /* The writer of the mark, confirmed before it: only its own mark. */
  g_assert_false (_cacheit_invalidation_since_own (key, first - 1, &own));
  g_assert_cmpint (own, ==, first);

  /* The times increase, however fast the marks come. */
  second = _cacheit_invalidation_mark (key);
  g_assert_cmpint (second, >, first);
  g_assert_true (_cacheit_invalidation_since (key, first));
  /* Confirmed before the first mark: that one was another's. */
  g_assert_true (_cacheit_invalidation_since_own (key, first - 1, &own));
  g_assert_cmpint (own, ==, second);
  g_assert_false (_cacheit_invalidation_since_own (key, first, &own));
}

static void
test_table_bounded (void)
{
  gint64 before = _cacheit_invalidation_mark ("http://bounded.test/before");
  gint64 last = 0;
  gint64 after;

  g_test_summary ("The table holds at most CACHEIT_INVALIDATION_MAX_KEYS keys; what it "
                  "dropped counts as invalidated for data confirmed before it (one "
                  "revalidation too many, never stale data as fresh)");

  for (guint i = 0; i < CACHEIT_INVALIDATION_MAX_KEYS + 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("http://bounded.test/%u", i);

      last = _cacheit_invalidation_mark (key);
    }
  g_assert_cmpuint (_cacheit_invalidation_get_n_keys (), ==, CACHEIT_INVALIDATION_MAX_KEYS);

  /* "before" was dropped: data confirmed before its mark still sees it. */
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/before", before - 1));
  /* Any key, for data as old as what was dropped. */
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/never", before));
  /* Data confirmed after everything: nothing. */
  after = _cacheit_invalidation_mark ("http://bounded.test/after");
  g_assert_false (_cacheit_invalidation_since ("http://bounded.test/never", after));
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/after", last));
  g_assert_cmpuint (_cacheit_invalidation_get_n_keys (), ==, CACHEIT_INVALIDATION_MAX_KEYS);
}

/* Resources */

static void
test_put_other_model (Fixture       *fixture,
                      gconstpointer  data)
{
  CacheitModel *writer;
  CacheitModel *other;

  g_test_summary ("RFC 9111, 4.4: a PUT through model A of /notes/1 that succeeds makes "
                  "model B of /notes/1 (another cacheit_model_new, fresh by max-age=3600) "
                  "stale: its next plain fetch completes from memory at once, stale, and "
                  "revalidates in the background with one conditional request; A's own "
                  "data, just committed, stays fresh (even with a Content-Location of its "
                  "own URL)");

  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  writer = model_fetched (fixture, "/notes/1");
  other = model_fetched (fixture, "/notes/1");
  g_assert_cmpuint (n_get (fixture, "/notes/1"), ==, 2);

  /* Fresh: no request. */
  assert_fresh_fetch (fixture, other, "/notes/1", 2);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{\"id\": 1, \"title\": \"b\"}");
  cacheit_test_server_set_header_for_method (fixture->server, "PUT", "/notes/1", "Content-Location", "/notes/1");
  save_ok (writer, "{\"title\": \"b\"}");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 1);

  assert_revalidating_fetch (fixture, other, "/notes/1", 3);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/notes/1"), ==, 1);
  g_assert_false (cacheit_resource_get_stale (R (other)));
  /* Revalidated: fresh again. */
  assert_fresh_fetch (fixture, other, "/notes/1", 3);

  /* The writer holds what it committed. */
  assert_fresh_fetch (fixture, writer, "/notes/1", 3);
  g_assert_cmpstr (cacheit_model_get_string (writer, "title"), ==, "b");

  finalize_all (writer, other, NULL);
}

static void
test_patch_delete (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitModel *writer;
  CacheitModel *other;

  g_test_summary ("RFC 9111, 4.4: a PATCH, and a DELETE, that succeed invalidate the "
                  "other models of their URL too");

  serve_fresh (fixture, "/notes/1", NOTE1, NULL);
  writer = model_fetched (fixture, "/notes/1");
  other = model_fetched (fixture, "/notes/1");

  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/notes/1", 200, "{}");
  {
    g_autoptr(JsonObject) changes = object_new ("{\"title\": \"p\"}");
    CacheitTestCompletion done = { 0 };
    g_autoptr(GError) error = NULL;

    cacheit_model_save_async (writer, changes, CACHEIT_SAVE_PATCH, NULL, cacheit_test_completion_cb, &done);
    cacheit_test_wait_until (done.done);
    g_assert_true (cacheit_model_save_finish (writer, done.result, &error));
    g_assert_no_error (error);
    cacheit_test_completion_clear (&done);
  }
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PATCH", "/notes/1"), ==, 1);
  assert_revalidating_fetch (fixture, other, "/notes/1", 3);

  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/notes/1", 204, NULL);
  destroy_ok (writer);
  assert_revalidating_fetch (fixture, other, "/notes/1", 4);

  finalize_all (writer, other, NULL);
}

static void
test_post_location (Fixture       *fixture,
                    gconstpointer  data)
{
  CacheitCollection *writer;
  CacheitCollection *other;
  CacheitModel *nine;
  CacheitModel *one;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("RFC 9111, 4.4: a POST to /notes answered with Location: /notes/9 and "
                  "Content-Location: /notes/9 makes a fresh model of /notes/9 and another "
                  "collection of /notes revalidate on their next plain fetch; a model of "
                  "/notes/1 stays fresh, and so does the collection that created it");

  serve_fresh (fixture, "/notes", NOTES, "\"l1\"");
  serve_fresh (fixture, "/notes/9", "{\"id\": 9, \"name\": \"old\"}", "\"n9\"");
  serve_fresh (fixture, "/notes/1", "{\"id\": 1, \"name\": \"one\"}", NULL);
  writer = rows_fetched (fixture, "/notes");
  other = rows_fetched (fixture, "/notes");
  nine = model_fetched (fixture, "/notes/9");
  one = model_fetched (fixture, "/notes/1");

  cacheit_test_server_set_for_method (fixture->server, "POST", "/notes", 201, "{\"id\": 9, \"name\": \"new\"}");
  cacheit_test_server_set_header_for_method (fixture->server, "POST", "/notes", "Location", "/notes/9");
  cacheit_test_server_set_header_for_method (fixture->server, "POST", "/notes", "Content-Location", "/notes/9");
  created = create (writer, "{\"name\": \"new\"}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/notes"), ==, 1);

  assert_revalidating_fetch (fixture, other, "/notes", 3);
  assert_revalidating_fetch (fixture, nine, "/notes/9", 2);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/notes/9"), ==, 1);
  assert_fresh_fetch (fixture, one, "/notes/1", 1);
  assert_fresh_fetch (fixture, writer, "/notes", 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (writer)), ==, 3);

  g_clear_object (&created);
  finalize_all (writer, other, nine, one, NULL);
}

static void
test_post_cross_origin (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitTestServer) elsewhere = cacheit_test_server_new ();
  g_autofree char *nine_url = cacheit_test_server_url (elsewhere, "/notes/9");
  CacheitCollection *writer;
  CacheitCollection *other;
  CacheitModel *nine;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("RFC 9111, 4.4: a Location and Content-Location of another origin (another "
                  "port on 127.0.0.1) invalidate nothing there; the POST's own URL is "
                  "invalidated");

  serve_fresh (fixture, "/notes", NOTES, NULL);
  cacheit_test_server_set (elsewhere, "/notes/9", 200, "{\"id\": 9}");
  cacheit_test_server_set_header (elsewhere, "/notes/9", "Cache-Control", "max-age=3600");
  writer = rows_fetched (fixture, "/notes");
  other = rows_fetched (fixture, "/notes");
  nine = cacheit_model_new (nine_url);
  cacheit_test_fetch_ok (nine, CACHEIT_FETCH_RELOAD);

  cacheit_test_server_set_for_method (fixture->server, "POST", "/notes", 201, "{\"id\": 9, \"name\": \"new\"}");
  cacheit_test_server_set_header_for_method (fixture->server, "POST", "/notes", "Location", nine_url);
  cacheit_test_server_set_header_for_method (fixture->server, "POST", "/notes", "Content-Location", nine_url);
  created = create (writer, "{\"name\": \"new\"}", &error);
  g_assert_no_error (error);

  assert_revalidating_fetch (fixture, other, "/notes", 3);
  cacheit_test_fetch_ok (nine, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (nine)));
  cacheit_test_server_wait_arrivals (elsewhere);
  g_assert_cmpuint (cacheit_test_server_count (elsewhere, "/notes/9"), ==, 1);

  g_clear_object (&created);
  finalize_all (writer, other, nine, NULL);
}

static void
test_failed_write (Fixture       *fixture,
                   gconstpointer  data)
{
  guint status = GPOINTER_TO_UINT (data);
  CacheitModel *writer;
  CacheitModel *other;
  CacheitModel *nine;
  CacheitCollection *rows;
  CacheitCollection *other_rows;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("RFC 9111, 4.4: a write that fails (an answer of 400 or more) invalidates "
                  "nothing: neither its URL nor its Location");

  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  serve_fresh (fixture, "/notes/9", "{\"id\": 9}", NULL);
  serve_fresh (fixture, "/notes", NOTES, NULL);
  writer = model_fetched (fixture, "/notes/1");
  other = model_fetched (fixture, "/notes/1");
  nine = model_fetched (fixture, "/notes/9");
  rows = rows_fetched (fixture, "/notes");
  other_rows = rows_fetched (fixture, "/notes");

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", status, "{}");
  cacheit_test_server_set_header_for_method (fixture->server, "PUT", "/notes/1", "Content-Location", "/notes/9");
  g_assert_false (save (writer, "{\"title\": \"refused\"}", &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);

  cacheit_test_server_set_for_method (fixture->server, "POST", "/notes", status, "{}");
  cacheit_test_server_set_header_for_method (fixture->server, "POST", "/notes", "Location", "/notes/9");
  created = create (rows, "{\"name\": \"refused\"}", &error);
  g_assert_null (created);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);

  assert_fresh_fetch (fixture, other, "/notes/1", 2);
  assert_fresh_fetch (fixture, writer, "/notes/1", 2);
  assert_fresh_fetch (fixture, nine, "/notes/9", 1);
  assert_fresh_fetch (fixture, other_rows, "/notes", 2);
  assert_fresh_fetch (fixture, rows, "/notes", 2);

  finalize_all (writer, other, nine, rows, other_rows, NULL);
}

static void
test_writer_after_another_write (Fixture       *fixture,
                                 gconstpointer  data)
{
  CacheitModel *first;
  CacheitModel *second;

  g_test_summary ("RFC 9111, 4.4: a writer's own write spares its data only: a write of "
                  "another model of the URL, answered after the writer's data was "
                  "confirmed, still makes the writer revalidate, and the writer's write "
                  "makes the other revalidate");

  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  first = model_fetched (fixture, "/notes/1");
  second = model_fetched (fixture, "/notes/1");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");

  save_ok (first, "{\"title\": \"first\"}");
  save_ok (second, "{\"title\": \"second\"}");

  assert_revalidating_fetch (fixture, first, "/notes/1", 3);
  assert_revalidating_fetch (fixture, second, "/notes/1", 4);

  finalize_all (first, second, NULL);
}

typedef struct
{
  char     *url;
  GMutex    lock;
  GCond     cond;
  gboolean  written;   /* Under lock. */
  gint      step;      /* Atomic: 1 fetched, 2 done. */
  gboolean  stale;
} ThreadData;

static gpointer
other_thread (gpointer user_data)
{
  ThreadData *td = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  CacheitModel *model;

  g_main_context_push_thread_default (context);
  model = g_object_new (CACHEIT_TYPE_MODEL,
                        "url", td->url,
                        "snapshot-policy", CACHEIT_SNAPSHOT_NONE,
                        NULL);
  g_assert_true (cacheit_resource_fetch (R (model), CACHEIT_FETCH_RELOAD, NULL, NULL));

  g_atomic_int_set (&td->step, 1);
  g_main_context_wakeup (NULL);

  g_mutex_lock (&td->lock);
  while (!td->written)
    g_cond_wait (&td->cond, &td->lock);
  g_mutex_unlock (&td->lock);

  /* From memory, and a revalidation in the background, in this thread. */
  g_assert_true (cacheit_resource_fetch (R (model), CACHEIT_FETCH_NONE, NULL, NULL));
  td->stale = cacheit_resource_get_stale (R (model));
  while (cacheit_resource_get_fetching (R (model)))
    g_main_context_iteration (context, TRUE);

  g_object_unref (model);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  g_atomic_int_set (&td->step, 2);
  g_main_context_wakeup (NULL);

  return NULL;
}

static void
test_other_thread (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/notes/1");
  ThreadData td = { url, { 0 }, { 0 }, FALSE, 0, FALSE };
  CacheitModel *writer;
  GThread *thread;

  g_test_summary ("RFC 9111, 4.4: a write in one thread invalidates a model of its URL made "
                  "in another thread, with its own main context");

  g_mutex_init (&td.lock);
  g_cond_init (&td.cond);
  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  writer = model_fetched (fixture, "/notes/1");

  thread = g_thread_new ("other", other_thread, &td);
  /* This thread runs the server. */
  cacheit_test_wait_until (g_atomic_int_get (&td.step) == 1);
  g_assert_cmpuint (n_get (fixture, "/notes/1"), ==, 2);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  save_ok (writer, "{\"title\": \"b\"}");

  g_mutex_lock (&td.lock);
  td.written = TRUE;
  g_cond_signal (&td.cond);
  g_mutex_unlock (&td.lock);

  cacheit_test_wait_until (g_atomic_int_get (&td.step) == 2);
  g_thread_join (thread);

  g_assert_true (td.stale);
  g_assert_cmpuint (n_get (fixture, "/notes/1"), ==, 3);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/notes/1"), ==, 1);

  g_mutex_clear (&td.lock);
  g_cond_clear (&td.cond);
  finalize_all (writer, NULL);
}

/* Snapshots */

static void
test_snapshot_expired_on_disk (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/notes/1");
  g_autoptr(CacheitSnapshot) before = NULL;
  g_autoptr(CacheitSnapshot) after = NULL;
  CacheitModel *stored;
  CacheitModel *deleter;
  CacheitModel *reader;

  g_test_summary ("RFC 9111, 4.4: a DELETE of /notes/1 by another resource (whose snapshots "
                  "go elsewhere) marks the snapshot of /notes/1 stale on disk (lifetime 0, "
                  "body and validators kept), so that it is stale after a restart too; a "
                  "new resource of the URL in that directory shows the snapshot (origin "
                  "DISK), stale, and revalidates it");

  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  stored = model_in_dir (fixture, "/notes/1");
  cacheit_test_fetch_ok (stored, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (stored)), ==, CACHEIT_ORIGIN_NETWORK);
  wait_snapshot_io (fixture);
  before = snapshot_load (fixture, "/notes/1");
  g_assert_cmpint (before->lifetime, ==, 3600);

  deleter = cacheit_model_new (url);
  cacheit_test_fetch_ok (deleter, CACHEIT_FETCH_RELOAD);
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/notes/1", 204, NULL);
  destroy_ok (deleter);
  wait_snapshot_io (fixture);

  after = snapshot_load (fixture, "/notes/1");
  g_assert_cmpint (after->lifetime, ==, 0);
  g_assert_cmpint (after->stored_at, ==, before->stored_at);
  g_assert_cmpstr (after->etag, ==, "\"v1\"");
  g_assert_cmpmem (g_bytes_get_data (after->body, NULL), g_bytes_get_size (after->body),
                   NOTE1, strlen (NOTE1));

  reader = model_in_dir (fixture, "/notes/1");
  assert_fetch_from_disk (fixture, reader, "/notes/1", TRUE, 3);
  g_assert_cmpstr (cacheit_model_get_string (reader, "title"), ==, "a");
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/notes/1"), ==, 1);

  finalize_all (stored, deleter, reader, NULL);
}

static void
test_snapshot_stale_when_read (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/notes/1");
  g_autofree char *url2 = url_of (fixture, "/notes/2");
  g_autoptr(CacheitStore) store = _cacheit_store_new (fixture->dir, G_MAXUINT64);
  g_autoptr(GBytes) body = g_bytes_new_static (NOTE1, strlen (NOTE1));
  g_autoptr(CacheitSnapshot) kept = NULL;
  gint64 stored_at = g_get_real_time () / G_USEC_PER_SEC - 60;
  g_autoptr(GError) error = NULL;
  CacheitModel *writer;
  CacheitModel *reader;
  CacheitModel *control;

  g_test_summary ("RFC 9111, 4.4: a snapshot stored before a write of its URL counts as "
                  "stale when it is read in the same process, even one that the write did "
                  "not reach on disk (in a directory no resource had used yet); a "
                  "snapshot of another URL stays fresh");

  g_assert_true (_cacheit_store_save (store, url, body, "\"v1\"", NULL, NULL, stored_at, 3600, &error));
  g_assert_no_error (error);
  g_assert_true (_cacheit_store_save (store, url2, body, "\"v2\"", NULL, NULL, stored_at, 3600, &error));
  g_assert_no_error (error);

  serve_fresh (fixture, "/notes/1", NOTE1, "\"v1\"");
  serve_fresh (fixture, "/notes/2", NOTE1, "\"v2\"");
  writer = model_fetched (fixture, "/notes/1");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  save_ok (writer, "{\"title\": \"b\"}");

  /* The file is as it was: the directory was not known to the process. */
  kept = _cacheit_store_load (store, url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kept->lifetime, ==, 3600);

  reader = model_in_dir (fixture, "/notes/1");
  assert_fetch_from_disk (fixture, reader, "/notes/1", TRUE, 2);

  control = model_in_dir (fixture, "/notes/2");
  assert_fetch_from_disk (fixture, control, "/notes/2", FALSE, 1);

  finalize_all (writer, reader, control, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_DATA(path, func, value) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (value), fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/cacheit/invalidation/keys", test_keys);
  g_test_add_func ("/cacheit/invalidation/table", test_table);
  ADD ("/cacheit/invalidation/put/other-model-revalidates", test_put_other_model);
  ADD ("/cacheit/invalidation/patch-and-delete", test_patch_delete);
  ADD ("/cacheit/invalidation/post/location-and-content-location", test_post_location);
  ADD ("/cacheit/invalidation/post/cross-origin-location", test_post_cross_origin);
  ADD_DATA ("/cacheit/invalidation/failed/404", test_failed_write, 404);
  ADD_DATA ("/cacheit/invalidation/failed/422", test_failed_write, 422);
  ADD_DATA ("/cacheit/invalidation/failed/500", test_failed_write, 500);
  ADD ("/cacheit/invalidation/writer/another-write-still-counts", test_writer_after_another_write);
  ADD ("/cacheit/invalidation/other-thread", test_other_thread);
  ADD ("/cacheit/invalidation/snapshot/expired-on-disk", test_snapshot_expired_on_disk);
  ADD ("/cacheit/invalidation/snapshot/stale-when-read", test_snapshot_stale_when_read);
  /* Last: it moves the horizon. */
  g_test_add_func ("/cacheit/invalidation/table/bounded", test_table_bounded);

#undef ADD_DATA
#undef ADD

  return g_test_run ();
}
