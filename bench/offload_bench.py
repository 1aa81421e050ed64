#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/offload.sh: 64 MiB from the host into the guest over a tap, with
large receive on and off, over IPv4 and IPv6; boots in rotation, medians.

Runs itself inside a network namespace it makes (tests/netns.py) and
deletes; the guest is bench/vsock's program in `sink` mode (it reads and
drops), so the guest's time goes to the transfer alone.
"""
import os
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from netns import GUEST, GUEST6, HOST, run_in_namespace  # noqa: E402

MIB = 64
PORT = 9000
CASES = [("IPv4, large receive", GUEST, ""),
         ("IPv4, one frame each", GUEST, "toro.no_lro"),
         ("IPv6, large receive", GUEST6, ""),
         ("IPv6, one frame each", GUEST6, "toro.no_lro")]


def upload(elf, addr, append):
    """MiB/s of one boot's transfer, or None."""
    p = subprocess.Popen(
        [os.path.join(ROOT, "toro"), "run", elf, "--tap", "tap0",
         "--accel", "tcg", "--smp", "2", "--mem", "256", "--timeout", "120",
         "--append", f"ip={GUEST}/24 gw={HOST} ip6={GUEST6} {append}",
         "--", "sink", f"tcp:{PORT}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = None
        for _ in range(300):
            try:
                s = socket.create_connection((addr, PORT), timeout=30)
                break
            except OSError:
                time.sleep(0.1)
        if s is None or s.family != family:
            return None
        buf = bytes(1 << 20)
        t0 = time.monotonic()
        for _ in range(MIB):
            s.sendall(buf)
        s.shutdown(socket.SHUT_WR)
        s.recv(16)      # the guest closes once it has read it all
        secs = time.monotonic() - t0
        s.close()
        return MIB / secs
    except OSError:
        return None
    finally:
        p.kill()
        p.wait()


def cell(v):
    return (f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"
            if v else "failed")


def inner(elfs, runs):
    """(elfs): this tree's guest, then a baseline's if given; each case
    boots them in turn, which goes first alternating by run."""
    got = {(name, k): [] for name, _, _ in CASES for k in range(len(elfs))}
    for i in range(runs):
        for name, addr, append in CASES:
            order = list(range(len(elfs)))
            if i % 2:
                order.reverse()
            for k in order:
                r = upload(elfs[k], addr, append)
                if r:
                    got[(name, k)].append(r)
                print(f"{name} [{'baseline' if k else 'this tree'}]: {r}",
                      flush=True)
    if len(elfs) == 1:
        rows = ["| into the guest, 64 MiB | MiB/s, median (runs' range) |",
                "| --- | --- |"]
    else:
        rows = ["| into the guest, 64 MiB | MiB/s, median (runs' range) "
                "| baseline | this / baseline |", "| --- | --- | --- | --- |"]
    for name, _, _ in CASES:
        v = got[(name, 0)]
        row = f"| {name} | {cell(v)} |"
        if len(elfs) > 1:
            b = got[(name, 1)]
            ratio = (f"{statistics.median(v) / statistics.median(b):.2f}x"
                     if v and b else "-")
            row += f" {cell(b)} | {ratio} |"
        rows.append(row)
    import results
    results.update("offload", "Large receive (virtio-net GUEST_TSO4/6)",
                   f"{runs} boots of each case in rotation; QEMU microvm, "
                   "TCG, 2 CPUs, 256 MiB, virtio-net on a tap in a network "
                   "namespace; the host writes 64 MiB to bench/vsock's "
                   "guest program, which reads and drops it (`sink "
                   "tcp:9000`); the time is the host's, from the first "
                   "write to the guest's close. One frame each: the same "
                   "boot with `toro.no_lro`." +
                   (f" Baseline: {BASELINE_NOTE}, booted in turn with this "
                    "tree's in each case (which goes first alternates)."
                    if len(elfs) > 1 else "") +
                   "\n\n" + "\n".join(rows) + "\n\n")
    print("\n".join(rows))
    return 0


BASELINE_NOTE = os.environ.get("TORO_BASELINE_NOTE", "another build")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--inner"]:
        # --inner ELF RUNS [BASELINE_ELF]
        return inner([args[1]] + args[3:4], int(args[2]))
    baseline = None
    if "--baseline" in args:
        i = args.index("--baseline")
        if i + 1 >= len(args):
            print("bench/offload.sh: --baseline needs a build directory")
            return 2
        baseline = os.path.join(os.path.abspath(args[i + 1]),
                                "vsockbench.elf")
        del args[i:i + 2]
        if not os.path.exists(baseline):
            print(f"bench/offload.sh: {baseline} is missing")
            return 2
    try:
        runs = int(args[0]) if args else 5
    except ValueError:
        print(f"bench/offload.sh: RUNS must be a number, not {args[0]!r}")
        return 2
    if os.geteuid() != 0:
        print("bench/offload.sh: needs root (a network namespace, a tap)")
        return 1
    elf = os.path.join(ROOT, os.environ.get("TORO_BUILD", "build"),
                       "vsockbench.elf")
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner", os.path.abspath(elf), str(runs)] +
                            ([baseline] if baseline else []),
                            timeout=3600, name="toro_offload")


if __name__ == "__main__":
    sys.exit(main())
