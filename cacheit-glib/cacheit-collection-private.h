/* cacheit-collection-private.h: what cacheit-collection.c gives the
 * library's other units and does not export.
 *
 * cacheit-collection.c owns a collection's items (made on demand over the
 * compact index, R10 and R11) and the writes of those items, which it sends.
 * Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cacheit-collection.h"

G_BEGIN_DECLS

/* Queues a write of its item @item on @self (a save of @changes, or a
 * destroy) with @task. Returns FALSE when @item is not in @self (then nothing
 * was done). */
gboolean _cacheit_collection_write_item   (CacheitCollection        *self,
                                           CacheitModel             *item,
                                           gboolean                  destroy,
                                           JsonObject               *changes,
                                           guint                     flags,
                                           GTask                    *task);

G_END_DECLS
