#!/usr/bin/python3
# Models from Python: typed subclasses with GObject.Property, exact change
# notification (R9), and the typed getters.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

from cacheit_testlib import check, eq, main, test
from gi.repository import Cacheit, GObject, Json

NONE = Cacheit.FetchFlags.NONE
RELOAD = Cacheit.FetchFlags.RELOAD


class User(Cacheit.Model):
    __gtype_name__ = "CacheitPyTestUser"

    first_name = GObject.Property(type=str)
    age = GObject.Property(type=int, default=0)
    score = GObject.Property(type=float, default=0.0)
    active = GObject.Property(type=bool, default=False)


TYPED = {"first-name", "age", "score", "active"}

ADA = {"id": 1, "first_name": "Ada", "age": 36, "score": 99.5, "active": True, "city": "London"}


class Recorder:
    """What a model emits: typed notifications and changed details."""

    def __init__(self, model):
        self.notified = []
        self.changed = []
        self.syncs = 0
        model.connect("notify", self._on_notify)
        model.connect("changed", lambda m, name: self.changed.append(name))
        model.connect("sync", self._on_sync)

    def _on_notify(self, model, pspec):
        if pspec.name in TYPED:
            self.notified.append(pspec.name)

    def _on_sync(self, model):
        self.syncs += 1

    def clear(self):
        self.notified.clear()
        self.changed.clear()
        self.syncs = 0


def refetch(server, model, path, data):
    server.route(path, json=data)
    check(model.fetch(RELOAD, None), "fetch of %r" % (data,))


@test("typed model: str, int, float and bool GObject.Property filled from JSON; first_name fills first-name")
def test_typed_properties(server):
    path = "/typed"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    rec = Recorder(user)
    check(user.fetch(NONE, None), "fetch")
    eq(user.props.first_name, "Ada", "first-name")
    eq(user.get_property("first-name"), "Ada", "get_property('first-name')")
    eq(user.first_name, "Ada", "user.first_name")
    eq(user.props.age, 36, "age")
    eq(user.props.score, 99.5, "score")
    eq(user.props.active, True, "active")
    eq(sorted(rec.notified), sorted(TYPED), "notifications of the first fetch")
    eq(user.get_string("city"), "London", "an attribute without a property")
    eq(sorted(rec.changed), sorted(ADA), "changed details of the first fetch")


@test("typed model: the member first-name fills the property first-name too; an int fills a float")
def test_typed_hyphenated_member(server):
    path = "/typed-hyphen"
    server.route(path, json={"first-name": "Grace", "age": 85, "score": 3, "active": False})
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    eq(user.props.first_name, "Grace", "first-name")
    eq(user.props.score, 3.0, "score")
    eq(user.props.age, 85, "age")


@test("R9 change notification: a refetch notifies exactly the typed properties that changed")
def test_r9_notify_exact(server):
    path = "/r9-notify"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    rec = Recorder(user)

    refetch(server, user, path, dict(ADA, age=37))
    eq(rec.notified, ["age"], "notifications after age changed")
    eq(rec.changed, ["age"], "changed details after age changed")
    eq(user.props.age, 37, "age")

    rec.clear()
    refetch(server, user, path, dict(ADA, age=37, first_name="Augusta", active=False, score=12.25))
    eq(sorted(rec.notified), ["active", "first-name", "score"], "notifications after three changed")
    eq(sorted(rec.changed), ["active", "first_name", "score"], "changed details after three changed")
    eq((user.props.first_name, user.props.active, user.props.score), ("Augusta", False, 12.25),
       "properties")

    rec.clear()
    refetch(server, user, path, dict(ADA, age=37, first_name="Augusta", active=False, score=12.25,
                                     city="Paris"))
    eq(rec.notified, [], "notifications when only an untyped attribute changed")
    eq(rec.changed, ["city"], "changed details when only city changed")


@test("R9 change notification: changed::NAME is emitted for NAME alone, with the name")
def test_r9_changed_detail(server):
    path = "/r9-detail"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    ages, names, cities = [], [], []
    user.connect("changed::age", lambda m, name: ages.append((name, m.get_int("age"))))
    user.connect("changed::first_name", lambda m, name: names.append(name))
    user.connect("changed::city", lambda m, name: cities.append(name))

    refetch(server, user, path, dict(ADA, age=40))
    eq(ages, [("age", 40)], "changed::age")
    eq(names, [], "changed::first_name")
    eq(cities, [], "changed::city")

    refetch(server, user, path, dict(ADA, age=40, city="Paris", first_name="Ada"))
    eq(ages, [("age", 40)], "changed::age after city changed")
    eq(cities, ["city"], "changed::city")


@test("R9 change notification: an identical refetch makes a request and emits nothing, not even sync")
def test_r9_identical_refetch(server):
    path = "/r9-identical"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    rec = Recorder(user)
    # The same data, its members in another order.
    refetch(server, user, path, dict(reversed(list(ADA.items()))))
    eq(server.count(path), 2, "requests")
    eq(rec.syncs, 0, "sync emissions (sync means new data was applied)")
    eq(rec.notified, [], "notifications")
    eq(rec.changed, [], "changed emissions")


@test("R9 change notification: a removed or null member emits changed::NAME and resets its property")
def test_r9_removed_member(server):
    path = "/r9-removed"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    rec = Recorder(user)
    data = dict(ADA)
    del data["first_name"]
    del data["city"]
    data["age"] = None
    refetch(server, user, path, data)
    eq(sorted(rec.changed), ["age", "city", "first_name"], "changed details")
    eq(sorted(rec.notified), ["age", "first-name"], "notifications")
    eq(user.props.age, 0, "age after it became null (the property's default)")
    eq(user.props.first_name, user.find_property("first-name").default_value,
       "first-name after its member went away (the property's default)")
    check(not user.has("city"), "has('city') after city went away")


@test("typed model: a value that cannot be converted leaves the property unchanged, without notify")
def test_unconvertible_value(server):
    path = "/typed-bad"
    server.route(path, json=ADA)
    user = User(url=server.url(path))
    check(user.fetch(NONE, None), "fetch")
    rec = Recorder(user)
    refetch(server, user, path, dict(ADA, age="thirty-six", active="yes", score=[1]))
    eq(user.props.age, 36, "age")
    eq(user.props.active, True, "active")
    eq(user.props.score, 99.5, "score")
    eq(rec.notified, [], "notifications")
    eq(sorted(rec.changed), ["active", "age", "score"], "changed details")
    eq(user.get_string("age"), "thirty-six", "the attribute holds the new value")


@test("model getters: get_string, get_int, get_double, get_boolean, has, get_attribute, get_attributes")
def test_getters(server):
    path = "/getters"
    server.route(path, json={"s": "text", "i": 9007199254740993, "d": 2.5, "b": True,
                             "n": None, "o": {"k": [1, 2]}})
    model = Cacheit.Model(url=server.url(path))
    eq(model.get_attributes().get_size(), 0, "attributes before any fetch")
    check(model.fetch(NONE, None), "fetch")
    eq(model.get_string("s"), "text", "get_string")
    eq(model.get_string("i"), None, "get_string of a number")
    eq(model.get_int("i"), 9007199254740993, "get_int of a 64-bit integer")
    eq(model.get_int("d"), 2, "get_int of a double")
    eq(model.get_double("d"), 2.5, "get_double")
    eq(model.get_double("i"), float(9007199254740993), "get_double of an integer")
    eq(model.get_boolean("b"), True, "get_boolean")
    eq(model.get_boolean("s"), False, "get_boolean of a string")
    eq(model.get_int("missing"), 0, "get_int of a missing attribute")
    check(model.has("n"), "has() of a null attribute")
    check(not model.has("missing"), "has() of a missing attribute")
    eq(model.get_attribute("n").get_node_type(), Json.NodeType.NULL, "get_attribute of null")
    eq(model.get_attribute("missing"), None, "get_attribute of a missing attribute")
    o = model.get_attribute("o")
    eq(o.get_node_type(), Json.NodeType.OBJECT, "get_attribute of an object")
    eq(o.get_object().get_array_member("k").get_length(), 2, "nested array")
    eq(sorted(model.get_attributes().get_members()), ["b", "d", "i", "n", "o", "s"], "members")


if __name__ == "__main__":
    main()
