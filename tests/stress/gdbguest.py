# SPDX-License-Identifier: MIT
"""A guest under `toro run` that can be looked into while it runs: QEMU's
gdbstub on a free port of 127.0.0.1 (gdb with tools/gdb/toro.py reads the
kernel's state: toro-threads, toro-net, toro-mem) and a QMP socket (to stop
its CPUs). The console goes to a file. Used by tests/stress/stress.py and
bench/soak.py.
"""
import json
import os
import re
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GDB_SCRIPT = os.path.join(ROOT, "tools", "gdb", "toro.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GdbGuest:
    def __init__(self, elf, run_args, guest_args, work, timeout):
        """Boots (elf) with `toro run` (run_args: its options, without
        --timeout), main()'s arguments (guest_args), files in (work),
        stopped after (timeout) seconds whatever happens."""
        self.elf = elf
        self.gdb_port = free_port()
        self.qmp_path = os.path.join(work, "qmp.sock")
        self.log_path = os.path.join(work, "console.log")
        cmd = [os.path.join(ROOT, "toro"), "run", elf, *run_args,
               "--timeout", str(int(timeout)),
               "--qemu-arg=-gdb", f"--qemu-arg=tcp:127.0.0.1:{self.gdb_port}",
               "--qemu-arg=-qmp",
               f"--qemu-arg=unix:{self.qmp_path},server=on,wait=off",
               "--", *guest_args]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def console(self, n=60):
        with open(self.log_path, errors="replace") as f:
            return "\n".join(f.read().splitlines()[-n:])

    def wait_line(self, regex, timeout):
        """True once a console line matches; False if the guest ends or
        (timeout) seconds pass first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(regex, self.console(400), re.M):
                return True
            if self.proc.poll() is not None:
                return bool(re.search(regex, self.console(400), re.M))
            time.sleep(0.2)
        return False

    def gdb(self, *commands, timeout=120):
        """Runs gdb commands with the guest stopped, then lets it go on;
        returns what gdb printed."""
        cmd = ["gdb", "-nx", "-batch", "-ex", "set pagination off",
               "-ex", "set confirm off", "-x", GDB_SCRIPT,
               "-ex", f"target remote 127.0.0.1:{self.gdb_port}"]
        for c in commands:
            cmd += ["-ex", c]
        cmd += ["-ex", "detach", self.elf]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=timeout)
            return r.stdout + r.stderr
        except subprocess.TimeoutExpired as e:
            return f"gdb took more than {timeout} s: {e.stdout or ''}"

    def memory(self):
        """{pages_total, pages_free, heap_bytes, heap_blocks}, or None."""
        out = self.gdb("toro-mem")
        m = re.search(r"toro-mem: (.*)", out)
        if not m:
            return None
        return {k: int(v) for k, v in
                (kv.split("=") for kv in m.group(1).split())}

    def qmp(self, command):
        """One QMP command; returns its answer."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(self.qmp_path)
            f = s.makefile("rw")
            f.readline()                    # the greeting
            for cmd in ("qmp_capabilities", command):
                f.write(json.dumps({"execute": cmd}) + "\n")
                f.flush()
                while True:
                    answer = json.loads(f.readline())
                    if "event" not in answer:
                        break
            return answer

    def wait(self, timeout):
        """The exit status, or None (then it is killed)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        self.log.close()
