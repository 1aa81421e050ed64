#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the lighttpd case: what the server needs beside the site.
# $1: the fs directory (a copy of root/).
#   /tmp        its upload directory
#   big.bin     4 MiB of random bytes, sent with sendfile(), checked by
#               hash on the host
# (/dev/null, which it opens at start-up for stdin and stdout, is the
# kernel's built-in device.)
set -eu
mkdir -p "$1/tmp"
head -c 4194304 /dev/urandom > "$1/site/big.bin"
