/* cacheit-resource-settings.c: the settings of a resource, as properties.
 *
 * What the application configures on a resource (the session, reload and
 * size limits, freshness and retries, refetching, snapshots) is a set of
 * values an item follows from its collection unless it was given its own
 * (see "Items follow their collection" in CacheitResource's documentation).
 * Each is a property whose value lives in the resource's CacheitSettings: a
 * getter gives the value in use, a setter gives the resource its own (a
 * NULL session or directory: follows again), and cacheit-settings.c tells
 * the resource, and those that follow it, of every change.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource.h"
#include "cacheit-resource-settings.h"
#include "cacheit-enums.h"
#include "cacheit-settings.h"

#define DEFAULT_RETRY_LIMIT 3
#define DEFAULT_RETRY_DELAY 1000

/* The default of :max-size. */
#define DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* Set once by the class: where an instance keeps its settings, and the
 * type, for the checks of the public functions. */
static gssize settings_offset;
static GType  resource_type;
static GParamSpec *const *resource_pspecs;

#define IS_RESOURCE(self) G_TYPE_CHECK_INSTANCE_TYPE ((self), resource_type)
#define SETTINGS(self)    ((CacheitSettings *) G_STRUCT_MEMBER_P ((self), settings_offset))

static const GValue *
setting (CacheitResource        *self,
         CacheitResourceSetting  which)
{
  return _cacheit_settings_get (SETTINGS (self), which);
}

static void
set_setting (CacheitResource        *self,
             CacheitResourceSetting  which,
             const GValue           *value)
{
  _cacheit_settings_set (SETTINGS (self), which, value);
}

void
_cacheit_resource_settings_class_init (GObjectClass  *klass,
                                       gssize         offset,
                                       GParamSpec   **pspecs)
{
  settings_offset = offset;
  resource_type = G_TYPE_FROM_CLASS (klass);
  resource_pspecs = pspecs;

  /**
   * CacheitResource:session:
   *
   * The session that sends the requests.
   *
   * When unset (or set to `NULL`), an item of a [class@Collection] uses its
   * collection's (see “Items follow their collection” in [class@Resource]),
   * and any other resource a process-wide default session: see
   * [func@get_default_session]. The getter gives the session in use.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:reload:
   *
   * Whether every fetch makes a new request, as if it were given
   * `CACHEIT_FETCH_RELOAD`.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_RELOAD] =
    g_param_spec_boolean ("reload", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:max-size:
   *
   * The largest body, in bytes after decompression, that a fetch accepts.
   *
   * A larger body fails the fetch with `CACHEIT_ERROR_TOO_LARGE` while it is
   * read, without buffering it first. The default is 256 MiB.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_MAX_SIZE] =
    g_param_spec_uint64 ("max-size", NULL, NULL,
                         0, G_MAXUINT64, DEFAULT_MAX_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:max-age:
   *
   * How long data stays fresh after the server confirmed it, in seconds.
   *
   * The default, -1, follows the server: `Cache-Control: max-age` (less
   * `Age`), or `Expires`; `no-cache` and `no-store` make data stale at once.
   * When the server says nothing, data never goes stale by itself: it is
   * fetched once, until someone reloads or calls
   * [method@Resource.invalidate]. 0 makes data always stale.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_MAX_AGE] =
    g_param_spec_int ("max-age", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:retry-limit:
   *
   * How many times a fetch that failed for a transient reason is tried
   * again: a connection refused, reset or timed out, or the statuses 408,
   * 429, 502, 503 and 504. 0 disables retries.
   *
   * Callers complete once, after the last attempt; [property@Resource:fetching]
   * stays `TRUE` meanwhile. Other failures are never retried.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_RETRY_LIMIT] =
    g_param_spec_uint ("retry-limit", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_LIMIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:retry-delay:
   *
   * The pause before the first retry, in milliseconds.
   *
   * Each further retry doubles it, up to a minute; each pause is picked at
   * random in the upper half of that, so that clients do not come back all
   * at once. A `Retry-After` header from the server is followed instead; one
   * asking for more than five minutes ends the retries.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_RETRY_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:refresh-interval:
   *
   * Every how many seconds the data is revalidated in the background, while
   * the resource holds data and is [property@Resource:app-active]; 0, the
   * default, never.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:refetch-on-reconnect:
   *
   * Whether stale data, or a fetch that failed, is fetched again in the
   * background when [iface@Gio.NetworkMonitor] reports the network back.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_REFETCH_ON_RECONNECT] =
    g_param_spec_boolean ("refetch-on-reconnect", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:app-active:
   *
   * Whether the application is in use: its window is the active one, say.
   *
   * Bind it to a boolean that says so, such as `GtkWindow:is-active`, with
   * [method@GObject.Object.bind_property]. When it turns `TRUE`, stale data,
   * or a fetch that failed, is fetched again in the background. While it is
   * `FALSE`, [property@Resource:refresh-interval] pauses.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_APP_ACTIVE] =
    g_param_spec_boolean ("app-active", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:pause-when-constrained:
   *
   * Whether refetching in the background ([property@Resource:refresh-interval],
   * [property@Resource:refetch-on-reconnect], [property@Resource:app-active])
   * waits while the network is metered ([property@Gio.NetworkMonitor:network-metered])
   * or power-saver mode is on ([property@Gio.PowerProfileMonitor:power-saver-enabled]).
   *
   * Fetches the application asks for are never paused.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_PAUSE_WHEN_CONSTRAINED] =
    g_param_spec_boolean ("pause-when-constrained", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:snapshot-policy:
   *
   * Which responses are kept on disk, so that the next run of the
   * application starts with them.
   *
   * The last good body of each URL is kept as received (after a write, the
   * data the server confirmed), with its validators, in
   * [property@Resource:snapshot-directory]. The first fetch of a resource
   * that holds no data loads it, off the main thread, and completes from it
   * at once, with [property@Resource:origin] `CACHEIT_ORIGIN_DISK` and
   * [property@Resource:stale] as its age says; then one revalidation starts
   * in the background (a `304` keeps it). A snapshot that is truncated,
   * corrupt or of another format is removed, and the fetch goes to the
   * network.
   *
   * The default, `CACHEIT_SNAPSHOT_SHAREABLE`, does not write a response to
   * a request that carried an `Authorization` header, nor one marked
   * `Cache-Control: no-store` or `private`; such a `200` removes the older
   * snapshot. See the [Offline start](offline-start.html) guide.
   *
   * An item of a [class@Collection] follows its collection's value unless it
   * was given its own: see “Items follow their collection” in [class@Resource].
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_SNAPSHOT_POLICY] =
    g_param_spec_enum ("snapshot-policy", NULL, NULL,
                       CACHEIT_TYPE_SNAPSHOT_POLICY, CACHEIT_SNAPSHOT_SHAREABLE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:snapshot-directory:
   *
   * The directory of the snapshots, or `NULL` for the default:
   * `$XDG_CACHE_HOME/<program name>/cacheit` ([func@GLib.get_user_cache_dir]
   * and [func@GLib.get_prgname], or `cacheit-glib` when the program has no
   * name). See the [Offline start](offline-start.html) guide.
   *
   * Any number of resources, threads and processes may share a directory.
   * It is created, private to the user, on the first write, and kept under
   * 64 MiB by removing the least recently used snapshots.
   *
   * An item of a [class@Collection] without a directory of its own uses its
   * collection's (see “Items follow their collection” in [class@Resource]):
   * the snapshot of its detail goes there. Setting it to `NULL` makes an
   * item follow its collection again.
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_SNAPSHOT_DIRECTORY] =
    g_param_spec_string ("snapshot-directory", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CacheitResource:error-message-pointer:
   *
   * Where the server's own message is in the JSON body of an error answer,
   * as an RFC 6901 JSON Pointer: `/detail/0/msg` for FastAPI,
   * `/errors/0/detail` for JSON:API. It goes into the `GError` of a failed
   * fetch or write, after the status (bounded in length, control
   * characters removed); the whole body is [func@Cacheit.Error.get_body].
   *
   * When unset, the common members are tried, in order: `message`
   * (GitHub, GitLab), `error_description` (OAuth), `error` (Mastodon; a
   * string, or an object with a `message`), `detail` and `title` (RFC
   * 9457 problem details), and the first of `errors`.
   *
   * An item of a [class@Collection] follows its collection's unless it was
   * given its own (see “Items follow their collection” in
   * [class@Resource]).
   *
   * Since: 1.0
   */
  pspecs[CACHEIT_RESOURCE_SETTING_ERROR_MESSAGE_POINTER] =
    g_param_spec_string ("error-message-pointer", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

GParamSpec *const *
_cacheit_resource_settings_get_pspecs (void)
{
  g_assert (resource_pspecs != NULL);

  return resource_pspecs;
}

GParamSpec *
_cacheit_resource_settings_copy_pspec (guint which)
{
  GParamSpec *pspec = _cacheit_resource_settings_get_pspecs ()[which];
  const char *name = g_param_spec_get_name (pspec);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  if (G_IS_PARAM_SPEC_OBJECT (pspec))
    return g_param_spec_object (name, NULL, NULL, pspec->value_type, flags);
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    return g_param_spec_boolean (name, NULL, NULL, G_PARAM_SPEC_BOOLEAN (pspec)->default_value, flags);
  if (G_IS_PARAM_SPEC_UINT64 (pspec))
    return g_param_spec_uint64 (name, NULL, NULL, G_PARAM_SPEC_UINT64 (pspec)->minimum,
                                G_PARAM_SPEC_UINT64 (pspec)->maximum,
                                G_PARAM_SPEC_UINT64 (pspec)->default_value, flags);
  if (G_IS_PARAM_SPEC_UINT (pspec))
    return g_param_spec_uint (name, NULL, NULL, G_PARAM_SPEC_UINT (pspec)->minimum,
                              G_PARAM_SPEC_UINT (pspec)->maximum,
                              G_PARAM_SPEC_UINT (pspec)->default_value, flags);
  if (G_IS_PARAM_SPEC_INT (pspec))
    return g_param_spec_int (name, NULL, NULL, G_PARAM_SPEC_INT (pspec)->minimum,
                             G_PARAM_SPEC_INT (pspec)->maximum,
                             G_PARAM_SPEC_INT (pspec)->default_value, flags);
  if (G_IS_PARAM_SPEC_ENUM (pspec))
    return g_param_spec_enum (name, NULL, NULL, pspec->value_type,
                              G_PARAM_SPEC_ENUM (pspec)->default_value, flags);
  if (G_IS_PARAM_SPEC_STRING (pspec))
    return g_param_spec_string (name, NULL, NULL, G_PARAM_SPEC_STRING (pspec)->default_value, flags);

  g_assert_not_reached ();
}

/**
 * cacheit_get_default_session:
 *
 * Gets the session that resources use when [property@Resource:session] is
 * unset.
 *
 * It is made on first use and lives as long as the process. Configure it
 * (features, timeouts) before the first request, from the thread that first
 * called this function.
 *
 * Returns: (transfer none): the default session
 *
 * Since: 1.0
 */
SoupSession *
cacheit_get_default_session (void)
{
  static SoupSession *session;

  if (g_once_init_enter (&session))
    {
      SoupSession *new_session = soup_session_new_with_options ("user-agent",
                                                                "cacheit-glib/" PACKAGE_VERSION " ",
                                                                NULL);

      g_once_init_leave (&session, new_session);
    }

  return session;
}

/**
 * cacheit_resource_get_session:
 * @self: a resource
 *
 * Gets the session that sends the requests of @self.
 *
 * Returns: (transfer none): the session set on @self, else for an item its
 *   collection's, else the default session
 *
 * Since: 1.0
 */
SoupSession *
cacheit_resource_get_session (CacheitResource *self)
{
  SoupSession *session;

  g_return_val_if_fail (IS_RESOURCE (self), NULL);

  session = g_value_get_object (setting (self, CACHEIT_RESOURCE_SETTING_SESSION));

  return session != NULL ? session : cacheit_get_default_session ();
}

/**
 * cacheit_resource_set_session:
 * @self: a resource
 * @session: (nullable): a session, or `NULL` for the default session (for
 *   an item, its collection's)
 *
 * Sets the session that sends the requests of @self.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_session (CacheitResource *self,
                              SoupSession     *session)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));
  g_return_if_fail (session == NULL || SOUP_IS_SESSION (session));

  /* NULL is no session of its own: an item follows its collection again. */
  g_value_set_object (g_value_init (&value, SOUP_TYPE_SESSION), session);
  set_setting (self, CACHEIT_RESOURCE_SETTING_SESSION, &value);
}

/**
 * cacheit_resource_get_reload:
 * @self: a resource
 *
 * Gets whether every fetch of @self makes a new request.
 *
 * Returns: the value of [property@Resource:reload]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_reload (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), FALSE);

  return g_value_get_boolean (setting (self, CACHEIT_RESOURCE_SETTING_RELOAD));
}

/**
 * cacheit_resource_set_reload:
 * @self: a resource
 * @reload: whether every fetch makes a new request
 *
 * Sets whether every fetch of @self makes a new request.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_reload (CacheitResource *self,
                             gboolean         reload)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_boolean (g_value_init (&value, G_TYPE_BOOLEAN), reload);
  set_setting (self, CACHEIT_RESOURCE_SETTING_RELOAD, &value);
}

/**
 * cacheit_resource_get_max_size:
 * @self: a resource
 *
 * Gets the largest body, in decoded bytes, that a fetch of @self accepts.
 *
 * Returns: the value of [property@Resource:max-size]
 *
 * Since: 1.0
 */
guint64
cacheit_resource_get_max_size (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), 0);

  return g_value_get_uint64 (setting (self, CACHEIT_RESOURCE_SETTING_MAX_SIZE));
}

/**
 * cacheit_resource_set_max_size:
 * @self: a resource
 * @max_size: the largest body accepted, in bytes
 *
 * Sets the largest body, in decoded bytes, that a fetch of @self accepts.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_max_size (CacheitResource *self,
                               guint64          max_size)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_uint64 (g_value_init (&value, G_TYPE_UINT64), max_size);
  set_setting (self, CACHEIT_RESOURCE_SETTING_MAX_SIZE, &value);
}

/**
 * cacheit_resource_get_max_age:
 * @self: a resource
 *
 * Gets how long the data of @self stays fresh, in seconds.
 *
 * Returns: the value of [property@Resource:max-age]
 *
 * Since: 1.0
 */
int
cacheit_resource_get_max_age (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), -1);

  return g_value_get_int (setting (self, CACHEIT_RESOURCE_SETTING_MAX_AGE));
}

/**
 * cacheit_resource_set_max_age:
 * @self: a resource
 * @max_age: seconds, or -1 to follow the server
 *
 * Sets [property@Resource:max-age].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_max_age (CacheitResource *self,
                              int              max_age)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_int (g_value_init (&value, G_TYPE_INT), max_age);
  set_setting (self, CACHEIT_RESOURCE_SETTING_MAX_AGE, &value);
}

/**
 * cacheit_resource_get_retry_limit:
 * @self: a resource
 *
 * Gets how many times a transient failure of @self is retried.
 *
 * Returns: the value of [property@Resource:retry-limit]
 *
 * Since: 1.0
 */
guint
cacheit_resource_get_retry_limit (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), 0);

  return g_value_get_uint (setting (self, CACHEIT_RESOURCE_SETTING_RETRY_LIMIT));
}

/**
 * cacheit_resource_set_retry_limit:
 * @self: a resource
 * @retry_limit: retries after a transient failure, 0 for none
 *
 * Sets [property@Resource:retry-limit].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_retry_limit (CacheitResource *self,
                                  guint            retry_limit)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_uint (g_value_init (&value, G_TYPE_UINT), retry_limit);
  set_setting (self, CACHEIT_RESOURCE_SETTING_RETRY_LIMIT, &value);
}

/**
 * cacheit_resource_get_retry_delay:
 * @self: a resource
 *
 * Gets the pause before the first retry of @self, in milliseconds.
 *
 * Returns: the value of [property@Resource:retry-delay]
 *
 * Since: 1.0
 */
guint
cacheit_resource_get_retry_delay (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), 0);

  return g_value_get_uint (setting (self, CACHEIT_RESOURCE_SETTING_RETRY_DELAY));
}

/**
 * cacheit_resource_set_retry_delay:
 * @self: a resource
 * @retry_delay: milliseconds
 *
 * Sets [property@Resource:retry-delay].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_retry_delay (CacheitResource *self,
                                  guint            retry_delay)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_uint (g_value_init (&value, G_TYPE_UINT), retry_delay);
  set_setting (self, CACHEIT_RESOURCE_SETTING_RETRY_DELAY, &value);
}

/**
 * cacheit_resource_get_refresh_interval:
 * @self: a resource
 *
 * Gets every how many seconds @self revalidates its data.
 *
 * Returns: the value of [property@Resource:refresh-interval]
 *
 * Since: 1.0
 */
guint
cacheit_resource_get_refresh_interval (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), 0);

  return g_value_get_uint (setting (self, CACHEIT_RESOURCE_SETTING_REFRESH_INTERVAL));
}

/**
 * cacheit_resource_set_refresh_interval:
 * @self: a resource
 * @refresh_interval: seconds, or 0 for never
 *
 * Sets [property@Resource:refresh-interval].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_refresh_interval (CacheitResource *self,
                                       guint            refresh_interval)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_uint (g_value_init (&value, G_TYPE_UINT), refresh_interval);
  set_setting (self, CACHEIT_RESOURCE_SETTING_REFRESH_INTERVAL, &value);
}

/**
 * cacheit_resource_get_refetch_on_reconnect:
 * @self: a resource
 *
 * Gets whether @self refetches when the network comes back.
 *
 * Returns: the value of [property@Resource:refetch-on-reconnect]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_refetch_on_reconnect (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), FALSE);

  return g_value_get_boolean (setting (self, CACHEIT_RESOURCE_SETTING_REFETCH_ON_RECONNECT));
}

/**
 * cacheit_resource_set_refetch_on_reconnect:
 * @self: a resource
 * @refetch_on_reconnect: whether to refetch when the network comes back
 *
 * Sets [property@Resource:refetch-on-reconnect].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_refetch_on_reconnect (CacheitResource *self,
                                           gboolean         refetch_on_reconnect)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_boolean (g_value_init (&value, G_TYPE_BOOLEAN), refetch_on_reconnect);
  set_setting (self, CACHEIT_RESOURCE_SETTING_REFETCH_ON_RECONNECT, &value);
}

/**
 * cacheit_resource_get_app_active:
 * @self: a resource
 *
 * Gets whether the application using @self is in use.
 *
 * Returns: the value of [property@Resource:app-active]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_app_active (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), FALSE);

  return g_value_get_boolean (setting (self, CACHEIT_RESOURCE_SETTING_APP_ACTIVE));
}

/**
 * cacheit_resource_set_app_active:
 * @self: a resource
 * @app_active: whether the application is in use
 *
 * Sets [property@Resource:app-active].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_app_active (CacheitResource *self,
                                 gboolean         app_active)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_boolean (g_value_init (&value, G_TYPE_BOOLEAN), app_active);
  set_setting (self, CACHEIT_RESOURCE_SETTING_APP_ACTIVE, &value);
}

/**
 * cacheit_resource_get_pause_when_constrained:
 * @self: a resource
 *
 * Gets whether refetching in the background waits on a metered network and in power-saver mode.
 *
 * Returns: the value of [property@Resource:pause-when-constrained]
 *
 * Since: 1.0
 */
gboolean
cacheit_resource_get_pause_when_constrained (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), FALSE);

  return g_value_get_boolean (setting (self, CACHEIT_RESOURCE_SETTING_PAUSE_WHEN_CONSTRAINED));
}

/**
 * cacheit_resource_set_pause_when_constrained:
 * @self: a resource
 * @pause_when_constrained: whether to wait
 *
 * Sets [property@Resource:pause-when-constrained].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_pause_when_constrained (CacheitResource *self,
                                             gboolean         pause_when_constrained)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_boolean (g_value_init (&value, G_TYPE_BOOLEAN), pause_when_constrained);
  set_setting (self, CACHEIT_RESOURCE_SETTING_PAUSE_WHEN_CONSTRAINED, &value);
}

/**
 * cacheit_resource_get_snapshot_policy:
 * @self: a resource
 *
 * Gets which responses @self keeps on disk.
 *
 * Returns: the value of [property@Resource:snapshot-policy]
 *
 * Since: 1.0
 */
CacheitSnapshotPolicy
cacheit_resource_get_snapshot_policy (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), CACHEIT_SNAPSHOT_NONE);

  return g_value_get_enum (setting (self, CACHEIT_RESOURCE_SETTING_SNAPSHOT_POLICY));
}

/**
 * cacheit_resource_set_snapshot_policy:
 * @self: a resource
 * @policy: which responses to keep on disk
 *
 * Sets [property@Resource:snapshot-policy].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_snapshot_policy (CacheitResource       *self,
                                      CacheitSnapshotPolicy  policy)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));
  g_return_if_fail (policy <= CACHEIT_SNAPSHOT_ALL);

  g_value_set_enum (g_value_init (&value, CACHEIT_TYPE_SNAPSHOT_POLICY), policy);
  set_setting (self, CACHEIT_RESOURCE_SETTING_SNAPSHOT_POLICY, &value);
}

/**
 * cacheit_resource_get_error_message_pointer:
 * @self: a resource
 *
 * Gets where the server's message is in an error answer, as set on @self
 * or on what it follows.
 *
 * Returns: (nullable): the value of [property@Resource:error-message-pointer]
 *
 * Since: 1.0
 */
const char *
cacheit_resource_get_error_message_pointer (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), NULL);

  return g_value_get_string (setting (self, CACHEIT_RESOURCE_SETTING_ERROR_MESSAGE_POINTER));
}

/**
 * cacheit_resource_set_error_message_pointer:
 * @self: a resource
 * @pointer: (nullable): a JSON Pointer, or `NULL` for the common members
 *   (for an item, its collection's)
 *
 * Sets [property@Resource:error-message-pointer].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_error_message_pointer (CacheitResource *self,
                                            const char      *pointer)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  g_value_set_string (g_value_init (&value, G_TYPE_STRING), pointer);
  set_setting (self, CACHEIT_RESOURCE_SETTING_ERROR_MESSAGE_POINTER, &value);
}

/**
 * cacheit_resource_get_snapshot_directory:
 * @self: a resource
 *
 * Gets the directory of the snapshots, as set on @self or, for an item
 * that has none of its own, on its collection.
 *
 * Returns: (nullable) (type filename): the value of [property@Resource:snapshot-directory]
 *
 * Since: 1.0
 */
const char *
cacheit_resource_get_snapshot_directory (CacheitResource *self)
{
  g_return_val_if_fail (IS_RESOURCE (self), NULL);

  return g_value_get_string (setting (self, CACHEIT_RESOURCE_SETTING_SNAPSHOT_DIRECTORY));
}

/**
 * cacheit_resource_set_snapshot_directory:
 * @self: a resource
 * @directory: (nullable) (type filename): a directory, or `NULL` for the
 *   default (for an item, its collection's)
 *
 * Sets [property@Resource:snapshot-directory].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_snapshot_directory (CacheitResource *self,
                                         const char      *directory)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_return_if_fail (IS_RESOURCE (self));

  /* NULL is no directory of its own: an item follows its collection again. */
  g_value_set_string (g_value_init (&value, G_TYPE_STRING), directory);
  set_setting (self, CACHEIT_RESOURCE_SETTING_SNAPSHOT_DIRECTORY, &value);
}
