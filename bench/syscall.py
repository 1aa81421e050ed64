#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""System-call cost for bench/syscall.sh: bench/syscall/main.c built for
Toro and, with Debian's musl-gcc (the same C library), for a Debian Linux
guest on the same QEMU (TCG, microvm with ACPI, same CPUs and memory);
runs of the two alternate and the table gives medians over runs. Writes
bench/RESULTS.md.
"""
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))

import guest  # noqa: E402
import http_bench as hb  # noqa: E402
import results  # noqa: E402

BUILD = os.path.join(ROOT, "build")
TORO_ELF = os.path.join(BUILD, "bench", "syscall.elf")
LINUX_BIN = os.path.join(BUILD, "bench", "linux_syscall")
LINUX_DIR = os.path.join(BUILD, "linux", "syscall")
SMP, MEM = 1, 128
CALLS = os.environ.get("SYSCALL_CALLS", "1000000")
RESULT = re.compile(r"^RESULT (\w+) ([0-9.]+)\s*$", re.M)
ROWS = [("plain call of an empty function, ns", "plain_ns"),
        ("getpid(), ns", "getpid_ns"),
        ("syscall(SYS_getpid), ns", "syscall_ns"),
        ("clock_gettime(CLOCK_MONOTONIC), ns", "clock_gettime_ns")]


def build():
    os.makedirs(os.path.dirname(LINUX_BIN), exist_ok=True)
    if subprocess.run(["which", "musl-gcc"], capture_output=True).returncode:
        sys.exit("syscall: musl-gcc not found (apt-get install musl-tools)")
    subprocess.run(["musl-gcc", "-O2", "-static", "-o", LINUX_BIN,
                    os.path.join(ROOT, "bench/syscall/main.c")], check=True)
    guest.build(LINUX_DIR, os.path.join(ROOT, "bench/syscall/linux_init.sh"),
                [f"{LINUX_BIN}:/bench/syscall"])
    subprocess.run([os.path.join(ROOT, "toro"), "build", "bench/syscall",
                    "-o", TORO_ELF], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def parse(system, out):
    found = {k: float(v) for k, v in RESULT.findall(out)}
    missing = [k for _, k in ROWS if k not in found]
    if missing:
        sys.exit(f"syscall: {system} printed no {', '.join(missing)}:\n"
                 f"{out[-2000:]}")
    return found


def run_toro():
    r = subprocess.run([os.path.join(ROOT, "toro"), "run", TORO_ELF, "--smp",
                        str(SMP), "--mem", str(MEM), "--accel", "tcg",
                        "--timeout", "300", "--", CALLS],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       cwd=ROOT)
    if r.returncode:
        sys.exit(f"syscall: Toro exited {r.returncode}: {r.stderr}\n"
                 f"{r.stdout[-2000:]}")
    return parse("Toro", r.stdout)


def run_linux():
    _, out, status = guest.run(LINUX_DIR, timeout=300, smp=SMP, mem=MEM,
                               args=[CALLS])
    if status != 0 or guest.guest_status(out) != 0:
        sys.exit(f"syscall: Linux guest failed ({status}):\n{out[-2000:]}")
    return parse("Linux", out)


def main():
    try:
        runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    except ValueError:
        runs = 0
    if runs < 1 or len(sys.argv) > 2:
        sys.exit("usage: bench/syscall.sh [RUNS]")
    build()
    got = {"toro": {}, "linux": {}}
    for i in range(runs):
        order = [("linux", run_linux), ("toro", run_toro)]
        for system, fn in order if i % 2 == 0 else order[::-1]:
            r = fn()
            for _, k in ROWS:
                got[system].setdefault(k, []).append(r[k])
            print(f"run {i + 1}/{runs} {system}: "
                  + " ".join(f"{k}={r[k]:g}" for _, k in ROWS), flush=True)
    med = {s: {k: statistics.median(v) for k, v in got[s].items()} for s in got}
    table = ["| measurement | Toro (runs' range) | Linux + musl (runs' range) "
             "| Toro/Linux |", "| --- | --- | --- | --- |"]
    for label, k in ROWS:
        table.append(f"| {label} | {hb.cell(got['toro'][k], '{:.1f}')} | "
                     f"{hb.cell(got['linux'][k], '{:.1f}')} | "
                     f"{med['toro'][k] / med['linux'][k]:.2f}x |")
    over = med["toro"]["getpid_ns"] - med["toro"]["plain_ns"]
    summary = (
        f"{runs} boots of each guest, alternating; in each, the best of "
        f"five rounds of {int(CALLS):,} calls, and the table gives the "
        "median over boots (below 1x: Toro is faster). QEMU microvm with "
        f"ACPI, TCG, {SMP} CPU, {MEM} MiB. The same program "
        "(bench/syscall/main.c) over the same C library: Toro's build of "
        "musl, whose system calls are direct calls through a table "
        "(libc/arch/syscall_arch.h), and Debian's musl-gcc on Debian's "
        f"kernel {guest.kernel_release(LINUX_DIR)}, where they are the "
        "`syscall` instruction (clock_gettime through the vDSO). A "
        f"getpid() through the table costs {over:.1f} ns more than the "
        "plain call here. Under TCG every instruction is emulated, so the "
        f"absolute figures are QEMU's; the ratios are the point. Toro at "
        f"{hb.toro_version()}.")
    results.update("syscall", "System-call cost", hb.fill(summary) + "\n\n"
                   + "\n".join(table) + "\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
