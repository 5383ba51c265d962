/* cacheit-bench.c: every measure of DESIGN §6, each against the code a
 * careful developer writes by hand (the floor: soup_session_send_and_read_async
 * + json_parser_load_from_data in a GTask thread, the tree kept), measured in
 * the same process and run, against the same server (in a thread of its own).
 * Python's urllib + json.loads and gjs's Soup + JSON.parse fetch from that
 * same server, in processes of their own.
 *
 *   cacheit-bench [--sizes 1000,10000,100000,1000000] [--repeats 5]
 *                 [--peers DIR] [--data FILE] [--only MEASURE,...]
 *
 * Prints a Markdown table of medians (min - max) and ratios; --data writes
 * the cold-fetch time and memory per item for each size, for the plot.
 * --only runs some of the measures (all by default): "sizes" (cold fetch,
 * stall, memory and get_item for each size, then the refetches of 100,000
 * and 1,000,000 items, which need the floor of their size), "revalidation"
 * (a reload of an unchanged 100,000-item collection answered 304, against a
 * cold fetch of it), "cached", "joining" and "typed".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cacheit.h>
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
measure_cached (BenchServer *server)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"id\": 1}", 9);
  g_autofree char *url = bench_server_url (server, "/one");
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  const guint n = 1000000;

  bench_server_set (server, "/one", body);
  model = cacheit_model_new (url);
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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sizes_s = g_strdup ("1000,10000,100000,1000000");
  g_autofree char *peers = NULL;
  g_autofree char *data_file = NULL;
  g_autofree char *only = NULL;
  int repeats = 5;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_s, "Item counts", "N,N,..." },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats, "Repeats of each measure", "N" },
    { "peers", 0, 0, G_OPTION_ARG_FILENAME, &peers, "Folder of peer.py and peer.js", "DIR" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_file, "Write plot data here", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run only these measures: sizes, revalidation, cached, "
      "joining, typed (default: all)", "MEASURE,..." },
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

  if (only != NULL)
    {
      const char *known[] = { "sizes", "revalidation", "cached", "joining", "typed", NULL };

      only_measures = g_strsplit (only, ",", -1);
      for (guint i = 0; only_measures[i] != NULL; i++)
        if (!g_strv_contains (known, g_strstrip (only_measures[i])))
          {
            g_printerr ("unknown measure %s (known: sizes, revalidation, cached, joining, typed)\n",
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
  if (selected ("cached"))
    measure_cached (server);
  if (selected ("joining"))
    measure_joining (server);
  if (selected ("typed"))
    measure_typed (server);

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
