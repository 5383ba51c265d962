/* test-snapshot.c: issue 8 — persistent snapshots wired into resources:
 * start-up from disk (models and collections), the background revalidation
 * that follows (304, 200, failure), staleness from the stored age, the
 * snapshot policies, the key (no userinfo, no fragment), files that are not
 * whole snapshots, bodies that no longer decode, many snapshots in one
 * directory, the default directory, snapshots that follow saves, and the
 * GApplication hold while a write is pending, and the fetch policies that
 * choose between disk and network (CACHE_ONLY, SKIP_SNAPSHOT). Against a real HTTP server on
 * 127.0.0.1 (tests/cacheit-test-server.c) and real files.
 *
 * Snapshot I/O runs in one worker thread per process, in FIFO order (see
 * docs and the spec of issue 8): a test that must know the writes it caused
 * are done fetches a resource of another URL in the same directory
 * (wait_snapshot_io(): its snapshot load is queued after them, and its fetch
 * completes after that load). No assertion here is about how long something took; times
 * are compared by their order only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE   /* memmem() */

#include <string.h>

#include <glib/gstdio.h>

#include <cacheit.h>

#include "cacheit-store.h"
#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

#define R(obj) CACHEIT_RESOURCE (obj)

/* A model whose parse() takes the "payload" member of the response, and
 * counts its calls: the slow path. */

#define TEST_TYPE_PAYLOAD_MODEL (test_payload_model_get_type ())
G_DECLARE_FINAL_TYPE (TestPayloadModel, test_payload_model, TEST, PAYLOAD_MODEL, CacheitModel)

struct _TestPayloadModel
{
  CacheitModel parent_instance;
  guint        n_parse;
};

G_DEFINE_FINAL_TYPE (TestPayloadModel, test_payload_model, CACHEIT_TYPE_MODEL)

static JsonNode *
test_payload_model_parse (CacheitResource  *resource,
                          JsonNode         *response,
                          GError          **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (response) ? json_node_get_object (response) : NULL;
  JsonNode *payload = object != NULL ? json_object_get_member (object, "payload") : NULL;

  TEST_PAYLOAD_MODEL (resource)->n_parse++;
  if (payload == NULL)
    {
      g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE, "no payload");
      return NULL;
    }

  return json_node_copy (payload);
}

static void
test_payload_model_class_init (TestPayloadModelClass *klass)
{
  CACHEIT_RESOURCE_CLASS (klass)->parse = test_payload_model_parse;
}

static void
test_payload_model_init (TestPayloadModel *self)
{
}

/* Signal counters of one resource */

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
  char              *dir;      /* snapshot-directory of most resources here. */
  CacheitStore      *store;    /* The test's own view of it. */
  guint              n_io_waits;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cacheit_test_server_new ();
  fixture->dir = g_dir_make_tmp ("cacheit-snapshot-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = _cacheit_store_new (fixture->dir, G_MAXUINT64);
}

static void wait_snapshot_io_in (Fixture *fixture, const char *dir);

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Let the writes of the test land before the directory goes. */
  cacheit_test_drain ();
  wait_snapshot_io_in (fixture, fixture->dir);
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
  g_clear_pointer (&fixture->store, _cacheit_store_unref);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
url_of (Fixture    *fixture,
        const char *path)
{
  return cacheit_test_server_url (fixture->server, path);
}

static guint
count (Fixture    *fixture,
       const char *path)
{
  return cacheit_test_server_count (fixture->server, path);
}

static void
serve (Fixture    *fixture,
       const char *path,
       const char *body,
       const char *etag)
{
  cacheit_test_server_set (fixture->server, path, 200, body);
  cacheit_test_server_set_etag (fixture->server, path, etag);
}

/* A model of @url, in the fixture's snapshot directory, that retries after
 * 1 ms. */
static CacheitModel *
model_at (Fixture    *fixture,
          const char *url)
{
  return g_object_new (CACHEIT_TYPE_MODEL,
                       "url", url,
                       "retry-delay", 1,
                       "snapshot-directory", fixture->dir,
                       NULL);
}

static CacheitModel *
model_new (Fixture    *fixture,
           const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return model_at (fixture, url);
}

static TestRow *
row_new (Fixture    *fixture,
         const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return g_object_new (TEST_TYPE_ROW,
                       "url", url,
                       "retry-delay", 1,
                       "snapshot-directory", fixture->dir,
                       NULL);
}

static CacheitCollection *
rows_new (Fixture    *fixture,
          const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return g_object_new (CACHEIT_TYPE_COLLECTION,
                       "item-type", TEST_TYPE_ROW,
                       "url", url,
                       "retry-delay", 1,
                       "snapshot-directory", fixture->dir,
                       NULL);
}

static void
finish_ok (gpointer               resource,
           CacheitTestCompletion *c)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (c->done);
  g_assert_cmpuint (c->n_calls, ==, 1);
  g_assert_true (cacheit_resource_fetch_finish (R (resource), c->result, &error));
  g_assert_no_error (error);
}

/* Waits for the writes asked so far (by any resource of this process) to be
 * done: fetches a resource of a URL nobody else uses, in @dir (NULL for the
 * default), whose snapshot load is queued behind them. The server answers it
 * 404, so it writes nothing itself. */
static void
wait_snapshot_io_in (Fixture    *fixture,
                     const char *dir)
{
  g_autofree char *path = g_strdup_printf ("/snapshot-io-%u", fixture->n_io_waits++);
  g_autofree char *url = url_of (fixture, path);
  CacheitModel *model = g_object_new (CACHEIT_TYPE_MODEL,
                                      "url", url,
                                      "retry-limit", 0,
                                      "snapshot-directory", dir,
                                      NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (count (fixture, path), ==, 1);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* wait_snapshot_io_in() the fixture's directory. */
static void
wait_snapshot_io (Fixture *fixture)
{
  wait_snapshot_io_in (fixture, fixture->dir);
}

/* The file that holds the snapshot of @url in the fixture's directory. */
static char *
snapshot_path_of_url (Fixture    *fixture,
                      const char *url)
{
  return _cacheit_store_get_path (fixture->store, url);
}

static char *
snapshot_path (Fixture    *fixture,
               const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return snapshot_path_of_url (fixture, url);
}

static gboolean
snapshot_exists (Fixture    *fixture,
                 const char *path)
{
  g_autofree char *file = snapshot_path (fixture, path);

  return g_file_test (file, G_FILE_TEST_EXISTS);
}

/* The snapshot of @path, read by the test, or NULL. */
static CacheitSnapshot *
snapshot_load (Fixture    *fixture,
               const char *path)
{
  g_autofree char *url = url_of (fixture, path);
  g_autoptr(GError) error = NULL;
  CacheitSnapshot *snapshot = _cacheit_store_load (fixture->store, url, &error);

  g_assert_no_error (error);
  return snapshot;
}

/* Writes a snapshot of @path as the test wants it. */
static void
snapshot_save (Fixture    *fixture,
               const char *path,
               const char *body,
               const char *etag,
               gint64      stored_at,
               gint64      lifetime)
{
  g_autofree char *url = url_of (fixture, path);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;

  g_assert_true (_cacheit_store_save (fixture->store, url, bytes, etag, NULL, NULL,
                                      stored_at, lifetime, &error));
  g_assert_no_error (error);
}

static void
assert_body (CacheitSnapshot *snapshot,
             const char      *expected)
{
  gsize length;
  const char *data;

  g_assert_nonnull (snapshot);
  data = g_bytes_get_data (snapshot->body, &length);
  g_assert_cmpmem (data, length, expected, strlen (expected));
}

/* Whether the JSON texts @a and @b are equal values. */
static gboolean
json_equal (const char *a,
            const char *b)
{
  g_autoptr(JsonNode) node_a = json_from_string (a, NULL);
  g_autoptr(JsonNode) node_b = json_from_string (b, NULL);

  g_assert_nonnull (node_a);
  g_assert_nonnull (node_b);
  return json_node_equal (node_a, node_b);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Properties */

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/props");
  CacheitModel *model = cacheit_model_new (url);
  CacheitCollection *rows = cacheit_collection_new (TEST_TYPE_ROW, url);
  GParamSpec *pspec;
  CacheitSnapshotPolicy policy = CACHEIT_SNAPSHOT_NONE;
  g_autofree char *directory = NULL;
  guint n_policy = 0;
  guint n_directory = 0;

  g_test_summary ("snapshot-policy and snapshot-directory: types, defaults (SHAREABLE, "
                  "NULL), round trips, notify on change");

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "snapshot-policy");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == CACHEIT_TYPE_SNAPSHOT_POLICY);
  g_assert_cmpint (pspec->flags & G_PARAM_READWRITE, ==, G_PARAM_READWRITE);
  g_assert_cmpint (G_PARAM_SPEC_ENUM (pspec)->default_value, ==, CACHEIT_SNAPSHOT_SHAREABLE);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "snapshot-directory");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING);
  g_assert_cmpint (pspec->flags & G_PARAM_READWRITE, ==, G_PARAM_READWRITE);
  g_assert_null (G_PARAM_SPEC_STRING (pspec)->default_value);

  g_assert_cmpint (cacheit_resource_get_snapshot_policy (R (model)), ==, CACHEIT_SNAPSHOT_SHAREABLE);
  g_assert_cmpint (cacheit_resource_get_snapshot_policy (R (rows)), ==, CACHEIT_SNAPSHOT_SHAREABLE);
  g_assert_null (cacheit_resource_get_snapshot_directory (R (model)));
  g_assert_null (cacheit_resource_get_snapshot_directory (R (rows)));

  g_signal_connect (model, "notify::snapshot-policy", G_CALLBACK (count_cb), &n_policy);
  g_signal_connect (model, "notify::snapshot-directory", G_CALLBACK (count_cb), &n_directory);

  cacheit_resource_set_snapshot_policy (R (model), CACHEIT_SNAPSHOT_ALL);
  g_assert_cmpint (cacheit_resource_get_snapshot_policy (R (model)), ==, CACHEIT_SNAPSHOT_ALL);
  g_assert_cmpuint (n_policy, ==, 1);
  g_object_set (model, "snapshot-policy", CACHEIT_SNAPSHOT_NONE, NULL);
  g_object_get (model, "snapshot-policy", &policy, NULL);
  g_assert_cmpint (policy, ==, CACHEIT_SNAPSHOT_NONE);
  g_assert_cmpuint (n_policy, ==, 2);

  cacheit_resource_set_snapshot_directory (R (model), fixture->dir);
  g_assert_cmpstr (cacheit_resource_get_snapshot_directory (R (model)), ==, fixture->dir);
  g_assert_cmpuint (n_directory, ==, 1);
  g_object_get (model, "snapshot-directory", &directory, NULL);
  g_assert_cmpstr (directory, ==, fixture->dir);
  cacheit_resource_set_snapshot_directory (R (model), NULL);
  g_assert_null (cacheit_resource_get_snapshot_directory (R (model)));
  g_assert_cmpuint (n_directory, ==, 2);

  /* Nothing fetched: no data, no origin. */
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_cmpint (CACHEIT_ORIGIN_DISK, !=, CACHEIT_ORIGIN_NETWORK);

  g_assert_finalize_object (model);
  g_assert_finalize_object (rows);
}

static void
test_default_directory (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/default");
  CacheitModel *model = cacheit_model_new (url);
  CacheitModel *again = cacheit_model_new (url);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), g_get_prgname (),
                                                "cacheit", NULL);
  g_autofree char *default_directory = _cacheit_store_default_directory ();
  g_autoptr(CacheitStore) store = _cacheit_store_new (expected, G_MAXUINT64);
  g_autofree char *file = _cacheit_store_get_path (store, url);
  g_autofree char *in_fixture = snapshot_path (fixture, "/default");
  CacheitTestCompletion c = { 0 };

  g_test_summary ("With snapshot-directory NULL, snapshots go to "
                  "g_get_user_cache_dir()/<prgname>/cacheit, and are read from there");

  g_assert_cmpstr (default_directory, ==, expected);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));

  serve (fixture, "/default", "{\"id\": 1, \"title\": \"default\"}", "\"d\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  wait_snapshot_io_in (fixture, NULL);
  g_assert_null (cacheit_resource_get_snapshot_directory (R (model)));
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (file, g_get_user_cache_dir ()));
  g_assert_false (g_file_test (in_fixture, G_FILE_TEST_EXISTS));

  /* Another resource of the default directory starts from it. */
  cacheit_test_server_hold (fixture->server, "/default");
  cacheit_resource_fetch_async (R (again), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  finish_ok (again, &c);
  g_assert_cmpint (cacheit_resource_get_origin (R (again)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (cacheit_model_get_string (again, "title"), ==, "default");
  cacheit_test_server_wait_held (fixture->server, "/default", 1);
  cacheit_test_server_release (fixture->server, "/default");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (again)));
  g_assert_cmpint (cacheit_resource_get_origin (R (again)), ==, CACHEIT_ORIGIN_NETWORK);

  wait_snapshot_io_in (fixture, NULL);
  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (again);
}

/* Start-up from a snapshot */

static void
test_startup_server_error (Fixture       *fixture,
                           gconstpointer  data)
{
  static const char body[] = "{\"id\": 1, \"title\": \"stored\"}";
  CacheitModel *first = model_new (fixture, "/item");
  CacheitModel *model = model_new (fixture, "/item");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion again = { 0 };
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) earliest = NULL;
  g_autoptr(GDateTime) first_updated = NULL;
  g_autoptr(GDateTime) updated = NULL;
  g_autoptr(GDateTime) after = NULL;
  JsonObject *attributes;

  g_test_summary ("Start-up with the server answering 503: the first fetch succeeds from "
                  "the snapshot (origin DISK, sync once, the stored data and time); the "
                  "revalidation fails with ::error and last-error, the data and origin "
                  "stay; the next plain fetch makes a request and waits for it (R5)");

  serve (fixture, "/item", body, "\"s1\"");
  before = g_date_time_new_now_utc ();
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (first)), ==, CACHEIT_ORIGIN_NETWORK);
  first_updated = g_date_time_new_now_utc ();
  g_assert_cmpuint (count (fixture, "/item"), ==, 1);

  /* The server is down now. A second resource, as a new run would make. */
  cacheit_test_server_set (fixture->server, "/item", 503, "{\"error\": \"down\"}");
  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_set_retry_limit (R (model), 0);
  counters_connect (&c, model);

  /* It completes without waiting for the network (held). */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_cmpstr (c.changed->str, ==, "id title ");
  g_assert_cmpuint (n_notified (&c, "origin"), ==, 1);
  g_assert_cmpuint (n_notified (&c, "fetched"), ==, 1);
  g_assert_cmpuint (n_notified (&c, "last-updated"), ==, 1);
  g_assert_null (cacheit_resource_get_last_error (R (model)));
  assert_attributes (model, body);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "stored");
  attributes = cacheit_model_get_attributes (model);

  /* When the server confirmed the body: during the first resource's fetch
   * (the file keeps whole seconds). */
  updated = dup_last_updated (model);
  g_assert_nonnull (updated);
  earliest = g_date_time_add_seconds (before, -1);
  g_assert_cmpint (g_date_time_compare (updated, earliest), >=, 0);
  g_assert_cmpint (g_date_time_compare (updated, first_updated), <=, 0);
  g_assert_false (cacheit_resource_get_stale (R (model)));

  /* One revalidation, in the background, with the snapshot's ETag. */
  g_assert_true (cacheit_resource_get_fetching (R (model)));
  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/item"), ==, 2);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "If-None-Match"), ==, "\"s1\"");

  /* It fails: the error is told, the data stays, from disk still. */
  cacheit_test_server_release (fixture->server, "/item");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/item"), ==, 2);
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_error (c.error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (c.error), ==, 503);
  g_assert_error (cacheit_resource_get_last_error (R (model)), CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 503);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  g_assert_true (cacheit_model_get_attributes (model) == attributes);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "stored");
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id title ");

  /* R5: the next plain fetch makes a request and waits for it; a 304 then
   * confirms the body from disk. */
  serve (fixture, "/item", body, "\"s1\"");
  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &again);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_test_drain ();
  g_assert_false (again.done);
  g_assert_cmpuint (count (fixture, "/item"), ==, 3);
  cacheit_test_server_release (fixture->server, "/item");
  cacheit_test_wait_until (again.done);
  finish_ok (model, &again);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 304);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_null (cacheit_resource_get_last_error (R (model)));
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id title ");
  after = dup_last_updated (model);
  g_assert_cmpint (g_date_time_compare (after, updated), >=, 0);

  cacheit_test_completion_clear (&again);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static void
test_startup_server_gone (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char body[] = "{\"id\": 7, \"title\": \"kept\", \"tags\": [\"a\", \"b\"]}";
  CacheitTestServer *gone = cacheit_test_server_new ();
  g_autofree char *url = cacheit_test_server_url (gone, "/gone");
  CacheitModel *first = model_at (fixture, url);
  CacheitModel *model = model_at (fixture, url);
  g_auto(Counters) c = { 0 };

  g_test_summary ("Start-up with no server at all (connection refused): the first fetch "
                  "succeeds from the snapshot; the revalidation fails with the G_IO_ERROR, "
                  "the data and origin DISK stay");

  cacheit_test_server_set (gone, "/gone", 200, body);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  cacheit_test_server_free (gone);

  cacheit_resource_set_retry_limit (R (model), 0);
  counters_connect (&c, model);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  assert_attributes (model, body);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_changed, ==, 3);

  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_error (cacheit_resource_get_last_error (R (model)), G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  assert_attributes (model, body);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_changed, ==, 3);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static void
test_startup_joined (Fixture       *fixture,
                     gconstpointer  data)
{
  CacheitModel *first = model_new (fixture, "/joined");
  CacheitModel *model = model_new (fixture, "/joined");
  CacheitTestCompletion done[3] = { { 0 } };
  g_auto(Counters) c = { 0 };

  g_test_summary ("Callers that ask while the snapshot is being loaded all complete from it, "
                  "once each, with one result; one revalidation is made; a caller after "
                  "that completes from the cache (R3)");

  serve (fixture, "/joined", "{\"id\": 2}", "\"j\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  cacheit_test_server_hold (fixture->server, "/joined");
  counters_connect (&c, model);

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  g_assert_false (done[0].done);
  g_assert_false (done[1].done);
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  finish_ok (model, &done[0]);
  finish_ok (model, &done[1]);
  g_assert_true (done[0].result == done[1].result);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);

  /* Another plain fetch meanwhile: from the cache, no second request. */
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[2]);
  cacheit_test_wait_until (done[2].done);
  finish_ok (model, &done[2]);
  cacheit_test_server_wait_held (fixture->server, "/joined", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/joined"), ==, 2);

  cacheit_test_server_release (fixture->server, "/joined");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/joined"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/joined"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static void
test_startup_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  CacheitModel *first = model_new (fixture, "/cancel");
  CacheitModel *model = model_new (fixture, "/cancel");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A caller cancelled while the snapshot loads completes alone with "
                  "G_IO_ERROR_CANCELLED and nothing is applied; the next fetch starts "
                  "from the snapshot");

  serve (fixture, "/cancel", "{\"id\": 4}", "\"c\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  counters_connect (&c, model);

  cacheit_test_server_hold (fixture->server, "/cancel");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, cancellable, cacheit_test_completion_cb, &done);
  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (done.done);
  g_assert_false (cacheit_resource_fetch_finish (R (model), done.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  cacheit_test_completion_clear (&done);

  /* Whatever the worker was doing is done by wait_snapshot_io(): nothing applied. */
  wait_snapshot_io (fixture);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetched (R (model)));
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_cmpuint (count (fixture, "/cancel"), ==, 1);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 4);
  g_assert_cmpuint (c.n_sync, ==, 1);
  cacheit_test_server_wait_held (fixture->server, "/cancel", 1);
  cacheit_test_server_release (fixture->server, "/cancel");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static void
test_startup_reload_supersedes (Fixture       *fixture,
                                gconstpointer  data)
{
  CacheitModel *first = model_new (fixture, "/superseded");
  CacheitModel *model = model_new (fixture, "/superseded");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion done[2] = { { 0 } };

  g_test_summary ("A reload asked while the snapshot loads supersedes it (R4): both callers "
                  "complete once, after the request, with the server's data; the snapshot's "
                  "data is never applied");

  serve (fixture, "/superseded", "{\"id\": 1, \"v\": \"disk\"}", "\"d\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  serve (fixture, "/superseded", "{\"id\": 1, \"v\": \"network\"}", "\"n\"");
  counters_connect (&c, model);

  cacheit_test_server_hold (fixture->server, "/superseded");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_server_wait_held (fixture->server, "/superseded", 1);
  wait_snapshot_io (fixture);
  cacheit_test_drain ();
  g_assert_false (done[0].done);
  g_assert_false (done[1].done);
  g_assert_false (cacheit_resource_get_fetched (R (model)));
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/superseded", "If-None-Match"));

  cacheit_test_server_release (fixture->server, "/superseded");
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  finish_ok (model, &done[0]);
  finish_ok (model, &done[1]);
  cacheit_test_drain ();
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id v ");
  g_assert_cmpstr (cacheit_model_get_string (model, "v"), ==, "network");
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (count (fixture, "/superseded"), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static TestPayloadModel *
payload_model_new (Fixture    *fixture,
                   const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  return g_object_new (TEST_TYPE_PAYLOAD_MODEL,
                       "url", url,
                       "retry-delay", 1,
                       "snapshot-directory", fixture->dir,
                       NULL);
}

static void
test_startup_parse_override (Fixture       *fixture,
                             gconstpointer  data)
{
  static const char body[] = "{\"payload\": {\"id\": 5, \"title\": \"parsed\"}}";
  TestPayloadModel *first = payload_model_new (fixture, "/parsed");
  TestPayloadModel *model = payload_model_new (fixture, "/parsed");
  TestPayloadModel *refused = payload_model_new (fixture, "/no-payload");
  CacheitModel *writer = model_new (fixture, "/no-payload");
  CacheitTestCompletion c = { 0 };

  g_test_summary ("A resource that overrides parse() starts from its snapshot through "
                  "parse(); a snapshot its parse() refuses sends the fetch to the network");

  serve (fixture, "/parsed", body, "\"p\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (first->n_parse, ==, 1);

  cacheit_test_server_hold (fixture->server, "/parsed");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (model->n_parse, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (CACHEIT_MODEL (model), "{\"id\": 5, \"title\": \"parsed\"}");
  cacheit_test_server_wait_held (fixture->server, "/parsed", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/parsed", "If-None-Match"), ==, "\"p\"");
  cacheit_test_server_release (fixture->server, "/parsed");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  /* A 304 parses nothing. */
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/parsed"), ==, 1);
  g_assert_cmpuint (model->n_parse, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);

  /* A plain model wrote a body with no payload: parse() refuses it. */
  serve (fixture, "/no-payload", "{\"id\": 6}", "\"np\"");
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);
  cacheit_test_server_set (fixture->server, "/no-payload", 200, "{\"payload\": {\"id\": 7}}");
  cacheit_test_server_hold (fixture->server, "/no-payload");
  cacheit_resource_fetch_async (R (refused), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_server_wait_held (fixture->server, "/no-payload", 1);
  cacheit_test_drain ();
  g_assert_false (c.done);
  g_assert_cmpuint (refused->n_parse, ==, 1);
  g_assert_false (cacheit_resource_get_fetched (R (refused)));
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/no-payload", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/no-payload");
  cacheit_test_wait_until (c.done);
  finish_ok (refused, &c);
  g_assert_cmpuint (refused->n_parse, ==, 2);
  g_assert_cmpint (cacheit_model_get_int (CACHEIT_MODEL (refused), "id"), ==, 7);
  g_assert_cmpint (cacheit_resource_get_origin (R (refused)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_null (cacheit_resource_get_last_error (R (refused)));

  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();
  g_assert_finalize_object (first);
  g_assert_finalize_object (model);
  g_assert_finalize_object (refused);
  g_assert_finalize_object (writer);
}

/* The revalidation after a start from disk */

static void
test_revalidate_304 (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char body[] = "{\"id\": 1, \"name\": \"a\", \"rank\": 2}";
  TestRow *first = row_new (fixture, "/row");
  TestRow *row = row_new (fixture, "/row");
  g_auto(Counters) c = { 0 };
  g_autoptr(GDateTime) from_disk = NULL;
  g_autoptr(GDateTime) confirmed = NULL;
  JsonObject *attributes;

  g_test_summary ("After a start from disk, the revalidation carries the snapshot's ETag; "
                  "its 304 makes origin NETWORK and emits no sync, no changed, no typed "
                  "notify");

  serve (fixture, "/row", body, "W/\"r1\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);

  cacheit_test_server_hold (fixture->server, "/row");
  counters_connect (&c, row);
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (row)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id name rank ");
  g_assert_cmpuint (n_notified (&c, "name"), ==, 1);
  g_assert_cmpuint (n_notified (&c, "rank"), ==, 1);
  g_assert_cmpstr (row->name, ==, "a");
  g_assert_cmpint (row->rank, ==, 2);
  attributes = cacheit_model_get_attributes (CACHEIT_MODEL (row));
  from_disk = dup_last_updated (row);

  cacheit_test_server_wait_held (fixture->server, "/row", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/row", "If-None-Match"), ==, "W/\"r1\"");
  counters_reset (&c);
  cacheit_test_server_release (fixture->server, "/row");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (row)));
  cacheit_test_drain ();

  g_assert_cmpuint (count (fixture, "/row"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/row"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);
  g_assert_cmpuint (n_notified (&c, "origin"), ==, 1);
  g_assert_cmpuint (n_notified (&c, "last-updated"), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (row)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (cacheit_resource_get_status (R (row)), ==, 304);
  g_assert_null (cacheit_resource_get_last_error (R (row)));
  g_assert_true (cacheit_model_get_attributes (CACHEIT_MODEL (row)) == attributes);
  g_assert_cmpstr (row->name, ==, "a");
  confirmed = dup_last_updated (row);
  g_assert_cmpint (g_date_time_compare (confirmed, from_disk), >=, 0);

  /* The next 304 sends the same ETag: the one from disk is now the resource's. */
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/row", "If-None-Match"), ==, "W/\"r1\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/row"), ==, 2);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);

  cacheit_test_drain ();
  g_assert_finalize_object (row);
  g_assert_finalize_object (first);
}

static void
test_revalidate_304_refreshes_snapshot (Fixture       *fixture,
                                        gconstpointer  data)
{
  static const char body[] = "{\"id\": 3, \"title\": \"old\"}";
  gint64 stored_at = now_unix () - 3600;
  CacheitModel *model = model_new (fixture, "/aged");
  g_autoptr(CacheitSnapshot) before = NULL;
  g_autoptr(CacheitSnapshot) after = NULL;
  g_autoptr(GDateTime) expected = g_date_time_new_from_unix_utc (stored_at);
  g_autoptr(GDateTime) confirmed = NULL;
  gint64 asked;

  g_test_summary ("last-updated from disk is exactly the stored time; a 304 refreshes the "
                  "snapshot's time, body and validators unchanged");

  snapshot_save (fixture, "/aged", body, "\"a1\"", stored_at, -1);
  serve (fixture, "/aged", body, "\"a1\"");

  cacheit_test_server_hold (fixture->server, "/aged");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (g_date_time_equal (cacheit_resource_get_last_updated (R (model)), expected));
  g_assert_false (cacheit_resource_get_stale (R (model)));
  assert_attributes (model, body);

  cacheit_test_server_wait_held (fixture->server, "/aged", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/aged", "If-None-Match"), ==, "\"a1\"");
  asked = now_unix ();
  cacheit_test_server_release (fixture->server, "/aged");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/aged"), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  confirmed = dup_last_updated (model);
  g_assert_cmpint (g_date_time_compare (confirmed, expected), >, 0);

  wait_snapshot_io (fixture);
  after = snapshot_load (fixture, "/aged");
  assert_body (after, body);
  g_assert_cmpstr (after->etag, ==, "\"a1\"");
  g_assert_null (after->last_modified);
  g_assert_cmpint (after->stored_at, >=, asked);
  g_assert_cmpint (after->stored_at, <=, now_unix ());

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_revalidate_200_changed (Fixture       *fixture,
                             gconstpointer  data)
{
  static const char v1[] = "{\"id\": 1, \"title\": \"first\", \"rank\": 1, \"gone\": true}";
  static const char v2[] = "{\"id\": 1, \"title\": \"second\", \"rank\": 1, \"extra\": 5}";
  CacheitModel *first = model_new (fixture, "/changing");
  CacheitModel *model = model_new (fixture, "/changing");
  CacheitModel *third = model_new (fixture, "/changing");
  g_auto(Counters) c = { 0 };
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  guint n_title = 0;
  guint n_rank = 0;

  g_test_summary ("After a start from disk, a 200 with other data is applied with exact "
                  "signals (changed per member that differs, one sync), origin NETWORK, "
                  "and the snapshot is replaced: a third resource starts from the new body");

  serve (fixture, "/changing", v1, "\"v1\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);

  serve (fixture, "/changing", v2, "\"v2\"");
  cacheit_test_server_hold (fixture->server, "/changing");
  counters_connect (&c, model);
  g_signal_connect (model, "changed::title", G_CALLBACK (count_cb), &n_title);
  g_signal_connect (model, "changed::rank", G_CALLBACK (count_cb), &n_rank);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (model, v1);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id title rank gone ");

  cacheit_test_server_wait_held (fixture->server, "/changing", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/changing", "If-None-Match"), ==, "\"v1\"");
  counters_reset (&c);
  n_title = n_rank = 0;
  cacheit_test_server_release (fixture->server, "/changing");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();

  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/changing"), ==, 0);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_cmpstr (c.changed->str, ==, "title extra gone ");
  g_assert_cmpuint (n_title, ==, 1);
  g_assert_cmpuint (n_rank, ==, 0);
  g_assert_cmpuint (n_notified (&c, "origin"), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);
  assert_attributes (model, v2);

  /* The snapshot holds the new body, and its ETag. */
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/changing");
  assert_body (snapshot, v2);
  g_assert_cmpstr (snapshot->etag, ==, "\"v2\"");

  cacheit_test_server_hold (fixture->server, "/changing");
  cacheit_test_fetch_ok (third, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (third)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (third, v2);
  cacheit_test_server_wait_held (fixture->server, "/changing", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/changing", "If-None-Match"), ==, "\"v2\"");
  cacheit_test_server_release (fixture->server, "/changing");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (third)));
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/changing"), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (third)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (count (fixture, "/changing"), ==, 3);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
  g_assert_finalize_object (third);
}

static void
test_revalidate_200_same_body (Fixture       *fixture,
                               gconstpointer  data)
{
  static const char body[] = "{\"id\": 8, \"title\": \"same\"}";
  gint64 stored_at = now_unix () - 3600;
  CacheitModel *model = model_new (fixture, "/same");
  g_auto(Counters) c = { 0 };
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  gint64 asked;

  g_test_summary ("After a start from disk, a 200 with the same data (another ETag) emits "
                  "no sync and no changed, and the snapshot takes the new ETag and time");

  snapshot_save (fixture, "/same", body, "\"old\"", stored_at, -1);
  serve (fixture, "/same", body, "\"new\"");

  cacheit_test_server_hold (fixture->server, "/same");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  counters_connect (&c, model);
  cacheit_test_server_wait_held (fixture->server, "/same", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/same", "If-None-Match"), ==, "\"old\"");
  asked = now_unix ();
  cacheit_test_server_release (fixture->server, "/same");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/same"), ==, 0);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);

  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/same");
  assert_body (snapshot, body);
  g_assert_cmpstr (snapshot->etag, ==, "\"new\"");
  g_assert_cmpint (snapshot->stored_at, >=, asked);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* Staleness from the stored age */

/* A resource of @path starts from the snapshot of a response with the
 * header @name: @value (none when NULL); its stale is @expected. */
static void
check_stale_from_headers (Fixture    *fixture,
                          const char *path,
                          const char *name1,
                          const char *value1,
                          const char *name2,
                          const char *value2,
                          gboolean    expected)
{
  CacheitModel *first = model_new (fixture, path);
  CacheitModel *model = model_new (fixture, path);

  g_test_message ("%s: %s: %s, %s: %s → stale %s", path,
                  name1 ? name1 : "-", value1 ? value1 : "-",
                  name2 ? name2 : "-", value2 ? value2 : "-", expected ? "TRUE" : "FALSE");

  serve (fixture, path, "{\"id\": 1}", "\"h\"");
  if (name1 != NULL)
    cacheit_test_server_set_header (fixture->server, path, name1, value1);
  if (name2 != NULL)
    cacheit_test_server_set_header (fixture->server, path, name2, value2);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_stale (R (first)), ==, expected);

  cacheit_test_server_hold (fixture->server, path);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  if (cacheit_resource_get_stale (R (model)) != expected)
    g_assert_cmpstr (path, ==, "(a path whose stale from disk is as expected)");
  cacheit_test_server_wait_held (fixture->server, path, 1);
  cacheit_test_server_release (fixture->server, path);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (count (fixture, path), ==, 2);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (first);
}

static void
test_stale_from_headers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) in_an_hour = g_date_time_add_hours (now, 1);
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  g_autofree char *past = soup_date_time_to_string (hour_ago, SOUP_DATE_HTTP);
  g_autofree char *future = soup_date_time_to_string (in_an_hour, SOUP_DATE_HTTP);

  g_test_summary ("From disk, stale follows the stored lifetime: max-age=1000 fresh, "
                  "max-age=0 stale at once (shown, in its stale-while-revalidate window), Expires "
                  "likewise, none never stale (no-cache from disk: test-caching.c)");

  check_stale_from_headers (fixture, "/max-age-1000", "Cache-Control", "max-age=1000", NULL, NULL, FALSE);
  check_stale_from_headers (fixture, "/max-age-0", "Cache-Control", "max-age=0", NULL, NULL, TRUE);
  check_stale_from_headers (fixture, "/swr", "Cache-Control", "max-age=0, stale-while-revalidate=3600",
                            NULL, NULL, TRUE);
  check_stale_from_headers (fixture, "/expired", "Date", date, "Expires", past, TRUE);
  check_stale_from_headers (fixture, "/expires", "Date", date, "Expires", future, FALSE);
  check_stale_from_headers (fixture, "/silent", NULL, NULL, NULL, NULL, FALSE);
}

/* A model of @path with max-age @max_age starts from the snapshot the test
 * wrote (stored @age seconds ago, @lifetime); its stale is @expected. */
static void
check_stale_from_age (Fixture    *fixture,
                      const char *path,
                      gint64      age,
                      gint64      lifetime,
                      int         max_age,
                      gboolean    expected)
{
  CacheitModel *model = model_new (fixture, path);

  g_test_message ("%s: stored %" G_GINT64_FORMAT " s ago, lifetime %" G_GINT64_FORMAT
                  ", max-age %d → stale %s", path, age, lifetime, max_age,
                  expected ? "TRUE" : "FALSE");

  snapshot_save (fixture, path, "{\"id\": 1}", NULL, now_unix () - age, lifetime);
  cacheit_test_server_set (fixture->server, path, 200, "{\"id\": 1}");
  cacheit_resource_set_max_age (R (model), max_age);

  cacheit_test_server_hold (fixture->server, path);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  if (cacheit_resource_get_stale (R (model)) != expected)
    g_assert_cmpstr (path, ==, "(a path whose stale from disk is as expected)");
  cacheit_test_server_wait_held (fixture->server, path, 1);
  cacheit_test_server_release (fixture->server, path);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_stale_from_age (Fixture       *fixture,
                     gconstpointer  data)
{
  g_test_summary ("From disk, stale is the snapshot's age against its lifetime, or "
                  "against max-age when set");

  check_stale_from_age (fixture, "/young", 100, 1000, -1, FALSE);
  check_stale_from_age (fixture, "/old", 2000, 1000, -1, TRUE);
  check_stale_from_age (fixture, "/forever", 100000, -1, -1, FALSE);
  check_stale_from_age (fixture, "/forever-max-age", 100, -1, 10, TRUE);
  check_stale_from_age (fixture, "/old-max-age", 2000, 1000, 3600, FALSE);
  check_stale_from_age (fixture, "/zero-max-age", 0, 1000, 0, TRUE);
}

/* Policies */

static void
test_policy_none (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitModel *unsaved = model_new (fixture, "/none");
  CacheitModel *writer = model_new (fixture, "/none");
  CacheitModel *reader = model_new (fixture, "/none");
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_summary ("Policy NONE writes no file and reads none: its first fetch waits for an "
                  "unconditional request even with a snapshot there");

  cacheit_resource_set_snapshot_policy (R (unsaved), CACHEIT_SNAPSHOT_NONE);
  cacheit_resource_set_snapshot_policy (R (reader), CACHEIT_SNAPSHOT_NONE);

  serve (fixture, "/none", "{\"id\": 1, \"v\": 1}", "\"n1\"");
  cacheit_test_fetch_ok (unsaved, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  g_assert_false (snapshot_exists (fixture, "/none"));

  /* A snapshot there, but the reader does not look. */
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  g_assert_true (snapshot_exists (fixture, "/none"));

  serve (fixture, "/none", "{\"id\": 1, \"v\": 2}", "\"n2\"");
  cacheit_test_server_hold (fixture->server, "/none");
  cacheit_resource_fetch_async (R (reader), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_server_wait_held (fixture->server, "/none", 1);
  cacheit_test_drain ();
  g_assert_false (c.done);
  g_assert_false (cacheit_resource_get_fetched (R (reader)));
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/none", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/none");
  cacheit_test_wait_until (c.done);
  finish_ok (reader, &c);
  g_assert_cmpint (cacheit_model_get_int (reader, "v"), ==, 2);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_NETWORK);

  /* Nor did it write its newer body. */
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/none");
  assert_body (snapshot, "{\"id\": 1, \"v\": 1}");
  g_assert_cmpstr (snapshot->etag, ==, "\"n1\"");

  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();
  g_assert_finalize_object (unsaved);
  g_assert_finalize_object (writer);
  g_assert_finalize_object (reader);
}

static void
test_policy_reload_ignores_disk (Fixture       *fixture,
                                 gconstpointer  data)
{
  CacheitModel *writer = model_new (fixture, "/reload");
  CacheitModel *model = model_new (fixture, "/reload");
  CacheitModel *by_property = model_new (fixture, "/reload");
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A first fetch with RELOAD (or :reload) does not read the snapshot: it "
                  "waits for an unconditional request; its 200 is written");

  serve (fixture, "/reload", "{\"id\": 1, \"v\": 1}", "\"r1\"");
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);

  serve (fixture, "/reload", "{\"id\": 1, \"v\": 2}", "\"r2\"");
  counters_connect (&c, model);
  cacheit_test_server_hold (fixture->server, "/reload");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/reload", 1);
  cacheit_test_drain ();
  g_assert_false (done.done);
  g_assert_false (cacheit_resource_get_fetched (R (model)));
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/reload", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/reload");
  cacheit_test_wait_until (done.done);
  finish_ok (model, &done);
  cacheit_test_drain ();
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (c.changed->str, ==, "id v ");
  g_assert_cmpint (cacheit_model_get_int (model, "v"), ==, 2);
  g_assert_cmpuint (count (fixture, "/reload"), ==, 2);

  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/reload");
  assert_body (snapshot, "{\"id\": 1, \"v\": 2}");
  g_assert_cmpstr (snapshot->etag, ==, "\"r2\"");

  /* :reload likewise. */
  cacheit_test_completion_clear (&done);
  cacheit_resource_set_reload (R (by_property), TRUE);
  cacheit_test_server_hold (fixture->server, "/reload");
  cacheit_resource_fetch_async (R (by_property), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/reload", 1);
  cacheit_test_drain ();
  g_assert_false (done.done);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/reload", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/reload");
  cacheit_test_wait_until (done.done);
  finish_ok (by_property, &done);
  g_assert_cmpint (cacheit_resource_get_origin (R (by_property)), ==, CACHEIT_ORIGIN_NETWORK);

  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();
  g_assert_finalize_object (writer);
  g_assert_finalize_object (model);
  g_assert_finalize_object (by_property);
}

static void
add_authorization_cb (CacheitResource *resource,
                      SoupMessage     *message,
                      gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer secret-token");
}

/* Fetches @path with @policy (a 200 with Cache-Control @cache_control, or
 * none, and an Authorization header if @authorization) and says whether a
 * snapshot was written. */
static gboolean
written (Fixture               *fixture,
         const char            *path,
         const char            *cache_control,
         gboolean               authorization,
         CacheitSnapshotPolicy  policy)
{
  g_autofree char *file = snapshot_path (fixture, path);
  CacheitModel *model = model_new (fixture, path);
  gboolean exists;

  if (g_file_test (file, G_FILE_TEST_EXISTS))
    g_assert_cmpint (g_unlink (file), ==, 0);

  cacheit_test_server_set (fixture->server, path, 200, "{\"id\": 1, \"secret\": \"s\"}");
  cacheit_test_server_set_header (fixture->server, path, "Cache-Control", cache_control);
  cacheit_resource_set_snapshot_policy (R (model), policy);
  if (authorization)
    g_signal_connect (model, "request", G_CALLBACK (add_authorization_cb), NULL);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  if (authorization)
    g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, path, "Authorization"), ==,
                     "Bearer secret-token");
  else
    g_assert_null (cacheit_test_server_last_header (fixture->server, path, "Authorization"));

  wait_snapshot_io (fixture);
  exists = g_file_test (file, G_FILE_TEST_EXISTS);

  cacheit_test_drain ();
  g_assert_finalize_object (model);

  return exists;
}

static void
test_policy_not_shareable (Fixture       *fixture,
                           gconstpointer  data)
{
  g_test_summary ("SHAREABLE writes no snapshot for Cache-Control no-store or private, nor "
                  "for a request with Authorization unless the response says public or "
                  "s-maxage (RFC 9111, 3.5); ALL writes them all but no-store");

  g_assert_true (written (fixture, "/public", NULL, FALSE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_true (written (fixture, "/public", "public, max-age=60", FALSE, CACHEIT_SNAPSHOT_SHAREABLE));

  g_assert_false (written (fixture, "/no-store", "no-store", FALSE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/no-store", "max-age=60, no-store", FALSE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/private", "private", FALSE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/private", "private, max-age=60", FALSE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/auth", NULL, TRUE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/auth", "max-age=60", TRUE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/auth", "private, public", TRUE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_false (written (fixture, "/public", NULL, FALSE, CACHEIT_SNAPSHOT_NONE));
  g_assert_true (written (fixture, "/auth", "public", TRUE, CACHEIT_SNAPSHOT_SHAREABLE));
  g_assert_true (written (fixture, "/auth", "s-maxage=60", TRUE, CACHEIT_SNAPSHOT_SHAREABLE));

  g_assert_false (written (fixture, "/no-store", "no-store", FALSE, CACHEIT_SNAPSHOT_ALL));
  g_assert_false (written (fixture, "/no-store", "no-store", TRUE, CACHEIT_SNAPSHOT_ALL));
  g_assert_true (written (fixture, "/private", "private", FALSE, CACHEIT_SNAPSHOT_ALL));
  g_assert_true (written (fixture, "/auth", NULL, TRUE, CACHEIT_SNAPSHOT_ALL));
  g_assert_true (written (fixture, "/public", NULL, FALSE, CACHEIT_SNAPSHOT_ALL));
}

/* The key */

static gboolean
file_contains (const char *file,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (file, &contents, &length, &error);
  g_assert_no_error (error);
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static guint
n_snapshot_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      n++;

  return n;
}

static void
test_key_no_userinfo (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *plain = url_of (fixture, "/x");
  g_autofree char *port = g_strdup (strrchr (plain, ':') + 1);   /* "PORT/x" */
  g_autofree char *with_userinfo = g_strdup_printf ("http://user:pass@127.0.0.1:%s", port);
  g_autofree char *with_fragment = g_strdup_printf ("%s#frag", plain);
  g_autofree char *file = snapshot_path_of_url (fixture, plain);
  CacheitModel *writer = model_at (fixture, with_userinfo);
  CacheitModel *reader = model_at (fixture, plain);
  CacheitModel *fragment = model_at (fixture, with_fragment);
  CacheitModel *back = model_at (fixture, with_userinfo);
  g_autoptr(CacheitSnapshot) snapshot = NULL;

  g_test_summary ("The key is the URL without userinfo and fragment: http://user:pass@HOST/x, "
                  "HOST/x and HOST/x#frag share one snapshot, which holds no password");

  serve (fixture, "/x", "{\"id\": 1, \"title\": \"keyed\"}", "\"k\"");
  /* ALL: written even if the userinfo became an Authorization header. */
  cacheit_resource_set_snapshot_policy (R (writer), CACHEIT_SNAPSHOT_ALL);
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_model_get_string (writer, "title"), ==, "keyed");
  wait_snapshot_io (fixture);

  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (n_snapshot_files (fixture->dir), ==, 1);
  g_assert_false (file_contains (file, "pass"));
  g_assert_false (file_contains (file, "user"));
  g_assert_true (file_contains (file, plain));
  snapshot = snapshot_load (fixture, "/x");
  assert_body (snapshot, "{\"id\": 1, \"title\": \"keyed\"}");

  cacheit_test_server_hold (fixture->server, "/x");
  cacheit_test_fetch_ok (reader, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (cacheit_model_get_string (reader, "title"), ==, "keyed");
  cacheit_test_fetch_ok (fragment, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (fragment)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (cacheit_model_get_string (fragment, "title"), ==, "keyed");
  cacheit_test_fetch_ok (back, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (back)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (cacheit_model_get_string (back, "title"), ==, "keyed");
  cacheit_test_server_wait_held (fixture->server, "/x", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/x", "If-None-Match"), ==, "\"k\"");

  cacheit_test_server_release (fixture->server, "/x");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (reader)) &&
                           !cacheit_resource_get_fetching (R (fragment)) &&
                           !cacheit_resource_get_fetching (R (back)));
  wait_snapshot_io (fixture);
  g_assert_cmpuint (n_snapshot_files (fixture->dir), ==, 1);
  g_assert_false (file_contains (file, "pass"));

  cacheit_test_drain ();
  g_assert_finalize_object (writer);
  g_assert_finalize_object (reader);
  g_assert_finalize_object (fragment);
  g_assert_finalize_object (back);
}

/* Files that are not whole snapshots; bodies that do not decode */

typedef enum
{
  DAMAGE_EMPTY,
  DAMAGE_CUT_HEADER,
  DAMAGE_CUT_LAST_BYTE,
  DAMAGE_EXTRA_BYTE,
  DAMAGE_FLIP_BODY,
  DAMAGE_FLIP_STORED_AT,
  DAMAGE_FLIP_MAGIC,
  DAMAGE_PLAIN_JSON,
  DAMAGE_OTHER_KEY,
} Damage;

static const char *const damage_names[] = {
  "empty", "cut in the header", "last byte cut", "a byte added", "a body byte flipped",
  "stored-at flipped", "magic flipped", "plain JSON", "another key's snapshot",
};

static void
damage (Fixture    *fixture,
        const char *file,
        Damage      how)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  GString *result;
  char *good;

  g_file_get_contents (file, &contents, &length, &error);
  g_assert_no_error (error);
  result = g_string_new_len (contents, length);

  switch (how)
    {
    case DAMAGE_EMPTY:
      g_string_truncate (result, 0);
      break;
    case DAMAGE_CUT_HEADER:
      g_string_truncate (result, 30);
      break;
    case DAMAGE_CUT_LAST_BYTE:
      g_string_truncate (result, length - 1);
      break;
    case DAMAGE_EXTRA_BYTE:
      g_string_append_c (result, '}');
      break;
    case DAMAGE_FLIP_BODY:
      /* "good" becomes "Good": valid JSON, wrong data. */
      good = memmem (result->str, result->len, "good", 4);
      g_assert_nonnull (good);
      good[0] ^= 0x20;
      break;
    case DAMAGE_FLIP_STORED_AT:
      result->str[24] ^= 0x01;
      break;
    case DAMAGE_FLIP_MAGIC:
      result->str[1] ^= 0x01;
      break;
    case DAMAGE_PLAIN_JSON:
      g_string_assign (result, "{\"id\": 1, \"title\": \"plain\"}");
      break;
    case DAMAGE_OTHER_KEY:
      {
        g_autofree char *other = snapshot_path (fixture, "/other");
        g_autofree char *other_contents = NULL;
        gsize other_length;

        /* A whole, valid snapshot, with the very ETag the server sends. */
        snapshot_save (fixture, "/other", "{\"id\": 1, \"title\": \"other\"}", "\"g\"", now_unix (), -1);
        g_file_get_contents (other, &other_contents, &other_length, &error);
        g_assert_no_error (error);
        g_string_truncate (result, 0);
        g_string_append_len (result, other_contents, other_length);
        g_assert_cmpint (g_unlink (other), ==, 0);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  g_file_set_contents (file, result->str, result->len, &error);
  g_assert_no_error (error);
  g_string_free (result, TRUE);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  static const char body[] = "{\"id\": 1, \"title\": \"good\"}";
  g_autofree char *file = snapshot_path (fixture, "/c");
  CacheitModel *writer = model_new (fixture, "/c");

  g_test_summary ("A snapshot file cut short, flipped, of another format or of another key "
                  "is not used: the fetch goes to the network, unconditional, gets the data, "
                  "and the file is replaced by a good one");

  serve (fixture, "/c", body, "\"g\"");
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);

  for (Damage how = DAMAGE_EMPTY; how <= DAMAGE_OTHER_KEY; how++)
    {
      CacheitModel *model = model_new (fixture, "/c");
      CacheitTestCompletion c = { 0 };
      g_autoptr(CacheitSnapshot) snapshot = NULL;
      guint n_before = count (fixture, "/c");

      g_test_message ("damage: %s", damage_names[how]);
      g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
      damage (fixture, file, how);

      cacheit_test_server_hold (fixture->server, "/c");
      cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c);
      cacheit_test_server_wait_held (fixture->server, "/c", 1);
      cacheit_test_drain ();
      g_assert_false (c.done);
      g_assert_false (cacheit_resource_get_fetched (R (model)));
      g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NONE);
      g_assert_null (cacheit_test_server_last_header (fixture->server, "/c", "If-None-Match"));
      cacheit_test_server_release (fixture->server, "/c");
      cacheit_test_wait_until (c.done);
      finish_ok (model, &c);
      g_assert_cmpuint (count (fixture, "/c"), ==, n_before + 1);
      g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);
      g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
      assert_attributes (model, body);

      wait_snapshot_io (fixture);
      snapshot = snapshot_load (fixture, "/c");
      assert_body (snapshot, body);
      g_assert_cmpstr (snapshot->etag, ==, "\"g\"");

      cacheit_test_completion_clear (&c);
      cacheit_test_drain ();
      g_assert_finalize_object (model);
    }

  g_assert_finalize_object (writer);
}

static void
test_wrong_shape (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitModel *object_writer = model_new (fixture, "/shape");
  CacheitCollection *rows = rows_new (fixture, "/shape");
  CacheitModel *envelope_writer = model_new (fixture, "/envelope");
  CacheitModel *enveloped = model_new (fixture, "/envelope");
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A snapshot whose body does not decode for this resource (an object for "
                  "a collection, no member at root-pointer) is not used: the fetch goes to "
                  "the network, unconditional");

  /* A model wrote an object; a collection of that URL wants an array. */
  serve (fixture, "/shape", "{\"id\": 1, \"name\": \"object\"}", "\"same\"");
  cacheit_test_fetch_ok (object_writer, CACHEIT_FETCH_NONE);
  cacheit_test_server_set (fixture->server, "/shape", 200, "[{\"id\": 1, \"name\": \"row\"}]");

  counters_connect (&c, rows);
  cacheit_test_server_hold (fixture->server, "/shape");
  cacheit_resource_fetch_async (R (rows), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/shape", 1);
  cacheit_test_drain ();
  g_assert_false (done.done);
  g_assert_cmpuint (c.n_items_changed, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/shape", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/shape");
  cacheit_test_wait_until (done.done);
  finish_ok (rows, &done);
  cacheit_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1);
  g_assert_cmpstr (c.items->str, ==, "0-0+1 ");
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_NETWORK);
  {
    g_autoptr(TestRow) row = g_list_model_get_item (G_LIST_MODEL (rows), 0);

    g_assert_cmpstr (row->name, ==, "row");
  }
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/shape");
  assert_body (snapshot, "[{\"id\": 1, \"name\": \"row\"}]");
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* A model with a root-pointer that the stored body does not have. */
  cacheit_test_completion_clear (&done);
  serve (fixture, "/envelope", "{\"id\": 1}", "\"env\"");
  cacheit_test_fetch_ok (envelope_writer, CACHEIT_FETCH_NONE);
  cacheit_test_server_set (fixture->server, "/envelope", 200, "{\"data\": {\"id\": 2}}");
  cacheit_resource_set_root_pointer (R (enveloped), "/data");
  cacheit_test_server_hold (fixture->server, "/envelope");
  cacheit_resource_fetch_async (R (enveloped), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/envelope", 1);
  cacheit_test_drain ();
  g_assert_false (done.done);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/envelope", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/envelope");
  cacheit_test_wait_until (done.done);
  finish_ok (enveloped, &done);
  g_assert_cmpint (cacheit_model_get_int (enveloped, "id"), ==, 2);
  g_assert_cmpint (cacheit_resource_get_origin (R (enveloped)), ==, CACHEIT_ORIGIN_NETWORK);

  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();
  g_assert_finalize_object (object_writer);
  g_assert_finalize_object (rows);
  g_assert_finalize_object (envelope_writer);
  g_assert_finalize_object (enveloped);
}

static void
test_unusable_directory (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *not_a_directory = g_build_filename (fixture->dir, "file", NULL);
  g_autofree char *url = url_of (fixture, "/nowhere");
  CacheitModel *first = NULL;
  CacheitModel *second = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A snapshot-directory that cannot be one (a regular file) loses the "
                  "snapshots, never a fetch");

  g_file_set_contents (not_a_directory, "not a directory", -1, &error);
  g_assert_no_error (error);

  serve (fixture, "/nowhere", "{\"id\": 1}", "\"w\"");
  first = g_object_new (CACHEIT_TYPE_MODEL, "url", url, "snapshot-directory", not_a_directory, NULL);
  second = g_object_new (CACHEIT_TYPE_MODEL, "url", url, "snapshot-directory", not_a_directory, NULL);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  wait_snapshot_io_in (fixture, not_a_directory);
  cacheit_test_fetch_ok (second, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (second)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpint (cacheit_model_get_int (second, "id"), ==, 1);
  g_assert_cmpuint (count (fixture, "/nowhere"), ==, 2);
  g_assert_true (g_file_test (not_a_directory, G_FILE_TEST_IS_REGULAR));

  wait_snapshot_io_in (fixture, not_a_directory);
  cacheit_test_drain ();
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
}

/* Many resources */

#define N_MANY 40

static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  CacheitModel *writers[N_MANY];
  CacheitModel *readers[N_MANY];

  g_test_summary ("The snapshots of many resources coexist in one directory, one file each, "
                  "each read back by its own URL");

  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *path = g_strdup_printf ("/many/%u", i);
      g_autofree char *body = g_strdup_printf ("{\"id\": %u, \"title\": \"item %u\"}", i, i);

      serve (fixture, path, body, NULL);
      writers[i] = model_new (fixture, path);
      cacheit_test_fetch_ok (writers[i], CACHEIT_FETCH_NONE);
    }
  wait_snapshot_io (fixture);
  g_assert_cmpuint (n_snapshot_files (fixture->dir), ==, N_MANY);

  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *path = g_strdup_printf ("/many/%u", i);
      g_autofree char *body = g_strdup_printf ("{\"id\": %u, \"title\": \"item %u\"}", i, i);
      g_autoptr(CacheitSnapshot) snapshot = snapshot_load (fixture, path);

      assert_body (snapshot, body);
      cacheit_test_server_hold (fixture->server, path);
      readers[i] = model_new (fixture, path);
      cacheit_test_fetch_ok (readers[i], CACHEIT_FETCH_NONE);
      g_assert_cmpint (cacheit_resource_get_origin (R (readers[i])), ==, CACHEIT_ORIGIN_DISK);
      g_assert_cmpint (cacheit_model_get_int (readers[i], "id"), ==, i);
    }

  for (guint i = 0; i < N_MANY; i++)
    {
      g_autofree char *path = g_strdup_printf ("/many/%u", i);

      cacheit_test_server_wait_held (fixture->server, path, 1);
      cacheit_test_server_release (fixture->server, path);
    }
  for (guint i = 0; i < N_MANY; i++)
    {
      cacheit_test_wait_until (!cacheit_resource_get_fetching (R (readers[i])));
      g_assert_cmpint (cacheit_resource_get_origin (R (readers[i])), ==, CACHEIT_ORIGIN_NETWORK);
    }

  wait_snapshot_io (fixture);
  g_assert_cmpuint (n_snapshot_files (fixture->dir), ==, N_MANY);
  cacheit_test_drain ();
  for (guint i = 0; i < N_MANY; i++)
    {
      g_assert_finalize_object (writers[i]);
      g_assert_finalize_object (readers[i]);
    }
}

/* Collections */

static void
test_collection_304 (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char body[] = "[{\"id\": 1, \"name\": \"a\", \"rank\": 1},"
                             " {\"id\": 2, \"name\": \"b\", \"rank\": 2},"
                             " {\"id\": 3, \"name\": \"c\", \"rank\": 3}]";
  CacheitCollection *first = rows_new (fixture, "/rows");
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_auto(Counters) c = { 0 };
  TestRow *items[3] = { NULL };
  guint n_item_signals = 0;

  g_test_summary ("A collection starts from its snapshot with items-changed (0, 0, n) and "
                  "one sync; the 304 that follows keeps the same item objects and emits "
                  "nothing but the allowed notifies");

  serve (fixture, "/rows", body, "\"l1\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);

  counters_connect (&c, rows);
  cacheit_test_server_hold (fixture->server, "/rows");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (c.items->str, ==, "0-0+3 ");
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      items[i] = g_list_model_get_item (G_LIST_MODEL (rows), i);
      g_assert_cmpint (items[i]->rank, ==, i + 1);
      g_signal_connect (items[i], "notify", G_CALLBACK (count_cb), &n_item_signals);
      g_signal_connect (items[i], "changed", G_CALLBACK (count_cb), &n_item_signals);
    }
  g_assert_cmpstr (items[1]->name, ==, "b");

  cacheit_test_server_wait_held (fixture->server, "/rows", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/rows", "If-None-Match"), ==, "\"l1\"");
  counters_reset (&c);
  cacheit_test_server_release (fixture->server, "/rows");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (rows)));
  cacheit_test_drain ();

  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/rows"), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (c.n_items_changed, ==, 0);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);
  g_assert_cmpuint (n_item_signals, ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TestRow) again = g_list_model_get_item (G_LIST_MODEL (rows), i);

      g_assert_true (again == items[i]);
    }

  for (guint i = 0; i < 3; i++)
    g_clear_object (&items[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (rows);
  g_assert_finalize_object (first);
}

static void
test_collection_200 (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char v1[] = "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}, {\"id\": 3, \"name\": \"c\"}]";
  static const char v2[] = "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"B\"}, {\"id\": 3, \"name\": \"c\"},"
                           " {\"id\": 4, \"name\": \"d\"}]";
  CacheitCollection *first = rows_new (fixture, "/rows2");
  CacheitCollection *rows = rows_new (fixture, "/rows2");
  g_auto(Counters) c = { 0 };
  g_auto(Counters) item = { 0 };
  g_autoptr(TestRow) second = NULL;
  g_autoptr(TestRow) again = NULL;
  g_autoptr(TestRow) added = NULL;
  g_autoptr(CacheitSnapshot) snapshot = NULL;

  g_test_summary ("A collection from disk, then a 200 with other data: exact items-changed "
                  "and item changed, the same objects kept, origin NETWORK, snapshot replaced");

  serve (fixture, "/rows2", v1, "\"c1\"");
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);

  serve (fixture, "/rows2", v2, "\"c2\"");
  counters_connect (&c, rows);
  cacheit_test_server_hold (fixture->server, "/rows2");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (c.items->str, ==, "0-0+3 ");
  second = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_cmpstr (second->name, ==, "b");
  counters_connect (&item, second);

  cacheit_test_server_wait_held (fixture->server, "/rows2", 1);
  counters_reset (&c);
  cacheit_test_server_release (fixture->server, "/rows2");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (rows)));
  cacheit_test_drain ();

  g_assert_cmpstr (c.items->str, ==, "3-0+1 ");
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpstr (item.changed->str, ==, "name ");
  g_assert_cmpuint (n_notified (&item, "name"), ==, 1);
  g_assert_cmpuint (n_notified (&item, "rank"), ==, 0);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (again == second);
  g_assert_cmpstr (second->name, ==, "B");
  added = g_list_model_get_item (G_LIST_MODEL (rows), 3);
  g_assert_cmpstr (added->name, ==, "d");

  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/rows2");
  assert_body (snapshot, v2);
  g_assert_cmpstr (snapshot->etag, ==, "\"c2\"");

  g_clear_object (&second);
  g_clear_object (&again);
  g_clear_object (&added);
  cacheit_test_drain ();
  g_assert_finalize_object (rows);
  g_assert_finalize_object (first);
}

/* Saves */

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  cacheit_test_completion_cb (object, result, user_data);
}

static void
test_follows_save_parse_override (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/payload-saved");
  CacheitModel *model = g_object_new (TEST_TYPE_PAYLOAD_MODEL, "url", url, "snapshot-directory",
                                      fixture->dir, NULL);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_summary ("A resource that overrides parse() gets no snapshot of its saved data, "
                  "which is not what the server sends: the older one is removed");

  serve (fixture, "/payload-saved", "{\"payload\": {\"id\": 1, \"title\": \"a\"}}", "\"p1\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/payload-saved");
  g_assert_nonnull (snapshot);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  cacheit_test_server_set_bytes (fixture->server, "/payload-saved", 204, "application/json", NULL, FALSE, empty);
  json_object_set_string_member (changes, "title", "b");
  cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_save_finish (model, c.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");

  wait_snapshot_io (fixture);
  g_assert_null (snapshot_load (fixture, "/payload-saved"));

  cacheit_test_completion_clear (&c);
  g_assert_finalize_object (model);
}

static void
test_follows_save (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/saved");
  CacheitModel *reader = model_new (fixture, "/saved");
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };
  g_autofree char *text = NULL;
  gsize length;

  g_test_summary ("After a successful save, the snapshot holds the data the server "
                  "confirmed, with no validators: the next start from disk revalidates "
                  "unconditionally");

  serve (fixture, "/saved", "{\"id\": 1, \"title\": \"a\"}", "\"e1\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/saved");
  g_assert_cmpstr (snapshot->etag, ==, "\"e1\"");
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* The PUT is answered 204. */
  cacheit_test_server_set_bytes (fixture->server, "/saved", 204, "application/json", NULL, FALSE, empty);
  cacheit_test_server_set_etag (fixture->server, "/saved", NULL);
  json_object_set_string_member (changes, "title", "b");
  cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_save_finish (model, c.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");
  g_assert_cmpuint (count (fixture, "/saved"), ==, 2);

  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/saved");
  g_assert_nonnull (snapshot);
  text = g_strndup (g_bytes_get_data (snapshot->body, &length), g_bytes_get_size (snapshot->body));
  g_assert_true (json_equal (text, "{\"id\": 1, \"title\": \"b\"}"));
  g_assert_null (snapshot->etag);
  g_assert_null (snapshot->last_modified);

  serve (fixture, "/saved", "{\"id\": 1, \"title\": \"b\"}", "\"e2\"");
  cacheit_test_server_hold (fixture->server, "/saved");
  cacheit_test_fetch_ok (reader, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (cacheit_model_get_string (reader, "title"), ==, "b");
  cacheit_test_server_wait_held (fixture->server, "/saved", 1);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/saved", "If-None-Match"));
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/saved", "If-Modified-Since"));
  cacheit_test_server_release (fixture->server, "/saved");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (reader)));

  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (reader);
}

static void
test_destroy_removes (Fixture       *fixture,
                      gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/doomed");
  CacheitModel *failing = model_new (fixture, "/kept");
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_summary ("After a successful destroy of a standalone model its snapshot is removed; "
                  "a failed one leaves it");

  serve (fixture, "/doomed", "{\"id\": 1}", "\"d\"");
  serve (fixture, "/kept", "{\"id\": 2}", "\"k\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (failing, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  g_assert_true (snapshot_exists (fixture, "/doomed"));
  g_assert_true (snapshot_exists (fixture, "/kept"));

  cacheit_test_server_set_bytes (fixture->server, "/doomed", 204, "application/json", NULL, FALSE, empty);
  cacheit_model_destroy_async (model, CACHEIT_SAVE_NONE, NULL, save_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_destroy_finish (model, c.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&c);

  cacheit_test_server_set (fixture->server, "/kept", 500, "{}");
  cacheit_model_destroy_async (failing, CACHEIT_SAVE_NONE, NULL, save_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_false (cacheit_model_destroy_finish (failing, c.result, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  cacheit_test_completion_clear (&c);

  wait_snapshot_io (fixture);
  g_assert_false (snapshot_exists (fixture, "/doomed"));
  g_assert_true (snapshot_exists (fixture, "/kept"));

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (failing);
}

static void
authorize_cb (SoupSession *session,
              SoupMessage *message,
              gpointer     user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer session-token");
}

/* Saves @model (fetched already) with {"title": "saved"}, the server
 * answering 204 with the route's headers. */
static void
save_ok (Fixture      *fixture,
         CacheitModel *model,
         const char   *path)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  cacheit_test_server_set_bytes (fixture->server, path, 204, "application/json", NULL, FALSE, empty);
  json_object_set_string_member (changes, "title", "saved");
  cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_save_finish (model, c.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "saved");
  cacheit_test_completion_clear (&c);
}

static void
test_follows_save_policy (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitModel *private = model_new (fixture, "/private-saved");
  CacheitModel *authorized = model_new (fixture, "/authorized-saved");
  CacheitModel *none = model_new (fixture, "/none-saved");
  CacheitModel *all = model_new (fixture, "/all-saved");
  SoupSession *session = soup_session_new ();

  g_test_summary ("A save writes no snapshot the policy forbids: SHAREABLE, for data and "
                  "answers marked private, or requests with Authorization; NONE never; "
                  "ALL does");

  g_signal_connect (session, "request-queued", G_CALLBACK (authorize_cb), NULL);

  /* Cache-Control: private on the GET and on the PUT's answer. */
  serve (fixture, "/private-saved", "{\"id\": 1, \"title\": \"p\"}", NULL);
  cacheit_test_server_set_header (fixture->server, "/private-saved", "Cache-Control", "private");
  cacheit_test_fetch_ok (private, CACHEIT_FETCH_NONE);
  save_ok (fixture, private, "/private-saved");

  /* Authorization on the GET and on the PUT (the session adds it to all). */
  serve (fixture, "/authorized-saved", "{\"id\": 2, \"title\": \"a\"}", NULL);
  cacheit_resource_set_session (R (authorized), session);
  cacheit_test_fetch_ok (authorized, CACHEIT_FETCH_NONE);
  save_ok (fixture, authorized, "/authorized-saved");
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/authorized-saved", "Authorization"), ==,
                   "Bearer session-token");
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/authorized-saved", "Content-Type"), ==,
                   "application/json");

  serve (fixture, "/none-saved", "{\"id\": 3, \"title\": \"n\"}", NULL);
  cacheit_resource_set_snapshot_policy (R (none), CACHEIT_SNAPSHOT_NONE);
  cacheit_test_fetch_ok (none, CACHEIT_FETCH_NONE);
  save_ok (fixture, none, "/none-saved");

  serve (fixture, "/all-saved", "{\"id\": 4, \"title\": \"all\"}", NULL);
  cacheit_test_server_set_header (fixture->server, "/all-saved", "Cache-Control", "private");
  cacheit_resource_set_snapshot_policy (R (all), CACHEIT_SNAPSHOT_ALL);
  cacheit_test_fetch_ok (all, CACHEIT_FETCH_NONE);
  save_ok (fixture, all, "/all-saved");

  wait_snapshot_io (fixture);
  g_assert_true (snapshot_exists (fixture, "/all-saved"));
  g_assert_false (snapshot_exists (fixture, "/none-saved"));
  g_assert_false (snapshot_exists (fixture, "/private-saved"));
  g_assert_false (snapshot_exists (fixture, "/authorized-saved"));

  cacheit_test_drain ();
  g_assert_finalize_object (private);
  g_assert_finalize_object (authorized);
  g_assert_finalize_object (none);
  g_assert_finalize_object (all);
  soup_session_abort (session);
  cacheit_test_drain ();
  g_assert_finalize_object (session);
}

static void
test_follows_save_root_pointer (Fixture       *fixture,
                                gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/wrapped");
  CacheitModel *reader = model_new (fixture, "/wrapped");

  g_test_summary ("After a save of a model with a root-pointer, its snapshot decodes through "
                  "that root-pointer: a new model of the URL starts from the saved data");

  serve (fixture, "/wrapped", "{\"meta\": {\"v\": 1}, \"data\": {\"id\": 1, \"title\": \"a\"}}", "\"w1\"");
  cacheit_resource_set_root_pointer (R (model), "/data");
  cacheit_resource_set_root_pointer (R (reader), "/data");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  assert_attributes (model, "{\"id\": 1, \"title\": \"a\"}");
  save_ok (fixture, model, "/wrapped");
  wait_snapshot_io (fixture);

  serve (fixture, "/wrapped", "{\"data\": {\"id\": 1, \"title\": \"saved\"}}", "\"w2\"");
  cacheit_test_server_hold (fixture->server, "/wrapped");
  cacheit_test_fetch_ok (reader, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (reader, "{\"id\": 1, \"title\": \"saved\"}");
  cacheit_test_server_wait_held (fixture->server, "/wrapped", 1);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/wrapped", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/wrapped");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (reader)));
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_NETWORK);
  assert_attributes (reader, "{\"id\": 1, \"title\": \"saved\"}");

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (reader);
}

/* Fetches a collection of @path in the fixture's directory, with the route
 * held, and checks that it starts from disk with @expected; then releases. */
static void
assert_collection_from_disk (Fixture    *fixture,
                             const char *path,
                             const char *expected)
{
  CacheitCollection *rows = rows_new (fixture, path);
  g_autoptr(JsonNode) node = json_from_string (expected, NULL);
  JsonArray *array = json_node_get_array (node);

  cacheit_test_server_hold (fixture->server, path);
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(TestRow) row = g_list_model_get_item (G_LIST_MODEL (rows), i);
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_cmpstr (row->name, ==, json_object_get_string_member (object, "name"));
      g_assert_cmpint (cacheit_model_get_int (CACHEIT_MODEL (row), "id"), ==,
                       json_object_get_int_member (object, "id"));
    }
  cacheit_test_server_wait_held (fixture->server, path, 1);
  g_assert_null (cacheit_test_server_last_header (fixture->server, path, "If-None-Match"));
  cacheit_test_server_release (fixture->server, path);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (rows)));

  cacheit_test_drain ();
  g_assert_finalize_object (rows);
}

static void
test_follows_collection_writes (Fixture       *fixture,
                                gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/list");
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) attributes = json_object_new ();
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autoptr(TestRow) first = NULL;
  g_autoptr(TestRow) second = NULL;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_summary ("The saves, destroys and creates of a collection's items are followed by "
                  "the collection's snapshot, without validators");

  serve (fixture, "/list", "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}]", "\"l\"");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  first = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  second = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/list");
  g_assert_cmpstr (snapshot->etag, ==, "\"l\"");
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* An item's save: PUT /list/1, answered 204. */
  cacheit_test_server_set_bytes (fixture->server, "/list/1", 204, "application/json", NULL, FALSE, empty);
  json_object_set_string_member (changes, "name", "A");
  cacheit_model_save_async (CACHEIT_MODEL (first), changes, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_save_finish (CACHEIT_MODEL (first), c.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&c);
  g_assert_cmpuint (count (fixture, "/list/1"), ==, 1);
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/list");
  g_assert_null (snapshot->etag);
  g_assert_null (snapshot->last_modified);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);
  assert_collection_from_disk (fixture, "/list", "[{\"id\": 1, \"name\": \"A\"}, {\"id\": 2, \"name\": \"b\"}]");

  /* An item's destroy: DELETE /list/2. */
  cacheit_test_server_set_bytes (fixture->server, "/list/2", 204, "application/json", NULL, FALSE, empty);
  cacheit_model_destroy_async (CACHEIT_MODEL (second), CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_model_destroy_finish (CACHEIT_MODEL (second), c.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&c);
  wait_snapshot_io (fixture);
  assert_collection_from_disk (fixture, "/list", "[{\"id\": 1, \"name\": \"A\"}]");

  /* A create: POST /list, answered 201 with the new object. */
  cacheit_test_server_set (fixture->server, "/list", 201, "{\"id\": 3, \"name\": \"c\"}");
  cacheit_test_server_set_etag (fixture->server, "/list", NULL);
  json_object_set_string_member (attributes, "name", "c");
  cacheit_collection_create_async (rows, attributes, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  created = cacheit_collection_create_finish (rows, c.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  cacheit_test_completion_clear (&c);
  wait_snapshot_io (fixture);
  cacheit_test_server_set (fixture->server, "/list", 200, "[{\"id\": 1, \"name\": \"A\"}, {\"id\": 3, \"name\": \"c\"}]");
  assert_collection_from_disk (fixture, "/list", "[{\"id\": 1, \"name\": \"A\"}, {\"id\": 3, \"name\": \"c\"}]");

  g_clear_object (&first);
  g_clear_object (&second);
  g_clear_object (&created);
  cacheit_test_drain ();
  g_assert_finalize_object (rows);
}

/* GApplication */

typedef struct
{
  GApplication *app;
  CacheitModel *model;
  gboolean      ok;
  gboolean      completed;
} AppRun;

static void
app_fetch_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AppRun *run = user_data;

  run->ok = cacheit_resource_fetch_finish (R (object), result, NULL);
  run->completed = TRUE;
  g_application_release (run->app);
}

static void
app_activate_cb (GApplication *app,
                 AppRun       *run)
{
  g_application_hold (app);
  cacheit_resource_fetch_async (R (run->model), CACHEIT_FETCH_NONE, NULL, app_fetch_cb, run);
}

static void
test_application_held (Fixture       *fixture,
                       gconstpointer  data)
{
  AppRun run = { 0 };
  g_autoptr(CacheitSnapshot) snapshot = NULL;

  g_test_summary ("While a snapshot write is pending the default GApplication is held: "
                  "when g_application_run() returns, the snapshot is on disk");

  serve (fixture, "/app", "{\"id\": 1, \"title\": \"held\"}", "\"app\"");
  run.app = g_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_application_set_default (run.app);
  run.model = model_new (fixture, "/app");
  g_signal_connect (run.app, "activate", G_CALLBACK (app_activate_cb), &run);

  g_assert_cmpint (g_application_run (run.app, 0, NULL), ==, 0);
  g_assert_true (run.completed);
  g_assert_true (run.ok);

  /* No wait_snapshot_io(): the application stayed until the write was done. */
  snapshot = snapshot_load (fixture, "/app");
  assert_body (snapshot, "{\"id\": 1, \"title\": \"held\"}");

  g_application_set_default (NULL);
  cacheit_test_drain ();
  g_assert_finalize_object (run.model);
  g_assert_finalize_object (run.app);
}

/* Records the origin of the collection at each items-changed. */
static void
origin_at_items_changed_cb (GListModel *list,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GString    *log)
{
  g_string_append_printf (log, "%d ", cacheit_resource_get_origin (R (list)));
}

static void
test_collection_origin_before_rows (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(CacheitCollection) first = rows_new (fixture, "/origin-rows");
  g_autoptr(CacheitCollection) second = rows_new (fixture, "/origin-rows");
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *expected = NULL;

  g_test_summary ("origin is known when the first rows arrive: NETWORK at the items-changed "
                  "of a fetch from the server, DISK at that of a start from a snapshot");

  serve (fixture, "/origin-rows", "[{\"id\": 1, \"name\": \"a\"}]", "\"o1\"");
  g_signal_connect (first, "items-changed", G_CALLBACK (origin_at_items_changed_cb), log);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  expected = g_strdup_printf ("%d ", CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpstr (log->str, ==, expected);

  g_string_truncate (log, 0);
  g_signal_connect (second, "items-changed", G_CALLBACK (origin_at_items_changed_cb), log);
  cacheit_test_fetch_ok (second, CACHEIT_FETCH_NONE);
  g_free (expected);
  expected = g_strdup_printf ("%d ", CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (log->str, ==, expected);

  wait_snapshot_io (fixture);
  g_signal_handlers_disconnect_by_data (first, log);
  g_signal_handlers_disconnect_by_data (second, log);
}

static void
test_url_change (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char a[] = "{\"id\": 1, \"title\": \"a\"}";
  static const char b[] = "{\"id\": 2, \"title\": \"stored b\"}";
  CacheitModel *writer = model_new (fixture, "/b");
  CacheitModel *model = model_new (fixture, "/a");
  g_auto(Counters) c = { 0 };

  g_test_summary ("R13: after a change of URL, the first fetch may come from the new URL's "
                  "own snapshot (origin DISK), never from the old URL's data; the old URL's "
                  "snapshot is left as it was");

  serve (fixture, "/a", a, "\"a1\"");
  serve (fixture, "/b", b, "\"b1\"");
  cacheit_test_fetch_ok (writer, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  wait_snapshot_io (fixture);
  g_assert_cmpuint (count (fixture, "/b"), ==, 1);

  /* /b is down now: only its snapshot can answer. */
  cacheit_test_server_hold (fixture->server, "/b");
  counters_connect (&c, model);
  {
    g_autofree char *url = url_of (fixture, "/b");

    cacheit_resource_set_url (R (model), url);
  }
  g_assert_true (cacheit_resource_get_placeholder (R (model)));
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_false (cacheit_resource_get_placeholder (R (model)));
  assert_attributes (model, b);
  g_assert_cmpstr (c.changed->str, ==, "id title ");
  g_assert_cmpuint (c.n_sync, ==, 1);

  /* Its revalidation asks /b, with /b's validators. */
  cacheit_test_server_wait_held (fixture->server, "/b", 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/b", "If-None-Match"), ==, "\"b1\"");
  cacheit_test_server_release (fixture->server, "/b");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  assert_attributes (model, b);

  wait_snapshot_io (fixture);
  {
    g_autoptr(CacheitSnapshot) stored = snapshot_load (fixture, "/a");

    assert_body (stored, a);
  }

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (writer);
}

/* Fetch policies (issue 17, item 7): CACHEIT_FETCH_CACHE_ONLY and
 * CACHEIT_FETCH_SKIP_SNAPSHOT. */

/* Fetches @resource with @flags and returns the error it fails with. */
static GError *
fetch_error (gpointer          resource,
             CacheitFetchFlags flags)
{
  GError *error = NULL;

  g_assert_false (cacheit_test_fetch_wait (resource, flags, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

static void
assert_not_cached (gpointer               resource,
                   CacheitTestCompletion *c,
                   const char            *url)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (c->done);
  g_assert_cmpuint (c->n_calls, ==, 1);
  g_assert_false (cacheit_resource_fetch_finish (R (resource), c->result, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  g_assert_nonnull (strstr (error->message, url));
}

static void
test_cache_only_from_disk (Fixture       *fixture,
                           gconstpointer  data)
{
  static const char body[] = "{\"id\": 1, \"v\": \"disk\"}";
  CacheitModel *model = model_new (fixture, "/co-disk");
  g_auto(Counters) c = { 0 };

  g_test_summary ("CACHE_ONLY with nothing in memory completes from the snapshot (origin DISK) "
                  "and sends nothing, not even the revalidation a first fetch from disk makes; "
                  "the next fetch without the flag completes from memory (R3) and makes it");
  g_test_bug ("17");

  serve (fixture, "/co-disk", "{\"id\": 1, \"v\": \"network\"}", "\"n\"");
  snapshot_save (fixture, "/co-disk", body, "\"d\"", now_unix (), 3600);
  counters_connect (&c, model);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_CACHE_ONLY);
  assert_attributes (model, body);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpuint (c.n_sync, ==, 1);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (count (fixture, "/co-disk"), ==, 0);

  /* Again: from memory, still nothing sent. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_CACHE_ONLY);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-disk"), ==, 0);

  /* A plain fetch confirms the data from disk. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (count (fixture, "/co-disk"), ==, 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/co-disk", "If-None-Match"), ==, "\"d\"");
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpstr (cacheit_model_get_string (model, "v"), ==, "network");

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_cache_only_from_memory (Fixture       *fixture,
                             gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/co-memory");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(Counters) c = { 0 };

  g_test_summary ("CACHE_ONLY with data in hand completes from it on a later iteration: stale "
                  "data is not revalidated, a reload in flight is not waited for nor "
                  "cancelled, and after a failed refetch the data kept (R5) still answers");
  g_test_bug ("17");

  serve (fixture, "/co-memory", "{\"id\": 1}", "\"m\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (count (fixture, "/co-memory"), ==, 1);
  counters_connect (&c, model);

  /* Stale: a plain fetch would revalidate; a cache-only one does not. */
  cacheit_resource_invalidate (R (model));
  g_assert_true (cacheit_resource_get_stale (R (model)));
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done);
  g_assert_false (done.done);
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  cacheit_test_wait_until (done.done);
  finish_ok (model, &done);
  cacheit_test_completion_clear (&done);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-memory"), ==, 1);

  /* A reload in flight: answered from memory at once, the reload goes on. */
  cacheit_test_server_set (fixture->server, "/co-memory", 500, "down");
  cacheit_resource_set_retry_limit (R (model), 0);
  cacheit_test_server_hold (fixture->server, "/co-memory");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_RELOAD, NULL, NULL, NULL);
  cacheit_test_server_wait_held (fixture->server, "/co-memory", 1);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  finish_ok (model, &done);
  cacheit_test_completion_clear (&done);
  g_assert_true (cacheit_resource_get_fetching (R (model)));

  /* The reload fails: the data stays, and answers a cache-only fetch. */
  cacheit_test_server_release (fixture->server, "/co-memory");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_nonnull (cacheit_resource_get_last_error (R (model)));
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-memory"), ==, 2);

  /* A plain fetch after the failure asks again (R5). */
  error = fetch_error (model, CACHEIT_FETCH_NONE);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (count (fixture, "/co-memory"), ==, 3);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_cache_only_not_cached (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/co-none");
  g_autofree char *file = snapshot_path (fixture, "/co-none");
  CacheitModel *model = model_new (fixture, "/co-none");
  CacheitModel *memory_only = model_new (fixture, "/co-none");
  CacheitModel *no_policy = model_new (fixture, "/co-none");
  g_auto(Counters) c = { 0 };
  GError *error = NULL;

  g_test_summary ("CACHE_ONLY with nothing cached (no snapshot file, an unusable one, policy "
                  "NONE, or SKIP_SNAPSHOT too) fails with CACHEIT_ERROR_NOT_CACHED naming the "
                  "URL, on a later iteration; nothing is sent, no ::error, no last-error, and "
                  "the resource is as before");
  g_test_bug ("17");

  serve (fixture, "/co-none", "{\"id\": 1}", "\"x\"");
  counters_connect (&c, model);

  /* No file. */
  error = fetch_error (model, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  g_assert_nonnull (strstr (error->message, url));
  g_clear_error (&error);

  /* A file that is not a snapshot. */
  g_assert_true (g_file_set_contents (file, "not a snapshot", -1, NULL));
  error = fetch_error (model, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  g_clear_error (&error);

  g_assert_false (cacheit_resource_get_fetched (R (model)));
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_null (cacheit_resource_get_last_error (R (model)));
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_cmpuint (c.n_sync, ==, 0);

  /* A good snapshot, but not to be read (the store may have removed the bad file). */
  (void) g_unlink (file);
  snapshot_save (fixture, "/co-none", "{\"id\": 2}", NULL, now_unix (), 3600);
  cacheit_resource_set_snapshot_policy (R (no_policy), CACHEIT_SNAPSHOT_NONE);
  error = fetch_error (no_policy, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  g_clear_error (&error);
  error = fetch_error (memory_only, CACHEIT_FETCH_CACHE_ONLY | CACHEIT_FETCH_SKIP_SNAPSHOT);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  g_clear_error (&error);

  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-none"), ==, 0);

  /* With nothing in memory, the model reads the good one now. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 2);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-none"), ==, 0);

  g_assert_finalize_object (model);
  g_assert_finalize_object (memory_only);
  g_assert_finalize_object (no_policy);
}

static void
test_cache_only_joined_by_normal (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/co-joined");
  CacheitModel *model = model_new (fixture, "/co-joined");
  CacheitModel *hit = model_new (fixture, "/co-joined-hit");
  CacheitTestCompletion done[4] = { { 0 } };

  g_test_summary ("A plain fetch that joins a cache-only one while it reads the snapshot: "
                  "on a miss, the cache-only caller gets NOT_CACHED before any answer and the "
                  "plain one the network's, with one request; on a hit, both get the "
                  "snapshot's data with one result, and the revalidation is made");
  g_test_bug ("17");

  /* A miss. */
  serve (fixture, "/co-joined", "{\"id\": 1}", "\"j\"");
  cacheit_test_server_hold (fixture->server, "/co-joined");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_wait_until (done[0].done);
  assert_not_cached (model, &done[0], url);
  cacheit_test_server_wait_held (fixture->server, "/co-joined", 1);
  g_assert_false (done[1].done);
  cacheit_test_server_release (fixture->server, "/co-joined");
  cacheit_test_wait_until (done[1].done);
  finish_ok (model, &done[1]);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 1);
  g_assert_cmpuint (count (fixture, "/co-joined"), ==, 1);

  /* A hit. */
  serve (fixture, "/co-joined-hit", "{\"id\": 3}", "\"h\"");
  snapshot_save (fixture, "/co-joined-hit", "{\"id\": 3}", "\"h\"", now_unix (), 3600);
  cacheit_resource_fetch_async (R (hit), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[2]);
  cacheit_resource_fetch_async (R (hit), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[3]);
  cacheit_test_wait_until (done[2].done && done[3].done);
  finish_ok (hit, &done[2]);
  finish_ok (hit, &done[3]);
  g_assert_true (done[2].result == done[3].result);
  g_assert_cmpint (cacheit_resource_get_origin (R (hit)), ==, CACHEIT_ORIGIN_DISK);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (hit)));
  g_assert_cmpuint (count (fixture, "/co-joined-hit"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/co-joined-hit"), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (hit);
}

static void
test_cache_only_joins_disk_read (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/co-join");
  CacheitModel *model = model_new (fixture, "/co-join");
  CacheitModel *hit = model_new (fixture, "/co-join-hit");
  CacheitTestCompletion done[4] = { { 0 } };

  g_test_summary ("A cache-only fetch that arrives while a plain one reads the snapshot joins "
                  "it: on a hit it gets the same result; on a miss it gets NOT_CACHED while "
                  "the plain fetch's request is still held, and the plain caller gets the "
                  "network's data");
  g_test_bug ("17");

  serve (fixture, "/co-join-hit", "{\"id\": 5}", "\"h\"");
  snapshot_save (fixture, "/co-join-hit", "{\"id\": 5}", "\"h\"", now_unix (), 3600);
  cacheit_resource_fetch_async (R (hit), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (hit), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_wait_until (done[0].done && done[1].done);
  finish_ok (hit, &done[0]);
  finish_ok (hit, &done[1]);
  g_assert_true (done[0].result == done[1].result);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (hit)));

  serve (fixture, "/co-join", "{\"id\": 6}", "\"m\"");
  cacheit_test_server_hold (fixture->server, "/co-join");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[2]);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[3]);
  cacheit_test_server_wait_held (fixture->server, "/co-join", 1);
  cacheit_test_wait_until (done[3].done);
  assert_not_cached (model, &done[3], url);
  g_assert_false (done[2].done);
  cacheit_test_server_release (fixture->server, "/co-join");
  cacheit_test_wait_until (done[2].done);
  finish_ok (model, &done[2]);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 6);
  g_assert_cmpuint (count (fixture, "/co-join"), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (hit);
}

static void
test_cache_only_never_waits_for_network (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *url = url_of (fixture, "/co-network");
  CacheitModel *model = model_new (fixture, "/co-network");
  CacheitTestCompletion done[4] = { { 0 } };
  g_auto(Counters) c = { 0 };

  g_test_summary ("A cache-only fetch with nothing in memory while a request is in flight "
                  "(a first fetch with SKIP_SNAPSHOT, or a reload that superseded a snapshot "
                  "read it waited for) fails with NOT_CACHED at once, and neither cancels nor "
                  "supersedes that request, whose callers get its data");
  g_test_bug ("17");

  serve (fixture, "/co-network", "{\"id\": 7}", "\"w\"");
  snapshot_save (fixture, "/co-network", "{\"id\": 0}", "\"old\"", now_unix (), 3600);
  counters_connect (&c, model);
  cacheit_test_server_hold (fixture->server, "/co-network");

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_SKIP_SNAPSHOT, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_test_server_wait_held (fixture->server, "/co-network", 1);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_wait_until (done[1].done);
  assert_not_cached (model, &done[1], url);
  g_assert_false (done[0].done);
  g_assert_true (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (c.n_error, ==, 0);

  cacheit_test_server_release (fixture->server, "/co-network");
  cacheit_test_wait_until (done[0].done);
  finish_ok (model, &done[0]);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 7);
  g_assert_cmpuint (count (fixture, "/co-network"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 1);
  wait_snapshot_io (fixture);

  /* A reload supersedes the snapshot read a cache-only caller waits for. */
  {
    CacheitModel *other = model_new (fixture, "/co-network");

    cacheit_test_server_hold (fixture->server, "/co-network");
    cacheit_resource_fetch_async (R (other), CACHEIT_FETCH_CACHE_ONLY, NULL, cacheit_test_completion_cb, &done[2]);
    cacheit_resource_fetch_async (R (other), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &done[3]);
    cacheit_test_wait_until (done[2].done);
    assert_not_cached (other, &done[2], url);
    g_assert_false (done[3].done);
    cacheit_test_server_wait_held (fixture->server, "/co-network", 1);
    cacheit_test_server_release (fixture->server, "/co-network");
    cacheit_test_wait_until (done[3].done);
    finish_ok (other, &done[3]);
    g_assert_cmpuint (count (fixture, "/co-network"), ==, 2);
    for (guint i = 0; i < G_N_ELEMENTS (done); i++)
      cacheit_test_completion_clear (&done[i]);
    cacheit_test_drain ();
    g_assert_finalize_object (other);
  }

  g_assert_finalize_object (model);
}

static void
test_cache_only_with_reload (Fixture       *fixture,
                             gconstpointer  data)
{
  g_test_summary ("CACHE_ONLY with RELOAD is a programmer error: a critical, nothing sent");
  g_test_bug ("17");

  if (g_test_subprocess ())
    {
      CacheitModel *model = model_new (fixture, "/co-reload");

      cacheit_test_server_set (fixture->server, "/co-reload", 200, "{}");
      cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_CACHE_ONLY | CACHEIT_FETCH_RELOAD,
                                    NULL, NULL, NULL);
      cacheit_test_drain ();
      g_assert_cmpuint (count (fixture, "/co-reload"), ==, 0);
      g_object_unref (model);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cacheit_resource_fetch_async*CACHEIT_FETCH_RELOAD*");
}

static void
test_skip_snapshot (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char network[] = "{\"id\": 1, \"v\": \"network\"}";
  CacheitModel *model = model_new (fixture, "/skip");
  CacheitTestCompletion done = { 0 };
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_auto(Counters) c = { 0 };

  g_test_summary ("SKIP_SNAPSHOT: a first fetch with a snapshot on disk waits for an "
                  "unconditional request and applies the network's data only (origin NETWORK); "
                  "the response still replaces the snapshot; with data in hand it is R3");
  g_test_bug ("17");

  serve (fixture, "/skip", network, "\"n\"");
  snapshot_save (fixture, "/skip", "{\"id\": 1, \"v\": \"disk\"}", "\"d\"", now_unix (), 3600);
  counters_connect (&c, model);

  cacheit_test_server_hold (fixture->server, "/skip");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_SKIP_SNAPSHOT, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/skip", 1);
  wait_snapshot_io (fixture);
  cacheit_test_drain ();
  g_assert_false (done.done);
  g_assert_false (cacheit_resource_get_fetched (R (model)));
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/skip", "If-None-Match"));
  cacheit_test_server_release (fixture->server, "/skip");
  cacheit_test_wait_until (done.done);
  finish_ok (model, &done);
  cacheit_test_completion_clear (&done);
  assert_attributes (model, network);
  g_assert_cmpstr (c.changed->str, ==, "id v ");
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);

  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/skip");
  assert_body (snapshot, network);
  g_assert_cmpstr (snapshot->etag, ==, "\"n\"");

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_SKIP_SNAPSHOT);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/skip"), ==, 1);

  g_assert_finalize_object (model);
}

static void
test_policies_collection (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char disk[] = "[{\"id\": 1, \"title\": \"disk\"}]";
  static const char network[] = "[{\"id\": 1, \"title\": \"network\"}, {\"id\": 2, \"title\": \"b\"}]";
  CacheitCollection *offline = rows_new (fixture, "/co-rows");
  CacheitCollection *online = rows_new (fixture, "/co-rows");
  CacheitCollection *empty = rows_new (fixture, "/co-rows-none");
  g_autoptr(GError) error = NULL;

  g_test_summary ("A collection: CACHE_ONLY completes from its snapshot with no request, or "
                  "fails with NOT_CACHED; SKIP_SNAPSHOT gets the network's list");
  g_test_bug ("17");

  serve (fixture, "/co-rows", network, "\"r\"");
  serve (fixture, "/co-rows-none", network, "\"r\"");
  snapshot_save (fixture, "/co-rows", disk, "\"d\"", now_unix (), 3600);

  cacheit_test_fetch_ok (offline, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (offline)), ==, 1);
  g_assert_cmpint (cacheit_resource_get_origin (R (offline)), ==, CACHEIT_ORIGIN_DISK);

  error = fetch_error (empty, CACHEIT_FETCH_CACHE_ONLY);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NOT_CACHED);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/co-rows"), ==, 0);
  g_assert_cmpuint (count (fixture, "/co-rows-none"), ==, 0);

  cacheit_test_fetch_ok (online, CACHEIT_FETCH_SKIP_SNAPSHOT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (online)), ==, 2);
  g_assert_cmpint (cacheit_resource_get_origin (R (online)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (count (fixture, "/co-rows"), ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (offline);
  g_assert_finalize_object (online);
  g_assert_finalize_object (empty);
}

static void
test_no_content (Fixture       *fixture,
                 gconstpointer  data)
{
  CacheitModel *first = model_new (fixture, "/empty");
  CacheitModel *model = model_new (fixture, "/empty");
  CacheitCollection *first_rows = rows_new (fixture, "/empty-rows");
  CacheitCollection *rows = rows_new (fixture, "/empty-rows");
  g_autoptr(CacheitSnapshot) snapshot = NULL;

  g_test_summary ("A 204 to a fetch is kept as a snapshot with an empty body, which a "
                  "model reads back as no attributes and a collection as an empty list "
                  "(origin DISK), while the server fails");

  cacheit_test_server_set_for_method (fixture->server, "GET", "/empty", 204, NULL);
  cacheit_test_server_set_for_method (fixture->server, "GET", "/empty-rows", 204, NULL);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (first_rows, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (first)), ==, CACHEIT_ORIGIN_NETWORK);
  wait_snapshot_io (fixture);
  snapshot = snapshot_load (fixture, "/empty");
  assert_body (snapshot, "");
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);
  snapshot = snapshot_load (fixture, "/empty-rows");
  assert_body (snapshot, "");

  /* The server is down: the snapshots answer. */
  cacheit_test_server_set_for_method (fixture->server, "GET", "/empty", 503, "{}");
  cacheit_test_server_set_for_method (fixture->server, "GET", "/empty-rows", 503, "{}");
  cacheit_resource_set_retry_limit (R (model), 0);
  cacheit_resource_set_retry_limit (R (rows), 0);
  cacheit_test_server_hold (fixture->server, "/empty");
  cacheit_test_server_hold (fixture->server, "/empty-rows");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpint (cacheit_resource_get_origin (R (rows)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  g_assert_true (cacheit_resource_get_fetched (R (rows)));
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (model)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 0);
  cacheit_test_server_wait_held (fixture->server, "/empty", 1);
  cacheit_test_server_wait_held (fixture->server, "/empty-rows", 1);
  cacheit_test_server_release (fixture->server, "/empty");
  cacheit_test_server_release (fixture->server, "/empty-rows");
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)) &&
                           !cacheit_resource_get_fetching (R (rows)));

  cacheit_test_drain ();
  g_assert_finalize_object (first);
  g_assert_finalize_object (model);
  g_assert_finalize_object (first_rows);
  g_assert_finalize_object (rows);
}

int
main (int   argc,
      char *argv[])
{
  g_set_prgname ("test-snapshot");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/snapshot/properties", test_properties);
  ADD ("/cacheit/snapshot/default-directory", test_default_directory);
  ADD ("/cacheit/snapshot/startup/server-error", test_startup_server_error);
  ADD ("/cacheit/snapshot/startup/server-gone", test_startup_server_gone);
  ADD ("/cacheit/snapshot/startup/callers-joined", test_startup_joined);
  ADD ("/cacheit/snapshot/startup/parse-override", test_startup_parse_override);
  ADD ("/cacheit/snapshot/startup/cancelled", test_startup_cancelled);
  ADD ("/cacheit/snapshot/startup/reload-supersedes", test_startup_reload_supersedes);
  ADD ("/cacheit/snapshot/revalidate/304", test_revalidate_304);
  ADD ("/cacheit/snapshot/revalidate/304-refreshes-snapshot", test_revalidate_304_refreshes_snapshot);
  ADD ("/cacheit/snapshot/revalidate/200-changed", test_revalidate_200_changed);
  ADD ("/cacheit/snapshot/revalidate/200-same-body", test_revalidate_200_same_body);
  ADD ("/cacheit/snapshot/stale/from-headers", test_stale_from_headers);
  ADD ("/cacheit/snapshot/stale/from-age", test_stale_from_age);
  ADD ("/cacheit/snapshot/policy/none", test_policy_none);
  ADD ("/cacheit/snapshot/policy/reload-ignores-disk", test_policy_reload_ignores_disk);
  ADD ("/cacheit/snapshot/policy/not-shareable", test_policy_not_shareable);
  ADD ("/cacheit/snapshot/key/no-userinfo-no-fragment", test_key_no_userinfo);
  ADD ("/cacheit/snapshot/unusable/corrupt-files", test_corrupt);
  ADD ("/cacheit/snapshot/unusable/wrong-shape", test_wrong_shape);
  ADD ("/cacheit/snapshot/unusable/directory", test_unusable_directory);
  ADD ("/cacheit/snapshot/many-in-one-directory", test_many);
  ADD ("/cacheit/snapshot/collection/from-disk-then-304", test_collection_304);
  ADD ("/cacheit/snapshot/collection/from-disk-then-200", test_collection_200);
  ADD ("/cacheit/snapshot/collection/origin-before-rows", test_collection_origin_before_rows);
  ADD ("/cacheit/snapshot/follows/save", test_follows_save);
  ADD ("/cacheit/snapshot/follows/save-parse-override", test_follows_save_parse_override);
  ADD ("/cacheit/snapshot/follows/destroy", test_destroy_removes);
  ADD ("/cacheit/snapshot/follows/save-policy", test_follows_save_policy);
  ADD ("/cacheit/snapshot/follows/save-root-pointer", test_follows_save_root_pointer);
  ADD ("/cacheit/snapshot/follows/collection-writes", test_follows_collection_writes);
  ADD ("/cacheit/snapshot/application-held", test_application_held);
  ADD ("/cacheit/snapshot/r13/url-change", test_url_change);
  ADD ("/cacheit/snapshot/cache-only/from-disk", test_cache_only_from_disk);
  ADD ("/cacheit/snapshot/cache-only/from-memory", test_cache_only_from_memory);
  ADD ("/cacheit/snapshot/cache-only/not-cached", test_cache_only_not_cached);
  ADD ("/cacheit/snapshot/cache-only/joined-by-normal", test_cache_only_joined_by_normal);
  ADD ("/cacheit/snapshot/cache-only/joins-disk-read", test_cache_only_joins_disk_read);
  ADD ("/cacheit/snapshot/cache-only/never-waits-for-network", test_cache_only_never_waits_for_network);
  ADD ("/cacheit/snapshot/cache-only/with-reload", test_cache_only_with_reload);
  ADD ("/cacheit/snapshot/skip-snapshot/first-fetch", test_skip_snapshot);
  ADD ("/cacheit/snapshot/policies/collection", test_policies_collection);
  ADD ("/cacheit/snapshot/no-content", test_no_content);

#undef ADD

  return g_test_run ();
}
