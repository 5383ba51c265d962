/* cacheit-model-private.h: what cacheit-model.c gives the library's other
 * units and does not export.
 *
 * cacheit-model.c owns a model's attributes (what shows, and what the server
 * last confirmed while writes of it wait) and their exact change signals
 * (R9), and the writes it sends itself; an item's writes go through the
 * hook its host (its collection) gave it, the model knowing nothing else of
 * the host. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cacheit-model.h"

G_BEGIN_DECLS

/* Applies @attributes to @self with exact signals (R9). Returns whether
 * anything changed. */
gboolean _cacheit_model_apply             (CacheitModel             *self,
                                           JsonObject               *attributes);

/* What the host of an item (its collection) does for it: the item's saves
 * and destroys go through the host, which keeps its list and its other items
 * coherent with them. The model knows its host by this alone. */
typedef struct
{
  /* Queues a write of its item @item on @host (a save of @changes, or a
   * destroy) with @task. Returns FALSE when @item is not in @host (then
   * nothing was done, and the item writes itself). */
  gboolean (* write_item) (gpointer      host,
                           CacheitModel *item,
                           gboolean      destroy,
                           JsonObject   *changes,
                           guint         flags,
                           GTask        *task);
} CacheitItemHost;

/* @self is an item of @host_object (a weak reference), which its writes go
 * through @host while it lives; @host_object is the first argument of its
 * functions. An item that outlives its host writes itself. */
void     _cacheit_model_set_host          (CacheitModel             *self,
                                           const CacheitItemHost    *host,
                                           GObject                  *host_object);

/* Makes @self, a model made on its own (by a client), an item of
 * @host_object as by _cacheit_model_set_host(), showing @attributes (the
 * host's data of it, with exact signals). Returns FALSE, and does nothing,
 * when @self cannot be one: it is an item of another host that lives, a
 * write of its own waits (the host's list would not follow it), or it shows
 * another URL's data (R13). */
gboolean _cacheit_model_adopt             (CacheitModel             *self,
                                           const CacheitItemHost    *host,
                                           GObject                  *host_object,
                                           JsonObject               *attributes);

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

/* A placeholder row of a collection (CacheitModel:loaded FALSE), of
 * @item_type (a CacheitModel type), with no URL and no attributes. */
CacheitModel *_cacheit_model_new_placeholder (GType item_type);

G_END_DECLS
