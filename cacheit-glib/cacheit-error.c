/* cacheit-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "cacheit-error.h"
#include "cacheit-error-private.h"

/* An extended error domain (GLib 2.68): errors of CACHEIT_ERROR carry the
 * HTTP status with them, so that cacheit_error_get_http_status() works on any
 * copy of the error, such as the one in CacheitResource:last-error.
 * G_DEFINE_EXTENDED_ERROR would register the domain under its type name; the
 * domain's name is part of our ABI ("cacheit-error-quark"), so it is
 * registered here by hand. */

typedef struct
{
  guint     http_status;
  JsonNode *body;             /* The JSON of the error answer, or NULL. */
  char     *server_message;   /* What the server said in it, or NULL. */
} CacheitErrorPrivate;

static inline CacheitErrorPrivate *
cacheit_error_get_private (const GError *error)
{
  /* The private data sits right before the GError, aligned as GLib aligns it. */
  const gsize sa = 2 * sizeof (gsize);
  const gsize as = (sizeof (CacheitErrorPrivate) + (sa - 1)) & -sa;

  /* GLib allocates it aligned for any type: the cast is safe. */
  return (CacheitErrorPrivate *) (gpointer) (((guint8 *) error) - as);
}

static void
cacheit_error_private_init (GError *error)
{
  CacheitErrorPrivate *priv = cacheit_error_get_private (error);

  priv->http_status = 0;
  priv->body = NULL;
  priv->server_message = NULL;
}

static void
cacheit_error_private_copy (const GError *src,
                            GError       *dest)
{
  CacheitErrorPrivate *from = cacheit_error_get_private (src);
  CacheitErrorPrivate *to = cacheit_error_get_private (dest);

  to->http_status = from->http_status;
  /* A body is never changed once in an error: shared, sealed. */
  to->body = from->body != NULL ? json_node_ref (from->body) : NULL;
  to->server_message = g_strdup (from->server_message);
}

static void
cacheit_error_private_clear (GError *error)
{
  CacheitErrorPrivate *priv = cacheit_error_get_private (error);

  g_clear_pointer (&priv->body, json_node_unref);
  g_clear_pointer (&priv->server_message, g_free);
}

/**
 * cacheit_error_quark:
 *
 * The error domain of cacheit-glib.
 *
 * Returns: the quark of `CACHEIT_ERROR`
 *
 * Since: 1.0
 */
GQuark
cacheit_error_quark (void)
{
  static GQuark q;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      _cacheit_init_i18n ();
      q = g_error_domain_register_static ("cacheit-error-quark",
                                          sizeof (CacheitErrorPrivate),
                                          cacheit_error_private_init,
                                          cacheit_error_private_copy,
                                          cacheit_error_private_clear);
      g_once_init_leave (&initialized, 1);
    }

  return q;
}

/**
 * cacheit_error_get_http_status:
 * @error: an error
 *
 * Gets the HTTP status that made a fetch or a write fail with
 * `CACHEIT_ERROR_HTTP_STATUS`.
 *
 * The status travels with the error and its copies in C and gjs. From Python,
 * whose exceptions keep only the domain, code and message, read
 * [property@Resource:status] instead: fetches and writes set it.
 *
 * Returns: the HTTP status, or 0 if @error is not an HTTP status error
 *
 * Since: 1.0
 */
guint
cacheit_error_get_http_status (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (!g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS))
    return 0;

  return cacheit_error_get_private (error)->http_status;
}

GError *
_cacheit_error_new_http (const char *safe_url,
                         guint       status,
                         const char *reason)
{
  return _cacheit_error_new_http_answer (safe_url, status, reason, NULL, NULL);
}

GError *
_cacheit_error_new_http_answer (const char *safe_url,
                                guint       status,
                                const char *reason,
                                JsonNode   *body,
                                const char *said)
{
  CacheitErrorPrivate *priv;
  GError *error;

  if (reason == NULL || *reason == '\0')
    reason = soup_status_get_phrase (status);
  if (said != NULL)
    /* Translators: as "The server answered %u %s for %s", then what the
     * server said, in its own words: "Validation Failed". */
    error = g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS,
                         _("The server answered %u %s for %s: %s"),
                         status, reason != NULL ? reason : "", safe_url, said);
  else
    /* Translators: the first %u is an HTTP status such as 404, the %s after it
     * its reason such as "Not Found", the last %s a URL. */
    error = g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS,
                         _("The server answered %u %s for %s"),
                         status, reason != NULL ? reason : "", safe_url);

  priv = cacheit_error_get_private (error);
  priv->http_status = status;
  if (body != NULL)
    {
      json_node_seal (body);
      priv->body = json_node_ref (body);
    }
  priv->server_message = g_strdup (said);

  return error;
}

/**
 * cacheit_error_get_body:
 * @error: a `GError`
 *
 * Gets the JSON body the server sent with an error answer
 * (`{"message": "Validation Failed", "errors": […]}` from GitHub,
 * `{"error": "Record not found"}` from Mastodon), for an error of
 * `CACHEIT_ERROR_HTTP_STATUS` from a fetch or a write, or a copy of one
 * ([property@Resource:last-error]). The first 64 KiB of a body are read; a
 * body that is not JSON, or longer, is none. The node is immutable.
 *
 * Returns: (transfer none) (nullable): the body, or `NULL`
 *
 * Since: 1.0
 */
JsonNode *
cacheit_error_get_body (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (!g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS))
    return NULL;

  return cacheit_error_get_private (error)->body;
}

/**
 * cacheit_error_get_server_message:
 * @error: a `GError`
 *
 * Gets what the server said in the body of an error answer, as it is in
 * the error's message: at [property@Resource:error-message-pointer], or in
 * the common members (`message`, `error_description`, `error`, `detail`,
 * `title`, the first of `errors`). It is on one line, without control
 * characters, and at most 200 characters long. It is the server's text:
 * escape it before putting it in Pango markup.
 *
 * Returns: (nullable): the server's message, or `NULL`
 *
 * Since: 1.0
 */
const char *
cacheit_error_get_server_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (!g_error_matches (error, CACHEIT_ERROR, CACHEIT_ERROR_HTTP_STATUS))
    return NULL;

  return cacheit_error_get_private (error)->server_message;
}

GError *
_cacheit_error_new_for_url (CacheitError  code,
                            const char   *safe_url,
                            const char   *detail)
{
  switch (code)
    {
    case CACHEIT_ERROR_NO_URL:
      return g_error_new_literal (CACHEIT_ERROR, code,
                                  _("The resource has no URL to fetch"));

    case CACHEIT_ERROR_INVALID_URL:
      /* The URL is not shown: it could not be parsed, so the user info in it
       * could not be left out. */
      return g_error_new_literal (CACHEIT_ERROR, code,
                                  _("The URL of the resource is not a valid HTTP or HTTPS URL"));

    case CACHEIT_ERROR_INVALID_JSON:
      /* Translators: the first %s is a URL, the second a detail in English. */
      return g_error_new (CACHEIT_ERROR, code,
                          _("The response from %s is not valid JSON: %s"),
                          safe_url, detail);

    case CACHEIT_ERROR_WRONG_SHAPE:
      /* Translators: the first %s is a URL, the second says what was wrong. */
      return g_error_new (CACHEIT_ERROR, code,
                          _("The response from %s is not of the expected shape: %s"),
                          safe_url, detail);

    case CACHEIT_ERROR_TOO_LARGE:
      /* Translators: the first %s is a URL, the second a size such as "256 MB". */
      return g_error_new (CACHEIT_ERROR, code,
                          _("The response from %s is larger than the limit of %s"),
                          safe_url, detail);

    case CACHEIT_ERROR_TOO_DEEP:
      /* Translators: %s is a URL, %d a number of levels. */
      return g_error_new (CACHEIT_ERROR, code,
                          _("The response from %s is nested deeper than %d levels"),
                          safe_url, CACHEIT_MAX_DEPTH);

    case CACHEIT_ERROR_HTTP_STATUS:
      return _cacheit_error_new_http (safe_url, 0, detail);

    case CACHEIT_ERROR_NOT_CACHED:
      /* Translators: %s is a URL. A fetch that may not use the network
       * found no data in memory nor on disk. */
      return g_error_new (CACHEIT_ERROR, code,
                          _("Nothing is cached for %s"), safe_url);

    case CACHEIT_ERROR_UNAUTHORIZED:
    case CACHEIT_ERROR_RATE_LIMITED:
      /* The client's gate said why, and named the host. */
      return g_error_new_literal (CACHEIT_ERROR, code, detail);

    case CACHEIT_ERROR_FAILED:
    default:
      /* Translators: the first %s is a URL, the second a detail in English. */
      return g_error_new (CACHEIT_ERROR, CACHEIT_ERROR_FAILED,
                          _("Fetching %s failed: %s"),
                          safe_url, detail);
    }
}

char *
_cacheit_uri_to_safe_string (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL)
    return g_strdup ("(none)");

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, NULL);
  if (uri == NULL)
    return g_strdup (_("(an invalid URL)"));

  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_AUTH_PARAMS);
}

void
_cacheit_init_i18n (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

GError *
_cacheit_error_for_url_take (GError     *error,
                             const char *safe_url,
                             guint64     max_size)
{
  g_autofree char *detail = NULL;
  GError *wrapped;

  if (error->domain != CACHEIT_ERROR)
    return error;

  if (error->code == CACHEIT_ERROR_TOO_LARGE)
    detail = g_format_size (max_size);

  wrapped = _cacheit_error_new_for_url (error->code, safe_url, detail != NULL ? detail : error->message);
  g_error_free (error);

  return wrapped;
}
