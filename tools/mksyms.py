#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the embedded symbol table of a Toro image.

The kernel names functions in fault reports and backtraces from a table in
its own .ksyms section (kernel/ksyms.c reads it). This script reads the
function symbols of a first-pass link with nm and writes an assembly file
with the table for the second pass, kept small because it ships in every
image and is read only to print backtraces:

    u32 count; u16 ntokens; u16 reserved; u64 base;
    ntokens x u16: offset of each token from the first token
    ntokens x { token NUL }
    count x { delta as ULEB128; name NUL }

where each delta is the distance from the previous symbol (the first from
base), in address order: seven bits a byte, low bits first, the top bit
set on every byte but the last (most deltas fit in one byte). In a name,
a byte 0x80 + i stands for token i: the substrings that save the most
(sys_, netconn_, virtio...), chosen greedily here, at most 128 of them
(names are ASCII, so those bytes are free).

With --same it instead checks that two links put every function at the
same address (the table must not move code).
"""
import argparse
import collections
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


def uleb128(n):
    out = []
    while True:
        byte, n = n & 0x7f, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return out


MAX_TOKENS = 128
MAX_TOKEN_LEN = 12


def choose_tokens(names):
    """Greedy: the substring whose replacement by one byte saves the most
    (its table entry counted), again and again. Returns (tokens, names
    with tokens in)."""
    cur, tokens = list(names), []
    for k in range(MAX_TOKENS):
        count = collections.Counter()
        for n in cur:
            for s in range(len(n) - 1):
                if ord(n[s]) >= 0x80:
                    continue
                for e in range(s + 2, min(len(n), s + MAX_TOKEN_LEN) + 1):
                    if ord(n[e - 1]) >= 0x80:
                        break
                    count[n[s:e]] += 1

        def saving(item):
            sub, times = item
            return times * (len(sub) - 1) - (len(sub) + 1 + 2)
        best = max(count.items(), key=saving, default=None)
        if best is None or saving(best) <= 0:
            break
        tokens.append(best[0])
        cur = [n.replace(best[0], chr(0x80 + k)) for n in cur]
    return tokens, cur


def asm_bytes(data):
    return "\t.byte " + ", ".join(str(b) for b in data)


def emit(base, syms):
    tokens, names = choose_tokens([name for _, name in syms])
    out = ["\t.section .ksyms, \"a\"", "\t.balign 8",
           f"\t.long {len(syms)}", f"\t.short {len(tokens)}", "\t.short 0",
           f"\t.quad {base:#x}"]
    off = 0
    for t in tokens:
        out.append(f"\t.short {off}")
        off += len(t) + 1
    for t in tokens:
        out.append(f'\t.asciz "{t}"')
    prev = base
    for (addr, _), name in zip(syms, names):
        out.append(asm_bytes(uleb128(addr - prev)))
        out.append(asm_bytes(name.encode("latin-1") + b"\0"))
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
