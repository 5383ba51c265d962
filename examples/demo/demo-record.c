/* demo-record.c: one record of the demo's catalogue, a typed CacheitModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Its properties are filled by the library from the JSON members of the same
 * name, and notify only when a value changed: that is all GTK needs to sort,
 * filter and bind rows. "description" is only in the record's own resource
 * (/records/ID), so it is filled when the detail pane fetches the record.
 * "updated" is the server's: it sets it to the time of each change it
 * accepts, and the answer to a save brings it back.
 */

#include "demo-record.h"

struct _DemoRecord
{
  CacheitModel parent_instance;

  gint64  id;
  char   *name;
  char   *city;
  double  price;
  int     stock;
  char   *updated;
  char   *description;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CITY,
  PROP_PRICE,
  PROP_STOCK,
  PROP_UPDATED,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint n_made;

G_DEFINE_FINAL_TYPE (DemoRecord, demo_record, CACHEIT_TYPE_MODEL)

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static void
demo_record_finalize (GObject *object)
{
  DemoRecord *self = DEMO_RECORD (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->city, g_free);
  g_clear_pointer (&self->updated, g_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (demo_record_parent_class)->finalize (object);
}

static void
demo_record_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DemoRecord *self = DEMO_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_CITY:
      g_value_set_string (value, self->city);
      break;

    case PROP_PRICE:
      g_value_set_double (value, self->price);
      break;

    case PROP_STOCK:
      g_value_set_int (value, self->stock);
      break;

    case PROP_UPDATED:
      g_value_set_string (value, self->updated);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
demo_record_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DemoRecord *self = DEMO_RECORD (object);
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_ID:
      changed = self->id != g_value_get_int64 (value);
      self->id = g_value_get_int64 (value);
      break;

    case PROP_NAME:
      changed = set_string (&self->name, g_value_get_string (value));
      break;

    case PROP_CITY:
      changed = set_string (&self->city, g_value_get_string (value));
      break;

    case PROP_PRICE:
      changed = self->price != g_value_get_double (value);
      self->price = g_value_get_double (value);
      break;

    case PROP_STOCK:
      changed = self->stock != g_value_get_int (value);
      self->stock = g_value_get_int (value);
      break;

    case PROP_UPDATED:
      changed = set_string (&self->updated, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      changed = set_string (&self->description, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
demo_record_class_init (DemoRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = demo_record_finalize;
  object_class->get_property = demo_record_get_property;
  object_class->set_property = demo_record_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CITY] = g_param_spec_string ("city", NULL, NULL, NULL, flags);
  properties[PROP_PRICE] = g_param_spec_double ("price", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_STOCK] = g_param_spec_int ("stock", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_UPDATED] = g_param_spec_string ("updated", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
demo_record_init (DemoRecord *self)
{
  n_made++;
}

guint
demo_record_get_n_made (void)
{
  return n_made;
}

gint64
demo_record_get_id (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), 0);

  return self->id;
}

const char *
demo_record_get_name (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), NULL);

  return self->name;
}

const char *
demo_record_get_city (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), NULL);

  return self->city;
}

double
demo_record_get_price (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), 0);

  return self->price;
}

int
demo_record_get_stock (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), 0);

  return self->stock;
}

const char *
demo_record_get_updated (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), NULL);

  return self->updated;
}

const char *
demo_record_get_description (DemoRecord *self)
{
  g_return_val_if_fail (DEMO_IS_RECORD (self), NULL);

  return self->description;
}
