#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# accessors.sh - behaviour of the uapi/heki inline helpers
# (tests/abi/accessors.c): built as C11 with ASan+UBSan and run; built as
# C++17 and run, and the C++ results must equal the C results line for line.
set -uo pipefail
cd "$(dirname "$0")/../.."

OUT=${HEKI_ABI_BUILD:-build/abi}
mkdir -p "$OUT"
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
W=(-Wall -Wextra -Werror -I uapi -I vtl1/tests)
. tests/lib/ktap.sh

if ! gcc -std=c11 "${W[@]}" "${SAN[@]}" -o "$OUT/accessors" tests/abi/accessors.c \
	vtl1/tests/check.c 2>"$OUT/accessors.log"; then
	sed 's/^/# /' "$OUT/accessors.log" | head -n 20
	result 0 "accessors.c builds as C11 with ASan+UBSan"
	ktap_done
	exit
fi
"$OUT/accessors" >"$OUT/accessors.out" 2>&1
rc=$?
grep -vE '^(1\.\.[0-9]+|# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/accessors.out"
ktap_merge "$OUT/accessors.out" accessors
[ $rc -eq 0 ] || [ "$KTAP_FAIL" -gt 0 ] || result 0 "accessors exit status (sanitizer abort?)"
KTAP_N=$((KTAP_PASS + KTAP_FAIL + KTAP_SKIP))

ok=1
if ! gcc -std=c11 -Wall -Wextra -Werror -I uapi -c -o "$OUT/check.o" vtl1/tests/check.c \
	2>"$OUT/accessors_cxx.log" ||
   ! g++ -std=c++17 -x c++ "${W[@]}" -o "$OUT/accessors_cxx" tests/abi/accessors.c \
	-x none "$OUT/check.o" 2>>"$OUT/accessors_cxx.log"; then
	ok=0
	sed 's/^/# /' "$OUT/accessors_cxx.log" | head -n 20
elif ! "$OUT/accessors_cxx" | diff -q - "$OUT/accessors.out" >/dev/null; then
	ok=0
	echo "# C++ results differ from C"
fi
result $ok "C++17 build gives the same results"
ktap_done
