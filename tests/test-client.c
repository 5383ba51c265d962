/* test-client.c: CacheitClient, one object per application or account: the
 * base URI, one resource per type and URL while held and for gc-time after,
 * the defaults every resource it makes follows, default headers that keep
 * requests shared, invalidation by path and clearing; against a real HTTP
 * server on 127.0.0.1.
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
  CacheitClient     *client;
  char              *base;
  char              *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cacheit_test_server_new ();
  fixture->base = cacheit_test_server_url (fixture->server, "/v1/");
  fixture->dir = g_dir_make_tmp ("cacheit-client-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->client = cacheit_client_new (fixture->base);
  g_object_set (fixture->client, "snapshot-directory", fixture->dir, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_clear_snapshots (fixture->dir);
  g_assert_finalize_object (fixture->client);
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->base);
}

static void
test_resolve (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *me = NULL;
  g_autofree char *root = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(CacheitClient) bare = cacheit_client_new (NULL);

  g_test_summary ("Paths resolve against the base URI as links in a page do; an absolute URL "
                  "stays; without a base, only absolute URLs resolve");

  me = cacheit_client_resolve (fixture->client, "users/me");
  expected = cacheit_test_server_url (fixture->server, "/v1/users/me");
  g_assert_cmpstr (me, ==, expected);
  g_clear_pointer (&expected, g_free);

  root = cacheit_client_resolve (fixture->client, "/v2/users?page=2");
  expected = cacheit_test_server_url (fixture->server, "/v2/users?page=2");
  g_assert_cmpstr (root, ==, expected);

  absolute = cacheit_client_resolve (fixture->client, "https://example.com/x");
  g_assert_cmpstr (absolute, ==, "https://example.com/x");

  g_assert_null (cacheit_client_resolve (bare, "users/me"));
  g_free (absolute);
  absolute = cacheit_client_resolve (bare, "https://example.com/x");
  g_assert_cmpstr (absolute, ==, "https://example.com/x");

  model = cacheit_client_get_model (fixture->client, "users/me", CACHEIT_TYPE_MODEL);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (model)), ==, me);
}

static void
test_one_object (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CacheitModel) a = NULL;
  g_autoptr(CacheitModel) b = NULL;
  g_autoptr(CacheitModel) row = NULL;
  g_autoptr(CacheitCollection) list = NULL;
  g_autoptr(CacheitCollection) list_again = NULL;
  g_autoptr(CacheitCollection) list_of_rows = NULL;
  g_auto(Counters) counters = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();

  g_test_summary ("The client gives one object per type and URL: two views that ask for "
                  "users/me hold one model, and a change through one shows in the other");

  cacheit_test_server_set (fixture->server, "/v1/users/me", 200, "{\"id\": 1, \"name\": \"Ada\"}");
  a = cacheit_client_get_model (fixture->client, "users/me", CACHEIT_TYPE_MODEL);
  b = cacheit_client_get_model (fixture->client, "users/me", CACHEIT_TYPE_MODEL);
  g_assert_true (a == b);
  row = cacheit_client_get_model (fixture->client, "users/me", TEST_TYPE_ROW);
  g_assert_true ((gpointer) row != (gpointer) a);
  list = cacheit_client_get_collection (fixture->client, "users", CACHEIT_TYPE_MODEL);
  list_again = cacheit_client_get_collection (fixture->client, "users", CACHEIT_TYPE_MODEL);
  list_of_rows = cacheit_client_get_collection (fixture->client, "users", TEST_TYPE_ROW);
  g_assert_true (list == list_again);
  g_assert_true (list != list_of_rows);
  /* A collection of rows at the URL of a model row: another object, a
   * collection. */
  {
    g_autoptr(CacheitCollection) rows_at_me = cacheit_client_get_collection (fixture->client, "users/me",
                                                                             TEST_TYPE_ROW);

    g_assert_true (CACHEIT_IS_COLLECTION (rows_at_me));
    g_assert_true ((gpointer) rows_at_me != (gpointer) row);
  }
  g_assert_cmpuint (cacheit_client_get_n_resources (fixture->client), ==, 5);

  cacheit_test_fetch_ok (a, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_model_get_string (b, "name"), ==, "Ada");

  /* A save through one view: the other holds the same object. */
  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/v1/users/me", 200,
                                      "{\"id\": 1, \"name\": \"Ada L.\"}");
  counters_connect (&counters, b);
  json_object_set_string_member (changes, "name", "Ada L.");
  {
    CacheitTestCompletion c = { 0 };
    g_autoptr(GError) error = NULL;

    cacheit_model_save_async (a, changes, CACHEIT_SAVE_PATCH, NULL, cacheit_test_completion_cb, &c);
    cacheit_test_wait_until (c.done);
    g_assert_true (cacheit_model_save_finish (a, c.result, &error));
    g_assert_no_error (error);
    g_clear_object (&c.result);
  }
  g_assert_cmpstr (cacheit_model_get_string (b, "name"), ==, "Ada L.");
  g_assert_cmpstr (counters.changed->str, ==, "name ");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/users/me"), ==, 2);
}

static void
test_gc (Fixture       *fixture,
         gconstpointer  data)
{
  CacheitModel *model;
  CacheitModel *again;
  GWeakRef weak;
  gint64 released;

  g_test_summary ("A resource the client made stays gc-time after the last other holder let "
                  "it go, is the same object when asked again meanwhile, and goes after");

  cacheit_client_set_gc_time (fixture->client, 200);
  cacheit_test_server_set (fixture->server, "/v1/a", 200, "{\"id\": 1}");

  model = cacheit_client_get_model (fixture->client, "a", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_weak_ref_init (&weak, model);
  g_object_unref (model);

  /* Kept: asked again, the same object, with its data, no request. */
  again = cacheit_client_get_model (fixture->client, "a", CACHEIT_TYPE_MODEL);
  g_assert_true (again == model);
  g_assert_true (cacheit_resource_get_fetched (CACHEIT_RESOURCE (again)));
  cacheit_test_fetch_ok (again, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/a"), ==, 1);
  /* The wait starts as the last other reference goes. */
  released = g_get_monotonic_time ();
  g_object_unref (again);

  /* Then it goes, not before gc-time. */
  while ((model = g_weak_ref_get (&weak)) != NULL)
    {
      g_object_unref (model);
      g_main_context_iteration (NULL, TRUE);
    }
  /* (A timeout counts from the main loop's time of its iteration, which
   * may be a little earlier than the unref.) */
  g_assert_cmpint (g_get_monotonic_time () - released, >=, 150 * 1000);
  g_assert_cmpuint (cacheit_client_get_n_resources (fixture->client), ==, 0);
  g_weak_ref_clear (&weak);

  /* Asked for after: a new object. Its snapshot stayed on disk. */
  again = cacheit_client_get_model (fixture->client, "a", CACHEIT_TYPE_MODEL);
  g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (again)));
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_object_unref (again);
}

static void
test_gc_zero (Fixture       *fixture,
              gconstpointer  data)
{
  CacheitModel *model;

  g_test_summary ("With a gc-time of 0 a resource goes as soon as the main loop runs after "
                  "its last other holder let it go; the client going lets go of the rest");

  cacheit_client_set_gc_time (fixture->client, 0);
  model = cacheit_client_get_model (fixture->client, "a", CACHEIT_TYPE_MODEL);
  g_object_unref (model);
  g_assert_cmpuint (cacheit_client_get_n_resources (fixture->client), ==, 1);
  while (cacheit_client_get_n_resources (fixture->client) > 0)
    g_main_context_iteration (NULL, TRUE);

  /* One still held when the client goes outlives it, as a resource of
   * its own. */
  model = cacheit_client_get_model (fixture->client, "b", CACHEIT_TYPE_MODEL);
  g_assert_finalize_object (g_steal_pointer (&fixture->client));
  g_assert_cmpstr (cacheit_resource_get_snapshot_directory (CACHEIT_RESOURCE (model)), ==, fixture->dir);
  fixture->client = cacheit_client_new (fixture->base);
  g_assert_finalize_object (model);
}

static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(CacheitCollection) list = NULL;
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_auto(Counters) counters = { 0 };
  const char *user_agent;

  g_test_summary ("Resources the client made follow its settings unless given their own, "
                  "items through their collection, with notify on each change; its own "
                  "session has a User-Agent of the program's");

  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 1}]");
  g_object_set (fixture->client, "max-age", 30, "retry-limit", 0, "app-active", FALSE, NULL);
  model = cacheit_client_get_model (fixture->client, "me", CACHEIT_TYPE_MODEL);
  list = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (list, CACHEIT_FETCH_NONE);
  item = g_list_model_get_item (G_LIST_MODEL (list), 0);

  g_assert_cmpint (cacheit_resource_get_max_age (CACHEIT_RESOURCE (model)), ==, 30);
  g_assert_cmpint (cacheit_resource_get_max_age (CACHEIT_RESOURCE (item)), ==, 30);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (CACHEIT_RESOURCE (list)), ==, 0);
  g_assert_false (cacheit_resource_get_app_active (CACHEIT_RESOURCE (item)));
  g_assert_cmpstr (cacheit_resource_get_snapshot_directory (CACHEIT_RESOURCE (item)), ==, fixture->dir);
  g_assert_true (cacheit_resource_get_session (CACHEIT_RESOURCE (item)) ==
                 cacheit_client_get_session (fixture->client));
  g_assert_true (cacheit_client_get_session (fixture->client) != cacheit_get_default_session ());

  user_agent = cacheit_test_server_last_header (fixture->server, "/v1/posts", "User-Agent");
  g_assert_nonnull (user_agent);
  g_assert_true (g_str_has_prefix (user_agent, g_get_prgname ()));
  g_assert_nonnull (strstr (user_agent, "cacheit-glib/"));
  g_assert_nonnull (strstr (user_agent, "libsoup/"));

  /* A change of the client's goes down, with notify; a resource's own
   * value wins. */
  counters_connect (&counters, item);
  cacheit_resource_set_max_age (CACHEIT_RESOURCE (list), 5);
  g_object_set (fixture->client, "max-age", 60, "app-active", TRUE, NULL);
  g_assert_cmpint (cacheit_resource_get_max_age (CACHEIT_RESOURCE (model)), ==, 60);
  g_assert_cmpint (cacheit_resource_get_max_age (CACHEIT_RESOURCE (item)), ==, 5);
  g_assert_true (cacheit_resource_get_app_active (CACHEIT_RESOURCE (item)));
  g_assert_cmpuint (n_notified (&counters, "app-active"), ==, 1);
  g_assert_cmpuint (n_notified (&counters, "max-age"), ==, 1);

  /* Another session, for all of them. */
  g_object_set (fixture->client, "session", session, NULL);
  g_assert_true (cacheit_resource_get_session (CACHEIT_RESOURCE (item)) == session);
  g_assert_cmpuint (n_notified (&counters, "session"), ==, 1);
}

static void
request_cb (CacheitResource *resource,
            SoupMessage     *message,
            gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                "Bearer mine");
}

static void
test_default_headers (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CacheitModel) a = NULL;
  g_autoptr(TestRow) b = NULL;
  g_autoptr(CacheitModel) other = NULL;
  g_autoptr(CacheitCollection) list = NULL;
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *value = NULL;
  CacheitTestCompletion ca = { 0 };
  CacheitTestCompletion cb = { 0 };
  CacheitTestCompletion cs = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Default headers go with every request of the client (fetches, items, "
                  "writes), and two resources of one URL still share one request; a header "
                  "a ::request handler set stays");

  cacheit_client_set_default_header (fixture->client, "Authorization", "Bearer t1");
  value = cacheit_client_dup_default_header (fixture->client, "authorization");
  g_assert_cmpstr (value, ==, "Bearer t1");

  /* Two objects (two types) for one URL, fetched at once: one request. */
  cacheit_test_server_set (fixture->server, "/v1/me", 200, "{\"id\": 1}");
  cacheit_test_server_hold (fixture->server, "/v1/me");
  a = cacheit_client_get_model (fixture->client, "me", CACHEIT_TYPE_MODEL);
  b = TEST_ROW (cacheit_client_get_model (fixture->client, "me", TEST_TYPE_ROW));
  /* Both to the network at once: a snapshot read first takes the time the
   * store's thread takes, and the first request could be answered before
   * the second left (the flake this test had under load). */
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (a), CACHEIT_FETCH_SKIP_SNAPSHOT, NULL, cacheit_test_completion_cb, &ca);
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (b), CACHEIT_FETCH_SKIP_SNAPSHOT, NULL, cacheit_test_completion_cb, &cb);
  cacheit_test_server_wait_held (fixture->server, "/v1/me", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/v1/me"), ==, 1);
  cacheit_test_wait_until (ca.done && cb.done);
  g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (a), ca.result, &error));
  g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (b), cb.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/me"), ==, 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/v1/me", "Authorization"), ==,
                   "Bearer t1");

  /* An item's own request, and a write. */
  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 7}]");
  cacheit_test_server_set (fixture->server, "/v1/posts/7", 200, "{\"id\": 7, \"title\": \"x\"}");
  list = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (list, CACHEIT_FETCH_NONE);
  item = g_list_model_get_item (G_LIST_MODEL (list), 0);
  cacheit_test_fetch_ok (item, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/v1/posts/7", "Authorization"), ==,
                   "Bearer t1");
  cacheit_client_set_default_header (fixture->client, "Authorization", "Bearer t2");
  json_object_set_string_member (changes, "title", "y");
  cacheit_model_save_async (item, changes, CACHEIT_SAVE_PATCH, NULL, cacheit_test_completion_cb, &cs);
  cacheit_test_wait_until (cs.done);
  g_assert_true (cacheit_model_save_finish (item, cs.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_test_server_last_method (fixture->server, "/v1/posts/7"), ==, "PATCH");
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/v1/posts/7", "Authorization"), ==,
                   "Bearer t2");

  /* A handler's header is the request's own. */
  other = cacheit_client_get_model (fixture->client, "other", CACHEIT_TYPE_MODEL);
  cacheit_test_server_set (fixture->server, "/v1/other", 200, "{}");
  g_signal_connect (other, "request", G_CALLBACK (request_cb), NULL);
  cacheit_test_fetch_ok (other, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/v1/other", "Authorization"), ==,
                   "Bearer mine");

  /* Removed: sent no more. */
  cacheit_client_set_default_header (fixture->client, "Authorization", NULL);
  cacheit_test_fetch_ok (other, CACHEIT_FETCH_RELOAD);
  g_signal_handlers_disconnect_by_func (other, request_cb, NULL);
  cacheit_test_fetch_ok (other, CACHEIT_FETCH_RELOAD);
  g_assert_null (cacheit_test_server_last_header (fixture->server, "/v1/other", "Authorization"));

  g_clear_object (&ca.result);
  g_clear_object (&cb.result);
  g_clear_object (&cs.result);
}

static void
test_invalidate (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CacheitCollection) posts = NULL;
  g_autoptr(CacheitCollection) page_2 = NULL;
  g_autoptr(CacheitModel) post = NULL;
  g_autoptr(CacheitModel) postscript = NULL;
  g_autoptr(CacheitModel) user = NULL;

  g_test_summary ("invalidate() marks stale what lives at a path or under it (posts, posts/1, "
                  "posts?page=2), nothing else (postscript, users/1)");

  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[]");
  cacheit_test_server_set (fixture->server, "/v1/posts?page=2", 200, "[]");
  cacheit_test_server_set (fixture->server, "/v1/posts/1", 200, "{}");
  cacheit_test_server_set (fixture->server, "/v1/postscript", 200, "{}");
  cacheit_test_server_set (fixture->server, "/v1/users/1", 200, "{}");

  posts = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  page_2 = cacheit_client_get_collection (fixture->client, "posts?page=2", CACHEIT_TYPE_MODEL);
  post = cacheit_client_get_model (fixture->client, "posts/1", CACHEIT_TYPE_MODEL);
  postscript = cacheit_client_get_model (fixture->client, "postscript", CACHEIT_TYPE_MODEL);
  user = cacheit_client_get_model (fixture->client, "users/1", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (page_2, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (post, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (postscript, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (user, CACHEIT_FETCH_NONE);

  g_assert_cmpuint (cacheit_client_invalidate (fixture->client, "posts"), ==, 3);
  g_assert_true (cacheit_resource_get_stale (CACHEIT_RESOURCE (posts)));
  g_assert_true (cacheit_resource_get_stale (CACHEIT_RESOURCE (page_2)));
  g_assert_true (cacheit_resource_get_stale (CACHEIT_RESOURCE (post)));
  g_assert_false (cacheit_resource_get_stale (CACHEIT_RESOURCE (postscript)));
  g_assert_false (cacheit_resource_get_stale (CACHEIT_RESOURCE (user)));

  /* Stale: the next fetch answers at once and asks the server again. */
  cacheit_test_fetch_ok (post, CACHEIT_FETCH_NONE);
  while (cacheit_resource_get_fetching (CACHEIT_RESOURCE (post)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/posts/1"), ==, 2);
  g_assert_cmpuint (cacheit_client_invalidate (fixture->client, "nothing"), ==, 0);
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CacheitModel) me = NULL;
  g_autoptr(CacheitModel) me_again = NULL;
  g_autoptr(CacheitCollection) posts = NULL;
  g_autofree char *stray = g_build_filename (fixture->dir, "notes.txt", NULL);
  CacheitTestCompletion c = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("clear_async() forgets every resource, stops those still held from writing "
                  "snapshots, and leaves no snapshot in the client's directory");

  cacheit_test_server_set (fixture->server, "/v1/me", 200, "{\"id\": 1, \"token\": \"secret\"}");
  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 1}]");
  me = cacheit_client_get_model (fixture->client, "me", CACHEIT_TYPE_MODEL);
  posts = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  /* The snapshots are written in their thread. */
  while (count_files (fixture->dir) < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_set_contents (stray, "not a snapshot", -1, NULL));

  /* Asked for at once: done after the writes. */
  cacheit_test_fetch_ok (me, CACHEIT_FETCH_RELOAD);
  cacheit_client_clear_async (fixture->client, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_true (cacheit_client_clear_finish (fixture->client, c.result, &error));
  g_assert_no_error (error);
  g_clear_object (&c.result);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  g_assert_true (g_file_test (stray, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (cacheit_client_get_n_resources (fixture->client), ==, 0);

  /* What is still held writes nothing more. */
  cacheit_test_fetch_ok (me, CACHEIT_FETCH_RELOAD);
  cacheit_test_drain ();
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);

  /* The path is a new object, with no data. */
  me_again = cacheit_client_get_model (fixture->client, "me", CACHEIT_TYPE_MODEL);
  g_assert_true (me_again != me);
  g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (me_again)));
  g_assert_null (cacheit_model_get_attribute (me_again, "token"));
}

static void
test_item_is_model (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CacheitCollection) posts = cacheit_client_get_collection (fixture->client, "posts",
                                                                      CACHEIT_TYPE_MODEL);
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(CacheitModel) other = NULL;
  g_autoptr(CacheitModel) typed = NULL;

  g_test_summary ("A model asked for at the URL of an item of the client's collection is that "
                  "item: one object, whose change every view sees");

  cacheit_test_server_set (fixture->server, "/v1/posts", 200,
                           "[{\"id\": 1, \"title\": \"a\"}, {\"id\": \"x y\", \"title\": \"b\"}]");
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  item = g_list_model_get_item (G_LIST_MODEL (posts), 0);

  model = cacheit_client_get_model (fixture->client, "posts/1", CACHEIT_TYPE_MODEL);
  g_assert_true (model == item);
  g_clear_object (&model);
  model = cacheit_client_get_model (fixture->client, "posts/x%20y", CACHEIT_TYPE_MODEL);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");

  /* Not an item: a model of its own. */
  other = cacheit_client_get_model (fixture->client, "posts/2", CACHEIT_TYPE_MODEL);
  g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (other)));
  typed = cacheit_client_get_model (fixture->client, "posts/1", TEST_TYPE_ROW);
  g_assert_true (typed != item);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/posts"), ==, 1);
}

/* Whether the object of @weak went (the reference it gives is dropped). */
static gboolean
weak_gone (GWeakRef *weak)
{
  g_autoptr(GObject) object = g_weak_ref_get (weak);

  return object == NULL;
}

static void
test_model_becomes_item (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_client_get_model (fixture->client, "posts/1", CACHEIT_TYPE_MODEL);
  g_autoptr(CacheitCollection) posts = NULL;
  g_autoptr(CacheitModel) item = NULL;
  g_auto(Counters) counters = { 0 };
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A model the client made before its collection held that item becomes the "
                  "item when the collection makes it: one object, the list's data with exact "
                  "signals, its writes through the list");

  cacheit_test_server_set (fixture->server, "/v1/posts/1", 200, "{\"id\": 1, \"title\": \"a\", \"body\": \"x\"}");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  counters_connect (&counters, model);

  posts = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  cacheit_test_server_set (fixture->server, "/v1/posts", 200,
                           "[{\"id\": 1, \"title\": \"b\", \"body\": \"x\"}, {\"id\": 2, \"title\": \"c\"}]");
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  item = g_list_model_get_item (G_LIST_MODEL (posts), 0);
  g_assert_true (item == model);
  /* The list's data, one signal for the one member that differs. */
  g_assert_cmpstr (counters.changed->str, ==, "title ");
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "b");
  g_clear_object (&item);

  /* A destroy through the model goes through the list: its row goes at once. */
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/v1/posts/1", 204, NULL);
  cacheit_model_destroy_async (model, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (posts)), ==, 1);
  cacheit_test_wait_until (done.done);
  g_assert_true (cacheit_model_destroy_finish (model, done.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&done);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/v1/posts/1"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/posts/1"), ==, 2);
}

static void
test_item_stays_model (Fixture       *fixture,
                       gconstpointer  data)
{
  CacheitCollection *posts = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(CacheitModel) item = NULL;
  GWeakRef weak;

  g_test_summary ("A model that was a collection's item stays the client's model at its URL: "
                  "the collection drops it and makes it again, or goes and another comes, "
                  "and it is the same object; let go, it goes after gc-time");

  cacheit_client_set_gc_time (fixture->client, 0);
  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 1, \"title\": \"a\"}]");
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  model = cacheit_client_get_model (fixture->client, "posts/1", CACHEIT_TYPE_MODEL);
  g_weak_ref_init (&weak, posts);

  /* Dropped from the list, and back. */
  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 2, \"title\": \"b\"}]");
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_RELOAD);
  g_assert_null (cacheit_collection_get_by_id (posts, "1"));
  cacheit_test_server_set (fixture->server, "/v1/posts", 200, "[{\"id\": 1, \"title\": \"c\"}]");
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_RELOAD);
  item = g_list_model_get_item (G_LIST_MODEL (posts), 0);
  g_assert_true (item == model);
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "c");
  g_clear_object (&item);

  /* The collection goes; another one at its URL makes the item from the model. */
  g_object_unref (posts);
  cacheit_test_wait_until (weak_gone (&weak));
  g_weak_ref_clear (&weak);
  posts = cacheit_client_get_collection (fixture->client, "posts", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  item = g_list_model_get_item (G_LIST_MODEL (posts), 0);
  g_assert_true (item == model);
  g_clear_object (&item);
  /* It showed its snapshot; the request that revalidates it ends. */
  cacheit_test_wait_until (!cacheit_resource_get_fetching (CACHEIT_RESOURCE (posts)));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/v1/posts"), ==, 4);
  g_clear_object (&posts);

  /* Nobody holds it: it goes. */
  g_weak_ref_init (&weak, model);
  g_clear_object (&model);
  cacheit_test_wait_until (weak_gone (&weak));
  g_weak_ref_clear (&weak);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_client_get_n_resources (fixture->client), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/client/resolve", test_resolve);
  ADD ("/cacheit/client/one-object", test_one_object);
  ADD ("/cacheit/client/item-is-model", test_item_is_model);
  ADD ("/cacheit/client/model-becomes-item", test_model_becomes_item);
  ADD ("/cacheit/client/item-stays-model", test_item_stays_model);
  ADD ("/cacheit/client/gc", test_gc);
  ADD ("/cacheit/client/gc-zero", test_gc_zero);
  ADD ("/cacheit/client/settings", test_settings);
  ADD ("/cacheit/client/default-headers", test_default_headers);
  ADD ("/cacheit/client/invalidate", test_invalidate);
  ADD ("/cacheit/client/clear", test_clear);

  return g_test_run ();
}
