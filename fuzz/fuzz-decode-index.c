/* fuzz-decode-index.c: a collection's index (_cacheit_decode_index), with
 * root-pointer, the depth limit and the shape check.
 *
 * The input is: a byte choosing the root pointer and the id attribute, then
 * the JSON. Any input gives an index or a CACHEIT_ERROR; an index holds one
 * item per key, in order, each found again by its key and its id, and each
 * item decodes to an object whose id member gives that id.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-decode.h"
#include "cacheit-error.h"

#include "fuzz-common.h"

static const char *pointers[] = { NULL, "", "/items", "/results/items", "/0", "/a~1b" };
static const char *id_attributes[] = { "id", "uuid", "", "a/b" };

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  guint8 choice = fuzz_input_byte (&input);
  const char *pointer = pointers[choice % G_N_ELEMENTS (pointers)];
  const char *id_attribute = id_attributes[(choice / 8) % G_N_ELEMENTS (id_attributes)];
  g_autoptr(GBytes) body = fuzz_padded_bytes (input.data, input.length);
  g_autoptr(CacheitIndex) index = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) node_error = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  fuzz_init ();

  index = _cacheit_decode_index (body, pointer, id_attribute, &error);
  node = _cacheit_decode_node (g_bytes_get_data (body, NULL), g_bytes_get_size (body), pointer,
                               CACHEIT_SHAPE_ARRAY, &node_error);
  if (index == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == CACHEIT_ERROR);
      g_assert_true (error->code == CACHEIT_ERROR_INVALID_JSON ||
                     error->code == CACHEIT_ERROR_TOO_DEEP ||
                     error->code == CACHEIT_ERROR_WRONG_SHAPE);
      /* An index fails where a plain decode does, or on an item that is not
       * an object. */
      if (node != NULL)
        g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);
      else
        g_assert_error (error, node_error->domain, node_error->code);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (index->n_items, <=, json_array_get_length (json_node_get_array (node)));

  for (guint p = 0; p < index->n_items; p++)
    {
      const char *key = _cacheit_index_get_key (index, p);
      const char *id = _cacheit_index_get_id (index, p);
      g_autoptr(JsonObject) object = NULL;

      g_assert_nonnull (key);
      g_assert_false (g_hash_table_contains (keys, key));
      g_hash_table_add (keys, (gpointer) key);
      g_assert_cmpint (_cacheit_index_lookup (index, key), ==, p);

      if (id != NULL)
        {
          g_assert_cmpint (_cacheit_index_lookup_id (index, id), ==, p);
          g_assert_true (g_utf8_validate (id, -1, NULL));
        }
      else
        g_assert_true (key[0] == '\1');

      /* The item's bytes decode alone: an object, with an id if it has one. */
      object = _cacheit_index_dup_object (index, p);
      g_assert_nonnull (object);
      if (id != NULL)
        g_assert_true (json_object_has_member (object, id_attribute));
      g_assert_true (_cacheit_index_item_equal (index, p, index, p));
    }

  return 0;
}
