/* soak.c: 100,000 fetch cycles with reloads and faults against the hostile
 * server, printing the resident memory (VmRSS) at the start and the end.
 *
 * Usage: soak [CYCLES]
 *
 * Each cycle reloads a model from good data or from one of the faults, and
 * every fourth a collection of 0 to 300 items whose ids shift, then fetches
 * both from the cache. The start is measured after a warm-up of 1,000 cycles
 * (TLS, thread pools and the session's connections made); growth must stay
 * flat: the program fails if the end is more than 8 MiB above the start.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <cacheit.h>

#include "hostile-server.h"

static const char *fault_paths[] = {
  "/drop", "/chunked-cut", "/garbage", "/empty-reply", "/bad-utf8", "/numbers",
  "/not-json", "/status-500", "/huge-length", "/gzip-bomb", "/nothing",
};

static gsize
vm_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

int
main (int   argc,
      char *argv[])
{
  guint cycles = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint warm_up = MIN (1000, cycles / 10);
  g_autoptr(CacheitModel) model = cacheit_model_new (NULL);
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, NULL);
  HostileServer *server = hostile_server_new (HOSTILE_SRCDIR "/self-signed.pem");
  gsize start = 0;
  gsize end;
  guint n_good = 0;
  guint n_failed = 0;
  gint64 began = g_get_monotonic_time ();

  cacheit_resource_set_max_size (CACHEIT_RESOURCE (model), 1024 * 1024);
  cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), 1024 * 1024);
  /* Transient faults are retried, at once: the soak covers that path too. */
  cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (model), 0);
  cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (collection), 0);

  g_print ("soak: %u cycles, VmRSS %" G_GSIZE_FORMAT " KiB before the warm-up\n", cycles,
           vm_rss_kib ());

  for (guint i = 0; i < cycles; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *url = NULL;
      g_autoptr(GError) error = NULL;

      if (i == warm_up)
        {
          start = vm_rss_kib ();
          g_print ("soak: start (after %u cycles): VmRSS %" G_GSIZE_FORMAT " KiB\n", i, start);
        }
      else if (i > warm_up && i % 10000 == 0)
        g_print ("soak: %6u cycles: VmRSS %" G_GSIZE_FORMAT " KiB\n", i, vm_rss_kib ());

      if (i % 2 == 0)
        path = g_strdup_printf ("/good/%u", i % 1000);
      else
        path = g_strdup (fault_paths[(i / 2) % G_N_ELEMENTS (fault_paths)]);
      url = hostile_server_url (server, "soak:secret", path);
      cacheit_resource_set_url (CACHEIT_RESOURCE (model), url);
      if (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error))
        n_good++;
      else
        n_failed++;
      g_clear_error (&error);
      cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, NULL);

      if (i % 4 == 0)
        {
          g_autofree char *list_path = g_strdup_printf ("/list/%u", (i / 4) % 300);
          g_autofree char *list_url = hostile_server_url (server, NULL, list_path);

          cacheit_resource_set_url (CACHEIT_RESOURCE (collection), list_url);
          if (!cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD,
                                       NULL, &error))
            g_error ("the collection failed: %s", error->message);
          /* Make a few items, as a list view would. */
          for (guint p = 0; p < MIN (g_list_model_get_n_items (G_LIST_MODEL (collection)), 20); p++)
            g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), p));
        }

      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  end = vm_rss_kib ();
  g_print ("soak: end (after %u cycles): VmRSS %" G_GSIZE_FORMAT " KiB\n", cycles, end);
  g_print ("soak: %u good fetches, %u failed, in %.1f s\n", n_good, n_failed,
           (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC);
  g_print ("soak: growth %+" G_GSSIZE_FORMAT " KiB\n", (gssize) end - (gssize) start);

  g_clear_object (&model);
  g_clear_object (&collection);
  hostile_server_free (server);

  if (end > start + 8 * 1024)
    {
      g_printerr ("soak: resident memory grew by more than 8 MiB\n");
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
