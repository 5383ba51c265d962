/* cacheit-store.h: snapshots of bodies on disk, one file per key, bounded in
 * size with least-recently-used eviction.
 *
 * Every call blocks on the file system: call them from worker threads. Keys
 * are not empty (URLs); they are kept in the files as they are given. A
 * store is immutable once made, so any thread may use it, and any number of
 * stores, in any number of processes, may share one directory: files are
 * replaced by atomic renames, so a reader sees a whole file or none, and
 * every step tolerates files that appear or vanish under it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A reasonable bound for a store of one application's snapshots. */
#define CACHEIT_STORE_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024)

typedef struct _CacheitStore CacheitStore;

/* The last good body for one key, as it was received, and what was known of
 * it. Immutable, shared between threads by reference. */
typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  /* Followed by CACHEIT_BODY_PADDING (cacheit-decode.h) zero bytes,
   * readable; its size is the body's length. The one holder of a snapshot
   * just loaded may drop it (NULL) once decoded, before sharing the
   * snapshot. */
  GBytes *body;
  char   *etag;           /* Nullable. */
  char   *last_modified;  /* Nullable. */
  /* Wall-clock Unix time, in seconds, when the server last confirmed the
   * body (a 200 or a 304). */
  gint64  stored_at;
  /* Seconds the body stays fresh after stored_at; -1 for ever. */
  gint64  lifetime;
  /* What else its freshness needs (cacheit-freshness.c's string, kept as
   * given); nullable. */
  char   *caching;
} CacheitSnapshot;

CacheitSnapshot *_cacheit_snapshot_ref   (CacheitSnapshot *self);
void             _cacheit_snapshot_unref (CacheitSnapshot *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitSnapshot, _cacheit_snapshot_unref)

/* The default directory of snapshots:
 * $XDG_CACHE_HOME/<g_get_prgname() or "cacheit-glib">/cacheit. */
char         *_cacheit_store_default_directory (void);

/* A store of snapshots in @directory, which is created (mode 0700, with its
 * parents) on the first save. Its files total at most @max_bytes after each
 * save: 0 keeps nothing, G_MAXUINT64 sets no bound. Nothing is read or
 * written yet. */
CacheitStore *_cacheit_store_new        (const char    *directory,
                                         guint64        max_bytes);
CacheitStore *_cacheit_store_ref        (CacheitStore  *self);
void          _cacheit_store_unref      (CacheitStore  *self);

const char   *_cacheit_store_get_directory (CacheitStore *self);
guint64       _cacheit_store_get_max_bytes (CacheitStore *self);

/* The file that holds, or would hold, the snapshot of @key: named by the
 * SHA-256 of @key. For tests and debug output. */
char         *_cacheit_store_get_path   (CacheitStore  *self,
                                         const char    *key);

/* The snapshot of @key, or NULL. NULL without an error when there is none,
 * and when the file is not a whole, intact snapshot of @key (truncated,
 * corrupt, of another format or version, or written for another key): such a
 * file is removed, with a g_debug() line that names it and says why. Errors
 * (G_IO_ERROR) are for files that exist but cannot be read. A snapshot
 * loaded counts as used: it is the last to be evicted. */
CacheitSnapshot *_cacheit_store_load    (CacheitStore  *self,
                                         const char    *key,
                                         GError       **error);

/* Replaces the snapshot of @key (@body is its real length; it need not be
 * padded) atomically: a new file is written beside it, then renamed over it.
 * Then, when the store's files total more than max-bytes, evicts the least
 * recently used snapshots (other than this one) until they total at most an
 * eighth less. The total is this process's count, from its last scan of the
 * directory and its own saves since (see cacheit-store.c): a save lists the
 * directory only at times, not each time. A snapshot larger than
 * max-bytes on its own is not kept, and the older one of @key is removed:
 * that is not an error. @etag and @last_modified are the validators, NULL
 * when the response had none; @caching, @stored_at and @lifetime as in
 * CacheitSnapshot. Errors are G_IO_ERROR; the previous snapshot of @key is
 * then untouched. */
gboolean      _cacheit_store_save       (CacheitStore  *self,
                                         const char    *key,
                                         GBytes        *body,
                                         const char    *etag,
                                         const char    *last_modified,
                                         const char    *caching,
                                         gint64         stored_at,
                                         gint64         lifetime,
                                         GError       **error);

/* After a 304 that confirmed the body with validators @etag and
 * @last_modified (NULL for none): if the snapshot of @key is that body, it
 * gets @caching, @stored_at and @lifetime and counts as used. Returns FALSE without an
 * error when there is no snapshot of @key, or one with other validators (a
 * newer body saved since, perhaps by another process), which is left as it
 * is. The file is rewritten, atomically; a save by another process between
 * the check and the rename may be lost (the older, coherent snapshot stays). */
gboolean      _cacheit_store_touch      (CacheitStore  *self,
                                         const char    *key,
                                         const char    *etag,
                                         const char    *last_modified,
                                         const char    *caching,
                                         gint64         stored_at,
                                         gint64         lifetime,
                                         GError       **error);

/* After a write invalidated @key (RFC 9111, 4.4): the snapshot of @key, if
 * there is one, gets a lifetime of 0, so that whoever reads it next, in any
 * process, finds it stale and revalidates it; its body, validators and
 * stored_at stay. Returns FALSE without an error when there is none. The
 * file is rewritten atomically, as by _cacheit_store_touch(), unless its
 * lifetime is 0 already. */
gboolean      _cacheit_store_expire     (CacheitStore  *self,
                                         const char    *key,
                                         GError       **error);

/* Removes the snapshot of @key, if there is one. Failures are only logged:
 * a snapshot that cannot be removed is replaced by the next save. */
void          _cacheit_store_remove     (CacheitStore  *self,
                                         const char    *key);

/* Removes every snapshot of the store's directory (and the temporary files
 * of saves), whoever wrote them; other files are left. A directory that
 * does not exist has none. Errors are G_IO_ERROR, for the first file that
 * could not be removed (the others are still tried). */
gboolean      _cacheit_store_clear      (CacheitStore  *self,
                                         GError       **error);

/* Runs @func for @task (as g_task_run_in_thread() would) in the process's
 * one snapshot thread: every snapshot read and write that goes through it
 * happens there, in the order asked, so a load asked after a save of the
 * same key sees that save. @func returns the task's result. */
void          _cacheit_store_run_in_thread (GTask           *task,
                                            GTaskThreadFunc  func);

/* The store of @directory, or of the default directory when it is NULL,
 * with the default size limit. */
CacheitStore *_cacheit_store_open       (const char    *directory);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitStore, _cacheit_store_unref)

G_END_DECLS
