/* bench-stall.c: the longest main-loop stall while a collection is fetched
 * (R8), against the hand-written libsoup + json-glib floor, in one run.
 *
 * The server runs in a thread of its own; a 1 ms timeout in the client's
 * main context records the longest gap between its ticks.
 *
 *   bench-stall [N_ITEMS] [REPEATS]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cacheit.h>
#include <stdlib.h>

#include "bench-common.h"

typedef struct
{
  double total_ms;
  double stall_ms;
  guint  n_items_changed;
} Run;

/* The floor: the code a careful developer writes by hand. */

typedef struct
{
  gboolean    done;
  JsonParser *parser;
} FloorFetch;

static void
floor_parse_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GBytes *body = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&parser), g_object_unref);
}

static void
floor_parsed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FloorFetch *ff = user_data;
  g_autoptr(GError) error = NULL;

  ff->parser = g_task_propagate_pointer (G_TASK (result), &error);
  g_assert_no_error (error);
  ff->done = TRUE;
}

static void
floor_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  FloorFetch *ff = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  task = g_task_new (NULL, NULL, floor_parsed_cb, ff);
  g_task_set_task_data (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, floor_parse_thread);
}

static Run
floor_fetch (SoupSession  *session,
             const char   *url,
             JsonParser  **held)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  FloorFetch ff = { FALSE, NULL };
  BenchStall *stall = bench_stall_start ();
  double start = bench_now_ms ();
  Run run = { 0, 0, 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, floor_read_cb, &ff);
  bench_wait (&ff.done);
  /* The new tree replaces the one held: freed here, on the main thread. */
  g_clear_object (held);
  *held = ff.parser;
  run.total_ms = bench_now_ms () - start;
  run.stall_ms = bench_stall_stop (stall);

  return run;
}

/* cacheit */

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        guint      *counter)
{
  (*counter)++;
}

static Run
cacheit_fetch (CacheitCollection *collection,
               CacheitFetchFlags  flags)
{
  gboolean done = FALSE;
  guint n_changed = 0;
  gulong id = g_signal_connect (collection, "items-changed", G_CALLBACK (count_items_changed_cb), &n_changed);
  BenchStall *stall = bench_stall_start ();
  double start = bench_now_ms ();
  Run run;

  cacheit_resource_fetch_async (CACHEIT_RESOURCE (collection), flags, NULL, fetched_cb, &done);
  bench_wait (&done);
  run.total_ms = bench_now_ms () - start;
  /* Let the previous data's release (in a worker) and any idle work finish
   * inside the measured window. */
  {
    double until = bench_now_ms () + 20;

    while (bench_now_ms () < until)
      g_main_context_iteration (NULL, TRUE);
  }
  run.stall_ms = bench_stall_stop (stall);
  run.n_items_changed = n_changed;
  g_signal_handler_disconnect (collection, id);

  return run;
}

static void
summarize (const char *name,
           GArray     *values,
           double      floor_median,
           const char *unit)
{
  double median, lo, hi;

  g_array_sort (values, bench_compare_doubles);
  median = g_array_index (values, double, values->len / 2);
  lo = g_array_index (values, double, 0);
  hi = g_array_index (values, double, values->len - 1);

  if (floor_median > 0)
    g_print ("| %-44s | %9.1f %s | %7.1f - %-7.1f | %6.3fx |\n", name, median, unit, lo, hi, median / floor_median);
  else
    g_print ("| %-44s | %9.1f %s | %7.1f - %-7.1f | %7s |\n", name, median, unit, lo, hi, "floor");
}

static double
median_of (GArray *values)
{
  g_array_sort (values, bench_compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint repeats = argc > 2 ? (guint) atoi (argv[2]) : 5;
  BenchServer *server = bench_server_new ();
  g_autoptr(GBytes) body = bench_make_items (n, 0, 0);
  /* 1% changed, 1% removed at the front, 1% added at the end. */
  g_autoptr(GBytes) changed_body = bench_make_items (n, n / 100, 100);
  g_autofree char *url = bench_server_url (server, "/items");
  g_autofree char *changed_url = bench_server_url (server, "/changed");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GArray) floor_total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) floor_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) change_total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) change_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same_total = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same_stall = g_array_new (FALSE, FALSE, sizeof (double));
  JsonParser *held = NULL;
  guint n_changed_signals = 0, n_same_signals = 0;
  double floor_total_median, floor_stall_median;

  bench_server_set (server, "/items", body);
  bench_server_set (server, "/changed", changed_body);

  g_print ("# %u items, %.1f MB, %u repeats, medians (min - max)\n",
           n, g_bytes_get_size (body) / 1e6, repeats);

  for (guint r = 0; r < repeats; r++)
    {
      Run run = floor_fetch (session, url, &held);
      g_array_append_val (floor_total, run.total_ms);
      g_array_append_val (floor_stall, run.stall_ms);
    }
  g_clear_object (&held);

  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
      Run run;

      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      run = cacheit_fetch (collection, CACHEIT_FETCH_NONE);
      g_array_append_val (cold_total, run.total_ms);
      g_array_append_val (cold_stall, run.stall_ms);

      cacheit_resource_set_url (CACHEIT_RESOURCE (collection), changed_url);
      run = cacheit_fetch (collection, CACHEIT_FETCH_RELOAD);
      g_array_append_val (change_total, run.total_ms);
      g_array_append_val (change_stall, run.stall_ms);
      n_changed_signals = run.n_items_changed;

      run = cacheit_fetch (collection, CACHEIT_FETCH_RELOAD);
      g_array_append_val (same_total, run.total_ms);
      g_array_append_val (same_stall, run.stall_ms);
      n_same_signals = run.n_items_changed;
    }

  floor_total_median = median_of (floor_total);
  floor_stall_median = median_of (floor_stall);

  g_print ("| %-44s | %12s | %17s | %7s |\n", "measure", "median", "min - max", "ratio");
  g_print ("|%s|%s|%s|%s|\n", "----------------------------------------------", "--------------",
           "-------------------", "---------");
  summarize ("floor: fetch + parse + replace (time)", floor_total, 0, "ms");
  summarize ("floor: longest main-loop stall", floor_stall, 0, "ms");
  summarize ("cacheit: cold fetch (time)", cold_total, floor_total_median, "ms");
  summarize ("cacheit: cold fetch, longest stall", cold_stall, floor_stall_median, "ms");
  summarize ("cacheit: 1% changed/added/removed (time)", change_total, floor_total_median, "ms");
  summarize ("cacheit: 1% changed/added/removed, stall", change_stall, floor_stall_median, "ms");
  summarize ("cacheit: identical refetch (time)", same_total, floor_total_median, "ms");
  summarize ("cacheit: identical refetch, longest stall", same_stall, floor_stall_median, "ms");
  g_print ("# items-changed emitted: %u for the 1%% refetch, %u for the identical one\n",
           n_changed_signals, n_same_signals);

  bench_server_free (server);
  return 0;
}
