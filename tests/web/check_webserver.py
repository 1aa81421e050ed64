#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a running examples/webserver from the outside.

Usage: check_webserver.py HOST PORT SITE_DIR [--big FILE] [--quit PATH]
                          [--writable] [--only NAME...]

SITE_DIR is the server's document root as seen on this host: every file in
it is fetched and compared byte for byte. --big FILE: a large file the
server serves as /BASENAME, downloaded and checked by SHA-256 (and used to
reset a client in the middle of a big body). --quit PATH: the last request,
GET PATH, which a server started with --quit-path PATH answers and then
exits. --writable: SITE_DIR is the very directory the server serves (over
virtio-fs), which the "changed" check may write to: a file changed there
must be served changed, not from the server's cache of open files.

Each check prints "PASS name" or "FAIL name: why"; the exit status is 1 if
any failed. Standard library only, plus curl for the "curl fetches" check.
Every socket has a generous timeout, so a server that hangs fails a check
instead of hanging the test; nothing is timed.
"""
import argparse
import hashlib
import http.client
import os
import socket
import struct
import subprocess
import sys
import threading

TIMEOUT = 60            # seconds any single wait may take before failing
TYPES = {".html": "text/html", ".htm": "text/html", ".css": "text/css",
         ".js": "text/javascript", ".txt": "text/plain",
         ".json": "application/json", ".png": "image/png",
         ".svg": "image/svg+xml"}


class Failed(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise Failed(why)


def content_type(path):
    return TYPES.get(os.path.splitext(path)[1].lower(),
                     "application/octet-stream")


def site_files(args):
    """(URL path, host path) of every regular file of the site but the
    --big one (check_big has that)."""
    out = []
    big = os.path.realpath(args.big) if args.big else None
    for d, _, files in os.walk(args.site):
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.realpath(p) == big:
                continue
            out.append(("/" + os.path.relpath(p, args.site).replace(os.sep, "/"), p))
    return sorted(out)


class Raw:
    """A plain TCP connection for requests http.client will not send."""

    def __init__(self, host, port, from_port=None):
        """from_port: connect from this local port (0: any, as usual)
        even if its last connection has not quite gone yet."""
        if from_port is None:
            self.sock = socket.create_connection((host, port),
                                                 timeout=TIMEOUT)
        else:
            self.sock = socket.socket()
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.settimeout(TIMEOUT)
            self.sock.bind(("127.0.0.1", from_port))
            self.sock.connect((host, port))
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Failed("connection closed early")
        self.buf += data

    def response(self, head_only=False):
        """(status, {lower-case header: value}, body) of one response."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        expect(len(parts) >= 2 and parts[0].startswith("HTTP/1."),
               f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        n = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(parts[1]), headers, body

    def closed(self):
        """True once the server has closed (EOF or reset), after any
        bytes still in flight; Failed if it stays open TIMEOUT seconds."""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            raise Failed(f"still open after {TIMEOUT} s")

    def close(self):
        self.sock.close()


def one(args, request, head_only=False):
    """Send one raw request on a new connection; its response."""
    c = Raw(args.host, args.port)
    try:
        c.send(request)
        return c.response(head_only)
    finally:
        c.close()


def status_of(args, request):
    return one(args, request)[0]


# --- checks --------------------------------------------------------------

def check_files(args):
    """Every file by http.client over one keep-alive connection, twice:
    the second time from the server's cache of open files, where the
    site's mount lets it keep them."""
    conn = http.client.HTTPConnection(args.host, args.port, timeout=TIMEOUT)
    sock = None
    for url, path in site_files(args) * 2:
        conn.request("GET", url)
        r = conn.getresponse()
        body = r.read()
        data = open(path, "rb").read()
        expect(r.status == 200, f"{url}: status {r.status}")
        expect(body == data, f"{url}: body differs ({len(body)} bytes)")
        expect(r.getheader("Content-Length") == str(len(data)),
               f"{url}: Content-Length {r.getheader('Content-Length')}")
        expect(r.getheader("Content-Type") == content_type(path),
               f"{url}: Content-Type {r.getheader('Content-Type')}")
        expect(not r.will_close, f"{url}: not kept alive")
        expect(sock is None or conn.sock is sock, f"{url}: reconnected")
        sock = conn.sock
    conn.close()


def check_index(args):
    """/ is index.html; a directory without its slash is a 301."""
    index = open(os.path.join(args.site, "index.html"), "rb").read()
    st, h, body = one(args, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 200 and body == index, f"/: {st}, {len(body)} bytes")
    expect(h.get("content-type") == "text/html", "/: not text/html")
    for d in sorted(os.listdir(args.site)):
        if os.path.isfile(os.path.join(args.site, d, "index.html")):
            st, h, _ = one(args, f"GET /{d}?q=1 HTTP/1.1\r\nHost: t\r\n"
                           "\r\n".encode())
            expect(st == 301 and h.get("location") == f"/{d}/?q=1",
                   f"/{d}: {st} Location {h.get('location')}")
            st, _, body = one(args, f"GET /{d}/ HTTP/1.1\r\nHost: t\r\n"
                              "\r\n".encode())
            want = open(os.path.join(args.site, d, "index.html"), "rb").read()
            expect(st == 200 and body == want, f"/{d}/: {st}")


def check_curl(args):
    """curl fetches every file: bytes, status, type, length."""
    for url, path in site_files(args):
        r = subprocess.run(
            ["curl", "-sS", "--max-time", str(TIMEOUT), "-o", "-", "-w",
             "\n%{http_code} %{content_type} %{size_download}",
             f"http://{args.host}:{args.port}{url}"],
            capture_output=True, timeout=TIMEOUT + 10)
        expect(r.returncode == 0, f"curl {url}: {r.stderr.decode().strip()}")
        body, _, meta = r.stdout.rpartition(b"\n")
        data = open(path, "rb").read()
        want = f"200 {content_type(path)} {len(data)}"
        expect(meta.decode() == want, f"curl {url}: {meta.decode()!r}, "
               f"expected {want!r}")
        expect(body == data, f"curl {url}: body differs")


def check_head(args):
    """HEAD: GET's headers, no body (the next response follows at once)."""
    url, path = site_files(args)[0]
    c = Raw(args.host, args.port)
    c.send(f"HEAD {url} HTTP/1.1\r\nHost: t\r\n\r\n"
           f"GET {url} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    st, h, _ = c.response(head_only=True)
    size = os.path.getsize(path)
    expect(st == 200, f"HEAD {url}: status {st}")
    expect(h.get("content-length") == str(size),
           f"HEAD {url}: Content-Length {h.get('content-length')}")
    expect(h.get("content-type") == content_type(path), "HEAD: Content-Type")
    expect(c.buf.startswith(b"HTTP/1.1 ") or not c.buf,
           "HEAD response had a body")
    st, _, body = c.response()
    expect(st == 200 and len(body) == size, f"GET after HEAD: {st}")
    c.close()


def check_404(args):
    st = status_of(args, b"GET /no-such-file.html HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 404, f"status {st}")
    st = status_of(args, b"GET /index.html/x HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 404, f"file as a directory: status {st}")


def check_405(args):
    for req in (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nx=1",
                b"DELETE /index.html HTTP/1.1\r\nHost: t\r\n\r\n"):
        st, h, _ = one(args, req)
        expect(st == 405, f"{req.split()[0].decode()}: status {st}")
        allow = h.get("allow", "")
        expect("GET" in allow and "HEAD" in allow, f"Allow: {allow!r}")


def check_400_garbage(args):
    for req in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                b"hello there\r\n\r\n",
                b"GET /\r\n\r\n",
                b"GET / HTTP/1.1\r\n\r\n",              # no Host
                b"GET / HTTP/1.1\r\nHost : t\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n"):
        st = status_of(args, req)
        expect(st == 400, f"{req!r}: status {st}")


def check_400_no_crlf(args):
    st = status_of(args, b"GET / HTTP/1.1\nHost: t\n\n")
    expect(st == 400, f"bare LF: status {st}")
    c = Raw(args.host, args.port)
    c.send(b"GET / HTTP/1.1")
    c.sock.shutdown(socket.SHUT_WR)
    st, _, _ = c.response()
    expect(st == 400, f"request line then EOF: status {st}")
    c.close()


def check_413(args):
    req = (b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 16384 +
           b"\r\n\r\n")
    st = status_of(args, req)
    expect(st == 413, f"16 KiB header: status {st}")


def check_414(args):
    st = status_of(args, b"GET /" + b"a" * 4000 +
                   b" HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 414, f"4000-byte URI: status {st}")
    st = status_of(args, b"GET /" + b"a" * 12000 +
                   b" HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 414, f"12000-byte URI: status {st}")


def check_dotdot(args):
    for url in ("/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                "/docs/..%2f..%2fetc%2fpasswd", "/.%2E/index.html",
                "/%2E%2e", "/a/../index.html", "/%00", "/%zz"):
        st, _, body = one(args, f"GET {url} HTTP/1.1\r\nHost: t\r\n\r\n"
                          .encode())
        expect(st == 400, f"{url}: status {st}")
        expect(b"root:" not in body, f"{url}: served a file")


def check_same_port(args):
    """A client back from the port of its last connection, which the
    server closed (so the guest holds that connection in TIME-WAIT), is
    served at once, not after TIME-WAIT's two minutes. QEMU's user network
    passes the host's port on, and the host reuses ports freely."""
    port = 0
    for i in range(3):
        c = Raw(args.host, args.port, from_port=port)
        port = c.sock.getsockname()[1]
        c.send(b"GET / HTTP/1.0\r\n\r\n")
        st, _, _ = c.response()
        expect(st == 200, f"connection {i} from port {port}: status {st}")
        expect(c.closed(), f"connection {i} from port {port}: not closed")
        c.close()


def check_slow_sender(args):
    """A stalled partial request is closed; meanwhile others are served."""
    slow = Raw(args.host, args.port)
    slow.send(b"GET / HTTP/1.1\r\nHost: t\r\n")
    conn = http.client.HTTPConnection(args.host, args.port, timeout=TIMEOUT)
    for _ in range(5):
        conn.request("GET", "/")
        r = conn.getresponse()
        r.read()
        expect(r.status == 200, f"concurrent client: status {r.status}")
    conn.close()
    expect(slow.closed(), "slow sender not closed")
    slow.close()


def check_trickle(args):
    """A request head sent a byte every 2 s, each well within the
    server's idle timeout, still gets a 408 and is closed: the head as a
    whole must come within the timeout, counted from its first bytes
    (not each receive on its own, which a byte at a time would satisfy
    for ever). Fails if the server keeps taking bytes for TIMEOUT s."""
    c = Raw(args.host, args.port)
    c.send(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
    c.sock.settimeout(2)
    got = b""
    for _ in range(TIMEOUT // 2):
        try:
            data = c.sock.recv(65536)
        except socket.timeout:
            try:
                c.sock.sendall(b"a")
            except OSError:
                break
            continue
        except ConnectionResetError:
            break
        if not data:
            break
        got += data
    c.close()
    expect(got.startswith(b"HTTP/1.1 408 "),
           f"answered {got[:40]!r} after taking a byte every 2 s")


def check_concurrent(args, clients=100, rounds=4):
    """(clients) keep-alive connections open at once, (rounds) requests
    each. The connections are opened one by one, each with its first
    request: QEMU's host forward listens with a backlog of 1, and a burst
    of connects can leave a client "connected" to a host socket slirp
    never accepts. The other rounds then run on all of them at once."""
    files = site_files(args)[:4]
    datas = {u: open(p, "rb").read() for u, p in files}
    conns, errors = [], []

    def get(i, conn, k):
        url = files[(i + k) % len(files)][0]
        sock = conn.sock
        conn.request("GET", url)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200 or body != datas[url]:
            raise Failed(f"client {i}: {url}: {r.status}")
        if sock is not None and conn.sock is not sock:
            raise Failed(f"client {i}: connection not kept alive")

    def client(i, conn):
        k = 1
        try:
            for k in range(1, rounds):
                get(i, conn, k)
            conn.close()
        except Exception as e:  # noqa: BLE001 - report any failure
            errors.append(f"client {i}, request {k}: {e!r}")

    for i in range(clients):
        conn = http.client.HTTPConnection(args.host, args.port,
                                          timeout=TIMEOUT)
        get(i, conn, 0)
        conns.append(conn)
    threads = [threading.Thread(target=client, args=(i, c))
               for i, c in enumerate(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect(not errors, f"{len(errors)} failed, e.g. {errors[:3]}")


def reset_close(sock):
    """Close with SO_LINGER 0: the peer gets a RST, not a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    sock.close()


def check_reset(args):
    """Clients that reset in the middle of a response; then it still
    serves."""
    for _ in range(3):
        c = Raw(args.host, args.port)
        # Many pipelined requests: the server is writing when we go.
        c.send(b"GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n" * 300)
        c.sock.recv(4096)
        reset_close(c.sock)
    if args.big:
        c = Raw(args.host, args.port)
        c.send(f"GET /{os.path.basename(args.big)} HTTP/1.1\r\nHost: t\r\n"
               "\r\n".encode())
        got = 0
        while got < 1 << 20:
            got += len(c.sock.recv(65536))
        reset_close(c.sock)
    st = status_of(args, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    expect(st == 200, f"after resets: status {st}")


def check_http10(args):
    """HTTP/1.0 closes by default, stays with Connection: keep-alive."""
    c = Raw(args.host, args.port)
    c.send(b"GET / HTTP/1.0\r\n\r\n")
    st, h, _ = c.response()
    expect(st == 200 and h.get("connection") == "close", f"1.0: {st} {h}")
    expect(c.closed(), "1.0: not closed")
    c.close()
    c = Raw(args.host, args.port)
    c.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2)
    for _ in range(2):
        st, h, _ = c.response()
        expect(st == 200 and h.get("connection") == "keep-alive",
               f"1.0 keep-alive: {st} {h}")
    c.close()
    st = status_of(args, b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")
    expect(st == 505, f"HTTP/2.0: status {st}")


def check_big(args):
    """The big file, streamed and checked by SHA-256."""
    want = hashlib.sha256()
    with open(args.big, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            want.update(block)
    size = os.path.getsize(args.big)
    conn = http.client.HTTPConnection(args.host, args.port, timeout=TIMEOUT)
    conn.request("GET", "/" + os.path.basename(args.big))
    r = conn.getresponse()
    expect(r.status == 200, f"status {r.status}")
    expect(r.getheader("Content-Length") == str(size),
           f"Content-Length {r.getheader('Content-Length')}")
    got, n = hashlib.sha256(), 0
    for block in iter(lambda: r.read(1 << 16), b""):
        got.update(block)
        n += len(block)
    conn.close()
    expect(n == size, f"{n} bytes of {size}")
    expect(got.hexdigest() == want.hexdigest(), "SHA-256 differs")


def check_changed(args):
    """Files changed on the host between two requests are served as they
    are now: a small one (whose bytes a cache would keep), a bigger one
    (whose descriptor it would), and one that grows past the small size."""
    if not args.writable:
        return
    sizes = {"changed-small.txt": (600, 300), "changed-big.bin": (5000, 7000),
             "changed-grows.bin": (100, 3000)}
    for round_ in range(2):
        for name, size in sizes.items():
            data = os.urandom(size[round_])
            with open(os.path.join(args.site, name), "wb") as f:
                f.write(data)
            conn = http.client.HTTPConnection(args.host, args.port,
                                              timeout=TIMEOUT)
            conn.request("GET", "/" + name)
            r = conn.getresponse()
            body = r.read()
            conn.close()
            expect(r.status == 200, f"{name}, round {round_}: {r.status}")
            expect(body == data, f"{name}, round {round_}: {len(body)} "
                   f"bytes, not the {len(data)} now in the file")
    for name in sizes:
        os.unlink(os.path.join(args.site, name))


def check_quit(args):
    st, _, body = one(args, f"GET {args.quit} HTTP/1.1\r\nHost: t\r\n\r\n"
                      .encode())
    expect(st == 200 and body == b"bye\n", f"status {st} {body!r}")


CHECKS = [("files", check_files), ("index", check_index),
          ("curl", check_curl), ("head", check_head), ("404", check_404),
          ("405", check_405), ("400_garbage", check_400_garbage),
          ("400_no_crlf", check_400_no_crlf), ("413", check_413),
          ("414", check_414), ("dotdot", check_dotdot),
          ("http10", check_http10), ("same_port", check_same_port),
          ("slow_sender", check_slow_sender), ("trickle", check_trickle),
          ("concurrent_100", check_concurrent), ("reset", check_reset),
          ("big", check_big), ("changed", check_changed)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("site")
    ap.add_argument("--big")
    ap.add_argument("--quit")
    ap.add_argument("--writable", action="store_true")
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="run only these checks")
    args = ap.parse_args()
    failed = 0
    for name, fn in CHECKS:
        if name == "big" and not args.big:
            continue
        if args.only and name not in args.only:
            continue
        try:
            fn(args)
            print(f"PASS {name}", flush=True)
        except (Failed, OSError, http.client.HTTPException, ValueError) as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
    if args.quit:
        try:
            check_quit(args)
            print("PASS quit", flush=True)
        except (Failed, OSError, ValueError) as e:
            failed += 1
            print(f"FAIL quit: {e}", flush=True)
    print(f"webserver checks: {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
