# SPDX-License-Identifier: MIT
"""A flame graph from folded stacks, as one self-contained SVG.

Stacks are merged into a tree (children sorted by name, as flame graphs
are, so the x axis is not time); each node is a box as wide as its share
of the samples, roots at the bottom. Boxes narrower than a pixel are left
out; every box has a tooltip with its function and sample count. Colours
are warm and derived from the name, so a function keeps its colour from one
graph to the next. Debian bookworm packages no flame graph tool, hence
this small renderer.
"""
import zlib
from xml.sax.saxutils import escape

WIDTH = 1200
ROW = 16
PAD = 10
CHAR = 7        # width of a character at the font size used, roughly


def _tree(folded):
    root = {"n": 0, "kids": {}}
    for line in folded:
        stack, _, count = line.rpartition(" ")
        n = int(count)
        root["n"] += n
        node = root
        for name in stack.split(";"):
            node = node["kids"].setdefault(name, {"n": 0, "kids": {}})
            node["n"] += n
    return root


def _depth(node):
    return 1 + max((_depth(k) for k in node["kids"].values()), default=0)


def _colour(name):
    h = zlib.crc32(name.encode())
    if name == "[idle]":
        return "rgb(190,190,190)"
    return f"rgb({205 + h % 50},{80 + (h >> 8) % 130},{(h >> 16) % 55})"


def render(folded, title="Flame graph"):
    """folded: lines "a;b;c COUNT" -> SVG text."""
    root = _tree(folded)
    total = root["n"] or 1
    depth = _depth(root) - 1
    height = 2 * PAD + 2 * ROW + depth * ROW
    scale = (WIDTH - 2 * PAD) / total
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
           f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
           'font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="#fafafa"/>',
           f'<text x="{WIDTH // 2}" y="{PAD + 12}" text-anchor="middle" '
           f'font-size="14">{escape(title)} ({root["n"]} samples)</text>']

    def box(name, node, x, level):
        w = node["n"] * scale
        if w < 1:
            return
        y = height - PAD - (level + 1) * ROW
        tip = f"{name} ({node['n']} samples, {100.0 * node['n'] / total:.1f}%)"
        out.append(f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" '
                   f'y="{y}" width="{w:.1f}" height="{ROW - 1}" '
                   f'fill="{_colour(name)}" rx="2"/>')
        fits = int((w - 4) // CHAR)
        if fits >= 3:
            label = name if len(name) <= fits else name[:fits - 2] + ".."
            out.append(f'<text x="{x + 3:.1f}" y="{y + ROW - 4}">'
                       f'{escape(label)}</text>')
        out.append("</g>")
        kx = x
        for kname in sorted(node["kids"]):
            kid = node["kids"][kname]
            box(kname, kid, kx, level + 1)
            kx += kid["n"] * scale

    x = PAD
    for name in sorted(root["kids"]):
        kid = root["kids"][name]
        box(name, kid, x, 0)
        x += kid["n"] * scale
    out.append("</svg>")
    return "\n".join(out) + "\n"
