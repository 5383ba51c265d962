#!/usr/bin/env python3
# The subproject test (`meson test --suite subproject`): configures and builds
# examples/subproject/, an application that gets cacheit-glib as a meson
# subproject, in a fresh directory, then runs it against a JSON server of
# this script's own.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The consumer's source is a copy of examples/subproject/ with
# subprojects/cacheit-glib a symlink to this source tree, as a checkout or a
# wrap would put it there. It checks that:
#   - dependency('cacheit-1', fallback: 'cacheit-glib') finds the library
#     through meson.override_dependency(), with the subproject's default
#     options, warnings as errors when this build has them;
#   - the subproject adds no test, example, benchmark or fuzzer to the parent;
#   - the program builds, runs, and fetches from a server;
#   - `meson install` of the parent installs the library too.

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time

POST = {"id": 1, "title": "Hello from a subproject", "views": 100}


class Handler(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self):
        Handler.requests += 1
        if self.path != "/posts/1":
            self.send_error(404)
            return
        body = json.dumps(POST).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run(argv, **kwargs):
    print("$ " + " ".join(argv), flush=True)
    start = time.monotonic()
    result = subprocess.run(argv, **kwargs)
    print("  (%.1f s, exit status %d)" % (time.monotonic() - start, result.returncode), flush=True)
    if result.returncode != 0:
        sys.exit("failed: " + " ".join(argv))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meson", required=True, help="the meson command")
    parser.add_argument("--source-root", required=True, help="cacheit-glib's source tree")
    parser.add_argument("--workdir", required=True, help="a directory to (re)create for the consumer")
    parser.add_argument("--werror", default="false", help="true: warnings are errors")
    parser.add_argument("setup_options", nargs="*", help="further options for meson setup")
    args = parser.parse_args()

    source_root = os.path.realpath(args.source_root)
    example = os.path.join(source_root, "examples", "subproject")
    workdir = os.path.abspath(args.workdir)
    src = os.path.join(workdir, "src")
    build = os.path.join(workdir, "build")
    destdir = os.path.join(workdir, "dest")

    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(os.path.join(src, "subprojects"))
    for name in ("meson.build", "consumer.c"):
        shutil.copy(os.path.join(example, name), src)
    os.symlink(source_root, os.path.join(src, "subprojects", "cacheit-glib"))

    # An installed cacheit-1 would be preferred to the subproject: force it.
    run([args.meson, "setup", build, src,
         "--force-fallback-for=cacheit-1",
         "--prefix=/usr",
         "-Dwerror=" + args.werror] + args.setup_options)
    run([args.meson, "compile", "-C", build])

    # Nothing of the subproject's own tests, examples, benchmarks or fuzzers.
    targets = json.loads(run([args.meson, "introspect", "--targets", build],
                             stdout=subprocess.PIPE, text=True).stdout)
    names = sorted(t["name"] for t in targets)
    print("  targets: " + ", ".join(names))
    leaked = [n for n in names
              if n.startswith(("test-", "fuzz-", "bench-", "cacheit-bench", "cacheit-demo",
                            "cacheit-test-server", "hostile-server", "soak", "fetch-posts"))]
    if leaked:
        sys.exit("the subproject added targets of its tests or examples: " + ", ".join(leaked))
    if "cacheit-consumer" not in names or "cacheit-1" not in names:
        sys.exit("cacheit-consumer or the cacheit-1 library is not built")
    tests = json.loads(run([args.meson, "introspect", "--tests", build],
                           stdout=subprocess.PIPE, text=True).stdout)
    if tests:
        sys.exit("the subproject added tests to the parent: " +
                 ", ".join(t["name"] for t in tests))

    consumer = os.path.join(build, "cacheit-consumer")
    env = dict(os.environ, GIO_USE_PROXY_RESOLVER="dummy", no_proxy="127.0.0.1,localhost",
               G_DEBUG="fatal-criticals")
    out = run([consumer, "--help"], env=env, stdout=subprocess.PIPE, text=True).stdout
    print(out)
    if "built as a meson subproject" not in out:
        sys.exit("unexpected --help output")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d/posts/1" % server.server_address[1]
        out = run([consumer, url], env=env, stdout=subprocess.PIPE, text=True).stdout
    finally:
        server.shutdown()
    print(out)
    if '"Hello from a subproject"' not in out or "1 HTTP request for 2 fetches" not in out:
        sys.exit("unexpected output of cacheit-consumer")
    if Handler.requests != 1:
        sys.exit("the server saw %d requests, expected 1" % Handler.requests)

    # The parent's install installs the subproject's library with it.
    run([args.meson, "install", "-C", build, "--destdir", destdir, "--quiet"])
    installed = []
    for root, _dirs, files in os.walk(destdir):
        installed += [os.path.relpath(os.path.join(root, f), destdir) for f in files]
    for wanted in ("usr/bin/cacheit-consumer", "libcacheit-1.so.0", "cacheit-1/cacheit.h",
                   "pkgconfig/cacheit-1.pc"):
        if not any(path.endswith(wanted) for path in installed):
            sys.exit("meson install did not install %s" % wanted)
    if any("installed-tests" in path for path in installed):
        sys.exit("meson install installed tests of the subproject")

    print("ok: cacheit-consumer built with cacheit-glib as a subproject")


if __name__ == "__main__":
    main()
