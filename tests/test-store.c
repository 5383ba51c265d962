/* test-store.c: the snapshot store on disk: round trips, files that are
 * not whole snapshots, eviction, atomicity between threads and processes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _POSIX_C_SOURCE 200809L

#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "cacheit-decode.h"
#include <zlib.h>

#include "cacheit-store.h"
#include "cacheit-test-signals.h"

#define KEY_A "https://example.com/api/a"
#define KEY_B "https://example.com/api/b"

/* Where the header keeps its numbers (see cacheit-store.c). */
#define OFFSET_VERSION       8
#define OFFSET_STORED_AT     24
#define OFFSET_KEY_LENGTH    40
#define OFFSET_ETAG_LENGTH   44
#define OFFSET_LM_LENGTH     48
#define OFFSET_CACHING_LENGTH 52
#define OFFSET_BODY_LENGTH   56
#define HEADER_SIZE          64

static const char *test_program;

/* Debug lines, recorded by the log writer. */
G_LOCK_DEFINE_STATIC (debug_log);
static GString *debug_log;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (log_level & G_LOG_LEVEL_DEBUG)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_strcmp0 (fields[i].key, "MESSAGE") != 0)
            continue;
          G_LOCK (debug_log);
          if (fields[i].length < 0)
            g_string_append (debug_log, fields[i].value);
          else
            g_string_append_len (debug_log, fields[i].value, fields[i].length);
          g_string_append_c (debug_log, '\n');
          G_UNLOCK (debug_log);
        }
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* The debug lines since the last call. */
static char *
take_debug_log (void)
{
  char *log;

  G_LOCK (debug_log);
  log = g_strdup (debug_log->str);
  g_string_truncate (debug_log, 0);
  G_UNLOCK (debug_log);
  return log;
}

typedef struct
{
  char *tmp;          /* Made by g_dir_make_tmp(). */
  char *directory;    /* The store's, inside it; not there at first. */
  CacheitStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmp = g_dir_make_tmp ("cacheit-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->directory = g_build_filename (fixture->tmp, "cache", "app", "cacheit", NULL);
  fixture->store = _cacheit_store_new (fixture->directory, G_MAXUINT64);
  g_free (take_debug_log ());
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->store, _cacheit_store_unref);
  remove_tree (fixture->tmp);
  g_clear_pointer (&fixture->directory, g_free);
  g_clear_pointer (&fixture->tmp, g_free);
}

/* The names of the files in @directory, sorted, joined by spaces. */
static char *
list_directory (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return g_strdup ("");
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_padded (GBytes *body)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (body, &length);

  /* A body of length 0 may have a NULL data pointer only if it has no
   * padding: ours always has. */
  g_assert_nonnull (data);
  for (guint i = 0; i < CACHEIT_BODY_PADDING; i++)
    g_assert_cmpuint (data[length + i], ==, 0);
}

static void
save (CacheitStore *store,
      const char   *key,
      const char   *body,
      const char   *etag)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;

  g_assert_true (_cacheit_store_save (store, key, bytes, etag, NULL, NULL, 1000, 60, &error));
  g_assert_no_error (error);
}

static gboolean
exists (CacheitStore *store,
        const char   *key)
{
  g_autofree char *path = _cacheit_store_get_path (store, key);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static CacheitSnapshot *
load (CacheitStore *store,
      const char   *key)
{
  g_autoptr(GError) error = NULL;
  CacheitSnapshot *snapshot = _cacheit_store_load (store, key, &error);

  g_assert_no_error (error);
  if (snapshot != NULL)
    assert_padded (snapshot->body);
  return snapshot;
}

static void
assert_body (CacheitSnapshot *snapshot,
             const char      *body)
{
  g_assert_nonnull (snapshot);
  g_assert_cmpmem (g_bytes_get_data (snapshot->body, NULL), g_bytes_get_size (snapshot->body),
                   body, strlen (body));
}

static void
test_store_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  struct {
    const char *key;
    gsize length;
    const char *etag;
    const char *last_modified;
    const char *caching;
    gint64 stored_at;
    gint64 lifetime;
  } cases[] = {
    { KEY_A, 7, "\"v1\"", "Wed, 21 Oct 2015 07:28:00 GMT", "1 30 -1 1", 1700000000, 60 },
    { KEY_B, 0, NULL, NULL, NULL, 0, -1 },
    { "https://example.com/empty-strings", 1, "", "", "", -5, 0 },
    { "https://example.com/large?q=é", 1000003, "W/\"weak\"", NULL, NULL, G_MAXINT64, G_MAXINT64 },
    { "https://example.com/lm-only", 8, NULL, "Thu, 01 Jan 1970 00:00:00 GMT", "1 -1 5 0", G_MININT64, 1 },
  };

  g_test_summary ("A snapshot loads as it was saved: body bytes (padded with zeros), "
                  "validators and caching (NULL and \"\" apart), stored_at and lifetime");
  g_test_bug ("issue 8: persistent snapshots");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autoptr(CacheitSnapshot) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      guint8 *bytes = g_malloc (cases[i].length);

      /* Bytes of every value, NUL included. */
      for (gsize j = 0; j < cases[i].length; j++)
        bytes[j] = (guint8) (j * 7 + i);
      body = g_bytes_new_take (bytes, cases[i].length);

      g_assert_true (_cacheit_store_save (fixture->store, cases[i].key, body, cases[i].etag,
                                          cases[i].last_modified, cases[i].caching, cases[i].stored_at,
                                          cases[i].lifetime, &error));
      g_assert_no_error (error);

      snapshot = load (fixture->store, cases[i].key);
      g_assert_nonnull (snapshot);
      g_assert_true (g_bytes_equal (snapshot->body, body));
      g_assert_cmpstr (snapshot->etag, ==, cases[i].etag);
      g_assert_cmpstr (snapshot->last_modified, ==, cases[i].last_modified);
      g_assert_cmpstr (snapshot->caching, ==, cases[i].caching);
      g_assert_cmpint (snapshot->stored_at, ==, cases[i].stored_at);
      g_assert_cmpint (snapshot->lifetime, ==, cases[i].lifetime);
    }

  /* Each key has its own file, and nothing else was left. */
  g_assert_cmpuint (count_files (fixture->directory), ==, G_N_ELEMENTS (cases));
}

static void
test_store_missing (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CacheitSnapshot *snapshot;

  g_test_summary ("No snapshot is NULL without an error, and a load creates no directory");

  snapshot = _cacheit_store_load (fixture->store, KEY_A, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);
  g_assert_false (g_file_test (fixture->directory, G_FILE_TEST_EXISTS));

  save (fixture->store, KEY_B, "b", NULL);
  snapshot = _cacheit_store_load (fixture->store, KEY_A, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);
}

static void
test_store_overwrite (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CacheitSnapshot) first = NULL;
  g_autoptr(CacheitSnapshot) second = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"v\": 2}", 8);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A save replaces the snapshot of its key; a snapshot already loaded is "
                  "not changed by it");

  g_assert_true (_cacheit_store_save (fixture->store, KEY_A, body, NULL, NULL, NULL, 5, 6, &error));
  g_assert_no_error (error);
  save (fixture->store, KEY_A, "{\"version\": 1, \"longer\": true}", "\"1\"");
  first = load (fixture->store, KEY_A);
  assert_body (first, "{\"version\": 1, \"longer\": true}");
  g_assert_cmpstr (first->etag, ==, "\"1\"");

  g_assert_true (_cacheit_store_save (fixture->store, KEY_A, body, NULL, "Mon", NULL, 7, -1, &error));
  g_assert_no_error (error);
  second = load (fixture->store, KEY_A);
  assert_body (second, "{\"v\": 2}");
  g_assert_null (second->etag);
  g_assert_cmpstr (second->last_modified, ==, "Mon");
  g_assert_cmpint (second->stored_at, ==, 7);
  g_assert_cmpint (second->lifetime, ==, -1);

  assert_body (first, "{\"version\": 1, \"longer\": true}");
  g_assert_cmpuint (count_files (fixture->directory), ==, 1);
}

static void
test_store_remove (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CacheitSnapshot) b = NULL;

  g_test_summary ("Remove drops one key's snapshot; removing what is not there is harmless");

  /* Before the directory exists. */
  _cacheit_store_remove (fixture->store, KEY_A);

  save (fixture->store, KEY_A, "a", NULL);
  save (fixture->store, KEY_B, "b", NULL);
  _cacheit_store_remove (fixture->store, KEY_A);
  g_assert_null (load (fixture->store, KEY_A));
  _cacheit_store_remove (fixture->store, KEY_A);

  b = load (fixture->store, KEY_B);
  assert_body (b, "b");
  g_assert_cmpuint (count_files (fixture->directory), ==, 1);
}

/* Writes @data at @key's file, loads @key and checks it is ignored: NULL
 * without an error, a debug line naming the file and saying @reason, and
 * the file gone. */
static void
assert_ignored (Fixture      *fixture,
                const char   *key,
                const guint8 *data,
                gsize         length,
                const char   *reason)
{
  g_autofree char *path = _cacheit_store_get_path (fixture->store, key);
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  CacheitSnapshot *snapshot;

  g_file_set_contents (path, (const char *) data, length, &error);
  g_assert_no_error (error);
  g_free (take_debug_log ());

  snapshot = _cacheit_store_load (fixture->store, key, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);

  log = take_debug_log ();
  if (g_test_verbose ())
    g_test_message ("%s", g_strchomp (log));
  g_assert_nonnull (strstr (log, path));
  g_assert_nonnull (strstr (log, reason));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* The file of a valid snapshot of @key. */
static guint8 *
valid_file (Fixture    *fixture,
            const char *key,
            gsize      *length)
{
  g_autofree char *path = _cacheit_store_get_path (fixture->store, key);
  g_autoptr(GBytes) body = g_bytes_new_static ("[{\"id\": 1}, {\"id\": 2}]", 22);
  g_autoptr(GError) error = NULL;
  char *contents;

  g_assert_true (_cacheit_store_save (fixture->store, key, body, "\"etag\"",
                                      "Wed, 21 Oct 2015 07:28:00 GMT", "1 30 -1 1", 1000, 60, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return (guint8 *) contents;
}

static void
put_u32 (guint8  *data,
         guint32  value)
{
  value = GUINT32_TO_LE (value);
  memcpy (data, &value, sizeof value);
}

static void
put_u64 (guint8  *data,
         guint64  value)
{
  value = GUINT64_TO_LE (value);
  memcpy (data, &value, sizeof value);
}

static void
test_store_truncated (Fixture       *fixture,
                      gconstpointer  data)
{
  gsize length;
  g_autofree guint8 *file = valid_file (fixture, KEY_A, &length);
  g_autofree guint8 *longer = g_malloc0 (length + 1);
  gsize prefix = length - 22;
  struct {
    gsize length;
    const char *reason;
  } cuts[] = {
    { 0, "truncated header" },
    { 1, "truncated header" },
    { 8, "truncated header" },
    { HEADER_SIZE - 1, "truncated header" },
    { HEADER_SIZE, "truncated header" },
    { HEADER_SIZE + strlen (KEY_A) - 1, "truncated header" },
    { prefix - 1, "truncated header" },
    { prefix, "truncated body" },
    { length - 1, "truncated body" },
  };

  g_test_summary ("A file cut short anywhere is ignored with a debug line, removed, and "
                  "replaced by the next save");
  g_test_bug ("issue 8: persistent snapshots");

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    assert_ignored (fixture, KEY_A, file, cuts[i].length, cuts[i].reason);

  memcpy (longer, file, length);
  assert_ignored (fixture, KEY_A, longer, length + 1, "bytes after the body");

  /* The next save replaces it. */
  {
    g_autoptr(CacheitSnapshot) snapshot = NULL;

    save (fixture->store, KEY_A, "fresh", NULL);
    snapshot = load (fixture->store, KEY_A);
    assert_body (snapshot, "fresh");
  }
}

static void
test_store_version_2 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = _cacheit_store_get_path (fixture->store, KEY_A);
  g_autoptr(GBytes) body = g_bytes_new_static ("[1]", 3);
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *file = NULL;
  gsize length;

  g_test_summary ("A snapshot of the format before (version 2: no caching string, 0 where "
                  "its length now is) still loads, without a caching string");

  g_assert_true (_cacheit_store_save (fixture->store, KEY_A, body, "\"2\"", NULL, NULL, 1000, 60, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, (char **) &file, &length, &error);
  g_assert_no_error (error);
  /* What version 2 wrote: its version, 0 for "reserved", and the header's
   * checksum over that. */
  put_u32 (file + OFFSET_VERSION, 2);
  put_u32 (file + OFFSET_CACHING_LENGTH, 0);
  put_u32 (file + 16, (guint32) crc32 (0, file + 24, (uInt) (length - 3 - 24)));
  g_file_set_contents (path, (const char *) file, length, &error);
  g_assert_no_error (error);

  snapshot = load (fixture->store, KEY_A);
  assert_body (snapshot, "[1]");
  g_assert_cmpstr (snapshot->etag, ==, "\"2\"");
  g_assert_null (snapshot->caching);
  g_assert_cmpint (snapshot->lifetime, ==, 60);
}

static void
test_store_corrupt (Fixture       *fixture,
                    gconstpointer  data)
{
  gsize length;
  g_autofree guint8 *file = valid_file (fixture, KEY_A, &length);
  struct {
    gsize offset;
    guint8 xor;
    const char *reason;
  } flips[] = {
    { 0, 0x01, "no magic number" },
    { 7, 0x20, "no magic number" },
    { OFFSET_VERSION, 0x03, "unknown format version" },
    { 12, 0x01, "unknown flags" },
    { 16, 0x80, "checksum mismatch" },        /* The checksum itself. */
    { OFFSET_STORED_AT, 0x01, "checksum mismatch" },
    { 32 + 7, 0x80, "checksum mismatch" },    /* Lifetime, made negative. */
    { HEADER_SIZE + 3, 0x01, "checksum mismatch" },  /* The key. */
    { HEADER_SIZE + strlen (KEY_A) + 1, 0x01, "checksum mismatch" },  /* The ETag. */
    { length - 22, 0x01, "checksum mismatch" },     /* The body's first byte. */
    { length - 1, 0x40, "checksum mismatch" },      /* Its last. */
  };

  g_test_summary ("A flipped bit in any part of the file (magic, version, numbers, key, "
                  "validators, body) is caught: the file is ignored and removed");
  g_test_bug ("issue 8: persistent snapshots");

  for (guint i = 0; i < G_N_ELEMENTS (flips); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (file, length);

      copy[flips[i].offset] ^= flips[i].xor;
      assert_ignored (fixture, KEY_A, copy, length, flips[i].reason);
    }
}

static void
test_store_foreign (Fixture       *fixture,
                    gconstpointer  data)
{
  gsize length;
  g_autofree guint8 *file_b = valid_file (fixture, KEY_B, &length);
  const char *json = "{\"not\": \"a snapshot\", \"but\": \"long enough to pass for a header\"}";
  guint8 zeros[200] = { 0 };
  g_autoptr(CacheitSnapshot) b = NULL;

  g_test_summary ("A whole, valid snapshot of another key copied onto this key's file is "
                  "ignored; so are files of other formats");
  g_test_bug ("issue 8: persistent snapshots");

  assert_ignored (fixture, KEY_A, file_b, length, "written for another key");
  assert_ignored (fixture, KEY_A, (const guint8 *) json, strlen (json), "no magic number");
  assert_ignored (fixture, KEY_A, zeros, sizeof zeros, "no magic number");

  /* Not a regular file: a FIFO would hang a blocking open. */
  {
    g_autofree char *path = _cacheit_store_get_path (fixture->store, KEY_A);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (mkfifo (path, 0600), ==, 0);
    g_assert_null (_cacheit_store_load (fixture->store, KEY_A, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_unlink (path), ==, 0);
  }

  /* The other key's own file is untouched. */
  b = load (fixture->store, KEY_B);
  assert_body (b, "[{\"id\": 1}, {\"id\": 2}]");
  g_assert_cmpstr (b->etag, ==, "\"etag\"");
}

static void
test_store_hostile_lengths (Fixture       *fixture,
                            gconstpointer  data)
{
  gsize length;
  g_autofree guint8 *file = valid_file (fixture, KEY_A, &length);
  gsize body_length = 22;
  struct {
    gsize offset;
    gboolean is_u64;
    guint64 value;
    const char *reason;
  } patches[] = {
    { OFFSET_KEY_LENGTH, FALSE, 0, "invalid key length" },
    { OFFSET_KEY_LENGTH, FALSE, G_MAXUINT32, "invalid key length" },
    { OFFSET_KEY_LENGTH, FALSE, G_MAXUINT32 - 64, "invalid key length" },
    { OFFSET_KEY_LENGTH, FALSE, 64 * 1024 + 1, "invalid key length" },
    { OFFSET_KEY_LENGTH, FALSE, 64 * 1024, "truncated header" },
    { OFFSET_KEY_LENGTH, FALSE, strlen (KEY_A) + 1, "truncated body" },
    { OFFSET_KEY_LENGTH, FALSE, strlen (KEY_A) - 1, "bytes after the body" },
    { OFFSET_ETAG_LENGTH, FALSE, G_MAXUINT32 - 1, "invalid ETag length" },
    { OFFSET_ETAG_LENGTH, FALSE, G_MAXUINT32 / 2 + 1, "invalid ETag length" },
    { OFFSET_ETAG_LENGTH, FALSE, 64 * 1024, "truncated header" },
    { OFFSET_LM_LENGTH, FALSE, G_MAXUINT32 - 1, "invalid Last-Modified length" },
    { OFFSET_LM_LENGTH, FALSE, 1000, "truncated header" },
    { OFFSET_CACHING_LENGTH, FALSE, G_MAXUINT32 - 1, "invalid caching length" },
    { OFFSET_CACHING_LENGTH, FALSE, 1000, "truncated header" },
    { OFFSET_BODY_LENGTH, TRUE, G_MAXUINT64, "truncated body" },
    { OFFSET_BODY_LENGTH, TRUE, G_MAXUINT64 - length + 1, "truncated body" },
    { OFFSET_BODY_LENGTH, TRUE, (guint64) G_MAXINT64 + 1, "truncated body" },
    { OFFSET_BODY_LENGTH, TRUE, 23, "truncated body" },
    { OFFSET_BODY_LENGTH, TRUE, 21, "bytes after the body" },
    { OFFSET_BODY_LENGTH, TRUE, 0, "bytes after the body" },
  };

  g_test_summary ("Lengths in the header that are huge, overflow when added, or disagree "
                  "with the file's size are caught before anything is read past the end");
  g_test_bug ("issue 8: persistent snapshots");

  g_assert_cmpuint (length, >, HEADER_SIZE + strlen (KEY_A) + body_length);
  for (guint i = 0; i < G_N_ELEMENTS (patches); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (file, length);

      if (patches[i].is_u64)
        put_u64 (copy + patches[i].offset, patches[i].value);
      else
        put_u32 (copy + patches[i].offset, (guint32) patches[i].value);
      assert_ignored (fixture, KEY_A, copy, length, patches[i].reason);
    }

  /* Every length at its largest at once. */
  {
    g_autofree guint8 *copy = g_memdup2 (file, length);

    put_u32 (copy + OFFSET_KEY_LENGTH, G_MAXUINT32);
    put_u32 (copy + OFFSET_ETAG_LENGTH, G_MAXUINT32 - 1);
    put_u32 (copy + OFFSET_LM_LENGTH, G_MAXUINT32 - 1);
    put_u64 (copy + OFFSET_BODY_LENGTH, G_MAXUINT64);
    assert_ignored (fixture, KEY_A, copy, length, "invalid key length");
  }
}

static guint64
file_size (CacheitStore *store,
           const char   *key)
{
  g_autofree char *path = _cacheit_store_get_path (store, key);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Which of the keys "https://example.com/N" for N in @names have a file. */
static char *
present (CacheitStore *store,
         const char   *names)
{
  GString *result = g_string_new (NULL);

  for (const char *n = names; *n != '\0'; n++)
    {
      g_autofree char *key = g_strdup_printf ("https://example.com/%c", *n);

      if (exists (store, key))
        g_string_append_c (result, *n);
    }
  return g_string_free (result, FALSE);
}

static void
save_letter (CacheitStore *store,
             char          letter)
{
  g_autofree char *key = g_strdup_printf ("https://example.com/%c", letter);
  g_autofree char *body = g_strnfill (1000, letter);

  save (store, key, body, NULL);
}

static void
load_letter (CacheitStore *store,
             char          letter)
{
  g_autofree char *key = g_strdup_printf ("https://example.com/%c", letter);
  g_autofree char *body = g_strnfill (1000, letter);
  g_autoptr(CacheitSnapshot) snapshot = load (store, key);

  assert_body (snapshot, body);
}

static void
test_store_lru (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CacheitStore) store = NULL;
  g_autofree char *other = g_build_filename (fixture->directory, "README", NULL);
  g_autofree char *s = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size;

  g_test_summary ("Past max-bytes, a save evicts the least recently used snapshots first; "
                  "a load counts as a use; files that are not snapshots are left alone");
  g_test_bug ("issue 8: persistent snapshots");

  /* Every entry has the same size; three fit, four do not. */
  save_letter (fixture->store, 'z');
  size = file_size (fixture->store, "https://example.com/z");
  _cacheit_store_remove (fixture->store, "https://example.com/z");
  store = _cacheit_store_new (fixture->directory, 3 * size + size / 2);
  g_file_set_contents (other, "not a snapshot, not counted", -1, &error);
  g_assert_no_error (error);

  save_letter (store, 'a');
  save_letter (store, 'b');
  save_letter (store, 'c');
  s = present (store, "abcdef");
  g_assert_cmpstr (s, ==, "abc");
  g_clear_pointer (&s, g_free);

  load_letter (store, 'a');
  save_letter (store, 'd');
  s = present (store, "abcdef");
  g_assert_cmpstr (s, ==, "acd");
  g_clear_pointer (&s, g_free);

  /* Uses now, oldest first: c, a, d. */
  load_letter (store, 'c');
  save_letter (store, 'e');
  s = present (store, "abcdef");
  g_assert_cmpstr (s, ==, "cde");
  g_clear_pointer (&s, g_free);

  /* A save of a key already there is a use too, and needs no room. */
  save_letter (store, 'c');
  s = present (store, "abcdef");
  g_assert_cmpstr (s, ==, "cde");
  g_clear_pointer (&s, g_free);
  save_letter (store, 'f');
  s = present (store, "abcdef");
  g_assert_cmpstr (s, ==, "cef");
  g_clear_pointer (&s, g_free);

  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
test_store_too_large (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CacheitStore) store = _cacheit_store_new (fixture->directory, 1500);
  g_autoptr(CacheitStore) none = _cacheit_store_new (fixture->directory, 0);
  g_autofree char *large = g_strnfill (1500, 'x');
  g_autoptr(CacheitSnapshot) b = NULL;

  g_test_summary ("A snapshot larger than max-bytes alone is not kept, evicts nothing, and "
                  "its key's older snapshot is removed; max-bytes 0 keeps nothing");
  g_test_bug ("issue 8: persistent snapshots");

  save (store, KEY_A, "small", NULL);
  save (store, KEY_B, "b", NULL);
  g_assert_true (exists (store, KEY_A));

  save (store, KEY_A, large, NULL);
  g_assert_false (exists (store, KEY_A));
  g_assert_null (load (store, KEY_A));
  b = load (store, KEY_B);
  assert_body (b, "b");

  /* A validator too long for the format is not kept either. */
  {
    g_autofree char *etag = g_strnfill (64 * 1024 + 1, 'e');
    g_autoptr(CacheitStore) unbounded = _cacheit_store_new (fixture->directory, G_MAXUINT64);

    save (unbounded, KEY_A, "small", NULL);
    save (unbounded, KEY_A, "small", etag);
    g_assert_false (exists (unbounded, KEY_A));
  }

  save (none, KEY_A, "a", NULL);
  g_assert_false (exists (none, KEY_A));
  g_assert_true (exists (none, KEY_B));
}

/* Bodies whose every byte says which version they are, of lengths that
 * differ from one version to the next. */
static GBytes *
version_body (guint version)
{
  gsize length = 100 + (version * 7919) % 20000;
  guint8 *data = g_malloc (length);

  memset (data, version % 251, length);
  return g_bytes_new_take (data, length);
}

/* A snapshot is one whole version: its ETag names the version, and the
 * body is that version's. Returns the version. */
static guint
assert_whole (CacheitSnapshot *snapshot)
{
  g_autoptr(GBytes) expected = NULL;
  guint version;

  g_assert_nonnull (snapshot->etag);
  g_assert_true (g_str_has_prefix (snapshot->etag, "\"v"));
  version = (guint) g_ascii_strtoull (snapshot->etag + 2, NULL, 10);
  expected = version_body (version);
  g_assert_true (g_bytes_equal (snapshot->body, expected));
  g_assert_cmpint (snapshot->stored_at, ==, version);
  assert_padded (snapshot->body);
  return version;
}

static void
save_version (CacheitStore *store,
              const char   *key,
              guint         version)
{
  g_autoptr(GBytes) body = version_body (version);
  g_autofree char *etag = g_strdup_printf ("\"v%u\"", version);
  g_autoptr(GError) error = NULL;

  g_assert_true (_cacheit_store_save (store, key, body, etag, NULL, NULL, version, 60, &error));
  g_assert_no_error (error);
}

#define N_WRITERS 4
#define N_SAVES   100
#define N_LOADS   200

typedef struct
{
  CacheitStore *store;
  guint first_version;
} ThreadData;

static gpointer
writer_thread (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint i = 0; i < N_SAVES; i++)
    save_version (data->store, KEY_A, data->first_version + i);
  return NULL;
}

static gpointer
reader_thread (gpointer user_data)
{
  ThreadData *data = user_data;
  guint n_found = 0;

  for (guint i = 0; i < N_LOADS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CacheitSnapshot) snapshot = _cacheit_store_load (data->store, KEY_A, &error);

      g_assert_no_error (error);
      if (snapshot != NULL)
        {
          assert_whole (snapshot);
          n_found++;
        }
    }
  return GUINT_TO_POINTER (n_found);
}

static void
test_store_threads (Fixture       *fixture,
                    gconstpointer  data)
{
  GThread *writers[N_WRITERS];
  GThread *readers[2];
  ThreadData thread_data[N_WRITERS];
  g_autoptr(CacheitSnapshot) last = NULL;
  g_autofree char *log = NULL;
  g_autofree char *files = NULL;
  g_autofree char *path = _cacheit_store_get_path (fixture->store, KEY_A);
  g_autofree char *name = g_path_get_basename (path);
  ThreadData reader_data = { fixture->store, 0 };

  g_test_summary ("Saves of one key from several threads while others load it: every "
                  "load is one whole version, never half of one, and no temporary file is "
                  "left behind");
  g_test_bug ("issue 8: persistent snapshots");

  for (guint i = 0; i < N_WRITERS; i++)
    {
      thread_data[i].store = fixture->store;
      thread_data[i].first_version = 1 + i * N_SAVES;
      writers[i] = g_thread_new ("writer", writer_thread, &thread_data[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    readers[i] = g_thread_new ("reader", reader_thread, &reader_data);

  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (writers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    g_test_message ("Reader %u found %u snapshots in %u loads", i,
                    GPOINTER_TO_UINT (g_thread_join (readers[i])), N_LOADS);

  last = load (fixture->store, KEY_A);
  g_assert_nonnull (last);
  assert_whole (last);

  /* Nothing was ever found broken, and only the entry is left. */
  log = take_debug_log ();
  g_assert_null (strstr (log, "Ignoring"));
  files = list_directory (fixture->directory);
  g_assert_cmpstr (files, ==, name);
}

/* The child of /cacheit/store/processes: saves versions of four keys. */
static int
run_writer (const char *directory,
            guint       first_version,
            guint       n_saves)
{
  g_autoptr(CacheitStore) store = _cacheit_store_new (directory, G_MAXUINT64);

  for (guint i = 0; i < n_saves; i++)
    {
      g_autofree char *key = g_strdup_printf ("https://example.com/%u", i % 4);

      save_version (store, key, first_version + i);
      if (i % 3 == 0)
        {
          g_autoptr(CacheitSnapshot) snapshot = load (store, key);

          if (snapshot != NULL)
            assert_whole (snapshot);
        }
    }
  return 0;
}

typedef struct
{
  GSubprocess *child;
  int done;
} Waiter;

static gpointer
wait_thread (gpointer user_data)
{
  Waiter *waiter = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (waiter->child, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&waiter->done, TRUE);
  return NULL;
}

static void
test_store_processes (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *files = NULL;
  Waiter waiter = { NULL, FALSE };
  GThread *thread;
  guint n_rounds = 0;
  guint n_loaded = 0;

  g_test_summary ("Two processes save and load the same keys in one directory: every load "
                  "is one whole version, and every key is there at the end");
  g_test_bug ("issue 8: persistent snapshots");

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                            test_program, "--writer", fixture->directory, "100000", "400",
                            NULL);
  g_assert_no_error (error);
  waiter.child = child;
  thread = g_thread_new ("wait", wait_thread, &waiter);

  /* Until the child is done, and at least a few rounds. */
  while (!g_atomic_int_get (&waiter.done) || n_rounds < 20)
    {
      g_autofree char *key = g_strdup_printf ("https://example.com/%u", n_rounds % 4);
      g_autoptr(CacheitSnapshot) snapshot = NULL;

      save_version (fixture->store, key, 1 + n_rounds);
      for (guint i = 0; i < 4; i++)
        {
          g_autofree char *other = g_strdup_printf ("https://example.com/%u", i);

          g_clear_pointer (&snapshot, _cacheit_snapshot_unref);
          snapshot = load (fixture->store, other);
          if (snapshot != NULL)
            {
              assert_whole (snapshot);
              n_loaded++;
            }
        }
      n_rounds++;
    }
  g_thread_join (thread);
  g_assert_true (g_subprocess_get_successful (child));
  g_test_message ("%u rounds, %u whole snapshots loaded", n_rounds, n_loaded);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *key = g_strdup_printf ("https://example.com/%u", i);
      g_autoptr(CacheitSnapshot) snapshot = load (fixture->store, key);

      g_assert_nonnull (snapshot);
      assert_whole (snapshot);
    }

  log = take_debug_log ();
  g_assert_null (strstr (log, "Ignoring"));
  g_assert_cmpuint (count_files (fixture->directory), ==, 4);
}

static void
test_store_permissions (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = _cacheit_store_get_path (fixture->store, KEY_A);
  g_autofree char *parent = g_path_get_dirname (fixture->directory);
  GStatBuf st;
  mode_t old_mask = umask (022);

  g_test_summary ("The directory (and its missing parents) is created 0700 on the first "
                  "save, and snapshot files are 0600");

  save (fixture->store, KEY_A, "private", NULL);
  umask (old_mask);

  g_assert_cmpint (g_stat (fixture->directory, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (parent, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (S_ISREG (st.st_mode));
}

static void
test_store_touch (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitSnapshot) snapshot = NULL;

  g_test_summary ("After a 304, touch gives the snapshot with the confirmed validators new "
                  "times and keeps its body; a snapshot with other validators is left alone");

  g_assert_false (_cacheit_store_touch (fixture->store, KEY_A, "\"1\"", NULL, NULL, 10, 10, &error));
  g_assert_no_error (error);

  save (fixture->store, KEY_A, "body one", "\"1\"");
  g_assert_true (_cacheit_store_touch (fixture->store, KEY_A, "\"1\"", NULL, NULL, 2000, -1, &error));
  g_assert_no_error (error);
  snapshot = load (fixture->store, KEY_A);
  assert_body (snapshot, "body one");
  g_assert_cmpstr (snapshot->etag, ==, "\"1\"");
  g_assert_cmpint (snapshot->stored_at, ==, 2000);
  g_assert_cmpint (snapshot->lifetime, ==, -1);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* Another body was saved since the request went out. */
  g_assert_false (_cacheit_store_touch (fixture->store, KEY_A, "\"0\"", NULL, NULL, 3000, 5, &error));
  g_assert_no_error (error);
  g_assert_false (_cacheit_store_touch (fixture->store, KEY_A, "\"1\"", "Mon", NULL, 3000, 5, &error));
  g_assert_no_error (error);
  snapshot = load (fixture->store, KEY_A);
  g_assert_cmpint (snapshot->stored_at, ==, 2000);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* Touch copies the body with its checksum, unread: a body damaged on
   * disk stays caught by the next load. */
  {
    g_autofree char *path = _cacheit_store_get_path (fixture->store, KEY_A);
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    contents[length - 1] ^= 0x01;
    g_assert_true (g_file_set_contents (path, contents, length, NULL));
    g_assert_true (_cacheit_store_touch (fixture->store, KEY_A, "\"1\"", NULL, NULL, 4000, 5, &error));
    g_assert_no_error (error);
    g_assert_null (_cacheit_store_load (fixture->store, KEY_A, &error));
    g_assert_no_error (error);
    g_assert_false (exists (fixture->store, KEY_A));
  }
}

static void
test_store_expire (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  g_test_summary ("RFC 9111, 4.4: after a write invalidated a key, expire makes its snapshot "
                  "stale (lifetime 0) and keeps its body, validators and stored_at; with no "
                  "snapshot it does nothing; a snapshot with an empty body (a 204's) expires "
                  "too");

  g_assert_false (_cacheit_store_expire (fixture->store, KEY_A, &error));
  g_assert_no_error (error);
  g_assert_false (exists (fixture->store, KEY_A));

  save (fixture->store, KEY_A, "body one", "\"1\"");
  save (fixture->store, KEY_B, "body two", "\"2\"");
  g_assert_true (_cacheit_store_expire (fixture->store, KEY_A, &error));
  g_assert_no_error (error);
  snapshot = load (fixture->store, KEY_A);
  assert_body (snapshot, "body one");
  g_assert_cmpstr (snapshot->etag, ==, "\"1\"");
  g_assert_null (snapshot->last_modified);
  g_assert_cmpint (snapshot->stored_at, ==, 1000);
  g_assert_cmpint (snapshot->lifetime, ==, 0);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  /* Twice is once; the other key is untouched. */
  g_assert_true (_cacheit_store_expire (fixture->store, KEY_A, &error));
  g_assert_no_error (error);
  snapshot = load (fixture->store, KEY_A);
  g_assert_cmpint (snapshot->lifetime, ==, 0);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);
  snapshot = load (fixture->store, KEY_B);
  g_assert_cmpint (snapshot->lifetime, ==, 60);
  g_clear_pointer (&snapshot, _cacheit_snapshot_unref);

  g_assert_true (_cacheit_store_save (fixture->store, KEY_B, empty, NULL, NULL, NULL, 1000, 60, &error));
  g_assert_no_error (error);
  g_assert_true (_cacheit_store_expire (fixture->store, KEY_B, &error));
  g_assert_no_error (error);
  snapshot = load (fixture->store, KEY_B);
  assert_body (snapshot, "");
  g_assert_cmpint (snapshot->lifetime, ==, 0);
}

static void
test_store_stale_temporary (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *old = g_build_filename (fixture->directory, ".tmp-ABCDEF", NULL);
  g_autofree char *recent = g_build_filename (fixture->directory, ".tmp-123456", NULL);
  struct utimbuf times = { 0, 0 };
  g_autoptr(GError) error = NULL;

  g_test_summary ("Temporary files left by a process that died are removed after an hour, "
                  "by the first save of a process into the directory; recent ones may be "
                  "another process's save in progress and are kept");

  /* A save lists the directory at times only: at the first save of this
   * process into it (cacheit-store.c). */
  g_assert_cmpint (g_mkdir_with_parents (fixture->directory, 0700), ==, 0);
  g_file_set_contents (old, "half a sna", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (recent, "half a sna", -1, &error);
  g_assert_no_error (error);
  times.actime = times.modtime = (g_get_real_time () / G_USEC_PER_SEC) - 2 * 60 * 60;
  g_assert_cmpint (g_utime (old, &times), ==, 0);

  save (fixture->store, KEY_A, "a", NULL);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
  save (fixture->store, KEY_B, "b", NULL);
  g_assert_true (exists (fixture->store, KEY_A));
  g_assert_true (exists (fixture->store, KEY_B));
}

static void
test_store_default_directory (void)
{
  g_autofree char *directory = _cacheit_store_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), g_get_prgname (),
                                                "cacheit", NULL);

  g_test_summary ("The default directory is $XDG_CACHE_HOME/<prgname>/cacheit");

  g_assert_cmpstr (directory, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  /* The child of /cacheit/store/processes. */
  if (argc == 5 && strcmp (argv[1], "--writer") == 0)
    return run_writer (argv[2], g_ascii_strtoull (argv[3], NULL, 10),
                       g_ascii_strtoull (argv[4], NULL, 10));

  debug_log = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  test_program = argv[0];
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/store/round-trip", test_store_round_trip);
  ADD ("/cacheit/store/missing", test_store_missing);
  ADD ("/cacheit/store/overwrite", test_store_overwrite);
  ADD ("/cacheit/store/remove", test_store_remove);
  ADD ("/cacheit/store/truncated", test_store_truncated);
  ADD ("/cacheit/store/corrupt", test_store_corrupt);
  ADD ("/cacheit/store/version-2", test_store_version_2);
  ADD ("/cacheit/store/foreign", test_store_foreign);
  ADD ("/cacheit/store/hostile-lengths", test_store_hostile_lengths);
  ADD ("/cacheit/store/lru", test_store_lru);
  ADD ("/cacheit/store/too-large", test_store_too_large);
  ADD ("/cacheit/store/threads", test_store_threads);
  ADD ("/cacheit/store/processes", test_store_processes);
  ADD ("/cacheit/store/permissions", test_store_permissions);
  ADD ("/cacheit/store/touch", test_store_touch);
  ADD ("/cacheit/store/expire", test_store_expire);
  ADD ("/cacheit/store/stale-temporary", test_store_stale_temporary);
  g_test_add_func ("/cacheit/store/default-directory", test_store_default_directory);

#undef ADD

  return g_test_run ();
}
