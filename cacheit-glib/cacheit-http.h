/* cacheit-http.h: pure HTTP policy, no resource in sight.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The one URL check of fetches and writes: @url parsed, or NULL with
 * CACHEIT_ERROR_NO_URL (NULL or empty) or CACHEIT_ERROR_INVALID_URL (not an
 * http or https URL with a host). */
GUri     *_cacheit_http_check_url          (const char  *url,
                                            GError     **error);

/* Whether @method may be sent twice with the effect of once (RFC 9110,
 * section 9.2.2): PUT and DELETE among writes, not POST or PATCH. */
gboolean  _cacheit_http_method_idempotent  (const char  *method);

/* Whether a write answered @status is sent again, with the same method and
 * body, to its Location (RFC 9110, 15.4.8 and 15.4.9): 307 and 308. */
gboolean  _cacheit_http_status_resends     (guint        status);

/* How many times one write follows a 307 or 308. */
#define CACHEIT_HTTP_MAX_WRITE_REDIRECTS 5

/* Where a write answered by @message (a 307 or 308) goes next: its Location
 * resolved against the request's URL, checked as a URL is; NULL with an
 * error when there is none or it is not an HTTP(S) URL. */
GUri     *_cacheit_http_redirect_uri       (SoupMessage *message,
                                            GError     **error);

G_END_DECLS
