# SPDX-License-Identifier: MIT
"""gdb commands for Toro guests; `toro debug` loads this file.

  toro-threads [--no-bt]   every Toro thread, CPU by CPU: id, name (its start
                           function), state and call stack
  toro-net                 the network path's queues: lwIP's core lock and
                           tcpip mailbox, every TCP pcb (state, sequence
                           numbers, windows, queued segments, its netconn's
                           mailbox), and each virtio-net device's rings
  toro-mem                 one line: the page allocator's total and free
                           pages, the heap's live bytes and blocks (what
                           mem_stats() says, read without running the guest)

Toro's threads are not gdb's threads: gdb (through QEMU's gdbstub) sees one
thread per virtual CPU. The scheduler keeps, per CPU, the running thread,
its idle thread and a list of every live thread (kernel/sched.c, struct
sched_cpu, reached through cpus[i]->percpu_offset like per_cpu_var()). The
running thread's stack is the CPU's registers, so gdb's own unwinder walks
it; a thread that is not running was switched away from in arch_switch
(switch.S), which pushed rbp, rbx, r12-r15 and left its return address
above them: its stack is walked from there by frame pointers (everything
is built with them).
"""
import gdb

MAX_FRAMES = 32
SWITCH_SAVED = 6            # registers arch_switch pushes before saving sp


def _ulong():
    return gdb.lookup_type("unsigned long")


def _read_u64(addr):
    data = gdb.selected_inferior().read_memory(addr, 8)
    return int.from_bytes(bytes(data), "little")


def _sched_symbol():
    """The per-CPU template of the scheduler's state (static in sched.c)."""
    for sym in gdb.lookup_static_symbols("sched"):
        if sym.type.strip_typedefs().tag == "sched_cpu":
            return sym
    raise gdb.GdbError("no `sched` of type struct sched_cpu in this image: "
                       "is it a Toro ELF with debug information?")


def _cpus():
    """[(cpu id, struct cpu * value)] of the CPUs that have come up."""
    table = gdb.parse_and_eval("cpus")
    out = []
    for i in range(table.type.range()[1] + 1):
        c = table[i]
        if int(c) == 0:
            break
        out.append((i, c))
    return out


def _per_cpu(template, cpu):
    # The offset is unsigned: a copy below the template wraps around.
    addr = (int(template.address) + int(cpu["percpu_offset"])) & (2**64 - 1)
    ptr_type = template.type.pointer()
    return gdb.Value(addr).cast(_ulong()).cast(ptr_type).dereference()


def _where(pc, is_return):
    """'func () at file:line' for an address; a return address is looked up
    one byte back, inside the call."""
    look = pc - 1 if is_return and pc else pc
    name = None
    try:
        block = gdb.block_for_pc(look)
        while block is not None and block.function is None:
            block = block.superblock
        if block is not None:
            name = block.function.print_name
    except RuntimeError:
        pass
    if name is None:
        # Only an ELF symbol (assembly, or a block gdb does not tie to
        # its function): "name + offset in section .text".
        text = gdb.execute(f"info symbol {look:#x}", to_string=True).strip()
        name = "??" if "No symbol" in text else text.split(" ")[0]
    sal = gdb.find_pc_line(look)
    if sal.symtab is not None:
        return f"{name} () at {sal.symtab.filename}:{sal.line}"
    return f"{name} ()"


def _fp_frames(pc, rbp, low, high):
    """(pc, is_return) frames from a pc and frame pointer, within the
    stack [low, high) when known."""
    frames = [(pc, False)]
    while rbp and len(frames) < MAX_FRAMES:
        if rbp % 8 or (high and not low <= rbp < high):
            break
        try:
            ret = _read_u64(rbp + 8)
            rbp = _read_u64(rbp)
        except gdb.MemoryError:
            break
        if ret == 0:
            break
        frames.append((ret, True))
    return frames


def _saved_frames(t):
    """Frames of a thread that is not running, from its saved context."""
    sp = int(t["sp"])
    stack = int(t["stack"])
    low = stack + 4096 if stack else 0              # above the guard page
    high = stack + int(t["stack_pages"]) * 4096 if stack else 0
    rbp = _read_u64(sp + 8 * (SWITCH_SAVED - 1))
    rip = _read_u64(sp + 8 * SWITCH_SAVED)
    return [(rip, True)] + _fp_frames(0, rbp, low, high)[1:]


def _live_frames(gdb_thread):
    """Frames of the thread a CPU is running: gdb's unwinder on its vCPU."""
    old = gdb.selected_thread()
    frames = []
    try:
        gdb_thread.switch()
        f = gdb.newest_frame()
        while f is not None and len(frames) < MAX_FRAMES:
            frames.append((f.pc(), bool(frames)))
            f = f.older()
    except gdb.error:
        pass
    finally:
        if old is not None:
            old.switch()
    return frames


def _vcpu_threads(cpus):
    """Toro CPU id -> gdb thread of its vCPU, matched by the GS base
    (pointing at the CPU's struct cpu, arch/x86_64 percpu.h)."""
    by_base = {int(c): i for i, c in cpus}
    out = {}
    old = gdb.selected_thread()
    try:
        for th in gdb.selected_inferior().threads():
            th.switch()
            try:
                base = int(gdb.parse_and_eval("$gs_base")) & (2**64 - 1)
            except gdb.error:
                continue
            if base in by_base:
                out[by_base[base]] = th
    finally:
        if old is not None:
            old.switch()
    return out


def _state(t):
    text = str(t["state"])
    return text[len("THREAD_"):].lower() if text.startswith("THREAD_") else text


def _function_at(addr):
    return _where(addr, False).split(" ")[0]


def _name(t):
    """The function a thread was started with. A pthread starts in the C
    library's clone_entry (libc/thread.c) with a struct clone_start, whose
    argument is musl's struct start_args: the start routine is the first
    word of each."""
    fn = int(t["fn"])
    if not fn:
        return "idle"
    name = _function_at(fn)
    if name == "clone_entry" and int(t["arg"]):
        try:
            start_args = _read_u64(int(t["arg"]) + 8)   # clone_start.arg
            routine = _read_u64(start_args) if start_args else 0
            if routine:
                return _function_at(routine)
        except gdb.MemoryError:
            pass
    return name


def _thread_list(s):
    seen, out = set(), []
    t = s["all"]
    while int(t) and int(t) not in seen and len(out) < 100000:
        seen.add(int(t))
        out.append(t)
        t = t["all_next"]
    cur = s["current"]
    if int(cur) and int(cur) not in seen and int(cur) != int(s["idle"].address):
        out.insert(0, cur)      # running but not listed: should not happen
    return out


class ToroThreads(gdb.Command):
    """List Toro threads per CPU: id, name, state, stack.
Usage: toro-threads [--no-bt]"""

    def __init__(self):
        super().__init__("toro-threads", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        want_bt = "--no-bt" not in arg.split()
        template = _sched_symbol().value()
        cpus = _cpus()
        if not cpus:
            print("toro-threads: no CPU is up yet (stopped before "
                  "kernel_start?)")
            return
        vcpus = _vcpu_threads(cpus)
        for cid, cpu in cpus:
            s = _per_cpu(template, cpu)
            vcpu = vcpus.get(cid)
            where = f", gdb thread {vcpu.num}" if vcpu else ""
            print(f"CPU {cid} (APIC id {int(cpu['apic_id'])}{where}):")
            if not bool(s["up"]):
                print("  scheduler not started")
                continue
            cur = int(s["current"])
            idle = s["idle"].address
            for t in _thread_list(s) + [idle]:
                running = int(t) == cur
                is_idle = int(t) == int(idle)
                tid = "idle" if is_idle else f"thread {int(t['id'])}"
                state = "running" if running else _state(t)
                name = "-" if is_idle else _name(t)
                print(f"  {tid:<10} {state:<8} {name}")
                if not want_bt:
                    continue
                try:
                    if running:
                        frames = _live_frames(vcpu) if vcpu else []
                    else:
                        frames = _saved_frames(t)
                except gdb.MemoryError as e:
                    print(f"    <stack unreadable: {e}>")
                    continue
                frames = [f for f in frames if f[0]]
                for n, (pc, is_ret) in enumerate(frames):
                    print(f"    #{n} {pc:#x} in {_where(pc, is_ret)}")


TCP_STATES = ("CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
              "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
              "LAST_ACK", "TIME_WAIT")
MAX_PCBS = 200              # listed one by one; the rest only counted


def _static(name, tag=None):
    """A static variable of lwIP or of the kernel, or None."""
    try:
        for sym in gdb.lookup_static_symbols(name):
            if tag is None or sym.type.strip_typedefs().tag == tag:
                return sym.value()
    except (gdb.error, AttributeError):
        pass
    try:
        return gdb.parse_and_eval(name)
    except gdb.error:
        return None


def _mutex(m):
    owner = int(m["owner"])
    held = int(m["state"])
    if not held:
        return "free"
    who = f"thread {int(m['owner']['id'])}" if owner else "?"
    return f"held by {who}" + (" with waiters" if held == 2 else "")


def _mbox(b):
    if not int(b["ring"]):
        return "-"
    return f"{int(b['count'])}/{int(b['size'])}"


def _netconn(arg):
    """The netconn behind a pcb's callback_arg: its mailboxes."""
    if not int(arg):
        return "no netconn"
    try:
        c = arg.cast(gdb.lookup_type("struct netconn").pointer())
        return (f"recv {_mbox(c['recvmbox'])} accept {_mbox(c['acceptmbox'])}"
                f" err {int(c['pending_err'])}")
    except (gdb.error, gdb.MemoryError) as e:
        return f"<netconn unreadable: {e}>"


def _ip(v):
    """An ip_addr_t (dual stack: a union and a type) as text."""
    try:
        if int(v["type"]) == 6:     # IPADDR_TYPE_V6
            words = [int(v["u_addr"]["ip6"]["addr"][i]) for i in range(4)]
            raw = b"".join(w.to_bytes(4, "little") for w in words)
            return "[" + ":".join(raw[i:i + 2].hex()
                                  for i in range(0, 16, 2)) + "]"
        a = int(v["u_addr"]["ip4"]["addr"])
    except gdb.error:
        a = int(v["addr"])
    return ".".join(str((a >> s) & 255) for s in (0, 8, 16, 24))


def _segs(seg):
    n = 0
    while int(seg) and n < 10000:
        n += 1
        seg = seg["next"]
    return n


def _pcbs(head, limit=100000):
    out, seen, p = [], set(), head
    while int(p) and int(p) not in seen and len(out) < limit:
        seen.add(int(p))
        out.append(p)
        p = p["next"]
    return out


def _print_pcbs(title, head, listed=MAX_PCBS):
    pcbs = _pcbs(head)
    print(f"{title}: {len(pcbs)}")
    states = {}
    for n, p in enumerate(pcbs):
        st = int(p["state"])
        name = TCP_STATES[st] if st < len(TCP_STATES) else f"state{st}"
        states[name] = states.get(name, 0) + 1
        if n >= listed:
            continue
        line = f"  {name:<11} :{int(p['local_port'])}"
        try:
            line += (f" <- {_ip(p['remote_ip'])}:{int(p['remote_port'])}"
                     f" snd_nxt {int(p['snd_nxt'])} lastack "
                     f"{int(p['lastack'])} rcv_nxt {int(p['rcv_nxt'])}"
                     f" snd_wnd {int(p['snd_wnd'])} rcv_wnd "
                     f"{int(p['rcv_wnd'])} snd_buf {int(p['snd_buf'])}"
                     f" queued {int(p['snd_queuelen'])} unsent "
                     f"{_segs(p['unsent'])} unacked {_segs(p['unacked'])}"
                     f" rtime {int(p['rtime'])} nrtx {int(p['nrtx'])}"
                     f" persist {int(p['persist_backoff'])}"
                     f" flags {int(p['flags']):#x}")
        except gdb.error:
            # A listener (struct tcp_pcb_listen) has none of those.
            try:
                line += f" backlog {int(p['accepts_pending'])}/" \
                        f"{int(p['backlog'])}"
            except gdb.error:
                pass
        print(line + " " + _netconn(p["callback_arg"]))
    if len(pcbs) > listed:
        print(f"  ... {len(pcbs) - listed} more")
    if pcbs:
        print("  by state: " + ", ".join(f"{k} {v}" for k, v in
                                         sorted(states.items())))


def _virtq(q):
    if not int(q):
        return "none"
    used = _read_u16(int(q["used"]) + 2)
    avail = int(q["avail_idx"])
    last = int(q["last_used"])
    return (f"size {int(q['size'])} free {int(q['nfree'])} avail_idx {avail}"
            f" used idx {used} last_used {last} (unread "
            f"{(used - last) & 0xffff}) irq_off {int(bool(q['irq_off']))}"
            f" unkicked {int(bool(q['unkicked']))} rekicks "
            f"{int(q['rekicks'])}")


def _read_u16(addr):
    data = gdb.selected_inferior().read_memory(addr, 2)
    return int.from_bytes(bytes(data), "little")


def _netdev_table():
    """drivers/net/netdev.c's `devs`: other files have a `devs` too (the
    block layer's)."""
    try:
        for sym in gdb.lookup_static_symbols("devs"):
            t = sym.type.strip_typedefs()
            if t.code == gdb.TYPE_CODE_ARRAY and \
                    t.target().strip_typedefs().code == gdb.TYPE_CODE_PTR and \
                    t.target().target().strip_typedefs().tag == "netdev":
                return sym.value()
    except (gdb.error, AttributeError):
        pass
    return None


def _print_netdevs():
    devs = _netdev_table()
    if devs is None:
        print("network devices: none in this image")
        return
    try:
        vnet = gdb.lookup_type("struct vnet").pointer()
    except gdb.error:
        vnet = None
    for i in range(devs.type.range()[1] + 1):
        d = devs[i]
        if not int(d):
            break
        name = d["name"].string()
        print(f"{name}: link {'up' if bool(d['link_up']) else 'down'}")
        if vnet is None or not name.startswith("virtio-net"):
            continue
        v = d.cast(vnet)     # struct netdev is a vnet's first member
        print(f"  rx: {_virtq(v['rxq'])}; ready "
              f"{int(v['ready_tail']) - int(v['ready_head'])}")
        print(f"  tx: {_virtq(v['txq'])}; free buffers "
              f"{int(v['ntx_free'])}/{int(v['ntx'])} dropped "
              f"{int(v['tx_dropped'])}")


class ToroNet(gdb.Command):
    """The network path's state: lwIP's core lock and tcpip mailbox, TCP
pcbs, and the virtio-net rings (for a guest that stopped serving).
Usage: toro-net"""

    def __init__(self):
        super().__init__("toro-net", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        core = _static("lock_tcpip_core")
        if core is None:
            print("toro-net: no lwIP in this image")
            return
        print(f"lwIP core lock: {_mutex(core['m'])}")
        mbox = _static("tcpip_mbox")
        if mbox is not None:
            print(f"tcpip mailbox: {_mbox(mbox)}")
        listen = _static("tcp_listen_pcbs")
        if listen is not None:
            _print_pcbs("TCP listening", listen["listen_pcbs"])
        # TIME-WAIT pcbs are done with: counted, a few shown.
        for title, name, listed in (("TCP active", "tcp_active_pcbs",
                                     MAX_PCBS),
                                    ("TCP TIME-WAIT", "tcp_tw_pcbs", 4)):
            head = _static(name)
            if head is not None:
                _print_pcbs(title, head, listed)
        _print_netdevs()


class ToroMem(gdb.Command):
    """Memory in use, as one line of key=value: pages_total, pages_free,
heap_bytes (live malloc bytes, all CPUs) and heap_blocks.
Usage: toro-mem"""

    def __init__(self):
        super().__init__("toro-mem", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        pa = None
        for sym in gdb.lookup_static_symbols("pa"):
            if "nfree" in [f.name for f in sym.type.strip_typedefs().fields()]:
                pa = sym.value()
        heap = None
        for sym in gdb.lookup_static_symbols("heap"):
            if sym.type.strip_typedefs().tag == "heap_cpu":
                heap = sym.value()
        if pa is None or heap is None:
            raise gdb.GdbError("toro-mem: no page allocator or heap "
                               "symbols: a Toro ELF with debug information?")
        live = blocks = 0
        for _, cpu in _cpus():
            h = _per_cpu(heap, cpu)
            live += int(h["alloc_bytes"]) - int(h["free_bytes"])
            blocks += int(h["allocs"]) - int(h["frees"])
        total = int(gdb.parse_and_eval("page_total"))
        print(f"toro-mem: pages_total={total} "
              f"pages_free={int(pa['nfree'])} heap_bytes={live} "
              f"heap_blocks={blocks}")


class ToroStop(gdb.Command):
    """Stop the guest (QEMU) if gdb is still connected to it; toro debug
ends batch scripts with it so gdb does not leave the guest running.
Usage: toro-stop"""

    def __init__(self):
        super().__init__("toro-stop", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        inf = gdb.selected_inferior()
        if inf.pid and getattr(inf, "connection", True) is not None:
            gdb.execute("kill", to_string=True)


ToroThreads()
ToroNet()
ToroMem()
ToroStop()
