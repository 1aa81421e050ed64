#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the image's layers only call downward.

Each argument is LAYER=FILE,FILE,... (or LAYER=@LISTFILE, one object per
line), lowest layer first. An object may use a symbol only if a layer no
higher than its own defines it (its own layer included); a use of a symbol
defined only higher up is a call back up, and is reported with the object
and symbol, and the check fails. Symbols nobody defines (the linker script's
and libgcc's) are not this check's business.

    check_layers.py --nm nm klibc=... core=... drivers=... fs_net=... \\
        sys=... libc=...
"""
import argparse
import subprocess
import sys


def read_objects(spec):
    name, _, files = spec.partition("=")
    if not name or not files:
        sys.exit(f"check_layers: bad layer {spec!r} (want NAME=FILES)")
    if files.startswith("@"):
        with open(files[1:]) as f:
            objs = f.read().split()
    else:
        objs = [o for o in files.split(",") if o]
    return name, objs


def symbols(nm, objs):
    """(defined, used) per object: sets of names."""
    out = subprocess.run([nm, "-A", "--no-sort"] + objs, check=True,
                         capture_output=True, text=True).stdout
    defined, used = {}, {}
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        parts = rest.split()
        if len(parts) == 2:
            kind, name = parts
        elif len(parts) == 3:
            kind, name = parts[1], parts[2]
        else:
            continue
        if kind in "Uw":
            used.setdefault(where, set()).add(name)
        elif kind.isupper() or kind in "vV" or kind == "W":
            defined.setdefault(where, set()).add(name)
    return defined, used


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nm", default="nm")
    ap.add_argument("layers", nargs="+", help="NAME=OBJ,OBJ or NAME=@LIST")
    args = ap.parse_args()

    layers = [read_objects(spec) for spec in args.layers]
    level_of_symbol = {}
    uses = []
    for level, (name, objs) in enumerate(layers):
        if not objs:
            continue
        defined, used = symbols(args.nm, objs)
        for syms in defined.values():
            for s in syms:
                level_of_symbol.setdefault(s, level)  # lowest definer
        for obj, syms in used.items():
            uses.append((level, obj, syms))

    bad = []
    for level, obj, syms in uses:
        for s in sorted(syms):
            up = level_of_symbol.get(s)
            if up is not None and up > level:
                bad.append(f"{obj}: {layers[level][0]} uses {s} "
                           f"from {layers[up][0]}")
    for line in bad:
        print(f"check_layers: {line}", file=sys.stderr)
    if bad:
        sys.exit(f"check_layers: {len(bad)} call(s) back up a layer")
    count = sum(len(objs) for _, objs in layers)
    print(f"check_layers: {count} objects in {len(layers)} layers, "
          "every call downward")


if __name__ == "__main__":
    main()
