#!/bin/sh
# SPDX-License-Identifier: MIT
# Profiler cost: the same fixed work (bench/profile/main.c) in an image
# without the profiler, with it linked but off, and on at 1000 and 10000 Hz;
# gives the slowdown and the cost per sample. Results go to
# bench/RESULTS.md. Usage: bench/profile.sh [RUNS] (default 5)
set -eu
cd "$(dirname "$0")/.."
make -s lib
exec python3 bench/profile.py "$@"
