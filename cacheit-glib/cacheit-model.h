/* cacheit-model.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "cacheit-resource.h"

G_BEGIN_DECLS

/**
 * CacheitSaveFlags:
 * @CACHEIT_SAVE_NONE: send the whole object with `PUT` (or `POST` to its
 *   collection's URL for an item that has no id yet), and show the change at
 *   once
 * @CACHEIT_SAVE_PATCH: send only the changed attributes, with `PATCH`
 * @CACHEIT_SAVE_WAIT: show the change only once the server has accepted it,
 *   instead of at once
 *
 * How [method@Model.save_async] writes a model back.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  CACHEIT_SAVE_NONE  = 0,
  CACHEIT_SAVE_PATCH = 1 << 0,
  CACHEIT_SAVE_WAIT  = 1 << 1,
} CacheitSaveFlags;

#define CACHEIT_TYPE_MODEL (cacheit_model_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CacheitModel, cacheit_model, CACHEIT, MODEL, CacheitResource)

/**
 * CacheitModelClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Model].
 *
 * Subclasses declare GObject properties; each is filled from the JSON member
 * of the same name.
 *
 * Since: 1.0
 */
struct _CacheitModelClass
{
  CacheitResourceClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

CACHEIT_AVAILABLE_IN_ALL
CacheitModel *cacheit_model_new            (const char   *url) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
JsonObject   *cacheit_model_get_attributes (CacheitModel *self);
CACHEIT_AVAILABLE_IN_ALL
JsonNode     *cacheit_model_get_attribute  (CacheitModel *self,
                                            const char   *name);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_model_has            (CacheitModel *self,
                                            const char   *name);
CACHEIT_AVAILABLE_IN_ALL
const char   *cacheit_model_get_string     (CacheitModel *self,
                                            const char   *name);
CACHEIT_AVAILABLE_IN_ALL
gint64        cacheit_model_get_int        (CacheitModel *self,
                                            const char   *name);
CACHEIT_AVAILABLE_IN_ALL
double        cacheit_model_get_double     (CacheitModel *self,
                                            const char   *name);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_model_get_loaded     (CacheitModel *self);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_model_get_boolean    (CacheitModel *self,
                                            const char   *name);

CACHEIT_AVAILABLE_IN_ALL
void          cacheit_model_save_async     (CacheitModel        *self,
                                            JsonObject          *changes,
                                            CacheitSaveFlags     flags,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_model_save_finish    (CacheitModel        *self,
                                            GAsyncResult        *result,
                                            GError             **error);
CACHEIT_AVAILABLE_IN_ALL
void          cacheit_model_destroy_async  (CacheitModel        *self,
                                            CacheitSaveFlags     flags,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
gboolean      cacheit_model_destroy_finish (CacheitModel        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
