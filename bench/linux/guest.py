# SPDX-License-Identifier: MIT
"""The Linux guest of the benchmarks, from Python: build it with
bench/linux/build_guest.sh and boot it on QEMU with the flags `toro run`
gives Toro (same machine types, TCG, -nodefaults), so that the two run side
by side on equal terms.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from toro import host  # noqa: E402

QEMU = "qemu-system-x86_64"

# quiet: the console is the benchmark's output channel.
# tsc=reliable: under TCG Linux finds the vCPUs' TSCs "unsynchronized" and,
# on microvm (no HPET, no PM timer), falls back to jiffies as its clock:
# CLOCK_MONOTONIC would step in 4 ms. Toro trusts the TSC on every CPU too.
APPEND = "console=ttyS0 quiet tsc=reliable"


def host_tsc_khz():
    """The host TSC rate, which the TCG guest's TSC runs at. Passed as
    tsc_early_khz= (as `toro run` passes toro.tsc_khz=): Linux's own PIT
    calibration fails now and then on a loaded host, and on microvm it then
    has no clock at all and hangs early in boot."""
    return host.tsc_khz(ROOT, os.path.join(ROOT, "build"))


def build(out_dir, init_script, files=(), modules=()):
    """Build vmlinuz + initramfs.cpio.gz in out_dir. files: "SRC[:DEST]"."""
    cmd = [os.path.join(HERE, "build_guest.sh")]
    for m in modules:
        cmd += ["-m", m]
    cmd += [out_dir, init_script] + list(files)
    subprocess.run(cmd, check=True)


def kernel_release(out_dir):
    with open(os.path.join(out_dir, "kernel-release")) as f:
        return f.read().strip()


def qemu_command(out_dir, smp=2, mem=256, machine="microvm", args=(),
                 append="", qemu_args=(), tsc_khz=None, machine_opts=()):
    """QEMU command line booting the guest in out_dir; args go to the guest's
    script (the words after "--" on the kernel command line); machine_opts
    are added to -M (e.g. memory-backend=ID)."""
    khz = tsc_khz or host_tsc_khz()
    cmd = [QEMU]
    more = "".join("," + o for o in machine_opts)
    if machine == "microvm":
        # ACPI on: Debian's virtio_mmio takes its devices from ACPI (it is
        # built without virtio_mmio.device= command-line support).
        cmd += ["-M", "microvm,acpi=on" + more,
                "-global", "virtio-mmio.force-legacy=false"]
    elif machine == "q35":
        cmd += ["-M", "q35" + more]
    else:
        raise ValueError(f"machine {machine}: use microvm or q35")
    line = " ".join(w for w in (APPEND, f"tsc_early_khz={khz}", append) if w)
    if args:
        line += " -- " + " ".join(args)
    cmd += ["-accel", "tcg", "-cpu", "max", "-smp", str(smp), "-m", str(mem),
            "-nodefaults", "-no-user-config", "-display", "none",
            "-monitor", "none", "-no-reboot", "-serial", "stdio",
            "-kernel", os.path.join(out_dir, "vmlinuz"),
            "-initrd", os.path.join(out_dir, "initramfs.cpio.gz"),
            "-append", line]
    return cmd + list(qemu_args)


def run(out_dir, timeout=120, **kw):
    """Boot once until the guest powers off; return (seconds, console text,
    QEMU status), or (None, text so far, "timeout")."""
    cmd = qemu_command(out_dir, **kw)
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode(errors="replace"), "timeout"
    out = r.stdout.decode(errors="replace").replace("\r\n", "\n")
    return time.perf_counter() - start, out, r.returncode


def guest_status(out):
    """The guest script's exit status from "GUEST-EXIT N", or None."""
    for line in out.splitlines():
        if line.startswith("GUEST-EXIT "):
            return int(line.split()[1])
    return None
