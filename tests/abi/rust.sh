#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# rust.sh - the Rust consumer check.
#
# bindgen (Debian's package) generates bindings from <heki/abi.h>; a Rust
# test file generated from the committed tests/abi/abi.dump asserts, per
# struct, its size, its alignment and every member's offset, and per
# constant bindgen could translate, its value; bindgen's own layout tests
# run too. Built with Debian's /usr/bin/rustc --test (a rustup rustc in
# ~/.cargo/bin may shadow it on PATH) and run; each Rust test is one result.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

OUT=${HEKI_ABI_BUILD:-build/abi}/rust
RUSTC=${RUSTC:-/usr/bin/rustc}
BINDGEN=${BINDGEN:-bindgen}
mkdir -p "$OUT"
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
echo "KTAP version 1"
finish() {
	ktap_done
	exit
}

ok=1
if ! "$BINDGEN" uapi/heki/abi.h -o "$OUT/bindings.rs" -- -I uapi \
	>"$OUT/bindgen.log" 2>&1; then
	ok=0
	sed 's/^/#   /' "$OUT/bindgen.log" | head -n 10
fi
result $ok "bindgen translates <heki/abi.h>"
[ $ok = 1 ] || finish

# Rust test source from the dump: one #[test] per struct and per constant.
awk -v bindings="$OUT/bindings.rs" '
	BEGIN {
		while ((getline l < bindings) > 0)
			if (match(l, /^pub const [A-Za-z_0-9]+: (u8|u16|u32|u64|i32|i64)/)) {
				split(l, w, /[ :]+/); have[w[3]] = 1
			}
		kw["type"] = kw["mod"] = kw["ref"] = kw["match"] = kw["fn"] = 1
		print "#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, deref_nullptr, unaligned_references)]"
		print "include!(\"bindings.rs\");"
		print "macro_rules! off { ($t:ty, $f:ident) => {{"
		print "    let u = ::std::mem::MaybeUninit::<$t>::uninit();"
		print "    let p = u.as_ptr();"
		print "    unsafe { (::std::ptr::addr_of!((*p).$f) as usize) - (p as usize) }"
		print "}}; }"
	}
	$1 == "field" {
		split($2, sf, "."); split($3, o, "=")
		f = sf[2]; if (f in kw) f = f "_"
		body[sf[1]] = body[sf[1]] sprintf("    assert_eq!(off!(%s, %s), %s, \"%s.%s\");\n", sf[1], f, o[2], sf[1], sf[2])
	}
	$1 == "struct" {
		split($3, s, "="); split($4, a, "=")
		printf "#[test]\nfn layout_%s() {\n", $2
		printf "    assert_eq!(::std::mem::size_of::<%s>(), %s);\n", $2, s[2]
		printf "    assert_eq!(::std::mem::align_of::<%s>(), %s);\n", $2, a[2]
		printf "%s}\n", body[$2]
	}
	$1 == "const" && $4 ~ /^0x/ && ($2 in have) {
		printf "#[test]\nfn const_%s() {\n    assert_eq!(%s as u64, %su64);\n}\n", $2, $2, $4
	}
	$1 == "const" && $2 == "HEKI_MODULE_SIG_MAGIC" {
		printf "#[test]\nfn const_HEKI_MODULE_SIG_MAGIC() {\n"
		printf "    assert_eq!(&HEKI_MODULE_SIG_MAGIC[..HEKI_MODULE_SIG_MAGIC_LEN as usize], b\"~Module signature appended~\\n\");\n}\n"
	}' tests/abi/abi.dump >"$OUT/abi_test.rs"

ok=1
if ! "$RUSTC" --edition 2018 --test -o "$OUT/abi_test" "$OUT/abi_test.rs" \
	>"$OUT/rustc.log" 2>&1; then
	ok=0
	grep -E '^(error|warning)' "$OUT/rustc.log" | head -n 10 | sed 's/^/#   /'
fi
result $ok "rustc --test compiles the bindings and the layout tests"
[ $ok = 1 ] || finish

"$OUT/abi_test" --test-threads=1 >"$OUT/run.log" 2>&1
while IFS= read -r line; do
	case $line in
	"test "*" ... ok") result 1 "rust: $(sed 's/^test \(.*\) \.\.\. ok$/\1/' <<<"$line")" ;;
	"test "*" ... FAILED") result 0 "rust: $(sed 's/^test \(.*\) \.\.\. FAILED$/\1/' <<<"$line")" ;;
	esac
done <"$OUT/run.log"
ok=1
grep -q '^test result: ok\.' "$OUT/run.log" || ok=0
[ $ok = 1 ] || grep -A3 -- '---- ' "$OUT/run.log" | head -n 20 | sed 's/^/#   /'
result $ok "rust test binary reports success"
finish
