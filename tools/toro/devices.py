# SPDX-License-Identifier: MIT
"""The devices of `toro run`: --fs (virtio-fs), --disk (virtio-blk, or
NVMe with `if=nvme`), the network (virtio-net, see net.py) and --vsock
(vhost-user-vsock, see vsock.py), as QEMU arguments and kernel options.

NVMe is a PCI device: q35 only (microvm has no PCI bus here). Each NVMe
disk is a controller of its own with one namespace.

On q35 they are PCI devices (modern only: no legacy I/O BAR). On microvm
they are virtio-mmio devices on transports we choose, from 0 up (devices
added with --qemu-arg get QEMU's choice, from the last one down). QEMU 7.2
makes 512-byte transports at 0xfeb00000 + 512*n: without ACPI 8 of them on
GSIs 5+n, and it appends `virtio_mmio.device=512@BASE:GSI` to the kernel
command line for each one in use; with ACPI 24 on the second I/O APIC
(GSIs 24+n), described only in the DSDT (the kernel reads them there:
arch/x86_64/acpi_virtio_mmio.c), nothing appended. With ACPI, transport 0
is left alone: QEMU's I/O APIC model turns input 0 into input 2 (the PC's
"ISA IRQ 0 is GSI 2" rule, applied to the second I/O APIC too), so its
interrupts would arrive as transport 2's.

virtio-fs and vsock need the guest's memory shared with their vhost-user
backends (virtiofsd, toro-vsock): the RAM becomes a shared memfd backend.
"""
import os
import re

from . import net, vsock
from .errors import ToroError

# Usable transports (the first one's index, how many), with ACPI and without.
MMIO_TRANSPORTS = {True: (1, 23), False: (0, 8)}
TAG = re.compile(r"^[A-Za-z0-9_.-]{1,36}$")    # virtio-fs tags: 36 bytes


class Fs:
    def __init__(self, tag, source):
        self.tag, self.source = tag, source


class Disk:
    def __init__(self, path, iface, read_only):
        self.path, self.iface, self.read_only = path, iface, read_only


class Plan:
    """What to add to QEMU's command line for the devices asked for."""

    def __init__(self, machine, acpi, mem):
        self.machine, self.acpi, self.mem = machine, acpi, mem
        self.fs = []            # Fs, in --fs order; the first is the root
        self.disks = []         # Disk, in --disk order
        self.root_disk = None   # --root-disk's Disk (also disks[0])
        self.initrd = None      # archive path, or None
        self.net = None         # net.Net, or None
        self.vsock = None       # vsock.Vsock, or None

    def transports(self):
        """(transport index, kind, number of its kind, item) for each
        virtio device: the --fs ones first, then --disk, then the network,
        then vsock (so adding one leaves the others where they were)."""
        devs = [("fs", i, f) for i, f in enumerate(self.fs)]
        devs += [("disk", i, d) for i, d in enumerate(self.disks)
                 if d.iface == "virtio"]
        if self.net:
            devs.append(("net", 0, self.net))
        if self.vsock:
            devs.append(("vsock", 0, self.vsock))
        first = MMIO_TRANSPORTS[self.acpi][0]
        return [(first + n, *dev) for n, dev in enumerate(devs)]

    def kernel_options(self):
        """Options for the kernel: which filesystem is the root."""
        if self.root_disk:
            d = self.root_disk
            name = "vda" if d.iface == "virtio" else "nvme0n1"
            return [f"toro.root=ext2:{name}{':ro' if d.read_only else ''}"]
        if self.fs:
            return [f"toro.root=virtiofs:{self.fs[0].tag}"]
        if self.initrd:
            return ["toro.root=initrd"]
        return []

    def shared_memory(self):
        """Does a vhost-user backend need the guest's RAM?"""
        return bool(self.fs or self.vsock)

    def machine_options(self):
        """Additions to -M."""
        return ["memory-backend=toro-mem"] if self.shared_memory() else []

    def qemu_args(self, sockets, vsock_socket=None):
        """QEMU arguments; sockets[i] is the vhost-user socket of fs[i],
        vsock_socket toro-vsock's."""
        args = []
        if self.shared_memory():
            args += ["-object", f"memory-backend-memfd,id=toro-mem,"
                     f"size={self.mem}M,share=on"]
        if self.initrd:
            args += ["-initrd", self.initrd]
        mmio = self.machine == "microvm"
        for n, kind, i, item in self.transports():
            # On microvm, the transport we chose; on PCI, QEMU's slot
            # (vhost-user-fs-pci is modern only already).
            where = f",bus=virtio-mmio-bus.{n}" if mmio else ""
            if kind == "fs":
                sock = qemu_escape(sockets[i])
                args += ["-chardev", f"socket,id=toro-fs{i},path={sock}",
                         "-device", ("vhost-user-fs-device" if mmio else
                                     "vhost-user-fs-pci") +
                         f",chardev=toro-fs{i},tag={item.tag}{where}"]
            elif kind == "net":
                args += item.qemu_args(mmio, where)
            elif kind == "vsock":
                # The guest CID is not here: QEMU asks the backend for
                # the config space (vhost-user GET_CONFIG).
                sock = qemu_escape(vsock_socket)
                args += ["-chardev", f"socket,id=toro-vsock,path={sock}",
                         "-device", ("vhost-user-vsock-device" if mmio else
                                     "vhost-user-vsock-pci,disable-legacy=on")
                         + f",chardev=toro-vsock{where}"]
            else:
                args += disk_drive(item, i) + [
                    "-device", ("virtio-blk-device" if mmio else
                                "virtio-blk-pci,disable-legacy=on") +
                    f",drive=toro-disk{i}{where}"]
        for i, d in enumerate(self.disks):
            if d.iface == "nvme":
                args += disk_drive(d, i) + [
                    "-device", f"nvme,drive=toro-disk{i},serial=toro{i}"]
        return args


def disk_drive(disk, i):
    """The -drive of --disk number i."""
    ro = ",readonly=on" if disk.read_only else ""
    return ["-drive", f"file={qemu_escape(disk.path)},format=raw,if=none,"
            f"id=toro-disk{i},cache=writeback{ro}"]


def qemu_escape(value):
    """A value inside QEMU's KEY=VALUE,... options: commas doubled."""
    return value.replace(",", ",,")


def parse_fs(spec, index):
    """--fs [TAG=]DIR -> Fs. Without a tag the first is "root", then
    "fs1", "fs2", ..."""
    tag, sep, path = spec.partition("=")
    if not sep or os.path.isdir(spec) or not TAG.match(tag):
        tag, path = ("root" if index == 0 else f"fs{index}"), spec
    if not os.path.exists(path):
        raise ToroError(f"--fs {spec}: no such directory")
    if not os.path.isdir(path):
        raise ToroError(f"--fs {spec}: not a directory")
    return Fs(tag, os.path.abspath(path))


def parse_disk(spec, machine, flag="--disk"):
    """--disk FILE[,if=virtio|nvme][,ro] -> Disk. A comma in the file
    name is written twice, as in QEMU's options."""
    parts = re.split(r"(?<!,),(?!,)", spec)
    path, iface, ro = parts[0].replace(",,", ","), "virtio", False
    for opt in parts[1:]:
        if opt in ("if=virtio", "if=nvme"):
            iface = opt[3:]
        elif opt in ("ro", "readonly"):
            ro = True
        else:
            raise ToroError(f"{flag} {spec}: unknown option {opt!r} "
                            "(want if=virtio, if=nvme or ro)")
    if iface == "nvme" and machine != "q35":
        raise ToroError(f"{flag} {spec}: NVMe is a PCI device: it needs "
                        "--machine q35")
    if not os.path.exists(path):
        raise ToroError(f"{flag} {path}: no such file")
    if os.path.isdir(path):
        raise ToroError(f"{flag} {path}: a directory, not a disk image")
    if not os.access(path, os.R_OK if ro else os.R_OK | os.W_OK):
        raise ToroError(f"{flag} {path}: not readable" +
                        ("" if ro else " and writable") +
                        ("" if ro else " (add ,ro for a read-only disk)"))
    return Disk(os.path.abspath(path), iface, ro)


def plan(args, initrd=None):
    """The Plan for parsed `toro run` arguments."""
    p = Plan(args.machine, not args.no_acpi, args.mem)
    p.initrd = initrd
    for i, spec in enumerate(args.fs):
        p.fs.append(parse_fs(spec, i))
    tags = [f.tag for f in p.fs]
    for t in tags:
        if tags.count(t) > 1:
            raise ToroError(f"--fs: tag {t!r} given twice")
    p.disks = [parse_disk(d, p.machine) for d in args.disks]
    spec = getattr(args, "root_disk", None)
    if spec:
        # First of its kind, so the kernel finds it as vda or nvme0n1.
        p.root_disk = parse_disk(spec, p.machine, "--root-disk")
        p.disks.insert(0, p.root_disk)
    p.net = net.plan(getattr(args, "ports", ()), getattr(args, "net", False),
                     getattr(args, "tap", None), getattr(args, "mac", None),
                     getattr(args, "udp_link", None))
    spec = getattr(args, "net_queues", None)
    if p.net:
        p.net.queues = net.queues(p.net, spec, args.smp,
                                  p.machine == "microvm")
    elif spec not in (None, "auto"):
        raise ToroError("--net-queues: there is no network device (--net, "
                        "--port or --tap)")
    p.vsock = vsock.plan(args)
    if p.machine == "microvm":
        count = MMIO_TRANSPORTS[p.acpi][1]
        if len(p.transports()) > count:
            raise ToroError(f"--fs, --disk, the network and --vsock: at most "
                            f"{count} "
                            f"devices on "
                            f"microvm{'' if p.acpi else ' without ACPI'}")
    return p
