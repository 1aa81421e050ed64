# SPDX-License-Identifier: MIT
"""`toro image DIR|ELF -o FILE`: a disk that boots the ELF through GRUB on
BIOS and on UEFI firmware, for clouds and VMMs that boot disks.

The disk (GPT; LBA = 512-byte sector):
  LBA 0        protective MBR, carrying GRUB's boot.img for BIOS
  LBA 1-33     GPT header and partition entries
  LBA 34-2047  partition 1, BIOS boot: GRUB's core.img for i386-pc
  LBA 2048-    partition 2, EFI system (FAT): /EFI/BOOT/BOOTX64.EFI
               (GRUB for x86_64-efi, the path firmware boots without
               being told), /toro.elf (the kernel, stripped) and
               /initrd.img
  then         with --data-dir, partition 3: ext2 made by mke2fs -d from
               the host directory, mounted at /data by the kernel
               (toro.mount=ext2:PARTUUID=...:/data: found by its GPT
               GUID, whichever disk interface the VM gives it)
  last MiB     the backup GPT
Both GRUBs carry the same configuration inside them (no grub.cfg, no
modules on the disk): the console on the first serial port, `multiboot2`
the kernel with its command line baked in, `module2` the initrd, `boot`.
The kernel takes both entries (arch/x86_64/entry_mb2.S).

Everything runs as an ordinary user on ordinary files: grub-mkimage,
mkfs.fat and mtools for the ESP, sfdisk for the partition table; boot.img
and core.img are written and patched here the way grub-bios-setup does
(GRUB 2.06, util/setup.c), without a device to point it at. The GRUB and
the FAT tools are Debian's packages (tools/deps.sh).
"""
import os
import re
import shutil
import subprocess
import tempfile
import uuid

from . import elf
from .errors import FAILED, NOT_FOUND, ToroError

SECTOR = 512
MIB = 1 << 20
BIOS_BOOT_LBA = 34              # right after the primary GPT
ESP_LBA = 2048                  # 1 MiB, where partitioning tools align
ESP_MIN = 4 * MIB               # FAT16's 4085 clusters of one sector, and room
BIOS_BOOT_GUID = "21686148-6449-6E6F-744E-656564454649"
ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX_DATA_GUID = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
DATA_MOUNT = "/data"            # where the kernel mounts --data-dir's files
GRUB_PC = "/usr/lib/grub/i386-pc"
GRUB_EFI = "/usr/lib/grub/x86_64-efi"
# What the embedded configuration uses: the partition table and FAT to
# find the files, multiboot2 to load them, the serial console.
GRUB_MODULES = ["part_gpt", "fat", "multiboot2", "serial", "terminal"]
KERNEL_FILE, INITRD_FILE = "/toro.elf", "/initrd.img"
FORMATS = ("raw", "qcow2", "gce", "vhd")
GCE_DISK_SIZE = 1 << 30         # GCE imports disks of whole GiB

# boot.img (GRUB 2.06 include/grub/i386/pc/boot.h): the LBA of core.img's
# first sector, the jump over the drive check (made two NOPs for a hard
# disk, for BIOSes that pass a wrong drive number) and the MBR's own
# tail (disk signature, partition table) that must survive.
BOOT_KERNEL_SECTOR = 0x5c
BOOT_DRIVE_CHECK = 0x66
BOOT_BPB = (0x03, 0x5a)
BOOT_MBR_TAIL = 0x1b8
# core.img's first sector (diskboot.img) ends with a block list of what
# to load next: start LBA (8 bytes), sector count (2), segment (2).
CORE_BLOCKLIST = SECTOR - 12
CORE_SEGMENT = 0x820


def sbin_path():
    """PATH with the sbin directories a non-root shell may lack
    (mkfs.fat and sfdisk live there)."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(dirs + [d for d in ("/usr/sbin", "/sbin")
                                   if d not in dirs])


def find_tools(fmt, data=False):
    """{name: path} of the programs and GRUB files a --format (and a data
    partition) needs, or a ToroError naming the packages that provide the
    missing ones."""
    path = sbin_path()
    wanted = {"grub-mkimage": "grub-common", "mkfs.fat": "dosfstools",
              "mcopy": "mtools", "mmd": "mtools", "sfdisk": "fdisk"}
    if data:
        wanted["mke2fs"] = "e2fsprogs"
    if fmt in ("qcow2", "vhd"):
        wanted["qemu-img"] = "qemu-utils"
    if fmt == "gce":
        wanted["tar"] = "tar"
    found, missing = {}, []
    for tool, pkg in wanted.items():
        found[tool] = shutil.which(tool, path=path)
        if not found[tool]:
            missing.append((tool, pkg))
    for d, pkg in ((GRUB_PC, "grub-pc-bin"), (GRUB_EFI, "grub-efi-amd64-bin")):
        if not os.path.exists(os.path.join(d, "multiboot2.mod")):
            missing.append((d, pkg))
    if missing:
        what = ", ".join(m[0] for m in missing)
        pkgs = " ".join(dict.fromkeys(m[1] for m in missing))
        raise ToroError(f"toro image needs {what}: install them with "
                        f"`sudo apt-get install {pkgs}`", NOT_FOUND)
    return found


def run(cmd, what):
    r = subprocess.run(cmd, capture_output=True, text=True,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1",
                                PATH=sbin_path()))
    if r.returncode:
        err = (r.stderr or r.stdout).strip().splitlines()
        raise ToroError(f"{what} failed: {err[-1] if err else r.returncode}",
                        NOT_FOUND if r.returncode == 127 else FAILED)
    return r.stdout


def grub_word(word):
    """One word for GRUB's command parser: single quotes keep everything
    as is ($, spaces, double quotes, backslashes)."""
    return "'" + word.replace("'", "'\\''") + "'"


def check_words(words):
    """GRUB hands the kernel its arguments joined with spaces, quoting
    those with spaces and escaping quotes and backslashes (GRUB 2.06,
    lib/cmdline.c): empty words and other white space do not survive."""
    for w in words:
        if not w:
            raise ToroError("an empty argument cannot be baked into a disk "
                            "image (GRUB drops it)")
        if any(c in w for c in "\t\n\r\v\f"):
            raise ToroError(f"argument {w!r}: tabs and line breaks cannot be "
                            "baked into a disk image (GRUB splits there)")


def grub_config(words, with_initrd):
    """The configuration embedded in both GRUBs. GRUB's own messages go
    to the serial port too, plainly (terminfo dumb: no screen clearing);
    no graphics mode is set, which on UEFI makes GRUB say "WARNING: no
    console will be available to OS": the kernel's console is the serial
    port, so none is needed."""
    check_words(words)
    lines = ["serial --unit=0 --speed=115200",
             "terminfo serial dumb",
             "terminal_input serial",
             "terminal_output serial",
             "set gfxpayload=text",
             "multiboot2 " + " ".join(grub_word(w) for w in [KERNEL_FILE] + words)]
    if with_initrd:
        lines.append(f"module2 {INITRD_FILE}")
    lines.append("boot")
    return "\n".join(lines) + "\n"


def make_grub(tools, tmp, config):
    """(core.img for BIOS, BOOTX64.EFI) with config embedded."""
    cfg = os.path.join(tmp, "embedded.cfg")
    with open(cfg, "w") as f:
        f.write(config)
    core, efi = os.path.join(tmp, "core.img"), os.path.join(tmp, "BOOTX64.EFI")
    # BIOS GRUB finds its disk through the firmware (biosdisk); the
    # prefix names partition 2 of the disk it was loaded from.
    run([tools["grub-mkimage"], "-O", "i386-pc", "-d", GRUB_PC, "-c", cfg,
         "-p", "(,gpt2)/", "-o", core, "biosdisk", *GRUB_MODULES],
        "grub-mkimage (i386-pc)")
    # UEFI GRUB's root is the partition it was loaded from.
    run([tools["grub-mkimage"], "-O", "x86_64-efi", "-d", GRUB_EFI, "-c", cfg,
         "-p", "/", "-o", efi, *GRUB_MODULES], "grub-mkimage (x86_64-efi)")
    return core, efi


def strip_copy(kernel, out):
    """The kernel without its symbol table and debug information, which
    nothing reads at boot (the kernel's own symbols are in .ksyms)."""
    strip = shutil.which("strip")
    if strip and subprocess.run([strip, "-o", out, kernel],
                                capture_output=True).returncode == 0:
        return out
    shutil.copyfile(kernel, out)
    return out


def make_esp(tools, tmp, files):
    """A FAT file system image (FAT16; FAT32 past 2 GiB) holding files
    ({path on the ESP: host path}); its size is what they need, in whole
    MiB."""
    need = sum(os.path.getsize(p) for p in files.values())
    size = max(ESP_MIN, -(-(need + need // 4 + 512 * 1024) // MIB) * MIB)
    esp = os.path.join(tmp, "esp.img")
    with open(esp, "wb") as f:
        f.truncate(size)
    # FAT16 wants 4085 clusters or more: one-sector clusters under 32 MiB,
    # mkfs.fat's choice above; past 2 GiB only FAT32 will do.
    fat = (["-F", "16", "-s", "1"] if size < 32 * MIB else
           ["-F", "16"] if size < 2048 * MIB else ["-F", "32"])
    run([tools["mkfs.fat"], *fat, "-n", "TORO", esp], "mkfs.fat")
    dirs = set()
    for p in files:
        while os.path.dirname(p) != "/":
            p = os.path.dirname(p)
            dirs.add(p)
    if dirs:
        run([tools["mmd"], "-i", esp, *("::" + d for d in sorted(dirs))],
            "mmd")
    for dest, src in files.items():
        run([tools["mcopy"], "-i", esp, src, "::" + dest], "mcopy")
    return esp


def copy_into(disk, src, offset):
    """src's bytes into disk at offset, leaving holes where src has zeros
    (the disk is sparse and stays so)."""
    chunk = 64 * 1024
    with open(src, "rb") as fi, open(disk, "r+b") as fo:
        pos = offset
        while True:
            data = fi.read(chunk)
            if not data:
                break
            if data.count(0) != len(data):
                fo.seek(pos)
                fo.write(data)
            pos += len(data)


def install_bios_boot(disk, core):
    """boot.img into the MBR pointing at core.img in the BIOS boot
    partition, whose block list says where the rest of it is."""
    core_size = os.path.getsize(core)
    sectors = -(-core_size // SECTOR)
    if BIOS_BOOT_LBA + sectors > ESP_LBA:
        raise ToroError(f"GRUB's core.img ({core_size} bytes) does not fit "
                        "the BIOS boot partition", FAILED)
    with open(os.path.join(GRUB_PC, "boot.img"), "rb") as f:
        boot = bytearray(f.read())
    with open(core, "rb") as f:
        img = bytearray(f.read())
    img += bytes(sectors * SECTOR - len(img))
    with open(disk, "r+b") as f:
        mbr = bytearray(f.read(SECTOR))
        lo, hi = BOOT_BPB
        boot[lo:hi] = mbr[lo:hi]
        boot[BOOT_KERNEL_SECTOR:BOOT_KERNEL_SECTOR + 8] = \
            BIOS_BOOT_LBA.to_bytes(8, "little")
        boot[BOOT_DRIVE_CHECK:BOOT_DRIVE_CHECK + 2] = b"\x90\x90"
        boot[BOOT_MBR_TAIL:] = mbr[BOOT_MBR_TAIL:]
        bl = CORE_BLOCKLIST
        img[bl:bl + 8] = (BIOS_BOOT_LBA + 1).to_bytes(8, "little")
        img[bl + 8:bl + 10] = (sectors - 1).to_bytes(2, "little")
        img[bl + 10:bl + 12] = CORE_SEGMENT.to_bytes(2, "little")
        f.seek(0)
        f.write(boot)
        f.seek(BIOS_BOOT_LBA * SECTOR)
        f.write(img)


def make_raw(tools, out, esp, core, unit=0, data=None):
    """The whole disk at out, sparse: just big enough, in whole MiB, or
    rounded up to a multiple of unit bytes. data: (ext2 image, its
    partition's GUID) for partition 3, or None."""
    esp_size = os.path.getsize(esp)
    data_lba = ESP_LBA + esp_size // SECTOR
    data_size = os.path.getsize(data[0]) if data else 0
    size = data_lba * SECTOR + data_size + MIB
    if unit:
        size = -(-size // unit) * unit
    with open(out, "wb") as f:
        f.truncate(size)
    table = (f"label: gpt\nunit: sectors\nfirst-lba: {BIOS_BOOT_LBA}\n"
             f"start={BIOS_BOOT_LBA}, size={ESP_LBA - BIOS_BOOT_LBA}, "
             f"type={BIOS_BOOT_GUID}, name=\"BIOS boot\"\n"
             f"start={ESP_LBA}, size={esp_size // SECTOR}, type={ESP_GUID}, "
             f"name=\"EFI system\"\n")
    if data:
        table += (f"start={data_lba}, size={data_size // SECTOR}, "
                  f"type={LINUX_DATA_GUID}, uuid={data[1]}, "
                  f"name=\"toro data\"\n")
    r = subprocess.run([tools["sfdisk"], "--no-reread", "--no-tell-kernel",
                        "-q", out], input=table, capture_output=True, text=True)
    if r.returncode:
        raise ToroError(f"sfdisk failed: {r.stderr.strip()}", FAILED)
    install_bios_boot(out, core)
    copy_into(out, esp, ESP_LBA * SECTOR)
    if data:
        copy_into(out, data[0], data_lba * SECTOR)


# --- the data partition (--data-dir, --data-size) --------------------------

def parse_size(text):
    """--data-size: bytes, or a number with K, M or G (binary units),
    rounded up to whole MiB; at least 1 MiB."""
    m = re.fullmatch(r"([0-9]+)([KMG]?)i?B?", text.strip(), re.I)
    if not m:
        raise ToroError(f"--data-size {text}: not a size (say 64M or 2G)")
    n = int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[
        m.group(2).upper()]
    if n < MIB:
        raise ToroError(f"--data-size {text}: less than 1 MiB")
    return -(-n // MIB) * MIB


def tree_size(path):
    """Bytes the files under path take in 4 KiB blocks, a block for each
    directory, link and special file."""
    total = 0
    for top, dirs, files in os.walk(path):
        total += 4096
        for name in files + [d for d in dirs
                             if os.path.islink(os.path.join(top, d))]:
            st = os.lstat(os.path.join(top, name))
            total += -(-st.st_size // 4096) * 4096 + 4096
    return total


def check_data(data_dir, data_size):
    """Fail early, before a build: the directory, the size, the pairing.
    Returns the size in bytes (None: what the files need)."""
    if data_size is not None and data_dir is None:
        raise ToroError("--data-size needs --data-dir (the files to put in "
                        "the data partition)")
    if data_dir is None:
        return None
    if not os.path.exists(data_dir):
        raise ToroError(f"--data-dir {data_dir}: no such directory")
    if not os.path.isdir(data_dir):
        raise ToroError(f"--data-dir {data_dir}: not a directory")
    if not os.access(data_dir, os.R_OK | os.X_OK):
        raise ToroError(f"--data-dir {data_dir}: cannot read it")
    return parse_size(data_size) if data_size is not None else None


def make_data(tools, tmp, data_dir, size):
    """An ext2 image of size bytes (None: room for the files and as much
    again, at least 8 MiB) holding data_dir's files."""
    asked = size is not None
    if not asked:
        need = tree_size(data_dir)
        size = max(8 * MIB, -(-(2 * need + 2 * MIB) // MIB) * MIB)
    img = os.path.join(tmp, "data.img")
    with open(img, "wb") as f:
        f.truncate(size)
    r = subprocess.run([tools["mke2fs"], "-q", "-F", "-t", "ext2",
                        "-L", "toro-data", "-d", data_dir, img],
                       capture_output=True, text=True,
                       env=dict(os.environ, PATH=sbin_path()))
    if r.returncode:
        err = (r.stderr or r.stdout).strip().splitlines()
        err = err[-1] if err else f"exit status {r.returncode}"
        full = re.search(r"[Cc]ould not allocate|No space|too small|"
                         r"[Nn]o free space|[Cc]ould not write", err)
        if asked and full:
            raise ToroError(f"--data-size {size >> 20}M is too small for "
                            f"{data_dir} ({err})")
        raise ToroError(f"mke2fs -d {data_dir} failed: {err}", FAILED)
    return img


def data_words(part_uuid):
    """What the kernel command line gets to mount the data partition."""
    return [f"toro.mount=ext2:PARTUUID={part_uuid}:{DATA_MOUNT}"]


def convert(tools, raw, out, fmt, tmp):
    """raw (a finished disk) as fmt at out."""
    if fmt == "raw":
        shutil.move(raw, out)
    elif fmt == "qcow2":
        run([tools["qemu-img"], "convert", "-f", "raw", "-O", "qcow2", raw,
             out], "qemu-img")
    elif fmt == "vhd":
        # Fixed-size VHD, its size exactly the disk's (whole MiB), as
        # Azure wants; qemu-img leaves the zeros as holes.
        run([tools["qemu-img"], "convert", "-f", "raw", "-O", "vpc", "-o",
             "subformat=fixed,force_size=on", raw, out], "qemu-img")
    else:
        # GCE: a gzipped tar of one file named disk.raw, in GNU's old
        # format with sparse files (tar -S), as its import expects.
        disk = os.path.join(tmp, "disk.raw")
        os.rename(raw, disk)
        run([tools["tar"], "--format=oldgnu", "-S", "-czf", out, "-C", tmp,
             "disk.raw"], "tar")


def check_output(out, fmt, data=False):
    """Fail early, before a build: where the image goes, and the tools."""
    out_dir = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(out_dir):
        raise ToroError(f"-o {out}: no such directory {out_dir}")
    if os.path.isdir(out):
        raise ToroError(f"-o {out}: is a directory")
    if not os.access(out_dir, os.W_OK):
        raise ToroError(f"-o {out}: cannot write in {out_dir}")
    find_tools(fmt, data)


def check_elf(path):
    """A PVH kernel (elf.inspect's errors) that GRUB can load too."""
    elf.inspect(path)
    if not elf.has_multiboot2(path):
        raise ToroError(f"{path}: no Multiboot2 header, so GRUB cannot boot "
                        "it; build it again with this Toro (`toro build`)")


def build_image(elf_path, out, fmt, words, initrd, data_dir=None,
                data_size=None):
    """Write the disk image for the kernel at elf_path, booted with the
    kernel command line words (a list) and initrd (a cpio archive's path,
    or None), to out as fmt; with data_dir, an ext2 partition of its files
    (data_size bytes, None: what they need) that the kernel mounts at
    /data."""
    size = check_data(data_dir, data_size)
    check_output(out, fmt, data_dir is not None)
    tools = find_tools(fmt, data_dir is not None)
    part_uuid = str(uuid.uuid4()).upper() if data_dir else None
    if data_dir:
        # Kernel options end at "--"; the application's arguments follow.
        end = words.index("--") if "--" in words else len(words)
        if any(w.startswith("toro.mount=") for w in words[:end]):
            raise ToroError("--data-dir mounts its partition with "
                            "toro.mount=, which --append gives too: the "
                            "kernel takes one")
        words = words[:end] + data_words(part_uuid) + words[end:]
    config = grub_config(words, initrd is not None)
    out_dir = os.path.dirname(os.path.abspath(out))
    with tempfile.TemporaryDirectory(prefix="toro-image-", dir=out_dir) as tmp:
        data = (make_data(tools, tmp, data_dir, size), part_uuid) \
            if data_dir else None
        core, efi = make_grub(tools, tmp, config)
        files = {"/EFI/BOOT/BOOTX64.EFI": efi,
                 KERNEL_FILE: strip_copy(elf_path,
                                         os.path.join(tmp, "toro.elf"))}
        if initrd:
            files[INITRD_FILE] = initrd
        esp = make_esp(tools, tmp, files)
        raw = os.path.join(tmp, "disk.img")
        make_raw(tools, raw, esp, core, GCE_DISK_SIZE if fmt == "gce" else 0,
                 data)
        part = os.path.join(tmp, "out")
        convert(tools, raw, part, fmt, tmp)
        os.replace(part, out)
    return out


# --- booting an image as a cloud would (tests, bench) ----------------------

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
DISK_DEVICES = {
    "ide": None,                        # q35: the ICH9 AHCI controller
    "virtio": "virtio-blk-pci,drive=boot",
    "nvme": "nvme,serial=toro-boot,drive=boot",
}


def boot_command(path, firmware, disk, tmp, fmt="raw", smp=2, mem=128,
                 extra=()):
    """QEMU booting the disk image at path on q35 through firmware
    ("seabios" or "ovmf", whose variables are copied into tmp), the disk
    on "ide", "virtio" or "nvme"; no -kernel; extra QEMU arguments last
    (data disks for the guest's own drivers). The console is stdio and
    the guest's exit status comes back as isa-debug-exit's,
    (status << 1) | 1."""
    cmd = ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg", "-cpu", "max",
           "-smp", str(smp), "-m", str(mem), "-nodefaults", "-no-user-config",
           "-display", "none", "-monitor", "none", "-no-reboot",
           "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if firmware == "ovmf":
        variables = os.path.join(tmp, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, variables)
        cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,"
                f"file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={variables}"]
    elif firmware != "seabios":
        raise ValueError(f"firmware {firmware!r}")
    drive = f"file={path},format={'vpc' if fmt == 'vhd' else fmt}"
    if DISK_DEVICES[disk] is None:
        cmd += ["-drive", drive + ",if=ide"]
    else:
        cmd += ["-drive", drive + ",if=none,id=boot",
                "-device", DISK_DEVICES[disk]]
    return cmd + list(extra)
