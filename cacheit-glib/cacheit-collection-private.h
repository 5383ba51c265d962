/* cacheit-collection-private.h: what cacheit-collection.c gives the
 * library's other units and does not export.
 *
 * Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-collection.h"

G_BEGIN_DECLS

/* Where a collection looks for a model made elsewhere before it makes an
 * item at @url of @item_type itself: a new reference to that model, or NULL.
 * @source is the object given with the function. */
typedef CacheitModel *(* CacheitItemSource) (GObject    *source,
                                             GType       item_type,
                                             const char *url);

/* @self (and each page it loads) makes its items from @source when it has
 * one for their URL, while @source_object (a weak reference) lives: a model
 * at an item's URL that the application holds becomes that item, one
 * object (see _cacheit_model_adopt() for when it cannot). */
void _cacheit_collection_set_item_source (CacheitCollection *self,
                                          CacheitItemSource  source,
                                          GObject           *source_object);

G_END_DECLS
