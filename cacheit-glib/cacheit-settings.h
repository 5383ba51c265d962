/* cacheit-settings.h: values an object follows from another unless it was
 * given its own.
 *
 * cacheit-settings.c owns a set of settings, each held as a GValue of its
 * GParamSpec, and the link from the object that embeds them to the one it
 * follows (an item, its collection) and back. It tells its owner of every
 * change of a value in use, its own or the one it follows, through one
 * callback. It knows its owner as a GObject only. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The value of @setting that @owner uses changed. */
typedef void (* CacheitSettingsChanged) (GObject *owner,
                                         guint    setting);

typedef struct _CacheitSettings CacheitSettings;

struct _CacheitSettings
{
  GObject                *owner;       /* Not owned: it embeds this. */
  GParamSpec *const      *pspecs;      /* One per setting, static. */
  guint                   n_settings;
  CacheitSettingsChanged  changed;

  /* The owner's values: its own, or kept from what it followed. */
  GValue                 *values;
  guint32                 own;         /* A bit per setting given to the owner itself. */

  /* What the owner follows in the settings it was not given, and those that
   * follow it, each by its own child_link. */
  CacheitSettings        *parent;
  GQueue                  children;
  GList                   child_link;
};

/* Every value starts as its pspec's default, followed from a parent once it has one. */
void          _cacheit_settings_init       (CacheitSettings        *self,
                                            GObject                *owner,
                                            GParamSpec *const      *pspecs,
                                            guint                   n_settings,
                                            CacheitSettingsChanged  changed);
/* The owner goes away (dispose): those that follow it keep the values they
 * used, not as their own, and follow nothing any more. */
void          _cacheit_settings_release    (CacheitSettings        *self);
/* Finalize: leaves what it follows, and frees the values. */
void          _cacheit_settings_clear      (CacheitSettings        *self);

/* The value of @setting in use: the owner's own, or that of what it follows. */
const GValue *_cacheit_settings_get        (CacheitSettings        *self,
                                            guint                   setting);
/* Gives @setting the value @value, of its pspec's type, as the owner's own;
 * a NULL string or object instead makes it follow again. Calls changed()
 * when the value in use changed, on the owner, then on those that follow it
 * in it. */
void          _cacheit_settings_set        (CacheitSettings        *self,
                                            guint                   setting,
                                            const GValue           *value);

/* Follows @parent (NULL for nothing; its owner is a weak link) in the
 * settings not given to the owner itself; changed() for each whose value in
 * use changed. */
void          _cacheit_settings_set_parent (CacheitSettings        *self,
                                            CacheitSettings        *parent);
/* Emits @signal_id (with one pointer argument, @arg) on the owners of what
 * @self follows, the outermost first, then on its owner: the handlers of an
 * item see what those of its collection did, and have the last word. An
 * owner of another type, which has no such signal (a client), is passed
 * over. */
void          _cacheit_settings_emit_along (CacheitSettings        *self,
                                            guint                   signal_id,
                                            gpointer                arg);
/* Whether a handler of @signal_id is connected on the owner of @self or on
 * that of anything it follows. */
gboolean      _cacheit_settings_handled_along (CacheitSettings     *self,
                                               guint                signal_id);

G_END_DECLS
