#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Independent re-implementation of Linux 6.1's module layout (x86-64,
STRICT_MODULE_RWX, KALLSYMS_ALL, MODULE_UNLOAD, SMP), written from
kernel/module/main.c:layout_sections and kallsyms.c:layout_symtab, used to
cross-check vtl1/src/module/modlayout.c.

Usage: layout_ref.py DUMP   (DUMP from test_integrity --dump-layout)
Each dump line is one module, one result (tests/lib/ktap.py; passing ones
counted, not printed); the last line is "N passed, N failed".
"""
import lzma
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "tests", "lib"))
import ktap  # noqa: E402

PAGE = 4096
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
SHF_RO_AFTER_INIT = 0x00200000
MAGIC = b"~Module signature appended~\n"


def align(v, a):
    a = a or 1
    return (v + a - 1) // a * a


def load(path):
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    if data.endswith(MAGIC):
        sig_len = struct.unpack(">I", data[-len(MAGIC) - 4:-len(MAGIC)])[0]
        data = data[:len(data) - len(MAGIC) - 12 - sig_len]
    return data


def layout(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    sh = [list(struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i))
          for i in range(shnum)]
    stroff = sh[shstrndx][4]

    def name(i):
        o = stroff + sh[i][0]
        return data[o:data.index(b"\0", o)].decode()

    names = [name(i) for i in range(shnum)]
    flags = [s[2] for s in sh]

    def find_sec(n):
        for i in range(1, shnum):
            if flags[i] & SHF_ALLOC and names[i] == n:
                return i
        return 0

    sym = next(i for i in range(1, shnum) if sh[i][1] == 2)
    strsec = sh[sym][6]
    vers, info = find_sec("__versions"), find_sec(".modinfo")
    pcpu = find_sec(".data..percpu")
    flags[vers] &= ~SHF_ALLOC
    flags[info] &= ~SHF_ALLOC
    flags[pcpu] &= ~SHF_ALLOC
    for n in (".data..ro_after_init", "__jump_table"):
        i = find_sec(n)
        if i:
            flags[i] |= SHF_RO_AFTER_INIT

    masks = [(SHF_EXECINSTR | SHF_ALLOC, 0), (SHF_ALLOC, SHF_WRITE),
             (SHF_RO_AFTER_INIT | SHF_ALLOC, 0), (SHF_WRITE | SHF_ALLOC, 0),
             (SHF_ALLOC, 0)]
    entsize = [None] * shnum      # (is_init, offset)
    core = {"size": 0}
    init = {"size": 0}
    for is_init, lay in ((False, core), (True, init)):
        for m, (req, forb) in enumerate(masks):
            for i in range(shnum):
                if (flags[i] & req) != req or flags[i] & forb:
                    continue
                if entsize[i] is not None:
                    continue
                if names[i].startswith(".init") != is_init:
                    continue
                off = align(lay["size"], sh[i][8])
                lay["size"] = off + sh[i][5]
                entsize[i] = (is_init, off, m)
            if m == 0:
                lay["size"] = align(lay["size"], PAGE)
                lay["text_size"] = lay["size"]
            elif m == 1:
                lay["size"] = align(lay["size"], PAGE)
                lay["ro_size"] = lay["size"]
            elif m == 2:
                if is_init:
                    lay["ro_after_init_size"] = lay["ro_size"]
                else:
                    lay["size"] = align(lay["size"], PAGE)
                    lay["ro_after_init_size"] = lay["size"]
            elif m == 4:
                lay["size"] = align(lay["size"], PAGE)

    # layout_symtab
    flags[sym] |= SHF_ALLOC
    off = align(init["size"], sh[sym][8])
    init["size"] = off + sh[sym][5]
    entsize[sym] = (True, off, 3)
    symoff, nsrc = sh[sym][4], sh[sym][5] // 24
    strbase = sh[strsec][4]
    ndst = strtab_size = 0
    for i in range(nsrc):
        st_name, st_info, st_other, st_shndx = struct.unpack_from(
            "<IBBH", data, symoff + 24 * i)
        keep = i == 0
        if not keep and st_shndx != 0 and st_shndx < shnum and st_name:
            if st_shndx == pcpu:
                keep = True
            elif flags[st_shndx] & SHF_ALLOC and not (
                    entsize[st_shndx] and entsize[st_shndx][0]):
                keep = True
        if keep:
            o = strbase + st_name
            strtab_size += data.index(b"\0", o) - o + 1
            ndst += 1
    symoffs = align(core["size"], sh[sym][8])
    core["size"] = symoffs + ndst * 24 + strtab_size + ndst
    core["size"] = align(core["size"], PAGE)
    flags[strsec] |= SHF_ALLOC
    off = align(init["size"], sh[strsec][8])
    init["size"] = off + sh[strsec][5]
    entsize[strsec] = (True, off, 3)
    init["size"] = align(init["size"], 8) + 32 + nsrc
    init["size"] = align(init["size"], PAGE)

    # memory types in the wire numbering
    c, n = core, init
    regions = [
        (0, 0, c["text_size"]),                                  # TEXT
        (0, c["ro_after_init_size"], c["size"] - c["ro_after_init_size"]),
        (0, c["text_size"], c["ro_size"] - c["text_size"]),      # RODATA
        (0, c["ro_size"], c["ro_after_init_size"] - c["ro_size"]),
        (1, 0, n["text_size"]),                                  # INIT_TEXT
        (1, n["ro_size"], n["size"] - n["ro_size"]),             # INIT_DATA
        (1, n["text_size"], n["ro_size"] - n["text_size"]),      # INIT_RODATA
    ]
    core_mem = [0, 2, 3, 1, 1]
    init_mem = [4, 6, 5, 5, 5]
    sects = {}
    for i in range(shnum):
        if entsize[i] is None:
            continue
        is_init, off, m = entsize[i]
        mem = (init_mem if is_init else core_mem)[m]
        sects[i] = (mem, off - regions[mem][1])
    return regions, (c["size"], n["size"]), sects


def parse_dump(line):
    head, tail = line.split(" | ") if " | " in line else (line.rstrip(" |"), "")
    f = head.split()
    path = f[0]
    regions = [tuple(int(x, 16) for x in r.split(":")) for r in f[1:8]]
    sizes = (int(f[8], 16), int(f[9], 16))
    sects = {}
    for t in tail.split():
        i, mem, off = t.split(":")
        sects[int(i)] = (int(mem), int(off, 16))
    return path, regions, sizes, sects


def main():
    ktap.set_quiet(True)
    n = 0
    for line in open(sys.argv[1]):
        path, regions, sizes, sects = parse_dump(line.rstrip("\n"))
        n += 1
        try:
            want = layout(load(path))
        except Exception as e:      # noqa: BLE001 - report, never crash
            ktap.result(False, f"layout_ref: {path}", str(e))
            continue
        got = (regions, sizes, sects)
        ktap.result([tuple(r) for r in want[0]] == regions
                    and want[1] == sizes and want[2] == sects,
                    f"layout_ref: {path}", f"C {got} != Python {want}")
    if not n:
        ktap.result(False, "layout_ref: the dump lists a module")
    ktap.diag(f"layout_ref: {n} modules compared")
    return ktap.done()


if __name__ == "__main__":
    sys.exit(main())
