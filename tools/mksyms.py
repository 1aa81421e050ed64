#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the embedded symbol table of a Toro image.

The kernel names functions in fault reports and backtraces from a table in
its own .ksyms section (kernel/ksyms.c reads it). This script reads the
function symbols of a first-pass link with nm and writes an assembly file
with the table for the second pass, kept small because it ships in every
image and is read only to print backtraces:

    u32 count; u32 reserved; u64 base;
    count x { u16 delta; [u32 delta if the u16 is 0xffff]; name NUL }

where each delta is the distance from the previous symbol (the first from
base), in address order.

With --same it instead checks that two links put every function at the
same address (the table must not move code).
"""
import argparse
import subprocess
import sys


def text_symbols(nm, elf):
    out = subprocess.run([nm, "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    bounds = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        addr, kind, name = int(parts[0], 16), parts[1], parts[2]
        if name in ("__text_start", "__text_end"):
            bounds[name] = addr
        if kind in "tTwW" and not name.startswith((".L", "$")):
            syms.append((addr, name, kind))
    lo = bounds.get("__text_start", 0)
    hi = bounds.get("__text_end", 1 << 64)
    best = {}
    for addr, name, kind in syms:
        if not lo <= addr < hi:
            continue
        # Several names at one address: prefer a global one.
        if addr not in best or (kind in "TW" and best[addr][1] not in "TW"):
            best[addr] = (name, kind)
    return lo, sorted((a, n) for a, (n, _) in best.items())


def emit(base, syms):
    out = ["\t.section .ksyms, \"a\"", "\t.balign 8",
           f"\t.long {len(syms)}", "\t.long 0", f"\t.quad {base:#x}"]
    prev = base
    for addr, name in syms:
        delta = addr - prev
        if delta < 0xffff:
            out.append(f"\t.short {delta}")
        else:
            out.append(f"\t.short 0xffff; .long {delta}")
        out.append(f'\t.asciz "{name}"')
        prev = addr
    out.append('\t.section .note.GNU-stack, "", @progbits')
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--same", action="store_true",
                    help="check that two ELFs have identical function addresses")
    ap.add_argument("elf", nargs="+")
    args = ap.parse_args()
    if args.same:
        a = text_symbols(args.nm, args.elf[0])
        b = text_symbols(args.nm, args.elf[1])
        if a != b:
            sys.exit(f"mksyms: functions moved between link passes of {args.elf[1]}")
        return
    base, syms = text_symbols(args.nm, args.elf[0])
    sys.stdout.write(emit(base, syms))


if __name__ == "__main__":
    main()
