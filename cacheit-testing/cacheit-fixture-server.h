/* cacheit-fixture-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_TESTING_INSIDE) && !defined(CACHEIT_TESTING_COMPILATION)
# error "Only <cacheit-testing.h> can be included directly."
#endif

#include <gio/gio.h>

#include <cacheit.h>

G_BEGIN_DECLS

#define CACHEIT_TYPE_FIXTURE_SERVER (cacheit_fixture_server_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CacheitFixtureServer, cacheit_fixture_server, CACHEIT, FIXTURE_SERVER, GObject)

CACHEIT_AVAILABLE_IN_ALL
CacheitFixtureServer *cacheit_fixture_server_new                      (const char           *directory,
                                                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
const char           *cacheit_fixture_server_get_directory            (CacheitFixtureServer *self);
CACHEIT_AVAILABLE_IN_ALL
const char           *cacheit_fixture_server_get_url                  (CacheitFixtureServer *self);
CACHEIT_AVAILABLE_IN_ALL
guint                 cacheit_fixture_server_get_port                 (CacheitFixtureServer *self);
CACHEIT_AVAILABLE_IN_ALL
char                 *cacheit_fixture_server_url_for                  (CacheitFixtureServer *self,
                                                                       const char           *path) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
char                 *cacheit_fixture_server_dup_cache_control        (CacheitFixtureServer *self) G_GNUC_WARN_UNUSED_RESULT;
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_set_cache_control        (CacheitFixtureServer *self,
                                                                       const char           *cache_control);
CACHEIT_AVAILABLE_IN_ALL
gboolean              cacheit_fixture_server_get_not_modified         (CacheitFixtureServer *self);
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_set_not_modified         (CacheitFixtureServer *self,
                                                                       gboolean              not_modified);
CACHEIT_AVAILABLE_IN_ALL
guint                 cacheit_fixture_server_get_latency              (CacheitFixtureServer *self);
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_set_latency              (CacheitFixtureServer *self,
                                                                       guint                 latency);

CACHEIT_AVAILABLE_IN_ALL
gboolean              cacheit_fixture_server_set_json                 (CacheitFixtureServer *self,
                                                                       const char           *path,
                                                                       const char           *json,
                                                                       GError              **error);
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_remove_json              (CacheitFixtureServer *self,
                                                                       const char           *path);

CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_fail_next                (CacheitFixtureServer *self,
                                                                       guint                 n_requests,
                                                                       guint                 status);
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_drop_next                (CacheitFixtureServer *self,
                                                                       guint                 n_requests);

CACHEIT_AVAILABLE_IN_ALL
guint                 cacheit_fixture_server_get_request_count        (CacheitFixtureServer *self,
                                                                       const char           *path);
CACHEIT_AVAILABLE_IN_ALL
guint                 cacheit_fixture_server_get_not_modified_count   (CacheitFixtureServer *self,
                                                                       const char           *path);
CACHEIT_AVAILABLE_IN_ALL
char                 *cacheit_fixture_server_get_last_request_header  (CacheitFixtureServer *self,
                                                                       const char           *path,
                                                                       const char           *name) G_GNUC_WARN_UNUSED_RESULT;
CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_reset_counts             (CacheitFixtureServer *self);

CACHEIT_AVAILABLE_IN_ALL
void                  cacheit_fixture_server_stop                     (CacheitFixtureServer *self);

G_END_DECLS
