/* cacheit-auth-request.c: one question to the application for a token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cacheit-auth-request-private.h"
#include "cacheit-error.h"

/**
 * CacheitAuthRequest:
 *
 * A question of a [class@Client] to the application: which token goes on
 * the requests to the client's API.
 *
 * The client asks with [signal@Client::authenticate] before its first
 * request, and again, with [property@AuthRequest:refresh] set, after the
 * server answered `401 Unauthorized` to the token it has: one question for
 * every request that got a `401` meanwhile. The requests wait until the
 * application answers, at once or later (after a token refresh of its own,
 * or a sign-in dialog), with exactly one of
 * [method@AuthRequest.return_token], [method@AuthRequest.return_error] and
 * [method@AuthRequest.fail]. A request dropped without an answer fails the
 * waiting requests.
 *
 * The token goes on each request as `Authorization: Bearer TOKEN`, to the
 * client's base URI's host only; it stays in memory, and is never written
 * to disk or to the log.
 *
 * Since: 1.0
 */

struct _CacheitAuthRequest
{
  GObject                 parent_instance;

  gboolean                refresh;
  CacheitAuthRequestFunc  func;       /* NULL once answered. */
  gpointer                user_data;
  GDestroyNotify          destroy;
};

enum
{
  PROP_0,
  PROP_REFRESH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CacheitAuthRequest, cacheit_auth_request, G_TYPE_OBJECT)

static void
answer (CacheitAuthRequest *self,
        const char         *token,
        const GError       *error)
{
  CacheitAuthRequestFunc func = g_steal_pointer (&self->func);

  if (func == NULL)
    {
      g_critical ("%s: the request for a token was answered already", G_STRFUNC);
      return;
    }

  func (token, error, self->user_data);
  if (self->destroy != NULL)
    self->destroy (g_steal_pointer (&self->user_data));
}

static void
cacheit_auth_request_finalize (GObject *object)
{
  CacheitAuthRequest *self = CACHEIT_AUTH_REQUEST (object);

  if (self->func != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED,
                                                     _("The application gave no token"));

      answer (self, NULL, error);
    }

  G_OBJECT_CLASS (cacheit_auth_request_parent_class)->finalize (object);
}

static void
cacheit_auth_request_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CacheitAuthRequest *self = CACHEIT_AUTH_REQUEST (object);

  switch (prop_id)
    {
    case PROP_REFRESH:
      g_value_set_boolean (value, self->refresh);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cacheit_auth_request_class_init (CacheitAuthRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cacheit_auth_request_finalize;
  object_class->get_property = cacheit_auth_request_get_property;

  /**
   * CacheitAuthRequest:refresh:
   *
   * Whether the server refused the last token given (it answered `401`):
   * the application refreshes it (OAuth's refresh token), or signs in
   * again. `FALSE` for the client's first request, or the first after a
   * failed refresh was forgotten ([method@Client.clear_async]).
   *
   * Since: 1.0
   */
  properties[PROP_REFRESH] =
    g_param_spec_boolean ("refresh", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cacheit_auth_request_init (CacheitAuthRequest *self)
{
}

CacheitAuthRequest *
_cacheit_auth_request_new (gboolean                refresh,
                           CacheitAuthRequestFunc  func,
                           gpointer                user_data,
                           GDestroyNotify          destroy)
{
  CacheitAuthRequest *self = g_object_new (CACHEIT_TYPE_AUTH_REQUEST, NULL);

  self->refresh = refresh;
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

void
_cacheit_auth_request_decline (CacheitAuthRequest *self)
{
  if (self->func != NULL)
    answer (self, NULL, NULL);
}

/**
 * cacheit_auth_request_get_refresh:
 * @self: a request for a token
 *
 * Gets [property@AuthRequest:refresh].
 *
 * Returns: whether the last token given was refused
 *
 * Since: 1.0
 */
gboolean
cacheit_auth_request_get_refresh (CacheitAuthRequest *self)
{
  g_return_val_if_fail (CACHEIT_IS_AUTH_REQUEST (self), FALSE);

  return self->refresh;
}

/**
 * cacheit_auth_request_return_token:
 * @self: a request for a token
 * @token: the token: it goes on the requests as `Authorization: Bearer TOKEN`
 *
 * Answers @self with @token: the requests waiting for it go, and those
 * refused with the last one go again, once.
 *
 * Since: 1.0
 */
void
cacheit_auth_request_return_token (CacheitAuthRequest *self,
                                   const char         *token)
{
  g_return_if_fail (CACHEIT_IS_AUTH_REQUEST (self));
  g_return_if_fail (token != NULL && *token != '\0');

  answer (self, token, NULL);
}

/**
 * cacheit_auth_request_return_error:
 * @self: a request for a token
 * @error: why there is no token (the refresh failed, the user cancelled
 *   the sign-in)
 *
 * Answers @self with no token: every request waiting for one fails with
 * `CACHEIT_ERROR_UNAUTHORIZED`, whose message includes @error's, and the
 * client emits [signal@Client::unauthorized].
 *
 * Since: 1.0
 */
void
cacheit_auth_request_return_error (CacheitAuthRequest *self,
                                   const GError       *error)
{
  g_return_if_fail (CACHEIT_IS_AUTH_REQUEST (self));
  g_return_if_fail (error != NULL);

  answer (self, NULL, error);
}

/**
 * cacheit_auth_request_fail:
 * @self: a request for a token
 * @message: why there is no token, for the user
 *
 * [method@AuthRequest.return_error] with an error of @message, for a
 * language binding without `GError`s to give.
 *
 * Since: 1.0
 */
void
cacheit_auth_request_fail (CacheitAuthRequest *self,
                           const char         *message)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CACHEIT_IS_AUTH_REQUEST (self));
  g_return_if_fail (message != NULL);

  error = g_error_new_literal (CACHEIT_ERROR, CACHEIT_ERROR_UNAUTHORIZED, message);
  answer (self, NULL, error);
}
