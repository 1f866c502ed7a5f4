#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# alt_nops_ref.py ROOT - checks, with binutils (readelf, objdump) on every
# module under ROOT that has .altinstructions, the assumption the
# alternative rule makes about optimize_nops(): every maximal run of two or
# more 0x90 bytes in an alternative's original site consists of one-byte
# NOP instructions starting on an instruction boundary, and every 0x90 in
# a replacement is an instruction of its own. Results through
# tests/lib/ktap.py; last line "N passed, N failed".
import collections
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "tests", "lib"))
import ktap  # noqa: E402


def run(*args):
    return subprocess.run(args, capture_output=True, text=True).stdout


def sections(path):
    secs = {}
    for line in run('readelf', '-SW', path).splitlines():
        m = re.match(r'\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)', line)
        if m:
            secs[m.group(2)] = (int(m.group(3), 16), int(m.group(4), 16))
    return secs


def alt_relocs(path):
    rel, cur = {}, None
    for line in run('readelf', '-rW', path).splitlines():
        if line.startswith('Relocation section'):
            cur = line.split("'")[1]
            continue
        if cur != '.rela.altinstructions':
            continue
        m = re.match(r'([0-9a-f]+)\s+\S+\s+R_X86_64_PC32\s+[0-9a-f]+\s+(\S+)\s+\+\s+([0-9a-f]+)', line)
        if m:
            rel[int(m.group(1), 16)] = (m.group(2), int(m.group(3), 16))
    return rel


def main(root):
    stats = collections.Counter()
    bad = []
    for path in sorted(glob.glob(root + '/**/*.ko', recursive=True)):
        secs = sections(path)
        if '.altinstructions' not in secs:
            continue
        data = open(path, 'rb').read()
        off, size = secs['.altinstructions']
        alt = data[off:off + size]
        rel = alt_relocs(path)
        bounds = {}

        def starts(sec):
            if sec not in bounds:
                b = set()
                for line in run('objdump', '-d', '-j', sec, path).splitlines():
                    m = re.match(r'\s*([0-9a-f]+):\t', line)
                    if m:
                        b.add(int(m.group(1), 16))
                bounds[sec] = b
            return bounds[sec]

        stats['modules'] += 1
        for i in range(size // 12):
            stats['sites'] += 1
            ilen, rlen = alt[i * 12 + 10], alt[i * 12 + 11]
            if (i * 12 + 4) in rel and rlen:
                rs, ra = rel[i * 12 + 4]
                rb = data[secs[rs][0] + ra:secs[rs][0] + ra + rlen]
                for k in range(rlen):
                    if rb[k] == 0x90:
                        stats['replacement 0x90'] += 1
                        if ra + k not in starts(rs):
                            bad.append((path, rs, hex(ra + k)))
            if (i * 12) not in rel or not ilen:
                continue
            sec, a = rel[i * 12]
            b = data[secs[sec][0] + a:secs[sec][0] + a + ilen]
            j = 0
            while j < ilen:
                if b[j] != 0x90:
                    j += 1
                    continue
                e = j
                while e < ilen and b[e] == 0x90:
                    e += 1
                if e - j >= 2:
                    stats['runs'] += 1
                    if not all(a + k in starts(sec) for k in range(j, e)):
                        bad.append((path, sec, hex(a + j)))
                j = e
    ktap.result(stats['modules'] > 0,
                'altnops: modules with .altinstructions: %d (%d entries)'
                % (stats['modules'], stats['sites']))
    ktap.result(not bad,
                'altnops: %d runs of 0x90 in originals and %d 0x90 in '
                'replacements are NOPs on instruction boundaries'
                % (stats['runs'], stats['replacement 0x90']),
                '\n'.join('0x90 not a NOP instruction on a boundary: %s %s %s'
                          % b for b in bad[:20]))
    return ktap.done()


sys.exit(main(sys.argv[1]))
