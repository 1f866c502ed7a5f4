#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Signature verification of a 1 MiB sign-file style module against the floor
# (SHA-256 of the same bytes plus one RSA-4096 verification, in-process with
# libcrypto, and `openssl dgst -sha256` for reference), and a 30,000-symbol
# table build: time per call and callgrind instruction counts, all from
# this one run. Called by `make -C vtl1 bench` with BENCH_OUT set.
set -euo pipefail

out=${BENCH_OUT:-../build/bench/vtl1}
d=$out/sigverify-data
mkdir -p "$d"
bin=$out/sigverify

if [ ! -s "$d/sig.p7" ]; then
	head -c $((1 << 20)) /dev/urandom >"$d/data.bin"
	openssl req -new -x509 -newkey rsa:4096 -nodes -days 2 \
		-subj "/CN=heki bench key" -keyout "$d/key.pem" \
		-out "$d/cert.pem" 2>/dev/null
	openssl x509 -in "$d/cert.pem" -outform DER -out "$d/cert.der"
	openssl cms -sign -binary -noattr -outform DER -nosmimecap -nocerts \
		-md sha256 -in "$d/data.bin" -signer "$d/cert.pem" \
		-inkey "$d/key.pem" -out "$d/sig.p7"
fi

"$bin" "$d" time 200

t0=$(date +%s%N)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	openssl dgst -sha256 "$d/data.bin" >/dev/null
done
t1=$(date +%s%N)
printf 'time  openssl dgst -sha256 (CLI)   %10.1f us (process start included)\n' \
	"$(( (t1 - t0) / 10000 ))"

ir() {
	valgrind --tool=callgrind --toggle-collect=bench_case \
		--callgrind-out-file="$out/callgrind.$1" "$bin" "$d" "$1" \
		>/dev/null 2>&1
	awk '/^totals:|^summary:/ { print $2; exit }' "$out/callgrind.$1"
}
if command -v valgrind >/dev/null; then
	v=$(ir verify)
	b=$(ir baseline)
	s=$(ir symtab)
	printf 'Ir    heki_modsig_verify          %12s\n' "$v"
	printf 'Ir    sha256 + one RSA verify     %12s\n' "$b"
	printf 'Ir    ratio verify / baseline     %12s (target <= 1.2)\n' \
		"$(awk -v a="$v" -v b="$b" 'BEGIN { printf "%.4f", a / b }')"
	printf 'Ir    symtab build, 30000 symbols %12s (%s per symbol)\n' "$s" \
		"$(( s / 30000 ))"
else
	echo "valgrind not installed: no instruction counts"
fi
