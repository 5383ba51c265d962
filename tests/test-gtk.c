/* test-gtk.c: a collection feeds GTK 4 directly: selection, sort and filter
 * models through property expressions, and a GtkListView whose rows follow a
 * refetch, and one that loads the next page of a paginated collection as it
 * is scrolled to the bottom, and one over a million placeholder rows that
 * loads only the page it is scrolled to. The list models need no display;
 * the window part runs under
 * xvfb-run (meson does that when it is installed) and is skipped without a
 * display.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gtk/gtk.h>
#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"
#include "test-row.h"

static CacheitTestServer *server;
static gboolean have_display;

static CacheitCollection *
fetch_collection (const char *json)
{
  g_autofree char *url = cacheit_test_server_url (server, "/people");
  CacheitCollection *collection = cacheit_collection_new (TEST_TYPE_ROW, url);
  g_autoptr(GError) error = NULL;

  cacheit_test_server_set (server, "/people", 200, json);
  cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_NONE, NULL, &error);
  g_assert_no_error (error);

  return collection;
}

static void
refetch (CacheitCollection *collection,
         const char        *json)
{
  g_autoptr(GError) error = NULL;

  cacheit_test_server_set (server, "/people", 200, json);
  cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD, NULL, &error);
  g_assert_no_error (error);
}

static char *
names_of (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TestRow) row = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s", i > 0 ? " " : "", row->name);
    }

  return g_string_free (s, FALSE);
}

static const char *PEOPLE =
  "[{\"id\": 1, \"name\": \"ada\", \"rank\": 3},"
  " {\"id\": 2, \"name\": \"bob\", \"rank\": 1},"
  " {\"id\": 3, \"name\": \"cyd\", \"rank\": 2},"
  " {\"id\": 4, \"name\": \"abe\", \"rank\": 4}]";

static void
test_sort_filter (void)
{
  g_autoptr(CacheitCollection) collection = fetch_collection (PEOPLE);
  g_autoptr(GtkSortListModel) sorted = NULL;
  g_autoptr(GtkFilterListModel) filtered = NULL;
  GtkNumericSorter *sorter;
  GtkStringFilter *filter;
  g_autofree char *by_rank = NULL;
  g_autofree char *with_a = NULL;
  g_autofree char *after = NULL;

  g_test_summary ("GtkSortListModel and GtkFilterListModel over a collection, through "
                  "GtkPropertyExpression on typed item properties, following refetches");

  sorter = gtk_numeric_sorter_new (gtk_property_expression_new (TEST_TYPE_ROW, NULL, "rank"));
  sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (collection)), GTK_SORTER (sorter));
  by_rank = names_of (G_LIST_MODEL (sorted));
  g_assert_cmpstr (by_rank, ==, "bob cyd ada abe");

  filter = gtk_string_filter_new (gtk_property_expression_new (TEST_TYPE_ROW, NULL, "name"));
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_PREFIX);
  gtk_string_filter_set_search (filter, "a");
  filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (sorted)), GTK_FILTER (filter));
  with_a = names_of (G_LIST_MODEL (filtered));
  g_assert_cmpstr (with_a, ==, "ada abe");

  /* A refetch removes bob and adds amy: both models follow the splices. */
  refetch (collection,
           "[{\"id\": 1, \"name\": \"ada\", \"rank\": 3},"
           " {\"id\": 3, \"name\": \"cyd\", \"rank\": 2},"
           " {\"id\": 4, \"name\": \"abe\", \"rank\": 4},"
           " {\"id\": 5, \"name\": \"amy\", \"rank\": 0}]");
  after = names_of (G_LIST_MODEL (filtered));
  g_assert_cmpstr (after, ==, "amy ada abe");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sorted)), ==, 4);
}

static void
test_selection (void)
{
  g_autoptr(CacheitCollection) collection = fetch_collection (PEOPLE);
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autoptr(GtkNoSelection) none = NULL;
  g_autoptr(TestRow) selected = NULL;

  g_test_summary ("GtkSingleSelection and GtkNoSelection take a collection as it is; the "
                  "selected item keeps its object across a refetch");

  none = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (collection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (none)), ==, 4);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (collection)));
  gtk_single_selection_set_selected (selection, 2);
  selected = g_object_ref (gtk_single_selection_get_selected_item (selection));
  g_assert_cmpstr (selected->name, ==, "cyd");

  /* bob and abe go; cyd stays (not moved), renamed. */
  refetch (collection,
           "[{\"id\": 1, \"name\": \"ada\", \"rank\": 3}, {\"id\": 3, \"name\": \"cyd!\", \"rank\": 2}]");
  g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) selected);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 1);
  g_assert_cmpstr (selected->name, ==, "cyd!");
}

/* The window */

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         GHashTable               *labels)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  GObject *row = gtk_list_item_get_item (item);
  GBinding *binding;

  binding = g_object_bind_property (row, "name", label, "label", G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "binding", binding);
  g_hash_table_insert (labels, row, label);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           GHashTable               *labels)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "binding");

  g_hash_table_remove (labels, gtk_list_item_get_item (item));
  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
test_list_view (void)
{
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new (NULL, NULL);
  g_autoptr(TestRow) ada = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window, *view;
  GtkLabel *label;

  g_test_summary ("A GtkListView shows a collection, rows bound to typed properties, "
                  "updated live by a refetch");

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }

  collection = fetch_collection (PEOPLE);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), labels);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), labels);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (collection)))),
                            factory);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 400);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));

  ada = TEST_ROW (cacheit_collection_get_by_id (collection, "1"));
  cacheit_test_wait_until (g_hash_table_size (labels) >= 4);
  g_assert_cmpuint (g_hash_table_size (labels), ==, 4);
  label = g_hash_table_lookup (labels, ada);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "ada");

  /* A refetch renames ada in place: the row's label follows, same object. */
  refetch (collection,
           "[{\"id\": 1, \"name\": \"Ada Lovelace\", \"rank\": 3},"
           " {\"id\": 2, \"name\": \"bob\", \"rank\": 1},"
           " {\"id\": 3, \"name\": \"cyd\", \"rank\": 2},"
           " {\"id\": 4, \"name\": \"abe\", \"rank\": 4}]");
  cacheit_test_drain ();
  label = g_hash_table_lookup (labels, ada);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "Ada Lovelace");

  gtk_window_destroy (GTK_WINDOW (window));
  cacheit_test_drain ();
}

/* Serves @path as @n_pages pages of FEED_PAGE rows, Link-paged. More rows
 * than GtkListView keeps widgets for (200 in GTK 4.8), so that only a scroll
 * reaches the end of a page. */
#define FEED_PAGE 500
static void
serve_feed (const char *base,
            guint       n_pages)
{
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autoptr(GString) json = g_string_new ("[");
      g_autofree char *path = page == 1 ? g_strdup (base) : g_strdup_printf ("%s?page=%u", base, page);

      for (guint i = 0; i < FEED_PAGE; i++)
        g_string_append_printf (json, "%s{\"id\": %u, \"name\": \"row %u\"}", i > 0 ? ", " : "",
                                (page - 1) * FEED_PAGE + i + 1, (page - 1) * FEED_PAGE + i + 1);
      g_string_append_c (json, ']');
      cacheit_test_server_set (server, path, 200, json->str);
      if (page < n_pages)
        {
          g_autofree char *link = g_strdup_printf ("<%s?page=%u>; rel=\"next\"", base, page + 1);

          cacheit_test_server_set_header (server, path, "Link", link);
        }
    }
}

static void
edge_reached_cb (GtkScrolledWindow *scrolled,
                 GtkPositionType    pos,
                 CacheitCollection *collection)
{
  if (pos == GTK_POS_BOTTOM)
    cacheit_collection_load_more_async (collection, NULL, NULL, NULL);
}

static void
test_list_view_pages (gconstpointer data)
{
  gboolean edge_reached = GPOINTER_TO_INT (data);
  const char *base;
  g_autofree char *page_2 = NULL;
  g_autofree char *url = NULL;
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window, *view, *scrolled;
  GtkAdjustment *adjustment;

  g_test_summary ("A GtkListView scrolled to the bottom of a paginated collection loads "
                  "the next page, once: with prefetch-distance, or with the "
                  "GtkScrolledWindow::edge-reached recipe; nothing before it scrolls");
  g_test_bug ("issue 16: paginated collections");

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }

  /* A path of each test's own: the server counts requests for the run. */
  base = edge_reached ? "/feed-edge" : "/feed-prefetch";
  page_2 = g_strdup_printf ("%s?page=2", base);
  serve_feed (base, 3);
  url = cacheit_test_server_url (server, base);
  collection = cacheit_collection_new (TEST_TYPE_ROW, url);
  if (!edge_reached)
    cacheit_collection_set_prefetch_distance (collection, 10);
  cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD, NULL, &error);
  g_assert_no_error (error);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), labels);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), labels);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (collection)))),
                            factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  if (edge_reached)
    g_signal_connect (scrolled, "edge-reached", G_CALLBACK (edge_reached_cb), collection);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 300);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));

  cacheit_test_wait_until (g_hash_table_size (labels) > 0);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (server, page_2), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, FEED_PAGE);

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  cacheit_test_wait_until (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment));
  /* As the End key does. (In GTK 4.8, a GtkListView does not follow a
   * gtk_adjustment_set_value() made before it scrolled once.) */
  gtk_widget_activate_action (view, "list.scroll-to-item", "u", FEED_PAGE - 1);
  cacheit_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (collection)) == 2 * FEED_PAGE);
  cacheit_test_drain ();
  g_assert_cmpuint (cacheit_test_server_count (server, page_2), ==, 1);
  g_assert_cmpuint (cacheit_collection_get_n_pages (collection), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  cacheit_test_drain ();
}

/* A million rows by offset, 1,000 a page, of which the first page and the
 * one of row 500,500 are served. */
static void
serve_million (void)
{
  for (guint offset = 0; offset <= 500000; offset += 500000)
    {
      g_autoptr(GString) json = g_string_new ("[");
      g_autofree char *path = offset == 0 ? g_strdup ("/million?limit=1000")
                                          : g_strdup_printf ("/million?limit=1000&offset=%u", offset);

      for (guint i = 0; i < 1000; i++)
        g_string_append_printf (json, "%s{\"id\": %u, \"name\": \"row %u\"}", i > 0 ? ", " : "",
                                offset + i + 1, offset + i + 1);
      g_string_append_c (json, ']');
      cacheit_test_server_set (server, path, 200, json->str);
      cacheit_test_server_set_header (server, path, "X-Total-Count", "1000000");
    }
}

static void
test_list_view_placeholders (void)
{
  g_autofree char *url = NULL;
  g_autoptr(CacheitCollection) collection = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new (NULL, NULL);
  g_autoptr(TestRow) row = NULL;
  GtkListItemFactory *factory;
  GtkWidget *window, *view, *scrolled;
  GtkAdjustment *adjustment;
  g_autofree char *arrivals_before = NULL;

  g_test_summary ("A GtkListView over a million rows with placeholders has the scrollbar "
                  "of a million from the first page; scrolled to row 500,500 it loads "
                  "that row's page, and no other, and shows its items");
  g_test_bug ("issue 16: placeholders for a known total");

  if (!have_display)
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }

  serve_million ();
  url = cacheit_test_server_url (server, "/million?limit=1000");
  collection = g_object_new (CACHEIT_TYPE_COLLECTION,
                             "url", url,
                             "item-type", TEST_TYPE_ROW,
                             "paging", CACHEIT_PAGING_OFFSET,
                             "page-param", "offset",
                             "limit-param", "limit",
                             "placeholders", TRUE,
                             "snapshot-policy", CACHEIT_SNAPSHOT_NONE,
                             NULL);
  cacheit_test_fetch_ok (collection, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 1000000);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), labels);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), labels);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (collection)))),
                            factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 300);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));

  /* The scrollbar is a million rows long before anything scrolls. */
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  cacheit_test_wait_until (gtk_adjustment_get_upper (adjustment) > 10000 * gtk_adjustment_get_page_size (adjustment));
  cacheit_test_drain ();
  arrivals_before = g_strdup (cacheit_test_server_arrivals (server));
  g_assert_cmpuint (cacheit_test_server_count (server, "/million?limit=1000&offset=500000"), ==, 0);

  gtk_widget_activate_action (view, "list.scroll-to-item", "u", 500500);
  cacheit_test_wait_until (cacheit_collection_get_n_pages (collection) == 2);
  cacheit_test_drain ();

  /* One request more: that page's. */
  g_assert_cmpuint (cacheit_test_server_count (server, "/million?limit=1000&offset=500000"), ==, 1);
  g_assert_cmpuint (strlen (cacheit_test_server_arrivals (server)), ==, strlen (arrivals_before) + strlen ("/million "));
  row = g_list_model_get_item (G_LIST_MODEL (collection), 500500);
  g_assert_true (cacheit_model_get_loaded (CACHEIT_MODEL (row)));
  cacheit_test_wait_until (g_hash_table_contains (labels, row));
  g_assert_cmpstr (gtk_label_get_label (g_hash_table_lookup (labels, row)), ==, "row 500501");

  gtk_window_destroy (GTK_WINDOW (window));
  cacheit_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  have_display = gtk_init_check ();
  server = cacheit_test_server_new ();

  g_test_add_func ("/cacheit/gtk/sort-filter", test_sort_filter);
  g_test_add_func ("/cacheit/gtk/selection", test_selection);
  g_test_add_func ("/cacheit/gtk/list-view", test_list_view);
  g_test_add_data_func ("/cacheit/gtk/pages/prefetch", GINT_TO_POINTER (FALSE), test_list_view_pages);
  g_test_add_data_func ("/cacheit/gtk/pages/edge-reached", GINT_TO_POINTER (TRUE), test_list_view_pages);
  g_test_add_func ("/cacheit/gtk/pages/placeholders", test_list_view_placeholders);

  ret = g_test_run ();
  cacheit_test_server_free (server);

  return ret;
}
