#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# gen-kexec-bind-seeds.py - write the seed corpus of fuzz_kexec_bind: a
# normal image (purgatory, boot_params and kernel segments, one
# indirection page) and a crash image (the same segments in place), both
# accepted by heki_kexec_bind() with the harness's blob, its digest
# (fold(), the harness's stand-in for SHA-256) and the small purgatory ELF
# below (one .text with purgatory_start and an R_X86_64_64 to stack_end, a
# .data with entry64_regs, purgatory_sha_regions, purgatory_sha256_digest
# and stack_end). Usage: gen-kexec-bind-seeds.py OUTDIR
import struct
import sys

PAGES = 0x400000
PAYLOAD = bytes((i * 7) & 0xff for i in range(1024, 1024 + 5000))
KMEMSZ = 0x3000
DEST, IND, DONE, SRC = 1, 2, 4, 8
PG = 4096

# The purgatory's layout as kexec_load_purgatory() makes it.
TEXT, DATA = 16, 424            # section sizes
REGS, REGIONS, DIGEST = 16, 16 + 136, 16 + 136 + 256   # buffer offsets
STACK_END = 16 + DATA           # address of stack_end minus the segment's
BUFSZ = TEXT + DATA


def purgatory_elf():
    """ET_REL x86-64: null, .text, .data, .rela.text, .symtab, .strtab,
    .shstrtab."""
    shstr = b'\0.text\0.data\0.rela.text\0.symtab\0.strtab\0.shstrtab\0'
    names = {n: shstr.index(n.encode() + b'\0') for n in
             ('.text', '.data', '.rela.text', '.symtab', '.strtab',
              '.shstrtab')}
    strtab = b'\0purgatory_start\0entry64_regs\0purgatory_sha_regions\0' \
        b'purgatory_sha256_digest\0stack_end\0'

    def sname(n):
        return strtab.index(n.encode() + b'\0')

    text = b'\xf4' * 8 + bytes(8)           # hlt; then a u64 = &stack_end
    data = bytes(DATA)
    syms = bytes(24)                         # the null symbol
    for n, shndx, value, size in (('purgatory_start', 1, 0, 0),
                                  ('entry64_regs', 2, 0, 136),
                                  ('purgatory_sha_regions', 2, 136, 256),
                                  ('purgatory_sha256_digest', 2, 392, 32),
                                  ('stack_end', 2, DATA, 0)):
        syms += struct.pack('<IBBHQQ', sname(n), 0x10, 0, shndx, value, size)
    rela = struct.pack('<QQq', 8, (5 << 32) | 1, 0)   # R_X86_64_64 stack_end
    body = b''
    offs = {}
    for n, b in (('text', text), ('data', data), ('rela', rela),
                 ('symtab', syms), ('strtab', strtab), ('shstrtab', shstr)):
        while (64 + len(body)) % 16:
            body += b'\0'
        offs[n] = 64 + len(body)
        body += b
    while (64 + len(body)) % 8:
        body += b'\0'
    shoff = 64 + len(body)

    def sh(name, typ, flags, off, size, link=0, info=0, align=1, ent=0):
        return struct.pack('<IIQQQQIIQQ', name, typ, flags, 0, off, size,
                           link, info, align, ent)
    shdrs = bytes(64)
    shdrs += sh(names['.text'], 1, 6, offs['text'], TEXT, align=16)
    shdrs += sh(names['.data'], 1, 3, offs['data'], DATA, align=8)
    shdrs += sh(names['.rela.text'], 4, 0x40, offs['rela'], 24, 4, 1, 8, 24)
    shdrs += sh(names['.symtab'], 2, 0, offs['symtab'], len(syms), 5, 1, 8, 24)
    shdrs += sh(names['.strtab'], 3, 0, offs['strtab'], len(strtab))
    shdrs += sh(names['.shstrtab'], 3, 0, offs['shstrtab'], len(shstr))
    eh = b'\x7fELF\x02\x01\x01' + bytes(9)
    eh += struct.pack('<HHIQQQIHHHHHH', 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0,
                      64, 7, 6)
    return eh + body + shdrs


def fold(data):
    """The harness's digest_chunks: 32 bytes, md[i % 32] = md * 31 + b."""
    md = bytearray(32)
    for i, b in enumerate(data):
        md[i % 32] = (md[i % 32] * 31 + b) & 0xff
    return bytes(md)


def kimage(head, start, segs):
    k = struct.pack('<9Q', head, 0, 0, start, 0, 0, 0, 0, len(segs))
    for s in segs:
        k += struct.pack('<4Q', *s)
    return k + bytes(584 - len(k))


def page(b=b''):
    return b + bytes(PG - len(b))


def images(pmem, bpmem, kmem):
    """The purgatory page, the boot_params page, the kernel's pages and
    the segments, the purgatory as bzImage64_load() leaves it."""
    bp = page(bytes((i * 3) & 0xff for i in range(0x100)))
    kern = PAYLOAD + bytes(KMEMSZ - len(PAYLOAD))
    buf = bytearray(page())
    buf[:8] = b'\xf4' * 8
    struct.pack_into('<Q', buf, 8, pmem + STACK_END)
    struct.pack_into('<Q', buf, REGS + 32, pmem + STACK_END)   # rsp
    struct.pack_into('<Q', buf, REGS + 48, bpmem)               # rsi
    struct.pack_into('<Q', buf, REGS + 128, kmem + 0x200)       # rip
    struct.pack_into('<4Q', buf, REGIONS, bpmem, PG, kmem, KMEMSZ)
    buf[DIGEST:DIGEST + 32] = fold(bp + kern)
    segs = [(0xffffc90000000000, BUFSZ, pmem, PG),
            (0xffffc90000010000, 0x100, bpmem, PG),
            (0xffffc90000100000, len(PAYLOAD), kmem, KMEMSZ)]
    return bytes(buf), bp, kern, segs


def header(crash, elf):
    return bytes([crash]) + struct.pack('<H', len(elf)) + elf


def normal(elf):
    pmem, bpmem, kmem = 0x2000000, 0x2100000, 0x3000000
    purg, bp, kern, segs = images(pmem, bpmem, kmem)
    ents = [pmem | DEST, (PAGES + 0x1000) | SRC,
            bpmem | DEST, (PAGES + 0x2000) | SRC,
            kmem | DEST] + [(PAGES + 0x3000 + i * PG) | SRC for i in range(3)]
    ents.append(DONE)
    pages = page(struct.pack('<%dQ' % len(ents), *ents)) + purg + bp + kern
    return header(0, elf) + kimage(PAGES | IND, pmem, segs) + pages


def crash(elf):
    pmem, bpmem, kmem = PAGES + 0x10000, PAGES + 0x11000, PAGES + 0x12000
    purg, bp, kern, segs = images(pmem, bpmem, kmem)
    pages = page() * 16 + purg + bp + kern
    return header(1, elf) + kimage(DONE, pmem, segs) + pages


elf = purgatory_elf()
out = sys.argv[1]
open(out + '/normal', 'wb').write(normal(elf))
open(out + '/crash', 'wb').write(crash(elf))
