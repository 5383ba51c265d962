/* test-decode.c: the worker-side units, without HTTP: decoding, JSON
 * Pointers, the depth limit, the body reader and max-size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cacheit-decode.h"
#include "cacheit-dispatch.h"
#include "cacheit-error.h"
#include "cacheit-reader.h"

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

/* A copy of @json followed by the padding simdjson may read. */
static char *
padded (const char *json,
        gsize      *length)
{
  gsize n = strlen (json);
  char *data = g_malloc0 (n + CACHEIT_BODY_PADDING);

  memcpy (data, json, n);
  *length = n;
  return data;
}

static JsonNode *
decode (const char    *json,
        const char    *pointer,
        CacheitShape   shape,
        GError       **error)
{
  gsize length;
  g_autofree char *data = padded (json, &length);

  return _cacheit_decode_node (data, length, pointer, shape, error);
}

static void
test_decode_values (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_test_summary ("Every JSON value becomes the json-glib value a JsonParser would give");

  node = decode ("{\"s\": \"a\\\"b\\u00e9\\ud83d\\ude00\", \"i\": -5, \"u\": 18446744073709551615,"
                 " \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null, \"a\": [1, \"x\", []],"
                 " \"o\": {}, \"dup\": 1, \"dup\": 2}",
                 NULL, CACHEIT_SHAPE_OBJECT, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "a\"bé😀");
  g_assert_cmpint (json_object_get_int_member (object, "i"), ==, -5);
  g_assert_cmpfloat (json_object_get_double_member (object, "u"), ==, 18446744073709551615.0);
  g_assert_cmpfloat (json_object_get_double_member (object, "d"), ==, 1500.0);
  g_assert_true (json_object_get_boolean_member (object, "t"));
  g_assert_false (json_object_get_boolean_member (object, "f"));
  g_assert_true (json_object_get_null_member (object, "n"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "a")), ==, 3);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "o")), ==, 0);
  /* The last of duplicate members wins, as in json-glib. */
  g_assert_cmpint (json_object_get_int_member (object, "dup"), ==, 2);
}

static void
test_decode_pointer (void)
{
  const char *json = "{\"results\": {\"a/b\": {\"m~n\": [10, {\"x\": 1}]}}, \"\": {\"y\": 2}}";
  struct {
    const char *pointer;
    CacheitShape shape;
    gboolean ok;
  } cases[] = {
    { "/results", CACHEIT_SHAPE_OBJECT, TRUE },
    { "/results/a~1b/m~0n", CACHEIT_SHAPE_ARRAY, TRUE },
    { "/results/a~1b/m~0n/1", CACHEIT_SHAPE_OBJECT, TRUE },
    { "/results/a~1b/m~0n/0", CACHEIT_SHAPE_ANY, TRUE },
    { "/", CACHEIT_SHAPE_OBJECT, TRUE },
    { "", CACHEIT_SHAPE_OBJECT, TRUE },
    { "/results/a/b", CACHEIT_SHAPE_ANY, FALSE },
    { "/results/a~1b/m~0n/2", CACHEIT_SHAPE_ANY, FALSE },
    { "/missing", CACHEIT_SHAPE_ANY, FALSE },
    { "/results", CACHEIT_SHAPE_ARRAY, FALSE },
  };

  g_test_summary ("root-pointer is RFC 6901, with ~0 and ~1, and the shape is checked there");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      node = decode (json, cases[i].pointer, cases[i].shape, &error);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (node);
        }
      else
        {
          g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);
          g_assert_null (node);
        }
    }

  g_assert_true (_cacheit_json_pointer_is_valid (NULL));
  g_assert_true (_cacheit_json_pointer_is_valid (""));
  g_assert_true (_cacheit_json_pointer_is_valid ("/a~0~1"));
  g_assert_false (_cacheit_json_pointer_is_valid ("a"));
  g_assert_false (_cacheit_json_pointer_is_valid ("/a~2"));
  g_assert_false (_cacheit_json_pointer_is_valid ("/a~"));
}

static void
test_decode_depth (void)
{
  g_test_summary ("R12: depth up to CACHEIT_MAX_DEPTH decodes; one more fails before any "
                  "recursion");

  for (guint depth = CACHEIT_MAX_DEPTH - 1; depth <= CACHEIT_MAX_DEPTH + 1; depth++)
    {
      GString *s = g_string_new (NULL);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < depth; i++)
        g_string_append_c (s, '[');
      for (guint i = 0; i < depth; i++)
        g_string_append_c (s, ']');
      node = decode (s->str, NULL, CACHEIT_SHAPE_ANY, &error);
      g_test_message ("depth %u: %s", depth, error != NULL ? error->message : "ok");
      if (depth <= CACHEIT_MAX_DEPTH)
        g_assert_no_error (error);
      else
        g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_DEEP);
      g_string_free (s, TRUE);
    }
}

static void
test_decode_invalid (void)
{
  const char *bad[] = {
    "", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "nul", "01", "1.", "\"\\x\"",
    "{\"a\": 1} x", "[1e999]", "\"\xff\"", "{\"a\":1,}",
  };

  g_test_summary ("Invalid JSON fails with CACHEIT_ERROR_INVALID_JSON");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *escaped = g_strescape (bad[i], NULL);

      node = decode (bad[i], NULL, CACHEIT_SHAPE_ANY, &error);
      g_test_message ("“%s”: %s", escaped, error != NULL ? error->message : "decoded");
      g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
      g_assert_null (node);
    }
}

static void
test_decode_large_parser (void)
{
  GString *s = g_string_new ("[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Documents over 1 MiB decode with a parser of their own");

  for (guint i = 0; i < 200000; i++)
    g_string_append (s, "{\"id\":1},");
  g_string_append (s, "{\"id\":2}]");
  node = decode (s->str, NULL, CACHEIT_SHAPE_ARRAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 200001);
  g_string_free (s, TRUE);
}

/* The reader */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  CacheitTestCompletion *c = user_data;

  cacheit_test_completion_cb (object, result, c);
}

static GBytes *
read_all (GInputStream  *stream,
          gint64         hint,
          guint64        max_size,
          GError       **error)
{
  CacheitTestCompletion c = { 0 };
  GBytes *bytes;

  _cacheit_read_body_async (stream, hint, max_size, G_PRIORITY_DEFAULT, NULL, read_cb, &c);
  cacheit_test_wait_until (c.done);
  bytes = _cacheit_read_body_finish (stream, c.result, error);
  cacheit_test_completion_clear (&c);

  return bytes;
}

static void
test_reader_limits (void)
{
  gsize size = 1024 * 1024 + 17;
  g_autofree guint8 *data = g_malloc (size);

  g_test_summary ("R12: the reader accepts max-size bytes exactly, fails one byte over, "
                  "and pads the body with zeroes, with or without a size hint");

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ('a' + i % 26);

  for (int hinted = 0; hinted <= 1; hinted++)
    {
      for (int over = 0; over <= 1; over++)
        {
          g_autoptr(GInputStream) stream = NULL;
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) error = NULL;
          guint64 max = over ? size - 1 : size;

          stream = g_memory_input_stream_new_from_data (data, size, NULL);
          bytes = read_all (stream, hinted ? (gint64) size : -1, max, &error);
          if (over)
            {
              g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_TOO_LARGE);
              g_assert_null (bytes);
            }
          else
            {
              const guint8 *got;
              gsize length;

              g_assert_no_error (error);
              got = g_bytes_get_data (bytes, &length);
              g_assert_cmpmem (got, length, data, size);
              for (gsize i = 0; i < CACHEIT_BODY_PADDING; i++)
                g_assert_cmpint (got[length + i], ==, 0);
            }
        }
    }
}

static void
test_reader_wrong_hint (void)
{
  const char *json = "{\"a\": 1}";

  g_test_summary ("A size hint that is wrong (a compressed body's) does not limit reading");

  for (gint64 hint = 0; hint < 12; hint += 3)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (json, strlen (json), NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      bytes = read_all (stream, hint, 1000, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), json, strlen (json));
    }
}

static void
test_reader_lying_hint (void)
{
  const char *json = "{\"a\": 1}";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (json, strlen (json), NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("R12: a Content-Length of 2^63 with no limit set is not allocated at once");
  g_test_bug ("fuzz-reader-huge-size-hint");

  bytes = read_all (stream, G_MAXINT64, G_MAXUINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), json, strlen (json));
}

static void
test_index_float_ids (void)
{
  const char *json = "[{\"id\": 1e300}, {\"id\": -1e300}, {\"id\": 184467440737095516151.0},"
                     " {\"id\": 9223372036854775807}, {\"id\": 2.0}, {\"id\": 2.5}]";
  gsize length;
  g_autofree char *data = padded (json, &length);
  g_autoptr(GBytes) body = g_bytes_new_with_free_func (data, length, NULL, NULL);
  g_autoptr(CacheitIndex) index = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Numeric ids out of gint64's range are keyed without undefined behaviour");
  g_test_bug ("fuzz-decode-index-id-out-of-gint64-range");

  index = _cacheit_decode_index (body, NULL, "id", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (index->n_items, ==, 6);
  g_assert_cmpint (_cacheit_index_lookup_id (index, "9223372036854775807"), ==, 3);
  g_assert_cmpint (_cacheit_index_lookup_id (index, "2"), ==, 4);
  g_assert_cmpint (_cacheit_index_lookup_id (index, "2.5"), ==, 5);
  g_assert_cmpstr (_cacheit_index_get_id (index, 0), !=, _cacheit_index_get_id (index, 1));
}

static CacheitIndex *
index_of (const char *json)
{
  gsize length;
  char *data = padded (json, &length);
  g_autoptr(GBytes) body = g_bytes_new_take (data, length);
  g_autoptr(GError) error = NULL;
  CacheitIndex *index = _cacheit_decode_index (body, NULL, "id", &error);

  g_assert_no_error (error);
  return index;
}

/* The index @edited has the items, keys and bytes of the one decoded from
 * @json. */
static void
assert_same_index (CacheitIndex *edited,
                   const char   *json)
{
  g_autoptr(CacheitIndex) decoded = index_of (json);

  g_assert_cmpuint (edited->n_items, ==, decoded->n_items);
  for (guint i = 0; i < decoded->n_items; i++)
    {
      g_assert_cmpstr (_cacheit_index_get_key (edited, i), ==, _cacheit_index_get_key (decoded, i));
      g_assert_cmpint (_cacheit_index_lookup (edited, _cacheit_index_get_key (decoded, i)), ==, i);
      g_assert_true (_cacheit_index_item_equal (edited, i, decoded, i));
      g_assert_cmpstr (_cacheit_index_get_id (edited, i), ==, _cacheit_index_get_id (decoded, i));
    }
}

static void
test_index_edit (void)
{
  g_autoptr(CacheitIndex) base = index_of ("[{\"id\": 1, \"n\": 1}, {\"a\": 1},\n {\"id\": 2}, {\"b\": 2}, {\"id\": \"\\u0001x\"}]");
  g_autoptr(GBytes) replaced = g_bytes_new_static ("{\"id\": 3}", 9);
  g_autoptr(GBytes) appended = g_bytes_new_static ("{\"c\": 3}", 8);
  g_autoptr(GBytes) duplicate = g_bytes_new_static ("{\"id\": 1, \"n\": 2}", 17);
  CacheitIndexChange changes[] = { { 1, NULL }, { 2, replaced } };
  g_autoptr(CacheitIndex) edited = NULL;
  g_autoptr(CacheitIndex) merged = NULL;
  g_autoptr(CacheitIndex) from_nothing = NULL;

  g_test_summary ("Editing an index in place (items dropped, replaced, appended) gives the "
                  "index that decoding the edited array gives: keys of items without an id "
                  "renumbered, ids apart from them, and an id twice resolved as a decode would");
  g_test_bug ("issue 8: saving");

  edited = _cacheit_index_edit (base, changes, G_N_ELEMENTS (changes), &appended, 1, "id");
  assert_same_index (edited, "[{\"id\": 1, \"n\": 1}, {\"id\": 3}, {\"b\": 2}, {\"id\": \"\\u0001x\"}, {\"c\": 3}]");

  /* The server gave an id the list has: one item, at the first place. */
  merged = _cacheit_index_edit (base, NULL, 0, &duplicate, 1, "id");
  assert_same_index (merged, "[{\"id\": 1, \"n\": 2}, {\"a\": 1}, {\"id\": 2}, {\"b\": 2}, {\"id\": \"\\u0001x\"}]");

  from_nothing = _cacheit_index_edit (NULL, NULL, 0, &appended, 1, "id");
  assert_same_index (from_nothing, "[{\"c\": 3}]");
}

static void
test_index_merge_page (void)
{
  g_autoptr(CacheitIndex) first = index_of ("[{\"id\": 1}, {\"id\": 2}, {\"x\": 0}, {\"id\": 3}]");
  g_autoptr(CacheitIndex) second = index_of ("[{\"id\": 3, \"n\": 2}, {\"id\": 4}, {\"x\": 1}]");
  g_autoptr(CacheitIndex) first_again = index_of ("[{\"id\": 0}, {\"id\": 1}, {\"id\": 4, \"n\": 1}]");
  g_autoptr(CacheitIndex) pushed = index_of ("[{\"id\": 2, \"n\": 9}]");
  g_autoptr(CacheitIndex) new_one = index_of ("[{\"id\": 7}]");
  g_autoptr(CacheitIndex) appended = NULL;
  g_autoptr(CacheitIndex) replaced = NULL;
  g_autoptr(CacheitIndex) in_place = NULL;
  g_autoptr(CacheitIndex) at_start = NULL;
  g_autoptr(CacheitIndex) from_nothing = NULL;

  g_test_summary ("Merging a page into a list keeps one item per id (R10): an item that "
                  "moved onto the next page keeps its place with the newer object, a page "
                  "fetched again replaces its old items where they were, and a stale later "
                  "copy is dropped");
  g_test_bug ("issue 16: paginated collections");

  /* Page 2 after page 1: item 3 shifted from page 1 to page 2. */
  appended = _cacheit_index_merge_page (first, NULL, second, G_MAXUINT);
  assert_same_index (appended, "[{\"id\": 1}, {\"id\": 2}, {\"x\": 0}, {\"id\": 3, \"n\": 2}, {\"id\": 4}, {\"x\": 1}]");

  /* Page 1 fetched again in place: 0 is new, 2 and 3 left page 1 and the
   * item without an id stays, 4 moved up from page 2. */
  replaced = _cacheit_index_merge_page (appended, first, first_again, G_MAXUINT);
  assert_same_index (replaced, "[{\"id\": 0}, {\"id\": 1}, {\"id\": 4, \"n\": 1}, {\"x\": 0}, {\"x\": 1}]");

  /* A push: in place when the id is shown, else where asked. */
  in_place = _cacheit_index_merge_page (first, pushed, pushed, 0);
  assert_same_index (in_place, "[{\"id\": 1}, {\"id\": 2, \"n\": 9}, {\"x\": 0}, {\"id\": 3}]");
  at_start = _cacheit_index_merge_page (first, new_one, new_one, 0);
  assert_same_index (at_start, "[{\"id\": 7}, {\"id\": 1}, {\"id\": 2}, {\"x\": 0}, {\"id\": 3}]");
  from_nothing = _cacheit_index_merge_page (NULL, NULL, second, G_MAXUINT);
  assert_same_index (from_nothing, "[{\"id\": 3, \"n\": 2}, {\"id\": 4}, {\"x\": 1}]");
}

static void
test_reader_empty (void)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;

  g_test_summary ("An empty body reads as zero bytes, still padded");

  bytes = read_all (stream, -1, 0, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, NULL);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
  g_assert_nonnull (data);
  g_assert_cmpint (data[0], ==, 0);
}

/* The dispatcher */

static void
order_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%s ", (const char *) g_object_get_data (G_OBJECT (result), "name"));
}

static void
test_dispatch_order (void)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GSimpleAsyncResult) a = NULL;
  g_autoptr(GObject) ra = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) rb = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_summary ("Completions run in the order queued, on a later iteration");

  g_object_set_data (ra, "name", (gpointer) "a");
  g_object_set_data (rb, "name", (gpointer) "b");

  /* Any GObject stands in for the GAsyncResult here: only its data is read. */
  _cacheit_dispatch (NULL, order_cb, NULL, (GAsyncResult *) ra, log);
  _cacheit_dispatch (NULL, order_cb, NULL, (GAsyncResult *) rb, log);
  _cacheit_dispatch (NULL, order_cb, NULL, (GAsyncResult *) ra, log);
  g_assert_cmpstr (log->str, ==, "");
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (log->str, ==, "a b a ");
}

/* A large array of objects, padded for simdjson. */
static GBytes *
large_array (guint n_items)
{
  GString *json = g_string_new ("[");
  gsize length;

  for (guint i = 0; i < n_items; i++)
    g_string_append_printf (json, "%s{\"id\": %u, \"name\": \"item %u\", \"tags\": [1, 2, 3]}",
                            i > 0 ? ", " : "", i, i);
  g_string_append (json, "]");
  length = json->len;
  for (guint i = 0; i < CACHEIT_BODY_PADDING; i++)
    g_string_append_c (json, '\0');

  return g_bytes_new_take (g_string_free (json, FALSE), length);
}

#define N_DECODE_THREADS 2

/* How many of the decoding threads saw their decode refused. */
static gint n_refused;

static gpointer
decode_forever_thread (gpointer data)
{
  GBytes *body = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      CacheitIndex *index = _cacheit_decode_index (body, NULL, "id", &error);

      /* Once the process exits, decodes are refused. */
      if (index == NULL)
        {
          g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_FAILED);
          g_atomic_int_inc (&n_refused);
          return NULL;
        }
      _cacheit_index_unref (index);
    }
}

/* Runs after the destructors of the statics simdjson made on first use, as
 * the long teardown of a GTK application's exit does (Mesa's and LLVM's,
 * in the demo's core dump): by then no worker may be in simdjson. */
static void
late_exit_handler (void)
{
  /* Each worker is refused when its decode in flight ends: a decode of
   * 200,000 objects takes seconds under AddressSanitizer on a loaded
   * machine (it failed at 5 s while a second build ran beside it). */
  gint64 end = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  while (g_atomic_int_get (&n_refused) < N_DECODE_THREADS && g_get_monotonic_time () < end)
    g_usleep (1000);
  if (g_atomic_int_get (&n_refused) < N_DECODE_THREADS)
    {
      g_printerr ("workers still decode while the process exits\n");
      _exit (3);
    }
}

static void
test_decode_exit (void)
{
  g_test_summary ("A process may exit while workers decode: from the exit on no decode "
                  "starts, and those in flight end first, so simdjson is never used after "
                  "its destructors ran");

  if (g_test_subprocess ())
    {
      GBytes *body = large_array (200000);
      g_autoptr(GError) error = NULL;
      CacheitIndex *index;

      /* Registered before simdjson's first use: it runs after. */
      atexit (late_exit_handler);

      /* One decode first, as a process does before it has workers. */
      index = _cacheit_decode_index (body, NULL, "id", &error);
      g_assert_no_error (error);
      _cacheit_index_unref (index);

      for (guint i = 0; i < N_DECODE_THREADS; i++)
        g_thread_unref (g_thread_new ("decode", decode_forever_thread, body));
      g_usleep (50 * 1000);
      exit (0);
    }

  /* Without it, the demo's window aborted at exit in about one run of four
   * ("pure virtual method called": simdjson's parser allocating through its
   * implementation in a worker, while exit() ran the destructors). */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*pure virtual*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cacheit/decode/values", test_decode_values);
  g_test_add_func ("/cacheit/decode/root-pointer", test_decode_pointer);
  g_test_add_func ("/cacheit/decode/r12/depth", test_decode_depth);
  g_test_add_func ("/cacheit/decode/invalid", test_decode_invalid);
  g_test_add_func ("/cacheit/decode/large", test_decode_large_parser);
  g_test_add_func ("/cacheit/decode/exit-while-decoding", test_decode_exit);
  g_test_add_func ("/cacheit/reader/r12/limits", test_reader_limits);
  g_test_add_func ("/cacheit/reader/wrong-hint", test_reader_wrong_hint);
  g_test_add_func ("/cacheit/reader/empty", test_reader_empty);
  g_test_add_func ("/cacheit/reader/r12/lying-content-length", test_reader_lying_hint);
  g_test_add_func ("/cacheit/decode/index/float-ids", test_index_float_ids);
  g_test_add_func ("/cacheit/decode/index/edit", test_index_edit);
  g_test_add_func ("/cacheit/decode/index/merge-page", test_index_merge_page);
  g_test_add_func ("/cacheit/dispatch/order", test_dispatch_order);

  return g_test_run ();
}
