/* fetch-posts.c: fetch a model, then a collection, and print them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer in the same process stands in for a JSON API:
 *
 *   GET /posts     [{"id": 1, "title": …, "views": …}, …]
 *   GET /posts/ID  one post
 *
 * Build it against an installed library with
 *   cc -o fetch-posts fetch-posts.c $(pkg-config --cflags --libs cacheit-1)
 */

#include <string.h>

#include <cacheit.h>

static const char *const titles[] = { "Hello, world", "Fetch once", "Cache it" };

static guint n_requests;

static void
posts_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  g_autoptr(GString) body = g_string_new (NULL);
  guint64 id = 0;

  n_requests++;

  if (g_str_equal (path, "/posts"))
    {
      g_string_append_c (body, '[');
      for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
        g_string_append_printf (body, "%s{\"id\": %u, \"title\": \"%s\", \"views\": %u}",
                                i > 0 ? ", " : "", i + 1, titles[i], 100 * (i + 1));
      g_string_append_c (body, ']');
    }
  else if (g_ascii_string_to_unsigned (path + strlen ("/posts/"), 10, 1,
                                       G_N_ELEMENTS (titles), &id, NULL))
    {
      g_string_append_printf (body, "{\"id\": %u, \"title\": \"%s\", \"views\": %u}",
                              (guint) id, titles[id - 1], 100 * (guint) id);
    }
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    body->str, body->len);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error))
    g_printerr ("fetch failed: %s\n", error->message);

  *done = TRUE;
}

static gboolean
fetch_and_wait (CacheitResource *resource)
{
  gboolean done = FALSE;

  cacheit_resource_fetch_async (resource, CACHEIT_FETCH_NONE, NULL, fetched_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  return cacheit_resource_get_last_error (resource) == NULL;
}

int
main (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitModel) post = NULL;
  g_autoptr(CacheitCollection) posts = NULL;
  g_autofree char *base = NULL;
  g_autofree char *post_url = NULL;
  g_autofree char *posts_url = NULL;
  GSList *uris;

  soup_server_add_handler (server, "/posts", posts_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("cannot listen: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* A model: one JSON object. */
  post_url = g_strconcat (base, "/posts/2", NULL);
  post = cacheit_model_new (post_url);
  if (!fetch_and_wait (CACHEIT_RESOURCE (post)))
    return 1;
  g_print ("post 2: %s (%" G_GINT64_FORMAT " views)\n",
           cacheit_model_get_string (post, "title"),
           cacheit_model_get_int (post, "views"));

  /* Again: answered from the cache, no request. */
  fetch_and_wait (CACHEIT_RESOURCE (post));

  /* A collection: a JSON array, and a GListModel of models. */
  posts_url = g_strconcat (base, "/posts", NULL);
  posts = cacheit_collection_new (CACHEIT_TYPE_MODEL, posts_url);
  if (!fetch_and_wait (CACHEIT_RESOURCE (posts)))
    return 1;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (posts)); i++)
    {
      g_autoptr(CacheitModel) item = g_list_model_get_item (G_LIST_MODEL (posts), i);

      g_print ("  #%" G_GINT64_FORMAT " %s\n",
               cacheit_model_get_int (item, "id"),
               cacheit_model_get_string (item, "title"));
    }

  g_print ("%u HTTP requests for 3 fetch calls\n", n_requests);

  return n_requests == 2 ? 0 : 1;
}
