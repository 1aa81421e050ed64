#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scheduler benchmark for bench/sched.sh: Toro next to a Debian Linux guest
on the same QEMU (TCG, microvm with ACPI, same CPUs and memory); writes
bench/RESULTS.md.

Both guests run the same three measurements (bench/sched/toro/main.c and
bench/sched/linux_sched.c) and print "RESULT name value" lines; runs of the
two alternate so both see the same machine load, and the table gives the
median over runs of each run's median. Then each guest sits idle and the
QEMU process's CPU time is read from /proc.
"""
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))

from toro import host, qemu  # noqa: E402
import guest  # noqa: E402
import results  # noqa: E402

BUILD = os.path.join(ROOT, "build")
TORO_ELF = os.path.join(BUILD, "bench", "sched.elf")
LINUX_BIN = os.path.join(BUILD, "bench", "linux_sched")
LINUX_DIR = os.path.join(BUILD, "linux", "sched")

SMP = 2
MEM = 256                       # MiB, both guests
YIELD_ROUNDS, YIELDS, CREATES, WAKES = 10, 20000, 1000, 1000
ARGS = [str(x) for x in (YIELD_ROUNDS, YIELDS, CREATES, WAKES)]
IDLE_SETTLE = 0.5               # s after the marker before measuring
IDLE_SECONDS = 10.0             # the guests sleep 12 s after the marker
RESULT = re.compile(r"^RESULT (\w+) ([0-9.]+)\s*$", re.M)
METRICS = ("yield_ns", "create_ns", "wake_ns")


class Cfg:
    """What qemu.qemu_command() reads; the same flags `toro run` uses."""

    def __init__(self):
        self.qemu, self.machine, self.no_acpi = qemu.QEMU, "microvm", False
        self.accel, self.smp, self.mem, self.qemu_args = "tcg", SMP, MEM, []


def build():
    os.makedirs(os.path.dirname(LINUX_BIN), exist_ok=True)
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-static", "-pthread",
                    "-o", LINUX_BIN, os.path.join(ROOT, "bench/sched/linux_sched.c")],
                   check=True)
    guest.build(LINUX_DIR, os.path.join(ROOT, "bench/sched/linux_init.sh"),
                [f"{LINUX_BIN}:/bench/linux_sched"])
    subprocess.run([os.path.join(ROOT, "toro"), "build", "bench/sched/toro",
                    "-o", TORO_ELF], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def parse(system, out):
    found = {k: float(v) for k, v in RESULT.findall(out)}
    missing = [k for k in ("cpus",) + METRICS if k not in found]
    if missing:
        sys.exit(f"sched: {system} printed no {', '.join(missing)}:\n{out[-2000:]}")
    if found["cpus"] != SMP:
        sys.exit(f"sched: {system} saw {found['cpus']:g} CPUs, not {SMP}")
    return found


def run_toro():
    cmd = [os.path.join(ROOT, "toro"), "run", TORO_ELF, "--smp", str(SMP),
           "--mem", str(MEM), "--accel", "tcg", "--timeout", "300", "--"] + ARGS
    r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, cwd=ROOT)
    out = r.stdout.decode(errors="replace")
    if r.returncode:
        sys.exit(f"sched: Toro exited {r.returncode}: "
                 f"{r.stderr.decode(errors='replace')}\n{out[-2000:]}")
    return parse("Toro", out)


def run_linux():
    _, out, status = guest.run(LINUX_DIR, timeout=300, smp=SMP, mem=MEM, args=ARGS)
    if status != 0 or guest.guest_status(out) != 0:
        sys.exit(f"sched: Linux guest failed ({status}):\n{out[-2000:]}")
    return parse("Linux", out)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])        # utime + stime


def idle_cpu(cmd):
    """Boot cmd (a guest that prints IDLE-START, then sleeps 12 s); return
    QEMU's CPU time over IDLE_SECONDS as % of one host core."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while b"IDLE-START" not in seen:
            wait = deadline - time.monotonic()
            ready = select.select([proc.stdout], [], [], max(wait, 0))[0]
            data = os.read(proc.stdout.fileno(), 65536) if ready else b""
            if not data:
                sys.exit(f"sched: no IDLE-START from {cmd[-1]!r}:\n"
                         f"{seen.decode(errors='replace')[-2000:]}")
            seen += data
        time.sleep(IDLE_SETTLE)
        t0, c0 = time.monotonic(), cpu_ticks(proc.pid)
        time.sleep(IDLE_SECONDS)
        t1, c1 = time.monotonic(), cpu_ticks(proc.pid)
        if proc.poll() is not None:
            sys.exit("sched: the guest stopped before the idle measurement ended")
        rest = proc.communicate(timeout=60)[0]
        if b"IDLE-END" not in seen + rest:
            sys.exit("sched: the idle guest did not finish")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return 100.0 * (c1 - c0) / os.sysconf("SC_CLK_TCK") / (t1 - t0)


def idle_toro(tmp):
    khz = host.tsc_khz(ROOT, BUILD)
    line = qemu.kernel_cmdline("sched", [f"toro.tsc_khz={khz}"], ["idle"])
    return idle_cpu(qemu.qemu_command(Cfg(), TORO_ELF, line,
                                      os.path.join(tmp, "exit")))


def idle_linux():
    return idle_cpu(guest.qemu_command(LINUX_DIR, smp=SMP, mem=MEM, args=["idle"]))


def toro_version():
    r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown commit"


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    idle_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    build()

    got = {"toro": {m: [] for m in METRICS}, "linux": {m: [] for m in METRICS}}
    for i in range(runs):
        for system, fn in (("linux", run_linux), ("toro", run_toro)):
            r = fn()
            for m in METRICS:
                got[system][m].append(r[m])
            print(f"run {i + 1}/{runs} {system}: "
                  + " ".join(f"{m}={r[m]:g}" for m in METRICS), flush=True)

    idle = {"toro": [], "linux": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(idle_runs):
            idle["linux"].append(idle_linux())
            idle["toro"].append(idle_toro(tmp))
            print(f"idle {i + 1}/{idle_runs}: linux={idle['linux'][-1]:.2f}% "
                  f"toro={idle['toro'][-1]:.2f}%", flush=True)

    med = {s: {m: statistics.median(v) for m, v in got[s].items()} for s in got}
    for s in idle:
        med[s]["idle"] = statistics.median(idle[s])
    rows = [
        ("same-CPU switch (yield), ns", "yield_ns", 1, "{:.0f}"),
        ("cross-CPU thread creation, us", "create_ns", 1e3, "{:.1f}"),
        ("cross-CPU wake (cond signal to waiter running), us", "wake_ns", 1e3,
         "{:.1f}"),
        (f"idle QEMU process, % of one host core ({IDLE_SECONDS:g} s)", "idle", 1,
         "{:.2f}"),
    ]
    every = {s: dict(got[s], idle=idle[s]) for s in got}

    def cell(system, key, scale, fmt):
        v = [x / scale for x in every[system][key]]
        spread = f" ({fmt.format(min(v))}-{fmt.format(max(v))})" if len(v) > 1 else ""
        return fmt.format(med[system][key] / scale) + spread

    table = ["| measurement | Toro (runs' range) | Linux (runs' range) | Toro/Linux |",
             "| --- | --- | --- | --- |"]
    for label, key, scale, fmt in rows:
        table.append(f"| {label} | {cell('toro', key, scale, fmt)} | "
                     f"{cell('linux', key, scale, fmt)} | "
                     f"{ratio(med['toro'][key], med['linux'][key])} |")
    release = guest.kernel_release(LINUX_DIR)
    head = (f"{runs} runs of each guest, interleaved, and {idle_runs} idle runs "
            "of each; the table gives the median over runs of each run's "
            f"median. QEMU microvm (ACPI on), TCG, {SMP} CPUs and {MEM} MiB "
            f"for both guests. Per run: {YIELD_ROUNDS} rounds of {YIELDS} "
            f"yields by each of two threads, {CREATES} creations, {WAKES} "
            f"wake-ups 1 ms apart. Toro at {toro_version()}.")
    notes = [
        f"Linux: Debian's kernel {release} (linux-image-amd64) and a busybox "
        "initramfs (bench/linux/build_guest.sh), booted from its bzImage "
        f"with `{guest.APPEND} tsc_early_khz=<host kHz>`; without tsc=reliable "
        "it distrusts the TCG vCPUs' TSCs and its clock falls back to 4 ms "
        "jiffies. The program is bench/sched/linux_sched.c, static glibc: "
        "sched_yield() with both threads pinned to CPU 0, pthread_create() "
        "with an affinity attribute, pthread_cond_signal(), CLOCK_MONOTONIC.",
        "Toro: bench/sched/toro/main.c, with thread_yield(), "
        "thread_create(1, ...), struct cond and clock_ns().",
        "Idle: the QEMU process's utime+stime from /proc/PID/stat over "
        f"{IDLE_SECONDS:g} s, from {IDLE_SETTLE:g} s after the guest says it "
        "is idle; /proc counts 10 ms ticks, so the resolution is "
        f"{100 * 0.01 / IDLE_SECONDS:.1f}%.",
    ]
    body = (textwrap.fill(head, 76) + "\n\n" + "\n".join(table) + "\n\n"
            + "\n\n".join(textwrap.fill(n, 76) for n in notes) + "\n")
    results.update("sched", "Scheduler", body)
    print("\n".join(table))


if __name__ == "__main__":
    main()
