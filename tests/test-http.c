/* test-http.c: the pure HTTP policy of cacheit-http.c and
 * cacheit-http-date.c, in tables: lifetimes and what else a response says
 * of its caching, HTTP-dates, Vary, transient failures, Retry-After,
 * backoff, may-store and snapshot keys. No server, no main loop: every
 * case is a function call and its value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "cacheit-error.h"
#include "cacheit-http.h"

/* The current time of every case that needs one, and dates around it. */
#define NOW          "Sun, 06 Nov 1994 08:49:37 GMT"
#define NOW_PLUS_30  "Sun, 06 Nov 1994 08:50:07 GMT"
#define NOW_PLUS_120 "Sun, 06 Nov 1994 08:51:37 GMT"
#define NOW_MINUS_60 "Sun, 06 Nov 1994 08:48:37 GMT"

static GDateTime *
fixed_now (void)
{
  GDateTime *now = soup_date_time_new_from_http_string (NOW);

  g_assert_nonnull (now);
  return now;
}

/* Lifetime */

typedef struct
{
  const char *cache_control;    /* A second Cache-Control after a '\n'. */
  const char *expires;
  const char *date;
  const char *age;
  gint64      lifetime;
} LifetimeCase;

static const LifetimeCase lifetime_cases[] = {
  /* Nothing said: fresh until a reload. */
  { NULL, NULL, NULL, NULL, -1 },
  { "public", NULL, NULL, NULL, -1 },
  { "", NULL, NULL, NULL, -1 },
  { NULL, NULL, NOW, NULL, -1 },
  { NULL, NULL, NULL, "10", -1 },

  /* max-age. */
  { "max-age=60", NULL, NULL, NULL, 60 },
  { "max-age=0", NULL, NULL, NULL, 0 },
  { "public, max-age=3600", NULL, NULL, NULL, 3600 },
  { "private, max-age=60", NULL, NULL, NULL, 60 },
  { "MAX-AGE=60", NULL, NULL, NULL, 60 },
  { "max-age=\"60\"", NULL, NULL, NULL, 60 },
  { "max-age=2147483647", NULL, NULL, NULL, G_MAXINT },
  { "max-age=2147483648", NULL, NULL, NULL, G_GINT64_CONSTANT (2147483648) },
  { "public\nmax-age=60", NULL, NULL, NULL, 60 },

  /* A malformed max-age: stale. */
  { "max-age", NULL, NULL, NULL, 0 },
  { "max-age=", NULL, NULL, NULL, 0 },
  { "max-age=abc", NULL, NULL, NULL, 0 },
  { "max-age=-1", NULL, NULL, NULL, 0 },
  { "max-age=+60", NULL, NULL, NULL, 0 },
  { "max-age=1.5", NULL, NULL, NULL, 0 },
  { "max-age=abc", NOW_PLUS_120, NOW, NULL, 0 },

  /* no-cache and no-store: stale, whatever else is said. */
  { "no-cache", NULL, NULL, NULL, 0 },
  { "no-store", NULL, NULL, NULL, 0 },
  { "NO-CACHE", NULL, NULL, NULL, 0 },
  { "max-age=60, no-cache", NULL, NULL, NULL, 0 },
  { "no-store, max-age=60", NULL, NULL, NULL, 0 },
  { "max-age=60\nno-store", NULL, NULL, NULL, 0 },
  { "no-cache", NOW_PLUS_120, NOW, NULL, 0 },
  { "no-cache=\"Set-Cookie\", max-age=60", NULL, NULL, NULL, 0 },

  /* s-maxage and other directives are not read. */
  { "s-maxage=60", NULL, NULL, NULL, -1 },
  { "s-maxage=60, max-age=30", NULL, NULL, NULL, 30 },
  { "s-maxage=0, max-age=30", NULL, NULL, NULL, 30 },
  { "must-revalidate", NULL, NULL, NULL, -1 },
  { "stale-while-revalidate=30", NULL, NULL, NULL, -1 },
  { "s-maxage=60", NOW_PLUS_120, NOW, NULL, 120 },

  /* Expires, counted from Date. */
  { NULL, NOW_PLUS_120, NOW, NULL, 120 },
  { NULL, NOW_PLUS_30, NOW, NULL, 30 },
  { NULL, NOW, NOW, NULL, 0 },
  { NULL, NOW_MINUS_60, NOW, NULL, 0 },
  { NULL, NOW_PLUS_120, NOW_PLUS_30, NULL, 90 },
  { "public", NOW_PLUS_120, NOW, NULL, 120 },
  { NULL, "Sunday, 06-Nov-94 08:51:37 GMT", NOW, NULL, 120 },
  { NULL, "Sun Nov  6 08:51:37 1994", NOW, NULL, 120 },
  /* Far ahead: 2^31 at most (RFC 9111, 1.2.2; found by fuzz-http). */
  { NULL, "Sun, 06 Nov 3988 08:49:37 GMT", NOW, NULL, G_GINT64_CONSTANT (2147483648) },

  /* An Expires that is not a date: already expired. */
  { NULL, "0", NOW, NULL, 0 },
  { NULL, "-1", NOW, NULL, 0 },
  { NULL, "", NULL, NULL, 0 },
  { NULL, "tomorrow", NOW, NULL, 0 },

  /* Without a Date, or with one that is not a date, from now. */
  { NULL, NOW_PLUS_120, NULL, NULL, 120 },
  { NULL, NOW_PLUS_120, "yesterday", NULL, 120 },
  { NULL, NOW_MINUS_60, NULL, NULL, 0 },

  /* max-age wins over Expires. */
  { "max-age=60", NOW_PLUS_120, NOW, NULL, 60 },
  { "max-age=600", NOW_MINUS_60, NOW, NULL, 600 },
  { "max-age=60", "0", NOW, NULL, 60 },
  { "max-age=0", NOW_PLUS_120, NOW, NULL, 0 },

  /* Age is taken off, down to 0. */
  { "max-age=60", NULL, NULL, "10", 50 },
  { "max-age=60", NULL, NULL, "0", 60 },
  { "max-age=60", NULL, NULL, "59", 1 },
  { "max-age=60", NULL, NULL, "60", 0 },
  { "max-age=60", NULL, NULL, "100", 0 },
  { NULL, NOW_PLUS_120, NOW, "20", 100 },
  { NULL, NOW_PLUS_120, NOW, "200", 0 },
  { "max-age=0", NULL, NULL, "10", 0 },
  { "max-age=60", NULL, NULL, "2147483647", 0 },
  { "max-age=60", NULL, NULL, "2147483648", 0 },

  /* An Age that is not a number is ignored. */
  { "max-age=60", NULL, NULL, "abc", 60 },
  { "max-age=60", NULL, NULL, "-5", 60 },
  { "max-age=60", NULL, NULL, "1.5", 60 },
  { "max-age=60", NULL, NULL, "", 60 },
};

static void
test_lifetime (void)
{
  g_autoptr(GDateTime) now = fixed_now ();

  g_test_summary ("The lifetime of a 200 from Cache-Control (max-age up to 2^31, "
                  "no-cache, no-store; s-maxage is not read), else Expires from Date or "
                  "now, minus Age (RFC 9111, 4.2.1 and 5.1), with malformed values as the "
                  "code reads them");

  for (gsize i = 0; i < G_N_ELEMENTS (lifetime_cases); i++)
    {
      const LifetimeCase *c = &lifetime_cases[i];
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

      if (c->cache_control != NULL)
        {
          g_auto(GStrv) values = g_strsplit (c->cache_control, "\n", -1);

          for (gsize j = 0; values[j] != NULL; j++)
            soup_message_headers_append (headers, "Cache-Control", values[j]);
        }
      if (c->expires != NULL)
        soup_message_headers_append (headers, "Expires", c->expires);
      if (c->date != NULL)
        soup_message_headers_append (headers, "Date", c->date);
      if (c->age != NULL)
        soup_message_headers_append (headers, "Age", c->age);

      g_test_message ("case %" G_GSIZE_FORMAT ": Cache-Control %s, Expires %s, Date %s, Age %s",
                      i, c->cache_control, c->expires, c->date, c->age);
      g_assert_cmpint (_cacheit_http_lifetime (headers, now), ==, c->lifetime);
    }
}

static void
test_lifetime_now (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 1);
  g_autofree char *expires = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  gint64 lifetime;

  g_test_summary ("Without a Date and with no time given, Expires counts from the current time");

  soup_message_headers_append (headers, "Expires", expires);
  lifetime = _cacheit_http_lifetime (headers, NULL);
  g_assert_cmpint (lifetime, <=, 3600);
  g_assert_cmpint (lifetime, >=, 3600 - 60);

  /* A Date, when there is one, is what counts, not the current time. */
  soup_message_headers_replace (headers, "Expires", NOW_PLUS_120);
  soup_message_headers_append (headers, "Date", NOW);
  g_assert_cmpint (_cacheit_http_lifetime (headers, NULL), ==, 120);

  /* Expires in 1994 is long gone. */
  soup_message_headers_remove (headers, "Date");
  g_assert_cmpint (_cacheit_http_lifetime (headers, NULL), ==, 0);
}

/* Caching */

/* What a CachingCase expects of the booleans: those named are TRUE. */
typedef enum
{
  MUST_REVALIDATE = 1 << 0,
  IMMUTABLE       = 1 << 1,
  NO_STORE        = 1 << 2,
  PRIVATE         = 1 << 3,
  SHAREABLE       = 1 << 4,
  VARY_ANY        = 1 << 5,
} CachingFlags;

typedef struct
{
  guint         status;
  /* Header lines, each its own, in order; NULL after the last. */
  const char   *cache_control[3];
  const char   *expires[3];
  const char   *date;
  const char   *age[3];
  const char   *vary[3];
  gint64        lifetime;
  gint64        stale_while_revalidate;
  gint64        stale_if_error;
  CachingFlags  flags;
} CachingCase;

/* No line of a header. */
#define NONE { NULL }

/* 2^31, the cap of delta-seconds (RFC 9111, 1.2.2). */
#define DELTA_MAX G_GINT64_CONSTANT (2147483648)

static const CachingCase caching_cases[] = {
  /* Nothing said: for ever for a heuristically cacheable status (RFC 9110,
   * 15.1), stale for any other (RFC 9111, 4.2.2). */
  { 200, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 203, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 204, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 206, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 300, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 301, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 308, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 404, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 405, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 410, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 414, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 501, NONE, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 201, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 202, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 205, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 302, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 303, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 307, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 400, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 403, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 500, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 503, NONE, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "" }, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 200, { "public" }, NONE, NULL, NONE, NONE, -1, -1, -1, SHAREABLE },
  { 201, { "public" }, NONE, NULL, NONE, NONE, 0, -1, -1, SHAREABLE },
  { 200, NONE, NONE, NOW, NONE, NONE, -1, -1, -1, 0 },
  { 200, NONE, NONE, NULL, { "10" }, NONE, -1, -1, -1, 0 },
  { 302, NONE, NONE, NULL, { "10" }, NONE, 0, -1, -1, 0 },

  /* Explicit freshness counts for any status. */
  { 201, { "max-age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 500, NONE, { NOW_PLUS_120 }, NOW, NONE, NONE, 120, -1, -1, 0 },

  /* max-age: names without case, a quoted value, up to 2^31 and capped
   * there however many digits (RFC 9111, 1.2.2). */
  { 200, { "max-age=3600" }, NONE, NULL, NONE, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=0" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "MAX-AGE=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "Max-Age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=\"60\"" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=0000000000000000000000060" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=2147483647" }, NONE, NULL, NONE, NONE, G_MAXINT, -1, -1, 0 },
  { 200, { "max-age=2147483648" }, NONE, NULL, NONE, NONE, DELTA_MAX, -1, -1, 0 },
  { 200, { "max-age=2147483649" }, NONE, NULL, NONE, NONE, DELTA_MAX, -1, -1, 0 },
  { 200, { "max-age=99999999999999999999" }, NONE, NULL, NONE, NONE, DELTA_MAX, -1, -1, 0 },
  { 200, { "max-age=999999999999999999999999999999" }, NONE, NULL, NONE, NONE,
    DELTA_MAX, -1, -1, 0 },
  { 200, { "public", "max-age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, SHAREABLE },
  { 200, { ",, max-age=60 ,," }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  /* Whitespace before '=' is tolerated, in a name. */
  { 200, { "max-age =60" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },

  /* Given twice, on one line or two: the first counts (RFC 9111, 4.2.1). */
  { 200, { "max-age=1800, max-age=1" }, NONE, NULL, NONE, NONE, 1800, -1, -1, 0 },
  { 200, { "max-age=1800", "max-age=1" }, NONE, NULL, NONE, NONE, 1800, -1, -1, 0 },
  { 200, { "max-age=1, max-age=1800" }, NONE, NULL, NONE, NONE, 1, -1, -1, 0 },
  { 200, { "max-age=1", "max-age=1800" }, NONE, NULL, NONE, NONE, 1, -1, -1, 0 },
  { 200, { "max-age=60, MAX-AGE=1" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=abc, max-age=60" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=60, max-age=abc" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },

  /* A comma or a directive in a quoted string is not one. */
  { 200, { "community=\"max-age=1, no-store\", max-age=60" }, NONE, NULL, NONE, NONE,
    60, -1, -1, 0 },
  { 200, { "private=\"Set-Cookie, X-Token\", max-age=60" }, NONE, NULL, NONE, NONE,
    60, -1, -1, PRIVATE },
  { 200, { "community=\"a\\\"b, no-cache\", max-age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },

  /* An invalid max-age: stale (RFC 9111, 4.2.1), Expires not read. */
  { 200, { "max-age" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=\"\"" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=abc" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=-1" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=+60" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=1.5" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=60.0" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=0x10" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=60s" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age= 60" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=6 0" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=\"6 0\"" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=\"60" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=\"60\"0" }, NONE, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=abc" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, 0 },

  /* no-cache, with field names or not, and no-store: stale, whatever else
   * is said; no-cache also means revalidating. */
  { 200, { "no-cache" }, NONE, NULL, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "NO-CACHE" }, NONE, NULL, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "no-cache=\"Set-Cookie\"" }, NONE, NULL, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "no-cache=\"Set-Cookie, X-Token\", max-age=60" }, NONE, NULL, NONE, NONE,
    0, -1, -1, MUST_REVALIDATE },
  { 200, { "max-age=60, no-cache" }, NONE, NULL, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "max-age=60", "no-cache" }, NONE, NULL, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "no-cache" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, MUST_REVALIDATE },
  { 200, { "no-store" }, NONE, NULL, NONE, NONE, 0, -1, -1, NO_STORE },
  { 200, { "No-Store" }, NONE, NULL, NONE, NONE, 0, -1, -1, NO_STORE },
  { 200, { "no-store, max-age=60" }, NONE, NULL, NONE, NONE, 0, -1, -1, NO_STORE },
  { 200, { "max-age=60", "no-store" }, NONE, NULL, NONE, NONE, 0, -1, -1, NO_STORE },
  { 200, { "no-store" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, NO_STORE },
  { 200, { "no-store, no-cache, must-revalidate, private" }, NONE, NULL, NONE, NONE,
    0, -1, -1, NO_STORE | MUST_REVALIDATE | PRIVATE },

  /* must-revalidate; proxy-revalidate is for shared caches. */
  { 200, { "max-age=60, must-revalidate" }, NONE, NULL, NONE, NONE, 60, -1, -1, MUST_REVALIDATE },
  { 200, { "must-revalidate" }, NONE, NULL, NONE, NONE, -1, -1, -1, MUST_REVALIDATE },
  { 200, { "Must-Revalidate", "max-age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, MUST_REVALIDATE },
  { 200, { "max-age=60, proxy-revalidate" }, NONE, NULL, NONE, NONE, 60, -1, -1, 0 },

  /* stale-while-revalidate and stale-if-error (RFC 5861): delta-seconds,
   * else not given. */
  { 200, { "max-age=60, stale-while-revalidate=30" }, NONE, NULL, NONE, NONE, 60, 30, -1, 0 },
  { 200, { "max-age=60, stale-if-error=86400" }, NONE, NULL, NONE, NONE, 60, -1, 86400, 0 },
  { 200, { "stale-while-revalidate=30, stale-if-error=600" }, NONE, NULL, NONE, NONE,
    -1, 30, 600, 0 },
  { 200, { "max-age=60", "stale-while-revalidate=30" }, NONE, NULL, NONE, NONE, 60, 30, -1, 0 },
  { 200, { "stale-while-revalidate=0, stale-if-error=0" }, NONE, NULL, NONE, NONE, -1, 0, 0, 0 },
  { 200, { "stale-while-revalidate=\"30\"" }, NONE, NULL, NONE, NONE, -1, 30, -1, 0 },
  { 200, { "STALE-IF-ERROR=30" }, NONE, NULL, NONE, NONE, -1, -1, 30, 0 },
  { 200, { "stale-while-revalidate=99999999999999999999, stale-if-error=2147483648" }, NONE, NULL,
    NONE, NONE, -1, DELTA_MAX, DELTA_MAX, 0 },
  { 200, { "stale-while-revalidate=30, stale-while-revalidate=60" }, NONE, NULL, NONE, NONE,
    -1, 30, -1, 0 },
  { 200, { "stale-if-error=30", "stale-if-error=60" }, NONE, NULL, NONE, NONE, -1, -1, 30, 0 },
  { 200, { "max-age=60, stale-while-revalidate, stale-if-error" }, NONE, NULL, NONE, NONE,
    60, -1, -1, 0 },
  { 200, { "stale-while-revalidate=abc, stale-if-error=-1" }, NONE, NULL, NONE, NONE,
    -1, -1, -1, 0 },
  { 200, { "stale-while-revalidate=1.5, stale-if-error=+30" }, NONE, NULL, NONE, NONE,
    -1, -1, -1, 0 },
  { 200, { "stale-while-revalidate=, stale-if-error=3 0" }, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 200, { "no-cache, stale-if-error=60" }, NONE, NULL, NONE, NONE, 0, -1, 60, MUST_REVALIDATE },

  /* immutable (RFC 8246). */
  { 200, { "max-age=31536000, immutable" }, NONE, NULL, NONE, NONE, 31536000, -1, -1, IMMUTABLE },
  { 200, { "IMMUTABLE" }, NONE, NULL, NONE, NONE, -1, -1, -1, IMMUTABLE },
  { 200, { "immutables" }, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },

  /* private, public and s-maxage, whose value a private cache does not
   * read for the lifetime. */
  { 200, { "private" }, NONE, NULL, NONE, NONE, -1, -1, -1, PRIVATE },
  { 200, { "Private, max-age=60" }, NONE, NULL, NONE, NONE, 60, -1, -1, PRIVATE },
  { 200, { "private=\"Set-Cookie\"" }, NONE, NULL, NONE, NONE, -1, -1, -1, PRIVATE },
  { 200, { "privately" }, NONE, NULL, NONE, NONE, -1, -1, -1, 0 },
  { 200, { "public, max-age=3600" }, NONE, NULL, NONE, NONE, 3600, -1, -1, SHAREABLE },
  { 200, { "public, private" }, NONE, NULL, NONE, NONE, -1, -1, -1, PRIVATE | SHAREABLE },
  { 200, { "s-maxage=60" }, NONE, NULL, NONE, NONE, -1, -1, -1, SHAREABLE },
  { 200, { "s-maxage=60, max-age=30" }, NONE, NULL, NONE, NONE, 30, -1, -1, SHAREABLE },
  { 200, { "s-maxage=0, max-age=30" }, NONE, NULL, NONE, NONE, 30, -1, -1, SHAREABLE },
  { 200, { "S-MAXAGE=abc" }, NONE, NULL, NONE, NONE, -1, -1, -1, SHAREABLE },
  { 200, { "s-maxage=60" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 120, -1, -1, SHAREABLE },
  { 201, { "s-maxage=60" }, NONE, NULL, NONE, NONE, 0, -1, -1, SHAREABLE },

  /* Expires, counted from Date, never below 0; the three forms. */
  { 200, NONE, { NOW_PLUS_120 }, NOW, NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_30 }, NOW, NONE, NONE, 30, -1, -1, 0 },
  { 200, NONE, { NOW }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { NOW_MINUS_60 }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, NOW_PLUS_30, NONE, NONE, 90, -1, -1, 0 },
  { 200, NONE, { "Sunday, 06-Nov-94 08:51:37 GMT" }, NOW, NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { "Sun Nov  6 08:51:37 1994" }, NOW, NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, "Sunday, 06-Nov-94 08:50:07 GMT", NONE, NONE, 90, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, "Sun Nov  6 08:50:07 1994", NONE, NONE, 90, -1, -1, 0 },
  { 404, NONE, { NOW_PLUS_120 }, NOW, NONE, NONE, 120, -1, -1, 0 },

  /* An Expires that is not a valid HTTP-date, however libsoup would read
   * it, or two of them: already expired (RFC 9111, 4.2.1 and 5.3). */
  { 200, NONE, { "Thu, 01 Jan 1970 00:00:00 UTC" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun, 06 Nov 1994 08:51:37 UTC" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun, 06 Nov 1994 18:51:37 AEST" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun, 06 Nov 94 08:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun 06 Nov 1994 08:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun,  06 Nov 1994 08:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun, 06-Nov-1994 08:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Sun, 06 Nov 1994 8:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "Mon, 06 Nov 1994 08:51:37 GMT" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "0" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "-1" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "" }, NULL, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "tomorrow" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120, NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120, "0" }, NOW, NONE, NONE, 0, -1, -1, 0 },
  { 200, NONE, { "0", NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, 0 },

  /* Without a valid Date, from now (NOW), strictly read too: a Date 60 s
   * before now spelled with UTC is no date. */
  { 200, NONE, { NOW_PLUS_120 }, NULL, NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, "yesterday", NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, "Sun, 06 Nov 1994 08:48:37 UTC", NONE, NONE, 120, -1, -1, 0 },
  { 200, NONE, { NOW_MINUS_60 }, NULL, NONE, NONE, 0, -1, -1, 0 },

  /* max-age wins over Expires. */
  { 200, { "max-age=60" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=600" }, { NOW_MINUS_60 }, NOW, NONE, NONE, 600, -1, -1, 0 },
  { 200, { "max-age=60" }, { "0" }, NOW, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=60" }, { NOW_PLUS_120, NOW_PLUS_120 }, NOW, NONE, NONE, 60, -1, -1, 0 },
  { 200, { "max-age=0" }, { NOW_PLUS_120 }, NOW, NONE, NONE, 0, -1, -1, 0 },

  /* Age is taken off a lifetime above 0, down to 0; of a list or of two
   * lines the first member counts (RFC 9111, 5.1), capped at 2^31. */
  { 200, { "max-age=3600" }, NONE, NULL, { "600" }, NONE, 3000, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "0" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "3599" }, NONE, 1, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "3600" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "7200" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "2147483648" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "99999999999999999999" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=2147483648" }, NONE, NULL, { "99999999999999999999" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "7200, 0" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "7200", "0" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "0, 7200" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "0", "7200" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "600 ,0" }, NONE, 3000, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "600\t, 0" }, NONE, 3000, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, NOW, { "20" }, NONE, 100, -1, -1, 0 },
  { 200, NONE, { NOW_PLUS_120 }, NOW, { "200" }, NONE, 0, -1, -1, 0 },
  { 200, { "max-age=0" }, NONE, NULL, { "10" }, NONE, 0, -1, -1, 0 },
  { 200, { "s-maxage=60" }, NONE, NULL, { "10" }, NONE, -1, -1, -1, SHAREABLE },

  /* An Age that is not delta-seconds is ignored, even when a later
   * member would be one. */
  { 200, { "max-age=3600" }, NONE, NULL, { "abc" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "-7200" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "7200.0" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "+7200" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "72 00" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "\"7200\"" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { ", 7200" }, NONE, 3600, -1, -1, 0 },
  { 200, { "max-age=3600" }, NONE, NULL, { "abc", "7200" }, NONE, 3600, -1, -1, 0 },

  /* Vary: * among the members of its lines (RFC 9111, 4.1). */
  { 200, NONE, NONE, NULL, NONE, { "*" }, -1, -1, -1, VARY_ANY },
  { 200, { "max-age=60" }, NONE, NULL, NONE, { "Accept, *" }, 60, -1, -1, VARY_ANY },
  { 200, NONE, NONE, NULL, NONE, { "Accept", " * " }, -1, -1, -1, VARY_ANY },
  { 200, NONE, NONE, NULL, NONE, { "Accept-Encoding" }, -1, -1, -1, 0 },
  { 200, NONE, NONE, NULL, NONE, { "Accept-*" }, -1, -1, -1, 0 },
  { 200, NONE, NONE, NULL, NONE, { "\"*\"" }, -1, -1, -1, 0 },
  { 200, NONE, NONE, NULL, NONE, { "" }, -1, -1, -1, 0 },
};

static void
test_caching (void)
{
  g_autoptr(GDateTime) now = fixed_now ();

  g_test_summary ("What a response says of its caching (RFC 9111, 4.2 and 5.2; RFC 5861; "
                  "RFC 8246): directives of all Cache-Control lines, the first of each; "
                  "delta-seconds capped at 2^31 (1.2.2); strict Expires and Date; the "
                  "first Age (5.1); the heuristic by status (4.2.2)");

  for (gsize i = 0; i < G_N_ELEMENTS (caching_cases); i++)
    {
      const CachingCase *c = &caching_cases[i];
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      CacheitHttpCaching caching;

      for (gsize j = 0; j < G_N_ELEMENTS (c->cache_control) && c->cache_control[j] != NULL; j++)
        soup_message_headers_append (headers, "Cache-Control", c->cache_control[j]);
      for (gsize j = 0; j < G_N_ELEMENTS (c->expires) && c->expires[j] != NULL; j++)
        soup_message_headers_append (headers, "Expires", c->expires[j]);
      if (c->date != NULL)
        soup_message_headers_append (headers, "Date", c->date);
      for (gsize j = 0; j < G_N_ELEMENTS (c->age) && c->age[j] != NULL; j++)
        soup_message_headers_append (headers, "Age", c->age[j]);
      for (gsize j = 0; j < G_N_ELEMENTS (c->vary) && c->vary[j] != NULL; j++)
        soup_message_headers_append (headers, "Vary", c->vary[j]);

      g_test_message ("case %" G_GSIZE_FORMAT ": %u, Cache-Control %s, Expires %s, Date %s, Age %s",
                      i, c->status, soup_message_headers_get_list (headers, "Cache-Control"),
                      soup_message_headers_get_list (headers, "Expires"), c->date,
                      soup_message_headers_get_list (headers, "Age"));

      /* Every member is set, whatever was there. */
      memset (&caching, 0xaa, sizeof caching);
      _cacheit_http_caching (c->status, headers, now, &caching);

      g_assert_cmpint (caching.lifetime, ==, c->lifetime);
      g_assert_cmpint (caching.stale_while_revalidate, ==, c->stale_while_revalidate);
      g_assert_cmpint (caching.stale_if_error, ==, c->stale_if_error);
      g_assert_cmpint (caching.must_revalidate, ==, (c->flags & MUST_REVALIDATE) != 0);
      g_assert_cmpint (caching.immutable, ==, (c->flags & IMMUTABLE) != 0);
      g_assert_cmpint (caching.no_store, ==, (c->flags & NO_STORE) != 0);
      g_assert_cmpint (caching.is_private, ==, (c->flags & PRIVATE) != 0);
      g_assert_cmpint (caching.shareable, ==, (c->flags & SHAREABLE) != 0);
      g_assert_cmpint (caching.vary_any, ==, (c->flags & VARY_ANY) != 0);

      /* _cacheit_http_lifetime() is the lifetime of a 200. */
      if (c->status == SOUP_STATUS_OK)
        g_assert_cmpint (_cacheit_http_lifetime (headers, now), ==, c->lifetime);
    }
}

static void
test_caching_now (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  CacheitHttpCaching caching;

  g_test_summary ("With no time given, an Expires in 1994 without a Date is long gone, "
                  "and one with a Date counts from it");

  soup_message_headers_append (headers, "Expires", NOW_PLUS_120);
  _cacheit_http_caching (SOUP_STATUS_OK, headers, NULL, &caching);
  g_assert_cmpint (caching.lifetime, ==, 0);

  soup_message_headers_append (headers, "Date", NOW);
  _cacheit_http_caching (SOUP_STATUS_OK, headers, NULL, &caching);
  g_assert_cmpint (caching.lifetime, ==, 120);
}

/* Vary */

typedef struct
{
  const char *vary[3];   /* Lines; NULL after the last. */
  const char *names;     /* Joined with spaces; NULL for none. */
} VaryNamesCase;

static const VaryNamesCase vary_names_cases[] = {
  { NONE, NULL },
  { { "" }, NULL },
  { { "*" }, NULL },
  { { ", ," }, NULL },
  { { "Accept-Encoding" }, "accept-encoding" },
  { { "Accept-Encoding, Accept-Language" }, "accept-encoding accept-language" },
  /* In order, lowercased, once each, over all lines. */
  { { "Origin, Accept-Encoding", "accept-encoding, ORIGIN, Accept" },
    "origin accept-encoding accept" },
  { { "Accept", "Accept", "accept" }, "accept" },
  { { " ,Accept ,, Cookie," }, "accept cookie" },
  /* "*" is not a name (see vary_any), but the others stay. */
  { { "*, Accept" }, "accept" },
  { { "Accept", "*" }, "accept" },
};

static void
test_vary_names (void)
{
  g_test_summary ("The request headers a response varies on (RFC 9111, 4.1): all Vary "
                  "lines as one list, lowercased, in order, once each, without \"*\"; "
                  "NULL when none");

  for (gsize i = 0; i < G_N_ELEMENTS (vary_names_cases); i++)
    {
      const VaryNamesCase *c = &vary_names_cases[i];
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      g_auto(GStrv) names = NULL;
      g_autofree char *joined = NULL;

      for (gsize j = 0; j < G_N_ELEMENTS (c->vary) && c->vary[j] != NULL; j++)
        soup_message_headers_append (headers, "Vary", c->vary[j]);

      g_test_message ("case %" G_GSIZE_FORMAT ": Vary %s", i,
                      soup_message_headers_get_list (headers, "Vary"));
      names = _cacheit_http_vary_names (headers);
      if (names != NULL)
        {
          g_assert_cmpuint (g_strv_length (names), >, 0);
          joined = g_strjoinv (" ", names);
        }
      g_assert_cmpstr (joined, ==, c->names);
    }
}

typedef struct
{
  const char *names[4];     /* As _cacheit_http_vary_names() gives them. */
  const char *headers[8];   /* Request header lines: name, value, …; NULL after the last. */
  const char *variant;
} VariantCase;

static const VariantCase variant_cases[] = {
  { { "accept-encoding" }, { NULL }, "accept-encoding:\n" },
  { { "accept-encoding" }, { "Accept-Encoding", "gzip" }, "accept-encoding: gzip\n" },
  { { "accept-encoding" }, { "ACCEPT-ENCODING", "gzip" }, "accept-encoding: gzip\n" },
  { { "accept-encoding" }, { "Accept-Language", "de" }, "accept-encoding:\n" },
  /* An empty header is not an absent one. */
  { { "accept-encoding" }, { "Accept-Encoding", "" }, "accept-encoding: \n" },
  { { "accept-encoding" }, { "Accept-Encoding", " \t " }, "accept-encoding: \n" },
  /* Two lines are one list; whitespace is normalised, nothing else. */
  { { "accept-encoding" }, { "Accept-Encoding", "gzip", "Accept-Encoding", "br" },
    "accept-encoding: gzip, br\n" },
  { { "accept-encoding" }, { "Accept-Encoding", "  gzip,\t \tbr  " },
    "accept-encoding: gzip, br\n" },
  { { "accept-encoding" }, { "Accept-Encoding", "gzip,br" }, "accept-encoding: gzip,br\n" },
  { { "accept-encoding" }, { "Accept-Encoding", "GZIP" }, "accept-encoding: GZIP\n" },
  /* Each name in the order given, present or not. */
  { { "accept-language", "origin", "accept-encoding" },
    { "Accept-Encoding", "gzip", "Accept-Language", "de, en;q=0.5" },
    "accept-language: de, en;q=0.5\norigin:\naccept-encoding: gzip\n" },
  { { NULL }, { "Accept-Encoding", "gzip" }, "" },
};

static void
test_variant (void)
{
  g_autoptr(SoupMessageHeaders) spaced = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMessageHeaders) tight = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMessageHeaders) other = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  const char *const names[] = { "accept-encoding", NULL };
  g_autofree char *spaced_variant = NULL;
  g_autofree char *tight_variant = NULL;
  g_autofree char *other_variant = NULL;
  g_autofree char *no_names = NULL;

  g_test_summary ("The variant of a request (RFC 9111, 4.1): \"name: value\" for each "
                  "name Vary gives, values as lists with their whitespace normalised, "
                  "\"name:\" when absent, \"\" for no names");

  for (gsize i = 0; i < G_N_ELEMENTS (variant_cases); i++)
    {
      const VariantCase *c = &variant_cases[i];
      g_autoptr(SoupMessageHeaders) headers =
        soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      g_autofree char *variant = NULL;

      for (gsize j = 0; j + 1 < G_N_ELEMENTS (c->headers) && c->headers[j] != NULL; j += 2)
        soup_message_headers_append (headers, c->headers[j], c->headers[j + 1]);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->variant);
      variant = _cacheit_http_variant (c->names[0] != NULL ? c->names : NULL, headers);
      g_assert_cmpstr (variant, ==, c->variant);
    }

  /* No names: "", not NULL, with headers or without. */
  no_names = _cacheit_http_variant (NULL, NULL);
  g_assert_cmpstr (no_names, ==, "");

  /* Two requests are of one variant when their strings are equal. */
  soup_message_headers_append (spaced, "Accept-Encoding", "gzip,   br");
  soup_message_headers_append (tight, "accept-encoding", "gzip, br");
  soup_message_headers_append (other, "Accept-Encoding", "br, gzip");
  spaced_variant = _cacheit_http_variant (names, spaced);
  tight_variant = _cacheit_http_variant (names, tight);
  other_variant = _cacheit_http_variant (names, other);
  g_assert_cmpstr (spaced_variant, ==, tight_variant);
  g_assert_cmpstr (spaced_variant, !=, other_variant);
}

/* HTTP-dates */

typedef struct
{
  const char *value;
  gint64      unix_time;
} DateCase;

/* Read with now at NOW, in 1994. */
static const DateCase date_cases[] = {
  /* The three forms of RFC 9110, 5.6.7, one moment. */
  { "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
  { "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
  { "Sun Nov  6 08:49:37 1994", 784111777 },
  { "Sun Nov 06 08:49:37 1994", 784111777 },

  /* The bounds of each field, leap days, every day name. */
  { "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
  { "Sun, 06 Nov 1994 00:00:00 GMT", 784080000 },
  { "Sun, 06 Nov 1994 23:59:59 GMT", 784166399 },
  { "Mon, 07 Nov 1994 08:49:37 GMT", 784198177 },
  { "Thu, 29 Feb 1996 00:00:00 GMT", 825552000 },
  { "Tue, 29 Feb 2000 23:59:59 GMT", 951868799 },
  { "Tue, 19 Jan 2038 03:14:08 GMT", G_GINT64_CONSTANT (2147483648) },
  { "Wed, 28 Feb 1900 00:00:00 GMT", G_GINT64_CONSTANT (-2203977600) },
  { "Mon, 01 Jan 0001 00:00:00 GMT", G_GINT64_CONSTANT (-62135596800) },
  { "Fri, 31 Dec 9999 23:59:59 GMT", G_GINT64_CONSTANT (253402300799) },
  { "Thursday, 29-Feb-96 00:00:00 GMT", 825552000 },
  { "Thu Feb 29 00:00:00 1996", 825552000 },
  { "Sat Jan  1 00:00:00 1977", 220924800 },
  { "Tue Jan  1 00:00:00 2075", G_GINT64_CONSTANT (3313526400) },
};

/* None of these is an HTTP-date, though libsoup reads most of them. */
static const char *const invalid_dates[] = {
  "",
  "0",
  "-1",
  "784111777",
  "tomorrow",
  "1994-11-06T08:49:37Z",

  /* Other zones, or none. */
  "Sun, 06 Nov 1994 08:49:37 UTC",
  "Sun, 06 Nov 1994 18:49:37 AEST",
  "Sun, 06 Nov 1994 08:49:37 +0000",
  "Sun, 06 Nov 1994 08:49:37 GMT+0",
  "Sun, 06 Nov 1994 08:49:37 gmt",
  "Sun, 06 Nov 1994 08:49:37",
  "Thu, 01 Jan 1970 00:00:00 UTC",
  "Sunday, 06-Nov-94 08:49:37 UTC",
  "Sunday, 06-Nov-94 08:49:37",
  "Sun Nov  6 08:49:37 1994 GMT",

  /* Spaces and commas: missing, extra, leading, trailing, tabs. */
  "Sun 06 Nov 1994 08:49:37 GMT",
  "Sun,06 Nov 1994 08:49:37 GMT",
  "Sun,  06 Nov 1994 08:49:37 GMT",
  "Sun, 06  Nov 1994 08:49:37 GMT",
  "Sun, 06 Nov 1994  08:49:37 GMT",
  "Sun, 06 Nov 1994 08:49:37  GMT",
  " Sun, 06 Nov 1994 08:49:37 GMT",
  "Sun, 06 Nov 1994 08:49:37 GMT ",
  "Sun, 06 Nov 1994 08:49:37 GMT\n",
  "Sun,\t06 Nov 1994 08:49:37 GMT",
  "Sunday 06-Nov-94 08:49:37 GMT",
  "Sunday,06-Nov-94 08:49:37 GMT",
  "Sun Nov 6 08:49:37 1994",
  "Sun  Nov  6 08:49:37 1994",
  "Sun Nov   6 08:49:37 1994",
  "Sun Nov  6 08:49:37  1994",
  " Sun Nov  6 08:49:37 1994",
  "Sun Nov  6 08:49:37 1994 ",
  "Sun, Nov  6 08:49:37 1994",

  /* Two Expires lines, as soup_message_headers_get_list() joins them. */
  "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",

  /* Fields of the wrong width or form. */
  "Sun, 6 Nov 1994 08:49:37 GMT",
  "Sun, 006 Nov 1994 08:49:37 GMT",
  "Sun, 06 Nov 94 08:49:37 GMT",
  "Sun, 06 Nov 01994 08:49:37 GMT",
  "Sun, 06 Nov 1994 8:49:37 GMT",
  "Sun, 06 Nov 1994 08:9:37 GMT",
  "Sun, 06 Nov 1994 08:49:7 GMT",
  "Sun, 06 Nov 1994 08:49 GMT",
  "Sun, 06 Nov 1994 08.49.37 GMT",
  "Sun, 06-Nov-1994 08:49:37 GMT",
  "Sun, 06 November 1994 08:49:37 GMT",
  "Sun, +6 Nov 1994 08:49:37 GMT",
  "Sunday, 06-Nov-1994 08:49:37 GMT",
  "Sunday, 06 Nov 94 08:49:37 GMT",
  "Sunday, 6-Nov-94 08:49:37 GMT",
  "Sunday, 06-Nov-94 8:49:37 GMT",
  "Sun Nov  6 8:49:37 1994",
  "Sun Nov  6 08:49:37 94",
  "Sun Nov 6  08:49:37 1994",

  /* Names: long where short, short where long, case, other languages. */
  "Sunday, 06 Nov 1994 08:49:37 GMT",
  "Sun, 06-Nov-94 08:49:37 GMT",
  "Sunday Nov  6 08:49:37 1994",
  "sun, 06 Nov 1994 08:49:37 GMT",
  "SUN, 06 Nov 1994 08:49:37 GMT",
  "Sun, 06 nov 1994 08:49:37 GMT",
  "Sun, 06 NOV 1994 08:49:37 GMT",
  "sunday, 06-Nov-94 08:49:37 GMT",
  "Sun, 06 Noe 1994 08:49:37 GMT",
  "Son, 06 Nov 1994 08:49:37 GMT",
  "Sun Nov  6 08:49:37 1994\xc2\xa0",

  /* A day name that is not the date's. */
  "Mon, 06 Nov 1994 08:49:37 GMT",
  "Monday, 06-Nov-94 08:49:37 GMT",
  "Sat Nov  6 08:49:37 1994",

  /* No such date, or time. */
  "Sat, 31 Feb 1996 00:00:00 GMT",
  "Sun, 29 Feb 1995 00:00:00 GMT",
  "Thu, 29 Feb 1900 00:00:00 GMT",
  "Thu, 31 Nov 1994 00:00:00 GMT",
  "Sat, 00 Nov 1994 00:00:00 GMT",
  "Sun, 32 Nov 1994 00:00:00 GMT",
  "Mon, 07 Nov 1994 24:00:00 GMT",
  "Sun, 06 Nov 1994 08:60:00 GMT",
  "Sun, 06 Nov 1994 08:49:60 GMT",
  "Sun, 06 Nov 1994 08:49:61 GMT",
  "Sun, 06 Nov 1994 99:99:99 GMT",
  "Sat, 01 Jan 0000 00:00:00 GMT",
  "Sun Nov  0 08:49:37 1994",
};

typedef struct
{
  gint64      now;
  const char *value;
  gint64      unix_time;   /* 0 for none. */
} CenturyCase;

/* 2026-12-02 17:00:00 and 2099-06-01 12:00:00, in Unix time. */
#define NOW_2026 G_GINT64_CONSTANT (1796230800)
#define NOW_2099 G_GINT64_CONSTANT (4083998400)

static const CenturyCase century_cases[] = {
  /* Up to 50 years ahead: this century, or the next. */
  { NOW_2026, "Wednesday, 02-Dec-26 17:00:00 GMT", G_GINT64_CONSTANT (1796230800) },
  { NOW_2026, "Tuesday, 01-Jan-75 00:00:00 GMT", G_GINT64_CONSTANT (3313526400) },
  { NOW_2026, "Wednesday, 02-Dec-76 17:00:00 GMT", G_GINT64_CONSTANT (3374154000) },
  { NOW_2026, "Saturday, 01-Jan-00 00:00:00 GMT", G_GINT64_CONSTANT (946684800) },
  { NOW_2099, "Friday, 01-Jan-00 00:00:00 GMT", G_GINT64_CONSTANT (4102444800) },
  { NOW_2099, "Sunday, 01-Jun-49 12:00:00 GMT", G_GINT64_CONSTANT (5661835200) },

  /* More than 50 years ahead, if only by a second: the century before. */
  { NOW_2026, "Thursday, 02-Dec-76 17:00:01 GMT", G_GINT64_CONSTANT (218394001) },
  { NOW_2026, "Friday, 03-Dec-76 00:00:00 GMT", G_GINT64_CONSTANT (218419200) },
  { NOW_2026, "Saturday, 01-Jan-77 00:00:00 GMT", G_GINT64_CONSTANT (220924800) },
  { NOW_2026, "Friday, 31-Dec-99 23:59:59 GMT", G_GINT64_CONSTANT (946684799) },
  { NOW_2099, "Wednesday, 01-Jun-50 12:00:01 GMT", G_GINT64_CONSTANT (2537697601) },

  /* The day name and the date are checked in the year chosen: 2076's
   * 2 December is a Wednesday, 1976's a Thursday; 2000 has a 29
   * February, 2100 none. */
  { NOW_2026, "Wednesday, 02-Dec-76 17:00:01 GMT", 0 },
  { NOW_2026, "Tuesday, 29-Feb-00 23:59:59 GMT", G_GINT64_CONSTANT (951868799) },
  { NOW_2099, "Tuesday, 29-Feb-00 23:59:59 GMT", 0 },
  { NOW_2099, "Monday, 29-Feb-00 23:59:59 GMT", 0 },
};

static void
test_parse_date (void)
{
  g_autoptr(GDateTime) now = fixed_now ();

  g_test_summary ("HTTP-dates (RFC 9110, 5.6.7): the IMF-fixdate, rfc850-date and "
                  "asctime-date forms and nothing else, GMT only, a valid date whose "
                  "day name is its own");

  for (gsize i = 0; i < G_N_ELEMENTS (date_cases); i++)
    {
      const DateCase *c = &date_cases[i];
      g_autoptr(GDateTime) date = _cacheit_http_parse_date (c->value, now);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->value);
      g_assert_nonnull (date);
      g_assert_cmpint (g_date_time_to_unix (date), ==, c->unix_time);
      g_assert_cmpint (g_date_time_get_utc_offset (date), ==, 0);
      g_assert_cmpint (g_date_time_get_microsecond (date), ==, 0);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (invalid_dates); i++)
    {
      g_autoptr(GDateTime) date = _cacheit_http_parse_date (invalid_dates[i], now);

      g_test_message ("invalid %" G_GSIZE_FORMAT ": \"%s\"", i, invalid_dates[i]);
      g_assert_null (date);
    }

  g_assert_null (_cacheit_http_parse_date (NULL, now));
  g_assert_null (_cacheit_http_parse_date (NULL, NULL));
}

static void
test_parse_date_century (void)
{
  g_test_summary ("An rfc850-date's two-digit year is of the latest century that puts "
                  "it no more than 50 years after now (RFC 9110, 5.6.7)");

  for (gsize i = 0; i < G_N_ELEMENTS (century_cases); i++)
    {
      const CenturyCase *c = &century_cases[i];
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (c->now);
      g_autoptr(GDateTime) date = _cacheit_http_parse_date (c->value, now);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->value);
      if (c->unix_time == 0)
        {
          g_assert_null (date);
          continue;
        }
      g_assert_nonnull (date);
      g_assert_cmpint (g_date_time_to_unix (date), ==, c->unix_time);
    }
}

static void
test_parse_date_now (void)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (NOW_2026);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-10 * 3600);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) fixdate = _cacheit_http_parse_date ("Sun, 06 Nov 1994 08:49:37 GMT", NULL);
  g_autoptr(GDateTime) rfc850 = NULL;

  g_test_summary ("The forms with a four-digit year need no time; an rfc850-date's "
                  "century counts from now in UTC, whatever the zone it is given in");

  g_assert_nonnull (fixdate);
  g_assert_cmpint (g_date_time_to_unix (fixdate), ==, 784111777);

  /* At 07:00 on 2 December 2026 in UTC-10, 50 years later is 17:00 UTC. */
  rfc850 = _cacheit_http_parse_date ("Wednesday, 02-Dec-76 17:00:00 GMT", local);
  g_assert_nonnull (rfc850);
  g_assert_cmpint (g_date_time_to_unix (rfc850), ==, G_GINT64_CONSTANT (3374154000));
  g_clear_pointer (&rfc850, g_date_time_unref);
  rfc850 = _cacheit_http_parse_date ("Thursday, 02-Dec-76 17:00:01 GMT", local);
  g_assert_nonnull (rfc850);
  g_assert_cmpint (g_date_time_to_unix (rfc850), ==, G_GINT64_CONSTANT (218394001));
}

/* Transient errors and statuses */

typedef struct
{
  GQuark    (*domain) (void);
  int         code;
  gboolean    transient;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, TRUE },
  { g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, TRUE },
  { g_io_error_quark, G_IO_ERROR_BROKEN_PIPE, TRUE },
  { g_io_error_quark, G_IO_ERROR_TIMED_OUT, TRUE },
  { g_io_error_quark, G_IO_ERROR_PARTIAL_INPUT, TRUE },
  { g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, TRUE },
  { g_io_error_quark, G_IO_ERROR_HOST_UNREACHABLE, TRUE },
  { g_resolver_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, TRUE },

  { g_io_error_quark, G_IO_ERROR_FAILED, FALSE },
  { g_io_error_quark, G_IO_ERROR_CANCELLED, FALSE },
  { g_io_error_quark, G_IO_ERROR_NOT_FOUND, FALSE },
  { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, FALSE },
  { g_io_error_quark, G_IO_ERROR_PROXY_FAILED, FALSE },
  { g_io_error_quark, G_IO_ERROR_NOT_CONNECTED, FALSE },
  { g_io_error_quark, G_IO_ERROR_MESSAGE_TOO_LARGE, FALSE },
  { g_io_error_quark, G_IO_ERROR_INVALID_DATA, FALSE },
  { g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, FALSE },
  { g_resolver_error_quark, G_RESOLVER_ERROR_INTERNAL, FALSE },
  { g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, FALSE },
  { g_tls_error_quark, G_TLS_ERROR_EOF, FALSE },
  { soup_session_error_quark, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, FALSE },
  { cacheit_error_quark, CACHEIT_ERROR_HTTP_STATUS, FALSE },

  /* The codes of transient GIO errors, in other domains. */
  { cacheit_error_quark, G_IO_ERROR_CONNECTION_REFUSED, FALSE },
  { g_tls_error_quark, G_IO_ERROR_TIMED_OUT, FALSE },
  { g_resolver_error_quark, G_IO_ERROR_CONNECTION_REFUSED, FALSE },
  { g_io_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, FALSE },
};

static void
test_error_transient (void)
{
  g_test_summary ("Refused, closed and timed out connections, partial reads, unreachable "
                  "networks and hosts and temporary resolver failures are transient; "
                  "nothing else, and no other domain, is");

  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(GError) error = g_error_new_literal (c->domain (), c->code, "error");

      g_test_message ("case %" G_GSIZE_FORMAT ": %s %d", i, g_quark_to_string (error->domain), c->code);
      g_assert_cmpint (_cacheit_http_error_is_transient (error), ==, c->transient);
    }
}

typedef struct
{
  guint     status;
  gboolean  transient;
} StatusCase;

static const StatusCase status_cases[] = {
  { SOUP_STATUS_REQUEST_TIMEOUT, TRUE },
  { 429, TRUE },
  { SOUP_STATUS_BAD_GATEWAY, TRUE },
  { SOUP_STATUS_SERVICE_UNAVAILABLE, TRUE },
  { SOUP_STATUS_GATEWAY_TIMEOUT, TRUE },

  { SOUP_STATUS_NONE, FALSE },
  { SOUP_STATUS_OK, FALSE },
  { SOUP_STATUS_NO_CONTENT, FALSE },
  { SOUP_STATUS_NOT_MODIFIED, FALSE },
  { SOUP_STATUS_TEMPORARY_REDIRECT, FALSE },
  { SOUP_STATUS_BAD_REQUEST, FALSE },
  { SOUP_STATUS_UNAUTHORIZED, FALSE },
  { SOUP_STATUS_FORBIDDEN, FALSE },
  { SOUP_STATUS_NOT_FOUND, FALSE },
  { SOUP_STATUS_CONFLICT, FALSE },
  { SOUP_STATUS_PRECONDITION_FAILED, FALSE },
  { 425, FALSE },
  { SOUP_STATUS_INTERNAL_SERVER_ERROR, FALSE },
  { SOUP_STATUS_NOT_IMPLEMENTED, FALSE },
  { SOUP_STATUS_HTTP_VERSION_NOT_SUPPORTED, FALSE },
  { 599, FALSE },
  { 999, FALSE },
  { G_MAXUINT, FALSE },
};

static void
test_status_transient (void)
{
  g_test_summary ("408, 429, 502, 503 and 504 are transient, and no other status");

  for (gsize i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      g_test_message ("case %" G_GSIZE_FORMAT ": %u", i, status_cases[i].status);
      g_assert_cmpint (_cacheit_http_status_is_transient (status_cases[i].status), ==,
                       status_cases[i].transient);
    }

  /* Every status of the table above is all there is. */
  for (guint status = 0; status < 1000; status++)
    {
      gboolean transient = status == 408 || status == 429 ||
                           (status >= 502 && status <= 504);

      g_assert_cmpint (_cacheit_http_status_is_transient (status), ==, transient);
    }
}

/* Retry-After */

typedef struct
{
  const char *value;
  gint64      ms;
} RetryAfterCase;

static const RetryAfterCase retry_after_cases[] = {
  { NULL, -1 },

  /* Seconds. */
  { "0", 0 },
  { "1", 1000 },
  { "120", 120000 },
  { "300", 300000 },
  { "301", 301000 },
  { "007", 7000 },
  { "2147483647", G_GINT64_CONSTANT (2147483647000) },

  /* Neither seconds nor a date. */
  { "", -1 },
  { "-1", -1 },
  { "+5", -1 },
  { "1.5", -1 },
  { "5s", -1 },
  { " 5", -1 },
  { "0x10", -1 },
  { "2147483648", -1 },
  { "soon", -1 },

  /* HTTP dates, from now; the past is 0. */
  { NOW_PLUS_30, 30000 },
  { NOW_PLUS_120, 120000 },
  { NOW, 0 },
  { NOW_MINUS_60, 0 },
  { "Sunday, 06-Nov-94 08:50:07 GMT", 30000 },
  { "Sun Nov  6 08:50:07 1994", 30000 },
  { "Mon, 07 Nov 1994 08:49:37 GMT", G_GINT64_CONSTANT (86400000) },

  /* Dates as strictly as Expires (RFC 9110, 5.6.7). */
  { "Sun, 06 Nov 1994 08:50:07 UTC", -1 },
  { "Sun, 06 Nov 94 08:50:07 GMT", -1 },
  { "Sun 06 Nov 1994 08:50:07 GMT", -1 },
  { "Sun, 06 Nov 1994 8:50:07 GMT", -1 },
  { "Mon, 06 Nov 1994 08:50:07 GMT", -1 },
};

static void
test_retry_after (void)
{
  g_autoptr(GDateTime) now = fixed_now ();

  g_test_summary ("Retry-After as seconds (0 to G_MAXINT) or as an HTTP-date from now "
                  "(RFC 9110, 10.2.3 and 5.6.7), in milliseconds; -1 for anything else");

  for (gsize i = 0; i < G_N_ELEMENTS (retry_after_cases); i++)
    {
      const RetryAfterCase *c = &retry_after_cases[i];

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->value);
      g_assert_cmpint (_cacheit_http_retry_after_ms (c->value, now), ==, c->ms);
    }
}

/* Rate limits */

typedef struct
{
  guint       status;
  const char *retry_after;
  const char *remaining;
  const char *reset;
  const char *draft_reset;
  gint64      ms;
} RateLimitCase;

static void
test_rate_limit (void)
{
  g_autoptr(GDateTime) now = fixed_now ();
  g_autofree char *in_an_hour = g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (now) + 3600);
  g_autofree char *an_hour_ago = g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (now) - 3600);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 90);
  g_autofree char *iso_later = g_date_time_format_iso8601 (later);
  const RateLimitCase cases[] = {
    /* Not a rate limit. */
    { 200, "5", NULL, NULL, NULL, -1 },
    { 503, "5", NULL, NULL, NULL, -1 },
    { 403, NULL, NULL, in_an_hour, NULL, -1 },
    { 403, NULL, "1", in_an_hour, NULL, -1 },
    /* 429: Retry-After first, then the resets, then the fallback. */
    { 429, "5", NULL, in_an_hour, NULL, 5000 },
    { 429, NOW_PLUS_30, NULL, NULL, NULL, 30000 },
    { 429, NULL, NULL, in_an_hour, NULL, 3600000 },
    { 429, NULL, NULL, "60", NULL, 60000 },
    { 429, NULL, NULL, iso_later, NULL, 90000 },
    { 429, NULL, NULL, NULL, "7", 7000 },
    { 429, NULL, NULL, NULL, NULL, 1000 },
    { 429, "soon", NULL, "later", NULL, 1000 },
    /* GitHub's primary limit; a reset in the past is 0. */
    { 403, NULL, "0", in_an_hour, NULL, 3600000 },
    { 403, NULL, "0", an_hour_ago, NULL, 0 },
    { 403, NULL, "0", NULL, NULL, 1000 },
  };

  g_test_summary ("A 429, or a 403 with X-RateLimit-Remaining: 0, pauses for Retry-After, "
                  "else X-RateLimit-Reset (Unix seconds, seconds, ISO 8601), else "
                  "RateLimit-Reset, else the fallback; any other answer is no rate limit");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const RateLimitCase *c = &cases[i];
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

      if (c->retry_after != NULL)
        soup_message_headers_append (headers, "Retry-After", c->retry_after);
      if (c->remaining != NULL)
        soup_message_headers_append (headers, "X-RateLimit-Remaining", c->remaining);
      if (c->reset != NULL)
        soup_message_headers_append (headers, "X-RateLimit-Reset", c->reset);
      if (c->draft_reset != NULL)
        soup_message_headers_append (headers, "RateLimit-Reset", c->draft_reset);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_cmpint (_cacheit_http_rate_limit_ms (c->status, headers, now, 1000), ==, c->ms);
    }
}

static void
test_retry_after_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_minutes (now, 2);
  g_autofree char *value = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  gint64 ms;

  g_test_summary ("With no time given, a Retry-After date counts from the current time");

  ms = _cacheit_http_retry_after_ms (value, NULL);
  g_assert_cmpint (ms, <=, 120000);
  g_assert_cmpint (ms, >=, 120000 - 60000);

  g_assert_cmpint (_cacheit_http_retry_after_ms (NOW, NULL), ==, 0);
  g_assert_cmpint (_cacheit_http_retry_after_ms ("5", NULL), ==, 5000);
}

/* Backoff */

typedef struct
{
  guint   attempt;
  guint   base_delay_ms;
  gint64  max_ms;
  double  fraction;
  gint64  ms;
} BackoffCase;

static const BackoffCase backoff_cases[] = {
  /* The default delay, doubled each attempt, in the upper half. */
  { 0, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 500 },
  { 0, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.5, 750 },
  { 0, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 1000 },
  { 1, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 1000 },
  { 1, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 2000 },
  { 2, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 2000 },
  { 2, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.25, 2500 },
  { 2, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 4000 },
  { 5, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 16000 },
  { 5, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 32000 },

  /* The cap, from the attempt that would pass it. */
  { 6, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 30000 },
  { 6, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 60000 },
  { 10, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.5, 45000 },
  { 64, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 60000 },
  { G_MAXUINT, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 60000 },
  { 0, G_MAXUINT, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 30000 },
  { 0, 60000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 60000 },
  { 0, 60001, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 60000 },
  { 3, 100, 500, 1.0, 500 },

  /* Small and zero delays; milliseconds are truncated. */
  { 0, 1, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 0 },
  { 0, 1, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 1 },
  { 0, 3, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0, 1 },
  { 0, 0, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 0 },
  { 20, 0, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0, 0 },
  { 0, 1000, 0, 1.0, 0 },
};

static void
test_backoff (void)
{
  g_test_summary ("The backoff doubles the base delay each attempt up to the cap, and "
                  "the random fraction places it in the upper half");

  for (gsize i = 0; i < G_N_ELEMENTS (backoff_cases); i++)
    {
      const BackoffCase *c = &backoff_cases[i];

      g_test_message ("case %" G_GSIZE_FORMAT ": attempt %u, base %u, max %" G_GINT64_FORMAT ", fraction %g",
                      i, c->attempt, c->base_delay_ms, c->max_ms, c->fraction);
      g_assert_cmpint (_cacheit_http_backoff_ms (c->attempt, c->base_delay_ms, c->max_ms, c->fraction),
                       ==, c->ms);
    }
}

typedef struct
{
  guint       attempt;
  guint       retry_limit;
  guint       base_delay_ms;
  const char *retry_after;
  double      fraction;
  gint64      ms;
} RetryCase;

static const RetryCase retry_cases[] = {
  /* No attempts left: none, whatever the server asks. */
  { 0, 0, 1000, NULL, 1.0, -1 },
  { 3, 3, 1000, NULL, 1.0, -1 },
  { 3, 3, 1000, "1", 1.0, -1 },
  { G_MAXUINT, G_MAXUINT, 1000, NULL, 1.0, -1 },

  /* The backoff, without Retry-After or with one that is not one. */
  { 0, 3, 1000, NULL, 0.0, 500 },
  { 0, 3, 1000, NULL, 1.0, 1000 },
  { 2, 3, 1000, NULL, 1.0, 4000 },
  { 2, 3, 1000, "soon", 1.0, 4000 },
  { 2, 3, 1000, "-1", 0.0, 2000 },

  /* What Retry-After asks for, in place of the backoff, up to the limit
   * worth waiting for; longer ends the retries. */
  { 0, 3, 1000, "0", 1.0, 0 },
  { 0, 3, 1000, "7", 0.0, 7000 },
  { 2, 3, 1000, "300", 1.0, CACHEIT_HTTP_MAX_RETRY_AFTER_MS },
  { 2, 3, 1000, "301", 1.0, -1 },
  { 0, 3, 1000, "Wed, 02 Dec 2026 17:00:10 GMT", 1.0, 10000 },
  { 0, 3, 1000, "Wed, 02 Dec 2026 16:00:00 GMT", 1.0, 0 },
  { 0, 3, 1000, "Wed, 02 Dec 2026 18:00:00 GMT", 1.0, -1 },
};

static void
test_retry_delay (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 12, 2, 17, 0, 0);

  g_test_summary ("A failed attempt is retried while attempts are left, after what "
                  "Retry-After asks for when it is not too long, else after the backoff");

  for (gsize i = 0; i < G_N_ELEMENTS (retry_cases); i++)
    {
      const RetryCase *c = &retry_cases[i];

      g_test_message ("case %" G_GSIZE_FORMAT ": attempt %u of %u, Retry-After %s",
                      i, c->attempt, c->retry_limit, c->retry_after != NULL ? c->retry_after : "(none)");
      g_assert_cmpint (_cacheit_http_retry_delay_ms (c->attempt, c->retry_limit, c->base_delay_ms,
                                                     c->retry_after, now, c->fraction),
                       ==, c->ms);
    }
}

static void
test_backoff_growth (void)
{
  gint64 previous_low = 0;
  gint64 previous_high = 0;

  g_test_summary ("Each attempt waits at least as long as the one before, never over "
                  "the cap, and a Retry-After may ask for more than the cap of backoffs");

  g_assert_cmpint (CACHEIT_HTTP_MAX_BACKOFF_MS, ==, 60 * 1000);
  g_assert_cmpint (CACHEIT_HTTP_MAX_RETRY_AFTER_MS, ==, 300 * 1000);
  g_assert_cmpint (CACHEIT_HTTP_MAX_BACKOFF_MS, <, CACHEIT_HTTP_MAX_RETRY_AFTER_MS);

  for (guint attempt = 0; attempt < 40; attempt++)
    {
      gint64 low = _cacheit_http_backoff_ms (attempt, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 0.0);
      gint64 high = _cacheit_http_backoff_ms (attempt, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, 1.0);

      g_assert_cmpint (low, >=, previous_low);
      g_assert_cmpint (high, >=, previous_high);
      g_assert_cmpint (low * 2, ==, high);
      g_assert_cmpint (high, <=, CACHEIT_HTTP_MAX_BACKOFF_MS);

      /* Any fraction in between lands in between. */
      for (double fraction = 0.0; fraction < 1.0; fraction += 0.125)
        {
          gint64 ms = _cacheit_http_backoff_ms (attempt, 1000, CACHEIT_HTTP_MAX_BACKOFF_MS, fraction);

          g_assert_cmpint (ms, >=, low);
          g_assert_cmpint (ms, <=, high);
        }

      previous_low = low;
      previous_high = high;
    }

  g_assert_cmpint (previous_high, ==, CACHEIT_HTTP_MAX_BACKOFF_MS);
}

/* May-store */

typedef struct
{
  CacheitSnapshotPolicy  policy;
  gboolean               authorized;
  const char            *cache_control;    /* A second line after a '\n'. */
  gboolean               may_store;
} MayStoreCase;

static const MayStoreCase may_store_cases[] = {
  /* All: everything, private or authorized, but no-store. */
  { CACHEIT_SNAPSHOT_ALL, FALSE, NULL, TRUE },
  { CACHEIT_SNAPSHOT_ALL, TRUE, NULL, TRUE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "private", TRUE },
  { CACHEIT_SNAPSHOT_ALL, TRUE, "private, max-age=60", TRUE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "no-cache", TRUE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "no-store", FALSE },
  { CACHEIT_SNAPSHOT_ALL, TRUE, "no-store, private", FALSE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "No-Store", FALSE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "public, max-age=60, no-store", FALSE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "max-age=60\nno-store", FALSE },
  { CACHEIT_SNAPSHOT_ALL, FALSE, "x=\"no-store\"", TRUE },

  /* Shareable: what a shared cache may store. */
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, NULL, TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "public, max-age=60", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "no-cache", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "max-age=0, must-revalidate", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "privately", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, NULL, FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "max-age=60", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "publicly", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "no-store", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "private", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "NO-STORE", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "Private", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "private=\"Set-Cookie\"", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "public, max-age=60, no-store", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "max-age=60, private", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "max-age=60\nprivate", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, FALSE, "x=\"private, no-store\", max-age=60", TRUE },

  /* Authorized: only what a shared cache may keep (RFC 9111, 3.5). */
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "public", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "PUBLIC, max-age=60", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "s-maxage=60", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "max-age=60\ns-maxage=0", TRUE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "private, public", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "public, private=\"Set-Cookie\"", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "public, no-store", FALSE },
  { CACHEIT_SNAPSHOT_SHAREABLE, TRUE, "s-maxage=60\nno-store", FALSE },
};

static void
test_may_store (void)
{
  g_test_summary ("No response with no-store may be stored; under the all policy every "
                  "other may; otherwise none with private, nor one to a request with "
                  "Authorization unless it says public or s-maxage (RFC 9111, 3.5); the "
                  "none policy answers as shareable does (no snapshot is written anyway)");

  for (gsize i = 0; i < G_N_ELEMENTS (may_store_cases); i++)
    {
      const MayStoreCase *c = &may_store_cases[i];
      g_auto(GStrv) lines = c->cache_control != NULL ? g_strsplit (c->cache_control, "\n", -1)
                                                     : NULL;
      /* As soup_message_headers_get_list() joins the lines. */
      g_autofree char *list = lines != NULL ? g_strjoinv (", ", lines) : NULL;
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, "https://example.com/a");
      SoupMessageHeaders *response_headers = soup_message_get_response_headers (message);

      g_test_message ("case %" G_GSIZE_FORMAT ": policy %d, authorized %d, Cache-Control %s",
                      i, c->policy, c->authorized, list);
      g_assert_cmpint (_cacheit_http_may_store (c->policy, c->authorized, list), ==, c->may_store);
      if (c->policy == CACHEIT_SNAPSHOT_SHAREABLE)
        g_assert_cmpint (_cacheit_http_may_store (CACHEIT_SNAPSHOT_NONE, c->authorized, list),
                         ==, c->may_store);

      /* From a message: its Authorization, and all its Cache-Control lines. */
      if (c->authorized)
        soup_message_headers_append (soup_message_get_request_headers (message),
                                     "Authorization", "Bearer token");
      for (gsize j = 0; lines != NULL && lines[j] != NULL; j++)
        soup_message_headers_append (response_headers, "Cache-Control", lines[j]);
      g_assert_cmpint (_cacheit_http_message_may_store (c->policy, message), ==, c->may_store);
    }
}

/* Snapshot keys */

typedef struct
{
  const char *url;
  const char *key;
} SnapshotKeyCase;

static const SnapshotKeyCase snapshot_key_cases[] = {
  { "https://example.com/api/a", "https://example.com/api/a" },
  { "http://example.com/", "http://example.com/" },
  { "https://example.com/api/a?x=1&y=2", "https://example.com/api/a?x=1&y=2" },

  /* No user information, no fragment. */
  { "https://user:secret@example.com/api/a", "https://example.com/api/a" },
  { "https://user@example.com/api/a", "https://example.com/api/a" },
  { "https://:secret@example.com/api/a", "https://example.com/api/a" },
  { "https://example.com/api/a#top", "https://example.com/api/a" },
  { "https://example.com/api/a?x=1#top", "https://example.com/api/a?x=1" },
  { "https://user:secret@example.com:8443/api/a?x=1#top", "https://example.com:8443/api/a?x=1" },

  /* As libsoup parses URLs: default ports go, encodings stay. */
  { "https://example.com:443/api/a", "https://example.com/api/a" },
  { "http://example.com:80/api/a", "http://example.com/api/a" },
  { "http://example.com:8080/api/a", "http://example.com:8080/api/a" },
  { "https://example.com/a%20b", "https://example.com/a%20b" },

  /* Not URLs. */
  { NULL, NULL },
  { "", NULL },
  { "/api/a", NULL },
  { "not a url", NULL },

  /* libsoup's relaxed parsing takes a space in a host, and encodes it. */
  { "https://exa mple.com/", "https://exa%20mple.com/" },
};

static void
test_snapshot_key (void)
{
  g_test_summary ("A snapshot key is the URL without its user information and fragment");

  for (gsize i = 0; i < G_N_ELEMENTS (snapshot_key_cases); i++)
    {
      const SnapshotKeyCase *c = &snapshot_key_cases[i];
      g_autofree char *key = _cacheit_http_snapshot_key (c->url);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->url);
      g_assert_cmpstr (key, ==, c->key);
    }
}

typedef struct
{
  const char *url;
  const char *names[4];
  const char *values[4];
  guint       n;
  const char *expected;
} ParamsCase;

static const ParamsCase params_cases[] = {
  /* Added, encoded (a space is %20, UTF-8 and reserved characters too). */
  { "https://example.com/search", { "q" }, { "gnome apps" }, 1,
    "https://example.com/search?q=gnome%20apps" },
  { "https://example.com/s", { "q", "per_page" }, { "a&b=c/d?é", "50" }, 2,
    "https://example.com/s?q=a%26b%3Dc%2Fd%3F%C3%A9&per_page=50" },
  /* Replaced where it was: the others keep their order and their writing. */
  { "https://example.com/s?page=2&q=old&sort=a%20b", { "q" }, { "new" }, 1,
    "https://example.com/s?page=2&q=new&sort=a%20b" },
  { "https://example.com/s?q=a&per_page=50", { "q", "new" }, { "b", "1" }, 2,
    "https://example.com/s?q=b&per_page=50&new=1" },
  /* Removed, with a NULL value; the last one leaves no '?'. */
  { "https://example.com/s?q=old&page=2", { "q" }, { NULL }, 1,
    "https://example.com/s?page=2" },
  { "https://example.com/s?q=old", { "q", "absent" }, { NULL, NULL }, 2,
    "https://example.com/s" },
  /* An array: the name repeated, brackets kept; all old values go. */
  { "https://example.com/s?ids[]=1&x=1&ids[]=2", { "ids[]", "ids[]", "ids[]" }, { "3", "4", "5" }, 3,
    "https://example.com/s?ids[]=3&ids[]=4&ids[]=5&x=1" },
  /* A name written encoded in the URL is the same name. */
  { "https://example.com/s?per%5Fpage=10", { "per_page" }, { "20" }, 1,
    "https://example.com/s?per_page=20" },
  /* The rest of the URL stays: user, port, path, fragment. */
  { "http://u@example.com:8080/a/b/?x=1#top", { "y" }, { "" }, 1,
    "http://u@example.com:8080/a/b/?x=1&y=#top" },
  /* No parameter at all changes nothing. */
  { "https://example.com/s?a=1", { NULL }, { NULL }, 0, "https://example.com/s?a=1" },
  /* Not a URL. */
  { "not a url", { "q" }, { "x" }, 1, NULL },
};

static void
test_url_with_params (void)
{
  g_test_summary ("Query parameters are set, replaced, removed and repeated without string "
                  "building, percent-encoded, leaving the rest of the URL as it was");

  for (gsize i = 0; i < G_N_ELEMENTS (params_cases); i++)
    {
      const ParamsCase *c = &params_cases[i];
      g_autofree char *url = _cacheit_http_url_with_params (c->url, c->n, c->names, c->values);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->url);
      g_assert_cmpstr (url, ==, c->expected);
    }

  g_assert_null (_cacheit_http_url_with_params (NULL, 0, NULL, NULL));
}

static void
test_url_get_param (void)
{
  const char *url = "https://example.com/s?a=1&q=gnome%20apps&q=second&empty=&bare";
  g_autofree char *q = _cacheit_http_url_get_param (url, "q");
  g_autofree char *a = _cacheit_http_url_get_param (url, "a");
  g_autofree char *empty = _cacheit_http_url_get_param (url, "empty");
  g_autofree char *bare = _cacheit_http_url_get_param (url, "bare");
  g_autofree char *none = _cacheit_http_url_get_param (url, "none");
  g_autofree char *no_query = _cacheit_http_url_get_param ("https://example.com/", "q");

  g_test_summary ("The first value of a parameter, decoded");

  g_assert_cmpstr (q, ==, "gnome apps");
  g_assert_cmpstr (a, ==, "1");
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (bare, ==, "");
  g_assert_null (none);
  g_assert_null (no_query);
}

typedef struct
{
  const char *link;
  const char *rel;
  const char *expected;
} LinkCase;

static const LinkCase link_cases[] = {
  /* GitHub's form: several links, each with its relation. */
  { "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
    "<https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"",
    "next", "https://api.github.com/repositories/1/issues?page=2" },
  { "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", "
    "<https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"",
    "last", "https://api.github.com/repositories/1/issues?page=5" },
  /* Mastodon's: a cursor in the target's query, commas in it quoted away
   * by the brackets; relation types compared without case. */
  { "<https://mastodon.social/api/v1/timelines/home?max_id=109,1>; rel=\"Next\", "
    "<https://mastodon.social/api/v1/timelines/home?min_id=110>; rel=\"prev\"",
    "next", "https://mastodon.social/api/v1/timelines/home?max_id=109,1" },
  /* A relative target resolves against the base; rel may list several,
   * unquoted; other parameters are ignored. */
  { "</items?_page=3&_limit=10>; title=\"page 3\"; rel=\"next last\"", "last",
    "http://127.0.0.1:3000/items?_page=3&_limit=10" },
  { "<?page=2>; rel=next", "next", "http://127.0.0.1:3000/items?page=2" },
  /* None of that relation, none at all, or not HTTP(S). */
  { "<https://example.com/?page=1>; rel=\"prev\"", "next", NULL },
  { "", "next", NULL },
  { "garbage; rel=next", "next", NULL },
  { "<ftp://example.com/file>; rel=\"next\"", "next", NULL },
};

static void
test_link_target (void)
{
  g_test_summary ("The target of a relation in a Link header (RFC 8288), resolved "
                  "against the request's URL, for the pages of a list");

  for (gsize i = 0; i < G_N_ELEMENTS (link_cases); i++)
    {
      const LinkCase *c = &link_cases[i];
      g_autofree char *target = _cacheit_http_link_target (c->link, c->rel,
                                                           "http://127.0.0.1:3000/items?_page=1");

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->link);
      g_assert_cmpstr (target, ==, c->expected);
    }

  g_assert_null (_cacheit_http_link_target (NULL, "next", "http://127.0.0.1/"));
  g_assert_null (_cacheit_http_link_target ("<http://a/>; rel=next", "next", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cacheit/http/lifetime", test_lifetime);
  g_test_add_func ("/cacheit/http/lifetime/now", test_lifetime_now);
  g_test_add_func ("/cacheit/http/caching", test_caching);
  g_test_add_func ("/cacheit/http/caching/now", test_caching_now);
  g_test_add_func ("/cacheit/http/vary-names", test_vary_names);
  g_test_add_func ("/cacheit/http/variant", test_variant);
  g_test_add_func ("/cacheit/http/parse-date", test_parse_date);
  g_test_add_func ("/cacheit/http/parse-date/century", test_parse_date_century);
  g_test_add_func ("/cacheit/http/parse-date/now", test_parse_date_now);
  g_test_add_func ("/cacheit/http/transient/error", test_error_transient);
  g_test_add_func ("/cacheit/http/transient/status", test_status_transient);
  g_test_add_func ("/cacheit/http/retry-after", test_retry_after);
  g_test_add_func ("/cacheit/http/retry-after/now", test_retry_after_now);
  g_test_add_func ("/cacheit/http/rate-limit", test_rate_limit);
  g_test_add_func ("/cacheit/http/backoff", test_backoff);
  g_test_add_func ("/cacheit/http/backoff/growth", test_backoff_growth);
  g_test_add_func ("/cacheit/http/retry-delay", test_retry_delay);
  g_test_add_func ("/cacheit/http/may-store", test_may_store);
  g_test_add_func ("/cacheit/http/snapshot-key", test_snapshot_key);
  g_test_add_func ("/cacheit/http/url-with-params", test_url_with_params);
  g_test_add_func ("/cacheit/http/url-get-param", test_url_get_param);
  g_test_add_func ("/cacheit/http/link-target", test_link_target);

  return g_test_run ();
}
