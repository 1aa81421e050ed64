#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/storage.py (run by bench/linux/init.sh
# with the words after "--" on the kernel command line): MIB COUNT SEED.
# Mounts the virtio-fs share (tag "root") and runs linux_storage.c on the
# virtio-blk disk and a new file on the share.
set -eu
[ -b /dev/vda ] || { echo "no /dev/vda"; exit 1; }
mkdir -p /mnt
mount -t virtiofs root /mnt
/bench/linux_storage "$1" "$2" "$3" /dev/vda /mnt/storage.dat
umount /mnt
