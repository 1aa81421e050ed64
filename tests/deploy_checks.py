# SPDX-License-Identifier: MIT
"""Checks of docs/deploy.md and of what GCE imports, run by run.py with
the checks of cli_checks.py. No cloud or cluster here: the recipes are
checked for structure (their YAML, HCL and JSON parse and carry the
fields each platform needs; every `toro` command in them is one toro's
own parser accepts) and `toro image --format gce` for the tarball layout
GCE's image import requires.
"""
import gzip
import json
import os
import re
import shlex
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "deploy.md")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from toro import cli, errors  # noqa: E402

import image_checks  # noqa: E402

GIB = 1 << 30


def blocks(lang):
    """The fenced code blocks of docs/deploy.md written in lang."""
    with open(DOC) as f:
        text = f.read()
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, re.M | re.S)


def dig(tree, path):
    for key in path.split("."):
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def check_kubevirt(problems):
    import yaml
    docs = [d for b in blocks("yaml") for d in yaml.safe_load_all(b)]
    vms = [d for d in docs if d.get("kind") == "VirtualMachine"]
    if len(vms) != 1:
        problems.append(f"{len(vms)} KubeVirt VirtualMachines, want 1")
        return
    vm = vms[0]
    domain = dig(vm, "spec.template.spec.domain") or {}
    want = {
        "apiVersion": vm.get("apiVersion") == "kubevirt.io/v1",
        "machine.type q35": dig(domain, "machine.type") == "q35",
        "kernelBoot.container.image":
            bool(dig(domain, "firmware.kernelBoot.container.image")),
        "kernelPath": str(dig(domain, "firmware.kernelBoot.container."
                              "kernelPath")).startswith("/"),
        "initrdPath": str(dig(domain, "firmware.kernelBoot.container."
                              "initrdPath")).startswith("/"),
        "kernelArgs with toro.root=initrd and --": re.search(
            r"toro\.root=initrd.* --", str(dig(domain, "firmware.kernelBoot."
                                               "kernelArgs"))) is not None,
        "memory request": bool(dig(domain, "resources.requests.memory")),
        "a network for each interface":
            {i["name"] for i in dig(domain, "devices.interfaces") or []} ==
            {n["name"] for n in dig(vm, "spec.template.spec.networks") or []},
    }
    problems += [f"KubeVirt: {k}" for k, ok in want.items() if not ok]


def hcl_strip(text):
    """HCL without comments and strings' contents: what braces count."""
    text = re.sub(r"#.*", "", text)
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def check_nomad(problems):
    jobs = [b for b in blocks("hcl") if re.match(r'\s*job "', b)]
    if len(jobs) != 1:
        problems.append(f"{len(jobs)} Nomad jobs, want 1")
        return
    job = jobs[0]
    bare = hcl_strip(job)
    depth = 0
    for c in bare:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            break
    if depth:
        problems.append("Nomad: unbalanced braces")
    for pattern in (r'^\s*group "[^"]+" \{', r'^\s*task "[^"]+" \{',
                    r'^\s*driver\s*=\s*"qemu"$',
                    r'^\s*image_path\s*=\s*"local/[^"]+\.qcow2"$',
                    r'^\s*artifact \{', r'^\s*source\s*=\s*"https://',
                    r'^\s*port "http"', r'^\s*http\s*=\s*80$',
                    r'^\s*memory\s*=\s*(\d+)$'):
        m = re.search(pattern, job, re.M)
        if not m:
            problems.append(f"Nomad: no {pattern!r}")
        elif m.groups() and int(m.group(1)) < 128:
            problems.append("Nomad: the QEMU driver wants 128 MB at least")
    m = re.search(r"^\s*args\s*=\s*(\[.*\])$", job, re.M)
    try:
        args = json.loads(m.group(1)) if m else []
        if not all(isinstance(a, str) for a in args):
            raise ValueError("not strings")
    except ValueError as e:
        problems.append(f"Nomad: args is not a list of strings: {e}")


def check_aws_json(problems):
    docs = [json.loads(b) for b in blocks("json")]
    good = [d for d in docs if d.get("Format") == "raw"
            and set(d.get("UserBucket", {})) == {"S3Bucket", "S3Key"}]
    if len(good) != 1:
        problems.append("AWS: no containers.json with Format raw and "
                        "UserBucket S3Bucket/S3Key")


def toro_commands():
    """Each `./toro ...` command of the shell blocks, as argv words."""
    for b in blocks("sh"):
        for line in b.replace("\\\n", " ").splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("./toro "):
                yield shlex.split(line)[1:]


def check_toro_commands(problems):
    parser = cli.make_parser()
    n = 0
    for argv in toro_commands():
        own, _ = cli.split_args(argv)
        n += 1
        try:
            parser.parse_args(own)
        except errors.ToroError as e:
            problems.append(f"`toro {shlex.join(argv)}`: {e}")
    if n < 5:
        problems.append(f"only {n} toro commands found")


def check_deploy_doc(build):
    problems = []
    for check in (check_kubevirt, check_nomad, check_aws_json,
                  check_toro_commands):
        try:
            check(problems)
        except Exception as e:  # a recipe that does not parse
            problems.append(f"{check.__name__}: {type(e).__name__}: {e}")
    with open(DOC) as f:
        text = f.read()
    for lacking in ("ENA", "gVNIC", "NVMe"):
        if lacking not in text:
            problems.append(f"the doc does not say what lacks {lacking}")
    return not problems, "; ".join(problems)


def check_gce_tarball(build):
    """GCE's import: a gzip-compressed tar holding only disk.raw, in GNU
    tar's oldgnu format (sparse allowed), the disk a whole number of GiB,
    a bootable GPT disk inside."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="toro-imgtest-") as tmp:
        path = image_checks.make(tmp, f"{build}/hello.elf", fmt="gce")
        with open(path, "rb") as f:
            if f.read(2) != b"\x1f\x8b":
                problems.append("not gzip")
        with gzip.open(path) as f:
            header = f.read(512)
        if header[257:265] != b"ustar  \0":
            problems.append(f"not oldgnu: magic {header[257:265]!r}")
        with tarfile.open(path, "r:gz") as t:
            members = t.getmembers()
            names = [m.name for m in members]
            if names != ["disk.raw"]:
                problems.append(f"members {names}, want only disk.raw")
            m = members[0]
            if not (m.isreg() or m.type == tarfile.GNUTYPE_SPARSE):
                problems.append(f"disk.raw is of type {m.type!r}")
            if m.size == 0 or m.size % GIB:
                problems.append(f"disk.raw is {m.size} bytes, not whole GiB")
            disk = t.extractfile(m).read(1024)
        if disk[510:512] != b"\x55\xaa" or disk[512:520] != b"EFI PART":
            problems.append("disk.raw has no protective MBR and GPT")
        if os.path.getsize(path) > 4 << 20:
            problems.append(f"{os.path.getsize(path)} bytes: not sparse?")
    return not problems, "; ".join(problems)


CHECKS = [(f"cli {fn.__name__[6:]}", fn) for fn in (
    check_deploy_doc, check_gce_tarball)]
