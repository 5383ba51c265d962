/* cacheit-resource-freshness.c: the public readers of a resource's freshness.
 *
 * How fresh the data of a resource is lives in the CacheitFreshness it
 * embeds (cacheit-freshness.c keeps it, cacheit-resource.c moves it); the
 * getters of :last-updated, :stale and :origin read it here, by the offset
 * the class gives. Nothing of cacheit-resource.c is called.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource.h"
#include "cacheit-resource-freshness.h"
#include "cacheit-resource-class.h"
#include "cacheit-freshness.h"

/* Set once by the class: where an instance keeps its freshness, and the
 * type, for the checks of the public functions. */
static gssize freshness_offset;
static GType  resource_type;

#define IS_RESOURCE(self) G_TYPE_CHECK_INSTANCE_TYPE ((self), resource_type)
#define FRESHNESS(self)   ((const CacheitFreshness *) G_STRUCT_MEMBER_P ((self), freshness_offset))

void
_cacheit_resource_freshness_class_init (GObjectClass *klass,
                                        gssize        offset)
{
  freshness_offset = offset;
  resource_type = G_TYPE_FROM_CLASS (klass);
}

/**
 * cacheit_resource_get_last_updated:
 * @self: a resource
 *
 * Gets when the server last confirmed the data of @self.
 *
 * Returns: (nullable) (transfer none): the value of [property@Resource:last-updated]
 *
 * Since: 1.0
 */
GDateTime *
cacheit_resource_get_last_updated (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), NULL);

  return FRESHNESS (self)->last_updated;
}

/**
 * cacheit_resource_get_stale:
 * @self: a resource
 *
 * Gets whether the data of @self is stale.
 *
 * Returns: the value of [property@Resource:stale]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_stale (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), FALSE);

  return FRESHNESS (self)->stale;
}

/**
 * cacheit_resource_get_origin:
 * @self: a resource
 *
 * Gets where the data of @self came from.
 *
 * Returns: the value of [property@Resource:origin]
 *
 * Since: 1.0
 */
CacheitOrigin
cacheit_resource_get_origin (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), CACHEIT_ORIGIN_NONE);

  return FRESHNESS (self)->origin;
}

gboolean
_cacheit_resource_freshness_get_property (GObject *object,
                                          guint    prop_id,
                                          GValue  *value)
{
  switch (prop_id)
    {
    case PROP_LAST_UPDATED:
      g_value_set_boxed (value, FRESHNESS (object)->last_updated);
      return TRUE;

    case PROP_STALE:
      g_value_set_boolean (value, FRESHNESS (object)->stale);
      return TRUE;

    case PROP_ORIGIN:
      g_value_set_enum (value, FRESHNESS (object)->origin);
      return TRUE;

    default:
      return FALSE;
    }
}
