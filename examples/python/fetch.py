#!/usr/bin/env python3
# fetch.py: a script that uses the blocking fetch()
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run it with the uninstalled library:
#   meson devenv -C _build -w . /usr/bin/python3 examples/python/fetch.py

import sys

import gi
gi.require_version("Cacheit", "1.0")
from gi.repository import Cacheit, GLib, GObject

import example_server


class Post(Cacheit.Model):
    """A typed model: its properties are filled from the JSON members."""
    title = GObject.Property(type=str)
    views = GObject.Property(type=int)


base = example_server.start()

post = Post(url=base + "/posts/1")
post.fetch(Cacheit.FetchFlags.NONE, None)      # blocking: for scripts
print(f"post 1: {post.props.title} by {post.get_string('author')}, {post.props.views} views")
post.fetch(Cacheit.FetchFlags.NONE, None)      # cached: no request

posts = Cacheit.Collection(item_type=Post, url=base + "/posts")
posts.fetch(Cacheit.FetchFlags.NONE, None)
for item in posts:                             # a Gio.ListModel of Posts
    print(f"  #{item.get_int('id')} {item.props.title}")
print("post 2 by id:", posts.get_by_id("2").props.title)

missing = Cacheit.Model(url=base + "/posts/99")
try:
    missing.fetch(Cacheit.FetchFlags.NONE, None)
except GLib.Error as error:
    if error.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS):
        print(f"HTTP {missing.props.status}: {error.message}")

print(f"{example_server.requests()} HTTP requests for 4 fetch calls")
sys.exit(0 if example_server.requests() == 3 else 1)
