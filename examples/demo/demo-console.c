/* demo-console.c: the demo's scenario without a window, as a table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the window lets a user do, played in order: the list is asked for by
 * three views at once, then again; a record is selected twice; the server
 * becomes slow during a reload that others join; the next request fails; the
 * user reloads; the list is marked stale and asked for again. The server
 * sends an ETag, so every reload of data in hand is answered 304 Not
 * Modified. After each step a row shows the fetch calls made, the HTTP
 * requests sent, the bytes received and the longest main-loop stall, and
 * what happened. The demo checks what it sees against the fetch contract,
 * and exits with a non-zero status when they differ, so it doubles as a test
 * (`meson test --suite examples`).
 */

#include "demo.h"

typedef struct
{
  DemoServer        *server;
  CacheitCollection *records;
  DemoStats          stats;

  /* The step being run. */
  guint              pending;
  GAsyncResult      *first_result;
  gboolean           all_same;
  GError            *error;
  guint              items_changed;
  guint              syncs;
  guint              calls_before;
  guint              requests_before;
  guint64            bytes_before;

  gint64             longest_stall;
  gboolean           failed;
} Console;

static void
expect (Console    *console,
        gboolean    condition,
        const char *what)
{
  if (!condition)
    {
      g_printerr ("cacheit-demo: unexpected: %s\n", what);
      console->failed = TRUE;
    }
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Console    *console)
{
  console->items_changed++;
}

static void
sync_cb (CacheitResource *resource,
         Console         *console)
{
  console->syncs++;
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Console *console = user_data;
  g_autoptr(GError) error = NULL;

  if (console->first_result == NULL)
    console->first_result = g_object_ref (result);
  else if (console->first_result != result)
    console->all_same = FALSE;

  if (!cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error) &&
      console->error == NULL)
    console->error = g_steal_pointer (&error);

  console->pending--;
}

static void
step_begin (Console *console)
{
  g_clear_object (&console->first_result);
  g_clear_error (&console->error);
  console->all_same = TRUE;
  console->items_changed = 0;
  console->syncs = 0;
  console->calls_before = console->stats.fetch_calls;
  console->requests_before = console->stats.requests;
  console->bytes_before = console->stats.bytes;
  demo_stats_reset_stall (&console->stats);
}

static void
fetch (Console           *console,
       CacheitResource   *resource,
       CacheitFetchFlags  flags)
{
  console->pending++;
  demo_stats_fetch (&console->stats, resource, flags, fetch_cb, console);
}

static void
step_wait (Console *console)
{
  while (console->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Waits for a request with no callers: a background revalidation. */
static void
step_wait_background (Console         *console,
                      CacheitResource *resource)
{
  while (cacheit_resource_get_fetching (resource))
    g_main_context_iteration (NULL, TRUE);
}

/* "12:03:04.261", in local time; a dash before any data. */
static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *seconds = NULL;

  if (time == NULL)
    return g_strdup ("—");

  local = g_date_time_to_local (time);
  seconds = g_date_time_format (local, "%H:%M:%S");

  return g_strdup_printf ("%s.%03d", seconds, g_date_time_get_microsecond (local) / 1000);
}

#define ROW_FORMAT "  %-40s %5s %8s %9s %8s"

static void
print_header (void)
{
  g_print (ROW_FORMAT "\n", "step", "fetch", "HTTP", "received", "longest");
  g_print (ROW_FORMAT "\n", "", "calls", "requests", "", "stall");
  g_print (ROW_FORMAT "\n", "----------------------------------------", "-----",
           "--------", "---------", "--------");
}

/* Prints the step's row, then @what (lines separated by newlines) under it,
 * and checks the number of requests. */
static void
step_end (Console    *console,
          const char *step,
          guint       expected_requests,
          const char *what)
{
  guint calls = console->stats.fetch_calls - console->calls_before;
  guint requests = console->stats.requests - console->requests_before;
  g_autofree char *n_calls = g_strdup_printf ("%u", calls);
  g_autofree char *n_requests = g_strdup_printf ("%u", requests);
  g_autofree char *bytes = demo_format_bytes (console->stats.bytes - console->bytes_before);
  g_autofree char *stall = demo_format_ms (console->stats.longest_stall);
  g_auto(GStrv) lines = g_strsplit (what, "\n", -1);

  g_print (ROW_FORMAT "\n", step, n_calls, n_requests, bytes, stall);
  for (guint i = 0; lines[i] != NULL; i++)
    g_print ("      %s\n", lines[i]);

  console->longest_stall = MAX (console->longest_stall, console->stats.longest_stall);

  if (requests != expected_requests)
    {
      g_autofree char *message = g_strdup_printf ("step \"%s\" sent %u requests, not %u",
                                                  step, requests, expected_requests);
      expect (console, FALSE, message);
    }
  expect (console, console->all_same, "the callers of one fetch got different results");
}

static void
run_steps (Console *console)
{
  CacheitResource *records = CACHEIT_RESOURCE (console->records);
  GListModel *list = G_LIST_MODEL (console->records);
  guint n_records = demo_server_get_n_records (console->server);
  g_autoptr(DemoRecord) record = NULL;
  g_autofree char *what = NULL;
  g_autofree char *count = demo_format_count (n_records);
  g_autoptr(GDateTime) updated_before = NULL;
  GDateTime *updated_after;
  g_autofree char *updated_text = NULL;
  guint n_made;

  /* 1. Three parts of the application want the list at once. */
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  step_wait (console);
  n_made = demo_record_get_n_made ();
  expect (console, console->error == NULL, "the first fetch failed");
  expect (console, g_list_model_get_n_items (list) == n_records, "the list is not complete");
  what = g_strdup_printf ("coalesced: one request served the 3 callers, one GAsyncResult for all;\n"
                          "%s items in the list, %u row objects made (made on demand)",
                          count, n_made);
  step_end (console, "1 cold start: 3 views ask for the list", 1, what);
  g_clear_pointer (&what, g_free);
  expect (console, n_made == 0, "row objects were made before anyone asked");

  /* 2. And again, later. */
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  step_wait (console);
  step_end (console, "2 the list again, 2 callers", 0,
            "answered from the cache: no request, no signal");

  /* 3. The user selects record 42: the detail pane fetches its own URL,
   * collection-url/42. Selecting it again is answered from the cache. */
  record = DEMO_RECORD (cacheit_collection_get_by_id (console->records, "42"));
  step_begin (console);
  fetch (console, CACHEIT_RESOURCE (record), CACHEIT_FETCH_NONE);
  step_wait (console);
  expect (console, console->error == NULL, "the detail fetch failed");
  fetch (console, CACHEIT_RESOURCE (record), CACHEIT_FETCH_NONE);
  step_wait (console);
  expect (console, demo_record_get_description (record) != NULL, "the detail has no description");
  what = g_strdup_printf ("GET %s once; the second selection is cached;\n"
                          "\"%s\"",
                          strstr (strstr (cacheit_resource_get_url (CACHEIT_RESOURCE (record)), "//") + 2, "/"),
                          demo_record_get_description (record));
  step_end (console, "3 select record 42, then again", 1, what);
  g_clear_pointer (&what, g_free);

  /* 4. The server is slow: a reload is in flight, and two views join it. */
  demo_server_set_delay (console->server, 300);
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_RELOAD);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  step_wait (console);
  demo_server_set_delay (console->server, 0);
  expect (console, console->error == NULL, "the slow reload failed");
  expect (console, console->items_changed == 0, "a 304 emitted items-changed");
  expect (console, console->syncs == 0, "a 304 emitted sync");
  expect (console, cacheit_resource_get_status (records) == SOUP_STATUS_NOT_MODIFIED,
          "the reload of data in hand was not answered 304");
  step_end (console, "4 slow server: reload, 2 views join it", 1,
            "the server waited 300 ms, the main loop did not; one request,\n"
            "with If-None-Match: 304 Not Modified, no body read, nothing parsed,\n"
            "no items-changed, no signal on any row");

  /* 5. The next request fails. */
  demo_server_set_fail_next (console->server, TRUE);
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  expect (console, g_error_matches (console->error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS),
          "the failed reload did not report CACHEIT_ERROR_HTTP_STATUS");
  expect (console, g_list_model_get_n_items (list) == n_records, "the failure lost the data");
  expect (console, console->items_changed == 0, "the failure changed the list");
  what = g_strdup_printf ("CACHEIT_ERROR_HTTP_STATUS, status %u:\n\"%s\";\n"
                          "the list keeps its %s items",
                          cacheit_resource_get_status (records),
                          console->error != NULL ? console->error->message : "(none)",
                          count);
  step_end (console, "5 the next request fails: reload", 1, what);
  g_clear_pointer (&what, g_free);

  /* 6. The user reloads: a failure is not cached. */
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  expect (console, console->error == NULL, "the reload after the failure failed");
  expect (console, cacheit_resource_get_last_error (records) == NULL, "last-error is still set");
  step_end (console, "6 reload after the failure", 1,
            "a failure is not cached: a new request (a 304); last-error is cleared");

  /* 7. The application knows the list changed on the server: it marks it
   * stale, and two views ask for it. They are answered from the cache at
   * once, and one background request revalidates it. */
  updated_before = cacheit_resource_get_last_updated (records);
  expect (console, updated_before != NULL, "last-updated is not set");
  updated_before = updated_before != NULL ? g_date_time_ref (updated_before)
                                          : g_date_time_new_from_unix_utc (0);
  step_begin (console);
  cacheit_resource_invalidate (records);
  expect (console, cacheit_resource_get_stale (records), "invalidate() did not make the list stale");
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  step_wait (console);
  expect (console, console->error == NULL, "a fetch of stale data failed");
  step_wait_background (console, records);
  expect (console, !cacheit_resource_get_stale (records), "the list is still stale after the revalidation");
  expect (console, cacheit_resource_get_status (records) == SOUP_STATUS_NOT_MODIFIED,
          "the revalidation was not answered 304");
  expect (console, console->items_changed == 0 && console->syncs == 0,
          "the revalidation emitted a signal");
  updated_after = cacheit_resource_get_last_updated (records);
  expect (console, updated_after != NULL && g_date_time_compare (updated_after, updated_before) > 0,
          "the 304 did not move last-updated on");
  updated_text = format_time (updated_after);
  what = g_strdup_printf ("stale: both answered from the cache at once, and one request\n"
                          "in the background: 304, no signal; no longer stale;\n"
                          "last-updated moved on %.1f ms, to %s",
                          updated_after != NULL ? g_date_time_difference (updated_after, updated_before) / 1000.0 : 0.0,
                          updated_text);
  step_end (console, "7 invalidate, then 2 views ask again", 1, what);
  g_clear_pointer (&what, g_free);

  step_begin (console);
  g_clear_object (&console->first_result);
}

int
demo_console_run (DemoServer *server)
{
  Console console = { 0 };
  g_autofree char *size = demo_format_bytes (demo_server_get_list_size (server));
  g_autofree char *count = demo_format_count (demo_server_get_n_records (server));
  g_autofree char *calls = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *stall = NULL;
  g_autofree char *made = NULL;
  g_autofree char *updated = NULL;

  console.server = server;
  console.records = cacheit_collection_new (DEMO_TYPE_RECORD, demo_server_get_url (server));
  g_signal_connect (console.records, "items-changed", G_CALLBACK (items_changed_cb), &console);
  g_signal_connect (console.records, "sync", G_CALLBACK (sync_cb), &console);

  g_print ("cacheit-glib %s: a CacheitCollection of %s DemoRecords (%s of JSON)\n"
           "at %s, served by a SoupServer in its own thread.\n\n",
           CACHEIT_VERSION_S, count, size, demo_server_get_url (server));

  demo_stats_start_meter (&console.stats);
  print_header ();
  run_steps (&console);
  demo_stats_stop_meter (&console.stats);

  calls = g_strdup_printf ("%u", console.stats.fetch_calls);
  requests = g_strdup_printf ("%u", console.stats.requests);
  bytes = demo_format_bytes (console.stats.bytes);
  stall = demo_format_ms (console.longest_stall);
  made = demo_format_count (demo_record_get_n_made ());
  updated = format_time (cacheit_resource_get_last_updated (CACHEIT_RESOURCE (console.records)));
  g_print (ROW_FORMAT "\n", "", "-----", "--------", "---------", "--------");
  g_print (ROW_FORMAT "\n", "total", calls, requests, bytes, stall);
  g_print ("\n");
  g_print ("  fetch calls made         %u\n", console.stats.fetch_calls);
  g_print ("  HTTP requests sent       %u (the server saw %u; %u answered 304 Not Modified)\n",
           console.stats.requests, demo_server_get_n_requests (server),
           demo_server_get_n_not_modified (server));
  g_print ("  bytes received           %s\n", bytes);
  g_print ("  longest main-loop stall  %s\n", stall);
  g_print ("  last error               %s\n",
           console.stats.last_error != NULL ? console.stats.last_error->message : "none");
  g_print ("  row objects made         %s of %s\n", made, count);
  g_print ("  the list                 updated %s, %s (the server's max-age is %d s)\n",
           updated, cacheit_resource_get_stale (CACHEIT_RESOURCE (console.records)) ? "stale" : "fresh",
           DEMO_SERVER_MAX_AGE);

  expect (&console, console.stats.requests == demo_server_get_n_requests (server),
          "the request signals and the server disagree");
  expect (&console, console.stats.bytes > demo_server_get_list_size (server),
          "the bytes received were not counted");
  expect (&console, console.stats.not_modified == demo_server_get_n_not_modified (server),
          "the client and the server disagree on the 304s");

  g_signal_handlers_disconnect_by_data (console.records, &console);
  g_clear_object (&console.records);
  demo_stats_clear (&console.stats);

  /* Close the kept-alive connections, and let the closing finish, so that
   * leak checkers see a clean exit. */
  soup_session_abort (cacheit_get_default_session ());
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (console.failed)
    {
      g_printerr ("cacheit-demo: the library did not behave as documented\n");
      return 1;
    }

  return 0;
}
