# SPDX-License-Identifier: MIT
"""Ending examples/webserver from a test: started with `--quit-path
QUIT_PATH`, the server answers a GET of that path and exits with status 0
(tests/stress/hostile.py, tests/stress/stress.py,
tests/web/many_connections.py)."""
import socket

QUIT_PATH = "/__quit"


def ask_to_quit(addr, timeout=30):
    """Sends the quit request to the server at (addr), (host, port), and
    reads its answer. Returns None, or the OSError that got in the way."""
    try:
        with socket.create_connection(addr, timeout=timeout) as s:
            s.sendall(f"GET {QUIT_PATH} HTTP/1.1\r\nHost: guest\r\n\r\n"
                      .encode())
            s.recv(1000)
    except OSError as e:
        return e
    return None
