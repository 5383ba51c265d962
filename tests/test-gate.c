/* test-gate.c: what a client's requests wait for: the token of
 * ::authenticate (asked once, refreshed once for every 401, each request
 * sent again once, writes included, never on disk, never to another
 * host), the rate limits of its hosts (429, GitHub's 403) and
 * max-requests-per-host; against real HTTP servers on 127.0.0.1: an API of
 * the test's own that checks bearer tokens and expires them, and the
 * shared test server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE  /* memmem() */
#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

/* An API that wants "Bearer token-N", N the current generation. */
typedef struct
{
  SoupServer *server;
  char       *base;
  guint       generation;
  guint       n_ok;
  guint       n_refused;
  guint       n_authorized;   /* Requests that had an Authorization header. */
  char       *last_body;      /* Of the last write let in. */
  gint64      rate_reset;     /* GitHub's X-RateLimit-Reset for /limited, or 0. */
  guint       n_limited;
} Api;

typedef struct
{
  Api                api;
  CacheitClient     *client;
  char              *dir;

  /* The authenticator. */
  guint              n_asks;
  guint              n_refresh_asks;
  gboolean           answer_later;   /* Keep the request, answer from the test. */
  CacheitAuthRequest *pending;
  const char        *fail_refresh;   /* Fail a refresh with this message. */
  gboolean           give_stale;     /* Give an expired token again. */
  guint              n_unauthorized;
  GError            *unauthorized_error;
} Fixture;

static void
api_cb (SoupServer        *server,
        SoupServerMessage *message,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Api *api = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (message);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  const char *authorization = soup_message_headers_get_one (request, "Authorization");
  g_autofree char *expected = g_strdup_printf ("Bearer token-%u", api->generation);
  const char *method = soup_server_message_get_method (message);

  if (authorization != NULL)
    api->n_authorized++;

  if (strcmp (path, "/limited") == 0 && api->rate_reset != 0)
    {
      g_autofree char *reset = g_strdup_printf ("%" G_GINT64_FORMAT, api->rate_reset);

      api->n_limited++;
      soup_message_headers_replace (response, "X-RateLimit-Remaining", "0");
      soup_message_headers_replace (response, "X-RateLimit-Reset", reset);
      soup_server_message_set_status (message, SOUP_STATUS_FORBIDDEN, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"message\": \"API rate limit exceeded\"}", 38);
      return;
    }

  if (strcmp (path, "/public") != 0 && g_strcmp0 (authorization, expected) != 0)
    {
      api->n_refused++;
      soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\": \"The access token is invalid\"}", 40);
      return;
    }

  api->n_ok++;
  if (strcmp (method, "PUT") == 0 || strcmp (method, "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (message);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

      g_free (api->last_body);
      api->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      if (strcmp (method, "POST") == 0)
        {
          soup_server_message_set_status (message, SOUP_STATUS_CREATED, NULL);
          soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                            "{\"id\": 2, \"title\": \"Hello\"}", 27);
          return;
        }
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                        api->last_body, strlen (api->last_body));
      return;
    }

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"id\": 1, \"name\": \"Ada\"}", 24);
}

static void
api_start (Api *api)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  api->generation = 1;
  api->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (api->server, NULL, api_cb, api, NULL);
  /* As the shared test server listens: soup_server_listen_local() of
   * libsoup 3.2.3 leaks the address it reads back. */
  soup_server_listen (api->server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (api->server);
  api->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
api_stop (Api *api)
{
  soup_server_disconnect (api->server);
  g_clear_object (&api->server);
  g_free (api->base);
  g_free (api->last_body);
}

static void
answer (Fixture            *fixture,
        CacheitAuthRequest *request)
{
  if (cacheit_auth_request_get_refresh (request) && fixture->fail_refresh != NULL)
    {
      cacheit_auth_request_fail (request, fixture->fail_refresh);
      return;
    }

  /* A refresh gets the server's new token, or (give_stale) the old one. */
  {
    g_autofree char *token = g_strdup_printf ("token-%u", fixture->give_stale ? 1 : fixture->api.generation);

    cacheit_auth_request_return_token (request, token);
  }
}

static gboolean
authenticate_cb (CacheitClient      *client,
                 CacheitAuthRequest *request,
                 Fixture            *fixture)
{
  fixture->n_asks++;
  if (cacheit_auth_request_get_refresh (request))
    fixture->n_refresh_asks++;

  if (fixture->answer_later)
    g_set_object (&fixture->pending, request);
  else
    answer (fixture, request);

  return TRUE;
}

static void
unauthorized_cb (CacheitClient *client,
                 const GError  *error,
                 Fixture       *fixture)
{
  fixture->n_unauthorized++;
  g_clear_error (&fixture->unauthorized_error);
  fixture->unauthorized_error = g_error_copy (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  api_start (&fixture->api);
  fixture->dir = g_dir_make_tmp ("cacheit-gate-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->client = cacheit_client_new (fixture->api.base);
  g_object_set (fixture->client, "snapshot-directory", fixture->dir, "retry-limit", 0, NULL);
  g_signal_connect (fixture->client, "authenticate", G_CALLBACK (authenticate_cb), fixture);
  g_signal_connect (fixture->client, "unauthorized", G_CALLBACK (unauthorized_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->pending);
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->client);
  cacheit_test_drain ();
  api_stop (&fixture->api);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_clear_error (&fixture->unauthorized_error);
}

static CacheitModel *
get_model (Fixture    *fixture,
           const char *path)
{
  return cacheit_client_get_model (fixture->client, path, CACHEIT_TYPE_MODEL);
}

static void
fetch_all (CacheitModel **models,
           guint          n,
           CacheitFetchFlags flags,
           CacheitTestCompletion *completions)
{
  for (guint i = 0; i < n; i++)
    cacheit_resource_fetch_async (CACHEIT_RESOURCE (models[i]), flags, NULL,
                                  cacheit_test_completion_cb, &completions[i]);
}

/* Waits for each of @n fetches, which must succeed. */
static void
finish_all_ok (CacheitModel          **models,
               guint                   n,
               CacheitTestCompletion  *completions)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      cacheit_test_wait_until (completions[i].done);
      g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (models[i]), completions[i].result, &error));
      g_assert_no_error (error);
      cacheit_test_completion_clear (&completions[i]);
    }
}

static void
test_token_first (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(CacheitModel) posts = get_model (fixture, "posts");
  g_autoptr(CacheitModel) anonymous = NULL;
  g_autoptr(CacheitClient) bare = cacheit_client_new (fixture->api.base);

  g_test_summary ("The authenticator is asked once for the first requests, whose token goes "
                  "on each as a bearer token; a client without one sends none");

  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  g_assert_cmpstr (cacheit_model_get_string (me, "name"), ==, "Ada");
  g_assert_cmpuint (fixture->n_asks, ==, 1);
  g_assert_cmpuint (fixture->n_refresh_asks, ==, 0);
  g_assert_cmpuint (fixture->api.n_ok, ==, 2);
  g_assert_cmpuint (fixture->api.n_refused, ==, 0);

  anonymous = cacheit_client_get_model (bare, "public", CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (anonymous, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (fixture->api.n_authorized, ==, 2);
  g_clear_object (&anonymous);
  cacheit_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&bare));
}

static void
test_token_refresh_shared (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitModel *models[3];
  CacheitTestCompletion done[3] = { 0 };
  const char *paths[] = { "me", "posts", "notifications" };

  g_test_summary ("When the token expires, every request that got a 401 waits for one refresh, "
                  "then goes again once, with the new token");

  for (guint i = 0; i < 3; i++)
    {
      models[i] = get_model (fixture, paths[i]);
      cacheit_test_fetch_ok (models[i], CACHEIT_FETCH_NONE);
    }
  g_assert_cmpuint (fixture->n_asks, ==, 1);

  /* The server expires the token; the application answers the refresh
   * later, once every request has had its 401. */
  fixture->api.generation = 2;
  fixture->answer_later = TRUE;
  fetch_all (models, 3, CACHEIT_FETCH_RELOAD, done);
  cacheit_test_wait_until (fixture->api.n_refused == 3 && fixture->pending != NULL);
  cacheit_test_drain ();
  g_assert_cmpuint (fixture->n_refresh_asks, ==, 1);
  g_assert_false (done[0].done || done[1].done || done[2].done);

  answer (fixture, fixture->pending);
  g_clear_object (&fixture->pending);
  finish_all_ok (models, 3, done);
  for (guint i = 0; i < 3; i++)
    g_object_unref (models[i]);
  g_assert_cmpuint (fixture->n_asks, ==, 2);
  g_assert_cmpuint (fixture->api.n_ok, ==, 6);
  g_assert_cmpuint (fixture->api.n_refused, ==, 3);
  g_assert_cmpuint (fixture->n_unauthorized, ==, 0);
}

static void
test_token_write (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A write refused for an expired token goes again, whole, after the refresh");

  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  fixture->api.generation = 2;

  json_object_set_string_member (changes, "name", "Grace");
  cacheit_model_save_async (me, changes, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (done.done);
  g_assert_true (cacheit_model_save_finish (me, done.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&done);

  g_assert_cmpuint (fixture->n_refresh_asks, ==, 1);
  g_assert_cmpuint (fixture->api.n_refused, ==, 1);
  g_assert_nonnull (fixture->api.last_body);
  assert_json (fixture->api.last_body, "{\"id\": 1, \"name\": \"Grace\"}");
  g_assert_cmpstr (cacheit_model_get_string (me, "name"), ==, "Grace");

  /* A POST, which nothing else sends twice: its body goes again too. */
  {
    g_autoptr(CacheitCollection) posts = cacheit_client_get_collection (fixture->client, "posts",
                                                                        CACHEIT_TYPE_MODEL);
    g_autoptr(JsonObject) post = json_object_new ();
    g_autoptr(CacheitModel) created = NULL;

    fixture->api.generation = 3;
    json_object_set_string_member (post, "title", "Hello");
    cacheit_collection_create_async (posts, post, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
    cacheit_test_wait_until (done.done);
    created = cacheit_collection_create_finish (posts, done.result, &error);
    g_assert_no_error (error);
    g_assert_nonnull (created);
    cacheit_test_completion_clear (&done);
    g_assert_cmpuint (fixture->n_refresh_asks, ==, 2);
    g_assert_cmpuint (fixture->api.n_refused, ==, 2);
    assert_json (fixture->api.last_body, "{\"title\": \"Hello\"}");
  }
}

static void
test_token_refresh_fails (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(CacheitModel) posts = get_model (fixture, "posts");
  CacheitModel *models[2] = { me, posts };
  CacheitTestCompletion done[2] = { 0 };

  g_test_summary ("A refresh that fails fails every request waiting for it with "
                  "CACHEIT_ERROR_UNAUTHORIZED, and ::unauthorized is emitted once");

  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  cacheit_test_fetch_ok (posts, CACHEIT_FETCH_NONE);
  fixture->api.generation = 2;
  fixture->fail_refresh = "The session has ended";

  fetch_all (models, 2, CACHEIT_FETCH_RELOAD, done);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      cacheit_test_wait_until (done[i].done);
      g_assert_false (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (models[i]), done[i].result, &error));
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED);
      g_assert_nonnull (strstr (error->message, "The session has ended"));
      cacheit_test_completion_clear (&done[i]);
    }
  cacheit_test_drain ();
  g_assert_cmpuint (fixture->n_unauthorized, ==, 1);
  g_assert_error (fixture->unauthorized_error, CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED);
  /* The data in hand stays. */
  g_assert_cmpstr (cacheit_model_get_string (me, "name"), ==, "Ada");
}

static void
test_token_refused_again (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(GError) error = NULL;

  g_test_summary ("A request refused again with the refreshed token fails with the server's "
                  "401, is not sent a third time, and ::unauthorized is emitted");

  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  fixture->api.generation = 2;
  fixture->give_stale = TRUE;

  g_assert_false (cacheit_test_fetch_wait (me, CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 401);
  g_assert_cmpstr (cacheit_error_get_server_message (error), ==, "The access token is invalid");
  g_assert_cmpuint (fixture->api.n_refused, ==, 2);
  g_assert_cmpuint (fixture->n_unauthorized, ==, 1);
}

static void
test_token_other_host (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CacheitTestServer) other = cacheit_test_server_new ();
  g_autofree char *url = cacheit_test_server_url (other, "/elsewhere");
  g_autoptr(CacheitModel) elsewhere = NULL;

  g_test_summary ("The token goes to the base URI's host only, never to another");

  cacheit_test_server_set (other, "/elsewhere", 200, "{\"id\": 2}");
  elsewhere = cacheit_client_get_model (fixture->client, url, CACHEIT_TYPE_MODEL);
  cacheit_test_fetch_ok (elsewhere, CACHEIT_FETCH_NONE);
  g_assert_null (cacheit_test_server_last_header (other, "/elsewhere", "Authorization"));
  g_assert_cmpuint (fixture->n_asks, ==, 0);
  /* Sent without a token, it is kept on disk, as any shareable response:
   * written in the store's thread. */
  cacheit_test_wait_until (count_files (fixture->dir) == 1);
}

static void
test_token_shared_requests (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *url = g_strconcat (fixture->api.base, "me", NULL);
  g_autoptr(CacheitModel) mine = get_model (fixture, "me");
  g_autoptr(CacheitModel) other = cacheit_model_new (url);
  CacheitModel *models[2] = { mine, other };
  CacheitTestCompletion done[2] = { 0 };

  g_test_summary ("R1: resources with the client's token still share one request");

  cacheit_resource_set_session (CACHEIT_RESOURCE (other), cacheit_client_get_session (fixture->client));
  /* Both to the network at once: neither reads a snapshot first (@other's
   * default directory may hold one of this URL from another test process
   * that had the port, and reads take the time the store's thread takes). */
  fetch_all (models, 2, CACHEIT_FETCH_SKIP_SNAPSHOT, done);
  finish_all_ok (models, 2, done);
  g_assert_cmpuint (fixture->api.n_ok, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (other, "name"), ==, "Ada");
}

/* Whether a file under @directory has @needle in it. */
static gboolean
tree_contains (const char *directory,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_get_contents (path, &contents, &length, NULL) &&
          memmem (contents, length, needle, strlen (needle)) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_token_not_on_disk (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(CacheitModel) all = NULL;

  g_test_summary ("A response fetched with the token is kept on disk only under "
                  "CACHEIT_SNAPSHOT_ALL, and the token never is");

  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  cacheit_test_drain ();
  g_assert_false (tree_contains (fixture->dir, "Ada"));

  g_object_set (fixture->client, "snapshot-policy", CACHEIT_SNAPSHOT_ALL, NULL);
  all = get_model (fixture, "posts");
  cacheit_test_fetch_ok (all, CACHEIT_FETCH_NONE);
  /* Written in the store's thread. */
  cacheit_test_wait_until (tree_contains (fixture->dir, "Ada"));
  g_assert_false (tree_contains (fixture->dir, "token-1"));
}

static void
test_token_cancel_waiting (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A fetch cancelled while it waits for a token completes at once, "
                  "and the answer that comes later is no harm");

  fixture->answer_later = TRUE;
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (me), CACHEIT_FETCH_NONE, cancellable,
                                cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (fixture->pending != NULL);
  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (done.done);
  g_assert_false (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (me), done.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  cacheit_test_completion_clear (&done);

  answer (fixture, fixture->pending);
  g_clear_object (&fixture->pending);
  cacheit_test_drain ();
  g_assert_cmpuint (fixture->api.n_ok + fixture->api.n_refused, ==, 0);

  /* The token given is the client's now. */
  fixture->answer_later = FALSE;
  cacheit_test_fetch_ok (me, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (fixture->n_asks, ==, 1);
}

static void
test_token_dropped (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(GError) error = NULL;
  CacheitTestCompletion done = { 0 };

  g_test_summary ("A request for a token dropped unanswered fails the requests waiting for it");

  fixture->answer_later = TRUE;
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (me), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &done);
  cacheit_test_wait_until (fixture->pending != NULL);
  g_clear_object (&fixture->pending);
  cacheit_test_wait_until (done.done);
  g_assert_false (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (me), done.result, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED);
  cacheit_test_completion_clear (&done);
}

/* Rate limits, on the shared test server: no authenticator. */

typedef struct
{
  CacheitTestServer *server;
  CacheitClient     *client;
} Limits;

static void
limits_set_up (Limits        *fixture,
               gconstpointer  data)
{
  g_autofree char *base = NULL;

  fixture->server = cacheit_test_server_new ();
  base = cacheit_test_server_url (fixture->server, "/");
  fixture->client = cacheit_client_new (base);
  g_object_set (fixture->client, "retry-limit", 0, "snapshot-policy", CACHEIT_SNAPSHOT_NONE, NULL);
}

static void
limits_tear_down (Limits        *fixture,
                  gconstpointer  data)
{
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->client);
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
}

static void
test_rate_limit_retry_after (Limits        *fixture,
                             gconstpointer  data)
{
  g_autoptr(CacheitModel) a = cacheit_client_get_model (fixture->client, "a", CACHEIT_TYPE_MODEL);
  g_autoptr(CacheitModel) b = cacheit_client_get_model (fixture->client, "b", CACHEIT_TYPE_MODEL);
  CacheitTestCompletion done_a = { 0 };
  CacheitTestCompletion done_b = { 0 };
  guint n_rate_limited = 0;

  g_test_summary ("A 429 pauses the host's requests until Retry-After, with :rate-limited "
                  "set meanwhile; then the limited request goes again, first, and the others "
                  "in the order they came");

  cacheit_test_server_set (fixture->server, "/a", 200, "{\"id\": \"a\"}");
  cacheit_test_server_set (fixture->server, "/b", 200, "{\"id\": \"b\"}");
  cacheit_test_server_push (fixture->server, "/a", 429, "1");
  g_signal_connect (fixture->client, "notify::rate-limited", G_CALLBACK (count_cb), &n_rate_limited);

  cacheit_resource_fetch_async (CACHEIT_RESOURCE (a), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &done_a);
  cacheit_test_wait_until (cacheit_client_get_rate_limited (fixture->client));
  g_assert_nonnull (cacheit_client_get_rate_limited_until (fixture->client));
  cacheit_resource_fetch_async (CACHEIT_RESOURCE (b), CACHEIT_FETCH_NONE, NULL,
                                cacheit_test_completion_cb, &done_b);
  cacheit_test_drain ();
  /* b waits: nothing reached the server meanwhile. */
  g_assert_cmpstr (cacheit_test_server_arrivals (fixture->server), ==, "/a ");
  g_assert_false (done_b.done);

  cacheit_test_wait_until (done_a.done && done_b.done);
  g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (a), done_a.result, NULL));
  g_assert_true (cacheit_resource_fetch_finish (CACHEIT_RESOURCE (b), done_b.result, NULL));
  g_assert_cmpstr (cacheit_test_server_arrivals (fixture->server), ==, "/a /a /b ");
  cacheit_test_wait_until (!cacheit_client_get_rate_limited (fixture->client));
  g_assert_null (cacheit_client_get_rate_limited_until (fixture->client));
  g_assert_cmpuint (n_rate_limited, ==, 2);

  cacheit_test_completion_clear (&done_a);
  cacheit_test_completion_clear (&done_b);
}

static void
test_rate_limit_github (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) limited = get_model (fixture, "limited");
  g_autoptr(CacheitModel) me = get_model (fixture, "me");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) second = NULL;
  g_autoptr(GError) third = NULL;
  GDateTime *until;

  g_test_summary ("A 403 with X-RateLimit-Remaining: 0 is a rate limit until X-RateLimit-Reset: "
                  "one an hour away fails the host's later requests at once, without a request");

  fixture->api.rate_reset = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_assert_false (cacheit_test_fetch_wait (limited, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 403);
  g_assert_cmpstr (cacheit_error_get_server_message (error), ==, "API rate limit exceeded");
  g_assert_cmpuint (fixture->api.n_limited, ==, 1);

  g_assert_true (cacheit_client_get_rate_limited (fixture->client));
  until = cacheit_client_get_rate_limited_until (fixture->client);
  g_assert_nonnull (until);
  g_assert_cmpint (g_date_time_to_unix (until), ==, fixture->api.rate_reset);

  g_assert_false (cacheit_test_fetch_wait (limited, CACHEIT_FETCH_RELOAD, NULL, &second));
  g_assert_error (second, CACHEIT_ERROR, CACHEIT_ERROR_RATE_LIMITED);
  g_assert_false (cacheit_test_fetch_wait (me, CACHEIT_FETCH_NONE, NULL, &third));
  g_assert_error (third, CACHEIT_ERROR, CACHEIT_ERROR_RATE_LIMITED);
  g_assert_cmpuint (fixture->api.n_limited, ==, 1);
  g_assert_cmpuint (fixture->api.n_ok, ==, 0);
}

static void
test_max_per_host (Limits        *fixture,
                   gconstpointer  data)
{
  CacheitModel *models[4];
  CacheitTestCompletion done[4] = { 0 };

  g_test_summary ("With max-requests-per-host, the requests beyond it wait for one in flight "
                  "to end");

  cacheit_test_server_set (fixture->server, "/slow", 200, "{\"id\": 1}");
  cacheit_test_server_hold (fixture->server, "/slow");
  cacheit_client_set_max_requests_per_host (fixture->client, 2);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("slow?n=%u", i);

      models[i] = cacheit_client_get_model (fixture->client, path, CACHEIT_TYPE_MODEL);
    }
  fetch_all (models, 4, CACHEIT_FETCH_NONE, done);
  cacheit_test_server_wait_held (fixture->server, "/slow", 2);
  cacheit_test_drain ();
  g_usleep (100 * 1000);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/slow"), ==, 2);

  /* Each answer lets one more go. */
  cacheit_test_server_release (fixture->server, "/slow");
  finish_all_ok (models, 4, done);
  for (guint i = 0; i < 4; i++)
    g_object_unref (models[i]);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/slow"), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cacheit/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_LIMITS(path, func) \
  g_test_add ("/cacheit/client/" path, Limits, NULL, limits_set_up, func, limits_tear_down)

  ADD ("token/first", test_token_first);
  ADD ("token/refresh-shared", test_token_refresh_shared);
  ADD ("token/write", test_token_write);
  ADD ("token/refresh-fails", test_token_refresh_fails);
  ADD ("token/refused-again", test_token_refused_again);
  ADD ("token/other-host", test_token_other_host);
  ADD ("token/shared-requests", test_token_shared_requests);
  ADD ("token/not-on-disk", test_token_not_on_disk);
  ADD ("token/cancel-waiting", test_token_cancel_waiting);
  ADD ("token/dropped", test_token_dropped);
  ADD_LIMITS ("rate-limit/retry-after", test_rate_limit_retry_after);
  ADD ("rate-limit/github", test_rate_limit_github);
  ADD_LIMITS ("max-per-host", test_max_per_host);

  return g_test_run ();
}
