#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""HTTP benchmark for bench/http.sh: wrk against Toro's web server
(examples/webserver) and against nginx in a Debian Linux guest, on the same
QEMU machine (microvm with ACPI, TCG, same CPUs and memory) with the same
network attachment, made by tools/toro/net.py for both: one virtio-net
device, either on QEMU user networking with a host forward from a free port
on 127.0.0.1 to the guest's port (HTTP_NET=user, the default), or on a tap
device (HTTP_NET=tap, as root): the script then makes a network namespace
of its own with tap0 (10.9.0.1; the guests are 10.9.0.2), runs the guests
and wrk inside it, and deletes it at the end, touching nothing outside.
Both serve the same files: a 612-byte page and a 1 MiB file; writes
bench/RESULTS.md (sections http and http_tap). (Not named http.py: it
would hide Python's http package from the scripts here.)

Each boot of either guest is measured once per load: small-page requests/s
with p50/p99 latency, and bulk MiB/s on the 1 MiB file. Boots of the two
alternate, the first of each pair switching sides from run to run, and the
table gives the median over runs. Before measuring, each guest's answer is
checked byte for byte, so a broken server is never timed.

Until examples/webserver is built (build/webserver.elf) only the Linux
column is measured, and the table says so.
"""
import glob
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import textwrap
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from toro import devices, net  # noqa: E402
import guest  # noqa: E402
import results  # noqa: E402
from netns import GUEST as TAP_GUEST, HOST as TAP_HOST, TAP  # noqa: E402
from netns import run_in_namespace  # noqa: E402

BUILD = os.path.join(ROOT, "build")
TORO_BUILD = os.environ.get("TORO_BUILD", BUILD)
TORO_ELF = os.path.join(TORO_BUILD, "webserver.elf")
CEILING_ELF = os.path.join(TORO_BUILD, "ceiling.elf")
TORO_GUEST_PORT = int(os.environ.get("HTTP_TORO_PORT", "80"))
LINUX_DIR = os.path.join(BUILD, "linux", "http")
DEBS = os.path.join(BUILD, "linux", "debs")
NGINX_DIR = os.path.join(BUILD, "linux", "nginx")
SITE = os.path.join(BUILD, "http", "site")
# This bench's site: SITE's files and a 64 MiB one (SITE itself stays
# small: bench/event_loop.py boots it too).
BULK_SITE = os.path.join(BUILD, "http", "site-bulk")
HERE = os.path.join(ROOT, "bench", "http")

SMP = int(os.environ.get("HTTP_SMP", "2"))
MEM = 256                       # MiB, both guests
SMALL, BIG, HUGE = "/index.html", "/1m.bin", "/64m.bin"
SMALL_SIZE, BIG_SIZE, HUGE_SIZE = 612, 1 << 20, 64 << 20
DURATION = int(os.environ.get("HTTP_SECONDS", "10"))   # per wrk run
# Connections for the small page: few for the latencies, so that wrk's
# tail measures the guests more than the user-networking path (see
# notes()), then more.
SMALL_CONNS = int(os.environ.get("HTTP_CONNS", "8"))
MORE_CONNS = (64, 512)
BIG_CONNS = 4
HUGE_CONNS = 2
BOOT_TIMEOUT = 180              # seconds until the server answers
NET = os.environ.get("HTTP_NET", "user")
INNER = "--in-namespace"        # argv[1] of the run inside the namespace
MODULES = ("virtio_mmio", "virtio_net")


# --- Building ------------------------------------------------------------

def make_site():
    """The files both guests serve, the same bytes every time."""
    os.makedirs(SITE, exist_ok=True)
    head = ("<!DOCTYPE html>\n<html>\n<head>\n<title>Toro bench</title>\n"
            "</head>\n<body>\n<h1>It works</h1>\n<p>")
    tail = "</p>\n</body>\n</html>\n"
    filler = "A page of the size of a typical small static response. " * 20
    page = head + filler[:SMALL_SIZE - len(head) - len(tail)] + tail
    assert len(page.encode()) == SMALL_SIZE
    with open(os.path.join(SITE, SMALL[1:]), "w") as f:
        f.write(page)
    rng = random.Random(1)
    with open(os.path.join(SITE, BIG[1:]), "wb") as f:
        f.write(rng.randbytes(BIG_SIZE))


def make_bulk_site():
    """SITE and a 64 MiB file, for this bench only: Toro's initrd. (The
    Linux guest writes its own 64 MiB file at boot, bench/http/
    linux_init.sh: in its initramfs the file would not fit in 256 MiB,
    packed and unpacked.)"""
    make_site()
    os.makedirs(BULK_SITE, exist_ok=True)
    for path in (SMALL, BIG):
        shutil.copyfile(os.path.join(SITE, path[1:]),
                        os.path.join(BULK_SITE, path[1:]))
    huge = os.path.join(BULK_SITE, HUGE[1:])
    if not os.path.exists(huge) or os.path.getsize(huge) != HUGE_SIZE:
        rng = random.Random(2)
        with open(huge, "wb") as f:
            for _ in range(HUGE_SIZE >> 20):
                f.write(rng.randbytes(1 << 20))


def fetch_nginx():
    """Debian's nginx, downloaded once into build/linux/debs/ (where
    build_guest.sh keeps its packages) and unpacked; its binary's path."""
    debs = glob.glob(os.path.join(DEBS, "nginx_*.deb"))
    if not debs:
        os.makedirs(DEBS, exist_ok=True)
        opts = ["-o", "APT::Sandbox::User=root"] if os.geteuid() == 0 else []
        subprocess.run(["apt-get", "download", "-qq", *opts, "nginx"],
                       cwd=DEBS, check=True)
        debs = glob.glob(os.path.join(DEBS, "nginx_*.deb"))
    deb = sorted(debs)[-1]
    stamp = os.path.join(NGINX_DIR, ".unpacked")
    if not os.path.exists(stamp) or open(stamp).read() != deb:
        subprocess.run(["rm", "-rf", NGINX_DIR], check=True)
        subprocess.run(["dpkg-deb", "-x", deb, NGINX_DIR], check=True)
        with open(stamp, "w") as f:
            f.write(deb)
    return os.path.join(NGINX_DIR, "usr", "sbin", "nginx")


def shared_libraries(binary):
    """"SRC:DEST" for each library ldd names (and the dynamic loader): the
    host's copies, which are the same Debian release's packages."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True,
                         check=True).stdout
    specs = []
    for line in out.splitlines():
        if "not found" in line:
            sys.exit(f"http: {binary} needs {line.split()[0]}, which this "
                     "host lacks: apt-get install the package that has it")
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            specs.append(f"{os.path.realpath(m.group(1))}:{m.group(1)}")
    return specs


def build():
    make_bulk_site()
    nginx = fetch_nginx()
    files = [f"{nginx}:/usr/sbin/nginx",
             f"{os.path.join(HERE, 'nginx.conf')}:/etc/nginx/nginx.conf",
             f"{SITE}:/srv/www"] + shared_libraries(nginx)
    guest.build(LINUX_DIR, os.path.join(HERE, "linux_init.sh"), files,
                modules=MODULES)


# --- Running -------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def network(port, guest_port):
    """The devices of both guests: the virtio-net device of `toro run
    --port PORT:GUEST_PORT` (or of `--tap tap0`), on microvm with ACPI."""
    p = devices.Plan("microvm", True, MEM)
    p.net = (net.Net(tap=TAP) if NET == "tap" else
             net.Net([net.Forward("tcp", port, guest_port)]))
    return p


def target(guest_port):
    """Where wrk finds a guest's port: a forward from a free port on
    127.0.0.1, or the guest's own address on the tap."""
    if NET == "tap":
        return TAP_GUEST, guest_port
    return "127.0.0.1", free_port()


def get(addr, path):
    with urllib.request.urlopen(f"http://{addr[0]}:{addr[1]}{path}",
                                timeout=30) as r:
        return r.status, r.read()


def wait_serving(addr, proc, log):
    """Wait until the guest serves both files right; exit if it dies,
    answers wrong or takes too long."""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        if proc.poll() is not None:
            sys.exit(f"http: the guest stopped ({proc.returncode}):\n"
                     + tail(log))
        try:
            got = {path: get(addr, path) for path in (SMALL, BIG)}
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"http: nothing served on {addr[0]}:{addr[1]} "
                         f"after {BOOT_TIMEOUT} s:\n" + tail(log))
            time.sleep(0.5)
    for path, (status, body) in got.items():
        with open(os.path.join(SITE, path[1:]), "rb") as f:
            want = f.read()
        if status != 200 or body != want:
            sys.exit(f"http: GET {path}: status {status}, {len(body)} bytes "
                     f"(want 200, {len(want)} bytes as in {SITE})")


def tail(path, n=40):
    try:
        with open(path, errors="replace") as f:
            return "\n".join(f.read().splitlines()[-n:])
    except OSError:
        return ""


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
BYTES = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def wrk(addr, path, conns, seconds, close=False):
    """One wrk run; {"rps", "p50_ms", "p99_ms", "mibs", "requests",
    "errors"}. close: every request on a new connection (Connection:
    close)."""
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
           "--timeout", "10s", f"http://{addr[0]}:{addr[1]}{path}"]
    if close:
        cmd[1:1] = ["-H", "Connection: close"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    r = {}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    t = re.search(r"^Transfer/sec:\s+([\d.]+)(\w+)", out, re.M)
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    n = re.search(r"^\s*(\d+) requests in", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not m or not n or not t or set(lat) != {"50", "99"} or bad:
        sys.exit(f"http: {shlex_join(cmd)} gave:\n{out}")
    r["rps"] = float(m.group(1))
    r["requests"] = int(n.group(1))
    r["mibs"] = float(t.group(1)) * BYTES[t.group(2)] / (1 << 20)
    for q, text in lat.items():
        num, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        r[f"p{q}_ms"] = float(num) * UNITS[unit]
    errors = re.search(r"Socket errors: (.*)", out)
    r["errors"] = errors.group(1) if errors else ""
    return r


def shlex_join(words):
    import shlex
    return shlex.join(words)


def measure(addr):
    """The loads of one boot: a short warm-up (TCG translates the code
    paths once), small page, bulk file."""
    wrk(addr, SMALL, SMALL_CONNS, 2)
    small = wrk(addr, SMALL, SMALL_CONNS, DURATION)
    more = {c: wrk(addr, SMALL, c, DURATION) for c in MORE_CONNS}
    close = wrk(addr, SMALL, SMALL_CONNS, DURATION, close=True)
    big = wrk(addr, BIG, BIG_CONNS, DURATION)
    huge = wrk(addr, HUGE, HUGE_CONNS, DURATION)
    runs = [small, *more.values(), close, big, huge]
    got = {"rps": small["rps"], "p50_ms": small["p50_ms"],
           "p99_ms": small["p99_ms"], "cps": close["rps"],
           "bulk_mibs": big["mibs"], "huge_mibs": huge["mibs"],
           "errors": " ".join(r["errors"] for r in runs if r["errors"])}
    for c, r in more.items():
        got[f"rps{c}"], got[f"p99_{c}"] = r["rps"], r["p99_ms"]
    return got


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_guest(cmd, addr, name, loads=None):
    """Boots `cmd`, waits until it serves right, runs `loads(addr)`
    (measure() by default) and stops it."""
    log = os.path.join(BUILD, "http", f"{name}.log")
    with open(log, "w") as f:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f,
                                stderr=subprocess.STDOUT, cwd=ROOT,
                                env=dict(os.environ, TORO_BUILD=TORO_BUILD))
    try:
        wait_serving(addr, proc, log)
        return (loads or measure)(addr)
    finally:
        stop(proc)


def toro_command(elf, addr, trace, args=(), smp=None):
    cmd = [os.path.join(ROOT, "toro"), "run", elf, "--smp", str(smp or SMP),
           "--mem", str(MEM), "--accel", "tcg", "--initrd", BULK_SITE]
    if NET == "tap":
        cmd += ["--tap", TAP, "--append", f"ip={TAP_GUEST}/24 gw={TAP_HOST}"]
    else:
        cmd += ["--port", f"{addr[1]}:{TORO_GUEST_PORT}"]
    return cmd + [f"--qemu-arg={a}" for a in trace] + ["--", *args]


def run_toro(loads=None, trace=()):
    """Toro's web server; `trace`: QEMU arguments (`-trace ...`)."""
    addr = target(TORO_GUEST_PORT)
    return run_guest(toro_command(TORO_ELF, addr, trace), addr, "toro",
                     loads)


def run_ceiling(loads=None, trace=()):
    """bench/ceiling: the same files answered from memory over lwIP's raw
    API, on the same machine."""
    addr = target(TORO_GUEST_PORT)
    return run_guest(toro_command(CEILING_ELF, addr, trace,
                                  (SMALL, BIG, HUGE)), addr, "ceiling",
                     loads)


def run_linux(loads=None, trace=()):
    addr = target(80)
    args = [f"{TAP_GUEST}/24", TAP_HOST] if NET == "tap" else []
    cmd = guest.qemu_command(LINUX_DIR, smp=SMP, mem=MEM, args=args,
                             qemu_args=list(trace) +
                             network(addr[1], 80).qemu_args([]))
    return run_guest(cmd, addr, "linux", loads)


def in_namespace(runs, script=__file__):
    """Runs `script` (this one) again inside a network namespace of its
    own with tap0, and deletes the namespace afterwards, whatever
    happens."""
    if os.geteuid() != 0:
        sys.exit("http: HTTP_NET=tap makes a network namespace and a tap "
                 "device: run as root")
    return run_in_namespace([sys.executable, os.path.abspath(script),
                             INNER, str(runs)], timeout=None,
                            name="toro-http-")


# --- Report --------------------------------------------------------------

ROWS = [("612-byte page, requests/s", "rps", True, "{:.0f}"),
        ("612-byte page, p50 latency, ms", "p50_ms", False, "{:.2f}"),
        ("612-byte page, p99 latency, ms", "p99_ms", False, "{:.2f}")]
for _c in MORE_CONNS:
    ROWS += [(f"same, {_c} connections, requests/s", f"rps{_c}", True,
              "{:.0f}"),
             (f"same, {_c} connections, p99 latency, ms", f"p99_{_c}",
              False, "{:.2f}")]
ROWS += [("same, a connection per request, connections/s", "cps", True,
          "{:.0f}"),
         ("1 MiB file, MiB/s", "bulk_mibs", True, "{:.1f}"),
         ("64 MiB file, MiB/s", "huge_mibs", True, "{:.1f}")]
METRICS = tuple(key for _, key, _, _ in ROWS)


def main():
    argv = sys.argv[1:]
    inner = argv[:1] == [INNER]
    if inner:
        argv = argv[1:]
    try:
        runs = int(argv[0]) if argv else 3
    except ValueError:
        runs = 0
    if runs < 1 or len(argv) > 1 or NET not in ("user", "tap"):
        sys.exit("usage: [HTTP_NET=user|tap] bench/http.sh [RUNS]")
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        sys.exit("http: wrk not found (apt-get install wrk)")
    if not inner:
        build()     # downloads: outside the namespace, which has no route
        if NET == "tap":
            sys.exit(in_namespace(runs))
    have_toro = os.path.exists(TORO_ELF)
    if not have_toro:
        print(f"http: {os.path.relpath(TORO_ELF, ROOT)} not built: "
              "measuring Linux only", file=sys.stderr)
    have_ceiling = os.path.exists(CEILING_ELF)
    got = {g: {m: [] for m in METRICS} for g in ("toro", "linux", "ceiling")}
    order = [("linux", run_linux)] + ([("toro", run_toro)] if have_toro else [])
    order += [("ceiling", run_ceiling)] if have_ceiling else []
    for i in range(runs):
        for system, fn in order if i % 2 == 0 else order[::-1]:
            r = fn()
            for m in METRICS:
                got[system][m].append(r[m])
            print(f"run {i + 1}/{runs} {system}: "
                  + " ".join(f"{m}={r[m]:.3g}" for m in METRICS)
                  + (f" socket errors: {r['errors']}" if r["errors"] else ""),
                  flush=True)
    table = report(got, runs)
    print(table)


def cell(values, fmt):
    if not values:
        return "not built"
    med = fmt.format(statistics.median(values))
    if len(values) > 1:
        med += f" ({fmt.format(min(values))}-{fmt.format(max(values))})"
    return med


def ratio(toro, linux, higher_is_better):
    if not toro or not linux:
        return "n/a"
    t, li = statistics.median(toro), statistics.median(linux)
    return f"{t / li:.2f}x" if higher_is_better else f"{li / t:.2f}x"


def report(got, runs):
    table = ["| measurement | Toro (runs' range) | Linux + nginx (runs' "
             "range) | Toro/Linux | ceiling (runs' range) | Toro/ceiling |",
             "| --- | --- | --- | --- | --- | --- |"]
    for label, key, higher, fmt in ROWS:
        toro, linux, ceil = (got[g][key] for g in ("toro", "linux",
                                                     "ceiling"))
        table.append(f"| {label} | {cell(toro, fmt)} | {cell(linux, fmt)} "
                     f"| {ratio(toro, linux, higher)} | {cell(ceil, fmt)} "
                     f"| {ratio(toro, ceil, higher)} |")
    table = "\n".join(table)
    body = (fill(summary(runs)) + "\n\n" + table + "\n\n"
            + "\n\n".join(fill(n) for n in notes()) + "\n")
    # Each CPU count has a section of its own; 2 keeps the old names.
    cpus = "" if SMP == 2 else f"_{SMP}cpu"
    title = "" if SMP == 2 else f", {SMP} CPU{'s' if SMP > 1 else ''}"
    if NET == "tap":
        results.update("http_tap" + cpus, "HTTP over a tap" + title, body)
    else:
        results.update("http" + cpus, "HTTP" + title, body)
    return table


def fill(text):
    return textwrap.fill(text, 76, break_on_hyphens=False,
                         break_long_words=False)


def toro_version():
    r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown commit"


def summary(runs):
    return (f"{runs} boots of each guest, interleaved (which goes first "
            "alternates); each boot is measured once per load and the table "
            "gives the median over boots. Toro/Linux above 1 means Toro is "
            "better (for latency: Linux's figure over Toro's). QEMU microvm "
            f"with ACPI, TCG, {SMP} CPUs and {MEM} MiB for both guests. "
            f"Loads: `wrk -t1 -cN -d{DURATION}s --latency` on "
            f"the {SMALL_SIZE}-byte page (after a 2 s warm-up) with N = "
            f"{SMALL_CONNS}, " + ", ".join(map(str, MORE_CONNS)) + ", and "
            f"with N = {SMALL_CONNS} and `-H 'Connection: close'`; "
            f"`wrk -t1 -c{BIG_CONNS}` on the 1 MiB file and "
            f"`-c{HUGE_CONNS}` on the 64 MiB one; keep-alive unless said. "
            f"Toro at {toro_version()}.")


def notes():
    return [network_note()] + guests_note()


def network_note():
    if NET == "tap":
        return (
            "Network, the same for both, as `toro run --tap` makes it "
            "(tools/toro/net.py): a virtio-net-device on a virtio-mmio "
            "transport, on a tap device (tap0, 10.9.0.1/24) in a network "
            "namespace the script makes and deletes; the guests take "
            "10.9.0.2 and wrk runs in the namespace. No NAT and no copy "
            "through a TCP stack in QEMU: each frame goes between the "
            "guest and the host kernel, with the virtio-net offloads the "
            "guest negotiates (checksums, TSO/GSO, large receive) passed "
            "on to the tap. wrk runs on the same 2-core host as the two "
            "vCPU threads of QEMU and its I/O thread, and competes with "
            "them for the cores.")
    return (
        "Network, the same for both, as `toro run --port` makes it "
        "(tools/toro/net.py): a virtio-net-device on a virtio-mmio "
        "transport, on QEMU user networking (slirp) with a host forward "
        "from 127.0.0.1. Slirp copies every segment through the QEMU "
        "process and is itself a TCP stack: it caps both guests, and "
        "favours neither. wrk runs on the same 2-core host as the two "
        "vCPU threads of QEMU, and competes with them for the cores. "
        f"{SMALL_CONNS} connections for the small page: the p99 latency "
        "of the Linux guest varies here from one boot to the next between "
        "about 6 and 100 ms even at 8 connections, and "
        "with 32 it reached 1-5 s (a few connections stall, as after lost "
        "segments) while requests/s grew by a sixth: past a few "
        "connections the tail measures the user-networking path and the "
        "shared host more than the guest. HTTP_CONNS sets the count.")


def guests_note():
    return [
        "Toro: examples/webserver serving the files from an initrd "
        "(`toro run --initrd`). Linux: Debian's kernel "
        f"{kernel_release()} with its virtio_mmio and virtio_net modules "
        "and a busybox initramfs (bench/linux/build_guest.sh) running "
        "Debian's nginx (bench/http/nginx.conf: a worker per CPU, no "
        "access log, sendfile, unlimited keep-alive) with the libraries "
        "ldd names, serving the files from the initramfs (RAM).",
        "Ceiling: bench/ceiling, the least a Toro guest can do to answer "
        "HTTP: lwIP's raw API in its own callbacks, no sockets, threads "
        "or file reads per request, the same files read into memory at "
        "start and handed to TCP without a copy. The web server's figure "
        "over it is the share of what this VMM path allows that the web "
        "server reaches (issue 11's target: 70%).",
    ]


def kernel_release():
    try:
        return guest.kernel_release(LINUX_DIR)
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
