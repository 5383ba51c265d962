/* cacheit-collection-writes.c: a collection's creates, and the saves and
 * destroys of its items.
 *
 * The writes of one collection are queued on it, and sent one at a time by
 * cacheit-resource.c through item_write_ops, in the order they were asked.
 * Each shows its change at once (unless its caller asked to wait): a destroy
 * takes its item out of the list, a create shows its item after the data,
 * and a save shows in its item (cacheit-model.c shows it). This unit owns what
 * they keep while they wait: the data the server last confirmed, of which
 * the list shows a copy with the changes of the waiting writes on top, and
 * the items being created. When the server accepts a write, its change joins
 * the confirmed data (and the snapshot follows); when it refuses, the change
 * is undone exactly.
 *
 * It reports back to the collection only through the CacheitCollectionListOps
 * the collection gave it (the list's data and items, and the changes to
 * show), and calls no other function of the collection. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cacheit-collection-writes.h"
#include "cacheit-http.h"
#include "cacheit-json.h"
#include "cacheit-model-private.h"
#include "cacheit-resource-private.h"

struct _CacheitCollectionWrites
{
  CacheitResource                *collection;  /* Not owned: owns this. */
  const CacheitCollectionListOps *list;

  /* While writes are waiting (has_confirmed): the data the server last
   * confirmed. What shows is it without the items of the destroys waiting,
   * and after it the items being created; the items show their saves. */
  CacheitIndex                   *confirmed;
  GPtrArray                      *pending;
  gboolean                        has_confirmed;
};

typedef enum
{
  ITEM_CREATE,
  ITEM_SAVE,
  ITEM_DESTROY,
} ItemWriteKind;

typedef struct
{
  CacheitCollectionWrites *writes;    /* Not owned: outlives the queue. */
  ItemWriteKind            kind;
  CacheitModel            *item;
  char                    *key;       /* Of the item in the data: saves and destroys. */
  JsonObject              *changes;   /* Of a save; the attributes of a create. */
  CacheitSaveFlags         flags;
  char                    *base_url;  /* The collection's URL when it was asked (R13). */
  guint                    shown : 1; /* Its change shows. */
  guint                    done : 1;  /* Its change is the server's now. */
} ItemWrite;

static void
item_write_free (ItemWrite *write)
{
  _cacheit_write_queue_item_write (_cacheit_resource_get_writes (CACHEIT_RESOURCE (write->item)), FALSE);
  g_clear_object (&write->item);
  g_clear_pointer (&write->key, g_free);
  g_clear_pointer (&write->changes, json_object_unref);
  g_clear_pointer (&write->base_url, g_free);
  g_free (write);
}

/* The data the collection's list shows. */
static CacheitIndex *
data_index (CacheitCollectionWrites *self)
{
  return self->list->get_index (self->collection);
}

/* The data the server last confirmed. */
static CacheitIndex *
base_index (CacheitCollectionWrites *self)
{
  return self->has_confirmed ? self->confirmed : data_index (self);
}

static void
keep_confirmed (CacheitCollectionWrites *self)
{
  CacheitIndex *index;

  if (self->has_confirmed)
    return;

  index = data_index (self);
  self->confirmed = index != NULL ? _cacheit_index_ref (index) : NULL;
  self->has_confirmed = TRUE;
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
active_writes (CacheitCollectionWrites *self)
{
  GPtrArray *writes = g_ptr_array_new ();

  _cacheit_write_queue_foreach (_cacheit_resource_get_writes (self->collection), collect_active, writes);

  return writes;
}

/* The destroys still waiting: what the list shows of the writes. Saves
 * show in their items (item_show()), creates after the data. */
static GPtrArray *
active_destroys (CacheitCollectionWrites *self)
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
item_show (CacheitCollectionWrites *self,
           CacheitModel            *item)
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
build_index (CacheitCollectionWrites *self,
             CacheitIndex            *base,
             GPtrArray               *writes,
             JsonObject              *append)
{
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
                               self->list->get_id_attribute (self->collection));
  if (index == NULL)
    g_critical ("Items of a collection failed to decode again");

  for (guint i = 0; i < changes->len; i++)
    g_clear_pointer (&g_array_index (changes, CacheitIndexChange, i).text, g_bytes_unref);

  return index;
}

/* The confirmed data with the changes of the waiting writes on top. */
static CacheitIndex *
shown_index (CacheitCollectionWrites *self)
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
 * @old_key, @new_key, @place_key and @place_object as for the show() of
 * CacheitCollectionListOps. */
static void
collection_show_full (CacheitCollectionWrites *self,
                      const char              *old_key,
                      const char              *new_key,
                      const char              *place_key,
                      GObject                 *place_object)
{
  g_autoptr(GPtrArray) writes = active_writes (self);
  CacheitIndex *shown = shown_index (self);

  if (shown == data_index (self))
    g_clear_pointer (&shown, _cacheit_index_unref);

  if (shown != NULL)
    self->list->show (self->collection, shown, old_key, new_key, place_key, place_object);

  if (writes->len == 0 && self->has_confirmed)
    {
      g_clear_pointer (&self->confirmed, _cacheit_index_release);
      self->has_confirmed = FALSE;
    }
}

static void
collection_show (CacheitCollectionWrites *self)
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
  ItemWrite *write = data;
  CacheitCollectionWrites *self = write->writes;
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
set_confirmed (CacheitCollectionWrites *self,
               CacheitIndex            *confirmed)
{
  g_autoptr(GBytes) body = NULL;
  const char *root_pointer;
  gsize length;
  const char *data;

  if (confirmed == NULL)
    return;

  keep_confirmed (self);
  g_clear_pointer (&self->confirmed, _cacheit_index_release);
  self->confirmed = confirmed;

  /* The snapshot follows, as the resource would decode it. */
  root_pointer = cacheit_resource_get_root_pointer (self->collection);
  if (root_pointer == NULL || *root_pointer == '\0')
    body = g_bytes_ref (confirmed->body);
  else
    {
      data = g_bytes_get_data (confirmed->body, &length);
      body = _cacheit_json_wrap_text (data, length, root_pointer, 0);
    }
  _cacheit_resource_save_snapshot (self->collection, body);
}

/* A create accepted: the item it showed becomes an item of the data, at the
 * same place, the same object, with no items-changed. Returns FALSE when the
 * data does not have it where it showed (the server gave an id the
 * collection already had). */
static gboolean
settle_created (CacheitCollectionWrites *self,
                CacheitModel            *item,
                JsonObject              *saved,
                const char              *base_url)
{
  CacheitIndex *index = data_index (self);
  g_autoptr(CacheitIndex) shown = NULL;
  guint n = index != NULL ? index->n_items : 0;
  g_autofree char *url = NULL;
  guint position;
  const char *key;

  if (!g_ptr_array_find (self->pending, item, &position) || position != 0)
    return FALSE;

  shown = shown_index (self);
  if (shown == NULL || shown->n_items != n + 1)
    return FALSE;
  key = _cacheit_index_get_key (shown, n);
  if (index != NULL && _cacheit_index_lookup (index, key) >= 0)
    return FALSE;

  self->list->replace (self->collection, shown, g_ptr_array_steal_index (self->pending, 0));

  url = _cacheit_http_item_url (base_url, _cacheit_index_get_id (shown, n));
  g_object_freeze_notify (G_OBJECT (item));
  _cacheit_resource_rename (CACHEIT_RESOURCE (item), url);
  _cacheit_model_apply (item, saved);
  g_object_thaw_notify (G_OBJECT (item));

  return TRUE;
}

static void
remove_pending (CacheitCollectionWrites *self,
                CacheitModel            *item)
{
  guint position;

  if (!g_ptr_array_find (self->pending, item, &position))
    return;

  g_ptr_array_remove_index (self->pending, position);
  self->list->pending_changed (self->collection, position, 1, 0);
}

static GObject *
item_write_commit (CacheitResource *owner,
                   gpointer         data,
                   JsonObject      *answer)
{
  ItemWrite *write = data;
  CacheitCollectionWrites *self = write->writes;
  CacheitIndex *base = base_index (self);
  CacheitIndex *index;
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
      index = data_index (self);
      q = key != NULL && index != NULL ? _cacheit_index_lookup (index, key) : -1;
      if (q >= 0)
        result = self->list->get_item (self->collection, (guint) q);
      else
        result = g_object_ref (G_OBJECT (write->item));
      return result;
    }

  /* Whether the list shows the confirmed data as it is (no destroy waits). */
  {
    g_autoptr(GPtrArray) destroys = active_destroys (self);

    shows_confirmed = data_index (self) == base && destroys->len == 0;
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
  index = data_index (self);
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
  if (write->kind == ITEM_SAVE && shows_confirmed && base != NULL && index != NULL &&
      base->n_items == index->n_items)
    {
      g_autoptr(GPtrArray) writes = active_writes (self);

      self->list->replace (self->collection, base, NULL);
      if (writes->len == 0)
        {
          g_clear_pointer (&self->confirmed, _cacheit_index_release);
          self->has_confirmed = FALSE;
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
  ItemWrite *write = data;
  CacheitCollectionWrites *self = write->writes;

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
pending_key (CacheitCollectionWrites *self,
             CacheitModel            *item)
{
  gpointer find[2] = { item, NULL };

  _cacheit_write_queue_foreach (_cacheit_resource_get_writes (self->collection), find_item_key, find);

  return g_strdup (find[1]);
}

CacheitCollectionWrites *
_cacheit_collection_writes_new (CacheitResource                *collection,
                                const CacheitCollectionListOps *list)
{
  CacheitCollectionWrites *self = g_new0 (CacheitCollectionWrites, 1);

  self->collection = collection;
  self->list = list;
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
}

void
_cacheit_collection_writes_clear (CacheitCollectionWrites *self)
{
  g_clear_pointer (&self->confirmed, _cacheit_index_release);
  g_ptr_array_set_size (self->pending, 0);
}

void
_cacheit_collection_writes_free (CacheitCollectionWrites *self)
{
  _cacheit_collection_writes_clear (self);
  g_ptr_array_unref (self->pending);
  g_free (self);
}

guint
_cacheit_collection_writes_get_n_pending (CacheitCollectionWrites *self)
{
  return self->pending->len;
}

CacheitModel *
_cacheit_collection_writes_get_pending (CacheitCollectionWrites *self,
                                        guint                   position)
{
  return g_ptr_array_index (self->pending, position);
}

void
_cacheit_collection_writes_create (CacheitCollectionWrites *self,
                                   CacheitModel            *item,
                                   JsonObject              *attributes,
                                   guint                   flags,
                                   GTask                   *task)
{
  ItemWrite *write;

  keep_confirmed (self);

  write = g_new0 (ItemWrite, 1);
  write->writes = self;
  write->kind = ITEM_CREATE;
  write->changes = json_object_ref (attributes);
  write->item = g_object_ref (item);
  _cacheit_write_queue_item_write (_cacheit_resource_get_writes (CACHEIT_RESOURCE (write->item)), TRUE);
  write->flags = flags;
  write->base_url = g_strdup (cacheit_resource_get_url (self->collection));
  write->shown = (flags & CACHEIT_SAVE_WAIT) == 0;

  if (write->shown)
    {
      g_ptr_array_add (self->pending, g_object_ref (write->item));
      self->list->pending_changed (self->collection, self->pending->len - 1, 0, 1);
    }

  _cacheit_write_queue_push (_cacheit_resource_get_writes (self->collection), &item_write_ops, write,
                             cacheit_resource_get_root_pointer (self->collection), task);
}

gboolean
_cacheit_collection_writes_item (CacheitCollectionWrites *self,
                                 CacheitModel            *item,
                                 gboolean                destroy,
                                 JsonObject              *changes,
                                 guint                   flags,
                                 GTask                   *task)
{
  g_autofree char *key = NULL;
  ItemWrite *write;

  if (g_ptr_array_find (self->pending, item, NULL))
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
      gssize p = self->list->find_item (self->collection, item);

      if (p < 0)
        return FALSE;
      key = g_strdup (_cacheit_index_get_key (data_index (self), (guint) p));
    }

  keep_confirmed (self);

  write = g_new0 (ItemWrite, 1);
  write->writes = self;
  write->kind = destroy ? ITEM_DESTROY : ITEM_SAVE;
  write->item = g_object_ref (item);
  write->key = g_steal_pointer (&key);
  /* A copy: the caller may change @changes afterwards. */
  write->changes = changes != NULL ? _cacheit_json_object_merge (NULL, changes) : NULL;
  write->flags = flags;
  write->base_url = g_strdup (cacheit_resource_get_url (self->collection));
  write->shown = (flags & CACHEIT_SAVE_WAIT) == 0 && (destroy || changes != NULL);
  _cacheit_model_begin_item_write (item);
  _cacheit_write_queue_item_write (_cacheit_resource_get_writes (CACHEIT_RESOURCE (item)), TRUE);

  _cacheit_write_queue_push (_cacheit_resource_get_writes (self->collection), &item_write_ops, write,
                             cacheit_resource_get_root_pointer (self->collection), task);
  if (destroy)
    collection_show (self);
  else
    item_show (self, item);

  return TRUE;
}
