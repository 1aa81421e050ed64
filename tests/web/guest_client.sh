#!/bin/sh
# SPDX-License-Identifier: MIT
# host_client of examples/webserver/TEST: check_webserver.py against the
# guest's forwarded port, ending with GET /__quit so the guest exits.
#   guest_client.sh initrd      every check on the site packed as initrd
#   guest_client.sh workers     the site's files and 100 concurrent
#                               clients only (a server with fewer workers)
#   guest_client.sh fs          the 64 MiB file ($TEST_FS/big.bin, made by
#                               make_big.sh) on virtio-fs, plus the files
#                               and resets, and files changed
#                               between requests
set -e
here=$(dirname "$0")
: "${TEST_PORT:?run by tests/run.py, which sets TEST_PORT}"
case "$1" in
initrd)	exec python3 "$here/check_webserver.py" 127.0.0.1 "$TEST_PORT" \
		"$here/../../examples/webserver/site" --quit /__quit ;;
workers) exec python3 "$here/check_webserver.py" 127.0.0.1 "$TEST_PORT" \
		"$here/../../examples/webserver/site" --quit /__quit \
		--only files concurrent_100 ;;
fs)	exec python3 "$here/check_webserver.py" 127.0.0.1 "$TEST_PORT" \
		"$TEST_FS" --big "$TEST_FS/big.bin" --quit /__quit \
		--writable --only files big reset changed ;;
*)	echo "usage: guest_client.sh initrd|workers|fs" >&2; exit 2 ;;
esac
