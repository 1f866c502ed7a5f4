# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Guest part of tests/vm/hyperv.sh (busybox sh -e, helpers from
# scripts/vm-guest-lib.sh).

D=/sys/kernel/debug/heki
E=/sys/kernel/debug/heki_hvemu
P=/sys/module/heki_hvemu/parameters
HV="transport=hyperv vtl1_ready=1 certs=heki/test-certs.der"
LOCK_REGS=0x1ffe2

loaded() { grep -q "^$1 " /proc/modules; }
stat_of() { sed -n "s/^$1 //p" $E/stats; }
vtl1_of() { sed -n "s/^$1 //p" $E/vtl1; }
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got '$1', expected '$2'"
	return 1
}
# refused ARGS: insmod heki_vtl0 ARGS fails.
refused() {
	# shellcheck disable=SC2086 # ARGS are several words
	if out=$(insmod /heki_vtl0.ko $1 2>&1); then
		echo "# heki_vtl0 $1 was accepted"
		return 1
	fi
	echo "# $out"
}
# untouched: heki_vtl0 is not loaded and VTL1 holds no state of it:
# no end of boot, no register locked, no protection, nothing committed.
untouched() {
	! loaded heki_vtl0 && eq "$(vtl1_of end_of_boot)" 0 &&
		! grep -q '^cpu' $E/vtl1 && grep -q '^# runs 0 pages 0' $E/protections &&
		eq "$(stat_of committed)" 0
}
# variant NAME PARAM VALUE DEFAULT REASON: with PARAM=VALUE heki_vtl0
# refuses, the log says REASON, VTL1 is untouched; PARAM back to DEFAULT.
variant() {
	echo "$3" >"$P/$2"
	t "$1: heki_vtl0 refuses to load" refused "$HV"
	t "  the log says: $5" dmesg_has "$5"
	t "  VTL1 untouched" untouched
	echo "$4" >"$P/$2"
}

# --- the emulator ----------------------------------------------------------

t "heki_hvemu loads" insmod /heki_hvemu.ko
t "  its VTL call entry poisons every register VTL1 may change" \
	dmesg_has "self-check: a VTL call returns VTL1's answer in R8"
t "  the kernel now sees Hyper-V" dmesg_has "the guest now looks like Hyper-V"
t "  it cannot be unloaded (a hypervisor stays)" fails rmmod heki_hvemu
cat $E/stats

# --- refusals, each before any state-changing VTL call ----------------------

V0=$(stat_of vtl_calls)
t "no handshake (vtl1_ready=0): refused (EPERM)" \
	refused "transport=hyperv certs=heki/test-certs.der"
t "  the log says why" dmesg_has "vtl1_ready=1 not given"
t "  no VTL call was made" eq "$(stat_of vtl_calls)" "$V0"
t "  VTL1 untouched" untouched

G0=$(stat_of get_vp_registers)
variant "no hypercall page (hv_hypercall_pg NULL)" hypercall_page 0 1 \
	"hyperv: no hypercall page"
t "  no register read" eq "$(stat_of get_vp_registers)" "$G0"
variant "no AccessVsm privilege" privileges 0 1 "no AccessVsm privilege"
variant "maximum VTL 0" max_vtl 0 1 "maximum VTL below 1"
variant "VTL1 not enabled for the partition" vtl1_enabled 0 1 \
	"VTL1 not enabled for the partition"
variant "MBEC reported absent" mbec 0 1 "MBEC not enabled for VTL1"
variant "VTL1 not enabled on CPU 1 (VpStatus)" vtl1_disabled_cpu 1 -1 \
	"CPU 1: VTL1 not enabled on the VP"
variant "HvCallGetVpRegisters fails (ACCESS_DENIED)" getreg_status 6 0 \
	"HvCallGetVpRegisters(0xd0004) failed: status 0x6"
t "no VTL call in any of these" eq "$(stat_of vtl_calls)" "$V0"

# The code page offsets: a CALL to offset 0 is a hypercall (R8 would come
# back unchanged, "success" for a3 = 0); a CALL to the return offset is #UD.
H0=$(stat_of hypercall_errors)
variant "VTL call offset 0 (the hypercall entry)" vtl_call_offset 0 0x100 \
	"VTL call offset"
t "  no call reached the hypercall entry with VTL call registers" \
	eq "$(stat_of hypercall_errors)" "$H0"
variant "VTL call offset equal to the VTL return offset" vtl_call_offset 0x180 0x100 \
	"VTL call offset"

# IBT (kmod.rst): heki_vtl0 reaches the VTL call entry with an indirect
# CALL, a #CP under IBT unless the entry starts with ENDBR64. QEMU TCG has
# no CET, so the test build's test_ibt=1 treats IBT as on; vtl1_ready=0
# stops a load that passed the detection at the handshake.
ibt_refusals() { dmesg | grep -c "IBT is on and the VTL call entry" || true; }
handshakes() { dmesg | grep -c "vtl1_ready=1 not given" || true; }
NOHS="transport=hyperv certs=heki/test-certs.der"
V0=$(stat_of vtl_calls)
I0=$(ibt_refusals)
echo 0 >$P/vtl_call_endbr
t "VTL call entry without ENDBR64, IBT treated as on (test_ibt=1): refused" \
	fails insmod /heki_vtl0_test.ko $HV test_ibt=1
t "  the log says why, with the entry's bytes" dmesg_has \
	"hyperv: IBT is on and the VTL call entry does not start with ENDBR64 (hypercall page + 0x100: 0f 1f 40 00): refusing to make VTL calls"
t "  no VTL call was made" eq "$(stat_of vtl_calls)" "$V0"
t "  VTL1 untouched" sh -c "! grep -q '^heki_vtl0_test ' /proc/modules && grep -q '^# runs 0 pages 0' $E/protections"
I1=$(ibt_refusals)
t "  logged for that load" test "$I1" -gt "$I0"
if grep -qw ibt /proc/cpuinfo; then
	skip "the same entry, IBT off: detection passes" "the CPU has IBT on"
else
	H0=$(handshakes)
	t "the same entry, IBT off (production module): detection passes to the handshake" \
		refused "$NOHS"
	t "  not refused for IBT" eq "$(ibt_refusals)" "$I1"
	t "  refused at the handshake" test "$(handshakes)" -gt "$H0"
fi
echo 1 >$P/vtl_call_endbr
H0=$(handshakes)
t "entry with ENDBR64, IBT treated as on: detection passes to the handshake" \
	fails insmod /heki_vtl0_test.ko $NOHS test_ibt=1
t "  not refused for IBT" eq "$(ibt_refusals)" "$I1"
t "  refused at the handshake" test "$(handshakes)" -gt "$H0"
t "  no VTL call in any of these" eq "$(stat_of vtl_calls)" "$V0"

# VTL1 must answer on every CPU before the first state-changing call.
S0=$(stat_of silent)
variant "VTL1 not answering on CPU 1" vtl1_silent_cpu 1 -1 "CPU 1"
t "  the call on CPU 1 came back unanswered" test "$(stat_of silent)" -gt "$S0"

# An answer in no documented range is an error, never a success: LockRegs
# answered 2^32 (0 if truncated to int).
echo $LOCK_REGS >$P/answer_func
variant "LockRegs answered 0x100000000" answer 0x100000000 0 "lock_regs failed"
echo 0 >$P/answer_func
t "no contract violation in any refusal" eq "$(stat_of violations)" 0

# --- the default emulation: every step through the hyperv code path --------

G0=$(stat_of get_vp_registers)
V0=$(stat_of vtl_calls)
t "heki_vtl0 transport=hyperv loads" insmod /heki_vtl0.ko $HV
t "  transport hyperv" grep -qx hyperv $D/transport
for step in lock_regs protect_kernel load_kdata end_of_boot; do
	t "  boot step $step ok" grep -qE "^$step +ok " $D/boot
done
ncpu=$(grep -c ^processor /proc/cpuinfo)
# PartitionStatus, VpStatus of each CPU, CodePageOffsets, then the probe
# reads VpStatus again on each CPU before its VTL call: the transport's
# probe, and the CPU online callback's when it is registered.
t "  registers read through the page: PartitionStatus, VpStatus on $ncpu CPUs three times, CodePageOffsets" \
	eq "$(($(stat_of get_vp_registers) - G0))" $((3 * ncpu + 2))
calls() { awk 'NR > 1 { n += $2 } END { print n + 0 }' $D/stats; }
t "  every VTL call heki_vtl0 counted reached the emulator" \
	eq "$(($(stat_of vtl_calls) - V0))" "$(calls)"
t "  VTL1 reached end of boot" eq "$(vtl1_of end_of_boot)" 1
t "  VTL1 holds the certificate" eq "$(vtl1_of certs_loaded)" 1
t "  LockRegs pinned every CPU in VTL1" \
	eq "$(grep -c '^cpu[0-9]* intercept_control 0x7fd543 ' $E/vtl1)" "$ncpu"
t "  kernel text and rodata protected" \
	sh -c "! grep -q '^# runs 0 ' $E/protections"
cat $D/boot
cat $E/vtl1

t "a signed module is validated by VTL1" insmod /heki_test_mod.ko
t "  VTL1 holds it" eq "$(vtl1_of modules)" 1
t "  unloads, VTL1 releases it" rmmod heki_test_mod
t "  VTL1 holds no module" eq "$(vtl1_of modules)" 0
# What VTL1 protects before the refusals: each refused load leaves it so.
prot() { sed -n 's/^# runs //p' $E/protections; }
P0=$(prot)
nothing_left() { eq "$(vtl1_of modules)" 0 && eq "$(prot)" "$P0"; }
t "a tampered module is refused (EKEYREJECTED)" \
	insmod_refused /heki_test_mod-tampered.ko "Key was rejected by service"
t "  by VTL1" dmesg_has "ValidateModule failed (-129)"
t "  VTL1 holds no module, protects nothing more" nothing_left
t "an unsigned module is refused (ENODATA)" \
	insmod_refused /heki_test_mod-unsigned.ko "No data available"
t "  VTL1 holds no module, protects nothing more" nothing_left
t "a module signed by an unknown key is refused (ENOKEY)" \
	insmod_refused /heki_test_mod-otherkey.ko "Required key not available"
t "  VTL1 holds no module, protects nothing more" nothing_left
t "heki_vtl0 cannot be unloaded (VTL1 state is permanent)" fails rmmod heki_vtl0
t "no contract violation" eq "$(stat_of violations)" 0
cat $D/stats
cat $E/stats
