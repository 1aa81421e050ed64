#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest instructions per request, for bench/insns.sh: the web server
against the ceiling (bench/ceiling) on the tap of bench/http.sh's
HTTP_NET=tap, counted by a QEMU plugin of ours (bench/insns/plugin.c).

Requests/s on a shared host moves by a tenth between runs of the same
build; instructions per request move by a few per thousand. So this is
the measure for "does this change make a request cheaper", and the
per-function table says where a request's instructions go. It does not
say what an instruction costs: under TCG a memory access costs more than
an add, and a larger working set (a stack per connection) costs more in
QEMU's software TLB; requests/s (bench/http.sh) stays the result.

One CPU unless INSNS_SMP says more: the plugin's counters are plain
adds, which two vCPU threads race on, so on 2 CPUs an add lost now and
then makes the counts a lower bound (the spin and idle loops both CPUs
run are where it happens most). Per load, the plugin's counts are
snapshotted before and after one wrk run; their difference over the
requests wrk completed is the cost of one, everything the guest ran
included (the receive thread's polling, timers, idle loops that are not
halt).
"""
import bisect
import collections
import os
import re
import statistics
import subprocess
import sys
import time

os.environ["HTTP_NET"] = "tap"
# INSNS_SMP=2: the guests on 2 CPUs (a section of its own).
os.environ["HTTP_SMP"] = os.environ.get("INSNS_SMP", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_bench as hb  # noqa: E402
import results  # noqa: E402

PLUGIN = os.path.join(hb.TORO_BUILD, "insns", "libinsns.so")
SNAP = os.path.join(hb.TORO_BUILD, "insns", "counts")
CONNS = (8, 64, 512)
SECONDS = 5
TOP = 20


def snapshot():
    """{vaddr: instructions} so far, from the plugin."""
    req = SNAP + ".req"
    open(req, "w").close()
    deadline = time.monotonic() + 20
    while os.path.exists(req):
        if time.monotonic() > deadline:
            sys.exit("insns: the plugin wrote no snapshot (is it loaded?)")
        time.sleep(0.02)
    got = {}
    with open(SNAP) as f:
        for line in f:
            vaddr, insns, count = line.split()
            got[int(vaddr, 16)] = got.get(int(vaddr, 16), 0) + \
                int(insns) * int(count)
    return got


def requests(addr, conns):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{SECONDS}s", "--timeout", "10s",
           f"http://{addr[0]}:{addr[1]}{hb.SMALL}"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = re.search(r"^\s*(\d+) requests in", out, re.M)
    if not m or "Non-2xx" in out:
        sys.exit(f"insns: {hb.shlex_join(cmd)} gave:\n{out}")
    return int(m.group(1))


def symbols(elf):
    """Sorted (address, name) of the image's functions."""
    out = subprocess.run(["nm", "-n", "--defined-only", elf],
                         capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def by_function(before, after, syms):
    starts = [a for a, _ in syms]
    per = collections.Counter()
    for vaddr, n in after.items():
        d = n - before.get(vaddr, 0)
        if d:
            i = bisect.bisect_right(starts, vaddr) - 1
            per[syms[i][1] if i >= 0 else "?"] += d
    return per


def loads(elf):
    syms = symbols(elf)

    def run(addr):
        hb.wrk(addr, hb.SMALL, 8, 2)    # warm-up: TCG translates once
        got = {}
        for conns in CONNS:
            before = snapshot()
            n = requests(addr, conns)
            per = by_function(before, snapshot(), syms)
            got[conns] = {f: v / n for f, v in per.items()}
        return got
    return run


def plugin_args():
    return ["-plugin", f"file={PLUGIN},out={SNAP}"]


def main():
    argv = sys.argv[1:]
    inner = argv[:1] == [hb.INNER]
    if inner:
        argv = argv[1:]
    runs = int(argv[0]) if argv and argv[0].isdigit() else 2
    if not inner:
        hb.make_bulk_site()
        sys.exit(hb.in_namespace(runs, script=__file__))
    got = {"toro": [], "ceiling": []}
    for i in range(runs):
        order = [("toro", hb.run_toro, hb.TORO_ELF),
                 ("ceiling", hb.run_ceiling, hb.CEILING_ELF)]
        for system, fn, elf in order if i % 2 == 0 else order[::-1]:
            r = fn(loads(elf), plugin_args())
            got[system].append(r)
            print(f"run {i + 1}/{runs} {system}: " + " ".join(
                f"c{c}={sum(r[c].values()):.0f}" for c in CONNS),
                flush=True)
    print(report(got, runs))


def total(rs, conns):
    return statistics.median(sum(r[conns].values()) for r in rs)


def top(rs, conns):
    """The TOP functions by median instructions per request."""
    names = set().union(*(r[conns] for r in rs))
    med = {f: statistics.median(r[conns].get(f, 0) for r in rs)
           for f in names}
    return sorted(med.items(), key=lambda kv: -kv[1])[:TOP]


def report(got, runs):
    rows = ["| connections | web server | ceiling | web server/ceiling |",
            "| --- | --- | --- | --- |"]
    for c in CONNS:
        t, ce = total(got["toro"], c), total(got["ceiling"], c)
        rows.append(f"| {c} | {t:,.0f} | {ce:,.0f} | {t / ce:.2f}x |")
    last = CONNS[-1]
    funcs = ["| web server, function | instructions/request | "
             "ceiling, function | instructions/request |",
             "| --- | --- | --- | --- |"]
    for (tf, tv), (cf, cv) in zip(top(got["toro"], last),
                                  top(got["ceiling"], last)):
        funcs.append(f"| {tf} | {tv:,.0f} | {cf} | {cv:,.0f} |")
    cpus = "1 CPU" if hb.SMP == 1 else f"{hb.SMP} CPUs"
    text = (f"{runs} boots of each guest, interleaved; medians. The "
            "612-byte page, `wrk -t1 -d5s` per load after a 2 s warm-up, "
            "on the tap, machine and guests of the HTTP bench (microvm, "
            f"TCG, {cpus}, {hb.MEM} MiB). Toro at {hb.toro_version()}. "
            "Counted by bench/insns/plugin.c (a QEMU plugin): every guest "
            "instruction run between the load's start and end, over the "
            "requests wrk completed. Self instructions of each function "
            f"(not its callees), at {last} connections, the top {TOP}.")
    if hb.SMP != 1:
        text += (" The plugin's counters are plain adds, which the vCPU "
                 "threads race on: a count lost that way makes these a "
                 "lower bound.")
    table = "\n".join(rows) + "\n\n" + "\n".join(funcs)
    key, title = "insns", "Guest instructions per request"
    if hb.SMP != 1:
        key, title = f"insns_smp{hb.SMP}", f"{title}, {cpus}"
    results.update(key, title, hb.fill(text) + "\n\n" + table + "\n")
    return table


if __name__ == "__main__":
    main()
