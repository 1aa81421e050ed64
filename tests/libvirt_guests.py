#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guests run through libvirt by `toro run --libvirt`, against a libvirtd
of our own (tests/libvirtd.py), inside a network namespace with a tap
(tests/netns.py), where run by tests/libvirt_checks.py.

Usage (root, in the namespace): tests/libvirt_guests.py BUILD
Prints PASS/FAIL lines; exit status 0 only if all pass:
  - hello on microvm: its output, status 0;
  - test_args on q35: its arguments, the status 300 & 0xff = 44;
  - virtio-fs on microvm (the files test, and its files on the host) and
    a disk on q35;
  - the web server on QEMU's user network with a forwarded port (microvm)
    and on the tap, multi_queue, with 2 CPUs (q35): a page fetched and
    compared with the site's file, then /__quit, status 0, and on the
    tap the driver's 2 queue pairs;
  - test_spin past --timeout: status 124; stopped by SIGTERM: 143;
  - test_stop's handler asked by SIGTERM (virsh shutdown: the power
    button): the program's own status, 7;
  - no domain left defined afterwards.
Every wait has a time-out.
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from libvirtd import Libvirtd  # noqa: E402
from netns import GUEST, GUEST_APPEND, TAP  # noqa: E402

TORO = os.path.join(ROOT, "toro")
SITE = os.path.join(ROOT, "examples", "webserver", "site")
BOOT_TIMEOUT = 180      # seconds per guest (TCG on a loaded machine)
results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + what +
          ("" if ok or not detail else f": {detail}"), flush=True)


def qemu_log_tail(daemon, lines=8):
    """The end of the QEMU log libvirtd wrote last: why a QEMU that "closed
    the monitor" at start-up went (libvirt says no more)."""
    d = daemon.path("var_log/libvirt/qemu")
    try:
        logs = [os.path.join(d, n) for n in os.listdir(d) if n.endswith(".log")]
        with open(max(logs, key=os.path.getmtime), errors="replace") as f:
            return " | ".join(f.read().splitlines()[-lines:])
    except (OSError, ValueError):
        return "no QEMU log"


def toro_run(uri, *args, daemon=None):
    # Our flags first: after the guest's `--` they would be its arguments.
    r = subprocess.run([TORO, "run", "--accel", "tcg", "--timeout",
                        str(BOOT_TIMEOUT), f"--libvirt={uri}", *args],
                       capture_output=True, text=True,
                       timeout=BOOT_TIMEOUT + 60)
    err = r.stderr
    if daemon and "closed the monitor" in err:
        err += " [QEMU's log: " + qemu_log_tail(daemon) + "]"
    return r.returncode, r.stdout, err


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(host, port, path):
    c = http.client.HTTPConnection(host, port, timeout=60)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def web_server(uri, build, name, flags, host, port, log_has=None):
    """Boot the web server with (flags), wait for it to serve, fetch the
    index page from host:port, then /__quit; check it all, and that its
    log has (log_has) if given."""
    proc = subprocess.Popen(
        [TORO, "run", os.path.join(build, "webserver.elf"), "--accel", "tcg",
         "--timeout", str(BOOT_TIMEOUT), "--initrd", SITE,
         f"--libvirt={uri}", *flags, "--", "--quit-path", "/__quit"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    serving = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("webserver: serving"):
                serving.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not serving.wait(BOOT_TIMEOUT):
            check(False, f"{name}: the server started", "".join(lines))
            return
        with open(os.path.join(SITE, "index.html"), "rb") as f:
            want = f.read()
        status, body = fetch(host, port, "/")
        check(status == 200 and body == want, f"{name}: GET / is index.html",
              f"status {status}, {len(body)} bytes")
        status, _ = fetch(host, port, "/__quit")
        rc = proc.wait(BOOT_TIMEOUT)
        reader.join(10)
        check(rc == 0 and any("/__quit requested" in ln for ln in lines),
              f"{name}: exits with status 0", f"exit {rc}, "
              f"{''.join(lines)!r} {proc.stderr.read()!r}")
        if log_has:
            check(any(log_has in ln for ln in lines),
                  f"{name}: the log says {log_has!r}", "".join(lines))
    except (OSError, subprocess.TimeoutExpired, http.client.HTTPException) as e:
        check(False, name, f"{type(e).__name__}: {e}; {''.join(lines)!r}")
    finally:
        if proc.poll() is None:
            proc.terminate()        # toro destroys and undefines the domain
            proc.wait(60)


def devices(uri, build):
    """virtio-fs (virtiofsd started by libvirt) on microvm, checked on
    the host too, and a disk on q35."""
    with tempfile.TemporaryDirectory() as share:
        rc, out, err = toro_run(uri, "--fs", share, "--mem", "64",
                                os.path.join(build, "tests",
                                             "test_virtiofs.elf"),
                                "--", "files")
        host = subprocess.run([os.path.join(ROOT, "tests", "sys",
                                            "test_virtiofs", "check.sh"),
                               "files", share], capture_output=True,
                              text=True, timeout=60)
        check(rc == 0 and "PASS files" in out and "FAIL" not in out
              and host.returncode == 0, "virtio-fs: the files test, and "
              "on the host what it wrote", f"exit {rc}, {out[-1500:]!r} "
              f"{err!r}, check.sh: {host.stderr!r}")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(24 << 20)
        rc, out, err = toro_run(uri, "--machine", "q35", "--disk", disk,
                                os.path.join(build, "tests", "test_blk.elf"),
                                "--", "checks")
        check(rc == 0 and "PASS bad requests" in out and "FAIL" not in out,
              "virtio-blk on q35: the checks", f"exit {rc}, "
              f"{out[-1500:]!r} {err!r}")


def stop_by_signal(uri, build, app="test_spin", args=(), want=143,
                   first=b"spinning", says=b""):
    """SIGTERM once the guest printed (first): status (want), and
    (checked by the caller) the domain gone. test_spin links no signal
    code, so the domain is destroyed; a program that hears the power
    button is asked (virsh shutdown) and ends with its own status."""
    proc = subprocess.Popen([TORO, "run", os.path.join(build, "tests",
                                                       f"{app}.elf"),
                             "--accel", "tcg", "--timeout", str(BOOT_TIMEOUT),
                             f"--libvirt={uri}", "--", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timer = threading.Timer(BOOT_TIMEOUT, proc.kill)
    timer.start()
    try:
        line = proc.stdout.readline()       # (first): the guest runs
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=60)
        rc = proc.returncode
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    check(rc == want and first in line and says in rest,
          f"{' '.join([app, *args])}: SIGTERM, status {want}",
          f"exit {rc}, {line!r} {rest!r}")


def main(build):
    with tempfile.TemporaryDirectory(prefix="toro-libvirtd-") as base, \
            Libvirtd(base) as daemon:
        uri = daemon.uri
        rc, out, err = toro_run(uri, os.path.join(build, "hello.elf"),
                                daemon=daemon)
        check(rc == 0 and "Hello from Toro" in out, "hello: output, status 0",
              f"exit {rc}, {out!r} {err!r}")
        rc, out, err = toro_run(uri, os.path.join(build, "tests",
                                                  "test_args.elf"),
                                "--machine", "q35", "--", "300", "b c",
                                daemon=daemon)
        check(rc == 44 and "argv[2]=<b c>" in out,
              "test_args on q35: arguments, status 300 & 0xff",
              f"exit {rc}, {out!r} {err!r}")
        devices(uri, build)
        port = free_port()
        web_server(uri, build, "web server, forwarded port",
                   ["--port", f"{port}:80"], "127.0.0.1", port)
        # The tap is multi_queue: 2 CPUs, 2 queue pairs (<driver
        # queues='2'/>: libvirt opens the tap twice), which the driver's
        # report at exit shows (toro.netstats).
        web_server(uri, build, "web server, multi-queue tap", [
            "--machine", "q35", "--smp", "2", "--tap", TAP, "--append",
            GUEST_APPEND + " toro.netstats"], GUEST, 80,
            log_has="2 queue pairs; frames")
        r = subprocess.run([TORO, "run", os.path.join(build, "tests",
                                                      "test_spin.elf"),
                            "--accel", "tcg", "--timeout", "5",
                            f"--libvirt={uri}"],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 124 and "did not stop within 5 s" in r.stderr,
              "test_spin: --timeout stops it, status 124",
              f"exit {r.returncode}, {r.stderr!r}")
        stop_by_signal(uri, build)
        stop_by_signal(uri, build, "test_stop", ["handler"], 7, b"ready",
                       b"handler took signal 15")
        left = daemon.domains()
        check(not left, "no domain left defined", f"{left}")
        # hello, test_args, virtio-fs, a disk, two web servers, two
        # test_spin, test_stop.
        started = daemon.started()
        check(len(started) == 9, "every run was a domain of this libvirtd",
              f"{started}")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(os.path.abspath(sys.argv[1])))
