#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# corpus.sh - every module of a real Debian kernel through VTL1's layout
# rules for that kernel (tests/layout/modlayout-dump.c: no error, and the
# layout's invariants hold).
#
# Usage: tests/layout/corpus.sh 6.12|6.1
#   6.12: the newest Debian 6.12 kernel of bookworm-backports, fetched and
#         unpacked under build/k612 by scripts/fetch-kernel-6.12.sh, with
#         HEKI_MODLAYOUT_LINUX_6_4 (each .ko.xz decompressed on the host);
#   6.1:  Debian 12's /lib/modules/6.1.*-amd64 with HEKI_MODLAYOUT_LINUX_6_1.
# Ends with `N passed, N failed` (one result per module); exit 1 on failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=build/host/layout
mkdir -p "$OUT"

setup_fail() { echo "# corpus setup failed: $*"; echo "0 passed, 1 failed"; exit 1; }

BIN=$(tests/layout/build.sh) || setup_fail "building modlayout-dump"
case ${1:-} in
6.12)
	kroot=$(scripts/fetch-kernel-6.12.sh 2>"$OUT/fetch.log" | tail -n 1) ||
		setup_fail "scripts/fetch-kernel-6.12.sh (see $OUT/fetch.log)"
	moddir=$(ls -d "$kroot"/lib/modules/6.12.* | tail -n 1)
	rules=6.4 ;;
6.1)
	moddir=$(ls -d /lib/modules/6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$moddir" ] || setup_fail "no /lib/modules/6.1.*-amd64 (scripts/setup.sh)"
	rules=6.1 ;;
*)
	echo "usage: $0 6.12|6.1" >&2; exit 2 ;;
esac
echo "# $(basename "$moddir"): every module with the Linux $rules rules"
log=$OUT/corpus-${1}.log
find "$moddir/kernel" -name '*.ko' -o -name '*.ko.xz' | sort |
	"$BIN" --kernel "$rules" - > "$log" 2>&1
grep -E '^not ok|ERROR|runtime error' "$log" | head -n 50
n=$(grep -c '^ok ' "$log")
echo "# $n modules laid out with every invariant holding (log: $log)"
last=$(tail -n 1 "$log")
[[ $last =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]] || { echo "# no result line"; echo "$n passed, 1 failed"; exit 1; }
if [ "$n" -lt 1000 ]; then
	echo "# only $n modules laid out: the kernel's module tree looks incomplete"
	echo "$n passed, 1 failed"
	exit 1
fi
echo "$last"
[[ $last =~ \ 0\ failed$ ]]
