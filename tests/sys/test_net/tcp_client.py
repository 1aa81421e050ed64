#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of test_net's TCP case: 16 MiB to the guest's echo server
while reading the echo back in another thread; both directions must carry
every byte (SHA-256 of what went out == of what came back)."""
import hashlib
import os
import socket
import sys
import threading

TOTAL = 16 << 20
port = int(os.environ["TEST_PORT_7"])
s = socket.create_connection(("127.0.0.1", port), timeout=60)
sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
failure = []


def writer():
    block = bytearray(64 * 1024)
    done = 0
    try:
        while done < TOTAL:
            for i in range(0, len(block), 4):   # different bytes each block
                block[i:i + 4] = (done + i).to_bytes(4, "little")
            s.sendall(block)
            sent_hash.update(block)
            done += len(block)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        failure.append(f"send: {e}")


t = threading.Thread(target=writer)
t.start()
got = 0
try:
    while True:
        data = s.recv(1 << 16)
        if not data:
            break
        got_hash.update(data)
        got += len(data)
except OSError as e:
    failure.append(f"recv after {got} bytes: {e}")
t.join()
if failure:
    sys.exit("; ".join(failure))
if got != TOTAL or got_hash.digest() != sent_hash.digest():
    sys.exit(f"echo: {got} bytes back of {TOTAL}, hashes "
             f"{'match' if got_hash.digest() == sent_hash.digest() else 'differ'}")
print(f"tcp echo: {TOTAL} bytes each way, SHA-256 matches")
