/* cacheit-http.c: pure HTTP policy, no resource in sight.
 *
 * The rules a request follows that need nothing but the request: which URLs
 * are fetched or written. Touches no GObject of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-http.h"
#include "cacheit-error.h"
#include "cacheit-private.h"

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
