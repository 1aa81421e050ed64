#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for the web part of bench/vsock_bench.py (run
# by bench/linux/init.sh): nginx (bench/http/nginx.conf) on port 80 with
# only the loopback device, and Debian's socat relaying each connection
# to vsock port 80 to 127.0.0.1:80 (nginx does not speak AF_VSOCK).
# Says "HTTP-READY" and waits for the host to stop the VM.
set -eu
ip link set lo up
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
echo "root:x:0:" >/etc/group
mkdir -p /var/log/nginx /var/lib/nginx
# The 64 MiB file, as bench/http/linux_init.sh makes it.
dd if=/dev/zero of=/srv/www/64m.bin bs=1048576 count=64 2>/dev/null
/usr/sbin/nginx -c /etc/nginx/nginx.conf -e stderr
/usr/bin/socat -b 65536 VSOCK-LISTEN:80,reuseaddr,fork,backlog=128 \
	TCP:127.0.0.1:80,nodelay &
sleep 1
echo "HTTP-READY nginx and socat on $(nproc) CPUs"
while :; do sleep 3600; done
