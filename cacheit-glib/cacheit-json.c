/* cacheit-json.c: json-glib values into GObject property values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cacheit-json.h"
#include "cacheit-error.h"

static gboolean
node_to_int64 (JsonNode *node,
               gint64   *out)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* 3.0 is an integer; 3.5 and 1e300 are not. */
      if (d == floor (d) && d >= (double) G_MININT64 && d < (double) G_MAXINT64)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
node_to_double (JsonNode *node,
                double   *out)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *out = json_node_get_double (node);
      return TRUE;
    }

  return FALSE;
}

/* Sets an integer of any width, or fails when it does not fit. */
static gboolean
set_integer (GValue *value,
             gint64  i)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_CHAR:
      if (i < G_MININT8 || i > G_MAXINT8)
        return FALSE;
      g_value_set_schar (value, (gint8) i);
      return TRUE;

    case G_TYPE_UCHAR:
      if (i < 0 || i > G_MAXUINT8)
        return FALSE;
      g_value_set_uchar (value, (guint8) i);
      return TRUE;

    case G_TYPE_INT:
      if (i < G_MININT || i > G_MAXINT)
        return FALSE;
      g_value_set_int (value, (int) i);
      return TRUE;

    case G_TYPE_UINT:
      if (i < 0 || i > G_MAXUINT)
        return FALSE;
      g_value_set_uint (value, (guint) i);
      return TRUE;

    case G_TYPE_LONG:
      if (i < G_MINLONG || i > G_MAXLONG)
        return FALSE;
      g_value_set_long (value, (long) i);
      return TRUE;

    case G_TYPE_ULONG:
      if (i < 0 || (guint64) i > G_MAXULONG)
        return FALSE;
      g_value_set_ulong (value, (gulong) i);
      return TRUE;

    case G_TYPE_INT64:
      g_value_set_int64 (value, i);
      return TRUE;

    case G_TYPE_UINT64:
      if (i < 0)
        return FALSE;
      g_value_set_uint64 (value, (guint64) i);
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
set_enum (GValue   *value,
          JsonNode *node)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (G_VALUE_TYPE (value));
  GEnumValue *enum_value = NULL;
  gint64 i;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      enum_value = g_enum_get_value_by_nick (enum_class, s);
      if (enum_value == NULL)
        enum_value = g_enum_get_value_by_name (enum_class, s);
    }
  else if (node_to_int64 (node, &i) && i >= G_MININT && i <= G_MAXINT)
    enum_value = g_enum_get_value (enum_class, (int) i);

  if (enum_value == NULL)
    return FALSE;

  g_value_set_enum (value, enum_value->value);
  return TRUE;
}

static gboolean
set_strv (GValue   *value,
          JsonNode *node)
{
  JsonArray *array;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  g_value_take_boxed (value, g_strv_builder_end (builder));
  return TRUE;
}

static gboolean
set_boxed (GValue   *value,
           JsonNode *node)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_STRV)
    return set_strv (value, node);

  if (type == JSON_TYPE_NODE)
    {
      g_value_set_boxed (value, node);
      return TRUE;
    }

  if (type == JSON_TYPE_OBJECT && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_value_set_boxed (value, json_node_get_object (node));
      return TRUE;
    }

  if (type == JSON_TYPE_ARRAY && JSON_NODE_HOLDS_ARRAY (node))
    {
      g_value_set_boxed (value, json_node_get_array (node));
      return TRUE;
    }

  if (type == G_TYPE_DATE_TIME && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      GDateTime *dt = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);

      if (dt == NULL)
        return FALSE;
      g_value_take_boxed (value, dt);
      return TRUE;
    }

  return FALSE;
}

gboolean
_cacheit_json_to_value (JsonNode   *node,
                        GParamSpec *pspec,
                        GValue     *value)
{
  g_auto(GValue) converted = G_VALUE_INIT;
  gint64 i;
  double d;
  gboolean ok = FALSE;

  g_value_init (&converted, G_VALUE_TYPE (value));

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_param_value_set_default (pspec, &converted);
      g_value_copy (&converted, value);
      return TRUE;
    }

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_STRING:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_value_set_string (&converted, json_node_get_string (node));
          ok = TRUE;
        }
      break;

    case G_TYPE_BOOLEAN:
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        {
          g_value_set_boolean (&converted, json_node_get_boolean (node));
          ok = TRUE;
        }
      break;

    case G_TYPE_CHAR:
    case G_TYPE_UCHAR:
    case G_TYPE_INT:
    case G_TYPE_UINT:
    case G_TYPE_LONG:
    case G_TYPE_ULONG:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
      ok = node_to_int64 (node, &i) && set_integer (&converted, i);
      break;

    case G_TYPE_DOUBLE:
      if (node_to_double (node, &d))
        {
          g_value_set_double (&converted, d);
          ok = TRUE;
        }
      break;

    case G_TYPE_FLOAT:
      if (node_to_double (node, &d) && isfinite ((float) d))
        {
          g_value_set_float (&converted, (float) d);
          ok = TRUE;
        }
      break;

    case G_TYPE_ENUM:
      ok = set_enum (&converted, node);
      break;

    case G_TYPE_BOXED:
      ok = set_boxed (&converted, node);
      break;

    default:
      ok = FALSE;
      break;
    }

  /* Out of the property's range: refuse rather than clamp. */
  if (!ok || g_param_value_validate (pspec, &converted))
    return FALSE;

  g_value_copy (&converted, value);
  return TRUE;
}

gboolean
_cacheit_values_equal (GParamSpec   *pspec,
                       const GValue *a,
                       const GValue *b)
{
  GType type = G_VALUE_TYPE (a);
  gconstpointer pa, pb;

  /* GParamSpecBoxed compares pointers: compare the contents instead. */
  if (G_TYPE_FUNDAMENTAL (type) != G_TYPE_BOXED)
    return g_param_values_cmp (pspec, a, b) == 0;

  pa = g_value_get_boxed (a);
  pb = g_value_get_boxed (b);
  if (pa == pb)
    return TRUE;
  if (pa == NULL || pb == NULL)
    return FALSE;

  if (type == G_TYPE_STRV)
    return g_strv_equal (pa, pb);
  if (type == JSON_TYPE_NODE)
    return json_node_equal (pa, pb);
  if (type == JSON_TYPE_OBJECT)
    return json_object_equal (pa, pb);
  if (type == JSON_TYPE_ARRAY)
    return json_array_equal (pa, pb);
  if (type == G_TYPE_DATE_TIME)
    return g_date_time_equal (pa, pb);

  return FALSE;
}

/* Writing JSON, for the slow path of a collection whose parse() returned a
 * JsonNode. JsonGenerator is not used: json-glib 1.6 writes the double 1e22
 * as "1e+22.0", which is not JSON. */

static void
write_string (GString    *out,
              const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static gboolean
write_node (GString   *out,
            JsonNode  *node,
            guint      depth)
{
  if (depth > CACHEIT_MAX_DEPTH)
    return FALSE;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            if (!write_node (out, member, depth + 1))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (!write_node (out, json_array_get_element (array, i), depth + 1))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          write_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)))
          {
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
          }
        else
          g_string_append (out, "null");
        return TRUE;
      }

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      return TRUE;
    }
}

GBytes *
_cacheit_json_to_padded_bytes (JsonNode  *node,
                               gsize      padding,
                               GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize length;

  if (!write_node (out, node, 1))
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_DEEP,
                   "nested deeper than %d levels", CACHEIT_MAX_DEPTH);
      return NULL;
    }

  length = out->len;
  g_string_set_size (out, length + padding);
  memset (out->str + length, 0, padding);

  return g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), length);
}

GBytes *
_cacheit_json_wrap_text (const char *text,
                         gsize       length,
                         const char *pointer,
                         gsize       padding)
{
  g_autoptr(GString) out = g_string_sized_new (length + padding + 64);
  g_auto(GStrv) tokens = NULL;
  guint n_tokens = 0;
  gsize total;

  /* "/a/b" names "a", then "b" in it: the text goes in {"a": {"b": …}}. */
  if (pointer != NULL && *pointer != '\0')
    {
      tokens = g_strsplit (pointer + 1, "/", -1);
      n_tokens = g_strv_length (tokens);
    }

  for (guint i = 0; i < n_tokens; i++)
    {
      g_autoptr(GString) token = g_string_new (tokens[i]);
      g_autoptr(JsonNode) name = json_node_new (JSON_NODE_VALUE);

      /* RFC 6901: ~1 is "/", then ~0 is "~". */
      g_string_replace (token, "~1", "/", 0);
      g_string_replace (token, "~0", "~", 0);
      json_node_set_string (name, token->str);

      g_string_append_c (out, '{');
      write_node (out, name, 1);
      g_string_append_c (out, ':');
    }

  g_string_append_len (out, text, length);
  for (guint i = 0; i < n_tokens; i++)
    g_string_append_c (out, '}');

  total = out->len;
  g_string_set_size (out, total + padding);
  memset (out->str + total, 0, padding);

  return g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), total);
}

JsonObject *
_cacheit_json_object_merge (JsonObject *base,
                            JsonObject *changes)
{
  JsonObject *merged = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (base != NULL)
    {
      json_object_iter_init_ordered (&iter, base);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        json_object_set_member (merged, name, json_node_copy (node));
    }

  if (changes != NULL)
    {
      json_object_iter_init_ordered (&iter, changes);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        json_object_set_member (merged, name, json_node_copy (node));
    }

  return merged;
}

GBytes *
_cacheit_json_object_to_bytes (JsonObject *object,
                               const char *pointer,
                               GError    **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(GBytes) text = _cacheit_json_to_padded_bytes (node, 0, error);
  gsize length;
  const char *data;

  if (text == NULL)
    return NULL;
  if (pointer == NULL || *pointer == '\0')
    return g_steal_pointer (&text);

  data = g_bytes_get_data (text, &length);
  return _cacheit_json_wrap_text (data, length, pointer, 0);
}
