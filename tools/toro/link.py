# SPDX-License-Identifier: MIT
"""Link objects and libraries with libtoro into one bootable image.

The one place an image is linked, for the Makefile (its link_app runs
`python3 tools/toro/link.py ...`) and for `toro cc`. Two passes: the first
without a symbol table, the second with one generated from the first
(tools/mksyms.py) and placed after everything else in the image, so no
function moves between the passes (checked). A name both the program and
the kernel define is the program's (tools/toro/clash.py). The passes'
files live in a temporary directory, so a build that globs the output's
directory (as configure does) never sees them.

  link.py --cc CC --ldflags FLAGS --asflags FLAGS --libs LIBS [--nm NM]
          [-v] -o OUT -- INPUT...

FLAGS and LIBS are shell-quoted word lists (what the Makefile has);
INPUTs are objects, archives and linker options (-L, -l, -Wl,...), in
link order, ahead of LIBS (libtoro.a and the compiler's helpers).
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import mksyms  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clash  # noqa: E402


class LinkError(Exception):
    """A pass failed: its command's status and the message to show."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def run(cmd, verbose, quiet=False):
    """Runs (cmd); with (quiet), what it says when it fails goes into the
    LinkError (LinkError.said) instead of to our stderr."""
    if verbose:
        print(shlex.join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, stderr=subprocess.PIPE if quiet else None,
                       text=True)
    if quiet and not r.returncode:
        sys.stderr.write(r.stderr)  # warnings
    if r.returncode:
        e = LinkError(f"{os.path.basename(cmd[0])} failed (status "
                      f"{r.returncode})", r.returncode)
        e.said = r.stderr or ""
        raise e


def first_pass(cmd_head, inputs, libs, tmp, nm, verbose):
    """Links the first pass; a clash of the program's names with the
    kernel's is settled by renaming the kernel's (tools/toro/clash.py).
    Returns the libraries the passes link."""
    try:
        run([*cmd_head, *inputs, *libs], verbose, quiet=True)
        return libs
    except LinkError as e:
        names = clash.clashing_names(e.said)
        renamed = [clash.rename_kernel_names(lib, names, tmp, nm)
                   if names and lib.endswith(".a") else None for lib in libs]
        if not any(renamed):
            sys.stderr.write(e.said)
            raise
    libs = [new or lib for new, lib in zip(renamed, libs)]
    run([*cmd_head, *inputs, *libs], verbose)
    return libs


def link(out, inputs, cc, ldflags, asflags, libs, nm="nm", verbose=False):
    """Link inputs into out; cc, ldflags, asflags and libs are lists of
    words. Raises LinkError."""
    with tempfile.TemporaryDirectory(prefix="toro-link-") as tmp:
        pass1 = os.path.join(tmp, "pass1.elf")
        syms_s = os.path.join(tmp, "ksyms.S")
        syms_o = os.path.join(tmp, "ksyms.o")
        libs = first_pass([*cc, *ldflags, "-o", pass1], inputs, libs, tmp,
                          nm, verbose)
        first = mksyms.text_symbols(nm, pass1)
        # An archive rewritten while we read it links "fine" into an image
        # without Toro: an image must at least have the kernel.
        if not any(name == "kernel_start" for _, name in first[1]):
            raise LinkError(f"{out}: no kernel in the image (is "
                            f"{libs[0] if libs else 'libtoro.a'} complete?)")
        with open(syms_s, "w") as f:
            f.write(mksyms.emit(*first))
        run([*cc, *asflags, "-c", syms_s, "-o", syms_o], verbose)
        run([*cc, *ldflags, "-o", out, *inputs, syms_o, *libs], verbose)
        if mksyms.text_symbols(nm, out) != first:
            os.unlink(out)
            raise LinkError(f"functions moved between the link passes of {out}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cc", required=True)
    ap.add_argument("--ldflags", default="")
    ap.add_argument("--asflags", default="")
    ap.add_argument("--libs", default="")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-o", dest="out", required=True)
    if "--" not in argv:
        ap.error("expected -- before the inputs")
    i = argv.index("--")
    args = ap.parse_args(argv[:i])
    inputs = argv[i + 1:]
    if not inputs:
        ap.error("no inputs")
    try:
        link(args.out, inputs, shlex.split(args.cc), shlex.split(args.ldflags),
             shlex.split(args.asflags), shlex.split(args.libs), args.nm,
             args.verbose)
    except LinkError as e:
        print(f"link: {e}", file=sys.stderr)
        return e.code
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"link: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
