# SPDX-License-Identifier: MIT
"""Flat profile and folded stacks from decoded samples.

Each sample becomes a stack of function names, leaf first. A CPU halted in
its idle loop is the single frame "[idle]"; an address outside every
function is shown as hex. Percentages are of all the samples of the scope
(all CPUs, or one), idle included, so a row says what share of that CPU
time went there.
"""
from collections import Counter

from .profile_symbols import lookup_address

IDLE = "[idle]"


class Stacks:
    """Samples resolved to function names, with where each function is."""

    def __init__(self, prof, syms):
        self.prof = prof
        self.where = {}         # function -> "file:line" of its start
        full = [s.addrs if s.idle else syms.full_stack(s)
                for s in prof.samples]
        need = []
        for s, addrs in zip(prof.samples, full):
            if not s.idle:
                need += lookup_address(addrs)
        starts = {}
        for a in set(need):
            name, start = syms.function(a)
            if name:
                starts[name] = start
        syms.resolve_lines(set(need) | set(starts.values()))
        self.where = {n: syms.line(a) for n, a in starts.items()}
        self.stacks = []        # (cpu, tid, tuple of names, leaf first)
        for s, addrs in zip(prof.samples, full):
            if s.idle:
                names = (IDLE,)
            else:
                names = tuple(syms.function(a)[0] or f"0x{a:x}"
                              for a in lookup_address(addrs))
            self.stacks.append((s.cpu, s.tid, names))
        self.leaf_lines = Counter()     # (function, file:line) self samples
        for s, (_, _, names) in zip(prof.samples, self.stacks):
            if not s.idle:
                self.leaf_lines[(names[0], syms.line(s.addrs[0]))] += 1

    def cpus(self):
        return sorted(set(c for c, _, _ in self.stacks))

    def flat(self, cpu=None):
        """[(function, self, inclusive)], hottest first, and the total."""
        own, incl = Counter(), Counter()
        total = 0
        for c, _, names in self.stacks:
            if cpu is not None and c != cpu:
                continue
            total += 1
            own[names[0]] += 1
            for n in set(names):
                incl[n] += 1
        rows = sorted(incl, key=lambda n: (-own[n], -incl[n], n))
        return [(n, own[n], incl[n]) for n in rows], total

    def folded(self):
        """Brendan Gregg's folded format: root;...;leaf COUNT per line."""
        counts = Counter(";".join(reversed(names))
                         for _, _, names in self.stacks)
        return [f"{k} {v}" for k, v in sorted(counts.items())]


def pct(n, total):
    return 100.0 * n / total if total else 0.0


def flat_text(st, top=20):
    """The report `toro profile` prints and saves as profile.txt."""
    prof = st.prof
    out = [f"toro profile: {len(prof.samples)} samples at {prof.hz} Hz on "
           f"{len(st.cpus())} CPUs; dropped {prof.total_dropped} (buffers "
           f"full), damaged lines {prof.damaged}"]
    scopes = [(None, "all CPUs")] + [(c, f"cpu {c}") for c in st.cpus()]
    for cpu, label in scopes:
        rows, total = st.flat(cpu)
        extra = ""
        if cpu is not None:
            taken = prof.taken.get(cpu, total)
            extra = f", taken {taken}, dropped {prof.dropped.get(cpu, 0)}"
            if prof.sampler_ns.get(cpu) and taken:
                extra += (f", {prof.sampler_ns[cpu] / taken / 1000:.1f} us "
                          "per sample in the guest")
        out.append("")
        out.append(f"== {label}: {total} samples{extra}")
        out.append(f"  {'self%':>6} {'total%':>7} {'self':>7} {'total':>7}  "
                   "function (file:line)")
        for name, own, incl in rows[:top]:
            where = st.where.get(name)
            out.append(f"  {pct(own, total):5.1f}% {pct(incl, total):6.1f}% "
                       f"{own:7d} {incl:7d}  {name}"
                       + (f" ({where})" if where else ""))
        if len(rows) > top:
            out.append(f"  ... {len(rows) - top} more functions")
    lines = st.leaf_lines.most_common(min(top, 10))
    if lines:
        out.append("")
        out.append("== hottest lines (self samples, all CPUs)")
        for (name, where), n in lines:
            out.append(f"  {pct(n, len(st.stacks)):5.1f}% {n:7d}  {where} "
                       f"({name})")
    return "\n".join(out) + "\n"
