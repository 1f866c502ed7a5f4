# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/wouldfault.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh).

# shellcheck source=tests/vm/wouldfault-lib.sh
. /wouldfault-lib.sh
POKE=/sys/module/heki_wf_poke/parameters/poke

eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
check() { echo 1 >$W/check; }

# heki_wf_poke comes first: heki_vtl0 ignores modules loaded before it.
insmod /heki_wf_poke.ko
t "heki_hvemu loads: the detector is armed with its VTL1" insmod /heki_hvemu.ko
t "  sysfs directory" test -w $W/check
echo 1 >$W/check_every_call
t "heki_vtl0 (hyperv) hardens the kernel" \
	insmod /heki_vtl0.ko transport=hyperv vtl1_ready=1 certs=heki/test-certs.der
ncpu=$(grep -c ^processor /proc/cpuinfo)
t "  the kernel's text and rodata are tracked (> 5000 frames)" test "$(of frames)" -gt 5000
t "  LockRegs recorded on all $ncpu CPUs" eq "$(of locked_cpus)" "$ncpu"
t "  no frame left untracked" eq "$(of frames_untracked)" 0
check
t "  nothing heki_vtl0 did after ProtectMemory is a would-fault event" eq "$(of events)" 0
cat $W/summary

# --- 1. a write outside every patching path --------------------------------

addr=0x$(awk '$3 == "linux_proc_banner" { print $1 }' /proc/kallsyms)
echo "# target: linux_proc_banner at $addr (kernel rodata)"
t "heki_wf_poke flips a byte of linux_proc_banner through a writable alias" \
	sh -c "echo $addr >$POKE"
poked=$(dmesg | grep 'heki_wf_poke: wrote' | tail -n 1)
echo "# $poked"
frame=$(echo "$poked" | sed -n 's/.*frame \(0x[0-9a-f]*\) offset.*/\1/p')
off=$(echo "$poked" | sed -n 's/.* offset \(0x[0-9a-f]*\)$/\1/p')
chunk=$(printf '%#x' $((1 << (off >> 8))))
t "  not found yet (no check, no VTL call since)" eq "$(of frame_hash)" 0
t "the next VTL call (a module load) checks first and finds it" insmod /heki_test_mod.ko
t "  one frame-hash event" eq "$(of frame_hash)" 1
t "  found by the check before that VTL call" dmesg_has "(VTL call): 1 frames changed"
t "  logged with the frame, its owner and the changed 256-byte chunk ($chunk)" \
	event_line "would-fault #[0-9]+: frame $frame \(kernel \(ProtectMemory\), VTL0 access r-[-x][-u]\) changed outside the patching functions: 256-byte chunks $chunk, "
t "  and the kernel symbol there" event_line "frame $frame .* the first at [a-z_]+[a-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+$"
rmmod heki_test_mod
echo "$addr" >$POKE
check
t "restoring the byte is a second write, found on demand" eq "$(of frame_hash)" 2

# --- 2. through a patching path: a kprobe ----------------------------------

kprobe_writes_text heki_wf_probe

# --- 3. a pinned register --------------------------------------------------

t "CR4.TSD set by PR_SET_TSC, checked while the task runs" tsc-prctl $W/check
t "  a register event names CR4 and its CPU" event_line "would-fault #[0-9]+: CPU [0-9]+: CR4 is 0x[0-9a-f]+, LockRegs pinned 0x[0-9a-f]+"
t "  counted" test "$(of register)" -ge 1

# --- counts ----------------------------------------------------------------

check
cat $W/summary
t "every event counted once, by source" eq "$(of events)" \
	"$(($(of text_poke) + $(of text_poke_early) + $(of frame_hash) + $(of register)))"
t "the checks ran on every VTL call (check_every_call)" \
	sh -c "dmesg | grep -q 'heki_wouldfault: check [0-9]* (VTL call)'"
