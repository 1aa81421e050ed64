# SPDX-License-Identifier: MIT
"""Hand-made frames for the hostile-network tests (hostile.py): Ethernet,
ARP, IPv4, TCP and UDP put together byte by byte, so that they can be
wrong on purpose (bad checksums, lengths that lie, fragments that never
complete), and a raw link on the tap (AF_PACKET) to send and receive
them. Runs inside the test's own network namespace only.
"""
import os
import random
import select
import socket
import struct
import time

from inet import checksum  # tests/ is on the path (hostile.py)

ETH_P_ALL, ETH_P_IP, ETH_P_ARP = 0x0003, 0x0800, 0x0806
TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 1, 2, 4, 8, 16


def ip4(addr):
    return socket.inet_aton(addr)


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def eth(dst, src, kind, payload):
    return dst + src + struct.pack("!H", kind) + payload


def ipv4(src, dst, proto, payload, ident=None, frag=0, more=False,
         total=None, ttl=64):
    """An IPv4 header (checksum right) and (payload); (total) overrides
    the length field (a lie, for truncated packets), (frag) is the
    fragment offset in bytes."""
    ident = random.getrandbits(16) if ident is None else ident
    flags = (0x2000 if more else 0) | (frag // 8)
    length = 20 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, ident, flags, ttl,
                    proto, 0, ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"",
        window=65535, bad_csum=False, options=b""):
    """A TCP segment with its checksum over the pseudo-header (wrong on
    purpose with bad_csum)."""
    off = (20 + len(options)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                    ack & 0xffffffff, off << 4, flags, window, 0, 0) + options
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6,
                                               len(h) + len(payload))
    c = checksum(pseudo + h + payload)
    if bad_csum:
        c ^= 0x5a5a
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def udp(src, dst, sport, dport, payload):
    h = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(h) +
                                               len(payload))
    c = checksum(pseudo + h + payload) or 0xffff
    return h[:6] + struct.pack("!H", c) + payload


def parse_ipv4_tcp(frame):
    """(src, dst, sport, dport, seq, ack, flags, window, payload) of a
    TCP/IPv4 frame, or None."""
    if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 15) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    t = 14 + ihl
    sport, dport, seq, ack, off, flags, win = struct.unpack(
        "!HHIIBBH", frame[t:t + 16])
    data = frame[t + (off >> 4) * 4:14 + total]
    return (socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34]),
            sport, dport, seq, ack, flags, win, data)


class Link:
    """Raw frames on a device (the tap): what we send reaches the guest
    as if from the wire; what the guest sends we read here too."""

    def __init__(self, ifname):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        self.mac = self.s.getsockname()[4]

    def send(self, frame):
        self.s.send(frame)

    def recv(self, timeout):
        """The next frame the guest sent, or None after (timeout) s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.s], [], [], left)[0]:
                return None
            frame, addr = self.s.recvfrom(65536)
            if addr[2] != socket.PACKET_OUTGOING:
                return frame

    def close(self):
        self.s.close()


class FakePeer:
    """A TCP peer at an address of the tap's subnet that the host does not
    own, played over a Link: it answers the guest's ARP for its address,
    so every byte of the conversation is ours to get right or wrong (the
    host's own stack would reset a connection it did not open)."""

    def __init__(self, link, ip, guest_ip, guest_mac=None):
        self.link, self.ip, self.guest_ip = link, ip, guest_ip
        self.mac = bytes([0x02]) + os.urandom(5)
        self.guest_mac = guest_mac

    def _answer_arp(self, frame):
        if len(frame) >= 42 and frame[12:14] == b"\x08\x06" and \
                frame[20:22] == b"\x00\x01" and frame[38:42] == ip4(self.ip):
            sha, spa = frame[22:28], frame[28:32]
            reply = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + \
                self.mac + ip4(self.ip) + sha + spa
            self.link.send(eth(sha, self.mac, ETH_P_ARP, reply))
            self.guest_mac = sha
            return True
        return False

    def announce(self):
        """A gratuitous ARP, so the guest knows us before we speak."""
        arp = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + self.mac + \
            ip4(self.ip) + b"\xff" * 6 + ip4(self.ip)
        self.link.send(eth(b"\xff" * 6, self.mac, ETH_P_ARP, arp))

    def send_ip(self, payload_ip):
        dst = self.guest_mac or b"\xff" * 6
        self.link.send(eth(dst, self.mac, ETH_P_IP, payload_ip))

    def send_tcp(self, sport, dport, seq, ack, flags, payload=b"",
                 **kw):
        seg = tcp(self.ip, self.guest_ip, sport, dport, seq, ack, flags,
                  payload, **kw)
        self.send_ip(ipv4(self.ip, self.guest_ip, 6, seg))

    def recv_tcp(self, sport, timeout):
        """The guest's next TCP segment to our port (sport), answering ARP
        meanwhile; None after (timeout) s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            frame = self.link.recv(left)
            if frame is None:
                return None
            if self._answer_arp(frame):
                continue
            seg = parse_ipv4_tcp(frame)
            if seg and seg[1] == self.ip and seg[3] == sport:
                if self.guest_mac is None:
                    self.guest_mac = frame[6:12]
                return seg
