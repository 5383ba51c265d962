/* fuzz-diff.c: the collection diff (_cacheit_diff_new) over a sequence of
 * responses with random ids, duplicates, missing ids and reorders.
 *
 * For each response after the first, against the one before: the index has
 * the items the rules of R10 keep (one per id, at its first place, with its
 * last object); replaying the splices on the old key list gives the new key
 * list; old_position_of names, for each new item, the old position of its
 * key; content_changed is set exactly for the items whose bytes changed; no
 * splice is empty; a response diffed against itself gives no splice.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-diff.h"

#include "fuzz-common.h"

static void
check_index (CacheitIndex *index,
             FuzzResponse *response,
             guint         first_serial)
{
  g_autoptr(GArray) expected = fuzz_response_expected (response, first_serial);

  g_assert_cmpuint (index->n_items, ==, expected->len);

  for (guint p = 0; p < index->n_items; p++)
    {
      const FuzzExpected *entry = &g_array_index (expected, FuzzExpected, p);
      g_autoptr(JsonObject) object = _cacheit_index_dup_object (index, p);

      g_assert_cmpstr (_cacheit_index_get_id (index, p), ==, entry->id);
      g_assert_cmpint (json_object_get_int_member (object, "n"), ==, entry->serial);
      if (entry->id != NULL)
        g_assert_cmpint (_cacheit_index_lookup_id (index, entry->id), ==, p);
    }
}

/* The length of the longest increasing run of old positions, in new order:
 * the items that can stay where they are (O(n²), for the fewest splices). */
static guint
longest_increasing (const guint32 *old_position_of,
                    guint          n)
{
  g_autofree guint *best = g_new0 (guint, MAX (n, 1));
  guint longest = 0;

  for (guint p = 0; p < n; p++)
    {
      if (old_position_of[p] == CACHEIT_DIFF_NEW)
        continue;

      best[p] = 1;
      for (guint q = 0; q < p; q++)
        if (old_position_of[q] != CACHEIT_DIFF_NEW && old_position_of[q] < old_position_of[p])
          best[p] = MAX (best[p], best[q] + 1);
      longest = MAX (longest, best[p]);
    }

  return longest;
}

static void
check_diff (CacheitIndex *old_index,
            CacheitIndex *new_index)
{
  g_autoptr(CacheitDiff) diff = _cacheit_diff_new (old_index, new_index);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  guint n_old = old_index != NULL ? old_index->n_items : 0;
  guint removed = 0;
  guint added = 0;
  guint stay;

  g_assert_cmpuint (diff->n_old, ==, n_old);
  g_assert_cmpuint (diff->n_new, ==, new_index->n_items);

  for (guint q = 0; q < n_old; q++)
    g_ptr_array_add (list, (gpointer) _cacheit_index_get_key (old_index, q));

  /* Replay: each splice on the list as the ones before left it. */
  for (guint i = 0; i < diff->splices->len; i++)
    {
      const CacheitSplice *splice = &g_array_index (diff->splices, CacheitSplice, i);

      g_assert_true (splice->removed > 0 || splice->added > 0);
      g_assert_cmpuint (splice->position + splice->removed, <=, list->len);
      if (i > 0)
        {
          const CacheitSplice *before = &g_array_index (diff->splices, CacheitSplice, i - 1);

          /* In order, and not touching: two touching splices are one. */
          g_assert_cmpuint (splice->position, >, before->position + before->added);
        }

      removed += splice->removed;
      added += splice->added;
      g_ptr_array_remove_range (list, splice->position, splice->removed);
      for (guint a = 0; a < splice->added; a++)
        {
          guint p = splice->position + a;

          g_assert_cmpuint (p, <, new_index->n_items);
          g_ptr_array_insert (list, p, (gpointer) _cacheit_index_get_key (new_index, p));
        }
    }

  g_assert_cmpuint (list->len, ==, new_index->n_items);

  /* The fewest splices: only what cannot stay is removed and added. */
  stay = longest_increasing (diff->old_position_of, diff->n_new);
  g_assert_cmpuint (removed, ==, n_old - stay);
  g_assert_cmpuint (added, ==, new_index->n_items - stay);

  for (guint p = 0; p < list->len; p++)
    {
      const char *key = _cacheit_index_get_key (new_index, p);
      gssize old = old_index != NULL ? _cacheit_index_lookup (old_index, key) : -1;

      g_assert_cmpstr (g_ptr_array_index (list, p), ==, key);

      if (old < 0)
        {
          g_assert_cmpuint (diff->old_position_of[p], ==, CACHEIT_DIFF_NEW);
          continue;
        }

      g_assert_cmpuint (diff->old_position_of[p], ==, old);
      g_assert_cmpstr (_cacheit_index_get_key (old_index, old), ==, key);
      g_assert_cmpint (!!diff->content_changed[p], ==,
                       !_cacheit_index_item_equal (old_index, old, new_index, p));
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  g_autoptr(CacheitIndex) old_index = NULL;
  guint serial = 0;

  fuzz_init ();

  for (guint round = 0; round < 8 && !fuzz_input_is_empty (&input); round++)
    {
      guint first_serial = serial;
      g_autoptr(FuzzResponse) response = fuzz_response_new (&input, &serial);
      g_autoptr(CacheitIndex) index = NULL;
      g_autoptr(GError) error = NULL;

      index = _cacheit_decode_index (response->body, NULL, "id", &error);
      g_assert_no_error (error);
      check_index (index, response, first_serial);

      check_diff (old_index, index);
      check_diff (index, index);
      {
        g_autoptr(CacheitDiff) same = _cacheit_diff_new (index, index);

        g_assert_cmpuint (same->splices->len, ==, 0);
      }

      g_clear_pointer (&old_index, _cacheit_index_unref);
      old_index = g_steal_pointer (&index);
    }

  return 0;
}
