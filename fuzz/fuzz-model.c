/* fuzz-model.c: the attribute diff of a model (_cacheit_model_apply).
 *
 * The input is two JSON objects: two bytes for the length of the first, the
 * first, then the second. The model is given the first, then the second:
 * `changed` must be emitted exactly once for each attribute whose value
 * differs (added, removed or changed), with the name as the detail, and for
 * no other; giving the second again emits nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-decode.h"
#include "cacheit-model-private.h"

#include "fuzz-common.h"

/* Our own idea of equal values, independent of the library's: numbers by
 * value (1 and 1.0 are equal, as in json-glib), objects by members in any
 * order, arrays in order. */
static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);

        if (json_array_get_length (x) != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (x); i++)
          if (!values_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a);
        JsonObject *y = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        json_object_iter_init (&iter, x);
        while (json_object_iter_next (&iter, &name, &member))
          if (!json_object_has_member (y, name) ||
              !values_equal (member, json_object_get_member (y, name)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
    default:
      {
        GType ta = json_node_get_value_type (a);
        GType tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        if (na && nb)
          {
            if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
              return json_node_get_int (a) == json_node_get_int (b);
            return json_node_get_double (a) == json_node_get_double (b);
          }
        if (ta != tb)
          return FALSE;
        if (ta == G_TYPE_STRING)
          return strcmp (json_node_get_string (a), json_node_get_string (b)) == 0;
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      }
    }
}

static JsonNode *
decode_object (const guint8 *data,
               gsize         length)
{
  g_autoptr(GBytes) body = fuzz_padded_bytes (data, length);

  return _cacheit_decode_node (g_bytes_get_data (body, NULL), length, NULL,
                               CACHEIT_SHAPE_OBJECT, NULL);
}

typedef struct
{
  GHashTable *emitted;   /* name → count */
  gboolean    detail_ok;
} Record;

static void
changed_cb (CacheitModel *model,
            const char   *name,
            Record       *record)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (model);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (record->emitted, name));

  g_hash_table_insert (record->emitted, g_strdup (name), GUINT_TO_POINTER (count + 1));
  if (hint->detail != g_quark_try_string (name))
    record->detail_ok = FALSE;
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  gsize first_length = fuzz_input_byte (&input);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(CacheitModel) model = NULL;
  g_autoptr(GHashTable) emitted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Record record = { emitted, TRUE };
  JsonObject *a;
  JsonObject *b;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  guint n_expected = 0;

  fuzz_init ();

  first_length = (first_length << 8) | fuzz_input_byte (&input);
  first_length = MIN (first_length, input.length);
  first = decode_object (input.data, first_length);
  second = decode_object (input.data + first_length, input.length - first_length);
  if (first == NULL || second == NULL)
    return 0;
  a = json_node_get_object (first);
  b = json_node_get_object (second);

  model = cacheit_model_new (NULL);
  _cacheit_model_apply (model, a);
  g_assert_true (cacheit_model_get_attributes (model) == a);

  g_signal_connect (model, "changed", G_CALLBACK (changed_cb), &record);
  _cacheit_model_apply (model, b);
  g_assert_true (cacheit_model_get_attributes (model) == b);
  g_assert_true (record.detail_ok);

  json_object_iter_init (&iter, b);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonNode *old = json_object_get_member (a, name);
      gboolean differs = old == NULL || !values_equal (old, node);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (emitted, name));

      g_assert_cmpuint (count, ==, differs ? 1 : 0);
      n_expected += differs;
    }
  json_object_iter_init (&iter, a);
  while (json_object_iter_next (&iter, &name, &node))
    if (!json_object_has_member (b, name))
      {
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (emitted, name)), ==, 1);
        n_expected++;
      }
  g_assert_cmpuint (g_hash_table_size (emitted), ==, n_expected);

  /* The same data again: nothing. */
  g_hash_table_remove_all (emitted);
  _cacheit_model_apply (model, b);
  g_assert_cmpuint (g_hash_table_size (emitted), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&model));

  return 0;
}
