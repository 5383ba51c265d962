/* cacheit-client.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_CACHEIT_INSIDE) && !defined(CACHEIT_COMPILATION)
# error "Only <cacheit.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "cacheit-auth-request.h"
#include "cacheit-collection.h"
#include "cacheit-model.h"
#include "cacheit-resource.h"

G_BEGIN_DECLS

#define CACHEIT_TYPE_CLIENT (cacheit_client_get_type ())

CACHEIT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CacheitClient, cacheit_client, CACHEIT, CLIENT, GObject)

CACHEIT_AVAILABLE_IN_ALL
CacheitClient     *cacheit_client_new                (const char          *base_uri) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
const char        *cacheit_client_get_base_uri       (CacheitClient       *self);
CACHEIT_AVAILABLE_IN_ALL
char              *cacheit_client_resolve            (CacheitClient       *self,
                                                      const char          *path) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
SoupSession       *cacheit_client_get_session        (CacheitClient       *self);

CACHEIT_AVAILABLE_IN_ALL
void               cacheit_client_set_default_header (CacheitClient       *self,
                                                      const char          *name,
                                                      const char          *value);
CACHEIT_AVAILABLE_IN_ALL
char              *cacheit_client_dup_default_header (CacheitClient       *self,
                                                      const char          *name) G_GNUC_WARN_UNUSED_RESULT;

CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_client_get_gc_time        (CacheitClient       *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_client_set_gc_time        (CacheitClient       *self,
                                                      guint                gc_time);

CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_client_get_max_requests_per_host (CacheitClient *self);
CACHEIT_AVAILABLE_IN_ALL
void               cacheit_client_set_max_requests_per_host (CacheitClient *self,
                                                             guint          max);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_client_get_rate_limited   (CacheitClient       *self);
CACHEIT_AVAILABLE_IN_ALL
GDateTime         *cacheit_client_get_rate_limited_until (CacheitClient   *self);

CACHEIT_AVAILABLE_IN_ALL
CacheitModel      *cacheit_client_get_model          (CacheitClient       *self,
                                                      const char          *path,
                                                      GType                model_type) G_GNUC_WARN_UNUSED_RESULT;
CACHEIT_AVAILABLE_IN_ALL
CacheitCollection *cacheit_client_get_collection     (CacheitClient       *self,
                                                      const char          *path,
                                                      GType                item_type) G_GNUC_WARN_UNUSED_RESULT;
CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_client_get_n_resources    (CacheitClient       *self);

CACHEIT_AVAILABLE_IN_ALL
guint              cacheit_client_invalidate         (CacheitClient       *self,
                                                      const char          *path);

CACHEIT_AVAILABLE_IN_ALL
void               cacheit_client_clear_async        (CacheitClient       *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
CACHEIT_AVAILABLE_IN_ALL
gboolean           cacheit_client_clear_finish       (CacheitClient       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
