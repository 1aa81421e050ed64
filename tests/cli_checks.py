# SPDX-License-Identifier: MIT
"""Checks of the `toro` command and of the images it builds, run by run.py.

Each check is a function taking the build directory and returning
(ok, detail). They run the real command as a user would.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORO = os.path.join(ROOT, "toro")


def toro(*args, env=None, cwd=None, timeout=300):
    start = time.monotonic()
    r = subprocess.run([TORO, *args], capture_output=True, text=True,
                       env=env, cwd=cwd, timeout=timeout)
    return r.returncode, r.stdout, r.stderr, time.monotonic() - start


def one_line_error(rc, out, err, want_rc, want_text):
    """The command failed with want_rc and said so in one `toro:` line."""
    lines = err.strip().splitlines()
    ok = (rc == want_rc and len(lines) == 1 and lines[0].startswith("toro: ")
          and want_text in lines[0])
    return ok, f"exit {rc} (want {want_rc}), stderr: {err.strip()!r}"


def check_unknown_flag(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "--bogus")[:3],
                          2, "--bogus")


def check_bad_number(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "--mem", "lots")[:3],
                          2, "lots")


def check_too_many_cpus(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "--smp", "65")[:3],
                          2, "64")


def check_bad_env(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "-e", "NOEQUALS")[:3],
                          2, "KEY=VALUE")


def check_missing_elf(build):
    return one_line_error(*toro("run", "/nonexistent/app.elf")[:3], 2, "no such file")


def check_not_pvh(build):
    # A real ELF, but a Linux program: no PVH entry note.
    return one_line_error(*toro("run", f"{build}/host/tsc_khz")[:3], 2,
                          "not a PVH kernel")


def check_missing_qemu(build):
    with tempfile.TemporaryDirectory() as bindir:
        os.symlink(shutil.which("python3"), os.path.join(bindir, "python3"))
        env = dict(os.environ, PATH=bindir)
        return one_line_error(*toro("run", f"{build}/hello.elf", env=env)[:3],
                              127, "qemu-system-x86_64 not found")


def check_timeout(build):
    rc, out, err, secs = toro("run", f"{build}/tests/test_spin.elf", "--timeout",
                              "3", "--accel", "tcg")
    ok, detail = one_line_error(rc, out, err, 124, "did not stop within 3 s")
    ok = ok and "spinning" in out and secs < 30
    return ok, f"{detail}, stdout {out!r}, took {secs:.1f} s"


def check_build_errors(build):
    problems = []
    with tempfile.TemporaryDirectory() as d:
        rc, _, err, _ = toro("build", d)
        if not (rc == 2 and "no .c files" in err):
            problems.append(f"empty dir: exit {rc}, {err.strip()!r}")
        rc, _, err, _ = toro("build", os.path.join(d, "missing"))
        if not (rc == 2 and "not a directory" in err):
            problems.append(f"missing dir: exit {rc}, {err.strip()!r}")
        with open(os.path.join(d, "bad.c"), "w") as f:
            f.write("int main(void) { return undeclared_thing; }\n")
        rc, _, err, _ = toro("build", d, "-o", os.path.join(d, "bad.elf"))
        if rc == 0 or "undeclared_thing" not in err or "toro: building" not in err:
            problems.append(f"compile error: exit {rc}, {err.strip()[-300:]!r}")
    return not problems, "; ".join(problems)


def nm(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1]: line.split()[0] for line in out.splitlines()
            if len(line.split()) == 3}


def check_build_output(build):
    """toro build -o writes a PVH ELF whose note is the 32-bit entry."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.elf")
        rc, stdout, err, _ = toro("build", os.path.join(ROOT, "examples/hello"), "-o", out)
        if rc or not os.path.exists(out):
            return False, f"exit {rc}: {err}"
        notes = subprocess.run(["readelf", "-n", out], capture_output=True,
                               text=True).stdout
        m = re.search(r"Xen\s+0x00000004\s+Unknown note type: \(0x00000012\)\s+"
                      r"description data: (\w\w) (\w\w) (\w\w) (\w\w)", notes)
        if not m:
            return False, "no Xen note of type 18:\n" + notes
        entry = int("".join(reversed(m.groups())), 16)
        start = int(nm(out).get("pvh_start", "0"), 16)
        return entry == start and entry < 1 << 32, f"note {entry:#x}, pvh_start {start:#x}"


def check_build_default_output(build):
    """Without -o, the ELF is build/<dirname>.elf under the current
    directory, or under $TORO_BUILD when that is set. (The program is
    hello under a name of its own, and $TORO_BUILD the suite's build
    directory, whose library is built: a new one would be built whole.)"""
    problems = []
    name = f"default-output-{os.getpid()}"
    with tempfile.TemporaryDirectory() as d:
        app = os.path.join(d, name)
        shutil.copytree(os.path.join(ROOT, "examples/hello"), app)
        env = {k: v for k, v in os.environ.items() if k != "TORO_BUILD"}
        out = os.path.join(build, f"{name}.elf")
        try:
            rc, _, err, _ = toro("build", app, cwd=d, env=env)
            if rc or not os.path.exists(os.path.join(d, "build",
                                                     f"{name}.elf")):
                problems.append(f"plain: exit {rc}: {err}")
            env["TORO_BUILD"] = build
            rc, _, err, _ = toro("build", app, cwd=d, env=env)
            if rc or not os.path.exists(out):
                problems.append(f"TORO_BUILD: exit {rc}: {err}")
        finally:
            # The image, and what the Makefile's app rule keeps of it in
            # both build directories (objects, link flags), each named
            # after a path that ends in the program's name.
            for b in {build, os.path.join(ROOT, "build")}:
                for pattern in (f"{name}.elf", f"app/*_{name}*",
                                f"app/link/*_{name}*"):
                    for left in glob.glob(os.path.join(b, pattern)):
                        if os.path.isdir(left):
                            shutil.rmtree(left, ignore_errors=True)
                        else:
                            os.remove(left)
    return not problems, "; ".join(problems)


IPV6_PROBE = r"""
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void)
{
	int s = socket(AF_INET6, SOCK_STREAM, 0);

	printf("AF_INET6: %s\n", s < 0 ? strerror(errno) : "ok");
	return 0;
}
"""


def check_build_ipv4_only(build):
    """`toro build --ipv4-only` (and `toro cc` with TORO_NET=ipv4) links
    the stack without IPv6: AF_INET6 sockets say EAFNOSUPPORT there and
    work in the default build, also when the two are built one after the
    other to the same output."""
    problems = []
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(IPV6_PROBE)
        elf = os.path.join(d, "probe.elf")
        for flags, want in (([], "AF_INET6: ok"),
                            (["--ipv4-only"], "AF_INET6: Address family "
                             "not supported by protocol"),
                            ([], "AF_INET6: ok")):
            rc, _, err, _ = toro("build", d, "-o", elf, *flags)
            if rc:
                problems.append(f"build {flags}: exit {rc}: {err[-300:]}")
                break
            rc, out, err, _ = toro("run", elf, "--accel", "tcg",
                                   "--timeout", "60")
            if rc or want not in out:
                problems.append(f"{flags}: exit {rc}, {out!r}")
        rc, _, err, _ = toro("build", os.path.join(ROOT, "examples/hello"),
                             "--ipv4-only", "-o", f"{build}/hello.elf")
        if rc != 2 or "give -o another name" not in err:
            problems.append(f"--ipv4-only onto a known image: exit {rc}, "
                            f"{err.strip()[-200:]!r}")
        # `toro cc` takes it from TORO_NET=ipv4.
        src = os.path.join(d, "main.c")
        for net, want in (("ipv4", "AF_INET6: Address family not "
                           "supported by protocol"), ("", "AF_INET6: ok")):
            env = dict(os.environ, TORO_NET=net)
            rc, _, err, _ = toro("cc", "-o", elf, src, env=env)
            if rc:
                problems.append(f"toro cc, TORO_NET={net}: exit {rc}: "
                                f"{err[-300:]}")
                continue
            rc, out, err, _ = toro("run", elf, "--accel", "tcg",
                                   "--timeout", "60")
            if rc or want not in out:
                problems.append(f"toro cc, TORO_NET={net}: exit {rc}, "
                                f"{out!r}")
        rc, _, err, _ = toro("cc", "-o", elf, src,
                             env=dict(os.environ, TORO_NET="ipv5"))
        if rc != 1 or "TORO_NET=ipv5" not in err:
            problems.append(f"TORO_NET=ipv5: exit {rc}, {err.strip()!r}")
    return not problems, "; ".join(problems)


def check_no_host_libc(build):
    """The image is static, self-contained and has no host C library in
    it: no glibc symbols, and not one `syscall` instruction (glibc, or
    Debian's prebuilt musl, would enter Linux with it; Toro's build of
    musl calls the kernel directly)."""
    elf = f"{build}/hello.elf"
    ph = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True).stdout
    undefined = subprocess.run(["nm", "-u", elf], capture_output=True, text=True).stdout
    syms = nm(elf)
    glibc = [s for s in ("_IO_printf", "_IO_2_1_stdout_", "__libc_setup_tls",
                         "_dl_aux_init") if s in syms]
    code = subprocess.run(["objdump", "-d", elf], capture_output=True,
                          text=True, check=True).stdout
    traps = [line.strip() for line in code.splitlines()
             if re.search(r"\tsyscall\b", line)]
    ok = ("INTERP" not in ph and "DYNAMIC" not in ph and not undefined.strip()
          and not glibc and not traps)
    return ok, (f"undefined: {undefined.strip()!r}, glibc symbols: {glibc}, "
                f"syscall instructions: {traps[:5]}")


NAMES_C = r"""
#include <pthread.h>
#include <stdio.h>
#include <time.h>

/* Names the kernel defines too, with other meanings. */
int panic(int x) { return x + 1; }
const char *event_init(void) { return "libevent's"; }
int timer_start[3] = { 7, 8, 9 };
int heap_alloc(int a, int b) { return a * b; }
unsigned cpu_count(void) { return 42; }

static void *sleeper(void *arg)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };

	nanosleep(&t, NULL);
	return arg;
}

int main(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, sleeper, (void *)5);
	pthread_join(t, &r);
	printf("mine: %d %s %d %d %u joined %ld\n", panic(1), event_init(),
	       timer_start[2], heap_alloc(6, 7), cpu_count(), (long)r);
	return 0;
}
"""


def check_program_names_win(build):
    """A program may define names the kernel uses (panic, event_init, a
    variable timer_start...): built with `toro build` and with `toro cc`
    through an archive (as libevent's event_init), it links, calls its
    own, and the kernel's threads, sleeps and timers still work. Two
    definitions in the program itself stay a link error."""
    problems = []
    want = "mine: 2 libevent's 9 42 42 joined 5"
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "app")
        os.mkdir(src)
        with open(os.path.join(src, "main.c"), "w") as f:
            f.write(NAMES_C)
        elf = os.path.join(d, "app.elf")
        rc, _, err, _ = toro("build", src, "-o", elf)
        if rc:
            return False, f"toro build: exit {rc}: {err[-600:]}"
        rc, out, err, _ = toro("run", elf, "--accel", "tcg", "--timeout", "60")
        if rc or want not in out:
            problems.append(f"toro build's image: exit {rc}, {out!r} {err!r}")
        # Through an archive, as a library such as libevent.
        obj, lib = os.path.join(d, "names.o"), os.path.join(d, "libnames.a")
        rc, _, err, _ = toro("cc", "-Dmain=names_main", "-c",
                             os.path.join(src, "main.c"), "-o", obj)
        if rc == 0:
            subprocess.run(["ar", "rcs", lib, obj], check=True)
            entry = os.path.join(d, "entry.c")
            with open(entry, "w") as f:
                f.write("int names_main(void);\n"
                        "int main(void) { return names_main(); }\n")
            cc_elf = os.path.join(d, "cc.elf")
            rc, _, err, _ = toro("cc", "-o", cc_elf, entry, f"-L{d}",
                                 "-lnames")
        if rc:
            problems.append(f"toro cc: exit {rc}: {err[-600:]}")
        else:
            rc, out, err, _ = toro("run", cc_elf, "--accel", "tcg",
                                   "--timeout", "60")
            if rc or want not in out:
                problems.append(f"toro cc's image: exit {rc}, {out!r}")
        with open(os.path.join(src, "twice.c"), "w") as f:
            f.write("int panic(int x) { return x; }\n")
        rc, _, err, _ = toro("build", src, "-o", elf)
        if rc == 0 or "multiple definition of" not in err or \
                "panic" not in err:
            problems.append(f"a name defined twice by the program: exit "
                            f"{rc}, {err[-300:]!r}")
    return not problems, "; ".join(problems)


def check_warnings_kept(build):
    """tools/keep_warnings keeps what a compile says beside its output and
    removes it once a compile says nothing; kept_warnings() finds such a
    file among the suite's objects and not among `toro build`'s (app/ext*),
    so the gcc warning check (build-gcc) can fail."""
    problems = []
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "w.c"), os.path.join(d, "w.o")
        for body, want in (("int f(void) { int unused; return 0; }\n", True),
                           ("int f(void) { return 0; }\n", False)):
            with open(src, "w") as f:
                f.write(body)
            r = subprocess.run([os.path.join(ROOT, "tools", "keep_warnings"),
                                obj, "gcc", "-Wall", "-c", src, "-o", obj],
                               capture_output=True, text=True)
            kept = os.path.exists(obj + ".warnings")
            if r.returncode or kept != want or want != ("warning" in r.stderr):
                problems.append(f"{body.strip()!r}: exit {r.returncode}, "
                                f"kept {kept}, said {r.stderr!r}")
        tree = os.path.join(d, "tree")
        for sub in ("obj/kernel", "app/ext_tmp_x"):
            os.makedirs(os.path.join(tree, sub))
        with open(os.path.join(tree, "app/ext_tmp_x/bad.o.warnings"), "w") as f:
            f.write("bad.c: error\n")
        if not kept_warnings(tree)[0]:
            problems.append("a toro build program's file counted")
        with open(os.path.join(tree, "obj/kernel/x.o.warnings"), "w") as f:
            f.write("x.c: warning: planted\n")
        ok, said = kept_warnings(tree)
        if ok or "planted" not in said:
            problems.append(f"the suite's own file missed: {ok} {said!r}")
    return not problems, "; ".join(problems)


def check_links_only_what_is_used(build):
    """hello pulls in no C library parts it does not call, nor the block
    layer and its drivers (virtio-blk, NVMe), nor file systems (the root's
    set-up, initrd, virtio-fs: which sync() would bring)."""
    syms = nm(f"{build}/hello.elf")
    unused = [s for s in ("strtod", "qsort", "rand", "test_main", "strdup",
                          "blk_register", "nvme_scan", "vblk_probe",
                          "vfs_mount_root", "initrd_mount",
                          "virtiofs_mount", "vfs_flock") if s in syms]
    used = [s for s in ("printf", "vformat", "kernel_start") if s not in syms]
    return not unused and not used, f"linked but unused: {unused}; missing: {used}"


def check_hello_within_64_kib(build):
    """The C library issue's size target: hello, stripped, is at most
    64 KiB (the original Toro's HelloWorld)."""
    stripped = os.path.join(build, "hello.stripped")
    subprocess.run(["strip", "-o", stripped, f"{build}/hello.elf"],
                   check=True)
    size = os.path.getsize(stripped)
    return size <= 64 * 1024, f"hello stripped is {size} bytes > 64 KiB"


def check_layers_call_downward(build):
    """No object calls a layer above its own (tools/check_layers.py over
    the real objects), and the checker does catch such a call (two tiny
    objects, the lower one calling the higher)."""
    r = subprocess.run(["make", "-s", "-C", ROOT, f"BUILD={build}",
                        "check-layers"], capture_output=True, text=True)
    problems = [] if r.returncode == 0 else [(r.stdout + r.stderr).strip()[-800:]]
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("low", "int up(void); int low(void) { return up(); }"),
                           ("high", "int up(void) { return 1; }")):
            with open(os.path.join(tmp, f"{name}.c"), "w") as f:
                f.write(text)
            subprocess.run(["cc", "-c", f"{name}.c", "-o", f"{name}.o"],
                           cwd=tmp, check=True)
        bad = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "check_layers.py"),
                              f"low={tmp}/low.o", f"high={tmp}/high.o"],
                             capture_output=True, text=True)
        if bad.returncode == 0 or "low uses up from high" not in bad.stdout + bad.stderr:
            problems.append(f"a call up not caught: {bad.stdout + bad.stderr!r}")
    return not problems, "; ".join(problems)


def boot_without_debug_exit(build, machine, no_acpi, reboot):
    """Boot test_args (exit status 3) on QEMU without isa-debug-exit;
    return (QEMU status, the guest's reported status, seconds)."""
    import sys
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from toro import qemu

    class Cfg:
        pass
    cfg = Cfg()
    cfg.qemu, cfg.machine, cfg.no_acpi = qemu.QEMU, machine, no_acpi
    cfg.accel, cfg.smp, cfg.mem, cfg.qemu_args = "tcg", 2, 64, []
    with tempfile.TemporaryDirectory() as d:
        debugcon = os.path.join(d, "exit")
        cmd = qemu.qemu_command(cfg, f"{build}/tests/test_args.elf",
                                "toro.tsc_khz=1000000 -- 3", debugcon)
        i = cmd.index("isa-debug-exit,iobase=0xf4,iosize=4")
        del cmd[i - 1:i + 1]
        if reboot:
            cmd.remove("-no-reboot")
        start = time.monotonic()
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=60)
            status = r.returncode
        except subprocess.TimeoutExpired:
            status = "timeout"
        with open(debugcon) as f:
            reported = f.read()
    return status, reported, time.monotonic() - start


def check_power_off_acpi_s5_microvm(build):
    # Rebooting allowed: only a real power-off (ACPI S5) ends QEMU; a
    # reset would boot the guest again until the timeout.
    status, reported, secs = boot_without_debug_exit(build, "microvm", False, True)
    return status == 0 and "toro-exit-status=3" in reported, f"{status} {reported!r} {secs:.1f}s"


def check_power_off_acpi_s5_q35(build):
    status, reported, secs = boot_without_debug_exit(build, "q35", False, True)
    return status == 0 and "toro-exit-status=3" in reported, f"{status} {reported!r} {secs:.1f}s"


def check_power_off_last_resort(build):
    # microvm without ACPI has no S5 and no i8042: the triple fault stops
    # it (QEMU exits on the reset with -no-reboot).
    status, reported, secs = boot_without_debug_exit(build, "microvm", True, False)
    return status == 0 and "toro-exit-status=3" in reported, f"{status} {reported!r} {secs:.1f}s"


# --- --fs, --disk, --initrd ----------------------------------------------

def check_bad_disk(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "--disk",
                                "/nonexistent/disk.img")[:3], 2, "no such file")


def check_disk_options(build):
    """--disk FILE,if=nvme,ro: an NVMe controller on q35 with a read-only
    drive, a comma in the name written twice; NVMe on microvm, an unknown
    option and a read-only file without ,ro are one-line errors."""
    problems = []
    with tempfile.TemporaryDirectory() as d:
        disk = os.path.join(d, "a,b.img")
        open(disk, "w").close()
        spec = disk.replace(",", ",,")
        rc, out, err, _ = toro("run", f"{build}/hello.elf", "--machine", "q35",
                               "--disk", f"{spec},if=nvme,ro", "--disk", spec,
                               "--dry-run")
        for want in (f"file={spec},format=raw,if=none,id=toro-disk0,"
                     "cache=writeback,readonly=on",
                     "nvme,drive=toro-disk0,serial=toro0",
                     "virtio-blk-pci,disable-legacy=on,drive=toro-disk1"):
            if rc or want not in out:
                problems.append(f"missing {want!r}: exit {rc}, {out!r} {err!r}")
        for args, text in (
                (["--disk", f"{spec},if=nvme"], "needs --machine q35"),
                (["--machine", "q35", "--disk", f"{spec},if=scsi"],
                 "unknown option 'if=scsi'")):
            ok, why = one_line_error(*toro("run", f"{build}/hello.elf", *args)[:3],
                                     2, text)
            if not ok:
                problems.append(f"{args}: {why}")
        os.chmod(disk, 0o444)
        if os.geteuid() != 0:   # root may write anyway
            ok, why = one_line_error(*toro("run", f"{build}/hello.elf",
                                           "--disk", spec)[:3], 2, "add ,ro")
            if not ok:
                problems.append(f"read-only file: {why}")
    return not problems, "; ".join(problems)


ROOT_DISK_APP = r"""
#include <stdio.h>
#include <string.h>

/* Plain POSIX: nothing here names ext2. */
int main(void)
{
	char line[64] = "";
	FILE *f = fopen("/greet.txt", "r");

	if (!f || !fgets(line, sizeof(line), f))
		return 2;
	fclose(f);
	printf("read %s", line);
	f = fopen("/data/out.txt", "w");
	if (!f)
		return 3;
	fprintf(f, "guest wrote this after %s", line);
	return fclose(f) ? 4 : 0;
}
"""


PART_START = 2048       # sectors: where ext2_disk()'s partition begins


def ext2_disk(path, text, partitioned=False):
    """An ext2 image of 8 MiB holding greet.txt (text) and a data/
    directory; with partitioned, on partition 1 of a GPT disk of 10 MiB.
    Returns the file e2fsck and debugfs can read (the partition, copied
    out, is path + ".part": refreshed by ext2_part())."""
    tree = path + ".d"
    os.makedirs(os.path.join(tree, "data"))
    with open(os.path.join(tree, "greet.txt"), "w") as f:
        f.write(text)
    mke2fs = ["mke2fs", "-q", "-F", "-t", "ext2", "-d", tree]
    if not partitioned:
        subprocess.run(mke2fs + [path, "8M"], check=True, capture_output=True)
        return path
    with open(path, "wb") as f:
        f.truncate(10 << 20)
    subprocess.run(["sfdisk", "-q", path], input=f"label: gpt\nstart="
                   f"{PART_START}, size={8 << 11}\n", text=True, check=True,
                   capture_output=True)
    subprocess.run(mke2fs + ["-E", f"offset={PART_START * 512}", path, "8M"],
                   check=True, capture_output=True)
    return path + ".part"


def ext2_part(path):
    """ext2_disk()'s partition copied out of the disk at path."""
    with open(path, "rb") as f, open(path + ".part", "wb") as out:
        f.seek(PART_START * 512)
        out.write(f.read(8 << 20))
    return path + ".part"


def check_root_disk(build):
    """An ordinary program (no ext2_mount() in it) gets an ext2 disk as /
    from `toro run DIR --root-disk FILE` (virtio-blk), and from
    toro.root=ext2:nvme0n1p1 (an NVMe disk's GPT partition): it reads a
    file mke2fs put there and writes one that the host's e2fsck and
    debugfs then find. A built ELF without the driver is refused before
    booting, not booted to fail inside."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="root-disk-") as tmp:
        app = os.path.join(tmp, "rootapp")
        os.mkdir(app)
        with open(os.path.join(app, "main.c"), "w") as f:
            f.write(ROOT_DISK_APP)
        for kind in ("virtio", "nvme"):
            img = os.path.join(tmp, f"{kind}.img")
            ext2_disk(img, f"hello {kind}\n", partitioned=kind == "nvme")
            opts = (["--root-disk", img] if kind == "virtio" else
                    ["--machine", "q35", "--disk", img + ",if=nvme",
                     "--append", "toro.root=ext2:nvme0n1p1"])
            rc, out, err, _ = toro("run", app, "--accel", "tcg", "--timeout",
                                   "120", *opts, cwd=tmp)
            if rc or f"read hello {kind}" not in out:
                problems.append(f"{kind}: exit {rc}: {out[-300:]!r} "
                                f"{err[-300:]!r}")
                continue
            fs = img if kind == "virtio" else ext2_part(img)
            fsck = subprocess.run(["e2fsck", "-fn", fs], capture_output=True,
                                  text=True)
            got = subprocess.run(["debugfs", "-R", "cat /data/out.txt", fs],
                                 capture_output=True, text=True).stdout
            if fsck.returncode:
                problems.append(f"{kind}: e2fsck -fn: {fsck.stdout[-300:]!r}")
            if got != f"guest wrote this after hello {kind}\n":
                problems.append(f"{kind}: /data/out.txt is {got!r}")
        # Where `toro run DIR` put it (build/ of the directory it ran in,
        # unless $TORO_BUILD says).
        elf = os.path.join(os.environ.get("TORO_BUILD", f"{tmp}/build"),
                           "rootapp.elf")
        for args, want, first, second in (
                (["--disk", f"{tmp}/nvme.img", "--root-disk",
                  f"{tmp}/virtio.img,ro"], "toro.root=ext2:vda:ro",
                 "virtio.img", "nvme.img"),
                (["--machine", "q35", "--disk", f"{tmp}/virtio.img,if=nvme",
                  "--root-disk", f"{tmp}/nvme.img,if=nvme"],
                 "toro.root=ext2:nvme0n1", "nvme.img", "virtio.img")):
            rc, out, err, _ = toro("run", elf, "--dry-run", *args)
            # The root disk's drive comes first whatever the order given.
            if rc or want not in out or not (
                    0 <= out.find(first) < out.find(second)):
                problems.append(f"{args}: not {want} and first: exit {rc}: "
                                f"{out!r} {err!r}")
        for args in (["--root-disk", f"{tmp}/virtio.img"],
                     ["--disk", f"{tmp}/virtio.img", "--append",
                      "toro.root=ext2:vda"]):
            ok, why = one_line_error(*toro("run", f"{build}/hello.elf",
                                           *args)[:3], 2, "does not link ext2")
            if not ok:
                problems.append(f"hello.elf {args}: {why}")
        ok, why = one_line_error(*toro("run", f"{build}/hello.elf",
                                       "--root-disk", f"{tmp}/none.img")[:3],
                                 2, "--root-disk")
        if not ok:
            problems.append(f"missing --root-disk file: {why}")
    return not problems, "; ".join(problems)


STOPPED_DISK_APP = r"""
#include <stdio.h>
#include <unistd.h>

/* No signal call, no thread, no fsync: the host's stop must still find
 * the file written back (toro run builds ext2 programs with the stop). */
int main(void)
{
	FILE *f = fopen("/data/out.txt", "w");

	if (!f || fputs("written before the stop\n", f) < 0 || fclose(f))
		return 3;
	puts("ready");
	fflush(stdout);
	for (;;)
		sleep(60);
}
"""


def check_root_disk_stopped(build):
    """`toro run DIR --root-disk FILE` stopped by SIGTERM while a program
    with no signal code of its own waits, after writing and closing a
    file: the program ends by SIGTERM's default action (143, its report
    line), through the exit path that writes the file system back, so
    e2fsck finds it clean and debugfs the file."""
    with tempfile.TemporaryDirectory(prefix="root-stop-") as tmp:
        app = os.path.join(tmp, "stopapp")
        os.mkdir(app)
        with open(os.path.join(app, "main.c"), "w") as f:
            f.write(STOPPED_DISK_APP)
        img = ext2_disk(os.path.join(tmp, "disk.img"), "hello\n")
        rc, out, _ = run_then_stop([TORO, "run", app, "--accel", "tcg",
                                    "--timeout", "120", "--root-disk", img],
                                   cwd=tmp)
        fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                              text=True)
        got = subprocess.run(["debugfs", "-R", "cat /data/out.txt", img],
                             capture_output=True, text=True).stdout
    ok = (rc == 143 and "killed by signal 15" in out and
          fsck.returncode == 0 and got == "written before the stop\n")
    return ok, (f"exit {rc}, {out[-300:]!r}, e2fsck {fsck.returncode} "
                f"{fsck.stdout[-200:]!r}, /data/out.txt {got!r}")


def check_fs_missing_dir(build):
    return one_line_error(*toro("run", f"{build}/hello.elf", "--fs",
                                "/nonexistent/share")[:3], 2, "no such directory")


def check_bad_initrd(build):
    problems = []
    with tempfile.TemporaryDirectory() as d:
        junk = os.path.join(d, "junk.img")
        with open(junk, "wb") as f:
            f.write(b"this is not a cpio archive\n" * 10)
        cut = os.path.join(d, "cut.cpio")
        make_tree(os.path.join(d, "tree"))
        pack_with_cpio(os.path.join(d, "tree"), cut)
        with open(cut, "r+b") as f:
            f.truncate(200)     # the first header and a little data
        for path, text in ((junk, "is not a cpio archive"),
                           (cut, "before its trailer"),
                           (os.path.join(d, "missing"), "no such file")):
            ok, detail = one_line_error(*toro("run", f"{build}/hello.elf",
                                              "--initrd", path)[:3], 2, text)
            if not ok:
                problems.append(detail)
    return not problems, "; ".join(problems)


def make_tree(top):
    """A directory with what an initrd holds: nested and empty
    directories, empty and odd-sized files, a link to a file."""
    os.makedirs(os.path.join(top, "etc", "deep", "deeper"))
    os.makedirs(os.path.join(top, "empty"))
    with open(os.path.join(top, "etc", "app.conf"), "w") as f:
        f.write("key = value\n")
    with open(os.path.join(top, "etc", "deep", "deeper", "blob"), "wb") as f:
        f.write(bytes(range(256)) * 41 + b"xyz")
    open(os.path.join(top, "zero"), "w").close()
    with open(os.path.join(top, "caf\u00e9.txt"), "w") as f:
        f.write("non-ASCII name\n")
    os.symlink("etc/app.conf", os.path.join(top, "link"))


def pack_with_cpio(src, out):
    names = subprocess.run("find . -mindepth 1 | sort", shell=True, cwd=src,
                           capture_output=True, check=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=src,
                       input=names, stdout=f, check=True)


def tree_listing(top, follow_links):
    """{relative path: file bytes, or None for a directory}."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, top)
            if os.path.isdir(p):
                found[rel] = None
            elif follow_links or not os.path.islink(p):
                with open(p, "rb") as f:
                    found[rel] = f.read()
    return found


def check_cpio_roundtrip(build):
    """A packed directory unpacks (with GNU cpio, else our reader) into
    the same tree, links stored as the files they name; an archive made
    by cpio(1) is taken as a --initrd FILE."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from toro import cpio
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "src"), os.path.join(d, "out")
        make_tree(src)
        archive = os.path.join(d, "a.cpio")
        cpio.pack(src, archive, warn=lambda msg: None)
        want = tree_listing(src, follow_links=True)
        os.mkdir(out)
        if shutil.which("cpio"):
            with open(archive, "rb") as f:
                r = subprocess.run(["cpio", "-i", "-d", "--quiet"], cwd=out,
                                   stdin=f, capture_output=True)
            if r.returncode:
                return False, f"cpio -i: {r.stderr.decode(errors='replace')}"
            got = tree_listing(out, follow_links=False)
        else:
            got = {e["name"]: (e["data"] if e["mode"] & 0o170000 == 0o100000
                               else None)
                   for e in cpio.entries(archive, with_data=True)}
        if got != want:
            return False, (f"unpacked {sorted(got)} differs from "
                           f"{sorted(want)}")
        names = [e["name"] for e in cpio.entries(archive)]
        if names != sorted(names) or any(n.startswith(("/", "./")) for n in names):
            return False, f"entries not sorted and relative: {names}"
        again = os.path.join(d, "b.cpio")
        cpio.pack(src, again, warn=lambda msg: None)
        with open(archive, "rb") as a, open(again, "rb") as b:
            if a.read() != b.read():
                return False, "packing the same tree twice differs"
        if shutil.which("cpio"):
            theirs = os.path.join(d, "theirs.cpio")
            pack_with_cpio(src, theirs)
            rc, stdout, err, _ = toro("run", f"{build}/hello.elf", "--initrd",
                                      theirs, "--dry-run")
            if rc or f"-initrd {theirs}" not in stdout:
                return False, f"--initrd {theirs}: exit {rc}, {stdout!r} {err!r}"
    return True, ""


def check_device_args(build):
    """--dry-run shows virtio devices on MMIO transports (microvm) or PCI
    (q35), shared memory for virtio-fs, the root option, the initrd."""
    problems = []
    with tempfile.TemporaryDirectory() as d:
        disk, share = os.path.join(d, "d.img"), os.path.join(d, "share")
        open(disk, "w").close()
        os.mkdir(share)
        # An archive, not a directory: nothing is left in BUILD/initrd.
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        from toro import cpio
        archive = os.path.join(d, "rd.cpio")
        cpio.pack(share, archive)
        common = ["--fs", share, "--disk", disk, "--initrd", archive, "--dry-run"]
        want = {
            "microvm": [",memory-backend=toro-mem", "memory-backend-memfd,id=toro-mem,"
                        "size=64M,share=on", "vhost-user-fs-device,chardev=toro-fs0,"
                        "tag=root,bus=virtio-mmio-bus.1",
                        f"file={disk},format=raw,if=none,id=toro-disk0",
                        "virtio-blk-device,drive=toro-disk0,bus=virtio-mmio-bus.2",
                        "toro.root=virtiofs:root", f"-initrd {archive}"],
            "q35": ["q35,memory-backend=toro-mem", "vhost-user-fs-pci,chardev=toro-fs0,"
                    "tag=root", "virtio-blk-pci,disable-legacy=on,drive=toro-disk0"],
        }
        for machine, texts in want.items():
            rc, out, err, _ = toro("run", f"{build}/hello.elf", "--machine",
                                   machine, "--mem", "64", *common)
            missing = [t for t in texts if t not in out]
            if rc or missing:
                problems.append(f"{machine}: exit {rc}, missing {missing} in "
                                f"{out!r} {err!r}")
        rc, out, err, _ = toro("run", f"{build}/hello.elf", "--initrd", archive,
                               "--dry-run")
        if rc or "toro.root=initrd" not in out or "memfd" in out:
            problems.append(f"initrd only: exit {rc}, {out!r}")
    return not problems, "; ".join(problems)


# --- --port, --net, --tap, --mac ----------------------------------------

def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_net_errors(build):
    """Bad --port/--tap/--mac each fail before QEMU starts: exit 2, one
    line that names the problem; a host port in use, too."""
    import socket
    hello = f"{build}/hello.elf"
    problems = []
    cases = [(["--port", "80:"], "expected HOST:GUEST"),
             (["--port", "http"], "expected HOST:GUEST"),
             (["--port", "sctp:1:2"], "expected HOST:GUEST"),
             (["--port", "70000:80"], "not in 1-65535"),
             (["--port", "8080:0"], "not in 1-65535"),
             (["--port", "18080:80", "--port", "18080:81"], "given twice"),
             (["--tap", "toro-no-such0"], "no such network device"),
             (["--tap", "lo"], "not a tap device"),
             (["--tap", "a/b"], "not a network interface name"),
             (["--tap", "lo", "--port", "8080"], "cannot go with --tap"),
             (["--mac", "52:54:00:12:34"], "expected six hex bytes"),
             (["--mac", "01:00:5e:00:00:01"], "multicast"),
             (["--net", "--net-queues", "two"], "not a number"),
             (["--net", "--net-queues", "0"], "1 to 16"),
             (["--net", "--net-queues", "17"], "1 to 16"),
             (["--net", "--net-queues", "2"], "user networking (slirp)"),
             (["--net-queues", "2"], "there is no network device")]
    with socket.socket() as tcp, socket.socket(socket.AF_INET,
                                               socket.SOCK_DGRAM) as udp:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        udp.bind(("127.0.0.1", 0))
        taken = tcp.getsockname()[1]
        cases += [(["--port", f"{taken}:80"], f"127.0.0.1:{taken} is in use"),
                  (["--port", f"udp:{udp.getsockname()[1]}:7"], "is in use"),
                  # Not --dry-run: it must stop before QEMU, not in QEMU.
                  (["--port", f"{free_port()}:80", "--port", str(taken),
                    "--accel", "tcg"], "in use")]
        for flags, text in cases:
            ok, detail = one_line_error(*toro("run", hello, *flags)[:3], 2,
                                        text)
            if not ok:
                problems.append(f"{flags}: {detail}")
    return not problems, "; ".join(problems)


def check_net_device_args(build):
    """--dry-run shows one user-networking netdev with the forwards, and
    the virtio-net device on the next free MMIO transport (microvm) or on
    PCI, modern only (q35)."""
    problems = []
    a, b, c = free_port(), free_port(), free_port()
    fwd = (f"user,id=toro-net,hostfwd=tcp:127.0.0.1:{a}-:80,"
           f"hostfwd=tcp:127.0.0.1:{b}-:{b},hostfwd=udp:127.0.0.1:{c}-:7")
    ports = ["--port", f"{a}:80", "--port", str(b), "--port", f"udp:{c}:7"]
    with tempfile.TemporaryDirectory() as d:
        disk = os.path.join(d, "d.img")
        open(disk, "w").close()
        runs = [
            (ports, [f"-netdev {fwd} ", "-device virtio-net-device,"
                     "netdev=toro-net,bus=virtio-mmio-bus.1"]),
            (ports + ["--disk", disk], ["virtio-blk-device,drive=toro-disk0,"
             "bus=virtio-mmio-bus.1", "virtio-net-device,netdev=toro-net,"
             "bus=virtio-mmio-bus.2"]),
            (["--net", "--no-acpi"], ["-netdev user,id=toro-net ",
             "virtio-net-device,netdev=toro-net,bus=virtio-mmio-bus.0"]),
            (ports + ["--machine", "q35", "--mac", "52:54:00:AB:CD:EF"],
             [f"-netdev {fwd} ", "-device virtio-net-pci,netdev=toro-net,"
              "disable-legacy=on,mac=52:54:00:ab:cd:ef,romfile="]),
            ([], []),
        ]
        for flags, texts in runs:
            rc, out, err, _ = toro("run", f"{build}/hello.elf", "--dry-run",
                                   *flags)
            missing = [t for t in texts if t not in out]
            if rc or missing or out.count("toro-net") != 2 * bool(texts):
                problems.append(f"{flags}: exit {rc}, missing {missing} in "
                                f"{out!r} {err!r}")
    return not problems, "; ".join(problems)


def check_tap_offload(build):
    """On a tap, which offers the offloads slirp does not: checksum
    offload both ways and TSO, byte for byte, every partial checksum the
    guest leaves to the device right (tests/sys/test_vnet/tap_offload.py,
    in a network namespace of its own)."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "sys", "test_vnet", "tap_offload.py"),
        os.path.join(build, "tests", "test_net.elf")],
        capture_output=True, text=True, timeout=900,
        env=dict(os.environ, TORO_BUILD=build))
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-3000:]


def check_tap_mq(build):
    """virtio-net multi-queue on a multi_queue tap, q35 with 2 and 4 CPUs:
    one pair a CPU, traffic on every pair, byte for byte, the core lock's
    waits reported, a refused control-queue command falls back to one pair
    (tests/sys/test_vnet/tap_mq.py, in a network namespace of its own)."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "sys", "test_vnet", "tap_mq.py")],
        capture_output=True, text=True, timeout=900,
        env=dict(os.environ, TORO_BUILD=build))
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-3000:]


def check_many_connections(build):
    """10,000 keep-alive connections open at once to the web server with
    --mem 512, every one served twice, and the memory each costs
    (tests/web/many_connections.py, on a tap in a network namespace of its
    own: QEMU's user network takes one connection at a time)."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "web", "many_connections.py"),
        os.path.join(build, "webserver.elf")],
        capture_output=True, text=True, timeout=1500)
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-3000:]


def stress(build, *flags, timeout=900):
    """tests/stress/stress.py on the web server with (flags); (ok, the
    end of its output)."""
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "stress", "stress.py"),
        os.path.join(build, "webserver.elf"), *flags],
        capture_output=True, text=True, timeout=timeout)
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-6000:]


def check_canary_per_boot(build):
    """The stack protector's canary is new at every boot (AT_RANDOM from
    RDRAND/RDSEED and the TSC): two boots of the same image print
    different ones (tests/sys/test_fatal, mode canary)."""
    seen = []
    for _ in range(2):
        rc, out, err, _ = toro("run", f"{build}/tests/test_fatal.elf",
                               "--accel", "tcg", "--timeout", "120", "--",
                               "canary")
        m = re.search(r"^canary ([0-9a-f]{16}) ", out, re.M)
        if rc or not m:
            return False, f"exit {rc}: {out[-500:]} {err[-500:]}"
        seen.append(m.group(1))
    return seen[0] != seen[1], f"the same canary twice: {seen}"


def check_stress_tap(build):
    """A minute of mixed load on a tap (keep-alive and short connections,
    large files, stalled, resetting, half-closing and slow clients): every
    answer right, none waited on for 15 s, a clean exit."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    return stress(build, "--net", "tap", "--seconds", "60")


def check_stress_user(build):
    """The same mix through QEMU's user network, on q35 with 4 CPUs
    (where a stall was once seen)."""
    return stress(build, "--net", "user", "--machine", "q35", "--smp", "4",
                  "--seconds", "30")


def check_stress_watch(build):
    """The stall watch itself: the guest's CPUs stopped mid-load are
    reported as a stall, with a dump of the threads and the TCP pcbs."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    return stress(build, "--net", "tap", "--seconds", "120", "--freeze",
                  "5")


def check_hostile_network(build):
    """The web server against a hostile network (tests/stress/hostile.py):
    10,000 idle connections, a SYN flood, a one-byte-a-second reader,
    oversized, truncated and random frames, fragments that never complete,
    bad checksums and out-of-window segments; a new client is served
    after each, and the server exits cleanly."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace, a tap and raw sockets " \
            "need root"
    r = subprocess.run([sys.executable, os.path.join(
        ROOT, "tests", "stress", "hostile.py"),
        os.path.join(build, "webserver.elf")],
        capture_output=True, text=True, timeout=1800)
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-4000:]


def check_soak_short(build):
    """bench/soak.py's two-minute version: the web server under wrk, a
    16 MiB TCP echo loop and virtio-fs file churn, 40 s each: no error,
    and memory flat after the first interval (gdb reads it every 10 s)."""
    if os.geteuid() != 0:
        return True, "skipped: a network namespace and a tap need root"
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bench",
                                                     "soak.py"),
                        "--seconds", "40", "--every", "10", "--smp", "2",
                        "--out", os.path.join(build, "soak", "short.md")],
                       capture_output=True, text=True, timeout=1200,
                       env=dict(os.environ, TORO_BUILD=build))
    out = r.stdout + r.stderr
    return r.returncode == 0 and "FAIL" not in out, out[-4000:]


def check_net_boots(build):
    """QEMU takes the network devices as toro makes them (a guest without
    a network stack ignores the device), and the forward listens while the
    guest runs."""
    import socket
    problems = []
    for flags in (["--port", f"{free_port()}:80"],
                  ["--port", f"udp:{free_port()}:7", "--machine", "q35"],
                  ["--net", "--no-acpi", "--mac", "02:00:00:00:00:01"]):
        rc, out, err, _ = toro("run", f"{build}/hello.elf", "--accel", "tcg",
                               "--timeout", "120", *flags)
        if rc or "Hello from Toro" not in out:
            problems.append(f"{flags}: exit {rc}, {out!r} {err!r}")
    port = free_port()
    proc = subprocess.Popen([TORO, "run", f"{build}/tests/test_spin.elf",
                             "--accel", "tcg", "--timeout", "120", "--port",
                             f"{port}:80"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline()
        with socket.socket() as s:
            listening = s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        proc.terminate()
        proc.wait(30)
    if b"spinning" not in line or not listening:
        problems.append(f"forward: {line!r}, 127.0.0.1:{port} listening: "
                        f"{listening}")
    return not problems, "; ".join(problems)


def check_webserver_in_16_mib(build):
    """The issue's budget for the web server: it boots with --mem 16 and
    serves the default site; built with the IPv4-only stack (`toro build
    --ipv4-only`, build/webserver-ipv4.elf) the image stays within 256 KiB
    stripped. The default build has IPv6 and the IPv4-only one has none of
    it (their symbols say so)."""
    import http.client
    import time
    elf = f"{build}/webserver.elf"
    small = f"{build}/webserver-ipv4.elf"
    stripped = os.path.join(build, "webserver-ipv4.stripped")
    subprocess.run(["strip", "-o", stripped, small], check=True)
    size = os.path.getsize(stripped)
    if size > 256 * 1024:
        return False, f"webserver-ipv4 stripped is {size} bytes > 256 KiB"
    for image, want in ((elf, True), (small, False)):
        syms = subprocess.run(["nm", image], capture_output=True,
                              text=True).stdout.split()
        if ("ip6_input" in syms) != want or ("ip4_input" not in syms):
            return False, f"{image}: IPv6 is {'not ' * want}linked in"
    port = free_port()
    proc = subprocess.Popen([TORO, "run", elf, "--accel", "tcg", "--mem", "16",
                             "--timeout", "120", "--initrd",
                             os.path.join(ROOT, "examples/webserver/site"),
                             "--port", f"{port}:80", "--", "--quit-path",
                             "/__quit"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    got = None
    try:
        line = proc.stdout.readline()
        if b"webserver: serving" not in line:
            return False, f"--mem 16: {line!r}"
        for _ in range(50):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/")
                r = c.getresponse()
                got = (r.status, len(r.read()))
                c.request("GET", "/__quit")
                c.getresponse().read()
                c.close()
                break
            except OSError:
                time.sleep(0.2)
        rc = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if got != (200, 612) or rc:
        return False, f"--mem 16: GET / gave {got}, exit {rc}"
    return True, ""


def check_ceiling_serves(build):
    """bench/ceiling (the bench's ceiling over lwIP's raw API) answers
    with the bytes of its files, keep-alive and with Connection: close."""
    import http.client
    site = os.path.join(ROOT, "examples", "webserver", "site")
    with open(os.path.join(site, "index.html"), "rb") as f:
        want = f.read()
    port = free_port()
    proc = subprocess.Popen([TORO, "run", f"{build}/ceiling.elf", "--accel",
                             "tcg", "--timeout", "120", "--initrd", site,
                             "--port", f"{port}:80", "--", "/index.html"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = []
    try:
        line = proc.stdout.readline()
        if b"ceiling: serving" not in line:
            return False, f"did not start: {line!r}"
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for headers in ({}, {}, {"Connection": "close"}):
            c.request("GET", "/index.html", headers=headers)
            r = c.getresponse()
            got.append((r.status, r.read() == want, r.will_close))
        c.close()
    except OSError as e:
        return False, f"{e}; answers so far {got}"
    finally:
        proc.kill()
        proc.wait()
    ok = got == [(200, True, False), (200, True, False), (200, True, True)]
    return ok, f"(status, bytes right, closed): {got}"


def check_storage_ext2_quick(build):
    """bench/storage.py's ext2 rows, small (4 MiB, 200 random reads, 1,000
    files: enough for a directory of several blocks), Toro side: every
    measurement is printed (the program checks each byte read back and
    the directory's entries itself) and e2fsck -fn finds the image clean."""
    with tempfile.TemporaryDirectory(prefix="storage-ext2-") as tmp:
        img = os.path.join(tmp, "ext2.img")
        with open(img, "wb") as f:
            f.truncate(32 << 20)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096",
                        img], check=True)
        rc, out, err, _ = toro("run", f"{build}/storagebench.elf",
                               "--accel", "tcg", "--smp", "2", "--mem",
                               "128", "--timeout", "240", "--disk", img,
                               "--append", "toro.mount=ext2:vda:/data",
                               "--", "ext2", "4", "200", "1", "1000",
                               timeout=300)
        got = dict(re.findall(r"^RESULT (ext2_\w+) ([0-9.]+)$", out, re.M))
        want = {"ext2_write_sync_mibs", "ext2_read_mibs",
                "ext2_randread_iops", "ext2_create_fps", "ext2_unlink_fps"}
        if rc or set(got) != want or not all(float(v) > 0
                                              for v in got.values()):
            return False, f"exit {rc}, results {got}: {out[-2000:]} {err}"
        fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True,
                              text=True)
        return fsck.returncode == 0, f"e2fsck: {fsck.stdout[-2000:]}"


def check_profile_errors(build):
    """toro profile refuses bad rates and images without the profiler,
    each with one clear line and exit 2."""
    problems = []
    for args, want in ((["--hz", "0"], "want 1 to 10000"),
                       (["--hz", "20000"], "want 1 to 10000"),
                       (["--hz", "x"], "not a number"),
                       ([], "has no profiler")):
        ok, why = one_line_error(*toro("profile", *args,
                                       f"{build}/hello.elf")[:3], 2, want)
        if not ok:
            problems.append(f"{args}: {why}")
    return not problems, "; ".join(problems)


def check_profile_on_interrupt(build):
    """A guest that never exits is still profiled: Ctrl-C makes toro
    profile send the dump key (kernel/profile_key.c) on the serial line,
    the guest dumps its samples (from a thread on its last CPU: main spins
    on CPU 0), toro stops it and reports; exit 130."""
    import signal
    out_dir = os.path.join(build, "profile", "spin-check")
    proc = subprocess.Popen([TORO, "profile", "--hz", "1000", "--out",
                             out_dir, "--accel", "tcg", "--smp", "2",
                             os.path.join(ROOT, "tests/sys/test_spin")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, TORO_BUILD=build))
    try:
        line = proc.stdout.readline()
        if b"spinning" not in line:
            return False, f"no start: {line!r}"
        time.sleep(1)       # some samples in main's loop
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = (out + err).decode(errors="replace")
    ok = (proc.returncode == 130 and "samples at 1000 Hz" in text
          and re.search(r"\bmain \(tests/sys/test_spin/", text)
          and os.path.exists(os.path.join(out_dir, "flame.svg")))
    return bool(ok), f"exit {proc.returncode}: {text[-600:]!r}"


def check_udp_link_errors(build):
    """Bad --udp-link specs, a local port in use and --udp-link with
    another network each fail before QEMU starts: exit 2, one line."""
    import socket
    hello = f"{build}/hello.elf"
    a, b = free_port(), free_port()
    cases = [(["--udp-link", "5000"], "expected LOCAL:REMOTE"),
             (["--udp-link", "a:b"], "expected LOCAL:REMOTE"),
             (["--udp-link", "5000:5001:5002"], "expected LOCAL:REMOTE"),
             (["--udp-link", "0:5000"], "port 0 is not in 1-65535"),
             (["--udp-link", "5000:70000"], "port 70000 is not in 1-65535"),
             (["--udp-link", f"{a}:{a}"], "must differ"),
             (["--udp-link", f"{a}:{b}", "--port", "8080"],
              "cannot go with --port"),
             (["--udp-link", f"{a}:{b}", "--tap", "lo"],
              "cannot go with --tap"),
             (["--udp-link", f"{a}:{b}", "--net"], "cannot go with --net")]
    problems = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        taken = udp.getsockname()[1]
        cases += [(["--udp-link", f"{taken}:{b}"],
                   f"UDP port 127.0.0.1:{taken} is in use"),
                  # Not --dry-run: it must stop before QEMU, not in QEMU.
                  (["--udp-link", f"{taken}:{b}", "--accel", "tcg"],
                   "in use")]
        for flags, text in cases:
            ok, detail = one_line_error(*toro("run", hello, *flags)[:3], 2,
                                        text)
            if not ok:
                problems.append(f"{flags}: {detail}")
    return not problems, "; ".join(problems)


def check_udp_link_device_args(build):
    """--dry-run shows the UDP tunnel netdev (frames to REMOTE, from
    LOCAL, both on 127.0.0.1) and the virtio-net device on it."""
    problems = []
    a, b = free_port(), free_port()
    link = (f"-netdev socket,id=toro-net,udp=127.0.0.1:{b},"
            f"localaddr=127.0.0.1:{a} ")
    runs = [([], [link, "-device virtio-net-device,netdev=toro-net,"
                  "bus=virtio-mmio-bus.1"]),
            (["--machine", "q35", "--mac", "02:00:00:00:00:02"],
             [link, "-device virtio-net-pci,netdev=toro-net,"
              "disable-legacy=on,mac=02:00:00:00:00:02,romfile="])]
    for flags, texts in runs:
        rc, out, err, _ = toro("run", f"{build}/hello.elf", "--dry-run",
                               "--udp-link", f"{a}:{b}", *flags)
        missing = [t for t in texts if t not in out]
        if rc or missing or out.count("toro-net") != 2:
            problems.append(f"{flags}: exit {rc}, missing {missing} in "
                            f"{out!r} {err!r}")
    return not problems, "; ".join(problems)


def check_udp_link_two_guests(build):
    """Two guests on one --udp-link (the ports swapped, a --mac and an
    ip= each) talk: one sends "quit" over UDP until the other, which
    answers "bye", has heard it; both end with status 0."""
    import socket
    elf = f"{build}/tests/test_ping.elf"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        pa, pb = a.getsockname()[1], b.getsockname()[1]
    common = ["run", elf, "--accel", "tcg", "--timeout", "120", "--smp", "1"]
    server = subprocess.Popen(
        [TORO, *common, "--udp-link", f"{pa}:{pb}", "--append",
         "ip=10.0.3.2/24"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        rc, out, err, _ = toro(*common, "--udp-link", f"{pb}:{pa}", "--mac",
                               "02:00:00:00:03:01", "--append",
                               "ip=10.0.3.1/24", "--", "quit", "10.0.3.2")
        sout, serr = server.communicate(timeout=150)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    ok = (rc == 0 and "bye from 10.0.3.2" in out and server.returncode == 0
          and "quit from 10.0.3.1" in sout)
    return ok, (f"client: exit {rc}, {out!r} {err!r}; server: exit "
                f"{server.returncode}, {sout!r} {serr!r}")


def live_processes(wanted):
    """The pids of live (not zombie) processes whose argv (a list of
    bytes) wanted(argv) accepts."""
    pids = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z" and wanted(argv):
            pids.append(int(pid))
    return pids


def virtiofsd_serving(source):
    """The pids of virtiofsd processes serving source."""
    return live_processes(lambda argv: any(b"virtiofsd" in a for a in argv[:1])
                          and f"source={source}".encode() in argv)


def check_virtiofsd_cleanup(build):
    """No virtiofsd is left after a guest exits, panics, times out, QEMU
    fails to start or toro is stopped; SIGUSR1 kills it while the guest
    runs on. (virtiofsd ends by itself when QEMU goes; not when QEMU
    never came.)"""
    if os.geteuid() != 0:
        return True, "skipped: QEMU 7.2's virtiofsd needs root"
    problems = []
    with tempfile.TemporaryDirectory() as share:
        fs = ["--fs", share, "--accel", "tcg"]
        runs = [("exit", ["run", f"{build}/hello.elf", *fs], 0),
                ("panic", ["run", f"{build}/tests/test_fatal.elf", *fs,
                           "--", "pagefault"], 125),
                ("timeout", ["run", f"{build}/tests/test_spin.elf", *fs,
                             "--timeout", "3"], 124),
                ("QEMU failing", ["run", f"{build}/hello.elf", *fs,
                                  "--qemu-arg=-no-such-option"], 126)]
        for what, args, want in runs:
            rc, out, err, _ = toro(*args)
            left = virtiofsd_serving(share)
            if rc != want or left:
                problems.append(f"{what}: exit {rc} (want {want}), virtiofsd "
                                f"left: {left}, {err.strip()!r}")
        # While it runs: there is one (so the checks above can see it),
        # SIGUSR1 kills it, SIGTERM stops everything.
        proc = subprocess.Popen([TORO, "run", f"{build}/tests/test_spin.elf",
                                 *fs, "--timeout", "120"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = proc.stdout.readline()
            running = virtiofsd_serving(share)
            proc.send_signal(signal.SIGUSR1)
            deadline = time.monotonic() + 10
            while virtiofsd_serving(share) and time.monotonic() < deadline:
                time.sleep(0.1)
            after_kill = virtiofsd_serving(share)
            alive = proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if b"spinning" not in line or len(running) != 1 or after_kill or not alive:
            problems.append(f"while running: {line!r}, virtiofsd {running}, "
                            f"after SIGUSR1 {after_kill}, guest alive {alive}")
        if rc != 128 + signal.SIGTERM or virtiofsd_serving(share):
            problems.append(f"SIGTERM: exit {rc}, left {virtiofsd_serving(share)}")
    return not problems, "; ".join(problems)


# --- --vsock, --vsock-cid, --vsock-port -----------------------------------

def check_vsock_errors(build):
    """Bad --vsock/--vsock-cid/--vsock-port each fail before anything
    starts: exit 2, one line that names the problem."""
    import socket
    hello = f"{build}/hello.elf"
    problems = []
    with tempfile.TemporaryDirectory() as d, socket.socket() as tcp:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        taken = tcp.getsockname()[1]
        plain = os.path.join(d, "file")
        open(plain, "w").close()
        sock = os.path.join(d, "v.sock")
        port = free_port()
        cases = [
            (["--vsock", sock, "--vsock-cid", "2"], "expected a number from 3"),
            (["--vsock", sock, "--vsock-cid", "x"], "expected a number from 3"),
            (["--vsock", sock, "--vsock-cid", "4294967295"],
             "expected a number from 3"),
            (["--vsock-cid", "5"], "give --vsock PATH or --vsock-port"),
            (["--vsock-port", "80"], "expected HOST:GUEST"),
            (["--vsock-port", "a:b"], "expected HOST:GUEST"),
            (["--vsock-port", "70000:80"], "not in 1-65535"),
            (["--vsock-port", "0:80"], "not in 1-65535"),
            (["--vsock-port", "8080:4294967295"], "not below 4294967295"),
            (["--vsock-port", f"{port}:1", "--vsock-port", f"{port}:2"],
             "given twice"),
            (["--vsock-port", f"{port}:1", "--port", f"{port}:80"],
             "also a --port"),
            (["--vsock-port", f"{taken}:80"], f"127.0.0.1:{taken} is in use"),
            (["--vsock", os.path.join(d, "no", "v.sock")], "no such directory"),
            (["--vsock", plain], "exists and is not a socket"),
            (["--vsock", "/tmp/" + "x" * 100], "longer than"),
        ]
        for flags, text in cases:
            ok, detail = one_line_error(*toro("run", hello, *flags)[:3], 2,
                                        text)
            if not ok:
                problems.append(f"{flags}: {detail}")
    return not problems, "; ".join(problems)


def check_vsock_device_args(build):
    """--dry-run shows toro-vsock's command (PATH, CID, forwards; a PATH
    of the run's own without --vsock), the shared memfd RAM and the
    vhost-user-vsock device on the next free MMIO transport (microvm) or
    on PCI, modern only (q35)."""
    problems = []
    a, b = free_port(), free_port()
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "v.sock")
        disk = os.path.join(d, "d.img")
        open(disk, "w").close()
        mem = "-object memory-backend-memfd,id=toro-mem,size=128M,share=on"
        runs = [
            (["--vsock", sock],
             [f"--uds-path {sock} --guest-cid 3 &", "memory-backend=toro-mem",
              mem, "-device vhost-user-vsock-device,chardev=toro-vsock,"
              "bus=virtio-mmio-bus.1"]),
            (["--vsock", sock, "--vsock-cid", "42", "--vsock-port",
              f"{a}:80", "--vsock-port", f"{b}:8080", "--disk", disk],
             [f"--guest-cid 42 --forward {a}:80 --forward {b}:8080 &",
              "virtio-blk-device,drive=toro-disk0,bus=virtio-mmio-bus.1",
              "vhost-user-vsock-device,chardev=toro-vsock,"
              "bus=virtio-mmio-bus.2"]),
            (["--vsock-port", f"{a}:80", "--no-acpi"],
             ["/vsock.sock --guest-cid 3 --forward", "bus=virtio-mmio-bus.0"]),
            (["--vsock", sock, "--machine", "q35"],
             ["q35,memory-backend=toro-mem", "-device vhost-user-vsock-pci,"
              "disable-legacy=on,chardev=toro-vsock"]),
        ]
        for flags, texts in runs:
            rc, out, err, _ = toro("run", f"{build}/hello.elf", "--dry-run",
                                   *flags)
            lines = out.splitlines()
            backend = [ln for ln in lines if "toro-vsock --vhost-user " in ln]
            missing = [t for t in texts if t not in out]
            if rc or missing or len(backend) != 1 or len(lines) != 2:
                problems.append(f"{flags}: exit {rc}, missing {missing} in "
                                f"{out!r} {err!r}")
        rc, out, err, _ = toro("run", f"{build}/hello.elf", "--dry-run")
        if "vsock" in out or "memfd" in out:
            problems.append(f"no vsock flags: {out!r}")
    return not problems, "; ".join(problems)


def vsock_backends(path):
    """The pids of toro-vsock processes with PATH (path)."""
    return live_processes(lambda argv: argv and argv[0].endswith(b"toro-vsock")
                          and path.encode() in argv)


def check_vsock_cleanup(build):
    """No toro-vsock is left after a guest exits, times out, QEMU fails
    or toro is stopped or killed outright; SIGUSR1 kills it while the
    guest runs on."""
    problems = []
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "v.sock")
        vs = ["--vsock", sock, "--accel", "tcg"]
        runs = [("exit", ["run", f"{build}/hello.elf", *vs], 0),
                ("timeout", ["run", f"{build}/tests/test_spin.elf", *vs,
                             "--timeout", "3"], 124),
                ("QEMU failing", ["run", f"{build}/hello.elf", *vs,
                                  "--qemu-arg=-no-such-option"], 126)]
        for what, args, want in runs:
            rc, out, err, _ = toro(*args)
            left = vsock_backends(sock)
            if rc != want or left or os.path.exists(sock):
                problems.append(f"{what}: exit {rc} (want {want}), toro-vsock "
                                f"left: {left}, {err.strip()!r}")
        for how in ("SIGUSR1", "SIGKILL"):
            proc = subprocess.Popen([TORO, "run", f"{build}/tests/test_spin.elf",
                                     *vs, "--timeout", "120"],
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            try:
                line = proc.stdout.readline()
                running = vsock_backends(sock)
                proc.send_signal(getattr(signal, how))
                deadline = time.monotonic() + 10
                while vsock_backends(sock) and time.monotonic() < deadline:
                    time.sleep(0.1)
                left = vsock_backends(sock)
                alive = proc.poll() is None
                if how == "SIGUSR1":
                    proc.send_signal(signal.SIGTERM)
                    rc = proc.wait(30)
                    if rc != 128 + signal.SIGTERM:
                        problems.append(f"SIGTERM after SIGUSR1: exit {rc}")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            if (b"spinning" not in line or len(running) != 1 or left
                    or alive != (how == "SIGUSR1")):
                problems.append(f"{how}: {line!r}, toro-vsock {running}, "
                                f"after it {left}, toro alive {alive}")
    return not problems, "; ".join(problems)


def check_vsock_backend_garbage(build):
    """toro-vsock against a fake QEMU and guest (tests/vsock_backend.py):
    garbage in the rings gets RST or a warning and a stopped ring, never
    a crash; each new vhost-user connection starts afresh."""
    build = os.path.abspath(build)      # as make spells its targets
    tool = os.path.join(build, "host", "toro-vsock")
    if not os.path.exists(tool):
        subprocess.run(["make", "-s", "-C", ROOT, f"BUILD={build}", tool],
                       check=True)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests",
                                                     "vsock_backend.py"),
                        build], capture_output=True, text=True, timeout=120)
    return r.returncode == 0, (r.stdout + r.stderr).strip()[-2000:]


def check_bad_stop_timeout(build):
    problems = []
    for value in ("-1", "inf", "nan", "soon"):
        ok, detail = one_line_error(*toro("run", f"{build}/hello.elf",
                                          "--stop-timeout", value)[:3],
                                    2, value)
        if not ok:
            problems.append(f"--stop-timeout {value}: {detail}")
    return not problems, "; ".join(problems)


def run_then_stop(cmd, signals=1, stop=None, cwd=None):
    """Runs (cmd), a `toro run`, and once the guest prints "ready" sends
    toro (signals) SIGTERMs, or calls stop(); (exit status, output,
    seconds from then to the end)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            errors="replace", cwd=cwd)
    out, sent = [], None
    try:
        for line in proc.stdout:
            out.append(line)
            if line.startswith("ready") and sent is None:
                sent = time.monotonic()
                for _ in range(0 if stop else signals):
                    proc.send_signal(signal.SIGTERM)
                    time.sleep(0.2)
                if stop:
                    stop()
        rc = proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    took = time.monotonic() - sent if sent else -1
    return rc, "".join(out), took


def stop_run(build, mode, flags=(), signals=1, stop=None):
    """run_then_stop() for tests/sys/test_stop in (mode)."""
    return run_then_stop([TORO, "run", f"{build}/tests/test_stop.elf",
                          "--accel", "tcg", "--timeout", "120", *flags,
                          "--", mode], signals, stop)


def check_stop_asks_the_guest(build):
    """SIGTERM to toro run presses the guest's power button and waits
    --stop-timeout for the program, which exits with its own status
    (tests/sys/test_stop: the cases in the guest); the host stops the guest
    itself when the program does not exit in time, on a second signal, with
    --stop-timeout 0, and where the guest has no power button (microvm
    without ACPI): 128 + 15, the program's handler never run."""
    problems = []
    rc, out, took = stop_run(build, "ignore", ["--stop-timeout", "2"])
    if rc != 143 or took < 2 or "ready" not in out:
        problems.append(f"ignored: exit {rc} after {took:.1f} s (want 143 "
                        f"after the 2 s grace), {out!r}")
    rc, out, took = stop_run(build, "ignore", ["--stop-timeout", "100"], 2)
    if rc != 143 or took > 50:
        problems.append(f"second signal: exit {rc} after {took:.1f} s "
                        f"(want 143 at once), {out!r}")
    for flags in (["--stop-timeout", "0"], ["--no-acpi"]):
        rc, out, took = stop_run(build, "handler", flags)
        if rc != 143 or "ready" not in out or "handler took" in out:
            problems.append(f"{' '.join(flags)}: exit {rc}, {out!r} (want "
                            "143 without the handler)")
    rc, out, took = stop_run(build, "handler")
    if rc != 7 or "handler took signal 15" not in out:
        problems.append(f"asked: exit {rc}, {out!r} (want 7 from the "
                        "program's handler)")
    return not problems, "; ".join(problems)


def check_ctrl_alt_del_asks_the_guest(build):
    """Ctrl-Alt-Del on the keyboard controller (Firecracker's
    SendCtrlAltDel; here QEMU's PS/2 keyboard on q35, the keys sent over
    a QMP monitor of the test's own) reaches the program as SIGTERM."""
    import json
    import socket
    with tempfile.TemporaryDirectory(prefix="toro-cad-") as tmp:
        qmp = os.path.join(tmp, "qmp.sock")

        def keys():
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(30)
                s.connect(qmp)
                f = s.makefile("rwb")
                f.readline()
                for cmd in ({"execute": "qmp_capabilities"},
                            {"execute": "send-key", "arguments": {"keys": [
                                {"type": "qcode", "data": k}
                                for k in ("ctrl", "alt", "delete")]}}):
                    f.write(json.dumps(cmd).encode() + b"\n")
                    f.flush()
                    f.readline()

        rc, out, _ = stop_run(build, "handler", [
            "--machine", "q35", "--qemu-arg=-qmp",
            f"--qemu-arg=unix:{qmp},server=on,wait=off"], stop=keys)
    return (rc == 7 and "handler took signal 15" in out,
            f"exit {rc} (want 7 from the program's handler), {out!r}")


CHECKS = [(f"cli {fn.__name__[6:]}", fn) for fn in (
    check_unknown_flag, check_bad_number, check_too_many_cpus, check_bad_env,
    check_missing_elf, check_not_pvh, check_missing_qemu, check_timeout,
    check_bad_stop_timeout, check_stop_asks_the_guest,
    check_ctrl_alt_del_asks_the_guest,
    check_build_errors, check_build_output, check_build_default_output,
    check_no_host_libc, check_links_only_what_is_used, check_layers_call_downward,
    check_program_names_win, check_warnings_kept,
    check_power_off_acpi_s5_microvm, check_power_off_acpi_s5_q35,
    check_power_off_last_resort, check_bad_disk, check_disk_options,
    check_root_disk, check_root_disk_stopped,
    check_fs_missing_dir,
    check_bad_initrd, check_cpio_roundtrip, check_device_args,
    check_virtiofsd_cleanup, check_net_errors, check_net_device_args,
    check_net_boots, check_tap_offload, check_tap_mq,
    check_many_connections,
    check_canary_per_boot,
    check_stress_tap, check_stress_user, check_stress_watch,
    check_soak_short, check_hostile_network,
    check_build_ipv4_only,
    check_webserver_in_16_mib, check_hello_within_64_kib,
    check_ceiling_serves, check_storage_ext2_quick, check_profile_errors,
    check_profile_on_interrupt, check_udp_link_errors, check_udp_link_device_args,
    check_udp_link_two_guests, check_vsock_errors, check_vsock_device_args,
    check_vsock_cleanup, check_vsock_backend_garbage)]

# toro debug, toro run --trace and the boot breakdown: tests/debug_checks.py.
import debug_checks  # noqa: E402
CHECKS += debug_checks.CHECKS
# toro libvirt and toro run --libvirt: tests/libvirt_checks.py.
import libvirt_checks  # noqa: E402
CHECKS += libvirt_checks.CHECKS
# toro image, booted by firmware from the disk: tests/image_checks.py.
import image_checks  # noqa: E402
CHECKS += image_checks.CHECKS
# docs/deploy.md's recipes and GCE's tarball: tests/deploy_checks.py.
import deploy_checks  # noqa: E402
CHECKS += deploy_checks.CHECKS


def run_check(name, fn, build, results):
    try:
        ok, detail = fn(build)
    except Exception as e:  # a check that breaks is a failed check
        ok, detail = False, f"{type(e).__name__}: {e}"
    results.add(name, ok, "" if ok else detail)


def built_with(build):
    """The compiler (build)'s objects were made with, from its cc/env."""
    try:
        with open(os.path.join(build, "cc", "env")) as f:
            for line in f:
                if line.startswith("CC="):
                    return os.path.basename(line[3:].split()[0])
    except (OSError, IndexError):
        pass
    return None


# What `make all tests-build` writes in a tree, where kept_warnings()
# looks: not the programs others build there with `toro build` (app/ext*,
# some of which fail on purpose), nor the ports (upstream's code), nor
# other trees (werror-clang).
BUILT_DIRS = ("obj", "obj-ipv4", "app", "tests", "libc-tests", "unit",
              "fuzz", "host")


def kept_warnings(build):
    """(True, "") if no compile or link of `make all tests-build` in
    (build) said anything, else False and what they said
    (tools/keep_warnings keeps it beside each output)."""
    said = [os.path.join(build, f) for f in os.listdir(build)
            if f.endswith(".warnings")]
    for top in BUILT_DIRS:
        for d, dirs, files in os.walk(os.path.join(build, top)):
            if d == os.path.join(build, "app"):
                dirs[:] = [x for x in dirs
                           if not x.startswith("ext") and x != "link"]
            said += [os.path.join(d, f) for f in files
                     if f.endswith(".warnings")]
    text = ""
    for path in sorted(said):
        with open(path, errors="replace") as f:
            text += f"{os.path.relpath(path, build)}:\n{f.read()}"
    return not said, text[-3000:]


def warning_free_build(root, build, cc):
    """Everything builds with `cc` under -Werror; its hello boots. For
    the compiler the suite's own tree was built with (gcc unless told
    otherwise), that build is the one looked at: none of its compiles
    and links may have said a thing (its hello boots in every other
    check), so it is not built a second time."""
    if built_with(build) == cc:
        return kept_warnings(build)
    out_dir = os.path.join(build, f"werror-{cc}")
    r = subprocess.run(["make", "-s", f"-j{os.cpu_count() or 2}", "-C", root, f"BUILD={out_dir}", f"CC={cc}",
                        "WERROR=1", "all", "tests-build"],
                       capture_output=True, text=True)
    text = r.stdout + r.stderr
    if r.returncode or "warning:" in text:
        return False, text[-3000:]
    rc, out, err, _ = toro("run", os.path.join(out_dir, "hello.elf"), "--accel",
                           "tcg", "--timeout", "120")
    return rc == 0 and "Hello from Toro" in out, f"boot: exit {rc} {out!r} {err!r}"
