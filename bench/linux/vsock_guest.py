#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A Linux guest on virtio-vsock with our backend (tools/host/vsock), for
developing the backend and as the Linux side of the vsock benchmark.

The guest is Debian's kernel with vmw_vsock_virtio_transport and
bench/linux/vsock_tool.c (static, musl-gcc) run by /init with the words
after "--" (vsock_init.sh). The host side speaks Firecracker's hybrid
convention to the backend's PATH, as any host program would.

    bench/linux/vsock_guest.py check [--machine q35]   the behaviour checks
    bench/linux/vsock_guest.py bench [--mib 64]        MiB/s both ways

Reuse: build(), Backend, boot(), connect(), send_pattern(), recv_pattern().
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402

MODULES = ["virtio_mmio", "virtio_pci", "vmw_vsock_virtio_transport"]
BLOCK = 65521       # vsock_tool.c's pattern period


def pattern():
    """vsock_tool's pattern: one 65521-byte LCG block."""
    x, out = 12345, bytearray(BLOCK)
    for i in range(BLOCK):
        x = (x * 1103515245 + 12345) & 0xffffffff
        out[i] = (x >> 16) & 0xff
    return bytes(out)


def backend_path(build):
    tool = os.path.join(build, "host", "toro-vsock")
    subprocess.run(["make", "-s", "-C", ROOT, f"BUILD={build}", tool],
                   check=True)
    return tool


def build(out_dir):
    """vmlinuz + initramfs with the vsock modules and vsock_tool."""
    os.makedirs(out_dir, exist_ok=True)
    tool = os.path.join(out_dir, "vsock_tool")
    subprocess.run(["musl-gcc", "-static", "-O2", "-Wall", "-o", tool,
                    os.path.join(HERE, "vsock_tool.c")], check=True)
    guest.build(out_dir, os.path.join(HERE, "vsock_init.sh"),
                [f"{tool}:/bin/vsock_tool"], MODULES)


class Backend:
    """toro-vsock on DIR/vhost.sock, with PATH = DIR/v.sock."""

    def __init__(self, tool, directory, cid=3, forwards=(), debug=False):
        self.sock = os.path.join(directory, "vhost.sock")
        self.uds = os.path.join(directory, "v.sock")
        self.log = os.path.join(directory, "backend.log")
        cmd = [tool, "--vhost-user", self.sock, "--uds-path", self.uds,
               "--guest-cid", str(cid)]
        for f in forwards:
            cmd += ["--forward", f]
        env = dict(os.environ, **({"TORO_VSOCK_DEBUG": "1"} if debug else {}))
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
        for _ in range(100):
            if os.path.exists(self.sock):
                break
            time.sleep(0.01)

    def cpu_seconds(self):
        """User + system CPU time it has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def boot(out_dir, backend, args, machine="microvm", mem=256, smp=2):
    """Start QEMU with the guest running `vsock_tool ARGS`; returns the
    Popen (console on its stdout)."""
    dev = ("vhost-user-vsock-device" if machine == "microvm"
           else "vhost-user-vsock-pci,disable-legacy=on")
    cmd = guest.qemu_command(
        out_dir, smp=smp, mem=mem, machine=machine, args=args,
        machine_opts=["memory-backend=vsock-mem"],
        qemu_args=["-object", f"memory-backend-memfd,id=vsock-mem,"
                   f"size={mem}M,share=on",
                   "-chardev", f"socket,id=vsock,path={backend.sock}",
                   "-device", f"{dev},chardev=vsock"])
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


class Console:
    """The guest's console, collected by a thread; wait() for a line."""

    def __init__(self, proc):
        self.proc, self.lines, self.cond = proc, [], threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.cond:
                self.lines.append(raw.decode(errors="replace").rstrip())
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def wait(self, text, timeout=120):
        """The first line containing text, or None at timeout/exit."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for ln in self.lines:
                    if ln is None:
                        return None
                    if text in ln:
                        return ln
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def text(self):
        with self.cond:
            return "\n".join(ln for ln in self.lines if ln is not None)


def connect(uds, port, timeout=30):
    """A host program's connection to guest port (port) through PATH:
    (socket, host port), or raises ConnectionError on no OK."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(uds)
    s.sendall(f"CONNECT {port}\n".encode())
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            s.close()
            raise ConnectionError(f"CONNECT {port}: closed, no OK")
        line += b
    if not line.startswith(b"OK "):
        raise ConnectionError(f"CONNECT {port}: {line!r}")
    return s, int(line.split()[1])


def send_pattern(s, total):
    """Write total bytes of the pattern, shut our side; seconds taken."""
    chunk = pattern() * 16
    t0, n = time.perf_counter(), 0
    while n < total:
        k = min(len(chunk) - n % BLOCK, total - n)
        s.sendall(chunk[n % BLOCK:n % BLOCK + k])
        n += k
    s.shutdown(socket.SHUT_WR)
    return time.perf_counter() - t0


def recv_pattern(s):
    """Read to EOF: (bytes, seconds, True if they match the pattern)."""
    pat = pattern() * 3
    t0, n, ok = time.perf_counter(), 0, True
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        off = n % BLOCK
        i = 0
        while i < len(b) and ok:
            k = min(len(b) - i, BLOCK)
            ok = b[i:i + k] == pat[(off + i) % BLOCK:(off + i) % BLOCK + k]
            i += k
        n += len(b)
    return n, time.perf_counter() - t0, ok


# --- Checks and the benchmark --------------------------------------------

class Run:
    """One boot of the guest running vsock_tool ARGS, with its backend."""

    def __init__(self, out_dir, tool, args, machine="microvm"):
        self.dir = tempfile.mkdtemp(prefix="vsock-guest-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.forward_port = s.getsockname()[1]
        self.backend = Backend(tool, self.dir,
                               forwards=[f"{self.forward_port}:5000"])
        self.qemu = boot(out_dir, self.backend, args, machine=machine)
        self.console = Console(self.qemu)

    def wait(self, text, timeout=120):
        return self.console.wait(text, timeout)

    def close(self):
        if self.qemu.poll() is None:
            self.qemu.kill()
        self.qemu.wait()
        self.backend.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def host_listener(path):
    """A Unix socket listening at PATH_<port>, as a host service."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(128)
    s.settimeout(120)
    return s


def check_h2g(r, mib):
    assert r.wait("listening"), "guest did not listen"
    s, _ = connect(r.backend.uds, 5000)
    secs = send_pattern(s, mib << 20)
    line = r.wait("vsock: recv")
    s.close()
    assert line and "pattern ok" in line and f" {mib << 20} bytes" in line, line
    return line


def check_g2h(r, mib):
    assert r.wait("listening"), "guest did not listen"
    s, _ = connect(r.backend.uds, 5000)
    n, secs, ok = recv_pattern(s)
    s.close()
    assert n == mib << 20 and ok, (n, ok)
    return f"host got {n} bytes in {secs:.3f} s, {n / secs / 2**20:.1f} MiB/s"


def check_guest_connects(r, mib):
    """Guest -> host PATH_6000: its bytes arrive, our reply after its
    half-close reaches it, then EOF."""
    lst = host_listener(r.backend.uds + "_6000")
    c, _ = lst.accept()
    c.settimeout(120)
    n, secs, ok = recv_pattern(c)
    c.sendall(b"x" * 1000)      # the guest shut only its sending side
    c.close()
    line = r.wait("vsock: send")
    assert n == mib << 20 and ok and line and "1000 bytes back" in line, \
        (n, ok, line)
    return f"host got {n} bytes, {n / secs / 2**20:.1f} MiB/s; {line}"


def check_half_close(r):
    """Host shuts its sending side; the guest's echo still comes back
    (read by a thread: echoing 1 MiB needs both ways moving)."""
    assert r.wait("listening")
    s, _ = connect(r.backend.uds, 5000)
    data = pattern() * 16
    got = []

    def read():
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got.append(b)
    t = threading.Thread(target=read)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(120)
    back = b"".join(got)
    assert back == data, (len(back), len(data))
    return f"{len(back)} bytes echoed after the host's half-close"


def check_forward(r):
    """--forward: a TCP client on 127.0.0.1:HOST reaches guest port 5000
    (echo, 1 MiB, the client's half-close passed on)."""
    assert r.wait("listening")
    s = socket.create_connection(("127.0.0.1", r.forward_port), timeout=60)
    data = pattern() * 16
    got = []

    def read():
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got.append(b)
    t = threading.Thread(target=read)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(120)
    back = b"".join(got)
    assert back == data, (len(back), len(data))
    return f"{len(back)} bytes echoed through 127.0.0.1:{r.forward_port}"


def check_stall(r, mib):
    """A guest reader that stops (port 5001) does not hold up another
    connection (port 5000), nor its own sender's other work."""
    assert r.wait("listening on 5000") and r.wait("listening on 5001")
    stalled, _ = connect(r.backend.uds, 5001)

    def stuck_sender():
        try:
            send_pattern(stalled, 64 << 20)
        except OSError:
            pass        # its connection goes when the run ends
    stuck = threading.Thread(target=stuck_sender, daemon=True)
    stuck.start()
    assert r.wait("vsock: stalling")
    line = check_h2g(r, mib)
    return f"beside a stalled connection: {line}"


def check_early_bytes(r):
    """Bytes written right after the CONNECT line, before OK, arrive."""
    assert r.wait("listening")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(r.backend.uds)
    data = pattern() * 2
    s.sendall(b"CONNECT 5000\n" + data)
    s.shutdown(socket.SHUT_WR)
    line = r.wait("vsock: recv")
    got = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
    assert line and f" {len(data)} bytes" in line and "pattern ok" in line \
        and got.startswith(b"OK "), (line, got)
    return line


def check_rst_host(r):
    """CONNECT to a port nobody listens on: closed without OK."""
    assert r.wait("listening")
    try:
        connect(r.backend.uds, 5999, timeout=20)
    except ConnectionError as e:
        return f"refused: {e}"
    raise AssertionError("CONNECT 5999 got OK")


def check_rst_guest(r):
    line = r.wait("vsock: error")
    assert line and "connect" in line, line
    return line


def check_many(r, count=100):
    assert r.wait("listening")
    data = pattern()
    results = [None] * count
    conns = [connect(r.backend.uds, 5000) for _ in range(count)]
    socks = [c[0] for c in conns]

    def one(i):
        s = socks[i]
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                got += b
            results[i] = got == data or (len(got), conns[i][1])
        except OSError as e:
            results[i] = e
        s.close()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    bad = [x for x in results if x is not True]
    assert not bad, (len(bad), sorted(set(map(str, bad)))[:8])
    return f"{count} concurrent echoes of {len(data)} bytes"


def check_kill(r):
    """The backend dies mid-transfer: the host program sees its
    connection end, QEMU stays up; the guest's reader (Linux) sees no
    more data (it has no timeout)."""
    assert r.wait("listening")
    s, _ = connect(r.backend.uds, 5000)
    done = []

    def send():
        try:
            send_pattern(s, 256 << 20)
            done.append("finished?")
        except OSError as e:
            done.append(e.__class__.__name__)
    t = threading.Thread(target=send)
    t.start()
    time.sleep(1)
    r.backend.kill(signal.SIGKILL)
    t.join(30)
    time.sleep(5)
    alive = r.qemu.poll() is None
    qemu_said = [ln for ln in r.console.text().splitlines()
                 if "vhost" in ln or "vsock: " in ln]
    return f"host sender: {done}; QEMU alive: {alive}; console: {qemu_said}"


CHECKS = {
    "h2g": (["listen", "5000", "recv"], lambda r, a: check_h2g(r, a.mib)),
    "g2h": (lambda a: ["listen", "5000", "send", str(a.mib << 20)],
            lambda r, a: check_g2h(r, a.mib)),
    "guest-connects": (lambda a: ["connect", "2", "6000", "send",
                                  str(a.mib << 20)],
                       lambda r, a: check_guest_connects(r, a.mib)),
    "half-close": (["listen", "5000", "echo"],
                   lambda r, a: check_half_close(r)),
    "stall": (["listen", "5001", "stall", "+", "listen", "5000", "recv"],
              lambda r, a: check_stall(r, a.mib)),
    "early-bytes": (["listen", "5000", "recv"],
                    lambda r, a: check_early_bytes(r)),
    "forward": (["listen", "5000", "echo"], lambda r, a: check_forward(r)),
    "rst-host": (["listen", "5000", "recv"], lambda r, a: check_rst_host(r)),
    "rst-guest": (["connect", "2", "7000", "recv"],
                  lambda r, a: check_rst_guest(r)),
    "many": (["listen", "5000", "echo", "100"], lambda r, a: check_many(r)),
    "kill": (["listen", "5000", "recv"], lambda r, a: check_kill(r)),
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("what", nargs="*", default=["all"],
                   help="checks to run: " + ", ".join(CHECKS) +
                   ", all, or bench")
    p.add_argument("--machine", default="microvm", choices=["microvm", "q35"])
    p.add_argument("--mib", type=int, default=16)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = p.parse_args()
    out = os.path.join(a.build, "linux-vsock")
    build(out)
    tool = backend_path(a.build)
    names = list(CHECKS) if a.what == ["all"] else a.what
    if names == ["bench"]:
        names = ["h2g", "g2h", "guest-connects"]
    failed = 0
    for name in names:
        args, check = CHECKS[name]
        if callable(args):
            args = args(a)
        r = Run(out, tool, args, machine=a.machine)
        try:
            result = check(r, a)
            cpu = (f" (toro-vsock used {r.backend.cpu_seconds():.2f} s of CPU)"
                   if r.backend.proc.poll() is None else "")
            print(f"{name}: ok: {result}{cpu}", flush=True)
        except Exception as e:     # noqa: BLE001 - report and go on
            failed += 1
            print(f"{name}: FAILED: {e!r}\n  console: "
                  f"{r.console.text()[-600:]!r}\n  backend: "
                  f"{r.backend.output()[-600:]!r}", flush=True)
        finally:
            r.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
