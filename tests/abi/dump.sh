#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# dump.sh - the ABI dump cannot change unnoticed, and it matches LiteBox.
#
#  1. scripts/abi-dump.sh builds and runs the dump program (which also fails
#     if any struct has implicit padding or a member it did not list);
#  2. the fresh dump equals the committed tests/abi/abi.dump, byte for byte
#     (after a deliberate ABI change: scripts/abi-dump.sh --update, review
#     the diff, commit both);
#  3. every line of tests/abi/litebox.expected - LiteBox's sizes, offsets and
#     values typed from vtl1-litebox.md - holds in the fresh dump (one test
#     per line);
#  4. the errno table and the struct layout tables in Documentation/abi.rst
#     equal the ones generated from the X-macro lists and the dump;
#  5. the matcher itself rejects a wrong value (so 3 can fail).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

OUT=${HEKI_ABI_BUILD:-build/abi}
mkdir -p "$OUT"
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
echo "KTAP version 1"

# expect_ok LINE DUMP: does one litebox.expected line hold in DUMP?
expect_ok() {
	local kind a b c
	read -r kind a b c <<<"$1"
	case $kind in
	size) grep -q "^struct $a size=$b " "$2" ;;
	field) grep -qx "field $a offset=$b size=$c" "$2" ;;
	const) grep -qx "const $a = $b" "$2" ;;
	list) grep -qx "list $a $b = $c" "$2" ;;
	errno) grep -q "^list $a $b errno=$c " "$2" ;;
	*) return 1 ;;
	esac
}

fresh=$OUT/abi.dump.fresh
ok=1
if ! scripts/abi-dump.sh >"$fresh" 2>"$OUT/abi-dump.err"; then
	ok=0
	sed 's/^/# /' "$OUT/abi-dump.err"
fi
result $ok "dump program builds, runs, finds no implicit padding"

ok=1
if ! diff -u tests/abi/abi.dump "$fresh" >"$OUT/abi.dump.diff"; then
	ok=0
	echo "# the ABI changed; if deliberate: scripts/abi-dump.sh --update"
	head -n 40 "$OUT/abi.dump.diff" | sed 's/^/#   /'
fi
result $ok "dump equals the committed tests/abi/abi.dump"

ok=1
bad=$(grep '^struct ' "$fresh" | grep -v ' padding=0$' || true)
[ -z "$bad" ] || { ok=0; echo "# $bad"; }
result $ok "every wire struct has explicit padding only"

while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	ok=1
	expect_ok "$line" "$fresh" || ok=0
	result $ok "litebox: $line"
done <tests/abi/litebox.expected

ok=0
expect_ok "size heki_page 4095" "$fresh" || ok=1
expect_ok "const HEKI_MAX_RANGES 0x80" "$fresh" && ok=0
result $ok "matcher rejects a wrong size and a wrong value"

for m in "ERRNO TABLE|--errno-table|the error lists" \
	"LAYOUT TABLES|--layout-tables|the struct layouts"; do
	IFS='|' read -r marker opt what <<<"$m"
	ok=1
	if [ -f Documentation/abi.rst ]; then
		scripts/abi-dump.sh "$opt" "$fresh" >"$OUT/gen.rst"
		scripts/abi-dump.sh --section "$marker" >"$OUT/doc.rst"
		if ! diff -u "$OUT/doc.rst" "$OUT/gen.rst" >/dev/null; then
			ok=0
			echo "# Documentation/abi.rst $marker is stale: scripts/abi-dump.sh --update"
		fi
	else
		ok=0
		echo "# Documentation/abi.rst missing"
	fi
	result $ok "Documentation/abi.rst ${marker,,} matches $what"
done

ktap_done
