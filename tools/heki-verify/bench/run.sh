#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - `make bench` for heki-verify: the default check (signature) and
# --full over a module tree against the floor measured in the same run
# (floor.c: read, SHA-256 of every module plus one RSA verify each, through
# OpenSSL). ROUNDS rounds (default 5), the three commands interleaved,
# warm page cache; per command the minimum wall and CPU (user + sys) time
# over the rounds, and the ratios to the floor (issue 13: default <= 1.2).
# Run from tools/heki-verify (the Makefile's bench target) after `make all`.
#   MODDIR=DIR  the tree (default: the newest /lib/modules/*-amd64/kernel)
#   CERT=FILE   its module-signing certificate, DER (default: extracted
#               from the matching /boot/vmlinuz-*)
set -euo pipefail
cd "$(dirname "$0")/../../.."

hv=build/heki-verify/heki-verify
out=build/bench/heki-verify
mkdir -p "$out"
vmlinuz=$(find /boot -maxdepth 1 -name 'vmlinuz-*-amd64' | sort -V | tail -n 1)
moddir=${MODDIR:-/lib/modules/${vmlinuz#/boot/vmlinuz-}/kernel}
cert=${CERT:-$out/cert.der}
[ -n "${CERT:-}" ] || scripts/debian-kernel-cert.sh "$cert" "$vmlinuz" 2>/dev/null
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/floor" \
	tools/heki-verify/bench/floor.c -lcrypto
find "$moddir" -name '*.ko' | sort >"$out/list"
[ -s "$out/list" ] || { echo "no .ko under $moddir" >&2; exit 1; }

python3 - "$out" "$cert" "$moddir" "$hv" "${ROUNDS:-5}" <<'PY'
import resource, subprocess, sys, time
out, cert, moddir, hv, rounds = sys.argv[1:6]
lst = open(f'{out}/list').read()
cmds = {
    'floor': ([f'{out}/floor', cert], lst),
    'default': ([hv, 'modules', '--quiet', '--certs', cert, moddir], None),
    'full': ([hv, 'modules', '--full', '--quiet', '--certs', cert, moddir],
             None),
}
best = {k: [float('inf'), float('inf')] for k in cmds}


def cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


for r in range(int(rounds) + 1):
    for name, (argv, stdin) in cmds.items():
        c0, t0 = cpu(), time.perf_counter()
        subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL,
                       text=True, check=True)
        wall, used = time.perf_counter() - t0, cpu() - c0
        if r:                   # round 0 warms the page cache
            best[name] = [min(best[name][0], wall), min(best[name][1], used)]
n = lst.count('\n')
print(f'heki-verify over {n} modules of {moddir}, minimum of {rounds} rounds')
print(f'  {"":24s} {"wall s":>8s} {"cpu s":>8s}')
for name in cmds:
    print(f'  {name:24s} {best[name][0]:8.3f} {best[name][1]:8.3f}')
for name in ('default', 'full'):
    w = best[name][0] / best['floor'][0]
    c = best[name][1] / best['floor'][1]
    print(f'  ratio {name + " / floor":18s} {w:8.3f} {c:8.3f}'
          + ('  (issue 13: <= 1.2)' if name == 'default' else ''))
PY
