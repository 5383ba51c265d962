/* bench-common.h: what the benchmarks share: a server in a thread of its own
 * (so its work is not counted against the client's main loop), a main-loop
 * stall meter, and statistics.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <cacheit.h>

G_BEGIN_DECLS

typedef struct _BenchServer BenchServer;

BenchServer *bench_server_new      (void);
void         bench_server_free     (BenchServer *server);
char        *bench_server_url      (BenchServer *server,
                                    const char  *path);
/* Serves @body at @path from now on. */
void         bench_server_set      (BenchServer *server,
                                    const char  *path,
                                    GBytes      *body);
guint        bench_server_count    (BenchServer *server,
                                    const char  *path);
/* From now on @path is sent with an ETag: @etag (quoted, as in the header),
 * and a request whose If-None-Match matches it is answered 304 Not Modified,
 * with no body. Other paths send no validator. */
void         bench_server_set_etag (BenchServer *server,
                                    const char  *path,
                                    const char  *etag);
/* Requests of @path answered 304 so far. */
guint        bench_server_count_not_modified (BenchServer *server,
                                              const char  *path);
/* From now on every answer for @path (200, 304 or 404) is held @latency_ms
 * before it is sent, as a distant server would be (0: none, the default).
 * The server's thread is not blocked: other requests are answered
 * meanwhile. */
void         bench_server_set_latency (BenchServer *server,
                                       const char  *path,
                                       guint        latency_ms);
/* From now on every 200 answer for @path has the header @name: @value (a
 * Link to the next page, say), replacing a value set before for @name. */
void         bench_server_set_header (BenchServer *server,
                                      const char  *path,
                                      const char  *name,
                                      const char  *value);

/* A JSON array of @n items of about 155 bytes each. Every @change_every-th
 * item (0: none) gets a changed attribute; ids from @first_id. */
GBytes      *bench_make_items      (guint        n,
                                    guint        first_id,
                                    guint        change_every);

/* Records the longest gap between ticks of a 1 ms timeout in the
 * thread-default main context: how long the main loop was blocked. */
typedef struct _BenchStall BenchStall;

BenchStall  *bench_stall_start     (void);
double       bench_stall_stop      (BenchStall  *stall);   /* ms, frees */
/* The same, and *@ended_at: when the longest stall ended (bench_now_ms ()). */
double       bench_stall_stop_at   (BenchStall  *stall,
                                    double      *ended_at);

/* Iterates the thread-default context until *@flag. */
void         bench_wait            (gboolean    *flag);

double       bench_now_ms          (void);
int          bench_compare_doubles (gconstpointer a,
                                    gconstpointer b);

/* A typed item for the records of bench_make_items (): a property for each
 * member. */
GType        bench_record_get_type (void);

G_END_DECLS
