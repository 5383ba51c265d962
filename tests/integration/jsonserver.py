# jsonserver.py: what the json-server integration tests share
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Imported by test-json-server.py and test-json-server-save.py, which meson
# runs as `gi_python <script>`: the scripts' directory, where this module
# lives, is on sys.path. It holds their harness: TAP output, finding and
# running json-server on a free port (killed and started again on the same
# port for the snapshot test), a typed model of a post, a urllib client of
# json-server (another client, behind the library's back), recorders of
# signals, iteration of the main context, and the main() of a test.
#
# Importing it sets XDG_CACHE_HOME to a temporary directory and then imports
# gi itself (the harness needs Cacheit, GLib and GObject), so the scripts
# import it before anything of gi: GLib reads XDG_CACHE_HOME once, the first
# time it is asked, and that must be this directory. A script that needs
# another typelib (Json) requires it after importing this module.

import argparse
import atexit
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

# Snapshots (Cacheit.Resource:snapshot-policy) of this run go to a directory
# of its own, set before GLib reads XDG_CACHE_HOME: a URL of an earlier run
# (the same port drawn again) must not start from that run's data.
if os.environ.get("XDG_CACHE_HOME"):
    os.makedirs(os.environ["XDG_CACHE_HOME"], exist_ok=True)
_cache_home = tempfile.mkdtemp(prefix="cacheit-test-cache-", dir=os.environ.get("XDG_CACHE_HOME"))
os.environ["XDG_CACHE_HOME"] = _cache_home
atexit.register(shutil.rmtree, _cache_home, True)

import gi  # noqa: E402 (after XDG_CACHE_HOME is set)

gi.require_version("GLib", "2.0")
gi.require_version("GObject", "2.0")
gi.require_version("Cacheit", "1.0")
from gi.repository import Cacheit, GLib, GObject  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STARTUP_TIMEOUT = 30  # seconds; node starts slowly on a loaded machine
FETCH_TIMEOUT = 30


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def plan(self, n):
        print(f"1..{n}", flush=True)

    def ok(self, condition, description, diagnostics=None):
        self.n += 1
        if condition:
            print(f"ok {self.n} - {description}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {description}", flush=True)
            if diagnostics:
                self.diag(diagnostics)
        return condition

    def equal(self, got, expected, description):
        return self.ok(got == expected, description,
                       f"expected {expected!r}, got {got!r}")

    def diag(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)


def find_json_server(argument):
    candidates = [os.environ.get("CACHEIT_JSON_SERVER"), argument,
                  shutil.which("json-server")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class JsonServer:
    """json-server on a free port of 127.0.0.1, serving a copy of db.json.
    It can be killed and started again on the same port with the same data
    file (json-server writes its changes to it)."""

    def __init__(self, program):
        self.program = program
        self.tmpdir = tempfile.TemporaryDirectory(prefix="cacheit-json-server-")
        self.db = os.path.join(self.tmpdir.name, "db.json")
        self.log_path = os.path.join(self.tmpdir.name, "json-server.log")
        self.process = None
        self.port = None

    def _spawn(self):
        """Starts json-server on self.port; returns whether it listens."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [self.program, "--host", "127.0.0.1", "--port", str(self.port),
                 "--quiet", self.db],
                cwd=self.tmpdir.name, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT)

        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if is_listening(self.port):
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def start(self):
        shutil.copyfile(os.path.join(HERE, "db.json"), self.db)

        # The port is free when picked but could be taken before json-server
        # binds it: try a few.
        for _ in range(3):
            self.port = free_port()
            if self._spawn():
                return True
        return False

    def restart(self):
        """Starts json-server again on the same port, with the data as the
        previous process left it."""
        assert self.process is None
        return self._spawn()

    def kill(self):
        """Kills json-server at once (SIGKILL), as a crash would."""
        self.process.kill()
        self.process.wait()
        self.process = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return log.read()
        except OSError:
            return ""

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class Post(Cacheit.Model):
    """A typed model: its properties are filled from the JSON members."""

    title = GObject.Property(type=str)
    views = GObject.Property(type=int)
    rating = GObject.Property(type=float)
    published = GObject.Property(type=bool, default=False)


# The typed properties of Post.
TYPED = {"title", "views", "rating", "published"}


# Another client of json-server, with urllib (no proxy).

def http(server, method, path, value=None):
    """Returns (status, decoded body or None)."""
    data = json.dumps(value).encode() if value is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(server.url(path), data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, None


# A TCP proxy in front of json-server that drops connections (issue 14).

class DropProxy:
    """Relays TCP connections on a free port of 127.0.0.1 to @port. After
    drop(method, n), the next n requests of METHOD go through to json-server
    (which applies them), and then the connection is closed before any byte
    of the answer comes back: a connection lost after the server got the
    request. A keep-alive connection of the client stays one connection to
    json-server, so requests() tells apart reused connections from new ones."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.drops = {}
        self.log = []          # (connection number, first line of each request)
        self.n_dropped = 0
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.n_connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}{path}"

    def drop(self, method, n=1):
        with self.lock:
            self.drops[method] = n

    def requests(self, method=None):
        """The (connection, request line) of each request, of @method only when given."""
        with self.lock:
            return [(c, line) for c, line in self.log if method is None or line.startswith(method + " ")]

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.n_connections += 1
                number = self.n_connections
            threading.Thread(target=self._serve, args=(client, number), daemon=True).start()

    def _serve(self, client, number):
        upstream = socket.create_connection(("127.0.0.1", self.port))
        state = {"drop": False}

        def close():
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        def from_client():
            while True:
                try:
                    data = client.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    close()
                    return
                word = data.split(b" ", 1)[0].decode("latin-1")
                if word.isupper() and b" HTTP/1." in data.split(b"\r\n", 1)[0]:
                    with self.lock:
                        self.log.append((number, data.split(b"\r\n", 1)[0].decode("latin-1")))
                        if self.drops.get(word, 0) > 0:
                            self.drops[word] -= 1
                            state["drop"] = True
                try:
                    upstream.sendall(data)
                except OSError:
                    close()
                    return

        threading.Thread(target=from_client, daemon=True).start()
        while True:
            try:
                data = upstream.recv(65536)
            except OSError:
                data = b""
            if not data:
                close()
                return
            if state["drop"]:
                # json-server got the whole request and answered: drop it.
                with self.lock:
                    self.n_dropped += 1
                close()
                return
            try:
                client.sendall(data)
            except OSError:
                close()
                return

    def stop(self):
        self.listener.close()


# Signals.

def count_signals(resource):
    counter = {"request": 0, "sync": 0, "error": 0}

    def on_signal(_resource, *args):
        name = args[-1]
        counter[name] += 1

    for name in counter:
        resource.connect(name, on_signal, name)
    return counter


def record_messages(resource):
    """The SoupMessage of each request the resource makes, in order. Once a
    request is answered, its message holds the headers sent and received."""
    messages = []
    resource.connect("request", lambda _resource, msg: messages.append(msg))
    return messages


def sent(msg, name):
    return msg.get_request_headers().get_one(name)


def received(msg, name):
    return msg.get_response_headers().get_one(name)


def record_notify(resource):
    names = []
    resource.connect("notify", lambda _resource, pspec: names.append(pspec.name))
    return names


# The main context.

def iterate_until(condition, timeout=FETCH_TIMEOUT):
    """Iterates the default main context until condition() is true; returns
    whether it became true before @timeout seconds."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        context.iteration(False) or time.sleep(0.005)
    return True


def iterate_for(seconds):
    """Iterates the default main context for @seconds: for what must not
    happen."""
    iterate_until(lambda: False, seconds)


def main(description, run):
    """The main() of a test: finds json-server (skips without it or node),
    starts it, calls run(tap, server) and prints the TAP plan. Returns the
    exit status."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json-server", help="the json-server program")
    args = parser.parse_args()

    program = find_json_server(args.json_server)
    if program is None:
        print("1..0 # SKIP json-server is not installed (build-aux/test installs it)")
        return 0
    if shutil.which("node") is None:
        print("1..0 # SKIP node is not installed")
        return 0

    tap = Tap()
    server = JsonServer(program)
    try:
        if not server.start():
            print("Bail out! json-server did not start")
            tap.diag(server.log())
            return 1

        tap.diag(f"{program} listening on 127.0.0.1:{server.port}")
        try:
            run(tap, server)
        except Exception:
            tap.ok(False, "the test ran to the end", traceback.format_exc())
        tap.plan(tap.n)
    finally:
        server.stop()
        server.tmpdir.cleanup()

    return 1 if tap.failed else 0
