# SPDX-License-Identifier: MIT
"""`toro run --initrd DIR|FILE`: the cpio archive QEMU passes with -initrd.

A directory is packed afresh on every run into BUILD/initrd/, one archive
per source directory (named after it and a hash of its path), kept there
to be looked at or run again by hand (--dry-run prints the command). Runs
packing the same tree at once each write their own temporary file and
rename it into place; the tree packs to the same bytes every time. A file
is checked to be a whole newc archive and passed as is.
"""
import hashlib
import os

from . import cpio
from .errors import ToroError


def prepare(source, build_dir):
    """The path of the archive to give QEMU for --initrd source."""
    if os.path.isdir(source):
        src = os.path.abspath(source)
        tag = hashlib.sha256(src.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        out_dir = os.path.join(build_dir, "initrd")
        os.makedirs(out_dir, exist_ok=True)
        name = os.path.basename(src) or "root"
        out = os.path.join(out_dir, f"{name}-{tag}.cpio")
        cpio.pack(src, out)
        return os.path.abspath(out)
    if not os.path.exists(source):
        raise ToroError(f"--initrd {source}: no such file or directory")
    if not os.path.isfile(source):
        raise ToroError(f"--initrd {source}: not a directory or a regular file")
    cpio.entries(source)        # raises unless it is a whole newc archive
    return os.path.abspath(source)
