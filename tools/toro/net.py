# SPDX-License-Identifier: MIT
"""The network of `toro run`: --port, --net, --tap, --udp-link and --mac.

The guest gets one virtio-net device, attached either to QEMU's user
networking (slirp: the guest is 10.0.2.15 behind a NAT, its DHCP server
answers at 10.0.2.2) with host forwards for --port, or to an existing tap
device for --tap (benchmarks: no NAT in the way), or to a UDP tunnel for
--udp-link LOCAL:REMOTE: each Ethernet frame the guest sends is one
datagram to 127.0.0.1:REMOTE, each datagram arriving on 127.0.0.1:LOCAL is
a frame for the guest. Two guests with the ports swapped share one
Ethernet (no host networking, no root, no DHCP: give each an ip= option);
a host program on REMOTE is on the guest's Ethernet (tests speak raw ARP
and ICMP that way, which slirp never passes on). A forward listens on
127.0.0.1 only: the guest is reachable from this machine, not from the
network. QEMU forwards to the address its DHCP server hands out
(10.0.2.15), so a guest that sets its address itself must take that one.

Everything is checked before QEMU starts, so a mistake is one clear line
and exit status 2 rather than a QEMU message: the port syntax, a host port
already taken (we try to bind it as QEMU will), a tap device that does not
exist, a UDP link whose local port is taken.
"""
import os
import re
import socket

from .errors import ToroError

NETDEV = "toro-net"
PORT = re.compile(r"^(?:(tcp|udp):)?(\d{1,5})(?::(\d{1,5}))?$")
MAC = re.compile(r"^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$")
IFNAME = re.compile(r"^[^/\s:]{1,15}$")     # IFNAMSIZ - 1, no '/' or ':'
LINK = re.compile(r"^(\d{1,5}):(\d{1,5})$")


class Forward:
    """One --port: host port on 127.0.0.1 -> guest port, TCP or UDP."""

    def __init__(self, proto, host, guest):
        self.proto, self.host, self.guest = proto, host, guest

    def hostfwd(self):
        return f"hostfwd={self.proto}:127.0.0.1:{self.host}-:{self.guest}"


class Net:
    """The guest's one network device and what it is attached to."""

    def __init__(self, forwards=(), tap=None, mac=None, link=None):
        self.forwards, self.tap, self.mac = list(forwards), tap, mac
        self.link = link        # (local, remote) UDP ports, or None
        self.queues = 1         # rx/tx pairs QEMU offers (see queues())

    def netdev(self):
        if self.tap:
            mq = f",queues={self.queues}" if self.queues > 1 else ""
            return (f"tap,id={NETDEV},ifname={self.tap},"
                    f"script=no,downscript=no{mq}")
        if self.link:
            local, remote = self.link
            return (f"socket,id={NETDEV},udp=127.0.0.1:{remote},"
                    f"localaddr=127.0.0.1:{local}")
        return ",".join([f"user,id={NETDEV}"] +
                        [f.hostfwd() for f in self.forwards])

    def device(self, mmio, where):
        """The -device value; where: ",bus=..." on microvm, else ""."""
        mac = f",mac={self.mac}" if self.mac else ""
        if mmio:
            return f"virtio-net-device,netdev={NETDEV}{mac}{where}"
        # Modern only, as every other device; no option ROM: nothing boots
        # from the network, and it would need QEMU's iPXE ROMs installed.
        # Multi-queue: a vector per queue, the config's and the control
        # queue's (what QEMU's documentation gives: 2N+2).
        mq = (f",mq=on,vectors={2 * self.queues + 2}" if self.queues > 1
              else "")
        return (f"virtio-net-pci,netdev={NETDEV},disable-legacy=on{mac},"
                f"romfile={mq}")

    def qemu_args(self, mmio, where):
        return ["-netdev", self.netdev(), "-device", self.device(mmio, where)]


def parse_port(spec):
    """--port [tcp:|udp:]HOST[:GUEST] -> Forward (GUEST defaults to HOST)."""
    m = PORT.match(spec)
    if not m:
        raise ToroError(f"--port {spec}: expected HOST:GUEST, HOST, or "
                        "udp:HOST:GUEST (port numbers)")
    proto = m.group(1) or "tcp"
    host = int(m.group(2))
    guest = int(m.group(3) or m.group(2))
    for n in (host, guest):
        if not 1 <= n <= 65535:
            raise ToroError(f"--port {spec}: port {n} is not in 1-65535")
    return Forward(proto, host, guest)


def check_free(flag, proto, port, reuse):
    """Binds 127.0.0.1:PORT (proto "tcp" or "udp") as the program that
    will listen there does, with SO_REUSEADDR if (reuse); a ToroError
    naming (flag) if it is taken."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp"
                      else socket.SOCK_DGRAM)
    try:
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    except PermissionError:
        raise ToroError(f"{flag} {port}: a port below 1024 needs root")
    except OSError as e:
        raise ToroError(f"{flag} {port}: {proto.upper()} port "
                        f"127.0.0.1:{port} is in use on the host "
                        f"({e.strerror})")
    finally:
        s.close()


def check_port_free(fwd):
    """Bind 127.0.0.1:HOST as QEMU will. TCP with SO_REUSEADDR, as QEMU,
    so a port that only has connections in TIME_WAIT counts as free; UDP
    without, since there it would let us share a port someone else holds
    with SO_REUSEADDR."""
    check_free("--port", fwd.proto, fwd.host, fwd.proto == "tcp")



def check_tap(name):
    if not IFNAME.match(name):
        raise ToroError(f"--tap {name!r}: not a network interface name")
    if not os.path.exists(f"/sys/class/net/{name}"):
        raise ToroError(f"--tap {name}: no such network device (create it "
                        f"first: ip tuntap add dev {name} mode tap)")
    if not os.path.exists(f"/sys/class/net/{name}/tun_flags"):
        raise ToroError(f"--tap {name}: not a tap device")


def parse_link(spec):
    """--udp-link LOCAL:REMOTE -> (local, remote)."""
    m = LINK.match(spec)
    if not m:
        raise ToroError(f"--udp-link {spec}: expected LOCAL:REMOTE (UDP "
                        "port numbers on 127.0.0.1)")
    local, remote = int(m.group(1)), int(m.group(2))
    for n in (local, remote):
        if not 1 <= n <= 65535:
            raise ToroError(f"--udp-link {spec}: port {n} is not in 1-65535")
    if local == remote:
        raise ToroError(f"--udp-link {spec}: LOCAL and REMOTE must differ "
                        "(the guest would hear its own frames)")
    return local, remote


def check_link_free(local):
    """Bind 127.0.0.1:LOCAL as QEMU will. QEMU sets SO_REUSEADDR there,
    which for UDP would let it share a port another program holds the
    same way: we bind without, so that counts as taken."""
    check_free("--udp-link", "udp", local, False)


def parse_mac(text):
    if not MAC.match(text):
        raise ToroError(f"--mac {text}: expected six hex bytes, "
                        "e.g. 52:54:00:12:34:56")
    if int(text[:2], 16) & 1:
        raise ToroError(f"--mac {text}: a multicast address (the first "
                        "byte must be even)")
    return text.lower()


QUEUES_MAX = 16
IFF_MULTI_QUEUE = 0x100


def tap_multi_queue(name):
    with open(f"/sys/class/net/{name}/tun_flags") as f:
        return int(f.read(), 16) & IFF_MULTI_QUEUE != 0


def queues(n, spec, smp, mmio):
    """--net-queues (spec: None for automatic, or the text given) ->
    the rx/tx pairs of n, a Net. Automatic: one a CPU where there can be
    more than one (a multi-queue tap on virtio-pci), else one."""
    auto = spec in (None, "auto")
    # QEMU opens a multi_queue tap only with queues=2 or more: a guest
    # with one CPU is offered 2 and uses one (its driver asks for more
    # only with more CPUs).
    mq_tap = n.tap and tap_multi_queue(n.tap)
    if mq_tap and mmio:
        raise ToroError(f"--tap {n.tap}: a multi_queue tap, which QEMU "
                        "opens with 2 queues at least, and virtio-mmio "
                        "(microvm) has one: use --machine q35 or a tap "
                        "made without multi_queue")
    if not auto:
        try:
            want = int(spec, 10)
        except ValueError:
            raise ToroError(f"--net-queues {spec}: not a number (1 to "
                            f"{QUEUES_MAX}, or auto)") from None
        if not 1 <= want <= QUEUES_MAX:
            raise ToroError(f"--net-queues {spec}: 1 to {QUEUES_MAX}")
        if want == 1 and mq_tap:
            raise ToroError(f"--net-queues 1: tap {n.tap} is multi_queue, "
                            "which QEMU opens with 2 queues at least (use "
                            "a tap made without multi_queue)")
        if want == 1:
            return 1
    else:
        want = min(smp, QUEUES_MAX)
    why = None
    if not n.tap:
        why = ("user networking (slirp) and --udp-link have one queue: "
               "multi-queue needs --tap")
    elif mmio:
        why = ("virtio-mmio (microvm) has one interrupt per device: "
               "multi-queue needs --machine q35")
    elif not tap_multi_queue(n.tap):
        why = (f"tap {n.tap} was made without multi_queue (ip tuntap add "
               f"dev {n.tap} mode tap multi_queue)")
    if why and not auto:
        raise ToroError(f"--net-queues {spec}: {why}")
    return 1 if why else max(want, 2)


def plan(ports=(), net=False, tap=None, mac=None, udp_link=None):
    """The Net for `toro run`'s flags, or None when no network is asked
    for."""
    if not (ports or net or tap or mac or udp_link):
        return None
    if udp_link:
        other = [f for f, on in (("--port", ports), ("--tap", tap),
                                 ("--net", net)) if on]
        if other:
            raise ToroError(f"--udp-link: it cannot go with {other[0]} (the "
                            "guest has one network device: the link is it)")
        local, remote = parse_link(udp_link)
        check_link_free(local)
        return Net(mac=parse_mac(mac) if mac else None, link=(local, remote))
    if tap and ports:
        raise ToroError("--port needs user networking: it cannot go with "
                        "--tap (reach the guest through the tap instead)")
    forwards = [parse_port(p) for p in ports]
    seen = set()
    for f in forwards:
        if (f.proto, f.host) in seen:
            raise ToroError(f"--port: host {f.proto} port {f.host} given twice")
        seen.add((f.proto, f.host))
    for f in forwards:
        check_port_free(f)
    if tap:
        check_tap(tap)
    return Net(forwards, tap, parse_mac(mac) if mac else None)
