# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=sh
# Guest part of tests/vm/content-oracle.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh). Environment: MODS (module files under /m/, in
# load order), PROBE (kprobe on do_init_module() printing every memory
# type's base and size, tests/layout/kprobe_spec.py).
#
# Loads the modules, then prints, tagged with @@, what the host needs to
# run VTL1's content check on each: the kprobe lines (bases, sizes),
# /proc/kallsyms (kernel and module symbols: exports for relocation,
# per-CPU bases), the bytes of text, rodata and ro_after_init as the
# kernel left them, and boot_cpu_data, pv_ops and x86_return_thunk, read
# from /proc/kcore and base64 encoded.
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null || true
echo "$PROBE" > $T/kprobe_events
echo 1 > $T/events/oracle/modmem/enable
for m in $MODS; do
	if insmod "/m/$m.ko" 2>/tmp/err; then
		echo "@@LOADED $m"
	else
		echo "@@FAILED $m $(cat /tmp/err)"
	fi
done
grep ' modmem: ' $T/trace | sed 's/^/@@KPROBE /'
sed 's/^/@@KSYM /' /proc/kallsyms
grep ' modmem: ' $T/trace | while read -r line; do
	name=${line#*name=\"}
	name=${name%%\"*}
	for t in 0 2 3; do
		b=${line#* b"$t"=}
		b=${b%% *}
		s=${line#* s"$t"=}
		s=${s%% *}
		[ "$s" != 0 ] || continue
		echo "@@MEM $name $t $b $s"
		/bin/content-oracle-kcore "$b" "$s" | base64 | sed "s/^/@@B64 $name $t /"
	done
done
# What LoadKData's kernel info extension would carry: boot_cpu_data (its
# x86_capability words), pv_ops[] and x86_return_thunk's value.
for sym in boot_cpu_data:256 pv_ops:664 x86_return_thunk:8; do
	a=$(grep " ${sym%%:*}\$" /proc/kallsyms | head -n 1 | cut -d ' ' -f 1)
	[ -n "$a" ] || continue
	/bin/content-oracle-kcore "$a" "${sym#*:}" | base64 |
		sed "s/^/@@KB64 ${sym%%:*} /"
done
t "guest dumped module memory" true
