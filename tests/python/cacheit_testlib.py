# Shared helpers of the Python tests: the server process, waiting on the main
# context, assertions and a small TAP emitter.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import atexit
import json
import os
import shutil
import sys
import tempfile
import traceback
import urllib.request

# Snapshots (Cacheit.Resource:snapshot-policy) of this run go to a directory
# of its own, set before GLib reads XDG_CACHE_HOME: a URL of an earlier run
# (the same port drawn again) must not start from that run's data.
if os.environ.get("XDG_CACHE_HOME"):
    os.makedirs(os.environ["XDG_CACHE_HOME"], exist_ok=True)
_cache_home = tempfile.mkdtemp(prefix="cacheit-test-cache-", dir=os.environ.get("XDG_CACHE_HOME"))
os.environ["XDG_CACHE_HOME"] = _cache_home
atexit.register(shutil.rmtree, _cache_home, True)

import gi

gi.require_version("Cacheit", "1.0")
gi.require_version("Soup", "3.0")
gi.require_version("Json", "1.0")

from gi.repository import Cacheit, Gio, GLib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# A safety net, never a timing: a condition that is not met by then fails the
# test instead of hanging it.
SAFETY_TIMEOUT_SECONDS = 20

CACHEIT_DOMAIN = GLib.quark_to_string(Cacheit.error_quark())
IO_DOMAIN = GLib.quark_to_string(Gio.io_error_quark())


class TestFailure(AssertionError):
    pass


def check(condition, message="check failed"):
    if not condition:
        raise TestFailure(message)


def eq(got, expected, what="value"):
    if got != expected:
        raise TestFailure("%s: expected %r, got %r" % (what, expected, got))


def wait_until(condition, what="condition", context=None, timeout=SAFETY_TIMEOUT_SECONDS):
    """Iterates @context (the default one) until condition() is true."""
    if context is None:
        context = GLib.MainContext.default()
    if condition():
        return
    expired = []
    source = GLib.timeout_source_new_seconds(timeout)
    source.set_callback(lambda *_: expired.append(True) or GLib.SOURCE_REMOVE)
    source.attach(context)
    try:
        while not condition():
            if expired:
                raise TestFailure("timed out after %d s waiting for %s" % (timeout, what))
            context.iteration(True)
    finally:
        source.destroy()


def drain(context=None):
    """Dispatches whatever is ready in @context now, without blocking."""
    if context is None:
        context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def expect_error(fn, domain, code=None, what="call"):
    """Calls fn(), which must raise a GLib.Error of @domain (and @code)."""
    try:
        fn()
    except GLib.Error as e:
        check(e.domain == domain,
              "%s: expected an error of %s, got %s %d: %s" % (what, domain, e.domain, e.code, e.message))
        if code is not None:
            check(e.code == int(code),
                  "%s: expected error code %d, got %d: %s" % (what, int(code), e.code, e.message))
        return e
    raise TestFailure("%s: succeeded, expected an error of %s" % (what, domain))


class Server:
    """tests/python/server.py, run as a process of its own."""

    def __init__(self):
        launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.STDIN_PIPE |
                                              Gio.SubprocessFlags.STDOUT_PIPE)
        self.process = launcher.spawnv([sys.executable, os.path.join(HERE, "server.py")])
        self.stdout = Gio.DataInputStream.new(self.process.get_stdout_pipe())
        line, _ = self.stdout.read_line_utf8(None)
        check(line is not None and line.strip().isdigit(), "server.py did not print its port: %r" % line)
        self.port = int(line)
        self.events = []
        self.hooks = []  # Called with each event; a hook returning True is removed.
        self.eof = False
        self.cancellable = Gio.Cancellable()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._read_next()

    def _read_next(self):
        self.stdout.read_line_async(GLib.PRIORITY_DEFAULT, self.cancellable, self._on_line)

    def _on_line(self, stream, result):
        try:
            line, _ = stream.read_line_finish_utf8(result)
        except GLib.Error:
            self.eof = True
            return
        if line is None:
            self.eof = True
            return
        event = json.loads(line)
        self.events.append(event)
        self.hooks = [hook for hook in self.hooks if not hook(event)]
        self._read_next()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def control(self, command, **args):
        request = urllib.request.Request(
            "http://127.0.0.1:%d/_control/%s" % (self.port, command),
            data=json.dumps(args).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=SAFETY_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())

    def route(self, path, **route):
        self.control("route", path=path, **route)

    def release(self, path, request_id=None):
        if request_id is None:
            return self.control("release", path=path)["released"]
        return self.control("release", path=path, id=request_id)["released"]

    def stats(self, path):
        return self.control("stats", path=path)

    def count(self, path):
        """Requests that reached the server for @path, as the server says now."""
        return self.stats(path)["count"]

    def reset(self):
        self.control("reset")

    def events_of(self, event, path=None, request_id=None):
        return [e for e in self.events
                if e["event"] == event
                and (path is None or e["path"] == path)
                and (request_id is None or e["id"] == request_id)]

    def wait_event(self, event, path, n=1, request_id=None):
        """Iterates the default main context until the server reported @event
        for @path @n times; returns the last of them."""
        wait_until(lambda: len(self.events_of(event, path, request_id)) >= n,
                   "server event %s on %s" % (event, path))
        return self.events_of(event, path, request_id)[n - 1]

    def wait_finished(self, request_id):
        """Iterates until request @request_id was answered or abandoned."""
        wait_until(lambda: any(e.get("id") == request_id and e["event"] in ("done", "aborted", "dropped")
                               for e in self.events),
                   "request %d to finish at the server" % request_id)

    def stop(self):
        self.cancellable.cancel()
        self.process.get_stdin_pipe().close(None)
        self.process.send_signal(15)
        self.process.wait(None)


class Callbacks:
    """Collects the completions of fetch_async calls, in order."""

    def __init__(self):
        self.done = []   # (tag, result)

    def make(self, tag):
        def callback(source, result, *user_data):
            self.done.append((tag, result))
        return callback

    def result(self, tag):
        for t, r in self.done:
            if t == tag:
                return r
        raise TestFailure("no completion for %r" % (tag,))

    def has(self, tag):
        return any(t == tag for t, _ in self.done)

    def wait(self, *tags, context=None):
        wait_until(lambda: all(self.has(t) for t in tags), "completion of %s" % (tags,), context=context)


# TAP

_tests = []


def test(name):
    def register(fn):
        _tests.append((name, fn))
        return fn
    return register


def run(setup=None, teardown=None):
    """Runs every registered test, printing TAP; exits non-zero on a failure."""
    print("1..%d" % len(_tests), flush=True)
    failures = 0
    context = None
    try:
        if setup is not None:
            context = setup()
    except Exception:
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        for number, (name, _) in enumerate(_tests, 1):
            print("not ok %d - %s # setup failed" % (number, name), flush=True)
        sys.exit(1)

    for number, (name, fn) in enumerate(_tests, 1):
        try:
            fn(context) if context is not None else fn()
        except Exception:
            failures += 1
            print("not ok %d - %s" % (number, name))
            for line in traceback.format_exc().splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s" % (number, name))
        sys.stdout.flush()

    if teardown is not None:
        try:
            teardown(context)
        except Exception:
            failures += 1
            for line in traceback.format_exc().splitlines():
                print("# teardown: " + line)
    if failures:
        print("# %d of %d failed" % (failures, len(_tests)))
    sys.stdout.flush()
    sys.exit(1 if failures else 0)


def main():
    run(setup=Server, teardown=lambda server: server.stop())
