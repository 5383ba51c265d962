// CacheitTesting.FixtureServer from gjs: the basics through the typelib, as
// an application's own test uses them. Prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import Cacheit from 'gi://Cacheit?version=1.0';
import CacheitTesting from 'gi://CacheitTesting?version=1.0';
import System from 'system';

Gio._promisify(Cacheit.Resource.prototype, 'fetch_async', 'fetch_finish');
Gio._promisify(Soup.Session.prototype, 'send_and_read_async', 'send_and_read_finish');

const {NONE, RELOAD} = Cacheit.FetchFlags;

const here = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);
const DATA = GLib.build_filenamev([here, 'data']);

// A safety net, never a timing: what has not happened by then fails the test.
const SAFETY_TIMEOUT_SECONDS = 20;

class TestFailure extends Error {}

function check(condition, what = 'check failed') {
    if (!condition)
        throw new TestFailure(what);
}

function eq(got, expected, what = 'value') {
    if (JSON.stringify(got) !== JSON.stringify(expected))
        throw new TestFailure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
}

async function rejects(promise, what) {
    try {
        await promise;
    } catch (e) {
        return e;
    }
    throw new TestFailure(`${what}: succeeded, expected an error`);
}

class Fixture {
    constructor() {
        this.server = CacheitTesting.FixtureServer.new(DATA);
        this.session = new Soup.Session();
    }

    async get(path, headers = {}) {
        const message = Soup.Message.new('GET', this.server.url_for(path));
        for (const [name, value] of Object.entries(headers))
            message.get_request_headers().replace(name, value);
        const bytes = await this.session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, null);
        return [message, new TextDecoder().decode(bytes.get_data() ?? new Uint8Array())];
    }

    close() {
        // Close the keep-alive connections first: libsoup 3.2's server leaks
        // the ones still open when it stops.
        this.session.abort();
        this.server.stop();
    }
}

const tests = [];

function test(name, fn) {
    tests.push({name, fn});
}

test('start: 127.0.0.1, a port of the system\'s, url_for; a missing directory throws', fixture => {
    const server = fixture.server;
    check(server.get_port() > 0, 'a port');
    eq(server.url, `http://127.0.0.1:${server.port}`, 'url');
    eq(server.url_for('/posts/7'), `${server.get_url()}/posts/7`, 'url_for');
    eq(server.directory, DATA, 'directory');
    let error = null;
    try {
        CacheitTesting.FixtureServer.new('/nonexistent/cacheit-testing');
    } catch (e) {
        error = e;
    }
    check(error?.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND), `error: ${error}`);
});

test('routes: files, an item by id, routes from code, 404 with a JSON body', async fixture => {
    let [message, body] = await fixture.get('/posts');
    eq(message.get_status(), Soup.Status.OK, 'status of /posts');
    eq(JSON.parse(body).length, 3, 'posts');
    [message, body] = await fixture.get('/posts/7');
    eq(JSON.parse(body).title, 'Seven', '/posts/7');
    [message, body] = await fixture.get('/nothing');
    eq(message.get_status(), Soup.Status.NOT_FOUND, 'status of /nothing');
    eq(JSON.parse(body).path, '/nothing', 'path of the 404');

    fixture.server.set_json('/tags', JSON.stringify([{id: 'gnome', count: 3}]));
    [message, body] = await fixture.get('/tags/gnome');
    eq(JSON.parse(body).count, 3, '/tags/gnome');
});

test('ETag and 304, not-modified off, Cache-Control from a property', async fixture => {
    const server = fixture.server;
    server.cache_control = 'max-age=60';
    let [message] = await fixture.get('/posts');
    const etag = message.get_response_headers().get_one('ETag');
    check(etag?.startsWith('"'), `a strong ETag: ${etag}`);
    eq(message.get_response_headers().get_one('Cache-Control'), 'max-age=60', 'Cache-Control');
    [message] = await fixture.get('/posts', {'If-None-Match': `"x", ${etag}`});
    eq(message.get_status(), Soup.Status.NOT_MODIFIED, 'status with If-None-Match');
    server.not_modified = false;
    [message] = await fixture.get('/posts', {'If-None-Match': etag});
    eq(message.get_status(), Soup.Status.OK, 'status with not-modified off');
    eq(server.get_not_modified_count('/posts'), 1, '304s');
});

test('a collection: one request for three fetches, a failure keeps the data, a reload is a 304', async fixture => {
    const server = fixture.server;
    const posts = Cacheit.Collection.new(Cacheit.Model.$gtype, server.url_for('/posts'));
    posts.session = fixture.session;
    posts.retry_limit = 0;
    posts.connect('request', (_resource, message) =>
        message.get_request_headers().replace('Authorization', 'Bearer js'));

    const results = await Promise.all([1, 2, 3].map(() => posts.fetch_async(NONE, null)));
    eq(results, [true, true, true], 'results');
    eq(posts.get_n_items(), 3, 'n-items');
    eq(server.get_request_count('/posts'), 1, 'requests for three fetches');
    eq(server.get_last_request_header('/posts', 'Authorization'), 'Bearer js', 'Authorization');

    server.fail_next(1, 500);
    const error = await rejects(posts.fetch_async(RELOAD, null), 'a failed reload');
    check(error.matches(Cacheit.Error, Cacheit.Error.HTTP_STATUS), `error: ${error}`);
    eq(posts.get_n_items(), 3, 'n-items after a failure');
    eq(posts.get_by_id('7').get_string('title'), 'Seven', 'title of 7 after a failure');

    server.drop_next(1);
    const dropped = await rejects(posts.fetch_async(RELOAD, null), 'a dropped reload');
    check(dropped.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PARTIAL_INPUT), `error: ${dropped}`);

    eq(await posts.fetch_async(RELOAD, null), true, 'reload');
    eq(posts.status, 304, 'status of the reload');
    eq(server.get_request_count('/posts'), 4, 'requests');
    eq(server.get_request_count(null), 4, 'requests, all told');
    server.reset_counts();
    eq(server.get_request_count(null), 0, 'requests after reset_counts');
});

test('latency: the server waits in its thread, the main loop runs meanwhile', async fixture => {
    fixture.server.latency = 200;
    const profile = Cacheit.Model.new(fixture.server.url_for('/profile'));
    profile.session = fixture.session;
    let ticks = 0;
    const tick = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        ticks++;
        return GLib.SOURCE_CONTINUE;
    });
    const start = GLib.get_monotonic_time();
    eq(await profile.fetch_async(NONE, null), true, 'fetch');
    GLib.source_remove(tick);
    check(GLib.get_monotonic_time() - start >= 200 * 1000, 'the answer waited');
    check(ticks > 1, 'the main loop ran meanwhile');
    eq(profile.get_string('name'), 'Ada Lovelace', 'name');
});

function withTimeout(promise) {
    let id = 0;
    const timeout = new Promise((_resolve, reject) => {
        id = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, SAFETY_TIMEOUT_SECONDS, () => {
            id = 0;
            reject(new TestFailure(`timed out after ${SAFETY_TIMEOUT_SECONDS} s`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, timeout]).finally(() => {
        if (id)
            GLib.source_remove(id);
    });
}

const loop = new GLib.MainLoop(null, false);
let failures = 0;

(async () => {
    print(`1..${tests.length}`);
    for (const [i, {name, fn}] of tests.entries()) {
        const fixture = new Fixture();
        try {
            // eslint-disable-next-line no-await-in-loop
            await withTimeout(Promise.resolve().then(() => fn(fixture)));
            print(`ok ${i + 1} - ${name}`);
        } catch (e) {
            failures++;
            print(`not ok ${i + 1} - ${name}`);
            for (const line of `${e}\n${e?.stack ?? ''}`.trimEnd().split('\n'))
                print(`#   ${line}`);
        } finally {
            fixture.close();
        }
    }
})().finally(() => loop.quit());

loop.run();
System.exit(failures ? 1 : 0);
