# SPDX-License-Identifier: MIT
"""A libvirtd of the test's own, for `toro run --libvirt`.

A root libvirtd keeps its sockets, state, logs and configuration at fixed
paths (/run/libvirt, /var/lib/libvirt, /var/log/libvirt,
/var/cache/libvirt, /etc/libvirt). Ours runs in a mount namespace of its
own where directories under the test's temporary directory are mounted
over /run, /var/lib, /var/log, /var/cache and /etc/libvirt, so it shares
nothing with a system libvirtd (none needs to exist, one that does is
left alone), and everything it writes goes away with the test. Debian's
QEMU driver wants the user and group libvirt-qemu, which its
libvirt-daemon-system package creates; ours get them from a copy of
/etc/passwd and /etc/group mounted in that namespace only. virtlogd
writes the consoles' log files, as on an installed system. The client
reaches the daemon through the URI's socket= parameter.

Needs root. Stopped afterwards whatever happens: domains left running
are destroyed, then libvirtd and virtlogd are stopped (by their process
ids).
"""
import os
import shutil
import signal
import subprocess
import time

LIBVIRTD, VIRTLOGD = "/usr/sbin/libvirtd", "/usr/sbin/virtlogd"
START_TIMEOUT = 60      # seconds for the daemon to answer
QEMU_CONF = """\
# No cgroups, no private /dev: what a container may not allow.
cgroup_controllers = [ ]
namespaces = [ ]
# QEMU as root: libvirt probes QEMU's capabilities as root, with KVM where
# /dev/kvm exists, and throws them away (to probe again, for a minute under
# TCG) whenever its QEMU user cannot open /dev/kvm. Debian's libvirt-qemu
# is in group kvm; here no such group owns /dev/kvm.
user = "root"
group = "root"
"""
# Mount (inside the namespace) each of our directories over a system one.
MOUNTS = {"run": "/run", "var_lib": "/var/lib", "var_log": "/var/log",
          "var_cache": "/var/cache", "etc": "/etc/libvirt",
          "passwd": "/etc/passwd", "group": "/etc/group"}
SCRIPT = """
set -e
for m in "$@"; do mount --bind "${m%%=*}" "${m#*=}"; done
mkdir -p /run/libvirt
VIRTLOGD -d
exec LIBVIRTD
""".replace("VIRTLOGD", VIRTLOGD).replace("LIBVIRTD", LIBVIRTD)


class Unavailable(Exception):
    """libvirt cannot run here; the message says why."""


def missing():
    """Why a private libvirtd cannot start here, or None."""
    if os.geteuid() != 0:
        return "a private libvirtd needs root (mount namespaces)"
    for prog in (LIBVIRTD, VIRTLOGD):
        if not os.access(prog, os.X_OK):
            return (f"{prog} not found (apt-get install libvirt-daemon "
                    "libvirt-daemon-driver-qemu)")
    for prog in ("virsh", "unshare"):
        if shutil.which(prog) is None:
            return f"{prog} not found"
    return None


def with_qemu_user(src, dst, line):
    with open(src) as f:
        text = f.read()
    if not any(ln.split(":")[0] == "libvirt-qemu" for ln in text.splitlines()):
        text = text.rstrip("\n") + "\n" + line + "\n"
    with open(dst, "w") as f:
        f.write(text)


class Libvirtd:
    """libvirtd and virtlogd in base (an empty directory of the test's)."""

    def __init__(self, base):
        self.base = base
        self.sock = os.path.join(base, "run", "libvirt", "libvirt-sock")
        self.uri = f"qemu:///system?socket={self.sock}"
        self.proc = None

    def path(self, name):
        return os.path.join(self.base, name)

    def start(self):
        why = missing()
        if why:
            raise Unavailable(why)
        for d in ("run", "var_lib", "var_log/libvirt", "var_cache", "etc"):
            os.makedirs(self.path(d), exist_ok=True)
        with open(self.path("etc/qemu.conf"), "w") as f:
            f.write(QEMU_CONF)
        with open(self.path("etc/libvirtd.conf"), "w") as f:
            f.write('log_outputs = "3:file:/var/log/libvirt/libvirtd.log"\n')
        with_qemu_user("/etc/passwd", self.path("passwd"),
                       "libvirt-qemu:x:64055:64055::/var/lib/libvirt:"
                       "/usr/sbin/nologin")
        with_qemu_user("/etc/group", self.path("group"), "libvirt-qemu:x:64055:")
        binds = [f"{self.path(k)}={v}" for k, v in MOUNTS.items()]
        with open(self.path("libvirtd.out"), "wb") as out:
            self.proc = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private",
                 "sh", "-c", SCRIPT, "sh", *binds],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"libvirtd exited ({self.proc.returncode}): "
                                  + self.log_tail())
            if os.path.exists(self.sock) and self.virsh("uri").returncode == 0:
                return self.uri
            time.sleep(0.2)
        raise Unavailable(f"libvirtd did not answer within {START_TIMEOUT} s: "
                          + self.log_tail())

    def virsh(self, *args):
        return subprocess.run(["virsh", "-c", self.uri, "-q", *args],
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def log_tail(self):
        text = ""
        for name in ("libvirtd.out", "var_log/libvirt/libvirtd.log"):
            try:
                with open(self.path(name), errors="replace") as f:
                    text += f.read()
            except OSError:
                pass
        lines = [ln for ln in text.splitlines() if " error : " in ln
                 or "libvirtd" in ln or "virtlogd" in ln]
        return " | ".join(lines[-3:]) or "no log"

    def domains(self):
        r = self.virsh("list", "--all", "--name")
        return [n for n in r.stdout.split() if n] if r.returncode == 0 else []

    def started(self):
        """The names of the domains this daemon has started (from the
        QEMU logs it keeps: one per domain)."""
        d = self.path("var_log/libvirt/qemu")
        names = os.listdir(d) if os.path.isdir(d) else []
        return sorted(n[:-4] for n in names
                      if n.endswith(".log") and "-virtiofsd" not in n)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                for name in self.virsh("list", "--name").stdout.split():
                    self.virsh("destroy", name)
            except (subprocess.TimeoutExpired, OSError):
                pass
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # virtlogd is not our child: wait for it to go before the caller
        # removes the directories it writes in.
        try:
            with open(self.path("run/virtlogd.pid")) as f:
                pid = int(f.read().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with open(f"/proc/{pid}/stat") as f:    # OSError: gone
                    if f.read().rpartition(")")[2].split()[0] == "Z":
                        return
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
