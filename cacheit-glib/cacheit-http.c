/* cacheit-http.c: pure HTTP policy, no resource in sight.
 *
 * The rules a request follows that need nothing but the request and its
 * response: which URLs are fetched or written, which writes may be sent
 * again and where, what a response says of its caching (Cache-Control,
 * Expires, Date, Age, Vary: RFC 9111 as a private cache reads it), which
 * failures and statuses are worth another attempt, how long to wait before
 * it (Retry-After, or exponential backoff), which responses may be kept on
 * disk, the key a snapshot is kept under, and what the server said in the
 * body of an error answer. HTTP-dates are read in cacheit-http-date.c.
 *
 * Every function here takes strings, statuses, errors or headers and returns
 * a value: the unit holds no state, touches no GObject of the library (of it
 * it knows only the CacheitSnapshotPolicy enum) and sends nothing, so
 * tests/test-http.c checks it with tables, without a server or a main loop.
 * The current time and the random part of a backoff are parameters, so that
 * the tests can fix them; the resource passes NULL (now) and
 * g_random_double().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <math.h>

#include "cacheit-http.h"
#include "cacheit-decode.h"
#include "cacheit-error.h"
#include "cacheit-error-private.h"

GUri *
_cacheit_http_check_url (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    {
      g_propagate_error (error, _cacheit_error_new_for_url (CACHEIT_ERROR_NO_URL, NULL, NULL));
      return NULL;
    }

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_propagate_error (error, _cacheit_error_new_for_url (CACHEIT_ERROR_INVALID_URL, NULL, NULL));
      return NULL;
    }

  return g_steal_pointer (&uri);
}

gboolean
_cacheit_http_method_idempotent (const char *method)
{
  return g_strcmp0 (method, SOUP_METHOD_PUT) == 0 ||
         g_strcmp0 (method, SOUP_METHOD_DELETE) == 0 ||
         g_strcmp0 (method, SOUP_METHOD_GET) == 0 ||
         g_strcmp0 (method, SOUP_METHOD_HEAD) == 0;
}

gboolean
_cacheit_http_status_resends (guint status)
{
  return status == SOUP_STATUS_TEMPORARY_REDIRECT || status == SOUP_STATUS_PERMANENT_REDIRECT;
}

GUri *
_cacheit_http_redirect_uri (SoupMessage  *message,
                            GError      **error)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                       "Location");
  g_autoptr(GUri) target = NULL;
  g_autofree char *url = NULL;

  if (location != NULL && *location != '\0')
    target = g_uri_parse_relative (soup_message_get_uri (message), location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL)
    {
      g_autofree char *from = g_uri_to_string_partial (soup_message_get_uri (message), G_URI_HIDE_PASSWORD);
      g_autofree char *safe_url = _cacheit_uri_to_safe_string (from);

      g_propagate_error (error, _cacheit_error_new_http (safe_url, soup_message_get_status (message),
                                                         soup_message_get_reason_phrase (message)));
      return NULL;
    }

  url = g_uri_to_string (target);
  return _cacheit_http_check_url (url, error);
}

/* Caching (RFC 9111) */

/* A delta-seconds value is capped there (RFC 9111, 1.2.2). */
#define DELTA_SECONDS_MAX G_GINT64_CONSTANT (2147483648)

/* @value as delta-seconds (RFC 9111, 1.2.2): digits only, no sign, point
 * or space; DELTA_SECONDS_MAX when larger, however many digits. */
static gboolean
parse_delta_seconds (const char *value,
                     gint64     *seconds)
{
  gint64 result = 0;

  if (value == NULL || *value == '\0')
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      /* Past the cap, the other digits are only checked. */
      if (result < DELTA_SECONDS_MAX)
        result = result * 10 + (*p - '0');
    }

  *seconds = MIN (result, DELTA_SECONDS_MAX);
  return TRUE;
}

/* The value of a directive: a token as written, or a quoted-string without
 * its quotes and escapes. One that opens a quote and does not close it
 * stays as written, quote and all, which no number is. */
static char *
directive_value (const char *value)
{
  GString *unquoted;
  const char *p;

  if (*value != '"')
    return g_strdup (value);

  unquoted = g_string_new (NULL);
  for (p = value + 1; *p != '\0' && *p != '"'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      g_string_append_c (unquoted, *p);
    }
  if (*p != '"' || p[1] != '\0')
    {
      g_string_free (unquoted, TRUE);
      return g_strdup (value);
    }

  return g_string_free (unquoted, FALSE);
}

/* The directives of @cache_control (all its lines, as
 * soup_message_headers_get_list() joins them; NULL for none): lowercased
 * names to their values, NULL for a directive without one. Of a directive
 * given twice the first counts (RFC 9111, 4.2.1), which is why this is not
 * soup_header_parse_param_list(): its table keeps the last. */
static GHashTable *
parse_directives (const char *cache_control)
{
  GHashTable *directives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GSList *items;

  if (cache_control == NULL)
    return directives;

  /* libsoup splits at the commas outside quoted strings, and trims. */
  items = soup_header_parse_list (cache_control);
  for (GSList *l = items; l != NULL; l = l->next)
    {
      const char *item = l->data;
      const char *equals = strchr (item, '=');
      g_autofree char *raw_name = equals != NULL ? g_strndup (item, equals - item)
                                                 : g_strdup (item);
      g_autofree char *name = g_ascii_strdown (g_strchomp (raw_name), -1);

      if (*name == '\0' || g_hash_table_contains (directives, name))
        continue;
      g_hash_table_insert (directives, g_steal_pointer (&name),
                           equals != NULL ? directive_value (equals + 1) : NULL);
    }
  soup_header_free_list (items);

  return directives;
}

static gboolean
has_directive (GHashTable *directives,
               const char *name)
{
  return g_hash_table_contains (directives, name);
}

/* The seconds of the directive @name, or -1 when it is absent or not
 * delta-seconds. */
static gint64
directive_seconds (GHashTable *directives,
                   const char *name)
{
  gint64 seconds;

  if (!parse_delta_seconds (g_hash_table_lookup (directives, name), &seconds))
    return -1;

  return seconds;
}

/* Whether a response of @status that says nothing of its freshness may be
 * reused for a heuristic lifetime (RFC 9110, 15.1; RFC 9111, 4.2.2). */
static gboolean
status_heuristically_cacheable (guint status)
{
  switch (status)
    {
    case 200: case 203: case 204: case 206:
    case 300: case 301: case 308:
    case 404: case 405: case 410: case 414:
    case 501:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The lifetime Expires gives, from Date, or from @now when Date is missing
 * or not a valid HTTP-date; an Expires that is not one is already expired
 * (RFC 9111, 5.3). Both come as soup_message_headers_get_list() joins
 * their lines: two of them are no date. */
static gint64
expires_lifetime (const char *expires,
                  const char *date,
                  GDateTime  *now)
{
  g_autoptr(GDateTime) expires_at = _cacheit_http_parse_date (expires, now);
  g_autoptr(GDateTime) date_at = NULL;

  if (expires_at == NULL)
    return 0;

  date_at = _cacheit_http_parse_date (date, now);
  if (date_at == NULL)
    date_at = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();

  /* An Expires far ahead is a delta of 2^31 at most too (RFC 9111, 1.2.2):
   * found by fuzz-http, year 3988. */
  return CLAMP (g_date_time_difference (expires_at, date_at) / G_TIME_SPAN_SECOND, 0, DELTA_SECONDS_MAX);
}

/* The first member of @list (up to its first comma), without the spaces
 * and tabs around it. */
static char *
first_member (const char *list)
{
  const char *end = strchr (list, ',');

  if (end == NULL)
    end = list + strlen (list);
  while (list < end && (*list == ' ' || *list == '\t'))
    list++;
  while (end > list && (end[-1] == ' ' || end[-1] == '\t'))
    end--;

  return g_strndup (list, end - list);
}

/* The seconds of Age, 0 when there is none: of several (or a list), the
 * first counts (RFC 9111, 5.1); one that is not delta-seconds is ignored. */
static gint64
age_seconds (SoupMessageHeaders *headers)
{
  const char *age = soup_message_headers_get_list (headers, "Age");
  g_autofree char *first = age != NULL ? first_member (age) : NULL;
  gint64 seconds;

  if (!parse_delta_seconds (first, &seconds))
    return 0;

  return seconds;
}

/* Whether the Vary of @headers has "*" among its members. */
static gboolean
varies_on_anything (SoupMessageHeaders *headers)
{
  const char *vary = soup_message_headers_get_list (headers, "Vary");
  GSList *members = vary != NULL ? soup_header_parse_list (vary) : NULL;
  gboolean any = FALSE;

  for (GSList *l = members; l != NULL && !any; l = l->next)
    any = strcmp (l->data, "*") == 0;
  soup_header_free_list (members);

  return any;
}

void
_cacheit_http_caching (guint               status,
                       SoupMessageHeaders *headers,
                       GDateTime          *now,
                       CacheitHttpCaching *caching)
{
  g_autoptr(GHashTable) directives = NULL;
  const char *expires;
  const char *max_age;
  gboolean no_cache;

  g_return_if_fail (headers != NULL);
  g_return_if_fail (caching != NULL);

  directives = parse_directives (soup_message_headers_get_list (headers, "Cache-Control"));
  expires = soup_message_headers_get_list (headers, "Expires");
  no_cache = has_directive (directives, "no-cache");

  /* proxy-revalidate and s-maxage's value are for shared caches. */
  caching->stale_while_revalidate = directive_seconds (directives, "stale-while-revalidate");
  caching->stale_if_error = directive_seconds (directives, "stale-if-error");
  caching->must_revalidate = no_cache || has_directive (directives, "must-revalidate");
  caching->immutable = has_directive (directives, "immutable");
  caching->no_store = has_directive (directives, "no-store");
  caching->is_private = has_directive (directives, "private");
  caching->shareable = has_directive (directives, "public") ||
                       has_directive (directives, "s-maxage");
  caching->vary_any = varies_on_anything (headers);

  /* no-cache, even with field names, is the most restrictive: stale. */
  if (no_cache || caching->no_store)
    caching->lifetime = 0;
  else if (g_hash_table_lookup_extended (directives, "max-age", NULL, (gpointer *) &max_age))
    {
      /* An invalid max-age makes the response stale (RFC 9111, 4.2.1),
       * and Expires is not read in its place. */
      if (!parse_delta_seconds (max_age, &caching->lifetime))
        caching->lifetime = 0;
    }
  else if (expires != NULL)
    caching->lifetime = expires_lifetime (expires, soup_message_headers_get_list (headers, "Date"),
                                          now);
  else
    caching->lifetime = status_heuristically_cacheable (status) ? -1 : 0;

  if (caching->lifetime > 0)
    caching->lifetime = MAX (0, caching->lifetime - age_seconds (headers));
}

gint64
_cacheit_http_lifetime (SoupMessageHeaders *headers,
                        GDateTime          *now)
{
  CacheitHttpCaching caching;

  _cacheit_http_caching (SOUP_STATUS_OK, headers, now, &caching);

  return caching.lifetime;
}

/* Vary (RFC 9111, 4.1) */

char **
_cacheit_http_vary_names (SoupMessageHeaders *headers)
{
  const char *vary = soup_message_headers_get_list (headers, "Vary");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GSList *members;

  if (vary == NULL)
    return NULL;

  members = soup_header_parse_list (vary);
  for (GSList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *name = g_ascii_strdown (l->data, -1);

      if (strcmp (name, "*") == 0 ||
          g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        continue;
      g_ptr_array_add (names, g_steal_pointer (&name));
    }
  soup_header_free_list (members);

  if (names->len == 0)
    return NULL;
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Appends @value with each run of spaces and tabs made one space, and none
 * at either end: "gzip,  br" and "gzip, br" are one value. */
static void
append_normalised (GString    *out,
                   const char *value)
{
  gboolean space = FALSE;

  while (*value == ' ' || *value == '\t')
    value++;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        {
          space = TRUE;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *p);
    }
}

char *
_cacheit_http_variant (const char *const  *names,
                       SoupMessageHeaders *request_headers)
{
  GString *variant = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      const char *value = request_headers != NULL
                          ? soup_message_headers_get_list (request_headers, names[i]) : NULL;

      /* An absent header and an empty one are two variants (RFC 9111,
       * 4.1): "name:" and "name: ". */
      g_string_append_printf (variant, "%s:", names[i]);
      if (value != NULL)
        {
          g_string_append_c (variant, ' ');
          append_normalised (variant, value);
        }
      g_string_append_c (variant, '\n');
    }

  return g_string_free (variant, FALSE);
}

gboolean
_cacheit_http_error_is_transient (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_CONNECTION_CLOSED:   /* Also G_IO_ERROR_BROKEN_PIPE. */
        case G_IO_ERROR_TIMED_OUT:
        case G_IO_ERROR_PARTIAL_INPUT:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_HOST_UNREACHABLE:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
}

gboolean
_cacheit_http_status_is_transient (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_REQUEST_TIMEOUT:
    case 429:   /* Too Many Requests: libsoup 3.2 has no name for it. */
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return TRUE;
    default:
      return FALSE;
    }
}

gint64
_cacheit_http_retry_after_ms (const char *value,
                              GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now_at = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT, &seconds, NULL))
    return (gint64) seconds * 1000;

  now_at = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  when = _cacheit_http_parse_date (value, now_at);
  if (when == NULL)
    return -1;

  return MAX (0, g_date_time_difference (when, now_at) / 1000);
}

/* X-RateLimit-Reset: Unix seconds, seconds from now (a number below half
 * the Unix time of now), or an ISO 8601 date. */
static gint64
rate_limit_reset_ms (const char *value,
                     GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64 / 1000, &seconds, NULL))
    {
      /* Seconds from now are far smaller than the Unix time of now. */
      if ((gint64) seconds < g_date_time_to_unix (now) / 2)
        return (gint64) seconds * 1000;
      return MAX (0, ((gint64) seconds - g_date_time_to_unix (now)) * 1000);
    }

  when = g_date_time_new_from_iso8601 (value, NULL);
  if (when == NULL)
    return -1;

  return MAX (0, g_date_time_difference (when, now) / 1000);
}

gint64
_cacheit_http_rate_limit_ms (guint               status,
                             SoupMessageHeaders *headers,
                             GDateTime          *now,
                             gint64              fallback_ms)
{
  const char *remaining = soup_message_headers_get_one (headers, "X-RateLimit-Remaining");
  g_autoptr(GDateTime) now_at = NULL;
  gint64 pause;

  /* Asked of every answer of a client's requests: most are none. */
  if (status != 429 &&   /* Too Many Requests: libsoup 3.2 has no name for it. */
      !(status == SOUP_STATUS_FORBIDDEN && remaining != NULL && strcmp (remaining, "0") == 0))
    return -1;

  now_at = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();

  pause = _cacheit_http_retry_after_ms (soup_message_headers_get_one (headers, "Retry-After"), now_at);
  if (pause < 0)
    pause = rate_limit_reset_ms (soup_message_headers_get_one (headers, "X-RateLimit-Reset"), now_at);
  if (pause < 0)
    pause = rate_limit_reset_ms (soup_message_headers_get_one (headers, "RateLimit-Reset"), now_at);
  if (pause < 0)
    pause = MAX (0, fallback_ms);

  return pause;
}

gint64
_cacheit_http_backoff_ms (guint  attempt,
                          guint  base_delay_ms,
                          gint64 max_ms,
                          double fraction)
{
  /* Exponential backoff, each pause somewhere in its upper half. */
  double base = MIN ((double) base_delay_ms * exp2 (attempt), (double) max_ms);

  return (gint64) (base / 2 + fraction * base / 2);
}

gboolean
_cacheit_http_may_store (CacheitSnapshotPolicy  policy,
                         gboolean               authorized,
                         const char            *cache_control)
{
  g_autoptr(GHashTable) directives = parse_directives (cache_control);

  /* no-store binds every cache, and the application's policy too. */
  if (has_directive (directives, "no-store"))
    return FALSE;
  if (policy == CACHEIT_SNAPSHOT_ALL)
    return TRUE;

  /* As a shared cache would (RFC 9111, 3.5): never what is private, and
   * an answer to a request with Authorization only when it says that a
   * shared cache may keep it. */
  if (has_directive (directives, "private"))
    return FALSE;
  if (authorized)
    return has_directive (directives, "public") || has_directive (directives, "s-maxage");

  return TRUE;
}

char *
_cacheit_http_item_url (const char *base,
                        const char *id)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) item = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *base_path;

  if (base == NULL || id == NULL)
    return NULL;

  uri = g_uri_parse (base, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    return NULL;

  escaped = g_uri_escape_string (id, NULL, FALSE);
  base_path = g_uri_get_path (uri);
  path = g_str_has_suffix (base_path, "/") ? g_strconcat (base_path, escaped, NULL)
                                           : g_strconcat (base_path, "/", escaped, NULL);
  item = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), g_uri_get_userinfo (uri),
                      g_uri_get_host (uri), g_uri_get_port (uri), path, NULL, NULL);

  return g_uri_to_string (item);
}

char *
_cacheit_http_snapshot_key (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;

  if (uri == NULL)
    return NULL;

  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_FRAGMENT);
}

gint64
_cacheit_http_retry_delay_ms (guint       attempt,
                              guint       retry_limit,
                              guint       base_delay_ms,
                              const char *retry_after,
                              GDateTime  *now,
                              double      fraction)
{
  gint64 delay;

  if (attempt >= retry_limit)
    return -1;

  delay = _cacheit_http_retry_after_ms (retry_after, now);
  if (delay > CACHEIT_HTTP_MAX_RETRY_AFTER_MS)
    return -1;
  if (delay < 0)
    delay = _cacheit_http_backoff_ms (attempt, base_delay_ms, CACHEIT_HTTP_MAX_BACKOFF_MS, fraction);

  return delay;
}

gboolean
_cacheit_http_message_may_store (CacheitSnapshotPolicy  policy,
                                 SoupMessage           *message)
{
  SoupMessageHeaders *request_headers = soup_message_get_request_headers (message);
  SoupMessageHeaders *response_headers = soup_message_get_response_headers (message);

  return _cacheit_http_may_store (policy,
                                  soup_message_headers_get_one (request_headers, "Authorization") != NULL,
                                  soup_message_headers_get_list (response_headers, "Cache-Control"));
}

/* The name of a "name=value" (or "name") part of a query, decoded. */
static char *
param_name (const char *part)
{
  const char *equals = strchr (part, '=');
  g_autofree char *raw = equals != NULL ? g_strndup (part, equals - part) : g_strdup (part);

  return g_uri_unescape_string (raw, NULL);
}

/* Appends to @query the pairs of @names and @values named @name (all of
 * them when @name is NULL) that @done does not have yet, encoded. */
static void
append_params (GString           *query,
               guint              n_params,
               const char *const *names,
               const char *const *values,
               const char        *name,
               gboolean          *done)
{
  for (guint j = 0; j < n_params; j++)
    {
      if (done[j] || (name != NULL && strcmp (names[j], name) != 0))
        continue;

      done[j] = TRUE;
      if (values[j] == NULL)
        continue;

      if (query->len > 0)
        g_string_append_c (query, '&');
      g_string_append_uri_escaped (query, names[j], "[]", FALSE);
      g_string_append_c (query, '=');
      g_string_append_uri_escaped (query, values[j], NULL, FALSE);
    }
}

char *
_cacheit_http_url_with_params (const char        *url,
                               guint              n_params,
                               const char *const *names,
                               const char *const *values)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  g_autoptr(GUri) result = NULL;
  g_autoptr(GString) query = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree gboolean *done = NULL;
  const char *old;

  if (uri == NULL)
    return NULL;

  query = g_string_new (NULL);
  done = g_new0 (gboolean, MAX (n_params, 1));
  old = g_uri_get_query (uri);
  parts = old != NULL && *old != '\0' ? g_strsplit (old, "&", -1) : g_new0 (char *, 1);

  /* A parameter that was there is replaced where it first was, so that a
   * URL keeps its shape as its values change; the others stay as written. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *name = param_name (parts[i]);
      gboolean replaced = FALSE;

      for (guint j = 0; j < n_params && !replaced; j++)
        replaced = name != NULL && strcmp (name, names[j]) == 0;
      if (replaced)
        append_params (query, n_params, names, values, name, done);
      if (replaced || *parts[i] == '\0')
        continue;

      if (query->len > 0)
        g_string_append_c (query, '&');
      g_string_append (query, parts[i]);
    }

  /* New ones go last, in the order given. */
  append_params (query, n_params, names, values, NULL, done);

  result = g_uri_build_with_user (g_uri_get_flags (uri), g_uri_get_scheme (uri),
                                  g_uri_get_user (uri), g_uri_get_password (uri),
                                  g_uri_get_auth_params (uri), g_uri_get_host (uri),
                                  g_uri_get_port (uri), g_uri_get_path (uri),
                                  query->len > 0 ? query->str : NULL, g_uri_get_fragment (uri));

  return g_uri_to_string (result);
}

char *
_cacheit_http_url_get_param (const char *url,
                             const char *name)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  g_auto(GStrv) parts = NULL;
  const char *query;

  if (uri == NULL || (query = g_uri_get_query (uri)) == NULL)
    return NULL;

  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *part_name = param_name (parts[i]);
      const char *equals = strchr (parts[i], '=');

      if (g_strcmp0 (part_name, name) == 0)
        return g_uri_unescape_string (equals != NULL ? equals + 1 : "", NULL);
    }

  return NULL;
}

/* Whether the space-separated relation types of @rels include @rel. */
static gboolean
rels_include (const char *rels,
              const char *rel)
{
  g_auto(GStrv) types = g_strsplit_set (rels, " \t", -1);

  for (guint i = 0; types[i] != NULL; i++)
    if (g_ascii_strcasecmp (types[i], rel) == 0)
      return TRUE;

  return FALSE;
}

/* The links of a Link header: split on the commas that are neither in a
 * quoted string nor in the <…> of a target (which may hold one, as a
 * cursor does). */
static GPtrArray *
split_links (const char *link)
{
  GPtrArray *links = g_ptr_array_new_with_free_func (g_free);
  gboolean in_target = FALSE;
  gboolean in_quotes = FALSE;
  const char *start = link;

  for (const char *p = link;; p++)
    {
      if (*p == '\0' || (*p == ',' && !in_target && !in_quotes))
        {
          g_autofree char *one = g_strstrip (g_strndup (start, p - start));

          if (*one != '\0')
            g_ptr_array_add (links, g_steal_pointer (&one));
          if (*p == '\0')
            break;
          start = p + 1;
        }
      else if (*p == '"' && !in_target)
        in_quotes = !in_quotes;
      else if (*p == '\\' && in_quotes && p[1] != '\0')
        p++;
      else if (*p == '<' && !in_quotes)
        in_target = TRUE;
      else if (*p == '>' && !in_quotes)
        in_target = FALSE;
    }

  return links;
}

char *
_cacheit_http_link_target (const char *link,
                           const char *rel,
                           const char *base_url)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GPtrArray) links = NULL;
  char *target = NULL;

  if (link == NULL || rel == NULL || base_url == NULL)
    return NULL;
  base = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (base == NULL)
    return NULL;

  links = split_links (link);
  for (guint i = 0; i < links->len && target == NULL; i++)
    {
      const char *value = g_ptr_array_index (links, i);
      const char *open = strchr (value, '<');
      const char *close = open != NULL ? strchr (open, '>') : NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *reference = NULL;
      const char *rels;

      if (open == NULL || close == NULL)
        continue;

      params = soup_header_parse_semi_param_list (close + 1);
      rels = g_hash_table_lookup (params, "rel");
      if (rels == NULL || !rels_include (rels, rel))
        continue;

      reference = g_strndup (open + 1, close - open - 1);
      {
        g_autoptr(GUri) resolved = g_uri_parse_relative (base, reference, SOUP_HTTP_URI_FLAGS, NULL);
        g_autofree char *url = resolved != NULL ? g_uri_to_string (resolved) : NULL;
        g_autoptr(GUri) checked = url != NULL ? _cacheit_http_check_url (url, NULL) : NULL;

        if (checked != NULL)
          target = g_steal_pointer (&url);
      }
    }

  return target;
}

/* Error answers: what the server said */

/* The longest server message put into a GError, in characters. */
#define SERVER_MESSAGE_MAX 200

/* The string that is @node, or NULL. */
static const char *
string_of (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The member @name of @node, an object, or NULL. */
static JsonNode *
member (JsonNode   *node,
        const char *name)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_get_member (json_node_get_object (node), name);
}

/* What the server said, where APIs commonly say it, in this order:
 * message (GitHub, GitLab), error_description (OAuth 2), error (Mastodon;
 * or an object with a message, Google), detail and title (RFC 9457, Django
 * REST), the first of errors (a string, or with a message or a detail:
 * JSON:API). */
static const char *
common_message (JsonNode *body)
{
  JsonNode *errors = member (body, "errors");
  JsonNode *first = errors != NULL && JSON_NODE_HOLDS_ARRAY (errors) &&
                    json_array_get_length (json_node_get_array (errors)) > 0
                    ? json_array_get_element (json_node_get_array (errors), 0) : NULL;
  const char *candidates[] = {
    string_of (member (body, "message")),
    string_of (member (body, "error_description")),
    string_of (member (body, "error")),
    string_of (member (member (body, "error"), "message")),
    string_of (member (body, "detail")),
    string_of (member (body, "title")),
    string_of (first),
    string_of (member (first, "message")),
    string_of (member (first, "detail")),
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && *candidates[i] != '\0')
      return candidates[i];

  return NULL;
}

/* @text, valid UTF-8, on one line, without control characters, at most
 * SERVER_MESSAGE_MAX characters: it goes into a sentence, and may be shown. */
static char *
tidy_message (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  glong n = 0;

  for (const char *p = valid; *p != '\0' && n <= SERVER_MESSAGE_MAX; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        c = ' ';
      if (c == ' ' && (out->len == 0 || out->str[out->len - 1] == ' '))
        continue;
      if (n == SERVER_MESSAGE_MAX)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, out->len == 0);
}

GError *
_cacheit_http_error_for_answer (const char *safe_url,
                                guint       status,
                                const char *reason,
                                GBytes     *body,
                                const char *message_pointer)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) at_pointer = NULL;
  g_autofree char *said = NULL;
  const char *text = NULL;
  gsize length = 0;
  /* From the reader: padded for the decoder, which bounds the depth. */
  const char *data = body != NULL ? g_bytes_get_data (body, &length) : NULL;

  if (length > 0)
    root = _cacheit_decode_node (data, length, NULL, CACHEIT_SHAPE_ANY, NULL);
  if (root != NULL && message_pointer != NULL)
    {
      at_pointer = _cacheit_decode_node (data, length, message_pointer, CACHEIT_SHAPE_ANY, NULL);
      text = string_of (at_pointer);
    }
  else if (root != NULL)
    text = common_message (root);
  said = text != NULL ? tidy_message (text) : NULL;

  return _cacheit_error_new_http_answer (safe_url, status, reason, root, said);
}
