#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Captures the firmware tables the unit tests of arch/x86_64/acpi_*.c and
mptable.c run on. It boots a PVH kernel that only halts under each QEMU
machine of MACHINES, lets the firmware build its tables, saves guest memory
over QMP and keeps only the ranges a parser reads: the BIOS data area, the
first KiB of the EBDA, the last KiB of base memory, the BIOS ROM area
0xe0000-0xfffff and every ACPI and MP table reachable from the pointers
found there. The result is a .pmem file (format in README). `host:DIR`
copies this machine's own ACPI tables into DIR/ instead.

usage: tests/unit/data/capture.py [NAME...] [host:DIR]
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

DATA = os.path.dirname(os.path.abspath(__file__))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
MEM_MIB = 64
PMEM_MAGIC = b"TOROPMEM"

MACHINES = {
    "microvm-acpi": ["-M", "microvm,acpi=on", "-smp", "4"],
    "microvm-noacpi": ["-M", "microvm,acpi=off", "-smp", "4"],
    # Two virtio-mmio devices, which the DSDT lists (Toro finds them there
    # when QEMU does not append virtio_mmio.device= options).
    "microvm-acpi-virtio": ["-M", "microvm,acpi=on", "-smp", "2",
                            "-global", "virtio-mmio.force-legacy=false",
                            "-drive", "if=none,id=d0,file=null-co://,"
                            "format=raw",
                            "-device", "virtio-blk-device,drive=d0",
                            "-device", "virtio-rng-device"],
    "q35-qboot": ["-M", "q35", "-bios", "/usr/share/qemu/qboot.rom",
                  "-smp", "4"],
    "q35-seabios": ["-M", "q35", "-smp", "4"],
    "q35-qboot-70": ["-M", "q35", "-bios", "/usr/share/qemu/qboot.rom",
                     "-smp", "70"],
    "q35-seabios-70": ["-M", "q35", "-smp", "70"],
    "q35-seabios-hotplug": ["-M", "q35", "-smp", "2,maxcpus=4"],
    "pc-seabios": ["-M", "pc", "-smp", "2"],
}

# A PVH kernel that prints "R" on COM1 and halts: by then the firmware has
# built every table.
PROBE_S = r"""
	.section .note.Xen, "a"
	.align 4
	.long 4, 4, 18
	.asciz "Xen"
	.align 4
	.long _start
	.text
	.code32
	.globl _start
_start:
	mov $0x3f8, %dx
	mov $'R', %al
	out %al, %dx
1:	cli
	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
"""
PROBE_LD = """ENTRY(_start)
SECTIONS { . = 0x100000; .text : { *(.text*) }
	   .note : { *(.note*) } }
"""


def build_probe(tmp):
    with open(os.path.join(tmp, "probe.S"), "w") as f:
        f.write(PROBE_S)
    with open(os.path.join(tmp, "probe.ld"), "w") as f:
        f.write(PROBE_LD)
    elf = os.path.join(tmp, "probe.elf")
    subprocess.run(["gcc", "-m32", "-nostdlib", "-static", "-no-pie",
                    "-Wl,-T," + os.path.join(tmp, "probe.ld"),
                    "-Wl,--build-id=none", "-o", elf,
                    os.path.join(tmp, "probe.S")], check=True)
    return elf


def qmp(sock, cmd, **args):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    sock.sendall(json.dumps(msg).encode() + b"\n")
    buf = b""
    while True:
        buf += sock.recv(65536)
        for line in buf.split(b"\n"):
            if line.strip():
                r = json.loads(line)
                if "return" in r or "error" in r:
                    if "error" in r:
                        raise RuntimeError(f"{cmd}: {r['error']}")
                    return r["return"]
        buf = buf[buf.rfind(b"\n") + 1:]


def dump_guest(tmp, elf, args):
    """Boots (args), waits for the probe, returns {base: bytes}."""
    qsock = os.path.join(tmp, "qmp.sock")
    serial = os.path.join(tmp, "serial.txt")
    for p in (qsock, serial):
        if os.path.exists(p):
            os.unlink(p)
    proc = subprocess.Popen([QEMU, "-display", "none", "-m", str(MEM_MIB),
                             "-kernel", elf, "-serial", "file:" + serial,
                             "-qmp", f"unix:{qsock},server=on,wait=off",
                             "-no-reboot"] + args)
    try:
        for _ in range(200):
            if os.path.exists(serial) and b"R" in open(serial, "rb").read():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("probe did not start")
        s = socket.socket(socket.AF_UNIX)
        s.connect(qsock)
        s.recv(65536)  # greeting
        qmp(s, "qmp_capabilities")
        regions = {}
        top = (MEM_MIB - 1) << 20
        for base in (0, top):
            out = os.path.join(tmp, f"{base:x}.bin")
            qmp(s, "pmemsave", val=base, size=1 << 20, filename=out)
            regions[base] = open(out, "rb").read()
        qmp(s, "quit")
    finally:
        proc.wait(timeout=10)
    return regions


class Mem:
    def __init__(self, regions):
        self.regions = regions

    def read(self, addr, size):
        for base, data in self.regions.items():
            if base <= addr and addr + size <= base + len(data):
                return data[addr - base:addr - base + size]
        raise ValueError(f"{addr:#x}+{size:#x} was not dumped")

    def u8(self, a):
        return self.read(a, 1)[0]

    def u16(self, a):
        return struct.unpack("<H", self.read(a, 2))[0]

    def u32(self, a):
        return struct.unpack("<I", self.read(a, 4))[0]

    def u64(self, a):
        return struct.unpack("<Q", self.read(a, 8))[0]


def acpi_ranges(mem, rsdp):
    """The RSDP and every table reachable from it, DSDT and FACS too."""
    ranges = [(rsdp, 36)]
    rev = mem.u8(rsdp + 15)
    roots = [(mem.u32(rsdp + 16), 4)]
    if rev >= 2 and mem.u64(rsdp + 24):
        roots.append((mem.u64(rsdp + 24), 8))
    for root, esize in roots:
        if not root:
            continue
        length = mem.u32(root + 4)
        ranges.append((root, length))
        for off in range(36, length, esize):
            fmt = "<Q" if esize == 8 else "<I"
            t = struct.unpack(fmt, mem.read(root + off, esize))[0]
            tlen = mem.u32(t + 4)
            ranges.append((t, tlen))
            if mem.read(t, 4) == b"FACP":
                for a in (mem.u32(t + 36), mem.u32(t + 40)):  # FACS, DSDT
                    if a:
                        ranges.append((a, mem.u32(a + 4)))
                if tlen >= 148 and mem.u64(t + 140):
                    a = mem.u64(t + 140)
                    ranges.append((a, mem.u32(a + 4)))
    return ranges


def capture(name, tmp, elf):
    mem = Mem(dump_guest(tmp, elf, MACHINES[name]))
    # Of the BIOS area, which is mostly code, the parsers only scan; its
    # all-zero 256-byte chunks are left out (the loader zero-fills).
    ranges = [(0x400, 0x100)]
    ranges += [(a, 256) for a in range(0xe0000, 0x100000, 256)
               if any(mem.read(a, 256))]
    ebda = mem.u16(0x40e) << 4
    if ebda:
        ranges.append((ebda, 1024))
    # The last KiB of base memory: below what the BDA reports, and at
    # 639 KiB, where qboot puts its MP table without filling the BDA.
    kib = mem.u16(0x413)
    lastkib = sorted({(kib - 1) * 1024 if 0 < kib <= 640 else 639 * 1024,
                      639 * 1024})
    ranges += [(a, 1024) for a in lastkib]
    for a in range(0xe0000, 0x100000, 16):
        if mem.read(a, 8) == b"RSD PTR ":
            ranges += acpi_ranges(mem, a)
    areas = ([ebda] if ebda else []) + lastkib
    for a in [b + o for b in areas for o in range(0, 1024, 16)] + \
            list(range(0xf0000, 0x100000, 16)):
        if mem.read(a, 4) == b"_MP_":
            cfg = mem.u32(a + 4)
            if cfg and mem.read(cfg, 4) == b"PCMP":
                ranges.append((cfg, mem.u16(cfg + 4) + mem.u16(cfg + 40)))
    # Merge overlapping or touching ranges, then write the records.
    merged = []
    for start, size in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], start + size)
        else:
            merged.append([start, start + size])
    out = os.path.join(DATA, name + ".pmem")
    with open(out, "wb") as f:
        f.write(PMEM_MAGIC)
        for start, end in merged:
            f.write(struct.pack("<QQ", start, end - start))
            f.write(mem.read(start, end - start))
    print(f"{out}: " + ", ".join(f"{s:#x}-{e:#x}" for s, e in merged))


def capture_host(dirname):
    dst = os.path.join(DATA, dirname)
    os.makedirs(dst, exist_ok=True)
    for t in ("APIC", "FACP", "DSDT", "MCFG"):
        src = "/sys/firmware/acpi/tables/" + t
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(dst, t))
            print(os.path.join(dst, t))


def main():
    names = sys.argv[1:] or list(MACHINES)
    for n in [n for n in names if n.startswith("host:")]:
        capture_host(n[len("host:"):])
        names.remove(n)
    if not names:
        return
    with tempfile.TemporaryDirectory() as tmp:
        elf = build_probe(tmp)
        for name in names:
            capture(name, tmp, elf)


if __name__ == "__main__":
    main()
