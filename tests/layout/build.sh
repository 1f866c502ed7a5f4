#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# build.sh - build tests/layout/modlayout-dump (ASan + UBSan) with the
# vtl1 ELF parser and layout rules; prints the binary's path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/host/layout
BIN=$OUT/modlayout-dump
SRCS=("$ROOT/tests/layout/modlayout-dump.c" "$ROOT/vtl1/src/elf/elf.c"
	"$ROOT/vtl1/src/module/modlayout.c" "$ROOT/vtl1/tests/check.c")
mkdir -p "$OUT"
newest=$(ls -t "${SRCS[@]}" "$ROOT"/vtl1/src/*/*.h "$ROOT"/vtl1/tests/check.h \
	"$ROOT"/uapi/heki/*.h | head -n 1)
if [ ! -x "$BIN" ] || [ "$newest" -nt "$BIN" ]; then
	gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wvla -Wshadow \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I"$ROOT/uapi" -I"$ROOT/vtl1/include" \
		-I"$ROOT/vtl1/src" -I"$ROOT/vtl1/tests" -o "$BIN" "${SRCS[@]}" >&2
fi
echo "$BIN"
