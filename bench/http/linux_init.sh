#!/bin/sh
# SPDX-License-Identifier: MIT
# The Linux guest's script for bench/http.py (run by bench/linux/init.sh):
# takes the address QEMU user networking expects (10.0.2.15, the one its
# DHCP server would hand out and its host forwards go to), starts nginx on
# port 80 serving /srv/www, says "HTTP-READY" and waits for the host to
# stop the VM.
set -eu
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
# nginx looks its user up even as root; its temporary directories must be
# there.
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
echo "root:x:0:" >/etc/group
mkdir -p /var/log/nginx /var/lib/nginx
/usr/sbin/nginx -c /etc/nginx/nginx.conf -e stderr
echo "HTTP-READY nginx on $(nproc) CPUs"
while :; do sleep 3600; done
