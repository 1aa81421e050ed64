# SPDX-License-Identifier: MIT
"""`toro run --libvirt [URI]`: run the domain of `toro libvirt` through
virsh and end as `toro run` does.

The domain is defined and started under a name of its own
(toro-APP-PID), its console log (a file libvirt writes) is copied to our
stdout as it grows, and its state is polled until it is shut off. The
guest's exit status comes from the isa-debugcon log beside it, the same
"toro-exit-status=N" line `toro run` reads from QEMU's debug console:
libvirt keeps no exit code of QEMU (an isa-debug-exit is a "crash" to
it). SIGTERM and SIGHUP first ask the guest to stop, as `toro run` does
(virsh shutdown --mode acpi: the power button). Whatever happens (guest
exit, --timeout, Ctrl-C, SIGTERM or SIGHUP past --stop-timeout, a virsh
call that fails) the domain is destroyed if still running and undefined,
and its files removed. Every virsh call has a time-out, so a
daemon that stops answering is an error, never a hang.

The daemon must be on this machine (the logs are files read here); the
files go in a directory of their own that libvirt's QEMU and log daemon
(another user, for qemu:///system) may reach.
"""
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

from . import errors, libvirt, qemu
from .errors import ToroError

VIRSH = "virsh"
CALL_TIMEOUT = 120      # seconds any one virsh call may take (TCG, loaded)
POLL = 0.05             # seconds between reads of the console log
STATE_EVERY = 0.5       # seconds between two looks at the domain's state
RUNNING = ("running", "paused", "in shutdown", "idle", "blocked")


class Virsh:
    """virsh on one URI ("" for virsh's default)."""

    def __init__(self, uri, program=VIRSH):
        self.uri, self.program = uri, program

    def argv(self, *args):
        return [self.program] + (["-c", self.uri] if self.uri else []) + \
            ["-q", *args]

    def call(self, *args, check=True):
        """virsh's stdout; a ToroError with its message if it fails (when
        check) or does not answer in time."""
        try:
            r = subprocess.run(self.argv(*args), capture_output=True,
                               text=True, timeout=CALL_TIMEOUT,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ToroError(f"virsh {args[0]} did not answer within "
                            f"{CALL_TIMEOUT} s", errors.NO_STATUS)
        if r.returncode and check:
            raise ToroError(f"virsh {args[0]}: {last_error(r.stderr)}",
                            errors.NO_STATUS)
        return r.stdout if not r.returncode else None

    def state(self, name):
        """The domain's state ("running", "shut off"...), or None if it
        is gone."""
        out = self.call("domstate", name, check=False)
        return out.strip() if out is not None else None


def last_error(text):
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].removeprefix("error: ") if lines else "failed"


def check_virsh(v):
    if shutil.which(v.program) is None:
        raise ToroError(f"--libvirt: {v.program} not found (apt-get install "
                        "libvirt-clients; a daemon to run the guest: "
                        "apt-get install libvirt-daemon-system)",
                        errors.NOT_FOUND)
    where = v.uri or "virsh's default URI"
    try:
        r = subprocess.run(v.argv("uri"), capture_output=True, text=True,
                           timeout=CALL_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ToroError(f"--libvirt {where}: no answer within "
                        f"{CALL_TIMEOUT} s", errors.NO_STATUS)
    if r.returncode:
        raise ToroError(f"--libvirt {where}: cannot connect: "
                        f"{last_error(r.stderr)}", errors.NO_STATUS)


class Follower:
    """Copies what libvirt appends to the console log to our output."""

    def __init__(self, path, out):
        self.path, self.copier, self.f = path, qemu.ConsoleCopier(out), None

    def poll(self):
        if self.f is None:
            try:
                self.f = open(self.path, "rb")
            except FileNotFoundError:
                return
        while True:
            data = self.f.read(65536)
            if not data:
                return
            self.copier.feed(data)

    def close(self):
        if self.f:
            self.poll()
            self.f.close()
        self.copier.close()


def runner(uri):
    """A runner for cli.cmd_run that goes through libvirt at uri."""

    def run(cfg, elf, out):
        v = Virsh(uri)
        check_virsh(v)
        name = f"{libvirt.name_for(cfg.target)}-{os.getpid()}"
        with tempfile.TemporaryDirectory(prefix="toro-libvirt-") as tmp:
            os.chmod(tmp, 0o755)        # QEMU may run as another user
            console = os.path.join(tmp, "console.log")
            status = os.path.join(tmp, "status.log")
            xml = os.path.join(tmp, "domain.xml")
            with open(xml, "w") as f:
                f.write(libvirt.domain(cfg, elf, name, console, status))
            if cfg.verbose:
                print(f"toro: {shlex.join(v.argv('define', xml))}; "
                      f"{shlex.join(v.argv('start', name))}", flush=True)
            return _run_domain(cfg, v, name, xml, console, status, out)

    return run


def _run_domain(cfg, v, name, xml, console, status, out):
    defined = False
    follower = Follower(console, out)
    try:
        with qemu.StopAsked() as asked:
            v.call("define", xml)
            defined = True
            deadline = time.monotonic() + cfg.timeout if cfg.timeout else None
            v.call("start", name)
            stopped = _follow(cfg, v, name, follower, deadline, asked,
                              lambda: _shut_down(v, name, status))
            if not stopped:
                raise ToroError(f"the guest did not stop within "
                                f"{cfg.timeout:g} s; stopped it",
                                errors.TIMEOUT)
    except KeyboardInterrupt:
        raise ToroError("interrupted", errors.INTERRUPTED)
    except qemu.Stopped as e:
        return 128 + e.signum
    finally:
        follower.close()
        if defined:
            _remove(v, name)
    try:
        with open(status, "rb") as f:
            mark = qemu.EXIT_MARK.search(f.read())
    except FileNotFoundError:
        mark = None
    if mark:
        return int(mark.group(1)) & 0xff
    raise ToroError("the guest stopped without an exit status (reset or "
                    "triple fault, or QEMU failed: see libvirt's log of "
                    f"domain {name})", errors.NO_STATUS)


def _shut_down(v, name, status):
    """The host's stop: virsh shutdown (the ACPI power button) if the
    guest said it hears it; True when libvirt passed it on."""
    if not qemu.guest_listens(status):
        return False
    try:
        v.call("shutdown", name, "--mode", "acpi")
        return True
    except ToroError:
        return False


def _follow(cfg, v, name, follower, deadline, asked, ask):
    """Copy the console until the domain stops (True) or the deadline
    passes (False); a SIGTERM or SIGHUP meanwhile asks the guest to stop
    (ask()) or raises qemu.Stopped (asked.check())."""
    next_look = 0
    while True:
        follower.poll()
        asked.check(cfg, ask)
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return False
        if now >= next_look:
            if v.state(name) not in RUNNING:
                return True
            next_look = now + STATE_EVERY
        time.sleep(POLL)


def _remove(v, name):
    """Destroy the domain if it still runs, then undefine it. Runs in a
    finally: clean up as much as can be, report nothing new."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # finish cleaning up
    try:
        if v.state(name) in RUNNING:
            v.call("destroy", name, check=False)
        v.call("undefine", name, check=False)
    except ToroError:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
