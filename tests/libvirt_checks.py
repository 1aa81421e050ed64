# SPDX-License-Identifier: MIT
"""Checks of `toro libvirt` and `toro run --libvirt`, run by run.py with
the checks of cli_checks.py.

Each check is a function taking the build directory and returning
(ok, detail), running the real command as a user would.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORO = os.path.join(ROOT, "toro")
sys.path.insert(0, os.path.join(ROOT, "tests"))
import libvirtd  # noqa: E402

Q = "{http://libvirt.org/schemas/domain/qemu/1.0}"


def toro(*args, env=None, timeout=300):
    r = subprocess.run([TORO, *args], capture_output=True, text=True,
                       env=env, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def one_line_error(rc, err, want_rc, want_text):
    lines = err.strip().splitlines()
    ok = (rc == want_rc and len(lines) == 1 and lines[0].startswith("toro: ")
          and want_text in lines[0])
    return ok, f"exit {rc} (want {want_rc}), stderr: {err.strip()!r}"


def domain_problems(text, want):
    """What the domain XML (text) lacks of (want): a dict of expectations,
    see check_libvirt_xml."""
    d = ET.fromstring(text)
    problems = []

    def expect(ok, what):
        if not ok:
            problems.append(what)

    os_ = d.find("os")
    expect(d.get("type") == "qemu", "domain type qemu (TCG)")
    expect(os_.find("type").get("machine") == want["machine"], "machine")
    expect(os_.findtext("kernel") == want["kernel"], "<kernel>")
    expect(os_.findtext("cmdline", "").endswith(want["cmdline_end"]),
           "<cmdline> ends with the guest's arguments")
    expect((os_.find("initrd") is not None) == want.get("initrd", False),
           "<initrd> as --initrd")
    expect((d.find("features/acpi") is not None) == want.get("acpi", True),
           "<acpi/> unless --no-acpi")
    expect(d.findtext("memory") == str(want["mem"]), "<memory>")
    expect(d.findtext("vcpu") == str(want["smp"]), "<vcpu>")
    args = [a.get("value") for a in d.iter(f"{Q}arg")]
    expect("isa-debug-exit,iobase=0xf4,iosize=4" in args,
           "isa-debug-exit through <qemu:commandline>")
    serials = d.findall("devices/serial")
    expect(any(s.find("log") is not None and s.find("log").get("file")
               for s in serials), "a serial logged to a file")
    expect(any(s.find("target/model") is not None and
               s.find("target/model").get("name") == "isa-debugcon"
               for s in serials), "isa-debugcon to a file")
    fs = [f.find("source").get("dir") for f in d.findall("devices/filesystem")]
    expect(fs == want.get("fs", []), f"<filesystem> sources {fs}")
    expect((d.find("memoryBacking/access") is not None) == bool(fs),
           "shared memfd memory with virtio-fs only")
    disks = [x.find("source").get("file") for x in d.findall("devices/disk")]
    expect(disks == want.get("disks", []), f"<disk> sources {disks}")
    ro = [x.find("source").get("file") for x in d.findall("devices/disk")
          if x.find("readonly") is not None]
    expect(ro == want.get("read_only", []), f"<readonly/> disks {ro}")
    for path in want.get("nvme", []):
        expect(any(a.startswith(f"file={path},") for a in args) and
               any(a.startswith("nvme,drive=") for a in args),
               f"NVMe disk {path} through <qemu:commandline>")
    nets = [i.get("type") for i in d.findall("devices/interface")]
    expect(nets == want.get("nets", []), f"<interface> types {nets}")
    if "netdev" in want:
        expect(any(a.startswith(want["netdev"]) for a in args),
               f"{want['netdev']} in <qemu:commandline>")
    mmio = [a.get("type") for a in d.iter("address")]
    expect(all(t == ("virtio-mmio" if want["machine"] == "microvm" else "pci")
               for t in mmio), f"device addresses {mmio}")
    return problems


def check_libvirt_xml(build):
    """`toro libvirt` turns run options into the domain toro run's devices
    make (disks, virtio-fs with shared memory, each kind of network,
    --no-acpi, q35), and virt-xml-validate accepts each domain."""
    problems = []
    hello = os.path.join(build, "hello.elf")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        share = os.path.join(tmp, "share")
        os.mkdir(share)
        base = dict(kernel=hello, machine="microvm", mem=128, smp=2)
        cases = [
            ([], dict(base, cmdline_end="--")),
            (["--machine", "q35", "--smp", "3", "--mem", "64", "--disk", disk,
              "--fs", share, "--initrd", os.path.join(ROOT, "examples",
                                                      "webserver", "site"),
              "--net", "--", "a b"],
             dict(base, machine="q35", smp=3, mem=64, disks=[disk],
                  fs=[share], initrd=True, nets=["user"],
                  cmdline_end='-- "a b"')),
            (["--no-acpi", "--port", "18977:80", "--disk", disk],
             dict(base, acpi=False, disks=[disk], cmdline_end="--",
                  netdev="user,id=toro-net,hostfwd=tcp:127.0.0.1:18977-:80")),
            (["--machine", "q35", "--disk", disk + ",ro", "--disk",
              disk + ",if=nvme"],
             dict(base, machine="q35", disks=[disk], read_only=[disk],
                  nvme=[disk], cmdline_end="--")),
            (["--udp-link", "18978:18979", "--mac", "02:00:00:00:00:07"],
             dict(base, nets=["udp"], cmdline_end="--")),
        ]
        validate = shutil.which("virt-xml-validate")
        for flags, want in cases:
            rc, out, err = toro("libvirt", hello, "--accel", "tcg",
                                "--log-dir", tmp, *flags)
            if rc:
                problems.append(f"{flags}: exit {rc} {err!r}")
                continue
            bad = domain_problems(out, want)
            if bad:
                problems.append(f"{flags}: {bad}")
            if validate:
                path = os.path.join(tmp, "domain.xml")
                with open(path, "w") as f:
                    f.write(out)
                r = subprocess.run([validate, path, "domain"],
                                   capture_output=True, text=True, timeout=60)
                if r.returncode:
                    problems.append(f"{flags}: virt-xml-validate: "
                                    f"{(r.stdout + r.stderr).strip()}")
    note = "" if validate else " (virt-xml-validate missing: not validated)"
    return not problems, "; ".join(problems) + note


def check_libvirt_errors(build):
    """--libvirt without virsh, with a bad, remote or unreachable URI, and
    with the run options that have no libvirt form: one clear line each."""
    hello = os.path.join(build, "hello.elf")
    problems = []
    cases = [
        (["run", "--libvirt", hello], None, 2, "not a libvirt URI"),
        (["run", hello, "--libvirt=nonsense"], None, 2, "not a libvirt URI"),
        (["run", hello, "--libvirt=qemu+ssh://example.com/system"], None, 2,
         "remote host"),
        (["run", hello, "--accel", "tcg",
          "--libvirt=qemu:///system?socket=/nonexistent/libvirt-sock"], None,
         126, "cannot connect"),
        (["run", hello, "--libvirt", "--vsock-port", "18980:80"], None, 2,
         "--vsock: not with libvirt"),
        (["libvirt", hello, "--dry-run"], None, 2, "not with libvirt"),
        (["debug", hello, "--libvirt"], None, 2, "--libvirt"),
        (["profile", hello, "--libvirt"], None, 2, "not with `toro profile`"),
    ]
    with tempfile.TemporaryDirectory() as bindir:
        os.symlink(shutil.which("python3"), os.path.join(bindir, "python3"))
        cases.insert(0, (["run", hello, "--accel", "tcg", "--libvirt"],
                         dict(os.environ, PATH=bindir), 127,
                         "virsh not found (apt-get install libvirt-clients"))
        for args, env, want_rc, want_text in cases:
            rc, out, err = toro(*args, env=env, timeout=120)
            ok, detail = one_line_error(rc, err, want_rc, want_text)
            if not ok:
                problems.append(f"{args[0]} {args[2:]}: {detail}")
    return not problems, "; ".join(problems)


def check_libvirt_runs(build):
    """hello, test_args, the web server (forwarded port and multi_queue
    tap) and a --timeout through `toro run --libvirt` on a libvirtd of the
    test's own (tests/libvirt_guests.py, in a network namespace:
    tests/netns.py)."""
    why = libvirtd.missing()
    if why:
        print(f"SKIP cli libvirt_runs: {why}", flush=True)
        return True, f"skipped: {why}"
    from netns import run_in_namespace
    with tempfile.TemporaryFile("w+") as log:
        rc = run_in_namespace([sys.executable, os.path.join(
            ROOT, "tests", "libvirt_guests.py"), os.path.abspath(build)],
            timeout=900, name="torolv", multi_queue=True, stdout=log,
            stderr=log)
        log.seek(0)
        out = log.read()
    return rc == 0 and "FAIL" not in out, out[-3000:]


CHECKS = [(f"cli {fn.__name__[6:]}", fn) for fn in (
    check_libvirt_xml, check_libvirt_errors, check_libvirt_runs)]
