/* cacheit-invalidation.h: what the writes of this process invalidated.
 *
 * cacheit-invalidation.c owns one process-wide table: for each snapshot key
 * (a URL without user information and fragment, see
 * _cacheit_http_snapshot_key()), the wall-clock time (g_get_real_time(),
 * made to increase strictly) of the last write the library sent that
 * invalidated it (RFC 9111, 4.4: a PUT, POST, PATCH or DELETE answered with
 * a status below 400 invalidates its URL, and the same-origin URLs of its
 * answer's Location and Content-Location). The write queue marks; a
 * resource asks, before it answers a fetch from memory or from a snapshot,
 * whether its key was invalidated after its data was confirmed.
 *
 * The table is bounded: it holds at most CACHEIT_INVALIDATION_MAX_KEYS
 * keys. Marking one more drops the key marked longest ago, and its time
 * becomes the horizon: data confirmed before the horizon counts as
 * invalidated, whatever its key, since the table no longer knows. That
 * errs on the side of one revalidation too many, never of stale data
 * served as fresh; memory stays bounded however long the process runs.
 *
 * Any thread (one GMutex). It calls nothing of the library but
 * cacheit-http.c's snapshot key; the write queue and the freshness of each
 * resource call it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How many keys the table holds at most. */
#define CACHEIT_INVALIDATION_MAX_KEYS 1024

/* Whether an answer of @status to an unsafe method invalidates (RFC 9111,
 * 4.4): a final status from 200 to 399. */
gboolean  _cacheit_invalidation_status_invalidates (guint               status);

/* The snapshot keys an invalidating answer with @response_headers to a
 * request for @request_uri invalidates: the request's own, then those of
 * its Location and Content-Location (resolved against @request_uri) when
 * they are of the same origin (scheme, host and port); each once, in that
 * order. NULL-terminated; empty when @request_uri has no key. */
char    **_cacheit_invalidation_keys        (GUri               *request_uri,
                                             SoupMessageHeaders *response_headers);

/* Marks @key invalidated now. Returns the time of the mark. */
gint64    _cacheit_invalidation_mark        (const char         *key);

/* Marks the keys of _cacheit_invalidation_keys() for @message, a write
 * that was answered (the caller checked its status), and returns them. */
char    **_cacheit_invalidation_mark_answer (SoupMessage        *message);

/* Whether @key was invalidated after @real_time (wall clock, in
 * microseconds; 0 for never confirmed), or @real_time is before the
 * horizon. */
gboolean  _cacheit_invalidation_since       (const char         *key,
                                             gint64              real_time);

/* For the writer whose write made the last mark of @key: whether @key was
 * invalidated after @real_time by an earlier mark (or @real_time is before
 * the horizon, or @key has no mark at all), and in @own_time the time of
 * the last mark, which the writer's data is as new as. */
gboolean  _cacheit_invalidation_since_own   (const char         *key,
                                             gint64              real_time,
                                             gint64             *own_time);

/* Moves on with each mark: a reader that saw the same serial has no mark
 * to look up since. */
guint     _cacheit_invalidation_get_serial  (void);

/* How many keys the table holds, for tests. */
guint     _cacheit_invalidation_get_n_keys  (void);

G_END_DECLS
