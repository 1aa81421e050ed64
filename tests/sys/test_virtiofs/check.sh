#!/bin/sh
# SPDX-License-Identifier: MIT
# host_check of test_virtiofs: what the guest wrote reached the host.
#   check.sh big DIR     guest.bin is 64 MiB and has the SHA-256 the guest
#                        computed as it wrote it
#   check.sh files DIR   the files step left what it says it left
#   check.sh links DIR   the links the links step made are there, and what
#                        it wrote through them
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
links)
	test "$(readlink l/gsym)" = file
	test "$(readlink l/gdir)" = /l/sub
	test "$(readlink l/gw)" = wfile
	test "$(readlink l/gnew)" = created
	test "$(stat -c %i l/ghard)" = "$(stat -c %i l/file)"
	test "$(stat -c %h l/file)" = 2
	test "$(cat l/wfile)" = "via link"
	test "$(cat l/created)" = made
	test ! -e l/gempty && test ! -e l/gsubhard
	;;
*)
	echo "check.sh: unknown step $step" >&2
	exit 2
	;;
esac
