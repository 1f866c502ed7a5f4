#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - prove that sparse enforces the ABI's __bitwise types.
#
# tests/sparse/misuse.c holds one block per misuse (MISUSE_<NAME>) and a clean
# block that does the same things through the ABI's explicit conversions.
# For every misuse case:
#   - gcc -Wall -Wextra -Werror accepts it (so it is valid C and sparse can
#     only object to the types), and
#   - scripts/sparse.sh (the checker `make C=1` uses) rejects it with a
#     restricted-type diagnostic.
# The clean block must pass both. The case list is read from misuse.c.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

SRC=tests/sparse/misuse.c
GCC_FLAGS=(-std=c11 -Wall -Wextra -Werror -fsyntax-only -I uapi)
# What sparse says when a __bitwise type is mixed with another type.
BITWISE_DIAG='restricted|different base types'

. tests/lib/ktap.sh

cases=$(sed -n 's/^#\(el\)\{0,1\}if defined(\(MISUSE_[A-Z0-9_]*\)).*/\2/p' "$SRC")

ktap_plan $(($(wc -w <<<"$cases") + 2))

# The clean counterpart: everything done through explicit conversions.
ok=1
out=$(gcc "${GCC_FLAGS[@]}" "$SRC" 2>&1) || { ok=0; echo "# gcc: $out"; }
out=$(scripts/sparse.sh "$SRC" 2>&1) || { ok=0; printf '# %s\n' "$out"; }
result $ok "clean: explicit conversions pass gcc and sparse"

for c in $cases; do
	ok=1
	if ! out=$(gcc "${GCC_FLAGS[@]}" -D"$c" "$SRC" 2>&1); then
		ok=0
		echo "# $c is not valid C, so it proves nothing: $out"
	fi
	if out=$(scripts/sparse.sh -D"$c" "$SRC" 2>&1); then
		ok=0
		echo "# sparse accepted $c"
	elif ! grep -qE "$BITWISE_DIAG" <<<"$out"; then
		ok=0
		printf '# sparse rejected %s for another reason:\n' "$c"
		printf '#   %s\n' "$out"
	else
		grep -E "$BITWISE_DIAG" <<<"$out" | head -n 1 | sed 's/^/#   /'
	fi
	result $ok "sparse rejects $c"
done

# The header check of `make C=1` must see misuses inside inline helpers that
# nothing calls (sparse skips such bodies unless told otherwise).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/unused_inline.h" <<'HDR'
#include <heki/abi.h>
HEKI_INLINE int heki_sparse_unused_helper(hv_status_t st)
{
	return st == 6;
}
HDR
ok=1
if out=$(scripts/sparse.sh --header "$tmp/unused_inline.h" 2>&1); then
	ok=0
	echo "# sparse accepted a misuse inside an unused inline helper"
elif ! grep -qE "$BITWISE_DIAG" <<<"$out"; then
	ok=0
	printf '#   %s\n' "$out"
fi
result $ok "header check sees misuse in an unused inline helper"

ktap_done
