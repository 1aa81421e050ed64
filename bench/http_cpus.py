# SPDX-License-Identifier: MIT
"""Where the second CPU's requests go: the web server at 512 connections on
2 CPUs (a worker on each), on 2 CPUs with one worker (`--workers 1`: every
connection on CPU 0, which receives every frame, and CPU 1 halted), and on
1 CPU, each beside the ceiling on as many CPUs; with what the host spends
on each: its cores' busy share and, per QEMU thread (each vCPU, the I/O
thread that moves the frames), CPU time and times it blocked per 1,000
requests. Same tap, machine and loads as bench/http.sh.

Usage (as root): bench/http_cpus.sh [RUNS] (3)
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["HTTP_NET"] = "tap"
import http_bench as hb  # noqa: E402
import results  # noqa: E402

CONNS = 512
SECONDS = 6
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

# (name, guest, CPUs, the web server's arguments)
GUESTS = [("web server, 2 CPUs", "toro", 2, ()),
          ("same, --workers 1", "toro", 2, ("--workers", "1")),
          ("ceiling, 2 CPUs", "ceiling", 2, ()),
          ("web server, 1 CPU", "toro", 1, ()),
          ("ceiling, 1 CPU", "ceiling", 1, ())]


def qemu_threads():
    """{thread name: (CPU ticks, voluntary switches)} of the threads of
    the QEMU processes in this network namespace: the guest this bench
    booted (one at a time), not another program's QEMU on the host."""
    here = os.readlink("/proc/self/ns/net")
    got = {}
    for pid in os.listdir("/proc"):
        try:
            if not pid.isdigit() or \
                    os.readlink(f"/proc/{pid}/ns/net") != here or \
                    "qemu" not in open(f"/proc/{pid}/comm").read():
                continue
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue    # gone meanwhile
        for tid in tids:
            base = f"/proc/{pid}/task/{tid}"
            try:
                name = open(f"{base}/comm").read().strip()
                stat = open(f"{base}/stat").read().rsplit(")", 1)[1].split()
                vol = 0
                for line in open(f"{base}/status"):
                    if line.startswith("voluntary_ctxt_switches"):
                        vol = int(line.split()[1])
            except OSError:
                continue    # a thread gone meanwhile
            ticks, blocks = got.get(name, (0, 0))
            # utime and stime: fields 14 and 15 of stat.
            got[name] = (ticks + int(stat[11]) + int(stat[12]),
                         blocks + vol)
    return got


def host_cpu():
    """(all ticks, idle ticks) of the host's cores so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    # user nice system idle iowait irq softirq steal (guest time is in
    # user's already)
    return sum(v), v[3] + v[4]


def thread_role(name):
    """vCPU threads are "CPU N/TCG" (-name debug-threads=on); the main
    loop, which moves the tap's frames, keeps the program's name."""
    if name.startswith("CPU "):
        return "vCPU " + name.split()[1].split("/")[0]
    if name.startswith("qemu-system"):
        return "I/O"
    return None     # RCU, worker pools: next to nothing here


def measure(addr):
    hb.wrk(addr, hb.SMALL, 8, 2)    # warm-up
    q0, c0 = qemu_threads(), host_cpu()
    w = hb.wrk(addr, hb.SMALL, CONNS, SECONDS)
    q1, c1 = qemu_threads(), host_cpu()
    kilo = w["requests"] / 1000
    r = {"rps": w["rps"], "errors": w["errors"],
         "busy": 1 - (c1[1] - c0[1]) / max(1, c1[0] - c0[0])}
    for name, (ticks, blocks) in q1.items():
        role = thread_role(name)
        if role:
            t0, b0 = q0.get(name, (0, 0))
            r[f"{role} ms"] = r.get(f"{role} ms", 0) + \
                (ticks - t0) * TICK_MS / kilo
            r[f"{role} blocks"] = r.get(f"{role} blocks", 0) + \
                (blocks - b0) / kilo
    return r


def boot(guest, smp, args):
    addr = hb.target(hb.TORO_GUEST_PORT)
    names = ("-name", "toro,debug-threads=on")
    if guest == "toro":
        cmd = hb.toro_command(hb.TORO_ELF, addr, names, args, smp)
    else:
        cmd = hb.toro_command(hb.CEILING_ELF, addr, names,
                              (hb.SMALL, hb.BIG, hb.HUGE), smp)
    return hb.run_guest(cmd, addr, f"cpus-{guest}{smp}", measure)


def inner(runs):
    got = {name: [] for name, _, _, _ in GUESTS}
    for i in range(runs):
        order = GUESTS if i % 2 == 0 else GUESTS[::-1]
        for name, guest, smp, args in order:
            r = boot(guest, smp, args)
            got[name].append(r)
            print(f"run {i + 1}/{runs} {name}: {r['rps']:.0f} requests/s",
                  flush=True)
    print(report(got, runs))


def med(rs, key):
    vals = [r.get(key, 0) for r in rs]
    return statistics.median(vals), min(vals), max(vals)


def report(got, runs):
    names = [name for name, _, _, _ in GUESTS]
    rows = ["| | " + " | ".join(names) + " |",
            "| --- |" + " --- |" * len(names)]

    def row(label, cells):
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("requests/s (runs' range)", [
        "{:.0f} ({:.0f}-{:.0f})".format(*med(got[n], "rps")) for n in names])
    ceiling = {smp: med(got[n], "rps")[0]
               for n, guest, smp, _ in GUESTS if guest == "ceiling"}
    row("of the ceiling on as many CPUs", [
        f"{med(got[n], 'rps')[0] / ceiling[smp]:.2f}"
        for n, _, smp, _ in GUESTS])
    row("host's cores busy", [
        f"{med(got[n], 'busy')[0]:.0%}" for n in names])
    for role in ("vCPU 0", "vCPU 1", "I/O"):
        row(f"{role} thread, CPU ms per 1,000 requests", [
            f"{med(got[n], role + ' ms')[0]:.1f}" if any(
                role + " ms" in r for r in got[n]) else "" for n in names])
    for role in ("vCPU 0", "vCPU 1", "I/O"):
        row(f"{role} thread, blocked per 1,000 requests", [
            f"{med(got[n], role + ' blocks')[0]:.0f}" if any(
                role + " blocks" in r for r in got[n]) else ""
            for n in names])
    errors = [f"{n}: {r['errors']}" for n in names for r in got[n]
              if r["errors"]]
    text = (
        f"{runs} boots of each, interleaved (the order alternates); "
        f"medians. Each boot: `wrk -t1 -c{CONNS} -d{SECONDS}s` on the "
        "612-byte page after a 2 s warm-up at 8 connections, on the tap, "
        f"machine and guests of the HTTP bench (microvm, TCG, "
        f"{hb.MEM} MiB; one queue pair, whose interrupt and receive "
        "thread are on CPU 0). With `--workers 1` the web server accepts "
        "on CPU 0 only: every connection is served there and CPU 1 "
        "halts; the ceiling answers from the receive thread, on CPU 0. "
        "The host's side, over the load: its cores' busy share "
        "(/proc/stat) and, per QEMU thread (named by `-name "
        "debug-threads=on`), the CPU time it used and the times it "
        "blocked (voluntary context switches: waits for QEMU's big lock, "
        "a halted vCPU's sleep, the I/O thread's poll) per 1,000 "
        "requests served. wrk runs on the same host cores. Toro at "
        f"{hb.toro_version()}. wrk's socket errors: "
        f"{'; '.join(errors) if errors else 'none'}.")
    results.update("http_cpus", "HTTP at 512 connections: what a second "
                   "CPU costs the host", hb.fill(text) + "\n\n" +
                   "\n".join(rows) + "\n")
    return "\n".join(rows)


def main():
    argv = sys.argv[1:]
    if argv[:1] == [hb.INNER]:
        inner(int(argv[1]))
        return
    runs = int(argv[0]) if argv and argv[0].isdigit() else 3
    hb.make_bulk_site()
    sys.exit(hb.in_namespace(runs, script=__file__))


if __name__ == "__main__":
    main()
