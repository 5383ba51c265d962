/* cacheit-http.h: pure HTTP policy, no resource in sight.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

/* For CacheitSnapshotPolicy, the one type of the library used here. */
#include "cacheit-resource.h"

G_BEGIN_DECLS

/* The one URL check of fetches and writes: @url parsed, or NULL with
 * CACHEIT_ERROR_NO_URL (NULL or empty) or CACHEIT_ERROR_INVALID_URL (not an
 * http or https URL with a host). */
GUri     *_cacheit_http_check_url           (const char  *url,
                                             GError     **error);

/* Whether @method may be sent twice with the effect of once (RFC 9110,
 * section 9.2.2): PUT and DELETE among writes, not POST or PATCH. */
gboolean  _cacheit_http_method_idempotent   (const char *method);

/* Whether a write answered @status is sent again, with the same method and
 * body, to its Location (RFC 9110, 15.4.8 and 15.4.9): 307 and 308. */
gboolean  _cacheit_http_status_resends      (guint status);

/* How many times one write follows a 307 or 308. */
#define CACHEIT_HTTP_MAX_WRITE_REDIRECTS 5

/* Where a write answered by @message (a 307 or 308) goes next: its Location
 * resolved against the request's URL, checked as a URL is; NULL with an
 * error when there is none or it is not an HTTP(S) URL. */
GUri     *_cacheit_http_redirect_uri        (SoupMessage  *message,
                                             GError      **error);

/* The URL of the item @id of the collection at @base: its path + "/" + id
 * (escaped), without the query (Backbone's default); NULL when @base or @id
 * is NULL, or @base is not a URL. */
char     *_cacheit_http_item_url            (const char *base,
                                             const char *id);

/* Freshness */

/* How long the server says a response with @headers stays fresh, in seconds
 * from when it arrived: the lifetime _cacheit_http_caching() gives a
 * response of status 200 with them (see CacheitHttpCaching.lifetime); -1
 * when it says nothing (the data then stays fresh: fetched once until
 * someone reloads). */
gint64    _cacheit_http_lifetime            (SoupMessageHeaders *headers,
                                             GDateTime          *now);

/* What a response says of how it may be kept and reused (RFC 9111, with
 * RFC 5861's stale-while-revalidate and stale-if-error and RFC 8246's
 * immutable), as a private cache of one application reads it. */
typedef struct
{
  /* Seconds it stays fresh from when it arrived, Age taken off, never
   * below 0; 0 is stale at once. -1 when it says nothing and its status is
   * heuristically cacheable (RFC 9110, 15.1: 200, 203, 204, 206, 300, 301,
   * 308, 404, 405, 410, 414, 501): the library's heuristic is "for ever"
   * (R3). Any other status that says nothing (201, 202, …) gives 0. */
  gint64   lifetime;
  /* The windows after it goes stale in which it may still be used while
   * it is revalidated, or when revalidating fails, in seconds; -1 when the
   * response gives none. */
  gint64   stale_while_revalidate;
  gint64   stale_if_error;
  /* Once stale, it is never used before a successful revalidation:
   * must-revalidate, or no-cache (which also makes the lifetime 0). */
  gboolean must_revalidate;
  /* immutable (RFC 8246): while fresh, a reload needs no request. */
  gboolean immutable;
  /* no-store: never written to disk, whatever the policy. */
  gboolean no_store;
  /* private: not kept on disk under CACHEIT_SNAPSHOT_SHAREABLE. */
  gboolean is_private;
  /* public or s-maxage: may be kept on disk under
   * CACHEIT_SNAPSHOT_SHAREABLE even for a request with Authorization
   * (RFC 9111, 3.5). */
  gboolean shareable;
  /* Vary: * (RFC 9111, 4.1): it matches no later request. */
  gboolean vary_any;
} CacheitHttpCaching;

/* Reads what a response of @status with @headers says of its caching.
 *
 * Cache-Control is read as one list of all its lines, and of a directive
 * given twice the first counts. A max-age that is not a number of seconds
 * (digits only) makes the response stale; one of 2^31 or more counts as
 * 2^31 (RFC 9111, 1.2.2). Without max-age, Expires counts from Date (from
 * @now, or the current time when @now is NULL, when there is no valid
 * Date); an Expires that is not a valid HTTP-date (see
 * _cacheit_http_parse_date()), or given twice, means already expired. Of
 * Age, the first member of the list counts (RFC 9111, 5.1): digits, 2^31
 * when larger; anything else is ignored. */
void      _cacheit_http_caching             (guint               status,
                                             SoupMessageHeaders *headers,
                                             GDateTime          *now,
                                             CacheitHttpCaching *caching);

/* An HTTP-date as RFC 9110, 5.6.7 has it, and nothing else: the
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), or one of the two obsolete
 * forms recipients must accept, rfc850-date (`Sunday, 06-Nov-94 08:49:37
 * GMT`, a two-digit year more than 50 years ahead being of the century
 * before, from @now or the current time) and asctime-date (`Sun Nov  6
 * 08:49:37 1994`); names of days and months as written there, with their
 * case, one space where one is, GMT only. NULL for anything else (other
 * zones, missing commas, extra spaces, one-digit hours, a day name that is
 * not the date's, an invalid date). */
GDateTime *_cacheit_http_parse_date         (const char         *value,
                                             GDateTime          *now);

/* The request headers a response with @headers varies on (its Vary lines,
 * lowercased, in order, once each), or NULL when none; "*" is not a name
 * (see CacheitHttpCaching.vary_any). */
char    **_cacheit_http_vary_names          (SoupMessageHeaders *headers);

/* The variant of a request with @request_headers for @names (from
 * _cacheit_http_vary_names()): "name: value\n" for each, the value as
 * soup_message_headers_get_list() gives it, each run of spaces and tabs
 * one space, none at either end ("name:\n" when absent, "name: \n" when
 * empty); "" when @names is NULL. Two requests are of one variant when
 * their strings are equal. */
char     *_cacheit_http_variant             (const char *const  *names,
                                             SoupMessageHeaders *request_headers);

/* Retries */

/* Whether a request that failed with @error, a transport error, is worth
 * another attempt: a refused, closed or timed out connection, a partial
 * read, an unreachable network or host, a temporary resolver failure. */
gboolean  _cacheit_http_error_is_transient  (const GError *error);

/* Whether a response with @status is worth another attempt: 408, 429, 502,
 * 503 and 504. */
gboolean  _cacheit_http_status_is_transient (guint status);

/* The pause a Retry-After header of @value asks for, in milliseconds, or -1
 * when @value is NULL or neither a number of seconds (0 to G_MAXINT) nor an
 * HTTP-date (see _cacheit_http_parse_date()). A date counts from @now (the
 * current time when @now is NULL), and one in the past gives 0. */
gint64    _cacheit_http_retry_after_ms      (const char *value,
                                             GDateTime  *now);

/* The longest pause between attempts, and the longest Retry-After worth
 * waiting for (a longer one ends the retries), in milliseconds. */
#define CACHEIT_HTTP_MAX_BACKOFF_MS     (60 * 1000)
#define CACHEIT_HTTP_MAX_RETRY_AFTER_MS (300 * 1000)

/* The pause, in milliseconds, after attempt @attempt (counted from 0) when
 * the server asked for none: @base_delay_ms doubled @attempt times, capped at
 * @max_ms, and placed in the upper half of that by @fraction, from 0 (half)
 * to 1 (all of it), which the caller draws at random. */
gint64    _cacheit_http_backoff_ms          (guint  attempt,
                                             guint  base_delay_ms,
                                             gint64 max_ms,
                                             double fraction);

/* The pause before the next attempt, in milliseconds, after attempt
 * @attempt (counted from 0) failed in a way worth another, or -1 for no
 * more attempts: none when @retry_limit attempts were retried already, nor
 * when the server's Retry-After (@retry_after, nullable) asks for more than
 * CACHEIT_HTTP_MAX_RETRY_AFTER_MS; what Retry-After asks for (from @now,
 * see _cacheit_http_retry_after_ms()); else the backoff from
 * @base_delay_ms, placed by @fraction (see _cacheit_http_backoff_ms()). */
gint64    _cacheit_http_retry_delay_ms      (guint       attempt,
                                             guint       retry_limit,
                                             guint       base_delay_ms,
                                             const char *retry_after,
                                             GDateTime  *now,
                                             double      fraction);

/* Rate limits */

/* How long a host's requests pause after an answer of @status with @headers,
 * in milliseconds from @now (the current time when @now is NULL), or -1 when
 * the answer is no rate limit: a 429 (RFC 6585), or a 403 with
 * X-RateLimit-Remaining: 0 (GitHub's primary limit). Retry-After comes
 * first (see _cacheit_http_retry_after_ms()); then X-RateLimit-Reset, as
 * Unix seconds (GitHub), seconds from now (a number below half the Unix
 * time of @now; RateLimit-Reset of draft-ietf-httpapi-ratelimit-headers,
 * read next, is one too) or an ISO 8601 date (Mastodon); else
 * @fallback_ms. Never below 0. */
gint64    _cacheit_http_rate_limit_ms       (guint               status,
                                             SoupMessageHeaders *headers,
                                             GDateTime          *now,
                                             gint64              fallback_ms);

/* Snapshots */

/* Whether a response may be kept on disk under @policy: never when
 * @cache_control, the response's Cache-Control (NULL when it has none),
 * says no-store; always otherwise under CACHEIT_SNAPSHOT_ALL; under
 * CACHEIT_SNAPSHOT_SHAREABLE not when it says private, nor when the request
 * was @authorized (it carried an Authorization header) unless it says
 * public or s-maxage (RFC 9111, 3.5). */
gboolean  _cacheit_http_may_store           (CacheitSnapshotPolicy  policy,
                                             gboolean               authorized,
                                             const char            *cache_control);

/* The same for the response to @message. */
gboolean  _cacheit_http_message_may_store   (CacheitSnapshotPolicy  policy,
                                             SoupMessage           *message);

/* The snapshot key of @url: without its user information (a password has
 * no place in a file name or a file) and fragment; NULL when @url is NULL or
 * not a URL. */
char     *_cacheit_http_snapshot_key        (const char *url);

/* Query parameters */

/* @url with the parameters named in @names (@n_params of them) replaced:
 * the values of a name go where that name first was in @url (its other
 * occurrences go), the names @url did not have go last, in the order given,
 * and a NULL value adds nothing (a removal). A name may come several times
 * (an array such as `ids[]`). The other parameters stay as written. Names
 * and values are percent-encoded (but for the brackets of a name); nothing
 * else of @url changes. NULL when @url is NULL or not a URL. */
char     *_cacheit_http_url_with_params     (const char        *url,
                                             guint              n_params,
                                             const char *const *names,
                                             const char *const *values);

/* The target of the first link of relation @rel (compared without case;
 * a link may list several relations) in @link, a Link header's value
 * (RFC 8288: `<https://…?page=2>; rel="next", <…>; rel="last"`), resolved
 * against @base_url; NULL when there is none, or it is not an HTTP(S) URL. */
char     *_cacheit_http_link_target         (const char        *link,
                                             const char        *rel,
                                             const char        *base_url);

/* The first value of the parameter @name of @url, decoded, or NULL. */
char     *_cacheit_http_url_get_param       (const char        *url,
                                             const char        *name);

/* The error of an answer of @status (400 or more) with @body (as read,
 * padded for the decoder; NULL for none): when @body is JSON, it goes with
 * the error, and what the server said in it, at @message_pointer (RFC
 * 6901) or, when that is NULL, in the common members (message,
 * error_description, error, detail, title, errors[0]), goes into its
 * message, valid UTF-8 on one line without control characters, at most
 * 200 characters. */
GError   *_cacheit_http_error_for_answer    (const char *safe_url,
                                             guint       status,
                                             const char *reason,
                                             GBytes     *body,
                                             const char *message_pointer);

G_END_DECLS
