#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP at 1 vs 2 CPUs with virtio-net multi-queue, in the same run (see
# bench/http_mq.py); as root (a network namespace with a multi_queue tap).
# Usage: bench/http_mq.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
B="${TORO_BUILD:-build}"
make -s all BUILD="$B"
exec python3 bench/http_mq.py "$@"
