#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - the kernel module and the VTL1 library follow the kernel's rules:
#   - checkpatch.pl --no-tree --file reports no error and no warning;
#   - the first line is the SPDX tag the directory requires
#     (GPL-2.0-only in kmod/, GPL-2.0-only OR MIT in vtl1/).
# Files: the tracked *.c and *.h under kmod/, tests/hvemu/ and
# tests/wouldfault/ (test kernel modules) and vtl1/'s library, crypto
# providers and public header (host tests, fuzzers and benchmarks are
# userspace code and not held to kernel style). uapi/ has its own, stricter
# suite (tests/abi/style.sh: also kernel-doc).
#
# One exemption, because the team rules mandate X-macros for lists that feed
# several tables and checkpatch cannot accept any: COMPLEX_MACRO and
# TRAILING_SEMICOLON reported on the #define line of an X-macro list
# (NAME_LIST(X)) or of a per-entry callback (a name ending in '_', e.g.
# HV_STATUS_VALUE_ENUM_) are shown but not counted.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

if ! CHECKPATCH=$(scripts/checkpatch-path.sh); then
	ktap_bail "checkpatch.pl found (run scripts/setup.sh)"
fi

DIRS=(kmod tests/hvemu tests/wouldfault vtl1/src vtl1/include vtl1/crypto)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files -- "${DIRS[@]}" | grep -E '\.[ch]$' | grep -v '\.mod\.c$')
else
	mapfile -t files < <(find "${DIRS[@]}" -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort)
fi

spdx_for() {
	case $1 in
	kmod/* | tests/hvemu/* | tests/wouldfault/*) echo "GPL-2.0-only" ;;
	*) echo "GPL-2.0-only OR MIT" ;;
	esac
}

# xmacro_exempt FILE FINDING - the finding is the X-macro exemption above.
xmacro_exempt() {
	local line text
	[[ $2 =~ :([0-9]+):\ (ERROR|WARNING):(COMPLEX_MACRO|TRAILING_SEMICOLON): ]] || return 1
	line=${BASH_REMATCH[1]}
	text=$(sed -n "${line}p" "$1")
	[[ $text =~ ^#define\ [A-Z0-9_]+_LIST\(X\) || $text =~ ^#define\ [A-Za-z0-9_]+_\( ]]
}

ktap_plan $((2 * ${#files[@]}))
for f in "${files[@]}"; do
	counted=0
	while IFS= read -r finding; do
		[ -n "$finding" ] || continue
		if xmacro_exempt "$f" "$finding"; then
			echo "# (X-macro, not counted) $finding"
		else
			echo "# $finding"
			counted=1
		fi
	done < <("$CHECKPATCH" --no-tree --terse --show-types --file "$f" 2>&1 |
		grep -E ': (ERROR|WARNING):')
	result $((1 - counted)) "checkpatch $f"

	want=$(spdx_for "$f")
	first=$(head -n 1 "$f")
	case $first in
	"// SPDX-License-Identifier: $want" | "/* SPDX-License-Identifier: $want */")
		result 1 "SPDX $want: $f" ;;
	*)
		echo "# first line: $first"
		result 0 "SPDX $want: $f" ;;
	esac
done
ktap_done
