/* cacheit-worker.h: the work a resource hands to other threads.
 *
 * cacheit-worker.c owns the jobs a resource runs off its main context:
 * decoding a response's body (in GIO's worker threads), loading a snapshot
 * and decoding it, and writing, refreshing or removing one (both in the
 * store's thread, see cacheit-store.h). A job gets an immutable copy of what
 * it needs and gives back its result through a GTask in the resource's main
 * context; it knows no GObject type of the library, and never holds the
 * resource.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cacheit-flight.h"
#include "cacheit-store.h"

G_BEGIN_DECLS

/* How a kind of resource decodes a body, in a worker thread, in two steps.
 * The first turns the body (padded by CACHEIT_BODY_PADDING, see
 * cacheit-decode.h) into an immutable, reference-counted value that depends
 * only on the body, the root pointer and share_key(): resources that share a
 * request do it once between them. The second makes the data to apply from
 * it, for one resource. Errors are in CACHEIT_ERROR, with a detail message;
 * the resource adds the URL. @prepared is what the resource's prepare() made
 * in its main context (may be NULL). */
typedef struct
{
  GDestroyNotify prepare_free;
  char    *(* share_key)     (gpointer    prepared);     /* May be NULL. */
  gpointer (* decode_shared) (gpointer    prepared,
                              GBytes     *body,
                              const char *root_pointer,
                              GError    **error);
  gpointer (* shared_ref)    (gpointer    shared);
  GDestroyNotify shared_unref;
  gpointer (* finish)        (gpointer    prepared,
                              gpointer    shared,
                              GError    **error);
  GDestroyNotify decoded_free;
  /* The JSON text of no data ("{}", "[]"): what an answer with no content
   * (a 204) decodes to, without the root pointer and without parse(). */
  const char *empty;
} CacheitDecodeOps;

/* What a decoding job gives back: the data to apply (made by finish()), or,
 * for a resource that parses the whole response itself, the node at its root
 * pointer; and the snapshot the body came from (without its body), if any. */
typedef struct
{
  const CacheitDecodeOps *ops;
  gpointer                decoded;
  JsonNode               *node;
  CacheitSnapshot        *snapshot;
} CacheitDecoded;

void            _cacheit_decoded_free          (CacheitDecoded *decoded);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitDecoded, _cacheit_decoded_free)

/* Decodes the body of @flight (a success) in a worker thread, with the first
 * step shared by every resource of the flight that decodes it the same way
 * (same @ops, @root_pointer and share_key()); with @use_parse, into a whole
 * JsonNode instead. A 204 No Content decodes as @ops->empty, and so does
 * a snapshot of one (an empty body: a snapshot of any other answer is
 * JSON). @prepared is freed with @ops->prepare_free. @callback runs in
 * @context; the result goes to _cacheit_worker_decode_finish(). */
void            _cacheit_worker_decode         (const CacheitDecodeOps *ops,
                                                gpointer                prepared,
                                                CacheitFlight          *flight,
                                                const char             *root_pointer,
                                                gboolean                use_parse,
                                                GMainContext           *context,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);

/* Loads the snapshot @key of @store, then decodes its body as
 * _cacheit_worker_decode() would, in the store's thread. No snapshot, or
 * one that cannot be read, completes with NULL and no error. */
void            _cacheit_worker_load_snapshot  (const CacheitDecodeOps *ops,
                                                gpointer                prepared,
                                                CacheitStore           *store,
                                                const char             *key,
                                                const char             *root_pointer,
                                                gboolean                use_parse,
                                                GMainContext           *context,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);

/* The result of either: NULL with @error set on a failure, NULL without one
 * for a snapshot missed. */
CacheitDecoded *_cacheit_worker_decode_finish  (GAsyncResult           *result,
                                                GError                **error);

typedef enum
{
  CACHEIT_SNAPSHOT_SAVE,
  CACHEIT_SNAPSHOT_TOUCH,
  CACHEIT_SNAPSHOT_REMOVE,
  /* Invalidated by a write (RFC 9111, 4.4): see _cacheit_store_expire(). */
  CACHEIT_SNAPSHOT_EXPIRE,
} CacheitSnapshotAction;

/* In the store's thread: saves @body (with its validators, its caching
 * string and lifetime, in seconds, -1 for none) as the snapshot @key of
 * @store, refreshes the validators and times of the one there (@body
 * NULL), removes it, or makes it stale (the other arguments unused). A
 * failure is logged: a snapshot is a convenience. @application (nullable,
 * held by the caller, see _cacheit_application_hold()) is released in
 * @context when it is done, so that quitting right after a fetch loses no
 * snapshot. */
void            _cacheit_worker_write_snapshot (CacheitStore           *store,
                                                CacheitSnapshotAction   action,
                                                const char             *key,
                                                GBytes                 *body,
                                                const char             *etag,
                                                const char             *last_modified,
                                                const char             *caching,
                                                gint64                  lifetime,
                                                GMainContext           *context,
                                                GApplication           *application);

G_END_DECLS
