# SPDX-License-Identifier: MIT
"""`toro build DIR [-o OUT] [--cflags FLAGS] [--ldlibs LIBS] [--ipv4-only]`:
DIR/*.c + libtoro -> one PVH ELF, via make."""
import glob
import hashlib
import os
import shlex
import shutil
import subprocess

from .errors import NOT_FOUND, ToroError


# Links the ext2 driver into a program that does not call ext2_mount()
# itself (fs/vfs_mount.c finds it by a weak reference), and the host's
# stop as SIGTERM (sys/stop_signal.c), so that what it wrote is written
# back when the host stops it, even without a signal call of its own.
EXT2_LDLIBS = "-Wl,-u,ext2_mount,-u,stop_signal_wanted"


def default_output(app_dir):
    """build/<dirname>.elf under the current directory, or under
    $TORO_BUILD when that is set (so parallel builds do not collide)."""
    name = os.path.basename(os.path.abspath(app_dir))
    return os.path.join(os.environ.get("TORO_BUILD", "build"), f"{name}.elf")


# Options whose next word, or the rest of the word, is a path.
PATH_OPTIONS = ("-I", "-L", "-isystem", "-iquote", "-idirafter", "-include",
                "-imacros")


def absolute_words(text, what):
    """FLAGS as shell words with relative paths made absolute (make runs
    in Toro's directory, not the caller's)."""
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise ToroError(f"{what} {text!r}: {e}")
    out, take = [], False
    for w in words:
        if take:
            out.append(os.path.abspath(w))
            take = False
        elif w in PATH_OPTIONS:
            out.append(w)
            take = True
        elif w.startswith(("-I", "-L")) and len(w) > 2:
            out.append(w[:2] + os.path.abspath(w[2:]))
        elif not w.startswith("-"):
            out.append(os.path.abspath(w))
        else:
            out.append(w)
    if take:
        raise ToroError(f"{what} {text!r}: {words[-1]} needs a value")
    return out


def flag_vars(cflags, ldlibs, ipv4_only=False):
    """make's variables for `--cflags`/`--ldlibs`/`--ipv4-only` (see the
    Makefile's app rule): the words shell-quoted, `$` doubled for make,
    and a key that gives each set of flags its own objects (so that a
    change of them alone builds the program again)."""
    c = shlex.join(w for f in cflags for w in absolute_words(f, "--cflags"))
    l = shlex.join(w for f in ldlibs for w in absolute_words(f, "--ldlibs"))
    net = "ipv4" if ipv4_only else ""
    if not c and not l and not net:
        return []
    key = hashlib.sha1(f"{c}\0{l}\0{net}".encode()).hexdigest()[:8]
    return [f"APP_USER_CFLAGS={c.replace('$', '$$')}",
            f"APP_LDLIBS={l.replace('$', '$$')}", f"APP_KEY={key}",
            f"APP_NET={net}"]


def build(root, build_dir, app_dir, out=None, verbose=False, make_vars=(),
          cflags=(), ldlibs=(), ipv4_only=False):
    """Build the application in app_dir; return the path of the ELF.
    make_vars: extra VAR=VALUE words for make (`toro profile` links the
    profiler in with APP_LDFLAGS). cflags, ldlibs: shell-quoted strings of
    extra compiler flags and of libraries linked after the objects.
    ipv4_only: link the IPv4-only network stack (some 33 KiB smaller)."""
    if not os.path.isdir(app_dir):
        raise ToroError(f"{app_dir}: not a directory")
    if not glob.glob(os.path.join(app_dir, "*.c")):
        raise ToroError(f"{app_dir}: no .c files to build")
    if shutil.which("make") is None:
        raise ToroError("make is not installed (apt-get install make)", NOT_FOUND)
    out = os.path.abspath(out or default_output(app_dir))
    cmd = ["make", "--no-print-directory", "-C", root, f"BUILD={build_dir}",
           "app", f"APP={os.path.abspath(app_dir)}", f"OUT={out}", *make_vars,
           *flag_vars(cflags, ldlibs, ipv4_only)]
    if verbose:
        cmd.append("V=1")
    r = subprocess.run(cmd, stdout=None if verbose else subprocess.DEVNULL)
    if r.returncode:
        raise ToroError(f"building {app_dir} failed", r.returncode)
    return out
