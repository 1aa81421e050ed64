#!/bin/sh
# SPDX-License-Identifier: MIT
# System-call cost: getpid(), syscall(SYS_getpid) and clock_gettime() in a
# loop, Toro against a Debian Linux guest with the same C library (musl),
# on the same QEMU (bench/syscall.py). Needs musl-tools; downloads Debian's
# kernel and busybox into build/linux/debs/ the first time. Results go to
# bench/RESULTS.md. Usage: bench/syscall.sh [RUNS] (5)
set -eu
cd "$(dirname "$0")/.."
make -s all
exec python3 bench/syscall.py "$@"
