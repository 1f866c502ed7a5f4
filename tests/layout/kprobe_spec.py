#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""kprobe_spec.py - a kprobe event that prints a module's memory layout
as the kernel holds it when do_init_module() starts.

Usage: kprobe_spec.py --rules 6.1|6.4|6.16 VMLINUZ VMLINUX_OUT

Decompresses the bzImage payload (xz or zstd) of VMLINUZ into VMLINUX_OUT
(reused if present), reads the offsets of struct module's fields from its
BTF with pahole, and prints the kprobe_events line:
  6.4+ (--rules 6.4 or 6.16): name, then base and size of each
        mod->mem[t] (t = 0..6);
  6.1:  name, then core_layout and init_layout base, size, text_size,
        ro_size and ro_after_init_size;
  both: mod->kallsyms (the init struct mod_kallsyms) with its num_symtab
        and typetab, and core_kallsyms' symtab, num_symtab, strtab, typetab.
Exit 1 if the payload or a field cannot be found.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

MAGICS = ((b"\x28\xb5\x2f\xfd", ["zstd", "-dcq"]),
          (b"\xfd7zXZ\x00", ["xz", "-dcq"]))


def extract(vmlinuz, out):
    if os.path.exists(out):
        return
    data = open(vmlinuz, "rb").read()
    for magic, cmd in MAGICS:
        pos = data.find(magic)
        while pos >= 0:
            r = subprocess.run(cmd, input=data[pos:], capture_output=True)
            if r.stdout[:4] == b"\x7fELF":
                with open(out + ".tmp", "wb") as f:
                    f.write(r.stdout)
                os.rename(out + ".tmp", out)
                return
            pos = data.find(magic, pos + 1)
    sys.exit(f"kprobe_spec: no xz or zstd ELF payload in {vmlinuz}")


def members(vmlinux, struct):
    """{member: (offset, size)} of struct, from BTF."""
    # HEKI_PAHOLE: the pahole command to use (tests/lib/kernel.sh sets the
    # kernel's own toolchain root's, which knows that kernel's BTF kinds).
    pahole = shlex.split(os.environ.get("HEKI_PAHOLE", "pahole"))
    r = subprocess.run(pahole + ["-F", "btf", "-C", struct, vmlinux],
                       capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        # 7.x: "struct module_memory mem[7] __attribute__((__aligned__(64)));"
        m = re.match(r"\s+.*?[\s*]([A-Za-z_][A-Za-z0-9_]*)(\[\d+\])?"
                     r"(?:\s+__attribute__\(\(.*\)\))?;"
                     r"\s+/\*\s+(\d+)\s+(\d+)\s+\*/", line)
        if m:
            out[m.group(1)] = (int(m.group(3)), int(m.group(4)))
    if not out:
        sys.exit(f"kprobe_spec: pahole found no struct {struct} in {vmlinux}")
    return out


def need(d, k, what):
    if k not in d:
        sys.exit(f"kprobe_spec: {what} has no member {k}")
    return d[k][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", choices=("6.1", "6.4", "6.16"), required=True)
    ap.add_argument("vmlinuz")
    ap.add_argument("vmlinux")
    a = ap.parse_args()
    extract(a.vmlinuz, a.vmlinux)
    mod = members(a.vmlinux, "module")
    args = [f"name=+{need(mod, 'name', 'struct module')}(%di):string"]
    if a.rules != "6.1":
        mem = need(mod, "mem", "struct module")
        mm = members(a.vmlinux, "module_memory")
        stride = mod["mem"][1] // 7
        for t in range(7):
            o = mem + stride * t
            args.append(f"b{t}=+{o + need(mm, 'base', 'module_memory')}(%di):x64")
            args.append(f"s{t}=+{o + need(mm, 'size', 'module_memory')}(%di):u32")
    else:
        ml = members(a.vmlinux, "module_layout")
        for which, tag in (("core_layout", "c"), ("init_layout", "i")):
            o = need(mod, which, "struct module")
            args.append(f"{tag}base=+{o + need(ml, 'base', 'module_layout')}(%di):x64")
            for f in ("size", "text_size", "ro_size", "ro_after_init_size"):
                args.append(f"{tag}{f}=+{o + need(ml, f, 'module_layout')}(%di):u32")
    # kallsyms: the core copy's pointers (core_kallsyms) and the init
    # struct mod_kallsyms that mod->kallsyms points at before init ends
    mk = members(a.vmlinux, "mod_kallsyms")
    ks = need(mod, "kallsyms", "struct module")
    cks = need(mod, "core_kallsyms", "struct module")
    sym, num = need(mk, "symtab", "mod_kallsyms"), need(mk, "num_symtab", "mod_kallsyms")
    stt, typ = need(mk, "strtab", "mod_kallsyms"), need(mk, "typetab", "mod_kallsyms")
    args += [f"ks=+{ks}(%di):x64",
             f"ks_num=+{num}(+{ks}(%di)):u32",
             f"ks_type=+{typ}(+{ks}(%di)):x64",
             f"cks_sym=+{cks + sym}(%di):x64",
             f"cks_num=+{cks + num}(%di):u32",
             f"cks_str=+{cks + stt}(%di):x64",
             f"cks_type=+{cks + typ}(%di):x64"]
    print("p:oracle/modmem do_init_module " + " ".join(args))


if __name__ == "__main__":
    main()
