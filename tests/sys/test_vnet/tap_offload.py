#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checksum and segmentation offload on a device that offers them: QEMU's
tap backend (slirp, which the TEST cases use, offers none).

Usage (root): tests/sys/test_vnet/tap_offload.py [ELF] [--machine M]
ELF defaults to $TORO_BUILD/tests/test_net.elf (the TCP/UDP echo server of
tests/sys/test_net). Prints PASS/FAIL lines; exit status 0 only if all pass.

It makes a network namespace of its own with a tap device (10.9.0.1; the
guest is 10.9.0.2, static), boots the guest inside it and deletes the
namespace at the end: nothing outside the namespace is touched. Then:
  - the guest must say it uses TX and RX checksum offload and TSO;
  - 4 MiB TCP echoed byte for byte, and UDP datagrams of up to 2000 bytes
    (IP fragments both ways, which must not use offload) come back;
  - every TCP frame the guest sent, captured on the tap, must carry a
    partial checksum that, completed as a device completes NEEDS_CSUM
    (ones' complement sum from the TCP header to the end), gives a valid
    TCP checksum over the pseudo-header. This is the check that matters:
    the host kernel trusts partial checksums from a tap without verifying
    them, so a wrong pseudo-header sum would pass the echo unnoticed;
  - the guest's SYN-ACK must carry the window scale option;
  - some of those frames must be larger than the MTU: segments the guest
    put together for the device to cut again (TSO), each still with its
    IP length equal to the frame's; the echo's segments are big ones
    (net/tcp_big.c), and none has an urgent pointer without URG (their
    mark for the device's MSS must not leave the guest);
  - the guest takes large receive (GUEST_TSO4/6): some of the host's
    frames to it are larger than the MTU, and the echo is still whole;
  - the echo's received bytes are copied once, into the application:
    the frames stay in the device's buffers, lent to the stack (the
    kernel's toro.netstats count);
  - a file the web server sends by sendfile() from the initrd is not
    copied on its way to the device, in big segments (the kernel's
    toro.netstats counts);
  - IPv6: the web server's one listener ([::]) serves a 4 MiB file over
    IPv6 (static ip6=) byte for byte, every IPv6 TCP frame with a right
    partial checksum, some larger than the MTU (TSO6), a page over the link-local address the guest
    reports, and a page over IPv4.
"""
import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from inet import checksum, ones_sum  # noqa: E402
from netns import GUEST, GUEST6, HOST, run_in_namespace  # noqa: E402
TCP_BYTES = 4 << 20
SOL_PACKET, PACKET_VNET_HDR, VNET_HDR_LEN = 263, 15, 10
results = []


def from_guest(f):
    """Whether Ethernet frame (f) is an IPv4 or IPv6 packet from the
    guest."""
    if f[12:14] == b"\x08\x00":
        return f[26:30] == socket.inet_aton(GUEST)
    return (f[12:14] == b"\x86\xdd" and
            f[22:38] == socket.inet_pton(socket.AF_INET6, GUEST6))


def check(ok, what):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what, flush=True)


def has_option(opts, kind):
    """Whether TCP options (opts) hold one of (kind)."""
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if opts[i] == kind:
            return True
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            return False
        i += opts[i + 1]
    return False


class Capture(threading.Thread):
    """The guest's TCP frames on tap0 (over IPv6 if v6), checked as the
    docstring says."""

    def __init__(self, v6=False):
        super().__init__(daemon=True)
        self.v6 = v6
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(3))
        # Each frame comes after its virtio-net header (PACKET_VNET_HDR),
        # which says what size the host is asked to cut it at.
        self.sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        self.sock.bind(("tap0", 0))
        self.sock.settimeout(0.2)
        self.stop, self.good, self.bad = False, 0, 0
        self.large, self.largest = 0, 0
        self.syn_wscale = None
        self.large_in = 0       # the host's frames to the guest > MTU
        self.urgent = 0         # with an urgent pointer but no URG flag
        self.cut_over_mss = 0   # the guest's frames > MTU cut > the MSS

    def segment(self, f):
        """(TCP segment, pseudo-header) of IPv6 frame (f) from the guest,
        or None."""
        if (len(f) < 74 or f[12:14] != b"\x86\xdd" or f[20] != 6 or
                f[22:38] != socket.inet_pton(socket.AF_INET6, GUEST6)):
            return None
        plen = struct.unpack("!H", f[18:20])[0]
        if 54 + plen != len(f):
            self.bad += 1
            return None
        if plen + 40 > 1500:
            self.large += 1
        seg = bytearray(f[54:54 + plen])
        return seg, f[22:54] + struct.pack("!I3xB", plen, 6)

    def run(self):
        while not self.stop:
            try:
                f = self.sock.recv(65536 + VNET_HDR_LEN)
            except socket.timeout:
                continue
            gso_size = struct.unpack("<H", f[4:6])[0]
            f = f[VNET_HDR_LEN:]
            v4 = f[12:14] == b"\x08\x00"
            if (len(f) > 1514 and from_guest(f) and
                    not 0 < gso_size <= (1460 if v4 else 1440)):
                self.cut_over_mss += 1
            if self.v6:
                got = self.segment(f)
                if got:
                    self.verify(*got)
                continue
            if (len(f) > 1514 and f[12:14] == b"\x08\x00" and
                    f[30:34] == socket.inet_aton(GUEST)):
                self.large_in += 1
            if (len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6 or
                    f[26:30] != socket.inet_aton(GUEST)):
                continue
            ihl, tot = (f[14] & 15) * 4, struct.unpack("!H", f[16:18])[0]
            if 14 + tot != len(f):
                self.bad += 1
                continue
            if tot > 1500:
                self.large += 1
                self.largest = max(self.largest, tot)
            seg = bytearray(f[14 + ihl:14 + tot])
            if seg[13] & 0x02:  # SYN: does it offer window scaling?
                self.syn_wscale = has_option(bytes(seg[20:(seg[12] >> 4) * 4]), 3)
            self.verify(seg, f[26:34] + struct.pack("!HH", 6, len(seg)))

    def verify(self, seg, pseudo):
        """Completes the partial checksum of (seg) as a device does and
        checks it over (pseudo); counts an urgent pointer without URG
        (the mark of a big segment, which must not leave the guest)."""
        if not seg[13] & 0x20 and seg[18:20] != b"\0\0":
            self.urgent += 1
        seg[16:18] = struct.pack("!H", checksum(bytes(seg)))
        if ones_sum(pseudo + bytes(seg)) == 0xffff:
            self.good += 1
        else:
            self.bad += 1


def boot(elf, machine, mode):
    env = dict(os.environ, TORO_BUILD=os.environ.get("TORO_BUILD", "build"))
    p = subprocess.Popen(
        [os.path.join(ROOT, "toro"), "run", elf, "--machine", machine,
         "--tap", "tap0", "--timeout", "180",
         "--append", f"ip={GUEST}/24 gw={HOST} toro.log=info toro.netstats",
         "--", mode],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if line.startswith("listening"):
            break
    return p, lines


def finish(p, lines):
    out, _ = p.communicate(timeout=200)
    return "".join(lines) + out, p.returncode


def tcp_case(elf, machine):
    p, lines = boot(elf, machine, "tcp")
    cap = Capture()
    cap.start()
    s = socket.create_connection((GUEST, 7), timeout=60)
    sent, got, n = hashlib.sha256(), hashlib.sha256(), 0

    def writer():
        block = bytearray(64 * 1024)
        for done in range(0, TCP_BYTES, len(block)):
            for i in range(0, len(block), 4):
                block[i:i + 4] = (done + i).to_bytes(4, "little")
            s.sendall(block)
            sent.update(block)
        s.shutdown(socket.SHUT_WR)

    w = threading.Thread(target=writer)
    w.start()
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got.update(b)
        n += len(b)
    w.join()
    s.close()
    out, rc = finish(p, lines)
    time.sleep(0.3)
    cap.stop = True
    cap.join()
    check("tx csum offload, rx csum offload" in out and
          ", tso4 zero-copy, tso6, large receive" in out,
          "guest uses TX and RX checksum offload, TSO without a copy and "
          "large receive")
    check(n == TCP_BYTES and sent.digest() == got.digest() and rc == 0,
          f"TCP echo of {TCP_BYTES} bytes (got {n}, guest exit {rc})")
    check(cap.good > 0 and cap.bad == 0,
          f"guest TCP frames with a correct partial checksum: {cap.good} "
          f"good, {cap.bad} bad")
    check(cap.urgent == 0,
          f"guest TCP frames with an urgent pointer but no URG flag (a big "
          f"segment's mark): {cap.urgent}")
    check(cap.cut_over_mss == 0,
          f"guest frames larger than the MTU the host is asked to cut at "
          f"more than the MSS (1460), or not at all: {cap.cut_over_mss}")
    check(big_segments(out) > 0,
          f"the echo went in big TCP segments: {big_segments(out)}")
    check(cap.syn_wscale is True,
          "guest's SYN-ACK offers window scaling (the host's SYN did)")
    check(cap.large > 0,
          f"guest TCP frames larger than the MTU (TSO): {cap.large}, "
          f"the largest {cap.largest} bytes of IP")
    check(cap.large_in > 0,
          f"host TCP frames to the guest larger than the MTU (large "
          f"receive): {cap.large_in}")
    import re
    m = re.search(r"received (\d+) B, .*?\((\d+) B of frames copied from "
                  r"device buffers, (\d+) B kept in them", out)
    got_b, copied, kept = (int(g) for g in m.groups()) if m else (0, 0, 0)
    check(m is not None and got_b >= TCP_BYTES and copied <= got_b // 10
          and kept >= got_b,
          f"received bytes copied once, into the application: the frames "
          f"stay in the device's buffers (toro.netstats: "
          f"{m.group(0) if m else out[-500:]})")
    if rc or "warning" in out:
        print(out)


def big_segments(out):
    """TCP segments the guest made big (toro.netstats), or -1."""
    import re
    m = re.search(r"(\d+) TCP segments big", out)
    return int(m.group(1)) if m else -1


def udp_case(elf, machine):
    p, lines = boot(elf, machine, "udp")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    ok = True
    for n in (5, 1400, 1472, 2000):
        d = bytes((i * 7) & 255 for i in range(n))
        s.sendto(d, (GUEST, 7))
        try:
            ok = ok and s.recvfrom(4096)[0] == d
        except socket.timeout:
            ok = False
    s.sendto(b"quit", (GUEST, 7))
    out, rc = finish(p, lines)
    check(ok and rc == 0, "UDP echo of 5 to 2000 bytes (fragmented)")


def boot_webserver(machine, site, append, extra=()):
    """examples/webserver on the tap with the files of (site) and kernel
    options (append) besides the address, and `toro run` options (extra),
    once it serves (/quit ends it): (process, its lines so far)."""
    elf = os.path.join(ROOT, os.environ.get("TORO_BUILD", "build"),
                       "webserver.elf")
    p = subprocess.Popen(
        [os.path.join(ROOT, "toro"), "run", elf, "--machine", machine,
         *extra, "--tap", "tap0", "--timeout", "180", "--initrd", site,
         "--append", f"ip={GUEST}/24 gw={HOST} {append}", "--",
         "--quit-path", "/quit"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    lines = []
    for line in p.stdout:
        lines.append(line)
        if "serving" in line:
            break
    return p, lines


def webserver_case(machine):
    """A file from the initrd, served by examples/webserver with sendfile(),
    must reach the device without a copy: TCP's segments point at the
    initrd's bytes, which the device reads in place (the kernel's
    toro.netstats line)."""
    import re
    import tempfile
    with tempfile.TemporaryDirectory() as site:
        data = bytes((i * 31) & 255 for i in range(4 << 20))
        with open(os.path.join(site, "big.bin"), "wb") as f:
            f.write(data)
        p, lines = boot_webserver(machine, site, "toro.netstats")
        got = b""
        with socket.create_connection((GUEST, 80), timeout=60) as s:
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: g\r\n\r\n")
            while len(got) < len(data) + 200:
                b = s.recv(1 << 16)
                if not b:
                    break
                got += b
                if got.endswith(data):
                    break
            s.sendall(b"GET /quit HTTP/1.1\r\nHost: g\r\n\r\n")
            s.recv(1000)
        out, rc = finish(p, lines)
    check(got.endswith(data), "the web server sent the 4 MiB file whole")
    m = re.search(r"TCP sent (\d+) B, ([\d.]+) copies a byte .*?; (\d+) B "
                  r"of frames read in place", out)
    copies = float(m.group(2)) if m else None
    in_place = int(m.group(3)) if m else 0
    check(m is not None and copies <= 0.1 and in_place >= len(data) * 0.9,
          f"file bytes not copied on their way to the device: "
          f"{m.group(0) if m else out[-500:]}")
    # Big segments: 16 of the peer's MSS each (net/tcp_big.c), so the 4
    # MiB went in some 200 where 1,460-byte ones would be 2,873.
    check(0 < big_segments(out) < len(data) // 1460 // 4,
          f"the file went in big TCP segments: {big_segments(out)}")


def http_get(addr, path, want):
    """The body of GET (path) from (addr), a (host, port[, flow, scope])
    tuple, once (want) bytes of it have come; b"" on failure."""
    family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
    got = b""
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(60)
            s.connect(addr)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: g\r\n\r\n".encode())
            while b"\r\n\r\n" not in got or \
                    len(got.split(b"\r\n\r\n", 1)[1]) < want:
                b = s.recv(1 << 16)
                if not b:
                    break
                got += b
    except OSError as e:
        print(f"GET {path} from {addr}: {e}")
        return b""
    return got.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in got else b""


def ipv6_case(machine):
    """The web server over IPv6 on the tap: static and link-local
    addresses, checksum offload of IPv6 TCP, IPv4 on the same listener."""
    import re
    import tempfile
    with tempfile.TemporaryDirectory() as site:
        data = bytes((i * 29) & 255 for i in range(4 << 20))
        with open(os.path.join(site, "big.bin"), "wb") as f:
            f.write(data)
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write("hello over ipv6\n")
        p, lines = boot_webserver(machine, site,
                                  f"ip6={GUEST6} toro.log=info")
        cap = Capture(v6=True)
        cap.start()
        big = http_get((GUEST6, 80), "/big.bin", len(data))
        ll = re.search(r"net: \S+: (fe80::[0-9a-f:]+)/64", "".join(lines))
        page = (http_get((ll.group(1), 80, 0, socket.if_nametoindex("tap0")),
                         "/", 16) if ll else b"")
        page4 = http_get((GUEST, 80), "/", 16)
        http_get((GUEST6, 80), "/quit", 0)
        out, rc = finish(p, lines)
        cap.stop = True
        cap.join()
    check(f"{GUEST6}/64" in out,
          "the guest reports its static IPv6 address")
    check(big == data, f"a 4 MiB file over IPv6 ({len(big)} bytes)")
    check(cap.good > 0 and cap.bad == 0,
          f"guest IPv6 TCP frames with a correct partial checksum: "
          f"{cap.good} good, {cap.bad} bad")
    check(cap.large > 0,
          f"guest IPv6 TCP frames larger than the MTU (TSO6): {cap.large}")
    check(cap.urgent == 0,
          f"guest IPv6 TCP frames with an urgent pointer but no URG flag: "
          f"{cap.urgent}")
    check(cap.cut_over_mss == 0,
          f"guest IPv6 frames larger than the MTU the host is asked to cut "
          f"at more than the MSS (1440), or not at all: {cap.cut_over_mss}")
    check(page == b"hello over ipv6\n",
          f"a page over the link-local address {ll.group(1) if ll else None}")
    check(page4 == b"hello over ipv6\n", "the same listener serves IPv4")
    if rc:
        print(out[-2000:])


def inner(elf, machine):
    tcp_case(elf, machine)
    udp_case(elf, machine)
    webserver_case(machine)
    ipv6_case(machine)
    return 0 if all(results) else 1


def main():
    args = sys.argv[1:]
    machine = "microvm"
    if "--machine" in args:
        i = args.index("--machine")
        machine = args[i + 1]
        del args[i:i + 2]
    if args[:1] == ["--inner"]:
        return inner(args[1], machine)
    build = os.environ.get("TORO_BUILD", "build")
    elf = os.path.abspath(args[0] if args else
                          os.path.join(ROOT, build, "tests", "test_net.elf"))
    if os.geteuid() != 0:
        print("FAIL tap_offload: needs root (network namespace, tap)")
        return 1
    return run_in_namespace([sys.executable, os.path.abspath(__file__),
                             "--inner", elf, "--machine", machine],
                            timeout=900, name="toro_vnet")


if __name__ == "__main__":
    sys.exit(main())
