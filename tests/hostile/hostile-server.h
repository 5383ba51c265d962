/* hostile-server.h: a raw socket server on 127.0.0.1 that misbehaves.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HostileServer HostileServer;

/* Starts the server, in threads of its own, on two ports of 127.0.0.1: one
 * plain HTTP, one TLS with a self-signed certificate. What a path answers:
 *
 *   /good/N           200, {"id": N, "title": "good N"}
 *   /list/N           200, an array of N items with ids 0 … N-1
 *   /list/N/ID        200, {"id": ID, "title": "item ID", "detail": true}
 *   a write to /good/… or /list/…: PUT and PATCH answer 200 with the JSON
 *                     object they sent, POST 201 with a new id (1000001 on),
 *                     DELETE 204
 *   /drop             a Content-Length of 1000, part of the body, then closes
 *   /chunked-cut      a chunked body cut before its last chunk
 *   /garbage          a status line that is not HTTP
 *   /empty-reply      closes without a byte
 *   /drip             a body of 100 bytes, one byte a second
 *   /gzip-bomb        64 KiB of gzip that inflates to 64 MiB
 *   /redirect-loop    a 302 to itself
 *   /bad-utf8         a string that is not UTF-8
 *   /numbers          numbers out of every range
 *   /object-ids       a collection whose ids are objects and arrays
 *   /big-double       a collection with doubles json-glib writes badly (1e22)
 *   /huge-length      a Content-Length of 2^63 - 1, then a small body
 *   /not-json         200 with an HTML page
 *   /status-500       500 with a JSON body
 *   /headers-flood    10,000 header lines
 *
 * Anything else: 404. @pem has the TLS certificate and its key. */
HostileServer *hostile_server_new           (const char    *pem);
void           hostile_server_free          (HostileServer *server);

/* "http://" + @userinfo + "@127.0.0.1:PORT" + @path, without the userinfo
 * part when @userinfo is NULL. */
char          *hostile_server_url           (HostileServer *server,
                                             const char    *userinfo,
                                             const char    *path);
/* The same for the TLS port, with https. */
char          *hostile_server_tls_url       (HostileServer *server,
                                             const char    *path);

/* How many requests arrived, and the last Authorization header seen. */
guint          hostile_server_count         (HostileServer *server);
char          *hostile_server_dup_last_authorization (HostileServer *server);

/* How many bytes of /drip were written so far, to all clients. */
guint          hostile_server_drip_written  (HostileServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HostileServer, hostile_server_free)

G_END_DECLS
