#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# corpus.sh - every module of a real Debian kernel through VTL1's layout
# rules for that kernel (tests/layout/modlayout-dump.c: no error, and the
# layout's invariants hold).
#
# Usage: tests/layout/corpus.sh KERNEL_ID
#   KERNEL_ID: bookworm, trixie, trixie-cloud or sid (scripts/kernel-env.sh);
#   the rules are HEKI_MODLAYOUT_LINUX_6_1 for 6.1, HEKI_MODLAYOUT_LINUX_6_4
#   for 6.4+ (each .ko.xz decompressed on the host).
# Ends with `N passed, N failed` (one result per module); exit 1 on failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
OUT=build/host/layout
mkdir -p "$OUT"

setup_fail() { ktap_bail "corpus setup: $*"; }

BIN=$(tests/layout/build.sh) || setup_fail "building modlayout-dump"
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
[ -n "${1:-}" ] || { echo "usage: $0 KERNEL_ID" >&2; exit 2; }
kernel_select "$1" 2>"$OUT/kernel-env-$1.log" ||
	setup_fail "scripts/kernel-env.sh $1 (see $OUT/kernel-env-$1.log)"
moddir=$K_MODDIR rules=$K_RULES
echo "# $(basename "$moddir"): every module with the Linux $rules rules"
log=$OUT/corpus-${1}.log
find "$moddir/kernel" -name '*.ko' -o -name '*.ko.xz' | sort |
	"$BIN" --kernel "$rules" - > "$log" 2>&1
grep -E '^not ok|ERROR|runtime error' "$log" | head -n 50
n=$(grep -c '^ok ' "$log")
echo "# $n modules laid out with every invariant holding (log: $log)"
ktap_merge "$log" modlayout-dump
[ "$n" -ge 1000 ] ||
	result 0 "only $n modules laid out: the kernel's module tree looks incomplete"
ktap_done
