/* cacheit-resource-query.c: the query parameters of a resource's URL, the
 * links of its last response, and the body of its last error answer.
 *
 * Setting a parameter makes a new URL (see _cacheit_http_url_with_params()
 * for the rules) and sets it as cacheit_resource_set_url() does, so a
 * parameter change is a URL change (R13): each distinct URL is its own data
 * and its own snapshot, the previous data shows as a placeholder (or
 * nothing), and a request in flight for the old URL is superseded. This
 * unit uses the resource's public API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cacheit-resource.h"
#include "cacheit-error.h"
#include "cacheit-http.h"

static gboolean
has_http_url (CacheitResource *self)
{
  g_autoptr(GUri) uri = _cacheit_http_check_url (cacheit_resource_get_url (self), NULL);

  return uri != NULL;
}

/* Sets @n query parameters of @self's URL at once: one URL change. */
static void
set_params (CacheitResource   *self,
            guint              n,
            const char *const *names,
            const char *const *values)
{
  g_autofree char *url = _cacheit_http_url_with_params (cacheit_resource_get_url (self), n, names, values);

  /* Checked by the callers: the URL is a URL. */
  g_return_if_fail (url != NULL);

  cacheit_resource_set_url (self, url);
}

/**
 * cacheit_resource_set_query: (skip)
 * @self: a resource
 * @first_name: the name of the first parameter
 * @...: its value (`NULL` to remove it), then more pairs of names and
 *   values, and `NULL`
 *
 * Sets, changes or removes query parameters of the URL of @self at once,
 * without building strings: names and values are percent-encoded, and every
 * parameter of the URL with one of these names is replaced (or removed, for a
 * `NULL` value). The other parameters stay as they are, in their order; the
 * new ones follow them, in the order given. A name given twice makes a
 * parameter that repeats (`"ids[]", "1", "ids[]", "2"`).
 *
 * ```c
 * cacheit_resource_set_query (resource, "q", text, "per_page", "50", NULL);
 * ```
 *
 * It is a change of [property@Resource:url], made once for all the
 * parameters, with what that means (see [method@Resource.set_url]): the
 * new URL's data is its own, and a request in flight for the old one is
 * never applied. Nothing changes when the URL stays the same. @self must
 * have an `http` or `https` URL.
 *
 * From a language binding, use [method@Resource.set_query_params].
 *
 * Since: 1.0
 */
void
cacheit_resource_set_query (CacheitResource *self,
                            const char      *first_name,
                            ...)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  va_list args;

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (first_name != NULL);
  g_return_if_fail (has_http_url (self));

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (values, va_arg (args, char *));
    }
  va_end (args);

  set_params (self, names->len, (const char *const *) names->pdata, (const char *const *) values->pdata);
}

/**
 * cacheit_resource_set_query_params:
 * @self: a resource
 * @names: (array zero-terminated=1): the names of the parameters
 * @values: (array zero-terminated=1): their values, as many as @names
 *
 * Sets query parameters of the URL of @self at once: the bindable form of
 * `cacheit_resource_set_query()`, without removal (see
 * [method@Resource.set_query_param] for that). In Python:
 *
 * ```python
 * resource.set_query_params(["q", "per_page"], [text, "50"])
 * ```
 *
 * Since: 1.0
 */
void
cacheit_resource_set_query_params (CacheitResource   *self,
                                   const char *const *names,
                                   const char *const *values)
{
  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (names != NULL && values != NULL);
  g_return_if_fail (g_strv_length ((char **) names) == g_strv_length ((char **) values));
  g_return_if_fail (has_http_url (self));

  set_params (self, g_strv_length ((char **) names), names, values);
}

/**
 * cacheit_resource_set_query_param:
 * @self: a resource
 * @name: the name of the parameter
 * @value: (nullable): its value, or `NULL` to remove it
 *
 * Sets, changes or removes one query parameter of the URL of @self: see
 * `cacheit_resource_set_query()`.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_query_param (CacheitResource *self,
                                  const char      *name,
                                  const char      *value)
{
  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (has_http_url (self));

  set_params (self, 1, &name, &value);
}

/**
 * cacheit_resource_set_query_values:
 * @self: a resource
 * @name: the name of the parameter, such as `ids[]`
 * @values: (array zero-terminated=1) (nullable): its values, or `NULL` to
 *   remove it
 *
 * Sets a query parameter of the URL of @self that repeats, once for each of
 * @values, in their order: `ids[]=1&ids[]=2`. See `cacheit_resource_set_query()`.
 *
 * Since: 1.0
 */
void
cacheit_resource_set_query_values (CacheitResource   *self,
                                   const char        *name,
                                   const char *const *values)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  const char *none = NULL;

  g_return_if_fail (CACHEIT_IS_RESOURCE (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (has_http_url (self));

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (all, (gpointer) values[i]);
    }

  /* No value: the parameter goes. */
  if (names->len == 0)
    set_params (self, 1, &name, &none);
  else
    set_params (self, names->len, (const char *const *) names->pdata, (const char *const *) all->pdata);
}

/**
 * cacheit_resource_dup_query_param:
 * @self: a resource
 * @name: the name of a parameter
 *
 * Gets the value of the query parameter @name of the URL of @self, decoded
 * (the first one, when it repeats).
 *
 * Returns: (transfer full) (nullable): the value, or `NULL` when the URL
 *   has no such parameter
 *
 * Since: 1.0
 */
char *
cacheit_resource_dup_query_param (CacheitResource *self,
                                  const char      *name)
{
  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return _cacheit_http_url_get_param (cacheit_resource_get_url (self), name);
}

/**
 * cacheit_resource_dup_link:
 * @self: a resource
 * @rel: a link relation, such as `next`, `prev`, `first` or `last`
 *
 * Gets the target of a link of the last response of @self: its `Link`
 * header (RFC 8288), as GitHub, Mastodon, json-server and many others send
 * for the pages of a list (`<https://…?page=3>; rel="next"`), resolved
 * against the URL of @self. With it, an application pages by hand: set the
 * next page's URL on another resource, or on this one.
 *
 * Returns: (transfer full) (nullable): the URL, or `NULL` when the last
 *   response has no such link (the last page has no `next`), or none came
 *
 * Since: 1.0
 */
char *
cacheit_resource_dup_link (CacheitResource *self,
                           const char      *rel)
{
  SoupMessageHeaders *headers;

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);
  g_return_val_if_fail (rel != NULL, NULL);

  headers = cacheit_resource_get_response_headers (self);
  if (headers == NULL)
    return NULL;

  return _cacheit_http_link_target (soup_message_headers_get_list (headers, "Link"), rel,
                                    cacheit_resource_get_url (self));
}

/**
 * cacheit_resource_get_last_error_body:
 * @self: a resource
 *
 * Gets the JSON body of the error answer of the last fetch of @self, if it
 * failed with one.
 *
 * Returns: (nullable) (transfer none): the value of [property@Resource:last-error-body]
 *
 * Since: 1.0
 */
JsonNode *
cacheit_resource_get_last_error_body (CacheitResource *self)
{
  const GError *last_error;

  g_return_val_if_fail (CACHEIT_IS_RESOURCE (self), NULL);

  last_error = cacheit_resource_get_last_error (self);

  return last_error != NULL ? cacheit_error_get_body (last_error) : NULL;
}
