/* cacheit-resource-class.h: what CacheitResource says it is.
 *
 * cacheit-resource-class.c owns the description of CacheitResource that
 * bindings and documentation read: the class documentation, and the
 * definitions of its properties (but for the settings, which
 * cacheit-resource-settings.c defines) and signals. It makes them and calls
 * nothing: cacheit-resource.c installs them and gives them their behaviour.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The properties of CacheitResource, for cacheit-resource.c and this unit. */
typedef enum
{
  PROP_0,
  /* The settings an item follows its collection in, unless it was given its
   * own: what the application configures, not the state of the data, nor
   * the URL or root-pointer, which describe one response (an item's detail
   * is another). See "Items follow their collection" in the class doc. In
   * the order of CacheitResourcePrivate.settings. */
  PROP_SESSION,
  PROP_RELOAD,
  PROP_MAX_SIZE,
  PROP_MAX_AGE,
  PROP_RETRY_LIMIT,
  PROP_RETRY_DELAY,
  PROP_REFRESH_INTERVAL,
  PROP_REFETCH_ON_RECONNECT,
  PROP_APP_ACTIVE,
  PROP_PAUSE_WHEN_CONSTRAINED,
  PROP_SNAPSHOT_POLICY,
  PROP_SNAPSHOT_DIRECTORY,
  PROP_ERROR_MESSAGE_POINTER,
  /* The rest. */
  PROP_URL,
  PROP_ROOT_POINTER,
  PROP_FETCHING,
  PROP_FETCHED,
  PROP_LAST_ERROR,
  PROP_LAST_ERROR_BODY,
  PROP_STATUS,
  PROP_LAST_UPDATED,
  PROP_STALE,
  PROP_ORIGIN,
  PROP_SAVING,
  PROP_PLACEHOLDER,
  PROP_KEEP_PREVIOUS_DATA,
  N_PROPS
} CacheitResourceProp;

typedef enum
{
  SIGNAL_REQUEST,
  SIGNAL_SYNC,
  SIGNAL_ERROR,
  N_SIGNALS
} CacheitResourceSignal;

/* Fills @properties (all but the settings, N_PROPS long) and makes the
 * signals of @klass, in @signals (N_SIGNALS long). */
void _cacheit_resource_class_describe (GObjectClass  *klass,
                                       GParamSpec   **properties,
                                       guint         *signals);

G_END_DECLS
