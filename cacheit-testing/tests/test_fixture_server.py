#!/usr/bin/python3
# CacheitTesting.FixtureServer from Python: the basics through the typelib,
# as an application's own test uses them. Prints TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys
import traceback

import gi

gi.require_version("Cacheit", "1.0")
gi.require_version("CacheitTesting", "1.0")
gi.require_version("Soup", "3.0")

from gi.repository import Cacheit, CacheitTesting, Gio, GLib, Soup  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# A safety net, never a timing: what has not happened by then fails the test.
SAFETY_TIMEOUT_SECONDS = 20


class TestFailure(AssertionError):
    pass


def eq(got, expected, what="value"):
    if got != expected:
        raise TestFailure("%s: expected %r, got %r" % (what, expected, got))


def check(condition, what="check failed"):
    if not condition:
        raise TestFailure(what)


def wait_until(condition, what):
    """Iterates the default main context until condition() is true."""
    context = GLib.MainContext.default()
    expired = []
    source = GLib.timeout_source_new_seconds(SAFETY_TIMEOUT_SECONDS)
    source.set_callback(lambda *_: expired.append(True) or GLib.SOURCE_REMOVE)
    source.attach(context)
    try:
        while not condition():
            if expired:
                raise TestFailure("timed out waiting for %s" % what)
            context.iteration(True)
    finally:
        source.destroy()


class Fixture:
    """A fixture server on tests/data, and a session to talk to it."""

    def __init__(self):
        self.server = CacheitTesting.FixtureServer.new(DATA)
        self.session = Soup.Session()

    def get(self, path, **headers):
        message = Soup.Message.new("GET", self.server.url_for(path))
        for name, value in headers.items():
            message.get_request_headers().replace(name.replace("_", "-"), value)
        body = self.session.send_and_read(message, None)
        return message, body.get_data().decode()

    def close(self):
        # Close the keep-alive connections first: libsoup 3.2's server leaks
        # the ones still open when it stops.
        self.session.abort()
        self.server.stop()


tests = []


def test(name):
    def register(fn):
        tests.append((name, fn))
        return fn
    return register


@test("start: 127.0.0.1, a port of the system's, url_for; a missing directory raises")
def test_start(fixture):
    server = fixture.server
    check(server.get_port() > 0, "a port")
    eq(server.get_url(), "http://127.0.0.1:%d" % server.get_port(), "url")
    eq(server.props.url, server.get_url(), "url property")
    eq(server.url_for("/posts/7"), server.get_url() + "/posts/7", "url_for")
    eq(server.get_directory(), DATA, "directory")
    try:
        CacheitTesting.FixtureServer.new("/nonexistent/cacheit-testing")
    except GLib.Error as e:
        eq(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND), True, "error")
    else:
        raise TestFailure("a missing directory did not raise")


@test("routes: files, an item by id, routes from code, 404 with a JSON body")
def test_routes(fixture):
    with open(os.path.join(DATA, "posts.json")) as f:
        posts = f.read()
    message, body = fixture.get("/posts")
    eq(message.get_status(), Soup.Status.OK, "status of /posts")
    eq(body, posts, "body of /posts")
    message, body = fixture.get("/posts/7")
    check('"Seven"' in body, "/posts/7 is the element with id 7: %s" % body)
    message, body = fixture.get("/posts/42")
    check("posts/42.json" in body, "/posts/42 from posts/42.json: %s" % body)
    message, body = fixture.get("/posts/99")
    eq(message.get_status(), Soup.Status.NOT_FOUND, "status of /posts/99")
    check('"path":"/posts/99"' in body, "404 body: %s" % body)

    fixture.server.set_json("/tags", '[{"id": "gnome", "count": 3}]')
    message, body = fixture.get("/tags/gnome")
    eq(message.get_status(), Soup.Status.OK, "status of /tags/gnome")
    check('"count":3' in body, "/tags/gnome: %s" % body)
    try:
        fixture.server.set_json("/tags", "[1,")
    except GLib.Error:
        pass
    else:
        raise TestFailure("invalid JSON was accepted")


@test("ETag and 304, not-modified off, Cache-Control from a property")
def test_etag(fixture):
    server = fixture.server
    server.props.cache_control = "max-age=60"
    message, _ = fixture.get("/posts")
    etag = message.get_response_headers().get_one("ETag")
    check(etag is not None and etag.startswith('"'), "a strong ETag: %r" % etag)
    eq(message.get_response_headers().get_one("Cache-Control"), "max-age=60", "Cache-Control")
    message, body = fixture.get("/posts", If_None_Match="W/" + etag)
    eq(message.get_status(), Soup.Status.NOT_MODIFIED, "status with If-None-Match")
    eq(body, "", "body of a 304")
    eq(server.get_not_modified_count("/posts"), 1, "304s")
    server.set_not_modified(False)
    message, _ = fixture.get("/posts", If_None_Match=etag)
    eq(message.get_status(), Soup.Status.OK, "status with not-modified off")
    server.set_cache_control(None)
    message, _ = fixture.get("/posts")
    eq(message.get_response_headers().get_one("Cache-Control"), None, "no Cache-Control")


@test("a collection: one request for three fetches, a failure keeps the data, a reload is a 304")
def test_collection(fixture):
    server = fixture.server
    posts = Cacheit.Collection.new(Cacheit.Model, server.url_for("/posts"))
    posts.props.session = fixture.session
    posts.props.retry_limit = 0
    posts.connect("request", lambda resource, message:
                  message.get_request_headers().replace("Authorization", "Bearer py"))

    results = []
    for _ in range(3):
        posts.fetch_async(Cacheit.FetchFlags.NONE, None,
                          lambda resource, result: results.append(resource.fetch_finish(result)))
    wait_until(lambda: len(results) == 3, "three fetches")
    eq(results, [True, True, True], "results")
    eq(posts.get_n_items(), 3, "n-items")
    eq(server.get_request_count("/posts"), 1, "requests for three fetches")
    eq(server.get_last_request_header("/posts", "Authorization"), "Bearer py", "Authorization")

    server.fail_next(1, 500)
    try:
        posts.fetch(Cacheit.FetchFlags.RELOAD, None)
    except GLib.Error as e:
        eq(e.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), True, "error")
    else:
        raise TestFailure("a failed reload did not raise")
    eq(posts.get_n_items(), 3, "n-items after a failure")
    eq(posts.get_by_id("7").get_string("title"), "Seven", "title of 7 after a failure")

    server.drop_next(1)
    try:
        posts.fetch(Cacheit.FetchFlags.RELOAD, None)
    except GLib.Error as e:
        eq(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.PARTIAL_INPUT), True, "error")
    else:
        raise TestFailure("a dropped reload did not raise")
    eq(posts.get_n_items(), 3, "n-items after a drop")

    check(posts.fetch(Cacheit.FetchFlags.RELOAD, None), "reload")
    eq(posts.props.status, 304, "status of the reload")
    eq(server.get_not_modified_count("/posts"), 1, "304s")
    eq(server.get_request_count("/posts"), 4, "requests")
    eq(server.get_request_count(None), 4, "requests, all told")
    server.reset_counts()
    eq(server.get_request_count(None), 0, "requests after reset_counts")


@test("latency: the server waits in its thread, the main loop runs meanwhile")
def test_latency(fixture):
    server = fixture.server
    server.props.latency = 200
    profile = Cacheit.Model.new(server.url_for("/profile"))
    profile.props.session = fixture.session
    ticks = []
    tick = GLib.timeout_add(10, lambda: ticks.append(1) or GLib.SOURCE_CONTINUE)
    done = []
    start = GLib.get_monotonic_time()
    profile.fetch_async(Cacheit.FetchFlags.NONE, None,
                        lambda resource, result: done.append(resource.fetch_finish(result)))
    wait_until(lambda: done, "the fetch")
    GLib.source_remove(tick)
    check(GLib.get_monotonic_time() - start >= 200 * 1000, "the answer waited")
    check(len(ticks) > 1, "the main loop ran meanwhile")
    eq(profile.get_string("name"), "Ada Lovelace", "name")


def main():
    print("1..%d" % len(tests))
    failures = 0
    for number, (name, fn) in enumerate(tests, 1):
        fixture = Fixture()
        try:
            fn(fixture)
        except Exception:
            failures += 1
            print("not ok %d - %s" % (number, name))
            for line in traceback.format_exc().splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s" % (number, name))
        finally:
            fixture.close()
        sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
