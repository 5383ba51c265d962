/* cacheit-collection-writes.h: a collection's creates, and the saves and
 * destroys of its items.
 *
 * cacheit-collection-writes.c owns what the writes of one collection keep
 * while they wait: the data the server last confirmed, and the items being
 * created, which the list shows after its data. It queues the writes on the
 * collection (cacheit-resource-private.h sends them, one at a time) and
 * shows each change at once, undoing it if the server refuses. It reads and
 * changes the collection's list only through the CacheitCollectionListOps
 * the collection gave it, and knows no other function of the collection.
 * Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cacheit-decode.h"
#include "cacheit-model.h"

G_BEGIN_DECLS

/* What a collection lends its writes: its list, the data it shows and the
 * items made from it. @collection is the resource the writes were made for. */
typedef struct
{
  /* The data the list shows (NULL before any). */
  CacheitIndex *(* get_index)        (CacheitResource *collection);
  /* The member that identifies the items. */
  const char   *(* get_id_attribute) (CacheitResource *collection);
  /* The item at @position of the data, made if need be: a new reference. */
  GObject      *(* get_item)         (CacheitResource *collection,
                                      guint            position);
  /* The position in the data of the item object @item, or -1 if the list
   * holds no such object there. */
  gssize        (* find_item)        (CacheitResource *collection,
                                      CacheitModel    *item);
  /* Shows @index (transfer full) in place of the data, with the fewest
   * splices: the item with @old_key is the one with @new_key (it got an id),
   * and @place_object is the item with @place_key if none is carried over
   * (a destroy undone); all nullable. The items keep their own attributes. */
  void          (* show)             (CacheitResource *collection,
                                      CacheitIndex    *index,
                                      const char      *old_key,
                                      const char      *new_key,
                                      const char      *place_key,
                                      GObject         *place_object);
  /* @index (transfer none) takes the place of the data with no signal: it
   * holds the same items, and after them @appended (transfer full,
   * nullable), the object of its last item, when that is given. */
  void          (* replace)          (CacheitResource *collection,
                                      CacheitIndex    *index,
                                      GObject         *appended);
  /* The items being created changed at @position among them (they follow
   * the data in the list): items-changed and :n-items. */
  void          (* pending_changed)  (CacheitResource *collection,
                                      guint            position,
                                      guint            removed,
                                      guint            added);
} CacheitCollectionListOps;

typedef struct _CacheitCollectionWrites CacheitCollectionWrites;

/* The writes of @collection, which owns them (and outlives their queue). */
CacheitCollectionWrites *_cacheit_collection_writes_new      (CacheitResource                *collection,
                                                              const CacheitCollectionListOps *list);
/* Drops the items and data held (dispose); the writes stay usable. */
void          _cacheit_collection_writes_clear       (CacheitCollectionWrites *self);
void          _cacheit_collection_writes_free        (CacheitCollectionWrites *self);

/* The items being created that the list shows, after its data. */
guint         _cacheit_collection_writes_get_n_pending (CacheitCollectionWrites *self);
/* Transfer none. */
CacheitModel *_cacheit_collection_writes_get_pending (CacheitCollectionWrites *self,
                                                      guint                    position);

/* Queues a create of @item, a new item of the collection that shows
 * @attributes (the write keeps a reference to it), with @task. */
void          _cacheit_collection_writes_create      (CacheitCollectionWrites *self,
                                                      CacheitModel            *item,
                                                      JsonObject              *attributes,
                                                      guint                    flags,
                                                      GTask                   *task);
/* Queues a write of the item @item (a save of @changes, or a destroy) with
 * @task. Returns FALSE when @item is not in the collection (then nothing was
 * done). */
gboolean      _cacheit_collection_writes_item        (CacheitCollectionWrites *self,
                                                      CacheitModel            *item,
                                                      gboolean                 destroy,
                                                      JsonObject              *changes,
                                                      guint                    flags,
                                                      GTask                   *task);

G_END_DECLS
