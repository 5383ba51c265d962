#!/usr/bin/env python3
# A small HTTP server for the Python and gjs tests of cacheit-glib.
#
# Run it as a subprocess: it listens on 127.0.0.1, on a port the system picks,
# and prints that port alone on the first line of its standard output. Every
# later line of standard output is one JSON event, so a test can wait for
# something to happen at the server by reading lines in its main loop,
# without sleeping:
#
#   {"event": "request", "path": P, "id": N, "count": C, "headers": {...}}
#       a request for P arrived (C: requests for P so far, N: unique id)
#   {"event": "held", "path": P, "id": N}
#       the request is held until the test releases it
#   {"event": "aborted", "path": P, "id": N}
#       the client closed the connection of a held request
#   {"event": "released", "path": P, "id": N}
#       a held request was released and is about to be answered
#   {"event": "done", "path": P, "id": N, "status": S}
#       the response was sent in full (S: 304 for a request answered Not
#       Modified, see "etag" below)
#   {"event": "dropped", "path": P, "id": N}
#       the connection was closed in the middle of the body
#
# The test configures the server through control requests, POST with a JSON
# body to /_control/COMMAND, each answered with a JSON object:
#
#   /_control/route    {"path": P, "status": 200, "body": "text",
#                       "json": <value, instead of body>,
#                       "headers": {"Name": "value"},
#                       "hold": false, "drop": false, "chunked": false,
#                       "gzip": false, "etag": null, "last_modified": null,
#                       "statuses": null}
#       Sets how P is answered from now on. A request takes the route as it
#       is when the request arrives, so a held request is answered with the
#       route it arrived under, whatever the route became meanwhile.
#       "hold": the request waits until /_control/release.
#       "drop": the headers announce the whole body, half of it is sent,
#       then the connection is closed.
#       "chunked": the body is sent with Transfer-Encoding: chunked, in
#       chunks of 1024 bytes, without a Content-Length.
#       "gzip": the body is sent gzip-compressed, with Content-Encoding: gzip.
#       "etag": an ETag sent with every answer of the route: a string is sent
#       as it is (W/"..." for a weak one), true makes a strong one from a hash
#       of the body. A GET whose If-None-Match matches it (weak comparison,
#       as RFC 9110 says for If-None-Match; "*" matches) is answered
#       304 Not Modified, with the ETag and the other headers of the route
#       and no body.
#       "last_modified": a Last-Modified date sent with every answer. A GET
#       without If-None-Match whose If-Modified-Since is that date or later
#       is answered 304 too.
#       "bearer": a token: a request without "Authorization: Bearer TOKEN"
#       is answered 401 with {"error": "The access token is invalid"}.
#       "statuses": a list of statuses, e.g. [503, 503, 200], taken one per
#       request in order (instead of "status"); the last one stays for every
#       later request. The body and headers are the same for each status.
#       The conditional 304 above applies to a 200 only.
#   /_control/release  {"path": P, "id": N (optional)}
#       Releases the held requests of P (or only request N); answers
#       {"released": [ids]}.
#   /_control/stats    {"path": P}
#       {"count": C, "held": [ids], "last_headers": {...} or null,
#        "statuses": [S, ...]}  (the statuses answered to P so far, in order)
#   /_control/reset    {}
#       Forgets every route and counter, and releases what is held.
#
# A path without a route is answered 404. Requests are matched on the path
# alone, the query is ignored. The server stops at the end of its standard
# input, or on SIGTERM.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gzip
import hashlib
import json
import os
import select
import signal
import socket
import sys
import threading
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# A held request that nobody releases gives up after this long, so a broken
# test cannot hang the server forever.
HOLD_LIMIT_SECONDS = 120

lock = threading.Lock()
out_lock = threading.Lock()
routes = {}
counts = {}
last_headers = {}
answered = {}  # path -> [status, ...]
held = {}  # id -> Held
next_id = 0


def emit(**event):
    line = json.dumps(event, sort_keys=True)
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


class Held:
    """A held request: released by a byte written to its pipe."""

    def __init__(self, path, request_id):
        self.path = path
        self.id = request_id
        self.lock = threading.Lock()
        self.read_fd, self.write_fd = os.pipe()

    def release(self):
        # Under the lock, so that a descriptor closed (and maybe reused by
        # another pipe) is never written to.
        with self.lock:
            if self.write_fd >= 0:
                os.write(self.write_fd, b"x")

    def close(self):
        with self.lock:
            os.close(self.read_fd)
            os.close(self.write_fd)
            self.read_fd = self.write_fd = -1


def opaque_tag(tag):
    """The opaque-tag of an entity tag: W/"x" and "x" compare equal weakly."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match, etag):
    """Whether an If-None-Match header matches @etag (weak comparison)."""
    if if_none_match is None or etag is None:
        return False
    if if_none_match.strip() == "*":
        return True
    # Entity tags are quoted and cannot hold a comma in practice: split on
    # commas between them.
    return any(opaque_tag(candidate) == opaque_tag(etag)
               for candidate in if_none_match.split(",") if candidate.strip())


def not_modified_since(if_modified_since, last_modified):
    if if_modified_since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(if_modified_since) >= parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def client_closed(sock):
    try:
        data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return data == b""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cacheit-test-server/1"

    def log_message(self, format, *args):
        pass

    def send_json(self, value, status=200):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # Control

    def do_POST(self):
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not path.startswith("/_control/"):
            self.send_json({"error": "only control requests are POST"}, 405)
            return
        try:
            args = json.loads(raw or b"{}")
            answer = self.control(path[len("/_control/"):], args)
        except Exception as e:  # noqa: BLE001 - reported to the test
            self.send_json({"error": "%s: %s" % (type(e).__name__, e)}, 400)
            return
        self.send_json(answer)

    def control(self, command, args):
        if command == "route":
            route = {
                "status": int(args.get("status", 200)),
                "headers": dict(args.get("headers") or {}),
                "hold": bool(args.get("hold", False)),
                "drop": bool(args.get("drop", False)),
                "chunked": bool(args.get("chunked", False)),
            }
            if "json" in args:
                route["body"] = json.dumps(args["json"]).encode()
                route["headers"].setdefault("Content-Type", "application/json")
            else:
                route["body"] = str(args.get("body", "")).encode()
            etag = args.get("etag")
            if etag is True:
                etag = '"%s"' % hashlib.sha1(route["body"]).hexdigest()[:16]
            route["etag"] = etag or None
            route["last_modified"] = args.get("last_modified")
            route["bearer"] = args.get("bearer")
            statuses = args.get("statuses")
            route["statuses"] = [int(x) for x in statuses] if statuses else None
            if args.get("gzip"):
                route["body"] = gzip.compress(route["body"])
                route["headers"]["Content-Encoding"] = "gzip"
            with lock:
                routes[args["path"]] = route
            return {}
        if command == "release":
            path = args.get("path")
            only = args.get("id")
            with lock:
                chosen = [h for h in held.values()
                          if (path is None or h.path == path) and (only is None or h.id == only)]
            for h in chosen:
                h.release()
            return {"released": sorted(h.id for h in chosen)}
        if command == "stats":
            path = args["path"]
            with lock:
                return {
                    "count": counts.get(path, 0),
                    "held": sorted(h.id for h in held.values() if h.path == path),
                    "last_headers": last_headers.get(path),
                    "statuses": list(answered.get(path, [])),
                }
        if command == "reset":
            with lock:
                routes.clear()
                counts.clear()
                last_headers.clear()
                answered.clear()
                chosen = list(held.values())
            for h in chosen:
                h.release()
            return {}
        raise ValueError("unknown command %r" % command)

    # Routes

    def do_GET(self):
        global next_id

        path = urlsplit(self.path).path
        with lock:
            next_id += 1
            request_id = next_id
            counts[path] = counts.get(path, 0) + 1
            headers = {k: v for k, v in self.headers.items()}
            last_headers[path] = headers
            route = routes.get(path)
            count = counts[path]
            if route is not None:
                # A copy: the status taken from the queue, and the route as
                # it is now, whatever it becomes while this one is held.
                route = dict(route)
                if route.get("statuses"):
                    queue = route["statuses"]
                    route["status"] = queue[0]
                    if len(queue) > 1:
                        routes[path]["statuses"] = queue[1:]
        emit(event="request", path=path, id=request_id, count=count, headers=headers)

        if route is None:
            route = {"status": 404, "headers": {}, "hold": False, "drop": False,
                     "chunked": False, "body": b'{"error": "no route"}'}

        route["headers"] = dict(route["headers"])
        if route.get("bearer") and self.headers.get("Authorization") != "Bearer " + route["bearer"]:
            # Mastodon's answer to a token it does not take.
            route = dict(route, status=401, etag=None, last_modified=None,
                         headers={"Content-Type": "application/json"},
                         body=b'{"error": "The access token is invalid"}')
        if route.get("etag"):
            route["headers"]["ETag"] = route["etag"]
        if route.get("last_modified"):
            route["headers"]["Last-Modified"] = route["last_modified"]
        if route["status"] == 200:
            if_none_match = self.headers.get("If-None-Match")
            if (etag_matches(if_none_match, route.get("etag")) or
                    (if_none_match is None and
                     not_modified_since(self.headers.get("If-Modified-Since"), route.get("last_modified")))):
                route["status"] = 304
        with lock:
            answered.setdefault(path, []).append(route["status"])

        if route["hold"]:
            if not self.hold(path, request_id):
                emit(event="aborted", path=path, id=request_id)
                self.close_connection = True
                return
            emit(event="released", path=path, id=request_id)

        body = route["body"]
        try:
            self.send_response(route["status"])
            if route["status"] == 304:
                # No body, and none of the headers that describe one.
                for name, value in route["headers"].items():
                    if name.lower() not in ("content-type", "content-length", "content-encoding"):
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.flush()
                emit(event="done", path=path, id=request_id, status=304)
                return
            for name, value in route["headers"].items():
                self.send_header(name, value)
            if route["chunked"]:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(0, len(body), 1024):
                    chunk = body[i:i + 1024]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                emit(event="done", path=path, id=request_id, status=route["status"])
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if route["drop"]:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                emit(event="dropped", path=path, id=request_id)
                return
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            emit(event="aborted", path=path, id=request_id)
            return
        emit(event="done", path=path, id=request_id, status=route["status"])

    def hold(self, path, request_id):
        """Waits until released (True) or the client goes away (False)."""
        h = Held(path, request_id)
        with lock:
            held[request_id] = h
        emit(event="held", path=path, id=request_id)
        try:
            sock = self.connection
            ready, _, _ = select.select([sock, h.read_fd], [], [], HOLD_LIMIT_SECONDS)
            if h.read_fd in ready:
                return True
            if not ready or client_closed(sock):
                return False
            # Bytes of a next pipelined request: not ours to read, and this
            # client does not pipeline. Wait for the release alone.
            ready, _, _ = select.select([h.read_fd], [], [], HOLD_LIMIT_SECONDS)
            return bool(ready)
        finally:
            with lock:
                held.pop(request_id, None)
            h.close()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that closes its connection (a cancelled or superseded
        # fetch) is part of the tests, not an error of the server.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]

    def stop(*_args):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)

    # The end of standard input (the test went away) stops the server too.
    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except OSError:
            pass
        stop()

    threading.Thread(target=watch_stdin, daemon=True).start()

    with out_lock:
        sys.stdout.write("%d\n" % port)
        sys.stdout.flush()
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
