#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/http_bench.py (run by
# bench/linux/init.sh): takes the address ADDRESS/PREFIX and gateway its
# arguments give, by default those QEMU user networking expects
# (10.0.2.15, the one its DHCP server would hand out and its host forwards
# go to), starts nginx on port 80 serving /srv/www, says "HTTP-READY" and
# waits for the host to stop the VM.
# Usage (kernel command line after --): [ADDRESS/PREFIX GATEWAY]
set -eu
ip link set lo up
ip link set eth0 up
ip addr add "${1:-10.0.2.15/24}" dev eth0
ip route add default via "${2:-10.0.2.2}"
# nginx looks its user up even as root; its temporary directories must be
# there.
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
echo "root:x:0:" >/etc/group
mkdir -p /var/log/nginx /var/lib/nginx
# The 64 MiB file (Toro's is in its initrd): in the initramfs it would
# not fit in the guest's memory twice, packed and unpacked.
dd if=/dev/zero of=/srv/www/64m.bin bs=1048576 count=64 2>/dev/null
/usr/sbin/nginx -c /etc/nginx/nginx.conf -e stderr
echo "HTTP-READY nginx on $(nproc) CPUs"
while :; do sleep 3600; done
