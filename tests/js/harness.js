// Shared helpers of the gjs tests: the server process (tests/python/server.py),
// waiting without sleeping, assertions and a small TAP emitter.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import System from 'system';

// Snapshots (Cacheit.Resource:snapshot-policy) of this run go to a directory
// of its own: a URL of an earlier run (the same port drawn again) must not
// start from that run's data. Set before anything asks GLib for it.
GLib.setenv('XDG_CACHE_HOME', GLib.dir_make_tmp('cacheit-test-cache-XXXXXX'), true);

// A safety net, never a timing: what has not happened by then fails the test.
export const SAFETY_TIMEOUT_SECONDS = 20;

const here = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);
const serverScript = GLib.build_filenamev([here, '..', 'python', 'server.py']);

export class TestFailure extends Error {
    constructor(message) {
        super(message);
        this.name = 'TestFailure';
    }
}

export function check(condition, message = 'check failed') {
    if (!condition)
        throw new TestFailure(message);
}

function show(value) {
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

export function eq(got, expected, what = 'value') {
    if (show(got) !== show(expected))
        throw new TestFailure(`${what}: expected ${show(expected)}, got ${show(got)}`);
}

// Resolves with what @promise resolves to, or rejects when the safety timeout
// expires first.
export function withTimeout(promise, what, seconds = SAFETY_TIMEOUT_SECONDS) {
    let id = 0;
    const timeout = new Promise((_resolve, reject) => {
        id = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, seconds, () => {
            id = 0;
            reject(new TestFailure(`timed out after ${seconds} s waiting for ${what}`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, timeout]).finally(() => {
        if (id)
            GLib.source_remove(id);
    });
}

// Awaits a GLib.Error (or JS error) from @promise; returns it.
export async function rejects(promise, what) {
    try {
        await withTimeout(promise, what);
    } catch (e) {
        if (e instanceof TestFailure)
            throw e;
        return e;
    }
    throw new TestFailure(`${what}: succeeded, expected an error`);
}

export class Server {
    constructor() {
        const python = System.programArgs[0] || GLib.find_program_in_path('python3');
        this.process = Gio.Subprocess.new([python, serverScript],
            Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
        this.stdout = new Gio.DataInputStream({base_stream: this.process.get_stdout_pipe()});
        const [line] = this.stdout.read_line_utf8(null);
        check(line !== null && /^\d+$/.test(line.trim()), `server.py did not print its port: ${line}`);
        this.port = parseInt(line, 10);
        this.events = [];
        this.waiters = [];
        this.cancellable = new Gio.Cancellable();
        this.session = new Soup.Session();
        this._readNext();
    }

    _readNext() {
        this.stdout.read_line_async(GLib.PRIORITY_DEFAULT, this.cancellable, (stream, result) => {
            let line;
            try {
                [line] = stream.read_line_finish_utf8(result);
            } catch {
                return;
            }
            if (line === null)
                return;
            this.events.push(JSON.parse(line));
            this.waiters = this.waiters.filter(w => !w());
            this._readNext();
        });
    }

    url(path) {
        return `http://127.0.0.1:${this.port}${path}`;
    }

    // A control request, answered at once: blocking is fine.
    control(command, args = {}) {
        const message = Soup.Message.new('POST', this.url(`/_control/${command}`));
        const body = new TextEncoder().encode(JSON.stringify(args));
        message.set_request_body_from_bytes('application/json', new GLib.Bytes(body));
        const bytes = this.session.send_and_read(message, null);
        const answer = JSON.parse(new TextDecoder().decode(bytes.get_data()));
        if (message.get_status() !== 200)
            throw new TestFailure(`control ${command}: ${answer.error}`);
        return answer;
    }

    route(path, route) {
        this.control('route', Object.assign({path}, route));
    }

    release(path) {
        return this.control('release', {path}).released;
    }

    stats(path) {
        return this.control('stats', {path});
    }

    count(path) {
        return this.stats(path).count;
    }

    eventsOf(event, path) {
        return this.events.filter(e => e.event === event && e.path === path);
    }

    // Resolves with predicate()'s first true value, checked as events arrive.
    waitFor(predicate, what) {
        const promise = new Promise(resolve => {
            const test = () => {
                const value = predicate();
                if (value)
                    resolve(value);
                return Boolean(value);
            };
            if (!test())
                this.waiters.push(test);
        });
        return withTimeout(promise, what);
    }

    // Resolves with the @n-th @event the server reports for @path.
    waitEvent(event, path, n = 1) {
        return this.waitFor(() => this.eventsOf(event, path)[n - 1],
            `server event ${event} on ${path}`);
    }

    // Resolves when request @id was answered or abandoned at the server.
    waitFinished(id) {
        return this.waitFor(() => this.events.find(e => e.id === id &&
            ['done', 'aborted', 'dropped'].includes(e.event)), `request ${id} to finish`);
    }

    stop() {
        this.cancellable.cancel();
        this.process.get_stdin_pipe().close(null);
        this.process.send_signal(15);
        this.process.wait(null);
    }
}

const tests = [];

export function test(name, fn) {
    tests.push({name, fn});
}

// Runs the registered tests in a main loop, printing TAP, and exits with a
// non-zero status if any failed.
export function run() {
    const loop = new GLib.MainLoop(null, false);
    let failures = 0;
    let server = null;

    const diagnose = (e, indent = '#   ') => {
        const text = `${e}\n${e && e.stack ? e.stack : ''}`;
        for (const line of text.trimEnd().split('\n'))
            print(indent + line);
    };

    (async () => {
        print(`1..${tests.length}`);
        try {
            server = new Server();
        } catch (e) {
            diagnose(e, '# ');
            tests.forEach((t, i) => print(`not ok ${i + 1} - ${t.name} # server failed`));
            failures = tests.length;
            return;
        }
        for (const [i, t] of tests.entries()) {
            try {
                // eslint-disable-next-line no-await-in-loop
                await withTimeout(Promise.resolve().then(() => t.fn(server)), t.name,
                    2 * SAFETY_TIMEOUT_SECONDS);
                print(`ok ${i + 1} - ${t.name}`);
            } catch (e) {
                failures++;
                print(`not ok ${i + 1} - ${t.name}`);
                diagnose(e);
            }
        }
    })().catch(e => {
        failures++;
        diagnose(e, '# ');
    }).finally(() => {
        try {
            server?.stop();
        } catch (e) {
            failures++;
            diagnose(e, '# stop: ');
        }
        if (failures)
            print(`# ${failures} of ${tests.length} failed`);
        loop.quit();
    });

    loop.run();
    System.exit(failures ? 1 : 0);
}
