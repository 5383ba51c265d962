/* test-freshness.c: issue 7 — HTTP revalidation (ETag, Last-Modified, 304),
 * freshness (max-age, stale, invalidate), stale-while-revalidate, retry with
 * backoff, background refetching (reconnect, app-active, interval, constraints)
 * and one request per URL, against a real HTTP server on 127.0.0.1 and the
 * tests' own GNetworkMonitor and GPowerProfileMonitor.
 *
 * No assertion here is about how long something took: waits are for events
 * (with the generous time-out of the helpers), and where a rule is about time
 * (Retry-After, a paused timer) it is checked by the order of two events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-fake-monitors.h"
#include "test-row.h"

#define R(obj) CACHEIT_RESOURCE (obj)

/* A model that counts its parse() calls. */

#define TEST_TYPE_COUNTING_MODEL (test_counting_model_get_type ())
G_DECLARE_FINAL_TYPE (TestCountingModel, test_counting_model, TEST, COUNTING_MODEL, CacheitModel)

struct _TestCountingModel
{
  CacheitModel parent_instance;
  guint        n_parse;
};

G_DEFINE_FINAL_TYPE (TestCountingModel, test_counting_model, CACHEIT_TYPE_MODEL)

static JsonNode *
test_counting_model_parse (CacheitResource  *resource,
                           JsonNode         *response,
                           GError          **error)
{
  TEST_COUNTING_MODEL (resource)->n_parse++;

  return CACHEIT_RESOURCE_CLASS (test_counting_model_parent_class)->parse (resource, response, error);
}

static void
test_counting_model_class_init (TestCountingModelClass *klass)
{
  CACHEIT_RESOURCE_CLASS (klass)->parse = test_counting_model_parse;
}

static void
test_counting_model_init (TestCountingModel *self)
{
}

/* Signal counters of one resource. The `request` signal is not counted here:
 * a `request` handler opts a resource out of sharing a request. */

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_fake_monitors_reset ();
  fixture->server = cacheit_test_server_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
  test_fake_monitors_reset ();
}

static guint
count (Fixture    *fixture,
       const char *path)
{
  return cacheit_test_server_count (fixture->server, path);
}

/* A model of @path that retries after 1 ms. */
static CacheitModel *
model_new (Fixture    *fixture,
           const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);
  CacheitModel *model = cacheit_model_new (url);

  cacheit_resource_set_retry_delay (R (model), 1);
  /* These tests are about the network: a resource of a URL another one
   * fetched must not start from that one's snapshot (test-snapshot.c). */
  cacheit_resource_set_snapshot_policy (R (model), CACHEIT_SNAPSHOT_NONE);
  return model;
}

static TestRow *
row_new (Fixture    *fixture,
         const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);

  /* As model_new(): about the network, not snapshots. */
  return g_object_new (TEST_TYPE_ROW, "url", url, "retry-delay", 1,
                       "snapshot-policy", CACHEIT_SNAPSHOT_NONE, NULL);
}

static CacheitCollection *
rows_new (Fixture    *fixture,
          const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);
  CacheitCollection *collection = cacheit_collection_new (TEST_TYPE_ROW, url);

  cacheit_resource_set_retry_delay (R (collection), 1);
  /* As model_new(): about the network, not snapshots. */
  cacheit_resource_set_snapshot_policy (R (collection), CACHEIT_SNAPSHOT_NONE);
  return collection;
}

static char *
http_date_from_now (GTimeSpan offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add (now, offset);

  return soup_date_time_to_string (then, SOUP_DATE_HTTP);
}

/* The test server's own validators */

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CacheitTestCompletion *completion = user_data;

  completion->result = g_object_ref (result);
  completion->done = TRUE;
}

/* The status a plain GET of @path gets with the request header @name: @value. */
static guint
server_status (Fixture    *fixture,
               const char *path,
               const char *name,
               const char *value)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  if (name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), name, value);
  soup_session_send_and_read_async (cacheit_get_default_session (), message, G_PRIORITY_DEFAULT,
                                    NULL, sent_cb, &c);
  cacheit_test_wait_until (c.done);
  body = soup_session_send_and_read_finish (cacheit_get_default_session (), c.result, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (message) == SOUP_STATUS_NOT_MODIFIED)
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  cacheit_test_completion_clear (&c);

  return soup_message_get_status (message);
}

static void
test_server_validators (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char last_modified[] = "Wed, 21 Oct 2015 07:28:00 GMT";

  g_test_summary ("The test server: If-None-Match (weak comparison, lists, *) and "
                  "If-Modified-Since give 304 with no body; queued answers come first");

  cacheit_test_server_set (fixture->server, "/v", 200, "{}");
  cacheit_test_server_set_etag (fixture->server, "/v", "W/\"a\"");
  cacheit_test_server_set_last_modified (fixture->server, "/v", last_modified);

  g_assert_cmpuint (server_status (fixture, "/v", NULL, NULL), ==, 200);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "\"a\""), ==, 304);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "W/\"a\""), ==, 304);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "\"b\", W/\"a\""), ==, 304);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "*"), ==, 304);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "\"b\", \"ab\""), ==, 200);
  g_assert_cmpuint (server_status (fixture, "/v", "If-Modified-Since", last_modified), ==, 304);
  g_assert_cmpuint (server_status (fixture, "/v", "If-Modified-Since", "Tue, 20 Oct 2015 07:28:00 GMT"), ==, 200);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/v"), ==, 5);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/v"), ==, 7);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/v", "If-Modified-Since"), ==,
                   "Tue, 20 Oct 2015 07:28:00 GMT");

  cacheit_test_server_push (fixture->server, "/v", 503, "7");
  cacheit_test_server_push (fixture->server, "/v", 429, NULL);
  g_assert_cmpuint (server_status (fixture, "/v", "If-None-Match", "\"a\""), ==, 503);
  g_assert_cmpuint (server_status (fixture, "/v", NULL, NULL), ==, 429);
  g_assert_cmpuint (server_status (fixture, "/v", NULL, NULL), ==, 200);
  g_assert_cmpuint (count (fixture, "/v"), ==, 11);
}

/* Properties */

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/item");
  CacheitModel *model = cacheit_model_new (url);
  GParamSpec *pspec;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GDateTime) earliest = NULL;
  g_autoptr(GDateTime) last_updated = NULL;
  CacheitOrigin origin = CACHEIT_ORIGIN_DISK;

  g_test_summary ("The new properties: defaults, types, round trips; origin and "
                  "last-updated after a fetch");

  g_assert_cmpint (cacheit_resource_get_max_age (R (model)), ==, -1);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (R (model)), ==, 3);
  g_assert_cmpuint (cacheit_resource_get_retry_delay (R (model)), ==, 1000);
  g_assert_cmpuint (cacheit_resource_get_refresh_interval (R (model)), ==, 0);
  g_assert_false (cacheit_resource_get_refetch_on_reconnect (R (model)));
  g_assert_true (cacheit_resource_get_app_active (R (model)));
  g_assert_true (cacheit_resource_get_pause_when_constrained (R (model)));
  g_assert_false (cacheit_resource_get_stale (R (model)));
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_null (cacheit_resource_get_last_updated (R (model)));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "origin");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == CACHEIT_TYPE_ORIGIN);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "last-updated");
  g_assert_nonnull (pspec);
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_DATE_TIME);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (model), "stale");
  g_assert_nonnull (pspec);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);

  g_object_set (model,
                "max-age", 0,
                "retry-limit", 7,
                "retry-delay", 5,
                "refresh-interval", 9,
                "refetch-on-reconnect", TRUE,
                "app-active", FALSE,
                "pause-when-constrained", FALSE,
                NULL);
  g_assert_cmpint (cacheit_resource_get_max_age (R (model)), ==, 0);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (R (model)), ==, 7);
  g_assert_cmpuint (cacheit_resource_get_retry_delay (R (model)), ==, 5);
  g_assert_cmpuint (cacheit_resource_get_refresh_interval (R (model)), ==, 9);
  g_assert_true (cacheit_resource_get_refetch_on_reconnect (R (model)));
  g_assert_false (cacheit_resource_get_app_active (R (model)));
  g_assert_false (cacheit_resource_get_pause_when_constrained (R (model)));

  cacheit_resource_set_max_age (R (model), -1);
  cacheit_resource_set_retry_limit (R (model), 3);
  cacheit_resource_set_retry_delay (R (model), 1);
  cacheit_resource_set_refresh_interval (R (model), 0);
  cacheit_resource_set_refetch_on_reconnect (R (model), FALSE);
  cacheit_resource_set_app_active (R (model), TRUE);
  cacheit_resource_set_pause_when_constrained (R (model), TRUE);
  g_assert_cmpint (cacheit_resource_get_max_age (R (model)), ==, -1);
  g_assert_cmpuint (cacheit_resource_get_refresh_interval (R (model)), ==, 0);
  g_assert_true (cacheit_resource_get_app_active (R (model)));

  /* A failed fetch gives no data: no origin, no last-updated. */
  cacheit_test_server_set (fixture->server, "/item", 404, "{}");
  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, NULL));
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_null (cacheit_resource_get_last_updated (R (model)));
  g_assert_false (cacheit_resource_get_stale (R (model)));

  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1}");
  before = g_date_time_new_now_utc ();
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  after = g_date_time_new_now_utc ();
  g_object_get (model, "origin", &origin, NULL);
  g_assert_cmpint (origin, ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  last_updated = dup_last_updated (model);
  g_assert_nonnull (last_updated);
  g_assert_true (cacheit_resource_get_last_updated (R (model)) != NULL);
  /* Wall-clock time of the fetch (a server Date has whole seconds only). */
  earliest = g_date_time_add_seconds (before, -1);
  g_assert_cmpint (g_date_time_compare (last_updated, earliest), >=, 0);
  g_assert_cmpint (g_date_time_compare (last_updated, after), <=, 0);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* Revalidation */

static void
test_revalidate_etag_sent (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/item");

  g_test_summary ("A request made while data is held sends If-None-Match with the ETag "
                  "as received, strong or weak; none before there is data");

  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1, \"title\": \"first\"}");
  cacheit_test_server_set_etag (fixture->server, "/item", "\"v1\"");

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/item", "If-None-Match"));
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/item", "If-Modified-Since"));
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "If-None-Match"), ==, "\"v1\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 304);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "first");

  /* New data with a weak ETag: the old one is sent, does not match, 200. */
  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1, \"title\": \"second\"}");
  cacheit_test_server_set_etag (fixture->server, "/item", "W/\"v2\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "If-None-Match"), ==, "\"v1\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "second");

  /* The weak one is sent as it came, W/ included. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "If-None-Match"), ==, "W/\"v2\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/item"), ==, 2);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 304);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "second");

  g_assert_cmpuint (count (fixture, "/item"), ==, 4);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/item"), ==, 3);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_revalidate_last_modified_sent (Fixture       *fixture,
                                    gconstpointer  data)
{
  static const char last_modified[] = "Wed, 21 Oct 2015 07:28:00 GMT";
  CacheitModel *model = model_new (fixture, "/dated");
  CacheitModel *both = model_new (fixture, "/both");
  g_autoptr(GDateTime) expected = soup_date_time_new_from_http_string (last_modified);
  g_autoptr(GDateTime) sent = NULL;
  const char *since;

  g_test_summary ("A request made while data is held sends If-Modified-Since with the "
                  "Last-Modified received; with an ETag too, both");

  cacheit_test_server_set (fixture->server, "/dated", 200, "{\"id\": 1}");
  cacheit_test_server_set_last_modified (fixture->server, "/dated", last_modified);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/dated", "If-Modified-Since"));

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  since = cacheit_test_server_last_header (fixture->server, "/dated", "If-Modified-Since");
  g_assert_nonnull (since);
  sent = soup_date_time_new_from_http_string (since);
  g_assert_nonnull (sent);
  g_assert_true (g_date_time_equal (sent, expected));
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/dated", "If-None-Match"));
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/dated"), ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 304);
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 1);

  cacheit_test_server_set (fixture->server, "/both", 200, "{\"id\": 2}");
  cacheit_test_server_set_last_modified (fixture->server, "/both", last_modified);
  cacheit_test_server_set_etag (fixture->server, "/both", "\"b\"");
  cacheit_test_fetch_ok (both, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (both, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/both", "If-None-Match"), ==, "\"b\"");
  g_assert_nonnull (cacheit_test_server_last_header (fixture->server, "/both", "If-Modified-Since"));
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/both"), ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (both);
}

static void
test_revalidate_304_model (Fixture *fixture)
{
  TestRow *row = row_new (fixture, "/row");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion reload = { 0 };
  CacheitTestCompletion plain = { 0 };
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *attributes;

  cacheit_test_server_set (fixture->server, "/row", 200, "{\"id\": 1, \"name\": \"a\", \"rank\": 2}");
  cacheit_test_server_set_etag (fixture->server, "/row", "\"r1\"");
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (row->name, ==, "a");
  g_assert_cmpint (row->rank, ==, 2);
  attributes = cacheit_model_get_attributes (CACHEIT_MODEL (row));
  before = dup_last_updated (row);
  g_assert_nonnull (before);

  counters_connect (&c, row);

  /* A reload, and a plain fetch that joins it (R1). */
  cacheit_resource_fetch_async (R (row), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &reload);
  cacheit_resource_fetch_async (R (row), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &plain);
  cacheit_test_wait_until (reload.done);
  cacheit_test_wait_until (plain.done);
  cacheit_test_drain ();

  g_assert_cmpuint (count (fixture, "/row"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/row"), ==, 1);

  /* Callers succeed, once each, with the same result. */
  g_assert_true (cacheit_resource_fetch_finish (R (row), reload.result, &error));
  g_assert_no_error (error);
  g_assert_true (cacheit_resource_fetch_finish (R (row), plain.result, &error));
  g_assert_no_error (error);
  g_assert_true (reload.result == plain.result);
  g_assert_cmpuint (reload.n_calls, ==, 1);
  g_assert_cmpuint (plain.n_calls, ==, 1);

  /* Nothing emitted but the allowed notifies. */
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);
  g_assert_cmpuint (c.n_last_updated, ==, 1);

  /* The data as it was: the same attributes object, the same values. */
  g_assert_true (cacheit_model_get_attributes (CACHEIT_MODEL (row)) == attributes);
  g_assert_cmpstr (row->name, ==, "a");
  g_assert_cmpint (row->rank, ==, 2);
  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (row), "name"), ==, "a");
  g_assert_true (cacheit_resource_get_fetched (R (row)));
  g_assert_null (cacheit_resource_get_last_error (R (row)));
  g_assert_false (cacheit_resource_get_fetching (R (row)));
  g_assert_cmpint (cacheit_resource_get_origin (R (row)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (cacheit_resource_get_status (R (row)), ==, 304);

  /* Confirmed by the server: later than before. */
  after = dup_last_updated (row);
  g_assert_nonnull (after);
  g_assert_cmpint (g_date_time_compare (after, before), >, 0);

  cacheit_test_completion_clear (&reload);
  cacheit_test_completion_clear (&plain);
  cacheit_test_drain ();
  g_assert_finalize_object (row);
}

static void
test_revalidate_304_collection (Fixture *fixture)
{
  static const char *const allowed[] = { "last-updated", "stale", "status", "fetching", NULL };
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_auto(Counters) c = { 0 };
  g_autoptr(TestRow) first = NULL;
  g_autoptr(TestRow) again = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  guint n_item_notify = 0;
  guint n_item_changed = 0;

  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"id\": 1, \"name\": \"a\", \"rank\": 1},"
                           " {\"id\": 2, \"name\": \"b\", \"rank\": 2}]");
  cacheit_test_server_set_etag (fixture->server, "/rows", "W/\"l1\"");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_signal_connect (first, "notify", G_CALLBACK (count_cb), &n_item_notify);
  g_signal_connect (first, "changed", G_CALLBACK (count_cb), &n_item_changed);
  before = dup_last_updated (rows);

  counters_connect (&c, rows);
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_RELOAD);

  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/rows", "If-None-Match"), ==, "W/\"l1\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/rows"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_items_changed, ==, 0);
  g_assert_cmpuint (c.n_error, ==, 0);
  assert_notified_only (&c, allowed);
  g_assert_cmpuint (c.n_last_updated, ==, 1);
  g_assert_cmpuint (n_item_notify, ==, 0);
  g_assert_cmpuint (n_item_changed, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 2);
  again = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_assert_true (again == first);
  g_assert_cmpstr (first->name, ==, "a");
  g_assert_cmpuint (cacheit_resource_get_status (R (rows)), ==, 304);
  after = dup_last_updated (rows);
  g_assert_cmpint (g_date_time_compare (after, before), >, 0);

  g_clear_object (&first);
  g_clear_object (&again);
  cacheit_test_drain ();
  g_assert_finalize_object (rows);
}

static void
test_revalidate_304_emits_nothing (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_test_summary ("A 304 keeps the data and emits no sync, no changed, no typed-property "
                  "notify, no items-changed; callers succeed; status is 304 and "
                  "last-updated moves on");

  test_revalidate_304_model (fixture);
  test_revalidate_304_collection (fixture);
}

static void
test_revalidate_304_no_parse (Fixture       *fixture,
                              gconstpointer  data)
{
  TestCountingModel *model;
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/parsed");

  g_test_summary ("A 304 parses nothing: an overridden parse() is not called");

  model = g_object_new (TEST_TYPE_COUNTING_MODEL, "url", url, "retry-delay", 1, NULL);
  cacheit_test_server_set (fixture->server, "/parsed", 200, "{\"id\": 1, \"title\": \"one\"}");
  cacheit_test_server_set_etag (fixture->server, "/parsed", "\"p1\"");

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (model->n_parse, ==, 1);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/parsed"), ==, 1);
  g_assert_cmpuint (model->n_parse, ==, 1);

  /* A background revalidation answered 304: no parse either. */
  cacheit_resource_invalidate (R (model));
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (cacheit_test_server_count_not_modified (fixture->server, "/parsed") == 2 &&
                           !cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (model->n_parse, ==, 1);

  /* The counter counts: a 200 parses. */
  cacheit_test_server_set (fixture->server, "/parsed", 200, "{\"id\": 1, \"title\": \"two\"}");
  cacheit_test_server_set_etag (fixture->server, "/parsed", "\"p2\"");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (model->n_parse, ==, 2);
  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (model), "title"), ==, "two");
  g_assert_cmpuint (count (fixture, "/parsed"), ==, 4);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_revalidate_200_same_body (Fixture       *fixture,
                               gconstpointer  data)
{
  static const char body[] = "{\"id\": 1, \"name\": \"same\", \"rank\": 3}";
  TestRow *row = row_new (fixture, "/same");
  CacheitCollection *rows = rows_new (fixture, "/same-rows");
  g_auto(Counters) c = { 0 };
  g_auto(Counters) rc = { 0 };
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;

  g_test_summary ("A 200 with the data in hand emits nothing but last-updated; "
                  "its new ETag is the one sent next");

  cacheit_test_server_set (fixture->server, "/same", 200, body);
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_NONE);
  before = dup_last_updated (row);
  counters_connect (&c, row);

  cacheit_test_fetch_ok (row, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (count (fixture, "/same"), ==, 2);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);
  g_assert_cmpuint (c.n_last_updated, ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (row)), ==, 200);
  g_assert_cmpstr (row->name, ==, "same");
  after = dup_last_updated (row);
  g_assert_cmpint (g_date_time_compare (after, before), >, 0);

  /* The same body under a new ETag: still nothing, and that ETag is kept. */
  cacheit_test_server_set_etag (fixture->server, "/same", "\"e1\"");
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_RELOAD);
  cacheit_test_server_set_etag (fixture->server, "/same", "\"e2\"");
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/same", "If-None-Match"), ==, "\"e1\"");
  cacheit_test_fetch_ok (row, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/same", "If-None-Match"), ==, "\"e2\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/same"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (c.n_changed, ==, 0);
  assert_notified_only (&c, notify_allowed_on_304);

  /* A collection likewise. */
  cacheit_test_server_set (fixture->server, "/same-rows", 200,
                           "[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": \"b\"}]");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_NONE);
  counters_connect (&rc, rows);
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (rc.n_sync, ==, 0);
  g_assert_cmpuint (rc.n_items_changed, ==, 0);
  assert_notified_only (&rc, notify_allowed_on_304);

  cacheit_test_drain ();
  g_assert_finalize_object (row);
  g_assert_finalize_object (rows);
}

/* max-age and stale */

/* Fetches a model of @path, whose answer has the given headers, and checks
 * stale right after the fetch. */
static void
check_server_freshness (Fixture    *fixture,
                        const char *path,
                        const char *name1,
                        const char *value1,
                        const char *name2,
                        const char *value2,
                        gboolean    expected)
{
  CacheitModel *model = model_new (fixture, path);

  g_test_message ("%s: %s: %s, %s: %s → stale %s", path,
                  name1 ? name1 : "-", value1 ? value1 : "-",
                  name2 ? name2 : "-", value2 ? value2 : "-", expected ? "TRUE" : "FALSE");
  cacheit_test_server_set (fixture->server, path, 200, "{\"id\": 1}");
  if (name1 != NULL)
    cacheit_test_server_set_header (fixture->server, path, name1, value1);
  if (name2 != NULL)
    cacheit_test_server_set_header (fixture->server, path, name2, value2);

  g_assert_false (cacheit_resource_get_stale (R (model)));
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  if (cacheit_resource_get_stale (R (model)) != expected)
    g_assert_cmpstr (path, ==, "(a path whose stale is as expected)");
  g_assert_cmpint (cacheit_resource_get_origin (R (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_cmpuint (count (fixture, path), ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_max_age_server (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *now = http_date_from_now (0);
  g_autofree char *past = http_date_from_now (-G_TIME_SPAN_HOUR);
  g_autofree char *future = http_date_from_now (G_TIME_SPAN_HOUR);
  g_autofree char *far_future = http_date_from_now (2 * G_TIME_SPAN_HOUR);

  g_test_summary ("With max-age -1 the server decides: no-cache/no-store → stale, "
                  "max-age=N (minus Age), else Expires - Date; nothing said → never stale");

  check_server_freshness (fixture, "/max-age-0", "Cache-Control", "max-age=0", NULL, NULL, TRUE);
  check_server_freshness (fixture, "/max-age-3600", "Cache-Control", "max-age=3600", NULL, NULL, FALSE);
  check_server_freshness (fixture, "/public", "Cache-Control", "public, max-age=3600", NULL, NULL, FALSE);
  check_server_freshness (fixture, "/no-cache", "Cache-Control", "no-cache", NULL, NULL, TRUE);
  check_server_freshness (fixture, "/no-store", "Cache-Control", "no-store", NULL, NULL, TRUE);
  check_server_freshness (fixture, "/no-cache-wins", "Cache-Control", "max-age=3600, no-cache", NULL, NULL, TRUE);
  check_server_freshness (fixture, "/old", "Cache-Control", "max-age=100", "Age", "200", TRUE);
  check_server_freshness (fixture, "/young", "Cache-Control", "max-age=100", "Age", "50", FALSE);
  check_server_freshness (fixture, "/expired", "Date", now, "Expires", past, TRUE);
  check_server_freshness (fixture, "/expires", "Date", now, "Expires", future, FALSE);
  /* Expires - Date, not Expires - now: a server clock ahead of ours. */
  check_server_freshness (fixture, "/ahead", "Date", far_future, "Expires", future, TRUE);
  /* max-age wins over Expires. */
  check_server_freshness (fixture, "/max-age-over-expires", "Cache-Control", "max-age=3600", "Expires", past, FALSE);
  check_server_freshness (fixture, "/silent", NULL, NULL, NULL, NULL, FALSE);
}

static void
test_max_age_property (Fixture       *fixture,
                       gconstpointer  data)
{
  CacheitModel *zero = model_new (fixture, "/long");
  CacheitModel *as_server = model_new (fixture, "/long");
  CacheitModel *hour = model_new (fixture, "/no-cache");
  CacheitModel *silent = model_new (fixture, "/silent");

  g_test_summary ("max-age overrides the server: 0 is always stale, 3600 beats no-cache");

  cacheit_test_server_set (fixture->server, "/long", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/long", "Cache-Control", "max-age=3600");
  cacheit_test_server_set (fixture->server, "/no-cache", 200, "{\"id\": 2}");
  cacheit_test_server_set_header (fixture->server, "/no-cache", "Cache-Control", "no-cache");
  cacheit_test_server_set (fixture->server, "/silent", 200, "{\"id\": 3}");

  cacheit_resource_set_max_age (R (zero), 0);
  cacheit_resource_set_max_age (R (hour), 3600);
  cacheit_resource_set_max_age (R (silent), 0);

  cacheit_test_fetch_ok (zero, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (as_server, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (hour, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (silent, CACHEIT_FETCH_NONE);

  g_assert_true (cacheit_resource_get_stale (R (zero)));
  g_assert_false (cacheit_resource_get_stale (R (as_server)));
  g_assert_false (cacheit_resource_get_stale (R (hour)));
  g_assert_true (cacheit_resource_get_stale (R (silent)));

  cacheit_test_drain ();
  g_assert_finalize_object (zero);
  g_assert_finalize_object (as_server);
  g_assert_finalize_object (hour);
  g_assert_finalize_object (silent);
}

typedef struct
{
  CacheitTestCompletion completion;
  gboolean              stale_at_completion;
  gboolean              notified_after_completion;
  guint                 n_stale_notify;
} TimerState;

static void
timer_completion_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TimerState *state = user_data;

  state->stale_at_completion = cacheit_resource_get_stale (R (object));
  cacheit_test_completion_cb (object, result, &state->completion);
}

static void
timer_stale_cb (GObject    *object,
                GParamSpec *pspec,
                TimerState *state)
{
  state->n_stale_notify++;
  state->notified_after_completion = state->completion.done;
}

static void
test_max_age_timer (Fixture       *fixture,
                    gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/short");
  TimerState state = { { 0 } };
  CacheitTestCompletion plain = { 0 };

  g_test_summary ("stale turns TRUE by itself when the lifetime runs out, with "
                  "notify::stale, and makes no request by itself");

  cacheit_test_server_set (fixture->server, "/short", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/short", "Cache-Control", "max-age=1");
  g_signal_connect (model, "notify::stale", G_CALLBACK (timer_stale_cb), &state);

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, timer_completion_cb, &state);
  cacheit_test_wait_until (state.completion.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), state.completion.result, NULL));
  g_assert_false (state.stale_at_completion);

  cacheit_test_wait_until (state.n_stale_notify > 0);
  g_assert_true (state.notified_after_completion);
  g_assert_true (cacheit_resource_get_stale (R (model)));
  g_assert_cmpuint (state.n_stale_notify, ==, 1);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (count (fixture, "/short"), ==, 1);

  /* Now a plain fetch completes from the cache and revalidates. */
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &plain);
  cacheit_test_wait_until (plain.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), plain.result, NULL));
  cacheit_test_wait_until (count (fixture, "/short") == 2 && !cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();

  cacheit_test_completion_clear (&state.completion);
  cacheit_test_completion_clear (&plain);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_invalidate (Fixture       *fixture,
                 gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/inv");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion plain = { 0 };

  g_test_summary ("invalidate() marks the data stale (notify::stale); the next plain "
                  "fetch completes from the cache and revalidates in the background");

  cacheit_test_server_set (fixture->server, "/inv", 200, "{\"id\": 1, \"title\": \"kept\"}");
  cacheit_test_server_set_etag (fixture->server, "/inv", "\"i1\"");
  counters_connect (&c, model);

  /* No data: nothing is stale. */
  cacheit_resource_invalidate (R (model));
  g_assert_false (cacheit_resource_get_stale (R (model)));

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (model)));
  c.n_stale = 0;

  cacheit_resource_invalidate (R (model));
  g_assert_true (cacheit_resource_get_stale (R (model)));
  g_assert_cmpuint (c.n_stale, ==, 1);
  cacheit_resource_invalidate (R (model));
  g_assert_true (cacheit_resource_get_stale (R (model)));
  g_assert_cmpuint (c.n_stale, ==, 1);
  g_assert_cmpuint (count (fixture, "/inv"), ==, 1);

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &plain);
  g_assert_false (plain.done);
  cacheit_test_wait_until (plain.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), plain.result, NULL));
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "kept");

  /* The background revalidation: conditional, 304, fresh again. */
  cacheit_test_wait_until (count (fixture, "/inv") == 2 && !cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/inv"), ==, 2);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/inv", "If-None-Match"), ==, "\"i1\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/inv"), ==, 1);
  g_assert_false (cacheit_resource_get_stale (R (model)));
  g_assert_cmpuint (c.n_stale, ==, 2);
  g_assert_cmpuint (c.n_sync, ==, 1);

  /* Fresh again: no request. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (count (fixture, "/inv"), ==, 2);

  cacheit_test_completion_clear (&plain);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* Stale-while-revalidate */

static void
test_swr_returns_at_once (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/swr");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  CacheitTestCompletion third = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_title = 0;

  g_test_summary ("A plain fetch of stale data completes at once with it and starts one "
                  "background revalidation, whose result arrives as sync/changed; "
                  "further plain fetches do not start another; its failure is an error");

  cacheit_test_server_set (fixture->server, "/swr", 200, "{\"id\": 1, \"title\": \"old\"}");
  cacheit_test_server_set_header (fixture->server, "/swr", "Cache-Control", "max-age=0");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_stale (R (model)));
  counters_connect (&c, model);
  g_signal_connect (model, "changed::title", G_CALLBACK (count_cb), &n_title);

  cacheit_test_server_set (fixture->server, "/swr", 200, "{\"id\": 1, \"title\": \"new\"}");
  cacheit_test_server_hold (fixture->server, "/swr");

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &first);
  g_assert_false (first.done);   /* R3: on a later iteration */
  cacheit_test_wait_until (first.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), first.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "old");

  /* One background request, held by the server. */
  cacheit_test_server_wait_held (fixture->server, "/swr", 1);
  g_assert_cmpuint (count (fixture, "/swr"), ==, 2);
  g_assert_true (cacheit_resource_get_fetching (R (model)));

  /* Another plain fetch meanwhile: from the cache, no request. */
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &second);
  cacheit_test_wait_until (second.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), second.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "old");
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/swr"), ==, 2);
  g_assert_cmpuint (c.n_sync, ==, 0);

  /* The answer: sync and changed, no caller called again. */
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/swr"), ==, 1);
  cacheit_test_wait_until (c.n_sync == 1);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "new");
  g_assert_cmpuint (n_title, ==, 1);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (first.n_calls, ==, 1);
  g_assert_cmpuint (second.n_calls, ==, 1);
  g_assert_cmpuint (count (fixture, "/swr"), ==, 2);
  g_assert_cmpuint (c.n_error, ==, 0);

  /* A failed background revalidation: error and last-error, data kept. */
  cacheit_test_server_set (fixture->server, "/swr", 500, "{}");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &third);
  cacheit_test_wait_until (third.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), third.result, &error));
  g_assert_no_error (error);
  cacheit_test_wait_until (c.n_error == 1);
  g_assert_error (cacheit_resource_get_last_error (R (model)), CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "new");
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/swr"), ==, 3);
  g_assert_cmpuint (third.n_calls, ==, 1);

  cacheit_test_completion_clear (&first);
  cacheit_test_completion_clear (&second);
  cacheit_test_completion_clear (&third);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_swr_after_failed_revalidation (Fixture       *fixture,
                                    gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/swr-fail");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("After a background revalidation failed, the data is still in hand, and "
                  "the next plain fetch makes a new request and waits for it (R5)");

  cacheit_test_server_set (fixture->server, "/swr-fail", 200, "{\"id\": 1, \"title\": \"kept\"}");
  cacheit_test_server_set_header (fixture->server, "/swr-fail", "Cache-Control", "max-age=0");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  counters_connect (&c, model);

  /* A background revalidation fails. */
  cacheit_test_server_set (fixture->server, "/swr-fail", 500, "{}");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &first);
  cacheit_test_wait_until (first.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), first.result, &error));
  g_assert_no_error (error);
  cacheit_test_wait_until (c.n_error == 1 && !cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (count (fixture, "/swr-fail"), ==, 2);
  g_assert_true (cacheit_resource_get_fetched (R (model)));
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "kept");

  /* The next plain fetch: a failure is not cached, so it waits for a new
   * request, held by the server; the data stays readable meanwhile. */
  cacheit_test_server_set (fixture->server, "/swr-fail", 200, "{\"id\": 1, \"title\": \"back\"}");
  cacheit_test_server_hold (fixture->server, "/swr-fail");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &second);
  cacheit_test_server_wait_held (fixture->server, "/swr-fail", 1);
  cacheit_test_drain ();
  g_assert_false (second.done);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "kept");
  g_assert_cmpuint (count (fixture, "/swr-fail"), ==, 3);

  cacheit_test_server_release (fixture->server, "/swr-fail");
  cacheit_test_wait_until (second.done);
  g_assert_true (cacheit_resource_fetch_finish (R (model), second.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "back");
  g_assert_null (cacheit_resource_get_last_error (R (model)));
  g_assert_cmpuint (second.n_calls, ==, 1);

  cacheit_test_completion_clear (&first);
  cacheit_test_completion_clear (&second);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_swr_fresh_no_request (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitModel *fresh = model_new (fixture, "/fresh");
  CacheitModel *silent = model_new (fixture, "/silent");
  CacheitTestCompletion c[6] = { { 0 } };

  g_test_summary ("Fresh data makes no request at all");

  cacheit_test_server_set (fixture->server, "/fresh", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/fresh", "Cache-Control", "max-age=3600");
  cacheit_test_server_set (fixture->server, "/silent", 200, "{\"id\": 2}");
  cacheit_test_fetch_ok (fresh, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (silent, CACHEIT_FETCH_NONE);

  for (guint i = 0; i < 3; i++)
    {
      cacheit_resource_fetch_async (R (fresh), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c[i]);
      cacheit_resource_fetch_async (R (silent), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &c[3 + i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      cacheit_test_wait_until (c[i].done);
      g_assert_cmpuint (c[i].n_calls, ==, 1);
    }
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (fresh)));
  g_assert_false (cacheit_resource_get_fetching (R (silent)));
  g_assert_cmpuint (count (fixture, "/fresh"), ==, 1);
  g_assert_cmpuint (count (fixture, "/silent"), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_completion_clear (&c[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (fresh);
  g_assert_finalize_object (silent);
}

static void
test_swr_reload_still_reloads (Fixture       *fixture,
                               gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/reload");
  CacheitModel *fresh = model_new (fixture, "/reload-fresh");
  CacheitTestCompletion reload = { 0 };
  CacheitTestCompletion plain = { 0 };

  g_test_summary ("A reload of stale data waits for the server; a plain fetch meanwhile "
                  "joins it (R1); fresh data reloads too");

  cacheit_test_server_set (fixture->server, "/reload", 200, "{\"id\": 1, \"title\": \"old\"}");
  cacheit_test_server_set_header (fixture->server, "/reload", "Cache-Control", "max-age=0");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_stale (R (model)));

  cacheit_test_server_set (fixture->server, "/reload", 200, "{\"id\": 1, \"title\": \"new\"}");
  cacheit_test_server_hold (fixture->server, "/reload");
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &reload);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &plain);
  cacheit_test_server_wait_held (fixture->server, "/reload", 1);
  cacheit_test_drain ();
  g_assert_false (reload.done);
  g_assert_false (plain.done);
  g_assert_cmpuint (count (fixture, "/reload"), ==, 2);

  cacheit_test_server_release (fixture->server, "/reload");
  cacheit_test_wait_until (reload.done);
  cacheit_test_wait_until (plain.done);
  g_assert_true (reload.result == plain.result);
  g_assert_true (cacheit_resource_fetch_finish (R (model), plain.result, NULL));
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "new");
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/reload"), ==, 2);

  cacheit_test_server_set (fixture->server, "/reload-fresh", 200, "{\"id\": 2}");
  cacheit_test_server_set_header (fixture->server, "/reload-fresh", "Cache-Control", "max-age=3600");
  cacheit_test_fetch_ok (fresh, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (fresh, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (count (fixture, "/reload-fresh"), ==, 2);

  cacheit_test_completion_clear (&reload);
  cacheit_test_completion_clear (&plain);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (fresh);
}

/* Retry */

typedef struct
{
  guint    n_request;
  gboolean fetching_at_every_request;
} RequestLog;

static void
log_request_cb (CacheitResource *resource,
                SoupMessage     *message,
                RequestLog      *log)
{
  log->n_request++;
  if (!cacheit_resource_get_fetching (resource))
    log->fetching_at_every_request = FALSE;
}

static void
test_retry_transient (Fixture       *fixture,
                      gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/flaky");
  g_auto(Counters) c = { 0 };
  RequestLog log = { 0, TRUE };

  g_test_summary ("503, 503, then 200: three requests, one callback, success; fetching "
                  "stays TRUE throughout; request is emitted for each attempt");

  cacheit_test_server_set (fixture->server, "/flaky", 200, "{\"id\": 1, \"title\": \"up\"}");
  cacheit_test_server_push (fixture->server, "/flaky", 503, NULL);
  cacheit_test_server_push (fixture->server, "/flaky", 503, NULL);
  counters_connect (&c, model);
  g_signal_connect (model, "request", G_CALLBACK (log_request_cb), &log);

  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (count (fixture, "/flaky"), ==, 3);
  g_assert_cmpuint (log.n_request, ==, 3);
  g_assert_true (log.fetching_at_every_request);
  g_assert_cmpuint (c.n_fetching, ==, 2);
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (c.n_sync, ==, 1);
  g_assert_cmpuint (c.n_error, ==, 0);
  g_assert_null (cacheit_resource_get_last_error (R (model)));
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 200);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "up");

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
test_retry_limit (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/down");
  CacheitModel *by_default = model_new (fixture, "/down-default");
  g_auto(Counters) c = { 0 };
  RequestLog log = { 0, TRUE };
  g_autoptr(GError) error = NULL;

  g_test_summary ("retry-limit 2 against a 503 that stays: 3 requests, the 503 reported "
                  "once; the default limit (3) makes 4");

  cacheit_test_server_set (fixture->server, "/down", 503, "{}");
  cacheit_test_server_set (fixture->server, "/down-default", 503, "{}");
  cacheit_resource_set_retry_limit (R (model), 2);
  counters_connect (&c, model);
  g_signal_connect (model, "request", G_CALLBACK (log_request_cb), &log);

  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 503);
  g_assert_cmpuint (count (fixture, "/down"), ==, 3);
  g_assert_cmpuint (log.n_request, ==, 3);
  g_assert_true (log.fetching_at_every_request);
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_cmpuint (c.n_fetching, ==, 2);
  g_assert_error (cacheit_resource_get_last_error (R (model)), CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_resource_get_status (R (model)), ==, 503);
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  g_clear_error (&error);

  g_assert_false (cacheit_test_fetch_wait (by_default, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (count (fixture, "/down-default"), ==, 4);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (by_default);
}

/* A port on 127.0.0.1 with nothing listening. */
static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static void
test_retry_disabled (Fixture       *fixture,
                     gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/once");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/refused", closed_port ());
  CacheitModel *refused = cacheit_model_new (url);
  RequestLog log = { 0, TRUE };
  g_autoptr(GError) error = NULL;

  g_test_summary ("retry-limit 0: no retry, for an HTTP status or a transport error");

  cacheit_test_server_set (fixture->server, "/once", 200, "{}");
  cacheit_test_server_push (fixture->server, "/once", 503, NULL);
  cacheit_resource_set_retry_limit (R (model), 0);
  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (count (fixture, "/once"), ==, 1);
  g_clear_error (&error);

  cacheit_resource_set_retry_limit (R (refused), 0);
  cacheit_resource_set_retry_delay (R (refused), 1);
  g_signal_connect (refused, "request", G_CALLBACK (log_request_cb), &log);
  g_assert_false (cacheit_test_fetch_wait (refused, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (log.n_request, ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (model);
  g_assert_finalize_object (refused);
}

static void
test_retry_not_transient (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitModel *missing = model_new (fixture, "/missing");
  CacheitModel *garbled = model_new (fixture, "/garbled");
  CacheitModel *large = model_new (fixture, "/large");
  g_autoptr(GError) error = NULL;

  g_test_summary ("404, invalid JSON and a body over max-size are not retried");

  cacheit_test_server_set (fixture->server, "/missing", 404, "{}");
  g_assert_false (cacheit_test_fetch_wait (missing, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 404);
  g_assert_cmpuint (count (fixture, "/missing"), ==, 1);
  g_clear_error (&error);

  cacheit_test_server_set (fixture->server, "/garbled", 200, "{\"id\": ");
  g_assert_false (cacheit_test_fetch_wait (garbled, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
  g_assert_cmpuint (count (fixture, "/garbled"), ==, 1);
  g_clear_error (&error);

  cacheit_test_server_set (fixture->server, "/large", 200, "{\"id\": 1, \"padding\": \"................\"}");
  cacheit_resource_set_max_size (R (large), 8);
  g_assert_false (cacheit_test_fetch_wait (large, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);
  g_assert_cmpuint (count (fixture, "/large"), ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (missing);
  g_assert_finalize_object (garbled);
  g_assert_finalize_object (large);
}

static void
test_retry_statuses (Fixture       *fixture,
                     gconstpointer  data)
{
  static const guint retried[] = { 408, 429, 502, 503, 504 };
  static const guint final[] = { 400, 403, 500, 501 };

  g_test_summary ("408, 429, 502, 503 and 504 are retried; 400, 403, 500 and 501 are not");

  for (guint i = 0; i < G_N_ELEMENTS (retried); i++)
    {
      g_autofree char *path = g_strdup_printf ("/retried-%u", retried[i]);
      CacheitModel *model = model_new (fixture, path);

      g_test_message ("%u is retried", retried[i]);
      cacheit_test_server_set (fixture->server, path, 200, "{\"id\": 1}");
      cacheit_test_server_push (fixture->server, path, retried[i], NULL);
      cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
      g_assert_cmpuint (count (fixture, path), ==, 2);
      g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 1);
      cacheit_test_drain ();
      g_assert_finalize_object (model);
    }

  for (guint i = 0; i < G_N_ELEMENTS (final); i++)
    {
      g_autofree char *path = g_strdup_printf ("/final-%u", final[i]);
      CacheitModel *model = model_new (fixture, path);
      g_autoptr(GError) error = NULL;

      g_test_message ("%u is not retried", final[i]);
      cacheit_test_server_set (fixture->server, path, 200, "{\"id\": 1}");
      cacheit_test_server_push (fixture->server, path, final[i], NULL);
      g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
      g_assert_cmpuint (cacheit_error_get_http_status (error), ==, final[i]);
      g_assert_cmpuint (count (fixture, path), ==, 1);
      cacheit_test_drain ();
      g_assert_finalize_object (model);
    }
}

/* The position of the last arrival of @path in the server's log. */
static int
last_arrival (Fixture    *fixture,
              const char *path)
{
  g_auto(GStrv) arrivals = g_strsplit (cacheit_test_server_arrivals (fixture->server), " ", -1);
  int last = -1;

  for (int i = 0; arrivals[i] != NULL; i++)
    if (g_str_equal (arrivals[i], path))
      last = i;

  return last;
}

static void
test_retry_retry_after (Fixture       *fixture,
                        gconstpointer  data)
{
  CacheitModel *told = model_new (fixture, "/told");
  CacheitModel *backoff = model_new (fixture, "/backoff");
  CacheitModel *too_long = model_new (fixture, "/too-long");
  CacheitModel *dated = model_new (fixture, "/dated");
  CacheitModel *at_once = model_new (fixture, "/at-once");
  CacheitTestCompletion a = { 0 };
  CacheitTestCompletion b = { 0 };
  g_autofree char *in_an_hour = http_date_from_now (G_TIME_SPAN_HOUR);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Retry-After is used instead of retry-delay (seconds or an HTTP date); "
                  "one longer than 300 s ends the retries");

  /* /told: retry-delay 1 ms but "Retry-After: 1"; /backoff: no Retry-After,
   * retry-delay 400 ms. Told to wait, /told retries after /backoff;
   * ignoring Retry-After, it would retry some 200 ms before it. */
  cacheit_test_server_set (fixture->server, "/told", 200, "{\"id\": 1}");
  cacheit_test_server_push (fixture->server, "/told", 429, "1");
  cacheit_test_server_set (fixture->server, "/backoff", 200, "{\"id\": 2}");
  cacheit_test_server_push (fixture->server, "/backoff", 429, NULL);
  cacheit_resource_set_retry_delay (R (backoff), 400);

  cacheit_resource_fetch_async (R (told), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &a);
  cacheit_resource_fetch_async (R (backoff), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &b);
  cacheit_test_wait_until (a.done);
  cacheit_test_wait_until (b.done);
  g_assert_true (cacheit_resource_fetch_finish (R (told), a.result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (backoff), b.result, NULL));
  g_assert_cmpuint (count (fixture, "/told"), ==, 2);
  g_assert_cmpuint (count (fixture, "/backoff"), ==, 2);
  g_test_message ("arrivals: %s", cacheit_test_server_arrivals (fixture->server));
  g_assert_cmpint (last_arrival (fixture, "/backoff"), <, last_arrival (fixture, "/told"));

  /* Longer than 300 s: the failure is reported, no retry. */
  cacheit_test_server_set (fixture->server, "/too-long", 200, "{}");
  cacheit_test_server_push (fixture->server, "/too-long", 503, "301");
  g_assert_false (cacheit_test_fetch_wait (too_long, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 503);
  g_assert_cmpuint (count (fixture, "/too-long"), ==, 1);
  g_clear_error (&error);

  /* An HTTP date an hour away is longer than 300 s too. */
  cacheit_test_server_set (fixture->server, "/dated", 200, "{}");
  cacheit_test_server_push (fixture->server, "/dated", 503, in_an_hour);
  g_assert_false (cacheit_test_fetch_wait (dated, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (count (fixture, "/dated"), ==, 1);
  g_clear_error (&error);

  /* "Retry-After: 0" retries. */
  cacheit_test_server_set (fixture->server, "/at-once", 200, "{}");
  cacheit_test_server_push (fixture->server, "/at-once", 503, "0");
  cacheit_test_fetch_ok (at_once, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (count (fixture, "/at-once"), ==, 2);

  cacheit_test_completion_clear (&a);
  cacheit_test_completion_clear (&b);
  cacheit_test_drain ();
  g_assert_finalize_object (told);
  g_assert_finalize_object (backoff);
  g_assert_finalize_object (too_long);
  g_assert_finalize_object (dated);
  g_assert_finalize_object (at_once);
}

static void
test_retry_connection_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/refused", closed_port ());
  CacheitModel *model = cacheit_model_new (url);
  g_auto(Counters) c = { 0 };
  RequestLog log = { 0, TRUE };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A refused connection is retried retry-limit times; the G_IO_ERROR "
                  "is reported once");

  cacheit_resource_set_retry_delay (R (model), 1);
  cacheit_resource_set_retry_limit (R (model), 2);
  counters_connect (&c, model);
  g_signal_connect (model, "request", G_CALLBACK (log_request_cb), &log);

  g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (log.n_request, ==, 3);
  g_assert_true (log.fetching_at_every_request);
  g_assert_cmpuint (c.n_error, ==, 1);
  g_assert_cmpuint (c.n_fetching, ==, 2);
  g_assert_error (cacheit_resource_get_last_error (R (model)), G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_false (cacheit_resource_get_fetching (R (model)));

  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

static void
status_is_503_cb (CacheitResource *resource,
                  GParamSpec      *pspec,
                  gboolean        *flag)
{
  if (cacheit_resource_get_status (resource) == 503)
    *flag = TRUE;
}

static void
test_retry_cancel_during_backoff (Fixture       *fixture,
                                  gconstpointer  data)
{
  CacheitModel *model = model_new (fixture, "/wait");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CacheitTestCompletion c = { 0 };
  g_auto(Counters) counters = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean got_503 = FALSE;

  g_test_summary ("Cancelling the last caller during a backoff ends the fetch at once: "
                  "cancelled, fetching FALSE, no further attempt, nothing keeps the "
                  "resource");

  cacheit_test_server_set (fixture->server, "/wait", 200, "{}");
  cacheit_test_server_push (fixture->server, "/wait", 503, NULL);
  cacheit_resource_set_retry_delay (R (model), 60000);
  counters_connect (&counters, model);
  g_signal_connect (model, "notify::status", G_CALLBACK (status_is_503_cb), &got_503);

  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, cancellable, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (got_503);
  cacheit_test_drain ();
  g_assert_false (c.done);
  g_assert_true (cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (count (fixture, "/wait"), ==, 1);

  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (c.done);
  g_assert_false (cacheit_resource_fetch_finish (R (model), c.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cacheit_resource_get_fetching (R (model)));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/wait"), ==, 1);
  g_assert_cmpuint (counters.n_error, ==, 0);
  g_assert_cmpuint (counters.n_sync, ==, 0);
  g_assert_cmpuint (c.n_calls, ==, 1);

  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();
  g_assert_finalize_object (model);
}

/* Refetching in the background */

static gboolean
idle (Fixture    *fixture,
      gpointer    resource,
      const char *path,
      guint       n)
{
  return count (fixture, path) == n && !cacheit_resource_get_fetching (R (resource));
}

static void
test_refetch_reconnect (Fixture       *fixture,
                        gconstpointer  data)
{
  TestFakeNetworkMonitor *network = test_fake_network_monitor_get ();
  CacheitModel *stale = model_new (fixture, "/stale");
  CacheitModel *fresh = model_new (fixture, "/fresh");
  CacheitModel *off = model_new (fixture, "/off");
  CacheitModel *failed = model_new (fixture, "/failed");
  g_auto(Counters) c = { 0 };

  g_test_summary ("network-available FALSE→TRUE revalidates stale data, or after a failed "
                  "fetch, once; not fresh data; not with refetch-on-reconnect FALSE");

  g_assert_true (g_network_monitor_get_network_available (g_network_monitor_get_default ()));

  cacheit_test_server_set (fixture->server, "/stale", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/stale", "Cache-Control", "max-age=0");
  cacheit_test_server_set_etag (fixture->server, "/stale", "\"s\"");
  cacheit_test_server_set (fixture->server, "/fresh", 200, "{\"id\": 2}");
  cacheit_test_server_set_header (fixture->server, "/fresh", "Cache-Control", "max-age=3600");
  cacheit_test_server_set (fixture->server, "/off", 200, "{\"id\": 3}");
  cacheit_test_server_set_header (fixture->server, "/off", "Cache-Control", "max-age=0");
  cacheit_test_server_set (fixture->server, "/failed", 200, "{\"id\": 4}");

  cacheit_resource_set_refetch_on_reconnect (R (stale), TRUE);
  cacheit_resource_set_refetch_on_reconnect (R (fresh), TRUE);
  cacheit_resource_set_refetch_on_reconnect (R (failed), TRUE);
  cacheit_test_fetch_ok (stale, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (fresh, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (off, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (failed, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_stale (R (stale)));
  g_assert_false (cacheit_resource_get_stale (R (fresh)));
  counters_connect (&c, stale);

  /* A change that is not FALSE→TRUE makes no request. */
  test_fake_network_monitor_set_connectivity (network, G_NETWORK_CONNECTIVITY_LIMITED);
  test_fake_network_monitor_set_connectivity (network, G_NETWORK_CONNECTIVITY_FULL);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (stale)));
  g_assert_cmpuint (count (fixture, "/stale"), ==, 1);

  /* Going away makes no request. */
  test_fake_network_monitor_set_available (network, FALSE);
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (stale)));
  g_assert_cmpuint (count (fixture, "/stale"), ==, 1);

  /* Coming back: one conditional request for the stale data. Any request of
   * the others would have started by the time it is answered. */
  test_fake_network_monitor_set_available (network, TRUE);
  cacheit_test_wait_until (idle (fixture, stale, "/stale", 2));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/stale"), ==, 2);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/stale", "If-None-Match"), ==, "\"s\"");
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/stale"), ==, 1);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_false (cacheit_resource_get_fetching (R (fresh)));
  g_assert_false (cacheit_resource_get_fetching (R (off)));
  g_assert_false (cacheit_resource_get_fetching (R (failed)));
  g_assert_cmpuint (count (fixture, "/fresh"), ==, 1);
  g_assert_cmpuint (count (fixture, "/off"), ==, 1);
  g_assert_cmpuint (count (fixture, "/failed"), ==, 1);

  /* After a failed fetch, fresh data is revalidated too. */
  cacheit_test_server_set (fixture->server, "/failed", 500, "{}");
  g_assert_false (cacheit_test_fetch_wait (failed, CACHEIT_FETCH_RELOAD, NULL, NULL));
  g_assert_nonnull (cacheit_resource_get_last_error (R (failed)));
  cacheit_test_server_set (fixture->server, "/failed", 200, "{\"id\": 4}");
  test_fake_network_monitor_set_available (network, FALSE);
  test_fake_network_monitor_set_available (network, TRUE);
  cacheit_test_wait_until (idle (fixture, failed, "/failed", 3));
  cacheit_test_wait_until (idle (fixture, stale, "/stale", 3));
  cacheit_test_drain ();
  g_assert_null (cacheit_resource_get_last_error (R (failed)));
  g_assert_cmpuint (count (fixture, "/failed"), ==, 3);
  g_assert_cmpuint (count (fixture, "/fresh"), ==, 1);
  g_assert_cmpuint (count (fixture, "/off"), ==, 1);

  cacheit_test_drain ();
  g_assert_finalize_object (stale);
  g_assert_finalize_object (fresh);
  g_assert_finalize_object (off);
  g_assert_finalize_object (failed);
}

static void
test_refetch_active (Fixture       *fixture,
                     gconstpointer  data)
{
  CacheitModel *stale = model_new (fixture, "/stale");
  CacheitModel *fresh = model_new (fixture, "/fresh");
  GSimpleAction *window = g_simple_action_new ("window-is-active", NULL);

  g_test_summary ("app-active FALSE→TRUE revalidates stale data (or after a failed fetch), "
                  "not fresh data; it can be bound to another object's boolean");

  cacheit_test_server_set (fixture->server, "/stale", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/stale", "Cache-Control", "max-age=0");
  cacheit_test_server_set_etag (fixture->server, "/stale", "\"s\"");
  cacheit_test_server_set (fixture->server, "/fresh", 200, "{\"id\": 2}");
  cacheit_test_fetch_ok (stale, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (fresh, CACHEIT_FETCH_NONE);

  /* "enabled" stands for GtkWindow:is-active. */
  g_object_bind_property (window, "enabled", stale, "app-active", G_BINDING_SYNC_CREATE);
  g_assert_true (cacheit_resource_get_app_active (R (stale)));

  cacheit_resource_set_app_active (R (fresh), FALSE);
  g_simple_action_set_enabled (window, FALSE);
  g_assert_false (cacheit_resource_get_app_active (R (stale)));
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (stale)));
  g_assert_false (cacheit_resource_get_fetching (R (fresh)));
  g_assert_cmpuint (count (fixture, "/stale"), ==, 1);
  g_assert_cmpuint (count (fixture, "/fresh"), ==, 1);

  /* The fresh one first: a request of its own would start before the other. */
  cacheit_resource_set_app_active (R (fresh), TRUE);
  g_simple_action_set_enabled (window, TRUE);
  g_assert_true (cacheit_resource_get_app_active (R (stale)));
  cacheit_test_wait_until (idle (fixture, stale, "/stale", 2));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/stale"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/stale"), ==, 1);
  g_assert_false (cacheit_resource_get_fetching (R (fresh)));
  g_assert_cmpuint (count (fixture, "/fresh"), ==, 1);

  /* Fresh data whose last fetch failed is revalidated. */
  cacheit_test_server_set (fixture->server, "/fresh", 500, "{}");
  g_assert_false (cacheit_test_fetch_wait (fresh, CACHEIT_FETCH_RELOAD, NULL, NULL));
  cacheit_test_server_set (fixture->server, "/fresh", 200, "{\"id\": 2}");
  cacheit_resource_set_app_active (R (fresh), FALSE);
  cacheit_resource_set_app_active (R (fresh), TRUE);
  cacheit_test_wait_until (idle (fixture, fresh, "/fresh", 3));
  cacheit_test_drain ();
  g_assert_null (cacheit_resource_get_last_error (R (fresh)));

  cacheit_test_drain ();
  g_assert_finalize_object (stale);
  g_assert_finalize_object (fresh);
  g_assert_finalize_object (window);
}

static void
test_refetch_interval (Fixture       *fixture,
                       gconstpointer  data)
{
  CacheitModel *polled = model_new (fixture, "/poll");
  CacheitModel *inactive = model_new (fixture, "/poll-inactive");
  g_auto(Counters) c = { 0 };
  guint n;

  g_test_summary ("refresh-interval revalidates every N seconds, conditionally, whether "
                  "the data is stale or not; not while inactive; 0 stops it");

  cacheit_test_server_set (fixture->server, "/poll", 200, "{\"id\": 1}");
  cacheit_test_server_set_etag (fixture->server, "/poll", "\"p\"");
  cacheit_test_server_set (fixture->server, "/poll-inactive", 200, "{\"id\": 2}");

  cacheit_resource_set_refresh_interval (R (polled), 1);
  cacheit_resource_set_refresh_interval (R (inactive), 1);
  cacheit_resource_set_app_active (R (inactive), FALSE);
  cacheit_test_fetch_ok (polled, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (inactive, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (polled)));
  counters_connect (&c, polled);

  cacheit_test_wait_until (idle (fixture, polled, "/poll", 3));
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/poll"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/poll"), ==, 2);
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpuint (count (fixture, "/poll-inactive"), ==, 1);

  /* Stopping one, resuming the other: two of its polls, none of the first. */
  cacheit_resource_set_refresh_interval (R (polled), 0);
  n = count (fixture, "/poll");
  cacheit_resource_set_app_active (R (inactive), TRUE);
  cacheit_test_wait_until (idle (fixture, inactive, "/poll-inactive", 3));
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (polled)));
  g_assert_cmpuint (count (fixture, "/poll"), ==, n);

  cacheit_test_drain ();
  g_assert_finalize_object (polled);
  g_assert_finalize_object (inactive);
}

typedef void (*Constrain) (gboolean constrained);

static void
constrain_metered (gboolean constrained)
{
  test_fake_network_monitor_set_metered (test_fake_network_monitor_get (), constrained);
}

static void
constrain_power_saver (gboolean constrained)
{
  test_fake_power_profile_monitor_set_power_saver (test_fake_power_profile_monitor_get (), constrained);
}

/* @paused keeps pause-when-constrained TRUE; @unpaused sets it FALSE. Both hold
 * stale data and ask for every kind of background refetch. */
static void
check_paused (Fixture   *fixture,
              Constrain  constrain)
{
  TestFakeNetworkMonitor *network = test_fake_network_monitor_get ();
  CacheitModel *paused = model_new (fixture, "/paused");
  CacheitModel *unpaused = model_new (fixture, "/unpaused");

  cacheit_test_server_set (fixture->server, "/paused", 200, "{\"id\": 1}");
  cacheit_test_server_set_header (fixture->server, "/paused", "Cache-Control", "max-age=0");
  cacheit_test_server_set (fixture->server, "/unpaused", 200, "{\"id\": 2}");
  cacheit_test_server_set_header (fixture->server, "/unpaused", "Cache-Control", "max-age=0");

  cacheit_resource_set_refetch_on_reconnect (R (paused), TRUE);
  cacheit_resource_set_refetch_on_reconnect (R (unpaused), TRUE);
  cacheit_resource_set_pause_when_constrained (R (unpaused), FALSE);
  cacheit_test_fetch_ok (paused, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (unpaused, CACHEIT_FETCH_NONE);

  constrain (TRUE);
  cacheit_test_drain ();

  /* Reconnect: only the unpaused one. */
  test_fake_network_monitor_set_available (network, FALSE);
  test_fake_network_monitor_set_available (network, TRUE);
  cacheit_test_wait_until (idle (fixture, unpaused, "/unpaused", 2));
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (paused)));
  g_assert_cmpuint (count (fixture, "/paused"), ==, 1);

  /* app-active FALSE→TRUE: only the unpaused one. */
  cacheit_resource_set_app_active (R (paused), FALSE);
  cacheit_resource_set_app_active (R (paused), TRUE);
  cacheit_resource_set_app_active (R (unpaused), FALSE);
  cacheit_resource_set_app_active (R (unpaused), TRUE);
  cacheit_test_wait_until (idle (fixture, unpaused, "/unpaused", 3));
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (paused)));
  g_assert_cmpuint (count (fixture, "/paused"), ==, 1);

  /* What the application asks for is never paused. */
  cacheit_test_fetch_ok (paused, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (count (fixture, "/paused"), ==, 2);

  /* refresh-interval: two polls of the unpaused one, none of the other. */
  cacheit_resource_set_refresh_interval (R (paused), 1);
  cacheit_resource_set_refresh_interval (R (unpaused), 1);
  cacheit_test_wait_until (idle (fixture, unpaused, "/unpaused", 5));
  g_assert_false (cacheit_resource_get_fetching (R (paused)));
  g_assert_cmpuint (count (fixture, "/paused"), ==, 2);

  /* Lifting the constraint resumes polling. */
  constrain (FALSE);
  cacheit_test_wait_until (idle (fixture, paused, "/paused", 3));

  /* So does pause-when-constrained FALSE under the constraint. */
  constrain (TRUE);
  cacheit_resource_set_refresh_interval (R (unpaused), 0);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (paused)));
  cacheit_resource_set_pause_when_constrained (R (paused), FALSE);
  cacheit_test_wait_until (idle (fixture, paused, "/paused", 4));

  cacheit_resource_set_refresh_interval (R (paused), 0);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (paused)) && !cacheit_resource_get_fetching (R (unpaused)));
  /* The tear-down lifts the constraint, once nothing is left to refetch. */
  cacheit_test_drain ();
  g_assert_finalize_object (paused);
  g_assert_finalize_object (unpaused);
}

static void
test_refetch_paused_metered (Fixture       *fixture,
                             gconstpointer  data)
{
  g_test_summary ("On a metered network, background refetching (reconnect, app-active, "
                  "refresh-interval) pauses unless pause-when-constrained is FALSE; "
                  "reloads do not");

  g_assert_false (g_network_monitor_get_network_metered (g_network_monitor_get_default ()));
  check_paused (fixture, constrain_metered);
}

static void
test_refetch_paused_power_saver (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPowerProfileMonitor) monitor = g_power_profile_monitor_dup_default ();

  g_test_summary ("In power-saver mode, background refetching (reconnect, app-active, "
                  "refresh-interval) pauses unless pause-when-constrained is FALSE; "
                  "reloads do not");

  g_assert_true (TEST_IS_FAKE_POWER_PROFILE_MONITOR (monitor));
  g_assert_false (g_power_profile_monitor_get_power_saver_enabled (monitor));
  check_paused (fixture, constrain_power_saver);
}

/* One request per URL */

typedef struct
{
  guint    n_emissions;
  gpointer instance;
} RequestHook;

static gboolean
request_hook_cb (GSignalInvocationHint *hint,
                 guint                  n_param_values,
                 const GValue          *param_values,
                 gpointer               user_data)
{
  RequestHook *hook = user_data;

  hook->n_emissions++;
  hook->instance = g_value_get_object (&param_values[0]);
  return TRUE;
}

static void
test_shared_one_request (Fixture       *fixture,
                         gconstpointer  data)
{
  CacheitModel *a = model_new (fixture, "/shared");
  CacheitModel *b = model_new (fixture, "/shared");
  CacheitModel *starter = model_new (fixture, "/shared");
  CacheitModel *joiner = model_new (fixture, "/shared");
  g_auto(Counters) ca = { 0 };
  g_auto(Counters) cb = { 0 };
  g_auto(Counters) cs = { 0 };
  g_auto(Counters) cj = { 0 };
  CacheitTestCompletion done_a = { 0 };
  CacheitTestCompletion done_b = { 0 };
  CacheitTestCompletion done_s = { 0 };
  CacheitTestCompletion done_j = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  RequestHook hook = { 0 };
  guint signal_id = g_signal_lookup ("request", CACHEIT_TYPE_RESOURCE);
  gulong hook_id;

  g_test_summary ("Two resources of one URL share one request; each gets its data and "
                  "its own sync; request is emitted once, on the one that started it; "
                  "cancelling the starter's caller does not end the other's fetch");

  cacheit_test_server_set (fixture->server, "/shared", 200, "{\"id\": 1, \"title\": \"one\"}");
  counters_connect (&ca, a);
  counters_connect (&cb, b);
  counters_connect (&cs, starter);
  counters_connect (&cj, joiner);
  /* An emission hook is not a handler: it does not opt out of sharing. */
  hook_id = g_signal_add_emission_hook (signal_id, 0, request_hook_cb, &hook, NULL);

  cacheit_test_server_hold (fixture->server, "/shared");
  cacheit_resource_fetch_async (R (a), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done_a);
  cacheit_resource_fetch_async (R (b), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done_b);
  cacheit_test_server_wait_held (fixture->server, "/shared", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/shared"), ==, 1);
  g_assert_true (cacheit_resource_get_fetching (R (a)));
  g_assert_true (cacheit_resource_get_fetching (R (b)));
  cacheit_test_server_release (fixture->server, "/shared");
  cacheit_test_wait_until (done_a.done);
  cacheit_test_wait_until (done_b.done);
  g_assert_true (cacheit_resource_fetch_finish (R (a), done_a.result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (b), done_b.result, NULL));
  cacheit_test_drain ();

  g_assert_cmpuint (count (fixture, "/shared"), ==, 1);
  g_assert_cmpuint (hook.n_emissions, ==, 1);
  g_assert_true (hook.instance == a);
  g_assert_cmpuint (ca.n_sync, ==, 1);
  g_assert_cmpuint (cb.n_sync, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (a, "title"), ==, "one");
  g_assert_cmpstr (cacheit_model_get_string (b, "title"), ==, "one");
  g_assert_false (cacheit_resource_get_fetching (R (a)));
  g_assert_false (cacheit_resource_get_fetching (R (b)));

  /* The starter's only caller cancels: the joiner's fetch goes on. */
  cacheit_test_server_set (fixture->server, "/shared", 200, "{\"id\": 1, \"title\": \"two\"}");
  cacheit_test_server_hold (fixture->server, "/shared");
  cacheit_resource_fetch_async (R (starter), CACHEIT_FETCH_NONE, cancellable, cacheit_test_completion_cb, &done_s);
  cacheit_resource_fetch_async (R (joiner), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done_j);
  cacheit_test_server_wait_held (fixture->server, "/shared", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/shared"), ==, 2);

  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (done_s.done);
  g_assert_false (cacheit_resource_fetch_finish (R (starter), done_s.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cacheit_resource_get_fetching (R (starter)));
  cacheit_test_drain ();
  g_assert_false (done_j.done);
  g_assert_true (cacheit_resource_get_fetching (R (joiner)));

  cacheit_test_server_release (fixture->server, "/shared");
  cacheit_test_wait_until (done_j.done);
  g_clear_error (&error);
  g_assert_true (cacheit_resource_fetch_finish (R (joiner), done_j.result, &error));
  g_assert_no_error (error);
  cacheit_test_drain ();
  g_assert_cmpstr (cacheit_model_get_string (joiner, "title"), ==, "two");
  g_assert_cmpuint (cj.n_sync, ==, 1);
  g_assert_cmpuint (cs.n_sync, ==, 0);
  g_assert_cmpuint (cs.n_error, ==, 0);
  g_assert_false (cacheit_resource_get_fetched (R (starter)));
  g_assert_cmpuint (count (fixture, "/shared"), ==, 2);
  /* The others were not touched. */
  g_assert_cmpuint (ca.n_sync, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (a, "title"), ==, "one");

  g_signal_remove_emission_hook (signal_id, hook_id);
  cacheit_test_completion_clear (&done_a);
  cacheit_test_completion_clear (&done_b);
  cacheit_test_completion_clear (&done_s);
  cacheit_test_completion_clear (&done_j);
  cacheit_test_drain ();
  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
  g_assert_finalize_object (starter);
  g_assert_finalize_object (joiner);
}

static void
test_shared_decoded_once (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitModel *a = model_new (fixture, "/own");
  CacheitModel *b = model_new (fixture, "/own");
  CacheitTestCompletion done[2] = { { 0 } };

  g_test_summary ("Models sharing a request share its decoding: one attributes object, "
                  "sealed, since both hold it");

  cacheit_test_server_set (fixture->server, "/own", 200, "{\"id\": 1, \"title\": \"one\"}");
  cacheit_test_server_hold (fixture->server, "/own");
  cacheit_resource_fetch_async (R (a), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (b), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_server_wait_held (fixture->server, "/own", 1);
  cacheit_test_server_release (fixture->server, "/own");
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  g_assert_cmpuint (count (fixture, "/own"), ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (a, "title"), ==, "one");
  g_assert_cmpstr (cacheit_model_get_string (b, "title"), ==, "one");
  g_assert_true (cacheit_model_get_attributes (a) == cacheit_model_get_attributes (b));
  g_assert_true (json_object_is_immutable (cacheit_model_get_attributes (a)));

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
}

static void
test_shared_independent_items (Fixture       *fixture,
                               gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/list");
  CacheitCollection *other_rows = rows_new (fixture, "/list");
  TestRow *row = row_new (fixture, "/list");
  g_auto(Counters) c = { 0 };
  CacheitTestCompletion done[3] = { { 0 } };
  g_autoptr(TestRow) first = NULL;
  g_autoptr(TestRow) other_first = NULL;
  guint n_first_notify = 0;

  g_test_summary ("A collection, another collection and a model (root-pointer /0) of one "
                  "URL share the request; their items are objects of their own");

  cacheit_test_server_set (fixture->server, "/list", 200,
                           "[{\"id\": 1, \"name\": \"a\", \"rank\": 1},"
                           " {\"id\": 2, \"name\": \"b\", \"rank\": 2}]");
  cacheit_resource_set_root_pointer (R (row), "/0");

  cacheit_test_server_hold (fixture->server, "/list");
  cacheit_resource_fetch_async (R (rows), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (other_rows), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_resource_fetch_async (R (row), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[2]);
  cacheit_test_server_wait_held (fixture->server, "/list", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/list"), ==, 1);
  cacheit_test_server_release (fixture->server, "/list");
  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_wait_until (done[i].done);
  g_assert_true (cacheit_resource_fetch_finish (R (rows), done[0].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (other_rows), done[1].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (row), done[2].result, NULL));
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/list"), ==, 1);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other_rows)), ==, 2);
  g_assert_cmpstr (row->name, ==, "a");
  first = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  other_first = g_list_model_get_item (G_LIST_MODEL (other_rows), 0);
  g_assert_true (first != other_first);
  g_assert_true (first != row);
  g_assert_cmpstr (first->name, ==, "a");
  g_assert_cmpstr (other_first->name, ==, "a");

  /* Only the reloaded collection changes. */
  counters_connect (&c, row);
  g_signal_connect (other_first, "notify", G_CALLBACK (count_cb), &n_first_notify);
  cacheit_test_server_set (fixture->server, "/list", 200,
                           "[{\"id\": 1, \"name\": \"z\", \"rank\": 1},"
                           " {\"id\": 2, \"name\": \"b\", \"rank\": 2}]");
  cacheit_test_fetch_ok (rows, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (first->name, ==, "z");
  g_assert_cmpstr (other_first->name, ==, "a");
  g_assert_cmpuint (n_first_notify, ==, 0);
  g_assert_cmpstr (row->name, ==, "a");
  g_assert_cmpuint (c.n_sync, ==, 0);
  g_assert_cmpstr (c.notify->str, ==, "");

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  g_clear_object (&first);
  g_clear_object (&other_first);
  cacheit_test_drain ();
  g_assert_finalize_object (rows);
  g_assert_finalize_object (other_rows);
  g_assert_finalize_object (row);
}

static void
add_header_cb (CacheitResource *resource,
               SoupMessage     *message,
               guint           *n_called)
{
  (*n_called)++;
  soup_message_headers_replace (soup_message_get_request_headers (message), "X-Cacheit-Test", "mine");
}

static void
test_shared_request_handler_opts_out (Fixture       *fixture,
                                      gconstpointer  data)
{
  CacheitModel *plain = model_new (fixture, "/opt");
  CacheitModel *handled = model_new (fixture, "/opt");
  CacheitModel *handled_first = model_new (fixture, "/opt");
  CacheitModel *plain_second = model_new (fixture, "/opt");
  CacheitTestCompletion done[4] = { { 0 } };
  guint n_handled = 0;
  guint n_handled_first = 0;

  g_test_summary ("A resource with a request handler neither joins another's request "
                  "nor lets another join its own");

  cacheit_test_server_set (fixture->server, "/opt", 200, "{\"id\": 1}");
  g_signal_connect (handled, "request", G_CALLBACK (add_header_cb), &n_handled);
  g_signal_connect (handled_first, "request", G_CALLBACK (add_header_cb), &n_handled_first);

  /* It does not join. */
  cacheit_test_server_hold (fixture->server, "/opt");
  cacheit_resource_fetch_async (R (plain), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (handled), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_server_wait_held (fixture->server, "/opt", 2);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/opt"), ==, 2);
  g_assert_cmpuint (n_handled, ==, 1);
  cacheit_test_server_release (fixture->server, "/opt");
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  g_assert_true (cacheit_resource_fetch_finish (R (plain), done[0].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (handled), done[1].result, NULL));

  /* Nor is it joined. */
  cacheit_test_server_hold (fixture->server, "/opt");
  cacheit_resource_fetch_async (R (handled_first), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[2]);
  cacheit_resource_fetch_async (R (plain_second), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[3]);
  cacheit_test_server_wait_held (fixture->server, "/opt", 2);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/opt"), ==, 4);
  g_assert_cmpuint (n_handled_first, ==, 1);
  cacheit_test_server_release (fixture->server, "/opt");
  cacheit_test_wait_until (done[2].done);
  cacheit_test_wait_until (done[3].done);
  g_assert_true (cacheit_resource_fetch_finish (R (handled_first), done[2].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (plain_second), done[3].result, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (plain);
  g_assert_finalize_object (handled);
  g_assert_finalize_object (handled_first);
  g_assert_finalize_object (plain_second);
}

static void
test_shared_other_validators (Fixture       *fixture,
                              gconstpointer  data)
{
  CacheitModel *holder = model_new (fixture, "/validated");
  CacheitModel *newcomer = model_new (fixture, "/validated");
  CacheitTestCompletion done[2] = { { 0 } };

  g_test_summary ("A resource holding data (a conditional request) and one without do "
                  "not share: the first gets its 304, the second the body");

  cacheit_test_server_set (fixture->server, "/validated", 200, "{\"id\": 1, \"title\": \"body\"}");
  cacheit_test_server_set_etag (fixture->server, "/validated", "\"v\"");
  cacheit_test_fetch_ok (holder, CACHEIT_FETCH_NONE);

  cacheit_test_server_hold (fixture->server, "/validated");
  cacheit_resource_fetch_async (R (holder), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (newcomer), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_server_wait_held (fixture->server, "/validated", 2);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/validated"), ==, 3);
  cacheit_test_server_release (fixture->server, "/validated");
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  g_assert_true (cacheit_resource_fetch_finish (R (holder), done[0].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (newcomer), done[1].result, NULL));
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/validated"), ==, 1);
  g_assert_cmpuint (cacheit_resource_get_status (R (holder)), ==, 304);
  g_assert_cmpuint (cacheit_resource_get_status (R (newcomer)), ==, 200);
  g_assert_cmpstr (cacheit_model_get_string (newcomer, "title"), ==, "body");
  g_assert_cmpstr (cacheit_model_get_string (holder, "title"), ==, "body");

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (holder);
  g_assert_finalize_object (newcomer);
}

static void
test_shared_other_session (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitModel *by_default = model_new (fixture, "/sessions");
  CacheitModel *own = model_new (fixture, "/sessions");
  SoupSession *session = soup_session_new ();
  CacheitTestCompletion done[2] = { { 0 } };

  g_test_summary ("Resources of one URL in different sessions do not share a request");

  cacheit_test_server_set (fixture->server, "/sessions", 200, "{\"id\": 1}");
  cacheit_resource_set_session (R (own), session);

  cacheit_test_server_hold (fixture->server, "/sessions");
  cacheit_resource_fetch_async (R (by_default), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[0]);
  cacheit_resource_fetch_async (R (own), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done[1]);
  cacheit_test_server_wait_held (fixture->server, "/sessions", 2);
  cacheit_test_drain ();
  g_assert_cmpuint (count (fixture, "/sessions"), ==, 2);
  cacheit_test_server_release (fixture->server, "/sessions");
  cacheit_test_wait_until (done[0].done);
  cacheit_test_wait_until (done[1].done);
  g_assert_true (cacheit_resource_fetch_finish (R (by_default), done[0].result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (own), done[1].result, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (done); i++)
    cacheit_test_completion_clear (&done[i]);
  cacheit_test_drain ();
  g_assert_finalize_object (by_default);
  g_assert_finalize_object (own);
  soup_session_abort (session);
  cacheit_test_drain ();
  g_assert_finalize_object (session);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything asks GIO for its default monitors. */
  test_fake_monitors_init ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_assert_true (TEST_IS_FAKE_NETWORK_MONITOR (g_network_monitor_get_default ()));

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/freshness/test-server/validators", test_server_validators);
  ADD ("/cacheit/freshness/properties", test_properties);
  ADD ("/cacheit/freshness/revalidate/etag-sent", test_revalidate_etag_sent);
  ADD ("/cacheit/freshness/revalidate/last-modified-sent", test_revalidate_last_modified_sent);
  ADD ("/cacheit/freshness/revalidate/304-emits-nothing", test_revalidate_304_emits_nothing);
  ADD ("/cacheit/freshness/revalidate/304-no-parse", test_revalidate_304_no_parse);
  ADD ("/cacheit/freshness/revalidate/200-same-body", test_revalidate_200_same_body);
  ADD ("/cacheit/freshness/max-age/server", test_max_age_server);
  ADD ("/cacheit/freshness/max-age/property", test_max_age_property);
  ADD ("/cacheit/freshness/max-age/timer", test_max_age_timer);
  ADD ("/cacheit/freshness/invalidate", test_invalidate);
  ADD ("/cacheit/freshness/swr/returns-at-once-then-updates", test_swr_returns_at_once);
  ADD ("/cacheit/freshness/swr/after-failed-revalidation", test_swr_after_failed_revalidation);
  ADD ("/cacheit/freshness/swr/fresh-no-request", test_swr_fresh_no_request);
  ADD ("/cacheit/freshness/swr/reload-still-reloads", test_swr_reload_still_reloads);
  ADD ("/cacheit/freshness/retry/transient", test_retry_transient);
  ADD ("/cacheit/freshness/retry/limit", test_retry_limit);
  ADD ("/cacheit/freshness/retry/disabled", test_retry_disabled);
  ADD ("/cacheit/freshness/retry/no-retry-on-404", test_retry_not_transient);
  ADD ("/cacheit/freshness/retry/statuses", test_retry_statuses);
  ADD ("/cacheit/freshness/retry/retry-after", test_retry_retry_after);
  ADD ("/cacheit/freshness/retry/connection-refused", test_retry_connection_refused);
  ADD ("/cacheit/freshness/retry/cancel-during-backoff", test_retry_cancel_during_backoff);
  ADD ("/cacheit/freshness/refetch/reconnect", test_refetch_reconnect);
  ADD ("/cacheit/freshness/refetch/app-active", test_refetch_active);
  ADD ("/cacheit/freshness/refetch/interval", test_refetch_interval);
  ADD ("/cacheit/freshness/refetch/paused-when-metered", test_refetch_paused_metered);
  ADD ("/cacheit/freshness/refetch/paused-in-power-saver", test_refetch_paused_power_saver);
  ADD ("/cacheit/freshness/shared/one-request", test_shared_one_request);
  ADD ("/cacheit/freshness/shared/decoded-once", test_shared_decoded_once);
  ADD ("/cacheit/freshness/shared/collection-and-model-independent-items", test_shared_independent_items);
  ADD ("/cacheit/freshness/shared/request-handler-opts-out", test_shared_request_handler_opts_out);
  ADD ("/cacheit/freshness/shared/other-session", test_shared_other_session);
  ADD ("/cacheit/freshness/shared/other-validators", test_shared_other_validators);

#undef ADD

  return g_test_run ();
}
