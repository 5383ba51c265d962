/* cacheit-flight.h: one request and its body, shared by every resource in
 * one main context that asks for the same thing while it is in the air.
 *
 * cacheit-flight.c owns the flights: the table of those that may be shared,
 * their subscribers, the message, its body (read by cacheit-reader.c), and
 * the first decoding step of that body, shared between worker threads. It
 * knows its subscribers only as callbacks: no GObject type of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _CacheitFlight CacheitFlight;
typedef void (* CacheitFlightFunc) (CacheitFlight *flight,
                                    gpointer       user_data);

char          *_cacheit_flight_key         (GMainContext      *context,
                                            SoupSession       *session,
                                            SoupMessage       *message,
                                            guint64            max_size);
/* A flight in the air for @key, or NULL. */
CacheitFlight *_cacheit_flight_lookup      (const char        *key);
/* @key NULL makes a flight nobody else joins. */
CacheitFlight *_cacheit_flight_new         (GMainContext      *context,
                                            SoupSession       *session,
                                            SoupMessage       *message,
                                            guint64            max_size,
                                            const char        *key);
/* A flight nobody else joins (a write's), stopped by @cancellable too: its
 * subscribers then hear of it with G_IO_ERROR_CANCELLED. */
CacheitFlight *_cacheit_flight_new_alone   (GMainContext      *context,
                                            SoupSession       *session,
                                            SoupMessage       *message,
                                            guint64            max_size,
                                            GCancellable      *cancellable);
/* The body of the request, set on the message again when the flight sends
 * it again (a client's gate: a 401, a rate limit): libsoup reads it from a
 * stream, once. */
void           _cacheit_flight_set_request_body (CacheitFlight *self,
                                                 GBytes        *body);
/* Sends the message; on a client's session (cacheit-gate.h), once its gate
 * lets it go, and again as the gate says. */
void           _cacheit_flight_start       (CacheitFlight     *self);
CacheitFlight *_cacheit_flight_ref         (CacheitFlight     *self);
void           _cacheit_flight_unref       (CacheitFlight     *self);
/* @func runs once, when the response is in (or failed), unless the
 * subscriber left first (_cacheit_flight_leave()); the last one to leave
 * cancels the flight. */
guint          _cacheit_flight_subscribe   (CacheitFlight     *self,
                                            CacheitFlightFunc  func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);
/* Unsubscribes @subscription (if not 0) from *@flight, and drops the
 * reference *@flight holds; both are cleared. */
void           _cacheit_flight_leave       (CacheitFlight    **flight,
                                            guint             *subscription);
/* The outcome: a transport or read error; else the message's status tells,
 * and a success has its body. */
SoupMessage   *_cacheit_flight_get_message (CacheitFlight     *self);
const GError  *_cacheit_flight_get_error   (CacheitFlight     *self);
GBytes        *_cacheit_flight_get_body    (CacheitFlight     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitFlight, _cacheit_flight_unref)

/* The first decoding step of a flight's body for one key (the share_key()
 * and decode_shared() of CacheitDecodeOps, in cacheit-worker.h):
 * the first worker thread to ask runs it, the others wait for its result. */
typedef struct _CacheitSharedDecode CacheitSharedDecode;
typedef gpointer (* CacheitSharedDecodeFunc) (gpointer   user_data,
                                              GError   **error);

CacheitSharedDecode *_cacheit_flight_get_shared_decode (CacheitFlight       *self,
                                                        const char          *key);
CacheitSharedDecode *_cacheit_shared_decode_ref        (CacheitSharedDecode *self);
void                 _cacheit_shared_decode_unref      (CacheitSharedDecode *self);
/* Any thread: the result (a new reference, by @ref) or the error. */
gpointer             _cacheit_shared_decode_get        (CacheitSharedDecode     *self,
                                                        CacheitSharedDecodeFunc  func,
                                                        gpointer                 user_data,
                                                        gpointer               (*ref) (gpointer),
                                                        GDestroyNotify           unref,
                                                        GError                 **error);

G_END_DECLS
