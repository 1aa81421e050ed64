#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the Lua cases: /tmp for os.tmpname and io.tmpfile, and the
# host's clock for time.lua to compare with. $1: the fs directory.
set -eu
mkdir -p "$1/tmp"
date +%s > "$1/now.txt"
