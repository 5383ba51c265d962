/* cacheit-collection.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cacheit-model.h"
#include "cacheit-resource.h"

G_BEGIN_DECLS

/**
 * CacheitPaging:
 * @CACHEIT_PAGING_NONE: the list is one response; it has no next page
 * @CACHEIT_PAGING_LINK: the next page is the target of the response's
 *   `Link` header with `rel="next"` (GitHub, Mastodon, json-server), resolved
 *   against the response's URL; no such link, no next page
 * @CACHEIT_PAGING_NEXT_URL: the next page is the URL (or a reference
 *   relative to the response's URL) at [property@Collection:next-pointer]
 *   in the response (Django REST's `/next`); `null` or missing, no next page
 * @CACHEIT_PAGING_CURSOR: the next page is the same URL with the cursor
 *   found at [property@Collection:next-pointer] in the response (a string
 *   or a number, such as `/meta/next_cursor`) as its
 *   [property@Collection:page-param]; `null`, `""` or missing, no next page
 * @CACHEIT_PAGING_OFFSET: the next page is the same URL with its
 *   [property@Collection:page-param] (0 where it has none) moved on by the
 *   number of items received, as `offset`/`limit` APIs want; an empty
 *   page, or one shorter than its [property@Collection:limit-param], is the
 *   last
 * @CACHEIT_PAGING_PAGE: the next page is the same URL with its
 *   [property@Collection:page-param] (1 where it has none) plus one, as
 *   `page`/`per_page` APIs want; an empty or short page is the last
 *
 * Where a paginated collection's next page comes from. See “Pages” in
 * [class@Collection].
 *
 * Since: 1.0
 */
typedef enum
{
  CACHEIT_PAGING_NONE,
  CACHEIT_PAGING_LINK,
  CACHEIT_PAGING_NEXT_URL,
  CACHEIT_PAGING_CURSOR,
  CACHEIT_PAGING_OFFSET,
  CACHEIT_PAGING_PAGE,
} CacheitPaging;

/**
 * CacheitUpsert:
 * @CACHEIT_UPSERT_IN_PLACE: an item the list has is replaced where it is;
 *   a new one goes at the end
 * @CACHEIT_UPSERT_START: the item goes at the start of the list
 * @CACHEIT_UPSERT_END: the item goes at the end of the list
 *
 * Where [method@Collection.upsert] puts an item.
 *
 * Since: 1.0
 */
typedef enum
{
  CACHEIT_UPSERT_IN_PLACE,
  CACHEIT_UPSERT_START,
  CACHEIT_UPSERT_END,
} CacheitUpsert;

#define CACHEIT_TYPE_COLLECTION (cacheit_collection_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CacheitCollection, cacheit_collection, CACHEIT, COLLECTION, CacheitResource)

/**
 * CacheitCollectionClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Collection].
 *
 * Since: 1.0
 */
struct _CacheitCollectionClass
{
  CacheitResourceClass parent_class;

  /*< private >*/
  gpointer padding[8];
};

CACHEIT_AVAILABLE_IN_ALL
CacheitCollection *cacheit_collection_new              (GType              item_type,
                                                        const char        *url) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
GType              cacheit_collection_get_item_type    (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_collection_get_id_attribute (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_id_attribute (CacheitCollection *self,
                                                        const char        *id_attribute);
CACHEIT_AVAILABLE_IN_ALL
CacheitModel      *cacheit_collection_get_by_id        (CacheitCollection *self,
                                                        const char        *id) G_GNUC_WARN_UNUSED_RESULT;


CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_create_async     (CacheitCollection   *self,
                                                        JsonObject          *attributes,
                                                        CacheitSaveFlags     flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
CacheitModel      *cacheit_collection_create_finish    (CacheitCollection   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);


CACHEIT_AVAILABLE_IN_ALL
CacheitPaging      cacheit_collection_get_paging       (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_paging       (CacheitCollection *self,
                                                        CacheitPaging      paging);
CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_collection_get_next_pointer (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_next_pointer (CacheitCollection *self,
                                                        const char        *next_pointer);
CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_collection_get_page_param   (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_page_param   (CacheitCollection *self,
                                                        const char        *page_param);
CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_collection_get_limit_param  (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_limit_param  (CacheitCollection *self,
                                                        const char        *limit_param);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_get_reload_all_pages (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_reload_all_pages (CacheitCollection *self,
                                                            gboolean           reload_all_pages);
CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_collection_get_prefetch_distance (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_prefetch_distance (CacheitCollection *self,
                                                             guint              prefetch_distance);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_get_placeholders      (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_set_placeholders      (CacheitCollection *self,
                                                             gboolean           placeholders);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_get_has_more     (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_get_loading_more (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_collection_get_n_pages      (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
gint64             cacheit_collection_get_total        (CacheitCollection *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_load_more_async  (CacheitCollection   *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_load_more_finish (CacheitCollection   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

CACHEIT_AVAILABLE_IN_ALL
void               cacheit_collection_upsert           (CacheitCollection *self,
                                                        JsonObject        *item,
                                                        CacheitUpsert      where);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_collection_remove_by_id     (CacheitCollection *self,
                                                        const char        *id);

G_END_DECLS
