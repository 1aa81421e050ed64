# SPDX-License-Identifier: MIT
"""`toro libvirt`: the libvirt domain XML for what `toro run` would start.

The same run options, parsed and checked by the same code (cli.cmd_run,
devices.plan), become a domain that boots the ELF directly (<os><kernel>,
<initrd>, <cmdline> with the options `toro run` passes) on microvm or q35:
  - --disk: <disk> (virtio-blk, raw, writeback);
  - --fs: <filesystem> with virtiofsd, which libvirt starts itself (the
    same binary and options as ours: chroot sandbox, no cache), and the
    guest's RAM a shared memfd (<memoryBacking>), as vhost-user needs;
  - the network: --net is libvirt's user network; --tap NAME an existing
    tap (<interface type='ethernet'> with managed='no'; --net-queues as
    <driver queues='N'/>); --udp-link a UDP
    tunnel (<interface type='udp'>); --port QEMU's user network with host
    forwards through <qemu:commandline>: libvirt 9.0's only <interface>
    with port forwards is the passt backend, and Debian's 9.0 refuses
    <backend type='passt'/> ("Invalid value for attribute 'type'");
  - the console: the first serial port, logged to a file (a pty alone
    loses what the guest prints before someone opens it), and still a pty
    for `virsh console`;
  - the exit status: isa-debugcon (a serial port whose target is
    isa-debug) writes the kernel's "toro-exit-status=N" line to a file of
    its own, which is where `toro run --libvirt` reads the status (libvirt
    does not keep QEMU's exit code, and calls any exit it did not ask for
    a crash); isa-debug-exit, which has no libvirt element, comes through
    <qemu:commandline> so the guest's exit stops QEMU as under `toro run`.
On microvm the virtio devices sit on virtio-mmio transports (QEMU picks
them, from the last one down), modern only as under `toro run`; on q35
they are PCI functions on the root bus, where qboot (when installed)
finds them as `toro run` has them. Domain type is kvm where `--accel`
picks KVM, else qemu (TCG). --vsock and --trace have no libvirt form
here: they are refused.
"""
import argparse
import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from . import devices as devices_mod
from . import qemu, virtiofsd
from .errors import ToroError

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"
VIRTIOFSD_OPTS = {"sandbox": "chroot", "cache": "none"}
FIRST_PCI_SLOT = 2      # slot 0 is the host bridge, 1 was VGA's


def check_options(args):
    """Run options that have no libvirt form: one clear error."""
    for flag, on in (("--vsock", args.vsock or args.vsock_ports or
                      args.vsock_cid),
                     ("--trace", args.trace or args.trace_file),
                     ("--dry-run", args.dry_run)):
        if on:
            why = {"--vsock": "its backend, toro-vsock, is started by "
                   "`toro run` itself, and libvirt's <vsock> needs the "
                   "host's vhost-vsock",
                   "--trace": "add -trace through --qemu-arg instead",
                   "--dry-run": "`toro libvirt` prints the domain instead"}
            raise ToroError(f"{flag}: not with libvirt ({why[flag]})")


def sub(parent, tag, text=None, **attrs):
    e = ET.SubElement(parent, tag, {k.rstrip("_"): str(v)
                                    for k, v in attrs.items()})
    if text is not None:
        e.text = str(text)
    return e


class Slots:
    """Where the next virtio device goes: a virtio-mmio transport on
    microvm, the next free slot of the PCI root bus on q35."""

    def __init__(self, mmio):
        self.mmio, self.slot = mmio, FIRST_PCI_SLOT

    def address(self, dev):
        if self.mmio:
            sub(dev, "address", type="virtio-mmio")
            return
        sub(dev, "address", type="pci", domain="0x0000", bus="0x00",
            slot=f"{self.slot:#04x}", function="0x0")
        self.slot += 1


def add_disk(devices, disk, index, slots, extra_args):
    """A virtio disk as libvirt's <disk>; an NVMe one (--disk ...,if=nvme)
    as QEMU's own arguments, made as `toro run` makes them (libvirt 9.0
    has no NVMe disk bus)."""
    if disk.iface == "nvme":
        extra_args += devices_mod.disk_drive(disk, index) + [
            "-device", f"nvme,drive=toro-disk{index},serial=toro{index}"]
        return
    d = sub(devices, "disk", type="file", device="disk")
    sub(d, "driver", name="qemu", type="raw", cache="writeback")
    sub(d, "source", file=disk.path)
    sub(d, "target", dev="vd" + chr(ord("a") + index), bus="virtio")
    if disk.read_only:
        sub(d, "readonly")
    slots.address(d)


def add_fs(devices, fs, slots):
    f = sub(devices, "filesystem", type="mount", accessmode="passthrough")
    sub(f, "driver", type="virtiofs")
    b = sub(f, "binary", path=virtiofsd.VIRTIOFSD)
    sub(b, "sandbox", mode=VIRTIOFSD_OPTS["sandbox"])
    sub(b, "cache", mode=VIRTIOFSD_OPTS["cache"])
    sub(f, "source", dir=fs.source)
    sub(f, "target", dir=fs.tag)
    slots.address(f)


def add_net(devices, n, slots, extra_args):
    """The network device; --port's goes into extra_args (QEMU's own)."""
    if n.forwards:
        where = "" if slots.mmio else f",bus=pcie.0,addr={slots.slot:#x}"
        extra_args += ["-netdev", n.netdev(),
                       "-device", n.device(slots.mmio, "") + where]
        slots.slot += 1
        return
    if n.tap:
        i = sub(devices, "interface", type="ethernet")
        sub(i, "target", dev=n.tap, managed="no")
        # Multi-queue (--net-queues): libvirt opens the tap once a queue
        # and gives virtio-net mq=on with its vectors, as `toro run` does.
        if n.queues > 1:
            sub(i, "driver", queues=n.queues)
    elif n.link:
        local, remote = n.link
        i = sub(devices, "interface", type="udp")
        s = sub(i, "source", address="127.0.0.1", port=remote)
        sub(s, "local", address="127.0.0.1", port=local)
    else:
        i = sub(devices, "interface", type="user")
    if n.mac:
        sub(i, "mac", address=n.mac)
    sub(i, "model", type="virtio")
    # No option ROM: nothing boots from the network (as net.Net.device).
    if not slots.mmio:
        sub(i, "rom", enabled="no")
    slots.address(i)


def add_console(devices, console_log, status_log):
    s = sub(devices, "serial", type="pty")
    sub(s, "log", file=console_log, append="off")
    sub(s, "target", type="isa-serial", port="0")
    d = sub(devices, "serial", type="file")
    sub(d, "source", path=status_log, append="off")
    t = sub(d, "target", type="isa-debug", port="1")
    sub(t, "model", name="isa-debugcon")


def domain(cfg, elf, name, console_log, status_log):
    """The domain XML (text) for cfg, as cli.cmd_run prepared it (plan,
    cmdline, accel), booting elf; the console goes to console_log, the
    exit status line to status_log (absolute paths)."""
    plan = cfg.plan
    mmio = cfg.machine == "microvm"
    ET.register_namespace("qemu", QEMU_NS)
    root = ET.Element("domain", type="kvm" if cfg.accel == "kvm" else "qemu")
    sub(root, "name", name)
    sub(root, "memory", cfg.mem, unit="MiB")
    sub(root, "vcpu", cfg.smp)
    if plan.shared_memory():
        mb = sub(root, "memoryBacking")
        sub(mb, "source", type="memfd")
        sub(mb, "access", mode="shared")
    os_ = sub(root, "os")
    sub(os_, "type", "hvm", arch="x86_64", machine=cfg.machine)
    if not mmio and os.path.exists(qemu.QBOOT):
        sub(os_, "loader", qemu.QBOOT, type="rom", readonly="yes")
    sub(os_, "kernel", os.path.abspath(elf))
    if plan.initrd:
        sub(os_, "initrd", os.path.abspath(plan.initrd))
    sub(os_, "cmdline", cfg.cmdline)
    features = sub(root, "features")
    if not cfg.no_acpi:
        sub(features, "acpi")
    sub(root, "cpu", mode="host-passthrough" if cfg.accel == "kvm"
        else "maximum")
    for event in ("on_poweroff", "on_reboot", "on_crash"):
        sub(root, event, "destroy")     # as -no-reboot: a reset stops it
    devices = sub(root, "devices")
    sub(devices, "controller", type="usb", model="none")
    slots = Slots(mmio)
    extra = []
    # toro run's order (devices.Plan.transports): fs, disks, network.
    for fs in plan.fs:
        add_fs(devices, fs, slots)
    for i, disk in enumerate(plan.disks):
        add_disk(devices, disk, i, slots, extra)
    if plan.net:
        add_net(devices, plan.net, slots, extra)
    add_console(devices, console_log, status_log)
    sub(devices, "memballoon", model="none")
    args = (["-global", "virtio-mmio.force-legacy=false"] if mmio else [])
    args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    cl = ET.SubElement(root, f"{{{QEMU_NS}}}commandline")
    for a in args + extra + cfg.qemu_args:
        ET.SubElement(cl, f"{{{QEMU_NS}}}arg", value=a)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def name_for(target):
    return "toro-" + os.path.splitext(os.path.basename(
        os.path.normpath(target)))[0]


def add_parser(sub_parsers, run_parser):
    """`toro libvirt` (every `toro run` flag, plus where the logs go) and
    `toro run --libvirt [URI]`."""
    p = sub_parsers.add_parser(
        "libvirt", help="print a libvirt domain XML for `toro run`",
        description="Print the libvirt domain XML that boots DIR (built "
        "first) or ELF as `toro run` with the same options would: direct "
        "kernel boot, the same devices, the console logged to a file and "
        "the exit status to another (`virsh define` it, or see `toro run "
        "--libvirt`). Takes every `toro run` flag but --vsock*, --trace* "
        "and --dry-run.")
    for action in run_parser._actions:
        if action.dest != "help":
            p._add_action(action)
    p.add_argument("--name", metavar="NAME",
                   help="the domain's name (default toro-APP)")
    p.add_argument("--log-dir", metavar="DIR",
                   help="where the console log (console.log) and the exit "
                   "status (status.log) go (default "
                   "$TORO_BUILD/libvirt/NAME/)")
    run_parser.add_argument(
        "--libvirt", nargs="?", const="", metavar="URI", type=uri_value,
        help="run through libvirt instead: define, start and follow the "
        "domain `toro libvirt` prints with `virsh` (default URI: virsh's), "
        "exit with the guest's status, undefine it. Put a bare --libvirt "
        "after DIR|ELF, or write --libvirt=URI")
    return p


def uri_value(text):
    """--libvirt URI: a URI (with a scheme), on this machine (the console
    log is a file we read). "" (a bare --libvirt) is virsh's default."""
    if text == "":
        return text
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text)
    if not m:
        raise argparse.ArgumentTypeError(
            f"not a libvirt URI: {text!r} (e.g. qemu:///system; put a bare "
            "--libvirt after DIR|ELF)")
    host = urlsplit(text).hostname
    if host and host not in ("localhost", "127.0.0.1", "::1"):
        raise argparse.ArgumentTypeError(
            f"{text}: a remote host; the guest's console and status are "
            "files that toro reads, so the daemon must be on this machine")
    return text


def print_domain(build_dir):
    """A runner for cli.cmd_run that prints the domain XML."""

    def run(cfg, elf, out):
        name = cfg.name or name_for(cfg.target)
        log_dir = os.path.abspath(cfg.log_dir or os.path.join(
            build_dir, "libvirt", name))
        os.makedirs(log_dir, exist_ok=True)
        out.write(domain(cfg, elf, name, os.path.join(log_dir, "console.log"),
                         os.path.join(log_dir, "status.log")).encode())
        out.flush()
        return 0

    return run
