#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/storage.py (run by bench/linux/init.sh
# with the words after "--" on the kernel command line): MIB COUNT SEED
# [DISK]. Mounts the virtio-fs share (tag "root") and runs linux_storage.c
# on the disk (/dev/vda, the virtio-blk one, unless DISK names another, as
# /dev/nvme0n1) and a new file on the share.
# Or, for the ext2 rows: ext2 MIB COUNT SEED FILES [DEV]. Mounts DEV
# (/dev/vda) at /data with the ext2 driver and noatime (Toro's ext2 never
# writes access times) and runs linux_storage.c's ext2 part there.
set -eu
if [ "$1" = ext2 ]; then
	dev=${6:-/dev/vda}
	[ -b "$dev" ] || { echo "no $dev"; exit 1; }
	mkdir -p /data
	mount -t ext2 -o noatime "$dev" /data
	/bench/linux_storage ext2 "$2" "$3" "$4" "$5" "$dev"
	umount /data
	exit
fi
disk=${4:-/dev/vda}
[ -b "$disk" ] || { echo "no $disk"; exit 1; }
mkdir -p /mnt
mount -t virtiofs root /mnt
/bench/linux_storage "$1" "$2" "$3" "$disk" /mnt/storage.dat
umount /mnt
