/* cacheit-private.h: what the library's units share and do not export.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cacheit-error.h"
#include "cacheit-resource.h"

G_BEGIN_DECLS

/* Bytes readable (and zeroed) after the end of every body, as simdjson needs;
 * cacheit-decode.cpp checks this is at least simdjson::SIMDJSON_PADDING. */
#define CACHEIT_BODY_PADDING 64

/* The default of CacheitResource:max-size. */
#define CACHEIT_DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* cacheit-error.c */
GError *_cacheit_error_new_http           (const char   *safe_url,
                                           guint         status,
                                           const char   *reason);
GError *_cacheit_error_new_for_url        (CacheitError  code,
                                           const char   *safe_url,
                                           const char   *detail);
char   *_cacheit_uri_to_safe_string       (const char   *url);

/* cacheit-i18n: binds the text domain once. */
void    _cacheit_init_i18n                (void);

/* What a subclass of CacheitResource inside the library tells the fetch state
 * machine: how to decode a body in a worker thread, and how to apply the
 * result in the resource's own main context. The resource knows nothing else
 * of its subclasses. */
typedef struct
{
  /* Main context, when a fetch's body is about to be decoded: an immutable
   * snapshot of what the worker needs (may be NULL). */
  gpointer (* prepare)      (CacheitResource *self);
  GDestroyNotify prepare_free;

  /* Decoding, in a worker thread, in two steps. The first turns the body
   * (padded by CACHEIT_BODY_PADDING) into an immutable, reference-counted
   * value that depends only on the body, the root pointer and share_key():
   * resources that share a request do it once between them. The second
   * makes the data to apply from it, for one resource. Errors are in
   * CACHEIT_ERROR, with a detail message; the resource adds the URL. */
  char    *(* share_key)    (gpointer         prepared);      /* May be NULL. */
  gpointer (* decode_shared) (gpointer        prepared,
                              GBytes         *body,
                              const char     *root_pointer,
                              GError        **error);
  gpointer (* shared_ref)   (gpointer         shared);
  GDestroyNotify shared_unref;
  gpointer (* finish)       (gpointer         prepared,
                             gpointer         shared,
                             GError         **error);

  /* Main context, the slow path when CacheitResourceClass.parse is
   * overridden: the result of parse into the data to apply. */
  gpointer (* from_node)    (CacheitResource *self,
                             JsonNode        *node,
                             GError         **error);

  /* Main context: applies the data, emitting the data change signals.
   * Returns whether anything changed. */
  gboolean (* apply)        (CacheitResource *self,
                             gpointer         decoded);
  GDestroyNotify decoded_free;

  /* Main context: shows no data, with exact signals (the URL changed and
   * the data is not kept: R13). Not called while writes wait. */
  void     (* clear)        (CacheitResource *self);
} CacheitResourceOps;

void    _cacheit_resource_class_set_ops   (CacheitResourceClass     *klass,
                                           const CacheitResourceOps *ops);

/* cacheit-model.c: applies @attributes to @self with exact signals (R9).
 * Returns whether anything changed. */
typedef struct _CacheitModel CacheitModel;
gboolean _cacheit_model_apply             (CacheitModel             *self,
                                           JsonObject               *attributes);

/* cacheit-model.c: @self is an item of @collection (a weak reference), which
 * its writes go through. */
typedef struct _CacheitCollection CacheitCollection;
void     _cacheit_model_set_collection    (CacheitModel             *self,
                                           CacheitCollection        *collection);

/* cacheit-model.c: writes of the item @self that its collection sends.
 * Before the first: what shows is what the server confirmed. Then the item
 * shows that with @changes (JsonObject) on top, in order (a model's own
 * writes show through the same); and when one is accepted, @changes and
 * @answer (nullable) join what the server confirmed (and the item's own
 * snapshot follows). */
void     _cacheit_model_begin_item_write  (CacheitModel             *self);
void     _cacheit_model_show_item         (CacheitModel             *self,
                                           GPtrArray                *changes);
void     _cacheit_model_confirm_item      (CacheitModel             *self,
                                           JsonObject               *changes,
                                           JsonObject               *answer);
/* What the server last confirmed of the item @self (its attributes when no
 * write of it waits). */
JsonObject *_cacheit_model_get_confirmed  (CacheitModel             *self);

/* cacheit-collection.c: queues a write of its item @item on @self (a save
 * of @changes, or a destroy) with @task. Returns FALSE when @item is not in
 * @self (then nothing was done). */
gboolean _cacheit_collection_write_item   (CacheitCollection        *self,
                                           CacheitModel             *item,
                                           gboolean                  destroy,
                                           JsonObject               *changes,
                                           guint                     flags,
                                           GTask                    *task);

/* cacheit-reader.c: the body stream into bytes, max-size on decoded bytes. */
void    _cacheit_read_body_async          (GInputStream        *stream,
                                           gint64               size_hint,
                                           guint64              max_size,
                                           int                  io_priority,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes *_cacheit_read_body_finish         (GInputStream        *stream,
                                           GAsyncResult        *result,
                                           GError             **error);

/* cacheit-flight.c: one request and its body, shared by every resource in
 * one main context that asks for the same thing while it is in the air. */
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
void           _cacheit_flight_start       (CacheitFlight     *self);
CacheitFlight *_cacheit_flight_ref         (CacheitFlight     *self);
void           _cacheit_flight_unref       (CacheitFlight     *self);
/* @func runs once, when the response is in (or failed), unless
 * unsubscribed first; the last one to unsubscribe cancels the flight. */
guint          _cacheit_flight_subscribe   (CacheitFlight     *self,
                                            CacheitFlightFunc  func,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);
void           _cacheit_flight_unsubscribe (CacheitFlight     *self,
                                            guint              id);
/* The outcome: a transport or read error; else the message's status tells,
 * and a success has its body. */
SoupMessage   *_cacheit_flight_get_message (CacheitFlight     *self);
const GError  *_cacheit_flight_get_error   (CacheitFlight     *self);
GBytes        *_cacheit_flight_get_body    (CacheitFlight     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitFlight, _cacheit_flight_unref)

/* The first decoding step of a flight's body for one key (see
 * CacheitResourceOps): the first worker thread to ask runs it, the others
 * wait for its result. */
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

/* cacheit-resource.c: @self's data has become that of @url, with no fetch
 * (a created item got its id): unlike cacheit_resource_set_url(), what is in
 * hand is kept as it is, not as a placeholder (R13). */
void    _cacheit_resource_rename          (CacheitResource *self,
                                           const char      *url);

/* cacheit-resource.c: @self (an item) follows @parent (its collection; a
 * weak link, NULL for none) in the settings it was not given itself: the
 * session, the ::request handlers (emitted on @parent, then on @self, for
 * every request made for @self; a handler on either turns sharing off),
 * reload, max-size, max-age, retry, refetching and snapshot settings. A
 * change of @parent's goes down to @self, with notify. When @parent goes
 * away first, @self keeps the values it used. */
void    _cacheit_resource_set_parent      (CacheitResource *self,
                                           CacheitResource *parent);

/* cacheit-resource.c: the data in hand no longer matches its validators (a
 * setting that shapes the data changed): the next request is a full one. */
void    _cacheit_resource_forget_validators (CacheitResource *self);

/* cacheit-resource.c: rewrites the snapshot of @self's URL with @body (a
 * JSON text the resource decodes as it would a response; need not be
 * padded), with no validators; NULL removes it. Nothing is written
 * without a snapshot policy, nor when the data in hand came from a response
 * the policy does not let us keep (or from no response at all); for a
 * resource that overrides parse(), the snapshot is removed instead. */
void    _cacheit_resource_save_snapshot   (CacheitResource *self,
                                           GBytes          *body);

/* cacheit-resource.c: writes (saves, creates, destroys) of a resource, sent
 * one at a time in order. While any is queued, no fetch response is applied
 * (one answered across a write is asked again when the writes are done). */
typedef struct
{
  /* When its turn comes: the request's method, URL and body (NULL for none). */
  gboolean (* prepare)  (CacheitResource  *owner,
                         gpointer          data,
                         char            **method,
                         char            **url,
                         GBytes          **body,
                         GError          **error);
  /* The server accepted it; @answer is the object it sent back, or NULL.
   * Returns what the caller's task returns: a new reference to an object,
   * or NULL for TRUE. */
  GObject *(* commit)   (CacheitResource  *owner,
                         gpointer          data,
                         JsonObject       *answer);
  /* It failed, or was cancelled: undo its change, if it showed one. Called
   * after it left the queue. */
  void     (* rollback) (CacheitResource  *owner,
                         gpointer          data);
  /* Optional: whether a 2xx answer that cannot be read undoes the write
   * instead of keeping it (a create: its item would have no id). */
  gboolean (* needs_answer) (CacheitResource *owner,
                             gpointer         data);
  GDestroyNotify data_free;
} CacheitWriteOps;

/* Queues a write of @owner with @data, which @ops frees. @task (its
 * cancellable too) is completed with the outcome; its change must already
 * show (unless the caller asked to wait). */
void    _cacheit_resource_queue_write     (CacheitResource       *owner,
                                           const CacheitWriteOps *ops,
                                           gpointer               data,
                                           GTask                 *task);
/* A write of the item @self, sent by its collection, started or ended:
 * @self's :saving follows. */
void    _cacheit_resource_item_write      (CacheitResource       *self,
                                           gboolean               started);
/* Whether @self has writes of its own waiting or in flight. */
gboolean _cacheit_resource_has_writes     (CacheitResource       *self);
/* @func on the data of each write of @owner waiting or in flight, in order. */
void    _cacheit_resource_foreach_write   (CacheitResource       *owner,
                                           GFunc                  func,
                                           gpointer               user_data);

/* cacheit-dispatch.c: completes callers in their own main contexts, many at a
 * time, always on a later iteration. Holds a reference to @source_object and
 * @result until @callback has run. */
void    _cacheit_dispatch                 (GMainContext        *context,
                                           GAsyncReadyCallback  callback,
                                           GObject             *source_object,
                                           GAsyncResult        *result,
                                           gpointer             user_data);

/* cacheit-fetch-result.c: the GAsyncResult every caller of one fetch shares. */
#define CACHEIT_TYPE_FETCH_RESULT (cacheit_fetch_result_get_type ())
G_DECLARE_FINAL_TYPE (CacheitFetchResult, cacheit_fetch_result, CACHEIT, FETCH_RESULT, GObject)

CacheitFetchResult *_cacheit_fetch_result_new       (CacheitResource    *source,
                                                     const GError       *error);
gboolean            _cacheit_fetch_result_propagate (CacheitFetchResult *self,
                                                     GError            **error);

G_END_DECLS
