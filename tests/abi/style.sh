#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# style.sh - the uapi headers (and the ABI's kernel test sources) follow the
# kernel's rules, one test per file and rule:
#   - the first line is the SPDX tag "GPL-2.0-only OR MIT";
#   - checkpatch.pl --no-tree --file --terse reports nothing, except
#     COMPLEX_MACRO on the definitions the X-macro design requires (the
#     *_LIST(X) lists, the per-call table HEKI_VTL_CALL_ERRNOS(X) of
#     results.h, and their *_ENUM_ generators), which checkpatch's
#     heuristic cannot tell from expression macros;
#   - scripts/kernel-doc -none -v reports nothing;
#   - every struct and every HEKI_INLINE function has a kernel-doc comment.
# checkpatch.pl is not in Debian's headers package: scripts/checkpatch-path.sh
# finds it (extracted once from Debian's linux-source-6.1 tarball).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

OUT=${HEKI_ABI_BUILD:-build/abi}
mkdir -p "$OUT"
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
echo "KTAP version 1"

KDOC=$(ls /usr/src/linux-headers-*-common/scripts/kernel-doc 2>/dev/null | sort -V | tail -n 1)
CP=$(scripts/checkpatch-path.sh) || CP=
[ -n "$CP" ] || echo "# checkpatch.pl not found: install linux-source-6.1 (scripts/setup.sh)"

# checkpatch findings that are not the allowed COMPLEX_MACRO ones.
checkpatch_unexpected() { # FILE
	local f=$1 line no
	"$CP" --no-tree --file --terse --show-types "$f" 2>&1 | grep -v '^total:' |
	while IFS= read -r line; do
		no=$(cut -d: -f2 <<<"$line")
		if [[ $line == *":COMPLEX_MACRO:"* ]] &&
		   sed -n "${no}p" "$f" | grep -Eq '^#define ([A-Z_0-9]+_LIST\(X\)|HEKI_VTL_CALL_ERRNOS\(X\)|[A-Z_0-9]+_ENUM_\()'; then
			continue
		fi
		echo "$line"
	done
}

FILES="$(ls uapi/heki/*.h | sort) $(ls tests/abi/kbuild/*.c | sort)"
for f in $FILES; do
	case $f in
	*.h) want='/* SPDX-License-Identifier: GPL-2.0-only OR MIT */' ;;
	*) want='// SPDX-License-Identifier: GPL-2.0-only OR MIT' ;;
	esac
	ok=1
	[ "$(head -n 1 "$f")" = "$want" ] || ok=0
	result $ok "$f: SPDX GPL-2.0-only OR MIT on line 1"

	ok=1
	if [ -z "$CP" ]; then
		ok=0
	else
		bad=$(checkpatch_unexpected "$f")
		[ -z "$bad" ] || { ok=0; printf '%s\n' "$bad" | head -n 10 | sed 's/^/#   /'; }
	fi
	result $ok "$f: checkpatch clean"

	ok=1
	if [ -z "$KDOC" ]; then
		ok=0
		echo "# scripts/kernel-doc not found (linux-headers-*-common)"
	else
		out=$("$KDOC" -none -v "$f" 2>&1 | grep -Ev ': info: |^$' || true)
		[ -z "$out" ] || { ok=0; printf '%s\n' "$out" | head -n 10 | sed 's/^/#   /'; }
	fi
	result $ok "$f: kernel-doc clean"

	[[ $f == *.h ]] || continue
	ok=1
	for s in $(sed -n 's/^struct \([a-z_0-9]*\) {$/\1/p' "$f"); do
		grep -q "^ \* struct $s - " "$f" || { ok=0; echo "# struct $s has no kernel-doc"; }
	done
	for fn in $(sed -n 's/^static HEKI_INLINE .*[ *]\([a-z_0-9]*\)(.*/\1/p; /^static HEKI_INLINE [^(]*$/{n;s/^\([a-z_0-9]*\)(.*/\1/p}' "$f"); do
		grep -q "^ \* $fn() - " "$f" || { ok=0; echo "# $fn() has no kernel-doc"; }
	done
	result $ok "$f: every struct and inline function has kernel-doc"
done

# The checkpatch filter must still catch a real problem.
ok=0
if [ -n "$CP" ]; then
	printf '/* SPDX-License-Identifier: GPL-2.0-only OR MIT */\n#define HEKI_BAD_LIST(X) X(A, 1) X(B, 2)\nint  x ;  \n' >"$OUT/style_bad.h"
	[ -n "$(checkpatch_unexpected "$OUT/style_bad.h")" ] && ok=1
fi
result $ok "checkpatch filter still reports real findings"

ktap_done
