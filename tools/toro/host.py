# SPDX-License-Identifier: MIT
"""Facts about the host: can it run KVM for real, and its TSC frequency."""
import fcntl
import os
import subprocess

from .errors import NOT_FOUND, ToroError


def kvm_is_real():
    """True when /dev/kvm is hardware virtualisation we may use.

    Nested `kvm_pvm` (a paravirtual KVM that runs guests by emulating them
    instruction by instruction, and fails on SSE) is present on some cloud
    machines: it looks like KVM but is slower than TCG and breaks
    applications, so it does not count.
    """
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    if os.path.exists("/sys/module/kvm_pvm"):
        return False
    return any(os.path.exists(f"/sys/module/{m}") for m in ("kvm_intel", "kvm_amd"))


def choose_accel(requested):
    if requested == "auto":
        return "kvm" if kvm_is_real() else "tcg"
    if requested == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        raise ToroError("--accel kvm: /dev/kvm is not available")
    return requested


def tsc_khz(root, build):
    """The host TSC frequency in kHz, measured once per host boot."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
    except OSError:
        boot = "unknown"
    cache = os.path.join(build, "host", f"tsc_khz.{boot}")
    try:
        with open(cache) as f:
            return int(f.read())
    except (OSError, ValueError):
        pass
    # Several `toro run`s may start at once on a fresh build directory:
    # one builds and measures, the others wait for its answer.
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(cache) as f:
                return int(f.read())
        except (OSError, ValueError):
            pass
        khz = _measure_tsc_khz(root, build)
        with open(cache + ".tmp", "w") as f:
            f.write(str(khz))
        os.replace(cache + ".tmp", cache)
    return khz


def _measure_tsc_khz(root, build):
    tool = os.path.join(build, "host", "tsc_khz")
    if not os.path.exists(tool):
        r = subprocess.run(["make", "-s", "-C", root, f"BUILD={build}", tool],
                           capture_output=True, text=True)
        if r.returncode:
            raise ToroError(f"cannot build {tool}: {r.stderr.strip()}", NOT_FOUND)
    return int(subprocess.run([tool], capture_output=True, text=True,
                              check=True).stdout)
