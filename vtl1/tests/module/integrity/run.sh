#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - integrity library suite: build the ASan+UBSan host test, run the
# synthetic tests and every real module under /lib/modules/*/kernel, then
# cross-check every computed layout with the independent Python
# re-implementation. Ends with the summed "# N skipped" and
# "N passed, N failed" (tests/lib/ktap.sh).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=$ROOT/build/host/integrity
cd "$ROOT" || exit 1

. tests/lib/ktap.sh
echo "KTAP version 1"
if ! make -s -j"$(nproc)" -C vtl1/tests/module/integrity >&2; then
	result 0 "integrity: host tests build"
	ktap_done
	exit
fi

# 6.12.95 modules run through test_validate_6_4 (6.4+ layout and rewrite
# rules, the 6.12 ENDBR seal and direct calls simulated) when build/k612
# exists: every K612_SAMPLE_EVERY-th module (default 20; 1 = all 4,228,
# about 4 minutes) plus these, which carry alternatives, direct paravirt
# calls, static calls, jump labels and sealed ENDBRs.
K612_MODULES="kvm kvm-intel kvm-amd btrfs nf_tables xfs 3c59x msr
	twofish-x86_64 sha256-ssse3 curve25519-x86_64 mtdblock_ro
	async_raid6_recov comedi_test btmtk bmp280-i2c"
K612_SAMPLE_EVERY=${K612_SAMPLE_EVERY:-20}
# Every failed call's code of test_validate*, for tests/abi/call-errnos.sh.
mkdir -p build/host/errno-reached
export HEKI_ERRNO_REACHED=$ROOT/build/host/errno-reached/integrity.txt
rm -f "${HEKI_ERRNO_REACHED%.txt}"*.txt

# tally LOG: add a program's totals (its "# N skipped" and last line)
tally() {
	ktap_merge "$1"
}

# Debian's 6.1 modules (the layout rules are 6.1's); never the host's
# uname -r, which is not a Debian kernel.
roots=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
if [ -z "$roots" ]; then
	result 0 "integrity: /lib/modules/6.1.*-amd64/kernel present (scripts/setup.sh installs linux-image-amd64)"
	"$OUT/test_integrity" | tee "$OUT/unit.log" | grep -v '^realmods: '
	tally "$OUT/unit.log"
	"$OUT/test_validate_6_4" > "$OUT/validate_6_4.log" 2>&1
	grep -A3 '^not ok' "$OUT/validate_6_4.log"
	tally "$OUT/validate_6_4.log"
else
	# The module lists: 6.1's for test_validate, plus the 6.12 sample for
	# test_validate_6_4.
	find "$roots" -name '*.ko' -o -name '*.ko.xz' | sort > "$OUT/modules-6.1.txt"
	k612=$(ls -d build/k612/root/*/lib/modules/6.12.*/kernel 2>/dev/null |
		sort -V | tail -n 1)
	{
		cat "$OUT/modules-6.1.txt"
		[ -z "$k612" ] || {
			for m in $K612_MODULES; do
				find "$k612" -name "$m.ko*"
			done
			find "$k612" -name '*.ko*' | sort |
				awk -v n="$K612_SAMPLE_EVERY" 'NR % n == 0'
		} | awk '!seen[$0]++'
	} > "$OUT/modules-6.4.txt"
	# Three independent processes at once (each its own log and errno
	# file; the results are printed below in a fixed order): test_integrity
	# then test_validate, and test_validate_6_4 over the odd and the even
	# lines of its list (the first also runs the "std" and "kdata" groups).
	(
		ASAN_OPTIONS=detect_leaks=1 "$OUT/test_integrity" --modules "$roots" \
			--dump-layout "$OUT/layout.txt" > "$OUT/unit.log" 2>&1
		# The whole ValidateModule, simulated loads of every module
		# (validate/test_validate.c): accept, one byte, one mcount site.
		"$OUT/test_validate" - < "$OUT/modules-6.1.txt" > "$OUT/validate.log" 2>&1
	) &
	# ValidateModule on the 6.4+ layout (validate/test_validate_6_4.c):
	# the standard module, LoadKData's choice of rules, every 6.1 module
	# placed 6.4-style (the ELF is input; the layout rules are under test)
	# and a few 6.12.95 modules if scripts/fetch-kernel-6.12.sh ran.
	awk 'NR % 2 == 1' "$OUT/modules-6.4.txt" |
		HEKI_ERRNO_REACHED=${HEKI_ERRNO_REACHED%.txt}-6_4-1.txt \
		"$OUT/test_validate_6_4" - > "$OUT/validate_6_4.log" 2>&1 &
	awk 'NR % 2 == 0' "$OUT/modules-6.4.txt" |
		HEKI_ERRNO_REACHED=${HEKI_ERRNO_REACHED%.txt}-6_4-2.txt \
		"$OUT/test_validate_6_4" --modules-only - > "$OUT/validate_6_4-2.log" 2>&1 &
	wait

	grep -vE '^(KTAP version 1|1\.\.[0-9]+|# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/unit.log"
	tail -n 2 "$OUT/unit.log" | sed 's/^/test_integrity: /'
	tally "$OUT/unit.log"
	grep -A3 '^not ok' "$OUT/validate.log"
	tail -n 2 "$OUT/validate.log" | sed 's/^/test_validate: /'
	tally "$OUT/validate.log"
	[ -n "$k612" ] || skip "test_validate_6_4: Debian 6.12.95 modules" \
		"no build/k612 (scripts/fetch-kernel-6.12.sh)"
	for part in 1 2; do
		log=$OUT/validate_6_4.log
		[ "$part" = 1 ] || log=$OUT/validate_6_4-2.log
		grep -A3 '^not ok' "$log"
		grep -E '^# [0-9]+ module' "$log" |
			sed "s/^# /test_validate_6_4 (part $part of 2): /"
		tail -n 2 "$log" | sed "s/^/test_validate_6_4 (part $part of 2): /"
		tally "$log"
	done
	python3 vtl1/tests/module/integrity/layout_ref.py "$OUT/layout.txt" \
		> "$OUT/layout_ref.log" 2>&1
	grep -vE '^(KTAP version 1|1\.\.[0-9]+|# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/layout_ref.log"
	tail -n 2 "$OUT/layout_ref.log" | sed 's/^/layout_ref: /'
	tally "$OUT/layout_ref.log"
fi
ktap_done
