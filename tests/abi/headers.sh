#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# headers.sh - the standalone-header matrix.
#
# Every uapi/heki header, included alone, must compile warning-free
# (-Wall -Wextra -Werror) in every consumer's compiler: gcc and clang, as
# freestanding C11, hosted C11 and C++17, for x86_64, i386 and aarch64 (clang
# --target; no sysroot is needed for freestanding). Hosted builds use the
# machine's libc headers, which exist for x86_64 only.
#
# Then, per configuration, the layout: a unit generated from the committed
# tests/abi/abi.dump (scripts/abi-dump.sh --asserts) asserts every struct
# size, member offset and size and every numeric constant at compile time,
# so the layout is proven identical on every target, not only on the one
# that ran the dump. One test per (header, configuration) pair.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

OUT=${HEKI_ABI_BUILD:-build/abi}
mkdir -p "$OUT"
W=(-Wall -Wextra -Werror -I uapi -fsyntax-only)
GCC_INC=$(gcc -print-file-name=include)
CLANG_INC=$(clang -print-resource-dir)/include
FS_GCC=(-ffreestanding -nostdinc -isystem "$GCC_INC")
FS_CLANG=(-ffreestanding -nostdinc -isystem "$CLANG_INC")

# name|compiler and flags (word-split on spaces; paths have none)
CONFIGS=(
	"gcc-x86_64-freestanding-c11|gcc -m64 -std=c11 -x c ${FS_GCC[*]}"
	"gcc-i386-freestanding-c11|gcc -m32 -std=c11 -x c ${FS_GCC[*]}"
	"gcc-x86_64-hosted-c11|gcc -m64 -std=c11 -x c"
	"g++-x86_64-freestanding-c++17|g++ -m64 -std=c++17 -x c++ ${FS_GCC[*]}"
	"g++-i386-freestanding-c++17|g++ -m32 -std=c++17 -x c++ ${FS_GCC[*]}"
	"g++-x86_64-hosted-c++17|g++ -m64 -std=c++17 -x c++"
	"clang-x86_64-freestanding-c11|clang --target=x86_64-linux-gnu -std=c11 -x c ${FS_CLANG[*]}"
	"clang-i386-freestanding-c11|clang --target=i686-linux-gnu -std=c11 -x c ${FS_CLANG[*]}"
	"clang-aarch64-freestanding-c11|clang --target=aarch64-linux-gnu -std=c11 -x c ${FS_CLANG[*]}"
	"clang-x86_64-hosted-c11|clang --target=x86_64-linux-gnu -std=c11 -x c"
	"clang++-x86_64-freestanding-c++17|clang++ --target=x86_64-linux-gnu -std=c++17 -x c++ ${FS_CLANG[*]}"
	"clang++-i386-freestanding-c++17|clang++ --target=i686-linux-gnu -std=c++17 -x c++ ${FS_CLANG[*]}"
	"clang++-aarch64-freestanding-c++17|clang++ --target=aarch64-linux-gnu -std=c++17 -x c++ ${FS_CLANG[*]}"
	"clang++-x86_64-hosted-c++17|clang++ --target=x86_64-linux-gnu -std=c++17 -x c++"
)

# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
echo "KTAP version 1"

# An embedder with its own fixed-width types (HEKI_EXTERNAL_TYPES): here
# __u64 is unsigned long, a different type of the same width than the shim's.
cat >"$OUT/external_types.h" <<'XEOF'
#include <stddef.h>
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long __s64;
XEOF
CONFIGS+=("gcc-x86_64-external-types-c11|gcc -m64 -std=c11 -x c ${FS_GCC[*]} -DHEKI_EXTERNAL_TYPES -include $OUT/external_types.h")

HEADERS=$(cd uapi && ls heki/*.h | sort)
scripts/abi-dump.sh --asserts >"$OUT/layout_asserts.c"

for cfg in "${CONFIGS[@]}"; do
	name=${cfg%%|*}
	read -r -a cc <<<"${cfg#*|}"
	for h in $HEADERS; do
		ok=1
		if ! out=$(printf '#include <%s>\n' "$h" | "${cc[@]}" "${W[@]}" - 2>&1); then
			ok=0
			printf '%s\n' "$out" | head -n 8 | sed 's/^/#   /'
		fi
		result $ok "$name: <$h> alone"
	done
	ok=1
	if ! out=$("${cc[@]}" "${W[@]}" "$OUT/layout_asserts.c" 2>&1); then
		ok=0
		printf '%s\n' "$out" | grep -m 8 -E 'error|assert' | sed 's/^/#   /'
	fi
	result $ok "$name: layout equals tests/abi/abi.dump"
done

# The layout check must be able to fail: a unit asserting one wrong size.
ok=0
printf '#include <heki/abi.h>\nHEKI_ABI_ASSERT(sizeof(struct heki_page) == 4095);\n' |
	gcc -std=c11 -x c "${W[@]}" - >/dev/null 2>&1 || ok=1
result $ok "a wrong layout assertion fails to compile"

ktap_done
