/* cacheit-resource-snapshot.c: where a resource's snapshots go.
 *
 * The store follows the resource's snapshot settings (an item's follow its
 * collection's); the key of a URL is cacheit-http.c's rule, and the I/O is
 * cacheit-worker.c's. This unit uses the resource's public API only.
 *
 * A write invalidates its URL for every resource (RFC 9111, 4.4), whatever
 * directory their snapshots are in: each store a resource asks for puts its
 * directory in a short list, and an expiry goes to each of them. The
 * CACHEIT_SNAPSHOT_MAX_DIRECTORIES used last are enough for an application,
 * which has one or a few; a directory not among them is still reached when
 * it is the writer's own, and its snapshots read in this process count as
 * stale anyway (cacheit-invalidation.h): only a restart before they are
 * revalidated would show them fresh.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource-snapshot.h"
#include "cacheit-dispatch.h"
#include "cacheit-http.h"
#include "cacheit-worker.h"

G_LOCK_DEFINE_STATIC (directories);
static GPtrArray *directories;   /* Of char *: those used, least recently first. */

/* @directory was used: the last in the list, the most recently used. */
static void
remember_directory (const char *directory)
{
  guint i;

  G_LOCK (directories);
  if (directories == NULL)
    directories = g_ptr_array_new_with_free_func (g_free);
  if (g_ptr_array_find_with_equal_func (directories, directory, g_str_equal, &i))
    {
      if (i + 1 < directories->len)
        g_ptr_array_add (directories, g_ptr_array_steal_index (directories, i));
    }
  else
    {
      g_ptr_array_add (directories, g_strdup (directory));
      if (directories->len > CACHEIT_SNAPSHOT_MAX_DIRECTORIES)
        g_ptr_array_remove_index (directories, 0);
    }
  G_UNLOCK (directories);
}

CacheitStore *
_cacheit_resource_snapshot_store (CacheitResource *self)
{
  CacheitStore *store;

  if (cacheit_resource_get_snapshot_policy (self) == CACHEIT_SNAPSHOT_NONE)
    return NULL;

  store = _cacheit_store_open (cacheit_resource_get_snapshot_directory (self));
  remember_directory (_cacheit_store_get_directory (store));

  return store;
}

void
_cacheit_resource_snapshot_write (CacheitResource       *self,
                                  GMainContext          *context,
                                  CacheitSnapshotAction  action,
                                  const char            *url,
                                  GBytes                *body,
                                  const char            *etag,
                                  const char            *last_modified,
                                  const char            *caching,
                                  gint64                 lifetime)
{
  g_autoptr(CacheitStore) store = _cacheit_resource_snapshot_store (self);
  g_autofree char *key = _cacheit_http_snapshot_key (url);

  if (store == NULL || key == NULL)
    return;

  _cacheit_worker_write_snapshot (store, action, key, body, etag, last_modified, caching, lifetime,
                                  context, _cacheit_application_hold (context));
}

void
_cacheit_resource_snapshot_follow (CacheitResource        *self,
                                   GMainContext           *context,
                                   const char             *url,
                                   gboolean                not_modified,
                                   GBytes                 *body,
                                   gboolean                storable,
                                   const CacheitFreshness *freshness)
{
  if (not_modified)
    _cacheit_resource_snapshot_write (self, context, CACHEIT_SNAPSHOT_TOUCH, url, NULL,
                                      freshness->etag, freshness->last_modified,
                                      freshness->caching, freshness->server_lifetime);
  else if (body != NULL && storable)
    _cacheit_resource_snapshot_write (self, context, CACHEIT_SNAPSHOT_SAVE, url, body,
                                      freshness->etag, freshness->last_modified,
                                      freshness->caching, freshness->server_lifetime);
  else if (body != NULL)
    _cacheit_resource_snapshot_write (self, context, CACHEIT_SNAPSHOT_REMOVE, url, NULL,
                                      NULL, NULL, NULL, -1);
}

void
_cacheit_resource_snapshot_expire (CacheitResource   *self,
                                   GMainContext      *context,
                                   const char *const *keys)
{
  g_autoptr(CacheitStore) own = _cacheit_resource_snapshot_store (self);
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func ((GDestroyNotify) _cacheit_store_unref);

  if (keys == NULL || keys[0] == NULL)
    return;

  /* The writer's own store first (it may be beyond the list), then each
   * other directory remembered. */
  if (own != NULL)
    g_ptr_array_add (stores, _cacheit_store_ref (own));
  G_LOCK (directories);
  for (guint i = 0; directories != NULL && i < directories->len; i++)
    if (own == NULL || g_strcmp0 (g_ptr_array_index (directories, i), _cacheit_store_get_directory (own)) != 0)
      g_ptr_array_add (stores, _cacheit_store_open (g_ptr_array_index (directories, i)));
  G_UNLOCK (directories);

  for (guint i = 0; i < stores->len; i++)
    for (guint k = 0; keys[k] != NULL; k++)
      _cacheit_worker_write_snapshot (g_ptr_array_index (stores, i), CACHEIT_SNAPSHOT_EXPIRE, keys[k],
                                      NULL, NULL, NULL, NULL, 0, context, _cacheit_application_hold (context));
}
