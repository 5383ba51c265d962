/* cacheit-demo.c: what a fetch cache saves, against a server in the process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The demo starts a SoupServer on 127.0.0.1 that serves a profile as JSON,
 * then fetches it through a typed CacheitModel the way an application does:
 * many parts of it ask for the same data, at the same time or later, and the
 * data changes or the server fails now and then. After each step it prints
 * how many fetch calls were made, how many HTTP requests the server saw, and
 * which signals the model emitted.
 *
 * Run it with build-aux/demo. It exits with a non-zero status when what it
 * sees differs from the fetch contract, so it doubles as a smoke test
 * (`meson test --suite examples`).
 */

#include <locale.h>
#include <string.h>

#include <cacheit.h>

/* DemoProfile: a typed model. Its properties are filled from the JSON
 * members of the same name: "display-name" from "display_name". */

#define DEMO_TYPE_PROFILE (demo_profile_get_type ())

G_DECLARE_FINAL_TYPE (DemoProfile, demo_profile, DEMO, PROFILE, CacheitModel)

struct _DemoProfile
{
  CacheitModel parent_instance;

  char *display_name;
  int   followers;
};

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_FOLLOWERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DemoProfile, demo_profile, CACHEIT_TYPE_MODEL)

static void
demo_profile_finalize (GObject *object)
{
  DemoProfile *self = DEMO_PROFILE (object);

  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (demo_profile_parent_class)->finalize (object);
}

static void
demo_profile_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DemoProfile *self = DEMO_PROFILE (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_FOLLOWERS:
      g_value_set_int (value, self->followers);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
demo_profile_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DemoProfile *self = DEMO_PROFILE (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      if (g_strcmp0 (self->display_name, g_value_get_string (value)) != 0)
        {
          g_free (self->display_name);
          self->display_name = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_FOLLOWERS:
      if (self->followers != g_value_get_int (value))
        {
          self->followers = g_value_get_int (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
demo_profile_class_init (DemoProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = demo_profile_finalize;
  object_class->get_property = demo_profile_get_property;
  object_class->set_property = demo_profile_set_property;

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FOLLOWERS] =
    g_param_spec_int ("followers", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
demo_profile_init (DemoProfile *self)
{
}

/* The server: /profile is the resource; /broken answers invalid JSON; any
 * other path is a 404. */

typedef struct
{
  SoupServer        *server;
  char              *base_url;
  guint              requests;   /* Requests for /profile, all told. */
  int                followers;  /* What /profile says. */
  gboolean           fail;       /* Answer /profile with a 500. */
  gboolean           hold;       /* Keep the next /profile request waiting. */
  SoupServerMessage *held;
} DemoServer;

static void
respond_profile (DemoServer        *server,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  gsize length;

  if (server->fail)
    {
      static const char error_body[] = "{\"error\": \"the database is down\"}";

      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        error_body, sizeof error_body - 1);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, "Ada Lovelace");
  json_builder_set_member_name (builder, "city");
  json_builder_add_string_value (builder, "London");
  json_builder_set_member_name (builder, "followers");
  json_builder_add_int_value (builder, server->followers);
  json_builder_set_member_name (builder, "languages");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "en");
  json_builder_add_string_value (builder, "fr");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  length = strlen (body);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), length);
}

static void
profile_cb (SoupServer        *soup_server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  DemoServer *server = user_data;

  server->requests++;

  if (server->hold)
    {
      /* Answered by server_release(), so the demo can act while the request
       * is in flight. */
      server->hold = FALSE;
      server->held = g_object_ref (msg);
      soup_server_message_pause (msg);
      return;
    }

  respond_profile (server, msg);
}

static void
broken_cb (SoupServer        *soup_server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  static const char body[] = "{\"display_name\": \"Ada";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

static void
not_found_cb (SoupServer        *soup_server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gboolean
server_start (DemoServer  *server,
              GError     **error)
{
  g_autoptr(GSList) uris = NULL;

  server->server = soup_server_new ("server-header", "cacheit-demo ", NULL);
  soup_server_add_handler (server->server, NULL, not_found_cb, server, NULL);
  soup_server_add_handler (server->server, "/profile", profile_cb, server, NULL);
  soup_server_add_handler (server->server, "/broken", broken_cb, server, NULL);

  if (!soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server->server);
  server->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  return TRUE;
}

static void
server_release (DemoServer *server)
{
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&server->held);

  respond_profile (server, msg);
  soup_server_message_unpause (msg);
}

static void
server_stop (DemoServer *server)
{
  if (server->held != NULL)
    server_release (server);
  if (server->server != NULL)
    soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_clear_pointer (&server->base_url, g_free);
}

/* The client side: fetch calls, and what the model reports. */

#define MAX_CALLS 8

typedef struct
{
  DemoServer   *server;
  DemoProfile  *profile;

  /* The step being run. */
  guint         n_calls;
  guint         n_done;
  GAsyncResult *results[MAX_CALLS];
  GError       *error;
  guint         requests_before;
  guint         n_request_signals;
  guint         n_sync_signals;
  guint         n_error_signals;
  GPtrArray    *changed;          /* Attribute names, in signal order. */
  GPtrArray    *notified;         /* Property names, in notify order. */

  /* All steps. */
  guint         total_calls;
  guint         total_requests;
  gboolean      failed;
} Demo;

static void
request_cb (CacheitResource *resource,
            SoupMessage     *message,
            Demo            *demo)
{
  demo->n_request_signals++;
}

static void
sync_cb (CacheitResource *resource,
         Demo            *demo)
{
  demo->n_sync_signals++;
}

static void
error_cb (CacheitResource *resource,
          const GError    *error,
          Demo            *demo)
{
  demo->n_error_signals++;
}

static void
changed_cb (CacheitModel *model,
            const char   *name,
            Demo         *demo)
{
  g_ptr_array_add (demo->changed, g_strdup (name));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Demo       *demo)
{
  /* The resource's own state (fetching, status, last-error) is shown
   * elsewhere; the typed properties are what a user interface binds to. */
  if (pspec->owner_type == DEMO_TYPE_PROFILE)
    g_ptr_array_add (demo->notified, g_strdup (pspec->name));
}

static void
step_reset (Demo *demo)
{
  for (guint i = 0; i < demo->n_done; i++)
    g_clear_object (&demo->results[i]);
  demo->n_calls = 0;
  demo->n_done = 0;
  g_clear_error (&demo->error);
  demo->requests_before = demo->server->requests;
  demo->n_request_signals = 0;
  demo->n_sync_signals = 0;
  demo->n_error_signals = 0;
  g_ptr_array_set_size (demo->changed, 0);
  g_ptr_array_set_size (demo->notified, 0);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Demo *demo = user_data;
  g_autoptr(GError) error = NULL;

  demo->results[demo->n_done++] = g_object_ref (result);

  if (!cacheit_resource_fetch_finish (CACHEIT_RESOURCE (object), result, &error) &&
      demo->error == NULL)
    demo->error = g_steal_pointer (&error);
}

static void
fetch (Demo              *demo,
       CacheitFetchFlags  flags,
       guint              n_calls)
{
  g_assert (demo->n_calls + n_calls <= MAX_CALLS);

  for (guint i = 0; i < n_calls; i++)
    cacheit_resource_fetch_async (CACHEIT_RESOURCE (demo->profile), flags, NULL,
                                  fetch_cb, demo);
  demo->n_calls += n_calls;
}

static void
wait_for_callers (Demo *demo)
{
  while (demo->n_done < demo->n_calls)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
all_results_same (Demo *demo)
{
  for (guint i = 1; i < demo->n_done; i++)
    if (demo->results[i] != demo->results[0])
      return FALSE;

  return TRUE;
}

/* "changed::{a,b}" from a list of names, or NULL if it is empty. */
static char *
format_names (const char *prefix,
              GPtrArray  *names)
{
  g_autoptr(GString) string = NULL;

  if (names->len == 0)
    return NULL;

  string = g_string_new (prefix);
  if (names->len > 1)
    g_string_append_c (string, '{');
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (string, ',');
      g_string_append (string, g_ptr_array_index (names, i));
    }
  if (names->len > 1)
    g_string_append_c (string, '}');

  return g_string_free (g_steal_pointer (&string), FALSE);
}

/* The signals of the step, grouped, in the order they are emitted. */
static GPtrArray *
list_signals (Demo *demo)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  char *changed = format_names ("changed::", demo->changed);
  char *notified = format_names ("notify::", demo->notified);

  if (demo->n_request_signals > 0)
    g_ptr_array_add (parts, g_strdup ("request"));
  if (changed != NULL)
    g_ptr_array_add (parts, changed);
  if (notified != NULL)
    g_ptr_array_add (parts, notified);
  if (demo->n_sync_signals > 0)
    g_ptr_array_add (parts, g_strdup ("sync"));
  if (demo->n_error_signals > 0)
    g_ptr_array_add (parts, g_strdup ("error"));
  if (parts->len == 0)
    g_ptr_array_add (parts, g_strdup ("none"));

  return parts;
}

#define ROW_FORMAT "%-30s %5s %8s   %s"
#define ROW_WIDTH 64

static void
print_cells (const char *step,
             const char *calls,
             const char *requests,
             const char *what)
{
  g_autofree char *line = g_strdup_printf ("  " ROW_FORMAT, step, calls, requests, what);

  g_print ("%s\n", g_strchomp (line));
}

static void
print_header (void)
{
  print_cells ("step", "fetch", "HTTP", "what happened");
  print_cells ("", "calls", "requests", "");
  print_cells ("------------------------------", "-----", "--------",
           "------------------------------------------------");
}

/* Prints the row of the step just run: @what is one or more lines, separated
 * by newlines. Checks the step against the expected number of requests. */
static void
print_row (Demo       *demo,
           const char *step,
           guint       expected_requests,
           const char *what)
{
  guint requests = demo->server->requests - demo->requests_before;
  g_autoptr(GPtrArray) signals = list_signals (demo);
  g_auto(GStrv) lines = g_strsplit (what, "\n", -1);
  g_autoptr(GString) line = g_string_new ("signals: ");
  g_autofree char *n_calls = g_strdup_printf ("%u", demo->n_calls);
  g_autofree char *n_requests = g_strdup_printf ("%u", requests);

  print_cells (step, n_calls, n_requests, lines[0]);
  for (guint i = 1; lines[i] != NULL; i++)
    print_cells ("", "", "", lines[i]);

  /* The signals, wrapped at ROW_WIDTH. */
  for (guint i = 0; i < signals->len; i++)
    {
      const char *part = g_ptr_array_index (signals, i);

      if (line->len > 9 && line->len + strlen (part) + 2 > ROW_WIDTH)
        {
          g_string_append_c (line, ',');
          print_cells ("", "", "", line->str);
          g_string_assign (line, "         ");
        }
      else if (line->len > 9)
        {
          g_string_append (line, ", ");
        }
      g_string_append (line, part);
    }
  print_cells ("", "", "", line->str);

  demo->total_calls += demo->n_calls;
  demo->total_requests += requests;

  if (requests != expected_requests || requests != demo->n_request_signals)
    {
      g_printerr ("cacheit-demo: expected %u request(s), the server saw %u and the "
                  "model emitted request %u time(s)\n",
                  expected_requests, requests, demo->n_request_signals);
      demo->failed = TRUE;
    }
}

static void
expect (Demo       *demo,
        gboolean    condition,
        const char *what)
{
  if (!condition)
    {
      g_printerr ("cacheit-demo: unexpected: %s\n", what);
      demo->failed = TRUE;
    }
}

static void
run_steps (Demo *demo)
{
  CacheitResource *resource = CACHEIT_RESOURCE (demo->profile);
  CacheitModel *model = CACHEIT_MODEL (demo->profile);
  GAsyncResult *first_result;
  guint status;
  g_autofree char *what = NULL;

  /* 1. A cold start: three parts of the application ask at once, and two
   * more while the request is in flight. */
  step_reset (demo);
  demo->server->hold = TRUE;
  fetch (demo, CACHEIT_FETCH_NONE, 3);
  while (demo->server->held == NULL)
    g_main_context_iteration (NULL, TRUE);
  fetch (demo, CACHEIT_FETCH_NONE, 2);
  server_release (demo->server);
  wait_for_callers (demo);

  expect (demo, demo->error == NULL, "the first fetch failed");
  expect (demo, all_results_same (demo), "the callers got different results");
  what = g_strdup_printf ("coalesced: 5 callers (2 joined in flight),\n"
                          "one request, the same GAsyncResult for all%s\n"
                          "display-name=\"%s\" followers=%d city=\"%s\"",
                          all_results_same (demo) ? "" : " (NOT!)",
                          demo->profile->display_name, demo->profile->followers,
                          cacheit_model_get_string (model, "city"));
  print_row (demo, "1 cold start, 5 callers", 1, what);
  g_clear_pointer (&what, g_free);
  first_result = g_object_ref (demo->results[0]);

  /* 2. Later, more parts ask again: the cache answers. */
  step_reset (demo);
  fetch (demo, CACHEIT_FETCH_NONE, 3);
  expect (demo, demo->n_done == 0, "a cached fetch completed inside fetch_async()");
  wait_for_callers (demo);

  expect (demo, all_results_same (demo) && demo->results[0] == first_result,
          "a cached fetch gave a different result");
  print_row (demo, "2 fetch again, 3 callers", 0,
             "answered from the cache, on a later main-loop\n"
             "iteration, with the result of step 1");

  /* 3. The data changes on the server; the user asks to reload. */
  demo->server->followers++;
  step_reset (demo);
  fetch (demo, CACHEIT_FETCH_RELOAD, 1);
  wait_for_callers (demo);

  expect (demo, demo->error == NULL, "the reload failed");
  expect (demo, demo->changed->len == 1, "not exactly one attribute changed");
  what = g_strdup_printf ("one request; only what changed is signalled:\n"
                          "followers %d -> %d",
                          demo->profile->followers - 1, demo->profile->followers);
  print_row (demo, "3 reload, followers changed", 1, what);
  g_clear_pointer (&what, g_free);

  /* 4. The server fails during a reload. */
  demo->server->fail = TRUE;
  step_reset (demo);
  fetch (demo, CACHEIT_FETCH_RELOAD, 1);
  wait_for_callers (demo);

  status = cacheit_resource_get_status (resource);
  expect (demo, g_error_matches (demo->error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS),
          "the failed reload did not report CACHEIT_ERROR_HTTP_STATUS");
  expect (demo, cacheit_resource_get_last_error (resource) != NULL, "last-error is unset");
  expect (demo, demo->changed->len == 0 && demo->notified->len == 0, "a failure changed the data");
  what = g_strdup_printf ("CACHEIT_ERROR_HTTP_STATUS, status %u:\n"
                          "\"%s\"\n"
                          "the data is kept: followers=%d, fetched=%s",
                          demo->error != NULL ? cacheit_error_get_http_status (demo->error) : 0,
                          demo->error != NULL ? demo->error->message : "(no error)",
                          demo->profile->followers,
                          cacheit_resource_get_fetched (resource) ? "TRUE" : "FALSE");
  print_row (demo, "4 reload, server answers 500", 1, what);
  g_clear_pointer (&what, g_free);
  expect (demo, status == 500, "the status is not 500");

  /* 5. The server is back; a plain fetch is not answered by the failure. */
  demo->server->fail = FALSE;
  step_reset (demo);
  fetch (demo, CACHEIT_FETCH_NONE, 1);
  wait_for_callers (demo);

  expect (demo, demo->error == NULL, "the fetch after the failure failed");
  expect (demo, cacheit_resource_get_last_error (resource) == NULL, "last-error is still set");
  expect (demo, demo->changed->len == 0, "identical data emitted changed");
  print_row (demo, "5 fetch after the failure", 1,
             "a failure is not cached: a new request;\n"
             "identical data, so no changed:: or notify::");

  /* 6. And from then on, the cache answers again. */
  step_reset (demo);
  fetch (demo, CACHEIT_FETCH_NONE, 2);
  wait_for_callers (demo);
  print_row (demo, "6 fetch again, 2 callers", 0, "answered from the cache");

  step_reset (demo);
  g_object_unref (first_result);
}

/* Two more models show what the errors say. */
static void
show_error (Demo       *demo,
            const char *path)
{
  g_autofree char *url = g_strconcat (demo->server->base_url, path, NULL);
  g_autoptr(CacheitModel) model = cacheit_model_new (url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (CACHEIT_TYPE_ERROR);

  if (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, &error))
    {
      g_printerr ("cacheit-demo: fetching %s did not fail\n", path);
      demo->failed = TRUE;
      return;
    }

  g_print ("  %-9s %s\n", path,
           error->domain == CACHEIT_ERROR
             ? g_enum_get_value (enum_class, error->code)->value_name
             : g_quark_to_string (error->domain));
  g_print ("  %-9s \"%s\"\n", "", error->message);
}

int
main (int   argc,
      char *argv[])
{
  DemoServer server = { 0 };
  Demo demo = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *total_calls = NULL;
  g_autofree char *total_requests = NULL;
  g_autofree char *without = NULL;

  setlocale (LC_ALL, "");

  if (!server_start (&server, &error))
    {
      g_printerr ("cacheit-demo: cannot start the server: %s\n", error->message);
      return 1;
    }
  server.followers = 1200;

  url = g_strconcat (server.base_url, "/profile", NULL);
  demo.server = &server;
  demo.changed = g_ptr_array_new_with_free_func (g_free);
  demo.notified = g_ptr_array_new_with_free_func (g_free);
  demo.profile = g_object_new (DEMO_TYPE_PROFILE, "url", url, NULL);
  g_signal_connect (demo.profile, "request", G_CALLBACK (request_cb), &demo);
  g_signal_connect (demo.profile, "sync", G_CALLBACK (sync_cb), &demo);
  g_signal_connect (demo.profile, "error", G_CALLBACK (error_cb), &demo);
  g_signal_connect (demo.profile, "changed", G_CALLBACK (changed_cb), &demo);
  g_signal_connect (demo.profile, "notify", G_CALLBACK (notify_cb), &demo);

  g_print ("cacheit-glib %s: a DemoProfile (a typed CacheitModel) of\n"
           "%s, served by a SoupServer in this process.\n\n",
           CACHEIT_VERSION_S, url);

  print_header ();
  run_steps (&demo);

  total_calls = g_strdup_printf ("%u", demo.total_calls);
  total_requests = g_strdup_printf ("%u", demo.total_requests);
  without = g_strdup_printf ("without the cache: %u requests", demo.total_calls);
  print_cells ("", "-----", "--------", "");
  print_cells ("total", total_calls, total_requests, without);
  g_print ("\n");

  g_print ("Errors say what went wrong, and where:\n");
  show_error (&demo, "/missing");
  show_error (&demo, "/broken");

  g_clear_object (&demo.profile);
  g_clear_pointer (&demo.changed, g_ptr_array_unref);
  g_clear_pointer (&demo.notified, g_ptr_array_unref);

  /* Close the kept-alive connections on both sides, and let the closing
   * finish, so that leak checkers see a clean exit. */
  soup_session_abort (cacheit_get_default_session ());
  while (g_main_context_iteration (NULL, FALSE))
    ;
  server_stop (&server);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (demo.failed)
    {
      g_printerr ("cacheit-demo: the library did not behave as documented\n");
      return 1;
    }

  return 0;
}
