/* cacheit-decode.h: JSON bytes into json-glib values, through simdjson.
 *
 * The only unit that knows the decoder. Runs in worker threads and on the main
 * thread alike: it touches no resource. Every function here takes a body
 * followed by CACHEIT_BODY_PADDING readable bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cacheit-private.h"

G_BEGIN_DECLS

typedef enum
{
  CACHEIT_SHAPE_ANY,
  CACHEIT_SHAPE_OBJECT,
  CACHEIT_SHAPE_ARRAY,
} CacheitShape;

/* Decodes @data, goes to @root_pointer (RFC 6901; NULL or "" for the whole
 * document) and checks the value there has @shape. Errors are
 * CACHEIT_ERROR_INVALID_JSON, _TOO_DEEP and _WRONG_SHAPE, with a detail
 * message that names no URL. */
JsonNode *_cacheit_decode_node (const char    *data,
                                gsize          length,
                                const char    *root_pointer,
                                CacheitShape   shape,
                                GError       **error);

/* Whether @pointer is a syntactically valid RFC 6901 JSON Pointer. */
gboolean  _cacheit_json_pointer_is_valid (const char *pointer);

G_END_DECLS
