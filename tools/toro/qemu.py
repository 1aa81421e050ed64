# SPDX-License-Identifier: MIT
"""Boot a Toro ELF on QEMU and report how it ended.

The guest's console (serial port) comes back through a pipe and is copied
to our stdout with the serial "\\r\\n" line ends made plain. The guest
reports its exit status twice: as text on QEMU's debug console (port 0xe9,
to a file here), which carries any status and tells a guest exit apart from
QEMU failing on its own; and through isa-debug-exit, which makes QEMU stop.

Whatever we start for the run (QEMU, a virtiofsd per --fs, toro-vsock for
--vsock) is stopped however it ends: guest exit, panic, --timeout, QEMU
failing, Ctrl-C, SIGTERM or SIGHUP (exit status 128 + the signal); if we
are killed outright, the kernel sends them SIGTERM (PR_SET_PDEATHSIG).
SIGTERM and SIGHUP first ask the guest, as a container's stop does: where
it said it hears the ACPI power button ("toro-power-button=on" on the
debug console), QEMU presses it (QMP system_powerdown), the program gets
SIGTERM, and we wait --stop-timeout seconds for it to exit with a status
of its own; a second signal, or the time running out, stops it as
before.
SIGUSR1 kills the virtiofsd daemons and toro-vsock and lets the guest run
on: tests use it to see how the guest copes with a dead host side.
"""
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from . import errors, virtiofsd, vsock
from .errors import ToroError

QEMU = "qemu-system-x86_64"
QBOOT = "/usr/share/qemu/qboot.rom"
EXIT_MARK = re.compile(rb"toro-exit-status=(-?\d+)")
POWER_BUTTON_MARK = b"toro-power-button=on\n"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
UNIX_PATH_MAX = 108     # sun_path's size, its NUL included


def quote_arg(arg):
    """Quote one argv word for the kernel command line (kernel/cmdline.c)."""
    if arg and not re.search(r'[\s"\\]', arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kernel_cmdline(name, options, args):
    words = [f"toro.name={quote_arg(name)}"] + options
    return " ".join(words + ["--"] + [quote_arg(a) for a in args])


def kernel_words(name, options, args):
    """The words kernel/cmdline.c makes of kernel_cmdline()'s line, for a
    loader that quotes them itself (GRUB: toro image)."""
    return [f"toro.name={name}"] + options + ["--"] + list(args)


def qemu_command(cfg, elf, cmdline, debugcon, plan=None, sockets=(),
                 vsock_socket=None, qmp=None):
    """QEMU's argv; plan (devices.Plan) adds the virtio devices, sockets
    being the vhost-user socket of each --fs, vsock_socket toro-vsock's;
    qmp a Unix socket path for QEMU's machine protocol (QMP)."""
    machine = cfg.machine
    cmd = [cfg.qemu]
    more = "".join("," + o for o in plan.machine_options()) if plan else ""
    if machine == "microvm":
        acpi = "off" if cfg.no_acpi else "on"
        cmd += ["-M", f"microvm,acpi={acpi}{more}",
                "-global", "virtio-mmio.force-legacy=false"]
    elif machine == "q35":
        cmd += ["-M", "q35" + more]
        if os.path.exists(QBOOT):
            cmd += ["-bios", QBOOT]     # boots in half the time of SeaBIOS
    else:
        raise ToroError(f"--machine {machine}: use microvm or q35")
    if cfg.accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        cmd += ["-accel", "tcg", "-cpu", "max"]
    cmd += ["-smp", str(cfg.smp), "-m", str(cfg.mem),
            "-nodefaults", "-no-user-config", "-display", "none",
            "-monitor", "none", "-no-reboot",
            "-serial", "stdio",
            "-chardev", f"file,id=toro-exit,path={debugcon}",
            "-device", "isa-debugcon,iobase=0xe9,chardev=toro-exit",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-kernel", elf, "-append", cmdline]
    if qmp:
        cmd += ["-qmp", f"unix:{qmp},server=on,wait=off"]
    if plan:
        cmd += plan.qemu_args(sockets, vsock_socket)
    return cmd + cfg.qemu_args


class ConsoleCopier:
    """Copies guest console bytes to our stdout, turning \\r\\n into \\n."""

    def __init__(self, out):
        self.out = out
        self.held_cr = False

    def feed(self, data):
        if self.held_cr:
            data = b"\r" + data
            self.held_cr = False
        if data.endswith(b"\r"):
            data, self.held_cr = data[:-1], True
        self.out.write(data.replace(b"\r\n", b"\n"))
        self.out.flush()

    def close(self):
        if self.held_cr:
            self.out.write(b"\r")
            self.out.flush()


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Stopped(Exception):
    """We got SIGTERM or SIGHUP: stop the guest and its helpers, and exit
    as a process killed by that signal would (128 + signal)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _stopped(signum, frame):
    raise Stopped(signum)


def run(cfg, elf, out):
    """Boot elf as cfg says; return the exit code for the toro command.
    cfg.plan (devices.Plan or None) has the virtio devices and initrd."""
    plan = getattr(cfg, "plan", None)
    dry_run = getattr(cfg, "dry_run", False)
    if shutil.which(cfg.qemu) is None and not dry_run:
        raise ToroError(f"{cfg.qemu} not found (apt-get install qemu-system-x86)",
                        errors.NOT_FOUND)
    if plan and plan.fs and not dry_run:
        virtiofsd.check_available()
    with tempfile.TemporaryDirectory(prefix="toro-") as tmp:
        daemons = [virtiofsd.Daemon(f.source, os.path.join(tmp, f"fs{i}.sock"),
                                    os.path.join(tmp, f"fs{i}.log"))
                   for i, f in enumerate(plan.fs if plan else [])]
        vs = plan.vsock if plan else None
        if vs:
            daemons.append(vsock.Daemon(
                vs.tool, vs, os.path.join(tmp, "vsock-vhost.sock"),
                vs.path or os.path.join(tmp, "vsock.sock"),
                os.path.join(tmp, "vsock.log")))
        debugcon = os.path.join(tmp, "exit")
        qmp = os.path.join(tmp, "qmp.sock")
        if len(qmp.encode()) >= UNIX_PATH_MAX:
            qmp = None      # a long TMPDIR: no asking, stops are at once
        cmd = qemu_command(cfg, elf, cfg.cmdline, debugcon, plan,
                           [d.sock_path for d in daemons],
                           daemons[-1].sock_path if vs else None, qmp)
        if cfg.verbose or dry_run:
            # The daemons as one would start them by hand: we pass them
            # the socket already listening, they would make it.
            for d in daemons:
                print("toro: " + shlex.join(d.command()) + " &", flush=True)
            print("toro: " + shlex.join(cmd), flush=True)
        if dry_run:
            return 0
        # SIGTERM/SIGHUP stop everything we started; SIGUSR1 kills the
        # virtiofsd daemons and toro-vsock, as a crash would (tests use
        # it).
        old = {sig: signal.signal(sig, _stopped) for sig in STOP_SIGNALS}
        old[signal.SIGUSR1] = signal.signal(
            signal.SIGUSR1, lambda signum, frame: [d.kill() for d in daemons])
        try:
            for d in daemons:
                d.start()
            return _run_qemu(cfg, cmd, debugcon, qmp, daemons, out)
        finally:
            for d in daemons:
                d.stop()
            for sig, handler in old.items():
                signal.signal(sig, handler)


class StopAsked:
    """While the guest runs, SIGTERM and SIGHUP are noted (signals, in
    order) and wake a select() on read_fd, so that the guest can be asked
    to stop and its output still be copied while it does (check())."""

    def __enter__(self):
        self.signals = []
        self.deadline = None    # of the grace, once the guest was asked
        self.read_fd, self._write_fd = os.pipe()
        for fd in (self.read_fd, self._write_fd):
            os.set_blocking(fd, False)
        self._old_wakeup = signal.set_wakeup_fd(self._write_fd)
        self._old = {sig: signal.signal(sig, self._note)
                     for sig in STOP_SIGNALS}
        return self

    def _note(self, signum, frame):
        self.signals.append(signum)

    def drain(self):
        try:
            os.read(self.read_fd, 4096)
        except BlockingIOError:
            pass

    def check(self, cfg, ask):
        """Raises Stopped when the guest is to be stopped now: a second
        signal, the grace (cfg.stop_timeout) over, or a first signal that
        ask() (True when the guest was asked to stop) could not pass on.
        After a first one it did, the grace starts."""
        now = time.monotonic()
        if len(self.signals) > 1 or (self.deadline and now >= self.deadline):
            raise Stopped(self.signals[-1])
        if self.signals and self.deadline is None:
            grace = getattr(cfg, "stop_timeout", 0)
            if not (grace > 0 and ask()):
                raise Stopped(self.signals[0])
            self.deadline = now + grace

    def __exit__(self, *exc):
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._old_wakeup)
        os.close(self.read_fd)
        os.close(self._write_fd)


def guest_listens(log):
    """Whether the guest said, in its debug console's log, that it hears
    the power button."""
    try:
        with open(log, "rb") as f:
            return POWER_BUTTON_MARK in f.read()
    except OSError:
        return False


def _qmp_reply(f):
    """The next reply on the QMP stream f (events skipped), None at EOF."""
    for line in f:
        msg = json.loads(line)
        if "return" in msg or "error" in msg:
            return msg
    return None


def _press_power_button(debugcon, qmp):
    """Presses the guest's ACPI power button if it said it hears it; True
    when QEMU took the press."""
    if not qmp or not guest_listens(debugcon):
        return False
    pressed = False
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(qmp)
            f = s.makefile("rwb")
            f.readline()    # the greeting
            for command in ("qmp_capabilities", "system_powerdown"):
                f.write(json.dumps({"execute": command}).encode() + b"\n")
                f.flush()
                pressed = command == "system_powerdown"
                reply = _qmp_reply(f)
                if reply is None and pressed:
                    return True     # QEMU gone after the press: see below
                if not reply or "return" not in reply:
                    return False
        return True
    except (OSError, ValueError):
        # Gone after the press: the guest may have stopped before the
        # reply came (QEMU then exits); its status tells.
        return pressed


def _earliest(*deadlines):
    known = [d for d in deadlines if d is not None]
    return min(known) if known else None


def _wait_output(streams, deadline):
    """The streams with output, or None once (deadline) has passed."""
    wait = None
    if deadline is not None:
        wait = deadline - time.monotonic()
        if wait <= 0:
            return None
    return select.select(streams, [], [], wait)[0]


def _forward_input(pipe):
    """Our standard input to the guest's serial console as it comes (a
    terminal's a line at a time, as typed), then Ctrl-D: the end of the
    input for a program reading it (kernel/console_input.c). The pipe
    stays open: what QEMU would make of its end is not ours to find out."""
    try:
        fd = sys.stdin.fileno()
        # A terminal we are in the background of is not ours to read
        # (reading it would stop us, SIGTTIN): no input.
        while not os.isatty(fd) or os.tcgetpgrp(fd) == os.getpgrp():
            data = os.read(fd, 65536)
            if not data:
                break
            pipe.write(data)
            pipe.flush()
    except (OSError, ValueError, AttributeError):
        pass    # no input, or closed: it ends here
    try:
        pipe.write(b"\x04")
        pipe.flush()
    except (OSError, ValueError):
        pass    # the guest has stopped


def _run_qemu(cfg, cmd, debugcon, qmp, daemons, out):
    with StopAsked() as asked:
        return _run_qemu_asked(cfg, cmd, debugcon, qmp, daemons, out, asked)


def _run_qemu_asked(cfg, cmd, debugcon, qmp, daemons, out, asked):
    # toro debug: QEMU in a session of its own (Ctrl-C is for gdb), and
    # gdb started beside it.
    # toro profile: the guest's serial input is ours to write (its dump
    # key), and Ctrl-C may ask the guest for something before it stops.
    # Else our standard input is the guest's (not toro debug's: that is
    # gdb's).
    console_input = getattr(cfg, "on_interrupt", None) is not None
    own_session = getattr(cfg, "own_session", False)
    forward = not console_input and not own_session
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if console_input or
                            forward else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=virtiofsd.die_with_parent,
                            start_new_session=own_session)
    if forward:
        threading.Thread(target=_forward_input, args=(proc.stdin,),
                         daemon=True).start()
    if getattr(cfg, "on_start", None):
        cfg.on_start(proc)
    copier = ConsoleCopier(out)
    stderr = b""
    deadline = time.monotonic() + cfg.timeout if cfg.timeout else None

    def ask():
        return _press_power_button(debugcon, qmp)

    timed_out = interrupted = False
    try:
        streams = [proc.stdout, proc.stderr]
        while streams:
            try:
                ready = _wait_output(streams + [asked.read_fd],
                                     _earliest(deadline, asked.deadline))
            except KeyboardInterrupt:
                # The hook keeps the guest running (until it stops QEMU
                # itself) once; a second Ctrl-C stops all at once.
                hook = getattr(cfg, "on_interrupt", None)
                if interrupted or not hook or not hook(proc):
                    raise
                interrupted = True
                continue
            if ready is None:
                asked.check(cfg, ask)   # the grace may be over
                timed_out = True
                break
            for s in ready:
                if s == asked.read_fd:
                    asked.drain()
                    continue
                data = os.read(s.fileno(), 65536)
                if not data:
                    streams.remove(s)
                elif s is proc.stdout:
                    copier.feed(data)
                else:
                    stderr += data
            asked.check(cfg, ask)
    except KeyboardInterrupt:
        stop(proc)
        copier.close()
        raise ToroError("interrupted", errors.INTERRUPTED)
    except Stopped as e:
        stop(proc)
        copier.close()
        return 128 + e.signum
    except BrokenPipeError:
        # Whoever reads our output has gone (`| head`): stop quietly.
        stop(proc)
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return errors.INTERRUPTED
    finally:
        if timed_out:
            stop(proc)
    copier.close()
    status = proc.wait()
    if interrupted:
        return errors.INTERRUPTED
    if timed_out:
        raise ToroError(f"the guest did not stop within {cfg.timeout:g} s; "
                        "stopped it", errors.TIMEOUT)
    try:
        with open(debugcon, "rb") as f:
            mark = EXIT_MARK.search(f.read())
    except FileNotFoundError:   # QEMU stopped before making it
        mark = None
    if mark:
        return int(mark.group(1)) & 0xff
    if status < 0:
        raise ToroError(f"QEMU was killed by signal {-status}", errors.NO_STATUS)
    for d in daemons:
        why = d.failure()
        if why:
            raise ToroError(why, errors.NO_STATUS)
    err = stderr.decode(errors="replace").strip()
    if err:
        raise ToroError("QEMU failed: " + err.splitlines()[-1], errors.NO_STATUS)
    if status & 1:
        return status >> 1      # an isa-debug-exit without the text mark
    raise ToroError("the guest stopped without an exit status "
                    "(reset or triple fault)", errors.NO_STATUS)


def default_signals():
    """Let Ctrl-C reach QEMU too: it is in our process group."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
