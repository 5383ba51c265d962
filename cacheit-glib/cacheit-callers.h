/* cacheit-callers.h: the callers waiting for a resource's fetch.
 *
 * cacheit-callers.c owns the callers of a resource's fetch in flight: each
 * one's callback, main context and cancellable. A caller that cancels is
 * completed alone, with G_IO_ERROR_CANCELLED, and the owner hears that one
 * left through a callback; the others are completed together with one
 * result (cacheit-dispatch.c runs each callback in its own context). It
 * knows its owner as a GObject only. Main context only (a caller's
 * cancellable may be cancelled from any thread).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A caller cancelled and was completed; @left is how many still wait. */
typedef void (* CacheitCallersLeft) (GObject *owner,
                                     guint    left);

typedef struct
{
  GObject            *owner;       /* Not owned: it embeds this. */
  GMainContext       *context;     /* Not owned: the owner's. */
  gpointer            source_tag;  /* Of the results made here. */
  CacheitCallersLeft  left;
  GQueue              queue;
} CacheitCallers;

void     _cacheit_callers_init           (CacheitCallers      *self,
                                          GObject             *owner,
                                          GMainContext        *context,
                                          gpointer             source_tag,
                                          CacheitCallersLeft   left);

/* A caller waits, in the thread-default context of the thread calling, until
 * the result is given to _cacheit_callers_complete_taken() (or its
 * @cancellable). */
void     _cacheit_callers_add            (CacheitCallers      *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean _cacheit_callers_is_empty       (CacheitCallers      *self);

/* The same, for a caller that wants the cache alone
 * (CACHEIT_FETCH_CACHE_ONLY): it waits for nothing but a snapshot, and
 * _cacheit_callers_fail_cache_only() completes it before any request. */
void     _cacheit_callers_add_cache_only (CacheitCallers      *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Whether a caller that may wait for the network is waiting. */
gboolean _cacheit_callers_wants_network  (CacheitCallers      *self);
/* Completes the callers that want the cache alone, all with one result of
 * CACHEIT_ERROR_NOT_CACHED for @safe_url, and leaves the others waiting.
 * Returns whether there were any. */
gboolean _cacheit_callers_fail_cache_only (CacheitCallers     *self,
                                           const char         *safe_url);

/* The callers waiting now, who are no longer waiting: to give to
 * _cacheit_callers_complete_taken() once the result is known (a caller that
 * comes meanwhile waits for the next one). */
GQueue   _cacheit_callers_take           (CacheitCallers      *self);
void     _cacheit_callers_complete_taken (CacheitCallers      *self,
                                          GQueue              *taken,
                                          GAsyncResult        *result);
/* Completes every caller as cancelled (the owner goes away). */
void     _cacheit_callers_cancel_all     (CacheitCallers      *self);

/* Completes a caller that waits for nothing with @error, on a later
 * iteration. */
void     _cacheit_callers_complete_error (CacheitCallers      *self,
                                          const GError        *error,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Completes a caller that came cancelled (@cancellable, or nothing: with
 * G_IO_ERROR_CANCELLED), on a later iteration, without waiting. */
void     _cacheit_callers_complete_cancelled (CacheitCallers      *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

G_END_DECLS
