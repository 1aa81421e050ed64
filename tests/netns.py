# SPDX-License-Identifier: MIT
"""A network namespace of our own with a tap device, for guests on a tap
(which offers the offloads and the scale QEMU's user network does not).

The namespace holds tap0 at 10.9.0.1/24 and fd00:9::1/64 (the guest takes
10.9.0.2 and fd00:9::2 statically) and is deleted afterwards whatever
happens: nothing outside it is touched. Needs root.
"""
import os
import subprocess

GUEST, HOST, TAP = "10.9.0.2", "10.9.0.1", "tap0"
GUEST6, HOST6 = "fd00:9::2", "fd00:9::1"
# The kernel options that give the guest its address on the tap.
GUEST_APPEND = f"ip={GUEST}/24 gw={HOST}"


def run_in_namespace(argv, timeout, name="toro", multi_queue=False,
                     **run_args):
    """Runs (argv) inside a fresh namespace with tap0 (multi_queue: one
    QEMU can open several times, for virtio-net multi-queue); returns its
    exit status. run_args go to subprocess.run (stdout=...)."""
    ns = f"{name}{os.getpid()}"
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        ip = ["ip", "netns", "exec", ns, "ip"]
        for cmd in (["link", "set", "lo", "up"],
                    ["tuntap", "add", "dev", TAP, "mode", "tap"] +
                    (["multi_queue"] if multi_queue else []),
                    ["addr", "add", f"{HOST}/24", "dev", TAP],
                    # Usable at once, not after duplicate detection.
                    ["-6", "addr", "add", f"{HOST6}/64", "dev", TAP,
                     "nodad"],
                    ["link", "set", TAP, "up"]):
            subprocess.run(ip + cmd, check=True)
        return subprocess.run(["ip", "netns", "exec", ns, *argv],
                              timeout=timeout, **run_args).returncode
    finally:
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
