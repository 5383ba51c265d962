// The fetch contract from gjs (R1, R3–R6), and the request signal.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Cacheit from 'gi://Cacheit?version=1.0';

import {check, eq, rejects, run, test, withTimeout} from './harness.js';

Gio._promisify(Cacheit.Resource.prototype, 'fetch_async', 'fetch_finish');
Gio._promisify(Cacheit.Collection.prototype, 'load_more_async', 'load_more_finish');

const {NONE, RELOAD} = Cacheit.FetchFlags;

// fetch_async with a plain callback: resolves with the GAsyncResult itself.
function fetchRaw(model, flags, cancellable = null) {
    const promise = new Promise(resolve => {
        model.fetch_async(flags, cancellable, (_source, result) => resolve(result));
    });
    return withTimeout(promise, 'a fetch_async callback');
}

function finish(model, result) {
    try {
        return model.fetch_finish(result);
    } catch (e) {
        return e;
    }
}

function record(model) {
    const log = [];
    model.connect('request', () => log.push('request'));
    model.connect('sync', () => log.push('sync'));
    model.connect('error', () => log.push('error'));
    return log;
}

test('R1 coalescing: two fetch_async while in flight make one request; both get the same result', async server => {
    const path = '/js-r1';
    server.route(path, {json: {v: 1}, hold: true});
    const model = new Cacheit.Model({url: server.url(path)});
    const log = record(model);
    const a = fetchRaw(model, NONE);
    await server.waitEvent('held', path);
    eq(model.fetching, true, 'fetching');
    const b = fetchRaw(model, NONE);
    server.release(path);
    const [ra, rb] = await Promise.all([a, b]);
    check(ra === rb, 'the callers got different GAsyncResults');
    for (let i = 0; i < 2; i++) {
        eq(finish(model, ra), true, 'fetch_finish of a');
        eq(finish(model, rb), true, 'fetch_finish of b');
    }
    eq(server.count(path), 1, 'requests');
    eq(log, ['request', 'sync'], 'signals');
    eq(model.get_int('v'), 1, 'v');
});

test('R3 cached: no request, no signal, completes after fetch_async returned, same result', async server => {
    const path = '/js-r3';
    server.route(path, {json: {v: 1}});
    const model = new Cacheit.Model({url: server.url(path)});
    const first = await fetchRaw(model, NONE);
    eq(finish(model, first), true, 'first fetch');
    const log = record(model);
    let completed = false;
    const cached = new Promise(resolve => {
        model.fetch_async(NONE, null, (_s, result) => {
            completed = true;
            resolve(result);
        });
    });
    eq(completed, false, 'completed inside fetch_async');
    const result = await withTimeout(cached, 'the cached completion');
    check(result === first, 'the cached fetch completed with another result');
    eq(await model.fetch_async(NONE, null), true, 'promisified cached fetch');
    eq(server.count(path), 1, 'requests');
    eq(log, [], 'signals of cached fetches');
});

test('R4 reload: RELOAD supersedes a held request, carries its caller over, old data never applied', async server => {
    const path = '/js-r4';
    server.route(path, {json: {v: 'old'}, hold: true});
    const model = new Cacheit.Model({url: server.url(path)});
    const values = [];
    model.connect('changed::v', m => values.push(m.get_string('v')));
    const old = model.fetch_async(NONE, null);
    const held = await server.waitEvent('held', path);
    server.route(path, {json: {v: 'new'}});
    const reload = model.fetch_async(RELOAD, null);
    eq(await withTimeout(Promise.all([old, reload]), 'both callers'), [true, true], 'results');
    eq(model.get_string('v'), 'new', 'v');
    server.release(path);
    await server.waitFinished(held.id);
    eq(await model.fetch_async(NONE, null), true, 'cached fetch');
    eq(model.get_string('v'), 'new', 'v after the superseded request finished');
    eq(values, ['new'], 'changed::v');
    eq(server.count(path), 2, 'requests');
});

test('R5 failure: 404 rejects with Cacheit.Error.HTTP_STATUS; status, last-error, error signal; data kept', async server => {
    const path = '/js-r5';
    server.route(path, {json: {name: 'a'}});
    const model = new Cacheit.Model({url: server.url(path)});
    eq(await model.fetch_async(NONE, null), true, 'first fetch');
    server.route(path, {status: 404, body: 'gone'});
    const log = record(model);
    const errors = [];
    model.connect('error', (_m, e) => errors.push(e));

    const e = await rejects(model.fetch_async(RELOAD, null), 'fetch of a 404');
    check(e instanceof GLib.Error, `not a GLib.Error: ${e}`);
    check(e.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), `error: ${e}`);
    eq(e.domain, Cacheit.error_quark(), 'domain');
    eq(e.code, Cacheit.Error.HTTP_STATUS, 'code');
    eq(Cacheit.error_get_http_status(e), 404, 'error_get_http_status');
    eq(model.status, 404, 'status property');
    check(model.last_error !== null, 'last-error is unset');
    check(model.last_error.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), 'last-error');
    eq(Cacheit.error_get_http_status(model.last_error), 404, 'error_get_http_status of last-error');
    eq(errors.length, 1, 'error emissions');
    check(errors[0].matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), 'error signal argument');
    eq(log, ['request', 'error'], 'signals');
    eq(model.get_string('name'), 'a', 'name after the failure');
    eq(model.fetched, true, 'fetched');

    const again = await rejects(model.fetch_async(NONE, null), 'the fetch after a failure');
    check(again.matches(Cacheit.error_quark(), Cacheit.Error.HTTP_STATUS), `error: ${again}`);
    eq(server.count(path), 3, 'requests: a failure is not cached');

    server.route(path, {json: [1, 2]});
    const shape = await rejects(model.fetch_async(NONE, null), 'fetch of an array');
    check(shape.matches(Cacheit.error_quark(), Cacheit.Error.WRONG_SHAPE), `error: ${shape}`);
    server.route(path, {body: 'not json'});
    const invalid = await rejects(model.fetch_async(NONE, null), 'fetch of invalid JSON');
    check(invalid.matches(Cacheit.error_quark(), Cacheit.Error.INVALID_JSON), `error: ${invalid}`);
    eq(model.get_string('name'), 'a', 'name after the failures');
});

test('R6 cancellation: a cancelled caller completes alone with CANCELLED; the other gets the data', async server => {
    const path = '/js-r6';
    server.route(path, {json: {v: 6}, hold: true});
    const model = new Cacheit.Model({url: server.url(path)});
    const cancellable = new Gio.Cancellable();
    let otherDone = false;
    const cancelled = model.fetch_async(NONE, cancellable);
    await server.waitEvent('held', path);
    const other = model.fetch_async(NONE, null).then(r => {
        otherDone = true;
        return r;
    });
    cancellable.cancel();
    const e = await rejects(cancelled, 'the cancelled caller');
    check(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `error: ${e}`);
    eq(otherDone, false, 'the other caller completed with the cancelled one');
    eq(server.stats(path).held.length, 1, 'held requests');
    eq(model.last_error, null, 'last-error');
    server.release(path);
    eq(await withTimeout(other, 'the other caller'), true, 'the other caller');
    eq(model.get_int('v'), 6, 'v');
    eq(server.count(path), 1, 'requests');

    // Cancelling the only caller aborts the request.
    const only = new Gio.Cancellable();
    server.route(path, {json: {v: 7}, hold: true});
    const alone = model.fetch_async(RELOAD, only);
    const held = await server.waitEvent('held', path, 2);
    only.cancel();
    const e2 = await rejects(alone, 'the only caller, cancelled');
    check(e2.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `error: ${e2}`);
    const aborted = await server.waitEvent('aborted', path);
    eq(aborted.id, held.id, 'the aborted request');
    eq(model.fetching, false, 'fetching');
    eq(model.get_int('v'), 6, 'v after the cancelled reload');
});

test('request signal: a handler adds an Authorization header the server receives', async server => {
    const path = '/js-auth';
    server.route(path, {json: {ok: true}});
    const model = new Cacheit.Model({url: server.url(path)});
    let emissions = 0;
    model.connect('request', (_m, message) => {
        emissions++;
        message.get_request_headers().replace('Authorization', 'Bearer gjs-token');
    });
    eq(await model.fetch_async(NONE, null), true, 'fetch');
    const headers = server.stats(path).last_headers;
    const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization');
    eq(auth && auth[1], 'Bearer gjs-token', 'Authorization at the server');
    eq(await model.fetch_async(NONE, null), true, 'cached fetch');
    eq(emissions, 1, 'request emissions');
});

test('query parameters and response headers: set without string building, read from the last response', async server => {
    const path = '/js-search';
    server.route(path, {json: [{id: 1}], headers: {'X-Total-Count': '41'}});
    const results = new Cacheit.Collection({url: server.url(path)});
    const queries = [];
    results.connect('request', (_r, message) => queries.push(message.get_uri().get_query()));
    results.set_query_params(['q', 'per_page'], ['gnome apps', '50']);
    eq(results.url, `${server.url(path)}?q=gnome%20apps&per_page=50`, 'the URL');
    eq(results.dup_query_param('q'), 'gnome apps', 'dup_query_param');
    eq(results.get_response_headers(), null, 'no response headers before a response');
    eq(await results.fetch_async(NONE, null), true, 'fetch');
    eq(queries, ['q=gnome%20apps&per_page=50'], 'the query sent');
    eq(results.get_response_headers().get_one('X-Total-Count'), '41', 'X-Total-Count');
    results.set_query_param('q', null);
    eq(results.url, `${server.url(path)}?per_page=50`, 'null removes a parameter');
});

test('pages: a Link-paged list loads page by page into one list, joined callers, an item that shifted shown once', async server => {
    server.route('/js-pages', {json: [{id: 1}, {id: 2}], headers: {'Link': '</js-pages-2>; rel="next"'}});
    server.route('/js-pages-2', {json: [{id: 2}, {id: 3}], headers: {'Link': '</js-pages-3>; rel="next"'}});
    server.route('/js-pages-3', {json: [{id: 4}]});
    const list = new Cacheit.Collection({url: server.url('/js-pages')});
    const asked = [];
    list.connect('request', (_l, message) => asked.push(message.get_uri().get_path()));
    const ids = () => Array.from({length: list.get_n_items()}, (_, i) => list.get_item(i).get_int('id'));

    eq(await list.fetch_async(NONE, null), true, 'the first page');
    eq([ids(), list.has_more, list.n_pages], [[1, 2], true, 1], 'two items, more to come');
    const [a, b] = await Promise.all([list.load_more_async(null), list.load_more_async(null)]);
    eq([a, b], [true, true], 'both callers of page 2');
    eq(await list.load_more_async(null), true, 'page 3');
    eq([ids(), list.has_more, list.n_pages, list.loading_more], [[1, 2, 3, 4], false, 3, false],
        'every item once, in order, and no more');
    eq(asked, ['/js-pages', '/js-pages-2', '/js-pages-3'], 'one request per page');
});

run();
