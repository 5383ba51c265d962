/* test-model.c: attributes, exact change notification (R9) and typed models.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cacheit.h>

#include "cacheit-test-server.h"
#include "cacheit-test-signals.h"

/* A typed model, as an application declares one. */

typedef enum
{
  TEST_STATE_DRAFT,
  TEST_STATE_PUBLISHED,
} TestState;

static GType
test_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TEST_STATE_DRAFT, "TEST_STATE_DRAFT", "draft" },
    { TEST_STATE_PUBLISHED, "TEST_STATE_PUBLISHED", "published" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("TestState", values));

  return type;
}

#define TEST_TYPE_PERSON (test_person_get_type ())
G_DECLARE_FINAL_TYPE (TestPerson, test_person, TEST, PERSON, CacheitModel)

struct _TestPerson
{
  CacheitModel parent_instance;

  char        *first_name;
  int          age;
  double       score;
  gboolean     active;
  TestState    state;
  char       **tags;
  guint8       small;
};

enum {
  PROP_0,
  PROP_FIRST_NAME,
  PROP_AGE,
  PROP_SCORE,
  PROP_ACTIVE,
  PROP_STATE,
  PROP_TAGS,
  PROP_SMALL,
  N_PROPS
};

static GParamSpec *person_properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TestPerson, test_person, CACHEIT_TYPE_MODEL)

static void
test_person_finalize (GObject *object)
{
  TestPerson *self = TEST_PERSON (object);

  g_free (self->first_name);
  g_strfreev (self->tags);

  G_OBJECT_CLASS (test_person_parent_class)->finalize (object);
}

static void
test_person_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TestPerson *self = TEST_PERSON (object);

  switch (prop_id)
    {
    case PROP_FIRST_NAME: g_value_set_string (value, self->first_name); break;
    case PROP_AGE: g_value_set_int (value, self->age); break;
    case PROP_SCORE: g_value_set_double (value, self->score); break;
    case PROP_ACTIVE: g_value_set_boolean (value, self->active); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_TAGS: g_value_set_boxed (value, self->tags); break;
    case PROP_SMALL: g_value_set_uchar (value, self->small); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_person_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TestPerson *self = TEST_PERSON (object);

  /* No change check here: the library must only set what changed. */
  switch (prop_id)
    {
    case PROP_FIRST_NAME:
      g_free (self->first_name);
      self->first_name = g_value_dup_string (value);
      break;
    case PROP_AGE: self->age = g_value_get_int (value); break;
    case PROP_SCORE: self->score = g_value_get_double (value); break;
    case PROP_ACTIVE: self->active = g_value_get_boolean (value); break;
    case PROP_STATE: self->state = g_value_get_enum (value); break;
    case PROP_TAGS:
      g_strfreev (self->tags);
      self->tags = g_value_dup_boxed (value);
      break;
    case PROP_SMALL: self->small = g_value_get_uchar (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_person_class_init (TestPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = test_person_finalize;
  object_class->get_property = test_person_get_property;
  object_class->set_property = test_person_set_property;

  person_properties[PROP_FIRST_NAME] = g_param_spec_string ("first-name", NULL, NULL, NULL, flags);
  person_properties[PROP_AGE] = g_param_spec_int ("age", NULL, NULL, 0, 150, 0, flags);
  person_properties[PROP_SCORE] = g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  person_properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);
  person_properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, test_state_get_type (),
                                                     TEST_STATE_DRAFT, flags);
  person_properties[PROP_TAGS] = g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags);
  person_properties[PROP_SMALL] = g_param_spec_uchar ("small", NULL, NULL, 0, 255, 7, flags);
  g_object_class_install_properties (object_class, N_PROPS, person_properties);
}

static void
test_person_init (TestPerson *self)
{
  self->small = 7;
}

/* A GitHub repository, as a developer may first declare one: a gint id
 * (GitHub's ids are past 2^31) and a gint64 count; and a subclass of it. */

#define TEST_TYPE_REPO (test_repo_get_type ())
G_DECLARE_DERIVABLE_TYPE (TestRepo, test_repo, TEST, REPO, CacheitModel)

struct _TestRepoClass
{
  CacheitModelClass parent_class;
};

typedef struct
{
  int    id;
  gint64 stars;
} TestRepoPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (TestRepo, test_repo, CACHEIT_TYPE_MODEL)

enum {
  REPO_PROP_0,
  REPO_PROP_ID,
  REPO_PROP_STARS,
  REPO_N_PROPS
};

static void
test_repo_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TestRepoPrivate *priv = test_repo_get_instance_private (TEST_REPO (object));

  switch (prop_id)
    {
    case REPO_PROP_ID: g_value_set_int (value, priv->id); break;
    case REPO_PROP_STARS: g_value_set_int64 (value, priv->stars); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_repo_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TestRepoPrivate *priv = test_repo_get_instance_private (TEST_REPO (object));

  switch (prop_id)
    {
    case REPO_PROP_ID: priv->id = g_value_get_int (value); break;
    case REPO_PROP_STARS: priv->stars = g_value_get_int64 (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_repo_class_init (TestRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = test_repo_get_property;
  object_class->set_property = test_repo_set_property;

  g_object_class_install_property (object_class, REPO_PROP_ID,
                                   g_param_spec_int ("id", NULL, NULL, G_MININT, G_MAXINT, 0, flags));
  g_object_class_install_property (object_class, REPO_PROP_STARS,
                                   g_param_spec_int64 ("stars", NULL, NULL, 0, G_MAXINT64, 0, flags));
}

static void
test_repo_init (TestRepo *self)
{
}

#define TEST_TYPE_FORK (test_fork_get_type ())
G_DECLARE_FINAL_TYPE (TestFork, test_fork, TEST, FORK, TestRepo)

struct _TestFork
{
  TestRepo parent_instance;
};

G_DEFINE_FINAL_TYPE (TestFork, test_fork, TEST_TYPE_REPO)

static void
test_fork_class_init (TestForkClass *klass)
{
}

static void
test_fork_init (TestFork *self)
{
}

/* A model whose parse() unwraps an envelope and rejects what it cannot. */

#define TEST_TYPE_ENVELOPED (test_enveloped_get_type ())
G_DECLARE_FINAL_TYPE (TestEnveloped, test_enveloped, TEST, ENVELOPED, CacheitModel)

struct _TestEnveloped
{
  CacheitModel parent_instance;
  guint        n_parse;
};

G_DEFINE_FINAL_TYPE (TestEnveloped, test_enveloped, CACHEIT_TYPE_MODEL)

static JsonNode *
test_enveloped_parse (CacheitResource  *resource,
                      JsonNode         *response,
                      GError          **error)
{
  TestEnveloped *self = TEST_ENVELOPED (resource);
  JsonObject *object;

  self->n_parse++;
  /* parse() runs in the resource's own context, on this thread. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));

  if (!JSON_NODE_HOLDS_OBJECT (response))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an envelope");
      return NULL;
    }

  object = json_node_get_object (response);
  if (!json_object_has_member (object, "data"))
    return NULL;

  return json_node_ref (json_object_get_member (object, "data"));
}

static void
test_enveloped_class_init (TestEnvelopedClass *klass)
{
  CACHEIT_RESOURCE_CLASS (klass)->parse = test_enveloped_parse;
}

static void
test_enveloped_init (TestEnveloped *self)
{
}

/* Warnings of the library about typed properties: the library logs with
 * the structured API, which g_test_expect_message() does not see, so they
 * are recorded here instead of being fatal. */

static GString *warnings;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Cacheit") == 0 &&
      message != NULL && strstr (message, "cannot hold") != NULL)
    {
      g_string_append_printf (warnings, "%s\n", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* The warnings recorded since the last call. */
static char *
take_warnings (void)
{
  char *taken = g_strdup (warnings->str);

  g_string_truncate (warnings, 0);
  return taken;
}

/* Fixture */

typedef struct
{
  CacheitTestServer *server;
  char              *url;
  GString           *log;     /* "changed:NAME " and "notify:NAME " in order. */
} Fixture;

static void
log_changed_cb (CacheitModel *model,
                const char   *name,
                Fixture      *fixture)
{
  g_string_append_printf (fixture->log, "changed:%s ", name);
}

static void
log_notify_cb (GObject    *object,
               GParamSpec *pspec,
               Fixture    *fixture)
{
  g_string_append_printf (fixture->log, "notify:%s ", pspec->name);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = cacheit_test_server_new ();
  fixture->url = cacheit_test_server_url (fixture->server, "/person");
  fixture->log = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cacheit_test_drain ();
  cacheit_test_server_free (fixture->server);
  g_free (fixture->url);
  g_string_free (fixture->log, TRUE);
}

/* Empties the log, then cacheit_test_serve_and_fetch() of @model at /person,
 * the URL of every model here. */
static void
refetch (Fixture      *fixture,
         CacheitModel *model,
         const char   *json)
{
  g_string_truncate (fixture->log, 0);
  cacheit_test_serve_and_fetch (fixture->server, model, "/person", json);
}

static void
test_getters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);

  g_test_summary ("Typed getters read attributes without JSON plumbing");

  g_assert_nonnull (cacheit_model_get_attributes (model));
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (model)), ==, 0);
  g_assert_false (cacheit_model_has (model, "s"));

  refetch (fixture, model,
           "{\"s\": \"text\", \"i\": 42, \"big\": 9007199254740993, \"d\": 2.5,"
           " \"b\": true, \"n\": null, \"o\": {\"x\": [1, 2]}, \"u\": \"caf\\u00e9\"}");

  g_assert_cmpstr (cacheit_model_get_string (model, "s"), ==, "text");
  g_assert_cmpstr (cacheit_model_get_string (model, "u"), ==, "café");
  g_assert_null (cacheit_model_get_string (model, "i"));
  g_assert_null (cacheit_model_get_string (model, "missing"));
  g_assert_cmpint (cacheit_model_get_int (model, "i"), ==, 42);
  g_assert_cmpint (cacheit_model_get_int (model, "big"), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpint (cacheit_model_get_int (model, "d"), ==, 2);
  g_assert_cmpint (cacheit_model_get_int (model, "s"), ==, 0);
  g_assert_cmpfloat (cacheit_model_get_double (model, "d"), ==, 2.5);
  g_assert_cmpfloat (cacheit_model_get_double (model, "i"), ==, 42.0);
  g_assert_true (cacheit_model_get_boolean (model, "b"));
  g_assert_false (cacheit_model_get_boolean (model, "s"));
  g_assert_true (cacheit_model_has (model, "n"));
  g_assert_true (JSON_NODE_HOLDS_NULL (cacheit_model_get_attribute (model, "n")));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (cacheit_model_get_attribute (model, "o")));
  g_assert_false (cacheit_model_has (model, "missing"));
}

static void
test_r9_changed_exact (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);

  g_test_summary ("R9: changed::NAME is emitted once per changed, added or removed "
                  "attribute; an identical refetch emits nothing");

  g_signal_connect (model, "changed", G_CALLBACK (log_changed_cb), fixture);

  refetch (fixture, model, "{\"a\": 1, \"b\": \"x\", \"c\": [1, {\"d\": true}]}");
  g_assert_cmpstr (fixture->log->str, ==, "changed:a changed:b changed:c ");

  /* The same values, reordered and re-spaced. */
  refetch (fixture, model, "{ \"c\": [1, {\"d\": true}], \"b\": \"x\", \"a\": 1 }");
  g_assert_cmpstr (fixture->log->str, ==, "");

  /* A nested change, a removal and an addition. */
  refetch (fixture, model, "{\"a\": 1, \"c\": [1, {\"d\": false}], \"e\": null}");
  g_assert_cmpstr (fixture->log->str, ==, "changed:c changed:e changed:b ");
  g_assert_false (cacheit_model_has (model, "b"));
}

static void
test_r9_changed_detail (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);
  guint n_title = 0;
  guint n_all = 0;

  g_test_summary ("R9: changed is a detailed signal: changed::title hears only title");

  g_signal_connect (model, "changed::title", G_CALLBACK (count_cb), &n_title);
  g_signal_connect (model, "changed", G_CALLBACK (count_cb), &n_all);

  refetch (fixture, model, "{\"title\": \"a\", \"body\": \"b\"}");
  g_assert_cmpuint (n_title, ==, 1);
  g_assert_cmpuint (n_all, ==, 2);
  refetch (fixture, model, "{\"title\": \"a\", \"body\": \"c\"}");
  g_assert_cmpuint (n_title, ==, 1);
  g_assert_cmpuint (n_all, ==, 3);
  refetch (fixture, model, "{\"title\": \"z\", \"body\": \"c\"}");
  g_assert_cmpuint (n_title, ==, 2);
}

static void
test_r9_names_not_interned (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);
  guint n_title = 0;
  guint n_all = 0;

  g_test_summary ("R9: attribute names from the server are not made GQuarks (they would live "
                  "forever); handlers with and without a detail still hear their changes");
  g_test_bug ("fuzz-model: every attribute name became a GQuark");

  g_signal_connect (model, "changed::title", G_CALLBACK (count_cb), &n_title);
  g_signal_connect (model, "changed", G_CALLBACK (count_cb), &n_all);
  refetch (fixture, model, "{\"title\": \"a\", \"zq-never-seen-name-1\": 1}");
  g_assert_cmpuint (n_title, ==, 1);
  g_assert_cmpuint (n_all, ==, 2);
  g_assert_cmpuint (g_quark_try_string ("zq-never-seen-name-1"), ==, 0);
}

static void
test_typed_properties (Fixture       *fixture,
                       gconstpointer  data)
{
  TestPerson *person = g_object_new (TEST_TYPE_PERSON, "url", fixture->url, NULL);

  g_test_summary ("Typed models: properties are filled from members of the same name "
                  "(first_name or first-name), notify only for those that changed");

  g_signal_connect (person, "notify", G_CALLBACK (log_notify_cb), fixture);

  refetch (fixture, CACHEIT_MODEL (person),
           "{\"first_name\": \"Ada\", \"age\": 36, \"score\": 9.5, \"active\": true,"
           " \"state\": \"published\", \"tags\": [\"a\", \"b\"], \"other\": 1}");
  g_assert_cmpstr (person->first_name, ==, "Ada");
  g_assert_cmpint (person->age, ==, 36);
  g_assert_cmpfloat (person->score, ==, 9.5);
  g_assert_true (person->active);
  g_assert_cmpint (person->state, ==, TEST_STATE_PUBLISHED);
  g_assert_cmpstrv (person->tags, ((const char *[]) { "a", "b", NULL }));
  /* Each notify once; the resource's own (status, fetched...) are not in the
   * subclass's list but are notified too, so only look at ours. */
  g_assert_nonnull (strstr (fixture->log->str, "notify:first-name "));
  g_assert_nonnull (strstr (fixture->log->str, "notify:age "));
  g_assert_nonnull (strstr (fixture->log->str, "notify:tags "));
  g_assert_null (strstr (fixture->log->str, "notify:small "));

  /* Identical data: no notify of a typed property. */
  refetch (fixture, CACHEIT_MODEL (person),
           "{\"first-name\": \"Ada\", \"age\": 36, \"score\": 9.5, \"active\": true,"
           " \"state\": \"published\", \"tags\": [\"a\", \"b\"], \"other\": 1}");
  g_assert_null (strstr (fixture->log->str, "notify:first-name "));
  g_assert_null (strstr (fixture->log->str, "notify:age "));
  g_assert_null (strstr (fixture->log->str, "notify:score "));
  g_assert_null (strstr (fixture->log->str, "notify:tags "));
  g_assert_null (strstr (fixture->log->str, "notify:state "));

  /* One changed: exactly one notify. */
  refetch (fixture, CACHEIT_MODEL (person),
           "{\"first_name\": \"Ada\", \"age\": 37, \"score\": 9.5, \"active\": true,"
           " \"state\": 0, \"tags\": [\"a\", \"b\"], \"other\": 1}");
  g_assert_cmpint (person->age, ==, 37);
  g_assert_cmpint (person->state, ==, TEST_STATE_DRAFT);
  g_assert_nonnull (strstr (fixture->log->str, "notify:age "));
  g_assert_nonnull (strstr (fixture->log->str, "notify:state "));
  g_assert_null (strstr (fixture->log->str, "notify:first-name "));
  g_assert_null (strstr (fixture->log->str, "notify:score "));

  g_assert_finalize_object (person);
}

static void
test_typed_unconvertible (Fixture       *fixture,
                          gconstpointer  data)
{
  TestPerson *person = g_object_new (TEST_TYPE_PERSON, "url", fixture->url, NULL);

  g_test_summary ("Typed models: a value that cannot be converted or is out of range "
                  "leaves the property unchanged; missing or null resets it");

  refetch (fixture, CACHEIT_MODEL (person),
           "{\"first_name\": \"Ada\", \"age\": 36, \"small\": 9}");
  g_assert_cmpint (person->small, ==, 9);

  g_string_truncate (fixture->log, 0);
  g_signal_connect (person, "notify", G_CALLBACK (log_notify_cb), fixture);
  refetch (fixture, CACHEIT_MODEL (person),
           "{\"first_name\": 12, \"age\": 151, \"small\": 300, \"score\": \"high\","
           " \"state\": \"unknown\", \"tags\": [1]}");
  /* The first value a property cannot hold is a warning, once per class
   * and property: one for each of the six. */
  {
    g_autofree char *log = take_warnings ();
    g_auto(GStrv) lines = g_strsplit (log, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 7);
    for (guint i = 0; i < 6; i++)
      g_assert_true (g_str_has_prefix (lines[i], "TestPerson: property "));
  }
  g_assert_cmpstr (person->first_name, ==, "Ada");
  g_assert_cmpint (person->age, ==, 36);
  g_assert_cmpint (person->small, ==, 9);
  g_assert_null (strstr (fixture->log->str, "notify:first-name "));
  g_assert_null (strstr (fixture->log->str, "notify:age "));

  /* Missing or null: back to the default. */
  refetch (fixture, CACHEIT_MODEL (person), "{\"first_name\": null, \"age\": 2.0}");
  g_assert_null (person->first_name);
  g_assert_cmpint (person->age, ==, 2);
  g_assert_cmpint (person->small, ==, 7);

  g_assert_finalize_object (person);
}

static void
test_typed_warning_once (Fixture       *fixture,
                         gconstpointer  data)
{
  TestRepo *repo = g_object_new (TEST_TYPE_REPO, "url", fixture->url, NULL);
  TestRepo *other = g_object_new (TEST_TYPE_REPO, "url", fixture->url, NULL);
  TestRepo *fork = g_object_new (TEST_TYPE_FORK, "url", fixture->url, NULL);
  TestRepoPrivate *priv = test_repo_get_instance_private (repo);
  g_autofree char *log = NULL;
  gint64 stars = 0;
  int id = 0;

  g_test_bug ("issue 14");
  g_test_summary ("Typed models: a value a property cannot hold (a GitHub id past 2^31 into "
                  "a gint) is a warning the first time for each class and property, naming "
                  "them, the value and gint64; later times, other instances included, are "
                  "debug messages only; a gint64 property holds it");

  refetch (fixture, CACHEIT_MODEL (repo), "{\"id\": 3000000001, \"stars\": 3000000002}");
  log = take_warnings ();
  g_assert_true (g_pattern_match_simple ("TestRepo: property “id” (gint) cannot hold 3000000001, "
                                         "the value of the JSON member “id”; *an id wants gint64*\n",
                                         log));
  g_assert_cmpint (priv->id, ==, 0);
  g_assert_cmpint (priv->stars, ==, G_GINT64_CONSTANT (3000000002));
  g_assert_cmpint (cacheit_model_get_int (CACHEIT_MODEL (repo), "id"), ==, G_GINT64_CONSTANT (3000000001));

  /* Once: not again for this class, on this instance or another. */
  refetch (fixture, CACHEIT_MODEL (repo), "{\"id\": 3000000003}");
  refetch (fixture, CACHEIT_MODEL (other), "{\"id\": \"not a number\"}");
  g_object_get (other, "id", &id, "stars", &stars, NULL);
  g_assert_cmpint (id, ==, 0);
  g_clear_pointer (&log, g_free);
  log = take_warnings ();
  g_assert_cmpstr (log, ==, "");

  /* A subclass is a class of its own. */
  refetch (fixture, CACHEIT_MODEL (fork), "{\"id\": 3000000004}");
  g_clear_pointer (&log, g_free);
  log = take_warnings ();
  g_assert_true (g_pattern_match_simple ("TestFork: property “id” (gint) cannot hold 3000000004,*\n", log));

  /* A value it can hold is set as usual. */
  refetch (fixture, CACHEIT_MODEL (repo), "{\"id\": 42}");
  g_assert_cmpint (priv->id, ==, 42);

  g_assert_finalize_object (repo);
  g_assert_finalize_object (other);
  g_assert_finalize_object (fork);
}

static void
test_attributes_replaced (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);
  JsonObject *first;

  g_test_summary ("The attributes object is replaced by a fetch, never changed in place");

  refetch (fixture, model, "{\"a\": 1}");
  first = json_object_ref (cacheit_model_get_attributes (model));
  refetch (fixture, model, "{\"a\": 2}");
  g_assert_cmpint (json_object_get_int_member (first, "a"), ==, 1);
  g_assert_cmpint (cacheit_model_get_int (model, "a"), ==, 2);
  json_object_unref (first);
}

static void
test_parse_override (Fixture       *fixture,
                     gconstpointer  data)
{
  TestEnveloped *model = g_object_new (TEST_TYPE_ENVELOPED, "url", fixture->url, NULL);
  g_autoptr(GError) error = NULL;

  g_test_summary ("parse() overridden in C turns the response into the attributes; its "
                  "errors and a NULL return fail the fetch and keep the data");

  refetch (fixture, CACHEIT_MODEL (model), "{\"data\": {\"title\": \"inside\"}, \"meta\": 1}");
  g_assert_cmpuint (model->n_parse, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (model), "title"), ==, "inside");
  g_assert_false (cacheit_model_has (CACHEIT_MODEL (model), "meta"));

  /* Cached: parse() is not called again. */
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_NONE, NULL, NULL));
  g_assert_cmpuint (model->n_parse, ==, 1);

  /* An error from parse() passes through. */
  cacheit_test_server_set (fixture->server, "/person", 200, "[1]");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* NULL without an error is the wrong shape; so is data that is not an object. */
  cacheit_test_server_set (fixture->server, "/person", 200, "{\"nodata\": 1}");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);
  g_clear_error (&error);
  cacheit_test_server_set (fixture->server, "/person", 200, "{\"data\": [1]}");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_WRONG_SHAPE);

  g_assert_cmpstr (cacheit_model_get_string (CACHEIT_MODEL (model), "title"), ==, "inside");
  g_assert_finalize_object (model);
}

static void
test_root_pointer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);
  guint n_notify = 0;

  g_test_summary ("root-pointer picks the attributes out of an envelope, with ~0 and ~1");

  g_signal_connect (model, "notify::root-pointer", G_CALLBACK (count_cb), &n_notify);
  cacheit_resource_set_root_pointer (CACHEIT_RESOURCE (model), "/results/a~1b/m~0n");
  cacheit_resource_set_root_pointer (CACHEIT_RESOURCE (model), "/results/a~1b/m~0n");
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpstr (cacheit_resource_get_root_pointer (CACHEIT_RESOURCE (model)), ==, "/results/a~1b/m~0n");

  refetch (fixture, model, "{\"results\": {\"a/b\": {\"m~n\": {\"title\": \"deep\"}}}}");
  g_assert_cmpstr (cacheit_model_get_string (model, "title"), ==, "deep");
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (model)), ==, 1);
}

static void
test_no_content (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CacheitModel) model = cacheit_model_new (fixture->url);
  TestPerson *person = g_object_new (TEST_TYPE_PERSON, "url", fixture->url, NULL);
  guint n_sync = 0;
  guint n_error = 0;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A 204 No Content to a fetch is a success with no data: every attribute "
                  "goes, with exactly one changed each and a notify of each typed property "
                  "that had a value, then sync; again, nothing; a 200 with an empty body, "
                  "and a 205, stay errors that keep the data (R5)");

  g_signal_connect (model, "changed", G_CALLBACK (log_changed_cb), fixture);
  g_signal_connect (model, "sync", G_CALLBACK (count0_cb), &n_sync);
  g_signal_connect (model, "error", G_CALLBACK (count_cb), &n_error);
  refetch (fixture, model, "{\"a\": 1, \"b\": \"x\", \"c\": [1]}");
  g_assert_cmpuint (n_sync, ==, 1);

  /* Not 204: an empty body is no JSON. */
  g_string_truncate (fixture->log, 0);
  cacheit_test_server_set (fixture->server, "/person", 200, "");
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
  g_clear_error (&error);
  cacheit_test_server_set_for_method (fixture->server, "GET", "/person", 205, NULL);
  g_assert_false (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_error (error, CACHEIT_ERROR, CACHEIT_ERROR_INVALID_JSON);
  g_clear_error (&error);
  g_assert_cmpuint (n_error, ==, 2);
  g_assert_cmpstr (fixture->log->str, ==, "");
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (model)), ==, 3);

  cacheit_test_server_set_for_method (fixture->server, "GET", "/person", 204, NULL);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->log->str, ==, "changed:a changed:b changed:c ");
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (model)), ==, 0);
  g_assert_cmpuint (n_sync, ==, 2);
  g_assert_cmpuint (n_error, ==, 2);
  g_assert_null (cacheit_resource_get_last_error (CACHEIT_RESOURCE (model)));
  g_assert_cmpuint (cacheit_resource_get_status (CACHEIT_RESOURCE (model)), ==, 204);
  g_assert_true (cacheit_resource_get_fetched (CACHEIT_RESOURCE (model)));

  /* The same answer again: nothing changed. */
  g_string_truncate (fixture->log, 0);
  g_assert_true (cacheit_resource_fetch (CACHEIT_RESOURCE (model), CACHEIT_FETCH_RELOAD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->log->str, ==, "");
  g_assert_cmpuint (n_sync, ==, 2);

  /* A typed model: its properties return to their defaults. */
  cacheit_test_server_set_for_method (fixture->server, "GET", "/person", 200,
                                      "{\"first-name\": \"Ada\", \"age\": 36}");
  cacheit_test_fetch_ok (person, CACHEIT_FETCH_RELOAD);
  g_assert_cmpstr (person->first_name, ==, "Ada");
  g_signal_connect (person, "notify", G_CALLBACK (log_notify_cb), fixture);
  g_signal_connect (person, "changed", G_CALLBACK (log_changed_cb), fixture);
  g_string_truncate (fixture->log, 0);
  cacheit_test_server_set_for_method (fixture->server, "GET", "/person", 204, NULL);
  cacheit_test_fetch_ok (person, CACHEIT_FETCH_RELOAD);
  g_assert_null (person->first_name);
  g_assert_cmpint (person->age, ==, 0);
  g_assert_nonnull (strstr (fixture->log->str, "changed:first-name "));
  g_assert_nonnull (strstr (fixture->log->str, "changed:age "));
  g_assert_nonnull (strstr (fixture->log->str, "notify:first-name "));
  g_assert_nonnull (strstr (fixture->log->str, "notify:age "));
  g_assert_null (strstr (fixture->log->str, "notify:score "));

  g_assert_finalize_object (person);
}

static void
test_no_content_envelope (Fixture       *fixture,
                          gconstpointer  data)
{
  TestEnveloped *enveloped = g_object_new (TEST_TYPE_ENVELOPED, "url", fixture->url, NULL);
  g_autoptr(CacheitModel) pointed = cacheit_model_new (fixture->url);

  g_test_summary ("A 204 has no envelope to open: with a root-pointer, or an overridden "
                  "parse() (which is not called), it is a success with no attributes");

  cacheit_resource_set_root_pointer (CACHEIT_RESOURCE (pointed), "/data");
  refetch (fixture, CACHEIT_MODEL (enveloped), "{\"data\": {\"title\": \"inside\"}}");
  cacheit_test_fetch_ok (pointed, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (enveloped->n_parse, ==, 1);
  g_assert_cmpstr (cacheit_model_get_string (pointed, "title"), ==, "inside");

  cacheit_test_server_set_for_method (fixture->server, "GET", "/person", 204, NULL);
  cacheit_test_fetch_ok (enveloped, CACHEIT_FETCH_RELOAD);
  cacheit_test_fetch_ok (pointed, CACHEIT_FETCH_RELOAD);
  g_assert_cmpuint (enveloped->n_parse, ==, 1);
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (CACHEIT_MODEL (enveloped))), ==, 0);
  g_assert_cmpuint (json_object_get_size (cacheit_model_get_attributes (pointed)), ==, 0);

  g_assert_finalize_object (enveloped);
}

int
main (int   argc,
      char *argv[])
{
  warnings = g_string_new (NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/cacheit/model/getters", test_getters);
  ADD ("/cacheit/model/attributes-replaced", test_attributes_replaced);
  ADD ("/cacheit/model/r9/changed-exact", test_r9_changed_exact);
  ADD ("/cacheit/model/r9/changed-detail", test_r9_changed_detail);
  ADD ("/cacheit/model/r9/names-not-interned", test_r9_names_not_interned);
  ADD ("/cacheit/model/typed/properties", test_typed_properties);
  ADD ("/cacheit/model/typed/unconvertible", test_typed_unconvertible);
  ADD ("/cacheit/model/typed/warning-once-per-class-and-property", test_typed_warning_once);
  ADD ("/cacheit/model/parse-override", test_parse_override);
  ADD ("/cacheit/model/root-pointer", test_root_pointer);
  ADD ("/cacheit/model/no-content", test_no_content);
  ADD ("/cacheit/model/no-content-envelope", test_no_content_envelope);

#undef ADD

  return g_test_run ();
}
