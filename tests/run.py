#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run every Toro test and end with one line: "N passed, N failed".

  1. host unit tests (build/unit/unit_tests, ASan + UBSan), then each
     fuzz target of tests/fuzz/ for FUZZ_SECONDS on its seeds and
     regression inputs (tests/fuzz/runner.py; `make fuzz` runs them long);
  2. build checks: not one warning from the suite's own (gcc) build,
     and a clang build under -Werror;
  3. guest tests, booted with `toro run` under TCG across the matrix of
     machines (microvm with and without ACPI, q35), CPU counts (1, 2, 4)
     and memory sizes (4 MiB, 1 GiB):
       - build/tests/ktest.elf, the in-guest test cases of tests/kernel/,
         each case counted on its own;
       - tests/sys/test_*/, small applications whose expected exit status
         and console lines are in their TEST file (keys below);
       - examples/, each checked for its expected output, or run by
         the TEST file in its directory when it has one (keys below);
       - tests/ports/<name>/, upstream programs built unmodified
         (tests/ports/Makefile.inc), each image build/ports/<name>.elf
         run by the TEST file in its directory (keys below);
       - tests/libc/, the C library's differential suite: each program
         built for the host's musl and for Toro must print the same
         (tests/libc/check.h);
  4. checks of the toro command itself (tests/cli_checks.py).

Usage: tests/run.py [--quick] [-j N] [-k SUBSTRING] [--build DIR]

A TEST file is `[case]` sections of `key: value` lines:
  args: WORDS          main()'s arguments (shell-quoted words)
  env: KEY=VALUE       a getenv() variable (repeatable)
  append: OPTIONS      kernel options (--append), e.g. ip=10.0.3.2/24
                       (repeatable)
  exit: N              the exit status wanted (default 0)
  expect: REGEX        a console line must match (repeatable); reject: REGEX
                       none may; expect_count: REGEX N (N may use {smp})
  configs: quick|all   the quick three configurations, or the full matrix
  machines: M...       only these of microvm microvm-noacpi q35
  min_smp: N, min_mem: MiB   leave out smaller configurations
Files and devices, fresh for every configuration a case runs on:
  initrd: DIR          --initrd with DIR (relative to the test directory)
  fs: [DIR]            --fs with a temporary copy of DIR, or an empty
                       directory when no DIR is given; the repo stays clean
  disk: MiB[,OPT] ...  --disk with new sparse zero-filled images; OPT as
                       for --disk (e.g. 24,if=nvme or 24,ro)
  boot: WORDS          boot once per `boot:` line, in order, with these
                       arguments instead of `args:`, over the same fs
                       directory and disks (e.g. `boot: write` then
                       `boot: verify`); every boot must end with `exit:`,
                       and expect/reject/expect_count look at the output of
                       all of them
  host_setup: COMMAND  run before the first boot; host_check: COMMAND
                       after the last, if all else passed; host_after: N
                       COMMAND after boot N (repeatable), before the next. Shell-quoted
                       words run in the test directory, given the fs
                       directory as last argument when there is one, and
                       TEST_FS, TEST_DISKS (space-separated), TEST_MACHINE
                       in the environment; a non-zero exit fails the case
  stdin: FILE          the guest's standard input (relative to the test
                       directory); without it the guest's input ends at once
  stop: REGEX          when a console line matches, toro gets SIGTERM (the
                       host's stop: it presses the guest's power button)
  kill_virtiofsd: REGEX  when a console line matches, the host daemons
                       (virtiofsd, the vsock backend) are killed (toro
                       run's SIGUSR1 hook), to test how the guest copes
                       with a dead host side
  vsock: on            a virtio-vsock device (--vsock with a Unix socket
                       in a fresh directory); host_client gets its path
                       as TEST_VSOCK
The network (QEMU user networking: the guest is 10.0.2.15 by DHCP):
  port: [udp:]GUEST... forward a free host port on 127.0.0.1, picked anew
                       for every boot, to each of these guest ports
                       (--port); host_client and host_check (the last
                       boot's) get TEST_PORT (the first one's host port),
                       TEST_PORT_<GUEST> for each TCP one and
                       TEST_UDP_PORT_<GUEST> for each UDP one; a
                       vsock:GUEST port is forwarded to the guest's vsock
                       port GUEST instead (--vsock-port)
  net: user            a network device even without `port:` (--net)
  net: udp-link        instead of user networking, the device on a UDP
                       tunnel (--udp-link) between two free UDP ports on
                       127.0.0.1, picked anew for every boot: the host
                       client binds TEST_LINK_PORT and speaks raw Ethernet
                       frames, one per datagram, with the guest, whose
                       side is TEST_GUEST_LINK_PORT. No DHCP there: give
                       the guest its address with `append: ip=ADDR/PREFIX`
  host_client: COMMAND  run during the boot, once a console line matches
                       `client_after: REGEX` (at once without it), like
                       host_setup (test directory, TEST_* environment, no
                       fs argument) plus the ports; a non-zero exit or
                       running past the boot timeout fails the case and
                       stops the guest. The guest must still end by itself
                       with `exit:`. With several `boot:` lines it runs
                       during each boot
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import cli_checks  # noqa: E402
from fuzz import runner as fuzz_runner  # noqa: E402
from libc import suite as libc_suite  # noqa: E402

MACHINES = {
    "microvm": ["--machine", "microvm"],
    "microvm-noacpi": ["--machine", "microvm", "--no-acpi"],
    "q35": ["--machine", "q35"],
}
FULL = [(m, smp, mem) for m in MACHINES for smp in (1, 2, 4) for mem in (4, 1024)]
QUICK = [("microvm", 2, 128), ("microvm-noacpi", 1, 4), ("q35", 4, 1024)]
BOOT_TIMEOUT = 120      # seconds per boot; TCG on a shared machine is slow
FUZZ_SECONDS = 10       # per fuzz target, two at a time


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []
        self.lock = threading.Lock()

    def add(self, name, ok, detail=""):
        with self.lock:
            if ok:
                self.passed += 1
                return
            self.failed.append((name, detail))
            print(f"FAIL {name}", flush=True)
            if detail:
                print("    " + detail.rstrip().replace("\n", "\n    "), flush=True)


def config_name(cfg):
    m, smp, mem = cfg
    return f"{m}/smp{smp}/{mem}M"


def boot(elf, cfg, args=(), env=(), timeout=BOOT_TIMEOUT, extra=(),
         kill_virtiofsd=None, watch=(), stdin=None):
    """Run the guest; return (exit code, stdout + stderr, seconds). extra:
    more `toro run` flags. kill_virtiofsd: a regex; on the first console
    line matching it, toro is asked to kill its virtiofsd daemons. watch:
    (regex or None, function) pairs: each function is called with the toro
    process once, on the first console line matching its regex (None: as
    soon as toro has started). stdin: a file whose bytes the guest reads
    on its standard input (toro run forwards its own), else nothing: the
    guest sees the end of its input at once, whatever ours is."""
    m, smp, mem = cfg
    cmd = [os.path.join(ROOT, "toro"), "run", elf, *MACHINES[m], "--smp",
           str(smp), "--mem", str(mem), "--accel", "tcg", "--timeout",
           str(timeout), "-e", f"TEST_NCPUS={smp}", *extra]
    for e in env:
        cmd += ["-e", e]
    cmd += ["--", *args]
    start = time.monotonic()
    pending = list(watch)
    if kill_virtiofsd:
        pending.append((kill_virtiofsd,
                        lambda p: p.send_signal(signal.SIGUSR1)))
    with open(stdin or os.devnull, "rb") as input_file:
        return _boot(cmd, pending, input_file, start)


def _boot(cmd, pending, input_file, start):
    if not pending:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                           stdin=input_file)
        return r.returncode, r.stdout + r.stderr, time.monotonic() - start
    # toro writes to stderr only when it ends, so reading stdout first
    # cannot block it.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", stdin=input_file)
    out = []
    for w in [w for w in pending if w[0] is None]:
        pending.remove(w)
        w[1](proc)
    for line in proc.stdout:
        out.append(line)
        for w in [w for w in pending if re.search(w[0], line)]:
            pending.remove(w)
            w[1](proc)
    err = proc.stderr.read()
    proc.wait()
    return proc.returncode, "".join(out) + err, time.monotonic() - start


def tail(text, n=25):
    """The last (n) lines, after the lines that say what failed (a case's
    [ FAIL ] and its failed checks), wherever they are: a report that
    names the failure even when more output followed it."""
    lines = text.rstrip().splitlines()
    failed = [line for line in lines[:-n]
              if re.search(r"\[ *FAIL *\]|check failed", line)][:40]
    head = failed + ["..."] if failed else []
    return "\n".join(head + lines[-n:])


# --- in-guest test cases -------------------------------------------------

def run_ktest(elf, cfg, results):
    code, out, _ = boot(elf, cfg)
    where = config_name(cfg)
    cases = re.findall(r"^\[ *(OK|FAIL) *\] (\S+)", out, re.M)
    for status, name in cases:
        detail = ""
        if status != "OK":
            block = re.search(rf"^\[ RUN  \] {re.escape(name)}\n(.*?)^\[ FAIL",
                              out, re.M | re.S)
            detail = block.group(1) if block else ""
        results.add(f"ktest {name} [{where}]", status == "OK", detail)
    summary = re.search(r"^TESTS: (\d+) passed, (\d+) failed", out, re.M)
    failed = any(s != "OK" for s, _ in cases)
    counted = summary and int(summary.group(1)) + int(summary.group(2)) == len(cases)
    if not cases or not counted or code != (1 if failed else 0):
        results.add(f"ktest image [{where}]", False,
                    f"exit status {code}, {len(cases)} cases read\n" + tail(out))


# --- system tests --------------------------------------------------------

def new_case(name, directory, configs="quick"):
    """A case with every key at its default."""
    return {"name": name, "dir": directory, "expect": [], "reject": [],
            "env": [], "args": [], "exit": 0, "configs": configs, "min_smp": 1,
            "min_mem": 0, "machines": list(MACHINES), "expect_count": [],
            "boot": [], "initrd": None, "fs": None, "disk": [],
            "host_setup": None, "host_check": None, "host_after": [],
            "kill_virtiofsd": None, "stop": None,
            "port": [], "net": None, "host_client": None,
            "client_after": None, "append": [], "vsock": False,
            "stdin": None}


def parse_test_file(path):
    """[case] sections of `key: value` lines; `expect`/`reject`/`env` repeat."""
    cases, cur = [], None
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^\[(\w+)\]$", line)
            if m:
                cur = new_case(m.group(1), os.path.dirname(os.path.abspath(path)))
                cases.append(cur)
                continue
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep or cur is None:
                raise SystemExit(f"{path}:{lineno}: expected [case] or key: value")
            if key in ("expect", "reject", "env", "expect_count", "append"):
                cur[key].append(value)
            elif key == "machines":
                cur["machines"] = value.split()
                bad = set(cur["machines"]) - set(MACHINES)
                if bad:
                    raise SystemExit(f"{path}:{lineno}: unknown machines {bad}")
            elif key == "args":
                cur["args"] = shlex.split(value)
            elif key == "boot":
                cur["boot"].append(shlex.split(value))
            elif key in ("exit", "min_smp", "min_mem"):
                cur[key] = int(value)
            elif key == "disk":
                cur["disk"] = []
                for v in value.split():
                    mib, _, opts = v.partition(",")
                    if not mib.isdigit():
                        raise SystemExit(f"{path}:{lineno}: disk: expected "
                                         "MiB[,OPTIONS]...")
                    cur["disk"].append((int(mib), opts))
            elif key == "stdin":
                cur["stdin"] = os.path.join(cur["dir"], value)
            elif key in ("host_setup", "host_check", "host_client"):
                cur[key] = shlex.split(value)
            elif key == "host_after":
                n, _, words = value.partition(" ")
                if not n.isdigit():
                    raise SystemExit(f"{path}:{lineno}: host_after: N COMMAND")
                cur["host_after"].append((int(n), shlex.split(words)))
            elif key == "port":
                cur["port"] = value.split()
                if not all(re.match(r"^(udp:|tcp:|vsock:)?\d{1,5}$", p)
                           for p in cur["port"]):
                    raise SystemExit(f"{path}:{lineno}: port: expected "
                                     "[udp:|vsock:]GUEST_PORT...")
            elif key == "net":
                if value not in ("user", "udp-link"):
                    raise SystemExit(f"{path}:{lineno}: net: `user` or "
                                     "`udp-link`")
                cur["net"] = value
            elif key == "vsock":
                if value != "on":
                    raise SystemExit(f"{path}:{lineno}: vsock: `on`")
                cur["vsock"] = True
            elif key in ("configs", "initrd", "fs", "kill_virtiofsd",
                         "stop", "client_after"):
                cur[key] = value
            else:
                raise SystemExit(f"{path}:{lineno}: unknown key {key!r}")
    for case in cases:
        if case["net"] == "udp-link" and case["port"]:
            raise SystemExit(f"{path}: [{case['name']}]: `port:` needs user "
                             "networking, not `net: udp-link`")
    return cases


def host_env(fs_dir, disks, cfg, ports=None, vsock=None):
    """The environment of host commands (see the docstring)."""
    env = dict(os.environ, TEST_FS=fs_dir or "", TEST_DISKS=" ".join(disks),
               TEST_MACHINE=cfg[0])
    if vsock:
        env["TEST_VSOCK"] = vsock
    if ports:
        env.update(ports.env())
    return env


def host_command(case, words, fs_dir, disks, cfg, ports=None):
    """Run a host_setup/host_check command; None if it passed, else why."""
    env = host_env(fs_dir, disks, cfg, ports)
    cmd = words + ([fs_dir] if fs_dir else [])
    try:
        r = subprocess.run(cmd, cwd=case["dir"], env=env, capture_output=True,
                           text=True, errors="replace", timeout=BOOT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{shlex.join(words)}: {e}"
    if r.returncode:
        return f"{shlex.join(words)}: exit status {r.returncode}\n" + tail(
            r.stdout + r.stderr)
    return None


class Ports:
    """Free host ports for a case's `port:` list, picked anew each boot."""

    def __init__(self, specs):
        self.specs = []         # (proto, guest port)
        for spec in specs:
            proto, _, guest = spec.rpartition(":")
            self.specs.append((proto or "tcp", int(guest)))
        self.hosts = []

    def pick(self):
        """New host ports; return the `toro run` flags for them. The port
        is free when we look; should another process take it before QEMU
        does, toro or QEMU says so and boot_case tries again."""
        self.hosts = []
        for proto, _ in self.specs:
            kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
            with socket.socket(socket.AF_INET, kind) as s:
                s.bind(("127.0.0.1", 0))
                self.hosts.append(s.getsockname()[1])
        return [w for (proto, guest), host in zip(self.specs, self.hosts)
                for w in (("--vsock-port", f"{host}:{guest}")
                          if proto == "vsock" else
                          ("--port", f"{proto}:{host}:{guest}"))]

    def env(self):
        env = {}
        for (proto, guest), host in zip(self.specs, self.hosts):
            env.setdefault("TEST_PORT", str(host))
            env[f"TEST_{'UDP_' if proto == 'udp' else ''}PORT_{guest}"] = str(host)
        return env


class Link:
    """The two UDP ports of `net: udp-link`, picked anew each boot; used
    as Ports is."""

    def __init__(self):
        self.local = self.remote = None

    def pick(self):
        # Both bound at once, so they differ; free when we look, and
        # boot_case retries should one be taken before QEMU binds it.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
            a.bind(("127.0.0.1", 0))
            b.bind(("127.0.0.1", 0))
            self.local, self.remote = a.getsockname()[1], b.getsockname()[1]
        return ["--udp-link", f"{self.local}:{self.remote}"]

    def env(self):
        return {"TEST_LINK_PORT": str(self.remote),
                "TEST_GUEST_LINK_PORT": str(self.local)}


class HostClient:
    """A case's host_client during one boot: started by boot()'s watch,
    stopping the guest (SIGTERM to toro) if it fails."""

    def __init__(self, case, env):
        self.case, self.env = case, env
        self.problem, self.output, self.thread = None, "", None

    def start(self, toro):
        self.thread = threading.Thread(target=self._run, args=(toro,))
        self.thread.start()

    def _run(self, toro):
        words = self.case["host_client"]
        try:
            r = subprocess.run(words, cwd=self.case["dir"], env=self.env,
                               capture_output=True, text=True,
                               errors="replace", timeout=BOOT_TIMEOUT)
            self.output = r.stdout + r.stderr
            if r.returncode:
                self.problem = (f"host_client {shlex.join(words)}: exit "
                                f"status {r.returncode}")
        except subprocess.TimeoutExpired as e:
            self.output = str(e.stdout or "") + str(e.stderr or "")
            self.problem = (f"host_client {shlex.join(words)}: still "
                            f"running after {BOOT_TIMEOUT} s")
        except OSError as e:
            self.problem = f"host_client {shlex.join(words)}: {e}"
        if self.problem and toro.poll() is None:
            toro.send_signal(signal.SIGTERM)

    def finish(self):
        """None if it ran and passed, else why."""
        if self.thread is None:
            return (f"host_client never ran: no console line matched "
                    f"/{self.case['client_after']}/")
        self.thread.join()
        return self.problem


def boot_case(elf, cfg, case, args, extra, fs_dir, disks, ports, vsock):
    """One boot of a case, with its network and host client; return
    (exit code, output, problem of the host client or None)."""
    for attempt in range(3):
        net = ports.pick() if ports else []
        if case["net"] == "user" and not ports:
            net = ["--net"]
        client, watch = None, []
        if case["host_client"]:
            client = HostClient(case, host_env(fs_dir, disks, cfg, ports,
                                               vsock))
            watch = [(case["client_after"], client.start)]
        if case["stop"]:
            watch.append((case["stop"],
                          lambda p: p.send_signal(signal.SIGTERM)))
        code, out, _ = boot(elf, cfg, args, case["env"], extra=extra + net,
                            kill_virtiofsd=case["kill_virtiofsd"], watch=watch,
                            stdin=case["stdin"])
        # Someone took a port between our look and QEMU's bind: toro
        # saw it (exit 2) or QEMU did (126). Try other ports.
        if not (ports and (code == 2 and "in use on the host" in out or
                           code == 126 and ("host forwarding" in out or
                                            "can't bind" in out))):
            break
    problem = None
    if client:
        problem = client.finish()
        if client.output.strip():
            out += "--- host_client:\n" + client.output
    return code, out, problem


def run_sys_case(name, elf, case, cfg, results):
    with tempfile.TemporaryDirectory(prefix="toro-test-") as tmp:
        problems, out = run_sys_case_in(elf, case, cfg, tmp)
    detail = "\n".join(problems)
    if problems and out.strip():
        detail += "\n--- output:\n" + tail(out)
    results.add(f"{name}.{case['name']} [{config_name(cfg)}]", not problems, detail)


def run_sys_case_in(elf, case, cfg, tmp):
    """Set up the case's files and disks in tmp, boot, check; return
    (problems, output)."""
    extra, fs_dir, disks = [], None, []
    for options in case["append"]:
        extra += ["--append", options]
    if case["initrd"]:
        extra += ["--initrd", os.path.join(case["dir"], case["initrd"])]
    if case["fs"] is not None:
        fs_dir = os.path.join(tmp, "fs")
        if case["fs"]:
            shutil.copytree(os.path.join(case["dir"], case["fs"]), fs_dir,
                            symlinks=True)
        else:
            os.mkdir(fs_dir)
        extra += ["--fs", fs_dir]
    for i, (mib, opts) in enumerate(case["disk"]):
        path = os.path.join(tmp, f"disk{i}.img")
        with open(path, "wb") as f:
            f.truncate(mib << 20)
        disks.append(path)
        extra += ["--disk", path + (f",{opts}" if opts else "")]
    vsock = os.path.join(tmp, "vsock.sock") if case["vsock"] else None
    if vsock:
        extra += ["--vsock", vsock]
    ports = Ports(case["port"]) if case["port"] else None
    if case["net"] == "udp-link":
        ports = Link()
    if case["host_setup"]:
        why = host_command(case, case["host_setup"], fs_dir, disks, cfg)
        if why:
            return [f"host_setup failed: {why}"], ""
    problems, outs = [], []
    for n, args in enumerate(case["boot"] or [case["args"]], 1):
        want = case["exit"]
        if args and re.match(r"^exit=\d+$", args[0]):
            want, args = int(args[0][5:]), args[1:]
        code, out, why = boot_case(elf, cfg, case, args, extra, fs_dir,
                                   disks, ports, vsock)
        if len(case["boot"]) > 1:
            out = f"--- boot {n}: {shlex.join(args)}\n" + out
        outs.append(out)
        if why:
            problems.append(f"boot {n}: " * (len(case["boot"]) > 1) + why)
        if code != want:
            problems.append(f"boot {n}: " * (len(case["boot"]) > 1) +
                            f"exit status {code}, expected {want}")
            break
        for after, words in case["host_after"]:
            why = after == n and host_command(case, words, fs_dir, disks,
                                              cfg)
            if why:
                problems.append(f"host_after {n} failed: {why}")
        if problems:
            break
    out = "".join(outs)
    for pat in case["expect"]:
        if not re.search(pat, out, re.M):
            problems.append(f"no line matches /{pat}/")
    for pat in case["reject"]:
        if re.search(pat, out, re.M):
            problems.append(f"a line matches /{pat}/, which it must not")
    for spec in case["expect_count"]:
        pat, _, count = spec.rpartition(" ")
        want = eval(count.replace("{smp}", str(cfg[1])), {"__builtins__": {}})
        got = len(re.findall(pat, out, re.M))
        if got != want:
            problems.append(f"{got} lines match /{pat}/, expected {want}")
    if case["host_check"] and not problems:
        why = host_command(case, case["host_check"], fs_dir, disks, cfg,
                           ports)
        if why:
            problems.append(f"host_check failed: {why}")
    return problems, out


def example_cases(smp):
    """What each example without a TEST file must print with (smp) CPUs."""
    common = new_case("output", ROOT, configs="all")
    return {
        "hello": dict(common, expect=[rf"^Hello from Toro on {smp} CPUs$"],
                      expect_count=[]),
        # Every CPU handles each of the smp tokens once per round (500).
        "threads": dict(common, expect=[
            rf"^threads: {smp} workers, one per CPU",
            r"^total: \d+ messages in [\d.]+ ms"],
            expect_count=[rf"^cpu \d+: {smp * 500} messages$ {smp}"]),
    }


# --- driver --------------------------------------------------------------

def same_python_for_children(build):
    """Scripts the tests start (`#!/usr/bin/env python3`) run this Python,
    not a version manager's shim that PATH may find first: a third of a
    second a start (see ./toro), hundreds of starts in a run."""
    bindir = os.path.join(build, "python-bin")
    link = os.path.join(bindir, "python3")
    os.makedirs(bindir, exist_ok=True)
    if not os.path.islink(link) or os.readlink(link) != sys.executable:
        new = f"{link}.{os.getpid()}"
        os.symlink(sys.executable, new)
        os.replace(new, link)   # another run may be at it too
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def job_label(name, fargs):
    """A job's name with its case and configuration, if it has them."""
    words = [name]
    for a in fargs:
        if isinstance(a, dict) and "name" in a:
            words.append(a["name"])
        elif isinstance(a, tuple) and (a in FULL or a in QUICK):
            words.append(config_name(a))
    return " ".join(words)


def show_slowest(took, build, n=12):
    """The (n) jobs that took longest, and every job's time in
    BUILD/test-times.txt: what to look at when the suite grows slow (CI
    gives it 90 minutes, and it is kept well under 30)."""
    took.sort(reverse=True)
    with open(os.path.join(build, "test-times.txt"), "w") as f:
        f.writelines(f"{s:7.1f} s  {label}\n" for s, label in took)
    if took:
        print(f"slowest of {len(took)} jobs "
              f"({sum(s for s, _ in took):.0f} s in all):")
        for s, label in took[:n]:
            print(f"  {s:6.1f} s  {label}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="three configurations instead of the full matrix")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-k", dest="filter", default="",
                    help="run only tests whose name contains this")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--skip-builds", action="store_true",
                    help="leave out the gcc/clang warning builds")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    os.environ["TORO_BUILD"] = build
    same_python_for_children(build)
    results = Results()
    started = time.monotonic()
    matrix = QUICK if args.quick else FULL

    def wanted(name):
        return args.filter in name

    # 1. Host unit tests.
    if wanted("unit"):
        unit = os.path.join(build, "unit", "unit_tests")
        r = subprocess.run([unit], capture_output=True, text=True, cwd=ROOT)
        lines = re.findall(r"^(ok  |FAIL) (\S+)", r.stdout, re.M)
        for status, name in lines:
            block = re.search(rf"((?:^    .*\n)*)^FAIL {re.escape(name)}$",
                              r.stdout, re.M)
            results.add(f"unit {name}", status == "ok  ",
                        block.group(1) if block and status != "ok  " else "")
        if r.returncode and not any(s == "FAIL" for s, _ in lines):
            results.add("unit tests binary", False, tail(r.stdout + r.stderr))
    # Fuzz targets, each one test, two at a time: before the guest tests,
    # whose TCG boots they would slow down.
    fuzz_names = [n for n in fuzz_runner.names() if wanted(f"fuzz {n}")]
    with concurrent.futures.ThreadPoolExecutor(max(1, min(2, args.j))) as pool:
        runs = {n: pool.submit(fuzz_runner.run_one, build, n, FUZZ_SECONDS,
                               fresh=True)
                for n in fuzz_names}
        for n in fuzz_names:
            ok, execs, detail = runs[n].result()
            print(f"fuzz {n}: {execs} executions in {FUZZ_SECONDS} s",
                  flush=True)
            results.add(f"fuzz {n}", ok, detail)

    jobs = []
    # 2. Warning-free builds: the suite's own tree (gcc), and clang's.
    if not args.skip_builds:
        for cc in ("gcc", "clang"):
            if wanted(f"build-{cc}"):
                jobs.append((f"build-{cc}", cli_checks.warning_free_build, (ROOT, build, cc)))
    # 3. Guest tests.
    ktest = os.path.join(build, "tests", "ktest.elf")
    if wanted("ktest"):
        for cfg in matrix:
            jobs.append(("ktest", run_ktest, (ktest, cfg, results)))

    def add_test_file(d, label, elf, spec):
        """Jobs for the cases of TEST file (spec) that fit the matrix."""
        for case in parse_test_file(spec):
            # configs: quick means the quick three in a full run too.
            for cfg in (FULL if case["configs"] == "all" and not args.quick else QUICK):
                if (cfg[1] >= case["min_smp"] and cfg[2] >= case["min_mem"]
                        and cfg[0] in case["machines"]
                        and wanted(f"{d}.{case['name']}")):
                    jobs.append((d, run_sys_case, (label, elf, case, cfg, results)))

    sysdirs = sorted(d for d in os.listdir(os.path.join(ROOT, "tests", "sys"))
                     if d.startswith("test_"))
    for d in sysdirs:
        spec = os.path.join(ROOT, "tests", "sys", d, "TEST")
        if not os.path.exists(spec):
            continue
        add_test_file(d, d, os.path.join(build, "tests", f"{d}.elf"), spec)
    # An example with a TEST file of its own is run by it, like the above.
    with_test = set()
    for ex in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        spec = os.path.join(ROOT, "examples", ex, "TEST")
        if os.path.exists(spec):
            with_test.add(ex)
            add_test_file(ex, f"example {ex}",
                          os.path.join(build, f"{ex}.elf"), spec)
    # Ported programs: tests/ports/NAME/TEST runs build/ports/NAME.elf.
    portdir = os.path.join(ROOT, "tests", "ports")
    for port in sorted(os.listdir(portdir)):
        spec = os.path.join(portdir, port, "TEST")
        if os.path.exists(spec):
            add_test_file(f"port_{port}", f"port {port}",
                          os.path.join(build, "ports", f"{port}.elf"), spec)
    for cfg in (FULL if not args.quick else matrix):
        for ex, case in example_cases(cfg[1]).items():
            elf = os.path.join(build, f"{ex}.elf")
            if ex not in with_test and wanted(f"{ex}.{case['name']}"):
                jobs.append((ex, run_sys_case, (f"example {ex}", elf, case, cfg,
                                                results)))
    # The C library's differential suite: each program of tests/libc
    # against its build for the host's musl (tests/libc/suite.py).
    jobs += libc_suite.jobs(build, wanted, boot, results)
    # 4. The toro command.
    for name, fn in cli_checks.CHECKS:
        if wanted(name):
            jobs.append((name, cli_checks.run_check, (name, fn, build, results)))

    took = []   # (seconds, job) of every job, to show the slowest

    def timed(label, fn, *fargs):
        start = time.monotonic()
        try:
            return fn(*fargs)
        finally:
            took.append((time.monotonic() - start, label))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        futures = []
        for name, fn, fargs in jobs:
            label = job_label(name, fargs)
            if fn is cli_checks.warning_free_build:
                futures.append(pool.submit(
                    timed, label, lambda n=name, f=fn, a=fargs:
                    results.add(n, *f(*a))))
            else:
                futures.append(pool.submit(timed, label, fn, *fargs))
        for f in concurrent.futures.as_completed(futures):
            f.result()

    elapsed = time.monotonic() - started
    show_slowest(took, build)
    if results.failed:
        print(f"\nFailed ({len(results.failed)}):")
        for name, _ in results.failed:
            print(f"  {name}")
    print(f"(ran in {elapsed:.0f} s)")
    print(f"{results.passed} passed, {len(results.failed)} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
