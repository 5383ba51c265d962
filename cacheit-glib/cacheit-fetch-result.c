/* cacheit-fetch-result.c: the GAsyncResult that every caller of one fetch
 * shares (R2), and that a cached fetch hands out again (R3).
 *
 * A GTask cannot be that result: it has one callback, and its result can be
 * propagated once. This one holds the outcome and gives it to
 * cacheit_resource_fetch_finish() as often as it is asked. It keeps a weak
 * reference to the resource, which keeps the result of its last fetch, and
 * knows it only as a GObject, with the source tag it was given.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-fetch-result.h"

struct _CacheitFetchResult
{
  GObject  parent_instance;

  GWeakRef source;
  gpointer source_tag;
  GError  *error;
};

static void async_result_iface_init (GAsyncResultIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CacheitFetchResult, cacheit_fetch_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT, async_result_iface_init))

static GObject *
cacheit_fetch_result_get_source_object (GAsyncResult *result)
{
  return g_weak_ref_get (&CACHEIT_FETCH_RESULT (result)->source);
}

static gpointer
cacheit_fetch_result_get_user_data (GAsyncResult *result)
{
  /* Every caller has user data of its own, passed to its callback. */
  return NULL;
}

static gboolean
cacheit_fetch_result_is_tagged (GAsyncResult *result,
                                gpointer      source_tag)
{
  return source_tag == CACHEIT_FETCH_RESULT (result)->source_tag;
}

static void
async_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_source_object = cacheit_fetch_result_get_source_object;
  iface->get_user_data = cacheit_fetch_result_get_user_data;
  iface->is_tagged = cacheit_fetch_result_is_tagged;
}

static void
cacheit_fetch_result_finalize (GObject *object)
{
  CacheitFetchResult *self = CACHEIT_FETCH_RESULT (object);

  g_weak_ref_clear (&self->source);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (cacheit_fetch_result_parent_class)->finalize (object);
}

static void
cacheit_fetch_result_class_init (CacheitFetchResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cacheit_fetch_result_finalize;
}

static void
cacheit_fetch_result_init (CacheitFetchResult *self)
{
  g_weak_ref_init (&self->source, NULL);
}

CacheitFetchResult *
_cacheit_fetch_result_new (GObject      *source,
                           gpointer      source_tag,
                           const GError *error)
{
  CacheitFetchResult *self = g_object_new (CACHEIT_TYPE_FETCH_RESULT, NULL);

  g_weak_ref_set (&self->source, source);
  self->source_tag = source_tag;
  self->error = error != NULL ? g_error_copy (error) : NULL;

  return self;
}

gboolean
_cacheit_fetch_result_propagate (CacheitFetchResult  *self,
                                 GError             **error)
{
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  return TRUE;
}
