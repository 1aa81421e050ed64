#!/bin/sh
# SPDX-License-Identifier: MIT
# host_check of the files case: what files.lua left behind, as the host
# sees it through virtio-fs. $1: the fs directory.
set -eu
cd "$1"
fail() {
	echo "check.sh: $*" >&2
	exit 1
}
[ "$(head -n 1 written.txt)" = "1 X" ] || fail "written.txt: first line"
[ "$(sed -n 1000p written.txt)" = "1000 1000000" ] || fail "line 1000"
[ "$(tail -n 1 written.txt)" = appended ] || fail "appended line"
[ "$(wc -l < written.txt)" -eq 1001 ] || fail "written.txt: line count"
[ "$(cat renamed.txt)" = moved ] || fail "renamed.txt"
[ ! -e from.txt ] || fail "from.txt still there"
[ ! -e big.bin ] || fail "big.bin not removed"
[ "$(cat output.txt)" = "via io.write" ] || fail "output.txt"
[ -z "$(ls tmp)" ] || fail "temporary files left: $(ls tmp)"
echo "check.sh: files as expected"
