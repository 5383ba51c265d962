/* cacheit-collection-pages.h: the pages of a paginated collection.
 *
 * cacheit-collection-pages.c owns what a collection knows of its pages:
 * how the next one is found (the paging settings, as properties of the
 * collection whose GParamSpecs it is given), the pages loaded, the next
 * page's URL, the page being loaded and the callers waiting for it. The
 * first page is the collection's own fetch; each later one is fetched by a
 * page collection made for it (its requests the collection's, R14) and
 * merged into the list by id, off the main thread. It changes the list only
 * through the CacheitCollectionPagesOps the collection gave it, and knows no
 * other function of the collection. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cacheit-decode.h"
#include "cacheit-diff.h"
#include "cacheit-resource.h"

G_BEGIN_DECLS

/* The properties of the collection that this unit owns, in this order. */
typedef enum
{
  CACHEIT_PAGES_PROP_PAGING,
  CACHEIT_PAGES_PROP_NEXT_POINTER,
  CACHEIT_PAGES_PROP_PAGE_PARAM,
  CACHEIT_PAGES_PROP_LIMIT_PARAM,
  CACHEIT_PAGES_PROP_TOTAL_POINTER,
  CACHEIT_PAGES_PROP_RELOAD_ALL_PAGES,
  CACHEIT_PAGES_PROP_PREFETCH_DISTANCE,
  CACHEIT_PAGES_PROP_PLACEHOLDERS,
  CACHEIT_PAGES_PROP_HAS_MORE,
  CACHEIT_PAGES_PROP_LOADING_MORE,
  CACHEIT_PAGES_PROP_N_PAGES,
  CACHEIT_PAGES_PROP_TOTAL,
  CACHEIT_PAGES_N_PROPS
} CacheitPagesProp;

/* What a collection lends its pages. @collection is the collection. */
typedef struct
{
  /* The data the list shows, or that the page collection @collection
   * holds (NULL before any). */
  CacheitIndex    *(* get_index) (CacheitResource *collection);
  /* A new collection for the page at @url: of @collection's type, id
   * attribute and root pointer, following it in its requests (R14), and
   * keeping no snapshot. */
  CacheitResource *(* new_page)  (CacheitResource *collection,
                                  const char      *url);
  /* Shows @index (transfer none) in place of the data, with the fewest
   * splices: @diff (transfer full) leads to it from @based_on, and is made
   * again if the data is no longer @based_on. @page is the server's page
   * merged into it (NULL: none; items were dropped). */
  void             (* show)      (CacheitResource *collection,
                                  CacheitIndex    *index,
                                  CacheitDiff     *diff,
                                  CacheitIndex    *based_on,
                                  CacheitIndex    *page);
  /* The rows after the data (the placeholders and pages of
   * _cacheit_collection_pages_get_row()) from @position changed: @removed
   * of them are now @added. */
  void             (* rows_changed) (CacheitResource *collection,
                                     guint            position,
                                     guint            removed,
                                     guint            added);
} CacheitCollectionPagesOps;

typedef struct _CacheitCollectionPages CacheitCollectionPages;

/* Fills @pspecs (CACHEIT_PAGES_N_PROPS of them, in order) for the
 * collection's class to install, and learns where an instance keeps its
 * pages (@pages_offset, as G_PRIVATE_OFFSET() gives it), for the public
 * accessors, which this unit defines. */
void _cacheit_collection_pages_class_init (GParamSpec **pspecs,
                                           gssize       pages_offset);

/* The pages of @collection, which owns them; @pspecs as filled above; the
 * results of load_more() are tagged @source_tag. */
CacheitCollectionPages *_cacheit_collection_pages_new (CacheitResource                 *collection,
                                                       const CacheitCollectionPagesOps *ops,
                                                       GParamSpec                     **pspecs,
                                                       gpointer                         source_tag);
/* Stops the page being loaded, its callers cancelled (dispose). */
void     _cacheit_collection_pages_clear        (CacheitCollectionPages *self);
void     _cacheit_collection_pages_free         (CacheitCollectionPages *self);

void     _cacheit_collection_pages_get_property (CacheitCollectionPages *self,
                                                 CacheitPagesProp        prop,
                                                 GValue                 *value);
void     _cacheit_collection_pages_set_property (CacheitCollectionPages *self,
                                                 CacheitPagesProp        prop,
                                                 const GValue           *value);

/* When a fetch of the first page is about to be decoded: the first page in
 * hand, whose items the new first page replaces while the later pages stay
 * (reload-all-pages, with pages after it), or NULL when the new first page
 * is the whole list. A new reference. */
CacheitIndex *_cacheit_collection_pages_dup_kept_first (CacheitCollectionPages *self);

/* The first page is applied: @page (the decoded response) with @headers
 * (NULL when it came from a snapshot). Every later page is forgotten, or,
 * with reload-all-pages, fetched again in order. */
void     _cacheit_collection_pages_first        (CacheitCollectionPages *self,
                                                 CacheitIndex           *page,
                                                 SoupMessageHeaders     *headers);

/* The list's item at @position of @n_items was asked for: within the
 * prefetch distance of the end, the next page starts loading. */
void     _cacheit_collection_pages_asked        (CacheitCollectionPages *self,
                                                 guint                   position,
                                                 guint                   n_items);

/* With placeholders: how many rows follow the data (0 without), and the
 * row at @position of them, a new reference (see
 * cacheit-collection-sparse.h). */
guint    _cacheit_collection_pages_get_n_rows   (CacheitCollectionPages *self);
gpointer _cacheit_collection_pages_get_row      (CacheitCollectionPages *self,
                                                 guint                   position);

/* Loads the next page, or joins its load (R1, R2); completes at once when
 * there is none (a GTask tagged @source_tag, else a CacheitFetchResult). */
void     _cacheit_collection_pages_load_more    (CacheitCollectionPages *self,
                                                 gpointer                source_tag,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);

G_END_DECLS
