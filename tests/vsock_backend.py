# SPDX-License-Identifier: MIT
"""toro-vsock against a fake QEMU: we speak vhost-user to it, share a
memfd as guest memory and play the guest's rings, so that what no real
guest sends can be sent: short headers, lengths past the buffer, unknown
ops and types, packets for no connection, descriptors outside memory,
loops, bad indirect tables, avail indices that jump. The backend must
answer with RST or a warning, stop a ring the guest broke, and never
crash; a new vhost-user connection (QEMU reconnecting) starts afresh.

    python3 tests/vsock_backend.py BUILD_DIR     (prints one line a case)

cli_checks.py runs it as `cli vsock_backend_garbage`.
"""
import mmap
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

MEM = 1 << 20
UVA = 0x7f0000000000             # QEMU's address of guest address 0
RINGS = {0: 0x0000, 1: 0x10000}  # rx, tx: desc; avail +0x1000, used +0x2000
NUM = 8
BUF = 0x20000                    # data buffers from here, 4 KiB each
HDR = struct.Struct("<QQIIIHHIII")
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


class FakeQemu:
    def __init__(self, sock_path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(5)
        self.s.connect(sock_path)
        fd = os.memfd_create("guest")
        os.ftruncate(fd, MEM)
        self.mem = mmap.mmap(fd, MEM)
        self.fd = fd
        self.kick = {q: os.eventfd(0, os.EFD_NONBLOCK) for q in (0, 1)}
        self.call = {q: os.eventfd(0, os.EFD_NONBLOCK) for q in (0, 1)}
        self.avail = {0: 0, 1: 0}
        self.used_seen = {0: 0, 1: 0}

    def msg(self, req, payload=b"", fds=(), reply=False):
        data = struct.pack("<III", req, 1, len(payload)) + payload
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                struct.pack(f"{len(fds)}i", *fds))] if fds else []
        self.s.sendmsg([data], anc)
        if reply:
            hdr = self.s.recv(12)
            size = struct.unpack("<III", hdr)[2]
            return self.s.recv(size)
        return None

    def setup(self):
        feats = struct.unpack("<Q", self.msg(1, reply=True))[0]
        self.msg(2, struct.pack("<Q", (1 << 32) | (1 << 30)))   # no EVENT_IDX
        self.msg(15, reply=True)
        self.msg(16, struct.pack("<Q", 1 << 9))                  # CONFIG
        cfg = self.msg(24, struct.pack("<III", 0, 8, 0) + bytes(8), reply=True)
        self.msg(3)
        region = struct.pack("<QQQQ", 0, MEM, UVA, 0)
        self.msg(5, struct.pack("<II", 1, 0) + region, fds=[self.fd])
        for q, base in RINGS.items():
            self.msg(8, struct.pack("<II", q, NUM))
            self.msg(9, struct.pack("<IIQQQQ", q, 0, UVA + base,
                                    UVA + base + 0x2000, UVA + base + 0x1000,
                                    0))
            self.msg(10, struct.pack("<II", q, 0))
            self.msg(13, struct.pack("<Q", q), fds=[self.call[q]])
            self.msg(12, struct.pack("<Q", q), fds=[self.kick[q]])
            self.msg(18, struct.pack("<II", q, 1))     # SET_VRING_ENABLE
        return feats, struct.unpack("<Q", cfg[12:20])[0]

    def desc(self, q, i, addr, length, flags, nxt=0):
        struct.pack_into("<QIHH", self.mem, RINGS[q] + 16 * i, addr, length,
                         flags, nxt)

    def offer(self, q, head, kick=True, idx=None):
        a = RINGS[q] + 0x1000
        struct.pack_into("<H", self.mem, a + 4 + 2 * (self.avail[q] % NUM),
                         head)
        self.avail[q] = (self.avail[q] + 1) & 0xffff if idx is None else idx
        struct.pack_into("<H", self.mem, a + 2, self.avail[q])
        if kick:
            os.eventfd_write(self.kick[q], 1)

    def used(self, q, timeout=2):
        """(id, len) of the next used entry, or None."""
        u = RINGS[q] + 0x2000
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            idx = struct.unpack_from("<H", self.mem, u + 2)[0]
            if idx != self.used_seen[q]:
                e = struct.unpack_from("<II", self.mem,
                                       u + 4 + 8 * (self.used_seen[q] % NUM))
                self.used_seen[q] = (self.used_seen[q] + 1) & 0xffff
                return e
            time.sleep(0.01)
        return None

    def close(self):
        self.s.close()
        self.mem.close()
        os.close(self.fd)


def header(op, src_port=1234, dst_port=7, length=0, typ=1, cid=3):
    return HDR.pack(cid, 2, src_port, dst_port, length, typ, op, 0,
                    65536, 0)


def tx(q, data, slot=0, flags=0):
    """One packet in tx descriptor (slot), at buffer (slot)."""
    addr = BUF + 0x1000 * (8 + slot)
    q.mem[addr:addr + len(data)] = data
    q.desc(1, slot, addr, len(data), flags)
    q.offer(1, slot)


def rx_buffers(q, n=4, size=4096):
    for i in range(n):
        q.desc(0, i, BUF + 0x1000 * i, size, F_WRITE)
        q.offer(0, i)


def rx_packet(q):
    """The header of the next packet the backend sent, or None."""
    e = q.used(0)
    while e and e[1] == 0:      # a buffer handed back unused
        e = q.used(0)
    if not e:
        return None
    addr = BUF + 0x1000 * e[0]
    return HDR.unpack_from(q.mem, addr)


def expect_rst(q, src_port=1234, dst_port=7):
    h = rx_packet(q)
    return (h is not None and h[6] == 3 and h[2] == dst_port
            and h[3] == src_port), h


def case_request_rst(q):
    tx(q, header(1))
    return expect_rst(q)


def case_short_header(q):
    tx(q, header(1)[:20])
    ok = q.used(1) is not None
    tx(q, header(1), slot=1)            # still alive: a REQUEST gets RST
    r, h = expect_rst(q)
    return ok and r, h


def case_len_past_buffer(q):
    tx(q, header(5, length=5000) + b"x" * 10)
    return expect_rst(q)


def case_unknown_op(q):
    tx(q, header(99))
    return expect_rst(q)


def case_unknown_type(q):
    tx(q, header(1, typ=2))
    return expect_rst(q)


def case_no_connection(q):
    tx(q, header(5, length=3) + b"abc")
    return expect_rst(q)


def case_bad_address(q):
    q.desc(1, 0, MEM + 0x1000, 44, 0)
    q.offer(1, 0)
    return True, "ring stopped"


def case_loop(q):
    addr = BUF + 0x8000
    q.mem[addr:addr + 44] = header(1)
    q.desc(1, 0, addr, 20, F_NEXT, 1)
    q.desc(1, 1, addr + 20, 24, F_NEXT, 0)
    q.offer(1, 0)
    return True, "ring stopped"


def case_bad_indirect(q):
    q.desc(1, 0, BUF + 0x9000, 17, F_INDIRECT)
    q.offer(1, 0)
    return True, "ring stopped"


def case_indirect_ok(q):
    """A valid indirect table: header split 10 + 34 over two entries."""
    addr = BUF + 0xa000
    q.mem[addr:addr + 44] = header(1)
    table = BUF + 0xb000
    struct.pack_into("<QIHH", q.mem, table, addr, 10, F_NEXT, 1)
    struct.pack_into("<QIHH", q.mem, table + 16, addr + 10, 34, 0, 0)
    q.desc(1, 0, table, 32, F_INDIRECT)
    q.offer(1, 0)
    return expect_rst(q)


def case_avail_jump(q):
    q.offer(1, 0, idx=1000)
    return True, "ring stopped"


def case_write_only_tx(q):
    tx(q, header(1), flags=F_WRITE)
    return True, "ring stopped"


def case_tiny_rx_buffer(q):
    """A 10-byte rx buffer is returned empty; the RST uses the next."""
    tx(q, header(1))
    return expect_rst(q)


CASES = [case_request_rst, case_short_header, case_len_past_buffer,
         case_unknown_op, case_unknown_type, case_no_connection,
         case_indirect_ok, case_bad_address, case_loop, case_bad_indirect,
         case_avail_jump, case_write_only_tx, case_tiny_rx_buffer]


def main(build):
    tool = os.path.join(build, "host", "toro-vsock")
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "vhost.sock")
        proc = subprocess.Popen([tool, "--vhost-user", sock, "--uds-path",
                                 os.path.join(d, "v.sock"), "--guest-cid",
                                 "3"], stderr=subprocess.PIPE)
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        try:
            for case in CASES:
                q = FakeQemu(sock)
                feats, cid = q.setup()
                if case is case_tiny_rx_buffer:
                    q.desc(0, 0, BUF, 10, F_WRITE)
                    q.offer(0, 0)
                    for i in range(1, 4):
                        q.desc(0, i, BUF + 0x1000 * i, 4096, F_WRITE)
                        q.offer(0, i)
                else:
                    rx_buffers(q)
                ok, detail = case(q)
                alive = proc.poll() is None
                ok = ok and alive and cid == 3 and feats >> 32 & 1
                failed += not ok
                print(f"{case.__name__[5:]}: {'ok' if ok else 'FAILED'}: "
                      f"{detail}{'' if alive else ' (backend died)'}",
                      flush=True)
                q.close()
                time.sleep(0.05)    # it notices the hang-up and resets
                if not alive:
                    break
        finally:
            proc.terminate()
            err = proc.communicate(timeout=5)[1].decode(errors="replace")
        # each broken ring said why
        for why in ("outside guest memory", "chain loops", "bad indirect",
                    "avail index jumped", "write-only buffer in tx",
                    "too small for a header", "shorter than a header"):
            if why not in err:
                print(f"no warning with {why!r} in {err!r}")
                failed += 1
        if proc.returncode != 0:
            print(f"exit status {proc.returncode}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.join(os.path.dirname(os.path.dirname(
                      os.path.abspath(__file__))), "build")))
