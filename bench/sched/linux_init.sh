#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/sched.py (run by bench/linux/init.sh
# with the words after "--" on the kernel command line): "idle" sits idle
# for 12 s between two marker lines; anything else is passed to the
# benchmark program.
case "$1" in
idle)
	echo "IDLE-START"
	sleep 12
	echo "IDLE-END"
	;;
*)
	/bench/linux_sched "$@"
	;;
esac
