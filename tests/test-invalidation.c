/* test-invalidation.c: writes invalidate (RFC 9111, 4.4). The table of
 * what the writes of the process invalidated (cacheit-invalidation.c),
 * without HTTP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <libsoup/soup.h>

#include "cacheit-invalidation.h"

/* The table, without HTTP */

static void
assert_keys (const char *request,
             const char *location,
             const char *content_location,
             const char *expected)
{
  g_autoptr(GUri) uri = g_uri_parse (request, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_auto(GStrv) keys = NULL;
  g_autofree char *got = NULL;

  g_assert_nonnull (uri);
  if (location != NULL)
    soup_message_headers_replace (headers, "Location", location);
  if (content_location != NULL)
    soup_message_headers_replace (headers, "Content-Location", content_location);

  keys = _cacheit_invalidation_keys (uri, headers);
  got = g_strjoinv (" ", keys);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_keys (void)
{
  g_test_summary ("RFC 9111, 4.4: the URLs a write's answer invalidates are its own, and "
                  "its Location and Content-Location resolved against it when of the same "
                  "origin (scheme, host, port; a default port is the same as none), each "
                  "once, as snapshot keys (no user information, no fragment)");

  assert_keys ("http://u:p@127.0.0.1:8080/notes#top", NULL, NULL, "http://127.0.0.1:8080/notes");
  assert_keys ("http://127.0.0.1:8080/notes", "/notes/9", "http://127.0.0.1:8080/notes/9",
               "http://127.0.0.1:8080/notes http://127.0.0.1:8080/notes/9");
  assert_keys ("http://127.0.0.1:8080/notes/", "9?x=1", "./9#f",
               "http://127.0.0.1:8080/notes/ http://127.0.0.1:8080/notes/9?x=1 "
               "http://127.0.0.1:8080/notes/9");
  assert_keys ("http://127.0.0.1:8080/notes/1", "/notes/1", "/notes/1", "http://127.0.0.1:8080/notes/1");
  /* Another port, scheme or host is another origin. */
  assert_keys ("http://127.0.0.1:8080/notes", "http://127.0.0.1:8081/notes/9",
               "https://127.0.0.1:8080/notes/9", "http://127.0.0.1:8080/notes");
  assert_keys ("http://127.0.0.1:8080/notes", "//localhost:8080/notes/9", "mailto:a@b",
               "http://127.0.0.1:8080/notes");
  /* The origin is compared without case; the key keeps the host as written
   * (it is the snapshot key, _cacheit_http_snapshot_key()). */
  assert_keys ("http://example.com/a", "http://EXAMPLE.com:80/b", "HTTP://example.com/c",
               "http://example.com/a http://EXAMPLE.com/b http://example.com/c");
  assert_keys ("https://example.com/a", "https://example.com:443/b", "http://example.com/c",
               "https://example.com/a https://example.com/b");
}

static void
test_table (void)
{
  const char *key = "http://table.test/key";
  const char *other = "http://table.test/other";
  guint serial = _cacheit_invalidation_get_serial ();
  gint64 first, second, own = 0;

  g_test_summary ("The table tells whether a key was invalidated after a time, and the "
                  "writer of the last mark whether an earlier one came after its data");

  g_assert_true (_cacheit_invalidation_status_invalidates (200));
  g_assert_true (_cacheit_invalidation_status_invalidates (204));
  g_assert_true (_cacheit_invalidation_status_invalidates (303));
  g_assert_false (_cacheit_invalidation_status_invalidates (400));
  g_assert_false (_cacheit_invalidation_status_invalidates (500));
  g_assert_false (_cacheit_invalidation_status_invalidates (101));

  /* Unmarked: nothing since any time, and no own mark. */
  g_assert_false (_cacheit_invalidation_since (key, g_get_real_time ()));
  g_assert_true (_cacheit_invalidation_since_own (key, g_get_real_time (), &own));
  g_assert_cmpint (own, ==, 0);

  first = _cacheit_invalidation_mark (key);
  g_assert_cmpuint (_cacheit_invalidation_get_serial (), !=, serial);
  g_assert_true (_cacheit_invalidation_since (key, first - 1));
  g_assert_false (_cacheit_invalidation_since (key, first));
  g_assert_false (_cacheit_invalidation_since (other, first - 1));
  /* The writer of the mark, confirmed before it: only its own mark. */
  g_assert_false (_cacheit_invalidation_since_own (key, first - 1, &own));
  g_assert_cmpint (own, ==, first);

  /* The times increase, however fast the marks come. */
  second = _cacheit_invalidation_mark (key);
  g_assert_cmpint (second, >, first);
  g_assert_true (_cacheit_invalidation_since (key, first));
  /* Confirmed before the first mark: that one was another's. */
  g_assert_true (_cacheit_invalidation_since_own (key, first - 1, &own));
  g_assert_cmpint (own, ==, second);
  g_assert_false (_cacheit_invalidation_since_own (key, first, &own));
}

static void
test_table_bounded (void)
{
  gint64 before = _cacheit_invalidation_mark ("http://bounded.test/before");
  gint64 last = 0;
  gint64 after;

  g_test_summary ("The table holds at most CACHEIT_INVALIDATION_MAX_KEYS keys; what it "
                  "dropped counts as invalidated for data confirmed before it (one "
                  "revalidation too many, never stale data as fresh)");

  for (guint i = 0; i < CACHEIT_INVALIDATION_MAX_KEYS + 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("http://bounded.test/%u", i);

      last = _cacheit_invalidation_mark (key);
    }
  g_assert_cmpuint (_cacheit_invalidation_get_n_keys (), ==, CACHEIT_INVALIDATION_MAX_KEYS);

  /* "before" was dropped: data confirmed before its mark still sees it. */
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/before", before - 1));
  /* Any key, for data as old as what was dropped. */
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/never", before));
  /* Data confirmed after everything: nothing. */
  after = _cacheit_invalidation_mark ("http://bounded.test/after");
  g_assert_false (_cacheit_invalidation_since ("http://bounded.test/never", after));
  g_assert_true (_cacheit_invalidation_since ("http://bounded.test/after", last));
  g_assert_cmpuint (_cacheit_invalidation_get_n_keys (), ==, CACHEIT_INVALIDATION_MAX_KEYS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cacheit/invalidation/keys", test_keys);
  g_test_add_func ("/cacheit/invalidation/table", test_table);
  /* Last: it moves the horizon. */
  g_test_add_func ("/cacheit/invalidation/table/bounded", test_table_bounded);

  return g_test_run ();
}
