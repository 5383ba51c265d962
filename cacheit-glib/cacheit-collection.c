/* cacheit-collection.c: a JSON array at a URL as a GListModel (R8, R10, R11)
 *
 * This unit owns the list: the compact data (the index), the items made from
 * it on demand, and the update of both by a fetch with the fewest splices.
 * The collection's writes (creates, and the saves and destroys of its items)
 * are cacheit-collection-writes.c's, which this unit calls and which sees the
 * list only through the CacheitCollectionListOps given to it here. The items
 * know their collection only by the CacheitItemHost hook installed on each
 * (cacheit-model-private.h), through which their writes come here. Main
 * context only, except the decoding ops, which run in worker threads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cacheit-collection.h"
#include "cacheit-collection-private.h"
#include "cacheit-collection-pages.h"
#include "cacheit-collection-pushes.h"
#include "cacheit-collection-writes.h"
#include "cacheit-decode.h"
#include "cacheit-diff.h"
#include "cacheit-error.h"
#include "cacheit-http.h"
#include "cacheit-json.h"
#include "cacheit-model-private.h"
#include "cacheit-resource-private.h"

/**
 * CacheitCollection:
 *
 * A JSON array of objects at a URL (`GET url` → `[{...}, ...]`), fetched once
 * and shared by every caller, as a [iface@Gio.ListModel] of [class@Model]s.
 *
 * A collection feeds GTK 4 list widgets directly: wrap it in a
 * `GtkSingleSelection`, a `GtkSortListModel` or a `GtkFilterListModel`, and
 * bind the rows to the properties of a typed [property@Collection:item-type].
 *
 * ## Items on demand
 *
 * A collection keeps the response compactly (its bytes, and where each item
 * is in them) and makes an item object only when
 * [method@Gio.ListModel.get_item] asks for it. Asking again returns the same
 * object for as long as the collection holds that id. Fetching a million
 * items makes no item object at all; a `GtkListView` makes objects only for
 * the rows it shows.
 *
 * ## Merging by id
 *
 * A refetch updates the collection by [property@Collection:id-attribute], as
 * Backbone's `Collection.set` does: an item whose id persists keeps its
 * object, updated in place with exact [signal@Model::changed] and `notify`
 * signals; new ids are inserted, missing ids removed, and the order follows
 * the response. [signal@Gio.ListModel::items-changed] covers only the
 * positions that changed, and a refetch of identical data emits nothing. The
 * comparison is done off the main thread.
 *
 * An id may be a string or a number: `{"id": 50}` and `{"id": "50"}` both
 * have the id `"50"`. An id repeated in one response makes one item, at the
 * place of its first occurrence, with the attributes of its last. Items
 * without an id (or with an id that is not a string or a number) are allowed;
 * they are matched by their order among the items without an id.
 *
 * ## Item URLs
 *
 * An item gets the collection's URL followed by `/` and its id (Backbone's
 * default), so fetching it fetches its own resource once and caches it, like
 * any model.
 *
 * ## Items' requests are the application's
 *
 * An item fetches, saves and destroys itself as the collection was
 * configured: with its [property@Resource:session], its
 * [signal@Resource::request] handlers (emitted on the collection, then on
 * the item), its snapshot policy and directory, and its retry, freshness
 * and refetching settings, a later change of them included. A setting
 * given to the item itself is kept. See “Items follow their collection” in
 * [class@Resource] for the list.
 *
 * ## Pages
 *
 * A list the server gives page by page loads page by page into one list.
 * [property@Resource:url] is the first page, fetched, cached, reloaded and
 * kept in the snapshot as any collection's data; where the next page is,
 * [property@Collection:paging] says: by default the `Link` header's
 * `rel="next"` (GitHub, Mastodon, json-server), or a URL or cursor in the
 * envelope ([property@Collection:next-pointer]), or offsets and page
 * numbers ([property@Collection:page-param],
 * [property@Collection:limit-param]).
 * [method@Collection.load_more_async] appends the next page, merged by id:
 * an item that moved from one page to the next between the requests shows
 * once, the same object. [property@Collection:has-more] says whether there
 * is one, [property@Collection:loading-more] whether it is loading, and
 * [property@Collection:prefetch-distance] loads it as the list is read.
 * A reload fetches the first page and drops the others (or, with
 * [property@Collection:reload-all-pages], fetches each of them again); a
 * `304` keeps them all. Where the total is known and pages are numbered,
 * [property@Collection:placeholders] makes the list that long at once,
 * each row a placeholder until its page, loaded when the row is asked
 * for, arrives. See the “Pages and parameters” guide.
 *
 * ## Pushed items
 *
 * [method@Collection.upsert] and [method@Collection.remove_by_id] change
 * the list as the application learnt from elsewhere (a WebSocket, a
 * stream), with no request, and no refetch undoes them until the server's
 * data changes.
 *
 * ## The slow path
 *
 * Overriding [vfunc@Resource.parse] makes the whole response a
 * [struct@Json.Node] and turns its result back into the compact form on the
 * main thread. Prefer [property@Resource:root-pointer], applied off the main
 * thread, for data inside an envelope.
 *
 * Since: 1.0
 */

typedef struct
{
  GType         item_type;
  char         *id_attribute;

  /* The data, and the items made from it so far (NULL where none), and how
   * many: with none, a refetch does no work per item at all. */
  CacheitIndex *index;
  GObject     **items;
  guint         n_made;
  /* The collection URL the data came from, which the items' URLs derive
   * from (NULL: the current one). After a change of URL, the data is a
   * placeholder of the old one until the new URL's is applied (R13). */
  char         *data_url;

  /* While the splices of an update are emitted, positions before
   * `boundary_new` are in the new data, the others in the old. */
  gboolean      applying;
  CacheitIndex *old_index;
  GObject     **old_items;
  guint         old_n_made;
  guint         boundary_new;
  guint         boundary_old;

  /* The creates, and the saves and destroys of the items: the items being
   * created show after the data. */
  CacheitCollectionWrites *writes;

  /* The pages after the first, how they are found and loaded. */
  CacheitCollectionPages  *pages;
  /* The items the application pushed, kept on top of the server's data,
   * and the serial of the last one shown (pushes wait for the writes). */
  CacheitPushes           *pushes;
  guint                    pushes_shown;

  /* Where models made elsewhere are found, to be the items at their URL. */
  CacheitItemSource        item_source;
  GObject                 *item_source_object;   /* Weak. */
} CacheitCollectionPrivate;

/* What a fetch hands to the worker, and what it gives back. */
typedef struct
{
  CacheitIndex *old_index;
  char         *id_attribute;
  /* The first page in hand, whose items the new one replaces while the
   * later pages stay (reload-all-pages); NULL: the new page is the list. */
  CacheitIndex *kept_first;
  /* The pushes to apply on top of the new data (NULL: none), as of a serial. */
  CacheitPushes *pushes;
  guint          pushes_serial;
} Prepared;

typedef struct
{
  CacheitIndex *index;
  CacheitIndex *page;       /* The response's own: the first page. */
  CacheitDiff  *diff;
  /* The keys of the pushes the server's data caught up with, and the
   * serial of the pushes applied. */
  GPtrArray    *expired;
  guint         pushes_serial;
  CacheitIndex *based_on;   /* The data the diff was made against; not owned. */

  /* From writes, none owned: the item with old_key is the one with new_key
   * (it got an id), and place_object is the item with place_key if none
   * is carried over (a destroy undone). */
  const char   *old_key;
  const char   *new_key;
  const char   *place_key;
  GObject      *place_object;
  /* Made by writes: the items show their own attributes, which are not
   * replaced by the data's. */
  gboolean      from_writes;
} Update;

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_ID_ATTRIBUTE,
  PROP_N_ITEMS,
  FIRST_PAGES_PROP,
  N_PROPS = FIRST_PAGES_PROP + CACHEIT_PAGES_N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);
static void saving_changed (CacheitCollection *self);
static const CacheitItemHost item_host;

G_DEFINE_TYPE_WITH_CODE (CacheitCollection, cacheit_collection, CACHEIT_TYPE_RESOURCE,
                         G_ADD_PRIVATE (CacheitCollection)
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Items */

/* A new item of @self at @url (nullable) with @attributes. */
static GObject *
item_make (CacheitCollection *self,
           const char        *url,
           JsonObject        *attributes)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  GObject *item;

  /* The model the application holds at that URL is the item, if it can be. */
  if (url != NULL && priv->item_source_object != NULL)
    {
      g_autoptr(CacheitModel) model = priv->item_source (priv->item_source_object, priv->item_type, url);

      if (model != NULL && _cacheit_model_adopt (model, &item_host, G_OBJECT (self), attributes))
        return G_OBJECT (g_steal_pointer (&model));
    }

  item = g_object_new (priv->item_type, "url", url, NULL);
  _cacheit_model_apply (CACHEIT_MODEL (item), attributes);
  _cacheit_model_set_host (CACHEIT_MODEL (item), &item_host, G_OBJECT (self));
  /* Its requests are the application's: made as the collection's are. */
  _cacheit_resource_set_parent (CACHEIT_RESOURCE (item), CACHEIT_RESOURCE (self));

  return item;
}

static GObject *
item_new (CacheitCollection *self,
          CacheitIndex      *index,
          guint              position)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  const char *base = priv->data_url != NULL ? priv->data_url : cacheit_resource_get_url (CACHEIT_RESOURCE (self));
  g_autofree char *url = _cacheit_http_item_url (base, _cacheit_index_get_id (index, position));
  g_autoptr(JsonObject) attributes = _cacheit_index_dup_object (index, position);

  return item_make (self, url, attributes);
}

void
_cacheit_collection_set_item_source (CacheitCollection *self,
                                     CacheitItemSource  source,
                                     GObject           *source_object)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  priv->item_source = source;
  g_set_weak_pointer (&priv->item_source_object, source_object);
}

/* The item at @position of @items, made from @index when there is none. */
static GObject *
item_get (CacheitCollection *self,
          CacheitIndex      *index,
          GObject          **items,
          guint             *n_made,
          guint              position)
{
  if (items[position] == NULL)
    {
      items[position] = item_new (self, index, position);
      (*n_made)++;
    }

  return g_object_ref (items[position]);
}

/* GListModel */

static GType
cacheit_collection_get_item_type_vfunc (GListModel *model)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (model));

  return priv->item_type;
}

/* How many items come from the data: the items being created follow. */
static guint
n_indexed (CacheitCollectionPrivate *priv)
{
  if (priv->applying)
    return priv->boundary_new + (priv->old_index != NULL ? priv->old_index->n_items : 0) - priv->boundary_old;

  return priv->index != NULL ? priv->index->n_items : 0;
}

/* How many items come before the items being created: the data's, then,
 * with placeholders, the rows after the first page. */
static guint
n_listed (CacheitCollectionPrivate *priv)
{
  return n_indexed (priv) + _cacheit_collection_pages_get_n_rows (priv->pages);
}

static guint
cacheit_collection_get_n_items (GListModel *model)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (model));

  return n_listed (priv) + _cacheit_collection_writes_get_n_pending (priv->writes);
}

static gpointer
cacheit_collection_get_item (GListModel *model,
                             guint       position)
{
  CacheitCollection *self = CACHEIT_COLLECTION (model);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  if (position >= cacheit_collection_get_n_items (model))
    return NULL;

  if (position >= n_listed (priv))
    return g_object_ref (_cacheit_collection_writes_get_pending (priv->writes, position - n_listed (priv)));

  if (position >= n_indexed (priv))
    return _cacheit_collection_pages_get_row (priv->pages, position - n_indexed (priv));

  if (priv->applying && position >= priv->boundary_new)
    return item_get (self, priv->old_index, priv->old_items, &priv->old_n_made,
                     position - priv->boundary_new + priv->boundary_old);

  _cacheit_collection_pages_asked (priv->pages, position, n_indexed (priv));

  return item_get (self, priv->index, priv->items, &priv->n_made, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cacheit_collection_get_item_type_vfunc;
  iface->get_n_items = cacheit_collection_get_n_items;
  iface->get_item = cacheit_collection_get_item;
}

/* Freeing */

static void
items_free (GObject **items,
            guint     n_items,
            guint     n_made)
{
  if (items == NULL)
    return;

  for (guint i = 0; i < n_items && n_made > 0; i++)
    if (items[i] != NULL)
      {
        g_clear_object (&items[i]);
        n_made--;
      }
  g_free (items);
}

/* Applying an update */

/* Carries the item made at @q of the old data over to its place in the new
 * data, if its key persists and that place has no item yet: the same object,
 * updated in place (R9) when its bytes changed. */
static void
carry_item (CacheitIndex  *old_index,
            GObject      **old_items,
            guint          q,
            Update        *update,
            GObject      **items,
            guint         *n_made)
{
  const char *key = _cacheit_index_get_key (old_index, q);
  gssize p;

  if (update->old_key != NULL && strcmp (key, update->old_key) == 0)
    key = update->new_key;
  p = _cacheit_index_lookup (update->index, key);
  if (p < 0 || items[p] != NULL)
    return;

  items[p] = g_object_ref (old_items[q]);
  (*n_made)++;
  if (update->diff->content_changed[p] && !update->from_writes)
    {
      g_autoptr(JsonObject) attributes = _cacheit_index_dup_object (update->index, p);

      _cacheit_model_apply (CACHEIT_MODEL (items[p]), attributes);
    }
}

static gboolean
collection_apply (CacheitCollection *self,
                  Update            *update)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  CacheitIndex *old_index = priv->index;
  CacheitDiff *diff;
  GObject **old_items = priv->items;
  guint old_n_made = priv->n_made;
  guint n_made = 0;
  guint n_old;
  guint n_new = update->index->n_items;
  gboolean changed;
  GObject **new_items;
  guint old_next = 0;
  guint new_next = 0;

  /* Only one fetch applies at a time, so the data the worker compared with
   * is the data in hand; should that ever not hold, compare again here. */
  if (G_UNLIKELY (update->based_on != old_index))
    {
      g_clear_pointer (&update->diff, _cacheit_diff_free);
      update->diff = _cacheit_diff_new_renamed (old_index, update->index,
                                                update->old_key, update->new_key);
    }
  diff = update->diff;
  n_old = diff->n_old;
  changed = diff->splices->len > 0 || diff->any_content_changed;

  new_items = g_new0 (GObject *, MAX (n_new, 1));

  /* The items that exist and persist keep their object, updated in place
   * (R9). Items never made need no work at all. */
  for (guint q = 0, seen = 0; q < n_old && seen < old_n_made; q++)
    if (old_items[q] != NULL)
      {
        seen++;
        carry_item (old_index, old_items, q, update, new_items, &n_made);
      }

  if (update->place_object != NULL)
    {
      gssize p = _cacheit_index_lookup (update->index, update->place_key);

      if (p >= 0 && new_items[p] == NULL)
        {
          new_items[p] = g_object_ref (update->place_object);
          n_made++;
        }
    }

  priv->old_index = old_index;
  priv->old_items = old_items;
  priv->old_n_made = old_n_made;
  priv->index = _cacheit_index_ref (update->index);
  priv->items = new_items;
  priv->n_made = n_made;
  priv->applying = TRUE;
  priv->boundary_new = 0;
  priv->boundary_old = 0;

  /* Each splice in turn, with the list as it is after it. */
  for (guint i = 0; i < diff->splices->len; i++)
    {
      const CacheitSplice *splice = &g_array_index (diff->splices, CacheitSplice, i);
      guint old_start = splice->position - new_next + old_next;

      new_next = splice->position + splice->added;
      old_next = old_start + splice->removed;
      priv->boundary_new = new_next;
      priv->boundary_old = old_next;

      g_list_model_items_changed (G_LIST_MODEL (self), splice->position, splice->removed, splice->added);
    }

  priv->applying = FALSE;

  /* Items made from the old data while the splices were emitted. */
  if (priv->old_n_made > old_n_made)
    for (guint q = 0; q < n_old; q++)
      if (old_items[q] != NULL)
        carry_item (old_index, old_items, q, update, priv->items, &priv->n_made);

  items_free (old_items, n_old, priv->old_n_made);
  priv->old_index = NULL;
  priv->old_items = NULL;
  priv->old_n_made = 0;
  _cacheit_index_release (old_index);

  if (n_old != n_new)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);

  return changed;
}

/* Resource ops: how a collection is decoded and applied */

static gpointer
collection_prepare (CacheitResource *resource)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  Prepared *prepared = g_new0 (Prepared, 1);

  prepared->old_index = priv->index != NULL ? _cacheit_index_ref (priv->index) : NULL;
  prepared->id_attribute = g_strdup (priv->id_attribute);
  prepared->kept_first = _cacheit_collection_pages_dup_kept_first (priv->pages);
  prepared->pushes = _cacheit_pushes_copy (priv->pushes);
  prepared->pushes_serial = _cacheit_pushes_get_serial (priv->pushes);

  return prepared;
}

static void
prepared_free (Prepared *prepared)
{
  g_clear_pointer (&prepared->old_index, _cacheit_index_unref);
  g_clear_pointer (&prepared->kept_first, _cacheit_index_unref);
  g_clear_pointer (&prepared->pushes, _cacheit_pushes_free);
  g_free (prepared->id_attribute);
  g_free (prepared);
}

static void
update_free (Update *update)
{
  g_clear_pointer (&update->index, _cacheit_index_unref);
  g_clear_pointer (&update->page, _cacheit_index_unref);
  g_clear_pointer (&update->diff, _cacheit_diff_free);
  g_clear_pointer (&update->expired, g_ptr_array_unref);
  g_free (update);
}

/* The index of a body is shared by the collections that share its request;
 * the splices that lead to it are each collection's own. */
static gpointer
collection_decode (gpointer     prepared,
                   GBytes      *body,
                   const char  *root_pointer,
                   GError     **error)
{
  Prepared *p = prepared;

  return _cacheit_decode_index (body, root_pointer, p->id_attribute, error);
}

static char *
collection_share_key (gpointer prepared)
{
  return g_strdup (((Prepared *) prepared)->id_attribute);
}

static gpointer
collection_finish (gpointer   prepared,
                   gpointer   shared,
                   GError   **error)
{
  Prepared *p = prepared;
  Update *update = g_new0 (Update, 1);

  update->page = _cacheit_index_ref (shared);
  /* The later pages stay: the new first page takes the old one's place. */
  if (p->kept_first != NULL)
    update->index = _cacheit_index_merge_page (p->old_index, p->kept_first, shared, 0);
  else
    update->index = _cacheit_index_ref (shared);
  /* What the application pushed stays, unless the server changed it. */
  update->pushes_serial = p->pushes_serial;
  if (p->pushes != NULL)
    {
      CacheitIndex *pushed;

      update->expired = g_ptr_array_new_with_free_func (g_free);
      pushed = _cacheit_pushes_apply (p->pushes, update->index, shared, FALSE, 0,
                                      p->id_attribute, update->expired);
      _cacheit_index_unref (update->index);
      update->index = pushed;
    }
  update->based_on = p->old_index;
  update->diff = _cacheit_diff_new (p->old_index, update->index);

  return update;
}

static Update *
update_new (Prepared      *prepared,
            GBytes        *body,
            const char    *root_pointer,
            GError       **error)
{
  g_autoptr(CacheitIndex) index = collection_decode (prepared, body, root_pointer, error);

  if (index == NULL)
    return NULL;

  return collection_finish (prepared, index, error);
}

static gpointer from_node (CacheitResource *resource, JsonNode *node, gboolean whole, GError **error);

static gpointer
collection_from_node (CacheitResource  *resource,
                      JsonNode         *node,
                      GError          **error)
{
  return from_node (resource, node, FALSE, error);
}

/* The update to @node; @whole: it is the whole list, no later page kept. */
static gpointer
from_node (CacheitResource  *resource,
           JsonNode         *node,
           gboolean          whole,
           GError          **error)
{
  g_autoptr(GBytes) body = NULL;
  Prepared *prepared;
  Update *update;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                   "expected an array, got %s", json_node_type_name (node));
      return NULL;
    }

  /* The slow path: back into bytes, then as any response. */
  body = _cacheit_json_to_padded_bytes (node, CACHEIT_BODY_PADDING, error);
  if (body == NULL)
    return NULL;

  prepared = collection_prepare (resource);
  if (whole)
    {
      g_clear_pointer (&prepared->kept_first, _cacheit_index_unref);
      g_clear_pointer (&prepared->pushes, _cacheit_pushes_free);
    }
  update = update_new (prepared, body, NULL, error);
  prepared_free (prepared);

  return update;
}

/* The data is the current URL's now (R13): an item that persists from the
 * data of another URL takes the URL it has under this one, which may differ
 * in its path. */
static void
follow_url (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  const char *url = cacheit_resource_get_url (CACHEIT_RESOURCE (self));
  gboolean moved = priv->data_url != NULL && g_strcmp0 (priv->data_url, url) != 0;

  g_free (priv->data_url);
  priv->data_url = g_strdup (url);
  if (!moved)
    return;

  /* The pushes were of the other URL's data. */
  _cacheit_pushes_clear (priv->pushes);

  for (guint p = 0, seen = 0; priv->index != NULL && p < priv->index->n_items && seen < priv->n_made; p++)
    if (priv->items[p] != NULL)
      {
        CacheitResource *item = CACHEIT_RESOURCE (priv->items[p]);
        g_autofree char *item_url = _cacheit_http_item_url (url, _cacheit_index_get_id (priv->index, p));

        seen++;
        if (item_url != NULL)
          cacheit_resource_set_url (item, item_url);
      }
}

static gboolean
collection_apply_decoded (CacheitResource *resource,
                          gpointer         decoded)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  Update *update = decoded;
  gboolean changed;
  gboolean from_disk;

  /* Pushed while the data was decoded: on top of it too. */
  if (update->pushes_serial != _cacheit_pushes_get_serial (priv->pushes))
    {
      CacheitIndex *pushed = _cacheit_pushes_apply (priv->pushes, update->index, NULL, FALSE,
                                                    update->pushes_serial, priv->id_attribute, NULL);

      _cacheit_index_unref (update->index);
      update->index = pushed;
      update->based_on = NULL;
    }
  _cacheit_pushes_expire (priv->pushes, update->expired, update->pushes_serial);
  priv->pushes_shown = _cacheit_pushes_get_serial (priv->pushes);
  changed = collection_apply (CACHEIT_COLLECTION (resource), update);
  from_disk = cacheit_resource_get_origin (resource) == CACHEIT_ORIGIN_DISK;

  follow_url (CACHEIT_COLLECTION (resource));
  /* A snapshot keeps the body, not the headers. */
  _cacheit_collection_pages_first (priv->pages, update->page,
                                   from_disk ? NULL : cacheit_resource_get_response_headers (resource));

  return changed;
}

static void
collection_clear (CacheitResource *resource)
{
  g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;
  Update *update;

  json_node_take_array (empty, json_array_new ());

  /* An empty list, applied as any: one items-changed removes every item. */
  update = from_node (resource, empty, TRUE, &error);
  g_return_if_fail (update != NULL);
  collection_apply (CACHEIT_COLLECTION (resource), update);
  update_free (update);
  follow_url (CACHEIT_COLLECTION (resource));
}

static const CacheitResourceOps collection_ops = {
  .prepare = collection_prepare,
  .decode = {
    .prepare_free = (GDestroyNotify) prepared_free,
    .share_key = collection_share_key,
    .decode_shared = collection_decode,
    .shared_ref = (gpointer (*) (gpointer)) _cacheit_index_ref,
    .shared_unref = (GDestroyNotify) _cacheit_index_unref,
    .finish = collection_finish,
    .decoded_free = (GDestroyNotify) update_free,
    .empty = "[]",
  },
  .from_node = collection_from_node,
  .apply = collection_apply_decoded,
  .clear = collection_clear,
};

/* What the collection lends its writes (cacheit-collection-writes.c), and
 * its items */

static CacheitIndex *
list_get_index (CacheitResource *resource)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));

  return priv->index;
}

static const char *
list_get_id_attribute (CacheitResource *resource)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));

  return priv->id_attribute;
}

static GObject *
list_get_item (CacheitResource *resource,
               guint            position)
{
  CacheitCollection *self = CACHEIT_COLLECTION (resource);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  return item_get (self, priv->index, priv->items, &priv->n_made, position);
}

static gssize
list_find_item (CacheitResource *resource,
                CacheitModel    *item)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  guint n = priv->index != NULL ? priv->index->n_items : 0;

  for (guint p = 0; p < n; p++)
    if (priv->items[p] == (GObject *) item)
      return p;

  return -1;
}

static void
list_show (CacheitResource *resource,
           CacheitIndex    *index,
           const char      *old_key,
           const char      *new_key,
           const char      *place_key,
           GObject         *place_object)
{
  CacheitCollection *self = CACHEIT_COLLECTION (resource);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  Update *update = g_new0 (Update, 1);

  update->index = index;
  update->based_on = priv->index;
  update->old_key = old_key;
  update->new_key = new_key;
  update->place_key = place_key;
  update->place_object = place_object;
  update->from_writes = TRUE;
  update->diff = _cacheit_diff_new_renamed (priv->index, index, old_key, new_key);
  collection_apply (self, update);
  update_free (update);
}

static void
list_replace (CacheitResource *resource,
              CacheitIndex    *index,
              GObject         *appended)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  CacheitIndex *old_index = priv->index;

  if (appended != NULL)
    {
      guint n = old_index != NULL ? old_index->n_items : 0;
      GObject **items = g_new0 (GObject *, n + 1);

      if (n > 0)
        memcpy (items, priv->items, n * sizeof (GObject *));
      items[n] = appended;
      g_free (priv->items);
      priv->items = items;
      priv->n_made++;
    }

  priv->index = _cacheit_index_ref (index);
  _cacheit_index_release (old_index);
}

static void
list_pending_changed (CacheitResource *resource,
                      guint            position,
                      guint            removed,
                      guint            added)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));

  g_list_model_items_changed (G_LIST_MODEL (resource), n_listed (priv) + position, removed, added);
  g_object_notify_by_pspec (G_OBJECT (resource), properties[PROP_N_ITEMS]);
}

static const CacheitCollectionListOps list_ops = {
  .get_index = list_get_index,
  .get_id_attribute = list_get_id_attribute,
  .get_item = list_get_item,
  .find_item = list_find_item,
  .show = list_show,
  .replace = list_replace,
  .pending_changed = list_pending_changed,
};

/* What the collection lends its pages (cacheit-collection-pages.c) */

static CacheitResource *
pages_new_page (CacheitResource *resource,
                const char      *url)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  CacheitResource *page;

  /* Of the collection's type: a parse() of its class applies to each page. */
  page = g_object_new (G_OBJECT_TYPE (resource),
                       "url", url,
                       "item-type", priv->item_type,
                       "id-attribute", priv->id_attribute,
                       "root-pointer", cacheit_resource_get_root_pointer (resource),
                       "snapshot-policy", CACHEIT_SNAPSHOT_NONE,
                       "paging", CACHEIT_PAGING_NONE,
                       NULL);
  _cacheit_resource_set_parent (page, resource);
  _cacheit_collection_set_item_source (CACHEIT_COLLECTION (page), priv->item_source, priv->item_source_object);

  return page;
}

static void
pages_show (CacheitResource *resource,
            CacheitIndex    *index,
            CacheitDiff     *diff,
            CacheitIndex    *based_on,
            CacheitIndex    *page)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));
  Update *update = g_new0 (Update, 1);

  update->index = _cacheit_index_ref (index);
  update->diff = diff;
  update->based_on = based_on;
  /* What the application pushed stays on the page too, unless changed. */
  if (page != NULL && !_cacheit_pushes_is_empty (priv->pushes))
    {
      g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
      CacheitIndex *pushed = _cacheit_pushes_apply (priv->pushes, index, page, TRUE, 0,
                                                    priv->id_attribute, expired);

      _cacheit_index_unref (update->index);
      update->index = pushed;
      update->based_on = NULL;
      _cacheit_pushes_expire (priv->pushes, expired, G_MAXUINT);
    }
  collection_apply (CACHEIT_COLLECTION (resource), update);
  update_free (update);
}

static void
pages_rows_changed (CacheitResource *resource,
                    guint            position,
                    guint            removed,
                    guint            added)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (resource));

  g_list_model_items_changed (G_LIST_MODEL (resource), n_indexed (priv) + position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (resource), properties[PROP_N_ITEMS]);
}

static const CacheitCollectionPagesOps pages_ops = {
  .get_index = list_get_index,
  .new_page = pages_new_page,
  .show = pages_show,
  .rows_changed = pages_rows_changed,
};

/* The hook of its items (CacheitItemHost): their writes go through the
 * collection's. */
static gboolean
write_item (gpointer      host,
            CacheitModel *item,
            gboolean      destroy,
            JsonObject   *changes,
            guint         flags,
            GTask        *task)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (host));

  return _cacheit_collection_writes_item (priv->writes, item, destroy, changes, flags, task);
}

static const CacheitItemHost item_host = {
  .write_item = write_item,
};

/* GObject */

static void
cacheit_collection_dispose (GObject *object)
{
  CacheitCollection *self = CACHEIT_COLLECTION (object);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  if (priv->index != NULL)
    {
      items_free (priv->items, priv->index->n_items, priv->n_made);
      priv->items = NULL;
      priv->n_made = 0;
      g_clear_pointer (&priv->index, _cacheit_index_release);
    }
  _cacheit_collection_writes_clear (priv->writes);
  _cacheit_collection_pages_clear (priv->pages);

  G_OBJECT_CLASS (cacheit_collection_parent_class)->dispose (object);
}

static void
cacheit_collection_finalize (GObject *object)
{
  CacheitCollection *self = CACHEIT_COLLECTION (object);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  g_clear_pointer (&priv->id_attribute, g_free);
  g_clear_pointer (&priv->data_url, g_free);
  g_clear_pointer (&priv->writes, _cacheit_collection_writes_free);
  g_clear_pointer (&priv->pages, _cacheit_collection_pages_free);
  g_clear_pointer (&priv->pushes, _cacheit_pushes_free);
  g_clear_weak_pointer (&priv->item_source_object);

  G_OBJECT_CLASS (cacheit_collection_parent_class)->finalize (object);
}

static void
cacheit_collection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CacheitCollection *self = CACHEIT_COLLECTION (object);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, priv->item_type);
      break;

    case PROP_ID_ATTRIBUTE:
      g_value_set_string (value, priv->id_attribute);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, cacheit_collection_get_n_items (G_LIST_MODEL (self)));
      break;

    default:
      if (prop_id >= FIRST_PAGES_PROP && prop_id < N_PROPS)
        _cacheit_collection_pages_get_property (priv->pages, prop_id - FIRST_PAGES_PROP, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_collection_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CacheitCollection *self = CACHEIT_COLLECTION (object);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      /* Construct-only: set once, before any item exists. */
      if (g_value_get_gtype (value) != G_TYPE_INVALID)
        {
          g_return_if_fail (g_type_is_a (g_value_get_gtype (value), CACHEIT_TYPE_MODEL));
          priv->item_type = g_value_get_gtype (value);
        }
      break;

    case PROP_ID_ATTRIBUTE:
      cacheit_collection_set_id_attribute (self, g_value_get_string (value));
      break;

    default:
      if (prop_id >= FIRST_PAGES_PROP && prop_id < N_PROPS)
        _cacheit_collection_pages_set_property (priv->pages, prop_id - FIRST_PAGES_PROP, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_collection_class_init (CacheitCollectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cacheit_collection_dispose;
  object_class->finalize = cacheit_collection_finalize;
  object_class->get_property = cacheit_collection_get_property;
  object_class->set_property = cacheit_collection_set_property;

  _cacheit_resource_class_set_ops (CACHEIT_RESOURCE_CLASS (klass), &collection_ops);

  /**
   * CacheitCollection:item-type:
   *
   * The type of the items: [class@Model] or a subclass of it, written in C,
   * Python or JavaScript, whose properties are filled from each item's JSON.
   *
   * Since: 1.0
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL,
                        CACHEIT_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:id-attribute:
   *
   * The member of each item that identifies it across fetches. A change
   * takes effect with the next fetch.
   *
   * Since: 1.0
   */
  properties[PROP_ID_ATTRIBUTE] =
    g_param_spec_string ("id-attribute", NULL, NULL,
                         "id",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitCollection:n-items:
   *
   * The number of items, notified when it changes.
   *
   * Since: 1.0
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  _cacheit_collection_pages_class_init (&properties[FIRST_PAGES_PROP],
                                        G_PRIVATE_OFFSET (CacheitCollection, pages));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cacheit_collection_init (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  priv->item_type = CACHEIT_TYPE_MODEL;
  priv->id_attribute = g_strdup ("id");
  priv->writes = _cacheit_collection_writes_new (CACHEIT_RESOURCE (self), &list_ops);
  priv->pushes = _cacheit_pushes_new ();
  g_signal_connect (self, "notify::saving", G_CALLBACK (saving_changed), NULL);
  priv->pages = _cacheit_collection_pages_new (CACHEIT_RESOURCE (self), &pages_ops,
                                               &properties[FIRST_PAGES_PROP],
                                               cacheit_collection_load_more_async);
}

/**
 * cacheit_collection_new:
 * @item_type: the type of the items, [class@Model] or a subclass
 * @url: (nullable): the URL of the JSON array
 *
 * Creates a collection of the JSON array at @url.
 *
 * Nothing is fetched until [method@Resource.fetch_async] is called.
 *
 * Returns: (transfer full): a new collection
 *
 * Since: 1.0
 */
CacheitCollection *
cacheit_collection_new (GType       item_type,
                        const char *url)
{
  g_return_val_if_fail (g_type_is_a (item_type, CACHEIT_TYPE_MODEL), NULL);

  return g_object_new (CACHEIT_TYPE_COLLECTION,
                       "item-type", item_type,
                       "url", url,
                       NULL);
}

/**
 * cacheit_collection_get_item_type:
 * @self: a collection
 *
 * Gets the type of the items of @self.
 *
 * Returns: the value of [property@Collection:item-type]
 *
 * Since: 1.0
 */
GType
cacheit_collection_get_item_type (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), G_TYPE_INVALID);

  return priv->item_type;
}

/**
 * cacheit_collection_get_id_attribute:
 * @self: a collection
 *
 * Gets the member that identifies the items of @self.
 *
 * Returns: the value of [property@Collection:id-attribute]
 *
 * Since: 1.0
 */
const char *
cacheit_collection_get_id_attribute (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);

  return priv->id_attribute;
}

/**
 * cacheit_collection_set_id_attribute:
 * @self: a collection
 * @id_attribute: the member that identifies an item, such as `"id"` or `"uuid"`
 *
 * Sets the member that identifies the items of @self.
 *
 * Since: 1.0
 */
void
cacheit_collection_set_id_attribute (CacheitCollection *self,
                                     const char        *id_attribute)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  g_return_if_fail (CACHEIT_IS_COLLECTION (self));

  if (id_attribute == NULL)
    id_attribute = "id";

  if (g_strcmp0 (priv->id_attribute, id_attribute) == 0)
    return;

  g_free (priv->id_attribute);
  priv->id_attribute = g_strdup (id_attribute);
  /* The items in hand were keyed by the old attribute: a 304 cannot keep them. */
  _cacheit_resource_forget_validators (CACHEIT_RESOURCE (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID_ATTRIBUTE]);
}

/**
 * cacheit_collection_get_by_id:
 * @self: a collection
 * @id: an id, as a string
 *
 * Gets the item of @self with the id @id, making its object if it was not
 * made yet. A numeric id matches its decimal form: `"50"` finds `{"id": 50}`.
 *
 * Returns: (transfer full) (nullable) (type Cacheit.Model): the item, or
 *   `NULL` if @self has no item with that id
 *
 * Since: 1.0
 */
CacheitModel *
cacheit_collection_get_by_id (CacheitCollection *self,
                              const char        *id)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  gssize position;

  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (priv->index == NULL)
    return NULL;

  position = _cacheit_index_lookup_id (priv->index, id);
  if (position < 0)
    return NULL;

  return CACHEIT_MODEL (item_get (self, priv->index, priv->items, &priv->n_made, (guint) position));
}

/**
 * cacheit_collection_create_async:
 * @self: a collection
 * @attributes: the attributes of the new item
 * @flags: `CACHEIT_SAVE_WAIT` to show the item only once the server made
 *   it; other flags are ignored
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (closure user_data): called when the server
 *   answered
 * @user_data: data for @callback
 *
 * Creates an item on the server, with a `POST` of @attributes to
 * [property@Resource:url], and adds it to @self.
 *
 * The item, of [property@Collection:item-type], shows at once at the end
 * of the list ([signal@Gio.ListModel::items-changed]), unless @flags has
 * `CACHEIT_SAVE_WAIT`. When the server accepts, the object it answers with
 * (the id it assigned, normalised fields) is merged onto the item, which
 * stays where it is, the same object, and gets its own URL. When it
 * refuses, the item leaves the list again and the error is reported.
 *
 * A `2xx` answer that is not a JSON object (an array, say) or cannot be
 * read gives the item no id: it leaves the list again too, the error
 * (`CACHEIT_ERROR_WRONG_SHAPE`, say) is reported, and @self is invalidated,
 * so that its next fetch brings the server's item. A `POST` is never sent
 * twice: one whose connection is lost fails with a `G_IO_ERROR`, its item
 * leaves the list, and @self is invalidated. A `307` or `308` answer is
 * followed with `POST` and the same body.
 *
 * Creates are sent one at a time, with the saves and destroys of the
 * collection's items, in the order they were asked.
 *
 * Since: 1.0
 */
void
cacheit_collection_create_async (CacheitCollection   *self,
                                 JsonObject          *attributes,
                                 CacheitSaveFlags     flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GObject) item = NULL;

  g_return_if_fail (CACHEIT_IS_COLLECTION (self));
  g_return_if_fail (attributes != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cacheit_collection_create_async);
  g_task_set_name (task, "[cacheit] create");

  /* A copy: the caller may change @attributes afterwards. */
  copy = _cacheit_json_object_merge (NULL, attributes);
  item = item_make (self, NULL, copy);
  _cacheit_collection_writes_create (priv->writes, CACHEIT_MODEL (item), copy, flags, task);
}

/**
 * cacheit_collection_create_finish:
 * @self: a collection
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Gets the outcome of [method@Collection.create_async].
 *
 * Returns: (transfer full): the new item, as @self holds it, or `NULL`
 *   with @error set
 *
 * Since: 1.0
 */
CacheitModel *
cacheit_collection_create_finish (CacheitCollection  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cacheit_collection_create_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Shows the pushes not shown yet, unless writes wait (the list is theirs
 * until they are done). */
static void
show_pushes (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(CacheitIndex) empty = NULL;
  Update *update;

  if (cacheit_resource_get_saving (CACHEIT_RESOURCE (self)) ||
      priv->pushes_shown == _cacheit_pushes_get_serial (priv->pushes))
    return;

  if (priv->index == NULL)
    empty = _cacheit_index_edit (NULL, NULL, 0, NULL, 0, priv->id_attribute);
  update = g_new0 (Update, 1);
  update->index = _cacheit_pushes_apply (priv->pushes, priv->index != NULL ? priv->index : empty, NULL,
                                         FALSE, priv->pushes_shown, priv->id_attribute, NULL);
  priv->pushes_shown = _cacheit_pushes_get_serial (priv->pushes);
  update->based_on = priv->index;
  update->diff = _cacheit_diff_new (priv->index, update->index);
  collection_apply (self, update);
  update_free (update);
}

static void
saving_changed (CacheitCollection *self)
{
  show_pushes (self);
}

/**
 * cacheit_collection_upsert:
 * @self: a collection
 * @item: the item's JSON object, with its id
 * @where: where it goes
 *
 * Puts an item the application received some other way (a WebSocket, a
 * server-sent events stream, as a timeline's new posts come) into @self,
 * with no request: an item of that id is updated in place (R9: the same
 * object, exact signals) with `CACHEIT_UPSERT_IN_PLACE`, or moved to the
 * start or the end of the list; a new one goes where @where says (the end
 * for `CACHEIT_UPSERT_IN_PLACE`). [signal@Gio.ListModel::items-changed]
 * covers only what changed (R10).
 *
 * A push stays on top of the server's data: a later fetch, of the first
 * page or of another, shows the pushed item as it was pushed while the
 * server's object of that id is as it was when it was pushed (or absent,
 * for an item new then). Once the server's object changes, the server's
 * data shows, and the push is forgotten. A change of
 * [property@Resource:url] forgets every push.
 *
 * An @item without an id ([property@Collection:id-attribute], a string or
 * a number) is not taken: a critical warning says so. While writes of @self
 * wait, a push shows once they are done.
 *
 * Since: 1.0
 */
void
cacheit_collection_upsert (CacheitCollection *self,
                           JsonObject        *item,
                           CacheitUpsert      where)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(JsonNode) array = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(CacheitIndex) page = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CACHEIT_IS_COLLECTION (self));
  g_return_if_fail (item != NULL);

  json_array_add_object_element (items, json_object_ref (item));
  json_node_set_array (array, items);
  body = _cacheit_json_to_padded_bytes (array, CACHEIT_BODY_PADDING, &error);
  if (body != NULL)
    page = _cacheit_decode_index (body, NULL, priv->id_attribute, &error);
  if (page == NULL)
    {
      g_critical ("cacheit_collection_upsert: the item cannot be taken: %s", error->message);
      return;
    }
  if (page->n_items != 1 || !page->entries[0].has_id)
    {
      g_critical ("cacheit_collection_upsert: the item has no “%s”", priv->id_attribute);
      return;
    }

  _cacheit_pushes_add (priv->pushes, _cacheit_index_get_key (page, 0), page, where, priv->index);
  show_pushes (self);
}

/**
 * cacheit_collection_remove_by_id:
 * @self: a collection
 * @id: the id of an item, as a string
 *
 * Removes the item of the id @id from @self, with no request, as a push
 * that the application received says: one
 * [signal@Gio.ListModel::items-changed]. A later fetch does not put it back
 * while the server's object of that id is as it was; once it changes (or
 * the server removes it too), the push is forgotten. See
 * [method@Collection.upsert].
 *
 * Returns: whether @self had an item of that id
 *
 * Since: 1.0
 */
gboolean
cacheit_collection_remove_by_id (CacheitCollection *self,
                                 const char        *id)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  gssize position;

  g_return_val_if_fail (CACHEIT_IS_COLLECTION (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  position = priv->index != NULL ? _cacheit_index_lookup_id (priv->index, id) : -1;
  if (position < 0)
    return FALSE;

  _cacheit_pushes_add (priv->pushes, _cacheit_index_get_key (priv->index, position), NULL,
                       CACHEIT_UPSERT_IN_PLACE, priv->index);
  show_pushes (self);

  return TRUE;
}
