#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""content_oracle_split.py - split tests/vm/content-oracle.sh's guest log.

Usage: content_oracle_split.py GUEST_LOG OUT

Writes OUT/kallsyms (the guest's /proc/kallsyms), OUT/modtext (every module's
text base and size) and per module
OUT/mem/<name>/: mem0, mem2, mem3 (text, rodata, ro_after_init bytes),
args (per-CPU base, then base and size of the seven memory types, as
content-oracle-check takes them) and flip-seal / flip-dcall / flip-quiet
("TYPE OFFSET WANTED_ERROR": one text byte to flip and the refusal it must
get). The module ELF is OUT/ko/<file>.ko (its name with - or _).
"""
import base64
import os
import struct
import re
import subprocess
import sys


def elf_sections(ko):
    out = subprocess.run(["readelf", "-SW", ko], capture_output=True,
                         text=True, check=True).stdout
    secs = {}
    for m in re.finditer(r"\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+"
                         r"([0-9a-f]+)\s+([0-9a-f]+)", out):
        secs[m.group(2)] = (int(m.group(1)), int(m.group(3), 16),
                            int(m.group(4), 16))
    return secs


def percpu_base(ko, name, ksyms):
    secs = elf_sections(ko)
    if ".data..percpu" not in secs:
        return 0
    idx = secs[".data..percpu"][0]
    out = subprocess.run(["readelf", "-sW", ko], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[6] == str(idx) and f[3] == "OBJECT":
            va = ksyms.get((f[7], name))
            if va is not None:
                return va - int(f[1], 16)
    return None


def main():
    log, out = sys.argv[1], sys.argv[2]
    probes, b64, ksyms = {}, {}, {}
    with open(log, errors="replace") as fh, \
            open(os.path.join(out, "kallsyms"), "w") as ks:
        for raw in fh:
            line = raw.rstrip("\r\n")
            i = line.find("@@")
            if i < 0:
                continue
            line = line[i:]
            if line.startswith("@@KSYM "):
                ks.write(line[7:] + "\n")
                f = line[7:].split()
                if len(f) == 4:
                    ksyms[(f[2], f[3].strip("[]"))] = int(f[0], 16)
            elif line.startswith("@@KPROBE "):
                m = re.search(r'name="([^"]+)"', line)
                if m:
                    probes[m.group(1)] = dict(
                        re.findall(r" ([bs][0-6])=(\S+)", line))
            elif line.startswith("@@KB64 "):
                f = line.split()
                if len(f) == 3:
                    b64.setdefault(("@k", f[1]), []).append(f[2])
            elif line.startswith("@@B64 "):
                f = line.split()
                if len(f) == 4:
                    b64.setdefault((f[1], f[2]), []).append(f[3])
    # kext: "capwords" w0..w23 (boot_cpu_data.x86_capability at 48),
    # "pv_ops" v0.., "return_thunk" value (content-oracle-check)
    kb = {k[1]: base64.b64decode("".join(v)) for k, v in b64.items()
          if k[0] == "@k"}
    with open(os.path.join(out, "kext"), "w") as fh:
        if len(kb.get("boot_cpu_data", b"")) >= 48 + 96:
            w = struct.unpack_from("<24I", kb["boot_cpu_data"], 48)
            fh.write("capwords " + " ".join("%x" % x for x in w) + "\n")
            # the same words with X86_FEATURE_ALWAYS (3*32+21) cleared
            w2 = list(w)
            w2[3] ^= 1 << 21
            with open(os.path.join(out, "kext-noalways"), "w") as f2:
                f2.write("capwords " + " ".join("%x" % x for x in w2) + "\n")
        if len(kb.get("pv_ops", b"")) % 8 == 0 and kb.get("pv_ops"):
            v = struct.unpack("<%dQ" % (len(kb["pv_ops"]) // 8), kb["pv_ops"])
            fh.write("pv_ops " + " ".join("%x" % x for x in v) + "\n")
            with open(os.path.join(out, "kext-noalways"), "a") as f2:
                f2.write("pv_ops " + " ".join("%x" % x for x in v) + "\n")
        if len(kb.get("x86_return_thunk", b"")) == 8:
            fh.write("return_thunk %x\n" %
                     struct.unpack("<Q", kb["x86_return_thunk"])[0])
    with open(os.path.join(out, "modtext"), "w") as fh:
        for p in probes.values():
            fh.write(f"{p['b0'][2:]} {p['s0']}\n")
    for name, p in probes.items():
        d = os.path.join(out, "mem", name)
        os.makedirs(d, exist_ok=True)
        for t in ("0", "2", "3"):
            if (name, t) in b64:
                with open(os.path.join(d, "mem" + t), "wb") as fh:
                    fh.write(base64.b64decode("".join(b64[(name, t)])))
        ko = None
        for cand in (name, name.replace("_", "-")):
            if os.path.exists(os.path.join(out, "ko", cand + ".ko")):
                ko = os.path.join(out, "ko", cand + ".ko")
        if not ko:
            print(f"{name}: no ELF")
            continue
        pc = percpu_base(ko, name, ksyms)
        if pc is None:
            print(f"{name}: per-CPU base not found in kallsyms")
            continue
        args = [f"{pc:x}"]
        for t in range(7):
            args += [p["b%d" % t], p["s%d" % t]]
        with open(os.path.join(d, "args"), "w") as fh:
            fh.write(" ".join(args) + "\n")
        # flip targets, from .text (assumed first in text memory)
        secs = elf_sections(ko)
        mp = os.path.join(d, "mem0")
        if ".text" not in secs or not os.path.exists(mp):
            continue
        with open(ko, "rb") as fh:
            elf = fh.read()
        _, off, size = secs[".text"]
        etext = elf[off:off + size]
        with open(mp, "rb") as fh:
            mem = fh.read()
        n = min(len(etext), len(mem))
        k = 0
        while True:
            k = etext.find(b"\xf3\x0f\x1e\xfa", k, n)
            if k < 0:
                break
            # gen_endbr_poison(): 6.4..6.17, 6.18 and later
            if mem[k:k + 4] in (b"\x66\x0f\x1f\x00", b"\x0f\x1f\x40\xd6"):
                with open(os.path.join(d, "flip-seal"), "w") as fh:
                    fh.write(f"0 {k} REWRITE_ENDBR_SEAL\n")
                break
            k += 1
        k = 0
        while True:
            k = etext.find(b"\xff\x15", k, n)
            if k < 0:
                break
            if mem[k] == 0xe8 and mem[k + 5] == 0x90:
                with open(os.path.join(d, "flip-dcall"), "w") as fh:
                    fh.write(f"0 {k + 5} REWRITE_ALT_DIRECT_CALL\n")
                break
            k += 1
        for k in range(n // 2, n - 64):
            if etext[k:k + 64] == mem[k:k + 64] and \
                    etext[k + 32] not in b"\x0f\x1f\x44\x66\x90\xe8\xe9\xeb\x00\xcc\xc3":
                with open(os.path.join(d, "flip-quiet"), "w") as fh:
                    fh.write(f"0 {k + 32} MODULE_CONTENT_MISMATCH\n")
                break
    print(f"{len(probes)} modules")


if __name__ == "__main__":
    main()
