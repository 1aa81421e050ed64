#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Packs a directory into a gzip-compressed initramfs (cpio "newc").

Written here rather than run through cpio(1) so that no extra package is
needed and no root is: /dev/console, which the kernel opens for init's
standard streams before anything is mounted, goes in as a device entry
without mknod. Owners are root and times are 0, so the same tree gives
the same archive.

Usage: mkinitramfs.py ROOT_DIR OUT.cpio.gz
"""
import gzip
import os
import stat
import sys

# Entries the archive carries whatever the tree holds: (path, mode, rdev).
DEVICES = [
    ("dev", stat.S_IFDIR | 0o755, (0, 0)),
    ("dev/console", stat.S_IFCHR | 0o600, (5, 1)),
    ("dev/null", stat.S_IFCHR | 0o666, (1, 3)),
]


class Writer:
    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.offset = 0

    def _write(self, data):
        self.out.write(data)
        self.offset += len(data)

    def _pad(self):
        self._write(b"\0" * (-self.offset % 4))

    def entry(self, name, mode, data=b"", rdev=(0, 0)):
        raw = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0,
                  len(data), 0, 0, rdev[0], rdev[1], len(raw), 0]
        self.ino += 1
        self._write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self._write(raw)
        self._pad()
        self._write(data)
        self._pad()

    def trailer(self):
        self.entry("TRAILER!!!", 0)
        self._write(b"\0" * (-self.offset % 512))


def walk(root):
    """Yield (archive path, full path) for everything under root, parents
    before children, in a stable order."""
    for top, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(top, root)
        for name in sorted(dirs + files):
            path = os.path.join(top, name)
            yield (name if rel == "." else os.path.join(rel, name)), path


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkinitramfs.py ROOT_DIR OUT.cpio.gz")
    root, out = sys.argv[1:]
    fixed = {name for name, _, _ in DEVICES}
    tmp = out + ".tmp"
    with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0,
                                            compresslevel=6) as gz:
        w = Writer(gz)
        for name, mode, rdev in DEVICES:
            w.entry(name, mode, rdev=rdev)
        for name, path in walk(root):
            if name in fixed:
                continue
            st = os.lstat(path)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                w.entry(name, stat.S_IFLNK | 0o777, os.readlink(path).encode())
            elif stat.S_ISDIR(st.st_mode):
                w.entry(name, stat.S_IFDIR | perm)
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as src:
                    w.entry(name, stat.S_IFREG | perm, src.read())
            else:
                sys.exit(f"mkinitramfs: {path}: not a file, directory or link")
        w.trailer()
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
