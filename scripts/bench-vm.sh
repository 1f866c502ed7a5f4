#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-vm.sh - the VM part of `make bench`, all numbers from one VM boot:
#
#  1. VTL calls per logical operation (heki_vtl0 load: LockRegs once per
#     CPU, one ProtectMemory, one LoadKData, one SignalEndOfBoot; module
#     load: one ValidateModule + one FreeModuleInit; unload: one
#     UnloadModule), and chain pages == ceil(ranges / 127) for every
#     chain-carrying call;
#  2. insmod time of a typical module (Debian's fuse.ko, plus the small
#     heki test module) without and with heki_vtl0 in loopback mode, as a
#     ratio of medians, measured in the same boot (kernel log timestamps,
#     N loads per side in interleaved rounds).
#
# Env: BENCH_N (default 20 loads per configuration).
set -euo pipefail
cd "$(dirname "$0")/.."

KO=kmod/heki_vtl0_test.ko
N=${BENCH_N:-20}
[ -f "$KO" ] || { echo "bench-vm: $KO is not built; run make" >&2; exit 1; }
mkdir -p build/vm
OUT=$(mktemp -d build/vm/bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
tests/modules/build.sh "$OUT" 0 >/dev/null

certs=$OUT/test-certs.der
mods=
if [ -x scripts/debian-kernel-cert.sh ] &&
	scripts/debian-kernel-cert.sh "$OUT/debian-cert.der" >/dev/null 2>&1; then
	cat "$OUT/test-cert.der" "$OUT/debian-cert.der" >"$OUT/bench-certs.der"
	certs=$OUT/bench-certs.der
	mods="fs/fuse/fuse.ko fs/nilfs2/nilfs2.ko"
fi
margs=()
for m in $mods; do margs+=(-M "$m"); done

QEMU_SMP=${QEMU_SMP:-2} QEMU_MEM=${QEMU_MEM:-1024M} \
	scripts/vm-run.sh -t 600 -a loglevel=3 -f "$KO" -f "$OUT/heki_test_mod.ko" \
	-F "$certs:/lib/firmware/heki/bench-certs.der" "${margs[@]}" \
	-e "BENCH_N=$N" -e "DEBIAN_MODS=$mods" \
	-m "BENCH-DONE" -l build/vm/bench.log scripts/bench-vm-guest.sh |
	sed -n 's/^BENCH: //p'
