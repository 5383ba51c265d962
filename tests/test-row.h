/* test-row.h: a typed collection item, as an application declares one, for
 * the tests: "name" (string) and "rank" (int), counting its instances.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

G_BEGIN_DECLS

#define TEST_TYPE_ROW (test_row_get_type ())
G_DECLARE_FINAL_TYPE (TestRow, test_row, TEST, ROW, CacheitModel)

struct _TestRow
{
  CacheitModel parent_instance;
  char        *name;
  int          rank;
};

/* How many TestRow objects were made since the last reset. */
extern guint test_row_n_made;

G_END_DECLS
