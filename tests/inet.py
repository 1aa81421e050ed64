# SPDX-License-Identifier: MIT
"""The Internet checksum (RFC 1071), for the tests that build or check
packets themselves (tests/stress/packets.py, test_ping's peer, test_vnet's
offload capture)."""
import struct


def ones_sum(data):
    """The ones' complement sum of the 16-bit big-endian words of (data),
    an odd last byte padded with zero."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def checksum(data):
    """The checksum field for (data): the complement of its ones' sum.
    Over data that holds a correct checksum it is 0."""
    return ~ones_sum(data) & 0xffff
