/* cacheit-store.c: snapshots of bodies on disk.
 *
 * One file per key, named by the SHA-256 of the key, in one directory that
 * any number of stores and processes may share. The rules that make sharing
 * safe:
 *
 * - A file is never written in place. A save writes a temporary file
 *   (".tmp-XXXXXX") in the same directory, sets its time, and renames it over
 *   the entry: a reader opens either the old file or the new one, whole.
 * - A load reads the file through the descriptor it opened: a rename while
 *   it reads does not change what it reads.
 * - A file is removed (as corrupt, or evicted) only if the name still
 *   points to the file that was looked at, so a snapshot another process has
 *   just renamed into place is not lost (but for a narrow window between the
 *   check and the unlink: then a snapshot is lost, never half of one).
 * - Files that vanish under a scan are skipped.
 *
 * No save calls fsync(): after a crash an entry may be empty or hold
 * garbage, and the checksum makes that a miss, never wrong data.
 *
 * Eviction does not list the directory at every save: listing and stat-ing
 * every entry makes a save cost as much as the directory holds (about 5 ms
 * for 800 entries on a busy machine), and a process that saves faster than
 * that queued saves without bound, each holding its body. Each process keeps,
 * per directory, the total it found at its last scan plus what its own saves
 * added since, and scans (and evicts) only when that total passes the
 * store's max-bytes, after an eighth of max-bytes was saved since the last
 * scan, and at its first save into the directory; a scan over max-bytes
 * evicts down to an eighth below it, so that the saves after it need none.
 * What other processes
 * save is seen at the next scan: the entries may pass max-bytes by what they
 * saved since then, and each of them evicts on its own count too.
 *
 * Still unbounded: the queue of the snapshot thread. A process whose saves
 * come faster than the disk (or the CPU it is given) takes them, for long,
 * holds every body queued; nothing coalesces two saves of one key or drops
 * a save past a budget yet.
 *
 * Least recently used: a file's modification time is when it was last saved
 * or loaded. The times come from g_get_real_time() in nanoseconds and are
 * made to increase strictly within a process, since file systems stamp files
 * with a coarse clock (a few milliseconds).
 *
 * The format (version 3), little-endian:
 *
 *     0  magic "\x89CACHEIT"
 *     8  u32 format version (3)
 *    12  u32 flags, 0
 *    16  u32 CRC-32 of the header from offset 24 to the end of the caching
 *    20  u32 CRC-32 of the body
 *    24  i64 stored_at
 *    32  i64 lifetime (-1 for ever)
 *    40  u32 length of the key (not 0)
 *    44  u32 length of the ETag, 0xffffffff for none
 *    48  u32 length of Last-Modified, 0xffffffff for none
 *    52  u32 length of the caching, 0xffffffff for none
 *    56  u64 length of the body
 *    64  the key, the ETag, Last-Modified and the caching (no NUL), then
 *        the body
 *
 * The caching is what the freshness of the body needs beyond its lifetime
 * (cacheit-freshness.c writes and reads it; the store keeps it as it is
 * given). Version 2 had no caching (0 where its length is): its files are
 * read as snapshots without one.
 *
 * Strings are at most MAX_STRING bytes, so the header cannot claim more than
 * the file holds without being caught by plain comparisons, whatever its
 * numbers; the body's length must be exactly what remains. The two
 * checksums (zlib's CRC-32, against torn writes and flipped bits, not
 * against an attacker, who can write the whole file anyway) let a save
 * write the body without copying it beside its header, and let a refresh
 * after a 304 rewrite the header without going through the body again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _POSIX_C_SOURCE 200809L

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <zlib.h>

#include "cacheit-store.h"
#include "cacheit-decode.h"

#define MAGIC             "\x89" "CACHEIT"
#define MAGIC_LENGTH      8
#define FORMAT_VERSION    3
/* The version before, read still: no caching string. */
#define FORMAT_VERSION_2  2
#define HEADER_SIZE       64
#define CHECKSUM_START    24
#define NO_STRING         G_MAXUINT32
#define MAX_STRING        (64 * 1024)
#define ENTRY_SUFFIX      ".snapshot"
#define TEMP_PREFIX       ".tmp-"
/* A temporary file older than this was left by a process that died. */
#define STALE_TEMP_USEC   (G_GINT64_CONSTANT (60) * 60 * G_USEC_PER_SEC)
/* A process scans the directory again after saving this fraction of
 * max-bytes since its last scan, to see what other processes saved; and
 * evicts down to this fraction below max-bytes. */
#define RESCAN_FRACTION   8

struct _CacheitStore
{
  gatomicrefcount ref_count;
  char *directory;
  guint64 max_bytes;
};

typedef struct
{
  char   *name;
  guint64 size;
  gint64  mtime;   /* Nanoseconds. */
  dev_t   dev;
  ino_t   ino;
} Entry;

G_LOCK_DEFINE_STATIC (stamp);
static gint64 last_stamp;

/* What this process knows of a directory's entries (see evict()). */
typedef struct
{
  guint64 total;     /* At the last scan, plus what saves here added since. */
  guint64 saved;     /* Bytes saved here since the last scan. */
} Usage;

G_LOCK_DEFINE_STATIC (usage);
static GHashTable *usage;   /* directory → Usage */

/* Snapshots */

CacheitSnapshot *
_cacheit_snapshot_ref (CacheitSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_cacheit_snapshot_unref (CacheitSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->caching, g_free);
  g_clear_pointer (&self->last_modified, g_free);
  g_free (self);
}

/* Static helpers */

static void
put_u32 (guint8  *data,
         guint32  value)
{
  value = GUINT32_TO_LE (value);
  memcpy (data, &value, sizeof value);
}

static void
put_u64 (guint8  *data,
         guint64  value)
{
  value = GUINT64_TO_LE (value);
  memcpy (data, &value, sizeof value);
}

static guint32
get_u32 (const guint8 *data)
{
  guint32 value;

  memcpy (&value, data, sizeof value);
  return GUINT32_FROM_LE (value);
}

static guint64
get_u64 (const guint8 *data)
{
  guint64 value;

  memcpy (&value, data, sizeof value);
  return GUINT64_FROM_LE (value);
}

/* zlib's CRC-32 of @length bytes: a few milliseconds for a body of 20 MB,
 * where a cryptographic hash would take tens. */
static guint32
checksum (const guint8 *data,
          gsize         length)
{
  return (guint32) crc32_z (crc32_z (0, Z_NULL, 0), data, length);
}

/* Now, in nanoseconds, later than any stamp this process gave before. */
static void
next_stamp (struct timespec *ts)
{
  gint64 now = g_get_real_time () * 1000;

  G_LOCK (stamp);
  if (now <= last_stamp)
    now = last_stamp + 1;
  last_stamp = now;
  G_UNLOCK (stamp);

  ts->tv_sec = now / 1000000000;
  ts->tv_nsec = now % 1000000000;
}

/* Marks the file open on @fd as just used. */
static void
stamp_fd (int         fd,
          const char *path)
{
  struct timespec times[2] = { { 0, UTIME_OMIT }, { 0, 0 } };

  next_stamp (&times[1]);
  if (futimens (fd, times) < 0)
    {
      int saved = errno;

      g_debug ("Could not set the time of %s: %s", path, g_strerror (saved));
    }
}

static gboolean
is_entry_name (const char *name)
{
  gsize length = strlen (name);

  if (length != 64 + strlen (ENTRY_SUFFIX) || !g_str_has_suffix (name, ENTRY_SUFFIX))
    return FALSE;

  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (name[i]))
      return FALSE;

  return TRUE;
}

/* Removes @path if it is still the file @st describes. */
static void
remove_if_same (const char        *path,
                const struct stat *st)
{
  struct stat now;

  if (g_lstat (path, &now) < 0)
    return;
  if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
    return;
  if (g_unlink (path) < 0 && errno != ENOENT)
    {
      int saved = errno;

      g_debug ("Could not remove %s: %s", path, g_strerror (saved));
    }
}

static void
remove_path (const char *path)
{
  if (g_unlink (path) < 0 && errno != ENOENT)
    {
      int saved = errno;

      g_debug ("Could not remove %s: %s", path, g_strerror (saved));
    }
}

static void
ignore_file (const char        *path,
             const struct stat *st,
             const char        *reason)
{
  g_debug ("Ignoring the snapshot file %s: %s; removing it", path, reason);
  remove_if_same (path, st);
}

static gboolean
read_all (int      fd,
          guint8  *data,
          gsize    length,
          gsize   *n_read,
          int     *saved_errno)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = read (fd, data + done, MIN (length - done, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *saved_errno = errno;
          return FALSE;
        }
      if (n == 0)
        break;
      done += n;
    }

  *n_read = done;
  return TRUE;
}

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length,
           int           *saved_errno)
{
  while (length > 0)
    {
      gssize n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *saved_errno = errno;
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

static guint32
string_length (const char *s)
{
  return s != NULL ? (guint32) strlen (s) : NO_STRING;
}

static gsize
stored_length (guint32 length)
{
  return length == NO_STRING ? 0 : length;
}

/* Checks the file in @data (@size bytes, followed by readable padding) is a
 * whole snapshot of @key. Returns why not, or NULL and its parts. */
static const char *
parse (const guint8  *data,
       gsize          size,
       const char    *key,
       gboolean       check_body,
       gsize         *prefix_out,
       guint32       *etag_length_out,
       guint32       *last_modified_length_out,
       guint32       *caching_length_out)
{
  guint32 key_length, etag_length, last_modified_length, caching_length;
  guint32 version;
  guint64 body_length, prefix;
  gint64 lifetime;

  if (size < HEADER_SIZE)
    return "truncated header";
  if (memcmp (data, MAGIC, MAGIC_LENGTH) != 0)
    return "not a snapshot (no magic number)";
  version = get_u32 (data + 8);
  if (version != FORMAT_VERSION && version != FORMAT_VERSION_2)
    return "unknown format version";
  if (get_u32 (data + 12) != 0)
    return "unknown flags";
  caching_length = get_u32 (data + 52);
  if (version == FORMAT_VERSION_2)
    {
      if (caching_length != 0)
        return "unknown flags";
      caching_length = NO_STRING;
    }

  key_length = get_u32 (data + 40);
  etag_length = get_u32 (data + 44);
  last_modified_length = get_u32 (data + 48);
  body_length = get_u64 (data + 56);
  if (key_length == 0 || key_length > MAX_STRING)
    return "invalid key length";
  if (etag_length != NO_STRING && etag_length > MAX_STRING)
    return "invalid ETag length";
  if (last_modified_length != NO_STRING && last_modified_length > MAX_STRING)
    return "invalid Last-Modified length";
  if (caching_length != NO_STRING && caching_length > MAX_STRING)
    return "invalid caching length";

  /* At most HEADER_SIZE + 4 * MAX_STRING: no overflow. */
  prefix = HEADER_SIZE + (guint64) key_length + stored_length (etag_length)
           + stored_length (last_modified_length) + stored_length (caching_length);
  if (prefix > size)
    return "truncated header";
  if (body_length > size - prefix)
    return "truncated body";
  if (body_length < size - prefix)
    return "bytes after the body";

  if (checksum (data + CHECKSUM_START, prefix - CHECKSUM_START) != get_u32 (data + 16))
    return "checksum mismatch in the header";
  if (check_body && checksum (data + prefix, body_length) != get_u32 (data + 20))
    return "checksum mismatch in the body";

  if (key_length != strlen (key) || memcmp (data + HEADER_SIZE, key, key_length) != 0)
    return "written for another key";
  if (memchr (data + HEADER_SIZE + key_length, '\0', prefix - HEADER_SIZE - key_length) != NULL)
    return "NUL byte in a validator";

  lifetime = (gint64) get_u64 (data + 32);
  if (lifetime < -1)
    return "invalid lifetime";

  *prefix_out = prefix;
  *etag_length_out = etag_length;
  *last_modified_length_out = last_modified_length;
  *caching_length_out = caching_length;
  return NULL;
}

/* Header and strings of a snapshot, checksums included: the body's is
 * @body_checksum when not NULL. */
static guint8 *
build_prefix (const char    *key,
              const char    *etag,
              const char    *last_modified,
              const char    *caching,
              gint64         stored_at,
              gint64         lifetime,
              const guint8  *body,
              gsize          body_length,
              const guint32 *body_checksum,
              gsize         *length)
{
  guint32 key_length = strlen (key);
  guint32 etag_length = string_length (etag);
  guint32 last_modified_length = string_length (last_modified);
  guint32 caching_length = string_length (caching);
  gsize prefix = HEADER_SIZE + key_length + stored_length (etag_length)
                 + stored_length (last_modified_length) + stored_length (caching_length);
  guint8 *data = g_malloc0 (prefix);
  guint8 *p = data + HEADER_SIZE;

  memcpy (data, MAGIC, MAGIC_LENGTH);
  put_u32 (data + 8, FORMAT_VERSION);
  put_u64 (data + 24, (guint64) stored_at);
  put_u64 (data + 32, (guint64) lifetime);
  put_u32 (data + 40, key_length);
  put_u32 (data + 44, etag_length);
  put_u32 (data + 48, last_modified_length);
  put_u32 (data + 52, caching_length);
  put_u64 (data + 56, body_length);

  memcpy (p, key, key_length);
  p += key_length;
  if (etag != NULL)
    memcpy (p, etag, etag_length);
  p += stored_length (etag_length);
  if (last_modified != NULL)
    memcpy (p, last_modified, last_modified_length);
  p += stored_length (last_modified_length);
  if (caching != NULL)
    memcpy (p, caching, caching_length);

  put_u32 (data + 16, checksum (data + CHECKSUM_START, prefix - CHECKSUM_START));
  put_u32 (data + 20, body_checksum != NULL ? *body_checksum : checksum (body, body_length));

  *length = prefix;
  return data;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->mtime != eb->mtime)
    return ea->mtime < eb->mtime ? -1 : 1;
  return strcmp (ea->name, eb->name);
}

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->name, g_free);
}

/* Whether the directory must be scanned after a save of @size bytes that
 * replaced @replaced bytes: counts the save either way. */
static gboolean
needs_scan (CacheitStore *self,
            guint64       size,
            guint64       replaced)
{
  Usage *u;
  gboolean scan;

  G_LOCK (usage);
  if (usage == NULL)
    usage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  u = g_hash_table_lookup (usage, self->directory);
  if (u == NULL)
    {
      /* The first save here: nothing is known of the directory yet. */
      u = g_new0 (Usage, 1);
      g_hash_table_insert (usage, g_strdup (self->directory), u);
      scan = TRUE;
    }
  else
    {
      u->total = u->total - MIN (u->total, replaced) + size;
      u->saved += size;
      scan = u->total > self->max_bytes || u->saved > self->max_bytes / RESCAN_FRACTION;
    }
  G_UNLOCK (usage);

  return scan;
}

/* A scan found @total bytes of entries, after eviction. */
static void
scanned (CacheitStore *self,
         guint64       total)
{
  Usage *u;

  G_LOCK (usage);
  u = usage != NULL ? g_hash_table_lookup (usage, self->directory) : NULL;
  if (u != NULL)
    {
      u->total = total;
      u->saved = 0;
    }
  G_UNLOCK (usage);
}

/* Removes temporary files left by dead processes, and when the entries
 * total more than max-bytes, the least recently used ones, never @keep,
 * until they total at most an eighth less. */
static void
evict (CacheitStore *self,
       const char   *keep)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  guint64 total = 0;
  const char *name;

  dir = g_dir_open (self->directory, 0, &error);
  if (dir == NULL)
    {
      g_debug ("Could not list the snapshots: %s", error->message);
      return;
    }

  entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_array_set_clear_func (entries, entry_clear);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      struct stat st;
      Entry entry;

      if (g_str_has_prefix (name, TEMP_PREFIX))
        {
          if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode)
              && (gint64) st.st_mtime * G_USEC_PER_SEC < now - STALE_TEMP_USEC)
            remove_if_same (path, &st);
          continue;
        }

      /* A file that vanished since it was listed is not counted. */
      if (!is_entry_name (name) || g_lstat (path, &st) < 0 || !S_ISREG (st.st_mode))
        continue;

      total += st.st_size;
      if (g_strcmp0 (name, keep) == 0)
        continue;

      entry.name = g_strdup (name);
      entry.size = st.st_size;
      entry.mtime = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
      entry.dev = st.st_dev;
      entry.ino = st.st_ino;
      g_array_append_val (entries, entry);
    }

  if (total <= self->max_bytes)
    {
      scanned (self, total);
      return;
    }

  /* Down to an eighth below max-bytes, so that the next saves do not each
   * need a scan again. */
  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len && total > self->max_bytes - self->max_bytes / RESCAN_FRACTION; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *path = g_build_filename (self->directory, entry->name, NULL);
      struct stat st = { 0 };

      st.st_dev = entry->dev;
      st.st_ino = entry->ino;
      g_debug ("Evicting the snapshot file %s (%" G_GUINT64_FORMAT " bytes)", path, entry->size);
      remove_if_same (path, &st);
      total -= entry->size;
    }
  scanned (self, total);
}

/* Writes a snapshot of @key at @path, atomically, and evicts. */
static gboolean
write_snapshot (CacheitStore  *self,
                const char    *path,
                const char    *key,
                const guint8  *body,
                gsize          body_length,
                const char    *etag,
                const char    *last_modified,
                const char    *caching,
                gint64         stored_at,
                gint64         lifetime,
                const guint32 *body_checksum,
                GError       **error)
{
  g_autofree guint8 *prefix = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *name = NULL;
  struct timespec times[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
  struct stat st;
  guint64 replaced = 0;
  gsize prefix_length;
  int saved = 0;
  int fd;

  if (strlen (key) > MAX_STRING
      || (etag != NULL && strlen (etag) > MAX_STRING)
      || (last_modified != NULL && strlen (last_modified) > MAX_STRING)
      || (caching != NULL && strlen (caching) > MAX_STRING))
    {
      g_debug ("Not keeping the snapshot %s: a key or validator is too long", path);
      remove_path (path);
      return TRUE;
    }

  prefix = build_prefix (key, etag, last_modified, caching, stored_at, lifetime, body, body_length,
                         body_checksum, &prefix_length);
  if (body_length > self->max_bytes || prefix_length > self->max_bytes - body_length)
    {
      g_debug ("Not keeping the snapshot %s: %" G_GUINT64_FORMAT " bytes, more than the "
               "store's %" G_GUINT64_FORMAT, path, (guint64) prefix_length + body_length,
               self->max_bytes);
      remove_path (path);
      return TRUE;
    }

  if (g_mkdir_with_parents (self->directory, 0700) < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the directory %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  temp = g_build_filename (self->directory, TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create a file in %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  if (!write_all (fd, prefix, prefix_length, &saved)
      || !write_all (fd, body, body_length, &saved))
    {
      close (fd);
      goto failed;
    }
  /* Stamped last, so that the rename makes it the most recently used. */
  next_stamp (&times[1]);
  if (futimens (fd, times) < 0)
    {
      saved = errno;
      close (fd);
      goto failed;
    }
  if (close (fd) < 0)
    {
      saved = errno;
      goto failed;
    }
  /* What the rename replaces, for the count of the directory's bytes. */
  if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode))
    replaced = st.st_size;
  if (g_rename (temp, path) < 0)
    {
      saved = errno;
      goto failed;
    }

  if (needs_scan (self, (guint64) prefix_length + body_length, replaced))
    {
      name = g_path_get_basename (path);
      evict (self, name);
    }
  return TRUE;

failed:
  g_unlink (temp);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not write the snapshot %s: %s"), path, g_strerror (saved));
  return FALSE;
}

/* API */

char *
_cacheit_store_default_directory (void)
{
  const char *prgname = g_get_prgname ();

  return g_build_filename (g_get_user_cache_dir (),
                           prgname != NULL ? prgname : "cacheit-glib",
                           "cacheit",
                           NULL);
}

CacheitStore *
_cacheit_store_new (const char *directory,
                    guint64     max_bytes)
{
  CacheitStore *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_new0 (CacheitStore, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->directory = g_strdup (directory);
  self->max_bytes = max_bytes;
  return self;
}

CacheitStore *
_cacheit_store_ref (CacheitStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
_cacheit_store_unref (CacheitStore *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->directory, g_free);
  g_free (self);
}

const char *
_cacheit_store_get_directory (CacheitStore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->directory;
}

guint64
_cacheit_store_get_max_bytes (CacheitStore *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_bytes;
}

char *
_cacheit_store_get_path (CacheitStore *self,
                         const char   *key)
{
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  name = g_strconcat (hash, ENTRY_SUFFIX, NULL);
  return g_build_filename (self->directory, name, NULL);
}

/* _cacheit_store_load(); without @check_body, the body's checksum is not
 * checked but given in @body_checksum. */
static CacheitSnapshot *
load (CacheitStore  *self,
      const char    *key,
      gboolean       check_body,
      guint32       *body_checksum,
      GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree guint8 *data = NULL;
  CacheitSnapshot *snapshot;
  guint32 etag_length, last_modified_length, caching_length;
  const char *strings;
  const char *reason;
  struct stat st;
  gsize size, prefix, n_read;
  int saved = 0;
  int fd;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL && *key != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = _cacheit_store_get_path (self, key);
  /* O_NONBLOCK: a FIFO in its place must not hang the load. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
  if (fd < 0)
    {
      saved = errno;
      if (saved == ENOENT || saved == ENOTDIR)
        return NULL;
      if (saved == ELOOP && g_lstat (path, &st) == 0)
        {
          ignore_file (path, &st, "a symbolic link");
          return NULL;
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the snapshot %s: %s"), path, g_strerror (saved));
      return NULL;
    }

  if (fstat (fd, &st) < 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not read the snapshot %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_debug ("Ignoring the snapshot file %s: not a regular file", path);
      return NULL;
    }
  if ((guint64) st.st_size > G_MAXSIZE - CACHEIT_BODY_PADDING - 1)
    {
      close (fd);
      ignore_file (path, &st, "too large");
      return NULL;
    }

  /* One byte more than the file's size tells whether it grew since. */
  size = st.st_size;
  data = g_try_malloc (size + 1 + CACHEIT_BODY_PADDING);
  if (data == NULL)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Not enough memory to read the snapshot %s"), path);
      return NULL;
    }
  if (!read_all (fd, data, size + 1, &n_read, &saved))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not read the snapshot %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (n_read != size)
    {
      /* Only a writer that does not follow the rules changes a file in
       * place. */
      close (fd);
      ignore_file (path, &st, "changed while it was read");
      return NULL;
    }
  memset (data + size, 0, 1 + CACHEIT_BODY_PADDING);

  reason = parse (data, size, key, check_body, &prefix, &etag_length, &last_modified_length,
                  &caching_length);
  if (reason != NULL)
    {
      close (fd);
      ignore_file (path, &st, reason);
      return NULL;
    }

  stamp_fd (fd, path);
  close (fd);

  snapshot = g_new0 (CacheitSnapshot, 1);
  g_atomic_ref_count_init (&snapshot->ref_count);
  strings = (const char *) data + HEADER_SIZE + strlen (key);
  if (etag_length != NO_STRING)
    snapshot->etag = g_strndup (strings, etag_length);
  strings += stored_length (etag_length);
  if (last_modified_length != NO_STRING)
    snapshot->last_modified = g_strndup (strings, last_modified_length);
  strings += stored_length (last_modified_length);
  if (caching_length != NO_STRING)
    snapshot->caching = g_strndup (strings, caching_length);
  snapshot->stored_at = (gint64) get_u64 (data + 24);
  snapshot->lifetime = (gint64) get_u64 (data + 32);
  if (body_checksum != NULL)
    *body_checksum = get_u32 (data + 20);
  /* The body stays where it was read, the header before it: no copy. */
  snapshot->body = g_bytes_new_with_free_func (data + prefix, size - prefix,
                                               g_free, data);
  g_steal_pointer (&data);

  return snapshot;
}

CacheitSnapshot *
_cacheit_store_load (CacheitStore  *self,
                     const char    *key,
                     GError       **error)
{
  return load (self, key, TRUE, NULL, error);
}

gboolean
_cacheit_store_save (CacheitStore  *self,
                     const char    *key,
                     GBytes        *body,
                     const char    *etag,
                     const char    *last_modified,
                     const char    *caching,
                     gint64         stored_at,
                     gint64         lifetime,
                     GError       **error)
{
  g_autofree char *path = NULL;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL && *key != '\0', FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (lifetime >= -1, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = _cacheit_store_get_path (self, key);
  data = g_bytes_get_data (body, &length);
  return write_snapshot (self, path, key, data, length, etag, last_modified,
                         caching, stored_at, lifetime, NULL, error);
}

gboolean
_cacheit_store_touch (CacheitStore  *self,
                      const char    *key,
                      const char    *etag,
                      const char    *last_modified,
                      const char    *caching,
                      gint64         stored_at,
                      gint64         lifetime,
                      GError       **error)
{
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autofree char *path = NULL;
  guint32 body_checksum = 0;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL && *key != '\0', FALSE);
  g_return_val_if_fail (lifetime >= -1, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The body is copied as it is, with its checksum: a body that was
   * damaged stays caught by the next load. */
  snapshot = load (self, key, FALSE, &body_checksum, error);
  if (snapshot == NULL)
    return FALSE;
  /* Another body was saved since the one that was confirmed. */
  if (g_strcmp0 (snapshot->etag, etag) != 0
      || g_strcmp0 (snapshot->last_modified, last_modified) != 0)
    return FALSE;

  path = _cacheit_store_get_path (self, key);
  data = g_bytes_get_data (snapshot->body, &length);
  if (!write_snapshot (self, path, key, data, length, etag, last_modified,
                       caching, stored_at, lifetime, &body_checksum, error))
    return FALSE;

  return TRUE;
}

gboolean
_cacheit_store_expire (CacheitStore  *self,
                       const char    *key,
                       GError       **error)
{
  g_autoptr(CacheitSnapshot) snapshot = NULL;
  g_autofree char *path = NULL;
  guint32 body_checksum = 0;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL && *key != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* As a refresh does: the body is copied with its checksum. */
  snapshot = load (self, key, FALSE, &body_checksum, error);
  if (snapshot == NULL)
    return FALSE;
  if (snapshot->lifetime == 0)
    return TRUE;

  path = _cacheit_store_get_path (self, key);
  data = g_bytes_get_data (snapshot->body, &length);
  return write_snapshot (self, path, key, data, length, snapshot->etag, snapshot->last_modified,
                         snapshot->caching, snapshot->stored_at, 0, &body_checksum, error);
}

void
_cacheit_store_remove (CacheitStore *self,
                       const char   *key)
{
  g_autofree char *path = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL && *key != '\0');

  path = _cacheit_store_get_path (self, key);
  remove_path (path);
}

gboolean
_cacheit_store_clear (CacheitStore  *self,
                      GError       **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;
  const char *name;

  g_return_val_if_fail (self != NULL, FALSE);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
                   _("Could not list the snapshots in %s: %s"), self->directory, local_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!is_entry_name (name) && !g_str_has_prefix (name, TEMP_PREFIX))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      if (g_unlink (path) < 0 && errno != ENOENT)
        {
          int saved = errno;

          if (ok)
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                         _("Could not remove the snapshot %s: %s"), path, g_strerror (saved));
          ok = FALSE;
        }
    }

  scanned (self, 0);

  return ok;
}

/* The snapshot thread */

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} StoreJob;

static void
store_job_run (gpointer data,
               gpointer user_data)
{
  StoreJob *job = data;

  job->func (job->task, g_task_get_source_object (job->task),
             g_task_get_task_data (job->task), g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

void
_cacheit_store_run_in_thread (GTask           *task,
                              GTaskThreadFunc  func)
{
  static GThreadPool *pool;
  StoreJob *job;

  /* One thread, so jobs run in the order they were pushed: a load asked
   * after a save of the same key sees it. */
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (store_job_run, NULL, 1, FALSE, NULL));

  job = g_new0 (StoreJob, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool, job, NULL);
}

CacheitStore *
_cacheit_store_open (const char *directory)
{
  g_autofree char *default_directory = NULL;

  if (directory == NULL)
    directory = default_directory = _cacheit_store_default_directory ();

  return _cacheit_store_new (directory, CACHEIT_STORE_DEFAULT_MAX_BYTES);
}
