#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the Linux benchmark guest (bench/linux/build_guest.sh puts it
# there). Mounts the kernel file systems, loads the modules listed in
# /etc/modules (one name a line, already in dependency order), runs the
# caller's script /etc/guest-init with the words the kernel passed to init
# (those after "--" on the kernel command line), prints its exit status
# as "GUEST-EXIT N" and powers the VM off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

if [ -s /etc/modules ]; then
	while read -r mod; do
		insmod "/lib/modules/$mod.ko" || echo "init: insmod $mod failed"
	done </etc/modules
fi

sh /etc/guest-init "$@"
echo "GUEST-EXIT $?"

# ACPI S5 on q35 and on microvm with ACPI; QEMU runs with -no-reboot, so
# should power-off fail, the reboot stops it as well.
poweroff -f
reboot -f
