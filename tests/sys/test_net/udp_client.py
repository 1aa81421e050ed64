#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of test_net_udp: datagrams to the guest's UDP echo come back,
one at a time (30 small ones first: the guest counts how its replies were
notified to the device)."""
import os
import socket
import sys

port = int(os.environ["TEST_UDP_PORT_7"])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
pings = [b"ping %d" % i for i in range(30)]
for msg in pings + [b"hello", b"x" * 1400, b"quit"]:
    for attempt in range(10):
        s.sendto(msg, ("127.0.0.1", port))
        try:
            data, _ = s.recvfrom(2048)
            break
        except socket.timeout:
            continue
    else:
        sys.exit("no echo for %r" % msg[:16])
    if data != msg:
        sys.exit("echo %r != %r" % (data[:16], msg[:16]))
