/* cacheit-model-private.h: what cacheit-model.c gives the library's other
 * units and does not export.
 *
 * cacheit-model.c owns a model's attributes (what shows, and what the server
 * last confirmed while writes of it wait) and their exact change signals
 * (R9). Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "cacheit-model.h"

G_BEGIN_DECLS

/* Applies @attributes to @self with exact signals (R9). Returns whether
 * anything changed. */
gboolean _cacheit_model_apply             (CacheitModel             *self,
                                           JsonObject               *attributes);

/* @self is an item of @collection (a weak reference), which its writes go
 * through. */
typedef struct _CacheitCollection CacheitCollection;
void     _cacheit_model_set_collection    (CacheitModel             *self,
                                           CacheitCollection        *collection);

/* Writes of the item @self that its collection sends. Before the first: what
 * shows is what the server confirmed. Then the item shows that with @changes
 * (JsonObject) on top, in order (a model's own writes show through the same);
 * and when one is accepted, @changes and @answer (nullable) join what the
 * server confirmed (and the item's own snapshot follows). */
void     _cacheit_model_begin_item_write  (CacheitModel             *self);
void     _cacheit_model_show_item         (CacheitModel             *self,
                                           GPtrArray                *changes);
void     _cacheit_model_confirm_item      (CacheitModel             *self,
                                           JsonObject               *changes,
                                           JsonObject               *answer);
/* What the server last confirmed of the item @self (its attributes when no
 * write of it waits). */
JsonObject *_cacheit_model_get_confirmed  (CacheitModel             *self);

G_END_DECLS
