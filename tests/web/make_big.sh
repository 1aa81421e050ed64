#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the webserver's fs case: a 64 MiB file of random bytes,
# big.bin, in the served directory $1 (generated, never committed), and
# files at the sizes where the server changes how it sends a body (read
# in after the head up to 896 bytes, by sendfile() past that), which
# check_webserver.py fetches with the rest of the site.
set -e
[ -d "$1" ] || { echo "usage: make_big.sh DIR" >&2; exit 2; }
head -c 67108864 /dev/urandom > "$1/big.bin"
: > "$1/empty.txt"
head -c 896 /dev/urandom > "$1/edge-896.bin"
head -c 897 /dev/urandom > "$1/edge-897.bin"
