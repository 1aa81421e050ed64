#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The host's side of tests/sys/test_vsock (see main.c there), run by
tests/run.py as a case's host_client with TEST_VSOCK, the Unix socket of
`toro run --vsock`. Firecracker's convention: we reach guest port P by
connecting to TEST_VSOCK and saying "CONNECT P\\n" (answered "OK N\\n");
the guest reaches our port P at TEST_VSOCK_P, where we listen.

Usage: vsock_host.py echo|send|peek|stall|dead PORT
Prints PASS/FAIL lines; exits 1 if any check failed. Every wait has a
generous timeout, so a guest that hangs fails a check instead.
"""
import hashlib
import os
import socket
import sys
import threading
import time

TIMEOUT = 120
BIG = 16 << 20
CONCURRENT = 100
failures = 0


def check(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


def path():
    return os.environ["TEST_VSOCK"]


def connect_guest(port):
    """A connection to the guest's (port), after the handshake; or None
    when the backend closes it (nobody listening)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect(path())
    s.sendall(b"CONNECT %d\n" % port)
    line = b""
    while not line.endswith(b"\n"):
        c = s.recv(1)
        if not c:
            s.close()
            return None
        line += c
    if not line.startswith(b"OK "):
        raise RuntimeError(f"backend answered {line!r}")
    return s


def listen_for_guest(port):
    p = f"{path()}_{port}"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(p)
    s.listen(16)
    s.settimeout(TIMEOUT)
    return s


def recv_all(s):
    chunks = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def echo_round(port, data, results, i):
    """Sends (data) to the guest's echo, reading the echo meanwhile."""
    try:
        s = connect_guest(port)
        if s is None:
            results[i] = "refused"
            return
        got = hashlib.sha256()
        count = [0]

        def reader():
            while True:
                b = s.recv(1 << 16)
                if not b:
                    return
                got.update(b)
                count[0] += len(b)
        t = threading.Thread(target=reader)
        t.start()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        t.join(TIMEOUT)
        s.close()
        results[i] = (count[0] == len(data) and
                      got.digest() == hashlib.sha256(data).digest())
    except OSError as e:
        results[i] = f"{e}"


def mode_echo(port):
    check(connect_guest(port + 1) is None,
          "host to a guest port nobody listens on: refused")
    data = os.urandom(BIG)
    results = [None]
    echo_round(port, data, results, 0)
    check(results[0] is True, f"16 MiB host->guest->host echo, SHA-256 "
          f"({results[0]})")
    results = [None] * CONCURRENT
    threads = [threading.Thread(target=echo_round,
                                args=(port, os.urandom(64 << 10), results, i))
               for i in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    bad = [r for r in results if r is not True]
    check(not bad, f"{CONCURRENT} concurrent connections echo 64 KiB each"
          + (f" ({len(bad)} failed: {bad[:3]})" if bad else ""))


def mode_send(port):
    lst = listen_for_guest(port)
    c, _ = lst.accept()
    c.settimeout(TIMEOUT)
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
        c.sendall(b)
    c.shutdown(socket.SHUT_WR)
    c.close()
    print(f"host: got {n} bytes, sha256 {h.hexdigest()}", flush=True)
    check(n == BIG, "guest->host 16 MiB arrived and went back")


def mode_peek(port):
    lst = listen_for_guest(port)
    c, _ = lst.accept()
    c.settimeout(TIMEOUT)
    go = b""
    while not go.endswith(b"\n"):
        b = c.recv(1)
        if not b:
            break
        go += b
    check(go == b"go\n", "peek: the guest asked")
    c.sendall(b"hello, peek")
    rest = recv_all(c)
    check(rest == b"bytes after go", f"peek: the guest's half-close ({rest!r})")
    c.sendall(b"got %d bytes, bye" % len(rest))
    c.close()


def mode_stall(port):
    """One connection fills up (the guest never reads it), then a second
    is echoed to its end: the first must not hold up the second."""
    stalled = connect_guest(port)
    stalled.setblocking(False)
    block, sent = os.urandom(1 << 16), 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:      # until the guest stops taking
        try:
            sent += stalled.send(block)
        except BlockingIOError:
            time.sleep(0.5)
            try:
                sent += stalled.send(block)
            except BlockingIOError:
                break
    check(sent < 64 << 20, f"stall: the unread connection filled up after "
          f"{sent >> 10} KiB")
    results = [None]
    echo_round(port, os.urandom(4 << 20), results, 0)
    check(results[0] is True, f"stall: 4 MiB echoed beside it ({results[0]})")
    stalled.close()


def mode_dead(port):
    lst = listen_for_guest(port)
    c, _ = lst.accept()
    c.settimeout(TIMEOUT)
    block = os.urandom(1 << 16)
    try:
        while True:          # until the backend dies under us
            c.sendall(block)
    except OSError:
        pass
    check(True, "dead: the backend went away mid-transfer")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("echo", "send", "peek",
                                                 "stall", "dead"):
        print(__doc__, file=sys.stderr)
        return 2
    globals()["mode_" + sys.argv[1]](int(sys.argv[2]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
