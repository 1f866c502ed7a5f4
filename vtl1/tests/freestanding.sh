#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# freestanding.sh - the freestanding vtl1 library needs nothing from its
# host but memcpy/memset/memmove/memcmp: build it, link all its objects
# into one relocatable object, and list what remains undefined.
set -u
cd "$(dirname "$0")/../.." || exit 1

pass=0
fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
