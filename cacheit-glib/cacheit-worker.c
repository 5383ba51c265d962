/* cacheit-worker.c: the work a resource hands to other threads.
 *
 * A fetch leaves its main context once, after the body is in: the job below
 * decodes it in a worker thread (or loads a snapshot and decodes that, in
 * the store's thread, where the snapshots are written too) and comes back
 * with the data to apply. A job holds only what the resource copied for it
 * (the decoding ops, what prepare() made, the root pointer) and the body; it
 * frees the body, and what was decoded from it when no other resource of the
 * flight still needs that, in the worker, not on the main thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-worker.h"
#include "cacheit-decode.h"
#include "cacheit-dispatch.h"

typedef struct
{
  const CacheitDecodeOps *ops;
  gpointer                prepared;
  GBytes                 *body;
  char                   *root_pointer;
  CacheitSharedDecode    *shared;   /* With the other resources of the flight. */
  /* A snapshot to load first, instead of a body. */
  CacheitStore           *store;
  char                   *key;
  guint                   use_parse : 1;
  guint                   no_content : 1;   /* A 204: no body to decode. */
} DecodeJob;

static void
decode_job_free (DecodeJob *job)
{
  if (job->prepared != NULL && job->ops->prepare_free != NULL)
    job->ops->prepare_free (job->prepared);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->root_pointer, g_free);
  g_clear_pointer (&job->shared, _cacheit_shared_decode_unref);
  g_clear_pointer (&job->store, _cacheit_store_unref);
  g_clear_pointer (&job->key, g_free);
  g_free (job);
}

void
_cacheit_decoded_free (CacheitDecoded *decoded)
{
  if (decoded->decoded != NULL)
    decoded->ops->decoded_free (decoded->decoded);
  g_clear_pointer (&decoded->node, json_node_unref);
  g_clear_pointer (&decoded->snapshot, _cacheit_snapshot_unref);
  g_free (decoded);
}

static DecodeJob *
decode_job_new (const CacheitDecodeOps *ops,
                gpointer                prepared,
                const char             *root_pointer,
                gboolean                use_parse)
{
  DecodeJob *job = g_new0 (DecodeJob, 1);

  job->ops = ops;
  job->prepared = prepared;
  job->root_pointer = g_strdup (root_pointer);
  job->use_parse = use_parse;

  return job;
}

static gpointer
decode_shared (gpointer   user_data,
               GError   **error)
{
  DecodeJob *job = user_data;

  return job->ops->decode_shared (job->prepared, job->body, job->root_pointer, error);
}

/* The data of an answer with no content: the kind's empty JSON, decoded as
 * a body would be, but with no root pointer (there is no envelope). */
static gpointer
decode_empty (DecodeJob  *job,
              GError    **error)
{
  gsize length = strlen (job->ops->empty);
  guint8 *data = g_malloc0 (length + CACHEIT_BODY_PADDING);
  g_autoptr(GBytes) body = NULL;
  gpointer shared;
  gpointer decoded = NULL;

  memcpy (data, job->ops->empty, length);
  body = g_bytes_new_take (data, length);
  shared = job->ops->decode_shared (job->prepared, body, NULL, error);
  if (shared != NULL)
    {
      decoded = job->ops->finish (job->prepared, shared, error);
      job->ops->shared_unref (shared);
    }

  return decoded;
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecodeJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  CacheitDecoded *decoded;
  gsize length;
  const char *data;

  if (job->store != NULL)
    {
      /* A snapshot: none (or none usable) is a miss, not an error. */
      snapshot = _cacheit_store_load (job->store, job->key, &error);
      if (snapshot == NULL)
        {
          if (error != NULL)
            g_debug ("No snapshot of %s: %s", job->key, error->message);
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      job->body = g_bytes_ref (snapshot->body);
    }

  data = g_bytes_get_data (job->body, &length);
  decoded = g_new0 (CacheitDecoded, 1);
  decoded->ops = job->ops;
  decoded->snapshot = g_steal_pointer (&snapshot);

  /* No content: a 204, or its snapshot (the one kept with an empty body). */
  if (job->no_content || (decoded->snapshot != NULL && length == 0))
    decoded->decoded = decode_empty (job, &error);
  else if (job->use_parse)
    decoded->node = _cacheit_decode_node (data, length, job->root_pointer,
                                          CACHEIT_SHAPE_ANY, &error);
  else
    {
      gpointer shared;

      if (job->shared != NULL)
        shared = _cacheit_shared_decode_get (job->shared, decode_shared, job,
                                             job->ops->shared_ref, job->ops->shared_unref,
                                             &error);
      else
        shared = decode_shared (job, &error);
      if (shared != NULL)
        {
          decoded->decoded = job->ops->finish (job->prepared, shared, &error);
          job->ops->shared_unref (shared);
        }
    }

  /* The body is not needed any more: free it (and what was decoded from it,
   * when this was the last resource to use it) here, not on the main thread.
   * A snapshot just loaded is ours alone: what the resource needs of it is
   * its validators and times. */
  g_clear_pointer (&job->body, g_bytes_unref);
  if (decoded->snapshot != NULL)
    g_clear_pointer (&decoded->snapshot->body, g_bytes_unref);
  g_clear_pointer (&job->shared, _cacheit_shared_decode_unref);

  if (error != NULL)
    {
      _cacheit_decoded_free (decoded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, decoded, (GDestroyNotify) _cacheit_decoded_free);
}

/* A task in @context with no source object: a worker thread must never hold
 * the resource. */
static GTask *
job_task_new (GMainContext        *context,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag,
              const char          *name)
{
  GTask *task;

  g_main_context_push_thread_default (context);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_main_context_pop_thread_default (context);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);

  return task;
}

void
_cacheit_worker_decode (const CacheitDecodeOps *ops,
                        gpointer                prepared,
                        CacheitFlight          *flight,
                        const char             *root_pointer,
                        gboolean                use_parse,
                        GMainContext           *context,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  DecodeJob *job = decode_job_new (ops, prepared, root_pointer, use_parse);
  g_autoptr(GTask) task = NULL;

  job->body = g_bytes_ref (_cacheit_flight_get_body (flight));
  job->no_content = soup_message_get_status (_cacheit_flight_get_message (flight)) == SOUP_STATUS_NO_CONTENT;
  if (!use_parse && !job->no_content)
    {
      /* What makes two decodings the same: the kind of resource, the root
       * pointer, and the kind's own settings. */
      g_autofree char *share_key = ops->share_key != NULL ? ops->share_key (prepared) : NULL;
      g_autofree char *key = g_strdup_printf ("%p\n%s\n%s", (gpointer) ops,
                                              root_pointer != NULL ? root_pointer : "",
                                              share_key != NULL ? share_key : "");

      job->shared = _cacheit_flight_get_shared_decode (flight, key);
    }

  task = job_task_new (context, cancellable, callback, user_data,
                       _cacheit_worker_decode, "[cacheit] decode");
  g_task_set_task_data (task, job, (GDestroyNotify) decode_job_free);
  g_task_run_in_thread (task, decode_thread);
}

void
_cacheit_worker_load_snapshot (const CacheitDecodeOps *ops,
                               gpointer                prepared,
                               CacheitStore           *store,
                               const char             *key,
                               const char             *root_pointer,
                               gboolean                use_parse,
                               GMainContext           *context,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  DecodeJob *job = decode_job_new (ops, prepared, root_pointer, use_parse);
  g_autoptr(GTask) task = NULL;

  job->store = _cacheit_store_ref (store);
  job->key = g_strdup (key);

  task = job_task_new (context, cancellable, callback, user_data,
                       _cacheit_worker_load_snapshot, "[cacheit] load snapshot");
  g_task_set_task_data (task, job, (GDestroyNotify) decode_job_free);
  _cacheit_store_run_in_thread (task, decode_thread);
}

CacheitDecoded *
_cacheit_worker_decode_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Snapshot writes */

typedef struct
{
  CacheitSnapshotAction  action;
  CacheitStore          *store;
  char                  *key;
  GBytes                *body;
  char                  *etag;
  char                  *last_modified;
  char                  *caching;
  gint64                 stored_at;
  gint64                 lifetime;
  GApplication          *application;   /* Held until the write is done. */
} SnapshotWrite;

static void
snapshot_write_free (SnapshotWrite *write)
{
  g_clear_pointer (&write->store, _cacheit_store_unref);
  g_clear_pointer (&write->body, g_bytes_unref);
  g_free (write->key);
  g_free (write->etag);
  g_free (write->last_modified);
  g_free (write->caching);
  g_assert (write->application == NULL);
  g_free (write);
}

static void
snapshot_write_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SnapshotWrite *write = task_data;
  g_autoptr(GError) error = NULL;

  switch (write->action)
    {
    case CACHEIT_SNAPSHOT_SAVE:
      _cacheit_store_save (write->store, write->key, write->body, write->etag,
                           write->last_modified, write->caching, write->stored_at, write->lifetime, &error);
      break;

    case CACHEIT_SNAPSHOT_TOUCH:
      _cacheit_store_touch (write->store, write->key, write->etag, write->last_modified,
                            write->caching, write->stored_at, write->lifetime, &error);
      break;

    case CACHEIT_SNAPSHOT_REMOVE:
      _cacheit_store_remove (write->store, write->key);
      break;

    case CACHEIT_SNAPSHOT_EXPIRE:
      _cacheit_store_expire (write->store, write->key, &error);
      break;

    default:
      g_assert_not_reached ();
    }

  /* A snapshot is a convenience: failing to write one fails nothing. */
  if (error != NULL)
    g_debug ("Snapshot of %s not written: %s", write->key, error->message);

  g_task_return_boolean (task, TRUE);
}

static void
snapshot_write_done (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SnapshotWrite *write = g_task_get_task_data (G_TASK (result));

  _cacheit_application_release (&write->application);
}

void
_cacheit_worker_write_snapshot (CacheitStore          *store,
                                CacheitSnapshotAction  action,
                                const char            *key,
                                GBytes                *body,
                                const char            *etag,
                                const char            *last_modified,
                                const char            *caching,
                                gint64                 lifetime,
                                GMainContext          *context,
                                GApplication          *application)
{
  SnapshotWrite *write = g_new0 (SnapshotWrite, 1);
  g_autoptr(GTask) task = NULL;

  write->action = action;
  write->store = _cacheit_store_ref (store);
  write->key = g_strdup (key);
  write->body = body != NULL ? g_bytes_ref (body) : NULL;
  write->etag = g_strdup (etag);
  write->last_modified = g_strdup (last_modified);
  write->caching = g_strdup (caching);
  write->stored_at = g_get_real_time () / G_USEC_PER_SEC;
  write->lifetime = lifetime;
  write->application = application;

  task = job_task_new (context, NULL, snapshot_write_done, NULL,
                       _cacheit_worker_write_snapshot, "[cacheit] write snapshot");
  g_task_set_task_data (task, write, (GDestroyNotify) snapshot_write_free);
  _cacheit_store_run_in_thread (task, snapshot_write_thread);
}
