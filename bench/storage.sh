#!/bin/sh
# SPDX-License-Identifier: MIT
# Storage benchmark: Toro against a Debian Linux guest on the same QEMU
# (TCG, microvm, 2 CPUs, the same disk image, virtiofsd and memory):
# sequential write and read MiB/s of 256 MiB over virtio-blk and over
# virtio-fs, and 4 KiB random-read IOPS over each; then the same on NVMe,
# and an ext2 filesystem on virtio-blk mounted by both (write + fsync,
# cold read, random reads, 10,000 files created and unlinked). Downloads
# Debian's kernel and busybox into build/linux/debs/ the first time
# (bench/linux/build_guest.sh); needs root for QEMU 7.2's virtiofsd.
# Results go to bench/RESULTS.md. Usage: bench/storage.sh [RUNS] [ext2]
# (RUNS 5; "ext2": only the ext2 rows, printed, RESULTS.md left alone)
set -eu
cd "$(dirname "$0")/.."
make -s all BUILD="${TORO_BUILD:-build}"
exec python3 bench/storage.py "$@"
