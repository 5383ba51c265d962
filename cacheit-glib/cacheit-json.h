/* cacheit-json.h: json-glib values into GObject property values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Converts @node (NULL for a missing member) to a value of @pspec's type in
 * @value, which must be initialised to that type. A missing member or JSON
 * null gives the property's default. Returns FALSE, with @value unchanged,
 * when the JSON value cannot be converted or is out of the property's range. */
gboolean _cacheit_json_to_value (JsonNode   *node,
                                 GParamSpec *pspec,
                                 GValue     *value);

/* Whether two values of @pspec's type are equal; boxed values (string
 * arrays, JSON values, dates) by their contents. */
gboolean _cacheit_values_equal  (GParamSpec   *pspec,
                                 const GValue *a,
                                 const GValue *b);

/* @node as JSON text, followed by @padding zero bytes. Fails with
 * CACHEIT_ERROR_TOO_DEEP when @node is nested deeper than CACHEIT_MAX_DEPTH. */
GBytes  *_cacheit_json_to_padded_bytes (JsonNode  *node,
                                        gsize      padding,
                                        GError   **error);

/* @length bytes of JSON @text placed where the JSON Pointer @pointer (NULL
 * or "" for the whole document) points, in objects made for it: what a
 * resource with that root-pointer decodes back to @text. Followed by
 * @padding zero bytes. */
GBytes     *_cacheit_json_wrap_text       (const char *text,
                                           gsize       length,
                                           const char *pointer,
                                           gsize       padding);

/* A new object: the members of @base (nullable), then those of @changes
 * (nullable), which replace members of the same name. */
JsonObject *_cacheit_json_object_merge    (JsonObject *base,
                                           JsonObject *changes);

/* @object as JSON text, wrapped for @pointer as by _cacheit_json_wrap_text(). */
GBytes     *_cacheit_json_object_to_bytes (JsonObject *object,
                                           const char *pointer,
                                           GError    **error);

G_END_DECLS
