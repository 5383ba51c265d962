/* cacheit-diff.c: old keys + new index → the fewest splices (R10).
 *
 * The items whose keys persist and keep their relative order stay where they
 * are: the longest increasing subsequence of their old positions, in new
 * order. Every other old item is removed and every other new item inserted,
 * one splice per gap between two items that stay, so removing one item and
 * appending another gives two small splices, not one that spans the list
 * between them. A moved item is removed in one gap and inserted in another.
 * Runs in a worker thread; touches no GObject.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-diff.h"

#include <string.h>

/* Marks in @stays the new positions that are part of a longest increasing
 * subsequence of old positions (patience sorting, O(n log n)). */
static void
mark_longest_increasing (const guint32 *old_position_of,
                         guint          n,
                         guint8        *stays)
{
  g_autofree guint32 *tails = g_new (guint32, n + 1);      /* new positions */
  g_autofree guint32 *previous = g_new (guint32, n + 1);
  guint length = 0;

  for (guint p = 0; p < n; p++)
    {
      guint32 value = old_position_of[p];
      guint lo = 0, hi = length;

      if (value == CACHEIT_DIFF_NEW)
        continue;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (old_position_of[tails[mid]] < value)
            lo = mid + 1;
          else
            hi = mid;
        }

      previous[p] = lo > 0 ? tails[lo - 1] : CACHEIT_DIFF_NEW;
      tails[lo] = p;
      if (lo == length)
        length++;
    }

  if (length == 0)
    return;

  for (guint32 p = tails[length - 1]; p != CACHEIT_DIFF_NEW; p = previous[p])
    stays[p] = TRUE;
}

static void
add_splice (GArray *splices,
            guint   position,
            guint   removed,
            guint   added)
{
  CacheitSplice splice = { position, removed, added };

  if (removed > 0 || added > 0)
    g_array_append_val (splices, splice);
}

CacheitDiff *
_cacheit_diff_new (CacheitIndex *old_index,
                   CacheitIndex *new_index)
{
  return _cacheit_diff_new_renamed (old_index, new_index, NULL, NULL);
}

CacheitDiff *
_cacheit_diff_new_renamed (CacheitIndex *old_index,
                           CacheitIndex *new_index,
                           const char   *old_key,
                           const char   *new_key)
{
  CacheitDiff *diff = g_new0 (CacheitDiff, 1);
  g_autofree guint8 *stays = NULL;
  guint old_next = 0;
  guint new_next = 0;

  diff->n_old = old_index != NULL ? old_index->n_items : 0;
  diff->n_new = new_index->n_items;
  diff->old_position_of = g_new (guint32, MAX (diff->n_new, 1));
  diff->content_changed = g_new0 (guint8, MAX (diff->n_new, 1));
  diff->splices = g_array_new (FALSE, FALSE, sizeof (CacheitSplice));

  for (guint p = 0; p < diff->n_new; p++)
    {
      gssize old = -1;

      if (old_index != NULL)
        {
          const char *key = _cacheit_index_get_key (new_index, p);

          if (new_key != NULL && strcmp (key, new_key) == 0)
            key = old_key;
          old = _cacheit_index_lookup (old_index, key);
        }

      diff->old_position_of[p] = old >= 0 ? (guint32) old : CACHEIT_DIFF_NEW;
      if (old >= 0)
        {
          diff->content_changed[p] = !_cacheit_index_item_equal (old_index, old, new_index, p);
          diff->any_content_changed |= diff->content_changed[p];
        }
    }

  stays = g_new0 (guint8, MAX (diff->n_new, 1));
  mark_longest_increasing (diff->old_position_of, diff->n_new, stays);

  for (guint p = 0; p < diff->n_new; p++)
    {
      guint32 old;

      if (!stays[p])
        continue;

      old = diff->old_position_of[p];
      add_splice (diff->splices, new_next, old - old_next, p - new_next);
      old_next = old + 1;
      new_next = p + 1;
    }
  add_splice (diff->splices, new_next, diff->n_old - old_next, diff->n_new - new_next);

  return diff;
}

void
_cacheit_diff_free (CacheitDiff *diff)
{
  g_free (diff->old_position_of);
  g_free (diff->content_changed);
  g_clear_pointer (&diff->splices, g_array_unref);
  g_free (diff);
}
