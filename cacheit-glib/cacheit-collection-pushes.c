/* cacheit-collection-pushes.c: the items an application pushed into a
 * collection, kept on top of the server's data until it changes.
 *
 * A push is recorded per id with the server's object of that id as the
 * list had it then (the baseline). Each list fetched afterwards is compared
 * with the baselines: where the server's object of an id is still the
 * baseline, the push is applied again; where it is not, the server has
 * caught up with the push (or overtaken it), and the push is dropped. The
 * comparison is of bytes, as the server writes the same object the same
 * way; an object written otherwise counts as a change, which at worst shows
 * the server's data sooner.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-collection-pushes.h"

typedef struct
{
  gatomicrefcount ref_count;
  char           *key;
  CacheitIndex   *page;      /* The pushed object; NULL: a removal. */
  CacheitUpsert   where;
  GBytes         *baseline;  /* The server's object of @key then; NULL: none. */
  guint           serial;
} Push;

struct _CacheitPushes
{
  GPtrArray *pushes;  /* Push, oldest first, one per key. */
  guint      serial;
};

static Push *
push_ref (Push *push)
{
  g_atomic_ref_count_inc (&push->ref_count);
  return push;
}

static void
push_unref (Push *push)
{
  if (!g_atomic_ref_count_dec (&push->ref_count))
    return;

  g_free (push->key);
  g_clear_pointer (&push->page, _cacheit_index_unref);
  g_clear_pointer (&push->baseline, g_bytes_unref);
  g_free (push);
}

CacheitPushes *
_cacheit_pushes_new (void)
{
  CacheitPushes *self = g_new0 (CacheitPushes, 1);

  self->pushes = g_ptr_array_new_with_free_func ((GDestroyNotify) push_unref);

  return self;
}

void
_cacheit_pushes_free (CacheitPushes *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->pushes);
  g_free (self);
}

CacheitPushes *
_cacheit_pushes_copy (CacheitPushes *self)
{
  CacheitPushes *copy;

  if (self->pushes->len == 0)
    return NULL;

  copy = _cacheit_pushes_new ();
  copy->serial = self->serial;
  for (guint i = 0; i < self->pushes->len; i++)
    g_ptr_array_add (copy->pushes, push_ref (g_ptr_array_index (self->pushes, i)));

  return copy;
}

gboolean
_cacheit_pushes_is_empty (CacheitPushes *self)
{
  return self->pushes->len == 0;
}

void
_cacheit_pushes_clear (CacheitPushes *self)
{
  g_ptr_array_set_size (self->pushes, 0);
}

guint
_cacheit_pushes_get_serial (CacheitPushes *self)
{
  return self->serial;
}

/* The bytes of the object of @key in @index, or NULL. */
static GBytes *
object_bytes (CacheitIndex *index,
              const char   *key)
{
  gssize p = index != NULL ? _cacheit_index_lookup (index, key) : -1;
  const CacheitIndexEntry *entry;

  if (p < 0 || !index->entries[p].has_id)
    return NULL;
  entry = &index->entries[p];

  return g_bytes_new_from_bytes (index->body, entry->offset, entry->length);
}

void
_cacheit_pushes_add (CacheitPushes *self,
                     const char    *key,
                     CacheitIndex  *page,
                     CacheitUpsert  where,
                     CacheitIndex  *shown)
{
  Push *push = g_new0 (Push, 1);

  g_atomic_ref_count_init (&push->ref_count);
  push->key = g_strdup (key);
  push->page = page != NULL ? _cacheit_index_ref (page) : NULL;
  push->where = where;
  push->serial = ++self->serial;

  /* A key pushed again keeps its first baseline: the server's object. */
  for (guint i = 0; i < self->pushes->len; i++)
    {
      Push *old = g_ptr_array_index (self->pushes, i);

      if (strcmp (old->key, key) == 0)
        {
          push->baseline = old->baseline != NULL ? g_bytes_ref (old->baseline) : NULL;
          g_ptr_array_remove_index (self->pushes, i);
          g_ptr_array_add (self->pushes, push);
          return;
        }
    }

  push->baseline = object_bytes (shown, key);
  g_ptr_array_add (self->pushes, push);
}

static gboolean
bytes_equal (GBytes *a,
             GBytes *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_bytes_equal (a, b);
}

static CacheitIndex *
apply_one (Push         *push,
           CacheitIndex *index,
           const char   *id_attribute)
{
  gssize p = _cacheit_index_lookup (index, push->key);
  g_autoptr(CacheitIndex) without = NULL;

  if (p >= 0 && !index->entries[p].has_id)
    p = -1;

  if (push->page != NULL && push->where == CACHEIT_UPSERT_IN_PLACE)
    return _cacheit_index_merge_page (index, push->page, push->page, G_MAXUINT);

  if (p >= 0)
    {
      CacheitIndexChange change = { (guint) p, NULL };

      without = _cacheit_index_edit (index, &change, 1, NULL, 0, id_attribute);
      index = without;
    }
  if (push->page == NULL)
    return _cacheit_index_ref (index);

  return _cacheit_index_merge_page (index, NULL, push->page,
                                    push->where == CACHEIT_UPSERT_START ? 0 : G_MAXUINT);
}

CacheitIndex *
_cacheit_pushes_apply (CacheitPushes *self,
                       CacheitIndex  *index,
                       CacheitIndex  *server,
                       gboolean       page,
                       guint          since,
                       const char    *id_attribute,
                       GPtrArray     *expired)
{
  CacheitIndex *result = _cacheit_index_ref (index);

  for (guint i = 0; i < self->pushes->len; i++)
    {
      Push *push = g_ptr_array_index (self->pushes, i);
      CacheitIndex *next;

      if (push->serial <= since)
        continue;

      if (server != NULL)
        {
          g_autoptr(GBytes) now = object_bytes (server, push->key);

          if (page && now == NULL)
            continue;
          if (!bytes_equal (now, push->baseline))
            {
              g_ptr_array_add (expired, g_strdup (push->key));
              continue;
            }
        }

      next = apply_one (push, result, id_attribute);
      _cacheit_index_unref (result);
      result = next;
    }

  return result;
}

void
_cacheit_pushes_expire (CacheitPushes *self,
                        GPtrArray     *keys,
                        guint          upto)
{
  for (guint k = 0; keys != NULL && k < keys->len; k++)
    for (guint i = 0; i < self->pushes->len; i++)
      {
        Push *push = g_ptr_array_index (self->pushes, i);

        if (push->serial <= upto && strcmp (push->key, g_ptr_array_index (keys, k)) == 0)
          {
            g_ptr_array_remove_index (self->pushes, i);
            break;
          }
      }
}
