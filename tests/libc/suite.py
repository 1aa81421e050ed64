# SPDX-License-Identifier: MIT
"""tests/libc's runner, called by tests/run.py (see tests/libc/check.h).

For each group (a directory of tests/libc), in one job: run the host
binary (Debian's musl) and boot the guest image, each running the group's
programs one after the other; split both outputs at the driver's BEGIN/END
lines and count each program as one test, `libc GROUP.NAME`, that passes
when the host ran it with status 0 and the guest printed the same bytes
and ended with the same status. A program that crashes, hangs or exits
takes its run down with it: it is reported with what it printed and the
programs after it run again in a new run. Programs whose source holds
`// run: solo` get a run of their own, where their exit status is the
process's.
"""
import difflib
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# Groups that also run with / a fresh virtio-fs directory (the host's file
# system behind it) besides the default tmpfs.
VIRTIOFS_GROUPS = {"files"}
CONFIG = ("microvm", 2, 128)
# Seconds for a run: the slowest group takes ~10 s under TCG; a program
# that hangs costs this much.
HOST_TIMEOUT = GUEST_TIMEOUT = 60
SOLO = re.compile(r"^// run: solo$", re.M)
MARK = re.compile(r"^=== (BEGIN|END) (\w+)(?: (-?\d+))?$", re.M)


def groups():
    return sorted(d for d in os.listdir(HERE)
                  if os.path.isdir(os.path.join(HERE, d))
                  and not d.startswith((".", "_")))


def programs(group):
    """[(name, solo)] in the driver's order (sorted file names)."""
    d = os.path.join(HERE, group)
    out = []
    for f in sorted(os.listdir(d)):
        if f.endswith(".c"):
            with open(os.path.join(d, f)) as src:
                out.append((f[:-2], bool(SOLO.search(src.read()))))
    return out


def split(out):
    """The programs a run's output shows: [(name, status or None, text)],
    status None when the program began and never ended."""
    found, cur, start = [], None, 0
    for m in MARK.finditer(out):
        kind, name = m.group(1), m.group(2)
        if kind == "BEGIN":
            if cur:
                found.append((cur, None, out[start:m.start()]))
            cur, start = name, m.end() + 1
        elif cur == name:
            found.append((name, int(m.group(3)), out[start:m.start()]))
            cur = None
    if cur:
        found.append((cur, None, out[start:]))
    return found


def run_side(start, names, solo):
    """Run (names) through start(args) -> (exit code, output), again after
    each program that ends its run; return {name: (status, text)} where
    status is an int, or a string saying why the program did not end."""
    res = {}
    queue = [n for n in names if n not in solo]
    while queue:
        code, out = start(queue)
        seen = split(out)
        if not seen or seen[0][0] != queue[0]:
            res[queue[0]] = (f"the run never started it (exit status "
                             f"{code})", out[-2000:])
            queue = queue[1:]
            continue
        for name, status, text in seen:
            if status is None:
                res[name] = (f"did not end: exit status {code}", text)
            else:
                res[name] = (status, text)
        done = {name for name, _, _ in seen}
        queue = [n for n in queue if n not in done]
    for name in solo:
        code, out = start([name])
        seen = [s for s in split(out) if s[0] == name]
        if not seen:
            res[name] = (f"the run never started it (exit status {code})",
                         out[-2000:])
        else:
            _, status, text = seen[0]
            res[name] = (code if status is None else status, text)
    return res


def host_start(binary, group):
    def start(args):
        with tempfile.TemporaryDirectory(prefix="toro-libc-") as tmp:
            try:
                r = subprocess.run([f"libc_{group}", *args], executable=binary,
                                   cwd=tmp, env={}, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   errors="replace", timeout=HOST_TIMEOUT)
                return r.returncode, r.stdout
            except subprocess.TimeoutExpired as e:
                out = e.stdout or ""
                if isinstance(out, bytes):
                    out = out.decode(errors="replace")
                return f"timeout {HOST_TIMEOUT} s", out
    return start


def guest_start(boot, elf, variant):
    def start(args):
        with tempfile.TemporaryDirectory(prefix="toro-libc-") as tmp:
            extra = []
            if variant == "virtiofs":
                fs = os.path.join(tmp, "fs")
                os.mkdir(fs)
                extra = ["--fs", fs]
            code, out, _ = boot(elf, CONFIG, args, extra=extra,
                                timeout=GUEST_TIMEOUT)
            return code, out
    return start


def compare(host, guest, solo):
    """None if the program passed, else what went wrong. A solo program's
    status is its process's, whatever it is; any other must end with 0 on
    the host."""
    hstatus, htext = host
    gstatus, gtext = guest
    problems = []
    if not isinstance(hstatus, int) or (hstatus != 0 and not solo):
        problems.append(f"host: status {hstatus}")
    if gstatus != hstatus:
        problems.append(f"status: host {hstatus}, guest {gstatus}")
    if htext != gtext:
        diff = list(difflib.unified_diff(htext.splitlines(),
                                         gtext.splitlines(), "host", "guest",
                                         lineterm="", n=1))
        if len(diff) > 60:
            diff = diff[:60] + [f"... ({len(diff) - 60} more diff lines)"]
        problems.append("output differs:\n" + "\n".join(diff))
    elif problems and htext.strip():
        problems.append("output:\n" + "\n".join(htext.splitlines()[-20:]))
    return "\n".join(problems) or None


def run_group(build, group, variant, wanted_names, boot, results):
    progs = [(n, s) for n, s in programs(group) if n in wanted_names]
    names = [n for n, _ in progs]
    solo = [n for n, s in progs if s]
    suffix = "" if variant == "tmpfs" else f" [{variant}]"
    binary = os.path.join(build, "libc-tests", "host", f"libc_{group}")
    elf = os.path.join(build, "tests", f"libc_{group}.elf")
    for path in (binary, elf):
        if not os.path.exists(path):
            results.add(f"libc {group}{suffix}", False,
                        f"{path} is missing (make libc-tests)")
            return
    host = run_side(host_start(binary, group), names, solo)
    guest = run_side(guest_start(boot, elf, variant), names, solo)
    for name in names:
        why = compare(host[name], guest[name], name in solo)
        results.add(f"libc {group}.{name}{suffix}", why is None, why or "")


def jobs(build, wanted, boot, results):
    """(label, function, args) for tests/run.py's pool: one per group and
    file-system variant with a program whose name (libc GROUP.NAME) is
    wanted."""
    out = []
    for group in groups():
        for variant in ("tmpfs", "virtiofs") if group in VIRTIOFS_GROUPS \
                else ("tmpfs",):
            suffix = "" if variant == "tmpfs" else f" [{variant}]"
            names = {n for n, _ in programs(group)
                     if wanted(f"libc {group}.{n}{suffix}")}
            if names:
                out.append((f"libc {group}{suffix}", run_group,
                            (build, group, variant, names, boot, results)))
    return out
