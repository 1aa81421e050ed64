#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-time measurements for bench/boot.sh; writes bench/RESULTS.md.

Every measurement runs QEMU directly with the same flags `toro run` uses
(TCG, microvm), alternating the stub and hello runs so that both see the
same machine load, and reports medians.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from toro import host, qemu  # noqa: E402
import results  # noqa: E402

BUILD = os.path.join(ROOT, "build")


class Cfg:
    def __init__(self, smp, mem=128):
        self.qemu, self.machine, self.no_acpi = qemu.QEMU, "microvm", False
        self.accel, self.smp, self.mem, self.qemu_args = "tcg", smp, mem, []


def build_stub():
    out = os.path.join(BUILD, "bench", "stub.elf")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    obj = out + ".o"
    subprocess.run(["gcc", "-c", "-o", obj, os.path.join(ROOT, "bench/stub/stub.S")],
                   check=True)
    subprocess.run(["ld", "-o", out, "-Ttext=0x100000", "-e", "stub_start",
                    "--build-id=none", obj], check=True)
    return out


def boot(elf, cfg, cmdline=""):
    """Run QEMU once; return (seconds, console output, exit status)."""
    with tempfile.TemporaryDirectory() as d:
        cmd = qemu.qemu_command(cfg, elf, cmdline, os.path.join(d, "exit"))
        start = time.perf_counter()
        try:
            r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL,
                               timeout=60)
        except subprocess.TimeoutExpired:
            return None, "", "timeout"
        return time.perf_counter() - start, r.stdout.decode(errors="replace"), r.returncode


NOTES = """Targets: hello stripped <= 48 KiB; boots with --mem 4; start to exit
<= 1.3x the stub; entry to main <= 1 ms with 2 CPUs under TCG. The last
is not met here. The kernel's own work before main is small, but under
TCG every basic block is translated on its first run, and on this host
(itself a VM) a translation costs several microseconds: the blocks counted
above account for most of the time. Under KVM there is no translation;
this machine's KVM is the emulating kvm_pvm, so that number cannot be
taken here. With 2 CPUs the APs come up while main() starts, so their
start-up is not on the way to main.
"""


def translated_blocks_before_main(elf, cmdline):
    out = subprocess.run(["nm", elf], capture_output=True, text=True).stdout
    main_addr = next(int(l.split()[0], 16) for l in out.splitlines()
                     if l.split()[-1] == "main")
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "in_asm")
        cmd = qemu.qemu_command(Cfg(1), elf, cmdline, os.path.join(d, "exit"))
        subprocess.run(cmd + ["-d", "in_asm", "-D", log], capture_output=True,
                       timeout=120)
        count = 0
        lines = open(log, errors="replace").read().split("\nIN:")
        for block in lines[1:]:
            m = re.search(r"^0x([0-9a-f]+):", block, re.M)
            if not m:
                continue
            addr = int(m.group(1), 16)
            if addr == main_addr:
                break
            if addr >= 0x100000:
                count += 1
    return count


def median_ms(xs):
    return statistics.median(xs) * 1000


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    stub = build_stub()
    hello = os.path.join(BUILD, "hello.elf")
    khz = host.tsc_khz(ROOT, BUILD)
    cmdline = f"toro.name=hello toro.tsc_khz={khz} --"

    # 1. Wall time, interleaved.
    times = {"stub": [], "hello-1": [], "hello-2": []}
    for _ in range(runs):
        times["stub"].append(boot(stub, Cfg(1))[0])
        for n in (1, 2):
            t, out, status = boot(hello, Cfg(n), cmdline)
            if f"on {n} CPUs" not in out or status != 1:
                sys.exit(f"hello failed to boot: {status} {out!r}")
            times[f"hello-{n}"].append(t)
    floor = median_ms(times["stub"])

    # 2. Entry to main, from the kernel's own TSC stamps.
    to_main = {1: [], 2: []}
    for _ in range(runs):
        for n in (1, 2):
            out = boot(hello, Cfg(n), cmdline.replace(" --", " toro.boottime --"))[1]
            m = re.search(r"entry to main (\d+) us", out)
            to_main[n].append(int(m.group(1)) / 1e6)

    # 3. Stripped size.
    stripped = os.path.join(BUILD, "bench", "hello.stripped")
    subprocess.run(["strip", "-o", stripped, hello], check=True)
    size = os.path.getsize(stripped)

    # 4. Smallest memory that boots (QEMU takes whole MiB; the image is
    # loaded at 1 MiB, so 1 MiB cannot work).
    smallest = None
    for mem in range(2, 17):
        _, out, status = boot(hello, Cfg(1, mem), cmdline)
        if status == 1 and "Hello from Toro" in out:
            smallest = mem
            break

    # 5. How much guest code runs before main: under TCG every basic block
    # is translated the first time it runs, which dominates boot there.
    blocks = translated_blocks_before_main(hello, cmdline)

    rows = [
        ("QEMU start to exit, empty PVH stub (floor)", f"{floor:.1f} ms", "1.00x"),
        ("QEMU start to exit, hello, 1 CPU", f"{median_ms(times['hello-1']):.1f} ms",
         f"{median_ms(times['hello-1']) / floor:.2f}x"),
        ("QEMU start to exit, hello, 2 CPUs", f"{median_ms(times['hello-2']):.1f} ms",
         f"{median_ms(times['hello-2']) / floor:.2f}x"),
        ("guest entry to main, 1 CPU", f"{median_ms(to_main[1]):.2f} ms", ""),
        ("guest entry to main, 2 CPUs", f"{median_ms(to_main[2]):.2f} ms", ""),
        ("hello ELF, stripped", f"{size / 1024:.1f} KiB", ""),
        ("smallest --mem that boots hello", f"{smallest} MiB", ""),
        ("basic blocks first run before main (TCG translates each)",
         f"{blocks}", ""),
    ]
    table = ["| measurement | median | vs floor |", "| --- | --- | --- |"]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    body = (f"{runs} runs each, interleaved; QEMU microvm, TCG, 128 MiB.\n\n"
            + "\n".join(table) + "\n\n" + NOTES)
    results.update("boot", "Boot", body)
    print("\n".join(table))


if __name__ == "__main__":
    main()
