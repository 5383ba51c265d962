/* cacheit-resource-snapshot.h: where a resource's snapshots go.
 *
 * cacheit-resource-snapshot.c knows which store a resource's snapshots are
 * in (its snapshot policy and directory) and writes them there, in the
 * store's thread, holding the application until each write is done. It
 * reads the resource's settings through the public API and calls nothing
 * of cacheit-resource.c, which tells it what to write and when. Main
 * context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-resource.h"
#include "cacheit-store.h"
#include "cacheit-worker.h"

G_BEGIN_DECLS

/* The store of @self's snapshots, or NULL under CACHEIT_SNAPSHOT_NONE. */
CacheitStore *_cacheit_resource_snapshot_store (CacheitResource       *self);

/* Writes, refreshes or removes the snapshot of @url in the store's thread,
 * holding the application of @context (the resource's) until it is done.
 * Nothing happens without a store or with a URL that has no key. */
void          _cacheit_resource_snapshot_write (CacheitResource       *self,
                                                GMainContext          *context,
                                                CacheitSnapshotAction  action,
                                                const char            *url,
                                                GBytes                *body,
                                                const char            *etag,
                                                const char            *last_modified,
                                                gint64                 lifetime);

G_END_DECLS
