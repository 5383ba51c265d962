/* cacheit-resource.c: the fetch state machine (R1–R7, R12–R14)
 *
 * A maintainer's overview.
 *
 * A resource has at most one fetch in flight, priv->fetch (a Fetch: one
 * request, its attempts and the decoding of its answer), and the callers
 * waiting for it, priv->callers, which are the resource's: a fetch that is
 * superseded leaves them waiting for the next one.
 *
 *   idle ── fetch_async () ──▶ fetching ── fetch_complete () ──▶ idle
 *              supersede ()      │   ▲       ::sync or ::error, then
 *                                └───┘       every caller, one result
 *              a reload, set_url (): supersede (); the old Fetch is
 *              cancelled (R4, R13). The last caller cancelled (R6):
 *              set_fetching (NULL), back to idle.
 *   idle with a result, no reload: fetch_async () completes from it (R3);
 *   stale, it also starts a Fetch with no caller (start_background ()).
 *   A failure leaves no result (R5): the next fetch_async () fetches.
 *
 * The path of a fetch, in the order of this file:
 *
 *   cacheit_resource_fetch_async ()
 *     a result in hand, no reload: dispatched from it (R3), done
 *     fetch_cache_only ()             CACHE_ONLY: the data in hand, or a
 *                                     snapshot, else NOT_CACHED; its
 *                                     callers never wait in fetch_send ()
 *     _cacheit_callers_add ()         joins the fetch in flight (R1), or
 *     supersede ()                    a new Fetch; set_fetching () cancels
 *       fetch_start ()                the old one (R4, R13); checks the URL
 *         fetch_load_snapshot ()      the first fetch, from disk
 *                                     (cacheit-worker.c), then decode_cb ()
 *         fetch_send ()               parked while writes wait; one
 *                                     attempt: a flight (cacheit-flight.c),
 *                                     shared or its own, after ::request
 *           flight_cb ()              status, 304, retries, errors
 *             fetch_decode ()         the body, in a worker thread
 *               decode_cb ()
 *                 fetch_wants_answer ()  superseded: dropped; outdated
 *                                        by a write: asked again
 *                 fetch_apply ()      ops->apply (): the subclass's data
 *                                     and its change signals
 *                   fetch_complete () :fetched, freshness, the snapshot,
 *                                     ::sync or ::error, then the callers
 *
 * A reload supersedes in one place, supersede (), from fetch_async () or
 * url_changed (). Every callback of a Fetch that is not priv->fetch any
 * more drops what it got (fetch_is_current ()); whether an answer is used
 * is told in one place, fetch_wants_answer ().
 *
 * Who owns what: each concern is a unit embedded in CacheitResourcePrivate
 * that owns its fields and tells the resource through a callback:
 * - settings (cacheit-settings.c; their properties and accessors in
 *   cacheit-resource-settings.c): the values an item follows from its
 *   collection, and the chain ::request goes along;
 * - freshness (cacheit-freshness.c): validators, times, origin, :stale;
 * - refetch (cacheit-refetch.c): the interval, the network monitor;
 * - callers (cacheit-callers.c): who waits, and cancellation;
 * - writes (cacheit-write-queue.c): the queue, its epoch, their requests.
 * Off the main context: cacheit-worker.c (decoding, snapshots; which
 * store, and writing: cacheit-resource-snapshot.c) and cacheit-flight.c
 * (the request); HTTP rules: cacheit-http.c. This file
 * owns the URL, the root pointer, the fetch in flight, the last result and
 * the state of the data (:fetched, :status, :last-error, :placeholder,
 * whether it may be stored). The class, its properties and signals are
 * described in cacheit-resource-class.c; the public getters of freshness
 * are in cacheit-resource-freshness.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cacheit-resource.h"
#include "cacheit-resource-private.h"
#include "cacheit-resource-class.h"
#include "cacheit-resource-freshness.h"
#include "cacheit-resource-snapshot.h"
#include "cacheit-resource-settings.h"
#include "cacheit-callers.h"
#include "cacheit-decode.h"
#include "cacheit-dispatch.h"
#include "cacheit-enums.h"
#include "cacheit-error.h"
#include "cacheit-error-private.h"
#include "cacheit-fetch-result.h"
#include "cacheit-flight.h"
#include "cacheit-freshness.h"
#include "cacheit-http.h"
#include "cacheit-reader.h"
#include "cacheit-refetch.h"
#include "cacheit-settings.h"
#include "cacheit-store.h"
#include "cacheit-worker.h"

typedef struct _Fetch Fetch;

typedef struct
{
  char                     *url;
  char                     *root_pointer;
  GError                   *last_error;
  /* The last response received, to a fetch or a write: its headers (NULL
   * before any) and its status (:status). */
  SoupMessageHeaders       *response_headers;
  guint                     status;
  guint                     fetched : 1;
  /* The data in hand is of an earlier URL (R13), and whether a URL change
   * keeps it so or clears it. */
  guint                     placeholder : 1;
  guint                     keep_previous_data : 1;

  /* The context the resource was created in: signals, data and I/O. */
  GMainContext             *context;
  const CacheitResourceOps *ops;

  /* The fetch in flight, if any, and the result of the last success (R3). */
  Fetch                    *fetch;
  CacheitFetchResult       *result;

  /* Freshness: validators, times, origin, :stale. */
  CacheitFreshness          freshness;

  /* Refetching in the background. */
  CacheitRefetch            refetch;

  /* The callers waiting for the fetch in flight. */
  CacheitCallers            callers;

  /* Snapshots on disk, and whether the data in hand may be written to one
   * (it came from a response the policy lets us keep). */
  guint                     storable : 1;

  /* Writes (saves, creates, destroys) waiting or in flight, and its epoch:
   * a fetch response is applied only if no write started or ended since
   * its request. */
  CacheitWriteQueue         writes;

  /* The settings (PROP_SESSION to PROP_ERROR_MESSAGE_POINTER), which an item
   * follows its collection in unless it was given its own. */
  CacheitSettings           settings;
} CacheitResourcePrivate;

/* One HTTP request and the callers waiting for it. A fetch that is no longer
 * priv->fetch has been superseded or aborted: whatever it still receives is
 * dropped. */
struct _Fetch
{
  gatomicrefcount     ref_count;
  CacheitResource    *self;
  GCancellable       *cancellable;
  GUri               *uri;
  char               *safe_url;

  /* The request of the current attempt, perhaps shared with other
   * resources, and the pause before the next attempt. */
  CacheitFlight      *flight;
  guint               subscription;
  GSource            *retry_source;
  guint               attempt;

  /* The headers of the response that succeeded, for freshness, and its
   * body, for the snapshot. */
  SoupMessageHeaders *response_headers;
  GBytes             *body;

  /* Snapshots: the key of the URL, the snapshot the data came from, and
   * one that waits for the server, shown only if it cannot be reached. */
  char               *snapshot_key;
  CacheitSnapshot    *snapshot;
  CacheitDecoded     *held;

  /* The resource's epoch when the request was made. */
  guint               epoch;

  guint               use_parse : 1;
  guint               background : 1;     /* Started by the library: no caller asked. */
  guint               reload : 1;         /* Must not join a request made earlier. */
  guint               conditional : 1;    /* The request carries validators. */
  guint               not_modified : 1;   /* Answered by a 304. */
  guint               from_disk : 1;      /* Loading a snapshot. */
  guint               skip_snapshot : 1;  /* CACHEIT_FETCH_SKIP_SNAPSHOT. */
  guint               storable : 1;       /* The response may be kept on disk. */
  guint               parked : 1;         /* Waiting for the writes to end. */
};

/* PROP_* and SIGNAL_*: see cacheit-resource-class.h. */

/* The settings, as indices in CacheitResourcePrivate.settings. */
#define FIRST_SETTING_PROP PROP_SESSION
#define N_SETTINGS         (PROP_ERROR_MESSAGE_POINTER - FIRST_SETTING_PROP + 1)
G_STATIC_ASSERT (N_SETTINGS == CACHEIT_RESOURCE_N_SETTINGS);
G_STATIC_ASSERT (PROP_MAX_AGE - FIRST_SETTING_PROP == CACHEIT_RESOURCE_SETTING_MAX_AGE);
G_STATIC_ASSERT (PROP_SNAPSHOT_POLICY - FIRST_SETTING_PROP == CACHEIT_RESOURCE_SETTING_SNAPSHOT_POLICY);
#define SETTING(prop_id)   ((guint) (prop_id) - FIRST_SETTING_PROP)

/* Errors from the worker side name no URL: this gives them the fetch's. */
#define WORKER_ERROR(fetch, error) \
  _cacheit_error_for_url_take ((error), (fetch)->safe_url, cacheit_resource_get_max_size ((fetch)->self))

static GParamSpec *properties[N_PROPS];

static guint signals[N_SIGNALS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CacheitResource, cacheit_resource, G_TYPE_OBJECT)

static GQuark ops_quark;

/* Used before they are defined: the file reads top-down (see above). */
static const GValue *setting (CacheitResource *self, guint prop_id);
static JsonNode *cacheit_resource_real_parse (CacheitResource *self, JsonNode *response, GError **error);
static void fetch_complete (Fetch *fetch, const GError *error, gboolean changed);
static void fetch_fail (Fetch *fetch, GError *error);
static void fetch_disk_miss (Fetch *fetch, const GError *error);
static gboolean fetch_outdated (Fetch *fetch);
static gboolean fetch_wants_answer (Fetch *fetch);
static void fetch_apply (Fetch *fetch, CacheitDecoded *decoded);
static void decode_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static gpointer fetch_prepare (Fetch *fetch);
static void fetch_decode (Fetch *fetch, CacheitFlight *flight);
static gboolean retry_cb (gpointer user_data);
static gboolean fetch_retry (Fetch *fetch, SoupMessage *message);
static void flight_cb (CacheitFlight *flight, gpointer user_data);
static void fetch_send (Fetch *fetch);
static gboolean fail_later_cb (gpointer user_data);
static void fetch_fail_later (Fetch *fetch, GError *error);
static void fetch_load_snapshot (Fetch *fetch);
static void fetch_start (Fetch *fetch);
static void supersede (CacheitResource *self, gboolean reload, gboolean skip_snapshot);
static void start_background (CacheitResource *self);
static gboolean snapshot_readable (CacheitResource *self);
static void fetch_cache_only (CacheitResource *self, gboolean skip_snapshot, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* A Fetch, and the state of the data */

static Fetch *
fetch_new (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  Fetch *fetch = g_new0 (Fetch, 1);

  g_atomic_ref_count_init (&fetch->ref_count);
  fetch->self = g_object_ref (self);
  fetch->cancellable = g_cancellable_new ();
  fetch->safe_url = _cacheit_uri_to_safe_string (priv->url);

  return fetch;
}

static Fetch *
fetch_ref (Fetch *fetch)
{
  g_atomic_ref_count_inc (&fetch->ref_count);
  return fetch;
}

static void
fetch_unref (Fetch *fetch)
{
  if (!g_atomic_ref_count_dec (&fetch->ref_count))
    return;

  g_assert (fetch->subscription == 0);
  g_assert (fetch->retry_source == NULL);
  g_clear_object (&fetch->cancellable);
  g_clear_pointer (&fetch->uri, g_uri_unref);
  g_clear_pointer (&fetch->flight, _cacheit_flight_unref);
  g_clear_pointer (&fetch->response_headers, soup_message_headers_unref);
  g_clear_pointer (&fetch->body, g_bytes_unref);
  g_clear_pointer (&fetch->snapshot_key, g_free);
  g_clear_pointer (&fetch->snapshot, _cacheit_snapshot_unref);
  g_clear_pointer (&fetch->held, _cacheit_decoded_free);
  g_clear_pointer (&fetch->safe_url, g_free);
  g_clear_object (&fetch->self);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_unref)

static gboolean
fetch_is_current (Fetch *fetch)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);

  return priv->fetch == fetch;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Stops listening to the current attempt's request, and stops waiting to
 * make the next one. */
static void
fetch_detach (Fetch *fetch)
{
  _cacheit_flight_leave (&fetch->flight, &fetch->subscription);

  clear_source (&fetch->retry_source);
}

static void
set_fetching (CacheitResource *self,
              Fetch           *fetch)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  gboolean was_fetching = priv->fetch != NULL;

  if (priv->fetch == fetch)
    return;

  /* A fetch that is replaced is cancelled: its response is never applied. */
  if (priv->fetch != NULL)
    {
      Fetch *old = g_steal_pointer (&priv->fetch);

      g_cancellable_cancel (old->cancellable);
      fetch_detach (old);
      fetch_unref (old);
    }
  priv->fetch = fetch != NULL ? fetch_ref (fetch) : NULL;

  if (was_fetching != (fetch != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHING]);
}

static void
set_last_error (CacheitResource *self,
                const GError    *error)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  gboolean had_body;

  if (priv->last_error == NULL && error == NULL)
    return;

  /* Each error decodes its own body: a new error with one is a new body. */
  had_body = priv->last_error != NULL && cacheit_error_get_body (priv->last_error) != NULL;
  g_clear_error (&priv->last_error);
  priv->last_error = error != NULL ? g_error_copy (error) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
  if (had_body || (priv->last_error != NULL && cacheit_error_get_body (priv->last_error) != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR_BODY]);
}

static void
set_response (CacheitResource *self,
              SoupMessage     *message)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  guint status = message != NULL ? soup_message_get_status (message) : 0;

  g_clear_pointer (&priv->response_headers, soup_message_headers_unref);
  if (message != NULL)
    priv->response_headers = soup_message_headers_ref (soup_message_get_response_headers (message));

  if (priv->status == status)
    return;

  priv->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_placeholder (CacheitResource *self,
                 gboolean         placeholder)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  if (priv->placeholder == (guint) placeholder)
    return;

  priv->placeholder = placeholder;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEHOLDER]);
}

/* Public entry points */

/**
 * cacheit_resource_fetch_async:
 * @self: a resource
 * @flags: how the cache may be used
 * @cancellable: (nullable): a cancellable for this caller alone
 * @callback: (scope async) (nullable) (closure user_data): called when done
 * @user_data: data for @callback
 *
 * Fetches @self, joins the fetch already in flight, or completes from the
 * data in hand.
 *
 * Without `CACHEIT_FETCH_RELOAD` (and with [property@Resource:reload] unset),
 * a fetch joins the one in flight, or completes from the cache on a later
 * main-loop iteration when a fetch succeeded before: no request is made. With
 * it, a new request is made and any older one is cancelled.
 *
 * With `CACHEIT_FETCH_CACHE_ONLY`, no request is made: @self completes from
 * the data in hand or its snapshot, or fails with `CACHEIT_ERROR_NOT_CACHED`.
 * See [flags@FetchFlags] for it, `CACHEIT_FETCH_SKIP_SNAPSHOT`, and how
 * they meet fetches in flight.
 *
 * @callback runs in the thread-default main context of the caller. Call
 * [method@Resource.fetch_finish] from it. A caller that needs no outcome
 * (the data arrives in the resource, with its signals, either way) may
 * pass `NULL`.
 *
 * Since: 1.0
 */
void
cacheit_resource_fetch_async (CacheitResource     *self,
                              CacheitFetchFlags    flags,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  gboolean cache_only = (flags & CACHEIT_FETCH_CACHE_ONLY) != 0;
  gboolean skip_snapshot = (flags & CACHEIT_FETCH_SKIP_SNAPSHOT) != 0;
  gboolean reload;

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (priv->ops != NULL);
  g_return_if_fail (!cache_only || (flags & CACHEIT_FETCH_RELOAD) == 0);

  reload = !cache_only && ((flags & CACHEIT_FETCH_RELOAD) != 0 || cacheit_resource_get_reload (self));
  /* Fresh data the server said is immutable needs no request (RFC 8246). */
  if (reload && priv->result != NULL && _cacheit_freshness_skips_reload (&priv->freshness))
    reload = FALSE;

  if (g_cancellable_is_cancelled (cancellable))
    {
      _cacheit_callers_complete_cancelled (&priv->callers, cancellable, callback, user_data);
      return;
    }

  if (cache_only)
    {
      fetch_cache_only (self, skip_snapshot, cancellable, callback, user_data);
      return;
    }

  /* Written to since it was confirmed (RFC 9111, 4.4): stale. */
  if (priv->result != NULL && _cacheit_freshness_invalidated_by_writes (&priv->freshness, priv->url))
    cacheit_resource_invalidate (self);

  /* R3: completed from the cache, on a later iteration, unless a reload
   * someone asked for is in flight, or the server said its stale data is
   * not to be used before it confirms it. Stale data is revalidated in the
   * background meanwhile, and so is data from disk that a cache-only fetch
   * left unconfirmed. */
  if (!reload && priv->result != NULL && (priv->fetch == NULL || priv->fetch->background) &&
      _cacheit_freshness_use (&priv->freshness, cacheit_resource_get_max_age (self)) != CACHEIT_FRESHNESS_USE_REVALIDATE)
    {
      _cacheit_dispatch (g_main_context_get_thread_default (), callback, G_OBJECT (self), G_ASYNC_RESULT (priv->result),
                         user_data);
      if (priv->freshness.stale || priv->freshness.origin == CACHEIT_ORIGIN_DISK)
        start_background (self);
      return;
    }

  /* R1: join the fetch in flight; else a new one supersedes it (R4). */
  _cacheit_callers_add (&priv->callers, cancellable, callback, user_data);
  if (reload || priv->fetch == NULL)
    supersede (self, reload, skip_snapshot);
}

/**
 * cacheit_resource_fetch_finish:
 * @self: a resource
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Gets the outcome of a fetch started with [method@Resource.fetch_async].
 *
 * Every caller of one fetch receives the same @result, and this may be
 * called on it any number of times.
 *
 * Returns: `TRUE` when @self holds the fetched data, `FALSE` with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_fetch_finish (CacheitResource  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);
  g_return_val_if_fail (CACHEIT_IS_FETCH_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _cacheit_fetch_result_propagate (CACHEIT_FETCH_RESULT (result), error);
}

/**
 * cacheit_resource_invalidate:
 * @self: a resource
 *
 * Marks the data of @self stale, as after the application changed it on the
 * server by other means: the next fetch without reload completes at once
 * from the cache and revalidates it in the background.
 *
 * Nothing happens when @self holds no data.
 *
 * Since: 1.0
 */
void
cacheit_resource_invalidate (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));

  _cacheit_freshness_invalidate (&priv->freshness, priv->fetched, cacheit_resource_get_max_age (self));
}

/* The path of a fetch: supersede, start, send, decode, apply */

/* CACHEIT_FETCH_CACHE_ONLY: the data in hand, stale or not (after a failed
 * refetch, the data kept: R5), with no revalidation; else the snapshot, by
 * a fetch of its own or by joining one that reads it; else NOT_CACHED, on
 * a later iteration. Nothing in flight is superseded, and a fetch on the
 * network is not waited for (fetch_send() completes these callers). */
static void
fetch_cache_only (CacheitResource     *self,
                  gboolean             skip_snapshot,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  g_autoptr(CacheitFetchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *safe_url = NULL;

  if (priv->fetched)
    {
      result = priv->result != NULL ? g_object_ref (priv->result)
                                    : _cacheit_fetch_result_new (G_OBJECT (self), cacheit_resource_fetch_async, NULL);
      _cacheit_dispatch (g_main_context_get_thread_default (), callback, G_OBJECT (self), G_ASYNC_RESULT (result),
                         user_data);
      return;
    }

  if (!skip_snapshot && (priv->fetch != NULL ? priv->fetch->from_disk : snapshot_readable (self)))
    {
      _cacheit_callers_add_cache_only (&priv->callers, cancellable, callback, user_data);
      if (priv->fetch == NULL)
        supersede (self, FALSE, FALSE);
      return;
    }

  safe_url = _cacheit_uri_to_safe_string (priv->url);
  error = _cacheit_error_new_for_url (CACHEIT_ERROR_NOT_CACHED, safe_url, NULL);
  _cacheit_callers_complete_error (&priv->callers, error, callback, user_data);
}

/* R4, and R13: a new request, which the one in flight (if any) gives way
 * to. The callers are the resource's: they wait for the new one. The old
 * one is cancelled (set_fetching()), and what it still receives is dropped
 * (fetch_is_current()). */
static void
supersede (CacheitResource *self,
           gboolean         reload,
           gboolean         skip_snapshot)
{
  g_autoptr(Fetch) fetch = fetch_new (self);

  fetch->reload = reload;
  fetch->skip_snapshot = skip_snapshot;
  set_fetching (self, fetch);
  fetch_start (fetch);
}

/* Revalidates in the background, with no caller, unless a fetch is in flight. */
static void
start_background (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  g_autoptr(Fetch) fetch = NULL;

  if (priv->fetch != NULL)
    return;

  fetch = fetch_new (self);
  fetch->background = TRUE;
  set_fetching (self, fetch);
  fetch_start (fetch);
}

static void
fetch_start (Fetch *fetch)
{
  CacheitResource *self = fetch->self;
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  uri = _cacheit_http_check_url (priv->url, &error);
  if (uri == NULL)
    {
      fetch_fail_later (fetch, error);
      return;
    }

  /* Decoding into a whole JsonNode is only done for an overridden parse(). */
  fetch->use_parse = CACHEIT_RESOURCE_GET_CLASS (self)->parse != cacheit_resource_real_parse;
  fetch->uri = g_steal_pointer (&uri);
  fetch->snapshot_key = g_uri_to_string_partial (fetch->uri, G_URI_HIDE_USERINFO | G_URI_HIDE_FRAGMENT);

  /* The first data may come from disk; a reload wants the server's. */
  if (!fetch->reload && !fetch->background && !fetch->skip_snapshot && snapshot_readable (self))
    fetch_load_snapshot (fetch);
  else
    fetch_send (fetch);
}

/* Whether a first fetch may read the snapshot: no data yet, a policy, and
 * no write waiting (whose data the snapshot would not have). */
static gboolean
snapshot_readable (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  return !priv->fetched && cacheit_resource_get_snapshot_policy (self) != CACHEIT_SNAPSHOT_NONE &&
         !cacheit_resource_get_saving (self);
}

/* Fails @fetch on a later iteration: errors found before any I/O must not be
 * reported from inside fetch_async(). */
static void
fetch_fail_later (Fetch  *fetch,
                  GError *error)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);
  g_autoptr(GSource) source = g_idle_source_new ();

  g_object_set_data_full (G_OBJECT (fetch->cancellable), "cacheit-error",
                          error, (GDestroyNotify) g_error_free);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[cacheit] fail fetch");
  g_source_set_callback (source, fail_later_cb, fetch_ref (fetch), (GDestroyNotify) fetch_unref);
  g_source_attach (source, priv->context);
}

static gboolean
fail_later_cb (gpointer user_data)
{
  Fetch *fetch = user_data;
  GError *error = g_object_steal_data (G_OBJECT (fetch->cancellable), "cacheit-error");

  if (fetch_is_current (fetch))
    fetch_fail (fetch, error);
  else
    g_error_free (error);

  return G_SOURCE_REMOVE;
}

/* Loads, then decodes, the snapshot of the fetch's URL in the store's
 * thread; decode_cb() goes on. */
static void
fetch_load_snapshot (Fetch *fetch)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);
  g_autoptr(CacheitStore) store = _cacheit_resource_snapshot_store (fetch->self);

  fetch->from_disk = TRUE;
  fetch->epoch = _cacheit_write_queue_get_epoch (&priv->writes);
  _cacheit_worker_load_snapshot (&priv->ops->decode, fetch_prepare (fetch), store,
                                 fetch->snapshot_key, priv->root_pointer, fetch->use_parse,
                                 priv->context, fetch->cancellable, decode_cb, fetch_ref (fetch));
}

/* Makes one attempt: a request of its own, or one in the air for the same. */
static void
fetch_send (Fetch *fetch)
{
  CacheitResource *self = fetch->self;
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  SoupSession *session = cacheit_resource_get_session (self);
  guint64 max_size = cacheit_resource_get_max_size (self);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(CacheitFlight) flight = NULL;
  g_autofree char *key = NULL;
  SoupMessageHeaders *headers;

  /* Who asked for the cache alone does not wait for the network: they get
   * NOT_CACHED, and with no one else waiting, nothing is sent. */
  if (_cacheit_callers_fail_cache_only (&priv->callers, fetch->safe_url) &&
      _cacheit_callers_is_empty (&priv->callers) && !fetch->background)
    {
      set_fetching (self, NULL);
      return;
    }

  /* No request while writes are waiting or in flight (for an item, its
   * collection's writes of it too): its answer could not be placed before
   * or after them. */
  fetch->parked = cacheit_resource_get_saving (self);
  if (fetch->parked)
    return;
  fetch->epoch = _cacheit_write_queue_get_epoch (&priv->writes);

  message = soup_message_new_from_uri (SOUP_METHOD_GET, fetch->uri);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  /* Revalidate the data in hand: a 304 keeps it. */
  fetch->conditional = priv->fetched && _cacheit_freshness_add_validators (&priv->freshness, headers);

  /* A reload wants an answer from after it was asked: it may be joined,
   * but joins nothing. No sharing either when a handler of ::request, on
   * @self or on a resource it follows (an item's collection), may make the
   * request differ. */
  if (!_cacheit_settings_handled_along (&priv->settings, signals[SIGNAL_REQUEST]))
    {
      key = _cacheit_flight_key (priv->context, session, message, max_size);
      if (!fetch->reload)
        flight = _cacheit_flight_lookup (key);
    }

  if (flight == NULL)
    {
      _cacheit_settings_emit_along (&priv->settings, signals[SIGNAL_REQUEST], message);

      /* A handler may have started another fetch, or cancelled every caller. */
      if (!fetch_is_current (fetch))
        return;

      flight = _cacheit_flight_new (priv->context, session, message, max_size, key);
      fetch->flight = _cacheit_flight_ref (flight);
      fetch->subscription = _cacheit_flight_subscribe (flight, flight_cb, fetch_ref (fetch),
                                                       (GDestroyNotify) fetch_unref);
      _cacheit_flight_start (flight);
      return;
    }

  fetch->flight = _cacheit_flight_ref (flight);
  fetch->subscription = _cacheit_flight_subscribe (flight, flight_cb, fetch_ref (fetch),
                                                   (GDestroyNotify) fetch_unref);
}

/* The response of the current attempt is in, or it failed. */
static void
flight_cb (CacheitFlight *flight,
           gpointer       user_data)
{
  Fetch *fetch = user_data;
  CacheitResource *self = fetch->self;
  const GError *error = _cacheit_flight_get_error (flight);
  SoupMessage *message = _cacheit_flight_get_message (flight);
  guint status;

  /* The flight is done with us: nothing to unsubscribe from. */
  fetch->subscription = 0;

  if (!fetch_wants_answer (fetch))
    return;

  /* Reading the body, or its size, fails only after a success status. */
  if (error != NULL && !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      /* Transport errors pass through unchanged. */
      if (!_cacheit_http_error_is_transient (error) || !fetch_retry (fetch, NULL))
        fetch_fail (fetch, g_error_copy (error));
      return;
    }

  status = soup_message_get_status (message);
  set_response (self, message);

  /* A handler of notify::status may have started another fetch. */
  if (!fetch_is_current (fetch))
    return;

  if (status == SOUP_STATUS_NOT_MODIFIED && fetch->conditional)
    {
      /* The data in hand is still the server's: nothing to read or parse. */
      fetch->not_modified = TRUE;
      fetch->response_headers = soup_message_headers_ref (soup_message_get_response_headers (message));
      fetch_complete (fetch, NULL, FALSE);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (!_cacheit_http_status_is_transient (status) || !fetch_retry (fetch, message))
        fetch_fail (fetch, _cacheit_http_error_for_answer (fetch->safe_url, status,
                                                           soup_message_get_reason_phrase (message),
                                                           _cacheit_flight_get_body (flight),
                                                           cacheit_resource_get_error_message_pointer (self)));
      return;
    }

  if (error != NULL)
    {
      /* The body could not be read: a dropped connection is worth another try. */
      if (!_cacheit_http_error_is_transient (error) || !fetch_retry (fetch, NULL))
        fetch_fail (fetch, WORKER_ERROR (fetch, g_error_copy (error)));
      return;
    }

  fetch->response_headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  fetch->storable = _cacheit_http_message_may_store (cacheit_resource_get_snapshot_policy (self), message);
  fetch_decode (fetch, flight);
}

/* Schedules the next attempt of @fetch, if its last one failed in a way worth
 * another and attempts are left. @message is the failed attempt's, when it
 * got a response. */
static gboolean
fetch_retry (Fetch       *fetch,
             SoupMessage *message)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);
  SoupMessageHeaders *headers = message != NULL ? soup_message_get_response_headers (message) : NULL;
  gint64 delay;

  delay = _cacheit_http_retry_delay_ms (fetch->attempt, cacheit_resource_get_retry_limit (fetch->self),
                                        cacheit_resource_get_retry_delay (fetch->self),
                                        headers != NULL ? soup_message_headers_get_one (headers, "Retry-After") : NULL,
                                        NULL, g_random_double ());
  if (delay < 0)
    return FALSE;

  fetch->attempt++;
  fetch_detach (fetch);

  fetch->retry_source = g_timeout_source_new ((guint) delay);
  g_source_set_static_name (fetch->retry_source, "[cacheit] retry");
  g_source_set_priority (fetch->retry_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (fetch->retry_source, retry_cb, fetch_ref (fetch),
                         (GDestroyNotify) fetch_unref);
  g_source_attach (fetch->retry_source, priv->context);

  return TRUE;
}

static gboolean
retry_cb (gpointer user_data)
{
  Fetch *fetch = user_data;

  g_clear_pointer (&fetch->retry_source, g_source_unref);
  if (fetch_is_current (fetch))
    fetch_send (fetch);

  return G_SOURCE_REMOVE;
}

/* The body is in: decoded in a worker thread, then decode_cb(). */
static void
fetch_decode (Fetch         *fetch,
              CacheitFlight *flight)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);

  fetch->body = g_bytes_ref (_cacheit_flight_get_body (flight));
  _cacheit_worker_decode (&priv->ops->decode, fetch_prepare (fetch), flight, priv->root_pointer,
                          fetch->use_parse, priv->context, fetch->cancellable,
                          decode_cb, fetch_ref (fetch));
}

static gpointer
fetch_prepare (Fetch *fetch)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);

  return priv->ops->prepare != NULL ? priv->ops->prepare (fetch->self) : NULL;
}

static void
decode_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);
  g_autoptr(GError) error = NULL;
  CacheitDecoded *decoded;

  decoded = _cacheit_worker_decode_finish (result, &error);

  if (!fetch_is_current (fetch))
    {
      g_clear_pointer (&decoded, _cacheit_decoded_free);
      return;
    }

  if (fetch->from_disk)
    {
      if (decoded == NULL)
        {
          fetch_disk_miss (fetch, error);
          return;
        }
      /* Data the server said is to be confirmed first waits for it, but
       * for who asked for the cache alone (offline: RFC 9111, 4.2.4). */
      if (_cacheit_callers_wants_network (&priv->callers) &&
          !_cacheit_freshness_snapshot_usable (decoded->snapshot, cacheit_resource_get_max_age (fetch->self)))
        {
          fetch_disk_miss (fetch, NULL);
          fetch->held = decoded;
          return;
        }
      fetch->snapshot = _cacheit_snapshot_ref (decoded->snapshot);
    }

  if (decoded == NULL)
    {
      fetch_fail (fetch, WORKER_ERROR (fetch, g_steal_pointer (&error)));
      return;
    }

  if (fetch_wants_answer (fetch))
    fetch_apply (fetch, decoded);
  _cacheit_decoded_free (decoded);
}

/* Whether what @fetch just received (a response, or the data decoded from
 * it) is to be used. The one place that says why not:
 * - superseded (a reload, a new URL, or no caller left): it is dropped;
 * - outdated by a write (one started or ended since the request): it is
 *   asked again, once the writes are done. */
static gboolean
fetch_wants_answer (Fetch *fetch)
{
  if (!fetch_is_current (fetch))
    return FALSE;   /* Superseded: dropped. */

  if (fetch_outdated (fetch))
    return FALSE;   /* Outdated by a write: asked again. */

  return TRUE;
}

/* A write started or ended since the request was made: its answer may
 * predate the write, so it is asked again, once the writes are done. */
static gboolean
fetch_outdated (Fetch *fetch)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);

  if (fetch->epoch == _cacheit_write_queue_get_epoch (&priv->writes))
    return FALSE;

  g_clear_pointer (&fetch->response_headers, soup_message_headers_unref);
  g_clear_pointer (&fetch->body, g_bytes_unref);
  fetch->not_modified = FALSE;
  if (fetch->from_disk)
    fetch_disk_miss (fetch, NULL);
  else
    {
      fetch_detach (fetch);
      fetch_send (fetch);
    }

  return TRUE;
}

/* A snapshot could not be used: the fetch goes to the network. */
static void
fetch_disk_miss (Fetch        *fetch,
                 const GError *error)
{
  if (error != NULL)
    g_debug ("The snapshot of %s is not used: %s", fetch->safe_url, error->message);

  fetch->from_disk = FALSE;
  g_clear_pointer (&fetch->snapshot, _cacheit_snapshot_unref);
  fetch_send (fetch);
}

static void
fetch_apply (Fetch   *fetch,
             CacheitDecoded *decoded)
{
  CacheitResource *self = fetch->self;
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  GError *error = NULL;
  gboolean changed;

  if (decoded->node != NULL)
    {
      g_autoptr(JsonNode) parsed = NULL;

      /* The slow path: parse() wants the whole response as a JsonNode. */
      parsed = CACHEIT_RESOURCE_GET_CLASS (self)->parse (self, decoded->node, &error);

      /* parse() may have started another fetch. */
      if (!fetch_is_current (fetch))
        {
          g_clear_error (&error);
          return;
        }

      if (parsed == NULL && error == NULL)
        error = g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                                     "parse() returned nothing");
      if (error == NULL)
        decoded->decoded = priv->ops->from_node (self, parsed, &error);
      if (error != NULL && fetch->from_disk)
        {
          fetch_disk_miss (fetch, error);
          g_error_free (error);
          return;
        }
      if (error != NULL)
        {
          fetch_fail (fetch, WORKER_ERROR (fetch, error));
          return;
        }
    }

  /* Where the data comes from is known before it shows, and that it is
   * this URL's (R13). */
  _cacheit_freshness_set_origin (&priv->freshness,
                                 fetch->snapshot != NULL ? CACHEIT_ORIGIN_DISK : CACHEIT_ORIGIN_NETWORK);
  set_placeholder (self, FALSE);
  changed = priv->ops->apply (self, decoded->decoded);
  fetch_complete (fetch, NULL, changed);
}

static JsonNode *
cacheit_resource_real_parse (CacheitResource  *self,
                             JsonNode         *response,
                             GError          **error)
{
  return json_node_ref (response);
}

/* Completion */

/* Ends @fetch, which must be current, with @error or with success. Every
 * caller gets the same result, after the signals. */
static void
fetch_complete (Fetch        *fetch,
                const GError *error,
                gboolean      changed)
{
  CacheitResource *self = fetch->self;
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  g_autoptr(CacheitFetchResult) result = NULL;
  /* set_fetching() below drops the resource's reference to @fetch. */
  G_GNUC_UNUSED g_autoptr(Fetch) hold = fetch_ref (fetch);
  GQueue callers = G_QUEUE_INIT;
  gboolean wants_network = _cacheit_callers_wants_network (&priv->callers);

  g_assert (fetch_is_current (fetch));

  /* Detach first: a signal handler below may start another fetch. */
  callers = _cacheit_callers_take (&priv->callers);

  result = _cacheit_fetch_result_new (G_OBJECT (self), cacheit_resource_fetch_async, error);

  g_object_freeze_notify (G_OBJECT (self));

  set_fetching (self, NULL);
  set_last_error (self, error);

  if (error == NULL)
    {
      g_set_object (&priv->result, result);
      /* sync means new data was applied: the first data, or a change. */
      if (!priv->fetched)
        {
          priv->fetched = TRUE;
          changed = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED]);
        }
      if (fetch->snapshot != NULL)
        {
          _cacheit_freshness_restore (&priv->freshness, fetch->snapshot, fetch->snapshot_key,
                                      cacheit_resource_get_max_age (self));
          priv->storable = TRUE;
        }
      else if (fetch->response_headers != NULL)
        {
          if (!fetch->not_modified)
            priv->storable = fetch->storable;

          _cacheit_freshness_confirm (&priv->freshness, priv->status, fetch->response_headers,
                                      fetch->not_modified, cacheit_resource_get_max_age (self));

          _cacheit_resource_snapshot_follow (self, priv->context, fetch->snapshot_key, fetch->not_modified,
                                             fetch->body, fetch->storable, &priv->freshness);
        }
      if (changed)
        g_signal_emit (self, signals[SIGNAL_SYNC], 0);
    }
  else
    {
      /* A failure is not cached (R5): the next fetch makes a new request,
       * and its callers wait for it even with data in hand, which stays
       * readable meanwhile. */
      g_clear_object (&priv->result);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
    }

  g_object_thaw_notify (G_OBJECT (self));

  _cacheit_callers_complete_taken (&priv->callers, &callers, G_ASYNC_RESULT (result));

  /* Data from disk is shown at once, then confirmed by the server, unless
   * every caller wanted the cache alone (the next fetch confirms it). */
  if (error == NULL && fetch->snapshot != NULL && wants_network && fetch->held == NULL)
    start_background (self);
}

static void
fetch_fail (Fetch  *fetch,
            GError *error)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (fetch->self);

  /* A snapshot that waited for the server stands in when it cannot be
   * reached (RFC 9111, 4.2.4), the error told too; stale data, where the
   * server said so. */
  if (fetch->held != NULL && _cacheit_http_error_is_transient (error))
    {
      g_autoptr(GError) told = g_steal_pointer (&error);

      fetch->snapshot = _cacheit_snapshot_ref (fetch->held->snapshot);
      fetch_apply (fetch, fetch->held);
      set_last_error (fetch->self, told);
      g_signal_emit (fetch->self, signals[SIGNAL_ERROR], 0, told);
      return;
    }
  if (priv->fetched && !fetch->from_disk &&
      _cacheit_freshness_stale_if_error (&priv->freshness, cacheit_resource_get_max_age (fetch->self),
                                         error, priv->status))
    {
      g_debug ("%s: the stale data stands in for an error: %s", fetch->safe_url, error->message);
      fetch_complete (fetch, NULL, FALSE);
    }
  else
    fetch_complete (fetch, error, FALSE);
  g_error_free (error);
}

void
_cacheit_resource_save_snapshot (CacheitResource *self,
                                 GBytes          *body)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  /* Data the policy does not let us keep stays off the disk after a write
   * too. */
  if (body != NULL && !priv->storable)
    return;

  /* An overridden parse() expects what the server sends, which @body is
   * not: the older snapshot goes, none replaces it. */
  if (body != NULL && CACHEIT_RESOURCE_GET_CLASS (self)->parse != cacheit_resource_real_parse)
    body = NULL;

  _cacheit_resource_snapshot_write (self, priv->context, body != NULL ? CACHEIT_SNAPSHOT_SAVE : CACHEIT_SNAPSHOT_REMOVE,
                                    priv->url, body, NULL, NULL, priv->freshness.caching,
                                    priv->freshness.server_lifetime);
}

/* A caller cancelled (R6): the request is aborted only when no caller is
 * left waiting for it; a revalidation in the background goes on without
 * callers. */
static void
callers_left (GObject *owner,
              guint    left)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (CACHEIT_RESOURCE (owner));

  if (left == 0 && priv->fetch != NULL && !priv->fetch->background)
    set_fetching (CACHEIT_RESOURCE (owner), NULL);
}

/* What else moves the state: writes, freshness, refetching, settings */

static void
writes_changed (CacheitResource *self,
                gboolean         was_saving)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  gboolean saving = cacheit_resource_get_saving (self);

  if (saving != was_saving)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);

  /* The writes are done: a fetch that waited for them makes its request. */
  if (!saving && priv->fetch != NULL && priv->fetch->parked)
    fetch_send (priv->fetch);
}

static SoupSession *
write_request (CacheitResource  *target,
               SoupMessage      *message,
               guint64          *max_size,
               const char      **error_message_pointer)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (target);

  /* On the resource written (an item) and on those it follows (its
   * collection). */
  _cacheit_settings_emit_along (&priv->settings, signals[SIGNAL_REQUEST], message);
  *max_size = cacheit_resource_get_max_size (target);
  *error_message_pointer = cacheit_resource_get_error_message_pointer (target);

  return cacheit_resource_get_session (target);
}

static void
write_answered (CacheitResource *self,
                CacheitResource *target,
                SoupMessage     *message)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  CacheitResourcePrivate *target_priv = cacheit_resource_get_instance_private (target);
  guint status = soup_message_get_status (message);

  /* :status is the last status received, a write's too: on the resource
   * written, and on the one that sent it (a collection, for its items). */
  set_response (self, message);
  if (target != self)
    set_response (target, message);
  _cacheit_freshness_wrote (&target_priv->freshness, target_priv->url, message);

  /* What the server accepted joins the data: it may make it private. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && !_cacheit_http_message_may_store (cacheit_resource_get_snapshot_policy (self), message))
    priv->storable = FALSE;
}

static const CacheitWriteQueueHooks write_hooks = {
  .changed = writes_changed,
  .request = write_request,
  .answered = write_answered,
  .invalidate = cacheit_resource_invalidate,
};

CacheitWriteQueue *
_cacheit_resource_get_writes (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  return &priv->writes;
}

static void
update_stale (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  _cacheit_freshness_update (&priv->freshness, priv->fetched, cacheit_resource_get_max_age (self));
}

static void
freshness_changed (GObject                *owner,
                   CacheitFreshnessChange  change)
{
  switch (change)
    {
    case CACHEIT_FRESHNESS_LAST_UPDATED:
      g_object_notify_by_pspec (owner, properties[PROP_LAST_UPDATED]);
      break;

    case CACHEIT_FRESHNESS_STALE:
      g_object_notify_by_pspec (owner, properties[PROP_STALE]);
      break;

    case CACHEIT_FRESHNESS_ORIGIN:
      g_object_notify_by_pspec (owner, properties[PROP_ORIGIN]);
      break;

    case CACHEIT_FRESHNESS_EXPIRED:
      update_stale (CACHEIT_RESOURCE (owner));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The application came back, or the network did: revalidate data that needs
 * it, and retry a fetch that failed. */
static void
maybe_refetch (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  if (priv->fetch != NULL ||
      _cacheit_refetch_constrained (cacheit_resource_get_pause_when_constrained (self)))
    return;

  if (priv->freshness.stale || priv->last_error != NULL)
    start_background (self);
}

static void
refetch_cb (GObject              *owner,
            CacheitRefetchReason  reason)
{
  CacheitResource *self = CACHEIT_RESOURCE (owner);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  switch (reason)
    {
    case CACHEIT_REFETCH_INTERVAL:
      if (priv->fetched && cacheit_resource_get_app_active (self) && priv->fetch == NULL &&
          !_cacheit_refetch_constrained (cacheit_resource_get_pause_when_constrained (self)))
        start_background (self);
      break;

    case CACHEIT_REFETCH_RECONNECTED:
      if (cacheit_resource_get_refetch_on_reconnect (self))
        maybe_refetch (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The value of @setting that @owner uses changed: what depends on it
 * follows. */
static void
setting_changed (GObject *owner,
                 guint    setting)
{
  CacheitResource *self = CACHEIT_RESOURCE (owner);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  guint prop_id = FIRST_SETTING_PROP + setting;

  switch (prop_id)
    {
    case PROP_MAX_AGE:
      update_stale (self);
      break;

    case PROP_REFRESH_INTERVAL:
      _cacheit_refetch_set_interval (&priv->refetch, cacheit_resource_get_refresh_interval (self));
      break;

    case PROP_REFETCH_ON_RECONNECT:
      _cacheit_refetch_watch_network (&priv->refetch, cacheit_resource_get_refetch_on_reconnect (self));
      break;

    default:
      break;
    }

  g_object_notify_by_pspec (owner, properties[prop_id]);

  if (prop_id == PROP_APP_ACTIVE && cacheit_resource_get_app_active (self))
    maybe_refetch (self);
}

/* The value of the setting @prop_id in use. */
static const GValue *
setting (CacheitResource *self,
         guint            prop_id)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  return _cacheit_settings_get (&priv->settings, SETTING (prop_id));
}

/* Sets the setting @prop_id of @self, as its own (a NULL string or object:
 * follows its collection again). */
static void
set_setting (CacheitResource *self,
             guint            prop_id,
             const GValue    *value)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  _cacheit_settings_set (&priv->settings, SETTING (prop_id), value);
}

void
_cacheit_resource_set_parent (CacheitResource *self,
                              CacheitResource *parent)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  CacheitResourcePrivate *parent_priv = parent != NULL ? cacheit_resource_get_instance_private (parent) : NULL;

  _cacheit_settings_set_parent (&priv->settings, parent_priv != NULL ? &parent_priv->settings : NULL);
}

void
_cacheit_resource_follow_settings (CacheitResource *self,
                                   CacheitSettings *settings)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  _cacheit_settings_set_parent (&priv->settings, settings);
}

/* A URL names its data (R13) */

/* The URL changed: nothing the resource knows of its data is the new URL's.
 * The data shows on as a placeholder until the new URL's is applied, or is
 * cleared now; the request in flight is superseded, as by a reload (R4),
 * and its callers wait for the new URL's data. */
static void
url_changed (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);
  gboolean had_data = priv->fetched || priv->placeholder;
  Fetch *previous = priv->fetch;

  /* No fetch completes from the cache, and no request revalidates, with
   * what the old URL answered. */
  g_clear_object (&priv->result);
  priv->storable = FALSE;
  _cacheit_freshness_reset (&priv->freshness);
  if (priv->fetched)
    {
      priv->fetched = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED]);
    }
  update_stale (self);
  _cacheit_freshness_set_origin (&priv->freshness, CACHEIT_ORIGIN_NONE);
  set_response (self, NULL);
  set_last_error (self, NULL);

  /* While writes wait, what shows is theirs too: it stays, as a
   * placeholder, whatever the policy. */
  if (had_data && priv->ops != NULL)
    {
      if (!priv->keep_previous_data && !cacheit_resource_get_saving (self))
        {
          set_placeholder (self, FALSE);
          priv->ops->clear (self);
        }
      else
        set_placeholder (self, TRUE);
    }

  if (previous != NULL)
    {
      /* Superseded: whatever the old URL still answers is dropped. */
      if (_cacheit_callers_is_empty (&priv->callers))
        {
          set_fetching (self, NULL);
          return;
        }

      supersede (self, previous->reload, previous->skip_snapshot);
    }
}

/**
 * cacheit_resource_set_url:
 * @self: a resource
 * @url: (nullable): the URL to fetch
 *
 * Sets the URL of @self.
 *
 * A URL names its data: after a change, no fetch completes with the data of
 * the previous URL. The next fetch asks for the new URL (from the network,
 * or from its own snapshot on disk), and a request still in flight for the
 * old one is superseded as by `CACHEIT_FETCH_RELOAD`: its response is never
 * applied, and its callers complete with the new URL's data. What shows
 * meanwhile is the previous data, as a [property@Resource:placeholder], or
 * nothing: see [property@Resource:keep-previous-data].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_url (CacheitResource *self,
                          const char      *url)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));

  if (g_strcmp0 (priv->url, url) == 0)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_free (priv->url);
  priv->url = g_strdup (url);
  url_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cacheit_resource_rename (CacheitResource *self,
                          const char      *url)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  if (g_strcmp0 (priv->url, url) == 0)
    return;

  g_free (priv->url);
  priv->url = g_strdup (url);
  _cacheit_resource_forget_validators (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

/**
 * cacheit_resource_get_url:
 * @self: a resource
 *
 * Gets the URL of @self.
 *
 * Returns: (nullable): the URL
 *
 * Since: 1.0
 */
const char *
cacheit_resource_get_url (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);

  return priv->url;
}

/* GObject */

static void
cacheit_resource_constructed (GObject *object)
{
  CacheitResource *self = CACHEIT_RESOURCE (object);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  G_OBJECT_CLASS (cacheit_resource_parent_class)->constructed (object);

  /* The nearest class that told us how to decode and apply. */
  for (GType type = G_OBJECT_TYPE (object); priv->ops == NULL && type != 0; type = g_type_parent (type))
    priv->ops = g_type_get_qdata (type, ops_quark);

  if (priv->ops == NULL)
    g_critical ("%s is not a kind of resource cacheit-glib can fetch; "
                "derive from CacheitModel", G_OBJECT_TYPE_NAME (object));
}

static void
cacheit_resource_dispose (GObject *object)
{
  CacheitResource *self = CACHEIT_RESOURCE (object);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  /* A fetch keeps its resource alive, so only g_object_run_dispose() gets
   * here with one in flight: its callers complete as cancelled. */
  _cacheit_callers_cancel_all (&priv->callers);
  set_fetching (self, NULL);

  _cacheit_settings_release (&priv->settings);
  g_clear_object (&priv->result);

  _cacheit_refetch_stop (&priv->refetch);
  _cacheit_freshness_stop (&priv->freshness);

  G_OBJECT_CLASS (cacheit_resource_parent_class)->dispose (object);
}

static void
cacheit_resource_finalize (GObject *object)
{
  CacheitResource *self = CACHEIT_RESOURCE (object);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  _cacheit_settings_clear (&priv->settings);
  g_clear_pointer (&priv->url, g_free);
  g_clear_pointer (&priv->root_pointer, g_free);
  _cacheit_freshness_clear (&priv->freshness);
  g_clear_error (&priv->last_error);
  g_clear_pointer (&priv->response_headers, soup_message_headers_unref);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (cacheit_resource_parent_class)->finalize (object);
}

static void
cacheit_resource_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CacheitResource *self = CACHEIT_RESOURCE (object);
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  /* The session in use may be the default one. */
  if (prop_id == PROP_SESSION)
    {
      g_value_set_object (value, cacheit_resource_get_session (self));
      return;
    }
  if (prop_id >= FIRST_SETTING_PROP && SETTING (prop_id) < N_SETTINGS)
    {
      g_value_copy (setting (self, prop_id), value);
      return;
    }
  if (_cacheit_resource_freshness_get_property (object, prop_id, value))
    return;

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, priv->url);
      break;

    case PROP_PLACEHOLDER:
      g_value_set_boolean (value, priv->placeholder);
      break;

    case PROP_KEEP_PREVIOUS_DATA:
      g_value_set_boolean (value, priv->keep_previous_data);
      break;

    case PROP_ROOT_POINTER:
      g_value_set_string (value, priv->root_pointer);
      break;

    case PROP_FETCHING:
      g_value_set_boolean (value, priv->fetch != NULL);
      break;

    case PROP_FETCHED:
      g_value_set_boolean (value, priv->fetched);
      break;

    case PROP_LAST_ERROR:
      g_value_set_boxed (value, priv->last_error);
      break;

    case PROP_LAST_ERROR_BODY:
      g_value_set_boxed (value, priv->last_error != NULL ? cacheit_error_get_body (priv->last_error) : NULL);
      break;

    case PROP_STATUS:
      g_value_set_uint (value, priv->status);
      break;

    case PROP_SAVING:
      g_value_set_boolean (value, cacheit_resource_get_saving (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_resource_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CacheitResource *self = CACHEIT_RESOURCE (object);

  if (prop_id >= FIRST_SETTING_PROP && SETTING (prop_id) < N_SETTINGS)
    {
      set_setting (self, prop_id, value);
      return;
    }

  switch (prop_id)
    {
    case PROP_URL:
      cacheit_resource_set_url (self, g_value_get_string (value));
      break;

    case PROP_KEEP_PREVIOUS_DATA:
      cacheit_resource_set_keep_previous_data (self, g_value_get_boolean (value));
      break;

    case PROP_ROOT_POINTER:
      cacheit_resource_set_root_pointer (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_resource_class_init (CacheitResourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _cacheit_init_i18n ();
  ops_quark = g_quark_from_static_string ("cacheit-resource-ops");

  object_class->constructed = cacheit_resource_constructed;
  object_class->dispose = cacheit_resource_dispose;
  object_class->finalize = cacheit_resource_finalize;
  object_class->get_property = cacheit_resource_get_property;
  object_class->set_property = cacheit_resource_set_property;

  klass->parse = cacheit_resource_real_parse;

  _cacheit_resource_settings_class_init (object_class, G_PRIVATE_OFFSET (CacheitResource, settings),
                                         &properties[FIRST_SETTING_PROP]);
  _cacheit_resource_freshness_class_init (object_class, G_PRIVATE_OFFSET (CacheitResource, freshness));
  _cacheit_resource_class_describe (object_class, properties, signals);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cacheit_resource_init (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  priv->context = g_main_context_ref_thread_default ();
  _cacheit_freshness_init (&priv->freshness, G_OBJECT (self), priv->context, freshness_changed);
  _cacheit_callers_init (&priv->callers, G_OBJECT (self), priv->context, cacheit_resource_fetch_async,
                         callers_left);
  _cacheit_refetch_init (&priv->refetch, G_OBJECT (self), priv->context, refetch_cb);
  priv->keep_previous_data = TRUE;
  _cacheit_write_queue_init (&priv->writes, self, &write_hooks, priv->context);
  _cacheit_settings_init (&priv->settings, G_OBJECT (self), &properties[FIRST_SETTING_PROP],
                          N_SETTINGS, setting_changed);
}

GMainContext *
_cacheit_resource_get_context (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  return priv->context;
}

void
_cacheit_resource_class_set_ops (CacheitResourceClass     *klass,
                                 const CacheitResourceOps *ops)
{
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), ops_quark, (gpointer) ops);
}

/* The other accessors */

/**
 * cacheit_resource_get_saving:
 * @self: a resource
 *
 * Gets the value of [property@Resource:saving].
 *
 * Returns: whether writes of @self are waiting or in flight
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_saving (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);

  return _cacheit_write_queue_busy (&priv->writes);
}

/**
 * cacheit_resource_get_placeholder:
 * @self: a resource
 *
 * Gets whether the data of @self is that of an earlier URL, shown until the
 * data of the current one is applied.
 *
 * Returns: `TRUE` while the data in hand is of an earlier URL
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_placeholder (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);

  return priv->placeholder;
}

/**
 * cacheit_resource_get_keep_previous_data:
 * @self: a resource
 *
 * Gets whether a URL change keeps the data in hand, as a placeholder.
 *
 * Returns: `TRUE` when the previous URL's data keeps showing
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_keep_previous_data (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);

  return priv->keep_previous_data;
}

/**
 * cacheit_resource_set_keep_previous_data:
 * @self: a resource
 * @keep_previous_data: whether the previous URL's data keeps showing
 *
 * Sets whether a URL change keeps the data in hand, as a
 * [property@Resource:placeholder], until the new URL's data is applied, or
 * clears it at once.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_keep_previous_data (CacheitResource *self,
                                         gboolean         keep_previous_data)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));

  keep_previous_data = !!keep_previous_data;
  if (priv->keep_previous_data == (guint) keep_previous_data)
    return;

  priv->keep_previous_data = keep_previous_data;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_PREVIOUS_DATA]);
}

/**
 * cacheit_resource_get_root_pointer:
 * @self: a resource
 *
 * Gets where the data of @self is inside the response.
 *
 * Returns: (nullable): the JSON Pointer
 *
 * Since: 1.0
 */
const char *
cacheit_resource_get_root_pointer (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);

  return priv->root_pointer;
}

/**
 * cacheit_resource_set_root_pointer:
 * @self: a resource
 * @root_pointer: (nullable): an RFC 6901 JSON Pointer such as `/results/items`
 *
 * Sets where the data of @self is inside the response.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_root_pointer (CacheitResource *self,
                                   const char      *root_pointer)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (_cacheit_json_pointer_is_valid (root_pointer));

  if (g_strcmp0 (priv->root_pointer, root_pointer) == 0)
    return;

  g_free (priv->root_pointer);
  priv->root_pointer = g_strdup (root_pointer);
  _cacheit_resource_forget_validators (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOT_POINTER]);
}

/**
 * cacheit_resource_get_fetching:
 * @self: a resource
 *
 * Gets whether a request of @self is in flight.
 *
 * Returns: the value of [property@Resource:fetching]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_fetching (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);

  return priv->fetch != NULL;
}

/**
 * cacheit_resource_get_fetched:
 * @self: a resource
 *
 * Gets whether @self holds data from a successful fetch.
 *
 * Returns: the value of [property@Resource:fetched]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_fetched (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);

  return priv->fetched;
}

/**
 * cacheit_resource_get_last_error:
 * @self: a resource
 *
 * Gets the error of the last fetch of @self, if it failed.
 *
 * Returns: (nullable) (transfer none): the value of [property@Resource:last-error]
 *
 * Since: 1.0
 */
const GError *
cacheit_resource_get_last_error (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);

  return priv->last_error;
}

/**
 * cacheit_resource_get_status:
 * @self: a resource
 *
 * Gets the HTTP status of the last response @self received.
 *
 * Returns: the value of [property@Resource:status]
 *
 * Since: 1.0
 */
guint
cacheit_resource_get_status (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), 0);

  return priv->status;
}

/**
 * cacheit_resource_get_response_headers:
 * @self: a resource
 *
 * Gets the headers of the last response received for @self, whose status
 * [property@Resource:status] gives: to a fetch (a `304 Not Modified` and a
 * failure with a status too) or to a write. Read what the application needs
 * of it, a total (`X-Total-Count`) or a rate limit (`X-RateLimit-Remaining`),
 * when the fetch or write completes; the headers are the server's, as
 * received, and must not be changed.
 *
 * Returns: (transfer none) (nullable): the headers, or `NULL` before any
 *   response for the current URL
 *
 * Since: 1.0
 */
SoupMessageHeaders *
cacheit_resource_get_response_headers (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);

  return priv->response_headers;
}

void
_cacheit_resource_forget_validators (CacheitResource *self)
{
  CacheitResourcePrivate *priv = cacheit_resource_get_instance_private (self);

  _cacheit_freshness_forget_validators (&priv->freshness);
}

void
_cacheit_resource_report (CacheitResource *self,
                          const GError    *error)
{
  set_last_error (self, error);
  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}
