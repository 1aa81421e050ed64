#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host client of the lighttpd case: HTTP checks against the guest's
server on 127.0.0.1:$TEST_PORT, one PASS or FAIL line each; exits 1 if
any failed. The site is $TEST_FS/site (the guest's /site)."""
import concurrent.futures
import hashlib
import http.client
import os
import socket
import sys
import time

PORT = int(os.environ["TEST_PORT"])
SITE = os.path.join(os.environ["TEST_FS"], "site")
failed = 0


def check(name, ok, detail=""):
    global failed
    print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""),
          flush=True)
    failed += not ok


def conn():
    return http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)


def get(path, method="GET", headers=None, c=None):
    own = c is None
    c = c or conn()
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    if own:
        c.close()
    return r, body


def site(path):
    with open(os.path.join(SITE, path), "rb") as f:
        return f.read()


r, body = get("/")
check("index", r.status == 200 and body == site("index.html")
      and r.getheader("Content-Type") == "text/html", f"{r.status}")
r, body = get("/style.css", "HEAD")
check("head", r.status == 200 and body == b""
      and r.getheader("Content-Length") == str(len(site("style.css"))),
      f"{r.status} {r.getheader('Content-Length')}")
r, _ = get("/no/such/file.html")
check("not found", r.status == 404, f"{r.status}")
r, _ = get("/private/key.txt")
check("access denied", r.status == 403, f"{r.status}")
r, body = get("/docs/")
check("directory listing", r.status == 200 and b"one.txt" in body
      and b"two.txt" in body, f"{r.status}")

# Keep-alive: 30 requests on one connection.
c = conn()
ok = True
for i in range(30):
    r, body = get("/docs/one.txt" if i % 2 else "/docs/two.txt", c=c)
    ok &= r.status == 200 and body == site("docs/one.txt" if i % 2 else
                                            "docs/two.txt")
c.close()
check("keep-alive", ok)

# The big file (sendfile), a range of it, and a conditional request.
r, body = get("/big.bin")
check("big file", r.status == 200 and hashlib.sha256(body).hexdigest()
      == hashlib.sha256(site("big.bin")).hexdigest(), f"{r.status} {len(body)}")
r, body = get("/big.bin", headers={"Range": "bytes=1000000-1000099"})
check("range", r.status == 206 and body == site("big.bin")[1000000:1000100],
      f"{r.status} {len(body)}")
etag = get("/index.html")[0].getheader("ETag")
r, _ = get("/index.html", headers={"If-None-Match": etag or "x"})
check("not modified", etag is not None and r.status == 304, f"{r.status}")

# A malformed request is answered 400, and the server carries on.
with socket.create_connection(("127.0.0.1", PORT), timeout=60) as s:
    s.sendall(b"GARBAGE\r\n\r\n")
    reply = s.recv(4096)
check("bad request", reply.startswith(b"HTTP/1.0 400")
      or reply.startswith(b"HTTP/1.1 400"), repr(reply[:40]))


# 40 clients at once, 5 requests each, all served by one event loop.
def client(n):
    c = conn()
    good = 0
    for _ in range(5):
        r, body = get("/index.html", c=c)
        good += r.status == 200 and body == site("index.html")
    c.close()
    return good


with concurrent.futures.ThreadPoolExecutor(40) as pool:
    total = sum(pool.map(client, range(40)))
check("concurrent clients", total == 200, f"{total} of 200")

# mod_status adds the last second's requests to its total once a second:
# ask again until they are in (a few seconds at most).
for _ in range(20):
    r, body = get("/server-status?auto")
    text = body.decode(errors="replace")
    accesses = [int(line.split(":")[1]) for line in text.splitlines()
                if line.startswith("Total Accesses:")]
    if r.status != 200 or (accesses and accesses[0] >= 200):
        break
    time.sleep(0.5)
check("server status", r.status == 200 and accesses and accesses[0] >= 200,
      text[:200])
sys.exit(1 if failed else 0)
