#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages that building, running and testing Toro need,
# when they are missing. Run by `make` once per build tree (a stamp file
# remembers), and by .ci/run on a fresh machine.
set -eu

need=""
have() { command -v "$1" >/dev/null 2>&1; }
want() { # want COMMAND PACKAGE
	have "$1" || need="$need $2"
}

want gcc gcc
want make make
want ld binutils
want python3 python3
want qemu-system-x86_64 qemu-system-x86
want clang clang
# tests/fuzz: libFuzzer and the sanitizers' runtimes, which clang itself
# does not pull in (Debian 12: clang 14).
{ have clang && [ -e "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a" ]; } ||
	need="$need libclang-rt-14-dev"
# lwIP, musl and the ported programs come as Debian source packages
# (tools/fetch_source.sh).
want dpkg-source dpkg-dev
[ -e /usr/share/qemu/qboot.rom ] || need="$need qemu-system-data"
# toro run --fs; the tests' cpio check unpacks with GNU cpio.
[ -x /usr/lib/qemu/virtiofsd ] || need="$need qemu-system-common"
want cpio cpio
# toro debug.
want gdb gdb
# The ported programs (tests/ports/): SQLite's amalgamation is generated
# with tclsh and its files checked by the host's sqlite3; lighttpd is
# built by its own CMake build.
want tclsh tcl
want sqlite3 sqlite3
want cmake cmake
# tests/libc compares every program with its build for Debian's musl.
want musl-gcc musl-tools
# toro image: GRUB for BIOS and UEFI, the ESP's FAT, the partition table,
# qcow2/VHD output; its tests boot the images on OVMF too. mkfs.fat and
# sfdisk live in /usr/sbin, which a user's PATH may lack.
[ -e /usr/lib/grub/i386-pc/boot.img ] || need="$need grub-pc-bin"
[ -e /usr/lib/grub/x86_64-efi/multiboot2.mod ] || need="$need grub-efi-amd64-bin"
want mcopy mtools
[ -x /usr/sbin/mkfs.fat ] || need="$need dosfstools"
[ -x /usr/sbin/sfdisk ] || need="$need fdisk"
want qemu-img qemu-utils
[ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || need="$need ovmf"
# tests/deploy_checks.py parses docs/deploy.md's YAML.
python3 -c 'import yaml' 2>/dev/null || need="$need python3-yaml"
# tests/sys/test_ext2: images made by mke2fs, judged by e2fsck and debugfs;
# toro image --data-dir: the data partition, made by mke2fs -d.
[ -x /usr/sbin/mke2fs ] && [ -x /usr/sbin/debugfs ] || need="$need e2fsprogs"
# Optional, for the tests only: `toro run --libvirt` against a libvirtd of
# the test's own (tests/libvirtd.py). Installed when we are root; a user
# without them is not stopped, the test says it was skipped.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
optional=""
for p in libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients; do
	installed "$p" || optional="$optional $p"
done
if [ "$(id -u)" = 0 ]; then need="$need$optional"; fi

# Source packages need a deb-src entry in apt (tools/fetch_source.sh).
src=ok
apt-cache showsrc musl 2>/dev/null | grep -q '^Package: musl$' || src=""

[ -z "$need" ] && [ -n "$src" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	[ -n "$need" ] && echo "toro: missing packages:$need" >&2 &&
		echo "toro: install them with: sudo apt-get install -y$need" >&2
	[ -z "$src" ] && echo "toro: apt cannot fetch Debian source" \
		"packages; run 'sudo tools/fetch_source.sh --apt-setup musl'" \
		"(adds deb-src entries beside your deb ones)" >&2
	exit 1
fi
if [ -z "$need" ]; then
	"$(dirname "$0")/fetch_source.sh" --apt-setup musl
	exit 0
fi
echo "toro: installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >/dev/null
[ -n "$src" ] || "$(dirname "$0")/fetch_source.sh" --apt-setup musl
