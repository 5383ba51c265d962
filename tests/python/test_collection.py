#!/usr/bin/python3
# Collections from Python: a GListModel of typed Python items, items made on
# demand (R11), merged by id on a refetch (R10).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from cacheit_testlib import CACHEIT_DOMAIN, check, eq, expect_error, main, test
from gi.repository import Cacheit, Gio, GObject, Json, Soup

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD


class Row(Cacheit.Model):
    __gtype_name__ = "CacheitPyTestRow"

    name = GObject.Property(type=str)
    rank = GObject.Property(type=int, default=0)


def rows(spec):
    """"1 2:two 3" → [{"id": 1, "name": "row 1", "rank": 1}, {"id": 2, "name": "two", ...}, ...]"""
    result = []
    for word in spec.split():
        ident, _, name = word.partition(":")
        result.append({"id": int(ident), "name": name or "row " + ident, "rank": int(ident)})
    return result


def names(collection):
    return " ".join(collection.get_item(i).props.name for i in range(collection.get_n_items()))


class Splices:
    def __init__(self, collection):
        self.splices = []
        collection.connect("items-changed", lambda m, pos, removed, added:
                           self.splices.append((pos, removed, added)))


def refetch(server, collection, path, spec):
    server.route(path, json=rows(spec))
    check(collection.fetch(RELOAD, None), "fetch of %r" % spec)


@test("collection: a GListModel of a Python item-type, with typed properties filled")
def test_collection_typed_items(server):
    path = "/rows"
    server.route(path, json=rows("1 2 3"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(isinstance(collection, Gio.ListModel), "not a Gio.ListModel")
    eq(collection.get_item_type(), Row.__gtype__, "get_item_type")
    eq(collection.props.item_type, Row.__gtype__, "item-type")
    eq(collection.get_n_items(), 0, "n-items before any fetch")
    splices = Splices(collection)
    notified = []
    collection.connect("notify::n-items", lambda c, p: notified.append(c.props.n_items))
    check(collection.fetch(NONE, None), "fetch")
    eq(collection.get_n_items(), 3, "get_n_items")
    eq(collection.props.n_items, 3, "n-items")
    eq(splices.splices, [(0, 0, 3)], "items-changed")
    eq(notified, [3], "notify::n-items")
    item = collection.get_item(1)
    check(isinstance(item, Row), "the item is a %r" % type(item))
    eq((item.props.name, item.props.rank), ("row 2", 2), "the item's properties")
    eq(item.get_int("id"), 2, "the item's id attribute")
    eq(collection.get_item(3), None, "get_item past the end")
    eq(names(collection), "row 1 row 2 row 3", "names")


@test("R11 items on demand: get_item twice gives the same object; get_by_id matches a numeric id")
def test_r11_same_object(server):
    path = "/rows-r11"
    server.route(path, json=rows("50 7 9"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    first = collection.get_item(0)
    check(collection.get_item(0) is first, "get_item made another object")
    check(collection.get_by_id("50") is first, "get_by_id('50') is not item 0")
    eq(collection.get_by_id("8"), None, "get_by_id of a missing id")
    eq(collection.get_by_id("9").props.name, "row 9", "get_by_id('9')")


@test("R10 merge by id: a persisting id keeps its object, updated in place with exact signals")
def test_r10_identity(server):
    path = "/rows-r10"
    server.route(path, json=rows("1 2 3"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    two = collection.get_item(1)
    three = collection.get_item(2)
    notified, changed, untouched = [], [], []
    two.connect("notify", lambda o, p: notified.append(p.name))
    two.connect("changed", lambda o, name: changed.append(name))
    three.connect("notify", lambda o, p: untouched.append(p.name))
    three.connect("changed", lambda o, name: untouched.append(name))
    splices = Splices(collection)

    refetch(server, collection, path, "1 2:two 3 4")
    eq(splices.splices, [(3, 0, 1)], "items-changed")
    check(collection.get_item(1) is two, "item 2 is another object after the refetch")
    eq(two.props.name, "two", "item 2's name")
    eq(notified, ["name"], "notify of item 2")
    eq(changed, ["name"], "changed of item 2")
    eq(untouched, [], "signals of item 3")
    eq(names(collection), "row 1 two row 3 row 4", "names")


@test("R10 merge by id: removals, insertions and moves give exact items-changed; order follows the response")
def test_r10_splices(server):
    cases = [
        ("1 2 3 4", "1 4", [(1, 2, 0)]),
        ("1 2 3", "0 1 2 3", [(0, 0, 1)]),
        ("1 2 3", "4 5 6", [(0, 3, 3)]),
        ("1 2 3", "", [(0, 3, 0)]),
    ]
    for number, (before, after, expected) in enumerate(cases):
        path = "/rows-splices-%d" % number
        server.route(path, json=rows(before))
        collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
        check(collection.fetch(NONE, None), "fetch")
        kept = {collection.get_item(i).get_int("id"): collection.get_item(i)
                for i in range(collection.get_n_items())}
        splices = Splices(collection)
        refetch(server, collection, path, after)
        eq(splices.splices, expected, "items-changed for %r → %r" % (before, after))
        eq(names(collection), " ".join("row " + w for w in after.split()), "names after %r" % after)
        for i in range(collection.get_n_items()):
            item = collection.get_item(i)
            if item.get_int("id") in kept:
                check(kept[item.get_int("id")] is item, "id %d got another object" % item.get_int("id"))

    # A move: whatever the splices, replaying them must give the new order.
    path = "/rows-move"
    server.route(path, json=rows("1 2 3 4 5"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    mirror = [collection.get_item(i) for i in range(collection.get_n_items())]

    def replay(model, position, removed, added):
        mirror[position:position + removed] = [model.get_item(position + i) for i in range(added)]

    collection.connect("items-changed", replay)
    refetch(server, collection, path, "5 1 3 2 4")
    eq(" ".join(str(item.get_int("id")) for item in mirror), "5 1 3 2 4", "replayed order")
    eq(names(collection), "row 5 row 1 row 3 row 2 row 4", "names")


@test("R10 identical refetch: no items-changed, no item signal, no sync")
def test_r10_identical(server):
    path = "/rows-identical"
    server.route(path, json=rows("1 2 3"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    item = collection.get_item(2)
    log = []
    item.connect("notify", lambda o, p: log.append("notify " + p.name))
    item.connect("changed", lambda o, name: log.append("changed " + name))
    collection.connect("sync", lambda c: log.append("sync"))
    splices = Splices(collection)
    refetch(server, collection, path, "1 2 3")
    eq(server.count(path), 2, "requests")
    eq(splices.splices, [], "items-changed")
    eq(log, [], "signals")


@test("R5 collection: an object instead of an array is CACHEIT_ERROR_WRONG_SHAPE, items kept")
def test_r5_collection_wrong_shape(server):
    path = "/rows-shape"
    server.route(path, json=rows("1 2"))
    collection = Cacheit.Collection.new(Row.__gtype__, server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    first = collection.get_item(0)
    splices = Splices(collection)
    server.route(path, json={"id": 1})
    expect_error(lambda: collection.fetch(RELOAD, None), CACHEIT_DOMAIN, Cacheit.Error.WRONG_SHAPE)
    eq(collection.get_n_items(), 2, "n-items after the failure")
    check(collection.get_item(0) is first, "item 0 changed")
    eq(splices.splices, [], "items-changed")


@test("collection: root-pointer, id-attribute, and an item's own URL (collection URL/id, cached)")
def test_collection_pointer_id_url(server):
    path = "/rows-envelope"
    items = [{"uuid": "a-1", "name": "first"}, {"uuid": "b-2", "name": "second"}]
    server.route(path, json={"results": {"items": items}, "total": 2})
    collection = Cacheit.Collection(item_type=Row.__gtype__, url=server.url(path),
                                    root_pointer="/results/items")
    eq(collection.get_id_attribute(), "id", "default id-attribute")
    collection.set_id_attribute("uuid")
    check(collection.fetch(NONE, None), "fetch")
    eq(names(collection), "first second", "names")
    second = collection.get_by_id("b-2")
    check(second is collection.get_item(1), "get_by_id('b-2')")

    eq(second.props.url, server.url(path) + "/b-2", "the item's URL")
    server.route(path + "/b-2", json={"uuid": "b-2", "name": "second, in full", "rank": 2})
    check(second.fetch(NONE, None), "fetch of the item")
    check(second.fetch(NONE, None), "cached fetch of the item")
    eq(server.count(path + "/b-2"), 1, "requests for the item")
    eq((second.props.name, second.props.rank), ("second, in full", 2), "the item's properties")


@test("collection: a Python item fetches its detail as the collection was configured in "
      "Python: its Soup.Session, its request handler's Authorization header, its retry-limit "
      "(issue 14, R14)")
def test_collection_item_requests(server):
    path = "/rows-auth"
    server.route(path, json=rows("1 2"))
    server.route(path + "/2", json={"id": 2, "name": "two, in full", "rank": 2})
    session = Soup.Session(user_agent="cacheit-python-items/1")
    collection = Cacheit.Collection(item_type=Row.__gtype__, url=server.url(path),
                                    session=session, retry_limit=0,
                                    snapshot_policy=Cacheit.SnapshotPolicy.NONE)
    seen = []

    def add_token(resource, message):
        message.get_request_headers().replace("Authorization", "Bearer python-token")
        seen.append((resource.props.url, message.get_uri().get_path()))

    collection.connect("request", add_token)
    check(collection.fetch(NONE, None), "fetch")
    two = collection.get_by_id("2")
    eq(two.props.session, session, "the item's session")
    eq(two.props.retry_limit, 0, "the item's retry-limit")
    collection.props.retry_limit = 2
    eq(two.props.retry_limit, 2, "the item's retry-limit after the collection's changed")

    check(two.fetch(NONE, None), "fetch of the item")
    eq(two.props.name, "two, in full", "the item's name")
    headers = server.stats(path + "/2")["last_headers"]
    eq(headers.get("Authorization"), "Bearer python-token", "the item's Authorization header")
    eq(headers.get("User-Agent"), "cacheit-python-items/1", "the item's User-Agent")
    eq(seen[-1], (collection.props.url, "/rows-auth/2"), "request emitted on the collection")


class EnvelopeRows(Cacheit.Collection):
    __gtype_name__ = "CacheitPyTestEnvelopeRows"

    def do_parse(self, response):
        return response.get_object().get_member("rows")


@test("collection: do_parse overridden in Python (the slow path) unwraps an envelope")
def test_collection_do_parse(server):
    path = "/rows-parse"
    server.route(path, json={"rows": rows("1 2 3")})
    collection = EnvelopeRows(item_type=Row.__gtype__, url=server.url(path))
    check(collection.fetch(NONE, None), "fetch")
    eq(names(collection), "row 1 row 2 row 3", "names")
    two = collection.get_item(1)
    server.route(path, json={"rows": rows("2 3")})
    check(collection.fetch(RELOAD, None), "refetch")
    check(collection.get_item(0) is two, "item 2 is another object")
    eq(collection.get_item(0).get_attribute("name").get_node_type(), Json.NodeType.VALUE, "attribute")


if __name__ == "__main__":
    main()
