/* demo-server.h: the demo's HTTP server, in a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DemoServer DemoServer;

/* How long, in seconds, the server says its answers stay fresh. */
#define DEMO_SERVER_MAX_AGE 10

DemoServer *demo_server_new            (guint        n_records,
                                        GError     **error);
void        demo_server_free           (DemoServer  *self);
const char *demo_server_get_url        (DemoServer  *self);
guint       demo_server_get_n_records  (DemoServer  *self);
gsize       demo_server_get_list_size  (DemoServer  *self);
void        demo_server_set_delay      (DemoServer  *self,
                                        guint        delay_ms);
void        demo_server_set_fail_next  (DemoServer  *self,
                                        gboolean     fail_next);
gboolean    demo_server_get_fail_next  (DemoServer  *self);
guint       demo_server_get_n_requests (DemoServer  *self);
guint       demo_server_get_n_not_modified (DemoServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoServer, demo_server_free)

G_END_DECLS
