# SPDX-License-Identifier: MIT
"""The clients of the stress harness (stress.py): each kind is a loop in a
thread of its own that talks HTTP/1.1 to the web server and checks every
answer byte for byte against the site it was given.

Every wait on the server goes through Client._expect(): it records what
the client is waiting for and since when, so the watcher (stress.py) can
tell a slow server from one that stopped answering. Waits the client makes
on purpose (a request left half-sent, a reader that takes its time) are
not recorded: they are what the server must put up with, not what it
owes.
"""
import random
import socket
import struct
import threading
import time


class Site(dict):
    """path -> bytes, and which paths are small and which large."""

    def __init__(self, files, large_from=256 * 1024):
        super().__init__(files)
        self.small = sorted(p for p, b in files.items() if len(b) < large_from)
        self.large = sorted((p for p, b in files.items()
                             if len(b) >= large_from), key=lambda p:
                            len(files[p]))


class Bad(Exception):
    """A wrong answer: a failure of the run, not a stall."""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = {}      # kind -> answers checked
        self.bytes = 0
        self.errors = []        # (kind, text)

    def answered(self, kind, nbytes):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1
            self.bytes += nbytes

    def error(self, kind, text):
        with self.lock:
            self.errors.append((kind, text))

    def total(self):
        with self.lock:
            return sum(self.requests.values())


class Client:
    """One client thread's connection and what it is waiting for."""

    def __init__(self, kind, addr, site, stats, stop, timeout):
        self.kind, self.addr, self.site = kind, addr, site
        self.stats, self.stop = stats, stop
        self.timeout = timeout      # no wait on the server is longer
        self.waiting = None         # (what, since) while waiting on it
        self.lock = threading.Lock()
        self.rng = random.Random(hash(kind) ^ id(self))
        self.sock = None
        self.head_first = False     # see half_close()

    # --- What the watcher reads -----------------------------------------

    def wait_state(self):
        with self.lock:
            return self.waiting

    def _expect(self, what):
        with self.lock:
            self.waiting = (what, time.monotonic())

    def _done(self):
        with self.lock:
            self.waiting = None

    # --- Talking to the server -------------------------------------------

    def connect(self):
        self.close()
        family = socket.AF_INET6 if ":" in self.addr[0] else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        self._expect("connect")
        try:
            s.connect(self.addr)
        except BaseException:
            s.close()
            raise
        finally:
            self._done()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s
        self.buf = b""

    def close(self, reset=False):
        if self.sock is None:
            return
        if reset:
            # SO_LINGER of 0: close() sends a RST, not a FIN.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
        self.sock.close()
        self.sock = None

    def send(self, data):
        self._expect("send")
        try:
            self.sock.sendall(data)
        finally:
            self._done()

    def _recv(self, what, n=65536):
        self._expect(what)
        try:
            data = self.sock.recv(n)
        except ConnectionError as e:
            # Say where in the conversation the server broke it.
            raise type(e)(e.errno, f"{e.strerror} while waiting for "
                          f"the {what}") from None
        finally:
            self._done()
        return data

    def read_head(self, path):
        """The status and headers of one answer (the rest stays in
        self.buf)."""
        while b"\r\n\r\n" not in self.buf:
            data = self._recv(f"answer to GET {path} (after "
                              f"{len(self.buf)} bytes)")
            if not data:
                raise Bad(f"GET {path}: connection closed before an answer"
                          f" ({len(self.buf)} bytes of head)")
            self.buf += data
            if b"\r\n\r\n" not in self.buf and len(self.buf) > 16384:
                raise Bad(f"GET {path}: head longer than 16 KiB")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise Bad(f"GET {path}: status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        return int(parts[1]), headers

    def read_body(self, path, length, chunk=65536, pause=0.0, limit=None):
        """Reads and checks (length) bytes of (path)'s body; with (limit),
        only that many, then returns False (the rest unread)."""
        want = self.site[path]
        got = 0
        while got < length:
            if limit is not None and got >= limit:
                return False
            if not self.buf:
                self.buf = self._recv(f"body of {path} at byte {got}",
                                      chunk)
                if not self.buf:
                    raise Bad(f"GET {path}: closed at byte {got} of "
                              f"{length}")
            piece, self.buf = self.buf[:length - got], self.buf[length - got:]
            if piece != want[got:got + len(piece)]:
                raise Bad(f"GET {path}: wrong bytes at {got}")
            got += len(piece)
            if pause:
                time.sleep(pause)
        return True

    def get(self, path, close=False, **body):
        """One request on the open connection; checks the answer."""
        req = f"GET {path} HTTP/1.1\r\nHost: guest\r\n"
        if close:
            req += "Connection: close\r\n"
        self.send((req + "\r\n").encode())
        status, headers = self.read_head(path)
        if status != 200:
            raise Bad(f"GET {path}: status {status}")
        length = int(headers.get("content-length", "-1"))
        if length != len(self.site[path]):
            raise Bad(f"GET {path}: Content-Length {length}, want "
                      f"{len(self.site[path])}")
        whole = self.read_body(path, length, **body)
        if whole:
            self.stats.answered(self.kind, length)
        return whole

    # --- The loop ---------------------------------------------------------

    def run(self, behaviour):
        while not self.stop.is_set():
            try:
                behaviour(self)
            except Bad as e:
                self.stats.error(self.kind, str(e))
                self.close()
                time.sleep(0.5)
            except OSError as e:
                if self.stop.is_set():
                    break
                # A time-out is the watcher's to report (it sees the wait);
                # anything else the server did to a well-behaved client is
                # an error.
                if not isinstance(e, socket.timeout):
                    self.stats.error(self.kind, f"{type(e).__name__}: {e}")
                self.close()
                time.sleep(0.5)
        self.close()


# --- Behaviours: one call is one round of a client's loop ----------------

def keep_alive(c):
    """Small files, many requests on one connection."""
    if c.sock is None:
        c.connect()
    for _ in range(c.rng.randint(5, 50)):
        if c.stop.is_set():
            return
        c.get(c.rng.choice(c.site.small))


def short(c):
    """A new connection for every request (Connection: close), read to
    the server's FIN."""
    c.connect()
    path = c.rng.choice(c.site.small)
    c.get(path, close=True)
    if c._recv(f"FIN after GET {path}"):
        raise Bad(f"GET {path} with Connection: close: bytes after the body")
    c.close()


def large(c):
    """Large files on a keep-alive connection."""
    if c.sock is None:
        c.connect()
    c.get(c.rng.choice(c.site.large))


def stalled(c):
    """Sends part of a request, waits (the server must serve others
    meanwhile), then finishes it or goes away."""
    c.connect()
    path = c.rng.choice(c.site.small)
    req = f"GET {path} HTTP/1.1\r\nHost: guest\r\n\r\n".encode()
    cut = c.rng.randint(1, len(req) - 1)
    c.send(req[:cut])
    time.sleep(c.rng.uniform(0.5, 4.0))     # under the server's time-out
    if c.rng.random() < 0.5:
        c.close(reset=c.rng.random() < 0.5)
        return
    c.send(req[cut:])
    status, headers = c.read_head(path)
    if status != 200:
        raise Bad(f"GET {path} sent in two parts: status {status}")
    c.read_body(path, int(headers.get("content-length", "-1")))
    c.stats.answered(c.kind, len(c.site[path]))
    c.close()


def resets(c):
    """Asks for a large file and resets the connection part-way."""
    c.connect()
    path = c.rng.choice(c.site.large)
    c.send(f"GET {path} HTTP/1.1\r\nHost: guest\r\n\r\n".encode())
    status, headers = c.read_head(path)
    if status != 200:
        raise Bad(f"GET {path}: status {status}")
    c.read_body(path, int(headers["content-length"]),
                limit=c.rng.randint(0, 256 * 1024))
    c.close(reset=True)


def half_close(c):
    """Sends the request, shuts down its sending side, reads the answer
    to the server's FIN."""
    c.connect()
    path = c.rng.choice(c.site.small + c.site.large[:1])
    c.send(f"GET {path} HTTP/1.1\r\nHost: guest\r\n\r\n".encode())
    if c.head_first:
        # QEMU's user network accepts our connection before it has one to
        # the guest, and resets ours if we half-close in between (seen 2
        # in 8,000 times; a capture at the guest's device shows no SYN
        # for those; a fixed pause was not enough on a loaded host): the
        # answer's head proves the guest has the connection, and the
        # body (a large file's mostly) still comes after our FIN.
        status, headers = c.read_head(path)
        c.sock.shutdown(socket.SHUT_WR)
    else:
        c.sock.shutdown(socket.SHUT_WR)
        status, headers = c.read_head(path)
    if status != 200:
        raise Bad(f"GET {path} then half-close: status {status}")
    c.read_body(path, int(headers["content-length"]))
    c.stats.answered(c.kind, len(c.site[path]))
    c.close()


def slow_reader(c):
    """Reads a large file 4 KiB at a time with pauses, for a few
    seconds, then goes away: the server's other clients must not wait on
    its full window."""
    c.connect()
    path = c.site.large[-1]
    c.send(f"GET {path} HTTP/1.1\r\nHost: guest\r\n\r\n".encode())
    status, headers = c.read_head(path)
    if status != 200:
        raise Bad(f"GET {path}: status {status}")
    c.read_body(path, int(headers["content-length"]), chunk=4096,
                pause=0.05, limit=c.rng.randint(64, 512) * 1024)
    c.close(reset=c.rng.random() < 0.5)


def probe(c):
    """The accept watch: a new connection and a small page every second.
    A stall in accept shows here first."""
    c.connect()
    c.get(c.site.small[0], close=True)
    c.close()
    c.stop.wait(1.0)


# kind -> (behaviour, threads)
MIX = {
    "keep_alive": (keep_alive, 4),
    "short": (short, 2),
    "large": (large, 2),
    "stalled": (stalled, 2),
    "resets": (resets, 1),
    "half_close": (half_close, 1),
    "slow_reader": (slow_reader, 1),
    "probe": (probe, 1),
}
