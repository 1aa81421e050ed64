# SPDX-License-Identifier: MIT
"""Just enough ELF reading to tell whether a file is a bootable PVH image,
whether GRUB can boot it too (a Multiboot2 header), and what it links."""
import re
import struct
import subprocess

from .errors import ToroError

PT_LOAD = 1
PT_NOTE = 4
XEN_ELFNOTE_PHYS32_ENTRY = 18


def pvh_entry(path):
    """Return the PVH entry address of the ELF at path, or raise ToroError."""
    return inspect(path)[0]


def image_end(path):
    """The end of the highest segment the loader places in RAM."""
    return inspect(path)[1]


def inspect(path):
    """(PVH entry, end of the loaded image) of the ELF at path."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ToroError(f"{path}: no such file")
    except IsADirectoryError:
        raise ToroError(f"{path}: is a directory")
    except OSError as e:
        raise ToroError(f"{path}: {e.strerror}")
    if data[:4] != b"\x7fELF":
        raise ToroError(f"{path}: not an ELF file")
    if data[4] != 2 or data[5] != 1 or struct.unpack_from("<H", data, 18)[0] != 62:
        raise ToroError(f"{path}: not a 64-bit x86 ELF file")
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    end, entry = 0, None
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz, p_memsz = struct.unpack_from(
            "<IIQQQQQ", data, phoff + i * phentsize)
        if p_type == PT_LOAD:
            end = max(end, p_paddr + p_memsz)
        if p_type != PT_NOTE or entry is not None:
            continue
        pos, note_end = p_offset, p_offset + p_filesz
        while pos + 12 <= note_end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc = pos + 12 + (namesz + 3) // 4 * 4
            if name == b"Xen" and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                fmt = "<I" if descsz == 4 else "<Q"
                entry = struct.unpack_from(fmt, data, desc)[0]
                break
            pos = desc + (descsz + 3) // 4 * 4
    if entry is not None:
        return entry, end
    raise ToroError(f"{path}: not a PVH kernel (no Xen PVH entry note); "
                    "build it with `toro build`")


MB2_HEADER_MAGIC = 0xe85250d6
MB2_SEARCH = 32768      # where loaders look (Multiboot2 spec 3.1.1)


def has_multiboot2(path):
    """Does the file carry a valid Multiboot2 header, 8-aligned within its
    first 32 KiB?"""
    with open(path, "rb") as f:
        data = f.read(MB2_SEARCH)
    for off in range(0, len(data) - 15, 8):
        magic, arch, length, check = struct.unpack_from("<IIII", data, off)
        if (magic == MB2_HEADER_MAGIC and
                (magic + arch + length + check) & 0xffffffff == 0):
            return True
    return False


def defines(path, symbol):
    """Does the ELF define symbol? None when it cannot be told (stripped:
    no symbol table, or no nm)."""
    try:
        r = subprocess.run(["nm", "--defined-only", path], capture_output=True,
                           text=True)
    except OSError:
        return None
    if r.returncode or not r.stdout.strip():
        return None
    return re.search(rf" {re.escape(symbol)}$", r.stdout, re.M) is not None
