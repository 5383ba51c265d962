/* cacheit-resource-class.c: what CacheitResource says it is.
 *
 * The documentation of the class, its properties and its signals, as
 * gi-docgen and the bindings read them, and the GParamSpecs and signals
 * they describe. The behaviour is in cacheit-resource.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "cacheit-resource.h"
#include "cacheit-resource-class.h"
#include "cacheit-enums.h"

/**
 * CacheitResource:
 *
 * JSON at a URL, fetched once and shared by every caller until someone asks
 * to reload.
 *
 * `CacheitResource` is the abstract base of [class@Model] (one JSON object) and
 * the other kinds of resources. It holds the URL, the [class@Soup.Session], the
 * reload policy and the fetch state machine.
 *
 * ## The fetch contract
 *
 * - While a fetch is in flight, every further [method@Resource.fetch_async]
 *   without `CACHEIT_FETCH_RELOAD` joins it: one HTTP request serves them all,
 *   and every caller receives the same [iface@Gio.AsyncResult], on which
 *   [method@Resource.fetch_finish] may be called any number of times.
 * - After a successful fetch, a fetch without reload makes no request: it
 *   completes with that same result, on a later main-loop iteration. When
 *   the data is stale (see [property@Resource:stale]), it still completes
 *   so, and one revalidation starts in the background.
 * - A `204 No Content` is a success with no data: a model without
 *   attributes, an empty collection.
 * - `CACHEIT_FETCH_RELOAD`, or [property@Resource:reload], always starts a new
 *   request. A request still in flight is cancelled and its response is never
 *   applied, even if it arrives; its callers complete with the newest data.
 * - When a request fails, every caller gets the same error,
 *   [signal@Resource::error] is emitted, [property@Resource:last-error] is set,
 *   and the data of the last successful fetch stays as it was. A failure is
 *   not cached: the next fetch makes a new request.
 * - A caller's own [class@Gio.Cancellable] completes that caller alone, with
 *   `G_IO_ERROR_CANCELLED`. The request is aborted only when no caller is left.
 * - Each callback runs in the thread-default main context of its caller.
 *   Signals, notifications and data changes happen in the main context in
 *   which the resource was created. Use a resource from the thread that
 *   created it, as you would a GTK widget.
 *
 * ## Freshness
 *
 * A resource keeps the `ETag` and `Last-Modified` of its data, and every
 * later request sends them: a `304 Not Modified` keeps the data and emits
 * nothing. [property@Resource:last-updated], [property@Resource:stale] and
 * [property@Resource:origin] say how fresh the data is, and
 * [property@Resource:max-age] how long it stays so. Transient failures are
 * retried ([property@Resource:retry-limit]), and data can be refetched in
 * the background at an interval, when the network comes back or when the
 * application is in use again. Resources with the same URL share one
 * request in flight. See the [Freshness](freshness.html) guide.
 *
 * ## Snapshots and writes
 *
 * The last good response of each URL is kept on disk
 * ([property@Resource:snapshot-policy]): the next run's first fetch completes
 * from it, with [property@Resource:origin] `CACHEIT_ORIGIN_DISK`, and
 * revalidates it in the background ([Offline start](offline-start.html)).
 * Models and collections write data back ([method@Model.save_async],
 * [method@Model.destroy_async], [method@Collection.create_async]), one write
 * at a time; no fetch response is applied while one is pending
 * ([Saving](saving.html)). A write the server accepts makes the other
 * resources of its URL, and their snapshots, stale (RFC 9111, 4.4): see
 * “Writes invalidate” in the [Freshness](freshness.html) guide.
 *
 * ## Items follow their collection
 *
 * An item of a [class@Collection] makes its requests as the application
 * configured its collection (R14): when it fetches its own URL, and when it
 * is saved or destroyed, whether its collection writes it or, after a
 * refetch took it out of the list, it writes itself. It uses the
 * collection's value of each of these settings, unless the item was given
 * its own:
 *
 * - [property@Resource:session];
 * - [property@Resource:reload], [property@Resource:max-size];
 * - [property@Resource:max-age], [property@Resource:retry-limit],
 *   [property@Resource:retry-delay];
 * - [property@Resource:refresh-interval],
 *   [property@Resource:refetch-on-reconnect],
 *   [property@Resource:app-active],
 *   [property@Resource:pause-when-constrained];
 * - [property@Resource:snapshot-policy],
 *   [property@Resource:snapshot-directory].
 *
 * Their getters, and `g_object_get()`, give the value in use. A later
 * change on the collection goes to its items at once, with `notify` on
 * each item that follows it. A value set on the item itself, by its class
 * or by the application, is kept from then on, whatever the collection
 * says; setting the session or the snapshot directory of an item to `NULL`
 * makes it follow its collection again. An item that outlives its
 * collection keeps the values it used.
 *
 * [signal@Resource::request] is emitted, for every request made for an
 * item, on its collection first, then on the item, so that the
 * collection's handler adds an `Authorization` header to the item's fetches
 * and writes too, and the item's own handler has the last word. A handler
 * on the collection keeps its items from sharing a request, as one on the
 * item would.
 *
 * What describes one response is the item's own:
 * [property@Resource:url] (the collection's URL, `/` and the item's id)
 * and [property@Resource:root-pointer] (the detail of an item may have
 * another envelope than the list; an item class that needs one sets it in
 * its instance init). The state of the data (`fetched`, `stale`, `origin`,
 * `last-error`, `status`, …) is each resource's own.
 *
 * ## Off the main thread
 *
 * The body is read with non-blocking reads and decoded in a worker thread, so
 * the main loop never waits for a large response. Only applying the result
 * happens in the resource's main context. [property@Resource:root-pointer]
 * picks the data out of an envelope in the worker too; overriding
 * [vfunc@Resource.parse] instead makes the whole response a [struct@Json.Node]
 * first, and is the slow path.
 *
 * Since: 1.0
 */

void
_cacheit_resource_class_describe (GObjectClass  *klass,
                                  GParamSpec   **properties,
                                  guint         *signals)
{
  /**
   * CacheitResource:url:
   *
   * The URL to fetch, `http` or `https`.
   *
   * Changing it does not drop the data in hand; the next fetch without
   * reload still completes from the cache.
   *
   * Since: 1.0
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:root-pointer:
   *
   * Where the data is inside the response, as an RFC 6901 JSON Pointer.
   *
   * For a response such as `{"results": {"user": {...}}}`, set it to
   * `/results/user`. It is applied off the main thread, unlike an override
   * of [vfunc@Resource.parse], which receives the value it points to.
   * `NULL` or the empty string mean the whole response.
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_POINTER] =
    g_param_spec_string ("root-pointer", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:fetching:
   *
   * Whether a request is in flight.
   *
   * Since: 1.0
   */
  properties[PROP_FETCHING] =
    g_param_spec_boolean ("fetching", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:fetched:
   *
   * Whether data from a successful fetch is present.
   *
   * It stays `TRUE` after a later fetch fails: the data is kept.
   *
   * Since: 1.0
   */
  properties[PROP_FETCHED] =
    g_param_spec_boolean ("fetched", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:last-error:
   *
   * The error of the last fetch that failed, or `NULL` when the last fetch
   * succeeded or none failed yet.
   *
   * Cancelling a caller is not a failure and leaves it as it is.
   *
   * Since: 1.0
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL,
                        G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:last-error-body:
   *
   * The JSON body of the error answer of the last fetch that failed
   * ([func@Cacheit.Error.get_body] of [property@Resource:last-error]), or
   * `NULL`: what GitHub's `{"message": …, "errors": […]}` says field by
   * field. Bindings reach it here, since a `GError` they hand back to C
   * carries no body. Immutable.
   *
   * Since: 1.0
   */
  properties[PROP_LAST_ERROR_BODY] =
    g_param_spec_boxed ("last-error-body", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:status:
   *
   * The HTTP status of the last response received, or 0 before any.
   *
   * After a fetch or a write failed with `CACHEIT_ERROR_HTTP_STATUS`, this is
   * the status the server answered. A write of an item of a collection sets
   * it on both.
   *
   * Since: 1.0
   */
  properties[PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL,
                       0, 999, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:last-updated:
   *
   * When the server last confirmed the data in hand, by sending it or by
   * answering a revalidation with `304 Not Modified`, in local time; `NULL`
   * before any data.
   *
   * Since: 1.0
   */
  properties[PROP_LAST_UPDATED] =
    g_param_spec_boxed ("last-updated", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:stale:
   *
   * Whether the data in hand is older than its freshness lifetime (see
   * [property@Resource:max-age]), or was marked stale with
   * [method@Resource.invalidate].
   *
   * It turns `TRUE` by itself when the lifetime runs out. A fetch of stale
   * data completes at once from the cache and revalidates it in the
   * background. It is `FALSE` when there is no data.
   *
   * Since: 1.0
   */
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:placeholder:
   *
   * Whether the data in hand is that of an earlier
   * [property@Resource:url]: the URL changed and its own data is not applied
   * yet.
   *
   * After the URL changes, no fetch completes with the data of another URL:
   * the next fetch asks for the new URL's (from the network, or from its own
   * snapshot), and a request still in flight for the old URL is superseded,
   * as by a reload, and never applied. Meanwhile, with
   * [property@Resource:keep-previous-data] (the default), the data of the
   * old URL keeps showing and this is `TRUE`; it turns `FALSE` when the new
   * URL's data is applied (a collection then merges it by id as usual, with
   * exact signals), just before the data changes. A failed fetch leaves it
   * as it was. Bind it to dim a list while a search is typed, say.
   *
   * While it is `TRUE`, [property@Resource:fetched] is `FALSE`, and
   * [property@Resource:origin], [property@Resource:last-updated],
   * [property@Resource:status] and [property@Resource:last-error] describe
   * nothing yet.
   *
   * Since: 1.0
   */
  properties[PROP_PLACEHOLDER] =
    g_param_spec_boolean ("placeholder", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:keep-previous-data:
   *
   * Whether the data of the previous [property@Resource:url] keeps showing,
   * as a [property@Resource:placeholder], until the new URL's data is
   * applied.
   *
   * `TRUE` by default, as SWR's and TanStack Query's `keepPreviousData`:
   * a list that is filtered or paged does not flash empty. With `FALSE`, a
   * URL change clears the data at once with exact signals (a model emits
   * [signal@Model::changed] for each attribute and resets its typed
   * properties; a collection emits one `items-changed` that removes every
   * item). While writes of the resource are waiting or in flight, the data
   * is kept as a placeholder either way.
   *
   * Since: 1.0
   */
  properties[PROP_KEEP_PREVIOUS_DATA] =
    g_param_spec_boolean ("keep-previous-data", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:origin:
   *
   * Where the data in hand came from.
   *
   * Since: 1.0
   */
  properties[PROP_ORIGIN] =
    g_param_spec_enum ("origin", NULL, NULL,
                       CACHEIT_TYPE_ORIGIN, CACHEIT_ORIGIN_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource:saving:
   *
   * Whether writes of the resource are waiting or in flight: saves and
   * destroys of a model ([method@Model.save_async],
   * [method@Model.destroy_async]), and for a collection, creates
   * ([method@Collection.create_async]) and the writes of its items. An item
   * of a collection is `TRUE` too while the collection's writes of that item
   * are waiting or in flight.
   *
   * Writes are sent one at a time, in order. While there are any, no fetch
   * response is applied: a fetch answered across a write is made again once
   * the writes are done. See the [Saving](saving.html) guide.
   *
   * Since: 1.0
   */
  properties[PROP_SAVING] =
    g_param_spec_boolean ("saving", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitResource::request:
   * @self: the resource
   * @message: the request about to be sent
   *
   * Emitted when a real HTTP request is about to be sent, never for a fetch
   * answered from the cache, and once for each attempt when a transient
   * failure is retried.
   *
   * Writes emit it too ([method@Model.save_async],
   * [method@Model.destroy_async], [method@Collection.create_async]): on the
   * model, or on the collection for a create.
   *
   * For a request made for an item of a [class@Collection] (a fetch of its
   * own URL, a save or a destroy), it is emitted on the collection first,
   * then on the item: a handler connected to the collection sees every
   * request of its items, and one connected to the item sees what the
   * collection's did and has the last word.
   *
   * Handlers may change @message, to add an `Authorization` header, say.
   * Resources with the same URL share a request in flight, and it is
   * emitted only on the one that started it; a resource with a handler
   * connected, or an item whose collection has one, neither shares nor
   * joins one, since its handler may make its request differ. For headers
   * every request needs, the session's
   * [signal@Soup.Session::request-queued] keeps the sharing.
   *
   * Since: 1.0
   */
  signals[SIGNAL_REQUEST] =
    g_signal_new ("request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, SOUP_TYPE_MESSAGE);

  /**
   * CacheitResource::sync:
   * @self: the resource
   *
   * Emitted when new data has been applied, after the data change signals
   * and before the callers' callbacks run: after the first successful fetch,
   * and after each later one whose data differs. A fetch of identical data,
   * or one answered from the cache, emits nothing.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SYNC] =
    g_signal_new ("sync",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);

  /**
   * CacheitResource::error:
   * @self: the resource
   * @error: what went wrong
   *
   * Emitted when a fetch failed, before the callers' callbacks run. The data
   * of the last successful fetch is kept.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}
