/* cacheit-freshness.c: how fresh the data in hand is.
 *
 * Data is fresh from when the server confirmed it (a 200 applied, or a 304)
 * for its lifetime: the application's max-age if it set one, else what the
 * server said (Cache-Control, Expires: see _cacheit_http_lifetime()), else
 * for ever. Data from a snapshot counts from when the snapshot was stored.
 * Invalidated data is stale at once. A timer makes :stale change when the
 * lifetime runs out; nothing else polls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cacheit-freshness.h"
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

void
_cacheit_freshness_update (CacheitFreshness *self,
                           gboolean          has_data,
                           int               max_age)
{
  gint64 lifetime = max_age >= 0 ? max_age : self->server_lifetime;
  gboolean stale = FALSE;

  _cacheit_freshness_stop (self);

  if (has_data)
    {
      if (self->invalidated || lifetime == 0)
        stale = TRUE;
      else if (lifetime > 0)
        {
          gint64 left = self->confirmed_at + lifetime * G_USEC_PER_SEC - g_get_monotonic_time ();

          if (left <= 0)
            stale = TRUE;
          else
            {
              self->stale_source = g_timeout_source_new ((guint) MIN ((left + 999) / 1000, G_MAXUINT));
              g_source_set_static_name (self->stale_source, "[cacheit] stale");
              g_source_set_callback (self->stale_source, stale_timeout_cb, self, NULL);
              g_source_attach (self->stale_source, self->context);
            }
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
                            SoupMessageHeaders *headers,
                            gboolean            not_modified,
                            int                 max_age)
{
  /* A 304 updates what it carries and leaves the rest (RFC 9111, 4.3.4). */
  set_header_copy (&self->etag, headers, "ETag", not_modified);
  set_header_copy (&self->last_modified, headers, "Last-Modified", not_modified);
  if (!not_modified ||
      soup_message_headers_get_one (headers, "Cache-Control") != NULL ||
      soup_message_headers_get_one (headers, "Expires") != NULL)
    self->server_lifetime = _cacheit_http_lifetime (headers, NULL);

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
                            int               max_age)
{
  gint64 age = MAX (0, g_get_real_time () - snapshot->stored_at * G_USEC_PER_SEC);

  g_free (self->etag);
  self->etag = g_strdup (snapshot->etag);
  g_free (self->last_modified);
  self->last_modified = g_strdup (snapshot->last_modified);
  self->server_lifetime = snapshot->lifetime;
  self->confirmed_at = g_get_monotonic_time () - age;
  /* Older than the last look at the writes: looked at again. */
  self->confirmed_real = snapshot->stored_at * G_USEC_PER_SEC;
  self->writes_serial = 0;
  self->invalidated = FALSE;
  set_last_updated (self, g_date_time_new_from_unix_local (snapshot->stored_at));

  _cacheit_freshness_set_origin (self, CACHEIT_ORIGIN_DISK);
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
