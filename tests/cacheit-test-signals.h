/* cacheit-test-signals.h: what a resource emitted, and waiting for it, for
 * the C tests.
 *
 * One recorder (Counters), one items-changed format ("POSITION-REMOVED+ADDED
 * ", log_items_changed()), one pair of counting callbacks (count_cb(),
 * count0_cb()) and one way to wait (cacheit_test_wait_until()) for every
 * suite.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cacheit.h>

#include "cacheit-test-server.h"

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
  GString *items;            /* log_items_changed()'s "POSITION-REMOVED+ADDED ", in order. */
  GError  *error;            /* The last one ::error gave. */
  GObject *object;           /* Weak: what they count, disconnected by counters_clear(). */
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

/* A handler of a signal with one argument (notify, changed, error,
 * request...) that counts its emissions in *@counter. */
void  count_cb              (gpointer           instance,
                             gpointer           arg,
                             guint             *counter);
/* The same for a signal with no argument (sync). */
void  count0_cb             (gpointer           instance,
                             guint             *counter);

/* The one format of an items-changed log, for every suite (GTK's
 * testsuite/gtk/maplistmodel.c logs the same way): appends
 * "POSITION-REMOVED+ADDED " to @log, after checking that @list already holds
 * the items the change added. */
void  log_items_changed     (GString           *log,
                             GListModel        *list,
                             guint              position,
                             guint              removed,
                             guint              added);
/* log_items_changed() as an items-changed handler, @log its user data. */
void  log_items_changed_cb  (GListModel        *list,
                             guint              position,
                             guint              removed,
                             guint              added,
                             GString           *log);

/* Fetches @resource and waits; checks that the callback runs once, never
 * from inside fetch_async(), then lets the context settle. */
gboolean cacheit_test_fetch_wait (gpointer           resource,
                                  CacheitFetchFlags  flags,
                                  GCancellable      *cancellable,
                                  GError           **error);
/* The same, which must succeed. */
void     cacheit_test_fetch_ok   (gpointer           resource,
                                  CacheitFetchFlags  flags);
/* @path of @server answers 200 with @json; then @resource is fetched with
 * CACHEIT_FETCH_RELOAD (a request, whatever it holds) by
 * cacheit_test_fetch_ok(). */
void     cacheit_test_serve_and_fetch (CacheitTestServer *server,
                                       gpointer           resource,
                                       const char        *path,
                                       const char        *json);

/* @got (JSON text) is the same JSON value as @expected, whatever the order
 * of members and the spacing; fails showing both otherwise. */
void  assert_json           (const char        *got,
                             const char        *expected);
/* The attributes of @model are the JSON value @expected. */
void  assert_attributes     (gpointer           model,
                             const char        *expected);
/* The :last-updated of @resource, a new reference (or NULL). */
GDateTime *dup_last_updated (gpointer           resource);

/* Waits until the snapshot thread did every write asked for so far, and
 * removes the snapshots of @directory (as cacheit_client_clear_async()),
 * before a test removes @directory: a revalidation may have queued one. */
void  cacheit_test_clear_snapshots (const char    *directory);
/* Removes the file or directory @path and all below it, if it exists. */
void  remove_tree           (const char        *path);
/* How many entries @directory has (0 when it does not exist). */
guint count_files           (const char        *directory);

/* How long cacheit_test_wait_until() waits before it fails the test. */
#define CACHEIT_TEST_WAIT_SECONDS 30

/* A timeout in the thread-default main context, for
 * cacheit_test_wait_until(). */
typedef struct
{
  GSource  *source;
  gboolean  passed;
} CacheitTestDeadline;

void  cacheit_test_deadline_start (CacheitTestDeadline *deadline);
void  cacheit_test_deadline_stop  (CacheitTestDeadline *deadline);

/* The one way the C tests wait: iterates the thread-default main context
 * until @cond holds (a flag, `completion.done`, a count...). When it still
 * does not after CACHEIT_TEST_WAIT_SECONDS, the test fails, naming @cond,
 * instead of hanging the suite. */
#define cacheit_test_wait_until(cond) G_STMT_START {                          \
    CacheitTestDeadline wait_deadline_;                                         \
    cacheit_test_deadline_start (&wait_deadline_);                              \
    while (!(cond) && !wait_deadline_.passed)                                   \
      g_main_context_iteration (g_main_context_get_thread_default (), TRUE);    \
    cacheit_test_deadline_stop (&wait_deadline_);                               \
    if (wait_deadline_.passed)                                                  \
      g_assert_true (cond);                                                     \
  } G_STMT_END

G_END_DECLS
