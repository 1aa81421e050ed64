# SPDX-License-Identifier: MIT
"""Checks of `toro debug`, `toro run --trace` and the boot breakdown
(toro.boottime), run by run.py with the checks of cli_checks.py.

Each check is a function taking the build directory and returning
(ok, detail), running the real command as a user would.
"""
import os
import re
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORO = os.path.join(ROOT, "toro")


def toro(*args, timeout=300):
    r = subprocess.run([TORO, *args], capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr


# --- toro debug ------------------------------------------------------------

def parse_threads(text):
    """toro-threads output -> {cpu: [{id, state, name, frames}]}."""
    cpus, cur, thread = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^CPU (\d+) \(APIC id \d+", line)
        if m:
            cur = cpus.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"^  (thread (\d+)|idle)\s+(\S+)\s+(\S+)$", line)
        if m and cur is not None:
            thread = {"id": int(m.group(2)) if m.group(2) else "idle",
                      "state": m.group(3), "name": m.group(4), "frames": []}
            cur.append(thread)
            continue
        m = re.match(r"^    #\d+ 0x[0-9a-f]+ in (\S+) \(\)", line)
        if m and thread is not None:
            thread["frames"].append(m.group(1))
    return cpus


def thread_problems(cpus, ids):
    """What is wrong with the listing of test_debug's threads; ids are
    (main, parked_worker, busy_worker, cpu0_worker): main by its name,
    the others from the app's workers[]."""
    main_id, parked, busy, cpu0 = ids
    want = {  # id: (cpu, state, name, functions its stack must show)
        main_id: (0, "running", "main_thread", ["debug_stop_here", "main"]),
        # A parked thread's stack starts where it switched away.
        cpu0: (0, "blocked", "cpu0_worker", [
            "switch_to", "sema_wait_until", "wait_for_go", "cpu0_worker",
            "thread_trampoline"]),
        parked: (1, "blocked", "parked_worker", [
            "switch_to", "wait_for_go", "parked_worker"]),
        busy: (1, "running", "busy_worker", ["spin_until_released",
                                             "busy_worker"]),
    }
    problems = []
    if sorted(cpus) != [0, 1]:
        problems.append(f"CPUs listed: {sorted(cpus)}")
    for tid, (cpu, state, name, funcs) in want.items():
        found = [(c, t) for c, ts in cpus.items() for t in ts if t["id"] == tid]
        if len(found) != 1:
            problems.append(f"thread {tid} listed {len(found)} times")
            continue
        c, t = found[0]
        if (c, t["state"], t["name"]) != (cpu, state, name):
            problems.append(f"thread {tid}: CPU {c} {t['state']} {t['name']}, "
                            f"want CPU {cpu} {state} {name}")
        at = [t["frames"].index(f) if f in t["frames"] else -1 for f in funcs]
        if (-1 in at or at != sorted(at)
                or (state == "blocked" and at[0] != 0)):
            problems.append(f"thread {tid}: stack {t['frames']} lacks "
                            f"{funcs} in that order")
    for c, ts in cpus.items():
        idle = [t for t in ts if t["id"] == "idle"]
        if len(idle) != 1 or idle[0]["state"] != "idle":
            problems.append(f"CPU {c}: idle thread {idle}")
        if sum(t["state"] == "running" for t in ts) != 1:
            problems.append(f"CPU {c}: not one running thread")
    return problems


def check_debug_threads(build):
    """toro debug in batch mode stops test_debug at debug_stop_here(); the
    thread listing shows its threads on their CPUs, states and stacks."""
    with tempfile.NamedTemporaryFile("w", suffix=".gdb") as script:
        script.write('printf "workers %lu %lu %lu\\n", workers[0]->id, '
                     'workers[1]->id, workers[2]->id\n'
                     'toro-threads\n')
        script.flush()
        rc, out, err = toro("debug", f"{build}/tests/test_debug.elf", "--smp",
                            "2", "--break", "debug_stop_here", "--gdb-batch",
                            script.name, "--timeout", "240")
    detail = f"exit {rc}, stdout:\n{out}\nstderr:\n{err}"
    # The guest's console shares stdout with gdb: only gdb's lines count.
    m = re.search(r"^workers (\d+) (\d+) (\d+)$", out, re.M)
    if rc != 0 or not m or "hit Temporary breakpoint" not in out:
        return False, detail
    cpus = parse_threads(out)
    main = [t["id"] for t in cpus.get(0, []) if t["name"] == "main_thread"]
    ids = main[:1] + [int(g) for g in m.groups()]
    problems = thread_problems(cpus, ids) if main else ["no main thread"]
    return not problems, "; ".join(problems) + "\n" + detail


def check_debug_errors(build):
    """Bad debug flags: one `toro:` line and the usual exit codes, nothing
    started."""
    elf = f"{build}/tests/test_debug.elf"
    cases = [(("debug", elf, "--gdb-batch", "/nonexistent.gdb"), 2,
              "--gdb-batch /nonexistent.gdb: no such file"),
             (("debug", elf, "--gdb", "/nonexistent/gdb"), 127,
              "/nonexistent/gdb not found"),
             (("debug", elf, "--break", "a b"), 2, "expected a symbol"),
             (("debug", "/nonexistent.elf"), 2, "no such file")]
    bad = []
    for args, want_rc, text in cases:
        rc, out, err = toro(*args, timeout=60)
        lines = err.strip().splitlines()
        if rc != want_rc or len(lines) != 1 or text not in lines[0]:
            bad.append(f"{args}: exit {rc} (want {want_rc}) {err!r}")
    return not bad, "; ".join(bad)


def check_debug_dry_run(build):
    """--dry-run shows the gdb command: symbols, our script, the stub."""
    rc, out, err = toro("debug", f"{build}/tests/test_debug.elf", "--dry-run")
    ok = (rc == 0 and re.search(r"-gdb tcp:127\.0\.0\.1:\d+\b", out)
          and " -S " in out and "tools/gdb/toro.py" in out
          and "thbreak main" in out)
    return bool(ok), f"exit {rc} {out!r} {err!r}"


# --- toro run --trace --------------------------------------------------------

def check_trace(build):
    """QEMU's virtio-mmio events of a test_blk boot land in the file named
    on stderr; a pattern that matches nothing is an error."""
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        path = os.path.join(tmp, "t.log")
        rc, out, err = toro("run", f"{build}/tests/test_blk.elf", "--disk", disk,
                            "--trace", "virtio_mmio_*", "--trace-file", path,
                            "--accel", "tcg", "--timeout", "120")
        events = open(path).read() if os.path.exists(path) else ""
    counts = {}
    for line in events.splitlines():
        counts[line.split(" ")[0]] = counts.get(line.split(" ")[0], 0) + 1
    ok = (rc == 0 and "disks: 1" in out and f"go to {path}" in err
          and counts.get("virtio_mmio_read", 0) > 0
          and counts.get("virtio_mmio_write_offset", 0) > 0
          and all(k.startswith("virtio_mmio_") for k in counts))
    detail = f"exit {rc}, events {counts}, stderr {err!r}"
    rc2, _, err2 = toro("run", f"{build}/hello.elf", "--trace", "no_such_event*")
    if rc2 != 2 or "matches no trace event" not in err2:
        ok, detail = False, f"{detail}; bad pattern: exit {rc2} {err2!r}"
    return ok, detail


# --- boot breakdown --------------------------------------------------------

BOOT_LINE = re.compile(r"^toro: boot: (.+?)\s+(\d+) us \(\+(\d+)\)$")
# The boot CPU's steps, in the order kernel_start() takes them.
BOOT_STEPS = ["entry", "command line", "paging", "page allocator",
              "ACPI/MP tables", "local APIC", "clocks", "APs started",
              "devices", "main"]


def boot_problems(out, smp, init_calls=()):
    steps = [(m.group(1), int(m.group(2)), int(m.group(3)))
             for m in map(BOOT_LINE.match, out.splitlines()) if m]
    names = [s[0] for s in steps]
    problems = []
    order = [n for n in names if n in BOOT_STEPS or n in init_calls]
    want = BOOT_STEPS[:-2] + list(init_calls) + BOOT_STEPS[-2:]
    if order != want:
        problems.append(f"steps {order}, want {want}")
    aps = [n for n in names if n.startswith("AP up, APIC id ")]
    if len(aps) != smp - 1 or len(set(aps)) != len(aps):
        problems.append(f"AP lines {aps} for {smp} CPUs")
    for n in aps:   # an AP comes up after the boot CPU started it
        if "clocks" in names and names.index(n) < names.index("clocks"):
            problems.append(f"{n} before clocks")
    prev = 0
    for name, at, delta in steps:
        if at < prev or abs((at - prev) - delta) > 1:
            problems.append(f"{name}: {at} us (+{delta}) after {prev} us")
        prev = at
    m = re.search(r"^toro: boot: entry to main (\d+) us", out, re.M)
    main = [s for s in steps if s[0] == "main"]
    if not m or not main or abs(int(m.group(1)) - main[0][1]) > 1:
        problems.append("no 'entry to main' total matching the main step")
    elif not 0 < main[0][1] < 60_000_000:
        problems.append(f"entry to main {main[0][1]} us")
    return problems


def check_boottime(build):
    """toro.boottime: every step in order, one line per AP, times that add
    up; a line per init call when the app has devices; nothing without
    the option."""
    problems = []
    for smp in (1, 4):
        rc, out, err = toro("run", f"{build}/hello.elf", "--smp", str(smp),
                            "--append", "toro.boottime", "--accel", "tcg",
                            "--timeout", "120")
        if rc != 0:
            problems.append(f"smp {smp}: exit {rc} {err!r}")
        problems += [f"smp {smp}: {p}" for p in boot_problems(out, smp)]
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        rc, out, err = toro("run", f"{build}/tests/test_blk.elf", "--smp", "2",
                            "--disk", disk, "--append", "toro.boottime",
                            "--accel", "tcg", "--timeout", "120")
    problems += [f"blk: {p}" for p in
                 boot_problems(out, 2, ("virtio_scan", "virtio_probe_all"))]
    rc, out, err = toro("run", f"{build}/hello.elf", "--accel", "tcg",
                        "--timeout", "120")
    if rc != 0 or "toro: boot:" in out:
        problems.append(f"without the option: exit {rc} {out!r}")
    return not problems, "; ".join(problems)


CHECKS = [(f"cli {fn.__name__[6:]}", fn) for fn in (
    check_debug_threads, check_debug_errors, check_debug_dry_run,
    check_trace, check_boottime)]


if __name__ == "__main__":     # python3 tests/debug_checks.py BUILD [NAME]
    import sys
    for name, fn in CHECKS:
        if len(sys.argv) < 3 or sys.argv[2] in name:
            start = time.monotonic()
            ok, detail = fn(os.path.abspath(sys.argv[1]))
            print(f"{'ok  ' if ok else 'FAIL'} {name} "
                  f"({time.monotonic() - start:.0f} s)")
            if not ok:
                print("    " + detail.replace("\n", "\n    "))
