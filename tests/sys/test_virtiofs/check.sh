#!/bin/sh
# SPDX-License-Identifier: MIT
# host_check of test_virtiofs: what the guest wrote reached the host.
#   check.sh big DIR     guest.bin is 64 MiB and has the SHA-256 the guest
#                        computed as it wrote it
#   check.sh files DIR   the files step left what it says it left
set -eu
step=$1
cd "$2"
case $step in
big)
	test "$(stat -c %s guest.bin)" = 67108864
	sha256sum --check --quiet guest.bin.sha256
	;;
files)
	test "$(cat t/stdio)" = "line 42"
	test "$(ls t/many | wc -l)" = 301
	test -d t/many/sub
	test ! -e t/a && test ! -e t/e && test ! -e t/large
	test "$(stat -c '%a %Y %X' t/attr)" = "640 1234567890 1000000000"
	;;
*)
	echo "check.sh: unknown step $step" >&2
	exit 2
	;;
esac
