/* cacheit-resource-settings.h: the settings of a resource, as properties.
 *
 * cacheit-resource-settings.c owns the GParamSpecs of the settings of
 * CacheitResource that an item follows from its collection (R14), their
 * documentation and their public getters and setters, which read and write
 * the CacheitSettings (cacheit-settings.h) that every resource embeds. It
 * knows where the resource keeps them by the offset the class gives it, and
 * calls nothing of cacheit-resource.c: the resource hears of every change
 * through the CacheitSettings callback. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The settings, in the order of their values in CacheitSettings. */
typedef enum
{
  CACHEIT_RESOURCE_SETTING_SESSION,
  CACHEIT_RESOURCE_SETTING_RELOAD,
  CACHEIT_RESOURCE_SETTING_MAX_SIZE,
  CACHEIT_RESOURCE_SETTING_MAX_AGE,
  CACHEIT_RESOURCE_SETTING_RETRY_LIMIT,
  CACHEIT_RESOURCE_SETTING_RETRY_DELAY,
  CACHEIT_RESOURCE_SETTING_REFRESH_INTERVAL,
  CACHEIT_RESOURCE_SETTING_REFETCH_ON_RECONNECT,
  CACHEIT_RESOURCE_SETTING_APP_ACTIVE,
  CACHEIT_RESOURCE_SETTING_PAUSE_WHEN_CONSTRAINED,
  CACHEIT_RESOURCE_SETTING_SNAPSHOT_POLICY,
  CACHEIT_RESOURCE_SETTING_SNAPSHOT_DIRECTORY,
  CACHEIT_RESOURCE_SETTING_ERROR_MESSAGE_POINTER,
  CACHEIT_RESOURCE_N_SETTINGS
} CacheitResourceSetting;

/* Called from CacheitResource's class_init: fills @pspecs (one per setting,
 * in order) for the class to install, and learns where an instance keeps its
 * CacheitSettings (@settings_offset, as G_PRIVATE_OFFSET() gives it). */
void _cacheit_resource_settings_class_init (GObjectClass  *klass,
                                            gssize         settings_offset,
                                            GParamSpec   **pspecs);

/* The GParamSpecs of the settings, in order (those of CacheitResource),
 * once its class is made: for a CacheitSettings that others follow (a
 * client's). */
GParamSpec *const *_cacheit_resource_settings_get_pspecs (void);

/* A new GParamSpec for another class, of the name, type, bounds and
 * default of the setting @which: read-write, with explicit notify. */
GParamSpec *_cacheit_resource_settings_copy_pspec (guint which);

G_END_DECLS
