# SPDX-License-Identifier: MIT
"""cpio "newc" archives (the Linux initramfs format): pack a directory for
`toro run --initrd DIR`, and check or list an archive given as a file.

An entry is a 110-byte header of ASCII fields ("070701" then 13 eight-digit
hex numbers), the name with its NUL, padding to 4 bytes, the data, padding
to 4 bytes; a "TRAILER!!!" entry ends the archive. Names are relative to
the packed directory ("etc", "etc/app.conf"), parents before children, in
sorted order, so the same tree always packs to the same entry order.
"""
import os
import stat
import sys

from .errors import ToroError

MAGIC = b"070701"
HEADER = 110
TRAILER = "TRAILER!!!"
FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
          "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check")


def _pad(n):
    return -n % 4


def _header(ino, mode, nlink, mtime, size, namesize):
    values = (ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, namesize, 0)
    return MAGIC + b"".join(b"%08x" % v for v in values)


def _entry(out, ino, name, mode, nlink, mtime, size):
    raw = name.encode("utf-8", "surrogateescape") + b"\0"
    out.write(_header(ino, mode, nlink, mtime, size, len(raw)))
    out.write(raw + b"\0" * _pad(HEADER + len(raw)))


def _walk(top, warn):
    """(relative name, absolute path, lstat/stat result), parents first."""
    def visit(rel):
        path = os.path.join(top, rel) if rel else top
        try:
            names = sorted(os.listdir(path))
        except OSError as e:
            raise ToroError(f"--initrd: cannot read {path}: {e.strerror}")
        for n in names:
            r = f"{rel}/{n}" if rel else n
            p = os.path.join(top, r)
            try:
                st = os.lstat(p)
            except OSError as e:
                raise ToroError(f"--initrd: cannot read {p}: {e.strerror}")
            if stat.S_ISLNK(st.st_mode):
                # The initrd has no links: a link to a file is stored as
                # that file; others (to directories, dangling) are left out.
                try:
                    target = os.stat(p)
                except OSError:
                    target = None
                if target is None or not stat.S_ISREG(target.st_mode):
                    warn(f"--initrd: skipping {p}: a symbolic link to "
                         "something other than a file")
                    continue
                st = target
            if stat.S_ISDIR(st.st_mode):
                yield r, p, st
                yield from visit(r)
            elif stat.S_ISREG(st.st_mode):
                yield r, p, st
            else:
                warn(f"--initrd: skipping {p}: not a file or directory")
    yield from visit("")


def pack(src_dir, out_path, warn=None):
    """Write src_dir's tree to out_path as a newc archive; return the
    number of entries (the trailer not counted)."""
    warn = warn or (lambda msg: print(f"toro: warning: {msg}", file=sys.stderr))
    if not os.path.isdir(src_dir):
        raise ToroError(f"--initrd {src_dir}: no such directory")
    tmp = f"{out_path}.{os.getpid()}.tmp"    # runs in parallel each have one
    try:
        count = _pack(src_dir, tmp, warn)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count


def _pack(src_dir, tmp, warn):
    count = 0
    with open(tmp, "wb") as out:
        for ino, (name, path, st) in enumerate(_walk(src_dir, warn), 1):
            mtime = max(0, min(int(st.st_mtime), 0xffffffff))
            if stat.S_ISDIR(st.st_mode):
                mode = stat.S_IFDIR | (st.st_mode & 0o7777)
                _entry(out, ino, name, mode, 2, mtime, 0)
            else:
                if st.st_size > 0xffffffff:
                    raise ToroError(f"--initrd: {path} is 4 GiB or larger, "
                                    "more than a cpio entry holds")
                mode = stat.S_IFREG | (st.st_mode & 0o7777)
                _copy(out, ino, name, mode, mtime, path)
            count += 1
        _entry(out, 0, TRAILER, 0, 1, 0, 0)
        # Whole 512-byte blocks, as cpio(1) writes.
        out.write(b"\0" * (-out.tell() % 512))
    return count


def _copy(out, ino, name, mode, mtime, path):
    try:
        with open(path, "rb") as f:
            data_size = os.fstat(f.fileno()).st_size
            _entry(out, ino, name, mode, 1, mtime, data_size)
            left = data_size
            while left:
                chunk = f.read(min(left, 1 << 20))
                if not chunk:
                    raise ToroError(f"--initrd: {path} shrank while packing it")
                out.write(chunk)
                left -= len(chunk)
    except OSError as e:
        raise ToroError(f"--initrd: cannot read {path}: {e.strerror}")
    out.write(b"\0" * _pad(data_size))


def entries(path, with_data=False):
    """The entries of a newc archive, as dicts of the header fields plus
    "name" (and "data" if asked); ToroError if it is not one."""
    result = []
    try:
        size = os.path.getsize(path)
        f = open(path, "rb")
    except OSError as e:
        raise ToroError(f"--initrd {path}: {e.strerror.lower()}")
    with f:
        while True:
            where = f.tell()
            head = f.read(HEADER)
            if len(head) < HEADER or head[:6] != MAGIC:
                what = "ends before its trailer" if where else "is not"
                raise ToroError(f"--initrd {path}: {what} a cpio archive in "
                                "the newc format (cpio -o -H newc)")
            try:
                ent = {k: int(head[6 + 8 * i:14 + 8 * i], 16)
                       for i, k in enumerate(FIELDS)}
            except ValueError:
                raise ToroError(f"--initrd {path}: bad cpio header at byte {where}")
            raw = f.read(ent["namesize"])
            if not raw.endswith(b"\0"):
                raise ToroError(f"--initrd {path}: bad cpio name at byte {where}")
            ent["name"] = raw[:-1].decode("utf-8", "surrogateescape")
            f.seek(_pad(HEADER + ent["namesize"]), os.SEEK_CUR)
            if ent["name"] == TRAILER:
                return result
            if f.tell() + ent["filesize"] > size:
                raise ToroError(f"--initrd {path}: entry {ent['name']!r} runs "
                                "past the end of the archive")
            if with_data:
                ent["data"] = f.read(ent["filesize"])
            else:
                f.seek(ent["filesize"], os.SEEK_CUR)
            f.seek(_pad(ent["filesize"]), os.SEEK_CUR)
            result.append(ent)
