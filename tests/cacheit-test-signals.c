/* cacheit-test-signals.c: what a resource emitted, and waiting for it, for
 * the C tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "cacheit-test-signals.h"
#include "cacheit-test-server.h"

const char *const notify_allowed_on_304[] = {
  "last-updated", "stale", "status", "fetching", "origin", NULL
};

static void
on_sync (gpointer  instance,
         Counters *c)
{
  c->n_sync++;
}

static void
on_error (gpointer      instance,
          const GError *error,
          Counters     *c)
{
  c->n_error++;
  g_clear_error (&c->error);
  c->error = g_error_copy (error);
}

static void
on_changed (CacheitModel *model,
            const char   *name,
            Counters     *c)
{
  c->n_changed++;
  g_string_append_printf (c->changed, "%s ", name);
}

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Counters   *c)
{
  c->n_items_changed++;
  log_items_changed (c->items, list, position, removed, added);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Counters   *c)
{
  g_string_append_printf (c->notify, "%s ", pspec->name);
  if (g_str_equal (pspec->name, "fetching"))
    c->n_fetching++;
  else if (g_str_equal (pspec->name, "stale"))
    c->n_stale++;
  else if (g_str_equal (pspec->name, "last-updated"))
    c->n_last_updated++;
  else if (g_str_equal (pspec->name, "status"))
    c->n_status++;
}

void
counters_connect (Counters *c,
                  gpointer  object)
{
  c->notify = g_string_new (NULL);
  c->changed = g_string_new (NULL);
  c->items = g_string_new (NULL);
  g_set_weak_pointer (&c->object, object);
  g_signal_connect (object, "sync", G_CALLBACK (on_sync), c);
  g_signal_connect (object, "error", G_CALLBACK (on_error), c);
  g_signal_connect (object, "notify", G_CALLBACK (on_notify), c);
  if (CACHEIT_IS_MODEL (object))
    g_signal_connect (object, "changed", G_CALLBACK (on_changed), c);
  if (G_IS_LIST_MODEL (object))
    g_signal_connect (object, "items-changed", G_CALLBACK (on_items_changed), c);
}

void
counters_reset (Counters *c)
{
  c->n_sync = c->n_error = c->n_changed = c->n_items_changed = 0;
  c->n_fetching = c->n_stale = c->n_last_updated = c->n_status = 0;
  g_string_truncate (c->notify, 0);
  g_string_truncate (c->changed, 0);
  g_string_truncate (c->items, 0);
  g_clear_error (&c->error);
}

void
counters_clear (Counters *c)
{
  /* The object may outlive the counters (a client keeps it). */
  if (c->object != NULL)
    g_signal_handlers_disconnect_by_data (c->object, c);
  g_clear_weak_pointer (&c->object);
  if (c->notify != NULL)
    g_string_free (c->notify, TRUE);
  if (c->changed != NULL)
    g_string_free (c->changed, TRUE);
  if (c->items != NULL)
    g_string_free (c->items, TRUE);
  c->notify = c->changed = c->items = NULL;
  g_clear_error (&c->error);
}

guint
n_notified (Counters   *c,
            const char *name)
{
  g_auto(GStrv) names = g_strsplit (c->notify->str, " ", -1);
  guint n = 0;

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      n++;

  return n;
}

void
assert_notified_only (Counters          *c,
                      const char *const *allowed)
{
  g_auto(GStrv) names = g_strsplit (c->notify->str, " ", -1);

  for (guint i = 0; names[i] != NULL; i++)
    if (names[i][0] != '\0' && !g_strv_contains (allowed, names[i]))
      g_assert_cmpstr (names[i], ==, "(a property allowed to notify here)");
}

void
count_cb (gpointer  instance,
          gpointer  arg,
          guint    *counter)
{
  (*counter)++;
}

void
count0_cb (gpointer  instance,
           guint    *counter)
{
  (*counter)++;
}

void
log_items_changed (GString    *log,
                   GListModel *list,
                   guint       position,
                   guint       removed,
                   guint       added)
{
  /* The model already reflects the change when the signal is emitted. */
  g_assert_cmpuint (position + added, <=, g_list_model_get_n_items (list));
  g_string_append_printf (log, "%u-%u+%u ", position, removed, added);
}

void
log_items_changed_cb (GListModel *list,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GString    *log)
{
  log_items_changed (log, list, position, removed, added);
}

static gboolean
deadline_passed_cb (gpointer user_data)
{
  CacheitTestDeadline *deadline = user_data;

  deadline->passed = TRUE;
  return G_SOURCE_REMOVE;
}

void
cacheit_test_deadline_start (CacheitTestDeadline *deadline)
{
  deadline->passed = FALSE;
  deadline->source = g_timeout_source_new_seconds (CACHEIT_TEST_WAIT_SECONDS);
  g_source_set_callback (deadline->source, deadline_passed_cb, deadline, NULL);
  g_source_attach (deadline->source, g_main_context_get_thread_default ());
}

void
cacheit_test_deadline_stop (CacheitTestDeadline *deadline)
{
  g_source_destroy (deadline->source);
  g_clear_pointer (&deadline->source, g_source_unref);
}

gboolean
cacheit_test_fetch_wait (gpointer            resource,
                         CacheitFetchFlags   flags,
                         GCancellable       *cancellable,
                         GError            **error)
{
  CacheitTestCompletion c = { 0 };
  gboolean ok;

  cacheit_resource_fetch_async (CACHEIT_RESOURCE (resource), flags, cancellable,
                                cacheit_test_completion_cb, &c);
  g_assert_false (c.done);
  cacheit_test_wait_until (c.done);
  ok = cacheit_resource_fetch_finish (CACHEIT_RESOURCE (resource), c.result, error);
  cacheit_test_drain ();
  g_assert_cmpuint (c.n_calls, ==, 1);
  cacheit_test_completion_clear (&c);

  return ok;
}

void
cacheit_test_fetch_ok (gpointer          resource,
                       CacheitFetchFlags flags)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cacheit_test_fetch_wait (resource, flags, NULL, &error));
  g_assert_no_error (error);
}

void
cacheit_test_serve_and_fetch (CacheitTestServer *server,
                              gpointer           resource,
                              const char        *path,
                              const char        *json)
{
  cacheit_test_server_set (server, path, 200, json);
  cacheit_test_fetch_ok (resource, CACHEIT_FETCH_RELOAD);
}

void
assert_json (const char *got,
             const char *expected)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (got);
  a = json_from_string (got, &error);
  g_assert_no_error (error);
  b = json_from_string (expected, &error);
  g_assert_no_error (error);
  if (!json_node_equal (a, b))
    g_assert_cmpstr (got, ==, expected);
}

void
assert_attributes (gpointer    model,
                   const char *expected)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, cacheit_model_get_attributes (CACHEIT_MODEL (model)));
  text = json_to_string (node, FALSE);
  assert_json (text, expected);
}

GDateTime *
dup_last_updated (gpointer resource)
{
  GDateTime *last_updated = NULL;

  g_object_get (resource, "last-updated", &last_updated, NULL);
  return last_updated;
}

guint
count_files (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  if (dir != NULL)
    while (g_dir_read_name (dir) != NULL)
      n++;
  return n;
}

void
cacheit_test_clear_snapshots (const char *directory)
{
  g_autoptr(CacheitClient) client = cacheit_client_new (NULL);
  CacheitTestCompletion cleared = { 0 };

  g_object_set (client, "snapshot-directory", directory, NULL);
  cacheit_client_clear_async (client, NULL, cacheit_test_completion_cb, &cleared);
  cacheit_test_wait_until (cleared.done);
  g_assert_true (cacheit_client_clear_finish (client, cleared.result, NULL));
  cacheit_test_completion_clear (&cleared);
}

void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else if (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
    {
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}
