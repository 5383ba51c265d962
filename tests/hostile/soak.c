/* soak.c: fetch, reload and save cycles against the hostile server, checking
 * that resident memory (VmRSS) stays flat with snapshots on.
 *
 * Usage: soak [--max-growth BYTES] [CYCLES]
 *        soak --twice [--max-growth BYTES] [CYCLES]
 *
 * Each cycle reloads a model from good data or from one of the faults, and
 * fetches it again from the cache. Every fourth cycle reloads a collection of
 * 0 to 299 items whose ids shift, and makes 20 of its items, as a list view
 * would; the others fetch one of those items from its own URL, save one
 * (PUT and PATCH, through cacheit_model_save_async()), create one
 * (cacheit_collection_create_async(), a POST) or destroy one
 * (cacheit_model_destroy_async(), a DELETE); every 16th of the warm-up
 * makes a new model of a URL seen before, whose first fetch comes from its
 * snapshot when there is one, then refetches it in the background. Every
 * success writes a snapshot. After the warm-up nothing loads a snapshot: a
 * load waits in the one snapshot thread behind the saves queued before it,
 * which would throttle the cycles and hide a queue of saves that grows.
 *
 * The start is measured after a warm-up (a quarter of the cycles, at most
 * 3,000: TLS, thread pools, the session's connections and malloc's arenas
 * made, every list size and URL seen at least twice); the program fails if
 * VmRSS grows from there by more than BYTES (default 100) per cycle. Memory
 * that is still referenced, which valgrind and LeakSanitizer do not report,
 * breaks that bound: a snapshot thread that falls behind and queues saves, a table that
 * keeps an entry per URL. A one-time step is not a leak: a new malloc arena
 * or a rise of malloc's mmap threshold (both fixed, see main()), a thread
 * more in a GLib pool, add a few hundred KiB at a random time, so the measured cycles are cut in three
 * parts and the growth that counts is the median of the three: a leak grows
 * in every part, a step in one. The noise and the calibration are in
 * tests/hostile/meson.build.
 *
 * Without --twice, the snapshots go to the default directory
 * ($XDG_CACHE_HOME/soak/cacheit): run it twice with the same
 * XDG_CACHE_HOME to soak once from an empty and once from a populated
 * directory. With --twice (what `meson test --suite soak` runs), the program
 * starts the server, makes a temporary XDG_CACHE_HOME, and runs itself
 * twice in it as a child process against that server, so that the second
 * run starts with the first one's snapshots, of the same URLs, and 5,000 of
 * other URLs, as the directory of an application that ran for a while
 * holds; it fails if either does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gstdio.h>

#include <cacheit.h>

#include "hostile-server.h"

#define DEFAULT_CYCLES      100000
#define DEFAULT_MAX_GROWTH  100       /* Bytes per measured cycle. */
#define MAX_WARM_UP         3000
#define ITEMS_MADE          20
/* Snapshots of other URLs added before the second run of --twice. */
#define FILLER_FILES        5000

static const char *fault_paths[] = {
  "/drop", "/chunked-cut", "/garbage", "/empty-reply", "/bad-utf8", "/numbers",
  "/not-json", "/status-500", "/huge-length", "/gzip-bomb", "/nothing",
};

typedef struct
{
  guint n_good;
  guint n_failed;
  guint n_writes;
  guint n_writes_failed;
} Counts;

static gsize
status_field (const char *name)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, name);
  return line != NULL ? (gsize) g_ascii_strtoull (line + strlen (name), NULL, 10) : 0;
}

static gsize
vm_rss_kib (void)
{
  return status_field ("VmRSS:");
}

static int
compare_gssize (gconstpointer a,
                gconstpointer b)
{
  gssize x = *(const gssize *) a;
  gssize y = *(const gssize *) b;

  return x < y ? -1 : x > y;
}

static char *
url_for (guint16     port,
         const char *userinfo,
         const char *path)
{
  return g_strdup_printf ("http://%s%s127.0.0.1:%u%s",
                          userinfo != NULL ? userinfo : "", userinfo != NULL ? "@" : "",
                          port, path);
}

/* The port of @server's plain HTTP URL, "http://127.0.0.1:PORT/". */
static guint16
server_port (HostileServer *server)
{
  g_autofree char *url = hostile_server_url (server, NULL, "/");

  return (guint16) g_ascii_strtoull (strrchr (url, ':') + 1, NULL, 10);
}

static void
iterate_until (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
} Wait;

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = cacheit_model_save_finish (CACHEIT_MODEL (object), result, NULL);
  wait->done = TRUE;
}

static void
destroyed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = cacheit_model_destroy_finish (CACHEIT_MODEL (object), result, NULL);
  wait->done = TRUE;
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;
  g_autoptr(CacheitModel) item = NULL;

  item = cacheit_collection_create_finish (CACHEIT_COLLECTION (object), result, NULL);
  wait->ok = item != NULL;
  wait->done = TRUE;
}

static void
count_write (Counts *counts,
             Wait   *wait)
{
  iterate_until (&wait->done);
  counts->n_writes++;
  if (!wait->ok)
    counts->n_writes_failed++;
}

static JsonObject *
title_change (guint i)
{
  JsonObject *changes = json_object_new ();
  g_autofree char *title = g_strdup_printf ("saved %u", i);

  json_object_set_string_member (changes, "title", title);
  return changes;
}

/* What the cycles other than collection reloads do with the collection's
 * items, and every 16th with a new model. */
static void
item_cycle (CacheitCollection *collection,
            guint16            port,
            guint              i,
            guint              warm_up,
            Counts            *counts)
{
  guint n = MIN (g_list_model_get_n_items (G_LIST_MODEL (collection)), ITEMS_MADE);
  g_autoptr(CacheitModel) item = n > 0 ? g_list_model_get_item (G_LIST_MODEL (collection), i % n)
                                       : NULL;
  g_autoptr(JsonObject) changes = title_change (i);
  Wait wait = { FALSE, FALSE };

  /* Only in the warm-up: a load waits in the snapshot thread's queue behind
   * the saves, so loads all along would hide a queue that grows. */
  if (i % 16 == 6 && i < warm_up)
    {
      g_autofree char *path = g_strdup_printf ("/good/%u", (i / 16) % 100);
      g_autofree char *url = url_for (port, NULL, path);
      g_autoptr(CacheitModel) fresh = cacheit_model_new (url);

      /* From its snapshot when there is one; the background refetch that
       * follows is dropped with the model. */
      if (cacheit_resource_fetch (CACHEIT_RESOURCE (fresh), CACHEIT_FETCH_NONE, NULL, NULL))
        counts->n_good++;
      else
        counts->n_failed++;
    }

  if (item == NULL)
    return;

  switch (i % 8)
    {
    case 1:
    case 5:
      /* The item's own URL, collection-url/ID, reloaded: a first fetch
       * from its snapshot would wait behind the queued saves, as above. */
      if (cacheit_resource_fetch (CACHEIT_RESOURCE (item), CACHEIT_FETCH_RELOAD, NULL, NULL))
        counts->n_good++;
      else
        counts->n_failed++;
      break;

    case 2:
    case 6:
      cacheit_model_save_async (item, changes, i % 8 == 2 ? CACHEIT_SAVE_NONE : CACHEIT_SAVE_PATCH,
                                NULL, saved_cb, &wait);
      count_write (counts, &wait);
      break;

    case 3:
      cacheit_collection_create_async (collection, changes, CACHEIT_SAVE_NONE, NULL,
                                       created_cb, &wait);
      count_write (counts, &wait);
      break;

    case 7:
      cacheit_model_destroy_async (item, CACHEIT_SAVE_NONE, NULL, destroyed_cb, &wait);
      count_write (counts, &wait);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The soak itself, against the server on @port. */
static int
run (guint16 port,
     guint   cycles,
     guint   max_growth)
{
  guint warm_up = MIN (MAX_WARM_UP, cycles / 4);
  g_autoptr(CacheitModel) model = cacheit_model_new (NULL);
  g_autoptr(CacheitCollection) collection = cacheit_collection_new (CACHEIT_TYPE_MODEL, NULL);
  guint part = (cycles - warm_up) / 3;
  Counts counts = { 0, };
  gsize samples[4] = { 0, };   /* VmRSS at the warm-up, after each third. */
  guint n_samples = 0;
  gssize growth[3];
  gssize median;
  gint64 began = g_get_monotonic_time ();

  cacheit_resource_set_max_size (CACHEIT_RESOURCE (model), 1024 * 1024);
  cacheit_resource_set_max_size (CACHEIT_RESOURCE (collection), 1024 * 1024);
  /* Transient faults are retried, at once: the soak covers that path too. */
  cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (model), 0);
  cacheit_resource_set_retry_delay (CACHEIT_RESOURCE (collection), 0);

  g_print ("soak: %u cycles, VmRSS %" G_GSIZE_FORMAT " KiB before the warm-up\n", cycles,
           vm_rss_kib ());

  for (guint i = 0; i < cycles; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *url = NULL;
      g_autoptr(GError) error = NULL;

      if (part > 0 && i >= warm_up && (i - warm_up) % part == 0 && n_samples < 3)
        {
          samples[n_samples] = vm_rss_kib ();
          g_print ("soak: %s (after %u cycles): VmRSS %" G_GSIZE_FORMAT " KiB, %" G_GSIZE_FORMAT
                   " threads\n", n_samples == 0 ? "start" : "     ", i, samples[n_samples],
                   status_field ("Threads:"));
          n_samples++;
        }

      if (i % 2 == 0)
        path = g_strdup_printf ("/good/%u", i % 1000);
      else
        path = g_strdup (fault_paths[(i / 2) % G_N_ELEMENTS (fault_paths)]);
      url = url_for (port, "soak:secret", path);
      cacheit_resource_set_url (CACHEIT_RESOURCE (model), url);
      if (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error))
        counts.n_good++;
      else
        counts.n_failed++;
      g_clear_error (&error);
      cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, NULL);

      if (i % 4 == 0)
        {
          g_autofree char *list_path = g_strdup_printf ("/list/%u", (i / 4) % 300);
          g_autofree char *list_url = url_for (port, NULL, list_path);

          cacheit_resource_set_url (CACHEIT_RESOURCE (collection), list_url);
          if (!cacheit_resource_fetch (CACHEIT_RESOURCE (collection), CACHEIT_FETCH_RELOAD,
                                       NULL, &error))
            g_error ("the collection failed: %s", error->message);
          /* Make a few items, as a list view would. */
          for (guint p = 0; p < MIN (g_list_model_get_n_items (G_LIST_MODEL (collection)), ITEMS_MADE); p++)
            g_object_unref (g_list_model_get_item (G_LIST_MODEL (collection), p));
        }
      else if (i % 8 == 4)
        {
          /* A save of the model: a PUT of the good data it holds. */
          g_autoptr(JsonObject) changes = title_change (i);
          Wait wait = { FALSE, FALSE };

          cacheit_model_save_async (model, changes, CACHEIT_SAVE_NONE, NULL, saved_cb, &wait);
          count_write (&counts, &wait);
        }
      else
        item_cycle (collection, port, i, warm_up, &counts);

      while (g_main_context_iteration (NULL, FALSE))
        ;
    }

  samples[3] = vm_rss_kib ();
  g_print ("soak: end (after %u cycles): VmRSS %" G_GSIZE_FORMAT " KiB, %" G_GSIZE_FORMAT
           " threads\n", cycles, samples[3], status_field ("Threads:"));
  g_print ("soak: %u good fetches, %u failed; %u writes, %u failed; in %.1f s\n",
           counts.n_good, counts.n_failed, counts.n_writes, counts.n_writes_failed,
           (g_get_monotonic_time () - began) / (double) G_USEC_PER_SEC);

  if (n_samples < 3)
    {
      g_printerr ("soak: too few cycles to measure (at least 12)\n");
      return EXIT_FAILURE;
    }
  /* The last third also has the cycles the division left over. */
  for (guint p = 0; p < 3; p++)
    growth[p] = ((gssize) samples[p + 1] - (gssize) samples[p]) * 1024
                / (gssize) (p < 2 ? part : cycles - warm_up - 2 * part);
  g_print ("soak: growth %+" G_GSSIZE_FORMAT " KiB after the warm-up; per cycle in each third "
           "%+" G_GSSIZE_FORMAT ", %+" G_GSSIZE_FORMAT ", %+" G_GSSIZE_FORMAT " bytes\n",
           (gssize) samples[3] - (gssize) samples[0], growth[0], growth[1], growth[2]);
  qsort (growth, 3, sizeof growth[0], compare_gssize);
  median = growth[1];
  g_print ("soak: median %+" G_GSSIZE_FORMAT " bytes per cycle (at most %u)\n", median, max_growth);

  g_clear_object (&model);
  g_clear_object (&collection);

  if (counts.n_good == 0 || counts.n_writes == counts.n_writes_failed)
    {
      g_printerr ("soak: nothing succeeded: the soak measured nothing\n");
      return EXIT_FAILURE;
    }
  if (median > (gssize) max_growth)
    {
      g_printerr ("soak: resident memory grew by more than %u bytes per cycle\n", max_growth);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}

static void
child_exited_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  return g_rmdir (path) == 0;
}

/* Adds FILLER_FILES snapshots of other URLs to @directory, as an
 * application that ran for a while has: copies of the smallest of the first
 * run's, under names no URL of the soak has (so never loaded, but counted and
 * listed like the others). */
static void
add_filler (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *name;

  /* The smallest, so that the filler is the same from one run to the next. */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".snapshot"))
      {
        g_autofree char *path = g_build_filename (directory, name, NULL);
        g_autofree char *data = NULL;
        gsize data_length;

        if (g_file_get_contents (path, &data, &data_length, NULL) &&
            (contents == NULL || data_length < length))
          {
            g_free (contents);
            contents = g_steal_pointer (&data);
            length = data_length;
          }
      }
  if (contents == NULL)
    g_error ("soak: the first run left no snapshot in %s", directory);

  for (guint n = 0; n < FILLER_FILES; n++)
    {
      g_autofree char *key = g_strdup_printf ("http://127.0.0.1:1/filler/%u", n);
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
      g_autofree char *file = g_strconcat (hash, ".snapshot", NULL);
      g_autofree char *path = g_build_filename (directory, file, NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (path, contents, length, &error))
        g_error ("soak: %s", error->message);
    }
}

/* --twice: the server here, two runs of the soak in child processes, with
 * one snapshot directory, empty at first. */
static int
run_twice (const char *program,
           guint       cycles,
           guint       max_growth)
{
  g_autoptr(HostileServer) server = hostile_server_new (HOSTILE_SRCDIR "/self-signed.pem");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_dir_make_tmp ("cacheit-soak-XXXXXX", &error);
  g_autofree char *port = g_strdup_printf ("%u", server_port (server));
  g_autofree char *cycles_arg = g_strdup_printf ("%u", cycles);
  g_autofree char *max_growth_arg = g_strdup_printf ("%u", max_growth);
  g_autofree char *directory = g_build_filename (cache, g_get_prgname (), "cacheit", NULL);
  const char *runs[] = { "from an empty snapshot directory",
                         "from the first run's snapshots and " G_STRINGIFY (FILLER_FILES)
                         " of other URLs" };
  int status = EXIT_SUCCESS;

  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);

  for (guint r = 0; r < G_N_ELEMENTS (runs) && status == EXIT_SUCCESS; r++)
    {
      g_autoptr(GSubprocess) child = NULL;
      gboolean done = FALSE;

      if (r == 1)
        add_filler (directory);
      g_print ("soak: run %u of 2, %s\n", r + 1, runs[r]);
      child = g_subprocess_launcher_spawn (launcher, &error, program, "--port", port,
                                           "--max-growth", max_growth_arg, cycles_arg, NULL);
      g_assert_no_error (error);
      /* The server accepts connections in this thread's main context. */
      g_subprocess_wait_async (child, NULL, child_exited_cb, &done);
      iterate_until (&done);
      if (!g_subprocess_get_successful (child))
        status = EXIT_FAILURE;
    }

  remove_tree (cache);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  gboolean twice = FALSE;
  int port = 0;
  int max_growth = DEFAULT_MAX_GROWTH;
  GOptionEntry entries[] = {
    { "twice", 0, 0, G_OPTION_ARG_NONE, &twice,
      "Run twice in child processes, from an empty and from a populated snapshot directory", NULL },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Use the hostile server on this port", "PORT" },
    { "max-growth", 0, 0, G_OPTION_ARG_INT, &max_growth,
      "Fail if VmRSS grows by more than this per cycle after the warm-up", "BYTES" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[CYCLES]");
  g_autoptr(GError) error = NULL;
  guint cycles;

#ifdef __GLIBC__
  /* glibc gives a thread a malloc arena of its own when all are busy, up
   * to eight per core: a GLib pool that starts one thread more than ever
   * before, at a random time, adds 350 KiB or so to VmRSS at once. Two
   * arenas, both made in the warm-up, keep that out of the measure. */
  mallopt (M_ARENA_MAX, 2);
  /* And it raises its mmap threshold to the largest block freed (a body of
   * a megabyte here, /gzip-bomb's and /huge-length's), and its trim
   * threshold to twice that: from then on up to 2 MiB freed may stay
   * resident, in steps at random times. A fixed threshold keeps large
   * blocks in mmap() and trims the heap as at the start. */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
#endif

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("soak: %s\n", error->message);
      return EXIT_FAILURE;
    }
  cycles = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_CYCLES;

  if (twice)
    return run_twice (argv[0], cycles, (guint) max_growth);

  if (port == 0)
    {
      g_autoptr(HostileServer) server = hostile_server_new (HOSTILE_SRCDIR "/self-signed.pem");

      return run (server_port (server), cycles, (guint) max_growth);
    }

  return run ((guint16) port, cycles, (guint) max_growth);
}
