/* hostile-server.c: a raw socket server on 127.0.0.1 that misbehaves.
 *
 * Each connection runs in a thread of a GThreadedSocketService: it reads one
 * request head, writes what the path asks for, byte for byte, and closes.
 * Nothing here is HTTP done right, on purpose.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "hostile-server.h"

#include <stdlib.h>
#include <string.h>


/* Inflates to 64 MiB: 64 KiB of gzip. */
#define BOMB_SIZE (64 * 1024 * 1024)
/* The most of a request's body that is read. */
#define MAX_REQUEST_BODY (1024 * 1024)

struct _HostileServer
{
  GSocketService  *service;
  GSocketService  *tls_service;
  GTlsCertificate *certificate;
  guint16          port;
  guint16          tls_port;
  GBytes          *bomb;          /* gzip, immutable once made */
  GMutex           lock;
  guint            count;
  char            *last_authorization;
  guint            drip_written;
  guint            created;       /* Items made by POST. */
  GCancellable    *stopping;      /* Ends the drips when the server goes. */
};

static gboolean
write_all (GOutputStream *out,
           const void    *data,
           gsize          length,
           GCancellable  *cancellable)
{
  return g_output_stream_write_all (out, data, length, NULL, cancellable, NULL);
}

static gboolean
write_str (GOutputStream *out,
           const char    *text)
{
  return write_all (out, text, strlen (text), NULL);
}

/* Writes a whole response with a Content-Length. */
static void
write_response (GOutputStream *out,
                const char    *status,
                const char    *extra_headers,
                const char    *body,
                gsize          length)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "Connection: close\r\n"
                                           "%s"
                                           "\r\n",
                                           status, length, extra_headers);

  if (write_str (out, head))
    write_all (out, body, length, NULL);
}

static char *
header_value (const char *head,
              const char *name)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  gsize name_length = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_length) == 0 && lines[i][name_length] == ':')
      return g_strstrip (g_strdup (lines[i] + name_length + 1));

  return NULL;
}

static void
serve (HostileServer *server,
       GIOStream     *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (connection);
  GOutputStream *out = g_io_stream_get_output_stream (connection);
  g_autoptr(GString) head = g_string_new (NULL);
  g_auto(GStrv) words = NULL;
  g_autofree char *content_length = NULL;
  g_autofree char *request_body = NULL;
  const char *method;
  const char *path;
  const char *end;
  gsize head_length;
  char chunk[4096];
  gssize n_read;

  /* Read in chunks, not a byte at a time: what follows the head is the
   * start of a write's body. */
  while ((end = strstr (head->str, "\r\n\r\n")) == NULL && head->len < 64 * 1024 &&
         (n_read = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL)) > 0)
    g_string_append_len (head, chunk, n_read);
  head_length = end != NULL ? (gsize) (end - head->str) + 4 : head->len;

  words = g_strsplit (head->str, " ", 3);
  method = g_strv_length (words) >= 2 ? words[0] : "GET";
  path = g_strv_length (words) >= 2 ? words[1] : "/";

  /* A write's body, when it says how long it is. */
  content_length = header_value (head->str, "Content-Length");
  if (content_length != NULL)
    {
      gsize length = MIN (g_ascii_strtoull (content_length, NULL, 10), MAX_REQUEST_BODY);
      gsize have = MIN (head->len - head_length, length);

      request_body = g_malloc0 (length + 1);
      memcpy (request_body, head->str + head_length, have);
      if (!g_input_stream_read_all (in, request_body + have, length - have, NULL, NULL, NULL))
        request_body[0] = '\0';
    }
  g_string_truncate (head, head_length);

  g_mutex_lock (&server->lock);
  server->count++;
  g_free (server->last_authorization);
  server->last_authorization = header_value (head->str, "Authorization");
  g_mutex_unlock (&server->lock);

  if (strcmp (method, "GET") != 0 && (g_str_has_prefix (path, "/good/") ||
                                      g_str_has_prefix (path, "/list/")))
    {
      /* Writes: a PUT or PATCH is answered with what it sent, a POST with a
       * new id, a DELETE with nothing. */
      if (strcmp (method, "DELETE") == 0)
        write_str (out, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
      else if (strcmp (method, "POST") == 0)
        {
          g_autofree char *body = NULL;
          guint id;

          g_mutex_lock (&server->lock);
          id = ++server->created;
          g_mutex_unlock (&server->lock);
          body = g_strdup_printf ("{\"id\": %u, \"title\": \"created %u\"}", 1000000 + id, id);
          write_response (out, "201 Created", "", body, strlen (body));
        }
      else if (request_body != NULL && request_body[0] == '{')
        write_response (out, "200 OK", "", request_body, strlen (request_body));
      else
        write_response (out, "400 Bad Request", "", "{}", 2);
    }
  else if (g_str_has_prefix (path, "/list/") && strchr (path + 6, '/') != NULL)
    {
      const char *id = strchr (path + 6, '/') + 1;
      g_autofree char *body = g_strdup_printf ("{\"id\": %s, \"title\": \"item %s\", "
                                               "\"detail\": true}", id, id);

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (g_str_has_prefix (path, "/good/"))
    {
      g_autofree char *body = g_strdup_printf ("{\"id\": %s, \"title\": \"good %s\"}",
                                               path + 6, path + 6);

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (g_str_has_prefix (path, "/list/"))
    {
      guint n = (guint) g_ascii_strtoull (path + 6, NULL, 10);
      g_autoptr(GString) body = g_string_new ("[");

      for (guint i = 0; i < n; i++)
        g_string_append_printf (body, "%s{\"id\": %u, \"title\": \"item %u\"}", i > 0 ? ", " : "", i, i);
      g_string_append_c (body, ']');
      write_response (out, "200 OK", "", body->str, body->len);
    }
  else if (strcmp (path, "/drop") == 0)
    write_str (out, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: application/json\r\n"
                    "Content-Length: 1000\r\n"
                    "\r\n"
                    "{\"id\": 1, \"title\": \"partial");
  else if (strcmp (path, "/chunked-cut") == 0)
    write_str (out, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n"
                    "\r\n"
                    "a\r\n{\"id\": 1, \r\n"
                    "5\r\n\"tit");
  else if (strcmp (path, "/garbage") == 0)
    write_str (out, "SSH-2.0-OpenSSH_9.2\r\n\x01\x02\xff garbage\r\n\r\n");
  else if (strcmp (path, "/empty-reply") == 0)
    ;
  else if (strcmp (path, "/drip") == 0)
    {
      if (write_str (out, "HTTP/1.1 200 OK\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: 100\r\n"
                          "\r\n"))
        for (guint i = 0; i < 100 && !g_cancellable_is_cancelled (server->stopping); i++)
          {
            if (!write_all (out, i == 0 ? "[" : " ", 1, server->stopping) ||
                !g_output_stream_flush (out, server->stopping, NULL))
              break;
            g_mutex_lock (&server->lock);
            server->drip_written++;
            g_mutex_unlock (&server->lock);
            /* One second, or until the server stops. */
            for (guint t = 0; t < 20 && !g_cancellable_is_cancelled (server->stopping); t++)
              g_usleep (G_USEC_PER_SEC / 20);
          }
    }
  else if (strcmp (path, "/gzip-bomb") == 0)
    {
      gsize length;
      const void *data = g_bytes_get_data (server->bomb, &length);

      write_response (out, "200 OK", "Content-Encoding: gzip\r\n", data, length);
    }
  else if (strcmp (path, "/redirect-loop") == 0)
    write_str (out, "HTTP/1.1 302 Found\r\n"
                    "Location: /redirect-loop\r\n"
                    "Content-Length: 0\r\n"
                    "\r\n");
  else if (strcmp (path, "/bad-utf8") == 0)
    {
      const char *body = "{\"id\": 1, \"title\": \"caf\xe9 \xc3\x28 \xed\xa0\x80\"}";

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (strcmp (path, "/numbers") == 0)
    {
      const char *body = "{\"id\": 18446744073709551616, \"a\": 1e400, \"b\": -1e400, "
                         "\"c\": 123456789012345678901234567890, \"d\": 1e-400}";

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (strcmp (path, "/object-ids") == 0)
    {
      const char *body = "[{\"id\": {\"a\": 1}, \"n\": 0}, {\"id\": [1, 2], \"n\": 1}, "
                         "{\"id\": {\"a\": 1}, \"n\": 2}, {\"id\": null, \"n\": 3}, "
                         "{\"id\": true, \"n\": 4}, {\"id\": 5, \"n\": 5}]";

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (strcmp (path, "/big-double") == 0)
    {
      const char *body = "[{\"id\": 1, \"x\": 1e22}, {\"id\": 2, \"x\": 2.5e-300}]";

      write_response (out, "200 OK", "", body, strlen (body));
    }
  else if (strcmp (path, "/huge-length") == 0)
    write_str (out, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: application/json\r\n"
                    "Content-Length: 9223372036854775807\r\n"
                    "\r\n"
                    "{\"id\": 1}");
  else if (strcmp (path, "/not-json") == 0)
    {
      const char *body = "<html><body>Service Unavailable</body></html>";

      write_response (out, "200 OK", "Content-Type: text/html\r\n", body, strlen (body));
    }
  else if (strcmp (path, "/status-500") == 0)
    {
      const char *body = "{\"error\": \"internal\"}";

      write_response (out, "500 Internal Server Error", "", body, strlen (body));
    }
  else if (strcmp (path, "/headers-flood") == 0)
    {
      g_autoptr(GString) response = g_string_new ("HTTP/1.1 200 OK\r\n");

      for (guint i = 0; i < 10000; i++)
        g_string_append_printf (response, "X-Flood-%u: %u\r\n", i, i);
      g_string_append (response, "Content-Length: 9\r\n\r\n{\"id\": 1}");
      write_all (out, response->str, response->len, NULL);
    }
  else
    write_response (out, "404 Not Found", "", "{}", 2);

  g_io_stream_close (connection, NULL, NULL);
}

static gboolean
run_cb (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  serve (user_data, G_IO_STREAM (connection));

  return TRUE;
}

static gboolean
tls_run_cb (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source_object,
            gpointer                user_data)
{
  HostileServer *server = user_data;
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, NULL);
  if (tls == NULL)
    return TRUE;

  /* The client refuses the certificate: the handshake fails, as it must. */
  if (g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    serve (server, tls);
  else
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  return TRUE;
}

static GSocketService *
listen_on_loopback (guint16  *port,
                    GCallback callback,
                    gpointer  user_data)
{
  GSocketService *service = g_threaded_socket_service_new (64);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (service, "run", callback, user_data);
  g_socket_service_start (service);

  return service;
}

/* A JSON array of BOMB_SIZE bytes, mostly spaces, gzipped a megabyte at a
 * time, so that making it does not raise the peak memory the test measures. */
static GBytes *
make_bomb (void)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autofree char *spaces = g_malloc (1024 * 1024);
  g_autoptr(GError) error = NULL;

  memset (spaces, ' ', 1024 * 1024);
  g_output_stream_write_all (out, "[", 1, NULL, NULL, &error);
  for (guint i = 0; i < BOMB_SIZE / (1024 * 1024) && error == NULL; i++)
    g_output_stream_write_all (out, spaces, 1024 * 1024 - (i == 0 ? 2 : 0), NULL, NULL, &error);
  if (error == NULL)
    g_output_stream_write_all (out, "]", 1, NULL, NULL, &error);
  if (error == NULL)
    g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

HostileServer *
hostile_server_new (const char *pem)
{
  HostileServer *server = g_new0 (HostileServer, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&server->lock);
  server->stopping = g_cancellable_new ();

  server->bomb = make_bomb ();

  server->certificate = g_tls_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);

  server->service = listen_on_loopback (&server->port, G_CALLBACK (run_cb), server);
  server->tls_service = listen_on_loopback (&server->tls_port, G_CALLBACK (tls_run_cb), server);

  return server;
}

void
hostile_server_free (HostileServer *server)
{
  g_cancellable_cancel (server->stopping);

  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  g_socket_service_stop (server->tls_service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->tls_service));
  g_clear_object (&server->tls_service);

  g_clear_object (&server->certificate);
  g_clear_object (&server->stopping);
  g_clear_pointer (&server->bomb, g_bytes_unref);
  g_free (server->last_authorization);
  g_mutex_clear (&server->lock);
  g_free (server);
}

char *
hostile_server_url (HostileServer *server,
                    const char    *userinfo,
                    const char    *path)
{
  return g_strdup_printf ("http://%s%s127.0.0.1:%u%s",
                          userinfo != NULL ? userinfo : "", userinfo != NULL ? "@" : "",
                          server->port, path);
}

char *
hostile_server_tls_url (HostileServer *server,
                        const char    *path)
{
  return g_strdup_printf ("https://127.0.0.1:%u%s", server->tls_port, path);
}

guint
hostile_server_count (HostileServer *server)
{
  guint count;

  g_mutex_lock (&server->lock);
  count = server->count;
  g_mutex_unlock (&server->lock);

  return count;
}

char *
hostile_server_dup_last_authorization (HostileServer *server)
{
  char *value;

  g_mutex_lock (&server->lock);
  value = g_strdup (server->last_authorization);
  g_mutex_unlock (&server->lock);

  return value;
}

guint
hostile_server_drip_written (HostileServer *server)
{
  guint written;

  g_mutex_lock (&server->lock);
  written = server->drip_written;
  g_mutex_unlock (&server->lock);

  return written;
}
