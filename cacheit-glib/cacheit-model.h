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
gboolean      cacheit_model_get_boolean    (CacheitModel *self,
                                            const char   *name);

G_END_DECLS
