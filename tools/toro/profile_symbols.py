# SPDX-License-Identifier: MIT
"""Addresses -> function, file:line for the profiler.

Function names come from the ELF's symbol table (`nm`), so a sample in
code inlined into f counts for f, as in perf; file:line comes from the
DWARF line table through one `addr2line` run for all addresses at once.
A return address is looked up one byte back, inside the call instruction,
so it names the line of the call and not the one after it.

The frame-pointer chain misses the caller of a function that has no frame
of its own (gcc 12 leaves leaf functions frameless whatever the flags) or
that was caught on its first instruction or its `ret`. The guest sends the
word at %rsp with each sample; here, reading the code, it is put in as the
caller when it is one: right after a call instruction.
"""
import bisect
import os
import shutil
import struct
import subprocess

from .errors import NOT_FOUND, ToroError

UNKNOWN = "??"


def _tool(name):
    path = shutil.which(name)
    if not path:
        raise ToroError(f"{name} is not installed (apt-get install binutils)",
                        NOT_FOUND)
    return path


class Symbols:
    def __init__(self, elf, root=None):
        self.elf = elf
        self.root = root        # file names are shown relative to it
        self.starts, self.names = [], []
        self.ends = []
        self.lines = {}         # address -> "file:line"
        out = subprocess.run([_tool("nm"), "-n", "-S", "--defined-only", elf],
                             capture_output=True, text=True)
        if out.returncode:
            raise ToroError(f"nm {elf}: {out.stderr.strip()}")
        # Assembly symbols have no size: they end where the next begins.
        for line in out.stdout.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[2] in "tTwW":
                start = int(parts[0], 16)
                end = start + int(parts[1], 16)
            elif len(parts) == 3 and parts[1] in "tT":
                start, end = int(parts[0], 16), None
            else:
                continue
            if self.ends and self.ends[-1] is None:
                self.ends[-1] = start
            self.starts.append(start)
            self.ends.append(end)
            self.names.append(parts[-1])
        if self.ends and self.ends[-1] is None:
            self.ends[-1] = self.starts[-1] + 1

        self.segments = []      # (vaddr, bytes) of the loaded code
        with open(elf, "rb") as f:
            data = f.read()
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
        for i in range(phnum):
            p_type, _, off, vaddr, _, filesz, _ = struct.unpack_from(
                "<IIQQQQQ", data, phoff + i * phentsize)
            if p_type == 1:     # PT_LOAD
                self.segments.append((vaddr, data[off:off + filesz]))

    def code(self, addr, n):
        """(n) bytes of the image at (addr), or b"" outside it."""
        for vaddr, body in self.segments:
            if vaddr <= addr and addr + n <= vaddr + len(body):
                return body[addr - vaddr:addr - vaddr + n]
        return b""

    def _after_call(self, ret):
        if self.code(ret - 5, 1) == b"\xe8":              # call rel32
            return True
        for back in (2, 3, 6, 7):                           # call *...
            b = self.code(ret - back, 2)
            if len(b) == 2 and b[0] == 0xff and (b[1] >> 3) & 7 == 2:
                return True
        return False

    def _misses_caller(self, rip):
        _, start = self.function(rip)
        if start is None:
            return False
        return (rip == start or self.code(rip, 1) == b"\xc3"
                or self.code(start, 4) != b"\x55\x48\x89\xe5")

    def full_stack(self, sample):
        """sample.addrs with the caller the frame chain missed put in."""
        a = sample.addrs
        if (sample.top and self._misses_caller(a[0])
                and self._after_call(sample.top)
                and (len(a) < 2 or a[1] != sample.top)):
            return (a[0], sample.top) + tuple(a[1:])
        return tuple(a)

    def has(self, name):
        return name in self.names

    def function(self, addr):
        """(name, start) of the function holding addr, or (None, None)."""
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr < self.ends[i]:
            return self.names[i], self.starts[i]
        return None, None

    def resolve_lines(self, addrs):
        """Looks up file:line for every address in (addrs), in one run."""
        unresolved = sorted(set(a for a in addrs if a not in self.lines))
        if not unresolved:
            return
        r = subprocess.run([_tool("addr2line"), "-e", self.elf],
                           input="".join(f"{a:x}\n" for a in unresolved),
                           capture_output=True, text=True)
        out = r.stdout.splitlines()
        if r.returncode or len(out) != len(unresolved):
            raise ToroError(f"addr2line -e {self.elf} failed: "
                            f"{r.stderr.strip() or 'short output'}")
        for a, where in zip(unresolved, out):
            self.lines[a] = self._short(where.split(" (discriminator")[0])

    def _short(self, where):
        path, _, line = where.rpartition(":")
        if not path or path.startswith("?"):
            return UNKNOWN
        if self.root and os.path.isabs(path):
            rel = os.path.relpath(path, self.root)
            if not rel.startswith(".."):
                path = rel
        return f"{path}:{line}"

    def line(self, addr):
        return self.lines.get(addr, UNKNOWN)


def lookup_address(sample_addrs):
    """Addresses to look up for one sample's stack: the RIP as it is,
    return addresses one byte back."""
    return [a if i == 0 else a - 1 for i, a in enumerate(sample_addrs)]
