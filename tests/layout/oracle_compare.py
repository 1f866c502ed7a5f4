#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""oracle_compare.py - judge VTL1's module layouts against a real kernel.

Usage: oracle_compare.py --rules 6.1|6.4|6.16 [--require "MOD..."] LAYOUT GUESTLOG

LAYOUT is tests/layout/modlayout-dump's --dump output for the modules that
were loaded; GUESTLOG the serial log of tests/vm/layout-oracle-guest.sh
(its @@ lines and the kernel log dump with move_module()'s dynamic-debug
lines, one per ALLOC section in header order, after each
"layout-oracle: load NAME" marker).

Per module, one result line each:
  placement  every section address the kernel printed or sysfs lists, minus
             the layout's offset, gives one page-aligned base per memory
             type (6.4+) or per allocation (6.1, offset = region base +
             section offset), and the kernel printed exactly the sections
             the layout places, in the same order;
  sysfs      (live modules) /sys/module/*/sections agrees with the kernel's
             own lines and lists every non-empty placed section;
  overlap    the memory types (6.4+) or allocations (6.1) do not overlap;
  sizes      (live modules) coresize and the /proc/modules size equal the
             layout's core size (6.4+: text + data + rodata +
             ro_after_init; 6.1: the core allocation), initsize is 0.
Then: every --require module was observed, and at least 20 modules were.
Results through tests/lib/ktap.py (a failure's reason on the "# " line
after it); last line "N passed, N failed"; exit 1 on any failure.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from ktap import result, done  # noqa: E402

PAGE = 4096
INIT_TYPES = {4, 5, 6}
CORE_TYPES = (0, 1, 2, 3)

def read_layouts(path):
    mods = {}
    cur = None
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "module":
                cur = {"mem": {}, "alloc": {}, "sects": []}
                mods[w[1]] = cur
            elif w[0] == "mem":
                cur["mem"][int(w[1])] = (int(w[2]), int(w[3], 16),
                                         int(w[4], 16))
            elif w[0] == "alloc":
                cur["alloc"][int(w[1])] = int(w[2], 16)
            elif w[0] == "kallsyms":
                cur["kallsyms"] = tuple(int(x, 16) for x in w[1:5])
            elif w[0] == "sect":
                cur["sects"].append((int(w[1]), w[2], int(w[3]),
                                     int(w[4], 16), int(w[5], 16)))
    return mods


DYN = re.compile(r"^\[\s*[0-9.]+\]\s+0x([0-9a-f]+)(?:\s+0x[0-9a-f]+)?\s+(\S+)$")
KV = re.compile(r'(\w+)=("[^"]*"|\S+)')
MARK = re.compile(r"layout-oracle: (load (\S+)|loads done)$")


def modname(file_name):
    """Module name of a module file name (kvm-intel -> kvm_intel)."""
    return file_name.replace("-", "_")


def read_guest(path):
    g = {"loaded": set(), "failed": {}, "mod": {}, "sect": {}, "proc": {},
         "dyn": {}, "probe": None, "kprobe": {}}
    cur = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            w = line.split()
            if line.startswith("@@LOADED "):
                g["loaded"].add(modname(w[1]))
            elif line.startswith("@@FAILED "):
                g["failed"][modname(w[1])] = " ".join(w[2:])
            elif line.startswith("@@MOD "):
                g["mod"][w[1]] = (int(w[2]), None if w[3] == "-" else int(w[3]))
            elif line.startswith("@@SECT ") and len(w) == 4:
                g["sect"].setdefault(w[1], []).append((w[2], int(w[3], 16)))
            elif line.startswith("@@PROC "):
                g["proc"][w[1]] = int(w[2])
            elif line.startswith("@@PROBE-"):
                g["probe"] = line == "@@PROBE-ON"
            elif line.startswith("@@KPROBE "):
                ev = dict(KV.findall(line))
                name = ev.pop("name", "").strip('"')
                g["kprobe"].setdefault(name, []).append(
                    {k: int(v, 0) for k, v in ev.items()})
            else:
                m = MARK.search(line)
                if m:
                    cur = m.group(2) and modname(m.group(2))
                    if cur:
                        g["dyn"][cur] = []
                    continue
                m = DYN.match(line)
                if m and cur:
                    g["dyn"][cur].append((m.group(2), int(m.group(1), 16)))
    return g


def key_of(rules, lay, mem):
    """What one base is shared by: the type (6.4+) or its allocation."""
    return mem if rules != "6.1" else ("alloc", lay["mem"][mem][0])


def rel_offset(rules, lay, mem, off):
    return off if rules != "6.1" else lay["mem"][mem][1] + off


def check_bases(rules, lay, pairs):
    """pairs: (layout sect, address). Returns (bases, error or None)."""
    bases = {}
    for (idx, name, mem, off, _size), addr in pairs:
        k = key_of(rules, lay, mem)
        b = addr - rel_offset(rules, lay, mem, off)
        if b % PAGE:
            return bases, f"section {idx} {name}: base {b:#x} not page aligned"
        if bases.setdefault(k, b) != b:
            return bases, (f"section {idx} {name} at {addr:#x}: base {b:#x}, "
                           f"other sections of {k} say {bases[k]:#x}")
    return bases, None


def kernel_view(rules, lay, ev):
    """(field, kernel value, layout value) for one do_init_module event."""
    if rules != "6.1":
        return [(f"mem[{t}].size", ev.get(f"s{t}"), lay["mem"][t][2])
                for t in range(7)]
    m = lay["mem"]
    return [("core size", ev.get("csize"), lay["alloc"][0]),
            ("core text_size", ev.get("ctext_size"), m[2][1]),
            ("core ro_size", ev.get("cro_size"), m[3][1]),
            ("core ro_after_init_size", ev.get("cro_after_init_size"), m[1][1]),
            ("init size", ev.get("isize"), lay["alloc"][1]),
            ("init text_size", ev.get("itext_size"), m[6][1]),
            ("init ro_size", ev.get("iro_size"), m[5][1]),
            ("init ro_after_init_size", ev.get("iro_after_init_size"),
             m[5][1])]


def kallsyms_errors(rules, lay, ev):
    """The kernel's kallsyms pointers against the layout's extras."""
    off, size, ioff, isize = lay["kallsyms"]
    m = lay["mem"]
    if rules != "6.1":
        data, idata = ev.get("b1"), ev.get("b5")
    else:
        data = ev.get("cbase", 0) + m[1][1]
        idata = ev.get("ibase", 0) + m[5][1]
    sym, num = ev.get("cks_sym"), ev.get("cks_num")
    want = [("core symtab", sym, data + off),
            ("core strtab", ev.get("cks_str"), sym + 24 * num),
            ("core typetab end", ev.get("cks_type", 0) + num, sym + size),
            ("init mod_kallsyms", ev.get("ks"), idata + ioff),
            ("init typetab", ev.get("ks_type"), ev.get("ks", 0) + 32),
            ("init num_symtab + 32", ev.get("ks_num", 0) + 32, isize)]
    return [f"kernel {f} {got:#x}, layout {exp:#x}"
            for f, got, exp in want if got != exp]


def kernel_bases(rules, ev):
    if rules != "6.1":
        return {t: ev.get(f"b{t}") for t in range(7) if ev.get(f"s{t}")}
    return {("alloc", 0): ev.get("cbase"), ("alloc", 1): ev.get("ibase")}


def check_kprobe(rules, name, lay, g, load_bases):
    """struct module at do_init_module() against the layout."""
    if g["probe"] is None:
        return
    evs = g["kprobe"].get(name, [])
    if not g["probe"] or not evs or len(evs) != len(load_bases):
        result(False, f"{name}: struct module at do_init_module()",
               f"probe {'on' if g['probe'] else 'failed'}, {len(evs)} events "
               f"for {len(load_bases)} loads")
        return
    err = None
    for ev, lb in zip(evs, load_bases):
        for field, got, want in kernel_view(rules, lay, ev):
            if got != want and err is None:
                err = f"kernel {field} {got}, layout {want}"
        if "cks_sym" in ev and err is None:
            errs = kallsyms_errors(rules, lay, ev)
            err = errs[0] if errs else None
        kb = kernel_bases(rules, ev)
        for k, b in lb.items():
            if kb.get(k) != b and err is None:
                err = f"kernel base of {k} {kb.get(k)}, sections say {b:#x}"
        spans = sorted((b, b + (lay["mem"][k][2] if rules != "6.1"
                                else lay["alloc"][k[1]]), k)
                       for k, b in kb.items() if b)
        for (s1, e1, k1), (s2, _e2, k2) in zip(spans, spans[1:]):
            if s2 < e1 and err is None:
                err = f"kernel placed {k2} inside {k1}"
    result(err is None, f"{name}: struct module's layout and kallsyms "
           f"pointers at do_init_module() equal the layout ({len(evs)} "
           "load(s))", err or "")


def check_module(rules, name, lay, g):
    placed = sorted(lay["sects"])
    dyn = g["dyn"].get(name)
    live = name in g["mod"]
    sysfs = g["sect"].get(name, [])
    bases = {}
    load_bases = []

    # placement from the kernel's own move_module() lines; a failed init
    # may be retried by insmod, so the lines can hold several whole loads
    if dyn is not None:
        names_l = [s[1] for s in placed]
        n = len(names_l)
        loads = [dyn[i:i + n] for i in range(0, len(dyn), n)] if n else []
        bad = next((i for i, ld in enumerate(loads)
                    if [nm for nm, _a in ld] != names_l), None)
        if not loads or bad is not None:
            got = [nm for nm, _a in loads[bad]] if loads else []
            first = next((i for i, (x, y) in enumerate(zip(got, names_l))
                          if x != y), min(len(got), n))
            result(False, f"{name}: placement",
                   f"kernel placed {len(dyn)} sections, layout {n} per load; "
                   f"first difference at position {first} of load {bad}")
            return
        err = None
        for ld in loads:
            bases, err = check_bases(rules, lay,
                                     list(zip(placed, [a for _n, a in ld])))
            if err:
                break
            load_bases.append(bases)
        result(err is None, f"{name}: placement of {n} sections "
               f"({len(bases)} bases, {len(loads)} load(s))", err or "")
        if err:
            return
    elif not live:
        result(False, f"{name}: placement", "the kernel printed nothing for it")
        return

    # sysfs sections of a live module
    if live:
        by_name = {}
        for s in placed:
            by_name.setdefault(s[1], []).append(s)
        pairs, err = [], None
        for sname, addr in sysfs:
            cand = by_name.get(sname)
            if not cand:
                err = f"sysfs lists {sname}, the layout does not place it"
                break
            if len(cand) == 1:
                pairs.append((cand[0], addr))
        listed = {n for n, _a in sysfs}
        for s in placed:
            if s[4] and s[1] not in listed and err is None:
                err = f"non-empty section {s[0]} {s[1]} missing from sysfs"
        if err is None:
            sb, err = check_bases(rules, lay, pairs)
            for k, b in sb.items():
                if err is None and bases.setdefault(k, b) != b:
                    err = f"sysfs base of {k} {b:#x} differs from the kernel's {bases[k]:#x}"
        result(err is None, f"{name}: sysfs lists {len(sysfs)} sections where "
               "the layout says", err or "")

    if live and not load_bases:
        load_bases.append(bases)
    check_kprobe(rules, name, lay, g, load_bases)

    # overlap of the observed types / allocations
    spans = []
    for k, b in bases.items():
        size = lay["mem"][k][2] if rules != "6.1" else lay["alloc"][k[1]]
        if size:
            spans.append((b, b + size, k))
    spans.sort()
    err = None
    for (s1, e1, k1), (s2, e2, k2) in zip(spans, spans[1:]):
        if s2 < e1:
            err = f"{k1} [{s1:#x},{e1:#x}) overlaps {k2} [{s2:#x},{e2:#x})"
    result(err is None, f"{name}: {len(spans)} memory "
           f"{'types' if rules != '6.1' else 'allocations'} do not overlap",
           err or "")

    # sizes of a live module
    if live:
        if rules != "6.1":
            core = sum(lay["mem"][t][2] for t in CORE_TYPES)
        else:
            core = lay["alloc"][0]
        coresize, initsize = g["mod"][name]
        proc = g["proc"].get(name)
        ok = coresize == core and proc == core and initsize in (0, None)
        result(ok, f"{name}: coresize {coresize}, /proc/modules {proc}, "
               f"initsize {initsize} match the layout's core {core}",
               f"layout core size {core} (text {lay['mem'][0][2]} data "
               f"{lay['mem'][1][2]} rodata {lay['mem'][2][2]} ro_after_init "
               f"{lay['mem'][3][2]})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", choices=("6.1", "6.4", "6.16"), required=True)
    ap.add_argument("--require", default="")
    ap.add_argument("layout")
    ap.add_argument("guestlog")
    a = ap.parse_args()

    lays = read_layouts(a.layout)
    g = read_guest(a.guestlog)
    observed = 0
    for name in sorted(lays):
        if name in g["failed"] and name not in g["dyn"]:
            result(False, f"{name}: load", g["failed"][name])
            continue
        if name in g["failed"]:
            print(f"# {name}: init failed ({g['failed'][name]}); judged on "
                  "the kernel's move_module() lines")
        observed += 1
        check_module(a.rules, name, lays[name], g)
    for r in a.require.split():
        result(r in lays and (r in g["dyn"] or r in g["mod"]),
               f"required module {r} observed", "not loaded or not laid out")
    result(observed >= 20, f"{observed} modules observed (at least 20)",
           "too few")
    return done()


if __name__ == "__main__":
    sys.exit(main())
