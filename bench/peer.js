// bench/peer.js URL REPEATS: what a gjs developer writes: Soup 3 +
// JSON.parse. Prints "time_ms_median time_ms_min time_ms_max".
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import System from 'system';

Gio._promisify(Soup.Session.prototype, 'send_and_read_async', 'send_and_read_finish');

const [url, repeatsArg] = ARGV;
const repeats = parseInt(repeatsArg);
const session = new Soup.Session();
const decoder = new TextDecoder();

async function fetchOnce() {
    const message = Soup.Message.new('GET', url);
    const bytes = await session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, null);
    return JSON.parse(decoder.decode(bytes.toArray()));
}

const loop = new GLib.MainLoop(null, false);
const times = [];

(async () => {
    for (let i = 0; i < repeats; i++) {
        const start = GLib.get_monotonic_time();
        let data = await fetchOnce();
        times.push((GLib.get_monotonic_time() - start) / 1000);
        data = null;
        System.gc();
    }
    times.sort((a, b) => a - b);
    print(`${times[Math.floor(times.length / 2)].toFixed(3)} ${times[0].toFixed(3)} ${times[times.length - 1].toFixed(3)}`);
    loop.quit();
})().catch(e => {
    logError(e);
    System.exit(1);
});

loop.run();
