/* cacheit-auth-request-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cacheit-auth-request.h"

G_BEGIN_DECLS

/* Runs once: with the token, with an error, or with neither (no token to
 * give: _cacheit_auth_request_decline()). */
typedef void (* CacheitAuthRequestFunc) (const char   *token,
                                         const GError *error,
                                         gpointer      user_data);

CacheitAuthRequest *_cacheit_auth_request_new     (gboolean                refresh,
                                                   CacheitAuthRequestFunc  func,
                                                   gpointer                user_data,
                                                   GDestroyNotify          destroy);
/* Nobody handled it: the requests waiting go without a token. */
void                _cacheit_auth_request_decline (CacheitAuthRequest     *self);

G_END_DECLS
