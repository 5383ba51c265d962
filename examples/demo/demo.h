/* demo.h: the parts of cacheit-demo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <cacheit.h>

#include "demo-auth.h"
#include "demo-record.h"
#include "demo-server.h"
#include "demo-stats.h"

G_BEGIN_DECLS

typedef struct
{
  guint       n_records;
  gboolean    console;
  gboolean    quit_after_load;
  char       *screenshot;
} DemoOptions;

int demo_console_run (DemoServer  *server);

#ifdef DEMO_WITH_GTK
int demo_window_run  (DemoServer  *server,
                      DemoOptions *options);
#endif

G_END_DECLS
