#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio-net multi-queue on a multi_queue tap (q35, virtio-pci).

Usage (root): tests/sys/test_vnet/tap_mq.py
Boots examples/webserver ($TORO_BUILD/webserver.elf) inside a network
namespace of its own (tests/netns.py) with 2 and then 4 CPUs and the
default --net-queues (one pair a CPU), and checks:
  - the driver says it uses that many queue pairs;
  - 48 connections from as many source ports each get a file byte for
    byte (4 at once);
  - at exit (toro.netstats) every pair received and sent frames: the tap
    spread the flows and each CPU answered on its own queue; the core
    lock's waits and the frames dropped for want of a transmit buffer
    are reported;
  - with toro.test_vnet_mq_refused the driver's control-queue command
    fails: it says so, falls back to one pair and still serves.
Prints PASS/FAIL lines; exit status 0 only if all pass.
"""
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from netns import GUEST, run_in_namespace  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap_offload import boot_webserver, http_get  # noqa: E402
results = []


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what, flush=True)


def get(path, want):
    return http_get((GUEST, 80), path, len(want)) == want


def case(smp, site, data, append=""):
    p, lines = boot_webserver("q35", site, "toro.netstats " + append,
                              ["--smp", str(smp), "--accel", "tcg"])
    with ThreadPoolExecutor(4) as pool:
        ok = all(pool.map(lambda i: get("/f.bin", data), range(48)))
    get("/quit", b"")
    out, _ = p.communicate(timeout=200)
    return "".join(lines) + out, p.returncode, ok


def inner():
    with tempfile.TemporaryDirectory() as site:
        data = bytes((i * 31 + 7) & 255 for i in range(200000))
        with open(os.path.join(site, "f.bin"), "wb") as f:
            f.write(data)
        for smp in (2, 4):
            out, rc, ok = case(smp, site, data)
            check(f"{smp} queue pairs; frames" in out,
                  f"{smp} CPUs: the driver uses {smp} queue pairs")
            check(ok and rc == 0,
                  f"{smp} CPUs: 48 connections byte for byte (exit {rc})")
            m = re.search(r"(\d+) queue pairs; frames received/sent"
                          r"((?: \d+/\d+)+)", out)
            per = [p.split("/") for p in m.group(2).split()] if m else []
            rx = [int(r) for r, _ in per]
            tx = [int(t) for _, t in per]
            check(len(rx) == smp and sum(1 for x in rx if x) >= 2 and
                  sum(1 for x in tx if x) >= 2,
                  f"{smp} CPUs: frames on more than one queue: received "
                  f"{rx}, sent {tx}")
            check(re.search(r"core lock taken \d+ times, waited \d+ "
                            r"times, \d+ us", out) is not None,
                  f"{smp} CPUs: the core lock's waits are reported")
            check(re.search(r"frames received/sent(?: \d+/\d+)+; \d+ "
                            r"dropped, no transmit buffer", out) is not None,
                  f"{smp} CPUs: the transmit drops are reported")
            if not all(results):
                print(out[-3000:])
        out, rc, ok = case(2, site, data, "toro.test_vnet_mq_refused")
        check("refused 0 queue pairs" in out and "1 queue pairs; frames" in out,
              "a refused control-queue command: one pair, said so")
        check(ok and rc == 0, "and it still serves byte for byte")
        if not all(results):
            print(out[-3000:])
    return 0 if all(results) else 1


def main():
    if sys.argv[1:] == ["--inner"]:
        return inner()
    if os.geteuid() != 0:
        print("needs root (a network namespace and a tap)")
        return 1
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner"], timeout=900, multi_queue=True)


if __name__ == "__main__":
    sys.exit(main())
