/* cacheit-resource-sync.c: the blocking form of a fetch.
 *
 * For scripts and command-line tools: cacheit_resource_fetch() runs the
 * resource's main context until its fetch_async() completes. It uses the
 * resource's API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource.h"
#include "cacheit-resource-private.h"

static void
fetch_sync_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (g_main_context_get_thread_default ());
}

/**
 * cacheit_resource_fetch:
 * @self: a resource
 * @flags: how the cache may be used
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Fetches @self and waits for the outcome: the blocking form of
 * [method@Resource.fetch_async], for scripts and command-line tools.
 *
 * It iterates the main context of @self until the fetch completes, so it
 * works whether or not a main loop is running. In an application with a
 * user interface, use [method@Resource.fetch_async].
 *
 * Returns: `TRUE` when @self holds the fetched data, `FALSE` with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_fetch (CacheitResource    *self,
                        CacheitFetchFlags   flags,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context;

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  context = _cacheit_resource_get_context (self);
  g_main_context_push_thread_default (context);
  cacheit_resource_fetch_async (self, flags, cancellable, fetch_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return cacheit_resource_fetch_finish (self, result, error);
}
