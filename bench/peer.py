#!/usr/bin/python3
# bench/peer.py URL REPEATS: what a Python developer writes: urllib + json.loads.
# Prints "time_ms_median time_ms_min time_ms_max bytes_per_item" on one line;
# memory is what tracemalloc sees the decoded list hold.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import statistics
import sys
import time
import tracemalloc
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def main():
    url, repeats = sys.argv[1], int(sys.argv[2])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        data = fetch(url)
        times.append((time.perf_counter() - start) * 1000)
        del data

    tracemalloc.start()
    data = fetch(url)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print("%.3f %.3f %.3f %.1f" % (statistics.median(times), min(times), max(times),
                                   held / max(len(data), 1)))


main()
