# SPDX-License-Identifier: MIT
"""The program's names win over the kernel's: for tools/toro/link.py.

The kernel and the program link into one image, so a global name both
define (a program's own `panic()`, libevent's `event_init()`, a
`timer_start()`) would fail the link with "multiple definition", where on
Linux the program never sees the kernel's names. When a link fails so,
link.py asks rename_kernel_names() for a copy of Toro's library in which
the kernel's members (named *.k.o, see the top Makefile) call their own
definition NAME.toro instead, and links again: the program keeps NAME,
the kernel keeps its function, and a backtrace shows which is which. The
C library's own members (musl's) are left as they are: a program that
defines a C library function (its own memcpy) is what they call, as in
any static link. A name musl's members call in the kernel (the system
calls' sys_write...) is not renamed: the program's would take their
calls, so its definition stays the error it was, as does a name two of
the program's own files define.
"""
import os
import re
import shutil
import subprocess

# GNU ld's message, with the quotes of the C locale or UTF-8.
MULTIPLE = re.compile(r"multiple definition of [`'\u2018]([^'\u2019]+)['\u2019]")
SUFFIX = ".toro"


def clashing_names(message):
    """The names a failed link's message says are defined twice."""
    return set(MULTIPLE.findall(message))


def is_c_library(member):
    """Whether a kernel member is one of the C library's (libc/*.c, or the
    string functions the kernel shares): see the top Makefile's names."""
    return "+libc+" in member or "musl-build+" in member


def symbols(lib, names, nm):
    """[(member, defines?, name)] for each of (names) in archive (lib)'s
    symbol tables, defined or used."""
    out = subprocess.run([nm, "-A", lib], capture_output=True, text=True,
                         check=True).stdout
    found = []
    for line in out.splitlines():
        # "LIB:MEMBER:[VALUE] TYPE NAME"
        head, _, rest = line.rpartition(":")
        member = head[len(lib) + 1:] if head.startswith(lib + ":") else ""
        words = rest.split()
        if len(words) >= 2 and words[-1] in names:
            found.append((member, words[-2] not in ("U", "w", "v"),
                          words[-1]))
    return found


def rename_kernel_names(lib, names, tmp, nm="nm", objcopy="objcopy", ar="ar"):
    """A copy of archive (lib) in directory (tmp) whose kernel members use
    NAME.toro for each of (names) they define, or None if they define
    none of them that may be renamed (then renaming cannot help)."""
    syms = symbols(lib, names, nm)
    kernel = [(m, d, n) for m, d, n in syms if m.endswith(".k.o")]
    # The kernel proper's names that musl's own members call stay.
    called = {n for m, d, n in syms if not m.endswith(".k.o") and not d}
    proper = {n for m, d, n in kernel if d and not is_c_library(m)}
    names = {n for _, d, n in kernel if d} - (proper & called)
    members = {m for m, _, n in kernel if n in names}
    if not names:
        return None
    work = os.path.join(tmp, "kernel-names")
    os.makedirs(work, exist_ok=True)
    subprocess.run([ar, "x", os.path.abspath(lib), *members], cwd=work,
                   check=True)
    renames = [f"--redefine-sym={n}={n}{SUFFIX}" for n in sorted(names)]
    for m in members:
        subprocess.run([objcopy, *renames, os.path.join(work, m)], check=True)
    copy = os.path.join(tmp, os.path.basename(lib))
    shutil.copyfile(lib, copy)
    # Replaced in place: the archive's order (libc/ before musl) stays.
    subprocess.run([ar, "r", copy, *members], cwd=work, check=True)
    return copy
