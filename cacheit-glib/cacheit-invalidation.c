/* cacheit-invalidation.c: what the writes of this process invalidated.
 *
 * RFC 9111, 4.4: a cache invalidates the stored response of a URL when an
 * unsafe request to it gets a non-error answer, and those of the URLs its
 * Location and Content-Location name, if they are of the same origin. Each
 * resource holds its own data, so the "stored response" of a URL is that of
 * every resource of the URL, in any thread, and its snapshots: the table
 * below tells them, the next time they would use their data without asking
 * the server, that a write went to their URL after they got it.
 *
 * An entry keeps the time of the last mark of its key and of the one before
 * (so the writer of the last one can tell an earlier write of another from
 * its own: _cacheit_invalidation_since_own()). The entries are in the order
 * of their last mark, oldest first; when there are more than
 * CACHEIT_INVALIDATION_MAX_KEYS, the oldest goes and its time becomes the
 * horizon (see cacheit-invalidation.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-invalidation.h"
#include "cacheit-http.h"

typedef struct
{
  char   *key;
  gint64  last;       /* The time of the last mark. */
  gint64  previous;   /* Of the mark before, or 0. */
  GList   link;       /* In `order`. */
} Entry;

static GMutex      lock;
static GHashTable *table;         /* key → Entry */
static GQueue      order = G_QUEUE_INIT;
static gint64      last_time;     /* Of the last mark: the times increase. */
static gint64      horizon;       /* The latest time of a mark dropped. */
static gint        serial;        /* Atomic. */

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_free (entry);
}

gboolean
_cacheit_invalidation_status_invalidates (guint status)
{
  return status >= 200 && status < 400;
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;

  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_uri_get_host (a) != NULL && g_uri_get_host (b) != NULL &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         effective_port (a) == effective_port (b);
}

static char *
key_of_uri (GUri *uri)
{
  g_autofree char *url = g_uri_to_string (uri);

  return _cacheit_http_snapshot_key (url);
}

static void
add_key (GPtrArray *keys,
         char      *key)
{
  if (key == NULL)
    return;

  for (guint i = 0; i < keys->len; i++)
    if (g_str_equal (g_ptr_array_index (keys, i), key))
      {
        g_free (key);
        return;
      }

  g_ptr_array_add (keys, key);
}

char **
_cacheit_invalidation_keys (GUri               *request_uri,
                            SoupMessageHeaders *response_headers)
{
  static const char *const headers[] = { "Location", "Content-Location" };
  GPtrArray *keys = g_ptr_array_new ();
  char *own;

  g_return_val_if_fail (request_uri != NULL, NULL);

  own = key_of_uri (request_uri);
  if (own != NULL)
    {
      add_key (keys, own);

      for (guint i = 0; response_headers != NULL && i < G_N_ELEMENTS (headers); i++)
        {
          const char *value = soup_message_headers_get_one (response_headers, headers[i]);
          g_autoptr(GUri) uri = NULL;

          if (value == NULL)
            continue;
          uri = g_uri_parse_relative (request_uri, value, SOUP_HTTP_URI_FLAGS, NULL);
          if (uri != NULL && same_origin (request_uri, uri))
            add_key (keys, key_of_uri (uri));
        }
    }

  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (keys, FALSE);
}

gint64
_cacheit_invalidation_mark (const char *key)
{
  Entry *entry;
  gint64 now;

  g_return_val_if_fail (key != NULL, 0);

  g_mutex_lock (&lock);

  if (table == NULL)
    table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);

  now = MAX (g_get_real_time (), last_time + 1);
  last_time = now;

  entry = g_hash_table_lookup (table, key);
  if (entry != NULL)
    {
      g_queue_unlink (&order, &entry->link);
      entry->previous = entry->last;
    }
  else
    {
      entry = g_new0 (Entry, 1);
      entry->key = g_strdup (key);
      entry->link.data = entry;
      g_hash_table_insert (table, entry->key, entry);
    }
  entry->last = now;
  g_queue_push_tail_link (&order, &entry->link);

  /* Bounded: what the oldest entry said goes into the horizon. */
  while (g_hash_table_size (table) > CACHEIT_INVALIDATION_MAX_KEYS)
    {
      Entry *oldest = g_queue_pop_head_link (&order)->data;

      horizon = MAX (horizon, oldest->last);
      g_hash_table_remove (table, oldest->key);
    }

  g_atomic_int_inc (&serial);

  g_mutex_unlock (&lock);

  return now;
}

char **
_cacheit_invalidation_mark_answer (SoupMessage *message)
{
  char **keys;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);

  keys = _cacheit_invalidation_keys (soup_message_get_uri (message),
                                     soup_message_get_response_headers (message));
  for (guint i = 0; keys[i] != NULL; i++)
    _cacheit_invalidation_mark (keys[i]);

  return keys;
}

gboolean
_cacheit_invalidation_since (const char *key,
                             gint64      real_time)
{
  Entry *entry;
  gboolean since;

  g_return_val_if_fail (key != NULL, FALSE);

  g_mutex_lock (&lock);
  entry = table != NULL ? g_hash_table_lookup (table, key) : NULL;
  since = real_time < horizon || (entry != NULL && entry->last > real_time);
  g_mutex_unlock (&lock);

  return since;
}

gboolean
_cacheit_invalidation_since_own (const char *key,
                                 gint64      real_time,
                                 gint64     *own_time)
{
  Entry *entry;
  gboolean since;

  g_return_val_if_fail (key != NULL, TRUE);
  g_return_val_if_fail (own_time != NULL, TRUE);

  g_mutex_lock (&lock);
  entry = table != NULL ? g_hash_table_lookup (table, key) : NULL;
  *own_time = entry != NULL ? entry->last : 0;
  since = entry == NULL || real_time < horizon || entry->previous > real_time;
  g_mutex_unlock (&lock);

  return since;
}

guint
_cacheit_invalidation_get_serial (void)
{
  return (guint) g_atomic_int_get (&serial);
}

guint
_cacheit_invalidation_get_n_keys (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = table != NULL ? g_hash_table_size (table) : 0;
  g_mutex_unlock (&lock);

  return n;
}
