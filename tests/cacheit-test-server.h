/* cacheit-test-server.h: a real HTTP server on 127.0.0.1 for the C tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _CacheitTestServer CacheitTestServer;

/* A SoupServer on 127.0.0.1, port chosen by the system, running in the
 * thread-default main context, and a raw socket listener beside it for
 * responses libsoup would not send (a connection dropped mid-body). */
CacheitTestServer *cacheit_test_server_new        (void);
void               cacheit_test_server_free       (CacheitTestServer *server);

/* "http://127.0.0.1:PORT" + @path. */
char              *cacheit_test_server_url        (CacheitTestServer *server,
                                                   const char        *path);
/* The same for the raw listener. */
char              *cacheit_test_server_raw_url    (CacheitTestServer *server,
                                                   const char        *path);

/* What @path answers: @status with @body as application/json. @path may
 * end with a query, as the request sends it (encoded): "/search?q=a%20b"
 * answers only that query, and the bare path every other one. */
void               cacheit_test_server_set        (CacheitTestServer *server,
                                                   const char        *path,
                                                   guint              status,
                                                   const char        *body);
/* The same with bytes, a content type and an optional Content-Encoding
 * (@body is sent as it is: compress it first for "gzip"). @chunked sends it
 * without a Content-Length. */
void               cacheit_test_server_set_bytes  (CacheitTestServer *server,
                                                   const char        *path,
                                                   guint              status,
                                                   const char        *content_type,
                                                   const char        *content_encoding,
                                                   gboolean           chunked,
                                                   GBytes            *body);
/* What the raw listener writes for @path before it closes the connection. */
void               cacheit_test_server_set_raw    (CacheitTestServer *server,
                                                   const char        *path,
                                                   const char        *response);

/* While held, requests for @path wait, unanswered, until released. */
void               cacheit_test_server_hold       (CacheitTestServer *server,
                                                   const char        *path);
/* Answers the held requests, each with what @path answered when it arrived,
 * and stops holding.
 * Returns how many were answered. */
guint              cacheit_test_server_release    (CacheitTestServer *server,
                                                   const char        *path);
/* Iterates the main context until @n requests for @path are held. */
void               cacheit_test_server_wait_held  (CacheitTestServer *server,
                                                   const char        *path,
                                                   guint              n);

/* How many requests for @path arrived (a held one counts when it arrives). */
guint              cacheit_test_server_count      (CacheitTestServer *server,
                                                   const char        *path);
/* A header of the last request for @path, or NULL. */
const char        *cacheit_test_server_last_header (CacheitTestServer *server,
                                                    const char        *path,
                                                    const char        *name);

/* Issue 7: caching headers, validators, queued answers. */

/* A header @path sends with every answer, 304s included, replacing one the
 * server would send ("Date"); a NULL @value removes it. For Cache-Control,
 * Expires, Date, Age, Retry-After... */
void               cacheit_test_server_set_header (CacheitTestServer *server,
                                                   const char        *path,
                                                   const char        *name,
                                                   const char        *value);
/* @path sends @etag (as given: "\"x\"" or "W/\"x\"") as ETag, and answers a
 * request whose If-None-Match matches it (weak comparison; a list; "*") with
 * 304 and no body instead of a 2xx. NULL removes it. */
void               cacheit_test_server_set_etag   (CacheitTestServer *server,
                                                   const char        *path,
                                                   const char        *etag);
/* The ETag matching of every route with cacheit_test_server_set_etag(), for
 * a handler of a test's own: whether an If-None-Match @list (as received:
 * quoted tags, a list, "W/" prefixes) names @etag, with the weak comparison
 * of RFC 9110, 8.8.3.2 that If-None-Match asks for; "*" matches any. */
gboolean           cacheit_test_etag_matches      (const char        *list,
                                                   const char        *etag);
/* The same with Last-Modified (an HTTP date) and If-Modified-Since; used only
 * when the request has no If-None-Match. NULL removes it. */
void               cacheit_test_server_set_last_modified (CacheitTestServer *server,
                                                          const char        *path,
                                                          const char        *http_date);
/* Queues an answer for @path: the next requests are answered, in order, by
 * the queued ones (@status, a small JSON body, "Retry-After: @retry_after"
 * when not NULL, no validators) before the route's own answer. A held request
 * keeps the queued answer it took. */
void               cacheit_test_server_push       (CacheitTestServer *server,
                                                   const char        *path,
                                                   guint              status,
                                                   const char        *retry_after);
/* How many 304s @path sent. */
guint              cacheit_test_server_count_not_modified (CacheitTestServer *server,
                                                           const char        *path);
/* How many requests for @path had If-None-Match or If-Modified-Since. */
guint              cacheit_test_server_count_conditional  (CacheitTestServer *server,
                                                           const char        *path);
/* "PATH " for each request that reached the SoupServer, in arrival order. */
const char        *cacheit_test_server_arrivals   (CacheitTestServer *server);

/* Issue 8: writes (PUT, PATCH, POST, DELETE).
 *
 * By default a request of any method gets what @path answers (the
 * functions above); these set an answer for one METHOD of @path only. */

/* What @method requests for @path answer: @status with @body as
 * application/json; a NULL @body sends none (for a 204). GET and HEAD keep
 * the route's own answer unless set here. */
void               cacheit_test_server_set_for_method (CacheitTestServer *server,
                                                       const char        *method,
                                                       const char        *path,
                                                       guint              status,
                                                       const char        *body);
/* The same with bytes of any content type. */
void               cacheit_test_server_set_bytes_for_method (CacheitTestServer *server,
                                                             const char        *method,
                                                             const char        *path,
                                                             guint              status,
                                                             const char        *content_type,
                                                             GBytes            *body);
/* Queues an answer for the next @method request of @path (before the answer
 * set for the method, and before cacheit_test_server_push()'s). */
void               cacheit_test_server_push_for_method (CacheitTestServer *server,
                                                        const char        *method,
                                                        const char        *path,
                                                        guint              status,
                                                        const char        *body);
/* While held, @method requests for @path wait, unanswered, until released
 * (by cacheit_test_server_release() or the function below); they count in
 * cacheit_test_server_wait_held(). */
void               cacheit_test_server_hold_for_method (CacheitTestServer *server,
                                                        const char        *method,
                                                        const char        *path);
/* Answers the held @method requests of @path and stops holding @method.
 * Returns how many were answered. */
guint              cacheit_test_server_release_for_method (CacheitTestServer *server,
                                                           const char        *method,
                                                           const char        *path);
/* Issue 14: @method requests for @path answer @status (a 3xx) with
 * "Location: @location" (as given: relative or absolute) and a body of {}. */
void               cacheit_test_server_redirect_for_method (CacheitTestServer *server,
                                                            const char        *method,
                                                            const char        *path,
                                                            guint              status,
                                                            const char        *location);
/* A header the answer set for @method of @path (by
 * cacheit_test_server_set_for_method() and the like, first) sends:
 * Location, Content-Location... */
void               cacheit_test_server_set_header_for_method (CacheitTestServer *server,
                                                              const char        *method,
                                                              const char        *path,
                                                              const char        *name,
                                                              const char        *value);
/* Issue 14: the next @n @method requests of @path arrive (they count, are
 * logged as "METHOD PATH=dropped " and their body is kept, as a server that
 * applied them would) and then their connection is closed before any byte
 * of an answer: what a proxy that drops the connection once the server got
 * the request does. */
void               cacheit_test_server_drop_for_method (CacheitTestServer *server,
                                                        const char        *method,
                                                        const char        *path,
                                                        guint              n);
/* How many @method requests for @path arrived. */
guint              cacheit_test_server_count_method (CacheitTestServer *server,
                                                     const char        *method,
                                                     const char        *path);
/* The method, body (NUL-terminated, "" when none) and media type of the
 * Content-Type (without parameters; NULL when none) of the last request for
 * @path; NULL before any. */
const char        *cacheit_test_server_last_method (CacheitTestServer *server,
                                                    const char        *path);
const char        *cacheit_test_server_last_body  (CacheitTestServer *server,
                                                   const char        *path);
const char        *cacheit_test_server_last_content_type (CacheitTestServer *server,
                                                          const char        *path);
/* "METHOD PATH " when a request arrives and "METHOD PATH=STATUS " when it is
 * answered, in order, for every request to the SoupServer. */
const char        *cacheit_test_server_log        (CacheitTestServer *server);
/* Returns once every request sent to @server before the call has arrived
 * (the SoupServer logged it): two round trips of a session of its own to
 * "/wait-arrivals", after the requests sent before. For a test that checks
 * that a request was NOT sent, so that one sent wrongly is in the log. */
void               cacheit_test_server_wait_arrivals (CacheitTestServer *server);
/* Closes the server's connections and stops listening: requests to its URLs
 * are refused from now on. cacheit_test_server_free() is still needed. */
void               cacheit_test_server_stop       (CacheitTestServer *server);

/* Waiting is cacheit_test_wait_until() of cacheit-test-signals.h. */

/* Iterates the thread-default main context until nothing is pending. */
void               cacheit_test_drain             (void);

/* Compresses @data with gzip. */
GBytes            *cacheit_test_gzip              (const void        *data,
                                                   gsize              length);

/* Records the completion of an async call. */
typedef struct
{
  gboolean      done;
  guint         n_calls;
  GAsyncResult *result;
  GMainContext *context;   /* The thread-default context it ran in. */
} CacheitTestCompletion;

void               cacheit_test_completion_cb     (GObject           *object,
                                                   GAsyncResult      *result,
                                                   gpointer           user_data);
void               cacheit_test_completion_clear  (CacheitTestCompletion *completion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheitTestServer, cacheit_test_server_free)

G_END_DECLS
