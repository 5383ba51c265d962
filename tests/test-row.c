/* test-row.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-row.h"

enum {
  PROP_0,
  PROP_NAME,
  PROP_RANK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint test_row_n_made;

G_DEFINE_FINAL_TYPE (TestRow, test_row, CACHEIT_TYPE_MODEL)

static void
test_row_finalize (GObject *object)
{
  g_free (TEST_ROW (object)->name);

  G_OBJECT_CLASS (test_row_parent_class)->finalize (object);
}

static void
test_row_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TestRow *self = TEST_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_RANK:
      g_value_set_int (value, self->rank);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_row_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TestRow *self = TEST_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (self->name);
      self->name = g_value_dup_string (value);
      break;

    case PROP_RANK:
      self->rank = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_row_class_init (TestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = test_row_finalize;
  object_class->get_property = test_row_get_property;
  object_class->set_property = test_row_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANK] = g_param_spec_int ("rank", NULL, NULL, G_MININT, G_MAXINT, 0,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
test_row_init (TestRow *self)
{
  test_row_n_made++;
}
