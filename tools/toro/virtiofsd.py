# SPDX-License-Identifier: MIT
"""virtiofsd, the host side of `toro run --fs`: one daemon per shared
directory, started before QEMU and stopped however the run ends.

We make the listening socket ourselves and hand it over (--fd), so it is
there before QEMU connects and there is nothing to wait for; our copy is
closed at once, so a daemon that dies makes QEMU's connection fail instead
of hang. QEMU 7.2's C virtiofsd needs root; it is run with
`-o sandbox=chroot`, which works inside containers where its default
(new namespaces) may not, and is one process, not two. Each daemon dies
with us even if we are killed (PR_SET_PDEATHSIG).
"""
import ctypes
import os
import signal
import socket
import stat
import subprocess

from . import errors
from .errors import ToroError

VIRTIOFSD = os.environ.get("TORO_VIRTIOFSD", "/usr/lib/qemu/virtiofsd")
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """preexec_fn: the child gets SIGTERM when we exit, however we exit."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass        # not Linux: the explicit stop still runs


def check_available():
    if not os.access(VIRTIOFSD, os.X_OK):
        raise ToroError(f"--fs: {VIRTIOFSD} not found (apt-get install "
                        "qemu-system-common)", errors.NOT_FOUND)
    if os.geteuid() != 0:
        raise ToroError(f"--fs: {VIRTIOFSD} (QEMU 7.2's) runs only as root",
                        errors.USAGE)


class Daemon:
    """One virtiofsd serving `source` on the socket `sock_path`; the base
    of toro-vsock's (vsock.Daemon), another vhost-user backend."""

    def __init__(self, source, sock_path, log_path):
        self.source, self.sock_path, self.log_path = source, sock_path, log_path
        self.proc = None
        self.flag = f"--fs {source}"            # for messages
        self.name = f"virtiofsd for {source}"
        self.program = VIRTIOFSD
        self.other_paths = []   # sockets it makes, removed at the end

    def command(self, fd=None):
        """Its argv: given the listening socket (fd), or making it."""
        where = f"--fd={fd}" if fd is not None else f"--socket-path={self.sock_path}"
        return [VIRTIOFSD, where, "-o", f"source={self.source}",
                "-o", "cache=none", "-o", "sandbox=chroot",
                "-o", "log_level=warn"]

    def start(self):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.sock_path)
            listener.listen(1)
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    self.command(listener.fileno()), stdin=subprocess.DEVNULL,
                    stdout=log, stderr=log, pass_fds=[listener.fileno()],
                    preexec_fn=die_with_parent)
        except OSError as e:
            raise ToroError(f"{self.flag}: cannot start {self.program}: "
                            f"{e.strerror}", errors.NO_STATUS)
        finally:
            listener.close()

    def kill(self):
        """Kill it now, as a crash would (the test hook, SIGUSR1)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in [self.sock_path] + self.other_paths:
            try:
                if stat.S_ISSOCK(os.lstat(p).st_mode):
                    os.unlink(p)
            except OSError:
                pass

    def failure(self):
        """Why it stopped on its own, or None if it did not fail."""
        if not self.proc:
            return None
        status = self.proc.poll()
        # Killed by SIGUSR1's hook (SIGKILL) is not a failure of its own.
        if status is None or status == 0 or status == -signal.SIGKILL:
            return None
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return (f"{self.name} failed"
                + (f": {lines[-1]}" if lines else f" (exit status {status})"))
