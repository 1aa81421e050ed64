#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Ten thousand keep-alive connections at once to examples/webserver, and
what each costs the guest.

Usage (root): tests/web/many_connections.py [ELF] [--connections N]
              [--mem MiB]
ELF defaults to $TORO_BUILD/webserver.elf; N to 10,000; MiB to 512.
Prints PASS/FAIL lines and `per idle connection: X KiB`; exit status 0
only if all pass.

The guest is on a tap in a network namespace of its own (tests/netns.py):
QEMU's user network accepts host connections one at a time (its listen
backlog is 1) and polls every one of them on each turn, which makes
thousands of connections crawl. Then:
  - N connections are opened, 64 being set up at a time, each served one
    request and kept open: N idle keep-alive connections at once;
  - every one of them asks again at the same moment: each answer must be
    a 200, none may be reset or left unanswered;
  - no frame of those requests was dropped in the guest (toro.netstats):
    they all wait unread at once, more than the device has spare buffers
    to lend (the rest are copied into lwIP's receive pool, sized from
    memory), and a dropped one waits out the client's retransmission
    timer;
  - the segments of those requests found their connection by hash
    (net/tcp_demux.c), not by lwIP's walk through all N of them;
  - the server is ended (--quit-path) with the connections still open,
    and the kernel's toro.memstats line gives the memory in use; less
    that of a boot that served one connection, over N, is the memory of
    one idle connection.
"""
import os
import re
import resource
import selectors
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from netns import GUEST, GUEST_APPEND, TAP, run_in_namespace  # noqa: E402
from web_quit import QUIT_PATH, ask_to_quit  # noqa: E402

REQUEST = b"GET / HTTP/1.1\r\nHost: guest\r\n\r\n"
IN_FLIGHT = 64          # connections being set up at a time
PHASE_S = 300           # each phase's limit
results = []


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what, flush=True)


def whole_response(buf):
    """Whether (buf) holds a whole response (a head with Content-Length,
    then that many bytes)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", buf[:end])
    return m is not None and len(buf) >= end + 4 + int(m.group(1))


def receive(s, bufs):
    """Reads what (s) has into bufs[s]: None while its response is not
    whole yet, then whether it is a 200 (False for a reset or a close)."""
    try:
        data = s.recv(65536)
    except BlockingIOError:
        return None
    except ConnectionError:
        data = b""
    if data:
        bufs[s] += data
        if not whole_response(bufs[s]):
            return None
    return bool(data) and bufs[s].startswith(b"HTTP/1.1 200")


def boot(elf, mem):
    p = subprocess.Popen(
        [os.path.join(ROOT, "toro"), "run", elf, "--accel", "tcg", "--smp",
         "2", "--mem", str(mem), "--initrd",
         os.path.join(ROOT, "examples", "webserver", "site"), "--tap", TAP,
         "--append", GUEST_APPEND + " toro.memstats toro.netstats",
         "--timeout", "900",
         "--", "--timeout", "900", "--quit-path", QUIT_PATH],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = p.stdout.readline()
    if "serving" not in line:
        p.kill()
        raise SystemExit(f"FAIL the web server did not start: {line!r}")
    return p


def memory_at_exit(p):
    """Ends the server; returns the KiB in use the kernel reported, the
    frames it says it dropped on receipt and the TCP segments whose
    connection the hash found and lwIP's walk found (None if not
    said)."""
    e = ask_to_quit((GUEST, 80))
    if e:
        print(f"the request to end the server failed: {e}")
        p.kill()
    out, _ = p.communicate(timeout=60)
    m = re.search(r"toro: memory at exit: (\d+) KiB in use", out)
    d = re.search(r"B kept in them, (\d+) frames dropped\)", out)
    h = re.search(r"found by hash (\d+) times, by lwIP's walk (\d+)", out)
    if not m or not d or not h:
        print(out[-2000:])
    return ((int(m.group(1)) if m else None),
            (int(d.group(1)) if d else None),
            (int(h.group(1)) if h else None),
            (int(h.group(2)) if h else None))


def open_all(n, sel):
    """N served keep-alive connections, IN_FLIGHT set up at a time."""
    idle, setting_up, lost = [], {}, 0
    deadline = time.time() + PHASE_S
    while len(idle) + lost < n and time.time() < deadline:
        while (len(setting_up) < IN_FLIGHT and
               len(idle) + len(setting_up) + lost < n):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((GUEST, 80))
            setting_up[s] = b""
            sel.register(s, selectors.EVENT_WRITE)
        for key, events in sel.select(5):
            s = key.fileobj
            if events & selectors.EVENT_WRITE:
                sel.modify(s, selectors.EVENT_READ)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    s.send(REQUEST)
                    continue
                served = False
            else:
                served = receive(s, setting_up)
                if served is None:
                    continue
            sel.unregister(s)
            del setting_up[s]
            if served:
                idle.append(s)
            else:
                lost += 1
                s.close()
    return idle, lost


def ask_all_again(idle, sel):
    """One more request on every connection at once; returns (answered
    200, failed)."""
    pending = {}
    for s in idle:
        s.send(REQUEST)
        pending[s] = b""
        sel.register(s, selectors.EVENT_READ)
    ok = bad = 0
    deadline = time.time() + PHASE_S
    while pending and time.time() < deadline:
        for key, _ in sel.select(5):
            s = key.fileobj
            served = receive(s, pending)
            if served is None:
                continue
            sel.unregister(s)
            del pending[s]
            if served:
                ok += 1
            else:
                bad += 1
    return ok, bad + len(pending)


def inner(elf, n, mem):
    base = memory_at_exit(boot(elf, mem))[0]
    p = boot(elf, mem)
    sel = selectors.DefaultSelector()
    t0 = time.time()
    idle, lost = open_all(n, sel)
    t1 = time.time()
    check(len(idle) == n and lost == 0,
          f"{len(idle)} of {n} connections served and kept open at once "
          f"({lost} lost, {t1 - t0:.1f} s)")
    ok, bad = ask_all_again(idle, sel)
    check(ok == len(idle) and bad == 0,
          f"a second request on all {len(idle)} at the same moment: {ok} "
          f"answered, {bad} failed ({time.time() - t1:.1f} s)")
    used, dropped, by_hash, by_walk = memory_at_exit(p)
    check(dropped == 0,
          f"no received frame dropped by the guest ({dropped})")
    # Each connection's walk comes once, for the handshake's last ACK,
    # which puts it in the table; both its requests are found by hash.
    check(by_hash is not None and by_hash >= 2 * len(idle) and
          by_walk is not None and by_walk <= by_hash // 2,
          f"TCP segments found their connection by hash {by_hash} times, "
          f"by lwIP's walk {by_walk}")
    check(base is not None and used is not None,
          "the kernel reported the memory in use at exit")
    if base is not None and used is not None and idle:
        print(f"per idle connection: {(used - base) / len(idle):.1f} KiB "
              f"({used} KiB in use with {len(idle)} open, {base} KiB "
              f"after one)", flush=True)
    for s in idle:
        s.close()
    return 0 if all(results) else 1


def main():
    args = sys.argv[1:]
    opts = {"--connections": 10000, "--mem": 512}
    for k in opts:
        if k in args:
            i = args.index(k)
            opts[k] = int(args[i + 1])
            del args[i:i + 2]
    n, mem = opts["--connections"], opts["--mem"]
    if args[:1] == ["--inner"]:
        return inner(args[1], n, mem)
    build = os.environ.get("TORO_BUILD", os.path.join(ROOT, "build"))
    elf = os.path.abspath(args[0] if args else
                          os.path.join(build, "webserver.elf"))
    if os.geteuid() != 0:
        print("FAIL many_connections: needs root (network namespace, tap)")
        return 1
    # Our end holds every connection: the soft limit goes up to the hard.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < n + 64:
        print(f"FAIL many_connections: {n} connections need {n + 64} open "
              f"files, the hard limit is {hard}")
        return 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner", elf, "--connections", str(n),
                             "--mem", str(mem)], timeout=3 * PHASE_S + 300,
                            name="toro_conns")


if __name__ == "__main__":
    sys.exit(main())
