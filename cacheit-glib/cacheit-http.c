/* cacheit-http.c: pure HTTP policy, no resource in sight.
 *
 * The rules a request follows that need nothing but the request: which URLs
 * are fetched or written, which writes may be sent again, where a write is
 * sent again. Touches no GObject of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-http.h"
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
