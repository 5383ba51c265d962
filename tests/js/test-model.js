// Models from gjs: a typed subclass made with GObject.registerClass, exact
// notification (R9), vfunc_parse and root-pointer, with fetch_async awaited
// through Gio._promisify.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Json from 'gi://Json';
import Cacheit from 'gi://Cacheit?version=1.0';

import {check, eq, rejects, run, test} from './harness.js';

Gio._promisify(Cacheit.Resource.prototype, 'fetch_async', 'fetch_finish');

const {NONE, RELOAD} = Cacheit.FetchFlags;
const RW = GObject.ParamFlags.READWRITE;

const User = GObject.registerClass({
    GTypeName: 'CacheitJsTestUser',
    Properties: {
        'first-name': GObject.ParamSpec.string('first-name', 'First name', 'Given name', RW, null),
        'age': GObject.ParamSpec.int('age', 'Age', 'Age in years', RW, 0, 200, 0),
        'score': GObject.ParamSpec.double('score', 'Score', 'A score', RW, -1e9, 1e9, 0),
        'active': GObject.ParamSpec.boolean('active', 'Active', 'Whether active', RW, false),
    },
}, class User extends Cacheit.Model {});

const TYPED = ['active', 'age', 'first-name', 'score'];

const ADA = {id: 1, first_name: 'Ada', age: 36, score: 99.5, active: true, city: 'London'};

function record(model) {
    const rec = {notified: [], changed: [], syncs: 0};
    model.connect('notify', (_m, pspec) => {
        if (TYPED.includes(pspec.get_name()))
            rec.notified.push(pspec.get_name());
    });
    model.connect('changed', (_m, name) => rec.changed.push(name));
    model.connect('sync', () => rec.syncs++);
    rec.clear = () => {
        rec.notified = [];
        rec.changed = [];
        rec.syncs = 0;
    };
    return rec;
}

async function refetch(server, model, path, data) {
    server.route(path, {json: data});
    eq(await model.fetch_async(RELOAD, null), true, 'fetch_async of a refetch');
}

test('typed model: Properties of a GObject.registerClass subclass are filled from JSON', async server => {
    const path = '/js-typed';
    server.route(path, {json: ADA});
    const user = new User({url: server.url(path)});
    const rec = record(user);
    eq(await user.fetch_async(NONE, null), true, 'fetch_async');
    eq(user.first_name, 'Ada', 'first_name');
    eq(user.firstName, 'Ada', 'firstName');
    eq(user.age, 36, 'age');
    eq(user.score, 99.5, 'score');
    eq(user.active, true, 'active');
    eq(rec.notified.sort(), TYPED, 'notifications of the first fetch');
    eq(user.get_string('city'), 'London', 'an attribute without a property');
    eq(user.fetched, true, 'fetched');
});

test('R9 change notification: notify only for the properties that changed; identical refetch emits nothing, not even sync', async server => {
    const path = '/js-r9';
    server.route(path, {json: ADA});
    const user = new User({url: server.url(path)});
    eq(await user.fetch_async(NONE, null), true, 'fetch_async');
    const rec = record(user);
    const ages = [];
    user.connect('changed::age', (_m, name) => ages.push(name));

    await refetch(server, user, path, {...ADA, age: 37});
    eq(rec.notified, ['age'], 'notifications after age changed');
    eq(rec.changed, ['age'], 'changed details after age changed');
    eq(ages, ['age'], 'changed::age');
    eq(user.age, 37, 'age');

    rec.clear();
    await refetch(server, user, path, {...ADA, age: 37, first_name: 'Augusta', active: false});
    eq(rec.notified.sort(), ['active', 'first-name'], 'notifications after two changed');
    eq(rec.changed.sort(), ['active', 'first_name'], 'changed details after two changed');
    eq(ages, ['age'], 'changed::age after other members changed');

    rec.clear();
    await refetch(server, user, path, {...ADA, age: 37, first_name: 'Augusta', active: false});
    eq(rec.syncs, 0, 'sync emissions of an identical refetch (sync means new data)');
    eq(rec.notified, [], 'notifications of an identical refetch');
    eq(rec.changed, [], 'changed emissions of an identical refetch');
    eq(server.count(path), 4, 'requests');
});

const Envelope = GObject.registerClass({
    GTypeName: 'CacheitJsTestEnvelope',
    Properties: {
        'name': GObject.ParamSpec.string('name', 'Name', 'A name', RW, null),
    },
}, class Envelope extends Cacheit.Model {
    _init(params) {
        super._init(params);
        this.mode = 'unwrap';
        this.calls = 0;
    }

    vfunc_parse(response) {
        this.calls++;
        if (this.mode === 'throw')
            throw new Error('the envelope says no');
        if (this.mode === 'gerror') {
            throw new GLib.Error(Cacheit.error_quark(), Cacheit.Error.WRONG_SHAPE,
                'status is not ok');
        }
        const status = response.get_object().get_string_member('status');
        check(status === 'ok', `status ${status}`);
        return response.get_object().get_member('data');
    }
});

test('vfunc_parse: a gjs override unwraps an envelope, and typed properties come from it', async server => {
    const path = '/js-parse';
    server.route(path, {json: {status: 'ok', data: {name: 'Ada', age: 36}}});
    const model = new Envelope({url: server.url(path)});
    eq(await model.fetch_async(NONE, null), true, 'fetch_async');
    eq(model.calls, 1, 'vfunc_parse calls');
    eq(model.name, 'Ada', 'name property');
    eq(model.get_int('age'), 36, 'age attribute');
    eq(model.has('status'), false, 'has status');
    eq(await model.fetch_async(NONE, null), true, 'cached fetch_async');
    eq(model.calls, 1, 'vfunc_parse calls after a cached fetch');
});

test('vfunc_parse: throwing fails the fetch, sets last-error, keeps the data', async server => {
    const path = '/js-parse-throw';
    server.route(path, {json: {status: 'ok', data: {name: 'Ada'}}});
    const model = new Envelope({url: server.url(path)});
    eq(await model.fetch_async(NONE, null), true, 'fetch_async');
    const errors = [];
    model.connect('error', (_m, e) => errors.push(e));

    model.mode = 'throw';
    server.route(path, {json: {status: 'ok', data: {name: 'Bob'}}});
    let e = await rejects(model.fetch_async(RELOAD, null), 'fetch with a throwing vfunc_parse');
    check(String(e.message).includes('the envelope says no'), `error: ${e}`);
    eq(errors.length, 1, 'error emissions');
    check(model.last_error !== null, 'last-error is unset');

    model.mode = 'gerror';
    e = await rejects(model.fetch_async(RELOAD, null), 'fetch with vfunc_parse throwing a GLib.Error');
    check(e instanceof GLib.Error, `not a GLib.Error: ${e}`);
    check(e.matches(Cacheit.error_quark(), Cacheit.Error.WRONG_SHAPE), `error: ${e}`);
    check(e.message.includes('status is not ok'), `message: ${e.message}`);

    eq(model.name, 'Ada', 'name after the failures');
    eq(model.calls, 3, 'vfunc_parse calls');
});

test('root-pointer: /data/user picks the model out of an envelope, ~0 and ~1 are escapes', async server => {
    const path = '/js-pointer';
    server.route(path, {json: {data: {user: {name: 'Ada'}}, 'a/b': {'m~n': {name: 'escaped'}}}});
    const model = new User({url: server.url(path), root_pointer: '/data/user'});
    eq(model.root_pointer, '/data/user', 'root_pointer');
    eq(await model.fetch_async(NONE, null), true, 'fetch_async');
    eq(model.get_string('name'), 'Ada', 'name');
    model.root_pointer = '/a~1b/m~0n';
    eq(await model.fetch_async(RELOAD, null), true, 'fetch_async with escapes');
    eq(model.get_string('name'), 'escaped', 'name at /a~1b/m~0n');
    model.root_pointer = '/nothing';
    const e = await rejects(model.fetch_async(RELOAD, null), 'fetch of a missing member');
    check(e.matches(Cacheit.error_quark(), Cacheit.Error.WRONG_SHAPE), `error: ${e}`);
});

test('model getters and attributes from gjs', async server => {
    const path = '/js-getters';
    server.route(path, {json: {s: 'text', i: 42, d: 2.5, b: true, n: null}});
    const model = new Cacheit.Model({url: server.url(path)});
    eq(await model.fetch_async(NONE, null), true, 'fetch_async');
    eq(model.get_string('s'), 'text', 'get_string');
    eq(model.get_int('i'), 42, 'get_int');
    eq(model.get_double('d'), 2.5, 'get_double');
    eq(model.get_boolean('b'), true, 'get_boolean');
    eq(model.has('n'), true, 'has null');
    eq(model.get_attribute('n').get_node_type(), Json.NodeType.NULL, 'get_attribute null');
    eq(model.get_attributes().get_members().sort(), ['b', 'd', 'i', 'n', 's'], 'members');
});

test('a client from gjs: one object per type and URL, its settings and default headers', async server => {
    server.route('/js-api/users/me', {json: {id: 1, first_name: 'Ada'}});
    const client = new Cacheit.Client({base_uri: server.url('/js-api/'), max_age: 30,
        snapshot_policy: Cacheit.SnapshotPolicy.NONE});
    client.set_default_header('Authorization', 'Bearer js');
    const me = client.get_model('users/me', User);
    check(me instanceof User, 'get_model gives the subclass');
    check(client.get_model('users/me', User) === me, 'the same path and type: the same object');
    eq(me.max_age, 30, 'max-age from the client');
    eq(await me.fetch_async(NONE, null), true, 'fetch_async');
    eq(me.first_name, 'Ada', 'typed property');
    const headers = server.eventsOf('request', '/js-api/users/me')[0].headers;
    const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization');
    eq(auth && auth[1], 'Bearer js', 'Authorization header');
    eq(client.invalidate('users'), 1, 'invalidate users');
    eq(me.stale, true, 'stale after invalidate');
});

test('error bodies from gjs: the server\'s message in the error, the body in last-error-body', async server => {
    server.route('/js-api/issues', {json: {message: 'Validation Failed', errors: [{field: 'title'}]},
        status: 422});
    const model = new Cacheit.Model({url: server.url('/js-api/issues'), retry_limit: 0,
        snapshot_policy: Cacheit.SnapshotPolicy.NONE});
    const e = await rejects(model.fetch_async(NONE, null), 'fetch of a 422');
    check(e.message.endsWith(': Validation Failed'), `message: ${e.message}`);
    const errors = model.last_error_body.get_object().get_array_member('errors');
    eq(errors.get_object_element(0).get_string_member('field'), 'title', 'errors[0].field');
});

test('tokens from gjs: an async ::authenticate handler, one refresh after the token expires, ' +
     'rate-limited bindable', async server => {
    server.route('/js-api/private', {json: {id: 1, first_name: 'Ada'}, bearer: 'js-1'});
    const client = new Cacheit.Client({base_uri: server.url('/js-api/'), retry_limit: 0,
        snapshot_policy: Cacheit.SnapshotPolicy.NONE});
    const asked = [];
    let token = 'js-1';
    client.connect('authenticate', (_client, request) => {
        asked.push(request.refresh);
        // As after a request of its own: answered from the main loop.
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            request.return_token(token);
            return GLib.SOURCE_REMOVE;
        });
        return true;
    });
    const me = client.get_model('private', User);
    eq(await me.fetch_async(NONE, null), true, 'fetch with the token');
    eq(me.first_name, 'Ada', 'data');
    server.route('/js-api/private', {json: {id: 1, first_name: 'Grace'}, bearer: 'js-2'});
    token = 'js-2';
    eq(await me.fetch_async(Cacheit.FetchFlags.RELOAD, null), true, 'fetch after the refresh');
    eq(me.first_name, 'Grace', 'new data');
    eq(JSON.stringify(asked), JSON.stringify([false, true]), 'asked, then refreshed');
    eq(client.rate_limited, false, 'not rate-limited');
});

test('a cache-only fetch from gjs: nothing cached rejects with NOT_CACHED and sends nothing', async server => {
    server.route('/js-api/offline', {json: {id: 1}});
    const model = new Cacheit.Model({url: server.url('/js-api/offline'),
        snapshot_policy: Cacheit.SnapshotPolicy.NONE});
    const e = await rejects(model.fetch_async(Cacheit.FetchFlags.CACHE_ONLY, null), 'cache-only fetch');
    check(e.matches(Cacheit.error_quark(), Cacheit.Error.NOT_CACHED), `NOT_CACHED: ${e.message}`);
    eq(server.eventsOf('request', '/js-api/offline').length, 0, 'no request');
    eq(await model.fetch_async(NONE, null), true, 'a normal fetch');
    eq(await model.fetch_async(Cacheit.FetchFlags.CACHE_ONLY, null), true, 'cache-only from memory');
    eq(server.eventsOf('request', '/js-api/offline').length, 1, 'one request in all');
});

run();
