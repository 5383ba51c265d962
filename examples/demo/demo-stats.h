/* demo-stats.h: what the demo counts, and the main-loop stall meter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

G_BEGIN_DECLS

typedef struct
{
  guint    fetch_calls;       /* cacheit_resource_fetch_async() and
                               * cacheit_collection_load_more_async() calls made. */
  guint    requests;          /* HTTP requests sent: the "request" signals. */
  guint64  bytes;             /* Response body bytes received. */
  guint    not_modified;      /* Requests answered 304 Not Modified. */
  GError  *last_error;        /* The last error a fetch reported. */
  gint64   longest_stall;     /* The longest gap in the main loop, in µs,
                               * less the time GTK spent drawing in it. */
  gint64   longest_frame;     /* The longest GTK frame (update, layout, paint). */
  gint64   longest_list;      /* The longest time GTK's list models and list
                               * widgets took to follow an items-changed. */

  /* The stall meter. */
  guint    tick_id;
  gint64   last_tick;
  gint64   excluded_start;
  gint64   excluded_time;     /* GTK's time since the last tick. */

  /* Called whenever a figure changes. */
  void   (*changed) (gpointer user_data);
  gpointer user_data;
} DemoStats;

void demo_stats_clear        (DemoStats       *stats);
void demo_stats_watch        (DemoStats       *stats,
                              CacheitResource *resource);
guint demo_stats_get_resource_requests (CacheitResource *resource);
void demo_stats_fetch        (DemoStats           *stats,
                              CacheitResource     *resource,
                              CacheitFetchFlags    flags,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
void demo_stats_load_more    (DemoStats           *stats,
                              CacheitCollection   *collection,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
void demo_stats_set_error    (DemoStats       *stats,
                              const GError    *error);
void demo_stats_start_meter  (DemoStats       *stats);
void demo_stats_gtk_begin    (DemoStats       *stats);
void demo_stats_gtk_end      (DemoStats       *stats,
                              gint64          *longest);
void demo_stats_stop_meter   (DemoStats       *stats);
void demo_stats_reset_stall  (DemoStats       *stats);

char *demo_format_bytes      (guint64          bytes);
char *demo_format_ms         (gint64           us);
char *demo_format_count      (guint64          n);

G_END_DECLS
