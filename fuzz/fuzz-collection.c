/* fuzz-collection.c: a CacheitCollection, through its public API, fed a
 * sequence of responses over HTTP (an in-process server on 127.0.0.1).
 *
 * After each fetch: items-changed, replayed on a GListStore, gives the
 * collection's own list, object for object; the items are those of the last
 * response by the rules of R10 (one per id, at its first place, with its
 * last object); an item whose id persists keeps its object; get_by_id finds
 * every id; and a refetch of the same body emits no items-changed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "fuzz-common.h"

static CacheitTestServer *server;
static char *url;

typedef struct
{
  GListStore *mirror;
  guint       n_changes;
} Replay;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Replay     *replay)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_cmpuint (removed + added, >, 0);
  g_assert_cmpuint (position + removed, <=, g_list_model_get_n_items (G_LIST_MODEL (replay->mirror)));

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, position + i));
  g_list_store_splice (replay->mirror, position, removed, items->pdata, added);
  replay->n_changes++;
}

static void
check (CacheitCollection *collection,
       GListStore        *mirror,
       FuzzResponse      *response,
       guint              first_serial)
{
  GListModel *model = G_LIST_MODEL (collection);
  g_autoptr(GArray) expected = fuzz_response_expected (response, first_serial);
  guint n = g_list_model_get_n_items (model);

  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mirror)), ==, n);

  for (guint p = 0; p < n; p++)
    {
      const FuzzExpected *entry = &g_array_index (expected, FuzzExpected, p);
      g_autoptr(CacheitModel) item = g_list_model_get_item (model, p);
      g_autoptr(GObject) mirrored = g_list_model_get_item (G_LIST_MODEL (mirror), p);

      g_assert_true (G_OBJECT (item) == mirrored);
      g_assert_cmpint (cacheit_model_get_int (item, "n"), ==, entry->serial);

      if (entry->id != NULL)
        {
          g_autoptr(CacheitModel) found = cacheit_collection_get_by_id (collection, entry->id);

          g_assert_true (found == item);
        }
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GListStore) mirror = g_list_store_new (CACHEIT_TYPE_MODEL);
  Replay replay = { mirror, 0 };
  guint serial = 0;

  fuzz_init ();

  if (server == NULL)
    {
      server = cacheit_test_server_new ();
      url = cacheit_test_server_url (server, "/items");
    }

  collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_signal_connect (collection, "items-changed", G_CALLBACK (items_changed_cb), &replay);

  for (guint round = 0; round < 6 && !fuzz_input_is_empty (&input); round++)
    {
      guint first_serial = serial;
      g_autoptr(FuzzResponse) response = fuzz_response_new (&input, &serial);
      g_autoptr(GError) error = NULL;
      gsize length;
      const char *body = g_bytes_get_data (response->body, &length);

      cacheit_test_server_set_bytes (server, "/items", 200, "application/json", NULL,
                                     (round & 1) != 0, response->body);
      g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD,
                                             NULL, &error));
      g_assert_no_error (error);
      check (collection, mirror, response, first_serial);

      /* The same body again (its serials and all): no change at all. */
      replay.n_changes = 0;
      g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD,
                                             NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (replay.n_changes, ==, 0);
      check (collection, mirror, response, first_serial);

      /* A bad body in between loses nothing. */
      if (length > 1 && (round & 2) != 0)
        {
          g_autoptr(GBytes) cut = g_bytes_new (body, length - 1);

          cacheit_test_server_set_bytes (server, "/items", 200, "application/json", NULL, FALSE,
                                         cut);
          g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (collection),
                                                  CACHEIT_FETCH_RELOAD, NULL, &error));
          g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
          g_assert_cmpuint (replay.n_changes, ==, 0);
          check (collection, mirror, response, first_serial);
        }
    }

  g_signal_handlers_disconnect_by_data (collection, &replay);
  g_list_store_remove_all (mirror);
  cacheit_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&collection));

  return 0;
}
