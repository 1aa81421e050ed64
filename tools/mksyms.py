#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the embedded symbol table of a Toro image.

The kernel names functions in fault reports and backtraces from a table in
its own .ksyms section (kernel/ksyms.c reads it). This script reads the
function symbols of a first-pass link with nm and writes an assembly file
with the table for the second pass, kept small because it ships in every
image and is read only to print backtraces:

    u32 count; u16 ntokens; u16 reserved; u64 base;
    ntokens x { token NUL }
    count x { delta as ULEB128; name NUL }

where each delta is the distance from the previous symbol (the first from
base), in address order: seven bits a byte, low bits first, the top bit
set on every byte but the last (most deltas fit in one byte). In names and
tokens a code byte stands for a token: 0x80 + i for token i < 128, 0x01 +
i for token 128 + i up to 0x23 (bytes no symbol name has). Tokens are the
substrings that save the most (sys_, netconn_, virtio...), chosen greedily
here; a token may hold the codes of tokens chosen before it, at most
MAX_DEPTH deep, so a name is expanded recursively.

With --same it instead checks that two links put every function at the
same address (the table must not move code).
"""
import argparse
import collections
import heapq
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


MAX_TOKEN_LEN = 12      # in bytes of the encoded names


# Bytes that stand for tokens, in token order: no symbol name has them
# (control characters, space, ! " #).
CODES = [chr(c) for c in range(0x80, 0x100)] + [chr(c) for c in range(1, 0x24)]
MAX_DEPTH = 8           # tokens inside tokens inside ... (kernel/ksyms.c)


def depth(token, tokens):
    """How deep (token) nests when expanded: 1 if it holds no code."""
    inner = [depth(tokens[CODES.index(c)], tokens) for c in token
             if c in CODES[:len(tokens)]]
    return 1 + max(inner, default=0)


def substrings(name):
    for s in range(len(name) - 1):
        for e in range(s + 2, min(len(name), s + MAX_TOKEN_LEN) + 1):
            yield name[s:e]


def choose_tokens(names, codes):
    """Greedy: the substring whose replacement by a code saves the most
    (its own bytes in the table counted), again and again, one code each.
    Returns (tokens, names with codes in). Counts are kept up to date
    name by name, and the best is taken from a heap whose stale entries
    are fixed when they come to the top: a few seconds for a big image."""
    cur = list(names)
    count = collections.Counter()
    holders = collections.defaultdict(set)
    for i, n in enumerate(cur):
        for sub in substrings(n):
            count[sub] += 1
            holders[sub].add(i)

    def saving(sub):
        return count[sub] * (len(sub) - 1) - (len(sub) + 1)
    heap = [(-saving(sub), sub) for sub in count]
    heapq.heapify(heap)
    tokens, too_deep = [], set()
    for code in codes:
        token = None
        while heap:
            neg, sub = heapq.heappop(heap)
            if -neg != saving(sub):         # stale: its count changed
                if saving(sub) > 0:
                    heapq.heappush(heap, (-saving(sub), sub))
            elif -neg <= 0:
                break
            elif sub not in too_deep:
                if depth(sub, tokens) <= MAX_DEPTH:
                    token = sub
                    break
                too_deep.add(sub)
        if token is None:
            break
        tokens.append(token)
        for i in sorted(holders[token]):
            for sub in substrings(cur[i]):
                count[sub] -= 1
                holders[sub].discard(i)
            cur[i] = cur[i].replace(token, code)
            for sub in substrings(cur[i]):
                count[sub] += 1
            for sub in set(substrings(cur[i])):
                holders[sub].add(i)
                heapq.heappush(heap, (-saving(sub), sub))
    return tokens, cur


def asm_bytes(data):
    return "\t.byte " + ", ".join(str(b) for b in data)


def emit(base, syms):
    names = [name for _, name in syms]
    if any(c in CODES for name in names for c in name):
        sys.exit("mksyms: a symbol name holds a byte used as a code")
    tokens, coded = choose_tokens(names, CODES)
    out = ["\t.section .ksyms, \"a\"", "\t.balign 8",
           f"\t.long {len(syms)}", f"\t.short {len(tokens)}", "\t.short 0",
           f"\t.quad {base:#x}"]
    for t in tokens:
        out.append(asm_bytes(t.encode("latin-1") + b"\0"))
    prev = base
    for (addr, _), name in zip(syms, coded):
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
