#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Notifications and interrupts per request, for bench/notify.sh: what
each request costs in trips between the guest and the device model, Toro's
web server against nginx in the Debian Linux guest, on the same machine
and tap as bench/http.sh's HTTP_NET=tap (whose guests, files and namespace
this reuses).

QEMU's own trace events count them (`-trace`, into a file per boot):
virtio_queue_notify is the guest telling the device of new buffers (an
MMIO write, a VM exit under KVM), by queue: 0 receive, 1 transmit;
virtio_notify is the device interrupting the guest (after event-index or
flag suppression: only the ones sent). Counted over one wrk run of each
load, from the trace file's size before the run to its end after, and
divided by the requests wrk completed (or by the MiB it read, for the
bulk load). Tracing slows both guests a little; the counts, not the rates,
are the result.
"""
import os
import re
import statistics
import sys

os.environ["HTTP_NET"] = "tap"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_bench as hb  # noqa: E402
import results  # noqa: E402

EVENTS = ("virtio_queue_notify", "virtio_notify")
SECONDS = 10
LOADS = (("612-byte page, 8 connections", hb.SMALL, 8, "request"),
         ("1 MiB file, 4 connections", hb.BIG, 4, "MiB"))
KICK = re.compile(rb"virtio_queue_notify vdev \S+ n (\d+)")
IRQ = re.compile(rb"virtio_notify vdev ")


def trace_args(path):
    args = []
    for e in EVENTS:
        args += ["-trace", f"enable={e}"]
    return args + ["-trace", f"file={path}"]


def counts(path, start):
    """Events in the trace file from byte `start` on."""
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read()
    kicks = [int(n) for n in KICK.findall(text)]
    return {"rx": kicks.count(0), "tx": kicks.count(1),
            "irq": len(IRQ.findall(text))}


def loads(path):
    def run(addr):
        hb.wrk(addr, hb.SMALL, 8, 2)    # warm-up: TCG translates once
        got = {}
        for label, url, conns, unit in LOADS:
            start = os.path.getsize(path) if os.path.exists(path) else 0
            r = hb.wrk(addr, url, conns, SECONDS)
            c = counts(path, start)
            work = (r["rps"] * SECONDS if unit == "request"
                    else r["mibs"] * SECONDS)
            for k, v in c.items():
                got[(label, k)] = v / max(work, 1e-9)
            got[(label, "rate")] = r["rps"] if unit == "request" else r["mibs"]
        return got
    return run


def main():
    argv = sys.argv[1:]
    inner = argv[:1] == [hb.INNER]
    if inner:
        argv = argv[1:]
    runs = int(argv[0]) if argv and argv[0].isdigit() else 3
    if not inner:
        hb.build()
        sys.exit(hb.in_namespace(runs, script=__file__))
    got = {"toro": [], "linux": []}
    for i in range(runs):
        order = [("linux", hb.run_linux), ("toro", hb.run_toro)]
        for system, fn in order if i % 2 == 0 else order[::-1]:
            path = os.path.join(hb.BUILD, "http", f"notify-{system}.trace")
            if os.path.exists(path):
                os.remove(path)
            r = fn(loads(path), trace_args(path))
            got[system].append(r)
            print(f"run {i + 1}/{runs} {system}: "
                  + " ".join(f"{k[0][:9]}/{k[1]}={v:.3g}"
                             for k, v in r.items()), flush=True)
    print(report(got, runs))


def med(rs, key):
    return statistics.median(r[key] for r in rs)


def report(got, runs):
    rows = ["| per unit of work | Toro | Linux + nginx | Toro/Linux |",
            "| --- | --- | --- | --- |"]
    for label, _, _, unit in LOADS:
        for key, what in (("tx", "transmit notifications"),
                          ("rx", "receive-queue notifications"),
                          ("irq", "interrupts")):
            t, li = med(got["toro"], (label, key)), med(got["linux"], (label, key))
            ratio = f"{t / li:.2f}x" if li else "n/a"
            rows.append(f"| {label}: {what} per {unit} | {t:.3f} | "
                        f"{li:.3f} | {ratio} |")
        unit_rate = "requests/s" if unit == "request" else "MiB/s"
        rows.append(f"| {label}: {unit_rate} while traced | "
                    f"{med(got['toro'], (label, 'rate')):.0f} | "
                    f"{med(got['linux'], (label, 'rate')):.0f} | |")
    table = "\n".join(rows)
    text = (f"{runs} boots of each guest, interleaved; medians. The same "
            "guests, machine (microvm, TCG, "
            f"{hb.SMP} CPUs, {hb.MEM} MiB) and tap as the HTTP bench over a "
            "tap; one `wrk -t1 -d10s` run per load and boot, after a 2 s "
            f"warm-up. Toro at {hb.toro_version()}. Counted from QEMU's "
            "trace events: virtio_queue_notify (the guest tells the device "
            "of new buffers; a VM exit under KVM) by queue, and "
            "virtio_notify (an interrupt the device sends). Below 1 in the "
            "last column means Toro needs fewer.")
    results.update("notify", "Notifications and interrupts per request",
                   hb.fill(text) + "\n\n" + table + "\n")
    return table


if __name__ == "__main__":
    main()
