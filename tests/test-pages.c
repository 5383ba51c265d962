/* test-pages.c: paginated collections, against a real HTTP server on
 * 127.0.0.1: pages found by Link headers (with items shifting between the
 * requests), by a cursor in the envelope and by offsets; load-more joining
 * (R1, R2, R6 per page), a failed page (R5 per page), reload semantics and
 * request counts, a 304 on the first page, loading as the list is read, the
 * application's request headers on every page (R14) and a change of URL
 * while a page loads (R13); and pushed items (upserts, removals) kept on
 * top of the server's data until it changes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

typedef struct
{
  CacheitTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  cacheit_test_drain ();
}

/* The ids of @list, in order, as "1 2 3 ". */
static char *
ids_of (gpointer list)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(CacheitModel) item = g_list_model_get_item (list, i);

      g_string_append_printf (ids, "%" G_GINT64_FORMAT " ", cacheit_model_get_int (item, "id"));
    }

  return g_string_free (ids, FALSE);
}

static void
assert_ids (gpointer    list,
            const char *expected)
{
  g_autofree char *ids = ids_of (list);

  g_assert_cmpstr (ids, ==, expected);
}

typedef struct
{
  guint         n_done;
  GAsyncResult *result;   /* The last one. */
  GError       *error;
} LoadMore;

static void
load_more_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LoadMore *load = user_data;

  load->n_done++;
  g_clear_object (&load->result);
  load->result = g_object_ref (result);
  g_clear_error (&load->error);
  cacheit_collection_load_more_finish (CACHEIT_COLLECTION (source), result, &load->error);
}

static void
load_more_clear (LoadMore *load)
{
  g_clear_object (&load->result);
  g_clear_error (&load->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LoadMore, load_more_clear)

/* Loads the next page of @collection and waits for it, which must succeed. */
static void
load_more_ok (CacheitCollection *collection)
{
  g_auto(LoadMore) load = { 0, };

  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &load);
  g_assert_cmpuint (load.n_done, ==, 0);
  cacheit_test_wait_until (load.n_done == 1);
  g_assert_no_error (load.error);
}

/* A list paged by Link headers, as GitHub's and Mastodon's: three pages
 * of two, the third shorter. */
static void
serve_link_pages (CacheitTestServer *server)
{
  cacheit_test_server_set (server, "/items", 200, "[{\"id\": 1}, {\"id\": 2}]");
  cacheit_test_server_set_header (server, "/items", "Link", "</items?page=2>; rel=\"next\", </items?page=3>; rel=\"last\"");
  cacheit_test_server_set (server, "/items?page=2", 200, "[{\"id\": 3}, {\"id\": 4}]");
  cacheit_test_server_set_header (server, "/items?page=2", "Link", "<http://127.0.0.1:1/elsewhere>; rel=\"prev\", </items?page=3>; rel=\"next\"");
  cacheit_test_server_set (server, "/items?page=3", 200, "[{\"id\": 5}]");
}

static void
test_pages_link (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) two = NULL;
  g_autoptr(CacheitModel) two_after = NULL;
  g_auto(LoadMore) a = { 0, };
  g_auto(LoadMore) b = { 0, };
  g_auto(LoadMore) c = { 0, };
  g_auto(Counters) counters = { 0, };

  g_test_summary ("A Link-paged list loads page by page into one list: calls while a page "
                  "loads join it (R1, R2 per page), an item that shifted onto the next page "
                  "shows once, the same object (R10), and the last page ends it");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  assert_ids (collection, "1 2 ");
  g_assert_true (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 1);
  g_assert_false (cacheit_collection_get_loading_more (collection));

  /* Between the requests, a new item 0 pushed item 2 onto page 2. */
  cacheit_test_server_set (fixture->server, "/items?page=2", 200, "[{\"id\": 2, \"n\": 1}, {\"id\": 3}]");
  cacheit_test_server_set_header (fixture->server, "/items?page=2", "Link", "</items?page=3>; rel=\"next\"");
  two = cacheit_collection_get_by_id (collection, "2");

  counters_connect (&counters, collection);
  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &a);
  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &b);
  g_assert_true (cacheit_collection_get_loading_more (collection));
  g_assert_false (cacheit_resource_get_fetching (CACHEIT_RESOURCE (collection)));
  cacheit_test_wait_until (a.n_done == 1 && b.n_done == 1);
  g_assert_no_error (a.error);
  g_assert_true (a.result == b.result);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 1);

  assert_ids (collection, "1 2 3 ");
  g_assert_cmpstr (counters.items->str, ==, "2-0+1 ");
  two_after = cacheit_collection_get_by_id (collection, "2");
  g_assert_true (two == two_after);
  g_assert_cmpint (cacheit_model_get_int (two, "n"), ==, 1);
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 2);
  g_assert_false (cacheit_collection_get_loading_more (collection));
  g_assert_cmpuint (n_notified (&counters, "loading-more"), ==, 2);

  load_more_ok (collection);
  assert_ids (collection, "1 2 3 5 ");
  g_assert_false (cacheit_collection_get_has_more (collection));

  /* Nothing more to load: done at once, with no request. */
  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &c);
  cacheit_test_wait_until (c.n_done == 1);
  g_assert_no_error (c.error);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=3"), ==, 1);
}

static void
test_pages_cursor (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/feed?limit=2");
  g_autoptr(CacheitCollection) collection = NULL;

  g_test_summary ("A cursor in the envelope is sent back as the page parameter, under a "
                  "root pointer; a null cursor ends the list");
  g_test_bug ("issue 16: paginated collections");

  cacheit_test_server_set (fixture->server, "/feed?limit=2", 200,
                           "{\"data\": [{\"id\": 1}, {\"id\": 2}], \"meta\": {\"next_cursor\": \"a b,c\"}}");
  cacheit_test_server_set (fixture->server, "/feed?limit=2&cursor=a%20b%2Cc", 200,
                           "{\"data\": [{\"id\": 3}], \"meta\": {\"next_cursor\": null}}");

  collection = g_object_new (CACHEIT_TYPE_COLLECTION,
                             "url", url,
                             "root-pointer", "/data",
                             "paging", CACHEIT_PAGING_CURSOR,
                             "next-pointer", "/meta/next_cursor",
                             "page-param", "cursor",
                             NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_true (cacheit_collection_get_has_more (collection));
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 ");
  g_assert_false (cacheit_collection_get_has_more (collection));
}

static void
test_pages_next_url (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/api/items/");
  g_autofree char *next = cacheit_test_server_url (fixture->server, "/api/items/?page=2");
  g_autofree char *first = NULL;
  g_autoptr(CacheitCollection) collection = NULL;

  g_test_summary ("A next URL in the envelope, as Django REST gives it (absolute), or "
                  "relative to the response's URL; null ends the list");
  g_test_bug ("issue 16: paginated collections");

  first = g_strdup_printf ("{\"next\": \"%s\", \"results\": [{\"id\": 1}]}", next);
  cacheit_test_server_set (fixture->server, "/api/items/", 200, first);
  cacheit_test_server_set (fixture->server, "/api/items/?page=2", 200,
                           "{\"next\": \"?page=3\", \"results\": [{\"id\": 2}]}");
  cacheit_test_server_set (fixture->server, "/api/items/?page=3", 200,
                           "{\"next\": null, \"results\": [{\"id\": 3}]}");

  collection = g_object_new (CACHEIT_TYPE_COLLECTION,
                             "url", url,
                             "root-pointer", "/results",
                             "paging", CACHEIT_PAGING_NEXT_URL,
                             "next-pointer", "/next",
                             NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 ");
  g_assert_false (cacheit_collection_get_has_more (collection));
}

static void
test_pages_offset (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/o?limit=2");
  g_autoptr(CacheitCollection) collection = NULL;

  g_test_summary ("Offset paging moves the offset on by the items received; a page "
                  "shorter than the limit is the last");
  g_test_bug ("issue 16: paginated collections");

  cacheit_test_server_set (fixture->server, "/o?limit=2", 200, "[{\"id\": 1}, {\"id\": 2}]");
  cacheit_test_server_set (fixture->server, "/o?limit=2&offset=2", 200, "[{\"id\": 3}, {\"id\": 4}]");
  cacheit_test_server_set (fixture->server, "/o?limit=2&offset=4", 200, "[{\"id\": 5}]");

  collection = g_object_new (CACHEIT_TYPE_COLLECTION,
                             "url", url,
                             "paging", CACHEIT_PAGING_OFFSET,
                             "page-param", "offset",
                             "limit-param", "limit",
                             NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  g_assert_true (cacheit_collection_get_has_more (collection));
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 4 5 ");
  g_assert_false (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 3);
}

static void
test_pages_page_numbers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/p");
  g_autoptr(CacheitCollection) collection = NULL;

  g_test_summary ("Page-number paging counts from 1 where the URL names no page; an "
                  "empty page, or a server that ignores the parameter, ends the list");
  g_test_bug ("issue 16: paginated collections");

  cacheit_test_server_set (fixture->server, "/p", 200, "[{\"id\": 1}, {\"id\": 2}]");
  cacheit_test_server_set (fixture->server, "/p?page=2", 200, "[{\"id\": 3}]");
  cacheit_test_server_set (fixture->server, "/p?page=3", 200, "[{\"id\": 1}]");

  collection = g_object_new (CACHEIT_TYPE_COLLECTION,
                             "url", url,
                             "paging", CACHEIT_PAGING_PAGE,
                             "page-param", "page",
                             NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 ");
  g_assert_false (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/p?page=4"), ==, 0);
}

static void
test_pages_failure (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_auto(LoadMore) load = { 0, };
  g_auto(Counters) counters = { 0, };

  g_test_summary ("A failed page keeps what is loaded, reports the error as a fetch's, "
                  "and the next call asks for that page again (R5 per page)");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_object_set (collection, "retry-limit", 0, NULL);
  counters_connect (&counters, collection);
  cacheit_test_server_push (fixture->server, "/items?page=2", 500, NULL);

  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &load);
  cacheit_test_wait_until (load.n_done == 1);
  g_assert_error (load.error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS);
  g_assert_cmpuint (counters.n_error, ==, 1);
  g_assert_nonnull (cacheit_resource_get_last_error (CACHEIT_RESOURCE (collection)));
  g_assert_cmpstr (counters.items->str, ==, "");
  assert_ids (collection, "1 2 ");
  g_assert_true (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 1);

  load_more_ok (collection);
  assert_ids (collection, "1 2 3 4 ");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 2);
  g_assert_null (cacheit_resource_get_last_error (CACHEIT_RESOURCE (collection)));
}

static void
test_pages_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(LoadMore) a = { 0, };
  g_auto(LoadMore) b = { 0, };

  g_test_summary ("A caller of load-more that cancels completes alone; the page loads "
                  "on for the others (R6 per page)");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_test_server_hold (fixture->server, "/items?page=2");
  cacheit_collection_load_more_async (collection, cancellable, load_more_cb, &a);
  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &b);
  cacheit_test_server_wait_held (fixture->server, "/items?page=2", 1);
  g_cancellable_cancel (cancellable);
  cacheit_test_wait_until (a.n_done == 1);
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (b.n_done, ==, 0);

  cacheit_test_server_release (fixture->server, "/items?page=2");
  cacheit_test_wait_until (b.n_done == 1);
  g_assert_no_error (b.error);
  assert_ids (collection, "1 2 3 4 ");
}

/* Loads the three pages of serve_link_pages(). */
static void
load_three (Fixture           *fixture,
            CacheitCollection *collection)
{
  serve_link_pages (fixture->server);
  cacheit_test_server_set_etag (fixture->server, "/items", "\"v1\"");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 4 5 ");
}

static void
test_pages_reload (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) one = NULL;
  g_autoptr(CacheitModel) one_after = NULL;
  g_auto(Counters) counters = { 0, };

  g_test_summary ("A reload asks for the first page alone and drops the later pages with "
                  "exact items-changed; a 304 on the first page keeps every page");
  g_test_bug ("issue 16: paginated collections");

  load_three (fixture, collection);
  one = cacheit_collection_get_by_id (collection, "1");
  counters_connect (&counters, collection);

  /* The server's first page did not change: every page stays. */
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (cacheit_test_server_count_not_modified (fixture->server, "/items"), ==, 1);
  assert_ids (collection, "1 2 3 4 5 ");
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 3);
  g_assert_cmpstr (counters.items->str, ==, "");

  /* It did: page 1 alone, the rest dropped. */
  cacheit_test_server_set (fixture->server, "/items", 200, "[{\"id\": 1, \"n\": 2}, {\"id\": 2}]");
  cacheit_test_server_set_etag (fixture->server, "/items", "\"v2\"");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  assert_ids (collection, "1 2 ");
  g_assert_cmpstr (counters.items->str, ==, "2-3+0 ");
  one_after = cacheit_collection_get_by_id (collection, "1");
  g_assert_true (one == one_after);
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 1);
  g_assert_true (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 1);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=3"), ==, 1);
}

static void
test_pages_reload_all (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) five = NULL;
  g_autoptr(CacheitModel) five_after = NULL;
  g_auto(Counters) counters = { 0, };

  g_test_summary ("With reload-all-pages, a reload fetches every loaded page again, once "
                  "each and in order, each replacing its old items where they are: an "
                  "item that stays on its page keeps its object");
  g_test_bug ("issue 16: paginated collections");

  cacheit_collection_set_reload_all_pages (collection, TRUE);
  load_three (fixture, collection);
  five = cacheit_collection_get_by_id (collection, "5");
  counters_connect (&counters, collection);

  cacheit_test_server_set (fixture->server, "/items", 200, "[{\"id\": 0}, {\"id\": 1}]");
  cacheit_test_server_set_etag (fixture->server, "/items", "\"v2\"");
  cacheit_test_server_set (fixture->server, "/items?page=2", 200, "[{\"id\": 2}, {\"id\": 3}]");
  cacheit_test_server_set (fixture->server, "/items?page=3", 200, "[{\"id\": 4}, {\"id\": 5, \"n\": 1}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  cacheit_test_wait_until (!cacheit_collection_get_loading_more (collection));

  assert_ids (collection, "0 1 2 3 4 5 ");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 2);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=3"), ==, 2);
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 3);
  five_after = cacheit_collection_get_by_id (collection, "5");
  g_assert_true (five == five_after);
  g_assert_cmpint (cacheit_model_get_int (five, "n"), ==, 1);
  /* 0 came, 2 moved from page 1 to page 2, 4 from page 2 to page 3. */
  g_assert_cmpstr (counters.items->str, ==, "0-0+1 2-1+0 2-0+1 4-1+0 4-0+1 ");
}

static void
test_pages_prefetch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) first = NULL;
  g_autoptr(CacheitModel) last = NULL;

  g_test_summary ("With a prefetch distance, asking for an item that close to the end "
                  "loads the next page; farther from it, nothing is asked");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_collection_set_prefetch_distance (collection, 1);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);

  first = g_list_model_get_item (G_LIST_MODEL (collection), 0);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 0);
  g_assert_false (cacheit_collection_get_loading_more (collection));

  last = g_list_model_get_item (G_LIST_MODEL (collection), 1);
  cacheit_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (collection)) == 4);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items?page=2"), ==, 1);
}

static void
add_header_cb (CacheitResource *resource,
               SoupMessage     *message,
               gpointer         user_data)
{
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer t");
}

static void
test_pages_request (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);

  g_test_summary ("Every page is requested as the collection is: its ::request handlers "
                  "run for it (R14)");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  g_signal_connect (collection, "request", G_CALLBACK (add_header_cb), NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  g_assert_cmpstr (cacheit_test_server_last_header (fixture->server, "/items?page=2", "Authorization"),
                   ==, "Bearer t");
}

static void
test_pages_url_change (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autofree char *other = cacheit_test_server_url (fixture->server, "/other");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_auto(LoadMore) load = { 0, };

  g_test_summary ("A change of URL while a page loads: its callers complete cancelled, "
                  "and the old URL's page never shows (R13)");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_test_server_set (fixture->server, "/other", 200, "[{\"id\": 7}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_test_server_hold (fixture->server, "/items?page=2");
  cacheit_collection_load_more_async (collection, NULL, load_more_cb, &load);
  cacheit_test_server_wait_held (fixture->server, "/items?page=2", 1);

  cacheit_resource_set_url (CACHEIT_RESOURCE (collection), other);
  cacheit_test_wait_until (load.n_done == 1);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (cacheit_collection_get_has_more (collection));
  cacheit_test_server_release (fixture->server, "/items?page=2");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_test_drain ();
  assert_ids (collection, "7 ");
}

static void
test_pages_loop (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/items");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);

  g_test_summary ("A next link to a page the list has already (the first, from the last) "
                  "ends the list instead of asking for it again and again");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (fixture->server);
  cacheit_test_server_set_header (fixture->server, "/items?page=2", "Link", "</items>; rel=\"next\"");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  load_more_ok (collection);
  assert_ids (collection, "1 2 3 4 ");
  g_assert_false (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/items"), ==, 1);
}

static void
test_pages_offline_start (Fixture       *fixture,
                          gconstpointer  data)
{
  CacheitTestServer *gone = cacheit_test_server_new ();
  g_autofree char *url = cacheit_test_server_url (gone, "/items");
  g_autoptr(CacheitCollection) first = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitCollection) later = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);

  g_test_summary ("The snapshot keeps the first page: a start with no server shows it "
                  "alone, and since a snapshot keeps no Link header, has no next page "
                  "until the server confirms it");
  g_test_bug ("issue 16: paginated collections");

  serve_link_pages (gone);
  cacheit_resource_set_snapshot_policy (CACHEIT_RESOURCE (first), CACHEIT_SNAPSHOT_ALL);
  cacheit_test_fetch_ok (first, CACHEIT_FETCH_NONE);
  load_more_ok (first);
  assert_ids (first, "1 2 3 4 ");
  cacheit_test_drain ();
  cacheit_test_server_free (gone);

  cacheit_resource_set_snapshot_policy (CACHEIT_RESOURCE (later), CACHEIT_SNAPSHOT_ALL);
  cacheit_resource_set_retry_limit (CACHEIT_RESOURCE (later), 0);
  cacheit_test_fetch_ok (later, CACHEIT_FETCH_NONE);
  g_assert_cmpint (cacheit_resource_get_origin (CACHEIT_RESOURCE (later)), ==, CACHEIT_ORIGIN_DISK);
  assert_ids (later, "1 2 ");
  g_assert_cmpuint (cacheit_collection_get_n_pages (later), ==, 1);
  g_assert_false (cacheit_collection_get_has_more (later));
  cacheit_test_wait_until (!cacheit_resource_get_fetching (CACHEIT_RESOURCE (later)));
  cacheit_test_drain ();
}

static JsonObject *
object_of (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static void
test_pushes_show (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/live");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(CacheitModel) two = NULL;
  g_autoptr(CacheitModel) two_after = NULL;
  g_autoptr(JsonObject) changed = object_of ("{\"id\": 2, \"text\": \"edited\"}");
  g_autoptr(JsonObject) fresh = object_of ("{\"id\": 9}");
  g_autoptr(JsonObject) moved = object_of ("{\"id\": 1}");
  g_auto(Counters) counters = { 0, };
  g_auto(Counters) item_counters = { 0, };

  g_test_summary ("Pushed items show at once with no request: an upsert in place updates "
                  "the same object (R9), one at the start or the end inserts or moves it, "
                  "a removal removes it, each with exact items-changed (R10)");
  g_test_bug ("issue 16: pushed updates");

  cacheit_test_server_set (fixture->server, "/live", 200, "[{\"id\": 1}, {\"id\": 2, \"text\": \"a\"}, {\"id\": 3}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  two = cacheit_collection_get_by_id (collection, "2");
  counters_connect (&counters, collection);
  counters_connect (&item_counters, two);

  cacheit_collection_upsert (collection, changed, CACHEIT_UPSERT_IN_PLACE);
  two_after = cacheit_collection_get_by_id (collection, "2");
  g_assert_true (two == two_after);
  g_assert_cmpstr (cacheit_model_get_string (two, "text"), ==, "edited");
  g_assert_cmpstr (item_counters.changed->str, ==, "text ");
  g_assert_cmpstr (counters.items->str, ==, "");

  cacheit_collection_upsert (collection, fresh, CACHEIT_UPSERT_START);
  cacheit_collection_upsert (collection, moved, CACHEIT_UPSERT_END);
  g_assert_true (cacheit_collection_remove_by_id (collection, "3"));
  g_assert_false (cacheit_collection_remove_by_id (collection, "3"));
  assert_ids (collection, "9 2 1 ");
  g_assert_cmpstr (counters.items->str, ==, "0-0+1 1-1+0 3-0+1 2-1+0 ");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/live"), ==, 1);
}

static void
test_pushes_refetch (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *url = cacheit_test_server_url (fixture->server, "/live");
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, url);
  g_autoptr(JsonObject) changed = object_of ("{\"id\": 2, \"text\": \"pushed\"}");
  g_autoptr(JsonObject) fresh = object_of ("{\"id\": 9}");
  g_autoptr(CacheitModel) two = NULL;

  g_test_summary ("A refetch does not put back what a push removed or changed while the "
                  "server's object is as it was; once the server's object changes, the "
                  "server's data shows and the push is forgotten");
  g_test_bug ("issue 16: pushed updates");

  cacheit_test_server_set (fixture->server, "/live", 200, "[{\"id\": 1}, {\"id\": 2, \"text\": \"a\"}, {\"id\": 3}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_collection_upsert (collection, changed, CACHEIT_UPSERT_IN_PLACE);
  cacheit_collection_upsert (collection, fresh, CACHEIT_UPSERT_START);
  cacheit_collection_remove_by_id (collection, "3");

  /* The server has not caught up: the pushes stay. */
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  assert_ids (collection, "9 1 2 ");
  two = cacheit_collection_get_by_id (collection, "2");
  g_assert_cmpstr (cacheit_model_get_string (two, "text"), ==, "pushed");

  /* It has: item 2 is the server's, 9 and the removal of 3 are its. */
  cacheit_test_server_set (fixture->server, "/live", 200, "[{\"id\": 9}, {\"id\": 1}, {\"id\": 2, \"text\": \"server\"}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  assert_ids (collection, "9 1 2 ");
  g_assert_cmpstr (cacheit_model_get_string (two, "text"), ==, "server");

  /* The pushes are forgotten: a 3 the server adds again shows. */
  cacheit_test_server_set (fixture->server, "/live", 200, "[{\"id\": 1}, {\"id\": 2, \"text\": \"server\"}, {\"id\": 3}]");
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  assert_ids (collection, "1 2 3 ");
}

/* Placeholders */

/* Serves /big?limit=10 as the first 10 rows of a list of a million, by
 * offset, and the page at @offset (when not 0). */
static void
serve_big (CacheitTestServer *server,
           guint              first_id,
           guint              offset)
{
  for (guint round = 0; round < 2; round++)
    {
      guint from = round == 0 ? first_id : offset + 1;
      g_autoptr(GString) json = g_string_new ("[");
      g_autofree char *path = round == 0 ? g_strdup ("/big?limit=10")
                                         : g_strdup_printf ("/big?limit=10&offset=%u", offset);

      if (round == 1 && offset == 0)
        break;
      for (guint i = 0; i < 10; i++)
        g_string_append_printf (json, "%s{\"id\": %u}", i > 0 ? ", " : "", from + i);
      g_string_append_c (json, ']');
      cacheit_test_server_set (server, path, 200, json->str);
      if (round == 0)
        cacheit_test_server_set_header (server, path, "X-Total-Count", "1000000");
    }
}

static CacheitCollection *
big_new (CacheitTestServer *server,
         gboolean           placeholders)
{
  g_autofree char *url = cacheit_test_server_url (server, "/big?limit=10");

  return g_object_new (CACHEIT_TYPE_COLLECTION,
                       "url", url,
                       "paging", CACHEIT_PAGING_OFFSET,
                       "page-param", "offset",
                       "limit-param", "limit",
                       "placeholders", placeholders,
                       NULL);
}

typedef struct
{
  guint n;
  guint position, removed, added;   /* The last. */
} Splices;

static void
splice_cb (GListModel *list,
           guint       position,
           guint       removed,
           guint       added,
           Splices    *splices)
{
  splices->n++;
  splices->position = position;
  splices->removed = removed;
  splices->added = added;
}

static gboolean
row_loaded (CacheitCollection *collection,
            guint              position)
{
  g_autoptr(CacheitModel) row = g_list_model_get_item (G_LIST_MODEL (collection), position);

  return cacheit_model_get_loaded (row);
}

static void
test_placeholders_jump (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(CacheitModel) placeholder = NULL;
  g_autoptr(CacheitModel) again = NULL;
  g_autoptr(CacheitModel) row = NULL;
  g_autofree char *row_url = cacheit_test_server_url (fixture->server, "/big/500006");
  Splices splices = { 0, };

  g_test_summary ("With placeholders, a list of known total is that long at once; asking "
                  "for row 500,005 of a million loads its page alone, whose items replace "
                  "the placeholders; one placeholder object per row until then");
  g_test_bug ("issue 16: placeholders for a known total");

  serve_big (fixture->server, 1, 500000);

  /* Off by default: the list is what was loaded. */
  collection = big_new (fixture->server, FALSE);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 10);
  g_assert_true (cacheit_collection_get_has_more (collection));
  g_clear_object (&collection);

  collection = big_new (fixture->server, TRUE);
  g_signal_connect (collection, "items-changed", G_CALLBACK (splice_cb), &splices);
  /* From the first collection's snapshot, which has no total; then the
   * server's answer has one. */
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (collection)) == 1000000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 1000000);
  g_assert_cmpint (cacheit_collection_get_total (collection), ==, 1000000);
  g_assert_false (cacheit_collection_get_has_more (collection));
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 1);
  g_assert_true (row_loaded (collection, 9));

  placeholder = g_list_model_get_item (G_LIST_MODEL (collection), 500005);
  again = g_list_model_get_item (G_LIST_MODEL (collection), 500005);
  g_assert_false (cacheit_model_get_loaded (placeholder));
  g_assert_true (placeholder == again);
  g_assert_null (cacheit_resource_get_url (CACHEIT_RESOURCE (placeholder)));
  splices.n = 0;

  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  g_assert_cmpuint (splices.n, ==, 1);
  g_assert_cmpuint (splices.position, ==, 500000);
  g_assert_cmpuint (splices.removed, ==, 10);
  g_assert_cmpuint (splices.added, ==, 10);
  row = g_list_model_get_item (G_LIST_MODEL (collection), 500005);
  g_assert_true (cacheit_model_get_loaded (row));
  g_assert_cmpint (cacheit_model_get_int (row, "id"), ==, 500006);
  g_assert_cmpstr (cacheit_resource_get_url (CACHEIT_RESOURCE (row)), ==, row_url);
  g_assert_true (row_loaded (collection, 500000));
  cacheit_test_drain ();

  /* Three requests in all (the first page for each collection, and the
   * page of row 500,005), and never again. */
  g_assert_cmpstr (cacheit_test_server_arrivals (fixture->server), ==, "/big /big /big ");
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/big?limit=10&offset=500000"), ==, 1);
}

static void
test_placeholders_failure (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  const char *last = "/big?limit=10&offset=999990";

  g_test_summary ("With placeholders, a page that fails stays placeholders, is reported "
                  "as a fetch's error is, and is asked for again when a row of it is (R5)");
  g_test_bug ("issue 16: placeholders for a known total");

  serve_big (fixture->server, 1, 999990);
  collection = big_new (fixture->server, TRUE);
  g_object_set (collection, "retry-limit", 0, NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  cacheit_test_server_push (fixture->server, last, 500, NULL);

  g_assert_false (row_loaded (collection, 999999));
  cacheit_test_wait_until (cacheit_resource_get_last_error (CACHEIT_RESOURCE (collection)) != NULL);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, last), ==, 1);
  g_assert_false (row_loaded (collection, 999999));
  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, last), ==, 2);
  g_assert_true (row_loaded (collection, 999999));
  g_assert_null (cacheit_resource_get_last_error (CACHEIT_RESOURCE (collection)));
}

static void
test_placeholders_reload (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  const char *page = "/big?limit=10&offset=500000";
  Splices splices = { 0, };

  g_test_summary ("With placeholders, a reload to the same first page keeps the rows "
                  "loaded; a changed one turns them back into placeholders, one splice");
  g_test_bug ("issue 16: placeholders for a known total");

  serve_big (fixture->server, 1, 500000);
  collection = big_new (fixture->server, TRUE);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_false (row_loaded (collection, 500000));
  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  g_signal_connect (collection, "items-changed", G_CALLBACK (splice_cb), &splices);

  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (splices.n, ==, 0);
  g_assert_true (row_loaded (collection, 500000));
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 2);

  serve_big (fixture->server, 101, 0);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (splices.n, ==, 2);
  g_assert_cmpuint (splices.position, ==, 10);
  g_assert_cmpuint (splices.removed, ==, 999990);
  g_assert_cmpuint (splices.added, ==, 999990);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 1000000);
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 1);
  g_assert_false (row_loaded (collection, 500000));
  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, page), ==, 2);
}

static void
test_placeholders_short_first (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(CacheitModel) row = NULL;

  g_test_summary ("With placeholders, a first page shorter than its limit (the server "
                  "left one out) still numbers the other pages by the limit");
  g_test_bug ("issue 16: placeholders for a known total");

  /* The page at offset 10, and a first page of 9 in place of serve_big's. */
  serve_big (fixture->server, 1000, 10);
  cacheit_test_server_set (fixture->server, "/big?limit=10", 200,
                           "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}, {\"id\": 4}, {\"id\": 5}, "
                           "{\"id\": 6}, {\"id\": 7}, {\"id\": 8}, {\"id\": 9}]");
  cacheit_test_server_set_header (fixture->server, "/big?limit=10", "X-Total-Count", "30");
  collection = big_new (fixture->server, TRUE);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 29);

  g_assert_false (row_loaded (collection, 9));
  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  row = g_list_model_get_item (G_LIST_MODEL (collection), 9);
  g_assert_cmpint (cacheit_model_get_int (row, "id"), ==, 11);
  g_assert_cmpuint (cacheit_test_server_count (fixture->server, "/big?limit=10&offset=10"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/cacheit/pages/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("link", test_pages_link);
  ADD ("cursor", test_pages_cursor);
  ADD ("next-url", test_pages_next_url);
  ADD ("offset", test_pages_offset);
  ADD ("page-numbers", test_pages_page_numbers);
  ADD ("failure", test_pages_failure);
  ADD ("cancel", test_pages_cancel);
  ADD ("reload", test_pages_reload);
  ADD ("reload-all", test_pages_reload_all);
  ADD ("prefetch", test_pages_prefetch);
  ADD ("request", test_pages_request);
  ADD ("url-change", test_pages_url_change);
  ADD ("offline-start", test_pages_offline_start);
  ADD ("loop", test_pages_loop);
  ADD ("placeholders/jump", test_placeholders_jump);
  ADD ("placeholders/failure", test_placeholders_failure);
  ADD ("placeholders/reload", test_placeholders_reload);
  ADD ("placeholders/short-first", test_placeholders_short_first);

#undef ADD
#define ADD(path, func) \
  g_test_add ("/cacheit/pushes/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("show", test_pushes_show);
  ADD ("refetch", test_pushes_refetch);

#undef ADD

  return g_test_run ();
}
