#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/storage.py (run by bench/linux/init.sh
# with the words after "--" on the kernel command line): MIB COUNT SEED
# [DISK]. Mounts the virtio-fs share (tag "root") and runs linux_storage.c
# on the disk (/dev/vda, the virtio-blk one, unless DISK names another, as
# /dev/nvme0n1) and a new file on the share.
set -eu
disk=${4:-/dev/vda}
[ -b "$disk" ] || { echo "no $disk"; exit 1; }
mkdir -p /mnt
mount -t virtiofs root /mnt
/bench/linux_storage "$1" "$2" "$3" "$disk" /mnt/storage.dat
umount /mnt
