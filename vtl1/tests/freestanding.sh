#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# freestanding.sh - the freestanding vtl1 library needs nothing from its
# host but memcpy/memset/memmove/memcmp: build it, link all its objects
# into one relocatable object, and list what remains undefined. Also:
# sparse rejects using a VTL0 address (heki_gpa_t) as an integer and
# dereferencing mapped VTL0 memory (__heki_vtl0).
set -u
cd "$(dirname "$0")/../.." || exit 1

. tests/lib/ktap.sh
echo "KTAP version 1"
ok() { result 1 "$1"; }
ko() { echo "# $2"; result 0 "$1"; }

if make -s -C vtl1 lib >/tmp/vtl1-freestanding.$$ 2>&1; then
	ok freestanding_build
else
	ko freestanding_build "$(tail -n 5 /tmp/vtl1-freestanding.$$)"
fi
rm -f /tmp/vtl1-freestanding.$$

lib=build/vtl1/libheki_vtl1.a
combined=build/vtl1/combined.o
if [ -f "$lib" ] && ld -r --whole-archive "$lib" -o "$combined" 2>/dev/null; then
	extra=$(nm -u "$combined" | awk '{print $2}' |
		grep -vxE 'memcpy|memset|memmove|memcmp' | tr '\n' ' ')
	if [ -z "$extra" ]; then
		ok freestanding_needs_only_mem_functions
	else
		ko freestanding_needs_only_mem_functions "undefined: $extra"
	fi
	if nm "$combined" | grep -qE ' [BD] '; then
		big=$(nm -S --size-sort "$combined" | awk '$3 ~ /[BbDd]/ && strtonum("0x"$2) > 4096 {print $4}')
		if [ -z "$big" ]; then
			ok freestanding_no_large_static_data
		else
			ko freestanding_no_large_static_data "$big"
		fi
	else
		ok freestanding_no_large_static_data
	fi
else
	ko freestanding_needs_only_mem_functions "cannot link $lib"
fi

# VTL0 addresses and mapped VTL0 memory: sparse must reject misuse.
tmp=$(mktemp -d)
sp() { # name expect(0 clean / 1 rejected) body
	printf '#include <heki/abi.h>\n#include "heki_vtl1.h"\n%s\n' "$3" >"$tmp/$1.c"
	sparse -Wbitwise -Wsparse-error -ffreestanding -nostdinc \
		-isystem "$(gcc -print-file-name=include)" -I uapi -I vtl1/include \
		"$tmp/$1.c" >"$tmp/$1.log" 2>&1
	local rc=$?
	if { [ "$2" -eq 0 ] && [ $rc -eq 0 ]; } || { [ "$2" -eq 1 ] && [ $rc -ne 0 ]; }; then
		ok "$1"
	else
		ko "$1" "sparse rc=$rc: $(head -n 2 "$tmp/$1.log" | tr '\n' ' ')"
	fi
}
if command -v sparse >/dev/null; then
	sp sparse_accepts_gpa_conversions 0 \
		'__u64 f(heki_gpa_t g); __u64 f(heki_gpa_t g) { return heki_gpa_val(g) + 1; }'
	sp sparse_rejects_gpa_as_integer 1 \
		'__u64 f(heki_gpa_t g); __u64 f(heki_gpa_t g) { return g + 1; }'
	sp sparse_rejects_integer_as_gpa 1 \
		'heki_gpa_t f(__u64 x); heki_gpa_t f(__u64 x) { return x; }'
	sp sparse_rejects_vtl0_dereference 1 \
		'int f(const int __heki_vtl0 *p); int f(const int __heki_vtl0 *p) { return *p; }'
else
	ko sparse_checks "sparse not installed (scripts/setup.sh)"
fi
rm -rf "$tmp"

ktap_done
