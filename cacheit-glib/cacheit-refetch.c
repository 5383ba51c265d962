/* cacheit-refetch.c: when to refetch in the background.
 *
 * Three things make a resource refetch with nobody asking: an interval
 * (:refresh-interval), the network coming back (:refetch-on-reconnect) and
 * the application becoming active (:app-active, which the owner hears of
 * itself). The network monitor emits in the context it was first used in,
 * perhaps another thread's: a change comes to the owner's context through an
 * idle source that holds the owner by a weak reference.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-refetch.h"

void
_cacheit_refetch_init (CacheitRefetch     *self,
                       GObject            *owner,
                       GMainContext       *context,
                       CacheitRefetchFunc  func)
{
  self->owner = owner;
  self->context = context;
  self->func = func;
  self->interval_source = NULL;
  self->network_monitor = NULL;
  self->network_available = TRUE;
}

static GPowerProfileMonitor *
power_profile_monitor (void)
{
  static GPowerProfileMonitor *monitor;

  if (g_once_init_enter (&monitor))
    g_once_init_leave (&monitor, g_power_profile_monitor_dup_default ());

  return monitor;
}

gboolean
_cacheit_refetch_constrained (gboolean pause_when_constrained)
{
  if (!pause_when_constrained)
    return FALSE;

  return g_network_monitor_get_network_metered (g_network_monitor_get_default ()) ||
         g_power_profile_monitor_get_power_saver_enabled (power_profile_monitor ());
}

static gboolean
interval_cb (gpointer user_data)
{
  CacheitRefetch *self = user_data;

  self->func (self->owner, CACHEIT_REFETCH_INTERVAL);

  return G_SOURCE_CONTINUE;
}

void
_cacheit_refetch_set_interval (CacheitRefetch *self,
                               guint           seconds)
{
  if (self->interval_source != NULL)
    {
      g_source_destroy (self->interval_source);
      g_clear_pointer (&self->interval_source, g_source_unref);
    }

  if (seconds == 0)
    return;

  /* Destroyed by the owner's dispose: the source does not hold it. */
  self->interval_source = g_timeout_source_new_seconds (seconds);
  g_source_set_static_name (self->interval_source, "[cacheit] refresh");
  g_source_set_callback (self->interval_source, interval_cb, self, NULL);
  g_source_attach (self->interval_source, self->context);
}

typedef struct
{
  GWeakRef        owner;
  CacheitRefetch *refetch;   /* Valid while the owner lives: it embeds it. */
  gboolean        available;
} NetworkChange;

static void
network_change_free (NetworkChange *change)
{
  g_weak_ref_clear (&change->owner);
  g_free (change);
}

static gboolean
network_change_cb (gpointer user_data)
{
  NetworkChange *change = user_data;
  g_autoptr(GObject) owner = g_weak_ref_get (&change->owner);
  CacheitRefetch *self = change->refetch;
  gboolean came_back;

  if (owner == NULL || self->network_monitor == NULL)
    return G_SOURCE_REMOVE;

  came_back = change->available && !self->network_available;
  self->network_available = change->available;
  if (came_back)
    self->func (self->owner, CACHEIT_REFETCH_RECONNECTED);

  return G_SOURCE_REMOVE;
}

/* Runs in the context the monitor was first used in. */
static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  CacheitRefetch *self = user_data;
  NetworkChange *change = g_new0 (NetworkChange, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  g_weak_ref_init (&change->owner, self->owner);
  change->refetch = self;
  change->available = available;
  g_source_set_static_name (source, "[cacheit] network changed");
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, network_change_cb, change, (GDestroyNotify) network_change_free);
  g_source_attach (source, self->context);
}

void
_cacheit_refetch_watch_network (CacheitRefetch *self,
                                gboolean        watch)
{
  if (watch == (self->network_monitor != NULL))
    return;

  if (self->network_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->network_monitor, self);
      g_clear_object (&self->network_monitor);
      return;
    }

  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->network_monitor);
  g_signal_connect (self->network_monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
}

void
_cacheit_refetch_stop (CacheitRefetch *self)
{
  _cacheit_refetch_watch_network (self, FALSE);
  _cacheit_refetch_set_interval (self, 0);
}
