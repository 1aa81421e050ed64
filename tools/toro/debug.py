# SPDX-License-Identifier: MIT
"""`toro debug`: boot an application under QEMU's gdbstub and attach gdb.

QEMU starts paused (-S) with its gdbstub on a free port of 127.0.0.1; gdb
gets the ELF's symbols, tools/gdb/toro.py (the `toro-threads` command),
connects, and by default runs the guest to main(). That stop uses a
temporary *hardware* breakpoint: the image is copied into guest memory by
the firmware's loader after gdb connects, which would overwrite a software
breakpoint's int3, and the first instructions run in 32-bit mode.

The console stays on our stdout. QEMU runs in a session of its own and we
ignore SIGINT, so Ctrl-C reaches gdb (which stops the guest) and nothing
else. When gdb exits, the guest is stopped; `toro debug` exits with gdb's
status (in batch mode, non-zero when a command failed).
"""
import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading

from . import errors
from .errors import ToroError

GDB = "gdb"
SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "gdb", "toro.py")


def add_parser(sub, run_parser):
    """`toro debug`: every `toro run` flag, plus the debugger's own."""
    d = sub.add_parser("debug", help="boot an application under gdb",
                       description="Boot DIR (built first) or ELF on QEMU, "
                       "paused, and start gdb with its symbols, connected and "
                       "stopped at main() (or --break SYMBOL). The gdb command "
                       "toro-threads lists Toro's threads per CPU with their "
                       "stacks. Takes every `toro run` flag.")
    for action in run_parser._actions:
        if action.dest != "help":
            d._add_action(action)
    d.add_argument("--break", dest="break_at", default="main", metavar="SYMBOL",
                   help="run to this function first (hardware breakpoint; "
                   "default main)")
    d.add_argument("--no-break", action="store_true",
                   help="stay paused before the firmware's first instruction")
    d.add_argument("--gdb-batch", metavar="FILE",
                   help="run the gdb commands in FILE non-interactively, then "
                   "stop the guest and exit with gdb's status")
    d.add_argument("--gdb-arg", dest="gdb_args", action="append", default=[],
                   metavar="ARG", help="pass ARG to gdb (repeatable)")
    d.add_argument("--gdb", default=GDB, help=argparse.SUPPRESS)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_command(args, elf, port):
    cmd = [args.gdb, "-q"]
    if args.gdb_batch:
        cmd += ["-nx", "-batch"]    # a script means the same everywhere
        cmd += ["-ex", "set pagination off", "-ex", "set confirm off"]
    # gdb retries while QEMU opens its port, 15 s by default: a loaded
    # machine can take longer.
    cmd += ["-ex", f"file {elf}", "-x", SCRIPT,
            "-ex", "set tcp connect-timeout 120",
            "-ex", f"target remote 127.0.0.1:{port}"]
    if not args.no_break:
        cmd += ["-ex", f"thbreak {args.break_at}", "-ex", "continue"]
    if args.gdb_batch:
        # Killing the guest from gdb ends the session cleanly (gdb 13
        # could crash detaching at the end of a batch run).
        cmd += ["-x", args.gdb_batch, "-ex", "toro-stop"]
    return cmd + args.gdb_args


def check(args):
    """Bad debug flags are one-line errors before anything starts."""
    if shutil.which(args.gdb) is None and not args.dry_run:
        raise ToroError(f"{args.gdb} not found (apt-get install gdb)",
                        errors.NOT_FOUND)
    if args.gdb_batch and not os.path.isfile(args.gdb_batch):
        raise ToroError(f"--gdb-batch {args.gdb_batch}: no such file")
    if not args.break_at or any(c.isspace() for c in args.break_at):
        raise ToroError(f"--break {args.break_at!r}: expected a symbol")


class Session:
    """gdb beside qemu.run(): started once QEMU is, stops QEMU when done."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.gdb = None
        self.status = None
        self.thread = None

    def start(self, qemu_proc):
        self.gdb = subprocess.Popen(self.cmd)
        self.thread = threading.Thread(target=self._wait, args=(qemu_proc,),
                                       daemon=True)
        self.thread.start()

    def _wait(self, qemu_proc):
        self.status = self.gdb.wait()
        if qemu_proc.poll() is None:    # gdb left the guest: stop it
            qemu_proc.terminate()

    def finish(self, stop):
        """gdb's exit status. QEMU has ended: gdb is left to finish (its
        user may still look around; a batch run ends by itself) unless
        (stop): we were told to stop (SIGTERM)."""
        if self.gdb is None:
            return None
        if stop and self.gdb.poll() is None:
            self.gdb.terminate()
        self.thread.join()
        return self.status


def make_runner(qemu_run):
    """A runner for cli.cmd_run: qemu_run (qemu.run) with gdb attached."""

    def run(cfg, elf, out):
        check(cfg)
        port = free_port()
        cfg.qemu_args = ["-S", "-gdb", f"tcp:127.0.0.1:{port}"] + cfg.qemu_args
        cmd = gdb_command(cfg, os.path.abspath(elf), port)
        if cfg.verbose or cfg.dry_run:
            print("toro: " + shlex.join(cmd), flush=True)
        if cfg.dry_run:
            return qemu_run(cfg, elf, out)
        session = Session(cmd)
        cfg.own_session = True          # Ctrl-C is for gdb, not QEMU
        cfg.on_start = session.start
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        guest, stop = None, True
        try:
            guest = qemu_run(cfg, elf, out)
            stop = guest >= 128         # SIGTERM or SIGHUP (qemu.Stopped)
        except ToroError as e:
            guest, stop = e, False  # gdb killing QEMU looks like a failure
        finally:
            status = session.finish(stop)
            signal.signal(signal.SIGINT, old)
        if isinstance(guest, int):
            print(f"toro: the guest exited with status {guest}",
                  file=sys.stderr)
        if status is None:              # QEMU never started
            raise guest if isinstance(guest, ToroError) else \
                ToroError("QEMU did not start", errors.NO_STATUS)
        return status

    return run
