#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host peer of test_ping: the guest's Ethernet neighbour 10.0.3.1.

The runner (`net: udp-link`) put the guest's virtio-net on a UDP tunnel:
every datagram between 127.0.0.1:TEST_LINK_PORT (ours) and
127.0.0.1:TEST_GUEST_LINK_PORT (QEMU's) is one Ethernet frame. So this
script builds and parses the frames itself (ARP, IPv4, ICMP, UDP) with
the standard library only, and checks what the guest's stack does:

  1. an echo request before the guest knows our MAC: the guest must ARP
     for 10.0.3.1 (a well-formed broadcast request), and we answer;
  2. ARP requests from us: one for an address that is not the guest's
     (ignored), then one for 10.0.3.2, whose reply must carry the guest's
     MAC (QEMU's default: the test runs without --mac);
  3. echo requests of 0 to 3000 bytes of payload, the large ones as IP
     fragments (in order and last-first) that the guest must reassemble,
     its replies fragmented in turn; each reply must have valid IP and
     ICMP checksums, our addresses swapped, the request's identifier and
     sequence number and the same payload byte for byte;
  4. a request with a wrong ICMP checksum, which must get no reply;
  5. "quit" over UDP to port 7, resent until the guest's "bye" comes.

Each wait is bounded (a few tries of WAIT seconds); any failure ends the
script with one "FAIL: ..." line and exit status 1, which fails the test
and stops the guest.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", ".."))
from inet import checksum  # noqa: E402

GUEST_IP = socket.inet_aton("10.0.3.2")
PEER_IP = socket.inet_aton("10.0.3.1")
NOBODY_IP = socket.inet_aton("10.0.3.99")
PEER_MAC = bytes.fromhex("020000000301")       # locally administered
GUEST_MAC = bytes.fromhex("525400123456")      # QEMU's default MAC
BROADCAST = b"\xff" * 6
ETH_IP, ETH_ARP = 0x0800, 0x0806
PROTO_ICMP, PROTO_UDP = 1, 17
MTU = 1500
WAIT = 5            # seconds for one answer; TCG on a busy host is slow
TRIES = 3
QUIT_PORT, OUR_UDP_PORT = 7, 40007


class Fail(Exception):
    pass


def ip_addr(raw):
    return socket.inet_ntoa(raw)


# --- building frames --------------------------------------------------------

def ethernet(dst, ethertype, payload):
    # Padded to Ethernet's 60-byte minimum, as a real NIC would: the guest
    # must go by the IP total length, not the frame's.
    frame = dst + PEER_MAC + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * (60 - len(frame))


def arp(op, tha, tpa, sha=PEER_MAC, spa=PEER_IP):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_IP, 6, 4, op, sha, spa,
                       tha, tpa)


def ip_header(length, ident, frag, proto, src=PEER_IP, dst=GUEST_IP):
    """A 20-byte IPv4 header; frag: the flags and offset field."""
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, ident, frag,
                       64, proto, 0, src, dst)
    return head[:10] + struct.pack("!H", checksum(head)) + head[12:]


def ip_packets(ident, proto, payload, last_first=False):
    """The IP packets carrying payload: one, or fragments of at most MTU
    bytes (offsets in 8-byte units, More Fragments on all but the last)."""
    step = (MTU - 20) // 8 * 8
    pieces = [payload[i:i + step] for i in range(0, len(payload), step)]
    pieces = pieces or [b""]
    out = []
    for n, piece in enumerate(pieces):
        more = 0x2000 if n < len(pieces) - 1 else 0
        frag = more | (n * step // 8)
        out.append(ip_header(len(piece), ident, frag, proto) + piece)
    return out[::-1] if last_first else out


def icmp_echo(ident, seq, payload, good=True):
    head = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    csum = checksum(head + payload)
    if not good:
        csum ^= 0x5a5a
    return head[:2] + struct.pack("!H", csum) + head[4:] + payload


def udp(sport, dport, payload, src=PEER_IP, dst=GUEST_IP):
    length = 8 + len(payload)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, PROTO_UDP, length)
    head = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(pseudo + head + payload) or 0xffff  # 0 means "none"
    return head[:6] + struct.pack("!H", csum) + payload


# --- the link ----------------------------------------------------------------

class Link:
    """Our end of the tunnel: frames out, whole IP datagrams and ARP
    packets in, the guest's ARP requests for us answered on the way."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", int(os.environ["TEST_LINK_PORT"])))
        self.guest = ("127.0.0.1", int(os.environ["TEST_GUEST_LINK_PORT"]))
        self.arp_requests = 0   # the guest's requests for PEER_IP
        self.partial = {}       # (proto, ident) -> {offset: (data, more)}
        self.pieces = 0         # fragments of the last datagram received
        self.log = []

    def send(self, frame):
        self.sock.sendto(frame, self.guest)

    def send_ip(self, ident, proto, payload, last_first=False):
        for packet in ip_packets(ident, proto, payload, last_first):
            self.send(ethernet(GUEST_MAC, ETH_IP, packet))

    def receive(self, deadline):
        """The next ("arp", fields) or ("ip", proto, ident, payload) from
        the guest, or None at the deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                frame = self.sock.recv(65536)
            except socket.timeout:
                return None
            got = self.frame(frame)
            if got:
                return got

    def frame(self, frame):
        if len(frame) < 14:
            raise Fail(f"a frame of {len(frame)} bytes from the guest")
        dst, src, kind = struct.unpack("!6s6sH", frame[:14])
        if src != GUEST_MAC:
            raise Fail(f"a frame from MAC {src.hex(':')}, not the guest's "
                       f"{GUEST_MAC.hex(':')}")
        if kind == ETH_ARP:
            return self.arp(dst, frame[14:])
        if kind != ETH_IP:
            self.log.append(f"ignored a frame of type {kind:#06x}")
            return None
        if dst != PEER_MAC:
            raise Fail(f"an IP frame to {dst.hex(':')}, not to our MAC "
                       f"{PEER_MAC.hex(':')}")
        return self.ip(frame[14:])

    def arp(self, dst, body):
        if len(body) < 28:
            raise Fail(f"an ARP packet of {len(body)} bytes")
        (htype, ptype, hlen, plen, op, sha, spa, tha,
         tpa) = struct.unpack("!HHBBH6s4s6s4s", body[:28])
        if (htype, ptype, hlen, plen) != (1, ETH_IP, 6, 4):
            raise Fail(f"ARP for hardware {htype}, protocol {ptype:#x}, "
                       f"lengths {hlen}/{plen}: not Ethernet/IPv4")
        if sha != GUEST_MAC or spa != GUEST_IP:
            raise Fail(f"ARP from {sha.hex(':')} {ip_addr(spa)}, not the "
                       "guest's MAC and address")
        if op == 1 and tpa == PEER_IP:
            if dst != BROADCAST:
                raise Fail(f"the guest's ARP request went to {dst.hex(':')}"
                           ", not broadcast")
            self.arp_requests += 1
            self.send(ethernet(GUEST_MAC, ETH_ARP, arp(2, GUEST_MAC,
                                                       GUEST_IP)))
            return None
        if op == 1 and tpa == spa:
            self.log.append("the guest announced itself (gratuitous ARP)")
            return None
        return ("arp", dict(op=op, dst=dst, sha=sha, spa=spa, tha=tha,
                            tpa=tpa))

    def ip(self, packet):
        if len(packet) < 20:
            raise Fail(f"an IP packet of {len(packet)} bytes")
        (vihl, _, total, ident, frag, _, proto, _, src,
         dst) = struct.unpack("!BBHHHBBH4s4s", packet[:20])
        hlen = (vihl & 15) * 4
        if vihl >> 4 != 4 or hlen < 20 or total < hlen or total > len(packet):
            raise Fail(f"a bad IP header: version/IHL {vihl:#x}, total "
                       f"length {total} in {len(packet)} bytes")
        if total > MTU:
            raise Fail(f"an IP packet of {total} bytes, over the MTU {MTU}")
        if checksum(packet[:hlen]):
            raise Fail(f"IP header checksum wrong (id {ident:#x}): "
                       f"{packet[:hlen].hex()}")
        if src != GUEST_IP or dst != PEER_IP:
            raise Fail(f"IP from {ip_addr(src)} to {ip_addr(dst)}, not "
                       "10.0.3.2 to 10.0.3.1")
        data = packet[hlen:total]
        more, offset = frag & 0x2000, (frag & 0x1fff) * 8
        if not more and not offset:
            self.pieces = 1
            return ("ip", proto, ident, data)
        return self.reassemble(proto, ident, offset, data, more)

    def reassemble(self, proto, ident, offset, data, more):
        if more and len(data) % 8:
            raise Fail(f"a fragment (id {ident:#x}) of {len(data)} bytes, "
                       "not a multiple of 8")
        parts = self.partial.setdefault((proto, ident), {})
        parts[offset] = (data, more)
        # Whole when the pieces run from 0 without a gap to one without MF.
        whole, at = b"", 0
        while at in parts:
            piece, piece_more = parts[at]
            whole += piece
            at += len(piece)
            if not piece_more:
                self.pieces = len(parts)
                del self.partial[(proto, ident)]
                return ("ip", proto, ident, whole)
        return None


# --- the checks --------------------------------------------------------------

def payload_for(seq, size):
    return bytes((seq * 31 + i * 7 + (i >> 8)) & 0xff for i in range(size))


def ping(link, ident, seq, size, last_first=False, done=()):
    """Echo request (ident, seq) with size bytes; check its reply. done:
    (ident, seq) of earlier requests, whose late duplicates are let by."""
    payload = payload_for(seq, size)
    what = f"echo id {ident:#x} seq {seq}, {size} bytes"
    for attempt in range(TRIES):
        link.send_ip((0x100 + seq * 4 + attempt) & 0xffff, PROTO_ICMP,
                     icmp_echo(ident, seq, payload), last_first)
        deadline = time.monotonic() + WAIT
        while True:
            got = link.receive(deadline)
            if got is None:
                break
            if got[0] != "ip" or got[1] != PROTO_ICMP:
                link.log.append(f"ignored {got[0]} {got[1:2]} during {what}")
                continue
            msg = got[3]
            if len(msg) < 8:
                raise Fail(f"{what}: an ICMP message of {len(msg)} bytes")
            kind, code, _, rid, rseq = struct.unpack("!BBHHH", msg[:8])
            if checksum(msg):
                raise Fail(f"{what}: the reply's ICMP checksum is wrong")
            if (kind, code) != (0, 0):
                raise Fail(f"{what}: ICMP type {kind} code {code}, not an "
                           "echo reply")
            if (rid, rseq) in done:
                continue        # a late answer to an earlier request
            if (rid, rseq) != (ident, seq):
                raise Fail(f"{what}: a reply with id {rid:#x} seq {rseq}")
            if msg[8:] != payload:
                bad = next((i for i in range(min(len(msg) - 8, size))
                            if msg[8 + i] != payload[i]), None)
                raise Fail(f"{what}: the reply carries {len(msg) - 8} "
                           f"bytes, first difference at {bad}")
            print(f"reply to {what}"
                  + (" (fragments sent last first)" if last_first else "")
                  + (f" in {link.pieces} fragments" if link.pieces > 1
                     else ""))
            return
    raise Fail(f"{what}: no echo reply after {TRIES} tries of {WAIT} s")


def arp_for_guest(link):
    """Ask for 10.0.3.99 (nobody: the guest must keep quiet), then for
    10.0.3.2: the first reply must be the guest's, carrying its MAC."""
    for attempt in range(TRIES):
        link.send(ethernet(BROADCAST, ETH_ARP, arp(1, b"\0" * 6, NOBODY_IP)))
        link.send(ethernet(BROADCAST, ETH_ARP, arp(1, b"\0" * 6, GUEST_IP)))
        deadline = time.monotonic() + WAIT
        while True:
            got = link.receive(deadline)
            if got is None:
                break
            if got[0] != "arp":
                link.log.append(f"ignored IP proto {got[1]} during ARP")
                continue
            a = got[1]
            if a["op"] != 2:
                raise Fail(f"ARP op {a['op']} from the guest, not a reply")
            if a["tpa"] == NOBODY_IP or a["spa"] != GUEST_IP:
                raise Fail(f"the guest answered ARP for {ip_addr(a['spa'])}")
            if a["dst"] != PEER_MAC or a["tha"] != PEER_MAC or \
                    a["tpa"] != PEER_IP:
                raise Fail(f"the ARP reply went to {a['dst'].hex(':')} "
                           f"({a['tha'].hex(':')}, {ip_addr(a['tpa'])}), "
                           "not to us")
            print(f"ARP: 10.0.3.2 is at {a['sha'].hex(':')}")
            return
    raise Fail(f"no ARP reply for 10.0.3.2 after {TRIES} tries")


def bad_checksum_ignored(link, ident, done):
    """A request with a wrong checksum, then a good one: the first reply
    must be the good one's (the guest handles frames in order)."""
    link.send_ip(0x7000, PROTO_ICMP, icmp_echo(ident, 99, payload_for(99, 56),
                                               good=False))
    ping(link, ident, 100, 56, done=done)
    print("a request with a bad ICMP checksum got no reply")


def quit_guest(link):
    for attempt in range(TRIES + 2):
        link.send_ip(0x7100 + attempt, PROTO_UDP,
                     udp(OUR_UDP_PORT, QUIT_PORT, b"quit"))
        deadline = time.monotonic() + WAIT
        while True:
            got = link.receive(deadline)
            if got is None:
                break
            if got[0] != "ip" or got[1] != PROTO_UDP:
                continue        # late echo replies and the like
            data = got[3]
            sport, dport, length, csum = struct.unpack("!HHHH", data[:8])
            pseudo = struct.pack("!4s4sBBH", GUEST_IP, PEER_IP, 0, PROTO_UDP,
                                 len(data))
            if (sport, dport, length) != (QUIT_PORT, OUR_UDP_PORT, len(data)):
                raise Fail(f"UDP {sport}->{dport} length {length} in "
                           f"{len(data)} bytes")
            if csum and checksum(pseudo + data):
                raise Fail("the guest's UDP checksum is wrong")
            if data[8:] != b"bye":
                raise Fail(f"the guest answered {data[8:]!r}, not b'bye'")
            print("the guest said bye")
            return
    raise Fail("no \"bye\" for our \"quit\"")


def main():
    link = Link()
    done = []
    try:
        # First, while the guest does not know our MAC: it has to ask.
        ping(link, 0x1234, 1, 0)
        if not link.arp_requests:
            raise Fail("the guest replied without asking for our MAC (ARP)")
        print(f"answered {link.arp_requests} ARP request(s) from the guest")
        done.append((0x1234, 1))
        arp_for_guest(link)
        for ident, seq, size, last_first in [
                (0x1234, 2, 56, False), (0x4321, 3, 1400, False),
                (0x4321, 4, MTU - 28, False),       # the most unfragmented
                (0xbeef, 5, 3000, False), (0xbeef, 6, 3000, True),
                (0xffff, 0xffff, 1, False)]:
            ping(link, ident, seq, size, last_first, done)
            done.append((ident, seq))
        bad_checksum_ignored(link, 0x5151, done)
        quit_guest(link)
    except Fail as e:
        for line in link.log:
            print(line)
        print(f"FAIL: {e}")
        return 1
    print("SUCCESS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
