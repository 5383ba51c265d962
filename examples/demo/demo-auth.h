/* demo-auth.h: the demo signs in to its server, and keeps its token fresh
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

#include "demo-server.h"

G_BEGIN_DECLS

typedef enum
{
  DEMO_AUTH_SIGNED_OUT,   /* No token asked for yet. */
  DEMO_AUTH_WAITING,      /* The client asked for one: the user signs in. */
  DEMO_AUTH_SIGNING_IN,   /* POST /auth/token with the user and password. */
  DEMO_AUTH_SIGNED_IN,
  DEMO_AUTH_REFRESHING,   /* POST /auth/token with the refresh token. */
  DEMO_AUTH_FAILED,       /* The server refused: demo_auth_get_error(). */
} DemoAuthState;

#define DEMO_TYPE_AUTH (demo_auth_get_type ())

G_DECLARE_FINAL_TYPE (DemoAuth, demo_auth, DEMO, AUTH, GObject)

CacheitClient *demo_client_new              (DemoServer    *server);

DemoAuth      *demo_auth_new                (CacheitClient *client,
                                             gboolean       interactive);
void           demo_auth_sign_in            (DemoAuth      *self);
DemoAuthState  demo_auth_get_state          (DemoAuth      *self);
const char    *demo_auth_get_user           (DemoAuth      *self);
guint          demo_auth_get_n_refreshes    (DemoAuth      *self);
GDateTime     *demo_auth_get_last_refresh   (DemoAuth      *self);
guint          demo_auth_get_lifetime       (DemoAuth      *self);
gint64         demo_auth_get_remaining_ms   (DemoAuth      *self);
const char    *demo_auth_get_error          (DemoAuth      *self);
char          *demo_auth_format_state       (DemoAuth      *self);
char          *demo_auth_format_detail      (DemoAuth      *self);

G_END_DECLS
