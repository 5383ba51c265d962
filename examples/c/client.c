/* client.c: one CacheitClient for an application: paths, a token, one
 * object per URL, the server's own error message, and signing out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer in the same process stands in for an API that wants a token:
 *
 *   GET /api/v1/users/me   {"id": 1, "login": "ada"} with
 *                          "Authorization: Bearer s3cret", else 401 and
 *                          {"message": "Bad credentials"}, as GitHub answers
 *
 * Build it against an installed library with
 *   cc -o client client.c $(pkg-config --cflags --libs cacheit-1)
 */

#include <glib/gstdio.h>
#include <cacheit.h>

static guint n_requests;

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *body;

  n_requests++;
  if (g_strcmp0 (authorization, "Bearer s3cret") != 0)
    {
      body = "{\"message\": \"Bad credentials\", \"documentation_url\": \"https://docs.example.com\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
    }
  else if (g_str_equal (path, "/api/v1/users/me"))
    {
      body = "{\"id\": 1, \"login\": \"ada\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    }
  else
    {
      body = "{\"message\": \"Not Found\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

int
main (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(CacheitClient) client = NULL;
  g_autoptr(CacheitModel) header_bar_me = NULL;
  g_autoptr(CacheitModel) settings_me = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *cache = NULL;
  GSList *uris;

  soup_server_add_handler (server, "/api", api_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("cannot listen: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d/api/v1/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  cache = g_dir_make_tmp ("cacheit-client-example-XXXXXX", NULL);

  /* One client for the account: where the API is, its snapshots, and
   * defaults for every resource. */
  client = cacheit_client_new (base);
  g_object_set (client, "snapshot-directory", cache, "retry-limit", 0, NULL);

  /* No token yet: the server says why, in its own words. */
  header_bar_me = cacheit_client_get_model (client, "users/me", CACHEIT_TYPE_MODEL);
  if (cacheit_resource_fetch (CACHEIT_RESOURCE (header_bar_me), CACHEIT_FETCH_NONE, NULL, &error))
    return 1;
  g_print ("signed out:  %s\n", error->message);
  g_print ("             the server said \"%s\"\n", cacheit_error_get_server_message (error));
  g_clear_error (&error);

  /* Signed in: the token goes with every request, and requests are still
   * shared. */
  cacheit_client_set_default_header (client, "Authorization", "Bearer s3cret");
  settings_me = cacheit_client_get_model (client, "users/me", CACHEIT_TYPE_MODEL);
  if (!cacheit_resource_fetch (CACHEIT_RESOURCE (settings_me), CACHEIT_FETCH_RELOAD, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("signed in:   %s, in the header bar and in the settings: %s\n",
           cacheit_model_get_string (header_bar_me, "login"),
           header_bar_me == settings_me ? "one object" : "two objects");

  /* Signing out: the token goes, and so does everything the client knew. */
  cacheit_client_set_default_header (client, "Authorization", NULL);
  cacheit_client_clear_async (client, NULL, done_cb, &result);
  if (!cacheit_client_clear_finish (client, wait_for (&result), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("signed out:  %u resources kept, the snapshot directory %s\n",
           cacheit_client_get_n_resources (client),
           g_rmdir (cache) == 0 ? "empty" : "not empty");
  g_print ("requests:    %u\n", n_requests);

  return header_bar_me == settings_me && n_requests == 2 ? 0 : 1;
}
