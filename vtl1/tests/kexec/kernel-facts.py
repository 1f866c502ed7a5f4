#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernel-facts.py - what the kexec host tests need from a signed bzImage:
# the kexec_purgatory ELF the kernel carries in its read-only data (the
# only x86-64 ET_REL ELF inside the decompressed vmlinux, followed by the
# u64 kexec_purgatory_size, which must equal the ELF's extent), and its
# LINUX_VERSION_CODE (major and minor from the setup header's version
# string; Debian's sublevel is not in it, and the tests only need the
# generation).
#
# Usage: kernel-facts.py BZIMAGE OUTDIR
#   writes OUTDIR/purgatory.ro and OUTDIR/version (hex, e.g. 0x060100)
import lzma
import os
import re
import struct
import subprocess
import sys


def payload(b):
    sects = b[0x1f1] or 4
    off = (sects + 1) * 512
    poff, plen = struct.unpack_from('<II', b, 0x248)
    comp = b[off + poff:off + poff + plen]
    if comp[:6] == b'\xfd7zXZ\x00':
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(comp)
    if comp[:4] == b'\x28\xb5\x2f\xfd':
        # The kernel appends the decompressed size after the frame: zstd
        # decodes the frame, then reports the 4 bytes (exit status 1).
        out = subprocess.run(['zstd', '-dc'], input=comp,
                             capture_output=True).stdout
        if not out:
            sys.exit('kernel-facts: zstd decoded nothing')
        return out
    sys.exit('kernel-facts: unknown payload compression %s' % comp[:6].hex())


def purgatory(raw):
    found = []
    i = 1
    while True:
        i = raw.find(b'\x7fELF\x02\x01\x01', i)
        if i < 0:
            break
        etype, mach = struct.unpack_from('<HH', raw, i + 16)
        if etype == 1 and mach == 62:
            shoff, = struct.unpack_from('<Q', raw, i + 0x28)
            shentsize, shnum = struct.unpack_from('<HH', raw, i + 0x3a)
            end = shoff + shnum * shentsize
            for k in range(shnum):
                h = i + shoff + k * shentsize
                stype, = struct.unpack_from('<I', raw, h + 4)
                off, size = struct.unpack_from('<QQ', raw, h + 24)
                if stype != 8:
                    end = max(end, off + size)
            qsize, = struct.unpack_from('<Q', raw, (i + end + 7) & ~7)
            if qsize == end:
                found.append((i, end))
        i += 1
    if len(found) != 1:
        sys.exit('kernel-facts: %d kexec_purgatory candidates' % len(found))
    i, end = found[0]
    return raw[i:i + end]


def version(b):
    off, = struct.unpack_from('<H', b, 0x20e)
    s = b[off + 0x200:off + 0x200 + 256].split(b'\0')[0].decode()
    m = re.match(r'(\d+)\.(\d+)', s)
    if not m:
        sys.exit('kernel-facts: no version in %r' % s)
    return (int(m.group(1)) << 16) | (int(m.group(2)) << 8)


b = open(sys.argv[1], 'rb').read()
os.makedirs(sys.argv[2], exist_ok=True)
open(os.path.join(sys.argv[2], 'purgatory.ro'), 'wb').write(
    purgatory(payload(b)))
open(os.path.join(sys.argv[2], 'version'), 'w').write('0x%06x\n' % version(b))
