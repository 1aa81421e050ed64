# SPDX-License-Identifier: MIT
"""Checks of `toro image`, run by run.py with the checks of cli_checks.py.

Each boot check makes a disk image with the real command and boots it
with plain QEMU as a cloud would, without -kernel: q35, SeaBIOS or OVMF,
the disk on AHCI, virtio-blk or NVMe; GRUB on the disk loads the kernel
through its Multiboot2 entry. The guest's output and exit status
(isa-debug-exit) must be the application's. One boot per firmware and
disk pairing, each a different feature: the arguments and variables baked
into the command line, the initrd as a Multiboot2 module, the qcow2 and
VHD outputs, an ext2 data partition (--data-dir) read and written by the
guest and then judged by e2fsck and debugfs.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORO = os.path.join(ROOT, "toro")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from toro import cpio, image  # noqa: E402

BOOT_TIMEOUT = 240      # OVMF under TCG on a busy machine
# test_args: each word must come back whole (GRUB quotes them again).
ARGS = ["7", "two words", 'quote"inside', "back\\slash", "it's", "$HOME"]
ARGS_EXPECT = [r"^argc=7$", r"^argv\[0\]=<test_args>$", r"^argv\[1\]=<7>$",
               r"^argv\[2\]=<two words>$", r'^argv\[3\]=<quote"inside>$',
               r"^argv\[4\]=<back\\slash>$", r"^argv\[5\]=<it's>$",
               r"^argv\[6\]=<\$HOME>$", r"^GREETING=<hi>$"]


def toro(*args, env=None, timeout=300):
    r = subprocess.run([TORO, *args], capture_output=True, text=True,
                       env=env, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def make(tmp, elf, *args, fmt="raw"):
    out = os.path.join(tmp, f"disk.{fmt}")
    rc, so, se = toro("image", elf, "-o", out, "--format", fmt, *args)
    if rc:
        raise AssertionError(f"toro image: exit {rc}: {se.strip()}")
    return out


def boot(tmp, disk_image, firmware, disk, fmt="raw", extra=()):
    """(exit status of the guest or None, console text); extra: more QEMU
    arguments, such as a data disk on the interface under test."""
    cmd = image.boot_command(disk_image, firmware, disk, tmp, fmt,
                             extra=extra)
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=BOOT_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode(errors="replace")
    # Serial line ends: the kernel writes \r\n, GRUB \n\r.
    out = r.stdout.decode(errors="replace").replace("\r", "")
    status = r.returncode >> 1 if r.returncode & 1 else None
    return status, out + r.stderr.decode(errors="replace")


def verdict(status, out, want_status, expect):
    missing = [e for e in expect if not re.search(e, out, re.M)]
    ok = status == want_status and not missing
    return ok, (f"status {status} (want {want_status}), missing {missing}, "
                f"output: {out[-1500:]!r}")


def boot_args(build, firmware, disk):
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        path = make(tmp, f"{build}/tests/test_args.elf", "-e", "GREETING=hi",
                    "--", *ARGS)
        return verdict(*boot(tmp, path, firmware, disk), 7, ARGS_EXPECT)


def boot_initrd(build, firmware, disk):
    """The initrd reaches the kernel as a Multiboot2 module."""
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        path = make(tmp, f"{build}/tests/test_files.elf", "--initrd",
                    os.path.join(ROOT, "tests/sys/test_files/initrd"),
                    "--", "read", "readdir")
        return verdict(*boot(tmp, path, firmware, disk), 0,
                       [r"^TESTS: [1-9]\d* passed, 0 failed$",
                        r"^\[  OK  \] read\.whole_file"])


def check_image_seabios_ahci_args(build):
    return boot_args(build, "seabios", "ide")


def check_image_seabios_virtio_initrd(build):
    return boot_initrd(build, "seabios", "virtio")


def check_image_ovmf_virtio_args(build):
    return boot_args(build, "ovmf", "virtio")


def check_image_ovmf_ahci_initrd(build):
    return boot_initrd(build, "ovmf", "ide")


def check_image_formats(build):
    """qcow2 and fixed VHD: what qemu-img says they are, same size as the
    raw disk, and the qcow2 boots (SeaBIOS, from NVMe)."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        elf = f"{build}/hello.elf"
        raw = make(tmp, elf)
        size = os.path.getsize(raw)
        if size % (1 << 20) or size >= 8 << 20:
            problems.append(f"raw is {size} bytes: not whole MiB under 8 MiB")
        for fmt, qfmt in (("qcow2", "qcow2"), ("vhd", "vpc")):
            path = make(tmp, elf, fmt=fmt)
            r = subprocess.run(["qemu-img", "info", "-f", qfmt, "--output",
                                "json", path], capture_output=True, text=True)
            if r.returncode or f'"virtual-size": {size},' not in r.stdout:
                problems.append(f"{fmt}: {r.stdout or r.stderr}")
        with open(path, "rb") as f:
            f.seek(-512, 2)
            footer = f.read(512)
        # The VHD footer ("conectix") at the very end, disk type 2: fixed.
        if footer[:8] != b"conectix" or struct.unpack(">I", footer[60:64])[0] != 2:
            problems.append("vhd: no fixed-disk footer")
        status, out = boot(tmp, os.path.join(tmp, "disk.qcow2"), "seabios",
                           "nvme", "qcow2")
        if status != 0 or "Hello from Toro" not in out:
            problems.append(f"qcow2 boot: status {status}: {out[-800:]!r}")
    return not problems, "; ".join(problems)


def check_image_large_initrd(build):
    """An initrd past FAT16's one-sector-cluster limit (32 MiB) still
    fits: the ESP gets bigger clusters, and holds it byte for byte."""
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        with open(os.path.join(tree, "big"), "wb") as f:
            f.write(b"toro" * (10 << 20))
        archive = os.path.join(tmp, "initrd.cpio")
        cpio.pack(tree, archive)
        path = make(tmp, f"{build}/hello.elf", "--initrd", archive)
        back = os.path.join(tmp, "back")
        r = subprocess.run(["mcopy", "-i", f"{path}@@1M", "::/initrd.img",
                            back], capture_output=True, text=True,
                           env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
        if r.returncode:
            return False, f"mcopy: {r.stderr}"
        with open(archive, "rb") as a, open(back, "rb") as b:
            same = a.read() == b.read()
        return same, "the ESP's initrd.img differs from the archive"


def data_partition(path, tmp):
    """Partition 3 of the raw disk at path, copied out to a file."""
    table = json.loads(subprocess.run(["sfdisk", "-J", path],
                                      capture_output=True, text=True,
                                      env=dict(os.environ, PATH=image.sbin_path()),
                                      check=True).stdout)
    part = table["partitiontable"]["partitions"][2]
    out = os.path.join(tmp, "data.ext2")
    with open(path, "rb") as f, open(out, "wb") as o:
        f.seek(part["start"] * 512)
        o.write(f.read(part["size"] * 512))
    return out


def host_tool(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True,
                          env=dict(os.environ, PATH=image.sbin_path()))


def check_image_data_partition(build):
    """--data-dir: the files are at /data in the guest (the partition
    found by its GPT GUID on the virtio boot disk), the guest's writes
    reach the partition, and e2fsck finds it clean afterwards."""
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        tree = os.path.join(tmp, "tree")
        os.makedirs(os.path.join(tree, "sub"))
        with open(os.path.join(tree, "hello.txt"), "w") as f:
            f.write("hello data\n")
        with open(os.path.join(tree, "sub", "deep.txt"), "w") as f:
            f.write("deep\n")
        path = make(tmp, f"{build}/tests/test_ext2.elf", "--data-dir", tree,
                    "--", "image")
        ok, why = verdict(*boot(tmp, path, "seabios", "virtio"), 0,
                          [r"^image: 0 failed$"])
        if not ok:
            return ok, why
        part = data_partition(path, tmp)
        fsck = host_tool("e2fsck", "-fn", part)
        if fsck.returncode:
            return False, f"e2fsck -fn: {fsck.stdout}{fsck.stderr}"
        got = host_tool("debugfs", "-R", "cat /guest.txt", part).stdout
        listing = host_tool("debugfs", "-R", "ls -l /", part).stdout
        if got != "from the guest\n" or "newdir" not in listing:
            return False, f"guest.txt: {got!r}; /: {listing}"
    return True, ""


# --- bad inputs ----------------------------------------------------------

def one_line_error(result, want_rc, want_text):
    rc, out, err = result
    lines = err.strip().splitlines()
    ok = (rc == want_rc and len(lines) == 1 and lines[0].startswith("toro: ")
          and want_text in lines[0])
    return ok, f"exit {rc} (want {want_rc}, {want_text!r}), stderr: {err.strip()!r}"


def check_image_errors(build):
    hello = f"{build}/hello.elf"
    with_ext2 = f"{build}/tests/test_ext2.elf"
    problems = []
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        out = os.path.join(tmp, "x.raw")
        # An image without the Multiboot2 header: hello with it broken.
        old = os.path.join(tmp, "old.elf")
        with open(hello, "rb") as f:
            data = bytearray(f.read())
        at = data.find(struct.pack("<I", image.elf.MB2_HEADER_MAGIC))
        data[at:at + 4] = b"\0\0\0\0"
        with open(old, "wb") as f:
            f.write(data)
        # A PATH with python3 but none of GRUB's and mtools' programs.
        bare = os.path.join(tmp, "bin")
        os.mkdir(bare)
        os.symlink(sys.executable, os.path.join(bare, "python3"))
        env = dict(os.environ, PATH=bare)
        # 3 MiB of files that a 1 MiB data partition cannot hold.
        full = os.path.join(tmp, "full")
        os.mkdir(full)
        with open(os.path.join(full, "big"), "wb") as f:
            f.write(os.urandom(3 << 20))
        cases = [
            (("image", "/nonexistent/app.elf", "-o", out), 2, "no such file"),
            (("image", "/bin/true", "-o", out), 2, "not a PVH kernel"),
            (("image", old, "-o", out), 2, "no Multiboot2 header"),
            (("image", hello), 2, "-o"),
            (("image", hello, "-o", "/nonexistent/dir/x.raw"), 2,
             "no such directory"),
            (("image", hello, "-o", tmp), 2, "is a directory"),
            (("image", hello, "-o", out, "--format", "vmdk"), 2, "vmdk"),
            (("image", hello, "-o", out, "--initrd", "/nonexistent"), 2,
             "no such file or directory"),
            (("image", hello, "-o", out, "-e", "NOEQUALS"), 2, "KEY=VALUE"),
            (("image", hello, "-o", out, "--", "a", ""), 2,
             "empty argument"),
            (("image", hello, "-o", out, "--", "a\tb"), 2, "tabs"),
            (("image", hello, "-o", out, "--data-dir", "/nonexistent"), 2,
             "no such directory"),
            (("image", hello, "-o", out, "--data-dir", hello), 2,
             "not a directory"),
            (("image", hello, "-o", out, "--data-size", "8M"), 2,
             "--data-size needs --data-dir"),
            (("image", hello, "-o", out, "--data-dir", tmp, "--data-size",
              "12X"), 2, "not a size"),
            (("image", hello, "-o", out, "--data-dir", tmp), 2,
             "does not link ext2"),
            (("image", with_ext2, "-o", out, "--data-dir", full,
              "--data-size", "1M"), 2, "is too small for"),
            (("image", with_ext2, "-o", out, "--data-dir", tmp, "--append",
              "toro.mount=ext2:vdb:/x"), 2, "the kernel takes one"),
        ]
        for args, rc, text in cases:
            ok, detail = one_line_error(toro(*args), rc, text)
            if not ok:
                problems.append(f"{args}: {detail}")
        ok, detail = one_line_error(toro("image", hello, "-o", out, env=env),
                                    127, "apt-get install grub-common mtools")
        if not ok:
            problems.append(f"missing tools: {detail}")
        if os.path.exists(out):
            problems.append("a failed run left an image behind")
        leftovers = [n for n in os.listdir(tmp) if n.startswith("toro-image-")]
        if leftovers:
            problems.append(f"temporary directories left: {leftovers}")
    return not problems, "; ".join(problems)


CHECKS = [(f"cli {fn.__name__[6:]}", fn) for fn in (
    check_image_errors, check_image_formats, check_image_large_initrd,
    check_image_seabios_ahci_args, check_image_seabios_virtio_initrd,
    check_image_ovmf_virtio_args, check_image_ovmf_ahci_initrd,
    check_image_data_partition)]
