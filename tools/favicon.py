#!/usr/bin/env python3
"""favicon.py > web/static/favicon.ico: the icon of web/static/icon.svg
(chiron's "c" on its teal square) drawn at 32x32 px into a PNG inside an
ICO, with nothing but the standard library. Run once; its output is
committed and compiled into the binary (Makefile, bin2c)."""
import math
import struct
import sys
import zlib

N, SS = 32, 8                      # size, and samples per pixel per axis
TEAL, WHITE = (0x1F, 0x5F, 0x6B), (0xFF, 0xFF, 0xFF)


def in_square(x, y, r=7.0):
    cx = min(max(x, r), N - r)
    cy = min(max(y, r), N - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_c(x, y):
    """The stroke of an arc of radius 8 about (16,16), open on the right
    (from about -37 to +37 degrees), 3.6 wide with round ends."""
    half = 1.8
    d = math.hypot(x - 16, y - 16)
    a = math.degrees(math.atan2(y - 16, x - 16))
    gap = 37.0
    if abs(d - 8) <= half and abs(a) >= gap:
        return True
    for s in (-1, 1):
        ex = 16 + 8 * math.cos(math.radians(s * gap))
        ey = 16 + 8 * math.sin(math.radians(s * gap))
        if math.hypot(x - ex, y - ey) <= half:
            return True
    return False


rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        sq = c = 0
        for sy in range(SS):
            for sx in range(SS):
                x, y = px + (sx + .5) / SS, py + (sy + .5) / SS
                if in_square(x, y):
                    sq += 1
                    c += in_c(x, y)
        t = SS * SS
        alpha = round(255 * sq / t)
        k = c / sq if sq else 0
        rgb = [round(TEAL[i] * (1 - k) + WHITE[i] * k) for i in range(3)]
        row += bytes(rgb + [alpha])
    rows.append(bytes(row))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) +
       chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", N, N, 0, 0, 1, 32, len(png), 22) + png
sys.stdout.buffer.write(ico)
