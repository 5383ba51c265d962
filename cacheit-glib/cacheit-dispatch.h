/* cacheit-dispatch.h: completes callers in their own main contexts, and
 * keeps the application running while work must not be lost.
 *
 * cacheit-dispatch.c owns the completions queued for each main context, many
 * at a time behind one source, always on a later iteration. It knows the
 * callers only as a GAsyncReadyCallback and its arguments: no GObject type of
 * the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @callback in @context, on a later iteration. Holds a reference to
 * @source_object and @result until @callback has run. A NULL @callback (a
 * caller that wants no result, as GIO allows) is nothing to run. */
void    _cacheit_dispatch                 (GMainContext        *context,
                                           GAsyncReadyCallback  callback,
                                           GObject             *source_object,
                                           GAsyncResult        *result,
                                           gpointer             user_data);

/* Work that must not be lost when the application quits (a write, a
 * snapshot): the default GApplication, when @context is the global default
 * context, is held until _cacheit_application_release(). Returns what to
 * release (NULL for nothing). */
GApplication *_cacheit_application_hold    (GMainContext  *context);
void          _cacheit_application_release (GApplication **application);

G_END_DECLS
