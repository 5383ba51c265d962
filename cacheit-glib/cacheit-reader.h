/* cacheit-reader.h: a body stream into bytes, with max-size counted on the
 * decoded bytes (R12).
 *
 * cacheit-reader.c owns reading one body: the buffers it grows into and the
 * limit. The bytes it gives are followed by CACHEIT_BODY_PADDING zero bytes
 * (see cacheit-decode.h). Touches no GObject of the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void    _cacheit_read_body_async          (GInputStream        *stream,
                                           gint64               size_hint,
                                           guint64              max_size,
                                           int                  io_priority,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes *_cacheit_read_body_finish         (GInputStream        *stream,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
