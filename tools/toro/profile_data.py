# SPDX-License-Identifier: MIT
"""The profiler's console records (format: include/kernel/profile.h).

A dump is `@tp-begin`, one `@tp BASE64 CRC32` line per sample, a
`@tp-cpu` line per CPU with its sample and drop counts, and `@tp-end`.
A run may hold several dumps (profile_dump() on demand, then exit); they
add up. A line whose CRC does not match is counted as damaged and left out.
"""
import base64
import binascii
import re
import struct

FLAG_IDLE = 0x01
HEADER = struct.Struct("<BBBBII")
CPU_LINE = re.compile(rb"^@tp-cpu (\d+) samples=(\d+) dropped=(\d+)"
                      rb"(?: sampler_ns=(\d+))?\s*$")
BEGIN_LINE = re.compile(rb"^@tp-begin v1 hz=(\d+) cpus=(\d+)\s*$")


class Sample:
    """One sample: CPU, thread id, idle flag, the word at the interrupted
    %rsp (top), and addresses: the interrupted RIP first, then return
    addresses outward."""
    __slots__ = ("cpu", "tid", "idle", "top", "addrs")

    def __init__(self, cpu, tid, idle, addrs, top=0):
        self.cpu, self.tid, self.idle, self.addrs = cpu, tid, idle, addrs
        self.top = top


class Profile:
    def __init__(self):
        self.samples = []
        self.hz = 0
        self.cpus = 0
        self.taken = {}     # cpu -> samples the guest took
        self.dropped = {}   # cpu -> samples that did not fit its buffer
        self.sampler_ns = {}    # cpu -> time the guest spent sampling
        self.damaged = 0    # lines with a bad CRC or shape
        self.dumps = 0      # complete dumps (begin ... end)

    @property
    def total_dropped(self):
        return sum(self.dropped.values())


def decode_record(data):
    """bytes -> Sample, or None when the length does not fit its depth."""
    if len(data) < HEADER.size:
        return None
    flags, cpu, depth, _, tid, top = HEADER.unpack_from(data)
    if depth == 0 or len(data) != HEADER.size + 4 * depth:
        return None
    addrs = struct.unpack_from(f"<{depth}I", data, HEADER.size)
    return Sample(cpu, tid, bool(flags & FLAG_IDLE), addrs, top)


def decode_line(line):
    """The bytes after "@tp " -> Sample, or None when damaged."""
    parts = line.split()
    if len(parts) != 2 or len(parts[1]) != 8:
        return None
    try:
        data = base64.b64decode(parts[0], validate=True)
        crc = int(parts[1], 16)
    except (binascii.Error, ValueError):
        return None
    if binascii.crc32(data) != crc:
        return None
    return decode_record(data)


def parse(lines):
    """Console output (bytes lines) -> Profile."""
    prof = Profile()
    for raw in lines:
        line = raw.rstrip(b"\r\n")
        if line.startswith(b"@tp "):
            s = decode_line(line[4:])
            if s is None:
                prof.damaged += 1
            else:
                prof.samples.append(s)
        elif line.startswith(b"@tp-begin"):
            m = BEGIN_LINE.match(line)
            if m:
                prof.hz, prof.cpus = int(m.group(1)), int(m.group(2))
            else:
                prof.damaged += 1
        elif line.startswith(b"@tp-cpu"):
            m = CPU_LINE.match(line)
            if m:
                c = int(m.group(1))
                prof.taken[c] = prof.taken.get(c, 0) + int(m.group(2))
                prof.dropped[c] = prof.dropped.get(c, 0) + int(m.group(3))
                prof.sampler_ns[c] = (prof.sampler_ns.get(c, 0)
                                      + int(m.group(4) or 0))
            else:
                prof.damaged += 1
        elif line.startswith(b"@tp-end"):
            prof.dumps += 1
    return prof


class ConsoleSplitter:
    """A stream for qemu.run(): profile lines are kept, everything else
    goes on to (out) as it comes, so the app's output looks as with
    `toro run`."""

    MARK = b"@tp"

    def __init__(self, out):
        self.out = out
        self.lines = []
        self.pending = b""
        # Called at the next end of a dump, when set (toro profile's
        # Ctrl-C: stop the guest once its samples are out).
        self.after_dump = None

    def _is_ours(self, start):
        n = min(len(start), len(self.MARK))
        return start[:n] == self.MARK[:n]

    def write(self, data):
        buf = self.pending + data
        self.pending = b""
        passed = []
        while buf:
            nl = buf.find(b"\n")
            if nl < 0:
                # An unfinished line: hold it only while it may be ours.
                if self._is_ours(buf):
                    self.pending = buf
                else:
                    passed.append(buf)
                break
            line, buf = buf[:nl + 1], buf[nl + 1:]
            if line.startswith(self.MARK):
                self.lines.append(line)
                if line.startswith(b"@tp-end") and self.after_dump:
                    self.after_dump()
                    self.after_dump = None
            else:
                passed.append(line)
        if passed:
            self.out.write(b"".join(passed))
        return len(data)

    def flush(self):
        self.out.flush()

    def fileno(self):
        return self.out.fileno()

    def close(self):
        if self.pending:
            if self.pending.startswith(self.MARK):
                self.lines.append(self.pending)
            else:
                self.out.write(self.pending)
            self.pending = b""
        self.out.flush()
