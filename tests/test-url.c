/* test-url.c: R13, a URL names its data. After CacheitResource:url
 * changes, no caller completes with the data of another URL, a request in
 * flight for the old one is never applied, and what shows meanwhile is the
 * old data as a placeholder, or nothing; against a real HTTP server on
 * 127.0.0.1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

typedef struct
{
  CacheitTestServer *server;
  guint              n_request;
  /* Requests sent and not finished (libsoup finishes a cancelled one on a
   * later iteration). */
  guint              n_in_flight;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
}

static char *
url_of (Fixture    *fixture,
        const char *path)
{
  return cacheit_test_server_url (fixture->server, path);
}

static void
message_finished_cb (SoupMessage *message,
                     Fixture     *fixture)
{
  g_assert_cmpuint (fixture->n_in_flight, >, 0);
  fixture->n_in_flight--;
}

/* Counts the requests a resource sends, and how many are in the air. */
static void
request_cb (CacheitResource *resource,
            SoupMessage     *message,
            Fixture         *fixture)
{
  fixture->n_request++;
  fixture->n_in_flight++;
  g_signal_connect (message, "finished", G_CALLBACK (message_finished_cb), fixture);
}

static gpointer
resource_new (Fixture    *fixture,
              GType       type,
              const char *path)
{
  g_autofree char *url = url_of (fixture, path);
  gpointer resource;

  /* The network is the point here; snapshots have tests of their own. */
  resource = g_object_new (type, "url", url, "snapshot-policy", CACHEIT_SNAPSHOT_NONE, NULL);
  g_signal_connect (resource, "request", G_CALLBACK (request_cb), fixture);

  return resource;
}

static void
set_path (gpointer    resource,
          Fixture    *fixture,
          const char *path)
{
  g_autofree char *url = url_of (fixture, path);

  cacheit_resource_set_url (resource, url);
}

static gboolean
finish (gpointer                resource,
        CacheitTestCompletion  *completion,
        GError                **error)
{
  cacheit_test_wait_until (completion->done);
  g_assert_cmpuint (completion->n_calls, ==, 1);
  return cacheit_resource_fetch_finish (resource, completion->result, error);
}

static void
test_model_no_old_data (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) model = NULL;
  g_auto(Counters) counters = { 0 };
  CacheitTestCompletion c = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("R13: after the URL changes, a plain fetch asks for the new URL and completes "
                  "with its data; meanwhile the old data shows, as a placeholder");

  cacheit_test_server_set (fixture->server, "/a", 200, "{\"id\": 1, \"title\": \"a\", \"a\": true}");
  cacheit_test_server_set (fixture->server, "/b", 200, "{\"id\": 1, \"title\": \"b\"}");
  cacheit_test_server_set_header (fixture->server, "/a", "Cache-Control", "max-age=3600");
  cacheit_test_server_set_etag (fixture->server, "/a", "\"a1\"");

  model = resource_new (fixture, CACHEIT_TYPE_MODEL, "/a");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_fetched (CACHEIT_RESOURCE (model)));
  g_assert_nonnull (cacheit_resource_get_last_updated (CACHEIT_RESOURCE (model)));
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (model)), ==, 200);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));

  counters_connect (&counters, model);
  set_path (model, fixture, "/b");

  /* Nothing of /a describes /b; its data still shows, marked so. */
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));
  g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (model)));
  g_assert_null (cacheit_resource_get_last_updated (CACHEIT_RESOURCE (model)));
  g_assert_cmpint (cacheit_resource_get_origin (CACHEIT_RESOURCE (model)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (model)), ==, 0);
  g_assert_false (cacheit_resource_get_stale (CACHEIT_RESOURCE (model)));
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "a");
  g_assert_cmpstr (counters.changed->str, ==, "");
  g_assert_cmpuint (n_notified (&counters, "placeholder"), ==, 1);
  g_assert_cmpuint (n_notified (&counters, "url"), ==, 1);

  /* A fetch without reload: a request to /b, not the cache of /a. */
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c);
  g_assert_true (cacheit_resource_get_fetching (CACHEIT_RESOURCE (model)));
  g_assert_true (finish (model, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/b"), ==, 1);
  /* A full request: /a's validators are not /b's. */
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/b", "If-None-Match"));

  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");
  g_assert_false (cacheit_model_has (model, "a"));
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));
  g_assert_true (cacheit_resource_get_fetched (CACHEIT_RESOURCE (model)));
  g_assert_cmpint (cacheit_resource_get_origin (CACHEIT_RESOURCE (model)), ==, CACHEIT_ORIGIN_NETWORK);
  g_assert_nonnull (cacheit_resource_get_last_updated (CACHEIT_RESOURCE (model)));
  /* Exact signals against what showed: the members that differ. */
  g_assert_cmpstr (counters.changed->str, ==, "title a ");
  g_assert_cmpuint (counters.n_sync, ==, 1);
  g_assert_cmpuint (n_notified (&counters, "placeholder"), ==, 2);

  /* And from now on, /b's cache. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/b"), ==, 1);
  g_assert_cmpuint (fixture->n_request, ==, 2);

  cacheit_test_completion_clear (&c);
}

static void
test_model_in_flight_superseded (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CacheitModel) model = NULL;
  g_auto(Counters) counters = { 0 };
  CacheitTestCompletion c[2] = { { 0 } };
  g_autoptr(GError) error = NULL;

  g_test_summary ("R13: a request in flight for the old URL is superseded, as by a reload: "
                  "its callers complete with the new URL's data, its answer is never applied");

  cacheit_test_server_set (fixture->server, "/a", 200, "{\"title\": \"a\"}");
  cacheit_test_server_set (fixture->server, "/b", 200, "{\"title\": \"b\"}");
  model = resource_new (fixture, CACHEIT_TYPE_MODEL, "/a");
  counters_connect (&counters, model);

  cacheit_test_server_hold (fixture->server, "/a");
  cacheit_test_server_hold (fixture->server, "/b");
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c[0]);
  cacheit_test_server_wait_held (fixture->server, "/a", 1);

  set_path (model, fixture, "/b");
  /* No data yet, so nothing to keep. */
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));
  g_assert_true (cacheit_resource_get_fetching (CACHEIT_RESOURCE (model)));
  cacheit_test_server_wait_held (fixture->server, "/b", 1);

  /* A caller after the change joins the request for /b. */
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c[1]);

  /* /a answers first: dropped. */
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/a"), ==, 1);
  cacheit_test_drain ();
  g_assert_false (c[0].done);
  g_assert_null (cacheit_model_get_string (model, "title"));
  g_assert_cmpuint (counters.n_sync, ==, 0);

  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/b"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      g_assert_true (finish (model, &c[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (c[0].result == c[1].result);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");
  g_assert_cmpuint (counters.n_sync, ==, 1);
  g_assert_cmpstr (counters.changed->str, ==, "title ");
  g_assert_cmpuint (fixture->n_request, ==, 2);
  g_assert_false (cacheit_resource_get_fetching (CACHEIT_RESOURCE (model)));

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_completion_clear (&c[i]);
}

typedef struct
{
  Fixture         *fixture;
  CacheitResource *resource;
  guint            n_typed;
  CacheitTestCompletion completions[10];
} Typing;

static gboolean
type_next_cb (gpointer user_data)
{
  Typing *typing = user_data;
  g_autofree char *path = g_strdup_printf ("/search/%u", typing->n_typed);

  set_path (typing->resource, typing->fixture, path);
  cacheit_resource_fetch_async (typing->resource, CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb,
                                &typing->completions[typing->n_typed]);
  typing->n_typed++;

  return typing->n_typed < G_N_ELEMENTS (typing->completions) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
test_typing (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_auto(Counters) counters = { 0 };
  g_autoptr(GError) error = NULL;
  Typing typing = { 0 };
  g_autoptr(CacheitModel) first = NULL;

  g_test_summary ("R13: ten URL changes in 100 ms while fetching end with the last URL's data, "
                  "every older answer unapplied, and at most one request in flight");

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *path = g_strdup_printf ("/search/%u", i);
      g_autofree char *body = g_strdup_printf ("[{\"id\": %u, \"q\": %u}, {\"id\": 100, \"q\": %u}]",
                                               i, i, i);

      cacheit_test_server_set (fixture->server, path, 200, body);
      cacheit_test_server_hold (fixture->server, path);
    }
  cacheit_test_server_set (fixture->server, "/start", 200, "[{\"id\": 100, \"q\": -1}]");

  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/start");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  first = g_list_model_get_item (G_LIST_MODEL (collection), 0);
  counters_connect (&counters, collection);

  typing.fixture = fixture;
  typing.resource = CACHEIT_RESOURCE (collection);
  g_timeout_add (10, type_next_cb, &typing);
  cacheit_test_wait_until (typing.n_typed == 10);
  cacheit_test_server_wait_held (fixture->server, "/search/9", 1);
  g_assert_cmpuint (fixture->n_request, ==, 1 + 10);

  /* The server holds every request: only a cancelled one can finish. So
   * all but the last were cancelled when superseded. */
  cacheit_test_wait_until (fixture->n_in_flight == 1);

  /* Every answer, newest first, then the older ones, which come too late. */
  for (int i = 9; i >= 0; i--)
    {
      g_autofree char *path = g_strdup_printf ("/search/%d", i);

      cacheit_test_server_release (fixture->server, path);
      if (i == 9)
        for (guint k = 0; k < 10; k++)
          {
            g_assert_true (finish (collection, &typing.completions[k], &error));
            g_assert_no_error (error);
          }
    }
  cacheit_test_drain ();

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 2);
  {
    g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (collection), 0);
    g_autoptr(CacheitModel) kept = g_list_model_get_item (G_LIST_MODEL (collection), 1);

    g_assert_cmpint (cacheit_model_get_int (item, "q"), ==, 9);
    g_assert_cmpint (cacheit_model_get_int (item, "id"), ==, 9);
    /* Merged by id: the item that persists is the same object. */
    g_assert_true (kept == first);
    g_assert_cmpint (cacheit_model_get_int (kept, "q"), ==, 9);
  }
  /* Only the last URL's data was applied, once. */
  g_assert_cmpuint (counters.n_sync, ==, 1);
  g_assert_cmpstr (counters.items->str, ==, "0-0+1 ");
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_cmpuint (fixture->n_in_flight, ==, 0);

  for (guint i = 0; i < 10; i++)
    cacheit_test_completion_clear (&typing.completions[i]);
}

static void
placeholder_items_changed_cb (GListModel *list,
                              guint       position,
                              guint       removed,
                              guint       added,
                              gboolean   *placeholder_seen)
{
  if (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (list)))
    *placeholder_seen = TRUE;
}

static void
test_collection_placeholder (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(CacheitModel) two = NULL;
  g_auto(Counters) counters = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean placeholder_seen = FALSE;

  g_test_summary ("R13: a collection keeps the old list as a placeholder, then merges the new "
                  "URL's list by id, with the placeholder gone before the rows change");

  cacheit_test_server_set (fixture->server, "/posts", 200,
                           "[{\"id\": 1}, {\"id\": 2, \"t\": \"x\"}, {\"id\": 3}]");
  cacheit_test_server_set (fixture->server, "/other", 200, "[{\"id\": 2, \"t\": \"y\"}, {\"id\": 4}]");
  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/posts");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  two = g_list_model_get_item (G_LIST_MODEL (collection), 1);

  counters_connect (&counters, collection);
  g_signal_connect (collection, "items-changed", G_CALLBACK (placeholder_items_changed_cb),
                    &placeholder_seen);
  set_path (collection, fixture, "/other");
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 3);
  g_assert_cmpstr (counters.items->str, ==, "");

  /* The new URL failing leaves the placeholder as it was (R5). */
  cacheit_test_server_set (fixture->server, "/other", 500, "{}");
  cacheit_resource_set_retry_limit (CACHEIT_RESOURCE (collection), 0);
  g_assert_false (cacheit_test_fetch_wait (collection, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 3);

  cacheit_test_server_set (fixture->server, "/other", 200, "[{\"id\": 2, \"t\": \"y\"}, {\"id\": 4}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_false (placeholder_seen);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 2);
  {
    g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (collection), 0);

    g_assert_true (item == two);
    g_assert_cmpstr (cacheit_model_get_string (item, "t"), ==, "y");
  }
  /* 1 removed before 2, 3 replaced by 4. */
  g_assert_cmpstr (counters.items->str, ==, "0-1+0 1-1+1 ");
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(TestRow) post = NULL;
  g_auto(Counters) rows = { 0 };
  g_auto(Counters) attributes = { 0 };

  g_test_summary ("R13: with keep-previous-data FALSE, a URL change clears the data at once, "
                  "with exact signals");

  cacheit_test_server_set (fixture->server, "/posts", 200, "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]");
  cacheit_test_server_set (fixture->server, "/other", 200, "[{\"id\": 2}]");
  cacheit_test_server_set (fixture->server, "/post/1", 200, "{\"name\": \"one\", \"n\": 1}");
  cacheit_test_server_set (fixture->server, "/post/2", 200, "{\"name\": \"two\"}");

  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/posts");
  cacheit_resource_set_keep_previous_data (CACHEIT_RESOURCE (collection), FALSE);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  counters_connect (&rows, collection);
  set_path (collection, fixture, "/other");
  g_assert_cmpstr (rows.items->str, ==, "0-3+0 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 0);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_cmpuint (n_notified (&rows, "n-items"), ==, 1);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (rows.items->str, ==, "0-3+0 0-0+1 ");

  post = resource_new (fixture, TEST_TYPE_ROW, "/post/1");
  g_assert_true (cacheit_resource_get_keep_previous_data (CACHEIT_RESOURCE (post)));
  g_object_set (post, "keep-previous-data", FALSE, NULL);
  cacheit_test_fetch_ok (post, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (post->name, ==, "one");
  counters_connect (&attributes, post);
  set_path (post, fixture, "/post/2");
  g_assert_cmpstr (attributes.changed->str, ==, "name n ");
  g_assert_null (post->name);
  g_assert_cmpuint (n_notified (&attributes, "name"), ==, 1);
  g_assert_false (cacheit_model_has (CACHEIT_MODEL (post), "name"));
  cacheit_test_fetch_ok (post, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (post->name, ==, "two");
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;

  if (!cacheit_model_save_finish (CACHEIT_MODEL (object), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "saved");
}

static void
test_writes (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  g_autoptr(GError) refused = NULL;

  g_test_summary ("R13: a write goes to the URL it was asked for; a save of a placeholder, "
                  "which would write another URL's data, is refused");

  cacheit_test_server_set (fixture->server, "/a", 200, "{\"id\": 1, \"title\": \"a\"}");
  cacheit_test_server_set (fixture->server, "/b", 200, "{\"id\": 2, \"title\": \"b\"}");
  model = resource_new (fixture, CACHEIT_TYPE_MODEL, "/a");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);

  /* Two saves of /a, the second waiting for the first, then a change of URL. */
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/a");
  json_object_set_string_member (changes, "title", "a2");
  cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &first);
  cacheit_test_server_wait_held (fixture->server, "/a", 1);
  json_object_set_string_member (changes, "title", "a3");
  cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &second);
  set_path (model, fixture, "/b");
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));

  /* A save now would PUT /a's attributes to /b. */
  cacheit_model_save_async (model, NULL, CACHEIT_SAVE_NONE, NULL, save_cb, &refused);
  cacheit_test_wait_until (refused != NULL);
  g_assert_error (refused, G_IO_ERROR, G_IO_ERROR_PENDING);

  cacheit_test_server_release_for_method (fixture->server, "PUT", "/a");
  cacheit_test_wait_until (first != NULL && second != NULL);
  g_assert_error (first, G_IO_ERROR, G_IO_ERROR_FAILED);    /* "saved" */
  g_assert_error (second, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/a"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/b"), ==, 0);
  g_assert_cmpstr (cacheit_test_server_last_body (fixture->server, "/a"), !=, "");

  /* The writes told nothing of /b: its data comes from /b. */
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");
  g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, 2);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (model)));
}

static void
test_items_follow (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(CacheitModel) kept = NULL;
  g_autoptr(CacheitModel) eight = NULL;
  g_autoptr(CacheitModel) made = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *old_item = url_of (fixture, "/users/1/repos/7");
  g_autofree char *new_item = url_of (fixture, "/users/2/repos/7");
  g_autoptr(GError) saved = NULL;
  g_autoptr(GError) saved_eight = NULL;

  g_test_summary ("R13: the items of a collection take their URLs from the URL of the data "
                  "they show: made from a placeholder, the old one; once the new URL's data "
                  "is applied, the new one; an item save asked before the change goes to "
                  "the old one");

  cacheit_test_server_set (fixture->server, "/users/1/repos", 200, "[{\"id\": 7}, {\"id\": 8}, {\"id\": 9}]");
  cacheit_test_server_set (fixture->server, "/users/2/repos", 200, "[{\"id\": 7, \"v\": 2}]");
  cacheit_test_server_set (fixture->server, "/users/1/repos/7", 200, "{\"id\": 7, \"v\": 1}");
  cacheit_test_server_set (fixture->server, "/users/1/repos/8", 200, "{\"id\": 8, \"v\": 1}");
  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/users/1/repos");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  kept = g_list_model_get_item (G_LIST_MODEL (collection), 0);
  eight = g_list_model_get_item (G_LIST_MODEL (collection), 1);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (kept)), ==, old_item);

  /* Two saves of items, the first held, the second waiting for its turn;
   * then the collection moves to another user. */
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/users/1/repos/8");
  json_object_set_int_member (changes, "v", 1);
  cacheit_model_save_async (eight, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &saved_eight);
  cacheit_test_server_wait_held (fixture->server, "/users/1/repos/8", 1);
  cacheit_model_save_async (kept, changes, CACHEIT_SAVE_NONE, NULL, save_cb, &saved);
  set_path (collection, fixture, "/users/2/repos");
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));

  /* Made now, from the old user's list: the old user's URL. */
  made = g_list_model_get_item (G_LIST_MODEL (collection), 2);
  g_assert_cmpint (cacheit_model_get_int (made, "id"), ==, 9);
  {
    g_autofree char *url = url_of (fixture, "/users/1/repos/9");

    g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (made)), ==, url);
  }

  cacheit_test_server_release_for_method (fixture->server, "PUT", "/users/1/repos/8");
  cacheit_test_wait_until (saved != NULL && saved_eight != NULL);
  g_assert_error (saved, G_IO_ERROR, G_IO_ERROR_FAILED);    /* "saved" */
  g_assert_error (saved_eight, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/users/1/repos/7"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/users/2/repos/7"), ==, 0);

  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 1);
  {
    g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (collection), 0);

    /* The same object, merged by id, under the new user's URL. */
    g_assert_true (item == kept);
    g_assert_cmpint (cacheit_model_get_int (item, "v"), ==, 2);
    g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (item)), ==, new_item);
  }
}

static guint
n_items (gpointer list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static int
id_at (gpointer list,
       guint    position)
{
  g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (list), position);

  return cacheit_model_get_int (item, "id");
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autofree char *base = url_of (fixture, "/search");
  g_autofree char *expected = NULL;
  g_autofree char *q = NULL;
  g_autofree char *per_page = NULL;
  CacheitTestCompletion c = { 0 };
  g_autoptr(GError) error = NULL;
  const char *const ids[] = { "1", "22", NULL };

  g_test_summary ("Query parameters, without string building: encoded, each URL its own "
                  "data, and a change while a request is in flight supersedes it (R13)");

  /* Each query answers its own list; the bare path, an empty one. */
  cacheit_test_server_set (fixture->server, "/search", 200, "[]");
  cacheit_test_server_set (fixture->server, "/search?q=gnome%20apps&per_page=50", 200,
                           "[{\"id\": 1}, {\"id\": 2}]");
  cacheit_test_server_set (fixture->server, "/search?q=gtk&per_page=50", 200, "[{\"id\": 3}]");
  cacheit_test_server_set (fixture->server, "/search?q=gtk", 200, "[{\"id\": 4}]");
  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/search");

  cacheit_resource_set_query (CACHEIT_RESOURCE (collection), "q", "gnome apps", "per_page", "50", NULL);
  expected = g_strconcat (base, "?q=gnome%20apps&per_page=50", NULL);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (collection)), ==, expected);
  q = cacheit_resource_dup_query_param (CACHEIT_RESOURCE (collection), "q");
  g_assert_cmpstr (q, ==, "gnome apps");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (n_items (collection), ==, 2);
  g_assert_cmpint (id_at (collection, 0), ==, 1);

  /* Typing: the request for "gtk" is in flight when "gnome apps" comes
   * back; its answer is never applied, and its caller gets the newest
   * data, asked for again: the old URL's data is not the cache's any more. */
  cacheit_test_server_hold (fixture->server, "/search?q=gtk&per_page=50");
  cacheit_resource_set_query_param (CACHEIT_RESOURCE (collection), "q", "gtk");
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c);
  cacheit_test_server_wait_held (fixture->server, "/search?q=gtk&per_page=50", 1);
  g_assert_true (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));
  cacheit_resource_set_query_params (CACHEIT_RESOURCE (collection),
                                     (const char *const[]) { "q", NULL },
                                     (const char *const[]) { "gnome apps", NULL });
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (collection)), ==, expected);
  g_assert_true (finish (collection, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/search?q=gtk&per_page=50"), ==, 1);
  cacheit_test_drain ();
  g_assert_cmpuint (n_items (collection), ==, 2);
  g_assert_cmpint (id_at (collection, 1), ==, 2);
  g_assert_false (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (collection)));

  /* Removed: per_page goes, q stays. */
  cacheit_resource_set_query (CACHEIT_RESOURCE (collection), "per_page", NULL, "q", "gtk", NULL);
  per_page = cacheit_resource_dup_query_param (CACHEIT_RESOURCE (collection), "per_page");
  g_assert_null (per_page);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (n_items (collection), ==, 1);
  g_assert_cmpint (id_at (collection, 0), ==, 4);

  /* An array, then none: the URL comes back to what it was. */
  g_clear_pointer (&expected, g_free);
  expected = g_strconcat (base, "?q=gtk&ids[]=1&ids[]=22", NULL);
  cacheit_resource_set_query_values (CACHEIT_RESOURCE (collection), "ids[]", ids);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (collection)), ==, expected);
  cacheit_resource_set_query_values (CACHEIT_RESOURCE (collection), "ids[]", NULL);
  cacheit_resource_set_query_param (CACHEIT_RESOURCE (collection), "q", NULL);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (collection)), ==, base);

  cacheit_test_completion_clear (&c);
}

static const char *
response_header (gpointer    resource,
                 const char *name)
{
  SoupMessageHeaders *headers = cacheit_resource_get_response_headers (resource);

  return headers != NULL ? soup_message_headers_get_one (headers, name) : NULL;
}

static void
test_response_headers (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("The headers of the last response, as :status gives its status: a 200, "
                  "a 304, a failure; none after a change of URL");

  cacheit_test_server_set (fixture->server, "/list", 200, "[{\"id\": 1}]");
  cacheit_test_server_set_header (fixture->server, "/list", "X-Total-Count", "120");
  cacheit_test_server_set_etag (fixture->server, "/list", "\"v1\"");
  cacheit_test_server_set (fixture->server, "/gone", 410, "{}");
  cacheit_test_server_set_header (fixture->server, "/gone", "X-RateLimit-Remaining", "0");
  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/list");

  g_assert_null (cacheit_resource_get_response_headers (CACHEIT_RESOURCE (collection)));
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (response_header (collection, "X-Total-Count"), ==, "120");

  /* A 304 is a response too: its headers are the newest. */
  cacheit_test_server_set_header (fixture->server, "/list", "X-Total-Count", "121");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (collection)), ==, 304);
  g_assert_cmpstr (response_header (collection, "X-Total-Count"), ==, "121");

  /* Another URL: nothing of the old one's. */
  set_path (collection, fixture, "/gone");
  g_assert_null (cacheit_resource_get_response_headers (CACHEIT_RESOURCE (collection)));
  g_assert_false (cacheit_test_fetch_wait (collection, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpstr (response_header (collection, "X-RateLimit-Remaining"), ==, "0");
  g_assert_null (response_header (collection, "X-Total-Count"));
}

static void
test_links (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autofree char *next = NULL;
  g_autofree char *expected = url_of (fixture, "/list?cursor=b,c");
  g_autofree char *none = NULL;

  g_test_summary ("dup_link() gives a relation of the last response's Link header, "
                  "resolved against the resource's URL, a cursor with a comma too");

  cacheit_test_server_set (fixture->server, "/list", 200, "[{\"id\": 1}]");
  cacheit_test_server_set_header (fixture->server, "/list", "Link",
                                  "</list?cursor=b,c>; rel=\"next\", </list>; rel=\"first\"");
  collection = resource_new (fixture, CACHEIT_TYPE_COLLECTION, "/list");

  none = cacheit_resource_dup_link (CACHEIT_RESOURCE (collection), "next");
  g_assert_null (none);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  next = cacheit_resource_dup_link (CACHEIT_RESOURCE (collection), "next");
  g_assert_cmpstr (next, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/url/r13/model-no-old-data", test_model_no_old_data);
  ADD ("/cacheit/url/r13/in-flight-superseded", test_model_in_flight_superseded);
  ADD ("/cacheit/url/r13/typing", test_typing);
  ADD ("/cacheit/url/r13/collection-placeholder", test_collection_placeholder);
  ADD ("/cacheit/url/r13/clear", test_clear);
  ADD ("/cacheit/url/r13/writes", test_writes);
  ADD ("/cacheit/url/r13/items-follow", test_items_follow);
  ADD ("/cacheit/url/query", test_query);
  ADD ("/cacheit/url/response-headers", test_response_headers);
  ADD ("/cacheit/url/links", test_links);

  return g_test_run ();
}
