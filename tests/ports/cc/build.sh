#!/bin/sh
# SPDX-License-Identifier: MIT
# host_setup of the cc case: builds $TORO_BUILD/ports/cc.elf with `toro cc`
# the way a build system drives a compiler, checking what gcc users rely
# on along the way (-c -o -I -D -E -M* -l, a static library made with ar,
# the errors), and an application with `toro build --cflags/--ldlibs`,
# booted here. Fails with the first thing that differs.
set -eu
root=$(cd ../../.. && pwd)
toro=$root/toro
build=${TORO_BUILD:-$root/build}
out=$build/ports/cc-work
rm -rf "$out" && mkdir -p "$out"
fail() {
	echo "build.sh: $*" >&2
	exit 1
}

# -c, -o, -I: the library's object, archived with the host's ar.
"$toro" cc -O2 -Wall -Isrc/include -c src/shapes.c -o "$out/shapes.o"
ar rcs "$out/libshapes.a" "$out/shapes.o"

# -E with -D, on stdout; and from stdin with -x.
"$toro" cc -E -DGREETING='"hi"' -DBUILD_STATUS=0 -Isrc/include src/main.c |
	grep -q 'printf("%s from %s with %d argument(s)\\n", "hi"' ||
	fail "-E with -D"
echo 'int x = TORO_X;' | "$toro" cc -E -DTORO_X=42 -x c - |
	grep -q '^int x = 42;$' || fail "-E -x c -"

# The -M family: musl's headers are system headers, so -MM leaves them out.
deps=$("$toro" cc -MM -DGREETING=0 -Isrc/include src/main.c | tr -d '\\\n' | tr -s ' ')
[ "$deps" = "main.o: src/main.c src/include/shapes.h" ] || fail "-MM: $deps"
"$toro" cc -M -DGREETING=0 -Isrc/include src/main.c | grep -q '/stdio\.h' || fail "-M"
"$toro" cc -c -MMD -MF "$out/main.d" -Isrc/include -DGREETING='"x"' \
	-DBUILD_STATUS=0 src/main.c -o "$out/main.o"
grep -q 'shapes\.h' "$out/main.d" || fail "-MMD -MF"

# What a Toro image cannot be, or lacks, is an error.
! "$toro" cc -shared -o "$out/x.so" src/shapes.c 2>/dev/null ||
	fail "-shared accepted"
! "$toro" cc -o "$out/x.elf" "$out/main.o" -lnosuchlib 2>/dev/null ||
	fail "-lnosuchlib accepted"

# The link: a source and -L/-l in order, musl's empty -lm -lpthread,
# -static (accepted, ignored). The TEST boots the result.
"$toro" cc -O2 -static -Isrc/include '-DGREETING="Hello"' -DBUILD_STATUS=7 \
	-o "$build/ports/cc.elf" src/main.c -L"$out" -lshapes -lm -lpthread

# toro build with a define, an include directory and the library.
"$toro" build app -o "$out/app.elf" --ldlibs "$out/libshapes.a" \
	--cflags "-Isrc/include '-DAPP_NAME=\"with flags\"'" >/dev/null
"$toro" run "$out/app.elf" --timeout 60 |
	grep -q '^toro build: with flags, square 16\.0' || fail "toro build flags"
echo "build.sh: toro cc and toro build behave"
