/* cacheit-auth-request.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <glib-object.h>

#include "cacheit-version-macros.h"

G_BEGIN_DECLS

#define CACHEIT_TYPE_AUTH_REQUEST (cacheit_auth_request_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CacheitAuthRequest, cacheit_auth_request, CACHEIT, AUTH_REQUEST, GObject)

CACHEIT_AVAILABLE_IN_ALL
gboolean cacheit_auth_request_get_refresh  (CacheitAuthRequest *self);
CACHEIT_AVAILABLE_IN_ALL
void     cacheit_auth_request_return_token (CacheitAuthRequest *self,
                                            const char         *token);
CACHEIT_AVAILABLE_IN_ALL
void     cacheit_auth_request_return_error (CacheitAuthRequest *self,
                                            const GError       *error);
CACHEIT_AVAILABLE_IN_ALL
void     cacheit_auth_request_fail         (CacheitAuthRequest *self,
                                            const char         *message);

G_END_DECLS
