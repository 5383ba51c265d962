/* cacheit-diff.h: old keys + new index → the fewest splices (R10).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-decode.h"

G_BEGIN_DECLS

#define CACHEIT_DIFF_NEW G_MAXUINT32

typedef struct
{
  guint position;
  guint removed;
  guint added;
} CacheitSplice;

typedef struct
{
  guint    n_old;
  guint    n_new;
  /* For each new position, the old position of its key, or CACHEIT_DIFF_NEW. */
  guint32 *old_position_of;
  /* For each new position that has an old one: whether its bytes changed. */
  guint8  *content_changed;
  gboolean any_content_changed;
  /* Applied in order to the old list, they give the new one. Each position
   * is in the list as it is when that splice is applied. */
  GArray  *splices;
} CacheitDiff;

CacheitDiff *_cacheit_diff_new  (CacheitIndex *old_index,
                                 CacheitIndex *new_index);
void         _cacheit_diff_free (CacheitDiff  *diff);

/* The same, where the item with @old_key in @old_index is the one with
 * @new_key in @new_index (an item that got an id). */
CacheitDiff *_cacheit_diff_new_renamed (CacheitIndex *old_index,
                                        CacheitIndex *new_index,
                                        const char   *old_key,
                                        const char   *new_key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitDiff, _cacheit_diff_free)

G_END_DECLS
