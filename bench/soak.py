#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Soak: hours-long loads, watched minute by minute for errors and leaks.

Usage (root: the guests are on a tap in a network namespace of its own):
  bench/soak.py [--seconds S] [--every S] [--smp N...] [--phases P,...]
                [--churn N] [--out FILE]

Phases, each on a fresh boot (S seconds each, default 3600):
  http   wrk (16 connections, keep-alive) against examples/webserver,
         one wrk run per interval of --every seconds (default 60):
         requests, errors, p99 of each interval;
  echo   a TCP echo loop: a new connection per 16 MiB of random bytes,
         sent while the echo comes back and compared (bench/soak's
         guest);
  churn  virtio-fs file churn in the guest: create, write 1 B-64 KiB,
         read back and compare, unlink, --churn N times (default
         100,000) or S seconds, whichever ends first.
After every interval the guest's memory is read by gdb over QEMU's
gdbstub (toro-mem: free pages, live heap bytes and blocks; the guest
stops for the read, well under a second).

Memory must be flat: from the second sample (the first interval warms
caches) to the last, live heap bytes may not grow by more than
HEAP_SLACK nor pages in use by more than PAGES_SLACK. Errors must be 0.
Prints PASS/FAIL lines and exits non-zero on a failure (make test runs a
short version: tests/cli_checks.py); the tables go to --out (default
build/soak/soak.md) and stdout.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "stress"))
import gdbguest  # noqa: E402
from netns import GUEST, GUEST_APPEND, TAP, run_in_namespace  # noqa: E402

BUILD = os.environ.get("TORO_BUILD", os.path.join(ROOT, "build"))
WEB_ELF = os.path.join(BUILD, "webserver.elf")
SOAK_ELF = os.path.join(BUILD, "soakguest.elf")
SITE = os.path.join(ROOT, "examples", "webserver", "site")
MEM = 256
ECHO_PORT = 7
ECHO_BYTES = 16 << 20
HEAP_SLACK = 1 << 20            # bytes
PAGES_SLACK = 512               # 2 MiB of pages
BOOT_S = 120
results = []


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what, flush=True)


class Phase:
    """One phase's samples: a row per interval."""

    def __init__(self, name, smp):
        self.name, self.smp = name, smp
        self.rows = []          # dicts: t, work figures, memory
        self.errors = []

    def sample(self, guest, t, **work):
        mem = guest.memory()
        if mem is None:
            self.errors.append(f"{t:.0f} s: gdb could not read the "
                               f"memory:\n{guest.gdb('toro-mem')}")
            return
        self.rows.append(dict(t=t, **work, **mem))


# --- http -----------------------------------------------------------------

def wrk(seconds):
    """One wrk interval: (requests, errors, p99 ms)."""
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", "--timeout",
           "10s", f"http://{GUEST}/index.html"]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    m = re.search(r"(\d+) requests in", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    errs = 0
    for pat in (r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                r"timeout (\d+)", r"Non-2xx or 3xx responses: (\d+)"):
        e = re.search(pat, out)
        if e:
            errs += sum(int(x) for x in e.groups())
    if not m or not p99:
        return 0, 1, None
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    return int(m.group(1)), errs, float(p99.group(1)) * scale


def boot(ph, args, elf, run_args, guest_args, work, ready=None):
    """The guest of a phase, once its console says (ready); None (and an
    error) if it does not."""
    guest = gdbguest.GdbGuest(
        elf, ["--accel", "tcg", "--smp", str(ph.smp), "--mem", str(MEM),
              *run_args], guest_args, work,
        timeout=args.seconds + BOOT_S + 600)
    if ready and not guest.wait_line(ready, BOOT_S):
        ph.errors.append(f"{os.path.basename(elf)} did not start:\n" +
                         guest.console())
        guest.kill()
        return None
    return guest


def phase_http(args, smp, work):
    ph = Phase("http", smp)
    guest = boot(ph, args, WEB_ELF, ["--initrd", SITE, "--tap", TAP,
                                     "--append", GUEST_APPEND],
                 ["--timeout", "30"], work, r"^webserver: serving")
    if not guest:
        return ph
    try:
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            n, errs, p99 = wrk(args.every)
            if errs:
                ph.errors.append(f"{time.monotonic() - start:.0f} s: "
                                 f"{errs} wrk errors")
            ph.sample(guest, time.monotonic() - start, requests=n,
                      errors=errs, p99_ms=p99)
    finally:
        guest.kill()
    return ph


# --- echo -----------------------------------------------------------------

def echo_once(data):
    """Sends (data) on a new connection while reading the echo; returns
    the bytes that came back right."""
    with socket.create_connection((GUEST, ECHO_PORT), timeout=30) as s:
        got = bytearray()

        def reader():
            while len(got) < len(data):
                b = s.recv(1 << 20)
                if not b:
                    break
                got.extend(b)
        t = threading.Thread(target=reader)
        t.start()
        s.sendall(data)
        t.join(120)
        if t.is_alive() or bytes(got) != data:
            raise OSError(f"echo: {len(got)} of {len(data)} bytes back"
                          + (", differing" if len(got) == len(data) else ""))
    return len(data)


def phase_echo(args, smp, work):
    ph = Phase("echo", smp)
    guest = boot(ph, args, SOAK_ELF, ["--tap", TAP, "--append",
                                      GUEST_APPEND],
                 ["echo", str(ECHO_PORT)], work, r"^soakguest: echo on")
    if not guest:
        return ph
    data = os.urandom(ECHO_BYTES)
    try:
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            until, moved, errs = time.monotonic() + args.every, 0, 0
            while time.monotonic() < until:
                try:
                    moved += echo_once(data)
                except OSError as e:
                    errs += 1
                    ph.errors.append(f"{time.monotonic() - start:.0f} s: "
                                     f"{e}")
                    time.sleep(1)
            ph.sample(guest, time.monotonic() - start,
                      mib=moved >> 20, errors=errs)
    finally:
        guest.kill()
    return ph


# --- churn ----------------------------------------------------------------

def phase_churn(args, smp, work):
    ph = Phase("churn", smp)
    data = os.path.join(work, "data")
    os.mkdir(data)
    guest = boot(ph, args, SOAK_ELF, ["--fs", data],
                 ["churn", "/", str(args.churn)], work)
    try:
        start = time.monotonic()
        done = 0
        while guest.proc.poll() is None and \
                time.monotonic() - start < args.seconds:
            guest.wait_line(r"^soakguest: churn done", args.every)
            if guest.proc.poll() is not None:
                break
            rounds = re.findall(r"^soakguest: churn (\d+)$",
                                guest.console(400), re.M)
            was, done = done, int(rounds[-1]) if rounds else done
            t = time.monotonic() - start
            ph.sample(guest, t, rounds=done - was, errors=0)
            if guest.proc.poll() is not None or \
                    "churn done" in guest.console():
                # It ended while gdb read: what it read may be a guest
                # already gone.
                ph.rows = [r for r in ph.rows if r["t"] != t]
                break
        if guest.proc.poll() is None:
            guest.kill()            # S seconds ran out first
        elif guest.proc.returncode != 0 or \
                "churn done" not in guest.console():
            ph.errors.append(f"the churn ended with status "
                             f"{guest.proc.returncode}:\n" + guest.console())
    finally:
        guest.kill()
    return ph


PHASES = {"http": phase_http, "echo": phase_echo, "churn": phase_churn}


# --- Report ---------------------------------------------------------------

def growth(ph):
    """(heap bytes, pages in use) grown from the second sample to the
    last (the first interval warms caches)."""
    if len(ph.rows) < 3:
        return None
    a, b = ph.rows[1], ph.rows[-1]
    used = lambda r: r["pages_total"] - r["pages_free"]  # noqa: E731
    return b["heap_bytes"] - a["heap_bytes"], used(b) - used(a)


def table(ph):
    work = {"http": ("requests", "p99_ms"), "echo": ("mib",),
            "churn": ("rounds",)}[ph.name]
    head = ["t (s)", *work, "errors", "heap KiB", "blocks", "pages used"]
    lines = [f"### {ph.name}, {ph.smp} CPUs", "",
             "| " + " | ".join(head) + " |",
             "|" + " --- |" * len(head)]
    for r in ph.rows:
        cells = [f"{r['t']:.0f}"]
        for k in work:
            v = r.get(k)
            cells.append("-" if v is None else
                         f"{v:.1f}" if isinstance(v, float) else str(v))
        cells += [str(r.get("errors", 0)), str(r["heap_bytes"] // 1024),
                  str(r["heap_blocks"]),
                  str(r["pages_total"] - r["pages_free"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(ph):
    g = growth(ph)
    total = sum(r.get("requests", 0) or r.get("mib", 0) or
                r.get("rounds", 0) for r in ph.rows)
    unit = {"http": "requests", "echo": "MiB echoed",
            "churn": "churn rounds"}[ph.name]
    p99 = [r["p99_ms"] for r in ph.rows if r.get("p99_ms") is not None]
    text = (f"{ph.name}, {ph.smp} CPUs: {total} {unit} in "
            f"{len(ph.rows)} intervals, {len(ph.errors)} errors")
    if p99:
        text += f", p99 median {statistics.median(p99):.1f} ms, worst " \
                f"{max(p99):.1f} ms"
    if g:
        text += f"; growth after warm-up: heap {g[0] // 1024:+d} KiB, " \
                f"pages {g[1]:+d}"
    return text


def inner(args):
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    report = [f"# Soak: {args.seconds} s per phase, samples every "
              f"{args.every} s ({time.strftime('%Y-%m-%d %H:%M')})", ""]
    for smp in args.smp:
        for name in args.phases:
            work = tempfile.mkdtemp(prefix="toro-soak-")
            try:
                ph = PHASES[name](args, smp, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            print(table(ph) + "\n", flush=True)
            print(summary(ph), flush=True)
            report += [table(ph), "", summary(ph), ""]
            check(not ph.errors, f"{name}, {smp} CPUs: no errors"
                  + ("" if not ph.errors else ": " +
                     "; ".join(ph.errors[:5])))
            g = growth(ph)
            check(g is not None, f"{name}, {smp} CPUs: at least 3 samples "
                  f"({len(ph.rows)})")
            if g is not None:
                check(g[0] <= HEAP_SLACK and g[1] <= PAGES_SLACK,
                      f"{name}, {smp} CPUs: memory flat (heap "
                      f"{g[0] // 1024:+d} KiB, pages {g[1]:+d}; at most "
                      f"{HEAP_SLACK // 1024} KiB and {PAGES_SLACK})")
    with open(args.out, "w") as f:
        f.write("\n".join(report))
    print(f"(table in {args.out})")
    return 0 if all(results) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=int, default=3600)
    p.add_argument("--every", type=int, default=60)
    p.add_argument("--smp", type=int, nargs="+", default=[2, 4])
    p.add_argument("--phases", default="http,echo,churn")
    p.add_argument("--churn", type=int, default=100000)
    p.add_argument("--out", default=os.path.join(BUILD, "soak", "soak.md"))
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.phases = args.phases.split(",")
    bad = [x for x in args.phases if x not in PHASES]
    if bad:
        p.error(f"unknown phase {bad[0]!r} (phases: {', '.join(PHASES)})")
    if args.every < 5 or args.seconds < args.every:
        p.error("--every must be at least 5 s and at most --seconds")
    for elf in (WEB_ELF, SOAK_ELF):
        if not os.path.exists(elf):
            sys.exit(f"soak: no {elf}: run `make` (TORO_BUILD={BUILD})")
    if args.inner:
        return inner(args)
    if os.geteuid() != 0:
        sys.exit("soak: needs root (a network namespace with a tap)")
    argv = [sys.executable, os.path.abspath(__file__), "--inner",
            "--seconds", str(args.seconds), "--every", str(args.every),
            "--phases", ",".join(args.phases), "--churn", str(args.churn),
            "--out", args.out, "--smp", *map(str, args.smp)]
    per_phase = args.seconds + BOOT_S + 900
    return run_in_namespace(argv, timeout=per_phase * len(args.phases) *
                            len(args.smp), name="toro_soak")


if __name__ == "__main__":
    sys.exit(main())
