/* demo-auth-row.h: the sign-in row of the window's panel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "demo-auth.h"

G_BEGIN_DECLS

GtkWidget *demo_auth_row_new (DemoAuth *auth,
                              gboolean  press_itself);

G_END_DECLS
