/* cacheit-resource-snapshot.c: where a resource's snapshots go.
 *
 * The store follows the resource's snapshot settings (an item's follow its
 * collection's); the key of a URL is cacheit-http.c's rule, and the I/O is
 * cacheit-worker.c's. This unit uses the resource's public API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource-snapshot.h"
#include "cacheit-dispatch.h"
#include "cacheit-http.h"
#include "cacheit-worker.h"

CacheitStore *
_cacheit_resource_snapshot_store (CacheitResource *self)
{
  if (cacheit_resource_get_snapshot_policy (self) == CACHEIT_SNAPSHOT_NONE)
    return NULL;

  return _cacheit_store_open (cacheit_resource_get_snapshot_directory (self));
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
