/* cacheit-decode.cpp: the only C++ of the library, a C interface to simdjson.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <cmath>
#include <cstring>
#include <new>
#include <vector>
#include <simdjson.h>

#include "cacheit-decode.h"
#include "cacheit-error.h"

static_assert (CACHEIT_BODY_PADDING >= simdjson::SIMDJSON_PADDING,
               "bodies must be padded as simdjson requires");

/* Documents up to this size reuse a parser kept by the thread; larger ones
 * get a parser of their own, so that a thread does not hold on to the
 * buffers of the largest document it ever saw. */
#define REUSED_PARSER_MAX_CAPACITY (64 * 1024)
#define MIN_PARSER_CAPACITY        (4 * 1024)

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

/* Parses @data and goes to @root_pointer. */
static gboolean
parse_root (simdjson::dom::parser  &parser,
            const char             *data,
            gsize                   length,
            const char             *root_pointer,
            simdjson::dom::element &root,
            GError                **error)
{
  simdjson::error_code code;

  /* allocate() reallocates whenever the capacity differs: grow only. */
  if (parser.capacity () < length || parser.max_depth () != CACHEIT_MAX_DEPTH)
    {
      code = parser.allocate (MAX (length, (gsize) MIN_PARSER_CAPACITY), CACHEIT_MAX_DEPTH);
      if (code != simdjson::SUCCESS)
        {
          g_propagate_error (error, error_from_simdjson (code));
          return FALSE;
        }
    }

  /* The body is padded, so simdjson may read past @length without a copy. */
  code = parser.parse (reinterpret_cast<const uint8_t *> (data), length, false).get (root);
  if (code != simdjson::SUCCESS)
    {
      g_propagate_error (error, error_from_simdjson (code));
      return FALSE;
    }

  if (root_pointer != NULL && *root_pointer != '\0' &&
      root.at_pointer (root_pointer).get (root) != simdjson::SUCCESS)
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                   "nothing at the root pointer “%s”", root_pointer);
      return FALSE;
    }

  return TRUE;
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

  if (!parse_root (parser, data, length, root_pointer, root, error))
    return NULL;

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

/* A process that exits while a worker decodes: exit() runs the destructors
 * of simdjson's static objects (its implementations) under the worker still
 * using them, which aborts the process ("pure virtual method called"), as
 * the demo's window did when it quit during the revalidation of a large
 * list. Once a decode has run (so that the statics simdjson makes on first
 * use exist, and their destructors were registered before), a handler is
 * registered with atexit(): it runs before those destructors, lets no new
 * decode start, and waits a bounded time for those in flight. */
#define EXIT_WAIT_MAX (5 * G_TIME_SPAN_SECOND)

static GMutex   exit_lock;
static GCond    exit_cond;
static guint    n_decoding;
static gboolean exiting;

static void
wait_for_decodes (void)
{
  gint64 end = g_get_monotonic_time () + EXIT_WAIT_MAX;

  g_mutex_lock (&exit_lock);
  exiting = TRUE;
  while (n_decoding > 0)
    if (!g_cond_wait_until (&exit_cond, &exit_lock, end))
      break;
  g_mutex_unlock (&exit_lock);
}

static gboolean
decode_begin (GError **error)
{
  gboolean ok;

  g_mutex_lock (&exit_lock);
  ok = !exiting;
  if (ok)
    n_decoding++;
  g_mutex_unlock (&exit_lock);

  if (!ok)
    g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_FAILED, "the process is exiting");

  return ok;
}

static void
decode_end (void)
{
  static gsize registered;

  g_mutex_lock (&exit_lock);
  if (--n_decoding == 0)
    g_cond_broadcast (&exit_cond);
  g_mutex_unlock (&exit_lock);

  if (g_once_init_enter (&registered))
    {
      atexit (wait_for_decodes);
      g_once_init_leave (&registered, 1);
    }
}

/* Runs @decode with a parser: the thread's own for a small document, a new
 * one for a large one, and turns running out of memory into an error. */
template <typename Result, typename Decode>
static Result *
with_parser_unguarded (gsize    length,
                       GError **error,
                       Decode   decode)
{
  try
    {
      if (length <= REUSED_PARSER_MAX_CAPACITY)
        {
          static thread_local simdjson::dom::parser parser;
          return decode (parser);
        }
      else
        {
          simdjson::dom::parser parser;
          return decode (parser);
        }
    }
  catch (const std::bad_alloc &)
    {
      g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_FAILED,
                           "out of memory while decoding");
      return NULL;
    }
}

/* with_parser_unguarded(), unless the process is exiting. */
template <typename Result, typename Decode>
static Result *
with_parser (gsize    length,
             GError **error,
             Decode   decode)
{
  Result *result;

  if (!decode_begin (error))
    return NULL;
  result = with_parser_unguarded<Result> (length, error, decode);
  decode_end ();

  return result;
}

JsonNode *
_cacheit_decode_node (const char    *data,
                      gsize          length,
                      const char    *root_pointer,
                      CacheitShape   shape,
                      GError       **error)
{
  return with_parser<JsonNode> (length, error, [&] (simdjson::dom::parser &parser) {
    return decode_with (parser, data, length, root_pointer, shape, error);
  });
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

/* Collections */

static void
append_key (GString             *keys,
            simdjson::dom::element id,
            gboolean            *has_id)
{
  *has_id = TRUE;

  switch (id.type ())
    {
    case simdjson::dom::element_type::STRING:
      {
        std::string_view sv = id.get_string ().value_unsafe ();

        /* An id with a NUL in it is cut there, as json-glib would. */
        g_string_append (keys, std::string (sv).c_str ());
        return;
      }

    case simdjson::dom::element_type::INT64:
      g_string_append_printf (keys, "%" G_GINT64_FORMAT, id.get_int64 ().value_unsafe ());
      return;

    case simdjson::dom::element_type::UINT64:
      g_string_append_printf (keys, "%" G_GUINT64_FORMAT, id.get_uint64 ().value_unsafe ());
      return;

    case simdjson::dom::element_type::DOUBLE:
      {
        double d = id.get_double ().value_unsafe ();
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        /* Only a whole number in gint64's range converts: anything else is
         * undefined behaviour in the cast. 2^63 is exact as a double. */
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == floor (d))
          g_string_append_printf (keys, "%" G_GINT64_FORMAT, (gint64) d);
        else
          g_string_append (keys, g_ascii_dtostr (buffer, sizeof buffer, d));
        return;
      }

    case simdjson::dom::element_type::OBJECT:
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::BOOL:
    case simdjson::dom::element_type::NULL_VALUE:
    default:
      /* Not an id: the item has none. */
      *has_id = FALSE;
      return;
    }
}

static CacheitIndex *
index_with (simdjson::dom::parser &parser,
            GBytes                *body,
            const char            *root_pointer,
            const char            *id_attribute,
            GError               **error)
{
  gsize length;
  const char *data = static_cast<const char *> (g_bytes_get_data (body, &length));
  simdjson::dom::element root;
  simdjson::dom::array array;
  simdjson::ondemand::parser od_parser;
  simdjson::ondemand::document od_doc;
  simdjson::ondemand::array od_array;
  simdjson::error_code code;
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autofree CacheitIndexEntry *entries = NULL;
  g_autoptr(GArray) positions = NULL;
  CacheitIndex *index;
  guint n = 0;
  guint n_without_id = 0;
  g_autoptr(GHashTable) seen = NULL;

  /* First pass: the whole document is validated (UTF-8, depth, syntax). */
  if (!parse_root (parser, data, length, root_pointer, root, error))
    return NULL;
  if (!root.is_array ())
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                   "expected an array, got %s", shape_name (root.type ()));
      return NULL;
    }
  array = root;

  /* Second pass, over a document known to be valid: where each item is. */
  code = od_parser.iterate (simdjson::padded_string_view (data, length, length + CACHEIT_BODY_PADDING)).get (od_doc);
  if (code == simdjson::SUCCESS)
    {
      if (root_pointer != NULL && *root_pointer != '\0')
        code = od_doc.at_pointer (root_pointer).get_array ().get (od_array);
      else
        code = od_doc.get_array ().get (od_array);
    }
  if (code != simdjson::SUCCESS)
    {
      g_propagate_error (error, error_from_simdjson (code));
      return NULL;
    }

  entries = g_new0 (CacheitIndexEntry, MAX (array.size (), 1));
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  positions = g_array_new (FALSE, FALSE, sizeof (guint32));

  auto od_it = od_array.begin ();
  for (simdjson::dom::element element : array)
    {
      simdjson::ondemand::object od_object;
      std::string_view raw;
      simdjson::dom::element id;
      CacheitIndexEntry entry = { 0, 0, 0, 0 };
      gboolean has_id = FALSE;

      if (!element.is_object ())
        {
          g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                       "expected an array of objects, item %u is %s",
                       n, shape_name (element.type ()));
          return NULL;
        }

      code = (*od_it).get_object ().get (od_object);
      if (code == simdjson::SUCCESS)
        code = od_object.raw_json ().get (raw);
      if (code != simdjson::SUCCESS)
        {
          g_propagate_error (error, error_from_simdjson (code));
          return NULL;
        }
      ++od_it;

      if (raw.size () > G_MAXUINT32)
        {
          g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE,
                               "an item is larger than 4 GiB");
          return NULL;
        }

      /* raw_json() keeps the whitespace that follows an object: without
       * it, an item's bytes do not depend on its place in the array. */
      while (!raw.empty () && g_ascii_isspace (raw.back ()))
        raw.remove_suffix (1);
      entry.offset = (guint64) (raw.data () - data);
      entry.length = (guint32) raw.size ();
      entry.key = (guint32) keys->len;

      if (element.at_key (id_attribute).get (id) == simdjson::SUCCESS)
        append_key (keys, id, &has_id);
      if (!has_id)
        {
          g_string_truncate (keys, entry.key);
          g_string_append_printf (keys, "\1%u", n_without_id++);
        }
      else if (keys->str[entry.key] == '\1' || keys->str[entry.key] == '\2')
        {
          /* Keep ids apart from the keys of items without one. */
          g_string_insert_c (keys, entry.key, '\2');
        }
      entry.has_id = has_id;
      g_string_append_c (keys, '\0');

      if (keys->len > G_MAXUINT32)
        {
          g_set_error_literal (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE,
                               "the ids take more than 4 GiB");
          return NULL;
        }

      entries[n++] = entry;
    }

  index = g_new0 (CacheitIndex, 1);
  g_atomic_ref_count_init (&index->ref_count);
  index->body = g_bytes_ref (body);
  index->keys = g_string_free (g_steal_pointer (&keys), FALSE);
  index->positions = g_hash_table_new (g_str_hash, g_str_equal);

  /* Duplicates: one item, at the first place, with the last object. */
  {
    guint kept = 0;

    for (guint i = 0; i < n; i++)
      {
        const char *key = index->keys + entries[i].key;
        gpointer first;

        if (g_hash_table_lookup_extended (index->positions, key, NULL, &first))
          {
            CacheitIndexEntry *target = &entries[GPOINTER_TO_UINT (first) - 1];

            target->offset = entries[i].offset;
            target->length = entries[i].length;
            continue;
          }

        entries[kept] = entries[i];
        g_hash_table_insert (index->positions, (gpointer) key, GUINT_TO_POINTER (kept + 1));
        kept++;
      }
    n = kept;
  }

  index->n_items = n;
  index->entries = g_steal_pointer (&entries);

  return index;
}

CacheitIndex *
_cacheit_decode_index (GBytes      *body,
                       const char  *root_pointer,
                       const char  *id_attribute,
                       GError     **error)
{
  return with_parser<CacheitIndex> (g_bytes_get_size (body), error, [&] (simdjson::dom::parser &parser) {
    return index_with (parser, body, root_pointer, id_attribute, error);
  });
}

CacheitIndex *
_cacheit_index_ref (CacheitIndex *index)
{
  g_atomic_ref_count_inc (&index->ref_count);
  return index;
}

void
_cacheit_index_unref (CacheitIndex *index)
{
  if (!g_atomic_ref_count_dec (&index->ref_count))
    return;

  g_clear_pointer (&index->positions, g_hash_table_unref);
  g_clear_pointer (&index->body, g_bytes_unref);
  g_free (index->entries);
  g_free (index->keys);
  g_free (index);
}

static void
free_in_thread (GTask        *task,
                gpointer      /* source_object */,
                gpointer      /* task_data */,
                GCancellable */* cancellable */)
{
  /* The task data is freed with the task: here, in the worker. */
  g_task_return_boolean (task, TRUE);
}

void
_cacheit_index_release (CacheitIndex *index)
{
  g_autoptr(GTask) task = NULL;

  if (index == NULL)
    return;

  if (index->n_items < 10000)
    {
      _cacheit_index_unref (index);
      return;
    }

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, (gpointer) _cacheit_index_release);
  g_task_set_name (task, "[cacheit] free collection data");
  g_task_set_task_data (task, index, (GDestroyNotify) _cacheit_index_unref);
  g_task_run_in_thread (task, free_in_thread);
}

gssize
_cacheit_index_lookup (CacheitIndex *index,
                       const char   *key)
{
  gpointer position;

  if (!g_hash_table_lookup_extended (index->positions, key, NULL, &position))
    return -1;

  return (gssize) GPOINTER_TO_UINT (position) - 1;
}

gssize
_cacheit_index_lookup_id (CacheitIndex *index,
                          const char   *id)
{
  g_autofree char *escaped = NULL;
  gssize position;

  /* As the keys were made: ids starting with \1 or \2 have a \2 before. */
  if (id[0] == '\1' || id[0] == '\2')
    id = escaped = g_strconcat ("\2", id, NULL);

  position = _cacheit_index_lookup (index, id);
  if (position < 0 || !index->entries[position].has_id)
    return -1;

  return position;
}

const char *
_cacheit_index_get_id (CacheitIndex *index,
                       guint         position)
{
  const char *key = _cacheit_index_get_key (index, position);

  if (!index->entries[position].has_id)
    return NULL;

  return key[0] == '\2' ? key + 1 : key;
}

const char *
_cacheit_index_get_key (CacheitIndex *index,
                        guint         position)
{
  g_return_val_if_fail (position < index->n_items, NULL);

  return index->keys + index->entries[position].key;
}

JsonObject *
_cacheit_index_dup_object (CacheitIndex *index,
                           guint         position)
{
  const CacheitIndexEntry *entry = &index->entries[position];
  const char *data = static_cast<const char *> (g_bytes_get_data (index->body, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The slice was validated with the whole body, and the body's padding
   * follows it, so it decodes in place. */
  node = _cacheit_decode_node (data + entry->offset, entry->length, NULL,
                               CACHEIT_SHAPE_OBJECT, &error);
  if (node == NULL)
    {
      g_critical ("An item of a validated collection failed to decode: %s", error->message);
      return json_object_new ();
    }

  return json_object_ref (json_node_get_object (node));
}

gboolean
_cacheit_index_item_equal (CacheitIndex *a,
                           guint         position_a,
                           CacheitIndex *b,
                           guint         position_b)
{
  const CacheitIndexEntry *ea = &a->entries[position_a];
  const CacheitIndexEntry *eb = &b->entries[position_b];
  const char *da = static_cast<const char *> (g_bytes_get_data (a->body, NULL));
  const char *db = static_cast<const char *> (g_bytes_get_data (b->body, NULL));

  g_autoptr(JsonNode) na = NULL;
  g_autoptr(JsonNode) nb = NULL;

  if (ea->length == eb->length && memcmp (da + ea->offset, db + eb->offset, ea->length) == 0)
    return TRUE;

  /* The same object may be written otherwise (spacing, member order, an
   * item the library wrote back after a save): compare the values. Only
   * items whose bytes differ get here, and those that did change are
   * decoded to be applied anyway. */
  na = _cacheit_decode_node (da + ea->offset, ea->length, NULL, CACHEIT_SHAPE_OBJECT, NULL);
  nb = _cacheit_decode_node (db + eb->offset, eb->length, NULL, CACHEIT_SHAPE_OBJECT, NULL);

  return na != NULL && nb != NULL && json_node_equal (na, nb);
}

/* The key of a new item's object @text (not padded), as index_with() makes
 * it; FALSE when it has no id. */
static gboolean
key_of_text (GBytes     *text,
             const char *id_attribute,
             GString    *keys)
{
  gsize length;
  const char *data = static_cast<const char *> (g_bytes_get_data (text, &length));
  simdjson::padded_string padded (data, length);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element id;
  gboolean has_id = FALSE;

  if (parser.parse (padded).get (root) == simdjson::SUCCESS &&
      root.is_object () &&
      root.at_key (id_attribute).get (id) == simdjson::SUCCESS)
    append_key (keys, id, &has_id);

  return has_id;
}

CacheitIndex *
_cacheit_index_edit (CacheitIndex              *base,
                     const CacheitIndexChange  *changes,
                     guint                      n_changes,
                     GBytes            *const  *appended,
                     guint                      n_appended,
                     const char                *id_attribute)
{
  guint n_base = base != NULL ? base->n_items : 0;
  const char *data = base != NULL ? static_cast<const char *> (g_bytes_get_data (base->body, NULL)) : NULL;
  gsize body_size = base != NULL ? g_bytes_get_size (base->body) : 0;
  gsize keys_size = 0;
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) keys = NULL;
  g_autofree CacheitIndexEntry *entries = g_new0 (CacheitIndexEntry, MAX (n_base + n_appended, 1));
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  CacheitIndex *index;
  guint n = 0;
  guint n_without_id = 0;
  guint c = 0;
  gsize total;

  /* Sized once: a list of 20 MB grows by no copy. */
  for (guint i = 0; i < n_changes; i++)
    body_size += changes[i].text != NULL ? g_bytes_get_size (changes[i].text) + 1 : 0;
  for (guint i = 0; i < n_appended; i++)
    body_size += g_bytes_get_size (appended[i]) + 1;
  if (n_base > 0)
    keys_size = base->entries[n_base - 1].key + 64;
  out = g_string_sized_new (body_size + 2 + CACHEIT_BODY_PADDING);
  g_string_append_c (out, '[');
  keys = g_string_sized_new (keys_size + 64 * (n_changes + n_appended));

  for (guint q = 0; q < n_base + n_appended; q++)
    {
      CacheitIndexEntry entry = { 0, 0, 0, 0 };
      GBytes *text = NULL;
      gboolean has_id;

      if (q < n_base)
        {
          while (c < n_changes && changes[c].position < q)
            c++;
          if (c < n_changes && changes[c].position == q)
            {
              text = changes[c].text;
              /* Dropped. */
              if (text == NULL)
                continue;
            }
        }
      else
        text = appended[q - n_base];

      if (out->len > 1)
        g_string_append_c (out, ',');
      entry.offset = out->len;
      entry.key = (guint32) keys->len;

      if (text != NULL)
        {
          entry.length = (guint32) g_bytes_get_size (text);
          g_string_append_len (out, static_cast<const char *> (g_bytes_get_data (text, NULL)),
                               g_bytes_get_size (text));
          has_id = key_of_text (text, id_attribute, keys);
          if (has_id && (keys->str[entry.key] == '\1' || keys->str[entry.key] == '\2'))
            g_string_insert_c (keys, entry.key, '\2');
        }
      else
        {
          const CacheitIndexEntry *old = &base->entries[q];

          entry.length = old->length;
          g_string_append_len (out, data + old->offset, old->length);
          has_id = old->has_id;
          if (has_id)
            g_string_append (keys, base->keys + old->key);
        }

      /* Items without an id are keyed by their place among them. */
      if (!has_id)
        {
          g_string_truncate (keys, entry.key);
          g_string_append_printf (keys, "\1%u", n_without_id++);
        }
      entry.has_id = has_id;
      g_string_append_c (keys, '\0');
      entries[n++] = entry;
    }
  g_string_append_c (out, ']');

  /* Offsets into keys are only stable once it stops growing. */
  for (guint i = 0; i < n; i++)
    if (!g_hash_table_insert (positions, keys->str + entries[i].key, GUINT_TO_POINTER (i + 1)))
      {
        /* An id twice (the server gave an existing one): the whole rules of
         * index_with() apply; let it decide. */
        g_autoptr(GBytes) body = NULL;

        total = out->len;
        g_string_set_size (out, total + CACHEIT_BODY_PADDING);
        memset (out->str + total, 0, CACHEIT_BODY_PADDING);
        body = g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), total);
        return _cacheit_decode_index (body, NULL, id_attribute, NULL);
      }

  total = out->len;
  g_string_set_size (out, total + CACHEIT_BODY_PADDING);
  memset (out->str + total, 0, CACHEIT_BODY_PADDING);

  index = g_new0 (CacheitIndex, 1);
  g_atomic_ref_count_init (&index->ref_count);
  index->body = g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), total);
  index->n_items = n;
  index->entries = static_cast<CacheitIndexEntry *> (g_steal_pointer (&entries));
  /* g_string_free() keeps the buffer the table points into. */
  index->keys = g_string_free (g_steal_pointer (&keys), FALSE);
  index->positions = static_cast<GHashTable *> (g_steal_pointer (&positions));

  return index;
}

/* One item of a merged index: the item at `position` of `index`. */
struct Slot
{
  CacheitIndex *index;
  guint         position;
};

static gboolean
index_has_id (CacheitIndex *index,
              const char   *key)
{
  gssize p;

  if (index == NULL)
    return FALSE;
  p = _cacheit_index_lookup (index, key);

  return p >= 0 && index->entries[p].has_id;
}

/* A new index of @slots, in order, copied (not decoded again): the keys are
 * the items' own, but for the items without an id, numbered anew. */
static CacheitIndex *
index_of_slots (const std::vector<Slot> &slots)
{
  gsize body_size = 2 + CACHEIT_BODY_PADDING;
  gsize keys_size = 0;
  g_autoptr(GString) out = NULL;
  g_autoptr(GString) keys = NULL;
  CacheitIndexEntry *entries = g_new0 (CacheitIndexEntry, MAX (slots.size (), 1));
  CacheitIndex *index;
  guint n_without_id = 0;
  gsize total;

  for (const Slot &slot : slots)
    {
      body_size += slot.index->entries[slot.position].length + 1;
      keys_size += strlen (_cacheit_index_get_key (slot.index, slot.position)) + 1;
    }
  out = g_string_sized_new (body_size);
  keys = g_string_sized_new (keys_size + 16);
  g_string_append_c (out, '[');

  for (gsize i = 0; i < slots.size (); i++)
    {
      const Slot &slot = slots[i];
      const CacheitIndexEntry *from = &slot.index->entries[slot.position];
      const char *data = static_cast<const char *> (g_bytes_get_data (slot.index->body, NULL));
      CacheitIndexEntry *entry = &entries[i];

      if (i > 0)
        g_string_append_c (out, ',');
      entry->offset = out->len;
      entry->length = from->length;
      entry->key = (guint32) keys->len;
      entry->has_id = from->has_id;
      g_string_append_len (out, data + from->offset, from->length);
      if (from->has_id)
        g_string_append (keys, slot.index->keys + from->key);
      else
        g_string_append_printf (keys, "\1%u", n_without_id++);
      g_string_append_c (keys, '\0');
    }
  g_string_append_c (out, ']');

  total = out->len;
  g_string_set_size (out, total + CACHEIT_BODY_PADDING);
  memset (out->str + total, 0, CACHEIT_BODY_PADDING);

  index = g_new0 (CacheitIndex, 1);
  g_atomic_ref_count_init (&index->ref_count);
  index->body = g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), total);
  index->n_items = (guint) slots.size ();
  index->entries = entries;
  index->keys = g_string_free (g_steal_pointer (&keys), FALSE);
  index->positions = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < index->n_items; i++)
    g_hash_table_insert (index->positions, index->keys + entries[i].key, GUINT_TO_POINTER (i + 1));

  return index;
}

CacheitIndex *
_cacheit_index_merge_page (CacheitIndex *base,
                           CacheitIndex *old_page,
                           CacheitIndex *page,
                           guint         position)
{
  guint n_base = base != NULL ? base->n_items : 0;
  std::vector<Slot> slots;
  /* Key → its slot, for the items placed so far that have an id. */
  g_autoptr(GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean page_placed = FALSE;
  guint at = n_base;

  slots.reserve (n_base + page->n_items);

  /* Where the page goes: where the first item of the old page is. */
  for (guint q = 0; old_page != NULL && q < n_base; q++)
    if (base->entries[q].has_id && index_has_id (old_page, _cacheit_index_get_key (base, q)))
      {
        at = q;
        break;
      }
  if (at == n_base && position < n_base)
    at = position;

  for (guint q = 0; q <= n_base; q++)
    {
      if (q == at && !page_placed)
        {
          page_placed = TRUE;
          for (guint p = 0; p < page->n_items; p++)
            {
              const char *key = _cacheit_index_get_key (page, p);
              gpointer earlier;

              /* Already shown before the page: it keeps its place and
               * takes the page's attributes. */
              if (page->entries[p].has_id &&
                  g_hash_table_lookup_extended (placed, key, NULL, &earlier))
                {
                  slots[GPOINTER_TO_UINT (earlier)] = Slot { page, p };
                  continue;
                }
              if (page->entries[p].has_id)
                g_hash_table_insert (placed, (gpointer) key, GUINT_TO_POINTER (slots.size ()));
              slots.push_back (Slot { page, p });
            }
        }
      if (q == n_base)
        break;

      if (base->entries[q].has_id)
        {
          const char *key = _cacheit_index_get_key (base, q);

          /* The old page's items are the page's now, and a later copy of
           * an item placed already is stale. One placed before the page
           * takes the page's object there. */
          if (index_has_id (old_page, key) || g_hash_table_contains (placed, key))
            continue;
          g_hash_table_insert (placed, (gpointer) key, GUINT_TO_POINTER (slots.size ()));
        }
      slots.push_back (Slot { base, q });
    }

  return index_of_slots (slots);
}
