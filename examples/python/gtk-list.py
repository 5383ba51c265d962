#!/usr/bin/env python3
# gtk-list.py: a GTK 4 window over a collection, loaded with fetch_async()
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A Gtk.ListView fed directly by a Cacheit.Collection of a typed Post class.
# --quit-after-load closes the window once the list is shown (meson test runs
# it so, under xvfb-run).

import sys

import gi
gi.require_version("Cacheit", "1.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Cacheit, GLib, GObject, Gtk

import example_server


class Post(Cacheit.Model):
    title = GObject.Property(type=str)
    views = GObject.Property(type=int)


def setup(factory, list_item):
    list_item.set_child(Gtk.Label(xalign=0, margin_start=12, margin_top=6, margin_bottom=6))


def bind(factory, list_item):
    post = list_item.get_item()
    list_item.get_child().set_label(f"{post.props.title} · {post.props.views} views")


def activate(app):
    posts = Cacheit.Collection(item_type=Post, url=example_server.start() + "/posts")

    factory = Gtk.SignalListItemFactory()
    factory.connect("setup", setup)
    factory.connect("bind", bind)
    view = Gtk.ListView(model=Gtk.NoSelection(model=posts), factory=factory)

    window = Gtk.ApplicationWindow(application=app, title="Posts", default_width=360,
                                   default_height=240, child=view)
    window.present()

    def fetched(posts, result):
        try:
            posts.fetch_finish(result)
        except GLib.Error as error:
            print("fetch failed:", error.message, file=sys.stderr)
            app.status = 1
        print(f"{posts.get_n_items()} posts in the list")
        if "--quit-after-load" in sys.argv:
            GLib.timeout_add(100, window.destroy)

    posts.fetch_async(Cacheit.FetchFlags.NONE, None, fetched)


app = Gtk.Application(application_id="org.gnome.CacheitExample.GtkList")
app.status = 0
app.connect("activate", activate)
app.run(None)
sys.exit(app.status)
