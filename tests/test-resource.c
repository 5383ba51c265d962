/* test-resource.c: the fetch contract of CacheitResource (R1–R7), through
 * CacheitModel, against a real HTTP server on 127.0.0.1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

typedef struct
{
  CacheitTestServer *server;
  CacheitModel      *model;
  char              *url;
  guint              n_request;
  guint              n_sync;
  guint              n_error;
  guint              n_fetching_notify;
  guint              n_fetched_notify;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1, \"title\": \"first\"}");
  fixture->url = cacheit_test_server_url (fixture->server, "/item");
  fixture->model = cacheit_model_new (fixture->url);

  g_signal_connect (fixture->model, "request", G_CALLBACK (count_cb), &fixture->n_request);
  g_signal_connect (fixture->model, "sync", G_CALLBACK (count0_cb), &fixture->n_sync);
  g_signal_connect (fixture->model, "error", G_CALLBACK (count_cb), &fixture->n_error);
  g_signal_connect (fixture->model, "notify::fetching", G_CALLBACK (count_cb), &fixture->n_fetching_notify);
  g_signal_connect (fixture->model, "notify::fetched", G_CALLBACK (count_cb), &fixture->n_fetched_notify);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->model);
  cacheit_test_server_free (fixture->server);
  g_free (fixture->url);
  cacheit_test_drain ();
}

static CacheitResource *
resource (Fixture *fixture)
{
  return CACHEIT_RESOURCE (fixture->model);
}

/* Fetches and waits; asserts success. */
static void
fetch_ok (Fixture           *fixture,
          CacheitFetchFlags  flags)
{
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion c = { 0 };

  cacheit_resource_fetch_async (resource (fixture), flags, NULL, cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  cacheit_resource_fetch_finish (resource (fixture), c.result, &error);
  g_assert_no_error (error);
  cacheit_test_completion_clear (&c);
}

static void
test_r1_coalesce (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitTestCompletion c[3] = { { 0 } };

  g_test_summary ("R1: fetches while one is in flight join it; one HTTP request serves all");

  cacheit_test_server_hold (fixture->server, "/item");
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                  cacheit_test_completion_cb, &c[i]);
  g_assert_true (cacheit_resource_get_fetching (resource (fixture)));

  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_release (fixture->server, "/item"), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      cacheit_test_wait_until (c[i].done);
      g_assert_cmpuint (c[i].n_calls, ==, 1);
    }

  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (fixture->n_request, ==, 1);
  g_assert_cmpuint (fixture->n_sync, ==, 1);
  g_assert_false (cacheit_resource_get_fetching (resource (fixture)));
  g_assert_cmpuint (fixture->n_fetching_notify, ==, 2);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_completion_clear (&c[i]);
}

static void
test_no_callback (Fixture       *fixture,
                  gconstpointer  data)
{
  g_test_summary ("A fetch with no callback (GIO allows one) loads the data, "
                  "alone, joined, and answered from the cache, and runs nothing");
  g_test_bug ("issue 16: load_more_async (c, NULL, NULL, NULL) from an edge-reached handler crashed");

  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL, NULL, NULL);
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL, NULL, NULL);
  cacheit_test_wait_until (fixture->n_sync == 1);
  cacheit_test_drain ();
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);

  /* From the cache (R3: completed on a later iteration). */
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL, NULL, NULL);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);

  /* Joined by a caller that has one. */
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_RELOAD, NULL, NULL, NULL);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 2);
}

static void
test_r2_same_result (Fixture       *fixture,
                     gconstpointer  data)
{
  CacheitTestCompletion c[4] = { { 0 } };

  g_test_summary ("R2: every caller of one fetch gets the same GAsyncResult, "
                  "and fetch_finish gives the same answer every time");

  cacheit_test_server_hold (fixture->server, "/item");
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                  cacheit_test_completion_cb, &c[i]);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_test_server_release (fixture->server, "/item");

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_wait_until (c[i].done);

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      g_assert_true (c[i].result == c[0].result);
      for (guint k = 0; k < 3; k++)
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (cacheit_resource_fetch_finish (resource (fixture), c[i].result, &error));
          g_assert_no_error (error);
        }
      g_assert_true (g_async_result_is_tagged (c[i].result, cacheit_resource_fetch_async));
      g_assert_true (g_async_result_get_source_object (c[i].result) == G_OBJECT (fixture->model));
      g_object_unref (fixture->model); /* The reference get_source_object gave. */
    }

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_completion_clear (&c[i]);
}

static void
test_r2_same_error (Fixture       *fixture,
                    gconstpointer  data)
{
  CacheitTestCompletion c[3] = { { 0 } };

  g_test_summary ("R2, R5: every caller of a failed fetch gets the same result and error");

  cacheit_test_server_set (fixture->server, "/item", 503, "{}");
  cacheit_resource_set_retry_limit (resource (fixture), 0);
  cacheit_test_server_hold (fixture->server, "/item");
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                  cacheit_test_completion_cb, &c[i]);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_test_server_release (fixture->server, "/item");

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      g_autoptr(GError) error = NULL;

      cacheit_test_wait_until (c[i].done);
      g_assert_true (c[i].result == c[0].result);
      g_assert_false (cacheit_resource_fetch_finish (resource (fixture), c[i].result, &error));
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
      g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 503);
    }
  g_assert_cmpuint (fixture->n_error, ==, 1);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    cacheit_test_completion_clear (&c[i]);
}

static void
test_r3_cached (Fixture       *fixture,
                gconstpointer  data)
{
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion c = { 0 };

  g_test_summary ("R3: after a success, a fetch without reload makes no request and "
                  "completes with the same result on a later iteration, emitting nothing");

  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &first);
  cacheit_test_wait_until (first.done);
  g_assert_cmpuint (fixture->n_sync, ==, 1);

  for (guint i = 0; i < 100; i++)
    {
      cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                    cacheit_test_completion_cb, &c);
      /* Never from inside fetch_async. */
      g_assert_false (c.done);
      g_assert_false (cacheit_resource_get_fetching (resource (fixture)));
      cacheit_test_wait_until (c.done);
      g_assert_true (c.result == first.result);
      g_assert_true (cacheit_resource_fetch_finish (resource (fixture), c.result, NULL));
      cacheit_test_completion_clear (&c);
    }

  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);
  g_assert_cmpuint (fixture->n_request, ==, 1);
  g_assert_cmpuint (fixture->n_sync, ==, 1);
  g_assert_cmpuint (fixture->n_fetching_notify, ==, 2);
  g_assert_cmpuint (fixture->n_fetched_notify, ==, 1);

  cacheit_test_completion_clear (&first);
}

static void
test_r3_cached_in_callback (Fixture       *fixture,
                            gconstpointer  data)
{
  g_test_summary ("R3: a cached fetch started from a completion callback completes on a "
                  "later iteration too");

  fetch_ok (fixture, CACHEIT_FETCH_NONE);

  {
    CacheitTestCompletion c = { 0 };
    CacheitTestCompletion inner = { 0 };
    gboolean inner_done_inside = TRUE;

    cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                  cacheit_test_completion_cb, &c);
    cacheit_test_wait_until (c.done);
    cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                  cacheit_test_completion_cb, &inner);
    inner_done_inside = inner.done;
    g_assert_false (inner_done_inside);
    /* One iteration runs it: it was queued behind a new source. */
    g_main_context_iteration (NULL, FALSE);
    g_assert_true (inner.done);
    cacheit_test_completion_clear (&c);
    cacheit_test_completion_clear (&inner);
  }
}

static void
test_r4_reload_flag (Fixture       *fixture,
                     gconstpointer  data)
{
  g_test_summary ("R4: CACHEIT_FETCH_RELOAD always makes a new request");

  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1, \"title\": \"second\"}");
  fetch_ok (fixture, CACHEIT_FETCH_RELOAD);
  fetch_ok (fixture, CACHEIT_FETCH_RELOAD);

  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 3);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "second");
  /* sync means new data: the identical third response emits nothing. */
  g_assert_cmpuint (fixture->n_sync, ==, 2);
}

static void
test_r4_reload_property (Fixture       *fixture,
                         gconstpointer  data)
{
  g_test_summary ("R4: with the reload property set, every fetch makes a new request");

  cacheit_resource_set_reload (resource (fixture), TRUE);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 2);

  cacheit_resource_set_reload (resource (fixture), FALSE);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 2);
}

static void
record_title_cb (CacheitModel *model,
                 const char   *name,
                 GPtrArray    *titles)
{
  g_ptr_array_add (titles, g_strdup (cacheit_model_get_string (model, "title")));
}

static void
test_r4_supersede_in_flight (Fixture       *fixture,
                             gconstpointer  data)
{
  CacheitTestCompletion old_caller = { 0 };
  CacheitTestCompletion new_caller = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

  g_test_summary ("R4: a reload cancels the request in flight; its response is never "
                  "applied and its callers complete with the newest data");

  g_signal_connect (fixture->model, "changed::title", G_CALLBACK (record_title_cb), titles);

  cacheit_test_server_set (fixture->server, "/item", 200, "{\"title\": \"old\"}");
  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &old_caller);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);

  cacheit_test_server_set (fixture->server, "/item", 200, "{\"title\": \"new\"}");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_RELOAD, NULL,
                                cacheit_test_completion_cb, &new_caller);
  cacheit_test_server_wait_held (fixture->server, "/item", 2);
  /* Both answered: the old one with "old", the new one with "new". */
  cacheit_test_server_release (fixture->server, "/item");

  cacheit_test_wait_until (new_caller.done);
  cacheit_test_wait_until (old_caller.done);
  cacheit_test_drain ();

  g_assert_true (old_caller.result == new_caller.result);
  g_assert_true (cacheit_resource_fetch_finish (resource (fixture), old_caller.result, NULL));
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "new");
  g_assert_cmpuint (titles->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "new");
  g_assert_cmpuint (fixture->n_sync, ==, 1);
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_null (cacheit_resource_get_last_error (resource (fixture)));

  cacheit_test_completion_clear (&old_caller);
  cacheit_test_completion_clear (&new_caller);
}

typedef struct
{
  Fixture               *fixture;
  CacheitTestCompletion *completion;
  gboolean               reloaded;
} ReloadOnStatus;

static void
reload_on_status_cb (GObject    *object,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  ReloadOnStatus *ros = user_data;

  if (ros->reloaded)
    return;

  /* The old response has arrived; supersede it before it is read. */
  ros->reloaded = TRUE;
  cacheit_test_server_set (ros->fixture->server, "/item", 200, "{\"title\": \"new\"}");
  cacheit_resource_fetch_async (resource (ros->fixture), CACHEIT_FETCH_RELOAD, NULL,
                                cacheit_test_completion_cb, ros->completion);
}

static void
test_r4_supersede_arrived (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitTestCompletion old_caller = { 0 };
  CacheitTestCompletion new_caller = { 0 };
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  ReloadOnStatus ros = { fixture, &new_caller, FALSE };

  g_test_summary ("R4: a response that has already arrived when a reload supersedes it "
                  "is never applied");

  g_signal_connect (fixture->model, "changed::title", G_CALLBACK (record_title_cb), titles);
  cacheit_test_server_set (fixture->server, "/item", 200, "{\"title\": \"old\"}");
  g_signal_connect (fixture->model, "notify::status", G_CALLBACK (reload_on_status_cb), &ros);

  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &old_caller);
  cacheit_test_wait_until (old_caller.done);
  cacheit_test_wait_until (new_caller.done);

  g_assert_true (ros.reloaded);
  g_assert_true (old_caller.result == new_caller.result);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 2);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "new");
  g_assert_cmpuint (titles->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (titles, 0), ==, "new");
  g_assert_cmpuint (fixture->n_sync, ==, 1);

  cacheit_test_completion_clear (&old_caller);
  cacheit_test_completion_clear (&new_caller);
}

static void
test_r5_failure_keeps_data (Fixture       *fixture,
                            gconstpointer  data)
{
  CacheitTestCompletion c = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *before;
  const GError *last;

  g_test_summary ("R5: a failed fetch reports the error, emits error, sets last-error "
                  "and keeps the last good data; the failure is not cached");

  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  before = cacheit_model_get_attributes (fixture->model);

  cacheit_test_server_set (fixture->server, "/item", 500, "{\"error\": \"boom\"}");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_RELOAD, NULL,
                                cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  g_assert_false (cacheit_resource_fetch_finish (resource (fixture), c.result, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (cacheit_resource_get_status (resource (fixture)), ==, 500);
  g_assert_nonnull (strstr (error->message, "500"));
  g_assert_nonnull (strstr (error->message, fixture->url));
  g_assert_cmpuint (fixture->n_error, ==, 1);

  last = cacheit_resource_get_last_error (resource (fixture));
  g_assert_error (last, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (last), ==, 500);

  /* The data is exactly as it was. */
  g_assert_true (cacheit_model_get_attributes (fixture->model) == before);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");
  g_assert_true (cacheit_resource_get_fetched (resource (fixture)));
  cacheit_test_completion_clear (&c);

  /* Not cached: the next plain fetch makes a new request, and succeeds. */
  cacheit_test_server_set (fixture->server, "/item", 200, "{\"id\": 1, \"title\": \"again\"}");
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 3);
  g_assert_null (cacheit_resource_get_last_error (resource (fixture)));
  g_assert_cmpuint (cacheit_resource_get_status (resource (fixture)), ==, 200);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "again");
}

static void
error_order_cb (CacheitResource *resource,
                const GError    *error,
                gpointer         user_data)
{
  CacheitTestCompletion *c = user_data;

  /* Emitted before the callers' callbacks run. */
  g_assert_false (c->done);
}

static void
sync_order_cb (CacheitResource *resource,
               gpointer         user_data)
{
  CacheitTestCompletion *c = user_data;

  g_assert_false (c->done);
}

static void
test_signal_order (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitTestCompletion c = { 0 };

  g_test_summary ("sync and error are emitted before the callers' callbacks run");

  g_signal_connect (fixture->model, "sync", G_CALLBACK (sync_order_cb), &c);
  g_signal_connect (fixture->model, "error", G_CALLBACK (error_order_cb), &c);

  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  cacheit_test_completion_clear (&c);

  cacheit_test_server_set (fixture->server, "/item", 404, "{}");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_RELOAD, NULL,
                                cacheit_test_completion_cb, &c);
  cacheit_test_wait_until (c.done);
  cacheit_test_completion_clear (&c);
  g_assert_cmpuint (fixture->n_sync, ==, 1);
  g_assert_cmpuint (fixture->n_error, ==, 1);
}

static void
test_r6_cancel_one_caller (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitTestCompletion cancelled = { 0 };
  CacheitTestCompletion other = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("R6: a caller's cancellable completes that caller alone, promptly; "
                  "the request goes on for the others");

  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, cancellable,
                                cacheit_test_completion_cb, &cancelled);
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &other);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);

  g_cancellable_cancel (cancellable);
  /* Completes while the request is still held by the server. */
  cacheit_test_wait_until (cancelled.done);
  g_assert_false (other.done);
  g_assert_false (cacheit_resource_fetch_finish (resource (fixture), cancelled.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (cacheit_resource_get_fetching (resource (fixture)));

  cacheit_test_server_release (fixture->server, "/item");
  cacheit_test_wait_until (other.done);
  g_assert_true (cacheit_resource_fetch_finish (resource (fixture), other.result, NULL));
  g_assert_true (other.result != cancelled.result);
  g_assert_cmpuint (cancelled.n_calls, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);
  /* Cancelling a caller is not a failure. */
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_null (cacheit_resource_get_last_error (resource (fixture)));

  cacheit_test_completion_clear (&cancelled);
  cacheit_test_completion_clear (&other);
}

static void
test_r6_cancel_last_caller_aborts (Fixture       *fixture,
                                   gconstpointer  data)
{
  CacheitTestCompletion c = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("R6: the request is aborted when no caller is left; its response is "
                  "never applied");

  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, cancellable,
                                cacheit_test_completion_cb, &c);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);

  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (c.done);
  g_assert_false (cacheit_resource_fetch_finish (resource (fixture), c.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cacheit_resource_get_fetching (resource (fixture)));

  cacheit_test_server_release (fixture->server, "/item");
  cacheit_test_drain ();
  g_assert_false (cacheit_resource_get_fetched (resource (fixture)));
  g_assert_false (cacheit_model_has (fixture->model, "title"));
  g_assert_cmpuint (fixture->n_sync, ==, 0);
  g_assert_cmpuint (fixture->n_error, ==, 0);
  cacheit_test_completion_clear (&c);

  /* Nothing was cached: the next fetch makes a new request. */
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 2);
}

static void
test_r6_already_cancelled (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitTestCompletion c = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("R6: a caller cancelled before it calls completes cancelled, later, "
                  "and makes no request");

  g_cancellable_cancel (cancellable);
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, cancellable,
                                cacheit_test_completion_cb, &c);
  g_assert_false (c.done);
  cacheit_test_wait_until (c.done);
  g_assert_false (cacheit_resource_fetch_finish (resource (fixture), c.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->n_request, ==, 0);
  cacheit_test_completion_clear (&c);
}

static void
test_r6_cancel_carried_over (Fixture       *fixture,
                             gconstpointer  data)
{
  CacheitTestCompletion a = { 0 };
  CacheitTestCompletion b = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_test_summary ("R4, R6: a caller carried over to a newer request can still cancel");

  cacheit_test_server_hold (fixture->server, "/item");
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, cancellable,
                                cacheit_test_completion_cb, &a);
  cacheit_test_server_wait_held (fixture->server, "/item", 1);
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_RELOAD, NULL,
                                cacheit_test_completion_cb, &b);
  cacheit_test_server_wait_held (fixture->server, "/item", 2);

  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (a.done);
  g_assert_false (cacheit_resource_fetch_finish (resource (fixture), a.result, NULL));
  g_assert_true (cacheit_resource_get_fetching (resource (fixture)));

  cacheit_test_server_release (fixture->server, "/item");
  cacheit_test_wait_until (b.done);
  g_assert_true (cacheit_resource_fetch_finish (resource (fixture), b.result, NULL));
  g_assert_cmpuint (a.n_calls, ==, 1);

  cacheit_test_completion_clear (&a);
  cacheit_test_completion_clear (&b);
}

static void
sync_context_cb (CacheitResource *resource,
                 gpointer         user_data)
{
  GMainContext **context = user_data;

  *context = g_main_context_ref_thread_default ();
}

static void
test_r7_callback_context (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GMainContext) other = g_main_context_new ();
  g_autoptr(GMainContext) sync_context = NULL;
  CacheitTestCompletion c = { 0 };

  g_test_summary ("R7: the callback runs in the caller's thread-default context; signals "
                  "in the resource's own");

  g_signal_connect (fixture->model, "sync", G_CALLBACK (sync_context_cb), &sync_context);

  g_main_context_push_thread_default (other);
  cacheit_resource_fetch_async (resource (fixture), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c);
  g_main_context_pop_thread_default (other);

  /* The request, the data and sync happen in the resource's context... */
  cacheit_test_wait_until (sync_context != NULL);
  g_assert_true (sync_context == g_main_context_default ());
  cacheit_test_drain ();
  /* ...and the callback only when its own context runs. */
  g_assert_false (c.done);

  g_main_context_push_thread_default (other);
  cacheit_test_wait_until (c.done);
  g_main_context_pop_thread_default (other);
  g_assert_true (c.context == other);
  cacheit_test_completion_clear (&c);
}

typedef struct
{
  char     *url;
  gboolean  done;
  gboolean  ok;
  char     *title;
  gboolean  sync_in_thread;
} ThreadData;

static void
thread_sync_cb (CacheitResource *resource,
                gpointer         user_data)
{
  ThreadData *td = user_data;

  td->sync_in_thread = g_main_context_is_owner (g_main_context_get_thread_default ());
}

static gpointer
fetch_thread (gpointer user_data)
{
  ThreadData *td = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  model = cacheit_model_new (td->url);
  g_signal_connect (model, "sync", G_CALLBACK (thread_sync_cb), td);
  td->ok = cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  td->title = g_strdup (cacheit_model_get_string (model, "title"));
  /* Cached, in this thread too. */
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, NULL));
  g_clear_object (&model);
  g_main_context_pop_thread_default (context);

  g_atomic_int_set (&td->done, TRUE);
  g_main_context_wakeup (NULL);

  return NULL;
}

static void
test_r7_other_thread (Fixture       *fixture,
                      gconstpointer  data)
{
  ThreadData td = { fixture->url, FALSE, FALSE, NULL, FALSE };
  GThread *thread;

  g_test_summary ("R7: a resource created in another thread with its own context fetches "
                  "there, with the blocking fetch");

  thread = g_thread_new ("fetcher", fetch_thread, &td);
  /* This thread runs the server. */
  cacheit_test_wait_until (g_atomic_int_get (&td.done));
  g_thread_join (thread);

  g_assert_true (td.ok);
  g_assert_true (td.sync_in_thread);
  g_assert_cmpstr (td.title, ==, "first");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);
  g_free (td.title);
}

static void
test_blocking_fetch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("The blocking fetch works with no main loop running, caches, and reports errors");

  g_assert_true (cacheit_resource_fetch (resource (fixture), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");
  g_assert_true (cacheit_resource_fetch (resource (fixture), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/item"), ==, 1);

  cacheit_test_server_set (fixture->server, "/item", 404, "{}");
  g_assert_false (cacheit_resource_fetch (resource (fixture), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "first");
}

static void
add_auth_cb (CacheitResource *resource,
             SoupMessage     *message,
             gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer sekrit");
}

static void
test_request_signal (Fixture       *fixture,
                     gconstpointer  data)
{
  g_test_summary ("request is emitted for real requests only, and may change the message");

  g_signal_connect (fixture->model, "request", G_CALLBACK (add_auth_cb), NULL);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (fixture->n_request, ==, 1);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "Authorization"),
                   ==, "Bearer sekrit");
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/item", "Accept"),
                   ==, "application/json");
  fetch_ok (fixture, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (fixture->n_request, ==, 2);
}

static void
test_session_property (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  guint n_queued = 0;

  g_test_summary ("The session property chooses the session; NULL means the default one");

  g_assert_true (cacheit_resource_get_session (resource (fixture)) == cacheit_get_default_session ());
  g_signal_connect (session, "request-queued", G_CALLBACK (count_cb), &n_queued);
  cacheit_resource_set_session (resource (fixture), session);
  g_assert_true (cacheit_resource_get_session (resource (fixture)) == session);
  fetch_ok (fixture, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (n_queued, ==, 1);
  cacheit_resource_set_session (resource (fixture), NULL);
  g_assert_true (cacheit_resource_get_session (resource (fixture)) == cacheit_get_default_session ());
}

static void
test_dropped_while_fetching (Fixture       *fixture,
                             gconstpointer  data)
{
  CacheitTestCompletion c = { 0 };
  CacheitModel *model;

  g_test_summary ("A fetch in flight keeps its resource alive until its callers complete; "
                  "then nothing holds it");

  model = cacheit_model_new (fixture->url);
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &c);
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  g_object_unref (model);
  g_assert_nonnull (model);

  /* The callback gets the resource; once it returned, nothing holds it, not
   * even the cached result. */
  cacheit_test_wait_until (c.done);
  cacheit_test_drain ();
  g_assert_null (model);
  g_assert_null (g_async_result_get_source_object (c.result));
  cacheit_test_completion_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/resource/r1/coalesce", test_r1_coalesce);
  ADD ("/cacheit/resource/r1/no-callback", test_no_callback);
  ADD ("/cacheit/resource/r2/same-result", test_r2_same_result);
  ADD ("/cacheit/resource/r2/same-error", test_r2_same_error);
  ADD ("/cacheit/resource/r3/cached-no-request", test_r3_cached);
  ADD ("/cacheit/resource/r3/later-iteration-from-callback", test_r3_cached_in_callback);
  ADD ("/cacheit/resource/r4/reload-flag", test_r4_reload_flag);
  ADD ("/cacheit/resource/r4/reload-property", test_r4_reload_property);
  ADD ("/cacheit/resource/r4/supersede-in-flight-never-applied", test_r4_supersede_in_flight);
  ADD ("/cacheit/resource/r4/supersede-arrived-never-applied", test_r4_supersede_arrived);
  ADD ("/cacheit/resource/r5/failure-keeps-data", test_r5_failure_keeps_data);
  ADD ("/cacheit/resource/signals-before-callbacks", test_signal_order);
  ADD ("/cacheit/resource/r6/cancel-one-caller", test_r6_cancel_one_caller);
  ADD ("/cacheit/resource/r6/cancel-last-caller-aborts", test_r6_cancel_last_caller_aborts);
  ADD ("/cacheit/resource/r6/already-cancelled", test_r6_already_cancelled);
  ADD ("/cacheit/resource/r6/cancel-carried-over", test_r6_cancel_carried_over);
  ADD ("/cacheit/resource/r7/callback-context", test_r7_callback_context);
  ADD ("/cacheit/resource/r7/other-thread", test_r7_other_thread);
  ADD ("/cacheit/resource/blocking-fetch", test_blocking_fetch);
  ADD ("/cacheit/resource/request-signal", test_request_signal);
  ADD ("/cacheit/resource/session", test_session_property);
  ADD ("/cacheit/resource/dropped-while-fetching", test_dropped_while_fetching);

#undef ADD

  return g_test_run ();
}
