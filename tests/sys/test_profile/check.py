#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The profiler end to end, run by tests/run.py after the app's own boot.

First the host side's pure parts (tools/toro/profile_*.py) on made-up
input, then `toro profile` on this directory, whose main.c does 3 units of
the same work in profile_alpha() and 1 in profile_beta() on CPU 0, and 6 in
profile_beta() on CPU 1. The attribution is checked within a few percent
of those shares (a statistical tolerance over ~800 samples, about four
standard deviations; not a timing: the shares are of work, so a slow or
loaded host does not move them), and so are the CPUs, the symbolization
(function and file), the two dumps (on demand and at exit) adding up, the
folded stacks and the SVG.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)

TOLERANCE = 0.06


def fail(msg):
    print(f"check.py: {msg}", file=sys.stderr)
    sys.exit(1)


def definition_line(name):
    with open(os.path.join(HERE, "main.c")) as f:
        for i, line in enumerate(f, 1):
            if re.search(rf"\bvoid {name}\(", line):
                return i
    fail(f"{name} not in main.c")


def flat_rows(text, label):
    """{function: (self, total)} of one section of profile.txt."""
    m = re.search(rf"^== {label}: (\d+) samples.*\n.*\n((?:  .*\n)*)", text,
                  re.M)
    if not m:
        fail(f"no '{label}' section in profile.txt")
    rows = {}
    for line in m.group(2).splitlines():
        f = line.split()
        if len(f) >= 5 and f[0].endswith("%"):
            rows[f[4]] = (int(f[2]), int(f[3]), " ".join(f[5:]))
    return int(m.group(1)), rows


def main():
    suite = unittest.defaultTestLoader.loadTestsFromName("unit_tools")
    if not unittest.TextTestRunner(verbosity=0).run(suite).wasSuccessful():
        fail("unit tests of tools/toro/profile_*.py failed")

    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([os.path.join(ROOT, "toro"), "profile", "--smp",
                            "2", "--hz", "2000", "--out", out, HERE],
                           capture_output=True, text=True, timeout=300)
        if r.returncode:
            fail(f"toro profile: exit {r.returncode}\n{r.stderr}")
        if "profile-test done" not in r.stdout or "@tp" in r.stdout:
            fail("the app's output is not passed through cleanly:\n"
                 + r.stdout[:2000])
        for name in ("profile.txt", "stacks.folded", "flame.svg",
                     "samples.txt"):
            if not os.path.getsize(os.path.join(out, name)):
                fail(f"{name} missing or empty")
        text = open(os.path.join(out, "profile.txt")).read()
        raw = open(os.path.join(out, "samples.txt")).read()
        if raw.count("@tp-begin") != 2 or raw.count("@tp-end") != 2:
            fail("want two dumps: main()'s profile_dump() and exit's")
        if not re.search(r"dropped 0 .*damaged lines 0", text):
            fail("samples dropped or damaged:\n" + text)

        # Attribution: self samples of the two functions on each CPU.
        _, cpu0 = flat_rows(text, "cpu 0")
        n1, cpu1 = flat_rows(text, "cpu 1")
        a0 = cpu0.get("profile_alpha", (0, 0, ""))[0]
        b0 = cpu0.get("profile_beta", (0, 0, ""))[0]
        a1 = cpu1.get("profile_alpha", (0, 0, ""))[0]
        b1 = cpu1.get("profile_beta", (0, 0, ""))[0]
        if a0 + b0 < 150 or b1 < 150:
            fail(f"too few samples to judge: cpu0 {a0}+{b0}, cpu1 {b1}")
        share = a0 / (a0 + b0)
        if abs(share - 0.75) > TOLERANCE:
            fail(f"cpu 0: profile_alpha has {share:.1%} of alpha+beta, "
                 "want 75%\n" + text)
        # CPU 1 may finish first and idle: its busy samples are beta's.
        busy1 = n1 - cpu1.get("[idle]", (0, 0, ""))[0]
        if a1 or b1 / busy1 < 0.9:
            fail(f"cpu 1: alpha {a1}, beta {b1} of {busy1} busy samples: "
                 "want all beta\n" + text)
        # Halted idle CPUs show as [idle], never as the idle loop's code.
        for rows in (cpu0, cpu1):
            if rows.get("sched_idle_loop", (0,))[0] > 3:
                fail("idle time charged to sched_idle_loop\n" + text)

        # Symbolization: function and file:line of its definition.
        for name in ("profile_alpha", "profile_beta"):
            # The function's first line-table entry: its name, its brace or
            # its first statement, as the compiler chose.
            line = definition_line(name)
            m = re.fullmatch(r"\(tests/sys/test_profile/main\.c:(\d+)\)",
                             cpu0[name][2])
            if not m or not line <= int(m.group(1)) <= line + 3:
                fail(f"{name} located at {cpu0[name][2]!r}, want "
                     f"tests/sys/test_profile/main.c:{line}..{line + 3}")

        # Folded stacks: root first, main's calls under main.
        folded = open(os.path.join(out, "stacks.folded")).read()
        if not re.search(r"^\S*;main;profile_alpha \d+$", folded, re.M):
            fail("no ...;main;profile_alpha stack in stacks.folded")
        if not re.search(r"^\S*;on_cpu1;profile_beta \d+$", folded, re.M):
            fail("no ...;on_cpu1;profile_beta stack in stacks.folded")
        total = sum(int(l.rsplit(" ", 1)[1]) for l in folded.splitlines())
        m = re.match(r"toro profile: (\d+) samples", text)
        if not m or int(m.group(1)) != total:
            fail(f"folded stacks hold {total} samples, profile.txt says "
                 f"{m and m.group(1)}")

        svg = ET.parse(os.path.join(out, "flame.svg")).getroot()
        titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
        if not any(t.startswith("profile_alpha (") for t in titles):
            fail("flame.svg has no profile_alpha box")
    print(f"check.py: ok (cpu 0: alpha {share:.1%} of alpha+beta over "
          f"{a0 + b0} samples; cpu 1: beta {b1} of {busy1} busy)")


if __name__ == "__main__":
    main()
