#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# gen-kexec-bind-seeds.py - write the seed corpus of fuzz_kexec_bind: a
# normal image (purgatory and kernel segments, one indirection page) and a
# crash image (kernel segment in place), both accepted by heki_kexec_bind()
# with the harness's blob. Usage: gen-kexec-bind-seeds.py OUTDIR
import struct
import sys

PAGES = 0x400000
PAYLOAD = bytes((i * 7) & 0xff for i in range(1024, 1024 + 5000))
DEST, IND, DONE, SRC = 1, 2, 4, 8


def kimage(head, segs):
    k = struct.pack('<9Q', head, 0, 0, 0, 0, 0, 0, 0, len(segs))
    for s in segs:
        k += struct.pack('<4Q', *s)
    return k + bytes(584 - len(k))


def page(b=b''):
    return b + bytes(4096 - len(b))


def normal():
    ents = [0x2000000 | DEST, (PAGES + 0x1000) | SRC, 0x3000000 | DEST,
            (PAGES + 0x2000) | SRC, (PAGES + 0x3000) | SRC,
            (PAGES + 0x4000) | SRC, DONE]
    segs = [(0xffffc90000000000, 0x100, 0x2000000, 0x1000),
            (0xffffc90000100000, len(PAYLOAD), 0x3000000, 0x3000)]
    pages = page(struct.pack('<%dQ' % len(ents), *ents)) + page()
    for i in range(3):
        pages += page(PAYLOAD[i * 4096:(i + 1) * 4096])
    return b'\x00' + kimage(PAGES | IND, segs) + pages


def crash():
    segs = [(0xffffc90000100000, len(PAYLOAD), PAGES + 0x10000, 0x3000)]
    pages = page() * 16 + PAYLOAD
    return b'\x01' + kimage(DONE, segs) + pages


out = sys.argv[1]
open(out + '/normal', 'wb').write(normal())
open(out + '/crash', 'wb').write(crash())
