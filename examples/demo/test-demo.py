#!/usr/bin/env python3
# test-demo.py: runs cacheit-demo several times over one cache directory
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: test-demo.py [--runs N] [--refresh-run] -- COMMAND [ARGUMENT...]
#
# COMMAND runs cacheit-demo (directly, or through xvfb-run), N times (2),
# with XDG_CACHE_HOME set to a fresh temporary directory and --port set to a
# port that was free when the test started, the same for every run: the
# library keeps its snapshots of the list in that directory, by URL, so the
# first run gets the list from the network and every later one from disk.
# Each run must exit 0 (the demo checks what it sees against the contract)
# and print "first row ... from the network" (the first run) or
# "first row ... from disk" (the others), and say it signed in ("sign-in
# ... Signed in as demo": the demo's server wants a bearer token). No time
# is compared: the machines that run the tests are shared and noisy.
#
# --refresh-run adds a run with --token-lifetime 1: the server's tokens
# expire after a second, and the demo waits for its token to expire before
# a step (console: a reload; window: the renames), so that it meets a 401.
# That run must print "token refreshed (N×)" at least once, still sign in
# and load from disk, and its figures (fetch calls, HTTP requests) must be
# those of the run before it: a refresh sends the refused request again,
# which the server does not count twice.

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile

FIRST_ROW = re.compile(r"^\s*first row\s+.* after the first fetch call, from (disk|the network)\s*$",
                       re.MULTILINE)
SIGNED_IN = re.compile(r"^\s*sign-in\s+Signed in as demo\b", re.MULTILINE)
REFRESHED = re.compile(r"token refreshed \((\d+)×\)")
# The figures a refresh must not change.
FIGURES = re.compile(r"^\s*(fetch calls made|HTTP requests sent)\s+(.*?)\s*$", re.MULTILINE)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per run")
    parser.add_argument("--refresh-run", action="store_true",
                        help="one more run with --token-lifetime 1, which must refresh its token")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")

    port = free_port()
    failed = False

    with tempfile.TemporaryDirectory(prefix="cacheit-demo-test-") as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)

        n_runs = args.runs + (1 if args.refresh_run else 0)
        figures_before = None

        for run in range(1, n_runs + 1):
            expected = "the network" if run == 1 else "disk"
            refresh_run = args.refresh_run and run == n_runs
            argv = command + ["--port", str(port)]
            if refresh_run:
                argv += ["--token-lifetime", "1"]
            print(f"# run {run} of {n_runs}: {' '.join(argv)}", flush=True)
            try:
                result = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"# run {run} timed out after {args.timeout} s", flush=True)
                return 1

            sys.stdout.write(result.stdout)
            sys.stdout.write(result.stderr)
            sys.stdout.flush()

            if result.returncode != 0:
                print(f"# run {run} exited with status {result.returncode}")
                failed = True
                continue

            if f"port {port} is taken" in result.stderr:
                print(f"# run {run}: port {port} was taken by another process in the "
                      f"meantime: the snapshot cannot be found")
                failed = True
                continue

            origins = FIRST_ROW.findall(result.stdout)
            if origins != [expected]:
                print(f"# run {run}: expected one line \"first row ... from {expected}\", "
                      f"found {origins}")
                failed = True
            else:
                print(f"# run {run}: the first row came from {expected}, as expected")

            if not SIGNED_IN.search(result.stdout):
                print(f"# run {run}: no line \"sign-in ... Signed in as demo\"")
                failed = True

            figures = FIGURES.findall(result.stdout)
            if refresh_run:
                refreshes = REFRESHED.findall(result.stdout)
                if not refreshes:
                    print(f"# run {run}: the token lifetime is 1 s, but no line \"token refreshed (N×)\"")
                    failed = True
                else:
                    print(f"# run {run}: the token was refreshed {refreshes[-1]}×, as expected")
                if figures_before is not None and figures != figures_before:
                    print(f"# run {run}: a refresh changed the figures: {figures}, "
                          f"not {figures_before} as in the run before")
                    failed = True
                elif figures_before is not None:
                    print(f"# run {run}: the figures are those of the run before: {figures}")
            figures_before = figures

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
