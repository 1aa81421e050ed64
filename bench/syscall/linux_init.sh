#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/syscall.py (run by bench/linux/init.sh
# with the words after "--" on the kernel command line): the benchmark,
# built from bench/syscall/main.c with Debian's musl-gcc.
/bench/syscall "$@"
