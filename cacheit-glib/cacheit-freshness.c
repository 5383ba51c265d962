/* cacheit-freshness.c: how fresh the data in hand is.
 *
 * Data is fresh from when the server confirmed it (a 200 applied, or a 304)
 * for its lifetime: the application's max-age if it set one, else what the
 * server said (Cache-Control, Expires, Age: see _cacheit_http_caching()), else
 * for ever. Data from a snapshot counts from when the snapshot was stored.
 * Invalidated data is stale at once. A timer makes :stale change when the
 * lifetime runs out; nothing else polls.
 *
 * What stale data may still do (complete a fetch while it is revalidated,
 * or when revalidating fails) follows what the server said beside the
 * lifetime: must-revalidate and no-cache, stale-while-revalidate and
 * stale-if-error, immutable, Vary. A snapshot keeps that as a short string
 * of its own (see caching_to_string()), which only this unit reads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cacheit-freshness.h"
#include "cacheit-error.h"
#include "cacheit-http.h"
#include "cacheit-invalidation.h"

void
_cacheit_freshness_init (CacheitFreshness        *self,
                         GObject                 *owner,
                         GMainContext            *context,
                         CacheitFreshnessChanged  changed)
{
  memset (self, 0, sizeof *self);
  self->owner = owner;
  self->context = context;
  self->changed = changed;
  self->server_lifetime = -1;
  self->stale_while_revalidate = -1;
  self->stale_if_error = -1;
  self->origin = CACHEIT_ORIGIN_NONE;
}

void
_cacheit_freshness_stop (CacheitFreshness *self)
{
  if (self->stale_source == NULL)
    return;

  g_source_destroy (self->stale_source);
  g_clear_pointer (&self->stale_source, g_source_unref);
}

void
_cacheit_freshness_clear (CacheitFreshness *self)
{
  _cacheit_freshness_stop (self);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->last_modified, g_free);
  g_clear_pointer (&self->last_updated, g_date_time_unref);
  g_clear_pointer (&self->caching, g_free);
}

/* What is kept of the caching beside the lifetime */

enum
{
  CACHING_MUST_REVALIDATE = 1 << 0,
  CACHING_IMMUTABLE       = 1 << 1,
  CACHING_VARIES          = 1 << 2,
};

/* The string a snapshot keeps: "1 SWR SIE FLAGS" (1 is its version), or
 * NULL when there is nothing beyond the lifetime to keep. */
static char *
caching_to_string (gint64 stale_while_revalidate,
                   gint64 stale_if_error,
                   guint  flags)
{
  if (stale_while_revalidate < 0 && stale_if_error < 0 && flags == 0)
    return NULL;

  return g_strdup_printf ("1 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u",
                          stale_while_revalidate, stale_if_error, flags);
}

/* Reads caching_to_string()'s @string (nullable); anything else reads as
 * nothing said. */
static void
caching_from_string (const char *string,
                     gint64     *stale_while_revalidate,
                     gint64     *stale_if_error,
                     guint      *flags)
{
  *stale_while_revalidate = -1;
  *stale_if_error = -1;
  *flags = 0;

  if (string == NULL ||
      sscanf (string, "1 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u",
              stale_while_revalidate, stale_if_error, flags) != 3)
    {
      *stale_while_revalidate = -1;
      *stale_if_error = -1;
      *flags = 0;
    }
}

static void
set_caching (CacheitFreshness *self,
             gint64            stale_while_revalidate,
             gint64            stale_if_error,
             guint             flags)
{
  self->stale_while_revalidate = stale_while_revalidate;
  self->stale_if_error = stale_if_error;
  self->must_revalidate = (flags & CACHING_MUST_REVALIDATE) != 0;
  self->immutable = (flags & CACHING_IMMUTABLE) != 0;
  self->varies = (flags & CACHING_VARIES) != 0;
  g_free (self->caching);
  self->caching = caching_to_string (stale_while_revalidate, stale_if_error, flags);
}

/* Whether a response with @headers varies on a request header that may
 * differ between two requests of the library: Accept and Accept-Encoding
 * do not (application/json, and the session's decoders). */
static gboolean
varies_on_request (SoupMessageHeaders *headers)
{
  g_auto(GStrv) names = _cacheit_http_vary_names (headers);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (strcmp (names[i], "accept") != 0 && strcmp (names[i], "accept-encoding") != 0)
      return TRUE;

  return FALSE;
}

/* How long data confirmed @age microseconds ago, fresh for @lifetime
 * seconds (-1 for ever), has been stale, in microseconds (0 when it is
 * not). */
static gint64
staleness (gint64 age,
           gint64 lifetime)
{
  return lifetime < 0 ? 0 : MAX (0, age - lifetime * G_USEC_PER_SEC);
}

static gboolean
stale_timeout_cb (gpointer user_data)
{
  CacheitFreshness *self = user_data;

  /* The source is destroyed by the dispose of the owner, which embeds
   * @self. */
  g_clear_pointer (&self->stale_source, g_source_unref);
  self->changed (self->owner, CACHEIT_FRESHNESS_EXPIRED);

  return G_SOURCE_REMOVE;
}

/* How long the data in hand stays fresh by time, in microseconds from now,
 * with the application's max-age (-1: the server's lifetime): 0 or less
 * once its lifetime ran out (minus how long ago), G_MAXINT64 for data with
 * no lifetime. An invalidation is not counted here. */
static gint64
fresh_left (CacheitFreshness *self,
            int               max_age)
{
  gint64 lifetime = max_age >= 0 ? max_age : self->server_lifetime;

  if (lifetime < 0)
    return G_MAXINT64;

  return self->confirmed_at + lifetime * G_USEC_PER_SEC - g_get_monotonic_time ();
}

void
_cacheit_freshness_update (CacheitFreshness *self,
                           gboolean          has_data,
                           int               max_age)
{
  gint64 left = fresh_left (self, max_age);
  gboolean stale = FALSE;

  _cacheit_freshness_stop (self);

  if (has_data)
    {
      if (self->invalidated || left <= 0)
        stale = TRUE;
      else if (left != G_MAXINT64)
        {
          self->stale_source = g_timeout_source_new ((guint) MIN ((left + 999) / 1000, G_MAXUINT));
          g_source_set_static_name (self->stale_source, "[cacheit] stale");
          g_source_set_callback (self->stale_source, stale_timeout_cb, self, NULL);
          g_source_attach (self->stale_source, self->context);
        }
    }

  if (self->stale == (guint) stale)
    return;

  self->stale = stale;
  self->changed (self->owner, CACHEIT_FRESHNESS_STALE);
}

void
_cacheit_freshness_set_origin (CacheitFreshness *self,
                               CacheitOrigin     origin)
{
  if (self->origin == origin)
    return;

  self->origin = origin;
  self->changed (self->owner, CACHEIT_FRESHNESS_ORIGIN);
}

static void
set_last_updated (CacheitFreshness *self,
                  GDateTime        *last_updated)
{
  g_clear_pointer (&self->last_updated, g_date_time_unref);
  self->last_updated = last_updated;
  self->changed (self->owner, CACHEIT_FRESHNESS_LAST_UPDATED);
}

static void
set_header_copy (char               **field,
                 SoupMessageHeaders  *headers,
                 const char          *name,
                 gboolean             keep_old)
{
  const char *value = soup_message_headers_get_one (headers, name);

  if (value == NULL && keep_old)
    return;

  g_free (*field);
  *field = g_strdup (value);
}

void
_cacheit_freshness_confirm (CacheitFreshness   *self,
                            guint               status,
                            SoupMessageHeaders *headers,
                            gboolean            not_modified,
                            int                 max_age)
{
  /* A 304 updates what it carries and leaves the rest (RFC 9111, 4.3.4). */
  set_header_copy (&self->etag, headers, "ETag", not_modified);
  set_header_copy (&self->last_modified, headers, "Last-Modified", not_modified);
  if (!not_modified ||
      soup_message_headers_get_one (headers, "Cache-Control") != NULL ||
      soup_message_headers_get_one (headers, "Expires") != NULL ||
      soup_message_headers_get_one (headers, "Vary") != NULL)
    {
      CacheitHttpCaching caching;
      guint flags;

      /* What a 304 says is of the response it confirms, a 200. */
      _cacheit_http_caching (not_modified ? SOUP_STATUS_OK : status, headers, NULL, &caching);
      /* Vary: * matches no later request (RFC 9111, 4.1): each fetch
       * revalidates first. */
      if (caching.vary_any)
        caching.lifetime = 0;
      flags = (caching.must_revalidate || caching.vary_any ? CACHING_MUST_REVALIDATE : 0) |
              (caching.immutable ? CACHING_IMMUTABLE : 0) |
              (caching.vary_any || varies_on_request (headers) ? CACHING_VARIES : 0);
      self->server_lifetime = caching.lifetime;
      set_caching (self, caching.stale_while_revalidate, caching.stale_if_error, flags);
    }

  self->confirmed_at = g_get_monotonic_time ();
  self->confirmed_real = g_get_real_time ();
  self->invalidated = FALSE;
  set_last_updated (self, g_date_time_new_now_local ());

  _cacheit_freshness_set_origin (self, CACHEIT_ORIGIN_NETWORK);
  _cacheit_freshness_update (self, TRUE, max_age);
}

void
_cacheit_freshness_restore (CacheitFreshness *self,
                            CacheitSnapshot  *snapshot,
                            const char       *key,
                            int               max_age)
{
  gint64 age = MAX (0, g_get_real_time () - snapshot->stored_at * G_USEC_PER_SEC);
  gint64 stale_while_revalidate, stale_if_error;
  guint flags;

  g_free (self->etag);
  self->etag = g_strdup (snapshot->etag);
  g_free (self->last_modified);
  self->last_modified = g_strdup (snapshot->last_modified);
  self->server_lifetime = snapshot->lifetime;
  caching_from_string (snapshot->caching, &stale_while_revalidate, &stale_if_error, &flags);
  set_caching (self, stale_while_revalidate, stale_if_error, flags);
  self->confirmed_at = g_get_monotonic_time () - age;
  /* Older than the last look at the writes: looked at again. */
  self->confirmed_real = snapshot->stored_at * G_USEC_PER_SEC;
  self->writes_serial = 0;
  self->invalidated = FALSE;
  set_last_updated (self, g_date_time_new_from_unix_local (snapshot->stored_at));

  _cacheit_freshness_set_origin (self, CACHEIT_ORIGIN_DISK);
  /* A write of the process since it was stored (RFC 9111, 4.4). */
  self->invalidated = _cacheit_freshness_invalidated_by_writes (self, key);
  _cacheit_freshness_update (self, TRUE, max_age);
}

void
_cacheit_freshness_invalidate (CacheitFreshness *self,
                               gboolean          has_data,
                               int               max_age)
{
  self->invalidated = has_data;
  _cacheit_freshness_update (self, has_data, max_age);
}

void
_cacheit_freshness_forget_validators (CacheitFreshness *self)
{
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->last_modified, g_free);
}

void
_cacheit_freshness_reset (CacheitFreshness *self)
{
  _cacheit_freshness_forget_validators (self);
  self->invalidated = FALSE;
  self->server_lifetime = -1;
  set_caching (self, -1, -1, 0);
  self->confirmed_at = 0;
  self->confirmed_real = 0;
  self->writes_serial = 0;
  if (self->last_updated != NULL)
    set_last_updated (self, NULL);
}

gboolean
_cacheit_freshness_add_validators (CacheitFreshness   *self,
                                   SoupMessageHeaders *headers)
{
  gboolean conditional = FALSE;

  if (self->etag != NULL)
    {
      soup_message_headers_replace (headers, "If-None-Match", self->etag);
      conditional = TRUE;
    }
  if (self->last_modified != NULL)
    {
      soup_message_headers_replace (headers, "If-Modified-Since", self->last_modified);
      conditional = TRUE;
    }

  return conditional;
}

CacheitFreshnessUse
_cacheit_freshness_use (CacheitFreshness *self,
                        int               max_age)
{
  gint64 left = fresh_left (self, max_age);
  gboolean stale = self->stale || self->invalidated || left <= 0;

  /* Asked at every fetch: the timer is set again only when it has not run
   * yet for data that went stale. */
  if (stale != (gboolean) self->stale)
    _cacheit_freshness_update (self, TRUE, max_age);
  if (!stale)
    return CACHEIT_FRESHNESS_USE_FRESH;
  /* RFC 9111, 4.2.4 and 5.2.2.2; 5.2.2.4 for no-cache. */
  if (self->must_revalidate)
    return CACHEIT_FRESHNESS_USE_REVALIDATE;
  /* The server's own window (RFC 5861, 3), which an invalidation by the
   * application does not open. */
  if (self->stale_while_revalidate >= 0 && !self->invalidated &&
      -left > self->stale_while_revalidate * G_USEC_PER_SEC)
    return CACHEIT_FRESHNESS_USE_REVALIDATE;

  return CACHEIT_FRESHNESS_USE_STALE;
}

gboolean
_cacheit_freshness_stale_if_error (CacheitFreshness *self,
                                   int               max_age,
                                   const GError     *error,
                                   guint             status)
{
  gint64 left = fresh_left (self, max_age);

  /* RFC 5861, 4: what would be a 500, 502, 503 or 504, or no answer. */
  if (!_cacheit_http_error_is_transient (error) &&
      !(g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS) && status >= 500))
    return FALSE;

  return self->stale_if_error >= 0 && MAX (0, -left) <= self->stale_if_error * G_USEC_PER_SEC;
}

gboolean
_cacheit_freshness_skips_reload (CacheitFreshness *self)
{
  return self->immutable && !self->stale && !self->invalidated;
}

gboolean
_cacheit_freshness_snapshot_usable (CacheitSnapshot *snapshot,
                                    int              max_age)
{
  gint64 lifetime = max_age >= 0 ? max_age : snapshot->lifetime;
  gint64 age = MAX (0, g_get_real_time () - snapshot->stored_at * G_USEC_PER_SEC);
  gint64 stale_while_revalidate, stale_if_error;
  gboolean stale;
  guint flags;

  caching_from_string (snapshot->caching, &stale_while_revalidate, &stale_if_error, &flags);

  /* Its variant is known only once the request is made (Vary, RFC 9111,
   * 4.1): it waits for the server's answer instead. */
  if (flags & CACHING_VARIES)
    return FALSE;

  stale = lifetime == 0 || (lifetime > 0 && age >= lifetime * G_USEC_PER_SEC);
  if (!stale)
    return TRUE;
  if (flags & CACHING_MUST_REVALIDATE)
    return FALSE;

  return stale_while_revalidate < 0 || staleness (age, lifetime) <= stale_while_revalidate * G_USEC_PER_SEC;
}

gboolean
_cacheit_freshness_invalidated_by_writes (CacheitFreshness *self,
                                          const char       *url)
{
  guint serial = _cacheit_invalidation_get_serial ();
  g_autofree char *key = NULL;

  /* No write was answered since the last look (serial 0: none ever). */
  if (serial == self->writes_serial)
    return FALSE;
  self->writes_serial = serial;

  if (self->invalidated)
    return FALSE;

  key = _cacheit_http_snapshot_key (url);
  return key != NULL && _cacheit_invalidation_since (key, self->confirmed_real);
}

void
_cacheit_freshness_wrote (CacheitFreshness *self,
                          const char       *url,
                          SoupMessage      *message)
{
  g_autofree char *key = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_url = NULL;
  gint64 own_time;

  /* Only a success commits what was written: after a 3xx (not followed)
   * the data is what it was, and the write's invalidation counts. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    return;

  /* A write to another URL (the data's URL changed since it was asked, or
   * a 307 led elsewhere) committed nothing of this URL's. */
  key = _cacheit_http_snapshot_key (url);
  written_url = g_uri_to_string (soup_message_get_uri (message));
  written = _cacheit_http_snapshot_key (written_url);
  if (key == NULL || g_strcmp0 (key, written) != 0)
    return;

  /* The data is as new as the write's own mark; another write of the URL
   * since the data was confirmed leaves it to be invalidated. */
  if (!_cacheit_invalidation_since_own (key, self->confirmed_real, &own_time))
    self->confirmed_real = own_time;
}
