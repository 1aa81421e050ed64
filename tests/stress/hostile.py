#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The web server against a hostile network, on a tap in a network
namespace of its own (root).

Usage: tests/stress/hostile.py [ELF] [--mem MiB] [--only CASE,...]

ELF defaults to $TORO_BUILD/webserver.elf, memory to 128 MiB; the site is
examples/webserver/site plus a 64 MiB file, over virtio-fs. Each case
below is followed by a probe: a new connection asks for a page, which
must come whole within PROBE_S seconds (the issue asks for one second;
this machine is shared and TCG is slow, so the bound is looser: it tells
a server that goes on serving from one that stopped, not a fast one from
a slow one). Cases:
  idle       10,000 connections opened and left silent: a new client is
             served or refused at once (connections past what fits in
             memory are refused or closed, never left waiting nor an
             out-of-memory stop), memory stays bounded, and all is well
             after they go;
  synflood   SYNs from a raw socket, from addresses nobody answers for
             (the guest's SYN-ACKs go nowhere): 1,000 a second while a
             client of ours gets in (with one of its first four SYNs) and
             is served, then 20,000 as fast as they go;
  slowread   a client reads the 64 MiB file one byte a second with a tiny
             receive window, probes served meanwhile;
  frames     frames larger than the MTU, truncated frames (headers cut,
             IP lengths that lie), random bytes;
  fragments  first fragments of 5,000 datagrams that never complete, and
             middle fragments with no start; the memory they took comes
             back after the reassembly time-out;
  tcpcheck   on one connection of our own (a peer played over the raw
             link): a request with a bad TCP checksum and one with an
             out-of-window sequence number are not taken, an
             out-of-window RST does not end the connection, then the
             real request is answered;
  ptb        ICMPv6 Packet Too Big messages for our own address saying
             an MTU of 40 bytes, then 9,000 (above the link's): new
             IPv6 clients are still served, a 256 KiB file whole.
At the end the server must exit 0 (--quit-path) with no fault on its
console. Prints PASS/FAIL lines; exit status 0 only if all pass.
"""
import argparse
import errno
import os
import random
import re
import selectors
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, HERE)
import gdbguest  # noqa: E402
import packets as pk  # noqa: E402
from netns import (GUEST, GUEST6, GUEST_APPEND, HOST, HOST6, TAP,  # noqa
                   run_in_namespace)
from web_quit import QUIT_PATH, ask_to_quit  # noqa: E402

PROBE_S = 5
BIG = 64 << 20
MID = 256 << 10
IDLE_CONNS = 10000
IN_FLIGHT = 256
FAKE_PEER = "10.9.0.77"         # on the tap's subnet, owned by nobody
results = []


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what, flush=True)


def make_site(d):
    shutil.copytree(os.path.join(ROOT, "examples", "webserver", "site"), d)
    block = os.urandom(1 << 20)
    with open(os.path.join(d, "big.bin"), "wb") as f:
        for _ in range(BIG >> 20):
            f.write(block)
    with open(os.path.join(d, "mid.bin"), "wb") as f:
        f.write(block[:MID])
    with open(os.path.join(d, "index.html"), "rb") as f:
        return f.read(), block[:MID]


def probe(index, what, addr=(GUEST, 80), path="/index.html"):
    """A fresh client must get (path) (its bytes: index) whole within
    PROBE_S."""
    start = time.monotonic()
    try:
        with socket.create_connection(addr, timeout=PROBE_S) as s:
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: g\r\n"
                      b"Connection: close\r\n\r\n")
            data = b""
            while time.monotonic() - start < PROBE_S:
                s.settimeout(max(0.1, PROBE_S - (time.monotonic() - start)))
                b = s.recv(65536)
                if not b:
                    break
                data += b
        ok = data.startswith(b"HTTP/1.1 200") and data.endswith(index)
        detail = f"{len(data)} bytes"
    except OSError as e:
        ok, detail = False, f"{type(e).__name__}: {e}"
    took = time.monotonic() - start
    check(ok, f"{what}: a new client served in {took:.1f} s"
          + ("" if ok else f" ({detail})"))
    return ok


# --- Cases ----------------------------------------------------------------

def refused_or_served(index, what):
    """A new client, while the server may be full: served, or refused at
    once (connections past what fits), never left waiting."""
    start = time.monotonic()
    try:
        with socket.create_connection((GUEST, 80), timeout=PROBE_S) as s:
            s.sendall(b"GET /index.html HTTP/1.1\r\nHost: g\r\n"
                      b"Connection: close\r\n\r\n")
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
        outcome = "served" if data.endswith(index) else \
            f"answered {len(data)} bytes"
        ok = data.endswith(index) or data.startswith(b"HTTP/1.1 503")
    except (ConnectionResetError, ConnectionRefusedError) as e:
        outcome, ok = f"refused ({e.strerror})", True
    except OSError as e:
        outcome, ok = f"{type(e).__name__}: {e}", False
    check(ok, f"{what}: a new client {outcome} in "
          f"{time.monotonic() - start:.1f} s")


def case_idle(guest, index):
    sel = selectors.DefaultSelector()
    pending, opened, refused = set(), [], 0
    started = 0
    deadline = time.monotonic() + 600
    while (started < IDLE_CONNS or pending) and time.monotonic() < deadline:
        while started < IDLE_CONNS and len(pending) < IN_FLIGHT:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((GUEST, 80))
            sel.register(s, selectors.EVENT_WRITE)
            pending.add(s)
            started += 1
        for key, _ in sel.select(timeout=1):
            s = key.fileobj
            sel.unregister(s)
            pending.discard(s)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                refused += 1
                s.close()
            else:
                opened.append(s)
    for s in pending:
        sel.unregister(s)
        s.close()
    print(f"idle: {len(opened)} connections open, {refused} refused, "
          f"{len(pending)} never answered", flush=True)
    refused_or_served(index, f"with {len(opened)} idle connections open")
    mem = guest.memory()
    check(mem is not None and mem["pages_free"] > 0,
          f"idle: the guest's memory bounded ({mem})")
    still = 0
    for s in opened:
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                pass            # closed by the server: allowed
            else:
                still += 1
        except BlockingIOError:
            still += 1
        except OSError:
            pass
        s.close()
    print(f"idle: {still} were still open when we closed them")
    time.sleep(5)       # their FINs, thousands, reach the guest first
    probe(index, "after the idle connections")


def syn_flood(n, per_s=None, stop=None):
    """n SYNs from addresses nobody answers for (the guest's SYN-ACKs go
    nowhere), at most per_s a second; until stop is set if given."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    start = time.monotonic()
    for i in range(n):
        if stop and stop.is_set():
            break
        if per_s and i % 10 == 0:
            time.sleep(max(0.0, start + i / per_s - time.monotonic()))
        src = f"10.9.0.{100 + i % 150}"
        seg = pk.tcp(src, GUEST, random.randint(1024, 65535), 80,
                     random.getrandbits(32), 0, pk.TCP_SYN)
        try:
            raw.sendto(pk.ipv4(src, GUEST, 6, seg), (GUEST, 0))
        except OSError as e:
            if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                raise
            time.sleep(0.001)
    raw.close()
    return i + 1


def handshake_and_get(peer, index, tries):
    """Our own client over the raw link: a SYN (sent at most tries times,
    a second apart), the ACK, a request; the page whole, or None."""
    sport, iss = random.randint(20000, 60000), random.getrandbits(32)
    syn_ack = None
    for _ in range(tries):
        peer.send_tcp(sport, 80, iss, 0, pk.TCP_SYN)
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            seg = peer.recv_tcp(sport, deadline - time.monotonic())
            if seg and seg[6] & pk.TCP_SYN:
                syn_ack = seg
                break
        if syn_ack:
            break
    if not syn_ack:
        return None
    seq, ack = iss + 1, syn_ack[4] + 1
    req = b"GET /index.html HTTP/1.1\r\nHost: g\r\n\r\n"
    peer.send_tcp(sport, 80, seq, ack, pk.TCP_ACK | pk.TCP_PSH, req)
    data, deadline = b"", time.monotonic() + 10
    while time.monotonic() < deadline and not data.endswith(index):
        seg = peer.recv_tcp(sport, deadline - time.monotonic())
        if seg is None:
            break
        if seg[4] == ack + len(data) and seg[8]:
            data += seg[8]
        peer.send_tcp(sport, 80, seq + len(req), ack + len(data),
                      pk.TCP_ACK)
    peer.send_tcp(sport, 80, seq + len(req), ack + len(data), pk.TCP_RST)
    return data


def case_synflood(link, index):
    """A steady flood keeps the backlog full of half-open connections
    (lwIP keeps each 20 s); meanwhile a client of ours must get in with
    one of its first four SYNs (a SYN cookie: without one, every SYN past
    a full backlog goes unanswered, the half-open ones being all younger
    than the second after which the oldest would make room) and be
    served. Then a burst as fast as the host sends."""
    peer = pk.FakePeer(link, FAKE_PEER, GUEST)
    peer.announce()
    stop = threading.Event()
    flood = threading.Thread(target=syn_flood, args=(10**7, 1000, stop))
    flood.start()
    try:
        time.sleep(3)
        data = handshake_and_get(peer, index, 4)
    finally:
        stop.set()
        flood.join()
    check(bool(data) and data.startswith(b"HTTP/1.1 200") and
          data.endswith(index), f"synflood: a client gets in and is served "
          f"during a flood ({len(data or b'')} bytes)")
    print(f"synflood: {syn_flood(20000)} more SYNs sent", flush=True)


def case_slowread(index):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(30)
    s.connect((GUEST, 80))
    s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: g\r\n\r\n")
    got = 0
    for i in range(12):
        got += len(s.recv(1))
        time.sleep(1)
        if i % 4 == 3:
            probe(index, f"while a client reads a byte a second ({got})")
    s.close()


def case_frames(link):
    # The tap takes frames up to its MTU: up to 9,000 bytes for these.
    subprocess.run(["ip", "link", "set", TAP, "mtu", "9000"], check=True)
    guest_mac = b"\xff" * 6
    src_mac = link.mac
    frames = []
    # Larger than the MTU: 2,000 to 9,000 bytes, a TCP/IP header that
    # says so and one that says 1500.
    for size in (1515, 1600, 2000, 4096, 9000):
        payload = os.urandom(size - 14 - 40)
        seg = pk.tcp(HOST, GUEST, 40000, 80, 1, 0, pk.TCP_ACK, payload)
        frames.append(pk.eth(guest_mac, src_mac, pk.ETH_P_IP,
                             pk.ipv4(HOST, GUEST, 6, seg)))
        frames.append(pk.eth(guest_mac, src_mac, pk.ETH_P_IP,
                             pk.ipv4(HOST, GUEST, 6, seg, total=1500)))
    # Truncated: cut headers, lengths that promise more than there is.
    good = pk.eth(guest_mac, src_mac, pk.ETH_P_IP, pk.ipv4(
        HOST, GUEST, 6, pk.tcp(HOST, GUEST, 40001, 80, 1, 0, pk.TCP_SYN)))
    for cut in (1, 6, 13, 14, 15, 20, 33, 34, 35, 40, 47, 53):
        frames.append(good[:cut])
    for lie in (0, 19, 21, 60, 1500, 65535):
        frames.append(pk.eth(guest_mac, src_mac, pk.ETH_P_IP, pk.ipv4(
            HOST, GUEST, 6, pk.tcp(HOST, GUEST, 40002, 80, 1, 0,
                                   pk.TCP_SYN), total=lie)))
    bad_ihl = bytearray(good)
    bad_ihl[14] = 0x4f                  # IHL 60 bytes, beyond the frame
    frames.append(bytes(bad_ihl))
    # Random bytes, some with an IPv4 or ARP type.
    rng = random.Random(7)
    for i in range(2000):
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))
        kind = (pk.ETH_P_IP, pk.ETH_P_ARP, 0x86dd, rng.getrandbits(16))[i % 4]
        frames.append(pk.eth(guest_mac, src_mac, kind, body))
    sent = 0
    for f in frames:
        try:
            link.send(f)
            sent += 1
        except OSError:
            pass                # the tap refused it: nothing reached
    print(f"frames: {sent} of {len(frames)} sent", flush=True)


def case_fragments(guest):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    before = guest.memory()
    payload = os.urandom(1480)
    for i in range(5000):
        d = pk.ipv4(HOST, GUEST, 17, payload, ident=i, more=True)
        raw.sendto(d, (GUEST, 0))
        if i % 5 == 0:          # a middle piece of another datagram
            raw.sendto(pk.ipv4(HOST, GUEST, 17, payload, ident=40000 + i,
                               frag=1480, more=True), (GUEST, 0))
    raw.close()
    print("fragments: 5,000 first and 1,000 middle fragments sent",
          flush=True)
    return before


def case_tcpcheck(link, index):
    peer = pk.FakePeer(link, FAKE_PEER, GUEST)
    peer.announce()
    sport, iss = random.randint(20000, 60000), random.getrandbits(32)
    peer.send_tcp(sport, 80, iss, 0, pk.TCP_SYN)
    syn_ack = None
    for _ in range(3):
        syn_ack = peer.recv_tcp(sport, 5)
        if syn_ack and syn_ack[6] & pk.TCP_SYN:
            break
        peer.send_tcp(sport, 80, iss, 0, pk.TCP_SYN)
    if not syn_ack or not syn_ack[6] & pk.TCP_SYN:
        check(False, "tcpcheck: the guest answered our SYN")
        return
    seq, ack = iss + 1, syn_ack[4] + 1
    peer.send_tcp(sport, 80, seq, ack, pk.TCP_ACK)
    req = b"GET /index.html HTTP/1.1\r\nHost: g\r\n\r\n"

    def answer_within(t):
        """Data from the guest within t s (ACKs of ours are not)."""
        deadline = time.monotonic() + t
        while time.monotonic() < deadline:
            seg = peer.recv_tcp(sport, deadline - time.monotonic())
            if seg is None:
                return None
            if seg[8]:
                return seg
        return None
    peer.send_tcp(sport, 80, seq, ack, pk.TCP_ACK | pk.TCP_PSH, req,
                  bad_csum=True)
    check(answer_within(3) is None,
          "tcpcheck: a request with a bad TCP checksum is not taken")
    peer.send_tcp(sport, 80, seq + 5000000, ack, pk.TCP_ACK | pk.TCP_PSH,
                  req)
    check(answer_within(3) is None,
          "tcpcheck: a request out of the window is not taken")
    peer.send_tcp(sport, 80, seq + 5000000, 0, pk.TCP_RST)
    peer.send_tcp(sport, 80, seq, ack, pk.TCP_ACK | pk.TCP_PSH, req)
    data, deadline = b"", time.monotonic() + 10
    while time.monotonic() < deadline and not data.endswith(index):
        seg = answer_within(deadline - time.monotonic())
        if seg is None:
            break
        if seg[4] == ack + len(data):
            data += seg[8]
        peer.send_tcp(sport, 80, seq + len(req), ack + len(data),
                      pk.TCP_ACK)
    check(data.startswith(b"HTTP/1.1 200") and data.endswith(index),
          f"tcpcheck: after an out-of-window RST the connection still "
          f"serves the real request ({len(data)} bytes)")
    peer.send_tcp(sport, 80, seq + len(req), ack + len(data), pk.TCP_RST)


CASES = ("idle", "synflood", "slowread", "frames", "fragments", "tcpcheck",
         "ptb")


def packet_too_big(mtu):
    """An ICMPv6 Packet Too Big from the host saying (mtu) for the
    guest's packets to the host (Linux sums raw ICMPv6 itself)."""
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                        socket.IPPROTO_ICMPV6)
    # The start of the packet that was "too big": an IPv6 header from
    # the guest to us, then TCP.
    inner_ip6 = (struct.pack("!IHBB", 6 << 28, 20, 6, 64)
                 + socket.inet_pton(socket.AF_INET6, GUEST6)
                 + socket.inet_pton(socket.AF_INET6, HOST6))
    msg = struct.pack("!BBHI", 2, 0, 0, mtu) + inner_ip6 + bytes(20)
    raw.sendto(msg, (GUEST6, 0))
    raw.close()


def case_ptb(index, mid):
    # Our side of the tap takes 9,000 bytes (so our clients offer an MSS
    # that large); the guest's link stays at 1,500. It learns of us as
    # a destination (a path MTU is kept only for one), then is told its
    # packets to us are too big.
    subprocess.run(["ip", "link", "set", TAP, "mtu", "9000"], check=True)
    probe(index, "IPv6 before Packet Too Big", (GUEST6, 80))
    packet_too_big(40)
    time.sleep(0.5)
    probe(index, "IPv6 after a Packet Too Big of 40 bytes", (GUEST6, 80))
    packet_too_big(9000)
    time.sleep(0.5)
    probe(mid, "IPv6 after a Packet Too Big of 9,000 bytes", (GUEST6, 80),
          "/mid.bin")


def inner(args):
    work = tempfile.mkdtemp(prefix="toro-hostile-")
    try:
        site = os.path.join(work, "site")
        index, mid = make_site(site)
        guest = gdbguest.GdbGuest(
            args.elf, ["--accel", "tcg", "--smp", "2", "--mem",
                       str(args.mem), "--fs", site, "--tap", TAP,
                       "--append", f"{GUEST_APPEND} ip6={GUEST6}"],
            ["--timeout", "10", "--quit-path", QUIT_PATH], work, timeout=1800)
        if not guest.wait_line(r"^webserver: serving", 120):
            print("FAIL the web server did not start:\n" + guest.console())
            guest.kill()
            return 1
        link = pk.Link(TAP)
        probe(index, "before anything")
        for case in args.only:
            print(f"--- {case}", flush=True)
            if case == "idle":
                case_idle(guest, index)
            elif case == "synflood":
                case_synflood(link, index)
                probe(index, "after a SYN flood")
            elif case == "slowread":
                case_slowread(index)
                probe(index, "after the slow reader")
            elif case == "frames":
                case_frames(link)
                probe(index, "after oversized, truncated and random "
                      "frames")
            elif case == "fragments":
                before = case_fragments(guest)
                probe(index, "after fragments that never complete")
                time.sleep(20)      # lwIP's reassembly time-out: 15 s
                after = guest.memory()
                if before and after:
                    grew = (before["pages_free"] - after["pages_free"])
                    check(grew <= 64, f"fragments: memory back after the "
                          f"reassembly time-out ({grew:+d} pages)")
                else:
                    check(False, "fragments: gdb read the memory")
            elif case == "tcpcheck":
                case_tcpcheck(link, index)
                probe(index, "after the bad segments")
            elif case == "ptb":
                case_ptb(index, mid)
        link.close()
        e = ask_to_quit((GUEST, 80))
        if e:
            print(f"asking the server to exit: {e}")
        status = guest.wait(120)
        console = guest.console(400)
        faults = re.findall(r"^.*(panic|fault|out of memory|assert).*$",
                            console, re.M | re.I)
        check(status == 0 and not faults, f"the server exits 0 with no "
              f"fault (status {status}{', ' + faults[0] if faults else ''})")
        if status != 0 or faults:
            print(guest.console(60))
        return 0 if all(results) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("elf", nargs="?")
    p.add_argument("--mem", type=int, default=128)
    p.add_argument("--only", default=",".join(CASES))
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.only = args.only.split(",")
    bad = [c for c in args.only if c not in CASES]
    if bad:
        p.error(f"unknown case {bad[0]!r} (cases: {', '.join(CASES)})")
    build = os.environ.get("TORO_BUILD", os.path.join(ROOT, "build"))
    args.elf = os.path.abspath(args.elf or os.path.join(build,
                                                        "webserver.elf"))
    if args.inner:
        return inner(args)
    if os.geteuid() != 0:
        print("FAIL hostile: needs root (network namespace, tap, raw "
              "sockets)")
        return 1
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner", args.elf, "--mem", str(args.mem),
                             "--only", ",".join(args.only)], timeout=2400,
                            name="toro_hostile")


if __name__ == "__main__":
    sys.exit(main())
