#!/bin/sh
# SPDX-License-Identifier: MIT
# Scheduler benchmark: Toro against a Debian Linux guest on the same QEMU
# (TCG, microvm, 2 CPUs): same-CPU switch by yielding, cross-CPU thread
# creation, cross-CPU wake-up by a condition variable, and the host CPU an
# idle guest costs. Downloads Debian's kernel and busybox into
# build/linux/debs/ the first time (bench/linux/build_guest.sh). Results go
# to bench/RESULTS.md. Usage: bench/sched.sh [RUNS [IDLE_RUNS]] (5 and 3)
set -eu
cd "$(dirname "$0")/.."
make -s all
exec python3 bench/sched.py "$@"
