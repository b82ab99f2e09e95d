"""A tiny TrueType font of our own for the font tests: every printable ASCII character is the same box,
one em wide, so text set in it is far wider than in any fallback font. Written from the OpenType
specification's table layouts; no third-party font data."""

from __future__ import annotations

import struct

UNITS = 1000
FIRST, LAST = 0x20, 0x7E


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


def _name(family: str) -> bytes:
    names = {1: family, 2: "Regular", 3: f"{family} Regular", 4: family, 6: family.replace(" ", "")}
    records, strings = b"", b""
    for name_id, text in names.items():
        encoded = text.encode("utf-16-be")
        records += struct.pack(">6H", 3, 1, 0x409, name_id, len(encoded), len(strings))
        strings += encoded
    return struct.pack(">3H", 0, len(names), 6 + len(records)) + records + strings


def _cmap() -> bytes:
    # Format 4, two segments: FIRST..LAST through the glyph id array (all glyph 1), and the 0xFFFF end.
    seg_count = 2
    glyph_ids = [1] * (LAST - FIRST + 1)
    body = struct.pack(">2H", LAST, 0xFFFF) + b"\0\0" + struct.pack(">2H", FIRST, 0xFFFF)
    body += struct.pack(">2h", 0, 1) + struct.pack(">2H", 2 * seg_count, 0)
    body += struct.pack(f">{len(glyph_ids)}H", *glyph_ids)
    search, selector = 4, 1  # 2 * 2**floor(log2(seg_count)), log2(search / 2)
    header = struct.pack(">7H", 4, 14 + len(body), 0, 2 * seg_count, search, selector, 2 * seg_count - search)
    subtable = header + body
    return struct.pack(">2H", 0, 1) + struct.pack(">2HI", 3, 1, 12) + subtable


def _glyf() -> tuple[bytes, bytes]:
    # Glyph 0 (.notdef) is empty; glyph 1 is a box from (100, 0) to (900, 700), clockwise.
    points = [(100, 0), (100, 700), (900, 700), (900, 0)]
    deltas, last = [], (0, 0)
    for x, y in points:
        deltas.append((x - last[0], y - last[1]))
        last = (x, y)
    box = struct.pack(">5h", 1, 100, 0, 900, 700) + struct.pack(">HH", 3, 0) + bytes([1] * 4)
    box += struct.pack(">4h", *(d[0] for d in deltas)) + struct.pack(">4h", *(d[1] for d in deltas))
    box += b"\0" * (-len(box) % 4)
    loca = struct.pack(">3H", 0, 0, len(box) // 2)
    return box, loca


def box_font(family: str = "Hutong Box") -> bytes:
    """The font file's bytes (deterministic: no timestamps)."""
    glyf, loca = _glyf()
    tables = {
        "OS/2": struct.pack(
            ">HhHHH11h10s4I4s3H3h2H2I2h3H",
            4,
            UNITS,
            400,
            5,
            0,
            650,
            700,
            0,
            140,
            650,
            700,
            0,
            480,
            50,
            250,
            0,
            b"\0" * 10,
            1,
            0,
            0,
            0,
            b"HUTG",
            0x40,
            FIRST,
            LAST,
            800,
            -200,
            0,
            800,
            200,
            1,
            0,
            700,
            700,
            0,
            0x20,
            1,
        ),
        "cmap": _cmap(),
        "glyf": glyf,
        "head": struct.pack(
            ">2IIIHH8s8s4h2H3h",
            0x00010000,
            0x00010000,
            0,
            0x5F0F3CF5,
            0x000B,
            UNITS,
            b"\0" * 8,
            b"\0" * 8,
            100,
            0,
            900,
            700,
            0,
            8,
            2,
            0,
            0,
        ),
        "hhea": struct.pack(
            ">I3hH3h3h4hhH", 0x00010000, 800, -200, 0, UNITS, 100, 100, 900, 1, 0, 0, 0, 0, 0, 0, 0, 2
        ),
        "hmtx": struct.pack(">Hh Hh", 500, 0, UNITS, 100),
        "loca": loca,
        "maxp": struct.pack(">I14H", 0x00010000, 2, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        "name": _name(family),
        "post": struct.pack(">IIhhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0),
    }
    tags = sorted(tables)
    count = len(tags)
    search = 16 * (1 << (count.bit_length() - 1))
    header = struct.pack(">IHHHH", 0x00010000, count, search, count.bit_length() - 1, count * 16 - search)
    offset = 12 + 16 * count
    records, body = b"", b""
    for tag in tags:
        data = tables[tag]
        records += struct.pack(">4sIII", tag.encode(), _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + records + body)
    # head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
    head_at = offset + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index("head")])
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)
