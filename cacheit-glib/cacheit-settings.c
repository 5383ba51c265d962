/* cacheit-settings.c: values an object follows from another unless it was
 * given its own.
 *
 * An item of a collection uses its collection's session, retry and refetch
 * settings, unless the item was given its own (R14). Each owner keeps a
 * GValue per setting and a bit saying whether it was given it; reading a
 * setting walks up to the nearest owner that was given it, or that follows
 * nothing. A change goes down to those that follow the owner in it, each told
 * through changed(), so that it notifies and updates what depends on it. The
 * owner knows those that follow it by an intrusive list, so that nothing is
 * done per item for the other changes of a collection. When an owner goes
 * away first, those that follow it keep the values they used.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-settings.h"

#define OWN(setting) (1u << (setting))

void
_cacheit_settings_init (CacheitSettings        *self,
                        GObject                *owner,
                        GParamSpec *const      *pspecs,
                        guint                   n_settings,
                        CacheitSettingsChanged  changed)
{
  g_assert (n_settings <= 32);

  self->owner = owner;
  self->pspecs = pspecs;
  self->n_settings = n_settings;
  self->changed = changed;
  self->values = g_new0 (GValue, n_settings);
  for (guint i = 0; i < n_settings; i++)
    {
      g_value_init (&self->values[i], G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
      g_param_value_set_default (pspecs[i], &self->values[i]);
    }
  self->own = 0;
  self->parent = NULL;
  g_queue_init (&self->children);
  self->child_link.data = self;
}

/* The settings whose value of @setting @self uses. */
static CacheitSettings *
settings_of (CacheitSettings *self,
             guint            setting)
{
  while (self->parent != NULL && (self->own & OWN (setting)) == 0)
    self = self->parent;

  return self;
}

const GValue *
_cacheit_settings_get (CacheitSettings *self,
                       guint            setting)
{
  g_assert (setting < self->n_settings);

  return &settings_of (self, setting)->values[setting];
}

/* The value of @setting that @self uses changed: its owner hears of it,
 * then those that follow it in @setting. */
static void
changed (CacheitSettings *self,
         guint            setting)
{
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GPtrArray) children = NULL;

  self->changed (self->owner, setting);

  if (g_queue_is_empty (&self->children))
    return;

  /* A handler may drop the last reference to an item: each is held, and
   * so are its settings, which it embeds. */
  held = g_ptr_array_new_with_free_func (g_object_unref);
  children = g_ptr_array_new ();
  for (GList *l = self->children.head; l != NULL; l = l->next)
    {
      CacheitSettings *child = l->data;

      if ((child->own & OWN (setting)) == 0)
        {
          g_ptr_array_add (held, g_object_ref (child->owner));
          g_ptr_array_add (children, child);
        }
    }
  for (guint i = 0; i < children->len; i++)
    {
      CacheitSettings *child = g_ptr_array_index (children, i);

      /* Unless a handler above gave it a value of its own meanwhile. */
      if (settings_of (child, setting) == settings_of (self, setting))
        changed (child, setting);
    }
}

static gboolean
holds_null (const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_get_string (value) == NULL;
  if (G_VALUE_HOLDS_OBJECT (value))
    return g_value_get_object (value) == NULL;

  return FALSE;
}

void
_cacheit_settings_set (CacheitSettings *self,
                       guint            setting,
                       const GValue    *value)
{
  g_auto(GValue) before = G_VALUE_INIT;
  GParamSpec *pspec = self->pspecs[setting];

  g_assert (setting < self->n_settings);

  g_value_init (&before, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_value_copy (_cacheit_settings_get (self, setting), &before);

  g_value_copy (value, &self->values[setting]);
  if (holds_null (value))
    self->own &= ~OWN (setting);
  else
    self->own |= OWN (setting);

  if (g_param_values_cmp (pspec, &before, _cacheit_settings_get (self, setting)) != 0)
    changed (self, setting);
}

void
_cacheit_settings_set_parent (CacheitSettings *self,
                              CacheitSettings *parent)
{
  const GValue *before[32] = { NULL, };

  g_return_if_fail (parent != self);

  if (self->parent == parent)
    return;

  /* What @self used stays alive meanwhile: the old parent's owner is held
   * by the caller. */
  for (guint i = 0; i < self->n_settings; i++)
    before[i] = _cacheit_settings_get (self, i);

  if (self->parent != NULL)
    g_queue_unlink (&self->parent->children, &self->child_link);
  self->parent = parent;
  if (parent != NULL)
    g_queue_push_tail_link (&parent->children, &self->child_link);

  for (guint i = 0; i < self->n_settings; i++)
    if (g_param_values_cmp (self->pspecs[i], before[i], _cacheit_settings_get (self, i)) != 0)
      changed (self, i);
}

void
_cacheit_settings_release (CacheitSettings *self)
{
  GList *link;

  while ((link = g_queue_pop_head_link (&self->children)) != NULL)
    {
      CacheitSettings *child = link->data;

      for (guint i = 0; i < child->n_settings; i++)
        if ((child->own & OWN (i)) == 0)
          g_value_copy (_cacheit_settings_get (child, i), &child->values[i]);
      child->parent = NULL;
    }
}

void
_cacheit_settings_clear (CacheitSettings *self)
{
  /* What it followed still lives (it would have released @self first). */
  if (self->parent != NULL)
    {
      g_queue_unlink (&self->parent->children, &self->child_link);
      self->parent = NULL;
    }

  for (guint i = 0; i < self->n_settings; i++)
    g_value_unset (&self->values[i]);
  g_clear_pointer (&self->values, g_free);
}

/* Whether @owner has the signal @signal_id: what a resource follows may
 * be of another type (a client), which has not. */
static gboolean
has_signal (GObject *owner,
            guint    signal_id)
{
  GSignalQuery query;

  g_signal_query (signal_id, &query);

  return G_TYPE_CHECK_INSTANCE_TYPE (owner, query.itype);
}

void
_cacheit_settings_emit_along (CacheitSettings *self,
                              guint            signal_id,
                              gpointer         arg)
{
  g_autoptr(GPtrArray) chain = NULL;

  if (self->parent == NULL)
    {
      g_signal_emit (self->owner, signal_id, 0, arg);
      return;
    }

  /* A handler may drop the last reference to one of them. */
  chain = g_ptr_array_new_with_free_func (g_object_unref);
  for (CacheitSettings *s = self; s != NULL; s = s->parent)
    if (has_signal (s->owner, signal_id))
      g_ptr_array_add (chain, g_object_ref (s->owner));
  for (guint i = chain->len; i > 0; i--)
    g_signal_emit (g_ptr_array_index (chain, i - 1), signal_id, 0, arg);
}

gboolean
_cacheit_settings_handled_along (CacheitSettings *self,
                                 guint            signal_id)
{
  for (CacheitSettings *s = self; s != NULL; s = s->parent)
    if (has_signal (s->owner, signal_id) &&
        g_signal_has_handler_pending (s->owner, signal_id, 0, FALSE))
      return TRUE;

  return FALSE;
}
