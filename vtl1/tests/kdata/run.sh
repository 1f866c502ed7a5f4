#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - the kdata/ suite: build test_kdata (ASan + UBSan) from the kdata
# parsers, the rules of module/ the kernel info extension feeds, and the
# tests in this folder, then run it. Ends with "# N skipped" and
# "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT" || exit 1
OUT=build/host/kdata
mkdir -p "$OUT"
S=vtl1/src
T=vtl1/tests
# shellcheck disable=SC2046
if ! ${CC:-gcc} -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wvla -Wshadow \
	-Wno-missing-field-initializers -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I uapi -I vtl1/include -I $S -I $T -o "$OUT/test_kdata" \
	$S/kdata/certs.c $S/kdata/symtab.c $S/kdata/patchinfo.c \
	$S/kdata/kinfo_ext.c $S/kdata/kallsyms.c $S/core/sort.c $S/core/patchdesc.c \
	$S/elf/elf.c $S/module/modlayout.c $(ls $S/module/rewrite*.c) \
	$T/check.c $T/kdata/main.c $T/kdata/test_*.c >"$OUT/build.log" 2>&1; then
	sed 's/^/# /' "$OUT/build.log"
	. tests/lib/ktap.sh
	result 0 "test_kdata builds"
	ktap_done
	exit
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	exec "$OUT/test_kdata"
