#!/bin/sh
# SPDX-License-Identifier: MIT
# Hours-long loads, watched minute by minute for errors and leaks: the web
# server under wrk, a 16 MiB TCP echo loop and virtio-fs file churn, on a
# tap in a network namespace the bench makes and deletes (root). Every
# option goes to bench/soak.py (its docstring): e.g. bench/soak.sh
# --seconds 3600 --smp 2 4. Results go to bench/RESULTS.md (section soak).
set -eu
cd "$(dirname "$0")/.."
B="${TORO_BUILD:-build}"
make -s all "$(realpath -m "$B")/soakguest.elf" BUILD="$B"
exec python3 bench/soak.py "$@"
