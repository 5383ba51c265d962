/* cacheit-resource-snapshot.h: where a resource's snapshots go.
 *
 * cacheit-resource-snapshot.c knows which store a resource's snapshots are
 * in (its snapshot policy and directory) and writes them there, in the
 * store's thread, holding the application until each write is done. It
 * also remembers the directories the resources of the process used (the
 * CACHEIT_SNAPSHOT_MAX_DIRECTORIES used last), so that a write's
 * invalidation expires the snapshots of its URLs in each. It reads the
 * resource's settings through the public API and calls nothing of
 * cacheit-resource.c or cacheit-write-queue.c, which tell it what to write
 * and when. Main context only (the directories: any thread).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-freshness.h"
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
                                                const char            *caching,
                                                gint64                 lifetime);

/* The server confirmed the data of @url (@freshness says what it knows):
 * the snapshot follows. A 304 (@not_modified) refreshes it; a new @body is
 * saved when @storable, and else removes the older one (the data is now
 * private, or not to be stored). */
void          _cacheit_resource_snapshot_follow (CacheitResource        *self,
                                                 GMainContext           *context,
                                                 const char             *url,
                                                 gboolean                not_modified,
                                                 GBytes                 *body,
                                                 gboolean                storable,
                                                 const CacheitFreshness *freshness);

/* How many snapshot directories _cacheit_resource_snapshot_expire() knows. */
#define CACHEIT_SNAPSHOT_MAX_DIRECTORIES 16

/* A write of @self was answered without an error (RFC 9111, 4.4): the
 * snapshots of @keys, in @self's store and in every directory the process's
 * resources used, expire (CACHEIT_SNAPSHOT_EXPIRE), in the store's thread,
 * holding the application of @context until it is done. */
void          _cacheit_resource_snapshot_expire (CacheitResource       *self,
                                                 GMainContext          *context,
                                                 const char *const     *keys);

G_END_DECLS
