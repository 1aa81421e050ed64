#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes the test's disk images with e2fsprogs, from a directory tree made
# here: mkimage.sh ext2|rev0|crash|ext4|parts (the images are $TEST_DISKS, in
# order).
set -eu
PATH=/usr/sbin:/sbin:$PATH
# The GUID of vda's partition 1 in "parts" mode (main.c looks for it).
PART1_GUID=6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
set -- "$1" $TEST_DISKS
mode=$1
shift

printf 'hello ext2\n' >"$tree/hello.txt"
mkdir -p "$tree/dir/sub" "$tree/many"
printf 'deep\n' >"$tree/dir/sub/deep.txt"
chmod 600 "$tree/dir/sub/deep.txt"
# big.bin: byte i is (i * 7 + i / 251) & 0xff, as main.c checks.
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) & 255 for i in range(300000)))' >"$tree/big.bin"
ln -s hello.txt "$tree/link_fast"
ln -s ./././././././././././././././././././././././././dir/sub/../sub/deep.txt "$tree/link_slow"
ln -s dir/sub "$tree/link_dir"
printf 'hard\n' >"$tree/hard1"
ln "$tree/hard1" "$tree/hard2"
printf 'a\n' >"$tree/a.txt"
printf 'b\n' >"$tree/b.txt"
printf 'gone\n' >"$tree/gone.txt"
printf 'grow' >"$tree/grow.bin"
for i in $(seq 0 399); do printf 'm%d\n' "$i" >"$tree/many/m$i"; done

fsck_d() { # e2fsck -fyD: indexes the large directories (htree)
	rc=0
	e2fsck -fyD "$1" >/dev/null 2>&1 || rc=$?
	[ "$rc" -le 1 ] || { echo "e2fsck -D: $rc" >&2; exit 1; }
}

case $mode in
ext2)
	mke2fs -q -F -t ext2 -b 1024 -d "$tree" "$1"
	fsck_d "$1"
	debugfs -R "htree /many" "$1" 2>/dev/null | grep -q "Root node" ||
		{ echo "no htree index on /many" >&2; exit 1; }
	;;
rev0)
	mke2fs -q -F -t ext2 -r 0 "$1"
	;;
crash)
	mke2fs -q -F -t ext2 -b 4096 -d "$tree" "$1"
	;;
ext4)
	mke2fs -q -F -t ext4 -d "$tree" "$1"
	fsck_d "$1"
	mke2fs -q -F -t ext4 -O inline_data "$2"
	mke2fs -q -F -t ext4 "$3"
	debugfs -w -R "feature needs_recovery" "$3" >/dev/null 2>&1
	mke2fs -q -F -t ext2 -b 1024 -d "$tree" "$4"
	# /dir's one block: overwritten with 0xff (record lengths past the
	# block).
	blk=$(debugfs -R "blocks /dir" "$4" 2>/dev/null | tr -d ' \n')
	python3 -c 'import sys; sys.stdout.buffer.write(b"\xff" * 1024)' |
		dd of="$4" bs=1024 seek="$blk" conv=notrunc status=none
	;;
parts)
	# vda: GPT, partition 1 (1 MiB at sector 2048, GUID below, "PART1"
	# at its start), partition 2 ext2 (the rest); vdb: MBR, partition 1
	# ext2; vdc: a GPT whose entries lie past the end of the disk.
	printf 'label: gpt\nstart=2048, size=2048, uuid=%s\nstart=4096\n' \
		"$PART1_GUID" | sfdisk -q "$1"
	printf 'PART1' | dd of="$1" bs=512 seek=2048 conv=notrunc status=none
	kib=$(( ($(stat -c %s "$1") - 4096 * 512 - 1024 * 1024) / 1024 ))
	mke2fs -q -F -t ext2 -b 1024 -E offset=$((4096 * 512)) -d "$tree" \
		"$1" "${kib}k"
	printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$2"
	kib=$(( ($(stat -c %s "$2") - 2048 * 512) / 1024 ))
	mke2fs -q -F -t ext2 -b 1024 -E offset=$((2048 * 512)) -d "$tree" \
		"$2" "${kib}k"
	printf 'label: gpt\nstart=2048\n' | sfdisk -q "$3"
	printf '\377\377\377\377' |
		dd of="$3" bs=1 seek=$((512 + 72)) conv=notrunc status=none
	;;
*)
	echo "mkimage.sh: unknown mode $mode" >&2
	exit 1
	;;
esac
