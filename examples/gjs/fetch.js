// fetch.js: await fetch_async() from an ES module
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run it with the uninstalled library:
//   meson devenv -C _build -w . gjs -m examples/gjs/fetch.js
//
// An in-process Soup.Server stands in for a JSON API.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import Cacheit from 'gi://Cacheit?version=1.0';

Gio._promisify(Cacheit.Resource.prototype, 'fetch_async', 'fetch_finish');

const posts = [
    {id: 1, title: 'Hello, world', views: 100},
    {id: 2, title: 'Fetch once', views: 200},
    {id: 3, title: 'Cache it', views: 300},
];

let requests = 0;
const server = new Soup.Server();
server.add_handler('/posts', (_server, msg, path) => {
    requests++;
    const id = Number(path.split('/')[2]);
    const body = path === '/posts' ? posts : posts[id - 1];
    if (body === undefined) {
        msg.set_status(404, null);
        return;
    }
    msg.set_status(200, null);
    msg.set_response('application/json', Soup.MemoryUse.COPY,
        new TextEncoder().encode(JSON.stringify(body)));
});
server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
const base = `http://127.0.0.1:${server.get_uris()[0].get_port()}`;

// A typed model: its properties are filled from the JSON members.
const Post = GObject.registerClass({
    Properties: {
        'title': GObject.ParamSpec.string('title', null, null,
            GObject.ParamFlags.READWRITE, null),
        'views': GObject.ParamSpec.int('views', null, null,
            GObject.ParamFlags.READWRITE, 0, GLib.MAXINT32, 0),
    },
}, class Post extends Cacheit.Model {});

const loop = new GLib.MainLoop(null, false);
let status = 0;

async function main() {
    const post = new Post({url: `${base}/posts/2`});
    // Two callers at once, one request; then a third from the cache.
    await Promise.all([
        post.fetch_async(Cacheit.FetchFlags.NONE, null),
        post.fetch_async(Cacheit.FetchFlags.NONE, null),
    ]);
    await post.fetch_async(Cacheit.FetchFlags.NONE, null);
    print(`post 2: ${post.title}, ${post.views} views`);

    const list = new Cacheit.Collection({item_type: Post, url: `${base}/posts`});
    await list.fetch_async(Cacheit.FetchFlags.NONE, null);
    for (let i = 0; i < list.get_n_items(); i++)
        print(`  #${list.get_item(i).get_int('id')} ${list.get_item(i).title}`);

    try {
        await new Cacheit.Model({url: `${base}/posts/99`}).fetch_async(Cacheit.FetchFlags.NONE, null);
    } catch (e) {
        if (e.matches(Cacheit.Error, Cacheit.Error.HTTP_STATUS))
            print(`HTTP error: ${e.message}`);
    }

    print(`${requests} HTTP requests for 5 fetch calls`);
    if (requests !== 3)
        status = 1;
}

main().catch(e => {
    logError(e);
    status = 1;
}).finally(() => loop.quit());
loop.run();
server.disconnect();
imports.system.exit(status);
