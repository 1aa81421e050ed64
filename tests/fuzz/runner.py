#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the libFuzzer targets of tests/fuzz/ for a bounded time each.

Each target runs on its corpus under BUILD/fuzz/corpus/NAME: the seeds and
regression inputs of tests/fuzz/corpus/NAME are copied in first (what
earlier runs found stays there), so the repository stays clean. The short
runs of `make test` start from the seeds alone, in BUILD/fuzz/fresh/NAME. libFuzzer
first runs every input of the corpus, so a regression input that crashes
again fails the target straight away. Findings (crash-*, leak-*,
timeout-*, oom-*) land in BUILD/fuzz/artifacts/NAME/; copy one into
tests/fuzz/corpus/NAME/ once its bug is fixed.

tests/run.py runs every target for a few seconds (`make test`);
`make fuzz` runs this script for long runs: runner.py --time SECONDS
[--jobs N] [NAME...].
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def names():
    """Every target, from the fuzz_NAME.c files."""
    here = os.path.join(ROOT, "tests", "fuzz")
    return sorted(f[len("fuzz_"):-2] for f in os.listdir(here)
                  if f.startswith("fuzz_") and f.endswith(".c"))


def run_one(build, name, seconds, fresh=False):
    """Fuzzes (name) for (seconds). Returns (ok, executions, detail).
    (fresh): start from the repository's corpus alone, in a corpus of
    its own, so that a short run does the same work every time rather
    than spend it replaying what long runs found."""
    binary = os.path.join(build, "fuzz", f"fuzz_{name}")
    corpus = os.path.join(build, "fuzz", "fresh" if fresh else "corpus",
                          name)
    artifacts = os.path.join(build, "fuzz", "artifacts", name)
    if not os.path.exists(binary):
        return False, 0, f"{binary} is missing (make fuzz-build)"
    if fresh:
        shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    seeds = os.path.join(CORPUS, name)
    if os.path.isdir(seeds):
        for f in os.listdir(seeds):
            shutil.copy(os.path.join(seeds, f), corpus)
    cmd = [binary, f"-max_total_time={seconds}", "-timeout=10",
           "-rss_limit_mb=2048", "-print_final_stats=1",
           f"-artifact_prefix={artifacts}/", corpus]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           errors="replace", timeout=seconds + 120, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return False, 0, f"fuzz_{name} did not stop after {seconds} s"
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", r.stderr)
    execs = int(m.group(1)) if m else 0
    if r.returncode == 0:
        return True, execs, ""
    # What went wrong, where in our code, and where the input was saved.
    keep = ("ERROR:", "runtime error", "fuzz check failed", "SUMMARY:",
            "Test unit written to", "panic:")
    lines = [line for line in r.stderr.splitlines()
             if any(k in line for k in keep)
             or (re.match(r"\s+#\d+ ", line) and f" {ROOT}/" in line)]
    return False, execs, "\n".join(lines[:20] or
                                   r.stderr.splitlines()[-20:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--time", type=int, default=600,
                    help="seconds per target")
    ap.add_argument("--jobs", type=int, default=2,
                    help="targets run at once")
    ap.add_argument("names", nargs="*", help="targets (default: all)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    chosen = args.names or names()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        runs = {n: pool.submit(run_one, build, n, args.time) for n in chosen}
        for n in chosen:
            ok, execs, detail = runs[n].result()
            print(f"{'ok  ' if ok else 'FAIL'} fuzz {n}: {execs} "
                  f"executions in {args.time} s", flush=True)
            if not ok:
                failed += 1
                print("    " + detail.replace("\n", "\n    "), flush=True)
    print(f"{len(chosen) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
