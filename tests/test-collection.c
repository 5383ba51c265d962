/* test-collection.c: CacheitCollection as a GListModel (R8, R10, R11),
 * against a real HTTP server on 127.0.0.1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
  char              *url;
  CacheitCollection *collection;
  GString           *changes;     /* log_items_changed() */
  guint              n_items_notify;
  gboolean           peek;        /* Get the added items in items-changed. */
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  for (guint i = position; fixture->peek && i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_nonnull (item);
    }
  log_items_changed (fixture->changes, model, position, removed, added);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
  fixture->url = cacheit_test_server_url (fixture->server, "/rows");
  fixture->collection = cacheit_collection_new (TEST_TYPE_ROW, fixture->url);
  fixture->changes = g_string_new (NULL);
  g_signal_connect (fixture->collection, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (fixture->collection, "notify::n-items", G_CALLBACK (count_cb), &fixture->n_items_notify);
  test_row_n_made = 0;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  g_assert_finalize_object (fixture->collection);
  cacheit_test_server_free (fixture->server);
  g_free (fixture->url);
  g_string_free (fixture->changes, TRUE);
  cacheit_test_drain ();
}

/* "[{id:1,name:"1"},...]" for the ids in @ids, which may carry a name after
 * a colon ("3:new"). */
static char *
rows_json (const char *ids)
{
  g_auto(GStrv) parts = g_strsplit (ids, " ", -1);
  GString *s = g_string_new ("[");

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) id_name = NULL;

      if (*parts[i] == '\0')
        continue;
      id_name = g_strsplit (parts[i], ":", 2);
      if (s->len > 1)
        g_string_append_c (s, ',');
      g_string_append_printf (s, "{\"id\": %s, \"name\": \"%s\", \"rank\": %u}",
                              id_name[0], id_name[1] != NULL ? id_name[1] : id_name[0], i);
    }
  g_string_append_c (s, ']');

  return g_string_free (s, FALSE);
}

static void
serve_rows (Fixture    *fixture,
            const char *ids)
{
  g_autofree char *json = rows_json (ids);

  cacheit_test_server_set (fixture->server, "/rows", 200, json);
}

static void
fetch_rows (Fixture    *fixture,
            const char *ids)
{
  g_autoptr(GError) error = NULL;

  serve_rows (fixture, ids);
  g_string_truncate (fixture->changes, 0);
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error);
  g_assert_no_error (error);
}

/* The names of the items, in order: the list as GTK sees it. */
static char *
names (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TestRow) row = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s", i > 0 ? " " : "", row->name);
    }

  return g_string_free (s, FALSE);
}

static void
assert_names (Fixture    *fixture,
              const char *expected)
{
  g_autofree char *got = names (fixture);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_list_model (Fixture       *fixture,
                 gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(GObject) first = NULL;

  g_test_summary ("A collection is a GListModel of its item type; n-items is notified "
                  "when the count changes");

  g_assert_true (g_list_model_get_item_type (model) == TEST_TYPE_ROW);
  g_assert_true (cacheit_collection_get_item_type (fixture->collection) == TEST_TYPE_ROW);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_null (g_list_model_get_item (model, 0));

  fetch_rows (fixture, "1 2 3");
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+3 ");
  g_assert_cmpuint (fixture->n_items_notify, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  assert_names (fixture, "1 2 3");
  g_assert_null (g_list_model_get_item (model, 3));

  first = g_list_model_get_item (model, 0);
  g_assert_cmpint (TEST_ROW (first)->rank, ==, 0);
  g_assert_cmpint (cacheit_model_get_int (CACHEIT_MODEL (first), "id"), ==, 1);

  /* Same count: no notify of n-items. */
  fetch_rows (fixture, "1 2 4");
  g_assert_cmpuint (fixture->n_items_notify, ==, 1);
  fetch_rows (fixture, "1 2");
  g_assert_cmpuint (fixture->n_items_notify, ==, 2);
}

static void
test_r11_on_demand (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  GObject *a, *b;

  g_test_summary ("R11: no item object exists until get_item asks; asking again gives the "
                  "same object");

  fetch_rows (fixture, "1 2 3 4 5 6 7 8 9 10");
  g_assert_cmpuint (test_row_n_made, ==, 0);

  a = g_list_model_get_item (model, 4);
  g_assert_cmpuint (test_row_n_made, ==, 1);
  b = g_list_model_get_item (model, 4);
  g_assert_true (a == b);
  g_assert_cmpuint (test_row_n_made, ==, 1);
  g_object_unref (a);
  g_object_unref (b);

  /* Dropped by the caller, still the same object. */
  b = g_list_model_get_item (model, 4);
  g_assert_true (a == b);
  g_object_unref (b);
}

static void
test_r11_million (Fixture       *fixture,
                  gconstpointer  data)
{
  GString *s = g_string_new ("[");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TestRow) row = NULL;

  g_test_summary ("R11: fetching 1,000,000 items makes no item object");

  for (guint i = 0; i < 1000000; i++)
    g_string_append_printf (s, "%s{\"id\":%u,\"name\":\"row %u\"}", i > 0 ? "," : "", i, i);
  g_string_append_c (s, ']');
  body = g_string_free_to_bytes (s);
  cacheit_test_server_set_bytes (fixture->server, "/rows", 200, "application/json", NULL, FALSE, body);

  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_NONE,
                                         NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->collection)), ==, 1000000);
  g_assert_cmpuint (test_row_n_made, ==, 0);

  row = g_list_model_get_item (G_LIST_MODEL (fixture->collection), 999999);
  g_assert_cmpstr (row->name, ==, "row 999999");
  g_assert_cmpuint (test_row_n_made, ==, 1);
}

static void
test_r10_identity (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(TestRow) two = NULL;
  g_autoptr(TestRow) again = NULL;

  g_test_summary ("R10: an item whose id persists keeps its object, updated in place with "
                  "exact signals");

  fetch_rows (fixture, "1 2 3");
  two = g_list_model_get_item (model, 1);

  /* Renamed and moved to the front. */
  fetch_rows (fixture, "2:two 1 3");
  again = g_list_model_get_item (model, 0);
  g_assert_true (again == two);
  g_assert_cmpstr (two->name, ==, "two");
  g_assert_cmpint (two->rank, ==, 0);
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+1 2-1+0 ");
}

static void
test_r10_identical_refetch (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(TestRow) row = NULL;
  guint n_notify = 0;
  guint n_changed = 0;
  guint n_sync = 0;

  g_test_summary ("R10: a refetch of identical data emits no items-changed, no item signal "
                  "and no sync");

  fetch_rows (fixture, "1 2 3");
  row = g_list_model_get_item (model, 2);
  g_signal_connect (row, "notify", G_CALLBACK (count_cb), &n_notify);
  g_signal_connect (row, "changed", G_CALLBACK (count_cb), &n_changed);
  g_signal_connect (fixture->collection, "sync", G_CALLBACK (count0_cb), &n_sync);

  fetch_rows (fixture, "1 2 3");
  g_assert_cmpstr (fixture->changes->str, ==, "");
  g_assert_cmpuint (n_notify, ==, 0);
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_cmpuint (n_sync, ==, 0);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows"), ==, 2);

  /* One attribute of one item: exactly its signals. */
  fetch_rows (fixture, "1 2 3:three");
  g_assert_cmpstr (fixture->changes->str, ==, "");
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (n_sync, ==, 1);
}

static void
test_r10_minimal_splices (Fixture       *fixture,
                          gconstpointer  data)
{
  struct {
    const char *before;
    const char *after;
    const char *changes;
  } cases[] = {
    /* Remove one, append one: two small signals, not one spanning the list. */
    { "1 2 3 4 5 6 7 8", "1 2 4 5 6 7 8 9", "2-1+0 7-0+1 " },
    { "1 2 3", "1 2 3 4", "3-0+1 " },
    { "1 2 3", "0 1 2 3", "0-0+1 " },
    { "1 2 3 4", "1 4", "1-2+0 " },
    { "1 2 3", "", "0-3+0 " },
    { "", "1 2", "0-0+2 " },
    { "1 2 3", "4 5 6", "0-3+3 " },
    /* A move: removed where it was, inserted where it goes. */
    { "1 2 3 4 5", "1 3 4 5 2", "1-1+0 4-0+1 " },
    { "1 2 3 4 5", "5 1 2 3 4", "0-0+1 5-1+0 " },
    { "1 2 3 4 5 6", "1 2 9 4 5 6", "2-1+1 " },
    { "1 2 3", "3 2 1", "0-0+2 3-2+0 " },
  };

  g_test_summary ("R10: items-changed covers only the positions that changed");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CacheitCollection) collection = cacheit_collection_new (TEST_TYPE_ROW, fixture->url);
      g_autoptr(GString) changes = g_string_new (NULL);
      g_autofree char *got = NULL;
      Fixture f = *fixture;

      f.collection = collection;
      f.changes = changes;
      f.peek = TRUE;
      g_signal_connect (collection, "items-changed", G_CALLBACK (items_changed_cb), &f);

      fetch_rows (&f, cases[i].before);
      fetch_rows (&f, cases[i].after);
      g_test_message ("%s → %s: %s", cases[i].before, cases[i].after, changes->str);
      g_assert_cmpstr (changes->str, ==, cases[i].changes);
      got = names (&f);
      g_assert_cmpstr (got, ==, cases[i].after);
    }
}

/* Replays items-changed on a GListStore and checks it ends equal: the
 * signals are a faithful account of every change, whatever the order. */
typedef struct
{
  GListStore *mirror;
  GListModel *source;
} Mirror;

static void
mirror_cb (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           Mirror     *mirror)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, position + i));
  g_list_store_splice (mirror->mirror, position, removed, items->pdata, added);
}

static void
test_r10_replay (Fixture       *fixture,
                 gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  Mirror mirror = { g_list_store_new (TEST_TYPE_ROW), model };
  GRand *rand = g_rand_new_with_seed (42);

  g_test_summary ("R10: replaying items-changed gives the same list, item for item, across "
                  "random inserts, removals, moves and duplicates");

  g_signal_connect (fixture->collection, "items-changed", G_CALLBACK (mirror_cb), &mirror);

  for (guint round = 0; round < 60; round++)
    {
      GString *ids = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 30);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (ids, "%u ", g_rand_int_range (rand, 0, 40));
      fetch_rows (fixture, ids->str);
      g_string_free (ids, TRUE);

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mirror.mirror)), ==,
                        g_list_model_get_n_items (model));
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(GObject) a = g_list_model_get_item (model, i);
          g_autoptr(GObject) b = g_list_model_get_item (G_LIST_MODEL (mirror.mirror), i);

          g_assert_true (a == b);
        }
    }

  g_rand_free (rand);
  g_object_unref (mirror.mirror);
}

static void
test_r10_duplicates (Fixture       *fixture,
                     gconstpointer  data)
{
  g_test_summary ("R10: an id repeated in one response makes one item, at its first place, "
                  "with its last attributes");

  fetch_rows (fixture, "1 2:first 3 2:last");
  assert_names (fixture, "1 last 3");
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+3 ");
}

static void
test_r10_without_id (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitModel) second = NULL;
  g_autoptr(CacheitModel) again = NULL;

  g_test_summary ("R10: items without an id (or with an id that is not a string or number) "
                  "are kept, and matched by their order among such items");

  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"name\": \"a\"}, {\"id\": {\"x\": 1}, \"name\": \"b\"}, {\"id\": 5, \"name\": \"c\"}]");
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  assert_names (fixture, "a b c");
  second = g_list_model_get_item (G_LIST_MODEL (fixture->collection), 1);
  g_assert_null (cacheit_resource_get_url (CACHEIT_RESOURCE (second)));

  g_string_truncate (fixture->changes, 0);
  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"name\": \"a\"}, {\"id\": {\"x\": 1}, \"name\": \"B\"}, {\"id\": 5, \"name\": \"c\"}]");
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->changes->str, ==, "");
  again = g_list_model_get_item (G_LIST_MODEL (fixture->collection), 1);
  g_assert_true (again == second);
  g_assert_cmpstr (TEST_ROW (second)->name, ==, "B");
}

static void
test_get_by_id (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitModel) fifty = NULL;
  g_autoptr(CacheitModel) abc = NULL;
  g_autoptr(CacheitModel) at = NULL;
  g_autoptr(CacheitModel) big = NULL;

  g_test_summary ("get_by_id finds string and numeric ids by their decimal form");

  g_assert_null (cacheit_collection_get_by_id (fixture->collection, "50"));
  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"id\": 50}, {\"id\": \"abc\"}, {\"id\": 12345678901234},"
                           " {\"id\": \"\\u0001x\"}, {\"name\": \"no id\"}]");
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);

  fifty = cacheit_collection_get_by_id (fixture->collection, "50");
  g_assert_nonnull (fifty);
  g_assert_cmpint (cacheit_model_get_int (fifty, "id"), ==, 50);
  at = g_list_model_get_item (G_LIST_MODEL (fixture->collection), 0);
  g_assert_true (at == fifty);

  abc = cacheit_collection_get_by_id (fixture->collection, "abc");
  g_assert_cmpstr (cacheit_model_get_string (abc, "id"), ==, "abc");
  big = cacheit_collection_get_by_id (fixture->collection, "12345678901234");
  g_assert_nonnull (big);
  g_assert_null (cacheit_collection_get_by_id (fixture->collection, "51"));
  /* The key of the item without an id is not an id. */
  g_assert_null (cacheit_collection_get_by_id (fixture->collection, "\0010"));
  {
    g_autoptr(CacheitModel) odd = cacheit_collection_get_by_id (fixture->collection, "\001x");

    g_assert_nonnull (odd);
    g_assert_cmpstr (cacheit_model_get_string (odd, "id"), ==, "\001x");
  }
}

static void
test_id_attribute (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitModel) item = NULL;

  g_test_summary ("id-attribute chooses the member that identifies items");

  g_assert_cmpstr (cacheit_collection_get_id_attribute (fixture->collection), ==, "id");
  cacheit_collection_set_id_attribute (fixture->collection, "uuid");
  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "[{\"uuid\": \"u-1\", \"id\": 1}, {\"uuid\": \"u-2\", \"id\": 1}]");
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->collection)), ==, 2);
  item = cacheit_collection_get_by_id (fixture->collection, "u-2");
  g_assert_nonnull (item);
  g_assert_true (g_str_has_suffix (cacheit_resource_get_url (CACHEIT_RESOURCE (item)), "/rows/u-2"));
}

static void
test_item_url (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestRow) row = NULL;
  g_autofree char *expected = cacheit_test_server_url (fixture->server, "/rows/7");
  guint n_sync = 0;

  g_test_summary ("An item fetches collection-url/ID once, and caches it (R1–R5 apply)");

  fetch_rows (fixture, "7 8");
  cacheit_test_server_set (fixture->server, "/rows/7", 200,
                           "{\"id\": 7, \"name\": \"seven, in detail\", \"rank\": 70}");

  row = TEST_ROW (cacheit_collection_get_by_id (fixture->collection, "7"));
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (row)), ==, expected);
  g_assert_false (cacheit_resource_get_fetched (CACHEIT_RESOURCE (row)));
  g_signal_connect (row, "sync", G_CALLBACK (count0_cb), &n_sync);

  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (row), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (row), CACHEIT_FETCH_NONE, NULL, &error));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/rows/7"), ==, 1);
  g_assert_cmpuint (n_sync, ==, 1);
  g_assert_cmpstr (row->name, ==, "seven, in detail");
  g_assert_cmpint (row->rank, ==, 70);

  /* A failure of the item's own fetch keeps its data (R5). */
  cacheit_test_server_set (fixture->server, "/rows/7", 500, "{}");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (row), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpstr (row->name, ==, "seven, in detail");
}

static void
test_r5_wrong_shape (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *bad[] = { "{\"id\": 1}", "[1, 2]", "[{\"id\": 1}, \"x\"]", "[{\"id\": 1},", "null" };
  guint n_error = 0;

  g_test_summary ("R5: a response that is not an array of objects fails and keeps the data");

  fetch_rows (fixture, "1 2");
  g_signal_connect (fixture->collection, "error", G_CALLBACK (count_cb), &n_error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      cacheit_test_server_set (fixture->server, "/rows", 200, bad[i]);
      g_string_truncate (fixture->changes, 0);
      g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection),
                                              CACHEIT_FETCH_RELOAD, NULL, &error));
      g_test_message ("%s: %s", bad[i], error->message);
      g_assert_true (g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE) ||
                     g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON));
      g_assert_cmpstr (fixture->changes->str, ==, "");
      assert_names (fixture, "1 2");
      g_assert_cmpuint (n_error, ==, i + 1);
    }
}

static void
test_root_pointer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("root-pointer finds the array inside an envelope");

  cacheit_resource_set_root_pointer (CACHEIT_RESOURCE (fixture->collection), "/results/items");
  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "{\"count\": 2, \"results\": {\"items\": [{\"id\": 1, \"name\": \"x\"},"
                           " {\"id\": 2, \"name\": \"y\"}]}}");
  cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  assert_names (fixture, "x y");
}

/* A collection whose parse() unwraps an envelope: the slow path. */

#define TEST_TYPE_PAGED (test_paged_get_type ())
G_DECLARE_FINAL_TYPE (TestPaged, test_paged, TEST, PAGED, CacheitCollection)

struct _TestPaged
{
  CacheitCollection parent_instance;
};

G_DEFINE_FINAL_TYPE (TestPaged, test_paged, CACHEIT_TYPE_COLLECTION)

static JsonNode *
test_paged_parse (CacheitResource  *resource,
                  JsonNode         *response,
                  GError          **error)
{
  return json_node_ref (json_object_get_member (json_node_get_object (response), "page"));
}

static void
test_paged_class_init (TestPagedClass *klass)
{
  CACHEIT_RESOURCE_CLASS (klass)->parse = test_paged_parse;
}

static void
test_paged_init (TestPaged *self)
{
}

static void
test_parse_override (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TestPaged *paged = g_object_new (TEST_TYPE_PAGED, "item-type", TEST_TYPE_ROW, "url", fixture->url, NULL);
  g_autoptr(TestRow) row = NULL;

  g_test_summary ("parse() overridden in C: its array becomes the collection");

  cacheit_test_server_set (fixture->server, "/rows", 200,
                           "{\"page\": [{\"id\": 1, \"name\": \"p1\"}, {\"id\": 2, \"name\": \"p2\"}]}");
  cacheit_resource_fetch (CACHEIT_RESOURCE (paged), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, 2);
  row = g_list_model_get_item (G_LIST_MODEL (paged), 1);
  g_assert_cmpstr (row->name, ==, "p2");

  cacheit_test_server_set (fixture->server, "/rows", 200, "{\"page\": {\"id\": 1}}");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (paged), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, 2);

  g_clear_object (&row);
  g_assert_finalize_object (paged);
}

static void
test_items_released (Fixture       *fixture,
                     gconstpointer  data)
{
  TestRow *row;

  g_test_summary ("Removed items are released, and so is everything at finalize");

  fetch_rows (fixture, "1 2");
  row = g_list_model_get_item (G_LIST_MODEL (fixture->collection), 1);
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_object_unref (row);
  g_assert_nonnull (row);
  fetch_rows (fixture, "1");
  g_assert_null (row);
}

static void
test_no_content (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_sync = 0;

  g_test_summary ("A 204 No Content to a fetch is a success with an empty list: one "
                  "items-changed removes every item, n-items is notified once, sync; again, "
                  "nothing");

  g_signal_connect (fixture->collection, "sync", G_CALLBACK (count0_cb), &n_sync);
  fetch_rows (fixture, "1 2 3");
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+3 ");
  g_assert_cmpuint (n_sync, ==, 1);

  g_string_truncate (fixture->changes, 0);
  fixture->n_items_notify = 0;
  cacheit_test_server_set_for_method (fixture->server, "GET", "/rows", 204, NULL);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->changes->str, ==, "0-3+0 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->collection)), ==, 0);
  g_assert_cmpuint (fixture->n_items_notify, ==, 1);
  g_assert_cmpuint (n_sync, ==, 2);
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (fixture->collection)), ==, 204);

  g_string_truncate (fixture->changes, 0);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->changes->str, ==, "");
  g_assert_cmpuint (fixture->n_items_notify, ==, 1);
  g_assert_cmpuint (n_sync, ==, 2);

  /* A 200 with an empty body is not JSON (R5): the list stays. */
  cacheit_test_server_set_for_method (fixture->server, "GET", "/rows", 200, "[{\"id\": 4, \"name\": \"4\"}]");
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  cacheit_test_server_set_for_method (fixture->server, "GET", "/rows", 200, "");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (fixture->collection), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->collection)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/collection/list-model", test_list_model);
  ADD ("/cacheit/collection/r11/on-demand", test_r11_on_demand);
  ADD ("/cacheit/collection/r11/million-no-objects", test_r11_million);
  ADD ("/cacheit/collection/r10/identity", test_r10_identity);
  ADD ("/cacheit/collection/r10/identical-refetch", test_r10_identical_refetch);
  ADD ("/cacheit/collection/r10/minimal-splices", test_r10_minimal_splices);
  ADD ("/cacheit/collection/r10/replay", test_r10_replay);
  ADD ("/cacheit/collection/r10/duplicates", test_r10_duplicates);
  ADD ("/cacheit/collection/r10/without-id", test_r10_without_id);
  ADD ("/cacheit/collection/get-by-id", test_get_by_id);
  ADD ("/cacheit/collection/id-attribute", test_id_attribute);
  ADD ("/cacheit/collection/item-url", test_item_url);
  ADD ("/cacheit/collection/r5/wrong-shape", test_r5_wrong_shape);
  ADD ("/cacheit/collection/root-pointer", test_root_pointer);
  ADD ("/cacheit/collection/parse-override", test_parse_override);
  ADD ("/cacheit/collection/items-released", test_items_released);
  ADD ("/cacheit/collection/no-content", test_no_content);

#undef ADD

  return g_test_run ();
}
