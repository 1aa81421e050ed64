#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Disk-image boot measurements for bench/disk_image.sh; writes its
section of bench/RESULTS.md.

QEMU start to exit for hello booted from its `toro image` disk (q35,
SeaBIOS or OVMF, then GRUB, then the kernel's Multiboot2 entry) next to
the same ELF given to QEMU with -kernel (PVH; q35 with qboot as `toro run
--machine q35` does, and microvm, toro run's default). All boots run on
one CPU with 128 MiB and the same kernel command line (no toro.tsc_khz:
a disk carries no host's TSC rate, so the kernel measures it, 10 ms),
interleaved so that every kind sees the same machine load. Then the
image's sizes in each format.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from toro import image, qemu  # noqa: E402
import results  # noqa: E402

BUILD = os.environ.get("TORO_BUILD", os.path.join(ROOT, "build"))
TORO = os.path.join(ROOT, "toro")
CMDLINE = "toro.name=hello --"


class Cfg:
    def __init__(self, machine):
        self.qemu, self.machine, self.no_acpi = qemu.QEMU, machine, False
        self.accel, self.smp, self.mem, self.qemu_args = "tcg", 1, 128, []


def timed(cmd):
    """(seconds, output) of one QEMU run that must end with status 0."""
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL,
                       timeout=300)
    secs = time.perf_counter() - start
    out = r.stdout.decode(errors="replace")
    if r.returncode != 1 or "Hello from Toro" not in out:
        sys.exit(f"hello failed: status {r.returncode}: {out[-500:]!r} "
                 f"{r.stderr[-500:]!r}\n{' '.join(cmd)}")
    return secs


def seabios(cmd):
    """toro run's q35 command on QEMU's default firmware, SeaBIOS: what
    the disk boots through, less GRUB."""
    i = cmd.index("-bios")
    return cmd[:i] + cmd[i + 2:]


def make(elf, out, fmt):
    subprocess.run([TORO, "image", elf, "-o", out, "--format", fmt],
                   check=True, capture_output=True)
    return out


def allocated(path):
    return os.stat(path).st_blocks * 512


def kib(n):
    return f"{n / 1024:.0f} KiB" if n < 1 << 20 else f"{n / (1 << 20):.2f} MiB"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    elf = os.path.join(BUILD, "hello.elf")
    with tempfile.TemporaryDirectory(prefix="toro-bench-") as tmp:
        raw = make(elf, os.path.join(tmp, "hello.raw"), "raw")
        kinds = {
            "-kernel PVH, microvm": qemu.qemu_command(
                Cfg("microvm"), elf, CMDLINE, os.path.join(tmp, "exit")),
            "-kernel PVH, q35 (qboot)": qemu.qemu_command(
                Cfg("q35"), elf, CMDLINE, os.path.join(tmp, "exit")),
            "-kernel PVH, q35 (SeaBIOS)": seabios(qemu.qemu_command(
                Cfg("q35"), elf, CMDLINE, os.path.join(tmp, "exit"))),
            "disk, q35, SeaBIOS, GRUB (AHCI)": image.boot_command(
                raw, "seabios", "ide", tmp, smp=1),
            "disk, q35, SeaBIOS, GRUB (virtio-blk)": image.boot_command(
                raw, "seabios", "virtio", tmp, smp=1),
            "disk, q35, OVMF, GRUB (virtio-blk)": image.boot_command(
                raw, "ovmf", "virtio", tmp, smp=1),
        }
        times = {k: [] for k in kinds}
        for _ in range(runs):
            for k, cmd in kinds.items():
                times[k].append(timed(cmd))
        sizes = {"raw": (os.path.getsize(raw), allocated(raw))}
        for fmt, name in (("qcow2", "hello.qcow2"), ("vhd", "hello.vhd"),
                          ("gce", "hello.tar.gz")):
            p = make(elf, os.path.join(tmp, name), fmt)
            sizes[fmt] = (os.path.getsize(p), allocated(p))

    base = statistics.median(times["-kernel PVH, q35 (qboot)"])
    table = ["| boot | QEMU start to exit (median) | vs -kernel q35 |",
             "| --- | --- | --- |"]
    for k, xs in times.items():
        m = statistics.median(xs)
        table.append(f"| {k} | {m * 1000:.0f} ms | {m / base:.2f}x |")
    size_table = ["| hello image | file size | allocated on disk |",
                  "| --- | --- | --- |"]
    what = {"raw": "raw (sparse)", "qcow2": "qcow2", "vhd": "vhd (fixed)",
            "gce": "gce (tar.gz of a 1 GiB disk.raw)"}
    for fmt, (size, alloc) in sizes.items():
        size_table.append(f"| {what[fmt]} | {kib(size)} | {kib(alloc)} |")
    load = os.getloadavg()[0]
    body = (f"{runs} runs each, interleaved; hello, 1 CPU, 128 MiB, TCG; "
            f"load average {load:.1f} at the end (the machine is shared).\n\n"
            + "\n".join(table) + "\n\n" + "\n".join(size_table) + "\n\n"
            "Target: a hello disk image under 8 MiB raw, sparse. The disk's\n"
            "extra time is the firmware's (SeaBIOS against qboot: compare\n"
            "the two -kernel rows; OVMF's start, much longer, dominates\n"
            "under TCG) and GRUB's (the SeaBIOS disk rows against -kernel on\n"
            "SeaBIOS); the kernel runs the same either way, entering\n"
            "through Multiboot2 instead of PVH.\n")
    results.update("disk_image", "Disk images (toro image)", body)
    print("\n".join(table + [""] + size_table))


if __name__ == "__main__":
    main()
