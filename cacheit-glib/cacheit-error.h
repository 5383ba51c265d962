/* cacheit-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <glib.h>
#include <json-glib/json-glib.h>

#include "cacheit-version-macros.h"

G_BEGIN_DECLS

/**
 * CACHEIT_ERROR:
 *
 * The error domain of cacheit-glib.
 *
 * Errors in this domain are from the [error@Error] enumeration. Errors of the
 * transport (`G_IO_ERROR`, `G_TLS_ERROR`, `G_RESOLVER_ERROR`) are passed
 * through unchanged.
 *
 * Since: 1.0
 */
#define CACHEIT_ERROR (cacheit_error_quark ())

/**
 * CacheitError:
 * @CACHEIT_ERROR_FAILED: an error that fits no other code
 * @CACHEIT_ERROR_NO_URL: the resource has no URL to fetch
 * @CACHEIT_ERROR_INVALID_URL: the URL of the resource cannot be parsed or is not HTTP(S)
 * @CACHEIT_ERROR_HTTP_STATUS: the server answered a fetch with an HTTP status of
 *   400 or more, or a write with one that is not 2xx; the status is given by
 *   [func@Cacheit.Error.get_http_status] and by [property@Resource:status]
 * @CACHEIT_ERROR_INVALID_JSON: the response is not valid JSON (this includes an
 *   empty body and invalid UTF-8)
 * @CACHEIT_ERROR_WRONG_SHAPE: the response is valid JSON but not of the shape the
 *   resource holds (an object for a model), or [property@Resource:root-pointer]
 *   does not point to anything in it
 * @CACHEIT_ERROR_TOO_LARGE: the decoded body is larger than
 *   [property@Resource:max-size]
 * @CACHEIT_ERROR_TOO_DEEP: the JSON is nested deeper than [const@MAX_DEPTH]
 * @CACHEIT_ERROR_NOT_CACHED: a fetch with `CACHEIT_FETCH_CACHE_ONLY` found
 *   nothing in memory or on disk
 * @CACHEIT_ERROR_UNAUTHORIZED: the client's authenticator gave no token, or
 *   the server refused the one it gave (see `CacheitClient::authenticate`
 *   and `CacheitClient::unauthorized`)
 * @CACHEIT_ERROR_RATE_LIMITED: the server limits the rate of requests and
 *   asked the client to wait longer than it waits for a request (see
 *   `CacheitClient:rate-limited-until`); nothing was sent
 *
 * Error codes of the `CACHEIT_ERROR` domain.
 *
 * Since: 1.0
 */
typedef enum
{
  CACHEIT_ERROR_FAILED,
  CACHEIT_ERROR_NO_URL,
  CACHEIT_ERROR_INVALID_URL,
  CACHEIT_ERROR_HTTP_STATUS,
  CACHEIT_ERROR_INVALID_JSON,
  CACHEIT_ERROR_WRONG_SHAPE,
  CACHEIT_ERROR_TOO_LARGE,
  CACHEIT_ERROR_TOO_DEEP,
  CACHEIT_ERROR_NOT_CACHED,
  CACHEIT_ERROR_UNAUTHORIZED,
  CACHEIT_ERROR_RATE_LIMITED,
} CacheitError;

/**
 * CACHEIT_MAX_DEPTH:
 *
 * The deepest nesting of arrays and objects that a response may have.
 *
 * A response nested deeper fails with `CACHEIT_ERROR_TOO_DEEP` before any
 * recursive code looks at it.
 *
 * Since: 1.0
 */
#define CACHEIT_MAX_DEPTH 256

CACHEIT_AVAILABLE_IN_ALL
GQuark cacheit_error_quark          (void);

CACHEIT_AVAILABLE_IN_ALL
guint  cacheit_error_get_http_status (const GError *error);
CACHEIT_AVAILABLE_IN_ALL
JsonNode   *cacheit_error_get_body           (const GError *error);
CACHEIT_AVAILABLE_IN_ALL
const char *cacheit_error_get_server_message (const GError *error);

G_END_DECLS
