#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# ValidateModule of a real Debian module of about 1 MiB of text + rodata
# against the floor: SHA-256 of its ELF body plus memcmp of its compared
# memory with a copy. Wall time from interleaved rounds (validate, SHA-256,
# memcmp, ...; median and minimum per case, median of the per-round
# ratios) and callgrind instruction counts, all from this one run; target
# validate <= 1.5 x (sha256 + memcmp). Called by `make -C vtl1 bench` with
# BENCH_OUT set. MODVERIFY_MODULE=path picks another module (.ko or
# .ko.xz); MODVERIFY_ITERS the number of rounds.
set -euo pipefail

out=${BENCH_OUT:-../build/bench/vtl1}
d=$out/modverify-data
bin=$out/modverify
iters=${MODVERIFY_ITERS:-61}
mkdir -p "$d"

mod=${MODVERIFY_MODULE:-}
if [ -z "$mod" ]; then
	root=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$root" ]; then
		echo "modverify: no /lib/modules/6.1.*-amd64/kernel (scripts/setup.sh installs linux-image-amd64)"
		exit 1
	fi
	# the module whose text + rodata (size(1)'s "text") is nearest 1 MiB
	best=; bestd=
	while read -r f; do
		case $f in
		*.xz) t=$(xz -dc "$f" >"$d/probe.ko" && size "$d/probe.ko" | awk 'NR == 2 { print $1 }') ;;
		*) t=$(size "$f" | awk 'NR == 2 { print $1 }') ;;
		esac
		dd=$((t > 1048576 ? t - 1048576 : 1048576 - t))
		if [ -z "$bestd" ] || [ "$dd" -lt "$bestd" ]; then
			best=$f; bestd=$dd
		fi
	done < <(find "$root" \( -name '*.ko' -o -name '*.ko.xz' \) -size +700k | sort)
	mod=$best
fi
case $mod in
*.xz) xz -dc "$mod" >"$d/mod.ko" ;;
*) cp "$mod" "$d/mod.ko" ;;
esac
echo "module        $mod (text+rodata $(size "$d/mod.ko" | awk 'NR == 2 { print $1 }') bytes by size(1))"

if [ ! -s "$d/cert.der" ]; then
	openssl req -new -x509 -newkey rsa:4096 -nodes -days 2 \
		-subj "/CN=heki bench key" -keyout "$d/key.pem" \
		-out "$d/cert.pem" 2>/dev/null
	openssl x509 -in "$d/cert.pem" -outform DER -out "$d/cert.der"
fi
# Debian's signature off, the bench key's sign-file style PKCS#7 on
"$bin" "$d" strip
openssl cms -sign -binary -noattr -outform DER -nosmimecap -nocerts \
	-md sha256 -in "$d/body.bin" -signer "$d/cert.pem" \
	-inkey "$d/key.pem" -out "$d/sig.p7"

"$bin" "$d" time "$iters"

ir() {
	valgrind --tool=callgrind --toggle-collect=bench_case \
		--callgrind-out-file="$out/callgrind.modverify.$1" \
		"$bin" "$d" "$1" >/dev/null 2>&1
	awk '/^totals:|^summary:/ { print $2; exit }' "$out/callgrind.modverify.$1"
}
if command -v valgrind >/dev/null; then
	v=$(ir validate)
	h=$(ir sha256)
	c=$(ir memcmp)
	# the part of validation outside the crypto library (valgrind runs
	# OpenSSL's SHA-256 without SHA-NI, so the totals are hash-bound)
	cr=$(callgrind_annotate --inclusive=no --threshold=100 \
		"$out/callgrind.modverify.validate" 2>/dev/null |
		awk '/libcrypto/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
	printf 'Ir    ValidateModule (dispatch)   %12s\n' "$v"
	printf 'Ir      of which outside libcrypto %11s\n' "$((v - cr))"
	printf 'Ir    SHA-256 of ELF body         %12s\n' "$h"
	printf 'Ir    memcmp of compared memory   %12s\n' "$c"
	printf 'Ir    ratio validate / (sha256 + memcmp) %.2f (target <= 1.5)\n' \
		"$(awk -v a="$v" -v b="$h" -v c="$c" 'BEGIN { print a / (b + c) }')"
else
	echo "valgrind not installed: no instruction counts"
fi
