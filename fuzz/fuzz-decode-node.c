/* fuzz-decode-node.c: JSON decode (_cacheit_decode_node) with root-pointer,
 * the depth limit and the shape check.
 *
 * The input is: a byte for the shape, a byte for the length of the root
 * pointer, the pointer, then the JSON. Any input gives a node or a
 * CACHEIT_ERROR of the documented codes; a node has the shape asked for,
 * nests no deeper than CACHEIT_MAX_DEPTH, and decodes again from its own
 * serialization to an equal node.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-decode.h"
#include "cacheit-error.h"

#include "fuzz-common.h"

static guint
node_depth (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        {
          guint depth = node_depth (member);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          guint depth = node_depth (json_array_get_element (array, i));

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  return 0;
}

/* Whether json-glib 1.6 writes a double of @node as invalid JSON: it adds
 * ".0" to "1e+22", giving "1e+22.0". Not ours to test (see fuzz/README.md). */
static gboolean
has_unwritable_double (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (has_unwritable_double (member))
          return TRUE;
      return FALSE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_unwritable_double (json_array_get_element (array, i)))
          return TRUE;
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node));
      return strchr (buffer, 'e') != NULL && strchr (buffer, '.') == NULL;
    }

  return FALSE;
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  CacheitShape shape = fuzz_input_byte (&input) % 3;
  gsize pointer_length = fuzz_input_byte (&input) % 32;
  g_autofree char *pointer = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GBytes) serialized = NULL;
  g_autofree char *json = NULL;
  gsize length;

  fuzz_init ();

  pointer_length = MIN (pointer_length, input.length);
  pointer = g_strndup ((const char *) input.data, pointer_length);
  input.data += pointer_length;
  input.length -= pointer_length;
  body = fuzz_padded_bytes (input.data, input.length);

  /* The library checks the pointer's syntax before it decodes. */
  if (!_cacheit_json_pointer_is_valid (pointer))
    g_clear_pointer (&pointer, g_free);

  node = _cacheit_decode_node (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               pointer, shape, &error);
  if (node == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CACHEIT_ERROR);
      g_assert_true (error->code == CACHEIT_ERROR_INVALID_JSON ||
                     error->code == CACHEIT_ERROR_TOO_DEEP ||
                     error->code == CACHEIT_ERROR_WRONG_SHAPE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  if (shape == CACHEIT_SHAPE_OBJECT)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  else if (shape == CACHEIT_SHAPE_ARRAY)
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_cmpuint (node_depth (node), <=, CACHEIT_MAX_DEPTH);

  /* What json-glib writes of it decodes to the same value. */
  if (has_unwritable_double (node))
    return 0;
  json = json_to_string (node, FALSE);
  length = strlen (json);
  serialized = fuzz_padded_bytes (json, length);
  again = _cacheit_decode_node (g_bytes_get_data (serialized, NULL), length, NULL, shape,
                                &again_error);
  g_assert_no_error (again_error);
  g_assert_true (json_node_equal (node, again));

  return 0;
}
