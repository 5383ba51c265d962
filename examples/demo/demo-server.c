/* demo-server.c: the demo's HTTP server, in a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SoupServer on 127.0.0.1 that serves a generated catalogue:
 *
 *   GET /records          a JSON array of every record (id, name, city, price, stock)
 *   GET /records?page=N&per_page=M
 *                         page N (from 1, the first when left out) of M records (30 unless said, at
 *                         most DEMO_SERVER_MAX_PER_PAGE), as GitHub pages:
 *                         a Link header with rel="next" (until the last
 *                         page), "prev", "first" and "last", and the number
 *                         of records in X-Total-Count
 *   GET /records/ID       one record, with a description: its detail
 *   PATCH /records/ID     changes a record: {"name": "..."}; answers with the
 *   PUT /records/ID       record as it is now, its "updated" set to the time
 *                         of the change and its name normalised (spaces
 *                         trimmed and collapsed); an empty name is refused
 *                         with 422 Unprocessable Entity
 *   POST /auth/token      signs in: {"user": "demo", "password": "demo"}, or
 *                         {"refresh_token": "..."} for a new access token;
 *                         answers {"access_token", "refresh_token",
 *                         "token_type": "Bearer", "expires_in"}, or 401
 *
 * Every route under /records wants "Authorization: Bearer ACCESS-TOKEN", a
 * token of /auth/token that is less than the token lifetime old
 * (DEMO_SERVER_TOKEN_LIFETIME seconds unless set): without one, or with an
 * expired or unknown one, it answers 401 Unauthorized with a JSON body that
 * says which ({"error": "The access token expired"}) and a WWW-Authenticate
 * header, as an OAuth 2 resource server does. A 401 is not counted with the
 * requests served: the client sends the request again with a new token,
 * and the figures of the demo are the same with a refresh or without. The
 * tokens live in the server's memory only, and die with it.
 *
 * It listens on a fixed port, DEMO_SERVER_PORT, when it can: the library
 * keys its snapshots on disk by URL, so the list a run saved is found by
 * the next run only at the same URL. When that port is taken, it takes one
 * the system picks, and demo_server_get_port_is_fallback() says so.
 *
 * It runs in its own thread, with its own GMainContext, so that the work of
 * serving 16 MB never shows up in the main loop of the application: the
 * stall the demo measures is the client's alone, as it would be against a
 * server on another machine.
 *
 * Every answer carries an ETag and a short freshness lifetime
 * (Cache-Control: max-age=DEMO_SERVER_MAX_AGE), and a request whose
 * If-None-Match names the current ETag is answered 304 Not Modified, with no
 * body: a client that revalidates its stale data gets a few hundred bytes
 * instead of 13 MB. Until a record is changed, every revalidation is a 304;
 * a change makes a new list, with a new ETag. The changes are kept in a
 * small JSON file, as a database would keep them, and read back by the next
 * run: the list a run leaves on disk is still the server's list in the
 * next, which confirms it with a 304.
 *
 * It can be given a latency (every answer waits), made slower still, or told
 * to fail the next request with a 500. These switches, and the counters,
 * are atomics: they are set and read from the application's thread.
 */

#include <errno.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "demo-server.h"

struct _DemoServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;

  guint         n_records;
  guint         port;
  gboolean      port_is_fallback;
  GBytes       *list_body;      /* NULL after a change, until asked for. */
  char         *list_etag;
  char         *url;
  GHashTable   *edits;          /* id → Edit: the records changed so far. */
  char         *edits_path;     /* Where they are kept; NULL: in memory. */

  /* Set by the thread once it listens, or failed to. */
  GMutex        mutex;
  GCond         cond;
  gboolean      started;
  GError       *error;

  /* Shared with the application's thread. */
  int           latency_ms;
  int           delay_ms;
  gsize         list_size;
  int           fail_next;
  int           n_requests;
  int           n_not_modified;
  int           n_writes;
  int           n_page_requests;
  int           n_unauthorized;
  int           n_token_requests;
  int           token_lifetime_s;

  /* The server thread's alone. */
  GHashTable   *access_tokens;  /* token → expiry, monotonic µs (gint64 *). */
  GHashTable   *refresh_tokens; /* token → user. */
};

static const char *const adjectives[] = {
  "Amber", "Brisk", "Cobalt", "Dapper", "Electric", "Frosted", "Golden", "Hidden",
  "Ivory", "Jolly", "Kindred", "Lunar", "Misty", "Nimble", "Olive", "Polar",
  "Quiet", "Rustic", "Silver", "Tidal", "Urban", "Velvet", "Wild", "Zesty",
};

static const char *const nouns[] = {
  "Kettle", "Lantern", "Notebook", "Teapot", "Backpack", "Compass", "Bicycle",
  "Umbrella", "Headphones", "Camera", "Blanket", "Clock", "Radio", "Mug",
  "Telescope", "Typewriter", "Guitar", "Skateboard", "Planter", "Desk Lamp",
};

static const char *const cities[] = {
  "Amsterdam", "Berlin", "Brno", "Cardiff", "Dublin", "Helsinki", "Lisbon",
  "Ljubljana", "Lyon", "Madrid", "Oslo", "Porto", "Prague", "Riga", "Tallinn",
  "Turin", "Valencia", "Vienna", "Vilnius", "Zurich",
};

/* A record changed by a PATCH or a PUT. */
typedef struct
{
  char *name;
  char *updated;
} Edit;

static void
edit_free (gpointer data)
{
  Edit *edit = data;

  g_free (edit->name);
  g_free (edit->updated);
  g_free (edit);
}

/* @text as a JSON string: quoted, with quotes, backslashes and control
 * characters escaped. @text is valid UTF-8. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Records are made from their id alone, so the list and each detail agree
 * without keeping 100,000 of anything; @edit, when the record was changed,
 * overrides its name and its time of update. */
static void
append_record (GString    *out,
               guint       id,
               const Edit *edit,
               gboolean    detail)
{
  guint32 h = id * 2654435761u;
  const char *adjective = adjectives[h % G_N_ELEMENTS (adjectives)];
  const char *noun = nouns[(h >> 8) % G_N_ELEMENTS (nouns)];
  const char *city = cities[(h >> 16) % G_N_ELEMENTS (cities)];
  guint cents = 199 + (h >> 4) % 49800;
  guint stock = (h >> 12) % 500;
  g_autofree char *generated_name = g_strdup_printf ("%s %s", adjective, noun);
  g_autofree char *generated_updated = NULL;
  const char *name = edit != NULL ? edit->name : generated_name;

  if (edit == NULL)
    generated_updated = g_strdup_printf ("2024-%02u-%02uT%02u:%02u:00Z",
                                         1 + (h >> 3) % 12, 1 + (h >> 7) % 28,
                                         (h >> 11) % 24, (h >> 17) % 60);

  g_string_append_printf (out, "{\"id\":%u,\"sku\":\"%c%c-%06u\",\"name\":",
                          id, adjective[0], noun[0], id);
  append_json_string (out, name);
  g_string_append_printf (out, ",\"city\":\"%s\",\"price\":%u.%02u,\"stock\":%u,\"updated\":\"%s\"",
                          city, cents / 100, cents % 100, stock,
                          edit != NULL ? edit->updated : generated_updated);
  if (detail)
    {
      g_autofree char *description = g_strdup_printf ("The %s, made in %s. "
                                                      "%u in stock; ships in %u days.",
                                                      name, city, stock, 1 + h % 9);

      g_string_append (out, ",\"description\":");
      append_json_string (out, description);
      g_string_append_printf (out, ",\"tags\":[\"%s\",\"%s\"]", noun, city);
    }
  g_string_append_c (out, '}');
}

static GBytes *
make_list (guint       n_records,
           GHashTable *edits)
{
  GString *out = g_string_sized_new (n_records * 140);

  g_string_append_c (out, '[');
  for (guint id = 1; id <= n_records; id++)
    {
      if (id > 1)
        g_string_append_c (out, ',');
      append_record (out, id, g_hash_table_lookup (edits, GUINT_TO_POINTER (id)), FALSE);
    }
  g_string_append_c (out, ']');

  return g_string_free_to_bytes (out);
}

/* A strong ETag for @body: the same bytes, the same tag. */
static char *
make_etag (GBytes *body)
{
  g_autofree char *sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, body);

  return g_strdup_printf ("\"%.16s\"", sha1);
}

/* Whether the If-None-Match of @msg names @etag: a list of tags, weak or
 * strong (compared weakly, as RFC 9110 asks for If-None-Match), or "*". */
static gboolean
etag_matches (SoupServerMessage *msg,
              const char        *etag)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *if_none_match = soup_message_headers_get_list (headers, "If-None-Match");
  GSList *tags;
  gboolean found = FALSE;

  if (if_none_match == NULL)
    return FALSE;

  /* libsoup splits the list, quoted tags and all. */
  tags = soup_header_parse_list (if_none_match);
  for (GSList *l = tags; l != NULL && !found; l = l->next)
    {
      const char *tag = l->data;

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      found = strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0;
    }
  soup_header_free_list (tags);

  return found;
}

static gboolean
unpause_cb (gpointer user_data)
{
  soup_server_message_unpause (user_data);

  return G_SOURCE_REMOVE;
}

/* Answers, or waits first when the server has a latency or is slow. With
 * an @etag, the
 * answer is cacheable for DEMO_SERVER_MAX_AGE seconds, and a 304 with no
 * body when the client already holds that version. */
static void
respond (DemoServer        *self,
         SoupServerMessage *msg,
         guint              status,
         GBytes            *body,
         const char        *etag)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  int delay_ms = g_atomic_int_get (&self->latency_ms) + g_atomic_int_get (&self->delay_ms);

  if (etag != NULL)
    {
      g_autofree char *cache_control = g_strdup_printf ("max-age=%d", DEMO_SERVER_MAX_AGE);

      soup_message_headers_replace (headers, "ETag", etag);
      soup_message_headers_replace (headers, "Cache-Control", cache_control);
      if (etag_matches (msg, etag))
        {
          g_atomic_int_inc (&self->n_not_modified);
          status = SOUP_STATUS_NOT_MODIFIED;
        }
    }

  soup_server_message_set_status (msg, status, NULL);
  if (status != SOUP_STATUS_NOT_MODIFIED)
    {
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
    }

  if (delay_ms > 0)
    {
      g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

      soup_server_message_pause (msg);
      g_source_set_callback (source, unpause_cb, g_object_ref (msg), g_object_unref);
      g_source_attach (source, self->context);
    }
}

static gboolean
take_failure (DemoServer        *self,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;

  if (!g_atomic_int_compare_and_exchange (&self->fail_next, TRUE, FALSE))
    return FALSE;

  body = g_bytes_new_static ("{\"error\":\"the database is down\"}", 32);
  respond (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, body, NULL);

  return TRUE;
}

static void
respond_error (DemoServer        *self,
               SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  GString *out = g_string_new ("{\"error\":");
  g_autoptr(GBytes) body = NULL;

  append_json_string (out, message);
  g_string_append_c (out, '}');
  body = g_string_free_to_bytes (out);
  respond (self, msg, status, body, NULL);
}

/* The changes of the earlier runs: {"ID": {"name": ..., "updated": ...}}.
 * A file that is missing or unreadable is an empty catalogue of changes. */
static void
load_edits (DemoServer *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;

  if (self->edits_path == NULL ||
      !g_file_test (self->edits_path, G_FILE_TEST_EXISTS))
    return;

  if (!json_parser_load_from_mapped_file (parser, self->edits_path, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("%s is not used: %s", self->edits_path,
                 error != NULL ? error->message : "not a JSON object");
      return;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (root, l->data);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = object != NULL ? json_object_get_string_member_with_default (object, "name", NULL) : NULL;
      const char *updated = object != NULL ? json_object_get_string_member_with_default (object, "updated", NULL) : NULL;
      guint64 id;
      Edit *edit;

      if (name == NULL || updated == NULL || *name == '\0' ||
          !g_ascii_string_to_unsigned (l->data, 10, 1, self->n_records, &id, NULL))
        continue;

      edit = g_new0 (Edit, 1);
      edit->name = g_strdup (name);
      edit->updated = g_strdup (updated);
      g_hash_table_replace (self->edits, GUINT_TO_POINTER ((guint) id), edit);
    }
}

static void
save_edits (DemoServer *self)
{
  GString *out = g_string_new ("{");
  GHashTableIter iter;
  gpointer key, value;
  g_autofree char *directory = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (self->edits_path == NULL)
    {
      g_string_free (out, TRUE);
      return;
    }

  g_hash_table_iter_init (&iter, self->edits);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Edit *edit = value;

      if (out->len > 1)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "\n  \"%u\": {\"name\": ", GPOINTER_TO_UINT (key));
      append_json_string (out, edit->name);
      g_string_append (out, ", \"updated\": ");
      append_json_string (out, edit->updated);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n}\n");
  text = g_string_free (out, FALSE);

  directory = g_path_get_dirname (self->edits_path);
  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_file_set_contents_full (self->edits_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("The changes are not kept in %s: %s", self->edits_path,
               error != NULL ? error->message : g_strerror (errno));
}

/* The list, made again after a change, with its new ETag. */
static void
ensure_list (DemoServer *self)
{
  if (self->list_body != NULL)
    return;

  self->list_body = make_list (self->n_records, self->edits);
  g_free (self->list_etag);
  self->list_etag = make_etag (self->list_body);
  g_mutex_lock (&self->mutex);
  self->list_size = g_bytes_get_size (self->list_body);
  g_mutex_unlock (&self->mutex);
}

/* "  The  Cobalt Umbrella " → "The Cobalt Umbrella": what the server keeps
 * of a name. */
static char *
normalise_name (const char *name)
{
  g_auto(GStrv) words = g_strsplit_set (name, " \t\n\r", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }

  return g_string_free (out, FALSE);
}

/* PATCH or PUT /records/ID: the name is the only member a client may
 * change; the others (id, sku, price, ...) are the server's, and ignored,
 * as a PUT sends them all. */
static void
write_record (DemoServer        *self,
              SoupServerMessage *msg,
              guint              id)
{
  gboolean put = strcmp (soup_server_message_get_method (msg), SOUP_METHOD_PUT) == 0;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) request = soup_message_body_flatten (request_body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *name = NULL;
  JsonObject *changes;
  JsonNode *member;
  GString *out;
  Edit *edit;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (request, NULL),
                                   (gssize) g_bytes_get_size (request), &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "the body is not a JSON object");
      return;
    }

  changes = json_node_get_object (json_parser_get_root (parser));
  member = json_object_get_member (changes, "name");
  if (member == NULL && put)
    {
      respond_error (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "a record needs a name");
      return;
    }

  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          respond_error (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "the name must be a string");
          return;
        }
      name = normalise_name (json_node_get_string (member));
      if (*name == '\0')
        {
          respond_error (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "the name must not be empty");
          return;
        }
      if (g_utf8_strlen (name, -1) > 80)
        {
          respond_error (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY,
                         "the name must not be longer than 80 characters");
          return;
        }

      now = g_date_time_new_now_utc ();
      edit = g_new0 (Edit, 1);
      edit->name = g_steal_pointer (&name);
      /* To the microsecond: two runs of the demo in one second still change it. */
      edit->updated = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
      g_hash_table_replace (self->edits, GUINT_TO_POINTER (id), edit);
      save_edits (self);

      /* The list changed: a new body, and a new ETag, when next asked. */
      g_clear_pointer (&self->list_body, g_bytes_unref);
      g_atomic_int_inc (&self->n_writes);
    }

  /* The answer: the record as it is now, as GET /records/ID has it. */
  out = g_string_new (NULL);
  append_record (out, id, g_hash_table_lookup (self->edits, GUINT_TO_POINTER (id)), TRUE);
  body = g_string_free_to_bytes (out);
  respond (self, msg, SOUP_STATUS_OK, body, NULL);
}

/* "<URL?page=N&per_page=M>; rel="REL"", to a Link header. */
static void
append_link (GString    *link,
             const char *url,
             guint       page,
             guint       per_page,
             const char *rel)
{
  if (link->len > 0)
    g_string_append (link, ", ");
  g_string_append_printf (link, "<%s?page=%u&per_page=%u>; rel=\"%s\"", url, page, per_page, rel);
}

/* GET /records?page=N&per_page=M: one page of the list, as GitHub and
 * Mastodon page theirs, with its own ETag. A page past the last is an
 * empty array; a page that is not a number is refused with 400. */
static void
respond_page (DemoServer        *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *page_text = g_hash_table_lookup (query, "page");
  const char *per_page_text = g_hash_table_lookup (query, "per_page");
  guint64 page = 1;
  guint64 per_page = 30;
  guint n_pages;
  guint first;
  guint last;
  GString *out;
  g_autoptr(GString) link = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *total = NULL;

  if ((page_text != NULL &&
       !g_ascii_string_to_unsigned (page_text, 10, 1, G_MAXUINT32, &page, NULL)) ||
      (per_page_text != NULL &&
       !g_ascii_string_to_unsigned (per_page_text, 10, 1, DEMO_SERVER_MAX_PER_PAGE, &per_page, NULL)))
    {
      g_autofree char *message = g_strdup_printf ("page is a number from 1, per_page one from 1 to %u",
                                                  DEMO_SERVER_MAX_PER_PAGE);

      respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, message);
      return;
    }

  g_atomic_int_inc (&self->n_page_requests);
  n_pages = (guint) ((self->n_records + per_page - 1) / per_page);
  first = (page - 1) * per_page < self->n_records ? (guint) ((page - 1) * per_page) + 1 : self->n_records + 1;
  last = MIN (self->n_records, first + (guint) per_page - 1);

  out = g_string_sized_new ((gsize) per_page * 140);
  g_string_append_c (out, '[');
  for (guint id = first; id <= last; id++)
    {
      if (id > first)
        g_string_append_c (out, ',');
      append_record (out, id, g_hash_table_lookup (self->edits, GUINT_TO_POINTER (id)), FALSE);
    }
  g_string_append_c (out, ']');
  body = g_string_free_to_bytes (out);
  etag = make_etag (body);

  if (page < n_pages)
    append_link (link, self->url, (guint) page + 1, (guint) per_page, "next");
  if (page > 1)
    append_link (link, self->url, (guint) MIN (page - 1, n_pages), (guint) per_page, "prev");
  append_link (link, self->url, 1, (guint) per_page, "first");
  append_link (link, self->url, MAX (n_pages, 1), (guint) per_page, "last");
  soup_message_headers_replace (headers, "Link", link->str);
  total = g_strdup_printf ("%u", self->n_records);
  soup_message_headers_replace (headers, "X-Total-Count", total);

  respond (self, msg, SOUP_STATUS_OK, body, etag);
}

/* Signing in */

#define DEMO_USER "demo"
#define DEMO_PASSWORD "demo"

/* 32 random hex digits: a token no one guesses. */
static char *
make_token (const char *prefix)
{
  GString *out = g_string_new (prefix);

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (out, "%08x", g_random_int ());

  return g_string_free (out, FALSE);
}

static void
respond_unauthorized (DemoServer        *self,
                      SoupServerMessage *msg,
                      const char        *message)
{
  g_autofree char *challenge = g_strdup_printf ("Bearer realm=\"cacheit-demo\", error=\"invalid_token\", "
                                                "error_description=\"%s\"", message);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", challenge);
  respond_error (self, msg, SOUP_STATUS_UNAUTHORIZED, message);
}

/* Whether @msg carries an access token that is still valid; when not, it
 * is answered 401. */
static gboolean
check_token (DemoServer        *self,
             SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *message = NULL;
  gint64 *expiry;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer "))
    message = "An access token is needed (POST /auth/token)";
  else if ((expiry = g_hash_table_lookup (self->access_tokens, authorization + strlen ("Bearer "))) == NULL)
    message = "The access token is not valid";
  else if (g_get_monotonic_time () >= *expiry)
    {
      g_hash_table_remove (self->access_tokens, authorization + strlen ("Bearer "));
      message = "The access token expired";
    }

  if (message == NULL)
    return TRUE;

  g_atomic_int_inc (&self->n_unauthorized);
  respond_unauthorized (self, msg, message);

  return FALSE;
}

/* POST /auth/token: {"user": ..., "password": ...} or {"refresh_token": ...}. */
static void
token_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  DemoServer *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  int lifetime = g_atomic_int_get (&self->token_lifetime_s);
  const char *user = NULL;
  JsonObject *object;
  gint64 *expiry;
  GString *out;

  if (strcmp (path, "/auth/token") != 0)
    {
      respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      respond_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "tokens are asked for with a POST");
      return;
    }

  g_atomic_int_inc (&self->n_token_requests);
  request = soup_message_body_flatten (request_body);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (request, NULL),
                                   (gssize) g_bytes_get_size (request), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      respond_error (self, msg, SOUP_STATUS_BAD_REQUEST, "the body is not a JSON object");
      return;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "refresh_token"))
    {
      const char *given = json_object_get_string_member_with_default (object, "refresh_token", "");

      user = g_hash_table_lookup (self->refresh_tokens, given);
      if (user == NULL)
        {
          respond_unauthorized (self, msg, "The refresh token is not valid");
          return;
        }
      refresh_token = g_strdup (given);
    }
  else
    {
      const char *name = json_object_get_string_member_with_default (object, "user", "");
      const char *password = json_object_get_string_member_with_default (object, "password", "");

      if (strcmp (name, DEMO_USER) != 0 || strcmp (password, DEMO_PASSWORD) != 0)
        {
          respond_unauthorized (self, msg, "Wrong user name or password");
          return;
        }
      user = DEMO_USER;
      refresh_token = make_token ("r-");
      g_hash_table_replace (self->refresh_tokens, g_strdup (refresh_token), g_strdup (user));
    }

  access_token = make_token ("a-");
  expiry = g_new (gint64, 1);
  *expiry = g_get_monotonic_time () + (gint64) lifetime * G_USEC_PER_SEC;
  g_hash_table_replace (self->access_tokens, g_strdup (access_token), expiry);

  out = g_string_new ("{\"access_token\":");
  append_json_string (out, access_token);
  g_string_append (out, ",\"refresh_token\":");
  append_json_string (out, refresh_token);
  g_string_append_printf (out, ",\"token_type\":\"Bearer\",\"expires_in\":%d,\"user\":", lifetime);
  append_json_string (out, user);
  g_string_append_c (out, '}');
  body = g_string_free_to_bytes (out);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  respond (self, msg, SOUP_STATUS_OK, body, NULL);
}

static void
records_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  DemoServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean read = strcmp (method, SOUP_METHOD_GET) == 0 || strcmp (method, SOUP_METHOD_HEAD) == 0;
  gboolean write = strcmp (method, "PATCH") == 0 || strcmp (method, SOUP_METHOD_PUT) == 0;
  guint64 id = 0;

  if (!check_token (self, msg))
    return;

  g_atomic_int_inc (&self->n_requests);

  if (take_failure (self, msg))
    return;

  if (strcmp (path, "/records") == 0)
    {
      if (!read)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "GET, HEAD");
          respond_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the list is read-only");
          return;
        }
      if (query != NULL &&
          (g_hash_table_contains (query, "page") || g_hash_table_contains (query, "per_page")))
        {
          respond_page (self, msg, query);
          return;
        }
      ensure_list (self);
      respond (self, msg, SOUP_STATUS_OK, self->list_body, self->list_etag);
      return;
    }

  if (g_str_has_prefix (path, "/records/") &&
      g_ascii_string_to_unsigned (path + strlen ("/records/"), 10, 1, self->n_records, &id, NULL))
    {
      GString *out;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *etag = NULL;

      if (write)
        {
          write_record (self, msg, (guint) id);
          return;
        }
      if (!read)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", "GET, HEAD, PATCH, PUT");
          respond_error (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "records are not deleted here");
          return;
        }

      out = g_string_new (NULL);
      append_record (out, (guint) id, g_hash_table_lookup (self->edits, GUINT_TO_POINTER ((guint) id)), TRUE);
      body = g_string_free_to_bytes (out);
      etag = make_etag (body);
      respond (self, msg, SOUP_STATUS_OK, body, etag);
      return;
    }

  respond_error (self, msg, SOUP_STATUS_NOT_FOUND, "no such record");
}

static gpointer
server_thread (gpointer user_data)
{
  DemoServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  g_main_context_push_thread_default (self->context);

  self->edits = g_hash_table_new_full (NULL, NULL, NULL, edit_free);
  load_edits (self);
  ensure_list (self);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->server = soup_server_new ("server-header", "cacheit-demo ", NULL);
  soup_server_add_handler (self->server, "/records", records_cb, self, NULL);
  soup_server_add_handler (self->server, "/auth", token_cb, self, NULL);

  /* The fixed port first, so that the URL, and the snapshot keys, are the
   * same from one run to the next; any port when it is taken. */
  if (self->port != 0 &&
      !soup_server_listen_local (self->server, self->port, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_debug ("port %u: %s", self->port, error->message);
      g_clear_error (&error);
      self->port_is_fallback = TRUE;
    }
  if (self->port == 0 || self->port_is_fallback)
    soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);

  if (error == NULL)
    {
      uris = soup_server_get_uris (self->server);
      self->port = (guint) g_uri_get_port (uris->data);
      self->url = g_strdup_printf ("http://127.0.0.1:%u/records", self->port);
      g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
    }

  g_mutex_lock (&self->mutex);
  self->error = g_steal_pointer (&error);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (self->url != NULL)
    g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections go. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_pointer (&self->edits, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/* Starts the server and returns once it listens: on @port if it is free,
 * else (or when @port is 0) on a port the system picks. The records changed
 * are kept in @edits_path, and read from it first; NULL to keep them in
 * memory only. */
DemoServer *
demo_server_new (guint        n_records,
                 guint        port,
                 const char  *edits_path,
                 GError     **error)
{
  g_autoptr(DemoServer) self = g_new0 (DemoServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->n_records = n_records;
  self->port = port;
  self->edits_path = g_strdup (edits_path);
  self->token_lifetime_s = DEMO_SERVER_TOKEN_LIFETIME;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("demo-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_REMOVE;
}

void
demo_server_free (DemoServer *self)
{
  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (self->thread);
    }

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->list_body, g_bytes_unref);
  g_clear_pointer (&self->list_etag, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->edits_path, g_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* The URL of the catalogue: http://127.0.0.1:PORT/records. */
const char *
demo_server_get_url (DemoServer *self)
{
  return self->url;
}

guint
demo_server_get_n_records (DemoServer *self)
{
  return self->n_records;
}

/* The port it listens on. */
guint
demo_server_get_port (DemoServer *self)
{
  return self->port;
}

/* Whether the port asked for was taken, and another one used: the URL is
 * not the one of the earlier runs, and their snapshots are not found. */
gboolean
demo_server_get_port_is_fallback (DemoServer *self)
{
  return self->port_is_fallback;
}

/* The size of the list as it was last made. */
gsize
demo_server_get_list_size (DemoServer *self)
{
  gsize size;

  g_mutex_lock (&self->mutex);
  size = self->list_size;
  g_mutex_unlock (&self->mutex);

  return size;
}

/* Every answer waits @latency_ms, as a server far away would; 0 for none. */
void
demo_server_set_latency (DemoServer *self,
                         guint       latency_ms)
{
  g_atomic_int_set (&self->latency_ms, (int) latency_ms);
}

guint
demo_server_get_latency (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->latency_ms);
}

/* Every answer from now on waits @delay_ms more than the latency; 0 for
 * none. */
void
demo_server_set_delay (DemoServer *self,
                       guint       delay_ms)
{
  g_atomic_int_set (&self->delay_ms, (int) delay_ms);
}

/* The next request, whichever it is, is answered 500. */
void
demo_server_set_fail_next (DemoServer *self,
                           gboolean    fail_next)
{
  g_atomic_int_set (&self->fail_next, fail_next ? TRUE : FALSE);
}

gboolean
demo_server_get_fail_next (DemoServer *self)
{
  return g_atomic_int_get (&self->fail_next);
}

/* The requests under /records the server served, all told: not those it
 * refused with a 401. */
guint
demo_server_get_n_requests (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_requests);
}

/* The records changed by a PATCH or a PUT, all told. */
guint
demo_server_get_n_writes (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_writes);
}

/* The GETs of a page of the list (?page=N) so far. */
guint
demo_server_get_n_page_requests (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_page_requests);
}

/* The requests answered 304 Not Modified, all told. */
guint
demo_server_get_n_not_modified (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_not_modified);
}

/* The access tokens of /auth/token from now on are valid for @seconds. */
void
demo_server_set_token_lifetime (DemoServer *self,
                                guint       seconds)
{
  g_atomic_int_set (&self->token_lifetime_s, (int) MAX (seconds, 1));
}

guint
demo_server_get_token_lifetime (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->token_lifetime_s);
}

/* The requests under /records refused with a 401: no token, an expired or
 * an unknown one. */
guint
demo_server_get_n_unauthorized (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_unauthorized);
}

/* The POSTs to /auth/token: sign-ins and refreshes. */
guint
demo_server_get_n_token_requests (DemoServer *self)
{
  return (guint) g_atomic_int_get (&self->n_token_requests);
}
