#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run every Toro test and end with one line: "N passed, N failed".

  1. host unit tests (build/unit/unit_tests, ASan + UBSan);
  2. build checks: gcc and clang builds without a single warning;
  3. guest tests, booted with `toro run` under TCG across the matrix of
     machines (microvm with and without ACPI, q35), CPU counts (1, 2, 4)
     and memory sizes (4 MiB, 1 GiB):
       - build/tests/ktest.elf, the in-guest test cases of tests/kernel/,
         each case counted on its own;
       - tests/sys/test_*/, small applications whose expected exit status
         and console lines are in their TEST file;
       - examples/, each checked for its expected output;
  4. checks of the toro command itself (tests/cli_checks.py).

Usage: tests/run.py [--quick] [-j N] [-k SUBSTRING] [--build DIR]
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import cli_checks  # noqa: E402

MACHINES = {
    "microvm": ["--machine", "microvm"],
    "microvm-noacpi": ["--machine", "microvm", "--no-acpi"],
    "q35": ["--machine", "q35"],
}
FULL = [(m, smp, mem) for m in MACHINES for smp in (1, 2, 4) for mem in (4, 1024)]
QUICK = [("microvm", 2, 128), ("microvm-noacpi", 1, 4), ("q35", 4, 1024)]
BOOT_TIMEOUT = 120      # seconds per boot; TCG on a shared machine is slow


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


def boot(elf, cfg, args=(), env=(), timeout=BOOT_TIMEOUT):
    m, smp, mem = cfg
    cmd = [os.path.join(ROOT, "toro"), "run", elf, *MACHINES[m], "--smp",
           str(smp), "--mem", str(mem), "--accel", "tcg", "--timeout",
           str(timeout), "-e", f"TEST_NCPUS={smp}"]
    for e in env:
        cmd += ["-e", e]
    cmd += ["--", *args]
    start = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    return r.returncode, r.stdout + r.stderr, time.monotonic() - start


def tail(text, n=25):
    return "\n".join(text.rstrip().splitlines()[-n:])


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
                cur = {"name": m.group(1), "expect": [], "reject": [], "env": [],
                       "args": [], "exit": 0, "configs": "quick", "min_smp": 1,
                       "machines": list(MACHINES), "expect_count": []}
                cases.append(cur)
                continue
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep or cur is None:
                raise SystemExit(f"{path}:{lineno}: expected [case] or key: value")
            if key in ("expect", "reject", "env", "expect_count"):
                cur[key].append(value)
            elif key == "machines":
                cur["machines"] = value.split()
            elif key == "args":
                cur["args"] = shlex.split(value)
            elif key in ("exit", "min_smp"):
                cur[key] = int(value)
            elif key == "configs":
                cur["configs"] = value
            else:
                raise SystemExit(f"{path}:{lineno}: unknown key {key!r}")
    return cases


def run_sys_case(name, elf, case, cfg, results):
    code, out, _ = boot(elf, cfg, case["args"], case["env"])
    problems = []
    if code != case["exit"]:
        problems.append(f"exit status {code}, expected {case['exit']}")
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
    detail = "\n".join(problems) + ("\n--- output:\n" + tail(out) if problems else "")
    results.add(f"{name}.{case['name']} [{config_name(cfg)}]", not problems, detail)


def example_cases(smp):
    """What each example must print with (smp) CPUs (examples have no TEST
    file of their own)."""
    common = {"name": "output", "args": [], "env": [], "exit": 0, "reject": [],
              "configs": "all", "min_smp": 1, "machines": list(MACHINES)}
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

    jobs = []
    # 2. Warning-free builds with both compilers.
    if not args.skip_builds:
        for cc in ("gcc", "clang"):
            if wanted(f"build-{cc}"):
                jobs.append((f"build-{cc}", cli_checks.warning_free_build, (ROOT, build, cc)))
    # 3. Guest tests.
    ktest = os.path.join(build, "tests", "ktest.elf")
    if wanted("ktest"):
        for cfg in matrix:
            jobs.append(("ktest", run_ktest, (ktest, cfg, results)))
    sysdirs = sorted(d for d in os.listdir(os.path.join(ROOT, "tests", "sys"))
                     if d.startswith("test_"))
    for d in sysdirs:
        spec = os.path.join(ROOT, "tests", "sys", d, "TEST")
        if not os.path.exists(spec):
            continue
        elf = os.path.join(build, "tests", f"{d}.elf")
        for case in parse_test_file(spec):
            for cfg in (FULL if case["configs"] == "all" and not args.quick else matrix):
                if (cfg[1] >= case["min_smp"] and cfg[0] in case["machines"]
                        and wanted(f"{d}.{case['name']}")):
                    jobs.append((d, run_sys_case, (d, elf, case, cfg, results)))
    for cfg in (FULL if not args.quick else matrix):
        for ex, case in example_cases(cfg[1]).items():
            elf = os.path.join(build, f"{ex}.elf")
            if wanted(f"{ex}.{case['name']}"):
                jobs.append((ex, run_sys_case, (f"example {ex}", elf, case, cfg,
                                                results)))
    # 4. The toro command.
    for name, fn in cli_checks.CHECKS:
        if wanted(name):
            jobs.append((name, cli_checks.run_check, (name, fn, build, results)))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as pool:
        futures = []
        for name, fn, fargs in jobs:
            if fn is cli_checks.warning_free_build:
                futures.append(pool.submit(lambda n=name, f=fn, a=fargs:
                                           results.add(n, *f(*a))))
            else:
                futures.append(pool.submit(fn, *fargs))
        for f in concurrent.futures.as_completed(futures):
            f.result()

    elapsed = time.monotonic() - started
    if results.failed:
        print(f"\nFailed ({len(results.failed)}):")
        for name, _ in results.failed:
            print(f"  {name}")
    print(f"(ran in {elapsed:.0f} s)")
    print(f"{results.passed} passed, {len(results.failed)} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
