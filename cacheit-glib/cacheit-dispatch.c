/* cacheit-dispatch.c: completes callers in their own main contexts.
 *
 * One fetch may complete thousands of callers, and a cached fetch must
 * complete on a later main-loop iteration, never inside fetch_async() (R3).
 * A GSource for each completion would cost more than the completion itself,
 * so completions for one main context are queued behind a single source that
 * runs them all on its next dispatch. A completion queued while that source
 * dispatches gets a new source, so it runs on a later iteration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-dispatch.h"

typedef struct
{
  GAsyncReadyCallback  callback;
  GObject             *source_object;
  GAsyncResult        *result;
  gpointer             user_data;
} Delivery;

typedef struct
{
  GSource       source;
  GMainContext *context;     /* Not owned: the key in `pending`. */
  GArray       *deliveries;  /* Delivery, under `lock` while pending. */
} DispatchSource;

/* GMainContext → the DispatchSource that has not dispatched yet. */
static GMutex      lock;
static GHashTable *pending;

static void
delivery_clear (gpointer data)
{
  Delivery *delivery = data;

  g_clear_object (&delivery->source_object);
  g_clear_object (&delivery->result);
}

static void
forget_source (DispatchSource *ds)
{
  g_mutex_lock (&lock);
  if (pending != NULL && g_hash_table_lookup (pending, ds->context) == ds)
    g_hash_table_remove (pending, ds->context);
  g_mutex_unlock (&lock);
}

static gboolean
dispatch_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  DispatchSource *ds = (DispatchSource *) source;
  g_autoptr(GArray) deliveries = NULL;

  /* From here on, new completions for this context get a new source. */
  g_mutex_lock (&lock);
  if (g_hash_table_lookup (pending, ds->context) == ds)
    g_hash_table_remove (pending, ds->context);
  deliveries = g_steal_pointer (&ds->deliveries);
  g_mutex_unlock (&lock);

  for (guint i = 0; deliveries != NULL && i < deliveries->len; i++)
    {
      Delivery *delivery = &g_array_index (deliveries, Delivery, i);

      delivery->callback (delivery->source_object, delivery->result, delivery->user_data);
    }

  return G_SOURCE_REMOVE;
}

static void
dispatch_source_finalize (GSource *source)
{
  DispatchSource *ds = (DispatchSource *) source;

  /* A context destroyed before it dispatched us: drop what we held. */
  forget_source (ds);
  g_clear_pointer (&ds->deliveries, g_array_unref);
}

static GSourceFuncs dispatch_source_funcs = {
  .dispatch = dispatch_source_dispatch,
  .finalize = dispatch_source_finalize,
};

void
_cacheit_dispatch (GMainContext        *context,
                   GAsyncReadyCallback  callback,
                   GObject             *source_object,
                   GAsyncResult        *result,
                   gpointer             user_data)
{
  Delivery delivery;
  DispatchSource *ds;

  /* A caller that asked for no callback: its result has no one to go to. */
  if (callback == NULL)
    return;

  delivery = (Delivery) {
    callback,
    source_object != NULL ? g_object_ref (source_object) : NULL,
    g_object_ref (result),
    user_data,
  };

  if (context == NULL)
    context = g_main_context_default ();

  g_mutex_lock (&lock);

  if (pending == NULL)
    pending = g_hash_table_new (NULL, NULL);

  ds = g_hash_table_lookup (pending, context);
  if (ds == NULL)
    {
      GSource *source = g_source_new (&dispatch_source_funcs, sizeof (DispatchSource));

      ds = (DispatchSource *) source;
      ds->context = context;
      ds->deliveries = g_array_new (FALSE, FALSE, sizeof (Delivery));
      g_array_set_clear_func (ds->deliveries, delivery_clear);
      g_source_set_static_name (source, "[cacheit] complete fetches");
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_ready_time (source, 0);
      g_hash_table_insert (pending, context, ds);
      g_source_attach (source, context);
      /* The context holds the source until it has dispatched. */
      g_source_unref (source);
    }

  g_array_append_val (ds->deliveries, delivery);

  g_mutex_unlock (&lock);
}

GApplication *
_cacheit_application_hold (GMainContext *context)
{
  GApplication *application = g_application_get_default ();

  if (application == NULL || context != g_main_context_default ())
    return NULL;

  g_application_hold (application);
  return g_object_ref (application);
}

void
_cacheit_application_release (GApplication **application)
{
  if (*application == NULL)
    return;

  g_application_release (*application);
  g_clear_object (application);
}
