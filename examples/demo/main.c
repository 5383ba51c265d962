/* main.c: cacheit-demo, a fetch cache at work on 100,000 records
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts a SoupServer in a thread of its own, serving a generated catalogue,
 * then shows it in a GTK 4 window fed by a CacheitCollection, or, with no
 * display or with --console, plays the same scenario and prints a table.
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
  int status;
  GOptionEntry entries[] = {
    { "console", 'c', 0, G_OPTION_ARG_NONE, &options.console,
      "Run the scenario without a window and print a table", NULL },
    { "records", 'n', 0, G_OPTION_ARG_INT, &n_records,
      "How many records the server makes (100000)", "N" },
    { "quit-after-load", 0, 0, G_OPTION_ARG_NONE, &options.quit_after_load,
      "Window: quit once the list and a detail are loaded, printing the figures", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &options.screenshot,
      "Window: save a PNG of the window once loaded, then quit", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- a fetch cache at work on 100,000 records");
  g_option_context_set_summary (context,
                                "Without a display (DISPLAY and WAYLAND_DISPLAY unset), or with\n"
                                "--console, the scenario runs headless and prints a table.");
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
  options.n_records = n_records;

  has_display = g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;

  server = demo_server_new (options.n_records, &error);
  if (server == NULL)
    {
      g_printerr ("cacheit-demo: cannot start the server: %s\n", error->message);
      return 1;
    }

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
