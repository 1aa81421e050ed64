#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio-vsock benchmark for bench/vsock.sh: guest<->host bulk MiB/s and
the web server's requests/s over vsock, next to TCP over QEMU user
networking and over a tap, and next to a Linux guest on the same vsock
backend, all in one run on the same QEMU machine (microvm, TCG, the same
CPUs and memory).

Bulk, 64 MiB each way, timed on the host:
- Toro: bench/vsock (vsockbench.elf) under `toro run --vsock PATH` (our
  backend, tools/host/vsock), and the same program over TCP with
  `toro run --port` (user networking) and `--tap` (a tap in a network
  namespace this script makes and deletes, as root).
- Linux: Debian's kernel with vmw_vsock_virtio_transport and
  bench/linux/vsock_tool.c on the same backend (bench/linux/vsock_guest.py).
host->guest: the guest listens, the host connects, writes the bytes and
shuts its side; timed from the first byte written until the guest's close
(it has read them all and checked them). guest->host: the host listens
(PATH_6000 for vsock), the guest connects and writes; timed from accept to
EOF, the bytes checked by the host. Both guests send and check the same
bytes (vsock_tool's pattern).

Web: examples/webserver on the same files as bench/http.sh, reached over
vsock (`--port 0 --vsock 80` with `toro run --vsock-port H:80`), over TCP
with `--port H:80` and on the tap; wrk -t1 -c8 and -c64 on the 612-byte
page, and -c1 on the 64 MiB file.

Runs of every case alternate in one loop (the order reversed every other
run); the table gives medians. Without root the tap columns are left out
and the table says so. Writes bench/RESULTS.md (section vsock).
"""
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import http_bench as hb  # noqa: E402
import results  # noqa: E402
import vsock_guest as vg  # noqa: E402
from netns import GUEST as TAP_GUEST, HOST as TAP_HOST, TAP  # noqa: E402
from netns import run_in_namespace  # noqa: E402

BUILD = os.path.join(ROOT, "build")
TORO_BUILD = os.path.abspath(os.environ.get("TORO_BUILD", BUILD))
BENCH_ELF = os.path.join(TORO_BUILD, "vsockbench.elf")
WEB_ELF = os.path.join(TORO_BUILD, "webserver.elf")
LINUX_DIR = os.path.join(BUILD, "linux", "vsock")
LINUX_WEB_DIR = os.path.join(BUILD, "linux", "vsock-web")
SOCAT_DIR = os.path.join(BUILD, "linux", "socat")
LOGS = os.path.join(BUILD, "vsock-bench")

SMP, MEM = 2, 256
MIB = int(os.environ.get("VSOCK_MIB", "64"))
SECONDS = int(os.environ.get("VSOCK_SECONDS", "10"))     # per wrk run
WEB_CONNS = (8, 64)
GUEST_PORT, HOST_PORT = 5000, 6000
TIMEOUT = 180                   # seconds for a boot or a transfer
INNER = "--in-namespace"
TAP_OK = os.geteuid() == 0 or INNER in sys.argv


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Guests ----------------------------------------------------------------

class Guest:
    """One boot: the process, its console, its vsock PATH (if any) and
    where a host program reaches its TCP port."""

    def __init__(self, name, cmd=None, proc=None, uds=None, addr=None,
                 backend=None, tmp=None):
        os.makedirs(LOGS, exist_ok=True)
        self.name, self.uds, self.addr, self.backend = name, uds, addr, backend
        self.tmp = tmp          # removed by close()
        if proc is None:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, cwd=ROOT,
                                    env=dict(os.environ,
                                             TORO_BUILD=TORO_BUILD))
        self.proc = proc
        self.console = vg.Console(proc)

    def wait(self, text, timeout=TIMEOUT):
        line = self.console.wait(text, timeout)
        if line is None:
            self.fail(f"no \"{text}\" on the console")
        return line

    def fail(self, why):
        self.save()
        self.close()
        sys.exit(f"vsock: {self.name}: {why}; console in "
                 f"{os.path.relpath(self.logfile(), ROOT)}:\n"
                 + "\n".join(self.console.text().splitlines()[-20:]))

    def logfile(self):
        return os.path.join(LOGS, f"{self.name}.log")

    def save(self):
        with open(self.logfile(), "w") as f:
            f.write(self.console.text() + "\n")
            if self.backend:
                f.write("--- backend ---\n" + self.backend.output())

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.backend:
            self.backend.kill()
        self.save()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def toro_cmd(elf, net, args, initrd=None, tmp=None):
    """`toro run` on (net): "vsock" (--vsock TMP/v.sock), "vsock-port:H"
    (--vsock-port H:80), "user:H:G" (--port H:G) or "tap"."""
    cmd = [os.path.join(ROOT, "toro"), "run", elf, "--smp", str(SMP),
           "--mem", str(MEM), "--accel", "tcg"]
    if initrd:
        cmd += ["--initrd", initrd]
    kind, _, rest = net.partition(":")
    if kind == "vsock":
        cmd += ["--vsock", os.path.join(tmp, "v.sock")]
    elif kind == "vsock-port":
        cmd += ["--vsock-port", f"{rest}:80"]
    elif kind == "user":
        cmd += ["--port", rest]
    elif kind == "tap":
        cmd += ["--tap", TAP, "--append", f"ip={TAP_GUEST}/24 gw={TAP_HOST}"]
    return cmd + ["--", *args]


# --- Bulk ------------------------------------------------------------------

def connect_retry(make, until):
    """make() until it connects (the guest may not listen quite yet)."""
    while True:
        try:
            return make()
        except (OSError, ConnectionError):
            if time.monotonic() > until:
                raise
            time.sleep(0.2)


def host_to_guest(g, make_conn, check=True):
    """Write MIB to the guest; seconds until its close."""
    g.wait("vsock: listening")
    s = connect_retry(make_conn, time.monotonic() + 30)
    s.settimeout(TIMEOUT)
    t0 = time.perf_counter()
    vg.send_pattern(s, MIB << 20)
    try:
        while s.recv(1 << 16):
            pass
    except ConnectionResetError:
        pass
    secs = time.perf_counter() - t0
    s.close()
    line = g.wait("vsock: recv")
    if (f" {MIB << 20} bytes" not in line or
            ("pattern ok" if check else "not checked") not in line):
        g.fail(f"the guest got: {line}")
    return secs


def guest_to_host(g, listener):
    """Accept the guest's connection, read MIB; seconds accept to EOF."""
    listener.settimeout(TIMEOUT)
    c, _ = listener.accept()
    c.settimeout(TIMEOUT)
    n, secs, ok = vg.recv_pattern(c)
    c.close()
    listener.close()
    if n != MIB << 20 or not ok:
        g.fail(f"the host got {n} bytes, pattern {'ok' if ok else 'BAD'}")
    g.wait("vsock: send")
    return secs


def bulk_toro(net, direction):
    """vsockbench over vsock, or over TCP ("user" or "tap"); direction
    h2g, g2h or sink (h2g, the guest not checking the bytes)."""
    tmp = tempfile.mkdtemp(prefix="vsock-bench-")
    name = f"toro-{net}-{direction}"
    listener = None
    if direction in ("h2g", "sink"):
        spec = (f"vsock:{GUEST_PORT}" if net == "vsock"
                else f"tcp:{GUEST_PORT}")
        args = ["recv" if direction == "h2g" else "sink", spec]
    else:
        if net == "vsock":
            listener = vg.host_listener(os.path.join(tmp, "v.sock")
                                        + f"_{HOST_PORT}")
            spec = f"vsock:2:{HOST_PORT}"
        else:
            port = free_port() if net == "user" else HOST_PORT
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            host = "127.0.0.1" if net == "user" else TAP_HOST
            listener.bind((host, port))
            listener.listen(8)
            spec = f"tcp:{'10.0.2.2' if net == 'user' else TAP_HOST}:{port}"
        args = ["send", spec, str(MIB << 20)]
    fwd = free_port()
    g = Guest(name, toro_cmd(BENCH_ELF, "vsock" if net == "vsock" else
                             f"user:{fwd}:{GUEST_PORT}" if net == "user"
                             else "tap", args, tmp=tmp), tmp=tmp)
    check = direction == "h2g"
    try:
        if direction == "g2h":
            return guest_to_host(g, listener)
        if net == "vsock":
            return host_to_guest(g, lambda: vg.connect(
                os.path.join(tmp, "v.sock"), GUEST_PORT)[0], check)
        addr = ("127.0.0.1", fwd) if net == "user" else (TAP_GUEST,
                                                           GUEST_PORT)
        return host_to_guest(g, lambda: socket.create_connection(addr, 10),
                             check)
    finally:
        g.close()


def bulk_linux(direction, tool):
    """vsock_tool in the Linux guest on the same backend."""
    tmp = tempfile.mkdtemp(prefix="vsock-bench-")
    backend = vg.Backend(tool, tmp)
    listener = None
    if direction == "h2g":
        args = ["listen", str(GUEST_PORT), "recv"]
    else:
        listener = vg.host_listener(backend.uds + f"_{HOST_PORT}")
        args = ["connect", "2", str(HOST_PORT), "send", str(MIB << 20)]
    g = Guest(f"linux-vsock-{direction}",
              proc=vg.boot(LINUX_DIR, backend, args, mem=MEM, smp=SMP),
              uds=backend.uds, backend=backend, tmp=tmp)
    try:
        if direction == "g2h":
            return guest_to_host(g, listener)
        return host_to_guest(g, lambda: vg.connect(backend.uds,
                                                   GUEST_PORT)[0])
    finally:
        g.close()


# --- Web -------------------------------------------------------------------

def web_toro(net):
    """examples/webserver over vsock, user networking or the tap."""
    if net == "tap":
        addr, how, args = (TAP_GUEST, 80), "tap", []
    else:
        addr = ("127.0.0.1", free_port())
        how = (f"vsock-port:{addr[1]}" if net == "vsock"
               else f"user:{addr[1]}:80")
        args = ["--port", "0", "--vsock", "80"] if net == "vsock" else []
    g = Guest(f"web-toro-{net}", toro_cmd(WEB_ELF, how, args,
                                          initrd=hb.BULK_SITE))
    try:
        g.wait("webserver: serving")
        return web_loads(g, addr)
    finally:
        g.close()


def web_linux(tool):
    """nginx in the Linux guest behind socat on vsock port 80, reached
    through the same backend's TCP forward as Toro's web server."""
    tmp = tempfile.mkdtemp(prefix="vsock-bench-")
    addr = ("127.0.0.1", free_port())
    backend = vg.Backend(tool, tmp, forwards=[f"{addr[1]}:80"])
    g = Guest("web-linux-vsock",
              proc=vg.boot(LINUX_WEB_DIR, backend, [], mem=MEM, smp=SMP),
              backend=backend, tmp=tmp)
    try:
        g.wait("HTTP-READY")
        return web_loads(g, addr)
    finally:
        g.close()


def web_linux_tcp():
    """bench/http.sh's Linux guest: nginx on virtio-net, user networking."""
    return hb.run_linux(web_measure)


def web_loads(g, addr):
    deadline = time.monotonic() + TIMEOUT
    while True:     # the forward may answer before the server listens
        try:
            status, body = hb.get(addr, hb.SMALL)
            break
        except OSError:
            if time.monotonic() > deadline or g.proc.poll() is not None:
                g.fail(f"nothing served on {addr[0]}:{addr[1]}")
            time.sleep(0.5)
    with open(os.path.join(hb.SITE, hb.SMALL[1:]), "rb") as f:
        if status != 200 or body != f.read():
            g.fail(f"GET {hb.SMALL}: status {status}, {len(body)} bytes")
    return web_measure(addr)


def web_measure(addr):
    hb.wrk(addr, hb.SMALL, 8, 2)            # warm-up
    r = {}
    for c in WEB_CONNS:
        w = hb.wrk(addr, hb.SMALL, c, SECONDS)
        r[f"rps{c}"], r[f"p99_{c}"] = w["rps"], w["p99_ms"]
    r["huge_mibs"] = hb.wrk(addr, hb.HUGE, 1, SECONDS)["mibs"]
    return r


# --- The run ---------------------------------------------------------------

def fetch_socat():
    """Debian's socat and the libwrap0 it needs (not on this host),
    downloaded once into build/linux/debs/ and unpacked; "SRC:DEST" specs
    for the binary and every library it loads."""
    os.makedirs(hb.DEBS, exist_ok=True)
    opts = ["-o", "APT::Sandbox::User=root"] if os.geteuid() == 0 else []
    debs = []
    for pkg in ("socat", "libwrap0"):
        found = glob.glob(os.path.join(hb.DEBS, f"{pkg}_*.deb"))
        if not found:
            subprocess.run(["apt-get", "download", "-qq", *opts, pkg],
                           cwd=hb.DEBS, check=True)
            found = glob.glob(os.path.join(hb.DEBS, f"{pkg}_*.deb"))
        debs.append(sorted(found)[-1])
    subprocess.run(["rm", "-rf", SOCAT_DIR], check=True)
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", deb, SOCAT_DIR], check=True)
    socat = os.path.join(SOCAT_DIR, "usr", "bin", "socat")
    libdir = os.path.join(SOCAT_DIR, "usr", "lib", "x86_64-linux-gnu")
    out = subprocess.run(["ldd", socat], capture_output=True, text=True,
                         check=True,
                         env=dict(os.environ, LD_LIBRARY_PATH=libdir)).stdout
    specs = [f"{socat}:/usr/bin/socat"]
    for line in out.splitlines():
        if "not found" in line:
            sys.exit(f"vsock: socat needs {line.split()[0]}, which this "
                     "host lacks")
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            lib = m.group(1)
            dest = (lib.replace(SOCAT_DIR, "") if lib.startswith(SOCAT_DIR)
                    else lib)
            specs.append(f"{os.path.realpath(lib)}:{dest}")
    return specs


def build():
    subprocess.run(["make", "-s", "-C", ROOT, f"BUILD={TORO_BUILD}",
                    BENCH_ELF, WEB_ELF], check=True)
    vg.build(LINUX_DIR)
    hb.build()      # bench/http.sh's Linux guest and files
    nginx = hb.fetch_nginx()
    files = ([f"{nginx}:/usr/sbin/nginx",
              f"{os.path.join(hb.HERE, 'nginx.conf')}:/etc/nginx/nginx.conf",
              f"{hb.SITE}:/srv/www"] + hb.shared_libraries(nginx)
             + fetch_socat())
    vg.guest.build(LINUX_WEB_DIR, os.path.join(ROOT, "bench", "vsock",
                                               "linux_web.sh"),
                   sorted(set(files)), modules=vg.MODULES)
    return vg.backend_path(TORO_BUILD)


def cases(tool, tap):
    nets = ["vsock", "user"] + (["tap"] if tap else [])
    out = []
    for d in ("h2g", "g2h"):
        out += [((f"toro-{n}", d), lambda n=n, d=d: bulk_toro(n, d))
                for n in nets]
        out.append((("linux-vsock", d), lambda d=d: bulk_linux(d, tool)))
    out += [((f"toro-{n}", "sink"), lambda n=n: bulk_toro(n, "sink"))
            for n in nets]
    out += [((f"toro-{n}", "web"), lambda n=n: web_toro(n)) for n in nets]
    out.append((("linux-vsock", "web"), lambda: web_linux(tool)))
    out.append((("linux-user", "web"), web_linux_tcp))
    return out


def main():
    argv = sys.argv[1:]
    inner = argv[:1] == [INNER]
    if inner:
        argv = argv[1:]
    runs = int(argv[0]) if argv and argv[0].isdigit() else 3
    if len(argv) > 1 or runs < 1:
        sys.exit("usage: bench/vsock.sh [RUNS]")
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        sys.exit("vsock: wrk not found (apt-get install wrk)")
    tool = build() if not inner else vg.backend_path(TORO_BUILD)
    if not inner and os.geteuid() == 0:
        # everything in a namespace with tap0; downloads were done above
        sys.exit(run_in_namespace([sys.executable, os.path.abspath(__file__),
                                   INNER, str(runs)], timeout=None,
                                  name="toro-vsock-"))
    if not inner:
        log("vsock: not root: no tap columns")
    order = cases(tool, inner)
    got = {}
    for i in range(runs):
        for key, fn in order if i % 2 == 0 else order[::-1]:
            r = fn()
            if not isinstance(r, dict):
                r = {"mibs": MIB / r}
            for m, v in r.items():
                got.setdefault(key, {}).setdefault(m, []).append(v)
            log(f"run {i + 1}/{runs} {key[0]} {key[1]}: " + " ".join(
                f"{m}={v:.4g}" for m, v in r.items()))
    print(report(got, runs, inner))


# --- Report ----------------------------------------------------------------

def med(got, key, m):
    v = got.get(key, {}).get(m)
    return statistics.median(v) if v else None


def cell(got, key, m, fmt):
    v = got.get(key, {}).get(m)
    if not v:
        return "not run"
    s = fmt.format(statistics.median(v))
    if len(v) > 1:
        s += f" ({fmt.format(min(v))}-{fmt.format(max(v))})"
    return s


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def report(got, runs, tap):
    nets = ["vsock", "user"] + (["tap"] if tap else [])
    label = {"vsock": "Toro vsock", "user": "Toro TCP, user net",
             "tap": "Toro TCP, tap"}
    head = ([label[n] for n in nets] + ["Linux vsock",
                                        "Toro vsock / TCP user net",
                                        "Toro vsock / Linux vsock"])
    bulk = [f"| {MIB} MiB bulk, MiB/s | " + " | ".join(head) + " |",
            "| --- " * (len(head) + 1) + "|"]
    for d, text in (("h2g", "host -> guest"), ("g2h", "guest -> host"),
                    ("sink", "host -> guest, bytes not checked in the "
                     "guest")):
        row = [cell(got, (f"toro-{n}", d), "mibs", "{:.1f}") for n in nets]
        row.append(cell(got, ("linux-vsock", d), "mibs", "{:.1f}")
                   if d != "sink" else "(vsock_tool always checks)")
        v = med(got, ("toro-vsock", d), "mibs")
        row += [ratio(v, med(got, ("toro-user", d), "mibs")),
                ratio(v, med(got, ("linux-vsock", d), "mibs"))]
        bulk.append(f"| {text} | " + " | ".join(row) + " |")
    whead = ([label[n] for n in nets] + ["Linux vsock (nginx behind socat)",
                                        "Linux TCP, user net (nginx)",
                                        "Toro vsock / TCP user net",
                                        "Toro vsock / Linux vsock"])
    web = ["| examples/webserver | " + " | ".join(whead) + " |",
           "| --- " * (len(whead) + 1) + "|"]
    rows = []
    for c in WEB_CONNS:
        rows += [(f"612-byte page, {c} connections, requests/s", f"rps{c}",
                  "{:.0f}"),
                 ("same, p99 latency, ms", f"p99_{c}", "{:.2f}")]
    rows.append(("64 MiB file, 1 connection, MiB/s", "huge_mibs", "{:.1f}"))
    for text, m, fmt in rows:
        row = [cell(got, (f"toro-{n}", "web"), m, fmt) for n in nets]
        row.append(cell(got, ("linux-vsock", "web"), m, fmt))
        row.append(cell(got, ("linux-user", "web"), m, fmt))
        v = med(got, ("toro-vsock", "web"), m)
        for other in (("toro-user", "web"), ("linux-vsock", "web")):
            o = med(got, other, m)
            # latency: the other's over Toro vsock's, so > 1 is better
            row.append(ratio(o, v) if m.startswith("p99") else ratio(v, o))
        web.append(f"| {text} | " + " | ".join(row) + " |")
    tables = "\n".join(bulk) + "\n\n" + "\n".join(web)
    body = (hb.fill(summary(runs, tap)) + "\n\n" + tables + "\n\n"
            + "\n\n".join(hb.fill(n) for n in notes(tap)) + "\n")
    results.update("vsock", "virtio-vsock", body)
    return tables


def summary(runs, tap):
    return (f"{runs} runs of every case, interleaved (the order reversed "
            "every other run); medians with the runs' range. QEMU microvm, "
            f"TCG, {SMP} CPUs and {MEM} MiB for every guest. Bulk: {MIB} "
            "MiB each way, timed on the host: host -> guest from the first "
            "byte written to the guest's close after it has read and "
            "checked them all; guest -> host from accept to EOF, checked by "
            "the host. Toro's program is bench/vsock (vsockbench.elf), the "
            "same for vsock and TCP; Linux's is bench/linux/vsock_tool.c. "
            f"Web: `wrk -t1 -cN -d{SECONDS}s --latency` on the 612-byte page "
            "(after a 2 s warm-up) with N = "
            + ", ".join(map(str, WEB_CONNS)) + f", and `-c1` on the 64 MiB "
            f"file (bench/http.sh's files). Toro at {hb.toro_version()}."
            + ("" if tap else " Not run as root: no tap columns."))


def notes(tap):
    n = [
        "vsock: `toro run --vsock PATH` (bulk) or `--vsock-port H:80` "
        "(web), our vhost-user backend tools/host/vsock (toro-vsock) on a "
        "vhost-user-vsock-device (virtio-mmio), guest memory a shared "
        "memfd. Host programs speak Firecracker's hybrid convention "
        "(CONNECT <port> on PATH; the guest reaches host port P at "
        "PATH_P); the web clients go through the backend's TCP forward on "
        "127.0.0.1:H. The Linux guest: Debian's kernel "
        f"{linux_release()} with vmw_vsock_virtio_transport on the same "
        "backend and the same QEMU device (bench/linux/vsock_guest.py).",
        "TCP, user net: `toro run --port H:G`, a virtio-net-device on "
        "QEMU user networking (slirp) with a host forward from 127.0.0.1; "
        "the guest reaches the host at 10.0.2.2. TCP, tap: `toro run "
        f"--tap {TAP}` in a network namespace the script makes and deletes "
        f"(host {TAP_HOST}, guest {TAP_GUEST}); the whole run happens in "
        "it, vsock and user-net cases too.",
        "Linux web over vsock: nginx does not speak AF_VSOCK, so the "
        "guest runs Debian's socat (`-b 65536 VSOCK-LISTEN:80,fork` to "
        "`TCP:127.0.0.1:80`, a process per connection) in front of nginx "
        "(bench/http/nginx.conf) on the loopback (bench/vsock/"
        "linux_web.sh); every byte crosses the guest's TCP loopback and "
        "socat as well, which is what serving HTTP over vsock costs a "
        "Linux guest without a vsock-aware server. The Linux file of 64 "
        "MiB is zeros, Toro's random bytes (nothing compresses them). "
        "Linux TCP, user net: bench/http.sh's Linux guest (the same "
        "nginx on a virtio-net-device, user networking with a host "
        "forward as `toro run --port` makes it), under the same loads: "
        "what the relay and vsock cost that guest.",
        "Bulk: the guest checks the bytes it receives (host -> guest): "
        "vsock_tool byte by byte, vsockbench with memcmp() per block; "
        "under TCG that costs emulated guest CPU, hence the row without "
        "the check (Toro only). Ratios above 1 mean Toro vsock is better "
        "(for latency: the other's figure over Toro vsock's). wrk, the "
        "backend and the host side of the bulk transfers (Python) run on "
        "the same 2-core host as QEMU's two vCPU threads and compete "
        "with them.",
    ]
    return n


def linux_release():
    try:
        return vg.guest.kernel_release(LINUX_DIR)
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
