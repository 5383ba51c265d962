/* cacheit-collection.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cacheit-model.h"
#include "cacheit-resource.h"

G_BEGIN_DECLS

#define CACHEIT_TYPE_COLLECTION (cacheit_collection_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CacheitCollection, cacheit_collection, CACHEIT, COLLECTION, CacheitResource)

/**
 * CacheitCollectionClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Collection].
 *
 * Since: 1.0
 */
struct _CacheitCollectionClass
{
  CacheitResourceClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

CACHEIT_AVAILABLE_IN_ALL
CacheitCollection *cacheit_collection_new              (GType              item_type,
                                                        const char        *url) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
GType              cacheit_collection_get_item_type    (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_collection_get_id_attribute (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_id_attribute (CacheitCollection *self,
                                                        const char        *id_attribute);
CACHEIT_AVAILABLE_IN_ALL
CacheitModel      *cacheit_collection_get_by_id        (CacheitCollection *self,
                                                        const char        *id) G_GNUC_WARN_UNUSED_RESULT;


CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_create_async     (CacheitCollection   *self,
                                                        JsonObject          *attributes,
                                                        CacheitSaveFlags     flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
CacheitModel      *cacheit_collection_create_finish    (CacheitCollection   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
