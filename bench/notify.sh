#!/bin/sh
# SPDX-License-Identifier: MIT
# Notifications (guest to device) and interrupts (device to guest) per
# request and per MiB, Toro's web server against nginx in the Debian Linux
# guest, on the tap of bench/http.sh's HTTP_NET=tap (as root), counted
# from QEMU's trace events. Results go to bench/RESULTS.md (section
# notify). Usage: bench/notify.sh [RUNS] (3)
set -eu
cd "$(dirname "$0")/.."
make -s all BUILD="${TORO_BUILD:-build}"
exec python3 bench/notify.py "$@"
