/* cacheit-collection-pages.c: the pages of a paginated collection.
 *
 * The first page is the collection's own data: its fetch, its snapshot, its
 * reload. Each later page is fetched by a page collection made for it
 * (CacheitCollectionPagesOps.new_page), which follows the collection in
 * its session, ::request handlers and settings (R14), so that a page is a
 * fetch like any other: retried, limited by max-size, decoded off the main
 * thread. The page's data is then merged into the list by id
 * (_cacheit_index_merge_page) in a worker thread, and shown with the fewest
 * splices. One page loads at a time; who asks meanwhile joins it (R1, R2),
 * each caller completed alone if it cancels (R6). A failed page changes
 * nothing and is asked for again next time (R5).
 *
 * Writes and pages: while the collection's writes wait, no page is asked
 * for, and a page answered across a write is asked for again, as fetches
 * are (cacheit-resource-private.h), so that the data a write confirms is
 * never one a page changed meanwhile.
 *
 * This unit owns the paging settings and state below; it changes the list
 * only through the ops, and calls only the public API of CacheitResource
 * and its private hooks. Main context only, but for the merge.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "cacheit-callers.h"
#include "cacheit-collection.h"
#include "cacheit-collection-pages.h"
#include "cacheit-collection-sparse.h"
#include "cacheit-enums.h"
#include "cacheit-fetch-result.h"
#include "cacheit-http.h"
#include "cacheit-resource-private.h"
#include "cacheit-write-queue.h"

typedef struct _Load Load;

struct _CacheitCollectionPages
{
  CacheitResource                 *collection;  /* Not owned: owns this. */
  const CacheitCollectionPagesOps *ops;
  GParamSpec                     **pspecs;

  /* Settings. */
  CacheitPaging                    paging;
  char                            *next_pointer;
  char                            *page_param;
  char                            *limit_param;
  char                            *total_pointer;
  gboolean                         reload_all;
  guint                            prefetch_distance;
  gboolean                         placeholders;

  /* The pages in the list, as received (CacheitIndex), the first first;
   * the URL of the next one (NULL: none), and the total the server gave
   * (-1: none). */
  GPtrArray                       *pages;
  GHashTable                      *urls;      /* Of the pages in the list. */
  char                            *next_url;
  gint64                           total;

  /* The page being loaded (NULL: none), and who waits for it. */
  Load                            *load;
  CacheitCallers                   callers;
  /* With reload-all-pages, after a new first page: the old pages after it
   * (CacheitIndex), each to be replaced by its new one, in order. */
  GPtrArray                       *stale;

  guint                            prefetch_idle;
  gulong                           url_handler;

  /* With placeholders and a total: the rows after the first page. */
  CacheitCollectionSparse         *sparse;
};

/* One page being loaded. It outlives its owner's interest in it: @pages
 * is NULL once it was abandoned (a reload, a change of URL, dispose). */
struct _Load
{
  CacheitCollectionPages *pages;
  CacheitResource        *page;         /* The page collection. */
  GCancellable           *cancellable;
  gulong                  saving_handler;
  guint                   epoch;        /* Of the writes, when it was asked. */
  gboolean                in_flight;    /* A callback of it is to come. */
};

/* Settings as properties */

/* The pages in the list: with placeholders, the first and those loaded. */
static guint
n_pages (CacheitCollectionPages *self)
{
  return self->pages->len + (self->sparse != NULL ? _cacheit_collection_sparse_get_n_loaded (self->sparse) : 0);
}

static gssize pages_offset;

static CacheitCollectionPages *
pages_of (CacheitCollection *collection)
{
  return G_STRUCT_MEMBER (CacheitCollectionPages *, collection, pages_offset);
}

void
_cacheit_collection_pages_class_init (GParamSpec **pspecs,
                                      gssize       offset)
{
  pages_offset = offset;

  /**
   * CacheitCollection:paging:
   *
   * Where the next page of the list comes from; see “Pages” in
   * [class@Collection]. The default, `CACHEIT_PAGING_LINK`, follows the
   * `Link` header's `rel="next"` when a response has one: a list that is
   * not paged behaves as before.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_PAGING] =
    g_param_spec_enum ("paging", NULL, NULL,
                       CACHEIT_TYPE_PAGING, CACHEIT_PAGING_LINK,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:next-pointer:
   *
   * A JSON Pointer (RFC 6901) to the next page's URL
   * (`CACHEIT_PAGING_NEXT_URL`, such as `/next`) or cursor
   * (`CACHEIT_PAGING_CURSOR`, such as `/meta/next_cursor`) in a response,
   * read from the response as it came, not from under
   * [property@Resource:root-pointer].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_NEXT_POINTER] =
    g_param_spec_string ("next-pointer", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:page-param:
   *
   * The query parameter that names a page: the cursor's
   * (`CACHEIT_PAGING_CURSOR`, such as `"cursor"` or `"max_id"`), the
   * offset's (`CACHEIT_PAGING_OFFSET`, such as `"offset"` or `"_start"`),
   * or the page number's (`CACHEIT_PAGING_PAGE`, such as `"page"` or
   * `"_page"`). The first page is [property@Resource:url] as it is.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_PAGE_PARAM] =
    g_param_spec_string ("page-param", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:limit-param:
   *
   * The query parameter of the URL that gives the page size (such as
   * `"limit"`, `"per_page"` or `"_limit"`), if any: with
   * `CACHEIT_PAGING_OFFSET` and `CACHEIT_PAGING_PAGE`, a page shorter than
   * that is the last. Without it, only an empty page is.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_LIMIT_PARAM] =
    g_param_spec_string ("limit-param", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:total-pointer:
   *
   * A JSON Pointer (RFC 6901) to the number of items of the whole list in
   * the first page's response (such as `/total_count`), read into
   * [property@Collection:total]. Without it, an `X-Total-Count` header
   * gives the total.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_TOTAL_POINTER] =
    g_param_spec_string ("total-pointer", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:reload-all-pages:
   *
   * Whether a new first page (a reload, a stale revalidation) is followed
   * by a new fetch of every other page that was loaded, in order, each
   * replacing its old items where they are. By default the pages after the
   * first are dropped, with exact [signal@Gio.ListModel::items-changed].
   * Either way there are never more requests than pages, and a `304` on
   * the first page keeps every page as it is.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_RELOAD_ALL_PAGES] =
    g_param_spec_boolean ("reload-all-pages", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:prefetch-distance:
   *
   * When [method@Gio.ListModel.get_item] asks for an item this close to
   * the end of the list (or closer), the next page starts loading, as the
   * list scrolls. 0, the default, loads pages only when
   * [method@Collection.load_more_async] asks: a `GtkSortListModel` or a
   * `GtkFilterListModel` over the collection asks for every item, and
   * would load every page.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_PREFETCH_DISTANCE] =
    g_param_spec_uint ("prefetch-distance", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:placeholders:
   *
   * Whether a list numbered by pages or offsets (`CACHEIT_PAGING_PAGE`,
   * `CACHEIT_PAGING_OFFSET`) whose first page gives the total
   * ([property@Collection:total]) is as long as the total at once: the
   * rows not loaded yet are placeholders ([property@Model:loaded] `FALSE`),
   * and asking for one ([method@Gio.ListModel.get_item], as a
   * `GtkListView` does for the rows it shows) loads its page, and that
   * page alone, which then replaces them. The scrollbar is right from the
   * start, and a jump to row 500,000 of a million asks for one page.
   *
   * Rows are then positions: pages are not merged by id, an item that
   * moved between pages across requests may show twice until a reload,
   * and the list has no more pages to load
   * ([property@Collection:has-more] `FALSE`). A new first page (a reload)
   * turns the other rows back into placeholders; a `304` keeps them. A
   * page that fails stays placeholders, is reported as a fetch's error is,
   * and is asked for again when one of its rows is. Without a total (a
   * first page read from a snapshot has no headers) the list is the first
   * page.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_PLACEHOLDERS] =
    g_param_spec_boolean ("placeholders", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:has-more:
   *
   * Whether the last page loaded says a next one exists. FALSE before the
   * first page, and after a first page read from a snapshot with
   * `CACHEIT_PAGING_LINK` (its `Link` header is not kept) until the server
   * confirms it.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:loading-more:
   *
   * Whether a page after the first is being loaded; the first page's
   * fetches show in [property@Resource:fetching].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_LOADING_MORE] =
    g_param_spec_boolean ("loading-more", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:n-pages:
   *
   * How many pages are in the list: 1 once the first is, 0 before.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:total:
   *
   * The number of items of the whole list, as the first page's response
   * gave it ([property@Collection:total-pointer], or its `X-Total-Count`
   * header), or -1 when it did not.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_PAGES_PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
notify (CacheitCollectionPages *self,
        CacheitPagesProp        prop)
{
  g_object_notify_by_pspec (G_OBJECT (self->collection), self->pspecs[prop]);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
_cacheit_collection_pages_get_property (CacheitCollectionPages *self,
                                        CacheitPagesProp        prop,
                                        GValue                 *value)
{
  switch (prop)
    {
    case CACHEIT_PAGES_PROP_PAGING:
      g_value_set_enum (value, self->paging);
      break;
    case CACHEIT_PAGES_PROP_NEXT_POINTER:
      g_value_set_string (value, self->next_pointer);
      break;
    case CACHEIT_PAGES_PROP_PAGE_PARAM:
      g_value_set_string (value, self->page_param);
      break;
    case CACHEIT_PAGES_PROP_LIMIT_PARAM:
      g_value_set_string (value, self->limit_param);
      break;
    case CACHEIT_PAGES_PROP_TOTAL_POINTER:
      g_value_set_string (value, self->total_pointer);
      break;
    case CACHEIT_PAGES_PROP_RELOAD_ALL_PAGES:
      g_value_set_boolean (value, self->reload_all);
      break;
    case CACHEIT_PAGES_PROP_PREFETCH_DISTANCE:
      g_value_set_uint (value, self->prefetch_distance);
      break;
    case CACHEIT_PAGES_PROP_PLACEHOLDERS:
      g_value_set_boolean (value, self->placeholders);
      break;
    case CACHEIT_PAGES_PROP_HAS_MORE:
      g_value_set_boolean (value, self->next_url != NULL);
      break;
    case CACHEIT_PAGES_PROP_LOADING_MORE:
      g_value_set_boolean (value, self->load != NULL);
      break;
    case CACHEIT_PAGES_PROP_N_PAGES:
      g_value_set_uint (value, n_pages (self));
      break;
    case CACHEIT_PAGES_PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;
    case CACHEIT_PAGES_N_PROPS:
    default:
      g_assert_not_reached ();
    }
}

void
_cacheit_collection_pages_set_property (CacheitCollectionPages *self,
                                        CacheitPagesProp        prop,
                                        const GValue           *value)
{
  gboolean changed = FALSE;

  switch (prop)
    {
    case CACHEIT_PAGES_PROP_PAGING:
      changed = self->paging != (CacheitPaging) g_value_get_enum (value);
      self->paging = g_value_get_enum (value);
      break;
    case CACHEIT_PAGES_PROP_NEXT_POINTER:
      g_return_if_fail (g_value_get_string (value) == NULL ||
                        _cacheit_json_pointer_is_valid (g_value_get_string (value)));
      changed = set_string (&self->next_pointer, g_value_get_string (value));
      break;
    case CACHEIT_PAGES_PROP_PAGE_PARAM:
      changed = set_string (&self->page_param, g_value_get_string (value));
      break;
    case CACHEIT_PAGES_PROP_LIMIT_PARAM:
      changed = set_string (&self->limit_param, g_value_get_string (value));
      break;
    case CACHEIT_PAGES_PROP_TOTAL_POINTER:
      g_return_if_fail (g_value_get_string (value) == NULL ||
                        _cacheit_json_pointer_is_valid (g_value_get_string (value)));
      changed = set_string (&self->total_pointer, g_value_get_string (value));
      break;
    case CACHEIT_PAGES_PROP_RELOAD_ALL_PAGES:
      changed = self->reload_all != g_value_get_boolean (value);
      self->reload_all = g_value_get_boolean (value);
      break;
    case CACHEIT_PAGES_PROP_PREFETCH_DISTANCE:
      changed = self->prefetch_distance != g_value_get_uint (value);
      self->prefetch_distance = g_value_get_uint (value);
      break;
    case CACHEIT_PAGES_PROP_PLACEHOLDERS:
      changed = self->placeholders != g_value_get_boolean (value);
      self->placeholders = g_value_get_boolean (value);
      break;
    case CACHEIT_PAGES_PROP_HAS_MORE:
    case CACHEIT_PAGES_PROP_LOADING_MORE:
    case CACHEIT_PAGES_PROP_N_PAGES:
    case CACHEIT_PAGES_PROP_TOTAL:
    case CACHEIT_PAGES_N_PROPS:
    default:
      g_assert_not_reached ();
    }

  /* A change applies from the next page read: the pages in hand stay. */
  if (changed)
    notify (self, prop);
}

/* Where the next page is */

/* The value at @pointer in the response @page was decoded from, as a
 * string (a number in its decimal form), or NULL when it is missing, null,
 * "" or not a scalar. */
static char *
dup_pointer_value (CacheitIndex *page,
                   const char   *pointer)
{
  gsize length;
  const char *data;
  g_autoptr(JsonNode) node = NULL;

  if (pointer == NULL || page == NULL)
    return NULL;
  data = g_bytes_get_data (page->body, &length);
  node = _cacheit_decode_node (data, length, pointer, CACHEIT_SHAPE_ANY, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return *json_node_get_string (node) != '\0' ? g_strdup (json_node_get_string (node)) : NULL;
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

/* @url with its @param moved on by @step from @first when it has none. */
static char *
url_stepped (const char *url,
             const char *param,
             gint64      first,
             gint64      step)
{
  g_autofree char *current = _cacheit_http_url_get_param (url, param);
  g_autofree char *value = NULL;
  gint64 n = first;

  if (current != NULL && !g_ascii_string_to_signed (current, 10, 0, G_MAXINT64 / 2, &n, NULL))
    return NULL;
  value = g_strdup_printf ("%" G_GINT64_FORMAT, n + step);

  return _cacheit_http_url_with_params (url, 1, (const char *[]) { param }, (const char *[]) { value });
}

/* Whether @page, at @url, is the last of a numbered list: empty, or
 * shorter than its limit, or nothing new in it (a server that ignores the
 * page parameter would otherwise be asked for ever). */
static gboolean
is_last_numbered (CacheitCollectionPages *self,
                  const char             *url,
                  CacheitIndex           *page,
                  guint                   added)
{
  g_autofree char *limit = self->limit_param != NULL ? _cacheit_http_url_get_param (url, self->limit_param) : NULL;
  guint64 n;

  if (page->n_items == 0 || added == 0)
    return TRUE;

  return limit != NULL && g_ascii_string_to_unsigned (limit, 10, 1, G_MAXUINT, &n, NULL) && page->n_items < n;
}

/* The URL of the page after @page, which came from @url with @headers
 * (NULL: from a snapshot) and added @added new items to the list; NULL
 * when there is none. */
static char *
next_url_after (CacheitCollectionPages *self,
                const char             *url,
                CacheitIndex           *page,
                SoupMessageHeaders     *headers,
                guint                   added)
{
  g_autofree char *value = NULL;
  const char *link = headers != NULL ? soup_message_headers_get_list (headers, "Link") : NULL;

  if (url == NULL)
    return NULL;

  switch (self->paging)
    {
    case CACHEIT_PAGING_LINK:
      return link != NULL ? _cacheit_http_link_target (link, "next", url) : NULL;

    case CACHEIT_PAGING_NEXT_URL:
      value = dup_pointer_value (page, self->next_pointer);
      return value != NULL ? g_uri_resolve_relative (url, value, G_URI_FLAGS_NONE, NULL) : NULL;

    case CACHEIT_PAGING_CURSOR:
      value = dup_pointer_value (page, self->next_pointer);
      if (value == NULL || self->page_param == NULL)
        return NULL;
      return _cacheit_http_url_with_params (url, 1, (const char *[]) { self->page_param },
                                            (const char *[]) { value });

    case CACHEIT_PAGING_OFFSET:
      if (self->page_param == NULL || is_last_numbered (self, url, page, added))
        return NULL;
      return url_stepped (url, self->page_param, 0, page->n_items);

    case CACHEIT_PAGING_PAGE:
      if (self->page_param == NULL || is_last_numbered (self, url, page, added))
        return NULL;
      return url_stepped (url, self->page_param, 1, 1);

    case CACHEIT_PAGING_NONE:
    default:
      return NULL;
    }
}

static gint64
total_of (CacheitCollectionPages *self,
          CacheitIndex           *page,
          SoupMessageHeaders     *headers)
{
  g_autofree char *value = NULL;
  const char *header = headers != NULL ? soup_message_headers_get_one (headers, "X-Total-Count") : NULL;
  gint64 total;

  if (self->total_pointer != NULL)
    header = value = dup_pointer_value (page, self->total_pointer);
  if (header == NULL || !g_ascii_string_to_signed (header, 10, 0, G_MAXINT64, &total, NULL))
    return -1;

  return total;
}

/* The next page is @next_url (transfer full, nullable): none when it is
 * one the list has already, which a server that links a page to itself, or
 * back, would have us ask for again and again. */
static void
set_next_url (CacheitCollectionPages *self,
              const char             *url,
              char                   *next_url)
{
  gboolean had_more = self->next_url != NULL;

  if (url != NULL)
    g_hash_table_add (self->urls, g_strdup (url));
  if (next_url != NULL && g_hash_table_contains (self->urls, next_url))
    {
      g_debug ("The next page of %s is one it has already: %s", url, next_url);
      g_clear_pointer (&next_url, g_free);
    }

  g_free (self->next_url);
  self->next_url = next_url;
  if (had_more != (next_url != NULL))
    notify (self, CACHEIT_PAGES_PROP_HAS_MORE);
}

static void
set_total (CacheitCollectionPages *self,
           gint64                  total)
{
  if (self->total == total)
    return;
  self->total = total;
  notify (self, CACHEIT_PAGES_PROP_TOTAL);
}

/* Loading a page */

static void load_start (CacheitCollectionPages *self);

static void
load_free (Load *load)
{
  g_assert (load->saving_handler == 0);
  g_clear_object (&load->page);
  g_clear_object (&load->cancellable);
  g_free (load);
}

/* Ends the load in hand: its callers get @error (NULL: success). */
static void
load_end (CacheitCollectionPages *self,
          const GError           *error)
{
  Load *load = self->load;
  g_autoptr(CacheitFetchResult) result = NULL;
  GQueue callers;

  if (load == NULL)
    return;

  self->load = NULL;
  if (load->saving_handler != 0)
    g_clear_signal_handler (&load->saving_handler, self->collection);
  /* What is in flight finishes on its own, and is then ignored. */
  load->pages = NULL;
  if (load->in_flight)
    g_cancellable_cancel (load->cancellable);
  else
    load_free (load);

  callers = _cacheit_callers_take (&self->callers);
  result = _cacheit_fetch_result_new (G_OBJECT (self->collection), self->callers.source_tag, error);
  notify (self, CACHEIT_PAGES_PROP_LOADING_MORE);
  _cacheit_callers_complete_taken (&self->callers, &callers, G_ASYNC_RESULT (result));
}

static gboolean
writes_moved (CacheitCollectionPages *self,
              Load                   *load)
{
  return cacheit_resource_get_saving (self->collection) ||
         load->epoch != _cacheit_write_queue_get_epoch (_cacheit_resource_get_writes (self->collection));
}

typedef struct
{
  Load         *load;
  CacheitIndex *base;
  CacheitIndex *old_page;
  CacheitIndex *page;
  CacheitIndex *merged;
  CacheitDiff  *diff;
} Merge;

static void
merge_free (Merge *merge)
{
  g_clear_pointer (&merge->base, _cacheit_index_unref);
  g_clear_pointer (&merge->old_page, _cacheit_index_unref);
  g_clear_pointer (&merge->page, _cacheit_index_unref);
  g_clear_pointer (&merge->merged, _cacheit_index_release);
  g_clear_pointer (&merge->diff, _cacheit_diff_free);
  g_free (merge);
}

static void
merge_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Merge *merge = task_data;

  merge->merged = _cacheit_index_merge_page (merge->base, merge->old_page, merge->page, G_MAXUINT);
  merge->diff = _cacheit_diff_new (merge->base, merge->merged);
  g_task_return_boolean (task, TRUE);
}

/* After a page is in the list: the pages after it with reload-all-pages
 * that the server no longer has go. */
static void
drop_stale (CacheitCollectionPages *self)
{
  g_autoptr(CacheitIndex) empty = _cacheit_index_edit (NULL, NULL, 0, NULL, 0, "id");

  for (guint i = 0; self->stale != NULL && i < self->stale->len; i++)
    {
      CacheitIndex *base = self->ops->get_index (self->collection);
      CacheitIndex *merged = _cacheit_index_merge_page (base, g_ptr_array_index (self->stale, i), empty, G_MAXUINT);

      self->ops->show (self->collection, merged, _cacheit_diff_new (base, merged), base, NULL);
      _cacheit_index_release (merged);
    }
  g_clear_pointer (&self->stale, g_ptr_array_unref);
}

static void
merged_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Merge *merge = g_task_get_task_data (G_TASK (result));
  Load *load = merge->load;
  CacheitCollectionPages *self = load->pages;
  const char *url;
  guint n_before;
  guint added;
  char *next;

  load->in_flight = FALSE;
  if (self == NULL)
    {
      load_free (load);
      return;
    }

  /* A write was answered meanwhile: the page is asked for again. */
  if (writes_moved (self, load))
    {
      load_start (self);
      return;
    }

  url = cacheit_resource_get_url (load->page);
  n_before = merge->base != NULL ? merge->base->n_items : 0;
  self->ops->show (self->collection, merge->merged, g_steal_pointer (&merge->diff), merge->base,
                   merge->page);

  /* A page fetched again counts whole; a new one, by what it added. */
  added = merge->old_page != NULL ? merge->page->n_items
                                  : merge->merged->n_items - MIN (n_before, merge->merged->n_items);
  if (merge->old_page != NULL)
    g_ptr_array_remove_index (self->stale, 0);
  g_ptr_array_add (self->pages, _cacheit_index_ref (merge->page));
  notify (self, CACHEIT_PAGES_PROP_N_PAGES);

  next = next_url_after (self, url, merge->page, cacheit_resource_get_response_headers (load->page), added);
  set_next_url (self, url, next);

  /* With reload-all-pages, the next old page is asked for again. */
  if (self->stale != NULL && self->stale->len > 0 && self->next_url != NULL)
    {
      load_start (self);
      return;
    }
  drop_stale (self);
  _cacheit_resource_report (self->collection, NULL);
  load_end (self, NULL);
}

static void
page_fetched (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;
  CacheitCollectionPages *self = load->pages;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  CacheitIndex *base;
  Merge *merge;

  load->in_flight = FALSE;
  if (self == NULL)
    {
      load_free (load);
      return;
    }

  if (!cacheit_resource_fetch_finish (load->page, result, &error))
    {
      /* R5: what is loaded stays, and the next call asks for this page. */
      g_clear_pointer (&self->stale, g_ptr_array_unref);
      _cacheit_resource_report (self->collection, error);
      load_end (self, error);
      return;
    }

  if (writes_moved (self, load))
    {
      load_start (self);
      return;
    }

  base = self->ops->get_index (self->collection);
  merge = g_new0 (Merge, 1);
  merge->load = load;
  merge->base = base != NULL ? _cacheit_index_ref (base) : NULL;
  merge->old_page = self->stale != NULL && self->stale->len > 0 ? _cacheit_index_ref (g_ptr_array_index (self->stale, 0)) : NULL;
  merge->page = _cacheit_index_ref (self->ops->get_index (load->page));

  task = g_task_new (NULL, NULL, merged_cb, NULL);
  g_task_set_source_tag (task, page_fetched);
  g_task_set_name (task, "[cacheit] merge a page");
  g_task_set_task_data (task, merge, (GDestroyNotify) merge_free);
  load->in_flight = TRUE;
  g_task_run_in_thread (task, merge_in_thread);
}

static void
saving_changed (GObject    *object,
                GParamSpec *pspec,
                gpointer    user_data)
{
  CacheitCollectionPages *self = user_data;

  if (!cacheit_resource_get_saving (self->collection))
    {
      g_clear_signal_handler (&self->load->saving_handler, self->collection);
      load_start (self);
    }
}

/* Asks for the next page, for the load in hand: once no write waits. */
static void
load_start (CacheitCollectionPages *self)
{
  Load *load = self->load;

  /* Asked again (a write was answered, or the next old page): the last
   * request of this load has ended. */
  g_clear_object (&load->page);
  g_clear_object (&load->cancellable);

  if (cacheit_resource_get_saving (self->collection))
    {
      if (load->saving_handler == 0)
        load->saving_handler = g_signal_connect (self->collection, "notify::saving",
                                                 G_CALLBACK (saving_changed), self);
      return;
    }

  load->epoch = _cacheit_write_queue_get_epoch (_cacheit_resource_get_writes (self->collection));
  load->cancellable = g_cancellable_new ();
  load->page = self->ops->new_page (self->collection, self->next_url);
  load->in_flight = TRUE;
  cacheit_resource_fetch_async (load->page, CACHEIT_FETCH_NONE, load->cancellable, page_fetched, load);
}

static void
load_begin (CacheitCollectionPages *self)
{
  if (self->load != NULL || self->next_url == NULL)
    return;

  self->load = g_new0 (Load, 1);
  self->load->pages = self;
  notify (self, CACHEIT_PAGES_PROP_LOADING_MORE);
  load_start (self);
}

void
_cacheit_collection_pages_load_more (CacheitCollectionPages *self,
                                     gpointer                source_tag,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      _cacheit_callers_complete_cancelled (&self->callers, cancellable, callback, user_data);
      return;
    }

  if (self->load == NULL && self->next_url == NULL)
    {
      /* Nothing more: the list is whole. */
      g_autoptr(GTask) task = g_task_new (self->collection, cancellable, callback, user_data);

      g_task_set_source_tag (task, source_tag);
      g_task_return_boolean (task, TRUE);
      return;
    }

  _cacheit_callers_add (&self->callers, cancellable, callback, user_data);
  load_begin (self);
}

static gboolean
prefetch_cb (gpointer user_data)
{
  CacheitCollectionPages *self = user_data;

  self->prefetch_idle = 0;
  load_begin (self);

  return G_SOURCE_REMOVE;
}

void
_cacheit_collection_pages_asked (CacheitCollectionPages *self,
                                 guint                   position,
                                 guint                   n_items)
{
  if (self->prefetch_distance == 0 || self->next_url == NULL || self->load != NULL ||
      self->prefetch_idle != 0 || (guint64) position + self->prefetch_distance < n_items)
    return;

  /* Not from inside get_item(): the list may be in the middle of a change. */
  self->prefetch_idle = g_idle_add_full (G_PRIORITY_DEFAULT, prefetch_cb, self, NULL);
  g_source_set_name_by_id (self->prefetch_idle, "[cacheit] load the next page");
}

/* Placeholders */

static CacheitResource *
sparse_new_page (CacheitResource *collection,
                 const char      *url)
{
  CacheitCollectionPages *self = pages_of (CACHEIT_COLLECTION (collection));

  return self->ops->new_page (collection, url);
}

static void
sparse_rows_changed (CacheitResource *collection,
                     guint            position,
                     guint            removed,
                     guint            added)
{
  CacheitCollectionPages *self = pages_of (CACHEIT_COLLECTION (collection));

  self->ops->rows_changed (collection, position, removed, added);
  notify (self, CACHEIT_PAGES_PROP_N_PAGES);
}

static const CacheitCollectionSparseOps sparse_ops = {
  .new_page = sparse_new_page,
  .rows_changed = sparse_rows_changed,
};

/* The rows after the first page become @sparse's (transfer full,
 * nullable: none). */
static void
set_sparse (CacheitCollectionPages  *self,
            CacheitCollectionSparse *sparse)
{
  guint removed = self->sparse != NULL ? _cacheit_collection_sparse_get_n_rows (self->sparse) : 0;
  guint added = sparse != NULL ? _cacheit_collection_sparse_get_n_rows (sparse) : 0;
  gboolean had_pages = self->sparse != NULL && _cacheit_collection_sparse_get_n_loaded (self->sparse) > 0;

  g_clear_pointer (&self->sparse, _cacheit_collection_sparse_free);
  self->sparse = sparse;
  if (removed > 0 || added > 0)
    self->ops->rows_changed (self->collection, 0, removed, added);
  if (had_pages)
    notify (self, CACHEIT_PAGES_PROP_N_PAGES);
}

/* Whether the list after @page, the first, is placeholders. */
static gboolean
wants_placeholders (CacheitCollectionPages *self,
                    CacheitIndex           *page)
{
  return self->placeholders && self->page_param != NULL &&
         (self->paging == CACHEIT_PAGING_PAGE || self->paging == CACHEIT_PAGING_OFFSET) &&
         page->n_items > 0 && self->total > page->n_items &&
         cacheit_resource_get_url (self->collection) != NULL;
}

/* The size of a page: the URL's limit, or, without one (or when the first
 * page has more), the first page's. A first page shorter than its limit
 * (the server dropped one) still numbers the others by the limit. */
static guint
page_size_of (CacheitCollectionPages *self,
              CacheitIndex           *page)
{
  const char *url = cacheit_resource_get_url (self->collection);
  g_autofree char *limit = self->limit_param != NULL ? _cacheit_http_url_get_param (url, self->limit_param) : NULL;
  guint64 n = 0;

  if (limit == NULL || !g_ascii_string_to_unsigned (limit, 10, 1, G_MAXUINT, &n, NULL))
    n = 0;

  return MAX (page->n_items, (guint) n);
}

guint
_cacheit_collection_pages_get_n_rows (CacheitCollectionPages *self)
{
  return self->sparse != NULL ? _cacheit_collection_sparse_get_n_rows (self->sparse) : 0;
}

gpointer
_cacheit_collection_pages_get_row (CacheitCollectionPages *self,
                                   guint                   position)
{
  g_return_val_if_fail (self->sparse != NULL, NULL);

  return _cacheit_collection_sparse_get_row (self->sparse, position);
}

/* The first page */

CacheitIndex *
_cacheit_collection_pages_dup_kept_first (CacheitCollectionPages *self)
{
  if (!self->reload_all || self->pages->len < 2)
    return NULL;

  return _cacheit_index_ref (g_ptr_array_index (self->pages, 0));
}

void
_cacheit_collection_pages_first (CacheitCollectionPages *self,
                                 CacheitIndex           *page,
                                 SoupMessageHeaders     *headers)
{
  guint n_pages = self->pages->len;
  g_autoptr(GBytes) old_body = n_pages > 0 ? g_bytes_ref (((CacheitIndex *) g_ptr_array_index (self->pages, 0))->body) : NULL;
  gint64 old_total = self->total;

  /* A page of the list before this one is of no use now. */
  load_end (self, NULL);
  g_clear_pointer (&self->stale, g_ptr_array_unref);

  if (self->reload_all && n_pages > 1)
    {
      self->stale = g_ptr_array_new_with_free_func ((GDestroyNotify) _cacheit_index_unref);
      for (guint i = 1; i < n_pages; i++)
        g_ptr_array_add (self->stale, _cacheit_index_ref (g_ptr_array_index (self->pages, i)));
    }

  g_ptr_array_set_size (self->pages, 0);
  g_ptr_array_add (self->pages, _cacheit_index_ref (page));
  if (n_pages != 1)
    notify (self, CACHEIT_PAGES_PROP_N_PAGES);

  set_total (self, total_of (self, page, headers));
  g_hash_table_remove_all (self->urls);
  set_next_url (self, cacheit_resource_get_url (self->collection),
                next_url_after (self, cacheit_resource_get_url (self->collection), page, headers,
                                page->n_items));

  if (wants_placeholders (self, page))
    {
      /* The list is as long as the total already: no more pages. The rows
       * loaded stay when the first page is the same. */
      set_next_url (self, NULL, NULL);
      g_clear_pointer (&self->stale, g_ptr_array_unref);
      if (self->sparse == NULL || old_body == NULL || old_total != self->total ||
          !g_bytes_equal (old_body, page->body))
        set_sparse (self, _cacheit_collection_sparse_new (self->collection, &sparse_ops,
                                                          cacheit_collection_get_item_type (CACHEIT_COLLECTION (self->collection)),
                                                          cacheit_resource_get_url (self->collection),
                                                          self->paging, self->page_param, page_size_of (self, page),
                                                          (guint) MIN (self->total, G_MAXUINT)));
      return;
    }
  set_sparse (self, NULL);

  if (self->stale != NULL && self->next_url != NULL)
    load_begin (self);
  else
    drop_stale (self);
}

/* A new URL names other data (R13): nothing of the old pages is asked for. */
static void
url_changed (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  CacheitCollectionPages *self = user_data;
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The list’s URL changed"));

  g_clear_pointer (&self->stale, g_ptr_array_unref);
  load_end (self, error);
  set_next_url (self, NULL, NULL);
  set_sparse (self, NULL);
}

/* Life */

static void
callers_left (GObject *owner,
              guint    left)
{
  /* The page loads on: the list wants it anyway. */
}

CacheitCollectionPages *
_cacheit_collection_pages_new (CacheitResource                 *collection,
                               const CacheitCollectionPagesOps *ops,
                               GParamSpec                     **pspecs,
                               gpointer                         source_tag)
{
  CacheitCollectionPages *self = g_new0 (CacheitCollectionPages, 1);

  self->collection = collection;
  self->ops = ops;
  self->pspecs = pspecs;
  self->paging = CACHEIT_PAGING_LINK;
  self->total = -1;
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) _cacheit_index_release);
  self->urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  _cacheit_callers_init (&self->callers, G_OBJECT (collection), _cacheit_resource_get_context (collection),
                         source_tag, callers_left);
  self->url_handler = g_signal_connect (collection, "notify::url", G_CALLBACK (url_changed), self);

  return self;
}

void
_cacheit_collection_pages_clear (CacheitCollectionPages *self)
{
  g_clear_signal_handler (&self->url_handler, self->collection);
  g_clear_handle_id (&self->prefetch_idle, g_source_remove);
  g_clear_pointer (&self->stale, g_ptr_array_unref);
  if (self->load != NULL)
    {
      Load *load = self->load;

      self->load = NULL;
      if (load->saving_handler != 0)
        g_clear_signal_handler (&load->saving_handler, self->collection);
      load->pages = NULL;
      if (load->in_flight)
        g_cancellable_cancel (load->cancellable);
      else
        load_free (load);
    }
  _cacheit_callers_cancel_all (&self->callers);
  g_ptr_array_set_size (self->pages, 0);
  /* Disposed: no one is told of the rows. */
  g_clear_pointer (&self->sparse, _cacheit_collection_sparse_free);
}

void
_cacheit_collection_pages_free (CacheitCollectionPages *self)
{
  _cacheit_collection_pages_clear (self);
  g_ptr_array_unref (self->pages);
  g_hash_table_unref (self->urls);
  g_free (self->next_url);
  g_free (self->next_pointer);
  g_free (self->page_param);
  g_free (self->limit_param);
  g_free (self->total_pointer);
  g_free (self);
}

/* Public accessors */

/**
 * cacheit_collection_get_paging:
 * @self: a collection
 *
 * Gets where the next page of @self comes from.
 *
 * Returns: the value of [property@Collection:paging]
 *
 * Since: 1.0
 */
CacheitPaging
cacheit_collection_get_paging (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), CACHEIT_PAGING_NONE);

  return pages_of (self)->paging;
}

/**
 * cacheit_collection_set_paging:
 * @self: a collection
 * @paging: where the next page comes from
 *
 * Sets where the next page of @self comes from: see “Pages” in
 * [class@Collection]. It applies from the next page read.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_paging (CacheitCollection *self,
                               CacheitPaging      paging)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "paging", paging, NULL);
}

/**
 * cacheit_collection_get_next_pointer:
 * @self: a collection
 *
 * Gets the JSON Pointer to the next page's URL or cursor.
 *
 * Returns: (nullable): the value of [property@Collection:next-pointer]
 *
 * Since: 1.0
 */
const char *
cacheit_collection_get_next_pointer (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);

  return pages_of (self)->next_pointer;
}

/**
 * cacheit_collection_set_next_pointer:
 * @self: a collection
 * @next_pointer: (nullable): a JSON Pointer, such as `"/next"`
 *
 * Sets where the next page's URL or cursor is in a response.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_next_pointer (CacheitCollection *self,
                                     const char        *next_pointer)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "next-pointer", next_pointer, NULL);
}

/**
 * cacheit_collection_get_page_param:
 * @self: a collection
 *
 * Gets the query parameter that names a page.
 *
 * Returns: (nullable): the value of [property@Collection:page-param]
 *
 * Since: 1.0
 */
const char *
cacheit_collection_get_page_param (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);

  return pages_of (self)->page_param;
}

/**
 * cacheit_collection_set_page_param:
 * @self: a collection
 * @page_param: (nullable): a query parameter, such as `"page"`
 *
 * Sets the query parameter that names a page (its cursor, offset or
 * number).
 *
 * Since: 1.0
 */
void
cacheit_collection_set_page_param (CacheitCollection *self,
                                   const char        *page_param)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "page-param", page_param, NULL);
}

/**
 * cacheit_collection_get_limit_param:
 * @self: a collection
 *
 * Gets the query parameter that gives the page size.
 *
 * Returns: (nullable): the value of [property@Collection:limit-param]
 *
 * Since: 1.0
 */
const char *
cacheit_collection_get_limit_param (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);

  return pages_of (self)->limit_param;
}

/**
 * cacheit_collection_set_limit_param:
 * @self: a collection
 * @limit_param: (nullable): a query parameter, such as `"per_page"`
 *
 * Sets the query parameter of the URL that gives the page size.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_limit_param (CacheitCollection *self,
                                    const char        *limit_param)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "limit-param", limit_param, NULL);
}

/**
 * cacheit_collection_get_reload_all_pages:
 * @self: a collection
 *
 * Gets whether a new first page is followed by a new fetch of the others.
 *
 * Returns: the value of [property@Collection:reload-all-pages]
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_get_reload_all_pages (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);

  return pages_of (self)->reload_all;
}

/**
 * cacheit_collection_set_reload_all_pages:
 * @self: a collection
 * @reload_all_pages: whether to fetch every loaded page again
 *
 * Sets whether a new first page is followed by a new fetch of every other
 * page loaded.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_reload_all_pages (CacheitCollection *self,
                                         gboolean           reload_all_pages)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "reload-all-pages", reload_all_pages, NULL);
}

/**
 * cacheit_collection_get_prefetch_distance:
 * @self: a collection
 *
 * Gets how close to the end an item asked for starts the next page.
 *
 * Returns: the value of [property@Collection:prefetch-distance]
 *
 * Since: 1.0
 */
guint
cacheit_collection_get_prefetch_distance (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), 0);

  return pages_of (self)->prefetch_distance;
}

/**
 * cacheit_collection_set_prefetch_distance:
 * @self: a collection
 * @prefetch_distance: a number of items; 0 for none
 *
 * Sets how close to the end of the list an item asked for starts loading
 * the next page.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_prefetch_distance (CacheitCollection *self,
                                          guint              prefetch_distance)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "prefetch-distance", prefetch_distance, NULL);
}

/**
 * cacheit_collection_get_placeholders:
 * @self: a collection
 *
 * Gets whether a numbered list of known total is as long as the total,
 * with placeholders for the rows not loaded.
 *
 * Returns: the value of [property@Collection:placeholders]
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_get_placeholders (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);

  return pages_of (self)->placeholders;
}

/**
 * cacheit_collection_set_placeholders:
 * @self: a collection
 * @placeholders: whether rows not loaded are placeholders
 *
 * Sets [property@Collection:placeholders], which applies from the next
 * first page.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_placeholders (CacheitCollection *self,
                                     gboolean           placeholders)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  g_object_set (self, "placeholders", placeholders, NULL);
}

/**
 * cacheit_collection_get_has_more:
 * @self: a collection
 *
 * Gets whether @self has a next page to load.
 *
 * Returns: the value of [property@Collection:has-more]
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_get_has_more (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);

  return pages_of (self)->next_url != NULL;
}

/**
 * cacheit_collection_get_loading_more:
 * @self: a collection
 *
 * Gets whether a page after the first is being loaded.
 *
 * Returns: the value of [property@Collection:loading-more]
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_get_loading_more (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);

  return pages_of (self)->load != NULL;
}

/**
 * cacheit_collection_get_n_pages:
 * @self: a collection
 *
 * Gets how many pages are in the list.
 *
 * Returns: the value of [property@Collection:n-pages]
 *
 * Since: 1.0
 */
guint
cacheit_collection_get_n_pages (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), 0);

  return n_pages (pages_of (self));
}

/**
 * cacheit_collection_get_total:
 * @self: a collection
 *
 * Gets the number of items of the whole list, as the server gave it.
 *
 * Returns: the value of [property@Collection:total]: -1 when unknown
 *
 * Since: 1.0
 */
gint64
cacheit_collection_get_total (CacheitCollection *self)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), -1);

  return pages_of (self)->total;
}

/**
 * cacheit_collection_load_more_async:
 * @self: a collection
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (nullable) (closure user_data): called when
 *   the page is in the list, or failed; `NULL` for a caller that needs no
 *   outcome (a `GtkScrolledWindow::edge-reached` handler)
 * @user_data: data for @callback
 *
 * Loads the next page of @self into the list, merged by id: an item
 * already shown (it moved from one page to the next between the requests)
 * stays where it is, the same object, updated in place.
 *
 * While a page is loading, further calls join it: one request, and every
 * caller gets the same result (R1, R2). A caller that cancels is completed
 * alone (R6). When the page fails, what is loaded stays, the error is
 * reported as a fetch's is ([property@Resource:last-error], the
 * [signal@Resource::error] signal), and the next call asks for that page
 * again (R5). With no next page ([property@Collection:has-more] FALSE),
 * it completes at once, with success.
 *
 * A page is not asked for while writes of @self wait, and a page answered
 * across a write is asked for again. A reload of @self, or a change of its
 * URL, ends a load in progress: its callers complete with success after a
 * reload, and with `G_IO_ERROR_CANCELLED` after a change of URL (R13).
 *
 * Since: 1.0
 */
void
cacheit_collection_load_more_async (CacheitCollection   *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CACHEIT_IS_COLLECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _cacheit_collection_pages_load_more (pages_of (self), cacheit_collection_load_more_async,
                                       cancellable, callback, user_data);
}

/**
 * cacheit_collection_load_more_finish:
 * @self: a collection
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Gets the outcome of [method@Collection.load_more_async]. Every caller
 * of one page gets the same @result, which may be finished any number of
 * times.
 *
 * Returns: TRUE when the page is in the list (or there was none to load)
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_load_more_finish (CacheitCollection  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);

  if (G_IS_TASK (result))
    {
      g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
      return g_task_propagate_boolean (G_TASK (result), error);
    }

  g_return_val_if_fail (CACHEIT_IS_FETCH_RESULT (result), FALSE);
  return _cacheit_fetch_result_propagate (CACHEIT_FETCH_RESULT (result), error);
}
