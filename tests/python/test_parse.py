#!/usr/bin/python3
# What a Python application hooks into: the request signal, do_parse and
# root-pointer.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from cacheit_testlib import CACHEIT_DOMAIN, Callbacks, check, eq, expect_error, main, test
from gi.repository import Cacheit, GLib, Json, Soup

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD


def header(headers, name):
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


@test("request signal: a handler adds an Authorization header that the server receives")
def test_request_signal_authorization(server):
    path = "/auth"
    server.route(path, json={"me": "ok"})
    model = Cacheit.Model(url=server.url(path))
    messages = []

    def on_request(resource, message):
        check(isinstance(message, Soup.Message), "request got %r" % (message,))
        messages.append(message.get_uri().to_string())
        message.get_request_headers().replace("Authorization", "Bearer s3cr3t")

    model.connect("request", on_request)
    check(model.fetch(NONE, None), "fetch")
    eq(messages, [server.url(path)], "request emissions")
    eq(header(server.stats(path)["last_headers"], "Authorization"), "Bearer s3cr3t",
       "Authorization header at the server")
    eq(header(server.events_of("request", path)[0]["headers"], "Accept"), "application/json",
       "Accept header at the server")

    check(model.fetch(NONE, None), "cached fetch")
    eq(len(messages), 1, "request emissions after a cached fetch")
    check(model.fetch(RELOAD, None), "reload")
    eq(len(messages), 2, "request emissions after a reload")
    eq(server.count(path), 2, "requests")


class Envelope(Cacheit.Model):
    """Unwraps {"status": "ok", "data": {...}}; other modes fail in ways."""

    __gtype_name__ = "CacheitPyTestEnvelope"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.mode = "unwrap"
        self.calls = []

    def do_parse(self, response):
        self.calls.append(response.get_node_type())
        if self.mode == "unwrap":
            return response.get_object().get_member("data")
        if self.mode == "glib-error":
            raise GLib.Error.new_literal(Cacheit.error_quark(), "status is not ok",
                                         Cacheit.Error.WRONG_SHAPE)
        if self.mode == "python-error":
            raise ValueError("a bug in do_parse")
        if self.mode == "none":
            return None
        if self.mode == "array":
            node = Json.Node.new(Json.NodeType.ARRAY)
            node.set_array(Json.Array.new())
            return node
        raise AssertionError("mode %r" % self.mode)


@test("do_parse: a Python override unwraps an envelope and returns a Json.Node")
def test_do_parse_unwrap(server):
    path = "/parse"
    server.route(path, json={"status": "ok", "data": {"name": "Ada", "age": 36}})
    model = Envelope(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    eq(model.calls, [Json.NodeType.OBJECT], "do_parse calls")
    eq(model.get_string("name"), "Ada", "name")
    eq(model.get_int("age"), 36, "age")
    check(not model.has("status"), "the envelope's members leaked into the attributes")
    check(model.fetch(NONE, None), "cached fetch")
    eq(len(model.calls), 1, "do_parse calls after a cached fetch")


def parse_failure(server, path, mode, code):
    server.route(path, json={"status": "ok", "data": {"name": "Ada"}})
    model = Envelope(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    errors = []
    model.connect("error", lambda m, e: errors.append(e))
    model.mode = mode
    server.route(path, json={"status": "ok", "data": {"name": "Bob"}})
    error = expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, code, "fetch in mode " + mode)
    eq(len(model.calls), 2, "do_parse calls")
    eq(len(errors), 1, "error emissions")
    check(model.props.last_error is not None, "last-error")
    eq(model.get_string("name"), "Ada", "name after the failure")
    return error


@test("do_parse: raising GLib.Error fails the fetch with that error, data kept")
def test_do_parse_raises_glib_error(server):
    error = parse_failure(server, "/parse-gerror", "glib-error", Cacheit.Error.WRONG_SHAPE)
    check("status is not ok" in error.message, "the message lost do_parse's: %s" % error.message)


@test("do_parse: raising another exception, or returning None, fails the fetch, data kept")
def test_do_parse_raises_or_returns_none(server):
    parse_failure(server, "/parse-exc", "python-error", Cacheit.Error.WRONG_SHAPE)
    parse_failure(server, "/parse-none", "none", Cacheit.Error.WRONG_SHAPE)


@test("do_parse: returning an array for a model is CACHEIT_ERROR_WRONG_SHAPE")
def test_do_parse_wrong_shape(server):
    parse_failure(server, "/parse-array", "array", Cacheit.Error.WRONG_SHAPE)


@test("do_parse: with root-pointer set, do_parse receives the value it points to")
def test_do_parse_with_root_pointer(server):
    path = "/parse-pointer"
    server.route(path, json={"outer": {"status": "ok", "data": {"name": "Ada"}}})
    model = Envelope(url=server.url(path), root_pointer="/outer")
    check(model.fetch(NONE, None), "fetch")
    eq(model.get_string("name"), "Ada", "name")


@test("root-pointer: /data/user picks the model out of an envelope")
def test_root_pointer(server):
    path = "/pointer"
    server.route(path, json={"data": {"user": {"name": "Ada", "id": 7}, "other": [1]}, "meta": {}})
    model = Cacheit.Model(url=server.url(path))
    model.props.root_pointer = "/data/user"
    eq(model.get_root_pointer(), "/data/user", "get_root_pointer")
    check(model.fetch(NONE, None), "fetch")
    eq(model.get_string("name"), "Ada", "name")
    eq(model.get_int("id"), 7, "id")
    eq(sorted(model.get_attributes().get_members()), ["id", "name"], "members")


@test("root-pointer: ~1 and ~0 escape / and ~ (RFC 6901), array indices work")
def test_root_pointer_escapes(server):
    path = "/pointer-escapes"
    server.route(path, json={"a/b": {"m~n": {"name": "escaped"}},
                             "list": [{"name": "zero"}, {"name": "one"}],
                             "m~n": {"name": "wrong"}, "a": {"b": {"name": "wrong"}}})
    model = Cacheit.Model(url=server.url(path), root_pointer="/a~1b/m~0n")
    check(model.fetch(NONE, None), "fetch")
    eq(model.get_string("name"), "escaped", "name")
    model.set_root_pointer("/list/1")
    check(model.fetch(RELOAD, None), "fetch")
    eq(model.get_string("name"), "one", "name at /list/1")


@test("root-pointer: a pointer to nothing, or to an array, is CACHEIT_ERROR_WRONG_SHAPE")
def test_root_pointer_missing(server):
    path = "/pointer-missing"
    server.route(path, json={"data": {"user": {"name": "Ada"}, "list": [1, 2]}})
    model = Cacheit.Model(url=server.url(path), root_pointer="/data/user")
    check(model.fetch(NONE, None), "fetch")
    model.props.root_pointer = "/data/nobody"
    expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.WRONG_SHAPE,
                 "fetch of a missing member")
    model.props.root_pointer = "/data/list"
    expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.WRONG_SHAPE,
                 "fetch of an array")
    eq(model.get_string("name"), "Ada", "name after the failures")


@test("fetch_async from Python with user_data, and a Model subclass with no properties")
def test_fetch_async_user_data(server):
    path = "/user-data"
    server.route(path, json={"x": 1})

    class Plain(Cacheit.Model):
        __gtype_name__ = "CacheitPyTestPlain"

    model = Plain(url=server.url(path))
    got = []
    model.fetch_async(NONE, None, lambda s, r, data: got.append((s, data, s.fetch_finish(r))), "token")
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("b"))
    calls.wait("b")
    eq(len(got), 1, "completions with user_data")
    check(got[0][0] is model, "the source object is not the model")
    eq(got[0][1:], ("token", True), "user_data and result")


if __name__ == "__main__":
    main()
