/* test-fake-monitors.h: a GNetworkMonitor and a GPowerProfileMonitor the
 * tests control, installed as GIO's defaults.
 *
 * Call test_fake_monitors_init() at the top of main(), before anything calls
 * g_network_monitor_get_default() or g_power_profile_monitor_dup_default():
 * it registers both types at their GIO extension points (priority 1000) and
 * selects them with GIO_USE_NETWORK_MONITOR and GIO_USE_POWER_PROFILE_MONITOR
 * ("cacheit-test"). Both defaults are kept alive until the process ends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEST_FAKE_MONITOR_NAME "cacheit-test"

#define TEST_TYPE_FAKE_NETWORK_MONITOR (test_fake_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestFakeNetworkMonitor, test_fake_network_monitor,
                      TEST, FAKE_NETWORK_MONITOR, GObject)

#define TEST_TYPE_FAKE_POWER_PROFILE_MONITOR (test_fake_power_profile_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestFakePowerProfileMonitor, test_fake_power_profile_monitor,
                      TEST, FAKE_POWER_PROFILE_MONITOR, GObject)

void                         test_fake_monitors_init              (void);
/* Back to: network available, not metered, full connectivity, no power saver. */
void                         test_fake_monitors_reset             (void);

/* The default GNetworkMonitor, which is this type (asserted). */
TestFakeNetworkMonitor      *test_fake_network_monitor_get        (void);
/* Each setter notifies the properties that changed (connectivity follows
 * network-available: FULL or LOCAL), then emits network-changed. Setting the
 * value it has does nothing. */
void                         test_fake_network_monitor_set_available    (TestFakeNetworkMonitor *self,
                                                                         gboolean                available);
void                         test_fake_network_monitor_set_metered      (TestFakeNetworkMonitor *self,
                                                                         gboolean                metered);
void                         test_fake_network_monitor_set_connectivity (TestFakeNetworkMonitor *self,
                                                                         GNetworkConnectivity    connectivity);

/* The default GPowerProfileMonitor, which is this type (asserted). */
TestFakePowerProfileMonitor *test_fake_power_profile_monitor_get  (void);
/* Notifies power-saver-enabled when it changes. */
void                         test_fake_power_profile_monitor_set_power_saver (TestFakePowerProfileMonitor *self,
                                                                              gboolean                     enabled);

G_END_DECLS
