/* cacheit-bench.c: every measure of DESIGN §6, each against the code a
 * careful developer writes by hand (the floor: soup_session_send_and_read_async
 * + json_parser_load_from_data in a GTask thread, the tree kept), measured in
 * the same process and run, against the same server (in a thread of its own).
 * Python's urllib + json.loads and gjs's Soup + JSON.parse fetch from that
 * same server, in processes of their own.
 *
 *   cacheit-bench [--sizes 1000,10000,100000,1000000] [--repeats 5]
 *                 [--peers DIR] [--data FILE] [--only MEASURE,...]
 *                 [--latency MS]
 *
 * Prints a Markdown table of medians (min - max) and ratios; --data writes
 * the cold-fetch time and memory per item for each size, for the plot.
 * --only runs some of the measures (all by default): "sizes" (cold fetch,
 * stall, memory and get_item for each size, then the refetches of 100,000
 * and 1,000,000 items, which need the floor of their size), "revalidation"
 * (a reload of an unchanged 100,000-item collection answered 304, against a
 * cold fetch of it), "pages" (a 100,000-item list in 50 pages of 2,000,
 * linked by Link rel="next": the time to the first page against the whole
 * list in one response and the floor's first page, then, pages 2 to 49
 * loaded, the time and longest stall of load_more of page 50), "cached",
 * "joining", "typed" and "first-row" (the time from fetch_async to the
 * first row of 1,000 and 100,000 items, without a snapshot and from one on
 * disk, with the server on 127.0.0.1 as it is and with --latency MS added
 * to its answers, 300 by default).
 * The other measures' resources neither read nor write snapshots.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cacheit.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-common.h"

typedef struct
{
  double median;
  double min;
  double max;
} Stat;

static Stat
stat_of (GArray *values)
{
  Stat s = { 0, 0, 0 };

  if (values->len == 0)
    return s;
  g_array_sort (values, bench_compare_doubles);
  s.median = g_array_index (values, double, values->len / 2);
  s.min = g_array_index (values, double, 0);
  s.max = g_array_index (values, double, values->len - 1);
  return s;
}

/* The measures --only chose; NULL: all of them. */
static char **only_measures;

static gboolean
selected (const char *measure)
{
  return only_measures == NULL || g_strv_contains ((const char * const *) only_measures, measure);
}

static gsize
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

static void
drain_for (double ms)
{
  double until = bench_now_ms () + ms;

  while (bench_now_ms () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* The measures other than first-row time the network path: their
 * resources neither read nor write snapshots (the default policy would make
 * every repeat after the first a start from disk, and write in
 * $XDG_CACHE_HOME). */
static void
network_only (gpointer resource)
{
  cacheit_resource_set_snapshot_policy (CACHEIT_RESOURCE (resource), CACHEIT_SNAPSHOT_NONE);
}

/* Table */

static void
row (const char *measure,
     const char *target,
     Stat        value,
     const char *unit,
     double      floor_median,
     const char *note)
{
  g_autofree char *ratio = floor_median > 0 ? g_strdup_printf ("%.3fx", value.median / floor_median)
                                            : g_strdup ("");

  g_print ("| %s | %.4g %s | %.4g - %.4g | %s | %s | %s |\n",
           measure, value.median, unit, value.min, value.max, ratio, target, note != NULL ? note : "");
}

/* The floor */

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
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GTask) task = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  task = g_task_new (NULL, NULL, floor_parsed_cb, user_data);
  g_task_set_task_data (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, floor_parse_thread);
}

/* Fetches into *@held, replacing (and freeing, on the main thread) what it
 * held, as the hand-written code does on a refetch. */
static void
floor_fetch (SoupSession  *session,
             const char   *url,
             JsonParser  **held,
             double       *time_ms,
             double       *stall_ms)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  FloorFetch ff = { FALSE, NULL };
  BenchStall *stall = bench_stall_start ();
  double start = bench_now_ms ();

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, floor_read_cb, &ff);
  bench_wait (&ff.done);
  g_clear_object (held);
  *held = ff.parser;
  *time_ms = bench_now_ms () - start;
  *stall_ms = bench_stall_stop (stall);
}

/* cacheit */

typedef struct
{
  gboolean done;
  guint    n_completed;
} Done;

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Done *done = user_data;
  g_autoptr(GError) error = NULL;

  cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error);
  g_assert_no_error (error);
  done->n_completed++;
  done->done = TRUE;
}

typedef struct
{
  guint items_changed;
  guint item_signals;
} Signals;

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Signals    *signals)
{
  signals->items_changed++;
}

static void
count_item_changed_cb (CacheitModel *model,
                       const char   *name,
                       Signals      *signals)
{
  signals->item_signals++;
}

static void
count_item_notify_cb (GObject    *object,
                      GParamSpec *pspec,
                      Signals    *signals)
{
  signals->item_signals++;
}

/* Fetches @collection, times it and records the longest stall, letting the
 * worker free the previous data inside the measured window. */
static void
cacheit_fetch (CacheitCollection *collection,
               CacheitFetchFlags  flags,
               double            *time_ms,
               double            *stall_ms)
{
  Done done = { FALSE, 0 };
  BenchStall *stall = bench_stall_start ();
  double start = bench_now_ms ();

  cacheit_resource_fetch_async (CACHEIT_RESOURCE (collection), flags, NULL, fetched_cb, &done);
  bench_wait (&done.done);
  *time_ms = bench_now_ms () - start;
  drain_for (20);
  *stall_ms = bench_stall_stop (stall);
}

/* Peers */

static gboolean
run_peer (const char  *program,
          const char  *script,
          const char  *url,
          guint        repeats,
          double      *values,
          guint        n_values)
{
  g_autofree char *repeats_s = g_strdup_printf ("%u", repeats);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) words = NULL;
  int status;

  g_strv_builder_add (builder, program);
  if (g_str_has_suffix (script, ".js"))
    g_strv_builder_add (builder, "-m");
  g_strv_builder_add_many (builder, script, url, repeats_s, NULL);
  argv = g_strv_builder_end (builder);

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("# %s failed: %s\n", program, error->message);
      return FALSE;
    }

  words = g_strsplit_set (g_strstrip (out), " \n", -1);
  for (guint i = 0; i < n_values; i++)
    {
      if (words[i] == NULL)
        return FALSE;
      values[i] = g_ascii_strtod (words[i], NULL);
    }

  return TRUE;
}

/* Measures */

typedef struct
{
  guint  n;
  Stat   floor_time, floor_stall;
  Stat   cold_time, cold_stall;
  double floor_bytes_per_item;
  double cacheit_bytes_per_item;
  double python_bytes_per_item;
  Stat   python_time, gjs_time;
  gboolean have_python, have_gjs;
  double first_get_item_us, repeated_get_item_us;
} SizeResult;

static void
measure_size (BenchServer *server,
              SoupSession *session,
              guint        n,
              guint        repeats,
              const char  *peers,
              SizeResult  *result)
{
  g_autoptr(GBytes) body = bench_make_items (n, 0, 0);
  g_autofree char *path = g_strdup_printf ("/items-%u", n);
  g_autofree char *url = bench_server_url (server, path);
  g_autoptr(GArray) floor_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) floor_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_stall = g_array_new (FALSE, FALSE, sizeof (double));
  JsonParser *held = NULL;
  gsize before;

  result->n = n;
  bench_server_set (server, path, body);

  /* The floor, its tree kept: the memory it holds, then its times. */
  malloc_trim (0);
  before = heap_in_use ();
  for (guint r = 0; r < repeats; r++)
    {
      double t, s;

      floor_fetch (session, url, &held, &t, &s);
      if (r == 0)
        result->floor_bytes_per_item = (double) (heap_in_use () - before) / n;
      g_array_append_val (floor_time, t);
      g_array_append_val (floor_stall, s);
    }
  g_clear_object (&held);
  drain_for (50);

  /* cacheit, cold: a new collection each time. */
  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(CacheitCollection) collection = NULL;
      double t, s;

      malloc_trim (0);
      before = heap_in_use ();
      collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
      network_only (collection);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      cacheit_fetch (collection, CACHEIT_FETCH_NONE, &t, &s);
      if (r == 0)
        {
          malloc_trim (0);
          result->cacheit_bytes_per_item = (double) (heap_in_use () - before) / n;

          /* get_item: the first makes the object, the next returns it;
           * 100 items spread over the list, after one to warm up. */
          {
            double start, middle;

            g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), 0));
            start = bench_now_ms ();
            for (guint k = 1; k <= 100; k++)
              g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), (guint) ((guint64) n * k / 101)));
            middle = bench_now_ms ();
            for (guint k = 1; k <= 100; k++)
              g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), (guint) ((guint64) n * k / 101)));

            result->first_get_item_us = (middle - start) * 1000 / 100;
            result->repeated_get_item_us = (bench_now_ms () - middle) * 1000 / 100;
          }
        }
      g_array_append_val (cold_time, t);
      g_array_append_val (cold_stall, s);
    }
  drain_for (50);

  result->floor_time = stat_of (floor_time);
  result->floor_stall = stat_of (floor_stall);
  result->cold_time = stat_of (cold_time);
  result->cold_stall = stat_of (cold_stall);

  if (peers != NULL)
    {
      g_autofree char *py = g_build_filename (peers, "peer.py", NULL);
      g_autofree char *js = g_build_filename (peers, "peer.js", NULL);
      double v[4];

      result->have_python = run_peer ("/usr/bin/python3", py, url, repeats, v, 4);
      if (result->have_python)
        {
          result->python_time = (Stat) { v[0], v[1], v[2] };
          result->python_bytes_per_item = v[3];
        }
      result->have_gjs = run_peer ("gjs", js, url, repeats, v, 3);
      if (result->have_gjs)
        result->gjs_time = (Stat) { v[0], v[1], v[2] };
    }
}

/* A refetch with 1% of the items changed, 1% removed at the front and 1%
 * added at the end, then an identical one; 100 items exist (as on screen)
 * and their signals are counted. */
static void
measure_refetch (BenchServer *server,
                 guint        n,
                 guint        repeats,
                 Stat         floor_time,
                 Stat         floor_stall)
{
  g_autoptr(GBytes) body = bench_make_items (n, 0, 0);
  g_autoptr(GBytes) changed = bench_make_items (n, n / 100, 100);
  g_autofree char *url = bench_server_url (server, "/refetch-a");
  g_autofree char *changed_url = bench_server_url (server, "/refetch-b");
  g_autoptr(GArray) change_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) change_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) same_stall = g_array_new (FALSE, FALSE, sizeof (double));
  Signals change_signals = { 0, 0 };
  Signals same_signals = { 0, 0 };

  bench_server_set (server, "/refetch-a", body);
  bench_server_set (server, "/refetch-b", changed);

  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
      g_autoptr(GPtrArray) visible = g_ptr_array_new_with_free_func (g_object_unref);
      Signals signals = { 0, 0 };
      double t, s;

      network_only (collection);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      cacheit_fetch (collection, CACHEIT_FETCH_NONE, &t, &s);
      for (guint i = n / 100; i < n / 100 + 100; i++)
        {
          GObject *item = g_list_model_get_item (G_LIST_MODEL (collection), i);

          g_signal_connect (item, "changed", G_CALLBACK (count_item_changed_cb), &signals);
          g_signal_connect (item, "notify", G_CALLBACK (count_item_notify_cb), &signals);
          g_ptr_array_add (visible, item);
        }
      g_signal_connect (collection, "items-changed", G_CALLBACK (count_items_changed_cb), &signals);

      cacheit_resource_set_url (CACHEIT_RESOURCE (collection), changed_url);
      cacheit_fetch (collection, CACHEIT_FETCH_RELOAD, &t, &s);
      g_array_append_val (change_time, t);
      g_array_append_val (change_stall, s);
      change_signals = signals;

      signals = (Signals) { 0, 0 };
      cacheit_fetch (collection, CACHEIT_FETCH_RELOAD, &t, &s);
      g_array_append_val (same_time, t);
      g_array_append_val (same_stall, s);
      same_signals = signals;

      for (guint i = 0; i < visible->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (visible, i), &signals);
      g_signal_handlers_disconnect_by_data (collection, &signals);
    }

  {
    g_autofree char *m1 = g_strdup_printf ("refetch, 1%% changed/added/removed, %u items: time", n);
    g_autofree char *m2 = g_strdup_printf ("refetch, 1%% changed/added/removed, %u items: longest stall", n);
    g_autofree char *m3 = g_strdup_printf ("identical refetch (200, same body), %u items: time", n);
    g_autofree char *m4 = g_strdup_printf ("identical refetch, %u items: longest stall", n);
    g_autofree char *n1 = g_strdup_printf ("%u items-changed, %u signals on the 100 items that exist",
                                           change_signals.items_changed, change_signals.item_signals);
    g_autofree char *n3 = g_strdup_printf ("%u items-changed, %u item signals",
                                           same_signals.items_changed, same_signals.item_signals);

    row (m1, "", stat_of (change_time), "ms", floor_time.median, n1);
    row (m2, "<= 16 ms", stat_of (change_stall), "ms", floor_stall.median, "floor: its refetch frees the old tree on the main thread");
    row (m3, "no signal; <= 0.3x", stat_of (same_time), "ms", floor_time.median, n3);
    row (m4, "<= 16 ms", stat_of (same_stall), "ms", floor_stall.median, NULL);
  }
}

static void
count_sync_cb (CacheitResource *resource,
               guint           *syncs)
{
  (*syncs)++;
}

/* HTTP revalidation: a cold fetch of @n items (a new collection), then a
 * reload of that collection, unchanged on the server, which sends an ETag
 * and answers the reload's If-None-Match with 304 Not Modified; both in the
 * same run. 100 items exist (as on screen) and their signals are counted. */
static void
measure_revalidation (BenchServer *server,
                      guint        n,
                      guint        repeats)
{
  g_autoptr(GBytes) body = bench_make_items (n, 0, 0);
  g_autofree char *path = g_strdup_printf ("/revalidate-%u", n);
  g_autofree char *url = bench_server_url (server, path);
  g_autoptr(GArray) cold_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cold_stall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reval_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) reval_stall = g_array_new (FALSE, FALSE, sizeof (double));
  Signals signals = { 0, 0 };
  guint syncs = 0;
  guint not_modified = 0;
  Stat cold;

  bench_server_set (server, path, body);
  bench_server_set_etag (server, path, "\"bench-revalidate-1\"");

  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(CacheitCollection) collection = NULL;
      g_autoptr(GPtrArray) visible = g_ptr_array_new_with_free_func (g_object_unref);
      guint before;
      double t, s;

      collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
      network_only (collection);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      cacheit_fetch (collection, CACHEIT_FETCH_NONE, &t, &s);
      g_array_append_val (cold_time, t);
      g_array_append_val (cold_stall, s);

      for (guint i = n / 100; i < n / 100 + 100 && i < n; i++)
        {
          GObject *item = g_list_model_get_item (G_LIST_MODEL (collection), i);

          g_signal_connect (item, "changed", G_CALLBACK (count_item_changed_cb), &signals);
          g_signal_connect (item, "notify", G_CALLBACK (count_item_notify_cb), &signals);
          g_ptr_array_add (visible, item);
        }
      g_signal_connect (collection, "items-changed", G_CALLBACK (count_items_changed_cb), &signals);
      g_signal_connect (collection, "sync", G_CALLBACK (count_sync_cb), &syncs);

      before = bench_server_count_not_modified (server, path);
      cacheit_fetch (collection, CACHEIT_FETCH_RELOAD, &t, &s);
      not_modified += bench_server_count_not_modified (server, path) - before;
      g_array_append_val (reval_time, t);
      g_array_append_val (reval_stall, s);

      for (guint i = 0; i < visible->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (visible, i), &signals);
      g_signal_handlers_disconnect_by_data (collection, &signals);
      g_signal_handlers_disconnect_by_data (collection, &syncs);
    }

  cold = stat_of (cold_time);

  {
    g_autofree char *m1 = g_strdup_printf ("revalidation: cold fetch, %u items: time", n);
    g_autofree char *m2 = g_strdup_printf ("revalidation answered 304, %u items: time", n);
    g_autofree char *m3 = g_strdup_printf ("revalidation answered 304, %u items: longest stall", n);
    g_autofree char *note = g_strdup_printf ("ratio: to the cold fetch above; %u of %u reloads answered 304; "
                                             "%u items-changed, %u sync, %u signals on the 100 items that exist",
                                             not_modified, repeats, signals.items_changed, syncs,
                                             signals.item_signals);

    row (m1, "", cold, "ms", 0, "a new CacheitCollection and a fetch; the server sends an ETag");
    row (m2, "no signal", stat_of (reval_time), "ms", cold.median, note);
    row (m3, "<= 16 ms", stat_of (reval_stall), "ms", 0, NULL);
  }
}

static void
loaded_more_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Done *done = user_data;
  g_autoptr(GError) error = NULL;

  cacheit_collection_load_more_finish (CACHEIT_COLLECTION (object), result, &error);
  g_assert_no_error (error);
  done->n_completed++;
  done->done = TRUE;
}

/* Loads the next page of @collection; with @time_ms, times it, and records
 * the longest stall from load_more_async to 20 ms after its callback, as
 * cacheit_fetch () does for a fetch. */
static void
load_more (CacheitCollection *collection,
           double            *time_ms,
           double            *stall_ms)
{
  Done done = { FALSE, 0 };
  BenchStall *stall = time_ms != NULL ? bench_stall_start () : NULL;
  double start = bench_now_ms ();

  cacheit_collection_load_more_async (collection, NULL, loaded_more_cb, &done);
  bench_wait (&done.done);
  if (time_ms == NULL)
    return;
  *time_ms = bench_now_ms () - start;
  drain_for (20);
  *stall_ms = bench_stall_stop (stall);
}

/* A list of @n items in pages of @page_size, each page at a path of its
 * own with a Link to the next (rel="next", as GitHub and Mastodon send), and
 * the whole list in one response. In each repeat, in turn: the floor
 * fetches the first page; a plain collection fetches the whole list; a
 * paginated collection fetches its first page (timed, from fetch_async to
 * the callback, the page in the list), loads the next ones but the last
 * with load_more (not timed), then the last (timed, with its stall). */
static void
measure_pages (BenchServer *server,
               SoupSession *session,
               guint        n,
               guint        page_size,
               guint        repeats)
{
  guint n_pages = n / page_size;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) whole = bench_make_items (n, 0, 0);
  g_autofree char *whole_path = g_strdup_printf ("/pages-%u/all", n);
  g_autofree char *whole_url = bench_server_url (server, whole_path);
  g_autofree char *first_url = NULL;
  g_autoptr(GArray) floor_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) whole_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) first_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) last_time = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) last_stall = g_array_new (FALSE, FALSE, sizeof (double));
  guint requests = 0, last_items = 0, last_n_pages = 0, first_items = 0;
  gboolean last_has_more = FALSE;
  Stat floor_s, whole_s, first_s, last_s;

  g_return_if_fail (n_pages >= 2 && n_pages * page_size == n);

  bench_server_set (server, whole_path, whole);
  for (guint p = 1; p <= n_pages; p++)
    {
      g_autoptr(GBytes) body = bench_make_items (page_size, (p - 1) * page_size, 0);
      char *path = g_strdup_printf ("/pages-%u/%u", n, p);

      bench_server_set (server, path, body);
      if (p < n_pages)
        {
          g_autofree char *next_path = g_strdup_printf ("/pages-%u/%u", n, p + 1);
          g_autofree char *next_url = bench_server_url (server, next_path);
          g_autofree char *link = g_strdup_printf ("<%s>; rel=\"next\"", next_url);

          bench_server_set_header (server, path, "Link", link);
        }
      g_ptr_array_add (paths, path);
    }
  first_url = bench_server_url (server, g_ptr_array_index (paths, 0));

  for (guint r = 0; r < repeats; r++)
    {
      CacheitCollection *collection;
      JsonParser *held = NULL;
      guint before = 0;
      double t, s;

      /* The floor: the first page, by hand. */
      floor_fetch (session, first_url, &held, &t, &s);
      g_array_append_val (floor_time, t);
      g_clear_object (&held);
      drain_for (50);

      /* The whole list in one response, a plain collection. */
      collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, whole_url);
      network_only (collection);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      cacheit_collection_set_paging (collection, CACHEIT_PAGING_NONE);
      cacheit_fetch (collection, CACHEIT_FETCH_NONE, &t, &s);
      g_array_append_val (whole_time, t);
      g_clear_object (&collection);
      drain_for (50);

      /* Paginated: the first page, the next ones, and the last. */
      for (guint p = 0; p < paths->len; p++)
        before += bench_server_count (server, g_ptr_array_index (paths, p));

      collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, first_url);
      network_only (collection);
      cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
      cacheit_collection_set_paging (collection, CACHEIT_PAGING_LINK);
      cacheit_fetch (collection, CACHEIT_FETCH_NONE, &t, &s);
      g_array_append_val (first_time, t);
      first_items = g_list_model_get_n_items (G_LIST_MODEL (collection));

      while (cacheit_collection_get_n_pages (collection) < n_pages - 1 &&
             cacheit_collection_get_has_more (collection))
        load_more (collection, NULL, NULL);
      drain_for (50);

      load_more (collection, &t, &s);
      g_array_append_val (last_time, t);
      g_array_append_val (last_stall, s);

      last_items = g_list_model_get_n_items (G_LIST_MODEL (collection));
      last_n_pages = cacheit_collection_get_n_pages (collection);
      last_has_more = cacheit_collection_get_has_more (collection);
      requests = 0;
      for (guint p = 0; p < paths->len; p++)
        requests += bench_server_count (server, g_ptr_array_index (paths, p));
      requests -= before;
      if (first_items != page_size || last_items != n || last_n_pages != n_pages || last_has_more)
        g_printerr ("# pages: the first page had %u items; after the last, %u items in %u pages, has-more %d\n",
                    first_items, last_items, last_n_pages, last_has_more);

      g_clear_object (&collection);
      drain_for (50);
    }

  floor_s = stat_of (floor_time);
  whole_s = stat_of (whole_time);
  first_s = stat_of (first_time);
  last_s = stat_of (last_time);

  {
    g_autofree char *m_floor = g_strdup_printf ("pages: floor, first page (%u items): time", page_size);
    g_autofree char *m_whole = g_strdup_printf ("pages: whole list in one response, %u items: time", n);
    g_autofree char *m_first = g_strdup_printf ("pages: first page of %u (%u of %u items): time",
                                                n_pages, page_size, n);
    g_autofree char *m_last = g_strdup_printf ("pages: load_more of page %u (%u items in the list): time",
                                               n_pages, n - page_size);
    g_autofree char *m_stall = g_strdup_printf ("pages: load_more of page %u: longest main-loop stall", n_pages);
    g_autofree char *n_first = g_strdup_printf ("ratio: to the whole list in one response; %.3fx the floor's "
                                                "first page; Link rel=\"next\" paging, %u items in the list "
                                                "at the callback",
                                                floor_s.median > 0 ? first_s.median / floor_s.median : 0,
                                                first_items);
    g_autofree char *n_last = g_strdup_printf ("ratio: to the floor's first page (a page of the same size); "
                                               "%.3fx the first page; pages 2 to %u loaded before, not timed; "
                                               "then %u items in %u pages, has-more %s; %u requests for the "
                                               "%u pages (last repeat)",
                                               first_s.median > 0 ? last_s.median / first_s.median : 0,
                                               n_pages - 1, last_items, last_n_pages,
                                               last_has_more ? "TRUE" : "FALSE", requests, n_pages);

    row (m_floor, "", floor_s, "ms", 0, "send_and_read_async + JsonParser in a GTask thread");
    row (m_whole, "", whole_s, "ms", 0, "a plain CacheitCollection (paging NONE)");
    row (m_first, "", first_s, "ms", whole_s.median, n_first);
    row (m_last, "", last_s, "ms", floor_s.median, n_last);
    row (m_stall, "<= 8 ms", stat_of (last_stall), "ms", 0,
         "from load_more_async to 20 ms after its callback");
  }
}

static void
measure_cached (BenchServer *server)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"id\": 1}", 9);
  g_autofree char *url = bench_server_url (server, "/one");
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  const guint n = 1000000;

  bench_server_set (server, "/one", body);
  model = cacheit_model_new (url);
  network_only (model);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, NULL));

  for (guint r = 0; r < 5; r++)
    {
      Done done = { FALSE, 0 };
      double start = bench_now_ms ();
      double rate;

      for (guint i = 0; i < n; i++)
        cacheit_resource_fetch_async (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, fetched_cb, &done);
      while (done.n_completed < n)
        g_main_context_iteration (NULL, TRUE);
      rate = n / ((bench_now_ms () - start) / 1000.0);
      g_array_append_val (rates, rate);
    }

  row ("cached fetch completions per second", ">= 1,000,000/s", stat_of (rates), "/s", 0,
       "fetch_async + callback + fetch_finish, 1,000,000 at a time");
}

typedef struct
{
  Done   done;
  double synced_at;
  double last_at;
} Joining;

static void
joined_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Joining *joining = user_data;

  fetched_cb (object, result, &joining->done);
  joining->last_at = bench_now_ms ();
}

static void
synced_cb (CacheitResource *resource,
           Joining         *joining)
{
  joining->synced_at = bench_now_ms ();
}

static void
measure_joining (BenchServer *server)
{
  g_autoptr(GBytes) body = bench_make_items (1000, 0, 0);
  g_autofree char *url = bench_server_url (server, "/join");
  g_autoptr(GArray) per_caller = g_array_new (FALSE, FALSE, sizeof (double));
  const guint n = 10000;
  guint requests = 0;

  bench_server_set (server, "/join", body);

  for (guint r = 0; r < 5; r++)
    {
      g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
      Joining joining = { { FALSE, 0 }, 0, 0 };
      guint before = bench_server_count (server, "/join");
      double calls_ms, start, us;

      network_only (collection);

      g_signal_connect (collection, "sync", G_CALLBACK (synced_cb), &joining);

      /* What the callers cost: their fetch_async calls, and completing them
       * all once the data is in hand (from sync to the last callback). */
      start = bench_now_ms ();
      for (guint i = 0; i < n; i++)
        cacheit_resource_fetch_async (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL,
                                      joined_cb, &joining);
      calls_ms = bench_now_ms () - start;
      while (joining.done.n_completed < n)
        g_main_context_iteration (NULL, TRUE);

      requests = bench_server_count (server, "/join") - before;
      us = (calls_ms + (joining.last_at - joining.synced_at)) * 1000 / n;
      g_array_append_val (per_caller, us);
    }

  {
    g_autofree char *note = g_strdup_printf ("%u HTTP request(s) for %u callers; fetch_async, and "
                                             "sync to the last callback", requests, n);

    row ("10,000 callers joining one fetch: time per caller", "one request; <= 2 us", stat_of (per_caller),
         "us", 0, note);
  }
}

static void
measure_typed (BenchServer *server)
{
  g_autoptr(GBytes) body = bench_make_items (10000, 0, 0);
  g_autofree char *url = bench_server_url (server, "/typed");
  g_autoptr(GArray) plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) typed = g_array_new (FALSE, FALSE, sizeof (double));
  GType types[2] = { CACHEIT_TYPE_MODEL, bench_record_get_type () };

  bench_server_set (server, "/typed", body);

  for (guint r = 0; r < 5; r++)
    for (guint t = 0; t < 2; t++)
      {
        g_autoptr(CacheitCollection) collection = cacheit_collection_new (types[t], url);
        double start, us;

        network_only (collection);

        g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL, NULL));
        start = bench_now_ms ();
        for (guint i = 0; i < 1000; i++)
          g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), i));
        us = (bench_now_ms () - start) * 1000 / 1000;
        g_array_append_val (t == 0 ? plain : typed, us);
      }

  row ("get_item, first time, CacheitModel items", "", stat_of (plain), "us/item", 0,
       "decode the item's slice, make the object");
  row ("get_item, first time, typed items (8 properties)", "", stat_of (typed), "us/item",
       stat_of (plain).median, "ratio: to plain CacheitModel items");
}

/* Start-up: the time from fetch_async to the first row a GtkListView could
 * show (the first items-changed that adds items, and get_item of its first
 * position), in a new collection each time: from the network, and from a
 * snapshot on disk with the server's 304 coming after. */

typedef struct
{
  double   start;
  double   first_row;   /* ms after start; < 0 until then */
  double   network;     /* origin NETWORK: the data came from, or was
                         * confirmed by, the server; < 0 until then */
  gboolean from_disk;   /* origin was DISK */
  gboolean timed_out;
  double   stall_at;    /* when the longest main-loop stall ended, ms
                         * after start */
} FirstRow;

static void
first_row_items_changed_cb (GListModel *model,
                            guint       position,
                            guint       removed,
                            guint       added,
                            FirstRow   *fr)
{
  if (added == 0 || fr->first_row >= 0)
    return;

  /* What a GtkListView asks next: the row's object. */
  g_object_unref (g_list_model_get_item (model, position));
  fr->first_row = bench_now_ms () - fr->start;
}

static void
first_row_origin_cb (CacheitResource *resource,
                     GParamSpec      *pspec,
                     FirstRow        *fr)
{
  switch (cacheit_resource_get_origin (resource))
    {
    case CACHEIT_ORIGIN_DISK:
      fr->from_disk = TRUE;
      break;
    case CACHEIT_ORIGIN_NETWORK:
      if (fr->network < 0)
        fr->network = bench_now_ms () - fr->start;
      break;
    case CACHEIT_ORIGIN_NONE:
    default:
      break;
    }
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* One start: a new collection of @url, reading snapshots in @directory
 * (NULL: snapshot-policy NONE), fetched. Returns once the fetch completed,
 * the first row is in hand and the server has answered (for a start from
 * disk, the revalidation), and 20 ms more; *@stall_ms is the longest
 * main-loop stall over all that. */
static void
first_row_run (const char *url,
               const char *directory,
               FirstRow   *fr,
               double     *stall_ms)
{
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  Done done = { FALSE, 0 };
  gboolean timed_out = FALSE;
  guint timeout_id;
  BenchStall *stall;
  double stall_end;

  *fr = (FirstRow) { 0, -1, -1, FALSE, FALSE, 0 };
  cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), G_MAXUINT64);
  if (directory != NULL)
    cacheit_resource_set_snapshot_directory (CACHEIT_RESOURCE (collection), directory);
  else
    network_only (collection);
  g_signal_connect (collection, "items-changed", G_CALLBACK (first_row_items_changed_cb), fr);
  g_signal_connect (collection, "notify::origin", G_CALLBACK (first_row_origin_cb), fr);

  timeout_id = g_timeout_add_seconds (60, set_flag_cb, &timed_out);
  stall = bench_stall_start ();
  fr->start = bench_now_ms ();
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL, fetched_cb, &done);
  while (!timed_out && !(done.done && fr->first_row >= 0 && fr->network >= 0))
    g_main_context_iteration (NULL, TRUE);
  drain_for (20);
  *stall_ms = bench_stall_stop_at (stall, &stall_end);
  fr->stall_at = stall_end - fr->start;
  if (timed_out)
    {
      g_printerr ("# first-row: %s: no first row or no answer from the server after 60 s\n", url);
      fr->timed_out = TRUE;
    }
  else
    g_source_remove (timeout_id);

  g_signal_handlers_disconnect_by_data (collection, fr);
}

/* The file of @url's snapshot in @directory, as the store names it: the
 * SHA-256 of the key (the URL without user information and fragment). */
static char *
snapshot_file (const char *directory,
               const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *key = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_FRAGMENT);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *name = g_strconcat (hash, ".snapshot", NULL);

  return g_build_filename (directory, name, NULL);
}

/* The inode of @path, 0 when there is none. */
static guint64
file_inode (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_ino : 0;
}

/* Waits (iterating the main context) until @path is a file other than
 * @inode: the snapshot thread wrote it (a new file renamed in place). */
static gboolean
wait_for_new_file (const char *path,
                   guint64     inode)
{
  double until = bench_now_ms () + 30000;

  while (bench_now_ms () < until)
    {
      guint64 now = file_inode (path);

      if (now != 0 && now != inode)
        return TRUE;
      drain_for (1);
    }
  g_printerr ("# first-row: the snapshot %s was not written within 30 s\n", path);
  return FALSE;
}

static void
remove_directory (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_unlink (path);
    }
  g_rmdir (directory);
}

/* A child process: one start of @kind ("floor", "network": a collection
 * with snapshot-policy NONE, or "snapshot": a collection reading snapshots
 * in @directory, with or without a file there) against @url. Prints the
 * time to the first row (for the floor, to the parsed array), the time the
 * server's answer was applied or its 304 confirmed the data from disk,
 * whether the data came from disk first, and the longest main-loop stall.
 * A start with snapshots waits, before it exits, until the snapshot thread
 * wrote the file the answer asked for (a new snapshot, or the 304's
 * refreshed time): the next start finds the store idle. */
static int
first_row_child (const char *kind,
                 const char *url,
                 const char *directory)
{
  FirstRow fr = { 0, -1, -1, FALSE, FALSE, 0 };
  double stall = 0;

  if (g_str_equal (kind, "floor"))
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      JsonParser *held = NULL;

      floor_fetch (session, url, &held, &fr.first_row, &stall);
      fr.network = fr.first_row;
      g_clear_object (&held);
    }
  else if (g_str_equal (kind, "network"))
    first_row_run (url, NULL, &fr, &stall);
  else if (g_str_equal (kind, "snapshot") && directory != NULL)
    {
      g_autofree char *file = snapshot_file (directory, url);
      guint64 inode = file_inode (file);

      first_row_run (url, directory, &fr, &stall);
      if (!fr.timed_out && !wait_for_new_file (file, inode))
        return 1;
    }
  else
    {
      g_printerr ("first-row child: unknown kind %s\n", kind);
      return 2;
    }

  if (fr.timed_out)
    return 1;
  g_print ("%.4f %.4f %d %.4f %.4f\n", fr.first_row, fr.network, fr.from_disk, stall, fr.stall_at);
  return 0;
}

typedef struct
{
  GArray *first_row;
  GArray *network;
  GArray *stall;
  GArray *stall_at;
  guint   from_disk;
  guint   runs;
} Series;

/* Runs one start in a new process of this program, and adds its figures to
 * @series. */
static void
run_first_row_child (const char *self,
                     const char *kind,
                     const char *url,
                     const char *directory,
                     Series     *series)
{
  const char *argv[] = { self, "--first-row-child", kind, "--url", url, "--directory", directory, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;
  int status;
  double first_row, network, stall, stall_at;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("# first-row: the %s start failed: %s\n", kind, error->message);
      return;
    }

  words = g_strsplit (g_strstrip (out), " ", -1);
  if (g_strv_length (words) != 5)
    {
      g_printerr ("# first-row: the %s start printed \"%s\"\n", kind, out);
      return;
    }
  first_row = g_ascii_strtod (words[0], NULL);
  network = g_ascii_strtod (words[1], NULL);
  stall = g_ascii_strtod (words[3], NULL);
  stall_at = g_ascii_strtod (words[4], NULL);
  g_array_append_val (series->first_row, first_row);
  g_array_append_val (series->stall_at, stall_at);
  g_array_append_val (series->network, network);
  g_array_append_val (series->stall, stall);
  series->from_disk += atoi (words[2]) != 0;
  series->runs++;
}

/* Start-up, the time to the first row, each start in a new process (a new
 * heap, session, connection and snapshot thread, as an application that
 * starts): the floor; (a) no snapshot; the first start with the default
 * policy (an empty directory, the snapshot written after); (b) from the
 * snapshot that start wrote, the server up: its 304 comes after; (c) the
 * same with every answer of the server held @latency_ms: the floor, no
 * snapshot, and from the snapshot. The snapshot file is in the page cache,
 * as it is when an application starts again soon after. */
static void
measure_first_row (BenchServer *server,
                   const char  *self,
                   guint        n,
                   guint        repeats,
                   guint        latency_ms)
{
  g_autoptr(GBytes) body = bench_make_items (n, 0, 0);
  g_autofree char *path = g_strdup_printf ("/first-row-%u", n);
  g_autofree char *url = bench_server_url (server, path);
  enum { FLOOR, NET, FIRST, DISK, SLOW_FLOOR, SLOW_NET, SLOW_DISK, N_SERIES };
  Series v[N_SERIES];
  guint not_modified = 0, slow_not_modified = 0;
  Stat floor_s, net, disk, slow_floor, slow_net, slow_disk;

  for (guint i = 0; i < N_SERIES; i++)
    v[i] = (Series) { g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
                      g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
                      0, 0 };

  bench_server_set (server, path, body);
  bench_server_set_etag (server, path, "\"bench-first-row-1\"");

  /* The cases take turns in each repeat, so that what the machine's other
   * work costs falls on all of them alike. */
  for (guint r = 0; r < repeats; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *directory = g_dir_make_tmp ("cacheit-bench-XXXXXX", &error);
      guint before;

      g_assert_no_error (error);

      run_first_row_child (self, "floor", url, directory, &v[FLOOR]);
      run_first_row_child (self, "network", url, directory, &v[NET]);
      run_first_row_child (self, "snapshot", url, directory, &v[FIRST]);

      before = bench_server_count_not_modified (server, path);
      run_first_row_child (self, "snapshot", url, directory, &v[DISK]);
      not_modified += bench_server_count_not_modified (server, path) - before;

      bench_server_set_latency (server, path, latency_ms);
      run_first_row_child (self, "floor", url, directory, &v[SLOW_FLOOR]);
      run_first_row_child (self, "network", url, directory, &v[SLOW_NET]);
      before = bench_server_count_not_modified (server, path);
      run_first_row_child (self, "snapshot", url, directory, &v[SLOW_DISK]);
      slow_not_modified += bench_server_count_not_modified (server, path) - before;
      bench_server_set_latency (server, path, 0);

      remove_directory (directory);
    }

  floor_s = stat_of (v[FLOOR].first_row);
  net = stat_of (v[NET].first_row);
  disk = stat_of (v[DISK].first_row);
  slow_floor = stat_of (v[SLOW_FLOOR].first_row);
  slow_net = stat_of (v[SLOW_NET].first_row);
  slow_disk = stat_of (v[SLOW_DISK].first_row);

  {
    g_autofree char *m_floor = g_strdup_printf ("first-row: floor, %u items: time to a parsed array", n);
    g_autofree char *m_net = g_strdup_printf ("first-row: (a) no snapshot, %u items: time to the first row", n);
    g_autofree char *m_net_stall = g_strdup_printf ("first-row: (a) no snapshot, %u items: longest stall", n);
    g_autofree char *m_first = g_strdup_printf ("first-row: first start (empty snapshot directory), %u items: time to the first row", n);
    g_autofree char *m_disk = g_strdup_printf ("first-row: (b) from a snapshot, %u items: time to the first row", n);
    g_autofree char *m_disk_304 = g_strdup_printf ("first-row: (b) from a snapshot, %u items: time to the 304", n);
    g_autofree char *m_disk_stall = g_strdup_printf ("first-row: (b) from a snapshot, %u items: longest stall", n);
    g_autofree char *m_slow_floor = g_strdup_printf ("first-row: floor, %u ms latency, %u items: time to a parsed array", latency_ms, n);
    g_autofree char *m_slow_net = g_strdup_printf ("first-row: (c) no snapshot, %u ms latency, %u items: time to the first row", latency_ms, n);
    g_autofree char *m_slow_disk = g_strdup_printf ("first-row: (c) from a snapshot, %u ms latency, %u items: time to the first row", latency_ms, n);
    g_autofree char *m_slow_disk_304 = g_strdup_printf ("first-row: (c) from a snapshot, %u ms latency, %u items: time to the 304", latency_ms, n);
    g_autofree char *m_slow_disk_stall = g_strdup_printf ("first-row: (c) from a snapshot, %u ms latency, %u items: longest stall", latency_ms, n);
    g_autofree char *n_net = g_strdup_printf ("ratio: a/floor; snapshot-policy NONE; %u starts", v[NET].runs);
    g_autofree char *n_first = g_strdup_printf ("ratio: to (a); the default policy, no file yet: the snapshot is written "
                                                "after; %u starts", v[FIRST].runs);
    g_autofree char *n_disk = g_strdup_printf ("ratio: b/a; %u of %u started from disk (origin DISK); %.3fx the floor",
                                               v[DISK].from_disk, v[DISK].runs,
                                               floor_s.median > 0 ? disk.median / floor_s.median : 0);
    g_autofree char *n_disk_304 = g_strdup_printf ("ratio: to (a); %u of %u revalidations answered 304 (origin NETWORK)",
                                                   not_modified, v[DISK].runs);
    g_autofree char *n_slow_net = g_strdup_printf ("ratio: to the floor with the same latency; %u starts", v[SLOW_NET].runs);
    g_autofree char *n_slow_disk = g_strdup_printf ("ratio: c with a snapshot / c without; %u of %u started from disk; "
                                                    "%.3fx the floor with the same latency",
                                                    v[SLOW_DISK].from_disk, v[SLOW_DISK].runs,
                                                    slow_floor.median > 0 ? slow_disk.median / slow_floor.median : 0);
    g_autofree char *n_net_stall = g_strdup_printf ("from fetch_async to 20 ms after the data was applied; the longest "
                                                    "ended %.4g ms after fetch_async (median)",
                                                    stat_of (v[NET].stall_at).median);
    g_autofree char *n_disk_stall = g_strdup_printf ("from fetch_async to 20 ms after the 304; the longest ended "
                                                     "%.4g ms after fetch_async (median)",
                                                     stat_of (v[DISK].stall_at).median);
    g_autofree char *n_slow_disk_stall = g_strdup_printf ("from fetch_async to 20 ms after the 304; the longest ended "
                                                          "%.4g ms after fetch_async (median)",
                                                          stat_of (v[SLOW_DISK].stall_at).median);
    g_autofree char *n_slow_disk_304 = g_strdup_printf ("ratio: to c without a snapshot; %u of %u answered 304",
                                                        slow_not_modified, v[SLOW_DISK].runs);

    row (m_floor, "", floor_s, "ms", 0, "send_and_read_async + JsonParser in a GTask thread");
    row (m_net, "", net, "ms", floor_s.median, n_net);
    row (m_net_stall, "<= 16 ms", stat_of (v[NET].stall), "ms", 0, n_net_stall);
    row (m_first, "", stat_of (v[FIRST].first_row), "ms", net.median, n_first);
    row (m_disk, "", disk, "ms", net.median, n_disk);
    row (m_disk_304, "", stat_of (v[DISK].network), "ms", net.median, n_disk_304);
    row (m_disk_stall, "<= 16 ms", stat_of (v[DISK].stall), "ms", 0, n_disk_stall);
    row (m_slow_floor, "", slow_floor, "ms", 0, "every answer held by the server");
    row (m_slow_net, "", slow_net, "ms", slow_floor.median, n_slow_net);
    row (m_slow_disk, "", slow_disk, "ms", slow_net.median, n_slow_disk);
    row (m_slow_disk_304, "", stat_of (v[SLOW_DISK].network), "ms", slow_net.median, n_slow_disk_304);
    row (m_slow_disk_stall, "<= 16 ms", stat_of (v[SLOW_DISK].stall), "ms", 0, n_slow_disk_stall);
  }

  for (guint i = 0; i < N_SERIES; i++)
    {
      g_array_unref (v[i].first_row);
      g_array_unref (v[i].network);
      g_array_unref (v[i].stall);
      g_array_unref (v[i].stall_at);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes_s = g_strdup ("1000,10000,100000,1000000");
  g_autofree char *peers = NULL;
  g_autofree char *data_file = NULL;
  g_autofree char *only = NULL;
  int repeats = 5;
  int latency = 300;
  g_autofree char *child = NULL;
  g_autofree char *child_url = NULL;
  g_autofree char *child_directory = NULL;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_s, "Item counts", "N,N,..." },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Repeats of each measure", "N" },
    { "peers", 0, 0, G_OPTION_ARG_FILENAME, &peers, "Folder of peer.py and peer.js", "DIR" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_file, "Write plot data here", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run only these measures: sizes, revalidation, pages, "
      "cached, joining, typed, first-row (default: all)", "MEASURE,..." },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency, "first-row: the latency of the distant server "
      "(default: 300)", "MS" },
    { "first-row-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child, NULL, NULL },
    { "url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child_url, NULL, NULL },
    { "directory", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &child_directory, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- cacheit-glib benchmarks");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_auto(GStrv) sizes = NULL;
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (SizeResult));
  BenchServer *server;
  FILE *data = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child != NULL)
    {
      if (child_url == NULL)
        {
          g_printerr ("--first-row-child needs --url\n");
          return 2;
        }
      return first_row_child (child, child_url, child_directory);
    }

  if (only != NULL)
    {
      const char *known[] = { "sizes", "revalidation", "pages", "cached", "joining", "typed", "first-row",
                              NULL };

      only_measures = g_strsplit (only, ",", -1);
      for (guint i = 0; only_measures[i] != NULL; i++)
        if (!g_strv_contains (known, g_strstrip (only_measures[i])))
          {
            g_printerr ("unknown measure %s (known: sizes, revalidation, pages, cached, joining, typed, "
                        "first-row)\n",
                        only_measures[i]);
            return 2;
          }
    }

  server = bench_server_new ();
  sizes = g_strsplit (selected ("sizes") ? sizes_s : "", ",", -1);

  g_print ("| measure | median | min - max | ratio to floor | target | notes |\n");
  g_print ("|---|---|---|---|---|---|\n");

  for (guint i = 0; sizes[i] != NULL; i++)
    {
      SizeResult result = { 0 };
      guint n = (guint) atoi (sizes[i]);
      guint r = n >= 1000000 ? (guint) MAX (repeats / 2, 3) : (guint) repeats;
      g_autofree char *m = NULL;
      g_autofree char *note = NULL;

      measure_size (server, session, n, r, peers, &result);
      g_array_append_val (results, result);

      m = g_strdup_printf ("floor: cold fetch, %u items: time", n);
      row (m, "", result.floor_time, "ms", 0, "send_and_read_async + JsonParser in a GTask thread");
      g_free (m);
      m = g_strdup_printf ("floor: cold fetch, %u items: longest stall", n);
      row (m, "", result.floor_stall, "ms", 0, NULL);
      g_free (m);
      m = g_strdup_printf ("cold fetch to data in hand, %u items", n);
      row (m, "<= 0.15x", result.cold_time, "ms", result.floor_time.median, NULL);
      g_free (m);
      if (result.have_python)
        {
          m = g_strdup_printf ("Python urllib + json.loads, %u items", n);
          note = g_strdup_printf ("cacheit is %.1fx faster", result.python_time.median / result.cold_time.median);
          row (m, "slower than cacheit", result.python_time, "ms", result.floor_time.median, note);
          g_free (m);
          g_clear_pointer (&note, g_free);
        }
      if (result.have_gjs)
        {
          m = g_strdup_printf ("gjs Soup + JSON.parse, %u items", n);
          note = g_strdup_printf ("cacheit is %.1fx faster", result.gjs_time.median / result.cold_time.median);
          row (m, "slower than cacheit", result.gjs_time, "ms", result.floor_time.median, note);
          g_free (m);
          g_clear_pointer (&note, g_free);
        }
      m = g_strdup_printf ("cold fetch, %u items: longest main-loop stall", n);
      row (m, "<= 16 ms", result.cold_stall, "ms", result.floor_stall.median, NULL);
      g_free (m);
      m = g_strdup_printf ("memory held per item, %u items", n);
      note = g_strdup_printf ("floor %.0f B/item; Python's dicts %.0f B/item",
                              result.floor_bytes_per_item, result.python_bytes_per_item);
      row (m, "<= 0.25x, below Python", (Stat) { result.cacheit_bytes_per_item, result.cacheit_bytes_per_item,
                                                  result.cacheit_bytes_per_item },
           "B", result.floor_bytes_per_item, note);
      g_free (m);
      g_clear_pointer (&note, g_free);
      m = g_strdup_printf ("get_item, %u items: first / repeated", n);
      note = g_strdup_printf ("repeated: %.3f us; mean of 100 items spread over the list", result.repeated_get_item_us);
      row (m, "independent of size", (Stat) { result.first_get_item_us, result.first_get_item_us,
                                              result.first_get_item_us },
           "us", 0, note);
    }

  for (guint i = 0; i < results->len; i++)
    {
      SizeResult *result = &g_array_index (results, SizeResult, i);

      if (result->n == 100000)
        measure_refetch (server, result->n, (guint) repeats, result->floor_time, result->floor_stall);
      if (result->n == 1000000)
        measure_refetch (server, result->n, 2, result->floor_time, result->floor_stall);
    }

  if (selected ("revalidation"))
    measure_revalidation (server, 100000, (guint) repeats);
  if (selected ("pages"))
    measure_pages (server, session, 100000, 2000, (guint) repeats);
  if (selected ("cached"))
    measure_cached (server);
  if (selected ("joining"))
    measure_joining (server);
  if (selected ("typed"))
    measure_typed (server);
  if (selected ("first-row"))
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

      measure_first_row (server, self, 1000, (guint) repeats, (guint) MAX (latency, 0));
      measure_first_row (server, self, 100000, (guint) repeats, (guint) MAX (latency, 0));
    }

  if (data_file != NULL && (data = fopen (data_file, "w")) != NULL)
    {
      fprintf (data, "# items cacheit_ms floor_ms python_ms gjs_ms cacheit_B floor_B python_B\n");
      for (guint i = 0; i < results->len; i++)
        {
          SizeResult *r = &g_array_index (results, SizeResult, i);

          fprintf (data, "%u %.3f %.3f %.3f %.3f %.1f %.1f %.1f\n", r->n,
                   r->cold_time.median, r->floor_time.median,
                   r->have_python ? r->python_time.median : NAN,
                   r->have_gjs ? r->gjs_time.median : NAN,
                   r->cacheit_bytes_per_item, r->floor_bytes_per_item,
                   r->have_python ? r->python_bytes_per_item : NAN);
        }
      fclose (data);
    }

  bench_server_free (server);
  g_clear_pointer (&only_measures, g_strfreev);
  return 0;
}
