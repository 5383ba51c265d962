/* cacheit-collection-sparse.h: the rows of a numbered list of known total
 * that have not loaded yet.
 *
 * With CacheitCollection:placeholders, a list paged by page number or by
 * offset whose total the server gives is as long as the total from its
 * first page on. The first page is the collection's data; the rows after
 * it are this unit's: a placeholder (CacheitModel:loaded FALSE) until their
 * page is loaded, which asking for one of its rows starts, then the items
 * of the page. Any page can load first: scrolling to row 500,000 loads that
 * page alone. It tells its owner (cacheit-collection-pages.c) of rows that
 * changed through the CacheitCollectionSparseOps it was given, and knows no
 * other function of the collection. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-collection.h"

G_BEGIN_DECLS

typedef struct
{
  /* A new collection for the page at @url, following @collection (R14). */
  CacheitResource *(* new_page)     (CacheitResource *collection,
                                     const char      *url);
  /* The rows from @position (counted from the first row after the first
   * page) changed: @removed of them are now @added. */
  void             (* rows_changed) (CacheitResource *collection,
                                     guint            position,
                                     guint            removed,
                                     guint            added);
} CacheitCollectionSparseOps;

typedef struct _CacheitCollectionSparse CacheitCollectionSparse;

/* The rows after the first page of @collection (not owned: owns this),
 * whose first page @first_url has @page_size rows of @total: by @paging
 * (CACHEIT_PAGING_PAGE or CACHEIT_PAGING_OFFSET) of the query parameter
 * @param. Emits no rows_changed() for its first rows: the owner does. */
CacheitCollectionSparse *_cacheit_collection_sparse_new (CacheitResource                  *collection,
                                                         const CacheitCollectionSparseOps *ops,
                                                         GType                             item_type,
                                                         const char                       *first_url,
                                                         CacheitPaging                     paging,
                                                         const char                       *param,
                                                         guint                             page_size,
                                                         guint                             total);
/* Stops every page being loaded (their rows stay as they are). */
void     _cacheit_collection_sparse_free     (CacheitCollectionSparse *self);

/* How many rows follow the first page. */
guint    _cacheit_collection_sparse_get_n_rows (CacheitCollectionSparse *self);
/* The row at @position (as in rows_changed()), a new reference: the item,
 * or a placeholder whose page then starts loading. */
gpointer _cacheit_collection_sparse_get_row  (CacheitCollectionSparse *self,
                                              guint                    position);
/* How many pages after the first are loaded. */
guint    _cacheit_collection_sparse_get_n_loaded (CacheitCollectionSparse *self);

G_END_DECLS
