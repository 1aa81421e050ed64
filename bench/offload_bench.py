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


def inner(elf, runs):
    got = {name: [] for name, _, _ in CASES}
    for _ in range(runs):
        for name, addr, append in CASES:
            r = upload(elf, addr, append)
            if r:
                got[name].append(r)
            print(f"{name}: {r}", flush=True)
    rows = ["| into the guest, 64 MiB | MiB/s, median (runs' range) |",
            "| --- | --- |"]
    for name, _, _ in CASES:
        v = got[name]
        rows.append(f"| {name} | " + (f"{statistics.median(v):.1f} "
                    f"({min(v):.1f}-{max(v):.1f})" if v else "failed") +
                    " |")
    import results
    results.update("offload", "Large receive (virtio-net GUEST_TSO4/6)",
                   f"{runs} boots of each case in rotation; QEMU microvm, "
                   "TCG, 2 CPUs, 256 MiB, virtio-net on a tap in a network "
                   "namespace; the host writes 64 MiB to bench/vsock's "
                   "guest program, which reads and drops it (`sink "
                   "tcp:9000`); the time is the host's, from the first "
                   "write to the guest's close. One frame each: the same "
                   "boot with `toro.no_lro`.\n\n" + "\n".join(rows) + "\n\n")
    print("\n".join(rows))
    return 0


def main():
    args = sys.argv[1:]
    if args[:1] == ["--inner"]:
        return inner(args[1], int(args[2]))
    runs = int(args[0]) if args else 5
    if os.geteuid() != 0:
        print("bench/offload.sh: needs root (a network namespace, a tap)")
        return 1
    elf = os.path.join(ROOT, os.environ.get("TORO_BUILD", "build"),
                       "vsockbench.elf")
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner", os.path.abspath(elf), str(runs)],
                            timeout=3600, name="toro_offload")


if __name__ == "__main__":
    sys.exit(main())
