/* cacheit-collection.c: a JSON array at a URL as a GListModel (R8, R10, R11)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cacheit-collection.h"
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

  /* While writes are waiting (has_confirmed): the data the server last
   * confirmed. What shows is it without the items of the destroys waiting,
   * and after it the items being created; the items show their saves. */
  CacheitIndex *confirmed;
  GPtrArray    *pending;
  gboolean      has_confirmed;
} CacheitCollectionPrivate;

/* What a fetch hands to the worker, and what it gives back. */
typedef struct
{
  CacheitIndex *old_index;
  char         *id_attribute;
} Prepared;

typedef struct
{
  CacheitIndex *index;
  CacheitDiff  *diff;
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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);
static const CacheitItemHost item_host;

G_DEFINE_TYPE_WITH_CODE (CacheitCollection, cacheit_collection, CACHEIT_TYPE_RESOURCE,
                         G_ADD_PRIVATE (CacheitCollection)
                         G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Items */

static GObject *
item_new (CacheitCollection *self,
          CacheitIndex      *index,
          guint              position)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  const char *base = priv->data_url != NULL ? priv->data_url : cacheit_resource_get_url (CACHEIT_RESOURCE (self));
  g_autofree char *url = _cacheit_http_item_url (base, _cacheit_index_get_id (index, position));
  g_autoptr(JsonObject) attributes = _cacheit_index_dup_object (index, position);
  GObject *item;

  item = g_object_new (priv->item_type, "url", url, NULL);
  _cacheit_model_apply (CACHEIT_MODEL (item), attributes);
  _cacheit_model_set_host (CACHEIT_MODEL (item), &item_host, G_OBJECT (self));
  /* Its requests are the application's: made as the collection's are. */
  _cacheit_resource_set_parent (CACHEIT_RESOURCE (item), CACHEIT_RESOURCE (self));

  return item;
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

static guint
cacheit_collection_get_n_items (GListModel *model)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (CACHEIT_COLLECTION (model));

  return n_indexed (priv) + priv->pending->len;
}

static gpointer
cacheit_collection_get_item (GListModel *model,
                             guint       position)
{
  CacheitCollection *self = CACHEIT_COLLECTION (model);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  if (position >= cacheit_collection_get_n_items (model))
    return NULL;

  if (position >= n_indexed (priv))
    return g_object_ref (g_ptr_array_index (priv->pending, position - n_indexed (priv)));

  if (priv->applying && position >= priv->boundary_new)
    return item_get (self, priv->old_index, priv->old_items, &priv->old_n_made,
                     position - priv->boundary_new + priv->boundary_old);

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

  return prepared;
}

static void
prepared_free (Prepared *prepared)
{
  g_clear_pointer (&prepared->old_index, _cacheit_index_unref);
  g_free (prepared->id_attribute);
  g_free (prepared);
}

static void
update_free (Update *update)
{
  g_clear_pointer (&update->index, _cacheit_index_unref);
  g_clear_pointer (&update->diff, _cacheit_diff_free);
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

  update->index = _cacheit_index_ref (shared);
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

static gpointer
collection_from_node (CacheitResource  *resource,
                      JsonNode         *node,
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
  gboolean changed = collection_apply (CACHEIT_COLLECTION (resource), decoded);

  follow_url (CACHEIT_COLLECTION (resource));

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
  update = collection_from_node (resource, empty, &error);
  g_return_if_fail (update != NULL);
  collection_apply (CACHEIT_COLLECTION (resource), update);
  update_free (update);
  follow_url (CACHEIT_COLLECTION (resource));
}

static const CacheitResourceOps collection_ops = {
  .prepare = collection_prepare,
  .prepare_free = (GDestroyNotify) prepared_free,
  .share_key = collection_share_key,
  .decode_shared = collection_decode,
  .shared_ref = (gpointer (*) (gpointer)) _cacheit_index_ref,
  .shared_unref = (GDestroyNotify) _cacheit_index_unref,
  .finish = collection_finish,
  .from_node = collection_from_node,
  .apply = collection_apply_decoded,
  .decoded_free = (GDestroyNotify) update_free,
  .clear = collection_clear,
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
  g_clear_pointer (&priv->confirmed, _cacheit_index_release);
  g_ptr_array_set_size (priv->pending, 0);

  G_OBJECT_CLASS (cacheit_collection_parent_class)->dispose (object);
}

static void
cacheit_collection_finalize (GObject *object)
{
  CacheitCollection *self = CACHEIT_COLLECTION (object);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  g_clear_pointer (&priv->id_attribute, g_free);
  g_clear_pointer (&priv->data_url, g_free);
  g_clear_pointer (&priv->pending, g_ptr_array_unref);

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

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cacheit_collection_init (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  priv->item_type = CACHEIT_TYPE_MODEL;
  priv->id_attribute = g_strdup ("id");
  priv->pending = g_ptr_array_new_with_free_func (g_object_unref);
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

/* Writes: creates, and the saves and destroys of items */

typedef enum
{
  ITEM_CREATE,
  ITEM_SAVE,
  ITEM_DESTROY,
} ItemWriteKind;

typedef struct
{
  ItemWriteKind     kind;
  CacheitModel     *item;
  char             *key;       /* Of the item in the data: saves and destroys. */
  JsonObject       *changes;   /* Of a save; the attributes of a create. */
  CacheitSaveFlags  flags;
  char             *base_url;  /* The collection's URL when it was asked (R13). */
  guint             shown : 1; /* Its change shows. */
  guint             done : 1;  /* Its change is the server's now. */
} ItemWrite;

static void
item_write_free (ItemWrite *write)
{
  _cacheit_resource_item_write (CACHEIT_RESOURCE (write->item), FALSE);
  g_clear_object (&write->item);
  g_clear_pointer (&write->key, g_free);
  g_clear_pointer (&write->changes, json_object_unref);
  g_clear_pointer (&write->base_url, g_free);
  g_free (write);
}

/* The data the server last confirmed. */
static CacheitIndex *
base_index (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  return priv->has_confirmed ? priv->confirmed : priv->index;
}

static void
keep_confirmed (CacheitCollection *self)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);

  if (priv->has_confirmed)
    return;

  priv->confirmed = priv->index != NULL ? _cacheit_index_ref (priv->index) : NULL;
  priv->has_confirmed = TRUE;
}

static void
collect_active (gpointer data,
                gpointer user_data)
{
  ItemWrite *write = data;

  if (!write->done)
    g_ptr_array_add (user_data, write);
}

/* The writes still waiting (or in flight). */
static GPtrArray *
active_writes (CacheitCollection *self)
{
  GPtrArray *writes = g_ptr_array_new ();

  _cacheit_resource_foreach_write (CACHEIT_RESOURCE (self), collect_active, writes);

  return writes;
}

/* The destroys still waiting: what the list shows of the writes. Saves
 * show in their items (item_show()), creates after the data. */
static GPtrArray *
active_destroys (CacheitCollection *self)
{
  GPtrArray *writes = active_writes (self);

  for (guint i = writes->len; i > 0; i--)
    if (((ItemWrite *) g_ptr_array_index (writes, i - 1))->kind != ITEM_DESTROY)
      g_ptr_array_remove_index (writes, i - 1);

  return writes;
}

/* Shows in @item what the server confirmed of it, with the changes of the
 * saves of it still waiting on top. */
static void
item_show (CacheitCollection *self,
           CacheitModel      *item)
{
  g_autoptr(GPtrArray) writes = active_writes (self);
  g_autoptr(GPtrArray) changes = g_ptr_array_new ();

  for (guint i = 0; i < writes->len; i++)
    {
      ItemWrite *write = g_ptr_array_index (writes, i);

      if (write->item == item && write->kind == ITEM_SAVE && write->shown && write->changes != NULL)
        g_ptr_array_add (changes, write->changes);
    }

  _cacheit_model_show_item (item, changes);
}

typedef struct
{
  JsonObject *changed;     /* The object after the saves, or NULL. */
  gboolean    destroyed;
} KeyEdit;

static void
key_edit_free (KeyEdit *edit)
{
  g_clear_pointer (&edit->changed, json_object_unref);
  g_free (edit);
}

static int
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  const CacheitIndexChange *ca = a;
  const CacheitIndexChange *cb = b;

  return ca->position < cb->position ? -1 : ca->position > cb->position;
}

/* @base with the changes of @writes (saves and destroys that show), and
 * @append after it, as a new index. Only the objects that change are
 * encoded and decoded. */
static CacheitIndex *
build_index (CacheitCollection *self,
             CacheitIndex      *base,
             GPtrArray         *writes,
             JsonObject        *append)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(GHashTable) edits = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) key_edit_free);
  g_autoptr(GArray) changes = g_array_new (FALSE, TRUE, sizeof (CacheitIndexChange));
  g_autoptr(GBytes) appended = NULL;
  CacheitIndex *index;
  GHashTableIter iter;
  const char *key;
  KeyEdit *edit;

  for (guint i = 0; writes != NULL && base != NULL && i < writes->len; i++)
    {
      ItemWrite *write = g_ptr_array_index (writes, i);
      gssize q;

      if (!write->shown || write->key == NULL || write->kind == ITEM_CREATE)
        continue;
      q = _cacheit_index_lookup (base, write->key);
      if (q < 0)
        continue;

      edit = g_hash_table_lookup (edits, write->key);
      if (edit == NULL)
        {
          edit = g_new0 (KeyEdit, 1);
          g_hash_table_insert (edits, write->key, edit);
        }
      if (write->kind == ITEM_DESTROY)
        edit->destroyed = TRUE;
      else
        {
          g_autoptr(JsonObject) object = edit->changed != NULL ? g_steal_pointer (&edit->changed)
                                                               : _cacheit_index_dup_object (base, q);

          edit->changed = _cacheit_json_object_merge (object, write->changes);
        }
    }

  g_hash_table_iter_init (&iter, edits);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &edit))
    {
      CacheitIndexChange change = { (guint) _cacheit_index_lookup (base, key), NULL };

      if (!edit->destroyed)
        change.text = _cacheit_json_object_to_bytes (edit->changed, NULL, NULL);
      if (edit->destroyed || change.text != NULL)
        g_array_append_val (changes, change);
    }
  g_array_sort (changes, compare_changes);

  if (append != NULL)
    appended = _cacheit_json_object_to_bytes (append, NULL, NULL);

  index = _cacheit_index_edit (base, (CacheitIndexChange *) changes->data, changes->len,
                               appended != NULL ? &appended : NULL, appended != NULL ? 1 : 0,
                               priv->id_attribute);
  if (index == NULL)
    g_critical ("Items of a collection failed to decode again");

  for (guint i = 0; i < changes->len; i++)
    g_clear_pointer (&g_array_index (changes, CacheitIndexChange, i).text, g_bytes_unref);

  return index;
}

/* The confirmed data with the changes of the waiting writes on top. */
static CacheitIndex *
shown_index (CacheitCollection *self)
{
  g_autoptr(GPtrArray) destroys = active_destroys (self);
  CacheitIndex *base = base_index (self);

  /* With no destroy waiting, what shows is the confirmed data itself. */
  if (destroys->len == 0 && base != NULL)
    return _cacheit_index_ref (base);

  return build_index (self, base, destroys, NULL);
}

/* Shows the confirmed data with the changes of the waiting writes on top,
 * with exact signals, and forgets the confirmed data when no write is left.
 * @old_key, @new_key, @place_key and @place_object as in Update. */
static void
collection_show_full (CacheitCollection *self,
                      const char        *old_key,
                      const char        *new_key,
                      const char        *place_key,
                      GObject           *place_object)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(GPtrArray) writes = active_writes (self);
  CacheitIndex *shown = shown_index (self);

  if (shown == priv->index)
    g_clear_pointer (&shown, _cacheit_index_unref);

  if (shown != NULL)
    {
      Update *update = g_new0 (Update, 1);

      update->index = shown;
      update->based_on = priv->index;
      update->old_key = old_key;
      update->new_key = new_key;
      update->place_key = place_key;
      update->place_object = place_object;
      update->from_writes = TRUE;
      update->diff = _cacheit_diff_new_renamed (priv->index, shown, old_key, new_key);
      collection_apply (self, update);
      update_free (update);
    }

  if (writes->len == 0 && priv->has_confirmed)
    {
      g_clear_pointer (&priv->confirmed, _cacheit_index_release);
      priv->has_confirmed = FALSE;
    }
}

static void
collection_show (CacheitCollection *self)
{
  collection_show_full (self, NULL, NULL, NULL, NULL);
}

static gboolean
item_write_prepare (CacheitResource  *owner,
                    gpointer          data,
                    char            **method,
                    char            **url,
                    GBytes          **body,
                    GError          **error)
{
  CacheitCollection *self = CACHEIT_COLLECTION (owner);
  ItemWrite *write = data;
  CacheitIndex *base = base_index (self);
  g_autoptr(JsonObject) sent = NULL;
  const char *id;
  gssize q;

  if (write->kind == ITEM_CREATE)
    {
      *method = g_strdup (SOUP_METHOD_POST);
      *url = g_strdup (write->base_url);
      *body = _cacheit_json_object_to_bytes (write->changes, NULL, error);
      return *body != NULL;
    }

  q = base != NULL ? _cacheit_index_lookup (base, write->key) : -1;
  if (q < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The item is no longer in the collection"));
      return FALSE;
    }
  id = _cacheit_index_get_id (base, q);

  if (write->kind == ITEM_DESTROY)
    {
      *method = g_strdup (SOUP_METHOD_DELETE);
      *url = _cacheit_http_item_url (write->base_url, id);
      return TRUE;
    }

  /* An item without an id is new to the server. */
  *method = g_strdup (id == NULL ? SOUP_METHOD_POST
                      : (write->flags & CACHEIT_SAVE_PATCH) ? "PATCH" : SOUP_METHOD_PUT);
  *url = id != NULL ? _cacheit_http_item_url (write->base_url, id) : g_strdup (write->base_url);
  if (id != NULL && (write->flags & CACHEIT_SAVE_PATCH))
    sent = write->changes != NULL ? json_object_ref (write->changes) : json_object_new ();
  else
    {
      /* The whole item as it shows, not only what the list had of it (an
       * item fetched on its own URL may have more). */
      sent = _cacheit_json_object_merge (_cacheit_model_get_confirmed (write->item), write->changes);
    }
  *body = _cacheit_json_object_to_bytes (sent, NULL, error);

  return *body != NULL;
}

/* The server confirmed @confirmed: it replaces the confirmed data. */
static void
set_confirmed (CacheitCollection *self,
               CacheitIndex      *confirmed)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(GBytes) body = NULL;
  const char *root_pointer;
  gsize length;
  const char *data;

  if (confirmed == NULL)
    return;

  keep_confirmed (self);
  g_clear_pointer (&priv->confirmed, _cacheit_index_release);
  priv->confirmed = confirmed;

  /* The snapshot follows, as the resource would decode it. */
  root_pointer = cacheit_resource_get_root_pointer (CACHEIT_RESOURCE (self));
  if (root_pointer == NULL || *root_pointer == '\0')
    body = g_bytes_ref (confirmed->body);
  else
    {
      data = g_bytes_get_data (confirmed->body, &length);
      body = _cacheit_json_wrap_text (data, length, root_pointer, 0);
    }
  _cacheit_resource_save_snapshot (CACHEIT_RESOURCE (self), body);
}

/* A create accepted: the item it showed becomes an item of the data, at the
 * same place, the same object, with no items-changed. Returns FALSE when the
 * data does not have it where it showed (the server gave an id the
 * collection already had). */
static gboolean
settle_created (CacheitCollection *self,
                CacheitModel      *item,
                JsonObject        *saved,
                const char        *base_url)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  g_autoptr(CacheitIndex) shown = NULL;
  guint n = priv->index != NULL ? priv->index->n_items : 0;
  g_autofree char *url = NULL;
  GObject **items;
  guint position;
  const char *key;

  if (!g_ptr_array_find (priv->pending, item, &position) || position != 0)
    return FALSE;

  shown = shown_index (self);
  if (shown == NULL || shown->n_items != n + 1)
    return FALSE;
  key = _cacheit_index_get_key (shown, n);
  if (priv->index != NULL && _cacheit_index_lookup (priv->index, key) >= 0)
    return FALSE;

  items = g_new0 (GObject *, n + 1);
  if (n > 0)
    memcpy (items, priv->items, n * sizeof (GObject *));
  items[n] = g_ptr_array_steal_index (priv->pending, 0);
  g_free (priv->items);
  priv->items = items;
  priv->n_made++;
  g_clear_pointer (&priv->index, _cacheit_index_release);
  priv->index = g_steal_pointer (&shown);

  url = _cacheit_http_item_url (base_url, _cacheit_index_get_id (priv->index, n));
  g_object_freeze_notify (G_OBJECT (item));
  _cacheit_resource_rename (CACHEIT_RESOURCE (item), url);
  _cacheit_model_apply (item, saved);
  g_object_thaw_notify (G_OBJECT (item));

  return TRUE;
}

static void
remove_pending (CacheitCollection *self,
                CacheitModel      *item)
{
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  guint position;

  if (!g_ptr_array_find (priv->pending, item, &position))
    return;

  g_ptr_array_remove_index (priv->pending, position);
  g_list_model_items_changed (G_LIST_MODEL (self), n_indexed (priv) + position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static GObject *
item_write_commit (CacheitResource *owner,
                   gpointer         data,
                   JsonObject      *answer)
{
  CacheitCollection *self = CACHEIT_COLLECTION (owner);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  ItemWrite *write = data;
  CacheitIndex *base = base_index (self);
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(GPtrArray) change = g_ptr_array_new ();
  ItemWrite settled = { 0 };
  GObject *result = NULL;
  gboolean shows_confirmed;
  gssize q;

  /* The validators were of the data before the write. */
  _cacheit_resource_forget_validators (owner);
  write->done = TRUE;

  if (write->kind == ITEM_CREATE)
    {
      const char *key;

      saved = _cacheit_json_object_merge (write->changes, answer);
      set_confirmed (self, build_index (self, base, NULL, saved));

      if (!write->shown || !settle_created (self, write->item, saved, write->base_url))
        {
          remove_pending (self, write->item);
          collection_show (self);
        }
      else
        collection_show (self);

      /* The item the collection shows for it. */
      base = base_index (self);
      key = base != NULL && base->n_items > 0 ? _cacheit_index_get_key (base, base->n_items - 1) : NULL;
      q = key != NULL && priv->index != NULL ? _cacheit_index_lookup (priv->index, key) : -1;
      if (q >= 0)
        result = item_get (self, priv->index, priv->items, &priv->n_made, (guint) q);
      else
        result = g_object_ref (G_OBJECT (write->item));
      return result;
    }

  /* Whether the list shows the confirmed data as it is (no destroy waits). */
  {
    g_autoptr(GPtrArray) destroys = active_destroys (self);

    shows_confirmed = priv->index == base && destroys->len == 0;
  }

  q = base != NULL ? _cacheit_index_lookup (base, write->key) : -1;
  if (q >= 0)
    {
      settled.kind = write->kind;
      settled.key = write->key;
      settled.shown = TRUE;
      if (write->kind == ITEM_SAVE)
        {
          g_autoptr(JsonObject) object = _cacheit_index_dup_object (base, (guint) q);
          g_autoptr(JsonObject) changed = _cacheit_json_object_merge (object, write->changes);

          saved = _cacheit_json_object_merge (changed, answer);
          settled.changes = saved;
        }
      g_ptr_array_add (change, &settled);
      set_confirmed (self, build_index (self, base, change, NULL));
    }

  if (write->kind == ITEM_SAVE)
    _cacheit_model_confirm_item (write->item, write->changes, answer);
  else
    /* The item's own snapshot (of its URL) goes with it. */
    _cacheit_resource_save_snapshot (CACHEIT_RESOURCE (write->item), NULL);

  /* An item saved without an id got one: the same object, at its place. */
  base = base_index (self);
  if (write->kind == ITEM_SAVE && q >= 0 && base != NULL && (guint) q < base->n_items &&
      strcmp (_cacheit_index_get_key (base, (guint) q), write->key) != 0)
    {
      g_autofree char *new_key = g_strdup (_cacheit_index_get_key (base, (guint) q));
      g_autofree char *url = _cacheit_http_item_url (write->base_url, _cacheit_index_get_id (base, (guint) q));

      collection_show_full (self, write->key, new_key, NULL, NULL);
      if (url != NULL)
        _cacheit_resource_rename (CACHEIT_RESOURCE (write->item), url);
      item_show (self, write->item);
      return NULL;
    }

  /* A save changes one item's data, not the list: when the list shows the
   * confirmed data, the new data takes its place as it is, with no diff. */
  if (write->kind == ITEM_SAVE && shows_confirmed && base != NULL && priv->index != NULL &&
      base->n_items == priv->index->n_items)
    {
      g_autoptr(GPtrArray) writes = active_writes (self);

      g_clear_pointer (&priv->index, _cacheit_index_release);
      priv->index = _cacheit_index_ref (base);
      if (writes->len == 0)
        {
          g_clear_pointer (&priv->confirmed, _cacheit_index_release);
          priv->has_confirmed = FALSE;
        }
    }
  else
    collection_show (self);
  if (write->kind == ITEM_SAVE)
    item_show (self, write->item);

  return NULL;
}

static void
item_write_rollback (CacheitResource *owner,
                     gpointer         data)
{
  CacheitCollection *self = CACHEIT_COLLECTION (owner);
  ItemWrite *write = data;

  if (write->kind == ITEM_CREATE)
    remove_pending (self, write->item);

  /* A destroy undone brings back the same object; a save undone shows in
   * its item. */
  if (write->kind == ITEM_DESTROY)
    collection_show_full (self, NULL, NULL, write->key, G_OBJECT (write->item));
  else if (write->kind == ITEM_SAVE)
    item_show (self, write->item);
  else
    collection_show (self);
}

/* A create's item has its id from the answer alone. */
static gboolean
item_write_needs_answer (CacheitResource *owner,
                         gpointer         data)
{
  ItemWrite *write = data;

  return write->kind == ITEM_CREATE;
}

static const CacheitWriteOps item_write_ops = {
  .prepare = item_write_prepare,
  .commit = item_write_commit,
  .rollback = item_write_rollback,
  .needs_answer = item_write_needs_answer,
  .data_free = (GDestroyNotify) item_write_free,
};

static void
find_item_key (gpointer data,
               gpointer user_data)
{
  ItemWrite *write = data;
  gpointer *find = user_data;

  if (find[1] == NULL && !write->done && write->key != NULL && write->item == find[0])
    find[1] = write->key;
}

/* The key of @item if a write of the collection waits for it, or NULL. */
static char *
pending_key (CacheitCollection *self,
             CacheitModel      *item)
{
  gpointer find[2] = { item, NULL };

  _cacheit_resource_foreach_write (CACHEIT_RESOURCE (self), find_item_key, find);

  return g_strdup (find[1]);
}

/* The hook of its items (CacheitItemHost): queues a write of its item @item
 * on @host (a save of @changes, or a destroy) with @task. Returns FALSE when
 * @item is not in @host (then nothing was done). */
static gboolean
write_item (gpointer      host,
            CacheitModel *item,
            gboolean      destroy,
            JsonObject   *changes,
            guint         flags,
            GTask        *task)
{
  CacheitCollection *self = CACHEIT_COLLECTION (host);
  CacheitCollectionPrivate *priv = cacheit_collection_get_instance_private (self);
  guint n = priv->index != NULL ? priv->index->n_items : 0;
  g_autofree char *key = NULL;
  ItemWrite *write;
  guint p;

  if (g_ptr_array_find (priv->pending, item, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("The item is still being created"));
      return TRUE;
    }

  /* An item a waiting write took out of the list (a destroy) is still
   * written through the collection, after that write. */
  key = pending_key (self, item);
  if (key == NULL)
    {
      for (p = 0; p < n; p++)
        if (priv->items[p] == (GObject *) item)
          break;
      if (p == n)
        return FALSE;
      key = g_strdup (_cacheit_index_get_key (priv->index, p));
    }

  keep_confirmed (self);

  write = g_new0 (ItemWrite, 1);
  write->kind = destroy ? ITEM_DESTROY : ITEM_SAVE;
  write->item = g_object_ref (item);
  write->key = g_steal_pointer (&key);
  /* A copy: the caller may change @changes afterwards. */
  write->changes = changes != NULL ? _cacheit_json_object_merge (NULL, changes) : NULL;
  write->flags = flags;
  write->base_url = g_strdup (cacheit_resource_get_url (CACHEIT_RESOURCE (self)));
  write->shown = (flags & CACHEIT_SAVE_WAIT) == 0 && (destroy || changes != NULL);
  _cacheit_model_begin_item_write (item);
  _cacheit_resource_item_write (CACHEIT_RESOURCE (item), TRUE);

  _cacheit_resource_queue_write (CACHEIT_RESOURCE (self), &item_write_ops, write, task);
  if (destroy)
    collection_show (self);
  else
    item_show (self, item);

  return TRUE;
}

static const CacheitItemHost item_host = {
  .write_item = write_item,
};

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
  ItemWrite *write;

  g_return_if_fail (CACHEIT_IS_COLLECTION (self));
  g_return_if_fail (attributes != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cacheit_collection_create_async);
  g_task_set_name (task, "[cacheit] create");

  keep_confirmed (self);

  write = g_new0 (ItemWrite, 1);
  write->kind = ITEM_CREATE;
  write->changes = _cacheit_json_object_merge (NULL, attributes);
  write->item = g_object_new (priv->item_type, NULL);
  _cacheit_model_apply (write->item, write->changes);
  _cacheit_model_set_host (write->item, &item_host, G_OBJECT (self));
  _cacheit_resource_set_parent (CACHEIT_RESOURCE (write->item), CACHEIT_RESOURCE (self));
  _cacheit_resource_item_write (CACHEIT_RESOURCE (write->item), TRUE);
  write->flags = flags;
  write->base_url = g_strdup (cacheit_resource_get_url (CACHEIT_RESOURCE (self)));
  write->shown = (flags & CACHEIT_SAVE_WAIT) == 0;

  if (write->shown)
    {
      g_ptr_array_add (priv->pending, g_object_ref (write->item));
      g_list_model_items_changed (G_LIST_MODEL (self), cacheit_collection_get_n_items (G_LIST_MODEL (self)) - 1, 0, 1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }

  _cacheit_resource_queue_write (CACHEIT_RESOURCE (self), &item_write_ops, write, task);
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
