# SPDX-License-Identifier: MIT
"""`toro profile [--hz N] [--out DIR] [run options] DIR|ELF [-- ARG...]`.

Runs the application as `toro run` does, with the in-guest sampler on
(toro.profile=HZ, kernel/profile.c), takes the samples out of the console
output, and writes to DIR (default $TORO_BUILD/profile/<app>/):
  profile.txt     flat profile: self and inclusive %, all CPUs and per CPU
  stacks.folded   one line per distinct stack, root first, with its count
  flame.svg       a flame graph of those stacks
  samples.txt     the raw console records, to re-read with --from
The flat profile is printed too. A directory is built with the profiler
linked in (it is not in ordinary images); an ELF must have it already.
"""
import argparse
import os
import sys
import threading

from . import build as builder
from . import profile_data, profile_report, profile_svg, qemu
from .errors import ToroError
from .profile_symbols import Symbols

LINK_PROFILER = "APP_LDFLAGS=-Wl,-u,profile_dump"
MAX_HZ = 10000


def hz_value(text):
    try:
        n = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not 1 <= n <= MAX_HZ:
        raise argparse.ArgumentTypeError(f"want 1 to {MAX_HZ}: {text!r}")
    return n


def own_parser(parser_class):
    p = parser_class(prog="toro profile", add_help=False)
    p.add_argument("--hz", type=hz_value, default=1000,
                   help="samples per second per CPU (1..10000, default 1000)")
    p.add_argument("--out", metavar="DIR",
                   help="where the results go (default: "
                   "$TORO_BUILD/profile/<app>/)")
    p.add_argument("--buffer-kb", type=int, metavar="KiB",
                   help="sample buffer per CPU (guest default 1024)")
    p.add_argument("--top", type=int, default=20, metavar="N",
                   help="functions shown per section (default 20)")
    p.add_argument("--from", dest="from_file", metavar="FILE",
                   help="re-read a saved samples.txt (or any console log) "
                   "for ELF instead of running it")
    return p


def app_name(target):
    return os.path.splitext(os.path.basename(os.path.normpath(target)))[0]


def profiled_elf(root, build_dir, target, verbose):
    """The ELF to run: a directory is built into build_dir/profile/ with
    the profiler linked in; an ELF must carry it already."""
    if os.path.isdir(target):
        out = os.path.join(build_dir, "profile", app_name(target) + ".elf")
        return builder.build(root, build_dir, target, out, verbose,
                             make_vars=[LINK_PROFILER])
    if not os.path.isfile(target):
        raise ToroError(f"{target}: no such file or directory")
    return target


def report(elf, prof, root, out_dir, top):
    """Writes the files, prints the flat profile; returns the text."""
    syms = Symbols(elf, root)
    st = profile_report.Stacks(prof, syms)
    text = profile_report.flat_text(st, top)
    folded = st.folded()
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "profile.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "stacks.folded"), "w") as f:
        f.write("".join(line + "\n" for line in folded))
    with open(os.path.join(out_dir, "flame.svg"), "w") as f:
        f.write(profile_svg.render(folded, f"toro profile: {app_name(elf)}"))
    return text


# The console byte that makes the guest dump its samples (kernel/
# profile_key.c): Ctrl-P.
DUMP_KEY = b"\x10"
DUMP_WAIT_S = 20


def dump_on_interrupt(args, sink):
    """Ctrl-C asks the guest for its samples (the dump key on its serial
    input) and stops QEMU once they are out, so a program that never
    exits can be profiled; a second Ctrl-C stops at once. QEMU gets a
    session of its own, or the terminal's SIGINT would end it first."""
    def on_interrupt(proc):
        print("\ntoro profile: asking the guest for its samples "
              "(Ctrl-C again to stop at once)", file=sys.stderr, flush=True)
        try:
            proc.stdin.write(DUMP_KEY)
            proc.stdin.flush()
        except OSError:
            return False
        sink.after_dump = lambda: qemu.stop(proc)
        # A guest that cannot dump (its last CPU never yields, or it
        # has no console input) is stopped anyway after a while.
        timer = threading.Timer(DUMP_WAIT_S, lambda: sink.after_dump and
                                qemu.stop(proc))
        timer.daemon = True
        timer.start()
        return True
    args.own_session = True
    args.on_interrupt = on_interrupt


def cmd_profile(root, build_dir, argv, guest_args, cli):
    """cli: the cli module (its parser and cmd_run are reused)."""
    own = own_parser(cli.Parser)
    if "-h" in argv or "--help" in argv:
        own.print_help()
        print("\n" + __doc__.split("\n\n", 1)[1].rstrip()
              + "\n\nEvery `toro run` option works too (toro run --help).")
        return 0
    opts, rest = own.parse_known_args(argv)
    if opts.top <= 0:
        raise ToroError("--top: must be positive")
    if opts.buffer_kb is not None and not 1 <= opts.buffer_kb <= 1 << 20:
        raise ToroError("--buffer-kb: want 1 to 1048576")
    if opts.from_file:
        if len(rest) != 1 or rest[0].startswith("-"):
            raise ToroError("--from FILE takes the ELF the samples came from")
        elf, status = rest[0], 0
        with open(opts.from_file, "rb") as f:
            lines = f.read().splitlines(True)
    else:
        # Everything else is `toro run`'s: same options, same checks.
        args = cli.make_parser().parse_args(["run"] + rest)
        if args.libvirt is not None:    # the dump key needs our console
            raise ToroError("--libvirt: not with `toro profile`")
        args.append.append(f"toro.profile={opts.hz}")
        if opts.buffer_kb:
            args.append.append(f"toro.profile_kb={opts.buffer_kb}")
        elf = profiled_elf(root, build_dir, args.target, args.verbose)
        if not Symbols(elf).has("profile_dump"):
            raise ToroError(f"{elf} has no profiler: give `toro profile` the "
                            "application's directory, or link with "
                            "-Wl,-u,profile_dump")
        args.target = elf
        sink = profile_data.ConsoleSplitter(sys.stdout.buffer)
        dump_on_interrupt(args, sink)
        status = cli.cmd_run(root, build_dir, args, guest_args, out=sink)
        sink.close()
        if args.dry_run:
            return status
        lines = sink.lines
    prof = profile_data.parse(lines)
    if not prof.samples:
        raise ToroError("no profile samples in the console output (did the "
                        "guest reach exit() or profile_dump(), or answer "
                        "the dump key after Ctrl-C?)")
    out_dir = opts.out or os.path.join(build_dir, "profile", app_name(elf))
    if not opts.from_file:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "samples.txt"), "wb") as f:
            f.write(b"".join(lines))
    sys.stdout.flush()
    text = report(elf, prof, root, out_dir, opts.top)
    print(text, end="", file=sys.stderr if status else sys.stdout)
    print(f"toro profile: wrote {os.path.relpath(out_dir)}/"
          "{profile.txt,stacks.folded,flame.svg}", file=sys.stderr)
    return status
