/* test-fake-monitors.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-fake-monitors.h"

/* GNetworkMonitor */

struct _TestFakeNetworkMonitor
{
  GObject              parent_instance;
  gboolean             available;
  gboolean             metered;
  GNetworkConnectivity connectivity;
};

enum {
  NET_PROP_0,
  NET_PROP_NETWORK_AVAILABLE,
  NET_PROP_NETWORK_METERED,
  NET_PROP_CONNECTIVITY,
};

static void test_fake_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_fake_network_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFakeNetworkMonitor, test_fake_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_fake_network_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      test_fake_network_monitor_iface_init))

static gboolean
fake_initable_init (GInitable     *initable,
                    GCancellable  *cancellable,
                    GError       **error)
{
  return TRUE;
}

static void
test_fake_network_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = fake_initable_init;
}

static gboolean
fake_network_can_reach (GNetworkMonitor     *monitor,
                        GSocketConnectable  *connectable,
                        GCancellable        *cancellable,
                        GError             **error)
{
  TestFakeNetworkMonitor *self = TEST_FAKE_NETWORK_MONITOR (monitor);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!self->available)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                           "The fake network is not available");
      return FALSE;
    }

  return TRUE;
}

static void
test_fake_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  /* can_reach_async and _finish: the interface's defaults call can_reach. */
  iface->can_reach = fake_network_can_reach;
}

static void
test_fake_network_monitor_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  TestFakeNetworkMonitor *self = TEST_FAKE_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case NET_PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    case NET_PROP_NETWORK_METERED:
      g_value_set_boolean (value, self->metered);
      break;

    case NET_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->connectivity);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_fake_network_monitor_class_init (TestFakeNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_fake_network_monitor_get_property;

  g_object_class_override_property (object_class, NET_PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, NET_PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, NET_PROP_CONNECTIVITY, "connectivity");
}

static void
test_fake_network_monitor_init (TestFakeNetworkMonitor *self)
{
  self->available = TRUE;
  self->metered = FALSE;
  self->connectivity = G_NETWORK_CONNECTIVITY_FULL;
}

static void
network_changed (TestFakeNetworkMonitor *self)
{
  g_signal_emit_by_name (self, "network-changed", self->available);
}

void
test_fake_network_monitor_set_available (TestFakeNetworkMonitor *self,
                                         gboolean                available)
{
  GNetworkConnectivity connectivity = available ? G_NETWORK_CONNECTIVITY_FULL
                                                : G_NETWORK_CONNECTIVITY_LOCAL;

  g_return_if_fail (TEST_IS_FAKE_NETWORK_MONITOR (self));

  available = !!available;
  if (self->available == available)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  if (self->connectivity != connectivity)
    {
      self->connectivity = connectivity;
      g_object_notify (G_OBJECT (self), "connectivity");
    }
  g_object_thaw_notify (G_OBJECT (self));
  network_changed (self);
}

void
test_fake_network_monitor_set_metered (TestFakeNetworkMonitor *self,
                                       gboolean                metered)
{
  g_return_if_fail (TEST_IS_FAKE_NETWORK_MONITOR (self));

  metered = !!metered;
  if (self->metered == metered)
    return;

  self->metered = metered;
  g_object_notify (G_OBJECT (self), "network-metered");
  network_changed (self);
}

void
test_fake_network_monitor_set_connectivity (TestFakeNetworkMonitor *self,
                                            GNetworkConnectivity    connectivity)
{
  g_return_if_fail (TEST_IS_FAKE_NETWORK_MONITOR (self));

  if (self->connectivity == connectivity)
    return;

  self->connectivity = connectivity;
  g_object_notify (G_OBJECT (self), "connectivity");
  network_changed (self);
}

/* GPowerProfileMonitor */

struct _TestFakePowerProfileMonitor
{
  GObject  parent_instance;
  gboolean power_saver_enabled;
};

enum {
  POWER_PROP_0,
  POWER_PROP_POWER_SAVER_ENABLED,
};

static void test_fake_power_profile_monitor_iface_init (GPowerProfileMonitorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFakePowerProfileMonitor, test_fake_power_profile_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_fake_network_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_POWER_PROFILE_MONITOR,
                                                      test_fake_power_profile_monitor_iface_init))

static void
test_fake_power_profile_monitor_iface_init (GPowerProfileMonitorInterface *iface)
{
}

static void
test_fake_power_profile_monitor_get_property (GObject    *object,
                                              guint       prop_id,
                                              GValue     *value,
                                              GParamSpec *pspec)
{
  TestFakePowerProfileMonitor *self = TEST_FAKE_POWER_PROFILE_MONITOR (object);

  switch (prop_id)
    {
    case POWER_PROP_POWER_SAVER_ENABLED:
      g_value_set_boolean (value, self->power_saver_enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_fake_power_profile_monitor_class_init (TestFakePowerProfileMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_fake_power_profile_monitor_get_property;

  g_object_class_override_property (object_class, POWER_PROP_POWER_SAVER_ENABLED,
                                    "power-saver-enabled");
}

static void
test_fake_power_profile_monitor_init (TestFakePowerProfileMonitor *self)
{
}

void
test_fake_power_profile_monitor_set_power_saver (TestFakePowerProfileMonitor *self,
                                                 gboolean                     enabled)
{
  g_return_if_fail (TEST_IS_FAKE_POWER_PROFILE_MONITOR (self));

  enabled = !!enabled;
  if (self->power_saver_enabled == enabled)
    return;

  self->power_saver_enabled = enabled;
  g_object_notify (G_OBJECT (self), "power-saver-enabled");
}

/* Installing them */

static TestFakeNetworkMonitor *network_monitor;      /* Owned: GIO holds its own. */
static TestFakePowerProfileMonitor *power_monitor;   /* Owned: GIO may keep a weak one only. */

void
test_fake_monitors_init (void)
{
  /* GIO registers its extension points on first use of one; registering
   * an extension point again returns it, so registering them here first is
   * harmless and lets the implementations below be added before that. */
  g_io_extension_point_register (G_NETWORK_MONITOR_EXTENSION_POINT_NAME);
  g_io_extension_point_register (G_POWER_PROFILE_MONITOR_EXTENSION_POINT_NAME);

  g_io_extension_point_implement (G_NETWORK_MONITOR_EXTENSION_POINT_NAME,
                                  TEST_TYPE_FAKE_NETWORK_MONITOR,
                                  TEST_FAKE_MONITOR_NAME, 1000);
  g_io_extension_point_implement (G_POWER_PROFILE_MONITOR_EXTENSION_POINT_NAME,
                                  TEST_TYPE_FAKE_POWER_PROFILE_MONITOR,
                                  TEST_FAKE_MONITOR_NAME, 1000);

  g_setenv ("GIO_USE_NETWORK_MONITOR", TEST_FAKE_MONITOR_NAME, TRUE);
  g_setenv ("GIO_USE_POWER_PROFILE_MONITOR", TEST_FAKE_MONITOR_NAME, TRUE);
}

TestFakeNetworkMonitor *
test_fake_network_monitor_get (void)
{
  if (network_monitor == NULL)
    {
      GNetworkMonitor *monitor = g_network_monitor_get_default ();

      g_assert_true (TEST_IS_FAKE_NETWORK_MONITOR (monitor));
      network_monitor = g_object_ref (TEST_FAKE_NETWORK_MONITOR (monitor));
    }

  return network_monitor;
}

TestFakePowerProfileMonitor *
test_fake_power_profile_monitor_get (void)
{
  if (power_monitor == NULL)
    {
      GPowerProfileMonitor *monitor = g_power_profile_monitor_dup_default ();

      g_assert_true (TEST_IS_FAKE_POWER_PROFILE_MONITOR (monitor));
      power_monitor = TEST_FAKE_POWER_PROFILE_MONITOR (monitor);
    }

  return power_monitor;
}

void
test_fake_monitors_reset (void)
{
  TestFakeNetworkMonitor *network = test_fake_network_monitor_get ();

  test_fake_network_monitor_set_available (network, TRUE);
  test_fake_network_monitor_set_metered (network, FALSE);
  test_fake_network_monitor_set_connectivity (network, G_NETWORK_CONNECTIVITY_FULL);
  test_fake_power_profile_monitor_set_power_saver (test_fake_power_profile_monitor_get (), FALSE);
}
