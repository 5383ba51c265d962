/* cacheit-collection-sparse.c: the rows of a numbered list of known total
 * that have not loaded yet.
 *
 * Row r after the first page is row (r + page_size) of the list, on page
 * k = (r + page_size) / page_size (0 is the first page), whose URL is the
 * first page's with its page number or offset moved on by k pages. A page
 * is fetched by a page collection (CacheitCollectionSparseOps.new_page),
 * which then holds its data and its items, made on demand as any
 * collection's are.
 *
 * Asking for a row of a page not loaded returns the row's placeholder (the
 * same object each time, until the page arrives) and wants the page. The
 * pages wanted last load first, two at a time, and only the last
 * MAX_WANTED wanted stay wanted: a list dragged through a million rows
 * loads the pages it stops at, not the ones it went past. A failed page is
 * reported (R5) and forgotten, so that asking again retries it.
 *
 * Rows here are positions: a page shows what the server has at that
 * position when it is asked, and an item that moved across pages between
 * two requests may show twice, or not at all, until the list is reloaded.
 * That is the price of jumping; the list without placeholders merges its
 * pages by id instead.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-collection-sparse.h"
#include "cacheit-http.h"
#include "cacheit-model-private.h"
#include "cacheit-resource-private.h"

/* Pages loading at once, and pages waiting to. */
#define MAX_LOADING 2
#define MAX_WANTED  4

typedef struct _Page Page;

struct _CacheitCollectionSparse
{
  CacheitResource                  *collection;  /* Not owned: owns this. */
  const CacheitCollectionSparseOps *ops;
  GType                             item_type;

  char                             *first_url;
  CacheitPaging                     paging;
  char                             *param;
  gint64                            first_value;   /* Of @param in @first_url. */
  guint                             page_size;
  guint                             n_rows;

  GHashTable                       *pages;         /* Page number k → Page. */
  GHashTable                       *placeholders;  /* Row → its placeholder. */
  GQueue                            wanted;        /* Of k: the last first. */
  guint                             n_loading;
  guint                             n_loaded;
  guint                             start_idle;
};

struct _Page
{
  CacheitCollectionSparse *sparse;   /* NULL: abandoned. */
  guint                    k;
  gboolean                 loaded;
  CacheitResource         *page;
  GCancellable            *cancellable;
};

static void
page_free (Page *page)
{
  g_clear_object (&page->page);
  g_clear_object (&page->cancellable);
  g_free (page);
}

/* Removed from the table: a page in flight finishes, and is then dropped. */
static void
page_abandon (Page *page)
{
  if (page->loaded || page->cancellable == NULL)
    {
      page_free (page);
      return;
    }
  page->sparse = NULL;
  g_cancellable_cancel (page->cancellable);
}

static char *
url_of (CacheitCollectionSparse *self,
        guint                    k)
{
  gint64 step = self->paging == CACHEIT_PAGING_OFFSET ? (gint64) k * self->page_size : k;
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, self->first_value + step);

  return _cacheit_http_url_with_params (self->first_url, 1, (const char *[]) { self->param },
                                        (const char *[]) { value });
}

static void start_wanted (CacheitCollectionSparse *self);

static void
page_fetched (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Page *page = user_data;
  CacheitCollectionSparse *self = page->sparse;
  g_autoptr(GError) error = NULL;
  guint start, n;

  g_clear_object (&page->cancellable);
  if (self == NULL)
    {
      page_free (page);
      return;
    }
  self->n_loading--;

  if (!cacheit_resource_fetch_finish (page->page, result, &error))
    {
      /* R5: the rows stay placeholders, and asking again retries. */
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->k));
      _cacheit_resource_report (self->collection, error);
      start_wanted (self);
      return;
    }

  page->loaded = TRUE;
  self->n_loaded++;
  start = (page->k - 1) * self->page_size;
  n = MIN (self->page_size, self->n_rows - start);
  for (guint i = 0; i < n; i++)
    g_hash_table_remove (self->placeholders, GUINT_TO_POINTER (start + i));
  self->ops->rows_changed (self->collection, start, n, n);
  _cacheit_resource_report (self->collection, NULL);
  start_wanted (self);
}

static void
start_wanted (CacheitCollectionSparse *self)
{
  while (self->n_loading < MAX_LOADING && !g_queue_is_empty (&self->wanted))
    {
      guint k = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted));
      g_autofree char *url = url_of (self, k);
      Page *page = g_new0 (Page, 1);

      page->sparse = self;
      page->k = k;
      page->cancellable = g_cancellable_new ();
      page->page = self->ops->new_page (self->collection, url);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (k), page);
      self->n_loading++;
      cacheit_resource_fetch_async (page->page, CACHEIT_FETCH_NONE, page->cancellable, page_fetched, page);
    }
}

static gboolean
start_cb (gpointer user_data)
{
  CacheitCollectionSparse *self = user_data;

  self->start_idle = 0;
  start_wanted (self);

  return G_SOURCE_REMOVE;
}

static void
want (CacheitCollectionSparse *self,
      guint                    k)
{
  GList *link = g_queue_find (&self->wanted, GUINT_TO_POINTER (k));

  if (link != NULL)
    g_queue_delete_link (&self->wanted, link);
  g_queue_push_head (&self->wanted, GUINT_TO_POINTER (k));
  while (self->wanted.length > MAX_WANTED)
    g_queue_pop_tail (&self->wanted);

  /* Not from inside get_item(): the list may be in the middle of a change. */
  if (self->start_idle == 0)
    {
      self->start_idle = g_idle_add_full (G_PRIORITY_DEFAULT, start_cb, self, NULL);
      g_source_set_name_by_id (self->start_idle, "[cacheit] load the rows asked for");
    }
}

gpointer
_cacheit_collection_sparse_get_row (CacheitCollectionSparse *self,
                                    guint                    position)
{
  guint64 row = (guint64) position + self->page_size;
  guint k = row / self->page_size;
  Page *page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (k));
  GObject *placeholder;

  g_return_val_if_fail (position < self->n_rows, NULL);

  if (page != NULL && page->loaded)
    {
      gpointer item = g_list_model_get_item (G_LIST_MODEL (page->page), row % self->page_size);

      /* A page shorter than the others: the rows past it stay as they are. */
      if (item != NULL)
        return item;
    }
  else if (page == NULL)
    want (self, k);

  placeholder = g_hash_table_lookup (self->placeholders, GUINT_TO_POINTER (position));
  if (placeholder == NULL)
    {
      placeholder = G_OBJECT (_cacheit_model_new_placeholder (self->item_type));
      g_hash_table_insert (self->placeholders, GUINT_TO_POINTER (position), placeholder);
    }

  return g_object_ref (placeholder);
}

guint
_cacheit_collection_sparse_get_n_rows (CacheitCollectionSparse *self)
{
  return self->n_rows;
}

guint
_cacheit_collection_sparse_get_n_loaded (CacheitCollectionSparse *self)
{
  return self->n_loaded;
}

CacheitCollectionSparse *
_cacheit_collection_sparse_new (CacheitResource                  *collection,
                                const CacheitCollectionSparseOps *ops,
                                GType                             item_type,
                                const char                       *first_url,
                                CacheitPaging                     paging,
                                const char                       *param,
                                guint                             page_size,
                                guint                             total)
{
  CacheitCollectionSparse *self;
  g_autofree char *first = _cacheit_http_url_get_param (first_url, param);

  g_return_val_if_fail (paging == CACHEIT_PAGING_PAGE || paging == CACHEIT_PAGING_OFFSET, NULL);
  g_return_val_if_fail (page_size > 0, NULL);

  self = g_new0 (CacheitCollectionSparse, 1);
  self->collection = collection;
  self->ops = ops;
  self->item_type = item_type;
  self->first_url = g_strdup (first_url);
  self->paging = paging;
  self->param = g_strdup (param);
  self->first_value = paging == CACHEIT_PAGING_PAGE ? 1 : 0;
  if (first != NULL)
    g_ascii_string_to_signed (first, 10, 0, G_MAXINT64 / 2, &self->first_value, NULL);
  self->page_size = page_size;
  self->n_rows = total > page_size ? total - page_size : 0;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_abandon);
  self->placeholders = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_queue_init (&self->wanted);

  return self;
}

void
_cacheit_collection_sparse_free (CacheitCollectionSparse *self)
{
  g_clear_handle_id (&self->start_idle, g_source_remove);
  g_queue_clear (&self->wanted);
  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->placeholders);
  g_free (self->first_url);
  g_free (self->param);
  g_free (self);
}
