# example_server.py: a tiny JSON API on 127.0.0.1 for the Python examples
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# It stands in for a real server: the standard library's HTTP server, in a
# thread, on a port the system picks. It serves /posts (an array) and
# /posts/ID (one object), and counts the requests it answers.

import http.server
import json
import threading

POSTS = [
    {"id": 1, "title": "Hello, world", "author": "ada", "views": 100},
    {"id": 2, "title": "Fetch once", "author": "grace", "views": 200},
    {"id": 3, "title": "Cache it", "author": "alan", "views": 300},
]


class Handler(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self):
        Handler.requests += 1
        if self.path == "/posts":
            body = POSTS
        elif self.path.startswith("/posts/") and self.path[7:].isdigit() \
                and 1 <= int(self.path[7:]) <= len(POSTS):
            body = POSTS[int(self.path[7:]) - 1]
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


def start():
    """Starts the server in a thread; returns its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d" % server.server_address[1]


def requests():
    return Handler.requests
