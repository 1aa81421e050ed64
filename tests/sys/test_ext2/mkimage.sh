#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes the test's disk images with e2fsprogs, from a directory tree made
# here: mkimage.sh ext2|crash|ext4 (the images are $TEST_DISKS, in order).
set -eu
PATH=/usr/sbin:/sbin:$PATH
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
*)
	echo "mkimage.sh: unknown mode $mode" >&2
	exit 1
	;;
esac
