#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetches a Debian source package and unpacks it to DIR: how third-party
# code reaches the build (lwIP under net/, musl as the C library, and the
# programs tests/ports/ builds). It is a build-time dependency and never
# enters the repository.
#
#   tools/fetch_source.sh PACKAGE DIR [VERSION]
#       unpacks PACKAGE into DIR and writes the Debian version to
#       DIR/TORO_SOURCE_VERSION; VERSION (a prefix such as 2.1 or 1.2.3)
#       is the upstream series the caller is written for, checked.
#       Nothing is done when DIR/TORO_SOURCE_VERSION exists.
#   tools/fetch_source.sh --apt-setup PACKAGE
#       as root, only makes sure apt can fetch PACKAGE's source.
#
# `apt-get source` needs a deb-src entry; as root, one is made from the
# machine's own `deb` entries (same mirrors, suites, components), so no
# host is named here. When the archive lists a version whose files are
# gone (a security update replaced it), the other listed versions are
# tried. Fails with a clear message when it cannot.
set -eu

die() {
	echo "fetch_source: $*" >&2
	exit 1
}

have_src() { # have_src PACKAGE
	apt-cache showsrc "$1" 2>/dev/null | grep -q "^Package: $1\$"
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
	echo "fetch_source: added $out; apt-get update"
	apt-get update -qq || die "apt-get update failed"
}

need_src() { # need_src PACKAGE: a deb-src entry that offers it, or die
	have_src "$1" && return 0
	[ "$(id -u)" = 0 ] ||
		die "apt has no deb-src entry for the Debian package '$1'." \
		    "Run 'sudo tools/deps.sh' once (it adds one), or add" \
		    "deb-src lines for your Debian mirror and apt-get update."
	add_deb_src
	have_src "$1" || die "the Debian source package '$1' is not" \
		"available from this machine's apt sources"
}

if [ "${1:-}" = --apt-setup ]; then
	[ $# = 2 ] || die "usage: fetch_source.sh --apt-setup PACKAGE"
	[ "$(id -u)" = 0 ] || die "--apt-setup needs root"
	need_src "$2"
	exit 0
fi
[ $# -ge 2 ] && [ $# -le 3 ] ||
	die "usage: fetch_source.sh PACKAGE DIR [VERSION]"
pkg=$1
dir=$2
want=${3:-}

# One fetch at a time (several build trees may share DIR).
parent=$(dirname "$dir")
mkdir -p "$parent"
exec 9>"$parent/.$pkg.lock"
flock 9
[ -f "$dir/TORO_SOURCE_VERSION" ] && exit 0

need_src "$pkg"
command -v dpkg-source >/dev/null 2>&1 ||
	die "dpkg-source is missing: apt-get install dpkg-dev (tools/deps.sh)"

# Unpack beside the target, then move into place in one step, so an
# interrupted fetch never leaves a half tree that looks complete.
tmp=$(cd "$parent" && mktemp -d "$PWD/.$pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
versions=$(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p')
got=""
for v in $versions; do
	case "$v" in
	*:*) upstream=${v#*:} ;;
	*) upstream=$v ;;
	esac
	[ -z "$want" ] || case "$upstream" in
	"$want"*) ;;
	*) continue ;;
	esac
	if (cd "$tmp" && apt-get source -qq "$pkg=$v" >/dev/null \
		2>"$tmp/log"); then
		got=$v
		break
	fi
	rm -rf "${tmp:?}"/*
done
[ -n "$got" ] || {
	[ -f "$tmp/log" ] && cat "$tmp/log" >&2
	die "apt-get source $pkg failed (versions listed: $versions;" \
	    "wanted: ${want:-any})"
}
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$src" ] || die "apt-get source $pkg unpacked nothing"
echo "$got" > "$src/TORO_SOURCE_VERSION"
rm -rf "$dir"
mv "$src" "$dir"
echo "fetch_source: $pkg $got in $dir"
