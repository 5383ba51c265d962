#!/usr/bin/python3
# test-json-server.py: cacheit-glib against json-server, a real server process
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Starts json-server on 127.0.0.1 with db.json (next to this file) on a free
# port, and checks through the typelib, as a Python application would:
# a fetch of /posts/1 (attributes and typed properties), that callers join
# one request and that a second fetch is answered from the cache (counted
# with the `request` signal, as json-server cannot tell how many requests it
# served), that a reload makes a request, and that /posts/999 fails with
# Cacheit.Error.HTTP_STATUS and status 404.
#
# json-server is found, in this order, at $CACHEIT_JSON_SERVER, at the path
# given with --json-server, or on PATH. Without it the test is skipped.
#
# Output is TAP.

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import gi

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
    """json-server on a free port of 127.0.0.1, serving a copy of db.json."""

    def __init__(self, program):
        self.program = program
        self.tmpdir = tempfile.TemporaryDirectory(prefix="cacheit-json-server-")
        self.log_path = os.path.join(self.tmpdir.name, "json-server.log")
        self.process = None
        self.port = None

    def start(self):
        db = os.path.join(self.tmpdir.name, "db.json")
        shutil.copyfile(os.path.join(HERE, "db.json"), db)

        # The port is free when picked but could be taken before json-server
        # binds it: try a few.
        for _ in range(3):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [self.program, "--host", "127.0.0.1", "--port", str(self.port),
                     "--read-only", "--quiet", db],
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


def count_requests(resource):
    counter = {"request": 0, "sync": 0, "error": 0}

    def on_signal(_resource, *args):
        name = args[-1]
        counter[name] += 1

    for name in counter:
        resource.connect(name, on_signal, name)
    return counter


def fetch_async_many(resource, n, flags=Cacheit.FetchFlags.NONE):
    """Calls fetch_async n times at once and runs a main loop until every
    callback ran. Returns the (result, error) each callback got."""
    loop = GLib.MainLoop()
    outcomes = []

    def done(source, result):
        try:
            source.fetch_finish(result)
            outcomes.append((result, None))
        except GLib.Error as error:
            outcomes.append((result, error))
        if len(outcomes) == n:
            loop.quit()

    def timeout():
        timed_out.append(True)
        loop.quit()
        return GLib.SOURCE_REMOVE

    timed_out = []
    timeout_id = GLib.timeout_add_seconds(FETCH_TIMEOUT, timeout)
    for _ in range(n):
        resource.fetch_async(flags, None, done)
    loop.run()
    if not timed_out:
        GLib.source_remove(timeout_id)
    return outcomes


def run(tap, server):
    # /posts/1: three callers at once share one request.
    post = Post(url=server.url("/posts/1"))
    counter = count_requests(post)
    outcomes = fetch_async_many(post, 3)

    tap.equal(len(outcomes), 3, "every caller of /posts/1 completed")
    tap.ok(all(error is None for _, error in outcomes), "fetching /posts/1 succeeded",
           "\n".join(str(error) for _, error in outcomes if error))
    tap.ok(len({id(result) for result, _ in outcomes}) == 1,
           "the callers received the same GAsyncResult")
    tap.equal(counter["request"], 1, "three callers made one request")
    tap.equal(post.props.status, 200, "status is 200")
    tap.ok(post.props.fetched, "fetched is TRUE")

    # Attributes, through the typed getters.
    tap.equal(post.get_string("title"), "json-server", "get_string('title')")
    tap.equal(post.get_string("author"), "typicode", "get_string('author')")
    tap.equal(post.get_int("views"), 254, "get_int('views')")
    tap.equal(post.get_double("rating"), 4.5, "get_double('rating')")
    tap.equal(post.get_boolean("published"), True, "get_boolean('published')")
    tap.ok(post.has("tags") and not post.has("missing"), "has()")
    tags = post.get_attribute("tags").get_array()
    tap.equal([tags.get_string_element(i) for i in range(tags.get_length())],
              ["rest", "fake"], "get_attribute('tags') is the JSON array")

    # And the typed properties of the subclass.
    tap.equal((post.props.title, post.props.views, post.props.rating, post.props.published),
              ("json-server", 254, 4.5, True),
              "the typed properties are filled from the JSON members")

    # A second fetch is answered from the cache: no request signal.
    post.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal(counter["request"], 1, "a second fetch made no request")
    tap.equal(counter["sync"], 1, "a second fetch emitted no sync")

    # A reload makes one; json-server answers the same data, so nothing
    # changes.
    changed = []
    post.connect("changed", lambda _model, name: changed.append(name))
    post.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal(counter["request"], 2, "a reload made one request")
    tap.equal(changed, [], "a reload of identical data emitted no changed signal")

    # /posts/999 is a 404.
    missing = Cacheit.Model.new(server.url("/posts/999"))
    missing_counter = count_requests(missing)
    try:
        missing.fetch(Cacheit.FetchFlags.NONE, None)
        error = None
    except GLib.Error as e:
        error = e

    tap.ok(error is not None and error.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS),
           "/posts/999 fails with Cacheit.Error.HTTP_STATUS",
           f"got {error!r}")
    tap.equal(missing.props.status, 404, "the status of /posts/999 is 404")
    tap.ok(missing.props.last_error is not None, "last-error is set")
    tap.equal(missing_counter["error"], 1, "the error signal was emitted once")
    tap.ok(not missing.props.fetched, "fetched stays FALSE")

    # A failure is not cached: the next fetch makes a new request.
    try:
        missing.fetch(Cacheit.FetchFlags.NONE, None)
    except GLib.Error:
        pass
    tap.equal(missing_counter["request"], 2, "a fetch after a failure makes a new request")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
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


if __name__ == "__main__":
    sys.exit(main())
