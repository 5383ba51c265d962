/* demo-auth.c: the demo signs in to its server, and keeps its token fresh
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A DemoAuth answers the CacheitClient::authenticate of the demo's client.
 * The first question (refresh FALSE) is answered by signing in: a POST to
 * the server's /auth/token with the demo's user and password, at once in
 * the console, or once the user pressed "Sign in" in the window (an
 * interactive DemoAuth keeps the question until demo_auth_sign_in()). A
 * refresh (the server answered 401 to the last token: it expired) posts
 * the refresh token the sign-in gave, without asking the user, and counts
 * it. Each POST goes through a SoupSession of its own, asynchronously: the
 * main loop never waits for it, and the client's gate, which holds the
 * requests that wait for the token, never sees it.
 *
 * The tokens live in this object's memory only: never printed, logged or
 * written to disk. What it shows is the state, the user, the number of
 * refreshes and the time of the last.
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "demo-auth.h"

#define DEMO_USER "demo"
#define DEMO_PASSWORD "demo"

struct _DemoAuth
{
  GObject             parent_instance;

  CacheitClient      *client;
  gulong              authenticate_id;
  gulong              unauthorized_id;
  SoupSession        *session;
  char               *token_url;
  gboolean            interactive;

  DemoAuthState       state;
  CacheitAuthRequest *pending;         /* The question being answered. */
  GCancellable       *cancellable;
  char               *refresh_token;
  char               *user;
  guint               lifetime;        /* Of the last token, in seconds. */
  gint64              expires_at;      /* Monotonic µs; 0: no token. */
  guint               n_refreshes;
  GDateTime          *last_refresh;
  char               *error;
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DemoAuth, demo_auth, G_TYPE_OBJECT)

static void
set_state (DemoAuth      *self,
           DemoAuthState  state)
{
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* {"access_token": …, "refresh_token": …, "expires_in": …, "user": …}, or
 * {"error": …}: the token, and *@message when there is none. */
static char *
parse_answer (DemoAuth    *self,
              SoupMessage *message,
              GBytes      *body,
              char       **error_message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;
  const char *token = NULL;
  const char *refresh_token;

  if (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  if (object != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    token = json_object_get_string_member_with_default (object, "access_token", NULL);

  if (token == NULL)
    {
      const char *said = object != NULL ? json_object_get_string_member_with_default (object, "error", NULL) : NULL;

      *error_message = said != NULL ? g_strdup (said)
                                    : g_strdup_printf ("POST /auth/token: %u %s",
                                                       soup_message_get_status (message),
                                                       soup_message_get_reason_phrase (message));
      return NULL;
    }

  refresh_token = json_object_get_string_member_with_default (object, "refresh_token", NULL);
  if (refresh_token != NULL && g_strcmp0 (refresh_token, self->refresh_token) != 0)
    {
      g_free (self->refresh_token);
      self->refresh_token = g_strdup (refresh_token);
    }
  if (g_strcmp0 (self->user, json_object_get_string_member_with_default (object, "user", DEMO_USER)) != 0)
    {
      g_free (self->user);
      self->user = g_strdup (json_object_get_string_member_with_default (object, "user", DEMO_USER));
    }
  self->lifetime = (guint) CLAMP (json_object_get_int_member_with_default (object, "expires_in", 0), 0, G_MAXUINT);
  self->expires_at = g_get_monotonic_time () + (gint64) self->lifetime * G_USEC_PER_SEC;

  return g_strdup (token);
}

static void
token_answered_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DemoAuth) self = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(CacheitAuthRequest) request = g_steal_pointer (&self->pending);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *token = NULL;
  g_autofree char *error_message = NULL;
  gboolean refresh = self->state == DEMO_AUTH_REFRESHING;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_clear_object (&self->cancellable);
  if (body == NULL)
    error_message = g_strdup (error->message);
  else
    token = parse_answer (self, message, body, &error_message);

  if (token == NULL)
    {
      g_clear_pointer (&self->error, g_free);
      self->error = g_steal_pointer (&error_message);
      self->expires_at = 0;
      if (refresh)
        g_clear_pointer (&self->refresh_token, g_free);
      if (request != NULL)
        cacheit_auth_request_fail (request, self->error);
      set_state (self, DEMO_AUTH_FAILED);
      return;
    }

  g_clear_pointer (&self->error, g_free);
  if (refresh)
    {
      self->n_refreshes++;
      g_clear_pointer (&self->last_refresh, g_date_time_unref);
      self->last_refresh = g_date_time_new_now_local ();
    }
  if (request != NULL)
    cacheit_auth_request_return_token (request, token);
  set_state (self, DEMO_AUTH_SIGNED_IN);
  if (refresh)
    g_signal_emit (self, signals[SIGNAL_REFRESHED], 0);
}

/* POST /auth/token: with the refresh token when there is one and
 * @refresh, else with the user and password. */
static void
ask_server (DemoAuth *self,
            gboolean  refresh)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, self->token_url);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;

  refresh = refresh && self->refresh_token != NULL;
  json_builder_begin_object (builder);
  if (refresh)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, self->refresh_token);
    }
  else
    {
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, DEMO_USER);
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, DEMO_PASSWORD);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  body = g_bytes_new_take (text, strlen (text));
  soup_message_set_request_body_from_bytes (message, "application/json", body);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, refresh ? DEMO_AUTH_REFRESHING : DEMO_AUTH_SIGNING_IN);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, self->cancellable,
                                    token_answered_cb, g_object_ref (self));
}

static gboolean
authenticate_cb (CacheitClient      *client,
                 CacheitAuthRequest *request,
                 DemoAuth           *self)
{
  gboolean refresh = cacheit_auth_request_get_refresh (request);

  g_set_object (&self->pending, request);

  /* The first sign-in is the user's; a refresh, or a sign-in again after
   * one, is not. */
  if (!refresh && self->interactive && self->user == NULL)
    set_state (self, DEMO_AUTH_WAITING);
  else
    ask_server (self, refresh);

  return TRUE;
}

static void
unauthorized_cb (CacheitClient *client,
                 const GError  *error,
                 DemoAuth      *self)
{
  if (g_strcmp0 (self->error, error->message) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
    }
  self->expires_at = 0;
  set_state (self, DEMO_AUTH_FAILED);
}

static void
demo_auth_dispose (GObject *object)
{
  DemoAuth *self = DEMO_AUTH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pending);
  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->authenticate_id, self->client);
      g_clear_signal_handler (&self->unauthorized_id, self->client);
    }
  g_clear_object (&self->client);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (demo_auth_parent_class)->dispose (object);
}

static void
demo_auth_finalize (GObject *object)
{
  DemoAuth *self = DEMO_AUTH (object);

  g_free (self->token_url);
  g_free (self->refresh_token);
  g_free (self->user);
  g_free (self->error);
  g_clear_pointer (&self->last_refresh, g_date_time_unref);

  G_OBJECT_CLASS (demo_auth_parent_class)->finalize (object);
}

static void
demo_auth_class_init (DemoAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = demo_auth_dispose;
  object_class->finalize = demo_auth_finalize;

  /* The state, the user, the refreshes or the error changed. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* A refresh gave a new token: the requests refused go again. */
  signals[SIGNAL_REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
demo_auth_init (DemoAuth *self)
{
  self->session = soup_session_new ();
}

/* Answers the ::authenticate of @client, whose base URI is the demo's
 * server. @interactive: the first sign-in waits for demo_auth_sign_in(). */
DemoAuth *
demo_auth_new (CacheitClient *client,
               gboolean       interactive)
{
  DemoAuth *self = g_object_new (DEMO_TYPE_AUTH, NULL);

  self->client = g_object_ref (client);
  self->interactive = interactive;
  self->token_url = cacheit_client_resolve (client, "/auth/token");
  self->authenticate_id = g_signal_connect (client, "authenticate", G_CALLBACK (authenticate_cb), self);
  self->unauthorized_id = g_signal_connect (client, "unauthorized", G_CALLBACK (unauthorized_cb), self);

  return self;
}

/* The demo's one client: its base URI is @server's, and every resource of
 * the demo comes from it. Its requests carry the token of ::authenticate,
 * and the library keeps a response to a request with an Authorization
 * header on disk only under CACHEIT_SNAPSHOT_ALL: the demo's server has
 * one catalogue for every user, so the snapshots, which the second run
 * starts from, are kept as they were before the sign-in. (The token is on
 * the request, never in a snapshot.) */
CacheitClient *
demo_client_new (DemoServer *server)
{
  g_autofree char *base_uri = g_strdup_printf ("http://127.0.0.1:%u/", demo_server_get_port (server));
  CacheitClient *client = cacheit_client_new (base_uri);

  g_object_set (client, "snapshot-policy", CACHEIT_SNAPSHOT_ALL, NULL);

  return client;
}

/* The user pressed "Sign in": the question the client asked is answered. */
void
demo_auth_sign_in (DemoAuth *self)
{
  g_return_if_fail (DEMO_IS_AUTH (self));

  if (self->state != DEMO_AUTH_WAITING || self->pending == NULL)
    return;

  ask_server (self, FALSE);
}

DemoAuthState
demo_auth_get_state (DemoAuth *self)
{
  return self->state;
}

/* Who signed in; NULL before. */
const char *
demo_auth_get_user (DemoAuth *self)
{
  return self->user;
}

guint
demo_auth_get_n_refreshes (DemoAuth *self)
{
  return self->n_refreshes;
}

/* The local time of the last refresh; NULL before the first. */
GDateTime *
demo_auth_get_last_refresh (DemoAuth *self)
{
  return self->last_refresh;
}

/* How long, in seconds, the server said the last token is valid. */
guint
demo_auth_get_lifetime (DemoAuth *self)
{
  return self->lifetime;
}

/* How long until the token expires, as this side reckons (from when the
 * answer came, so never before the server's expiry); 0 when it has, or
 * there is none. */
gint64
demo_auth_get_remaining_ms (DemoAuth *self)
{
  if (self->expires_at == 0)
    return 0;

  return MAX (self->expires_at - g_get_monotonic_time (), 0) / 1000;
}

/* Why the last sign-in or refresh failed; NULL when it did not. */
const char *
demo_auth_get_error (DemoAuth *self)
{
  return self->state == DEMO_AUTH_FAILED ? self->error : NULL;
}

/* "Signed in as demo · token refreshed 2×". */
char *
demo_auth_format_state (DemoAuth *self)
{
  switch (self->state)
    {
    case DEMO_AUTH_WAITING:
      return g_strdup ("Not signed in: the server wants a token");
    case DEMO_AUTH_SIGNING_IN:
      return g_strdup ("Signing in…");
    case DEMO_AUTH_REFRESHING:
      return g_strdup_printf ("Signed in as %s · refreshing the token…", self->user);
    case DEMO_AUTH_SIGNED_IN:
      if (self->n_refreshes == 0)
        return g_strdup_printf ("Signed in as %s", self->user);
      return g_strdup_printf ("Signed in as %s · token refreshed %u×", self->user, self->n_refreshes);
    case DEMO_AUTH_FAILED:
      return g_strdup ("Signed out: the server refused");
    case DEMO_AUTH_SIGNED_OUT:
    default:
      return g_strdup ("Not signed in");
    }
}

/* "Last refresh 12:03:04 · tokens last 20 s", or why it failed. */
char *
demo_auth_format_detail (DemoAuth *self)
{
  g_autofree char *time = NULL;

  if (self->state == DEMO_AUTH_FAILED)
    return g_strdup (self->error != NULL ? self->error : "");
  if (self->state == DEMO_AUTH_WAITING)
    return g_strdup ("Sign in as \"demo\" to load the records");
  if (self->user == NULL)
    return g_strdup ("POST /auth/token gives a bearer token");
  if (self->last_refresh == NULL)
    return g_strdup_printf ("Tokens last %u s; refreshed when the server answers 401", self->lifetime);

  time = g_date_time_format (self->last_refresh, "%H:%M:%S");

  return g_strdup_printf ("Last refresh %s · tokens last %u s", time, self->lifetime);
}
