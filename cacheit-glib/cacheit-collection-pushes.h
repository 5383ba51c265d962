/* cacheit-collection-pushes.h: the items an application pushed into a
 * collection (from a WebSocket, a server-sent events stream), and keeping
 * them on top of the server's data until it changes.
 *
 * cacheit-collection-pushes.c owns the pushes of one collection: for each
 * id, what was pushed (an object, or a removal), where it goes, and the
 * server's object for that id when it was first pushed (or none). Applying
 * them to an index is a pure function, run in the worker on each fetched
 * list: a push whose item the server has changed since (or added, or
 * removed) has done its work and is forgotten; the others are applied
 * again, so that no refetch puts back what a push removed or changed.
 * The set itself is changed in the main context only; a copy taken there
 * can be applied in any thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cacheit-collection.h"
#include "cacheit-decode.h"

G_BEGIN_DECLS

typedef struct _CacheitPushes CacheitPushes;

CacheitPushes *_cacheit_pushes_new    (void);
void           _cacheit_pushes_free   (CacheitPushes *self);
/* The same pushes, to be applied in another thread: NULL when none. */
CacheitPushes *_cacheit_pushes_copy   (CacheitPushes *self);
gboolean       _cacheit_pushes_is_empty (CacheitPushes *self);
/* Forgets every push (the URL names other data). */
void           _cacheit_pushes_clear  (CacheitPushes *self);
/* How many pushes were made so far: a push is newer than a copy made at
 * serial N when its serial is larger. */
guint          _cacheit_pushes_get_serial (CacheitPushes *self);

/* Records a push for the item with @key: @page (a one-item index of the
 * pushed object, transfer none) placed @where, or a removal (@page NULL).
 * @shown is the data the list shows, whose object of @key is the server's
 * (nullable), unless an earlier push of @key is still recorded. */
void           _cacheit_pushes_add    (CacheitPushes *self,
                                       const char    *key,
                                       CacheitIndex  *page,
                                       CacheitUpsert  where,
                                       CacheitIndex  *shown);

/* @index (transfer none) with the pushes made after @since on top, as a
 * new index. With @server, the server's data that came (the whole list,
 * or with @page one page of it), each push is checked first: one whose
 * item the server has not as it was when it was pushed is not applied,
 * and its key is added to @expired; with @page, a push whose key is not on
 * the page is left as it is. */
CacheitIndex  *_cacheit_pushes_apply  (CacheitPushes *self,
                                       CacheitIndex  *index,
                                       CacheitIndex  *server,
                                       gboolean       page,
                                       guint          since,
                                       const char    *id_attribute,
                                       GPtrArray     *expired);
/* Forgets the pushes of @keys (char *) made up to @upto. */
void           _cacheit_pushes_expire (CacheitPushes *self,
                                       GPtrArray     *keys,
                                       guint          upto);

G_END_DECLS
