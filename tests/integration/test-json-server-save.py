#!/usr/bin/python3
# test-json-server-save.py: saving and snapshots against json-server
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Starts json-server on 127.0.0.1 with a copy of db.json (next to this file)
# on a free port, and checks through the typelib, as a Python application
# would, the writes of issue 8 and start-up from a snapshot. Every write is
# checked twice: by the signals the library emits (exactly), and by what
# json-server holds afterwards, read with a plain urllib GET:
#
# - PUT: Model.save_async() of /posts/1 with changes. The changes show at
#   once (changed::x for each member whose value changes, none for a member
#   set to its current value; typed-property notify), `saving` is TRUE until
#   the answer. json-server then holds the whole object sent: a member that
#   another client had added behind the model's back is gone, as PUT
#   replaces. Its answer equals what was sent: no further signal. The next
#   reload sends no If-None-Match (validators are forgotten after a write);
# - PATCH (Cacheit.SaveFlags.PATCH) of /posts/2: another client changes
#   `author` first; the PATCH sends only `views`, so json-server keeps the
#   other client's author, and its answer (the whole object) brings it to
#   the model as changed::author;
# - failure: /posts/999 is fetched, then deleted by another client; a save
#   gets 404 and fails with Cacheit.Error.HTTP_STATUS; the change is rolled
#   back with exact changed signals, the attributes are what they were, and
#   the `error` signal and `last-error` (about fetches) are untouched;
# - POST: Collection.create_async() on /posts appends the item at once
#   (items-changed n,0,1); json-server assigns the id, the SAME object gets
#   changed::id and no further items-changed, its url is /posts/<id> and
#   get_by_id() finds it;
# - DELETE: destroy_async() of an item of the collection removes it at once
#   (items-changed p,1,0), and json-server no longer has it (GET 404);
# - after these writes, a reload of the collection is a full GET (no
#   If-None-Match), answered 200, emits nothing (the collection already holds
#   json-server's data), and the collection equals json-server's data item
#   by item;
# - start-up from a snapshot with the server down: collection A fetches
#   /posts with a snapshot directory; json-server is killed; collection B of
#   the same URL and directory, with retry-limit 0, asks json-server first
#   (its `Cache-Control: no-cache` says the snapshot must be confirmed), and
#   as it cannot be reached completes its fetch from the snapshot (RFC 9111,
#   4.2.4: a disconnected cache; origin DISK, items equal to A's, stale),
#   with one `error` signal for the failed request; the data stays, origin
#   stays DISK. json-server is
#   started again on the same port, and a reload gets the data from the
#   network (origin NETWORK).
# - lost connections (issue 14), through jsonserver.DropProxy, a TCP proxy
#   in front of json-server that lets a request through and closes the
#   connection before the answer comes back (json-server has applied it):
#   a PUT on a reused keep-alive connection is sent again, whole, on a new
#   connection, and succeeds (libsoup 3.2 alone sent it again with an empty
#   body, and json-server made the post {"id": N}); a PUT on a new
#   connection, and a PATCH and a POST (libsoup always opens a new
#   connection for these), are sent once and fail with a G_IO_ERROR, their
#   change undone and the resource invalidated, and its next fetch brings
#   what json-server holds; a DELETE on a reused connection is sent again
#   and json-server's 404 counts as done; on a new one it fails, the item
#   comes back, and the next fetch removes it. Each checks json-server's
#   copy afterwards.
#
# json-server (0.17.4) answers PUT and PATCH with the whole object, POST with
# 201 and the object with its new id (the highest numeric id plus one), and
# DELETE with `{}`. It runs without --read-only on a temporary copy of
# db.json. Every resource of this test keeps its snapshots in a temporary
# directory of its own, never in the user's cache.
#
# json-server is found, in this order, at $CACHEIT_JSON_SERVER, at the path
# given with --json-server, or on PATH. Without it the test is skipped.
#
# Output is TAP.

import json
import os
import sys
import tempfile

# First, before gi: jsonserver sets XDG_CACHE_HOME, then imports gi itself
# (see there).
from jsonserver import (TYPED, DropProxy, Post, count_signals, http, is_listening, iterate_for,
                        iterate_until, main, record_messages, record_notify, sent)

import gi

gi.require_version("Json", "1.0")
gi.require_version("Soup", "3.0")
from gi.repository import Cacheit, GLib, Json, Soup  # noqa: E402


# What json-server holds, read as another client would (jsonserver.http).

def server_data(server, path):
    status, data = http(server, "GET", path)
    return data if status == 200 else (status, data)


# JSON between Python and json-glib.

def to_object(value):
    return Json.from_string(json.dumps(value)).get_object()


def attributes(model):
    node = Json.Node.new(Json.NodeType.OBJECT)
    node.set_object(model.get_attributes())
    return json.loads(Json.to_string(node, False))


def items(collection):
    return [attributes(collection.get_item(i)) for i in range(collection.get_n_items())]


# Signals (more in jsonserver).

def gets(messages):
    """The fetches among @messages (whether writes emit `request` too is not
    what this test checks)."""
    return [msg for msg in messages if msg.get_method() == "GET"]


def record_changed(model):
    names = []
    model.connect("changed", lambda _model, name: names.append(name))
    return names


def record_saving(resource):
    """The value of `saving` at each notify::saving."""
    values = []
    resource.connect("notify::saving", lambda r, _pspec: values.append(r.props.saving))
    return values


def record_splices(collection):
    splices = []
    collection.connect("items-changed", lambda _model, *splice: splices.append(splice))
    return splices


class Call:
    """One asynchronous call: pass call.callback as its callback, check what
    it did at once, then wait()."""

    def __init__(self, finish, at_completion=None):
        self.finish = finish
        self.at_completion = at_completion
        self.done = False
        self.value = None
        self.error = None
        self.seen = None

    def callback(self, _source, result):
        try:
            self.value = self.finish(result)
        except GLib.Error as error:
            self.error = error
        if self.at_completion is not None:
            self.seen = self.at_completion()
        self.done = True

    def wait(self):
        return iterate_until(lambda: self.done)

    def succeeded(self):
        return self.done and self.error is None

    def describe(self):
        if not self.done:
            return "did not complete"
        return f"error: {self.error}" if self.error else f"returned {self.value!r}"


def fetch(resource, flags, at_completion=None):
    call = Call(resource.fetch_finish, at_completion)
    resource.fetch_async(flags, None, call.callback)
    call.wait()
    return call


# The parts of the test.

def test_put(tap, server, snapshots):
    post = Post(url=server.url("/posts/1"), snapshot_directory=snapshots)
    tap.ok(fetch(post, Cacheit.FetchFlags.NONE).succeeded(), "PUT: fetched /posts/1")
    before = attributes(post)
    tap.equal(before, server_data(server, "/posts/1"), "PUT: the model holds json-server's /posts/1")

    # Another client adds a member: only json-server has it. A PUT replaces
    # the whole object, so it must be gone afterwards (a PATCH would keep it).
    status, _ = http(server, "PATCH", "/posts/1", {"extra": "only on the server"})
    tap.equal(status, 200, "PUT: another client added a member to /posts/1")

    changed = record_changed(post)
    notified = record_notify(post)
    saving = record_saving(post)
    counter = count_signals(post)
    messages = record_messages(post)

    # published is set to its current value: no changed::published.
    changes = {"title": "saved with PUT", "views": 300, "author": None, "published": True}
    expected = dict(before, **changes)
    call = Call(post.save_finish)
    post.save_async(to_object(changes), Cacheit.SaveFlags.NONE, None, call.callback)

    tap.equal(sorted(changed), ["author", "title", "views"],
              "PUT: the changes show at once: changed::author, ::title, ::views, none for published")
    tap.equal(sorted(TYPED & set(notified)), ["title", "views"],
              "PUT: typed notify of title and views only")
    tap.equal((post.props.title, post.props.views, post.props.published), ("saved with PUT", 300, True),
              "PUT: the typed properties hold the changes at once")
    tap.equal(attributes(post), expected, "PUT: the attributes hold the changes at once (author is null)")
    tap.equal((post.props.saving, saving), (True, [True]), "PUT: saving is TRUE, notified, while in flight")

    changed.clear()
    tap.ok(call.wait() and call.succeeded() and call.value is True,
           "PUT: save_finish() returned TRUE", call.describe())
    tap.equal(changed, [], "PUT: json-server's answer equals what was sent: no further changed")
    tap.equal((post.props.saving, saving), (False, [True, False]), "PUT: saving is FALSE, notified, once answered")
    tap.equal(attributes(post), expected, "PUT: the attributes are the saved ones")
    tap.equal(server_data(server, "/posts/1"), expected,
              "PUT: json-server holds exactly the whole object sent (the member only it had is gone)")
    tap.equal((counter["error"], counter["sync"], post.props.last_error), (0, 0, None),
              "PUT: no error or sync signal, no last-error")

    # Validators are forgotten after a write: the next reload is a full GET.
    tap.equal(gets(messages), [], "PUT: the save made no GET")
    tap.ok(fetch(post, Cacheit.FetchFlags.RELOAD).succeeded(), "PUT: a reload after the save succeeded")
    reloads = gets(messages)
    tap.equal(len(reloads), 1, "PUT: the reload made one request")
    if reloads:
        tap.equal(sent(reloads[0], "If-None-Match"), None,
                  "PUT: the reload after the save sent no If-None-Match (validators forgotten)")
        tap.equal(reloads[0].get_status(), 200, "PUT: json-server answered the reload 200")
    tap.equal((changed, counter["sync"]), ([], 0), "PUT: the reload of the saved data emitted no changed, no sync")
    tap.equal(attributes(post), expected, "PUT: the reloaded data is the saved data")


def test_patch(tap, server, snapshots):
    post = Post(url=server.url("/posts/2"), snapshot_directory=snapshots)
    tap.ok(fetch(post, Cacheit.FetchFlags.NONE).succeeded(), "PATCH: fetched /posts/2")
    before = attributes(post)
    tap.equal(before, server_data(server, "/posts/2"), "PATCH: the model holds json-server's /posts/2")

    # Another client changes author behind the model's back. A PATCH sends
    # only views, so json-server keeps this author; a PUT would overwrite it.
    status, _ = http(server, "PATCH", "/posts/2", {"author": "another client"})
    tap.equal(status, 200, "PATCH: another client changed author of /posts/2")

    changed = record_changed(post)
    notified = record_notify(post)
    saving = record_saving(post)
    call = Call(post.save_finish)
    post.save_async(to_object({"views": 8}), Cacheit.SaveFlags.PATCH, None, call.callback)

    tap.equal(changed, ["views"], "PATCH: changed::views at once, nothing else")
    tap.equal(sorted(TYPED & set(notified)), ["views"], "PATCH: typed notify of views only")
    tap.equal(attributes(post), dict(before, views=8), "PATCH: the attributes hold the change at once")
    tap.equal(saving, [True], "PATCH: saving became TRUE")

    changed.clear()
    notified.clear()
    tap.ok(call.wait() and call.succeeded() and call.value is True,
           "PATCH: save_finish() returned TRUE", call.describe())
    expected = dict(before, views=8, author="another client")
    tap.equal(server_data(server, "/posts/2"), expected,
              "PATCH: json-server changed views only and kept the other members (author of the other client)")
    tap.equal(changed, ["author"], "PATCH: json-server's answer brought changed::author, nothing else")
    tap.equal(attributes(post), expected, "PATCH: the model equals json-server's object")
    tap.equal((post.props.saving, saving), (False, [True, False]), "PATCH: saving is FALSE once answered")


def test_failure(tap, server, snapshots):
    status, _ = http(server, "POST", "/posts", {"id": 999, "title": "short-lived", "views": 1})
    tap.equal(status, 201, "failure: another client created /posts/999")
    post = Post(url=server.url("/posts/999"), snapshot_directory=snapshots)
    tap.ok(fetch(post, Cacheit.FetchFlags.NONE).succeeded(), "failure: fetched /posts/999")
    before = attributes(post)
    tap.equal(before, {"id": 999, "title": "short-lived", "views": 1}, "failure: the model holds /posts/999")
    status, _ = http(server, "DELETE", "/posts/999")
    tap.equal(status, 200, "failure: another client deleted /posts/999")

    changed = record_changed(post)
    notified = record_notify(post)
    saving = record_saving(post)
    counter = count_signals(post)
    messages = record_messages(post)
    call = Call(post.save_finish)
    post.save_async(to_object({"title": "too late", "views": 2}), Cacheit.SaveFlags.NONE, None, call.callback)

    tap.equal(sorted(changed), ["title", "views"], "failure: changed::title and ::views at once")
    tap.equal((post.props.title, post.props.views), ("too late", 2), "failure: the change shows at once")

    changed.clear()
    notified.clear()
    tap.ok(call.wait(), "failure: the save completed", call.describe())
    error = call.error
    tap.ok(error is not None and error.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS),
           "failure: save_finish() failed with Cacheit.Error.HTTP_STATUS", call.describe())
    # Cacheit.error_get_http_status() cannot work from Python: PyGObject
    # turns the GLib.Error back into a new GError with only domain, code and
    # message (see its documentation). The message says the status.
    tap.ok(error is not None and "404" in error.message,
           "failure: the error is about json-server's 404", call.describe())
    if error is not None:
        tap.diag(f"Cacheit.error_get_http_status() from Python: {Cacheit.error_get_http_status(error)}")
    tap.equal(sorted(changed), ["title", "views"], "failure: the rollback emitted changed::title and ::views")
    tap.equal(sorted(TYPED & set(notified)), ["title", "views"], "failure: the rollback notified title and views")
    tap.equal(attributes(post), before, "failure: the attributes are what they were before the save")
    tap.equal((post.props.title, post.props.views), ("short-lived", 1), "failure: the typed properties too")
    tap.equal((counter["error"], gets(messages), post.props.last_error), (0, [], None),
              "failure: no error signal, no fetch, last-error untouched")
    tap.equal((post.props.saving, saving), (False, [True, False]), "failure: saving went TRUE then FALSE")
    tap.equal(http(server, "GET", "/posts/999")[0], 404, "failure: json-server still has no /posts/999")


def test_collection(tap, server, snapshots):
    posts = Cacheit.Collection.new(Post.__gtype__, server.url("/posts"))
    posts.props.snapshot_directory = snapshots
    tap.ok(fetch(posts, Cacheit.FetchFlags.NONE).succeeded(), "collection: fetched /posts")
    tap.equal(items(posts), server_data(server, "/posts"), "collection: it holds json-server's /posts")
    n = posts.get_n_items()

    splices = record_splices(posts)
    saving = record_saving(posts)
    counter = count_signals(posts)
    messages = record_messages(posts)

    # POST
    created_attributes = {"title": "created", "views": 0}
    call = Call(posts.create_finish)
    posts.create_async(to_object(created_attributes), Cacheit.SaveFlags.NONE, None, call.callback)
    tap.equal(splices, [(n, 0, 1)], f"POST: items-changed ({n}, 0, 1) at once")
    tap.equal(posts.get_n_items(), n + 1, "POST: the collection has one more item at once")
    item = posts.get_item(n) if posts.get_n_items() > n else None
    tap.ok(isinstance(item, Post), "POST: the new item is of item-type", f"got {item!r}")
    if item is None:
        return
    tap.equal(attributes(item), created_attributes, "POST: the new item has the attributes, and no id yet")
    tap.equal((item.props.title, item.props.views), ("created", 0), "POST: its typed properties are filled")
    tap.equal((posts.props.saving, saving), (True, [True]), "POST: the collection is saving")

    item_changed = record_changed(item)
    tap.ok(call.wait() and call.succeeded(), "POST: create_finish() succeeded", call.describe())
    tap.ok(call.value is item, "POST: create_finish() returned the same object", f"got {call.value!r}")
    tap.equal(item_changed, ["id"], "POST: json-server's answer brought changed::id, nothing else")
    tap.equal(splices, [(n, 0, 1)], "POST: no further items-changed")
    tap.ok(posts.get_n_items() == n + 1 and posts.get_item(n) is item,
           "POST: the item stays at its place, the same object")
    new_id = attributes(item).get("id")
    tap.ok(isinstance(new_id, int), "POST: json-server assigned a numeric id", f"got {new_id!r}")
    tap.equal(server_data(server, f"/posts/{new_id}"), dict(created_attributes, id=new_id),
              "POST: json-server has the new post (urllib GET)")
    tap.equal(attributes(item), dict(created_attributes, id=new_id), "POST: the item equals json-server's post")
    tap.equal(item.props.url, server.url(f"/posts/{new_id}"), "POST: the item's url is /posts/<id>")
    tap.ok(posts.get_by_id(str(new_id)) is item, "POST: get_by_id() finds the same object")
    tap.equal((posts.props.saving, saving), (False, [True, False]), "POST: saving is FALSE once answered")

    # DELETE
    victim = posts.get_item(0)
    victim_id = attributes(victim)["id"]
    splices.clear()
    saving.clear()
    call = Call(victim.destroy_finish)
    victim.destroy_async(Cacheit.SaveFlags.NONE, None, call.callback)
    tap.equal(splices, [(0, 1, 0)], "DELETE: items-changed (0, 1, 0) at once")
    tap.equal(posts.get_n_items(), n, "DELETE: the collection has one item less at once")
    tap.equal(posts.get_by_id(str(victim_id)), None, "DELETE: get_by_id() no longer finds it")
    tap.equal((posts.props.saving, saving), (True, [True]), "DELETE: the collection is saving")
    tap.ok(call.wait() and call.succeeded() and call.value is True,
           "DELETE: destroy_finish() returned TRUE", call.describe())
    tap.equal(splices, [(0, 1, 0)], "DELETE: no further items-changed")
    tap.equal(http(server, "GET", f"/posts/{victim_id}")[0], 404,
              f"DELETE: json-server no longer has /posts/{victim_id}")
    tap.equal((posts.props.saving, saving), (False, [True, False]), "DELETE: saving is FALSE once answered")
    tap.equal((gets(messages), counter["error"]), ([], 0), "the writes made no fetch, emitted no error")
    tap.diag(f"requests signalled by the writes: {[msg.get_method() for msg in messages]}")
    del messages[:]

    # A reload after the writes: a full GET (validators forgotten), and
    # nothing to emit, as the collection already holds json-server's data.
    splices.clear()
    items_changed = [record_changed(posts.get_item(i)) for i in range(posts.get_n_items())]
    tap.ok(fetch(posts, Cacheit.FetchFlags.RELOAD).succeeded(), "reload: the reload after the writes succeeded")
    reloads = gets(messages)
    tap.equal(len(reloads), 1, "reload: one request")
    if reloads:
        tap.equal(sent(reloads[0], "If-None-Match"), None,
                  "reload: no If-None-Match after the writes (validators forgotten)")
        tap.equal(reloads[0].get_status(), 200, "reload: json-server answered 200")
    tap.equal(items(posts), server_data(server, "/posts"),
              "reload: the collection equals json-server's /posts, item by item")
    tap.equal(splices, [], "reload: no items-changed (the data in hand was json-server's)")
    tap.equal([names for names in items_changed if names], [], "reload: no changed on any item")
    tap.equal(counter["sync"], 0, "reload: no sync (the data is identical to what the collection holds)")


def test_snapshot(tap, server, snapshots):
    a = Cacheit.Collection.new(Post.__gtype__, server.url("/posts"))
    a.props.snapshot_directory = snapshots
    tap.equal(a.props.snapshot_directory, snapshots, "snapshot: snapshot-directory is what was set")
    tap.ok(fetch(a, Cacheit.FetchFlags.NONE).succeeded(), "snapshot: collection A fetched /posts")
    tap.equal(a.props.origin, Cacheit.Origin.NETWORK, "snapshot: A's origin is NETWORK")
    a_items = items(a)
    tap.equal(a_items, server_data(server, "/posts"), "snapshot: A holds json-server's /posts")

    server.kill()
    tap.ok(not is_listening(server.port), "snapshot: json-server was killed")

    b = Cacheit.Collection.new(Post.__gtype__, server.url("/posts"))
    b.props.snapshot_directory = snapshots
    b.props.retry_limit = 0
    splices = record_splices(b)
    counter = count_signals(b)
    call = fetch(b, Cacheit.FetchFlags.NONE,
                 lambda: (b.props.origin, b.props.fetched, b.get_n_items()))
    tap.ok(call.succeeded(), "snapshot: B's fetch completed with json-server down", call.describe())
    tap.equal(call.seen, (Cacheit.Origin.DISK, True, len(a_items)),
              "snapshot: at completion, origin DISK, fetched, the items of the snapshot")
    tap.equal(items(b), a_items, "snapshot: B's items equal A's, item by item")
    tap.equal([b.get_item(i).props.url for i in range(b.get_n_items())],
              [a.get_item(i).props.url for i in range(a.get_n_items())], "snapshot: with the same item urls")
    tap.equal(splices, [(0, 0, len(a_items))], f"snapshot: items-changed (0, 0, {len(a_items)})")
    tap.equal(counter["sync"], 1, "snapshot: one sync")
    tap.equal(b.props.stale, True, "snapshot: stale, as json-server's Cache-Control: no-cache says")
    tap.ok(b.props.last_updated is not None, "snapshot: last-updated is set")

    tap.ok(iterate_until(lambda: counter["error"] > 0), "snapshot: the request to json-server failed")
    iterate_for(0.2)
    tap.equal((counter["request"], counter["error"]), (1, 1),
              "snapshot: one revalidation request (retry-limit 0), one error signal")
    tap.ok(b.props.last_error is not None, "snapshot: last-error is set")
    tap.equal(b.props.origin, Cacheit.Origin.DISK, "snapshot: origin stays DISK after the failure")
    tap.equal((items(b), splices, counter["sync"]), (a_items, [(0, 0, len(a_items))], 1),
              "snapshot: the data stays, nothing emitted")

    tap.ok(server.restart(), "snapshot: json-server started again on the same port", server.log())
    call = fetch(b, Cacheit.FetchFlags.RELOAD)
    tap.ok(call.succeeded(), "snapshot: B's reload succeeded", call.describe())
    tap.equal(b.props.origin, Cacheit.Origin.NETWORK, "snapshot: origin is NETWORK after the reload")
    tap.ok(b.props.status in (200, 304), "snapshot: json-server answered", f"status {b.props.status}")
    tap.equal(b.props.last_error, None, "snapshot: last-error is cleared")
    tap.equal(items(b), server_data(server, "/posts"), "snapshot: B equals json-server's /posts")
    tap.equal(splices, [(0, 0, len(a_items))], "snapshot: the reload of the same data emitted no items-changed")


# Issue 14: writes whose connection is lost, behind a proxy.

def new_post(server):
    """A post only json-server has; returns the id json-server gave it."""
    status, data = http(server, "POST", "/posts", {"title": "before", "views": 1, "author": "x"})
    assert status == 201, status
    return data["id"]


def requests_of(proxy, method, path):
    """The connection numbers of the @method requests for @path through @proxy."""
    return [c for c, line in proxy.requests(method) if line.split(" ")[1] == path]


def wait_revalidated(resource, condition):
    """A plain fetch of @resource (stale) completes at once from the data in
    hand and revalidates it: waits until @condition holds."""
    call = fetch(resource, Cacheit.FetchFlags.NONE)
    return call.succeeded() and iterate_until(condition)


def test_lost_save(tap, server, proxy, snapshots, method, fresh):
    where = "a new connection" if fresh else "a reused connection"
    name = f"lost {method} on {where}"
    pid = new_post(server)
    path = f"/posts/{pid}"
    post = Post(url=proxy.url(path), snapshot_directory=snapshots)
    tap.ok(fetch(post, Cacheit.FetchFlags.NONE).succeeded(), f"{name}: fetched {path} through the proxy")
    before = attributes(post)
    if fresh:
        post.props.session = Soup.Session()
    changes = {"title": name}
    earlier = len(requests_of(proxy, method, path))
    proxy.drop(method)

    call = Call(post.save_finish)
    post.save_async(to_object(changes), Cacheit.SaveFlags.PATCH if method == "PATCH" else Cacheit.SaveFlags.NONE,
                    None, call.callback)
    call.wait()
    held = server_data(server, path)
    sent = requests_of(proxy, method, path)[earlier:]
    tap.equal(held, dict(before, **changes),
              f"{name}: json-server holds the whole object with the change (it applied it), "
              "never an object emptied by a body-less PUT")

    if method == "PUT" and not fresh:
        tap.ok(call.succeeded(), f"{name}: save_finish() succeeded: the library sent it again, whole",
               call.describe())
        tap.equal(len(sent), 2, f"{name}: sent twice, the second time on a new connection")
        if len(sent) == 2:
            tap.ok(sent[0] != sent[1], f"{name}: the second on a new connection", f"connections {sent}")
        tap.equal(attributes(post), held, f"{name}: the model equals json-server's object")
        return

    tap.ok(call.done and call.error is not None and call.error.domain == "g-io-error-quark",
           f"{name}: save_finish() fails with a G_IO_ERROR", call.describe())
    tap.equal(len(sent), 1, f"{name}: sent once, never again by libsoup or the library")
    tap.equal(attributes(post), before, f"{name}: the change is undone")
    tap.ok(post.props.stale, f"{name}: the model is invalidated (json-server may have applied it)")
    tap.ok(wait_revalidated(post, lambda: attributes(post) == held),
           f"{name}: its next fetch brings json-server's object", f"got {attributes(post)}")


def test_lost_create(tap, server, proxy, snapshots):
    name = "lost POST"
    posts = Cacheit.Collection.new(Post.__gtype__, proxy.url("/posts"))
    posts.props.snapshot_directory = snapshots
    tap.ok(fetch(posts, Cacheit.FetchFlags.NONE).succeeded(), f"{name}: fetched /posts through the proxy")
    n = posts.get_n_items()
    splices = record_splices(posts)
    earlier = len(requests_of(proxy, "POST", "/posts"))
    proxy.drop("POST")

    call = Call(posts.create_finish)
    posts.create_async(to_object({"title": name, "views": 2}), Cacheit.SaveFlags.NONE, None, call.callback)
    call.wait()
    held = [post for post in server_data(server, "/posts") if post.get("title") == name]
    tap.equal(len(held), 1, f"{name}: json-server holds the new post once (it applied it)")
    tap.equal(len(requests_of(proxy, "POST", "/posts")) - earlier, 1, f"{name}: sent once")
    tap.ok(call.done and call.error is not None and call.error.domain == "g-io-error-quark",
           f"{name}: create_finish() fails with a G_IO_ERROR", call.describe())
    tap.equal(splices, [(n, 0, 1), (n, 1, 0)], f"{name}: its item shows at once, and goes away again")
    tap.ok(posts.props.stale, f"{name}: the collection is invalidated")
    tap.ok(wait_revalidated(posts, lambda: items(posts) == server_data(server, "/posts")),
           f"{name}: its next fetch brings json-server's post, with its id")


def test_lost_destroy(tap, server, proxy, snapshots, fresh):
    where = "a new connection" if fresh else "a reused connection"
    name = f"lost DELETE on {where}"
    pid = new_post(server)
    path = f"/posts/{pid}"
    posts = Cacheit.Collection.new(Post.__gtype__, proxy.url("/posts"))
    posts.props.snapshot_directory = snapshots
    tap.ok(fetch(posts, Cacheit.FetchFlags.NONE).succeeded(), f"{name}: fetched /posts through the proxy")
    item = posts.get_by_id(str(pid))
    position = next(i for i in range(posts.get_n_items()) if posts.get_item(i) is item)
    if fresh:
        posts.props.session = Soup.Session()
    splices = record_splices(posts)
    earlier = len(requests_of(proxy, "DELETE", path))
    proxy.drop("DELETE")

    call = Call(item.destroy_finish)
    item.destroy_async(Cacheit.SaveFlags.NONE, None, call.callback)
    call.wait()
    tap.equal(http(server, "GET", path)[0], 404, f"{name}: json-server no longer has {path} (it applied it)")
    sent = requests_of(proxy, "DELETE", path)[earlier:]
    if not fresh:
        tap.ok(call.succeeded(), f"{name}: destroy_finish() succeeded: sent again, json-server's 404 "
               "is what it asked for", call.describe())
        tap.equal(len(sent), 2, f"{name}: sent twice")
        tap.equal(splices, [(position, 1, 0)], f"{name}: the item left the list once, for good")
        return

    tap.ok(call.done and call.error is not None and call.error.domain == "g-io-error-quark",
           f"{name}: destroy_finish() fails with a G_IO_ERROR", call.describe())
    tap.equal(len(sent), 1, f"{name}: sent once")
    tap.equal(splices, [(position, 1, 0), (position, 0, 1)], f"{name}: the item comes back")
    tap.ok(posts.props.stale, f"{name}: the collection is invalidated")
    tap.ok(wait_revalidated(posts, lambda: posts.get_by_id(str(pid)) is None),
           f"{name}: its next fetch removes it, as json-server has it no more")


def test_lost(tap, server, snapshots):
    proxy = DropProxy(server.port)
    try:
        for method in ("PUT", "PATCH"):
            for fresh in (False, True):
                test_lost_save(tap, server, proxy, os.path.join(snapshots, f"{method}-{fresh}"), method, fresh)
        test_lost_create(tap, server, proxy, os.path.join(snapshots, "POST"))
        for fresh in (False, True):
            test_lost_destroy(tap, server, proxy, os.path.join(snapshots, f"DELETE-{fresh}"), fresh)
    finally:
        proxy.stop()


def run(tap, server):
    with tempfile.TemporaryDirectory(prefix="cacheit-snapshots-") as snapshots:
        test_put(tap, server, os.path.join(snapshots, "put"))
        test_patch(tap, server, os.path.join(snapshots, "patch"))
        test_failure(tap, server, os.path.join(snapshots, "failure"))
        test_collection(tap, server, os.path.join(snapshots, "collection"))
        test_snapshot(tap, server, os.path.join(snapshots, "snapshot"))
        test_lost(tap, server, os.path.join(snapshots, "lost"))


if __name__ == "__main__":
    sys.exit(main(__doc__, run))
