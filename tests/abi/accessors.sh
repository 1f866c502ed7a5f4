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
W=(-Wall -Wextra -Werror -I uapi)

if ! gcc -std=c11 "${W[@]}" "${SAN[@]}" -o "$OUT/accessors" tests/abi/accessors.c \
	2>"$OUT/accessors.log"; then
	sed 's/^/# /' "$OUT/accessors.log" | head -n 20
	echo "not ok 1 accessors.c builds as C11 with ASan+UBSan"
	echo "0 passed, 1 failed"
	exit 1
fi
"$OUT/accessors" >"$OUT/accessors.out" 2>&1
rc=$?
grep -v ' passed, .* failed$' "$OUT/accessors.out"
pass=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$OUT/accessors.out")
fail=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$OUT/accessors.out")
pass=${pass:-0}
fail=${fail:-1}
[ $rc -eq 0 ] || [ "$fail" -gt 0 ] || fail=1	# sanitizer abort
n=$((pass + fail))

n=$((n + 1))
ok=1
if ! g++ -std=c++17 -x c++ "${W[@]}" -o "$OUT/accessors_cxx" tests/abi/accessors.c \
	2>"$OUT/accessors_cxx.log"; then
	ok=0
	sed 's/^/# /' "$OUT/accessors_cxx.log" | head -n 20
elif ! "$OUT/accessors_cxx" | diff -q - "$OUT/accessors.out" >/dev/null; then
	ok=0
	echo "# C++ results differ from C"
fi
if [ $ok = 1 ]; then
	echo "ok $n C++17 build gives the same results"
	pass=$((pass + 1))
else
	echo "not ok $n C++17 build gives the same results"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
