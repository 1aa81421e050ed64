#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/NAME/.

Seeds are real-looking valid inputs and a few edge cases, each a small
file named after what it is. The firmware table seeds come out of the
captures of tests/unit/data (README there), laid out the way
fuzz_acpi.c, fuzz_aml.c and fuzz_mptable.c take their input. Crash
reproducers (crash-*) are never written here: they are added by hand once
their bug is fixed, and this script leaves them alone.

usage: tests/fuzz/gen_corpus.py   (from anywhere; rewrites the seeds)
"""
import os
import struct
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
DATA = os.path.join(ROOT, "tests", "unit", "data")


def put(name, seed, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    # Captures of one board often hold the same tables: keep one.
    for f in os.listdir(d):
        with open(os.path.join(d, f), "rb") as g:
            if f != seed and g.read() == data:
                return
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


# --- kernel command line -----------------------------------------------------

def cmdline():
    seeds = {
        "microvm": "toro.log=debug virtio_mmio.device=512@0xfeb00000:12 "
                   "quiet KEY=a=b -- one two",
        "firecracker": "console=ttyS0 reboot=k panic=1 pci=off "
                       "toro.name=web -- --port 80 "
                       "virtio_mmio.device=4K@0xd0000000:5 "
                       "virtio_mmio.device=4K@0xd0001000:6",
        "quotes": 'toro.name="my app" -- "a b" \'x\' c\\ d "q\\"t" '
                  '"back\\\\slash" "" -- tail',
        "numbers": "toro.cpus=0x4 toro.mem=1G toro.x=99999999999999999999 "
                   "toro.flag=off toro.empty= --",
        "mmio-edges": "virtio_mmio.device=1G@0x4:0xffffff:3 "
                      "virtio_mmio.device=0x100@0x1000:0 "
                      "virtio_mmio.device=16777215G@4:1 "
                      "virtio_mmio.device=4k@0xfffffffffffff000:1",
        "unbalanced": 'a="unterminated b c\\',
        "only-dashes": "-- --",
        "empty": "",
        "too-many": " ".join(f"o{i}=v" for i in range(70)) + " -- " +
                    " ".join(f"a{i}" for i in range(70)),
    }
    for k, v in seeds.items():
        put("cmdline", k, v)


# --- cpio and the initrd index -------------------------------------------------

def cpio_entry(name, mode, data=b"", ino=1, nlink=1, magic="070701",
               namesize=None):
    if isinstance(data, str):
        data = data.encode()
    name = name.encode() if isinstance(name, str) else name
    check = sum(data) & 0xffffffff if magic == "070702" else 0
    ns = len(name) + 1 if namesize is None else namesize
    h = (magic + "%08X" * 13) % (ino, mode, 0, 0, nlink, 1700000000,
                                 len(data), 0, 0, 0, 0, ns, check)
    out = h.encode() + name + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def cpio(entries, magic="070701"):
    out = b"".join(cpio_entry(*e, magic=magic) for e in entries)
    return out + cpio_entry("TRAILER!!!", 0, ino=0, magic=magic)


SAMPLE = [(".", 0o40755), ("hello.txt", 0o100644, "Hello!\n", 2),
          ("dir", 0o40755, "", 3), ("dir/x", 0o100600, "abcd", 4),
          ("link", 0o120777, "hello.txt", 5), ("empty", 0o100644, "", 6)]


def archives():
    return {
        "newc": cpio(SAMPLE),
        "crc": cpio(SAMPLE, magic="070702"),
        "site": cpio([(".", 0o40755),
                      ("index.html", 0o100644, "<h1>Toro</h1>\n", 2),
                      ("css", 0o40755, "", 3),
                      ("css/site.css", 0o100644, "body{}\n", 4)]),
        "implied-dirs": cpio([("a/b/c.txt", 0o100644, "C"),
                              ("./x", 0o100644, "X"),
                              ("/abs//path/./y", 0o100644, "Y"),
                              ("a/b2/", 0o40700),
                              ("z/../w", 0o100644, "W")]),
        "duplicates": cpio([("f", 0o100644, "old", 2), ("f", 0o100644, "new", 3),
                            ("f/g", 0o100644, "under a file", 4),
                            ("d", 0o40755, "", 5), ("d", 0o100644, "x", 6)]),
        "hard-links": cpio([("a", 0o100644, "", 9, 3),
                            ("b", 0o100644, "", 9, 3),
                            ("c", 0o100644, "shared", 9, 3)]),
        "devices": cpio([("dev", 0o40755), ("dev/null", 0o20666),
                         ("dev/sda", 0o60660), ("fifo", 0o10644),
                         ("sock", 0o140755)]),
        "trailer-only": cpio([]),
        "truncated": cpio(SAMPLE)[:200],
        "no-trailer": b"".join(cpio_entry(*e) for e in SAMPLE),
        "bad-namesize": cpio_entry("abc", 0o100644, "x", namesize=0x7fffffff),
        "dot-not-dir": cpio([(".", 0o100644, "root as a file"),
                             ("a", 0o100644, "A")]),
    }


# --- FUSE replies ---------------------------------------------------------------

def fuse_reply(body=b"", error=0, unique=1, used=None, length=None):
    n = 16 + len(body)
    hdr = struct.pack("<IiQ", n if length is None else length, error, unique)
    return struct.pack("<I", n if used is None else used) + hdr + body


def fuse_attr(mode=0o100644, size=4096, nsec=0):
    return struct.pack("<QQQQQQIIIIIIIIII", 2, size, 8, 1700000000,
                       1700000000, 1700000000, nsec, nsec, nsec, mode, 1,
                       1000, 1000, 0, 4096, 0)


def dirent(ino, off, name, typ):
    name = name.encode()
    d = struct.pack("<QQII", ino, off, len(name), typ) + name
    return d + b"\0" * (-len(d) % 8)


def fuse():
    listing = (dirent(1, 1, ".", 4) + dirent(1, 2, "..", 4) +
               dirent(5, 3, "hello.txt", 8) + dirent(6, 4, "dir", 4))
    init = struct.pack("<IIIIHHIIHHI", 7, 31, 0x20000, 0x400068, 16, 12,
                       1 << 20, 1, 256, 0, 0) + b"\0" * 28
    seeds = {
        "init": fuse_reply(init),
        "entry": fuse_reply(struct.pack("<QQQQII", 5, 1, 1, 1, 0, 0) +
                            fuse_attr()),
        "attr": fuse_reply(struct.pack("<QII", 1, 0, 0) +
                           fuse_attr(0o40755)),
        "readdir": fuse_reply(listing),
        "error": fuse_reply(error=-2),
        "error-eio": fuse_reply(error=-5),
        "error-with-body": fuse_reply(b"x" * 8, error=-2),
        "length-mismatch": fuse_reply(b"abcd", length=16),
        "short": struct.pack("<I", 8) + b"\0" * 8,
        "other-request": fuse_reply(b"", unique=2),
        "dirent-overrun": fuse_reply(struct.pack("<QQII", 1, 1, 200, 8) +
                                     b"name\0\0\0\0"),
        "attr-bad-nsec": fuse_reply(struct.pack("<QII", 1, 0, 0) +
                                    fuse_attr(nsec=1000000000)),
        "readlink": fuse_reply(b"../dir/hello.txt"),
        "readlink-nul": fuse_reply(b"a\0b"),
    }
    for k, v in seeds.items():
        put("fuse", k, v)


# --- HTTP requests ---------------------------------------------------------------

def http():
    seeds = {
        "get": "GET / HTTP/1.1\r\nHost: localhost\r\n"
               "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        "head-close": "HEAD /index.html HTTP/1.1\r\nHost: a\r\n"
                      "Connection: close\r\n\r\n",
        "http10": "GET /css/site.css HTTP/1.0\r\n"
                  "Connection: keep-alive, Upgrade\r\n\r\n",
        "post": "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n"
                "Content-Length: 11\r\n\r\nhello world",
        "chunked": "PUT /x HTTP/1.1\r\nHost: a\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n",
        "smuggle": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n",
        "empty-lines": "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "bare-lf": "GET / HTTP/1.1\nHost: a\n\n",
        "folded": "GET / HTTP/1.1\r\nHost: a\r\n X-Folded: b\r\n\r\n",
        "http2": "GET / HTTP/2.0\r\n\r\n",
        "long-uri": "GET /" + "a" * 2100 + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "two-hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    }
    for k, v in seeds.items():
        put("http", k, v)


# --- firmware tables ---------------------------------------------------------------

class Pmem:
    """A .pmem capture: regions of guest physical memory."""

    def __init__(self, path):
        with open(path, "rb") as f:
            buf = f.read()
        assert buf[:8] == b"TOROPMEM"
        self.regions = []
        off = 8
        while off < len(buf):
            phys, n = struct.unpack_from("<QQ", buf, off)
            self.regions.append((phys, buf[off + 16:off + 16 + n]))
            off += 16 + n

    def read(self, phys, n):
        for base, data in self.regions:
            if base <= phys and phys + n <= base + len(data):
                return data[phys - base:phys - base + n]
        if phys + n <= 0x100000:
            return bytes(n)     # low memory the capture left out is zero
        return None

    def find(self, sig, lo, hi):
        for base, data in self.regions:
            for i in range(0, len(data), 16):
                if lo <= base + i < hi and data[i:i + len(sig)] == sig:
                    return base + i
        return None

    def table(self, phys):
        h = self.read(phys, 36)
        return h and self.read(phys, struct.unpack_from("<I", h, 4)[0])


def acpi_tables(pm):
    rsdp = pm.find(b"RSD PTR ", 0xe0000, 0x100000)
    if rsdp is None:
        return []
    r = pm.read(rsdp, 36)
    if r[15] >= 2 and struct.unpack_from("<Q", r, 24)[0]:
        root, esize = pm.table(struct.unpack_from("<Q", r, 24)[0]), 8
    else:
        root, esize = pm.table(struct.unpack_from("<I", r, 16)[0]), 4
    tables = []
    for off in range(36, len(root), esize):
        addr = int.from_bytes(root[off:off + esize], "little")
        t = pm.table(addr)
        if t:
            tables.append(t)
    for t in list(tables):
        if t[:4] == b"FACP":
            dsdt = struct.unpack_from("<I", t, 40)[0]
            if len(t) >= 148 and struct.unpack_from("<Q", t, 140)[0]:
                dsdt = struct.unpack_from("<Q", t, 140)[0]
            d = pm.table(dsdt)
            if d:
                tables.append(d)
    return tables


def fuzz_table(i):
    return 0x1000000 + i * 0x100000     # FUZZ_TABLE() in fuzz_acpi.c


def acpi_input(tables, mode=0):
    """fuzz_acpi.c's input: the FADT pointed at where the DSDT goes."""
    names = [t[:4] for t in tables]
    out = []
    for t in tables:
        t = bytearray(t)
        if t[:4] == b"FACP" and b"DSDT" in names:
            slot = fuzz_table(names.index(b"DSDT"))
            struct.pack_into("<I", t, 40, slot)
            if len(t) >= 148:
                struct.pack_into("<Q", t, 140, slot)
        out.append(bytes(t))
    return bytes([mode]) + b"".join(out)


def firmware():
    captures = sorted(f[:-5] for f in os.listdir(DATA) if f.endswith(".pmem"))
    dsdts = {}
    for name in captures:
        pm = Pmem(os.path.join(DATA, name + ".pmem"))
        tables = acpi_tables(pm)
        if tables:
            put("acpi", name, acpi_input(tables))
            for t in tables:
                if t[:4] == b"DSDT":
                    dsdts[t[36:]] = name
        mp = pm.find(b"_MP_", 0, 0x100000)
        if mp is not None:
            fp = pm.read(mp, 16)
            cfg = struct.unpack_from("<I", fp, 4)[0]
            h = pm.read(cfg, 44)
            if h:
                base_len, = struct.unpack_from("<H", h, 4)
                ext_len, = struct.unpack_from("<H", h, 40)
                t = pm.read(cfg, base_len + ext_len) or pm.read(cfg, base_len)
                put("mptable", name, bytes([fp[12]]) + t)
    fc = os.path.join(DATA, "firecracker")
    fct = []
    for sig in ("APIC", "FACP", "MCFG", "DSDT"):
        with open(os.path.join(fc, sig), "rb") as f:
            fct.append(f.read())
    dsdts[fct[-1][36:]] = "firecracker"
    put("acpi", "firecracker", acpi_input(fct))
    put("acpi", "firecracker-rsdt", acpi_input(fct, mode=1))
    put("acpi", "madt-only", acpi_input([fct[0]]))
    put("acpi", "empty", b"\0")
    for body, name in sorted(dsdts.items(), key=lambda kv: kv[1]):
        put("aml", name, body)
    # Hand-made AML: Name (_S5, Package (4) {5, 0, 0, 0}) and PkgLengths
    # of every encoding size.
    put("aml", "s5", b"\x08_S5_\x12\x06\x04\x0a\x05\x00\x00\x00")
    put("aml", "pkglength-4", b"\xc0\xff\xff\xff")
    # Cloud Hypervisor's GED (as tests/unit/test_acpi.c has it): its
    # event register, OperationRegion (GDST, SystemMemory, DWord, One),
    # in a container device, and the GED with only an interrupt.
    put("aml", "cloud-hypervisor-ged",
        b"\x5b\x80GDST\x00\x0c\x00\x40\xb0\xfe\x01"
        b"\x08_HID\x0dACPI0013\x00\x08_CRS\x11\x0e\x0a\x0b"
        b"\x89\x06\x00\x03\x01\x05\x00\x00\x00\x79\x00")
    put("aml", "empty", b"")


# --- virtio-pci configuration space ---------------------------------------------

def virtio_pci():
    cfg = bytearray(256)
    struct.pack_into("<HH", cfg, 0, 0x1af4, 0x1041)        # virtio-net
    struct.pack_into("<HH", cfg, 4, 0x0006, 0x0010)        # mem+master, caps
    cfg[0x08:0x0c] = bytes([1, 0, 0, 2])                   # class 0x02
    cfg[0x0e] = 0                                          # header type 0
    struct.pack_into("<I", cfg, 0x10, 0xfebf1000)          # BAR0: 4 KiB
    struct.pack_into("<I", cfg, 0x20, 0xfe00000c)          # BAR4: 64-bit
    struct.pack_into("<I", cfg, 0x24, 0)
    cfg[0x34] = 0x40

    def cap(off, nxt, typ, bar, offset, length, extra=b""):
        c = bytes([0x09, nxt, 16 + len(extra), typ, bar, 0, 0, 0])
        c += struct.pack("<II", offset, length) + extra
        cfg[off:off + len(c)] = c

    cfg[0x98:0x9c] = bytes([0x11, 0x84, 0x02, 0x00])       # MSI-X
    cap(0x84, 0x70, 1, 4, 0x0000, 0x1000)                  # common
    cap(0x70, 0x60, 3, 4, 0x1000, 0x1000)                  # ISR
    cap(0x60, 0x50, 4, 4, 0x2000, 0x1000)                  # device
    cap(0x50, 0x40, 2, 4, 0x3000, 0x1000, struct.pack("<I", 4))  # notify
    cap(0x40, 0x00, 5, 0, 0, 0, struct.pack("<I", 0))      # PCI cfg access
    cfg[0x40], cfg[0x41] = 0x09, 0x98                      # list: 40 98 84..
    cfg[0x99] = 0x84
    masks = struct.pack("<6I", 0xfffff000, 0, 0, 0, 0xffffc000, 0xffffffff)
    put("virtio_pci", "net-modern", bytes(cfg) + masks)
    loop = bytearray(cfg)
    loop[0x41] = 0x40                                      # points at itself
    put("virtio_pci", "cap-loop", bytes(loop) + masks)
    io = bytearray(cfg)
    struct.pack_into("<I", io, 0x10, 0xc001)               # BAR0: ports
    put("virtio_pci", "io-bar", bytes(io) +
        struct.pack("<6I", 0xffffffe0, 0, 0, 0, 0xffffc000, 0xffffffff))
    put("virtio_pci", "empty", b"")


# --- virtqueues ---------------------------------------------------------------------

def virtq():
    """fuzz_virtq.c's commands: 0 submit (slot, shape), 1 used (id, len),
    2 used index, 3 reap, 4 interrupts; shape: out & 3, in >> 2 & 3,
    buffer length 1 + (shape >> 4)."""
    def submit(slot, nout, nin, blen):
        return bytes([0, slot, nout | nin << 2 | (blen - 1) << 4])

    def used(head, n):
        return bytes([1]) + struct.pack("<HH", head, n)

    two = submit(0, 1, 1, 4) + submit(1, 1, 2, 8)     # heads 0 and 2
    seeds = {
        "truthful": bytes([0, 7]) + two + used(0, 4) + used(2, 16) + b"\3",
        "event-idx": bytes([1, 7]) + two + bytes([4, 0]) + used(2, 0) +
                     b"\3" + bytes([4, 1]) + used(0, 1) + b"\3",
        "full-ring": bytes([0, 3]) + submit(0, 1, 1, 1) + submit(1, 1, 1, 1)
                     + submit(2, 1, 0, 1) + used(2, 0) + used(0, 1) + b"\3"
                     + submit(3, 1, 1, 2) + used(0, 2) + used(0, 0) + b"\3",
        "not-in-flight": bytes([0, 7]) + two + used(1, 0) + b"\3",
        "too-long": bytes([0, 7]) + two + used(0, 5) + b"\3",
        "index-jump": bytes([0, 7]) + two + bytes([2]) +
                      struct.pack("<H", 300) + b"\3",
    }
    for k, v in seeds.items():
        put("virtq", k, v)


# --- NVMe ----------------------------------------------------------------------

def nvme():
    """fuzz_nvme.c's input: Identify Controller, Identify Namespace (4 KiB
    each), then completion entries (the bytes are also read as PRP
    transfers)."""
    ctrl = bytearray(4096)
    ctrl[24:64] = b"QEMU NVMe Ctrl".ljust(40)
    ctrl[77], ctrl[512], ctrl[513], ctrl[525] = 7, 0x66, 0x44, 1
    ctrl[516:520] = struct.pack("<I", 256)
    ns = bytearray(4096)
    ns[0:8] = struct.pack("<Q", 49152)
    ns[25] = 1
    ns[128:136] = struct.pack("<II", 9 << 16, 12 << 16)

    def cqe(cid, sqid=1, sqhd=1, status=1):
        return struct.pack("<IIHHHH", 0, 0, sqhd, sqid, cid, status)

    good = cqe(0) + cqe(1, sqhd=2) + cqe(2, status=0x281)
    put("nvme", "qemu", bytes(ctrl) + bytes(ns) + good)
    put("nvme", "garbage-cqe", bytes(ctrl) + bytes(ns) + cqe(999) +
        cqe(0, sqid=7) + cqe(0, sqhd=4000))
    meta = bytearray(ns)
    meta[128:132] = struct.pack("<I", 9 << 16 | 8)
    put("nvme", "metadata-ns", bytes(ctrl) + bytes(meta))
    put("nvme", "prp", struct.pack("<QI", 0x100200, 128 * 1024) +
        struct.pack("<QI", 0x100000, 8192))


# --- ext2 images ----------------------------------------------------------

def ext2_image(args, tree, size_kib):
    """An image made by the host's mke2fs -d from (tree) (a dict of name
    to bytes, or to ("link", target), or to None for a directory), its
    trailing zeros cut: fuzz_ext2.c pads the device back."""
    with tempfile.TemporaryDirectory() as d:
        root = os.path.join(d, "root")
        os.mkdir(root)
        for name, data in tree.items():
            path = os.path.join(root, name)
            if data is None:
                os.makedirs(path, exist_ok=True)
            elif isinstance(data, tuple):
                os.symlink(data[1], path)
            else:
                with open(path, "wb") as f:
                    f.write(data)
        img = os.path.join(d, "img")
        with open(img, "wb") as f:
            f.truncate(size_kib << 10)
        mke2fs = "/usr/sbin/mke2fs"
        subprocess.run([mke2fs, "-q", "-F", "-E", "nodiscard",
                        "-E", "hash_seed=0f0f0f0f-0000-0000-0000-000000000000",
                        "-U", "00000000-0000-0000-0000-000000000001"] + args +
                       ["-d", root, img], check=True,
                       env=dict(os.environ, E2FSPROGS_FAKE_TIME="1700000000"))
        with open(img, "rb") as f:
            return f.read().rstrip(b"\0")


def ext2():
    tree = {
        "hello.txt": b"hello ext2\n",
        "dir": None,
        "dir/sub": None,
        "dir/sub/deep.txt": b"deep\n",
        "big.bin": bytes((i * 7) & 255 for i in range(20000)),
        "link_fast": ("link", "hello.txt"),
        "link_slow": ("link", "./" * 40 + "dir/sub/deep.txt"),
        "a.txt": b"a\n",
    }
    many = dict(tree, many=None)
    for i in range(60):
        many[f"many/file{i:02d}"] = b"x"
    seeds = {
        "ext2-1k": (["-t", "ext2", "-b", "1024", "-N", "32"], tree, 256),
        "ext2-4k": (["-t", "ext2", "-b", "4096", "-N", "32"], tree, 512),
        "ext2-many": (["-t", "ext2", "-b", "1024", "-N", "96"], many, 256),
        "ext2-rev0": (["-r", "0", "-b", "1024", "-N", "32"],
                      {"hello.txt": b"hi\n", "d": None}, 128),
        "ext4-ro": (["-t", "ext4", "-b", "1024", "-N", "32", "-O",
                     "^has_journal"], tree, 512),
    }
    for name, (args, t, size) in seeds.items():
        put("ext2", name, ext2_image(args, t, size))


# --- virtio-net frames into lwIP, and DHCP -------------------------------

OUR_MAC = bytes.fromhex("525400123456")        # net_world.c
PEER_MAC = bytes.fromhex("52550a000202")
OUR_IP = bytes([10, 0, 2, 15])
PEER_IP = bytes([10, 0, 2, 2])
OUR_IP6 = bytes.fromhex("fe80000000000000505400fffe123456")
PEER_IP6 = bytes.fromhex("fe80000000000000505500fffe000202")
SOLICITED = bytes.fromhex("ff0200000000000000000001ff123456")
SOLICITED_MAC = bytes.fromhex("3333ff123456")
REC_HDR, REC_FIX, REC_ACK, REC_TICK = 1, 2, 4, 8     # fuzz_vnet.c


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, etype=0x0800, dst=OUR_MAC, src=PEER_MAC):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(proto, payload, src=PEER_IP, dst=OUR_IP, ident=1, frag=0x4000):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                    frag, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(nxt, payload, src=PEER_IP6, dst=OUR_IP6, hops=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nxt, hops) + src + \
        dst + payload


def tcp(sport, dport, seq, ack, flags, data=b"", wnd=65535, opts=b""):
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4,
                       flags, wnd, 0, 0) + opts + data


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def rec(frame, flags=REC_HDR | REC_FIX):
    return bytes([flags]) + struct.pack("<H", len(frame)) + frame


def arp(op, sha, spa, tha, tpa, dst=b"\xff" * 6, src=PEER_MAC):
    return eth(struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa +
               tha + tpa, 0x0806, dst, src)


SYN, FIN, RST, PSH, ACK = 2, 1, 4, 8, 16
MSS = struct.pack("!BBH", 2, 4, 1460) + b"\1\3\3\7"    # and wscale 7


def tcp_session(port=40000, ip6=False):
    """A client's connection to port 80: SYN, the handshake's ACK, a
    request, a 'G' for the bulk answer acknowledged as it comes, FIN."""
    def seg(seq, flags, data=b"", opts=b""):
        t = tcp(port, 80, seq, 0, flags, data, opts=opts)
        return eth(ipv6(6, t), 0x86dd) if ip6 else eth(ipv4(6, t))
    out = rec(seg(1000, SYN, opts=MSS))
    out += rec(seg(1001, ACK), REC_HDR | REC_FIX | REC_ACK)
    out += rec(seg(1001, ACK | PSH, b"hello\n"),
               REC_HDR | REC_FIX | REC_ACK)
    out += rec(seg(1007, ACK | PSH, b"G"), REC_HDR | REC_FIX | REC_ACK)
    for _ in range(4):
        out += rec(seg(1008, ACK), REC_HDR | REC_FIX | REC_ACK | REC_TICK)
    out += rec(seg(1008, ACK | FIN), REC_HDR | REC_FIX | REC_ACK)
    return out


def vnet():
    """fuzz_vnet.c's input: a features byte (MRG_RXBUF, GUEST_CSUM,
    GUEST_TSO4, GUEST_TSO6, CSUM, HOST_TSO4, HOST_TSO6, INDIRECT_DESC),
    a configuration byte (1: MTU (40 + (b >> 3) * 300), 2: STATUS, 4:
    link down), then records: flags, 16-bit length, bytes."""
    who = arp(1, PEER_MAC, PEER_IP, bytes(6), OUR_IP)
    icmp = b"\x08\0\0\0\0\1\0\1" + b"ping" * 8
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    plain, offload = bytes([0, 0]), bytes([0xff, 2])
    # A neighbour solicitation for our address, with the peer's MAC.
    ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + OUR_IP6 + bytes([1, 1]) + \
        PEER_MAC
    seeds = {
        "arp-ping": plain + rec(who, REC_HDR) + rec(eth(ipv4(1, icmp))),
        "tcp": plain + rec(who, REC_HDR) + tcp_session(),
        "tcp-offload": offload + rec(who, REC_HDR) + tcp_session(40001),
        "tcp6": plain + rec(eth(ipv6(58, ns, dst=SOLICITED, hops=255),
                                0x86dd, dst=SOLICITED_MAC)) +
                tcp_session(40002, ip6=True),
        "udp": plain + rec(who, REC_HDR) +
               rec(eth(ipv4(17, udp(5000, 7, b"echo me")))) +
               rec(eth(ipv6(17, udp(5001, 7, b"echo me too")), 0x86dd)),
        "fragments": plain + rec(who, REC_HDR) +
                     rec(eth(ipv4(17, udp(5000, 7, b"A" * 24)[:16],
                                  ident=7, frag=0x2000)), REC_HDR) +
                     rec(eth(ipv4(17, b"A" * 16, ident=7, frag=2)),
                         REC_HDR),
        "mtu-small": bytes([0, 1 | 2]) + rec(who, REC_HDR),
        "link-down": bytes([0, 2 | 4]) + rec(who, REC_HDR),
    }
    # Headers the device writes: NEEDS_CSUM, believed (UDP checksum at
    # 14 + 20 + 6), a merged frame in three buffers, a large TCP segment
    # (GSO TCPv4).
    u = eth(ipv4(17, udp(5000, 7, b"partial")))
    h = struct.pack("<BBHHHHH", 1, 0, 0, 0, 34, 6, 1)
    seeds["needs-csum"] = bytes([0x03, 0]) + rec(who, REC_HDR) + \
        rec(h + u, 0)
    big = eth(ipv4(17, udp(5000, 7, bytes(range(256)) * 5)))
    h = struct.pack("<BBHHHHH", 2, 0, 0, 0, 0, 0, 1)
    seeds["merged"] = bytes([0x03, 0]) + rec(who, REC_HDR) + \
        rec(h + big[:1524], 0) + rec(big[1524:], 0)
    # A FIN half the sequence space past where the connection is: lwIP
    # took it for one overlapping what it had (a signed comparison
    # wraps) and asserted (net/tcp_far.c).
    def seg(seq, flags):
        return eth(ipv4(6, tcp(40004, 80, seq, 0, flags)))
    seeds["crash-far-seq"] = plain + rec(who, REC_HDR) + \
        rec(seg(1000, SYN)) + \
        rec(seg(1001, ACK), REC_HDR | REC_FIX | REC_ACK) + \
        rec(seg(1001 + (1 << 31), ACK | FIN), REC_HDR | REC_FIX | REC_ACK)
    lro = eth(ipv4(6, tcp(40003, 80, 5000, 0, ACK, b"x" * 4000)))
    h = struct.pack("<BBHHHHH", 1, 1, 54, 1460, 34, 16, 3)
    seeds["lro"] = bytes([0x07, 0]) + rec(who, REC_HDR) + \
        rec(h + lro, REC_FIX)
    for k, v in seeds.items():
        put("vnet", k, v)


def dhcp_msg(mtype, yiaddr=bytes(4), options=b""):
    m = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, 0, 0, 0,
                    bytes(4), yiaddr, bytes(4), bytes(4), OUR_MAC, b"", b"")
    opts = bytes([53, 1, mtype, 54, 4]) + PEER_IP + options
    return m + b"\x63\x82\x53\x63" + opts + b"\xff"


def dhcp():
    """fuzz_dhcp.c's records: op 0 a DHCP message, 1 ticks of 500 ms (at
    most 255), 2 a raw frame, 3 the link down (1) or up (0). The lease
    is a minute: renewal at 30 s, rebinding at 52 s."""
    def msg(m, op=0):
        return bytes([op]) + struct.pack("<H", len(m)) + m

    def ticks(n):
        return bytes([1]) + struct.pack("<H", n)
    lease = bytes([51, 4]) + struct.pack("!I", 60) + \
        bytes([1, 4, 255, 255, 255, 0, 3, 4]) + PEER_IP + \
        bytes([6, 8, 10, 0, 2, 3, 8, 8, 8, 8])
    offer = dhcp_msg(2, OUR_IP, lease)
    ack = dhcp_msg(5, OUR_IP, lease)
    nak = dhcp_msg(6)
    conflict = arp(2, PEER_MAC, OUR_IP, OUR_MAC, OUR_IP, OUR_MAC)
    seeds = {
        "bound-renew": ticks(1) + msg(offer) + ticks(1) + msg(ack) +
                       ticks(4) + ticks(62) + msg(ack) + ticks(130),
        "nak": ticks(1) + msg(offer) + ticks(1) + msg(nak) + ticks(10),
        "renew-nak": ticks(1) + msg(offer) + ticks(1) + msg(ack) +
                     ticks(4) + ticks(62) + msg(nak) + ticks(10),
        "decline": ticks(1) + msg(offer) + ticks(1) + msg(ack) +
                   msg(conflict, 2) + ticks(30),
        "lease-ends": ticks(1) + msg(offer) + ticks(1) + msg(ack) +
                      ticks(150) + ticks(150),
        "link-flap": ticks(1) + msg(offer) + ticks(1) + msg(ack) + ticks(4) +
                     bytes([3, 1, 0]) + bytes([3, 0, 0]) + ticks(2) +
                     msg(ack) + ticks(4),
        "overload": ticks(1) + msg(dhcp_msg(2, OUR_IP, bytes([52, 1, 3]) +
                                            lease)),
        "short-options": ticks(1) + msg(offer[:250]),
        "ack-yiaddr-zero": ticks(1) + msg(offer) + ticks(1) +
                           msg(dhcp_msg(5, bytes(4), lease)) + ticks(4),
    }
    for k, v in seeds.items():
        put("dhcp", k, v)


# --- virtio-vsock packets ---------------------------------------------------

def vsock():
    """fuzz_vsock.c's records: op 0 a packet (op | 0x10: its length,
    CIDs and ports left 0 set), 1 ticks of 250 ms, 2 an event, 3 the
    application: accept 0, read 1, write 2, write with MSG_MORE 3,
    shutdown 4, close 5, connect to 5000 + n 6, SO_RCVBUF 7 (which
    socket, or n, in the high byte)."""
    REQ, RESP, RST_, SHUT, RW, UPD, CREQ = 1, 2, 3, 4, 5, 6, 7

    def pkt(op, sport=5555, dport=1234, data=b"", flags=0, buf=65536,
            fwd=0, typ=1, fix=True, length=None):
        h = struct.pack("<QQIIIHHIII", 2, 3, sport, dport,
                        len(data) if length is None else length, typ, op,
                        flags, buf, fwd)
        m = h + data
        return bytes([0x10 if fix else 0]) + struct.pack("<H", len(m)) + m

    def app(what, which=0):
        return bytes([3]) + struct.pack("<H", what | which << 8)

    def ticks(n):
        return bytes([1]) + struct.pack("<H", n)

    def event(i):
        return bytes([2]) + struct.pack("<H", i)
    conn = pkt(REQ) + app(0)        # the listener is socket 0
    seeds = {
        "accept-echo": conn + pkt(RW, data=b"hello") + app(1, 1) +
                       app(2, 1) + pkt(SHUT, flags=3) + pkt(RST_),
        "connect": app(6, 1) + pkt(RESP, 0, 0) + app(2, 1) +
                   pkt(RW, 0, 0, b"answer") + app(1, 1) + app(5, 1) +
                   pkt(RST_, 0, 0),
        "connect-refused": app(6, 2) + pkt(RST_, 0, 0) + app(1, 1),
        "connect-timeout": app(6, 3) + ticks(12),
        "credit": conn + pkt(CREQ) + pkt(UPD, buf=16, fwd=0) +
                  app(2, 201) + pkt(UPD, buf=4096, fwd=16) + app(7, 1) +
                  pkt(RW, data=b"x" * 2000) + app(1, 1),
        "close-wait": conn + app(5, 1) + pkt(RST_) + app(6, 4) +
                      pkt(RESP, 0, 0) + app(5, 1) + ticks(10),
        "more": conn + app(3, 40) + ticks(1) + app(3, 1) + app(2, 1) +
                app(4, 1) + pkt(SHUT, flags=1) + pkt(SHUT, flags=2),
        "reset-event": conn + event(0) + event(7) + app(1, 1),
        "backlog": b"".join(pkt(REQ, 6000 + i) for i in range(6)) +
                   app(0) + app(0),
        "garbage": pkt(RW, fix=False, length=99) + pkt(REQ, typ=2) +
                   pkt(9) + pkt(RW, 7777, 4321, b"nobody") +
                   bytes([0x10, 10, 0]) + bytes(10),
    }
    for k, v in seeds.items():
        put("vsock", k, v)


# --- partition tables ------------------------------------------------------

def part():
    """Partition tables as sfdisk writes them: a GPT (protective MBR,
    header, entries) and a plain MBR."""
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk")
        for name, table in (
                ("gpt", "label: gpt\nstart=2048, size=2048\n"
                 "start=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n"),
                ("mbr", "label: dos\nstart=2048, type=83\n")):
            with open(disk, "wb") as f:
                f.truncate(32 << 20)
            subprocess.run(["sfdisk", "-q", disk], input=table.encode(),
                           check=True, env=dict(os.environ, PATH=os.environ.get(
                               "PATH", "") + ":/usr/sbin:/sbin"))
            with open(disk, "rb") as f:
                put("part", name, f.read(4 * 512 if name == "gpt" else 512))


def main():
    cmdline()
    for name, data in archives().items():
        put("cpio", name, data)
        put("initrd", name, data)
    fuse()
    http()
    firmware()
    virtio_pci()
    virtq()
    nvme()
    ext2()
    vnet()
    dhcp()
    vsock()
    part()


if __name__ == "__main__":
    main()
