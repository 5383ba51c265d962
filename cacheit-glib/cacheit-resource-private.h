/* cacheit-resource-private.h: what cacheit-resource.c gives the library's
 * subclasses (CacheitModel, CacheitCollection) and does not export.
 *
 * cacheit-resource.c owns the fetch state machine, and embeds the units
 * that keep the rest of a resource's state (its settings and the link of an
 * item to its collection, its freshness, its refetching, its callers, its
 * queue of writes; see the overview at the top of cacheit-resource.c). A
 * subclass tells it how to decode and apply (CacheitResourceOps) and queues
 * its writes. Main context only, except the decoding ops, which run in
 * worker threads on what prepare() made and never touch the resource.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cacheit-resource.h"
#include "cacheit-settings.h"
#include "cacheit-worker.h"
#include "cacheit-write-queue.h"

G_BEGIN_DECLS

/* What a subclass of CacheitResource inside the library tells the fetch state
 * machine: how to decode a body in a worker thread, and how to apply the
 * result in the resource's own main context. The resource knows nothing else
 * of its subclasses. */
typedef struct
{
  /* Main context, when a fetch's body is about to be decoded: an immutable
   * snapshot of what the worker needs (may be NULL). */
  gpointer (* prepare)      (CacheitResource *self);

  /* Decoding, in a worker thread (see cacheit-worker.h); prepare_free
   * frees what prepare() made. */
  CacheitDecodeOps decode;

  /* Main context, the slow path when CacheitResourceClass.parse is
   * overridden: the result of parse into the data to apply. */
  gpointer (* from_node)    (CacheitResource *self,
                             JsonNode        *node,
                             GError         **error);

  /* Main context: applies the data, emitting the data change signals.
   * Returns whether anything changed. */
  gboolean (* apply)        (CacheitResource *self,
                             gpointer         decoded);

  /* Main context: shows no data, with exact signals (the URL changed and
   * the data is not kept: R13). Not called while writes wait. */
  void     (* clear)        (CacheitResource *self);
} CacheitResourceOps;

void    _cacheit_resource_class_set_ops   (CacheitResourceClass     *klass,
                                           const CacheitResourceOps *ops);

/* The main context @self was made in: its signals, data and I/O. */
GMainContext *_cacheit_resource_get_context (CacheitResource *self);

/* @self's data has become that of @url, with no fetch (a created item got
 * its id): unlike cacheit_resource_set_url(), what is in hand is kept as it
 * is, not as a placeholder (R13). */
void    _cacheit_resource_rename          (CacheitResource *self,
                                           const char      *url);

/* @self (an item) follows @parent (its collection; a
 * weak link, NULL for none) in the settings it was not given itself: the
 * session, the ::request handlers (emitted on @parent, then on @self, for
 * every request made for @self; a handler on either turns sharing off),
 * reload, max-size, max-age, retry, refetching and snapshot settings. A
 * change of @parent's goes down to @self, with notify. When @parent goes
 * away first, @self keeps the values it used. */
void    _cacheit_resource_set_parent      (CacheitResource *self,
                                           CacheitResource *parent);

/* The same, with what a resource made by a client follows: the client's
 * settings (cacheit-client.c), which have the same GParamSpecs and whose
 * owner has no ::request signal. */
void    _cacheit_resource_follow_settings (CacheitResource *self,
                                           CacheitSettings *settings);

/* The data in hand no longer matches its validators (a setting that shapes
 * the data changed): the next request is a full one. */
void    _cacheit_resource_forget_validators (CacheitResource *self);

/* Rewrites the snapshot of @self's URL with @body (a JSON text the resource
 * decodes as it would a response; need not be padded), with no validators;
 * NULL removes it. Nothing is written without a snapshot policy, nor when the
 * data in hand came from a response the policy does not let us keep (or from
 * no response at all); for a resource that overrides parse(), the snapshot is
 * removed instead. */
void    _cacheit_resource_save_snapshot   (CacheitResource *self,
                                           GBytes          *body);

/* The writes (saves, creates, destroys) of @self, sent one at a time in
 * order: see cacheit-write-queue.h for what a unit that writes does with
 * it. While any is queued, no fetch response is applied (one answered
 * across a write is asked again when the writes are done). */
CacheitWriteQueue *_cacheit_resource_get_writes (CacheitResource *self);

/* A request made for @self outside its fetches (a page of a collection)
 * failed (@error) or succeeded (NULL): sets :last-error, and emits ::error
 * for a failure, as a fetch's outcome would; the data is not touched. */
void    _cacheit_resource_report          (CacheitResource *self,
                                           const GError    *error);

G_END_DECLS
