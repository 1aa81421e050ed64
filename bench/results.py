# SPDX-License-Identifier: MIT
"""Writes one benchmark's section of bench/RESULTS.md, with the machine."""
import datetime
import os
import platform
import re
import subprocess

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
HEADER = """# Benchmark results

Written by the scripts in bench/; each section says when, on what machine
and with which accelerator it was measured. Rerun a script to refresh its
section. Numbers are medians; the machines are shared, so compare ratios
measured in the same run rather than absolute times across runs.
"""


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    virt = " (itself a VM)" if "hypervisor" in open("/proc/cpuinfo").read() else ""
    return (f"{cpu}, {os.cpu_count()} cores{virt}, Linux {platform.release()}; "
            f"{qemu}; accelerator TCG (KVM here is nested kvm_pvm, not used)")


def update(key, title, body):
    text = open(PATH).read() if os.path.exists(PATH) else HEADER
    when = datetime.date.today().isoformat()
    section = (f"<!-- {key}:begin -->\n## {title}\n\n"
               f"Measured {when} on {machine()}.\n\n{body}<!-- {key}:end -->\n")
    pattern = re.compile(rf"<!-- {key}:begin -->.*?<!-- {key}:end -->\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(PATH, "w") as f:
        f.write(text)
