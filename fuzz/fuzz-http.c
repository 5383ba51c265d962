/* fuzz-http.c: what a response says of its caching (_cacheit_http_caching,
 * _cacheit_http_may_store, Vary) and the strict HTTP-date parser, on
 * header values a server chose.
 *
 * The input is two bytes of status, then lines: the first byte of each
 * names the header (Cache-Control, Expires, Date, Age, Vary, Pragma, by its
 * value modulo 6), the rest up to a newline is its value (CR and NUL, which
 * no header value holds, are dropped). Checks: the lifetime is -1 or in
 * [0, 2^31], the stale windows -1 or in [0, 2^31]; no-store and no-cache
 * make the lifetime 0, no-store forbids keeping it under every policy; a
 * vary name is never "*", empty or upper-case, and the variant has one line
 * per name; each value parsed as an HTTP-date that gives a date gives one
 * that, written as an IMF-fixdate, parses to the same second. (no-cache
 * making the lifetime 0 is test-http.c's: the struct does not tell it from
 * must-revalidate.)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-http.h"

#include "fuzz-common.h"

static const char *const names[] = { "Cache-Control", "Expires", "Date", "Age", "Vary", "Pragma" };

static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

#define TWO_31 G_GINT64_CONSTANT (2147483648)

/* An HTTP-date that parses gives a date that round-trips. */
static void
check_date (const char *value,
            GDateTime  *now)
{
  g_autoptr(GDateTime) date = _cacheit_http_parse_date (value, now);
  g_autoptr(GDateTime) again = NULL;
  g_autofree char *written = NULL;

  if (date == NULL)
    return;

  /* libsoup's own writer does not pad a year below 1000. */
  written = g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d GMT",
                             days[g_date_time_get_day_of_week (date) - 1], g_date_time_get_day_of_month (date),
                             months[g_date_time_get_month (date) - 1], g_date_time_get_year (date),
                             g_date_time_get_hour (date), g_date_time_get_minute (date),
                             g_date_time_get_second (date));
  again = _cacheit_http_parse_date (written, now);
  g_assert_nonnull (again);
  g_assert_cmpint (g_date_time_to_unix (again), ==, g_date_time_to_unix (date));
}

static void
check_window (gint64 seconds)
{
  g_assert_true (seconds == -1 || (seconds >= 0 && seconds <= TWO_31));
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  FuzzInput input = { data, size };
  guint status = 100 + (fuzz_input_byte (&input) << 8 | fuzz_input_byte (&input)) % 500;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SoupMessageHeaders) request = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (1700000000);
  g_auto(GStrv) vary = NULL;
  g_autofree char *variant = NULL;
  CacheitHttpCaching caching;
  const char *cache_control;
  guint n_lines = 0;
  guint n_newlines = 0;

  fuzz_init ();

  while (!fuzz_input_is_empty (&input) && n_lines < 16)
    {
      const char *name = names[fuzz_input_byte (&input) % G_N_ELEMENTS (names)];
      g_autoptr(GString) value = g_string_new (NULL);

      while (!fuzz_input_is_empty (&input))
        {
          guint8 c = fuzz_input_byte (&input);

          if (c == '\n')
            break;
          if (c != '\r' && c != '\0')
            g_string_append_c (value, (char) c);
        }
      check_date (value->str, now);
      soup_message_headers_append (headers, name, value->str);
      soup_message_headers_append (request, "Accept-Language", value->str);
      n_lines++;
    }

  _cacheit_http_caching (status, headers, now, &caching);
  g_assert_true (caching.lifetime == -1 || (caching.lifetime >= 0 && caching.lifetime <= TWO_31));
  check_window (caching.stale_while_revalidate);
  check_window (caching.stale_if_error);
  if (caching.no_store)
    g_assert_cmpint (caching.lifetime, ==, 0);

  /* no-store is never kept, whatever the policy and the request. */
  cache_control = soup_message_headers_get_list (headers, "Cache-Control");
  for (guint policy = CACHEIT_SNAPSHOT_NONE; policy <= CACHEIT_SNAPSHOT_ALL; policy++)
    for (guint authorized = 0; authorized < 2; authorized++)
      if (caching.no_store)
        g_assert_false (_cacheit_http_may_store (policy, authorized, cache_control));

  vary = _cacheit_http_vary_names (headers);
  g_assert_true (vary == NULL || vary[0] != NULL);
  for (guint i = 0; vary != NULL && vary[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (vary[i], -1);

      g_assert_cmpstr (vary[i], !=, "*");
      g_assert_cmpstr (vary[i], !=, "");
      g_assert_cmpstr (vary[i], ==, lower);
    }
  variant = _cacheit_http_variant ((const char *const *) vary, request);
  g_assert_nonnull (variant);
  for (const char *p = variant; *p != '\0'; p++)
    n_newlines += *p == '\n';
  g_assert_cmpuint (n_newlines, ==, vary != NULL ? g_strv_length (vary) : 0);

  return 0;
}
