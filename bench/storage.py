#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Storage benchmark for bench/storage.sh: Toro next to a Debian Linux guest
on the same QEMU (TCG, microvm, same CPUs and memory, the same disk image
with the same -drive options, the same virtiofsd with the same options and
the same shared memfd RAM); writes bench/RESULTS.md. Then the same disk on
an NVMe controller, for both guests on q35 (NVMe is PCI), for the NVMe rows.
Then an ext2 filesystem (mke2fs on the host, a fresh copy for every boot)
on a virtio-blk disk, mounted by both guests, for the ext2 rows; e2fsck
checks it after every boot.

Each boot of either guest does every measurement once (Toro:
bench/storage/toro/main.c; Linux: bench/storage/linux_storage.c, the same
calls through POSIX) and prints "RESULT name value" lines. Boots of the two
alternate, the first of each pair switching sides from run to run, and the
table gives the median over runs.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))

from toro import devices, virtiofsd  # noqa: E402
from toro.errors import ToroError  # noqa: E402
import guest  # noqa: E402
import results  # noqa: E402

BUILD = os.path.join(ROOT, "build")
TORO_BUILD = os.environ.get("TORO_BUILD", BUILD)
TORO_ELF = os.path.join(TORO_BUILD, "bench", "storage.elf")
LINUX_BIN = os.path.join(BUILD, "bench", "linux_storage")
LINUX_DIR = os.path.join(BUILD, "linux", "storage")
DATA = os.path.join(BUILD, "storage")
DISK = os.path.join(DATA, "disk.img")
SHARE = os.path.join(DATA, "share")
FILE = os.path.join(SHARE, "storage.dat")     # the guests' /storage.dat

SMP = 2
MEM = 512                       # MiB, both guests
MIB = 256                       # per sequential transfer
COUNT = 10000                   # random 4 KiB reads
SEED = 1
ARGS = [str(x) for x in (MIB, COUNT, SEED)]
TIMEOUT = 600
# ext4 serves ext2 in Debian's kernel; it asks the crypto API for crc32c
# when mounting, which nothing loads by itself here.
MODULES = ("virtio_mmio", "virtio_blk", "virtiofs", "virtio_pci", "nvme",
           "crc32c_generic", "ext4")
RESULT = re.compile(r"^RESULT (\w+) ([0-9.]+)\s*$", re.M)
METRICS = ("blk_write_mibs", "blk_write_sync_mibs", "blk_read_mibs",
           "blk_randread_iops", "fs_write_mibs", "fs_write_sync_mibs",
           "fs_read_mibs", "fs_randread_iops")

# The ext2 rows: a file of EXT2_MIB MiB written, read and read at random
# (COUNT reads), then EXT2_FILES files made and unlinked in one directory,
# on a filesystem of EXT2_DISK_MIB MiB with 4 KiB blocks (mke2fs would
# choose 1 KiB ones for a disk this small).
EXT2_MIB = 64
EXT2_FILES = 10000
EXT2_DISK_MIB = 256
EXT2_NEW = os.path.join(DATA, "ext2-new.img")     # as mke2fs made it
EXT2_DISK = os.path.join(DATA, "ext2.img")        # the copy a guest gets
EXT2_MKFS = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096"]
EXT2_ARGS = ["ext2"] + [str(x) for x in (EXT2_MIB, COUNT, SEED, EXT2_FILES)]
EXT2_METRICS = ("ext2_write_sync_mibs", "ext2_read_mibs",
                "ext2_randread_iops", "ext2_create_fps", "ext2_unlink_fps")


def build():
    os.makedirs(os.path.dirname(LINUX_BIN), exist_ok=True)
    src = os.path.join(ROOT, "bench", "storage")
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-static", "-o", LINUX_BIN,
                    os.path.join(src, "linux_storage.c"),
                    os.path.join(src, "ext2_bench.c")], check=True)
    guest.build(LINUX_DIR, os.path.join(src, "linux_init.sh"),
                [f"{LINUX_BIN}:/bench/linux_storage"], modules=MODULES)
    os.makedirs(os.path.dirname(TORO_ELF), exist_ok=True)
    subprocess.run([os.path.join(ROOT, "toro"), "build", "bench/storage/toro",
                    "-o", TORO_ELF], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def prepare():
    """The same starting point for every boot: a fully written (not sparse)
    image of MIB MiB, so no write allocates host blocks, a share without
    the file the guest is about to create, and nothing of the last boot
    left for the host to write back during this one."""
    os.makedirs(SHARE, exist_ok=True)
    if not os.path.exists(DISK) or os.path.getsize(DISK) != MIB << 20:
        with open(DISK + ".tmp", "wb") as f:
            for _ in range(MIB):
                f.write(bytes(1 << 20))
        os.replace(DISK + ".tmp", DISK)
    if os.path.exists(FILE):
        os.unlink(FILE)
    os.sync()


def prepare_ext2():
    """A fresh copy of one new ext2 filesystem for every boot, written in
    full (not sparse), as the raw disk is, and synced."""
    os.makedirs(DATA, exist_ok=True)
    if not os.path.exists(EXT2_NEW):
        with open(EXT2_NEW + ".tmp", "wb") as f:
            for _ in range(EXT2_DISK_MIB):
                f.write(bytes(1 << 20))
        subprocess.run(EXT2_MKFS + [EXT2_NEW + ".tmp"], check=True)
        os.replace(EXT2_NEW + ".tmp", EXT2_NEW)
    shutil.copyfile(EXT2_NEW, EXT2_DISK)
    os.sync()


def check_ext2(system):
    """What the guest left must be a clean filesystem: e2fsck -fn finds
    nothing to fix (the guest deleted what it made)."""
    r = subprocess.run(["e2fsck", "-fn", EXT2_DISK], capture_output=True,
                       text=True)
    if r.returncode:
        sys.exit(f"storage: e2fsck after {system}'s ext2 run says "
                 f"({r.returncode}):\n{r.stdout[-3000:]}{r.stderr[-1000:]}")


# The disk's interface: (machine, --disk interface, Linux's device).
SETUPS = {"virtio": ("microvm", "virtio", "/dev/vda"),
          "nvme": ("q35", "nvme", "/dev/nvme0n1")}


def plan(setup="virtio"):
    """The devices of both guests, as `toro run --fs --disk` makes them
    (tools/toro/devices.py): the virtio-fs share (tag "root"), then the
    disk (raw, cache=writeback), on virtio-mmio transports of microvm with
    ACPI, or for NVMe an NVMe controller (and virtio-pci for the share) on
    q35; the RAM a shared memfd."""
    machine, iface, _ = SETUPS[setup]
    p = devices.Plan(machine, True, MEM)
    p.fs = [devices.Fs("root", SHARE)]
    p.disks = [devices.Disk(DISK, iface, False)]
    return p


def parse(system, out, metrics=METRICS):
    found = {k: float(v) for k, v in RESULT.findall(out)}
    missing = [k for k in ("cpus",) + metrics if k not in found]
    if missing:
        sys.exit(f"storage: {system} printed no {', '.join(missing)}:\n"
                 f"{out[-3000:]}")
    if found["cpus"] != SMP:
        sys.exit(f"storage: {system} saw {found['cpus']:g} CPUs, not {SMP}")
    return found


def boot_toro(run_args, args):
    """Toro's console after `toro run` with (run_args) and (args) for the
    program; a failed boot ends the benchmark."""
    cmd = [os.path.join(ROOT, "toro"), "run", TORO_ELF, "--smp", str(SMP),
           "--mem", str(MEM), "--accel", "tcg", "--timeout", str(TIMEOUT)]
    cmd += run_args + ["--"] + args
    r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL,
                       cwd=ROOT, env=dict(os.environ, TORO_BUILD=TORO_BUILD))
    out = r.stdout.decode(errors="replace")
    if r.returncode:
        sys.exit(f"storage: Toro exited {r.returncode}: "
                 f"{r.stderr.decode(errors='replace')}\n{out[-3000:]}")
    return out


def run_toro(setup="virtio"):
    prepare()
    machine, iface, _ = SETUPS[setup]
    out = boot_toro(["--machine", machine, "--disk", f"{DISK},if={iface}",
                     "--fs", SHARE], ARGS)
    return parse("Toro", out)


def run_linux(setup="virtio"):
    """Boot the Linux guest with the devices of plan(), its virtiofsd
    started the way `toro run` starts Toro's (tools/toro/virtiofsd.py)."""
    prepare()
    p = plan(setup)
    machine, _, disk = SETUPS[setup]
    with tempfile.TemporaryDirectory(prefix="storage-") as tmp:
        d = virtiofsd.Daemon(SHARE, os.path.join(tmp, "fs0.sock"),
                             os.path.join(tmp, "fs0.log"))
        d.start()
        try:
            _, out, status = guest.run(
                LINUX_DIR, timeout=TIMEOUT, smp=SMP, mem=MEM,
                args=ARGS + [disk], machine=machine,
                machine_opts=p.machine_options(),
                qemu_args=p.qemu_args([d.sock_path]))
        finally:
            d.stop()
    if status != 0 or guest.guest_status(out) != 0:
        sys.exit(f"storage: Linux guest failed ({status}):\n{out[-3000:]}")
    return parse("Linux", out)


def run_toro_ext2():
    prepare_ext2()
    out = boot_toro(["--machine", "microvm", "--disk",
                     f"{EXT2_DISK},if=virtio", "--append",
                     "toro.mount=ext2:vda:/data"], EXT2_ARGS)
    check_ext2("Toro")
    return parse("Toro", out, EXT2_METRICS)


def run_linux_ext2():
    """The Linux guest with the devices `toro run --disk EXT2_DISK` gives
    Toro (no share: plain RAM for both)."""
    prepare_ext2()
    p = devices.Plan("microvm", True, MEM)
    p.disks = [devices.Disk(EXT2_DISK, "virtio", False)]
    _, out, status = guest.run(
        LINUX_DIR, timeout=TIMEOUT, smp=SMP, mem=MEM,
        args=EXT2_ARGS + ["/dev/vda"], machine="microvm",
        machine_opts=p.machine_options(), qemu_args=p.qemu_args([]))
    if status != 0 or guest.guest_status(out) != 0:
        sys.exit(f"storage: Linux guest (ext2) failed ({status}):\n"
                 f"{out[-3000:]}")
    check_ext2("Linux")
    return parse("Linux", out, EXT2_METRICS)


def virtiofsd_options():
    share = os.path.relpath(SHARE, ROOT)
    return " ".join(virtiofsd.Daemon(share, "S", "L").command()[2:])


def e2fsprogs_version():
    r = subprocess.run(["mke2fs", "-V"], capture_output=True, text=True)
    words = (r.stderr or r.stdout).split()
    return words[1] if len(words) > 1 else "unknown version"


def toro_version():
    r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown commit"


def ratio(toro, linux):
    if not toro or not linux:
        return "n/a"
    return f"{toro / linux:.2f}x"


def main():
    args = sys.argv[1:]
    ext2_only = args[-1:] == ["ext2"]
    if ext2_only:
        args = args[:-1]
    try:
        runs = int(args[0]) if args else 5
    except ValueError:
        runs = 0
    if runs < 1 or len(args) > 1:
        sys.exit("usage: bench/storage.sh [RUNS] [ext2]")
    if not ext2_only:
        try:
            virtiofsd.check_available()     # both guests need it, as root
        except ToroError as e:
            sys.exit(f"storage: {e}")
    build()
    load_before = os.getloadavg()[0]

    # "toro"/"linux" on virtio (microvm); "toro_nvme"/"linux_nvme" on q35;
    # "toro_ext2"/"linux_ext2" on microvm.
    got = {s: {m: [] for m in METRICS}
           for s in ("toro", "linux", "toro_nvme", "linux_nvme")}
    got.update({s: {m: [] for m in EXT2_METRICS}
                for s in ("toro_ext2", "linux_ext2")})
    order = (("linux", run_linux), ("toro", run_toro))
    ext2_order = (("linux_ext2", run_linux_ext2), ("toro_ext2", run_toro_ext2))

    def record(i, key, r, metrics):
        for m in metrics:
            got[key][m].append(r[m])
        print(f"run {i + 1}/{runs} {key}: "
              + " ".join(f"{m}={r[m]:g}" for m in metrics), flush=True)

    for i in range(runs):
        for setup in () if ext2_only else SETUPS:
            for system, fn in order if i % 2 == 0 else order[::-1]:
                key = system + ("_nvme" if setup == "nvme" else "")
                record(i, key, fn(setup), METRICS)
        for key, fn in ext2_order if i % 2 == 0 else ext2_order[::-1]:
            record(i, key, fn(), EXT2_METRICS)
    if os.path.exists(FILE):
        os.unlink(FILE)
    if os.path.exists(EXT2_DISK):
        os.unlink(EXT2_DISK)

    med = {s: {m: statistics.median(v) for m, v in got[s].items()} for s in got}
    rows = [
        ("virtio-blk sequential write, MiB/s", "blk_write_mibs"),
        ("virtio-blk sequential write + flush, MiB/s", "blk_write_sync_mibs"),
        ("virtio-blk sequential read, MiB/s", "blk_read_mibs"),
        ("virtio-blk 4 KiB random reads, IOPS", "blk_randread_iops"),
        ("NVMe sequential write, MiB/s", "blk_write_mibs", "_nvme"),
        ("NVMe sequential write + flush, MiB/s", "blk_write_sync_mibs",
         "_nvme"),
        ("NVMe sequential read, MiB/s", "blk_read_mibs", "_nvme"),
        ("NVMe 4 KiB random reads, IOPS", "blk_randread_iops", "_nvme"),
        ("virtio-fs sequential write, MiB/s", "fs_write_mibs"),
        ("virtio-fs sequential write + fsync, MiB/s", "fs_write_sync_mibs"),
        ("virtio-fs sequential read, MiB/s", "fs_read_mibs"),
        ("virtio-fs 4 KiB random reads, IOPS", "fs_randread_iops"),
        (f"ext2 sequential write + fsync ({EXT2_MIB} MiB), MiB/s",
         "ext2_write_sync_mibs", "_ext2"),
        ("ext2 sequential read, MiB/s", "ext2_read_mibs", "_ext2"),
        ("ext2 4 KiB random reads, IOPS", "ext2_randread_iops", "_ext2"),
        (f"ext2 create {EXT2_FILES:,} files in a directory + sync, "
         "files/s", "ext2_create_fps", "_ext2"),
        ("ext2 unlink them + sync, files/s", "ext2_unlink_fps", "_ext2"),
    ]
    if ext2_only:
        rows = [r for r in rows if r[2:] == ("_ext2",)]

    def cell(system, key):
        v = got[system][key]
        spread = f" ({min(v):.0f}-{max(v):.0f})" if len(v) > 1 else ""
        return f"{med[system][key]:.0f}" + spread

    table = ["| measurement | Toro (runs' range) | Linux (runs' range) | "
             "Toro/Linux |", "| --- | --- | --- | --- |"]
    for label, key, *setup in rows:
        t, lx = "toro" + "".join(setup), "linux" + "".join(setup)
        table.append(f"| {label} | {cell(t, key)} | {cell(lx, key)} "
                     f"| {ratio(med[t][key], med[lx][key])} |")
    load = (f"The host's 1-minute load average was {load_before:.1f} "
            f"when the runs began and {os.getloadavg()[0]:.1f} when they "
            f"ended (on {os.cpu_count()} cores: other work shared the "
            "machine, which is "
            "what the ranges show).")
    body = (fill(summary(runs)) + "\n\n" + "\n".join(table) + "\n\n"
            + fill(load) + "\n\n"
            + "\n\n".join(fill(n) for n in notes()) + "\n")
    if ext2_only:
        print("(ext2 rows only: bench/RESULTS.md left as it was)")
    else:
        results.update("storage", "Storage", body)
    print("\n".join(table))


def fill(text):
    return textwrap.fill(text, 76, break_on_hyphens=False,
                         break_long_words=False)


def summary(runs):
    return (f"{runs} boots of each guest, interleaved (which goes first "
            "alternates); each boot makes every measurement once, and the "
            "table gives the median over boots. Higher is better "
            "everywhere: Toro/Linux above 1 means Toro is faster. QEMU "
            f"microvm with ACPI, TCG, {SMP} CPUs and {MEM} MiB of shared "
            "memfd RAM for both guests. Sequential: "
            f"{MIB} MiB of zeros in 1 MiB blocks, written then read back. "
            f"Random: {COUNT} reads of 4 KiB, one at a time, at the same "
            f"pseudo-random offsets (splitmix64, seed {SEED}) below "
            f"{MIB} MiB. Toro at {toro_version()}.")


def notes():
    return [
        "Devices, the same for both, as `toro run --disk --fs` makes them "
        "(tools/toro/devices.py): a raw image of "
        f"{MIB} MiB under build/storage/, written in full beforehand so no "
        "guest write allocates host blocks, as `-drive format=raw,"
        "cache=writeback` on a virtio-blk-device; a directory under "
        "build/storage/ served by QEMU's virtiofsd "
        f"(`{virtiofsd_options()}`, started as `toro run --fs` starts it) "
        "on a vhost-user-fs-device. cache=writeback, QEMU's default, keeps "
        "the host page cache: both guests' reads are served from host RAM, "
        "so the figures measure the guest, its driver and QEMU rather than "
        "the host's disk (itself virtual and shared here). A flush or "
        "fsync still makes the host write the data to that disk, so the "
        "\"+ flush\" and \"+ fsync\" rows include the host's disk, for both "
        "guests, and vary with it; the plain write rows stop when the "
        "device has acknowledged the last write. The host runs sync(1) "
        "before each boot, so no boot pays for the last one's writeback.",
        "Toro: bench/storage/toro/main.c. blk_write() of 1 MiB blocks, then "
        "blk_flush(); blk_read() of 1 MiB blocks; blk_read() of 4 KiB. On "
        "the virtio-fs root: open, write() of 1 MiB blocks, close, then "
        "open, fsync(), close; open, read() of 1 MiB to the end, close; "
        "pread() of 4 KiB. Both guests find the virtio-mmio devices in "
        "the ACPI DSDT.",
        "NVMe rows: the same image on QEMU's NVMe controller (`toro run "
        "--disk FILE,if=nvme`: `-device nvme`, one namespace, its "
        "volatile write cache on), both guests on q35 with the share on "
        "vhost-user-fs-pci, booted in the same run right after the "
        "virtio pair. Toro drives it with one I/O queue per CPU and an "
        "MSI-X interrupt each; Linux's nvme driver reads /dev/nvme0n1 "
        "the same way it reads /dev/vda.",
        f"Linux: Debian's kernel {guest.kernel_release(LINUX_DIR)} with its "
        "virtio_mmio, virtio_blk, virtio_pci, nvme, fuse and virtiofs "
        "modules and a busybox "
        "initramfs (bench/linux/build_guest.sh) running "
        "bench/storage/linux_storage.c (static glibc): the same calls as "
        "Toro's program, with write(), read() and pread() on /dev/vda "
        "opened O_DIRECT and on a file of the virtiofs mount (cache=none: "
        "no guest page cache, and it is dropped before reading all the "
        "same); the flush and the fsync are open(), fsync(), close(), as "
        "`sync FILE` does. Not busybox dd: under TCG starting a program "
        "costs tens of ms (80 ms measured for a static one) and dd's "
        "reads of /dev/zero clear every block again (1.06 s per 256 MiB "
        "measured), neither of which is I/O.",
        f"ext2 rows: a {EXT2_DISK_MIB} MiB image made once per benchmark "
        f"by `{' '.join(EXT2_MKFS)}` (e2fsprogs "
        f"{e2fsprogs_version()}: ext_attr, resize_inode, dir_index, "
        "filetype, sparse_super, large_file), copied afresh (not sparse) "
        "before every boot and given to both guests as the one virtio-blk "
        "disk of microvm, `-drive format=raw,cache=writeback` as above, "
        "plain RAM. Toro mounts it with `toro.mount=ext2:vda:/data`; "
        "Linux with ext4's driver (Debian builds no ext2 module: "
        "CONFIG_EXT4_USE_FOR_EXT2) as `mount -t ext2 -o noatime`, since "
        "Toro's ext2 never writes access times. Both run the same code, "
        "bench/storage/ext2_bench.c: open, "
        f"{EXT2_MIB} write() calls of 1 MiB, fsync, close; unmount and "
        "mount again (nothing cached: the reads come from the disk), "
        "open, read() of 1 MiB to the end, close; remount, "
        f"{COUNT} pread() of 4 KiB at the offsets above below "
        f"{EXT2_MIB} MiB; then {EXT2_FILES:,} empty files created "
        "(open O_CREAT|O_EXCL, close) in a new directory and sync(), and "
        "all unlinked and sync(). Only the calls are timed: every byte "
        "read is compared with what was written (a pattern from the seed, "
        "each 4 KiB block stamped with its offset), the directory is "
        "listed and counted after each phase, and the host runs `e2fsck "
        "-fn` on the image after every boot; any difference stops the "
        "benchmark. Linux's ext4 driver indexes the large directory "
        "(dir_index, an htree); Toro's ext2 searches directories "
        "linearly, with a Bloom filter of one large directory's names so "
        "that creating a new name does not read every block.",
        "Reading the figures: both guests drive the same QEMU devices, so "
        "the differences are guest work per request, which TCG makes "
        "dearer than hardware would (every guest instruction runs as "
        "translated code): Linux goes through a system call, page pinning "
        "for O_DIRECT, the block layer or FUSE's request machinery, where "
        "Toro's call builds the descriptors and waits. Under KVM the gap "
        "would be narrower. Where Toro's figures spread widely the host is "
        "why: in a slow boot (virtio-fs write, 222 MiB/s) strace showed "
        "virtiofsd's 256 pwritev() calls taking 0.93 s on the host, against "
        "0.09 s in a fast one (1231 MiB/s); Linux, at about 5 ms per MiB "
        "written, hides that.",
    ]


if __name__ == "__main__":
    main()
