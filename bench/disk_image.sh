#!/bin/sh
# SPDX-License-Identifier: MIT
# Disk-image benchmark (issue 14): QEMU start to exit for hello booted
# from its `toro image` disk (SeaBIOS, OVMF) next to -kernel PVH, and the
# image's size in each format. Results go to bench/RESULTS.md.
# Usage: bench/disk_image.sh [RUNS] (default 7)
set -eu
cd "$(dirname "$0")/.."
make -s all
exec python3 bench/disk_image.py "${1:-7}"
