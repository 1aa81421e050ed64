#!/bin/sh
# SPDX-License-Identifier: MIT
# Guest instructions per request: examples/webserver against bench/ceiling
# on the tap of `HTTP_NET=tap bench/http.sh` (as root), 1 CPU (INSNS_SMP
# sets another count), at 8, 64 and 512 connections, with the functions a
# request's instructions go to.
# Counted by a QEMU plugin of ours (bench/insns/plugin.c), built against
# the plugin header of Debian's qemu source package (fetched into
# build/deps/qemu the first time: tools/fetch_source.sh). Steady where
# requests/s is not: the measure for whether a change makes a request
# cheaper. Results go to bench/RESULTS.md (section insns).
# Usage: bench/insns.sh [RUNS] (2); INSNS_SMP=2 bench/insns.sh: the guests
# on 2 CPUs (results in a section of their own).
set -eu
cd "$(dirname "$0")/.."
B="$(realpath -m "${TORO_BUILD:-build}")"
make -s all "$B/ceiling.elf" BUILD="$B"
# The header must match the QEMU that loads the plugin: the source of the
# installed package's version.
v=$(dpkg-query -W -f '${Version}' qemu-system-x86 2>/dev/null) ||
	{ echo "insns: qemu-system-x86 is not installed" >&2; exit 1; }
upstream=${v#*:}
tools/fetch_source.sh qemu build/deps/qemu "${upstream%%+*}"
mkdir -p "$B/insns"
so="$B/insns/libinsns.so"
if [ ! -f "$so" ] || [ bench/insns/plugin.c -nt "$so" ]; then
	cc -O2 -Wall -Wextra -shared -fPIC -Ibuild/deps/qemu/include/qemu \
		-o "$so" bench/insns/plugin.c -lpthread
fi
exec python3 bench/insns.py "$@"
