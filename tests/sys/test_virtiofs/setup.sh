#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of test_virtiofs. $2: the shared dir.
#   setup.sh big DIR     a 64 MiB file made on the host and its SHA-256,
#                        which the guest recomputes ("big" step)
#   setup.sh links DIR   l/: a file, a directory, and symbolic links to
#                        them of every kind the "links" step follows
set -eu
step=$1
cd "$2"
case $step in
big)
	head -c 67108864 /dev/urandom > host.bin
	sha256sum host.bin > host.bin.sha256
	;;
links)
	mkdir -p l/sub
	printf 'hello link\n' > l/file
	printf 'deep\n' > l/sub/deep
	cd l
	ln -s file rel
	ln -s sub reldir
	ln -s ../l/sub/deep up
	ln -s /l/file abs
	ln -s /l/sub absdir
	ln -s .. sub/back
	ln -s chain2 chain1
	ln -s chain3 chain2
	ln -s file chain3
	ln -s loop2 loop1
	ln -s loop1 loop2
	ln -s self self
	ln -s nothing dangling
	# 2004 bytes of target: "./" 1000 times, then "file".
	ln -s "$(printf './%.0s' $(seq 1000))file" long
	# c0 -> c1 -> ... -> c39 -> file: 40 links, Linux's most;
	# d0 .. d40 -> file: 41, one too many.
	i=0
	while [ $i -lt 41 ]; do
		n=$((i + 1))
		[ $i -lt 39 ] && ln -s c$n c$i
		[ $i -eq 39 ] && ln -s file c$i
		[ $i -lt 40 ] && ln -s d$n d$i
		[ $i -eq 40 ] && ln -s file d$i
		i=$n
	done
	;;
*)
	echo "setup.sh: unknown step $step" >&2
	exit 2
	;;
esac
