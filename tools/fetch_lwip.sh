#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetches lwIP, the TCP/IP stack under net/, as Debian's source package
# `lwip` and unpacks it to DIR (default build/deps/lwip): it is a build-time
# dependency and never enters the repository. Run by the Makefile when DIR
# is missing. `apt-get source` needs a deb-src entry; as root, one is made
# from the machine's own `deb` entries (same mirrors, suites, components),
# so no host is named here. Fails with a clear message when it cannot.
set -eu

dir=${1:-build/deps/lwip}
want=2.1		# the lwIP series the port is written for

die() {
	echo "fetch_lwip: $*" >&2
	exit 1
}

have_src() {
	apt-cache showsrc lwip 2>/dev/null | grep -q '^Package: lwip$'
}

# Writes a deb-src twin of the machine's Debian `deb` sources.
add_deb_src() {
	out=/etc/apt/sources.list.d/toro-deb-src.sources
	deb822=/etc/apt/sources.list.d/debian.sources
	if [ -f "$deb822" ]; then
		sed 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$deb822" > "$out.tmp"
	elif [ -f /etc/apt/sources.list ]; then
		out=/etc/apt/sources.list.d/toro-deb-src.list
		sed -n 's/^deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
			> "$out.tmp"
	else
		die "no apt sources to derive a deb-src entry from"
	fi
	[ -s "$out.tmp" ] || die "no 'deb' entries found in the apt sources"
	mv "$out.tmp" "$out"
	echo "fetch_lwip: added $out; apt-get update"
	apt-get update -qq || die "apt-get update failed"
}

# --apt-setup: only make sure apt can fetch the source (tools/deps.sh).
if [ "$dir" = --apt-setup ]; then
	[ "$(id -u)" = 0 ] || die "--apt-setup needs root"
	have_src || add_deb_src
	have_src || die "the Debian source package 'lwip' is not available" \
		"from this machine's apt sources"
	exit 0
fi

# One fetch at a time (several build trees may share DIR).
parent=$(dirname "$dir")
mkdir -p "$parent"
exec 9>"$parent/.lwip.lock"
flock 9
[ -f "$dir/TORO_LWIP_VERSION" ] && exit 0

if ! have_src; then
	if [ "$(id -u)" != 0 ]; then
		die "apt has no deb-src entry for the Debian package 'lwip'." \
		    "Run 'sudo tools/deps.sh' once (it adds one), or add" \
		    "deb-src lines for your Debian mirror and apt-get update."
	fi
	add_deb_src
	have_src || die "the Debian source package 'lwip' is not available" \
		"from this machine's apt sources"
fi
command -v dpkg-source >/dev/null 2>&1 ||
	die "dpkg-source is missing: apt-get install dpkg-dev (tools/deps.sh)"

# Unpack beside the target, then move into place in one step, so an
# interrupted fetch never leaves a half tree that looks complete.
tmp=$(cd "$parent" && mktemp -d "$PWD/.lwip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source -qq lwip >/dev/null 2>"$tmp/log") || {
	cat "$tmp/log" >&2
	die "apt-get source lwip failed"
}
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -n 1)
[ -n "$src" ] && [ -f "$src/src/include/lwip/init.h" ] ||
	die "apt-get source lwip unpacked no lwIP tree"

# The version lwIP itself states, not the package's name for it.
major=$(sed -n 's/^#define LWIP_VERSION_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' \
	"$src/src/include/lwip/init.h")
minor=$(sed -n 's/^#define LWIP_VERSION_MINOR[[:space:]]*\([0-9]*\).*/\1/p' \
	"$src/src/include/lwip/init.h")
rev=$(sed -n 's/^#define LWIP_VERSION_REVISION[[:space:]]*\([0-9]*\).*/\1/p' \
	"$src/src/include/lwip/init.h")
[ "$major.$minor" = "$want" ] ||
	die "Debian's lwip is $major.$minor.$rev; the port needs $want.x"

echo "$major.$minor.$rev" > "$src/TORO_LWIP_VERSION"
rm -rf "$dir"
mv "$src" "$dir"
echo "fetch_lwip: lwIP $major.$minor.$rev in $dir"
