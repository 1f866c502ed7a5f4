#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# sparse.sh - run sparse outside kbuild with the project's flags and fail on
# any finding. Used by `make C=1` (vtl1/ sources, uapi/ headers) and by the
# sparse misuse test (tests/sparse/), so both agree on what "clean" means.
#
# Usage: scripts/sparse.sh [--hosted] [--header] [-I DIR]... [-D DEF]... FILE...
#   default   freestanding C11: -ffreestanding -nostdinc + gcc's own headers,
#             as vtl1/ and firmware consumers compile
#   --hosted  hosted C11 against the system headers
#   --header  FILE is a header: check a unit that only includes it
# Always adds -I uapi (run from the repository root, or set HEKI_ROOT).
# Exit: 0 clean, 1 any sparse warning or error, 2 usage error.
set -euo pipefail

ROOT=${HEKI_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
SPARSE=${SPARSE:-sparse}
command -v "$SPARSE" >/dev/null 2>&1 ||
	{ echo "sparse.sh: '$SPARSE' not found (run scripts/setup.sh)" >&2; exit 2; }

# sparse's default warnings plus the type-safety ones that matter for a wire
# ABI. Not -Wsparse-all: it flags C99 declarations after statements and
# glibc's attributes, which are not defects here.
# sparse does not evaluate the body of a static inline function that nothing
# calls, so a header's unused helpers would go unchecked: -Dinline= turns
# them into plain static functions, which it does check.
FLAGS=(-std=gnu11 -m64
	-Wbitwise -Wbitwise-pointer -Wcast-to-as -Wshadow -Wundef -Wpointer-arith
	-Wsparse-error -Dinline=)
FREESTANDING=(-ffreestanding -nostdinc -isystem "$(gcc -print-file-name=include)")
HOSTED=(-Wno-unknown-attribute)

mode=freestanding header=0 extra=() files=()
while [ $# -gt 0 ]; do
	case $1 in
	--hosted) mode=hosted ;;
	--header) header=1 ;;
	-I|-D) extra+=("$1$2"); shift ;;
	-I*|-D*) extra+=("$1") ;;
	-*) echo "sparse.sh: unknown option $1" >&2; exit 2 ;;
	*) files+=("$1") ;;
	esac
	shift
done
[ ${#files[@]} -gt 0 ] || { echo "usage: $0 [--hosted] [--header] [-I DIR]... FILE..." >&2; exit 2; }

if [ "$mode" = hosted ]; then
	FLAGS+=("${HOSTED[@]}")
else
	FLAGS+=("${FREESTANDING[@]}")
fi
FLAGS+=(-I "$ROOT/uapi" "${extra[@]}")

bad=0
for f in "${files[@]}"; do
	if [ "$header" = 1 ]; then
		out=$(printf '#include "%s"\n' "$(realpath "$f")" |
			"$SPARSE" "${FLAGS[@]}" - 2>&1) && rc=0 || rc=$?
	else
		out=$("$SPARSE" "${FLAGS[@]}" "$f" 2>&1) && rc=0 || rc=$?
	fi
	# Any output at all is a finding, even if sparse exited 0.
	if [ $rc -ne 0 ] || [ -n "$out" ]; then
		printf '%s\n' "$out"
		echo "SPARSE FAIL ($mode): $f"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "SPARSE OK ($mode): ${#files[@]} file(s)"
exit $bad
