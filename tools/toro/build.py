# SPDX-License-Identifier: MIT
"""`toro build DIR [-o OUT]`: DIR/*.c + libtoro -> one PVH ELF, via make."""
import glob
import os
import shutil
import subprocess

from .errors import NOT_FOUND, ToroError


def default_output(app_dir):
    """build/<dirname>.elf under the current directory, or under
    $TORO_BUILD when that is set (so parallel builds do not collide)."""
    name = os.path.basename(os.path.abspath(app_dir))
    return os.path.join(os.environ.get("TORO_BUILD", "build"), f"{name}.elf")


def build(root, build_dir, app_dir, out=None, verbose=False, make_vars=()):
    """Build the application in app_dir; return the path of the ELF.
    make_vars: extra VAR=VALUE words for make (`toro profile` links the
    profiler in with APP_LDFLAGS)."""
    if not os.path.isdir(app_dir):
        raise ToroError(f"{app_dir}: not a directory")
    if not glob.glob(os.path.join(app_dir, "*.c")):
        raise ToroError(f"{app_dir}: no .c files to build")
    if shutil.which("make") is None:
        raise ToroError("make is not installed (apt-get install make)", NOT_FOUND)
    out = os.path.abspath(out or default_output(app_dir))
    cmd = ["make", "--no-print-directory", "-C", root, f"BUILD={build_dir}",
           "app", f"APP={os.path.abspath(app_dir)}", f"OUT={out}", *make_vars]
    if verbose:
        cmd.append("V=1")
    r = subprocess.run(cmd, stdout=None if verbose else subprocess.DEVNULL)
    if r.returncode:
        raise ToroError(f"building {app_dir} failed", r.returncode)
    return out
