#!/usr/bin/python3
# A client from Python: paths against its base URI, one object per type and
# URL while held and for gc-time after, the defaults its resources follow,
# default headers, invalidation by path and clearing, against a real HTTP
# server process.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import os
import shutil
import tempfile

from cacheit_testlib import CACHEIT_DOMAIN, Callbacks, check, eq, expect_error, main, test, wait_until
from gi.repository import Cacheit, GLib, GObject

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD


class User(Cacheit.Model):
    __gtype_name__ = "CacheitPyTestClientUser"

    name = GObject.Property(type=str)


def make_client(server, **props):
    client = Cacheit.Client(base_uri=server.url("/api/"), **props)
    directory = tempfile.mkdtemp(prefix="cacheit-py-client-")
    client.props.snapshot_directory = directory
    return client, directory


def last_headers(server, path):
    return server.events_of("request", path)[-1]["headers"]


@test("a client: paths resolve against base-uri; one object per type and URL; typed subclasses")
def test_one_object(server):
    server.route("/api/users/me", json={"id": 1, "name": "Ada"})
    client, directory = make_client(server)
    try:
        eq(client.resolve("users/me"), server.url("/api/users/me"), "resolved path")
        me = client.get_model("users/me", User)
        check(isinstance(me, User), "get_model gives the subclass asked for")
        check(client.get_model("users/me", User) is me, "the same path and type: the same object")
        check(client.get_model("users/me", Cacheit.Model) is not me, "another type: another object")
        check(me.fetch(NONE, None), "fetch")
        eq(me.props.name, "Ada", "typed property")
        posts = client.get_collection("posts", User)
        check(client.get_collection("posts", User) is posts, "the same collection")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("one object for a detail view and a list row: a model made first becomes the item, "
      "showing the list's data, notified once")
def test_detail_and_row(server):
    server.route("/api/users/7", json={"id": 7, "name": "Ada"})
    server.route("/api/users", json=[{"id": 7, "name": "Ada L."}, {"id": 8, "name": "Bo"}])
    client, directory = make_client(server)
    try:
        detail = client.get_model("users/7", User)
        check(detail.fetch(NONE, None), "fetch the detail")
        names = []
        detail.connect("notify::name", lambda model, pspec: names.append(model.props.name))
        users = client.get_collection("users", User)
        check(users.fetch(NONE, None), "fetch the list")
        check(users.get_item(0) is detail, "the row is the detail view's model")
        eq(names, ["Ada L."], "the list's data, notified once")
        check(client.get_model("users/8", User) is users.get_item(1), "asked for after: the row")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("settings: resources follow the client's unless given their own; default headers and "
      "the User-Agent go with every request")
def test_settings_and_headers(server):
    server.route("/api/posts", json=[{"id": 1, "name": "x"}])
    server.route("/api/posts/1", json={"id": 1, "name": "x"})
    client, directory = make_client(server, max_age=30)
    try:
        client.set_default_header("Authorization", "Bearer abc")
        eq(client.dup_default_header("Authorization"), "Bearer abc", "default header")
        posts = client.get_collection("posts", User)
        eq(posts.props.max_age, 30, "max-age from the client")
        check(posts.fetch(NONE, None), "fetch the list")
        item = posts.get_item(0)
        eq(item.props.max_age, 30, "an item follows through its collection")
        check(item.fetch(NONE, None), "fetch the item")
        for path in ("/api/posts", "/api/posts/1"):
            headers = {k.lower(): v for k, v in last_headers(server, path).items()}
            eq(headers.get("authorization"), "Bearer abc", "Authorization of " + path)
            check("cacheit-glib/" in headers.get("user-agent", ""), "User-Agent of " + path)
        client.props.max_age = 5
        eq(item.props.max_age, 5, "a change of the client's goes down")
        posts.props.max_age = 60
        eq(item.props.max_age, 60, "the collection's own value wins")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("gc-time: a resource nothing else holds goes after gc-time; asked again before, the same")
def test_gc(server):
    server.route("/api/a", json={"id": 1})
    client, directory = make_client(server, gc_time=100)
    try:
        a = client.get_model("a", Cacheit.Model)
        check(a.fetch(NONE, None), "fetch")
        del a
        gc.collect()
        again = client.get_model("a", Cacheit.Model)
        check(again.props.fetched, "kept: the same object, with its data")
        check(again.fetch(NONE, None), "fetch again")
        eq(server.count("/api/a"), 1, "requests: the data was still in hand")
        del again
        gc.collect()
        wait_until(lambda: client.get_n_resources() == 0, "the resource to go")
        fresh = client.get_model("a", Cacheit.Model)
        check(not fresh.props.fetched, "after gc-time: a new object, with no data")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("invalidate() marks stale what is at a path or under it; clear_async() removes every "
      "snapshot of the client's directory")
def test_invalidate_and_clear(server):
    server.route("/api/posts", json=[{"id": 1}])
    server.route("/api/posts/1", json={"id": 1})
    server.route("/api/postscript", json={"id": 2})
    client, directory = make_client(server)
    try:
        posts = client.get_collection("posts", Cacheit.Model)
        post = client.get_model("posts/1", Cacheit.Model)
        other = client.get_model("postscript", Cacheit.Model)
        for resource in (posts, post, other):
            check(resource.fetch(NONE, None), "fetch")
        eq(client.invalidate("posts"), 2, "resources marked stale")
        check(posts.props.stale and post.props.stale, "posts and posts/1 are stale")
        check(not other.props.stale, "postscript is not")

        wait_until(lambda: len(os.listdir(directory)) >= 3, "the snapshots")
        calls = Callbacks()
        client.clear_async(None, calls.make("clear"))
        calls.wait("clear")
        check(client.clear_finish(calls.result("clear")), "clear_finish")
        eq(os.listdir(directory), [], "files left in the snapshot directory")
        eq(client.get_n_resources(), 0, "resources the client has")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("error bodies: the server's message in the GLib.Error, the body in last-error-body, "
      "error-message-pointer from the client")
def test_error_bodies(server):
    server.route("/api/issues", json={"message": "Validation Failed",
                                      "errors": [{"field": "title", "code": "missing_field"}]},
                 status=422)
    server.route("/api/fastapi", json={"detail": [{"msg": "field required"}]}, status=422)
    client, directory = make_client(server, retry_limit=0)
    try:
        issues = client.get_collection("issues", Cacheit.Model)
        try:
            issues.fetch(NONE, None)
            raise AssertionError("the fetch of a 422 succeeded")
        except GLib.Error as e:
            check(e.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), "HTTP_STATUS")
            check(e.message.endswith(": Validation Failed"), "message: %s" % e.message)
        body = issues.props.last_error_body
        check(body is not None, "last-error-body")
        errors = body.get_object().get_array_member("errors")
        eq(errors.get_object_element(0).get_string_member("field"), "title", "errors[0].field")

        client.props.error_message_pointer = "/detail/0/msg"
        fastapi = client.get_model("fastapi", Cacheit.Model)
        try:
            fastapi.fetch(NONE, None)
            raise AssertionError("the fetch of a 422 succeeded")
        except GLib.Error as e:
            check(e.message.endswith(": field required"), "message: %s" % e.message)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@test("tokens from Python: ::authenticate gives one, answered later; when the server expires it, "
      "one refresh for both requests refused, each sent again; a failed refresh fails them with "
      "UNAUTHORIZED and emits ::unauthorized")
def test_tokens(server):
    server.route("/api/me", json={"id": 1, "name": "Ada"}, bearer="one")
    server.route("/api/posts", json={"id": 2, "name": "x"}, bearer="one")
    client, directory = make_client(server, retry_limit=0)
    asked = []
    pending = []
    unauthorized = []

    def authenticate(client, request):
        asked.append(request.props.refresh)
        pending.append(request)    # answered later, from the main loop
        return True

    client.connect("authenticate", authenticate)
    client.connect("unauthorized", lambda client, error: unauthorized.append(error))
    try:
        me = client.get_model("me", Cacheit.Model)
        posts = client.get_model("posts", Cacheit.Model)
        calls = Callbacks()
        me.fetch_async(NONE, None, calls.make("me"))
        posts.fetch_async(NONE, None, calls.make("posts"))
        wait_until(lambda: pending, "the question")
        GLib.idle_add(lambda: pending.pop().return_token("one") and False)
        calls.wait("me", "posts")
        check(me.fetch_finish(calls.result("me")) and posts.fetch_finish(calls.result("posts")), "fetched")
        eq(asked, [False], "one question for both")
        eq(last_headers(server, "/api/me").get("Authorization"), "Bearer one", "the bearer token")

        # The server expires the token.
        server.route("/api/me", json={"id": 1, "name": "Grace"}, bearer="two")
        server.route("/api/posts", json={"id": 2, "name": "y"}, bearer="two")
        calls = Callbacks()
        me.fetch_async(RELOAD, None, calls.make("me"))
        posts.fetch_async(RELOAD, None, calls.make("posts"))
        wait_until(lambda: pending, "the refresh")
        pending.pop().return_token("two")
        calls.wait("me", "posts")
        check(me.fetch_finish(calls.result("me")), "fetched with the new token")
        eq(me.get_string("name"), "Grace", "the new data")
        eq(asked, [False, True], "one refresh for both")

        # A refresh that fails.
        server.route("/api/me", json={"id": 1}, bearer="three")
        calls = Callbacks()
        me.fetch_async(RELOAD, None, calls.make("me"))
        wait_until(lambda: pending, "the second refresh")
        pending.pop().fail("The session has ended")
        calls.wait("me")
        error = expect_error(lambda: me.fetch_finish(calls.result("me")), CACHEIT_DOMAIN,
                             Cacheit.Error.UNAUTHORIZED, "fetch after a failed refresh")
        check("The session has ended" in error.message, "the application's message: " + error.message)
        wait_until(lambda: unauthorized, "::unauthorized")
        eq(me.get_string("name"), "Grace", "the data in hand stays")
    finally:
        del pending[:]
        shutil.rmtree(directory, ignore_errors=True)


@test("rate limits from Python: a 429 with Retry-After sets rate-limited, the request goes again "
      "when it ends, and rate-limited goes back to False")
def test_rate_limit(server):
    server.route("/api/busy", json={"id": 1}, statuses=[429, 200], headers={"Retry-After": "1"})
    client, directory = make_client(server, retry_limit=0)
    states = []
    client.connect("notify::rate-limited", lambda client, pspec: states.append(client.props.rate_limited))
    try:
        busy = client.get_model("busy", Cacheit.Model)
        check(busy.fetch(NONE, None), "fetched after the pause")
        eq(server.stats("/api/busy")["statuses"], [429, 200], "answered")
        wait_until(lambda: not client.props.rate_limited, "the end of the limit")
        eq(states, [True, False], "rate-limited while paused")
        check(client.props.rate_limited_until is None, "no limit in force")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
