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

G_END_DECLS
