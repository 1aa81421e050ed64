#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP benchmark: wrk against Toro's examples/webserver and, in the same
# run, against nginx in a Debian Linux guest on the same QEMU (TCG,
# microvm, 2 CPUs, the same memory, the same virtio-net device on QEMU user
# networking with a host forward, made as `toro run --port` makes it),
# serving the same 612-byte page and 1 MiB file: requests/s, p50/p99
# latency and bulk MiB/s. Downloads Debian's kernel, busybox and nginx into
# build/linux/debs/ the first time (bench/linux/build_guest.sh); needs wrk
# (apt-get install wrk). Results go to bench/RESULTS.md.
# Usage: bench/http.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
make -s all BUILD="${TORO_BUILD:-build}"
exec python3 bench/http_bench.py "$@"
