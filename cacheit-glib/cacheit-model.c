/* cacheit-model.c: one JSON object at a URL (R9)
 *
 * This unit owns a model's attributes, its typed properties and their exact
 * change signals, and the writes of a model of its own. The writes of an item
 * go through the CacheitItemHost hook its collection installed (a weak
 * reference: an item that outlives its collection writes itself); this unit
 * includes nothing of the collection. Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cacheit-model.h"
#include "cacheit-model-private.h"
#include "cacheit-decode.h"
#include "cacheit-error.h"
#include "cacheit-error-private.h"
#include "cacheit-json.h"
#include "cacheit-resource-private.h"

/**
 * CacheitModel:
 *
 * One JSON object at a URL, fetched once and shared by every caller.
 *
 * A model holds the attributes of the object (`GET url` → `{...}`), read
 * with [method@Model.get_attributes] or the typed getters such as
 * [method@Model.get_string]. After each fetch that changed them, it emits
 * [signal@Model::changed] once for every attribute whose value changed, with
 * the attribute's name as the detail; a fetch of identical data emits
 * nothing.
 *
 * ## Typed models
 *
 * A subclass that declares GObject properties gets them filled from the JSON
 * members of the same name: the member `first_name` or `first-name` fills
 * the property `first-name`. A property is set only when its value changes,
 * so `notify` is emitted exactly for the properties that changed; that is what
 * GTK binds to. Strings, booleans, integers and floating-point numbers of any
 * width, enumerations (by nick, name or value), string arrays (`GStrv`),
 * `GDateTime` (from an ISO 8601 string) and JSON values ([struct@Json.Node],
 * [struct@Json.Object], [struct@Json.Array]) are filled. A member that is
 * missing or `null` resets the property to its default. A value that cannot
 * be converted, or is out of the property's range, leaves the property
 * unchanged; the first time this happens for a property of a class, a
 * warning (`g_warning()`) names the property, its type and the value, and
 * later times are logged with `g_debug()`. Declare a property with a type
 * that holds every value the server sends: an id wants `gint64`, not
 * `gint`.
 *
 * In Python, declare the properties with `GObject.Property`; in gjs, with
 * `GObject.registerClass()` and `Properties`.
 *
 * Since: 1.0
 */

typedef struct
{
  JsonObject        *attributes;

  /* While writes are waiting: the attributes the server last confirmed.
   * What shows is these with the changes of the writes on top. */
  JsonObject        *confirmed;

  /* The host (the collection) that made this model an item of it, if any,
   * and what it does for its items. */
  GObject               *host_object;   /* Weak. */
  const CacheitItemHost *host;

  /* A placeholder row of a collection, whose page has not loaded. */
  gboolean               unloaded;
} CacheitModelPrivate;

/* The writable properties of a typed model class, and the JSON member names
 * that fill each. */
typedef struct
{
  GParamSpec *pspec;
  char       *underscored;   /* "first_name" for "first-name", or NULL. */
  int         warned;        /* A value it cannot hold was warned about. */
} TypedProperty;

typedef struct
{
  guint         n_properties;
  TypedProperty properties[];
} TypedClass;

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GQuark typed_class_quark;

G_DEFINE_TYPE_WITH_PRIVATE (CacheitModel, cacheit_model, CACHEIT_TYPE_RESOURCE)

static TypedClass *
typed_class_get (CacheitModel *self)
{
  GType type = G_OBJECT_TYPE (self);
  static GMutex lock;
  TypedClass *typed;

  g_mutex_lock (&lock);
  typed = g_type_get_qdata (type, typed_class_quark);
  if (typed == NULL)
    {
      g_autofree GParamSpec **pspecs = NULL;
      guint n_pspecs;
      guint n = 0;

      pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n_pspecs);
      typed = g_malloc0 (sizeof (TypedClass) + n_pspecs * sizeof (TypedProperty));

      for (guint i = 0; i < n_pspecs; i++)
        {
          GParamSpec *pspec = pspecs[i];

          /* Only the properties a subclass declared, and only those that can
           * be set after construction. */
          if (pspec->owner_type == CACHEIT_TYPE_MODEL ||
              !g_type_is_a (pspec->owner_type, CACHEIT_TYPE_MODEL) ||
              (pspec->flags & G_PARAM_WRITABLE) == 0 ||
              (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
            continue;

          typed->properties[n].pspec = pspec;
          if (strchr (pspec->name, '-') != NULL)
            typed->properties[n].underscored = g_strdelimit (g_strdup (pspec->name), "-", '_');
          n++;
        }
      typed->n_properties = n;

      /* Kept for the life of the type, as GObject keeps its pspecs. */
      g_type_set_qdata (type, typed_class_quark, typed);
    }
  g_mutex_unlock (&lock);

  return typed;
}

/* The property @prop of @self cannot hold @node, the value of its member
 * @name: the first time for its class, a warning says so, since it is the
 * class's declaration that does not fit the data (an id above 2^31 into a
 * gint); the other times, a debug message. */
static void
report_unconvertible (CacheitModel  *self,
                      TypedProperty *prop,
                      const char    *name,
                      JsonNode      *node)
{
  GParamSpec *pspec = prop->pspec;
  g_autofree char *json = json_to_string (node, FALSE);

  /* Short enough for a log line. */
  if (g_utf8_strlen (json, -1) > 64)
    {
      char *cut = g_utf8_substring (json, 0, 63);

      g_free (json);
      json = g_strconcat (cut, "…", NULL);
      g_free (cut);
    }

  if (g_atomic_int_compare_and_exchange (&prop->warned, 0, 1))
    {
      /* A number too large for an integer property: the common case. */
      gboolean number = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
                        G_TYPE_FUNDAMENTAL (pspec->value_type) != G_TYPE_INT64;

      g_warning ("%s: property “%s” (%s) cannot hold %s, the value of the JSON member “%s”; "
                 "it is left unchanged. Declare it with a type that holds every value the "
                 "server sends%s. Further values it cannot hold are logged with g_debug()",
                 G_OBJECT_TYPE_NAME (self), pspec->name, g_type_name (pspec->value_type),
                 json, name, number ? " (an id wants gint64)" : "");
    }
  else
    g_debug ("%s: property “%s” (%s) cannot hold %s, the value of the JSON member “%s”; "
             "it is left unchanged",
             G_OBJECT_TYPE_NAME (self), pspec->name, g_type_name (pspec->value_type),
             json, name);
}

static void
update_typed_properties (CacheitModel *self,
                         JsonObject   *attributes)
{
  TypedClass *typed = typed_class_get (self);

  for (guint i = 0; i < typed->n_properties; i++)
    {
      TypedProperty *prop = &typed->properties[i];
      GParamSpec *pspec = prop->pspec;
      g_auto(GValue) current = G_VALUE_INIT;
      g_auto(GValue) value = G_VALUE_INIT;
      const char *name = pspec->name;
      JsonNode *node;

      node = json_object_get_member (attributes, name);
      if (node == NULL && prop->underscored != NULL)
        {
          name = prop->underscored;
          node = json_object_get_member (attributes, name);
        }

      g_value_init (&value, pspec->value_type);
      if (!_cacheit_json_to_value (node, pspec, &value))
        {
          report_unconvertible (self, prop, name, node);
          continue;
        }

      /* Set only what changed, so notify is exact (R9). */
      g_value_init (&current, pspec->value_type);
      g_object_get_property (G_OBJECT (self), pspec->name, &current);
      if (_cacheit_values_equal (pspec, &current, &value))
        continue;

      g_object_set_property (G_OBJECT (self), pspec->name, &value);
    }
}

/* The names of the members that differ between @old and @new, including
 * those that are only in one of them. */
static GPtrArray *
changed_members (JsonObject *old,
                 JsonObject *new)
{
  GPtrArray *changed = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, new);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonNode *old_node = json_object_get_member (old, name);

      if (old_node == NULL || !json_node_equal (old_node, node))
        g_ptr_array_add (changed, (gpointer) name);
    }

  json_object_iter_init_ordered (&iter, old);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    if (!json_object_has_member (new, name))
      g_ptr_array_add (changed, (gpointer) name);

  return changed;
}

gboolean
_cacheit_model_apply (CacheitModel *self,
                      JsonObject   *attributes)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);
  g_autoptr(JsonObject) old = NULL;
  g_autoptr(GPtrArray) changed = NULL;

  /* The names in @changed belong to @old and @attributes: keep both. */
  old = g_steal_pointer (&priv->attributes);
  priv->attributes = json_object_ref (attributes);

  changed = changed_members (old, attributes);

  g_object_freeze_notify (G_OBJECT (self));
  update_typed_properties (self, attributes);
  for (guint i = 0; i < changed->len; i++)
    {
      const char *name = g_ptr_array_index (changed, i);

      /* A name nobody connected to as a detail is not made a quark: names
       * come from the server, and quarks live as long as the process.
       * Handlers without a detail still hear it. */
      g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_try_string (name), name);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return changed->len > 0;
}

/* Resource ops: how a model is decoded and applied */

static gpointer
model_decode (gpointer     prepared,
              GBytes      *body,
              const char  *root_pointer,
              GError     **error)
{
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *node = _cacheit_decode_node (data, length, root_pointer, CACHEIT_SHAPE_OBJECT, error);

  /* Models that share a request hold this very object: sealed, a change
   * to it made by mistake is refused rather than seen by the others. */
  if (node != NULL)
    json_node_seal (node);

  return node;
}

/* Models that share a request share the attributes object too: it is never
 * changed, only replaced. */
static gpointer
model_finish (gpointer   prepared,
              gpointer   shared,
              GError   **error)
{
  return json_node_ref (shared);
}

static gpointer
model_from_node (CacheitResource  *self,
                 JsonNode         *node,
                 GError          **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE,
                   "expected an object, got %s", json_node_type_name (node));
      return NULL;
    }

  return json_node_ref (node);
}

static gboolean
model_apply_decoded (CacheitResource *self,
                     gpointer         decoded)
{
  return _cacheit_model_apply (CACHEIT_MODEL (self), json_node_get_object (decoded));
}

static void
model_clear (CacheitResource *self)
{
  g_autoptr(JsonObject) empty = json_object_new ();

  /* Every member goes, and the typed properties return to their defaults. */
  json_object_seal (empty);
  _cacheit_model_apply (CACHEIT_MODEL (self), empty);
}

static const CacheitResourceOps model_ops = {
  .decode = {
    .decode_shared = model_decode,
    .shared_ref = (gpointer (*) (gpointer)) json_node_ref,
    .shared_unref = (GDestroyNotify) json_node_unref,
    .finish = model_finish,
    .decoded_free = (GDestroyNotify) json_node_unref,
    .empty = "{}",
  },
  .from_node = model_from_node,
  .apply = model_apply_decoded,
  .clear = model_clear,
};

static void
cacheit_model_finalize (GObject *object)
{
  CacheitModel *self = CACHEIT_MODEL (object);
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  g_clear_pointer (&priv->attributes, json_object_unref);
  g_clear_pointer (&priv->confirmed, json_object_unref);
  g_clear_weak_pointer (&priv->host_object);

  G_OBJECT_CLASS (cacheit_model_parent_class)->finalize (object);
}

static void
cacheit_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CacheitModel *self = CACHEIT_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, cacheit_model_get_loaded (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_model_class_init (CacheitModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cacheit_model_finalize;
  object_class->get_property = cacheit_model_get_property;

  /**
   * CacheitModel:loaded:
   *
   * Whether the model stands for data: `FALSE` only for a placeholder row
   * of a collection with [property@Collection:placeholders], whose page
   * has not loaded yet. Bind a row's spinner or its sensitivity to it; the
   * collection replaces the row by the loaded item
   * ([signal@Gio.ListModel::items-changed]) when the page arrives.
   *
   * Since: 1.0
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _cacheit_resource_class_set_ops (CACHEIT_RESOURCE_CLASS (klass), &model_ops);
  typed_class_quark = g_quark_from_static_string ("cacheit-model-typed-class");

  /**
   * CacheitModel::changed:
   * @self: the model
   * @name: the name of the attribute
   *
   * Emitted after a fetch for each attribute whose value changed, was added
   * or was removed, with the attribute's name as the detail: connect to
   * `changed::title` to hear of `title` alone.
   *
   * A fetch of identical data emits nothing.
   *
   * Since: 1.0
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cacheit_model_init (CacheitModel *self)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  priv->attributes = json_object_new ();
}

/**
 * cacheit_model_new:
 * @url: (nullable): the URL of the JSON object
 *
 * Creates a model of the JSON object at @url.
 *
 * Nothing is fetched until [method@Resource.fetch_async] is called.
 *
 * Returns: (transfer full): a new model
 *
 * Since: 1.0
 */
CacheitModel *
cacheit_model_new (const char *url)
{
  return g_object_new (CACHEIT_TYPE_MODEL, "url", url, NULL);
}

/**
 * cacheit_model_get_loaded:
 * @self: a model
 *
 * Gets [property@Model:loaded].
 *
 * Returns: `FALSE` for a placeholder row whose page has not loaded
 *
 * Since: 1.0
 */
gboolean
cacheit_model_get_loaded (CacheitModel *self)
{
  CacheitModelPrivate *priv;

  g_return_val_if_fail (CACHEIT_IS_MODEL (self), TRUE);

  priv = cacheit_model_get_instance_private (self);

  return !priv->unloaded;
}

CacheitModel *
_cacheit_model_new_placeholder (GType item_type)
{
  CacheitModel *self = g_object_new (item_type, NULL);
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  priv->unloaded = TRUE;

  return self;
}

/**
 * cacheit_model_get_attributes:
 * @self: a model
 *
 * Gets the attributes of @self: the JSON object of the last successful
 * fetch, empty before any.
 *
 * The object is replaced, not changed, by a later fetch. It is sealed
 * (see [method@Json.Object.seal]): models of the same URL that fetched
 * together share it.
 *
 * Returns: (transfer none): the attributes
 *
 * Since: 1.0
 */
JsonObject *
cacheit_model_get_attributes (CacheitModel *self)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_MODEL (self), NULL);

  return priv->attributes;
}

/**
 * cacheit_model_get_attribute:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets the value of the attribute @name.
 *
 * Returns: (transfer none) (nullable): the value, or `NULL` if @self has no
 *   such attribute
 *
 * Since: 1.0
 */
JsonNode *
cacheit_model_get_attribute (CacheitModel *self,
                             const char   *name)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  g_return_val_if_fail (CACHEIT_IS_MODEL (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return json_object_get_member (priv->attributes, name);
}

/**
 * cacheit_model_has:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets whether @self has the attribute @name (even if it is `null`).
 *
 * Returns: `TRUE` if the attribute is present
 *
 * Since: 1.0
 */
gboolean
cacheit_model_has (CacheitModel *self,
                   const char   *name)
{
  return cacheit_model_get_attribute (self, name) != NULL;
}

/**
 * cacheit_model_get_string:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets the attribute @name as a string.
 *
 * Returns: (nullable): the string, or `NULL` if the attribute is missing or
 *   is not a string
 *
 * Since: 1.0
 */
const char *
cacheit_model_get_string (CacheitModel *self,
                          const char   *name)
{
  JsonNode *node = cacheit_model_get_attribute (self, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * cacheit_model_get_int:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets the attribute @name as an integer.
 *
 * A floating-point number is truncated towards zero.
 *
 * Returns: the integer, or 0 if the attribute is missing or is not a number
 *
 * Since: 1.0
 */
gint64
cacheit_model_get_int (CacheitModel *self,
                       const char   *name)
{
  JsonNode *node = cacheit_model_get_attribute (self, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);

  return 0;
}

/**
 * cacheit_model_get_double:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets the attribute @name as a floating-point number.
 *
 * Returns: the number, or 0 if the attribute is missing or is not a number
 *
 * Since: 1.0
 */
double
cacheit_model_get_double (CacheitModel *self,
                          const char   *name)
{
  JsonNode *node = cacheit_model_get_attribute (self, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0.0;

  if (json_node_get_value_type (node) == G_TYPE_INT64 ||
      json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);

  return 0.0;
}

/**
 * cacheit_model_get_boolean:
 * @self: a model
 * @name: the name of an attribute
 *
 * Gets the attribute @name as a boolean.
 *
 * Returns: the boolean, or `FALSE` if the attribute is missing or is not a
 *   boolean
 *
 * Since: 1.0
 */
gboolean
cacheit_model_get_boolean (CacheitModel *self,
                           const char   *name)
{
  JsonNode *node = cacheit_model_get_attribute (self, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  return json_node_get_boolean (node);
}

/* Writes */

typedef enum
{
  MODEL_SAVE,
  MODEL_DESTROY,
} ModelWriteKind;

typedef struct
{
  ModelWriteKind    kind;
  JsonObject       *changes;
  CacheitSaveFlags  flags;
  guint             shown : 1;    /* Its change shows, and is not the server's yet. */
  /* Where it goes: the URL when it was asked (R13), not when its turn
   * comes. */
  char              *url;
} ModelWrite;

static void
model_write_free (ModelWrite *write)
{
  g_clear_pointer (&write->changes, json_object_unref);
  g_clear_pointer (&write->url, g_free);
  g_free (write);
}

static void
add_shown_changes (gpointer data,
                   gpointer user_data)
{
  ModelWrite *write = data;

  if (write->kind == MODEL_SAVE && write->shown)
    g_ptr_array_add (user_data, write->changes);
}

/* Shows the confirmed attributes with the changes of the waiting writes on
 * top, with exact signals. */
static void
model_show (CacheitModel *self)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new ();

  _cacheit_write_queue_foreach (_cacheit_resource_get_writes (CACHEIT_RESOURCE (self)), add_shown_changes, changes);
  _cacheit_model_show_item (self, changes);
}

/* The server took @changes and answered @answer (nullable): what it holds
 * now. The snapshot follows. */
static void
confirm (CacheitModel *self,
         JsonObject   *changes,
         JsonObject   *answer)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);
  g_autoptr(JsonObject) saved = _cacheit_json_object_merge (priv->confirmed, changes);
  g_autoptr(GBytes) body = NULL;

  g_clear_pointer (&priv->confirmed, json_object_unref);
  priv->confirmed = _cacheit_json_object_merge (saved, answer);
  json_object_seal (priv->confirmed);

  body = _cacheit_json_object_to_bytes (priv->confirmed,
                                        cacheit_resource_get_root_pointer (CACHEIT_RESOURCE (self)),
                                        NULL);
  if (body != NULL)
    _cacheit_resource_save_snapshot (CACHEIT_RESOURCE (self), body);
}

/* Writes of an item that its collection sends: the item shows them itself,
 * with its own attributes (those of a fetch of its own URL included), so
 * the collection needs not rebuild its data to show a save. */
void
_cacheit_model_begin_item_write (CacheitModel *self)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  if (cacheit_resource_get_saving (CACHEIT_RESOURCE (self)) && priv->confirmed != NULL)
    return;

  g_clear_pointer (&priv->confirmed, json_object_unref);
  priv->confirmed = json_object_ref (priv->attributes);
}

void
_cacheit_model_show_item (CacheitModel *self,
                          GPtrArray    *changes)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);
  g_autoptr(JsonObject) shown = json_object_ref (priv->confirmed != NULL ? priv->confirmed : priv->attributes);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *merged = _cacheit_json_object_merge (shown, g_ptr_array_index (changes, i));

      json_object_unref (shown);
      shown = merged;
    }
  _cacheit_model_apply (self, shown);
}

JsonObject *
_cacheit_model_get_confirmed (CacheitModel *self)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  return priv->confirmed != NULL ? priv->confirmed : priv->attributes;
}

void
_cacheit_model_confirm_item (CacheitModel *self,
                             JsonObject   *changes,
                             JsonObject   *answer)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  if (priv->confirmed == NULL)
    priv->confirmed = json_object_ref (priv->attributes);
  _cacheit_resource_forget_validators (CACHEIT_RESOURCE (self));
  confirm (self, changes, answer);
}

static gboolean
model_write_prepare (CacheitResource  *owner,
                     gpointer          data,
                     char            **method,
                     char            **url,
                     GBytes          **body,
                     GError          **error)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (CACHEIT_MODEL (owner));
  ModelWrite *write = data;
  g_autoptr(JsonObject) sent = NULL;

  *url = g_strdup (write->url);

  if (write->kind == MODEL_DESTROY)
    {
      *method = g_strdup (SOUP_METHOD_DELETE);
      return TRUE;
    }

  if (write->flags & CACHEIT_SAVE_PATCH)
    {
      *method = g_strdup ("PATCH");
      sent = write->changes != NULL ? json_object_ref (write->changes) : json_object_new ();
    }
  else
    {
      /* The attributes as they are when its turn comes: the server's, and
       * this change. */
      *method = g_strdup (SOUP_METHOD_PUT);
      sent = _cacheit_json_object_merge (priv->confirmed, write->changes);
    }

  *body = _cacheit_json_object_to_bytes (sent, NULL, error);

  return *body != NULL;
}

static GObject *
model_write_commit (CacheitResource *owner,
                    gpointer         data,
                    JsonObject      *answer)
{
  CacheitModel *self = CACHEIT_MODEL (owner);
  ModelWrite *write = data;

  /* The validators were of the data before the write. */
  _cacheit_resource_forget_validators (owner);

  if (write->kind == MODEL_DESTROY)
    {
      _cacheit_resource_save_snapshot (owner, NULL);
      return NULL;
    }

  confirm (self, write->changes, answer);
  write->shown = FALSE;
  model_show (self);

  return NULL;
}

static void
model_write_rollback (CacheitResource *owner,
                      gpointer         data)
{
  ModelWrite *write = data;

  if (write->shown)
    model_show (CACHEIT_MODEL (owner));
}

static const CacheitWriteOps model_write_ops = {
  .prepare = model_write_prepare,
  .commit = model_write_commit,
  .rollback = model_write_rollback,
  .data_free = (GDestroyNotify) model_write_free,
};

void
_cacheit_model_set_host (CacheitModel          *self,
                         const CacheitItemHost *host,
                         GObject               *host_object)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  priv->host = host;
  g_set_weak_pointer (&priv->host_object, host_object);
}

gboolean
_cacheit_model_adopt (CacheitModel          *self,
                      const CacheitItemHost *host,
                      GObject               *host_object,
                      JsonObject            *attributes)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);

  if ((priv->host_object != NULL && priv->host_object != host_object) ||
      _cacheit_write_queue_has_own (_cacheit_resource_get_writes (CACHEIT_RESOURCE (self))) ||
      cacheit_resource_get_placeholder (CACHEIT_RESOURCE (self)))
    return FALSE;

  _cacheit_model_set_host (self, host, host_object);
  _cacheit_model_apply (self, attributes);

  return TRUE;
}

static void
model_write (CacheitModel        *self,
             ModelWriteKind       kind,
             JsonObject          *changes,
             CacheitSaveFlags     flags,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  CacheitModelPrivate *priv = cacheit_model_get_instance_private (self);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ModelWrite *write;

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, kind == MODEL_DESTROY ? "[cacheit] destroy" : "[cacheit] save");

  /* The attributes shown are those of an earlier URL (R13): written to this
   * one, they would replace its data with another's. */
  if (cacheit_resource_get_placeholder (CACHEIT_RESOURCE (self)))
    {
      g_autofree char *safe_url = _cacheit_uri_to_safe_string (cacheit_resource_get_url (CACHEIT_RESOURCE (self)));

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("%s is not fetched yet: what shows is the data of its previous URL"),
                               safe_url);
      return;
    }

  /* An item of a collection is written through it, which keeps its list
   * and its other items coherent with the write. */
  if (priv->host_object != NULL &&
      priv->host->write_item (priv->host_object, self, kind == MODEL_DESTROY,
                              changes, flags, task))
    return;

  /* With no write waiting, what shows is the server's. */
  if (!_cacheit_write_queue_has_own (_cacheit_resource_get_writes (CACHEIT_RESOURCE (self))))
    {
      g_clear_pointer (&priv->confirmed, json_object_unref);
      priv->confirmed = json_object_ref (priv->attributes);
    }

  write = g_new0 (ModelWrite, 1);
  write->kind = kind;
  /* A copy: the caller may change @changes afterwards. */
  write->changes = changes != NULL ? _cacheit_json_object_merge (NULL, changes) : NULL;
  write->flags = flags;
  write->url = g_strdup (cacheit_resource_get_url (CACHEIT_RESOURCE (self)));
  write->shown = kind == MODEL_SAVE && changes != NULL && (flags & CACHEIT_SAVE_WAIT) == 0;

  _cacheit_write_queue_push (_cacheit_resource_get_writes (CACHEIT_RESOURCE (self)), &model_write_ops, write,
                             cacheit_resource_get_root_pointer (CACHEIT_RESOURCE (self)), task);
  model_show (self);
}

/**
 * cacheit_model_save_async:
 * @self: a model
 * @changes: (nullable): the attributes to change, or `NULL` to save the
 *   model as it is
 * @flags: how to write it
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (closure user_data): called when the server
 *   answered
 * @user_data: data for @callback
 *
 * Sets @changes on @self and writes it back to the server.
 *
 * The members of @changes replace the attributes of the same name (a JSON
 * `null` sets `null`; nothing is removed). The change shows at once, before
 * this returns, with the exact [signal@Model::changed] signals and property
 * notifications, unless @flags has `CACHEIT_SAVE_WAIT`.
 *
 * The request is a `PUT` of all the attributes to [property@Resource:url],
 * or with `CACHEIT_SAVE_PATCH` a `PATCH` of @changes alone. An item of a
 * [class@Collection] is written to its own URL, and one without an id is
 * `POST`ed to the collection's.
 *
 * When the server accepts it, the object it answers with, if any, is merged
 * onto the attributes (an id it assigned, normalised fields), and the
 * snapshot on disk follows. When it refuses, or the request fails, the
 * change is undone exactly, with the signals that brings, and the error
 * (`CACHEIT_ERROR_HTTP_STATUS` with the status for a refusal) is reported.
 *
 * An item whose [method@Collection.create_async] is still pending cannot be
 * saved yet: the save fails with `G_IO_ERROR_PENDING`. A `2xx` answer that is
 * not a JSON object (or cannot be read) fails the save with a `CACHEIT_ERROR`,
 * but the change stays, since the server took it, and the resource is
 * invalidated ([method@Resource.invalidate]).
 *
 * A `PUT` whose reused keep-alive connection is lost before any answer is
 * sent again, once, whole, on a new connection; any other write whose
 * connection is lost (a `PATCH`, a `PUT` on a new connection) fails with a
 * `G_IO_ERROR`, is undone, and the resource is invalidated, since the
 * server may have applied it. A `307` or `308` answer is followed with the
 * same method and body, up to 5 times; a `301`, `302` or `303` is not, and
 * fails with `CACHEIT_ERROR_HTTP_STATUS`. See
 * [When the connection is lost](saving.html#when-the-connection-is-lost).
 *
 * Writes of one model, or of one collection and its items, are sent one at
 * a time in the order they were asked; each shows its change at once, and
 * one that fails undoes its own change only. See the [Saving](saving.html)
 * guide for how writes and fetches keep the data coherent.
 *
 * Since: 1.0
 */
void
cacheit_model_save_async (CacheitModel        *self,
                          JsonObject          *changes,
                          CacheitSaveFlags     flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (CACHEIT_IS_MODEL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  model_write (self, MODEL_SAVE, changes, flags, cancellable, callback, user_data,
               cacheit_model_save_async);
}

/**
 * cacheit_model_save_finish:
 * @self: a model
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Gets the outcome of [method@Model.save_async].
 *
 * Returns: `TRUE` when the server accepted the change, `FALSE` with @error
 *   set otherwise
 *
 * Since: 1.0
 */
gboolean
cacheit_model_save_finish (CacheitModel  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (CACHEIT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cacheit_model_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cacheit_model_destroy_async:
 * @self: a model
 * @flags: `CACHEIT_SAVE_WAIT` to keep an item in its collection until the
 *   server accepted; other flags are ignored
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async) (closure user_data): called when the server
 *   answered
 * @user_data: data for @callback
 *
 * Deletes @self on the server, with a `DELETE` to its URL.
 *
 * An item of a [class@Collection] leaves it at once (unless @flags has
 * `CACHEIT_SAVE_WAIT`), and comes back at its place, the same object, if the
 * server refuses. The snapshot on disk of a model that is not an item is
 * removed once the server accepted.
 *
 * A `DELETE` whose reused keep-alive connection is lost before any answer
 * is sent again, once, on a new connection, and a `404` or `410` answer to
 * it counts as done; one whose new connection is lost fails with a
 * `G_IO_ERROR` and @self is invalidated. Redirects are followed as by
 * [method@Model.save_async].
 *
 * Since: 1.0
 */
void
cacheit_model_destroy_async (CacheitModel        *self,
                             CacheitSaveFlags     flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CACHEIT_IS_MODEL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  model_write (self, MODEL_DESTROY, NULL, flags, cancellable, callback, user_data,
               cacheit_model_destroy_async);
}

/**
 * cacheit_model_destroy_finish:
 * @self: a model
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Gets the outcome of [method@Model.destroy_async].
 *
 * Returns: `TRUE` when the server deleted it, `FALSE` with @error set
 *   otherwise
 *
 * Since: 1.0
 */
gboolean
cacheit_model_destroy_finish (CacheitModel  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (CACHEIT_IS_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cacheit_model_destroy_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
