/* consumer.c: an application that gets cacheit-glib from a meson subproject
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cacheit-consumer URL    fetch the JSON object at URL, twice (the second
 *                           time from the cache), and print its members
 *   cacheit-consumer --help
 */

#include <stdlib.h>

#include <cacheit.h>

/* Emitted for each HTTP request the model makes. */
static void
request_cb (CacheitResource *resource G_GNUC_UNUSED,
            SoupMessage     *message G_GNUC_UNUSED,
            gpointer         user_data)
{
  guint *n_requests = user_data;

  (*n_requests)++;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = NULL;
  JsonObject *attributes;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  guint n_requests = 0;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &urls, NULL, "URL" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Fetch the JSON object at URL with cacheit-glib "
                                CACHEIT_VERSION_S ", built as a meson subproject.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (urls == NULL || g_strv_length (urls) != 1)
    {
      g_printerr ("Give one URL (see --help)\n");
      return EXIT_FAILURE;
    }

  model = cacheit_model_new (urls[0]);
  g_signal_connect (model, "request", G_CALLBACK (request_cb), &n_requests);

  /* The blocking fetch() is for a command-line tool; an application's main
   * loop calls fetch_async(). The second fetch is answered from the cache. */
  for (guint i = 0; i < 2; i++)
    if (!cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, &error))
      {
        g_printerr ("%s\n", error->message);
        return EXIT_FAILURE;
      }

  attributes = cacheit_model_get_attributes (model);
  json_object_iter_init (&iter, attributes);
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *json = json_to_string (value, FALSE);

      g_print ("%s: %s\n", name, json);
    }
  g_print ("%u HTTP request for 2 fetches\n", n_requests);

  return n_requests == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
}
