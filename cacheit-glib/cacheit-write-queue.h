/* cacheit-write-queue.h: the writes of a resource, sent one at a time.
 *
 * cacheit-write-queue.c owns a resource's writes (saves, creates, destroys)
 * waiting or in flight, the count of those of an item that its collection
 * sends, and the epoch that tells a fetch a write started or ended since its
 * request. Each attempt goes through a flight of its own (cacheit-flight.c),
 * which nobody else joins. An answer that is no error invalidates the URLs
 * it names for every resource of the process (cacheit-invalidation.h) and
 * expires their snapshots (cacheit-resource-snapshot.h). What a write needs
 * of the resources (::request, the session, :status, the snapshot's
 * storability) it asks through CacheitWriteQueueHooks: the queue calls no
 * function of cacheit-resource.c. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

/* For the CacheitResource type the ops and hooks are given. */
#include "cacheit-resource.h"

G_BEGIN_DECLS

/* What a kind of write does. @owner is the resource whose queue holds it. */
typedef struct
{
  /* When its turn comes: the request's method, URL and body (NULL for none). */
  gboolean (* prepare)  (CacheitResource  *owner,
                         gpointer          data,
                         char            **method,
                         char            **url,
                         GBytes          **body,
                         GError          **error);
  /* The server accepted it; @answer is the object it sent back, or NULL.
   * Returns what the caller's task returns: a new reference to an object,
   * or NULL for TRUE. */
  GObject *(* commit)   (CacheitResource  *owner,
                         gpointer          data,
                         JsonObject       *answer);
  /* It failed, or was cancelled: undo its change, if it showed one. Called
   * after it left the queue. */
  void     (* rollback) (CacheitResource  *owner,
                         gpointer          data);
  /* Optional: whether a 2xx answer that cannot be read undoes the write
   * instead of keeping it (a create: its item would have no id). */
  gboolean (* needs_answer) (CacheitResource *owner,
                             gpointer         data);
  GDestroyNotify data_free;
} CacheitWriteOps;

/* What the queue asks of the resources. @target is the resource a write is
 * made for (the source object of its task: the model saved or destroyed, or
 * the collection of a create), whose settings and ::request handlers it goes
 * through; @owner the one whose queue holds it. */
typedef struct
{
  /* A write was queued or ended: :saving may have changed from @was_saving. */
  void          (* changed)  (CacheitResource *owner,
                              gboolean         was_saving);
  /* A request of @target is about to be sent: ::request runs on it. Gives
   * the session that sends it, the largest answer accepted and where the
   * server's message is in an error answer (NULL: the common members). */
  SoupSession  *(* request)  (CacheitResource  *target,
                              SoupMessage      *message,
                              guint64          *max_size,
                              const char      **error_message_pointer);
  /* @message was answered (a status, any): what it says of the data. */
  void          (* answered) (CacheitResource *owner,
                              CacheitResource *target,
                              SoupMessage     *message);
  /* The server may have applied a write whose outcome is not known, or whose
   * answer could not be read: the data in hand is to be revalidated. */
  void          (* invalidate) (CacheitResource *owner);
} CacheitWriteQueueHooks;

typedef struct
{
  CacheitResource              *owner;    /* Not owned: it embeds this. */
  const CacheitWriteQueueHooks *hooks;
  GMainContext                 *context;  /* Not owned: the owner's. */
  GQueue                        writes;
  guint                         n_item_writes;
  guint                         epoch;
} CacheitWriteQueue;

void     _cacheit_write_queue_init       (CacheitWriteQueue            *self,
                                          CacheitResource              *owner,
                                          const CacheitWriteQueueHooks *hooks,
                                          GMainContext                 *context);

/* Queues a write with @data, which @ops frees; the first in the queue is
 * sent. @task (its cancellable too) is completed with the outcome; its
 * change must already show (unless the caller asked to wait). @root_pointer
 * (nullable) is where the object is in the answer. */
void     _cacheit_write_queue_push       (CacheitWriteQueue            *self,
                                          const CacheitWriteOps        *ops,
                                          gpointer                      data,
                                          const char                   *root_pointer,
                                          GTask                        *task);
/* A write of the owner (an item) that another queue (its collection's)
 * sends started or ended. */
void     _cacheit_write_queue_item_write (CacheitWriteQueue            *self,
                                          gboolean                      started);

/* Whether writes are waiting or in flight, the owner's own or another's of
 * it; and whether the owner's own are. */
gboolean _cacheit_write_queue_busy       (CacheitWriteQueue            *self);
gboolean _cacheit_write_queue_has_own    (CacheitWriteQueue            *self);
/* Moves on whenever a write is queued or ends: an answer to a request made
 * at another epoch may predate a write. */
guint    _cacheit_write_queue_get_epoch  (CacheitWriteQueue            *self);
/* @func on the data of each write waiting or in flight, in order. */
void     _cacheit_write_queue_foreach    (CacheitWriteQueue            *self,
                                          GFunc                         func,
                                          gpointer                      user_data);

G_END_DECLS
