/* cacheit-freshness.h: how fresh the data in hand is.
 *
 * cacheit-freshness.c owns what a resource knows of the freshness of its
 * data: the validators (ETag, Last-Modified) it revalidates with, when the
 * server last confirmed it (monotonic and wall clock), how long the server
 * said it stays fresh, where it came from, whether it is stale, and the
 * timer for when fresh data goes stale, and whether a write of the process
 * invalidated the data since it was confirmed (it asks
 * cacheit-invalidation.h). It tells its owner of each change of what shows
 * (:last-updated, :stale, :origin) through one callback. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cacheit-resource.h"
#include "cacheit-store.h"

G_BEGIN_DECLS

typedef enum
{
  CACHEIT_FRESHNESS_LAST_UPDATED,
  CACHEIT_FRESHNESS_STALE,
  CACHEIT_FRESHNESS_ORIGIN,
  /* The data went stale with time: the owner calls
   * _cacheit_freshness_update() (which tells STALE). */
  CACHEIT_FRESHNESS_EXPIRED,
} CacheitFreshnessChange;

typedef void (* CacheitFreshnessChanged) (GObject                *owner,
                                          CacheitFreshnessChange  change);

typedef struct
{
  GObject                 *owner;        /* Not owned: it embeds this. */
  GMainContext            *context;      /* Not owned: the owner's. */
  CacheitFreshnessChanged  changed;

  char                    *etag;
  char                    *last_modified;
  GDateTime               *last_updated;
  gint64                   confirmed_at;     /* Monotonic. */
  gint64                   server_lifetime;  /* Seconds, -1 for ever. */
  /* What else the server said of reusing it (CacheitHttpCaching), and the
   * string a snapshot keeps of that (NULL when there is nothing to keep). */
  gint64                   stale_while_revalidate;   /* Seconds, -1: not said. */
  gint64                   stale_if_error;           /* Seconds, -1: not said. */
  char                    *caching;
  CacheitOrigin            origin;
  GSource                 *stale_source;
  guint                    stale : 1;
  guint                    invalidated : 1;
  guint                    must_revalidate : 1;
  guint                    immutable : 1;
  /* It varies on request headers that may differ from one request to the
   * next (Vary: *, or a name other than Accept and Accept-Encoding, which
   * are the same on every request of the library). */
  guint                    varies : 1;
  /* Writes of the process that invalidate (cacheit-invalidation.h): the
   * wall-clock time (microseconds) from which the data in hand is known
   * to be the server's (its confirmation, its snapshot's stored_at, or
   * its own write), and the serial of the marks last looked at. */
  gint64                   confirmed_real;
  guint                    writes_serial;
} CacheitFreshness;

/* What a fetch without reload may do with the data in hand. */
typedef enum
{
  CACHEIT_FRESHNESS_USE_FRESH,        /* Complete from it. */
  CACHEIT_FRESHNESS_USE_STALE,        /* Complete from it, and revalidate. */
  CACHEIT_FRESHNESS_USE_REVALIDATE,   /* Wait for a revalidation first. */
} CacheitFreshnessUse;

void        _cacheit_freshness_init          (CacheitFreshness        *self,
                                              GObject                 *owner,
                                              GMainContext            *context,
                                              CacheitFreshnessChanged  changed);
/* Stops the timer (dispose). */
void        _cacheit_freshness_stop          (CacheitFreshness        *self);
/* Frees everything (finalize). */
void        _cacheit_freshness_clear         (CacheitFreshness        *self);

/* Recomputes :stale for data in hand or not (@has_data), with the
 * application's max-age (-1: the server's lifetime), and sets the timer for
 * when fresh data goes stale. */
void        _cacheit_freshness_update        (CacheitFreshness        *self,
                                              gboolean                 has_data,
                                              int                      max_age);

/* The server confirmed the data in hand: it sent it (a 200 that was
 * applied, @status), or said with @headers that it has not changed
 * (@not_modified, a 304, which updates only what it carries). */
void        _cacheit_freshness_confirm       (CacheitFreshness        *self,
                                              guint                    status,
                                              SoupMessageHeaders      *headers,
                                              gboolean                 not_modified,
                                              int                      max_age);
/* The data came from @snapshot, of @key: what it says of its freshness,
 * and stale if a write of the process invalidated @key since it was stored. */
void        _cacheit_freshness_restore       (CacheitFreshness        *self,
                                              CacheitSnapshot         *snapshot,
                                              const char              *key,
                                              int                      max_age);
/* The data in hand (if any) is to be revalidated on the next fetch. */
void        _cacheit_freshness_invalidate    (CacheitFreshness        *self,
                                              gboolean                 has_data,
                                              int                      max_age);
/* The data in hand no longer matches its validators: the next request is a
 * full one. */
void        _cacheit_freshness_forget_validators (CacheitFreshness    *self);
/* Nothing is known of the data any more (the URL changed): no validators,
 * no lifetime, no time; the owner then updates :stale and :origin. */
void        _cacheit_freshness_reset         (CacheitFreshness        *self);
void        _cacheit_freshness_set_origin    (CacheitFreshness        *self,
                                              CacheitOrigin            origin);

/* What a fetch may do with the data in hand (see docs/freshness.md):
 * fresh data completes it; stale data completes it and is revalidated (the
 * library's data-first rule), unless the server said must-revalidate or
 * no-cache, or gave a stale-while-revalidate window that passed: then the
 * fetch waits for the revalidation. */
CacheitFreshnessUse _cacheit_freshness_use   (CacheitFreshness        *self,
                                              int                      max_age);
/* Whether the data in hand, stale, may complete a fetch whose
 * revalidation failed with @error (after an answer of @status): a server
 * error (5xx) or a dropped connection, within the stale-if-error window
 * the server gave (RFC 5861, 4). */
gboolean    _cacheit_freshness_stale_if_error (CacheitFreshness       *self,
                                               int                     max_age,
                                               const GError           *error,
                                               guint                   status);
/* Whether a reload of the data in hand needs no request: it is fresh and
 * the server said immutable (RFC 8246). */
gboolean    _cacheit_freshness_skips_reload  (CacheitFreshness        *self);
/* Whether @snapshot may be shown, and complete a fetch, before the server
 * confirmed it: not when it varies (see CacheitFreshness.varies), nor when
 * it is stale and _cacheit_freshness_use() would wait. */
gboolean    _cacheit_freshness_snapshot_usable (CacheitSnapshot       *snapshot,
                                                int                    max_age);

/* Adds the validators to a request's @headers; returns whether it is
 * conditional. */
gboolean    _cacheit_freshness_add_validators (CacheitFreshness       *self,
                                               SoupMessageHeaders     *headers);

/* Whether a write of this process invalidated @url (the data's) after the
 * data in hand was confirmed (RFC 9111, 4.4), and that was not told yet:
 * the owner then invalidates it. Cheap when no write was answered since
 * the last call. */
gboolean    _cacheit_freshness_invalidated_by_writes (CacheitFreshness *self,
                                                      const char       *url);
/* @message, a write for the data of @url, was answered: the invalidation
 * of its own success spares the data it committed (see docs/freshness.md);
 * another write's since the data was confirmed still counts. */
void        _cacheit_freshness_wrote         (CacheitFreshness        *self,
                                              const char              *url,
                                              SoupMessage             *message);

G_END_DECLS
