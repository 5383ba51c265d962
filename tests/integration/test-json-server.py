#!/usr/bin/python3
# test-json-server.py: cacheit-glib against json-server, a real server process
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Starts json-server on 127.0.0.1 with a copy of db.json (next to this file)
# on a free port, and checks through the typelib, as a Python application
# would:
#
# - a fetch of /posts/1 (attributes and typed properties), that callers join
#   one request, and that a second fetch of fresh data is answered from the
#   cache (counted with the `request` signal, as json-server cannot tell how
#   many requests it served);
# - HTTP revalidation: json-server (Express) sends a weak ETag (W/"...");
#   the resource keeps it as received, and a reload sends it back in
#   If-None-Match and gets 304 Not Modified: status 304, no `sync`, no
#   `changed`, no typed-property notify, the data unchanged, `last-updated`
#   advanced. A Cacheit.Collection of /posts revalidates the same way, with
#   no items-changed;
# - after the test changes /posts/1 with a PATCH (urllib, from this script),
#   a reload gets 200 with the new data, `sync` and `changed`;
# - no-cache: json-server sends `Cache-Control: no-cache`, so its data is
#   stale at once (max-age -1 follows the server) and never handed to a
#   caller before json-server confirmed it (RFC 9111, 5.2.2.4): a plain
#   fetch waits for the revalidation, one request for all who wait: a 304
#   (nothing emitted) for the collection, and, after a PUT to /posts/2, a
#   200 with `sync` and `changed` before the callers complete. The first part sets max-age to an hour on /posts/1 to check
#   that fresh data is answered from the cache without a request;
# - /posts/999 fails with Cacheit.Error.HTTP_STATUS and status 404, and is
#   not retried;
# - R13: a collection of /posts?author=typicode whose URL changes to
#   ?author=gnome shows the old list as a placeholder, then asks the new URL
#   on a plain fetch and merges its list; ten searches (?q=...) set and
#   fetched at once end with the last one's list, applied once, and one
#   request;
# - query parameters set without string building (set_query_params,
#   set_query_param, set_query_values, dup_query_param), which json-server
#   filters and pages with, and the last response's headers (its
#   X-Total-Count and Link), with dup_link() to page by hand;
# - paginated collections over /pages (23 items): Link paging by default,
#   load_more joined by its callers, one request per page, the total from
#   X-Total-Count, a 304 on the first page keeping every page and a changed
#   one dropping the others; PAGE and OFFSET paging computed from the URL.
#
# json-server runs without --read-only (the test changes its data) on a
# temporary copy of db.json.
#
# json-server is found, in this order, at $CACHEIT_JSON_SERVER, at the path
# given with --json-server, or on PATH. Without it the test is skipped.
#
# Output is TAP.

import sys
import time

# First, before gi: jsonserver sets XDG_CACHE_HOME, then imports gi itself
# (see there).
from jsonserver import (FETCH_TIMEOUT, TYPED, Post, count_signals, http, iterate_for,
                        iterate_until, main, received, record_messages, record_notify, sent)

from gi.repository import Cacheit, GLib


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
    # /posts/1: three callers at once share one request. json-server says
    # `Cache-Control: no-cache`; max-age overrides it with an hour, so that
    # this post's data is fresh and a plain fetch is answered from the cache
    # alone (stale data is checked further down, with max-age -1).
    post = Post(url=server.url("/posts/1"), max_age=3600)
    counter = count_signals(post)
    messages = record_messages(post)
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

    # json-server's ETag is a weak one, and the resource keeps it.
    etag = received(messages[0], "ETag")
    tap.ok(etag is not None and etag.startswith('W/"'), "json-server sent a weak ETag",
           f"ETag: {etag!r}")
    tap.equal(sent(messages[0], "If-None-Match"), None, "the first request sent no If-None-Match")
    tap.equal(post.props.origin, Cacheit.Origin.NETWORK, "origin is NETWORK")
    tap.equal(post.props.stale, False, "stale is FALSE with max-age 3600")
    last_updated = post.props.last_updated
    tap.ok(isinstance(last_updated, GLib.DateTime), "last-updated is a GLib.DateTime",
           f"got {last_updated!r}")

    # A reload makes one; json-server answers the same data, so nothing
    # changes: the reload sends the ETag back, and json-server answers 304.
    # (A second passes first, so that last-updated advances whatever its
    # resolution.)
    time.sleep(1.1)
    changed = []
    post.connect("changed", lambda _model, name: changed.append(name))
    notified = record_notify(post)
    post.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal(counter["request"], 2, "a reload made one request")
    tap.equal(changed, [], "a reload of identical data emitted no changed signal")
    tap.equal(sent(messages[1], "If-None-Match"), etag,
              "the reload sent If-None-Match with the weak ETag as received")
    tap.equal(messages[1].get_status(), 304, "json-server answered the reload 304 Not Modified")
    tap.equal(post.props.status, 304, "status is 304")
    tap.equal(counter["sync"], 1, "a 304 emitted no sync")
    tap.equal(counter["error"], 0, "a 304 emitted no error")
    tap.equal(sorted(TYPED & set(notified)), [], "a 304 notified no typed property")
    tap.equal((post.props.title, post.props.views, post.get_string("author")),
              ("json-server", 254, "typicode"), "the data is unchanged after a 304")
    tap.ok(post.props.last_updated is not None and post.props.last_updated.difference(last_updated) > 0,
           "last-updated advanced with the 304",
           f"before {last_updated.format_iso8601()}, after "
           f"{post.props.last_updated.format_iso8601() if post.props.last_updated else None}")
    tap.ok("last-updated" in notified, "notify::last-updated on a 304", f"notified: {notified}")

    # A Cacheit.Collection of /posts revalidates the same way.
    posts = Cacheit.Collection.new(Post.__gtype__, server.url("/posts"))
    posts_counter = count_signals(posts)
    posts_messages = record_messages(posts)
    splices = []
    posts.connect("items-changed", lambda _model, *splice: splices.append(splice))
    posts.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal(posts.get_n_items(), 2, "/posts has two items")
    tap.equal(posts.props.stale, True, "json-server's Cache-Control: no-cache makes the data stale at once")
    first_item = posts.get_item(0)
    splices.clear()
    posts.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal(posts_counter["request"], 2, "a reload of /posts made one request")
    posts_etag = received(posts_messages[0], "ETag")
    tap.ok(posts_etag is not None and sent(posts_messages[1], "If-None-Match") == posts_etag,
           "the reload of /posts sent If-None-Match with the weak ETag",
           f"ETag {posts_etag!r}, If-None-Match {sent(posts_messages[1], 'If-None-Match')!r}")
    tap.equal(posts.props.status, 304, "/posts revalidated with 304")
    tap.equal(splices, [], "a 304 of /posts emitted no items-changed")
    tap.equal(posts_counter["sync"], 1, "a 304 of /posts emitted no sync")
    tap.ok(posts.get_n_items() == 2 and posts.get_item(0) is first_item,
           "the items of /posts are kept after a 304")

    # no-cache with a 304: plain fetches of the (stale) data wait for one
    # revalidation, which json-server answers 304 before they complete.
    outcomes = fetch_async_many(posts, 2)
    tap.ok(len(outcomes) == 2 and all(error is None for _, error in outcomes),
           "plain fetches of no-cache /posts completed",
           "\n".join(str(error) for _, error in outcomes if error))
    tap.ok(len(posts_messages) >= 3 and posts_messages[2].get_status() == 304,
           "they waited for a revalidation of /posts, answered 304",
           f"{len(posts_messages)} requests, statuses "
           f"{[m.get_status() for m in posts_messages]}")
    iterate_for(0.2)
    tap.equal(posts_counter["request"], 3, "two plain fetches of no-cache data made one request")
    tap.equal((splices, posts_counter["sync"], posts_counter["error"]), ([], 1, 0),
              "the 304 emitted no items-changed, sync or error")

    # Another client changes /posts/1: the reload sends the old ETag, and gets
    # 200 with the new data.
    status, _ = http(server, "PATCH", "/posts/1", {"title": "json-server, patched", "views": 300})
    tap.equal(status, 200, "PATCH /posts/1")
    changed.clear()
    notified.clear()
    post.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal(counter["request"], 3, "a reload after the PATCH made one request")
    tap.equal(sent(messages[2], "If-None-Match"), etag, "it sent the ETag of the data in hand")
    tap.equal((messages[2].get_status(), post.props.status), (200, 200),
              "json-server answered 200 after the PATCH")
    tap.equal(counter["sync"], 2, "the new data emitted sync")
    tap.equal(sorted(changed), ["title", "views"], "the new data emitted changed::title and changed::views")
    tap.equal((post.props.title, post.props.views, post.get_string("title")),
              ("json-server, patched", 300, "json-server, patched"), "the data is the new one")
    tap.ok("title" in notified and "views" in notified, "the typed properties were notified",
           f"notified: {notified}")
    new_etag = received(messages[2], "ETag")
    tap.ok(new_etag is not None and new_etag != etag, "json-server sent a new ETag",
           f"{etag!r}, then {new_etag!r}")
    post.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal((sent(messages[3], "If-None-Match"), post.props.status), (new_etag, 304),
              "the next reload sends the new ETag and gets 304")

    # no-cache with new data: /posts/2 with max-age -1 (as the server says:
    # no-cache, stale at once). Another client replaces it with a PUT; two
    # plain fetches wait for one revalidation (RFC 9111, 5.2.2.4), whose new
    # data arrives as sync and changed before they complete.
    other = Post(url=server.url("/posts/2"))
    other_counter = count_signals(other)
    other_messages = record_messages(other)
    other.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal((other.props.max_age, other.props.stale), (-1, True),
              "/posts/2: max-age -1, and stale at once after json-server's no-cache")
    status, _ = http(server, "PUT", "/posts/2",
                       {"id": 2, "title": "cacheit-glib, put", "author": "gnome", "views": 8,
                        "rating": 3.25, "published": False, "tags": []})
    tap.equal(status, 200, "PUT /posts/2")
    other_changed = []
    other.connect("changed", lambda _model, name: other_changed.append(name))
    at_completion = []

    def completed(source, result):
        try:
            source.fetch_finish(result)
            error = None
        except GLib.Error as e:
            error = e.message
        at_completion.append((source.props.title, other_counter["sync"], sorted(other_changed), error))

    other.fetch_async(Cacheit.FetchFlags.NONE, None, completed)
    other.fetch_async(Cacheit.FetchFlags.NONE, None, completed)
    iterate_until(lambda: len(at_completion) == 2)
    tap.equal(at_completion, [("cacheit-glib, put", 2, ["title", "views"], None)] * 2,
              "plain fetches of no-cache /posts/2 completed after the revalidation's sync, with its data")
    iterate_for(0.2)
    tap.equal(other_counter["request"], 2, "two plain fetches of no-cache data made one request")
    tap.equal(sent(other_messages[1], "If-None-Match"), received(other_messages[0], "ETag"),
              "the revalidation sent If-None-Match")
    tap.equal((other_messages[1].get_status(), other.props.status), (200, 200),
              "json-server answered the revalidation 200")
    tap.equal((other.props.title, other.props.views), ("cacheit-glib, put", 8),
              "the revalidation's data is in hand")
    tap.equal(sorted(other_changed), ["title", "views"], "it emitted changed::title and changed::views")
    tap.equal(other_counter["error"], 0, "no error")

    # /posts/999 is a 404.
    missing = Cacheit.Model.new(server.url("/posts/999"))
    missing_counter = count_signals(missing)
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
    tap.equal(missing_counter["request"], 1, "a 404 is not retried")
    tap.ok(not missing.props.fetched, "fetched stays FALSE")

    # A failure is not cached: the next fetch makes a new request.
    try:
        missing.fetch(Cacheit.FetchFlags.NONE, None)
    except GLib.Error:
        pass
    tap.equal(missing_counter["request"], 2, "a fetch after a failure makes a new request")

    # R13, a URL names its data: a list filtered by a query, as a search
    # field or a filter sets it. json-server filters /posts?author=... and
    # searches /posts?q=... itself.
    posts = Cacheit.Collection(url=server.url("/posts?author=typicode"), item_type=Post)
    posts.fetch(Cacheit.FetchFlags.NONE, None)

    def ids():
        return [posts.get_item(i).get_int("id") for i in range(posts.get_n_items())]

    tap.equal(ids(), [1], "/posts?author=typicode lists post 1")
    kept = posts.get_item(0)
    tap.equal(kept.props.url, server.url("/posts/1"), "an item's URL has no query")
    posts_counter = count_signals(posts)
    splices = []
    posts.connect("items-changed", lambda _list, *splice: splices.append(splice))
    posts.props.url = server.url("/posts?author=gnome")
    tap.ok(posts.props.placeholder and not posts.props.fetched,
           "after the URL changed, the list is a placeholder, not fetched")
    tap.equal(ids(), [1], "the old list shows meanwhile")
    posts.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal(posts_counter["request"], 1, "a plain fetch after the change asked the new URL")
    tap.equal(ids(), [2], "/posts?author=gnome lists post 2")
    tap.ok(not posts.props.placeholder and posts.props.fetched, "the placeholder is gone")
    tap.equal(splices, [(0, 1, 1)], "one splice from the old list to the new one")

    # Typing a search: ten URLs at once, each fetched. Every change
    # supersedes the request before it; only the last URL's list is applied.
    outcomes = []
    queries = ["c", "ca", "cac", "cach", "cache", "cachei", "cacheit", "cacheit-", "cacheit-g", "json"]

    def done(source, result):
        try:
            outcomes.append(source.fetch_finish(result))
        except GLib.Error as error:
            outcomes.append(error)

    messages = record_messages(posts)
    for query in queries:
        posts.props.url = server.url("/posts?q=" + query)
        posts.fetch_async(Cacheit.FetchFlags.NONE, None, done)
    tap.ok(iterate_until(lambda: len(outcomes) == len(queries)), "every caller completed")
    tap.equal(outcomes, [True] * len(queries), "every caller succeeded")
    tap.equal(ids(), [1], "the list is the last search's (/posts?q=json)")
    tap.equal(posts_counter["sync"], 2, "the typed searches applied one list")
    # Each first looks for its URL's snapshot on disk, and is superseded
    # meanwhile: only the last one went to the network.
    tap.equal([m.get_uri().get_query() for m in messages], ["q=json"],
              "one request, for the last URL")


    # Query parameters without string building, from Python: json-server
    # filters, searches and pages with them, and sends the total of a page
    # request in X-Total-Count, which the application reads from the last
    # response's headers.
    search = Cacheit.Collection(url=server.url("/posts"), item_type=Post)
    search.set_query_params(["author", "_sort"], ["gnome", "id"])
    tap.equal(search.props.url, server.url("/posts?author=gnome&_sort=id"),
              "set_query_params() adds the parameters, in order")
    search.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal([search.get_item(i).get_int("id") for i in range(search.get_n_items())], [2],
              "json-server filtered by the parameter")
    search.set_query_param("author", "type code")
    tap.equal(search.props.url, server.url("/posts?author=type%20code&_sort=id"),
              "a value is percent-encoded, and replaced where it was")
    tap.equal(search.dup_query_param("author"), "type code", "dup_query_param() decodes it")
    search.set_query_param("author", None)
    search.set_query_values("id", ["1", "2"])
    tap.equal(search.props.url, server.url("/posts?_sort=id&id=1&id=2"),
              "None removes a parameter; set_query_values() repeats one")
    search.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal(search.get_n_items(), 2, "json-server takes the repeated parameter as a list")
    search.set_query_values("id", None)
    search.set_query_params(["_page", "_limit"], ["1", "1"])
    search.fetch(Cacheit.FetchFlags.NONE, None)
    headers = search.get_response_headers()
    tap.equal(search.get_n_items(), 1, "a page of one post")
    tap.equal(headers.get_one("X-Total-Count") if headers else None, "2",
              "the response headers give json-server's X-Total-Count")
    tap.ok(headers is not None and 'rel="next"' in (headers.get_one("Link") or ""),
           "and its Link to the next page")

    # Paging by hand with the Link header: dup_link() gives the next page's
    # URL, resolved; the last page has no next.
    first_id = search.get_item(0).get_int("id")
    next_url = search.dup_link("next")
    tap.ok(next_url is not None and "_page=2" in next_url, "dup_link('next') is page 2: %r" % next_url)
    search.props.url = next_url
    search.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal([search.get_n_items(), search.get_item(0).get_int("id") != first_id], [1, True],
              "page 2 holds the other post")
    tap.equal(search.dup_link("next"), None, "the last page has no next")
    tap.ok(search.dup_link("first") is not None, "but a first")


    # Paginated collections: json-server pages /pages (23 items) with _page
    # and _limit, answering with Link (first, next, last) and X-Total-Count.
    # The collection follows rel="next" by default.
    def load_more(collection):
        outcomes = []

        def done(source, result):
            try:
                outcomes.append(source.load_more_finish(result))
            except GLib.Error as error:
                outcomes.append(error)

        collection.load_more_async(None, done)
        collection.load_more_async(None, done)
        tap.ok(iterate_until(lambda: len(outcomes) == 2), "both load_more callers completed")
        return outcomes

    def page_ids(collection):
        return [collection.get_item(i).get_int("id") for i in range(collection.get_n_items())]

    paged = Cacheit.Collection(url=server.url("/pages?_page=1&_limit=5"))
    messages = record_messages(paged)
    paged.fetch(Cacheit.FetchFlags.NONE, None)
    tap.equal([page_ids(paged), paged.props.has_more, paged.props.n_pages, paged.props.total],
              [[1, 2, 3, 4, 5], True, 1, 23], "the first page, a next one, the total from X-Total-Count")
    while paged.props.has_more:
        tap.equal(load_more(paged), [True, True], "page %d loaded; the two callers joined it"
                  % (paged.props.n_pages + 1))
    tap.equal(page_ids(paged), list(range(1, 24)), "every item once, in the server's order")
    tap.equal(paged.props.n_pages, 5, "five pages")
    tap.equal([m.get_uri().get_query() for m in messages],
              ["_page=%d&_limit=5" % p for p in range(1, 6)], "one request per page, in order")
    tap.equal(load_more(paged), [True, True], "with no next page, load_more completes at once")
    tap.equal(len(messages), 5, "and asks nothing")

    # A reload asks for the first page alone and drops the later ones (its
    # weak ETag gives a 304 when nothing changed: then every page stays).
    paged.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal([paged.get_n_items(), paged.props.n_pages, len(messages)], [23, 5, 6],
              "a 304 on the first page keeps every page")
    http(server, "PATCH", "/pages/1", {"n": 100})
    paged.fetch(Cacheit.FetchFlags.RELOAD, None)
    tap.equal([page_ids(paged), paged.props.n_pages, len(messages)], [[1, 2, 3, 4, 5], 1, 7],
              "a changed first page drops the others, with one request")
    tap.equal(paged.get_item(0).get_int("n"), 100, "and shows the change")

    # Page numbers and offsets computed from the URL, as other APIs page.
    numbered = Cacheit.Collection(url=server.url("/pages?_page=1&_limit=10"),
                                  paging=Cacheit.Paging.PAGE, page_param="_page", limit_param="_limit")
    numbered.fetch(Cacheit.FetchFlags.NONE, None)
    while numbered.props.has_more:
        load_more(numbered)
    tap.equal([page_ids(numbered), numbered.props.n_pages], [list(range(1, 24)), 3],
              "PAGE paging: _page moved on, the short third page is the last")
    offsets = Cacheit.Collection(url=server.url("/pages?_start=0&_limit=10"),
                                 paging=Cacheit.Paging.OFFSET, page_param="_start", limit_param="_limit")
    offsets.fetch(Cacheit.FetchFlags.NONE, None)
    while offsets.props.has_more:
        load_more(offsets)
    tap.equal([page_ids(offsets), offsets.props.n_pages], [list(range(1, 24)), 3],
              "OFFSET paging: _start moved on by the items received")

    # Placeholders: with PAGE paging and json-server's X-Total-Count, the
    # list is 23 rows long from the first page; a row asked for loads its
    # page alone, and a placeholder is replaced by the item.
    sparse = Cacheit.Collection(url=server.url("/pages?_limit=5&_page=1"), paging=Cacheit.Paging.PAGE,
                                page_param="_page", limit_param="_limit", placeholders=True)
    sparse_messages = record_messages(sparse)
    sparse.fetch(Cacheit.FetchFlags.NONE, None)
    tap.ok(iterate_until(lambda: sparse.get_n_items() == 23), "23 rows from the first page")
    tap.equal([sparse.props.has_more, sparse.props.n_pages, sparse.get_item(4).props.loaded],
              [False, 1, True], "no more pages to load; the first page's rows are loaded")
    placeholder = sparse.get_item(21)
    tap.equal([placeholder.props.loaded, placeholder.props.url], [False, None], "row 21 is a placeholder")
    tap.ok(iterate_until(lambda: sparse.props.n_pages == 2), "its page loads")
    tap.equal([sparse.get_item(21).props.loaded, sparse.get_item(21).get_int("id")], [True, 22],
              "row 21 is item 22")
    tap.ok(not sparse.get_item(12).props.loaded and iterate_until(lambda: sparse.props.n_pages == 3),
           "row 12 loads page 3")
    tap.equal([m.get_uri().get_query() for m in sparse_messages][-2:], ["_limit=5&_page=5", "_limit=5&_page=3"],
              "the pages asked for, and no other")


if __name__ == "__main__":
    sys.exit(main(__doc__, run))
