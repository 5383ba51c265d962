#!/usr/bin/python3
# Freshness, HTTP revalidation and retry (issue 7) through the typelib,
# against server.py, a real HTTP server process: the new properties and their
# defaults, invalidate(), 304 Not Modified (ETag and Last-Modified), stale
# data served while it is revalidated, retries with backoff and Retry-After,
# cancellation during a backoff, `app-active` bound to a plain GObject boolean,
# refresh-interval polling, and one request per URL.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import socket
import time
from email.utils import formatdate

from cacheit_testlib import (CACHEIT_DOMAIN, IO_DOMAIN, Callbacks, check, drain, eq,
                             expect_error, main, test, wait_until)
from gi.repository import Cacheit, Gio, GLib, GObject, Soup

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD

LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"

# What a 304 may notify (the spec: last-updated, stale and status), and
# `fetching`, which follows the request itself and not the data.
NOTIFY_ON_304 = {"last-updated", "stale", "status", "fetching"}


class Article(Cacheit.Model):
    __gtype_name__ = "CacheitPyTestArticle"

    title = GObject.Property(type=str)
    views = GObject.Property(type=int, default=0)


class Window(GObject.Object):
    """A GTK-free stand-in for GtkWindow:is-active."""

    __gtype_name__ = "CacheitPyTestWindow"

    is_active = GObject.Property(type=bool, default=False)


class Log:
    """Signals and notifications of a resource, in order."""

    def __init__(self, resource, requests=True):
        self.events = []
        self.notified = []
        self.errors = []
        # A `request` handler keeps a resource out of shared requests (one
        # request per URL): the tests of sharing pass requests=False.
        if requests:
            resource.connect("request", lambda r, msg: self.events.append("request"))
        resource.connect("sync", lambda r: self.events.append("sync"))
        resource.connect("error", self._on_error)
        resource.connect("notify", lambda r, pspec: self.notified.append(pspec.name))
        if isinstance(resource, Cacheit.Model):
            resource.connect("changed", lambda m, name: self.events.append("changed:" + name))
        if isinstance(resource, Gio.ListModel):
            resource.connect("items-changed",
                             lambda m, pos, removed, added: self.events.append("items-changed"))

    def _on_error(self, resource, error):
        self.events.append("error")
        self.errors.append(error)

    def clear(self):
        self.events.clear()
        self.notified.clear()
        self.errors.clear()

    def data_events(self):
        return [e for e in self.events if e != "request"]


def finish(resource, result):
    try:
        return resource.fetch_finish(result)
    except GLib.Error as e:
        return e


def header(headers, name):
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def requests_of(server, path):
    return server.events_of("request", path)


def run_for(seconds):
    """Iterates the default main context for @seconds (for checks that
    something does NOT happen)."""
    done = []
    GLib.timeout_add(int(seconds * 1000), lambda: done.append(True) or GLib.SOURCE_REMOVE)
    wait_until(lambda: done, "%.1f s to pass" % seconds)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def microseconds_between(earlier, later):
    return later.difference(earlier)


# Properties


@test("properties: last-updated, stale, origin, max-age, retry-*, refresh-interval, app-active, "
      "refetch-on-reconnect, pause-when-constrained exist with the spec's defaults")
def test_defaults(server):
    expected = {
        "last-updated": None,
        "stale": False,
        "origin": Cacheit.Origin.NONE,
        "max-age": -1,
        "retry-limit": 3,
        "retry-delay": 1000,
        "refresh-interval": 0,
        "app-active": True,
        "refetch-on-reconnect": False,
        "pause-when-constrained": True,
    }
    for resource in (Cacheit.Model(), Cacheit.Collection(item_type=Cacheit.Model.__gtype__)):
        kind = type(resource).__name__
        for name, value in expected.items():
            eq(resource.get_property(name), value, "%s %s" % (kind, name))
        eq(resource.get_last_updated(), None, "%s get_last_updated" % kind)
        eq(resource.get_stale(), False, "%s get_stale" % kind)
        eq(resource.get_origin(), Cacheit.Origin.NONE, "%s get_origin" % kind)
        eq(resource.get_max_age(), -1, "%s get_max_age" % kind)
        eq(resource.get_retry_limit(), 3, "%s get_retry_limit" % kind)
        eq(resource.get_retry_delay(), 1000, "%s get_retry_delay" % kind)
        eq(resource.get_refresh_interval(), 0, "%s get_refresh_interval" % kind)
        eq(resource.get_app_active(), True, "%s get_app_active" % kind)
        eq(resource.get_refetch_on_reconnect(), False, "%s get_refetch_on_reconnect" % kind)
        eq(resource.get_pause_when_constrained(), True, "%s get_pause_when_constrained" % kind)

    def pspec(name):
        p = Cacheit.Resource.find_property(name)
        check(p is not None, "no property %s on Cacheit.Resource" % name)
        eq(p.owner_type, Cacheit.Resource.__gtype__, "owner of %s" % name)
        return p

    writable = GObject.ParamFlags.WRITABLE
    for name in ("last-updated", "stale", "origin"):
        check(not (pspec(name).flags & writable), "%s is writable" % name)
    for name in ("max-age", "retry-limit", "retry-delay", "refresh-interval", "refetch-on-reconnect",
                 "app-active", "pause-when-constrained"):
        check(pspec(name).flags & writable, "%s is read-only" % name)
    eq(pspec("last-updated").value_type, GLib.DateTime.__gtype__, "type of last-updated")
    eq(pspec("stale").value_type, GObject.TYPE_BOOLEAN, "type of stale")
    eq(pspec("origin").value_type, Cacheit.Origin.__gtype__, "type of origin")
    eq(pspec("max-age").value_type, GObject.TYPE_INT, "type of max-age")
    eq((pspec("max-age").minimum, pspec("max-age").maximum), (-1, GLib.MAXINT), "range of max-age")
    eq(pspec("retry-limit").value_type, GObject.TYPE_UINT, "type of retry-limit")
    eq(pspec("retry-delay").value_type, GObject.TYPE_UINT, "type of retry-delay")
    eq(pspec("refresh-interval").value_type, GObject.TYPE_UINT, "type of refresh-interval")
    eq([int(v) for v in (Cacheit.Origin.NONE, Cacheit.Origin.NETWORK, Cacheit.Origin.DISK)], [0, 1, 2],
       "Cacheit.Origin values")

    # The read-write ones can be set, at construction and later.
    model = Cacheit.Model(max_age=30, retry_limit=0, retry_delay=5, refresh_interval=60,
                          refetch_on_reconnect=True, app_active=False, pause_when_constrained=False)
    eq((model.props.max_age, model.props.retry_limit, model.props.retry_delay, model.props.refresh_interval,
        model.props.refetch_on_reconnect, model.props.app_active, model.props.pause_when_constrained),
       (30, 0, 5, 60, True, False, False), "properties set at construction")
    model.set_max_age(0)
    model.set_retry_limit(7)
    model.set_app_active(True)
    eq((model.props.max_age, model.props.retry_limit, model.props.app_active), (0, 7, True), "properties set later")


@test("after a fetch: last-updated is a GLib.DateTime of now, origin NETWORK, stale FALSE "
      "when the server says nothing about freshness")
def test_after_fetch(server):
    path = "/fresh-after-fetch"
    server.route(path, json={"title": "t"})
    model = Cacheit.Model(url=server.url(path))
    log = Log(model)
    before = GLib.DateTime.new_now_utc()
    check(model.fetch(NONE, None), "fetch")
    after = GLib.DateTime.new_now_utc()

    last_updated = model.props.last_updated
    check(isinstance(last_updated, GLib.DateTime), "last-updated is %r" % (last_updated,))
    check(microseconds_between(before, last_updated) >= -1000000 and
          microseconds_between(last_updated, after) >= -1000000,
          "last-updated %s is not between %s and %s" % (last_updated.format_iso8601(),
                                                        before.format_iso8601(), after.format_iso8601()))
    check(model.get_last_updated() is not None, "get_last_updated")
    eq(model.props.origin, Cacheit.Origin.NETWORK, "origin")
    eq(model.props.stale, False, "stale with no Cache-Control, Expires or max-age")
    check("last-updated" in log.notified, "no notify::last-updated: %r" % log.notified)
    check("origin" in log.notified, "no notify::origin: %r" % log.notified)
    check("stale" not in log.notified, "notify::stale for fresh data: %r" % log.notified)

    # Fresh data makes no request at all.
    log.clear()
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("cached"))
    calls.wait("cached")
    drain()
    eq(server.count(path), 1, "requests after a fetch of fresh data")
    eq(log.events, [], "signals of a fetch of fresh data")


@test("invalidate(): stale becomes TRUE (notify::stale); the next plain fetch completes from the "
      "cache and revalidates in the background (If-None-Match, 304)")
def test_invalidate(server):
    path = "/invalidate"
    server.route(path, json={"title": "kept", "views": 1}, etag=True)
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    etag = header(requests_of(server, path)[0]["headers"], "If-None-Match")
    eq(etag, None, "If-None-Match of the first request")
    check(not model.props.stale, "stale after a fetch")

    log = Log(model)
    model.invalidate()
    check(model.props.stale, "stale is FALSE after invalidate()")
    check(model.get_stale(), "get_stale() is FALSE after invalidate()")
    eq(log.notified, ["stale"], "notifications of invalidate()")
    eq(log.events, [], "signals of invalidate()")
    drain()
    eq(server.count(path), 1, "requests made by invalidate() alone")

    log.clear()
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("a"))
    check(not calls.has("a"), "the fetch completed inside fetch_async")
    calls.wait("a")
    eq(finish(model, calls.result("a")), True, "fetch_finish")
    eq(model.props.title, "kept", "title when the cached fetch completed")

    done = server.wait_event("done", path, n=2)
    eq(done["status"], 304, "status of the background revalidation at the server")
    wait_until(lambda: model.props.status == 304, "status 304")
    sent = header(requests_of(server, path)[1]["headers"], "If-None-Match")
    check(sent is not None, "the background revalidation sent no If-None-Match")
    wait_until(lambda: not model.props.stale, "stale to become FALSE after the 304")
    drain()
    eq(log.events, ["request"], "signals of the cached fetch and its revalidation")
    check(set(log.notified) <= NOTIFY_ON_304, "notifications: %r" % log.notified)
    eq(server.count(path), 2, "requests")
    eq((model.props.title, model.props.views), ("kept", 1), "data after the 304")


# 304 Not Modified


@test("304: a reload sends If-None-Match (a weak ETag as received) and If-Modified-Since; the 304 "
      "keeps the data and emits no sync, changed or typed notify; last-updated advances")
def test_not_modified_model(server):
    path = "/not-modified"
    etag = 'W/"article-1"'
    server.route(path, json={"title": "Dune", "views": 412}, etag=etag, last_modified=LAST_MODIFIED)
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    first = requests_of(server, path)[0]["headers"]
    eq(header(first, "If-None-Match"), None, "If-None-Match of the first request")
    eq(header(first, "If-Modified-Since"), None, "If-Modified-Since of the first request")
    last_updated = model.props.last_updated
    attributes = model.get_attributes()
    check(last_updated is not None, "last-updated after the fetch")

    # last-updated is a wall-clock time: let a second pass, so that it
    # advances whatever its resolution.
    time.sleep(1.1)

    log = Log(model)
    calls = Callbacks()
    model.fetch_async(RELOAD, None, calls.make("a"))
    model.fetch_async(NONE, None, calls.make("b"))
    calls.wait("a", "b")
    drain()

    second = requests_of(server, path)[1]["headers"]
    eq(header(second, "If-None-Match"), etag, "If-None-Match of the reload")
    eq(header(second, "If-Modified-Since"), LAST_MODIFIED, "If-Modified-Since of the reload")
    eq(server.stats(path)["statuses"], [200, 304], "statuses answered")
    eq(finish(model, calls.result("a")), True, "fetch_finish of the reload")
    eq(finish(model, calls.result("b")), True, "fetch_finish of the caller that joined it")
    check(calls.result("a") is calls.result("b"), "the joined caller got another result")
    eq(model.props.status, 304, "status")
    eq(log.events, ["request"], "signals of a 304")
    check(set(log.notified) <= NOTIFY_ON_304, "notifications of a 304: %r" % log.notified)
    check("status" in log.notified, "no notify::status for 200 -> 304: %r" % log.notified)
    check("last-updated" in log.notified, "no notify::last-updated after a 304: %r" % log.notified)
    eq((model.props.title, model.props.views), ("Dune", 412), "typed properties after a 304")
    eq(model.get_string("title"), "Dune", "get_string after a 304")
    check(model.get_attributes().equal(attributes), "the attributes changed after a 304")
    check(model.props.fetched and not model.props.fetching, "fetched/fetching after a 304")
    check(model.props.last_error is None, "last-error after a 304: %s" % model.props.last_error)
    eq(model.props.origin, Cacheit.Origin.NETWORK, "origin after a 304")
    check(not model.props.stale, "stale after a 304 of data the server says nothing about")
    check(microseconds_between(last_updated, model.props.last_updated) > 0,
          "last-updated did not advance: %s, then %s" % (last_updated.format_iso8601(),
                                                         model.props.last_updated.format_iso8601()))

    # A strong ETag is sent back as it is too; the blocking fetch succeeds.
    server.route(path, json={"title": "Dune", "views": 412}, etag='"strong-1"')
    check(model.fetch(RELOAD, None), "reload answered 200 with a strong ETag")
    eq(server.stats(path)["statuses"][-1], 200, "status of a request with an old validator")
    check(model.fetch(RELOAD, None), "blocking reload answered 304")
    eq(header(requests_of(server, path)[-1]["headers"], "If-None-Match"), '"strong-1"', "If-None-Match")
    eq(server.stats(path)["statuses"][-1], 304, "status answered")
    eq(model.props.status, 304, "status")


@test("304: a collection keeps its items, emits no items-changed")
def test_not_modified_collection(server):
    path = "/not-modified-rows"
    rows = [{"id": i, "title": "row %d" % i, "views": i} for i in range(1, 6)]
    server.route(path, json=rows, etag=True)
    collection = Cacheit.Collection.new(Article.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    items = [collection.get_item(i) for i in range(collection.get_n_items())]
    eq(len(items), 5, "n-items")
    item_log = Log(items[2], requests=False)

    log = Log(collection)
    check(collection.fetch(RELOAD, None), "reload")
    drain()
    eq(server.stats(path)["statuses"], [200, 304], "statuses answered")
    eq(collection.props.status, 304, "status")
    eq(log.events, ["request"], "signals of a 304")
    check(set(log.notified) <= NOTIFY_ON_304, "notifications of a 304: %r" % log.notified)
    eq(collection.get_n_items(), 5, "n-items after a 304")
    check(all(collection.get_item(i) is items[i] for i in range(5)), "the items were replaced")
    eq(item_log.events, [], "signals of an item")
    eq(item_log.notified, [], "notifications of an item")


@test("304 then 200: when the data changed, the reload with If-None-Match gets 200, sync and changed")
def test_changed_after_not_modified(server):
    path = "/changed-after-304"
    server.route(path, json={"title": "one", "views": 1}, etag=True)
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    check(model.fetch(RELOAD, None), "reload (304)")
    eq(model.props.status, 304, "status of the first reload")
    old_etag = header(requests_of(server, path)[1]["headers"], "If-None-Match")
    check(old_etag is not None, "no If-None-Match")

    server.route(path, json={"title": "two", "views": 1}, etag=True)
    log = Log(model)
    check(model.fetch(RELOAD, None), "reload (200)")
    eq(header(requests_of(server, path)[2]["headers"], "If-None-Match"), old_etag, "If-None-Match")
    eq(server.stats(path)["statuses"], [200, 304, 200], "statuses answered")
    eq(model.props.status, 200, "status")
    eq(sorted(log.data_events()), ["changed:title", "sync"], "signals")
    eq(model.props.title, "two", "title")

    # The new ETag is kept: the next reload is a 304 again.
    check(model.fetch(RELOAD, None), "reload (304 again)")
    eq(server.stats(path)["statuses"][-1], 304, "status answered to the next reload")


# Stale-while-revalidate


@test("stale-while-revalidate: Cache-Control: max-age=0 makes data stale at once; plain fetches complete "
      "from the cache, start one background request, whose result arrives as sync/changed")
def test_stale_while_revalidate(server):
    path = "/swr"
    server.route(path, json={"title": "old", "views": 1}, etag=True, headers={"Cache-Control": "max-age=0"})
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    check(model.props.stale, "stale is FALSE after a fetch answered Cache-Control: max-age=0")
    eq(model.props.max_age, -1, "max-age")

    server.route(path, json={"title": "new", "views": 2}, etag=True,
                 headers={"Cache-Control": "max-age=0"}, hold=True)
    log = Log(model)
    calls = Callbacks()
    seen = {}

    def remember(tag):
        def callback(source, result):
            seen[tag] = (model.props.title, list(log.data_events()))
            calls.done.append((tag, result))
        return callback

    model.fetch_async(NONE, None, remember("a"))
    check(not calls.has("a"), "the fetch completed inside fetch_async")
    held = server.wait_event("held", path)
    model.fetch_async(NONE, None, remember("b"))
    calls.wait("a", "b")
    eq(seen["a"], ("old", []), "data and signals when the first plain fetch completed")
    eq(seen["b"], ("old", []), "data and signals when the second plain fetch completed")
    eq(finish(model, calls.result("a")), True, "fetch_finish a")
    eq(finish(model, calls.result("b")), True, "fetch_finish b")
    drain()
    eq(server.count(path), 2, "requests: one background revalidation for two plain fetches")
    eq(server.stats(path)["held"], [held["id"]], "held requests")
    check(header(requests_of(server, path)[1]["headers"], "If-None-Match") is not None,
          "the background revalidation sent no If-None-Match")

    server.release(path)
    wait_until(lambda: "sync" in log.events, "sync of the background revalidation")
    drain()
    eq(sorted(log.events), ["changed:title", "changed:views", "request", "sync"], "signals")
    eq((model.props.title, model.props.views), ("new", 2), "data after the background revalidation")
    eq(model.props.status, 200, "status")
    eq(len(calls.done), 2, "completions")

    # Still stale at once: the next plain fetch revalidates again, and gets a 304.
    server.route(path, json={"title": "new", "views": 2}, etag=True, headers={"Cache-Control": "max-age=0"})
    log.clear()
    check(model.fetch(NONE, None), "plain fetch of stale data")
    server.wait_event("done", path, n=3)
    wait_until(lambda: model.props.status == 304, "status 304 of the second revalidation")
    drain()
    eq(server.stats(path)["statuses"], [200, 200, 304], "statuses answered")
    eq(log.data_events(), [], "signals of a background 304")
    eq(model.props.title, "new", "title")


@test("stale-while-revalidate: a failed background revalidation is reported with error and "
      "last-error, and the data is kept")
def test_stale_background_failure(server):
    path = "/swr-failure"
    server.route(path, json={"title": "kept"}, headers={"Cache-Control": "max-age=0"})
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    server.route(path, status=500, body="broken")
    log = Log(model)
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("a"))
    calls.wait("a")
    eq(finish(model, calls.result("a")), True, "the plain fetch completed from the cache")
    wait_until(lambda: log.errors, "the error signal of the background revalidation")
    drain()
    eq(log.events, ["request", "error"], "signals")
    check(log.errors[0].matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS),
          "error: %s" % log.errors[0])
    check(model.props.last_error is not None, "last-error is unset")
    eq(model.props.status, 500, "status")
    eq(server.count(path), 2, "requests (a 500 is not retried)")
    eq(model.props.title, "kept", "title")
    check(model.props.fetched, "fetched")


@test("stale-while-revalidate: a plain fetch while an explicit reload is in flight joins it (R1)")
def test_plain_fetch_joins_reload(server):
    path = "/swr-join"
    server.route(path, json={"title": "old"}, headers={"Cache-Control": "max-age=0"})
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    server.route(path, json={"title": "new"}, headers={"Cache-Control": "max-age=0"}, hold=True)
    calls = Callbacks()
    model.fetch_async(RELOAD, None, calls.make("reload"))
    server.wait_event("held", path)
    model.fetch_async(NONE, None, calls.make("plain"))
    run_for(0.2)
    check(not calls.has("plain"), "the plain fetch completed from the cache while a reload was in flight")
    eq(server.count(path), 2, "requests")
    server.release(path)
    calls.wait("reload", "plain")
    check(calls.result("reload") is calls.result("plain"), "the plain fetch got another result")
    eq(model.props.title, "new", "title")
    eq(server.count(path), 2, "requests in all")


@test("the server's own rules (RFC 9111): must-revalidate makes a plain fetch of stale data wait "
      "for the revalidation; a reload of fresh immutable data makes no request")
def test_server_rules(server):
    path = "/must"
    server.route(path, json={"title": "old"}, etag=True, headers={"Cache-Control": "max-age=0, must-revalidate"})
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    server.route(path, json={"title": "new"}, etag=True,
                 headers={"Cache-Control": "max-age=0, must-revalidate"}, hold=True)
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("plain"))
    server.wait_event("held", path)
    run_for(0.2)
    check(not calls.has("plain"), "the plain fetch of must-revalidate data completed before the server answered")
    server.release(path)
    calls.wait("plain")
    eq(model.props.title, "new", "the caller got the revalidation's data")

    server.route("/frozen", json={"title": "v1"}, headers={"Cache-Control": "max-age=3600, immutable"})
    frozen = Article(url=server.url("/frozen"))
    check(frozen.fetch(NONE, None), "fetch of immutable data")
    check(frozen.fetch(RELOAD, None), "reload of immutable data")
    eq(server.count("/frozen"), 1, "requests for fresh immutable data")


@test("max-age: -1 follows Cache-Control max-age (minus Age) and Expires - Date; 0 is always stale; "
      "a set max-age overrides the server; stale turns TRUE by itself with notify::stale")
def test_max_age(server):
    def fetched(path, headers=None, **props):
        server.route(path, json={"title": path}, headers=headers or {})
        model = Article(url=server.url(path), **props)
        check(model.fetch(NONE, None), "fetch of %s" % path)
        return model

    eq(fetched("/age-max-age", {"Cache-Control": "max-age=3600"}).props.stale, False,
       "stale with Cache-Control: max-age=3600")
    eq(fetched("/age-no-store", {"Cache-Control": "no-store"}).props.stale, True,
       "stale with Cache-Control: no-store")
    eq(fetched("/age-age", {"Cache-Control": "max-age=100", "Age": "150"}).props.stale, True,
       "stale with Cache-Control: max-age=100 and Age: 150")
    eq(fetched("/age-expires-future", {"Expires": formatdate(time.time() + 3600, usegmt=True)}).props.stale,
       False, "stale with Expires in an hour")
    eq(fetched("/age-expires-past", {"Expires": formatdate(time.time() - 3600, usegmt=True)}).props.stale,
       True, "stale with Expires an hour ago")
    eq(fetched("/age-zero", max_age=0).props.stale, True, "stale with max-age 0")
    eq(fetched("/age-override", {"Cache-Control": "no-cache"}, max_age=3600).props.stale, False,
       "stale with max-age 3600 and Cache-Control: no-cache")

    # A lifetime that runs out while the resource is left alone.
    model = fetched("/age-timer", {"Cache-Control": "max-age=1"})
    eq(model.props.stale, False, "stale just after a fetch with max-age=1")
    flips = []
    model.connect("notify::stale", lambda m, p: flips.append(m.props.stale))
    wait_until(lambda: flips, "notify::stale when max-age=1 ran out")
    eq(flips, [True], "notify::stale")
    check(model.props.stale, "stale")
    eq(server.count("/age-timer"), 1, "requests (going stale makes none)")

    # The resource's own max-age, with a server that says nothing.
    model = fetched("/age-own", max_age=1)
    eq(model.props.stale, False, "stale just after a fetch with the max-age property 1")
    wait_until(lambda: model.props.stale, "stale with the max-age property 1")


# Retry


@test("retry: 503, 503, 200 with retry-delay 1 succeeds after 3 requests; fetching stays TRUE; "
      "the callers complete once")
def test_retry_success(server):
    path = "/retry-ok"
    server.route(path, json={"title": "finally"}, statuses=[503, 503, 200])
    model = Article(url=server.url(path), retry_delay=1)
    log = Log(model)
    fetching = []
    model.connect("notify::fetching", lambda m, p: fetching.append(m.props.fetching))
    calls = Callbacks()
    model.fetch_async(NONE, None, calls.make("a"))
    model.fetch_async(NONE, None, calls.make("b"))
    calls.wait("a", "b")
    drain()
    eq(server.stats(path)["statuses"], [503, 503, 200], "statuses answered")
    eq(finish(model, calls.result("a")), True, "fetch_finish a")
    eq(finish(model, calls.result("b")), True, "fetch_finish b")
    eq(len(calls.done), 2, "completions")
    eq(log.events[:3], ["request", "request", "request"], "signals of the attempts")
    eq(sorted(log.events[3:]), ["changed:title", "sync"], "signals of the success")
    eq(fetching, [True, False], "notify::fetching")
    eq(model.props.status, 200, "status")
    check(model.props.last_error is None, "last-error: %s" % model.props.last_error)
    eq(model.props.title, "finally", "title")


@test("retry: the failures of every transient status are retried up to retry-limit; the callers get "
      "the last error, once; error is emitted once")
def test_retry_gives_up(server):
    for status in (503, 408, 429, 502, 504):
        path = "/retry-fail-%d" % status
        server.route(path, body="not now", statuses=[status])
        model = Article(url=server.url(path), retry_limit=2, retry_delay=1)
        log = Log(model)
        calls = Callbacks()
        model.fetch_async(NONE, None, calls.make("a"))
        calls.wait("a")
        drain()
        expect_error(lambda: model.fetch_finish(calls.result("a")), CACHEIT_DOMAIN,
                         Cacheit.Error.HTTP_STATUS, "fetch of %d" % status)
        eq(server.count(path), 3, "requests for %d with retry-limit 2" % status)
        eq(log.events, ["request", "request", "request", "error"], "signals for %d" % status)
        eq(len(calls.done), 1, "completions for %d" % status)
        eq(model.props.status, status, "status")
        check(model.props.last_error is not None, "last-error")
        check(not model.props.fetching, "fetching")


@test("retry: 404, 500 and invalid JSON are not retried; retry-limit 0 disables retries")
def test_not_retried(server):
    cases = [
        ("/noretry-404", dict(status=404, body="no"), Cacheit.Error.HTTP_STATUS, {}),
        ("/noretry-500", dict(status=500, body="no"), Cacheit.Error.HTTP_STATUS, {}),
        ("/noretry-json", dict(body='{"title": '), Cacheit.Error.INVALID_JSON, {}),
        ("/noretry-limit0", dict(statuses=[503, 200], json={}), Cacheit.Error.HTTP_STATUS, {"retry_limit": 0}),
    ]
    for path, route, code, props in cases:
        server.route(path, **route)
        model = Article(url=server.url(path), retry_delay=1, **props)
        expect_error(lambda: model.fetch(NONE, None), CACHEIT_DOMAIN, code, path)
        run_for(0.1)
        eq(server.count(path), 1, "requests for %s" % path)


@test("retry: transport failures are retried (connection refused, connection dropped mid-body)")
def test_retry_transport(server):
    url = "http://127.0.0.1:%d/refused" % free_port()
    model = Article(url=url, retry_limit=2, retry_delay=1)
    log = Log(model)
    expect_error(lambda: model.fetch(NONE, None), IO_DOMAIN, None, "fetch from a closed port")
    eq(log.events, ["request", "request", "request", "error"], "signals of a refused connection")

    path = "/retry-drop"
    server.route(path, json={"title": "x" * 20000}, drop=True)
    model = Article(url=server.url(path), retry_limit=1, retry_delay=1)
    expect_error(lambda: model.fetch(NONE, None), IO_DOMAIN, None, "fetch of a dropped body")
    server.wait_event("dropped", path, n=2)  # reported after the connection is closed
    eq(server.count(path), 2, "requests (dropped connections) with retry-limit 1")


@test("retry: Retry-After (seconds or an HTTP date) is used instead of retry-delay; "
      "one over 300 s ends the retries")
def test_retry_after(server):
    # retry-delay 60 s: without Retry-After the first retry would come after
    # 30 to 60 s, past the safety timeout of the wait.
    for name, value in (("seconds", "1"), ("date", formatdate(time.time() + 1, usegmt=True))):
        path = "/retry-after-" + name
        server.route(path, json={"title": "ok"}, statuses=[503, 200], headers={"Retry-After": value})
        model = Article(url=server.url(path), retry_delay=60000)
        calls = Callbacks()
        start = time.monotonic()
        model.fetch_async(NONE, None, calls.make("a"))
        calls.wait("a")
        eq(finish(model, calls.result("a")), True, "fetch with Retry-After: %s" % value)
        eq(server.stats(path)["statuses"], [503, 200], "statuses answered")
        check(time.monotonic() - start < 10, "the retry took %.1f s" % (time.monotonic() - start))

    path = "/retry-after-long"
    server.route(path, json={"title": "ok"}, statuses=[503, 200], headers={"Retry-After": "301"})
    model = Article(url=server.url(path), retry_delay=1)
    expect_error(lambda: model.fetch(NONE, None), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS,
                 "fetch with Retry-After: 301")
    run_for(0.1)
    eq(server.count(path), 1, "requests with Retry-After: 301")


@test("retry: cancelling the only caller during the backoff ends the fetch at once; no further attempt")
def test_retry_cancelled_in_backoff(server):
    path = "/retry-cancel"
    server.route(path, json={"title": "ok"}, statuses=[503, 200])
    model = Article(url=server.url(path), retry_delay=60000)
    log = Log(model)
    calls = Callbacks()
    cancellable = Gio.Cancellable()
    model.fetch_async(NONE, cancellable, calls.make("a"))
    server.wait_event("done", path)
    wait_until(lambda: model.props.status == 503, "status 503 of the first attempt")
    drain()
    check(not calls.has("a"), "the caller completed before the retries were over")
    check(model.props.fetching, "fetching is FALSE during the backoff")

    start = time.monotonic()
    cancellable.cancel()
    calls.wait("a")
    check(time.monotonic() - start < 2, "cancelling took %.1f s" % (time.monotonic() - start))
    expect_error(lambda: model.fetch_finish(calls.result("a")), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED)
    check(not model.props.fetching, "fetching after the cancellation")
    run_for(0.3)
    eq(server.count(path), 1, "requests after the cancellation")
    eq(log.events, ["request"], "signals (cancelling is not a failure, as in R6)")

    check(model.fetch(NONE, None), "a new fetch after the cancelled one")
    eq(server.count(path), 2, "requests")
    eq(model.props.title, "ok", "title")


@test("retry: each delay is 50% to 100% of retry-delay * 2^n; status is set for each attempt")
def test_retry_backoff(server):
    path = "/retry-backoff"
    server.route(path, json={"title": "ok"}, statuses=[502, 504, 503, 200])
    arrivals = []

    def on_event(event):
        if event["event"] == "request" and event["path"] == path:
            arrivals.append(time.monotonic())
        return False

    server.hooks.append(on_event)
    model = Article(url=server.url(path), retry_delay=300)
    statuses = []
    model.connect("notify::status", lambda m, p: statuses.append(m.props.status))
    try:
        check(model.fetch(NONE, None), "fetch")
        wait_until(lambda: len(arrivals) == 4, "4 requests at the server")
    finally:
        server.hooks.remove(on_event)
    eq(statuses, [502, 504, 503, 200], "notify::status of each attempt")
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    for n, gap in enumerate(gaps):
        base = 0.3 * 2 ** n
        # The gap between two arrivals is the delay plus an answer and a new
        # request: never shorter than the delay, and a little longer.
        check(0.5 * base - 0.02 <= gap <= base + 0.25,
              "delay %d: %.3f s, not within 50%%-100%% of %.1f s (all: %s)"
              % (n + 1, gap, base, ["%.3f" % g for g in gaps]))


@test("retry: cancelling one of two callers during the backoff completes it at once; the other "
      "gets the data of the retry")
def test_retry_cancel_one_in_backoff(server):
    path = "/retry-cancel-one"
    server.route(path, json={"title": "ok"}, statuses=[503, 200])
    model = Article(url=server.url(path), retry_delay=1000)
    calls = Callbacks()
    cancellable = Gio.Cancellable()
    model.fetch_async(NONE, cancellable, calls.make("cancelled"))
    model.fetch_async(NONE, None, calls.make("other"))
    wait_until(lambda: model.props.status == 503, "status 503 of the first attempt")
    cancellable.cancel()
    calls.wait("cancelled")
    check(not calls.has("other"), "the other caller completed with the cancelled one")
    expect_error(lambda: model.fetch_finish(calls.result("cancelled")), IO_DOMAIN,
                 Gio.IOErrorEnum.CANCELLED)
    calls.wait("other")
    eq(finish(model, calls.result("other")), True, "the other caller")
    eq(server.stats(path)["statuses"], [503, 200], "statuses answered")
    eq(model.props.title, "ok", "title")


@test("freshness: invalidate() without data leaves stale FALSE, and the data of the next fetch is fresh")
def test_invalidate_without_data(server):
    path = "/invalidate-empty"
    server.route(path, json={"title": "t"})
    model = Article(url=server.url(path))
    notified = []
    model.connect("notify::stale", lambda m, p: notified.append(m.props.stale))
    model.invalidate()
    eq(model.props.stale, False, "stale after invalidate() with no data")
    check(model.fetch(NONE, None), "fetch")
    eq(model.props.stale, False, "stale after the first fetch")
    eq(notified, [], "notify::stale")


@test("freshness: setting max-age on a resource with data applies at once (0: stale; -1: the server's word)")
def test_max_age_set_later(server):
    path = "/max-age-later"
    server.route(path, json={"title": "t"})
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    eq(model.props.stale, False, "stale with data the server says nothing about")
    flips = []
    model.connect("notify::stale", lambda m, p: flips.append(m.props.stale))
    model.props.max_age = 0
    eq(model.props.stale, True, "stale after max-age = 0")
    model.props.max_age = -1
    eq(model.props.stale, False, "stale after max-age = -1 again")
    eq(flips, [True, False], "notify::stale")


@test("304: Last-Modified alone is revalidated with If-Modified-Since; a failure changes neither "
      "last-updated nor origin")
def test_if_modified_since(server):
    path = "/last-modified"
    server.route(path, json={"title": "t"}, last_modified=LAST_MODIFIED)
    model = Article(url=server.url(path))
    check(model.fetch(NONE, None), "fetch")
    check(model.fetch(RELOAD, None), "reload")
    second = requests_of(server, path)[1]["headers"]
    eq(header(second, "If-Modified-Since"), LAST_MODIFIED, "If-Modified-Since")
    eq(header(second, "If-None-Match"), None, "If-None-Match without an ETag")
    eq(server.stats(path)["statuses"], [200, 304], "statuses answered")
    eq(model.props.status, 304, "status")

    last_updated = model.props.last_updated
    server.route(path, status=404, body="gone")
    expect_error(lambda: model.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS, "reload")
    check(model.props.last_updated.equal(last_updated), "a failure changed last-updated")
    eq(model.props.origin, Cacheit.Origin.NETWORK, "origin after a failure")
    eq(model.props.title, "t", "title after a failure")


# app-active, refresh-interval


@test("app-active: bound to a plain GObject boolean with bind_property; FALSE -> TRUE revalidates "
      "stale data in the background")
def test_active_binding(server):
    path = "/active"
    server.route(path, json={"title": "t"}, etag=True)
    window = Window()
    model = Article(url=server.url(path), pause_when_constrained=False)
    binding = window.bind_property("is-active", model, "app-active", GObject.BindingFlags.SYNC_CREATE)
    check(binding is not None, "bind_property")
    eq(model.props.app_active, False, "app-active after SYNC_CREATE from FALSE")
    window.props.is_active = True
    eq(model.props.app_active, True, "app-active after is-active TRUE")
    window.props.is_active = False
    eq(model.props.app_active, False, "app-active after is-active FALSE")

    # A fetch the application asks for is made while inactive.
    check(model.fetch(NONE, None), "fetch while inactive")
    eq(server.count(path), 1, "requests")

    model.invalidate()
    run_for(0.2)
    eq(server.count(path), 1, "requests while inactive with stale data")

    log = Log(model)
    window.props.is_active = True
    eq(model.props.app_active, True, "app-active")
    server.wait_event("done", path, n=2)
    wait_until(lambda: not model.props.stale, "stale to become FALSE after the revalidation")
    drain()
    eq(server.stats(path)["statuses"], [200, 304], "statuses answered")
    eq(log.events, ["request"], "signals of the revalidation on activation")

    # Fresh data: activating again makes no request.
    window.props.is_active = False
    window.props.is_active = True
    run_for(0.2)
    eq(server.count(path), 2, "requests after activating with fresh data")


@test("refresh-interval: a background revalidation every N seconds while active, paused while inactive")
def test_refresh_interval(server):
    path = "/refresh"
    server.route(path, json={"title": "t"}, etag=True)
    model = Article(url=server.url(path), refresh_interval=1, pause_when_constrained=False)
    run_for(1.5)
    eq(server.count(path), 0, "requests of a resource with no data")

    check(model.fetch(NONE, None), "fetch")
    log = Log(model)
    server.wait_event("done", path, n=3)
    drain()
    eq(server.stats(path)["statuses"][:3], [200, 304, 304], "statuses answered")
    eq(log.data_events(), [], "signals of 304 revalidations")

    model.props.app_active = False
    run_for(0.3)  # a revalidation already on its way reaches the server
    count = server.count(path)
    run_for(2.5)
    eq(server.count(path), count, "requests while inactive")

    model.props.app_active = True
    server.wait_event("done", path, n=count + 1)
    model.props.refresh_interval = 0
    run_for(0.3)
    count = server.count(path)
    run_for(1.5)
    eq(server.count(path), count, "requests after refresh-interval 0")


# One request per URL


@test("one request per URL: two resources with the same URL share one request; one with a "
      "request handler does not")
def test_one_request_per_url(server):
    path = "/shared"
    server.route(path, json={"title": "shared"}, hold=True)
    # About the network: b joins a's request at once, with no snapshot to
    # look for first.
    a = Article(url=server.url(path), snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    b = Article(url=server.url(path), snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    log_a = Log(a, requests=False)
    log_b = Log(b, requests=False)
    calls = Callbacks()
    a.fetch_async(NONE, None, calls.make("a"))
    server.wait_event("held", path)
    b.fetch_async(NONE, None, calls.make("b"))
    run_for(0.2)
    eq(server.count(path), 1, "requests of two resources with the same URL")
    server.release(path)
    calls.wait("a", "b")
    eq(finish(a, calls.result("a")), True, "fetch_finish a")
    eq(finish(b, calls.result("b")), True, "fetch_finish b")
    eq((a.props.title, b.props.title), ("shared", "shared"), "titles")
    eq(sorted(log_a.data_events()), ["changed:title", "sync"], "signals of a")
    eq(sorted(log_b.data_events()), ["changed:title", "sync"], "signals of b")

    path = "/not-shared"
    server.route(path, json={"title": "own"}, hold=True)
    c = Article(url=server.url(path))
    c.connect("request", lambda r, msg: None)
    d = Article(url=server.url(path))
    c.fetch_async(NONE, None, calls.make("c"))
    server.wait_event("held", path)
    d.fetch_async(NONE, None, calls.make("d"))
    server.wait_event("held", path, n=2)
    eq(server.count(path), 2, "requests when the first resource has a request handler")
    server.release(path)
    calls.wait("c", "d")
    eq((c.props.title, d.props.title), ("own", "own"), "titles")


@test("app-active: FALSE -> TRUE retries a failed last fetch in the background")
def test_active_after_failure(server):
    path = "/active-failed"
    server.route(path, status=404, body="not yet")
    model = Article(url=server.url(path), pause_when_constrained=False)
    expect_error(lambda: model.fetch(NONE, None), CACHEIT_DOMAIN, Cacheit.Error.HTTP_STATUS, "fetch")
    model.props.app_active = False
    server.route(path, json={"title": "now"})
    log = Log(model)
    model.props.app_active = True
    wait_until(lambda: "sync" in log.events or log.errors, "the background fetch on activation")
    eq(log.errors, [], "errors")
    eq(model.props.title, "now", "title")
    eq(server.count(path), 2, "requests")


@test("one request per URL: cancelling the resource that started a shared request leaves it to the other")
def test_shared_request_cancel(server):
    path = "/shared-cancel"
    server.route(path, json={"title": "shared"}, hold=True)
    # About the network: b joins a's request at once, with no snapshot to
    # look for first.
    a = Article(url=server.url(path), snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    b = Article(url=server.url(path), snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    calls = Callbacks()
    cancellable = Gio.Cancellable()
    a.fetch_async(NONE, cancellable, calls.make("a"))
    request_id = server.wait_event("held", path)["id"]
    b.fetch_async(NONE, None, calls.make("b"))
    run_for(0.1)
    eq(server.count(path), 1, "requests")
    cancellable.cancel()
    calls.wait("a")
    expect_error(lambda: a.fetch_finish(calls.result("a")), IO_DOMAIN, Gio.IOErrorEnum.CANCELLED, "a")
    run_for(0.1)
    eq(server.events_of("aborted", path), [], "aborted requests (b still waits for it)")
    check(not calls.has("b"), "b completed with a")
    server.release(path)
    calls.wait("b")
    eq(finish(b, calls.result("b")), True, "b")
    eq(b.props.title, "shared", "title of b")
    check(not a.props.fetched, "a has data")
    server.wait_finished(request_id)
    eq(server.count(path), 1, "requests in all")


@test("one request per URL: no sharing between different validators or different sessions")
def test_shared_only_alike(server):
    path = "/shared-validators"
    server.route(path, json={"title": "v"}, etag=True)
    a = Article(url=server.url(path))
    check(a.fetch(NONE, None), "fetch of a")
    server.route(path, json={"title": "v"}, etag=True, hold=True)
    # Without a snapshot of a's data to start from: b has no validators.
    b = Article(url=server.url(path), snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    calls = Callbacks()
    a.fetch_async(RELOAD, None, calls.make("a"))
    server.wait_event("held", path)
    b.fetch_async(NONE, None, calls.make("b"))
    server.wait_event("held", path, n=2)
    server.release(path)
    calls.wait("a", "b")
    eq(finish(a, calls.result("a")), True, "a")
    eq(finish(b, calls.result("b")), True, "b")
    eq((a.props.status, b.props.status), (304, 200), "statuses of a (with an ETag) and b (without)")
    eq(b.props.title, "v", "title of b")

    path = "/shared-sessions"
    server.route(path, json={"title": "s"}, hold=True)
    c = Article(url=server.url(path))
    d = Article(url=server.url(path), session=Soup.Session())
    c.fetch_async(NONE, None, calls.make("c"))
    server.wait_event("held", path)
    d.fetch_async(NONE, None, calls.make("d"))
    server.wait_event("held", path, n=2)
    server.release(path)
    calls.wait("c", "d")
    eq((c.props.title, d.props.title), ("s", "s"), "titles")


if __name__ == "__main__":
    main()
