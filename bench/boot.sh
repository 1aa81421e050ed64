#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot benchmark (issue: platform): QEMU wall time from start to exit for
# hello next to an empty PVH stub (the floor), guest time from entry to
# main, stripped image size and the smallest memory that boots hello.
# Results go to bench/RESULTS.md. Usage: bench/boot.sh [RUNS] (default 15)
set -eu
cd "$(dirname "$0")/.."
make -s all
exec python3 bench/boot.py "${1:-15}"
