/* cacheit-decode.cpp: the only C++ of the library, a C interface to simdjson.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <new>
#include <simdjson.h>

#include "cacheit-decode.h"

static_assert (CACHEIT_BODY_PADDING >= simdjson::SIMDJSON_PADDING,
               "bodies must be padded as simdjson requires");

/* Documents up to this size reuse a parser kept by the thread; larger ones
 * get a parser of their own, so that a thread does not hold on to the
 * buffers of the largest document it ever saw. */
#define REUSED_PARSER_MAX_CAPACITY (1024 * 1024)

static GError *
error_from_simdjson (simdjson::error_code code)
{
  if (code == simdjson::DEPTH_ERROR)
    return g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_TOO_DEEP,
                        "nested deeper than %d levels", CACHEIT_MAX_DEPTH);

  if (code == simdjson::EMPTY)
    return g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON,
                                "the body is empty");

  if (code == simdjson::MEMALLOC)
    return g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_FAILED,
                                "out of memory while decoding");

  return g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON,
                              simdjson::error_message (code));
}

static JsonNode *
node_from_element (simdjson::dom::element element)
{
  JsonNode *node;

  switch (element.type ())
    {
    case simdjson::dom::element_type::OBJECT:
      {
        JsonObject *object = json_object_new ();

        simdjson::dom::object dom_object = element;

        /* The iterator's key_c_str() is NUL-terminated; a key_value_pair's
         * key is not. */
        for (auto it = dom_object.begin (); it != dom_object.end (); ++it)
          json_object_set_member (object, it.key_c_str (), node_from_element (it.value ()));

        node = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return node;
      }

    case simdjson::dom::element_type::ARRAY:
      {
        simdjson::dom::array array = element;
        JsonArray *jarray = json_array_sized_new ((guint) array.size ());

        for (simdjson::dom::element child : array)
          json_array_add_element (jarray, node_from_element (child));

        node = json_node_init_array (json_node_alloc (), jarray);
        json_array_unref (jarray);
        return node;
      }

    case simdjson::dom::element_type::STRING:
      return json_node_init_string (json_node_alloc (), element.get_c_str ().value_unsafe ());

    case simdjson::dom::element_type::INT64:
      return json_node_init_int (json_node_alloc (), element.get_int64 ().value_unsafe ());

    case simdjson::dom::element_type::UINT64:
      {
        /* json-glib holds integers as gint64: larger ones become doubles. */
        guint64 value = element.get_uint64 ().value_unsafe ();

        if (value <= (guint64) G_MAXINT64)
          return json_node_init_int (json_node_alloc (), (gint64) value);
        return json_node_init_double (json_node_alloc (), (double) value);
      }

    case simdjson::dom::element_type::DOUBLE:
      return json_node_init_double (json_node_alloc (), element.get_double ().value_unsafe ());

    case simdjson::dom::element_type::BOOL:
      return json_node_init_boolean (json_node_alloc (), element.get_bool ().value_unsafe ());

    case simdjson::dom::element_type::NULL_VALUE:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

static const char *
shape_name (simdjson::dom::element_type type)
{
  switch (type)
    {
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
      return "a number";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
    default:
      return "null";
    }
}

static JsonNode *
decode_with (simdjson::dom::parser &parser,
             const char            *data,
             gsize                  length,
             const char            *root_pointer,
             CacheitShape           shape,
             GError               **error)
{
  simdjson::dom::element root;
  simdjson::error_code code;

  code = parser.allocate (MAX (length, (gsize) 64), CACHEIT_MAX_DEPTH);
  if (code != simdjson::SUCCESS)
    {
      g_propagate_error (error, error_from_simdjson (code));
      return NULL;
    }

  /* The body is padded, so simdjson may read past @length without a copy. */
  code = parser.parse (reinterpret_cast<const uint8_t *> (data), length, false).get (root);
  if (code != simdjson::SUCCESS)
    {
      g_propagate_error (error, error_from_simdjson (code));
      return NULL;
    }

  if (root_pointer != NULL && *root_pointer != '\0')
    {
      code = root.at_pointer (root_pointer).get (root);
      if (code != simdjson::SUCCESS)
        {
          g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                       "nothing at the root pointer “%s”", root_pointer);
          return NULL;
        }
    }

  if ((shape == CACHEIT_SHAPE_OBJECT && !root.is_object ()) ||
      (shape == CACHEIT_SHAPE_ARRAY && !root.is_array ()))
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                   "expected %s, got %s",
                   shape == CACHEIT_SHAPE_OBJECT ? "an object" : "an array",
                   shape_name (root.type ()));
      return NULL;
    }

  return node_from_element (root);
}

JsonNode *
_cacheit_decode_node (const char    *data,
                      gsize          length,
                      const char    *root_pointer,
                      CacheitShape   shape,
                      GError       **error)
{
  try
    {
      if (length <= REUSED_PARSER_MAX_CAPACITY)
        {
          static thread_local simdjson::dom::parser parser;
          return decode_with (parser, data, length, root_pointer, shape, error);
        }
      else
        {
          simdjson::dom::parser parser;
          return decode_with (parser, data, length, root_pointer, shape, error);
        }
    }
  catch (const std::bad_alloc &)
    {
      g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_FAILED,
                           "out of memory while decoding");
      return NULL;
    }
}

gboolean
_cacheit_json_pointer_is_valid (const char *pointer)
{
  if (pointer == NULL || *pointer == '\0')
    return TRUE;

  if (*pointer != '/')
    return FALSE;

  /* "~" must be followed by "0" or "1". */
  for (const char *p = pointer; *p != '\0'; p++)
    if (*p == '~' && p[1] != '0' && p[1] != '1')
      return FALSE;

  return g_utf8_validate (pointer, -1, NULL);
}
