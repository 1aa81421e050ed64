# SPDX-License-Identifier: MIT
"""`toro run --trace PATTERN`: QEMU trace events into a file.

Each PATTERN (QEMU's event names, `*` wildcards, e.g. virtio_notify or
'virtio_mmio_*') becomes `-trace enable=PATTERN`; the events go to one
file, by default under the build directory, named on stderr before the
guest starts. A pattern that matches no event of this QEMU is an error:
QEMU would only warn, in output that `toro run` keeps for its failures.
"""
import fnmatch
import os
import subprocess
import sys

from .errors import ToroError

_events = {}


def qemu_events(qemu):
    """The trace event names this QEMU knows (`-trace help`)."""
    if qemu not in _events:
        try:
            r = subprocess.run([qemu, "-trace", "help"], capture_output=True,
                               text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ToroError(f"--trace: cannot ask {qemu} for its events: {e}")
        _events[qemu] = [w for w in r.stdout.split() if w.isidentifier()]
    return _events[qemu]


def setup(args, build_dir, name):
    """Adds the trace options to args.qemu_args; says where they go."""
    patterns = getattr(args, "trace", None)
    if not patterns:
        return
    for p in patterns:
        if not p or "," in p or any(c.isspace() for c in p):
            raise ToroError(f"--trace {p!r}: expected one event name or "
                            "pattern (no commas or spaces; repeat --trace)")
    if not args.dry_run:
        known = qemu_events(args.qemu)
        for p in patterns:
            if not fnmatch.filter(known, p):
                raise ToroError(f"--trace {p}: matches no trace event of "
                                f"{args.qemu} (see `{args.qemu} -trace help`)")
    path = args.trace_file or os.path.join(build_dir, "trace", f"{name}.log")
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)     # QEMU appends to an existing file
    opts = []
    for p in patterns:
        opts += ["-trace", f"enable={p}"]
    args.qemu_args = opts + ["-trace", f"file={path}"] + args.qemu_args
    print(f"toro: QEMU trace events ({', '.join(patterns)}) go to {path}",
          file=sys.stderr, flush=True)
