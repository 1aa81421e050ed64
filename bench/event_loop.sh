#!/bin/sh
# SPDX-License-Identifier: MIT
# Event-loop benchmark: one-thread servers on epoll and poll()
# (bench/event_loop/main.c, and lighttpd from tests/ports) against
# examples/webserver on 1 and 2 CPUs of the same QEMU shape
# (bench/event_loop.py). Needs wrk (apt-get install wrk). Results go to
# bench/RESULTS.md. Usage: bench/event_loop.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
make -s all ports BUILD="${TORO_BUILD:-build}"
exec python3 bench/event_loop.py "$@"
