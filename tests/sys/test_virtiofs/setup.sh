#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of test_virtiofs: a 64 MiB file made on the host and its
# SHA-256, which the guest recomputes ("big" step). $1: the shared dir.
set -eu
head -c 67108864 /dev/urandom > "$1/host.bin"
cd "$1" && sha256sum host.bin > host.bin.sha256
