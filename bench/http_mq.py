#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every CPU serving: Toro's web server on 1 and on 2 CPUs with virtio-net
multi-queue (one rx/tx pair a CPU), in the same run, over a multi_queue
tap in a network namespace the bench makes and deletes (as root).

q35 (virtio-pci: an MSI-X interrupt per queue), TCG, 256 MiB, wrk inside
the namespace on the bench's 612-byte page at 8 and 64 keep-alive
connections, the boots alternating 1 CPU / 2 CPUs, RUNS of each; each boot
ends with /quit so the guest's toro.netstats figures are read: frames per
queue pair and the waits for lwIP's core lock (times and microseconds).
Results go to bench/RESULTS.md (section http_mq).
Usage: bench/http_mq.sh [RUNS] (3)
"""
import os
import re
import statistics
import subprocess
import sys

os.environ["HTTP_NET"] = "tap"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_bench as hb  # noqa: E402
from http_bench import results, run_in_namespace  # noqa: E402

INNER = "--in-namespace"
CONNS = (8, 64)
NOTE = ("The time waited is summed over the threads that waited (several "
        "wait at once), so it can exceed the boot's length; a wait includes "
        "the time the holder's vCPU was not running. There is no 2-CPU "
        "single-pair column: QEMU opens a multi_queue tap only with 2 "
        "queues or more, and a 2-CPU guest then takes both.")


def boot(smp):
    log = os.path.join(hb.BUILD, "http", f"mq{smp}.log")
    addr = (hb.TAP_GUEST, 80)
    cmd = [os.path.join(hb.ROOT, "toro"), "run", hb.TORO_ELF,
           "--machine", "q35", "--smp", str(smp), "--mem", "256",
           "--accel", "tcg", "--initrd", hb.SITE, "--tap", hb.TAP,
           "--append", f"ip={hb.TAP_GUEST}/24 gw={hb.TAP_HOST} "
           "toro.netstats", "--", "--quit-path", "/quit"]
    with open(log, "w") as f:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f,
                                stderr=subprocess.STDOUT, cwd=hb.ROOT,
                                env=dict(os.environ,
                                         TORO_BUILD=hb.TORO_BUILD))
    try:
        hb.wait_serving(addr, proc, log)
        hb.wrk(addr, hb.SMALL, 8, 2)        # warm-up: TCG translates
        got = {c: hb.wrk(addr, hb.SMALL, c, hb.DURATION)["rps"]
               for c in CONNS}
        try:
            hb.get(addr, "/quit")
        except OSError:
            pass
        proc.wait(60)
    finally:
        hb.stop(proc)
    with open(log) as f:
        out = f.read()
    pairs = re.search(r"(\d+) queue pairs; frames received/sent"
                      r"((?: \d+/\d+)+)", out)
    lock = re.search(r"core lock taken (\d+) times, waited (\d+) "
                     r"times, (\d+) us", out)
    if not pairs or not lock:
        sys.exit(f"http_mq: no netstats from the guest:\n{hb.tail(log)}")
    got["pairs"] = int(pairs.group(1))
    got["rx"] = [p.split("/")[0] for p in pairs.group(2).split()]
    got["taken"], got["waits"], got["wait_us"] = map(int, lock.groups())
    return got


def report(got, runs):
    def med(smp, key):
        return statistics.median(r[key] for r in got[smp])
    rows = ["| | 1 CPU | 2 CPUs, 2 queue pairs | 2 CPUs / 1 CPU |",
            "| --- | --- | --- | --- |"]
    for c in CONNS:
        a, b = med(1, c), med(2, c)
        rows.append(f"| 612-byte page, {c} connections, requests/s "
                    f"(runs: {', '.join(f'{r[c]:.0f}' for r in got[1])} / "
                    f"{', '.join(f'{r[c]:.0f}' for r in got[2])}) | {a:.0f} "
                    f"| {b:.0f} | {b / a:.2f}x |")
    for key, label in (("waits", "core lock: waits per boot"),
                       ("wait_us", "core lock: time waited per boot, ms")):
        div = 1000 if key == "wait_us" else 1
        rows.append(f"| {label} | {med(1, key) / div:.0f} | "
                    f"{med(2, key) / div:.0f} | |")
    rows.append(f"| core lock: share of acquisitions that waited | "
                f"{100 * med(1, 'waits') / med(1, 'taken'):.1f}% | "
                f"{100 * med(2, 'waits') / med(2, 'taken'):.1f}% | |")
    rows.append(f"| frames received per queue pair (last run) | "
                f"{' '.join(got[1][-1]['rx'])} | "
                f"{' '.join(got[2][-1]['rx'])} | |")
    body = ("Toro's web server over a multi_queue tap (q35, virtio-pci, "
            f"TCG, 256 MiB), {runs} boots of each, alternating; medians. "
            "Each boot serves wrk for 2 s of warm-up and "
            f"{hb.DURATION} s at each connection count; the lock figures "
            "are the guest's toro.netstats over the whole boot (the "
            "tcpip thread, the receive threads and the workers). The host "
            "has 2 cores for QEMU's two vCPU threads, its I/O thread and "
            "wrk: the 2-CPU guest competes with its own load.\n\n"
            + "\n".join(rows) + "\n\n" + hb.fill(NOTE) + "\n")
    results.update("http_mq", "HTTP, 1 vs 2 CPUs, virtio-net multi-queue",
                   body)
    print("\n".join(rows))


def main():
    argv = sys.argv[1:]
    inner = argv[:1] == [INNER]
    if inner:
        argv = argv[1:]
    runs = int(argv[0]) if argv and argv[0].isdigit() else 3
    if not inner:
        if os.geteuid() != 0:
            sys.exit("http_mq: makes a network namespace and a tap: run "
                     "as root")
        hb.make_site()
        sys.exit(run_in_namespace([sys.executable, os.path.abspath(
            __file__), INNER, str(runs)], timeout=None, name="toro-mq-",
            multi_queue=True))
    os.makedirs(os.path.join(hb.BUILD, "http"), exist_ok=True)
    got = {1: [], 2: []}
    for i in range(runs):
        for smp in (1, 2) if i % 2 == 0 else (2, 1):
            r = boot(smp)
            got[smp].append(r)
            print(f"run {i + 1}/{runs} {smp} CPU: " + " ".join(
                f"{c} conns {r[c]:.0f} req/s" for c in CONNS)
                + f", pairs {r['pairs']} rx {r['rx']}, lock waits "
                f"{r['waits']}/{r['taken']} {r['wait_us']} us", flush=True)
    report(got, runs)


if __name__ == "__main__":
    main()
