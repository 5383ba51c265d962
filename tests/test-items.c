/* test-items.c: issue 14, section 2 (R14) — an item's requests are the
 * application's: the item of a collection that fetches its own URL, or is
 * saved or destroyed, goes through everything the application configured on
 * its collection (session, ::request handlers, snapshot policy and
 * directory, retry and freshness settings), follows later changes of them,
 * and keeps a value the application gave the item itself. Against a real
 * HTTP server on 127.0.0.1 (tests/cacheit-test-server.c) and real files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

#define R(obj) CACHEIT_RESOURCE (obj)

#define USER_AGENT "cacheit-items-test/1"
#define TOKEN      "Bearer items-token"

/* Fixture: a server with /rows (ids 1 and 2) and the detail of each item,
 * and a collection of it as an application configures one: its own
 * session, a ::request handler that adds an Authorization header, and its
 * own snapshot directory. */

typedef struct
{
  CacheitTestServer *server;
  SoupSession       *session;
  char              *dir;        /* The collection's snapshot directory. */
  CacheitCollection *rows;
  GString           *requests;   /* "WHO:METHOD PATH " per ::request. */
} Fixture;

static void
request_cb (CacheitResource *resource,
            SoupMessage     *message,
            Fixture         *fixture)
{
  const char *who = CACHEIT_IS_COLLECTION (resource) ? "rows" : "item";

  g_string_append_printf (fixture->requests, "%s:%s %s ", who, soup_message_get_method (message),
                          g_uri_get_path (soup_message_get_uri (message)));
}

static void
authorize_cb (CacheitResource *resource,
              SoupMessage     *message,
              Fixture         *fixture)
{
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", TOKEN);
  request_cb (resource, message, fixture);
}

static void
serve_rows (Fixture    *fixture,
            const char *body)
{
  cacheit_test_server_set (fixture->server, "/rows", 200, body);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *url = NULL;

  fixture->server = cacheit_test_server_new ();
  fixture->session = soup_session_new_with_options ("user-agent", USER_AGENT, NULL);
  /* Under this test's own XDG_CACHE_HOME (G_TEST_OPTION_ISOLATE_DIRS), and
   * not the default directory, which is under it too. */
  fixture->dir = g_build_filename (g_get_user_cache_dir (), "rows-snapshots", NULL);
  fixture->requests = g_string_new (NULL);

  url = cacheit_test_server_url (fixture->server, "/rows");
  fixture->rows = g_object_new (CACHEIT_TYPE_COLLECTION,
                                "item-type", TEST_TYPE_ROW,
                                "url", url,
                                "session", fixture->session,
                                "snapshot-directory", fixture->dir,
                                NULL);

  serve_rows (fixture, "[{\"id\": 1, \"name\": \"one\"}, {\"id\": 2, \"name\": \"two\"}]");
  cacheit_test_server_set (fixture->server, "/rows/1", 200,
                           "{\"id\": 1, \"name\": \"one\", \"detail\": \"first\"}");
  cacheit_test_server_set (fixture->server, "/rows/2", 200,
                           "{\"id\": 2, \"name\": \"two\", \"detail\": \"second\"}");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->rows);
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->session);
  g_string_free (fixture->requests, TRUE);
  g_free (fixture->dir);
}

static void
authorize (Fixture *fixture)
{
  g_signal_connect (fixture->rows, "request", G_CALLBACK (authorize_cb), fixture);
}

/* The item of id @id, after the collection was fetched. */
static TestRow *
item (Fixture    *fixture,
      const char *id)
{
  TestRow *row = TEST_ROW (cacheit_collection_get_by_id (fixture->rows, id));

  g_assert_nonnull (row);

  return row;
}

static void
assert_application_request (Fixture    *fixture,
                            const char *path)
{
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, path, "Authorization"), ==, TOKEN);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, path, "User-Agent"), ==, USER_AGENT);
}

static gboolean
write_wait (TestRow   *row,
            gboolean   destroy,
            GError   **error)
{
  CacheitTestCompletion c = { 0 };
  g_autoptr(JsonObject) changes = json_object_new ();
  gboolean ok;

  json_object_set_string_member (changes, "name", "renamed");
  if (destroy)
    cacheit_model_destroy_async (CACHEIT_MODEL (row), CACHEIT_SAVE_NONE, NULL,
                                 cacheit_test_completion_cb, &c);
  else
    cacheit_model_save_async (CACHEIT_MODEL (row), changes, CACHEIT_SAVE_NONE, NULL,
                              cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  if (destroy)
    ok = cacheit_model_destroy_finish (CACHEIT_MODEL (row), c.result, error);
  else
    ok = cacheit_model_save_finish (CACHEIT_MODEL (row), c.result, error);
  cacheit_test_completion_clear (&c);
  cacheit_test_drain ();

  return ok;
}

static void
write_ok (TestRow  *row,
          gboolean  destroy)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (write_wait (row, destroy, &error));
  g_assert_no_error (error);
}

/* A model of @path on its own, reading snapshots from @dir (NULL: the
 * default directory), without retries. */
static CacheitModel *
reader_new (Fixture    *fixture,
            const char *path,
            const char *dir)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);

  return g_object_new (CACHEIT_TYPE_MODEL, "url", url, "snapshot-directory", dir,
                       "retry-limit", 0, NULL);
}

/* Asserts that the snapshot of @path in @dir (NULL: the default directory)
 * holds an object named @name, or that there is none (@name NULL): a
 * reader completes from it while the server fails. Snapshot I/O is one
 * thread in FIFO order, so the reader's load comes after the writes made
 * before. */
static void
assert_snapshot (Fixture    *fixture,
                 const char *path,
                 const char *dir,
                 const char *name)
{
  g_autoptr(CacheitModel) reader = reader_new (fixture, path, dir);
  g_autoptr(GError) error = NULL;
  const char *found = NULL;

  cacheit_test_server_set (fixture->server, path, 500, "{}");
  if (cacheit_test_fetch_wait (reader, CACHEIT_FETCH_NONE, NULL, &error))
    {
      g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
      found = cacheit_model_get_string (reader, "name");
      /* Its revalidation in the background fails. */
      cacheit_test_wait_until (!cacheit_resource_get_fetching (R (reader)));
    }
  else
    g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  cacheit_test_drain ();

  g_test_message ("The snapshot of %s in %s", path, dir != NULL ? dir : "the default directory");
  g_assert_cmpstr (found, ==, name);
}

/* Fetches */

static void
test_fetch_request (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;

  g_test_bug ("14");
  g_test_summary ("R14: the detail fetch of an item goes out through the collection's "
                  "session (its User-Agent) with the Authorization header the collection's "
                  "::request handler adds; ::request is emitted on the collection, then on "
                  "the item");

  authorize (fixture);
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (fixture->requests->str, ==, "rows:GET /rows ");
  g_string_truncate (fixture->requests, 0);

  one = item (fixture, "1");
  g_signal_connect (one, "request", G_CALLBACK (request_cb), fixture);
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_NONE);

  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/1"), ==, 1);
  assert_application_request (fixture, "/rows/1");
  g_assert_cmpstr (fixture->requests->str, ==, "rows:GET /rows/1 item:GET /rows/1 ");
  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (one), "detail"), ==, "first");
  g_assert_true (cacheit_resource_get_session (R (one)) == fixture->session);

  /* A reload, too. */
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/1"), ==, 2);
  assert_application_request (fixture, "/rows/1");
}

static void
test_fetch_not_shared (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;
  g_autoptr(CacheitModel) plain = NULL;
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/rows/1");
  CacheitTestCompletion a = { 0 };
  CacheitTestCompletion b = { 0 };

  g_test_bug ("14");
  g_test_summary ("R14: an item whose collection has a ::request handler neither joins nor "
                  "shares a request of the same URL, as a resource with a handler of its own "
                  "does: a plain model's request in flight, on the same session, has no "
                  "Authorization header");

  authorize (fixture);
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  plain = g_object_new (CACHEIT_TYPE_MODEL, "url", url, "session", fixture->session,
                        "snapshot-policy", CACHEIT_SNAPSHOT_NONE, NULL);
  cacheit_resource_set_snapshot_policy (R (one), CACHEIT_SNAPSHOT_NONE);

  cacheit_test_server_hold (fixture->server, "/rows/1");
  cacheit_resource_fetch_async (R (plain), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &a);
  cacheit_test_server_wait_held (fixture->server, "/rows/1", 1);
  cacheit_resource_fetch_async (R (one), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &b);
  cacheit_test_server_wait_held (fixture->server, "/rows/1", 2);
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/rows/1"), ==, 2);
  cacheit_test_wait_until (a.done);
  cacheit_test_wait_until (b.done);
  g_assert_true (cacheit_resource_fetch_finish (R (plain), a.result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (R (one), b.result, NULL));

  /* The item's request arrived second. */
  assert_application_request (fixture, "/rows/1");
  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (one), "detail"), ==, "first");

  cacheit_test_completion_clear (&a);
  cacheit_test_completion_clear (&b);
}

/* Writes */

static void
test_write_request (Fixture       *fixture,
                    gconstpointer  data)
{
  gboolean destroy = GPOINTER_TO_INT (data);
  const char *method = destroy ? "DELETE" : "PUT";
  g_autoptr(TestRow) one = NULL;
  g_autoptr(TestRow) two = NULL;
  g_autofree char *expected = NULL;

  g_test_bug ("14");
  g_test_summary (destroy ?
                  "R14: the destroy of an item, in the list or after a refetch took it out, "
                  "goes through the collection's session and ::request handler (its "
                  "Authorization header), and the item's own handler sees it too" :
                  "R14: the save of an item, in the list or after a refetch took it out, "
                  "goes through the collection's session and ::request handler (its "
                  "Authorization header), and the item's own handler sees it too");

  authorize (fixture);
  cacheit_test_server_set_for_method (fixture->server, method, "/rows/1", destroy ? 204 : 200,
                                      destroy ? NULL : "{}");
  cacheit_test_server_set_for_method (fixture->server, method, "/rows/2", destroy ? 204 : 200,
                                      destroy ? NULL : "{}");
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  two = item (fixture, "2");
  g_signal_connect (one, "request", G_CALLBACK (request_cb), fixture);
  g_string_truncate (fixture->requests, 0);

  /* Taken out of the list by a refetch: written as a model of its own, to
   * its own URL, still as the application's. */
  serve_rows (fixture, "[{\"id\": 1, \"name\": \"one\"}]");
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, 1);
  g_string_truncate (fixture->requests, 0);
  write_ok (two, destroy);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, method, "/rows/2"), ==, 1);
  assert_application_request (fixture, "/rows/2");
  expected = g_strdup_printf ("rows:%s /rows/2 ", method);
  g_assert_cmpstr (fixture->requests->str, ==, expected);

  /* In the list: written through the collection's queue; the item's own
   * handler sees it after the collection's. */
  g_string_truncate (fixture->requests, 0);
  write_ok (one, destroy);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, method, "/rows/1"), ==, 1);
  assert_application_request (fixture, "/rows/1");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("rows:%s /rows/1 item:%s /rows/1 ", method, method);
  g_assert_cmpstr (fixture->requests->str, ==, expected);
}

/* Snapshots */

static void
test_snapshot_directory (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;

  g_test_bug ("14");
  g_test_summary ("R14: the shareable detail of an item goes to the collection's snapshot "
                  "directory, not the default one; a save of the item rewrites it there, and "
                  "its destroy removes it from there");

  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_NONE);

  assert_snapshot (fixture, "/rows/1", NULL, NULL);
  assert_snapshot (fixture, "/rows/1", fixture->dir, "one");
  g_assert_cmpstr (cacheit_resource_get_snapshot_directory (R (one)), ==, fixture->dir);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200, "{}");
  write_ok (one, FALSE);
  assert_snapshot (fixture, "/rows/1", fixture->dir, "renamed");
  assert_snapshot (fixture, "/rows/1", NULL, NULL);

  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/1", 204, NULL);
  write_ok (one, TRUE);
  assert_snapshot (fixture, "/rows/1", fixture->dir, NULL);
}

static void
test_snapshot_policy (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;
  g_autoptr(TestRow) two = NULL;

  g_test_bug ("14");
  g_test_summary ("R14: an item follows the snapshot policy of its collection: with "
                  "CACHEIT_SNAPSHOT_NONE its detail is written nowhere; with "
                  "CACHEIT_SNAPSHOT_ALL it is written even for a request that carried "
                  "Authorization");

  authorize (fixture);
  cacheit_resource_set_snapshot_policy (R (fixture->rows), CACHEIT_SNAPSHOT_NONE);
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  two = item (fixture, "2");

  /* Without Authorization, which the default policy would write. */
  g_signal_handlers_disconnect_by_func (fixture->rows, authorize_cb, fixture);
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_NONE);
  assert_snapshot (fixture, "/rows/1", NULL, NULL);
  assert_snapshot (fixture, "/rows/1", fixture->dir, NULL);
  g_assert_cmpint (cacheit_resource_get_snapshot_policy (R (one)), ==, CACHEIT_SNAPSHOT_NONE);

  /* A later change follows, to an item that exists. */
  authorize (fixture);
  cacheit_resource_set_snapshot_policy (R (fixture->rows), CACHEIT_SNAPSHOT_ALL);
  g_assert_cmpint (cacheit_resource_get_snapshot_policy (R (two)), ==, CACHEIT_SNAPSHOT_ALL);
  cacheit_test_fetch_ok (two, CACHEIT_FETCH_NONE);
  assert_application_request (fixture, "/rows/2");
  assert_snapshot (fixture, "/rows/2", fixture->dir, "two");
}

/* Retry and freshness */

static void
test_retry (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;
  g_autoptr(GError) error = NULL;
  Counters c = { 0 };

  g_test_bug ("14");
  g_test_summary ("R14: an item retries as its collection says (retry-limit, retry-delay), "
                  "follows a later change of it with notify, and keeps a retry-limit of "
                  "its own");

  cacheit_resource_set_retry_limit (R (fixture->rows), 1);
  cacheit_resource_set_retry_delay (R (fixture->rows), 1);
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  counters_connect (&c, one);
  cacheit_test_server_set (fixture->server, "/rows/1", 503, "{}");

  /* One retry, 1 ms after the first attempt. */
  g_assert_false (cacheit_test_fetch_wait (one, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/1"), ==, 2);

  /* The collection's setting changes: the item follows, and says so. */
  cacheit_resource_set_retry_limit (R (fixture->rows), 0);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (R (one)), ==, 0);
  g_assert_cmpuint (n_notified (&c, "retry-limit"), ==, 1);
  g_assert_false (cacheit_test_fetch_wait (one, CACHEIT_FETCH_NONE, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/1"), ==, 3);

  /* A value of its own wins over the collection's, now and later. */
  cacheit_resource_set_retry_limit (R (one), 2);
  cacheit_resource_set_retry_limit (R (fixture->rows), 5);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (R (one)), ==, 2);
  g_assert_cmpuint (n_notified (&c, "retry-limit"), ==, 2);
  g_assert_false (cacheit_test_fetch_wait (one, CACHEIT_FETCH_NONE, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/1"), ==, 6);

  g_signal_handlers_disconnect_by_data (one, &c);
  counters_clear (&c);
}

static void
test_max_age (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;

  g_test_bug ("14");
  g_test_summary ("R14: an item's freshness follows its collection's max-age: a change of "
                  "it makes the item's detail stale at once, as on the item itself");

  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (one)));

  cacheit_resource_set_max_age (R (fixture->rows), 0);
  g_assert_cmpint (cacheit_resource_get_max_age (R (one)), ==, 0);
  g_assert_true (cacheit_resource_get_stale (R (one)));

  /* Stale: completed from the cache, and revalidated in the background
   * with the collection's session. */
  cacheit_test_fetch_ok (one, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (cacheit_test_server_count (fixture->server, "/rows/1") == 2 &&
                           !cacheit_resource_get_fetching (R (one)));
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/rows/1", "User-Agent"), ==,
                   USER_AGENT);
}

/* Every setting */

static const char *const inherited[] = {
  "session", "reload", "max-size", "max-age", "retry-limit", "retry-delay",
  "refresh-interval", "refetch-on-reconnect", "app-active", "pause-when-constrained",
  "snapshot-policy", "snapshot-directory", NULL,
};

/* A value of @pspec that is not its default, nor @other (NULL for none). */
static void
other_value (GParamSpec   *pspec,
             const GValue *other,
             guint         n,
             GValue       *value)
{
  g_value_init (value, pspec->value_type);
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type))
    {
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (value, !G_PARAM_SPEC_BOOLEAN (pspec)->default_value);
      if (other != NULL && g_value_get_boolean (other) == g_value_get_boolean (value))
        g_value_set_boolean (value, !g_value_get_boolean (value));
      break;
    case G_TYPE_INT:
      g_value_set_int (value, 10 + n);
      break;
    case G_TYPE_UINT:
      g_value_set_uint (value, 10 + n);
      break;
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, 1000 + n);
      break;
    case G_TYPE_ENUM:
      g_value_set_enum (value, n % 2 == 0 ? CACHEIT_SNAPSHOT_ALL : CACHEIT_SNAPSHOT_NONE);
      break;
    case G_TYPE_STRING:
      g_value_take_string (value, g_strdup_printf ("/tmp/cacheit-items-%u", n));
      break;
    case G_TYPE_OBJECT:
      g_value_take_object (value, soup_session_new ());
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
assert_same (GObject    *a,
             GObject    *b,
             const char *name)
{
  g_auto(GValue) va = G_VALUE_INIT;
  g_auto(GValue) vb = G_VALUE_INIT;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (a), name);

  g_value_init (&va, pspec->value_type);
  g_value_init (&vb, pspec->value_type);
  g_object_get_property (a, name, &va);
  g_object_get_property (b, name, &vb);
  if (g_param_values_cmp (pspec, &va, &vb) != 0)
    g_error ("%s of the item differs from its collection's", name);
}

static void
test_settings_follow (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TestRow) one = NULL;
  g_autoptr(TestRow) two = NULL;
  g_autoptr(TestRow) orphan = NULL;
  GObject *rows = G_OBJECT (fixture->rows);
  Counters c = { 0 };

  g_test_bug ("14");
  g_test_summary ("R14: each setting of a collection (session, reload, max-size, max-age, "
                  "retry, refetching, snapshots) is its items' unless they were given their "
                  "own; a later change of the collection's follows with one notify; url and "
                  "root-pointer are the item's; an item that outlives its collection keeps "
                  "the values it had");

  cacheit_resource_set_root_pointer (R (fixture->rows), "/rows");
  serve_rows (fixture, "{\"rows\": [{\"id\": 1}, {\"id\": 2}]}");
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  one = item (fixture, "1");
  two = item (fixture, "2");
  g_assert_null (cacheit_resource_get_root_pointer (R (one)));
  g_assert_true (g_str_has_suffix (cacheit_resource_get_url (R (one)), "/rows/1"));

  counters_connect (&c, one);
  for (guint i = 0; inherited[i] != NULL; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (rows), inherited[i]);
      g_auto(GValue) current = G_VALUE_INIT;
      g_auto(GValue) value = G_VALUE_INIT;
      g_auto(GValue) own = G_VALUE_INIT;

      g_assert_nonnull (pspec);
      assert_same (rows, G_OBJECT (one), inherited[i]);

      /* The collection's change follows, with one notify on the item. */
      g_value_init (&current, pspec->value_type);
      g_object_get_property (rows, inherited[i], &current);
      other_value (pspec, &current, i, &value);
      counters_reset (&c);
      g_object_set_property (rows, inherited[i], &value);
      assert_same (rows, G_OBJECT (one), inherited[i]);
      assert_same (rows, G_OBJECT (two), inherited[i]);
      g_assert_cmpuint (n_notified (&c, inherited[i]), ==, 1);

      /* One of the item's own stays. */
      other_value (pspec, &value, i + 1, &own);
      g_object_set_property (G_OBJECT (two), inherited[i], &own);
      g_object_set_property (rows, inherited[i], &current);
      assert_same (rows, G_OBJECT (one), inherited[i]);
      g_value_reset (&value);
      g_object_get_property (G_OBJECT (two), inherited[i], &value);
      g_assert_cmpint (g_param_values_cmp (pspec, &value, &own), ==, 0);
    }

  /* NULL gives the session back to the collection. */
  cacheit_resource_set_session (R (two), NULL);
  g_assert_true (cacheit_resource_get_session (R (two)) == fixture->session);

  /* An item that outlives its collection keeps what it used, silently. */
  cacheit_resource_set_retry_limit (R (fixture->rows), 7);
  orphan = g_steal_pointer (&one);
  g_clear_object (&two);
  counters_reset (&c);
  g_assert_finalize_object (g_steal_pointer (&fixture->rows));
  g_assert_true (cacheit_resource_get_session (R (orphan)) == fixture->session);
  g_assert_cmpuint (cacheit_resource_get_retry_limit (R (orphan)), ==, 7);
  g_assert_cmpstr (cacheit_resource_get_snapshot_directory (R (orphan)), ==, fixture->dir);
  g_assert_cmpstr (c.notify->str, ==, "");
  g_signal_handlers_disconnect_by_data (orphan, &c);
  counters_clear (&c);
  g_clear_object (&orphan);

  /* The tear-down wants one. */
  fixture->rows = cacheit_collection_new (TEST_TYPE_ROW, NULL);
}

static void
test_created_item (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) attributes = json_object_new ();
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_bug ("14");
  g_test_summary ("R14: an item made by create_async() follows its collection too: its "
                  "later detail fetch carries the collection's Authorization header");

  authorize (fixture);
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201,
                                      "{\"id\": 3, \"name\": \"three\"}");
  cacheit_test_server_set (fixture->server, "/rows/3", 200, "{\"id\": 3, \"name\": \"three\"}");
  cacheit_test_fetch_ok (fixture->rows, CACHEIT_FETCH_NONE);
  json_object_set_string_member (attributes, "name", "three");
  cacheit_collection_create_async (fixture->rows, attributes, CACHEIT_SAVE_NONE, NULL,
                                   cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  created = cacheit_collection_create_finish (fixture->rows, c.result, &error);
  g_assert_no_error (error);
  cacheit_test_completion_clear (&c);
  assert_application_request (fixture, "/rows");

  g_assert_true (g_str_has_suffix (cacheit_resource_get_url (R (created)), "/rows/3"));
  cacheit_test_fetch_ok (created, CACHEIT_FETCH_NONE);
  assert_application_request (fixture, "/rows/3");
  g_assert_true (cacheit_resource_get_session (R (created)) == fixture->session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_bug_base ("issue ");

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/items/fetch/collection-request-and-session", test_fetch_request, NULL);
  ADD ("/cacheit/items/fetch/collection-handler-turns-sharing-off", test_fetch_not_shared, NULL);
  ADD ("/cacheit/items/save/collection-request-and-session", test_write_request, GINT_TO_POINTER (FALSE));
  ADD ("/cacheit/items/destroy/collection-request-and-session", test_write_request, GINT_TO_POINTER (TRUE));
  ADD ("/cacheit/items/snapshot/collection-directory", test_snapshot_directory, NULL);
  ADD ("/cacheit/items/snapshot/collection-policy", test_snapshot_policy, NULL);
  ADD ("/cacheit/items/retry/follows-collection", test_retry, NULL);
  ADD ("/cacheit/items/freshness/max-age-follows-collection", test_max_age, NULL);
  ADD ("/cacheit/items/settings/follow-collection-unless-own", test_settings_follow, NULL);
  ADD ("/cacheit/items/settings/created-item", test_created_item, NULL);

#undef ADD

  return g_test_run ();
}
