#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the webserver's fs case: a 64 MiB file of random bytes,
# big.bin, in the served directory $1 (generated, never committed).
set -e
[ -d "$1" ] || { echo "usage: make_big.sh DIR" >&2; exit 2; }
head -c 67108864 /dev/urandom > "$1/big.bin"
