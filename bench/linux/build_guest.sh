#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds the Linux guest that benchmarks measure Toro against: Debian's
# kernel (linux-image-amd64) and an initramfs of busybox-static, our /init
# (bench/linux/init.sh), the caller's script and files, and any kernel
# modules asked for. Packages come from Debian's archive through apt-get
# download into build/linux/debs/ and are reused from there; delete that
# directory to take newer ones. Nothing downloaded belongs in git.
#
# Usage: bench/linux/build_guest.sh [-m MODULE]... OUT_DIR INIT_SCRIPT [FILE[:DEST]]...
#
#   OUT_DIR      gets vmlinuz, initramfs.cpio.gz and kernel-release
#   INIT_SCRIPT  run by /init as "sh /etc/guest-init ARGS...", ARGS being
#                the words after "--" on the kernel command line; the VM
#                powers off when it returns (after printing "GUEST-EXIT N")
#   FILE[:DEST]  copied into the initramfs at DEST (default /NAME)
#   -m MODULE    a kernel module to load at boot (e.g. virtio_mmio,
#                virtio_blk); what it depends on is added and loaded first
#
# Boot the result with, for example (bench/linux/guest.py builds this):
#   qemu-system-x86_64 -M microvm,acpi=on -accel tcg -cpu max -smp 2 -m 256 \
#     -nodefaults -no-user-config -display none -serial stdio -no-reboot \
#     -kernel OUT_DIR/vmlinuz -initrd OUT_DIR/initramfs.cpio.gz \
#     -append "console=ttyS0 quiet -- ARGS"
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=$ROOT/build/linux
DEBS=$CACHE/debs

die() {
	echo "build_guest: $*" >&2
	exit 1
}

usage() {
	sed -n 's/^# Usage: /usage: /p' "$0" >&2
	exit 2
}

MODULES=()
while getopts "m:h" opt; do
	case $opt in
	m) IFS=, read -ra names <<<"$OPTARG"; MODULES+=("${names[@]}") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
OUT=$1
INIT_SCRIPT=$2
shift 2
[ -f "$INIT_SCRIPT" ] || die "$INIT_SCRIPT: no such file"

for tool in apt-get dpkg-deb python3; do
	command -v $tool >/dev/null || die "$tool not found (this needs Debian)"
done

# --- Packages -----------------------------------------------------------

# fetch PACKAGE: download PACKAGE's .deb into $DEBS unless one is there.
fetch() {
	local pkg=$1
	if compgen -G "$DEBS/${pkg}_*.deb" >/dev/null; then
		return
	fi
	mkdir -p "$DEBS"
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		[ "$(id -u)" = 0 ] || die "apt knows no $pkg: run apt-get update as root"
		echo "build_guest: apt-get update" >&2
		apt-get update -qq
	fi
	echo "build_guest: downloading $pkg" >&2
	local opts=()
	# As root apt drops to the _apt user, which cannot write here.
	[ "$(id -u)" = 0 ] && opts=(-o APT::Sandbox::User=root)
	(cd "$DEBS" && apt-get download -qq "${opts[@]}" "$pkg") ||
		die "apt-get download $pkg failed"
}

# The newest .deb of a package in the cache.
deb_of() {
	printf '%s\n' "$DEBS/${1}"_*.deb | sort -V | tail -n 1
}

# unpack DEB DIR: extract DEB into DIR once (again if the .deb changed).
unpack() {
	local deb=$1 dir=$2
	if [ -f "$dir/.unpacked" ] && [ "$(cat "$dir/.unpacked")" = "$(basename "$deb")" ]; then
		return
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
	basename "$deb" >"$dir/.unpacked"
}

# linux-image-amd64 only depends on the versioned image package, e.g.
# linux-image-6.1.0-56-amd64, which holds the kernel and its modules.
if ! compgen -G "$DEBS/linux-image-[0-9]*-amd64_*.deb" >/dev/null; then
	fetch linux-image-amd64
	image=$(dpkg-deb -f "$(deb_of linux-image-amd64)" Depends |
		grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n 1)
	[ -n "$image" ] || die "cannot tell which kernel linux-image-amd64 depends on"
	fetch "$image"
fi
kdeb=$(printf '%s\n' "$DEBS"/linux-image-[0-9]*-amd64_*.deb | sort -V | tail -n 1)
fetch busybox-static

unpack "$kdeb" "$CACHE/kernel"
unpack "$(deb_of busybox-static)" "$CACHE/busybox"

KREL=$(basename "$(printf '%s\n' "$CACHE"/kernel/lib/modules/*/ | head -n 1)")
KMODS=$CACHE/kernel/lib/modules/$KREL
VMLINUZ=$CACHE/kernel/boot/vmlinuz-$KREL
BUSYBOX=$CACHE/busybox/bin/busybox
[ -f "$VMLINUZ" ] || die "no kernel in $kdeb"
[ -x "$BUSYBOX" ] || die "no busybox in busybox-static"

# --- The initramfs tree -------------------------------------------------

mkdir -p "$OUT"
STAGE=$OUT/initramfs
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,dev,etc,proc,sys,tmp,lib/modules}
chmod 1777 "$STAGE/tmp"
cp "$BUSYBOX" "$STAGE/bin/busybox"
# One link per applet; busybox-static runs on the build host as well.
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$STAGE/bin/$applet"
done
install -m 755 "$HERE/init.sh" "$STAGE/init"
install -m 755 "$INIT_SCRIPT" "$STAGE/etc/guest-init"

for spec in "$@"; do
	src=${spec%%:*}
	dest=/$(basename "$src")
	[ "$spec" != "$src" ] && dest=${spec#*:}
	[ -e "$src" ] || die "$src: no such file"
	mkdir -p "$STAGE$(dirname "$dest")"
	cp -a "$src" "$STAGE$dest"
done

# --- Modules ------------------------------------------------------------

# Module names use "_" where file names may use "-" (virtio-rng.ko).
module_file() {
	local pat=${1//_/[-_]}
	find "$KMODS/kernel" -regextype posix-extended \
		-regex ".*/${pat}\.ko(\.xz|\.zst|\.gz)?" | head -n 1
}

is_builtin() {
	local pat=${1//_/[-_]}
	grep -Eq "/${pat}\.ko\$" "$KMODS/modules.builtin" 2>/dev/null
}

ORDER=()
# add_module NAME: stage NAME's .ko (decompressed: busybox insmod reads
# plain ELF only) after everything it depends on.
add_module() {
	local name=$1 file dst dep deps
	for done_name in "${ORDER[@]}"; do
		[ "$done_name" = "$name" ] && return
	done
	file=$(module_file "$name")
	if [ -z "$file" ]; then
		is_builtin "$name" && return
		die "no module $name in $KREL"
	fi
	dst=$STAGE/lib/modules/$name.ko
	case $file in
	*.xz) xz -dc "$file" >"$dst" ;;
	*.zst) zstd -qdc "$file" >"$dst" ;;
	*.gz) gzip -dc "$file" >"$dst" ;;
	*) cp "$file" "$dst" ;;
	esac
	deps=$(tr '\0' '\n' <"$dst" | sed -n 's/^depends=//p' | head -n 1)
	IFS=, read -ra deps <<<"$deps"
	for dep in "${deps[@]}"; do
		add_module "$dep"
	done
	ORDER+=("$name")
}

for m in "${MODULES[@]}"; do
	add_module "$m"
done
: >"$STAGE/etc/modules"
for m in "${ORDER[@]}"; do
	echo "$m" >>"$STAGE/etc/modules"
done

# --- Output -------------------------------------------------------------

python3 "$HERE/mkinitramfs.py" "$STAGE" "$OUT/initramfs.cpio.gz"
cp "$VMLINUZ" "$OUT/vmlinuz"
echo "$KREL" >"$OUT/kernel-release"
echo "build_guest: $OUT: vmlinuz ($KREL), initramfs.cpio.gz${ORDER[*]:+, modules: ${ORDER[*]}}" >&2
