/* cacheit-resource-freshness.h: the public readers of a resource's freshness.
 *
 * cacheit-resource-freshness.c owns the public getters, and the property
 * values, of what the CacheitFreshness (cacheit-freshness.h) that every
 * resource embeds tells of its data: :last-updated, :stale and :origin. It knows where the
 * resource keeps it by the offset the class gives it, and calls nothing of
 * cacheit-resource.c, which reads the fields itself. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Called from CacheitResource's class_init: where an instance keeps its
 * CacheitFreshness (@freshness_offset, as G_PRIVATE_OFFSET() gives it). */
void _cacheit_resource_freshness_class_init (GObjectClass *klass,
                                             gssize        freshness_offset);

/* The value of :last-updated, :stale or :origin (@prop_id, a PROP_* of
 * cacheit-resource-class.h) of @object in @value; FALSE for any other
 * property. */
gboolean _cacheit_resource_freshness_get_property (GObject *object,
                                                   guint    prop_id,
                                                   GValue  *value);

G_END_DECLS
