#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# smoke.sh - VM suite: the real module on Debian's kernel loads, reports the
# wire ABI version of <heki/abi.h>, and unloads.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

KO=kmod/heki_vtl0_test.ko
if [ ! -f "$KO" ]; then
	ktap_bail "$KO built (run make)"
fi

# The version the module must report, taken from the header it was built with.
mkdir -p build/vm
printf '%s\n' '#include <heki/abi.h>' '#include <stdio.h>' \
	'int main(void) { printf("%u.%u\n", (unsigned)HEKI_ABI_VERSION_MAJOR, (unsigned)HEKI_ABI_VERSION_MINOR); return 0; }' |
	gcc -std=c11 -I uapi -x c - -o build/vm/abi-version
ABI=$(build/vm/abi-version)

exec scripts/vm-run.sh -K -f "$KO" -e "ABI=$ABI" tests/vm/smoke-guest.sh
