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

/* The port it listens on when it is free: the same URL every run, so that
 * the snapshots of a run are found by the next. */
#define DEMO_SERVER_PORT 47011

/* How long, in seconds, an access token of POST /auth/token is valid,
 * unless demo_server_set_token_lifetime() says otherwise. */
#define DEMO_SERVER_TOKEN_LIFETIME 20

/* The longest page of /records?page=N&per_page=M. */
#define DEMO_SERVER_MAX_PER_PAGE 5000

DemoServer *demo_server_new            (guint        n_records,
                                        guint        port,
                                        const char  *edits_path,
                                        GError     **error);
void        demo_server_free           (DemoServer  *self);
const char *demo_server_get_url        (DemoServer  *self);
guint       demo_server_get_port       (DemoServer  *self);
gboolean    demo_server_get_port_is_fallback (DemoServer *self);
guint       demo_server_get_n_records  (DemoServer  *self);
gsize       demo_server_get_list_size  (DemoServer  *self);
void        demo_server_set_latency    (DemoServer  *self,
                                        guint        latency_ms);
guint       demo_server_get_latency    (DemoServer  *self);
void        demo_server_set_delay      (DemoServer  *self,
                                        guint        delay_ms);
void        demo_server_set_fail_next  (DemoServer  *self,
                                        gboolean     fail_next);
gboolean    demo_server_get_fail_next  (DemoServer  *self);
guint       demo_server_get_n_requests (DemoServer  *self);
guint       demo_server_get_n_not_modified (DemoServer *self);
guint       demo_server_get_n_writes   (DemoServer  *self);
guint       demo_server_get_n_page_requests (DemoServer *self);
void        demo_server_set_token_lifetime (DemoServer *self,
                                            guint       seconds);
guint       demo_server_get_token_lifetime (DemoServer *self);
guint       demo_server_get_n_unauthorized (DemoServer *self);
guint       demo_server_get_n_token_requests (DemoServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoServer, demo_server_free)

G_END_DECLS
