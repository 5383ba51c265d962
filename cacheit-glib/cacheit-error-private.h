/* cacheit-error-private.h: what cacheit-error.c gives the other units and
 * does not export.
 *
 * cacheit-error.c owns the error domain: the errors of CACHEIT_ERROR that
 * name a URL (always made safe to show first), and the one-time binding of
 * the library's text domain, which its messages are the first to need.
 * Touches no GObject of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "cacheit-error.h"

G_BEGIN_DECLS

GError *_cacheit_error_new_http           (const char   *safe_url,
                                           guint         status,
                                           const char   *reason);
/* The same, with the JSON @body of the error answer (NULL for none), which
 * goes with the error, sealed (cacheit_error_get_body()), and @said, what
 * the server said in it (NULL for nothing), which goes into the message.
 * What an answer says is read by _cacheit_http_error_for_answer(). */
GError *_cacheit_error_new_http_answer    (const char   *safe_url,
                                           guint         status,
                                           const char   *reason,
                                           JsonNode     *body,
                                           const char   *said);
GError *_cacheit_error_new_for_url        (CacheitError  code,
                                           const char   *safe_url,
                                           const char   *detail);
/* @error (taken), an error of the worker side (decoding, limits), which
 * names no URL, as one that names @safe_url: a CACHEIT_ERROR is made anew
 * for it (TOO_LARGE saying @max_size), any other is returned as it is. */
GError *_cacheit_error_for_url_take       (GError       *error,
                                           const char   *safe_url,
                                           guint64       max_size);
char   *_cacheit_uri_to_safe_string       (const char   *url);

/* Binds the text domain, once. */
void    _cacheit_init_i18n                (void);

G_END_DECLS
