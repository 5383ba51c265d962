/* cacheit-client.c: one object per application or account
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client owns three things, and calls the resource's private API for
 * none of its fetching:
 *
 * - the defaults of the resources it makes: a CacheitSettings of the same
 *   GParamSpecs as a resource's (cacheit-resource-settings.c), which those
 *   resources follow as an item follows its collection (cacheit-settings.c
 *   carries every change down, with notify). The client's properties are
 *   copies of those GParamSpecs, so that the client has the same names,
 *   types and defaults;
 * - its session, with the default headers, which it adds to each request
 *   of the session when it is queued (SoupSession::request-queued): the
 *   requests stay shared (R1), unlike with a ::request handler;
 * - the map of the resources it made, by type and URL: each is held by a
 *   toggle reference, so that the client hears when it is the last holder.
 *   The resource then stays for gc-time milliseconds, and goes unless
 *   someone took it again meanwhile. A toggle notification may come from
 *   any thread that drops a reference (a GTask finalized in a worker), so
 *   the state it changes is under a lock, and the timer is a source of the
 *   client's main context;
 * - the gate of its session (cacheit-gate.c), which every request of the
 *   session passes: the token of ::authenticate, the rate limits of its
 *   hosts, max-requests-per-host. The client answers the gate's hooks, with
 *   its signals and properties.
 */

#include "config.h"

#include <string.h>

#include "cacheit-client.h"
#include "cacheit-auth-request-private.h"
#include "cacheit-collection-private.h"
#include "cacheit-gate.h"
#include "cacheit-resource-private.h"
#include "cacheit-resource-settings.h"
#include "cacheit-settings.h"
#include "cacheit-store.h"

/* TanStack Query's gcTime: five minutes. */
#define DEFAULT_GC_TIME (5 * 60 * 1000)

typedef struct _Entry Entry;

struct _CacheitClient
{
  GObject          parent_instance;

  char            *base_uri;
  GMainContext    *context;
  CacheitSettings  settings;

  SoupMessageHeaders *headers;
  SoupSession     *headers_session;   /* Whose ::request-queued adds them. */
  gulong           request_queued_id;

  CacheitGate     *gate;
  guint            max_per_host;
  GDateTime       *rate_limited_until;

  guint            gc_time;
  GMutex           lock;               /* Entry.unused and Entry.gc_source. */
  GHashTable      *entries;            /* entry_key () → Entry. */
};

struct _Entry
{
  CacheitClient *client;               /* Not owned: it owns this. */
  char          *key;
  GObject       *object;               /* Held by the toggle reference. */
  gboolean       unused;               /* Only the client holds it. */
  GSource       *gc_source;
};

enum
{
  PROP_0,
  PROP_BASE_URI,
  PROP_GC_TIME,
  PROP_MAX_REQUESTS_PER_HOST,
  PROP_RATE_LIMITED,
  PROP_RATE_LIMITED_UNTIL,
  FIRST_SETTING_PROP,
  N_PROPS = FIRST_SETTING_PROP + CACHEIT_RESOURCE_N_SETTINGS
};

#define SETTING(prop_id) ((prop_id) - FIRST_SETTING_PROP)

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_AUTHENTICATE,
  SIGNAL_UNAUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CacheitClient, cacheit_client, G_TYPE_OBJECT)

/* Default headers */

static void
add_default_header (const char *name,
                    const char *value,
                    gpointer    user_data)
{
  SoupMessageHeaders *headers = user_data;

  /* What the application put on the request itself (a ::request handler)
   * stays. */
  if (soup_message_headers_get_one (headers, name) == NULL)
    soup_message_headers_append (headers, name, value);
}

static void
request_queued_cb (SoupSession   *session,
                   SoupMessage   *message,
                   CacheitClient *self)
{
  soup_message_headers_foreach (self->headers, add_default_header,
                                soup_message_get_request_headers (message));
}

/* The session in use: its own, always (constructed() makes one). */
static SoupSession *
session_of (CacheitClient *self)
{
  return g_value_get_object (_cacheit_settings_get (&self->settings, CACHEIT_RESOURCE_SETTING_SESSION));
}

static void
watch_session (CacheitClient *self)
{
  SoupSession *session = session_of (self);

  if (session == self->headers_session)
    return;

  if (self->headers_session != NULL)
    g_clear_signal_handler (&self->request_queued_id, self->headers_session);
  g_clear_object (&self->headers_session);
  _cacheit_gate_attach (self->gate, session);
  if (session != NULL)
    {
      self->headers_session = g_object_ref (session);
      self->request_queued_id = g_signal_connect (session, "request-queued",
                                                  G_CALLBACK (request_queued_cb), self);
    }
}

static SoupSession *
new_session (void)
{
  const char *prgname = g_get_prgname ();
  g_autofree char *user_agent = prgname != NULL
    ? g_strdup_printf ("%s cacheit-glib/" PACKAGE_VERSION " ", prgname)
    : g_strdup ("cacheit-glib/" PACKAGE_VERSION " ");

  /* The trailing space: libsoup adds its own product. */
  return soup_session_new_with_options ("user-agent", user_agent, NULL);
}

static void
set_own_session (CacheitClient *self,
                 SoupSession   *session)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, SOUP_TYPE_SESSION);
  g_value_set_object (&value, session);
  _cacheit_settings_set (&self->settings, CACHEIT_RESOURCE_SETTING_SESSION, &value);
}

/* The gate's hooks */

static gboolean
has_authenticator (gpointer owner)
{
  return g_signal_has_handler_pending (owner, signals[SIGNAL_AUTHENTICATE], 0, TRUE);
}

static void
token_given (const char   *token,
             const GError *error,
             gpointer      user_data)
{
  _cacheit_gate_give_token (user_data, token, error);
}

static void
ask_token (gpointer owner,
           gboolean refresh)
{
  CacheitClient *self = owner;
  g_autoptr(CacheitAuthRequest) request = NULL;
  gboolean handled = FALSE;

  request = _cacheit_auth_request_new (refresh, token_given, _cacheit_gate_ref (self->gate),
                                       (GDestroyNotify) _cacheit_gate_unref);
  g_signal_emit (self, signals[SIGNAL_AUTHENTICATE], 0, request, &handled);
  if (!handled)
    _cacheit_auth_request_decline (request);
}

static void
unauthorized (gpointer      owner,
              const GError *error)
{
  g_signal_emit (owner, signals[SIGNAL_UNAUTHORIZED], 0, error);
}

static void
rate_limit_changed (gpointer owner)
{
  CacheitClient *self = owner;
  g_autoptr(GDateTime) until = _cacheit_gate_dup_paused_until (self->gate);
  gboolean was_limited = self->rate_limited_until != NULL;

  if (until == self->rate_limited_until ||
      (until != NULL && self->rate_limited_until != NULL && g_date_time_equal (until, self->rate_limited_until)))
    return;

  g_clear_pointer (&self->rate_limited_until, g_date_time_unref);
  self->rate_limited_until = g_steal_pointer (&until);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMITED_UNTIL]);
  if (was_limited != (self->rate_limited_until != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMITED]);
  g_object_thaw_notify (G_OBJECT (self));
}

static const CacheitGateHooks gate_hooks = {
  has_authenticator,
  ask_token,
  unauthorized,
  rate_limit_changed,
};

/* The settings */

static void
settings_changed (GObject *owner,
                  guint    setting)
{
  CacheitClient *self = CACHEIT_CLIENT (owner);

  if (setting == CACHEIT_RESOURCE_SETTING_SESSION)
    watch_session (self);
  g_object_notify_by_pspec (owner, properties[FIRST_SETTING_PROP + setting]);
}

/* The map of resources */

static gboolean gc_cb (gpointer user_data);

/* Any thread. */
static void
toggle_cb (gpointer  data,
           GObject  *object,
           gboolean  is_last_ref)
{
  Entry *entry = data;
  CacheitClient *self = entry->client;

  g_mutex_lock (&self->lock);
  entry->unused = is_last_ref;
  if (is_last_ref && entry->gc_source == NULL)
    {
      entry->gc_source = g_timeout_source_new (self->gc_time);
      g_source_set_callback (entry->gc_source, gc_cb, entry, NULL);
      g_source_set_static_name (entry->gc_source, "[cacheit] an unused resource goes");
      g_source_attach (entry->gc_source, self->context);
    }
  g_mutex_unlock (&self->lock);
}

/* Lets @entry's resource go: the client's reference was its last, or the
 * client goes, or is cleared. */
static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_mutex_lock (&entry->client->lock);
  if (entry->gc_source != NULL)
    {
      g_source_destroy (entry->gc_source);
      g_clear_pointer (&entry->gc_source, g_source_unref);
    }
  g_mutex_unlock (&entry->client->lock);

  g_object_remove_toggle_ref (entry->object, toggle_cb, entry);
  g_free (entry->key);
  g_free (entry);
}

/* The client's main context, gc-time after the resource became unused. */
static gboolean
gc_cb (gpointer user_data)
{
  Entry *entry = user_data;
  CacheitClient *self = entry->client;
  gboolean unused;

  g_mutex_lock (&self->lock);
  unused = entry->unused;
  g_clear_pointer (&entry->gc_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  /* Taken again meanwhile, and perhaps let go again since: its next
   * notification starts another wait. */
  if (unused)
    g_hash_table_remove (self->entries, entry->key);

  return G_SOURCE_REMOVE;
}

/* "CacheitModel MyUser\nURL", "CacheitCollection MyUser\nURL": a model
 * and a collection of one type at one URL are two resources. */
static char *
entry_key (GType       type,
           GType       item_type,
           const char *url)
{
  return g_strdup_printf ("%s %s\n%s", g_type_name (type),
                          item_type != G_TYPE_INVALID ? g_type_name (item_type) : "", url);
}

/* The item at @url of a collection the client has, of @type, or NULL: an
 * item's URL is its collection's path, "/", and its id (escaped). */
static CacheitModel *
find_item (CacheitClient *self,
           const char    *url,
           GType          type)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      g_autoptr(GUri) uri = NULL;
      g_autofree char *base = NULL;
      g_autofree char *id = NULL;
      g_autoptr(CacheitModel) item = NULL;
      const char *rest;

      if (!CACHEIT_IS_COLLECTION (entry->object) ||
          !g_type_is_a (cacheit_collection_get_item_type (CACHEIT_COLLECTION (entry->object)), type))
        continue;

      uri = g_uri_parse (cacheit_resource_get_url (CACHEIT_RESOURCE (entry->object)), SOUP_HTTP_URI_FLAGS, NULL);
      if (uri == NULL)
        continue;
      base = g_uri_to_string_partial (uri, G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
      if (!g_str_has_prefix (url, base) || url[strlen (base)] != '/')
        continue;
      rest = url + strlen (base) + 1;
      if (*rest == '\0' || strpbrk (rest, "/?#") != NULL)
        continue;

      id = g_uri_unescape_string (rest, NULL);
      item = id != NULL ? cacheit_collection_get_by_id (CACHEIT_COLLECTION (entry->object), id) : NULL;
      if (item != NULL && g_type_is_a (G_OBJECT_TYPE (item), type))
        return g_steal_pointer (&item);
    }

  return NULL;
}

/* Files @object (a resource of the client's, or an item of one of its
 * collections) under @key, which the map takes, while anyone else holds it
 * and gc-time after. */
static void
entry_add (CacheitClient *self,
           char          *key,
           GObject       *object)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->client = self;
  entry->key = key;
  entry->object = object;
  g_object_add_toggle_ref (object, toggle_cb, entry);
  g_hash_table_insert (self->entries, entry->key, entry);
}

/* The client's model of @item_type at @url, for one of its collections
 * (CacheitItemSource): made on its own, it becomes the item. */
static CacheitModel *
item_source (GObject    *source,
             GType       item_type,
             const char *url)
{
  CacheitClient *self = CACHEIT_CLIENT (source);
  g_autofree char *key = entry_key (item_type, G_TYPE_INVALID, url);
  Entry *entry = g_hash_table_lookup (self->entries, key);

  return entry != NULL ? g_object_ref (CACHEIT_MODEL (entry->object)) : NULL;
}

/* The resource of @type at @url the client has, or a new one. */
static gpointer
get_resource (CacheitClient *self,
              const char    *path,
              GType          type,
              GType          item_type)
{
  g_autofree char *url = cacheit_client_resolve (self, path);
  g_autofree char *key = NULL;
  Entry *entry;
  GObject *object;

  g_return_val_if_fail (url != NULL, NULL);

  key = entry_key (type, item_type, url);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    return g_object_ref (entry->object);

  /* A model at the URL of an item of one of the client's collections is
   * that item, which the client keeps from then on as its own: should the
   * collection drop it and make it again, or go, it is the same object. */
  if (item_type == G_TYPE_INVALID)
    {
      CacheitModel *item = find_item (self, url, type);

      if (item != NULL)
        {
          g_autofree char *item_key = entry_key (G_OBJECT_TYPE (item), G_TYPE_INVALID, url);

          if (!g_hash_table_contains (self->entries, item_key))
            entry_add (self, g_steal_pointer (&item_key), G_OBJECT (item));
          return item;
        }
    }

  if (item_type != G_TYPE_INVALID)
    {
      object = G_OBJECT (cacheit_collection_new (item_type, url));
      _cacheit_collection_set_item_source (CACHEIT_COLLECTION (object), item_source, G_OBJECT (self));
    }
  else
    object = g_object_new (type, "url", url, NULL);
  _cacheit_resource_follow_settings (CACHEIT_RESOURCE (object), &self->settings);

  /* The client's reference is a toggle reference; the caller's is the
   * new object's own. */
  entry_add (self, g_steal_pointer (&key), object);

  return object;
}

/* The object */

static void
cacheit_client_constructed (GObject *object)
{
  CacheitClient *self = CACHEIT_CLIENT (object);

  G_OBJECT_CLASS (cacheit_client_parent_class)->constructed (object);

  if (self->base_uri != NULL)
    {
      g_autoptr(GUri) base = g_uri_parse (self->base_uri, SOUP_HTTP_URI_FLAGS, NULL);

      _cacheit_gate_set_origin (self->gate, base);
    }

  /* A session given at construction is watched already (settings_changed()). */
  if (session_of (self) == NULL)
    {
      g_autoptr(SoupSession) session = new_session ();

      set_own_session (self, session);
    }
}

static void
cacheit_client_dispose (GObject *object)
{
  CacheitClient *self = CACHEIT_CLIENT (object);

  /* The resources still held elsewhere keep the settings they used. */
  g_hash_table_remove_all (self->entries);
  _cacheit_settings_release (&self->settings);
  /* Requests still waiting go on as they can, without the client. */
  _cacheit_gate_disown (self->gate);
  if (self->headers_session != NULL)
    g_clear_signal_handler (&self->request_queued_id, self->headers_session);
  g_clear_object (&self->headers_session);

  G_OBJECT_CLASS (cacheit_client_parent_class)->dispose (object);
}

static void
cacheit_client_finalize (GObject *object)
{
  CacheitClient *self = CACHEIT_CLIENT (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  _cacheit_settings_clear (&self->settings);
  g_clear_pointer (&self->gate, _cacheit_gate_unref);
  g_clear_pointer (&self->rate_limited_until, g_date_time_unref);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_uri, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cacheit_client_parent_class)->finalize (object);
}

static void
cacheit_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CacheitClient *self = CACHEIT_CLIENT (object);

  if (prop_id >= FIRST_SETTING_PROP && prop_id < N_PROPS)
    {
      g_value_copy (_cacheit_settings_get (&self->settings, SETTING (prop_id)), value);
      return;
    }

  switch (prop_id)
    {
    case PROP_BASE_URI:
      g_value_set_string (value, self->base_uri);
      break;
    case PROP_GC_TIME:
      g_value_set_uint (value, self->gc_time);
      break;
    case PROP_MAX_REQUESTS_PER_HOST:
      g_value_set_uint (value, self->max_per_host);
      break;
    case PROP_RATE_LIMITED:
      g_value_set_boolean (value, self->rate_limited_until != NULL);
      break;
    case PROP_RATE_LIMITED_UNTIL:
      g_value_set_boxed (value, self->rate_limited_until);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CacheitClient *self = CACHEIT_CLIENT (object);

  if (prop_id >= FIRST_SETTING_PROP && prop_id < N_PROPS)
    {
      /* No session: a new one of the client's own, never the process's
       * default, which the default headers would go to. */
      if (SETTING (prop_id) == CACHEIT_RESOURCE_SETTING_SESSION && g_value_get_object (value) == NULL &&
          self->headers_session != NULL)
        {
          g_autoptr(SoupSession) session = new_session ();

          set_own_session (self, session);
          return;
        }
      _cacheit_settings_set (&self->settings, SETTING (prop_id), value);
      return;
    }

  switch (prop_id)
    {
    case PROP_BASE_URI:
      self->base_uri = g_value_dup_string (value);
      break;
    case PROP_GC_TIME:
      cacheit_client_set_gc_time (self, g_value_get_uint (value));
      break;
    case PROP_MAX_REQUESTS_PER_HOST:
      cacheit_client_set_max_requests_per_host (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_client_class_init (CacheitClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* The settings' GParamSpecs are made with CacheitResource's class. */
  g_type_ensure (CACHEIT_TYPE_RESOURCE);
  g_type_class_unref (g_type_class_ref (CACHEIT_TYPE_MODEL));

  object_class->constructed = cacheit_client_constructed;
  object_class->dispose = cacheit_client_dispose;
  object_class->finalize = cacheit_client_finalize;
  object_class->get_property = cacheit_client_get_property;
  object_class->set_property = cacheit_client_set_property;

  /**
   * CacheitClient:base-uri:
   *
   * The URI that the paths given to the client are resolved against, as
   * a link in a page would be (RFC 3986): with `https://api.example.com/v1/`,
   * `users/me` is `https://api.example.com/v1/users/me`; an absolute URL
   * stays as it is. `NULL`: paths must be absolute URLs.
   *
   * Since: 1.0
   */
  properties[PROP_BASE_URI] =
    g_param_spec_string ("base-uri", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitClient:gc-time:
   *
   * How long, in milliseconds, a resource the client made stays once
   * nothing but the client holds it: asked for again meanwhile, it is the
   * same object, with its data; after that it goes (its snapshot stays on
   * disk). As TanStack Query's `gcTime`, five minutes by default.
   *
   * Since: 1.0
   */
  properties[PROP_GC_TIME] =
    g_param_spec_uint ("gc-time", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_GC_TIME,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitClient:max-requests-per-host:
   *
   * The most requests of the client in flight to one host at a time; the
   * others wait, in the order they were made. 0, the default, sets no
   * limit of the client's (libsoup's session has its own, of connections:
   * [property@Soup.Session:max-conns-per-host]).
   *
   * Since: 1.0
   */
  properties[PROP_MAX_REQUESTS_PER_HOST] =
    g_param_spec_uint ("max-requests-per-host", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitClient:rate-limited:
   *
   * Whether a host of the client's requests asked it to wait: it answered
   * `429 Too Many Requests`, or `403` with `X-RateLimit-Remaining: 0`
   * (GitHub). Until the time in [property@Client:rate-limited-until],
   * that host's requests wait and then go in the order they were made, or,
   * when it is further away than five minutes, fail at once with
   * `CACHEIT_ERROR_RATE_LIMITED`, without asking the server again. Bind it
   * to a banner.
   *
   * Since: 1.0
   */
  properties[PROP_RATE_LIMITED] =
    g_param_spec_boolean ("rate-limited", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CacheitClient:rate-limited-until:
   *
   * When the last rate limit in force ends, in local time, or `NULL`: from
   * the answer's `Retry-After`, else its `X-RateLimit-Reset` (Unix seconds
   * as GitHub sends it, seconds from now, or an ISO 8601 date as Mastodon
   * does), else a second, doubled for each answer of the kind to one
   * request.
   *
   * Since: 1.0
   */
  properties[PROP_RATE_LIMITED_UNTIL] =
    g_param_spec_boxed ("rate-limited-until", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* The defaults of the resources: the same names, types and defaults as
   * their properties, documented below. */
  for (guint i = 0; i < CACHEIT_RESOURCE_N_SETTINGS; i++)
    properties[FIRST_SETTING_PROP + i] = _cacheit_resource_settings_copy_pspec (i);

  /**
   * CacheitClient:session:
   *
   * The session that sends the requests of the client's resources. A
   * client makes one of its own (its `User-Agent` is the program's name,
   * `cacheit-glib/VERSION` and libsoup's), never the process's default:
   * its default headers go to every request of this session, so give a
   * session to one client alone. Setting `NULL` makes a new one.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:reload:
   *
   * The default of [property@Resource:reload] for the client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:max-size:
   *
   * The default of [property@Resource:max-size] for the client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:max-age:
   *
   * The default of [property@Resource:max-age] for the client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:retry-limit:
   *
   * The default of [property@Resource:retry-limit] for the client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:retry-delay:
   *
   * The default of [property@Resource:retry-delay] for the client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:refresh-interval:
   *
   * The default of [property@Resource:refresh-interval] for the client's
   * resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:refetch-on-reconnect:
   *
   * The default of [property@Resource:refetch-on-reconnect] for the
   * client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:app-active:
   *
   * Whether the application is in use, for every resource of the client
   * ([property@Resource:app-active]): bind it once, to the main window's
   * `is-active`, instead of on each resource.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:pause-when-constrained:
   *
   * The default of [property@Resource:pause-when-constrained] for the
   * client's resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:snapshot-policy:
   *
   * The default of [property@Resource:snapshot-policy] for the client's
   * resources.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:snapshot-directory:
   *
   * The default of [property@Resource:snapshot-directory] for the
   * client's resources: give each account's client a directory of its own,
   * which [method@Client.clear_async] empties.
   *
   * Since: 1.0
   */
  /**
   * CacheitClient:error-message-pointer:
   *
   * The default of [property@Resource:error-message-pointer] for the
   * client's resources: where the API puts its message in an error answer.
   *
   * Since: 1.0
   */
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CacheitClient::authenticate:
   * @self: the client
   * @request: the question: answer it now or later
   *
   * Asks the application for the token that goes on the client's requests
   * (`Authorization: Bearer TOKEN`, to the host of [property@Client:base-uri]
   * only): before the first request, and again after the server refused
   * the token with `401 Unauthorized` ([property@AuthRequest:refresh]).
   *
   * One question is asked at a time: every request that needs a token, or
   * got a `401` with the last one, waits for the answer, then goes (again,
   * once: writes too). A failed answer ([method@AuthRequest.return_error])
   * fails them all with `CACHEIT_ERROR_UNAUTHORIZED`, and emits
   * [signal@Client::unauthorized]. Resources with a token from the client
   * still share their requests, and their responses are kept on disk only
   * under `CACHEIT_SNAPSHOT_ALL`, as for any request with an
   * `Authorization` header.
   *
   * Without a handler, or one that returns `FALSE`, requests go without a
   * token. A request whose `Authorization` header the application set
   * itself (a default header, [signal@Resource::request]) is left alone.
   *
   * Returns: `TRUE` when the handler answers @request, now or later
   *
   * Since: 1.0
   */
  signals[SIGNAL_AUTHENTICATE] =
    g_signal_new ("authenticate",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 1, CACHEIT_TYPE_AUTH_REQUEST);

  /**
   * CacheitClient::unauthorized:
   * @self: the client
   * @error: why
   *
   * Emitted when the application gave no new token after a `401`
   * ([method@AuthRequest.return_error]), or the server refused the new one
   * too: the requests that were waiting failed with @error (of
   * `CACHEIT_ERROR_UNAUTHORIZED`). Show the sign-in again.
   *
   * Since: 1.0
   */
  signals[SIGNAL_UNAUTHORIZED] =
    g_signal_new ("unauthorized",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
cacheit_client_init (CacheitClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->gc_time = DEFAULT_GC_TIME;
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_mutex_init (&self->lock);
  self->gate = _cacheit_gate_new (self->context, &gate_hooks, self);
  _cacheit_settings_init (&self->settings, G_OBJECT (self), _cacheit_resource_settings_get_pspecs (),
                          CACHEIT_RESOURCE_N_SETTINGS, settings_changed);
}

/**
 * CacheitClient:
 *
 * One object per application, or per account: where its resources come
 * from, how they are fetched, and one object per URL.
 *
 * A client has a base URI, resources are asked of it by path, and every
 * resource it makes follows its settings unless given its own, as an item
 * follows its collection: its session (with a `User-Agent` of the
 * program's), default headers such as `Authorization` (which, unlike a
 * [signal@Resource::request] handler, keep requests shared), and the
 * defaults of retry, freshness, refetching and snapshots. Its
 * [property@Client:app-active] is bound once for the whole application.
 *
 * ```c
 * CacheitClient *client = cacheit_client_new ("https://api.example.com/v1/");
 * cacheit_client_set_default_header (client, "Authorization", "Bearer …");
 * g_object_bind_property (window, "is-active", client, "app-active",
 *                         G_BINDING_SYNC_CREATE);
 *
 * g_autoptr(CacheitModel) me = cacheit_client_get_model (client, "users/me",
 *                                                        MY_TYPE_USER);
 * ```
 *
 * [method@Client.get_model] and [method@Client.get_collection] give *the*
 * resource of a type at a URL: two views that ask for `users/me` hold one
 * object, so a save through one shows in the other. The client keeps a
 * resource [property@Client:gc-time] milliseconds after the last holder
 * other than itself let it go, then lets it go too.
 *
 * [method@Client.invalidate] marks stale what lives under a path (after a
 * write that changes lists), and [method@Client.clear_async] forgets
 * everything and removes the snapshots (sign-out, a switch of account).
 *
 * Resources made without a client work as before: the client is a
 * convenience over their own settings, which still win.
 *
 * Since: 1.0
 */

/**
 * cacheit_client_new:
 * @base_uri: (nullable): the URI paths are resolved against, or `NULL`
 *
 * Makes a client, with a session of its own.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 1.0
 */
CacheitClient *
cacheit_client_new (const char *base_uri)
{
  return g_object_new (CACHEIT_TYPE_CLIENT, "base-uri", base_uri, NULL);
}

/**
 * cacheit_client_get_base_uri:
 * @self: a client
 *
 * Gets [property@Client:base-uri].
 *
 * Returns: (nullable): the base URI, or `NULL`
 *
 * Since: 1.0
 */
const char *
cacheit_client_get_base_uri (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);

  return self->base_uri;
}

/**
 * cacheit_client_resolve:
 * @self: a client
 * @path: a path (`users/me`, `/v2/users`, `?page=2`) or an absolute URL
 *
 * Resolves @path against [property@Client:base-uri], as a link in a page
 * would be: a path without a leading slash goes under the base's last
 * slash, one with it replaces the base's path, an absolute URL stays.
 *
 * Returns: (transfer full) (nullable): the URL, or `NULL` when @path cannot
 *   be resolved (no base, or not a URI reference)
 *
 * Since: 1.0
 */
char *
cacheit_client_resolve (CacheitClient *self,
                        const char    *path)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (self->base_uri == NULL)
    return g_uri_is_valid (path, SOUP_HTTP_URI_FLAGS, NULL) ? g_strdup (path) : NULL;

  return g_uri_resolve_relative (self->base_uri, path, SOUP_HTTP_URI_FLAGS, NULL);
}

/**
 * cacheit_client_get_session:
 * @self: a client
 *
 * Gets [property@Client:session].
 *
 * Returns: (transfer none): the session of the client's requests
 *
 * Since: 1.0
 */
SoupSession *
cacheit_client_get_session (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);

  return session_of (self);
}

/**
 * cacheit_client_set_default_header:
 * @self: a client
 * @name: a header name
 * @value: (nullable): its value, or `NULL` to send it no more
 *
 * Sends @name with every request of the client's session (fetches, pages,
 * items and writes), unless the request has it already (a
 * [signal@Resource::request] handler set it). It is added as the request
 * is queued, so the requests of the client's resources are still shared
 * (R1); the value is never written to disk.
 *
 * Since: 1.0
 */
void
cacheit_client_set_default_header (CacheitClient *self,
                                   const char    *name,
                                   const char    *value)
{
  g_return_if_fail (CACHEIT_IS_CLIENT (self));
  g_return_if_fail (name != NULL && *name != '\0');

  if (value != NULL)
    soup_message_headers_replace (self->headers, name, value);
  else
    soup_message_headers_remove (self->headers, name);
}

/**
 * cacheit_client_dup_default_header:
 * @self: a client
 * @name: a header name
 *
 * Gets the value set with [method@Client.set_default_header].
 *
 * Returns: (transfer full) (nullable): the value of @name, or `NULL`
 *
 * Since: 1.0
 */
char *
cacheit_client_dup_default_header (CacheitClient *self,
                                   const char    *name)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_strdup (soup_message_headers_get_list (self->headers, name));
}

/**
 * cacheit_client_get_gc_time:
 * @self: a client
 *
 * Gets [property@Client:gc-time].
 *
 * Returns: the time, in milliseconds
 *
 * Since: 1.0
 */
guint
cacheit_client_get_gc_time (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), 0);

  return self->gc_time;
}

/**
 * cacheit_client_set_gc_time:
 * @self: a client
 * @gc_time: a time, in milliseconds
 *
 * Sets [property@Client:gc-time], for the resources let go from now on.
 *
 * Since: 1.0
 */
void
cacheit_client_set_gc_time (CacheitClient *self,
                            guint          gc_time)
{
  g_return_if_fail (CACHEIT_IS_CLIENT (self));

  if (self->gc_time == gc_time)
    return;

  g_mutex_lock (&self->lock);
  self->gc_time = gc_time;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GC_TIME]);
}

/**
 * cacheit_client_get_max_requests_per_host:
 * @self: a client
 *
 * Gets [property@Client:max-requests-per-host].
 *
 * Returns: the most requests in flight to one host, or 0 for no limit
 *
 * Since: 1.0
 */
guint
cacheit_client_get_max_requests_per_host (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), 0);

  return self->max_per_host;
}

/**
 * cacheit_client_set_max_requests_per_host:
 * @self: a client
 * @max: the most requests in flight to one host, or 0 for no limit
 *
 * Sets [property@Client:max-requests-per-host]. A larger limit lets
 * waiting requests go at once.
 *
 * Since: 1.0
 */
void
cacheit_client_set_max_requests_per_host (CacheitClient *self,
                                          guint          max)
{
  g_return_if_fail (CACHEIT_IS_CLIENT (self));

  if (self->max_per_host == max)
    return;

  self->max_per_host = max;
  _cacheit_gate_set_max_per_host (self->gate, max);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_REQUESTS_PER_HOST]);
}

/**
 * cacheit_client_get_rate_limited:
 * @self: a client
 *
 * Gets [property@Client:rate-limited].
 *
 * Returns: whether a host asked the client to wait
 *
 * Since: 1.0
 */
gboolean
cacheit_client_get_rate_limited (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), FALSE);

  return self->rate_limited_until != NULL;
}

/**
 * cacheit_client_get_rate_limited_until:
 * @self: a client
 *
 * Gets [property@Client:rate-limited-until].
 *
 * Returns: (nullable) (transfer none): when the last rate limit ends
 *
 * Since: 1.0
 */
GDateTime *
cacheit_client_get_rate_limited_until (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);

  return self->rate_limited_until;
}

/**
 * cacheit_client_get_model:
 * @self: a client
 * @path: the model's path, resolved as by [method@Client.resolve]
 * @model_type: the type of the model: [class@Model] or a subclass
 *
 * Gets the model of @model_type at @path: the one the client has, while
 * anyone holds it or for [property@Client:gc-time] after; else the item
 * at that URL of a collection the client has (`posts/1` of `posts`), when
 * it is of @model_type: the one object the list shows, which the client
 * keeps from then on; else a new one, which follows the client's settings,
 * and which a collection of the client's that then makes an item at its
 * URL, of its type, makes it from: the one object again.
 *
 * Returns: (transfer full): the model
 *
 * Since: 1.0
 */
CacheitModel *
cacheit_client_get_model (CacheitClient *self,
                          const char    *path,
                          GType          model_type)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (g_type_is_a (model_type, CACHEIT_TYPE_MODEL), NULL);

  return get_resource (self, path, model_type, G_TYPE_INVALID);
}

/**
 * cacheit_client_get_collection:
 * @self: a client
 * @path: the collection's path, resolved as by [method@Client.resolve]
 * @item_type: the type of its items: [class@Model] or a subclass
 *
 * Gets the collection of @item_type at @path: the one the client has,
 * while anyone holds it or for [property@Client:gc-time] after, or a new
 * one, which follows the client's settings (and its items follow it).
 *
 * Returns: (transfer full): the collection
 *
 * Since: 1.0
 */
CacheitCollection *
cacheit_client_get_collection (CacheitClient *self,
                               const char    *path,
                               GType          item_type)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (g_type_is_a (item_type, CACHEIT_TYPE_MODEL), NULL);

  return get_resource (self, path, CACHEIT_TYPE_COLLECTION, item_type);
}

/**
 * cacheit_client_get_n_resources:
 * @self: a client
 *
 * Gets how many resources the client has: those held, and those kept for
 * [property@Client:gc-time].
 *
 * Returns: the number of resources
 *
 * Since: 1.0
 */
guint
cacheit_client_get_n_resources (CacheitClient *self)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), 0);

  return g_hash_table_size (self->entries);
}

/* Whether @url is @prefix, or under it: "/posts" covers "/posts",
 * "/posts/1" and "/posts?page=2", not "/postscript". */
static gboolean
is_under (const char *url,
          const char *prefix)
{
  gsize length = strlen (prefix);

  if (strncmp (url, prefix, length) != 0)
    return FALSE;

  return url[length] == '\0' || url[length] == '/' || url[length] == '?' || url[length] == '#' ||
         (length > 0 && prefix[length - 1] == '/');
}

/**
 * cacheit_client_invalidate:
 * @self: a client
 * @path: a path, resolved as by [method@Client.resolve]
 *
 * Marks stale (as [method@Resource.invalidate]) every resource of the
 * client whose URL is @path or under it: `posts` covers `posts`,
 * `posts/1` and `posts?page=2`, not `postscript`. Each is refetched when
 * next asked for, or at once when something shows it (R8). Call it after
 * a write that changes lists: `posts` after creating a post.
 *
 * Returns: how many resources were marked stale
 *
 * Since: 1.0
 */
guint
cacheit_client_invalidate (CacheitClient *self,
                           const char    *path)
{
  g_autofree char *prefix = NULL;
  g_autoptr(GPtrArray) matched = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  prefix = cacheit_client_resolve (self, path);
  if (prefix == NULL)
    return 0;

  /* Invalidation may refetch, and a handler may ask the client for more:
   * the matches first. */
  matched = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      const char *url = cacheit_resource_get_url (CACHEIT_RESOURCE (entry->object));

      if (url != NULL && is_under (url, prefix))
        g_ptr_array_add (matched, g_object_ref (entry->object));
    }

  for (guint i = 0; i < matched->len; i++)
    cacheit_resource_invalidate (g_ptr_array_index (matched, i));

  return matched->len;
}

/* In the snapshot thread, after every write asked before. */
static void
clear_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (!_cacheit_store_clear (task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Back in the client's context: the caller's task, whose last reference,
 * and the client's with it, is dropped here, never in the snapshot thread. */
static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * cacheit_client_clear_async:
 * @self: a client
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (closure user_data): called when done
 * @user_data: data for @callback
 *
 * Forgets everything the client has, for a sign-out or a switch of
 * account: it lets go of every resource it made (asked for again, a path
 * is a new object, with no data), each of those still held elsewhere
 * writes no snapshot any more (its [property@Resource:snapshot-policy]
 * becomes `CACHEIT_SNAPSHOT_NONE`, whatever its requests in flight
 * answer), and every snapshot in the client's
 * [property@Client:snapshot-directory] is removed, after the writes asked
 * for before. Give each account's client a directory of its own: this
 * empties it. The token of [signal@Client::authenticate] is forgotten too:
 * the next request asks for one.
 *
 * Since: 1.0
 */
void
cacheit_client_clear_async (CacheitClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GPtrArray) detached = NULL;
  GHashTableIter iter;
  gpointer value;
  const char *directory;

  g_return_if_fail (CACHEIT_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  detached = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (detached, g_object_ref (((Entry *) value)->object));
  g_hash_table_remove_all (self->entries);
  for (guint i = 0; i < detached->len; i++)
    cacheit_resource_set_snapshot_policy (g_ptr_array_index (detached, i), CACHEIT_SNAPSHOT_NONE);
  /* Signed out: the next request asks for a token. */
  _cacheit_gate_forget_token (self->gate);

  directory = g_value_get_string (_cacheit_settings_get (&self->settings,
                                                         CACHEIT_RESOURCE_SETTING_SNAPSHOT_DIRECTORY));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cacheit_client_clear_async);

  /* The thread's task holds the store alone. */
  inner = g_task_new (NULL, NULL, cleared_cb, g_steal_pointer (&task));
  g_task_set_task_data (inner, _cacheit_store_open (directory), (GDestroyNotify) _cacheit_store_unref);
  _cacheit_store_run_in_thread (inner, clear_in_thread);
}

/**
 * cacheit_client_clear_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for a `GError`, or `NULL`
 *
 * Finishes [method@Client.clear_async].
 *
 * Returns: `TRUE` when every snapshot was removed; `FALSE` with a
 *   `G_IO_ERROR` when one could not be (the client forgot its resources
 *   all the same)
 *
 * Since: 1.0
 */
gboolean
cacheit_client_clear_finish (CacheitClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (CACHEIT_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
