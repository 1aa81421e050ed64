#!/bin/sh
# SPDX-License-Identifier: MIT
# The host's verdict on what the guest left on the disk ($TEST_DISKS,
# first image): check.sh rw (e2fsck -fn clean, and debugfs shows the
# exact bytes, sizes, modes, links and times main.c's "rw" mode made),
# check.sh clean (e2fsck -fn only), check.sh repair (e2fsck -fy must
# repair what a crash left, then e2fsck -fn find it clean), check.sh parts
# (e2fsck -fn and the file main.c's "parts" mode wrote, on vda's
# partition 2), check.sh abort (clean, and the file main.c's "abort"
# mode wrote before it aborted), check.sh stopped (the same for the
# "stopped" mode, which the host's stop ended).
set -eu
PATH=/usr/sbin:/sbin:$PATH
set -- "$1" $TEST_DISKS
img=$2
fail() { echo "check.sh: $*" >&2; exit 1; }

if [ "$1" = parts ]; then
	# vda's partition 2 (from sector 4096 to 1 MiB before the end),
	# taken out for e2fsck and debugfs.
	part=$(mktemp)
	trap 'rm -f "$part"' EXIT
	dd if="$img" of="$part" bs=512 skip=4096 status=none
	img=$part
fi
if [ "$1" = repair ]; then
	rc=0
	e2fsck -fy "$img" >/tmp/ext2-repair.$$ 2>&1 || rc=$?
	[ "$rc" -le 1 ] || { cat /tmp/ext2-repair.$$ >&2; rm -f /tmp/ext2-repair.$$; fail "e2fsck -fy: $rc"; }
	rm -f /tmp/ext2-repair.$$
fi
out=$(e2fsck -fn "$img" 2>&1) || fail "e2fsck -fn: $out"
# Some problems (a feature on a revision 0 image) leave the status 0.
case $out in *"Fix? no"*) fail "e2fsck -fn: $out" ;; esac
if [ "$1" = abort ] || [ "$1" = stopped ]; then
	dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem state: *clean$' ||
		fail "not marked clean after $1"
	want="written before abort"
	[ "$1" = abort ] || want="written before the stop"
	got=$(debugfs -R "cat /kept.txt" "$img" 2>/dev/null)
	[ "$got" = "$want" ] || fail "/kept.txt: got [$got]"
	exit 0
fi
if [ "$1" = parts ]; then
	got=$(debugfs -R "cat /w.txt" "$img" 2>/dev/null)
	[ "$got" = "on vda2" ] || fail "/w.txt on vda2: got [$got]"
	exit 0
fi
[ "$1" = rw ] || exit 0

cat_is() { # cat_is PATH BYTES (printf format)
	want=$(printf "$2" | od -An -c)
	got=$(debugfs -R "cat $1" "$img" 2>/dev/null | od -An -c)
	[ "$got" = "$want" ] || fail "$1: got [$got], want [$want]"
}
stat_has() { # stat_has PATH REGEX
	debugfs -R "stat $1" "$img" 2>/dev/null | grep -Eq "$2" ||
		fail "$1: no /$2/ in: $(debugfs -R "stat $1" "$img" 2>/dev/null)"
}
absent() {
	debugfs -R "stat $1" "$img" 2>&1 | grep -q "File not found" ||
		fail "$1 should be gone"
}

cat_is /hello.txt 'hello ext2\nmore\n'
cat_is /new.txt 'new file\n'
cat_is /mapped.txt 'mapped text\n'
cat_is /new_link.txt 'new file\n'
stat_has /new.txt 'Mode: +0640'
stat_has /new.txt 'Links: 2'
stat_has /new.txt 'mtime: 0x499602d2:77359400'
cat_is /b.txt 'a\n'
absent /a.txt
absent /gone.txt
absent /tmpdir
absent /orphan.txt
absent /dir/sub
cat_is /newdir/sub2/deep.txt 'deep\n'
stat_has /newdir 'Links: 3'
stat_has /emptydir 'Mode: +0711'
stat_has /big.bin 'Size: 100000$'
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + i // 251) & 255 for i in range(100000)))' >/tmp/ext2-big.$$
debugfs -R "dump /big.bin /tmp/ext2-big-got.$$" "$img" >/dev/null 2>&1
cmp -s /tmp/ext2-big.$$ /tmp/ext2-big-got.$$ || { rm -f /tmp/ext2-big*.$$; fail "big.bin bytes differ"; }
rm -f /tmp/ext2-big*.$$
stat_has /grow.bin 'Size: 10000$'
cat_is /lots/f001 'f001'
cat_is /lots/f499 'f499'
absent /lots/f000
n=$(debugfs -R "ls -p /lots" "$img" 2>/dev/null | grep -c '^/[1-9]')
[ "$n" = 252 ] || fail "/lots has $n entries, want 250 and . and .."
# lchown() and utimensat(AT_SYMLINK_NOFOLLOW) changed the links, not
# their targets.
stat_has /link_fast 'User: +1234 +Group: +1234'
stat_has /link_fast 'mtime: 0x3b9aca00:'
stat_has /link_slow 'User: +1234 +Group: +1234'
debugfs -R "stat /hello.txt" "$img" 2>/dev/null | grep -Eq 'User: +1234|mtime: 0x3b9aca00:' &&
	fail "/hello.txt changed through /link_fast"
stat_has /sym_fast 'Fast link dest: "new.txt"'
stat_has /sym_slow 'Type: symlink'
cat_is /sym_slow "lots/././././././././././././././././././././././././././././././././././././././././././././f001"
stat_has /sparse.bin 'Size: 5368709123$'
# Its last block (1 KiB blocks), read from the disk: "END" at its start;
# few blocks in all (the rest is a hole).
blk=$(debugfs -R "bmap /sparse.bin 5242880" "$img" 2>/dev/null)
[ "$(dd if="$img" bs=1024 skip="$blk" count=1 status=none | head -c 3)" = END ] ||
	fail "sparse.bin's last block (at $blk) does not start with END"
stat_has /sparse.bin 'Blockcount: [0-9]{1,2}$'
