# SPDX-License-Identifier: MIT
"""Unit tests of the host side of the profiler (tools/toro/profile_*.py),
run by check.py before the end-to-end check."""
import base64
import binascii
import io
import struct
import unittest

from toro import profile_data, profile_report, profile_svg
from toro.profile_symbols import Symbols


def record_line(flags, cpu, tid, addrs, crc_delta=0, top=0):
    data = struct.pack(f"<BBBBII{len(addrs)}I", flags, cpu, len(addrs), 0,
                       tid, top, *addrs)
    crc = (binascii.crc32(data) + crc_delta) & 0xffffffff
    return b"@tp " + base64.b64encode(data) + f" {crc:08x}\n".encode()


class FakeSymbols:
    """Functions at 0x1000 (a), 0x2000 (b), 0x3000 (c), 0x100 long each."""

    def function(self, addr):
        base = addr & ~0xfff
        if base in (0x1000, 0x2000, 0x3000) and addr - base < 0x100:
            return "abc"[base // 0x1000 - 1], base
        return None, None

    def resolve_lines(self, addrs):
        self.looked_up = set(addrs)

    def full_stack(self, sample):
        return sample.addrs

    def line(self, addr):
        return f"f.c:{addr:x}"


DUMP = [b"noise\n", b"@tp-begin v1 hz=1000 cpus=2\n",
        record_line(0, 0, 7, [0x1010, 0x2050, 0x3008]),   # c -> b -> a
        record_line(0, 0, 7, [0x1010, 0x3008]),
        record_line(1, 1, 0, [0x4444]),                    # idle
        record_line(0, 1, 9, [0x1010], crc_delta=1),       # damaged
        b"@tp-cpu 0 samples=2 dropped=0\n",
        b"@tp-cpu 1 samples=9 dropped=7\n", b"@tp-end\n"]


class ParseTest(unittest.TestCase):
    def test_dump(self):
        p = profile_data.parse(DUMP)
        self.assertEqual((p.hz, p.cpus, p.dumps), (1000, 2, 1))
        self.assertEqual(len(p.samples), 3)
        self.assertEqual(p.damaged, 1)
        self.assertEqual(p.dropped, {0: 0, 1: 7})
        s = p.samples[0]
        self.assertEqual((s.cpu, s.tid, s.idle, s.addrs),
                         (0, 7, False, (0x1010, 0x2050, 0x3008)))
        self.assertTrue(p.samples[2].idle)

    def test_bad_records(self):
        good = record_line(0, 0, 1, [0x1000])[4:]
        for bad in (b"", b"zz 00000000", good.replace(b" ", b"  x "),
                    b"!!!! 00000000", good[:-3]):
            self.assertIsNone(profile_data.decode_line(bad), bad)
        # A depth that does not match the length, even with a right CRC.
        data = struct.pack("<BBBBIII", 0, 0, 2, 0, 1, 0, 0x1000)
        line = base64.b64encode(data) + f" {binascii.crc32(data):08x}".encode()
        self.assertIsNone(profile_data.decode_line(line))

    def test_several_dumps_add_up(self):
        p = profile_data.parse(DUMP + DUMP)
        self.assertEqual((len(p.samples), p.dumps, p.dropped[1]), (6, 2, 14))


class FullStackTest(unittest.TestCase):
    """The caller a frameless leaf hides from the frame chain."""

    def symbols(self):
        s = object.__new__(Symbols)
        framed = b"\x55\x48\x89\xe5" + b"\x90" * 12 + b"\xc3"
        frameless = b"\x90" * 16 + b"\xc3"
        caller = b"\x55\x48\x89\xe5" + b"\xe8\0\0\0\0" + b"\x90" * 7
        # 0x1000 framed, 0x1100 frameless, 0x1200 calls (returns to 0x1209)
        body = bytearray(0x300)
        body[0:len(framed)] = framed
        body[0x100:0x100 + len(frameless)] = frameless
        body[0x200:0x200 + len(caller)] = caller
        s.segments = [(0x1000, bytes(body))]
        s.starts, s.ends = [0x1000, 0x1100, 0x1200], [0x1011, 0x1111, 0x1210]
        s.names = ["framed", "frameless", "caller"]
        return s

    def stack(self, rip, top, rest=(0x1209 + 0x40,)):
        return self.symbols().full_stack(
            profile_data.Sample(0, 1, False, (rip,) + rest, top))

    def test_frameless_gets_its_caller(self):
        self.assertEqual(self.stack(0x1105, 0x1209),
                         (0x1105, 0x1209, 0x1249))

    def test_framed_body_keeps_its_chain(self):
        self.assertEqual(self.stack(0x1008, 0x1209), (0x1008, 0x1249))

    def test_first_and_ret_instructions(self):
        self.assertEqual(self.stack(0x1000, 0x1209)[1], 0x1209)
        self.assertEqual(self.stack(0x1010, 0x1209)[1], 0x1209)

    def test_top_not_after_a_call_is_ignored(self):
        self.assertEqual(self.stack(0x1105, 0x1208), (0x1105, 0x1249))
        self.assertEqual(self.stack(0x1105, 0), (0x1105, 0x1249))


class SplitterTest(unittest.TestCase):
    def test_split(self):
        out = io.BytesIO()
        s = profile_data.ConsoleSplitter(out)
        text = b"hello\n@tp AAAA 0\n@t" + b"x is not ours\npartial"
        for i in range(0, len(text), 3):     # arbitrary chunking
            s.write(text[i:i + 3])
        s.close()
        self.assertEqual(out.getvalue(), b"hello\n@tx is not ours\npartial")
        self.assertEqual(s.lines, [b"@tp AAAA 0\n"])


class ReportTest(unittest.TestCase):
    def stacks(self):
        return profile_report.Stacks(profile_data.parse(DUMP), FakeSymbols())

    def test_frames(self):
        st = self.stacks()
        self.assertEqual([n for _, _, n in st.stacks],
                         [("a", "b", "c"), ("a", "c"), ("[idle]",)])

    def test_return_addresses_looked_up_one_back(self):
        syms = FakeSymbols()
        profile_report.Stacks(profile_data.parse(DUMP), syms)
        self.assertIn(0x1010, syms.looked_up)
        self.assertIn(0x204f, syms.looked_up)
        self.assertNotIn(0x2050, syms.looked_up)

    def test_flat(self):
        rows, total = self.stacks().flat()
        self.assertEqual(total, 3)
        self.assertEqual(rows[0], ("a", 2, 2))
        self.assertIn(("c", 0, 2), rows)
        self.assertIn(("[idle]", 1, 1), rows)
        rows, total = self.stacks().flat(cpu=1)
        self.assertEqual((rows, total), ([("[idle]", 1, 1)], 1))

    def test_folded(self):
        self.assertEqual(self.stacks().folded(),
                         ["[idle] 1", "c;a 1", "c;b;a 1"])

    def test_text(self):
        text = profile_report.flat_text(self.stacks())
        self.assertIn("3 samples at 1000 Hz on 2 CPUs; dropped 7", text)
        self.assertIn("damaged lines 1", text)
        self.assertRegex(text, r"66\.7%\s+66\.7%\s+2\s+2\s+a \(f\.c:1000\)")


class SvgTest(unittest.TestCase):
    def test_render(self):
        import xml.etree.ElementTree as ET
        svg = profile_svg.render(["c;b;a 3", "c;a 1", "x<&> 1"], "t")
        root = ET.fromstring(svg)
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        self.assertIn("c (4 samples, 80.0%)", titles)
        self.assertIn("a (3 samples, 60.0%)", titles)
        self.assertIn("x<&> (1 samples, 20.0%)", titles)
        self.assertEqual(len(titles), 5)   # c, c;b, c;b;a, c;a, x<&>


if __name__ == "__main__":
    unittest.main()
