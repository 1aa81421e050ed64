# SPDX-License-Identifier: MIT
"""virtio-vsock for `toro run`: --vsock PATH, --vsock-cid N and
--vsock-port HOST:GUEST, and the host side, toro-vsock (tools/host/vsock),
started before QEMU and stopped however the run ends.

QEMU 7.2 has no vsock device model of its own that works here (no
/dev/vhost-vsock), only vhost-user-vsock: our backend gets the rings and
the guest's memory, which must be a shared memfd (as for --fs). It speaks
Firecracker's hybrid convention on PATH: a host program connects to PATH
and writes "CONNECT <port>\\n"; a guest connecting to the host (CID 2) on
port P reaches the Unix socket listening at PATH_P. --vsock-port listens
on 127.0.0.1:HOST and sends each TCP connection to the guest's vsock port
GUEST; without --vsock the backend's PATH is in the run's temporary
directory. As for virtiofsd, we make the vhost-user socket and hand it
over (--vhost-user-fd), so it listens before QEMU connects, and the
backend dies with us (PR_SET_PDEATHSIG).
"""
import os
import re
import stat
import subprocess
import time

from . import errors, net, virtiofsd
from .errors import ToroError

PORT = re.compile(r"^(\d{1,5}):(\d{1,10})$")
# sockaddr_un's 108 bytes hold PATH_<port> too (a NUL, "_", 10 digits)
MAX_PATH = 108 - 12
VMADDR_PORT_ANY = 0xffffffff


class Vsock:
    """What --vsock, --vsock-cid and --vsock-port ask for."""

    def __init__(self, path, cid, forwards):
        self.path = path            # absolute, or None: the run's own
        self.cid = cid
        self.forwards = forwards    # [(host TCP port, guest vsock port)]
        self.tool = None            # toro-vsock, found by cli.cmd_run


def parse_cid(text):
    try:
        cid = int(text, 10)
    except ValueError:
        cid = None
    if cid is None or not 3 <= cid < 0xffffffff:
        raise ToroError(f"--vsock-cid {text}: expected a number from 3 to "
                        "4294967294 (0-2 are reserved, 2 being the host; "
                        "4294967295 is any)")
    return cid


def parse_port(spec):
    """--vsock-port HOST:GUEST -> (host, guest)."""
    m = PORT.match(spec)
    if not m:
        raise ToroError(f"--vsock-port {spec}: expected HOST:GUEST (a TCP "
                        "port on 127.0.0.1, a guest vsock port)")
    host, guest = int(m.group(1)), int(m.group(2))
    if not 1 <= host <= 65535:
        raise ToroError(f"--vsock-port {spec}: port {host} is not in 1-65535")
    if guest >= VMADDR_PORT_ANY:
        raise ToroError(f"--vsock-port {spec}: guest port {guest} is not "
                        f"below {VMADDR_PORT_ANY}")
    return host, guest


def check_port_free(host):
    """Bind 127.0.0.1:HOST as the backend will (SO_REUSEADDR)."""
    net.check_free("--vsock-port", "tcp", host, True)


def check_path(path):
    """PATH: its directory exists, it fits a socket address, and it is
    not something other than a socket (the backend replaces a socket)."""
    full = os.path.abspath(path)
    if len(full.encode()) > MAX_PATH:
        raise ToroError(f"--vsock {path}: longer than {MAX_PATH} bytes (a "
                        "Unix socket address, with _PORT appended)")
    parent = os.path.dirname(full)
    if not os.path.isdir(parent):
        raise ToroError(f"--vsock {path}: no such directory {parent}")
    try:
        mode = os.lstat(full).st_mode
    except FileNotFoundError:
        return full
    if not stat.S_ISSOCK(mode):
        raise ToroError(f"--vsock {path}: exists and is not a socket")
    return full


def plan(args):
    """The Vsock for parsed `toro run` arguments, or None."""
    path = getattr(args, "vsock", None)
    specs = getattr(args, "vsock_ports", None) or []
    cid_text = getattr(args, "vsock_cid", None)
    if not (path or specs or cid_text):
        return None
    if cid_text and not (path or specs):
        raise ToroError("--vsock-cid: give --vsock PATH or --vsock-port too")
    cid = parse_cid(cid_text) if cid_text else 3
    forwards = [parse_port(s) for s in specs]
    seen = set()
    for host, _ in forwards:
        if host in seen:
            raise ToroError(f"--vsock-port: host port {host} given twice")
        seen.add(host)
    tcp_ports = set()
    for p in getattr(args, "ports", None) or []:
        m = re.match(r"^(?:tcp:)?(\d+)", p)
        if m and not p.startswith("udp:"):
            tcp_ports.add(int(m.group(1)))
    for host, _ in forwards:
        if host in tcp_ports:
            raise ToroError(f"--vsock-port: host port {host} is also a --port")
    for host, _ in forwards:
        check_port_free(host)
    return Vsock(check_path(path) if path else None, cid, forwards)


def tool_path(root, build, make=True):
    """build/host/toro-vsock, built with make if it is not there."""
    tool = os.path.join(build, "host", "toro-vsock")
    if make and not os.path.exists(tool):
        r = subprocess.run(["make", "-s", "-C", root, f"BUILD={build}", tool],
                           capture_output=True, text=True)
        if r.returncode:
            raise ToroError(f"cannot build {tool}: {r.stderr.strip()}",
                            errors.NOT_FOUND)
    return tool


class Daemon(virtiofsd.Daemon):
    """toro-vsock for one run: the vhost-user socket `sock_path`, PATH
    `uds_path`; started, killed and stopped as virtiofsd is."""

    def __init__(self, tool, vs, sock_path, uds_path, log_path):
        super().__init__(None, sock_path, log_path)
        self.tool, self.vs, self.uds_path = tool, vs, uds_path
        self.flag, self.name, self.program = "--vsock", "toro-vsock", tool
        self.other_paths = [uds_path]

    def command(self, fd=None):
        """Its argv: given the listening socket (fd), or making it."""
        where = (["--vhost-user-fd", str(fd)] if fd is not None
                 else ["--vhost-user", self.sock_path])
        cmd = [self.tool] + where + ["--uds-path", self.uds_path,
                                     "--guest-cid", str(self.vs.cid)]
        for host, guest in self.vs.forwards:
            cmd += ["--forward", f"{host}:{guest}"]
        return cmd

    def start(self):
        super().start()
        # PATH and the TCP forwards listen once it is past its start-up:
        # a host program may connect as soon as the guest says so.
        for _ in range(200):
            if self.proc.poll() is not None or os.path.exists(self.uds_path):
                break
            time.sleep(0.005)
