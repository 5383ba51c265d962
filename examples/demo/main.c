/* main.c: cacheit-demo, a fetch cache at work on 100,000 records
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts a SoupServer in a thread of its own, serving a generated catalogue,
 * then shows it in a GTK 4 window fed by a CacheitCollection, or, with no
 * display or with --console, plays the same scenario and prints a table.
 * The server wants a bearer token, which the demo gets from its
 * /auth/token, signing in as "demo", and refreshes when it expired
 * (--token-lifetime, 20 s).
 *
 * The server listens on 127.0.0.1:47011 when that port is free, so that its
 * URL is the same every run: the library keeps a snapshot of the list on
 * disk, keyed by URL (in $XDG_CACHE_HOME/cacheit-demo/cacheit), and the
 * second run shows it before the server has answered.
 */

#include <locale.h>

#include "demo.h"

int
main (int   argc,
      char *argv[])
{
  DemoOptions options = { .n_records = 100000 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(DemoServer) server = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_display;
  int n_records = options.n_records;
  int port = DEMO_SERVER_PORT;
  int latency = 0;
  int token_lifetime = DEMO_SERVER_TOKEN_LIFETIME;
  g_autofree char *edits_path = NULL;
  int status;
  GOptionEntry entries[] = {
    { "console", 'c', 0, G_OPTION_ARG_NONE, &options.console,
      "Run the scenario without a window and print a table", NULL },
    { "records", 'n', 0, G_OPTION_ARG_INT, &n_records,
      "How many records the server makes (100000)", "N" },
    { "latency", 'l', 0, G_OPTION_ARG_INT, &latency,
      "Every answer of the server waits MS milliseconds (0)", "MS" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "The port the server listens on when it is free (47011); 0 for any", "PORT" },
    { "token-lifetime", 't', 0, G_OPTION_ARG_INT, &token_lifetime,
      "The server's access tokens are valid for S seconds (20); the demo refreshes them", "S" },
    { "quit-after-load", 0, 0, G_OPTION_ARG_NONE, &options.quit_after_load,
      "Window: quit once the list and a detail are loaded, printing the figures", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &options.screenshot,
      "Window: save a PNG of the window once loaded, then quit", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* The snapshot directory is named after it: $XDG_CACHE_HOME/cacheit-demo. */
  g_set_prgname ("cacheit-demo");

  context = g_option_context_new ("- a fetch cache at work on 100,000 records");
  g_option_context_set_summary (context,
                                "Without a display (DISPLAY and WAYLAND_DISPLAY unset), or with\n"
                                "--console, the scenario runs headless and prints a table.\n"
                                "\n"
                                "The list is kept on disk, in $XDG_CACHE_HOME/cacheit-demo/cacheit,\n"
                                "keyed by its URL: run it again and it starts from there.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("cacheit-demo: %s\n", error->message);
      return 2;
    }
  if (n_records < 1 || n_records > 10000000)
    {
      g_printerr ("cacheit-demo: --records must be between 1 and 10000000\n");
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr ("cacheit-demo: --port must be between 0 and 65535\n");
      return 2;
    }
  if (latency < 0 || latency > 60000)
    {
      g_printerr ("cacheit-demo: --latency must be between 0 and 60000\n");
      return 2;
    }
  if (token_lifetime < 1 || token_lifetime > 86400)
    {
      g_printerr ("cacheit-demo: --token-lifetime must be between 1 and 86400\n");
      return 2;
    }
  options.n_records = n_records;

  has_display = g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;

  /* The server keeps the records changed next to the snapshots, in the
   * demo's cache directory: remove it to start afresh. */
  edits_path = g_build_filename (g_get_user_cache_dir (), "cacheit-demo", "server-changes.json", NULL);
  server = demo_server_new (options.n_records, (guint) port, edits_path, &error);
  if (server == NULL)
    {
      g_printerr ("cacheit-demo: cannot start the server: %s\n", error->message);
      return 1;
    }
  if (demo_server_get_port_is_fallback (server))
    g_printerr ("cacheit-demo: port %d is taken, so the server listens on port %u: the\n"
                "snapshots of earlier runs, kept by URL, are not found in this run\n\n",
                port, demo_server_get_port (server));
  demo_server_set_latency (server, (guint) latency);
  demo_server_set_token_lifetime (server, (guint) token_lifetime);

#ifdef DEMO_WITH_GTK
  if (has_display && !options.console)
    status = demo_window_run (server, &options);
  else
    status = demo_console_run (server);
#else
  if (has_display && !options.console)
    g_print ("(built without GTK 4: the scenario runs in the console)\n\n");
  status = demo_console_run (server);
#endif

  g_free (options.screenshot);

  return status;
}
