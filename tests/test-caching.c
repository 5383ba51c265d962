/* test-caching.c: issue 18 — what a response's own caching headers make a
 * resource do (RFC 9111, RFC 5861, RFC 8246), against a real HTTP server on
 * 127.0.0.1 that sends the exact headers: when stale data may complete a
 * fetch (must-revalidate, no-cache, the server's stale-while-revalidate and
 * stale-if-error windows, Vary: *), when a reload needs no request
 * (immutable), statuses that are not reused without an explicit lifetime,
 * Age, and which snapshots are written and shown before the server
 * confirmed them (no-store, public, Vary).
 *
 * The header parsing itself is checked by tables in test-http.c; here each
 * rule is checked once, end to end. No assertion is about how long
 * something took.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

#define R(obj) CACHEIT_RESOURCE (obj)

typedef struct
{
  CacheitTestServer *server;
  char              *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cacheit_test_server_new ();
  fixture->dir = g_dir_make_tmp ("cacheit-caching-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_clear_snapshots (fixture->dir);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A model of @path, without snapshots unless @snapshots. */
static CacheitModel *
model_new (Fixture    *fixture,
           const char *path,
           gboolean    snapshots)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);

  return g_object_new (CACHEIT_TYPE_MODEL, "url", url, "retry-limit", 0,
                       "snapshot-policy", snapshots ? CACHEIT_SNAPSHOT_ALL : CACHEIT_SNAPSHOT_NONE,
                       "snapshot-directory", fixture->dir, NULL);
}

/* @path answers {"v": 1} with @cache_control and an ETag. */
static void
serve (Fixture    *fixture,
       const char *path,
       const char *cache_control)
{
  cacheit_test_server_set (fixture->server, path, 200, "{\"v\": 1}");
  cacheit_test_server_set_etag (fixture->server, path, "\"1\"");
  cacheit_test_server_set_header (fixture->server, path, "Cache-Control", cache_control);
}

/* Starts a fetch of @model while @path is held: returns whether it
 * completed before the server answered. Then answers, and waits for it;
 * @error gets its error. */
static gboolean
completes_before_answer (Fixture     *fixture,
                         gpointer     model,
                         const char  *path,
                         GError     **error)
{
  CacheitTestCompletion done = { 0 };
  guint before = cacheit_test_server_count (fixture->server, path);
  gboolean early;

  cacheit_test_server_hold (fixture->server, path);
  cacheit_resource_fetch_async (R (model), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, path, 1);
  cacheit_test_drain ();
  early = done.done;
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, path), ==, 1);
  cacheit_test_wait_until (done.done);
  cacheit_resource_fetch_finish (R (model), done.result, error);
  cacheit_test_completion_clear (&done);
  /* The revalidation (in the background, when it completed early) ends. */
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (model)));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, path), ==, before + 1);

  return early;
}

static void
test_stale_data_first (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CacheitModel) model = model_new (fixture, "/a", FALSE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Stale data with nothing that forbids it completes a fetch at once and is "
                  "revalidated (the library's data-first rule, RFC 9111 4.2.4)");

  serve (fixture, "/a", "max-age=0");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_true (completes_before_answer (fixture, model, "/a", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/a"), ==, 1);
}

static void
test_must_revalidate (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *const directives[] = { "max-age=0, must-revalidate", "no-cache", "no-cache=\"Set-Cookie\"" };

  g_test_summary ("Stale data marked must-revalidate, and any data marked no-cache, waits for "
                  "a successful revalidation before a caller gets it; a failed one gives the "
                  "caller the error (RFC 9111 4.2.4, 5.2.2.2, 5.2.2.4)");

  for (guint i = 0; i < G_N_ELEMENTS (directives); i++)
    {
      g_autoptr(CacheitModel) model = model_new (fixture, "/m", FALSE);
      g_autoptr(GError) error = NULL;

      serve (fixture, "/m", directives[i]);
      cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
      g_assert_true (cacheit_resource_get_stale (R (model)));

      /* Waits, conditionally: the 304 confirms it. */
      g_assert_false (completes_before_answer (fixture, model, "/m", &error));
      g_assert_no_error (error);
      g_assert_cmpint (cacheit_model_get_int (model, "v"), ==, 1);

      /* A server error is the caller's, the data stays (R5). */
      cacheit_test_server_push (fixture->server, "/m", 503, NULL);
      g_assert_false (completes_before_answer (fixture, model, "/m", &error));
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
      g_assert_cmpint (cacheit_model_get_int (model, "v"), ==, 1);
    }
}

static void
test_stale_while_revalidate_window (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(CacheitModel) inside = model_new (fixture, "/in", FALSE);
  g_autoptr(CacheitModel) past = model_new (fixture, "/past", FALSE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("The response's own stale-while-revalidate window: stale data within it "
                  "completes a fetch at once, past it the fetch waits (RFC 5861 3)");

  serve (fixture, "/in", "max-age=0, stale-while-revalidate=3600");
  cacheit_test_fetch_ok (inside, CACHEIT_FETCH_NONE);
  g_assert_true (completes_before_answer (fixture, inside, "/in", &error));
  g_assert_no_error (error);

  /* A window of 0 s has passed as soon as the data is stale. */
  serve (fixture, "/past", "max-age=0, stale-while-revalidate=0");
  cacheit_test_fetch_ok (past, CACHEIT_FETCH_NONE);
  g_assert_false (completes_before_answer (fixture, past, "/past", &error));
  g_assert_no_error (error);
}

static void
test_stale_if_error (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CacheitModel) model = model_new (fixture, "/e", FALSE);
  g_autoptr(CacheitModel) closed = model_new (fixture, "/c", FALSE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("stale-if-error: a revalidation that fails with a server error gives the "
                  "waiting caller the stale data; a 404 is not such an error (RFC 5861 4)");

  serve (fixture, "/e", "max-age=0, must-revalidate, stale-if-error=3600");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);

  cacheit_test_server_push (fixture->server, "/e", 503, NULL);
  g_assert_false (completes_before_answer (fixture, model, "/e", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_model_get_int (model, "v"), ==, 1);

  cacheit_test_server_push (fixture->server, "/e", 404, NULL);
  g_assert_false (completes_before_answer (fixture, model, "/e", &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);

  /* Without the directive, the error is the caller's. */
  serve (fixture, "/c", "max-age=0, must-revalidate");
  cacheit_test_fetch_ok (closed, CACHEIT_FETCH_NONE);
  cacheit_test_server_push (fixture->server, "/c", 503, NULL);
  g_assert_false (completes_before_answer (fixture, closed, "/c", &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
}

static void
test_immutable (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CacheitModel) frozen = model_new (fixture, "/i", FALSE);
  g_autoptr(CacheitModel) plain = model_new (fixture, "/p", FALSE);

  g_test_summary ("A reload of fresh data marked immutable needs no request; without "
                  "immutable, a reload makes one (RFC 8246)");

  serve (fixture, "/i", "max-age=3600, immutable");
  cacheit_test_fetch_ok (frozen, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (frozen, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/i"), ==, 1);

  serve (fixture, "/p", "max-age=3600");
  cacheit_test_fetch_ok (plain, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (plain, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/p"), ==, 2);
}

static void
test_vary_any (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CacheitModel) model = model_new (fixture, "/v", FALSE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A response with Vary: * matches no later request: each fetch waits for "
                  "a revalidation, even with a lifetime (RFC 9111 4.1)");

  serve (fixture, "/v", "max-age=3600");
  cacheit_test_server_set_header (fixture->server, "/v", "Vary", "*");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_stale (R (model)));
  g_assert_false (completes_before_answer (fixture, model, "/v", &error));
  g_assert_no_error (error);
}

static void
test_status_not_reused (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) accepted = model_new (fixture, "/202", FALSE);
  g_autoptr(CacheitModel) explicit = model_new (fixture, "/201", FALSE);
  g_autoptr(CacheitModel) ok = model_new (fixture, "/200", FALSE);

  g_test_summary ("Without an explicit lifetime, a 201 or 202 answer to a fetch is stale at "
                  "once; a 200 stays fresh (the library's heuristic, RFC 9111 4.2.2); a 201 "
                  "with max-age is fresh for it");

  cacheit_test_server_set (fixture->server, "/202", 202, "{\"v\": 1}");
  cacheit_test_fetch_ok (accepted, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_resource_get_stale (R (accepted)));

  cacheit_test_server_set (fixture->server, "/201", 201, "{\"v\": 1}");
  cacheit_test_server_set_header (fixture->server, "/201", "Cache-Control", "max-age=60");
  cacheit_test_fetch_ok (explicit, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (explicit)));

  cacheit_test_server_set (fixture->server, "/200", 200, "{\"v\": 1}");
  cacheit_test_fetch_ok (ok, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (ok)));
}

static void
test_age_and_expires (Fixture       *fixture,
                      gconstpointer  data)
{
  struct {
    const char *cache_control;
    const char *expires;
    const char *age;
    gboolean    stale;
  } cases[] = {
    { "max-age=3600", NULL, "7200, 0", TRUE },
    { "max-age=3600", NULL, "2147483648", TRUE },
    { "max-age=3600", NULL, "abc", FALSE },
    { "max-age=2147483648", NULL, NULL, FALSE },
    { NULL, "Thu, 01 Jan 2099 00:00:00 UTC", NULL, TRUE },
    { NULL, "Thu, 01 Jan 2099 00:00:00 GMT", NULL, FALSE },
  };

  g_test_summary ("Age and Expires, end to end: the first Age of a list counts, an overflow "
                  "is 2^31 (stale), a max-age of 2^31 or more is capped (fresh), an Expires "
                  "in a zone other than GMT is invalid (stale) (RFC 9111 1.2.2, 5.1, 5.3)");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/age/%u", i);
      g_autoptr(CacheitModel) model = model_new (fixture, path, FALSE);

      cacheit_test_server_set (fixture->server, path, 200, "{\"v\": 1}");
      cacheit_test_server_set_header (fixture->server, path, "Cache-Control", cases[i].cache_control);
      cacheit_test_server_set_header (fixture->server, path, "Expires", cases[i].expires);
      cacheit_test_server_set_header (fixture->server, path, "Age", cases[i].age);
      cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
      g_assert_cmpint (cacheit_resource_get_stale (R (model)), ==, cases[i].stale);
    }
}

/* A new model of @path with snapshots fetches: whether it first showed the
 * snapshot, which its request then revalidated with the snapshot's ETag
 * (a snapshot not shown is not revalidated: the request is a plain one). */
static gboolean
second_shows_snapshot (Fixture    *fixture,
                       const char *path)
{
  g_autoptr(CacheitModel) again = model_new (fixture, path, TRUE);
  guint conditional = cacheit_test_server_count_conditional (fixture->server, path);

  cacheit_test_fetch_ok (again, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (!cacheit_resource_get_fetching (R (again)));
  g_assert_cmpint (cacheit_model_get_int (again, "v"), ==, 1);

  return cacheit_test_server_count_conditional (fixture->server, path) > conditional;
}

static void
test_written_must_revalidate (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(CacheitModel) reader = model_new (fixture, "/w", FALSE);
  g_autoptr(CacheitModel) writer = model_new (fixture, "/w", FALSE);
  g_autoptr(JsonObject) changes = json_object_new ();
  CacheitTestCompletion saved = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Fresh data marked must-revalidate that another resource wrote to (RFC 9111 "
                  "4.4) is stale, and its next fetch waits for the revalidation");

  serve (fixture, "/w", "max-age=3600, must-revalidate");
  cacheit_test_fetch_ok (reader, CACHEIT_FETCH_NONE);
  g_assert_false (cacheit_resource_get_stale (R (reader)));

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/w", 200, "{\"v\": 1}");
  json_object_set_int_member (changes, "v", 1);
  cacheit_model_save_async (writer, changes, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &saved);
  cacheit_test_wait_until (saved.done);
  g_assert_true (cacheit_model_save_finish (writer, saved.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&saved);

  g_assert_false (completes_before_answer (fixture, reader, "/w", &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_stale (R (reader)));
}

/* Whether the snapshot of @path is on disk: the store names its file by
 * the SHA-256 of the URL. */
static gboolean
has_snapshot (Fixture    *fixture,
              const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  g_autofree char *name = g_strconcat (hash, ".snapshot", NULL);
  g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

  return g_file_test (file, G_FILE_TEST_EXISTS);
}

/* A model of @path with snapshots fetches it, and its snapshot is written. */
static void
fetch_with_snapshot (Fixture    *fixture,
                     const char *path)
{
  g_autoptr(CacheitModel) first = model_new (fixture, path, TRUE);

  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (has_snapshot (fixture, path));
}

static void
test_snapshot_must_revalidate (Fixture       *fixture,
                               gconstpointer  data)
{
  g_test_summary ("A stale snapshot marked must-revalidate, or past its stale-while-revalidate "
                  "window, is not shown before the server answers; a stale one without them "
                  "is (RFC 9111 4.2.4, RFC 5861 3)");

  serve (fixture, "/s/plain", "max-age=0");
  fetch_with_snapshot (fixture, "/s/plain");
  g_assert_true (second_shows_snapshot (fixture, "/s/plain"));

  serve (fixture, "/s/must", "max-age=0, must-revalidate");
  fetch_with_snapshot (fixture, "/s/must");
  g_assert_false (second_shows_snapshot (fixture, "/s/must"));

  serve (fixture, "/s/swr", "max-age=0, stale-while-revalidate=0");
  fetch_with_snapshot (fixture, "/s/swr");
  g_assert_false (second_shows_snapshot (fixture, "/s/swr"));

  serve (fixture, "/s/fresh", "max-age=3600, must-revalidate");
  fetch_with_snapshot (fixture, "/s/fresh");
  g_assert_true (second_shows_snapshot (fixture, "/s/fresh"));
}

static void
on_error_count (CacheitResource *resource,
                GError          *error,
                guint           *n_errors)
{
  (*n_errors)++;
}

static void
test_snapshot_disconnected (Fixture       *fixture,
                            gconstpointer  data)
{
  CacheitTestServer *gone = cacheit_test_server_new ();
  g_autofree char *url = cacheit_test_server_url (gone, "/d");
  g_autoptr(CacheitModel) first = NULL;
  g_autoptr(CacheitModel) again = NULL;
  guint n_errors = 0;

  g_test_summary ("A snapshot that must be confirmed first stands in when the server cannot "
                  "be reached (a disconnected cache, RFC 9111 4.2.4): the fetch succeeds "
                  "with it (origin DISK), the error is told, and no second request is made");

  cacheit_test_server_set (gone, "/d", 200, "{\"v\": 1}");
  cacheit_test_server_set_header (gone, "/d", "Cache-Control", "no-cache");
  first = g_object_new (CACHEIT_TYPE_MODEL, "url", url, "snapshot-policy", CACHEIT_SNAPSHOT_ALL,
                        "snapshot-directory", fixture->dir, NULL);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  cacheit_test_drain ();
  g_clear_object (&first);
  cacheit_test_server_free (gone);

  again = g_object_new (CACHEIT_TYPE_MODEL, "url", url, "retry-limit", 0, "snapshot-policy",
                        CACHEIT_SNAPSHOT_ALL, "snapshot-directory", fixture->dir, NULL);
  g_signal_connect (again, "error", G_CALLBACK (on_error_count), &n_errors);
  cacheit_test_wait_until (count_files (fixture->dir) == 1);
  cacheit_test_fetch_ok (again, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (R (again)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpint (cacheit_model_get_int (again, "v"), ==, 1);
  g_assert_true (cacheit_resource_get_stale (R (again)));
  cacheit_test_wait_until (n_errors == 1);
  g_assert_nonnull (cacheit_resource_get_last_error (R (again)));
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetching (R (again)));
  g_assert_cmpuint (n_errors, ==, 1);
}

static void
test_snapshot_vary (Fixture       *fixture,
                    gconstpointer  data)
{
  g_test_summary ("A snapshot of a response that varies on a request header the application "
                  "may change (Accept-Language) is not shown before the server answers the "
                  "request as it is now; one that varies on Accept-Encoding only is "
                  "(RFC 9111 4.1)");

  serve (fixture, "/vary/lang", "max-age=3600");
  cacheit_test_server_set_header (fixture->server, "/vary/lang", "Vary", "Accept-Encoding, Accept-Language");
  fetch_with_snapshot (fixture, "/vary/lang");
  g_assert_false (second_shows_snapshot (fixture, "/vary/lang"));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/vary/lang"), ==, 2);

  serve (fixture, "/vary/enc", "max-age=3600");
  cacheit_test_server_set_header (fixture->server, "/vary/enc", "Vary", "Accept-Encoding");
  fetch_with_snapshot (fixture, "/vary/enc");
  g_assert_true (second_shows_snapshot (fixture, "/vary/enc"));
}

static void
test_snapshot_no_store (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) model = model_new (fixture, "/secret", TRUE);

  g_test_summary ("no-store is never written to disk, even under CACHEIT_SNAPSHOT_ALL "
                  "(RFC 9111 5.2.2.5)");

  serve (fixture, "/secret", "no-store");
  cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
  /* A response written after it goes through the same thread: when it is
   * there, the first would be too. */
  serve (fixture, "/after", "max-age=60");
  fetch_with_snapshot (fixture, "/after");
  g_assert_false (has_snapshot (fixture, "/secret"));
}

static void
on_request_authorize (CacheitResource *resource,
                      SoupMessage     *message,
                      gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer t");
}

static void
test_snapshot_authorized_public (Fixture       *fixture,
                                 gconstpointer  data)
{
  const char *const directives[] = { "public, max-age=60", "s-maxage=60", "max-age=60", "private, public" };
  const gboolean kept[] = { TRUE, TRUE, FALSE, FALSE };

  g_test_summary ("Under CACHEIT_SNAPSHOT_SHAREABLE, a response to a request with "
                  "Authorization is kept on disk when it says public or s-maxage, not "
                  "otherwise, and never when it says private (RFC 9111 3.5)");

  for (guint i = 0; i < G_N_ELEMENTS (directives); i++)
    {
      g_autofree char *path = g_strdup_printf ("/auth/%u", i);
      g_autofree char *marker = g_strdup_printf ("/auth/%u/marker", i);
      g_autoptr(CacheitModel) model = model_new (fixture, path, TRUE);

      cacheit_resource_set_snapshot_policy (R (model), CACHEIT_SNAPSHOT_SHAREABLE);
      g_signal_connect (model, "request", G_CALLBACK (on_request_authorize), NULL);
      serve (fixture, path, directives[i]);
      cacheit_test_fetch_ok (model, CACHEIT_FETCH_NONE);
      /* A marker written after it says the thread got that far. */
      serve (fixture, marker, "max-age=60");
      fetch_with_snapshot (fixture, marker);
      g_assert_cmpint (has_snapshot (fixture, path), ==, kept[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/caching/stale/data-first", test_stale_data_first);
  ADD ("/cacheit/caching/stale/must-revalidate", test_must_revalidate);
  ADD ("/cacheit/caching/stale/while-revalidate-window", test_stale_while_revalidate_window);
  ADD ("/cacheit/caching/stale/if-error", test_stale_if_error);
  ADD ("/cacheit/caching/immutable", test_immutable);
  ADD ("/cacheit/caching/vary-any", test_vary_any);
  ADD ("/cacheit/caching/status-not-reused", test_status_not_reused);
  ADD ("/cacheit/caching/age-and-expires", test_age_and_expires);
  ADD ("/cacheit/caching/written/must-revalidate", test_written_must_revalidate);
  ADD ("/cacheit/caching/snapshot/must-revalidate", test_snapshot_must_revalidate);
  ADD ("/cacheit/caching/snapshot/disconnected", test_snapshot_disconnected);
  ADD ("/cacheit/caching/snapshot/vary", test_snapshot_vary);
  ADD ("/cacheit/caching/snapshot/no-store", test_snapshot_no_store);
  ADD ("/cacheit/caching/snapshot/authorized-public", test_snapshot_authorized_public);

  return g_test_run ();
}
