/* demo-stats.c: what the demo counts, and the main-loop stall meter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fetch calls are counted where the demo makes them; HTTP requests through
 * the "request" signal, which the library emits for each real request and
 * never for a fetch answered from the cache; bytes from libsoup's metrics of
 * each message, and the answers 304 Not Modified from its status.
 *
 * The stall meter is a 1 ms timeout on the main context: when the main loop
 * is free, it runs every millisecond or so. The longest gap between two of
 * its runs, less the millisecond it asked for, is the longest time the main
 * loop could not run anything else: a window that did not redraw, a click
 * that waited.
 *
 * In the window, GTK works in that same main loop: it draws frames, whose
 * cost depends on the renderer (a few ms with OpenGL, 50 ms and more in
 * software under xvfb), and its list models and column view follow each
 * items-changed of the collection. Neither is the library's work, so the
 * window reports both (demo_stats_gtk_begin/end: around each frame, from the
 * frame clock's before-paint to its after-paint, and around each emission of
 * items-changed) and the meter counts them apart: longest_stall is what is
 * left of a gap without them; longest_frame and longest_list are GTK's.
 */

#include <string.h>

#include "demo-stats.h"

static void
notify_changed (DemoStats *stats)
{
  if (stats->changed != NULL)
    stats->changed (stats->user_data);
}

static void
finished_cb (SoupMessage *message,
             DemoStats   *stats)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (message);

  if (metrics != NULL)
    {
      stats->bytes += soup_message_metrics_get_response_body_bytes_received (metrics);
      notify_changed (stats);
    }
}

/* Counted as soon as the status is known: "finished" may come after the
 * fetch completed, since a 304 has no body to read to its end. */
static void
got_headers_cb (SoupMessage *message,
                DemoStats   *stats)
{
  if (soup_message_get_status (message) == SOUP_STATUS_NOT_MODIFIED)
    {
      stats->not_modified++;
      notify_changed (stats);
    }
}

static void
request_cb (CacheitResource *resource,
            SoupMessage     *message,
            DemoStats       *stats)
{
  /* A request made for an item emits "request" on its collection, then on
   * the item, one after the other: it is counted once, for the item. */
  CacheitResource *counted = g_object_get_data (G_OBJECT (message), "demo-counted-for");

  if (counted == NULL)
    {
      stats->requests++;
      soup_message_add_flags (message, SOUP_MESSAGE_COLLECT_METRICS);
      g_signal_connect (message, "finished", G_CALLBACK (finished_cb), stats);
      g_signal_connect (message, "got-headers", G_CALLBACK (got_headers_cb), stats);
    }
  else
    g_object_set_data (G_OBJECT (counted), "demo-requests",
                       GUINT_TO_POINTER (demo_stats_get_resource_requests (counted) - 1));
  /* Only read by the emissions of this same request, which follow at once. */
  g_object_set_data (G_OBJECT (message), "demo-counted-for", resource);
  g_object_set_data (G_OBJECT (resource), "demo-requests",
                     GUINT_TO_POINTER (demo_stats_get_resource_requests (resource) + 1));
  notify_changed (stats);
}

static void
error_cb (CacheitResource *resource,
          const GError    *error,
          DemoStats       *stats)
{
  demo_stats_set_error (stats, error);
}

/* The requests sent for @resource alone, once it is watched. */
guint
demo_stats_get_resource_requests (CacheitResource *resource)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (resource), "demo-requests"));
}

/* Counts the requests of @resource, once however often it is called. */
void
demo_stats_watch (DemoStats       *stats,
                  CacheitResource *resource)
{
  if (g_object_get_data (G_OBJECT (resource), "demo-stats") == stats)
    return;

  g_object_set_data (G_OBJECT (resource), "demo-stats", stats);
  g_signal_connect (resource, "request", G_CALLBACK (request_cb), stats);
  g_signal_connect (resource, "error", G_CALLBACK (error_cb), stats);
}

/* A fetch call, counted. */
void
demo_stats_fetch (DemoStats           *stats,
                  CacheitResource     *resource,
                  CacheitFetchFlags    flags,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  demo_stats_watch (stats, resource);
  stats->fetch_calls++;
  cacheit_resource_fetch_async (resource, flags, NULL, callback, user_data);
  notify_changed (stats);
}

/* A load_more call, counted with the fetch calls: it asks for data as a
 * fetch does, and is answered from what is loading when it can. */
void
demo_stats_load_more (DemoStats           *stats,
                      CacheitCollection   *collection,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  demo_stats_watch (stats, CACHEIT_RESOURCE (collection));
  stats->fetch_calls++;
  cacheit_collection_load_more_async (collection, NULL, callback, user_data);
  notify_changed (stats);
}

void
demo_stats_set_error (DemoStats    *stats,
                      const GError *error)
{
  if (stats->last_error == error)
    return;

  g_clear_error (&stats->last_error);
  if (error != NULL)
    stats->last_error = g_error_copy (error);
  notify_changed (stats);
}

static gboolean
tick_cb (gpointer user_data)
{
  DemoStats *stats = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 stall = now - stats->last_tick - 1000 - stats->excluded_time;

  stats->last_tick = now;
  stats->excluded_time = 0;
  if (stall > 16000)
    g_debug ("the main loop stalled for %.1f ms", stall / 1000.0);
  if (stall > stats->longest_stall)
    {
      stats->longest_stall = stall;
      notify_changed (stats);
    }

  return G_SOURCE_CONTINUE;
}

void
demo_stats_start_meter (DemoStats *stats)
{
  if (stats->tick_id != 0)
    return;

  stats->last_tick = g_get_monotonic_time ();
  stats->tick_id = g_timeout_add (1, tick_cb, stats);
}

/* GTK starts working: drawing, or following an items-changed. */
void
demo_stats_gtk_begin (DemoStats *stats)
{
  stats->excluded_start = g_get_monotonic_time ();
}

/* GTK is done; *@longest is the figure to update. */
void
demo_stats_gtk_end (DemoStats *stats,
                    gint64    *longest)
{
  gint64 time;

  if (stats->excluded_start == 0)
    return;

  time = g_get_monotonic_time () - stats->excluded_start;
  stats->excluded_start = 0;
  if (stats->tick_id != 0)
    stats->excluded_time += time;
  if (time > *longest)
    {
      *longest = time;
      notify_changed (stats);
    }
}

void
demo_stats_stop_meter (DemoStats *stats)
{
  g_clear_handle_id (&stats->tick_id, g_source_remove);
}

void
demo_stats_reset_stall (DemoStats *stats)
{
  stats->longest_stall = 0;
  stats->longest_frame = 0;
  stats->longest_list = 0;
  stats->excluded_time = 0;
  stats->last_tick = g_get_monotonic_time ();
}

void
demo_stats_clear (DemoStats *stats)
{
  demo_stats_stop_meter (stats);
  g_clear_error (&stats->last_error);
}

/* "16.2 MB", in the units GLib uses; a dash for nothing. */
char *
demo_format_bytes (guint64 bytes)
{
  if (bytes == 0)
    return g_strdup ("—");

  return g_format_size (bytes);
}

/* "3.4 ms". */
char *
demo_format_ms (gint64 us)
{
  return g_strdup_printf ("%.1f ms", MAX (us, 0) / 1000.0);
}

/* "100,000". */
char *
demo_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}
