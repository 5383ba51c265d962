/* demo-console.c: the demo's scenario without a window, as a table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the window lets a user do, played in order: the list is asked for by
 * three views at once, then again; a record is selected twice; the server
 * becomes slow during a reload that others join; the next request fails; the
 * user reloads; the list is marked stale and asked for again. Then the
 * same records in pages of 2,000, as GitHub or Mastodon serve a list (a
 * Link header to the next page, X-Total-Count): two views ask for the first
 * page, load_more is called twice at once and once more, a page fails and
 * is asked for again, the pages are reloaded (a 304 on the first page keeps
 * them all), a record is renamed and the pages reloaded (a new first page:
 * the later pages are dropped). Last, the selected record is renamed, then
 * renamed to nothing, which the server refuses, and the list is reloaded.
 * The server sends an ETag, so every reload of data in
 * hand is answered 304 Not Modified. After each step a row shows the fetch
 * calls made, the HTTP requests sent, the bytes received and the longest
 * main-loop stall, and what happened. The demo checks what it sees against
 * the fetch contract, and exits with a non-zero status when they differ, so
 * it doubles as a test (`meson test --suite examples`).
 *
 * The library keeps a snapshot of the list on disk, by URL: the first run
 * fetches it from the server, a second run (same port, same cache
 * directory) shows it from disk before the server has answered, then
 * revalidates it. The time from the first fetch call to the first row
 * (items-changed with items added) is printed, with where the rows came
 * from. The scenario runs in a GApplication, which the library holds while
 * a snapshot is being written: the last writes are done before it exits.
 *
 * Every resource comes from one CacheitClient, at the server's base URI,
 * and the server wants a bearer token: a DemoAuth (demo-auth.c) answers the
 * client's ::authenticate by signing in at the server's /auth/token before
 * the first request, and refreshes the token when the server answers 401
 * to it. A line is printed at the sign-in and at each refresh (never the
 * token). A refresh changes no figure: the requests refused go again, and
 * the server does not count its 401s. With a short --token-lifetime (at
 * most SHORT_LIFETIME s), step 6 first waits for the token to expire, so
 * that its reload meets a 401, a refresh and the same request again.
 */

#include "demo.h"

/* A token lifetime, in seconds, short enough for step 6 to wait for it. */
#define SHORT_LIFETIME 5

typedef struct
{
  DemoServer        *server;
  CacheitClient     *client;
  DemoAuth          *auth;
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

  /* The first row: how long after the first fetch call, and from where. */
  gint64             first_fetch_time;
  gint64             first_row_time;
  CacheitOrigin      first_row_origin;

  /* The signals of a save, as they come: "at once" (before save_async()
   * returned), then "the answer". */
  GPtrArray         *at_once;
  GPtrArray         *answer;
  GPtrArray         *phase;
  gboolean           saved;
  DemoRecord        *record;

  /* The list in pages: what each step asked the server for, and the
   * items-changed it emitted. */
  CacheitCollection *pages;
  GPtrArray         *asked;
  GPtrArray         *pages_changed;
} Console;

#define PER_PAGE 2000

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

  if (added > 0 && console->first_row_time == 0)
    console->first_row_time = g_get_monotonic_time ();

  if (console->phase != NULL)
    g_ptr_array_add (console->phase, g_strdup_printf ("items-changed (%u, %u, %u)",
                                                      position, removed, added));
}

/* Where the first rows came from: the first origin the list has. (During
 * the items-changed that brings them, origin is not set yet.) */
static void
origin_cb (CacheitResource *resource,
           GParamSpec      *pspec,
           Console         *console)
{
  if (console->first_row_origin == CACHEIT_ORIGIN_NONE)
    console->first_row_origin = cacheit_resource_get_origin (resource);
}

static void
sync_cb (CacheitResource *resource,
         Console         *console)
{
  console->syncs++;
}

/* A call of the step completed with @result: whether every caller got the
 * same one, and the step's first error (@error, taken). */
static void
call_done (Console      *console,
           GAsyncResult *result,
           GError       *error)
{
  if (console->first_result == NULL)
    console->first_result = g_object_ref (result);
  else if (console->first_result != result)
    console->all_same = FALSE;

  if (error != NULL && console->error == NULL)
    console->error = error;
  else
    g_clear_error (&error);

  console->pending--;
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError *error = NULL;

  cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error);
  call_done (user_data, result, error);
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
  if (console->first_fetch_time == 0)
    console->first_fetch_time = g_get_monotonic_time ();
  console->pending++;
  demo_stats_fetch (&console->stats, resource, flags, fetch_cb, console);
}

static void
load_more_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError *error = NULL;

  cacheit_collection_load_more_finish (CACHEIT_COLLECTION (object), result, &error);
  call_done (user_data, result, error);
}

static void
load_more (Console *console)
{
  console->pending++;
  demo_stats_load_more (&console->stats, console->pages, load_more_cb, console);
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
  guint calls;
  guint requests;
  g_autofree char *n_calls = NULL;
  g_autofree char *n_requests = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *stall = NULL;
  g_auto(GStrv) lines = NULL;

  /* The messages' "finished", which counts the bytes of a body, may come
   * after the fetch completed. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  calls = console->stats.fetch_calls - console->calls_before;
  requests = console->stats.requests - console->requests_before;
  n_calls = g_strdup_printf ("%u", calls);
  n_requests = g_strdup_printf ("%u", requests);
  bytes = demo_format_bytes (console->stats.bytes - console->bytes_before);
  stall = demo_format_ms (console->stats.longest_stall);
  lines = g_strsplit (what, "\n", -1);

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

/* "disk", "the network": where the data of a resource came from. */
static const char *
origin_text (CacheitOrigin origin)
{
  switch (origin)
    {
    case CACHEIT_ORIGIN_DISK:
      return "disk";
    case CACHEIT_ORIGIN_NETWORK:
      return "the network";
    case CACHEIT_ORIGIN_NONE:
    default:
      return "nowhere";
    }
}

/* "12.3 ms after the first fetch call, from disk". */
static char *
format_first_row (Console *console)
{
  g_autofree char *time = NULL;

  if (console->first_row_time == 0)
    return g_strdup ("none yet");

  time = demo_format_ms (console->first_row_time - console->first_fetch_time);

  return g_strdup_printf ("%s after the first fetch call, from %s", time,
                          origin_text (console->first_row_origin));
}

/* The signals of a save */

static void
log_signal (Console *console,
            char    *text)
{
  if (console->phase != NULL)
    g_ptr_array_add (console->phase, text);
  else
    g_free (text);
}

static void
record_changed_cb (CacheitModel *model,
                   const char   *name,
                   Console      *console)
{
  JsonNode *value = cacheit_model_get_attribute (model, name);
  g_autofree char *text = value != NULL ? json_to_string (value, FALSE) : g_strdup ("(unset)");

  log_signal (console, g_strdup_printf ("changed::%s %s", name, text));
}

static void
record_notify_cb (GObject    *object,
                  GParamSpec *pspec,
                  Console    *console)
{
  log_signal (console, g_strdup_printf ("notify::%s", pspec->name));
}

static void
saving_cb (CacheitResource *resource,
           GParamSpec      *pspec,
           Console         *console)
{
  log_signal (console, g_strdup_printf ("saving %s",
                                        cacheit_resource_get_saving (resource) ? "TRUE" : "FALSE"));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Console *console = user_data;
  g_autoptr(GError) error = NULL;

  console->saved = cacheit_model_save_finish (CACHEIT_MODEL (object), result, &error);
  if (!console->saved)
    console->error = g_steal_pointer (&error);
  log_signal (console, g_strdup_printf ("save_finish () %s", console->saved ? "TRUE" : "FALSE"));

  console->pending--;
}

/* Saves @name as the name of the record with a PATCH, and waits for the
 * answer; returns the name the record had when save_async() returned. */
static char *
save_name (Console    *console,
           const char *name)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  char *shown;

  g_ptr_array_set_size (console->at_once, 0);
  g_ptr_array_set_size (console->answer, 0);
  json_object_set_string_member (changes, "name", name);

  console->phase = console->at_once;
  console->pending++;
  cacheit_model_save_async (CACHEIT_MODEL (console->record), changes, CACHEIT_SAVE_PATCH,
                            NULL, saved_cb, console);
  shown = g_strdup (demo_record_get_name (console->record));
  console->phase = console->answer;

  while (console->pending > 0 || cacheit_resource_get_saving (CACHEIT_RESOURCE (console->records)))
    g_main_context_iteration (NULL, TRUE);
  /* The message's "finished", which counts the bytes of the answer, may
   * come just after. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  console->phase = NULL;

  return shown;
}

static gboolean
logged (GPtrArray  *signals,
        const char *prefix)
{
  for (guint i = 0; i < signals->len; i++)
    if (g_str_has_prefix (signals->pdata[i], prefix))
      return TRUE;

  return FALSE;
}

/* "label  a, b, c", wrapped under the label. */
static void
append_signals (GString    *out,
                const char *label,
                GPtrArray  *signals)
{
  const guint indent = 12;
  guint column;

  const char *line;

  if (label != NULL)
    g_string_append_printf (out, "%-*s", indent, label);
  line = strrchr (out->str, '\n');
  column = (guint) g_utf8_strlen (line != NULL ? line + 1 : out->str, -1);
  if (signals->len == 0)
    g_string_append (out, "nothing");

  for (guint i = 0; i < signals->len; i++)
    {
      const char *text = signals->pdata[i];
      guint length = (guint) g_utf8_strlen (text, -1);

      if (i > 0 && column + 2 + length > 78)
        {
          g_string_append_printf (out, ",\n%*s", indent, "");
          column = indent;
        }
      else if (i > 0)
        {
          g_string_append (out, ", ");
          column += 2;
        }
      g_string_append (out, text);
      column += length;
    }
}

/* Signing in */

static void
auth_changed_cb (DemoAuth *auth,
                 Console  *console)
{
  DemoAuthState state = demo_auth_get_state (auth);

  if (state == DEMO_AUTH_SIGNED_IN && demo_auth_get_n_refreshes (auth) == 0)
    g_print ("  · signed in as %s (POST /auth/token): a bearer token valid %u s\n",
             demo_auth_get_user (auth), demo_auth_get_lifetime (auth));
  else if (state == DEMO_AUTH_FAILED)
    g_print ("  · signed out: %s\n", demo_auth_get_error (auth));
}

static void
auth_refreshed_cb (DemoAuth *auth,
                   Console  *console)
{
  g_autofree char *time = format_time (demo_auth_get_last_refresh (auth));

  g_print ("  · token refreshed (%u×) at %s: the server answered 401 to the old one;\n"
           "    the requests it refused went again\n",
           demo_auth_get_n_refreshes (auth), time);
}

static void
expired_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* With a short token lifetime, waits (in the main loop) until the token
 * has expired; returns whether it did. */
static gboolean
wait_for_expiry (Console *console)
{
  gint64 remaining = demo_auth_get_remaining_ms (console->auth);
  gboolean done = FALSE;

  if (demo_server_get_token_lifetime (console->server) > SHORT_LIFETIME || remaining == 0)
    return FALSE;

  g_print ("  · the token lifetime is short: waiting %.1f s for it to expire\n",
           (remaining + 100) / 1000.0);
  g_timeout_add_once ((guint) remaining + 100, expired_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  return TRUE;
}

/* The list in pages */

static void
pages_request_cb (CacheitResource *resource,
                  SoupMessage     *message,
                  Console         *console)
{
  GUri *uri = soup_message_get_uri (message);
  const char *query = g_uri_get_query (uri);

  g_ptr_array_add (console->asked, g_strdup_printf ("%s %s%s%s", soup_message_get_method (message),
                                                    g_uri_get_path (uri), query != NULL ? "?" : "",
                                                    query != NULL ? query : ""));
}

static void
pages_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Console    *console)
{
  g_ptr_array_add (console->pages_changed, g_strdup_printf ("items-changed (%u, %u, %u)",
                                                            position, removed, added));
}

static void
pages_step_begin (Console *console)
{
  step_begin (console);
  g_ptr_array_set_size (console->asked, 0);
  g_ptr_array_set_size (console->pages_changed, 0);
}

/* "GET /records?per_page=2000, GET /records?page=2&per_page=2000". */
static char *
format_asked (Console *console)
{
  char *text;

  g_ptr_array_add (console->asked, NULL);
  text = g_strjoinv (", ", (char **) console->asked->pdata);
  g_ptr_array_remove_index (console->asked, console->asked->len - 1);

  return text;
}

static gboolean
asked_only (Console    *console,
            const char *request)
{
  return console->asked->len == 1 && g_str_equal (console->asked->pdata[0], request);
}

/* "4 pages, 8,000 of 100,000 records, has-more TRUE". */
static char *
format_pages (Console *console)
{
  CacheitCollection *pages = console->pages;
  g_autofree char *count = demo_format_count (g_list_model_get_n_items (G_LIST_MODEL (pages)));
  g_autofree char *total = demo_format_count ((guint64) MAX (cacheit_collection_get_total (pages), 0));
  guint n_pages = cacheit_collection_get_n_pages (pages);

  return g_strdup_printf ("%u page%s, %s of %s records, has-more %s", n_pages, n_pages == 1 ? "" : "s",
                          count, total, cacheit_collection_get_has_more (pages) ? "TRUE" : "FALSE");
}

static void
expect_pages (Console *console,
              guint    n_pages,
              guint    n_items,
              gboolean has_more)
{
  g_autofree char *shown = format_pages (console);
  g_autofree char *message = g_strdup_printf ("the list in pages is %s, not %u pages and %u records",
                                              shown, n_pages, n_items);

  expect (console,
          cacheit_collection_get_n_pages (console->pages) == n_pages &&
          g_list_model_get_n_items (G_LIST_MODEL (console->pages)) == n_items &&
          cacheit_collection_get_has_more (console->pages) == has_more,
          message);
}

/* The same catalogue, as GitHub or Mastodon would serve it: pages of
 * PER_PAGE records, each with a Link to the next and X-Total-Count. A
 * second collection, at records?per_page=PER_PAGE: its own data and its own
 * snapshot. */
static void
run_page_steps (Console *console)
{
  CacheitCollection *pages = console->pages;
  CacheitResource *resource = CACHEIT_RESOURCE (pages);
  guint n_records = demo_server_get_n_records (console->server);
  guint n_pages = (n_records + PER_PAGE - 1) / PER_PAGE;
  guint on_page_1 = MIN (n_records, PER_PAGE);
  g_autofree char *first = g_strdup_printf ("GET /records?per_page=%u", PER_PAGE);
  g_autofree char *page_2 = g_strdup_printf ("GET /records?page=2&per_page=%u", PER_PAGE);
  g_autofree char *page_4 = g_strdup_printf ("GET /records?page=4&per_page=%u", PER_PAGE);
  g_autofree char *what = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *asked = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(DemoRecord) record = NULL;
  g_autoptr(GString) out = NULL;
  gboolean from_disk;
  guint status;

  /* The later steps need four pages. */
  if (n_pages < 5)
    return;

  g_signal_connect (pages, "request", G_CALLBACK (pages_request_cb), console);
  g_signal_connect (pages, "items-changed", G_CALLBACK (pages_items_changed_cb), console);

  /* 8. Two views ask for the list in pages: one request, for the first
   * page. With a snapshot from an earlier run, the first page is there at
   * once, and revalidated. */
  pages_step_begin (console);
  fetch (console, resource, CACHEIT_FETCH_NONE);
  fetch (console, resource, CACHEIT_FETCH_NONE);
  step_wait (console);
  from_disk = cacheit_resource_get_origin (resource) == CACHEIT_ORIGIN_DISK;
  step_wait_background (console, resource);
  status = cacheit_resource_get_status (resource);
  expect (console, console->error == NULL, "the first page failed");
  expect (console, asked_only (console, first), "the first page was not asked for once");
  expect_pages (console, 1, on_page_1, TRUE);
  expect (console, cacheit_collection_get_total (pages) == n_records,
          "the total is not the server's X-Total-Count");
  shown = format_pages (console);
  asked = format_asked (console);
  if (from_disk)
    what = g_strdup_printf ("the first page from its snapshot at once, then one request\n"
                            "revalidated it in the background: %s (%u);\n"
                            "%s",
                            asked, status, shown);
  else
    what = g_strdup_printf ("%s: one request for the 2 callers;\n"
                            "%s:\n"
                            "the total from X-Total-Count, the next page from the Link header",
                            asked, shown);
  step_end (console, "8 the list in pages: 2 views ask", 1, what);
  g_clear_pointer (&what, g_free);
  g_clear_pointer (&shown, g_free);
  g_clear_pointer (&asked, g_free);

  /* 9. The view reaches the end: load_more, twice at once (they join),
   * then once more. */
  pages_step_begin (console);
  load_more (console);
  load_more (console);
  step_wait (console);
  expect (console, console->error == NULL, "load_more failed");
  expect (console, asked_only (console, page_2), "load_more did not ask for page 2 once");
  g_clear_object (&console->first_result);
  load_more (console);
  step_wait (console);
  expect (console, console->error == NULL, "load_more failed");
  expect_pages (console, 3, on_page_1 + 2 * PER_PAGE, TRUE);
  expect (console, console->pages_changed->len == 2, "each page did not emit one items-changed");
  shown = format_pages (console);
  asked = format_asked (console);
  changed = g_strdup_printf ("items-changed (%u, 0, %u), items-changed (%u, 0, %u)",
                             on_page_1, PER_PAGE, on_page_1 + PER_PAGE, PER_PAGE);
  what = g_strdup_printf ("2 calls at once joined: one request, one GAsyncResult; then 1 more:\n"
                          "%s,\n"
                          "each the Link of the page before; appended at the end:\n"
                          "%s;\n"
                          "%s",
                          asked, changed, shown);
  step_end (console, "9 load_more: 2 at once, then 1", 2, what);
  g_clear_pointer (&what, g_free);
  g_clear_pointer (&shown, g_free);
  g_clear_pointer (&asked, g_free);
  g_clear_pointer (&changed, g_free);

  /* 10. The next page fails: what is loaded stays, and the next load_more
   * asks for that page again. */
  demo_server_set_fail_next (console->server, TRUE);
  pages_step_begin (console);
  load_more (console);
  step_wait (console);
  expect (console, g_error_matches (console->error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS),
          "the failed page did not report CACHEIT_ERROR_HTTP_STATUS");
  expect (console, cacheit_resource_get_last_error (resource) != NULL, "the failed page did not set last-error");
  expect_pages (console, 3, on_page_1 + 2 * PER_PAGE, TRUE);
  expect (console, console->pages_changed->len == 0, "the failed page changed the list");
  what = g_strdup_printf ("%s: 500; the 3 pages loaded stay,\n",
                          (const char *) console->asked->pdata[0]);
  g_clear_error (&console->error);
  g_clear_object (&console->first_result);
  load_more (console);
  step_wait (console);
  expect (console, console->error == NULL, "load_more after the failure failed");
  expect (console, console->asked->len == 2 && g_str_equal (console->asked->pdata[0], page_4) &&
                   g_str_equal (console->asked->pdata[1], page_4),
          "load_more after the failure did not ask for the same page");
  expect (console, cacheit_resource_get_last_error (resource) == NULL, "last-error is still set");
  expect_pages (console, 4, on_page_1 + 3 * PER_PAGE, TRUE);
  shown = format_pages (console);
  out = g_string_new (what);
  g_string_append_printf (out, "last-error is set; load_more again asks for that page again: 200,\n"
                          "last-error is cleared; %s", shown);
  step_end (console, "10 page 4 fails, then load_more again", 2, out->str);
  g_string_free (g_steal_pointer (&out), TRUE);
  g_clear_pointer (&what, g_free);
  g_clear_pointer (&shown, g_free);

  /* 11. Reload: the first page alone is asked for; it has not changed
   * (304), so every page is kept. */
  pages_step_begin (console);
  fetch (console, resource, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  expect (console, console->error == NULL, "the reload of the pages failed");
  expect (console, asked_only (console, first), "the reload did not ask for the first page alone");
  expect (console, cacheit_resource_get_status (resource) == SOUP_STATUS_NOT_MODIFIED,
          "the reload of the first page was not answered 304");
  expect (console, console->pages_changed->len == 0, "a 304 on the first page changed the list");
  expect_pages (console, 4, on_page_1 + 3 * PER_PAGE, TRUE);
  shown = format_pages (console);
  what = g_strdup_printf ("%s alone, with If-None-Match: 304 Not Modified;\n"
                          "a 304 on the first page keeps every page:\n"
                          "%s",
                          first, shown);
  step_end (console, "11 reload the pages", 1, what);
  g_clear_pointer (&what, g_free);
  g_clear_pointer (&shown, g_free);

  /* 12. A record of the first page is renamed, and the list reloaded: the
   * first page is new, the later ones are dropped, in one items-changed. */
  record = DEMO_RECORD (cacheit_collection_get_by_id (pages, "7"));
  console->record = record;
  pages_step_begin (console);
  g_free (save_name (console, "  Amber   Lantern "));
  expect (console, console->error == NULL, "the save of record 7 failed");
  g_clear_error (&console->error);
  fetch (console, resource, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  console->record = NULL;
  expect (console, console->error == NULL, "the reload after the save failed");
  expect (console, cacheit_resource_get_status (resource) == SOUP_STATUS_OK,
          "the reload after a save was not a whole GET (200)");
  expect (console, console->asked->len == 2 && g_str_has_prefix (console->asked->pdata[0], "PATCH /records/7") &&
                   g_str_equal (console->asked->pdata[1], first),
          "the save and the reload did not ask for record 7 and the first page");
  expect_pages (console, 1, on_page_1, TRUE);
  expect (console, g_strcmp0 (demo_record_get_name (record), "Amber Lantern") == 0,
          "the first page does not have the new name");
  changed = g_strdup_printf ("items-changed (%u, %u, 0)", on_page_1, 3 * PER_PAGE);
  expect (console, console->pages_changed->len == 1 && g_str_equal (console->pages_changed->pdata[0], changed),
          "the reload did not drop the later pages in one items-changed");
  asked = console->asked->len == 2 ? g_strdup_printf ("%s, then %s", (const char *) console->asked->pdata[0],
                                                     (const char *) console->asked->pdata[1])
                                   : format_asked (console);
  shown = format_pages (console);
  what = g_strdup_printf ("%s: 200, a new first\n"
                          "page: the 3 pages after it are dropped, %s;\n"
                          "%s",
                          asked, changed, shown);
  step_end (console, "12 rename record 7, reload the pages", 2, what);

  g_signal_handlers_disconnect_by_data (pages, console);
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
  g_autofree char *first_row = NULL;
  g_autofree char *name_saved = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GString) signals = NULL;
  const char *typed = "  Cobalt  Umbrella   Deluxe ";
  CacheitOrigin detail_origin;
  gboolean from_disk;
  gboolean expired;
  guint refreshes;
  guint n_made;
  guint status;

  /* 1. Three parts of the application want the list at once. With a
   * snapshot of an earlier run on disk, they get it from there, and one
   * request revalidates it in the background. */
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  fetch (console, records, CACHEIT_FETCH_NONE);
  step_wait (console);
  n_made = demo_record_get_n_made ();
  from_disk = console->first_row_origin == CACHEIT_ORIGIN_DISK;
  first_row = format_first_row (console);
  expect (console, console->error == NULL, "the first fetch failed");
  expect (console, g_list_model_get_n_items (list) == n_records, "the list is not complete");
  expect (console, console->first_row_time != 0, "no items-changed brought the first rows");
  if (from_disk)
    {
      step_wait_background (console, records);
      status = cacheit_resource_get_status (records);
      expect (console, console->error == NULL, "the first fetch failed");
      expect (console, cacheit_resource_get_origin (records) == CACHEIT_ORIGIN_NETWORK,
              "the revalidation of the snapshot did not make the origin network");
      expect (console, status == SOUP_STATUS_NOT_MODIFIED || status == SOUP_STATUS_OK,
              "the revalidation of the snapshot failed");
      what = g_strdup_printf ("from the snapshot an earlier run left on disk: the 3 callers were\n"
                              "answered without waiting for the server, one GAsyncResult for all;\n"
                              "first row: %s;\n"
                              "%s items in the list, %u row objects made (made on demand);\n"
                              "then one request revalidated it in the background: %s",
                              first_row, count, n_made,
                              status == SOUP_STATUS_NOT_MODIFIED
                                ? "304 Not Modified,\nno body read, no signal; origin: the network"
                                : "200, the server's\nlist had changed: applied, with exact signals; origin: the network");
      step_end (console, "1 warm start: 3 views ask for the list", 1, what);
    }
  else
    {
      what = g_strdup_printf ("coalesced: one request served the 3 callers, one GAsyncResult for all;\n"
                              "%s items in the list, %u row objects made (made on demand);\n"
                              "first row: %s",
                              count, n_made, first_row);
      step_end (console, "1 cold start: 3 views ask for the list", 1, what);
    }
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
   * collection-url/42. Selecting it again is answered from the cache. A
   * snapshot of it from an earlier run answers at once, and is
   * revalidated. */
  record = DEMO_RECORD (cacheit_collection_get_by_id (console->records, "42"));
  step_begin (console);
  fetch (console, CACHEIT_RESOURCE (record), CACHEIT_FETCH_NONE);
  step_wait (console);
  detail_origin = cacheit_resource_get_origin (CACHEIT_RESOURCE (record));
  expect (console, console->error == NULL, "the detail fetch failed");
  fetch (console, CACHEIT_RESOURCE (record), CACHEIT_FETCH_NONE);
  step_wait (console);
  step_wait_background (console, CACHEIT_RESOURCE (record));
  expect (console, demo_record_get_description (record) != NULL, "the detail has no description");
  if (detail_origin == CACHEIT_ORIGIN_DISK)
    what = g_strdup_printf ("%s from its snapshot on disk at once, then one GET revalidated it\n"
                            "in the background (%u); the second selection is cached;\n"
                            "\"%s\"",
                            strstr (strstr (cacheit_resource_get_url (CACHEIT_RESOURCE (record)), "//") + 2, "/"),
                            cacheit_resource_get_status (CACHEIT_RESOURCE (record)),
                            demo_record_get_description (record));
  else
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
  what = g_strdup_printf ("the server waited %u ms, the main loop did not; one request,\n"
                          "with If-None-Match: 304 Not Modified, no body read, nothing parsed,\n"
                          "no items-changed, no signal on any row",
                          demo_server_get_latency (console->server) + 300);
  step_end (console, "4 slow server: reload, 2 views join it", 1, what);
  g_clear_pointer (&what, g_free);

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

  /* 6. The user reloads: a failure is not cached. With a short token
   * lifetime, the token has expired first. */
  refreshes = demo_auth_get_n_refreshes (console->auth);
  expired = wait_for_expiry (console);
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  expect (console, console->error == NULL, "the reload after the failure failed");
  expect (console, cacheit_resource_get_last_error (records) == NULL, "last-error is still set");
  expect (console, !expired || demo_auth_get_n_refreshes (console->auth) == refreshes + 1,
          "the reload with an expired token did not refresh it once");
  step_end (console, "6 reload after the failure", 1,
            expired ? "a failure is not cached: a new request; the token had expired: 401,\n"
                      "one refresh, the same request again: 304; last-error is cleared"
                    : "a failure is not cached: a new request (a 304); last-error is cleared");

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

  /* 8 to 12: the list in pages. */
  run_page_steps (console);

  /* 13. The user renames the selected record: the change shows at once, the
   * PATCH goes to the server, and its answer (the name normalised, the time
   * of the change) is merged onto the record. */
  console->record = record;
  g_signal_connect (record, "changed", G_CALLBACK (record_changed_cb), console);
  g_signal_connect (record, "notify::name", G_CALLBACK (record_notify_cb), console);
  g_signal_connect (records, "notify::saving", G_CALLBACK (saving_cb), console);
  step_begin (console);
  shown = save_name (console, typed);
  name_saved = g_strdup (demo_record_get_name (record));
  expect (console, console->error == NULL, "the save failed");
  expect (console, g_strcmp0 (shown, typed) == 0, "the change did not show before save_async() returned");
  expect (console, logged (console->at_once, "changed::name") && logged (console->at_once, "saving TRUE"),
          "save_async() did not emit changed::name and notify::saving at once");
  expect (console, g_strcmp0 (name_saved, "Cobalt Umbrella Deluxe") == 0,
          "the server's answer was not merged onto the record");
  expect (console, logged (console->answer, "changed::updated"),
          "the answer did not emit changed::updated");
  expect (console, !cacheit_resource_get_saving (records), "the collection is still saving");
  expect (console, console->items_changed == 0, "a save emitted items-changed");
  signals = g_string_new (NULL);
  g_string_append_printf (signals, "save_async (record, {\"name\": \"%s\"}, PATCH)\n", typed);
  append_signals (signals, "at once:", console->at_once);
  g_string_append_c (signals, '\n');
  append_signals (signals, "answer:", console->answer);
  g_string_append (signals, "\naccepted: the server's name and time won; the snapshot on disk follows");
  step_end (console, "13 rename record 42: PATCH", 1, signals->str);
  g_string_free (g_steal_pointer (&signals), TRUE);
  g_clear_pointer (&shown, g_free);

  /* 14. An empty name: it shows at once, the server refuses it with 422,
   * and the change is undone exactly. */
  step_begin (console);
  shown = save_name (console, "");
  expect (console, g_strcmp0 (shown, "") == 0, "the refused change did not show at once");
  expect (console, g_error_matches (console->error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS) &&
                   cacheit_error_get_http_status (console->error) == SOUP_STATUS_UNPROCESSABLE_ENTITY,
          "the refused save did not fail with CACHEIT_ERROR_HTTP_STATUS 422");
  expect (console, g_strcmp0 (demo_record_get_name (record), name_saved) == 0,
          "the refused change was not rolled back");
  expect (console, logged (console->answer, "changed::name"), "the rollback did not emit changed::name");
  expect (console, cacheit_resource_get_last_error (records) == NULL,
          "a refused save set last-error, which is about fetches");
  expect (console, console->items_changed == 0, "a refused save emitted items-changed");
  signals = g_string_new ("save_async (record, {\"name\": \"\"}, PATCH)\n");
  append_signals (signals, "at once:", console->at_once);
  g_string_append_c (signals, '\n');
  append_signals (signals, "answer:", console->answer);
  g_string_append_printf (signals, "\n\"%s\";\nrolled back to \"%s\"; last-error untouched (it is about fetches)",
                          console->error != NULL ? console->error->message : "(no error)",
                          demo_record_get_name (record));
  step_end (console, "14 rename it to \"\": refused", 1, signals->str);
  g_string_free (g_steal_pointer (&signals), TRUE);

  /* 15. The list again: after a write, it is fetched whole (the validators
   * are forgotten), and the server's list has the new name. */
  console->phase = console->answer;
  g_ptr_array_set_size (console->answer, 0);
  step_begin (console);
  fetch (console, records, CACHEIT_FETCH_RELOAD);
  step_wait (console);
  console->phase = NULL;
  status = cacheit_resource_get_status (records);
  expect (console, console->error == NULL, "the reload after the saves failed");
  expect (console, status == SOUP_STATUS_OK, "the reload after a save was not a whole GET (200)");
  expect (console, g_strcmp0 (demo_record_get_name (record), name_saved) == 0,
          "the server's list does not have the new name");
  signals = g_string_new ("the validators were forgotten at the save: a whole GET, 200;\n"
                          "the server's list has the new name; signals: ");
  append_signals (signals, NULL, console->answer);
  step_end (console, "15 reload the list", 1, signals->str);
  g_string_free (g_steal_pointer (&signals), TRUE);

  g_signal_handlers_disconnect_by_data (record, console);
  g_signal_handlers_disconnect_by_func (records, saving_cb, console);
  console->record = NULL;
}


static void
play (Console *console)
{
  DemoServer *server = console->server;
  g_autofree char *size = demo_format_bytes (demo_server_get_list_size (server));
  g_autofree char *count = demo_format_count (demo_server_get_n_records (server));
  g_autofree char *calls = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *stall = NULL;
  g_autofree char *made = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *first_row = NULL;
  g_autofree char *auth_state = NULL;
  g_autofree char *snapshots = g_build_filename (g_get_user_cache_dir (), g_get_prgname (), "cacheit", NULL);

  g_print ("cacheit-glib %s: a CacheitCollection of %s DemoRecords (%s of JSON)\n"
           "at %s, served by a SoupServer in its own thread",
           CACHEIT_VERSION_S, count, size, demo_server_get_url (server));
  if (demo_server_get_latency (server) > 0)
    g_print (" that answers in %u ms", demo_server_get_latency (server));
  g_print (".\n");
  g_print ("\n");

  demo_stats_start_meter (&console->stats);
  print_header ();
  run_steps (console);
  step_begin (console);
  g_clear_object (&console->first_result);
  demo_stats_stop_meter (&console->stats);

  calls = g_strdup_printf ("%u", console->stats.fetch_calls);
  requests = g_strdup_printf ("%u", console->stats.requests);
  bytes = demo_format_bytes (console->stats.bytes);
  stall = demo_format_ms (console->longest_stall);
  made = demo_format_count (demo_record_get_n_made ());
  updated = format_time (cacheit_resource_get_last_updated (CACHEIT_RESOURCE (console->records)));
  first_row = format_first_row (console);
  auth_state = demo_auth_format_state (console->auth);
  g_print (ROW_FORMAT "\n", "", "-----", "--------", "---------", "--------");
  g_print (ROW_FORMAT "\n", "total", calls, requests, bytes, stall);
  g_print ("\n");
  g_print ("  fetch calls made         %u\n", console->stats.fetch_calls);
  g_print ("  HTTP requests sent       %u (the server saw %u; %u answered 304 Not Modified)\n",
           console->stats.requests, demo_server_get_n_requests (server),
           demo_server_get_n_not_modified (server));
  g_print ("  bytes received           %s\n", bytes);
  g_print ("  longest main-loop stall  %s\n", stall);
  g_print ("  last error               %s\n",
           console->stats.last_error != NULL ? console->stats.last_error->message : "none");
  g_print ("  row objects made         %s of %s\n", made, count);
  g_print ("  the list                 updated %s, %s (the server's max-age is %d s)\n",
           updated, cacheit_resource_get_stale (CACHEIT_RESOURCE (console->records)) ? "stale" : "fresh",
           DEMO_SERVER_MAX_AGE);
  g_print ("  first row                %s\n", first_row);
  g_print ("  sign-in                  %s\n"
           "                           (POST /auth/token %u×; requests refused 401: %u)\n",
           auth_state, demo_server_get_n_token_requests (server), demo_server_get_n_unauthorized (server));
  g_print ("  snapshots                %s: run it again to start from there\n", snapshots);

  expect (console, console->stats.requests == demo_server_get_n_requests (server),
          "the request signals and the server disagree");
  expect (console, console->stats.bytes > demo_server_get_list_size (server),
          "the bytes received were not counted");
  expect (console, console->stats.not_modified == demo_server_get_n_not_modified (server),
          "the client and the server disagree on the 304s");
  expect (console, demo_auth_get_state (console->auth) == DEMO_AUTH_SIGNED_IN, "the demo is not signed in");
  expect (console, demo_server_get_n_token_requests (server) == 1 + demo_auth_get_n_refreshes (console->auth),
          "the server was not asked for a token once, and once for each refresh");
}

static void
activate_cb (GApplication *application,
             Console      *console)
{
  play (console);
}

int
demo_console_run (DemoServer *server)
{
  Console console = { 0 };
  g_autoptr(GApplication) application = NULL;
  g_autofree char *per_page = NULL;
  SoupSession *session;

  console.server = server;
  console.at_once = g_ptr_array_new_with_free_func (g_free);
  console.answer = g_ptr_array_new_with_free_func (g_free);
  console.asked = g_ptr_array_new_with_free_func (g_free);
  console.pages_changed = g_ptr_array_new_with_free_func (g_free);
  console.client = demo_client_new (server);
  console.auth = demo_auth_new (console.client, FALSE);
  g_signal_connect (console.auth, "changed", G_CALLBACK (auth_changed_cb), &console);
  g_signal_connect (console.auth, "refreshed", G_CALLBACK (auth_refreshed_cb), &console);
  console.records = cacheit_client_get_collection (console.client, "records", DEMO_TYPE_RECORD);
  per_page = g_strdup_printf ("records?per_page=%u", PER_PAGE);
  console.pages = cacheit_client_get_collection (console.client, per_page, DEMO_TYPE_RECORD);
  g_signal_connect (console.records, "items-changed", G_CALLBACK (items_changed_cb), &console);
  g_signal_connect (console.records, "sync", G_CALLBACK (sync_cb), &console);
  g_signal_connect (console.records, "notify::origin", G_CALLBACK (origin_cb), &console);

  /* The scenario runs in the application's activate; g_application_run()
   * returns once the library released it: the snapshots are written. */
  application = g_application_new (NULL, G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), &console);
  g_application_run (application, 0, NULL);

  g_signal_handlers_disconnect_by_data (console.records, &console);
  g_clear_object (&console.records);
  g_clear_object (&console.pages);
  g_signal_handlers_disconnect_by_data (console.auth, &console);
  g_clear_object (&console.auth);
  g_clear_pointer (&console.asked, g_ptr_array_unref);
  g_clear_pointer (&console.pages_changed, g_ptr_array_unref);
  g_clear_pointer (&console.at_once, g_ptr_array_unref);
  g_clear_pointer (&console.answer, g_ptr_array_unref);
  g_clear_error (&console.error);
  demo_stats_clear (&console.stats);

  /* Close the kept-alive connections, and let the closing finish, so that
   * leak checkers see a clean exit. */
  session = cacheit_client_get_session (console.client);
  soup_session_abort (session);
  g_clear_object (&console.client);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (console.failed)
    {
      g_printerr ("cacheit-demo: the library did not behave as documented\n");
      return 1;
    }

  return 0;
}
