/* test-save.c: issue 8 — saving: PUT, PATCH, POST (create) and DELETE
 * (destroy), optimistic changes and their exact rollback, the WAIT flag,
 * the server's answer merged, the `saving` property, the order of writes and
 * their coherence with fetches, and snapshots that follow saves; against a
 * real HTTP server on 127.0.0.1.
 *
 * No assertion here is about how long something took. Races are made
 * deterministic by holding requests in the test server; where a test checks
 * that a request was NOT sent yet, it first makes two round trips of its own
 * to the server (cacheit_test_server_wait_arrivals()), so that a request the
 * library sent wrongly has arrived, and then checks the order of the server's
 * log.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

#define R(obj) CACHEIT_RESOURCE (obj)
#define M(obj) CACHEIT_MODEL (obj)

/* A typed model, as an application declares one: "title", "done", "rank". */

#define TEST_TYPE_NOTE (test_note_get_type ())
G_DECLARE_FINAL_TYPE (TestNote, test_note, TEST, NOTE, CacheitModel)

struct _TestNote
{
  CacheitModel parent_instance;
  char        *title;
  gboolean     done;
  int          rank;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_DONE,
  PROP_RANK,
  N_PROPS
};

static GParamSpec *note_properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TestNote, test_note, CACHEIT_TYPE_MODEL)

static void
test_note_finalize (GObject *object)
{
  g_free (TEST_NOTE (object)->title);

  G_OBJECT_CLASS (test_note_parent_class)->finalize (object);
}

static void
test_note_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TestNote *self = TEST_NOTE (object);

  switch (prop_id)
    {
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_DONE: g_value_set_boolean (value, self->done); break;
    case PROP_RANK: g_value_set_int (value, self->rank); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_note_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TestNote *self = TEST_NOTE (object);

  /* No change check here: the library must only set what changed. */
  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      break;
    case PROP_DONE: self->done = g_value_get_boolean (value); break;
    case PROP_RANK: self->rank = g_value_get_int (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_note_class_init (TestNoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = test_note_finalize;
  object_class->get_property = test_note_get_property;
  object_class->set_property = test_note_set_property;

  note_properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  note_properties[PROP_DONE] = g_param_spec_boolean ("done", NULL, NULL, FALSE, flags);
  note_properties[PROP_RANK] = g_param_spec_int ("rank", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, note_properties);
}

static void
test_note_init (TestNote *self)
{
}

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
  GString           *log;      /* "changed:NAME " and "notify:NAME " (typed properties). */
  GString           *items;    /* log_items_changed() of the rows_new() collections. */
  guint              n_error;  /* `error` signals of the connected resources. */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
  fixture->log = g_string_new (NULL);
  fixture->items = g_string_new (NULL);
  test_row_n_made = 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  g_string_free (fixture->log, TRUE);
  g_string_free (fixture->items, TRUE);
  cacheit_test_drain ();
}

/* Signal logs */

static void
log_changed_cb (CacheitModel *model,
                const char   *name,
                Fixture      *fixture)
{
  g_string_append_printf (fixture->log, "changed:%s ", name);
}

static void
log_notify_cb (GObject    *object,
               GParamSpec *pspec,
               Fixture    *fixture)
{
  /* Only the typed properties: the resource's own (fetching, saving,
   * status...) are not about the data. */
  if (pspec->owner_type == TEST_TYPE_NOTE || pspec->owner_type == TEST_TYPE_ROW)
    g_string_append_printf (fixture->log, "notify:%s ", pspec->name);
}

static void
log_error_cb (CacheitResource *resource,
              const GError    *error,
              Fixture         *fixture)
{
  fixture->n_error++;
}

/* Logs the changed and typed notify signals of @model, and its errors. */
static void
watch (Fixture  *fixture,
       gpointer  model)
{
  g_signal_connect (model, "changed", G_CALLBACK (log_changed_cb), fixture);
  g_signal_connect (model, "notify", G_CALLBACK (log_notify_cb), fixture);
  g_signal_connect (model, "error", G_CALLBACK (log_error_cb), fixture);
}

static void
unwatch (Fixture  *fixture,
         gpointer  model)
{
  g_signal_handlers_disconnect_by_data (model, fixture);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The words of @s, sorted, one space apart: which signals, not their order
 * (the spec says which members are notified, not in which order). */
static char *
sorted_words (const char *s)
{
  g_auto(GStrv) words = g_strsplit (s, " ", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_sort (kept, compare_strings);
  g_ptr_array_add (kept, NULL);

  return g_strjoinv (" ", (char **) kept->pdata);
}

/* The signals logged since the last call are exactly @expected (in any
 * order); the log is emptied. */
#define assert_log(fixture, expected) G_STMT_START {             \
    g_autofree char *got_ = sorted_words ((fixture)->log->str);    \
    g_autofree char *want_ = sorted_words (expected);              \
    g_assert_cmpstr (got_, ==, want_);                             \
    g_string_truncate ((fixture)->log, 0);                         \
  } G_STMT_END

/* The server's log (cacheit_test_server_log()) for the paths in @paths
 * (space-separated) only. */
static char *
server_log (Fixture    *fixture,
            const char *paths)
{
  g_auto(GStrv) wanted = g_strsplit (paths, " ", -1);
  g_auto(GStrv) words = g_strsplit (cacheit_test_server_log (fixture->server), " ", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL && words[i + 1] != NULL; i += 2)
    {
      g_autofree char *path = g_strdup (words[i + 1]);
      char *equal = strchr (path, '=');

      if (equal != NULL)
        *equal = '\0';
      if (g_strv_contains ((const char *const *) wanted, path))
        g_string_append_printf (s, "%s %s ", words[i], words[i + 1]);
    }

  return g_string_free (s, FALSE);
}

#define assert_server_log(fixture, paths, expected) G_STMT_START { \
    g_autofree char *got_ = server_log ((fixture), (paths));         \
    g_assert_cmpstr (got_, ==, (expected));                          \
  } G_STMT_END

/* JSON */

static JsonNode *
parse_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
object_new (const char *json)
{
  g_autoptr(JsonNode) node = parse_json (json);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_dup_object (node);
}

/* The last request for @path was @method with a JSON body equal to
 * @expected_body and Content-Type application/json. */
static void
assert_request (Fixture    *fixture,
                const char *path,
                const char *method,
                const char *expected_body)
{
  g_assert_cmpstr (cacheit_test_server_last_method (fixture->server, path), ==, method);
  g_assert_cmpstr (cacheit_test_server_last_content_type (fixture->server, path), ==, "application/json");
  assert_json (cacheit_test_server_last_body (fixture->server, path), expected_body);
}

/* Resources */

static TestNote *
note_new (Fixture    *fixture,
          const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);

  return g_object_new (TEST_TYPE_NOTE, "url", url, "retry-delay", 1, NULL);
}

static CacheitCollection *
rows_new (Fixture    *fixture,
          const char *path)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);
  CacheitCollection *collection = cacheit_collection_new (TEST_TYPE_ROW, url);

  cacheit_resource_set_retry_delay (R (collection), 1);
  g_signal_connect (collection, "items-changed", G_CALLBACK (log_items_changed_cb), fixture->items);
  g_signal_connect (collection, "error", G_CALLBACK (log_error_cb), fixture);
  return collection;
}

static char *
names (CacheitCollection *collection)
{
  GListModel *model = G_LIST_MODEL (collection);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TestRow) row = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s", i > 0 ? " " : "", row->name);
    }

  return g_string_free (s, FALSE);
}

#define assert_names(collection, expected) G_STMT_START { \
    g_autofree char *got_ = names (collection);             \
    g_assert_cmpstr (got_, ==, (expected));                 \
  } G_STMT_END

/* Writes */

static void
save_async (gpointer               model,
            const char            *changes,
            CacheitSaveFlags       flags,
            GCancellable          *cancellable,
            CacheitTestCompletion *done)
{
  g_autoptr(JsonObject) object = changes != NULL ? object_new (changes) : NULL;

  cacheit_model_save_async (M (model), object, flags, cancellable, cacheit_test_completion_cb, done);
}

static gboolean
save_wait (gpointer               model,
           CacheitTestCompletion *done,
           GError               **error)
{
  gboolean ok;

  cacheit_test_wait_until (done->done);
  g_assert_cmpuint (done->n_calls, ==, 1);
  ok = cacheit_model_save_finish (M (model), done->result, error);
  cacheit_test_completion_clear (done);

  return ok;
}

static gboolean
destroy_wait (gpointer               model,
              CacheitTestCompletion *done,
              GError               **error)
{
  gboolean ok;

  cacheit_test_wait_until (done->done);
  g_assert_cmpuint (done->n_calls, ==, 1);
  ok = cacheit_model_destroy_finish (M (model), done->result, error);
  cacheit_test_completion_clear (done);

  return ok;
}

static void
create_async (CacheitCollection     *collection,
              const char            *attributes,
              CacheitSaveFlags       flags,
              CacheitTestCompletion *done)
{
  g_autoptr(JsonObject) object = object_new (attributes);

  cacheit_collection_create_async (collection, object, flags, NULL, cacheit_test_completion_cb, done);
}

static CacheitModel *
create_wait (CacheitCollection     *collection,
             CacheitTestCompletion *done,
             GError               **error)
{
  CacheitModel *model;

  cacheit_test_wait_until (done->done);
  g_assert_cmpuint (done->n_calls, ==, 1);
  model = cacheit_collection_create_finish (collection, done->result, error);
  cacheit_test_completion_clear (done);

  return model;
}

static void
finalize_all (gpointer first,
              ...)
{
  va_list args;

  cacheit_test_drain ();
  va_start (args, first);
  for (gpointer object = first; object != NULL; object = va_arg (args, gpointer))
    g_assert_finalize_object (object);
  va_end (args);
}

/* Round trips */

#define NOTE1 "{\"id\": 1, \"title\": \"a\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}"

/* The start of many tests here: the rows_new() collection of /rows, fetched
 * with @json, its items-changed log empty. */
static CacheitCollection *
rows_fetched (Fixture    *fixture,
              const char *json)
{
  CacheitCollection *rows = rows_new (fixture, "/rows");

  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", json);
  g_string_truncate (fixture->items, 0);
  return rows;
}

/* The start of many tests here: a note of /notes/1, fetched with NOTE1, whose
 * signals are logged (watch()) from now on. */
static TestNote *
note_watched (Fixture *fixture)
{
  TestNote *note = note_new (fixture, "/notes/1");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  watch (fixture, note);
  return note;
}

static void
test_put_whole (Fixture       *fixture,
                gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("save_async without flags: the changes show at once with exact signals "
                  "(none for a member set to its value, one for a member added as null), "
                  "then PUT of the whole attributes as application/json");

  note = note_watched (fixture);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");

  save_async (note, "{\"title\": \"b\", \"done\": false, \"extra\": null}", CACHEIT_SAVE_NONE, NULL, &done);
  /* Before anything reached the server. */
  g_assert_cmpstr (note->title, ==, "b");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"],"
                           " \"extra\": null}");
  assert_log (fixture, "changed:title notify:title changed:extra");

  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 1);
  assert_request (fixture, "/notes/1", "PUT",
                  "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"],"
                  " \"extra\": null}");
  /* The answer {} changes nothing. */
  assert_log (fixture, "");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"],"
                           " \"extra\": null}");
  g_assert_false (cacheit_resource_get_saving (R (note)));
  g_assert_null (cacheit_resource_get_last_error (R (note)));
  g_assert_cmpuint (fixture->n_error, ==, 0);

  finalize_all (note, NULL);
}

static void
test_put_no_content (Fixture       *fixture,
                     gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A 204 without a body keeps the saved attributes");

  note = note_watched (fixture);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 204, NULL);

  save_async (note, "{\"rank\": 4}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:rank notify:rank");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_request (fixture, "/notes/1", "PUT",
                  "{\"id\": 1, \"title\": \"a\", \"done\": false, \"rank\": 4, \"tags\": [\"x\"]}");
  assert_log (fixture, "");
  g_assert_cmpint (note->rank, ==, 4);
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\", \"done\": false, \"rank\": 4, \"tags\": [\"x\"]}");

  finalize_all (note, NULL);
}

static void
test_patch_changes_only (Fixture       *fixture,
                         gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("CACHEIT_SAVE_PATCH: PATCH with only the changes as the body; JSON null "
                  "sets null (the typed property goes back to its default), nothing is removed");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"a\", \"done\": true, \"rank\": 3}");
  g_assert_true (note->done);
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/notes/1", 200, "{}");

  save_async (note, "{\"done\": null, \"rank\": 3}", CACHEIT_SAVE_PATCH, NULL, &done);
  g_assert_false (note->done);
  assert_log (fixture, "changed:done notify:done");
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\", \"done\": null, \"rank\": 3}");

  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PATCH", "/notes/1"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 0);
  assert_request (fixture, "/notes/1", "PATCH", "{\"done\": null, \"rank\": 3}");
  assert_log (fixture, "");
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\", \"done\": null, \"rank\": 3}");

  finalize_all (note, NULL);
}

static void
test_patch_no_changes (Fixture       *fixture,
                       gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("CACHEIT_SAVE_PATCH with NULL changes: PATCH with {} and no signal");

  note = note_watched (fixture);
  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/notes/1", 200, "{}");

  save_async (note, NULL, CACHEIT_SAVE_PATCH, NULL, &done);
  assert_log (fixture, "");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_request (fixture, "/notes/1", "PATCH", "{}");
  assert_log (fixture, "");
  assert_attributes (note, NOTE1);

  finalize_all (note, NULL);
}

static void
test_no_url (Fixture       *fixture,
             gconstpointer  data)
{
  CacheitModel *model = cacheit_model_new (NULL);
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A model without a URL and outside a collection cannot be saved: "
                  "CACHEIT_ERROR_NO_URL, and its attributes end as they were");

  save_async (model, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (model, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NO_URL);
  assert_attributes (model, "{}");
  g_clear_error (&error);

  cacheit_model_destroy_async (model, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_false (destroy_wait (model, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_NO_URL);
  g_assert_cmpstr (cacheit_test_server_log (fixture->server), ==, "");

  finalize_all (model, NULL);
}

static void
test_url_check_as_fetch (Fixture       *fixture,
                         gconstpointer  data)
{
  const struct { const char *url; int code; } cases[] = {
    { "", CACHEIT_ERROR_NO_URL },
    { "http:///notes/1", CACHEIT_ERROR_INVALID_URL },
    { "ftp://127.0.0.1/notes/1", CACHEIT_ERROR_INVALID_URL },
    { "not a url", CACHEIT_ERROR_INVALID_URL },
  };

  g_test_bug ("14");
  g_test_summary ("Fetches and writes check a URL the same way: an empty one is "
                  "CACHEIT_ERROR_NO_URL, one without a host or not HTTP(S) "
                  "CACHEIT_ERROR_INVALID_URL; nothing is sent, nothing changes");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CacheitModel *model = cacheit_model_new (cases[i].url);
      CacheitTestCompletion done = { 0 };
      g_autoptr(GError) fetch_error = NULL;
      g_autoptr(GError) save_error = NULL;
      g_autoptr(GError) destroy_error = NULL;

      g_assert_false (cacheit_test_fetch_wait (model, CACHEIT_FETCH_NONE, NULL, &fetch_error));
      g_assert_error (fetch_error, CACHEIT_ERROR, cases[i].code);

      save_async (model, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
      g_assert_false (save_wait (model, &done, &save_error));
      g_assert_error (save_error, CACHEIT_ERROR, cases[i].code);
      assert_attributes (model, "{}");

      cacheit_model_destroy_async (model, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
      g_assert_false (destroy_wait (model, &done, &destroy_error));
      g_assert_error (destroy_error, CACHEIT_ERROR, cases[i].code);

      finalize_all (model, NULL);
    }
  g_assert_cmpstr (cacheit_test_server_log (fixture->server), ==, "");
}

static void
test_item_own_attributes (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_autoptr(CacheitModel) one = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("An item also fetched on its own URL keeps the members only that fetch "
                  "gave through a save, a refused save and an accepted one: the PUT sends "
                  "them, and the signals are those of the change alone");

  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", "[{\"id\": 1, \"name\": \"one\"}]");
  one = cacheit_collection_get_by_id (rows, "1");
  cacheit_test_serve_and_fetch (fixture->server, one, "/rows/1", "{\"id\": 1, \"name\": \"one\", \"extra\": \"x\"}");
  g_string_truncate (fixture->items, 0);
  watch (fixture, one);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 422, "{}");
  save_async (one, "{\"name\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:name notify:name");
  assert_attributes (one, "{\"id\": 1, \"name\": \"b\", \"extra\": \"x\"}");
  g_assert_false (save_wait (one, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  assert_request (fixture, "/rows/1", "PUT", "{\"id\": 1, \"name\": \"b\", \"extra\": \"x\"}");
  assert_log (fixture, "changed:name notify:name");
  assert_attributes (one, "{\"id\": 1, \"name\": \"one\", \"extra\": \"x\"}");

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200,
                                      "{\"id\": 1, \"name\": \"c\", \"extra\": \"x\", \"updated\": 7}");
  save_async (one, "{\"name\": \"c\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (save_wait (one, &done, &error));
  g_assert_no_error (error);
  assert_log (fixture, "changed:name notify:name changed:updated");
  assert_attributes (one, "{\"id\": 1, \"name\": \"c\", \"extra\": \"x\", \"updated\": 7}");
  assert_names (rows, "c");
  g_assert_cmpstr (fixture->items->str, ==, "");

  unwatch (fixture, one);
  g_clear_object (&one);
  finalize_all (rows, NULL);
}

static void
test_item_put (Fixture       *fixture,
               gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("An item of a collection with an id is saved with PUT to "
                  "collection-url/ID; the collection's list does not change");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\", \"rank\": 0}, {\"id\": 2, \"name\": \"two\", \"rank\": 1}]");
  two = cacheit_collection_get_by_id (rows, "2");
  watch (fixture, two);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/2", 200, "{}");

  save_async (two, "{\"name\": \"two!\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:name notify:name");
  g_assert_true (save_wait (two, &done, &error));
  g_assert_no_error (error);
  assert_request (fixture, "/rows/2", "PUT", "{\"id\": 2, \"name\": \"two!\", \"rank\": 1}");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/rows"), ==, 0);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 0);
  assert_log (fixture, "");
  g_assert_cmpstr (fixture->items->str, ==, "");
  assert_names (rows, "one two!");

  unwatch (fixture, two);
  g_clear_object (&two);
  finalize_all (rows, NULL);
}

static void
test_item_without_id_posts (Fixture       *fixture,
                            gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(CacheitModel) at = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("An item of a collection without an id is saved with POST to the "
                  "collection URL; the server's answer (its id) is merged onto the same "
                  "object, which stays in place");

  rows = rows_fetched (fixture, "[{\"name\": \"a\", \"rank\": 0}]");
  item = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  watch (fixture, item);
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201,
                                      "{\"id\": 4, \"name\": \"b\", \"rank\": 0}");

  save_async (item, "{\"name\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:name notify:name");
  g_assert_true (save_wait (item, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 1);
  assert_request (fixture, "/rows", "POST", "{\"name\": \"b\", \"rank\": 0}");
  /* The same object, in place, with the server's id. */
  g_assert_cmpstr (fixture->items->str, ==, "");
  at = g_list_model_get_item (G_LIST_MODEL (rows), 0);
  g_assert_true (at == item);
  assert_log (fixture, "changed:id");
  assert_attributes (item, "{\"id\": 4, \"name\": \"b\", \"rank\": 0}");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1);

  unwatch (fixture, item);
  g_clear_object (&item);
  g_clear_object (&at);
  finalize_all (rows, NULL);
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  CacheitCollection *rows;
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/rows/9");
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(CacheitModel) by_id = NULL;
  g_autoptr(CacheitModel) at = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("create_async: the item is appended at once (items-changed n,0,1); POST "
                  "of the attributes; the server's id then comes to the SAME object "
                  "(changed::id), with no further items-changed; its url is "
                  "collection-url/ID, get_by_id finds it, create_finish returns it");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\", \"rank\": 0}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201,
                                      "{\"id\": 9, \"name\": \"new\", \"rank\": 5, \"createdAt\": \"2024-05-01\"}");

  create_async (rows, "{\"name\": \"new\", \"rank\": 5}", CACHEIT_SAVE_NONE, &done);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 2);
  item = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (TEST_IS_ROW (item));
  g_assert_cmpstr (TEST_ROW (item)->name, ==, "new");
  g_assert_cmpint (TEST_ROW (item)->rank, ==, 5);
  assert_attributes (item, "{\"name\": \"new\", \"rank\": 5}");
  watch (fixture, item);

  created = create_wait (rows, &done, &error);
  g_assert_no_error (error);
  g_assert_true (created == item);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 1);
  assert_request (fixture, "/rows", "POST", "{\"name\": \"new\", \"rank\": 5}");

  assert_log (fixture, "changed:id changed:createdAt");
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  at = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (at == item);
  by_id = cacheit_collection_get_by_id (rows, "9");
  g_assert_true (by_id == item);
  g_assert_cmpstr (cacheit_resource_get_url (R (item)), ==, url);
  assert_attributes (item, "{\"id\": 9, \"name\": \"new\", \"rank\": 5, \"createdAt\": \"2024-05-01\"}");
  assert_names (rows, "one new");

  unwatch (fixture, item);
  g_clear_object (&item);
  g_clear_object (&created);
  g_clear_object (&by_id);
  g_clear_object (&at);
  finalize_all (rows, NULL);
}

static void
test_destroy_item (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitModel *gone;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("destroy_async of an item: removed at once (items-changed p,1,0), DELETE "
                  "collection-url/ID, nothing more");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}, {\"id\": 3, \"name\": \"3\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);

  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  assert_names (rows, "1 3");

  g_assert_true (destroy_wait (two, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/rows/2"), ==, 1);
  g_assert_cmpstr (cacheit_test_server_last_method (fixture->server, "/rows/2"), ==, "DELETE");
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  assert_names (rows, "1 3");
  gone = cacheit_collection_get_by_id (rows, "2");
  g_assert_null (gone);

  g_clear_object (&two);
  finalize_all (rows, NULL);
}

static void
test_destroy_standalone (Fixture       *fixture,
                         gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("destroy_async of a standalone model: DELETE, and nothing visible changes");

  note = note_watched (fixture);
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/notes/1", 200, "{}");

  cacheit_model_destroy_async (M (note), CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  assert_log (fixture, "");
  g_assert_true (destroy_wait (note, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cacheit_test_server_last_method (fixture->server, "/notes/1"), ==, "DELETE");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/notes/1"), ==, 1);
  assert_log (fixture, "");
  assert_attributes (note, NOTE1);

  finalize_all (note, NULL);
}

/* The server's answer */

static void
test_answer_normalised (Fixture       *fixture,
                        gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("The 2xx answer is merged onto the saved attributes, server wins: "
                  "changed (and notify) for a field it normalised and a field it added");

  note = note_watched (fixture);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200,
                                      "{\"id\": 1, \"title\": \"b\", \"updatedAt\": \"2024-05-01T10:00:00Z\"}");

  save_async (note, "{\"title\": \"  b  \"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_cmpstr (note->title, ==, "  b  ");
  assert_log (fixture, "changed:title notify:title");

  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_request (fixture, "/notes/1", "PUT",
                  "{\"id\": 1, \"title\": \"  b  \", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");
  assert_log (fixture, "changed:title notify:title changed:updatedAt");
  g_assert_cmpstr (note->title, ==, "b");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"],"
                           " \"updatedAt\": \"2024-05-01T10:00:00Z\"}");

  finalize_all (note, NULL);
}

static void
test_answer_root_pointer (Fixture       *fixture,
                          gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("The answer is read at root-pointer when that points to an object in it, "
                  "else as a whole; the request body is the attributes, not the envelope");

  cacheit_resource_set_root_pointer (R (note), "/data");
  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"meta\": {\"v\": 1}, \"data\": {\"id\": 1, \"title\": \"a\"}}");
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\"}");
  watch (fixture, note);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200,
                                      "{\"meta\": {\"v\": 2}, \"data\": {\"id\": 1, \"title\": \"A\", \"v\": 2}}");
  save_async (note, "{\"title\": \"x\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_request (fixture, "/notes/1", "PUT", "{\"id\": 1, \"title\": \"x\"}");
  assert_log (fixture, "changed:title notify:title changed:v");
  assert_attributes (note, "{\"id\": 1, \"title\": \"A\", \"v\": 2}");

  /* /data is not in this answer: the whole body is merged. */
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{\"ok\": true}");
  save_async (note, "{\"title\": \"y\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_log (fixture, "changed:ok");
  assert_attributes (note, "{\"id\": 1, \"title\": \"y\", \"v\": 2, \"ok\": true}");

  finalize_all (note, NULL);
}

static void
test_answer_not_json (Fixture       *fixture,
                      gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  g_autoptr(GBytes) text = g_bytes_new_static ("OK", 2);
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A 2xx answer that is not JSON: CACHEIT_ERROR_INVALID_JSON, but the change "
                  "stays (the server accepted it) and the resource is stale");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  g_assert_false (cacheit_resource_get_stale (R (note)));
  watch (fixture, note);
  cacheit_test_server_set_bytes_for_method (fixture->server, "PUT", "/notes/1", 200, "text/plain", text);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
  assert_log (fixture, "");
  g_assert_cmpstr (note->title, ==, "b");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");
  g_assert_true (cacheit_resource_get_stale (R (note)));
  g_assert_false (cacheit_resource_get_saving (R (note)));

  finalize_all (note, NULL);
}

static void
test_answer_validators_forgotten (Fixture       *fixture,
                                  gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  TestNote *control = note_new (fixture, "/control");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("After a successful save the validators are forgotten: the next reload is "
                  "a full GET, not a conditional one; stale is unchanged");

  cacheit_test_server_set_etag (fixture->server, "/notes/1", "\"v1\"");
  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");

  /* The control: without a save, a reload is conditional. */
  cacheit_test_server_set_etag (fixture->server, "/control", "\"c1\"");
  cacheit_test_serve_and_fetch (fixture->server, control, "/control", "{\"id\": 2}");
  g_assert_true (cacheit_test_fetch_wait (control, CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/control"), ==, 1);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_stale (R (note)));

  cacheit_test_server_set (fixture->server, "/notes/1", 200, "{\"id\": 1, \"title\": \"b\"}");
  g_assert_true (cacheit_test_fetch_wait (note, CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/notes/1"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count_conditional (fixture->server, "/notes/1"), ==, 0);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/notes/1"), ==, 0);
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\"}");

  finalize_all (note, control, NULL);
}

/* Rollback */

#define NOTE_RB "{\"id\": 1, \"title\": \"a\", \"done\": true, \"rank\": 3}"

/* Saves @changes to a note that answers @method with @status, and checks the
 * exact rollback. */
static void
check_rollback (Fixture          *fixture,
                const char       *method,
                CacheitSaveFlags  flags,
                guint             status)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_saving = 0;
  guint n_title = 0;

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE_RB);
  watch (fixture, note);
  g_signal_connect (note, "notify::saving", G_CALLBACK (count_cb), &n_saving);
  /* The detail is the member's name. */
  g_signal_connect (note, "changed::title", G_CALLBACK (count_cb), &n_title);
  cacheit_test_server_set_for_method (fixture->server, method, "/notes/1", status,
                                      "{\"errors\": {\"title\": \"taken\"}}");

  save_async (note, "{\"title\": \"b\", \"done\": true, \"rank\": 4, \"extra\": 1}", flags, NULL, &done);
  g_assert_cmpstr (note->title, ==, "b");
  g_assert_cmpint (note->rank, ==, 4);
  assert_log (fixture, "changed:title notify:title changed:rank notify:rank changed:extra");
  g_assert_cmpuint (n_title, ==, 1);

  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, status);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, method, "/notes/1"), ==, 1);

  /* Back exactly: the members that go back, each once. */
  assert_log (fixture, "changed:title notify:title changed:rank notify:rank changed:extra");
  g_assert_cmpuint (n_title, ==, 2);
  assert_attributes (note, NOTE_RB);
  g_assert_cmpstr (note->title, ==, "a");
  g_assert_true (note->done);
  g_assert_cmpint (note->rank, ==, 3);
  /* error and last-error are about fetches. */
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_null (cacheit_resource_get_last_error (R (note)));
  g_assert_false (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 2);

  finalize_all (note, NULL);
}

static void
test_rollback_put_422 (Fixture       *fixture,
                       gconstpointer  data)
{
  g_test_summary ("A PUT answered 422: CACHEIT_ERROR_HTTP_STATUS with the status 422, the "
                  "attributes back exactly, with changed/notify for exactly the members that "
                  "go back; error and last-error untouched");
  check_rollback (fixture, "PUT", CACHEIT_SAVE_NONE, 422);
}

static void
test_rollback_patch_500 (Fixture       *fixture,
                         gconstpointer  data)
{
  g_test_summary ("A PATCH answered 500: not retried, rolled back exactly");
  check_rollback (fixture, "PATCH", CACHEIT_SAVE_PATCH, 500);
}

static void
test_rollback_destroy (Fixture       *fixture,
                       gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  g_autoptr(CacheitModel) at = NULL;
  g_autoptr(CacheitModel) by_id = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A failed destroy puts the item back at its place, the same object: "
                  "items-changed p,1,0 then p,0,1");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}, {\"id\": 3, \"name\": \"3\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 500, "{}");

  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  g_assert_false (destroy_wait (two, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/rows/2"), ==, 1);

  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 1-0+1 ");
  assert_names (rows, "1 2 3");
  at = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (at == two);
  by_id = cacheit_collection_get_by_id (rows, "2");
  g_assert_true (by_id == two);
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_false (cacheit_resource_get_saving (R (rows)));

  g_clear_object (&two);
  g_clear_object (&at);
  g_clear_object (&by_id);
  finalize_all (rows, NULL);
}

static void
test_rollback_create (Fixture       *fixture,
                      gconstpointer  data)
{
  CacheitCollection *rows;
  CacheitModel *created;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A failed create removes the item it appended: items-changed n,0,1 then "
                  "n,1,0; create_finish gives NULL and the error");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 422, "{\"errors\": {}}");

  create_async (rows, "{\"name\": \"bad\"}", CACHEIT_SAVE_NONE, &done);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  assert_names (rows, "1 bad");

  created = create_wait (rows, &done, &error);
  g_assert_null (created);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 422);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 1-1+0 ");
  assert_names (rows, "1");
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_false (cacheit_resource_get_saving (R (rows)));

  finalize_all (rows, NULL);
}

static void
test_rollback_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A save to a server that is gone: G_IO_ERROR_CONNECTION_REFUSED passed "
                  "through, rolled back exactly");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE_RB);
  watch (fixture, note);
  cacheit_test_server_stop (fixture->server);

  save_async (note, "{\"title\": \"b\", \"rank\": 3}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  assert_log (fixture, "changed:title notify:title");
  assert_attributes (note, NOTE_RB);
  g_assert_cmpuint (fixture->n_error, ==, 0);
  g_assert_null (cacheit_resource_get_last_error (R (note)));
  g_assert_false (cacheit_resource_get_saving (R (note)));

  finalize_all (note, NULL);
}

static void
test_rollback_cancelled (Fixture       *fixture,
                         gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A save cancelled in flight: G_IO_ERROR_CANCELLED, rolled back exactly");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE_RB);
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"done\": false}", CACHEIT_SAVE_NONE, cancellable, &done);
  assert_log (fixture, "changed:done notify:done");
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  g_cancellable_cancel (cancellable);

  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_log (fixture, "changed:done notify:done");
  assert_attributes (note, NOTE_RB);
  g_assert_false (cacheit_resource_get_saving (R (note)));

  cacheit_test_server_release (fixture->server, "/notes/1");
  cacheit_test_drain ();
  assert_log (fixture, "");
  finalize_all (note, NULL);
}

static void
test_rollback_cancelled_queued (Fixture       *fixture,
                                gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A save cancelled while queued behind another: G_IO_ERROR_CANCELLED, only "
                  "its change rolled back, never sent");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE_RB);
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &first);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  save_async (note, "{\"rank\": 9}", CACHEIT_SAVE_NONE, cancellable, &second);
  assert_log (fixture, "changed:title notify:title changed:rank notify:rank");
  g_cancellable_cancel (cancellable);

  g_assert_false (save_wait (note, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_log (fixture, "changed:rank notify:rank");
  g_assert_cmpint (note->rank, ==, 3);
  g_assert_cmpstr (note->title, ==, "b");
  g_assert_false (first.done);
  g_assert_true (cacheit_resource_get_saving (R (note)));

  cacheit_test_server_release (fixture->server, "/notes/1");
  g_clear_error (&error);
  g_assert_true (save_wait (note, &first, &error));
  g_assert_no_error (error);
  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 1);
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": true, \"rank\": 3}");
  assert_log (fixture, "");
  g_assert_false (cacheit_resource_get_saving (R (note)));

  finalize_all (note, NULL);
}

/* CACHEIT_SAVE_WAIT */

static void
test_wait_save (Fixture       *fixture,
                gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("CACHEIT_SAVE_WAIT: nothing shows until the answer; the request carries "
                  "the changes all the same; then the change and the answer show at once");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"a\", \"rank\": 1}");
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200,
                                      "{\"id\": 1, \"title\": \"b\", \"rank\": 1, \"updatedAt\": \"t\"}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_WAIT, NULL, &done);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  cacheit_test_drain ();
  assert_log (fixture, "");
  g_assert_cmpstr (note->title, ==, "a");
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\", \"rank\": 1}");
  assert_request (fixture, "/notes/1", "PUT", "{\"id\": 1, \"title\": \"b\", \"rank\": 1}");
  g_assert_true (cacheit_resource_get_saving (R (note)));

  cacheit_test_server_release (fixture->server, "/notes/1");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  assert_log (fixture, "changed:title notify:title changed:updatedAt");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"rank\": 1, \"updatedAt\": \"t\"}");

  finalize_all (note, NULL);
}

static void
test_wait_failure (Fixture       *fixture,
                   gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("CACHEIT_SAVE_WAIT and a failure: no signal at all, attributes as before");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE_RB);
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/notes/1", 409, "{}");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_WAIT | CACHEIT_SAVE_PATCH, NULL, &done);
  assert_log (fixture, "");
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 409);
  assert_request (fixture, "/notes/1", "PATCH", "{\"title\": \"b\"}");
  assert_log (fixture, "");
  assert_attributes (note, NOTE_RB);

  finalize_all (note, NULL);
}

static void
test_wait_create (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) created = NULL;
  g_autoptr(CacheitModel) at = NULL;
  g_autoptr(CacheitModel) by_id = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("create_async with CACHEIT_SAVE_WAIT: no item until the answer, then "
                  "items-changed n,0,1 with the server's object");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201,
                                      "{\"id\": 5, \"name\": \"W\", \"rank\": 2}");
  cacheit_test_server_hold_for_method (fixture->server, "POST", "/rows");

  create_async (rows, "{\"name\": \"w\"}", CACHEIT_SAVE_WAIT, &done);
  cacheit_test_server_wait_held (fixture->server, "/rows", 1);
  cacheit_test_drain ();
  g_assert_cmpstr (fixture->items->str, ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1);
  assert_request (fixture, "/rows", "POST", "{\"name\": \"w\"}");

  cacheit_test_server_release (fixture->server, "/rows");
  created = create_wait (rows, &done, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  at = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_assert_true (at == created);
  by_id = cacheit_collection_get_by_id (rows, "5");
  g_assert_true (by_id == created);
  assert_attributes (created, "{\"id\": 5, \"name\": \"W\", \"rank\": 2}");
  g_assert_cmpstr (TEST_ROW (created)->name, ==, "W");

  g_clear_object (&created);
  g_clear_object (&at);
  g_clear_object (&by_id);
  finalize_all (rows, NULL);
}

static void
test_wait_destroy (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("destroy_async with CACHEIT_SAVE_WAIT: the item stays until the answer, "
                  "then items-changed p,1,0");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}, {\"id\": 3, \"name\": \"3\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);
  cacheit_test_server_hold_for_method (fixture->server, "DELETE", "/rows/2");

  cacheit_model_destroy_async (two, CACHEIT_SAVE_WAIT, NULL, cacheit_test_completion_cb, &done);
  cacheit_test_server_wait_held (fixture->server, "/rows/2", 1);
  cacheit_test_drain ();
  g_assert_cmpstr (fixture->items->str, ==, "");
  assert_names (rows, "1 2 3");

  cacheit_test_server_release (fixture->server, "/rows/2");
  g_assert_true (destroy_wait (two, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  assert_names (rows, "1 3");

  g_clear_object (&two);
  finalize_all (rows, NULL);
}

/* saving */

static void
test_saving_model (Fixture       *fixture,
                   gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_saving = 0;

  g_test_summary ("saving is TRUE from save_async while writes are queued or in flight, "
                  "FALSE after the last, notified once each way");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  g_assert_false (cacheit_resource_get_saving (R (note)));
  g_signal_connect (note, "notify::saving", G_CALLBACK (count_cb), &n_saving);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &first);
  g_assert_true (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 1);
  save_async (note, "{\"title\": \"c\"}", CACHEIT_SAVE_NONE, NULL, &second);
  g_assert_true (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 1);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  g_assert_true (cacheit_resource_get_saving (R (note)));

  cacheit_test_server_release (fixture->server, "/notes/1");
  g_assert_true (save_wait (note, &first, &error));
  g_assert_no_error (error);
  /* The second is still queued or in flight. */
  g_assert_true (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 1);
  g_assert_true (save_wait (note, &second, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 2);

  /* A destroy too. */
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/notes/1", 204, NULL);
  cacheit_model_destroy_async (M (note), CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &first);
  g_assert_true (cacheit_resource_get_saving (R (note)));
  g_assert_true (destroy_wait (note, &first, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (note)));
  g_assert_cmpuint (n_saving, ==, 4);

  finalize_all (note, NULL);
}

static void
test_saving_collection (Fixture       *fixture,
                        gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_autoptr(CacheitModel) one = NULL;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_saving = 0;

  g_test_summary ("A collection's saving is TRUE during its creates and its items' saves "
                  "and destroys, notified once each way");

  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}]");
  g_signal_connect (rows, "notify::saving", G_CALLBACK (count_cb), &n_saving);
  one = cacheit_collection_get_by_id (rows, "1");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200, "{}");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "{\"id\": 3, \"name\": \"3\"}");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);

  save_async (one, "{\"name\": \"one\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (cacheit_resource_get_saving (R (rows)));
  g_assert_true (save_wait (one, &done, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (rows)));
  g_assert_cmpuint (n_saving, ==, 2);

  create_async (rows, "{\"name\": \"3\"}", CACHEIT_SAVE_NONE, &done);
  g_assert_true (cacheit_resource_get_saving (R (rows)));
  created = create_wait (rows, &done, &error);
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (rows)));
  g_assert_cmpuint (n_saving, ==, 4);

  {
    g_autoptr(CacheitModel) two = cacheit_collection_get_by_id (rows, "2");

    cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
    g_assert_true (cacheit_resource_get_saving (R (rows)));
    g_assert_true (destroy_wait (two, &done, &error));
    g_assert_no_error (error);
  }
  g_assert_false (cacheit_resource_get_saving (R (rows)));
  g_assert_cmpuint (n_saving, ==, 6);
  assert_names (rows, "one 3");

  g_clear_object (&one);
  g_clear_object (&created);
  finalize_all (rows, NULL);
}

static void
test_saving_item (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_autoptr(CacheitModel) one = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_saving = 0;

  g_test_summary ("An item's own saving is TRUE while its save or destroy (sent through "
                  "its collection) is queued or in flight");

  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", "[{\"id\": 1, \"name\": \"1\"}]");
  one = cacheit_collection_get_by_id (rows, "1");
  g_signal_connect (one, "notify::saving", G_CALLBACK (count_cb), &n_saving);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200, "{}");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/1", 204, NULL);

  save_async (one, "{\"name\": \"one\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (cacheit_resource_get_saving (R (one)));
  g_assert_true (save_wait (one, &done, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (one)));
  g_assert_cmpuint (n_saving, ==, 2);

  cacheit_model_destroy_async (one, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_true (cacheit_resource_get_saving (R (one)));
  g_assert_true (destroy_wait (one, &done, &error));
  g_assert_no_error (error);
  g_assert_false (cacheit_resource_get_saving (R (one)));
  g_assert_cmpuint (n_saving, ==, 4);

  g_signal_handlers_disconnect_by_data (one, &n_saving);
  g_clear_object (&one);
  finalize_all (rows, NULL);
}

/* Order and coherence */

static void
test_order_item_fetch_before_write (Fixture       *fixture,
                                    gconstpointer  data)
{
  CacheitCollection *rows = rows_new (fixture, "/rows");
  g_autoptr(CacheitModel) one = NULL;
  CacheitTestCompletion fetched = { 0 };
  CacheitTestCompletion saved = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A GET of an item's own URL that started before its collection saved "
                  "it, answered after with the OLD body: never applied; made again once the "
                  "write is done");

  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", "[{\"id\": 1, \"name\": \"one\"}]");
  one = cacheit_collection_get_by_id (rows, "1");
  cacheit_test_server_set (fixture->server, "/rows/1", 200, "{\"id\": 1, \"name\": \"one\", \"extra\": \"x\"}");
  cacheit_test_server_hold_for_method (fixture->server, "GET", "/rows/1");
  cacheit_resource_fetch_async (R (one), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &fetched);
  cacheit_test_server_wait_held (fixture->server, "/rows/1", 1);

  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200,
                                      "{\"id\": 1, \"name\": \"b\", \"extra\": \"y\"}");
  cacheit_test_server_set (fixture->server, "/rows/1", 200, "{\"id\": 1, \"name\": \"b\", \"extra\": \"y\"}");
  watch (fixture, one);
  save_async (one, "{\"name\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &saved);
  g_assert_true (cacheit_resource_get_saving (R (one)));
  g_assert_true (save_wait (one, &saved, &error));
  g_assert_no_error (error);
  assert_log (fixture, "changed:name notify:name changed:extra");

  g_assert_cmpuint (cacheit_test_server_release_for_method (fixture->server, "GET", "/rows/1"), ==, 1);
  cacheit_test_wait_until (fetched.done);
  g_assert_true (cacheit_resource_fetch_finish (R (one), fetched.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&fetched);
  cacheit_test_drain ();

  /* The old "one" never showed again. */
  assert_log (fixture, "");
  assert_attributes (one, "{\"id\": 1, \"name\": \"b\", \"extra\": \"y\"}");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/rows/1"), ==, 2);

  unwatch (fixture, one);
  g_clear_object (&one);
  finalize_all (rows, NULL);
}

static void
test_order_fetch_before_write (Fixture       *fixture,
                               gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion fetched = { 0 };
  CacheitTestCompletion saved = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("(a) A GET that started before a save and is answered after it with the "
                  "OLD body: that body is never applied; the GET is made again and its "
                  "answer applied; the fetch's caller gets the server's state");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"old\", \"v\": 1}");
  watch (fixture, note);

  cacheit_test_server_hold_for_method (fixture->server, "GET", "/notes/1");
  cacheit_resource_fetch_async (R (note), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &fetched);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);

  /* The held GET keeps the old body; the server's state moves on. */
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200,
                                      "{\"id\": 1, \"title\": \"new\", \"v\": 2}");
  cacheit_test_server_set (fixture->server, "/notes/1", 200, "{\"id\": 1, \"title\": \"new\", \"v\": 3}");

  save_async (note, "{\"title\": \"new\"}", CACHEIT_SAVE_NONE, NULL, &saved);
  g_assert_true (save_wait (note, &saved, &error));
  g_assert_no_error (error);
  assert_log (fixture, "changed:title notify:title changed:v");
  g_assert_false (fetched.done);

  g_assert_cmpuint (cacheit_test_server_release_for_method (fixture->server, "GET", "/notes/1"), >=, 1);
  cacheit_test_wait_until (fetched.done);
  g_assert_true (cacheit_resource_fetch_finish (R (note), fetched.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&fetched);

  /* Only the newer state's change: the old title was never shown again. */
  assert_log (fixture, "changed:v");
  assert_attributes (note, "{\"id\": 1, \"title\": \"new\", \"v\": 3}");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/notes/1"), ==, 3);
  {
    /* The last GET arrived after the PUT was answered. */
    g_autofree char *log = server_log (fixture, "/notes/1");
    const char *answered = strstr (log, "PUT /notes/1=200 ");

    g_assert_nonnull (answered);
    g_assert_nonnull (strstr (answered, "GET /notes/1 "));
  }

  finalize_all (note, NULL);
}

static void
test_order_reload_during_destroy (Fixture       *fixture,
                                  gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitTestCompletion fetched = { 0 };
  CacheitTestCompletion destroyed = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("(b) A reload that still lists an item is held while the item is "
                  "destroyed: the item stays removed, the reload is made again after the "
                  "DELETE");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}, {\"id\": 3, \"name\": \"3\"}]");
  two = cacheit_collection_get_by_id (rows, "2");

  cacheit_test_server_hold_for_method (fixture->server, "GET", "/rows");
  cacheit_resource_fetch_async (R (rows), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &fetched);
  cacheit_test_server_wait_held (fixture->server, "/rows", 1);

  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 3, \"name\": \"3\"}]");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);
  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &destroyed);
  g_assert_true (destroy_wait (two, &destroyed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");

  cacheit_test_server_release_for_method (fixture->server, "GET", "/rows");
  cacheit_test_wait_until (fetched.done);
  g_assert_true (cacheit_resource_fetch_finish (R (rows), fetched.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&fetched);

  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  assert_names (rows, "1 3");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/rows"), ==, 3);
  {
    g_autofree char *log = server_log (fixture, "/rows /rows/2");
    const char *answered = strstr (log, "DELETE /rows/2=204 ");

    g_assert_nonnull (answered);
    g_assert_nonnull (strstr (answered, "GET /rows "));
  }

  g_clear_object (&two);
  finalize_all (rows, NULL);
}

static void
test_order_reload_waits (Fixture       *fixture,
                         gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion fetched = { 0 };
  CacheitTestCompletion saved = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A reload asked during a write waits for the write, then requests; its "
                  "caller gets the server's state after the write");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"a\"}");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &saved);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  cacheit_test_server_set (fixture->server, "/notes/1", 200, "{\"id\": 1, \"title\": \"b\", \"v\": 2}");
  cacheit_resource_fetch_async (R (note), CACHEIT_FETCH_RELOAD, NULL, cacheit_test_completion_cb, &fetched);

  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/notes/1"), ==, 1);
  g_assert_false (fetched.done);

  cacheit_test_server_release (fixture->server, "/notes/1");
  g_assert_true (save_wait (note, &saved, &error));
  g_assert_no_error (error);
  cacheit_test_wait_until (fetched.done);
  g_assert_true (cacheit_resource_fetch_finish (R (note), fetched.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&fetched);

  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=200 GET /notes/1 GET /notes/1=200 ");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"v\": 2}");

  finalize_all (note, NULL);
}

static void
test_order_plain_fetch_from_cache (Fixture       *fixture,
                                   gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion fetched = { 0 };
  CacheitTestCompletion saved = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A plain fetch during a write completes from the data in hand (R3), "
                  "with the change shown, and makes no request");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"a\"}");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &saved);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  cacheit_resource_fetch_async (R (note), CACHEIT_FETCH_NONE, NULL, cacheit_test_completion_cb, &fetched);
  cacheit_test_wait_until (fetched.done);
  g_assert_true (cacheit_resource_fetch_finish (R (note), fetched.result, &error));
  g_assert_no_error (error);
  cacheit_test_completion_clear (&fetched);
  g_assert_cmpstr (note->title, ==, "b");
  g_assert_false (saved.done);

  cacheit_test_server_release (fixture->server, "/notes/1");
  g_assert_true (save_wait (note, &saved, &error));
  g_assert_no_error (error);
  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/notes/1"), ==, 1);

  finalize_all (note, NULL);
}

static void
test_order_one_at_a_time (Fixture       *fixture,
                          gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("(c) Two saves in a row: both changes show at once; the second request "
                  "reaches the server only after the first is answered, with the attributes "
                  "as they are when its turn comes");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"t\", \"done\": false}");
  watch (fixture, note);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"a\"}", CACHEIT_SAVE_NONE, NULL, &first);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  save_async (note, "{\"done\": true}", CACHEIT_SAVE_NONE, NULL, &second);
  assert_log (fixture, "changed:title notify:title changed:done notify:done");
  g_assert_true (note->done);

  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 1);
  assert_request (fixture, "/notes/1", "PUT", "{\"id\": 1, \"title\": \"a\", \"done\": false}");

  cacheit_test_server_release_for_method (fixture->server, "PUT", "/notes/1");
  g_assert_true (save_wait (note, &second, &error));
  g_assert_no_error (error);
  g_assert_true (first.done);
  g_assert_true (save_wait (note, &first, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 2);
  assert_request (fixture, "/notes/1", "PUT", "{\"id\": 1, \"title\": \"a\", \"done\": true}");
  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=200 PUT /notes/1 PUT /notes/1=200 ");
  assert_log (fixture, "");
  assert_attributes (note, "{\"id\": 1, \"title\": \"a\", \"done\": true}");

  finalize_all (note, NULL);
}

static void
test_order_first_fails (Fixture       *fixture,
                        gconstpointer  data)
{
  TestNote *note = note_new (fixture, "/notes/1");
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("(c) When the first of two queued saves fails, only its change is rolled "
                  "back; the second is still sent, with the attributes of its turn, and the "
                  "end state equals the server's");

  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", "{\"id\": 1, \"title\": \"t\", \"done\": false}");
  watch (fixture, note);
  cacheit_test_server_push_for_method (fixture->server, "PUT", "/notes/1", 500, "{}");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/notes/1");

  save_async (note, "{\"title\": \"a\"}", CACHEIT_SAVE_NONE, NULL, &first);
  cacheit_test_server_wait_held (fixture->server, "/notes/1", 1);
  save_async (note, "{\"done\": true}", CACHEIT_SAVE_NONE, NULL, &second);
  assert_log (fixture, "changed:title notify:title changed:done notify:done");

  cacheit_test_server_release_for_method (fixture->server, "PUT", "/notes/1");
  g_assert_false (save_wait (note, &first, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 500);
  g_clear_error (&error);
  g_assert_true (save_wait (note, &second, &error));
  g_assert_no_error (error);

  assert_log (fixture, "changed:title notify:title");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 2);
  assert_request (fixture, "/notes/1", "PUT", "{\"id\": 1, \"title\": \"t\", \"done\": true}");
  /* The server holds what the second PUT sent; so does the model. */
  assert_attributes (note, cacheit_test_server_last_body (fixture->server, "/notes/1"));
  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=500 PUT /notes/1 PUT /notes/1=200 ");

  finalize_all (note, NULL);
}

static void
test_order_collection_queue (Fixture       *fixture,
                             gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) one = NULL;
  g_autoptr(CacheitModel) two = NULL;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion saved = { 0 };
  CacheitTestCompletion made = { 0 };
  CacheitTestCompletion destroyed = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("The writes of a collection (its creates, its items' saves and destroys) "
                  "are one queue: sent one at a time in the order asked");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}]");
  one = cacheit_collection_get_by_id (rows, "1");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/1", 200, "{}");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "{\"id\": 3, \"name\": \"3\"}");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);
  cacheit_test_server_hold_for_method (fixture->server, "PUT", "/rows/1");

  save_async (one, "{\"name\": \"one\"}", CACHEIT_SAVE_NONE, NULL, &saved);
  cacheit_test_server_wait_held (fixture->server, "/rows/1", 1);
  create_async (rows, "{\"name\": \"3\"}", CACHEIT_SAVE_NONE, &made);
  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &destroyed);
  /* All shown at once. */
  g_assert_cmpstr (fixture->items->str, ==, "2-0+1 1-1+0 ");
  assert_names (rows, "one 3");

  cacheit_test_server_wait_arrivals (fixture->server);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 0);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/rows/2"), ==, 0);

  cacheit_test_server_release (fixture->server, "/rows/1");
  g_assert_true (save_wait (one, &saved, &error));
  g_assert_no_error (error);
  created = create_wait (rows, &made, &error);
  g_assert_no_error (error);
  g_assert_true (destroy_wait (two, &destroyed, &error));
  g_assert_no_error (error);

  assert_server_log (fixture, "/rows/1 /rows /rows/2",
                     "GET /rows GET /rows=200 PUT /rows/1 PUT /rows/1=200 POST /rows POST /rows=201 "
                     "DELETE /rows/2 DELETE /rows/2=204 ");
  g_assert_cmpstr (fixture->items->str, ==, "2-0+1 1-1+0 ");
  assert_names (rows, "one 3");

  g_clear_object (&one);
  g_clear_object (&two);
  g_clear_object (&created);
  finalize_all (rows, NULL);
}

static void
test_order_create_pending (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) item = NULL;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion made = { 0 };
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("(d) Saving or destroying an item whose create is still pending fails at "
                  "once with G_IO_ERROR_PENDING, changing nothing");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "{\"id\": 7, \"name\": \"n\"}");
  cacheit_test_server_hold_for_method (fixture->server, "POST", "/rows");

  create_async (rows, "{\"name\": \"n\"}", CACHEIT_SAVE_NONE, &made);
  cacheit_test_server_wait_held (fixture->server, "/rows", 1);
  item = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  watch (fixture, item);

  /* Completes while the POST is still held. */
  save_async (item, "{\"name\": \"m\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (item, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  assert_attributes (item, "{\"name\": \"n\"}");
  assert_log (fixture, "");

  cacheit_model_destroy_async (item, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_false (destroy_wait (item, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  g_assert_false (made.done);

  cacheit_test_server_release (fixture->server, "/rows");
  created = create_wait (rows, &made, &error);
  g_assert_no_error (error);
  g_assert_true (created == item);
  assert_log (fixture, "changed:id");
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/7"), ==, 0);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");

  unwatch (fixture, item);
  g_clear_object (&item);
  g_clear_object (&created);
  finalize_all (rows, NULL);
}

/* Snapshots follow saves */

static char *
snapshot_dir (void)
{
  /* Under this test's own XDG_CACHE_HOME (G_TEST_OPTION_ISOLATE_DIRS). */
  return g_build_filename (g_get_user_cache_dir (), "save-snapshots", NULL);
}

/* A new resource of @path reading snapshots from @dir, without retries. */
static gpointer
reader_new (Fixture    *fixture,
            GType       type,
            const char *path,
            const char *dir)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, path);

  if (type == CACHEIT_TYPE_COLLECTION)
    return g_object_new (CACHEIT_TYPE_COLLECTION, "item-type", TEST_TYPE_ROW, "url", url,
                         "snapshot-directory", dir, "retry-limit", 0, NULL);

  return g_object_new (type, "url", url, "snapshot-directory", dir, "retry-limit", 0, NULL);
}

/* Waits until the background revalidation of @resource, a GET of @path
 * (the @n_get-th), has been answered and is over. */
static void
wait_revalidated (Fixture    *fixture,
                  gpointer    resource,
                  const char *path,
                  guint       n_get)
{
  cacheit_test_wait_until (cacheit_test_server_count_method (fixture->server, "GET", path) >= n_get &&
                           !cacheit_resource_get_fetching (R (resource)));
  cacheit_test_drain ();
}

static void
test_snapshot_follows_save (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *dir = snapshot_dir ();
  TestNote *note = note_new (fixture, "/notes/1");
  TestNote *reader;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("After a successful save the snapshot holds what the server confirmed: a "
                  "new resource of the URL, fetched while the server fails, completes from "
                  "disk with the saved attributes and the answer's (origin DISK)");

  cacheit_resource_set_snapshot_directory (R (note), dir);
  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200,
                                      "{\"updatedAt\": \"2024-05-01T10:00:00Z\"}");
  save_async (note, "{\"title\": \"saved\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  cacheit_test_drain ();

  cacheit_test_server_set (fixture->server, "/notes/1", 500, "{}");
  reader = reader_new (fixture, TEST_TYPE_NOTE, "/notes/1", dir);
  g_assert_true (cacheit_test_fetch_wait (reader, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (reader, "{\"id\": 1, \"title\": \"saved\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"],"
                             " \"updatedAt\": \"2024-05-01T10:00:00Z\"}");
  g_assert_cmpstr (reader->title, ==, "saved");

  /* Its revalidation fails: the data and the origin stay. */
  wait_revalidated (fixture, reader, "/notes/1", 2);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  g_assert_cmpstr (reader->title, ==, "saved");

  finalize_all (note, reader, NULL);
}

static void
test_snapshot_failed_save (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *dir = snapshot_dir ();
  TestNote *note = note_new (fixture, "/notes/1");
  TestNote *reader;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A failed save leaves the snapshot as the server last sent it");

  cacheit_resource_set_snapshot_directory (R (note), dir);
  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 422, "{}");
  save_async (note, "{\"title\": \"refused\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (note, &done, &error));
  g_clear_error (&error);
  cacheit_test_drain ();

  cacheit_test_server_set (fixture->server, "/notes/1", 500, "{}");
  reader = reader_new (fixture, TEST_TYPE_NOTE, "/notes/1", dir);
  g_assert_true (cacheit_test_fetch_wait (reader, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  assert_attributes (reader, NOTE1);
  wait_revalidated (fixture, reader, "/notes/1", 2);

  finalize_all (note, reader, NULL);
}

static void
test_snapshot_collection (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *dir = snapshot_dir ();
  CacheitCollection *rows = rows_new (fixture, "/rows");
  CacheitCollection *reader;
  g_autoptr(CacheitModel) two = NULL;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("The save of an item and a create update the collection's snapshot");

  cacheit_resource_set_snapshot_directory (R (rows), dir);
  cacheit_test_serve_and_fetch (fixture->server, rows, "/rows", "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/rows/2", 200, "{}");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "{\"id\": 3, \"name\": \"three\"}");

  save_async (two, "{\"name\": \"two\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_true (save_wait (two, &done, &error));
  g_assert_no_error (error);
  create_async (rows, "{\"name\": \"3\"}", CACHEIT_SAVE_NONE, &done);
  created = create_wait (rows, &done, &error);
  g_assert_no_error (error);
  cacheit_test_drain ();

  cacheit_test_server_set (fixture->server, "/rows", 500, "{}");
  reader = reader_new (fixture, CACHEIT_TYPE_COLLECTION, "/rows", dir);
  g_assert_true (cacheit_test_fetch_wait (reader, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_resource_get_origin (R (reader)), ==, CACHEIT_ORIGIN_DISK);
  assert_names (reader, "1 two three");
  wait_revalidated (fixture, reader, "/rows", 2);

  g_clear_object (&two);
  g_clear_object (&created);
  finalize_all (rows, reader, NULL);
}

static void
test_snapshot_destroy_removes (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *dir = snapshot_dir ();
  TestNote *note = note_new (fixture, "/notes/1");
  TestNote *before;
  TestNote *after;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("The destroy of a standalone model removes its snapshot");

  cacheit_resource_set_snapshot_directory (R (note), dir);
  cacheit_test_serve_and_fetch (fixture->server, note, "/notes/1", NOTE1);
  cacheit_test_server_set (fixture->server, "/notes/1", 500, "{}");

  /* The snapshot is there. */
  before = reader_new (fixture, TEST_TYPE_NOTE, "/notes/1", dir);
  g_assert_true (cacheit_test_fetch_wait (before, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cacheit_resource_get_origin (R (before)), ==, CACHEIT_ORIGIN_DISK);
  wait_revalidated (fixture, before, "/notes/1", 2);

  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/notes/1", 204, NULL);
  cacheit_model_destroy_async (M (note), CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_true (destroy_wait (note, &done, &error));
  g_assert_no_error (error);
  cacheit_test_drain ();

  /* Gone: the fetch goes to the server, which fails. */
  after = reader_new (fixture, TEST_TYPE_NOTE, "/notes/1", dir);
  g_assert_false (cacheit_test_fetch_wait (after, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpint (cacheit_resource_get_origin (R (after)), ==, CACHEIT_ORIGIN_NONE);
  g_assert_false (cacheit_resource_get_fetched (R (after)));

  finalize_all (note, before, after, NULL);
}

static void
test_answer_unreadable_keeps_change (Fixture       *fixture,
                                     gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A 2xx answer that cannot be read (over max-size): CACHEIT_ERROR_TOO_LARGE, "
                  "but the change stays (the server accepted it), :status is the answer's, and "
                  "the resource is stale");

  note = note_watched (fixture);
  cacheit_resource_set_max_size (R (note), 16);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 201,
                                      "{\"id\": 1, \"title\": \"b\", \"padding\": \"more than sixteen bytes\"}");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);
  assert_log (fixture, "");
  g_assert_cmpstr (note->title, ==, "b");
  g_assert_cmpuint (cacheit_resource_get_status (R (note)), ==, 201);
  g_assert_true (cacheit_resource_get_stale (R (note)));
  g_assert_false (cacheit_resource_get_saving (R (note)));

  finalize_all (note, NULL);
}

static void
test_order_destroy_twice (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitTestCompletion first = { 0 };
  CacheitTestCompletion second = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("An item a waiting destroy took out of the list is still written through "
                  "its collection: a second destroy waits for the first, then fails with "
                  "G_IO_ERROR_NOT_FOUND without a request");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}, {\"id\": 3, \"name\": \"3\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  cacheit_test_server_set_for_method (fixture->server, "DELETE", "/rows/2", 204, NULL);
  cacheit_test_server_hold (fixture->server, "/rows/2");

  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &first);
  cacheit_test_server_wait_held (fixture->server, "/rows/2", 1);
  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &second);
  g_assert_true (cacheit_resource_get_saving (R (two)));
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/rows/2"), ==, 1);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");

  cacheit_test_server_release (fixture->server, "/rows/2");
  g_assert_true (destroy_wait (two, &first, &error));
  g_assert_no_error (error);
  g_assert_false (destroy_wait (two, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  cacheit_test_drain ();

  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "DELETE", "/rows/2"), ==, 1);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  assert_names (rows, "1 3");
  g_assert_false (cacheit_resource_get_saving (R (two)));
  g_assert_false (cacheit_resource_get_saving (R (rows)));

  g_clear_object (&two);
  finalize_all (rows, NULL);
}

typedef struct
{
  GApplication          *app;
  TestNote              *note;
  CacheitTestCompletion  done;
} AppRun;

static void
app_activate_cb (GApplication *app,
                 AppRun       *run)
{
  save_async (run->note, "{\"title\": \"held\"}", CACHEIT_SAVE_NONE, NULL, &run->done);
}

static void
test_saving_application_held (Fixture       *fixture,
                              gconstpointer  data)
{
  AppRun run = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("While a write is waiting or in flight the default GApplication is held: "
                  "g_application_run() returns only after the server answered and the caller "
                  "heard of it");

  run.note = note_new (fixture, "/notes/1");
  cacheit_test_serve_and_fetch (fixture->server, run.note, "/notes/1", NOTE1);
  cacheit_test_server_set_for_method (fixture->server, "PUT", "/notes/1", 200, "{}");
  run.app = g_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_application_set_default (run.app);
  g_signal_connect (run.app, "activate", G_CALLBACK (app_activate_cb), &run);

  g_assert_cmpint (g_application_run (run.app, 0, NULL), ==, 0);
  g_assert_true (run.done.done);
  g_assert_true (cacheit_model_save_finish (M (run.note), run.done.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 1);

  cacheit_test_completion_clear (&run.done);
  g_application_set_default (NULL);
  g_assert_finalize_object (run.app);
  finalize_all (run.note, NULL);
}

/* Issue 14: writes whose connection is lost, redirects of writes, answers
 * of the wrong shape. */

/* A plain fetch of @resource, which is stale: it completes from the data in
 * hand and revalidates it in the background; waits for that ::sync. */
static void
fetch_revalidated (gpointer resource)
{
  g_autoptr(GError) error = NULL;
  guint n_sync = 0;
  gulong id = g_signal_connect (resource, "sync", G_CALLBACK (count0_cb), &n_sync);

  g_assert_true (cacheit_resource_get_stale (R (resource)));
  g_assert_true (cacheit_test_fetch_wait (resource, CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  cacheit_test_wait_until (n_sync > 0);
  g_signal_handler_disconnect (resource, id);
}

/* Closes the default session's idle connections: the next request opens a
 * new one. */
static void
forget_connections (void)
{
  soup_session_abort (cacheit_get_default_session ());
  cacheit_test_drain ();
}

/* The writes of issue 14 whose connection is lost: @method requests of @path
 * answer @status with @body, but the next @n_lost of them arrive and then lose
 * their connection before any byte of an answer
 * (cacheit_test_server_drop_for_method()). With @new_connection the default
 * session first closes its idle connections, so that the first is sent on a
 * new one; otherwise on the connection the fetch used. */
static void
lose_writes (Fixture    *fixture,
             gboolean    new_connection,
             const char *method,
             const char *path,
             guint       status,
             const char *body,
             guint       n_lost)
{
  if (new_connection)
    forget_connections ();
  cacheit_test_server_set_for_method (fixture->server, method, path, status, body);
  cacheit_test_server_drop_for_method (fixture->server, method, path, n_lost);
}

static void
test_lost_put_reused (Fixture       *fixture,
                      gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A PUT on a reused keep-alive connection that the server drops after it "
                  "got the request is sent again by the library, whole (libsoup 3.2 alone "
                  "sent it again with Content-Length: 0), once, and succeeds");

  note = note_watched (fixture);
  lose_writes (fixture, FALSE, "PUT", "/notes/1", 200, "{}", 1);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);

  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=dropped "
                     "PUT /notes/1 PUT /notes/1=200 ");
  /* What the server holds: the whole object, not an empty body. */
  g_assert_cmpstr (cacheit_test_server_last_body (fixture->server, "/notes/1"), !=, "");
  assert_request (fixture, "/notes/1", "PUT",
                  "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/notes/1", "Content-Length"), !=, "0");
  assert_log (fixture, "");
  assert_attributes (note, "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");

  finalize_all (note, NULL);
}

static void
test_lost_put_twice (Fixture       *fixture,
                     gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A PUT whose connection is lost again when it is sent again is not sent "
                  "a third time: it fails, is undone, and the note is invalidated; the server "
                  "got the whole object both times");

  note = note_watched (fixture);
  lose_writes (fixture, FALSE, "PUT", "/notes/1", 200, "{}", 2);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  assert_log (fixture, "changed:title notify:title");
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);

  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=dropped "
                     "PUT /notes/1 PUT /notes/1=dropped ");
  g_assert_cmpstr (cacheit_test_server_last_body (fixture->server, "/notes/1"), !=, "");
  assert_request (fixture, "/notes/1", "PUT",
                  "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");
  assert_log (fixture, "changed:title notify:title");
  assert_attributes (note, NOTE1);
  g_assert_true (cacheit_resource_get_stale (R (note)));

  finalize_all (note, NULL);
}

static void
test_lost_put_fresh (Fixture       *fixture,
                     gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A PUT on a new connection that the server drops after it got the "
                  "request is not sent again: it fails, undone, and the note is invalidated");

  note = note_watched (fixture);
  lose_writes (fixture, TRUE, "PUT", "/notes/1", 200, "{}", 1);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PUT /notes/1 PUT /notes/1=dropped ");
  assert_log (fixture, "changed:title notify:title changed:title notify:title");
  assert_attributes (note, NOTE1);
  g_assert_true (cacheit_resource_get_stale (R (note)));

  finalize_all (note, NULL);
}

/* A PATCH (or a POST) is never sent twice: libsoup opens a new connection
 * for it, reused or not, and the library does not send it again. */
static void
test_lost_patch (Fixture       *fixture,
                 gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean fresh = GPOINTER_TO_INT (data);

  g_test_bug ("14");
  g_test_summary ("A PATCH whose connection is dropped after the server got it is sent "
                  "once: it fails, undone, and the note is invalidated (the server may have "
                  "applied it: the next fetch asks)");

  note = note_watched (fixture);
  lose_writes (fixture, fresh, "PATCH", "/notes/1", 200, "{}", 1);

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_PATCH, NULL, &done);
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_server_log (fixture, "/notes/1",
                     "GET /notes/1 GET /notes/1=200 PATCH /notes/1 PATCH /notes/1=dropped ");
  assert_request (fixture, "/notes/1", "PATCH", "{\"title\": \"b\"}");
  assert_log (fixture, "changed:title notify:title changed:title notify:title");
  assert_attributes (note, NOTE1);
  g_assert_true (cacheit_resource_get_stale (R (note)));

  /* The next fetch asks the server, which applied it. */
  cacheit_test_server_set (fixture->server, "/notes/1", 200,
                           "{\"id\": 1, \"title\": \"b\", \"done\": false, \"rank\": 3, \"tags\": [\"x\"]}");
  fetch_revalidated (note);
  g_assert_cmpstr (note->title, ==, "b");

  finalize_all (note, NULL);
}

static void
test_lost_create (Fixture       *fixture,
                  gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean fresh = GPOINTER_TO_INT (data);

  g_test_bug ("14");
  g_test_summary ("A create (POST) whose connection is dropped after the server got it is "
                  "sent once: it fails, its item goes away again, the collection is "
                  "invalidated");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\"}]");
  lose_writes (fixture, fresh, "POST", "/rows", 201, "{\"id\": 2, \"name\": \"two\"}", 1);

  create_async (rows, "{\"name\": \"two\"}", CACHEIT_SAVE_NONE, &done);
  created = create_wait (rows, &done, &error);
  g_assert_null (created);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  assert_server_log (fixture, "/rows", "GET /rows GET /rows=200 POST /rows POST /rows=dropped ");
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 1-1+0 ");
  assert_names (rows, "one");
  g_assert_true (cacheit_resource_get_stale (R (rows)));

  finalize_all (rows, NULL);
}

static void
test_lost_destroy (Fixture       *fixture,
                   gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) two = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean fresh = GPOINTER_TO_INT (data);

  g_test_bug ("14");
  g_test_summary ("A DELETE whose connection is dropped after the server got it: on a "
                  "reused connection it is sent again, and the 404 of a server that applied "
                  "the first is the success it asked for; on a new one it fails, the item "
                  "comes back, the collection is invalidated");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"1\"}, {\"id\": 2, \"name\": \"2\"}]");
  two = cacheit_collection_get_by_id (rows, "2");
  /* The server applied the first: the second finds nothing. */
  lose_writes (fixture, fresh, "DELETE", "/rows/2", 404, "{}", 1);

  cacheit_model_destroy_async (two, CACHEIT_SAVE_NONE, NULL, cacheit_test_completion_cb, &done);
  g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
  if (!fresh)
    {
      g_assert_true (destroy_wait (two, &done, &error));
      g_assert_no_error (error);
      assert_server_log (fixture, "/rows/2", "DELETE /rows/2 DELETE /rows/2=dropped "
                                             "DELETE /rows/2 DELETE /rows/2=404 ");
      g_assert_cmpstr (fixture->items->str, ==, "1-1+0 ");
      assert_names (rows, "1");
    }
  else
    {
      g_assert_false (destroy_wait (two, &done, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
      assert_server_log (fixture, "/rows/2", "DELETE /rows/2 DELETE /rows/2=dropped ");
      g_assert_cmpstr (fixture->items->str, ==, "1-1+0 1-0+1 ");
      assert_names (rows, "1 2");
      g_assert_true (cacheit_resource_get_stale (R (rows)));
    }

  g_clear_object (&two);
  finalize_all (rows, NULL);
}

static void
emit_restarted_cb (CacheitResource *resource,
                   SoupMessage     *message,
                   gpointer         user_data)
{
  g_signal_emit_by_name (message, "restarted");
}

static void
test_lost_restart_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A restart of a POST for a lost connection (no answer), which libsoup "
                  "3.2 never makes, is refused by the library: nothing is sent, the write "
                  "fails with G_IO_ERROR_CONNECTION_CLOSED, undone, and the collection is "
                  "invalidated");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\"}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "{\"id\": 2, \"name\": \"two\"}");
  /* As libsoup's restart would, before the request is sent. */
  g_signal_connect (rows, "request", G_CALLBACK (emit_restarted_cb), NULL);

  create_async (rows, "{\"name\": \"two\"}", CACHEIT_SAVE_NONE, &done);
  created = create_wait (rows, &done, &error);
  g_assert_null (created);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "POST", "/rows"), ==, 0);
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 1-1+0 ");
  g_assert_true (cacheit_resource_get_stale (R (rows)));

  finalize_all (rows, NULL);
}

static void
test_redirect_same_method (Fixture       *fixture,
                           gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  guint status = GPOINTER_TO_UINT (data);

  g_test_bug ("14");
  g_test_summary ("A 307 or 308 answer to a PATCH (GitHub's for a renamed repository) is "
                  "followed with the same method and body, and ::request is emitted again");

  note = note_watched (fixture);
  cacheit_test_server_redirect_for_method (fixture->server, "PATCH", "/notes/1", status, "/renamed/1");
  cacheit_test_server_set_for_method (fixture->server, "PATCH", "/renamed/1", 200, "{\"updated\": true}");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_PATCH, NULL, &done);
  g_assert_true (save_wait (note, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PATCH", "/notes/1"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PATCH", "/renamed/1"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "GET", "/renamed/1"), ==, 0);
  assert_request (fixture, "/notes/1", "PATCH", "{\"title\": \"b\"}");
  assert_request (fixture, "/renamed/1", "PATCH", "{\"title\": \"b\"}");
  assert_log (fixture, "changed:title notify:title changed:updated");
  g_assert_cmpuint (cacheit_resource_get_status (R (note)), ==, 200);

  finalize_all (note, NULL);
}

static void
test_redirect_limit (Fixture       *fixture,
                     gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A write redirected by 307 to itself is sent 1 + 5 times, then fails "
                  "with the 307 as CACHEIT_ERROR_HTTP_STATUS, undone");

  note = note_watched (fixture);
  cacheit_test_server_redirect_for_method (fixture->server, "PUT", "/notes/1", 307, "/notes/1");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, 307);
  g_assert_cmpuint (cacheit_test_server_count_method (fixture->server, "PUT", "/notes/1"), ==, 6);
  assert_log (fixture, "changed:title notify:title changed:title notify:title");
  assert_attributes (note, NOTE1);

  finalize_all (note, NULL);
}

static void
test_redirect_not_followed (Fixture       *fixture,
                            gconstpointer  data)
{
  TestNote *note;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  guint status = GPOINTER_TO_UINT (data);

  g_test_bug ("14");
  g_test_summary ("A 301, 302 or 303 answer to a write is not followed (libsoup would turn "
                  "a POST, or any write for a 303, into a GET without its body): the write "
                  "fails with the status, undone; a 303 also invalidates");

  note = note_watched (fixture);
  cacheit_test_server_set (fixture->server, "/elsewhere", 200, "{\"id\": 1, \"title\": \"z\"}");
  cacheit_test_server_redirect_for_method (fixture->server, "PUT", "/notes/1", status, "/elsewhere");

  save_async (note, "{\"title\": \"b\"}", CACHEIT_SAVE_NONE, NULL, &done);
  g_assert_false (save_wait (note, &done, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (cacheit_error_get_http_status (error), ==, status);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/elsewhere"), ==, 0);
  assert_log (fixture, "changed:title notify:title changed:title notify:title");
  assert_attributes (note, NOTE1);
  g_assert_true (cacheit_resource_get_stale (R (note)) == (status == SOUP_STATUS_SEE_OTHER));

  finalize_all (note, NULL);
}

static void
test_redirect_create (Fixture       *fixture,
                      gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;

  g_test_bug ("14");
  g_test_summary ("A 308 answer to a create is followed with POST and the same body");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\"}]");
  cacheit_test_server_redirect_for_method (fixture->server, "POST", "/rows", 308, "/v2/rows");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/v2/rows", 201, "{\"id\": 2, \"name\": \"two\"}");

  create_async (rows, "{\"name\": \"two\"}", CACHEIT_SAVE_NONE, &done);
  created = create_wait (rows, &done, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  assert_request (fixture, "/v2/rows", "POST", "{\"name\": \"two\"}");
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");
  assert_names (rows, "one two");

  g_clear_object (&created);
  finalize_all (rows, NULL);
}

static void
test_answer_create_array (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitCollection *rows;
  g_autoptr(CacheitModel) created = NULL;
  CacheitTestCompletion done = { 0 };
  g_autoptr(GError) error = NULL;
  CacheitSaveFlags flags = GPOINTER_TO_UINT (data);

  g_test_bug ("14");
  g_test_summary ("A 2xx answer to a create that is not an object (an array) fails with "
                  "WRONG_SHAPE and leaves no item without an id behind: the item shown goes "
                  "away again (none shows with CACHEIT_SAVE_WAIT), the collection is "
                  "invalidated, and its next fetch brings the server's");

  rows = rows_fetched (fixture, "[{\"id\": 1, \"name\": \"one\"}]");
  cacheit_test_server_set_for_method (fixture->server, "POST", "/rows", 201, "[{\"id\": 2, \"name\": \"two\"}]");

  create_async (rows, "{\"name\": \"two\"}", flags, &done);
  created = create_wait (rows, &done, &error);
  g_assert_null (created);
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);
  g_assert_cmpstr (fixture->items->str, ==, (flags & CACHEIT_SAVE_WAIT) ? "" : "1-0+1 1-1+0 ");
  assert_names (rows, "one");
  g_assert_true (cacheit_resource_get_stale (R (rows)));

  g_string_truncate (fixture->items, 0);
  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"id\": 1, \"name\": \"one\"}, {\"id\": 2, \"name\": \"two\"}]");
  fetch_revalidated (rows);
  assert_names (rows, "one two");
  g_assert_cmpstr (fixture->items->str, ==, "1-0+1 ");

  finalize_all (rows, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_DATA(path, func, value) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (value), fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/save/put/whole-attributes", test_put_whole);
  ADD ("/cacheit/save/put/no-content-keeps-attributes", test_put_no_content);
  ADD ("/cacheit/save/patch/changes-only", test_patch_changes_only);
  ADD ("/cacheit/save/patch/no-changes-sends-empty-object", test_patch_no_changes);
  ADD ("/cacheit/save/no-url", test_no_url);
  ADD ("/cacheit/save/url-checked-as-fetch", test_url_check_as_fetch);
  ADD ("/cacheit/save/item/put-to-item-url", test_item_put);
  ADD ("/cacheit/save/item/own-attributes-kept", test_item_own_attributes);
  ADD ("/cacheit/save/item/without-id-posts", test_item_without_id_posts);
  ADD ("/cacheit/save/create/post-then-id-from-server", test_create);
  ADD ("/cacheit/save/destroy/item", test_destroy_item);
  ADD ("/cacheit/save/destroy/standalone", test_destroy_standalone);
  ADD ("/cacheit/save/answer/normalised-fields", test_answer_normalised);
  ADD ("/cacheit/save/answer/root-pointer", test_answer_root_pointer);
  ADD ("/cacheit/save/answer/not-json-keeps-change", test_answer_not_json);
  ADD ("/cacheit/save/answer/validators-forgotten", test_answer_validators_forgotten);
  ADD ("/cacheit/save/answer/unreadable-keeps-change", test_answer_unreadable_keeps_change);
  ADD ("/cacheit/save/rollback/put-422", test_rollback_put_422);
  ADD ("/cacheit/save/rollback/patch-500", test_rollback_patch_500);
  ADD ("/cacheit/save/rollback/destroy", test_rollback_destroy);
  ADD ("/cacheit/save/rollback/create", test_rollback_create);
  ADD ("/cacheit/save/rollback/connection-refused", test_rollback_refused);
  ADD ("/cacheit/save/rollback/cancelled", test_rollback_cancelled);
  ADD ("/cacheit/save/rollback/cancelled-while-queued", test_rollback_cancelled_queued);
  ADD ("/cacheit/save/wait/save", test_wait_save);
  ADD ("/cacheit/save/wait/failure-shows-nothing", test_wait_failure);
  ADD ("/cacheit/save/wait/create", test_wait_create);
  ADD ("/cacheit/save/wait/destroy", test_wait_destroy);
  ADD ("/cacheit/save/saving/model", test_saving_model);
  ADD ("/cacheit/save/saving/collection", test_saving_collection);
  ADD ("/cacheit/save/saving/collection-item", test_saving_item);
  ADD ("/cacheit/save/saving/application-held", test_saving_application_held);
  ADD ("/cacheit/save/order/fetch-before-write-sent-again", test_order_fetch_before_write);
  ADD ("/cacheit/save/order/item-fetch-before-write-sent-again", test_order_item_fetch_before_write);
  ADD ("/cacheit/save/order/reload-during-destroy-keeps-item-removed", test_order_reload_during_destroy);
  ADD ("/cacheit/save/order/reload-during-write-waits", test_order_reload_waits);
  ADD ("/cacheit/save/order/plain-fetch-during-write-from-cache", test_order_plain_fetch_from_cache);
  ADD ("/cacheit/save/order/one-at-a-time", test_order_one_at_a_time);
  ADD ("/cacheit/save/order/first-fails-second-still-sent", test_order_first_fails);
  ADD ("/cacheit/save/order/collection-one-queue", test_order_collection_queue);
  ADD ("/cacheit/save/order/save-while-create-pending", test_order_create_pending);
  ADD ("/cacheit/save/order/destroy-twice", test_order_destroy_twice);
  ADD ("/cacheit/save/snapshot/follows-save", test_snapshot_follows_save);
  ADD ("/cacheit/save/snapshot/failed-save-keeps-snapshot", test_snapshot_failed_save);
  ADD ("/cacheit/save/snapshot/collection-item-and-create", test_snapshot_collection);
  ADD ("/cacheit/save/snapshot/destroy-removes", test_snapshot_destroy_removes);
  ADD ("/cacheit/save/lost/put-reused-sent-again-whole", test_lost_put_reused);
  ADD ("/cacheit/save/lost/put-lost-twice-fails", test_lost_put_twice);
  ADD ("/cacheit/save/lost/put-fresh-fails", test_lost_put_fresh);
  ADD_DATA ("/cacheit/save/lost/patch-reused-fails", test_lost_patch, FALSE);
  ADD_DATA ("/cacheit/save/lost/patch-fresh-fails", test_lost_patch, TRUE);
  ADD_DATA ("/cacheit/save/lost/post-reused-fails", test_lost_create, FALSE);
  ADD_DATA ("/cacheit/save/lost/post-fresh-fails", test_lost_create, TRUE);
  ADD_DATA ("/cacheit/save/lost/delete-reused-sent-again", test_lost_destroy, FALSE);
  ADD_DATA ("/cacheit/save/lost/delete-fresh-fails", test_lost_destroy, TRUE);
  ADD ("/cacheit/save/lost/restart-of-post-refused", test_lost_restart_refused);
  ADD_DATA ("/cacheit/save/redirect/307-same-method-and-body", test_redirect_same_method, 307);
  ADD_DATA ("/cacheit/save/redirect/308-same-method-and-body", test_redirect_same_method, 308);
  ADD ("/cacheit/save/redirect/limit", test_redirect_limit);
  ADD ("/cacheit/save/redirect/create-308", test_redirect_create);
  ADD_DATA ("/cacheit/save/redirect/301-not-followed", test_redirect_not_followed, 301);
  ADD_DATA ("/cacheit/save/redirect/302-not-followed", test_redirect_not_followed, 302);
  ADD_DATA ("/cacheit/save/redirect/303-not-followed", test_redirect_not_followed, 303);
  ADD_DATA ("/cacheit/save/answer/create-array-leaves-no-item", test_answer_create_array, CACHEIT_SAVE_NONE);
  ADD_DATA ("/cacheit/save/answer/create-array-wait", test_answer_create_array, CACHEIT_SAVE_WAIT);

#undef ADD_DATA
#undef ADD

  return g_test_run ();
}
