#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""include_order.py - hold vtl1/src to its layering (Documentation/vtl1.rst,
"Source layout").

Every C file lives in a subsystem folder. A file may include:
  - a header of its own folder, written "name.h";
  - the interface header "T/T.h" of a folder T in a LOWER layer;
  - "heki_vtl1.h" (the public API) and <heki/...> (the wire ABI);
  - system headers only in core/libc.h (the C library shim).
Anything else is an error: an include of a folder in the same or a higher
layer, of another folder's internal header, an unknown folder, a file
outside any folder, or an include cycle between files.

Usage: include_order.py [SRC_DIR]   check one tree (default vtl1/src)
       include_order.py --suite     the make-check suite: the real tree,
                                    then scratch copies with one bad
                                    include each, every one of which must
                                    be refused. Last line "N passed, N failed".
"""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "lib"))
import ktap  # noqa: E402

# Bottom layer first; folders of one layer may not include each other.
LAYERS = [["core"], ["elf", "sig"], ["kdata"], ["mem", "module", "kexec"]]
RANK = {f: i for i, layer in enumerate(LAYERS) for f in layer}
SYSTEM_OK = {"core/libc.h": {"linux/kernel.h", "linux/string.h",
                             "linux/stdarg.h", "stddef.h", "stdarg.h"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def sources(src):
    out = {}
    for root, _, files in os.walk(src):
        for f in files:
            if f.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(root, f), src)
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    out[rel] = fh.read()
    return out


def check(src):
    """Return (list of errors, number of files, include edges)."""
    files = sources(src)
    errors = []
    graph = {f: [] for f in files}
    edges = 0
    for f, text in sorted(files.items()):
        parts = f.split("/")
        if len(parts) != 2 or parts[0] not in RANK:
            errors.append("%s: not in a subsystem folder (%s)"
                          % (f, ", ".join(RANK)))
            continue
        me = parts[0]
        for m in INCLUDE.finditer(text):
            kind, name = m.group(1), m.group(2)
            edges += 1
            if kind == "<":
                if name.startswith("heki/") or \
                        name in SYSTEM_OK.get(f, ()):
                    continue
                errors.append("%s: <%s>: system header outside core/libc.h"
                              % (f, name))
                continue
            if name == "heki_vtl1.h":
                continue
            if "/" not in name:
                target = "%s/%s" % (me, name)
                if target not in files:
                    errors.append('%s: "%s": no such header in %s/'
                                  % (f, name, me))
                    continue
                graph[f].append(target)
                continue
            folder, base = name.split("/", 1)
            if folder not in RANK:
                errors.append('%s: "%s": unknown folder %s/' % (f, name, folder))
            elif folder == me:
                errors.append('%s: "%s": own folder, write "%s"'
                              % (f, name, base))
            elif RANK[folder] >= RANK[me]:
                errors.append('%s: "%s": %s/ is not below %s/ (layers: %s)'
                              % (f, name, folder, me,
                                 " < ".join("/".join(l) for l in LAYERS)))
            elif base != folder + ".h":
                errors.append('%s: "%s": internal header of %s/, include "%s/%s.h"'
                              % (f, name, folder, folder, folder))
            elif name not in files:
                errors.append('%s: "%s": no such header' % (f, name))
            else:
                graph[f].append(name)
    # Cycles (three-colour DFS over file -> included file).
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for t in graph.get(n, ()):
            if state.get(t) == 1:
                cyc = stack[stack.index(t):] + [t]
                errors.append("include cycle: " + " -> ".join(cyc))
            elif not state.get(t):
                visit(t)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if not state.get(n):
            visit(n)
    return errors, len(files), edges


# One deliberately bad change each: (name, file, text appended, expected
# fragment of the error).
BAD = [
    ("core includes a subsystem", "core/core.c",
     '#include "module/module.h"\n', "module/ is not below core/"),
    ("kdata includes module (the old kinfo_ext cycle)", "kdata/kinfo_ext.c",
     '#include "module/module.h"\n', "module/ is not below kdata/"),
    ("module reaches into kdata internals", "module/module.c",
     '#include "kdata/symtab.h"\n', "internal header of kdata/"),
    ("top-layer siblings include each other", "mem/mem.c",
     '#include "kexec/kexec.h"\n', "kexec/ is not below mem/"),
    ("sig includes kdata", "sig/pkcs7.c",
     '#include "kdata/kdata.h"\n', "kdata/ is not below sig/"),
    ("header cycle inside a folder", "core/instance.h",
     '#include "subsys.h"\n', "include cycle"),
    ("system header in the library", "elf/elf.c",
     "#include <stdlib.h>\n", "system header outside core/libc.h"),
    ("file outside any folder", "stray.c",
     "int heki_stray;\n", "not in a subsystem folder"),
    ("unknown folder", "kexec/pe.c",
     '#include "crypto/crypto.h"\n', "unknown folder crypto/"),
]


def suite(src):
    ktap.plan(1 + len(BAD))
    errors, nfiles, edges = check(src)
    for e in errors:
        ktap.diag(e)
    ktap.result(not errors and nfiles > 0,
                "vtl1/src: %d files, %d includes, layers %s, no cycle"
                % (nfiles, edges, " < ".join("/".join(l) for l in LAYERS)),
                "%d errors" % len(errors))
    for name, f, add, want in BAD:
        tmp = tempfile.mkdtemp(prefix="include-order.")
        try:
            scratch = os.path.join(tmp, "src")
            shutil.copytree(src, scratch)
            path = os.path.join(scratch, f)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(add)
            errs, _, _ = check(scratch)
        finally:
            shutil.rmtree(tmp)
        hit = [e for e in errs if want in e]
        ktap.result(bool(hit),
                    "refuses %s: %s" % (name, hit[0] if hit else f),
                    "not reported (errors: %s)" % "; ".join(errs))
    return ktap.done()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = os.path.join(here, "..", "src")
    args = sys.argv[1:]
    if args and args[0] == "--suite":
        return suite(os.path.normpath(src))
    if args:
        src = args[0]
    errors, nfiles, _ = check(src)
    for e in errors:
        print(e)
    print("%d files, %d errors" % (nfiles, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
