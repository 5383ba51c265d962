/* cacheit-test-signals.h: what a resource emitted, and waiting for it, for
 * the C tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

G_BEGIN_DECLS

/* Counts and logs of the signals of one resource, from counters_connect()
 * on. */
typedef struct
{
  guint    n_sync;
  guint    n_error;
  guint    n_changed;
  guint    n_items_changed;
  guint    n_fetching;       /* notify::fetching */
  guint    n_stale;          /* notify::stale */
  guint    n_last_updated;   /* notify::last-updated */
  guint    n_status;         /* notify::status */
  GString *notify;           /* "NAME " per notify, in order. */
  GString *changed;          /* "NAME " per Model::changed, in order. */
  GString *items;            /* "POSITION,REMOVED,ADDED " per items-changed, in order. */
  GError  *error;            /* The last one ::error gave. */
} Counters;

void  counters_connect      (Counters          *c,
                             gpointer           object);
/* Forgets what was counted so far. */
void  counters_reset        (Counters          *c);
void  counters_clear        (Counters          *c);
/* How many times @name was notified. */
guint n_notified            (Counters          *c,
                             const char        *name);
/* Fails, naming it, on a notify of a property not in @allowed. */
void  assert_notified_only  (Counters          *c,
                             const char *const *allowed);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Counters, counters_clear)

/* What a 304 may notify: nothing about the data. */
extern const char *const notify_allowed_on_304[];

/* A signal handler that counts its emissions in *@counter. */
void  count_cb              (gpointer           instance,
                             gpointer           arg,
                             guint             *counter);

/* Fetches @resource and waits; checks that the callback runs once, never
 * from inside fetch_async(), then lets the context settle. */
gboolean cacheit_test_fetch_wait (gpointer           resource,
                                  CacheitFetchFlags  flags,
                                  GCancellable      *cancellable,
                                  GError           **error);
/* The same, which must succeed. */
void     cacheit_test_fetch_ok   (gpointer           resource,
                                  CacheitFetchFlags  flags);

/* @got (JSON text) is the same JSON value as @expected, whatever the order
 * of members and the spacing; fails showing both otherwise. */
void  assert_json           (const char        *got,
                             const char        *expected);
/* The attributes of @model are the JSON value @expected. */
void  assert_attributes     (gpointer           model,
                             const char        *expected);
/* The :last-updated of @resource, a new reference (or NULL). */
GDateTime *dup_last_updated (gpointer           resource);

/* Removes the file or directory @path and all below it, if it exists. */
void  remove_tree           (const char        *path);

/* A GSourceFunc that sets *@user_data (a gboolean) to TRUE. */
gboolean set_true_cb        (gpointer           user_data);

/* Iterates the main context until @cond; fails after 30 s. */
#define WAIT_UNTIL(cond) G_STMT_START {                                         \
    gboolean wait_timed_out_ = FALSE;                                           \
    guint wait_id_ = g_timeout_add_seconds (30, set_true_cb, &wait_timed_out_); \
    while (!(cond) && !wait_timed_out_)                                         \
      g_main_context_iteration (NULL, TRUE);                                    \
    if (wait_timed_out_)                                                        \
      g_assert_true (cond);                                                     \
    g_source_remove (wait_id_);                                                 \
  } G_STMT_END

G_END_DECLS
