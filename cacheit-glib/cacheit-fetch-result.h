/* cacheit-fetch-result.h: the GAsyncResult every caller of one fetch shares.
 *
 * cacheit-fetch-result.c owns that result: a weak reference to its source
 * object, its source tag and a copy of the outcome, given to the finish
 * function as often as it is asked. It knows its source only as a GObject:
 * no GObject type of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CACHEIT_TYPE_FETCH_RESULT (cacheit_fetch_result_get_type ())
G_DECLARE_FINAL_TYPE (CacheitFetchResult, cacheit_fetch_result, CACHEIT, FETCH_RESULT, GObject)

/* A result of @source (held weakly) tagged @source_tag, with a copy of
 * @error (NULL for a success). */
CacheitFetchResult *_cacheit_fetch_result_new       (GObject            *source,
                                                     gpointer            source_tag,
                                                     const GError       *error);
gboolean            _cacheit_fetch_result_propagate (CacheitFetchResult *self,
                                                     GError            **error);

G_END_DECLS
