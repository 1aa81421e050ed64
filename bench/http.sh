#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP benchmark: wrk against Toro's examples/webserver and, in the same
# run, against nginx in a Debian Linux guest on the same QEMU (TCG,
# microvm, 2 CPUs, the same memory, the same virtio-net device, on QEMU
# user networking with a host forward as `toro run --port` makes it, or
# with HTTP_NET=tap on a tap in a network namespace the bench makes and
# deletes, as root), serving the same files: requests/s and p50/p99 at 8,
# 64 and 512 connections, connections/s, bulk MiB/s on 1 MiB and 64 MiB.
# Downloads Debian's kernel, busybox and nginx into build/linux/debs/ the
# first time (bench/linux/build_guest.sh); needs wrk (apt-get install
# wrk). Results go to bench/RESULTS.md (sections http, http_tap).
# Usage: [HTTP_NET=user|tap] [HTTP_SMP=N] bench/http.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
make -s all BUILD="${TORO_BUILD:-build}"
exec python3 bench/http_bench.py "$@"
