#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - the heki_abi crate's suite (make check, tests/suites.list).
#
#   1. builds warning-free (RUSTFLAGS=-D warnings), without features (the
#      no_std build a VTL1 links) and with all; clippy (-D warnings), rustdoc
#      (-D warnings) and rustfmt --check agree;
#   2. cargo test --offline --locked --all-features: one result per Rust
#      test (the drift, C-oracle, layout, ported LiteBox, wire and validity
#      tests; see Documentation/rust.rst);
#   3. the minimum Rust version, 1.63 (Cargo.toml rust-version): Debian's
#      /usr/bin/rustc builds the library (-D warnings, with and without
#      features) and runs the same tests but the drift test (a file
#      comparison that does not depend on the compiler). Debian 12 has no
#      cargo 1.63, so rustc is driven directly.
# No network: the crate has no dependency, and cargo runs --offline.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib/ktap.sh

CRATE=rust/heki_abi
OUT=$PWD/build/rust/heki_abi
export CARGO_TARGET_DIR=$OUT/target
export CARGO_TERM_COLOR=never
MSRV_RUSTC=${MSRV_RUSTC:-/usr/bin/rustc}
mkdir -p "$OUT"

# step NAME CMD... - one result, the command's output kept in the log.
step() {
	local name=$1 log
	shift
	log=$OUT/$(tr -c 'a-z0-9\n' '-' <<<"${name,,}").log
	if "$@" >"$log" 2>&1; then
		result 1 "$name"
	else
		grep -E '^(error|warning)' -A6 "$log" | head -n 30 | sed 's/^/#   /'
		tail -n 5 "$log" | sed 's/^/#   /'
		result 0 "$name"
		return 1
	fi
}

# results FILE PREFIX - one result per `test NAME ... ok|FAILED|ignored`
# line of libtest output, named after the test binary it came from.
results() {
	local bin=$2 line name
	while IFS= read -r line; do
		case $line in
		*"Running "*)
			bin=${line#*Running }
			bin=${bin%% *}
			bin=${bin##*/}
			bin=${bin%.rs}
			;;
		"test "*" ... ok")
			name=${line#test }
			result 1 "$2$bin::${name% ... ok}"
			;;
		"test "*" ... FAILED")
			name=${line#test }
			result 0 "$2$bin::${name% ... FAILED}"
			;;
		"test "*" ... ignored")
			name=${line#test }
			skip "$2$bin::${name% ... ignored}" ignored
			;;
		esac
	done <"$1"
}

cargo_in() {
	(cd "$CRATE" && "$@")
}

echo "KTAP version 1"

if ! command -v cargo >/dev/null 2>&1; then
	echo "# no cargo on PATH (the image's Rust toolchain, ~/.cargo/bin)"
	result 0 "cargo present"
	ktap_done
	exit
fi
echo "# $(cargo --version); $(rustc --version)"

export RUSTFLAGS="-D warnings"
step "build, no features (no_std)" cargo_in cargo build --offline --locked
step "build, all features" cargo_in cargo build --offline --locked --all-features
if cargo clippy --version >/dev/null 2>&1; then
	step "clippy, no features" cargo_in cargo clippy --offline --locked --all-targets -- -D warnings
	step "clippy, all features" cargo_in cargo clippy --offline --locked --all-targets --all-features -- -D warnings
else
	skip clippy "cargo clippy not installed"
fi
step "rustdoc" env RUSTDOCFLAGS="-D warnings" bash -c "cd $CRATE && cargo doc --offline --locked --no-deps --all-features"
if cargo fmt --version >/dev/null 2>&1; then
	step "rustfmt --check" cargo_in cargo fmt --check
else
	skip rustfmt "cargo fmt not installed"
fi

log=$OUT/cargo-test.log
cargo_in cargo test --offline --locked --all-features -- --test-threads=2 >"$log" 2>&1
rc=$?
results "$log" ""
if [ $rc -ne 0 ] && ! grep -q '^test .* \.\.\. FAILED$' "$log"; then
	grep -E '^error' -A8 "$log" | head -n 30 | sed 's/^/#   /'
	result 0 "cargo test ran"
fi
unset RUSTFLAGS

# The minimum supported Rust version, with Debian's rustc.
msrv() {
	local m=$OUT/msrv want have cfgs t
	want=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' $CRATE/Cargo.toml)
	if [ ! -x "$MSRV_RUSTC" ]; then
		skip "rust $want" "no $MSRV_RUSTC"
		return
	fi
	have=$("$MSRV_RUSTC" --version | cut -d' ' -f2)
	echo "# minimum Rust version $want, tested with $MSRV_RUSTC $have"
	[ "${have%.*}" = "$want" ] || echo "# note: $MSRV_RUSTC is $have, not $want"
	mkdir -p "$m"
	local rc=(--edition 2021 -D warnings -C debuginfo=0)
	step "rust $have: library, no features" "$MSRV_RUSTC" "${rc[@]}" --crate-type rlib \
		--crate-name heki_abi -o "$m/libheki_abi-core.rlib" $CRATE/src/lib.rs
	cfgs=(--cfg 'feature="alloc"' --cfg 'feature="std"')
	step "rust $have: library, all features" "$MSRV_RUSTC" "${rc[@]}" --crate-type rlib \
		--crate-name heki_abi "${cfgs[@]}" -o "$m/libheki_abi.rlib" $CRATE/src/lib.rs
	for t in $CRATE/tests/*.rs; do
		t=$(basename "$t" .rs)
		[ "$t" = drift ] && continue
		step "rust $have: $t builds" env CARGO_MANIFEST_DIR="$PWD/$CRATE" \
			"$MSRV_RUSTC" "${rc[@]}" --test --crate-name "$t" "${cfgs[@]}" \
			--extern heki_abi="$m/libheki_abi.rlib" -o "$m/$t" "$CRATE/tests/$t.rs" || continue
		[ -x "$m/$t" ] || continue
		(cd $CRATE && "$m/$t" --test-threads=2) >"$m/$t.log" 2>&1
		echo "     Running tests/$t.rs" | cat - "$m/$t.log" >"$m/$t.results"
		results "$m/$t.results" "rust $have: "
	done
}
msrv

ktap_done
