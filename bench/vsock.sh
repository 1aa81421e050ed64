#!/bin/sh
# SPDX-License-Identifier: MIT
# virtio-vsock benchmark: guest<->host bulk MiB/s (64 MiB each way) over
# vsock for Toro (bench/vsock, `toro run --vsock`) and for a Debian Linux
# guest on the same backend (bench/linux/vsock_tool.c), next to Toro's
# same program over TCP on QEMU user networking and on a tap; and
# examples/webserver's requests/s over vsock (`--vsock-port`) next to
# TCP on user networking and on the tap. All on the same QEMU (TCG,
# microvm, 2 CPUs, the same memory), interleaved in one run. The tap
# needs root: the script then runs everything in a network namespace it
# makes and deletes; without root the tap columns are left out. Builds
# the Linux guest the first time (bench/linux/build_guest.sh downloads
# Debian's kernel and busybox into build/linux/debs/); needs wrk
# (apt-get install wrk). Results go to bench/RESULTS.md (section vsock).
# Usage: [VSOCK_MIB=64] [VSOCK_SECONDS=10] bench/vsock.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
B="${TORO_BUILD:-build}"
make -s all "$(realpath -m "$B")/vsockbench.elf" BUILD="$(realpath -m "$B")"
TORO_BUILD="$(realpath -m "$B")" exec python3 bench/vsock_bench.py "$@"
