#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# call-errnos.sh - the per-call error table of Documentation/abi.rst,
# generated from HEKI_VTL_CALL_ERRNOS (uapi/heki/results.h) by
# tests/abi/call_errnos.c.
#
#   scripts/call-errnos.sh            print the rst fragment
#   scripts/call-errnos.sh --update   rewrite Documentation/abi-call-errnos.inc
#   scripts/call-errnos.sh --bin      build the generator, print its path
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${HEKI_ABI_BUILD:-build/abi}
INC=Documentation/abi-call-errnos.inc
BIN=$OUT/call_errnos
mkdir -p "$OUT"
${CC:-gcc} -std=gnu11 -Wall -Wextra -Werror -I uapi -I vtl1/tests -o "$BIN" \
	tests/abi/call_errnos.c vtl1/tests/check.c
case ${1:-} in
"") "$BIN" rst ;;
--update)
	"$BIN" rst >"$INC"
	echo "wrote $INC" ;;
--bin) echo "$BIN" ;;
*) echo "usage: $0 [--update|--bin]" >&2; exit 2 ;;
esac
