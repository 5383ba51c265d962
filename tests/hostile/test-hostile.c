/* test-hostile.c: a server that misbehaves, on purpose (R5, R6, R10, R12).
 *
 * Every fault gets a clear GError or correct data, the last good data stays
 * intact, nothing crashes and nothing leaks (the suite runs under valgrind
 * and ASan in CI). Every URL carries credentials (user info, and an
 * Authorization header added by the request signal): every message the run
 * logs, at any level (G_MESSAGES_DEBUG=all), every error and every
 * last-error is checked for them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <cacheit.h>

#ifdef HAVE_VALGRIND_H
# include <valgrind/valgrind.h>
#else
# define RUNNING_ON_VALGRIND 0
#endif

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "hostile-server.h"

#define USERINFO "alice:s3cr3t-pw"
#define AUTHORIZATION "Bearer t0k3n-s3cr3t"

static HostileServer *server;

/* Every message logged, from any thread. */
static GMutex log_lock;
static GPtrArray *log_lines;
static guint n_log_lines_checked;

static GLogWriterOutput
writer_cb (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (line, "%s=%s ", fields[i].key, (const char *) fields[i].value);

  g_mutex_lock (&log_lock);
  g_ptr_array_add (log_lines, g_string_free (g_steal_pointer (&line), FALSE));
  g_mutex_unlock (&log_lock);

  /* Debug lines are only collected; the rest is shown as usual. */
  if (log_level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
assert_no_credentials (const char *text)
{
  if (text == NULL)
    return;

  if (strstr (text, "s3cr3t") != NULL || strstr (text, "t0k3n") != NULL ||
      strstr (text, "alice") != NULL)
    g_error ("a credential leaked into: %s", text);
}

/* Checks the messages logged since the last check. */
static void
assert_log_clean (void)
{
  g_mutex_lock (&log_lock);
  for (; n_log_lines_checked < log_lines->len; n_log_lines_checked++)
    assert_no_credentials (g_ptr_array_index (log_lines, n_log_lines_checked));
  g_mutex_unlock (&log_lock);
}

static void
add_authorization_cb (CacheitResource *resource,
                      SoupMessage     *message,
                      gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", AUTHORIZATION);
}

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif
#ifndef UNDER_ASAN
# define UNDER_ASAN 0
#endif

/* The full counts in the plain build; fewer under valgrind (20 to 50 times
 * slower) and ASan with full stacks on every malloc (about 20 times). */
static guint
scaled (guint n)
{
  if (RUNNING_ON_VALGRIND)
    return MAX (n / 50, 10);
  if (UNDER_ASAN)
    return MAX (n / 10, 10);
  return n;
}

typedef struct
{
  CacheitModel *model;
  guint         n_error;
  guint         n_changed;
} Fixture;

static char *
url_for (const char *path)
{
  return hostile_server_url (server, USERINFO, path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *url = url_for ("/good/7");
  g_autoptr(GError) error = NULL;

  fixture->model = cacheit_model_new (url);
  /* Each fault is checked on one response: no retries. */
  cacheit_resource_set_retry_limit (CACHEIT_RESOURCE (fixture->model), 0);
  g_signal_connect (fixture->model, "request", G_CALLBACK (add_authorization_cb), NULL);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->model), CACHEIT_FETCH_NONE,
                                         NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "good 7");

  g_signal_connect (fixture->model, "error", G_CALLBACK (count_cb), &fixture->n_error);
  g_signal_connect (fixture->model, "changed", G_CALLBACK (count_cb), &fixture->n_changed);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->model);
  cacheit_test_drain ();
  assert_log_clean ();
}

/* The last good data, exactly. */
static void
assert_good_data (Fixture *fixture)
{
  g_assert_cmpint (cacheit_model_get_int (fixture->model, "id"), ==, 7);
  g_assert_cmpstr (cacheit_model_get_string (fixture->model, "title"), ==, "good 7");
  /* Of the URL it was fetched from: after a change of URL, a placeholder
   * (R13). */
  g_assert_true (cacheit_resource_get_fetched (CACHEIT_RESOURCE (fixture->model)) !=
                 cacheit_resource_get_placeholder (CACHEIT_RESOURCE (fixture->model)));
  g_assert_false (cacheit_resource_get_fetching (CACHEIT_RESOURCE (fixture->model)));
}

/* Reloads @url (or the hostile server's @path, with credentials), which
 * must fail: checks R5 and the credentials. Returns the error. */
static GError *
reload_expect_failure (Fixture    *fixture,
                       const char *path,
                       const char *url)
{
  CacheitResource *resource = CACHEIT_RESOURCE (fixture->model);
  g_autofree char *full = url != NULL ? g_strdup (url) : url_for (path);
  GError *error = NULL;
  const GError *last;
  guint n_error = fixture->n_error;

  cacheit_resource_set_url (resource, full);
  g_assert_false (cacheit_resource_fetch (resource, CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("%s: %s %d: %s", path, g_quark_to_string (error->domain), error->code,
                  error->message);
  assert_no_credentials (error->message);

  last = cacheit_resource_get_last_error (resource);
  g_assert_nonnull (last);
  g_assert_true (last->domain == error->domain && last->code == error->code);
  g_assert_cmpstr (last->message, ==, error->message);
  g_assert_cmpuint (fixture->n_error, ==, n_error + 1);

  assert_good_data (fixture);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
  assert_log_clean ();

  return error;
}

static void
test_closed_mid_body (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: a connection closed mid-body fails with G_IO_ERROR, data kept");

  error = reload_expect_failure (fixture, "/drop", NULL);
  g_assert_true (error->domain == G_IO_ERROR);
}

static void
test_truncated_chunked (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: chunked encoding cut in a chunk fails, data kept");

  error = reload_expect_failure (fixture, "/chunked-cut", NULL);
}

static void
test_garbage_status_line (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: a status line that is not HTTP fails, data kept");

  error = reload_expect_failure (fixture, "/garbage", NULL);
}

static void
test_empty_reply (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: a connection closed before a byte fails, data kept");

  error = reload_expect_failure (fixture, "/empty-reply", NULL);
}

static void
test_redirect_loop (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: a redirect loop fails with libsoup's error, unchanged, data kept");

  error = reload_expect_failure (fixture, "/redirect-loop", NULL);
  g_assert_error (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS);
}

static void
test_tls_self_signed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *url = hostile_server_tls_url (server, "/good/8");
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: a self-signed certificate fails with G_TLS_ERROR, unchanged, data kept");

  error = reload_expect_failure (fixture, "(tls)", url);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_invalid_utf8 (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: strings that are not UTF-8 fail with CACHEIT_ERROR_INVALID_JSON");

  error = reload_expect_failure (fixture, "/bad-utf8", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: an HTML page with 200 fails with CACHEIT_ERROR_INVALID_JSON");

  error = reload_expect_failure (fixture, "/not-json", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
}

static void
test_status_500 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: 500 with a JSON body fails with CACHEIT_ERROR_HTTP_STATUS");

  error = reload_expect_failure (fixture, "/status-500", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 500);
}

static void
test_numbers_out_of_range (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R5: numbers out of every range (1e400, 2^64) fail with "
                  "CACHEIT_ERROR_INVALID_JSON");

  error = reload_expect_failure (fixture, "/numbers", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
}

static void
test_headers_flood (Fixture       *fixture,
                    gconstpointer  data)
{
  CacheitResource *resource = CACHEIT_RESOURCE (fixture->model);
  g_autofree char *url = url_for ("/headers-flood");
  g_autoptr(GError) error = NULL;

  g_test_summary ("10,000 response headers: a clear error or the data, nothing else");

  cacheit_resource_set_url (resource, url);
  if (cacheit_resource_fetch (resource, CACHEIT_FETCH_RELOAD, NULL, &error))
    g_assert_cmpint (cacheit_model_get_int (fixture->model, "id"), ==, 1);
  else
    {
      g_test_message ("headers flood: %s", error->message);
      assert_no_credentials (error->message);
      assert_good_data (fixture);
    }
}

static gsize
vm_high_water_mark (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line != NULL ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) * 1024 : 0;
}

static void
test_gzip_bomb (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize before = vm_high_water_mark ();
  gsize after;

  g_test_summary ("R12: gzip that inflates to 64 MiB fails at a max-size of 1 MiB, "
                  "with memory bounded");

  cacheit_resource_set_max_size (CACHEIT_RESOURCE (fixture->model), 1024 * 1024);
  error = reload_expect_failure (fixture, "/gzip-bomb", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);

  after = vm_high_water_mark ();
  g_test_message ("peak resident memory grew by %" G_GSIZE_FORMAT " KiB", (after - before) / 1024);
  if (!RUNNING_ON_VALGRIND)
    g_assert_cmpuint (after - before, <, 16 * 1024 * 1024);
}

static void
test_huge_content_length (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("R12: a Content-Length of 2^63 - 1 over max-size fails with "
                  "CACHEIT_ERROR_TOO_LARGE before a byte is read");

  error = reload_expect_failure (fixture, "/huge-length", NULL);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);
}

static void
test_huge_content_length_no_limit (void)
{
  g_test_summary ("R12: a Content-Length of 2^63 - 1 with max-size G_MAXUINT64 fails "
                  "cleanly, allocating nothing of that size");
  g_test_bug ("hardening: the reader allocated the whole Content-Length at once "
              "(fuzz/README.md)");

  if (g_test_subprocess ())
    {
      g_autofree char *url = url_for ("/huge-length");
      g_autoptr(CacheitModel) model = cacheit_model_new (url);
      g_autoptr(GError) error = NULL;

      cacheit_resource_set_max_size (CACHEIT_RESOURCE (model), G_MAXUINT64);
      g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD,
                                              NULL, &error));
      g_assert_nonnull (error);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

typedef struct
{
  gboolean  done;
  gint64    completed_at;
  GError   *error;
} Completion;

static void
drip_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Completion *completion = user_data;

  cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &completion->error);
  completion->completed_at = g_get_monotonic_time ();
  completion->done = TRUE;
}

static void
test_drip_cancelled (Fixture       *fixture,
                     gconstpointer  data)
{
  CacheitResource *resource = CACHEIT_RESOURCE (fixture->model);
  g_autofree char *url = url_for ("/drip");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Completion completion = { FALSE, 0, NULL };
  guint written = hostile_server_drip_written (server);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gint64 cancelled_at;

  g_test_summary ("R6: a body that drips one byte a second: a cancelled caller returns "
                  "at once with G_IO_ERROR_CANCELLED, data kept");

  cacheit_resource_set_url (resource, url);
  cacheit_resource_fetch_async (resource, CACHEIT_FETCH_RELOAD, cancellable, drip_done_cb,
                                &completion);

  /* Until the first bytes arrived and the client waits for the next. */
  while (hostile_server_drip_written (server) < written + 2 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  g_assert_false (completion.done);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (completion.done);

  g_test_message ("completed %" G_GINT64_FORMAT " µs after the cancel",
                  completion.completed_at - cancelled_at);
  g_assert_cmpint (completion.completed_at - cancelled_at, <, G_USEC_PER_SEC / 2);
  g_assert_error (completion.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&completion.error);
  assert_good_data (fixture);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_object_ids (void)
{
  g_autofree char *url = url_for ("/object-ids");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) found = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("R10: ids that are objects, arrays, null or booleans are no ids: each "
                  "such item is an item of its own, in order");

  g_signal_connect (collection, "request", G_CALLBACK (add_authorization_cb), NULL);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE,
                                         NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (collection), i);

      g_assert_cmpint (cacheit_model_get_int (item, "n"), ==, i);
    }
  found = cacheit_collection_get_by_id (collection, "5");
  g_assert_nonnull (found);
  g_assert_cmpint (cacheit_model_get_int (found, "n"), ==, 5);
  g_clear_object (&found);
  found = cacheit_collection_get_by_id (collection, "{\"a\": 1}");
  g_assert_null (found);

  cacheit_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&collection));
  assert_log_clean ();
}

/* A collection whose parse() is overridden: the slow path, through a
 * JsonNode. */
#define TEST_TYPE_PARSED_COLLECTION (test_parsed_collection_get_type ())
G_DECLARE_FINAL_TYPE (TestParsedCollection, test_parsed_collection, TEST, PARSED_COLLECTION,
                      CacheitCollection)

struct _TestParsedCollection
{
  CacheitCollection parent_instance;
};

G_DEFINE_FINAL_TYPE (TestParsedCollection, test_parsed_collection, CACHEIT_TYPE_COLLECTION)

static JsonNode *
test_parsed_collection_parse (CacheitResource  *resource,
                              JsonNode         *response,
                              GError          **error)
{
  return json_node_ref (response);
}

static void
test_parsed_collection_class_init (TestParsedCollectionClass *klass)
{
  CACHEIT_RESOURCE_CLASS (klass)->parse = test_parsed_collection_parse;
}

static void
test_parsed_collection_init (TestParsedCollection *self)
{
}

static void
test_parse_big_double (void)
{
  g_autofree char *url = url_for ("/big-double");
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_test_summary ("A collection with parse() overridden takes valid JSON with doubles such "
                  "as 1e22, as the fast path does");
  g_test_bug ("hardening: collection_from_node() wrote the node back with JsonGenerator, "
              "which writes 1e22 as \"1e+22.0\"");

  collection = g_object_new (TEST_TYPE_PARSED_COLLECTION, "url", url, NULL);
  ok = cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 2);

  cacheit_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&collection));
  assert_log_clean ();
}

/* The faults, and what a fetch of each must give. */
static const char *fault_paths[] = {
  "/drop", "/chunked-cut", "/garbage", "/empty-reply", "/bad-utf8", "/numbers",
  "/not-json", "/status-500", "/huge-length", "/gzip-bomb", "/headers-flood", "/nothing",
};

typedef struct
{
  guint     n_pending;
  guint     n_good;
  guint     n_failed;
} Load;

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;
  CacheitModel *model = CACHEIT_MODEL (object);
  g_autoptr(GError) error = NULL;
  guint i = GPOINTER_TO_UINT (g_object_get_data (object, "index"));

  if (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (model), result, &error))
    {
      g_assert_true (i % 2 == 0);
      g_assert_cmpint (cacheit_model_get_int (model, "id"), ==, i);
      load->n_good++;
    }
  else
    {
      g_assert_true (i % 2 == 1 || g_str_equal (fault_paths[(i / 2) % G_N_ELEMENTS (fault_paths)],
                                                 "/headers-flood"));
      assert_no_credentials (error->message);
      g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (model)));
      load->n_failed++;
    }
  load->n_pending--;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("timed out with %u fetches pending", ((Load *) user_data)->n_pending);
  return G_SOURCE_REMOVE;
}

static void
test_many_resources (void)
{
  guint n = scaled (1000);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);
  Load load = { 0, 0, 0 };
  guint timeout;

  g_test_summary ("1,000 resources fetching at once, half of them from faults: each gets "
                  "its own data or a clear error");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *url = NULL;
      CacheitModel *model;

      if (i % 2 == 0)
        path = g_strdup_printf ("/good/%u", i);
      else
        path = g_strdup (fault_paths[(i / 2) % G_N_ELEMENTS (fault_paths)]);
      url = url_for (path);
      model = cacheit_model_new (url);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (model), 1024 * 1024);
      /* Faults that are transient are retried: quickly, to soak that path too. */
      cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (model), 1);
      g_object_set_data (G_OBJECT (model), "index", GUINT_TO_POINTER (i));
      g_signal_connect (model, "request", G_CALLBACK (add_authorization_cb), NULL);
      g_ptr_array_add (models, model);
    }

  for (guint i = 0; i < n; i++)
    {
      load.n_pending++;
      cacheit_resource_fetch_async (g_ptr_array_index (models, i), CACHEIT_FETCH_NONE, NULL,
                                    load_done_cb, &load);
    }

  timeout = g_timeout_add_seconds (RUNNING_ON_VALGRIND ? 600 : 120, timeout_cb, &load);
  while (load.n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  g_test_message ("%u good, %u failed", load.n_good, load.n_failed);
  g_assert_cmpuint (load.n_good, ==, (n + 1) / 2);

  cacheit_test_drain ();
  while (models->len > 0)
    g_assert_finalize_object (g_ptr_array_steal_index (models, models->len - 1));
  assert_log_clean ();
}

static void
test_mix (Fixture       *fixture,
          gconstpointer  data)
{
  CacheitResource *resource = CACHEIT_RESOURCE (fixture->model);
  guint n = scaled (10000);
  guint n_good = 0;
  guint n_failed = 0;
  gint64 last_good = 7;

  g_test_summary ("10,000 fetches of one resource from a mix of every fault and good data: "
                  "each gives its data or an error, and the last good data stays");

  cacheit_resource_set_max_size (resource, 1024 * 1024);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *url = NULL;
      g_autoptr(GError) error = NULL;
      /* Every fault in turn, with good data every third fetch. */
      gboolean good = i % 3 == 0;

      if (good)
        path = g_strdup_printf ("/good/%u", 1000 + i);
      else if (i % 997 == 1)
        path = g_strdup ("/redirect-loop");
      else
        path = g_strdup (fault_paths[i % G_N_ELEMENTS (fault_paths)]);
      url = url_for (path);
      cacheit_resource_set_url (resource, url);

      if (cacheit_resource_fetch (resource, CACHEIT_FETCH_RELOAD, NULL, &error))
        {
          g_assert_true (good || g_str_equal (path, "/headers-flood"));
          last_good = cacheit_model_get_int (fixture->model, "id");
          if (good)
            g_assert_cmpint (last_good, ==, 1000 + i);
          n_good++;
        }
      else
        {
          g_assert_false (good);
          assert_no_credentials (error->message);
          assert_no_credentials (cacheit_resource_get_last_error (resource)->message);
          g_assert_cmpint (cacheit_model_get_int (fixture->model, "id"), ==, last_good);
          n_failed++;
        }
    }

  g_test_message ("%u good, %u failed", n_good, n_failed);
  g_assert_cmpuint (n_good + n_failed, ==, n);
}

static void
test_credentials (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *authorization = NULL;

  g_test_summary ("The user info of a URL and an Authorization header appear in no error, "
                  "last-error or log line (G_MESSAGES_DEBUG=all) of the whole run");

  /* The header reached the server: the credentials were there to leak. */
  authorization = hostile_server_dup_last_authorization (server);
  g_assert_cmpstr (authorization, ==, AUTHORIZATION);

  /* Every line logged by every test so far, this one last. */
  assert_log_clean ();
  g_test_message ("%u log lines checked", n_log_lines_checked);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_log_set_writer_func (writer_cb, NULL, NULL);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* In TAP mode g_test_init() sends unstructured messages (GIO's, libsoup's
   * g_debug()) to a handler of its own, which would bypass the writer: send
   * them back through it. */
  g_log_set_default_handler (g_log_default_handler, NULL);

  {
    g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "self-signed.pem", NULL);

    server = hostile_server_new (pem);
  }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/hostile/r5/closed-mid-body", test_closed_mid_body);
  ADD ("/cacheit/hostile/r5/truncated-chunked", test_truncated_chunked);
  ADD ("/cacheit/hostile/r5/garbage-status-line", test_garbage_status_line);
  ADD ("/cacheit/hostile/r5/empty-reply", test_empty_reply);
  ADD ("/cacheit/hostile/r5/redirect-loop", test_redirect_loop);
  ADD ("/cacheit/hostile/r5/tls-self-signed", test_tls_self_signed);
  ADD ("/cacheit/hostile/r5/invalid-utf8", test_invalid_utf8);
  ADD ("/cacheit/hostile/r5/not-json", test_not_json);
  ADD ("/cacheit/hostile/r5/status-500", test_status_500);
  ADD ("/cacheit/hostile/r5/numbers-out-of-range", test_numbers_out_of_range);
  ADD ("/cacheit/hostile/r5/headers-flood", test_headers_flood);
  ADD ("/cacheit/hostile/r6/drip-cancelled", test_drip_cancelled);
  ADD ("/cacheit/hostile/r12/gzip-bomb", test_gzip_bomb);
  ADD ("/cacheit/hostile/r12/huge-content-length", test_huge_content_length);
  g_test_add_func ("/cacheit/hostile/r12/huge-content-length-no-limit", test_huge_content_length_no_limit);
  g_test_add_func ("/cacheit/hostile/r10/object-ids", test_object_ids);
  g_test_add_func ("/cacheit/hostile/r5/parse-override-big-double", test_parse_big_double);
  g_test_add_func ("/cacheit/hostile/load/1000-resources", test_many_resources);
  ADD ("/cacheit/hostile/load/10000-fetches-mixed", test_mix);
  ADD ("/cacheit/hostile/credentials/never-logged", test_credentials);

#undef ADD

  status = g_test_run ();

  hostile_server_free (server);
  g_ptr_array_unref (log_lines);

  return status;
}
