#!/usr/bin/python3
# The fetch contract (R1–R7 of DESIGN.md) through the typelib, against a real
# HTTP server process.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shutil
import tempfile

from cacheit_testlib import (CACHEIT_DOMAIN, IO_DOMAIN, Callbacks, check, drain, eq,
                             expect_error, main, test, wait_until)
from gi.repository import Cacheit, Gio, GLib

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD
CACHE_ONLY = Cacheit.FetchFlags.CACHE_ONLY


def finish(model, result):
    """fetch_finish(), as a value: True, or the GLib.Error it raised."""
    try:
        return model.fetch_finish(result)
    except GLib.Error as e:
        return e


def record_signals(model, log):
    model.connect("request", lambda m, msg: log.append("request"))
    model.connect("sync", lambda m: log.append("sync"))
    model.connect("error", lambda m, e: log.append("error"))


@test("R1 coalescing: two fetch_async in flight make one request and share one result")
def test_r1_coalescing(server):
    path = "/r1"
    server.route(path, json={"v": 1}, hold=True)
    model = Cacheit.Model(url=server.url(path))
    log = []
    record_signals(model, log)
    calls = Callbacks()
    model.connect("sync", lambda m: log.append("completions at sync: %d" % len(calls.done)))

    model.fetch_async(NONE, None, calls.make("a"))
    server.wait_event("held", path)
    check(model.props.fetching, "fetching is FALSE while the request is in flight")
    model.fetch_async(NONE, None, calls.make("b"))
    eq(server.release(path), [server.events_of("held", path)[0]["id"]], "released requests")
    calls.wait("a", "b")

    eq(server.count(path), 1, "requests made")
    eq(log, ["request", "sync", "completions at sync: 0"], "signals")
    a, b = calls.result("a"), calls.result("b")
    check(a is b, "the two callers got different GAsyncResults: %r and %r" % (a, b))
    for _ in range(2):
        eq(finish(model, a), True, "fetch_finish of a")
        eq(finish(model, b), True, "fetch_finish of b")
    eq(model.get_int("v"), 1, "attribute v")
    check(model.props.fetched, "fetched is FALSE")
    check(not model.props.fetching, "fetching is TRUE after completion")


@test("R2 same result: every caller of a failing fetch gets the same result and error")
def test_r2_failure_shared(server):
    path = "/r2"
    server.route(path, status=500, body="broken", hold=True)
    model = Cacheit.Model(url=server.url(path))
    calls = Callbacks()
    for tag in ("a", "b", "c"):
        model.fetch_async(NONE, None, calls.make(tag))
        if tag == "a":
            server.wait_event("held", path)
    server.release(path)
    calls.wait("a", "b", "c")
    eq(server.count(path), 1, "requests made")
    results = [calls.result(t) for t in ("a", "b", "c")]
    check(results[0] is results[1] is results[2], "callers got different results")
    for _ in range(2):
        for r in results:
            expect_error(lambda: model.fetch_finish(r), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS,
                         "fetch_finish")


@test("R3 cached: a fetch after success makes no request and completes later with the same result")
def test_r3_cached(server):
    path = "/r3"
    server.route(path, json={"name": "cached"})
    model = Cacheit.Model(url=server.url(path))
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("first"))
    calls.wait("first")
    eq(finish(model, calls.result("first")), True, "first fetch")
    eq(server.count(path), 1, "requests after the first fetch")

    log = []
    record_signals(model, log)
    notified = []
    model.connect("notify", lambda m, pspec: notified.append(pspec.name))
    for tag in ("second", "third"):
        model.fetch_async(NONE, None, calls.make(tag))
        check(not calls.has(tag), "the cached fetch completed inside fetch_async")
        check(not model.props.fetching, "a cached fetch set fetching")
        calls.wait(tag)
        check(calls.result(tag) is calls.result("first"),
              "the cached fetch completed with another result")
        eq(finish(model, calls.result(tag)), True, "cached fetch_finish")

    eq(server.count(path), 1, "requests after the cached fetches")
    eq(log, [], "signals of cached fetches")
    eq(notified, [], "notifications of cached fetches")
    eq(model.get_string("name"), "cached", "attribute name")


@test("R3 cached: a cached fetch started from a fetch callback still completes on a later iteration")
def test_r3_cached_from_callback(server):
    path = "/r3-nested"
    server.route(path, json={"n": 1})
    model = Cacheit.Model(url=server.url(path))
    check(model.fetch(NONE, None), "blocking fetch")
    order = []

    def outer(source, result):
        order.append("outer start")
        model.fetch_async(NONE, None, lambda s, r: order.append("inner"))
        order.append("outer end")

    model.fetch_async(NONE, None, outer)
    wait_until(lambda: "inner" in order, "the inner completion")
    eq(order, ["outer start", "outer end", "inner"], "order")
    eq(server.count(path), 1, "requests")


@test("R4 reload: RELOAD supersedes a held request; its response is never applied; callers carried over")
def test_r4_reload_flag(server):
    path = "/r4"
    server.route(path, json={"v": "old"}, hold=True)
    model = Cacheit.Model(url=server.url(path))
    changes = []
    model.connect("changed::v", lambda m, name: changes.append(m.get_string("v")))
    log = []
    record_signals(model, log)
    calls = Callbacks()

    model.fetch_async(NONE, None, calls.make("old caller"))
    old_id = server.wait_event("held", path)["id"]
    server.route(path, json={"v": "new"})
    model.fetch_async(RELOAD, None, calls.make("new caller"))
    calls.wait("old caller", "new caller")

    eq(server.count(path), 2, "requests made")
    eq(model.get_string("v"), "new", "attribute v after the reload")
    eq(finish(model, calls.result("old caller")), True, "fetch_finish of the carried-over caller")
    eq(finish(model, calls.result("new caller")), True, "fetch_finish of the reloading caller")
    check(calls.result("old caller") is calls.result("new caller"),
          "the carried-over caller completed with another result")

    # Let the superseded request answer (or see that it was aborted), then make
    # sure its "old" data never shows up.
    server.release(path)
    server.wait_finished(old_id)
    model.fetch_async(NONE, None, calls.make("after"))
    calls.wait("after")
    drain()
    eq(model.get_string("v"), "new", "attribute v after the old response arrived")
    eq(changes, ["new"], "changed::v emissions")
    eq(log, ["request", "request", "sync"], "signals")
    eq(server.count(path), 2, "requests made in all")


@test("R4 reload: the reload property makes every fetch a request, and supersedes one in flight")
def test_r4_reload_property(server):
    path = "/r4-property"
    server.route(path, json={"n": 1})
    model = Cacheit.Model(url=server.url(path), reload=True)
    check(model.props.reload, "reload property")
    check(model.fetch(NONE, None), "first fetch")
    server.route(path, json={"n": 2})
    check(model.fetch(NONE, None), "second fetch")
    eq(server.count(path), 2, "requests after two fetches with reload set")
    eq(model.get_int("n"), 2, "attribute n")

    server.route(path, json={"n": 3}, hold=True)
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("a"))
    old_id = server.wait_event("held", path)["id"]
    server.route(path, json={"n": 4})
    model.fetch_async(NONE, None, calls.make("b"))
    calls.wait("a", "b")
    eq(server.count(path), 4, "requests")
    eq(model.get_int("n"), 4, "attribute n after the superseding fetch")
    server.release(path)
    server.wait_finished(old_id)
    model.props.reload = False
    model.fetch_async(NONE, None, calls.make("cached"))
    calls.wait("cached")
    drain()
    eq(model.get_int("n"), 4, "attribute n after the superseded response")
    eq(server.count(path), 4, "requests after unsetting reload")


def failing_fetch(server, path, set_failure, code, domain=CACHEIT_DOMAIN):
    """A model that fetched {"name": "a", "n": 1}, then fails a reload as
    set_failure(model) makes the server answer. Checks R5 and returns
    (model, error)."""
    server.route(path, json={"name": "a", "n": 1})
    model = Cacheit.Model(url=server.url(path))
    check(model.fetch(NONE, None), "first fetch")

    set_failure(model)
    log = []
    errors = []
    record_signals(model, log)
    model.connect("error", lambda m, e: errors.append(e))
    changed = []
    model.connect("changed", lambda m, name: changed.append(name))
    calls = Callbacks()
    model.connect("error", lambda m, e: log.append("completions at error: %d" % len(calls.done)))
    model.fetch_async(RELOAD, None, calls.make("a"))
    calls.wait("a")

    error = expect_error(lambda: model.fetch_finish(calls.result("a")), domain, code, "fetch_finish")
    expect_error(lambda: model.fetch_finish(calls.result("a")), domain, code, "fetch_finish again")
    eq(log, ["request", "error", "completions at error: 0"], "signals")
    eq(len(errors), 1, "error emissions")
    check(errors[0].domain == error.domain and errors[0].code == error.code,
          "the error signal had another error: %s" % errors[0])
    last = model.props.last_error
    check(last is not None, "last-error is unset after a failure")
    check(last.domain == error.domain and last.code == error.code and last.message == error.message,
          "last-error differs from the error: %s" % last)
    last = model.get_last_error()
    check(last is not None and last.code == error.code, "get_last_error")

    # The data of the last successful fetch stays exactly as it was.
    eq(model.get_string("name"), "a", "attribute name after the failure")
    eq(model.get_int("n"), 1, "attribute n after the failure")
    eq(sorted(model.get_attributes().get_members()), ["n", "name"], "attribute names")
    check(model.props.fetched, "fetched is FALSE after a failure")
    check(not model.props.fetching, "fetching is TRUE after a failure")
    eq(changed, [], "changed emissions")

    # A failure is not cached: the next fetch, without reload, makes a request.
    count = server.count(path)
    model.fetch_async(NONE, None, calls.make("b"))
    calls.wait("b")
    eq(server.count(path), count + 1, "requests after a fetch following a failure")
    expect_error(lambda: model.fetch_finish(calls.result("b")), domain, code, "fetch after failure")
    return model, error


@test("R5 failure: HTTP 404 is CACHEIT_ERROR_HTTP_STATUS, status 404, last-error, error signal, data kept")
def test_r5_http_404(server):
    path = "/r5-404"
    model, error = failing_fetch(server, path, lambda m: server.route(path, status=404, body="no"),
                                 Cacheit.Error.HTTP_STATUS)
    check(error.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), "GLib.Error.matches")
    eq(model.props.status, 404, "status property")
    eq(model.get_status(), 404, "get_status")
    check(server.url(path) in error.message, "the message does not name the URL: %s" % error.message)


@test("R5 failure: HTTP 500, then a success clears last-error and applies the new data")
def test_r5_http_500_then_success(server):
    path = "/r5-500"
    model, error = failing_fetch(server, path, lambda m: server.route(path, status=500, body="{}"),
                                 Cacheit.Error.HTTP_STATUS)
    eq(model.props.status, 500, "status property")
    server.route(path, json={"name": "b", "n": 2})
    notified = []
    model.connect("notify::last-error", lambda m, p: notified.append(p.name))
    check(model.fetch(NONE, None), "fetch after the server recovered")
    eq(model.props.status, 200, "status property after success")
    check(model.props.last_error is None, "last-error is still set after a success")
    eq(notified, ["last-error"], "notify::last-error")
    eq(model.get_string("name"), "b", "attribute name")


@test("R5 failure: invalid JSON (and an empty body) is CACHEIT_ERROR_INVALID_JSON, data kept")
def test_r5_invalid_json(server):
    path = "/r5-invalid"
    failing_fetch(server, path, lambda m: server.route(path, body='{"name": "b",'),
                  Cacheit.Error.INVALID_JSON)
    path = "/r5-empty"
    failing_fetch(server, path, lambda m: server.route(path, body=""), Cacheit.Error.INVALID_JSON)


@test("R5 failure: an array for a model is CACHEIT_ERROR_WRONG_SHAPE, data kept")
def test_r5_wrong_shape(server):
    path = "/r5-shape"
    failing_fetch(server, path, lambda m: server.route(path, json=[{"name": "b"}]),
                  Cacheit.Error.WRONG_SHAPE)
    path = "/r5-scalar"
    failing_fetch(server, path, lambda m: server.route(path, json="name"), Cacheit.Error.WRONG_SHAPE)


@test("R5 failure: a connection dropped mid-body passes a G_IO_ERROR through, data kept")
def test_r5_dropped(server):
    path = "/r5-drop"

    def drop(model):
        # A connection closed mid-body (partial input) is a transient failure,
        # which a resource retries (retry-limit, 3 by default): this test is
        # about one failed request, as R5 reports it, so it turns retries off.
        # test_freshness.py tests the retries.
        model.props.retry_limit = 0
        server.route(path, json={"name": "b" * 20000}, drop=True)

    failing_fetch(server, path, drop, None, domain=IO_DOMAIN)
    # The server reports a drop after closing the connection, so the client
    # can see the failure before the event is read: wait for it.
    server.wait_event("dropped", path, n=2)
    eq(len(server.events_of("dropped", path)), 2, "dropped connections")


@test("R5 failure: a resource without a URL fails with CACHEIT_ERROR_NO_URL, not inside fetch_async")
def test_r5_no_url(server):
    model = Cacheit.Model()
    calls = Callbacks()
    errors = []
    model.connect("error", lambda m, e: errors.append(e))
    model.fetch_async(NONE, None, calls.make("a"))
    check(not calls.has("a"), "completed inside fetch_async")
    calls.wait("a")
    expect_error(lambda: model.fetch_finish(calls.result("a")), CACHEIT_DOMAIN, Cacheit.Error.NO_URL)
    eq(len(errors), 1, "error emissions")


@test("R12 limits: a body over max-size, or JSON nested too deep, fails as R5 says")
def test_r12_limits(server):
    default = Cacheit.Model().props.max_size
    check(default >= 1024 * 1024, "default max-size is not sane: %d" % default)

    def too_large(model):
        eq(model.props.max_size, default, "max-size of a new model")
        model.props.max_size = 1024
        server.route(path, json={"name": "b", "pad": "x" * 4096})

    path = "/r12-large"
    failing_fetch(server, path, too_large, Cacheit.Error.TOO_LARGE)

    def too_large_chunked(model):
        model.props.max_size = 1024
        server.route(path, json={"name": "b", "pad": "x" * 4096}, chunked=True)

    path = "/r12-large-chunked"
    failing_fetch(server, path, too_large_chunked, Cacheit.Error.TOO_LARGE)

    path = "/r12-deep"
    depth = Cacheit.MAX_DEPTH + 10
    deep = '{"name": "b", "deep": ' + "[" * depth + "]" * depth + "}"
    failing_fetch(server, path, lambda m: server.route(path, body=deep), Cacheit.Error.TOO_DEEP)


@test("R12 limits: max-size is inclusive, with and without Content-Length")
def test_r12_max_size_boundary(server):
    body = '{"name": "%s"}' % ("x" * 1000)
    for chunked in (False, True):
        path = "/r12-boundary-%s" % ("chunked" if chunked else "length")
        server.route(path, body=body, chunked=chunked)
        model = Cacheit.Model(url=server.url(path), max_size=len(body))
        check(model.fetch(NONE, None), "fetch of a body of exactly max-size (chunked: %s)" % chunked)
        eq(len(model.get_string("name")), 1000, "name")
        model.props.max_size = len(body) - 1
        expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.TOO_LARGE,
                     "fetch of a body one byte over max-size (chunked: %s)" % chunked)
        eq(len(model.get_string("name")), 1000, "name after the failure")


@test("chunked bodies of sizes around powers of two are read whole (no 1-byte reads into libsoup)")
def test_chunked_sizes(server):
    # The reader grows its buffer by doubling from 16 KiB: a body that leaves
    # one byte of room when libsoup reaches the end of the chunks once made a
    # 1-byte read, on which libsoup's chunked decoder fails an assertion.
    for size in (16, 4095, 4096, 16383, 16384, 16385, 32767, 65535, 65537):
        path = "/chunked-%d" % size
        text = "c" * (size - len('{"s": ""}'))
        body = '{"s": "%s"}' % text
        eq(len(body), size, "body size")
        server.route(path, body=body, chunked=True)
        model = Cacheit.Model(url=server.url(path))
        check(model.fetch(NONE, None), "fetch of a %d-byte chunked body" % size)
        eq(len(model.get_string("s")), len(text), "length of s in a %d-byte body" % size)


@test("R12 limits: max-size counts the decoded bytes of a gzip body")
def test_r12_max_size_gzip(server):
    path = "/r12-gzip"
    body = '{"name": "%s"}' % ("z" * 100000)
    server.route(path, body=body, gzip=True)
    model = Cacheit.Model(url=server.url(path))
    check(model.fetch(NONE, None), "fetch of a gzip body")
    eq(model.get_string("name"), "z" * 100000, "name from a gzip body")
    eq(header(server.events_of("request", path)[0]["headers"], "Accept-Encoding") is not None, True,
       "Accept-Encoding sent")
    # The compressed body is far smaller than the limit; the decoded one is not.
    model.props.max_size = 10000
    expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.TOO_LARGE,
                 "fetch of a gzip body that inflates over max-size")
    eq(len(model.get_string("name")), 100000, "name after the failure")


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


@test("errors: a URL's user info (a password) never appears in an error message")
def test_error_message_hides_credentials(server):
    path = "/secret"
    server.route(path, status=401, body="who are you")
    url = server.url(path).replace("http://", "http://alice:hunter2@")
    model = Cacheit.Model(url=url)
    e = expect_error(lambda: model.fetch(NONE, None), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS)
    check("hunter2" not in e.message, "the message shows the password: %s" % e.message)
    check("127.0.0.1" in e.message and path in e.message, "the message does not name the URL: %s" % e.message)
    eq(model.props.status, 401, "status")


@test("R6 cancellation: one of two callers cancels; it alone completes, cancelled; the other gets data")
def test_r6_cancel_one_caller(server):
    path = "/r6-one"
    server.route(path, json={"v": 1}, hold=True)
    model = Cacheit.Model(url=server.url(path))
    log = []
    record_signals(model, log)
    calls = Callbacks()
    cancellable = Gio.Cancellable()

    model.fetch_async(NONE, cancellable, calls.make("cancelled"))
    request_id = server.wait_event("held", path)["id"]
    model.fetch_async(NONE, None, calls.make("other"))
    cancellable.cancel()
    calls.wait("cancelled")

    # Promptly: the request is still held at the server.
    check(not calls.has("other"), "the other caller completed with the cancelled one")
    eq(server.stats(path)["held"], [request_id], "held requests")
    eq(server.events_of("aborted", path), [], "aborted requests")
    check(model.props.fetching, "fetching is FALSE while the other caller waits")
    e = expect_error(lambda: model.fetch_finish(calls.result("cancelled")), IO_DOMAIN,
                     Gio.IOErrorEnum.CANCELLED, "the cancelled caller")
    check(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), "GLib.Error.matches")

    server.release(path)
    calls.wait("other")
    eq(finish(model, calls.result("other")), True, "the other caller")
    check(calls.result("other") is not calls.result("cancelled"), "both callers got the same result")
    eq(model.get_int("v"), 1, "attribute v")
    eq(server.count(path), 1, "requests")
    eq(log, ["request", "sync"], "signals")
    check(model.props.last_error is None, "cancelling set last-error")


@test("R6 cancellation: cancelling the only caller aborts the request; the next fetch makes a new one")
def test_r6_cancel_only_caller(server):
    path = "/r6-only"
    server.route(path, json={"v": 1}, hold=True)
    model = Cacheit.Model(url=server.url(path))
    log = []
    record_signals(model, log)
    calls = Callbacks()
    cancellable = Gio.Cancellable()

    model.fetch_async(NONE, cancellable, calls.make("a"))
    request_id = server.wait_event("held", path)["id"]
    cancellable.cancel()
    calls.wait("a")
    expect_error(lambda: model.fetch_finish(calls.result("a")), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED)
    check(not model.props.fetching, "fetching is TRUE with no caller left")

    # The HTTP request is aborted: the server sees the connection go away.
    server.wait_event("aborted", path, request_id=request_id)
    eq(log, ["request"], "signals")
    check(model.props.last_error is None, "cancelling set last-error")
    check(not model.props.fetched, "fetched is TRUE")

    server.route(path, json={"v": 2})
    check(model.fetch(NONE, None), "fetch after the cancellation")
    eq(server.count(path), 2, "requests")
    eq(model.get_int("v"), 2, "attribute v")


@test("R6 cancellation: a blocking fetch() cancelled while its request is held raises CANCELLED")
def test_r6_blocking_cancelled(server):
    path = "/r6-blocking"
    server.route(path, json={"v": 1}, hold=True)
    model = Cacheit.Model(url=server.url(path))
    cancellable = Gio.Cancellable()

    # fetch() iterates the default context, where the server's events arrive:
    # cancel as soon as the server holds the request.
    def on_event(event):
        if event["event"] == "held" and event["path"] == path:
            cancellable.cancel()
            return True
        return False

    server.hooks.append(on_event)
    expect_error(lambda: model.fetch(NONE, cancellable), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED,
                 "blocking fetch")
    check(cancellable.is_cancelled(), "the hook did not run")
    server.wait_event("aborted", path)
    check(not model.props.fetching, "fetching")
    server.route(path, json={"v": 2})
    check(model.fetch(NONE, None), "fetch after the cancelled one")
    eq(model.get_int("v"), 2, "v")


@test("R6 cancellation: an already cancelled cancellable makes no request, completes later")
def test_r6_already_cancelled(server):
    path = "/r6-pre"
    server.route(path, json={"v": 1})
    model = Cacheit.Model(url=server.url(path))
    log = []
    record_signals(model, log)
    cancellable = Gio.Cancellable()
    cancellable.cancel()
    calls = Callbacks()
    model.fetch_async(NONE, cancellable, calls.make("a"))
    check(not calls.has("a"), "completed inside fetch_async")
    calls.wait("a")
    expect_error(lambda: model.fetch_finish(calls.result("a")), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED)
    eq(server.count(path), 0, "requests")
    eq(log, [], "signals")
    expect_error(lambda: model.fetch(NONE, cancellable), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED,
                 "blocking fetch with a cancelled cancellable")


@test("R13 a URL names its data: after the url changes, a fetch asks the new url; the old data is a placeholder meanwhile")
def test_r13_url_change(server):
    path = "/r13-url-a"
    server.route(path, json={"v": "a"})
    server.route("/r13-url-b", json={"v": "b"})
    model = Cacheit.Model(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    check(not model.props.placeholder, "placeholder before the change")
    notified = []
    model.connect("notify::placeholder", lambda m, p: notified.append(m.props.placeholder))
    model.props.url = server.url("/r13-url-b")
    check(model.props.placeholder, "placeholder after the change")
    check(not model.props.fetched, "fetched after the change")
    eq(model.get_string("v"), "a", "v shown meanwhile")
    check(model.fetch(NONE, None), "fetch after the url changed")
    eq(model.get_string("v"), "b", "v")
    eq(server.count("/r13-url-b"), 1, "requests to the new url")
    check(not model.props.placeholder, "placeholder once fetched")
    eq(notified, [True, False], "notify::placeholder")
    check(model.fetch(NONE, None), "cached fetch")
    eq(server.count("/r13-url-b"), 1, "requests to the new url after a cached fetch")

    cleared = Cacheit.Model(url=server.url(path), keep_previous_data=False)
    check(cleared.fetch(NONE, None), "fetch")
    changed = []
    cleared.connect("changed", lambda m, name: changed.append(name))
    cleared.props.url = server.url("/r13-url-b")
    eq(changed, ["v"], "changed on a clear")
    check(not cleared.has("v"), "cleared")
    check(not cleared.props.placeholder, "no placeholder when cleared")


@test("R7 main contexts: the callback runs in the caller's thread-default context, signals in the resource's")
def test_r7_contexts(server):
    path = "/r7"
    server.route(path, json={"v": 1})
    model = Cacheit.Model(url=server.url(path))
    synced = []
    model.connect("sync", lambda m: synced.append(True))
    calls = Callbacks()
    other = GLib.MainContext.new()
    other.push_thread_default()
    try:
        model.fetch_async(NONE, None, calls.make("a"))
    finally:
        other.pop_thread_default()

    wait_until(lambda: synced, "sync, in the default context")
    drain()
    check(not calls.has("a"), "the callback ran in the resource's context, not the caller's")
    calls.wait("a", context=other)
    eq(finish(model, calls.result("a")), True, "fetch_finish")


@test("blocking fetch(): works without a main loop, is cached, raises on failure")
def test_blocking_fetch(server):
    path = "/blocking"
    server.route(path, json={"title": "Dune", "pages": 412, "ratio": 0.5, "ok": True})
    model = Cacheit.Model.new(server.url(path))
    check(model.fetch(NONE, None) is True, "fetch returned something else than True")
    eq(model.get_string("title"), "Dune", "title")
    eq(model.get_int("pages"), 412, "pages")
    eq(model.get_double("ratio"), 0.5, "ratio")
    eq(model.get_boolean("ok"), True, "ok")
    check(model.props.fetched, "fetched")
    check(model.fetch(NONE, None), "cached blocking fetch")
    eq(server.count(path), 1, "requests after a cached blocking fetch")
    check(model.fetch(RELOAD, None), "reloading blocking fetch")
    eq(server.count(path), 2, "requests after a reloading blocking fetch")

    server.route(path, status=503, body="later")
    model.props.retry_limit = 0  # one 503 is the point here; retries: test_freshness.py
    expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS,
                 "blocking fetch of a 503")
    eq(model.props.status, 503, "status")
    eq(model.get_string("title"), "Dune", "title after the failure")


@test("cache only: CACHE_ONLY sends nothing; NOT_CACHED with nothing cached, then the snapshot, then memory")
def test_cache_only(server):
    path = "/cache-only"
    server.route(path, json={"v": 1})
    directory = tempfile.mkdtemp(prefix="cacheit-cache-only-")
    try:
        def model():
            return Cacheit.Model(url=server.url(path), snapshot_directory=directory)

        empty = model()
        log = []
        record_signals(empty, log)
        expect_error(lambda: empty.fetch(CACHE_ONLY, None), CACHEIT_DOMAIN, Cacheit.Error.NOT_CACHED,
                     "cache-only fetch with nothing cached")
        eq(server.events_of("request", path), [], "requests of a cache-only fetch")
        eq(log, [], "signals of a cache-only fetch that found nothing")
        check(empty.props.last_error is None, "NOT_CACHED set last-error")

        writer = model()
        check(writer.fetch(NONE, None), "plain fetch")
        eq(len(server.events_of("request", path)), 1, "requests after a plain fetch")
        wait_until(lambda: any(f.endswith(".snapshot") for f in os.listdir(directory)), "the snapshot")

        reader = model()
        calls = Callbacks()
        reader.fetch_async(CACHE_ONLY, None, calls.make("disk"))
        check(not calls.has("disk"), "a cache-only fetch completed inside fetch_async")
        calls.wait("disk")
        eq(finish(reader, calls.result("disk")), True, "cache-only fetch from the snapshot")
        eq(reader.get_int("v"), 1, "attribute v from the snapshot")
        eq(reader.props.origin, Cacheit.Origin.DISK, "origin")
        check(not reader.props.fetching, "a cache-only fetch left a request in flight")

        check(writer.fetch(CACHE_ONLY, None), "cache-only fetch from memory")
        drain()
        eq(len(server.events_of("request", path)), 1, "requests after the cache-only fetches")
    finally:
        shutil.rmtree(directory, True)


if __name__ == "__main__":
    main()
