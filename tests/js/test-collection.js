// Collections from gjs: a GListModel of items of a GObject.registerClass
// subclass, items on demand (R11) and merge by id (R10).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Cacheit from 'gi://Cacheit?version=1.0';

import {check, eq, rejects, run, test} from './harness.js';

Gio._promisify(Cacheit.Resource.prototype, 'fetch_async', 'fetch_finish');

const {NONE, RELOAD} = Cacheit.FetchFlags;
const RW = GObject.ParamFlags.READWRITE;

const Row = GObject.registerClass({
    GTypeName: 'CacheitJsTestRow',
    Properties: {
        'name': GObject.ParamSpec.string('name', 'Name', 'The name', RW, null),
        'rank': GObject.ParamSpec.int('rank', 'Rank', 'The rank', RW, 0, 1000000, 0),
    },
}, class Row extends Cacheit.Model {});

function rows(spec) {
    return spec.split(' ').filter(w => w).map(word => {
        const [id, name] = word.split(':');
        return {id: parseInt(id, 10), name: name ?? `row ${id}`, rank: parseInt(id, 10)};
    });
}

function names(collection) {
    const result = [];
    for (let i = 0; i < collection.get_n_items(); i++)
        result.push(collection.get_item(i).name);
    return result.join(' ');
}

function recordSplices(collection) {
    const splices = [];
    collection.connect('items-changed', (_m, position, removed, added) =>
        splices.push([position, removed, added]));
    return splices;
}

async function refetch(server, collection, path, spec) {
    server.route(path, {json: rows(spec)});
    eq(await collection.fetch_async(RELOAD, null), true, `fetch of ${spec}`);
}

test('collection: items of a GObject.registerClass item-type, typed properties filled', async server => {
    const path = '/js-rows';
    server.route(path, {json: rows('1 2 3')});
    const collection = Cacheit.Collection.new(Row.$gtype, server.url(path));
    check(collection instanceof Gio.ListModel, 'not a Gio.ListModel');
    eq(collection.item_type, Row.$gtype, 'item-type');
    const splices = recordSplices(collection);
    eq(await collection.fetch_async(NONE, null), true, 'fetch_async');
    eq(collection.get_n_items(), 3, 'n-items');
    eq(splices, [[0, 0, 3]], 'items-changed');
    const item = collection.get_item(2);
    check(item instanceof Row, `the item is ${item}`);
    eq([item.name, item.rank], ['row 3', 3], 'the item\'s properties');
    check(collection.get_item(2) === item, 'R11: get_item made another object');
    check(collection.get_by_id('3') === item, 'get_by_id(\'3\')');
});

test('R10 merge by id: a persisting id keeps its object, updated in place; exact items-changed', async server => {
    const path = '/js-rows-r10';
    server.route(path, {json: rows('1 2 3 4')});
    const collection = Cacheit.Collection.new(Row.$gtype, server.url(path));
    eq(await collection.fetch_async(NONE, null), true, 'fetch_async');
    const four = collection.get_item(3);
    const notified = [];
    four.connect('notify', (_o, pspec) => notified.push(pspec.get_name()));
    const splices = recordSplices(collection);

    await refetch(server, collection, path, '1 4:four');
    eq(splices, [[1, 2, 0]], 'items-changed');
    check(collection.get_item(1) === four, 'item 4 is another object');
    eq(four.name, 'four', 'item 4\'s name');
    eq(notified, ['name'], 'notify of item 4');
    eq(names(collection), 'row 1 four', 'names');

    splices.length = 0;
    notified.length = 0;
    let syncs = 0;
    collection.connect('sync', () => syncs++);
    await refetch(server, collection, path, '1 4:four');
    eq(splices, [], 'items-changed of an identical refetch');
    eq(notified, [], 'notify of an identical refetch');
    eq(syncs, 0, 'sync of an identical refetch');
});

test('collection: wrong shape keeps the items; vfunc_parse on a Collection subclass', async server => {
    const path = '/js-rows-shape';
    server.route(path, {json: rows('1 2')});
    const collection = Cacheit.Collection.new(Row.$gtype, server.url(path));
    eq(await collection.fetch_async(NONE, null), true, 'fetch_async');
    server.route(path, {json: {id: 1}});
    const e = await rejects(collection.fetch_async(RELOAD, null), 'fetch of an object');
    check(e.matches(Cacheit.error_quark(), Cacheit.Error.WRONG_SHAPE), `error: ${e}`);
    eq(names(collection), 'row 1 row 2', 'names after the failure');

    const Envelope = GObject.registerClass({
        GTypeName: 'CacheitJsTestEnvelopeRows',
    }, class Envelope extends Cacheit.Collection {
        vfunc_parse(response) {
            return response.get_object().get_member('rows');
        }
    });
    const wrapped = '/js-rows-envelope';
    server.route(wrapped, {json: {rows: rows('5 6')}});
    const enveloped = new Envelope({item_type: Row.$gtype, url: server.url(wrapped)});
    eq(await enveloped.fetch_async(NONE, null), true, 'fetch_async of an envelope');
    eq(names(enveloped), 'row 5 row 6', 'names from the envelope');
});

run();
