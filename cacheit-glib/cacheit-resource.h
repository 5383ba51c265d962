/* cacheit-resource.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cacheit-version-macros.h"

G_BEGIN_DECLS

/**
 * CacheitFetchFlags:
 * @CACHEIT_FETCH_NONE: use the cached data when there is some, and join a
 *   fetch already in flight
 * @CACHEIT_FETCH_RELOAD: always make a new request; a request still in flight
 *   is cancelled and its callers are carried over to the new one
 * @CACHEIT_FETCH_CACHE_ONLY: offline mode: never make a request. Complete
 *   from the data in hand (stale or not, with no revalidation), or else from
 *   the snapshot on disk, or else fail with `CACHEIT_ERROR_NOT_CACHED`.
 *   [property@Resource:reload] does not apply to it, and combining it with
 *   `CACHEIT_FETCH_RELOAD` is a programmer error.
 * @CACHEIT_FETCH_SKIP_SNAPSHOT: a first fetch goes to the network without
 *   reading the snapshot on disk (the response is still written to it, as
 *   [property@Resource:snapshot-policy] says). With data in hand, it changes
 *   nothing. With `CACHEIT_FETCH_CACHE_ONLY`: the data in hand or
 *   `CACHEIT_ERROR_NOT_CACHED`, nothing read from disk.
 *
 * How [method@Resource.fetch_async] may use the cache.
 *
 * ## Fetches that meet
 *
 * A fetch without `CACHEIT_FETCH_RELOAD` joins the fetch in flight, whatever
 * flags started it. So a `CACHEIT_FETCH_SKIP_SNAPSHOT` fetch that arrives
 * while another reads the snapshot gets the snapshot's data, and a first
 * fetch without it that arrives while a `CACHEIT_FETCH_SKIP_SNAPSHOT` one is
 * on the network waits for the network.
 *
 * A `CACHEIT_FETCH_CACHE_ONLY` fetch never supersedes anything and never
 * waits for the network. With no data in hand, it joins a fetch in flight
 * only while that fetch reads the snapshot, and fails with
 * `CACHEIT_ERROR_NOT_CACHED` at once (on a later main-loop iteration) when
 * the fetch in flight is a request. When the snapshot it waits for turns
 * out missing or unusable, or the fetch is superseded by a request (a
 * reload), its callers complete with `CACHEIT_ERROR_NOT_CACHED` (one result
 * for all of them), and the fetch goes on to the network for the callers
 * that did not ask for the cache alone: those get the server's answer.
 * When the snapshot is read, every caller gets its data; the revalidation
 * that follows data from disk is made only if one of them did not ask for
 * the cache alone, and otherwise by the next fetch without the flag.
 *
 * `CACHEIT_ERROR_NOT_CACHED` is the answer of those callers alone: it
 * changes nothing of the resource, sets no [property@Resource:last-error]
 * and emits no [signal@Resource::error].
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  CACHEIT_FETCH_NONE          = 0,
  CACHEIT_FETCH_RELOAD        = 1 << 0,
  CACHEIT_FETCH_CACHE_ONLY    = 1 << 1,
  CACHEIT_FETCH_SKIP_SNAPSHOT = 1 << 2,
} CacheitFetchFlags;

/**
 * CacheitOrigin:
 * @CACHEIT_ORIGIN_NONE: there is no data yet
 * @CACHEIT_ORIGIN_NETWORK: the data came from the server
 * @CACHEIT_ORIGIN_DISK: the data came from a snapshot saved on disk and has
 *   not been confirmed by the server since
 *
 * Where the data a resource holds came from: see [property@Resource:origin].
 *
 * Since: 1.0
 */
typedef enum
{
  CACHEIT_ORIGIN_NONE,
  CACHEIT_ORIGIN_NETWORK,
  CACHEIT_ORIGIN_DISK,
} CacheitOrigin;

/**
 * CacheitSnapshotPolicy:
 * @CACHEIT_SNAPSHOT_NONE: no snapshot is read or written
 * @CACHEIT_SNAPSHOT_SHAREABLE: snapshots are read, and written for the
 *   responses a shared cache may store: not a response marked
 *   `Cache-Control: no-store` or `private`, nor one to a request that
 *   carried an `Authorization` header unless it is marked `public` or
 *   `s-maxage`
 * @CACHEIT_SNAPSHOT_ALL: snapshots are read, and written for every response,
 *   private ones included, but those marked `Cache-Control: no-store`
 *
 * Which responses a resource keeps on disk: see
 * [property@Resource:snapshot-policy].
 *
 * Since: 1.0
 */
typedef enum
{
  CACHEIT_SNAPSHOT_NONE,
  CACHEIT_SNAPSHOT_SHAREABLE,
  CACHEIT_SNAPSHOT_ALL,
} CacheitSnapshotPolicy;

#define CACHEIT_TYPE_RESOURCE (cacheit_resource_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CacheitResource, cacheit_resource, CACHEIT, RESOURCE, GObject)

/**
 * CacheitResourceClass:
 * @parent_class: the parent class
 * @parse: turns the decoded response into the data the resource holds: the
 *   attributes object of a model. The default returns the response as it is.
 *
 * The class structure of [class@Resource].
 *
 * Since: 1.0
 */
struct _CacheitResourceClass
{
  GObjectClass parent_class;

  JsonNode *(* parse) (CacheitResource  *self,
                       JsonNode         *response,
                       GError          **error);

  /*< private >*/
  gpointer padding[12];
};

CACHEIT_AVAILABLE_IN_ALL
const char   *cacheit_resource_get_url          (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_url          (CacheitResource    *self,
                                                 const char         *url);

CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_query        (CacheitResource    *self,
                                                 const char         *first_name,
                                                 ...) G_GNUC_NULL_TERMINATED;
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_query_params (CacheitResource    *self,
                                                 const char *const  *names,
                                                 const char *const  *values);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_query_param  (CacheitResource    *self,
                                                 const char         *name,
                                                 const char         *value);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_query_values (CacheitResource    *self,
                                                 const char         *name,
                                                 const char *const  *values);
CACHEIT_AVAILABLE_IN_ALL
char         *cacheit_resource_dup_query_param  (CacheitResource    *self,
                                                 const char         *name);
CACHEIT_AVAILABLE_IN_ALL
char         *cacheit_resource_dup_link         (CacheitResource    *self,
                                                 const char         *rel);

CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_placeholder  (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_keep_previous_data (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_keep_previous_data (CacheitResource *self,
                                                       gboolean         keep_previous_data);
CACHEIT_AVAILABLE_IN_ALL
SoupSession  *cacheit_resource_get_session      (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_session      (CacheitResource    *self,
                                                 SoupSession        *session);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_reload       (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_reload       (CacheitResource    *self,
                                                 gboolean            reload);
CACHEIT_AVAILABLE_IN_ALL
guint64       cacheit_resource_get_max_size     (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_max_size     (CacheitResource    *self,
                                                 guint64             max_size);
CACHEIT_AVAILABLE_IN_ALL
const char   *cacheit_resource_get_root_pointer (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_root_pointer (CacheitResource    *self,
                                                 const char         *root_pointer);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_fetching     (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_fetched      (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
const GError *cacheit_resource_get_last_error   (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
JsonNode     *cacheit_resource_get_last_error_body (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
guint         cacheit_resource_get_status       (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
SoupMessageHeaders *cacheit_resource_get_response_headers (CacheitResource *self);

CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_saving       (CacheitResource    *self);

CACHEIT_AVAILABLE_IN_ALL
GDateTime    *cacheit_resource_get_last_updated (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_stale        (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
CacheitOrigin cacheit_resource_get_origin       (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
int           cacheit_resource_get_max_age      (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_max_age      (CacheitResource    *self,
                                                 int                 max_age);
CACHEIT_AVAILABLE_IN_ALL
guint         cacheit_resource_get_retry_limit  (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_retry_limit  (CacheitResource    *self,
                                                 guint               retry_limit);
CACHEIT_AVAILABLE_IN_ALL
guint         cacheit_resource_get_retry_delay  (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_retry_delay  (CacheitResource    *self,
                                                 guint               retry_delay);
CACHEIT_AVAILABLE_IN_ALL
guint         cacheit_resource_get_refresh_interval (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_refresh_interval (CacheitResource *self,
                                                     guint            refresh_interval);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_refetch_on_reconnect (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_refetch_on_reconnect (CacheitResource *self,
                                                         gboolean         refetch_on_reconnect);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_app_active   (CacheitResource    *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_app_active   (CacheitResource    *self,
                                                 gboolean            app_active);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_get_pause_when_constrained (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_pause_when_constrained (CacheitResource *self,
                                                           gboolean         pause_when_constrained);

CACHEIT_AVAILABLE_IN_ALL
CacheitSnapshotPolicy cacheit_resource_get_snapshot_policy (CacheitResource      *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_snapshot_policy (CacheitResource      *self,
                                                    CacheitSnapshotPolicy policy);
CACHEIT_AVAILABLE_IN_ALL
const char   *cacheit_resource_get_snapshot_directory (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_snapshot_directory (CacheitResource *self,
                                                       const char      *directory);

CACHEIT_AVAILABLE_IN_ALL
const char   *cacheit_resource_get_error_message_pointer (CacheitResource *self);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_set_error_message_pointer (CacheitResource *self,
                                                          const char      *pointer);

CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_invalidate       (CacheitResource    *self);

CACHEIT_AVAILABLE_IN_ALL
void          cacheit_resource_fetch_async      (CacheitResource    *self,
                                                 CacheitFetchFlags   flags,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_fetch_finish     (CacheitResource    *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_resource_fetch            (CacheitResource    *self,
                                                 CacheitFetchFlags   flags,
                                                 GCancellable       *cancellable,
                                                 GError            **error);

CACHEIT_AVAILABLE_IN_ALL
SoupSession  *cacheit_get_default_session       (void);

G_END_DECLS
