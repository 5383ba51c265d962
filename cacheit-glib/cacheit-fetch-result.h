/* cacheit-fetch-result.h: the GAsyncResult every caller of one fetch shares.
 *
 * cacheit-fetch-result.c owns that result: a weak reference to the resource
 * and a copy of the outcome, given to cacheit_resource_fetch_finish() as often
 * as it is asked. Main context only; it belongs to the resource's side, not
 * the worker's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cacheit-resource.h"

G_BEGIN_DECLS

#define CACHEIT_TYPE_FETCH_RESULT (cacheit_fetch_result_get_type ())
G_DECLARE_FINAL_TYPE (CacheitFetchResult, cacheit_fetch_result, CACHEIT, FETCH_RESULT, GObject)

CacheitFetchResult *_cacheit_fetch_result_new       (CacheitResource    *source,
                                                     const GError       *error);
gboolean            _cacheit_fetch_result_propagate (CacheitFetchResult *self,
                                                     GError            **error);

G_END_DECLS
