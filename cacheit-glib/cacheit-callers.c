/* cacheit-callers.c: the callers waiting for a resource's fetch.
 *
 * Callers belong to the resource, not to one request: when a reload or a
 * change of URL supersedes the request in flight, the callers stay where
 * they are and wait for the new one (R4, R13). Every caller of one fetch
 * gets the same result object (R1). A caller's own cancellable completes it
 * alone, in the resource's context whatever thread cancels (R6). A caller
 * that asked for the cache alone (CACHEIT_FETCH_CACHE_ONLY) waits only while
 * the fetch reads a snapshot: the resource completes those callers apart
 * when it goes to the network.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cacheit-callers.h"
#include "cacheit-dispatch.h"
#include "cacheit-error-private.h"
#include "cacheit-fetch-result.h"

typedef struct
{
  CacheitCallers      *callers;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  GMainContext        *context;
  GSource             *cancel_source;
  GList                link;        /* In CacheitCallers.queue. */
  gboolean             cache_only;  /* Waits for the cache alone. */
} Caller;

void
_cacheit_callers_init (CacheitCallers     *self,
                       GObject            *owner,
                       GMainContext       *context,
                       gpointer            source_tag,
                       CacheitCallersLeft  left)
{
  self->owner = owner;
  self->context = context;
  self->source_tag = source_tag;
  self->left = left;
  g_queue_init (&self->queue);
}

static void
caller_complete (Caller       *caller,
                 GAsyncResult *result)
{
  _cacheit_dispatch (caller->context, caller->callback, caller->callers->owner, result,
                     caller->user_data);
  if (caller->cancel_source != NULL)
    {
      g_source_destroy (caller->cancel_source);
      g_source_unref (caller->cancel_source);
    }
  g_main_context_unref (caller->context);
  g_free (caller);
}

static void
caller_complete_cancelled (Caller       *caller,
                           GCancellable *cancellable)
{
  g_autoptr(CacheitFetchResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (cancellable == NULL || !g_cancellable_set_error_if_cancelled (cancellable, &error))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  result = _cacheit_fetch_result_new (caller->callers->owner, caller->callers->source_tag, error);
  caller_complete (caller, G_ASYNC_RESULT (result));
}

static gboolean
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Caller *caller = user_data;
  CacheitCallers *self = caller->callers;

  g_queue_unlink (&self->queue, &caller->link);

  /* This destroys the source being dispatched, which GLib allows. */
  caller_complete_cancelled (caller, cancellable);

  self->left (self->owner, g_queue_get_length (&self->queue));

  return G_SOURCE_REMOVE;
}

static Caller *
caller_new (CacheitCallers      *self,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  Caller *caller = g_new0 (Caller, 1);

  caller->callers = self;
  caller->callback = callback;
  caller->user_data = user_data;
  caller->context = g_main_context_ref_thread_default ();
  caller->link.data = caller;

  return caller;
}

static void
callers_add (CacheitCallers      *self,
             gboolean             cache_only,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  Caller *caller = caller_new (self, callback, user_data);

  caller->cache_only = cache_only;

  if (cancellable != NULL)
    {
      /* Handled in the owner's context, whatever thread cancels. */
      caller->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (caller->cancel_source, "[cacheit] caller cancelled");
      g_source_set_priority (caller->cancel_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (caller->cancel_source, G_SOURCE_FUNC (caller_cancelled_cb),
                             caller, NULL);
      g_source_attach (caller->cancel_source, self->context);
    }

  g_queue_push_tail_link (&self->queue, &caller->link);
}

void
_cacheit_callers_add (CacheitCallers      *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  callers_add (self, FALSE, cancellable, callback, user_data);
}

void
_cacheit_callers_add_cache_only (CacheitCallers      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  callers_add (self, TRUE, cancellable, callback, user_data);
}

gboolean
_cacheit_callers_wants_network (CacheitCallers *self)
{
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (!((Caller *) l->data)->cache_only)
      return TRUE;

  return FALSE;
}

gboolean
_cacheit_callers_fail_cache_only (CacheitCallers *self,
                                  const char     *safe_url)
{
  g_autoptr(CacheitFetchResult) result = NULL;
  GList *next;

  for (GList *l = self->queue.head; l != NULL; l = next)
    {
      Caller *caller = l->data;

      next = l->next;
      if (!caller->cache_only)
        continue;

      /* One result for all of them (R2), made only when there are any. */
      if (result == NULL)
        {
          g_autoptr(GError) error = _cacheit_error_new_for_url (CACHEIT_ERROR_NOT_CACHED, safe_url, NULL);

          result = _cacheit_fetch_result_new (self->owner, self->source_tag, error);
        }
      g_queue_unlink (&self->queue, &caller->link);
      caller_complete (caller, G_ASYNC_RESULT (result));
    }

  return result != NULL;
}

gboolean
_cacheit_callers_is_empty (CacheitCallers *self)
{
  return g_queue_is_empty (&self->queue);
}

GQueue
_cacheit_callers_take (CacheitCallers *self)
{
  GQueue taken = self->queue;

  g_queue_init (&self->queue);

  return taken;
}

void
_cacheit_callers_complete_taken (CacheitCallers *self,
                                 GQueue         *taken,
                                 GAsyncResult   *result)
{
  GList *link;

  while ((link = g_queue_pop_head_link (taken)) != NULL)
    caller_complete (link->data, result);
}

void
_cacheit_callers_cancel_all (CacheitCallers *self)
{
  GList *link;

  while ((link = g_queue_pop_head_link (&self->queue)) != NULL)
    caller_complete_cancelled (link->data, NULL);
}

void
_cacheit_callers_complete_error (CacheitCallers      *self,
                                 const GError        *error,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(CacheitFetchResult) result = _cacheit_fetch_result_new (self->owner, self->source_tag, error);

  caller_complete (caller_new (self, callback, user_data), G_ASYNC_RESULT (result));
}

void
_cacheit_callers_complete_cancelled (CacheitCallers      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  caller_complete_cancelled (caller_new (self, callback, user_data), cancellable);
}
