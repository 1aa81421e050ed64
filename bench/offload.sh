#!/bin/sh
# SPDX-License-Identifier: MIT
# Each virtio-net receive offload's effect on bulk TCP into the guest, over
# a tap in a network namespace the bench makes and deletes (root): large
# receive (GUEST_TSO4/6, the host hands over segments of up to 64 KiB) on
# and off (toro.no_lro), over IPv4 and IPv6, the same guest program
# (bench/vsock's sink) in the same boots' rotation. Results go to
# bench/RESULTS.md (section offload).
# Usage: bench/offload.sh [RUNS] [--baseline BUILD_DIR] (5 runs)
# --baseline: also boot BUILD_DIR/vsockbench.elf (another tree's build,
# e.g. of an earlier commit) in turn with this tree's, for a side-by-side
# column and ratio; TORO_BASELINE_NOTE names it in the results.
set -eu
cd "$(dirname "$0")/.."
B="${TORO_BUILD:-build}"
make -s all "$(realpath -m "$B")/vsockbench.elf" BUILD="$B"
exec python3 bench/offload_bench.py "$@"
