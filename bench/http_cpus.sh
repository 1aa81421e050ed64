#!/bin/sh
# SPDX-License-Identifier: MIT
# The web server at 512 connections on 2 CPUs (a worker each, and one
# worker only), and on 1 CPU, beside the ceiling, with the host's CPU
# time per QEMU thread (bench/http_cpus.py); as root (a network namespace
# with a tap). Usage: bench/http_cpus.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
B="$(realpath -m "${TORO_BUILD:-build}")"
make -s all "$B/ceiling.elf" BUILD="$B"
exec python3 bench/http_cpus.py "$@"
