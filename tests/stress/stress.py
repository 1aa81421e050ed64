#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Stress harness: the web server under sustained mixed load, watched for
a stall.

Usage: tests/stress/stress.py [ELF] [--seconds S] [--net tap|user]
           [--smp N] [--mem MiB] [--machine microvm|q35] [--stall S]
           [--freeze AT]

ELF defaults to $TORO_BUILD/webserver.elf. The guest serves a generated
site (small pages, files of 1 and 8 MiB) from its initrd, on a tap in a
network namespace of its own (--net tap, the default; needs root) or
through QEMU's user network (--net user). The clients of load.py run side
by side for S seconds (default 60): keep-alive and one-request
connections, large files, requests sent in two parts with a pause, resets
mid-answer, half-closes, slow readers, and a probe that opens a new
connection every second. Every answer is checked byte for byte.

The watch: any wait on the server longer than --stall seconds (default
15; the server's own idle time-out is 10 s) is a stall. Then the guest is
stopped where it is and gdb, on QEMU's gdbstub, prints every Toro thread
with its stack (toro-threads) and the network path's queues (toro-net:
lwIP's core lock, mailboxes and TCP pcbs, the virtio-net rings); the run
fails with that dump. A wrong answer or an error on a well-behaved client
fails it too. At the end the server is asked to exit (--quit-path) and
must exit 0 with no fault on its console.

--freeze AT checks the watch itself: at AT seconds the guest's CPUs are
stopped (QMP `stop`) for longer than --stall, and the run passes only if
the stall was reported with a dump that shows the threads and the pcbs.

Prints `PASS ...`/`FAIL ...` lines and a summary (requests by kind,
MiB); exit status 0 only if all pass.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, HERE)
import gdbguest  # noqa: E402
import load  # noqa: E402
from netns import GUEST, GUEST_APPEND, TAP, run_in_namespace  # noqa: E402
from web_quit import QUIT_PATH, ask_to_quit  # noqa: E402

BOOT_S = 120            # until the server serves
DUMP_S = 120            # gdb's time for the dump
SERVER_TIMEOUT = 10     # the web server's --timeout


def make_site(d):
    """Small pages and large files of known bytes; returns a load.Site."""
    files = {"/index.html": b"<html><body>stress</body></html>\n" * 20}
    for i, size in enumerate((100, 1500, 4096, 20000, 70000)):
        files[f"/s{i}.html"] = bytes((i * 7 + j) & 0xff for j in range(size))
    for name, size in (("/1m.bin", 1 << 20), ("/8m.bin", 8 << 20)):
        block = os.urandom(65536)
        files[name] = block * (size // len(block))
    for path, data in files.items():
        with open(os.path.join(d, path[1:]), "wb") as f:
            f.write(data)
    return load.Site(files)


class Guest(gdbguest.GdbGuest):
    """The web server, on the tap or behind a forwarded port."""

    def __init__(self, args, site_dir, work):
        if args.net == "tap":
            self.addr = (GUEST, 80)
            net = ["--tap", TAP, "--append", GUEST_APPEND]
        else:
            self.addr = ("127.0.0.1", gdbguest.free_port())
            net = ["--port", f"{self.addr[1]}:80"]
        super().__init__(
            args.elf, ["--accel", "tcg", "--smp", str(args.smp), "--mem",
                       str(args.mem), "--machine", args.machine, "--initrd",
                       site_dir, *net],
            ["--timeout", str(SERVER_TIMEOUT), "--quit-path", QUIT_PATH], work,
            timeout=args.seconds + BOOT_S + DUMP_S + 120)

    def wait_serving(self):
        return self.wait_line(r"^webserver: serving", BOOT_S)

    def dump(self):
        """Threads and network queues, read by gdb with the guest
        stopped."""
        return self.gdb("toro-threads", "toro-net", timeout=DUMP_S)

    def quit(self):
        """Asks the server to exit; returns its exit status (None if it
        had to be killed)."""
        ask_to_quit(self.addr)
        return self.wait(60)


def watch(clients, threads, seconds, stall, guest, freeze_at):
    """Runs until (seconds) pass or a stall shows; returns (the stalled
    waits, the dump) or (None, None)."""
    start = time.monotonic()
    frozen = False
    while time.monotonic() - start < seconds:
        time.sleep(0.5)
        now = time.monotonic()
        if freeze_at is not None and not frozen and now - start >= freeze_at:
            print(f"freezing the guest's CPUs at {now - start:.0f} s "
                  f"(QMP stop)", flush=True)
            guest.qmp("stop")
            frozen = True
        stuck = []
        for c in clients:
            w = c.wait_state()
            if w and now - w[1] > stall:
                stuck.append(f"{c.kind}: {w[0]} for {now - w[1]:.0f} s")
        if guest.proc.poll() is not None:
            return ["the guest exited"], guest.console()
        if stuck:
            return stuck, guest.dump()
    return None, None


def inner(args):
    work = tempfile.mkdtemp(prefix="toro-stress-")
    ok = True
    try:
        site_dir = os.path.join(work, "site")
        os.mkdir(site_dir)
        site = make_site(site_dir)
        guest = Guest(args, site_dir, work)
        if not guest.wait_serving():
            print("FAIL the web server did not start:\n" + guest.console())
            guest.kill()
            return 1
        stats, stop = load.Stats(), threading.Event()
        clients, threads = [], []
        for kind, (behaviour, n) in load.MIX.items():
            for _ in range(n):
                c = load.Client(kind, guest.addr, site, stats, stop,
                                timeout=args.stall * 4)
                c.head_first = args.net == "user"
                t = threading.Thread(target=c.run, args=(behaviour,),
                                     daemon=True)
                clients.append(c)
                threads.append(t)
        for t in threads:
            t.start()
        stuck, dump = watch(clients, threads, args.seconds, args.stall,
                            guest, args.freeze)
        stop.set()
        if args.freeze is not None:
            seen = bool(stuck) and all(
                part in (dump or "") for part in
                ("CPU 0", "conn_main", "TCP listening", "virtio-net0:"))
            print(("PASS" if seen else "FAIL") + " the frozen guest was "
                  "reported as a stall with a dump of threads, pcbs and "
                  "rings")
            print("\n".join(stuck or ["(no stall reported)"]))
            print(dump or "")
            guest.kill()
            return 0 if seen else 1
        if stuck:
            ok = False
            print("FAIL stall: " + "; ".join(stuck))
            print("--- guest dump (gdb) ---\n" + dump)
            print("--- console ---\n" + guest.console())
            guest.kill()
        for t in threads:
            t.join(args.stall * 4 + 10)
        mib = stats.bytes / (1 << 20)
        print(f"requests: {stats.total()} ({', '.join(f'{k} {v}' for k, v in sorted(stats.requests.items()))}); {mib:.0f} MiB")
        if stats.errors:
            ok = False
            print(f"FAIL {len(stats.errors)} client errors, the first:")
            for kind, text in stats.errors[:20]:
                print(f"  {kind}: {text}")
        missing = [k for k in load.MIX if not stats.requests.get(k)
                   and k not in ("resets", "slow_reader")]
        if missing:
            ok = False
            print(f"FAIL no answer at all for: {', '.join(missing)}")
        if not stuck:
            status = guest.quit()
            console = guest.console(200)
            faults = re.findall(r"^.*(panic|fault|warning|assert).*$",
                                console, re.M | re.I)
            if status != 0 or faults:
                ok = False
                print(f"FAIL the server's exit: status {status}, console:\n"
                      + console)
        if ok:
            print(f"PASS {args.seconds} s of mixed load, no stall, no "
                  f"error ({args.net}, {args.machine}, {args.smp} CPUs)")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("elf", nargs="?")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--net", choices=("tap", "user"), default="tap")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--mem", type=int, default=256)
    p.add_argument("--machine", choices=("microvm", "q35"),
                   default="microvm")
    p.add_argument("--stall", type=int, default=15)
    p.add_argument("--freeze", type=int)
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    build = os.environ.get("TORO_BUILD", os.path.join(ROOT, "build"))
    args.elf = os.path.abspath(args.elf or os.path.join(build,
                                                        "webserver.elf"))
    if not os.path.exists(args.elf):
        print(f"FAIL no such image: {args.elf}")
        return 1
    if args.stall <= SERVER_TIMEOUT:
        print(f"FAIL --stall must be longer than the server's idle "
              f"time-out ({SERVER_TIMEOUT} s)")
        return 1
    if args.net == "user" or args.inner:
        return inner(args)
    if os.geteuid() != 0:
        print("FAIL stress over a tap needs root (network namespace); "
              "--net user needs none")
        return 1
    argv = ["--seconds", str(args.seconds), "--smp", str(args.smp),
            "--mem", str(args.mem), "--machine", args.machine,
            "--stall", str(args.stall), "--inner", args.elf]
    if args.freeze is not None:
        argv += ["--freeze", str(args.freeze)]
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             *argv],
                            timeout=args.seconds + BOOT_S + 2 * DUMP_S + 300,
                            name="toro_stress")


if __name__ == "__main__":
    sys.exit(main())
