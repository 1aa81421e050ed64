#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP benchmark: wrk against Toro's examples/webserver and, in the same
# run, against bench/ceiling (the least a Toro guest can do to answer, over
# lwIP's raw API) and nginx in a Debian Linux guest on the same QEMU (TCG,
# microvm, 2 CPUs, the same memory, the same virtio-net device, on QEMU
# user networking with a host forward as `toro run --port` makes it, or
# with HTTP_NET=tap on a tap in a network namespace the bench makes and
# deletes, as root), serving the same files: requests/s and p50/p99 at 8,
# 64 and 512 connections, connections/s, bulk MiB/s on 1 MiB and 64 MiB.
# Downloads Debian's kernel, busybox and nginx into build/linux/debs/ the
# first time (bench/linux/build_guest.sh); needs wrk (apt-get install
# wrk). Results go to bench/RESULTS.md (sections http, http_tap; with
# HTTP_SMP=N other than 2, http_Ncpu, http_tap_Ncpu).
# Usage: [HTTP_NET=user|tap] [HTTP_SMP=N] bench/http.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
B="${TORO_BUILD:-build}"
make -s all "$(realpath -m "$B")/ceiling.elf" BUILD="$B"
exec python3 bench/http_bench.py "$@"
