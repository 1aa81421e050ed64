# SPDX-License-Identifier: MIT
"""`toro cc`: a C compiler driver for programs with a build of their own.

In the spirit of musl-gcc, it runs the compiler Toro was built with, with
the flags and headers applications get (config.mk's APP_CFLAGS, less its
choices of standard, optimisation, warnings and dependency files, which
stay the program's), so that

    CC="toro cc" ./configure --host=x86_64-linux-musl && make
    CC="toro cc" cmake -DCMAKE_TOOLCHAIN_FILE=<toro>/tools/toro/toolchain.cmake

build a program unchanged. It behaves as gcc does: -c, -S, -E, -M* and
-fsyntax-only only compile; anything else links, and a link of an
executable yields a bootable image: the objects (and the sources given,
compiled first), the archives and -l libraries in the order given, then
libtoro.a, linked twice with the symbol table (tools/toro/link.py, which
the Makefile's links use too). -lc, -lm, -lpthread, -ldl, -lrt, -lutil,
-lxnet, -lresolv and -lcrypt are empty archives, as with musl: libtoro.a
has it all. There is no dynamic linking: -shared and shared libraries
are errors; -static, -pie, -rdynamic and -s are accepted and ignored.
With TORO_NET=ipv4 in the environment the link takes libtoro-ipv4.a, the
network stack without IPv6 (as `toro build --ipv4-only`).

What the flags are comes from $BUILD/cc/env, which `make` writes (target
cc-env, also part of `make all`); the first `toro cc` makes it if it is
missing, building libtoro.a on the way.
"""
import os
import shlex
import subprocess
import sys
import tempfile

from . import link as linker

# Options that take their value as the next argument.
SEPARATE = {"-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem",
            "-iquote", "-idirafter", "-iprefix", "-iwithprefix",
            "-iwithprefixbefore", "-isysroot", "-x", "-MF", "-MT", "-MQ",
            "-L", "-l", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-T",
            "-u", "-e", "-z", "--param", "-aux-info", "-A", "-B"}
# Options that stop gcc before the link.
NO_LINK = {"-c", "-S", "-E", "-M", "-MM", "-fsyntax-only"}
# Options that only ask gcc something.
QUERIES = ("--version", "-dumpversion", "-dumpfullversion", "-dumpmachine",
           "-dumpspecs", "-print-", "--print-", "--help", "-###")
# APP_CFLAGS words that are choices for the program's own build to make.
POLICY = ("-std=", "-O", "-W", "-MMD", "-MP", "-g")
SOURCE_EXTS = (".c", ".i", ".s", ".S", ".sx", ".cc", ".cpp", ".cxx", ".C")
# Link options we drop: Toro's link is static, with its own start-up and
# linker script, and keeps its symbols for backtraces.
IGNORED = {"-static", "-pie", "-no-pie", "-static-pie", "-rdynamic", "-s",
           "-nostdlib", "-nodefaultlibs", "-nostartfiles", "-static-libgcc",
           "-pthread", "-pthreads"}
# Libraries that are part of libtoro.a, as they are part of musl's libc.a.
EMPTY_LIBS = ("c", "m", "pthread", "dl", "rt", "util", "xnet", "resolv",
              "crypt")


class CcError(Exception):
    """A usage error, reported as `toro cc: <message>`, status 1."""


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                env[key] = shlex.split(value)
    return env


def absolutize(words, root):
    """Make the paths in APP_CFLAGS-style words relative to root absolute:
    include and library directories, -Wl,-T scripts, and files."""
    def fix(path):
        return path if os.path.isabs(path) else os.path.join(root, path)
    out, take = [], False
    for w in words:
        if take:
            out.append(fix(w))
            take = False
        elif w in ("-I", "-isystem", "-iquote", "-idirafter", "-L",
                   "-include"):
            out.append(w)
            take = True
        elif w.startswith(("-I", "-L")) and len(w) > 2:
            out.append(w[:2] + fix(w[2:]))
        elif w.startswith("-Wl,"):
            parts = w.split(",")
            for i in range(1, len(parts) - 1):
                if parts[i] in ("-T", "--script"):
                    parts[i + 1] = fix(parts[i + 1])
            out.append(",".join(parts))
        elif not w.startswith("-") and os.path.exists(os.path.join(root, w)):
            out.append(fix(w))
        else:
            out.append(w)
    return out


def load_toolchain(root, build_dir):
    """The compiler and flags (a dict of word lists) from $BUILD/cc/env,
    made first when missing."""
    path = os.path.join(build_dir, "cc", "env")
    if not os.path.exists(path):
        # make's output goes to stderr: ours may be the program's (-E).
        r = subprocess.run(["make", "--no-print-directory", "-C", root,
                            f"BUILD={build_dir}", "cc-env"],
                           stdout=sys.stderr)
        if r.returncode or not os.path.exists(path):
            raise CcError(f"could not make {path} (run make in {root})")
    env = read_env(path)
    tc = {k: absolutize(env.get(k, []), root)
          for k in ("CC", "CFLAGS", "LDFLAGS", "ASFLAGS", "LIBS",
                    "LIBS_IPV4", "NM", "LIBDIR")}
    tc["CFLAGS"] = [w for w in tc["CFLAGS"] if not w.startswith(POLICY)]
    net = os.environ.get("TORO_NET", "")
    if net not in ("", "ipv4"):
        raise CcError(f"TORO_NET={net}: want ipv4 (or nothing, for IPv6 "
                      "beside IPv4)")
    if net == "ipv4":
        if not tc["LIBS_IPV4"]:
            raise CcError(f"{path} has no LIBS_IPV4: run make in {root}")
        tc["LIBS"] = tc["LIBS_IPV4"]
    return tc


def classify(args):
    """Split gcc's arguments into (compile options, link items with None
    where each source goes, sources as (language, path), output, number
    of input files)."""
    copts, items, sources, out, n = [], [], [], None, 0
    lang = None
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if a in SEPARATE and i + 1 < len(args) else None
        if a in SEPARATE and value is None:
            raise CcError(f"missing argument to '{a}'")
        i += 2 if value is not None else 1
        if a == "-o":
            out = value
        elif a == "-x":
            lang = None if value == "none" else value
            copts += [a, value]
        elif a in ("-L", "-l", "-Xlinker", "-u", "-z"):
            items += [a, value]
        elif a.startswith(("-L", "-l", "-Wl,", "-fuse-ld=")):
            items.append(a)
        elif a in ("-T", "-e") or a.startswith(("-T", "-Wl,-T")):
            raise CcError(f"{a}: the image's layout is Toro's own")
        elif a in IGNORED:
            if a.startswith("-pthread"):
                copts.append(a)
        elif value is not None:
            copts += [a, value]
        elif a.startswith("-") and a != "-":
            copts.append(a)
        elif lang or a == "-" or a.endswith(SOURCE_EXTS):
            sources.append((lang, a))
            items.append(None)
            n += 1
        elif a.endswith(".so") or ".so." in os.path.basename(a):
            raise CcError(f"{a}: a shared library; a Toro image links "
                          "only static ones")
        else:
            items.append(a)
            n += 1
    return copts, items, sources, out, n


def compile_only(tc, args):
    return subprocess.run([*tc["CC"], *tc["CFLAGS"], *args]).returncode


def link(tc, args):
    copts, items, sources, out, n = classify(args)
    if not n:
        raise CcError("no input files")
    verbose = "-v" in copts
    with tempfile.TemporaryDirectory(prefix="toro-cc-") as tmp:
        objs = []
        for n, (lang, src) in enumerate(sources):
            obj = os.path.join(tmp, f"{n}.o")
            cmd = [*tc["CC"], *tc["CFLAGS"], *copts]
            if lang:
                cmd += ["-x", lang]
            r = subprocess.run([*cmd, "-c", src, "-o", obj])
            if r.returncode:
                return r.returncode
            objs.append(obj)
        inputs = [objs.pop(0) if x is None else x for x in items]
        libdir = tc["LIBDIR"][0] if tc["LIBDIR"] else None
        if libdir:
            inputs.append(f"-L{libdir}")
        try:
            linker.link(out or "a.out", inputs, tc["CC"], tc["LDFLAGS"],
                        tc["ASFLAGS"], tc["LIBS"], tc["NM"][0], verbose)
        except linker.LinkError as e:
            print(f"toro cc: {e}", file=sys.stderr)
            return e.code
        except subprocess.CalledProcessError as e:
            print(f"toro cc: {e}", file=sys.stderr)
            return 1
    return 0


def main(root, build_dir, args):
    """`toro cc ARGS...`: returns the exit status."""
    try:
        if not args:
            raise CcError("no input files")
        if args == ["--help"]:
            print(__doc__.strip())
            return 0
        if "-shared" in args:
            raise CcError("-shared: a Toro image is one static program; "
                          "build a static library instead")
        if all(a.startswith(QUERIES) or a == "-v" for a in args):
            cc = read_env(os.path.join(build_dir, "cc", "env")).get(
                "CC", ["gcc"]) if os.path.exists(
                os.path.join(build_dir, "cc", "env")) else ["gcc"]
            return subprocess.run([*cc, *args]).returncode
        tc = load_toolchain(root, build_dir)
        if any(a in NO_LINK for a in args) or "-r" in args:
            return compile_only(tc, args)
        return link(tc, args)
    except CcError as e:
        print(f"toro cc: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"toro cc: {e}", file=sys.stderr)
        return 1
