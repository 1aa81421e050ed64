# SPDX-License-Identifier: MIT
"""Command-line front end: `toro build`, `toro run`, `toro cc`..."""
import argparse
import os
import sys

from . import build as builder
from . import (debug, devices, elf, errors, host, image, initrd, libvirt,
               qemu, trace)
from .elf import image_end
from .errors import ToroError

USAGE = """toro build DIR [-o OUT] [--cflags FLAGS] [--ldlibs LIBS] [--ipv4-only]
       toro cc [gcc arguments]
       toro run DIR|ELF [options] [-- ARG...]
       toro run DIR|ELF --libvirt[=URI] [options] [-- ARG...]
       toro libvirt DIR|ELF [run options] [--name NAME] [--log-dir DIR] [-- ARG...]
       toro debug DIR|ELF [run options] [--break SYM] [--gdb-batch FILE] [-- ARG...]
       toro profile [--hz N] [--out DIR] [run options] DIR|ELF [-- ARG...]
       toro image DIR|ELF -o FILE [--initrd DIR|FILE] [--append OPTIONS]
                  [-e KEY=VALUE] [--format raw|qcow2|gce|vhd]
                  [--data-dir DIR [--data-size SIZE]] [-- ARG...]
       toro --help"""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and our exit code for them."""

    def error(self, message):
        raise ToroError(f"{message} (see `toro {self.prog.split()[-1]} --help`)"
                        if " " in self.prog else f"{message} (see `toro --help`)")


def positive_int(text):
    try:
        n = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if n <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return n


def positive_float(text):
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return x


def seconds(text):
    """A finite number of seconds, 0 or more."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not 0 <= x < float("inf"):
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds, 0 or more: {text!r}")
    return x


def make_parser():
    p = Parser(prog="toro", usage=USAGE,
               description="Build and run Toro unikernel applications.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    b = sub.add_parser("build", help="compile DIR/*.c with the kernel into an ELF",
                       description="Compile DIR/*.c against Toro's headers and "
                       "link it with the kernel into one PVH ELF.")
    b.add_argument("dir", metavar="DIR")
    b.add_argument("-o", dest="out", metavar="OUT",
                   help="output ELF (default: build/<dirname>.elf)")
    b.add_argument("--cflags", action="append", default=[], metavar="FLAGS",
                   help="more compiler flags, shell-quoted: defines, include "
                   "directories... (repeatable)")
    b.add_argument("--ldlibs", action="append", default=[], metavar="LIBS",
                   help="libraries to link after the program's objects: "
                   "archives, -L and -l (repeatable)")
    b.add_argument("--ipv4-only", action="store_true",
                   help="link the network stack without IPv6 (some 33 KiB "
                   "smaller; AF_INET6 sockets say EAFNOSUPPORT)")
    b.add_argument("-v", "--verbose", action="store_true", help="show commands")
    sub.add_parser("cc", add_help=False,
                   help="a gcc-like driver for programs with their own build "
                   "(`toro cc --help`)")

    r = sub.add_parser("run", help="boot an application on QEMU",
                       description="Boot DIR (built first) or ELF on QEMU with the "
                       "console on stdout; exit with the guest's exit status. "
                       "Arguments after -- become main()'s argv[1..].")
    r.add_argument("target", metavar="DIR|ELF")
    r.add_argument("--smp", type=positive_int, default=2, metavar="N",
                   help="CPUs (default 2, at most 64)")
    r.add_argument("--mem", type=positive_int, default=128, metavar="MiB",
                   help="memory in MiB (default 128)")
    r.add_argument("--machine", choices=["microvm", "q35"], default="microvm",
                   help="QEMU machine (default microvm)")
    r.add_argument("--no-acpi", action="store_true",
                   help="microvm without ACPI tables (CPUs from the MP table)")
    r.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto",
                   help="auto uses KVM only where it is real hardware "
                   "virtualisation (default auto)")
    r.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                   help="stop the guest after this long (exit code 124)")
    r.add_argument("--stop-timeout", type=seconds, default=10,
                   metavar="SECONDS",
                   help="on SIGTERM or SIGHUP, press the guest's ACPI power "
                   "button (the program gets SIGTERM) and give it this "
                   "long to exit, with its own status, before stopping it "
                   "(default 10; 0: at once). A second signal stops it at "
                   "once")
    r.add_argument("-e", "--env", action="append", default=[], metavar="KEY=VALUE",
                   help="set a variable for getenv() (repeatable)")
    r.add_argument("--append", action="append", default=[], metavar="OPTIONS",
                   help="extra kernel options, e.g. toro.log=debug")
    r.add_argument("--fs", action="append", default=[], metavar="[TAG=]DIR",
                   help="share a host directory over virtio-fs (virtiofsd); "
                   "the first is mounted as / (repeatable)")
    r.add_argument("--initrd", metavar="DIR|FILE",
                   help="files for the guest: a directory (packed into a cpio "
                   "archive) or a cpio newc archive; mounted as / without --fs")
    r.add_argument("--disk", dest="disks", action="append", default=[],
                   metavar="FILE[,if=nvme][,ro]",
                   help="attach a raw disk image as a virtio-blk device, or "
                   "an NVMe controller with if=nvme (--machine q35); ro: "
                   "read-only (repeatable; NVMe disks come after the "
                   "virtio ones in <toro/blk.h>). The virtio ones are vda, "
                   "vdb... in this order; --append toro.root=ext2:vda "
                   "mounts an ext2 one as / (toro.mount=ext2:vdb:/data "
                   "elsewhere)")
    r.add_argument("--root-disk", metavar="FILE[,if=nvme][,ro]",
                   help="an ext2 disk image mounted as /: a --disk that comes "
                   "first (vda, or nvme0n1 with if=nvme) and "
                   "toro.root=ext2:vda (DIR is built with the ext2 driver)")
    r.add_argument("--port", dest="ports", action="append", default=[],
                   metavar="[udp:]HOST[:GUEST]",
                   help="forward 127.0.0.1:HOST to the guest's port GUEST "
                   "(default the same) over QEMU user networking; TCP unless "
                   "udp: (repeatable)")
    r.add_argument("--net", action="store_true",
                   help="a virtio-net device on QEMU user networking, even "
                   "without --port")
    r.add_argument("--tap", metavar="NAME",
                   help="attach the virtio-net device to the existing tap "
                   "device NAME instead of user networking")
    r.add_argument("--net-queues", metavar="N|auto",
                   help="virtio-net rx/tx queue pairs, one a CPU with auto "
                   "(the default): more than one needs --tap on a "
                   "multi_queue tap and --machine q35; auto is one "
                   "otherwise")
    r.add_argument("--udp-link", metavar="LOCAL:REMOTE",
                   help="attach the virtio-net device to a UDP tunnel "
                   "instead: each frame the guest sends goes to "
                   "127.0.0.1:REMOTE, each datagram to 127.0.0.1:LOCAL "
                   "comes in as a frame. Two guests with the ports swapped "
                   "share one Ethernet: give each its own --mac and, "
                   "there being no DHCP, --append ip=ADDR/PREFIX")
    r.add_argument("--mac", metavar="MAC",
                   help="the virtio-net device's MAC address "
                   "(default QEMU's 52:54:00:12:34:56)")
    r.add_argument("--vsock", metavar="PATH",
                   help="a virtio-vsock device; host programs connect to the "
                   "Unix socket PATH and send \"CONNECT <port>\\n\", a guest "
                   "connecting to CID 2 port P reaches the Unix socket "
                   "PATH_P (Firecracker's convention)")
    r.add_argument("--vsock-cid", metavar="N",
                   help="the guest's vsock CID (default 3)")
    r.add_argument("--vsock-port", dest="vsock_ports", action="append",
                   default=[], metavar="HOST:GUEST",
                   help="forward TCP connections to 127.0.0.1:HOST to the "
                   "guest's vsock port GUEST (repeatable; implies a vsock "
                   "device)")
    r.add_argument("--qemu", default=qemu.QEMU, help=argparse.SUPPRESS)
    r.add_argument("--qemu-arg", dest="qemu_args", action="append", default=[],
                   metavar="ARG", help="pass ARG to QEMU (repeatable)")
    r.add_argument("-v", "--verbose", action="store_true",
                   help="show the build and QEMU commands")
    r.add_argument("--dry-run", action="store_true",
                   help="print the QEMU (and virtiofsd, toro-vsock) commands, "
                   "run nothing")
    r.add_argument("--trace", action="append", metavar="PATTERN",
                   help="record QEMU trace events matching PATTERN (e.g. "
                   "'virtio_*'; repeatable) in a file, named on stderr")
    r.add_argument("--trace-file", metavar="FILE",
                   help="where --trace writes (default build/trace/APP.log)")
    debug.add_parser(sub, r)
    libvirt.add_parser(sub, r)

    i = sub.add_parser("image", help="make a disk image that boots on BIOS "
                       "and UEFI firmware (clouds, VMMs without -kernel)",
                       description="Write a disk that boots DIR (built first) "
                       "or ELF through GRUB on BIOS and on UEFI (Secure Boot "
                       "off), with the console on the first serial port and "
                       "the kernel options and arguments after -- baked in.")
    i.add_argument("target", metavar="DIR|ELF")
    i.add_argument("-o", dest="out", required=True, metavar="FILE",
                   help="the image to write")
    i.add_argument("--format", choices=image.FORMATS, default="raw",
                   help="raw (sparse; default), qcow2, gce (the tar.gz "
                   "Google Compute Engine imports) or vhd (fixed size, as "
                   "Azure wants)")
    i.add_argument("--data-dir", metavar="DIR",
                   help="add an ext2 partition holding DIR's files, which "
                   "the kernel mounts read-write at /data")
    i.add_argument("--data-size", metavar="SIZE",
                   help="the data partition's size (64M, 2G; default: "
                   "room for DIR's files and as much again, at least 8M)")
    for action in r._actions:
        if action.dest in ("env", "append", "initrd", "verbose"):
            i._add_action(action)
    return p


def split_args(argv):
    """Split at the first `--`: toro's own flags, then the guest's argv."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def cmd_build(root, build_dir, args):
    out = builder.build(root, build_dir, args.dir, args.out, args.verbose,
                        cflags=args.cflags, ldlibs=args.ldlibs,
                        ipv4_only=args.ipv4_only)
    print(os.path.relpath(out))
    return 0


def check_env(env):
    for kv in env:
        if "=" not in kv or kv.startswith("=") or any(c.isspace() for c in kv):
            raise ToroError(f"--env {kv!r}: expected KEY=VALUE without spaces")


def ext2_need(args):
    """What asks for the ext2 driver in this run or image (--root-disk,
    --data-dir, a toro.root= or toro.mount= of ext2), or None."""
    if getattr(args, "root_disk", None):
        return "--root-disk"
    if getattr(args, "data_dir", None):
        return "--data-dir"
    for w in (w for text in args.append for w in text.split()):
        if w.startswith(("toro.root=ext2:", "toro.mount=ext2:")):
            return w
    return None


def target_elf(root, build_dir, args):
    """The ELF to boot: DIR built first, else the file as given. The
    ext2 driver is linked only into programs that call ext2_mount(), or
    whose run asks for it (built so here); an ELF without it would not
    mount the disk, which is said before booting."""
    need = ext2_need(args)
    if os.path.isdir(args.target):
        return builder.build(root, build_dir, args.target, verbose=args.verbose,
                             ldlibs=[builder.EXT2_LDLIBS] if need else [])
    if need and elf.defines(args.target, "ext2_mount_option") is False:
        raise ToroError(f"{need}: {args.target} does not link ext2, so "
                        "nothing would mount the disk: give `toro run` its "
                        "source directory, build it with `toro build DIR "
                        f"--ldlibs={builder.EXT2_LDLIBS}`, or call "
                        "ext2_mount() in it")
    return args.target


def app_name(target):
    return os.path.splitext(os.path.basename(os.path.normpath(target)))[0]


def kernel_options(args, plan, more=()):
    """The kernel options of a boot: -e's, (more), the devices' (unless
    --append gives the same key) and --append's."""
    extra = [w for text in args.append for w in text.split()]
    options = list(args.env) + list(more)
    for opt in plan.kernel_options():
        # An option the user gave with --append wins over ours.
        if not any(w.partition("=")[0] == opt.partition("=")[0] for w in extra):
            options.append(opt)
    return options + extra


def cmd_run(root, build_dir, args, guest_args, out=None, runner=None):
    if args.smp > 64:
        raise ToroError("--smp: at most 64 CPUs")
    check_env(args.env)
    if args.no_acpi and args.machine != "microvm":
        raise ToroError("--no-acpi: only for --machine microvm")
    target = args.target
    elf = target_elf(root, build_dir, args)
    # The loader puts the image at 1 MiB; the kernel needs a little RAM
    # beyond it to start (page tables, its allocator's descriptors).
    need = (image_end(elf) + (512 << 10) + (1 << 20) - 1) >> 20
    if args.mem < need:
        raise ToroError(f"--mem {args.mem}: too small for {elf}, which needs at "
                        f"least {need} MiB")
    args.plan = devices.plan(args, initrd.prepare(args.initrd, build_dir)
                             if args.initrd else None)
    if args.plan.vsock:
        from . import vsock
        args.plan.vsock.tool = vsock.tool_path(
            root, build_dir, make=not getattr(args, "dry_run", False))
    args.accel = host.choose_accel(args.accel)
    # Under TCG the guest TSC is the host's: say how fast it runs.
    tsc = ([f"toro.tsc_khz={host.tsc_khz(root, build_dir)}"]
           if args.accel == "tcg" else [])
    options = kernel_options(args, args.plan, tsc)
    name = app_name(target)
    args.cmdline = qemu.kernel_cmdline(name, options, guest_args)
    trace.setup(args, build_dir, name)
    qemu.default_signals()
    return (runner or qemu.run)(args, elf, out or sys.stdout.buffer)


def cmd_image(root, build_dir, args, guest_args):
    """`toro image`: the kernel command line `toro run` would give, less
    what depends on the host (the TSC rate: the kernel measures it)."""
    check_env(args.env)
    image.check_data(args.data_dir, args.data_size)
    image.check_output(args.out, args.format, args.data_dir is not None)
    elf = target_elf(root, build_dir, args)
    image.check_elf(elf)
    plan = devices.Plan("q35", True, 0)
    if args.initrd:
        plan.initrd = initrd.prepare(args.initrd, build_dir)
    words = qemu.kernel_words(app_name(args.target),
                              kernel_options(args, plan), guest_args)
    out = image.build_image(elf, args.out, args.format, words, plan.initrd,
                            args.data_dir, args.data_size)
    print(os.path.relpath(out))
    return 0


def main(root, argv):
    # Absolute: make spells its targets so (config.mk), and a relative
    # path would be taken from another directory by `make -C`.
    build_dir = os.path.abspath(os.environ.get("TORO_BUILD",
                                               os.path.join(root, "build")))
    if argv and argv[0] == "cc":        # gcc's arguments, untouched
        from . import cc
        return cc.main(root, build_dir, argv[1:])
    own, guest_args = split_args(argv)
    try:
        if own and own[0] == "profile":     # run's options, and its own
            from . import profile
            return profile.cmd_profile(root, build_dir, own[1:], guest_args,
                                       sys.modules[__name__])
        parser = make_parser()
        if not own:
            parser.print_help()
            return errors.USAGE
        args = parser.parse_args(own)
        if args.command == "build":
            if guest_args:
                raise ToroError("build takes no `--` arguments")
            return cmd_build(root, build_dir, args)
        if args.command == "run" and args.libvirt is not None:
            from . import virsh
            libvirt.check_options(args)
            return cmd_run(root, build_dir, args, guest_args,
                           runner=virsh.runner(args.libvirt))
        if args.command == "run":
            return cmd_run(root, build_dir, args, guest_args)
        if args.command == "libvirt":
            libvirt.check_options(args)
            return cmd_run(root, build_dir, args, guest_args,
                           runner=libvirt.print_domain(build_dir))
        if args.command == "image":
            return cmd_image(root, build_dir, args, guest_args)
        if args.command == "debug":
            return cmd_run(root, build_dir, args, guest_args,
                           runner=debug.make_runner(qemu.run))
        parser.print_help()
        return errors.USAGE
    except ToroError as e:
        print(f"toro: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("toro: interrupted", file=sys.stderr)
        return errors.INTERRUPTED
    except qemu.Stopped as e:
        return 128 + e.signum
